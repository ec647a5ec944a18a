import assert from "node:assert/strict";
import type { Client } from "./client.ts";
import { latin1 } from "../util/latin1.ts";
import {
  ITEM_BYTES,
  KEY_BYTES,
  LIMIT_EFFORT,
  prefixesOverlap,
  type TrackingOptions,
  TrackingTable,
} from "./tracking.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const client = (id: number) => ({ id }) as unknown as Client;
const DEFAULT: TrackingOptions = {
  bcast: false,
  optin: false,
  optout: false,
  noloop: false,
  redirect: 0,
  prefixes: [],
};

Deno.test("a remembered key keeps each reader once and counts items", () => {
  const t = new TrackingTable();
  const c7 = t.enable(client(7), DEFAULT);
  const c9 = t.enable(client(9), DEFAULT);
  t.remember(c7, b("k"));
  t.remember(c7, b("k"));
  t.remember(c9, b("k"));
  t.remember(c9, b("other"));
  assert.deepEqual(t.keyCount, 2);
  assert.deepEqual(t.itemCount, 3);
  assert.deepEqual(t.readersOf(b("k")).sort(), [7, 9]);
  assert.deepEqual(t.memoryBytes, 1 + 5 + 2 * KEY_BYTES + 3 * ITEM_BYTES);
});

Deno.test("taking a key returns its readers and forgets it", () => {
  const t = new TrackingTable();
  const c7 = t.enable(client(7), DEFAULT);
  const c9 = t.enable(client(9), DEFAULT);
  t.remember(c7, b("k"));
  t.remember(c9, b("k"));
  t.remember(c7, b("solo"));
  const ids = t.take(latin1(b("k")));
  assert.ok(ids instanceof Set);
  assert.deepEqual([...ids].sort(), [7, 9]);
  assert.deepEqual(t.take(latin1(b("solo"))), 7);
  assert.deepEqual(t.take(latin1(b("k"))), undefined);
  assert.deepEqual([t.keyCount, t.itemCount, t.memoryBytes], [0, 0, 0]);
  assert.deepEqual([c7.keys.size, c9.keys.size], [0, 0]);
});

Deno.test("disabling a client removes its ids from every key at once", () => {
  const t = new TrackingTable();
  const c7 = t.enable(client(7), DEFAULT);
  const c9 = t.enable(client(9), DEFAULT);
  for (const k of ["a", "b", "c"]) t.remember(c7, b(k));
  t.remember(c9, b("b"));
  assert.ok(t.disable(7));
  assert.ok(!t.disable(7));
  assert.deepEqual(t.keyCount, 1);
  assert.deepEqual(t.itemCount, 1);
  assert.deepEqual(t.readersOf(b("b")), [9]);
  assert.deepEqual(t.clientCount, 1);
  // A single remaining reader is stored inline again.
  assert.deepEqual(t.take(latin1(b("b"))), 9);
});

Deno.test("re-enabling keeps the keys and replaces the mode and the redirection", () => {
  const t = new TrackingTable();
  const ct = t.enable(client(3), { ...DEFAULT, redirect: 5, optin: true });
  t.remember(ct, b("k"));
  ct.caching = true;
  ct.brokenRedirect = true;
  const again = t.enable(client(3), { ...DEFAULT, noloop: true });
  assert.ok(again === ct);
  assert.deepEqual([ct.redirect, ct.optin, ct.noloop, ct.caching, ct.brokenRedirect], [
    0,
    false,
    true,
    true,
    false,
  ]);
  assert.deepEqual(t.readersOf(b("k")), [3]);
});

Deno.test("BCAST prefixes are shared by their clients and dropped with the last one", () => {
  const t = new TrackingTable();
  const a = t.enable(client(1), { ...DEFAULT, bcast: true, prefixes: [b("user:"), b("news:")] });
  const c = t.enable(client(2), { ...DEFAULT, bcast: true, prefixes: [b("news:")] });
  const all = t.enable(client(3), { ...DEFAULT, bcast: true });
  assert.deepEqual(t.prefixCount, 3);
  assert.deepEqual(a.sortedPrefixes().map((p) => new TextDecoder().decode(p)), ["news:", "user:"]);
  assert.deepEqual(all.sortedPrefixes(), [new Uint8Array(0)]);
  assert.deepEqual([a.prefixBytes, c.prefixBytes, all.prefixBytes], [96, 64, 32]);
  t.disable(2);
  assert.deepEqual(t.prefixCount, 3);
  t.disable(1);
  assert.deepEqual(t.prefixCount, 1);
  assert.ok(c.prefixes.size === 0);
});

Deno.test("modified keys wait under every matching prefix with their last modifier", () => {
  const t = new TrackingTable();
  t.enable(client(1), { ...DEFAULT, bcast: true, prefixes: [b("a:"), b("b")] });
  t.enable(client(2), { ...DEFAULT, bcast: true });
  const me = client(1);
  for (const [k, by] of [["a:1", me], ["b2", null], ["c", me], ["a:1", null]] as const) {
    t.noteForBroadcast(b(k), latin1(b(k)), by);
  }
  assert.ok(t.broadcastPending);
  const out = t.drainBroadcast();
  const byPrefix = new Map(out.map((o) => [new TextDecoder().decode(o.prefix.bytes), [...o.keys]]));
  assert.deepEqual(byPrefix.get("a:"), [["a:1", null]]);
  assert.deepEqual(byPrefix.get("b"), [["b2", null]]);
  assert.deepEqual(byPrefix.get(""), [["a:1", null], ["b2", null], ["c", me]]);
  assert.ok(!t.broadcastPending);
  assert.deepEqual(t.drainBroadcast(), []);
});

Deno.test("prefix collisions: against the client's prefixes first, then the later ones given", () => {
  const t = new TrackingTable();
  assert.ok(prefixesOverlap(b("FOO"), b("FOOBAR")) && prefixesOverlap(b(""), b("x")));
  assert.ok(!prefixesOverlap(b("FOO"), b("BAR")));
  const ct = t.enable(client(1), { ...DEFAULT, bcast: true, prefixes: [b("FOO"), b("BAR")] });
  const hit = t.findPrefixCollision(ct, [b("ZED"), b("BARB")]);
  assert.deepEqual(
    hit && [new TextDecoder().decode(hit.prefix), new TextDecoder().decode(hit.other), hit.existing],
    [
      "BARB",
      "BAR",
      true,
    ],
  );
  const given = t.findPrefixCollision(undefined, [b("a"), b("b"), b("bc")]);
  assert.deepEqual(given && [new TextDecoder().decode(given.prefix), given.existing], ["b", false]);
  assert.deepEqual(t.findPrefixCollision(ct, [b("ZED")]), null);
});

Deno.test("a flush forgets every key but keeps the clients", () => {
  const t = new TrackingTable();
  const ct = t.enable(client(1), DEFAULT);
  t.remember(ct, b("x"));
  t.clearKeys();
  assert.deepEqual([t.keyCount, t.itemCount, t.clientCount, ct.keys.size], [0, 0, 1, 0]);
});

Deno.test("the limit drops the oldest keys, with more effort while still over", () => {
  const t = new TrackingTable();
  const ct = t.enable(client(1), DEFAULT);
  for (let i = 0; i < 350; i++) t.remember(ct, b(`k${i}`));
  assert.deepEqual(t.keysOverLimit(0), []);
  assert.deepEqual(t.keysOverLimit(400), []);
  const first = t.keysOverLimit(1);
  assert.deepEqual(first.length, LIMIT_EFFORT);
  assert.deepEqual(first[0], "k0");
  for (const k of first) t.take(k);
  const second = t.keysOverLimit(1);
  assert.deepEqual(second.length, 2 * LIMIT_EFFORT);
  assert.deepEqual(second[0], `k${LIMIT_EFFORT}`);
  for (const k of second) t.take(k);
  // 50 keys over: within the effort, the run count starts again.
  const third = t.keysOverLimit(1);
  assert.deepEqual(third.length, 49);
  for (const k of third) t.take(k);
  assert.deepEqual(t.keyCount, 1);
  assert.deepEqual(t.keysOverLimit(1), []);
  t.remember(ct, b("new1"));
  t.remember(ct, b("new2"));
  assert.deepEqual(t.keysOverLimit(1), ["k349", "new1"]);
});
