import assert from "node:assert/strict";
import { Backlog } from "./primary.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("Backlog keeps the newest bytes and their offsets across wrap-around", () => {
  const b = new Backlog(8, 1);
  b.append(bytes("abcde"));
  assert.equal(b.offset, 1);
  assert.equal(b.histlen, 5);
  assert.equal(text(b.from(1)), "abcde");
  assert.equal(text(b.from(3)), "cde");
  assert.equal(text(b.from(6)), "");
  b.append(bytes("fghij")); // 10 bytes in an 8-byte ring: "ab" are gone
  assert.equal(b.offset, 3);
  assert.equal(b.histlen, 8);
  assert.equal(text(b.from(3)), "cdefghij");
  assert.equal(text(b.from(9)), "ij");
});

Deno.test("Backlog: an append larger than the ring keeps its tail", () => {
  const b = new Backlog(4, 101);
  b.append(bytes("xy"));
  b.append(bytes("0123456789"));
  assert.equal(b.histlen, 4);
  assert.equal(b.offset, 101 + 12 - 4);
  assert.equal(text(b.from(b.offset)), "6789");
  b.append(bytes("A"));
  assert.equal(text(b.from(b.offset)), "789A");
});

Deno.test("Backlog.resize keeps the newest bytes that fit", () => {
  const b = new Backlog(8, 1);
  b.append(bytes("abcdefgh"));
  const small = b.resize(3);
  assert.equal(small.offset, 6);
  assert.equal(text(small.from(6)), "fgh");
  const big = small.resize(16);
  assert.equal(big.offset, 6);
  big.append(bytes("ijk"));
  assert.equal(text(big.from(6)), "fghijk");
});
