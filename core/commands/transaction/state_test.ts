import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import type { Client } from "../../server/client.ts";
import type { CommandSpec } from "../spec.ts";
import { keyIsExpired, MultiState, Watches } from "./state.ts";

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);

function fakeClient(): Client {
  return { flags: new Set<string>() } as unknown as Client;
}

function world(n = 2) {
  const clock = { now: 1_000_000 };
  const dbs = Array.from({ length: n }, (_, i) => new Db(i, () => clock.now));
  return { clock, dbs, watches: new Watches() };
}

const setSpec = { name: "set", flags: ["WRITE", "DENYOOM"] } as unknown as CommandSpec;
const getSpec = { name: "get", flags: ["READONLY", "FAST"] } as unknown as CommandSpec;

Deno.test("enqueue copies the words and accounts their bytes plus a pointer each", () => {
  const st = new MultiState(fakeClient());
  st.inMulti = true;
  const argv = [b("SET"), b("foo"), b("bar")];
  st.enqueue(setSpec, "set", argv, 1);
  argv[1]![0] = 0x7a;
  assert.equal(new TextDecoder().decode(st.queue[0]!.argv[1]!), "foo");
  assert.equal(st.queuedBytes, 9 + 3 * 8);
  assert.equal(st.queuedWrite, true);
});

Deno.test("a read-only queue is not a write for CLIENT PAUSE WRITE", () => {
  const st = new MultiState(fakeClient());
  st.inMulti = true;
  st.enqueue(getSpec, "get", [b("GET"), b("k")], 1);
  assert.equal(st.queuedWrite, false);
});

Deno.test("a rejected command flags the transaction and empties the queue; nothing more is queued", () => {
  const st = new MultiState(fakeClient());
  st.inMulti = true;
  st.enqueue(setSpec, "set", [b("SET"), b("a"), b("1")], 1);
  st.flagExecError();
  assert.equal(st.dirtyExec, true);
  assert.equal(st.queue.length, 0);
  assert.equal(st.queuedBytes, 0);
  st.enqueue(setSpec, "set", [b("SET"), b("a"), b("1")], 1);
  assert.equal(st.queue.length, 0);
});

Deno.test("errors outside MULTI or while EXEC runs do not flag the transaction", () => {
  const st = new MultiState(fakeClient());
  st.flagExecError();
  assert.equal(st.dirtyExec, false);
  st.inMulti = true;
  st.executing = true;
  st.flagExecError();
  assert.equal(st.dirtyExec, false);
});

Deno.test("keyIsExpired is true only for a present key whose TTL has passed", () => {
  const { clock, dbs } = world(1);
  const db = dbs[0]!;
  assert.equal(keyIsExpired(db, b("k"), clock.now), false);
  const ref = db.setString(b("k"), b("v"), StrEnc.EMBSTR, false);
  assert.equal(keyIsExpired(db, b("k"), clock.now), false);
  db.setExpire(ref, clock.now - 1);
  assert.equal(keyIsExpired(db, b("k"), clock.now), true);
});

Deno.test("watching a key twice in the same db keeps one watch; other dbs are separate", () => {
  const { clock, dbs, watches } = world();
  const st = new MultiState(fakeClient());
  watches.watch(st, dbs[0]!, b("k"), clock.now);
  watches.watch(st, dbs[0]!, b("k"), clock.now);
  watches.watch(st, dbs[1]!, b("k"), clock.now);
  assert.equal(st.watched.length, 2);
  assert.equal(watches.size, 2);
  assert.equal(watches.watchingClients, 1);
  watches.unwatchAll(st);
  assert.equal(watches.size, 0);
  assert.equal(watches.watchingClients, 0);
});

Deno.test("touching a watched key dirties every watcher and drops their watches and queues", () => {
  const { clock, dbs, watches } = world();
  const a = new MultiState(fakeClient());
  const c = new MultiState(fakeClient());
  watches.watch(a, dbs[0]!, b("k"), clock.now);
  watches.watch(a, dbs[0]!, b("other"), clock.now);
  watches.watch(c, dbs[0]!, b("k"), clock.now);
  c.inMulti = true;
  c.enqueue(getSpec, "get", [b("GET"), b("k")], 1);
  watches.touch(dbs[1]!, b("k"));
  assert.equal(a.dirtyCas, false);
  watches.touch(dbs[0]!, b("k"));
  assert.equal(a.dirtyCas, true);
  assert.equal(c.dirtyCas, true);
  assert.equal(a.client.flags.has("d"), true);
  assert.equal(a.watched.length, 0);
  assert.equal(c.queue.length, 0);
  assert.equal(watches.size, 0);
});

Deno.test("a key already expired when watched: its deletion clears the flag, a write does not dirty", () => {
  const { clock, dbs, watches } = world();
  const db = dbs[0]!;
  const ref = db.setString(b("k"), b("v"), StrEnc.EMBSTR, false);
  db.setExpire(ref, clock.now - 10);
  const st = new MultiState(fakeClient());
  watches.watch(st, db, b("k"), clock.now);
  assert.equal(st.watched[0]!.expired, true);
  // Still present (not deleted yet): Valkey stops at this watcher without dirtying it.
  watches.touch(db, b("k"));
  assert.equal(st.dirtyCas, false);
  assert.equal(st.watched[0]!.expired, true);
  db.delete(b("k"));
  watches.touch(db, b("k"));
  assert.equal(st.dirtyCas, false);
  assert.equal(st.watched[0]!.expired, false);
  // Now an ordinary watch: a new write dirties it.
  db.setString(b("k"), b("w"), StrEnc.EMBSTR, false);
  watches.touch(db, b("k"));
  assert.equal(st.dirtyCas, true);
});

Deno.test("anyExpired reports keys that expired after WATCH, not those already expired", () => {
  const { clock, dbs, watches } = world();
  const db = dbs[0]!;
  const r1 = db.setString(b("stale"), b("v"), StrEnc.EMBSTR, false);
  db.setExpire(r1, clock.now - 1);
  const r2 = db.setString(b("fresh"), b("v"), StrEnc.EMBSTR, false);
  db.setExpire(db.find(b("fresh")), clock.now + 100);
  void r2;
  const st = new MultiState(fakeClient());
  watches.watch(st, db, b("stale"), clock.now);
  assert.equal(watches.anyExpired(st, dbs, clock.now), false);
  watches.watch(st, db, b("fresh"), clock.now);
  assert.equal(watches.anyExpired(st, dbs, clock.now), false);
  clock.now += 200;
  assert.equal(watches.anyExpired(st, dbs, clock.now), true);
});

Deno.test("a flush plan dirties watchers of existing keys only, and clears stale flags", () => {
  const { clock, dbs, watches } = world();
  const db = dbs[0]!;
  db.setString(b("live"), b("v"), StrEnc.EMBSTR, false);
  const s = db.setString(b("stale"), b("v"), StrEnc.EMBSTR, false);
  db.setExpire(s, clock.now - 1);
  const a = new MultiState(fakeClient());
  const c = new MultiState(fakeClient());
  const d = new MultiState(fakeClient());
  watches.watch(a, db, b("live"), clock.now);
  watches.watch(c, db, b("missing"), clock.now);
  watches.watch(d, db, b("stale"), clock.now);
  const plan = watches.planFlush(dbs, 0, null, clock.now);
  assert.deepEqual(plan.map((p) => p.action).sort(), ["clearExpired", "dirty"]);
  watches.applyPlan(plan);
  assert.equal(a.dirtyCas, true);
  // A flush marks the watcher dirty but keeps its watches, as Valkey does.
  assert.equal(a.watched.length, 1);
  assert.equal(c.dirtyCas, false);
  assert.equal(d.dirtyCas, false);
  assert.equal(d.watched[0]!.expired, false);
});

Deno.test("a swap plan follows Valkey's rules for stale keys on either side", () => {
  const { clock, dbs, watches } = world();
  // Watched in db 1 where it does not exist; db 0 holds an expired copy: becomes a stale watch.
  const s = dbs[0]!.setString(b("x"), b("v"), StrEnc.EMBSTR, false);
  dbs[0]!.setExpire(s, clock.now - 1);
  const w = new MultiState(fakeClient());
  watches.watch(w, dbs[1]!, b("x"), clock.now);
  let plan = [...watches.planFlush(dbs, 1, 0, clock.now), ...watches.planFlush(dbs, 0, 1, clock.now)];
  assert.deepEqual(plan.map((p) => p.action), ["setExpired"]);
  watches.applyPlan(plan);
  assert.equal(w.dirtyCas, false);
  assert.equal(w.watched[0]!.expired, true);

  // Watched in db 1 where a live key exists on the other side: dirty.
  dbs[0]!.setString(b("y"), b("v"), StrEnc.EMBSTR, false);
  const y = new MultiState(fakeClient());
  watches.watch(y, dbs[1]!, b("y"), clock.now);
  plan = watches.planFlush(dbs, 1, 0, clock.now);
  watches.applyPlan(plan.filter((p) => p.wk.owner === y));
  assert.equal(y.dirtyCas, true);
});
