/**
 * Sorted sets over TCP: every command of the family (ZADD ... BZMPOP), every option, reply shape (RESP2 and
 * RESP3), error text and order, keyspace side effects, and the listpack ↔ skiplist encodings.
 * Expectations were checked against Valkey 8.1.1 and Redis 7.0.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../../helpers/server.ts";
import { RawConn, RespError } from "../../helpers/raw.ts";
import { flushedTest } from "../../helpers/suite.ts";
import { waitUntil } from "../../helpers/timing.ts";

const srv = await startServer();

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_FLOAT = "ERR value is not a valid float";
const NOT_INT = "ERR value is not an integer or out of range";
const SYNTAX = "ERR syntax error";
const MINMAX_FLOAT = "ERR min or max is not a float";
const MINMAX_LEX = "ERR min or max not valid string range item";

const test = flushedTest(srv);

function assertError(reply: unknown, message: string): void {
  assert.ok(reply instanceof RespError, `expected error '${message}', got ${JSON.stringify(reply)}`);
  assert.equal(reply.message, message);
}

/** Waits until INFO reports one blocked client (a sleep does not prove the command reached the server). */
async function waitBlocked(c: RawConn): Promise<void> {
  await waitUntil(
    async () => /blocked_clients:1\r\n/.test(String(await c.call("INFO", "clients"))),
    "a client to block",
  );
}

async function encodingOf(c: RawConn, key: string): Promise<unknown> {
  return await c.call("OBJECT", "ENCODING", key);
}

for (const enc of ["listpack", "skiplist"]) {
  /** Makes `key` use encoding `enc` before the test's own data goes in. */
  const setup = async (c: RawConn) => {
    if (enc === "skiplist") await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
    else await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
  };
  const done = async (c: RawConn) => {
    await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
  };

  test(`ZADD adds, updates and reports counts (${enc})`, async (c) => {
    await setup(c);
    assert.equal(await c.call("ZADD", "z", "10", "x"), 1);
    assert.equal(await encodingOf(c, "z"), enc);
    assert.equal(await c.call("ZADD", "z", "20", "y", "30", "z"), 2);
    assert.equal(await c.call("ZADD", "z", "11", "x"), 0);
    assert.equal(await c.call("ZADD", "z", "CH", "12", "x", "20", "y", "5", "w"), 2);
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "-1", "WITHSCORES"), [
      "w",
      "5",
      "x",
      "12",
      "y",
      "20",
      "z",
      "30",
    ]);
    assert.equal(await c.call("ZCARD", "z"), 4);
    await done(c);
  });

  test(`ZADD NX XX GT LT and INCR (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "10", "x");
    assert.equal(await c.call("ZADD", "z", "NX", "20", "x", "1", "n"), 1);
    assert.equal(await c.call("ZSCORE", "z", "x"), "10");
    assert.equal(await c.call("ZADD", "z", "XX", "20", "x", "1", "absent"), 0);
    assert.equal(await c.call("ZSCORE", "z", "x"), "20");
    assert.equal(await c.call("ZSCORE", "z", "absent"), null);
    assert.equal(await c.call("ZADD", "z", "GT", "CH", "5", "x"), 0);
    assert.equal(await c.call("ZADD", "z", "GT", "CH", "25", "x", "3", "newgt"), 2);
    assert.equal(await c.call("ZADD", "z", "LT", "CH", "30", "x"), 0);
    assert.equal(await c.call("ZADD", "z", "LT", "CH", "2", "x"), 1);
    assert.equal(await c.call("ZADD", "z", "XX", "GT", "CH", "9", "x"), 1);
    assert.equal(await c.call("ZADD", "z", "INCR", "1.5", "x"), "10.5");
    assert.equal(await c.call("ZADD", "z", "INCR", "NX", "1", "x"), null);
    assert.equal(await c.call("ZADD", "z", "INCR", "XX", "1", "nope"), null);
    assert.equal(await c.call("ZADD", "z", "INCR", "GT", "-1", "x"), null);
    assert.equal(await c.call("ZADD", "z", "INCR", "LT", "-1", "x"), "9.5");
    assert.equal(await c.call("ZADD", "missing", "XX", "1", "a"), 0);
    assert.equal(await c.call("ZADD", "missing", "XX", "INCR", "1", "a"), null);
    assert.equal(await c.call("EXISTS", "missing"), 0);
    assert.equal(await c.call("ZINCRBY", "z", "2", "x"), "11.5");
    assert.equal(await c.call("ZINCRBY", "z", "-inf", "fresh"), "-inf");
    assertError(await c.call("ZINCRBY", "z", "+inf", "fresh"), "ERR resulting score is not a number (NaN)");
    assertError(
      await c.call("ZADD", "z", "INCR", "+inf", "fresh"),
      "ERR resulting score is not a number (NaN)",
    );
    assert.equal(await c.call("ZSCORE", "z", "fresh"), "-inf");
    await done(c);
  });

  test(`ZRANGE by rank, REV and WITHSCORES (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "-1"), ["a", "b", "c", "d"]);
    assert.deepEqual(await c.call("ZRANGE", "z", "1", "2"), ["b", "c"]);
    assert.deepEqual(await c.call("ZRANGE", "z", "-2", "-1"), ["c", "d"]);
    assert.deepEqual(await c.call("ZRANGE", "z", "-100", "100"), ["a", "b", "c", "d"]);
    assert.deepEqual(await c.call("ZRANGE", "z", "3", "1"), []);
    assert.deepEqual(await c.call("ZRANGE", "z", "5", "10"), []);
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "-10"), []);
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "1", "REV"), ["d", "c"]);
    assert.deepEqual(await c.call("ZREVRANGE", "z", "0", "1", "WITHSCORES"), ["d", "4", "c", "3"]);
    assert.deepEqual(await c.call("ZREVRANGE", "z", "-1", "-1"), ["a"]);
    assert.deepEqual(await c.call("ZRANGE", "nokey", "0", "-1"), []);
    assertError(await c.call("ZRANGE", "z", "a", "1"), NOT_INT);
    assertError(
      await c.call("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"),
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
    // LIMIT with a count of -1 is "no limit", so it is accepted even by rank.
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "0", "LIMIT", "0", "-1"), ["a"]);
    assertError(await c.call("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"), SYNTAX);
    assertError(await c.call("ZRANGE", "z", "0", "1", "REV", "REV"), SYNTAX);
    assertError(await c.call("ZREVRANGE", "z", "0", "1", "REV"), SYNTAX);
    assertError(await c.call("ZRANGE", "z", "0", "1", "LIMIT", "0"), SYNTAX);
    await done(c);
  });

  test(`ZRANGEBYSCORE and ZRANGE BYSCORE with bounds and LIMIT (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "-inf", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "+inf", "g");
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "-inf", "+inf"), ["a", "b", "c", "d", "e", "f", "g"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "(1", "(4"), ["c", "d"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "2", "4", "WITHSCORES"), [
      "c",
      "2",
      "d",
      "3",
      "e",
      "4",
    ]);
    assert.deepEqual(await c.call("ZREVRANGEBYSCORE", "z", "4", "2"), ["e", "d", "c"]);
    assert.deepEqual(await c.call("ZREVRANGEBYSCORE", "z", "(4", "(2"), ["d"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "4", "2"), []);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "(2", "(2"), []);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "0", "10", "LIMIT", "1", "2"), ["c", "d"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "0", "10", "LIMIT", "1", "-1"), ["c", "d", "e", "f"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "0", "10", "LIMIT", "1", "0"), []);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "0", "10", "LIMIT", "100", "1"), []);
    assert.deepEqual(await c.call("ZREVRANGEBYSCORE", "z", "10", "0", "LIMIT", "1", "2", "WITHSCORES"), [
      "e",
      "4",
      "d",
      "3",
    ]);
    assert.deepEqual(await c.call("ZRANGE", "z", "(1", "3", "BYSCORE"), ["c", "d"]);
    assert.deepEqual(await c.call("ZRANGE", "z", "3", "(1", "BYSCORE", "REV", "LIMIT", "0", "1"), ["d"]);
    // strtod accepts leading blanks, an empty string (0) and a bare "(" (exclusive 0).
    await c.call("ZADD", "z2", "0", "zero", "1", "one");
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z2", " 1", "1"), ["one"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z2", "", ""), ["zero"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z2", "(", "1"), ["one"]);
    assert.deepEqual(await c.call("ZRANGEBYSCORE", "z2", "-1e400", "0x1p0"), ["zero", "one"]);
    assertError(await c.call("ZRANGEBYSCORE", "z", "nan", "1"), MINMAX_FLOAT);
    assertError(await c.call("ZRANGEBYSCORE", "z", "1", "x"), MINMAX_FLOAT);
    assertError(await c.call("ZRANGEBYSCORE", "z", "1 ", "2"), MINMAX_FLOAT);
    assertError(await c.call("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "x", "1"), NOT_INT);
    assertError(await c.call("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "0"), SYNTAX);
    assertError(await c.call("ZRANGEBYSCORE", "z", "0", "1", "BYLEX"), SYNTAX);
    assertError(await c.call("ZRANGEBYSCORE", "z", "0", "1", "REV"), SYNTAX);
    await done(c);
  });

  test(`ZRANGEBYLEX, ZLEXCOUNT and ZRANGE BYLEX (${enc})`, async (c) => {
    await setup(c);
    await c.call(
      "ZADD",
      "z",
      "0",
      "alpha",
      "0",
      "bar",
      "0",
      "cool",
      "0",
      "down",
      "0",
      "elephant",
      "0",
      "foo",
    );
    assert.deepEqual(await c.call("ZRANGEBYLEX", "z", "-", "+"), [
      "alpha",
      "bar",
      "cool",
      "down",
      "elephant",
      "foo",
    ]);
    assert.deepEqual(await c.call("ZRANGEBYLEX", "z", "[bar", "(down"), ["bar", "cool"]);
    assert.deepEqual(await c.call("ZRANGEBYLEX", "z", "(bar", "[down"), ["cool", "down"]);
    assert.deepEqual(await c.call("ZREVRANGEBYLEX", "z", "+", "[d"), ["foo", "elephant", "down"]);
    assert.deepEqual(await c.call("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "2", "2"), ["cool", "down"]);
    assert.deepEqual(await c.call("ZRANGE", "z", "[z", "[c", "BYLEX", "REV", "LIMIT", "1", "2"), [
      "elephant",
      "down",
    ]);
    assert.deepEqual(await c.call("ZRANGEBYLEX", "z", "+", "-"), []);
    assert.deepEqual(await c.call("ZRANGEBYLEX", "z", "[foo", "(foo"), []);
    assert.equal(await c.call("ZLEXCOUNT", "z", "-", "+"), 6);
    assert.equal(await c.call("ZLEXCOUNT", "z", "[b", "(d"), 2);
    assert.equal(await c.call("ZLEXCOUNT", "nokey", "-", "+"), 0);
    assertError(await c.call("ZRANGEBYLEX", "z", "a", "+"), MINMAX_LEX);
    assertError(await c.call("ZRANGEBYLEX", "z", "-x", "+"), MINMAX_LEX);
    assertError(await c.call("ZRANGEBYLEX", "z", "", "+"), MINMAX_LEX);
    assertError(await c.call("ZLEXCOUNT", "z", "[a", "1"), MINMAX_LEX);
    assertError(
      await c.call("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"),
      "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
    );
    await done(c);
  });

  test(`ZCOUNT, ZRANK, ZREVRANK and WITHSCORE (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
    assert.equal(await c.call("ZCOUNT", "z", "-inf", "+inf"), 3);
    assert.equal(await c.call("ZCOUNT", "z", "(1", "3"), 2);
    assert.equal(await c.call("ZCOUNT", "z", "3", "1"), 0);
    assert.equal(await c.call("ZCOUNT", "nokey", "0", "1"), 0);
    assertError(await c.call("ZCOUNT", "z", "a", "1"), MINMAX_FLOAT);
    assert.equal(await c.call("ZRANK", "z", "a"), 0);
    assert.equal(await c.call("ZRANK", "z", "c"), 2);
    assert.equal(await c.call("ZREVRANK", "z", "a"), 2);
    assert.equal(await c.call("ZRANK", "z", "zz"), null);
    assert.equal(await c.call("ZRANK", "nokey", "zz"), null);
    await done(c);
  });

  test(`ZRANK WITHSCORE (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "1.5", "a", "2", "b");
    assert.deepEqual(await c.call("ZRANK", "z", "a", "WITHSCORE"), [0, "1.5"]);
    assert.deepEqual(await c.call("ZREVRANK", "z", "a", "withscore"), [1, "1.5"]);
    c.send("*4\r\n$5\r\nZRANK\r\n$1\r\nz\r\n$2\r\nzz\r\n$9\r\nWITHSCORE\r\n");
    assert.equal(await c.readRaw(5), "*-1\r\n");
    c.send("*4\r\n$5\r\nZRANK\r\n$5\r\nnokey\r\n$2\r\nzz\r\n$9\r\nWITHSCORE\r\n");
    assert.equal(await c.readRaw(5), "*-1\r\n");
    assertError(await c.call("ZRANK", "z", "a", "WITHSCORES"), SYNTAX);
    assertError(
      await c.call("ZRANK", "z", "a", "WITHSCORE", "x"),
      "ERR wrong number of arguments for 'zrank' command",
    );
    await done(c);
  }, valkeyOnly());

  test(`ZREM and ZREMRANGEBY* delete members and empty keys (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
    assert.equal(await c.call("ZREM", "z", "a", "x", "a"), 1);
    assert.equal(await c.call("ZREM", "nokey", "a"), 0);
    assert.equal(await c.call("ZREMRANGEBYRANK", "z", "0", "0"), 1);
    assert.equal(await c.call("ZREMRANGEBYRANK", "z", "10", "20"), 0);
    assert.equal(await c.call("ZREMRANGEBYSCORE", "z", "(3", "4"), 1);
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "-1"), ["c", "e"]);
    assert.equal(await c.call("ZREMRANGEBYLEX", "z", "-", "+"), 2);
    assert.equal(await c.call("EXISTS", "z"), 0);
    await c.call("ZADD", "z", "1", "a", "2", "b");
    assert.equal(await c.call("ZREMRANGEBYRANK", "z", "-2", "-1"), 2);
    assert.equal(await c.call("EXISTS", "z"), 0);
    await c.call("ZADD", "z", "1", "a");
    assert.equal(await c.call("ZREM", "z", "a", "b"), 1);
    assert.equal(await c.call("EXISTS", "z"), 0);
    assertError(await c.call("ZREMRANGEBYRANK", "z", "x", "1"), NOT_INT);
    assertError(await c.call("ZREMRANGEBYSCORE", "z", "x", "1"), MINMAX_FLOAT);
    assertError(await c.call("ZREMRANGEBYLEX", "z", "x", "+"), MINMAX_LEX);
    await done(c);
  });

  test(`ZPOPMIN, ZPOPMAX and ZMPOP (${enc})`, async (c) => {
    await setup(c);
    await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    assert.deepEqual(await c.call("ZPOPMIN", "z"), ["a", "1"]);
    assert.deepEqual(await c.call("ZPOPMAX", "z", "2"), ["d", "4", "c", "3"]);
    assert.deepEqual(await c.call("ZPOPMIN", "z", "0"), []);
    assert.deepEqual(await c.call("ZPOPMIN", "z", "10"), ["b", "2"]);
    assert.equal(await c.call("EXISTS", "z"), 0);
    assert.deepEqual(await c.call("ZPOPMIN", "z"), []);
    assertError(await c.call("ZPOPMIN", "z", "-1"), "ERR value is out of range, must be positive");
    assertError(await c.call("ZPOPMIN", "z", "x"), "ERR value is out of range, must be positive");
    assertError(await c.call("ZPOPMIN", "z", "1", "2"), SYNTAX);
    await c.call("ZADD", "z2", "1", "a", "2", "b", "3", "c");
    assert.deepEqual(await c.call("ZMPOP", "2", "nokey", "z2", "MIN", "COUNT", "2"), ["z2", [["a", "1"], [
      "b",
      "2",
    ]]]);
    assert.deepEqual(await c.call("ZPOPMAX", "z2"), ["c", "3"]);
    assert.equal(await c.call("EXISTS", "z2"), 0);
    await done(c);
  });
}

test("a negative LIMIT offset walks back from the range's far end in a skiplist only", async (c) => {
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
  await c.call("ZADD", "s", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
  await c.call("ZADD", "l", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
  assert.deepEqual(await c.call("ZRANGEBYSCORE", "s", "2", "4", "LIMIT", "-1", "10"), ["d"]);
  assert.deepEqual(await c.call("ZREVRANGEBYSCORE", "s", "4", "2", "LIMIT", "-2", "10"), ["c", "b"]);
  assert.deepEqual(await c.call("ZRANGEBYLEX", "s", "-", "+", "LIMIT", "-2", "1"), ["d"]);
  assert.deepEqual(await c.call("ZRANGEBYSCORE", "s", "2", "4", "LIMIT", "-9", "10"), []);
  assert.deepEqual(await c.call("ZRANGEBYSCORE", "l", "2", "4", "LIMIT", "-1", "10"), []);
  assert.deepEqual(await c.call("ZREVRANGEBYSCORE", "l", "4", "2", "LIMIT", "-2", "10"), []);
  assert.deepEqual(await c.call("ZRANGEBYLEX", "l", "-", "+", "LIMIT", "-2", "1"), []);
}, valkeyOnly());

test("ZMPOP replies key and [member, score] pairs", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
  assert.deepEqual(await c.call("ZMPOP", "2", "nokey", "z", "MIN"), ["z", [["a", "1"]]]);
  assert.deepEqual(await c.call("ZMPOP", "1", "z", "max", "COUNT", "10"), ["z", [["c", "3"], ["b", "2"]]]);
  assert.equal(await c.call("ZMPOP", "1", "z", "MIN"), null);
  assertError(await c.call("ZMPOP", "0", "z", "MIN"), "ERR numkeys should be greater than 0");
  assertError(await c.call("ZMPOP", "x", "z", "MIN"), "ERR numkeys should be greater than 0");
  assertError(await c.call("ZMPOP", "2", "z", "MIN"), SYNTAX);
  assertError(await c.call("ZMPOP", "1", "z", "MID"), SYNTAX);
  assertError(await c.call("ZMPOP", "1", "z", "MIN", "COUNT", "0"), "ERR count should be greater than 0");
  assertError(await c.call("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"), SYNTAX);
  assertError(await c.call("ZMPOP", "1", "z", "MIN", "COUNT"), SYNTAX);
  await c.call("SET", "s", "x");
  assertError(await c.call("ZMPOP", "1", "s", "MIN"), WRONGTYPE);
});

test("ZADD argument errors come in Valkey's order", async (c) => {
  assertError(await c.call("ZADD", "z", "NX", "XX"), SYNTAX);
  assertError(await c.call("ZADD", "z", "NX", "1", "a", "b"), SYNTAX);
  assertError(await c.call("ZADD", "z", "1", "a", "2"), SYNTAX);
  assertError(
    await c.call("ZADD", "z", "NX", "XX", "1", "a"),
    "ERR XX and NX options at the same time are not compatible",
  );
  assertError(
    await c.call("ZADD", "z", "GT", "LT", "1", "a"),
    "ERR GT, LT, and/or NX options at the same time are not compatible",
  );
  assertError(
    await c.call("ZADD", "z", "NX", "GT", "1", "a"),
    "ERR GT, LT, and/or NX options at the same time are not compatible",
  );
  assertError(
    await c.call("ZADD", "z", "INCR", "1", "a", "2", "b"),
    "ERR INCR option supports a single increment-element pair",
  );
  assertError(await c.call("ZADD", "z", "x", "a"), NOT_FLOAT);
  assertError(await c.call("ZADD", "z", "1", "a", "nan", "b"), NOT_FLOAT);
  assertError(await c.call("ZADD", "z", " 1", "a"), NOT_FLOAT);
  assert.equal(await c.call("EXISTS", "z"), 0);
  await c.call("SET", "s", "x");
  assertError(await c.call("ZADD", "s", "1", "a"), WRONGTYPE);
  assertError(await c.call("ZINCRBY", "z", "x", "a"), NOT_FLOAT);
  assertError(await c.call("ZADD", "z"), "ERR wrong number of arguments for 'zadd' command");
});

test("every read command refuses a key of another type", async (c) => {
  await c.call("SET", "s", "x");
  for (
    const cmd of [
      ["ZCARD", "s"],
      ["ZSCORE", "s", "a"],
      ["ZMSCORE", "s", "a"],
      ["ZRANK", "s", "a"],
      ["ZRANGE", "s", "0", "1"],
      ["ZRANGEBYSCORE", "s", "0", "1"],
      ["ZRANGEBYLEX", "s", "-", "+"],
      ["ZCOUNT", "s", "0", "1"],
      ["ZLEXCOUNT", "s", "-", "+"],
      ["ZREM", "s", "a"],
      ["ZREMRANGEBYRANK", "s", "0", "1"],
      ["ZPOPMIN", "s"],
      ["ZRANDMEMBER", "s"],
      ["ZRANDMEMBER", "s", "2"],
      ["ZSCAN", "s", "0"],
      ["ZUNION", "1", "s"],
      ["ZRANGESTORE", "d", "s", "0", "1"],
      ["BZPOPMIN", "s", "0"],
    ]
  ) {
    assertError(await c.call(...cmd), WRONGTYPE);
  }
});

test("ZSCORE, ZMSCORE and score formatting", async (c) => {
  await c.call("ZADD", "z", "0.1", "a", "1e21", "b", "-0", "c", "12345.6789012", "d", "3", "e");
  assert.equal(await c.call("ZSCORE", "z", "a"), "0.1");
  assert.equal(await c.call("ZSCORE", "z", "b"), "1e+21");
  assert.equal(await c.call("ZSCORE", "z", "c"), "0");
  assert.equal(await c.call("ZSCORE", "z", "d"), "1.23456789012e+4");
  assert.deepEqual(await c.call("ZMSCORE", "z", "a", "nope", "e"), ["0.1", null, "3"]);
  assert.deepEqual(await c.call("ZMSCORE", "nokey", "a", "b"), [null, null]);
  assert.equal(await c.call("ZSCORE", "nokey", "a"), null);
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
  await c.call("ZADD", "big", "-0", "c");
  assert.equal(await c.call("ZSCORE", "big", "c"), "-0");
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
}, valkeyOnly());

test("RESP3 replies use doubles and nested pairs", async (c) => {
  await c.call("HELLO", "3");
  await c.call("ZADD", "z", "1", "a", "2.5", "b");
  c.send("*3\r\n$6\r\nZSCORE\r\n$1\r\nz\r\n$1\r\nb\r\n");
  assert.equal(await c.readRaw(6), ",2.5\r\n");
  c.send("*5\r\n$6\r\nZRANGE\r\n$1\r\nz\r\n$1\r\n0\r\n$2\r\n-1\r\n$10\r\nWITHSCORES\r\n");
  const nested = "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n";
  assert.equal(await c.readRaw(nested.length), nested);
  assert.deepEqual(await c.call("ZPOPMIN", "z", "1"), [["a", 1]]);
  assert.deepEqual(await c.call("ZPOPMIN", "z"), ["b", 2.5]);
  c.send("*3\r\n$7\r\nZSCORE\r\n$1\r\nz\r\n$1\r\nb\r\n".replace("$7", "$6"));
  assert.equal(await c.readRaw(3), "_\r\n");
  await c.call("ZADD", "z", "1", "a");
  assert.deepEqual(await c.call("ZUNION", "1", "z", "WITHSCORES"), [["a", 1]]);
  assert.deepEqual(await c.call("ZRANDMEMBER", "z", "1", "WITHSCORES"), [["a", 1]]);
});

test("ZINCRBY creates keys, and ZADD INCR replies the new score", async (c) => {
  assert.equal(await c.call("ZINCRBY", "z", "5", "a"), "5");
  assert.equal(await c.call("ZINCRBY", "z", "0.5", "a"), "5.5");
  assert.equal(await c.call("ZINCRBY", "z", "-5.5", "a"), "0");
  assert.equal(await c.call("ZADD", "z", "INCR", "-0", "new"), "-0");
});

test("ZUNION, ZINTER, ZDIFF with WEIGHTS, AGGREGATE and WITHSCORES", async (c) => {
  await c.call("ZADD", "a", "1", "x", "2", "y", "3", "z");
  await c.call("ZADD", "b", "10", "y", "20", "z", "30", "w");
  assert.deepEqual(await c.call("ZUNION", "2", "a", "b", "WITHSCORES"), [
    "x",
    "1",
    "y",
    "12",
    "z",
    "23",
    "w",
    "30",
  ]);
  assert.deepEqual(await c.call("ZINTER", "2", "a", "b", "WITHSCORES"), ["y", "12", "z", "23"]);
  assert.deepEqual(await c.call("ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"), [
    "y",
    "2",
    "z",
    "3",
  ]);
  assert.deepEqual(await c.call("ZINTER", "2", "a", "b", "AGGREGATE", "max", "WITHSCORES"), [
    "y",
    "10",
    "z",
    "20",
  ]);
  assert.deepEqual(await c.call("ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"), [
    "x",
    "2",
    "y",
    "9",
    "w",
    "15",
    "z",
    "16",
  ]);
  assert.deepEqual(await c.call("ZDIFF", "2", "a", "b", "WITHSCORES"), ["x", "1"]);
  assert.deepEqual(await c.call("ZDIFF", "1", "a"), ["x", "y", "z"]);
  assert.deepEqual(await c.call("ZUNION", "2", "a", "nokey"), ["x", "y", "z"]);
  assert.deepEqual(await c.call("ZINTER", "2", "a", "nokey"), []);
  assert.deepEqual(await c.call("ZINTER", "2", "a", "a", "WITHSCORES"), ["x", "2", "y", "4", "z", "6"]);
  // inf * 0 weights count as 0, and inf + -inf sums as 0.
  await c.call("ZADD", "inf", "inf", "x");
  await c.call("ZADD", "ninf", "-inf", "x");
  assert.deepEqual(await c.call("ZUNION", "1", "inf", "WEIGHTS", "0", "WITHSCORES"), ["x", "0"]);
  assert.deepEqual(await c.call("ZUNION", "2", "inf", "ninf", "WITHSCORES"), ["x", "0"]);
  assertError(await c.call("ZUNION", "0", "a"), "ERR at least 1 input key is needed for 'zunion' command");
  assertError(
    await c.call("ZUNIONSTORE", "d", "0", "a"),
    "ERR at least 1 input key is needed for 'zunionstore' command",
  );
  assertError(await c.call("ZUNION", "x", "a"), NOT_INT);
  assertError(await c.call("ZUNION", "3", "a", "b"), SYNTAX);
  assertError(await c.call("ZUNION", "2", "a", "b", "WEIGHTS", "1"), SYNTAX);
  assertError(await c.call("ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"), "ERR weight value is not a float");
  assertError(await c.call("ZUNION", "2", "a", "b", "AGGREGATE", "AVG"), SYNTAX);
  assertError(await c.call("ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"), SYNTAX);
  assertError(await c.call("ZDIFF", "2", "a", "b", "AGGREGATE", "SUM"), SYNTAX);
  assertError(await c.call("ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"), SYNTAX);
  await c.call("SET", "str", "x");
  assertError(await c.call("ZUNION", "2", "a", "str", "FOO"), WRONGTYPE);
});

test("ZUNION and ZINTER accept plain sets as inputs with score 1", async (c) => {
  await c.call("SADD", "s", "x", "q");
  await c.call("ZADD", "a", "5", "x", "2", "y");
  assert.deepEqual(await c.call("ZUNION", "2", "a", "s", "WITHSCORES"), ["q", "1", "y", "2", "x", "6"]);
  assert.deepEqual(await c.call("ZINTER", "2", "a", "s", "WITHSCORES"), ["x", "6"]);
  assert.deepEqual(await c.call("ZDIFF", "2", "a", "s", "WITHSCORES"), ["y", "2"]);
  assert.equal(await c.call("ZINTERCARD", "2", "a", "s"), 1);
});

test("the STORE forms write, overwrite, convert and delete the destination", async (c) => {
  await c.call("ZADD", "a", "1", "x", "2", "y");
  await c.call("ZADD", "b", "3", "y", "4", "z");
  await c.call("SET", "d", "old", "EX", "100");
  assert.equal(await c.call("ZUNIONSTORE", "d", "2", "a", "b"), 3);
  assert.equal(await c.call("TTL", "d"), -1);
  assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1", "WITHSCORES"), ["x", "1", "z", "4", "y", "5"]);
  assert.equal(await encodingOf(c, "d"), "listpack");
  assert.equal(await c.call("ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2", "AGGREGATE", "MAX"), 1);
  assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1", "WITHSCORES"), ["y", "6"]);
  assert.equal(await c.call("ZDIFFSTORE", "d", "2", "a", "b"), 1);
  assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1", "WITHSCORES"), ["x", "1"]);
  assert.equal(await c.call("ZINTERSTORE", "d", "2", "a", "nokey"), 0);
  assert.equal(await c.call("EXISTS", "d"), 0);
  assert.equal(await c.call("ZDIFFSTORE", "d", "1", "nokey"), 0);
  await c.call("CONFIG", "SET", "zset-max-listpack-value", "3");
  await c.call("ZADD", "long", "1", "abcdef");
  assert.equal(await encodingOf(c, "long"), "skiplist");
  assert.equal(await c.call("ZUNIONSTORE", "d", "1", "a"), 2);
  assert.equal(await encodingOf(c, "d"), "listpack");
  assert.equal(await c.call("ZUNIONSTORE", "d", "2", "a", "long"), 3);
  assert.equal(await encodingOf(c, "d"), "skiplist");
  await c.call("CONFIG", "SET", "zset-max-listpack-value", "64");
});

test("ZINTERCARD counts with LIMIT", async (c) => {
  await c.call("ZADD", "a", "1", "x", "2", "y", "3", "z");
  await c.call("ZADD", "b", "1", "x", "2", "y", "3", "z");
  assert.equal(await c.call("ZINTERCARD", "2", "a", "b"), 3);
  assert.equal(await c.call("ZINTERCARD", "2", "a", "b", "LIMIT", "2"), 2);
  assert.equal(await c.call("ZINTERCARD", "2", "a", "b", "LIMIT", "0"), 3);
  assert.equal(await c.call("ZINTERCARD", "2", "a", "nokey"), 0);
  assertError(await c.call("ZINTERCARD", "2", "a", "b", "LIMIT", "-1"), "ERR LIMIT can't be negative");
  assertError(await c.call("ZINTERCARD", "2", "a", "b", "LIMIT", "x"), "ERR LIMIT can't be negative");
  assertError(await c.call("ZINTERCARD", "2", "a", "b", "WITHSCORES"), SYNTAX);
  assertError(
    await c.call("ZINTERCARD", "0", "a"),
    "ERR at least 1 input key is needed for 'zintercard' command",
  );
});

test("ZRANGESTORE stores ranges by rank, score and lex", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
  assert.equal(await c.call("ZRANGESTORE", "d", "z", "0", "1"), 2);
  assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1", "WITHSCORES"), ["a", "1", "b", "2"]);
  assert.equal(await c.call("ZRANGESTORE", "d", "z", "(1", "+inf", "BYSCORE", "LIMIT", "1", "5"), 2);
  assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1"), ["c", "d"]);
  assert.equal(await c.call("ZRANGESTORE", "d", "z", "[c", "-", "BYLEX", "REV"), 3);
  assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1"), ["a", "b", "c"]);
  assert.equal(await c.call("ZRANGESTORE", "d", "z", "5", "10"), 0);
  assert.equal(await c.call("EXISTS", "d"), 0);
  assert.equal(await c.call("ZRANGESTORE", "d", "nokey", "0", "-1"), 0);
  assertError(await c.call("ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"), SYNTAX);
});

test("ZRANDMEMBER with and without count", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
  const one = await c.call("ZRANDMEMBER", "z");
  assert.ok(["a", "b", "c"].includes(one as string));
  const all = (await c.call("ZRANDMEMBER", "z", "5")) as string[];
  assert.deepEqual([...all].sort(), ["a", "b", "c"]);
  const two = (await c.call("ZRANDMEMBER", "z", "2")) as string[];
  assert.equal(new Set(two).size, 2);
  const many = (await c.call("ZRANDMEMBER", "z", "-10")) as string[];
  assert.equal(many.length, 10);
  const ws = (await c.call("ZRANDMEMBER", "z", "-4", "WITHSCORES")) as string[];
  assert.equal(ws.length, 8);
  for (let i = 0; i < 8; i += 2) assert.equal(ws[i + 1], { a: "1", b: "2", c: "3" }[ws[i]! as "a"]);
  assert.deepEqual(await c.call("ZRANDMEMBER", "z", "0"), []);
  assert.equal(await c.call("ZRANDMEMBER", "nokey"), null);
  assert.deepEqual(await c.call("ZRANDMEMBER", "nokey", "3"), []);
  assertError(await c.call("ZRANDMEMBER", "z", "x"), NOT_INT);
  assertError(await c.call("ZRANDMEMBER", "z", "1", "WITHSCORE"), SYNTAX);
  assertError(await c.call("ZRANDMEMBER", "z", "1", "WITHSCORES", "x"), SYNTAX);
  assertError(
    await c.call("ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"),
    "ERR value is out of range",
  );
  assertError(
    await c.call("ZRANDMEMBER", "z", "-9223372036854775808"),
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  );
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
  await c.call("ZADD", "big", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f", "7", "g");
  const big = (await c.call("ZRANDMEMBER", "big", "4")) as string[];
  assert.equal(new Set(big).size, 4);
  const big2 = (await c.call("ZRANDMEMBER", "big", "2", "WITHSCORES")) as string[];
  assert.equal(big2.length, 4);
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
});

test("ZSCAN walks listpack and skiplist sets with MATCH, COUNT and NOSCORES", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2.5", "b", "0.1", "c");
  assert.deepEqual(await c.call("ZSCAN", "z", "0"), ["0", ["c", "0.1", "a", "1", "b", "2.5"]]);
  assert.deepEqual(await c.call("ZSCAN", "z", "0", "MATCH", "a*"), ["0", ["a", "1"]]);
  assert.deepEqual(await c.call("ZSCAN", "nokey", "0"), ["0", []]);
  assertError(await c.call("ZSCAN", "z", "x"), "ERR invalid cursor");
  assertError(await c.call("ZSCAN", "z", "0", "COUNT", "0"), SYNTAX);
  assertError(await c.call("ZSCAN", "z", "0", "NOVALUES"), "ERR NOVALUES option can only be used in HSCAN");
  assertError(await c.call("ZSCAN", "z", "0", "FOO"), SYNTAX);
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
  const members: string[] = [];
  for (let i = 0; i < 200; i++) members.push(String(i), `m${i}`);
  await c.call("ZADD", "big", ...members);
  await c.call("ZADD", "big", "0.1", "frac");
  const seen = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, items] = (await c.call("ZSCAN", "big", cursor, "COUNT", "20")) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    cursor = next;
  } while (cursor !== "0");
  assert.equal(seen.size, 201);
  assert.equal(seen.get("m7"), "7");
  // A skiplist's scores are printed as %.17Lg.
  assert.equal(seen.get("frac"), "0.10000000000000001");
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
}, valkeyOnly());

test("ZSCAN NOSCORES", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b");
  assert.deepEqual(await c.call("ZSCAN", "z", "0", "NOSCORES"), ["0", ["a", "b"]]);
}, valkeyOnly());

test("encodings follow zset-max-listpack-entries and zset-max-listpack-value", async (c) => {
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "4");
  await c.call("CONFIG", "SET", "zset-max-listpack-value", "8");
  await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
  assert.equal(await encodingOf(c, "z"), "listpack");
  await c.call("ZADD", "z", "5", "e");
  assert.equal(await encodingOf(c, "z"), "skiplist");
  await c.call("ZREM", "z", "a", "b", "c");
  assert.equal(await encodingOf(c, "z"), "skiplist");
  await c.call("ZADD", "y", "1", "123456789");
  assert.equal(await encodingOf(c, "y"), "skiplist");
  // The creation hint counts score/member pairs, duplicates included.
  await c.call("ZADD", "w", "1", "a", "2", "a", "3", "a", "4", "a", "5", "a");
  assert.equal(await encodingOf(c, "w"), "skiplist");
  assert.equal(await c.call("ZCARD", "w"), 1);
  await c.call("ZADD", "v", "1", "a");
  await c.call("ZADD", "v", "1", "a", "2", "a", "3", "a", "4", "a", "5", "a");
  assert.equal(await encodingOf(c, "v"), "skiplist");
  await c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
  await c.call("CONFIG", "SET", "zset-max-listpack-value", "64");
}, valkeyOnly());

test("a big sorted set keeps ranks and ranges exact", async (c) => {
  const args: string[] = [];
  for (let i = 0; i < 1000; i++) args.push(String(i % 100), `m${String(i).padStart(4, "0")}`);
  await c.call("ZADD", "z", ...args);
  assert.equal(await c.call("ZCARD", "z"), 1000);
  assert.equal(await encodingOf(c, "z"), "skiplist");
  assert.equal(await c.call("ZRANK", "z", "m0000"), 0);
  assert.equal(await c.call("ZRANK", "z", "m0100"), 1);
  assert.equal(await c.call("ZRANK", "z", "m0999"), 999);
  assert.equal(await c.call("ZREVRANK", "z", "m0999"), 0);
  assert.equal(await c.call("ZCOUNT", "z", "10", "(20"), 100);
  assert.deepEqual(await c.call("ZRANGE", "z", "500", "502"), ["m0050", "m0150", "m0250"]);
  assert.deepEqual(await c.call("ZRANGEBYSCORE", "z", "99", "+inf", "LIMIT", "8", "5"), ["m0899", "m0999"]);
  assert.equal(await c.call("ZREMRANGEBYSCORE", "z", "0", "49"), 500);
  assert.equal(await c.call("ZRANK", "z", "m0050"), 0);
  assert.equal(await c.call("ZREMRANGEBYRANK", "z", "0", "249"), 250);
  assert.equal(await c.call("ZCARD", "z"), 250);
  assert.deepEqual(await c.call("ZPOPMAX", "z"), ["m0999", "99"]);
});

test("keyspace events name the operation", async (c) => {
  await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
  const sub = await RawConn.connect(srv.port);
  try {
    await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
    await c.call("ZADD", "z", "1", "a", "2", "b");
    await c.call("ZINCRBY", "z", "1", "a");
    await c.call("ZREM", "z", "a");
    await c.call("ZPOPMIN", "z");
    await c.call("ZADD", "z", "1", "a");
    await c.call("ZREMRANGEBYSCORE", "z", "-inf", "+inf");
    await c.call("SET", "end", "1");
    const events: string[] = [];
    for (;;) {
      const m = (await sub.read()) as string[];
      if (m[2]!.endsWith(":end")) break;
      events.push(m[3]!);
    }
    assert.deepEqual(events, ["zadd", "zincr", "zrem", "zpopmin", "del", "zadd", "zremrangebyscore", "del"]);
  } finally {
    sub.close();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
  }
});

test("BZPOPMIN and BZPOPMAX pop at once or after a wait", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b");
  assert.deepEqual(await c.call("BZPOPMIN", "nokey", "z", "0"), ["z", "a", "1"]);
  assert.deepEqual(await c.call("BZPOPMAX", "z", "0"), ["z", "b", "2"]);
  assert.equal(await c.call("BZPOPMIN", "z", "0.05"), null);
  const other = await RawConn.connect(srv.port);
  try {
    other.send("*3\r\n$8\r\nBZPOPMAX\r\n$1\r\nw\r\n$1\r\n0\r\n");
    await waitBlocked(c);
    await c.call("ZADD", "w", "5", "x", "6", "y");
    assert.deepEqual(await other.read(), ["w", "y", "6"]);
    assert.deepEqual(await c.call("ZRANGE", "w", "0", "-1"), ["x"]);
  } finally {
    other.close();
  }
  assertError(await c.call("BZPOPMIN", "z", "x"), "ERR timeout is not a float or out of range");
  assertError(await c.call("BZPOPMIN", "z", "-1"), "ERR timeout is negative");
});

test("BZPOPMIN refuses an infinite timeout", async (c) => {
  assertError(await c.call("BZPOPMIN", "z", "inf"), "ERR timeout is out of range");
  assertError(await c.call("BZPOPMIN", "z", "1e300"), "ERR timeout is out of range");
}, valkeyOnly());

test("a blocked BZPOPMIN keeps waiting when its key becomes another type, and in MULTI never blocks", async (c) => {
  const other = await RawConn.connect(srv.port);
  try {
    other.send("*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nk\r\n$1\r\n0\r\n");
    await waitBlocked(c);
    await c.call("MULTI");
    await c.call("ZADD", "k", "1", "a");
    await c.call("DEL", "k");
    await c.call("SET", "k", "str");
    await c.call("EXEC");
    await c.call("DEL", "k");
    await c.call("ZADD", "k", "2", "b");
    assert.deepEqual(await other.read(), ["k", "b", "2"]);
  } finally {
    other.close();
  }
  await c.call("MULTI");
  await c.call("BZPOPMIN", "nokey", "0");
  assert.deepEqual(await c.call("EXEC"), [null]);
});

test("BZMPOP pops pairs and blocks", async (c) => {
  await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
  assert.deepEqual(await c.call("BZMPOP", "0", "2", "nokey", "z", "MAX", "COUNT", "2"), [
    "z",
    [["c", "3"], ["b", "2"]],
  ]);
  assert.equal(await c.call("BZMPOP", "0.05", "1", "nokey", "MIN"), null);
  const other = await RawConn.connect(srv.port);
  try {
    other.send("*5\r\n$6\r\nBZMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\nq\r\n$3\r\nMIN\r\n");
    await waitBlocked(c);
    await c.call("ZADD", "q", "7", "x");
    assert.deepEqual(await other.read(), ["q", [["x", "7"]]]);
    assert.equal(await c.call("EXISTS", "q"), 0);
  } finally {
    other.close();
  }
  assertError(await c.call("BZMPOP", "0", "0", "z", "MIN"), "ERR numkeys should be greater than 0");
  assertError(await c.call("BZMPOP", "x", "1", "z", "MIN"), "ERR timeout is not a float or out of range");
  assertError(
    await c.call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "-1"),
    "ERR count should be greater than 0",
  );
});

test("wrong arity is refused for every command", async (c) => {
  for (
    const [cmd, n] of [
      ["ZINCRBY", 2],
      ["ZCARD", 0],
      ["ZSCORE", 1],
      ["ZCOUNT", 2],
      ["ZREMRANGEBYRANK", 2],
      ["ZRANGESTORE", 3],
      ["ZMPOP", 2],
      ["BZMPOP", 3],
      ["BZPOPMIN", 1],
      ["ZUNIONSTORE", 2],
      ["ZSCAN", 1],
    ] as [string, number][]
  ) {
    const args = Array.from({ length: n }, (_, i) => `a${i}`);
    assertError(
      await c.call(cmd, ...args),
      `ERR wrong number of arguments for '${cmd.toLowerCase()}' command`,
    );
  }
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
