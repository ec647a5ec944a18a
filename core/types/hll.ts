/**
 * HyperLogLog: the byte layout, hashing, register updates and estimator of Valkey's HLL strings.
 *
 * An HLL is an ordinary string value whose bytes follow Valkey's format exactly, so a value written by
 * Valkey (GET there, SET here) behaves the same here and the bytes this module produces are the bytes
 * Valkey produces for the same inputs.
 *
 * Layout (all multi-byte fields little endian):
 *
 *     +------+---+-----+------------------+------------------------------------------+
 *     | HYLL | E | 000 | card (8 bytes)   | registers                                |
 *     +------+---+-----+------------------+------------------------------------------+
 *       0..3   4  5..7   8..15              16..
 *
 *   E = 0: dense. 16384 registers of 6 bits packed LSB-first: register i starts at bit 6*i of the
 *          register area (12288 bytes, 16 + 12288 = 12304 bytes in all, exactly).
 *   E = 1: sparse. A run-length sequence of opcodes covering the 16384 registers:
 *            ZERO   00xxxxxx            1..64 registers at 0        (len - 1 in x)
 *            XZERO  01xxxxxx yyyyyyyy   1..16384 registers at 0     (len - 1 in 14 bits, big endian)
 *            VAL    1vvvvvxx            1..4 registers at 1..32     (value - 1 in v, len - 1 in x)
 *          A fresh HLL is one XZERO of 16384: 18 bytes.
 *   card: the cached cardinality; its top bit (bit 7 of byte 15) set means "stale, recompute".
 *
 * Adding an element hashes it with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register,
 * and 1 + the number of trailing zeros of the remaining 50 bits (capped at 51) is the candidate value;
 * the register keeps the maximum. A sparse HLL turns dense when a value above 32 must be stored or when
 * an edit would make it longer than `hll-sparse-max-bytes` (default 3000 bytes).
 *
 * Memory: dense 12304 bytes whatever the cardinality; sparse 18 bytes up to the configured maximum
 * (a few hundred distinct elements fit in 3000 bytes). {@link HllBuffer} keeps a sparse value in a
 * growable working buffer (capacity doubles; never more than needed plus slack) while it is edited.
 *
 * The estimator is Ertl's improved raw estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", arXiv:1702.01284) over the register histogram, with the same floating point
 * operations in the same order as Valkey so results agree to the last unit.
 *
 * Invariants of a valid HLL: starts with "HYLL"; encoding 0 or 1; a dense value is exactly 12304 bytes;
 * a sparse value's opcodes cover exactly 16384 registers (checked lazily, as Valkey does, when it is
 * read: an invalid one reports "INVALIDOBJ Corrupted HLL object detected").
 *
 * @module
 */

/** Index bits. */
export const HLL_P = 14;
/** Hash bits left for the zero-run count. */
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** 0.5 / ln(2). */
const HLL_ALPHA_INF = 0.721347520444481703680;

/** The seed Valkey hashes HLL elements with. */
export const HLL_HASH_SEED = 0xadc83b19;

// ---------------------------------------------------------------------------------------------------------
// MurmurHash64A on (hi, lo) pairs of unsigned 32-bit numbers. 64-bit products are built from 16-bit limbs
// so every intermediate stays an exact double.

let rh = 0;
let rl = 0;

/** (ah:al) * (bh:bl) mod 2^64 into (rh, rl). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const t = a1 * b0 + (p00 >>> 16); // < 2^32
  const w1 = (t & 0xffff) + a0 * b1; // < 2^32
  const high = a1 * b1 + (t >>> 16) + (w1 >>> 16); // high 32 bits of al*bl, < 2^32
  rl = (((w1 & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  rh = (high + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** MurmurHash64A of `data` into (rh, rl). */
function murmur(data: Uint8Array, seed: number): void {
  const len = data.length;
  mul64(0, len, M_HI, M_LO);
  let hh = rh;
  let hl = (rl ^ seed) >>> 0;
  const end = len - (len & 7);
  let i = 0;
  for (; i < end; i += 8) {
    const kl = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    const kh = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    mul64(kh, kl, M_HI, M_LO);
    let ch = rh;
    let cl = (rl ^ (rh >>> 15)) >>> 0; // k ^= k >> 47
    mul64(ch, cl, M_HI, M_LO);
    ch = rh;
    cl = rl;
    mul64((hh ^ ch) >>> 0, (hl ^ cl) >>> 0, M_HI, M_LO);
    hh = rh;
    hl = rl;
  }
  const rest = len & 7;
  if (rest > 0) {
    if (rest >= 7) hh ^= data[i + 6]! << 16;
    if (rest >= 6) hh ^= data[i + 5]! << 8;
    if (rest >= 5) hh ^= data[i + 4]!;
    if (rest >= 4) hl ^= data[i + 3]! << 24;
    if (rest >= 3) hl ^= data[i + 2]! << 16;
    if (rest >= 2) hl ^= data[i + 1]! << 8;
    hl ^= data[i]!;
    mul64(hh >>> 0, hl >>> 0, M_HI, M_LO);
    hh = rh;
    hl = rl;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  mul64(hh, hl, M_HI, M_LO);
  rl = (rl ^ (rh >>> 15)) >>> 0;
}

/** MurmurHash64A (Austin Appleby's 64-bit hash, little-endian word reads) as an unsigned 64-bit value. */
export function murmurHash64A(data: Uint8Array, seed: number): bigint {
  murmur(data, seed >>> 0);
  return (BigInt(rh) << 32n) | BigInt(rl);
}

let patIndex = 0;

/**
 * Valkey's hllPatLen: the register an element maps to (left in `patIndex`) and the length of the
 * "000..1" pattern of the rest of its hash (returned, 1..51).
 */
function patLen(ele: Uint8Array): number {
  murmur(ele, HLL_HASH_SEED);
  patIndex = rl & HLL_P_MASK;
  // Bits 14..63 of the hash, with bit 64 standing in for the forced 1 at position Q.
  const low = rl >>> HLL_P; // 18 bits
  if (low !== 0) return 1 + ctz32(low);
  if (rh !== 0) return 1 + 18 + ctz32(rh);
  return 1 + HLL_Q;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The register index and pattern length of an element, as `[index, count]` (for tests and tools). */
export function hllPatLen(ele: Uint8Array): [index: number, count: number] {
  const count = patLen(ele);
  return [patIndex, count];
}

// ---------------------------------------------------------------------------------------------------------
// Dense registers.

/** Register `i` of a dense register area starting at `off`. */
export function denseGet(b: Uint8Array, off: number, i: number): number {
  const bit = i * HLL_BITS;
  const byte = off + (bit >>> 3);
  const fb = bit & 7;
  // The byte after the last register may be past the end: it contributes only masked-off bits.
  const b1 = byte + 1 < b.length ? b[byte + 1]! : 0;
  return ((b[byte]! >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

/** Sets register `i` of a dense register area starting at `off` to `v` (0..63). */
export function denseSet(b: Uint8Array, off: number, i: number, v: number): void {
  const bit = i * HLL_BITS;
  const byte = off + (bit >>> 3);
  const fb = bit & 7;
  b[byte] = (b[byte]! & ~(HLL_REGISTER_MAX << fb)) | (v << fb);
  if (fb > 2) {
    const fb8 = 8 - fb;
    b[byte + 1] = (b[byte + 1]! & ~(HLL_REGISTER_MAX >>> fb8)) | (v >>> fb8);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Header.

/** A new empty HLL (sparse, one XZERO opcode, cached cardinality 0): the 18 bytes Valkey creates. */
export function createHll(): Uint8Array {
  const b = new Uint8Array(HLL_HDR_SIZE + 2);
  b.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
  b[16] = 0x40 | ((SPARSE_XZERO_MAX_LEN - 1) >>> 8);
  b[17] = (SPARSE_XZERO_MAX_LEN - 1) & 0xff;
  return b;
}

/**
 * Valkey's isHLLObjectOrReply checks on a string value: long enough for the header, "HYLL" magic, a known
 * encoding, and a dense value of exactly the dense size. (The sparse opcodes are checked when read.)
 */
export function isHll(value: Uint8Array): boolean {
  if (value.length < HLL_HDR_SIZE) return false;
  if (value[0] !== 0x48 || value[1] !== 0x59 || value[2] !== 0x4c || value[3] !== 0x4c) return false;
  const enc = value[4]!;
  if (enc > HLL_MAX_ENCODING) return false;
  return enc !== HLL_DENSE || value.length === HLL_DENSE_SIZE;
}

/** True when the cached cardinality in the header is valid. */
export function cacheValid(value: Uint8Array): boolean {
  return (value[15]! & 0x80) === 0;
}

/** Marks the cached cardinality stale. */
export function invalidateCache(value: Uint8Array): void {
  value[15] = value[15]! | 0x80;
}

/** The cached cardinality (meaningful only when {@link cacheValid}). */
export function readCachedCard(value: Uint8Array): bigint {
  let card = 0n;
  for (let i = 15; i >= 8; i--) card = (card << 8n) | BigInt(value[i]!);
  return card;
}

/** Stores `card` (an unsigned 64-bit value) as the cached cardinality. */
export function writeCachedCard(value: Uint8Array, card: bigint): void {
  let c = card;
  for (let i = 8; i < 16; i++) {
    value[i] = Number(c & 0xffn);
    c >>= 8n;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Estimator.

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** 2^63: llround's overflow result (x86's "integer indefinite", 0x8000000000000000). */
const INT64_MIN_BITS = 1n << 63n;

/**
 * The cardinality estimate for a register histogram (`histo[v]` = how many registers hold v), as an
 * unsigned 64-bit value. An estimate llround cannot represent gives 2^63, as on x86.
 */
export function estimate(histo: Float64Array | Int32Array): bigint {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * sigma(histo[0]! / m);
  const e = Math.round(HLL_ALPHA_INF * m * m / z);
  if (!(e < 9223372036854775808)) return INT64_MIN_BITS;
  return BigInt(e);
}

/**
 * Adds the registers of the HLL `value` to `histo` (64 slots). Returns false when a sparse value does
 * not cover exactly 16384 registers (the histogram is then partial).
 */
export function registerHistogram(value: Uint8Array, histo: Int32Array): boolean {
  if (value[4] === HLL_DENSE) {
    // Three bytes hold four registers.
    for (let p = HLL_HDR_SIZE; p < HLL_DENSE_SIZE; p += 3) {
      const b0 = value[p]!;
      const b1 = value[p + 1]!;
      const b2 = value[p + 2]!;
      histo[b0 & 63]!++;
      histo[((b0 >>> 6) | (b1 << 2)) & 63]!++;
      histo[((b1 >>> 4) | (b2 << 4)) & 63]!++;
      histo[b2 >>> 2]!++;
    }
    return true;
  }
  let idx = 0;
  const end = value.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = value[p]!;
    if ((op & 0xc0) === 0) {
      const run = (op & 0x3f) + 1;
      idx += run;
      histo[0]! += run;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      // A truncated XZERO reads the byte after the string (an sds NUL terminator in Valkey).
      const run = (((op & 0x3f) << 8) | (p + 1 < end ? value[p + 1]! : 0)) + 1;
      idx += run;
      histo[0]! += run;
      p += 2;
    } else {
      const run = (op & 3) + 1;
      idx += run;
      histo[((op >>> 2) & 0x1f) + 1]! += run;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/**
 * Valkey's hllCount on one HLL value: the estimate, or null when a sparse value is corrupted.
 */
export function hllCount(value: Uint8Array): bigint | null {
  const histo = new Int32Array(64);
  if (!registerHistogram(value, histo)) return null;
  return estimate(histo);
}

/** The estimate for raw registers (one byte each, as PFCOUNT/PFMERGE build them). */
export function rawCount(max: Uint8Array): bigint {
  const histo = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]! & 63]!++;
  return estimate(histo);
}

/**
 * Valkey's hllMerge: max[i] = MAX(max[i], register i of `value`) for a validated HLL value. Returns false
 * when a sparse value is corrupted (`max` may then be partly updated, as in Valkey).
 */
export function mergeInto(max: Uint8Array, value: Uint8Array): boolean {
  if (value[4] === HLL_DENSE) {
    // Three bytes hold four registers.
    for (let p = HLL_HDR_SIZE, i = 0; p < HLL_DENSE_SIZE; p += 3, i += 4) {
      const b0 = value[p]!;
      const b1 = value[p + 1]!;
      const b2 = value[p + 2]!;
      const r0 = b0 & 63;
      const r1 = ((b0 >>> 6) | (b1 << 2)) & 63;
      const r2 = ((b1 >>> 4) | (b2 << 4)) & 63;
      const r3 = b2 >>> 2;
      if (r0 > max[i]!) max[i] = r0;
      if (r1 > max[i + 1]!) max[i + 1] = r1;
      if (r2 > max[i + 2]!) max[i + 2] = r2;
      if (r3 > max[i + 3]!) max[i + 3] = r3;
    }
    return true;
  }
  let i = 0;
  const end = value.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = value[p]!;
    if ((op & 0xc0) === 0) {
      i += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      i += (((op & 0x3f) << 8) | (p + 1 < end ? value[p + 1]! : 0)) + 1;
      p += 2;
    } else {
      let run = (op & 3) + 1;
      const v = ((op >>> 2) & 0x1f) + 1;
      if (run + i > HLL_REGISTERS) break;
      while (run--) {
        if (v > max[i]!) max[i] = v;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

// ---------------------------------------------------------------------------------------------------------
// Editing.

/**
 * An HLL value being edited (PFADD, PFMERGE): the bytes live in `buf[0, length)`, with spare capacity so a
 * sparse value can grow by a few bytes per edit. A dense value may be edited in place of the stored bytes
 * (the constructor keeps the array it is given when `inPlace`).
 */
export class HllBuffer {
  buf: Uint8Array;
  length: number;

  constructor(value: Uint8Array, inPlace = false) {
    if (inPlace) {
      this.buf = value;
    } else {
      this.buf = new Uint8Array(value.length + (value[4] === HLL_SPARSE ? 64 : 0));
      this.buf.set(value);
    }
    this.length = value.length;
  }

  /** The current bytes (a view; valid until the next edit). */
  value(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  get encoding(): number {
    return this.buf[4]!;
  }

  /** Valkey's hllAdd: 1 when a register grew, 0 when not, -1 when the value is corrupted. */
  add(ele: Uint8Array, sparseMaxBytes: number): number {
    const count = patLen(ele);
    return this.set(patIndex, count, sparseMaxBytes);
  }

  /** Raises register `index` to `count` if lower: 1 when it changed, 0 when not, -1 when corrupted. */
  set(index: number, count: number, sparseMaxBytes: number): number {
    const enc = this.buf[4];
    if (enc === HLL_DENSE) {
      if (denseGet(this.buf, HLL_HDR_SIZE, index) >= count) return 0;
      denseSet(this.buf, HLL_HDR_SIZE, index, count);
      return 1;
    }
    if (enc === HLL_SPARSE) return this.#sparseSet(index, count, sparseMaxBytes);
    return -1;
  }

  /** Valkey's hllSparseToDense: false when the sparse opcodes are corrupted (the value is unchanged). */
  toDense(): boolean {
    if (this.buf[4] === HLL_DENSE) return true;
    const dense = new Uint8Array(HLL_DENSE_SIZE);
    dense.set(this.buf.subarray(0, HLL_HDR_SIZE));
    dense[4] = HLL_DENSE;
    const b = this.buf;
    const end = this.length;
    let p = HLL_HDR_SIZE;
    let idx = 0;
    while (p < end) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        idx += (((op & 0x3f) << 8) | (p + 1 < end ? b[p + 1]! : 0)) + 1;
        p += 2;
      } else {
        let run = (op & 3) + 1;
        const v = ((op >>> 2) & 0x1f) + 1;
        if (run + idx > HLL_REGISTERS) break;
        while (run--) denseSet(dense, HLL_HDR_SIZE, idx++, v);
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return false;
    this.buf = dense;
    this.length = HLL_DENSE_SIZE;
    return true;
  }

  /** Writes raw registers (one byte each) over a dense value (PFMERGE's hllDenseCompress). */
  setAllDense(max: Uint8Array): void {
    // Registers are 0..63 here (merged from valid HLLs): four of them fill three bytes exactly.
    const b = this.buf;
    for (let p = HLL_HDR_SIZE, i = 0; p < HLL_DENSE_SIZE; p += 3, i += 4) {
      const r0 = max[i]! & 63;
      const r1 = max[i + 1]! & 63;
      const r2 = max[i + 2]! & 63;
      const r3 = max[i + 3]! & 63;
      b[p] = r0 | (r1 << 6);
      b[p + 1] = (r1 >>> 2) | (r2 << 4);
      b[p + 2] = (r2 >>> 4) | (r3 << 2);
    }
  }

  #ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.length + extra, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  #promote(index: number, count: number): number {
    if (!this.toDense()) return -1;
    denseSet(this.buf, HLL_HDR_SIZE, index, count);
    return 1;
  }

  /** Valkey's hllSparseSet, opcode for opcode. */
  #sparseSet(index: number, count: number, maxBytes: number): number {
    if (count > SPARSE_VAL_MAX_VALUE) return this.#promote(index, count);
    this.#ensure(3);
    let b = this.buf;
    const start = HLL_HDR_SIZE;
    let end = this.length;

    // Step 1: find the opcode covering `index`.
    let p = start;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = b[p]!;
      let oplen = 1;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | (p + 1 < end ? b[p + 1]! : 0)) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;

    const op = b[p]!;
    const isZero = (op & 0xc0) === 0;
    const isXzero = (op & 0xc0) === 0x40;
    const isVal = (op & 0x80) !== 0;
    const next = p + (isXzero ? 2 : 1);

    let updated = false;
    if (isVal) {
      const old = ((op >>> 2) & 0x1f) + 1;
      if (old >= count) return 0; // case A
      if ((op & 3) === 0) { // case B: a VAL of length 1
        b[p] = valOp(count, 1);
        updated = true;
      }
    }
    if (!updated && isZero && (op & 0x3f) === 0) { // case C: a ZERO of length 1
      b[p] = valOp(count, 1);
      updated = true;
    }
    if (!updated) {
      // Case D: split the opcode into up to three (at most 5 bytes).
      const seq: number[] = [];
      const last = first + span - 1;
      if (isZero || isXzero) {
        if (index !== first) pushZeros(seq, index - first);
        seq.push(valOp(count, 1));
        if (index !== last) pushZeros(seq, last - index);
      } else {
        const cur = ((op >>> 2) & 0x1f) + 1;
        if (index !== first) seq.push(valOp(cur, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(cur, last - index));
      }
      const delta = seq.length - (isXzero ? 2 : 1);
      if (delta > 0 && this.length + delta > maxBytes) return this.#promote(index, count);
      if (delta !== 0 && next < end) b.copyWithin(next + delta, next, end);
      this.length += delta;
      end += delta;
      for (let k = 0; k < seq.length; k++) b[p + k] = seq[k]!;
    }

    // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from `prev`.
    b = this.buf;
    p = prev >= 0 ? prev : start;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const o = b[p]!;
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      }
      if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && (b[p + 1]! & 0x80) !== 0) {
        const o2 = b[p + 1]!;
        const v1 = ((o >>> 2) & 0x1f) + 1;
        const v2 = ((o2 >>> 2) & 0x1f) + 1;
        if (v1 === v2) {
          const len = (o & 3) + 1 + (o2 & 3) + 1;
          if (len <= SPARSE_VAL_MAX_LEN) {
            b[p + 1] = valOp(v1, len);
            b.copyWithin(p, p + 1, end);
            this.length--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    invalidateCache(b);
    return 1;
  }
}

function valOp(value: number, len: number): number {
  return 0x80 | ((value - 1) << 2) | (len - 1);
}

function pushZeros(seq: number[], len: number): void {
  if (len > SPARSE_ZERO_MAX_LEN) {
    const l = len - 1;
    seq.push(0x40 | (l >>> 8), l & 0xff);
  } else {
    seq.push(len - 1);
  }
}
