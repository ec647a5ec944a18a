/**
 * Bit-level primitives of the bitmap commands, on plain byte arrays.
 *
 * Bit numbering is Valkey's: bit 0 is the most significant bit of byte 0, so bit `i` lives in byte `i >> 3`
 * under the mask `0x80 >> (i & 7)`:
 *
 *        byte 0                  byte 1
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     | 0| 1| 2| 3| 4| 5| 6| 7| 8| 9|10|11|12|13|14|15| ...
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *      MSB                  LSB
 *
 * A bitfield of `bits` bits at bit offset `o` is the big-endian integer formed by bits o .. o+bits-1. Reads
 * past the end of the array see zero bits. Bitfield values are bigints (fields are up to 64 bits wide).
 *
 * @module
 */

/** Set bits of every byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/** Bits set in p[start..end] (inclusive byte indexes). */
export function popcount(p: Uint8Array, start: number, end: number): number {
  let n = 0;
  let i = start;
  // Four bytes per step through a 32-bit word when the range is long enough.
  if (end - start >= 64) {
    const head = (4 - ((p.byteOffset + i) & 3)) & 3;
    for (const stop = i + head; i < stop; i++) n += POPCOUNT[p[i]!]!;
    const words = Math.floor((end + 1 - i) / 4);
    const w32 = new Uint32Array(p.buffer, p.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      let v = w32[k]!;
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  for (; i <= end; i++) n += POPCOUNT[p[i]!]!;
  return n;
}

/** Bits set in the bit range [startBit, endBit] (inclusive) of p. */
export function popcountBits(p: Uint8Array, startBit: number, endBit: number): number {
  const first = Math.floor(startBit / 8);
  const last = Math.floor(endBit / 8);
  let n = popcount(p, first, last);
  // Remove the bits of the edge bytes that lie outside the range.
  const headMask = (0xff << (8 - (startBit & 7))) & 0xff; // bits before startBit in the first byte
  const tailMask = 0xff >> ((endBit & 7) + 1); // bits after endBit in the last byte
  n -= POPCOUNT[p[first]! & headMask]!;
  n -= POPCOUNT[p[last]! & tailMask]!;
  return n;
}

/**
 * The position of the first bit equal to `bit` in the bit range [startBit, endBit] (inclusive), or -1 when
 * there is none.
 */
export function findBit(p: Uint8Array, startBit: number, endBit: number, bit: 0 | 1): number {
  const skip = bit === 1 ? 0x00 : 0xff; // a byte with no candidate bit
  let i = startBit;
  // Leading partial byte.
  while (i <= endBit && (i & 7) !== 0) {
    if (((p[i >> 3]! >> (7 - (i & 7))) & 1) === bit) return i;
    i++;
  }
  if (i > endBit) return -1;
  // i is now byte-aligned: skip whole bytes without a candidate bit.
  let byte = i / 8;
  const lastFull = Math.floor((endBit + 1) / 8) - 1; // last byte entirely inside the range
  while (byte <= lastFull && p[byte] === skip) byte++;
  for (i = byte * 8; i <= endBit; i++) {
    if (((p[Math.floor(i / 8)]! >> (7 - (i & 7))) & 1) === bit) return i;
  }
  return -1;
}

/** The bit at `offset` (0 past the end). */
export function getBit(p: Uint8Array, offset: number): 0 | 1 {
  const byte = Math.floor(offset / 8);
  if (byte >= p.length) return 0;
  return ((p[byte]! >> (7 - (offset & 7))) & 1) as 0 | 1;
}

/** Sets the bit at `offset` (which must be inside p) to `value`; returns the previous bit. */
export function setBit(p: Uint8Array, offset: number, value: 0 | 1): 0 | 1 {
  const byte = Math.floor(offset / 8);
  const mask = 0x80 >> (offset & 7);
  const old = (p[byte]! & mask) !== 0 ? 1 : 0;
  if (value === 1) p[byte] = p[byte]! | mask;
  else p[byte] = p[byte]! & ~mask;
  return old;
}

/** The unsigned `bits`-bit field at bit `offset` (1 <= bits <= 64); bytes past the end read as zero. */
export function getUnsignedField(p: Uint8Array, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  let v = 0n;
  for (let i = first; i <= last; i++) v = (v << 8n) | BigInt(p[i] ?? 0);
  const spanBits = (last - first + 1) * 8;
  const shift = spanBits - (offset - first * 8) - bits;
  return BigInt.asUintN(bits, v >> BigInt(shift));
}

/** The signed (two's complement) `bits`-bit field at bit `offset`. */
export function getSignedField(p: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedField(p, offset, bits));
}

/** Writes the low `bits` bits of `value` as the field at bit `offset`; the bytes must exist in p. */
export function setField(p: Uint8Array, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  let span = 0n;
  for (let i = first; i <= last; i++) span = (span << 8n) | BigInt(p[i]!);
  const spanBits = (last - first + 1) * 8;
  const shift = BigInt(spanBits - (offset - first * 8) - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  span = (span & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  for (let i = last; i >= first; i--) {
    p[i] = Number(span & 0xffn);
    span >>= 8n;
  }
}

/** BITFIELD overflow behaviours. */
export const Overflow = { WRAP: 0, SAT: 1, FAIL: 2 } as const;
export type Overflow = (typeof Overflow)[keyof typeof Overflow];

/**
 * The value a signed field gets when `value` is stored into it (SET: `incr` 0) or `incr` is added to its
 * current `value` (INCRBY), under `overflow`; null when it overflows with FAIL. Overflow means the exact
 * result leaves [-2^(bits-1), 2^(bits-1)-1]; WRAP keeps its low bits (two's complement), SAT clamps.
 */
export function signedFieldResult(
  value: bigint,
  incr: bigint,
  bits: number,
  overflow: Overflow,
): bigint | null {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const sum = value + incr;
  if (sum >= min && sum <= max) return sum;
  if (overflow === Overflow.FAIL) return null;
  if (overflow === Overflow.SAT) return sum > max ? max : min;
  return BigInt.asIntN(bits, sum);
}

/**
 * The unsigned counterpart (bits <= 63). `value` is the field's current value for INCRBY, or for SET the
 * int64 to store seen as an unsigned 64-bit number (a negative SET value is a huge one: SAT stores the
 * maximum, WRAP its low bits), with `incr` 0. Overflow: above 2^bits - 1, or below zero for INCRBY.
 */
export function unsignedFieldResult(
  value: bigint,
  incr: bigint,
  bits: number,
  overflow: Overflow,
): bigint | null {
  const max = (1n << BigInt(bits)) - 1n;
  const sum = value + incr;
  if (sum >= 0n && sum <= max) return sum;
  if (overflow === Overflow.FAIL) return null;
  if (overflow === Overflow.SAT) return sum > max ? max : 0n;
  return BigInt.asUintN(bits, sum);
}
