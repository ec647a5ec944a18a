/**
 * Latency-monitor events outside command execution, with Valkey's names, over TCP: `eviction-cycle`
 * (a maxmemory drop that evicts many keys in one cycle), `aof-write` / `aof-write-alone` /
 * `aof-fsync-always` (big writes under `appendfsync always`), `aof-write-active-child` (writes while a
 * BGSAVE runs), their LATENCY DOCTOR advice; and INFO `used_memory_dataset` /
 * `used_memory_dataset_perc` computed as Valkey's getMemoryOverheadData does. The work is made slow
 * enough with data, never with DEBUG SLEEP; on a loaded machine each scenario is retried rather than
 * timed. Checked against redis-server 7.0, which emits the same events.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { isValkeyLike, isValkyr, startServer } from "../helpers/server.ts";
import type { RawConn } from "../helpers/raw.ts";
import { connTest } from "../helpers/suite.ts";

const srv = await startServer(["--appendonly", "yes", "--appendfsync", "always"]);

const test = connTest(srv, {
  before: async (c) => {
    await c.call("CONFIG", "SET", "maxmemory", "0");
    await c.call("CONFIG", "SET", "appendfsync", "always");
    await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
    await c.call("FLUSHALL");
    await c.call("CONFIG", "SET", "latency-monitor-threshold", "1");
    await c.call("LATENCY", "RESET");
  },
  after: async (c) => {
    await c.call("CONFIG", "SET", "maxmemory", "0");
    await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
    await c.call("CONFIG", "SET", "latency-monitor-threshold", "0");
  },
});

/** The event names LATENCY LATEST lists. */
async function latestEvents(c: RawConn): Promise<string[]> {
  const rows = await c.call("LATENCY", "LATEST") as unknown[][];
  return rows.map((r) => String(r[0]));
}

/** Runs `attempt` until every one of `events` is in LATENCY LATEST (at most `tries` times). */
async function until(c: RawConn, events: string[], tries: number, attempt: (i: number) => Promise<void>) {
  let seen: string[] = [];
  for (let i = 0; i < tries; i++) {
    await attempt(i);
    seen = await latestEvents(c);
    if (events.every((e) => seen.includes(e))) return;
  }
  assert.fail(`expected ${events.join(", ")} in LATENCY LATEST, got [${seen.join(", ")}]`);
}

/** Checks LATENCY HISTORY of `event`: at least one [unix time, ms ≥ 1] sample, recent. */
async function assertHistory(c: RawConn, event: string): Promise<void> {
  const hist = await c.call("LATENCY", "HISTORY", event) as [number, number][];
  assert.ok(hist.length >= 1, `no history for ${event}`);
  const now = Math.floor(Date.now() / 1000);
  for (const [t, ms] of hist) {
    assert.ok(Math.abs(now - t) < 600, `${event} sample time ${t}`);
    assert.ok(ms >= 1, `${event} sample ${ms} ms is under the threshold`);
  }
}

async function infoFields(c: RawConn, section: string): Promise<Map<string, string>> {
  const text = String(await c.call("INFO", section));
  const out = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

test("eviction-cycle: one cycle evicting many keys is a latency event", async (c) => {
  await c.call("CONFIG", "SET", "appendfsync", "no");
  await c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
  // Unlimited tenacity: the whole excess is evicted in the one cycle before the next command.
  await c.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "100");
  try {
    await until(c, ["eviction-cycle"], 5, async (i) => {
      await c.call("CONFIG", "SET", "maxmemory", "0");
      await c.call("DEBUG", "POPULATE", String(100000 * (i + 1)), "evict", "64");
      const used = Number((await infoFields(c, "memory")).get("used_memory"));
      // A quarter of the dataset's memory: most keys go in that one cycle.
      await c.call("CONFIG", "SET", "maxmemory", String(Math.floor(used * 0.75)));
      assert.equal(await c.call("SET", "after", "1"), "OK");
    });
    // No more evictions from here (each command may evict before it runs; its DEL reaches the file after).
    await c.call("CONFIG", "SET", "maxmemory", "0");
    // One more write, so that whatever an earlier command propagated has reached the file (redis-server 7.0
    // can hold a deletion back until the next command's turn).
    assert.equal(await c.call("SET", "aof-barrier", "1"), "OK");
    const evicted = Number((await infoFields(c, "stats")).get("evicted_keys"));
    assert.ok(evicted > 0);
    // Each evicted key reaches the AOF as one DEL or UNLINK (lazyfree-lazy-eviction), not two.
    const dir = path.join(String((await c.call("CONFIG", "GET", "dir") as string[])[1]), "appendonlydir");
    let dels = 0;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".incr.aof"))) {
      dels +=
        fs.readFileSync(path.join(dir, f), "latin1").match(/\r\n(DEL|UNLINK)\r\n\$\d+\r\nevict:/g)?.length ??
          0;
    }
    assert.equal(dels, evicted);
    await assertHistory(c, "eviction-cycle");
    if (isValkeyLike()) {
      const doctor = String(await c.call("LATENCY", "DOCTOR"));
      assert.match(doctor, /eviction-cycle: \d+ latency spikes/);
      assert.match(
        doctor,
        /may create sudden memory pressure forcing the server to block trying to evict keys/,
      );
    }
  } finally {
    await c.call("CONFIG", "SET", "maxmemory", "0");
    await c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
    await c.call("CONFIG", "SET", "maxmemory-eviction-tenacity", "10");
  }
});

test("aof-write, aof-write-alone and aof-fsync-always: big writes under appendfsync always", async (c) => {
  const big = "v".repeat(8 << 20);
  await until(c, ["aof-write", "aof-write-alone", "aof-fsync-always"], 6, async (i) => {
    for (let j = 0; j < 4; j++) assert.equal(await c.call("SET", `big:${i}:${j}`, big), "OK");
  });
  for (const e of ["aof-write", "aof-write-alone", "aof-fsync-always"]) await assertHistory(c, e);
  // No child was active: the write never counted as beside one.
  assert.ok(!(await latestEvents(c)).includes("aof-write-active-child"));
  if (isValkeyLike()) {
    const doctor = String(await c.call("LATENCY", "DOCTOR"));
    assert.match(doctor, /aof-fsync-always: \d+ latency spikes/);
    assert.match(doctor, /Your fsync policy is set to 'always'/);
    assert.match(doctor, /It is strongly advised to use local disks for persistence/);
  }
});

test("aof-write-active-child: AOF writes while a BGSAVE runs", async (c) => {
  await c.call("CONFIG", "SET", "appendfsync", "no");
  await c.call("DEBUG", "POPULATE", "400", "bg", "16");
  const big = "w".repeat(8 << 20);
  // Slow enough that the BGSAVE is still running during the writes below.
  await c.call("CONFIG", "SET", "rdb-key-save-delay", "5000");
  try {
    await until(c, ["aof-write-active-child"], 6, async (i) => {
      const persistence = await infoFields(c, "persistence");
      if (persistence.get("rdb_bgsave_in_progress") !== "1") {
        assert.match(String(await c.call("BGSAVE")), /Background saving started/);
      }
      for (let j = 0; j < 4; j++) assert.equal(await c.call("SET", `bigc:${i}:${j}`, big), "OK");
    });
    await assertHistory(c, "aof-write-active-child");
    const latest = await latestEvents(c);
    assert.ok(latest.includes("aof-write"), "every AOF write sample is also an aof-write sample");
  } finally {
    await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
    if (isValkyr()) await c.call("BGSAVE", "CANCEL");
    else {
      for (let i = 0; i < 200; i++) {
        if ((await infoFields(c, "persistence")).get("rdb_bgsave_in_progress") === "0") break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
});

test("no event is recorded while latency-monitor-threshold is 0", async (c) => {
  await c.call("CONFIG", "SET", "latency-monitor-threshold", "0");
  // The hook's LATENCY RESET ran with the threshold at 1 ms: on a loaded machine it can itself take that
  // long and be recorded as a "command" event, so the history is cleared again with the monitor off.
  await c.call("LATENCY", "RESET");
  const big = "z".repeat(8 << 20);
  for (let j = 0; j < 4; j++) assert.equal(await c.call("SET", `off:${j}`, big), "OK");
  assert.deepEqual(await c.call("LATENCY", "LATEST"), []);
});

test("INFO used_memory_dataset is above 0 with a few small keys, on a fresh connection", async (c) => {
  // The connection's buffers are client overhead, part of used_memory too: they never hide the dataset.
  for (let i = 0; i < 5; i++) assert.equal(await c.call("SET", `small:${i}`, "hello"), "OK");
  const m = await infoFields(c, "memory");
  assert.ok(Number(m.get("used_memory_dataset")) > 0, `used_memory_dataset ${m.get("used_memory_dataset")}`);
  assert.notEqual(m.get("used_memory_dataset_perc"), "0.00%");
});

test("INFO used_memory_dataset and used_memory_dataset_perc with keys present", async (c) => {
  await c.call("DEBUG", "POPULATE", "20000", "ds", "200");
  const m = await infoFields(c, "memory");
  const used = Number(m.get("used_memory"));
  const overhead = Number(m.get("used_memory_overhead"));
  const startup = Number(m.get("used_memory_startup"));
  const dataset = Number(m.get("used_memory_dataset"));
  const perc = m.get("used_memory_dataset_perc")!;
  assert.match(perc, /^\d+\.\d\d%$/);
  // 20000 values of 200 bytes: at least 4 MB of dataset.
  assert.ok(dataset >= 20000 * 200, `used_memory_dataset ${dataset}`);
  assert.equal(dataset, used - overhead, "dataset = used - overhead");
  const expected = dataset * 100 / (used - startup);
  const got = parseFloat(perc);
  assert.ok(got > 0 && got <= 100, `used_memory_dataset_perc ${perc}`);
  assert.ok(
    Math.abs(got - expected) < 0.02,
    `used_memory_dataset_perc ${perc}, expected ${expected.toFixed(2)}%`,
  );
});

Deno.test({
  name: "stop the server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => srv.stop(),
});
