/**
 * Stream commands over TCP: XADD (IDs, NOMKSTREAM, MAXLEN/MINID trimming with LIMIT) XLEN XRANGE XREVRANGE
 * XDEL XTRIM XSETID XREAD (COUNT, BLOCK, `$`, `+`) and XINFO STREAM, their errors, RESP3 reply shapes,
 * keyspace events, node splitting by `stream-node-max-entries`, and blocking XREAD from several clients.
 * Consumer groups are in stream_cgroups_test.ts. Expectations were checked side by side against Valkey
 * 8.1.1 (and Redis 7.0 where not marked Valkey-only).
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../../helpers/server.ts";
import { blockingSuite, send } from "../../helpers/blocking.ts";
import { assertError } from "../../helpers/suite.ts";
import { waitUntil } from "../../helpers/timing.ts";
import { Valkey } from "iovalkey";
import { createClient } from "redis";

const srv = await startServer();
const { conn, test, waitBlocked } = blockingSuite(srv, {
  before: async (c) => {
    await c.call("CONFIG", "SET", "stream-node-max-entries", "100");
    await c.call("CONFIG", "SET", "stream-node-max-bytes", "4096");
  },
});

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
const SYNTAX = "ERR syntax error";

test("XADD with explicit IDs appends entries and XRANGE reads them back", async (c) => {
  assert.equal(await c.call("XADD", "s", "1-1", "a", "1", "b", "2"), "1-1");
  assert.equal(await c.call("XADD", "s", "1-*", "a", "3"), "1-2");
  assert.equal(await c.call("XADD", "s", "2", "c", "x"), "2-0");
  assert.equal(await c.call("XADD", "s", "5-*", "d", ""), "5-0");
  assert.equal(await c.call("XLEN", "s"), 4);
  assert.deepEqual(await c.call("XRANGE", "s", "-", "+"), [
    ["1-1", ["a", "1", "b", "2"]],
    ["1-2", ["a", "3"]],
    ["2-0", ["c", "x"]],
    ["5-0", ["d", ""]],
  ]);
  assert.deepEqual(await c.call("XREVRANGE", "s", "+", "-", "COUNT", 2), [["5-0", ["d", ""]], ["2-0", [
    "c",
    "x",
  ]]]);
  assert.equal(await c.call("TYPE", "s"), "stream");
  assert.equal(await c.call("OBJECT", "ENCODING", "s"), "stream");
});

test("XADD rejects IDs that do not grow, 0-0 and malformed IDs with Valkey's errors", async (c) => {
  await c.call("XADD", "s", "5-5", "a", "1");
  const smaller = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
  assertError(await c.call("XADD", "s", "5-5", "a", "1"), smaller);
  assertError(await c.call("XADD", "s", "4-9", "a", "1"), smaller);
  assertError(
    await c.call("XADD", "s", "0-0", "a", "1"),
    "ERR The ID specified in XADD must be greater than 0-0",
  );
  assertError(
    await c.call("XADD", "fresh", "0-0", "a", "1"),
    "ERR The ID specified in XADD must be greater than 0-0",
  );
  assert.equal(await c.call("EXISTS", "fresh"), 0);
  assertError(await c.call("XADD", "s", "abc", "a", "1"), INVALID_ID);
  assertError(await c.call("XADD", "s", "+", "a", "1"), INVALID_ID);
  assertError(await c.call("XADD", "s", "18446744073709551616-0", "a", "1"), INVALID_ID);
  assertError(await c.call("XADD", "s", "6-0", "a"), "ERR wrong number of arguments for 'xadd' command");
  assertError(
    await c.call("XADD", "s", "6-0", "a", "1", "b"),
    "ERR wrong number of arguments for 'xadd' command",
  );
  await c.call("SET", "str", "x");
  assertError(await c.call("XADD", "str", "*", "a", "1"), WRONGTYPE);
  assertError(await c.call("XLEN", "str"), WRONGTYPE);
});

test("XADD at the largest ID exhausts the stream", async (c) => {
  assert.equal(
    await c.call("XADD", "s", "18446744073709551615-18446744073709551615", "a", "1"),
    "18446744073709551615-18446744073709551615",
  );
  assertError(
    await c.call("XADD", "s", "*", "a", "1"),
    "ERR The stream has exhausted the last possible ID, unable to add more items",
  );
});

test("XADD <ms>-* refuses a millisecond whose sequence is used up (Valkey 8.1)", async (c) => {
  await c.call("XADD", "s2", "5-18446744073709551615", "a", "1");
  assertError(
    await c.call("XADD", "s2", "5-*", "a", "1"),
    "ERR The ID specified in XADD is equal or smaller than the target stream top item",
  );
  assert.equal(await c.call("XADD", "s2", "6-*", "a", "1"), "6-0");
}, valkeyOnly());

test("XADD with * generates time-based IDs that keep growing", async (c) => {
  const before = Date.now();
  const id1 = String(await c.call("XADD", "s", "*", "f", "v"));
  const id2 = String(await c.call("XADD", "s", "*", "f", "v"));
  const [ms1, seq1] = id1.split("-").map(Number) as [number, number];
  const [ms2, seq2] = id2.split("-").map(Number) as [number, number];
  assert.ok(ms1 >= before - 1000 && ms1 <= Date.now() + 1000);
  assert.ok(ms2 > ms1 || (ms2 === ms1 && seq2 === seq1 + 1));
});

test("XADD NOMKSTREAM does not create the key and replies a null bulk", async (c) => {
  assert.equal(await c.call("XADD", "s", "NOMKSTREAM", "*", "a", "1"), null);
  assert.equal(await c.call("EXISTS", "s"), 0);
  await c.call("XADD", "s", "1-0", "a", "1");
  assert.equal(await c.call("XADD", "s", "NOMKSTREAM", "2-0", "a", "1"), "2-0");
});

test("XADD trims with MAXLEN and MINID, exact and approximate, with Valkey's option errors", async (c) => {
  for (let i = 1; i <= 10; i++) await c.call("XADD", "s", "MAXLEN", "5", `${i}-0`, "i", String(i));
  assert.equal(await c.call("XLEN", "s"), 5);
  assert.equal((await c.call("XRANGE", "s", "-", "+") as unknown[][])[0]![0], "6-0");
  await c.call("XADD", "s", "MINID", "=", "9", "11-0", "i", "11");
  assert.deepEqual((await c.call("XRANGE", "s", "-", "+") as unknown[][]).map((e) => e[0]), [
    "9-0",
    "10-0",
    "11-0",
  ]);
  assertError(
    await c.call("XADD", "s", "MAXLEN", "2", "MINID", "1", "*", "a", "1"),
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
  );
  assertError(
    await c.call("XADD", "s", "MAXLEN", "-1", "*", "a", "1"),
    "ERR The MAXLEN argument must be >= 0.",
  );
  assertError(
    await c.call("XADD", "s", "MAXLEN", "abc", "*", "a", "1"),
    "ERR value is not an integer or out of range",
  );
  assertError(
    await c.call("XADD", "s", "LIMIT", "2", "*", "a", "1"),
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
  );
  assertError(
    await c.call("XADD", "s", "MAXLEN", "2", "LIMIT", "2", "*", "a", "1"),
    "ERR syntax error, LIMIT cannot be used without the special ~ option",
  );
  assertError(
    await c.call("XADD", "s", "MAXLEN", "~", "2", "LIMIT", "-1", "*", "a", "1"),
    "ERR The LIMIT argument must be >= 0.",
  );
});

test("approximate trimming removes whole nodes only", async (c) => {
  await c.call("CONFIG", "SET", "stream-node-max-entries", "10");
  for (let i = 1; i <= 35; i++) await c.call("XADD", "s", `${i}-0`, "f", "v");
  // 4 nodes of 10, 10, 10, 5: ~ 20 may drop one node (25 left), never cut into one.
  assert.equal(await c.call("XTRIM", "s", "MAXLEN", "~", "20"), 10);
  assert.equal(await c.call("XLEN", "s"), 25);
  assert.equal(await c.call("XTRIM", "s", "MAXLEN", "~", "20"), 0);
  assert.equal(await c.call("XTRIM", "s", "MAXLEN", "20"), 5);
  assert.equal(await c.call("XLEN", "s"), 20);
  // LIMIT caps the work: the half-trimmed node (5 live entries) fits in LIMIT 5, the next one does not.
  assert.equal(await c.call("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "5"), 5);
  assert.equal(await c.call("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "9"), 0);
  assert.equal(await c.call("XTRIM", "s", "MINID", "~", "31"), 10);
  assert.equal(await c.call("XTRIM", "s", "MINID", "33"), 2);
  assert.deepEqual((await c.call("XRANGE", "s", "-", "+") as unknown[][]).map((e) => e[0]), [
    "33-0",
    "34-0",
    "35-0",
  ]);
});

test("XTRIM needs a strategy and replies 0 for a missing key", async (c) => {
  assertError(
    await c.call("XTRIM", "s", "LIMIT", "1"),
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
  );
  assertError(
    await c.call("XTRIM", "s", "LIMIT", "0"),
    "ERR syntax error, XTRIM must be called with a trimming strategy",
  );
  assertError(await c.call("XTRIM", "s", "FOO", "1"), SYNTAX);
  assert.equal(await c.call("XTRIM", "nokey", "MAXLEN", "1"), 0);
});

test("XRANGE handles exclusive bounds, incomplete IDs, COUNT and their errors", async (c) => {
  for (const id of ["1-0", "1-1", "2-0", "3-5"]) await c.call("XADD", "s", id, "f", id);
  const ids = async (...a: string[]) => (await c.call("XRANGE", "s", ...a) as unknown[][]).map((e) => e[0]);
  assert.deepEqual(await ids("(1-0", "+"), ["1-1", "2-0", "3-5"]);
  assert.deepEqual(await ids("-", "(3-5"), ["1-0", "1-1", "2-0"]);
  assert.deepEqual(await ids("1", "1"), ["1-0", "1-1"]);
  assert.deepEqual(await ids("(1", "3"), ["1-1", "2-0", "3-5"]);
  assert.deepEqual(await ids("-", "+", "COUNT", "2"), ["1-0", "1-1"]);
  assert.equal(await c.call("XRANGE", "s", "-", "+", "COUNT", "0"), null);
  assert.deepEqual(await c.call("XRANGE", "nokey", "-", "+", "COUNT", "0"), []);
  assertError(await c.call("XRANGE", "s", "(-", "+"), INVALID_ID);
  assertError(
    await c.call("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"),
    "ERR invalid start ID for the interval",
  );
  assertError(await c.call("XRANGE", "s", "-", "(0-0"), "ERR invalid end ID for the interval");
  assertError(await c.call("XRANGE", "s", "-", "+", "FOO"), SYNTAX);
  assertError(await c.call("XRANGE", "s", "-", "+", "COUNT"), SYNTAX);
});

test("XDEL marks entries deleted and XINFO STREAM tracks the bookkeeping", async (c) => {
  for (let i = 1; i <= 5; i++) await c.call("XADD", "s", `${i}-0`, "f", String(i));
  assert.equal(await c.call("XDEL", "s", "1-0", "3-0", "9-0"), 2);
  assert.equal(await c.call("XDEL", "s", "1-0"), 0);
  assertError(await c.call("XDEL", "s", "bad"), INVALID_ID);
  assert.equal(await c.call("XDEL", "nokey", "1-0"), 0);
  const info = await c.call("XINFO", "STREAM", "s") as unknown[];
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < info.length; i += 2) m.set(info[i], info[i + 1]);
  assert.equal(m.get("length"), 3);
  assert.equal(m.get("radix-tree-keys"), 1);
  assert.equal(m.get("last-generated-id"), "5-0");
  assert.equal(m.get("max-deleted-entry-id"), "3-0");
  assert.equal(m.get("entries-added"), 5);
  assert.equal(m.get("recorded-first-entry-id"), "2-0");
  assert.equal(m.get("groups"), 0);
  assert.deepEqual(m.get("first-entry"), ["2-0", ["f", "2"]]);
  assert.deepEqual(m.get("last-entry"), ["5-0", ["f", "5"]]);
  assertError(await c.call("XINFO", "STREAM", "nokey"), "ERR no such key");
  assertError(
    await c.call("XINFO", "STREAM", "s", "FOO"),
    "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
  );
});

test("stream-node-max-entries splits the stream into nodes", async (c) => {
  await c.call("CONFIG", "SET", "stream-node-max-entries", "3");
  for (let i = 1; i <= 10; i++) await c.call("XADD", "s", `${i}-0`, "f", String(i));
  const info = await c.call("XINFO", "STREAM", "s") as unknown[];
  assert.equal(info[info.indexOf("radix-tree-keys") + 1], 4);
  assert.equal(info[info.indexOf("radix-tree-nodes") + 1], 10);
  assert.equal((await c.call("XREVRANGE", "s", "+", "-") as unknown[]).length, 10);
  assert.deepEqual((await c.call("XRANGE", "s", "3", "7") as unknown[][]).map((e) => e[0]), [
    "3-0",
    "4-0",
    "5-0",
    "6-0",
    "7-0",
  ]);
});

test("XINFO STREAM FULL lists entries up to COUNT", async (c) => {
  for (let i = 1; i <= 12; i++) await c.call("XADD", "s", `${i}-0`, "f", String(i));
  const full = await c.call("XINFO", "STREAM", "s", "FULL") as unknown[];
  assert.equal(full.length, 18);
  assert.equal((full[full.indexOf("entries") + 1] as unknown[]).length, 10);
  const one = await c.call("XINFO", "STREAM", "s", "FULL", "COUNT", "1") as unknown[];
  assert.deepEqual(one[one.indexOf("entries") + 1], [["1-0", ["f", "1"]]]);
  const all = await c.call("XINFO", "STREAM", "s", "FULL", "COUNT", "0") as unknown[];
  assert.equal((all[all.indexOf("entries") + 1] as unknown[]).length, 12);
  assert.deepEqual(all[all.indexOf("groups") + 1], []);
});

test("XSETID moves the last ID with Valkey's checks", async (c) => {
  await c.call("XADD", "s", "5-0", "a", "1");
  assertError(
    await c.call("XSETID", "s", "1-1"),
    "ERR The ID specified in XSETID is smaller than the target stream top item",
  );
  assert.equal(await c.call("XSETID", "s", "100-0"), "OK");
  assertError(
    await c.call("XADD", "s", "99-0", "a", "1"),
    "ERR The ID specified in XADD is equal or smaller than the target stream top item",
  );
  assertError(await c.call("XSETID", "nokey", "1-1"), "ERR no such key");
  assertError(await c.call("XSETID", "s", "1-1", "FOO"), SYNTAX);
});

test("XSETID ENTRIESADDED and MAXDELETEDID (Valkey 7+)", async (c) => {
  await c.call("XADD", "s", "5-0", "a", "1");
  assertError(
    await c.call("XSETID", "s", "200-0", "ENTRIESADDED", "-1"),
    "ERR entries_added must be positive",
  );
  assertError(
    await c.call("XSETID", "s", "200-0", "ENTRIESADDED", "0"),
    "ERR The entries_added specified in XSETID is smaller than the target stream length",
  );
  assertError(
    await c.call("XSETID", "s", "200-0", "MAXDELETEDID", "300-0"),
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
  );
  assert.equal(await c.call("XSETID", "s", "200-0", "MAXDELETEDID", "150-0", "ENTRIESADDED", "10"), "OK");
  const info = await c.call("XINFO", "STREAM", "s") as unknown[];
  assert.equal(info[info.indexOf("max-deleted-entry-id") + 1], "150-0");
  assert.equal(info[info.indexOf("entries-added") + 1], 10);
});

test("XSETID below the max deleted ID is refused (Valkey 8.1)", async (c) => {
  await c.call("XADD", "s", "5-0", "a", "1");
  await c.call("XSETID", "s", "200-0", "MAXDELETEDID", "150-0");
  assertError(
    await c.call("XSETID", "s", "120-0"),
    "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id",
  );
}, valkeyOnly());

test("XREAD returns entries after the given IDs from several streams", async (c) => {
  await c.call("XADD", "a", "1-0", "f", "1");
  await c.call("XADD", "a", "2-0", "f", "2");
  await c.call("XADD", "b", "3-0", "g", "3");
  assert.deepEqual(await c.call("XREAD", "STREAMS", "a", "b", "0", "0"), [
    ["a", [["1-0", ["f", "1"]], ["2-0", ["f", "2"]]]],
    ["b", [["3-0", ["g", "3"]]]],
  ]);
  assert.deepEqual(await c.call("XREAD", "COUNT", "1", "STREAMS", "a", "nokey", "b", "1-0", "0", "3-0"), [
    ["a", [["2-0", ["f", "2"]]]],
  ]);
  assert.equal(await c.call("XREAD", "STREAMS", "a", "$"), null);
  assertError(
    await c.call("XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"),
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
  );
  assertError(
    await c.call("XREAD", "NOACK", "STREAMS", "a", "0"),
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
  );
  assertError(
    await c.call("XREAD", "STREAMS", "a", ">"),
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
  );
  assertError(await c.call("XREAD", "BLOCK", "-1", "STREAMS", "a", "0"), "ERR timeout is negative");
  assertError(
    await c.call("XREAD", "BLOCK", "x", "STREAMS", "a", "0"),
    "ERR timeout is not an integer or out of range",
  );
  assertError(await c.call("XREAD", "FOO", "STREAMS", "a", "0"), SYNTAX);
  await c.call("SET", "str", "x");
  assertError(await c.call("XREAD", "STREAMS", "str", "0"), WRONGTYPE);
});

test("XREAD and XREADGROUP name themselves in the unbalanced-streams error (Valkey 8.1)", async (c) => {
  assertError(
    await c.call("XREAD", "COUNT", "1", "STREAMS", "a"),
    "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.",
  );
}, valkeyOnly());

test("XREAD with + returns the last entry (Valkey 8.1)", async (c) => {
  await c.call("XADD", "a", "1-0", "f", "1");
  await c.call("XADD", "a", "2-0", "f", "2");
  assert.deepEqual(await c.call("XREAD", "STREAMS", "a", "+"), [["a", [["2-0", ["f", "2"]]]]]);
  assert.equal(await c.call("XREAD", "STREAMS", "nokey", "+"), null);
}, valkeyOnly());

test("XREAD replies a map in RESP3", async (c) => {
  await c.call("HELLO", "3");
  await c.call("XADD", "a", "1-0", "f", "1");
  const r = await c.call("XREAD", "STREAMS", "a", "0") as Map<unknown, unknown>;
  assert.ok(r instanceof Map);
  assert.deepEqual(r.get("a"), [["1-0", ["f", "1"]]]);
  assert.equal(await c.call("XREAD", "STREAMS", "a", "$"), null);
  assert.equal(await c.call("XADD", "s", "NOMKSTREAM", "*", "a", "1"), null);
  const info = await c.call("XINFO", "STREAM", "a") as Map<unknown, unknown>;
  assert.equal(info.get("length"), 1);
});

test("blocking XREAD with $ is served by a later XADD", async (c) => {
  await c.call("XADD", "s", "1-0", "old", "1");
  const w = await conn();
  send(w, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
  await waitBlocked(c, 1);
  await c.call("XADD", "s", "2-0", "new", "1");
  assert.deepEqual(await w.read(), [["s", [["2-0", ["new", "1"]]]]]);
  assert.equal(await w.call("PING"), "PONG");
});

test("blocking XREAD on several streams is served by whichever gets data", async (c) => {
  const w = await conn();
  send(w, "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "$", "$");
  await waitBlocked(c, 1);
  await c.call("XADD", "b", "5-0", "x", "y");
  assert.deepEqual(await w.read(), [["b", [["5-0", ["x", "y"]]]]]);
});

test("several clients blocked on one stream are all served by one XADD", async (c) => {
  const ws = [await conn(), await conn(), await conn()];
  for (const [i, w] of ws.entries()) {
    send(w, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
    await waitBlocked(c, i + 1);
  }
  await c.call("XADD", "s", "1-0", "f", "v");
  for (const w of ws) assert.deepEqual(await w.read(), [["s", [["1-0", ["f", "v"]]]]]);
});

test("blocking XREAD times out with a null array", async (c) => {
  const t0 = Date.now();
  assert.equal(await c.call("XREAD", "BLOCK", "100", "STREAMS", "s", "$"), null);
  assert.ok(Date.now() - t0 >= 90);
});

test("blocking XREAD is not woken by XDEL, DEL or SET, only by new entries", async (c) => {
  await c.call("XADD", "s", "666-0", "f", "v");
  const w = await conn();
  send(w, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
  await waitBlocked(c, 1);
  await c.call("XDEL", "s", "666-0");
  await c.call("SET", "s", "x");
  await c.call("DEL", "s");
  await waitBlocked(c, 1);
  await c.call("XADD", "s", "667-0", "f", "v");
  assert.deepEqual(await w.read(), [["s", [["667-0", ["f", "v"]]]]]);
});

test("XREAD BLOCK inside MULTI does not block", async (c) => {
  await c.call("MULTI");
  await c.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
  assert.deepEqual(await c.call("EXEC"), [null]);
});

test("stream keyspace events are emitted as Valkey names them", async (c) => {
  await c.call("CONFIG", "SET", "notify-keyspace-events", "KEt");
  const sub = await conn();
  await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
  await c.call("XADD", "s", "MAXLEN", "1", "1-0", "a", "1");
  await c.call("XADD", "s", "MAXLEN", "1", "2-0", "a", "1");
  await c.call("XDEL", "s", "2-0");
  await c.call("XADD", "s", "3-0", "a", "1");
  await c.call("XTRIM", "s", "MAXLEN", "0");
  await c.call("XSETID", "s", "10-0");
  const events: string[] = [];
  for (let i = 0; i < 7; i++) events.push((await sub.read() as string[])[3]!);
  assert.deepEqual(events, ["xadd", "xadd", "xtrim", "xdel", "xadd", "xtrim", "xsetid"]);
  await c.call("CONFIG", "SET", "notify-keyspace-events", "");
});

test("COPY, MEMORY USAGE and DEBUG OBJECT see the stream", async (c) => {
  await c.call("XADD", "s", "1-0", "a", "1");
  await c.call("XGROUP", "CREATE", "s", "g", "0");
  assert.equal(await c.call("COPY", "s", "t"), 1);
  await c.call("XADD", "s", "2-0", "a", "2");
  assert.equal(await c.call("XLEN", "t"), 1);
  const groups = await c.call("XINFO", "GROUPS", "t") as unknown[][];
  assert.equal(groups[0]![1], "g");
  assert.ok(Number(await c.call("MEMORY", "USAGE", "s")) > 0);
  assert.match(String(await c.call("DEBUG", "OBJECT", "s")), /encoding:stream/);
  assert.deepEqual(
    await c.call("SCAN", "0", "TYPE", "stream", "COUNT", "100").then((r) => (r as unknown[])[1] as string[])
      .then((k) => k.sort()),
    ["s", "t"],
  );
});

Deno.test({
  name: "iovalkey and node-redis read stream replies",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const v = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true });
    await v.connect();
    const r = createClient({ socket: { port: srv.port, host: srv.host } });
    await r.connect();
    try {
      await v.del("cs");
      assert.equal(await v.xadd("cs", "1-0", "temp", "21"), "1-0");
      assert.equal(await r.xAdd("cs", "2-0", { temp: "22" }), "2-0");
      assert.deepEqual(await v.xrange("cs", "-", "+"), [["1-0", ["temp", "21"]], ["2-0", ["temp", "22"]]]);
      assert.deepEqual(await r.xRange("cs", "-", "+"), [
        { id: "1-0", message: { temp: "21" } },
        { id: "2-0", message: { temp: "22" } },
      ]);
      // A blocked node-redis XREAD (isolated connection) woken by an iovalkey XADD.
      const pending = r.xRead({ key: "cs", id: "$" }, { BLOCK: 0 });
      // "$" is the last ID when XREAD runs: an XADD that got there first would leave it blocked forever.
      await waitUntil(async () => /blocked_clients:1\r\n/.test(await v.info("clients")), "XREAD to block");
      await v.xadd("cs", "3-0", "temp", "23");
      assert.deepEqual(await pending, [{ name: "cs", messages: [{ id: "3-0", message: { temp: "23" } }] }]);
      await v.del("cs");
    } finally {
      v.disconnect();
      await r.quit();
    }
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
