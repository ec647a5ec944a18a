/**
 * FAILOVER (Valkey 6.2+): a coordinated hand-over from a primary to one of its replicas, as Valkey's
 * integration/failover.tcl tests it (replication.c: failoverCommand, updateFailoverStatus, abortFailover,
 * and the `PSYNC <replid> <offset> FAILOVER` part of syncCommand).
 *
 * Each test starts three servers of the target kind (`VALKYR_TEST_TARGET`, startTargetServer in
 * tests/helpers/replica.ts, `save ""`): node0 the primary, node1 and node2 its replicas (`replicaof` in their
 * configuration), every PID signalled by the test (SIGSTOP / SIGCONT, a SIGCONT always in a `finally`).
 * A replica stopped with SIGSTOP never acknowledges what the primary writes next, which keeps a failover to
 * it waiting (`waiting-for-sync`). Covered:
 * - the errors, with their exact texts, and the order in which they are checked (the arguments first, then
 *   a failover in progress, a replica, no replicas, FORCE's requirements, the target);
 * - FAILOVER TO a replica under a write load: no write that was answered +OK is lost, the old primary
 *   follows the new one, both resync partially, the data is the same on all three;
 * - FAILOVER to any replica, one replica stopped: the other one is chosen;
 * - TIMEOUT with FORCE to a stopped replica: `failover-in-progress` until it resumes, then it is primary;
 * - TIMEOUT without FORCE: aborted, still primary;
 * - writes paused while waiting (paused_reason:failover_in_progress), FAILOVER ABORT;
 * - the target refusing the PSYNC (ACL `-psync`): aborted, primary again.
 *
 * Expectations are valkey-server 8.1.1's; the file passes against Debian's redis-server 7.0 too (INFO
 * clients' paused_reason / paused_actions are Valkey's only, and checked only there). Every server runs with
 * `repl-diskless-sync-delay 0`: a replica's sync starts at once instead of after 5 s.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Valkey } from "iovalkey";
import { isValkeyLike, target } from "../helpers/server.ts";
import {
  call,
  errOf,
  infoField,
  infoMap,
  type Pending,
  send,
  slaveLine,
  startTargetServer,
  syncStats,
  type TargetProcess,
  waitFor,
} from "../helpers/replica.ts";
import { sleep } from "../helpers/timing.ts";

const own = target() !== "external";
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !own };
/** Replication settings every server of this file starts with: a replica's sync starts at once. */
const REPL = ["--repl-diskless-sync-delay", "0"];
const HOST = "127.0.0.1";

/** One server of a test: its process and a client to it. */
interface Node {
  proc: TargetProcess;
  c: Valkey;
  port: number;
}

/** Servers and clients of a test, all stopped at its end (every process resumed first). */
class Scope {
  #procs: TargetProcess[] = [];
  #clients: Valkey[] = [];

  async server(extra: string[] = []): Promise<TargetProcess> {
    const s = await startTargetServer([...REPL, ...extra]);
    this.#procs.push(s);
    return s;
  }

  async client(port: number): Promise<Valkey> {
    const c = new Valkey({
      host: HOST,
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

  async node(extra: string[] = []): Promise<Node> {
    const proc = await this.server(extra);
    return { proc, c: await this.client(proc.port), port: proc.port };
  }

  async close(): Promise<void> {
    for (const c of this.#clients) c.disconnect();
    for (const s of this.#procs) s.signal("SIGCONT");
    await Promise.all(this.#procs.map((s) => s.stop(true)));
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

/** node1 and node2 started as replicas of `node0`; resolves once both are online and in sync. */
async function replicasOf(s: Scope, node0: Node): Promise<[Node, Node]> {
  const [node1, node2] = await Promise.all([
    s.node(["--replicaof", HOST, String(node0.port)]),
    s.node(["--replicaof", HOST, String(node0.port)]),
  ]);
  await caughtUp(node0, node1, node2);
  return [node1, node2];
}

/** node0 the primary, node1 and node2 its replicas, all in sync. */
async function trio(s: Scope): Promise<[Node, Node, Node]> {
  const node0 = await s.node();
  const [node1, node2] = await replicasOf(s, node0);
  return [node0, node1, node2];
}

/**
 * Waits until every replica has its link up and has processed the primary's whole stream, and the primary
 * lists each one online with that offset acknowledged (what a FAILOVER checks).
 */
async function caughtUp(primary: Node, ...replicas: Node[]): Promise<void> {
  await waitFor("the replicas to catch up with their primary", async () => {
    const off = await infoField(primary.c, "master_repl_offset");
    for (const r of replicas) {
      const info = await infoMap(r.c);
      if (info.get("master_link_status") !== "up") return false;
      if (info.get("master_port") !== String(primary.port)) return false;
      if (info.get("slave_repl_offset") !== off || info.get("master_repl_offset") !== off) return false;
      const line = await slaveLine(primary.c, r.port);
      if (line === undefined || !line.includes(",state=online,") || !line.includes(`,offset=${off},`)) {
        return false;
      }
    }
    return true;
  });
}

async function failoverState(n: Node): Promise<string> {
  return await infoField(n.c, "master_failover_state");
}

async function waitState(n: Node, state: string, timeoutMs = 10000): Promise<void> {
  await waitFor(`master_failover_state:${state}`, async () => (await failoverState(n)) === state, timeoutMs);
}

/** ROLE's first element: "master" or "slave". */
async function roleOf(n: Node): Promise<string> {
  const r = await call(n.c, "ROLE");
  assert.ok(Array.isArray(r), `ROLE: ${String(r)}`);
  return String(r[0]);
}

/** ROLE of a replica following `primary`, with its link up: ["slave", host, port, "connected", offset]. */
async function assertReplicaOf(n: Node, primary: Node): Promise<void> {
  const r = await call(n.c, "ROLE") as unknown[];
  assert.deepEqual(r.slice(0, 4), ["slave", HOST, primary.port, "connected"], `ROLE of ${n.port}`);
}

async function assertDigests(...nodes: Node[]): Promise<void> {
  const digests = await Promise.all(nodes.map((n) => call(n.c, "DEBUG", "DIGEST")));
  for (const d of digests) assert.equal(d, digests[0], `DEBUG DIGEST: ${digests.join(" ")}`);
}

/** How many times `text` occurs in the server's log. */
function logCount(n: Node, text: string): number {
  return n.proc.output().split(text).length - 1;
}

/** SIGSTOP, then waits until /proc shows the process stopped (state T), as the Tcl suite's pause_process. */
async function pause(n: Node): Promise<void> {
  n.proc.signal("SIGSTOP");
  await waitFor("the process to be stopped", () => {
    const stat = fs.readFileSync(`/proc/${n.proc.pid}/stat`, "latin1");
    return Promise.resolve(stat.replace(/^.*\) /, "")[0] === "T");
  }, 5000);
}

/** Runs `fn` with `n` stopped (SIGSTOP); SIGCONT afterwards whatever happens (twice is harmless). */
async function whilePaused<T>(n: Node, fn: () => Promise<T>): Promise<T> {
  await pause(n);
  try {
    return await fn();
  } finally {
    n.proc.signal("SIGCONT");
  }
}

// ---- Errors ------------------------------------------------------------------------------------------------

const NO_REPLICAS = "ERR FAILOVER requires connected replicas.";
const ON_REPLICA = "ERR FAILOVER is not valid when server is a replica.";
const NOT_A_REPLICA = "ERR FAILOVER target HOST and PORT is not a replica.";
const NOT_INTEGER = "ERR value is not an integer or out of range";
const BAD_TIMEOUT = "ERR FAILOVER timeout must be greater than 0";
const FORCE_NEEDS = "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
const SYNTAX = "ERR syntax error";
const NO_FAILOVER = "ERR No failover in progress.";
const IN_PROGRESS = "ERR FAILOVER already in progress.";

Deno.test({
  name: "FAILOVER errors: their texts and the order of the checks",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const node0 = await s.node();
      const p = node0.c;
      // No replica yet.
      assert.equal(errOf(await call(p, "FAILOVER")), NO_REPLICAS);
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, 6379)), NO_REPLICAS);
      assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", 100)), NO_REPLICAS);
      // The replica count is checked before FORCE's requirements; the arguments before anything.
      assert.equal(errOf(await call(p, "FAILOVER", "FORCE")), NO_REPLICAS);
      assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", 0)), BAD_TIMEOUT);
      assert.equal(errOf(await call(p, "FAILOVER", "BOGUS")), SYNTAX);
      assert.equal(errOf(await call(p, "FAILOVER", "ABORT")), NO_FAILOVER);
      assert.equal(await failoverState(node0), "no-failover");
      // PSYNC ... FAILOVER from a plain client to a primary.
      const replid = await infoField(p, "master_replid");
      const offset = await infoField(p, "master_repl_offset");
      const plain = await s.client(node0.port);
      assert.equal(
        errOf(await call(plain, "PSYNC", replid, offset, "FAILOVER")),
        "ERR PSYNC FAILOVER can't be sent to a master.",
      );
      assert.equal(await roleOf(node0), "master");

      const [node1, node2] = await replicasOf(s, node0);
      // On a replica.
      assert.equal(errOf(await call(node1.c, "FAILOVER")), ON_REPLICA);
      assert.equal(errOf(await call(node1.c, "FAILOVER", "TO", HOST, node2.port)), ON_REPLICA);
      assert.equal(errOf(await call(node1.c, "FAILOVER", "FORCE")), ON_REPLICA);
      assert.equal(errOf(await call(node1.c, "FAILOVER", "TIMEOUT", -1)), BAD_TIMEOUT);
      assert.equal(errOf(await call(node1.c, "FAILOVER", "ABORT")), NO_FAILOVER);
      // PSYNC ... FAILOVER to a replica with another replid: refused, the replica stays one.
      const r1 = await s.client(node1.port);
      assert.equal(
        errOf(await call(r1, "PSYNC", "0".repeat(40), offset, "FAILOVER")),
        "ERR PSYNC FAILOVER replid must match my replid.",
      );
      assert.equal(
        errOf(await call(r1, "PSYNC", "not-a-replid", 1, "FAILOVER")),
        "ERR PSYNC FAILOVER replid must match my replid.",
      );
      assert.equal(await roleOf(node1), "slave");

      // The target must be a replica, found by its address and listening port.
      assert.equal(errOf(await call(p, "FAILOVER", "TO", "invalidhost", node1.port)), NOT_A_REPLICA);
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, node0.port)), NOT_A_REPLICA);
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, 1)), NOT_A_REPLICA);
      // Not integers.
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, "invalidport")), NOT_INTEGER);
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, "")), NOT_INTEGER);
      assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", "abc")), NOT_INTEGER);
      assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", "1.5")), NOT_INTEGER);
      // TIMEOUT 0 or negative.
      assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", 0)), BAD_TIMEOUT);
      assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", -100)), BAD_TIMEOUT);
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, node1.port, "TIMEOUT", 0)), BAD_TIMEOUT);
      // FORCE needs both TO and TIMEOUT.
      assert.equal(errOf(await call(p, "FAILOVER", "FORCE")), FORCE_NEEDS);
      assert.equal(errOf(await call(p, "FAILOVER", "FORCE", "TIMEOUT", 100)), FORCE_NEEDS);
      assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, node1.port, "FORCE")), FORCE_NEEDS);
      // ... and is checked before the target.
      assert.equal(errOf(await call(p, "FAILOVER", "TO", "invalidhost", 1, "FORCE")), FORCE_NEEDS);
      // Syntax: an unknown word, a repeated option, a missing argument, ABORT with anything else.
      for (
        const args of [
          ["BOGUS"],
          ["TO", HOST, node1.port, "BOGUS"],
          ["TO", HOST, node1.port, "TO", HOST, node2.port],
          ["TIMEOUT", 100, "TIMEOUT", 200],
          ["TO", HOST, node1.port, "TIMEOUT", 100, "FORCE", "FORCE"],
          ["FORCE", "FORCE"],
          ["TO", HOST],
          ["TO"],
          ["TIMEOUT"],
          ["ABORT", "TIMEOUT", 100],
          ["TIMEOUT", 100, "ABORT"],
        ]
      ) {
        assert.equal(errOf(await call(p, "FAILOVER", ...args)), SYNTAX, `FAILOVER ${args.join(" ")}`);
      }
      assert.equal(await failoverState(node0), "no-failover");
      assert.equal(errOf(await call(p, "FAILOVER", "ABORT")), NO_FAILOVER);
      assert.equal(await call(p, "SET", "still", "writable"), "OK");

      // A failover in progress: node1 stopped never acknowledges the SET, so a FAILOVER to it waits.
      await whilePaused(node1, async () => {
        assert.equal(await call(p, "SET", "k", "v"), "OK");
        assert.equal(await call(p, "FAILOVER", "TO", HOST, node1.port, "TIMEOUT", 60000), "OK");
        assert.equal(await failoverState(node0), "waiting-for-sync");
        assert.equal(errOf(await call(p, "FAILOVER")), IN_PROGRESS);
        assert.equal(errOf(await call(p, "FAILOVER", "TO", HOST, node2.port)), IN_PROGRESS);
        // The arguments are still checked first.
        assert.equal(errOf(await call(p, "FAILOVER", "BOGUS")), SYNTAX);
        assert.equal(errOf(await call(p, "FAILOVER", "TIMEOUT", 0)), BAD_TIMEOUT);
        assert.equal(
          errOf(await call(p, "REPLICAOF", HOST, node2.port)),
          "ERR REPLICAOF not allowed while failing over.",
        );
        assert.equal(
          errOf(await call(p, "REPLICAOF", "NO", "ONE")),
          "ERR REPLICAOF not allowed while failing over.",
        );
        assert.equal(
          errOf(await call(p, "SLAVEOF", HOST, node2.port)),
          "ERR REPLICAOF not allowed while failing over.",
        );
        assert.equal(await failoverState(node0), "waiting-for-sync");
        assert.equal(await call(p, "FAILOVER", "ABORT"), "OK");
        assert.equal(await failoverState(node0), "no-failover");
        assert.equal(errOf(await call(p, "FAILOVER", "ABORT")), NO_FAILOVER);
      });
      assert.match(
        node0.proc.output(),
        new RegExp(`FAILOVER to ${HOST}:${node1.port} aborted: Failover manually aborted`),
      );
      assert.equal(await roleOf(node0), "master");
      await caughtUp(node0, node1, node2);
      assert.equal(await call(node1.c, "GET", "k"), "v");
      await assertDigests(node0, node1, node2);
    }),
});

// ---- FAILOVER TO a replica, under a write load -------------------------------------------------------------

/** SETs `load:<n> <n>` one after the other until stopped; records the ones answered +OK. */
function writeLoad(c: Valkey): { stop(): Promise<void>; acked: number[]; errors: string[] } {
  const acked: number[] = [];
  const errors: string[] = [];
  let stopped = false;
  const done = (async () => {
    for (let n = 0; !stopped; n++) {
      const v = await call(c, "SET", `load:${n}`, n);
      if (v === "OK") acked.push(n);
      else {
        errors.push(String(v));
        if (/closed/i.test(String(v))) return;
        await sleep(5);
      }
    }
  })();
  return {
    acked,
    errors,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** Every key the load got +OK for holds its value on `n`. */
async function holdsLoad(n: Node, acked: number[]): Promise<void> {
  for (let i = 0; i < acked.length; i += 500) {
    const chunk = acked.slice(i, i + 500);
    const got = await call(n.c, "MGET", ...chunk.map((k) => `load:${k}`)) as unknown[];
    assert.ok(Array.isArray(got), String(got));
    chunk.forEach((k, j) => assert.equal(got[j], String(k), `load:${k}, acknowledged, is on ${n.port}`));
  }
}

Deno.test({
  name: "FAILOVER TO a replica under a write load: no acknowledged write lost, partial resyncs, same data",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const [node0, node1, node2] = await trio(s);
      const before = await syncStats(node1.c);
      const load = writeLoad(await s.client(node0.port));
      try {
        // A delta between the primary and its replica (failover.tcl pauses the target under the load).
        await whilePaused(node1, async () => {
          await waitFor("the load to write", () => Promise.resolve(load.acked.length > 200), 10000);
        });
        assert.equal(await call(node0.c, "FAILOVER", "TO", HOST, node1.port), "OK");
        await waitState(node0, "no-failover");
      } finally {
        await load.stop();
      }
      assert.ok(load.acked.length > 200, `${load.acked.length} writes acknowledged`);
      for (const e of load.errors) assert.match(e, /^READONLY /, "the load's writes after the failover");
      assert.match(
        node0.proc.output(),
        new RegExp(`Failover target ${HOST}:${node1.port} is synced, failing over\\.`),
      );

      assert.equal(await call(node2.c, "REPLICAOF", HOST, node1.port), "OK");
      await caughtUp(node1, node0, node2);
      await assertReplicaOf(node0, node1);
      await assertReplicaOf(node2, node1);
      assert.equal(await roleOf(node1), "master");
      assert.equal(await failoverState(node0), "no-failover");
      assert.equal(await failoverState(node1), "no-failover");
      // The old primary's PSYNC FAILOVER and node2's, both partial.
      const after = await syncStats(node1.c);
      assert.equal(after.ok - before.ok, 2, "sync_partial_ok on the new primary");
      assert.equal(after.full - before.full, 0, "sync_full on the new primary");
      await holdsLoad(node1, load.acked);
      await assertDigests(node0, node1, node2);
      // The new primary takes writes, and they reach the old one.
      assert.equal(await call(node1.c, "SET", "after", "failover"), "OK");
      await caughtUp(node1, node0, node2);
      assert.equal(await call(node0.c, "GET", "after"), "failover");
    }),
});

Deno.test({
  name: "FAILOVER to any replica, one of them stopped: the other one is chosen",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const [node0, node1, node2] = await trio(s);
      const before = await syncStats(node2.c);
      await whilePaused(node1, async () => {
        assert.equal(await call(node0.c, "SET", "case", 1), "OK");
        await caughtUp(node0, node2);
        assert.equal(await call(node0.c, "FAILOVER"), "OK");
        await waitState(node0, "no-failover");
        assert.equal(await roleOf(node2), "master");
        assert.equal(await roleOf(node0), "slave");
      });
      assert.match(node0.proc.output(), /FAILOVER requested to any replica\./);
      assert.match(
        node0.proc.output(),
        new RegExp(`Failover target ${HOST}:${node2.port} is synced, failing over\\.`),
      );
      assert.equal(await call(node1.c, "REPLICAOF", HOST, node2.port), "OK");
      await caughtUp(node2, node0, node1);
      await assertReplicaOf(node0, node2);
      await assertReplicaOf(node1, node2);
      assert.equal(await roleOf(node2), "master");
      const after = await syncStats(node2.c);
      assert.equal(after.ok - before.ok, 2, "sync_partial_ok on the new primary");
      assert.equal(after.full - before.full, 0, "sync_full on the new primary");
      assert.equal(await call(node1.c, "GET", "case"), "1");
      await assertDigests(node0, node1, node2);
    }),
});

Deno.test({
  name: "FAILOVER TO a stopped replica TIMEOUT 100 FORCE: failover-in-progress, then done once it resumes",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const [node0, node1, node2] = await trio(s);
      const before = await syncStats(node1.c);
      await whilePaused(node1, async () => {
        // node1 will never acknowledge this write before the timeout.
        assert.equal(await call(node0.c, "SET", "case", 2), "OK");
        assert.equal(await call(node0.c, "FAILOVER", "TO", HOST, node1.port, "TIMEOUT", 100, "FORCE"), "OK");
        await waitState(node0, "failover-in-progress", 5000);
        // Never two primaries: the old one is already a replica of the stopped target.
        assert.equal(await roleOf(node0), "slave");
        assert.equal(await roleOf(node2), "slave");
        await sleep(300);
        assert.equal(await failoverState(node0), "failover-in-progress", "waits for the stopped target");
        // Still in progress on a server that is a replica now: that error comes first.
        assert.equal(errOf(await call(node0.c, "FAILOVER")), IN_PROGRESS);
      });
      await waitState(node0, "no-failover");
      assert.equal(await roleOf(node1), "master");
      assert.equal(
        logCount(node0, `FAILOVER to ${HOST}:${node1.port} time out exceeded, failing over.`),
        1,
        "the old primary's log",
      );
      assert.equal(await call(node2.c, "REPLICAOF", HOST, node1.port), "OK");
      await caughtUp(node1, node0, node2);
      await assertReplicaOf(node0, node1);
      await assertReplicaOf(node2, node1);
      // Two syncs (failover.tcl expects both partial, "although ... we might not since we didn't catch up").
      const after = await syncStats(node1.c);
      assert.equal(after.ok + after.full - before.ok - before.full, 2, "syncs on the new primary");
      await assertDigests(node0, node1, node2);
    }),
});

Deno.test({
  name: "FAILOVER TO a stopped replica TIMEOUT 500 (no FORCE) aborts: still primary, nothing resynced",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const [node0, node1, node2] = await trio(s);
      const before = await syncStats(node0.c);
      await whilePaused(node1, async () => {
        assert.equal(await call(node0.c, "SET", "case", 1), "OK");
        const t0 = Date.now();
        assert.equal(await call(node0.c, "FAILOVER", "TO", HOST, node1.port, "TIMEOUT", 500), "OK");
        const early = await failoverState(node0);
        // (Unless the machine stalled past the timeout already.)
        if (Date.now() - t0 < 400) assert.equal(early, "waiting-for-sync");
        await waitState(node0, "no-failover", 5000);
        const took = Date.now() - t0;
        assert.ok(took >= 450, `aborted after ${took} ms, before the 500 ms timeout`);
        assert.equal(await roleOf(node0), "master");
      });
      assert.match(
        node0.proc.output(),
        new RegExp(`FAILOVER to ${HOST}:${node1.port} aborted: Replica never caught up before timeout`),
      );
      await caughtUp(node0, node1, node2);
      assert.equal(await roleOf(node0), "master");
      assert.equal(await roleOf(node1), "slave");
      assert.equal(await roleOf(node2), "slave");
      assert.deepEqual(await syncStats(node0.c), before, "no sync of any kind");
      assert.equal(await call(node0.c, "SET", "writable", "yes"), "OK");
      await caughtUp(node0, node1, node2);
      await assertDigests(node0, node1, node2);
    }),
});

Deno.test({
  name: "FAILOVER waiting for sync pauses writes (paused_reason:failover_in_progress); FAILOVER ABORT",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const [node0, node1, node2] = await trio(s);
      const before = await syncStats(node0.c);
      const writer = await s.client(node0.port);
      let held: Pending | undefined;
      await whilePaused(node1, async () => {
        assert.equal(await call(node0.c, "SET", "case", 2), "OK");
        assert.equal(await call(node0.c, "FAILOVER", "TO", HOST, node1.port, "TIMEOUT", 60000), "OK");
        assert.equal(await failoverState(node0), "waiting-for-sync");
        held = send(writer, "SET", "held", "yes");
        await sleep(300);
        assert.ok(!held.settled(), "a write while the failover waits was answered");
        // Reads still are.
        assert.equal(await call(node0.c, "GET", "case"), "2");
        const clients = await infoMap(node0.c, "clients");
        if (isValkeyLike()) {
          assert.equal(clients.get("paused_reason"), "failover_in_progress");
          assert.equal(clients.get("paused_actions"), "write");
        }
        assert.equal(await failoverState(node0), "waiting-for-sync");
        assert.ok(!held.settled());
        assert.equal(await call(node0.c, "FAILOVER", "ABORT"), "OK");
        assert.equal(await held.result, "OK", "the held write runs once the failover is aborted");
        assert.equal(await failoverState(node0), "no-failover");
        if (isValkeyLike()) {
          assert.equal((await infoMap(node0.c, "clients")).get("paused_reason"), "none");
        }
        assert.equal(await roleOf(node0), "master");
      });
      assert.match(
        node0.proc.output(),
        new RegExp(`FAILOVER to ${HOST}:${node1.port} aborted: Failover manually aborted`),
      );
      await caughtUp(node0, node1, node2);
      assert.equal(await call(node1.c, "GET", "held"), "yes");
      assert.equal(await roleOf(node1), "slave");
      assert.equal(await roleOf(node2), "slave");
      assert.deepEqual(await syncStats(node0.c), before, "no sync of any kind");
      await assertDigests(node0, node1, node2);
    }),
});

Deno.test({
  name: "FAILOVER aborts when the target rejects the PSYNC (ACL -psync): primary again, replicas resync",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const [node0, node1, node2] = await trio(s);
      const before = await syncStats(node0.c);
      // The old primary authenticates to the target as `default`, which may not PSYNC.
      assert.equal(await call(node1.c, "ACL", "SETUSER", "default", "-psync"), "OK");
      const writer = await s.client(node0.port);
      const writerId = call(writer, "CLIENT", "ID");
      let write: Pending | undefined;
      // The target stopped long enough for a write to be sent meanwhile; it is not interrupted.
      await whilePaused(node1, async () => {
        write = send(writer, "SET", "FOO", "BAR");
        // node0 must have read the SET before the FAILOVER: with nothing new written, the stopped target
        // has acknowledged everything and the hand-over follows at the next cron tick, after which a SET
        // read late gets READONLY (on a loaded machine the two connections were read in the other order).
        await waitFor(
          "node0 to read the SET",
          async () =>
            /cmd=set\b/.test(String(await call(node0.c, "CLIENT", "LIST", "ID", String(await writerId)))),
        );
        assert.equal(await call(node0.c, "FAILOVER", "TO", HOST, node1.port), "OK");
      });
      await waitState(node0, "no-failover");
      assert.equal(await write!.result, "OK");
      assert.equal(await call(node1.c, "ACL", "SETUSER", "default", "+psync"), "OK");
      await caughtUp(node0, node1, node2);
      assert.equal(await roleOf(node0), "master");
      assert.equal(await roleOf(node1), "slave");
      assert.equal(await roleOf(node2), "slave");
      // The abort changed the primary's replid: both replicas resynced, partially.
      const after = await syncStats(node0.c);
      assert.equal(after.ok - before.ok, 2, "sync_partial_ok");
      assert.equal(after.full - before.full, 0, "sync_full");
      assert.equal(logCount(node0, "Failover target rejected psync request"), 1, "the old primary's log");
      assert.equal(await call(node2.c, "GET", "FOO"), "BAR");
      await assertDigests(node0, node1, node2);
    }),
});
