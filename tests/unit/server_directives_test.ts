/**
 * Directives of Valkey's stock config file that a server without replication still has: the replication
 * ones (held, validated, shown; `min-replicas-*` refuse writes with NOREPLICAS), the process title,
 * `locale-collate`, `activerehashing`, `always-show-logo`, `hide-user-data-from-log`. The replies are Valkey
 * 8.1.1's; redis-server 7.0 gives the same where it has the directive (tests of 7.2+/8.x-only directives are
 * skipped for it).
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { isValkeyLike, isValkyr, startServer, target, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

async function withConn(fn: (c: RawConn) => Promise<void>): Promise<void> {
  const c = await RawConn.connect(srv.port);
  try {
    await fn(c);
  } finally {
    c.close();
  }
}

function errorText(v: unknown): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

/** Valkey 8.1.1's defaults (CONFIG GET), aliases included. */
const DEFAULTS: [string, string][] = [
  ["rdb-del-sync-files", "no"],
  ["repl-disable-tcp-nodelay", "no"],
  ["repl-diskless-sync", "yes"],
  ["replica-serve-stale-data", "yes"],
  ["slave-serve-stale-data", "yes"],
  ["replica-read-only", "yes"],
  ["slave-read-only", "yes"],
  ["replica-ignore-maxmemory", "yes"],
  ["replica-announced", "yes"],
  ["replica-ignore-disk-write-errors", "no"],
  ["jemalloc-bg-thread", "yes"],
  ["activerehashing", "yes"],
  ["set-proc-title", "yes"],
  ["always-show-logo", "no"],
  ["replica-announce-ip", ""],
  ["masteruser", ""],
  ["masterauth", ""],
  ["proc-title-template", "{title} {listen-addr} {server-mode}"],
  ["repl-diskless-load", "disabled"],
  ["propagation-error-behavior", "ignore"],
  ["replica-priority", "100"],
  ["slave-priority", "100"],
  ["repl-diskless-sync-delay", "5"],
  ["replica-announce-port", "0"],
  ["repl-timeout", "60"],
  ["repl-ping-replica-period", "10"],
  ["repl-ping-slave-period", "10"],
  ["min-replicas-to-write", "0"],
  ["min-slaves-to-write", "0"],
  ["min-replicas-max-lag", "10"],
  ["min-slaves-max-lag", "10"],
  ["repl-diskless-sync-max-replicas", "0"],
  ["repl-backlog-ttl", "3600"],
  ["supervised", "no"],
  ["syslog-enabled", "no"],
  ["syslog-facility", "local0"],
  ["daemonize", "no"],
  ["pidfile", ""],
];

/** Added after Redis 7.0. */
const DEFAULTS_8: [string, string][] = [
  ["replica-lazy-flush", "yes"], // "no" in Redis 7.0
  ["slave-lazy-flush", "yes"],
  ["dual-channel-replication-enabled", "no"],
  ["hide-user-data-from-log", "yes"],
  ["primaryuser", ""],
  ["primaryauth", ""],
  ["ignore-warnings", ""],
  ["locale-collate", ""],
  ["repl-backlog-size", "10485760"],
  ["syslog-ident", "valkey"], // "redis" in Redis 7.0
];

Deno.test({
  name: "the replication and process directives of the stock config file have Valkey's defaults",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      for (const [name, value] of [...DEFAULTS, ...(isValkeyLike() ? DEFAULTS_8 : [])]) {
        assert.deepEqual(await c.call("CONFIG", "GET", name), [name, value], name);
      }
    }),
});

Deno.test({
  name: "replication directives are validated and set as Valkey's, through their old names too",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(
        await c.call("CONFIG", "SET", "slave-priority", "7", "repl-diskless-load", "swapdb"),
        "OK",
      );
      assert.deepEqual(await c.call("CONFIG", "GET", "replica-priority"), ["replica-priority", "7"]);
      assert.deepEqual(await c.call("CONFIG", "GET", "repl-diskless-load"), ["repl-diskless-load", "swapdb"]);
      assert.equal(
        errorText(await c.call("CONFIG", "SET", "repl-timeout", "0")),
        "ERR CONFIG SET failed (possibly related to argument 'repl-timeout') - argument must be between 1 and 2147483647 inclusive",
      );
      assert.equal(
        errorText(await c.call("CONFIG", "SET", "repl-diskless-load", "later")),
        "ERR CONFIG SET failed (possibly related to argument 'repl-diskless-load') - argument(s) must be one of the following: disabled, on-empty-db, swapdb" +
          (isValkeyLike() ? ", flush-before-load" : ""),
      );
      assert.equal(
        errorText(await c.call("CONFIG", "SET", "replica-announce-port", "65536")),
        "ERR CONFIG SET failed (possibly related to argument 'replica-announce-port') - argument must be between 0 and 65535 inclusive",
      );
      assert.equal(await c.call("CONFIG", "SET", "masterauth", "secret"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", "masterauth"), ["masterauth", "secret"]);
      assert.equal(
        await c.call(
          "CONFIG",
          "SET",
          "replica-priority",
          "100",
          "repl-diskless-load",
          "disabled",
          "masterauth",
          "",
        ),
        "OK",
      );
    }),
});

Deno.test({
  name: "repl-backlog-size is INFO's repl_backlog_size, and refuses 0",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("CONFIG", "SET", "repl-backlog-size", "2mb"), "OK");
      assert.match(String(await c.call("INFO", "replication")), /\r\nrepl_backlog_size:2097152\r\n/);
      assert.equal(
        errorText(await c.call("CONFIG", "SET", "repl-backlog-size", "0")),
        "ERR CONFIG SET failed (possibly related to argument 'repl-backlog-size') - argument must be between 1 and 9223372036854775807 inclusive",
      );
      assert.equal(await c.call("CONFIG", "SET", "repl-backlog-size", "10mb"), "OK");
    }),
});

Deno.test({
  name: "min-replicas-to-write refuses writes with NOREPLICAS while there are fewer good replicas",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const other = await RawConn.connect(srv.port);
      try {
        assert.equal(await c.call("SET", "nr:x", "1"), "OK");
        assert.equal(await c.call("CONFIG", "SET", "min-replicas-to-write", "1"), "OK");
        assert.equal(
          errorText(await c.call("SET", "nr:x", "2")),
          "NOREPLICAS Not enough good replicas to write.",
        );
        assert.equal(await c.call("GET", "nr:x"), "1");
        assert.match(String(await c.call("INFO", "replication")), /\r\nmin_slaves_good_slaves:0\r\n/);
        // A write queued in MULTI is refused and fails the transaction.
        assert.equal(await c.call("MULTI"), "OK");
        assert.equal(
          errorText(await c.call("INCR", "nr:x")),
          "NOREPLICAS Not enough good replicas to write.",
        );
        assert.equal(
          errorText(await c.call("EXEC")),
          "EXECABORT Transaction discarded because of previous errors.",
        );
        // A transaction of reads runs.
        assert.equal(await c.call("MULTI"), "OK");
        assert.equal(await c.call("GET", "nr:x"), "QUEUED");
        assert.deepEqual(await c.call("EXEC"), ["1"]);
        // min-replicas-max-lag 0 turns the check off.
        assert.equal(await c.call("CONFIG", "SET", "min-replicas-max-lag", "0"), "OK");
        assert.doesNotMatch(String(await c.call("INFO", "replication")), /min_slaves_good_slaves/);
        assert.equal(await c.call("SET", "nr:x", "3"), "OK");
        assert.equal(await c.call("CONFIG", "SET", "min-replicas-max-lag", "10"), "OK");
        // The state changed between queueing and EXEC (Valkey's multi.tcl "exec with write commands and
        // state change"): EXEC is refused and the transaction discarded.
        assert.equal(await c.call("CONFIG", "SET", "min-replicas-to-write", "0"), "OK");
        assert.equal(await c.call("MULTI"), "OK");
        assert.equal(await c.call("INCR", "nr:x"), "QUEUED");
        assert.equal(await other.call("CONFIG", "SET", "min-replicas-to-write", "2"), "OK");
        assert.equal(
          errorText(await c.call("EXEC")),
          "EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.",
        );
        assert.equal(await c.call("PING"), "PONG"); // no longer in MULTI
        assert.equal(await c.call("GET", "nr:x"), "3");
      } finally {
        await other.call("CONFIG", "SET", "min-replicas-to-write", "0", "min-replicas-max-lag", "10");
        other.close();
      }
    }),
});

Deno.test({
  name: "proc-title-template is checked as Valkey's template: known variables, non-empty",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const invalid =
        "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables";
      for (const bad of ["{server-mode}", "{foo}", "{title", "x {", "", "  {title}  "]) {
        assert.equal(errorText(await c.call("CONFIG", "SET", "proc-title-template", bad)), invalid, bad);
      }
      assert.equal(await c.call("CONFIG", "SET", "proc-title-template", "x {{ {port} {config-file}"), "OK");
      assert.deepEqual(await c.call("CONFIG", "GET", "proc-title-template"), [
        "proc-title-template",
        "x {{ {port} {config-file}",
      ]);
      assert.equal(
        await c.call("CONFIG", "SET", "proc-title-template", "{title} {listen-addr} {server-mode}"),
        "OK",
      );
    }),
});

Deno.test({
  name: "locale-collate takes the locales the system has and refuses others",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      // This suite runs on Debian machines with only the C locales installed (the CI's too).
      assert.equal(await c.call("CONFIG", "SET", "locale-collate", "C"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "locale-collate", "POSIX"), "OK");
      assert.equal(
        errorText(await c.call("CONFIG", "SET", "locale-collate", "xx_NOPE.UTF-8")),
        "ERR CONFIG SET failed (possibly related to argument 'locale-collate') - Invalid locale name",
      );
      assert.deepEqual(await c.call("CONFIG", "GET", "locale-collate"), ["locale-collate", "POSIX"]);
      assert.equal(await c.call("CONFIG", "SET", "locale-collate", ""), "OK");
    }),
});

Deno.test({
  name: "immutable process directives cannot be set at run time",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      for (
        const name of ["set-proc-title", "always-show-logo", "supervised", "daemonize", "syslog-enabled"]
      ) {
        assert.equal(
          errorText(await c.call("CONFIG", "SET", name, "no")),
          `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`,
        );
      }
      assert.equal(await c.call("CONFIG", "SET", "activerehashing", "no"), "OK");
      assert.equal(await c.call("CONFIG", "SET", "activerehashing", "yes"), "OK");
    }),
});

Deno.test({
  name: "always-show-logo prints the banner with the port and PID instead of the 'Running mode' line",
  ...opts,
  fn: async () => {
    const s = await startServer(["--always-show-logo", "yes"]);
    try {
      await withConnTo(s.port, async (c) => assert.equal(await c.call("PING"), "PONG"));
      const out = s.output();
      assert.match(out, new RegExp(`Port: ${s.port}\\b`));
      assert.match(out, /PID: \d+/);
      assert.match(out, /Running in standalone mode/);
      assert.doesNotMatch(out, /Running mode=standalone/);
    } finally {
      await s.stop();
    }
  },
});

async function withConnTo(port: number, fn: (c: RawConn) => Promise<void>): Promise<void> {
  const c = await RawConn.connect(port);
  try {
    await fn(c);
  } finally {
    c.close();
  }
}

Deno.test({
  name: "a protocol error's log line hides the client's name and bytes unless hide-user-data-from-log is no",
  ...opts,
  ignore: !isValkyr() && !isValkeyLike(),
  fn: async () => {
    const s = await startServer(["--loglevel", "verbose"]);
    try {
      const send = async (name: string) => {
        const c = await RawConn.connect(s.port);
        assert.equal(await c.call("CLIENT", "SETNAME", name), "OK");
        c.send("*1\r\n$x\r\n");
        await c.readRaw(1);
        await c.waitClosed();
        c.close();
      };
      await send("hidden-name");
      await withConnTo(s.port, async (c) => {
        assert.equal(await c.call("CONFIG", "SET", "hide-user-data-from-log", "no"), "OK");
      });
      await send("shown-name");
      const deadline = Date.now() + 3000;
      while (!/name=shown-name/.test(s.output()) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const lines = s.output().split("\n").filter((l) => l.includes("Protocol error"));
      assert.equal(lines.length, 2, s.output());
      assert.match(
        lines[0]!,
        /Protocol error \(invalid bulk length\) from client: id=\d+ addr=\S+ .*name=\*redacted\* .*Query buffer: \*redacted\*$/,
      );
      assert.match(
        lines[1]!,
        /Protocol error \(invalid bulk length\) from client: id=\d+ addr=\S+ .*name=shown-name .*Query buffer: '\$x\.\.'$/,
      );
    } finally {
      await s.stop();
    }
  },
});

/** The settings of Valkey 8.1's stock valkey.conf (without the ones a test server sets itself). */
const STOCK_VALKEY_CONF = [
  ["protected-mode", "yes"],
  ["tcp-backlog", "511"],
  ["timeout", "0"],
  ["tcp-keepalive", "300"],
  ["daemonize", "no"],
  ["loglevel", "notice"],
  ["databases", "16"],
  ["always-show-logo", "no"],
  ["hide-user-data-from-log", "yes"],
  ["set-proc-title", "yes"],
  ["proc-title-template", "{title} {listen-addr} {server-mode}"],
  ["locale-collate", ""],
  ["stop-writes-on-bgsave-error", "yes"],
  ["rdbcompression", "yes"],
  ["rdbchecksum", "yes"],
  ["rdb-version-check", "strict"],
  ["dbfilename", "dump.rdb"],
  ["rdb-del-sync-files", "no"],
  ["replica-serve-stale-data", "yes"],
  ["replica-read-only", "yes"],
  ["repl-diskless-sync", "yes"],
  ["repl-diskless-sync-delay", "5"],
  ["repl-diskless-sync-max-replicas", "0"],
  ["repl-diskless-load", "disabled"],
  ["dual-channel-replication-enabled", "no"],
  ["repl-disable-tcp-nodelay", "no"],
  ["replica-priority", "100"],
  ["acllog-max-len", "128"],
  ["lazyfree-lazy-eviction", "yes"],
  ["lazyfree-lazy-expire", "yes"],
  ["lazyfree-lazy-server-del", "yes"],
  ["replica-lazy-flush", "yes"],
  ["lazyfree-lazy-user-del", "yes"],
  ["lazyfree-lazy-user-flush", "yes"],
  ["oom-score-adj", "no"],
  ["oom-score-adj-values", "0 200 800"],
  ["disable-thp", "yes"],
  ["appendonly", "no"],
  ["appendfilename", "appendonly.aof"],
  ["appenddirname", "appendonlydir"],
  ["appendfsync", "everysec"],
  ["no-appendfsync-on-rewrite", "no"],
  ["auto-aof-rewrite-percentage", "100"],
  ["auto-aof-rewrite-min-size", "64mb"],
  ["aof-load-truncated", "yes"],
  ["aof-use-rdb-preamble", "yes"],
  ["aof-timestamp-enabled", "no"],
  ["commandlog-execution-slower-than", "10000"],
  ["commandlog-slow-execution-max-len", "128"],
  ["commandlog-request-larger-than", "1048576"],
  ["commandlog-large-request-max-len", "128"],
  ["commandlog-reply-larger-than", "1048576"],
  ["commandlog-large-reply-max-len", "128"],
  ["latency-monitor-threshold", "0"],
  ["notify-keyspace-events", ""],
  ["hash-max-listpack-entries", "512"],
  ["hash-max-listpack-value", "64"],
  ["list-max-listpack-size", "-2"],
  ["list-compress-depth", "0"],
  ["set-max-intset-entries", "512"],
  ["set-max-listpack-entries", "128"],
  ["set-max-listpack-value", "64"],
  ["zset-max-listpack-entries", "128"],
  ["zset-max-listpack-value", "64"],
  ["hll-sparse-max-bytes", "3000"],
  ["stream-node-max-bytes", "4096"],
  ["stream-node-max-entries", "100"],
  ["activerehashing", "yes"],
  ["client-output-buffer-limit", "normal 0 0 0"],
  ["client-output-buffer-limit", "replica 256mb 64mb 60"],
  ["client-output-buffer-limit", "pubsub 32mb 8mb 60"],
  ["hz", "10"],
  ["aof-rewrite-incremental-fsync", "yes"],
  ["rdb-save-incremental-fsync", "yes"],
  ["jemalloc-bg-thread", "yes"],
];

/** What Debian's redis.conf (Redis 7.0) has instead of Valkey 8.1's lines. */
const REDIS_7_ONLY: Record<string, [string, string][]> = {
  "dual-channel-replication-enabled": [],
  "hide-user-data-from-log": [],
  "locale-collate": [],
  "rdb-version-check": [],
  "set-max-listpack-entries": [],
  "set-max-listpack-value": [],
  "replica-lazy-flush": [["replica-lazy-flush", "no"]],
  "commandlog-execution-slower-than": [["slowlog-log-slower-than", "10000"]],
  "commandlog-slow-execution-max-len": [["slowlog-max-len", "128"]],
  "commandlog-request-larger-than": [["dynamic-hz", "yes"]],
  "commandlog-large-request-max-len": [],
  "commandlog-reply-larger-than": [],
  "commandlog-large-reply-max-len": [],
};

Deno.test({
  name:
    "a server starts with every setting of the stock config file (valkey.conf; Debian's redis.conf for 7.0)",
  ...opts,
  fn: async () => {
    const lines = isValkeyLike()
      ? STOCK_VALKEY_CONF
      : STOCK_VALKEY_CONF.flatMap(([k, v]) => REDIS_7_ONLY[k!] ?? [[k, v]]);
    const multi = new Set(["oom-score-adj-values", "client-output-buffer-limit"]);
    const args = lines.flatMap(([k, v]) => [`--${k}`, ...(multi.has(k!) ? v!.split(" ") : [v!])]);
    const s = await startServer(args);
    try {
      await withConnTo(s.port, async (c) => {
        assert.equal(await c.call("PING"), "PONG");
        assert.deepEqual(await c.call("CONFIG", "GET", "repl-diskless-sync-delay"), [
          "repl-diskless-sync-delay",
          "5",
        ]);
        assert.deepEqual(await c.call("CONFIG", "GET", "oom-score-adj-values"), [
          "oom-score-adj-values",
          "0 200 800",
        ]);
        assert.deepEqual(await c.call("CONFIG", "GET", "disable-thp"), ["disable-thp", "yes"]);
        assert.deepEqual(await c.call("CONFIG", "GET", "acllog-max-len"), ["acllog-max-len", "128"]);
      });
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name:
    "the process title is proc-title-template's (the command line; the thread name stays), re-set by CONFIG SET",
  ...opts,
  // Bun (and the executable, built with Bun) cannot retitle a process.
  ignore: process.platform !== "linux" || target() === "bun" || target() === "binary",
  fn: () =>
    withConn(async (c) => {
      const pid = Number(/process_id:(\d+)/.exec(String(await c.call("INFO", "server")))![1]);
      const cmdline = () => readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ").trim();
      const comm = () => readFileSync(`/proc/${pid}/comm`, "latin1").trim();
      assert.ok(cmdline().endsWith(` 127.0.0.1:${srv.port}`), cmdline());
      assert.ok(!comm().includes(":"), `thread name ${comm()}`);
      assert.equal(await c.call("CONFIG", "SET", "proc-title-template", "{title} port={port}"), "OK");
      assert.ok(cmdline().endsWith(` port=${srv.port}`), cmdline());
      assert.equal(
        await c.call("CONFIG", "SET", "proc-title-template", "{title} {listen-addr} {server-mode}"),
        "OK",
      );
      assert.ok(cmdline().endsWith(` 127.0.0.1:${srv.port}`), cmdline());
    }),
});
