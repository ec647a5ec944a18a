import assert from "node:assert/strict";
import {
  BITMAP_HEADER_SIZE,
  bitmapBytes,
  BloomFilter,
  BloomObject,
  type BloomParams,
  FIXED_SEED,
  formatRustF64,
  hashCount,
  maxScaledCapacity,
  powi,
  randomSeed,
} from "./bloom.ts";
import * as E from "./errors.ts";
import { BloomError } from "./errors.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const LIMIT = 134217728;

function params(over: Partial<BloomParams> = {}): BloomParams {
  return {
    capacity: 100,
    fpRate: 0.01,
    tighteningRatio: 0.5,
    expansion: 2,
    seed: FIXED_SEED,
    seedRandom: false,
    ...over,
  };
}

function throwsBloom(fn: () => unknown, reply: string): void {
  assert.throws(fn, (e: unknown) => e instanceof BloomError && e.reply === reply);
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

// Reference vectors from testdata/bloom_vectors.rs (Rust std SipHasher13 + the bloomfilter 3.0.1 arithmetic).
Deno.test("a filter with the fixed seed sets the same bits as the Rust crate", () => {
  const f = BloomFilter.create(100, 0.01, FIXED_SEED);
  assert.equal(f.payloadBytes, 120);
  assert.equal(f.k, 7);
  assert.deepEqual(f.positions(enc("item")), [701, 8, 461, 213, 925, 677, 429]);
  assert.deepEqual(f.positions(enc("hello")), [953, 573, 179, 752, 365, 938, 551]);
  assert.deepEqual(f.positions(enc("")), [598, 580, 798, 418, 38, 618, 238]);
  assert.deepEqual(f.positions(enc("user:1000")), [676, 881, 6, 631, 552, 217, 842]);
  for (const item of ["item", "hello", "", "user:1000"]) f.set(enc(item));
  assert.equal(
    hex(f.raw.subarray(BITMAP_HEADER_SIZE)),
    "400100004000000000000000000000000000000000000800000020020040000000000000000000000000000000200000" +
      "000000000420000000200000000000000000000080010020100040000004800000000000300000200000000000000100" +
      "000000400000000000040000000002000000002000040002",
  );
  // Header: version 1, B = 120 (u64 LE), k = 7 (u32 LE), the seed.
  assert.equal(hex(f.raw.subarray(0, 13)), "01780000000000000007000000");
  assert.deepEqual(f.seed(), FIXED_SEED);
});

Deno.test("a filter with a sequential seed and 10 hash functions matches the Rust crate", () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
  const f = BloomFilter.create(1000, 0.001, seed);
  assert.equal(f.payloadBytes, 1798);
  assert.equal(f.k, 10);
  assert.deepEqual(f.positions(enc("a")), [9453, 664, 10781, 517, 1181, 1845, 5965, 6629, 7293, 11413]);
  assert.deepEqual(
    f.positions(enc("bloom filter")),
    [5993, 12707, 9551, 11330, 13109, 504, 2283, 606, 2385, 4164],
  );
  assert.deepEqual(
    f.positions(enc("0123456789abcdefXYZ")),
    [10790, 13194, 938, 3204, 5470, 7736, 10002, 12268, 150, 2416],
  );
});

Deno.test("sizes follow the crate: bitmap bytes and hash count", () => {
  assert.equal(bitmapBytes(100, 0.01), 120);
  assert.equal(hashCount(960, 100), 7);
  assert.equal(bitmapBytes(1000, 0.001), 1798);
  assert.equal(bitmapBytes(50, 0.05), 39);
  assert.equal(hashCount(8, 1000), 1); // never below one
});

Deno.test("BF.INFO SIZE figures: 384, 2062, 303 and 1724 bytes", () => {
  assert.equal(BloomObject.create(params(), LIMIT).memoryUsage(), 384);
  assert.equal(
    BloomObject.create(params({ capacity: 1000, fpRate: 0.001, expansion: 0 }), LIMIT).memoryUsage(),
    2062,
  );
  assert.equal(BloomObject.create(params({ capacity: 50, fpRate: 0.05 }), LIMIT).memoryUsage(), 303);
  // Three sub-filters 100/200/400 at 0.01/0.005/0.0025, vector capacity 4.
  const o = BloomObject.create(params(), LIMIT);
  for (let i = 0; o.filters.length < 3; i++) o.addItem(enc(`k${i}`), LIMIT);
  assert.deepEqual(o.filters.map((f) => f.capacity), [100, 200, 400]);
  assert.equal(o.vecCapacity, 4);
  assert.equal(o.memoryUsage(), 1724);
});

Deno.test("adding: 1 for new, 0 for present; scaling appends capacity × expansion with a tighter rate", () => {
  const o = BloomObject.create(params(), LIMIT);
  assert.equal(o.addItem(enc("item"), LIMIT), 1);
  assert.equal(o.addItem(enc("item"), LIMIT), 0);
  assert.equal(o.itemExists(enc("item")), true);
  assert.equal(o.itemExists(enc("other")), false);
  let i = 0;
  while (o.cardinality() < 101) o.addItem(enc(`user:${i++}`), LIMIT);
  assert.equal(o.filters.length, 2);
  assert.equal(o.capacity(), 300);
  assert.equal(o.filters[1]!.payloadBytes, bitmapBytes(200, 0.005));
  assert.deepEqual(o.filters[1]!.seed(), o.filters[0]!.seed());
});

Deno.test("a full non-scaling filter refuses new items", () => {
  const o = BloomObject.create(params({ capacity: 2, expansion: 0 }), LIMIT);
  assert.equal(o.addItem(enc("0"), LIMIT), 1);
  assert.equal(o.addItem(enc("1"), LIMIT), 1);
  throwsBloom(() => o.addItem(enc("2"), LIMIT), E.NON_SCALING_FILTER_FULL);
  assert.equal(o.cardinality(), 2);
});

Deno.test("the memory limit applies to creation and to scale-out, unless unchecked", () => {
  throwsBloom(
    () => BloomObject.create(params({ capacity: 100000, fpRate: 0.001 }), 100),
    E.EXCEEDS_MAX_BLOOM_SIZE,
  );
  const o = BloomObject.create(params({ capacity: 10 }), 500);
  let i = 0;
  while (o.cardinality() < 10) o.addItem(enc(`x${i++}`), 500);
  let err: unknown;
  try {
    for (; i < 1000; i++) o.addItem(enc(`x${i}`), 500);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof BloomError && err.reply === E.EXCEEDS_MAX_BLOOM_SIZE);
  assert.equal(o.filters.length, 1);
  // The same add from the primary / AOF (limit null) scales out.
  for (; o.filters.length < 2; i++) o.addItem(enc(`x${i}`), null);
  assert.equal(o.filters.length, 2);
});

Deno.test("the fp rate degrades to 0 after 1016 filters with expansion 1", () => {
  throwsBloom(() => {
    const o = BloomObject.create(params({ expansion: 1, capacity: 1 }), null);
    for (let i = 0; i < 5000; i++) o.addItem(enc(`i${i}`), null);
  }, E.FALSE_POSITIVE_DEGRADES_TO_0);
});

Deno.test("max scaled capacity: the figures valkey-bloom reports", () => {
  assert.equal(maxScaledCapacity(100, 0.01, -1, 0.5, 2, LIMIT), 26214300);
  assert.equal(maxScaledCapacity(10000, 0.001, -1, 0.5, 2, LIMIT), 20470000);
  assert.equal(maxScaledCapacity(50, 0.05, -1, 0.5, 2, LIMIT), 26214350);
  assert.equal(maxScaledCapacity(100, 1e-8, -1, 0.5, 2, LIMIT), 13107100);
  assert.equal(maxScaledCapacity(100, 0.01, -1, 0.5, 1, LIMIT), 101600);
});

Deno.test("VALIDATESCALETO: reachable targets pass, others name the reason", () => {
  assert.equal(maxScaledCapacity(100, 1e-8, 13107100, 0.5, 2, LIMIT), 13107100);
  throwsBloom(
    () => maxScaledCapacity(100, 1e-8, 13107101, 0.5, 2, LIMIT),
    E.VALIDATE_SCALE_TO_EXCEEDS_MAX_SIZE,
  );
  assert.equal(maxScaledCapacity(100, 0.01, 101600, 0.5, 1, LIMIT), 101600);
  throwsBloom(
    () => maxScaledCapacity(100, 0.01, 101601, 0.5, 1, LIMIT),
    E.VALIDATE_SCALE_TO_FALSE_POSITIVE_INVALID,
  );
  throwsBloom(
    () => maxScaledCapacity(1, 0.0000000001, 10000000, 0.5, 1, LIMIT),
    E.VALIDATE_SCALE_TO_FALSE_POSITIVE_INVALID,
  );
  throwsBloom(
    () => maxScaledCapacity(100, 0.01, 1000000000000, 0.5, 2, LIMIT),
    E.VALIDATE_SCALE_TO_EXCEEDS_MAX_SIZE,
  );
  assert.equal(maxScaledCapacity(200, 0.0001, 1000000, 0.5, 2, LIMIT) >= 1000000, true);
});

Deno.test("the object blob round-trips and keeps bits, counts, seed and properties", () => {
  // A fixed seed (the random flag is what round-trips): with a random one, "only-in-copy" below would now
  // and then be a false positive of the filter and not be added.
  const o = BloomObject.create(params({ seed: FIXED_SEED, seedRandom: true }), LIMIT);
  for (let i = 0; i < 250; i++) o.addItem(enc(`m${i}`), LIMIT);
  const blob = o.encode();
  assert.equal(blob[0], 1);
  const back = BloomObject.decode(blob, LIMIT);
  assert.deepEqual(back.encode(), blob);
  assert.equal(back.cardinality(), o.cardinality());
  assert.equal(back.capacity(), o.capacity());
  assert.equal(back.seedRandom, true);
  assert.equal(back.vecCapacity, back.filters.length);
  for (let i = 0; i < 250; i++) assert.equal(back.itemExists(enc(`m${i}`)), true);
  // A copy is deep.
  const c = o.copy();
  const before = o.cardinality();
  assert.equal(c.addItem(enc("only-in-copy"), LIMIT), 1);
  assert.equal(c.cardinality(), before + 1);
  assert.equal(o.cardinality(), before);
  assert.deepEqual(c.seed(), o.seed());
});

Deno.test("decoding rejects other versions, garbage and out-of-range fields", () => {
  const blob = BloomObject.create(params(), LIMIT).encode();
  throwsBloom(() => BloomObject.decode(new Uint8Array(0), LIMIT), E.DECODE_BLOOM_OBJECT_FAILED);
  throwsBloom(
    () => BloomObject.decode(Uint8Array.of(2, ...blob.subarray(1)), LIMIT),
    E.DECODE_UNSUPPORTED_VERSION,
  );
  throwsBloom(
    () => BloomObject.decode(blob.subarray(0, blob.length - 1), LIMIT),
    E.DECODE_BLOOM_OBJECT_FAILED,
  );
  throwsBloom(() => BloomObject.decode(enc("\x01garbage"), LIMIT), E.DECODE_BLOOM_OBJECT_FAILED);
  const badFp = blob.slice();
  new DataView(badFp.buffer).setFloat64(5, 1.5, true);
  throwsBloom(() => BloomObject.decode(badFp, LIMIT), E.ERROR_RATE_RANGE);
  const badTightening = blob.slice();
  new DataView(badTightening.buffer).setFloat64(13, 0, true);
  throwsBloom(() => BloomObject.decode(badTightening, LIMIT), E.ERROR_RATE_RANGE);
  const badK = blob.slice();
  badK.fill(0, 30 + 8 + 9, 30 + 8 + 13);
  throwsBloom(() => BloomObject.decode(badK, LIMIT), E.DECODE_BLOOM_OBJECT_FAILED);
  throwsBloom(() => BloomObject.decode(blob, 100), E.EXCEEDS_MAX_BLOOM_SIZE);
  assert.equal(BloomObject.decode(blob, null).memoryUsage(), 384);
});

Deno.test("the false-positive rate at capacity stays within statistical bounds of the requested rate", () => {
  for (const fp of [0.01, 0.001]) {
    const capacity = 20000;
    const o = BloomObject.create(params({ capacity, fpRate: fp, expansion: 0, seed: randomSeed() }), LIMIT);
    let i = 0;
    while (o.cardinality() < capacity) o.addItem(enc(`member:${i++}`), LIMIT);
    const trials = 200000;
    let fps = 0;
    for (let j = 0; j < trials; j++) if (o.itemExists(enc(`absent:${j}`))) fps++;
    // Binomial: mean trials·fp, sd √(trials·fp·(1−fp)); 5 sd either side, and a 15% model allowance.
    const mean = trials * fp, sd = Math.sqrt(trials * fp * (1 - fp));
    assert.ok(fps < mean * 1.15 + 5 * sd, `fp ${fp}: ${fps} false positives of ${trials}`);
    assert.ok(fps > mean * 0.5 - 5 * sd, `fp ${fp}: ${fps} false positives of ${trials}`);
  }
});

Deno.test("powi multiplies like Rust's f64::powi", () => {
  assert.equal(powi(0.5, 10), 1 / 1024);
  assert.equal(powi(3, 0), 1);
  assert.equal(powi(2, -2), 0.25);
});

Deno.test("floats print as Rust's Display: shortest round-trip digits, no exponent", () => {
  assert.equal(formatRustF64(0.01), "0.01");
  assert.equal(formatRustF64(0.5), "0.5");
  assert.equal(formatRustF64(1e-10), "0.0000000001");
  assert.equal(formatRustF64(1.5e-7), "0.00000015");
  assert.equal(formatRustF64(1e21), "1000000000000000000000");
  assert.equal(formatRustF64(1), "1");
  assert.equal(Number(formatRustF64(2.2250738585072014e-308)), 2.2250738585072014e-308);
});
