/**
 * Set commands over TCP: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SPOP SRANDMEMBER SMOVE SINTER
 * SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN, their errors, RESP3 set replies,
 * keyspace events and the intset / listpack / hashtable encodings. Expectations were checked against
 * Valkey 8.1.1 (and Redis 7.0 where not marked).
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
    await c.call("CONFIG", "SET", "set-max-intset-entries", "512");
    await c.call("CONFIG", "SET", "set-max-listpack-entries", "128");
    await c.call("CONFIG", "SET", "set-max-listpack-value", "64");
  },
});

const sorted = (v: unknown): string[] => (v as string[]).map(String).sort();
const enc = (c: RawConn, k: string) => c.call("OBJECT", "ENCODING", k);

test("SADD adds members, counts new ones, and SMEMBERS SCARD SISMEMBER read them", async (c) => {
  assert.equal(await c.call("SADD", "s", "a", "b", "a"), 2);
  assert.equal(await c.call("SADD", "s", "b", "c"), 1);
  assert.deepEqual(sorted(await c.call("SMEMBERS", "s")), ["a", "b", "c"]);
  assert.equal(await c.call("SCARD", "s"), 3);
  assert.equal(await c.call("SCARD", "nokey"), 0);
  assert.equal(await c.call("SISMEMBER", "s", "a"), 1);
  assert.equal(await c.call("SISMEMBER", "s", "z"), 0);
  assert.equal(await c.call("SISMEMBER", "nokey", "a"), 0);
  assert.deepEqual(await c.call("SMISMEMBER", "s", "a", "z", "c"), [1, 0, 1]);
  assert.deepEqual(await c.call("SMISMEMBER", "nokey", "a", "b"), [0, 0]);
  assert.deepEqual(await c.call("SMEMBERS", "nokey"), []);
  assert.equal(await c.call("TYPE", "s"), "set");
});

test("SMEMBERS SINTER SUNION SDIFF reply RESP3 sets and ~0 when empty", async (c) => {
  await c.call("HELLO", "3");
  await c.call("SADD", "s", "a");
  c.send("*2\r\n$8\r\nSMEMBERS\r\n$1\r\ns\r\n");
  assert.equal(await c.readRaw(11), "~1\r\n$1\r\na\r\n");
  for (const cmd of ["SMEMBERS", "SINTER", "SUNION", "SDIFF"]) {
    c.send(`*2\r\n$${cmd.length}\r\n${cmd}\r\n$5\r\nnokey\r\n`);
    assert.equal(await c.readRaw(4), "~0\r\n", cmd);
  }
  c.send("*3\r\n$4\r\nSPOP\r\n$5\r\nnokey\r\n$1\r\n3\r\n");
  assert.equal(await c.readRaw(4), "~0\r\n");
  c.send("*3\r\n$11\r\nSRANDMEMBER\r\n$5\r\nnokey\r\n$1\r\n3\r\n");
  assert.equal(await c.readRaw(4), "*0\r\n");
});

test("SREM removes members and deletes the emptied key", async (c) => {
  await c.call("SADD", "s", "a", "b", "1");
  assert.equal(await c.call("SREM", "s", "a", "x", "a"), 1);
  assert.equal(await c.call("SREM", "nokey", "a"), 0);
  assert.equal(await c.call("SREM", "s", "b", "1", "c"), 2);
  assert.equal(await c.call("EXISTS", "s"), 0);
});

test("every set command replies WRONGTYPE on a string key", async (c) => {
  await c.call("SET", "str", "x");
  await c.call("SADD", "s", "a");
  const cmds: string[][] = [
    ["SADD", "str", "a"],
    ["SREM", "str", "a"],
    ["SCARD", "str"],
    ["SISMEMBER", "str", "a"],
    ["SMISMEMBER", "str", "a"],
    ["SMEMBERS", "str"],
    ["SPOP", "str"],
    ["SPOP", "str", "2"],
    ["SRANDMEMBER", "str"],
    ["SRANDMEMBER", "str", "2"],
    ["SMOVE", "str", "s", "a"],
    ["SMOVE", "s", "str", "a"],
    ["SINTER", "s", "str"],
    ["SINTER", "nokey", "str"],
    ["SINTERCARD", "2", "s", "str"],
    ["SINTERSTORE", "d", "s", "str"],
    ["SUNION", "s", "str"],
    ["SUNIONSTORE", "d", "s", "str"],
    ["SDIFF", "s", "str"],
    ["SDIFF", "str", "s"],
    ["SDIFFSTORE", "d", "nokey", "str"],
    ["SSCAN", "str", "0"],
  ];
  for (const cmd of cmds) assertError(await c.call(...cmd), WRONGTYPE);
  assert.equal(await c.call("EXISTS", "d"), 0);
});

test("wrong arities are refused", async (c) => {
  for (
    const cmd of [["SADD", "s"], ["SCARD"], ["SISMEMBER", "s"], ["SMOVE", "a", "b"], ["SINTERCARD", "1"], [
      "SSCAN",
      "s",
    ]]
  ) {
    assertError(await c.call(...cmd), `ERR wrong number of arguments for '${cmd[0]!.toLowerCase()}' command`);
  }
  assertError(await c.call("SPOP", "s", "1", "2"), SYNTAX);
  assertError(await c.call("SRANDMEMBER", "s", "1", "2"), SYNTAX);
});

test("a set of integers is an intset, sorted, and converts as Valkey does", async (c) => {
  await c.call("SADD", "s", "3", "1", "-2", "100000", "9223372036854775807");
  assert.equal(await enc(c, "s"), "intset");
  assert.deepEqual(await c.call("SMEMBERS", "s"), ["-2", "1", "3", "100000", "9223372036854775807"]);
  assert.equal(await c.call("SISMEMBER", "s", "01"), 0);
  assert.equal(await c.call("SADD", "s", "01"), 1);
  assert.equal(await enc(c, "s"), "listpack");
  assert.equal(await c.call("SCARD", "s"), 6);
  // An intset with a member longer (in digits) than set-max-listpack-value goes to a hashtable.
  await c.call("CONFIG", "SET", "set-max-listpack-value", "5");
  await c.call("SADD", "t", "1", "1234567");
  await c.call("SADD", "t", "a");
  assert.equal(await enc(c, "t"), "hashtable");
  // Too many integers for the intset.
  await c.call("CONFIG", "SET", "set-max-intset-entries", "4");
  await c.call("SADD", "u", "1", "2", "3", "4");
  assert.equal(await enc(c, "u"), "intset");
  await c.call("SADD", "u", "5");
  assert.equal(await enc(c, "u"), "hashtable");
  // A new set expected to hold more integers than the intset limit starts as a listpack.
  await c.call("SADD", "v", "1", "2", "3", "4", "5");
  assert.equal(await enc(c, "v"), "listpack");
}, valkeyOnly());

test("a listpack set converts to hashtable past its entry and value limits", async (c) => {
  await c.call("CONFIG", "SET", "set-max-listpack-entries", "4");
  await c.call("SADD", "s", "a", "b", "c", "d");
  assert.equal(await enc(c, "s"), "listpack");
  await c.call("SADD", "s", "e");
  assert.equal(await enc(c, "s"), "hashtable");
  await c.call("SREM", "s", "a", "b", "c", "d");
  assert.equal(await enc(c, "s"), "hashtable");
  await c.call("SADD", "t", "a");
  await c.call("SADD", "t", "x".repeat(65));
  assert.equal(await enc(c, "t"), "hashtable");
  await c.call("SADD", "u", "a", "b", "c", "d", "e");
  assert.equal(await enc(c, "u"), "hashtable");
}, valkeyOnly());

test("SMOVE moves a member, creating and deleting keys", async (c) => {
  await c.call("SADD", "src", "a", "b");
  await c.call("SADD", "dst", "1");
  assert.equal(await c.call("SMOVE", "src", "dst", "a"), 1);
  assert.equal(await enc(c, "dst"), "listpack");
  assert.equal(await c.call("SMOVE", "src", "dst", "zz"), 0);
  assert.equal(await c.call("SMOVE", "nokey", "dst", "a"), 0);
  assert.equal(await c.call("SMOVE", "src", "new", "b"), 1);
  assert.equal(await c.call("EXISTS", "src"), 0);
  assert.deepEqual(await c.call("SMEMBERS", "new"), ["b"]);
  assert.equal(await c.call("SMOVE", "new", "new", "b"), 1);
  assert.equal(await c.call("SMOVE", "new", "new", "x"), 0);
  // Already in the destination: removed from the source, reply 1.
  await c.call("SADD", "p", "m", "n");
  await c.call("SADD", "q", "m");
  assert.equal(await c.call("SMOVE", "p", "q", "m"), 1);
  assert.deepEqual(await c.call("SMEMBERS", "p"), ["n"]);
  await c.call("SADD", "ints", "5");
  await c.call("SMOVE", "ints", "created", "5");
  assert.equal(await enc(c, "created"), "intset");
}, valkeyOnly());

test("SPOP without count pops one member and deletes the emptied key", async (c) => {
  assert.equal(await c.call("SPOP", "nokey"), null);
  await c.call("SADD", "s", "a", "b");
  const got = [await c.call("SPOP", "s"), await c.call("SPOP", "s")];
  assert.deepEqual(sorted(got), ["a", "b"]);
  assert.equal(await c.call("EXISTS", "s"), 0);
});

for (const kind of ["intset", "listpack", "hashtable"]) {
  test(`SPOP with count on a ${kind} set`, async (c) => {
    const n = kind === "hashtable" ? 300 : 50;
    const members: string[] = [];
    for (let i = 0; i < n; i++) members.push(kind === "intset" ? String(i) : `m${i}`);
    const reset = async () => {
      await c.call("DEL", "s");
      await c.call("SADD", "s", ...members);
      assert.equal(await enc(c, "s"), kind);
    };
    await reset();
    assert.deepEqual(await c.call("SPOP", "s", "0"), []);
    const few = await c.call("SPOP", "s", "5") as string[];
    assert.equal(new Set(few).size, 5);
    assert.equal(await c.call("SCARD", "s"), n - 5);
    for (const m of few) assert.equal(await c.call("SISMEMBER", "s", m), 0);
    await reset();
    // Most members popped: the survivors move to a fresh set.
    const most = await c.call("SPOP", "s", String(n - 3)) as string[];
    assert.equal(new Set(most).size, n - 3);
    const rest = await c.call("SMEMBERS", "s") as string[];
    assert.equal(rest.length, 3);
    assert.deepEqual([...most, ...rest].sort(), members.slice().sort());
    assert.equal(await enc(c, "s"), kind === "intset" ? "intset" : "listpack");
    await reset();
    const all = await c.call("SPOP", "s", String(n + 10)) as string[];
    assert.deepEqual(all.slice().sort(), members.slice().sort());
    assert.equal(await c.call("EXISTS", "s"), 0);
  }, valkeyOnly());
}

test("SPOP count errors", async (c) => {
  await c.call("SADD", "s", "a");
  assertError(await c.call("SPOP", "s", "-1"), "ERR value is out of range, must be positive");
  assertError(await c.call("SPOP", "s", "x"), "ERR value is out of range, must be positive");
  assertError(await c.call("SPOP", "nokey", "x"), "ERR value is out of range, must be positive");
});

for (const kind of ["intset", "listpack", "hashtable"]) {
  test(`SRANDMEMBER with counts on a ${kind} set`, async (c) => {
    const n = kind === "hashtable" ? 300 : 50;
    const members: string[] = [];
    for (let i = 0; i < n; i++) members.push(kind === "intset" ? String(i) : `m${i}`);
    await c.call("SADD", "s", ...members);
    assert.equal(await enc(c, "s"), kind);
    assert.ok(members.includes(await c.call("SRANDMEMBER", "s") as string));
    assert.deepEqual(await c.call("SRANDMEMBER", "s", "0"), []);
    for (const count of [1, 5, n - 2, n, n + 5]) {
      const got = await c.call("SRANDMEMBER", "s", String(count)) as string[];
      assert.equal(got.length, Math.min(count, n));
      assert.equal(new Set(got).size, got.length);
      for (const m of got) assert.ok(members.includes(m));
    }
    const rep = await c.call("SRANDMEMBER", "s", String(-2 * n)) as string[];
    assert.equal(rep.length, 2 * n);
    for (const m of rep) assert.ok(members.includes(m));
    assert.equal(await c.call("SCARD", "s"), n);
  }, valkeyOnly());
}

test("SRANDMEMBER argument errors and missing keys", async (c) => {
  assert.equal(await c.call("SRANDMEMBER", "nokey"), null);
  assert.deepEqual(await c.call("SRANDMEMBER", "nokey", "-5"), []);
  assertError(await c.call("SRANDMEMBER", "nokey", "x"), NOT_INT);
  assertError(
    await c.call("SRANDMEMBER", "nokey", "-9223372036854775808"),
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  );
});

test("SINTER SUNION SDIFF compute with missing keys as empty sets", async (c) => {
  await c.call("SADD", "a", "1", "2", "3", "x");
  await c.call("SADD", "b", "2", "3", "4", "x", "y");
  await c.call("SADD", "c", "3", "x", "z");
  assert.deepEqual(sorted(await c.call("SINTER", "a", "b", "c")), ["3", "x"]);
  assert.deepEqual(sorted(await c.call("SINTER", "a")), ["1", "2", "3", "x"]);
  assert.deepEqual(await c.call("SINTER", "a", "nokey"), []);
  assert.deepEqual(sorted(await c.call("SINTER", "a", "a")), ["1", "2", "3", "x"]);
  assert.deepEqual(sorted(await c.call("SUNION", "a", "nokey", "c")), ["1", "2", "3", "x", "z"]);
  assert.deepEqual(sorted(await c.call("SDIFF", "a", "b", "nokey")), ["1"]);
  assert.deepEqual(await c.call("SDIFF", "a", "a"), []);
  assert.deepEqual(await c.call("SDIFF", "nokey", "a"), []);
  assert.deepEqual(sorted(await c.call("SDIFF", "b", "c")), ["2", "4", "y"]);
});

test("SUNION and SDIFF of intsets reply sorted integers", async (c) => {
  await c.call("SADD", "a", "30", "-1", "7");
  await c.call("SADD", "b", "5", "7");
  assert.deepEqual(await c.call("SUNION", "a", "b"), ["-1", "5", "7", "30"]);
  assert.deepEqual(await c.call("SDIFF", "a", "b"), ["-1", "30"]);
});

test("SINTERCARD counts with LIMIT and validates its arguments", async (c) => {
  await c.call("SADD", "a", "1", "2", "3", "4");
  await c.call("SADD", "b", "2", "3", "4", "5");
  assert.equal(await c.call("SINTERCARD", "2", "a", "b"), 3);
  assert.equal(await c.call("SINTERCARD", "2", "a", "b", "LIMIT", "2"), 2);
  assert.equal(await c.call("SINTERCARD", "2", "a", "b", "limit", "0"), 3);
  assert.equal(await c.call("SINTERCARD", "2", "a", "b", "LIMIT", "10"), 3);
  assert.equal(await c.call("SINTERCARD", "1", "a"), 4);
  assert.equal(await c.call("SINTERCARD", "2", "a", "nokey"), 0);
  assertError(await c.call("SINTERCARD", "0", "a"), "ERR numkeys should be greater than 0");
  assertError(await c.call("SINTERCARD", "x", "a"), "ERR numkeys should be greater than 0");
  assertError(
    await c.call("SINTERCARD", "3", "a", "b"),
    "ERR Number of keys can't be greater than number of args",
  );
  assertError(await c.call("SINTERCARD", "2", "a", "b", "LIMIT"), SYNTAX);
  assertError(await c.call("SINTERCARD", "2", "a", "b", "LIMIT", "-1"), "ERR LIMIT can't be negative");
  assertError(await c.call("SINTERCARD", "2", "a", "b", "LIMIT", "x"), "ERR LIMIT can't be negative");
  assertError(await c.call("SINTERCARD", "1", "a", "b"), SYNTAX);
});

test("SINTERSTORE SUNIONSTORE SDIFFSTORE store results, replace any type and delete on empty", async (c) => {
  await c.call("SADD", "a", "1", "2", "3");
  await c.call("SADD", "b", "2", "3", "x");
  await c.call("SET", "d", "string");
  await c.call("EXPIRE", "d", "100");
  assert.equal(await c.call("SINTERSTORE", "d", "a", "b"), 2);
  assert.equal(await c.call("TTL", "d"), -1);
  assert.deepEqual(sorted(await c.call("SMEMBERS", "d")), ["2", "3"]);
  assert.equal(await enc(c, "d"), "intset");
  assert.equal(await c.call("SUNIONSTORE", "u", "a", "b"), 4);
  assert.equal(await enc(c, "u"), "listpack");
  assert.equal(await c.call("SUNIONSTORE", "ui", "a", "a"), 3);
  assert.equal(await enc(c, "ui"), "intset");
  assert.equal(await c.call("SDIFFSTORE", "df", "a", "b"), 1);
  assert.deepEqual(await c.call("SMEMBERS", "df"), ["1"]);
  // Empty results delete the destination.
  assert.equal(await c.call("SINTERSTORE", "d", "a", "nokey"), 0);
  assert.equal(await c.call("EXISTS", "d"), 0);
  assert.equal(await c.call("SDIFFSTORE", "df", "a", "a"), 0);
  assert.equal(await c.call("EXISTS", "df"), 0);
  assert.equal(await c.call("SUNIONSTORE", "u", "nokey"), 0);
  assert.equal(await c.call("EXISTS", "u"), 0);
  // The destination may be one of the sources.
  assert.equal(await c.call("SUNIONSTORE", "a", "a", "b"), 4);
  assert.deepEqual(sorted(await c.call("SMEMBERS", "a")), ["1", "2", "3", "x"]);
}, valkeyOnly());

test("SINTERSTORE of a hashtable set of integers stores an intset", async (c) => {
  const ints: string[] = [];
  for (let i = 0; i < 200; i++) ints.push(String(i));
  await c.call("SADD", "h", ...ints, "x");
  assert.equal(await enc(c, "h"), "hashtable");
  await c.call("SADD", "k", ...ints.slice(0, 150));
  assert.equal(await c.call("SINTERSTORE", "d", "h", "k"), 150);
  assert.equal(await enc(c, "d"), "intset");
  await c.call("SADD", "m", "x", "1", "2");
  assert.equal(await c.call("SINTERSTORE", "d2", "h", "m"), 3);
  assert.equal(await enc(c, "d2"), "listpack");
}, valkeyOnly());

test("SSCAN returns small sets whole and iterates hashtable sets with a cursor", async (c) => {
  await c.call("SADD", "s", "a1", "a2", "b1");
  assert.deepEqual(await c.call("SSCAN", "s", "0", "MATCH", "a*"), ["0", ["a1", "a2"]]);
  await c.call("SADD", "i", "1", "2", "10");
  assert.deepEqual(await c.call("SSCAN", "i", "0", "MATCH", "1*"), ["0", ["1", "10"]]);
  assert.deepEqual(await c.call("SSCAN", "nokey", "0", "BAD"), ["0", []]);
  assertError(await c.call("SSCAN", "s", "x"), "ERR invalid cursor");
  assertError(await c.call("SSCAN", "s", "0", "NOVALUES"), "ERR NOVALUES option can only be used in HSCAN");
  assertError(await c.call("SSCAN", "s", "0", "COUNT", "0"), SYNTAX);
  assertError(await c.call("SSCAN", "s", "0", "MATCH"), SYNTAX);
  const members: string[] = [];
  for (let i = 0; i < 400; i++) members.push(`m${i}`);
  await c.call("SADD", "big", ...members);
  const seen = new Set<string>();
  let cursor = "0";
  let calls = 0;
  do {
    const [next, items] = await c.call("SSCAN", "big", cursor, "COUNT", "20") as [string, string[]];
    for (const m of items) seen.add(m);
    cursor = next;
    calls++;
  } while (cursor !== "0");
  assert.equal(seen.size, 400);
  assert.ok(calls > 5);
}, valkeyOnly());

test("set writes emit the keyspace events Valkey emits", async (c) => {
  await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn");
  const sub = await RawConn.connect(srv.port);
  try {
    await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
    await c.call("SADD", "s", "a", "b");
    await c.call("SADD", "s", "a");
    await c.call("SREM", "s", "zz");
    await c.call("SMOVE", "s", "t", "a");
    await c.call("SPOP", "s");
    await c.call("SINTERSTORE", "d", "t");
    await c.call("SREM", "t", "zz");
    await c.call("SADD", "t", "q");
    const events: string[] = [];
    for (let i = 0; i < 10; i++) {
      const m = await sub.read() as unknown[];
      events.push(`${String(m[2]).split(":")[1]}:${String(m[3])}`);
    }
    assert.deepEqual(events, [
      "s:new",
      "s:sadd",
      "s:srem",
      "t:new",
      "t:sadd",
      "s:spop",
      "s:del",
      "d:new",
      "d:sinterstore",
      // SREM of a non-member emits nothing; the next event is SADD's.
      "t:sadd",
    ]);
  } finally {
    sub.close();
  }
}, valkeyOnly());

test("binary-safe and large sets stay consistent", async (c) => {
  const bin = new Uint8Array([0, 1, 255, 10, 13]);
  assert.equal(await c.call("SADD", "b", bin), 1);
  assert.equal(await c.call("SISMEMBER", "b", bin), 1);
  const model = new Set<string>();
  const add: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const m = `k${(i * 7919) % 1500}`;
    model.add(m);
    add.push(m);
  }
  await c.call("SADD", "big", ...add);
  const rem: string[] = [];
  for (let i = 0; i < 1500; i += 4) {
    rem.push(`k${i}`);
    model.delete(`k${i}`);
  }
  assert.equal(await c.call("SREM", "big", ...rem), rem.length);
  assert.deepEqual(sorted(await c.call("SMEMBERS", "big")), [...model].sort());
});

test("COPY duplicates a set of every encoding independently", async (c) => {
  for (const members of [["1", "2", "3"], ["a", "b"], Array.from({ length: 200 }, (_, i) => `m${i}`)]) {
    await c.call("DEL", "s", "s2");
    await c.call("SADD", "s", ...members);
    const encoding = await c.call("OBJECT", "ENCODING", "s");
    assert.equal(await c.call("COPY", "s", "s2"), 1);
    assert.equal(await c.call("OBJECT", "ENCODING", "s2"), encoding);
    await c.call("SREM", "s", members[0]!);
    assert.equal(await c.call("SISMEMBER", "s2", members[0]!), 1);
    assert.equal(await c.call("SCARD", "s2"), members.length);
  }
}, valkeyOnly());

Deno.test({
  name: "iovalkey reads sets",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const client = new Valkey({ port: srv.port, host: "127.0.0.1", lazyConnect: true });
    try {
      await client.connect();
      await client.del("io:s");
      assert.equal(await client.sadd("io:s", "a", "b", "c"), 3);
      assert.deepEqual((await client.smembers("io:s")).sort(), ["a", "b", "c"]);
      assert.equal(await client.sismember("io:s", "b"), 1);
      await client.del("io:s");
    } finally {
      client.disconnect();
    }
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
