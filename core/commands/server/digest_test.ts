import assert from "node:assert/strict";
import { digestHex, mixDigest, xorDigest } from "./digest.ts";
import { fpconvDtoa } from "../../util/numbers.ts";

const enc = new TextEncoder();

Deno.test("xorDigest is order-free, mixDigest is not", () => {
  const a = new Uint8Array(20);
  const b = new Uint8Array(20);
  xorDigest(a, enc.encode("x"));
  xorDigest(a, enc.encode("y"));
  xorDigest(b, enc.encode("y"));
  xorDigest(b, enc.encode("x"));
  assert.equal(digestHex(a), digestHex(b));
  // SHA1("x") = 11f6ad8ec52a2984abaafd7c3b516503785c2072.
  const x = new Uint8Array(20);
  xorDigest(x, enc.encode("x"));
  assert.equal(digestHex(x), "11f6ad8ec52a2984abaafd7c3b516503785c2072");
  const m1 = new Uint8Array(20);
  const m2 = new Uint8Array(20);
  mixDigest(m1, enc.encode("foo"));
  mixDigest(m1, enc.encode("bar"));
  mixDigest(m2, enc.encode("bar"));
  mixDigest(m2, enc.encode("foo"));
  assert.notEqual(digestHex(m1), digestHex(m2));
  const m3 = new Uint8Array(20);
  mixDigest(m3, enc.encode("fo"));
  mixDigest(m3, enc.encode("obar"));
  assert.notEqual(digestHex(m1), digestHex(m3));
  assert.equal(digestHex(new Uint8Array(20)), "0".repeat(40));
});

Deno.test("fpconvDtoa prints scores as fpconv_dtoa does, without d2string's integer shortcut", () => {
  assert.equal(fpconvDtoa(1), "1");
  assert.equal(fpconvDtoa(-3), "-3");
  assert.equal(fpconvDtoa(2.5), "2.5");
  assert.equal(fpconvDtoa(0.1), "0.1");
  assert.equal(fpconvDtoa(1e20), "1e+20");
  assert.equal(fpconvDtoa(0), "0");
  assert.equal(fpconvDtoa(-0), "-0");
  assert.equal(fpconvDtoa(Infinity), "inf");
  assert.equal(fpconvDtoa(-Infinity), "-inf");
  assert.equal(fpconvDtoa(123456789012), "123456789012");
});
