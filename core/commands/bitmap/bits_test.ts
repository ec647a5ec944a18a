import assert from "node:assert/strict";
import {
  findBit,
  getBit,
  getSignedField,
  getUnsignedField,
  Overflow,
  popcount,
  popcountBits,
  setBit,
  setField,
  signedFieldResult,
  unsignedFieldResult,
} from "./bits.ts";
import { bitop } from "./bitop.ts";
import { xorshift32 as rng } from "../../util/prng.ts";

function randomBytes(rand: () => number, n: number, density = 0.5): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n * 8; i++) if (rand() < density) b[i >> 3] = b[i >> 3]! | (0x80 >> (i & 7));
  return b;
}

function bitAt(p: Uint8Array, i: number): number {
  return (p[i >> 3]! >> (7 - (i & 7))) & 1;
}

Deno.test("popcount counts the set bits of a byte range, on both sides of the word-at-a-time path", () => {
  const rand = rng(7);
  for (const n of [0, 1, 7, 63, 64, 65, 200, 1031]) {
    const p = randomBytes(rand, n);
    for (let t = 0; t < 20 && n > 0; t++) {
      const a = Math.floor(rand() * n);
      const b = a + Math.floor(rand() * (n - a));
      let expected = 0;
      for (let i = a * 8; i < (b + 1) * 8; i++) expected += bitAt(p, i);
      assert.equal(popcount(p, a, b), expected, `n=${n} [${a},${b}]`);
    }
  }
  // An unaligned view of a larger buffer.
  const big = randomBytes(rand, 300);
  const view = big.subarray(3, 290);
  let all = 0;
  for (let i = 0; i < view.length * 8; i++) all += bitAt(view, i);
  assert.equal(popcount(view, 0, view.length - 1), all);
});

Deno.test("popcountBits counts only the bits inside an inclusive bit range", () => {
  const rand = rng(11);
  const p = randomBytes(rand, 40);
  for (let t = 0; t < 500; t++) {
    const a = Math.floor(rand() * 320);
    const b = a + Math.floor(rand() * (320 - a));
    let expected = 0;
    for (let i = a; i <= b; i++) expected += bitAt(p, i);
    assert.equal(popcountBits(p, a, b), expected, `[${a},${b}]`);
  }
  assert.equal(popcountBits(new Uint8Array([0xff]), 3, 3), 1);
  assert.equal(popcountBits(new Uint8Array([0xff, 0xff]), 5, 9), 5);
});

Deno.test("findBit returns the first matching bit of a range or -1", () => {
  const rand = rng(3);
  for (const density of [0, 0.02, 0.5, 0.98, 1]) {
    const p = randomBytes(rand, 64, density);
    for (let t = 0; t < 300; t++) {
      const a = Math.floor(rand() * 512);
      const b = a + Math.floor(rand() * (512 - a));
      for (const bit of [0, 1] as const) {
        let expected = -1;
        for (let i = a; i <= b; i++) {
          if (bitAt(p, i) === bit) {
            expected = i;
            break;
          }
        }
        assert.equal(findBit(p, a, b, bit), expected, `density=${density} [${a},${b}] bit=${bit}`);
      }
    }
  }
  assert.equal(findBit(new Uint8Array([0xff, 0xff, 0x00]), 0, 23, 0), 16);
  assert.equal(findBit(new Uint8Array([0x00, 0x00, 0x01]), 0, 23, 1), 23);
  assert.equal(findBit(new Uint8Array([0x00, 0x00, 0x01]), 0, 22, 1), -1);
});

Deno.test("getBit and setBit use most-significant-bit-first numbering", () => {
  const p = new Uint8Array(2);
  assert.equal(setBit(p, 1, 1), 0);
  assert.deepEqual([...p], [0b01000000, 0]);
  assert.equal(setBit(p, 1, 1), 1);
  assert.equal(setBit(p, 15, 1), 0);
  assert.deepEqual([...p], [0b01000000, 0b00000001]);
  assert.equal(setBit(p, 1, 0), 1);
  assert.equal(getBit(p, 15), 1);
  assert.equal(getBit(p, 14), 0);
  assert.equal(getBit(p, 16), 0, "past the end reads 0");
  assert.equal(getBit(p, 1e9), 0);
});

Deno.test("bitfields read and write big-endian fields at any bit offset and width", () => {
  const rand = rng(99);
  const model = new Uint8Array(32);
  const p = new Uint8Array(32);
  for (let t = 0; t < 2000; t++) {
    const bits = 1 + Math.floor(rand() * 64);
    const offset = Math.floor(rand() * (256 - bits));
    let value = 0n;
    for (let i = 0; i < 4; i++) value = (value << 16n) | BigInt(Math.floor(rand() * 65536));
    value = BigInt.asIntN(64, value);
    setField(p, offset, bits, value);
    const low = BigInt.asUintN(bits, value);
    for (let i = 0; i < bits; i++) {
      const bit = Number((low >> BigInt(bits - 1 - i)) & 1n);
      const pos = offset + i;
      if (bit) model[pos >> 3] = model[pos >> 3]! | (0x80 >> (pos & 7));
      else model[pos >> 3] = model[pos >> 3]! & ~(0x80 >> (pos & 7));
    }
    assert.deepEqual(p, model);
    assert.equal(getUnsignedField(p, offset, bits), low);
    assert.equal(getSignedField(p, offset, bits), BigInt.asIntN(bits, low));
  }
  // Reads past the end see zero bits.
  assert.equal(getUnsignedField(new Uint8Array([0xff]), 4, 8), 0xf0n);
  assert.equal(getSignedField(new Uint8Array([0x80]), 0, 64), -(1n << 63n));
  assert.equal(getUnsignedField(new Uint8Array(0), 1000, 63), 0n);
});

Deno.test("signed bitfield results wrap, saturate or fail like Valkey", () => {
  // i8: [-128, 127]
  assert.equal(signedFieldResult(100n, 27n, 8, Overflow.WRAP), 127n);
  assert.equal(signedFieldResult(100n, 28n, 8, Overflow.WRAP), -128n);
  assert.equal(signedFieldResult(100n, 28n, 8, Overflow.SAT), 127n);
  assert.equal(signedFieldResult(100n, 28n, 8, Overflow.FAIL), null);
  assert.equal(signedFieldResult(-100n, -29n, 8, Overflow.WRAP), 127n);
  assert.equal(signedFieldResult(-100n, -29n, 8, Overflow.SAT), -128n);
  // SET of an out-of-range value (incr 0).
  assert.equal(signedFieldResult(300n, 0n, 8, Overflow.WRAP), 44n);
  assert.equal(signedFieldResult(-300n, 0n, 8, Overflow.SAT), -128n);
  // i64 uses the full int64 range.
  const max = (1n << 63n) - 1n;
  assert.equal(signedFieldResult(max, 1n, 64, Overflow.WRAP), -(1n << 63n));
  assert.equal(signedFieldResult(max, 1n, 64, Overflow.SAT), max);
  assert.equal(signedFieldResult(-max - 1n, -1n, 64, Overflow.FAIL), null);
  assert.equal(signedFieldResult(-5n, max, 64, Overflow.FAIL), max - 5n);
  // i1 holds -1 and 0.
  assert.equal(signedFieldResult(0n, 1n, 1, Overflow.WRAP), -1n);
  assert.equal(signedFieldResult(0n, 1n, 1, Overflow.SAT), 0n);
});

Deno.test("unsigned bitfield results wrap, saturate or fail like Valkey", () => {
  assert.equal(unsignedFieldResult(250n, 5n, 8, Overflow.WRAP), 255n);
  assert.equal(unsignedFieldResult(250n, 6n, 8, Overflow.WRAP), 0n);
  assert.equal(unsignedFieldResult(250n, 6n, 8, Overflow.SAT), 255n);
  assert.equal(unsignedFieldResult(250n, 6n, 8, Overflow.FAIL), null);
  assert.equal(unsignedFieldResult(5n, -6n, 8, Overflow.WRAP), 255n);
  assert.equal(unsignedFieldResult(5n, -6n, 8, Overflow.SAT), 0n);
  assert.equal(unsignedFieldResult(5n, -6n, 8, Overflow.FAIL), null);
  // SET -1 on u8: the value is 2^64-1 as unsigned, so SAT gives the maximum and WRAP the low bits.
  const minusOne = BigInt.asUintN(64, -1n);
  assert.equal(unsignedFieldResult(minusOne, 0n, 8, Overflow.SAT), 255n);
  assert.equal(unsignedFieldResult(minusOne, 0n, 8, Overflow.WRAP), 255n);
  assert.equal(unsignedFieldResult(BigInt.asUintN(64, -2n), 0n, 8, Overflow.WRAP), 254n);
  assert.equal(unsignedFieldResult(minusOne, 0n, 8, Overflow.FAIL), null);
  // u63 tops out at 2^63-1.
  const max63 = (1n << 63n) - 1n;
  assert.equal(unsignedFieldResult(max63, 1n, 63, Overflow.WRAP), 0n);
  assert.equal(unsignedFieldResult(max63 - 1n, 1n, 63, Overflow.FAIL), max63);
});

Deno.test("bitop combines zero-padded sources", () => {
  const a = new Uint8Array([0xf0, 0xff, 0x0f]);
  const b = new Uint8Array([0x3c]);
  assert.deepEqual([...bitop(0, [a, b], 3)], [0x30, 0x00, 0x00]);
  assert.deepEqual([...bitop(1, [a, b], 3)], [0xfc, 0xff, 0x0f]);
  assert.deepEqual([...bitop(2, [a, b], 3)], [0xcc, 0xff, 0x0f]);
  assert.deepEqual([...bitop(3, [a], 3)], [0x0f, 0x00, 0xf0]);
  assert.deepEqual([...bitop(0, [b, a], 3)], [0x30, 0x00, 0x00], "a shorter first source is padded too");
  assert.deepEqual([...bitop(2, [a, a, a], 3)], [...a]);
});
