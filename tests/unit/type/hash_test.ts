/**
 * Hash commands over TCP: HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY
 * HINCRBYFLOAT HRANDFIELD HSCAN, their errors, RESP3 reply types, keyspace events and the listpack →
 * hashtable conversions. Expectations were checked against Valkey 8.1.1 (and Redis 7.0 where not marked).
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../../helpers/server.ts";
import { RawConn } from "../../helpers/raw.ts";
import { assertError, connTest } from "../../helpers/suite.ts";
import { Valkey } from "iovalkey";

const srv = await startServer();

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT = "ERR value is not an integer or out of range";
const SYNTAX = "ERR syntax error";

const test = connTest(srv, {
  before: async (c) => {
    await c.call("FLUSHALL");
    await c.call("CONFIG", "SET", "hash-max-listpack-entries", "128");
    await c.call("CONFIG", "SET", "hash-max-listpack-value", "64");
  },
});

const sorted = (v: unknown): string[] => (v as string[]).slice().sort();

test("HSET creates a hash, counts only new fields and HGET reads them back", async (c) => {
  assert.equal(await c.call("HSET", "h", "a", "1", "b", "2"), 2);
  assert.equal(await c.call("HSET", "h", "a", "10", "c", "3"), 1);
  assert.equal(await c.call("HGET", "h", "a"), "10");
  assert.equal(await c.call("HGET", "h", "nope"), null);
  assert.equal(await c.call("HGET", "nokey", "a"), null);
  assert.equal(await c.call("HLEN", "h"), 3);
  assert.equal(await c.call("TYPE", "h"), "hash");
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpack");
});

test("HSET and HMSET with an odd number of arguments reply the arity error", async (c) => {
  assertError(await c.call("HSET", "h", "a"), "ERR wrong number of arguments for 'hset' command");
  assertError(await c.call("HSET", "h", "a", "1", "b"), "ERR wrong number of arguments for 'hset' command");
  assertError(await c.call("HMSET", "h", "a", "1", "b"), "ERR wrong number of arguments for 'hmset' command");
  assert.equal(await c.call("EXISTS", "h"), 0);
});

test("HMSET replies OK and HMGET returns nulls for missing fields and keys", async (c) => {
  assert.equal(await c.call("HMSET", "h", "a", "1", "b", "2"), "OK");
  assert.deepEqual(await c.call("HMGET", "h", "a", "x", "b"), ["1", null, "2"]);
  assert.deepEqual(await c.call("HMGET", "nokey", "a", "b"), [null, null]);
});

test("HSETNX sets only absent fields", async (c) => {
  assert.equal(await c.call("HSETNX", "h", "a", "1"), 1);
  assert.equal(await c.call("HSETNX", "h", "a", "2"), 0);
  assert.equal(await c.call("HGET", "h", "a"), "1");
});

test("HDEL removes fields, counts them and deletes the emptied key", async (c) => {
  await c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
  assert.equal(await c.call("HDEL", "h", "a", "a", "x"), 1);
  assert.equal(await c.call("HDEL", "nokey", "a"), 0);
  assert.equal(await c.call("HDEL", "h", "b", "c", "d"), 2);
  assert.equal(await c.call("EXISTS", "h"), 0);
});

test("HLEN HSTRLEN HEXISTS answer for present and absent keys and fields", async (c) => {
  await c.call("HSET", "h", "a", "hello", "n", "-123", "z", "");
  assert.equal(await c.call("HSTRLEN", "h", "a"), 5);
  assert.equal(await c.call("HSTRLEN", "h", "n"), 4);
  assert.equal(await c.call("HSTRLEN", "h", "z"), 0);
  assert.equal(await c.call("HSTRLEN", "h", "x"), 0);
  assert.equal(await c.call("HSTRLEN", "nokey", "x"), 0);
  assert.equal(await c.call("HEXISTS", "h", "a"), 1);
  assert.equal(await c.call("HEXISTS", "h", "x"), 0);
  assert.equal(await c.call("HEXISTS", "nokey", "a"), 0);
  assert.equal(await c.call("HLEN", "nokey"), 0);
});

test("HKEYS HVALS HGETALL return every field and value, empty for a missing key", async (c) => {
  await c.call("HSET", "h", "a", "1", "b", "2");
  assert.deepEqual(sorted(await c.call("HKEYS", "h")), ["a", "b"]);
  assert.deepEqual(sorted(await c.call("HVALS", "h")), ["1", "2"]);
  const all = await c.call("HGETALL", "h") as string[];
  const m = new Map<string, string>();
  for (let i = 0; i < all.length; i += 2) m.set(all[i]!, all[i + 1]!);
  assert.deepEqual(m, new Map([["a", "1"], ["b", "2"]]));
  assert.deepEqual(await c.call("HGETALL", "nokey"), []);
  assert.deepEqual(await c.call("HKEYS", "nokey"), []);
});

test("HGETALL replies a RESP3 map, and %0 for a missing key", async (c) => {
  await c.call("HELLO", "3");
  await c.call("HSET", "h", "a", "1");
  assert.deepEqual(await c.call("HGETALL", "h"), new Map([["a", "1"]]));
  await c.call("DEL", "h");
  c.send("*2\r\n$7\r\nHGETALL\r\n$1\r\nh\r\n");
  assert.equal(await c.readRaw(4), "%0\r\n");
  c.send("*2\r\n$5\r\nHKEYS\r\n$1\r\nh\r\n");
  assert.equal(await c.readRaw(4), "*0\r\n");
});

test("every hash command replies WRONGTYPE on a string key", async (c) => {
  await c.call("SET", "s", "x");
  const cmds: (string | number)[][] = [
    ["HSET", "s", "a", "1"],
    ["HMSET", "s", "a", "1"],
    ["HSETNX", "s", "a", "1"],
    ["HGET", "s", "a"],
    ["HMGET", "s", "a"],
    ["HDEL", "s", "a"],
    ["HLEN", "s"],
    ["HSTRLEN", "s", "a"],
    ["HEXISTS", "s", "a"],
    ["HKEYS", "s"],
    ["HVALS", "s"],
    ["HGETALL", "s"],
    ["HINCRBY", "s", "a", "1"],
    ["HINCRBYFLOAT", "s", "a", "1"],
    ["HRANDFIELD", "s"],
    ["HRANDFIELD", "s", "2"],
    ["HSCAN", "s", "0"],
  ];
  for (const cmd of cmds) assertError(await c.call(...cmd), WRONGTYPE);
});

test("wrong arities are refused", async (c) => {
  for (const cmd of [["HGET", "h"], ["HSETNX", "h", "a"], ["HLEN"], ["HINCRBY", "h", "a"], ["HSCAN", "h"]]) {
    assertError(await c.call(...cmd), `ERR wrong number of arguments for '${cmd[0]!.toLowerCase()}' command`);
  }
});

test("HINCRBY adds to integers, creates fields and keys, and refuses bad values", async (c) => {
  assert.equal(await c.call("HINCRBY", "h", "n", "5"), 5);
  assert.equal(await c.call("HINCRBY", "h", "n", "-7"), -2);
  await c.call("HSET", "h", "s", "abc", "sp", " 1", "big", "17179869184");
  assert.equal(await c.call("HINCRBY", "h", "big", "1"), 17179869185);
  assertError(await c.call("HINCRBY", "h", "s", "1"), "ERR hash value is not an integer");
  assertError(await c.call("HINCRBY", "h", "sp", "1"), "ERR hash value is not an integer");
  assertError(await c.call("HINCRBY", "h", "n", "x"), NOT_INT);
  assertError(await c.call("HINCRBY", "h", "n", "9223372036854775808"), NOT_INT);
  assertError(await c.call("HINCRBY", "nokey", "n", "1.5"), NOT_INT);
  assert.equal(await c.call("EXISTS", "nokey"), 0);
  await c.call("HSET", "h", "m", "9223372036854775807");
  assertError(await c.call("HINCRBY", "h", "m", "1"), "ERR increment or decrement would overflow");
  await c.call("HSET", "h", "m", "-9223372036854775484");
  assert.equal(await c.call("HINCRBY", "h", "m", "-1"), -9223372036854775485n);
  assertError(await c.call("HINCRBY", "h", "m", "-10000"), "ERR increment or decrement would overflow");
});

test("HINCRBYFLOAT adds in long double precision and refuses NaN and infinities", async (c) => {
  assert.equal(await c.call("HINCRBYFLOAT", "h", "f", "10.5"), "10.5");
  assert.equal(await c.call("HINCRBYFLOAT", "h", "f", "0.1"), "10.6");
  assert.equal(await c.call("HINCRBYFLOAT", "h", "f", "-10.6"), "0");
  assert.equal(await c.call("HINCRBYFLOAT", "h", "e", "5.0e3"), "5000");
  assert.equal(await c.call("HINCRBYFLOAT", "h", "i", "3"), "3");
  await c.call("HSET", "h", "s", "abc", "inf", "inf");
  assertError(await c.call("HINCRBYFLOAT", "h", "s", "1"), "ERR hash value is not a float");
  assertError(await c.call("HINCRBYFLOAT", "h", "f", "abc"), "ERR value is not a valid float");
  assertError(await c.call("HINCRBYFLOAT", "h", "f", "inf"), "ERR value is NaN or Infinity");
  assertError(await c.call("HINCRBYFLOAT", "h", "inf", "1"), "ERR increment would produce NaN or Infinity");
  assertError(await c.call("HINCRBYFLOAT", "nokey", "f", "nan"), "ERR value is not a valid float");
  assert.equal(await c.call("EXISTS", "nokey"), 0);
});

test("HRANDFIELD without count returns a field, or null", async (c) => {
  assert.equal(await c.call("HRANDFIELD", "nokey"), null);
  await c.call("HSET", "h", "a", "1", "b", "2");
  assert.ok(["a", "b"].includes(await c.call("HRANDFIELD", "h") as string));
});

for (const big of [false, true]) {
  test(`HRANDFIELD with counts on a ${big ? "hashtable" : "listpack"} hash`, async (c) => {
    const n = big ? 200 : 10;
    const args: string[] = [];
    for (let i = 0; i < n; i++) args.push(`f${i}`, `v${i}`);
    await c.call("HSET", "h", ...args);
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), big ? "hashtable" : "listpack");
    assert.deepEqual(await c.call("HRANDFIELD", "h", "0"), []);
    assert.deepEqual(await c.call("HRANDFIELD", "nokey", "5"), []);
    // Positive count: distinct fields, at most the hash size.
    const five = await c.call("HRANDFIELD", "h", "5") as string[];
    assert.equal(new Set(five).size, 5);
    const most = await c.call("HRANDFIELD", "h", String(n - 1)) as string[];
    assert.equal(new Set(most).size, n - 1);
    const all = await c.call("HRANDFIELD", "h", String(n + 5)) as string[];
    assert.equal(new Set(all).size, n);
    // Negative count: exactly |count| fields, repetitions allowed.
    const rep = await c.call("HRANDFIELD", "h", String(-3 * n)) as string[];
    assert.equal(rep.length, 3 * n);
    for (const f of rep) assert.match(f, /^f\d+$/);
    // WITHVALUES: a flat array in RESP2, pairs match.
    const wv = await c.call("HRANDFIELD", "h", "-4", "WITHVALUES") as string[];
    assert.equal(wv.length, 8);
    for (let i = 0; i < 8; i += 2) assert.equal(wv[i + 1], "v" + wv[i]!.slice(1));
    const wv2 = await c.call("HRANDFIELD", "h", "3", "withvalues") as string[];
    assert.equal(wv2.length, 6);
    // RESP3: nested pairs.
    await c.call("HELLO", "3");
    const r3 = await c.call("HRANDFIELD", "h", "2", "WITHVALUES") as string[][];
    assert.equal(r3.length, 2);
    for (const [f, v] of r3) assert.equal(v, "v" + f!.slice(1));
    const r3n = await c.call("HRANDFIELD", "h", "-2", "WITHVALUES") as string[][];
    assert.equal(r3n.length, 2);
    assert.equal(r3n[0]!.length, 2);
  });
}

test("HRANDFIELD argument errors", async (c) => {
  await c.call("HSET", "h", "a", "1");
  assertError(await c.call("HRANDFIELD", "h", "x"), NOT_INT);
  assertError(await c.call("HRANDFIELD", "h", "1", "WITHVALUE"), SYNTAX);
  assertError(await c.call("HRANDFIELD", "h", "1", "WITHVALUES", "x"), SYNTAX);
  assertError(
    await c.call("HRANDFIELD", "h", "-9223372036854770000", "WITHVALUES"),
    "ERR value is out of range",
  );
  assertError(
    await c.call("HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"),
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  );
  // The count is checked before the key.
  await c.call("SET", "s", "x");
  assertError(await c.call("HRANDFIELD", "s", "x"), NOT_INT);
});

test("HSCAN returns a listpack hash whole, with MATCH, COUNT and NOVALUES", async (c) => {
  await c.call("HSET", "h", "a1", "1", "a2", "2", "b1", "3");
  const [cur, items] = await c.call("HSCAN", "h", "0") as [string, string[]];
  assert.equal(cur, "0");
  assert.equal(items.length, 6);
  assert.deepEqual(await c.call("HSCAN", "h", "0", "MATCH", "a*", "NOVALUES"), ["0", ["a1", "a2"]]);
  assert.deepEqual(await c.call("HSCAN", "h", "0", "MATCH", "b*"), ["0", ["b1", "3"]]);
  assert.deepEqual(await c.call("HSCAN", "nokey", "0"), ["0", []]);
  // Options are read after the lookup: a missing key ignores them; the cursor is parsed first.
  assert.deepEqual(await c.call("HSCAN", "nokey", "0", "BAD"), ["0", []]);
  assertError(await c.call("HSCAN", "h", "x"), "ERR invalid cursor");
  assertError(await c.call("HSCAN", "h", "0", "COUNT", "0"), SYNTAX);
  assertError(await c.call("HSCAN", "h", "0", "COUNT", "x"), NOT_INT);
  assertError(await c.call("HSCAN", "h", "0", "BAD"), SYNTAX);
}, valkeyOnly());

test("HSCAN iterates a hashtable hash with a cursor", async (c) => {
  const args: string[] = [];
  for (let i = 0; i < 500; i++) args.push(`f${i}`, `v${i}`);
  await c.call("HSET", "h", ...args);
  const seen = new Map<string, string>();
  let cursor = "0";
  let calls = 0;
  do {
    const [next, items] = await c.call("HSCAN", "h", cursor, "COUNT", "50") as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    cursor = next;
    calls++;
  } while (cursor !== "0");
  assert.equal(seen.size, 500);
  assert.ok(calls > 2);
  assert.equal(seen.get("f42"), "v42");
  const keys = new Set<string>();
  cursor = "0";
  do {
    const [next, items] = await c.call("HSCAN", "h", cursor, "MATCH", "f1*", "NOVALUES") as [
      string,
      string[],
    ];
    for (const k of items) keys.add(k);
    cursor = next;
  } while (cursor !== "0");
  assert.equal(keys.size, 111);
}, valkeyOnly());

test("a hash converts to hashtable past hash-max-listpack-entries", async (c) => {
  await c.call("CONFIG", "SET", "hash-max-listpack-entries", "4");
  await c.call("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4");
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpack");
  await c.call("HSET", "h", "e", "5");
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "hashtable");
  // More pairs than the limit in one command convert before inserting.
  await c.call("HSET", "h2", "a", "1", "b", "2", "c", "3", "d", "4", "a", "5");
  assert.equal(await c.call("OBJECT", "ENCODING", "h2"), "hashtable");
  assert.equal(await c.call("HLEN", "h2"), 4);
  // HINCRBY on a new field past the limit converts too; the hashtable never goes back.
  await c.call("HSET", "h3", "a", "1", "b", "2", "c", "3", "d", "4");
  await c.call("HINCRBY", "h3", "e", "1");
  assert.equal(await c.call("OBJECT", "ENCODING", "h3"), "hashtable");
  await c.call("HDEL", "h3", "a", "b", "c", "d");
  assert.equal(await c.call("OBJECT", "ENCODING", "h3"), "hashtable");
}, valkeyOnly());

test("a hash converts to hashtable for a field or value longer than hash-max-listpack-value", async (c) => {
  await c.call("CONFIG", "SET", "hash-max-listpack-value", "8");
  await c.call("HSET", "h", "a", "12345678");
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "listpack");
  await c.call("HSET", "h", "b", "123456789");
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "hashtable");
  await c.call("HSET", "h2", "123456789", "a");
  assert.equal(await c.call("OBJECT", "ENCODING", "h2"), "hashtable");
  await c.call("HSETNX", "h3", "a", "123456789");
  assert.equal(await c.call("OBJECT", "ENCODING", "h3"), "hashtable");
  await c.call("HINCRBYFLOAT", "h4", "a", "1.00000001");
  assert.equal(await c.call("OBJECT", "ENCODING", "h4"), "hashtable");
  assert.equal(await c.call("HGET", "h4", "a"), "1.00000001");
});

test("integer-looking values keep their exact text in both encodings", async (c) => {
  const vals = [
    "0",
    "-0",
    "007",
    "127",
    "-4096",
    "32768",
    "-2147483649",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "+5",
    " 5",
  ];
  for (const enc of ["listpack", "hashtable"]) {
    await c.call("DEL", "h");
    if (enc === "hashtable") await c.call("HSET", "h", "long", "x".repeat(100));
    for (const [i, v] of vals.entries()) await c.call("HSET", "h", `f${i}`, v);
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), enc);
    assert.deepEqual(await c.call("HMGET", "h", ...vals.map((_, i) => `f${i}`)), vals);
    for (const [i, v] of vals.entries()) assert.equal(await c.call("HSTRLEN", "h", `f${i}`), v.length);
    // Fields that look like integers are found by their text.
    await c.call("HSET", "h", "100", "x");
    assert.equal(await c.call("HEXISTS", "h", "0100"), 0);
    assert.equal(await c.call("HGET", "h", "100"), "x");
  }
});

test("binary-safe fields and values", async (c) => {
  const f = new Uint8Array([0, 255, 13, 10, 0]);
  const v = new Uint8Array([1, 2, 0, 3]);
  assert.equal(await c.call("HSET", "h", f, v), 1);
  const got = await c.callBytes("HGET", "h", f) as Uint8Array;
  assert.deepEqual([...got], [...v]);
});

test("hash writes emit the keyspace events Valkey emits", async (c) => {
  await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn");
  const sub = await RawConn.connect(srv.port);
  try {
    await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
    await c.call("HSET", "h", "a", "1");
    await c.call("HSETNX", "h", "a", "1");
    await c.call("HINCRBY", "h", "n", "1");
    await c.call("HINCRBYFLOAT", "h", "n", "1.5");
    await c.call("HDEL", "h", "zz");
    await c.call("HDEL", "h", "a", "n");
    const events: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await sub.read() as unknown[];
      events.push(String(m[3]));
    }
    assert.deepEqual(events, ["new", "hset", "hincrby", "hincrbyfloat", "hdel", "del"]);
  } finally {
    sub.close();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
  }
}, valkeyOnly());

test("a big hash stays consistent through many updates and deletes", async (c) => {
  const model = new Map<string, string>();
  const batch: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const k = `k${i % 700}`;
    const v = "x".repeat(i % 37);
    model.set(k, v);
    batch.push(k, v);
  }
  await c.call("HSET", "h", ...batch);
  const del: string[] = [];
  for (let i = 0; i < 700; i += 3) {
    del.push(`k${i}`);
    model.delete(`k${i}`);
  }
  assert.equal(await c.call("HDEL", "h", ...del), del.length);
  assert.equal(await c.call("HLEN", "h"), model.size);
  const all = await c.call("HGETALL", "h") as string[];
  const got = new Map<string, string>();
  for (let i = 0; i < all.length; i += 2) got.set(all[i]!, all[i + 1]!);
  assert.deepEqual(got, model);
});

test("COPY duplicates a hash of either encoding independently", async (c) => {
  for (const n of [3, 300]) {
    await c.call("DEL", "h", "h2");
    const args: string[] = [];
    for (let i = 0; i < n; i++) args.push(`f${i}`, `v${i}`);
    await c.call("HSET", "h", ...args);
    assert.equal(await c.call("COPY", "h", "h2"), 1);
    assert.equal(await c.call("OBJECT", "ENCODING", "h2"), n > 128 ? "hashtable" : "listpack");
    await c.call("HSET", "h", "f0", "changed");
    assert.equal(await c.call("HGET", "h2", "f0"), "v0");
    assert.equal(await c.call("HLEN", "h2"), n);
    assert.ok((await c.call("MEMORY", "USAGE", "h2") as number) > n * 4);
  }
});

test("HSET on an expired key starts a new hash", async (c) => {
  await c.call("HSET", "h", "old", "1");
  await c.call("PEXPIRE", "h", "1");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await c.call("HSET", "h", "new", "2"), 1);
  assert.deepEqual(await c.call("HKEYS", "h"), ["new"]);
  assert.equal(await c.call("TTL", "h"), -1);
});

Deno.test({
  name: "iovalkey reads hashes as objects",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const client = new Valkey({ port: srv.port, host: "127.0.0.1", lazyConnect: true });
    try {
      await client.connect();
      await client.del("io:h");
      await client.hset("io:h", { a: "1", b: "2" });
      assert.deepEqual(await client.hgetall("io:h"), { a: "1", b: "2" });
      assert.equal(await client.hincrby("io:h", "a", 41), 42);
      await client.del("io:h");
    } finally {
      client.disconnect();
    }
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
