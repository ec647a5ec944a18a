import assert from "node:assert/strict";
import {
  COUNTS_LEN,
  highestEquivalent,
  indexOf,
  LatencyHistogram,
  lowestEquivalent,
  valueAtIndex,
} from "./histogram.ts";

// Expected figures below come from Valkey's bundled HdrHistogram (hdr_init(1, 1e9, 2),
// hdr_value_at_percentile, hdr_iter_log_init(1024, 2)) fed the same values.

function percentiles(h: LatencyHistogram): string[] {
  return [0, 50, 99, 99.9, 100].map((p) => (h.valueAtPercentile(p) / 1000).toFixed(3));
}

function histogramOf(values: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

Deno.test("slots cover 1 ns steps up to 255 and double their width with each bucket", () => {
  assert.equal(COUNTS_LEN, 3072);
  for (let v = 0; v < 256; v++) assert.equal(valueAtIndex(indexOf(v)), v);
  assert.equal(indexOf(256), indexOf(257));
  assert.notEqual(indexOf(257), indexOf(258));
  assert.equal(lowestEquivalent(1031), 1024);
  assert.equal(highestEquivalent(1024), 1031);
  assert.equal(highestEquivalent(1_000_000_000), 1_002_438_655);
  assert.ok(indexOf(1_000_000_000) < COUNTS_LEN);
});

Deno.test("a single 1 ns sample reports 0.001 µs at every percentile", () => {
  const h = histogramOf([1]);
  assert.deepEqual(percentiles(h), ["0.001", "0.001", "0.001", "0.001", "0.001"]);
  assert.deepEqual(h.cdf(), [[1, 1]]);
});

Deno.test("values are clamped to [1 ns, 1 s] and percentiles match HdrHistogram", () => {
  const h = histogramOf([500, 1500, 3000, 70000, 2000000, 999999999, 5000000000]);
  assert.equal(h.total, 7);
  assert.deepEqual(percentiles(h), ["0.500", "70.143", "1002438.655", "1002438.655", "1002438.655"]);
  assert.deepEqual(h.cdf(), [[1, 1], [2, 2], [4, 3], [132, 4], [2113, 5], [1073741, 7]]);
});

Deno.test("slot boundaries around 1024 and 2048 ns land in HdrHistogram's buckets", () => {
  const h = histogramOf([1023, 1024, 1031, 1032, 2063, 2064]);
  assert.deepEqual(percentiles(h), ["1.020", "1.031", "2.079", "2.079", "2.079"]);
  assert.deepEqual(h.cdf(), [[1, 3], [2, 5], [4, 6]]);
});

Deno.test("a spread of 100 samples gives the cumulative distribution Valkey prints", () => {
  const values: number[] = [];
  for (let v = 1000; v <= 100000; v += 997) values.push(v);
  const h = histogramOf(values);
  assert.deepEqual(percentiles(h), ["1.000", "49.919", "98.815", "99.839", "99.839"]);
  assert.deepEqual(h.cdf(), [[1, 1], [2, 2], [4, 4], [8, 8], [16, 16], [33, 33], [66, 66], [132, 100]]);
});

Deno.test("an empty histogram has no distribution, and reset empties it", () => {
  const h = new LatencyHistogram();
  assert.deepEqual(h.cdf(), []);
  h.record(5000);
  h.reset();
  assert.equal(h.total, 0);
  assert.deepEqual(h.cdf(), []);
});
