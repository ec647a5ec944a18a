import assert from "node:assert/strict";
import { sipHash13, sipHashItem, sipKeyFromBytes, toBigInt } from "./siphash.ts";

const KEY = sipKeyFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i));
const MSG = Uint8Array.from({ length: 64 }, (_, i) => i);
const out = new Uint32Array(2);

// SipHash-1-3, key 00..0f, message 00..n-1 — computed by Rust std's SipHasher13 (see
// testdata/bloom_vectors.rs); n = 0 is the published first vector (dc c4 0f 05 58 01 ac ab, little endian).
const RAW_VECTORS = [
  "abac0158050fc4dc",
  "c9f49bf37d57ca93",
  "82cb9b024dc7d44d",
  "8bf80ab8e7ddf7fb",
  "cf75576088d38328",
  "def9d52f49533b67",
  "c50d2b50c59f22a7",
  "d3927d989bb11140",
  "369095118d299a8e",
  "25a48eb36c063de4",
  "79de85ee92ff097f",
  "70c118c1f94dc352",
  "78a384b157b4d9a2",
  "306f760c1229ffa7",
  "605aa111c0f95d34",
  "d320d86d2a519956",
  "cc4fdd1a7d908b66",
  "9cf2689063dbd80c",
  "8ffc389cb473e63e",
  "f21f9de58d297d1c",
  "c0dc2f46a6cce040",
];

Deno.test("SipHash-1-3 matches the reference vectors for messages of 0 to 20 bytes", () => {
  RAW_VECTORS.forEach((hex, n) => {
    sipHash13(KEY, MSG.subarray(0, n), out);
    assert.equal(toBigInt(out).toString(16).padStart(16, "0"), hex, `length ${n}`);
  });
});

Deno.test("SipHash-1-3 with a zero key agrees with CPython's str/bytes hash (PYTHONHASHSEED=0)", () => {
  // CPython 3.11 hashes bytes with SipHash-1-3; `hash(b'abc')` with PYTHONHASHSEED=0 is this value.
  sipHash13(new Uint32Array(4), new TextEncoder().encode("abc"), out);
  assert.equal(BigInt.asIntN(64, toBigInt(out)), -4594863902769663758n);
});

Deno.test("an item is hashed as Rust hashes a byte slice: length prefix, then the bytes", () => {
  const cases: [string, string][] = [
    ["", "5cb96f6ba2a4fcfc"],
    ["a", "191effd3459c7e1d"],
    ["item", "7efb8c91f54abeec"],
    ["hello world", "a75154538810fe61"],
    ["0123456789abcdef01234", "ccf9837fbc28c85e"],
  ];
  for (const [item, hex] of cases) {
    sipHashItem(KEY, new TextEncoder().encode(item), out);
    assert.equal(toBigInt(out).toString(16).padStart(16, "0"), hex, item);
  }
  // The same as hashing the explicit 8-byte little-endian length followed by the item.
  const item = new TextEncoder().encode("hello world");
  const framed = new Uint8Array(8 + item.length);
  framed[0] = item.length;
  framed.set(item, 8);
  const a = new Uint32Array(2), b = new Uint32Array(2);
  sipHashItem(KEY, item, a);
  sipHash13(KEY, framed, b);
  assert.equal(toBigInt(a), toBigInt(b));
});
