/**
 * TIME, LASTSAVE, DEBUG, MEMORY and SHUTDOWN over TCP, with Valkey 8.1's replies and errors.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Valkey } from "iovalkey";
import { isValkyr, startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { waitUntil } from "../helpers/timing.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

async function withConn<T>(fn: (c: RawConn) => Promise<T>): Promise<T> {
  const c = await RawConn.connect(srv.port, srv.host);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

function err(r: unknown): string {
  assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
  return r.message;
}

/** Sends one request and returns the raw reply bytes (at least `n`). */
async function raw(c: RawConn, n: number, ...args: string[]): Promise<string> {
  c.send(
    `*${args.length}\r\n${args.map((a) => `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`).join("")}`,
  );
  return await c.readRaw(n);
}

const debugObjectRe =
  /^Value at:0x[0-9a-f]+ refcount:1 encoding:(\S+)(?: serializedlength:(\d+))? lru:(\d+) lru_seconds_idle:(\d+) lfu_freq:(\d+) lfu_access_time_minutes:(\d+)$/;

// --- TIME / LASTSAVE -------------------------------------------------------------------------------

Deno.test({
  name: "TIME replies the unix time in seconds and microseconds as bulk strings",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const before = Date.now();
      const [sec, usec] = await c.call("TIME") as string[];
      const after = Date.now();
      assert.match(sec!, /^\d+$/);
      assert.match(usec!, /^\d+$/);
      assert.ok(Number(usec) < 1e6);
      const ms = Number(sec) * 1000 + Number(usec) / 1000;
      assert.ok(ms >= before - 1000 && ms <= after + 1000, `${ms} not in ${before}..${after}`);
      assert.match(await c.readRaw(0, 10).catch(() => ""), /^$/);
      const r = await raw(c, 10, "TIME");
      assert.match(r, /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d+\r\n$/);
    }),
});

Deno.test({
  name: "TIME and LASTSAVE take no arguments",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(err(await c.call("TIME", "x")), "ERR wrong number of arguments for 'time' command");
      assert.equal(
        err(await c.call("LASTSAVE", "x")),
        "ERR wrong number of arguments for 'lastsave' command",
      );
    }),
});

Deno.test({
  name: "LASTSAVE replies the time of the last save, the start time when nothing was saved",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const t = await c.call("LASTSAVE") as number;
      assert.equal(typeof t, "number");
      assert.ok(t <= Date.now() / 1000 + 1 && t > Date.now() / 1000 - 600);
    }),
});

// --- DEBUG -----------------------------------------------------------------------------------------

Deno.test({
  name: "DEBUG SLEEP stops the whole server for the given seconds",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const other = await RawConn.connect(srv.port, srv.host);
      try {
        await other.call("PING");
        const t0 = Date.now();
        c.send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.3\r\n");
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(await other.call("PING"), "PONG");
        const waited = Date.now() - t0;
        assert.ok(waited >= 280, `PING answered after ${waited} ms`);
        assert.equal(await c.read(), "OK");
      } finally {
        other.close();
      }
    }),
});

Deno.test({
  name: "DEBUG SLEEP reads its number like strtod and returns at once for zero, negative or junk",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      for (const v of ["0", "-1", "abc", "", "nan", "-inf"]) {
        const t0 = Date.now();
        assert.equal(await c.call("DEBUG", "SLEEP", v), "OK", v);
        // No sleep at all: the bound leaves room for a stall of the loaded machine, not for a real wait.
        assert.ok(Date.now() - t0 < 1000, v);
      }
      const t0 = Date.now();
      assert.equal(await c.call("DEBUG", "sleep", "0.1xyz"), "OK");
      assert.ok(Date.now() - t0 >= 90);
    }),
});

Deno.test({
  name: "DEBUG OBJECT describes a string value with its encoding and RDB length",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const cases: [string, string, number][] = [
        ["5", "int", 2],
        ["-128", "int", 2],
        ["200", "int", 3],
        ["123456", "int", 5],
        ["1234567890123", "int", 14],
        ["hello", "embstr", 6],
        ["007", "embstr", 4],
        ["abcdefghijklmnopqrstuvwxy", "embstr", 26],
        ["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()", "raw", 74],
      ];
      for (const [value, enc, len] of cases) {
        await c.call("SET", "dbg:o", value);
        const line = await c.call("DEBUG", "OBJECT", "dbg:o") as string;
        const m = debugObjectRe.exec(line);
        assert.ok(m !== null, line);
        assert.equal(m[1], enc, value);
        assert.equal(Number(m[2]), len, value);
        assert.ok(Number(m[4]) < 5);
        // lru is the LRU clock (seconds, 24 bits) of the last access.
        assert.ok(Math.abs(Number(m[3]) - (Math.floor(Date.now() / 1000) & 0xffffff)) <= 2, line);
      }
      // A numeric string that is not an INT (made by SETRANGE) is still saved as an integer.
      await c.call("DEL", "dbg:o");
      await c.call("SETRANGE", "dbg:o", "0", "12345");
      const m = debugObjectRe.exec(await c.call("DEBUG", "OBJECT", "dbg:o") as string)!;
      assert.equal(m[1], "raw");
      assert.equal(m[2], "3");
    }),
});

Deno.test({
  name: "DEBUG OBJECT fast leaves out the serialized length; other fourth words are ignored",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("SET", "dbg:f", "hello");
      const fast = await c.call("DEBUG", "OBJECT", "dbg:f", "FAST") as string;
      assert.ok(debugObjectRe.test(fast));
      assert.ok(!fast.includes("serializedlength"));
      assert.ok((await c.call("DEBUG", "OBJECT", "dbg:f", "other") as string).includes("serializedlength:6"));
    }),
});

Deno.test({
  name: "DEBUG OBJECT errors on a missing key and on a wrong number of words",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("DEL", "dbg:none");
      assert.equal(err(await c.call("DEBUG", "OBJECT", "dbg:none")), "ERR no such key");
      assert.equal(
        err(await c.call("DEBUG", "OBJECT")),
        "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.",
      );
      assert.equal(
        err(await c.call("DEBUG", "object", "a", "b", "c")),
        "ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.",
      );
    }),
});

Deno.test({
  name: "DEBUG without a subcommand, or with an unknown one, is an error",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(err(await c.call("DEBUG")), "ERR wrong number of arguments for 'debug' command");
      assert.equal(
        err(await c.call("debug", "nosuch")),
        "ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.",
      );
      for (const args of [["SLEEP"], ["SLEEP", "1", "2"], ["LOG"], ["ERROR"], ["PROTOCOL"], ["HELP", "x"]]) {
        assert.equal(
          err(await c.call("DEBUG", ...args)),
          `ERR unknown subcommand or wrong number of arguments for '${args[0]}'. Try DEBUG HELP.`,
        );
      }
    }),
});

Deno.test({
  name: "DEBUG HELP prints the subcommands in Valkey's help format",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const help = await c.call("DEBUG", "HELP") as string[];
      assert.equal(help[0], "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      assert.deepEqual(help.slice(-2), ["HELP", "    Print this help."]);
      for (
        const l of ["SLEEP <seconds>", "OBJECT <key> [fast]", "SET-ACTIVE-EXPIRE <0|1>", "PROTOCOL <type>"]
      ) {
        assert.ok(help.includes(l), l);
      }
      const i = help.indexOf("SLEEP <seconds>");
      assert.equal(help[i + 1], "    Stop the server for <seconds>. Decimals allowed.");
    }),
});

Deno.test({
  name: "DEBUG PROTOCOL replies each RESP2 type",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const cases: [string, string][] = [
        ["string", "$11\r\nHello World\r\n"],
        ["integer", ":12345\r\n"],
        ["double", "$5\r\n3.141\r\n"],
        ["bignum", "$37\r\n1234567999999999999999999999999999999\r\n"],
        ["null", "$-1\r\n"],
        ["array", "*3\r\n:0\r\n:1\r\n:2\r\n"],
        ["set", "*3\r\n:0\r\n:1\r\n:2\r\n"],
        ["map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n"],
        ["attrib", "$39\r\nSome real reply following the attribute\r\n"],
        ["true", ":1\r\n"],
        ["false", ":0\r\n"],
        ["verbatim", "$25\r\nThis is a verbatim\nstring\r\n"],
        ["push", "-ERR RESP2 is not supported by this command\r\n"],
      ];
      for (const [type, expected] of cases) {
        assert.equal(await raw(c, expected.length, "DEBUG", "PROTOCOL", type), expected, type);
      }
      assert.equal(
        err(await c.call("DEBUG", "PROTOCOL", "nosuch")),
        "ERR Wrong protocol type name. Please use one of the following: " +
          "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
      );
    }),
});

Deno.test({
  name: "DEBUG PROTOCOL replies each RESP3 type",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("HELLO", "3");
      const cases: [string, string][] = [
        ["STRING", "$11\r\nHello World\r\n"],
        ["double", ",3.141\r\n"],
        ["bignum", "(1234567999999999999999999999999999999\r\n"],
        ["null", "_\r\n"],
        ["set", "~3\r\n:0\r\n:1\r\n:2\r\n"],
        ["map", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"],
        [
          "attrib",
          "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
        ],
        // Valkey sends a push produced while a command runs after that command's reply.
        [
          "push",
          "$40\r\nSome real reply following the push reply\r\n>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n",
        ],
        ["true", "#t\r\n"],
        ["false", "#f\r\n"],
        ["verbatim", "=29\r\ntxt:This is a verbatim\nstring\r\n"],
      ];
      for (const [type, expected] of cases) {
        assert.equal(await raw(c, expected.length, "DEBUG", "PROTOCOL", type), expected, type);
      }
    }),
});

Deno.test({
  name: "DEBUG ERROR replies the given error verbatim without counting it",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("CONFIG", "RESETSTAT");
      assert.equal(await raw(c, 15, "DEBUG", "ERROR", "MYERR the text"), "-MYERR the text\r\n");
      assert.equal(await raw(c, 7, "DEBUG", "ERROR", "a\r\nb"), "-a  b\r\n");
      assert.equal(await raw(c, 3, "DEBUG", "ERROR", ""), "-\r\n");
      const stats = await c.call("INFO", "errorstats") as string;
      assert.equal(stats, "# Errorstats\r\n");
    }),
});

Deno.test({
  name: "DEBUG LOG writes the message to the server log",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("DEBUG", "LOG", "hello from the test"), "OK");
      // The log arrives through the process's stdout pipe, maybe after the reply did.
      await waitUntil(() => /# DEBUG LOG: hello from the test\n/.test(srv.output()), "the DEBUG LOG line");
    }),
});

Deno.test({
  name: "DEBUG POPULATE creates key:N strings, skipping keys that exist",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("SELECT", "3");
      await c.call("FLUSHDB");
      await c.call("SET", "key:1", "mine");
      assert.equal(await c.call("DEBUG", "POPULATE", "3"), "OK");
      assert.equal(await c.call("DBSIZE"), 3);
      assert.deepEqual(await c.call("MGET", "key:0", "key:1", "key:2"), ["value:0", "mine", "value:2"]);
      const m = debugObjectRe.exec(await c.call("DEBUG", "OBJECT", "key:0") as string)!;
      assert.equal(m[1], "embstr");
      assert.equal(await c.call("TTL", "key:0"), -1);
      assert.equal(await c.call("DEBUG", "POPULATE", "0"), "OK");
      assert.equal(await c.call("DBSIZE"), 3);
      await c.call("FLUSHDB");
      await c.call("SELECT", "0");
    }),
});

Deno.test({
  name: "DEBUG POPULATE takes a prefix and a value size that cuts or zero-pads the value",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("SELECT", "3");
      await c.call("FLUSHDB");
      assert.equal(await c.call("DEBUG", "POPULATE", "2", "p", "3"), "OK");
      assert.deepEqual(await c.call("MGET", "p:0", "p:1"), ["val", "val"]);
      assert.equal(await c.call("DEBUG", "POPULATE", "1", "z", "10"), "OK");
      assert.deepEqual(
        new Uint8Array(await c.callBytes("GET", "z:0") as Uint8Array),
        new TextEncoder().encode("value:0\0\0\0"),
      );
      assert.equal(await c.call("DEBUG", "POPULATE", "1", "big", "60"), "OK");
      assert.equal(debugObjectRe.exec(await c.call("DEBUG", "OBJECT", "big:0") as string)![1], "raw");
      assert.equal(await c.call("STRLEN", "big:0"), 60);
      await c.call("FLUSHDB");
      await c.call("SELECT", "0");
    }),
});

Deno.test({
  name: "DEBUG POPULATE rejects negative or non-numeric counts and sizes",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const e = "ERR value is out of range, must be positive";
      assert.equal(err(await c.call("DEBUG", "POPULATE", "-1")), e);
      assert.equal(err(await c.call("DEBUG", "POPULATE", "abc")), e);
      assert.equal(err(await c.call("DEBUG", "POPULATE", "1", "x", "-5")), e);
      assert.equal(err(await c.call("DEBUG", "POPULATE", "1", "x", "y")), e);
      assert.equal(
        err(await c.call("DEBUG", "POPULATE", "1", "x", "1", "2")),
        "ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.",
      );
    }),
});

Deno.test({
  name: "DEBUG SET-ACTIVE-EXPIRE 0 stops expiring keys in the background, 1 resumes it",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("SELECT", "4");
      await c.call("FLUSHDB");
      assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
      try {
        for (let i = 0; i < 10; i++) await c.call("SET", `ae:${i}`, "v", "PX", "10");
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(await c.call("DBSIZE"), 10);
      } finally {
        assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "OK");
      }
      await waitUntil(async () => (await c.call("DBSIZE")) === 0, "active expiry to resume");
      await c.call("SELECT", "0");
    }),
});

Deno.test({
  name: "DEBUG CHANGE-REPL-ID gives the server a new replication ID",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const id = () =>
        c.call("INFO", "replication").then((t) => /master_replid:([0-9a-f]{40})/.exec(t as string)![1]);
      const before = await id();
      assert.equal(await c.call("DEBUG", "CHANGE-REPL-ID"), "OK");
      const after = await id();
      assert.notEqual(after, before);
      assert.equal(await id(), after);
    }),
});

Deno.test({
  name: "DEBUG is refused when enable-debug-command is no",
  ...opts,
  fn: async () => {
    const s = await startServer(["--enable-debug-command", "no"]);
    try {
      const c = await RawConn.connect(s.port, s.host);
      try {
        assert.equal(
          err(await c.call("DEBUG", "SLEEP", "0")),
          'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it ' +
            "from a local connection, otherwise you need to set this option in the configuration file, and then " +
            "restart the server.",
        );
      } finally {
        c.close();
      }
    } finally {
      await s.stop();
    }
  },
});

// --- MEMORY ----------------------------------------------------------------------------------------

Deno.test({
  name: "MEMORY USAGE estimates a key's bytes and is null for a missing key",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("SET", "mem:k", "v");
      const small = await c.call("MEMORY", "USAGE", "mem:k") as number;
      assert.ok(Number.isInteger(small) && small > 0);
      await c.call("SET", "mem:big", "x".repeat(10000));
      const big = await c.call("MEMORY", "USAGE", "mem:big") as number;
      assert.ok(big >= 10000 && big < 12000, String(big));
      assert.equal(await c.call("MEMORY", "USAGE", "mem:big", "SAMPLES", "0"), big);
      assert.equal(await c.call("memory", "usage", "mem:big", "samples", "5", "SAMPLES", "1"), big);
      await c.call("DEL", "mem:none");
      assert.equal(await c.call("MEMORY", "USAGE", "mem:none"), null);
      assert.equal(await raw(c, 5, "MEMORY", "USAGE", "mem:none"), "$-1\r\n");
    }),
});

Deno.test({
  name: "MEMORY USAGE checks its options before the key",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("DEL", "mem:none");
      assert.equal(err(await c.call("MEMORY", "USAGE", "mem:none", "SAMPLES")), "ERR syntax error");
      assert.equal(err(await c.call("MEMORY", "USAGE", "mem:none", "SAMPLES", "-1")), "ERR syntax error");
      assert.equal(err(await c.call("MEMORY", "USAGE", "mem:none", "foo")), "ERR syntax error");
      assert.equal(
        err(await c.call("MEMORY", "USAGE", "mem:none", "SAMPLES", "x")),
        "ERR value is not an integer or out of range",
      );
      assert.equal(
        err(await c.call("MEMORY", "USAGE")),
        "ERR wrong number of arguments for 'memory|usage' command",
      );
    }),
});

Deno.test({
  name: "MEMORY STATS lists Valkey 8.1's fields with a map per database that has keys",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("SET", "mem:s", "v");
      await c.call("HELLO", "3");
      const stats = await c.call("MEMORY", "STATS") as Map<string, unknown>;
      const keys = [...stats.keys()];
      const dbKeys = keys.filter((k) => /^db\.\d+$/.test(k));
      assert.ok(dbKeys.includes("db.0"));
      assert.deepEqual(keys.filter((k) => !dbKeys.includes(k)), [
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "replication.backlog",
        "clients.slaves",
        "clients.normal",
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
        "overhead.db.hashtable.lut",
        "overhead.db.hashtable.rehashing",
        "overhead.total",
        "db.dict.rehashing.count",
        "keys.count",
        "keys.bytes-per-key",
        "dataset.bytes",
        "dataset.percentage",
        "peak.percentage",
        "allocator.allocated",
        "allocator.active",
        "allocator.resident",
        "allocator.muzzy",
        "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes",
        "allocator-rss.ratio",
        "allocator-rss.bytes",
        "rss-overhead.ratio",
        "rss-overhead.bytes",
        "fragmentation",
        "fragmentation.bytes",
      ]);
      assert.equal(keys.indexOf("db.0"), 10);
      const db0 = stats.get("db.0") as Map<string, unknown>;
      assert.deepEqual([...db0.keys()], ["overhead.hashtable.main", "overhead.hashtable.expires"]);
      assert.ok((stats.get("keys.count") as number) >= 1);
      // Valkey refreshes the peak in its cron, so it may lag behind total.allocated here.
      assert.ok((stats.get("peak.allocated") as number) > 0 && (stats.get("total.allocated") as number) > 0);
      for (const k of ["dataset.percentage", "peak.percentage", "fragmentation", "allocator-rss.ratio"]) {
        assert.equal(typeof stats.get(k), "number", k);
      }
      assert.equal(
        err(await c.call("MEMORY", "STATS", "x")),
        "ERR wrong number of arguments for 'memory|stats' command",
      );
    }),
});

Deno.test({
  name: "MEMORY DOCTOR, MALLOC-STATS and PURGE answer",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const doctor = await c.call("MEMORY", "DOCTOR") as string;
      assert.match(doctor, /Sam/);
      assert.ok(doctor.endsWith("\n"));
      assert.equal(typeof await c.call("MEMORY", "MALLOC-STATS"), "string");
      if (isValkyr()) {
        assert.equal(await c.call("MEMORY", "MALLOC-STATS"), "Stats not supported for the current allocator");
      }
      assert.equal(await c.call("MEMORY", "PURGE"), "OK");
    }),
});

Deno.test({
  name: "MEMORY DOCTOR calls an almost empty instance empty",
  ...opts,
  fn: async () => {
    const s = await startServer();
    try {
      const c = await RawConn.connect(s.port, s.host);
      try {
        assert.equal(
          await c.call("MEMORY", "DOCTOR"),
          "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in " +
            "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and " +
            "I will be back to our programming as soon as I finished rebooting.\n",
        );
      } finally {
        c.close();
      }
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name: "MEMORY HELP prints Valkey's text; a missing or unknown subcommand is an error",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      assert.deepEqual(await c.call("memory", "help"), [
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Print this help.",
      ]);
      assert.equal(err(await c.call("MEMORY")), "ERR wrong number of arguments for 'memory' command");
      assert.equal(err(await c.call("MEMORY", "foo")), "ERR unknown subcommand 'foo'. Try MEMORY HELP.");
    }),
});

// --- SHUTDOWN --------------------------------------------------------------------------------------

Deno.test({
  name: "SHUTDOWN ABORT without a shutdown in progress is an error",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(err(await c.call("SHUTDOWN", "ABORT")), "ERR No shutdown in progress.");
    }),
});

Deno.test({
  name: "SHUTDOWN rejects unknown words and incompatible options with a syntax error",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      for (
        const args of [
          ["foo"],
          ["NOSAVE", "SAVE"],
          ["ABORT", "NOW"],
          ["ABORT", "NOSAVE"],
          ["FORCE", "ABORT"],
          ["NOW", "x"],
        ]
      ) assert.equal(err(await c.call("SHUTDOWN", ...args)), "ERR syntax error", args.join(" "));
      assert.equal(await c.call("PING"), "PONG");
    }),
});

async function expectShutdown(args: string[]): Promise<void> {
  const s = await startServer();
  const c = await RawConn.connect(s.port, s.host);
  try {
    c.send(
      `*${args.length + 1}\r\n$8\r\nSHUTDOWN\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`,
    );
    c.send("*1\r\n$4\r\nPING\r\n");
    assert.equal(await c.waitClosed(5000), true, "the connection is closed");
    assert.equal(await c.readRaw(0, 10).catch(() => ""), "", "no reply");
    const code = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r("timeout"), 5000))]);
    assert.equal(code, 0);
    assert.match(s.output(), /User requested shutdown\.\.\./);
    assert.match(s.output(), /is now ready to exit, bye bye\.\.\./);
  } finally {
    c.close();
    await s.stop();
  }
}

Deno.test({
  name: "SHUTDOWN without save points stops the server, which exits with code 0",
  ...opts,
  fn: () => expectShutdown([]),
});

Deno.test({
  name: "SHUTDOWN NOSAVE NOW FORCE stops the server, which exits with code 0",
  ...opts,
  fn: () => expectShutdown(["nosave", "NOW", "force"]),
});

Deno.test({
  name: "SHUTDOWN SAVE fails when the save fails, and the server keeps serving",
  ...opts,
  ignore: srv.ownProcess === false,
  fn: async () => {
    // A directory in the way of dump.rdb makes the final rename fail.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-shutdown-"));
    const own = await startServer(["--dir", dir]);
    fs.mkdirSync(path.join(dir, "dump.rdb"));
    fs.writeFileSync(path.join(dir, "dump.rdb", "x"), "x");
    const c = await RawConn.connect(own.port, own.host);
    try {
      c.send("*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n*1\r\n$4\r\nPING\r\n");
      assert.equal(await c.readRaw(52), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n+PONG\r\n");
      const stats = await c.call("INFO", "commandstats") as string;
      assert.match(
        stats,
        /cmdstat_shutdown:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=\d+,failed_calls=[1-9]/,
      );
    } finally {
      c.close();
      await own.stop();
      fs.rmSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "client libraries call TIME and MEMORY USAGE (iovalkey)",
  ...opts,
  fn: async () => {
    const v = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true });
    await v.connect();
    try {
      const [sec] = await v.time();
      assert.ok(Math.abs(Number(sec) - Date.now() / 1000) < 5);
      await v.set("mem:lib", "value");
      assert.ok((await v.memory("USAGE", "mem:lib") as number) > 0);
      assert.ok((await v.lastsave()) > 0);
    } finally {
      v.disconnect();
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
