import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import type { Server } from "../../server/server.ts";
import {
  doctorReport,
  memoryOverview,
  recentClientBufferMax,
  trackServer,
  usedMemory,
} from "./memory_stats.ts";

interface FakeClient {
  parser: { bufferedBytes: number; bufferCapacity: number };
  outputBytes: number;
}

function fakeServer(dbCount = 2): Server & { cronHooks: ((now: number) => void)[] } {
  const dbs: Db[] = [];
  for (let i = 0; i < dbCount; i++) dbs.push(new Db(i, () => Date.now()));
  return { dbs, clients: new Map<number, FakeClient>(), cronHooks: [] } as unknown as Server & {
    cronHooks: ((now: number) => void)[];
  };
}

const enc = new TextEncoder();

Deno.test("memoryOverview splits used memory into startup, overhead and dataset", () => {
  const server = fakeServer();
  for (let i = 0; i < 100; i++) {
    server.dbs[1]!.setString(enc.encode(`key:${i}`), enc.encode("value"), StrEnc.EMBSTR, false);
  }
  const mh = memoryOverview(server);
  assert.ok(mh.used > 0 && mh.rss > 0);
  assert.ok(mh.peak >= mh.used);
  assert.deepEqual(mh.dbs.map((d) => d.id), [1]);
  assert.equal(mh.totalKeys, 100);
  assert.equal(mh.overheadTotal, mh.startup + mh.clientsNormal + mh.dbs[0]!.main + mh.dbs[0]!.expires);
  assert.equal(mh.dataset, Math.max(0, mh.used - mh.overheadTotal));
  assert.equal(mh.bytesPerKey, Math.floor(mh.dataset / 100));
  // libc-style allocator figures: the allocator and RSS-overhead ratios are 1.
  assert.equal(mh.allocatorFrag, 1);
  assert.equal(mh.allocatorRss, 1);
  assert.equal(mh.rssExtra, 1);
  assert.equal(mh.totalFrag, Math.fround(Math.fround(mh.rss) / Math.fround(mh.used)));
  assert.equal(mh.totalFragBytes, mh.rss - mh.used);
});

Deno.test("the memory peak is tracked by a cron hook installed once per server", () => {
  const server = fakeServer();
  trackServer(server);
  trackServer(server);
  assert.equal(server.cronHooks.length, 1);
  const before = memoryOverview(server).peak;
  const big = new Uint8Array(8 << 20).fill(1);
  server.cronHooks[0]!(Date.now());
  const mid = memoryOverview(server);
  assert.ok(mid.peak >= before);
  assert.ok(mid.peak >= usedMemory(server) - big.length);
});

Deno.test("recent client buffer maxima keep the largest value seen in the last seconds", () => {
  const server = fakeServer();
  const client: FakeClient = { parser: { bufferedBytes: 5000, bufferCapacity: 16384 }, outputBytes: 700 };
  (server.clients as unknown as Map<number, FakeClient>).set(1, client);
  const t0 = 1_000_000_000;
  assert.deepEqual(recentClientBufferMax(server, t0), { input: 5000, output: 700 });
  client.parser.bufferedBytes = 10;
  client.outputBytes = 0;
  assert.deepEqual(recentClientBufferMax(server, t0 + 3000), { input: 5000, output: 700 });
  assert.deepEqual(recentClientBufferMax(server, t0 + 9000), { input: 10, output: 0 });
});

Deno.test("MEMORY DOCTOR calls a server with little data empty", () => {
  const mh = memoryOverview(fakeServer());
  const empty = { ...mh, used: mh.startup + 1000 };
  assert.match(doctorReport(empty, 1), /^Hi Sam, this instance is empty or is using very little memory/);
});

Deno.test("MEMORY DOCTOR finds no issue in a healthy server", () => {
  const mh = memoryOverview(fakeServer());
  const used = mh.startup + (100 << 20);
  const healthy = { ...mh, used, peak: used, rss: used, totalFrag: 1, totalFragBytes: 0, clientsNormal: 0 };
  assert.equal(
    doctorReport(healthy, 1),
    "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n",
  );
});

Deno.test("MEMORY DOCTOR reports a big peak, high RSS and big client buffers", () => {
  const mh = memoryOverview(fakeServer());
  const used = mh.startup + (100 << 20);
  const sick = {
    ...mh,
    used,
    peak: used * 2,
    rss: used * 2,
    totalFrag: 2,
    totalFragBytes: used,
    clientsNormal: 10 * 300 * 1024,
  };
  const r = doctorReport(sick, 10);
  assert.ok(
    r.startsWith("Sam, I detected a few issues in this Valkey instance memory implants:\n\n * Peak memory:"),
  );
  assert.ok(r.includes(" * High total RSS: "));
  assert.ok(r.includes('Note: The currently used allocator is "libc".\n\n'));
  assert.ok(r.includes(" * Big client buffers: "));
  assert.ok(!r.includes("High allocator"));
  assert.ok(r.endsWith("I'm here to keep you safe, Sam. I want to help you.\n"));
});
