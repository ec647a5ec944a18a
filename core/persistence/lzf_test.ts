import assert from "node:assert/strict";
import { lzfCompress, lzfDecompress } from "./lzf.ts";

const enc = new TextEncoder();

function roundTrip(data: Uint8Array): Uint8Array | null {
  const c = lzfCompress(data, data.length - 4);
  if (c !== null) assert.deepEqual(lzfDecompress(c, data.length), data);
  return c;
}

Deno.test("lzf compresses repetitive data and decompresses it back", () => {
  const data = enc.encode("a".repeat(1000));
  const c = roundTrip(data);
  assert.ok(c !== null && c.length < 30);
  const text = enc.encode("hello world, hello world, hello valkey world! ".repeat(50));
  assert.ok(roundTrip(text) !== null);
});

Deno.test("lzf gives up on incompressible data within the output budget", () => {
  const data = new Uint8Array(200);
  let x = 12345;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  assert.equal(lzfCompress(data, data.length - 4), null);
});

Deno.test("lzf round-trips long mixed inputs", () => {
  const parts: string[] = [];
  for (let i = 0; i < 3000; i++) parts.push(`key:${i % 97}:${(i * 31) % 1000}|`);
  const data = enc.encode(parts.join(""));
  const c = roundTrip(data);
  assert.ok(c !== null && c.length < data.length / 2);
});

Deno.test("lzf decodes what liblzf made (redis-server 7.0's DUMP of 30 times 'a')", () => {
  // literal "aa", a back reference of 26 bytes at distance 1, literal "aa".
  const c = new Uint8Array([0x01, 0x61, 0x61, 0xe0, 0x11, 0x00, 0x01, 0x61, 0x61]);
  assert.deepEqual(lzfDecompress(c, 30), enc.encode("a".repeat(30)));
});

Deno.test("lzf rejects malformed input", () => {
  assert.throws(() => lzfDecompress(new Uint8Array([0x05, 0x61]), 6));
  assert.throws(() => lzfDecompress(new Uint8Array([0x20, 0x10]), 4));
});
