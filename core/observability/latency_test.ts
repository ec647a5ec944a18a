import assert from "node:assert/strict";
import {
  analyzeSeries,
  latencyGraph,
  LatencyMonitor,
  LatencySeries,
  percentileLabel,
  SERIES_LEN,
} from "./latency.ts";

Deno.test("samples in the same second keep the highest latency; max, sum and count see every sample", () => {
  const ts = new LatencySeries();
  ts.add(100, 5);
  ts.add(100, 9);
  ts.add(100, 3);
  ts.add(101, 4);
  assert.deepEqual(ts.samples(), [[100, 9], [101, 4]]);
  assert.deepEqual(ts.latest(), [101, 4]);
  assert.deepEqual([ts.max, ts.sum, ts.cnt], [9, 21, 4]);
});

Deno.test("a series keeps the latest 160 seconds, oldest first", () => {
  const ts = new LatencySeries();
  for (let t = 1; t <= SERIES_LEN + 5; t++) ts.add(t, t);
  const s = ts.samples();
  assert.equal(s.length, SERIES_LEN);
  assert.deepEqual(s[0], [6, 6]);
  assert.deepEqual(s.at(-1), [SERIES_LEN + 5, SERIES_LEN + 5]);
});

Deno.test("analyzeSeries gives average, mean deviation, min, max and period", () => {
  const ts = new LatencySeries();
  ts.add(100, 10);
  ts.add(102, 20);
  ts.add(104, 33);
  const st = analyzeSeries(ts, 110);
  assert.deepEqual(st, { allTimeHigh: 33, avg: 21, min: 10, max: 33, mad: 8, samples: 3, period: 10 });
  const one = new LatencySeries();
  one.add(50, 7);
  assert.equal(analyzeSeries(one, 50).period, 1);
});

Deno.test("the monitor lists events in creation order and resets them by name case-insensitively", () => {
  const m = new LatencyMonitor();
  m.add("command", 5, 1);
  m.add("fast-command", 2, 1);
  assert.deepEqual([...m.events.keys()], ["command", "fast-command"]);
  assert.equal(m.reset("COMMAND"), 1);
  assert.equal(m.reset("nope"), 0);
  assert.equal(m.reset(null), 1);
  assert.equal(m.events.size, 0);
});

Deno.test("the graph of one sample is a floor line with its age below", () => {
  const ts = new LatencySeries();
  ts.add(1000, 50);
  assert.equal(
    latencyGraph("command", ts, 1003),
    `command - high 50 ms, low 50 ms (all time high 50 ms)\n${"-".repeat(80)}\n \n \n \n_\n \n3\ns\n`,
  );
});

Deno.test("the graph scales samples between the low and the high", () => {
  const ts = new LatencySeries();
  ts.add(1000, 10);
  ts.add(1005, 20);
  assert.equal(
    latencyGraph("ev", ts, 1005),
    `ev - high 20 ms, low 10 ms (all time high 20 ms)\n${"-".repeat(80)}\n #\n |\n |\n_|\n  \n50\nss\n`,
  );
  const old = new LatencySeries();
  old.add(1, 1);
  assert.ok(latencyGraph("x", old, 1 + 2 * 86400).endsWith(" \n2\nd\n"));
  old.add(1 + 3 * 3600, 1);
  assert.ok(latencyGraph("x", old, 1 + 3 * 3600 + 120).endsWith("  \n32\nhm\n"));
});

Deno.test("percentile labels print like %f with trailing zeros trimmed", () => {
  assert.equal(percentileLabel(50), "50");
  assert.equal(percentileLabel(99.9), "99.9");
  assert.equal(percentileLabel(99.99), "99.99");
  assert.equal(percentileLabel(0), "0");
  assert.equal(percentileLabel(100), "100");
});
