/**
 * INFO over TCP: sections, field names and order as Valkey 8.1 prints them, and the counters that move.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { Valkey } from "iovalkey";
import { isValkyr, startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { INFO_ALL_SECTIONS, INFO_DEFAULT_SECTIONS } from "../helpers/info_sections.ts";
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

/** Section headers of an INFO text. */
function headers(text: string): string[] {
  return text.split("\r\n").filter((l) => l.startsWith("# ")).map((l) => l.slice(2));
}

/**
 * The server's own section headers: `everything` and `modules` also print the sections of loaded modules
 * (`<module>_<section>`, lower-case; Valkyr loads its first-party modules by default).
 */
function coreHeaders(text: string): string[] {
  return headers(text).filter((h) => /^[A-Z]/.test(h));
}

/** The `name:value` fields of an INFO text, in order. */
function fields(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const l of text.split("\r\n")) {
    if (l === "" || l.startsWith("#")) continue;
    const i = l.indexOf(":");
    out.push([l.slice(0, i), l.slice(i + 1)]);
  }
  return out;
}

function field(text: string, name: string): string {
  const f = fields(text).find(([k]) => k === name);
  assert.ok(f !== undefined, `no field ${name}`);
  return f[1];
}

async function info(c: RawConn, ...sections: string[]): Promise<string> {
  return await c.call("INFO", ...sections) as string;
}

Deno.test({
  name: "INFO without arguments prints the default sections separated by blank lines",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const text = await info(c);
      assert.deepEqual(headers(text), INFO_DEFAULT_SECTIONS);
      assert.ok(text.startsWith("# Server\r\n"));
      assert.ok(text.endsWith("\r\n"));
      assert.ok(text.includes("\r\n\r\n# Clients\r\n"));
      assert.deepEqual(headers(await info(c, "default")), INFO_DEFAULT_SECTIONS);
    }),
});

Deno.test({
  name: "INFO all and everything add commandstats",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.deepEqual(headers(await info(c, "all")), INFO_ALL_SECTIONS);
      assert.deepEqual(coreHeaders(await info(c, "everything")), INFO_ALL_SECTIONS);
      assert.deepEqual(headers(await info(c, "ALL", "server")), INFO_ALL_SECTIONS);
    }),
});

Deno.test({
  name: "INFO with section names prints those sections in Valkey's order, case-insensitively",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.deepEqual(headers(await info(c, "SERVER")), ["Server"]);
      assert.deepEqual(headers(await info(c, "keyspace", "clients")), ["Clients", "Keyspace"]);
      assert.deepEqual(headers(await info(c, "cpu", "cpu", "CPU")), ["CPU"]);
      assert.deepEqual(headers(await info(c, "commandstats")), ["Commandstats"]);
      assert.deepEqual(coreHeaders(await info(c, "modules")), ["Modules"]);
      assert.deepEqual(headers(await info(c, "module_list")), ["Modules"]);
      assert.deepEqual(
        headers(await info(c, "default", "commandstats")),
        INFO_ALL_SECTIONS.filter((h) => h !== "Latencystats"),
      );
      const two = await info(c, "server", "clients");
      assert.match(two, /\r\n\r\n# Clients\r\n/);
    }),
});

Deno.test({
  name: "INFO of an unknown section is an empty string",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      assert.equal(await info(c, "nosuch"), "");
      c.send("*2\r\n$4\r\nINFO\r\n$3\r\nfoo\r\n");
      assert.equal(await c.readRaw(6), "$0\r\n\r\n");
      assert.deepEqual(headers(await info(c, "nosuch", "cluster")), ["Cluster"]);
    }),
});

Deno.test({
  name: "INFO is a verbatim string in RESP3",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("HELLO", "3");
      c.send("*2\r\n$4\r\nINFO\r\n$7\r\ncluster\r\n");
      assert.equal(await c.readRaw(41), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
    }),
});

Deno.test({
  name: "INFO server lists Valkey 8.1's fields in order with this server's values",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const text = await info(c, "server");
      const names = fields(text).map(([k]) => k);
      assert.deepEqual(names, [
        "redis_version",
        "server_name",
        "valkey_version",
        "valkey_release_stage",
        "redis_git_sha1",
        "redis_git_dirty",
        "redis_build_id",
        "server_mode",
        "os",
        "arch_bits",
        "monotonic_clock",
        "multiplexing_api",
        "gcc_version",
        "process_id",
        "process_supervised",
        "run_id",
        "tcp_port",
        "server_time_usec",
        "uptime_in_seconds",
        "uptime_in_days",
        "hz",
        "configured_hz",
        "clients_hz",
        "lru_clock",
        "executable",
        "config_file",
        "io_threads_active",
        "availability_zone",
        "listener0",
      ]);
      assert.equal(field(text, "redis_version"), "7.2.4");
      assert.equal(field(text, "server_name"), "valkey");
      assert.equal(field(text, "valkey_version"), "8.1.1");
      assert.equal(field(text, "server_mode"), "standalone");
      assert.equal(field(text, "arch_bits"), "64");
      assert.equal(field(text, "tcp_port"), String(srv.port));
      assert.match(field(text, "run_id"), /^[0-9a-f]{40}$/);
      assert.match(field(text, "process_id"), /^[1-9]\d*$/);
      assert.equal(field(text, "hz"), "10");
      assert.equal(field(text, "configured_hz"), "10");
      assert.equal(field(text, "clients_hz"), "10");
      assert.equal(field(text, "config_file"), "");
      // 1 while Valkyr's I/O Workers serve the clients (the CI run with VALKYR_TEST_IO_THREADS=4).
      const ioWorkers = isValkyr() && Number(process.env.VALKYR_TEST_IO_THREADS ?? "1") > 1;
      assert.equal(field(text, "io_threads_active"), ioWorkers ? "1" : "0");
      assert.equal(field(text, "listener0"), `name=tcp,bind=127.0.0.1,port=${srv.port}`);
      const usec = Number(field(text, "server_time_usec"));
      assert.ok(Math.abs(usec / 1000 - Date.now()) < 5000);
      assert.ok(Number(field(text, "uptime_in_seconds")) < 600);
      assert.equal(field(text, "uptime_in_days"), "0");
      // lru_clock: seconds, 24 bits.
      assert.ok(Math.abs(Number(field(text, "lru_clock")) - (Math.floor(Date.now() / 1000) & 0xffffff)) < 5);
      // The run id is stable for the server's lifetime.
      assert.equal(field(await info(c, "server"), "run_id"), field(text, "run_id"));
    }),
});

Deno.test({
  name: "INFO clients counts connected clients and shows the pause and limits",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const other = await RawConn.connect(srv.port, srv.host);
      try {
        await other.call("PING");
        const text = await info(c, "clients");
        assert.deepEqual(fields(text).map(([k]) => k), [
          "connected_clients",
          "cluster_connections",
          "maxclients",
          "client_recent_max_input_buffer",
          "client_recent_max_output_buffer",
          "blocked_clients",
          "tracking_clients",
          "pubsub_clients",
          "watching_clients",
          "clients_in_timeout_table",
          "total_watched_keys",
          "total_blocking_keys",
          "total_blocking_keys_on_nokey",
          "paused_reason",
          "paused_actions",
          "paused_timeout_milliseconds",
        ]);
        assert.ok(Number(field(text, "connected_clients")) >= 2);
        assert.equal(field(text, "maxclients"), "10000");
        assert.equal(field(text, "blocked_clients"), "0");
        assert.equal(field(text, "paused_reason"), "none");
        assert.equal(field(text, "paused_actions"), "none");
        assert.equal(field(text, "paused_timeout_milliseconds"), "0");
      } finally {
        other.close();
      }
      // Connections closed just before (this test's and earlier ones') may still be closing on the
      // server: wait until this one is alone, however long that takes on a loaded machine.
      await waitUntil(
        async () => field(await info(c, "clients"), "connected_clients") === "1",
        "this connection to be the only one",
      );
      const before = Number(field(await info(c, "clients"), "connected_clients"));
      const extra = await RawConn.connect(srv.port, srv.host);
      await extra.call("PING");
      assert.equal(Number(field(await info(c, "clients"), "connected_clients")), before + 1);
      extra.close();
    }),
});

Deno.test({
  name: "INFO clients shows a CLIENT PAUSE in progress",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      assert.equal(await c.call("CLIENT", "PAUSE", "100000", "WRITE"), "OK");
      try {
        const text = await info(c, "clients");
        assert.equal(field(text, "paused_reason"), "client_pause");
        assert.equal(field(text, "paused_actions"), "write");
        const left = Number(field(text, "paused_timeout_milliseconds"));
        assert.ok(left > 90000 && left <= 100000, String(left));
      } finally {
        await c.call("CLIENT", "UNPAUSE");
      }
      assert.equal(field(await info(c, "clients"), "paused_actions"), "none");
    }),
});

Deno.test({
  name: "INFO memory lists Valkey 8.1's fields in order with consistent figures",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const text = await info(c, "memory");
      assert.deepEqual(fields(text).map(([k]) => k), [
        "used_memory",
        "used_memory_human",
        "used_memory_rss",
        "used_memory_rss_human",
        "used_memory_peak",
        "used_memory_peak_human",
        "used_memory_peak_perc",
        "used_memory_overhead",
        "used_memory_startup",
        "used_memory_dataset",
        "used_memory_dataset_perc",
        "allocator_allocated",
        "allocator_active",
        "allocator_resident",
        "allocator_muzzy",
        "total_system_memory",
        "total_system_memory_human",
        "used_memory_lua",
        "used_memory_vm_eval",
        "used_memory_lua_human",
        "used_memory_scripts_eval",
        "number_of_cached_scripts",
        "number_of_functions",
        "number_of_libraries",
        "used_memory_vm_functions",
        "used_memory_vm_total",
        "used_memory_vm_total_human",
        "used_memory_functions",
        "used_memory_scripts",
        "used_memory_scripts_human",
        "maxmemory",
        "maxmemory_human",
        "maxmemory_policy",
        "allocator_frag_ratio",
        "allocator_frag_bytes",
        "allocator_rss_ratio",
        "allocator_rss_bytes",
        "rss_overhead_ratio",
        "rss_overhead_bytes",
        "mem_fragmentation_ratio",
        "mem_fragmentation_bytes",
        "mem_not_counted_for_evict",
        "mem_replication_backlog",
        "mem_total_replication_buffers",
        "mem_clients_slaves",
        "mem_clients_normal",
        "mem_cluster_links",
        "mem_aof_buffer",
        "mem_allocator",
        "mem_overhead_db_hashtable_rehashing",
        "active_defrag_running",
        "lazyfree_pending_objects",
        "lazyfreed_objects",
      ]);
      const used = Number(field(text, "used_memory"));
      const peak = Number(field(text, "used_memory_peak"));
      assert.ok(used > 0 && peak >= used);
      assert.ok(Number(field(text, "used_memory_rss")) > 0);
      assert.match(field(text, "used_memory_human"), /^\d+(\.\d\d[KMGTP])?B?$/);
      assert.match(field(text, "used_memory_peak_perc"), /^\d+\.\d\d%$/);
      assert.match(field(text, "mem_fragmentation_ratio"), /^\d+\.\d\d$/);
      assert.equal(field(text, "maxmemory"), "0");
      assert.equal(field(text, "maxmemory_human"), "0B");
      assert.equal(field(text, "maxmemory_policy"), "noeviction");
      assert.ok(Number(field(text, "total_system_memory")) > 0);
    }),
});

Deno.test({
  name: "INFO memory's peak never falls below the current usage",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("SET", "info:big", "x".repeat(1 << 20));
      const text = await info(c, "memory");
      assert.ok(Number(field(text, "used_memory_peak")) >= Number(field(text, "used_memory")));
      await c.call("DEL", "info:big");
    }),
});

Deno.test({
  name: "INFO persistence reports changes since the last save and an idle persistence state",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const before = Number(field(await info(c, "persistence"), "rdb_changes_since_last_save"));
      await c.call("SET", "info:p", "1");
      await c.call("SET", "info:p", "2");
      const text = await info(c, "persistence");
      assert.equal(Number(field(text, "rdb_changes_since_last_save")), before + 2);
      assert.equal(field(text, "loading"), "0");
      assert.equal(field(text, "rdb_bgsave_in_progress"), "0");
      assert.equal(field(text, "rdb_last_bgsave_status"), "ok");
      assert.equal(field(text, "aof_enabled"), "0");
      assert.equal(field(text, "rdb_last_save_time"), String(await c.call("LASTSAVE")));
      assert.deepEqual(fields(text).map(([k]) => k).slice(0, 12), [
        "loading",
        "async_loading",
        "current_cow_peak",
        "current_cow_size",
        "current_cow_size_age",
        "current_fork_perc",
        "current_save_keys_processed",
        "current_save_keys_total",
        "rdb_changes_since_last_save",
        "rdb_bgsave_in_progress",
        "rdb_last_save_time",
        "rdb_last_bgsave_status",
      ]);
    }),
});

Deno.test({
  name: "INFO stats counts commands, connections and keyspace hits and misses",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const s1 = await info(c, "stats");
      await c.call("SET", "info:s", "v");
      await c.call("GET", "info:s");
      await c.call("GET", "info:s");
      await c.call("GET", "info:nosuch");
      const s2 = await info(c, "stats");
      // INFO itself counts once, and the four commands.
      assert.equal(
        Number(field(s2, "total_commands_processed")) - Number(field(s1, "total_commands_processed")),
        5,
      );
      assert.equal(Number(field(s2, "keyspace_hits")) - Number(field(s1, "keyspace_hits")), 2);
      assert.equal(Number(field(s2, "keyspace_misses")) - Number(field(s1, "keyspace_misses")), 1);
      assert.ok(Number(field(s2, "total_connections_received")) >= 1);
      assert.ok(Number(field(s2, "total_net_input_bytes")) > Number(field(s1, "total_net_input_bytes")));
      assert.match(field(s2, "instantaneous_input_kbps"), /^\d+\.\d\d$/);
      assert.match(field(s2, "expired_stale_perc"), /^\d+\.\d\d$/);
    }),
});

Deno.test({
  name: "INFO stats counts expired keys and error replies",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const s1 = await info(c, "stats");
      await c.call("SET", "info:e", "v", "PX", "1");
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(await c.call("GET", "info:e"), null);
      assert.ok((await c.call("NOSUCHCOMMAND")) instanceof RespError);
      const s2 = await info(c, "stats");
      assert.equal(Number(field(s2, "expired_keys")) - Number(field(s1, "expired_keys")), 1);
      assert.equal(Number(field(s2, "total_error_replies")) - Number(field(s1, "total_error_replies")), 1);
    }),
});

Deno.test({
  name: "INFO stats lists Valkey 8.1's fields in order",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const names = fields(await info(c, "stats")).map(([k]) => k);
      assert.deepEqual(names.slice(0, 12), [
        "total_connections_received",
        "total_commands_processed",
        "instantaneous_ops_per_sec",
        "total_net_input_bytes",
        "total_net_output_bytes",
        "total_net_repl_input_bytes",
        "total_net_repl_output_bytes",
        "instantaneous_input_kbps",
        "instantaneous_output_kbps",
        "instantaneous_input_repl_kbps",
        "instantaneous_output_repl_kbps",
        "rejected_connections",
      ]);
      assert.deepEqual(names.slice(-8), [
        "eventloop_duration_sum",
        "eventloop_duration_cmd_sum",
        "instantaneous_eventloop_cycles_per_sec",
        "instantaneous_eventloop_duration_usec",
        "acl_access_denied_auth",
        "acl_access_denied_cmd",
        "acl_access_denied_key",
        "acl_access_denied_channel",
      ]);
      assert.equal(names.length, 67);
    }),
});

Deno.test({
  name: "INFO replication describes a primary without replicas",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      const text = await info(c, "replication");
      assert.deepEqual(fields(text).map(([k]) => k), [
        "role",
        "connected_slaves",
        "replicas_waiting_psync",
        "master_failover_state",
        "master_replid",
        "master_replid2",
        "master_repl_offset",
        "second_repl_offset",
        "repl_backlog_active",
        "repl_backlog_size",
        "repl_backlog_first_byte_offset",
        "repl_backlog_histlen",
      ]);
      assert.equal(field(text, "role"), "master");
      assert.equal(field(text, "connected_slaves"), "0");
      assert.equal(field(text, "master_failover_state"), "no-failover");
      assert.match(field(text, "master_replid"), /^[0-9a-f]{40}$/);
      assert.equal(field(text, "master_replid2"), "0".repeat(40));
      assert.equal(field(text, "second_repl_offset"), "-1");
      assert.equal(field(text, "repl_backlog_active"), "0");
    }),
});

Deno.test({
  name: "INFO cpu prints seconds with six decimals",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      const f = fields(await info(c, "cpu"));
      assert.deepEqual(f.slice(0, 4).map(([k]) => k), [
        "used_cpu_sys",
        "used_cpu_user",
        "used_cpu_sys_children",
        "used_cpu_user_children",
      ]);
      for (const [k, v] of f) assert.match(v, /^\d+\.\d{6}$/, k);
    }),
});

Deno.test({
  name: "INFO commandstats counts calls, rejected and failed calls per command and subcommand",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("CONFIG", "RESETSTAT");
      await c.call("SET", "info:c", "1");
      await c.call("GET", "info:c");
      await c.call("GET", "info:c");
      assert.ok((await c.call("GET")) instanceof RespError);
      assert.ok((await c.call("COMMAND", "GETKEYS", "nosuch", "a")) instanceof RespError);
      await c.call("COMMAND", "COUNT");
      const text = await info(c, "commandstats");
      const get = field(text, "cmdstat_get");
      assert.match(get, /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
      assert.match(
        field(text, "cmdstat_set"),
        /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/,
      );
      assert.match(
        field(text, "cmdstat_command|getkeys"),
        /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/,
      );
      assert.match(field(text, "cmdstat_command|count"), /^calls=1,/);
      assert.ok(!text.includes("cmdstat_del:"));
      const m = /usec=(\d+),usec_per_call=(\d+\.\d\d)/.exec(get)!;
      assert.equal(m[2], (Math.fround(Number(m[1])) / 2).toFixed(2));
    }),
});

Deno.test({
  name: "INFO errorstats counts error replies by code, in code order",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("CONFIG", "RESETSTAT");
      assert.ok((await c.call("NOSUCH")) instanceof RespError);
      assert.ok((await c.call("GET")) instanceof RespError);
      assert.ok((await c.call("HELLO", "4")) instanceof RespError);
      assert.equal(
        await info(c, "errorstats"),
        "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOPROTO:count=1\r\n",
      );
      await c.call("CONFIG", "RESETSTAT");
      assert.equal(await info(c, "errorstats"), "# Errorstats\r\n");
    }),
});

Deno.test({
  name: "INFO keyspace lists each database with keys, volatile keys and their average TTL",
  ...opts,
  fn: () =>
    withConn(async (c) => {
      await c.call("SELECT", "9");
      await c.call("FLUSHDB");
      assert.ok(!(await info(c, "keyspace")).includes("db9:"));
      await c.call("SET", "a", "1");
      await c.call("SET", "b", "2", "EX", "1000");
      await c.call("SET", "c", "3", "EX", "2000");
      const line = (await info(c, "keyspace")).split("\r\n").find((l) => l.startsWith("db9:"));
      assert.match(line!, /^db9:keys=3,expires=2,avg_ttl=\d+$/);
      const avg = Number(/avg_ttl=(\d+)/.exec(line!)![1]);
      // Valkey estimates from its expire cycle (0 until it ran); Valkyr from a sample.
      assert.ok(avg === 0 || (avg > 900_000 && avg <= 2_000_000), String(avg));
      await c.call("FLUSHDB");
      assert.ok(!(await info(c, "keyspace")).includes("db9:"));
    }),
});

Deno.test({
  name: "INFO keyspace avg_ttl is an estimate of the remaining TTLs",
  ...opts,
  ignore: !isValkyr(),
  fn: () =>
    withConn(async (c) => {
      await c.call("SELECT", "8");
      await c.call("FLUSHDB");
      for (let i = 0; i < 20; i++) await c.call("SET", `k${i}`, "v", "EX", "100");
      const line = (await info(c, "keyspace")).split("\r\n").find((l) => l.startsWith("db8:"));
      const avg = Number(/avg_ttl=(\d+)/.exec(line!)![1]);
      assert.ok(avg > 95_000 && avg <= 100_000, String(avg));
      await c.call("FLUSHDB");
    }),
});

Deno.test({
  name: "client libraries read INFO (iovalkey)",
  ...opts,
  fn: async () => {
    const v = new Valkey({ port: srv.port, host: srv.host, lazyConnect: true });
    await v.connect();
    try {
      const text = await v.info("server");
      assert.ok(text.startsWith("# Server\r\n"));
      assert.match(text, /\r\ntcp_port:\d+\r\n/);
      assert.equal(await v.info("nosuch"), "");
    } finally {
      v.disconnect();
    }
  },
});

Deno.test({
  name: "INFO commandstats counts a blocking command once: when served, timed out or unblocked",
  ...opts,
  // Redis 7.0 also counts the run that blocks; Valkey 8.1 does not.
  ...valkeyOnly(),
  fn: async () => {
    const [a, b, c] = [
      await RawConn.connect(srv.port, srv.host),
      await RawConn.connect(srv.port, srv.host),
      await RawConn.connect(srv.port, srv.host),
    ];
    try {
      await a.call("CONFIG", "RESETSTAT");
      const blpop = async () => {
        const m = /cmdstat_blpop:calls=(\d+),.*rejected_calls=(\d+)/.exec(
          await a.call("INFO", "commandstats") as string,
        );
        return m === null ? [0, 0] : [Number(m[1]), Number(m[2])];
      };
      const clientId = async (conn: RawConn) => Number(await conn.call("CLIENT", "ID"));
      b.send(new TextEncoder().encode("BLPOP cs:l1 5\r\n"));
      await waitUntil(
        async () => String(await a.call("CLIENT", "LIST")).includes("cmd=blpop"),
        "BLPOP to block",
      );
      assert.deepEqual(await blpop(), [0, 0], "a run that blocks is not a call yet");
      await a.call("RPUSH", "cs:l1", "x");
      assert.deepEqual(await b.read(), ["cs:l1", "x"]);
      assert.deepEqual(await blpop(), [1, 0]);
      assert.equal(await b.call("BLPOP", "cs:l2", "0.05"), null);
      assert.deepEqual(await blpop(), [2, 0]);
      const id = await clientId(c);
      c.send(new TextEncoder().encode("BLPOP cs:l3 0\r\n"));
      await waitUntil(
        async () => Number(await a.call("CLIENT", "UNBLOCK", String(id), "ERROR")) === 1,
        "CLIENT UNBLOCK to find the blocked client",
      );
      assert.ok((await c.read()) instanceof RespError);
      assert.deepEqual(await blpop(), [3, 1]);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  },
});

Deno.test({
  name: "INFO stats eventloop_* count the event loop's cycles, their time and the commands' time",
  ...opts,
  // Valkey 7.4+; Redis 7.0 has no eventloop metrics.
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      await c.call("SET", "el-key", "x");
      const a = await info(c, "stats");
      const cycles1 = Number(field(a, "eventloop_cycles"));
      const sum1 = Number(field(a, "eventloop_duration_sum"));
      const cmd1 = Number(field(a, "eventloop_duration_cmd_sum"));
      assert.ok(cycles1 > 0 && sum1 > 0 && cmd1 > 0, a);
      await new Promise((r) => setTimeout(r, 250)); // a few cron ticks at hz 10
      const b = await info(c, "stats");
      assert.ok(Number(field(b, "eventloop_cycles")) > cycles1);
      assert.ok(Number(field(b, "eventloop_duration_sum")) > sum1);
      assert.ok(Number(field(b, "eventloop_duration_cmd_sum")) > cmd1);
      // Sampled every 100 ms; the server's and the clients' cron wake the loop hz times a second each.
      await waitUntil(
        async () => Number(field(await info(c, "stats"), "instantaneous_eventloop_cycles_per_sec")) > 0,
        "instantaneous_eventloop_cycles_per_sec",
        5000,
      );
      assert.ok(Number(field(await info(c, "stats"), "instantaneous_eventloop_duration_usec")) > 0);
      await c.call("DEL", "el-key");
    }),
});

Deno.test({
  name: "INFO debug is hidden unless named: AOF and cron time, the longest cycle, most commands in a cycle",
  ...opts,
  ...valkeyOnly(),
  fn: () =>
    withConn(async (c) => {
      assert.doesNotMatch(await info(c), /eventloop_duration_aof_sum/);
      assert.doesNotMatch(await info(c, "everything"), /eventloop_duration_aof_sum/);
      const d = await info(c, "debug");
      assert.deepEqual(headers(d), ["Debug"]);
      assert.deepEqual(fields(d).map(([k]) => k), [
        "eventloop_duration_aof_sum",
        "eventloop_duration_cron_sum",
        "eventloop_duration_max",
        "eventloop_cmd_per_cycle_max",
      ]);
      assert.ok(Number(field(d, "eventloop_duration_aof_sum")) >= 0);
      assert.ok(Number(field(d, "eventloop_duration_cron_sum")) > 0);
      assert.ok(Number(field(d, "eventloop_duration_max")) > 0);
      assert.ok(Number(field(d, "eventloop_cmd_per_cycle_max")) > 0);
      await new Promise((r) => setTimeout(r, 150));
      const e = await info(c, "debug");
      assert.ok(
        Number(field(e, "eventloop_duration_cron_sum")) > Number(field(d, "eventloop_duration_cron_sum")),
      );
      // CONFIG RESETSTAT zeroes them.
      const before = Number(field(await info(c, "stats"), "eventloop_cycles"));
      assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
      assert.ok(Number(field(await info(c, "stats"), "eventloop_cycles")) < before);
      assert.ok(Number(field(await info(c, "debug"), "eventloop_cmd_per_cycle_max")) <= 2);
    }),
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
