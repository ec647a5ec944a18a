/**
 * The non-blocking list commands over TCP: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET
 * LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP — replies (byte-exact where nulls differ by type), every
 * option and error, listpack/quicklist encodings and their conversions, keyspace events, big lists.
 * Expectations were checked against Valkey 8.1.1 and Redis 7.0.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../../helpers/server.ts";
import { RawConn } from "../../helpers/raw.ts";
import { assertError, connTest } from "../../helpers/suite.ts";

const srv = await startServer();

const NOT_INT = "ERR value is not an integer or out of range";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const SYNTAX = "ERR syntax error";
const POSITIVE = "ERR value is out of range, must be positive";

const test = connTest(srv, {
  before: async (c) => {
    await c.call("FLUSHALL");
    await c.call("CONFIG", "SET", "list-max-listpack-size", "-2");
  },
});

/** Sends a request and returns the raw reply bytes (at least `min`). */
async function raw(c: RawConn, min: number, ...args: string[]): Promise<string> {
  c.send(
    `*${args.length}\r\n` + args.map((a) => `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`).join(""),
  );
  return await c.readRaw(min);
}

test("LPUSH and RPUSH create a list and return its length", async (c) => {
  assert.equal(await c.call("LPUSH", "l", "a"), 1);
  assert.equal(await c.call("LPUSH", "l", "b", "c"), 3);
  assert.equal(await c.call("RPUSH", "l", "d", "e"), 5);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["c", "b", "a", "d", "e"]);
  assert.equal(await c.call("TYPE", "l"), "list");
  assert.equal(await c.call("LLEN", "l"), 5);
  assert.equal(await c.call("LLEN", "missing"), 0);
});

test("LPUSHX and RPUSHX push only onto existing lists", async (c) => {
  assert.equal(await c.call("LPUSHX", "l", "a"), 0);
  assert.equal(await c.call("RPUSHX", "l", "a", "b"), 0);
  assert.equal(await c.call("EXISTS", "l"), 0);
  await c.call("RPUSH", "l", "x");
  assert.equal(await c.call("LPUSHX", "l", "a", "b"), 3);
  assert.equal(await c.call("RPUSHX", "l", "c", "d"), 5);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["b", "a", "x", "c", "d"]);
  await c.call("SET", "s", "v");
  assertError(await c.call("LPUSHX", "s", "a"), WRONGTYPE);
  assertError(await c.call("RPUSHX", "s", "a"), WRONGTYPE);
});

test("push commands reject wrong types and wrong arity", async (c) => {
  await c.call("SET", "s", "v");
  assertError(await c.call("LPUSH", "s", "a"), WRONGTYPE);
  assertError(await c.call("RPUSH", "s", "a"), WRONGTYPE);
  assertError(await c.call("LPUSH", "s"), "ERR wrong number of arguments for 'lpush' command");
  assertError(await c.call("RPUSHX", "s"), "ERR wrong number of arguments for 'rpushx' command");
  assertError(await c.call("LLEN", "s"), WRONGTYPE);
  assertError(await c.call("LLEN"), "ERR wrong number of arguments for 'llen' command");
});

test("LPOP and RPOP return single elements and delete emptied lists", async (c) => {
  await c.call("RPUSH", "l", "a", "b", "c");
  assert.equal(await c.call("LPOP", "l"), "a");
  assert.equal(await c.call("RPOP", "l"), "c");
  assert.equal(await c.call("LPOP", "l"), "b");
  assert.equal(await c.call("EXISTS", "l"), 0);
  assert.equal(await raw(c, 5, "LPOP", "l"), "$-1\r\n");
  assert.equal(await raw(c, 5, "RPOP", "l"), "$-1\r\n");
});

test("LPOP and RPOP with a count reply arrays", async (c) => {
  await c.call("RPUSH", "l", "1", "2", "3", "4", "5");
  assert.deepEqual(await c.call("LPOP", "l", 2), ["1", "2"]);
  assert.deepEqual(await c.call("RPOP", "l", 2), ["5", "4"]);
  assert.deepEqual(await c.call("LPOP", "l", 0), []);
  assert.deepEqual(await c.call("RPOP", "l", 10), ["3"]);
  assert.equal(await c.call("EXISTS", "l"), 0);
  // A missing key with a count is a null array, even with count 0.
  assert.equal(await raw(c, 5, "LPOP", "l", "2"), "*-1\r\n");
  assert.equal(await raw(c, 5, "RPOP", "l", "0"), "*-1\r\n");
});

test("LPOP and RPOP validate the count before the key", async (c) => {
  await c.call("SET", "s", "v");
  assertError(await c.call("LPOP", "s", -1), POSITIVE);
  assertError(await c.call("RPOP", "s", "abc"), POSITIVE);
  assertError(await c.call("LPOP", "s", "9223372036854775808"), POSITIVE);
  assertError(await c.call("LPOP", "s", 1), WRONGTYPE);
  assertError(await c.call("RPOP", "s"), WRONGTYPE);
  assertError(await c.call("LPOP", "key", 1, 1), "ERR wrong number of arguments for 'lpop' command");
  assertError(await c.call("RPOP", "key", 2, 2), "ERR wrong number of arguments for 'rpop' command");
});

test("null replies in RESP3 are the null type", async (c) => {
  await c.call("HELLO", "3");
  assert.equal(await raw(c, 3, "LPOP", "nokey"), "_\r\n");
  assert.equal(await raw(c, 3, "LPOP", "nokey", "1"), "_\r\n");
  assert.equal(await raw(c, 3, "LINDEX", "nokey", "0"), "_\r\n");
  assert.equal(await raw(c, 3, "LMPOP", "1", "nokey", "LEFT"), "_\r\n");
  assert.equal(await raw(c, 3, "LPOS", "nokey", "x"), "_\r\n");
  assert.equal(await raw(c, 3, "LMOVE", "nokey", "d", "LEFT", "LEFT"), "_\r\n");
});

test("LRANGE handles negative, inverted and out of range indexes", async (c) => {
  await c.call("RPUSH", "l", "0", "1", "2", "3", "4", "5");
  assert.deepEqual(await c.call("LRANGE", "l", 1, -2), ["1", "2", "3", "4"]);
  assert.deepEqual(await c.call("LRANGE", "l", -3, -1), ["3", "4", "5"]);
  assert.deepEqual(await c.call("LRANGE", "l", -100, 1), ["0", "1"]);
  assert.deepEqual(await c.call("LRANGE", "l", 4, 100), ["4", "5"]);
  assert.deepEqual(await c.call("LRANGE", "l", 3, 2), []);
  assert.deepEqual(await c.call("LRANGE", "l", 6, 10), []);
  assert.deepEqual(await c.call("LRANGE", "l", -1, -2), []);
  assert.deepEqual(await c.call("LRANGE", "l", "-9223372036854775808", "9223372036854775807"), [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
  ]);
  assert.deepEqual(await c.call("LRANGE", "missing", 0, -1), []);
  assertError(await c.call("LRANGE", "l", "a", 1), NOT_INT);
  assertError(await c.call("LRANGE", "l", 0, "1.5"), NOT_INT);
  await c.call("SET", "s", "v");
  assertError(await c.call("LRANGE", "s", 0, -1), WRONGTYPE);
  // The indexes are checked before the key.
  assertError(await c.call("LRANGE", "s", "x", -1), NOT_INT);
});

test("LINDEX reads by index from both ends", async (c) => {
  await c.call("RPUSH", "l", "a", "b", "c");
  assert.equal(await c.call("LINDEX", "l", 0), "a");
  assert.equal(await c.call("LINDEX", "l", -1), "c");
  assert.equal(await c.call("LINDEX", "l", 2), "c");
  assert.equal(await c.call("LINDEX", "l", 3), null);
  assert.equal(await c.call("LINDEX", "l", -4), null);
  assert.equal(await c.call("LINDEX", "l", "-9223372036854775808"), null);
  assertError(await c.call("LINDEX", "l", "x"), NOT_INT);
  // The key is looked up before the index is parsed.
  assert.equal(await c.call("LINDEX", "missing", "x"), null);
  await c.call("SET", "s", "v");
  assertError(await c.call("LINDEX", "s", "x"), WRONGTYPE);
});

test("LSET replaces by index with its errors", async (c) => {
  await c.call("RPUSH", "l", "a", "b", "c");
  assert.equal(await c.call("LSET", "l", 1, "B"), "OK");
  assert.equal(await c.call("LSET", "l", -1, "C"), "OK");
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["a", "B", "C"]);
  assertError(await c.call("LSET", "l", 3, "x"), "ERR index out of range");
  assertError(await c.call("LSET", "l", -4, "x"), "ERR index out of range");
  assertError(await c.call("LSET", "l", "x", "x"), NOT_INT);
  assertError(await c.call("LSET", "missing", 0, "x"), "ERR no such key");
  assertError(await c.call("LSET", "missing", "x", "x"), "ERR no such key");
  await c.call("SET", "s", "v");
  assertError(await c.call("LSET", "s", 0, "x"), WRONGTYPE);
});

test("LINSERT inserts before or after the first pivot", async (c) => {
  await c.call("RPUSH", "l", "a", "b", "a");
  assert.equal(await c.call("LINSERT", "l", "BEFORE", "a", "x"), 4);
  assert.equal(await c.call("LINSERT", "l", "after", "b", "y"), 5);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["x", "a", "b", "y", "a"]);
  assert.equal(await c.call("LINSERT", "l", "AFTER", "zz", "q"), -1);
  assert.equal(await c.call("LINSERT", "missing", "AFTER", "a", "q"), 0);
  assertError(await c.call("LINSERT", "l", "MIDDLE", "a", "q"), SYNTAX);
  // The position word is checked before the key.
  assertError(await c.call("LINSERT", "missing", "MIDDLE", "a", "q"), SYNTAX);
  await c.call("SET", "s", "v");
  assertError(await c.call("LINSERT", "s", "BEFORE", "a", "q"), WRONGTYPE);
  assertError(
    await c.call("LINSERT", "l", "BEFORE", "a"),
    "ERR wrong number of arguments for 'linsert' command",
  );
});

test("LREM removes from the head, the tail or everywhere", async (c) => {
  await c.call("RPUSH", "l", "a", "x", "b", "x", "c", "x", "x");
  assert.equal(await c.call("LREM", "l", 2, "x"), 2);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["a", "b", "c", "x", "x"]);
  assert.equal(await c.call("LREM", "l", -1, "x"), 1);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["a", "b", "c", "x"]);
  assert.equal(await c.call("LREM", "l", 0, "nope"), 0);
  assert.equal(await c.call("LREM", "l", 0, "x"), 1);
  assert.equal(await c.call("LREM", "missing", 0, "x"), 0);
  await c.call("RPUSH", "one", "x", "x");
  assert.equal(await c.call("LREM", "one", 0, "x"), 2);
  assert.equal(await c.call("EXISTS", "one"), 0);
  assertError(await c.call("LREM", "l", "x", "x"), NOT_INT);
  await c.call("SET", "s", "v");
  assertError(await c.call("LREM", "s", 0, "x"), WRONGTYPE);
});

test("LTRIM keeps a range and deletes emptied lists", async (c) => {
  await c.call("RPUSH", "l", "0", "1", "2", "3", "4");
  assert.equal(await c.call("LTRIM", "l", 1, -2), "OK");
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["1", "2", "3"]);
  assert.equal(await c.call("LTRIM", "l", -2, 100), "OK");
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["2", "3"]);
  assert.equal(await c.call("LTRIM", "l", 5, 10), "OK");
  assert.equal(await c.call("EXISTS", "l"), 0);
  await c.call("RPUSH", "l", "a");
  assert.equal(await c.call("LTRIM", "l", 1, 0), "OK");
  assert.equal(await c.call("EXISTS", "l"), 0);
  assert.equal(await c.call("LTRIM", "missing", 0, 1), "OK");
  assertError(await c.call("LTRIM", "l", "a", 1), NOT_INT);
  await c.call("SET", "s", "v");
  assertError(await c.call("LTRIM", "s", 0, 1), WRONGTYPE);
});

test("LPOS finds positions with RANK, COUNT and MAXLEN", async (c) => {
  await c.call("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c");
  assert.equal(await c.call("LPOS", "l", "c"), 2);
  assert.equal(await c.call("LPOS", "l", "c", "RANK", 2), 6);
  assert.equal(await c.call("LPOS", "l", "c", "RANK", -1), 7);
  assert.equal(await c.call("LPOS", "l", "c", "RANK", -3), 2);
  assert.equal(await c.call("LPOS", "l", "c", "RANK", 4), null);
  assert.deepEqual(await c.call("LPOS", "l", "c", "COUNT", 0), [2, 6, 7]);
  assert.deepEqual(await c.call("LPOS", "l", "c", "COUNT", 2), [2, 6]);
  assert.deepEqual(await c.call("LPOS", "l", "c", "COUNT", 0, "RANK", -1), [7, 6, 2]);
  assert.deepEqual(await c.call("LPOS", "l", "c", "RANK", 2, "COUNT", 0), [6, 7]);
  assert.deepEqual(await c.call("LPOS", "l", "c", "COUNT", 0, "MAXLEN", 7), [2, 6]);
  assert.deepEqual(await c.call("LPOS", "l", "c", "COUNT", 0, "MAXLEN", 1, "RANK", -1), [7]);
  assert.equal(await c.call("LPOS", "l", "c", "MAXLEN", 2), null);
  assert.deepEqual(await c.call("LPOS", "l", "x", "COUNT", 5), []);
  assert.equal(await c.call("LPOS", "l", "x"), null);
  assert.deepEqual(await c.call("LPOS", "missing", "x", "COUNT", 1), []);
  assert.equal(await c.call("LPOS", "missing", "x"), null);
  assert.equal(await c.call("LPOS", "l", "1", "rank", "1", "count", "1", "maxlen", "0").then(String), "3");
});

test("LPOS reports its option errors before looking at the key", async (c) => {
  await c.call("SET", "s", "v");
  assertError(
    await c.call("LPOS", "s", "c", "RANK", 0),
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  );
  assertError(await c.call("LPOS", "s", "c", "RANK", "x"), NOT_INT);
  assertError(await c.call("LPOS", "s", "c", "COUNT", -1), "ERR COUNT can't be negative");
  assertError(await c.call("LPOS", "s", "c", "COUNT", "x"), "ERR COUNT can't be negative");
  assertError(await c.call("LPOS", "s", "c", "MAXLEN", -1), "ERR MAXLEN can't be negative");
  assertError(await c.call("LPOS", "s", "c", "MAXLEN", "y"), "ERR MAXLEN can't be negative");
  assertError(await c.call("LPOS", "s", "c", "RANK"), SYNTAX);
  assertError(await c.call("LPOS", "s", "c", "FOO", 1), SYNTAX);
  assertError(await c.call("LPOS", "s", "c"), WRONGTYPE);
});

test("LREM count and LPOS RANK reject LONG_MIN", async (c) => {
  const RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
  await c.call("SET", "s", "v");
  assertError(await c.call("LREM", "s", "-9223372036854775808", "x"), RANGE);
  assertError(await c.call("LPOS", "s", "c", "RANK", "-9223372036854775808"), RANGE);
  assertError(await c.call("LREM", "s", "-9223372036854775807", "x"), WRONGTYPE);
  assertError(await c.call("LPOS", "s", "c", "RANK", "-9223372036854775807"), WRONGTYPE);
}, valkeyOnly());

test("LMOVE moves between every pair of ends", async (c) => {
  await c.call("RPUSH", "src", "1", "2", "3", "4");
  assert.equal(await c.call("LMOVE", "src", "dst", "LEFT", "LEFT"), "1");
  assert.equal(await c.call("LMOVE", "src", "dst", "RIGHT", "RIGHT"), "4");
  assert.equal(await c.call("LMOVE", "src", "dst", "left", "right"), "2");
  assert.equal(await c.call("LMOVE", "src", "dst", "right", "left"), "3");
  assert.deepEqual(await c.call("LRANGE", "dst", 0, -1), ["3", "1", "4", "2"]);
  assert.equal(await c.call("EXISTS", "src"), 0);
  assert.equal(await raw(c, 5, "LMOVE", "src", "dst", "LEFT", "LEFT"), "$-1\r\n");
  // Rotation on the same key.
  assert.equal(await c.call("LMOVE", "dst", "dst", "LEFT", "RIGHT"), "3");
  assert.deepEqual(await c.call("LRANGE", "dst", 0, -1), ["1", "4", "2", "3"]);
  await c.call("RPUSH", "single", "x");
  assert.equal(await c.call("LMOVE", "single", "single", "RIGHT", "LEFT"), "x");
  assert.deepEqual(await c.call("LRANGE", "single", 0, -1), ["x"]);
});

test("LMOVE and RPOPLPUSH report syntax and type errors in Valkey's order", async (c) => {
  await c.call("SET", "s", "v");
  await c.call("RPUSH", "l", "a");
  assertError(await c.call("LMOVE", "l", "d", "UP", "LEFT"), SYNTAX);
  assertError(await c.call("LMOVE", "l", "d", "LEFT", "DOWN"), SYNTAX);
  assertError(await c.call("LMOVE", "s", "d", "LEFT", "LEFT"), WRONGTYPE);
  assertError(await c.call("LMOVE", "l", "s", "LEFT", "LEFT"), WRONGTYPE);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["a"]);
  // A missing source replies null without looking at the destination.
  assert.equal(await c.call("LMOVE", "missing", "s", "LEFT", "LEFT"), null);
  assertError(await c.call("RPOPLPUSH", "s", "d"), WRONGTYPE);
  assertError(await c.call("RPOPLPUSH", "l", "s"), WRONGTYPE);
  assert.equal(await c.call("RPOPLPUSH", "missing", "s"), null);
});

test("RPOPLPUSH moves the tail to the head", async (c) => {
  await c.call("RPUSH", "src", "a", "b", "c");
  assert.equal(await c.call("RPOPLPUSH", "src", "dst"), "c");
  assert.equal(await c.call("RPOPLPUSH", "src", "dst"), "b");
  assert.deepEqual(await c.call("LRANGE", "dst", 0, -1), ["b", "c"]);
  assert.equal(await c.call("RPOPLPUSH", "src", "src"), "a");
  assert.deepEqual(await c.call("LRANGE", "src", 0, -1), ["a"]);
});

test("LMPOP pops from the first non-empty list", async (c) => {
  await c.call("RPUSH", "l2", "a", "b", "c", "d");
  assert.deepEqual(await c.call("LMPOP", 2, "l1", "l2", "LEFT"), ["l2", ["a"]]);
  assert.deepEqual(await c.call("LMPOP", 2, "l1", "l2", "RIGHT", "COUNT", 2), ["l2", ["d", "c"]]);
  assert.deepEqual(await c.call("LMPOP", 1, "l2", "left", "count", 10), ["l2", ["b"]]);
  assert.equal(await c.call("EXISTS", "l2"), 0);
  assert.equal(await raw(c, 5, "LMPOP", "2", "l1", "l2", "LEFT"), "*-1\r\n");
});

test("LMPOP validates numkeys, the direction and COUNT", async (c) => {
  await c.call("SET", "s", "v");
  const NUMKEYS = "ERR numkeys should be greater than 0";
  const COUNT = "ERR count should be greater than 0";
  assertError(await c.call("LMPOP", 0, "a", "LEFT"), NUMKEYS);
  assertError(await c.call("LMPOP", -1, "a", "LEFT"), NUMKEYS);
  assertError(await c.call("LMPOP", "x", "a", "LEFT"), NUMKEYS);
  assertError(await c.call("LMPOP", 3, "a", "LEFT"), SYNTAX);
  assertError(await c.call("LMPOP", "9223372036854775807", "a", "LEFT"), SYNTAX);
  assertError(await c.call("LMPOP", 1, "a", "UP"), SYNTAX);
  assertError(await c.call("LMPOP", 1, "a", "LEFT", "COUNT", 0), COUNT);
  assertError(await c.call("LMPOP", 1, "a", "LEFT", "COUNT", "x"), COUNT);
  assertError(await c.call("LMPOP", 1, "a", "LEFT", "COUNT", 1, "COUNT", 1), SYNTAX);
  assertError(await c.call("LMPOP", 1, "a", "LEFT", "COUNT"), SYNTAX);
  assertError(await c.call("LMPOP", 1, "a", "LEFT", "FOO"), SYNTAX);
  assertError(await c.call("LMPOP", 2, "s", "a", "LEFT"), WRONGTYPE);
  assertError(await c.call("LMPOP", 1, "a"), "ERR wrong number of arguments for 'lmpop' command");
  // A missing key before a wrong-type one is skipped; the error still comes.
  assertError(await c.call("LMPOP", 2, "missing", "s", "RIGHT", "COUNT", 5), WRONGTYPE);
});

// Redis 7.0 has no listpack encoding for lists (7.2 added it): these tests are Valkey-only.
test("small lists are listpacks and grow into quicklists at the size limit", async (c) => {
  await c.call("RPUSH", "l", "a".repeat(60));
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "listpack");
  await c.call("LPUSH", "l2", "x");
  assert.equal(await c.call("OBJECT", "ENCODING", "l2"), "listpack");
  // A listpack past 8 KB (list-max-listpack-size -2) becomes a quicklist.
  for (let i = 0; i < 140; i++) await c.call("RPUSH", "l", "b".repeat(60));
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "quicklist");
  // Shrinking back needs one node at half the limit.
  await c.call("LTRIM", "l", 0, 10);
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "listpack");
  assert.equal(await c.call("LLEN", "l"), 11);
}, valkeyOnly());

test("an element larger than the node limit makes a quicklist at once", async (c) => {
  await c.call("RPUSH", "l", "x".repeat(9000));
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "quicklist");
  await c.call("RPUSH", "l", "small");
  assert.equal(await c.call("LINDEX", "l", 0).then((v) => (v as string).length), 9000);
  assert.equal(await c.call("LPOP", "l").then((v) => (v as string).length), 9000);
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "listpack");
  // LSET and LINSERT with a big value convert too.
  await c.call("RPUSH", "m", "a", "b");
  await c.call("LSET", "m", 0, "y".repeat(9000));
  assert.equal(await c.call("OBJECT", "ENCODING", "m"), "quicklist");
  await c.call("RPUSH", "n", "a", "b");
  await c.call("LINSERT", "n", "AFTER", "a", "z".repeat(9000));
  assert.equal(await c.call("OBJECT", "ENCODING", "n"), "quicklist");
  assert.deepEqual((await c.call("LRANGE", "n", 0, -1) as string[]).map((s) => s.length), [1, 9000, 1]);
}, valkeyOnly());

test("a count-based list-max-listpack-size converts by entries", async (c) => {
  await c.call("CONFIG", "SET", "list-max-listpack-size", "4");
  await c.call("RPUSH", "l", "1", "2", "3", "4");
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "listpack");
  await c.call("RPUSH", "l", "5");
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "quicklist");
  await c.call("RPOP", "l", 3);
  assert.equal(await c.call("OBJECT", "ENCODING", "l"), "listpack");
  await c.call("RPUSH", "m", "1", "2", "3", "4", "5", "6", "7", "8", "9");
  for (let i = 0; i < 9; i++) {
    assert.deepEqual(await c.call("LRANGE", "m", i, i), [String(i + 1)]);
    assert.equal(await c.call("LINDEX", "m", -1 - i), String(9 - i));
  }
  await c.call("CONFIG", "SET", "list-max-listpack-size", "-2");
}, valkeyOnly());

test("big lists keep order and answer ranges and LPOS across nodes", async (c) => {
  const n = 5000;
  const args: string[] = [];
  for (let i = 0; i < n; i++) args.push(`element:${i}`);
  assert.equal(await c.call("RPUSH", "big", ...args), n);
  assert.equal(await c.call("OBJECT", "ENCODING", "big"), "quicklist");
  assert.deepEqual(await c.call("LRANGE", "big", 2500, 2502), [
    "element:2500",
    "element:2501",
    "element:2502",
  ]);
  assert.deepEqual(await c.call("LRANGE", "big", -2, -1), ["element:4998", "element:4999"]);
  assert.equal(await c.call("LINDEX", "big", 3333), "element:3333");
  assert.equal(await c.call("LPOS", "big", "element:4321"), 4321);
  assert.equal(await c.call("LPOS", "big", "element:4321", "RANK", -1), 4321);
  assert.equal(await c.call("LPOS", "big", "element:4321", "MAXLEN", 4000), null);
  assert.equal((await c.call("LRANGE", "big", 0, -1) as string[]).length, n);
  assert.equal(await c.call("LSET", "big", 4000, "changed"), "OK");
  assert.equal(await c.call("LINSERT", "big", "BEFORE", "changed", "before"), n + 1);
  assert.deepEqual(await c.call("LRANGE", "big", 3999, 4002), [
    "element:3999",
    "before",
    "changed",
    "element:4001",
  ]);
  assert.equal(await c.call("LREM", "big", 0, "before"), 1);
  assert.equal(await c.call("LTRIM", "big", 100, -101), "OK");
  assert.equal(await c.call("LLEN", "big"), n - 200);
  assert.equal(await c.call("LINDEX", "big", 0), "element:100");
  assert.deepEqual(await c.call("RPOP", "big", 3), ["element:4899", "element:4898", "element:4897"]);
});

test("integers and binary values round-trip byte for byte", async (c) => {
  await c.call("RPUSH", "l", "0", "-1", "9223372036854775807", "-9223372036854775808", "01", "1.5", "");
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), [
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "01",
    "1.5",
    "",
  ]);
  const bin = new Uint8Array([0, 255, 13, 10, 128]);
  await c.call("RPUSH", "b", bin);
  assert.deepEqual(Uint8Array.from(await c.callBytes("LPOP", "b") as Uint8Array), bin);
  assert.equal(await c.call("LPOS", "l", "01"), 4);
  assert.equal(await c.call("LREM", "l", 0, "1"), 0);
  assert.equal(await c.call("LREM", "l", 0, "-1"), 1);
});

test("list writes emit Valkey's keyspace events", async (c) => {
  const sub = await RawConn.connect(srv.port);
  try {
    // 'A' does not include 'n' (new key events): ask for them.
    await c.call("CONFIG", "SET", "notify-keyspace-events", "Elgn");
    await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
    await c.call("RPUSH", "l", "a", "b", "c");
    await c.call("LPUSH", "l", "z");
    await c.call("LSET", "l", 0, "y");
    await c.call("LINSERT", "l", "AFTER", "y", "x");
    await c.call("LREM", "l", 1, "x");
    await c.call("LTRIM", "l", 0, -1);
    await c.call("LPOP", "l");
    await c.call("RPOP", "l", 5);
    await c.call("RPUSH", "s", "v");
    await c.call("LMOVE", "s", "d", "LEFT", "RIGHT");
    const events: string[] = [];
    while (events.length < 16) {
      const m = await sub.read() as unknown[];
      events.push(String(m[2]).replace("__keyevent@0__:", "") + ":" + String(m[3]));
    }
    assert.deepEqual(events, [
      "new:l",
      "rpush:l",
      "lpush:l",
      "lset:l",
      "linsert:l",
      "lrem:l",
      "ltrim:l",
      "lpop:l",
      "rpop:l",
      "del:l",
      "new:s",
      "rpush:s",
      "new:d",
      "rpush:d",
      "lpop:s",
      "del:s",
    ]);
  } finally {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    sub.close();
  }
}, valkeyOnly());

test("COPY and RENAME keep a list's elements and encoding", async (c) => {
  await c.call("RPUSH", "l", "a", "b");
  assert.equal(await c.call("COPY", "l", "c"), 1);
  await c.call("RPUSH", "l", "x");
  assert.deepEqual(await c.call("LRANGE", "c", 0, -1), ["a", "b"]);
  assert.equal(await c.call("OBJECT", "ENCODING", "c"), "listpack");
  assert.equal(await c.call("RENAME", "c", "r"), "OK");
  assert.deepEqual(await c.call("LRANGE", "r", 0, -1), ["a", "b"]);
}, valkeyOnly());

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
