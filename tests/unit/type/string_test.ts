/**
 * String commands over TCP: GET SET (NX XX GET EX PX EXAT PXAT KEEPTTL) SETNX SETEX PSETEX MGET MSET MSETNX
 * GETSET GETDEL GETEX APPEND STRLEN GETRANGE SUBSTR SETRANGE LCS, their errors, and the OBJECT ENCODING each
 * leaves behind. Expectations were checked against Valkey 8.1.1 (and Redis 7.0 where not marked).
 */

import assert from "node:assert/strict";
import { startServer, target, valkeyOnly } from "../../helpers/server.ts";
import { RawConn, RespError } from "../../helpers/raw.ts";
import { assertError, flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();

/** Whether the server has lists (to build keys of another type for WRONGTYPE cases). */
const hasLists = await (async () => {
  const c = await RawConn.connect(srv.port);
  try {
    const r = await c.call("LPUSH", "probe:list", "x");
    await c.call("DEL", "probe:list");
    return !(r instanceof RespError);
  } finally {
    c.close();
  }
})();

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT = "ERR value is not an integer or out of range";
const SYNTAX = "ERR syntax error";

const test = flushedTest(srv);

async function encoding(c: RawConn, key: string): Promise<unknown> {
  return await c.call("OBJECT", "ENCODING", key);
}

async function ttlIn(c: RawConn, key: string, lo: number, hi: number): Promise<void> {
  const ttl = await c.call("TTL", key) as number;
  assert.ok(ttl >= lo && ttl <= hi, `TTL ${ttl} not in [${lo}, ${hi}]`);
}

const bytes = (...a: number[]) => new Uint8Array(a);

/** A bulk reply as a plain Uint8Array (RawConn hands out Buffers). */
async function getBytes(c: RawConn, ...args: (string | number | Uint8Array)[]): Promise<Uint8Array> {
  const r = await c.callBytes(...args);
  assert.ok(r instanceof Uint8Array, `expected a bulk string, got ${String(r)}`);
  return new Uint8Array(r);
}

// ---- GET / SET --------------------------------------------------------------------------------------------

test("SET and GET an item", async (c) => {
  assert.equal(await c.call("SET", "x", "foobar"), "OK");
  assert.equal(await c.call("GET", "x"), "foobar");
});

test("SET and GET an empty item", async (c) => {
  assert.equal(await c.call("SET", "x", ""), "OK");
  assert.equal(await c.call("GET", "x"), "");
  assert.equal(await c.call("STRLEN", "x"), 0);
});

test("GET of a missing key is a null bulk", async (c) => {
  c.send("*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n");
  assert.equal(await c.readRaw(5), "$-1\r\n");
});

test("SET and GET keep every byte value of a binary payload", async (c) => {
  const all = new Uint8Array(256).map((_, i) => i);
  assert.equal(await c.call("SET", all, all), "OK");
  assert.deepEqual(await getBytes(c, "GET", all), all);
});

test("a 1 MB payload round-trips and can be read back in slices", async (c) => {
  const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 7 + 3) & 0xff);
  assert.equal(await c.call("SET", "big", big), "OK");
  assert.deepEqual(await getBytes(c, "GET", "big"), big);
  assert.equal(await c.call("STRLEN", "big"), big.length);
  assert.deepEqual(await getBytes(c, "GETRANGE", "big", 500000, 500009), big.subarray(500000, 500010));
});

test("GET against a key of another type is WRONGTYPE", async (c) => {
  await c.call("LPUSH", "l", "a");
  assertError(await c.call("GET", "l"), WRONGTYPE);
}, { ignore: !hasLists });

test("SET overwrites a key of another type", async (c) => {
  await c.call("LPUSH", "l", "a");
  assert.equal(await c.call("SET", "l", "v"), "OK");
  assert.equal(await c.call("GET", "l"), "v");
}, { ignore: !hasLists });

test("SET with a wrong number of arguments is an arity error", async (c) => {
  assertError(await c.call("SET", "k"), "ERR wrong number of arguments for 'set' command");
  assertError(await c.call("GET"), "ERR wrong number of arguments for 'get' command");
  assertError(await c.call("GET", "a", "b"), "ERR wrong number of arguments for 'get' command");
});

test("extended SET detects syntax errors and conflicting options", async (c) => {
  for (
    const args of [
      ["non-existing-option"],
      ["NX", "XX"],
      ["XX", "NX"],
      ["EX", "10", "PX", "100"],
      ["PX", "100", "EXAT", "100"],
      ["EXAT", "1", "PXAT", "1"],
      ["KEEPTTL", "EX", "10"],
      ["EX", "10", "KEEPTTL"],
      ["EX"],
      ["PX"],
      ["EXAT"],
      ["PXAT"],
      ["PERSIST"],
      ["GET", "extra"],
      ["NX", "10"],
    ]
  ) {
    assertError(await c.call("SET", "foo", "bar", ...args), SYNTAX);
  }
  assert.equal(await c.call("EXISTS", "foo"), 0);
});

// Valkyr loads the conditional-SET module by default; tests/unit/type/set_ifeq_test.ts checks IFEQ with the
// module unloaded (`--builtin-modules none`) and loaded.
test("SET IFEQ is a syntax error before Valkey 8.1", async (c) => {
  await c.call("SET", "foo", "v");
  assertError(await c.call("SET", "foo", "new", "IFEQ", "v"), SYNTAX);
  assert.equal(await c.call("GET", "foo"), "v");
}, { ignore: target() !== "redis" });

test("SET options may repeat and are case-insensitive", async (c) => {
  assert.equal(await c.call("SET", "foo", "1", "nx", "NX"), "OK");
  assert.equal(await c.call("SET", "foo", "2", "xX", "Xx"), "OK");
  assert.equal(await c.call("SET", "foo", "3", "ex", "10", "EX", "100"), "OK");
  await ttlIn(c, "foo", 90, 100);
  assert.equal(await c.call("SET", "foo", "4", "keepttl", "KEEPTTL"), "OK");
  await ttlIn(c, "foo", 90, 100);
  assert.equal(await c.call("SET", "foo", "5", "GET", "get"), "4");
  assert.equal(await c.call("TTL", "foo"), -1);
});

test("SET reads an option word as a C string, up to a NUL byte", async (c) => {
  assert.equal(await c.call("SET", "foo", "1"), "OK");
  assert.equal(await c.call("SET", "foo", "2", new Uint8Array([0x4e, 0x58, 0x00, 0x41])), null);
  assert.equal(await c.call("GET", "foo"), "1");
});

test("SET NX sets only a missing key", async (c) => {
  assert.equal(await c.call("SET", "foo", "1", "NX"), "OK");
  assert.equal(await c.call("SET", "foo", "2", "NX"), null);
  assert.equal(await c.call("GET", "foo"), "1");
});

test("SET XX sets only an existing key", async (c) => {
  assert.equal(await c.call("SET", "foo", "1", "XX"), null);
  assert.equal(await c.call("EXISTS", "foo"), 0);
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("SET", "foo", "2", "XX"), "OK");
  assert.equal(await c.call("GET", "foo"), "2");
});

test("SET GET replies the previous value", async (c) => {
  assert.equal(await c.call("SET", "foo", "bar", "GET"), null);
  assert.equal(await c.call("SET", "foo", "bar2", "GET"), "bar");
  assert.equal(await c.call("GET", "foo"), "bar2");
});

test("SET GET with XX and NX replies the previous value whether or not it writes", async (c) => {
  assert.equal(await c.call("SET", "foo", "bar", "GET", "XX"), null);
  assert.equal(await c.call("EXISTS", "foo"), 0);
  assert.equal(await c.call("SET", "foo", "bar", "GET", "NX"), null);
  assert.equal(await c.call("GET", "foo"), "bar");
  assert.equal(await c.call("SET", "foo", "baz", "NX", "GET"), "bar");
  assert.equal(await c.call("GET", "foo"), "bar");
  assert.equal(await c.call("SET", "foo", "baz", "GET", "XX"), "bar");
  assert.equal(await c.call("GET", "foo"), "baz");
});

test("SET GET on a key of another type is WRONGTYPE and writes nothing", async (c) => {
  await c.call("RPUSH", "foo", "waffle");
  assertError(await c.call("SET", "foo", "bar", "GET"), WRONGTYPE);
  assert.equal(await c.call("TYPE", "foo"), "list");
}, { ignore: !hasLists });

test("SET EX and PX set a relative TTL", async (c) => {
  await c.call("SET", "foo", "bar", "EX", "10");
  await ttlIn(c, "foo", 9, 10);
  await c.call("SET", "foo", "bar", "PX", "10000");
  const pttl = await c.call("PTTL", "foo") as number;
  assert.ok(pttl > 9000 && pttl <= 10000, String(pttl));
  assert.equal(await c.call("SET", "foo", "bar", "XX", "PX", "10000"), "OK");
  await ttlIn(c, "foo", 9, 10);
});

test("SET EXAT and PXAT set an absolute TTL", async (c) => {
  const now = Date.now();
  await c.call("SET", "foo", "bar", "EXAT", String(Math.floor(now / 1000) + 100));
  await ttlIn(c, "foo", 98, 100);
  await c.call("SET", "foo", "bar", "PXAT", String(now + 50000));
  await ttlIn(c, "foo", 48, 50);
});

test("SET without KEEPTTL drops the TTL and with KEEPTTL keeps it", async (c) => {
  await c.call("SET", "foo", "bar", "EX", "100");
  await c.call("SET", "foo", "baz", "KEEPTTL");
  await ttlIn(c, "foo", 98, 100);
  assert.equal(await c.call("GET", "foo"), "baz");
  await c.call("SET", "foo", "qux");
  assert.equal(await c.call("TTL", "foo"), -1);
  assert.equal(await c.call("SET", "new", "v", "KEEPTTL"), "OK");
  assert.equal(await c.call("TTL", "new"), -1);
});

test("SET EXAT or PXAT in the past deletes the key and still replies OK", async (c) => {
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("SET", "foo", "bar", "EXAT", String(Math.floor(Date.now() / 1000) - 100)), "OK");
  assert.equal(await c.call("EXISTS", "foo"), 0);
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("SET", "foo", "new", "PXAT", String(Date.now() - 10000), "GET"), "bar");
  assert.equal(await c.call("EXISTS", "foo"), 0);
  assert.equal(await c.call("SET", "foo", "bar", "PXAT", "1"), "OK");
  assert.equal(await c.call("EXISTS", "foo"), 0);
  assert.equal(await c.call("DBSIZE"), 0);
});

test("SET rejects invalid expire times with the command's name", async (c) => {
  const invalid = "ERR invalid expire time in 'set' command";
  assertError(await c.call("SET", "foo", "bar", "EX", "0"), invalid);
  assertError(await c.call("SET", "foo", "bar", "EX", "-10"), invalid);
  assertError(await c.call("SET", "foo", "bar", "PX", "0"), invalid);
  assertError(await c.call("SET", "foo", "bar", "EXAT", "0"), invalid);
  assertError(await c.call("SET", "foo", "bar", "PXAT", "-1"), invalid);
  // Multiplying or adding the current time would overflow int64.
  assertError(await c.call("SET", "foo", "bar", "EX", "9223372036854775"), invalid);
  assertError(await c.call("SET", "foo", "bar", "EX", "9223372036854776"), invalid);
  assertError(await c.call("SET", "foo", "bar", "PX", "9223372036854775807"), invalid);
  assertError(await c.call("SET", "foo", "bar", "EXAT", "9223372036854776"), invalid);
  assertError(await c.call("SET", "foo", "bar", "EX", "abc"), NOT_INT);
  assertError(await c.call("SET", "foo", "bar", "EX", "1.5"), NOT_INT);
  assertError(await c.call("SET", "foo", "bar", "PX", "9223372036854775808"), NOT_INT);
  assert.equal(await c.call("EXISTS", "foo"), 0);
});

test("SET accepts the largest absolute expire times", async (c) => {
  assert.equal(await c.call("SET", "foo", "bar", "EXAT", "9223372036854775"), "OK");
  assert.ok((await c.call("PTTL", "foo") as bigint) > 9000000000000000000n);
  assert.equal(await c.call("SET", "foo", "bar", "PXAT", "9223372036854775807"), "OK");
  assert.ok((await c.call("PTTL", "foo") as bigint) > 9000000000000000000n);
});

test("SET validates the expire time before GET replies", async (c) => {
  await c.call("SET", "foo", "old");
  assertError(
    await c.call("SET", "foo", "new", "GET", "EX", "0"),
    "ERR invalid expire time in 'set' command",
  );
  assert.equal(await c.call("GET", "foo"), "old");
});

test("an expired key reads as missing and SET NX can take its place", async (c) => {
  await c.call("SET", "foo", "bar", "PX", "1");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await c.call("GET", "foo"), null);
  await c.call("SET", "x", "10", "PX", "1");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await c.call("SETNX", "x", "20"), 1);
  assert.equal(await c.call("GET", "x"), "20");
});

// ---- SETNX / SETEX / PSETEX -------------------------------------------------------------------------------

test("SETNX sets a missing key and leaves an existing one", async (c) => {
  assert.equal(await c.call("SETNX", "novar", "foobared"), 1);
  assert.equal(await c.call("GET", "novar"), "foobared");
  assert.equal(await c.call("SETNX", "novar", "blabla"), 0);
  assert.equal(await c.call("GET", "novar"), "foobared");
  await c.call("EXPIRE", "novar", "10000");
  assert.equal(await c.call("SETNX", "novar", "x"), 0);
});

test("SETEX and PSETEX set a value with a TTL", async (c) => {
  assert.equal(await c.call("SETEX", "foo", "100", "bar"), "OK");
  assert.equal(await c.call("GET", "foo"), "bar");
  await ttlIn(c, "foo", 98, 100);
  assert.equal(await c.call("PSETEX", "foo", "50000", "baz"), "OK");
  assert.equal(await c.call("GET", "foo"), "baz");
  await ttlIn(c, "foo", 48, 50);
});

test("SETEX and PSETEX reject bad expire times naming themselves", async (c) => {
  assertError(await c.call("SETEX", "foo", "0", "bar"), "ERR invalid expire time in 'setex' command");
  assertError(await c.call("SETEX", "foo", "-10", "bar"), "ERR invalid expire time in 'setex' command");
  assertError(await c.call("PSETEX", "foo", "0", "bar"), "ERR invalid expire time in 'psetex' command");
  assertError(await c.call("PSETEX", "foo", "-1", "bar"), "ERR invalid expire time in 'psetex' command");
  assertError(await c.call("SETEX", "foo", "ten", "bar"), NOT_INT);
  assertError(
    await c.call("SETEX", "foo", "9223372036854775", "bar"),
    "ERR invalid expire time in 'setex' command",
  );
  assertError(await c.call("SETEX", "foo", "10"), "ERR wrong number of arguments for 'setex' command");
  assert.equal(await c.call("EXISTS", "foo"), 0);
});

// ---- MGET / MSET / MSETNX ---------------------------------------------------------------------------------

test("MGET replies values in order with nulls for missing keys", async (c) => {
  await c.call("MSET", "foo{t}", "BAR", "bar{t}", "FOO");
  assert.deepEqual(await c.call("MGET", "foo{t}", "bar{t}", "x{t}", "foo{t}"), ["BAR", "FOO", null, "BAR"]);
  c.send("*2\r\n$4\r\nMGET\r\n$1\r\nq\r\n");
  assert.equal(await c.readRaw(9), "*1\r\n$-1\r\n");
});

test("MGET reads a key of another type as null", async (c) => {
  await c.call("SET", "foo", "BAR");
  await c.call("SADD", "myset", "ciao");
  await c.call("LPUSH", "mylist", "ciao");
  assert.deepEqual(await c.call("MGET", "foo", "myset", "mylist"), ["BAR", null, null]);
}, { ignore: !hasLists });

test("MSET sets every pair, the last one winning for a repeated key", async (c) => {
  assert.equal(await c.call("MSET", "x{t}", "10", "y{t}", "foo bar", "z{t}", "x x x x x x x\n\n\r\n"), "OK");
  assert.deepEqual(await c.call("MGET", "x{t}", "y{t}", "z{t}"), ["10", "foo bar", "x x x x x x x\n\n\r\n"]);
  assert.equal(await c.call("MSET", "x{t}", "a", "x{t}", "b"), "OK");
  assert.equal(await c.call("GET", "x{t}"), "b");
});

test("MSET drops the TTL of the keys it overwrites", async (c) => {
  await c.call("SET", "a", "1", "EX", "100");
  await c.call("MSET", "a", "2", "b", "3");
  assert.equal(await c.call("TTL", "a"), -1);
});

test("MSET and MSETNX with an odd number of arguments are arity errors", async (c) => {
  assertError(
    await c.call("MSET", "x", "10", "y", "foo bar", "z"),
    "ERR wrong number of arguments for 'mset' command",
  );
  assertError(
    await c.call("MSETNX", "x", "20", "y", "foo bar", "z"),
    "ERR wrong number of arguments for 'msetnx' command",
  );
  assertError(await c.call("MSET", "x"), "ERR wrong number of arguments for 'mset' command");
  assert.equal(await c.call("EXISTS", "x"), 0);
});

test("MSETNX sets all keys only when none exists", async (c) => {
  assert.equal(await c.call("MSETNX", "x1{t}", "xxx", "y2{t}", "yyy"), 1);
  assert.deepEqual(await c.call("MGET", "x1{t}", "y2{t}"), ["xxx", "yyy"]);
  assert.equal(await c.call("MSETNX", "x1{t}", "zzz", "y3{t}", "yyy"), 0);
  assert.deepEqual(await c.call("MGET", "x1{t}", "y3{t}"), ["xxx", null]);
});

test("MSETNX with the same missing key twice sets the last value", async (c) => {
  assert.equal(await c.call("MSETNX", "x1{t}", "xxx", "x1{t}", "yyy"), 1);
  assert.equal(await c.call("GET", "x1{t}"), "yyy");
  assert.equal(await c.call("MSETNX", "x1{t}", "aaa", "x1{t}", "bbb"), 0);
  assert.equal(await c.call("GET", "x1{t}"), "yyy");
});

// ---- GETSET / GETDEL / GETEX ------------------------------------------------------------------------------

test("GETSET replies the old value and stores the new one", async (c) => {
  assert.equal(await c.call("GETSET", "foo", "xyz"), null);
  assert.equal(await c.call("GET", "foo"), "xyz");
  await c.call("SET", "foo", "bar", "EX", "100");
  assert.equal(await c.call("GETSET", "foo", "xyz"), "bar");
  assert.equal(await c.call("GET", "foo"), "xyz");
  assert.equal(await c.call("TTL", "foo"), -1, "GETSET drops the TTL");
});

test("GETSET and GETDEL on a key of another type are WRONGTYPE", async (c) => {
  await c.call("LPUSH", "l", "a");
  assertError(await c.call("GETSET", "l", "v"), WRONGTYPE);
  assertError(await c.call("GETDEL", "l"), WRONGTYPE);
  assert.equal(await c.call("TYPE", "l"), "list");
}, { ignore: !hasLists });

test("GETDEL replies the value and deletes the key", async (c) => {
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("GETDEL", "foo"), "bar");
  assert.equal(await c.call("GETDEL", "foo"), null);
  assert.equal(await c.call("EXISTS", "foo"), 0);
});

test("GETEX without options behaves like GET", async (c) => {
  await c.call("SET", "foo", "bar", "EX", "100");
  assert.equal(await c.call("GETEX", "foo"), "bar");
  await ttlIn(c, "foo", 98, 100);
  assert.equal(await c.call("GETEX", "missing"), null);
});

test("GETEX EX, PX, EXAT and PXAT set the TTL", async (c) => {
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("GETEX", "foo", "EX", "10"), "bar");
  await ttlIn(c, "foo", 9, 10);
  assert.equal(await c.call("GETEX", "foo", "px", "20000"), "bar");
  await ttlIn(c, "foo", 19, 20);
  assert.equal(await c.call("GETEX", "foo", "EXAT", String(Math.floor(Date.now() / 1000) + 30)), "bar");
  await ttlIn(c, "foo", 28, 30);
  assert.equal(await c.call("GETEX", "foo", "PXAT", String(Date.now() + 40000)), "bar");
  await ttlIn(c, "foo", 38, 40);
});

test("GETEX PERSIST removes the TTL", async (c) => {
  await c.call("SET", "foo", "bar", "EX", "10");
  assert.equal(await c.call("GETEX", "foo", "PERSIST"), "bar");
  assert.equal(await c.call("TTL", "foo"), -1);
  assert.equal(await c.call("GETEX", "foo", "persist", "PERSIST"), "bar");
});

test("GETEX EXAT in the past replies the value and deletes the key", async (c) => {
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("GETEX", "foo", "EXAT", "1"), "bar");
  assert.equal(await c.call("EXISTS", "foo"), 0);
});

test("GETEX rejects unknown and conflicting options", async (c) => {
  await c.call("SET", "foo", "bar");
  for (
    const args of [
      ["non-existent-option"],
      ["NX"],
      ["XX"],
      ["GET"],
      ["KEEPTTL"],
      ["EX", "10", "PERSIST"],
      ["PERSIST", "PX", "10"],
      ["EX", "10", "PX", "10"],
      ["EXAT", "10", "PXAT", "10"],
      ["EX"],
    ]
  ) {
    assertError(await c.call("GETEX", "foo", ...args), SYNTAX);
  }
  assertError(await c.call("GETEX"), "ERR wrong number of arguments for 'getex' command");
});

test("GETEX checks the expire time only for an existing key", async (c) => {
  assert.equal(await c.call("GETEX", "missing", "EX", "abc"), null);
  assert.equal(await c.call("GETEX", "missing", "EX", "0"), null);
  await c.call("SET", "foo", "bar");
  assertError(await c.call("GETEX", "foo", "EX", "abc"), NOT_INT);
  assertError(await c.call("GETEX", "foo", "EX", "0"), "ERR invalid expire time in 'getex' command");
  assertError(await c.call("GETEX", "foo", "PX", "-5"), "ERR invalid expire time in 'getex' command");
  assert.equal(await c.call("TTL", "foo"), -1);
});

test("GETEX on a key of another type is WRONGTYPE", async (c) => {
  await c.call("LPUSH", "l", "a");
  assertError(await c.call("GETEX", "l", "EX", "10"), WRONGTYPE);
}, { ignore: !hasLists });

test("GETEX on an expired key replies null", async (c) => {
  await c.call("SET", "foo", "bar", "PX", "1");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await c.call("GETEX", "foo"), null);
  assert.equal(await c.call("GET", "foo"), null);
});

// ---- STRLEN / APPEND --------------------------------------------------------------------------------------

test("STRLEN of missing, integer and plain strings", async (c) => {
  assert.equal(await c.call("STRLEN", "notakey"), 0);
  await c.call("SET", "myinteger", "-555");
  assert.equal(await c.call("STRLEN", "myinteger"), 4);
  await c.call("SET", "mystring", "foozzz0123456789 baz");
  assert.equal(await c.call("STRLEN", "mystring"), 20);
});

test("STRLEN and APPEND on a key of another type are WRONGTYPE", async (c) => {
  await c.call("LPUSH", "l", "a");
  assertError(await c.call("STRLEN", "l"), WRONGTYPE);
  assertError(await c.call("APPEND", "l", "x"), WRONGTYPE);
}, { ignore: !hasLists });

test("APPEND creates and extends strings and replies the length", async (c) => {
  assert.equal(await c.call("APPEND", "foo", "bar"), 3);
  assert.equal(await c.call("APPEND", "foo", "100"), 6);
  assert.equal(await c.call("GET", "foo"), "bar100");
  assert.equal(await c.call("APPEND", "foo", ""), 6);
  assert.equal(await c.call("APPEND", "empty", ""), 0);
  assert.equal(await c.call("EXISTS", "empty"), 1, "APPEND of nothing still creates the key");
});

test("APPEND keeps the TTL", async (c) => {
  await c.call("SET", "foo", "bar", "EX", "100");
  await c.call("APPEND", "foo", "baz");
  await ttlIn(c, "foo", 98, 100);
});

test("APPEND fuzzing builds the same string as local concatenation", async (c) => {
  let expected = "";
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const piece = String.fromCharCode(...new Array(seed % 20).fill(0).map((_, k) => 97 + ((seed >> k) % 26)));
    expected += piece;
    assert.equal(await c.call("APPEND", "x", piece), expected.length);
  }
  assert.equal(await c.call("GET", "x"), expected);
});

test("APPEND and SETRANGE refuse strings beyond proto-max-bulk-len", async (c) => {
  await c.call("CONFIG", "SET", "proto-max-bulk-len", "1mb");
  try {
    const half = new Uint8Array(600 * 1024).fill(65);
    await c.call("SET", "foo", half);
    assertError(
      await c.call("APPEND", "foo", half),
      "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
    );
    assert.equal(await c.call("STRLEN", "foo"), half.length);
    assertError(
      await c.call("SETRANGE", "foo", 1024 * 1024 - 2, "abc"),
      "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
    );
    assertError(
      await c.call("SETRANGE", "new", 1024 * 1024, "a"),
      "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
    );
    assert.equal(await c.call("SETRANGE", "new", 1024 * 1024 - 1, "a"), 1024 * 1024);
  } finally {
    await c.call("CONFIG", "SET", "proto-max-bulk-len", "512mb");
  }
});

// ---- GETRANGE / SUBSTR / SETRANGE -------------------------------------------------------------------------

test("GETRANGE of a missing key is an empty string", async (c) => {
  c.send("*4\r\n$8\r\nGETRANGE\r\n$5\r\nmykey\r\n$1\r\n0\r\n$2\r\n-1\r\n");
  assert.equal(await c.readRaw(6), "$0\r\n\r\n");
});

test("GETRANGE against a plain string", async (c) => {
  await c.call("SET", "mykey", "Hello World");
  assert.equal(await c.call("GETRANGE", "mykey", "0", "3"), "Hell");
  assert.equal(await c.call("GETRANGE", "mykey", "0", "-1"), "Hello World");
  assert.equal(await c.call("GETRANGE", "mykey", "-4", "-1"), "orld");
  assert.equal(await c.call("GETRANGE", "mykey", "5", "3"), "");
  assert.equal(await c.call("GETRANGE", "mykey", "5", "5000"), " World");
  assert.equal(await c.call("GETRANGE", "mykey", "-5000", "10000"), "Hello World");
  assert.equal(await c.call("GETRANGE", "mykey", "-1", "-5"), "");
  assert.equal(await c.call("GETRANGE", "mykey", "-50", "-20"), "H");
  assert.equal(await c.call("GETRANGE", "mykey", "20", "30"), "");
});

test("GETRANGE against an integer-encoded value", async (c) => {
  await c.call("SET", "mykey", "1234");
  assert.equal(await c.call("GETRANGE", "mykey", "0", "2"), "123");
  assert.equal(await c.call("GETRANGE", "mykey", "0", "-1"), "1234");
  assert.equal(await c.call("GETRANGE", "mykey", "-3", "-1"), "234");
  assert.equal(await c.call("GETRANGE", "mykey", "5", "3"), "");
  assert.equal(await c.call("GETRANGE", "mykey", "3", "5000"), "4");
  assert.equal(await c.call("GETRANGE", "mykey", "-5000", "10000"), "1234");
});

test("GETRANGE with int64-sized indexes", async (c) => {
  await c.call("SET", "foo", "bar");
  assert.equal(await c.call("GETRANGE", "foo", "0", "4294967297"), "bar");
  assert.equal(await c.call("GETRANGE", "foo", "0", "9223372036854775807"), "bar");
  assert.equal(await c.call("GETRANGE", "foo", "-9223372036854775808", "-9223372036854775807"), "b");
  assert.equal(await c.call("GETRANGE", "foo", "-1152921504606846976", "-1152921504606846977"), "");
  assert.equal(await c.call("GETRANGE", "foo", "9223372036854775807", "-9223372036854775808"), "");
  assertError(await c.call("GETRANGE", "foo", "0", "9223372036854775808"), NOT_INT);
  assertError(await c.call("GETRANGE", "foo", "a", "1"), NOT_INT);
  assertError(await c.call("GETRANGE", "missing", "1", "b"), NOT_INT);
});

test("GETRANGE on an empty string is empty", async (c) => {
  await c.call("SET", "e", "");
  assert.equal(await c.call("GETRANGE", "e", "0", "-1"), "");
  assert.equal(await c.call("GETRANGE", "e", "-1", "0"), "");
});

test("GETRANGE fuzzing matches local slicing", async (c) => {
  let seed = 99;
  const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  const value = new Uint8Array(300).map(() => rand(256));
  await c.call("SET", "bin", value);
  for (let i = 0; i < 200; i++) {
    const start = rand(700) - 350;
    const end = rand(700) - 350;
    let s = start < 0 ? value.length + start : start;
    let e = end < 0 ? value.length + end : end;
    if (s < 0) s = 0;
    if (e < 0) e = 0;
    if (e >= value.length) e = value.length - 1;
    const expected = (start < 0 && end < 0 && start > end) || s > e
      ? new Uint8Array(0)
      : value.subarray(s, e + 1);
    assert.deepEqual(await getBytes(c, "GETRANGE", "bin", start, end), expected, `${start} ${end}`);
  }
});

test("SUBSTR is GETRANGE", async (c) => {
  await c.call("SET", "key", "abcde");
  assert.equal(await c.call("SUBSTR", "key", "0", "0"), "a");
  assert.equal(await c.call("SUBSTR", "key", "0", "3"), "abcd");
  assert.equal(await c.call("SUBSTR", "key", "-4", "-1"), "bcde");
  assert.equal(await c.call("SUBSTR", "key", "-1", "-3"), "");
  assert.equal(await c.call("SUBSTR", "key", "7", "8"), "");
  assert.equal(await c.call("SUBSTR", "nokey", "0", "1"), "");
  assertError(await c.call("SUBSTR", "key", "0"), "ERR wrong number of arguments for 'substr' command");
});

test("GETRANGE on a key of another type is WRONGTYPE", async (c) => {
  await c.call("LPUSH", "lkey1", "list");
  assertError(await c.call("GETRANGE", "lkey1", "0", "-1"), WRONGTYPE);
  assertError(await c.call("SETRANGE", "lkey1", "0", "bar"), WRONGTYPE);
}, { ignore: !hasLists });

test("SETRANGE against a missing key", async (c) => {
  assert.equal(await c.call("SETRANGE", "mykey", "0", "foo"), 3);
  assert.equal(await c.call("GET", "mykey"), "foo");
  await c.call("DEL", "mykey");
  assert.equal(await c.call("SETRANGE", "mykey", "0", ""), 0);
  assert.equal(await c.call("EXISTS", "mykey"), 0);
  assert.equal(await c.call("SETRANGE", "mykey", "1", "foo"), 4);
  assert.deepEqual(await getBytes(c, "GET", "mykey"), bytes(0, 102, 111, 111));
});

test("SETRANGE against an existing string", async (c) => {
  await c.call("SET", "mykey", "foo");
  assert.equal(await c.call("SETRANGE", "mykey", "0", "b"), 3);
  assert.equal(await c.call("GET", "mykey"), "boo");
  assert.equal(await c.call("SETRANGE", "mykey", "0", ""), 3);
  assert.equal(await c.call("GET", "mykey"), "boo");
  assert.equal(await c.call("SETRANGE", "mykey", "1", "b"), 3);
  assert.equal(await c.call("GET", "mykey"), "bbo");
  assert.equal(await c.call("SETRANGE", "mykey", "4", "bar"), 7);
  assert.deepEqual(await getBytes(c, "GET", "mykey"), bytes(98, 98, 111, 0, 98, 97, 114));
});

test("SETRANGE against an integer-encoded value changes it to raw", async (c) => {
  await c.call("SET", "mykey", "1234");
  assert.equal(await encoding(c, "mykey"), "int");
  assert.equal(await c.call("SETRANGE", "mykey", "0", ""), 4);
  assert.equal(await encoding(c, "mykey"), "int", "writing nothing keeps the encoding");
  assert.equal(await c.call("SETRANGE", "mykey", "0", "2"), 4);
  assert.equal(await encoding(c, "mykey"), "raw");
  assert.equal(await c.call("GET", "mykey"), "2234");
  await c.call("SET", "mykey", "1234");
  assert.equal(await c.call("SETRANGE", "mykey", "5", "2"), 6);
  assert.deepEqual(await getBytes(c, "GET", "mykey"), bytes(49, 50, 51, 52, 0, 50));
});

test("SETRANGE keeps the TTL", async (c) => {
  await c.call("SET", "foo", "bar", "EX", "100");
  await c.call("SETRANGE", "foo", "1", "xyz");
  await ttlIn(c, "foo", 98, 100);
  assert.equal(await c.call("GET", "foo"), "bxyz");
});

test("SETRANGE offset errors", async (c) => {
  await c.call("SET", "mykey", "hello");
  assertError(await c.call("SETRANGE", "mykey", "-1", "world"), "ERR offset is out of range");
  assertError(await c.call("SETRANGE", "mykey", "abc", "world"), NOT_INT);
  assertError(
    await c.call("SETRANGE", "mykey", String(512 * 1024 * 1024 - 4), "world"),
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
  );
  assertError(
    await c.call("SETRANGE", "K", "9223372036854775807", "A"),
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
  );
  assertError(await c.call("SETRANGE", "K", "-9223372036854775808", "A"), "ERR offset is out of range");
  assert.equal(await c.call("SETRANGE", "K", "9223372036854775807", ""), 0);
  assert.equal(await c.call("EXISTS", "K"), 0);
});

// ---- LCS --------------------------------------------------------------------------------------------------

// Valkey 8.1.1's answers for the dna() pair (its tie rule decides which subsequence is reported).
const EXPECTED_DNA_LCS =
  "ACCGCCCCATCGCTCAGAGAACTCACCCATTGAAGTCAAACATAGCGGCTAGGAGGTCTTAGGGCCTTGCACTTCTACCCATTGAAGGTGCGCAGTGAACCACACCATAGCC";
const EXPECTED_DNA_MATCHES = [[[77, 87], [78, 88], 11], [[41, 76], [41, 76], 36], [[25, 40], [24, 39], 16]];
const EXPECTED_DNA_ALL = [
  [[115, 119], [116, 120], 5],
  [[108, 114], [108, 114], 7],
  [[99, 106], [100, 107], 8],
  [[96, 98], [95, 97], 3],
  [[90, 94], [90, 94], 5],
  [[77, 87], [78, 88], 11],
  [[41, 76], [41, 76], 36],
  [[25, 40], [24, 39], 16],
  [[20, 23], [20, 23], 4],
  [[12, 19], [11, 18], 8],
  [[3, 10], [2, 9], 8],
  [[2, 2], [0, 0], 1],
];

/** Deterministic pseudo-DNA strings (related, so they share long runs). */
function dna(): [string, string] {
  let seed = 2024;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
  let a = "";
  for (let i = 0; i < 120; i++) a += "ACGT"[next() & 3];
  let b = "";
  for (let i = 0; i < a.length; i++) {
    const r = next() % 20;
    if (r === 0) continue; // deletion
    if (r === 1) b += "ACGT"[next() & 3]; // insertion
    b += r === 2 ? "ACGT"[next() & 3] : a[i];
  }
  return [a, b];
}

test("LCS replies the documented subsequence, length and ranges", async (c) => {
  await c.call("MSET", "key1{t}", "ohmytext", "key2{t}", "mynewtext");
  assert.equal(await c.call("LCS", "key1{t}", "key2{t}"), "mytext");
  assert.equal(await c.call("LCS", "key1{t}", "key2{t}", "LEN"), 6);
  assert.deepEqual(await c.call("LCS", "key1{t}", "key2{t}", "IDX"), [
    "matches",
    [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
    "len",
    6,
  ]);
  assert.deepEqual(await c.call("LCS", "key1{t}", "key2{t}", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"), [
    "matches",
    [[[4, 7], [5, 8], 4]],
    "len",
    6,
  ]);
});

test("LCS IDX is a map in RESP3", async (c) => {
  await c.call("HELLO", "3");
  await c.call("MSET", "key1{t}", "ohmytext", "key2{t}", "mynewtext");
  const r = await c.call("LCS", "key1{t}", "key2{t}", "IDX", "WITHMATCHLEN");
  assert.ok(r instanceof Map);
  assert.equal(r.get("len"), 6);
  assert.deepEqual(r.get("matches"), [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]]);
});

test("LCS of related strings picks Valkey's subsequence and ranges", async (c) => {
  const [a, b] = dna();
  await c.call("MSET", "v1{t}", a, "v2{t}", b);
  assert.equal(await c.call("LCS", "v1{t}", "v2{t}"), EXPECTED_DNA_LCS);
  assert.equal(await c.call("LCS", "v1{t}", "v2{t}", "LEN"), EXPECTED_DNA_LCS.length);
  assert.deepEqual(await c.call("LCS", "v1{t}", "v2{t}", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "9"), [
    "matches",
    EXPECTED_DNA_MATCHES,
    "len",
    EXPECTED_DNA_LCS.length,
  ]);
  assert.deepEqual(await c.call("LCS", "v1{t}", "v2{t}", "IDX", "WITHMATCHLEN"), [
    "matches",
    EXPECTED_DNA_ALL,
    "len",
    EXPECTED_DNA_LCS.length,
  ]);
});

test("LCS treats missing keys as empty strings", async (c) => {
  await c.call("SET", "a", "abc");
  assert.equal(await c.call("LCS", "a", "nokey"), "");
  assert.equal(await c.call("LCS", "nokey1", "nokey2", "LEN"), 0);
  assert.deepEqual(await c.call("LCS", "nokey1", "nokey2", "IDX"), ["matches", [], "len", 0]);
});

test("LCS option errors", async (c) => {
  await c.call("MSET", "a", "abc", "b", "abd");
  assertError(
    await c.call("LCS", "a", "b", "LEN", "IDX"),
    "ERR If you want both the length and indexes, please just use IDX.",
  );
  assertError(await c.call("LCS", "a", "b", "foo"), SYNTAX);
  assertError(await c.call("LCS", "a", "b", "MINMATCHLEN"), SYNTAX);
  assertError(await c.call("LCS", "a", "b", "MINMATCHLEN", "x"), NOT_INT);
  assertError(await c.call("LCS", "a", "b", "MINMATCHLEN", "x", "LEN", "IDX"), NOT_INT);
  assertError(await c.call("LCS", "a"), "ERR wrong number of arguments for 'lcs' command");
  assert.deepEqual(await c.call("LCS", "a", "b", "IDX", "MINMATCHLEN", "-5"), [
    "matches",
    [[[0, 1], [0, 1]]],
    "len",
    2,
  ]);
  assert.equal(await c.call("LCS", "a", "b", "len", "LEN", "withmatchlen"), 2);
});

test("LCS on a key of another type is an error before any option check", async (c) => {
  await c.call("LPUSH", "l", "a");
  await c.call("SET", "s", "abc");
  assertError(await c.call("LCS", "l", "s"), "ERR The specified keys must contain string values");
  assertError(await c.call("LCS", "s", "l", "bogus"), "ERR The specified keys must contain string values");
}, { ignore: !hasLists });

test("LCS refuses a table larger than proto-max-bulk-len", async (c) => {
  await c.call("CONFIG", "SET", "proto-max-bulk-len", "1mb");
  try {
    await c.call("SET", "la", "a".repeat(600));
    await c.call("SET", "lb", "a".repeat(600));
    assertError(
      await c.call("LCS", "la", "lb", "LEN"),
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
    await c.call("SET", "lb", "a".repeat(400));
    assert.equal(await c.call("LCS", "la", "lb", "LEN"), 400);
  } finally {
    await c.call("CONFIG", "SET", "proto-max-bulk-len", "512mb");
  }
});

// ---- OBJECT ENCODING --------------------------------------------------------------------------------------

test("values are int, embstr or raw encoded as Valkey stores them", async (c) => {
  await c.call("SET", "i", "12345");
  assert.equal(await encoding(c, "i"), "int");
  await c.call("SET", "i", "-9223372036854775808");
  assert.equal(await encoding(c, "i"), "int");
  await c.call("SET", "i", "9223372036854775808");
  assert.equal(await encoding(c, "i"), "embstr");
  await c.call("SET", "i", "012");
  assert.equal(await encoding(c, "i"), "embstr");
  await c.call("SET", "s", "x".repeat(100));
  assert.equal(await encoding(c, "s"), "raw");
  await c.call("SET", "foo", "1");
  assert.equal(await encoding(c, "foo"), "int");
  assert.equal(await c.call("APPEND", "foo", "2"), 2);
  assert.equal(await c.call("GET", "foo"), "12");
  assert.equal(await encoding(c, "foo"), "raw");
  await c.call("SET", "bar", "12");
  assert.equal(await encoding(c, "bar"), "int");
  await c.call("APPEND", "new", "42");
  assert.equal(await encoding(c, "new"), "int");
  await c.call("SETRANGE", "sr", "0", "42");
  assert.equal(await encoding(c, "sr"), "raw");
  await c.call("MSET", "m1", "7", "m2", "seven");
  assert.deepEqual([await encoding(c, "m1"), await encoding(c, "m2")], ["int", "embstr"]);
  await c.call("GETSET", "m2", "8");
  assert.equal(await encoding(c, "m2"), "int");
});

test("an embstr value is embedded with its key: it must fit 64 bytes with the key and a TTL", async (c) => {
  await c.call("SET", "foo", "a".repeat(38));
  assert.equal(await encoding(c, "foo"), "embstr");
  await c.call("SET", "foo", "a".repeat(39));
  assert.equal(await encoding(c, "foo"), "raw");
  await c.call("SET", "k".repeat(21), "a".repeat(20));
  assert.equal(await encoding(c, "k".repeat(21)), "embstr");
  await c.call("SET", "k".repeat(21), "a".repeat(21));
  assert.equal(await encoding(c, "k".repeat(21)), "raw");
  await c.call("DEL", "foo");
  await c.call("SET", "foo", "a".repeat(30), "EX", "100");
  assert.equal(await encoding(c, "foo"), "embstr");
  await c.call("SET", "foo", "a".repeat(31), "EX", "100");
  assert.equal(await encoding(c, "foo"), "raw");
  // Overwriting a volatile key embeds the new value with the old TTL: a 35-byte value no longer fits.
  await c.call("SET", "foo", "a".repeat(35));
  assert.equal(await encoding(c, "foo"), "raw");
  await c.call("SET", "foo", "a".repeat(35));
  assert.equal(await encoding(c, "foo"), "embstr");
  // Giving a TTL re-embeds: if the value no longer fits it becomes raw, and stays raw.
  assert.equal(await c.call("GETEX", "foo", "EX", "100"), "a".repeat(35));
  assert.equal(await encoding(c, "foo"), "raw");
  await c.call("GETEX", "foo", "PERSIST");
  assert.equal(await encoding(c, "foo"), "raw");
}, valkeyOnly());

test("an embstr value whose allocation has room for the expire field stays embstr with a TTL", async (c) => {
  // Keys of 32+ bytes have a 3-byte sds header: an estimate of 63-64 bytes is really 65-66, which jemalloc
  // rounds to 80, leaving room for the expire field.
  const k37 = "k".repeat(37);
  await c.call("SET", k37, "abcd", "EX", "100");
  assert.equal(await encoding(c, k37), "embstr");
  await c.call("SET", k37, "abcde", "EX", "100");
  assert.equal(await encoding(c, k37), "raw", "embedded with the old TTL: too big");
  await c.call("DEL", k37);
  await c.call("SET", k37, "abcde", "EX", "100");
  assert.equal(await encoding(c, k37), "raw", "over 64 bytes even without the field");
  await c.call("SET", k37, "1.5x");
  assert.equal(await c.call("EXPIRE", k37, "100"), 1);
  assert.equal(await encoding(c, k37), "raw", "the old TTL was attached while embedding");
  await c.call("SET", k37, "1.5x");
  assert.equal(await encoding(c, k37), "raw", "still embedded with the TTL EXPIRE gave");
  await c.call("DEL", k37);
  await c.call("SET", k37, "1.5x");
  assert.equal(await c.call("GETEX", k37, "EX", "100"), "1.5x");
  assert.equal(await encoding(c, k37), "embstr");
  const k31 = "k".repeat(31);
  await c.call("SET", k31, "abcdefghij");
  await c.call("GETEX", k31, "PX", "100000");
  assert.equal(await encoding(c, k31), "raw", "a 1-byte key header leaves no spare field");
  const k32 = "k".repeat(32);
  await c.call("SET", k32, "abcdefghi");
  await c.call("GETEX", k32, "PX", "100000");
  assert.equal(await encoding(c, k32), "embstr");
}, valkeyOnly());

test("INCRBYFLOAT results are embstr even when they look like integers", async (c) => {
  assert.equal(await c.call("INCRBYFLOAT", "f", "3"), "3");
  assert.equal(await encoding(c, "f"), "embstr");
  await c.call("SET", "n", "5");
  await c.call("INCR", "n");
  assert.equal(await encoding(c, "n"), "int");
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
