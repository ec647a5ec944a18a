/**
 * INFO everything, field by field: every line is well-formed, and every field Valkey 8.1.1 prints in its
 * core sections is printed here too, with a value of the same shape (integer, decimal, human-readable
 * size, percentage, or the specific text format of the field).
 *
 * The field lists below are what `valkey-server` 8.1.1 (standalone master, no persistence) printed for
 * `INFO everything`, grouped by the shape of their values; sections whose field names depend on the data
 * (Commandstats, Errorstats, Latencystats, Keyspace, Modules) are checked by their value formats instead.
 */

import assert from "node:assert/strict";
import { isValkeyLike, startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { INFO_ALL_SECTIONS } from "../helpers/info_sections.ts";

const srv = await startServer();
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Splits a backquoted word list. */
function w(parts: TemplateStringsArray): string[] {
  return parts.join("").trim().split(/\s+/);
}

type Shape = "int" | "dec" | "human" | "perc" | "str";

/** Valkey 8.1.1's fields of each core section, by the shape of their values. */
const VALKEY_FIELDS: Record<string, Partial<Record<Shape, string[]>>> = {
  Server: {
    int:
      w`redis_git_sha1 redis_git_dirty arch_bits process_id tcp_port server_time_usec uptime_in_seconds uptime_in_days hz configured_hz clients_hz lru_clock io_threads_active`,
    str:
      w`redis_version server_name valkey_version valkey_release_stage redis_build_id server_mode os monotonic_clock multiplexing_api gcc_version process_supervised run_id executable config_file availability_zone listener0`,
  },
  Clients: {
    int:
      w`connected_clients cluster_connections maxclients client_recent_max_input_buffer client_recent_max_output_buffer blocked_clients tracking_clients pubsub_clients watching_clients clients_in_timeout_table total_watched_keys total_blocking_keys total_blocking_keys_on_nokey paused_timeout_milliseconds`,
    str: w`paused_reason paused_actions`,
  },
  Memory: {
    int:
      w`used_memory used_memory_rss used_memory_peak used_memory_overhead used_memory_startup used_memory_dataset allocator_allocated allocator_active allocator_resident allocator_muzzy total_system_memory used_memory_lua used_memory_vm_eval used_memory_scripts_eval number_of_cached_scripts number_of_functions number_of_libraries used_memory_vm_functions used_memory_vm_total used_memory_functions used_memory_scripts maxmemory allocator_frag_bytes allocator_rss_bytes rss_overhead_bytes mem_fragmentation_bytes mem_not_counted_for_evict mem_replication_backlog mem_total_replication_buffers mem_clients_slaves mem_clients_normal mem_cluster_links mem_aof_buffer mem_overhead_db_hashtable_rehashing active_defrag_running lazyfree_pending_objects lazyfreed_objects`,
    dec: w`allocator_frag_ratio allocator_rss_ratio rss_overhead_ratio mem_fragmentation_ratio`,
    human:
      w`used_memory_human used_memory_rss_human used_memory_peak_human total_system_memory_human used_memory_lua_human used_memory_vm_total_human used_memory_scripts_human maxmemory_human`,
    perc: w`used_memory_peak_perc used_memory_dataset_perc`,
    str: w`maxmemory_policy mem_allocator`,
  },
  Persistence: {
    int:
      w`loading async_loading current_cow_peak current_cow_size current_cow_size_age current_save_keys_processed current_save_keys_total rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec rdb_saves rdb_last_cow_size rdb_last_load_keys_expired rdb_last_load_keys_loaded aof_enabled aof_rewrite_in_progress aof_rewrite_scheduled aof_last_rewrite_time_sec aof_current_rewrite_time_sec aof_rewrites aof_rewrites_consecutive_failures aof_last_cow_size module_fork_in_progress module_fork_last_cow_size`,
    dec: w`current_fork_perc`,
    str: w`rdb_last_bgsave_status aof_last_bgrewrite_status aof_last_write_status`,
  },
  Stats: {
    int:
      w`total_connections_received total_commands_processed instantaneous_ops_per_sec total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes total_net_repl_output_bytes rejected_connections sync_full sync_partial_ok sync_partial_err expired_keys expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients evicted_scripts total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses pubsub_channels pubsub_patterns pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys active_defrag_hits active_defrag_misses active_defrag_key_hits active_defrag_key_misses total_active_defrag_time current_active_defrag_time tracking_total_keys tracking_total_items tracking_total_prefixes unexpected_error_replies total_error_replies dump_payload_sanitizations total_reads_processed total_writes_processed io_threaded_reads_processed io_threaded_writes_processed io_threaded_freed_objects io_threaded_accept_processed io_threaded_poll_processed io_threaded_total_prefetch_batches io_threaded_total_prefetch_entries client_query_buffer_limit_disconnections client_output_buffer_limit_disconnections reply_buffer_shrinks reply_buffer_expands eventloop_cycles eventloop_duration_sum eventloop_duration_cmd_sum instantaneous_eventloop_cycles_per_sec instantaneous_eventloop_duration_usec acl_access_denied_auth acl_access_denied_cmd acl_access_denied_key acl_access_denied_channel`,
    dec:
      w`instantaneous_input_kbps instantaneous_output_kbps instantaneous_input_repl_kbps instantaneous_output_repl_kbps expired_stale_perc`,
  },
  Replication: {
    int:
      w`connected_slaves replicas_waiting_psync master_replid2 master_repl_offset second_repl_offset repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset repl_backlog_histlen`,
    str: w`role master_failover_state master_replid`,
  },
  CPU: {
    dec:
      w`used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children used_cpu_sys_main_thread used_cpu_user_main_thread`,
  },
  Cluster: {
    int: w`cluster_enabled`,
  },
};

const SHAPES: Record<Exclude<Shape, "str">, RegExp> = {
  int: /^-?\d+$/,
  dec: /^-?\d+\.\d+$/,
  human: /^\d+(\.\d+)?[BKMGTPE]$/,
  perc: /^\d+\.\d+%$/,
};

/** Formats of the text fields (anything Valkey prints for them in some state). */
const TEXT_FORMATS: Record<string, RegExp> = {
  redis_version: /^\d+\.\d+\.\d+$/,
  server_name: /^valkey$/,
  valkey_version: /^\d+\.\d+\.\d+$/,
  valkey_release_stage: /^(dev|rc\d+|ga)$/,
  redis_build_id: /^[0-9a-f]+$/,
  server_mode: /^(standalone|cluster|sentinel)$/,
  os: /^\S+ \S+ \S+$/,
  monotonic_clock: /^(POSIX clock_gettime|X86 TSC @ \d+ ticks\/us|ARM CNTVCT @ \d+ ticks\/us)$/,
  multiplexing_api: /^(epoll|kqueue|evport|select)$/,
  gcc_version: /^\d+\.\d+\.\d+$/,
  process_supervised: /^(no|upstart|systemd|unknown)$/,
  run_id: /^[0-9a-f]{40}$/,
  executable: /^(\/.*)?$/,
  config_file: /^.*$/,
  availability_zone: /^.*$/,
  listener0: /^name=tcp(,bind=[^,]+)+,port=\d+$/,
  paused_reason: /^(none|client_pause|shutdown_in_progress|failover_in_progress)$/,
  paused_actions: /^(none|write|all)$/,
  maxmemory_policy:
    /^(noeviction|allkeys-lru|allkeys-lfu|allkeys-random|volatile-lru|volatile-lfu|volatile-random|volatile-ttl)$/,
  mem_allocator: /^\S+$/,
  rdb_last_bgsave_status: /^(ok|err)$/,
  aof_last_bgrewrite_status: /^(ok|err)$/,
  aof_last_write_status: /^(ok|err)$/,
  role: /^(master|slave)$/,
  master_failover_state: /^(no-failover|waiting-for-sync|failover-in-progress)$/,
  master_replid: /^[0-9a-f]{40}$/,
};

/** INFO everything as sections of [name, value] fields, checking every line's form on the way. */
function parseInfo(text: string): Map<string, [string, string][]> {
  assert.ok(text.endsWith("\r\n"), "INFO ends with CRLF");
  const lines = text.split("\r\n");
  lines.pop();
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | null = null;
  for (const line of lines) {
    assert.ok(!line.includes("\r") && !line.includes("\n"), `stray CR/LF in ${JSON.stringify(line)}`);
    if (line === "") {
      current = null;
      continue;
    }
    if (line.startsWith("#")) {
      const m = /^# (\S+)$/.exec(line);
      assert.ok(m !== null, `malformed section header ${JSON.stringify(line)}`);
      assert.ok(!sections.has(m[1]!), `section ${m[1]} printed twice`);
      sections.set(m[1]!, current = []);
      continue;
    }
    assert.ok(current !== null, `field outside a section: ${JSON.stringify(line)}`);
    const i = line.indexOf(":");
    assert.ok(i > 0, `not name:value: ${JSON.stringify(line)}`);
    const name = line.slice(0, i);
    assert.match(name, /^[^\s:]+$/, `field name ${JSON.stringify(name)}`);
    current.push([name, line.slice(i + 1)]);
  }
  return sections;
}

async function infoEverything(): Promise<Map<string, [string, string][]>> {
  const c = await RawConn.connect(srv.port, srv.host);
  try {
    // Something in every data-dependent section: a key, a command, an error reply.
    await c.call("SET", "info-fields:k", "v");
    await c.call("GET", "info-fields:k");
    await c.call("INCR", "info-fields:k"); // an error reply: "ERR value is not an integer or out of range"
    await c.call("CLIENT", "LIST");
    return parseInfo(await c.call("INFO", "everything") as string);
  } finally {
    await c.call("DEL", "info-fields:k");
    c.close();
  }
}

Deno.test({
  name: "INFO everything: every line is a section header, a blank line or name:value",
  ...opts,
  async fn() {
    const sections = await infoEverything();
    const core = [...sections.keys()].filter((s) => /^[A-Z]/.test(s));
    assert.deepEqual(core, INFO_ALL_SECTIONS);
    // Module sections are `<module>_<section>`, lower-case, after the core ones.
    for (const s of sections.keys()) {
      if (!INFO_ALL_SECTIONS.includes(s)) assert.match(s, /^[a-z0-9_]+$/, `module section ${s}`);
    }
    // No field name twice in a section (Modules repeats `module`, one line per module).
    for (const [s, list] of sections) {
      if (s === "Modules") continue;
      const names = list.map(([n]) => n);
      assert.equal(new Set(names).size, names.length, `duplicate field in ${s}`);
    }
  },
});

Deno.test({
  name: "INFO everything: the fields Valkey 8.1.1 prints are all here",
  ...opts,
  ...valkeyOnly(),
  async fn() {
    const sections = await infoEverything();
    const missing: string[] = [];
    for (const [section, shapes] of Object.entries(VALKEY_FIELDS)) {
      const have = new Set((sections.get(section) ?? []).map(([n]) => n));
      for (const names of Object.values(shapes)) {
        for (const n of names) if (!have.has(n)) missing.push(`${section}.${n}`);
      }
    }
    assert.deepEqual(missing, []);
  },
});

Deno.test({
  name: "INFO everything: each field's value has the shape of Valkey's",
  ...opts,
  async fn() {
    const sections = await infoEverything();
    let checked = 0;
    for (const [section, shapes] of Object.entries(VALKEY_FIELDS)) {
      const values = new Map(sections.get(section) ?? []);
      for (const [shape, names] of Object.entries(shapes) as [Shape, string[]][]) {
        for (const n of names) {
          const v = values.get(n);
          if (v === undefined) continue; // Redis 7.0 lacks some (the presence test covers Valkey)
          const re = shape === "str" ? TEXT_FORMATS[n] : SHAPES[shape];
          assert.ok(re !== undefined, `no format for ${n}`);
          if (shape === "str" && !isValkeyLike() && /^(server_name|valkey_)/.test(n)) continue;
          assert.match(v, re, `${section}.${n} = ${JSON.stringify(v)} (${shape})`);
          checked++;
        }
      }
    }
    assert.ok(checked > 150, `only ${checked} fields checked`);
  },
});

Deno.test({
  name: "INFO everything: commandstats, errorstats, latencystats, keyspace and modules lines are well-formed",
  ...opts,
  async fn() {
    const sections = await infoEverything();
    const cmd = sections.get("Commandstats")!;
    assert.ok(cmd.some(([n]) => n === "cmdstat_set"));
    for (const [n, v] of cmd) {
      assert.match(n, /^cmdstat_[a-z_\-|.]+$/);
      assert.match(v, /^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$/, n);
    }
    const err = sections.get("Errorstats")!;
    assert.ok(err.some(([n]) => n === "errorstat_ERR"));
    for (const [n, v] of err) {
      assert.match(n, /^errorstat_\S+$/);
      assert.match(v, /^count=\d+$/, n);
    }
    const lat = sections.get("Latencystats")!;
    assert.ok(lat.some(([n]) => n === "latency_percentiles_usec_set"));
    for (const [n, v] of lat) {
      assert.match(n, /^latency_percentiles_usec_[a-z_\-|.]+$/);
      // The default latency-tracking-info-percentiles "50 99 99.9", three decimals.
      assert.match(v, /^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/, n);
    }
    const ks = sections.get("Keyspace")!;
    assert.ok(ks.length >= 1);
    for (const [n, v] of ks) {
      assert.match(n, /^db\d+$/);
      assert.match(v, /^keys=\d+,expires=\d+,avg_ttl=\d+$/, n);
    }
    for (const [n, v] of sections.get("Modules")!) {
      assert.equal(n, "module");
      assert.match(
        v,
        /^name=[^,]+,ver=\d+,api=\d+,filters=\d+,usedby=\[[^\]]*\],using=\[[^\]]*\],options=\[[^\]]*\]$/,
      );
    }
    for (const [s, list] of sections) {
      if (INFO_ALL_SECTIONS.includes(s)) continue;
      for (const [n, v] of list) assert.match(v, /^-?\d+(\.\d+)?$/, `${s}.${n}`);
    }
  },
});

Deno.test({ name: "stop server", ...opts, fn: () => srv.stop() });
