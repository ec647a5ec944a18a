import assert from "node:assert/strict";
import { parseJson } from "./parser.ts";
import { serialize } from "./serializer.ts";
import { JNum, JObj, typeOf } from "./document.ts";
import { E, JsonError } from "./errors.ts";

function throwsWire(fn: () => unknown, wire: string): void {
  assert.throws(fn, (e: unknown) => e instanceof JsonError && e.wire === wire);
}

Deno.test("parseJson reads every JSON type and serializes back compactly", () => {
  const src = '{"a":1,"b":[true,false,null],"c":"x","d":{"e":-2.5e3},"f":[]}';
  assert.equal(serialize(parseJson(src)), src);
  assert.equal(serialize(parseJson(" \n\t[ 1 , { } ]\r ")), "[1,{}]");
});

Deno.test("numbers keep their original text", () => {
  for (
    const t of ["0.1", "-1.23456789", "1.7976e+308", "1.234567890123456789", "0.3000000", "-0", "1E5", "1.0"]
  ) {
    assert.equal(serialize(parseJson(t)), t);
  }
  assert.ok(parseJson("0.3000000") instanceof JNum);
  assert.equal(typeof parseJson("27"), "number");
});

Deno.test("integer versus number follows the text (and the int64 range)", () => {
  assert.equal(typeOf(parseJson("27")), "integer");
  assert.equal(typeOf(parseJson("-9223372036854775808")), "integer");
  assert.equal(typeOf(parseJson("9223372036854775807")), "integer");
  assert.equal(typeOf(parseJson("9223372036854775808")), "number");
  assert.equal(typeOf(parseJson("-9223372036854775809")), "number");
  assert.equal(typeOf(parseJson("1.0")), "number");
  assert.equal(typeOf(parseJson("1e2")), "number");
});

Deno.test("strings decode escapes, surrogate pairs and UTF-8", () => {
  assert.equal(parseJson('"a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00"'), 'a"b\\c/d\né😀');
  assert.equal(parseJson(new TextEncoder().encode('"héllo"')), "héllo");
  assert.equal(serialize(parseJson('"\\u0001\\t\\""')), '"\\u0001\\t\\""');
});

Deno.test("duplicate keys keep the first position and the last value", () => {
  const v = parseJson('{"a":0,"b":1,"a":2}') as JObj;
  assert.deepEqual(v.keys, ["a", "b"]);
  assert.equal(serialize(v), '{"a":2,"b":1}');
});

Deno.test("malformed input is a SYNTAXERR", () => {
  for (
    const bad of [
      "",
      "foo",
      '{"a"}',
      "[a]",
      "[1,]",
      '{"a":1,}',
      "01",
      "1.",
      ".5",
      "+1",
      "NaN",
      "1e999",
      '"abc',
      '"\u0001"',
      '"\\x"',
      '"\\ud800"',
      "[1] 2",
      "{'a':1}",
      "tru",
      "nul",
    ]
  ) {
    throwsWire(() => parseJson(bad), E.PARSE);
  }
});

Deno.test("nesting beyond the parser limit is a LIMIT error, even a million levels deep", () => {
  const deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
  throwsWire(() => parseJson(deep), E.PARSER_DEPTH_LIMIT);
  const ok = "[".repeat(200) + "]".repeat(200);
  assert.equal(serialize(parseJson(ok)), ok);
  throwsWire(() => parseJson("[".repeat(201) + "]".repeat(201)), E.PARSER_DEPTH_LIMIT);
});
