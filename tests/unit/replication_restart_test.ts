/**
 * Replication across a restart, and SHUTDOWN with replicas: what Valkey 8.1 does when a replica or a primary
 * is stopped and started again with the same `dir`, and how a primary shuts down while a replica lags.
 *
 * Every server is of the target kind (`VALKYR_TEST_TARGET`), started by startTargetServer
 * (tests/helpers/replica.ts) with a PID the test signals (SIGSTOP / SIGCONT / SIGTERM) and a `dir` and port
 * a restart reuses; its log is what it prints. Covered:
 * - a replica saved (SHUTDOWN SAVE, or SIGTERM with save points) and started again with `replicaof`
 *   reloads its RDB, whose aux fields hold the primary's replid and offset, and resyncs partially
 *   (Valkey's loadDataFromDisk / replicationCachePrimaryUsingMyself);
 * - a primary saved and started again (integration/psync2-master-restart.tcl): its old replid becomes
 *   master_replid2 with second_repl_offset = offset + 1, the backlog starts there empty, and its replica
 *   resyncs partially, at offset 0 and after data;
 * - SHUTDOWN with a lagging replica (integration/shutdown.tcl): shutdown_in_milliseconds while it waits,
 *   writes paused, SHUTDOWN ABORT, shutdown-timeout, the log lines of finishShutdown, the replica catching
 *   up before the primary exits (SHUTDOWN and SIGTERM), SHUTDOWN NOW;
 * - INFO stats' total_net_repl_input_bytes (replica) and total_net_repl_output_bytes (primary).
 *
 * Expectations are valkey-server 8.1.1's; the file passes against Debian's redis-server 7.0 too (same
 * texts: these log lines say "replica" and "master" in both).
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Valkey } from "iovalkey";
import { target } from "../helpers/server.ts";
import {
  call,
  errOf,
  infoField,
  infoMap,
  inSync,
  linkStatus,
  linkUp,
  type Pending,
  ReplyErr,
  send,
  slaveLine,
  startTargetServer,
  type SyncStats,
  syncStats,
  type TargetProcess,
  waitFor,
} from "../helpers/replica.ts";
import { sleep } from "../helpers/timing.ts";

const own = target() !== "external";
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !own };
/** Replication settings every server of this file starts with: a replica's sync starts at once. */
const REPL = ["--repl-diskless-sync-delay", "0"];

/**
 * Waits until the primary's INFO shows the replica listening on `port` acknowledging its whole stream
 * (`offset=<master_repl_offset>`): a SHUTDOWN then finds no lagging replica, and sends no GETACK that would
 * move the offset. Resolves with that offset.
 */
async function acked(p: Valkey, port: number): Promise<number> {
  return await waitFor(`replica ${port} to acknowledge the whole stream`, async () => {
    const off = await infoField(p, "master_repl_offset");
    const line = await slaveLine(p, port);
    return line !== undefined && line.includes(",state=online,") && line.includes(`,offset=${off},`) &&
      Number(off);
  });
}

/** INFO server's shutdown_in_milliseconds (NaN when the field is missing: no shutdown in progress). */
async function shutdownIn(c: Valkey): Promise<number> {
  return Number((await infoMap(c, "server")).get("shutdown_in_milliseconds"));
}

/**
 * Waits until the primary shows a shutdown in progress (shutdown_in_milliseconds > 0); fails at once if it
 * exited (or closed the connection) instead of waiting for its replica.
 */
async function shutdownWaiting(primary: TargetProcess, p: Valkey): Promise<number> {
  const gone = "the primary did not stay up waiting for its lagging replica";
  return await waitFor("shutdown_in_milliseconds > 0", async () => {
    if (!primary.alive()) assert.fail(`${gone}: it exited`);
    let ms: number;
    try {
      ms = await shutdownIn(p);
    } catch (e) {
      assert.fail(`${gone}: INFO failed (${(e as Error).message})`);
    }
    return ms > 0 && ms;
  }, 5000);
}

/** Resolves once `s` has exited; fails after `timeoutMs`. Resolves with the time it took. */
async function exitWithin(s: TargetProcess, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      s.exited,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: still running after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return Date.now() - t0;
}

/** SIGSTOP, then waits until /proc shows the process stopped (state T), as the Tcl suite's pause_process. */
async function pause(s: TargetProcess): Promise<void> {
  s.signal("SIGSTOP");
  await waitFor("the process to be stopped", () => {
    const stat = fs.readFileSync(`/proc/${s.pid}/stat`, "latin1");
    return Promise.resolve(stat.replace(/^.*\) /, "")[0] === "T");
  }, 5000);
}

/**
 * Writes 1 MB values on the primary until its replication buffers pass 2 MB (shutdown.tcl's
 * fill_up_os_socket_send_buffer_for_repl): the stopped replica's socket buffers are full, so what the
 * primary writes next stays in the primary's memory, and reaches the replica only if the primary waits for
 * it. At most 48 MB.
 */
async function fillReplicaLink(p: Valkey): Promise<void> {
  const value = "j".repeat(1024 * 1024);
  for (let i = 0; i < 48; i++) {
    assert.equal(await call(p, "SET", `junk:${i}`, value), "OK");
    await sleep(10);
    const buf = Number((await infoMap(p, "memory")).get("mem_total_replication_buffers"));
    if (buf > 2 * 1024 * 1024) return;
  }
}

/** Servers, clients and temp dirs of a test, all stopped or removed at its end. */
class Scope {
  #procs: TargetProcess[] = [];
  #clients: Valkey[] = [];
  #dirs = new Set<string>();

  /** A server of the target kind; `at` reuses a stopped server's dir and port. */
  async server(extra: string[] = [], at?: { dir: string; port: number }): Promise<TargetProcess> {
    const s = await startTargetServer([...REPL, ...extra], at ?? {});
    this.#procs.push(s);
    this.#dirs.add(s.dir);
    return s;
  }

  /** A server started as a replica of `primaryPort` (`replicaof` in its configuration). */
  replica(primaryPort: number, extra: string[] = []): Promise<TargetProcess> {
    return this.server(["--replicaof", "127.0.0.1", String(primaryPort), ...extra]);
  }

  /** `s` (exited) started again with its configuration, dir and port. */
  restart(s: TargetProcess): Promise<TargetProcess> {
    assert.ok(!s.alive(), "restart of a running server");
    return this.server(s.extra.slice(REPL.length), { dir: s.dir, port: s.port });
  }

  async client(port: number): Promise<Valkey> {
    const c = new Valkey({
      host: "127.0.0.1",
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
      retryStrategy: () => null,
    });
    c.on("error", () => {});
    await c.connect();
    this.#clients.push(c);
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.#clients) c.disconnect();
    // Every process is resumed before any is stopped: a primary waits for a stopped replica.
    for (const s of this.#procs) s.signal("SIGCONT");
    await Promise.all(this.#procs.map((s) => s.stop()));
    for (const d of this.#dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

async function scoped(fn: (s: Scope) => Promise<void>): Promise<void> {
  const s = new Scope();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

/** A primary and a replica of it (`replicaof` in its configuration) with the link up, a client to each. */
async function pair(
  s: Scope,
  primaryExtra: string[] = [],
  replicaExtra: string[] = [],
): Promise<{ primary: TargetProcess; replica: TargetProcess; p: Valkey; r: Valkey }> {
  const primary = await s.server(primaryExtra);
  const p = await s.client(primary.port);
  const replica = await s.replica(primary.port, replicaExtra);
  const r = await s.client(replica.port);
  await linkUp(r);
  await inSync(p, r);
  return { primary, replica, p, r };
}

/** A few keys of several types in dbs 0 and 3, tagged. */
async function writeSome(c: Valkey, tag: string): Promise<void> {
  const ok = (v: unknown) => assert.ok(!(v instanceof ReplyErr), String(v));
  ok(await call(c, "SET", `str:${tag}`, `value-${tag}`));
  ok(await call(c, "INCRBY", `n:${tag}`, 7));
  ok(await call(c, "HSET", `hash:${tag}`, "f", "v", "g", "w"));
  ok(await call(c, "RPUSH", `list:${tag}`, "a", "b", "c"));
  ok(await call(c, "ZADD", `zset:${tag}`, 1, "x", 2, "y"));
  ok(await call(c, "SET", `ttl:${tag}`, "t", "EX", 1000));
  ok(await call(c, "SELECT", 3));
  ok(await call(c, "SADD", `set3:${tag}`, "m1", "m2"));
  ok(await call(c, "SELECT", 0));
}

/** `c` holds what {@link writeSome} wrote under `tag`. */
async function holds(c: Valkey, tag: string): Promise<void> {
  assert.equal(await call(c, "GET", `str:${tag}`), `value-${tag}`, `str:${tag}`);
  assert.equal(await call(c, "GET", `n:${tag}`), "7");
  assert.deepEqual(await call(c, "LRANGE", `list:${tag}`, 0, -1), ["a", "b", "c"]);
  assert.equal(await call(c, "ZSCORE", `zset:${tag}`, "y"), "2");
  assert.ok(Number(await call(c, "TTL", `ttl:${tag}`)) > 0, `ttl:${tag} keeps its TTL`);
  assert.equal(await call(c, "SELECT", 3), "OK");
  assert.equal(await call(c, "SCARD", `set3:${tag}`), 2);
  assert.equal(await call(c, "SELECT", 0), "OK");
}

function plusPartial(base: SyncStats): SyncStats {
  return { full: base.full, ok: base.ok + 1, err: base.err };
}

// ---- The replica's RDB holds its primary's replid and offset ---------------------------------------------

for (const how of ["SHUTDOWN SAVE", "SIGTERM with save points"] as const) {
  Deno.test({
    name: `a replica stopped (${how}) and restarted with its dir reloads its RDB and resyncs partially`,
    ...opts,
    fn: () =>
      scoped(async (s) => {
        const primary = await s.server();
        const p = await s.client(primary.port);
        await writeSome(p, "before");
        const replica = await s.replica(primary.port, how === "SHUTDOWN SAVE" ? [] : ["--save", "3600 1"]);
        let r = await s.client(replica.port);
        await linkUp(r);
        await writeSome(p, "streamed");
        await inSync(p, r);
        const replid = await infoField(p, "master_replid");
        assert.equal(await infoField(r, "master_replid"), replid);
        const before = await syncStats(p);

        if (how === "SHUTDOWN SAVE") {
          // Shutting down, the server closes the connection without a reply.
          assert.equal(errOf(await call(r, "SHUTDOWN", "SAVE")), "Connection is closed.");
        } else replica.signal("SIGTERM");
        await exitWithin(replica, 10000, "the replica after its shutdown");
        assert.ok(fs.existsSync(path.join(replica.dir, "dump.rdb")), "the replica saved dump.rdb");
        assert.match(replica.output(), /DB saved on disk/);

        // Written while the replica is down: it comes from the backlog.
        await writeSome(p, "while-down");
        assert.equal(await call(p, "SET", "last", "1"), "OK");

        const again = await s.restart(replica);
        r = await s.client(again.port);
        await linkUp(r);
        await waitFor("the partial resync", async () => {
          const st = await syncStats(p);
          return st.ok + st.full > before.ok + before.full;
        });
        assert.deepEqual(await syncStats(p), plusPartial(before), "one more partial resync, no full sync");
        assert.match(again.output(), /DB loaded from disk/);
        assert.equal(
          await infoField(r, "master_replid"),
          replid,
          "the replica continues the primary's history",
        );
        assert.equal(await infoField(p, "master_replid"), replid);
        await inSync(p, r);
        for (const tag of ["before", "streamed", "while-down"]) await holds(r, tag);
        assert.equal(await call(r, "GET", "last"), "1");
        assert.equal(await call(r, "DEBUG", "DIGEST"), await call(p, "DEBUG", "DIGEST"));
      }),
  });
}

// ---- The primary's RDB holds its replid and offset (psync2-master-restart.tcl) -------------------------

/** No PING of the primary moves the offset while a test compares offsets across the restart. */
const QUIET_PRIMARY = ["--repl-ping-replica-period", "3600"];

/**
 * SHUTDOWN SAVE on the primary (once its replica acknowledged everything), the primary started again on its
 * port with its dir, and the replica reconnected. Checks the restarted primary's INFO replication against
 * the replid and offset from before; resolves with the new primary and a client to it.
 */
async function restartPrimary(
  s: Scope,
  primary: TargetProcess,
  p: Valkey,
  replica: TargetProcess,
  r: Valkey,
): Promise<{ primary: TargetProcess; p: Valkey }> {
  const offset = await acked(p, replica.port);
  const replid = await infoField(p, "master_replid");
  assert.equal(errOf(await call(p, "SHUTDOWN", "SAVE")), "Connection is closed.");
  await exitWithin(primary, 10000, "the primary after SHUTDOWN SAVE");
  assert.ok(fs.existsSync(path.join(primary.dir, "dump.rdb")), "the primary saved dump.rdb");

  const again = await s.restart(primary);
  const p2 = await s.client(again.port);
  await waitFor("the replica to resync with the restarted primary", async () => {
    const st = await syncStats(p2);
    return st.ok + st.full > 0;
  }, 15000);
  await linkUp(r);
  const st = await syncStats(p2);
  assert.equal(st.full, 0, "no full sync");
  assert.equal(st.ok, 1, "a partial resync");

  const info = await infoMap(p2);
  assert.notEqual(info.get("master_replid"), replid, "a new replid");
  assert.equal(info.get("master_replid2"), replid, "the old replid is the second one");
  assert.equal(info.get("second_repl_offset"), String(offset + 1));
  assert.equal(info.get("master_repl_offset"), String(offset), "the offset carried over");
  assert.equal(info.get("repl_backlog_active"), "1");
  assert.equal(info.get("repl_backlog_first_byte_offset"), String(offset + 1));
  assert.equal(info.get("repl_backlog_histlen"), "0");
  assert.equal(
    await infoField(r, "master_replid"),
    info.get("master_replid"),
    "the replica took the new replid",
  );
  assert.equal(await infoField(r, "master_replid2"), replid);
  return { primary: again, p: p2 };
}

Deno.test({
  name: "a primary restarted with its RDB at offset 0: master_replid2 is the old replid, a partial resync",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s, QUIET_PRIMARY);
      assert.equal(await infoField(p, "master_repl_offset"), "0", "nothing written yet");
      const { p: p2 } = await restartPrimary(s, primary, p, replica, r);
      assert.equal(await infoField(p2, "master_repl_offset"), "0");
      assert.equal(await infoField(p2, "second_repl_offset"), "1");
      assert.equal(await call(p2, "SET", "after", "restart"), "OK");
      await inSync(p2, r);
      assert.equal(await call(r, "GET", "after"), "restart");
    }),
});

Deno.test({
  name: "a primary restarted with its RDB after writes keeps its offset; the replica resyncs partially",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s, QUIET_PRIMARY);
      await writeSome(p, "one");
      await inSync(p, r);
      const offset = Number(await infoField(p, "master_repl_offset"));
      assert.ok(offset > 0);
      const { p: p2 } = await restartPrimary(s, primary, p, replica, r);
      await holds(p2, "one");
      await writeSome(p2, "two");
      await inSync(p2, r);
      for (const tag of ["one", "two"]) await holds(r, tag);
      assert.equal(await call(r, "DEBUG", "DIGEST"), await call(p2, "DEBUG", "DIGEST"));
      assert.ok(Number(await infoField(p2, "master_repl_offset")) > offset);
    }),
});

// ---- SHUTDOWN with a lagging replica (shutdown.tcl) ------------------------------------------------------

const LOG_LAGGING = /Lagging replica \S+ reported offset \d+ behind master, lag=\d+, state=online\./;
const LOG_BYE = /ready to exit, bye bye/;

Deno.test({
  name: "SHUTDOWN waits for a stopped replica: shutdown_in_milliseconds, writes paused, SHUTDOWN ABORT",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s);
      assert.equal(errOf(await call(p, "SHUTDOWN", "ABORT")), "ERR No shutdown in progress.");
      // The field is there only while a shutdown is in progress.
      assert.ok(Number.isNaN(await shutdownIn(p)), "no shutdown_in_milliseconds before SHUTDOWN");
      assert.equal(await call(p, "SET", "k", 1), "OK");
      await inSync(p, r);
      await pause(replica);
      assert.equal(await call(p, "INCR", "k"), 2);

      const sd = send(await s.client(primary.port), "SHUTDOWN");
      const ms = await shutdownWaiting(primary, p);
      assert.ok(ms <= 10000, `shutdown_in_milliseconds ${ms} within shutdown-timeout (10 s)`);
      assert.equal(
        (await infoMap(p, "clients")).get("blocked_clients"),
        "1",
        "the SHUTDOWN client is blocked",
      );
      assert.match(primary.output(), /Waiting for replicas before shutting down\./);
      // Writes are paused while the shutdown waits (a SET from another client gets no reply); reads are not.
      const write = send(await s.client(primary.port), "SET", "paused", "yes");
      await sleep(300);
      assert.ok(!write.settled(), "a write during the shutdown was answered");
      assert.equal(await call(p, "GET", "k"), "2");
      assert.ok(!sd.settled(), "SHUTDOWN is still waiting");
      assert.ok(primary.alive());

      assert.equal(await call(p, "SHUTDOWN", "ABORT"), "OK");
      assert.equal(errOf(await sd.result), "ERR Errors trying to SHUTDOWN. Check logs.");
      assert.equal(await write.result, "OK", "the paused write runs once the shutdown is aborted");
      assert.ok(Number.isNaN(await shutdownIn(p)), "no shutdown_in_milliseconds once aborted");
      assert.match(primary.output(), /Shutdown manually aborted\./);
      assert.equal(errOf(await call(p, "SHUTDOWN", "ABORT")), "ERR No shutdown in progress.");
      assert.ok(primary.alive());
      assert.equal(await call(p, "PING"), "PONG");

      replica.signal("SIGCONT");
      await inSync(p, r);
      assert.equal(await call(r, "GET", "k"), "2");
      assert.equal(await call(r, "GET", "paused"), "yes");
    }),
});

Deno.test({
  name: "SHUTDOWN, shutdown-timeout 1, a stopped replica: the primary exits after a second, logs the laggard",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s, [
        "--repl-backlog-size",
        "1mb",
        "--shutdown-timeout",
        "1",
      ]);
      assert.equal(await call(p, "SET", "k", 1), "OK");
      await inSync(p, r);
      await pause(replica);
      await fillReplicaLink(p);
      assert.equal(await call(p, "INCR", "k"), 2);
      const t0 = Date.now();
      const sd = send(await s.client(primary.port), "SHUTDOWN");
      const ms = await shutdownWaiting(primary, p);
      assert.ok(ms <= 1000, `shutdown_in_milliseconds ${ms} within shutdown-timeout (1 s)`);
      await exitWithin(primary, 10000, "the primary once shutdown-timeout passed");
      const took = Date.now() - t0;
      assert.ok(took >= 950, `the primary exited after ${took} ms, before shutdown-timeout`);
      assert.equal(errOf(await sd.result), "Connection is closed.");
      const log = primary.output();
      assert.match(log, LOG_LAGGING);
      assert.match(log, /0 of 1 replicas are in sync when shutting down\./);
      assert.match(log, LOG_BYE);

      // The INCR never left the primary: once the replica has read what its socket held, k is still 1.
      replica.signal("SIGCONT");
      await waitFor("the replica to see its link down", async () => (await linkStatus(r)) === "down");
      assert.equal(await call(r, "GET", "k"), "1");
    }),
});

for (const how of ["SHUTDOWN", "SIGTERM"] as const) {
  Deno.test({
    name: `${how} waits for a stopped replica; resumed, it catches up and then the primary exits`,
    ...opts,
    fn: () =>
      scoped(async (s) => {
        const { primary, replica, p, r } = await pair(s, ["--repl-backlog-size", "1mb"]);
        assert.equal(await call(p, "SET", "k", 1), "OK");
        await inSync(p, r);
        await pause(replica);
        await fillReplicaLink(p);
        assert.equal(await call(p, "INCR", "k"), 2);
        let sd: Pending | undefined;
        if (how === "SHUTDOWN") sd = send(await s.client(primary.port), "SHUTDOWN");
        else primary.signal("SIGTERM");
        await shutdownWaiting(primary, p);
        await sleep(200);
        assert.ok(primary.alive(), "the primary waits for its replica");
        assert.ok(sd === undefined || !sd.settled(), "SHUTDOWN is still waiting");

        replica.signal("SIGCONT");
        await exitWithin(primary, 15000, "the primary once its replica caught up");
        if (sd !== undefined) assert.equal(errOf(await sd.result), "Connection is closed.");
        await waitFor("the replica to have the last write", async () => (await call(r, "GET", "k")) === "2");
        const log = primary.output();
        assert.match(log, /1 of 1 replicas are in sync when shutting down\./);
        assert.doesNotMatch(log, /Lagging replica/);
        assert.match(log, LOG_BYE);
      }),
  });
}

Deno.test({
  name: "SHUTDOWN NOW does not wait for a stopped replica (and logs it as lagging)",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s, ["--shutdown-timeout", "30"]);
      assert.equal(await call(p, "SET", "k", 1), "OK");
      await inSync(p, r);
      await pause(replica);
      assert.equal(await call(p, "INCR", "k"), 2);
      assert.equal(errOf(await call(p, "SHUTDOWN", "NOW")), "Connection is closed.");
      const took = await exitWithin(primary, 5000, "the primary after SHUTDOWN NOW");
      assert.ok(took < 5000);
      const log = primary.output();
      assert.match(log, LOG_LAGGING);
      assert.match(log, /0 of 1 replicas are in sync when shutting down\./);
      assert.doesNotMatch(log, /Waiting for replicas before shutting down/);
      assert.match(log, LOG_BYE);
    }),
});

// ---- Replication traffic in INFO stats -------------------------------------------------------------------

Deno.test({
  name:
    "INFO stats: total_net_repl_input_bytes on the replica and total_net_repl_output_bytes on the primary",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { p, r } = await pair(s, QUIET_PRIMARY);
      const stat = async (c: Valkey, f: string) => Number((await infoMap(c, "stats")).get(f));
      const in0 = await stat(r, "total_net_repl_input_bytes");
      const out0 = await stat(p, "total_net_repl_output_bytes");
      // The RDB of the full sync already counts.
      assert.ok(in0 > 0, `total_net_repl_input_bytes ${in0} after the sync`);
      assert.ok(out0 > 0, `total_net_repl_output_bytes ${out0} after the sync`);
      assert.equal(await stat(p, "total_net_repl_input_bytes"), 0, "a primary reads no stream");
      const off0 = Number(await infoField(p, "master_repl_offset"));
      for (let i = 0; i < 100; i++) assert.equal(await call(p, "SET", `key:${i}`, "v".repeat(100)), "OK");
      await inSync(p, r);
      const grown = Number(await infoField(p, "master_repl_offset")) - off0;
      assert.ok(grown > 100 * 100);
      // The stream's bytes, exactly: nothing else came from the primary (no PING) nor went to it.
      assert.equal(await stat(r, "total_net_repl_input_bytes") - in0, grown);
      await waitFor(
        "the primary to count the stream it sent",
        async () => (await stat(p, "total_net_repl_output_bytes")) - out0 === grown,
      );
      // A replica's own clients are not replication traffic.
      assert.equal(
        await stat(r, "total_net_repl_output_bytes"),
        0,
        "a replica with no replica sends no stream",
      );
    }),
});

// ---- The synced image on the replica's disk (repl-diskless-load) -------------------------------------------

Deno.test({
  name:
    "repl-diskless-load disabled keeps the synced image as dbfilename (a restart without saving resumes from it); swapdb does not write it; rdb-del-sync-files removes it",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const primary = await s.server();
      const p = await s.client(primary.port);
      await writeSome(p, "before");
      // The default: through the disk.
      const replica = await s.replica(primary.port);
      const r = await s.client(replica.port);
      await linkUp(r);
      await inSync(p, r);
      const file = path.join(replica.dir, "dump.rdb");
      assert.ok(fs.existsSync(file), "the synced image is the replica's dump.rdb");
      assert.equal(fs.readFileSync(file).subarray(0, 5).toString("latin1"), "REDIS");
      assert.deepEqual(fs.readdirSync(replica.dir).filter((f) => f.startsWith("temp-")), []);
      // Stopped without a save, it starts again from that file and its history: a partial resync.
      const before = await syncStats(p);
      assert.equal(errOf(await call(r, "SHUTDOWN", "NOSAVE")), "Connection is closed.");
      await exitWithin(replica, 10000, "the replica after SHUTDOWN NOSAVE");
      await writeSome(p, "while-down");
      const again = await s.restart(replica);
      const r2 = await s.client(again.port);
      await linkUp(r2);
      await inSync(p, r2);
      const after = await syncStats(p);
      assert.equal(after.full, before.full, "no full sync");
      assert.equal(after.ok, before.ok + 1, "a partial resync");
      assert.equal(await call(r2, "GET", "str:while-down"), "value-while-down");
      assert.equal(await call(r2, "DEBUG", "DIGEST"), await call(p, "DEBUG", "DIGEST"));

      // swapdb loads from the socket: no file.
      const swap = await s.replica(primary.port, ["--repl-diskless-load", "swapdb"]);
      const rs = await s.client(swap.port);
      await linkUp(rs);
      await inSync(p, rs);
      assert.equal(await call(rs, "GET", "str:before"), "value-before");
      assert.ok(!fs.existsSync(path.join(swap.dir, "dump.rdb")), "swapdb writes no dump.rdb");

      // rdb-del-sync-files with persistence off: the file is removed once loaded.
      const del = await s.replica(primary.port, ["--rdb-del-sync-files", "yes"]);
      const rd = await s.client(del.port);
      await linkUp(rd);
      await inSync(p, rd);
      assert.equal(await call(rd, "GET", "str:before"), "value-before");
      assert.ok(!fs.existsSync(path.join(del.dir, "dump.rdb")), "rdb-del-sync-files removed it");
      await waitFor(
        "the removal's log line",
        () =>
          Promise.resolve(/Removing the RDB file obtained from the (primary|master)\./.test(del.output())),
      );
    }),
});
