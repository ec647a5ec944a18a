/**
 * The side effects of the string and bitmap commands, observed in-process: keyspace events (class, name,
 * order), modified-key signals, the dirty counter and keyspace hits/misses, as Valkey 8.1 produces them.
 * The events were checked against valkey-server 8.1.1 with `notify-keyspace-events KEAn`.
 */

import assert from "node:assert/strict";
import { Config } from "../../config/config.ts";
import { nullConnection } from "../../net/null.ts";
import { Client } from "../../server/client.ts";
import { Server } from "../../server/server.ts";
import { bitmapCommands } from "../bitmap/mod.ts";
import { dispatch } from "../dispatch.ts";
import { stringCommands } from "./mod.ts";

const conn = nullConnection({
  remoteAddress: "127.0.0.1",
  remotePort: 40000,
  localAddress: "127.0.0.1",
  localPort: 6379,
  unix: false,
});

interface Harness {
  server: Server;
  /** Runs a command; returns its reply as protocol text. */
  run(...argv: string[]): string;
  /** Events and modified keys since the last call, and the dirty delta. */
  effects(): { events: string[]; modified: string[]; dirty: number };
}

const text = new TextDecoder("latin1");
const enc = new TextEncoder();

async function harness(): Promise<Harness> {
  const config = new Config();
  config.loadText("port 0\nloglevel warning\n", "(test)");
  const server = new Server({ config, commands: [...stringCommands, ...bitmapCommands] });
  await server.start();
  const client = new Client(1, conn, 512 * 1024 * 1024, false, Date.now());
  let events: string[] = [];
  let modified: string[] = [];
  let dirty = 0;
  server.keyspaceEventListeners.push((cls, event, key, dbId) => {
    events.push(`${cls}:${event}:${text.decode(key)}@${dbId}`);
  });
  server.keyModifiedListeners.push((_db, key) => modified.push(text.decode(key)));
  return {
    server,
    run(...argv) {
      dispatch(server, client, argv.map((a) => enc.encode(a)));
      return text.decode(client.writer.take());
    },
    effects() {
      const out = { events, modified, dirty: server.dirty - dirty };
      events = [];
      modified = [];
      dirty = server.dirty;
      return out;
    },
  };
}

function effectsTest(name: string, fn: (h: Harness) => void): void {
  Deno.test(name, async () => {
    const h = await harness();
    try {
      fn(h);
    } finally {
      await h.server.stop();
    }
  });
}

effectsTest("SET emits new then set for a created key, set alone for an overwrite", (h) => {
  assert.equal(h.run("SET", "a", "1"), "+OK\r\n");
  assert.deepEqual(h.effects(), { events: ["n:new:a@0", "$:set:a@0"], modified: ["a"], dirty: 1 });
  h.run("SET", "a", "2");
  assert.deepEqual(h.effects(), { events: ["$:set:a@0"], modified: ["a"], dirty: 1 });
  h.run("SET", "a", "3", "EX", "100");
  assert.deepEqual(h.effects(), { events: ["$:set:a@0", "g:expire:a@0"], modified: ["a"], dirty: 1 });
});

effectsTest("SET that NX or XX stops has no effect", (h) => {
  h.run("SET", "a", "1");
  h.effects();
  assert.equal(h.run("SET", "a", "2", "NX"), "$-1\r\n");
  assert.equal(h.run("SET", "b", "2", "XX"), "$-1\r\n");
  assert.equal(h.run("SETNX", "a", "2"), ":0\r\n");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
});

effectsTest("SET with a past EXAT expires an existing key and does nothing to a missing one", (h) => {
  h.run("SET", "a", "1");
  h.effects();
  assert.equal(h.run("SET", "a", "2", "EXAT", "1"), "+OK\r\n");
  assert.deepEqual(h.effects(), { events: ["x:expired:a@0"], modified: ["a"], dirty: 1 });
  assert.equal(h.server.dbs[0]!.size, 0);
  assert.equal(h.server.expiredKeys, 1);
  assert.equal(h.run("SET", "b", "2", "PXAT", "1"), "+OK\r\n");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
});

effectsTest("GETDEL, GETEX and GETSET emit del, expire, persist and set", (h) => {
  h.run("SET", "a", "1");
  h.effects();
  assert.equal(h.run("GETEX", "a"), "$1\r\n1\r\n");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
  h.run("GETEX", "a", "PERSIST");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 }, "no TTL to remove");
  h.run("GETEX", "a", "EX", "100");
  assert.deepEqual(h.effects(), { events: ["g:expire:a@0"], modified: ["a"], dirty: 1 });
  h.run("GETEX", "a", "PERSIST");
  assert.deepEqual(h.effects(), { events: ["g:persist:a@0"], modified: ["a"], dirty: 1 });
  h.run("GETEX", "a", "PXAT", "1");
  assert.deepEqual(h.effects(), { events: ["x:expired:a@0"], modified: ["a"], dirty: 1 });
  assert.equal(h.run("GETSET", "a", "x"), "$-1\r\n");
  // Like Valkey, GETSET's read of a missing key emits keymiss first (checked against valkey-server 8.1.1).
  assert.deepEqual(h.effects(), {
    events: ["m:keymiss:a@0", "n:new:a@0", "$:set:a@0"],
    modified: ["a"],
    dirty: 1,
  });
  assert.equal(h.run("GETDEL", "a"), "$1\r\nx\r\n");
  assert.deepEqual(h.effects(), { events: ["g:del:a@0"], modified: ["a"], dirty: 1 });
  assert.equal(h.run("GETDEL", "a"), "$-1\r\n");
  assert.deepEqual(h.effects(), { events: ["m:keymiss:a@0"], modified: [], dirty: 0 });
});

effectsTest("MSET counts one change per pair and MSETNX none when a key exists", (h) => {
  h.run("MSET", "a", "1", "b", "2", "a", "3");
  assert.deepEqual(h.effects(), {
    events: ["n:new:a@0", "$:set:a@0", "n:new:b@0", "$:set:b@0", "$:set:a@0"],
    modified: ["a", "b", "a"],
    dirty: 3,
  });
  assert.equal(h.run("MSETNX", "c", "1", "a", "2"), ":0\r\n");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
  assert.equal(h.run("MSETNX", "c", "1", "c", "2"), ":1\r\n");
  assert.deepEqual(h.effects(), {
    events: ["n:new:c@0", "$:set:c@0", "$:set:c@0"],
    modified: ["c", "c"],
    dirty: 2,
  });
});

effectsTest("the counters emit incrby and incrbyfloat", (h) => {
  h.run("INCR", "n");
  assert.deepEqual(h.effects(), { events: ["n:new:n@0", "$:incrby:n@0"], modified: ["n"], dirty: 1 });
  h.run("DECRBY", "n", "5");
  h.run("DECR", "n");
  assert.deepEqual(h.effects().events, ["$:incrby:n@0", "$:incrby:n@0"]);
  assert.equal(h.run("INCRBYFLOAT", "n", "0.5"), "$4\r\n-4.5\r\n");
  assert.deepEqual(h.effects(), { events: ["$:incrbyfloat:n@0"], modified: ["n"], dirty: 1 });
  h.run("SET", "s", "x");
  h.effects();
  h.run("INCR", "s");
  h.run("INCRBYFLOAT", "s", "1");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 }, "failed increments change nothing");
});

effectsTest("APPEND and SETRANGE emit append and setrange, not when SETRANGE writes nothing", (h) => {
  h.run("APPEND", "a", "");
  assert.deepEqual(h.effects().events, ["n:new:a@0", "$:append:a@0"]);
  h.run("APPEND", "a", "");
  assert.deepEqual(h.effects(), { events: ["$:append:a@0"], modified: ["a"], dirty: 1 });
  assert.equal(h.run("SETRANGE", "a", "0", ""), ":0\r\n");
  assert.equal(h.run("SETRANGE", "b", "5", ""), ":0\r\n");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
  assert.equal(h.run("SETRANGE", "a", "2", "xy"), ":4\r\n");
  assert.deepEqual(h.effects(), { events: ["$:setrange:a@0"], modified: ["a"], dirty: 1 });
  h.run("SETRANGE", "c", "1", "z");
  assert.deepEqual(h.effects().events, ["n:new:c@0", "$:setrange:c@0"]);
});

effectsTest("SETBIT and BITFIELD emit setbit only for real changes", (h) => {
  assert.equal(h.run("SETBIT", "b", "3", "0"), ":0\r\n");
  assert.deepEqual(h.effects(), { events: ["n:new:b@0", "$:setbit:b@0"], modified: ["b"], dirty: 1 });
  h.run("SETBIT", "b", "3", "0");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
  h.run("SETBIT", "b", "3", "1");
  assert.deepEqual(h.effects(), { events: ["$:setbit:b@0"], modified: ["b"], dirty: 1 });
  assert.equal(h.run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10"), "*1\r\n$-1\r\n");
  assert.deepEqual(
    h.effects(),
    { events: ["n:new:f@0"], modified: [], dirty: 0 },
    "created, nothing written",
  );
  h.run("BITFIELD", "f", "SET", "u8", "0", "1", "SET", "u8", "0", "1", "INCRBY", "u8", "0", "1");
  assert.deepEqual(h.effects(), { events: ["$:setbit:f@0"], modified: ["f"], dirty: 2 });
  h.run("BITFIELD", "f", "GET", "u8", "0");
  assert.deepEqual(h.effects(), { events: [], modified: [], dirty: 0 });
});

effectsTest("BITOP emits set for a result and del when the result is empty", (h) => {
  h.run("SET", "a", "x");
  h.effects();
  h.run("BITOP", "NOT", "d", "a");
  assert.deepEqual(h.effects(), { events: ["n:new:d@0", "$:set:d@0"], modified: ["d"], dirty: 1 });
  // Reading the missing source emits keymiss, as valkey-server 8.1.1 does.
  h.run("BITOP", "AND", "d", "missing");
  assert.deepEqual(h.effects(), { events: ["m:keymiss:missing@0", "g:del:d@0"], modified: ["d"], dirty: 1 });
  h.run("BITOP", "AND", "d", "missing");
  assert.deepEqual(h.effects(), { events: ["m:keymiss:missing@0"], modified: [], dirty: 0 });
});

effectsTest("reads count keyspace hits and misses; writes do not", (h) => {
  const stats = h.server.stats;
  h.run("SET", "a", "1");
  h.run("INCR", "a");
  h.run("APPEND", "a", "1");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [0, 0]);
  h.run("GET", "a");
  h.run("GET", "b");
  h.run("MGET", "a", "b", "a");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [3, 2]);
  h.run("SET", "a", "2", "GET");
  h.run("STRLEN", "zz");
  h.run("LCS", "a", "zz");
  h.run("BITCOUNT", "a");
  h.run("GETBIT", "zz", "0");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [6, 5]);
});

effectsTest("a created key starts its LRU clock at the command time", (h) => {
  h.run("SET", "a", "1");
  const db = h.server.dbs[0]!;
  const ref = db.find(enc.encode("a"));
  const now = Math.floor(Date.now() / 1000) & 0xffffff;
  assert.ok(Math.abs(db.getLru(ref) - now) <= 1, `${db.getLru(ref)} vs ${now}`);
});

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INT = "-ERR value is not an integer or out of range\r\n";

/** Stores a non-string value at `key` (any object stands for a list, hash...). */
function putObject(h: Harness, key: string): void {
  h.server.dbs[0]!.setObject(enc.encode(key), { type: "list" }, false);
}

effectsTest(
  "reads and in-place writes of a non-string key reply WRONGTYPE after their argument checks",
  (h) => {
    putObject(h, "l");
    h.run("SET", "s", "abc");
    for (
      const argv of [
        ["GET", "l"],
        ["GETEX", "l"],
        ["GETEX", "l", "EX", "abc"],
        ["GETDEL", "l"],
        ["GETSET", "l", "v"],
        ["SET", "l", "v", "GET"],
        ["STRLEN", "l"],
        ["APPEND", "l", "x"],
        ["GETRANGE", "l", "0", "-1"],
        ["SUBSTR", "l", "0", "-1"],
        ["SETRANGE", "l", "0", "x"],
        ["SETRANGE", "l", "0", ""],
        ["INCR", "l"],
        ["DECRBY", "l", "1"],
        ["INCRBYFLOAT", "l", "1"],
        ["SETBIT", "l", "0", "1"],
        ["GETBIT", "l", "0"],
        ["BITCOUNT", "l"],
        ["BITCOUNT", "l", "0", "1", "BIT"],
        ["BITPOS", "l", "1"],
        ["BITPOS", "l", "0", "1", "2"],
        ["BITFIELD", "l", "GET", "u8", "0"],
        ["BITFIELD", "l", "SET", "u8", "0", "1"],
        ["BITFIELD_RO", "l", "GET", "u8", "0"],
        ["BITOP", "OR", "d", "s", "l"],
      ]
    ) {
      assert.equal(h.run(...argv), WRONGTYPE, argv.join(" "));
    }
    assert.equal(h.run("SETRANGE", "l", "-1", "x"), "-ERR offset is out of range\r\n");
    assert.equal(h.run("GETRANGE", "l", "a", "1"), NOT_INT);
    assert.equal(h.run("INCRBY", "l", "x"), NOT_INT);
    assert.equal(h.run("SETBIT", "l", "0", "5"), "-ERR bit is not an integer or out of range\r\n");
    assert.equal(h.run("GETBIT", "l", "-5"), "-ERR bit offset is not an integer or out of range\r\n");
    assert.equal(h.run("BITCOUNT", "l", "a", "b"), NOT_INT);
    assert.equal(h.run("BITPOS", "l", "1", "a", "b"), NOT_INT);
    assert.equal(
      h.run("BITFIELD_RO", "l", "SET", "u8", "0", "1"),
      "-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    assert.equal(h.run("LCS", "l", "s"), "-ERR The specified keys must contain string values\r\n");
    assert.equal(h.run("LCS", "s", "l", "bogus"), "-ERR The specified keys must contain string values\r\n");
    assert.equal(h.run("MGET", "s", "l"), "*2\r\n$3\r\nabc\r\n$-1\r\n");
    assert.equal(h.run("SETNX", "l", "v"), ":0\r\n");
    assert.equal(h.run("MSETNX", "x", "1", "l", "v"), ":0\r\n");
    const db = h.server.dbs[0]!;
    assert.equal(db.find(enc.encode("d")), -1, "BITOP wrote nothing");
    assert.equal(db.isString(db.find(enc.encode("l"))), false, "nothing overwrote the object");
    assert.deepEqual(h.effects().events.filter((e) => !e.endsWith(":s@0")), []);
  },
);

effectsTest("whole-value writes replace a non-string key", (h) => {
  const db = h.server.dbs[0]!;
  const isString = (k: string) => db.isString(db.find(enc.encode(k)));
  h.run("SET", "s", "abc");
  for (
    const [argv, reply] of [
      [["SET", "l", "v"], "+OK\r\n"],
      [["MSET", "l", "v"], "+OK\r\n"],
      [["SETEX", "l", "100", "v"], "+OK\r\n"],
      [["PSETEX", "l", "100000", "v"], "+OK\r\n"],
      [["SET", "l", "v", "XX"], "+OK\r\n"],
      [["BITOP", "OR", "l", "s"], ":3\r\n"],
    ] as [string[], string][]
  ) {
    putObject(h, "l");
    assert.equal(h.run(...argv), reply, argv.join(" "));
    assert.ok(isString("l"), argv.join(" "));
  }
  putObject(h, "l");
  assert.equal(h.run("BITOP", "AND", "l", "missing"), ":0\r\n");
  assert.equal(db.find(enc.encode("l")), -1, "an empty BITOP result deletes the destination of any type");
});
