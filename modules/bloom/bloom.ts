/**
 * Scalable Bloom filters, bit-compatible with valkey-bloom 1.0 (which uses the Rust `bloomfilter` crate
 * 3.0.1). Pure code: no server, no config; limits and seeds come in as arguments.
 *
 * ## One sub-filter ({@link BloomFilter})
 *
 * A classic Bloom filter sized for `capacity` items at false-positive rate `fp`:
 *
 *     B (payload bytes) = ceil(capacity × ln(fp) / (−8 × (ln 2)²))      m = 8 × B bits
 *     k (hash functions) = max(1, round(m / capacity × ln 2))
 *
 * It lives in one buffer, the crate's "bitmap blob", which is also its serialized form (RDB, BF.LOAD,
 * COPY):
 *
 *     +---------+----------------+-----------+---------------------+-------------------------+
 *     | version | B (u64 LE)     | k (u32 LE)| seed (32 bytes)     | payload (B bytes)       |
 *     +---------+----------------+-----------+---------------------+-------------------------+
 *       0 (= 1)   1..8             9..12       13..44                45..45+B-1
 *
 * The seed's bytes 0..15 and 16..31 are two SipHash-1-3 keys. An item hashes to h0 = SipHash(key1,
 * len_le64 ‖ item) and h1 = SipHash(key2, same input); bit i (i < k) is g_i mod m with g_0 = h0,
 * g_1 = h1 and g_i = ((h0 + i·h1) mod 2^64) mod 0xFFFFFFFFFFFFFFC5 (the largest 64-bit prime) for i ≥ 2.
 * Bit j is bit (j mod 8) (LSB first) of payload byte ⌊j / 8⌋.
 *
 * Example: the default filter (capacity 100, fp 0.01) has B = ceil(100 × 4.60517 / 3.84362) = 120 bytes,
 * m = 960 bits and k = round(9.6 × 0.693) = 7.
 *
 * ## The object ({@link BloomObject})
 *
 * A value of type `bloomfltr` is an ordered list of sub-filters sharing one seed, plus expansion (0 = the
 * object never scales), the base fp rate and the tightening ratio. Items go to the last sub-filter until
 * it holds `capacity` items; then a scaling object appends a sub-filter of capacity × expansion at
 * fp × tightening^n (n = sub-filters so far), so the compound false-positive rate stays below
 * fp / (1 − tightening).
 *
 * ## Memory accounting (BF.INFO SIZE, MEMORY USAGE) — the Rust module's figures, to the byte
 *
 *     object  = 48 + 8 × (capacity of the sub-filter vector)     vector capacity: 1, then 4, 8, 16, …
 *     filter  = 208 + B        (24-byte filter record + 184-byte bloom record + payload)
 *
 * The default filter: 48 + 8 + 208 + 120 = 384 bytes. The vector capacity is 1 at creation and at RDB
 * load, grows like a Rust Vec (double, at least 4), and equals the length after BF.LOAD.
 *
 * @module
 */

import { BloomError } from "./errors.ts";
import * as E from "./errors.ts";
import { sipHashItem, type SipKey, sipKeyFromBytes } from "./siphash.ts";

/** Version byte of the bitmap blob (the crate's BitMap) and of the whole-object blob (BF.LOAD). */
export const BITMAP_VERSION = 1;
export const BLOOM_OBJECT_VERSION = 1;
export const BITMAP_HEADER_SIZE = 1 + 8 + 4 + 32;
export const SEED_SIZE = 32;
/** size_of::<BloomObject>() and of one vector slot (a Box) in the Rust module. */
export const OBJECT_STRUCT_SIZE = 48;
export const VEC_SLOT_SIZE = 8;
/** size_of::<BloomFilter>() + size_of::<Bloom<[u8]>>(). */
export const FILTER_STRUCT_SIZE = 24 + 184;
/** Sub-filters per object (i32::MAX). */
export const MAX_FILTERS = 2147483647;
/** f64::MIN_POSITIVE: a scaled fp rate must stay above it. */
export const MIN_POSITIVE = 2.2250738585072014e-308;
/** i64::MAX as a double (capacities are checked against it). */
export const I64_MAX = 9223372036854775807;
/** u32::MAX: the largest expansion. */
export const U32_MAX = 4294967295;

/** The seed new objects use when `bf.bloom-use-random-seed` is off. */
export const FIXED_SEED: Uint8Array = Uint8Array.from([
  89,
  15,
  245,
  34,
  234,
  120,
  17,
  218,
  167,
  20,
  216,
  9,
  59,
  62,
  123,
  217,
  29,
  137,
  138,
  115,
  62,
  152,
  136,
  135,
  48,
  127,
  151,
  205,
  40,
  7,
  51,
  131,
]);

const LN_2 = Math.LN2;

/** Payload bytes of a sub-filter for `capacity` items at rate `fp` (the crate's compute_bitmap_size). */
export function bitmapBytes(capacity: number, fp: number): number {
  return Math.ceil((capacity * Math.log(fp)) / (-8 * LN_2 * LN_2));
}

/** Number of hash functions for `bits` bits and `capacity` items (the crate's optimal_k_num). */
export function hashCount(bits: number, capacity: number): number {
  return Math.max(1, Math.round((bits / capacity) * Math.log(2)));
}

/** Bytes one sub-filter accounts for. */
export function filterSize(capacity: number, fp: number): number {
  return FILTER_STRUCT_SIZE + bitmapBytes(capacity, fp);
}

/** Bytes of the object record with a sub-filter vector of capacity `vecCapacity`. */
export function objectStructSize(vecCapacity: number): number {
  return OBJECT_STRUCT_SIZE + VEC_SLOT_SIZE * vecCapacity;
}

/** x^n by binary exponentiation, as Rust's f64::powi (compiler-rt's __powidf2) computes it. */
export function powi(x: number, n: number): number {
  const recip = n < 0;
  let b = Math.abs(n);
  let r = 1;
  let a = x;
  for (;;) {
    if (b & 1) r *= a;
    b = Math.floor(b / 2);
    if (b === 0) break;
    a *= a;
  }
  return recip ? 1 / r : r;
}

/** The fp rate of sub-filter number `n` (0-based); throws when it degrades to 0. */
export function scaledFpRate(fp: number, n: number, tightening: number): number {
  const x = fp * powi(tightening, n);
  if (x > MIN_POSITIVE) return x;
  throw new BloomError(E.FALSE_POSITIVE_DEGRADES_TO_0);
}

/** capacity × expansion as Rust's i64::checked_mul: BAD_CAPACITY on overflow. */
function scaledCapacity(capacity: number, expansion: number): number {
  const c = capacity * expansion;
  if (c > I64_MAX) throw new BloomError(E.BAD_CAPACITY);
  return c;
}

/** A Rust Vec's capacity after pushing onto a full one. */
function grownVecCapacity(cap: number, len: number): number {
  return Math.max(cap * 2, len + 1, 4);
}

/** 2^⌈log2 n⌉ (n ≥ 1). */
function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** A fresh random seed (the OS RNG, like the crate's getrandom). */
export function randomSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SEED_SIZE));
}

export function seedsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Hash scratch: [h0 hi, h0 lo, h1 hi, h1 lo].
const H = new Uint32Array(4);
/** 0xFFFFFFFFFFFFFFC5's low word (its high word is 0xFFFFFFFF). */
const PRIME_LO = 0xffffffc5;

/**
 * (hi·2^32 + lo) mod m, exact for m < 2^37: three 16-bit steps (every intermediate stays below 2^53).
 * Filters up to 2^26 bits (8 MiB) use the two-step form in {@link BloomFilter.bitIndex} instead.
 */
function mod64(hi: number, lo: number, m: number): number {
  let r = hi % m;
  r = (r * 65536 + (lo >>> 16)) % m;
  return (r * 65536 + (lo & 0xffff)) % m;
}

/** The same with BigInt, for bitmaps of 2^37 bits (16 GiB) or more. */
function mod64Big(hi: number, lo: number, m: number): number {
  return Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(m));
}

/** One sub-filter: the crate's Bloom (its blob) plus capacity and item count. */
export class BloomFilter {
  /** Header + payload: exactly the serialized bitmap blob. */
  raw: Uint8Array;
  /** m: payload bits. */
  readonly bits: number;
  /** k: hash functions. */
  readonly k: number;
  readonly capacity: number;
  numItems: number;
  private readonly key1: SipKey;
  private readonly key2: SipKey;
  /** 0: bits ≤ 2^26 (two-step reduction with {@link pow32}); 1: < 2^37; 2: BigInt. */
  private readonly reduce: 0 | 1 | 2;
  /** 2^32 mod bits. */
  private readonly pow32: number;

  private constructor(raw: Uint8Array, capacity: number, numItems: number) {
    this.raw = raw;
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    this.bits = Number(dv.getBigUint64(1, true)) * 8;
    this.k = dv.getUint32(9, true);
    this.key1 = sipKeyFromBytes(raw, 13);
    this.key2 = sipKeyFromBytes(raw, 29);
    this.capacity = capacity;
    this.numItems = numItems;
    this.reduce = this.bits <= 2 ** 26 ? 0 : this.bits < 2 ** 37 ? 1 : 2;
    this.pow32 = this.bits === 0 ? 0 : 4294967296 % this.bits;
  }

  /** An empty sub-filter for `capacity` items at rate `fp`, hashing with `seed` (32 bytes). */
  static create(capacity: number, fp: number, seed: Uint8Array): BloomFilter {
    const b = bitmapBytes(capacity, fp);
    const raw = new Uint8Array(BITMAP_HEADER_SIZE + b);
    const dv = new DataView(raw.buffer);
    raw[0] = BITMAP_VERSION;
    dv.setBigUint64(1, BigInt(b), true);
    dv.setUint32(9, hashCount(b * 8, capacity), true);
    raw.set(seed.subarray(0, SEED_SIZE), 13);
    return new BloomFilter(raw, capacity, 0);
  }

  /**
   * A sub-filter from its bitmap blob (copied). Throws DECODE_BLOOM_OBJECT_FAILED on a bad version, k = 0
   * or a payload whose length is not the header's.
   */
  static fromBlob(blob: Uint8Array, numItems: number, capacity: number): BloomFilter {
    if (blob.length < BITMAP_HEADER_SIZE || blob[0] !== BITMAP_VERSION) {
      throw new BloomError(E.DECODE_BLOOM_OBJECT_FAILED);
    }
    const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    if (dv.getUint32(9, true) === 0) throw new BloomError(E.DECODE_BLOOM_OBJECT_FAILED);
    if (dv.getBigUint64(1, true) !== BigInt(blob.length - BITMAP_HEADER_SIZE)) {
      throw new BloomError(E.DECODE_BLOOM_OBJECT_FAILED);
    }
    return new BloomFilter(blob.slice(), capacity, numItems);
  }

  /** Payload bytes (B). */
  get payloadBytes(): number {
    return this.raw.length - BITMAP_HEADER_SIZE;
  }

  /** Bytes this sub-filter accounts for (208 + B). */
  get size(): number {
    return FILTER_STRUCT_SIZE + this.payloadBytes;
  }

  /** The 32-byte seed (a view into the header). */
  seed(): Uint8Array {
    return this.raw.subarray(13, 13 + SEED_SIZE);
  }

  /** Bit index of hash function i; {@link hash} must have run for this item. */
  private bitIndex(i: number, acc: Uint32Array): number {
    let hi: number, lo: number;
    if (i === 0) {
      hi = H[0]!, lo = H[1]!;
    } else if (i === 1) {
      hi = H[2]!, lo = H[3]!;
    } else {
      // acc = h0 + i·h1 (mod 2^64), advanced by one h1 per call.
      lo = (acc[1]! + H[3]!) >>> 0;
      hi = (acc[0]! + H[2]! + (lo < acc[1]! ? 1 : 0)) >>> 0;
      acc[0] = hi, acc[1] = lo;
      if (hi === 0xffffffff && lo >= PRIME_LO) hi = 0, lo = lo - PRIME_LO;
    }
    const m = this.bits;
    // (hi mod m)·(2^32 mod m) < 2^52 when m ≤ 2^26.
    if (this.reduce === 0) return ((hi % m) * this.pow32 + lo) % m;
    return this.reduce === 1 ? mod64(hi, lo, m) : mod64Big(hi, lo, m);
  }

  /** Computes the item's two SipHash values into the shared scratch (see {@link checkHashed}). */
  hash(item: Uint8Array): void {
    sipHashItem(this.key1, item, H, 0);
    sipHashItem(this.key2, item, H, 2);
  }

  /** Whether this filter hashes with the same keys as `other` (then one hashing serves both). */
  sameKeys(other: BloomFilter): boolean {
    const a = this.key1, b = other.key1, c = this.key2, d = other.key2;
    return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] &&
      c[0] === d[0] && c[1] === d[1] && c[2] === d[2] && c[3] === d[3];
  }

  /** acc = h0 + h1: the value of h0 + i·h1 for i = 1, advanced before use for i ≥ 2. */
  private startAcc(acc: Uint32Array): void {
    const lo = (H[1]! + H[3]!) >>> 0;
    acc[0] = (H[0]! + H[2]! + (lo < H[1]! ? 1 : 0)) >>> 0;
    acc[1] = lo;
  }

  /** Whether all k bits of the item last passed to {@link hash} (with these keys) are set. */
  checkHashed(): boolean {
    const acc = ACC;
    this.startAcc(acc);
    const raw = this.raw;
    for (let i = 0; i < this.k; i++) {
      const j = this.bitIndex(i, acc);
      if ((raw[BITMAP_HEADER_SIZE + Math.floor(j / 8)]! & (1 << (j % 8))) === 0) return false;
    }
    return true;
  }

  /** Whether all k bits of the item are set. */
  check(item: Uint8Array): boolean {
    this.hash(item);
    return this.checkHashed();
  }

  /** Sets the item's k bits (does not count it: the object does). */
  set(item: Uint8Array): void {
    this.hash(item);
    this.setHashed();
  }

  /** Sets the bits of the item last passed to {@link hash} (with these keys). */
  setHashed(): void {
    const acc = ACC;
    this.startAcc(acc);
    const raw = this.raw;
    for (let i = 0; i < this.k; i++) {
      const j = this.bitIndex(i, acc);
      raw[BITMAP_HEADER_SIZE + Math.floor(j / 8)]! |= 1 << (j % 8);
    }
  }

  /** The bit positions of an item, in hash-function order (for tests and cross-checks). */
  positions(item: Uint8Array): number[] {
    const acc = ACC;
    this.hash(item);
    this.startAcc(acc);
    const out: number[] = [];
    for (let i = 0; i < this.k; i++) out.push(this.bitIndex(i, acc));
    return out;
  }

  copy(): BloomFilter {
    return new BloomFilter(this.raw.slice(), this.capacity, this.numItems);
  }

  /** Moves the blob to a fresh allocation (active defrag). */
  reallocate(): void {
    this.raw = this.raw.slice();
  }
}

const ACC = new Uint32Array(2);

/** What creating an object needs (BF.RESERVE, BF.INSERT, auto-creation, replicated BF.INSERT). */
export interface BloomParams {
  capacity: number;
  fpRate: number;
  tighteningRatio: number;
  /** 0 = non-scaling. */
  expansion: number;
  /** 32 bytes. */
  seed: Uint8Array;
  seedRandom: boolean;
}

/** Totals INFO reports, per object (the module sums them). */
export interface BloomStats {
  memory: number;
  filters: number;
  items: number;
  capacity: number;
}

/** A `bloomfltr` value: one or more sub-filters sharing a seed. */
export class BloomObject {
  /** 0 for a non-scaling object. */
  readonly expansion: number;
  readonly fpRate: number;
  readonly tighteningRatio: number;
  readonly seedRandom: boolean;
  readonly filters: BloomFilter[];
  /** The Rust Vec's capacity (it shows in the memory figure). */
  vecCapacity: number;

  private constructor(
    expansion: number,
    fpRate: number,
    tighteningRatio: number,
    seedRandom: boolean,
    filters: BloomFilter[],
    vecCapacity: number,
  ) {
    this.expansion = expansion;
    this.fpRate = fpRate;
    this.tighteningRatio = tighteningRatio;
    this.seedRandom = seedRandom;
    this.filters = filters;
    this.vecCapacity = vecCapacity;
  }

  /**
   * A new object with one empty sub-filter. With `memoryLimit` (bytes; null = unchecked, as for commands
   * from the primary or the AOF), a first sub-filter that would not fit throws EXCEEDS_MAX_BLOOM_SIZE.
   */
  static create(p: BloomParams, memoryLimit: number | null): BloomObject {
    if (memoryLimit !== null) {
      const bytes = objectStructSize(1) + filterSize(p.capacity, p.fpRate);
      if (bytes > memoryLimit) throw new BloomError(E.EXCEEDS_MAX_BLOOM_SIZE);
    }
    checkAllocatable(bitmapBytes(p.capacity, p.fpRate));
    const first = BloomFilter.create(p.capacity, p.fpRate, p.seed);
    return new BloomObject(p.expansion, p.fpRate, p.tighteningRatio, p.seedRandom, [first], 1);
  }

  /** An object from loaded parts (RDB load); the vector capacity grows from 1 as the Rust module's does. */
  static fromParts(
    expansion: number,
    fpRate: number,
    tighteningRatio: number,
    seedRandom: boolean,
    filters: BloomFilter[],
  ): BloomObject {
    let cap = 1;
    for (let len = 1; len < filters.length; len++) if (len === cap) cap = grownVecCapacity(cap, len);
    return new BloomObject(expansion, fpRate, tighteningRatio, seedRandom, filters, cap);
  }

  /** The bytes the object accounts for: BF.INFO SIZE and MEMORY USAGE. */
  memoryUsage(): number {
    let mem = objectStructSize(this.vecCapacity);
    for (const f of this.filters) mem += f.size;
    return mem;
  }

  /** Total capacity over the sub-filters. */
  capacity(): number {
    let c = 0;
    for (const f of this.filters) c += f.capacity;
    return c;
  }

  /** Items added (over the sub-filters): BF.CARD. */
  cardinality(): number {
    let n = 0;
    for (const f of this.filters) n += f.numItems;
    return n;
  }

  get startingCapacity(): number {
    return this.filters[0]!.capacity;
  }

  seed(): Uint8Array {
    return this.filters[0]!.seed();
  }

  stats(): BloomStats {
    return {
      memory: this.memoryUsage(),
      filters: this.filters.length,
      items: this.cardinality(),
      capacity: this.capacity(),
    };
  }

  /** Whether any sub-filter reports the item. Sub-filters share the seed, so the item is hashed once. */
  itemExists(item: Uint8Array): boolean {
    let hashedBy: BloomFilter | null = null;
    for (const f of this.filters) {
      if (hashedBy === null || (hashedBy !== f && !f.sameKeys(hashedBy))) {
        f.hash(item);
        hashedBy = f;
      }
      if (f.checkHashed()) return true;
    }
    this.hashedBy = hashedBy;
    return false;
  }

  /** The filter whose keys hashed the item of the last negative {@link itemExists}. */
  private hashedBy: BloomFilter | null = null;

  /** Sets an item's bits in `f` right after a negative itemExists, hashing again only if keys differ. */
  private setAfterExists(f: BloomFilter, item: Uint8Array): void {
    const h = this.hashedBy;
    if (h !== null && (h === f || f.sameKeys(h))) f.setHashed();
    else f.set(item);
  }

  /**
   * Adds an item: 0 when it is (probably) present already, 1 when added. Scales out when the last
   * sub-filter is full. Throws a BloomError (NON_SCALING_FILTER_FULL, MAX_NUM_SCALING_FILTERS,
   * FALSE_POSITIVE_DEGRADES_TO_0, BAD_CAPACITY, EXCEEDS_MAX_BLOOM_SIZE) and changes nothing on failure.
   * `memoryLimit` null skips the size check (commands from the primary or the AOF).
   */
  addItem(item: Uint8Array, memoryLimit: number | null): 0 | 1 {
    if (this.itemExists(item)) return 0;
    const n = this.filters.length;
    const last = this.filters[n - 1]!;
    if (last.numItems < last.capacity) {
      this.setAfterExists(last, item);
      last.numItems++;
      return 1;
    }
    if (this.expansion === 0) throw new BloomError(E.NON_SCALING_FILTER_FULL);
    if (n === MAX_FILTERS) throw new BloomError(E.MAX_NUM_SCALING_FILTERS);
    const fp = scaledFpRate(this.fpRate, n, this.tighteningRatio);
    const cap = scaledCapacity(last.capacity, this.expansion);
    if (memoryLimit !== null && this.memoryUsage() + filterSize(cap, fp) > memoryLimit) {
      throw new BloomError(E.EXCEEDS_MAX_BLOOM_SIZE);
    }
    checkAllocatable(bitmapBytes(cap, fp));
    const f = BloomFilter.create(cap, fp, this.seed());
    this.setAfterExists(f, item);
    f.numItems = 1;
    if (n === this.vecCapacity) this.vecCapacity = grownVecCapacity(this.vecCapacity, n);
    this.filters.push(f);
    return 1;
  }

  /** A deep copy (COPY): same seed, same bits, same vector capacity. */
  copy(): BloomObject {
    return new BloomObject(
      this.expansion,
      this.fpRate,
      this.tighteningRatio,
      this.seedRandom,
      this.filters.map((f) => f.copy()),
      this.vecCapacity,
    );
  }

  /**
   * The whole-object blob of BF.LOAD and AOF rewrite: a version byte (1), then bincode-1 (fixed-width
   * little endian) of (u32 expansion, f64 fp, f64 tightening, bool seedRandom, Vec<filter>) where a
   * filter is (bytes: u64 length + bitmap blob, i64 num_items, i64 capacity).
   */
  encode(): Uint8Array {
    let len = 1 + 4 + 8 + 8 + 1 + 8;
    for (const f of this.filters) len += 8 + f.raw.length + 8 + 8;
    const out = new Uint8Array(len);
    const dv = new DataView(out.buffer);
    out[0] = BLOOM_OBJECT_VERSION;
    dv.setUint32(1, this.expansion, true);
    dv.setFloat64(5, this.fpRate, true);
    dv.setFloat64(13, this.tighteningRatio, true);
    out[21] = this.seedRandom ? 1 : 0;
    dv.setBigUint64(22, BigInt(this.filters.length), true);
    let at = 30;
    for (const f of this.filters) {
      dv.setBigUint64(at, BigInt(f.raw.length), true);
      out.set(f.raw, at + 8);
      at += 8 + f.raw.length;
      dv.setBigInt64(at, BigInt(f.numItems), true);
      dv.setBigInt64(at + 8, BigInt(f.capacity), true);
      at += 16;
    }
    return out;
  }

  /**
   * Decodes {@link encode}'s blob (BF.LOAD). Errors: DECODE_UNSUPPORTED_VERSION for a version byte other
   * than 1; DECODE_BLOOM_OBJECT_FAILED for malformed data (also for an object without sub-filters or with
   * a capacity below 1 or a negative count, which valkey-bloom does not guard against); ERROR_RATE_RANGE
   * for an fp rate or tightening ratio outside (0, 1); MAX_NUM_SCALING_FILTERS; EXCEEDS_MAX_BLOOM_SIZE
   * when `memoryLimit` (null = unchecked) is exceeded. The vector capacity equals the number of filters.
   */
  static decode(bytes: Uint8Array, memoryLimit: number | null): BloomObject {
    if (bytes.length === 0) throw new BloomError(E.DECODE_BLOOM_OBJECT_FAILED);
    if (bytes[0] !== BLOOM_OBJECT_VERSION) throw new BloomError(E.DECODE_UNSUPPORTED_VERSION);
    const fail = () => new BloomError(E.DECODE_BLOOM_OBJECT_FAILED);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 30) throw fail();
    const expansion = dv.getUint32(1, true);
    const fpRate = dv.getFloat64(5, true);
    const tightening = dv.getFloat64(13, true);
    const flag = bytes[21]!;
    if (flag > 1) throw fail();
    const count = dv.getBigUint64(22, true);
    // Each filter takes at least 8 + 45 + 16 bytes.
    if (count * 69n > BigInt(bytes.length - 30)) throw fail();
    const filters: BloomFilter[] = [];
    let at = 30;
    for (let i = 0n; i < count; i++) {
      if (at + 8 > bytes.length) throw fail();
      const len = dv.getBigUint64(at, true);
      at += 8;
      if (len > BigInt(bytes.length - at - 16)) throw fail();
      const blob = bytes.subarray(at, at + Number(len));
      at += Number(len);
      const numItems = dv.getBigInt64(at, true);
      const capacity = dv.getBigInt64(at + 8, true);
      at += 16;
      if (capacity < 1n || numItems < 0n) throw fail();
      filters.push(BloomFilter.fromBlob(blob, Number(numItems), Number(capacity)));
    }
    if (filters.length === 0) throw fail();
    if (!(fpRate > 0 && fpRate < 1)) throw new BloomError(E.ERROR_RATE_RANGE);
    if (!(tightening > 0 && tightening < 1)) throw new BloomError(E.ERROR_RATE_RANGE);
    if (filters.length >= MAX_FILTERS) throw new BloomError(E.MAX_NUM_SCALING_FILTERS);
    const obj = new BloomObject(expansion, fpRate, tightening, flag === 1, filters, filters.length);
    if (memoryLimit !== null && obj.memoryUsage() > memoryLimit) {
      throw new BloomError(E.EXCEEDS_MAX_BLOOM_SIZE);
    }
    return obj;
  }
}

/** Refuses payloads this process cannot hold in one typed array (an error reply, never a crash). */
function checkAllocatable(bytes: number): void {
  if (!(bytes <= 2 ** 32)) throw new BloomError(E.EXCEEDS_MAX_BLOOM_SIZE);
}

/**
 * How far an object starting at `capacity` can scale. With `scaleTo` = -1 (BF.INFO MAXSCALEDCAPACITY):
 * the total capacity reached before the fp rate degrades to 0 or the memory limit is hit. With a target
 * (BF.INSERT VALIDATESCALETO): the total once ≥ target, or VALIDATE_SCALE_TO_FALSE_POSITIVE_INVALID /
 * VALIDATE_SCALE_TO_EXCEEDS_MAX_SIZE. The projected object size counts the vector capacity a Rust Vec
 * would have (1 for one filter, then the next power of two ≥ max(4, n + 1)).
 */
export function maxScaledCapacity(
  capacity: number,
  fpRate: number,
  scaleTo: number,
  tighteningRatio: number,
  expansion: number,
  memoryLimit: number,
): number {
  let cap = capacity;
  let total = 0;
  let n = 0;
  let filtersBytes = 0;
  while (total < scaleTo || scaleTo === -1) {
    const fp = fpRate * powi(tighteningRatio, n);
    if (!(fp > MIN_POSITIVE)) {
      if (scaleTo === -1) return total;
      throw new BloomError(E.VALIDATE_SCALE_TO_FALSE_POSITIVE_INVALID);
    }
    const size = filterSize(cap, fp);
    const vec = n === 0 ? 1 : nextPowerOfTwo(Math.max(4, n + 1));
    if (objectStructSize(vec) + filtersBytes + size > memoryLimit) {
      if (scaleTo === -1) return total;
      throw new BloomError(E.VALIDATE_SCALE_TO_EXCEEDS_MAX_SIZE);
    }
    filtersBytes += size;
    total += cap;
    cap = scaledCapacity(cap, expansion);
    n++;
  }
  return total;
}

/**
 * An f64 as Rust's `Display` prints it: the shortest digits that round-trip, never in exponent form
 * ("0.01", "0.0000000001", "1"). Used for the replicated BF.INSERT.
 */
export function formatRustF64(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "inf" : "-inf";
  const s = String(x);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const neg = s.startsWith("-");
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf(".");
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = "0." + "0".repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + "." + digits.slice(intLen);
  return (neg ? "-" : "") + out;
}
