import assert from "node:assert/strict";
import { parseRustF64, parseRustI64, parseRustU32 } from "./numbers.ts";

const b = (s: string) => new TextEncoder().encode(s);

Deno.test("floats parse as Rust's f64::from_str", () => {
  assert.equal(parseRustF64(b("0.01")), 0.01);
  assert.equal(parseRustF64(b(".5")), 0.5);
  assert.equal(parseRustF64(b("5.")), 5);
  assert.equal(parseRustF64(b("+1e-3")), 0.001);
  assert.equal(parseRustF64(b("0.99999999999999999")), 1);
  assert.equal(parseRustF64(b("-inf")), -Infinity);
  assert.ok(Number.isNaN(parseRustF64(b("NaN"))));
  for (const bad of ["", " 1", "1 ", "0x10", "1e", "e5", ".", "1_0", "err", "1,5", "Infinityx"]) {
    assert.equal(parseRustF64(b(bad)), null, bad);
  }
  assert.equal(parseRustF64(Uint8Array.of(0xff)), null);
});

Deno.test("integers parse as Rust's i64 and u32 from_str", () => {
  assert.equal(parseRustI64(b("9223372036854775807")), 9223372036854775807n);
  assert.equal(parseRustI64(b("9223372036854775808")), null);
  assert.equal(parseRustI64(b("-1")), -1n);
  assert.equal(parseRustI64(b("+007")), 7n);
  assert.equal(parseRustI64(b("1.0")), null);
  assert.equal(parseRustI64(b("")), null);
  assert.equal(parseRustU32(b("4294967295")), 4294967295);
  assert.equal(parseRustU32(b("4294967296")), null);
  assert.equal(parseRustU32(b("-0")), null);
  assert.equal(parseRustU32(b("0.99")), null);
  assert.equal(parseRustU32(b("+2")), 2);
});
