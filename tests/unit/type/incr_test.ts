/**
 * INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT over TCP: int64 arithmetic and its limits, parsing of the stored
 * value and of the increment, long double formatting, TTL and encoding after the write, and every error.
 * Expectations were checked against Valkey 8.1.1 and Redis 7.0.
 */

import assert from "node:assert/strict";
import { startServer } from "../../helpers/server.ts";
import { RawConn, RespError } from "../../helpers/raw.ts";
import { assertError, flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();

const hasLists = await (async () => {
  const c = await RawConn.connect(srv.port);
  try {
    const r = await c.call("RPUSH", "probe:list", "x");
    await c.call("DEL", "probe:list");
    return !(r instanceof RespError);
  } finally {
    c.close();
  }
})();

const NOT_INT = "ERR value is not an integer or out of range";
const NOT_FLOAT = "ERR value is not a valid float";
const OVERFLOW = "ERR increment or decrement would overflow";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

const test = flushedTest(srv);

test("INCR against a missing key creates it at 1", async (c) => {
  assert.equal(await c.call("INCR", "novar"), 1);
  assert.equal(await c.call("GET", "novar"), "1");
  assert.equal(await c.call("INCR", "novar"), 2);
  assert.equal(await c.call("DECR", "novar"), 1);
  assert.equal(await c.call("DECR", "other"), -1);
  assert.equal(await c.call("INCR", "other"), 0);
  c.send("*2\r\n$4\r\nINCR\r\n$5\r\nother\r\n");
  assert.equal(await c.readRaw(4), ":1\r\n");
});

test("INCR against a key set with SET and over 32 bits", async (c) => {
  await c.call("SET", "novar", "100");
  assert.equal(await c.call("INCR", "novar"), 101);
  await c.call("SET", "novar", "17179869184");
  assert.equal(await c.call("INCR", "novar"), 17179869185);
  await c.call("SET", "novar", "17179869184");
  assert.equal(await c.call("INCRBY", "novar", "17179869184"), 34359738368);
  await c.call("SET", "novar", "17179869184");
  assert.equal(await c.call("DECRBY", "novar", "17179869185"), -1);
  assert.equal(await c.call("DECRBY", "missing", "1"), -1);
});

test("INCRBY and DECRBY beyond 2^53 stay exact", async (c) => {
  await c.call("SET", "n", "9007199254740993");
  assert.equal(await c.call("INCR", "n"), 9007199254740994n);
  assert.equal(await c.call("GET", "n"), "9007199254740994");
  assert.equal(await c.call("INCRBY", "n", "-9007199254740994"), 0);
  assert.equal(await c.call("INCRBY", "n", "9223372036854775807"), 9223372036854775807n);
  assert.equal(await c.call("DECRBY", "n", "9223372036854775807"), 0);
  assert.equal(await c.call("DECRBY", "n", "9223372036854775807"), -9223372036854775807n);
  assert.equal(await c.call("DECR", "n"), -9223372036854775808n);
  assert.equal(await c.call("GET", "n"), "-9223372036854775808");
});

test("INCR and DECR fail at the int64 limits without changing the value", async (c) => {
  await c.call("SET", "max", "9223372036854775807");
  assertError(await c.call("INCR", "max"), OVERFLOW);
  assertError(await c.call("INCRBY", "max", "1"), OVERFLOW);
  assertError(await c.call("DECRBY", "max", "-1"), OVERFLOW);
  assert.equal(await c.call("GET", "max"), "9223372036854775807");
  await c.call("SET", "min", "-9223372036854775808");
  assertError(await c.call("DECR", "min"), OVERFLOW);
  assertError(await c.call("INCRBY", "min", "-9223372036854775808"), OVERFLOW);
  assert.equal(await c.call("INCRBY", "min", "9223372036854775807"), -1);
  await c.call("SET", "x", "1");
  assertError(await c.call("INCRBY", "x", "9223372036854775807"), OVERFLOW);
  assert.equal(await c.call("INCRBY", "x", "9223372036854775806"), 9223372036854775807n);
});

test("DECRBY of INT64_MIN cannot be negated", async (c) => {
  await c.call("SET", "x", "0");
  assertError(await c.call("DECRBY", "x", "-9223372036854775808"), "ERR decrement would overflow");
  assertError(await c.call("DECRBY", "missing", "-9223372036854775808"), "ERR decrement would overflow");
  assert.equal(await c.call("EXISTS", "missing"), 0);
});

test("INCR fails against values that are not strict integers", async (c) => {
  for (
    const v of ["    11", "11    ", " 11 ", "1.5", "abc", "", "+1", "01", "-0", "9223372036854775808", "1e3"]
  ) {
    await c.call("SET", "novar", v);
    assertError(await c.call("INCR", "novar"), NOT_INT);
    assert.equal(await c.call("GET", "novar"), v);
  }
});

test("INCRBY and DECRBY reject increments that are not int64", async (c) => {
  assertError(await c.call("INCRBY", "k", "v"), NOT_INT);
  assertError(await c.call("INCRBY", "k", "1.5"), NOT_INT);
  assertError(await c.call("INCRBY", "k", "9223372036854775808"), NOT_INT);
  assertError(await c.call("DECRBY", "k", "v"), NOT_INT);
  assertError(await c.call("DECRBY", "k", "1.5"), NOT_INT);
  assertError(await c.call("INCR", "k", "v"), "ERR wrong number of arguments for 'incr' command");
  assertError(await c.call("DECR", "k", "v"), "ERR wrong number of arguments for 'decr' command");
  assertError(await c.call("INCRBY", "k"), "ERR wrong number of arguments for 'incrby' command");
  assert.equal(await c.call("EXISTS", "k"), 0);
});

test("INCR on a key of another type is WRONGTYPE", async (c) => {
  await c.call("RPUSH", "mylist", "1");
  assertError(await c.call("INCR", "mylist"), WRONGTYPE);
  assertError(await c.call("DECRBY", "mylist", "1"), WRONGTYPE);
  assertError(await c.call("INCRBYFLOAT", "mylist", "1.0"), WRONGTYPE);
  assert.equal(await c.call("RPOP", "mylist"), "1");
}, { ignore: !hasLists });

test("INCR keeps the TTL of the key", async (c) => {
  await c.call("SET", "foo", "1", "EX", "100");
  await c.call("INCR", "foo");
  await c.call("INCRBYFLOAT", "foo", "0.5");
  const ttl = await c.call("TTL", "foo") as number;
  assert.ok(ttl >= 98 && ttl <= 100, String(ttl));
  assert.equal(await c.call("GET", "foo"), "2.5");
});

for (const cmd of ["INCR", "DECR", "INCRBY", "DECRBY"]) {
  test(`${cmd} turns a raw-encoded number back into int`, async (c) => {
    await c.call("SET", "foo", "1");
    assert.equal(await c.call("OBJECT", "ENCODING", "foo"), "int");
    await c.call("APPEND", "foo", "2");
    assert.equal(await c.call("OBJECT", "ENCODING", "foo"), "raw");
    const r = cmd.endsWith("BY") ? await c.call(cmd, "foo", "1") : await c.call(cmd, "foo");
    assert.equal(r, cmd.startsWith("INCR") ? 13 : 11);
    assert.equal(await c.call("OBJECT", "ENCODING", "foo"), "int");
  });
}

test("INCRBYFLOAT against a missing key and a key set with SET", async (c) => {
  assert.equal(await c.call("INCRBYFLOAT", "novar", "1"), "1");
  assert.equal(await c.call("INCRBYFLOAT", "novar", "0.25"), "1.25");
  assert.equal(await c.call("GET", "novar"), "1.25");
  await c.call("SET", "novar", "1.5");
  assert.equal(await c.call("INCRBYFLOAT", "novar", "1.5"), "3");
  await c.call("SET", "novar", "17179869184");
  assert.equal(await c.call("INCRBYFLOAT", "novar", "1.5"), "17179869185.5");
  await c.call("SET", "novar", "17179869184");
  assert.equal(await c.call("INCRBYFLOAT", "novar", "17179869184"), "34359738368");
});

test("INCRBYFLOAT formats results as long doubles without exponent", async (c) => {
  assert.equal(await c.call("INCRBYFLOAT", "a", "0.1"), "0.1");
  assert.equal(await c.call("INCRBYFLOAT", "a", "0.2"), "0.3");
  await c.call("SET", "b", "10.5");
  assert.equal(await c.call("INCRBYFLOAT", "b", "0.1"), "10.6");
  assert.equal(await c.call("INCRBYFLOAT", "c", "3.0e3"), "3000");
  assert.equal(await c.call("INCRBYFLOAT", "c", "2.0e2"), "3200");
  assert.equal(await c.call("INCRBYFLOAT", "d", "5.0e3"), "5000");
  await c.call("SET", "e", "1");
  assert.equal(await c.call("INCRBYFLOAT", "e", "-1.1"), "-0.1");
  assert.equal(await c.call("INCRBYFLOAT", "f", "1e-5"), "0.00001");
  assert.equal(await c.call("INCRBYFLOAT", "g", "1e20"), "100000000000000000000");
  assert.equal(await c.call("INCRBYFLOAT", "h", "0x10"), "16");
  assert.equal(await c.call("INCRBYFLOAT", "i", "1.23456789012345678901234"), "1.23456789012345679");
});

test("INCRBYFLOAT never produces negative zero", async (c) => {
  await c.call("INCRBYFLOAT", "foo", String(1 / 41));
  assert.equal(await c.call("INCRBYFLOAT", "foo", String(-1 / 41)), "0");
  assert.equal(await c.call("GET", "foo"), "0");
  assert.equal(await c.call("INCRBYFLOAT", "z", "-0"), "0");
});

test("INCRBYFLOAT fails against values that are not valid floats", async (c) => {
  for (const v of ["    11", "11    ", " 11 ", "abc", "", "1.5.5", "nan"]) {
    await c.call("SET", "novar", v);
    assertError(await c.call("INCRBYFLOAT", "novar", "1.0"), NOT_FLOAT);
  }
  await c.call("SET", "foo", "1");
  await c.call("SETRANGE", "foo", "2", "2");
  assertError(await c.call("INCRBYFLOAT", "foo", "1"), NOT_FLOAT);
  assertError(await c.call("INCRBYFLOAT", "missing", "v"), NOT_FLOAT);
  assertError(await c.call("INCRBYFLOAT", "missing", "nan"), NOT_FLOAT);
  assertError(await c.call("INCRBYFLOAT", "missing", ""), NOT_FLOAT);
  assertError(await c.call("INCRBYFLOAT", "missing", " 1"), NOT_FLOAT);
  assert.equal(await c.call("EXISTS", "missing"), 0);
});

test("INCRBYFLOAT checks the stored value before the increment", async (c) => {
  await c.call("SET", "foo", "abc");
  assertError(await c.call("INCRBYFLOAT", "foo", "xyz"), NOT_FLOAT);
});

test("INCRBYFLOAT does not allow NaN or Infinity", async (c) => {
  await c.call("SET", "foo", "0");
  assertError(await c.call("INCRBYFLOAT", "foo", "+inf"), "ERR increment would produce NaN or Infinity");
  assertError(await c.call("INCRBYFLOAT", "foo", "-inf"), "ERR increment would produce NaN or Infinity");
  await c.call("SET", "big", "1e4932");
  assertError(await c.call("INCRBYFLOAT", "big", "1e4932"), "ERR increment would produce NaN or Infinity");
  assert.equal(await c.call("GET", "foo"), "0");
});

test("INCRBYFLOAT with a wrong number of arguments is an arity error", async (c) => {
  assertError(await c.call("INCRBYFLOAT", "k"), "ERR wrong number of arguments for 'incrbyfloat' command");
  assertError(
    await c.call("INCRBYFLOAT", "k", "1", "2"),
    "ERR wrong number of arguments for 'incrbyfloat' command",
  );
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
