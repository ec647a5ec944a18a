/**
 * The blocking list commands over TCP: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP — immediate service, waits
 * served by pushes (also from MULTI/EXEC and from other blocked clients' moves), first-blocked-first-served
 * order, float timeouts and their errors, CLIENT UNBLOCK, keys deleted, retyped, flushed or swapped while
 * clients wait, and the non-blocking behaviour inside MULTI. Expectations were checked against Valkey 8.1.1
 * and Redis 7.0.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../../helpers/server.ts";
import { RawConn } from "../../helpers/raw.ts";
import { blockingSuite, send } from "../../helpers/blocking.ts";
import { assertError } from "../../helpers/suite.ts";

const srv = await startServer();
const { conn, test, waitBlocked } = blockingSuite(srv, { attempts: 200 });

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

test("BLPOP and BRPOP serve at once from the first non-empty list", async (c) => {
  await c.call("RPUSH", "l2", "a", "b", "c");
  assert.deepEqual(await c.call("BLPOP", "l1", "l2", 0), ["l2", "a"]);
  assert.deepEqual(await c.call("BRPOP", "l1", "l2", 0), ["l2", "c"]);
  assert.deepEqual(await c.call("BLPOP", "l2", "l2", "l1", 1), ["l2", "b"]);
  assert.equal(await c.call("EXISTS", "l2"), 0);
});

test("BLPOP waits and is served by a push from another client", async (c) => {
  const w = await conn();
  send(w, "BLPOP", "k1", "k2", "0");
  await waitBlocked(c, 1);
  assert.equal(await c.call("RPUSH", "k2", "x", "y"), 2);
  assert.deepEqual(await w.read(), ["k2", "x"]);
  assert.deepEqual(await c.call("LRANGE", "k2", 0, -1), ["y"]);
  send(w, "BRPOP", "k3", "0");
  await waitBlocked(c, 1);
  await c.call("LPUSH", "k3", "a", "b");
  assert.deepEqual(await w.read(), ["k3", "a"]);
  // The blocked client goes on with its next command afterwards.
  assert.equal(await w.call("PING"), "PONG");
});

test("clients blocked on a key are served first come first served", async (c) => {
  const w1 = await conn();
  const w2 = await conn();
  const w3 = await conn();
  send(w1, "BLPOP", "q", "0");
  await waitBlocked(c, 1);
  send(w2, "BRPOP", "q", "0");
  await waitBlocked(c, 2);
  send(w3, "BLPOP", "q", "0");
  await waitBlocked(c, 3);
  await c.call("RPUSH", "q", "1", "2");
  assert.deepEqual(await w1.read(), ["q", "1"]);
  assert.deepEqual(await w2.read(), ["q", "2"]);
  await waitBlocked(c, 1);
  await c.call("RPUSH", "q", "3");
  assert.deepEqual(await w3.read(), ["q", "3"]);
  assert.equal(await c.call("EXISTS", "q"), 0);
});

test("BLPOP with a float timeout replies a null array when it expires", async (c) => {
  const t0 = Date.now();
  c.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$3\r\n0.1\r\n");
  assert.equal(await c.readRaw(5), "*-1\r\n");
  assert.ok(Date.now() - t0 >= 90, "waited about 100 ms");
  // numkeys past the words: a syntax error, no wait.
  assertError(await c.call("BLMPOP", "0.01", "2", "k", "LEFT"), "ERR syntax error");
  await c.call("HELLO", "3");
  c.send("*3\r\n$5\r\nBRPOP\r\n$1\r\nk\r\n$4\r\n0.01\r\n");
  assert.equal(await c.readRaw(3), "_\r\n");
});

test("a blocking timeout never ends the wait early", async (c) => {
  // Valkey ends a wait once its clock is past the deadline (taken at the command's start, in ms). Measured
  // from before the request was sent, every wait lasts at least the timeout.
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    c.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$4\r\n0.03\r\n");
    assert.equal(await c.readRaw(5), "*-1\r\n");
    const waited = performance.now() - t0;
    assert.ok(waited >= 30, `waited ${waited.toFixed(2)} ms for a 30 ms timeout`);
  }
});

test("BLMOVE and BRPOPLPUSH time out with a null array too", async (c) => {
  c.send("*6\r\n$6\r\nBLMOVE\r\n$1\r\na\r\n$1\r\nb\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n$4\r\n0.01\r\n");
  assert.equal(await c.readRaw(5), "*-1\r\n");
  c.send("*4\r\n$10\r\nBRPOPLPUSH\r\n$1\r\na\r\n$1\r\nb\r\n$4\r\n0.01\r\n");
  assert.equal(await c.readRaw(5), "*-1\r\n");
  c.send("*5\r\n$6\r\nBLMPOP\r\n$4\r\n0.01\r\n$1\r\n1\r\n$1\r\nk\r\n$4\r\nLEFT\r\n");
  assert.equal(await c.readRaw(5), "*-1\r\n");
});

test("timeouts must be non-negative floats in range", async (c) => {
  const NOT_FLOAT = "ERR timeout is not a float or out of range";
  const NEGATIVE = "ERR timeout is negative";
  await c.call("SET", "s", "v");
  assertError(await c.call("BLPOP", "s", "abc"), NOT_FLOAT);
  assertError(await c.call("BLPOP", "s", "nan"), NOT_FLOAT);
  assertError(await c.call("BLPOP", "s", "1x"), NOT_FLOAT);
  assertError(await c.call("BRPOP", "s", "-1"), NEGATIVE);
  assertError(await c.call("BRPOP", "s", "-0.01"), NEGATIVE);
  assertError(await c.call("BLMOVE", "s", "d", "LEFT", "LEFT", "-1"), NEGATIVE);
  assertError(await c.call("BLMOVE", "s", "d", "LEFT", "LEFT", "x"), NOT_FLOAT);
  assertError(await c.call("BRPOPLPUSH", "s", "d", "-1"), NEGATIVE);
  assertError(await c.call("BLMPOP", "-1", 1, "s", "LEFT"), NEGATIVE);
  // The timeout is checked before the key types.
  assertError(await c.call("BLPOP", "s", "0.5x"), NOT_FLOAT);
  assertError(await c.call("BLPOP", "s", "0"), WRONGTYPE);
  // BLMPOP checks numkeys and the direction first; BLMOVE checks the directions first.
  assertError(await c.call("BLMPOP", "x", 0, "s", "LEFT"), "ERR numkeys should be greater than 0");
  assertError(await c.call("BLMPOP", "x", 1, "s", "UP"), "ERR syntax error");
  assertError(await c.call("BLMOVE", "s", "d", "UP", "LEFT", "x"), "ERR syntax error");
  assertError(await c.call("BLPOP", "s"), "ERR wrong number of arguments for 'blpop' command");
});

test("infinite and huge timeouts are out of range", async (c) => {
  const RANGE = "ERR timeout is out of range";
  assertError(await c.call("BLPOP", "k", "inf"), RANGE);
  assertError(await c.call("BLPOP", "k", "+inf"), RANGE);
  assertError(await c.call("BRPOP", "k", "1e300"), RANGE);
  assertError(await c.call("BLMOVE", "k", "d", "LEFT", "LEFT", "9223372036854775807"), RANGE);
  assertError(await c.call("BLMPOP", "1e17", 1, "k", "LEFT"), RANGE);
}, valkeyOnly());

test("a tiny negative timeout rounds to zero and blocks forever", async (c) => {
  const w = await conn();
  send(w, "BLPOP", "k", "-0.0001");
  await waitBlocked(c, 1);
  await c.call("RPUSH", "k", "v");
  assert.deepEqual(await w.read(), ["k", "v"]);
});

test("blocking pops on wrong types reply WRONGTYPE at once", async (c) => {
  await c.call("SET", "s", "v");
  assertError(await c.call("BLPOP", "s", 1), WRONGTYPE);
  assertError(await c.call("BRPOP", "nokey", "s", 1), WRONGTYPE);
  assertError(await c.call("BLMPOP", 0, 2, "nokey", "s", "LEFT", "COUNT", 1), WRONGTYPE);
  assertError(await c.call("BLMOVE", "s", "d", "LEFT", "LEFT", 1), WRONGTYPE);
  assertError(await c.call("BRPOPLPUSH", "s", "d", 1), WRONGTYPE);
  await c.call("RPUSH", "l", "x");
  assertError(await c.call("BRPOPLPUSH", "l", "s", 1), WRONGTYPE);
  assert.deepEqual(await c.call("LRANGE", "l", 0, -1), ["x"]);
});

test("BLMOVE waits, then moves between the requested ends", async (c) => {
  await c.call("RPUSH", "dst", "d1");
  const w = await conn();
  send(w, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0");
  await waitBlocked(c, 1);
  await c.call("RPUSH", "src", "a", "b");
  assert.equal(await w.read(), "b");
  assert.deepEqual(await c.call("LRANGE", "dst", 0, -1), ["b", "d1"]);
  assert.deepEqual(await c.call("LRANGE", "src", 0, -1), ["a"]);
  assert.equal(await w.call("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"), "a");
  assert.deepEqual(await c.call("LRANGE", "dst", 0, -1), ["b", "d1", "a"]);
});

test("a BLMOVE served by a push wakes the client waiting on its destination", async (c) => {
  const mover = await conn();
  const popper = await conn();
  send(mover, "BLMOVE", "k1", "k2", "LEFT", "RIGHT", "0");
  await waitBlocked(c, 1);
  send(popper, "BLPOP", "k2", "0");
  await waitBlocked(c, 2);
  await c.call("RPUSH", "k1", "x");
  assert.equal(await mover.read(), "x");
  assert.deepEqual(await popper.read(), ["k2", "x"]);
  assert.equal(await c.call("EXISTS", "k1"), 0);
  assert.equal(await c.call("EXISTS", "k2"), 0);
});

test("BRPOPLPUSH chains through several blocked clients", async (c) => {
  const a = await conn();
  const b = await conn();
  send(a, "BRPOPLPUSH", "c1", "c2", "0");
  await waitBlocked(c, 1);
  send(b, "BRPOPLPUSH", "c2", "c3", "0");
  await waitBlocked(c, 2);
  await c.call("RPUSH", "c1", "foo");
  assert.equal(await a.read(), "foo");
  assert.equal(await b.read(), "foo");
  assert.deepEqual(await c.call("LRANGE", "c3", 0, -1), ["foo"]);
  assert.equal(await c.call("EXISTS", "c1"), 0);
  assert.equal(await c.call("EXISTS", "c2"), 0);
});

test("a served BRPOPLPUSH with a wrong destination type replies WRONGTYPE and keeps the source", async (c) => {
  await c.call("SET", "target", "nolist");
  const w1 = await conn();
  const w2 = await conn();
  send(w1, "BRPOPLPUSH", "blist", "target", "0");
  await waitBlocked(c, 1);
  send(w2, "BRPOPLPUSH", "blist", "target2", "0");
  await waitBlocked(c, 2);
  await c.call("RPUSH", "blist", "foo");
  assertError(await w1.read(), WRONGTYPE);
  assert.equal(await w2.read(), "foo");
  assert.deepEqual(await c.call("LRANGE", "target2", 0, -1), ["foo"]);
  assert.equal(await c.call("EXISTS", "blist"), 0);
});

test("pushes inside MULTI/EXEC wake blocked clients after EXEC", async (c) => {
  const w1 = await conn();
  const w2 = await conn();
  send(w1, "BLMPOP", "0", "2", "b1", "b2", "LEFT", "COUNT", "1");
  await waitBlocked(c, 1);
  send(w2, "BLMPOP", "0", "2", "b1", "b2", "RIGHT", "COUNT", "10");
  await waitBlocked(c, 2);
  assert.equal(await c.call("MULTI"), "OK");
  assert.equal(await c.call("LPUSH", "b1", "a", "b", "c", "d", "e"), "QUEUED");
  assert.equal(await c.call("LPUSH", "b2", "1", "2", "3"), "QUEUED");
  assert.deepEqual(await c.call("EXEC"), [5, 3]);
  assert.deepEqual(await w1.read(), ["b1", ["e"]]);
  assert.deepEqual(await w2.read(), ["b1", ["a", "b", "c", "d"]]);
  assert.deepEqual(await c.call("LRANGE", "b2", 0, -1), ["3", "2", "1"]);
});

test("a list pushed and popped inside one transaction wakes nobody", async (c) => {
  const w = await conn();
  send(w, "BLPOP", "t", "0");
  await waitBlocked(c, 1);
  await c.call("MULTI");
  await c.call("RPUSH", "t", "x");
  await c.call("LPOP", "t");
  assert.deepEqual(await c.call("EXEC"), [1, "x"]);
  await waitBlocked(c, 1);
  await c.call("RPUSH", "t", "y");
  assert.deepEqual(await w.read(), ["t", "y"]);
});

test("blocking commands inside MULTI reply at once", async (c) => {
  await c.call("MULTI");
  await c.call("BLPOP", "nokey", "0");
  await c.call("BRPOP", "nokey", "0");
  await c.call("BLMPOP", "0", "1", "nokey", "LEFT");
  await c.call("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0");
  await c.call("BRPOPLPUSH", "nokey", "d", "0");
  c.send("*1\r\n$4\r\nEXEC\r\n");
  assert.equal(await c.readRaw(24), "*5\r\n*-1\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n");
  await c.call("RPUSH", "l", "v");
  await c.call("MULTI");
  await c.call("BLPOP", "l", "0");
  assert.deepEqual(await c.call("EXEC"), [["l", "v"]]);
});

test("a key deleted, retyped or flushed keeps its waiters blocked", async (c) => {
  const w = await conn();
  send(w, "BLPOP", "k", "0");
  await waitBlocked(c, 1);
  await c.call("SET", "k", "string");
  await c.call("DEL", "k");
  await c.call("RPUSH", "k", "tmp");
  // That push served the waiter.
  assert.deepEqual(await w.read(), ["k", "tmp"]);
  send(w, "BLPOP", "k", "0");
  await waitBlocked(c, 1);
  await c.call("SET", "k", "string");
  await c.call("FLUSHALL");
  await c.call("HSET", "k", "f", "v");
  await waitBlocked(c, 1);
  await c.call("DEL", "k");
  await c.call("LPUSH", "k", "z");
  assert.deepEqual(await w.read(), ["k", "z"]);
});

// Redis 7.0 serves the key that became ready; Valkey 8.1 re-executes the whole command in key order.
test(
  "a retyped key before a list key in BLPOP's key order replies WRONGTYPE once a list arrives",
  async (c) => {
    const w = await conn();
    send(w, "BLPOP", "k1", "k2", "0");
    await waitBlocked(c, 1);
    await c.call("SET", "k1", "x");
    await waitBlocked(c, 1);
    await c.call("RPUSH", "k2", "v");
    assertError(await w.read(), WRONGTYPE);
    assert.deepEqual(await c.call("LRANGE", "k2", 0, -1), ["v"]);
  },
  valkeyOnly(),
);

test("SWAPDB wakes a client blocked on a key the other database has as a list", async (c) => {
  const w = await conn();
  await c.call("SELECT", "1");
  await c.call("RPUSH", "k", "from-db1");
  await c.call("SELECT", "0");
  send(w, "BLPOP", "k", "0");
  await waitBlocked(c, 1);
  assert.equal(await c.call("SWAPDB", "0", "1"), "OK");
  assert.deepEqual(await w.read(), ["k", "from-db1"]);
  await c.call("SWAPDB", "0", "1");
});

test("a client blocked in another database is served from its own database", async (c) => {
  const w = await conn();
  await w.call("SELECT", "2");
  send(w, "BLPOP", "k", "0");
  await waitBlocked(c, 1);
  await c.call("RPUSH", "k", "db0");
  await c.call("SELECT", "2");
  await c.call("RPUSH", "k", "db2");
  assert.deepEqual(await w.read(), ["k", "db2"]);
  await c.call("SELECT", "0");
  assert.deepEqual(await c.call("LRANGE", "k", 0, -1), ["db0"]);
});

test("CLIENT UNBLOCK ends a wait by timeout or with an error", async (c) => {
  const w = await conn();
  const id = await w.call("CLIENT", "ID");
  send(w, "BLPOP", "k", "0");
  await waitBlocked(c, 1);
  assert.equal(await c.call("CLIENT", "UNBLOCK", String(id)), 1);
  assert.equal(await w.readRaw(5), "*-1\r\n");
  send(w, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
  await waitBlocked(c, 1);
  assert.equal(await c.call("CLIENT", "UNBLOCK", String(id), "TIMEOUT"), 1);
  assert.equal(await w.readRaw(5), "*-1\r\n");
  send(w, "BRPOP", "k", "0");
  await waitBlocked(c, 1);
  assert.equal(await c.call("CLIENT", "UNBLOCK", String(id), "ERROR"), 1);
  assertError(await w.read(), "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  assert.equal(await c.call("CLIENT", "UNBLOCK", String(id)), 0);
  assert.equal(await w.call("PING"), "PONG");
});

test("a client that disconnects while blocked leaves the queue", async (c) => {
  const gone = await RawConn.connect(srv.port);
  send(gone, "BLPOP", "k", "0");
  await waitBlocked(c, 1);
  const w = await conn();
  send(w, "BLPOP", "k", "0");
  await waitBlocked(c, 2);
  gone.close();
  await waitBlocked(c, 1);
  await c.call("RPUSH", "k", "v");
  assert.deepEqual(await w.read(), ["k", "v"]);
  assert.equal(await c.call("EXISTS", "k"), 0);
});

test("BLMPOP serves counts from the first non-empty key", async (c) => {
  await c.call("RPUSH", "m2", "a", "b", "c");
  assert.deepEqual(await c.call("BLMPOP", 0, 2, "m1", "m2", "RIGHT", "COUNT", 2), ["m2", ["c", "b"]]);
  assert.deepEqual(await c.call("BLMPOP", 0, 2, "m1", "m2", "LEFT"), ["m2", ["a"]]);
  const w = await conn();
  send(w, "BLMPOP", "0", "2", "m1", "m2", "LEFT", "COUNT", "5");
  await waitBlocked(c, 1);
  await c.call("RPUSH", "m1", "x", "y");
  assert.deepEqual(await w.read(), ["m1", ["x", "y"]]);
  assertError(await c.call("BLMPOP", 0, 1, "m1", "LEFT", "COUNT", 0), "ERR count should be greater than 0");
  assertError(await c.call("BLMPOP", 0, 0, "m1", "LEFT"), "ERR numkeys should be greater than 0");
  assertError(await c.call("BLMPOP", 0, 1, "m1"), "ERR wrong number of arguments for 'blmpop' command");
});

test("circular BRPOPLPUSH clients hand the element on and back", async (c) => {
  const a = await conn();
  const b = await conn();
  send(a, "BRPOPLPUSH", "list1", "list2", "0");
  await waitBlocked(c, 1);
  send(b, "BRPOPLPUSH", "list2", "list1", "0");
  await waitBlocked(c, 2);
  await c.call("RPUSH", "list1", "foo");
  assert.equal(await a.read(), "foo");
  assert.equal(await b.read(), "foo");
  assert.deepEqual(await c.call("LRANGE", "list1", 0, -1), ["foo"]);
  assert.deepEqual(await c.call("LRANGE", "list2", 0, -1), []);
});

test("a self-referential BRPOPLPUSH rotates the pushed element into place", async (c) => {
  const w = await conn();
  send(w, "BRPOPLPUSH", "blist", "blist", "0");
  await waitBlocked(c, 1);
  await c.call("RPUSH", "blist", "foo");
  assert.equal(await w.read(), "foo");
  assert.deepEqual(await c.call("LRANGE", "blist", 0, -1), ["foo"]);
});

test("BRPOPLPUSH inside a transaction moves what there is and replies null after", async (c) => {
  await c.call("LPUSH", "xlist", "foo");
  await c.call("LPUSH", "xlist", "bar");
  await c.call("MULTI");
  for (let i = 0; i < 3; i++) await c.call("BRPOPLPUSH", "xlist", "target", "0");
  await c.call("LRANGE", "xlist", 0, -1);
  await c.call("LRANGE", "target", 0, -1);
  assert.deepEqual(await c.call("EXEC"), ["foo", "bar", null, [], ["bar", "foo"]]);
});

test("a push made by a served BRPOPLPUSH touches WATCHed keys", async (c) => {
  const blocked = await conn();
  const watcher = await conn();
  await c.call("SET", "somekey", "somevalue");
  send(blocked, "BRPOPLPUSH", "srclist", "dstlist", "0");
  await waitBlocked(c, 1);
  assert.equal(await watcher.call("WATCH", "dstlist"), "OK");
  await watcher.call("MULTI");
  await watcher.call("GET", "somekey");
  await c.call("LPUSH", "srclist", "element");
  assert.equal(await blocked.read(), "element");
  assert.equal(await watcher.call("EXEC"), null);
});

test("a new key renamed into place serves the waiter", async (c) => {
  const w = await conn();
  send(w, "BLPOP", "foo", "0");
  await waitBlocked(c, 1);
  await c.call("LPUSH", "bob", "abc", "def", "hij");
  await c.call("RENAME", "bob", "foo");
  assert.deepEqual(await w.read(), ["foo", "hij"]);
  const w2 = await conn();
  send(w2, "BLMPOP", "0", "1", "foo2", "LEFT");
  await waitBlocked(c, 1);
  await c.call("LPUSH", "bob", "x", "y");
  await c.call("RENAME", "bob", "foo2");
  assert.deepEqual(await w2.read(), ["foo2", ["y"]]);
});

test("served blocking pops count as changes like the pushes", async (c) => {
  const dirty = async () =>
    Number(/rdb_changes_since_last_save:(\d+)/.exec(String(await c.call("INFO", "persistence")))![1]);
  const w = await conn();
  let before = await dirty();
  send(w, "BLPOP", "lst", "0");
  await waitBlocked(c, 1);
  await c.call("LPUSH", "lst", "a");
  assert.deepEqual(await w.read(), ["lst", "a"]);
  assert.equal(await dirty(), before + 2);
  before = await dirty();
  send(w, "BLMOVE", "lst", "lst1", "LEFT", "LEFT", "0");
  await waitBlocked(c, 1);
  await c.call("LPUSH", "lst", "a");
  assert.equal(await w.read(), "a");
  assert.equal(await dirty(), before + 2);
}, valkeyOnly());

test("a waiter woken for a key that expired blocks again until its original timeout", async (c) => {
  await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
  try {
    const w = await conn();
    const start = Date.now();
    send(w, "BLPOP", "mylist", "1");
    await waitBlocked(c, 1);
    await c.call("MULTI");
    await c.call("RPUSH", "mylist", "a");
    await c.call("PEXPIRE", "mylist", "50");
    await c.call("DEBUG", "SLEEP", "0.5");
    const execAt = Date.now();
    await c.call("EXEC");
    assert.equal(await w.read(), null);
    const end = Date.now();
    assert.ok(end - start >= 950, `timed out after ${end - start} ms, before its 1 s`);
    // A timeout restarted when EXEC woke the waiter would end 1 s after the 0.5 s sleep at the earliest;
    // the original one ends 1 s after BLPOP arrived (before EXEC): 0.5 s of margin for a loaded machine.
    assert.ok(end < execAt + 1500, `timed out ${end - execAt} ms after EXEC: the timeout was restarted`);
  } finally {
    await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
  }
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
