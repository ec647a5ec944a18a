/**
 * Database-level commands over TCP: SELECT, SWAPDB, FLUSHDB, FLUSHALL, MOVE and COPY (after Valkey's
 * tests/unit/other.tcl, keyspace.tcl and the WATCH cases of multi.tcl). Every test flushes the server first.
 */

import assert from "node:assert/strict";
import { createClient } from "redis";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { encodeRequest, type RawConn, RespError, withRaw } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

function err(msg: string): RespError {
  return new RespError(msg);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function fresh<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  return withRaw(srv.port, async (c) => {
    assert.equal(await c.call("FLUSHALL"), "OK");
    return await fn(c);
  });
}

async function pipeline(c: RawConn, cmds: (string | number)[][]): Promise<unknown[]> {
  for (const a of cmds) c.send(encodeRequest(a));
  const out: unknown[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.read());
  return out;
}

async function infoField(c: RawConn, section: string, field: string): Promise<string | undefined> {
  const info = String(await c.call("INFO", section));
  return info.match(new RegExp(`(?:^|\\r\\n)${field}:([^\\r]*)`))?.[1];
}

async function supports(name: string): Promise<boolean> {
  return await withRaw(srv.port, async (c) => {
    const r = await c.call(name);
    return !(r instanceof RespError && r.message.startsWith("ERR unknown command"));
  });
}

const hasLists = await supports("lpush");
const hasWatch = await supports("watch");

/** Keyspace events need PSUBSCRIBE (tests of events are skipped on a server without pub/sub). */
const hasPubSub = await supports("psubscribe");

/** Collects the keyspace events `fn` causes, as "event key@db". */
async function events(fn: (c: RawConn) => Promise<void>): Promise<string[]> {
  return await fresh(async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn"), "OK");
    try {
      return await withRaw(srv.port, async (s) => {
        await s.call("PSUBSCRIBE", "__keyevent@*__:*");
        s.send(encodeRequest(["SUBSCRIBE", "e-test-end"]));
        await s.read();
        await fn(c);
        await c.call("PUBLISH", "e-test-end", "x");
        const got: string[] = [];
        for (;;) {
          const m = await s.read() as unknown[];
          if (m[0] === "message") break;
          const channel = String(m[2]);
          const db = channel.slice(channel.indexOf("@") + 1, channel.indexOf("__:"));
          got.push(`${channel.slice(channel.indexOf(":") + 1)} ${m[3]}@${db}`);
        }
        return got;
      });
    } finally {
      await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    }
  });
}

/** Runs `change` on another connection between WATCH and EXEC; returns EXEC's reply. */
async function execAfter(c: RawConn, watchDb: number, keys: string[], change: (o: RawConn) => Promise<void>) {
  await c.call("SELECT", String(watchDb));
  await c.call("WATCH", ...keys);
  await withRaw(srv.port, change);
  await c.call("MULTI");
  await c.call("PING");
  return await c.call("EXEC");
}

// ---------------------------------------------------------------------------------------------------------
// SELECT
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "SELECT switches between databases",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [
        ["SET", "a", "hello"],
        ["SET", "b", "world"],
        ["SELECT", "10"],
        ["SET", "a", "foo"],
        [
          "SET",
          "b",
          "bared",
        ],
      ]);
      await c.call("SELECT", "9");
      assert.deepEqual(await c.call("MGET", "a", "b"), [null, null]);
      await c.call("SELECT", "0");
      assert.deepEqual(await c.call("MGET", "a", "b"), ["hello", "world"]);
      await c.call("SELECT", "10");
      assert.deepEqual(await c.call("MGET", "a", "b"), ["foo", "bared"]);
      assert.equal(await c.call("SELECT", "15"), "OK");
    }),
});

Deno.test({
  name: "SELECT refuses indexes out of range and non-integers",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      const range = err("ERR DB index is out of range");
      assert.deepEqual(await c.call("SELECT", "16"), range);
      assert.deepEqual(await c.call("SELECT", "-1"), range);
      assert.deepEqual(await c.call("SELECT", "1000000"), range);
      assert.deepEqual(
        await c.call("SELECT", "2147483648"),
        err("ERR value is out of range, value must between -2147483648 and 2147483647"),
      );
      assert.deepEqual(
        await c.call("SELECT", "-2147483649"),
        err("ERR value is out of range, value must between -2147483648 and 2147483647"),
      );
      for (const bad of ["abc", "", " 1", "01", "1.0", "9223372036854775808"]) {
        assert.deepEqual(
          await c.call("SELECT", bad),
          err("ERR value is not an integer or out of range"),
          bad,
        );
      }
      assert.deepEqual(await c.call("SELECT"), err("ERR wrong number of arguments for 'select' command"));
      assert.deepEqual(
        await c.call("SELECT", "1", "2"),
        err("ERR wrong number of arguments for 'select' command"),
      );
      await c.call("SET", "stay", "0");
      assert.equal(await c.call("GET", "stay"), "0", "a failed SELECT keeps the database");
    }),
});

Deno.test({
  name: "node-redis can SELECT and write in another database",
  ...opts,
  fn: async () => {
    await fresh(async () => {});
    const r = createClient({ socket: { port: srv.port, host: srv.host }, database: 3 });
    await r.connect();
    try {
      await r.set("in3", "v");
      assert.equal(await r.dbSize(), 1);
      await r.select(0);
      assert.equal(await r.get("in3"), null);
      assert.equal(await r.move("nokey", 3), 0);
    } finally {
      await r.quit();
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// SWAPDB
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "SWAPDB exchanges the contents of two databases",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "swapkey", "v1");
      await c.call("SELECT", "1");
      assert.equal(await c.call("DBSIZE"), 0);
      assert.equal(await c.call("SWAPDB", "0", "1"), "OK");
      assert.equal(await c.call("DBSIZE"), 1, "the client stays in db 1 and sees the swapped data");
      assert.equal(await c.call("GET", "swapkey"), "v1");
      await c.call("SELECT", "0");
      assert.equal(await c.call("DBSIZE"), 0);
      assert.equal(await c.call("SWAPDB", "0", "0"), "OK");
    }),
});

Deno.test({
  name: "SWAPDB refuses bad indexes with Valkey's texts",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.deepEqual(await c.call("SWAPDB", "44", "55"), err("ERR DB index is out of range"));
      assert.deepEqual(await c.call("SWAPDB", "0", "-1"), err("ERR DB index is out of range"));
      assert.deepEqual(await c.call("SWAPDB", "44", "a"), err("ERR invalid second DB index"));
      assert.deepEqual(await c.call("SWAPDB", "a", "55"), err("ERR invalid first DB index"));
      assert.deepEqual(await c.call("SWAPDB", "a", "b"), err("ERR invalid first DB index"));
      assert.deepEqual(await c.call("SWAPDB", "2147483648", "0"), err("ERR invalid first DB index"));
      assert.deepEqual(await c.call("SWAPDB", "0", "-2147483649"), err("ERR invalid second DB index"));
      assert.deepEqual(
        await c.call("SWAPDB", "0"),
        err("ERR wrong number of arguments for 'swapdb' command"),
      );
    }),
});

Deno.test({
  name: "SWAPDB keeps TTLs and FLUSHDB then empties only the swapped-in database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "swapkey", "v1", "EX", "100");
      await c.call("SELECT", "1");
      await c.call("SET", "swapkey1", "v1");
      assert.doesNotMatch(String(await c.call("INFO", "keyspace")), /db2:keys=/);
      await c.call("SWAPDB", "0", "2");
      await c.call("SELECT", "0");
      assert.equal(await c.call("DBSIZE"), 0);
      await c.call("SELECT", "2");
      const ttl = await c.call("TTL", "swapkey") as number;
      assert.ok(ttl > 90 && ttl <= 100);
      assert.equal(await c.call("FLUSHDB"), "OK");
      assert.equal(await c.call("DBSIZE"), 0);
      const ks = String(await c.call("INFO", "keyspace"));
      assert.match(ks, /db1:keys=1/);
      assert.doesNotMatch(ks, /db0:keys=|db2:keys=/);
    }),
});

Deno.test({
  name: "SWAPDB invalidates WATCHed keys that exist in either database",
  ...opts,
  ignore: !hasWatch,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "1");
      assert.equal(await execAfter(c, 0, ["x"], async (o) => void await o.call("SWAPDB", "0", "1")), null);
      await c.call("FLUSHALL");
      await c.call("SELECT", "1");
      await c.call("SET", "y", "1");
      assert.equal(
        await execAfter(c, 0, ["y"], async (o) => void await o.call("SWAPDB", "0", "1")),
        null,
        "a watched key that did not exist appears",
      );
      await c.call("FLUSHALL");
      assert.deepEqual(
        await execAfter(c, 0, ["z"], async (o) => void await o.call("SWAPDB", "0", "1")),
        ["PONG"],
        "a key missing in both is untouched",
      );
    }),
});

// ---------------------------------------------------------------------------------------------------------
// FLUSHDB / FLUSHALL
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "FLUSHDB empties the selected database only",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "1"], ["SELECT", "9"], ["SET", "b", "1"], [
        "SET",
        "c",
        "1",
        "EX",
        "100",
      ]]);
      assert.equal(await c.call("FLUSHDB"), "OK");
      assert.equal(await c.call("DBSIZE"), 0);
      assert.equal(await c.call("FLUSHDB"), "OK", "an empty database flushes fine");
      await c.call("SELECT", "0");
      assert.equal(await c.call("DBSIZE"), 1);
      assert.doesNotMatch(String(await c.call("INFO", "keyspace")), /db9:/);
    }),
});

Deno.test({
  name: "FLUSHALL empties every database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "a", "1"], ["SELECT", "5"], ["SET", "b", "1"], ["SELECT", "15"], [
        "SET",
        "c",
        "1",
      ]]);
      assert.equal(await c.call("FLUSHALL"), "OK");
      for (const db of ["0", "5", "15"]) {
        await c.call("SELECT", db);
        assert.equal(await c.call("DBSIZE"), 0);
      }
    }),
});

Deno.test({
  name: "FLUSHDB and FLUSHALL take ASYNC or SYNC, in any case, and nothing else",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      for (const cmd of ["FLUSHDB", "FLUSHALL"]) {
        for (const mode of ["ASYNC", "sync", "Async", "SYNC"]) {
          await c.call("SET", "k", "v");
          assert.equal(await c.call(cmd, mode), "OK");
          assert.equal(await c.call("DBSIZE"), 0);
        }
        await c.call("SET", "k", "v");
        const syntax = err("ERR syntax error");
        assert.deepEqual(await c.call(cmd, "foo"), syntax);
        assert.deepEqual(await c.call(cmd, "async", "sync"), syntax);
        assert.deepEqual(await c.call(cmd, "sync", "sync"), syntax);
        assert.equal(await c.call("DBSIZE"), 1, "a refused flush flushes nothing");
      }
    }),
});

Deno.test({
  name: "FLUSHALL and FLUSHDB count the removed keys as changes",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      const before = Number(await infoField(c, "persistence", "rdb_changes_since_last_save"));
      await pipeline(c, [["SET", "a", "1"], ["SET", "b", "1"], ["SELECT", "3"], ["SET", "c", "1"]]);
      await c.call("FLUSHALL");
      assert.equal(Number(await infoField(c, "persistence", "rdb_changes_since_last_save")), before + 6);
      await c.call("FLUSHDB");
      assert.equal(Number(await infoField(c, "persistence", "rdb_changes_since_last_save")), before + 6);
      await c.call("SWAPDB", "0", "0");
      assert.equal(Number(await infoField(c, "persistence", "rdb_changes_since_last_save")), before + 7);
    }),
});

Deno.test({
  name: "FLUSHALL and FLUSHDB invalidate WATCHed keys that exist",
  ...opts,
  ignore: !hasWatch,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "x", "1");
      assert.equal(await execAfter(c, 0, ["x"], async (o) => void await o.call("FLUSHALL")), null);
      await c.call("SET", "x", "1");
      assert.equal(await execAfter(c, 0, ["x"], async (o) => void await o.call("FLUSHDB")), null);
      assert.deepEqual(
        await execAfter(c, 0, ["x"], async (o) => void await o.call("FLUSHALL")),
        ["PONG"],
        "flushing a missing watched key changes nothing",
      );
      await c.call("SET", "x", "1");
      assert.deepEqual(
        await execAfter(c, 0, ["x"], async (o) => {
          await o.call("SELECT", "1");
          await o.call("FLUSHDB");
        }),
        ["PONG"],
        "another database's flush does not matter",
      );
    }),
});

// ---------------------------------------------------------------------------------------------------------
// MOVE
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "MOVE transfers a key to another database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foobar");
      assert.equal(await c.call("MOVE", "mykey", "10"), 1);
      assert.deepEqual([await c.call("EXISTS", "mykey"), await c.call("DBSIZE")], [0, 0]);
      await c.call("SELECT", "10");
      assert.deepEqual([await c.call("GET", "mykey"), await c.call("DBSIZE")], ["foobar", 1]);
      assert.equal(await c.call("OBJECT", "ENCODING", "mykey"), "embstr");
    }),
});

Deno.test({
  name: "MOVE replies 0 when the key exists in the target or not at all",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SELECT", "10"], ["SET", "mykey", "there"], ["SELECT", "0"], [
        "SET",
        "mykey",
        "hello",
      ]]);
      assert.equal(await c.call("MOVE", "mykey", "10"), 0);
      assert.equal(await c.call("GET", "mykey"), "hello");
      assert.equal(await c.call("MOVE", "nokey", "10"), 0);
      await c.call("SET", "gone", "v", "PX", "1");
      await sleep(10);
      assert.equal(await c.call("MOVE", "gone", "10"), 0);
    }),
});

Deno.test({
  name: "MOVE refuses bad database indexes and the current database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "hello");
      assert.deepEqual(
        await c.call("MOVE", "mykey", "notanumber"),
        err("ERR value is not an integer or out of range"),
      );
      assert.deepEqual(await c.call("MOVE", "mykey", "16"), err("ERR DB index is out of range"));
      assert.deepEqual(await c.call("MOVE", "mykey", "-1"), err("ERR DB index is out of range"));
      assert.deepEqual(
        await c.call("MOVE", "mykey", "4294967296"),
        err("ERR value is out of range, value must between -2147483648 and 2147483647"),
      );
      assert.deepEqual(
        await c.call("MOVE", "mykey", "0"),
        err("ERR source and destination objects are the same"),
      );
      assert.deepEqual(
        await c.call("MOVE", "nokey", "0"),
        err("ERR source and destination objects are the same"),
      );
      assert.deepEqual(
        await c.call("MOVE", "mykey"),
        err("ERR wrong number of arguments for 'move' command"),
      );
      assert.equal(await c.call("GET", "mykey"), "hello");
    }),
});

Deno.test({
  name: "MOVE carries the TTL and creates none",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foo", "EX", "100");
      await c.call("MOVE", "mykey", "10");
      assert.equal(await c.call("TTL", "mykey"), -2);
      await c.call("SELECT", "10");
      const ttl = await c.call("TTL", "mykey") as number;
      assert.ok(ttl > 0 && ttl <= 100);
      assert.equal(await c.call("GET", "mykey"), "foo");
      await c.call("SELECT", "0");
      await c.call("SET", "plain", "foo");
      await c.call("MOVE", "plain", "10");
      await c.call("SELECT", "10");
      assert.equal(await c.call("TTL", "plain"), -1);
    }),
});

Deno.test({
  name: "MOVE emits move_from and move_to in their databases",
  ...opts,
  ignore: !hasPubSub,
  fn: async () => {
    const got = await events(async (c) => {
      await c.call("SET", "k", "v");
      await c.call("MOVE", "k", "3");
      await c.call("MOVE", "k", "3");
    });
    assert.deepEqual(got, ["new k@0", "set k@0", "new k@3", "move_from k@0", "move_to k@3"]);
  },
});

Deno.test({
  name: "MOVE moves a list",
  ...opts,
  ignore: !hasLists,
  fn: () =>
    fresh(async (c) => {
      await c.call("RPUSH", "l", "a", "b");
      assert.equal(await c.call("MOVE", "l", "1"), 1);
      await c.call("SELECT", "1");
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["a", "b"]);
    }),
});

// ---------------------------------------------------------------------------------------------------------
// COPY
// ---------------------------------------------------------------------------------------------------------

Deno.test({
  name: "COPY copies a string, in the same or another database",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foobar");
      assert.equal(await c.call("COPY", "mykey", "mynewkey"), 1);
      assert.deepEqual([await c.call("GET", "mynewkey"), await c.call("DBSIZE")], ["foobar", 2]);
      assert.equal(await c.call("COPY", "mykey", "mynewkey", "DB", "10"), 1);
      await c.call("SELECT", "10");
      assert.deepEqual([await c.call("GET", "mynewkey"), await c.call("DBSIZE")], ["foobar", 1]);
      await c.call("SELECT", "0");
      assert.equal(await c.call("COPY", "mykey", "mykey", "db", "10"), 1, "the same name in another db");
    }),
});

Deno.test({
  name: "COPY replaces an existing destination only with REPLACE",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "mykey2", "hello"], ["SELECT", "10"], ["SET", "mynewkey", "old"], [
        "SELECT",
        "0",
      ]]);
      assert.equal(await c.call("COPY", "mykey2", "mynewkey", "DB", "10"), 0);
      assert.equal(await c.call("COPY", "mykey2", "mynewkey", "DB", "10", "REPLACE"), 1);
      assert.equal(await c.call("COPY", "mykey2", "mynewkey", "replace", "DB", "10", "REPLACE"), 1);
      await c.call("SELECT", "10");
      assert.equal(await c.call("GET", "mynewkey"), "hello");
    }),
});

Deno.test({
  name: "COPY makes an independent copy",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foobar");
      await c.call("COPY", "mykey", "mynewkey", "DB", "10");
      await c.call("SELECT", "10");
      await c.call("SET", "mynewkey", "hoge");
      assert.equal(await c.call("GET", "mynewkey"), "hoge");
      await c.call("SELECT", "0");
      assert.equal(await c.call("GET", "mykey"), "foobar");
      await c.call("COPY", "mykey", "c2");
      await c.call("APPEND", "c2", "!");
      assert.deepEqual(await c.call("MGET", "mykey", "c2"), ["foobar", "foobar!"]);
    }),
});

Deno.test({
  name: "COPY carries the TTL and creates none",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foobar", "EX", "100");
      await c.call("SET", "mynewkey", "x", "EX", "5000");
      assert.equal(await c.call("COPY", "mykey", "mynewkey", "REPLACE"), 1);
      const ttl = await c.call("TTL", "mynewkey") as number;
      assert.ok(ttl > 0 && ttl <= 100);
      assert.equal(await c.call("GET", "mynewkey"), "foobar");
      await c.call("SET", "mykey", "foobar");
      await c.call("COPY", "mykey", "mynewkey", "REPLACE");
      assert.equal(await c.call("TTL", "mynewkey"), -1);
    }),
});

Deno.test({
  name: "COPY replies 0 for a missing or expired source, and copies onto an expired destination",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      assert.equal(await c.call("COPY", "nokey", "dst"), 0);
      await pipeline(c, [["SET", "gone", "v", "PX", "1"], ["SET", "src", "v"], [
        "SET",
        "dst",
        "old",
        "PX",
        "1",
      ]]);
      await sleep(10);
      assert.equal(await c.call("COPY", "gone", "dst2"), 0);
      assert.equal(await c.call("COPY", "src", "dst"), 1);
      assert.deepEqual([await c.call("GET", "dst"), await c.call("TTL", "dst")], ["v", -1]);
    }),
});

Deno.test({
  name: "COPY checks its arguments in Valkey's order",
  ...opts,
  fn: () =>
    fresh(async (c) => {
      await c.call("SET", "mykey", "foobar");
      const notInt = err("ERR value is not an integer or out of range");
      assert.deepEqual(await c.call("COPY", "mykey", "new", "DB", "notanumber"), notInt);
      assert.deepEqual(await c.call("COPY", "mykey", "new", "DB", "abc", "foo"), notInt);
      assert.deepEqual(await c.call("COPY", "mykey", "new", "foo", "DB", "abc"), err("ERR syntax error"));
      assert.deepEqual(await c.call("COPY", "mykey", "new", "DB"), err("ERR syntax error"));
      assert.deepEqual(await c.call("COPY", "mykey", "new", "DB", "16"), err("ERR DB index is out of range"));
      assert.deepEqual(
        await c.call("COPY", "mykey", "new", "DB", "2147483648"),
        err("ERR value is out of range, value must between -2147483648 and 2147483647"),
      );
      assert.deepEqual(
        await c.call("COPY", "mykey", "new", "DB", "16", "foo"),
        err("ERR DB index is out of range"),
      );
      const same = err("ERR source and destination objects are the same");
      assert.deepEqual(await c.call("COPY", "mykey", "mykey"), same);
      assert.deepEqual(await c.call("COPY", "mykey", "mykey", "DB", "0"), same);
      assert.deepEqual(await c.call("COPY", "nokey", "nokey"), same, "checked before the source");
      assert.deepEqual(
        await c.call("COPY", "mykey"),
        err("ERR wrong number of arguments for 'copy' command"),
      );
      assert.equal(await c.call("COPY", "mykey", "new", "DB", "1", "DB", "2"), 1, "the last DB wins");
      await c.call("SELECT", "2");
      assert.equal(await c.call("GET", "new"), "foobar");
      await c.call("SELECT", "1");
      assert.equal(await c.call("EXISTS", "new"), 0);
    }),
});

Deno.test({
  name: "COPY keeps the string encoding",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    fresh(async (c) => {
      await pipeline(c, [["SET", "i", "123"], ["SET", "e", "hello"], ["SET", "r", "abc"], [
        "APPEND",
        "r",
        "def",
      ]]);
      await pipeline(c, [["COPY", "i", "i2"], ["COPY", "e", "e2"], ["COPY", "r", "r2"]]);
      assert.deepEqual(
        await pipeline(c, [["OBJECT", "ENCODING", "i2"], ["OBJECT", "ENCODING", "e2"], [
          "OBJECT",
          "ENCODING",
          "r2",
        ]]),
        ["int", "embstr", "raw"],
      );
      await c.call("SET", "s", "x".repeat(20));
      await c.call("COPY", "s", "k".repeat(30));
      assert.equal(await c.call("OBJECT", "ENCODING", "k".repeat(30)), "raw", "too long for its new key");
    }),
});

Deno.test({
  name: "COPY emits copy_to in the destination database",
  ...opts,
  ignore: !hasPubSub,
  fn: async () => {
    const got = await events(async (c) => {
      await c.call("SET", "k", "v");
      await c.call("COPY", "k", "k2");
      await c.call("COPY", "k", "k2");
      await c.call("COPY", "k", "k", "DB", "4");
    });
    assert.deepEqual(got, ["new k@0", "set k@0", "new k2@0", "copy_to k2@0", "new k@4", "copy_to k@4"]);
  },
});

Deno.test({
  name: "COPY of a list is independent of the source",
  ...opts,
  ignore: !hasLists,
  fn: () =>
    fresh(async (c) => {
      await c.call("RPUSH", "l", "a", "b");
      assert.equal(await c.call("COPY", "l", "l2"), 1);
      await c.call("RPUSH", "l2", "c");
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["a", "b"]);
      assert.deepEqual(await c.call("LRANGE", "l2", "0", "-1"), ["a", "b", "c"]);
    }),
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
