import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { Config, ConfigError, ConfigRewriteError } from "./config.ts";
import { Invalid, type SpecialDirective } from "./directives.ts";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-config-"));
}

function fatal(reason: string, line?: [number, string]): string {
  return "\n*** FATAL CONFIG FILE ERROR (Version 8.1.1) ***\n" +
    (line === undefined ? "" : `Reading the configuration file, at line ${line[0]}\n>>> '${line[1]}'\n`) +
    `${reason}\n`;
}

function loadError(text: string): ConfigError {
  const c = new Config();
  try {
    c.loadText(text, "test.conf");
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a config error");
}

const failed = (name: string, reason: string) =>
  `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;

// The values a fresh valkey-server 8.1.1 prints for CONFIG GET (captured from the reference binary).
const VALKEY_DEFAULTS: [string, string][] = [
  ["daemonize", "no"],
  ["protected-mode", "yes"],
  ["lazyfree-lazy-eviction", "yes"],
  ["lazyfree-lazy-expire", "yes"],
  ["lazyfree-lazy-server-del", "yes"],
  ["lazyfree-lazy-user-del", "yes"],
  ["lazyfree-lazy-user-flush", "yes"],
  ["appendonly", "no"],
  ["latency-tracking", "yes"],
  ["unixsocket", ""],
  ["pidfile", ""],
  ["dbfilename", "dump.rdb"],
  ["appendfilename", "appendonly.aof"],
  ["appenddirname", "appendonlydir"],
  ["logfile", ""],
  ["requirepass", ""],
  ["availability-zone", ""],
  ["loglevel", "notice"],
  ["maxmemory-policy", "noeviction"],
  ["appendfsync", "everysec"],
  ["oom-score-adj", "no"],
  ["oom-score-adj-values", "0 200 800"],
  ["enable-protected-configs", "no"],
  ["enable-debug-command", "no"],
  ["enable-module-command", "no"],
  ["databases", "16"],
  ["port", "6379"],
  ["io-threads", "1"],
  ["list-max-listpack-size", "-2"],
  ["tcp-keepalive", "300"],
  ["lfu-log-factor", "10"],
  ["lfu-decay-time", "1"],
  ["maxmemory-samples", "5"],
  ["timeout", "0"],
  ["tcp-backlog", "511"],
  ["list-compress-depth", "0"],
  ["active-expire-effort", "1"],
  ["hz", "10"],
  ["maxclients", "10000"],
  ["unixsocketperm", "0"],
  ["unixsocketgroup", ""],
  ["commandlog-slow-execution-max-len", "128"],
  ["commandlog-large-request-max-len", "128"],
  ["commandlog-large-reply-max-len", "128"],
  ["commandlog-execution-slower-than", "10000"],
  ["commandlog-request-larger-than", "1048576"],
  ["commandlog-reply-larger-than", "1048576"],
  ["latency-monitor-threshold", "0"],
  ["proto-max-bulk-len", "536870912"],
  ["stream-node-max-entries", "100"],
  ["maxmemory", "0"],
  ["hash-max-listpack-entries", "512"],
  ["set-max-intset-entries", "512"],
  ["set-max-listpack-entries", "128"],
  ["set-max-listpack-value", "64"],
  ["zset-max-listpack-entries", "128"],
  ["hash-max-listpack-value", "64"],
  ["stream-node-max-bytes", "4096"],
  ["zset-max-listpack-value", "64"],
  ["client-query-buffer-limit", "1073741824"],
  ["maxmemory-clients", "0"],
  ["save", "3600 1 300 100 60 10000"],
  ["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
  ["notify-keyspace-events", ""],
  ["bind", "* -::*"],
  ["latency-tracking-info-percentiles", "50 99 99.9"],
  ["slowlog-max-len", "128"],
  ["slowlog-log-slower-than", "10000"],
  ["hash-max-ziplist-entries", "512"],
  ["zset-max-ziplist-value", "64"],
  ["list-max-ziplist-size", "-2"],
  ["bind-source-addr", ""],
  ["busy-reply-threshold", "5000"],
  ["lua-time-limit", "5000"],
];

Deno.test("every directive starts at Valkey 8.1's default, printed as CONFIG GET prints it", () => {
  const c = new Config();
  for (const [name, value] of VALKEY_DEFAULTS) assert.equal(c.get(name), value, name);
  assert.equal(c.get("dir"), fs.realpathSync(process.cwd()));
});

Deno.test("typed getters read each kind of directive", () => {
  const c = new Config();
  assert.equal(c.getInt("port"), 6379);
  assert.equal(c.getInt("maxclients"), 10000);
  assert.equal(c.getInt("proto-max-bulk-len"), 512 * 1024 * 1024);
  assert.equal(c.getBigInt("maxmemory"), 0n);
  assert.equal(c.getBool("protected-mode"), true);
  assert.equal(c.getEnum("loglevel"), "notice");
  assert.equal(c.getStr("dbfilename"), "dump.rdb");
  assert.equal(c.getStr("requirepass"), "");
  assert.deepEqual(c.getSave(), [[3600, 1], [300, 100], [60, 10000]]);
  assert.deepEqual(c.getBind(), ["*", "-::*"]);
  assert.deepEqual(c.getClientOutputBufferLimit("replica"), {
    hard: 256 * 1024 * 1024,
    soft: 64 * 1024 * 1024,
    softSeconds: 60,
  });
  assert.deepEqual(c.getClientOutputBufferLimit("normal"), { hard: 0, soft: 0, softSeconds: 0 });
  assert.equal(c.getNotifyKeyspaceEvents(), 0);
  assert.deepEqual(c.getLatencyPercentiles(), [50, 99, 99.9]);
  assert.deepEqual(c.getOomScoreAdjValues(), [0, 200, 800]);
  assert.throws(() => c.getInt("loglevel"), /not a number/);
  assert.throws(() => c.get("no-such-thing"), /unknown config/);
});

Deno.test("getters see every change, including a rolled-back one", () => {
  const c = new Config();
  assert.equal(c.getInt("timeout"), 0);
  assert.equal(c.getEnum("loglevel"), "notice");
  assert.equal(c.getClientOutputBufferLimit("pubsub").softSeconds, 60);
  assert.equal(
    c.set([["timeout", "9"], ["loglevel", "debug"], ["client-output-buffer-limit", "pubsub 1 2 3"]]),
    null,
  );
  assert.equal(c.getInt("timeout"), 9);
  assert.equal(c.getEnum("loglevel"), "debug");
  assert.deepEqual(c.getClientOutputBufferLimit("pubsub"), { hard: 1, soft: 2, softSeconds: 3 });
  assert.notEqual(c.set([["timeout", "1"], ["loglevel", "x"]]), null);
  assert.equal(c.getInt("timeout"), 9);
  c.loadText("timeout 11", "t");
  assert.equal(c.getInt("TIMEOUT"), 11);
});

Deno.test("CONFIG SET parses booleans, enums and strings without regard to case", () => {
  const c = new Config();
  assert.equal(c.set([["protected-mode", "NO"], ["lazyfree-lazy-eviction", "Yes"]]), null);
  assert.equal(c.get("protected-mode"), "no");
  assert.equal(c.set([["maxmemory-policy", "ALLKEYS-LRU"]]), null);
  assert.equal(c.get("maxmemory-policy"), "allkeys-lru");
  assert.equal(c.set([["MAXMEMORY", "10"]]), null);
  assert.equal(c.get("maxmemory"), "10");
  assert.equal(
    c.set([["protected-mode", "maybe"]]),
    failed("protected-mode", "argument must be 'yes' or 'no'"),
  );
  assert.equal(
    c.set([["loglevel", "foo"]]),
    failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning, nothing"),
  );
});

Deno.test("CONFIG SET takes memory sizes with units and saturates huge ones", () => {
  const c = new Config();
  assert.equal(c.set([["maxmemory", "1K"]]), null);
  assert.equal(c.get("maxmemory"), "1000");
  assert.equal(c.set([["maxmemory", "1gb"]]), null);
  assert.equal(c.getInt("maxmemory"), 1073741824);
  assert.equal(c.set([["maxmemory", ""]]), null);
  assert.equal(c.get("maxmemory"), "0");
  assert.equal(c.set([["maxmemory", "99999999999999999999"]]), null);
  assert.equal(c.get("maxmemory"), "18446744073709551615");
  assert.equal(c.getBigInt("maxmemory"), (1n << 64n) - 1n);
  assert.equal(c.set([["maxmemory", "1.5gb"]]), failed("maxmemory", "argument must be a memory value"));
  assert.equal(c.set([["hash-max-listpack-value", "1k"]]), null);
  assert.equal(c.get("hash-max-listpack-value"), "1000");
  assert.equal(
    c.set([["proto-max-bulk-len", "1k"]]),
    failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive"),
  );
  assert.equal(
    c.set([["proto-max-bulk-len", "99999999999999999999"]]),
    failed("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive"),
  );
});

Deno.test("CONFIG SET checks integer syntax and ranges with Valkey's texts", () => {
  const c = new Config();
  const cases: [string, string, string][] = [
    ["maxclients", "0", "argument must be between 1 and 4294967295 inclusive"],
    ["maxclients", "-1", "argument must be between 1 and 4294967295 inclusive"],
    ["list-max-listpack-size", "3000000000", "argument must be between -2147483648 and 2147483647 inclusive"],
    [
      "commandlog-execution-slower-than",
      "-2",
      "argument must be between -1 and 9223372036854775807 inclusive",
    ],
    ["timeout", "-1", "argument must be between 0 and 2147483647 inclusive"],
    ["timeout", "abc", "argument couldn't be parsed into an integer"],
    ["timeout", "1k", "argument couldn't be parsed into an integer"],
    ["timeout", "01", "argument couldn't be parsed into an integer"],
    ["tcp-keepalive", " 5", "argument couldn't be parsed into an integer"],
    ["tcp-keepalive", "+5", "argument couldn't be parsed into an integer"],
    ["set-max-listpack-value", "1k", "argument couldn't be parsed into an integer"],
    ["maxmemory-samples", "65", "argument must be between 1 and 64 inclusive"],
  ];
  for (const [name, value, reason] of cases) {
    assert.equal(c.set([[name, value]]), failed(name, reason), value);
  }
  assert.equal(c.set([["list-max-listpack-size", "-5"], ["commandlog-execution-slower-than", "-1"]]), null);
  assert.equal(c.getInt("list-max-listpack-size"), -5);
  assert.equal(c.get("slowlog-log-slower-than"), "-1");
});

Deno.test("percentages are accepted where Valkey allows them and held negated", () => {
  const c = new Config();
  assert.equal(c.set([["maxmemory-clients", "10%"]]), null);
  assert.equal(c.get("maxmemory-clients"), "10%");
  assert.equal(c.getInt("maxmemory-clients"), -10);
  assert.equal(c.set([["maxmemory-clients", "100%"]]), null);
  assert.equal(c.get("maxmemory-clients"), "100%");
  assert.equal(c.set([["maxmemory-clients", "0%"]]), null);
  assert.equal(c.get("maxmemory-clients"), "0");
  assert.equal(
    c.set([["maxmemory-clients", "101%"]]),
    failed("maxmemory-clients", "percentage argument must be less or equal to 100"),
  );
  for (const bad of ["-5", "-0%", "01%", "abc", "%"]) {
    assert.equal(
      c.set([["maxmemory-clients", bad]]),
      failed("maxmemory-clients", "argument must be a memory or percent value"),
    );
  }
  assert.equal(c.set([["maxmemory-clients", "1mb"]]), null);
  assert.equal(c.get("maxmemory-clients"), "1048576");
});

Deno.test("hz out of range is accepted and held clamped to 1..500", () => {
  const c = new Config();
  assert.equal(c.set([["hz", "1000"]]), null);
  assert.equal(c.get("hz"), "500");
  assert.equal(c.set([["hz", "0"]]), null);
  assert.equal(c.get("hz"), "1");
  c.loadText("hz 9999", "t");
  assert.equal(c.getInt("hz"), 500);
});

Deno.test("CONFIG SET of save splits at single spaces and checks every rule", () => {
  const c = new Config();
  assert.equal(c.set([["save", "100 10 50 5"]]), null);
  assert.equal(c.get("save"), "100 10 50 5");
  assert.equal(c.set([["save", ""]]), null);
  assert.equal(c.get("save"), "");
  assert.deepEqual(c.getSave(), []);
  // "1 " is the words "1" and "": an empty number is 0 changes for C's strtoll.
  assert.equal(c.set([["save", "1 "]]), null);
  assert.equal(c.get("save"), "1 0");
  // The changes count is a C int.
  assert.equal(c.set([["save", "1 4294967297 2 2147483648"]]), null);
  assert.equal(c.get("save"), "1 1 2 -2147483648");
  for (const bad of ["1 2 3", "0 1", "10 -1", "10  1", "x 1", "1 1x"]) {
    assert.equal(c.set([["save", bad]]), failed("save", "Invalid save parameters"), bad);
  }
  assert.equal(c.get("save"), "1 1 2 -2147483648");
});

Deno.test("CONFIG SET of client-output-buffer-limit changes only the classes given", () => {
  const c = new Config();
  assert.equal(c.set([["client-output-buffer-limit", "pubsub 1mb 2kb 5 replica 1gb 1 1"]]), null);
  assert.equal(
    c.get("client-output-buffer-limit"),
    "normal 0 0 0 slave 1073741824 1 1 pubsub 1048576 2048 5",
  );
  assert.equal(c.set([["client-output-buffer-limit", "SLAVE 1 2 3"]]), null);
  assert.deepEqual(c.getClientOutputBufferLimit("replica"), { hard: 1, soft: 2, softSeconds: 3 });
  assert.equal(c.set([["client-output-buffer-limit", "normal 1 1 4294967296"]]), null);
  assert.deepEqual(c.getClientOutputBufferLimit("normal"), { hard: 1, soft: 1, softSeconds: 0 });
  const name = "client-output-buffer-limit";
  assert.equal(
    c.set([[name, "normal 1 2"]]),
    failed(name, "Wrong number of arguments in buffer limit configuration."),
  );
  assert.equal(
    c.set([[name, "master 1 2 3"]]),
    failed(name, "Invalid client class specified in buffer limit configuration."),
  );
  for (const bad of ["pubsub 1mb 2kb -1", "normal 1 1 4294967295", "normal 1x 1 1", "normal 1 1 1s"]) {
    assert.equal(
      c.set([[name, bad]]),
      failed(name, "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
      bad,
    );
  }
  // A bad group refuses the whole value, including the good groups before it.
  assert.equal(
    c.set([[name, "pubsub 7 7 7 normal x 1 1"]]),
    failed(name, "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
  );
  assert.deepEqual(c.getClientOutputBufferLimit("pubsub"), { hard: 1048576, soft: 2048, softSeconds: 5 });
});

Deno.test("CONFIG SET of bind takes several addresses, none, but not more than 16", () => {
  const c = new Config();
  assert.equal(c.set([["bind", "127.0.0.1 ::1"]]), null);
  assert.deepEqual(c.getBind(), ["127.0.0.1", "::1"]);
  assert.equal(c.set([["bind", ""]]), null);
  assert.deepEqual(c.getBind(), []);
  assert.equal(c.get("bind"), "");
  assert.equal(
    c.set([["bind", "a b c d e f g h i j k l m n o p q"]]),
    failed("bind", "Too many bind addresses specified."),
  );
});

Deno.test("CONFIG SET of notify-keyspace-events and percentiles normalise their values", () => {
  const c = new Config();
  assert.equal(c.set([["notify-keyspace-events", "KEA"]]), null);
  assert.equal(c.get("notify-keyspace-events"), "AKE");
  assert.equal(
    c.set([["notify-keyspace-events", "q"]]),
    failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
  );
  const p = "latency-tracking-info-percentiles";
  assert.equal(c.set([[p, "0.0234375 0.0078125 -0 1e1"]]), null);
  assert.equal(c.get(p), "0.023438 0.007812 -0 10");
  assert.equal(c.set([[p, ""]]), null);
  assert.equal(c.get(p), "");
  assert.equal(c.set([[p, "50 abc"]]), failed(p, "Invalid latency-tracking-info-percentiles parameters"));
  assert.equal(
    c.set([[p, "101"]]),
    failed(p, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"),
  );
});

Deno.test("oom-score-adj takes no, yes, relative and absolute, and relative prints as yes", () => {
  const c = new Config();
  const calls: string[] = [];
  c.onChange("oom-score-adj", (v) => (calls.push(v), null));
  assert.equal(c.set([["oom-score-adj", "relative"]]), null);
  assert.equal(c.get("oom-score-adj"), "yes");
  // yes and relative are one value: setting the other is no change.
  assert.equal(c.set([["oom-score-adj", "YES"]]), null);
  assert.equal(c.set([["oom-score-adj", "Absolute"]]), null);
  assert.equal(c.get("oom-score-adj"), "absolute");
  assert.deepEqual(calls, ["yes", "absolute"]);
  assert.equal(
    c.set([["oom-score-adj", "maybe"]]),
    failed("oom-score-adj", "argument(s) must be one of the following: no, yes, relative, absolute"),
  );
});

Deno.test("CONFIG SET of oom-score-adj-values takes three integers in -2000..2000, read as strtoll reads them", () => {
  const c = new Config();
  assert.equal(c.set([["oom-score-adj-values", "10 -20 2000"]]), null);
  assert.deepEqual(c.getOomScoreAdjValues(), [10, -20, 2000]);
  // A '+' sign and leading zeros pass; "0 200 " has an empty third word, which is 0.
  assert.equal(c.set([["oom-score-adj-values", "+5 010 -2000"]]), null);
  assert.equal(c.get("oom-score-adj-values"), "5 10 -2000");
  assert.equal(c.set([["oom-score-adj-values", "0 200 "]]), null);
  assert.equal(c.get("oom-score-adj-values"), "0 200 0");
  const range = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
  for (const bad of ["-2001 0 0", "0 2001 0", "a b c", "0x10 0 0", "1.5 0 0", "99999999999999999999 0 0"]) {
    assert.equal(c.set([["oom-score-adj-values", bad]]), failed("oom-score-adj-values", range), bad);
  }
  for (const bad of ["", "0 0", "0 0 0 0", "0  0 0", "-"]) {
    assert.equal(
      c.set([["oom-score-adj-values", bad]]),
      failed("oom-score-adj-values", "wrong number of arguments"),
      bad,
    );
  }
  assert.equal(c.get("oom-score-adj-values"), "0 200 0");
  // The same three numbers are no change (Valkey's set returns 2): no hook runs.
  const calls: string[] = [];
  c.onChange("oom-score-adj-values", (v) => (calls.push(v), null));
  assert.equal(c.set([["oom-score-adj-values", "+0 0200 0"]]), null);
  assert.equal(c.set([["oom-score-adj-values", "0 200 1"]]), null);
  assert.deepEqual(calls, ["0 200 1"]);
});

Deno.test("a special directive that knows its equal values runs no hook when set to the held one", () => {
  const pair: SpecialDirective<readonly [number, number]> = {
    name: "feature-pair",
    type: "special",
    flags: ["MULTI_ARG"],
    init: () => [0, 0],
    set: (args) => args.length === 2 ? [Number(args[0]), Number(args[1])] : new Invalid("two numbers"),
    same: (a, b) => a[0] === b[0] && a[1] === b[1],
    format: (v) => v.join(" "),
    rewrite: () => {},
  };
  const c = new Config([pair as SpecialDirective]);
  const calls: string[] = [];
  c.onChange("feature-pair", (v) => (calls.push(v), null));
  assert.equal(c.set([["feature-pair", "0 0"]]), null);
  assert.equal(c.set([["feature-pair", "1 0"]]), null);
  assert.equal(c.set([["feature-pair", "1 00"]]), null);
  assert.deepEqual(calls, ["1 0"]);
});

Deno.test("a failing hook logs Valkey's warning naming the directive that ran it", () => {
  const c = new Config();
  const warnings: string[] = [];
  c.warn = (m) => warnings.push(m);
  const fail = () => "Unable to listen on this port. Check server logs.";
  c.onChange("port", fail);
  c.onChange("bind", fail);
  assert.equal(
    c.set([["BIND", "127.0.0.1"], ["port", "7000"]]),
    failed("bind", "Unable to listen on this port. Check server logs."),
  );
  assert.deepEqual(warnings, [
    "Failed applying new configuration. Possibly related to new bind setting. Restoring previous settings.",
  ]);
  assert.equal(c.get("port"), "6379");
});

Deno.test("CONFIG SET refuses unknown, immutable and duplicate names with Valkey's errors", () => {
  const c = new Config();
  assert.equal(c.set([["foo", "bar"]]), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  assert.equal(c.set([["DAEMONIZE", "yes"]]), failed("DAEMONIZE", "can't set immutable config"));
  assert.equal(
    c.set([["port", "7000"], ["daemonize", "yes"]]),
    failed("daemonize", "can't set immutable config"),
  );
  assert.equal(c.set([["maxmemory", "1"], ["maxmemory", "2"]]), failed("maxmemory", "duplicate parameter"));
  // The first problem met decides the error.
  assert.equal(
    c.set([["daemonize", "yes"], ["foo", "1"]]),
    failed("daemonize", "can't set immutable config"),
  );
  assert.equal(
    c.set([["foo", "1"], ["daemonize", "yes"]]),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  // Nothing was changed by the refused commands.
  assert.equal(c.get("port"), "6379");
  assert.equal(c.get("maxmemory"), "0");
});

Deno.test("an alias and its directive in one CONFIG SET are not duplicates; the last wins", () => {
  const c = new Config();
  assert.equal(c.set([["slowlog-max-len", "100"], ["commandlog-slow-execution-max-len", "5"]]), null);
  assert.equal(c.get("slowlog-max-len"), "5");
  assert.equal(
    c.set([["slowlog-max-len", "1"], ["SLOWLOG-MAX-LEN", "2"]]),
    failed("SLOWLOG-MAX-LEN", "duplicate parameter"),
  );
});

Deno.test("a failed value rolls back every value already set in the same CONFIG SET", () => {
  const c = new Config();
  assert.equal(
    c.set([["maxmemory", "5"], ["timeout", "7"], ["maxclients", "abc"]]),
    failed("maxclients", "argument couldn't be parsed into an integer"),
  );
  assert.equal(c.get("maxmemory"), "0");
  assert.equal(c.get("timeout"), "0");
  // The error names the directive by the name it was registered under (the alias when given).
  assert.equal(
    c.set([["SLOWLOG-MAX-LEN", "x"]]),
    failed("slowlog-max-len", "argument couldn't be parsed into an integer"),
  );
});

Deno.test("protected directives need enable-protected-configs to allow the caller", () => {
  const no = new Config();
  assert.equal(no.set([["dbfilename", "x.rdb"]]), failed("dbfilename", "can't set protected config"));
  assert.equal(no.set([["dir", "/tmp"]], { isLocal: true }), failed("dir", "can't set protected config"));

  const local = new Config();
  local.loadText("enable-protected-configs local", "t");
  assert.equal(local.set([["dbfilename", "x.rdb"]]), failed("dbfilename", "can't set protected config"));
  assert.equal(local.set([["dbfilename", "x.rdb"]], { isLocal: true }), null);
  assert.equal(local.get("dbfilename"), "x.rdb");

  const yes = new Config();
  yes.loadText("enable-protected-configs yes", "t");
  assert.equal(
    yes.set([["dbfilename", "a/b.rdb"]]),
    failed("dbfilename", "dbfilename can't be a path, just a filename"),
  );
  assert.equal(yes.set([["dbfilename", ""]]), failed("dbfilename", "dbfilename can't be empty"));
});

Deno.test("dir resolves to a physical absolute path and refuses what is not a directory", () => {
  const tmp = tempDir();
  try {
    fs.mkdirSync(path.join(tmp, "data"));
    fs.writeFileSync(path.join(tmp, "file"), "");
    fs.symlinkSync(path.join(tmp, "data"), path.join(tmp, "link"));
    const real = fs.realpathSync(tmp);
    const c = new Config();
    c.loadText("enable-protected-configs yes", "t");
    assert.equal(c.set([["dir", tmp]]), null);
    assert.equal(c.get("dir"), real);
    assert.equal(c.set([["dir", "link"]]), null);
    assert.equal(c.get("dir"), path.join(real, "data"));
    assert.equal(c.set([["dir", "../file"]]), failed("dir", "Not a directory"));
    assert.equal(c.set([["dir", "/no/such/dir"]]), failed("dir", "No such file or directory"));
    assert.equal(c.set([["dir", ""]]), failed("dir", "dir can't be empty"));
    assert.equal(c.getStr("dir"), path.join(real, "data"));
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("while loading, DENY_LOADING directives fail with the LOADING error", () => {
  const c = new Config();
  assert.equal(
    c.set([["appendonly", "yes"]], { loading: true }),
    "LOADING Valkey is loading the dataset in memory",
  );
  assert.equal(c.set([["appendonly", "yes"]]), null);
});

Deno.test("under extended-redis-compatibility the LOADING error names Redis", () => {
  const c = new Config();
  assert.equal(c.set([["extended-redis-compatibility", "yes"]]), null);
  assert.equal(
    c.set([["appendonly", "yes"]], { loading: true }),
    "LOADING Redis is loading the dataset in memory",
  );
  assert.equal(c.set([["extended-redis-compatibility", "no"]]), null);
  assert.equal(
    c.set([["appendonly", "yes"]], { loading: true }),
    "LOADING Valkey is loading the dataset in memory",
  );
});

Deno.test("change hooks run once per CONFIG SET that changed their directive, with the new value", () => {
  const c = new Config();
  const calls: string[] = [];
  c.onChange("maxmemory", (v) => (calls.push(`maxmemory=${v}`), null));
  c.onChange("slowlog-max-len", (v) => (calls.push(`slowlog=${v}`), null));
  assert.equal(c.set([["maxmemory", "1kb"], ["commandlog-slow-execution-max-len", "7"]]), null);
  assert.deepEqual(calls, ["maxmemory=1024", "slowlog=7"]);
  calls.length = 0;
  assert.equal(c.set([["maxmemory", "1024"]]), null);
  assert.equal(calls.length, 0, "an unchanged value runs no hook");
  // A hook shared by two directives runs once.
  const shared = (v: string) => (calls.push(`shared=${v}`), null);
  c.onChange("port", shared);
  c.onChange("bind", shared);
  assert.equal(c.set([["port", "7000"], ["bind", "127.0.0.1"]]), null);
  assert.deepEqual(calls, ["shared=7000"]);
  // Special directives without `same` always count as changed.
  calls.length = 0;
  assert.equal(c.set([["bind", "127.0.0.1"]]), null);
  assert.deepEqual(calls, ["shared=127.0.0.1"]);
});

Deno.test("a failing hook restores every value, re-applies them, and fails the command", () => {
  const c = new Config();
  const applied: string[] = [];
  c.onChange("timeout", (v) => (applied.push(`timeout=${v}`), null));
  c.onChange("port", (v) => {
    applied.push(`port=${v}`);
    return v === "1" ? "Unable to listen on this port. Check server logs." : null;
  });
  assert.equal(
    c.set([["timeout", "5"], ["port", "1"], ["maxmemory", "9"]]),
    failed("port", "Unable to listen on this port. Check server logs."),
  );
  assert.equal(c.get("timeout"), "0");
  assert.equal(c.get("port"), "6379");
  assert.equal(c.get("maxmemory"), "0");
  assert.deepEqual(applied, ["timeout=5", "port=1", "timeout=0", "port=6379"]);
});

Deno.test("CONFIG GET matches globs without regard to case, aliases included", () => {
  const c = new Config();
  assert.deepEqual(c.match("maxmemory*").map(([n]) => n).sort(), [
    "maxmemory",
    "maxmemory-clients",
    "maxmemory-eviction-tenacity",
    "maxmemory-policy",
    "maxmemory-samples",
  ]);
  assert.deepEqual(c.match("MAXMEM*").length, 5);
  assert.deepEqual(c.match("slowlog*").sort(), [["slowlog-log-slower-than", "10000"], [
    "slowlog-max-len",
    "128",
  ]]);
  assert.deepEqual(c.match("hash-max-*").map(([n]) => n).sort(), [
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "hash-max-ziplist-entries",
    "hash-max-ziplist-value",
  ]);
  assert.deepEqual(c.match("?ort"), [["port", "6379"]]);
  assert.deepEqual(c.match("nothing*"), []);
  assert.ok(c.match("*").length >= 70);
});

Deno.test("CONFIG GET replies an exact name as it was written and lists a directive once", () => {
  const c = new Config();
  assert.deepEqual(c.matchAll(["MAXMEMORY", "maxmemory", "maxmem*"]).map(([n]) => n), [
    "MAXMEMORY",
    "maxmemory-policy",
    "maxmemory-samples",
    "maxmemory-eviction-tenacity",
    "maxmemory-clients",
  ]);
  assert.deepEqual(c.matchAll(["port", "port", "nope"]), [["port", "6379"]]);
});

Deno.test("HIDDEN directives are reached by exact name only", () => {
  const c = new Config([{
    name: "test-hidden-delay",
    type: "int",
    flags: ["HIDDEN"],
    min: -5,
    max: 5,
    default: 0,
  }]);
  assert.deepEqual(c.match("test-hidden-*"), []);
  assert.deepEqual(c.match("test-hidden-delay"), [["test-hidden-delay", "0"]]);
  assert.equal(c.set([["test-hidden-delay", "3"]]), null);
  assert.equal(c.getInt("test-hidden-delay"), 3);
  // The core's own hidden ones too.
  assert.deepEqual(c.match("key-load-*"), []);
  assert.deepEqual(c.match("key-load-delay"), [["key-load-delay", "0"]]);
});

Deno.test("octal directives parse and print in octal", () => {
  const c = new Config();
  c.loadText("unixsocketperm 0755", "t");
  assert.equal(c.get("unixsocketperm"), "755");
  assert.equal(c.getInt("unixsocketperm"), 0o755);
  assert.equal(
    loadError("unixsocketperm 1000").message,
    fatal("argument must be between 0 and 777 inclusive", [1, "unixsocketperm 1000"]),
  );
  assert.equal(
    loadError("unixsocketperm 9").message,
    fatal("argument couldn't be parsed as an octal number", [1, "unixsocketperm 9"]),
  );
});

Deno.test("modules define directives, receive queued file values, and can be removed", () => {
  const c = new Config();
  c.loadText("mymod.size 10mb\nmymod.mode FAST\nmymod.mode slow", "t");
  assert.deepEqual([...c.moduleConfigQueue], [["mymod.size", "10mb"], ["mymod.mode", "slow"]]);
  c.define({ name: "mymod.size", type: "memory", flags: ["MODULE"], min: 0, max: 1 << 30, default: 0 });
  assert.equal(c.getInt("mymod.size"), 10 * 1024 * 1024);
  assert.throws(
    () => c.define({ name: "mymod.mode", type: "enum", values: ["fast", "safe"], default: "safe" }),
    (e) =>
      e instanceof ConfigError &&
      e.message ===
        "Issue during loading of configuration mymod.mode : argument(s) must be one of the following: fast, safe",
  );
  assert.equal(c.has("mymod.mode"), false);
  assert.throws(() => c.define({ name: "port", type: "bool", default: true }), /already defined/);
  assert.equal(c.remove("mymod.size"), true);
  assert.equal(c.has("mymod.size"), false);
  assert.deepEqual(c.match("mymod.*"), []);
  assert.equal(c.remove("mymod.size"), false);
});

Deno.test("bit-flag enums take several names and print the ones set", () => {
  // shutdown-on-sigterm: a MULTI_ARG enum of [name, bit] members with a validation of the combination.
  const c = new Config();
  assert.equal(c.get("shutdown-on-sigterm"), "default");
  assert.equal(c.set([["shutdown-on-sigterm", "nosave now"]]), null);
  assert.equal(c.get("shutdown-on-sigterm"), "nosave now");
  assert.equal(
    c.set([["shutdown-on-sigterm", "save nosave"]]),
    failed("shutdown-on-sigterm", "shutdown options SAVE and NOSAVE can't be used simultaneously"),
  );
  assert.equal(
    c.set([["shutdown-on-sigterm", ""]]),
    failed(
      "shutdown-on-sigterm",
      "argument(s) must be one of the following: default, save, nosave, now, force",
    ),
  );
});

Deno.test("a special directive defined by a feature gets its own parse, print and rewrite", () => {
  const pair: SpecialDirective<readonly [number, number]> = {
    name: "feature-pair",
    type: "special",
    flags: ["MULTI_ARG"],
    init: () => [1, 2],
    set: (args) => (args.length === 2 ? [Number(args[0]), Number(args[1])] : new Invalid("need two")),
    format: (v) => `${v[0]}/${v[1]}`,
    rewrite: (v, name, out) => out.rewriteLine(name, `${name} ${v[0]} ${v[1]}`, v[0] !== 1 || v[1] !== 2),
  };
  const c = new Config([pair as SpecialDirective]);
  assert.equal(c.get("feature-pair"), "1/2");
  assert.equal(c.set([["feature-pair", "3 4"]]), null);
  assert.equal(c.get("feature-pair"), "3/4");
  assert.equal(c.set([["feature-pair", "3"]]), failed("feature-pair", "need two"));
});

// ---- config files -----------------------------------------------------------------------------------------

Deno.test("config files set directives, skip comments and accept quoted and multi-word values", () => {
  const c = new Config();
  c.loadText(
    [
      "# a comment",
      "   ",
      "  port 7000  ",
      "MaxMemory 100mb",
      'requirepass "a b\\x41"',
      "bind 127.0.0.1 ::1",
      'save "900 1 300 10"',
      "slowlog-max-len 64",
      "notify-keyspace-events KEA",
      "dynamic-hz yes",
      "\tloglevel warning\r",
    ].join("\n"),
    "t",
  );
  assert.equal(c.getInt("port"), 7000);
  assert.equal(c.get("maxmemory"), "104857600");
  assert.equal(c.getStr("requirepass"), "a bA");
  assert.deepEqual(c.getBind(), ["127.0.0.1", "::1"]);
  assert.equal(c.get("save"), "900 1 300 10");
  assert.equal(c.getInt("commandlog-slow-execution-max-len"), 64);
  assert.equal(c.get("notify-keyspace-events"), "AKE");
  assert.equal(c.getEnum("loglevel"), "warning");
});

Deno.test("oom-score-adj-values loads from files as three words or one quoted value", () => {
  const c = new Config();
  c.loadText("oom-score-adj relative\noom-score-adj-values 1 2 3", "t");
  assert.equal(c.get("oom-score-adj"), "yes");
  assert.deepEqual(c.getOomScoreAdjValues(), [1, 2, 3]);
  c.loadText('oom-score-adj-values "-4 5 6"', "t");
  assert.deepEqual(c.getOomScoreAdjValues(), [-4, 5, 6]);
  assert.equal(
    loadError("oom-score-adj-values 1 2").message,
    fatal("wrong number of arguments", [1, "oom-score-adj-values 1 2"]),
  );
  assert.equal(
    loadError('oom-score-adj-values "1 2 3000"').message,
    fatal("Invalid oom-score-adj-values, elements must be between -2000 and 2000.", [
      1,
      'oom-score-adj-values "1 2 3000"',
    ]),
  );
  assert.equal(
    loadError("oom-score-adj maybe").message,
    fatal("argument(s) must be one of the following: no, yes, relative, absolute", [
      1,
      "oom-score-adj maybe",
    ]),
  );
});

Deno.test("save lines in files accumulate after the first, and an empty save clears them", () => {
  const c = new Config();
  c.loadText("save 900 1\nsave 300 10\nsave 60 10000", "t");
  assert.equal(c.get("save"), "900 1 300 10 60 10000");
  const d = new Config();
  d.loadText('save 900 1\nsave ""\nsave 60 5', "t");
  assert.equal(d.get("save"), "60 5");
  const e = new Config();
  e.loadText("save", "t");
  assert.equal(e.get("save"), "");
  // An inner value with unbalanced quotes splits to nothing, as in Valkey.
  const f = new Config();
  f.loadText('save "900 \\"1"', "t");
  assert.equal(f.get("save"), "");
});

Deno.test("config file errors are fatal with Valkey's block, line number and reason", () => {
  assert.equal(
    loadError("port 7392\n\n  # comment\nfoo bar\n").message,
    fatal("Bad directive or wrong number of arguments", [4, "foo bar"]),
  );
  assert.equal(
    loadError("maxmemory 1x").message,
    fatal("argument must be a memory value", [1, "maxmemory 1x"]),
  );
  assert.equal(
    loadError('port "7392').message,
    fatal("Unbalanced quotes in configuration line", [1, 'port "7392']),
  );
  assert.equal(loadError("port 1 2").message, fatal("wrong number of arguments", [1, "port 1 2"]));
  assert.equal(loadError("save 1 2 3").message, fatal("Invalid save parameters", [1, "save 1 2 3"]));
  assert.equal(
    loadError("daemonize maybe").message,
    fatal("argument must be 'yes' or 'no'", [1, "daemonize maybe"]),
  );
  assert.equal(
    loadError("databases 0").message,
    fatal("argument must be between 1 and 2147483647 inclusive", [1, "databases 0"]),
  );
  assert.equal(
    loadError("io-threads 300").message,
    fatal("argument must be between 1 and 256 inclusive", [1, "io-threads 300"]),
  );
  assert.equal(
    loadError("notify-keyspace-events").message,
    fatal("wrong number of arguments", [1, "notify-keyspace-events"]),
  );
  assert.equal(
    loadError("maxmemory-policy a b").message,
    fatal("wrong number of arguments", [1, "maxmemory-policy a b"]),
  );
  assert.equal(
    loadError('client-output-buffer-limit "normal 1"').message,
    fatal("Wrong number of arguments in buffer limit configuration.", [
      1,
      'client-output-buffer-limit "normal 1"',
    ]),
  );
  for (const line of ["loadmodule", "include", "include a b", "dynamic-hz yes no"]) {
    assert.equal(loadError(line).message, fatal("Bad directive or wrong number of arguments", [1, line]));
  }
  assert.equal(
    loadError("mymod.foo").message,
    fatal("Module config specified without value", [1, "mymod.foo"]),
  );
  const e = loadError("\n\nbad");
  assert.equal(e.reason, "Bad directive or wrong number of arguments");
  assert.equal(e.lineNumber, 3);
  assert.equal(e.line, "bad");
  assert.equal(e.source, "test.conf");
});

Deno.test("a log file that cannot be opened is a fatal error without a line", () => {
  assert.equal(
    loadError("logfile /nonexistent/dir/x.log").message,
    fatal("Can't open the log file: No such file or directory"),
  );
  const tmp = tempDir();
  try {
    const c = new Config();
    c.loadText(`logfile ${path.join(tmp, "valkyr.log")}`, "t");
    assert.ok(fs.existsSync(path.join(tmp, "valkyr.log")));
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("loadmodule lines are collected in order with their arguments", () => {
  const c = new Config();
  c.loadText("loadmodule /a.so\nloadmodule /b.so x 'y z'", "t");
  assert.deepEqual(c.loadModules, [{ path: "/a.so", args: [] }, { path: "/b.so", args: ["x", "y z"] }]);
});

Deno.test("rename-command lines are checked against the command names as they are read, and recorded", () => {
  const c = new Config();
  c.commandNames = new Set(["get", "set", "flushall"]);
  c.loadText('rename-command GET g2\nrename-command flushall ""\nrename-command g2 G3', "t");
  assert.deepEqual(c.renames, [["GET", "g2"], ["flushall", ""], ["g2", "G3"]]);
  assert.deepEqual([...c.commandNames].sort(), ["g3", "set"]);
  const fails = (text: string) => {
    const d = new Config();
    d.commandNames = new Set(["get", "set"]);
    try {
      d.loadText(text, "t");
    } catch (e) {
      return (e as ConfigError).reason;
    }
    return null;
  };
  assert.equal(fails("rename-command nosuch x"), "No such command in rename-command");
  assert.equal(fails("rename-command get SET"), "Target command name already exists");
  assert.equal(fails('rename-command get ""\nrename-command get x'), "No such command in rename-command");
  assert.equal(fails("rename-command get"), "Bad directive or wrong number of arguments");
  assert.equal(fails("rename-command get a b"), "Bad directive or wrong number of arguments");
});

Deno.test("include loads another file, and a glob includes every match in order", () => {
  const tmp = tempDir();
  try {
    fs.mkdirSync(path.join(tmp, "conf.d"));
    fs.writeFileSync(path.join(tmp, "conf.d", "b.conf"), "timeout 7\n");
    fs.writeFileSync(path.join(tmp, "conf.d", "a.conf"), "timeout 5\nmaxclients 9\n");
    fs.writeFileSync(path.join(tmp, "conf.d", ".hidden.conf"), "timeout 99\n");
    fs.writeFileSync(path.join(tmp, "one.conf"), "port 7001\n");
    const c = new Config();
    c.loadText(`include ${path.join(tmp, "one.conf")}\ninclude ${path.join(tmp, "conf.d", "*.conf")}\n`, "t");
    assert.equal(c.getInt("port"), 7001);
    assert.equal(c.getInt("timeout"), 7);
    assert.equal(c.getInt("maxclients"), 9);
    // A glob matching nothing is no error; a missing plain file is.
    c.loadText(`include ${path.join(tmp, "none", "*.conf")}`, "t");
    assert.throws(
      () => c.loadText(`include ${path.join(tmp, "missing.conf")}`, "t"),
      (e) =>
        e instanceof ConfigError && e.logged &&
        e.message ===
          `Fatal error, can't open config file '${
            path.join(tmp, "missing.conf")
          }': No such file or directory`,
    );
    // An error inside an included file reports that file's line.
    fs.writeFileSync(path.join(tmp, "bad.conf"), "port 1\nnope\n");
    assert.throws(
      () => c.loadText(`port 2\ninclude ${path.join(tmp, "bad.conf")}`, "t"),
      (e) =>
        e instanceof ConfigError && e.lineNumber === 2 && e.line === "nope" &&
        e.source === path.join(tmp, "bad.conf"),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

// ---- CONFIG REWRITE ---------------------------------------------------------------------------------------

Deno.test("CONFIG REWRITE keeps the file's layout, replaces changed lines and appends the rest", () => {
  const tmp = tempDir();
  try {
    const file = path.join(tmp, "rw.conf");
    fs.writeFileSync(path.join(tmp, "inc.conf"), "timeout 5\n");
    fs.writeFileSync(
      file,
      "# top comment\n  port 7391   \n\nbind 127.0.0.1\nsave 900 1\nsave 300 10\nslowlog-max-len 64\n" +
        "hash-max-ziplist-entries 100\n\n\n\ndynamic-hz yes\nsave 60 10000\nmaxmemory 100mb\n" +
        `include ${path.join(tmp, "inc.conf")}\n#end\n`,
    );
    const c = new Config();
    c.loadText(fs.readFileSync(file, "utf8"), file);
    assert.equal(
      c.set([
        ["maxmemory-clients", "5%"],
        ["requirepass", 'a"b c'],
        ["loglevel", "warning"],
        ["notify-keyspace-events", "Kx"],
        ["client-output-buffer-limit", "pubsub 1mb 0 0"],
      ]),
      null,
    );
    c.rewrite(file);
    const dir = fs.realpathSync(process.cwd());
    assert.equal(
      fs.readFileSync(file, "utf8"),
      "# top comment\nport 7391\n\nbind 127.0.0.1\nsave 900 1 300 10 60 10000\n\n" +
        "commandlog-slow-execution-max-len 64\nhash-max-listpack-entries 100\n\n# ??? dynamic-hz yes\n\n" +
        `maxmemory 100mb\ninclude ${path.join(tmp, "inc.conf")}\n#end\n\n` +
        "# Generated by CONFIG REWRITE\n" +
        'requirepass "a"b c"\nloglevel warning\ntimeout 5\nmaxmemory-clients 5%\n' +
        `dir "${dir}"\n` +
        'client-output-buffer-limit pubsub 1mb 0 0\nnotify-keyspace-events "xK"\n' +
        "latency-tracking-info-percentiles 50 99 99.9\n",
    );
    // A second rewrite: the unparsable requirepass line is commented out and written again, the first
    // client-output-buffer-limit line is reused for the first class, as Valkey does. (Appended lines follow
    // the directive table's order; Valkey's follow its hash table's.)
    assert.equal(c.set([["maxmemory", "0"], ["hz", "11"]]), null);
    c.rewrite(file);
    const second = fs.readFileSync(file, "utf8");
    assert.ok(second.includes("\nmaxmemory 0\n"));
    assert.ok(second.includes('# ??? requirepass "a"b c"\n'));
    assert.ok(second.includes("client-output-buffer-limit normal 0 0 0\n"));
    assert.ok(second.endsWith('\nrequirepass "a"b c"\nhz 11\nclient-output-buffer-limit pubsub 1mb 0 0\n'));
    assert.equal(second.split("# Generated by CONFIG REWRITE").length, 2);
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("a rewritten file loads back to the same values", () => {
  const tmp = tempDir();
  try {
    const file = path.join(tmp, "a.conf");
    const c = new Config();
    c.loadText("enable-protected-configs yes", "t");
    assert.equal(
      c.set([
        ["maxmemory", "3gb"],
        ["save", ""],
        ["bind", "127.0.0.1 ::1"],
        ["maxmemory-policy", "allkeys-lfu"],
        ["lazyfree-lazy-user-del", "no"],
        ["client-output-buffer-limit", "normal 1mb 512kb 10"],
        ["notify-keyspace-events", "Egx"],
        ["latency-tracking-info-percentiles", "50 99.99"],
        ["dbfilename", "my dump.rdb"],
        ["list-max-listpack-size", "-3"],
        ["maxmemory-clients", "7%"],
        ["dir", tmp],
      ]),
      null,
    );
    c.loadText("unixsocket /tmp/v.sock\nunixsocketperm 700\nloadmodule /m.so a b", "t");
    c.rewrite(file);
    const text = fs.readFileSync(file, "utf8");
    assert.ok(text.startsWith("# Generated by CONFIG REWRITE\n"));
    assert.ok(text.includes("\nmaxmemory 3gb\n"));
    assert.ok(text.includes('\nsave ""\n'));
    assert.ok(text.includes("\nunixsocketperm 700\n"));
    assert.ok(text.includes("\nloadmodule /m.so a b\n"));
    const d = new Config();
    d.loadText(text, file);
    for (const [name] of c.match("*")) assert.equal(d.get(name), c.get(name), name);
    assert.deepEqual(d.loadModules, c.loadModules);
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("values back at their default disappear unless the file had them", () => {
  const tmp = tempDir();
  try {
    const file = path.join(tmp, "c.conf");
    fs.writeFileSync(file, "timeout 30\nrequirepass secret\nunixsocket /tmp/x.sock\n");
    const c = new Config();
    c.loadText(fs.readFileSync(file, "utf8"), file);
    assert.equal(c.set([["timeout", "0"], ["requirepass", ""]]), null);
    c.rewrite(file);
    const text = fs.readFileSync(file, "utf8");
    // timeout was in the file: it stays, at its default; requirepass is unset: its line goes.
    assert.ok(text.startsWith('timeout 0\n\nunixsocket "/tmp/x.sock"\n'));
    assert.ok(!text.includes("requirepass"));
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("CONFIG REWRITE writes oom-score-adj-values when changed or already in the file", () => {
  const tmp = tempDir();
  try {
    const file = path.join(tmp, "c.conf");
    fs.writeFileSync(file, "# oom\noom-score-adj-values 0 200 800\n");
    const c = new Config();
    c.loadText(fs.readFileSync(file, "utf8"), file);
    assert.equal(c.set([["oom-score-adj", "relative"], ["oom-score-adj-values", "1 2 3"]]), null);
    c.rewrite(file);
    const dir = fs.realpathSync(process.cwd());
    assert.equal(
      fs.readFileSync(file, "utf8"),
      "# oom\noom-score-adj-values 1 2 3\n\n# Generated by CONFIG REWRITE\noom-score-adj yes\n" +
        `dir "${dir}"\nsave 3600 1 300 100 60 10000\nlatency-tracking-info-percentiles 50 99 99.9\n`,
    );
    // Back at the defaults: the lines stay, with the default values.
    assert.equal(c.set([["oom-score-adj", "no"], ["oom-score-adj-values", "0 200 800"]]), null);
    c.rewrite(file);
    const text = fs.readFileSync(file, "utf8");
    assert.ok(text.startsWith("# oom\noom-score-adj-values 0 200 800\n"));
    assert.ok(text.includes("\noom-score-adj no\n"));
    // A file without them gets none while they hold their defaults.
    const other = path.join(tmp, "d.conf");
    new Config().rewrite(other);
    assert.ok(!fs.readFileSync(other, "utf8").includes("oom-score-adj"));
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("CONFIG REWRITE creates a missing file and reports unwritable ones", () => {
  const tmp = tempDir();
  try {
    const c = new Config();
    c.set([["port", "7777"]]);
    const file = path.join(tmp, "new.conf");
    c.rewrite(file);
    assert.ok(fs.readFileSync(file, "utf8").includes("\nport 7777\n"));
    assert.throws(
      () => c.rewrite(path.join(tmp, "no", "such", "dir.conf")),
      (e) => e instanceof ConfigRewriteError && e.message === "No such file or directory",
    );
    assert.throws(
      () => c.rewrite(tmp),
      (e) => e instanceof ConfigRewriteError && e.message === "Is a directory",
    );
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});

Deno.test("log-format, log-timestamp-format, shutdown-on-sig* and shutdown-timeout rewrite as Valkey writes them", () => {
  const tmp = tempDir();
  try {
    const file = path.join(tmp, "l.conf");
    fs.writeFileSync(file, 'save ""\nlog-format logfmt\n');
    const c = new Config();
    c.loadText(fs.readFileSync(file, "utf8"), file);
    assert.equal(c.get("log-format"), "logfmt");
    assert.equal(
      c.set([
        ["shutdown-on-sigint", "now save"],
        ["shutdown-timeout", "0"],
        ["log-format", "legacy"],
        ["log-timestamp-format", "milliseconds"],
      ]),
      null,
    );
    c.rewrite(file);
    const text = fs.readFileSync(file, "utf8");
    // The line already in the file stays, at its default; the others are appended; defaults are left out
    // (valkey-server 8.1.1 writes the same lines, in its hash table's order).
    assert.ok(text.startsWith('save ""\nlog-format legacy\n\n# Generated by CONFIG REWRITE\n'), text);
    assert.ok(text.includes("\nshutdown-on-sigint save now\n"));
    assert.ok(text.includes("\nlog-timestamp-format milliseconds\n"));
    assert.ok(text.includes("\nshutdown-timeout 0\n"));
    assert.ok(!text.includes("shutdown-on-sigterm"));
    const d = new Config();
    d.loadText(text, file);
    assert.equal(d.get("shutdown-on-sigint"), "save now");
    assert.equal(d.getEnumValue("shutdown-on-sigint"), 5);
    assert.equal(d.getEnumValue("log-timestamp-format"), 2);
  } finally {
    fs.rmSync(tmp, { recursive: true });
  }
});
