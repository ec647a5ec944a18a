import assert from "node:assert/strict";
import { EvictionPool, EVPOOL_SIZE } from "./pool.ts";

const k = (s: string) => new TextEncoder().encode(s);
const name = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("the pool keeps candidates sorted and pops the highest score first", () => {
  const p = new EvictionPool();
  for (const [i, s] of [30, 10, 50, 20, 40].entries()) assert.ok(p.offer(s, 0, k(`k${i}`)));
  assert.deepEqual(p.scores(), [10, 20, 30, 40, 50]);
  const best = p.popBest()!;
  assert.equal(best.idle, 50);
  assert.equal(name(best.key), "k2");
  assert.equal(p.size, 4);
});

Deno.test("a full pool drops a candidate worse than all and pushes out the least evictable one", () => {
  const p = new EvictionPool();
  for (let i = 0; i < EVPOOL_SIZE; i++) p.offer(100 + i, 1, k(`k${i}`));
  assert.equal(p.offer(5, 1, k("worse")), false);
  assert.ok(p.offer(107.5, 1, k("mid")));
  const scores = p.scores();
  assert.equal(scores.length, EVPOOL_SIZE);
  assert.equal(scores[0], 101);
  assert.ok(scores.includes(107.5));
  // Keys are copied: reusing the caller's buffer does not change them.
  const buf = k("zzzz");
  p.offer(1000, 2, buf);
  buf.fill(0);
  const best = p.popBest()!;
  assert.equal(name(best.key), "zzzz");
  assert.equal(best.dbId, 2);
});

Deno.test("long keys are kept whole and clear empties the pool", () => {
  const p = new EvictionPool();
  const long = "x".repeat(1000);
  p.offer(1, 0, k(long));
  assert.equal(name(p.popBest()!.key), long);
  p.offer(1, 0, k("a"));
  p.clear();
  assert.equal(p.popBest(), null);
});
