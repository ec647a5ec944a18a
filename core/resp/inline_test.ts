import assert from "node:assert/strict";
import { splitArgs } from "./inline.ts";

const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const str = (a: Uint8Array) => String.fromCharCode(...a);
const split = (s: string) => {
  const r = splitArgs(b(s));
  return r === null ? null : r.map(str);
};

Deno.test("plain words are split on whitespace", () => {
  assert.deepEqual(split("Testing one two three"), ["Testing", "one", "two", "three"]);
  assert.deepEqual(split("  SET   k\tv  "), ["SET", "k", "v"]);
  assert.deepEqual(split(""), []);
  assert.deepEqual(split("   \t "), []);
  assert.deepEqual(split("PING"), ["PING"]);
  assert.deepEqual(split("a\rb\nc"), ["a", "b", "c"]);
});

Deno.test("vertical tab and form feed are skipped between words but kept inside them", () => {
  assert.deepEqual(split("\u000bECHO\u000cx "), ["ECHO\u000cx"]);
  assert.deepEqual(split("ECHO a\u000bb"), ["ECHO", "a\u000bb"]);
  assert.deepEqual(split("a \u000b\u000c b"), ["a", "b"]);
});

Deno.test("double quotes support C escapes and hex bytes", () => {
  assert.deepEqual(split("\"Testing split strings\" 'Another split string'"), [
    "Testing split strings",
    "Another split string",
  ]);
  assert.deepEqual(split('"Hello" '), ["Hello"]);
  assert.deepEqual(split('"a\\nb\\rc\\td\\be\\af"'), ["a\nb\rc\td\be\u0007f"]);
  assert.deepEqual(split('"q\\"q" "s\\\\s" "\\z"'), ['q"q', "s\\s", "z"]);
  assert.deepEqual(split('"\\x41\\x4a\\x4A\\x00\\xff"'), ["AJJ\u0000\u00ff"]);
  assert.deepEqual(split('"c\\x41\\x4"'), ["cAx4"]); // \x4 is not a hex escape: \x -> x
  assert.deepEqual(split('"\\xzz"'), ["xzz"]);
  assert.deepEqual(split('""'), [""]);
  assert.deepEqual(split('"" ""'), ["", ""]);
  const secret =
    '"\\x73\\x75\\x70\\x65\\x72\\x20\\x00\\x73\\x65\\x63\\x72\\x65\\x74\\x20\\x70\\x61\\x73\\x73\\x77\\x6f\\x72\\x64"';
  const r = splitArgs(b(secret))!;
  assert.equal(r.length, 1);
  assert.equal(r[0]!.length, 22);
});

Deno.test("single quotes only escape the single quote", () => {
  assert.deepEqual(split("'a\\'b'"), ["a'b"]);
  assert.deepEqual(split("'a\\nb'"), ["a\\nb"]);
  assert.deepEqual(split("'\"'"), ['"']);
  assert.deepEqual(split("''"), [""]);
});

Deno.test("quotes may start inside a word", () => {
  assert.deepEqual(split('SET a"b c" v'), ["SET", "ab c", "v"]);
  assert.deepEqual(split("x'y z'"), ["xy z"]);
  assert.deepEqual(split("a\"b\"'c'"), null); // the closing " must be followed by a space
});

Deno.test("unbalanced or badly closed quotes invalidate the whole line", () => {
  assert.equal(split('set """test-key""" test-value'), null);
  assert.equal(split('"abc'), null);
  assert.equal(split("'abc"), null);
  assert.equal(split('"abc\\"'), null);
  assert.equal(split('"abc\\'), null);
  assert.equal(split('ECHO "a"b'), null);
  assert.equal(split("'a'b"), null);
  assert.deepEqual(split('"a"\tb'), ["a", "b"]);
  assert.deepEqual(split('"a"\u000bb'), ["a", "b"]); // \v counts as space after a quote
});

Deno.test("a NUL byte ends the line like a C string", () => {
  assert.deepEqual(split("a b\u0000c d"), ["a", "b"]);
  assert.equal(split('"ab\u0000c"'), null);
});

Deno.test("unquoted arguments are views into the line", () => {
  const line = b("GET key");
  const r = splitArgs(line)!;
  assert.equal(r[1]!.buffer, line.buffer);
  assert.equal(r[1]!.byteOffset, 4);
});
