/**
 * Stream consumer groups over TCP: XGROUP (CREATE MKSTREAM ENTRIESREAD, SETID, DESTROY, CREATECONSUMER,
 * DELCONSUMER, HELP), XREADGROUP (`>`, history, NOACK, COUNT, BLOCK from several clients), XACK, XPENDING
 * (summary, extended, IDLE, per consumer), XCLAIM (IDLE TIME RETRYCOUNT FORCE JUSTID LASTID), XAUTOCLAIM,
 * XINFO GROUPS / CONSUMERS / STREAM FULL, and the entries-read / lag bookkeeping. Blocked XREADGROUP
 * clients get NOGROUP when the key is deleted, flushed or the group destroyed, and WRONGTYPE when the key
 * changes type. Expectations were checked side by side against Valkey 8.1.1 (and Redis 7.0 where not marked).
 */

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isValkeyLike, startServer, valkeyOnly } from "../../helpers/server.ts";
import { RawConn, RespError } from "../../helpers/raw.ts";
import { blockingSuite, send } from "../../helpers/blocking.ts";
import { assertError } from "../../helpers/suite.ts";
import { Valkey } from "iovalkey";

const srv = await startServer();
const { conn, test, waitBlocked } = blockingSuite(srv);

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

function assertErrorMatch(reply: unknown, re: RegExp): void {
  assert.ok(reply instanceof RespError, `expected error ${re}, got ${JSON.stringify(reply)}`);
  assert.match(reply.message, re);
}

/** A flat RESP2 field/value array as a Map. */
function asMap(v: unknown): Map<unknown, unknown> {
  const a = v as unknown[];
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i], a[i + 1]);
  return m;
}

async function fill(c: RawConn, key: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await c.call("XADD", key, `${i}-0`, "f", String(i));
}

test("XGROUP CREATE detects duplicates and needs the key unless MKSTREAM", async (c) => {
  assertError(
    await c.call("XGROUP", "CREATE", "s", "g", "$"),
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
  );
  assert.equal(await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"), "OK");
  assert.equal(await c.call("TYPE", "s"), "stream");
  assert.equal(await c.call("XLEN", "s"), 0);
  assertError(
    await c.call("XGROUP", "CREATE", "s", "g", "$"),
    "BUSYGROUP Consumer Group name already exists",
  );
  assertError(
    await c.call("XGROUP", "CREATE", "s", "g2", "0", "FOO"),
    "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.",
  );
  assertError(
    await c.call("XGROUP", "CREATE", "s", "g2", "bad"),
    "ERR Invalid stream ID specified as stream command argument",
  );
  await c.call("SET", "str", "x");
  assertError(await c.call("XGROUP", "CREATE", "str", "g", "$", "MKSTREAM"), WRONGTYPE);
  const help = await c.call("XGROUP", "HELP") as string[];
  assert.match(help[0]!, /^XGROUP <subcommand>/);
  assert.ok(help.includes("CREATECONSUMER <key> <groupname> <consumer>"));
});

test("XGROUP CREATE ENTRIESREAD sets the read counter and the lag", async (c) => {
  await fill(c, "s", 5);
  assertError(
    await c.call("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "-3"),
    "ERR value for ENTRIESREAD must be positive or -1",
  );
  assert.equal(await c.call("XGROUP", "CREATE", "s", "g", "2-0", "ENTRIESREAD", "2"), "OK");
  assert.equal(await c.call("XGROUP", "CREATE", "s", "h", "0"), "OK");
  const groups = (await c.call("XINFO", "GROUPS", "s") as unknown[]).map(asMap);
  assert.equal(groups[0]!.get("name"), "g");
  assert.equal(groups[0]!.get("entries-read"), 2);
  assert.equal(groups[0]!.get("lag"), 3);
  assert.equal(groups[1]!.get("entries-read"), null);
  assert.equal(groups[1]!.get("lag"), 5);
});

test("XREADGROUP delivers new entries once and then serves the consumer's history", async (c) => {
  await fill(c, "s", 3);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assert.deepEqual(await c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"), [
    ["s", [["1-0", ["f", "1"]], ["2-0", ["f", "2"]]]],
  ]);
  assert.deepEqual(await c.call("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"), [
    ["s", [["3-0", ["f", "3"]]]],
  ]);
  assert.equal(await c.call("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"), null);
  // History: only alice's own pending entries, and an empty list (not null) when there are none.
  assert.deepEqual(await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"), [
    ["s", [["1-0", ["f", "1"]], ["2-0", ["f", "2"]]]],
  ]);
  await c.call("XACK", "s", "g", "1-0", "2-0");
  assert.deepEqual(await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"), [["s", []]]);
  // A deleted pending entry shows as its ID with a null body.
  await c.call("XDEL", "s", "3-0");
  assert.deepEqual(await c.call("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"), [["s", [[
    "3-0",
    null,
  ]]]]);
});

test("XREADGROUP errors follow Valkey", async (c) => {
  await fill(c, "s", 1);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assertError(
    await c.call("XREADGROUP", "GROUP", "nog", "a", "STREAMS", "s", ">"),
    "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option",
  );
  assertError(
    await c.call("XREADGROUP", "GROUP", "g", "a", "STREAMS", "nokey", ">"),
    "NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option",
  );
  assertErrorMatch(
    await c.call("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "$"),
    /^ERR The \$ ID is meaningless/,
  );
  assertError(
    await c.call("XREADGROUP", "COUNT", "1", "BLOCK", "1", "STREAMS", "s", ">"),
    "ERR Missing GROUP option for XREADGROUP",
  );
});

test("XREADGROUP names itself in the unbalanced-streams error (Valkey 8.1)", async (c) => {
  await fill(c, "s", 1);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assertError(
    await c.call("XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s"),
    "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.",
  );
}, valkeyOnly());

test("XREADGROUP NOACK delivers without pending entries", async (c) => {
  await fill(c, "s", 2);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assert.equal(
    ((await c.call("XREADGROUP", "GROUP", "g", "a", "NOACK", "STREAMS", "s", ">")) as unknown[]).length,
    1,
  );
  assert.deepEqual(await c.call("XPENDING", "s", "g"), [0, null, null, null]);
  const consumers = (await c.call("XINFO", "CONSUMERS", "s", "g") as unknown[]).map(asMap);
  assert.equal(consumers[0]!.get("name"), "a");
  assert.equal(consumers[0]!.get("pending"), 0);
  if (isValkeyLike()) assert.equal(consumers[0]!.get("inactive"), -1); // the field is Valkey 7.2+
});

test("XPENDING summary, extended form, IDLE filter and per-consumer view", async (c) => {
  await fill(c, "s", 4);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">");
  await c.call("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">");
  assert.deepEqual(await c.call("XPENDING", "s", "g"), [4, "1-0", "4-0", [["alice", "3"], ["bob", "1"]]]);
  const rows = await c.call("XPENDING", "s", "g", "-", "+", "10") as unknown[][];
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[3]]), [
    ["1-0", "alice", 1],
    ["2-0", "alice", 1],
    ["3-0", "alice", 1],
    ["4-0", "bob", 1],
  ]);
  assert.deepEqual((await c.call("XPENDING", "s", "g", "(1-0", "+", "2") as unknown[][]).map((r) => r[0]), [
    "2-0",
    "3-0",
  ]);
  assert.deepEqual(
    (await c.call("XPENDING", "s", "g", "-", "+", "10", "bob") as unknown[][]).map((r) => r[0]),
    [
      "4-0",
    ],
  );
  assert.deepEqual(await c.call("XPENDING", "s", "g", "-", "+", "10", "nobody"), []);
  assert.deepEqual(await c.call("XPENDING", "s", "g", "IDLE", "60000", "-", "+", "10"), []);
  assert.equal((await c.call("XPENDING", "s", "g", "IDLE", "0", "-", "+", "10") as unknown[]).length, 4);
  assertError(await c.call("XPENDING", "s", "g", "-", "+"), "ERR syntax error");
  assertError(await c.call("XPENDING", "s", "g", "IDLE", "10", "-", "+"), "ERR syntax error");
  assertError(await c.call("XPENDING", "s", "nog"), "NOGROUP No such key 's' or consumer group 'nog'");
});

test("XACK removes entries from the group and consumer PELs", async (c) => {
  await fill(c, "s", 3);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">");
  assert.equal(await c.call("XACK", "s", "g", "1-0", "1-0", "9-0"), 1);
  assert.equal(await c.call("XACK", "s", "g", "1-0"), 0);
  assertError(
    await c.call("XACK", "s", "g", "bad"),
    "ERR Invalid stream ID specified as stream command argument",
  );
  assert.equal(await c.call("XACK", "s", "nog", "bad"), 0);
  assert.equal(await c.call("XACK", "nokey", "g", "1-0"), 0);
  assert.deepEqual(await c.call("XPENDING", "s", "g"), [2, "2-0", "3-0", [["a", "2"]]]);
});

test("XCLAIM moves entries between consumers with its options", async (c) => {
  await fill(c, "s", 4);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">");
  // Entries idle less than min-idle-time stay where they are.
  assert.deepEqual(await c.call("XCLAIM", "s", "g", "bob", "3600000", "1-0"), []);
  assert.deepEqual(await c.call("XCLAIM", "s", "g", "bob", "0", "1-0"), [["1-0", ["f", "1"]]]);
  assert.deepEqual(await c.call("XCLAIM", "s", "g", "bob", "0", "2-0", "JUSTID"), ["2-0"]);
  const rows = await c.call("XPENDING", "s", "g", "-", "+", "10") as unknown[][];
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[3]]), [["1-0", "bob", 2], ["2-0", "bob", 1], [
    "3-0",
    "alice",
    1,
  ]]);
  // RETRYCOUNT sets the counter, IDLE backdates the delivery.
  await c.call("XCLAIM", "s", "g", "carol", "0", "3-0", "RETRYCOUNT", "7", "IDLE", "5000", "JUSTID");
  const row = (await c.call("XPENDING", "s", "g", "3-0", "3-0", "1") as unknown[][])[0]!;
  assert.equal(row[1], "carol");
  assert.ok(Number(row[2]) >= 5000);
  assert.equal(row[3], 7);
  // FORCE creates a pending entry for an entry no one was delivered; LASTID moves the group forward.
  assert.deepEqual(await c.call("XCLAIM", "s", "g", "dave", "0", "4-0", "FORCE", "JUSTID", "LASTID", "4-0"), [
    "4-0",
  ]);
  const groups = (await c.call("XINFO", "GROUPS", "s") as unknown[]).map(asMap);
  assert.equal(groups[0]!.get("last-delivered-id"), "4-0");
  assert.equal(groups[0]!.get("pending"), 4);
  // An entry deleted from the stream is dropped from the PEL instead of claimed.
  await c.call("XDEL", "s", "1-0");
  assert.deepEqual(await c.call("XCLAIM", "s", "g", "bob", "0", "1-0"), []);
  assert.equal((await c.call("XPENDING", "s", "g") as unknown[])[0], 3);
  assertError(
    await c.call("XCLAIM", "s", "g", "bob", "x", "1-0"),
    "ERR Invalid min-idle-time argument for XCLAIM",
  );
  assertError(
    await c.call("XCLAIM", "s", "g", "bob", "0", "1-0", "FOO"),
    "ERR Unrecognized XCLAIM option 'FOO'",
  );
  assertError(
    await c.call("XCLAIM", "s", "g", "bob", "0", "1-0", "IDLE", "x"),
    "ERR Invalid IDLE option argument for XCLAIM",
  );
  assertError(
    await c.call("XCLAIM", "s", "nog", "bob", "0", "1-0"),
    "NOGROUP No such key 's' or consumer group 'nog'",
  );
});

test("XAUTOCLAIM scans the PEL as an iterator and reports deleted entries", async (c) => {
  await fill(c, "s", 5);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
  await c.call("XDEL", "s", "2-0");
  assert.deepEqual(await c.call("XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "2"), [
    "3-0",
    [["1-0", ["f", "1"]]],
    ["2-0"],
  ]);
  assert.deepEqual(await c.call("XAUTOCLAIM", "s", "g", "bob", "0", "3-0", "COUNT", "2", "JUSTID"), [
    "5-0",
    ["3-0", "4-0"],
    [],
  ]);
  assert.deepEqual(await c.call("XAUTOCLAIM", "s", "g", "bob", "0", "(4-0"), [
    "0-0",
    [["5-0", ["f", "5"]]],
    [],
  ]);
  assertError(await c.call("XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "0"), "ERR COUNT must be > 0");
  assertError(
    await c.call("XAUTOCLAIM", "s", "g", "bob", "x", "0"),
    "ERR Invalid min-idle-time argument for XAUTOCLAIM",
  );
  assertError(
    await c.call("XAUTOCLAIM", "s", "nog", "bob", "0", "0"),
    "NOGROUP No such key 's' or consumer group 'nog'",
  );
});

test("XGROUP SETID, CREATECONSUMER, DELCONSUMER and DESTROY", async (c) => {
  await fill(c, "s", 3);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assert.equal(await c.call("XGROUP", "CREATECONSUMER", "s", "g", "erin"), 1);
  assert.equal(await c.call("XGROUP", "CREATECONSUMER", "s", "g", "erin"), 0);
  assertError(
    await c.call("XGROUP", "CREATECONSUMER", "s", "nog", "erin"),
    "NOGROUP No such consumer group 'nog' for key name 's'",
  );
  await c.call("XREADGROUP", "GROUP", "g", "erin", "STREAMS", "s", ">");
  assert.equal(await c.call("XGROUP", "DELCONSUMER", "s", "g", "erin"), 3);
  assert.equal(await c.call("XGROUP", "DELCONSUMER", "s", "g", "erin"), 0);
  assert.deepEqual(await c.call("XPENDING", "s", "g"), [0, null, null, null]);
  assert.equal(await c.call("XGROUP", "SETID", "s", "g", "1-0"), "OK");
  assert.deepEqual(
    (await c.call("XREADGROUP", "GROUP", "g", "x", "STREAMS", "s", ">") as unknown[][])[0]![1],
    [["2-0", ["f", "2"]], ["3-0", ["f", "3"]]],
  );
  assert.equal(await c.call("XGROUP", "DESTROY", "s", "g"), 1);
  assert.equal(await c.call("XGROUP", "DESTROY", "s", "g"), 0);
  assert.deepEqual(await c.call("XINFO", "GROUPS", "s"), []);
});

test("XGROUP SETID with ENTRIESREAD (Valkey 7+)", async (c) => {
  await fill(c, "s", 3);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assert.equal(await c.call("XGROUP", "SETID", "s", "g", "$", "ENTRIESREAD", "3"), "OK");
  const g = asMap((await c.call("XINFO", "GROUPS", "s") as unknown[])[0]);
  assert.equal(g.get("last-delivered-id"), "3-0");
  assert.equal(g.get("entries-read"), 3);
  assert.equal(g.get("lag"), 0);
});

test("consumer group lag and entries-read follow deletions and trimming", async (c) => {
  await fill(c, "s", 5);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">");
  let g = asMap((await c.call("XINFO", "GROUPS", "s") as unknown[])[0]);
  assert.equal(g.get("entries-read"), 1);
  assert.equal(g.get("lag"), 4);
  // A tombstone ahead of the group makes the lag unknown...
  await c.call("XDEL", "s", "3-0");
  g = asMap((await c.call("XINFO", "GROUPS", "s") as unknown[])[0]);
  assert.equal(g.get("lag"), null);
  // ...until the group reads past it.
  await c.call("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">");
  g = asMap((await c.call("XINFO", "GROUPS", "s") as unknown[])[0]);
  assert.equal(g.get("entries-read"), 5);
  assert.equal(g.get("lag"), 0);
  await c.call("XADD", "s", "6-0", "f", "6");
  await c.call("XTRIM", "s", "MAXLEN", "1");
  g = asMap((await c.call("XINFO", "GROUPS", "s") as unknown[])[0]);
  assert.equal(g.get("lag"), 1);
});

test("XINFO STREAM FULL shows groups, their PEL and consumers", async (c) => {
  await fill(c, "s", 2);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
  const full = asMap(await c.call("XINFO", "STREAM", "s", "FULL"));
  const g = asMap((full.get("groups") as unknown[])[0]);
  assert.equal(g.get("name"), "g");
  assert.equal(g.get("pel-count"), 2);
  assert.deepEqual((g.get("pending") as unknown[][]).map((p) => [p[0], p[1], p[3]]), [
    ["1-0", "alice", 1],
    ["2-0", "alice", 1],
  ]);
  const consumer = asMap((g.get("consumers") as unknown[])[0]);
  assert.equal(consumer.get("name"), "alice");
  assert.equal(consumer.get("pel-count"), 2);
  assert.equal((consumer.get("pending") as unknown[]).length, 2);
  assertError(
    await c.call("XINFO", "CONSUMERS", "s", "nog"),
    "NOGROUP No such consumer group 'nog' for key name 's'",
  );
  assertError(await c.call("XINFO", "GROUPS", "nokey"), "ERR no such key");
});

test("blocked XREADGROUP clients are served first come first served, one entry each", async (c) => {
  await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  const ws = [await conn(), await conn(), await conn()];
  for (const [i, w] of ws.entries()) {
    send(w, "XREADGROUP", "GROUP", "g", `c${i}`, "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">");
    await waitBlocked(c, i + 1);
  }
  await c.call("MULTI");
  await c.call("XADD", "s", "1-0", "f", "1");
  await c.call("XADD", "s", "2-0", "f", "2");
  await c.call("EXEC");
  assert.deepEqual(await ws[0]!.read(), [["s", [["1-0", ["f", "1"]]]]]);
  assert.deepEqual(await ws[1]!.read(), [["s", [["2-0", ["f", "2"]]]]]);
  await waitBlocked(c, 1);
  await c.call("XADD", "s", "3-0", "f", "3");
  assert.deepEqual(await ws[2]!.read(), [["s", [["3-0", ["f", "3"]]]]]);
  assert.deepEqual(await c.call("XPENDING", "s", "g"), [3, "1-0", "3-0", [["c0", "1"], ["c1", "1"], [
    "c2",
    "1",
  ]]]);
});

test("blocking XREADGROUP is not woken by an XADD that is deleted before it runs", async (c) => {
  await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  await c.call("XADD", "s", "666-0", "f", "v");
  await c.call("XREADGROUP", "GROUP", "g", "Alice", "STREAMS", "s", ">");
  await c.call("XADD", "s", "667-0", "f2", "v2");
  await c.call("XDEL", "s", "667-0");
  const w = await conn();
  send(w, "XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "10", "STREAMS", "s", ">");
  assert.equal(await w.read(), null);
});

test("blocked XREADGROUP gets NOGROUP when the key is deleted or flushed", async (c) => {
  for (const action of [["DEL", "s"], ["FLUSHALL"]]) {
    await c.call("DEL", "s");
    await c.call("XADD", "s", "666-0", "f", "v");
    await c.call("XGROUP", "CREATE", "s", "g", "$");
    const w = await conn();
    send(w, "XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "0", "STREAMS", "s", ">");
    await waitBlocked(c, 1);
    await c.call(...action);
    assertErrorMatch(await w.read(), /^NOGROUP /);
  }
}, valkeyOnly());

test("blocked XREADGROUP gets WRONGTYPE when the key changes type", async (c) => {
  await c.call("XADD", "s", "666-0", "f", "v");
  await c.call("XGROUP", "CREATE", "s", "g", "$");
  const w = await conn();
  send(w, "XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "0", "STREAMS", "s", ">");
  await waitBlocked(c, 1);
  await c.call("MULTI");
  await c.call("DEL", "s");
  await c.call("SADD", "s", "e1");
  await c.call("EXEC");
  assertError(await w.read(), WRONGTYPE);
}, valkeyOnly());

test("blocked XREADGROUP gets NOGROUP when SWAPDB swaps the key away", async (c) => {
  await c.call("SELECT", "9");
  await c.call("XADD", "s", "1-0", "f", "v");
  await c.call("XGROUP", "CREATE", "s", "g", "$");
  const w = await conn();
  await w.call("SELECT", "9");
  send(w, "XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "0", "STREAMS", "s", ">");
  await waitBlocked(c, 1);
  await c.call("SWAPDB", "4", "9");
  assertError(
    await w.read(),
    "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option",
  );
  await c.call("FLUSHALL");
}, valkeyOnly());

test("CLIENT UNBLOCK ends a blocked XREAD with a null reply or the UNBLOCKED error", async (c) => {
  const w = await conn();
  const id = String(await w.call("CLIENT", "ID"));
  send(w, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
  await waitBlocked(c, 1);
  assert.equal(await c.call("CLIENT", "UNBLOCK", id), 1);
  assert.equal(await w.read(), null);
  send(w, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
  await waitBlocked(c, 1);
  assert.equal(await c.call("CLIENT", "UNBLOCK", id, "ERROR"), 1);
  assertError(await w.read(), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
});

test("a blocked XREAD with COUNT takes at most COUNT of the entries added in one EXEC", async (c) => {
  const w = await conn();
  send(w, "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "m", "$");
  await waitBlocked(c, 1);
  await c.call("MULTI");
  for (let i = 1; i <= 3; i++) await c.call("XADD", "m", `${i}-0`, "a", String(i));
  await c.call("EXEC");
  assert.deepEqual(await w.read(), [["m", [["1-0", ["a", "1"]], ["2-0", ["a", "2"]]]]]);
});

test("XGROUP DESTROY unblocks XREADGROUP with NOGROUP", async (c) => {
  await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  const w = await conn();
  send(w, "XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "0", "STREAMS", "s", ">");
  await waitBlocked(c, 1);
  await c.call("XGROUP", "DESTROY", "s", "g");
  assertError(
    await w.read(),
    "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option",
  );
}, valkeyOnly());

test("RENAME onto a blocked key serves XREADGROUP from the renamed stream", async (c) => {
  await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  const w = await conn();
  send(w, "XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "0", "STREAMS", "s", ">");
  await waitBlocked(c, 1);
  await c.call("XGROUP", "CREATE", "s2", "g", "$", "MKSTREAM");
  await c.call("XADD", "s2", "100-0", "f1", "v1");
  await c.call("RENAME", "s2", "s");
  assert.deepEqual(await w.read(), [["s", [["100-0", ["f1", "v1"]]]]]);
});

test("stream consumer group keyspace events", async (c) => {
  await c.call("CONFIG", "SET", "notify-keyspace-events", "KEt");
  const sub = await conn();
  await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
  await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  await c.call("XGROUP", "CREATECONSUMER", "s", "g", "c");
  await c.call("XGROUP", "SETID", "s", "g", "0");
  await c.call("XGROUP", "DELCONSUMER", "s", "g", "c");
  await c.call("XADD", "s", "1-0", "f", "v");
  await c.call("XREADGROUP", "GROUP", "g", "d", "STREAMS", "s", ">");
  await c.call("XGROUP", "DESTROY", "s", "g");
  const events: string[] = [];
  for (let i = 0; i < 7; i++) events.push((await sub.read() as string[])[3]!);
  assert.deepEqual(events, [
    "xgroup-create",
    "xgroup-createconsumer",
    "xgroup-setid",
    "xgroup-delconsumer",
    "xadd",
    "xgroup-createconsumer",
    "xgroup-destroy",
  ]);
  await c.call("CONFIG", "SET", "notify-keyspace-events", "");
});

test("XREADGROUP replies a map in RESP3 and XINFO replies maps", async (c) => {
  await c.call("HELLO", "3");
  await fill(c, "s", 1);
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  const r = await c.call("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">") as Map<unknown, unknown>;
  assert.deepEqual(r.get("s"), [["1-0", ["f", "1"]]]);
  const groups = await c.call("XINFO", "GROUPS", "s") as Map<unknown, unknown>[];
  assert.equal(groups[0]!.get("pending"), 1);
  assert.deepEqual(await c.call("XPENDING", "s", "g"), [1, "1-0", "1-0", [["a", "1"]]]);
});

Deno.test({
  name: "iovalkey consumer group round trip",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const v = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true });
    const b = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true });
    await v.connect();
    await b.connect();
    try {
      await v.del("jobs");
      await v.xgroup("CREATE", "jobs", "workers", "$", "MKSTREAM");
      const waiting = b.xreadgroup("GROUP", "workers", "w1", "BLOCK", 0, "STREAMS", "jobs", ">");
      await new Promise((r) => setTimeout(r, 100));
      const id = await v.xadd("jobs", "*", "task", "resize");
      assert.deepEqual(await waiting, [["jobs", [[id, ["task", "resize"]]]]]);
      assert.equal(await v.xack("jobs", "workers", id!), 1);
      await v.del("jobs");
    } finally {
      v.disconnect();
      b.disconnect();
    }
  },
});

Deno.test({
  // Redis 7.0 reloads a different entries-read / lag (it propagated no ENTRIESREAD for XREADGROUP).
  name: "stream entries, groups and pending entries survive an AOF reload",
  ...valkeyOnly(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-stream-aof-"));
    const args = ["--dir", dir, "--appendonly", "yes"];
    /** XINFO STREAM FULL without the consumers' seen/active times (replaying sets those anew). */
    const snapshot = async (c: RawConn) => {
      const full = asMap(await c.call("XINFO", "STREAM", "s", "FULL", "COUNT", "0"));
      const groups = (full.get("groups") as unknown[]).map(asMap).map((g) => {
        g.set(
          "consumers",
          (g.get("consumers") as unknown[]).map(asMap).map((c) => [c.get("name"), c.get("pending")]),
        );
        return [...g.entries()];
      });
      return [full.get("length"), full.get("last-generated-id"), full.get("entries"), groups];
    };
    let srv2 = await startServer(args);
    try {
      let c = await RawConn.connect(srv2.port);
      for (let i = 1; i <= 8; i++) await c.call("XADD", "s", "*", "i", String(i));
      await c.call("XADD", "s", "MAXLEN", "~", "4", "*", "i", "9");
      await c.call("XGROUP", "CREATE", "s", "g", "0");
      await c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
      await c.call("XREADGROUP", "GROUP", "g", "bob", "NOACK", "COUNT", "1", "STREAMS", "s", ">");
      await c.call("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">");
      const first = ((await c.call("XRANGE", "s", "-", "+", "COUNT", "1")) as unknown[][])[0]![0] as string;
      await c.call("XCLAIM", "s", "g", "dave", "0", first, "RETRYCOUNT", "5");
      await c.call("XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "2");
      await c.call("XDEL", "s", first);
      await c.call("XTRIM", "s", "MINID", "~", "0");
      const before = await snapshot(c);
      c.close();
      await srv2.stop();
      srv2 = await startServer(args);
      c = await RawConn.connect(srv2.port);
      assert.deepEqual(await snapshot(c), before);
      c.close();
    } finally {
      await srv2.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
