/**
 * Keyspace notifications over TCP, after the "Keyspace notifications" cases of Valkey's
 * tests/unit/pubsub.tcl: the `notify-keyspace-events` classes and K/E channels, and the exact events each
 * command emits (strings, bitmaps, generic keyspace commands, expiry; hashes, lists, sets and sorted
 * sets when the server has them).
 *
 * Each case subscribes a client to the pattern `*`, runs commands on another connection, then publishes
 * to a sentinel channel and collects every message received before the sentinel.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { type Arg, encodeRequest, Push, type RawConn, RespError, withRaw } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };
const SENTINEL = "zz-end-of-events";

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True when the server knows the command (probed with no arguments: only an arity error comes back). */
async function supports(name: string): Promise<boolean> {
  return await withRaw(srv.port, async (c) => {
    const r = await c.call(name);
    return !(r instanceof RespError && r.message.startsWith("ERR unknown command"));
  });
}

const has = {
  hash: await supports("HSET"),
  list: await supports("LPUSH"),
  set: await supports("SADD"),
  zset: await supports("ZADD"),
};

/** Reads pmessages until the sentinel; returns `channel message` strings. */
async function collect(sub: RawConn): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const r = await sub.read();
    const items = (r instanceof Push ? r.items : r) as string[];
    if (items[0] !== "pmessage") throw new Error(`unexpected ${JSON.stringify(items)}`);
    if (items[2] === SENTINEL) return out;
    out.push(`${items[2]} ${items[3]}`);
  }
}

/**
 * With `notify-keyspace-events` set to `flags`, runs `setup` silently (events off), then `cmds`, and
 * returns the notifications `cmds` caused, as `channel message` strings.
 */
async function events(flags: string, cmds: Arg[][], setup: Arg[][] = []): Promise<string[]> {
  return await withRaw(srv.port, (c) =>
    withRaw(srv.port, async (sub) => {
      await c.call("CONFIG", "SET", "notify-keyspace-events", "");
      await c.call("FLUSHALL");
      for (const s of setup) await c.call(...s);
      sub.send(encodeRequest(["PSUBSCRIBE", "*"]));
      await sub.read();
      assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", flags), "OK");
      for (const cmd of cmds) {
        const r = await c.call(...cmd);
        if (r instanceof RespError) throw new Error(`${cmd.join(" ")}: ${r.message}`);
      }
      await c.call("PUBLISH", SENTINEL, "x");
      const got = await collect(sub);
      await c.call("CONFIG", "SET", "notify-keyspace-events", "");
      return got;
    }));
}

/** Keyevent messages only (`E` plus classes), shortened to `event key`. */
async function keyevents(classes: string, cmds: Arg[][], setup: Arg[][] = []): Promise<string[]> {
  const got = await events(`E${classes}`, cmds, setup);
  return got.map((m) => m.replace(/^__keyevent@(\d+)__:/, (_, db) => db === "0" ? "" : `${db}:`));
}

Deno.test({
  name: "keyspace notifications are published on __keyspace@<db>__:<key>",
  ...opts,
  fn: async () => {
    assert.deepEqual(await events("KA", [["SET", "foo", "bar"]]), ["__keyspace@0__:foo set"]);
  },
});

Deno.test({
  name: "keyevent notifications are published on __keyevent@<db>__:<event>",
  ...opts,
  fn: async () => {
    assert.deepEqual(await events("EA", [["SET", "foo", "bar"]]), ["__keyevent@0__:set foo"]);
  },
});

Deno.test({
  name: "both kinds are sent, keyspace first",
  ...opts,
  fn: async () => {
    assert.deepEqual(await events("KEA", [["SET", "foo", "bar"], ["DEL", "foo"]]), [
      "__keyspace@0__:foo set",
      "__keyevent@0__:set foo",
      "__keyspace@0__:foo del",
      "__keyevent@0__:del foo",
    ]);
  },
});

Deno.test({
  name: "without K or E nothing is sent, and classes mask events",
  ...opts,
  fn: async () => {
    assert.deepEqual(await events("A", [["SET", "foo", "bar"]]), []);
    assert.deepEqual(await events("K", [["SET", "foo", "bar"]]), []);
    assert.deepEqual(
      await keyevents("$", [["SET", "foo", "bar"], ["EXPIRE", "foo", "100"], ["INCR", "n"], ["DEL", "foo"]]),
      ["set foo", "incrby n"],
    );
    assert.deepEqual(
      await keyevents("g", [["SET", "foo", "bar"], ["EXPIRE", "foo", "100"], ["INCR", "n"], ["DEL", "foo"]]),
      ["expire foo", "del foo"],
    );
  },
});

Deno.test({
  name: "events carry the database number",
  ...opts,
  fn: async () => {
    const got = await events("KEA", [["SELECT", "3"], ["SET", "k", "v"], ["SELECT", "0"]]);
    assert.deepEqual(got, ["__keyspace@3__:k set", "__keyevent@3__:set k"]);
  },
});

Deno.test({
  name: "channel subscribers receive notifications too",
  ...opts,
  fn: () =>
    withRaw(srv.port, (c) =>
      withRaw(srv.port, async (sub) => {
        await c.call("FLUSHALL");
        sub.send(encodeRequest(["SUBSCRIBE", "__keyevent@0__:incrby"]));
        await sub.read();
        await c.call("CONFIG", "SET", "notify-keyspace-events", "E$");
        try {
          await c.call("INCR", "counter");
          assert.deepEqual(await sub.read(), ["message", "__keyevent@0__:incrby", "counter"]);
        } finally {
          await c.call("CONFIG", "SET", "notify-keyspace-events", "");
        }
      })),
});

Deno.test({
  name: "generic commands: EXPIRE, PERSIST, RENAME, COPY, MOVE, DEL, UNLINK",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("g", [
        ["EXPIRE", "a", "100"],
        ["PEXPIRE", "a", "100000"],
        ["EXPIREAT", "a", "4000000000"],
        ["PERSIST", "a"],
        ["PERSIST", "a"],
        ["RENAME", "a", "b"],
        ["RENAMENX", "b", "c"],
        ["COPY", "c", "d"],
        ["MOVE", "d", "1"],
        ["DEL", "c", "nosuch"],
        ["UNLINK", "e"],
      ], [["SET", "a", "1"], ["SET", "e", "1"]]),
      [
        "expire a",
        "expire a",
        "expire a",
        "persist a",
        "rename_from a",
        "rename_to b",
        "rename_from b",
        "rename_to c",
        "copy_to d",
        "move_from d",
        "1:move_to d",
        "del c",
        "del e",
      ],
    );
  },
});

Deno.test({
  name: "RENAME onto an existing key and COPY REPLACE",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [["RENAME", "a", "b"], ["COPY", "b", "c", "REPLACE"]], [
        ["SET", "a", "1"],
        ["SET", "b", "2"],
        ["SET", "c", "3"],
      ]),
      ["rename_from a", "rename_to b", "copy_to c"],
    );
  },
});

Deno.test({
  name: "string commands emit their events",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("$", [
        ["SET", "s", "v"],
        ["SETNX", "s", "v"],
        ["SETNX", "t", "v"],
        ["SETEX", "u", "100", "v"],
        ["PSETEX", "w", "100000", "v"],
        ["GETSET", "s", "x"],
        ["APPEND", "s", "y"],
        ["SETRANGE", "s", "0", "z"],
        ["INCR", "n"],
        ["INCRBY", "n", "2"],
        ["DECR", "n"],
        ["DECRBY", "n", "2"],
        ["INCRBYFLOAT", "f", "1.5"],
        ["MSET", "m1", "1", "m2", "2"],
        ["MSETNX", "m3", "1", "m4", "2"],
        ["SETBIT", "b", "3", "1"],
        ["BITFIELD", "b", "SET", "u8", "0", "255"],
        ["BITOP", "OR", "dest", "b"],
        ["SET", "s", "v", "GET"],
      ]),
      [
        "set s",
        "set t",
        "set u",
        "set w",
        "set s",
        "append s",
        "setrange s",
        "incrby n",
        "incrby n",
        "incrby n",
        "incrby n",
        "incrbyfloat f",
        "set m1",
        "set m2",
        "set m3",
        "set m4",
        "setbit b",
        "setbit b",
        "set dest",
        "set s",
      ],
    );
  },
});

Deno.test({
  name: "SET with options, SETEX, GETEX and GETDEL emit generic events too",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [
        ["SET", "k", "v", "EX", "100"],
        ["SET", "k", "v", "KEEPTTL"],
        ["SET", "k", "v"],
        ["SETEX", "k", "100", "v"],
        ["GETEX", "k", "PERSIST"],
        ["GETEX", "k", "PX", "100000"],
        ["GETEX", "k"],
        ["GETDEL", "k"],
        ["GETDEL", "k"],
      ]),
      [
        "set k",
        "expire k",
        "set k",
        "set k",
        "set k",
        "expire k",
        "persist k",
        "expire k",
        "del k",
      ],
    );
  },
});

Deno.test({
  name: "BITOP with an empty result deletes the destination",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [["BITOP", "AND", "dest", "nosuch1", "nosuch2"]], [["SET", "dest", "x"]]),
      ["del dest"],
    );
  },
});

Deno.test({
  name: "an expired key is notified once lazily deleted",
  ...opts,
  fn: async () => {
    const got = await withRaw(srv.port, async (c) => {
      await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      try {
        return await keyevents("x", [["PSETEX", "foo", "50", "1"], ["DEBUG", "SLEEP", "0.1"], [
          "EXISTS",
          "foo",
        ]]);
      } finally {
        await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      }
    });
    assert.deepEqual(got, ["expired foo"]);
  },
});

Deno.test({
  name: "an expired key is notified by the background expire cycle",
  ...opts,
  fn: () =>
    withRaw(srv.port, (c) =>
      withRaw(srv.port, async (sub) => {
        await c.call("FLUSHALL");
        sub.send(encodeRequest(["PSUBSCRIBE", "*"]));
        await sub.read();
        await c.call("CONFIG", "SET", "notify-keyspace-events", "Ex");
        try {
          await c.call("PSETEX", "foo", "100", "1");
          const r = await sub.read({ timeoutMs: 5000 });
          assert.deepEqual(r, ["pmessage", "*", "__keyevent@0__:expired", "foo"]);
        } finally {
          await c.call("CONFIG", "SET", "notify-keyspace-events", "");
        }
      })),
});

Deno.test({
  name: "EXPIRE with a time in the past notifies the key as expired",
  ...opts,
  ...valkeyOnly(),
  fn: async () => {
    assert.deepEqual(await keyevents("A", [["SET", "foo", "1"], ["EXPIRE", "foo", "-1"]]), [
      "set foo",
      "expired foo",
    ]);
  },
});

Deno.test({
  name: "new-key events (n) are sent only for created keys and not in A",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("n", [["SET", "foo", "bar"], ["SET", "foo", "baz"], ["SET", "bar", "bar"], [
        "INCR",
        "c",
      ]]),
      ["new foo", "new bar", "new c"],
    );
    assert.deepEqual(await keyevents("A", [["SET", "foo", "bar"]]), ["set foo"]);
  },
});

Deno.test({
  name: "key-miss events (m) are sent for reads of missing keys and not in A",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("m", [["GET", "nokey"], ["SET", "k", "v"], ["GET", "k"], ["STRLEN", "x"]]),
      [
        "keymiss nokey",
        "keymiss x",
      ],
    );
    assert.deepEqual(await keyevents("A", [["GET", "nokey"]]), []);
  },
});

Deno.test({
  name: "CONFIG GET/SET of the event flags normalises them",
  ...opts,
  fn: () =>
    withRaw(srv.port, async (c) => {
      try {
        for (
          const [set, get] of [["gKE", "gKE"], ["$lshzxeKE", "$lshzxeKE"], ["KA", "AK"], ["EA", "AE"]] as [
            string,
            string,
          ][]
        ) {
          assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", set), "OK");
          assert.deepEqual(await c.call("CONFIG", "GET", "notify-keyspace-events"), [
            "notify-keyspace-events",
            get,
          ]);
        }
      } finally {
        await c.call("CONFIG", "SET", "notify-keyspace-events", "");
      }
    }),
});

Deno.test({
  name: "writes inside MULTI notify when EXEC runs them",
  ...opts,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["EXEC"]]),
      ["set a", "incrby a"],
    );
  },
});

Deno.test({
  name: "a RESP3 client gets its own keyspace events after its command's reply",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withRaw(srv.port, async (c) => {
      await c.call("FLUSHALL");
      await c.call("HELLO", "3");
      c.send(encodeRequest(["SUBSCRIBE", "__keyevent@0__:set"]));
      await c.read();
      await c.call("CONFIG", "SET", "notify-keyspace-events", "E$");
      try {
        c.send(encodeRequest(["SET", "mine", "1"]));
        const expected = "+OK\r\n>3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$4\r\nmine\r\n";
        assert.equal(await c.readRaw(expected.length), expected);
      } finally {
        await c.call("CONFIG", "SET", "notify-keyspace-events", "");
      }
    }),
});

Deno.test({
  name: "hash commands emit their events",
  ...opts,
  ignore: !has.hash,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [
        ["HSET", "h", "a", "1", "b", "2"],
        ["HSETNX", "h", "a", "1"],
        ["HSETNX", "h", "c", "3"],
        ["HINCRBY", "h", "a", "2"],
        ["HINCRBYFLOAT", "h", "b", "1.5"],
        ["HDEL", "h", "a", "nosuch"],
        ["HDEL", "h", "b", "c"],
      ]),
      ["hset h", "hset h", "hincrby h", "hincrbyfloat h", "hdel h", "hdel h", "del h"],
    );
  },
});

Deno.test({
  name: "list commands emit their events",
  ...opts,
  ignore: !has.list,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [
        ["LPUSH", "l", "a", "b"],
        ["RPUSH", "l", "c"],
        ["LINSERT", "l", "BEFORE", "c", "x"],
        ["LSET", "l", "0", "z"],
        ["LREM", "l", "0", "x"],
        ["LTRIM", "l", "0", "1"],
        ["LPOP", "l"],
        ["RPOP", "l"],
      ]),
      [
        "lpush l",
        "rpush l",
        "linsert l",
        "lset l",
        "lrem l",
        "ltrim l",
        "lpop l",
        "rpop l",
        "del l",
      ],
    );
  },
});

Deno.test({
  name: "set commands emit their events",
  ...opts,
  ignore: !has.set,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [
        ["SADD", "s", "a", "b", "c"],
        ["SADD", "s", "a"],
        ["SREM", "s", "a"],
        ["SMOVE", "s", "t", "b"],
        ["SPOP", "s"],
      ]),
      ["sadd s", "srem s", "srem s", "sadd t", "spop s", "del s"],
    );
  },
});

Deno.test({
  name: "sorted set commands emit their events",
  ...opts,
  ignore: !has.zset,
  fn: async () => {
    assert.deepEqual(
      await keyevents("A", [
        ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ["ZINCRBY", "z", "1", "a"],
        ["ZREM", "z", "a"],
        ["ZREMRANGEBYSCORE", "z", "0", "2"],
        ["ZPOPMIN", "z"],
      ]),
      ["zadd z", "zincr z", "zrem z", "zremrangebyscore z", "zpopmin z", "del z"],
    );
  },
});

Deno.test({
  name: "stop server",
  ...opts,
  fn: async () => {
    await sleep(0);
    await srv.stop();
  },
});
