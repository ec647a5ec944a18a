/**
 * The replica side of replication over TCP: the server under test following a primary (REPLICAOF).
 *
 * In every test both ends are the target: two (or three) servers started by the helper, the replica with
 * `replicaof 127.0.0.1 <primary port>` in its configuration or sent REPLICAOF at run time, talked to with
 * iovalkey. Covered: REPLICAOF / SLAVEOF replies and errors, INFO replication and ROLE on a replica (while
 * connecting and once in sync), the data a replica ends up with (several types and dbs, TTLs, MULTI/EXEC, a
 * value of a few MB, 50k keys written before the link is up; DEBUG DIGEST equal), READONLY and
 * replica-read-only no, WAIT on a replica, what the primary shows of it, keys with a TTL on a replica, a
 * dropped link and the partial resync after it, REPLICAOF NO ONE (and the old primary then following the
 * promoted replica with a partial resync), primaryauth / masterauth, replica-serve-stale-data no, a chained
 * replica, and blocked clients on a replica. When `VALKEY_SERVER` names a build and the target is Valkyr,
 * the target also follows a real valkey-server primary.
 *
 * Expectations are valkey-server 8.1.1's; the file passes against Debian's redis-server 7.0 too, where
 * what differs (the WAIT error's text, `primaryauth`, ...) is adjusted or the test is Valkey-only. Every
 * server runs with `repl-diskless-sync-delay 0`: a replica's sync starts at once instead of after 5 s.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { freePort, isValkeyLike, isValkyr, startServer, target, valkeyOnly } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import {
  call,
  errOf,
  infoField,
  infoMap,
  inSync,
  linkStatus,
  linkUp,
  listedOnline,
  ReplyErr,
  slaveLine,
  startValkeyServer,
  type SyncStats,
  syncStats,
  valkeyServerPath,
  waitFor,
} from "../helpers/replica.ts";
import { sleep } from "../helpers/timing.ts";

const own = target() !== "external";
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !own };
/** Replication settings every server of this file starts with. */
const REPL = ["--repl-diskless-sync-delay", "0"];

/** Waits until `p` counts `ok` partial resyncs (INFO stats' sync_partial_ok). */
async function partialResyncs(p: Valkey, ok: number, what = "the partial resync"): Promise<void> {
  await waitFor(what, async () => (await syncStats(p)).ok === ok);
}

/** The sync counters `base` plus one partial resync. */
function plusPartial(base: SyncStats): SyncStats {
  return { full: base.full, ok: base.ok + 1, err: base.err };
}

/**
 * `r` follows the primary `p` listening on `port`: REPLICAOF, the link up, `r` in sync. Returns `p`'s sync
 * counters from before the REPLICAOF and after.
 */
async function follow(
  r: Valkey,
  port: number,
  p: Valkey,
): Promise<{ before: SyncStats; after: SyncStats }> {
  const before = await syncStats(p);
  assert.equal(await call(r, "REPLICAOF", "127.0.0.1", port), "OK");
  await linkUp(r);
  await inSync(p, r);
  return { before, after: await syncStats(p) };
}

/** SET `key` `value` on the primary, then waits until the replica has it. */
async function setInSync(p: Valkey, r: Valkey, key: string, value: string): Promise<void> {
  assert.equal(await call(p, "SET", key, value), "OK");
  await inSync(p, r);
}

/** Stops the primary (closing the client `p` first) and waits until the replica `r` sees its link down. */
async function stopPrimary(primary: TestServer, p: Valkey, r: Valkey): Promise<void> {
  p.disconnect();
  await primary.stop();
  await waitFor("the link down", async () => (await linkStatus(r)) === "down");
}

/** What a test started: servers, clients and cleanups, all stopped at its end. */
class Scope {
  #servers: TestServer[] = [];
  #clients: Valkey[] = [];
  #cleanups: (() => Promise<void> | void)[] = [];

  async server(extra: string[] = []): Promise<TestServer> {
    const s = await startServer([...REPL, ...extra]);
    this.#servers.push(s);
    return s;
  }

  /** A server started as a replica of `primaryPort` (`replicaof` in its configuration). */
  replica(primaryPort: number, extra: string[] = []): Promise<TestServer> {
    return this.server(["--replicaof", "127.0.0.1", String(primaryPort), ...extra]);
  }

  /** A replica of `primaryPort` (see {@link replica}), a client to it, and its link up. */
  async linked(
    primaryPort: number,
    extra: string[] = [],
    timeoutMs?: number,
  ): Promise<{ replica: TestServer; r: Valkey }> {
    const replica = await this.replica(primaryPort, extra);
    const r = await this.client(replica.port);
    await linkUp(r, timeoutMs);
    return { replica, r };
  }

  /** A client to `port`, authenticated with `password` if given. */
  async client(port: number, password?: string): Promise<Valkey> {
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
    if (password !== undefined) assert.equal(await call(c, "AUTH", password), "OK");
    return c;
  }

  defer(f: () => Promise<void> | void): void {
    this.#cleanups.push(f);
  }

  async close(): Promise<void> {
    for (const c of this.#clients) c.disconnect();
    for (const f of this.#cleanups.reverse()) await f();
    await Promise.all(this.#servers.map((s) => s.stop()));
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

/** A primary, a replica of it (`replicaof` in its configuration) with the link up, and a client to each. */
async function pair(
  s: Scope,
  primaryExtra: string[] = [],
  replicaExtra: string[] = [],
): Promise<{ primary: TestServer; replica: TestServer; p: Valkey; r: Valkey }> {
  const primary = await s.server(primaryExtra);
  const p = await s.client(primary.port);
  const { replica, r } = await s.linked(primary.port, replicaExtra);
  return { primary, replica, p, r };
}

/** Two servers, neither a replica yet: `other` (and `c`, a client to it) and `primary` for it to follow. */
async function primaryAndOther(s: Scope): Promise<{ primary: TestServer; other: TestServer; c: Valkey }> {
  const primary = await s.server();
  const other = await s.server();
  return { primary, other, c: await s.client(other.port) };
}

/** Writes several types in several dbs, with TTLs and a MULTI/EXEC. `tag` keeps the rounds apart. */
async function writeDataset(c: Valkey, tag: string): Promise<void> {
  const ok = (v: unknown) => assert.ok(!(v instanceof ReplyErr), String(v));
  ok(await call(c, "SELECT", 0));
  ok(await call(c, "SET", `str:${tag}`, `value-${tag}`));
  ok(await call(c, "SET", `int:${tag}`, 12345));
  ok(await call(c, "INCRBY", `int:${tag}`, 10));
  ok(await call(c, "SET", `ttl:${tag}`, "v", "EX", 1000));
  ok(await call(c, "HSET", `hash:${tag}`, "f1", "v1", "f2", "v2", "n", 1));
  ok(await call(c, "HINCRBY", `hash:${tag}`, "n", 5));
  ok(await call(c, "PEXPIRE", `hash:${tag}`, 2000000));
  ok(await call(c, "RPUSH", `list:${tag}`, "a", "b", "c", "d"));
  ok(await call(c, "LPOP", `list:${tag}`));
  const many = Array.from({ length: 300 }, (_, i) => `elem-${i}-${"x".repeat(i % 50)}`);
  ok(await call(c, "RPUSH", `biglist:${tag}`, ...many));
  ok(await call(c, "SADD", `set:${tag}`, "m1", "m2", "m3"));
  ok(await call(c, "SADD", `intset:${tag}`, 1, 2, 3, 100000));
  ok(await call(c, "SREM", `set:${tag}`, "m2"));
  ok(await call(c, "ZADD", `zset:${tag}`, 1, "a", 2.5, "b", -3, "c"));
  ok(await call(c, "ZINCRBY", `zset:${tag}`, 10, "a"));
  ok(await call(c, "XADD", `stream:${tag}`, "1-1", "f", "v"));
  ok(await call(c, "XADD", `stream:${tag}`, "*", "g", "w", "h", "x"));
  ok(await call(c, "XGROUP", "CREATE", `stream:${tag}`, "grp", 0));
  ok(await call(c, "PFADD", `hll:${tag}`, "a", "b", "c"));
  ok(await call(c, "SETBIT", `bits:${tag}`, 100, 1));
  assert.equal(await call(c, "MULTI"), "OK");
  assert.equal(await call(c, "SET", `multi1:${tag}`, "m"), "QUEUED");
  assert.equal(await call(c, "INCR", `multi2:${tag}`), "QUEUED");
  assert.equal(await call(c, "LPUSH", `multi3:${tag}`, "x"), "QUEUED");
  assert.deepEqual(await call(c, "EXEC"), ["OK", 1, 1]);
  ok(await call(c, "SELECT", 2));
  ok(await call(c, "SET", `db2:${tag}`, "two"));
  ok(await call(c, "HSET", `db2hash:${tag}`, "k", "v"));
  ok(await call(c, "SELECT", 9));
  ok(await call(c, "ZADD", `db9zset:${tag}`, 1, "x"));
  ok(await call(c, "SET", `db9ttl:${tag}`, "v", "PX", 5000000));
  ok(await call(c, "SELECT", 0));
}

/** Every key of dbs 0..15 with its type, its content read back type by type, and whether it has a TTL. */
async function snapshot(c: Valkey): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (let db = 0; db < 16; db++) {
    assert.equal(await call(c, "SELECT", db), "OK");
    const keys = (await call(c, "KEYS", "*") as string[]).sort();
    for (const k of keys) {
      const type = await call(c, "TYPE", k) as string;
      let v: unknown;
      switch (type) {
        case "string":
          v = await call(c, "GET", k);
          break;
        case "hash":
          v = (await call(c, "HGETALL", k) as string[]).join("\u0000").split("\u0000").sort();
          break;
        case "list":
          v = await call(c, "LRANGE", k, 0, -1);
          break;
        case "set":
          v = (await call(c, "SMEMBERS", k) as string[]).sort();
          break;
        case "zset":
          v = await call(c, "ZRANGE", k, 0, -1, "WITHSCORES");
          break;
        case "stream":
          v = [await call(c, "XRANGE", k, "-", "+"), await call(c, "XINFO", "GROUPS", k)];
          break;
        default:
          v = type;
      }
      const pttl = Number(await call(c, "PTTL", k));
      out.set(`${db}/${k}`, { type, v, ttl: pttl === -1 ? "none" : pttl > 0 ? "set" : pttl });
    }
  }
  assert.equal(await call(c, "SELECT", 0), "OK");
  return out;
}

/** `p` and `r` hold the same keys with the same content and TTLs, and the same DEBUG DIGEST. */
async function sameData(p: Valkey, r: Valkey): Promise<Map<string, unknown>> {
  const [mine, theirs] = [await snapshot(p), await snapshot(r)];
  assert.deepEqual(theirs, mine);
  assert.equal(await call(r, "DEBUG", "DIGEST"), await call(p, "DEBUG", "DIGEST"));
  return mine;
}

/** The RESP3-less ROLE reply of a replica, its types checked. */
async function replicaRole(c: Valkey): Promise<[string, string, number, string, number]> {
  const role = await call(c, "ROLE") as unknown[];
  assert.ok(Array.isArray(role) && role.length === 5, `ROLE: ${JSON.stringify(role)}`);
  assert.equal(role[0], "slave");
  assert.equal(typeof role[1], "string", "the primary's host is a bulk string");
  assert.equal(typeof role[2], "number", "the primary's port is an integer");
  assert.equal(typeof role[3], "string", "the state is a bulk string");
  assert.equal(typeof role[4], "number", "the offset is an integer");
  return role as [string, string, number, string, number];
}

const WAIT_ON_REPLICA = isValkeyLike()
  ? "ERR WAIT cannot be used with replica instances. Please also note that if a replica is configured to be " +
    "writable (which is not the default) writes to replicas are just local and are not propagated."
  : "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is " +
    "configured to be writable (which is not the default) writes to replicas are just local and are not " +
    "propagated.";
const READONLY = "READONLY You can't write against a read only replica.";
const MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

/** The ROLE of a replica not connected to its primary: state connect or connecting, offset -1. */
async function connectingRole(c: Valkey): Promise<[string, string, number, string, number]> {
  const role = await replicaRole(c);
  assert.ok(["connect", "connecting"].includes(role[3]), `state ${role[3]}`);
  assert.equal(role[4], -1, "no primary client: offset -1");
  return role;
}

/** MULTI, the `queued` commands (each QUEUED), then a write refused with READONLY: EXEC aborts. */
async function queuedWriteAborts(c: Valkey, ...queued: string[][]): Promise<void> {
  assert.equal(await call(c, "MULTI"), "OK");
  for (const q of queued) assert.equal(await call(c, ...q), "QUEUED");
  assert.equal(errOf(await call(c, "SET", "k", "x")), READONLY);
  assert.equal(errOf(await call(c, "EXEC")), "EXECABORT Transaction discarded because of previous errors.");
}

/** Waits until `r` counts one blocked client. */
async function oneBlocked(r: Valkey, what: string): Promise<void> {
  await waitFor(what, async () => (await infoField(r, "blocked_clients", "clients")) === "1");
}

// ---- REPLICAOF itself ------------------------------------------------------------------------------------

Deno.test({
  name: "REPLICAOF / SLAVEOF: argument errors, +OK, 'OK Already connected to specified master', NO ONE",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, c } = await primaryAndOther(s);
      for (const cmd of ["REPLICAOF", "SLAVEOF"]) {
        const arity = `ERR wrong number of arguments for '${cmd.toLowerCase()}' command`;
        assert.equal(errOf(await call(c, cmd)), arity);
        assert.equal(errOf(await call(c, cmd, "127.0.0.1")), arity);
        assert.equal(errOf(await call(c, cmd, "127.0.0.1", 1, 2)), arity);
        for (const bad of ["65536", "-1", "abc", "1.5", "99999999999999999999"]) {
          assert.equal(errOf(await call(c, cmd, "127.0.0.1", bad)), "ERR Invalid master port", bad);
        }
        // NO ONE on a primary: nothing to do, +OK all the same (any case).
        assert.equal(await call(c, cmd, "no", "one"), "OK");
        assert.equal(await call(c, cmd, "NO", "ONE"), "OK");
      }
      assert.equal((await call(c, "ROLE") as unknown[])[0], "master");
      // The range is 0..65535: port 0 is accepted (and never connects).
      assert.equal(await call(c, "REPLICAOF", "127.0.0.1", 0), "OK");
      assert.equal((await infoMap(c)).get("master_port"), "0");
      assert.equal(await call(c, "REPLICAOF", "no", "one"), "OK");

      assert.equal(await call(c, "REPLICAOF", "127.0.0.1", primary.port), "OK");
      // The same host and port again: nothing is done, and the reply says so (a status reply, not +OK).
      const already = async (cmd: string) =>
        assert.equal(
          await call(c, cmd, "127.0.0.1", primary.port),
          "OK Already connected to specified master",
        );
      await already("REPLICAOF");
      await already("SLAVEOF");
      // The host is compared as a string: "localhost" is another primary.
      assert.equal(await call(c, "REPLICAOF", "localhost", primary.port), "OK");
      assert.equal((await infoMap(c)).get("master_host"), "localhost");
      assert.equal(await call(c, "SLAVEOF", "127.0.0.1", primary.port), "OK");
      await linkUp(c);
      await already("REPLICAOF");
      assert.equal((await infoMap(c)).get("master_link_status"), "up", "the link was not touched");
      assert.equal(await call(c, "REPLICAOF", "NO", "ONE"), "OK");
      const role = await call(c, "ROLE") as unknown[];
      assert.equal(role[0], "master");
      assert.equal((await infoMap(c)).get("role"), "master");
      assert.equal((await infoMap(c)).get("master_host"), undefined);
    }),
});

Deno.test({
  name: "REPLICAOF inside MULTI is queued and runs at EXEC",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, other, c } = await primaryAndOther(s);
      assert.equal(await call(c, "MULTI"), "OK");
      assert.equal(await call(c, "REPLICAOF", "127.0.0.1", primary.port), "QUEUED");
      assert.equal(await call(c, "SET", "k", "v"), "QUEUED");
      // The READONLY check is made when a command is queued and when EXEC starts, not between the commands
      // of the transaction: the SET runs after the server became a replica, and succeeds.
      assert.deepEqual(await call(c, "EXEC"), ["OK", "OK"]);
      assert.equal((await infoMap(c)).get("role"), "slave");
      assert.equal(errOf(await call(c, "SET", "k2", "v")), READONLY);
      await linkUp(c);
      // The full sync replaced the data: the local write is gone.
      assert.equal(await call(c, "GET", "k"), null);
      // EXEC itself refuses a write queued while the server was still a primary, once it is a replica.
      assert.equal(await call(c, "REPLICAOF", "NO", "ONE"), "OK");
      assert.equal(await call(c, "MULTI"), "OK");
      assert.equal(await call(c, "SET", "k", "v"), "QUEUED");
      const other2 = await s.client(other.port);
      assert.equal(await call(other2, "REPLICAOF", "127.0.0.1", primary.port), "OK");
      assert.equal(
        errOf(await call(c, "EXEC")),
        `EXECABORT Transaction discarded because of: ${READONLY}`,
      );
      await linkUp(c);
      // On a replica, a write is refused as it is queued, even after a queued REPLICAOF NO ONE: EXEC aborts,
      // and the REPLICAOF NO ONE does not run.
      await queuedWriteAborts(c, ["REPLICAOF", "NO", "ONE"]);
      assert.equal((await infoMap(c)).get("role"), "slave");
      assert.equal(await call(c, "MULTI"), "OK");
      assert.equal(await call(c, "REPLICAOF", "NO", "ONE"), "QUEUED");
      assert.equal(await call(c, "GET", "k"), "QUEUED");
      assert.deepEqual(await call(c, "EXEC"), ["OK", null]);
      assert.equal((await infoMap(c)).get("role"), "master");
    }),
});

Deno.test({
  name: "a replica whose primary does not answer: ROLE connect/connecting with offset -1, link down",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const dead = await freePort(); // nothing listens there
      const server = await s.server();
      const c = await s.client(server.port);
      assert.equal(await call(c, "REPLICAOF", "127.0.0.1", dead), "OK");
      for (let i = 0; i < 3; i++) {
        const role = await connectingRole(c);
        assert.deepEqual([role[1], role[2]], ["127.0.0.1", dead]);
        const info = await infoMap(c);
        assert.equal(info.get("role"), "slave");
        assert.equal(info.get("master_host"), "127.0.0.1");
        assert.equal(info.get("master_port"), String(dead));
        assert.equal(info.get("master_link_status"), "down");
        assert.equal(info.get("master_last_io_seconds_ago"), "-1");
        assert.equal(info.get("master_sync_in_progress"), "0");
        // Never connected: no down-since time yet.
        assert.equal(info.get("master_link_down_since_seconds"), "-1");
        await sleep(600);
      }
      // Reads are served (replica-serve-stale-data yes by default); writes are not.
      assert.equal(await call(c, "GET", "k"), null);
      assert.equal(errOf(await call(c, "SET", "k", "v")), READONLY);
    }),
});

// ---- a replica in sync -----------------------------------------------------------------------------------

Deno.test({
  name: "a replica in sync: INFO replication's fields and ROLE",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s);
      await setInSync(p, r, "k", "v");
      const pi = await infoMap(p);
      const info = await infoMap(r);
      assert.equal(info.get("role"), "slave");
      assert.equal(info.get("master_host"), "127.0.0.1");
      assert.equal(info.get("master_port"), String(primary.port));
      assert.equal(info.get("master_link_status"), "up");
      const io = Number(info.get("master_last_io_seconds_ago"));
      assert.ok(Number.isInteger(io) && io >= 0 && io <= 11, `master_last_io_seconds_ago ${io}`);
      assert.equal(info.get("master_sync_in_progress"), "0");
      assert.equal(info.get("slave_read_repl_offset"), pi.get("master_repl_offset"));
      assert.equal(info.get("slave_repl_offset"), pi.get("master_repl_offset"));
      assert.equal(info.get("slave_priority"), "100");
      assert.equal(info.get("slave_read_only"), "1");
      assert.equal(info.get("replica_announced"), "1");
      assert.equal(info.get("connected_slaves"), "0");
      assert.equal(info.get("master_link_down_since_seconds"), undefined, "only while the link is down");
      assert.equal(info.get("master_replid"), pi.get("master_replid"));
      assert.equal(info.get("master_repl_offset"), pi.get("master_repl_offset"));
      assert.equal(info.get("master_replid2"), "0000000000000000000000000000000000000000");
      assert.equal(info.get("second_repl_offset"), "-1");
      // A replica keeps a backlog of its own (for replicas of its own and for a promotion).
      assert.equal(info.get("repl_backlog_active"), "1");
      // The fields come in Valkey's order.
      const keys = [...info.keys()];
      const order = [
        "role",
        "master_host",
        "master_port",
        "master_link_status",
        "master_last_io_seconds_ago",
        "master_sync_in_progress",
        "slave_read_repl_offset",
        "slave_repl_offset",
        "slave_priority",
        "slave_read_only",
        "replica_announced",
        "connected_slaves",
        "master_replid",
        "master_replid2",
        "master_repl_offset",
        "second_repl_offset",
        "repl_backlog_active",
      ];
      const at = order.map((k) => keys.indexOf(k));
      assert.ok(at.every((i) => i >= 0), `missing fields: ${order.filter((k) => !keys.includes(k))}`);
      assert.deepEqual([...at].sort((a, b) => a - b), at, `INFO order: ${keys.join(",")}`);

      const role = await replicaRole(r);
      assert.deepEqual(role.slice(0, 4), ["slave", "127.0.0.1", primary.port, "connected"]);
      assert.equal(role[4], Number(pi.get("master_repl_offset")));
      // The primary's view: its ROLE lists [host, port, offset] as bulk strings.
      await waitFor("the replica's ACK", async () => {
        const pr = await call(p, "ROLE") as [string, number, string[][]];
        return pr[0] === "master" && pr[2].length === 1 && pr[2][0]![0] === "127.0.0.1" &&
          pr[2][0]![1] === String(replica.port) && pr[2][0]![2] === String(pr[1]);
      });
    }),
});

Deno.test({
  name: "replica-priority, replica-announced, replica-announce-ip/port: the replica's and the primary's INFO",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { replica, p, r } = await pair(s, [], [
        "--replica-priority",
        "7",
        "--replica-announced",
        "no",
        "--replica-announce-ip",
        "10.1.2.3",
        "--replica-announce-port",
        "4321",
      ]);
      const info = await infoMap(r);
      assert.equal(info.get("slave_priority"), "7");
      assert.equal(info.get("replica_announced"), "0");
      // The primary lists it with the announced address, in INFO and in ROLE.
      const line = await listedOnline(p, 4321);
      assert.match(line, /^slave0:ip=10\.1\.2\.3,port=4321,state=online,/);
      assert.equal(await slaveLine(p, replica.port), undefined);
      const role = await call(p, "ROLE") as [string, number, string[][]];
      assert.deepEqual(role[2].map((e) => e.slice(0, 2)), [["10.1.2.3", "4321"]]);
      assert.equal(await call(r, "CONFIG", "SET", "replica-priority", "0"), "OK");
      assert.equal(await infoField(r, "slave_priority"), "0");
    }),
});

Deno.test({
  name:
    "the data reaches the replica: 50k keys and 4 MB before the link is up, types, dbs, TTLs, MULTI after",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const primary = await s.server();
      const p = await s.client(primary.port);
      // 50k keys before the link is up, in MSETs of 1000.
      for (let b = 0; b < 50; b++) {
        const args: string[] = [];
        for (let i = 0; i < 1000; i++) args.push(`key:${b * 1000 + i}`, `val:${b * 1000 + i}`);
        assert.equal(await call(p, "MSET", ...args), "OK");
      }
      const big1 = "a".repeat(3 * 1024 * 1024) + "end";
      assert.equal(await call(p, "SET", "big:before", big1), "OK");
      await writeDataset(p, "before");
      const { r } = await s.linked(primary.port, [], 30000);
      // Then through the stream.
      await writeDataset(p, "after");
      const big2 = "b".repeat(4 * 1024 * 1024) + "end";
      assert.equal(await call(p, "SET", "big:after", big2), "OK");
      assert.equal(await call(p, "APPEND", "big:after", "!"), 4 * 1024 * 1024 + 4);
      assert.equal(await call(p, "DEL", "str:before", "key:7"), 2);
      assert.equal(await call(p, "EXPIRE", "list:before", 3000), 1);
      assert.equal(await call(p, "PERSIST", "ttl:before"), 1);
      assert.equal(await call(p, "SELECT", 5), "OK");
      assert.equal(await call(p, "FLUSHDB"), "OK"); // empty: nothing changes, but it is replicated
      assert.equal(await call(p, "SET", "db5", "x"), "OK");
      assert.equal(await call(p, "SELECT", 0), "OK");
      await inSync(p, r, 30000);
      assert.equal(await call(r, "DBSIZE"), await call(p, "DBSIZE"));
      assert.ok(Number(await call(r, "DBSIZE")) > 50000);
      assert.equal(await call(r, "GET", "key:49999"), "val:49999");
      assert.equal(await call(r, "GET", "key:7"), null);
      assert.equal(await call(r, "STRLEN", "big:before"), big1.length);
      assert.equal(await call(r, "GET", "big:after"), big2 + "!");
      for (let b = 0; b < 50; b++) {
        const keys = Array.from({ length: 1000 }, (_, i) => `key:${b * 1000 + i}`);
        assert.deepEqual(await call(r, "MGET", ...keys), await call(p, "MGET", ...keys));
      }
      // Then away on the primary (the UNLINKs are replicated), to compare the rest type by type.
      for (let b = 0; b < 50; b++) {
        const keys = Array.from({ length: 1000 }, (_, i) => `key:${b * 1000 + i}`);
        assert.ok(Number(await call(p, "UNLINK", ...keys)) >= 999);
      }
      await inSync(p, r);
      const mine = await sameData(p, r);
      assert.ok(mine.size > 35, `${mine.size} keys`);
      assert.equal(await call(r, "TTL", "ttl:before"), -1);
      const ttl = Number(await call(r, "TTL", "list:before"));
      assert.ok(ttl > 2900 && ttl <= 3000, `TTL ${ttl}`);
      assert.match(String(await call(p, "DEBUG", "DIGEST")), /^[0-9a-f]{40}$/);
    }),
});

Deno.test({
  name:
    "a replica refuses writes with READONLY, serves reads; replica-read-only no lets writes through locally",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { p, r } = await pair(s);
      await setInSync(p, r, "k", "from-primary");
      assert.equal(await call(r, "GET", "k"), "from-primary");
      assert.equal(await call(r, "EXISTS", "k"), 1);
      for (const cmd of [["SET", "k", "x"], ["DEL", "k"], ["INCR", "n"], ["LPUSH", "l", "a"], ["FLUSHALL"]]) {
        assert.equal(errOf(await call(r, ...cmd)), READONLY, cmd.join(" "));
      }
      // A write queued in MULTI is refused when queued: EXEC then aborts.
      await queuedWriteAborts(r);
      assert.equal(await call(r, "GET", "k"), "from-primary");
      // WAIT is refused on a replica, writable or not.
      assert.equal(errOf(await call(r, "WAIT", 0, 0)), WAIT_ON_REPLICA);
      assert.equal(errOf(await call(r, "WAIT", 1, 100)), WAIT_ON_REPLICA);

      assert.equal(await call(r, "CONFIG", "SET", "replica-read-only", "no"), "OK");
      assert.equal((await infoMap(r)).get("slave_read_only"), "0");
      assert.equal(await call(r, "SET", "local", "only-here"), "OK");
      assert.equal(await call(r, "GET", "local"), "only-here");
      assert.equal(errOf(await call(r, "WAIT", 0, 0)), WAIT_ON_REPLICA);
      // Local writes are not sent anywhere, and the stream from the primary still applies.
      await setInSync(p, r, "k", "again");
      assert.equal(await call(r, "GET", "k"), "again");
      assert.equal(await call(p, "EXISTS", "local"), 0);
      assert.equal((await infoMap(r)).get("master_link_status"), "up");
      assert.equal(await call(r, "CONFIG", "SET", "replica-read-only", "yes"), "OK");
      assert.equal(errOf(await call(r, "SET", "k", "x")), READONLY);
    }),
});

Deno.test({
  name: "the primary lists the replica (slave0 with its listening port, ROLE) and WAIT 1 returns 1",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { replica, p, r } = await pair(s);
      const line = await listedOnline(p, replica.port);
      assert.match(
        line,
        new RegExp(
          `^slave0:ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=\\d+,lag=\\d+` +
            (isValkeyLike() ? ",type=replica$" : "$"),
        ),
      );
      assert.equal(await infoField(p, "connected_slaves"), "1");
      assert.equal(await call(p, "SET", "a", "1"), "OK");
      assert.equal(await call(p, "WAIT", 1, 5000), 1);
      // WAIT 2 with only one replica: times out with 1.
      assert.equal(await call(p, "SET", "b", "2"), "OK");
      const t0 = Date.now();
      assert.equal(await call(p, "WAIT", 2, 300), 1);
      assert.ok(Date.now() - t0 >= 250);
      assert.equal(await call(r, "GET", "b"), "2");
      // The acked offset in the slave line reaches the primary's offset.
      const want = await infoField(p, "master_repl_offset");
      await waitFor("the acked offset", async () =>
        (await slaveLine(p, replica.port))?.includes(`,offset=${want},`));
      // CLIENT LIST shows the link on both sides.
      const plist = String(await call(p, "CLIENT", "LIST", "TYPE", "replica"));
      assert.equal(plist.trim().split("\n").length, 1);
      assert.match(plist, /flags=S /);
      const rlist = String(await call(r, "CLIENT", "LIST", "TYPE", "master"));
      assert.equal(rlist.trim().split("\n").length, 1);
      assert.match(rlist, /flags=M /);
      assert.match(rlist, new RegExp(`addr=127\\.0\\.0\\.1:\\d+ `));
    }),
});

// ---- keys with a TTL -------------------------------------------------------------------------------------

Deno.test({
  name:
    "a key whose TTL passed reads as missing on the replica, and is deleted there when the primary expires it",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { p, r } = await pair(s);
      // The primary expires nothing by itself in this test: only on access.
      assert.equal(await call(p, "DEBUG", "SET-ACTIVE-EXPIRE", 0), "OK");
      assert.equal(await call(p, "SET", "short", "v", "PX", 1500), "OK");
      assert.equal(await call(p, "SET", "keep", "v"), "OK");
      assert.equal(await call(p, "WAIT", 1, 5000), 1);
      assert.equal(await call(r, "GET", "short"), "v");
      const pttl = Number(await call(r, "PTTL", "short"));
      assert.ok(pttl > 0 && pttl <= 1500, `PTTL ${pttl}`);
      await sleep(1650);
      // Logically expired: the replica reports it missing, but does not delete it (only the primary does).
      assert.equal(await call(r, "GET", "short"), null);
      assert.equal(await call(r, "EXISTS", "short"), 0);
      assert.equal(await call(r, "TTL", "short"), -2);
      assert.equal(await call(r, "DBSIZE"), 2);
      await sleep(300);
      assert.equal(await call(r, "DBSIZE"), 2, "the replica does not expire keys itself");
      // The primary expires it on access: the deletion reaches the replica.
      assert.equal(await call(p, "GET", "short"), null);
      assert.equal(await call(p, "WAIT", 1, 5000), 1);
      await waitFor("the replica's DBSIZE 1", async () => (await call(r, "DBSIZE")) === 1);
      assert.equal(await call(r, "GET", "keep"), "v");
      // With active expiry on, the primary deletes it alone, and the replica follows.
      assert.equal(await call(p, "DEBUG", "SET-ACTIVE-EXPIRE", 1), "OK");
      assert.equal(await call(p, "SET", "short2", "v", "PX", 2000), "OK");
      assert.equal(await call(p, "WAIT", 1, 5000), 1);
      assert.equal(await call(r, "DBSIZE"), 2);
      await waitFor("the replica's DBSIZE back to 1", async () => (await call(r, "DBSIZE")) === 1, 10000);
      assert.equal(await call(p, "DBSIZE"), 1);
    }),
});

// ---- the link ----------------------------------------------------------------------------------------------

Deno.test({
  name: "CLIENT KILL TYPE master on the replica: it reconnects and resyncs partially",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { p, r } = await pair(s);
      await setInSync(p, r, "a", "1");
      const base = await syncStats(p);
      assert.equal(base.full, 1);
      const t0 = Date.now();
      assert.equal(await call(r, "CLIENT", "KILL", "TYPE", "master"), 1);
      assert.equal(await call(p, "SET", "while-down", "1"), "OK");
      await partialResyncs(p, base.ok + 1);
      const took = Date.now() - t0;
      await linkUp(r);
      assert.deepEqual(await syncStats(p), plusPartial(base));
      assert.ok(took < 5000, `reconnected after ${took} ms`);
      await setInSync(p, r, "after", "1");
      assert.equal(await call(r, "GET", "while-down"), "1");
      assert.equal(await call(r, "GET", "after"), "1");
      assert.equal(await infoField(r, "master_replid"), await infoField(p, "master_replid"));
    }),
});

Deno.test({
  name: "after a partial resync the stream goes on in the database it was in (no SELECT is resent)",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { p, r } = await pair(s);
      await inSync(p, r);
      const base = await syncStats(p);
      // The primary's stream selects db 9 once; after the link drops it continues there without SELECT.
      assert.equal(await call(p, "SELECT", "9"), "OK");
      assert.equal(await call(p, "RPUSH", "l9", "a"), 1);
      await inSync(p, r);
      assert.equal(await call(r, "CLIENT", "KILL", "TYPE", "master"), 1);
      assert.equal(await call(p, "RPUSH", "l9", "b"), 2);
      await partialResyncs(p, base.ok + 1);
      assert.equal(await call(p, "RPUSH", "l9", "c"), 3);
      await inSync(p, r);
      assert.equal(await call(r, "SELECT", "9"), "OK");
      assert.deepEqual(await call(r, "LRANGE", "l9", 0, -1), ["a", "b", "c"]);
      assert.equal(await call(r, "SELECT", "0"), "OK");
      assert.equal(await call(r, "EXISTS", "l9"), 0);
    }),
});

Deno.test({
  name: "CLIENT KILL TYPE replica on the primary: the replica reconnects and resyncs partially",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { p, r } = await pair(s);
      await inSync(p, r);
      const base = await syncStats(p);
      assert.equal(await call(p, "CLIENT", "KILL", "TYPE", "replica"), 1);
      for (let i = 0; i < 100; i++) assert.equal(await call(p, "RPUSH", "l", i), i + 1);
      await partialResyncs(p, base.ok + 1);
      await inSync(p, r);
      assert.deepEqual(await call(r, "LRANGE", "l", 0, -1), Array.from({ length: 100 }, (_, i) => String(i)));
      assert.equal((await syncStats(p)).full, base.full);
    }),
});

Deno.test({
  name:
    "the primary stops: link down, master_link_down_since_seconds, ROLE connect/connecting with offset -1",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, p, r } = await pair(s);
      await setInSync(p, r, "a", "1");
      await stopPrimary(primary, p, r);
      await sleep(1200);
      const info = await infoMap(r);
      const since = Number(info.get("master_link_down_since_seconds"));
      assert.ok(since >= 1 && since < 10, `master_link_down_since_seconds ${since}`);
      assert.equal(info.get("master_last_io_seconds_ago"), "-1");
      await connectingRole(r);
      // Stale data is served by default.
      assert.equal(await call(r, "GET", "a"), "1");
    }),
});

// ---- promotion -------------------------------------------------------------------------------------------

Deno.test({
  name:
    "REPLICAOF NO ONE promotes: writes accepted, master_replid2/second_repl_offset; the old primary follows it",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s);
      await setInSync(p, r, "a", "1");
      const old = await infoMap(p);
      const oldId = old.get("master_replid")!;
      const offset = Number(old.get("master_repl_offset"));
      assert.equal(await call(r, "REPLICAOF", "NO", "ONE"), "OK");
      const info = await infoMap(r);
      assert.equal(info.get("role"), "master");
      assert.notEqual(info.get("master_replid"), oldId, "a new replication ID");
      assert.match(info.get("master_replid")!, /^[0-9a-f]{40}$/);
      assert.equal(info.get("master_replid2"), oldId);
      assert.equal(info.get("second_repl_offset"), String(offset + 1));
      assert.equal(info.get("master_repl_offset"), String(offset));
      assert.equal(info.get("master_link_status"), undefined);
      assert.deepEqual(await call(r, "ROLE"), ["master", offset, []]);
      assert.equal(await call(r, "GET", "a"), "1", "the data stays");
      assert.equal(await call(r, "SET", "b", "2"), "OK");
      // The old primary follows the promoted replica: its ID is the promoted one's replid2, and nothing was
      // lost in between, so a partial resync.
      const back = await follow(p, replica.port, r);
      assert.deepEqual(back.after, plusPartial(back.before));
      assert.equal(await call(p, "GET", "b"), "2");
      assert.equal(await infoField(p, "master_replid"), info.get("master_replid"));
      // And back: the old primary promoted again, the other one follows it (partial again).
      assert.equal(await call(p, "REPLICAOF", "NO", "ONE"), "OK");
      const again = await follow(r, primary.port, p);
      assert.deepEqual(again.after, plusPartial(again.before));
      assert.equal(await call(p, "SET", "c", "3"), "OK");
      assert.equal(await call(p, "WAIT", 1, 5000), 1);
      assert.equal(await call(r, "GET", "c"), "3");
    }),
});

Deno.test({
  name: "REPLICAOF NO ONE then back to the same primary after writing: a full resync drops the local writes",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, p, r } = await pair(s);
      await setInSync(p, r, "a", "1");
      assert.equal(await call(r, "REPLICAOF", "NO", "ONE"), "OK");
      assert.equal(await call(r, "SET", "local", "x"), "OK");
      const { before, after } = await follow(r, primary.port, p);
      // The replica asks to continue its own history, unknown to the primary: full resync.
      assert.equal(after.full, before.full + 1);
      assert.equal(after.err, before.err + 1);
      assert.equal(await call(r, "GET", "local"), null);
      assert.equal(await call(r, "GET", "a"), "1");
    }),
});

// ---- authentication --------------------------------------------------------------------------------------

async function authTest(s: Scope, directive: string): Promise<void> {
  const primary = await s.server(["--requirepass", "s3cret"]);
  const { r } = await s.linked(primary.port, [`--${directive}`, "s3cret"]);
  const p = await s.client(primary.port, "s3cret");
  assert.equal(await call(p, "SET", "k", "v"), "OK");
  assert.equal(await call(p, "WAIT", 1, 5000), 1);
  assert.equal(await call(r, "GET", "k"), "v");
}

Deno.test({
  name: "a primary with requirepass: a replica with masterauth syncs",
  ...opts,
  fn: () => scoped((s) => authTest(s, "masterauth")),
});

Deno.test({
  name: "a primary with requirepass: a replica with primaryauth syncs",
  ...opts,
  ...(opts.ignore ? {} : valkeyOnly()),
  fn: () => scoped((s) => authTest(s, "primaryauth")),
});

Deno.test({
  name:
    "a primary with requirepass: without the password the link stays down, CONFIG SET masterauth fixes it",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const primary = await s.server(["--requirepass", "s3cret"]);
      const replica = await s.replica(primary.port);
      const r = await s.client(replica.port);
      await sleep(2500);
      assert.equal(await linkStatus(r), "down");
      const role = await replicaRole(r);
      assert.notEqual(role[3], "connected");
      assert.equal(role[4], -1);
      assert.equal(await call(r, "CONFIG", "SET", "masterauth", "wrong"), "OK");
      await sleep(2500);
      assert.equal(await linkStatus(r), "down");
      assert.equal(await call(r, "CONFIG", "SET", "masterauth", "s3cret"), "OK");
      await linkUp(r);
      const p = await s.client(primary.port, "s3cret");
      assert.equal((await syncStats(p)).full, 1);
    }),
});

// ---- replica-serve-stale-data ----------------------------------------------------------------------------

Deno.test({
  name: "replica-serve-stale-data no: MASTERDOWN while the link is down, served again once it is up",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const primary = await s.server();
      const p = await s.client(primary.port);
      assert.equal(await call(p, "SET", "k", "v"), "OK");
      const replica = await s.server(["--replica-serve-stale-data", "no"]);
      const r = await s.client(replica.port);
      // Not a replica yet: nothing is stale.
      assert.equal(await call(r, "GET", "k"), null);
      const dead = await freePort();
      assert.equal(await call(r, "REPLICAOF", "127.0.0.1", dead), "OK");
      assert.equal(errOf(await call(r, "GET", "k")), MASTERDOWN);
      assert.equal(errOf(await call(r, "DBSIZE")), MASTERDOWN);
      assert.equal(errOf(await call(r, "PING")), MASTERDOWN);
      // What stays allowed: INFO, ROLE, CONFIG, REPLICAOF...
      assert.equal((await infoMap(r)).get("master_link_status"), "down");
      assert.equal((await call(r, "ROLE") as unknown[])[0], "slave");
      assert.deepEqual(await call(r, "CONFIG", "GET", "replica-serve-stale-data"), [
        "replica-serve-stale-data",
        "no",
      ]);
      assert.equal(await call(r, "REPLICAOF", "127.0.0.1", primary.port), "OK");
      await linkUp(r);
      assert.equal(await call(r, "GET", "k"), "v");
      assert.equal(await call(r, "PING"), "PONG");
      // The primary goes away: MASTERDOWN again.
      await stopPrimary(primary, p, r);
      assert.equal(errOf(await call(r, "GET", "k")), MASTERDOWN);
      assert.equal(await call(r, "CONFIG", "SET", "replica-serve-stale-data", "yes"), "OK");
      assert.equal(await call(r, "GET", "k"), "v");
    }),
});

// ---- chains and blocked clients --------------------------------------------------------------------------

Deno.test({
  name: "a replica of a replica: writes on the top primary reach the second level",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { primary, replica, p, r } = await pair(s);
      assert.equal(await call(p, "SET", "before", "1"), "OK");
      const { replica: sub, r: r2 } = await s.linked(replica.port);
      const info2 = await infoMap(r2);
      assert.equal(info2.get("master_port"), String(replica.port));
      assert.equal(
        info2.get("master_replid"),
        await infoField(p, "master_replid"),
        "one history down the chain",
      );
      await waitFor("the sub-replica listed", () => slaveLine(r, sub.port));
      assert.equal(await infoField(r, "connected_slaves"), "1");
      assert.equal(await infoField(r, "master_port"), String(primary.port));
      await writeDataset(p, "chain");
      await inSync(p, r);
      await waitFor("the second level in sync", async () =>
        (await infoField(r2, "master_repl_offset")) === (await infoField(p, "master_repl_offset")));
      assert.equal(await call(r2, "GET", "before"), "1");
      assert.deepEqual(await snapshot(r2), await snapshot(p));
      assert.equal(errOf(await call(r2, "SET", "x", "1")), READONLY);
      // WAIT on the top primary counts only its direct replica.
      assert.equal(await call(p, "WAIT", 2, 200), 1);
    }),
});

Deno.test({
  name:
    "blocked clients on a replica: XREAD BLOCK and BLPOP (writable replica) are served by the primary's writes",
  ...opts,
  fn: () =>
    scoped(async (s) => {
      const { replica, p, r } = await pair(s);
      // BLPOP pops: a write, refused by a read-only replica.
      assert.equal(errOf(await call(r, "BLPOP", "list", 0)), READONLY);
      const x = await s.client(replica.port);
      const reading = call(x, "XREAD", "BLOCK", 10000, "STREAMS", "st", "$");
      await oneBlocked(r, "XREAD blocked");
      assert.equal(await call(p, "XADD", "st", "1-1", "f", "v"), "1-1");
      assert.deepEqual(await reading, [["st", [["1-1", ["f", "v"]]]]]);

      assert.equal(await call(r, "CONFIG", "SET", "replica-read-only", "no"), "OK");
      const b = await s.client(replica.port);
      const popping = call(b, "BLPOP", "list", 10);
      await oneBlocked(r, "BLPOP blocked");
      assert.equal(await call(p, "RPUSH", "list", "a", "b"), 2);
      assert.deepEqual(await popping, ["list", "a"]);
      // The pop was local: the primary still has both.
      assert.deepEqual(await call(p, "LRANGE", "list", 0, -1), ["a", "b"]);
      assert.deepEqual(await call(r, "LRANGE", "list", 0, -1), ["b"]);
    }),
});

// ---- the target following a real valkey-server -----------------------------------------------------------

const realPrimary = valkeyServerPath() !== null && isValkyr();

/** A valkey-server started as a primary on a free port, stopped (its directory removed) at the test's end. */
async function startValkeyPrimary(s: Scope, extra: string[] = []): Promise<number> {
  const v = await startValkeyServer([...REPL, ...extra], { prefix: "valkyr-real-primary-" });
  s.defer(() => v.stop(true));
  return v.port;
}

Deno.test({
  name: "the target as a replica of a real valkey-server: the same data, the same digest",
  ...opts,
  ignore: opts.ignore || !realPrimary,
  fn: () =>
    scoped(async (s) => {
      const port = await startValkeyPrimary(s);
      const p = await s.client(port);
      await writeDataset(p, "before");
      assert.equal(await call(p, "SET", "big", "z".repeat(2 * 1024 * 1024)), "OK");
      const { replica, r } = await s.linked(port);
      await writeDataset(p, "after");
      assert.equal(await call(p, "DEL", "str:before"), 1);
      assert.equal(await call(p, "WAIT", 1, 10000), 1);
      await inSync(p, r);
      await sameData(p, r);
      const role = await replicaRole(r);
      assert.deepEqual(role.slice(0, 4), ["slave", "127.0.0.1", port, "connected"]);
      assert.match(
        (await slaveLine(p, replica.port)) ?? "",
        /^slave0:ip=127\.0\.0\.1,port=\d+,state=online,/,
      );
    }),
});

Deno.test({
  name: "the target as a replica of a real valkey-server: partial resync after the link drops, auth",
  ...opts,
  ignore: opts.ignore || !realPrimary,
  fn: () =>
    scoped(async (s) => {
      const port = await startValkeyPrimary(s, ["--requirepass", "pw"]);
      const p = await s.client(port, "pw");
      assert.equal(await call(p, "SET", "a", "1"), "OK");
      const { r } = await s.linked(port, ["--masterauth", "pw"]);
      const base = await syncStats(p);
      assert.equal(base.full, 1);
      assert.equal(await call(r, "CLIENT", "KILL", "TYPE", "master"), 1);
      assert.equal(await call(p, "SET", "b", "2"), "OK");
      await partialResyncs(p, base.ok + 1);
      assert.equal(await call(p, "CLIENT", "KILL", "TYPE", "replica"), 1);
      assert.equal(await call(p, "SET", "c", "3"), "OK");
      await partialResyncs(p, base.ok + 2, "the second partial resync");
      await linkUp(r);
      assert.equal(await call(p, "WAIT", 1, 10000), 1);
      await inSync(p, r);
      assert.deepEqual(await call(r, "MGET", "a", "b", "c"), ["1", "2", "3"]);
      assert.equal((await syncStats(p)).full, 1);
      // Promoted, the target keeps the valkey-server's history as its replid2.
      const id = await infoField(p, "master_replid");
      assert.equal(await call(r, "REPLICAOF", "NO", "ONE"), "OK");
      assert.equal(await infoField(r, "master_replid2"), id);
      assert.equal(await call(r, "SET", "mine", "1"), "OK");
    }),
});
