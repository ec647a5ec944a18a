import assert from "node:assert/strict";
import { Crc64, crc64 } from "./crc64.ts";

Deno.test("crc64 of 123456789 is Valkey's check value", () => {
  assert.equal(crc64(new TextEncoder().encode("123456789")), 0xe9c6d914c4b8d9can);
});

Deno.test("crc64 fed in chunks equals crc64 in one go", () => {
  const data = new Uint8Array(1000).map((_, i) => (i * 7 + 3) & 0xff);
  const c = new Crc64().update(data, 0, 333).update(data, 333, 1000);
  assert.equal(c.value(), crc64(data));
  assert.equal(c.matches(c.bytes(), 0), true);
});

Deno.test("crc64 of the empty string is 0", () => {
  assert.equal(crc64(new Uint8Array(0)), 0n);
});

Deno.test("crc64 gives the same result for every split of the input (slicing-by-8 and byte steps agree)", () => {
  const data = new Uint8Array(257).map((_, i) => (i * 131 + 7) & 0xff);
  const whole = crc64(data);
  for (let cut = 0; cut <= 20; cut++) {
    assert.equal(new Crc64().update(data, 0, cut).update(data, cut).value(), whole);
  }
  // Byte by byte.
  const c = new Crc64();
  for (let i = 0; i < data.length; i++) c.update(data, i, i + 1);
  assert.equal(c.value(), whole);
});
