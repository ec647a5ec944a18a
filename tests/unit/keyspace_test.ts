/**
 * Generic keyspace commands over TCP: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, KEYS,
 * RANDOMKEY, DBSIZE and OBJECT (after Valkey's tests/unit/keyspace.tcl and the OBJECT cases of
 * introspection-2.tcl). Every test flushes the server first, so tests do not depend on each other.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, type RawConn, RespError, withRaw } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function err(msg: string): RespError {
  return new RespError(msg);
}

/** Runs `fn` on a fresh connection after FLUSHALL (in db 0). */
function fresh<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  return withRaw(srv.port, async (c) => {
    assert.equal(await c.call("FLUSHALL"), "OK");
    return await fn(c);
  });
}

/** Sends many commands in one write and returns their replies. */
async function pipeline(c: RawConn, cmds: (string | number)[][]): Promise<unknown[]> {
  const parts = cmds.map((a) => encodeRequest(a));
  let n = 0;
  for (const p of parts) n += p.length;
  const all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  c.send(all);
  const out: unknown[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read());
  return out;
}

/** True when the server knows the command (probed with no arguments: only an arity error comes back). */
async function supports(name: string): Promise<boolean> {
  return await withRaw(srv.port, async (c) => {
    const r = await c.call(name);
    return !(r instanceof RespError && r.message.startsWith("ERR unknown command"));
  });
}

const hasLists = await supports("lpush");

/** Keyspace events need PSUBSCRIBE (tests of events are skipped on a server without pub/sub). */
const hasPubSub = await supports("psubscribe");

/** Collects the keyspace events `fn` causes (all classes, key misses included), as "event key". */
async function events(fn: (c: RawConn) => Promise<void>): Promise<string[]> {
  return await fresh(async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAmn"), "OK");
    const sub = await withSub(async (s) => {
      await fn(c);
      await c.call("PUBLISH", "e-test-end", "x");
      const got: string[] = [];
      for (;;) {
        const m = await s.read() as unknown[];
        if (m[0] === "message") break;
        const channel = String(m[2]);
        got.push(
          `${channel.slice(channel.indexOf(":") + 1)} ${m[3]}@${channel.slice(11, channel.indexOf("_", 11))}`,
        );
      }
      return got;
    });
    assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", ""), "OK");
    return sub;
  });
}

async function withSub<T>(fn: (s: RawConn) => Promise<T>): Promise<T> {
  return await withRaw(srv.port, async (s) => {
    await s.call("PSUBSCRIBE", "__keyevent@*__:*");
    s.send(encodeRequest(["SUBSCRIBE", "e-test-end"]));
    await s.read();
    return await fn(s);
  });
}

// ---------------------------------------------------------------------------------------------------------
// DEL / UNLINK / EXISTS
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "DEL removes a single key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "foo");
      assert.equal(await c.call("DEL", "x"), 1);
      assert.equal(await c.call("GET", "x"), null);
      assert.equal(await c.call("DEL", "x"), 0);
    }),
});

Deno.test({
  name: "DEL and UNLINK take many keys and count only those that existed",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "foo1", "a"], ["SET", "foo2", "b"], ["SET", "foo3", "c"]]);
      assert.equal(await c.call("DEL", "foo1", "foo2", "foo3", "foo4"), 3);
      assert.deepEqual(await c.call("MGET", "foo1", "foo2", "foo3"), [null, null, null]);
      await pipeline(c, [["SET", "a", "1"], ["SET", "b", "2"]]);
      assert.equal(await c.call("UNLINK", "a", "a", "b", "nokey"), 2, "a repeated key is deleted once");
      assert.equal(await c.call("DBSIZE"), 0);
    }),
});

Deno.test({
  name: "DEL and UNLINK without a key are arity errors",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("DEL"), err("ERR wrong number of arguments for 'del' command"));
      assert.deepEqual(await c.call("UNLINK"), err("ERR wrong number of arguments for 'unlink' command"));
      assert.deepEqual(await c.call("EXISTS"), err("ERR wrong number of arguments for 'exists' command"));
      assert.deepEqual(await c.call("TOUCH"), err("ERR wrong number of arguments for 'touch' command"));
      assert.deepEqual(await c.call("TYPE"), err("ERR wrong number of arguments for 'type' command"));
      assert.deepEqual(
        await c.call("TYPE", "a", "b"),
        err("ERR wrong number of arguments for 'type' command"),
      );
    }),
});

Deno.test({
  name: "DEL against an expired key replies 0",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "k", "v", "PX", "1");
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(await c.call("DEL", "k"), 0);
      assert.equal(await c.call("DBSIZE"), 0);
    }),
});

Deno.test({
  name: "EXISTS counts existing keys, repeated ones every time",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "newkey", "test");
      assert.equal(await c.call("EXISTS", "newkey"), 1);
      assert.equal(await c.call("EXISTS", "newkey", "newkey", "nokey", "newkey"), 3);
      await c.call("DEL", "newkey");
      assert.equal(await c.call("EXISTS", "newkey"), 0);
    }),
});

Deno.test({
  name: "an empty key and an empty value are ordinary",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "emptykey", "");
      assert.equal(await c.call("GET", "emptykey"), "");
      assert.equal(await c.call("EXISTS", "emptykey"), 1);
      await c.call("SET", "", "v");
      assert.equal(await c.call("EXISTS", ""), 1);
      assert.equal(await c.call("TYPE", ""), "string");
      assert.equal(await c.call("DEL", "", "emptykey"), 2);
    }),
});

Deno.test({
  name: "binary keys work with every byte value",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      const key = new Uint8Array(256);
      for (let i = 0; i < 256; i++) key[i] = i;
      await c.call("SET", key, "bin");
      assert.equal(await c.call("EXISTS", key), 1);
      assert.equal(await c.call("RENAME", key, "plain"), "OK");
      assert.equal(await c.call("RENAME", "plain", key), "OK");
      const keys = await c.callBytes("KEYS", "*") as Uint8Array[];
      assert.deepEqual(keys.map((k) => Array.from(k)), [Array.from(key)]);
      assert.equal(await c.call("DEL", key), 1);
    }),
});

Deno.test({
  name: "DEL, UNLINK, RENAME and lazy expiry emit Valkey's keyspace events",
  ...opts,
  ignore: !hasPubSub,
  fn: async () => {
    const got = await events(async (c) => {
      await pipeline(c, [["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"]]);
      await c.call("DEL", "a", "nokey");
      await c.call("UNLINK", "b");
      await c.call("RENAME", "c", "d");
      await c.call("RENAMENX", "d", "d");
      await c.call("SET", "e", "v", "PX", "1");
      await new Promise((r) => setTimeout(r, 10));
      await c.call("DEL", "e");
    });
    const filtered = got.filter((e) => !e.startsWith("set "));
    assert.deepEqual(filtered, [
      "new a@0",
      "new b@0",
      "new c@0",
      "del a@0",
      "del b@0",
      "new d@0",
      "rename_from c@0",
      "rename_to d@0",
      "new e@0",
      "expire e@0",
      "expired e@0",
    ]);
  },
});

Deno.test({
  name: "EXISTS, TYPE and TOUCH emit keymiss for missing keys, OBJECT does not",
  ...opts,
  ignore: !hasPubSub,
  fn: async () => {
    const got = await events(async (c) => {
      await c.call("EXISTS", "m1");
      await c.call("TYPE", "m2");
      await c.call("TOUCH", "m3");
      await c.call("OBJECT", "ENCODING", "m4");
      await c.call("TTL", "m5");
    });
    assert.deepEqual(got, ["keymiss m1@0", "keymiss m2@0", "keymiss m3@0", "keymiss m5@0"]);
  },
});

Deno.test({
  name: "EXISTS, TYPE and TOUCH count keyspace hits and misses",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "k", "v");
      await c.call("CONFIG", "RESETSTAT");
      await c.call("EXISTS", "k", "nokey");
      await c.call("TYPE", "k");
      await c.call("TOUCH", "nokey", "k");
      await c.call("DEL", "k");
      const info = String(await c.call("INFO", "stats"));
      assert.match(info, /keyspace_hits:3\r\n/);
      assert.match(info, /keyspace_misses:2\r\n/);
    }),
});

// ---------------------------------------------------------------------------------------------------------
// TYPE / TOUCH
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "TYPE names strings and missing keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "s", "1");
      assert.equal(await c.call("TYPE", "s"), "string");
      assert.equal(await c.call("TYPE", "nokey"), "none");
      assert.equal(await c.readRaw(0, 10).catch(() => ""), "");
      c.send(encodeRequest(["TYPE", "s"]));
      assert.equal(await c.readRaw(9), "+string\r\n", "a status reply, not a bulk");
    }),
});

Deno.test({
  name: "TYPE names lists",
  ...opts,
  ignore: !hasLists,
  fn: () =>
    fresh(async (c) => {
      await c.call("LPUSH", "l", "a");
      assert.equal(await c.call("TYPE", "l"), "list");
    }),
});

Deno.test({
  name: "TOUCH counts the keys that exist",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "1"], ["SET", "b", "2"]]);
      assert.equal(await c.call("TOUCH", "a", "b", "b", "nokey"), 3);
    }),
});

// ---------------------------------------------------------------------------------------------------------
// RENAME / RENAMENX
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "RENAME moves the value to the new name",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "hello");
      assert.equal(await c.call("RENAME", "mykey", "mykey1"), "OK");
      assert.equal(await c.call("RENAME", "mykey1", "mykey2"), "OK");
      assert.equal(await c.call("GET", "mykey2"), "hello");
      assert.equal(await c.call("EXISTS", "mykey", "mykey1"), 0);
    }),
});

Deno.test({
  name: "RENAME overwrites an existing destination",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "mykey", "a"], ["SET", "mykey2", "b"]]);
      assert.equal(await c.call("RENAME", "mykey2", "mykey"), "OK");
      assert.equal(await c.call("GET", "mykey"), "b");
      assert.equal(await c.call("EXISTS", "mykey2"), 0);
      assert.equal(await c.call("DBSIZE"), 1);
    }),
});

Deno.test({
  name: "RENAMENX renames only when the destination does not exist",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foobar");
      assert.equal(await c.call("RENAMENX", "mykey", "mykey2"), 1);
      assert.deepEqual([await c.call("GET", "mykey2"), await c.call("EXISTS", "mykey")], ["foobar", 0]);
      await c.call("SET", "mykey", "bla");
      assert.equal(await c.call("RENAMENX", "mykey", "mykey2"), 0);
      assert.deepEqual(await c.call("MGET", "mykey", "mykey2"), ["bla", "foobar"]);
    }),
});

Deno.test({
  name: "RENAME and RENAMENX of a missing source are errors, even onto itself",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("RENAME", "nokey", "foobar"), err("ERR no such key"));
      assert.deepEqual(await c.call("RENAMENX", "nokey", "foobar"), err("ERR no such key"));
      assert.deepEqual(await c.call("RENAME", "nokey", "nokey"), err("ERR no such key"));
      assert.deepEqual(await c.call("RENAMENX", "nokey", "nokey"), err("ERR no such key"));
      assert.deepEqual(
        await c.call("RENAME", "a"),
        err("ERR wrong number of arguments for 'rename' command"),
      );
    }),
});

Deno.test({
  name: "RENAME onto itself succeeds and RENAMENX onto itself replies 0",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "a");
      assert.equal(await c.call("RENAME", "mykey", "mykey"), "OK");
      assert.equal(await c.call("RENAMENX", "mykey", "mykey"), 0);
      assert.equal(await c.call("GET", "mykey"), "a");
    }),
});

Deno.test({
  name: "RENAME moves the TTL along and does not inherit the destination's",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foo");
      await c.call("EXPIRE", "mykey", "100");
      const ttl = await c.call("TTL", "mykey") as number;
      assert.ok(ttl > 95 && ttl <= 100);
      await c.call("RENAME", "mykey", "mykey2");
      const ttl2 = await c.call("TTL", "mykey2") as number;
      assert.ok(ttl2 > 95 && ttl2 <= 100);
      await pipeline(c, [["SET", "src", "x"], ["SET", "dst", "y", "EX", "100"]]);
      await c.call("RENAME", "src", "dst");
      assert.equal(await c.call("TTL", "dst"), -1);
    }),
});

Deno.test({
  name: "RENAME keeps the string encoding",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "i", "123"], ["SET", "e", "hello"], ["SET", "r", "abc"], [
        "APPEND",
        "r",
        "d",
      ]]);
      for (const k of ["i", "e", "r"]) await c.call("RENAME", k, `${k}2`);
      assert.deepEqual(
        await pipeline(c, [["OBJECT", "ENCODING", "i2"], ["OBJECT", "ENCODING", "e2"], [
          "OBJECT",
          "ENCODING",
          "r2",
        ]]),
        ["int", "embstr", "raw"],
      );
    }),
});

Deno.test({
  name: "RENAME of an expired source is a missing key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "k", "v", "PX", "1");
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(await c.call("RENAME", "k", "k2"), err("ERR no such key"));
      assert.equal(await c.call("EXISTS", "k2"), 0);
    }),
});

Deno.test({
  name: "RENAME of a list keeps its content",
  ...opts,
  ignore: !hasLists,
  fn: () =>
    fresh(async (c) => {
      await c.call("RPUSH", "l", "a", "b", "c");
      assert.equal(await c.call("RENAME", "l", "l2"), "OK");
      assert.deepEqual(await c.call("LRANGE", "l2", "0", "-1"), ["a", "b", "c"]);
      assert.equal(await c.call("TYPE", "l"), "none");
    }),
});

// ---------------------------------------------------------------------------------------------------------
// KEYS / RANDOMKEY / DBSIZE
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "KEYS returns the keys matching a pattern",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(
        c,
        ["key_x", "key_y", "key_z", "foo_a", "foo_b", "foo_c"].map((k) => ["SET", k, "hello"]),
      );
      assert.deepEqual((await c.call("KEYS", "foo*") as string[]).sort(), ["foo_a", "foo_b", "foo_c"]);
      assert.deepEqual((await c.call("KEYS", "*") as string[]).sort(), [
        "foo_a",
        "foo_b",
        "foo_c",
        "key_x",
        "key_y",
        "key_z",
      ]);
      assert.deepEqual((await c.call("KEYS", "*_[xy]") as string[]).sort(), ["key_x", "key_y"]);
      assert.deepEqual(await c.call("KEYS", "?ey_z"), ["key_z"]);
      assert.equal(await c.call("DBSIZE"), 6);
    }),
});

Deno.test({
  name: "KEYS with a plain pattern returns that key only if it exists",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "foo", "1"], ["SET", "foobar", "2"], ["SET", "a*b", "3"]]);
      assert.deepEqual(await c.call("KEYS", "foo"), ["foo"]);
      assert.deepEqual(await c.call("KEYS", "fo"), []);
      assert.deepEqual(await c.call("KEYS", "a\\*b"), ["a*b"], "an escaped star is literal");
      assert.deepEqual(await c.call("KEYS", "FOO"), [], "matching is case sensitive");
    }),
});

Deno.test({
  name: "KEYS with hashtags and on an empty database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("KEYS", "*"), []);
      assert.deepEqual(await c.call("KEYS", "foo"), []);
      await pipeline(c, ["{a}x", "{a}y", "{a}z", "{b}a", "{b}b", "{b}c"].map((k) => ["SET", k, "hello"]));
      assert.deepEqual((await c.call("KEYS", "{a}*") as string[]).sort(), ["{a}x", "{a}y", "{a}z"]);
      assert.deepEqual((await c.call("KEYS", "*{b}*") as string[]).sort(), ["{b}a", "{b}b", "{b}c"]);
    }),
});

Deno.test({
  name: "KEYS skips expired keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "live", "1"], ["SET", "dead", "2", "PX", "1"], [
        "SET",
        "dead2",
        "2",
        "PX",
        "1",
      ]]);
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(await c.call("KEYS", "*"), ["live"]);
      assert.deepEqual(await c.call("KEYS", "dead"), []);
    }),
});

Deno.test({
  name: "KEYS survives abusive patterns",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "1");
      assert.deepEqual(await c.call("KEYS", "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"), []);
      await c.call("FLUSHDB");
      await c.call("SET", "a".repeat(50000), "1");
      assert.deepEqual(await c.call("KEYS", "*?".repeat(50000)), []);
    }),
});

Deno.test({
  name: "KEYS returns a long key twice in a row",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "dlskeriewrioeuwqoirueioqwrueoqwrueqw", "test");
      assert.deepEqual(await c.call("KEYS", "*"), ["dlskeriewrioeuwqoirueioqwrueoqwrueqw"]);
      assert.deepEqual(await c.call("KEYS", "*"), ["dlskeriewrioeuwqoirueioqwrueoqwrueqw"]);
    }),
});

Deno.test({
  name: "KEYS over many keys returns each once",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      const cmds: string[][] = [];
      for (let i = 0; i < 5000; i++) cmds.push(["SET", `k:${i}`, "v"]);
      await pipeline(c, cmds);
      const keys = await c.call("KEYS", "k:*") as string[];
      assert.equal(keys.length, 5000);
      assert.equal(new Set(keys).size, 5000);
      assert.equal((await c.call("KEYS", "k:1??") as string[]).length, 100);
    }),
});

Deno.test({
  name: "RANDOMKEY returns every key eventually and null on an empty database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("RANDOMKEY"), null);
      await pipeline(c, [["SET", "foo", "x"], ["SET", "bar", "y"]]);
      const seen = new Set<unknown>();
      for (let i = 0; i < 100 && seen.size < 2; i++) seen.add(await c.call("RANDOMKEY"));
      assert.deepEqual([...seen].sort(), ["bar", "foo"]);
      await c.call("FLUSHDB");
      await c.call("SET", "x", "10");
      await c.call("DEL", "x");
      assert.equal(await c.call("RANDOMKEY"), null);
      assert.deepEqual(
        await c.call("RANDOMKEY", "x"),
        err("ERR wrong number of arguments for 'randomkey' command"),
      );
    }),
});

Deno.test({
  name: "RANDOMKEY skips and reclaims expired keys",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        const cmds: string[][] = [];
        for (let i = 0; i < 50; i++) cmds.push(["SET", `e${i}`, "v", "PX", "1"]);
        await pipeline(c, cmds);
        await new Promise((r) => setTimeout(r, 10));
        assert.equal(await c.call("RANDOMKEY"), null, "all keys expired");
        assert.equal(await c.call("DBSIZE"), 0, "and were deleted");
        await pipeline(c, [...cmds, ["SET", "live", "1"]]);
        await new Promise((r) => setTimeout(r, 10));
        assert.equal(await c.call("RANDOMKEY"), "live");
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    }),
});

Deno.test({
  name: "DBSIZE counts the keys of the selected database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("DBSIZE"), 0);
      await pipeline(c, [["SET", "a", "1"], ["SET", "b", "1"], ["SELECT", "1"], ["SET", "c", "1"]]);
      assert.equal(await c.call("DBSIZE"), 1);
      await c.call("SELECT", "0");
      assert.equal(await c.call("DBSIZE"), 2);
      assert.deepEqual(
        await c.call("DBSIZE", "x"),
        err("ERR wrong number of arguments for 'dbsize' command"),
      );
    }),
});

// ---------------------------------------------------------------------------------------------------------
// OBJECT
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "OBJECT ENCODING reports int, embstr and raw strings",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [
        ["SET", "int", "12345"],
        ["SET", "neg", "-9223372036854775808"],
        ["SET", "notint", "12345678901234567890"],
        ["SET", "lead0", "0123"],
        ["SET", "emb", "x".repeat(38)],
        ["SET", "raw", "x".repeat(39)],
        ["SET", "app", "abc"],
        ["APPEND", "app", "def"],
      ]);
      const got = await pipeline(
        c,
        ["int", "neg", "notint", "lead0", "emb", "raw", "app"].map((k) => ["OBJECT", "ENCODING", k]),
      );
      assert.deepEqual(got, ["int", "int", "embstr", "embstr", "embstr", "raw", "raw"]);
    }),
});

Deno.test({
  name: "OBJECT ENCODING reports a list's encoding",
  ...opts,
  ignore: !hasLists || valkeyOnly().ignore,
  fn: () =>
    fresh(async (c) => {
      await c.call("LPUSH", "l", "1");
      assert.equal(await c.call("OBJECT", "ENCODING", "l"), "listpack");
    }),
});

Deno.test({
  name: "OBJECT subcommands reply null for a missing key",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      for (const sub of ["ENCODING", "REFCOUNT", "IDLETIME", "FREQ"]) {
        c.send(encodeRequest(["OBJECT", sub, "nokey"]));
        assert.equal(await c.readRaw(5), "$-1\r\n", sub);
      }
    }),
});

Deno.test({
  name: "OBJECT replies null as RESP3 null to a RESP3 client",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("HELLO", "3");
      c.send(encodeRequest(["OBJECT", "ENCODING", "nokey"]));
      assert.equal(await c.readRaw(3), "_\r\n");
    }),
});

Deno.test({
  name: "OBJECT REFCOUNT is 1 for any value",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "1"], ["SET", "b", "hello"]]);
      assert.equal(await c.call("OBJECT", "REFCOUNT", "a"), 1);
      assert.equal(await c.call("OBJECT", "refcount", "b"), 1);
    }),
});

Deno.test({
  name: "OBJECT HELP lists the subcommands",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("object", "help"), [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
      ]);
      c.send(encodeRequest(["OBJECT", "HELP"]));
      assert.match(await c.readRaw(80), /^\*15\r\n\+OBJECT <subcommand>/);
    }),
});

Deno.test({
  name: "OBJECT refuses unknown subcommands and wrong arities",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("OBJECT", "foo"), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
      assert.deepEqual(
        await c.call("OBJECT", "foo", "bar"),
        err("ERR unknown subcommand 'foo'. Try OBJECT HELP."),
      );
      assert.deepEqual(await c.call("OBJECT"), err("ERR wrong number of arguments for 'object' command"));
      assert.deepEqual(
        await c.call("OBJECT", "ENCODING"),
        err("ERR wrong number of arguments for 'object|encoding' command"),
      );
      assert.deepEqual(
        await c.call("OBJECT", "encoding", "a", "b"),
        err("ERR wrong number of arguments for 'object|encoding' command"),
      );
      assert.deepEqual(
        await c.call("OBJECT", "HELP", "x"),
        err("ERR wrong number of arguments for 'object|help' command"),
      );
      assert.deepEqual(
        await c.call("OBJECT", "freq"),
        err("ERR wrong number of arguments for 'object|freq' command"),
      );
    }),
});

Deno.test({
  name: "OBJECT FREQ needs an LFU policy and OBJECT IDLETIME refuses one",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "k", "v");
      assert.deepEqual(
        await c.call("OBJECT", "FREQ", "k"),
        err(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when " +
            "switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ),
      );
      assert.equal(await c.call("OBJECT", "IDLETIME", "k"), 0);
      await c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
      try {
        assert.deepEqual(
          await c.call("OBJECT", "IDLETIME", "k"),
          err(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching " +
              "between policies at runtime LRU and LFU data will take some time to adjust.",
          ),
        );
        assert.equal(typeof await c.call("OBJECT", "FREQ", "k"), "number");
        assert.equal(await c.call("OBJECT", "FREQ", "nokey"), null);
      } finally {
        await c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      }
    }),
});

Deno.test({
  name: "OBJECT FREQ of a key created under an LFU policy starts at 5",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("CONFIG", "SET", "maxmemory-policy", "volatile-lfu");
      try {
        await c.call("SET", "k", "v");
        assert.equal(await c.call("OBJECT", "FREQ", "k"), 5);
        assert.equal(await c.call("OBJECT", "FREQ", "k"), 5, "OBJECT does not count as an access");
      } finally {
        await c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      }
    }),
});

Deno.test({
  name: "OBJECT IDLETIME grows with time and only access commands reset it",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "va"], ["SET", "b", "vb"], ["SET", "t", "vt"], ["SET", "g", "vg"]]);
      await new Promise((r) => setTimeout(r, 2100));
      // Lookups that do not touch.
      await pipeline(c, [["EXISTS", "a"], ["TYPE", "a"], ["TTL", "a"], ["OBJECT", "ENCODING", "a"]]);
      const idle = await c.call("OBJECT", "IDLETIME", "a") as number;
      assert.ok(idle >= 1 && idle <= 4, `idle ${idle}`);
      await pipeline(c, [["TOUCH", "t"], ["GET", "g"]]);
      // Reset: 0, or 1 when a second boundary passed since (the idle clock counts whole seconds); not
      // reset, they would be 2 or more.
      assert.ok((await c.call("OBJECT", "IDLETIME", "t") as number) < 2);
      assert.ok((await c.call("OBJECT", "IDLETIME", "g") as number) < 2);
      assert.ok((await c.call("OBJECT", "IDLETIME", "b") as number) >= 1);
    }),
});

Deno.test({
  name: "CLIENT NO-TOUCH keeps GET from refreshing the idle time, but not TOUCH",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "va"], ["SET", "b", "vb"]]);
      // Whole seconds: after 2.1 s an untouched key is idle 2 or more, a touched one 0 or 1 (1 when a
      // second boundary passed between the touch and the read).
      await new Promise((r) => setTimeout(r, 2100));
      assert.equal(await c.call("CLIENT", "NO-TOUCH", "on"), "OK");
      await c.call("GET", "a");
      assert.ok((await c.call("OBJECT", "IDLETIME", "a") as number) >= 2);
      await c.call("TOUCH", "b");
      assert.ok((await c.call("OBJECT", "IDLETIME", "b") as number) < 2);
    }),
});

// ---------------------------------------------------------------------------------------------------------
// Real clients
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "iovalkey sees the generic commands' replies",
  ...opts,
  fn: async () => {
    const c = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true, maxRetriesPerRequest: 0 });
    await c.connect();
    try {
      await c.flushall();
      await c.mset("a", "1", "b", "2", "c", "3");
      assert.equal(await c.exists("a", "b", "zz"), 2);
      assert.equal(await c.del("a", "zz"), 1);
      assert.equal(await c.type("b"), "string");
      assert.equal(await c.rename("b", "bb"), "OK");
      assert.equal(await c.renamenx("bb", "c"), 0);
      assert.deepEqual((await c.keys("*")).sort(), ["bb", "c"]);
      assert.ok(["bb", "c"].includes(String(await c.randomkey())));
      assert.equal(await c.dbsize(), 2);
      assert.equal(await c.object("ENCODING", "c"), "int");
      await assert.rejects(c.rename("nokey", "x"), /ERR no such key/);
    } finally {
      c.disconnect();
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
