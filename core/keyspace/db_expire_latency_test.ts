/** Db.expireLatency: the "expire-del" latency event's timing of expired-key removal (see db.ts). */

import assert from "node:assert/strict";
import { Db, NO_ENTRY, StrEnc } from "./db.ts";

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

function setup(on: boolean) {
  const clock = { now: 1000 };
  const db = new Db(0, () => clock.now);
  const samples: number[] = [];
  db.expireLatency = { on: () => on, sample: (ms) => samples.push(ms) };
  return { db, clock, samples };
}

Deno.test("expire-del: lazy and active expiry removals are sampled, DEL is not", () => {
  const { db, clock, samples } = setup(true);
  db.setExpire(db.setString(b("a"), b("1"), StrEnc.EMBSTR, false), 1500);
  db.setExpire(db.setString(b("b"), b("2"), StrEnc.EMBSTR, false), 1500);
  db.setString(b("c"), b("3"), StrEnc.EMBSTR, false);
  assert.ok(db.delete(b("c")));
  assert.deepEqual(samples, []);
  clock.now = 2000;
  assert.equal(db.lookup(b("a")), NO_ENTRY); // lazy
  assert.equal(samples.length, 1);
  db.activeExpireCycle(20, 1_000_000); // active
  assert.equal(db.find(b("b")), NO_ENTRY);
  assert.equal(samples.length, 2);
  for (const ms of samples) assert.ok(Number.isInteger(ms) && ms >= 0);
});

Deno.test("expire-del: the onExpire hook's own time is not counted", () => {
  const { db, clock, samples } = setup(true);
  db.onExpire = () => {
    const until = performance.now() + 30;
    while (performance.now() < until) { /* a slow hook */ }
  };
  db.setExpire(db.setString(b("k"), b("v"), StrEnc.EMBSTR, false), 1500);
  clock.now = 2000;
  assert.equal(db.lookup(b("k")), NO_ENTRY);
  assert.equal(samples.length, 1);
  assert.ok(samples[0]! < 30, `sample ${samples[0]} ms includes the hook`);
});

Deno.test("expire-del: nothing is timed while the monitor is off", () => {
  const { db, clock, samples } = setup(false);
  db.setExpire(db.setString(b("k"), b("v"), StrEnc.EMBSTR, false), 1500);
  clock.now = 2000;
  assert.equal(db.lookup(b("k")), NO_ENTRY);
  assert.equal(db.expiredKeys, 1);
  assert.deepEqual(samples, []);
});
