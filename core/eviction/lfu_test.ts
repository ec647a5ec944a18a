import assert from "node:assert/strict";
import { LFU_INIT_VAL, LfuClock, lfuDecayed, lfuElapsedMinutes, lfuLogIncr, lfuMinutes } from "./lfu.ts";

const MIN = 60_000;

Deno.test("lfuLogIncr always increments up to LFU_INIT_VAL and never passes 255", () => {
  for (let c = 0; c <= LFU_INIT_VAL; c++) assert.equal(lfuLogIncr(c, 10, 0.999), c + 1);
  assert.equal(lfuLogIncr(255, 0, 0), 255);
  // With factor 0 every access counts.
  assert.equal(lfuLogIncr(100, 0, 0.999), 101);
});

Deno.test("lfuLogIncr increments with probability 1 / ((counter - 5) * factor + 1)", () => {
  // counter 15, factor 10: p = 1/101.
  assert.equal(lfuLogIncr(15, 10, 1 / 101 - 1e-9), 16);
  assert.equal(lfuLogIncr(15, 10, 1 / 101 + 1e-9), 15);
});

Deno.test("the default factor needs hundreds of thousands of accesses to saturate the counter", () => {
  const clock = new LfuClock(10, 0);
  let field = clock.initial(0);
  let hits = 0;
  while ((field & 0xff) < 255 && hits < 5_000_000) {
    field = clock.touch(field, 0);
    hits++;
  }
  // Σ (c - 5) * 10 + 1 for c = 5..254 = 312,750 expected (Valkey's table: 1M hits give 255).
  assert.ok(hits > 150_000 && hits < 1_000_000, `saturated after ${hits}`);
});

Deno.test("the counter decays by one per lfu-decay-time minutes, on a wrapping minute clock", () => {
  const now = 1000 * MIN;
  const field = (lfuMinutes(now - 7 * MIN) << 8) | 20;
  assert.equal(lfuDecayed(field, now, 1), 13);
  assert.equal(lfuDecayed(field, now, 2), 17);
  assert.equal(lfuDecayed(field, now, 0), 20);
  assert.equal(lfuDecayed(field, now + 100 * MIN, 1), 0);
  // 65535 minutes later the clock wrapped: elapsed is counted across the wrap.
  assert.equal(lfuElapsedMinutes(65530, 3 * MIN), 65535 - 65530 + 3);
});

Deno.test("a touch stores the current minute and the incremented counter", () => {
  const clock = new LfuClock(0, 1);
  const now = 5000 * MIN;
  const f = clock.touch(clock.initial(now - 3 * MIN), now);
  assert.equal(f >>> 8, lfuMinutes(now));
  assert.equal(f & 0xff, LFU_INIT_VAL - 3 + 1);
  assert.equal(clock.counter(f, now), LFU_INIT_VAL - 2);
});
