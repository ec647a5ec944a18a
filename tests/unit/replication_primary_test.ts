/**
 * The primary side of replication over TCP: what a replica sees when it syncs from the server under test.
 *
 * Most tests use a hand-rolled replica (tests/helpers/replica.ts) that speaks the protocol byte by byte:
 * the handshake (`PING`, `REPLCONF listening-port`, `REPLCONF capa eof capa psync2`), `PSYNC ? -1` →
 * `+FULLRESYNC <replid> <offset>` and the RDB in both forms (`$EOF:<40 bytes>\r\n` + RDB + the same 40 bytes
 * when diskless, `$<len>\r\n` + RDB from disk), then the command stream parsed into argv arrays with its
 * bytes counted against INFO's master_repl_offset. Then: REPLCONF ACK and what INFO, ROLE and WAIT make of
 * it, GETACK, partial resyncs from the backlog, the old SYNC, REPLCONF rdb-only, errors, min-replicas-*,
 * CLIENT LIST/KILL of a replica; then the real tools (`redis-cli --rdb`, `redis-cli --replica`) and, when
 * `VALKEY_SERVER` names a build, a real valkey-server replicating the target's data and resyncing partially.
 *
 * Expectations are valkey-server 8.1.1's; the file passes against Debian's redis-server 7.0 too, and what
 * differs there (RDB version 10, no `type=replica` in INFO's slave lines, DEL instead of UNLINK for expired
 * keys) is adjusted where it is checked. Every server runs with `repl-ping-replica-period 3600`, so no PING
 * of the primary lands in the stream while a test counts bytes.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Buffer } from "node:buffer";
import { isValkeyLike, startServer, target } from "../helpers/server.ts";
import type { TestServer } from "../helpers/server.ts";
import { RawConn, RespError, withRaw } from "../helpers/raw.ts";
import {
  FakeReplica,
  infoField,
  infoMap,
  listedOnline,
  type RdbPayload,
  slaveLine,
  startRealReplica,
  syncedReplica,
  syncStats,
  valkeyServerPath,
  waitFor,
} from "../helpers/replica.ts";
import { sleep } from "../helpers/timing.ts";

const own = target() !== "external";
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !own };
/** Replication settings every server of this file starts with. */
const REPL = ["--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600"];

function err(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

async function masterOffset(c: RawConn): Promise<number> {
  return Number(await infoField(c, "master_repl_offset"));
}

async function connectedSlaves(c: RawConn): Promise<string> {
  return await infoField(c, "connected_slaves");
}

/**
 * Waits until the primary shows the replica online, then sends its first REPLCONF ACK: a diskless primary
 * starts the command stream only on that ACK (an ACK that comes earlier, while the RDB child is being
 * reaped, is not the one it waits for).
 */
async function online(c: RawConn, r: FakeReplica, listeningPort: number): Promise<void> {
  await listedOnline(c, listeningPort);
  r.ack();
}

/** A replica synced (PSYNC ? -1), online and acked: the stream flows. */
async function streaming(
  c: RawConn,
  port: number,
  listeningPort: number,
  capa = ["eof", "psync2"],
): Promise<{ r: FakeReplica; replid: string; payload: RdbPayload; fullresync: string }> {
  const s = await syncedReplica(port, { listeningPort, capa });
  await online(c, s.r, listeningPort);
  return s;
}

/** Runs `fn` with the replica and always closes it. */
async function closing<T>(r: FakeReplica, fn: (r: FakeReplica) => Promise<T>): Promise<T> {
  try {
    return await fn(r);
  } finally {
    r.close();
  }
}

/** Connects a new {@link FakeReplica}, runs `fn` with it, and always closes it. */
async function withReplica<T>(port: number, fn: (r: FakeReplica) => Promise<T>): Promise<T> {
  return await closing(await FakeReplica.connect(port), fn);
}

/** Nothing more arrives on the replica's connection within `ms`. */
async function quiet(r: FakeReplica, ms = 150): Promise<void> {
  assert.equal(await r.peekFor(ms), "", "the primary sent more than expected");
}

/** `rdb` looks like a whole RDB file (and holds the string `holds`, if given). */
function assertRdb(rdb: Buffer, holds?: string, msg = `the RDB holds ${holds}`): void {
  assert.equal(rdb.subarray(0, 5).toString("latin1"), "REDIS");
  assert.match(rdb.subarray(5, 9).toString("latin1"), /^\d{4}$/);
  // Valkey 8.1 writes RDB version 11; Redis 7.0 version 10.
  assert.equal(rdb.subarray(0, 9).toString("latin1"), isValkeyLike() ? "REDIS0011" : "REDIS0010");
  // The EOF opcode, then the 8-byte CRC64.
  assert.ok(rdb.length >= 18, `an RDB of ${rdb.length} bytes`);
  assert.equal(rdb[rdb.length - 9], 0xff, "the EOF opcode before the checksum");
  if (holds !== undefined) assert.ok(rdb.includes(holds), msg);
}

async function withServer(extra: string[], fn: (s: TestServer, c: RawConn) => Promise<void>): Promise<void> {
  const s = await startServer([...REPL, ...extra]);
  const c = await RawConn.connect(s.port);
  try {
    await fn(s, c);
  } finally {
    c.close();
    await s.stop();
  }
}

// One server for the tests that leave no replica behind (argument errors).
const shared = own ? await startServer(REPL) : null;
globalThis.addEventListener?.("unload", () => void shared?.stop());

Deno.test({
  name: "PSYNC ? -1 after the handshake: +FULLRESYNC <replid> <offset>, then a diskless $EOF: payload",
  ...opts,
  fn: () =>
    withServer(["--repl-diskless-sync", "yes"], async (s, c) => {
      assert.equal(await c.call("SET", "before-sync", "v"), "OK");
      const before = await infoMap(c, "replication");
      assert.equal(before.get("repl_backlog_active"), "0");
      assert.equal(before.get("connected_slaves"), "0");
      await withReplica(s.port, async (r) => {
        assert.equal(await r.call("PING"), "+PONG");
        assert.equal(await r.call("REPLCONF", "listening-port", "6401"), "+OK");
        assert.equal(await r.call("REPLCONF", "capa", "eof", "capa", "psync2"), "+OK");
        const line = await r.psync("?", -1);
        const m = /^\+FULLRESYNC ([0-9a-f]{40}) (\d+)$/.exec(line);
        assert.ok(m, line);
        const p = await r.readPayload();
        assert.equal(p.form, "eof");
        assert.match(p.mark!, /^[0-9a-f]{40}$/, "the EOF mark is 40 random hex characters");
        assertRdb(p.rdb, "before-sync", "the RDB holds the key written before the sync");
        // The first replica creates the backlog, under a new replication ID: the one FULLRESYNC announced.
        const after = await infoMap(c, "replication");
        assert.equal(after.get("master_replid"), m[1]);
        assert.notEqual(after.get("master_replid"), before.get("master_replid"));
        assert.equal(m[2], after.get("master_repl_offset"));
        assert.equal(after.get("repl_backlog_active"), "1");
        assert.equal(after.get("connected_slaves"), "1");
        const stats = await syncStats(c);
        assert.deepEqual(stats, { full: 1, ok: 0, err: 0 });
      });
    }),
});

Deno.test({
  name: "the payload is $<len> + RDB with repl-diskless-sync no, or for a replica without capa eof",
  ...opts,
  fn: () =>
    withServer(["--repl-diskless-sync", "yes"], async (s, c) => {
      assert.equal(await c.call("SET", "k", "v"), "OK");
      const cases: [string, string[], "eof" | "bulk"][] = [
        ["yes", ["eof", "psync2"], "eof"],
        ["yes", ["psync2"], "bulk"],
        ["yes", [], "bulk"],
        ["no", ["eof", "psync2"], "bulk"],
      ];
      let lp = 6410;
      for (const [diskless, capa, form] of cases) {
        assert.equal(await c.call("CONFIG", "SET", "repl-diskless-sync", diskless), "OK");
        await withReplica(s.port, async (r) => {
          await r.handshake(lp++, capa);
          assert.match(await r.psync("?", -1), /^\+FULLRESYNC [0-9a-f]{40} \d+$/);
          const p = await r.readPayload();
          assert.equal(p.form, form, `diskless ${diskless}, capa ${capa.join(",")}`);
          assertRdb(p.rdb, "k");
        });
      }
      assert.equal((await syncStats(c)).full, 4);
    }),
});

Deno.test({
  name: "while a diskless sync waits out repl-diskless-sync-delay, the replica gets a newline every second",
  ...opts,
  fn: () =>
    withServer(["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "2"], async (s, c) => {
      await withReplica(s.port, async (r) => {
        await r.handshake(6405);
        const t0 = Date.now();
        r.send("PSYNC", "?", "-1");
        // Nothing but keep-alive newlines until the delay is over; +FULLRESYNC comes when the fork starts.
        const head = await waitFor("+FULLRESYNC", async () => {
          const got = await r.peekFor(50);
          return got.includes("\r\n") ? got : undefined;
        });
        assert.ok(Date.now() - t0 >= 1500, `FULLRESYNC after ${Date.now() - t0} ms`);
        assert.match(head, /^\n+\+FULLRESYNC [0-9a-f]{40} \d+\r\n/);
        assert.match(await r.line(), /^\+FULLRESYNC /);
        assertRdb((await r.readPayload()).rdb);
        assert.equal(await connectedSlaves(c), "1");
      });
    }),
});

Deno.test({
  name: "SYNC (the old protocol): no +FULLRESYNC line, the payload at once, then the command stream",
  ...opts,
  fn: () =>
    withServer(["--repl-diskless-sync", "yes"], async (s, c) => {
      assert.equal(await c.call("SET", "k", "v"), "OK");
      // Without capa eof the RDB comes from disk, with its length; the stream follows without an ACK.
      await withReplica(s.port, async (r) => {
        r.send("SYNC");
        const p = await r.readPayload(); // throws on a +FULLRESYNC line
        assert.equal(p.form, "bulk");
        assertRdb(p.rdb);
        assert.equal(await c.call("SET", "k2", "v2"), "OK");
        assert.deepEqual(await r.readCommands(2), [["SELECT", "0"], ["SET", "k2", "v2"]]);
      });
      // After REPLCONF capa eof, SYNC gets the diskless form.
      await withReplica(s.port, async (e) => {
        assert.equal(await e.call("REPLCONF", "capa", "eof"), "+OK");
        e.send("SYNC");
        const p = await e.readPayload();
        assert.equal(p.form, "eof");
        assertRdb(p.rdb, "k2");
      });
      assert.equal((await syncStats(c)).full, 2);
    }),
});

Deno.test({
  name: "a diskless sync's stream starts on the replica's first REPLCONF ACK; a disk-based one at once",
  ...opts,
  fn: () =>
    withServer(["--repl-diskless-sync", "yes"], async (s, c) => {
      const { r } = await syncedReplica(s.port, { listeningPort: 6420 });
      await closing(r, async () => {
        await listedOnline(c, 6420);
        assert.equal(await c.call("SET", "a", "1"), "OK");
        await quiet(r, 300); // held back until the ACK
        r.ack(r.offset);
        assert.deepEqual(await r.readCommands(2), [["SELECT", "0"], ["SET", "a", "1"]]);
      });
      assert.equal(await c.call("CONFIG", "SET", "repl-diskless-sync", "no"), "OK");
      const d = await syncedReplica(s.port, { listeningPort: 6421 });
      await closing(d.r, async () => {
        assert.equal(d.payload.form, "bulk");
        await listedOnline(c, 6421);
        assert.equal(await c.call("SET", "b", "2"), "OK");
        // Each full sync makes the primary forget the stream's db: the next write is preceded by a SELECT.
        assert.deepEqual(await d.r.readCommands(2), [["SELECT", "0"], ["SET", "b", "2"]]);
      });
    }),
});

Deno.test({
  name: "writes reach the replica as Valkey propagates them: SELECT first, MULTI/EXEC, PEXPIREAT, PXAT...",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r } = await streaming(c, s.port, 6430);
      await closing(r, async () => {
        assert.equal(await c.call("SET", "a", "1"), "OK");
        assert.equal(await c.call("INCR", "n"), 1);
        assert.equal(await c.call("GET", "a"), "1"); // reads are not propagated
        assert.equal(await c.call("DEL", "missing"), 0); // nor writes that change nothing
        assert.equal(await c.call("MULTI"), "OK");
        assert.equal(await c.call("SET", "b", "2"), "QUEUED");
        assert.equal(await c.call("INCR", "n"), "QUEUED");
        assert.deepEqual(await c.call("EXEC"), ["OK", 2]);
        assert.equal(await c.call("SELECT", "3"), "OK");
        assert.equal(await c.call("SET", "c", "3"), "OK");
        const t0 = Date.now();
        assert.equal(await c.call("EXPIRE", "c", "100"), 1);
        assert.equal(await c.call("SET", "d", "4", "EX", "100"), "OK");
        assert.equal(await c.call("SELECT", "0"), "OK");
        assert.equal(await c.call("set", "lower", "case"), "OK"); // the client's own spelling is kept
        assert.equal(await c.call("INCRBYFLOAT", "f", "1.5"), "1.5");
        assert.equal(await c.call("SADD", "s", "x"), 1);
        assert.equal(await c.call("SPOP", "s"), "x");
        assert.equal(await c.call("XADD", "st", "5-1", "f", "v"), "5-1");
        assert.equal(await c.call("SET", "e", "1", "PX", "1"), "OK");
        await sleep(20);
        assert.equal(await c.call("GET", "e"), null); // expired on access: the deletion is propagated
        const got = await r.readCommands(19);
        const t1 = Date.now();
        // Absolute times: between the command and now, plus the TTL.
        const at1 = Number(got[9]![2]);
        const at2 = Number(got[10]![4]);
        assert.ok(at1 >= t0 + 100_000 - 1000 && at1 <= t1 + 100_000, `PEXPIREAT ${at1}`);
        assert.ok(at2 >= t0 + 100_000 - 1000 && at2 <= t1 + 100_000, `PXAT ${at2}`);
        const at3 = Number(got[17]![4]);
        assert.ok(at3 >= t0 && at3 <= t1 + 1, `PXAT ${at3}`);
        assert.deepEqual(got, [
          ["SELECT", "0"],
          ["SET", "a", "1"],
          ["INCR", "n"],
          ["MULTI"],
          ["SET", "b", "2"],
          ["INCR", "n"],
          ["EXEC"],
          ["SELECT", "3"],
          ["SET", "c", "3"],
          ["PEXPIREAT", "c", String(at1)],
          ["SET", "d", "4", "PXAT", String(at2)],
          ["SELECT", "0"],
          ["set", "lower", "case"],
          ["SET", "f", "1.5", "KEEPTTL"],
          ["SADD", "s", "x"],
          ["SREM", "s", "x"],
          ["XADD", "st", "5-1", "f", "v"],
          ["SET", "e", "1", "PXAT", String(at3)],
          // Valkey 8 frees expired keys lazily by default (lazyfree-lazy-expire yes): UNLINK; Redis 7.0: DEL.
          [isValkeyLike() ? "UNLINK" : "DEL", "e"],
        ]);
        // The primary is quiet now, and every byte was counted.
        await quiet(r);
        assert.equal(r.offset, await masterOffset(c));
      });
    }),
});

Deno.test({
  name: "master_repl_offset = the FULLRESYNC offset + the stream bytes, for a replica that joins late too",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const first = await streaming(c, s.port, 6440);
      const second = { r: null as FakeReplica | null };
      try {
        assert.equal(first.fullresync.split(" ")[2], "0");
        for (let i = 0; i < 20; i++) assert.equal(await c.call("RPUSH", "l", `v${i}`.repeat(i)), i + 1);
        await first.r.readCommands(21);
        const mid = await masterOffset(c);
        assert.equal(first.r.offset, mid);
        assert.ok(mid > 0);
        // A second replica syncs at the current offset, under the same replication ID.
        const late = await streaming(c, s.port, 6441);
        second.r = late.r;
        assert.equal(late.fullresync, `+FULLRESYNC ${first.replid} ${mid}`);
        assert.equal(await c.call("SELECT", "7"), "OK");
        assert.equal(await c.call("HSET", "h", "f", "v"), 1);
        const tail = [["SELECT", "7"], ["HSET", "h", "f", "v"]];
        assert.deepEqual(await first.r.readCommands(2), tail);
        assert.deepEqual(await late.r.readCommands(2), tail);
        await quiet(first.r);
        await quiet(late.r);
        const end = await masterOffset(c);
        assert.equal(first.r.offset, end);
        assert.equal(late.r.offset, end);
        assert.equal(late.r.streamBytes, end - mid);
        const repl = await infoMap(c, "replication");
        assert.equal(repl.get("repl_backlog_first_byte_offset"), "1");
        assert.equal(repl.get("repl_backlog_histlen"), String(end));
      } finally {
        first.r.close();
        second.r?.close();
      }
    }),
});

Deno.test({
  name: "REPLCONF ACK: INFO's slave line and connected_slaves, ROLE's replica entry (strings)",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r } = await syncedReplica(s.port, { listeningPort: 6450 });
      await closing(r, async () => {
        // Until the RDB is sent the replica is in wait_bgsave (diskless: also while it streams).
        const l0 = await slaveLine(c, 6450);
        assert.match(
          l0 ?? "",
          /^slave0:ip=127\.0\.0\.1,port=6450,state=(wait_bgsave|online),offset=0,lag=\d+/,
        );
        await online(c, r, 6450);
        assert.equal(await c.call("SET", "a", "1"), "OK");
        await r.readCommands(2);
        r.ack();
        const acked = r.offset;
        const line = await waitFor("the ACK", async () => {
          const l = await slaveLine(c, 6450);
          return l?.includes(`,offset=${acked},`) ? l : undefined;
        });
        const m = /^slave0:ip=127\.0\.0\.1,port=6450,state=online,offset=(\d+),lag=(\d+)(.*)$/.exec(line);
        assert.ok(m, line);
        assert.equal(Number(m[1]), acked);
        assert.ok(Number(m[2]) <= 1, `lag ${m[2]}`);
        // Valkey 8.1 ends the line with the replica's type; Redis 7.0 has no such field.
        assert.equal(m[3], isValkeyLike() ? ",type=replica" : "");
        assert.equal(await connectedSlaves(c), "1");
        // ROLE: the offset is an integer, the replica's port and acked offset are bulk strings.
        assert.deepEqual(await c.call("ROLE"), ["master", acked, [["127.0.0.1", "6450", String(acked)]]]);
        // An older ACK does not move the acked offset back: the highest is kept.
        r.ack(1);
        await sleep(50);
        assert.deepEqual(await c.call("ROLE"), ["master", acked, [["127.0.0.1", "6450", String(acked)]]]);
      });
    }),
});

Deno.test({
  name: "WAIT sends REPLCONF GETACK * in the stream: 1 once the replica acks, 0 after the timeout if not",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r } = await streaming(c, s.port, 6460);
      await closing(r, async () => {
        assert.equal(await c.call("SET", "a", "1"), "OK");
        assert.deepEqual(await r.readCommands(2), [["SELECT", "0"], ["SET", "a", "1"]]);
        c.send("*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$4\r\n5000\r\n");
        assert.deepEqual(await r.readCommands(1), [["REPLCONF", "GETACK", "*"]]);
        const t0 = Date.now();
        r.ack();
        assert.equal(await c.read(), 1);
        assert.ok(Date.now() - t0 < 4000, "WAIT returned on the ACK, not on its timeout");
        // The GETACK is part of the stream: it moved the offset, and the ACK covered it.
        assert.equal(r.offset, await masterOffset(c));
        // Everything acked: WAIT answers at once, without a GETACK.
        assert.equal(await c.call("WAIT", "1", "5000"), 1);
        await quiet(r);
        // A write the replica never acknowledges: WAIT times out with 0.
        assert.equal(await c.call("SET", "b", "2"), "OK");
        const t1 = Date.now();
        assert.equal(await c.call("WAIT", "1", "300"), 0);
        assert.ok(Date.now() - t1 >= 290, `WAIT returned after ${Date.now() - t1} ms`);
        assert.deepEqual(await r.readCommands(2), [["SET", "b", "2"], ["REPLCONF", "GETACK", "*"]]);
        // WAIT 0 answers at once with the number of replicas that acked the client's offset.
        assert.equal(await c.call("WAIT", "0", "0"), 0);
        r.ack();
        await waitFor("the ACK", async () => (await c.call("WAIT", "0", "0")) === 1);
        await quiet(r);
        assert.equal(r.offset, await masterOffset(c));
      });
    }),
});

Deno.test({
  name: "PSYNC <replid> <offset+1> after a full sync: +CONTINUE <replid> and exactly the backlog after it",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r, replid } = await streaming(c, s.port, 6470);
      const more: FakeReplica[] = [];
      try {
        assert.equal(await c.call("SET", "a", "1"), "OK");
        await r.readCommands(2);
        const cut = r.offset; // what a replica that stopped here has processed
        assert.equal(await c.call("LPUSH", "l", "x", "y"), 2);
        assert.equal(await c.call("SELECT", "2"), "OK");
        assert.equal(await c.call("DEL", "nothing"), 0);
        assert.equal(await c.call("SET", "b", "2"), "OK");
        const after = [["LPUSH", "l", "x", "y"], ["SELECT", "2"], ["SET", "b", "2"]];
        assert.deepEqual(await r.readCommands(3), after);
        const end = await masterOffset(c);
        const statsBefore = await syncStats(c);
        const p = await FakeReplica.connect(s.port);
        more.push(p);
        await p.handshake(6471, ["eof", "psync2"]);
        assert.equal(await p.psync(replid, cut + 1), `+CONTINUE ${replid}`);
        assert.equal(p.offset, cut);
        assert.deepEqual(await p.readCommands(3), after);
        assert.equal(p.offset, end);
        assert.equal(p.streamBytes, end - cut);
        await quiet(p); // no RDB, nothing else
        // The resynced replica is a replica like the other: online, and new writes reach both.
        assert.match((await slaveLine(c, 6471)) ?? "", /,state=online,offset=\d+,/);
        assert.equal(await connectedSlaves(c), "2");
        assert.equal(await c.call("INCR", "n"), 1);
        assert.deepEqual(await p.readCommands(1), [["INCR", "n"]]);
        assert.deepEqual(await r.readCommands(1), [["INCR", "n"]]);
        // Without capa psync2: +CONTINUE alone. At the current offset: nothing to send.
        const q = await FakeReplica.connect(s.port);
        more.push(q);
        await q.handshake(6472, ["eof"]);
        const now = await masterOffset(c);
        assert.equal(await q.psync(replid, now + 1), "+CONTINUE");
        await quiet(q);
        // From the first byte of the backlog: all of it.
        const w = await FakeReplica.connect(s.port);
        more.push(w);
        await w.handshake(6473);
        assert.equal(await w.psync(replid, 1), `+CONTINUE ${replid}`);
        const all = await w.readUntil(() => w.offset === now);
        assert.deepEqual(all[0], ["SELECT", "0"]);
        assert.deepEqual(all.at(-1), ["INCR", "n"]);
        await quiet(w);
        const stats = await syncStats(c);
        assert.deepEqual(stats, { full: statsBefore.full, ok: statsBefore.ok + 3, err: statsBefore.err });
        assert.equal(await connectedSlaves(c), "4");
      } finally {
        r.close();
        for (const m of more) m.close();
      }
    }),
});

Deno.test({
  name: "PSYNC with a wrong replid or an offset outside the backlog: +FULLRESYNC, sync_partial_err counts it",
  ...opts,
  fn: () =>
    withServer(["--repl-diskless-sync", "no"], async (s, c) => {
      const { r, replid } = await streaming(c, s.port, 6480);
      await closing(r, async () => {
        assert.equal(await c.call("SET", "a", "1"), "OK");
        await r.readCommands(2);
        const end = await masterOffset(c);
        const before = await syncStats(c);
        const cases: [string, number][] = [
          ["0123456789012345678901234567890123456789", 1], // unknown replid
          [replid, end + 2], // beyond what the primary has
          [replid, 0], // before the backlog's first byte (offset 1)
          [replid, -1],
        ];
        let lp = 6481;
        for (const [id, off] of cases) {
          await withReplica(s.port, async (q) => {
            await q.handshake(lp++);
            assert.equal(await q.psync(id, off), `+FULLRESYNC ${replid} ${end}`, `PSYNC ${id} ${off}`);
            assertRdb((await q.readPayload()).rdb);
          });
        }
        const after = await syncStats(c);
        assert.deepEqual(after, {
          full: before.full + cases.length,
          ok: before.ok,
          err: before.err + cases.length,
        });
        // PSYNC ? -1 asks for a full sync: not a failed partial one.
        await withReplica(s.port, async (q) => {
          await q.handshake(lp++);
          assert.match(await q.psync("?", -1), /^\+FULLRESYNC /);
          await q.readPayload();
        });
        assert.deepEqual(await syncStats(c), { ...after, full: after.full + 1 });
      });
    }),
});

Deno.test({
  name:
    "the replica gets no replies: ACK, GETACK, PSYNC and SYNC are silent; a command with a reply drops it",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r } = await streaming(c, s.port, 6490);
      await closing(r, async () => {
        r.ack();
        r.send("REPLCONF", "GETACK", "*");
        r.send("PSYNC", "?", "-1"); // an already synced replica's PSYNC/SYNC is ignored
        r.send("SYNC");
        await quiet(r, 200);
        assert.equal(r.isClosed, false);
        assert.equal(await connectedSlaves(c), "1");
        assert.equal(await c.call("SET", "a", "1"), "OK");
        assert.deepEqual(await r.readCommands(2), [["SELECT", "0"], ["SET", "a", "1"]]);
      });
      // A PING, a SET, an unknown command...: the primary does not answer a replica, it disconnects it.
      let lp = 6491;
      for (const cmd of [["PING"], ["SET", "from-replica", "1"], ["NOSUCH"]]) {
        const { r } = await streaming(c, s.port, lp);
        await closing(r, async () => {
          const mark = s.output().length;
          r.send(...cmd);
          assert.ok(await r.waitClosed(), `${cmd[0]} from a replica closes it`);
          assert.equal(r.pending, 0, "nothing was sent back");
          await waitFor("the replica gone", async () => (await slaveLine(c, lp)) === undefined);
          const name = cmd[0] === "NOSUCH" ? "<unknown>" : cmd[0]!.toLowerCase();
          await waitFor("the log line", () =>
            Promise.resolve(
              s.output().slice(mark).includes(
                `Replica generated a reply to command '${name}', disconnecting it`,
              ),
            ));
        });
        lp++;
      }
      assert.equal(await c.call("GET", "from-replica"), null); // "Replica can't interact with the keyspace"
    }),
});

Deno.test({
  name: "REPLCONF, PSYNC and SYNC argument errors, with Valkey's texts",
  ...opts,
  fn: async () => {
    const port = shared!.port;
    const reply = (...args: string[]): Promise<string> => withReplica(port, (q) => q.call(...args));
    assert.equal(await reply("REPLCONF"), "+OK"); // no option at all is fine
    assert.equal(await reply("REPLCONF", "foo"), "-ERR syntax error"); // odd number of arguments
    assert.equal(await reply("REPLCONF", "a", "b", "c"), "-ERR syntax error");
    assert.equal(await reply("REPLCONF", "foo", "bar"), "-ERR Unrecognized REPLCONF option: foo");
    assert.equal(
      await reply("REPLCONF", "listening-port", "abc"),
      "-ERR value is not an integer or out of range",
    );
    // The port is not range-checked.
    assert.equal(await reply("REPLCONF", "listening-port", "-5"), "+OK");
    assert.equal(await reply("REPLCONF", "listening-port", "99999"), "+OK");
    assert.equal(await reply("REPLCONF", "capa", "unknown-capability"), "+OK");
    assert.equal(await reply("REPLCONF", "ip-address", "10.1.2.3"), "+OK");
    assert.equal(await reply("REPLCONF", "listening-port", "1", "capa", "eof", "capa", "psync2"), "+OK");
    assert.equal(await reply("REPLCONF", "rdb-only", "0"), "+OK");
    assert.equal(
      await reply("REPLCONF", "rdb-only", "2"),
      "-ERR value is out of range, value must between 0 and 1",
    );
    assert.equal(await reply("REPLCONF", "rdb-only", "x"), "-ERR value is not an integer or out of range");
    assert.equal(await reply("REPLCONF", "rdb-filter-only", ""), "+OK"); // what redis-cli --replica sends
    assert.equal(await reply("PSYNC"), "-ERR wrong number of arguments for 'psync' command");
    assert.equal(await reply("PSYNC", "?"), "-ERR wrong number of arguments for 'psync' command");
    assert.equal(await reply("SYNC", "x"), "-ERR wrong number of arguments for 'sync' command");
    assert.equal(await reply("PSYNC", "?", "abc"), "-ERR value is not an integer or out of range");
    assert.equal(await reply("PSYNC", "?", "1.5"), "-ERR value is not an integer or out of range");
    // A normal client's ACK or GETACK gets no reply, and the connection stays usable.
    await withReplica(port, async (q) => {
      q.send("REPLCONF", "ACK", "10");
      q.send("REPLCONF", "GETACK", "*");
      assert.equal(await q.call("PING"), "+PONG");
      // After a PSYNC error the connection is still a normal client.
      assert.equal(await q.call("PSYNC", "?", "abc"), "-ERR value is not an integer or out of range");
      assert.equal(await q.call("PING"), "+PONG");
    });
    await withRaw(port, async (rc) => {
      assert.equal(await rc.call("ROLE").then((v) => (v as unknown[])[0]), "master");
      assert.equal(await connectedSlaves(rc), "0");
      assert.equal(await infoField(rc, "sync_full", "stats"), "0");
    });
  },
});

Deno.test({
  name: "REPLCONF options of Valkey 8 (version, rdb-channel) are accepted",
  ...opts,
  ignore: opts.ignore || !isValkeyLike(), // Redis 7.0: "Unrecognized REPLCONF option"
  fn: async () => {
    await withReplica(shared!.port, async (q) => {
      assert.equal(await q.call("REPLCONF", "version", "8.1.1"), "+OK");
      assert.equal(await q.call("REPLCONF", "rdb-channel", "0"), "+OK");
    });
  },
});

Deno.test({
  name: "PSYNC and SYNC with pending output, or inside MULTI, are refused",
  ...opts,
  fn: async () => {
    const port = shared!.port;
    for (const sync of ["*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n", "*1\r\n$4\r\nSYNC\r\n"]) {
      await withReplica(port, async (q) => {
        // One write: the PONG is still in the output buffer when the PSYNC is read.
        q.sendRaw("*1\r\n$4\r\nPING\r\n" + sync);
        assert.equal(await q.line(), "+PONG");
        assert.equal(await q.line(), "-ERR SYNC and PSYNC are invalid with pending output");
        assert.equal(await q.call("PING"), "+PONG");
      });
    }
    await withReplica(port, async (q) => {
      assert.equal(await q.call("MULTI"), "+OK");
      assert.equal(await q.call("PSYNC", "?", "-1"), "-ERR Command not allowed inside a transaction");
      assert.equal(await q.call("SYNC"), "-ERR Command not allowed inside a transaction");
      assert.equal(await q.call("EXEC"), "-EXECABORT Transaction discarded because of previous errors.");
    });
    await withRaw(port, async (rc) => {
      assert.equal(await infoField(rc, "sync_full", "stats"), "0");
    });
  },
});

Deno.test({
  name: "CONFIG RESETSTAT zeroes sync_full and total_net_repl_output_bytes; the stream counts again",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r } = await streaming(c, s.port, 6501);
      await closing(r, async () => {
        assert.equal((await syncStats(c)).full, 1);
        assert.ok(Number(await infoField(c, "total_net_repl_output_bytes", "stats")) > 0);
        assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
        assert.deepEqual(await syncStats(c), { full: 0, ok: 0, err: 0 });
        assert.equal(await infoField(c, "total_net_repl_output_bytes", "stats"), "0");
        assert.equal(await c.call("SET", "key", "value"), "OK");
        await r.readCommands(2);
        assert.ok(Number(await infoField(c, "total_net_repl_output_bytes", "stats")) > 0);
      });
    }),
});

Deno.test({
  name: "CLIENT LIST shows the replica with flags=S; CLIENT KILL TYPE replica drops it, the backlog stays",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      const { r } = await streaming(c, s.port, 6500);
      await closing(r, async () => {
        assert.equal(await c.call("SET", "a", "1"), "OK");
        await r.readCommands(2);
        const list = String(await c.call("CLIENT", "LIST"));
        const line = list.split("\n").find((l) => l.includes(` addr=127.0.0.1:${r.localPort} `));
        assert.ok(line !== undefined, list);
        assert.match(line, / flags=S /);
        assert.match(line, / cmd=replconf /);
        assert.match(line, / multi=-1 /);
        for (const type of ["replica", "slave"]) {
          const only = String(await c.call("CLIENT", "LIST", "TYPE", type)).trim().split("\n");
          assert.equal(only.length, 1);
          assert.match(only[0]!, new RegExp(` addr=127\\.0\\.0\\.1:${r.localPort} .* flags=S `));
        }
        assert.equal(String(await c.call("CLIENT", "LIST", "TYPE", "normal")).includes(" flags=S "), false);
        assert.equal(await infoField(c, "connected_clients", "clients"), "1"); // replicas are not counted
        const offset = await masterOffset(c);
        assert.equal(await c.call("CLIENT", "KILL", "TYPE", "replica"), 1);
        assert.ok(await r.waitClosed());
        const repl = await infoMap(c, "replication");
        assert.equal(repl.get("connected_slaves"), "0");
        assert.equal(repl.get("slave0"), undefined);
        assert.equal(repl.get("repl_backlog_active"), "1");
        assert.equal(Number(repl.get("master_repl_offset")), offset);
        assert.deepEqual(await c.call("ROLE"), ["master", offset, []]);
        assert.equal(await c.call("CLIENT", "KILL", "TYPE", "slave"), 0);
        // It can come back with a partial resync from where it was.
        await withReplica(s.port, async (p) => {
          await p.handshake(6500);
          const replid = await infoField(c, "master_replid");
          assert.equal(await p.psync(replid, offset + 1), `+CONTINUE ${replid}`);
          await quiet(p);
        });
      });
    }),
});

Deno.test({
  name: "REPLCONF rdb-only 1 (what redis-cli --rdb sends): the RDB, then the primary closes the connection",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      assert.equal(await c.call("SET", "k", "v"), "OK");
      for (const [capa, form] of [[["eof"], "eof"], [[], "bulk"]] as const) {
        await withReplica(s.port, async (q) => {
          assert.equal(await q.call("REPLCONF", "rdb-only", "1"), "+OK");
          if (capa.length > 0) assert.equal(await q.call("REPLCONF", "capa", ...capa), "+OK");
          assert.match(await q.psync("?", -1), /^\+FULLRESYNC [0-9a-f]{40} \d+$/);
          const p = await q.readPayload();
          assert.equal(p.form, form);
          assertRdb(p.rdb);
          assert.ok(await q.waitClosed(), "closed after the RDB");
          assert.equal(q.pending, 0, "no stream after the RDB");
        });
      }
      // redis-cli --rdb does it with SYNC.
      await withReplica(s.port, async (q) => {
        assert.equal(await q.call("REPLCONF", "capa", "eof"), "+OK");
        assert.equal(await q.call("REPLCONF", "rdb-only", "1"), "+OK");
        q.send("SYNC");
        assert.equal((await q.readPayload()).form, "eof");
        assert.ok(await q.waitClosed());
      });
      assert.equal((await syncStats(c)).full, 3);
      assert.equal(await connectedSlaves(c), "0");
    }),
});

Deno.test({
  name: "min-replicas-to-write 1: NOREPLICAS without a good replica, writes pass while one ACKs",
  ...opts,
  fn: () =>
    withServer(["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"], async (s, c) => {
      assert.equal(err(await c.call("SET", "a", "1")), "NOREPLICAS Not enough good replicas to write.");
      assert.equal(await c.call("GET", "a"), null); // reads are fine
      assert.equal(await infoField(c, "min_slaves_good_slaves"), "0");
      const { r } = await streaming(c, s.port, 6510);
      // A replica that reads the stream and ACKs every second, as a real one does.
      let stop = false;
      const reader = (async () => {
        while (!stop && !r.isClosed) {
          try {
            await r.readCommand(100);
          } catch { /* nothing this time */ }
        }
      })();
      const timer = setInterval(() => r.ack(), 1000);
      try {
        assert.equal(await c.call("SET", "a", "1"), "OK");
        assert.equal(await infoField(c, "min_slaves_good_slaves"), "1");
        // With a max lag of 1 s and no more ACKs, the replica stops counting within a few seconds.
        clearInterval(timer);
        assert.equal(await c.call("CONFIG", "SET", "min-replicas-max-lag", "1"), "OK");
        await waitFor("NOREPLICAS", async () => (await c.call("SET", "b", "1")) instanceof RespError, 10000);
        assert.equal(await infoField(c, "min_slaves_good_slaves"), "0");
        r.ack();
        await waitFor("a good replica again", async () => (await c.call("SET", "b", "1")) === "OK", 5000);
        assert.equal(await c.call("CLIENT", "KILL", "TYPE", "replica"), 1);
        assert.equal(err(await c.call("SET", "a", "2")), "NOREPLICAS Not enough good replicas to write.");
      } finally {
        stop = true;
        clearInterval(timer);
        r.close();
        await reader;
      }
    }),
});

/** Runs a program to its end (30 s at most), with its exit code and output. */
async function runTool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
  const r = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

Deno.test({
  name: "redis-cli --rdb <file> saves the primary's RDB and exits with 0",
  ...opts,
  fn: () =>
    withServer([], async (s, c) => {
      assert.equal(await c.call("SET", "cli-key", "cli-value"), "OK");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-repl-cli-"));
      try {
        const file = path.join(dir, "out.rdb");
        const r = await runTool("redis-cli", ["-p", String(s.port), "--rdb", file]);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /Transfer finished with success after \d+ bytes/);
        const rdb = fs.readFileSync(file);
        assertRdb(rdb);
        assert.ok(rdb.includes("cli-value"));
        assert.match(r.out, new RegExp(`after ${rdb.length} bytes`));
        assert.equal((await syncStats(c)).full, 1);
        await waitFor("the rdb-only replica gone", async () => (await connectedSlaves(c)) === "0");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
});

Deno.test({
  name: "redis-cli --replica prints the command stream",
  ...opts,
  // From disk: the stream starts without waiting for the one REPLCONF ACK redis-cli sends, which a diskless
  // primary may get before it has reaped the RDB child (it then waits for the next ACK, that never comes).
  fn: () =>
    withServer(["--repl-diskless-sync", "no"], async (s, c) => {
      const child = new Deno.Command("redis-cli", {
        args: ["-p", String(s.port), "--replica"],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      let out = "";
      const dec = new TextDecoder();
      const collect = async (stream: ReadableStream<Uint8Array>) => {
        for await (const chunk of stream) out += dec.decode(chunk);
      };
      const streams = Promise.all([collect(child.stdout), collect(child.stderr)]);
      try {
        await waitFor("the sync", () => Promise.resolve(/Logging commands from master/.test(out)));
        await waitFor("online", async () =>
          (await infoMap(c, "replication")).get("slave0")?.includes("state=online"));
        assert.equal(await c.call("SET", "foo", "bar"), "OK");
        await waitFor("the SET in its output", () =>
          Promise.resolve(out.includes('"SET","foo","bar"')));
        assert.equal(await connectedSlaves(c), "1");
      } finally {
        child.kill("SIGTERM");
        await child.status;
        await streams;
      }
      await waitFor("the replica gone", async () => (await connectedSlaves(c)) === "0");
    }),
});

const realReplica = valkeyServerPath() !== null;

/** Writes several types in several dbs, with TTLs. `tag` keeps the two rounds apart. */
async function writeDataset(c: RawConn, tag: string): Promise<void> {
  const ok = (v: unknown) => assert.ok(!(v instanceof RespError), String(v));
  ok(await c.call("SELECT", "0"));
  ok(await c.call("SET", `str:${tag}`, `value-${tag}`));
  ok(await c.call("SET", `int:${tag}`, "12345"));
  ok(await c.call("INCRBY", `int:${tag}`, "10"));
  ok(await c.call("SET", `ttl:${tag}`, "v", "EX", "1000"));
  ok(await c.call("HSET", `hash:${tag}`, "f1", "v1", "f2", "v2", "n", "1"));
  ok(await c.call("HINCRBY", `hash:${tag}`, "n", "5"));
  ok(await c.call("PEXPIRE", `hash:${tag}`, "2000000"));
  ok(await c.call("RPUSH", `list:${tag}`, "a", "b", "c", "d"));
  ok(await c.call("LPOP", `list:${tag}`));
  const many = Array.from({ length: 300 }, (_, i) => `elem-${i}-${"x".repeat(i % 50)}`);
  ok(await c.call("RPUSH", `biglist:${tag}`, ...many)); // beyond a listpack: a quicklist of several nodes
  ok(await c.call("SADD", `set:${tag}`, "m1", "m2", "m3"));
  ok(await c.call("SADD", `intset:${tag}`, "1", "2", "3", "100000"));
  ok(await c.call("SREM", `set:${tag}`, "m2"));
  ok(await c.call("ZADD", `zset:${tag}`, "1", "a", "2.5", "b", "-3", "c"));
  ok(await c.call("ZINCRBY", `zset:${tag}`, "10", "a"));
  ok(await c.call("XADD", `stream:${tag}`, "1-1", "f", "v"));
  ok(await c.call("XADD", `stream:${tag}`, "*", "g", "w", "h", "x"));
  ok(await c.call("XGROUP", "CREATE", `stream:${tag}`, "grp", "0"));
  ok(await c.call("PFADD", `hll:${tag}`, "a", "b", "c"));
  ok(await c.call("SETBIT", `bits:${tag}`, "100", "1"));
  ok(await c.call("SELECT", "2"));
  ok(await c.call("SET", `db2:${tag}`, "two"));
  ok(await c.call("HSET", `db2hash:${tag}`, "k", "v"));
  ok(await c.call("SELECT", "9"));
  ok(await c.call("ZADD", `db9zset:${tag}`, "1", "x"));
  ok(await c.call("SET", `db9ttl:${tag}`, "v", "PX", "5000000"));
  ok(await c.call("SELECT", "0"));
}

/** Every key of dbs 0..15 with its type, its content read back type by type, and whether it has a TTL. */
async function snapshot(c: RawConn): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (let db = 0; db < 16; db++) {
    assert.equal(await c.call("SELECT", String(db)), "OK");
    const keys = (await c.call("KEYS", "*") as string[]).sort();
    for (const k of keys) {
      const type = await c.call("TYPE", k) as string;
      let v: unknown;
      switch (type) {
        case "string":
          v = await c.call("GET", k);
          break;
        case "hash":
          v = (await c.call("HGETALL", k) as string[]).join("\u0000").split("\u0000").sort();
          break;
        case "list":
          v = await c.call("LRANGE", k, "0", "-1");
          break;
        case "set":
          v = (await c.call("SMEMBERS", k) as string[]).sort();
          break;
        case "zset":
          v = await c.call("ZRANGE", k, "0", "-1", "WITHSCORES");
          break;
        case "stream":
          v = [await c.call("XRANGE", k, "-", "+"), await c.call("XINFO", "GROUPS", k)];
          break;
        default:
          v = type;
      }
      const pttl = Number(await c.call("PTTL", k));
      out.set(`${db}/${k}`, { type, v, ttl: pttl === -1 ? "none" : pttl > 0 ? "set" : pttl });
    }
  }
  assert.equal(await c.call("SELECT", "0"), "OK");
  return out;
}

async function linkUp(rc: RawConn): Promise<void> {
  await waitFor(
    "master_link_status:up",
    async () => (await infoMap(rc, "replication")).get("master_link_status") === "up",
    20000,
  );
}

Deno.test({
  name: "a real valkey-server replica gets the same data, written before and after the link is up",
  ...opts,
  ignore: opts.ignore || !realReplica,
  fn: () =>
    withServer([], async (s, c) => {
      await writeDataset(c, "before");
      const rep = await startRealReplica(s.port);
      const rc = await RawConn.connect(rep.port);
      try {
        await linkUp(rc);
        const info = await infoMap(rc, "replication");
        assert.equal(info.get("role"), "slave");
        assert.equal(info.get("master_port"), String(s.port));
        await writeDataset(c, "after");
        assert.equal(await c.call("DEL", "str:before"), 1);
        assert.equal(await c.call("EXPIRE", "list:before", "3000"), 1);
        // WAIT sends GETACK; the replica answers with its offset at once.
        assert.equal(await c.call("WAIT", "1", "10000"), 1);
        assert.equal(
          await infoField(rc, "slave_repl_offset"),
          await infoField(c, "master_repl_offset"),
        );
        const [mine, theirs] = [await snapshot(c), await snapshot(rc)];
        assert.ok(mine.size > 30, `${mine.size} keys`);
        assert.deepEqual(theirs, mine);
        // The same digest (Redis 7.0 and Valkey 8.1 compute it alike), where both have DEBUG DIGEST.
        const [d1, d2] = [await c.call("DEBUG", "DIGEST"), await rc.call("DEBUG", "DIGEST")];
        if (!(d1 instanceof RespError)) assert.equal(d2, d1);
        // The primary lists it with the port it announced and its acked offset.
        const line = await slaveLine(c, rep.port);
        assert.match(line ?? "", new RegExp(`^slave0:ip=127\\.0\\.0\\.1,port=${rep.port},state=online,`));
        const role = await c.call("ROLE") as [string, number, string[][]];
        assert.equal(role[0], "master");
        assert.deepEqual(role[2].map((e) => e.slice(0, 2)), [["127.0.0.1", String(rep.port)]]);
      } finally {
        rc.close();
        await rep.stop(true);
      }
    }),
});

Deno.test({
  name: "a real valkey-server replica resyncs partially after its link drops and after a restart",
  ...opts,
  ignore: opts.ignore || !realReplica,
  fn: () =>
    withServer([], async (s, c) => {
      await writeDataset(c, "r1");
      // A save point: on SIGTERM the replica writes its RDB with the replication ID and offset in it.
      let rep = await startRealReplica(s.port, { extra: ["--save", "3600 1"] });
      const dir = rep.dir;
      let rc = await RawConn.connect(rep.port);
      try {
        await linkUp(rc);
        const base = await syncStats(c);
        assert.equal(base.full, 1);
        // The link drops (the primary kills it): the replica comes back with PSYNC <replid> <offset+1>.
        assert.equal(await c.call("SET", "while-up", "1"), "OK");
        assert.equal(await c.call("CLIENT", "KILL", "TYPE", "replica"), 1);
        assert.equal(await c.call("SET", "while-down", "1"), "OK");
        await waitFor("the partial resync", async () => (await syncStats(c)).ok === base.ok + 1, 20000);
        await linkUp(rc);
        assert.equal(await c.call("WAIT", "1", "10000"), 1);
        assert.equal(await rc.call("GET", "while-down"), "1");
        // Restart: it loads its RDB and asks to continue from there.
        rc.close();
        await rep.stop();
        assert.equal(await c.call("SET", "while-stopped", "1"), "OK");
        rep = await startRealReplica(s.port, { dir, extra: ["--save", "3600 1"] });
        rc = await RawConn.connect(rep.port);
        await linkUp(rc);
        await waitFor(
          "the second partial resync",
          async () => (await syncStats(c)).ok === base.ok + 2,
          20000,
        );
        assert.deepEqual(await syncStats(c), { full: base.full, ok: base.ok + 2, err: base.err });
        assert.equal(await c.call("WAIT", "1", "10000"), 1);
        assert.equal(await rc.call("GET", "while-stopped"), "1");
        assert.deepEqual(await snapshot(rc), await snapshot(c));
      } finally {
        rc.close();
        await rep.stop(true);
      }
    }),
});
