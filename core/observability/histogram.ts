/**
 * Per-command latency histograms with the bucket layout Valkey gets from HdrHistogram (`hdr_init(1,
 * 1_000_000_000, 2)`): values in nanoseconds from 1 ns to 1 s, kept to two significant decimal digits, so
 * LATENCY HISTOGRAM and INFO latencystats print the very numbers Valkey prints for the same samples.
 *
 * Layout. Two significant digits need 200 distinct steps per power of two, rounded up to a power of two:
 * 256 sub-buckets, of which the lower half (0..127) only exists in bucket 0. Bucket b covers the values
 * `[128 << b, 256 << b)` with a resolution of `1 << b` ns; bucket 0 also covers 0..127 at 1 ns.
 *
 *     bucket 0:  0 1 2 ... 127 | 128 129 ... 255        (256 slots, step 1 ns)
 *     bucket 1:                 | 256 258 ... 510        (128 slots, step 2 ns)
 *     bucket 2:                 | 512 516 ... 1020       (128 slots, step 4 ns)
 *     ...
 *     bucket 22:                | 2^29 ... 2^30 - 2^22    (128 slots, step 4,194,304 ns)
 *
 * 23 buckets reach past 1e9 (256 << 22 > 1e9), so the counts array has (23 + 1) * 128 = 3072 slots.
 * Slot of a value v: b = bitLength(v | 255) - 8, s = v >> b, index = (b + 1) * 128 + s - 128.
 *
 * Memory: 3072 float64 counters = 24 KiB per command that has run at least once (Valkey allocates the
 * same 3072 int64 counters per command). Recording is O(1): a bit length, a shift, an increment.
 *
 * Invariants: `total` is the sum of `counts`; every recorded value was clamped into [1, 1e9] first.
 *
 * @module
 */

const SUB_BUCKET_HALF_MAGNITUDE = 7;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE; // 128
const SUB_BUCKET_COUNT = SUB_BUCKET_HALF * 2; // 256
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
const BUCKET_COUNT = 23;
/** Number of counters of one histogram. */
export const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF; // 3072

/** The smallest and largest values a histogram records (ns); others are clamped (Valkey's limits). */
export const HISTOGRAM_MIN_NS = 1;
export const HISTOGRAM_MAX_NS = 1_000_000_000;

function bitLength(v: number): number {
  // Values stay below 2^31 here, so 32-bit clz is exact.
  return 32 - Math.clz32(v);
}

function bucketIndex(v: number): number {
  return bitLength(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_MAGNITUDE + 1);
}

/** The counter slot of a value. */
export function indexOf(v: number): number {
  const b = bucketIndex(v);
  const s = v >> b;
  return (b + 1) * SUB_BUCKET_HALF + s - SUB_BUCKET_HALF;
}

/** The lowest value of a counter slot. */
export function valueAtIndex(index: number): number {
  let b = (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
  let s = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (b < 0) {
    s -= SUB_BUCKET_HALF;
    b = 0;
  }
  return s * 2 ** b;
}

/** The lowest value that shares `v`'s slot. */
export function lowestEquivalent(v: number): number {
  const b = bucketIndex(v);
  return Math.floor(v / 2 ** b) * 2 ** b;
}

/** The highest value that shares `v`'s slot. */
export function highestEquivalent(v: number): number {
  const b = bucketIndex(v);
  const s = Math.floor(v / 2 ** b);
  const width = 2 ** (s >= SUB_BUCKET_COUNT ? b + 1 : b);
  return s * 2 ** b + width - 1;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Records one duration in nanoseconds (clamped to [1 ns, 1 s] like Valkey). */
  record(ns: number): void {
    let v = ns;
    if (v < HISTOGRAM_MIN_NS) v = HISTOGRAM_MIN_NS;
    else if (v > HISTOGRAM_MAX_NS) v = HISTOGRAM_MAX_NS;
    else v = Math.floor(v);
    this.counts[indexOf(v)]!++;
    this.total++;
  }

  /** HdrHistogram's value at a percentile (0..100): the highest value of the slot that reaches it. */
  valueAtPercentile(percentile: number): number {
    const p = percentile < 100 ? percentile : 100;
    let want = Math.trunc((p / 100) * this.total + 0.5);
    if (want < 1) want = 1;
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i]!;
      if (seen >= want) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM prints: HdrHistogram's logarithmic iteration from 1024 ns
   * doubling each step, keeping the steps where the cumulative count grew, as [upper bound in µs, count].
   */
  cdf(): [usec: number, cumulative: number][] {
    const out: [number, number][] = [];
    const counts = this.counts;
    const total = this.total;
    let level = 1024;
    let levelLowest = lowestEquivalent(level);
    let index = -1;
    let value = 0;
    let highest = 0;
    let cumulative = 0;
    let previous = 0;
    const peekGreater = (bound: number) => index < COUNTS_LEN && valueAtIndex(index + 1) > bound;
    for (;;) {
      // One call of the iterator's next().
      if (!(cumulative < total || peekGreater(levelLowest))) break;
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(level);
          break;
        }
        index++;
        if (index >= COUNTS_LEN) break;
        cumulative += counts[index]!;
        value = valueAtIndex(index);
        highest = highestEquivalent(value);
      }
      if (cumulative > previous) out.push([Math.floor(highest / 1000), cumulative]);
      previous = cumulative;
      if (index >= COUNTS_LEN) break;
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}
