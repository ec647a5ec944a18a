import assert from "node:assert/strict";
import { globMatch, isPlainPattern } from "./glob.ts";

const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const m = (p: string, s: string, nocase = false) => globMatch(b(p), b(s), nocase);

// Expected results were checked against a Valkey 8.1.1 server (KEYS over random keys and patterns built from
// the metacharacters, plus the cases below).

Deno.test("stars and question marks match runs and single bytes", () => {
  assert.ok(m("*", "anything"));
  assert.ok(m("h?llo", "hello"));
  assert.ok(m("h?llo", "hallo"));
  assert.ok(!m("h?llo", "hllo"));
  assert.ok(m("h*llo", "hllo"));
  assert.ok(m("h*llo", "heeeello"));
  assert.ok(m("**a**", "xxaxx"));
  assert.ok(m("a*b*c", "aXbYc"));
  assert.ok(!m("a*b*c", "aXbYd"));
  assert.ok(m("a*", "a"));
  assert.ok(m("a**", "a"));
  assert.ok(m("*a", "a"));
  assert.ok(m("{a}*", "{a}x"));
  assert.ok(m("*{b}*", "{b}a"));
  assert.ok(!m("?", ""));
  assert.ok(m("", ""));
  assert.ok(!m("", "a"));
  assert.ok(!m("abc", "abcd"));
  assert.ok(!m("abcd", "abc"));
});

Deno.test("a lone star does not match the empty string, like stringmatchlen", () => {
  // KEYS and SCAN special-case the pattern "*" and never call the matcher for it.
  assert.ok(!m("*", ""));
  assert.ok(!m("**", ""));
  assert.ok(!m("a*", ""));
});

Deno.test("character classes support sets, ranges, reversed ranges and negation", () => {
  assert.ok(m("h[ae]llo", "hello"));
  assert.ok(m("h[ae]llo", "hallo"));
  assert.ok(!m("h[ae]llo", "hillo"));
  assert.ok(m("h[^e]llo", "hallo"));
  assert.ok(!m("h[^e]llo", "hello"));
  assert.ok(m("h[a-b]llo", "hbllo"));
  assert.ok(!m("h[a-b]llo", "hcllo"));
  assert.ok(m("h[b-a]llo", "hallo"));
  assert.ok(m("[z-a]", "q"));
  assert.ok(m("[a-cx-z]", "y"));
  assert.ok(m("[-a]", "-"));
  // "a-]" is a range up to "]" (reversed: "]".."a"), which leaves the class unterminated
  assert.ok(!m("[a-]", "-"));
  assert.ok(m("[a-]", "^"));
  assert.ok(m("[a-]", "a"));
  assert.ok(!m("[]", "]")); // "]" right after "[" closes an empty class
  assert.ok(!m("[]a]", "]"));
  assert.ok(!m("[]a]", "]a]"));
});

Deno.test("escapes work outside and inside classes", () => {
  assert.ok(m("\\*", "*"));
  assert.ok(!m("\\*", "a"));
  assert.ok(m("a\\?", "a?"));
  assert.ok(!m("a\\?", "ab"));
  assert.ok(m("[\\]]", "]"));
  assert.ok(m("[\\^a]", "^"));
  assert.ok(m("[a\\-z]", "-"));
  assert.ok(!m("[a\\-z]", "b"));
  assert.ok(m("a\\", "a\\")); // a trailing backslash is literal
  assert.ok(m("[\\", "\\")); // ...also as the last byte of an unterminated class
});

Deno.test("unterminated classes end at the pattern end", () => {
  assert.ok(m("[abc", "a"));
  assert.ok(m("[abc", "c"));
  assert.ok(!m("[abc", "d"));
  assert.ok(m("[^", "x")); // negated empty class: any one byte
  assert.ok(!m("[^", ""));
  assert.ok(!m("[", "["));
  assert.ok(m("[a-", "a"));
  assert.ok(m("[a-", "-"));
  assert.ok(!m("[a-", "b"));
  assert.ok(m("x[ab", "xb"));
});

Deno.test("nocase folds ASCII letters except for escaped class members", () => {
  assert.ok(m("HELLO", "hello", true));
  assert.ok(!m("HELLO", "hello"));
  assert.ok(m("h?L*", "HeLLO", true));
  assert.ok(m("[A-Z]", "q", true));
  assert.ok(m("[a-z]", "Q", true));
  assert.ok(m("[QX]", "x", true));
  assert.ok(!m("[\\A]", "a", true));
  assert.ok(m("\\A", "a", true)); // escapes outside classes do fold
  assert.ok(!m("é", "É", true)); // bytes beyond ASCII never fold
});

Deno.test("bytes above 0x7f compare as C signed chars in ranges", () => {
  const p = new Uint8Array([91, 97, 45, 0xff, 93]); // [a-\xff] == [\xff-a] == [-1, 97]
  assert.ok(globMatch(p, new Uint8Array([0xff])));
  assert.ok(globMatch(p, new Uint8Array([65])));
  assert.ok(globMatch(p, new Uint8Array([97])));
  assert.ok(!globMatch(p, new Uint8Array([122])));
  assert.ok(!globMatch(p, new Uint8Array([0x80])));
  assert.ok(globMatch(new Uint8Array([0xe9, 42]), new Uint8Array([0xe9, 1, 2])));
  assert.ok(globMatch(b("a\u0000*"), b("a\u0000b"))); // NUL is an ordinary byte
});

Deno.test("pathological patterns finish quickly", () => {
  const t0 = performance.now();
  assert.ok(!m("a*a*a*a*a*a*a*b", "a".repeat(10000)));
  assert.ok(!m("*?".repeat(50000), "x".repeat(100)));
  assert.ok(!m("*a*a*a*a*a*a*a*a*a*a*a*a*c", "a".repeat(5000) + "b"));
  assert.ok(m("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000) + "b"));
  assert.ok(performance.now() - t0 < 2000);
});

Deno.test("more than 1000 nested stars report no match, as Valkey does", () => {
  const key = "a".repeat(1100);
  assert.ok(m("*a".repeat(999), key));
  assert.ok(m("*a".repeat(1000), key));
  assert.ok(!m("*a".repeat(1001), key));
  assert.ok(!m("*a".repeat(1100), key));
});

Deno.test("isPlainPattern detects patterns without metacharacters", () => {
  assert.ok(isPlainPattern(b("user:1000")));
  assert.ok(isPlainPattern(b("a]b^c-d")));
  assert.ok(isPlainPattern(b("")));
  for (const p of ["a*", "?", "[a]", "a\\b"]) assert.ok(!isPlainPattern(b(p)), p);
});
