import assert from "node:assert/strict";
import { HASH_SEED, hashBytes, hashOf } from "./hash.ts";

const enc = new TextEncoder();

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}

// Reference values computed with libxxhash 0.8.1 (XXH32) through ctypes.
const VECTORS: [Uint8Array, number, number][] = [
  [enc.encode(""), 0, 0x02cc5d05],
  [enc.encode(""), 0x9e3779b1, 0x36b78ae7],
  [enc.encode(""), 0xdeadbeef, 0xc372c6cb],
  [enc.encode("a"), 0, 0x550d7456],
  [enc.encode("a"), 0x9e3779b1, 0x9e1633e4],
  [enc.encode("abc"), 0, 0x32d153ff],
  [enc.encode("abc"), 0xdeadbeef, 0x81bbb04e],
  [enc.encode("message digest"), 0, 0x7c948494],
  [enc.encode("message digest"), 0xdeadbeef, 0x8da344fc],
  [enc.encode("abcdefghijklmnopqrstuvwxyz"), 0, 0x63a14d5f],
  [enc.encode("abcdefghijklmnopqrstuvwxyz"), 0x9e3779b1, 0x235204a9],
  [enc.encode("0123456789abcdef"), 0, 0xc2c45b69],
  [enc.encode("0123456789abcdef"), 0xdeadbeef, 0x89ec2ed6],
  [enc.encode("0123456789abcdefg"), 0, 0xcc79b217],
  [enc.encode("0123456789abcdefg"), 0x9e3779b1, 0x498c0efa],
  [bytes(256), 0, 0x59441253],
  [bytes(256), 0x9e3779b1, 0x2f6efc73],
  [bytes(256), 0xdeadbeef, 0x169459e3],
];

Deno.test("hashBytes matches the reference XXH32 for every length class and seed", () => {
  for (const [input, seed, want] of VECTORS) {
    assert.equal(hashBytes(input, 0, input.length, seed), want, `len ${input.length} seed ${seed}`);
  }
});

Deno.test("hashBytes hashes a sub-range exactly like a copy of that range", () => {
  const big = bytes(300);
  for (const [start, end] of [[0, 0], [1, 2], [3, 20], [7, 64], [13, 300], [100, 117]] as const) {
    const copy = big.slice(start, end);
    assert.equal(hashBytes(big, start, end, 12345), hashBytes(copy, 0, copy.length, 12345));
    const view = big.subarray(start, end);
    assert.equal(hashBytes(view, 0, view.length, 7), hashBytes(copy, 0, copy.length, 7));
  }
});

Deno.test("hashBytes returns unsigned 32-bit integers", () => {
  for (let i = 0; i < 1000; i++) {
    const key = enc.encode(`k${i}`);
    const h = hashBytes(key, 0, key.length, 99);
    assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
  }
});

Deno.test("a different seed changes the hash of (almost) every input", () => {
  let same = 0;
  for (let i = 0; i < 10000; i++) {
    const key = enc.encode(`key:${i}`);
    if (hashBytes(key, 0, key.length, 1) === hashBytes(key, 0, key.length, 2)) same++;
  }
  assert.ok(same <= 1, `${same} collisions across seeds`);
});

Deno.test("hashOf uses the per-process seed", () => {
  assert.ok(Number.isInteger(HASH_SEED) && HASH_SEED >= 0 && HASH_SEED <= 0xffffffff);
  const key = enc.encode("some key");
  assert.equal(hashOf(key), hashBytes(key, 0, key.length, HASH_SEED));
});

Deno.test("bucket bits and tag bits are evenly distributed for sequential keys", () => {
  const n = 200000;
  const buckets = new Int32Array(1024);
  const tags = new Int32Array(256);
  for (let i = 0; i < n; i++) {
    const h = hashOf(enc.encode(`user:${i}`));
    buckets[h & 1023]!++;
    tags[h >>> 24]!++;
  }
  // Chi-square with 1023 / 255 degrees of freedom; thresholds are ~6 standard deviations out.
  const chi = (counts: Int32Array): number => {
    const expect = n / counts.length;
    let sum = 0;
    for (const c of counts) sum += (c - expect) ** 2 / expect;
    return sum;
  };
  assert.ok(chi(buckets) < 1023 + 6 * Math.sqrt(2 * 1023), `bucket chi2 ${chi(buckets)}`);
  assert.ok(chi(tags) < 255 + 6 * Math.sqrt(2 * 255), `tag chi2 ${chi(tags)}`);
});

Deno.test("single-bit input changes flip about half of the output bits", () => {
  const key = new Uint8Array(16);
  let flips = 0;
  let trials = 0;
  for (let byte = 0; byte < 16; byte++) {
    for (let bit = 0; bit < 8; bit++) {
      const base = hashBytes(key, 0, 16, 5);
      key[byte] = 1 << bit;
      let x = (base ^ hashBytes(key, 0, 16, 5)) >>> 0;
      key[byte] = 0;
      while (x !== 0) {
        flips += x & 1;
        x >>>= 1;
      }
      trials++;
    }
  }
  const avg = flips / trials;
  assert.ok(avg > 14 && avg < 18, `average flipped bits ${avg}`);
});
