/**
 * COMMAND and its subcommands over TCP: reply shapes as Valkey 8.1 builds them from its command table.
 * Expectations were taken from the Valkey 8.1.1 reference server.
 */

import assert from "node:assert/strict";
import { Valkey } from "iovalkey";
import { createClient } from "redis";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

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

const GET_INFO = [
  "get",
  2,
  ["readonly", "fast"],
  1,
  1,
  1,
  ["@read", "@string", "@fast"],
  [],
  [[
    "flags",
    ["RO", "access"],
    "begin_search",
    ["type", "index", "spec", ["index", 1]],
    "find_keys",
    ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]],
  ]],
  [],
];

Deno.test({
  name: "COMMAND INFO get describes arity, flags, key range, categories and key specs",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.deepEqual(await c.call("COMMAND", "INFO", "get"), [GET_INFO]);
    }),
});

Deno.test({
  name: "COMMAND INFO names are case-insensitive and subcommands use the container|sub form",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const r = await c.call("COMMAND", "INFO", "GET", "memory|usage", "MEMORY|USAGE") as unknown[];
      assert.deepEqual(r[0], GET_INFO);
      const usage = [
        "memory|usage",
        -3,
        ["readonly"],
        2,
        2,
        1,
        ["@read", "@slow"],
        [],
        [[
          "flags",
          ["RO"],
          "begin_search",
          ["type", "index", "spec", ["index", 2]],
          "find_keys",
          ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]],
        ]],
        [],
      ];
      assert.deepEqual(r[1], usage);
      assert.deepEqual(r[2], usage);
    }),
});

Deno.test({
  name: "COMMAND INFO replies null for unknown commands and malformed full names",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const r = await c.call(
        "COMMAND",
        "INFO",
        "nosuch",
        "get|x",
        "config|nosuch",
        "config|get|x",
        "",
        "get",
      );
      assert.deepEqual((r as unknown[]).slice(0, 5), [null, null, null, null, null]);
      assert.equal(((r as unknown[])[5] as unknown[])[0], "get");
      assert.equal(await c.readRaw(0, 10).catch(() => ""), "");
      c.send("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$6\r\nnosuch\r\n");
      assert.equal(await c.readRaw(9), "*1\r\n$-1\r\n");
    }),
});

Deno.test({
  name: "COMMAND INFO of the legacy key range follows the key specs (MSET steps by two to the end)",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const [mset] = await c.call("COMMAND", "INFO", "mset") as unknown[][];
      assert.deepEqual(mset!.slice(0, 7), ["mset", -3, ["write", "denyoom"], 1, -1, 2, [
        "@write",
        "@string",
        "@slow",
      ]]);
      assert.deepEqual(mset![7], ["request_policy:multi_shard", "response_policy:all_succeeded"]);
    }),
});

Deno.test({
  name: "COMMAND INFO of a container lists its subcommands and has no key range",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const [config] = await c.call("COMMAND", "INFO", "config") as unknown[][];
      assert.deepEqual(config!.slice(0, 9), ["config", -2, [], 0, 0, 0, ["@slow"], [], []]);
      const subs = (config![9] as unknown[][]).map((s) => s[0]).sort();
      assert.deepEqual(subs, [
        "config|get",
        "config|help",
        "config|resetstat",
        "config|rewrite",
        "config|set",
      ]);
      const get = (config![9] as unknown[][]).find((s) => s[0] === "config|get")!;
      assert.deepEqual(get, [
        "config|get",
        -3,
        ["admin", "noscript", "loading", "stale"],
        0,
        0,
        0,
        ["@admin", "@slow", "@dangerous"],
        [],
        [],
        [],
      ]);
    }),
});

Deno.test({
  name: "COMMAND INFO shows the tips lower-cased and the hidden flags hidden",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const [info, debug, shutdown] = await c.call(
        "COMMAND",
        "INFO",
        "info",
        "debug",
        "shutdown",
      ) as unknown[][];
      assert.deepEqual(info!.slice(0, 8), [
        "info",
        -1,
        ["loading", "stale"],
        0,
        0,
        0,
        ["@slow", "@dangerous"],
        ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
      ]);
      // PROTECTED is hidden.
      assert.deepEqual(debug!.slice(0, 7), [
        "debug",
        -2,
        ["admin", "noscript", "loading", "stale"],
        0,
        0,
        0,
        ["@admin", "@slow", "@dangerous"],
      ]);
      // SENTINEL is hidden; DEBUG has no declared subcommands.
      assert.deepEqual(debug![9], []);
      assert.deepEqual(shutdown!.slice(0, 3), [
        "shutdown",
        -1,
        ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
      ]);
    }),
});

Deno.test({
  name: "COMMAND INFO in RESP3 uses sets and maps",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("HELLO", "3");
      c.send("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$3\r\nget\r\n");
      const expected = "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n" +
        "~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n" +
        "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n" +
        "$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n" +
        "$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n";
      assert.equal(await c.readRaw(expected.length), expected);
      c.send("*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$3\r\nfoo\r\n");
      assert.equal(await c.readRaw(6), "*1\r\n_\r\n");
    }),
});

Deno.test({
  name: "COMMAND with no argument describes every command, as many as COMMAND COUNT says",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const all = await c.call("COMMAND") as unknown[][];
      const count = await c.call("COMMAND", "COUNT");
      assert.equal(all.length, count);
      assert.equal((await c.call("COMMAND", "INFO") as unknown[]).length, count);
      const names = all.map((e) => e[0] as string);
      for (
        const n of [
          "get",
          "set",
          "command",
          "info",
          "config",
          "memory",
          "debug",
          "time",
          "lastsave",
          "shutdown",
        ]
      ) {
        assert.ok(names.includes(n), `${n} missing`);
      }
      assert.equal(new Set(names).size, names.length);
      for (const e of all) assert.equal(e.length, 10);
    }),
});

Deno.test({
  name: "COMMAND DOCS describes a container and its subcommands' arguments",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("HELLO", "3");
      const docs = await c.call("COMMAND", "DOCS", "memory") as Map<string, Map<string, unknown>>;
      const memory = docs.get("memory")!;
      assert.deepEqual([...memory.keys()], ["summary", "since", "group", "complexity", "subcommands"]);
      assert.equal(memory.get("summary"), "A container for memory diagnostics commands.");
      assert.equal(memory.get("since"), "4.0.0");
      assert.equal(memory.get("group"), "server");
      assert.equal(memory.get("complexity"), "Depends on subcommand.");
      const subs = memory.get("subcommands") as Map<string, Map<string, unknown>>;
      assert.deepEqual([...subs.keys()].sort(), [
        "memory|doctor",
        "memory|help",
        "memory|malloc-stats",
        "memory|purge",
        "memory|stats",
        "memory|usage",
      ]);
      const usage = subs.get("memory|usage")!;
      assert.equal(usage.get("summary"), "Estimates the memory usage of a key.");
      assert.equal(usage.get("complexity"), "O(N) where N is the number of samples.");
      assert.deepEqual(usage.get("arguments"), [
        new Map<string, unknown>([["name", "key"], ["type", "key"], ["display_text", "key"], [
          "key_spec_index",
          0,
        ]]),
        new Map<string, unknown>([
          ["name", "count"],
          ["type", "integer"],
          ["display_text", "count"],
          ["token", "SAMPLES"],
          ["flags", ["optional"]],
        ]),
      ]);
    }),
});

Deno.test({
  name: "COMMAND DOCS prints history, nested oneof and block arguments without display_text, and since",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("HELLO", "3");
      const docs = await c.call("COMMAND", "DOCS", "shutdown") as Map<string, Map<string, unknown>>;
      const m = (pairs: [string, unknown][]) => new Map<string, unknown>(pairs);
      const token = (name: string, tok: string, extra: [string, unknown][] = []) =>
        m([["name", name], ["type", "pure-token"], ["display_text", name], ["token", tok], ...extra]);
      assert.deepEqual(
        docs.get("shutdown"),
        m([
          ["summary", "Synchronously saves the database(s) to disk and shuts down the server."],
          ["since", "1.0.0"],
          ["group", "server"],
          [
            "complexity",
            "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
          ],
          ["history", [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]]],
          ["arguments", [
            m([["name", "abort-selector"], ["type", "oneof"], ["flags", ["optional"]], ["arguments", [
              m([["name", "save-selector-block"], ["type", "block"], ["arguments", [
                m([["name", "save-selector"], ["type", "oneof"], ["flags", ["optional"]], ["arguments", [
                  token("nosave", "NOSAVE"),
                  token("save", "SAVE"),
                ]]]),
                token("now", "NOW", [["since", "7.0.0"], ["flags", ["optional"]]]),
                token("force", "FORCE", [["since", "7.0.0"], ["flags", ["optional"]]]),
              ]]]),
              token("abort", "ABORT", [["since", "7.0.0"]]),
            ]]]),
          ]],
        ]),
      );
    }),
});

Deno.test({
  name: "COMMAND DOCS shows doc flags, skips unknown names, and covers every command without arguments",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const r = await c.call("COMMAND", "DOCS", "debug", "nosuch") as unknown[];
      assert.deepEqual(r, [
        "debug",
        [
          "summary",
          "A container for debugging commands.",
          "since",
          "1.0.0",
          "group",
          "server",
          "complexity",
          "Depends on subcommand.",
          "doc_flags",
          ["syscmd"],
        ],
      ]);
      assert.deepEqual(await c.call("COMMAND", "DOCS", "nosuch"), []);
      const all = await c.call("COMMAND", "DOCS") as unknown[];
      assert.equal(all.length, 2 * (await c.call("COMMAND", "COUNT") as number));
      const time = all[all.indexOf("time") + 1];
      assert.deepEqual(time, [
        "summary",
        "Returns the server time.",
        "since",
        "2.6.0",
        "group",
        "server",
        "complexity",
        "O(1)",
      ]);
    }),
});

Deno.test({
  name: "COMMAND GETKEYS and GETKEYSANDFLAGS find keys from the key specs",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.deepEqual(await c.call("COMMAND", "GETKEYS", "get", "k"), ["k"]);
      assert.deepEqual(await c.call("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"), ["a", "b"]);
      assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1", "b", "2"), [
        ["a", ["OW", "update"]],
        ["b", ["OW", "update"]],
      ]);
      assert.deepEqual(await c.call("COMMAND", "GETKEYS", "memory", "usage", "k"), ["k"]);
      assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "MEMORY", "USAGE", "k", "SAMPLES", "5"), [
        ["k", ["RO"]],
      ]);
      assert.deepEqual(await c.call("COMMAND", "GETKEYSANDFLAGS", "del", "a", "b"), [
        ["a", ["RM", "delete"]],
        ["b", ["RM", "delete"]],
      ]);
    }),
});

Deno.test({
  name: "COMMAND GETKEYS reports Valkey's errors for bad commands and arities",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS")),
        "ERR wrong number of arguments for 'command|getkeys' command",
      );
      assert.equal(err(await c.call("COMMAND", "GETKEYS", "nosuch", "a")), "ERR Invalid command specified");
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS", "config|get", "a")),
        "ERR Invalid command specified",
      );
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS", "config", "nosuch")),
        "ERR Invalid command specified",
      );
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS", "ping", "x")),
        "ERR The command has no key arguments",
      );
      assert.equal(err(await c.call("COMMAND", "GETKEYS", "config")), "ERR The command has no key arguments");
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS", "config", "get", "x")),
        "ERR The command has no key arguments",
      );
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS", "get")),
        "ERR Invalid number of arguments specified for command",
      );
      assert.equal(
        err(await c.call("COMMAND", "GETKEYS", "get", "a", "b")),
        "ERR Invalid number of arguments specified for command",
      );
      assert.equal(
        err(await c.call("COMMAND", "GETKEYSANDFLAGS", "mset", "a")),
        "ERR Invalid number of arguments specified for command",
      );
      // Key specs do not check the words they skip: MSET's step-2 range takes a trailing lone key.
      assert.deepEqual(await c.call("COMMAND", "GETKEYS", "mset", "a", "1", "b"), ["a", "b"]);
    }),
});

Deno.test({
  name: "COMMAND LIST names every command and subcommand, and filters by pattern, category or module",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const all = await c.call("COMMAND", "LIST") as string[];
      for (const n of ["get", "config", "config|get", "command|list", "memory|usage", "debug"]) {
        assert.ok(all.includes(n), n);
      }
      assert.ok(!all.includes("debug|sleep"));
      const config = await c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG*") as string[];
      assert.deepEqual(config.sort(), [
        "config",
        "config|get",
        "config|help",
        "config|resetstat",
        "config|rewrite",
        "config|set",
      ]);
      assert.deepEqual(
        (await c.call("command", "list", "filterby", "pattern", "memory|[su]*") as string[]).sort(),
        ["memory|stats", "memory|usage"],
      );
      const conn = await c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "CONNECTION") as string[];
      for (
        const n of [
          "command",
          "command|count",
          "command|docs",
          "command|getkeys",
          "command|info",
          "command|list",
        ]
      ) {
        assert.ok(conn.includes(n), n);
      }
      assert.ok(!conn.includes("get"));
      const dangerous = await c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "dangerous") as string[];
      for (const n of ["info", "debug", "shutdown", "lastsave", "config|get"]) {
        assert.ok(dangerous.includes(n), n);
      }
      assert.deepEqual(await c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"), []);
      assert.deepEqual(await c.call("COMMAND", "LIST", "FILTERBY", "MODULE", "nosuch"), []);
      assert.deepEqual(await c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"), []);
    }),
});

Deno.test({
  name: "COMMAND LIST rejects anything but one FILTERBY clause with a syntax error",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      for (
        const args of [
          ["x"],
          ["FILTERBY"],
          ["FILTERBY", "PATTERN"],
          ["FILTERBY", "foo", "x"],
          ["FILTERBY", "PATTERN", "a", "b"],
          ["FILTERBY", "PATTERN", "a", "FILTERBY", "PATTERN", "b"],
        ]
      ) assert.equal(err(await c.call("COMMAND", "LIST", ...args)), "ERR syntax error", args.join(" "));
    }),
});

Deno.test({
  name: "COMMAND HELP prints Valkey's text and unknown subcommands point to it",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      assert.deepEqual(await c.call("command", "help"), [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all commands.",
        "COUNT",
        "    Return the total number of commands in this server.",
        "LIST",
        "    Return a list of all commands in this server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full command.",
        "HELP",
        "    Print this help.",
      ]);
      assert.equal(err(await c.call("COMMAND", "foo")), "ERR unknown subcommand 'foo'. Try COMMAND HELP.");
      assert.equal(
        err(await c.call("COMMAND", "COUNT", "x")),
        "ERR wrong number of arguments for 'command|count' command",
      );
      assert.equal(
        err(await c.call("COMMAND", "HELP", "x")),
        "ERR wrong number of arguments for 'command|help' command",
      );
    }),
});

Deno.test({
  name: "client libraries read COMMAND replies (iovalkey, node-redis)",
  ...opts,
  fn: async () => {
    const v = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true });
    await v.connect();
    try {
      const count = await v.call("COMMAND", "COUNT") as number;
      assert.ok(count > 10);
      const [info] = await v.command("INFO", "get") as unknown[][];
      assert.equal(info![0], "get");
      assert.deepEqual(await v.call("COMMAND", "GETKEYS", "mset", "x", "1", "y", "2"), ["x", "y"]);
    } finally {
      v.disconnect();
    }
    const r = createClient({ socket: { port: srv.port, host: srv.host } });
    await r.connect();
    try {
      assert.equal(await r.commandCount(), await r.sendCommand(["COMMAND", "COUNT"]));
      assert.deepEqual(await r.commandGetKeys(["get", "k"]), ["k"]);
      const list = await r.sendCommand(["COMMAND", "LIST", "FILTERBY", "PATTERN", "lastsave"]);
      assert.deepEqual(list, ["lastsave"]);
    } finally {
      await r.quit();
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
