import assert from "node:assert/strict";
import { cstr, cstrBytes, cstrEquals, cutAtNul, errorText, isValidClientAttr } from "./text.ts";

const enc = new TextEncoder();

Deno.test("cstrEquals compares an option ignoring ASCII case", () => {
  assert.equal(cstrEquals(enc.encode("SkipMe"), "skipme"), true);
  assert.equal(cstrEquals(enc.encode("skipme"), "skipme"), true);
  assert.equal(cstrEquals(enc.encode("skipm"), "skipme"), false);
  assert.equal(cstrEquals(enc.encode("skipmee"), "skipme"), false);
  assert.equal(cstrEquals(enc.encode(""), "id"), false);
});

Deno.test("cstrEquals stops at a NUL byte like strcasecmp", () => {
  assert.equal(cstrEquals(Uint8Array.of(0x49, 0x44, 0, 0x78), "id"), true);
  assert.equal(cstrEquals(Uint8Array.of(0x49, 0, 0x44), "id"), false);
});

Deno.test("cstr and cstrBytes keep the bytes before the first NUL", () => {
  assert.equal(cstr(Uint8Array.of(0x61, 0x62, 0, 0x63)), "ab");
  assert.deepEqual(cstrBytes(Uint8Array.of(0, 1)), new Uint8Array(0));
  assert.equal(cstr(enc.encode("héllo")), "héllo");
});

Deno.test("errorText trims CR and LF at the ends and turns inner ones into spaces", () => {
  assert.equal(errorText("\r\nERR a\nb\r\n"), "ERR a b");
  assert.equal(errorText("ERR x\r\ny"), "ERR x  y");
  assert.equal(errorText("ERR plain"), "ERR plain");
  assert.equal(errorText("\n\n"), "");
});

Deno.test("client attributes must be printable ASCII without spaces", () => {
  assert.equal(isValidClientAttr(enc.encode("redis.py-1.2.3_!~")), true);
  assert.equal(isValidClientAttr(new Uint8Array(0)), true);
  for (const bad of ["a b", "a\nb", "\t", "\x7f", "é", "\x1f"]) {
    assert.equal(isValidClientAttr(enc.encode(bad)), false, JSON.stringify(bad));
  }
});

Deno.test("client attributes are checked only up to a NUL byte", () => {
  assert.equal(isValidClientAttr(Uint8Array.of(0x61, 0, 0x20, 0x0a)), true);
  assert.equal(isValidClientAttr(Uint8Array.of(0x20, 0, 0x61)), false);
});

Deno.test("cutAtNul shows a stored attribute as C would print it", () => {
  assert.equal(cutAtNul("a\0b c"), "a");
  assert.equal(cutAtNul("abc"), "abc");
  assert.equal(cutAtNul("\0"), "");
});
