/**
 * SORT and SORT_RO over TCP (Valkey's tests/unit/sort.tcl and more): numeric and ALPHA ordering, ASC/DESC,
 * LIMIT clamping, BY weight keys and hash fields, BY without '*' (natural order), GET patterns, STORE into
 * a list (overwrite, TTL, deletion when empty, encodings, keyspace events, blocked clients), the numeric
 * conversion error, WRONGTYPE, syntax and integer errors, COMMAND GETKEYS. Expectations were checked
 * against Valkey 8.1.1 (and Redis 7.0 where not marked).
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";
import { waitUntil } from "../helpers/timing.ts";
import { Valkey } from "iovalkey";

const srv = await startServer();

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT = "ERR value is not an integer or out of range";
const SYNTAX = "ERR syntax error";
const BAD_SCORES = "ERR One or more scores can't be converted into double";

const test = flushedTest(srv);

/** A list, a set and a sorted set with the same members, weights w_N and hashes h_N (sort.tcl's setup). */
async function setup(c: RawConn, n = 16): Promise<{ ids: number[] }> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = (i * 7919) % 1000;
    ids.push(id);
    await c.call("RPUSH", "l", id);
    await c.call("SADD", "s", id);
    await c.call("ZADD", "z", n - i, id);
    await c.call("SET", `w_${id}`, (id * 37) % 101);
    await c.call("HSET", `h_${id}`, "f", (id * 53) % 97, "name", `n${id}`);
  }
  return { ids };
}

const num = (a: number, b: number) => a - b;

test("SORT orders numbers ascending, and DESC reverses", async (c) => {
  await c.call("RPUSH", "l", "3", "-1.5", "10", "2", "0", "1e2", "-inf", "+inf");
  assert.deepEqual(await c.call("SORT", "l"), ["-inf", "-1.5", "0", "2", "3", "10", "1e2", "+inf"]);
  assert.deepEqual(await c.call("SORT", "l", "DESC"), ["+inf", "1e2", "10", "3", "2", "0", "-1.5", "-inf"]);
  assert.deepEqual(await c.call("SORT", "l", "desc", "asc"), [
    "-inf",
    "-1.5",
    "0",
    "2",
    "3",
    "10",
    "1e2",
    "+inf",
  ]);
});

test("SORT works on lists, sets and sorted sets alike", async (c) => {
  const { ids } = await setup(c);
  const want = [...ids].sort(num).map(String);
  assert.deepEqual(await c.call("SORT", "l"), want);
  assert.deepEqual(await c.call("SORT", "s"), want);
  assert.deepEqual(await c.call("SORT", "z"), want);
  assert.deepEqual(await c.call("SORT_RO", "z", "DESC"), [...want].reverse());
});

test("numeric ties are broken by comparing the elements as strings", async (c) => {
  await c.call("RPUSH", "l", "1.0", "01", "1", "1e0", "0x1", "2", " 1");
  assert.deepEqual(await c.call("SORT", "l"), [" 1", "01", "0x1", "1", "1.0", "1e0", "2"]);
  assert.deepEqual(await c.call("SORT", "l", "DESC"), ["2", "1e0", "1.0", "1", "0x1", "01", " 1"]);
});

test("numeric weights are read like strtod: spaces before, hex, empty as zero", async (c) => {
  await c.call("RPUSH", "l", " 1.5", "2", "0x10", "", "-inf", "-0");
  assert.deepEqual(await c.call("SORT", "l"), ["-inf", "", "-0", " 1.5", "2", "0x10"]);
});

test("SORT reports values that are not numbers", async (c) => {
  await c.call("RPUSH", "l", "1", "abc", "2");
  assertError(await c.call("SORT", "l"), BAD_SCORES);
  await c.call("RPUSH", "l2", "1 ", "2");
  assertError(await c.call("SORT", "l2"), BAD_SCORES);
  await c.call("RPUSH", "l3", "nan");
  assertError(await c.call("SORT", "l3"), BAD_SCORES);
  await c.call("RPUSH", "l4", "1e400");
  assertError(await c.call("SORT", "l4"), BAD_SCORES);
  await c.call("RPUSH", "l5", " ");
  assertError(await c.call("SORT", "l5"), BAD_SCORES);
  // STORE does not write anything after the error.
  assertError(await c.call("SORT", "l", "STORE", "dst"), BAD_SCORES);
  assert.equal(await c.call("EXISTS", "dst"), 0);
  // A bad BY weight fails the same way.
  await c.call("RPUSH", "ok", "1", "2");
  await c.call("SET", "w_1", "x");
  assertError(await c.call("SORT", "ok", "BY", "w_*"), BAD_SCORES);
});

test("ALPHA sorts by bytes, and DESC ALPHA reverses", async (c) => {
  await c.call("RPUSH", "l", "b", "B", "a", "ab", "10", "9", "\xff");
  assert.deepEqual(await c.call("SORT", "l", "ALPHA"), ["10", "9", "B", "a", "ab", "b", "\xff"]);
  assert.deepEqual(await c.call("SORT", "l", "ALPHA", "DESC"), ["\xff", "b", "ab", "a", "B", "9", "10"]);
  // ALPHA accepts anything; without it the same list fails.
  assertError(await c.call("SORT", "l"), BAD_SCORES);
});

test("ALPHA with STORE compares whole binary values, NUL bytes included", async (c) => {
  await c.call("RPUSH", "l", "a\0b", "a", "a\0a", "\0", "");
  assert.equal(await c.call("SORT", "l", "ALPHA", "STORE", "d"), 5);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["", "\0", "a", "a\0a", "a\0b"]);
  assert.equal(await c.call("SORT", "l", "ALPHA", "DESC", "STORE", "d"), 5);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["a\0b", "a\0a", "a", "\0", ""]);
});

test("ALPHA sorts integer-encoded strings as text", async (c) => {
  await c.call("SADD", "s", "1", "10", "2", "100", "-5");
  assert.equal(await c.call("OBJECT", "ENCODING", "s"), "intset");
  assert.deepEqual(await c.call("SORT", "s", "ALPHA"), ["-5", "1", "10", "100", "2"]);
  assert.deepEqual(await c.call("SORT", "s"), ["-5", "1", "2", "10", "100"]);
});

test("LIMIT takes a window of the sorted result and clamps it", async (c) => {
  await c.call("RPUSH", "l", "5", "3", "1", "4", "2");
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "1", "2"), ["2", "3"]);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "1", "2", "DESC"), ["4", "3"]);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "0", "-1"), ["1", "2", "3", "4", "5"]);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "3", "-7"), ["4", "5"]);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "-10", "2"), ["1", "2"]);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "2", "0"), []);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "5", "1"), []);
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "4", "100"), ["5"]);
  assert.deepEqual(
    await c.call("SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"),
    [],
  );
  assert.deepEqual(
    await c.call("SORT", "l", "LIMIT", "-9223372036854775808", "-9223372036854775808"),
    ["1", "2", "3", "4", "5"],
  );
  // The last LIMIT wins.
  assert.deepEqual(await c.call("SORT", "l", "LIMIT", "0", "1", "LIMIT", "4", "1"), ["5"]);
  assert.deepEqual(await c.call("SORT", "nokey", "LIMIT", "0", "10"), []);
});

test("LIMIT needs two integers", async (c) => {
  await c.call("RPUSH", "l", "1");
  assertError(await c.call("SORT", "l", "LIMIT", "a", "1"), NOT_INT);
  assertError(await c.call("SORT", "l", "LIMIT", "0", "b"), NOT_INT);
  assertError(await c.call("SORT", "l", "LIMIT", "1.5", "1"), NOT_INT);
  assertError(await c.call("SORT", "l", "LIMIT", "9223372036854775808", "1"), NOT_INT);
  assertError(await c.call("SORT", "l", "LIMIT", "0"), SYNTAX);
  assertError(await c.call("SORT", "l", "LIMIT"), SYNTAX);
  assertError(await c.call("SORT_RO", "l", "LIMIT", "x", "1"), NOT_INT);
});

test("BY sorts by the weight keys, missing weights counting as zero", async (c) => {
  const { ids } = await setup(c);
  const weight = (id: number) => (id * 37) % 101;
  const want = [...ids].sort((a, b) => weight(a) - weight(b) || String(a).localeCompare(String(b)))
    .map(String);
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*"), want);
  assert.deepEqual(await c.call("SORT", "s", "BY", "w_*"), want);
  assert.deepEqual(await c.call("SORT", "z", "BY", "w_*"), want);
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "DESC"), [...want].reverse());
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "LIMIT", "3", "4"), want.slice(3, 7));
  await c.call("RPUSH", "m", "a", "b", "c");
  await c.call("SET", "wt_a", "5");
  await c.call("SET", "wt_c", "-1");
  assert.deepEqual(await c.call("SORT", "m", "BY", "wt_*"), ["c", "b", "a"]);
});

test("BY sub-sorts equal weights lexicographically", async (c) => {
  await c.call("RPUSH", "l", "c", "a", "b", "d");
  await c.call("MSET", "w_a", "1", "w_b", "1", "w_c", "0", "w_d", "1");
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*"), ["c", "a", "b", "d"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "DESC"), ["d", "b", "a", "c"]);
});

test("BY reads hash fields with the arrow syntax", async (c) => {
  const { ids } = await setup(c);
  const weight = (id: number) => (id * 53) % 97;
  const want = [...ids].sort((a, b) => weight(a) - weight(b) || String(a).localeCompare(String(b)))
    .map(String);
  assert.deepEqual(await c.call("SORT", "l", "BY", "h_*->f"), want);
  // A missing field, a missing key or a key of another type weighs zero.
  await c.call("RPUSH", "m", "a", "b", "c", "d");
  await c.call("HSET", "hh_a", "f", "3");
  await c.call("HSET", "hh_b", "g", "-9");
  await c.call("SET", "hh_c", "-5");
  await c.call("HSET", "hh_d", "f", "-2");
  assert.deepEqual(await c.call("SORT", "m", "BY", "hh_*->f"), ["d", "b", "c", "a"]);
});

test("BY with ALPHA compares the weights as strings, missing ones first", async (c) => {
  await c.call("RPUSH", "l", "1", "2", "3", "4");
  await c.call("MSET", "w_1", "b", "w_2", "a", "w_4", "c");
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "ALPHA"), ["3", "2", "1", "4"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "ALPHA", "DESC"), ["4", "1", "2", "3"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "ALPHA", "STORE", "d"), 4);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["3", "2", "1", "4"]);
});

test("BY without a star keeps a list's own order", async (c) => {
  await c.call("RPUSH", "l", "c", "a", "b", "z", "1");
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort"), ["c", "a", "b", "z", "1"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "DESC"), ["1", "z", "b", "a", "c"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"), ["a", "b"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "LIMIT", "1", "2", "DESC"), ["z", "b"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "LIMIT", "4", "9"), ["1"]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "LIMIT", "5", "1"), []);
  // No weights are read, so bad numbers are not an error; ALPHA changes nothing.
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "ALPHA"), ["c", "a", "b", "z", "1"]);
  assert.equal(await c.call("SORT", "l", "BY", "nosort", "STORE", "d"), 5);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["c", "a", "b", "z", "1"]);
  // Once a BY without a star was seen, a later BY with one does not bring sorting back.
  assert.deepEqual(await c.call("SORT", "l", "BY", "nosort", "BY", "w_*", "ALPHA"), [
    "c",
    "a",
    "b",
    "z",
    "1",
  ]);
  assert.deepEqual(await c.call("SORT", "l", "BY", "w_*", "BY", "nosort", "ALPHA"), [
    "c",
    "a",
    "b",
    "z",
    "1",
  ]);
});

test("BY without a star keeps a sorted set's score order", async (c) => {
  await c.call("ZADD", "z", "1", "c", "2", "a", "3", "b", "-inf", "m", "+inf", "p");
  assert.equal(await c.call("OBJECT", "ENCODING", "z"), "listpack");
  assert.deepEqual(await c.call("SORT", "z", "BY", "nosort"), ["m", "c", "a", "b", "p"]);
  assert.deepEqual(await c.call("SORT", "z", "BY", "nosort", "DESC"), ["p", "b", "a", "c", "m"]);
  assert.deepEqual(await c.call("SORT", "z", "BY", "nosort", "LIMIT", "1", "2"), ["c", "a"]);
  assert.deepEqual(await c.call("SORT", "z", "BY", "nosort", "LIMIT", "1", "2", "DESC"), ["b", "a"]);
  assert.deepEqual(await c.call("SORT", "z", "BY", "nosort", "LIMIT", "3", "10", "DESC"), ["c", "m"]);
  assert.deepEqual(await c.call("SORT_RO", "z", "BY", "nosort", "LIMIT", "-1", "1"), ["m"]);
});

test("SORT converts a listpack sorted set to a skiplist", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b");
  assert.equal(await c.call("OBJECT", "ENCODING", "z"), "listpack");
  assert.deepEqual(await c.call("SORT_RO", "z", "ALPHA"), ["a", "b"]);
  assert.equal(await c.call("OBJECT", "ENCODING", "z"), "skiplist");
  assert.deepEqual(await c.call("ZRANGE", "z", "0", "-1", "WITHSCORES"), ["a", "1", "b", "2"]);
}, valkeyOnly());

test("BY without a star and STORE sorts a set so the result is deterministic", async (c) => {
  await c.call("SADD", "s", "c", "a", "b", "10", "9");
  assert.equal(await c.call("SORT", "s", "BY", "nosort", "STORE", "d"), 5);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["10", "9", "a", "b", "c"]);
  assert.equal(await c.call("SORT", "s", "BY", "nosort", "DESC", "LIMIT", "0", "2", "STORE", "d"), 2);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["c", "b"]);
  const plain = (await c.call("SORT", "s", "BY", "nosort")) as string[];
  assert.deepEqual([...plain].sort(), ["10", "9", "a", "b", "c"]);
});

test("GET returns the element, string keys and hash fields, nil when missing", async (c) => {
  await c.call("RPUSH", "l", "3", "1", "2");
  await c.call("MSET", "v_1", "one", "v_3", "three");
  await c.call("HSET", "h_1", "f", "hf1");
  await c.call("HSET", "h_2", "f", "hf2", "g", "x");
  await c.call("LPUSH", "v_2", "not a string");
  assert.deepEqual(await c.call("SORT", "l", "GET", "#"), ["1", "2", "3"]);
  assert.deepEqual(await c.call("SORT", "l", "GET", "v_*"), ["one", null, "three"]);
  assert.deepEqual(await c.call("SORT", "l", "GET", "h_*->f"), ["hf1", "hf2", null]);
  assert.deepEqual(
    await c.call("SORT", "l", "GET", "#", "GET", "v_*", "GET", "h_*->f", "DESC"),
    ["3", "three", null, "2", null, "hf2", "1", "one", "hf1"],
  );
  assert.deepEqual(await c.call("SORT", "l", "GET", "h_*->f", "LIMIT", "1", "1"), ["hf2"]);
  // A GET pattern without a star names no key.
  await c.call("SET", "const", "value");
  assert.deepEqual(await c.call("SORT", "l", "GET", "const"), [null, null, null]);
  // "->" needs a field name after it; otherwise it is part of the key name.
  await c.call("SET", "h_1->", "literal");
  assert.deepEqual(await c.call("SORT", "l", "GET", "h_*->"), ["literal", null, null]);
  // A string key read with a field, or a hash read without one, yields nil.
  assert.deepEqual(await c.call("SORT", "l", "GET", "v_*->f", "GET", "h_*"), [
    null,
    null,
    null,
    null,
    null,
    null,
  ]);
});

test("GET reads integer-encoded values and weights too", async (c) => {
  await c.call("RPUSH", "l", "a", "b");
  await c.call("SET", "n_a", "12");
  await c.call("INCRBY", "n_b", "-3");
  assert.deepEqual(await c.call("SORT", "l", "BY", "n_*", "GET", "n_*"), ["-3", "12"]);
});

test("GET replies nulls in RESP3", async (c) => {
  await c.call("HELLO", "3");
  await c.call("RPUSH", "l", "1", "2");
  await c.call("SET", "v_2", "x");
  assert.deepEqual(await c.call("SORT", "l", "GET", "v_*"), [null, "x"]);
  const raw = await (async () => {
    c.send("*4\r\n$4\r\nSORT\r\n$1\r\nl\r\n$3\r\nGET\r\n$3\r\nv_*\r\n");
    return await c.readRaw(12);
  })();
  assert.equal(raw, "*2\r\n_\r\n$1\r\nx\r\n");
});

test("STORE writes the result as a list and replies its length", async (c) => {
  const { ids } = await setup(c);
  const want = [...ids].sort(num).map(String);
  assert.equal(await c.call("SORT", "s", "STORE", "d"), ids.length);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), want);
  assert.equal(await c.call("TYPE", "d"), "list");
  assert.equal(
    await c.call("SORT", "l", "BY", "w_*", "GET", "#", "GET", "h_*->name", "LIMIT", "0", "3", "STORE", "d"),
    6,
  );
  const weight = (id: number) => (id * 37) % 101;
  const top = [...ids].sort((a, b) => weight(a) - weight(b) || String(a).localeCompare(String(b))).slice(
    0,
    3,
  );
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), top.flatMap((id) => [String(id), `n${id}`]));
  // The source may be the destination.
  assert.equal(await c.call("SORT", "l", "STORE", "l"), ids.length);
  assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), want);
});

test("STORE stores missing GET values as empty strings", async (c) => {
  await c.call("RPUSH", "l", "1", "2");
  await c.call("SET", "v_1", "x");
  assert.equal(await c.call("SORT", "l", "GET", "v_*", "GET", "nostar", "STORE", "d"), 4);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["x", "", "", ""]);
});

test("STORE replaces a key of any type and drops its TTL", async (c) => {
  await c.call("RPUSH", "l", "2", "1");
  await c.call("SET", "d", "old", "EX", "1000");
  assert.equal(await c.call("SORT", "l", "STORE", "d"), 2);
  assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["1", "2"]);
  assert.equal(await c.call("TTL", "d"), -1);
  await c.call("HSET", "h", "a", "b");
  assert.equal(await c.call("SORT", "l", "DESC", "STORE", "h"), 2);
  assert.deepEqual(await c.call("LRANGE", "h", "0", "-1"), ["2", "1"]);
  // The last STORE wins.
  assert.equal(await c.call("SORT", "l", "STORE", "x", "STORE", "y"), 2);
  assert.equal(await c.call("EXISTS", "x"), 0);
  assert.equal(await c.call("EXISTS", "y"), 1);
});

test("STORE of an empty result deletes the destination and creates nothing", async (c) => {
  await c.call("SET", "d", "x");
  assert.equal(await c.call("SORT", "nokey", "STORE", "d"), 0);
  assert.equal(await c.call("EXISTS", "d"), 0);
  assert.equal(await c.call("SORT", "nokey", "STORE", "d"), 0);
  assert.equal(await c.call("EXISTS", "d"), 0);
  await c.call("RPUSH", "l", "1", "2");
  await c.call("SET", "d", "x");
  assert.equal(await c.call("SORT", "l", "LIMIT", "5", "5", "STORE", "d"), 0);
  assert.equal(await c.call("EXISTS", "d"), 0);
});

test("a stored list takes the listpack or quicklist encoding by size", async (c) => {
  await c.call("CONFIG", "SET", "list-max-listpack-size", "4");
  try {
    await c.call("RPUSH", "l", "4", "3", "2", "1", "0");
    assert.equal(await c.call("SORT", "l", "LIMIT", "0", "4", "STORE", "small"), 4);
    assert.equal(await c.call("OBJECT", "ENCODING", "small"), "listpack");
    assert.equal(await c.call("SORT", "l", "STORE", "big"), 5);
    assert.equal(await c.call("OBJECT", "ENCODING", "big"), "quicklist");
    assert.deepEqual(await c.call("LRANGE", "big", "0", "-1"), ["0", "1", "2", "3", "4"]);
  } finally {
    await c.call("CONFIG", "SET", "list-max-listpack-size", "-2");
  }
}, valkeyOnly());

test("SORT of a missing key is empty, and other types are WRONGTYPE", async (c) => {
  assert.deepEqual(await c.call("SORT", "nokey"), []);
  assert.deepEqual(await c.call("SORT_RO", "nokey", "BY", "x", "GET", "#"), []);
  await c.call("SET", "str", "1");
  await c.call("HSET", "h", "a", "1");
  assertError(await c.call("SORT", "str"), WRONGTYPE);
  assertError(await c.call("SORT", "h", "LIMIT", "0", "1"), WRONGTYPE);
  assertError(await c.call("SORT_RO", "h"), WRONGTYPE);
  assertError(await c.call("SORT", "str", "STORE", "d"), WRONGTYPE);
  assert.equal(await c.call("EXISTS", "d"), 0);
  // Options are parsed before the key is looked up.
  assertError(await c.call("SORT", "str", "LIMIT", "x", "1"), NOT_INT);
  assertError(await c.call("SORT", "str", "BOGUS"), SYNTAX);
});

test("unknown options and missing option arguments are syntax errors", async (c) => {
  await c.call("RPUSH", "l", "1");
  assertError(await c.call("SORT", "l", "foo"), SYNTAX);
  assertError(await c.call("SORT", "l", "BY"), SYNTAX);
  assertError(await c.call("SORT", "l", "GET"), SYNTAX);
  assertError(await c.call("SORT", "l", "STORE"), SYNTAX);
  assertError(await c.call("SORT", "l", "ALPHA", "DESC", "x"), SYNTAX);
  assertError(await c.call("SORT"), "ERR wrong number of arguments for 'sort' command");
  assertError(await c.call("SORT_RO"), "ERR wrong number of arguments for 'sort_ro' command");
});

test("SORT_RO has no STORE option", async (c) => {
  await c.call("RPUSH", "l", "2", "1");
  assertError(await c.call("SORT_RO", "l", "STORE", "d"), SYNTAX);
  assert.equal(await c.call("EXISTS", "d"), 0);
  assert.deepEqual(
    await c.call("SORT_RO", "l", "BY", "nosort", "GET", "#", "LIMIT", "0", "1", "desc", "alpha"),
    ["1"],
  );
});

test("COMMAND GETKEYS finds the sorted key and the STORE destination", async (c) => {
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "SORT", "abc", "STORE", "def"), ["abc", "def"]);
  assert.deepEqual(
    await c.call(
      "COMMAND",
      "GETKEYS",
      "SORT",
      "a",
      "LIMIT",
      "0",
      "1",
      "STORE",
      "b",
      "GET",
      "c",
      "STORE",
      "d",
      "BY",
    ),
    ["a", "d"],
  );
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "SORT", "a", "BY", "store", "GET", "store"), ["a"]);
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "SORT_RO", "a", "STORE", "b"), ["a"]);
  assert.deepEqual(
    await c.call("COMMAND", "GETKEYSANDFLAGS", "SORT", "a", "STORE", "b"),
    [["a", ["RO", "access"]], ["b", ["OW", "update"]]],
  );
}, valkeyOnly());

test("COMMAND INFO describes SORT and SORT_RO", async (c) => {
  const info = await c.call("COMMAND", "INFO", "sort", "sort_ro") as unknown[][];
  assert.deepEqual(info[0]!.slice(0, 7), ["sort", -2, ["write", "denyoom", "movablekeys"], 1, 1, 1, [
    "@write",
    "@set",
    "@sortedset",
    "@list",
    "@slow",
    "@dangerous",
  ]]);
  assert.deepEqual(info[1]!.slice(0, 7), ["sort_ro", -2, ["readonly", "movablekeys"], 1, 1, 1, [
    "@read",
    "@set",
    "@sortedset",
    "@list",
    "@slow",
    "@dangerous",
  ]]);
}, valkeyOnly());

test("STORE emits sortstore (and new / del) keyspace events", async (c) => {
  await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAnm");
  const sub = await RawConn.connect(srv.port);
  try {
    await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
    await c.call("RPUSH", "l", "2", "1");
    await c.call("SORT", "l", "STORE", "d");
    await c.call("SORT", "l", "STORE", "d");
    await c.call("SORT", "l", "LIMIT", "9", "1", "STORE", "d");
    await c.call("SORT", "l", "LIMIT", "9", "1", "STORE", "d");
    await c.call("SORT_RO", "l", "BY", "w_*");
    await c.call("SET", "end", "1");
    const events: string[] = [];
    for (let i = 0; i < 9; i++) {
      const m = await sub.read() as unknown[];
      events.push(`${String(m[2]).split(":")[1]}:${String(m[3])}`);
    }
    assert.deepEqual(events, [
      "l:new",
      "l:rpush",
      "d:new",
      "d:sortstore",
      "d:sortstore",
      "d:del",
      // The second empty STORE deletes nothing; SORT_RO's BY lookups miss w_2 and w_1, in list order.
      "w_2:keymiss",
      "w_1:keymiss",
      "end:new",
    ]);
  } finally {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    sub.close();
  }
}, valkeyOnly());

test("BY and GET lookups count keyspace hits and misses", async (c) => {
  await c.call("RPUSH", "l", "1", "2");
  await c.call("SET", "w_1", "5");
  await c.call("CONFIG", "RESETSTAT");
  await c.call("SORT", "l", "BY", "w_*", "GET", "w_*");
  const info = String(await c.call("INFO", "stats"));
  // The sorted key (hit), BY w_1 (hit) and w_2 (miss), GET w_2 (miss) and w_1 (hit).
  assert.match(info, /keyspace_hits:3\r\n/);
  assert.match(info, /keyspace_misses:2\r\n/);
});

test("STORE counts the stored elements as changes", async (c) => {
  await c.call("RPUSH", "l", "3", "2", "1");
  const changes = async () =>
    Number(/rdb_changes_since_last_save:(\d+)/.exec(String(await c.call("INFO", "persistence")))![1]);
  const before = await changes();
  await c.call("SORT", "l", "STORE", "d");
  assert.equal(await changes(), before + 3);
  await c.call("SORT", "l", "LIMIT", "0", "0", "STORE", "d");
  assert.equal(await changes(), before + 4);
  await c.call("SORT", "l", "LIMIT", "0", "0", "STORE", "d");
  assert.equal(await changes(), before + 4);
});

test("STORE wakes a client blocked on the destination", async (c) => {
  await c.call("RPUSH", "l", "b", "a");
  const blocked = await RawConn.connect(srv.port);
  try {
    blocked.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nd\r\n$1\r\n5\r\n");
    await waitUntil(
      async () => /blocked_clients:1\r\n/.test(String(await c.call("INFO", "clients"))),
      "BLPOP to block",
    );
    assert.equal(await c.call("SORT", "l", "ALPHA", "STORE", "d"), 2);
    assert.deepEqual(await blocked.read(), ["d", "a"]);
    assert.deepEqual(await c.call("LRANGE", "d", "0", "-1"), ["b"]);
  } finally {
    blocked.close();
  }
});

test("SORT inside MULTI is queued and runs at EXEC", async (c) => {
  await c.call("RPUSH", "l", "2", "1");
  assert.equal(await c.call("MULTI"), "OK");
  assert.equal(await c.call("SORT", "l", "STORE", "d"), "QUEUED");
  assert.equal(await c.call("SORT", "d", "DESC"), "QUEUED");
  assert.deepEqual(await c.call("EXEC"), [2, ["2", "1"]]);
});

test("a large random list sorts like a reference sort", async (c) => {
  const values: number[] = [];
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    values.push((x % 20000) - 10000 + (i % 3) / 4);
  }
  for (let i = 0; i < values.length; i += 500) await c.call("RPUSH", "l", ...values.slice(i, i + 500));
  const strs = values.map(String);
  const byNum = [...strs].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(await c.call("SORT", "l"), byNum);
  assert.deepEqual(
    await c.call("SORT", "l", "DESC", "LIMIT", "100", "50"),
    [...byNum].reverse().slice(100, 150),
  );
  const alpha = [...strs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(await c.call("SORT", "l", "ALPHA"), alpha);
});

test("real clients read SORT replies", async () => {
  const client = new Valkey({ port: srv.port, lazyConnect: true });
  await client.connect();
  try {
    await client.del("cl", "cd");
    await client.rpush("cl", "3", "1", "2");
    assert.deepEqual(await client.sort("cl"), ["1", "2", "3"]);
    assert.deepEqual(await client.sort("cl", "LIMIT", 0, 2, "DESC"), ["3", "2"]);
    assert.equal(await client.sort("cl", "STORE", "cd"), 3);
    assert.deepEqual(await client.call("SORT_RO", "cd", "DESC"), ["3", "2", "1"]);
  } finally {
    client.disconnect();
  }
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
