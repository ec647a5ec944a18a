import assert from "node:assert/strict";
import {
  cacheValid,
  createHll,
  denseGet,
  denseSet,
  estimate,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HASH_SEED,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HllBuffer,
  hllCount,
  hllPatLen,
  invalidateCache,
  isHll,
  mergeInto,
  murmurHash64A,
  rawCount,
  readCachedCard,
  registerHistogram,
  writeCachedCard,
} from "./hll.ts";

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const fromHex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));

/** Valkey 8.1.1's bytes for PFADD h e0 .. e9 followed by PFCOUNT h (cached cardinality 10). */
const VALKEY_TEN =
  "48594c4c010000000a00000000000000452580472e844fc9804412844a5184430d844103844eb984408880406a8441b1";

function filled(n: number, prefix = "e", maxBytes = 3000): HllBuffer {
  const h = new HllBuffer(createHll());
  for (let i = 0; i < n; i++) h.add(enc.encode(prefix + i), maxBytes);
  return h;
}

/** Every register of an HLL value, decoded independently of the module's own readers. */
function registers(value: Uint8Array): number[] {
  const max = new Uint8Array(HLL_REGISTERS);
  assert.ok(mergeInto(max, value));
  return Array.from(max);
}

Deno.test("a new HLL is Valkey's 18-byte sparse value with one XZERO opcode", () => {
  assert.equal(hex(createHll()), "48594c4c0100000000000000000000007fff");
  assert.equal(createHll().length, 18);
  assert.equal(hllCount(createHll()), 0n);
});

Deno.test("adding ten elements gives Valkey's exact sparse bytes and count", () => {
  const h = filled(10);
  const v = h.value();
  assert.equal(cacheValid(v), false);
  assert.equal(hllCount(v), 10n);
  writeCachedCard(v, 10n);
  assert.equal(hex(v), VALKEY_TEN);
});

Deno.test("MurmurHash64A agrees with the 64-bit reference on word-aligned and tail inputs", () => {
  // Computed independently with BigInt arithmetic below.
  const m = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  function reference(data: Uint8Array, seed: number): bigint {
    let h = (BigInt(seed) ^ (BigInt(data.length) * m)) & mask;
    const end = data.length - (data.length & 7);
    for (let i = 0; i < end; i += 8) {
      let k = 0n;
      for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]!);
      k = (k * m) & mask;
      k ^= k >> 47n;
      k = (k * m) & mask;
      h ^= k;
      h = (h * m) & mask;
    }
    const rest = data.length & 7;
    if (rest > 0) {
      for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[end + j]!) << BigInt(8 * j);
      h = (h * m) & mask;
    }
    h ^= h >> 47n;
    h = (h * m) & mask;
    h ^= h >> 47n;
    return h;
  }
  for (let len = 0; len < 40; len++) {
    const data = Uint8Array.from({ length: len }, (_, i) => (i * 37 + 250) & 255);
    assert.equal(murmurHash64A(data, HLL_HASH_SEED), reference(data, HLL_HASH_SEED), `length ${len}`);
    assert.equal(murmurHash64A(data, 0), reference(data, 0));
  }
});

Deno.test("the pattern length counts trailing zeros after the 14 index bits", () => {
  for (const s of ["a", "foo", "e123", "a longer element than eight bytes"]) {
    const b = enc.encode(s);
    const h = murmurHash64A(b, HLL_HASH_SEED);
    const [index, count] = hllPatLen(b);
    assert.equal(index, Number(h & 16383n));
    let rest = (h >> 14n) | (1n << 50n);
    let expected = 1;
    while ((rest & 1n) === 0n) {
      expected++;
      rest >>= 1n;
    }
    assert.equal(count, expected);
  }
});

Deno.test("dense registers round-trip at every index without disturbing neighbours", () => {
  const d = new Uint8Array(HLL_DENSE_SIZE);
  for (let i = 0; i < HLL_REGISTERS; i++) denseSet(d, HLL_HDR_SIZE, i, (i * 13) % 64);
  for (let i = 0; i < HLL_REGISTERS; i++) assert.equal(denseGet(d, HLL_HDR_SIZE, i), (i * 13) % 64);
  denseSet(d, HLL_HDR_SIZE, 100, 0);
  assert.equal(denseGet(d, HLL_HDR_SIZE, 99), (99 * 13) % 64);
  assert.equal(denseGet(d, HLL_HDR_SIZE, 101), (101 * 13) % 64);
  assert.equal(HLL_DENSE_SIZE, 12304);
});

Deno.test("isHll checks length, magic, encoding and the dense size", () => {
  assert.equal(isHll(createHll()), true);
  assert.equal(isHll(createHll().subarray(0, 15)), false);
  const bad = createHll();
  bad[3] = 0x4d;
  assert.equal(isHll(bad), false);
  const enc2 = createHll();
  enc2[4] = 2;
  assert.equal(isHll(enc2), false);
  const dense = createHll();
  dense[4] = HLL_DENSE;
  assert.equal(isHll(dense), false);
  const h = new HllBuffer(createHll());
  assert.ok(h.toDense());
  assert.equal(isHll(h.value()), true);
  assert.equal(h.value().length, HLL_DENSE_SIZE);
});

Deno.test("the cached cardinality is little endian with its top bit as the stale flag", () => {
  const v = createHll();
  assert.equal(cacheValid(v), true);
  writeCachedCard(v, 0x0102030405060708n);
  assert.equal(hex(v.subarray(8, 16)), "0807060504030201");
  assert.equal(readCachedCard(v), 0x0102030405060708n);
  invalidateCache(v);
  assert.equal(cacheValid(v), false);
  assert.equal(v[15], 0x81);
});

Deno.test("setting a sparse register splits XZERO, ZERO and VAL runs as Valkey does", () => {
  const h = new HllBuffer(createHll());
  assert.equal(h.set(0, 3, 3000), 1);
  assert.equal(hex(h.value().subarray(16)), "887ffe"); // VAL(3,1) XZERO(16383)
  assert.equal(h.set(0, 2, 3000), 0); // case A: not lower
  assert.equal(h.set(0, 5, 3000), 1); // case B: VAL of length 1
  assert.equal(hex(h.value().subarray(16)), "907ffe");
  assert.equal(h.set(16383, 1, 3000), 1); // end of the XZERO
  assert.equal(hex(h.value().subarray(16)), "907ffd80");
  assert.equal(h.set(3, 2, 3000), 1); // ZERO(2) split off the XZERO's start
  assert.equal(hex(h.value().subarray(16)), "9001847ffa80");
  assert.equal(h.set(1, 2, 3000), 1); // ZERO(2) -> VAL(2,1) ZERO(1)
  assert.equal(h.set(2, 2, 3000), 1); // ZERO(1) -> VAL: three VAL(2,1) merge into VAL(2,3)
  assert.equal(hex(h.value().subarray(16)), "90867ffa80");
  assert.equal(h.set(2, 4, 3000), 1); // a VAL of length 3 split in the middle
  assert.equal(hex(h.value().subarray(16)), "90848c847ffa80");
  const regs = registers(h.value());
  assert.deepEqual(regs.slice(0, 5), [5, 2, 4, 2, 0]);
  assert.equal(regs[16383], 1);
  assert.equal(cacheValid(h.value()), false);
});

Deno.test("a value above 32 or an edit past hll-sparse-max-bytes promotes to dense", () => {
  const h = new HllBuffer(createHll());
  h.set(7, 3, 3000);
  assert.equal(h.set(9, 40, 3000), 1);
  assert.equal(h.encoding, HLL_DENSE);
  assert.equal(h.value().length, HLL_DENSE_SIZE);
  assert.equal(denseGet(h.value(), HLL_HDR_SIZE, 7), 3);
  assert.equal(denseGet(h.value(), HLL_HDR_SIZE, 9), 40);

  const small = filled(3, "e", 20);
  assert.equal(small.encoding, HLL_DENSE);
  const big = filled(3);
  assert.equal(big.encoding, HLL_SPARSE);
  assert.deepEqual(registers(small.value()), registers(big.value()));
  assert.equal(hllCount(small.value()), hllCount(big.value()));
});

Deno.test("a corrupted sparse value is reported by every reader", () => {
  const v = fromHex("48594c4c0100000000000000000000807f00"); // XZERO covering 16129 registers only
  assert.equal(hllCount(v), null);
  assert.equal(mergeInto(new Uint8Array(HLL_REGISTERS), v), false);
  assert.equal(new HllBuffer(v).toDense(), false);
  assert.equal(new HllBuffer(v).set(16383, 1, 3000), -1);
  assert.equal(new HllBuffer(v).set(5, 1, 3000), 1);
  assert.equal(registerHistogram(v, new Int32Array(64)), false);
  const unknown = createHll();
  unknown[4] = 7;
  assert.equal(new HllBuffer(unknown).add(enc.encode("x"), 3000), -1);
});

Deno.test("merging raw registers counts the union the same as a dense HLL", () => {
  const a = filled(500, "a");
  const b = filled(500, "b");
  const max = new Uint8Array(HLL_REGISTERS);
  assert.ok(mergeInto(max, a.value()));
  assert.ok(mergeInto(max, b.value()));
  const both = filled(500, "a");
  for (let i = 0; i < 500; i++) both.add(enc.encode("b" + i), 3000);
  assert.equal(rawCount(max), hllCount(both.value()));
  const d = new HllBuffer(createHll());
  assert.ok(d.toDense());
  d.setAllDense(max);
  assert.equal(hllCount(d.value()), rawCount(max));
  assert.deepEqual(registers(d.value()), Array.from(max));
});

Deno.test("the estimator saturates like x86 llround when every register is 51", () => {
  const histo = new Int32Array(64);
  histo[51] = HLL_REGISTERS;
  assert.equal(estimate(histo), 1n << 63n);
  const empty = new Int32Array(64);
  empty[0] = HLL_REGISTERS;
  assert.equal(estimate(empty), 0n);
  assert.equal(hllCount(filled(1000).value()), 1008n); // Valkey 8.1.1's PFCOUNT for e0 .. e999
});
