/**
 * The `bloomfltr` data type (encoding version 1): how a Bloom object is saved, loaded, rewritten into the
 * AOF, copied, measured and digested — valkey-bloom 1.0's formats, so RDB files and AOFs carry over.
 *
 * RDB value (encver 1), as RedisModule_Save* calls:
 *
 *     unsigned  number of sub-filters
 *     unsigned  expansion (0 = non-scaling)
 *     double    fp rate
 *     double    tightening ratio
 *     unsigned  1 if the seed is random, 0 for the fixed seed
 *     per sub-filter:
 *       string    bitmap blob (45-byte header + payload, see bloom.ts)
 *       unsigned  capacity
 *       unsigned  number of items — last sub-filter only (earlier ones are full: items = capacity)
 *
 * Loading refuses a newer encver, a malformed blob, an fp rate that degrades to 0, an object above
 * `bf.bloom-memory-usage-limit`, and a fixed-seed object whose seed is not the fixed seed. The rebuilt
 * sub-filter vector starts at capacity 1 (so BF.INFO SIZE may differ by a few slots from the saved one,
 * as in valkey-bloom). AOF rewrite emits `BF.LOAD key <object blob>`.
 *
 * @module
 */

import {
  type DataTypeSpec,
  type DigestOutput,
  ModuleError,
  type RdbInput,
  type RdbOutput,
} from "../../core/module_api/mod.ts";
import { BloomFilter, BloomObject, FIXED_SEED, scaledFpRate, seedsEqual } from "./bloom.ts";
import { settings } from "./configs.ts";
import { BloomError } from "./errors.ts";
import { metrics, objectCreated, objectFreed } from "./metrics.ts";

export const BLOOM_TYPE_NAME = "bloomfltr";
export const BLOOM_TYPE_ENCVER = 1;

function rdbSave(io: RdbOutput, o: BloomObject): void {
  const n = o.filters.length;
  io.saveUnsigned(n);
  io.saveUnsigned(o.expansion);
  io.saveDouble(o.fpRate);
  io.saveDouble(o.tighteningRatio);
  io.saveUnsigned(o.seedRandom ? 1 : 0);
  o.filters.forEach((f, i) => {
    io.saveString(f.raw);
    io.saveUnsigned(f.capacity);
    if (i === n - 1) io.saveUnsigned(f.numItems);
  });
}

function rdbLoad(io: RdbInput, encver: number): BloomObject {
  if (encver > BLOOM_TYPE_ENCVER) {
    throw new ModuleError(
      `bf: Cannot load bloomfltr data type of version ${encver} because it is higher than the loaded ` +
        `module's bloomfltr supported version ${BLOOM_TYPE_ENCVER}`,
    );
  }
  const count = Number(io.loadUnsigned());
  const expansion = Number(io.loadUnsigned());
  const fpRate = io.loadDouble();
  const tightening = io.loadDouble();
  const seedRandom = io.loadUnsigned() === 1n;
  if (
    count < 1 || expansion > 4294967295 || !(fpRate > 0 && fpRate < 1) || !(tightening > 0 && tightening < 1)
  ) {
    throw new ModuleError("bf: Failed to restore bloom object: invalid object properties");
  }
  const filters: BloomFilter[] = [];
  let bytes = 48 + 8;
  for (let i = 0; i < count; i++) {
    const blob = io.loadString();
    const capacity = Number(io.loadUnsigned());
    const numItems = i === count - 1 ? Number(io.loadUnsigned()) : capacity;
    try {
      scaledFpRate(fpRate, i, tightening);
      const f = BloomFilter.fromBlob(blob, numItems, capacity);
      bytes += f.size;
      if (bytes > settings.memoryLimit) {
        throw new ModuleError(
          "bf: Failed to restore bloom object because it contains a filter larger than the max allowed size limit.",
        );
      }
      if (!seedRandom && !seedsEqual(f.seed(), FIXED_SEED)) {
        throw new ModuleError("bf: Failed to restore bloom object: the fixed seed does not match");
      }
      filters.push(f);
    } catch (e) {
      if (e instanceof BloomError) throw new ModuleError(`bf: Failed to restore bloom object: ${e.reply}`);
      throw e;
    }
  }
  const o = BloomObject.fromParts(expansion, fpRate, tightening, seedRandom, filters);
  objectCreated(o);
  return o;
}

function digest(d: DigestOutput, o: BloomObject): void {
  d.addInt(o.expansion);
  d.addString(f64Bytes(o.fpRate));
  d.addString(f64Bytes(o.tighteningRatio));
  d.addInt(o.seedRandom ? 1 : 0);
  for (const f of o.filters) {
    d.addString(f.raw);
    d.addInt(f.numItems);
    d.addInt(f.capacity);
  }
  d.endSequence();
}

function f64Bytes(x: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return b;
}

export const bloomDataType: DataTypeSpec<BloomObject> = {
  name: BLOOM_TYPE_NAME,
  encver: BLOOM_TYPE_ENCVER,
  rdbSave,
  rdbLoad,
  aofRewrite(emit, key, o) {
    emit("BF.LOAD", key, o.encode());
  },
  memUsage: (o) => o.memoryUsage(),
  free: (o) => objectFreed(o),
  freeEffort: (_key, o) => o.filters.length,
  copy(_from, _to, o) {
    const c = o.copy();
    objectCreated(c);
    return c;
  },
  digest,
  /**
   * Active defrag: each sub-filter's blob moves to a fresh allocation (a hit per sub-filter moved). With
   * `bf.bloom-defrag-enabled no` nothing moves and the pass counts a miss.
   */
  defrag(_key, o) {
    if (!settings.defragEnabled) {
      metrics.defragMisses++;
      return 0;
    }
    for (const f of o.filters) f.reallocate();
    metrics.defragHits += o.filters.length;
    return 0;
  },
  encoding: () => "raw",
};
