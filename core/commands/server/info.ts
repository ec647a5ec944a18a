/**
 * INFO: Valkey 8.1's report (server.c genValkeyInfoString), section by section, with Valkey's field names and
 * order. Figures Valkyr keeps come from the server, its stats, its databases and the process; features
 * Valkyr does not have (replication, persistence, scripting, pub/sub, tracking, defrag, TLS...) report the
 * values Valkey reports when they are idle or off (0, -1, "ok", empty), never made-up figures.
 *
 * Sections: server, clients, memory, persistence, stats, replication, cpu, modules (module_list),
 * commandstats, errorstats, latencystats, cluster, keyspace. `default` (no argument) is every section but
 * commandstats and latencystats; `all` adds them; `everything` adds module-generated sections too. Unknown
 * names select nothing, so `INFO foo` is an empty string. The hidden `debug` section (event-loop duration
 * counters) is produced only when named.
 *
 * @module
 */

import { aclOf } from "../../acl/acl.ts";
import { persistenceOf } from "../../persistence/persistence.ts";
import { aofOf } from "../../persistence/aof.ts";
import { goodReplicas, minReplicasActive } from "./replication.ts";
import { primaryOf } from "../../replication/primary.ts";
import { failoverOf } from "../../replication/failover.ts";
import { replicaOf } from "../../replication/replica.ts";
import os from "node:os";
import process from "node:process";
import * as path from "node:path";
import { readTextFile } from "../../runtime/files.ts";
import { runtimeVersion } from "../../net/mod.ts";
import type { Server } from "../../server/server.ts";
import type { Db } from "../../keyspace/db.ts";
import { REDIS_COMPAT_VERSION, VALKEY_VERSION, VALKYR_VERSION } from "../../server/version.ts";
import type { CommandCall } from "../call.ts";
import { lruClock } from "../lookup.ts";
import { clientCounters } from "../connection/hooks.ts";
import { pauseInfo } from "../connection/pause.ts";
import type { CommandSpec } from "../spec.ts";
import { bytesToHuman, floatDiv, printfFixed, safeInfoString } from "./format.ts";
import { MEM_ALLOCATOR, memoryOverview, recentClientBufferMax, replicationMemory } from "./memory_stats.ts";
import { evictorOf } from "../../eviction/evict.ts";
import { nowUsec } from "./time_cmd.ts";
import { existingModuleHost } from "../../module_api/host.ts";
import { latencystatsSection } from "../observability/latency_cmd.ts";
import { totalWatchedKeys } from "../transaction/mod.ts";
import { pubsubChannelCount, pubsubPatternCount, pubsubShardChannelCount } from "../pubsub/mod.ts";
import { migrateCachedSockets } from "../generic/migrate.ts";

/** The sections of a plain INFO (Valkey's default_sections). */
export const DEFAULT_SECTIONS: readonly string[] = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "module_list",
  "errorstats",
  "cluster",
  "keyspace",
];

/** Which sections a request selects (Valkey's genInfoSectionDict). */
export interface SectionSelection {
  names: Set<string>;
  all: boolean;
  everything: boolean;
}

const latin1 = new TextDecoder("latin1");

/** Parses INFO's arguments: section names (case-insensitive), `default`, `all`, `everything`. */
export function selectSections(args: readonly Uint8Array[]): SectionSelection {
  const sel: SectionSelection = { names: new Set(), all: false, everything: false };
  if (args.length === 0) {
    for (const s of DEFAULT_SECTIONS) sel.names.add(s);
    return sel;
  }
  for (const a of args) {
    // Section names are C strings: a NUL byte ends them.
    const nul = a.indexOf(0);
    const name = latin1.decode(nul >= 0 ? a.subarray(0, nul) : a).toLowerCase();
    if (name === "default") { for (const s of DEFAULT_SECTIONS) sel.names.add(s); }
    else if (name === "all") sel.all = true;
    else if (name === "everything") sel.all = sel.everything = true;
    else sel.names.add(name);
  }
  return sel;
}

type Field = [name: string, value: string | number];

function lines(header: string, fields: readonly Field[]): string {
  let s = `# ${header}\r\n`;
  for (const [k, v] of fields) s += `${k}:${v}\r\n`;
  return s;
}

/** A config value that may not be declared (yet): its value, or Valkey's default. */
function configStr(server: Server, name: string, dflt: string): string {
  return server.config.has(name) ? server.config.getStr(name) : dflt;
}

function configInt(server: Server, name: string, dflt: number): number {
  return server.config.has(name) ? server.config.getInt(name) : dflt;
}

function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(s)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

/** Identifies this build the way Valkey's redis_build_id does (a hash of what was built). */
const BUILD_ID = fnv1a64(`valkyr ${VALKYR_VERSION} ${runtimeVersion()}`);

/** What the event loop polls with on this platform (libuv, tokio and Bun use the same as Valkey's ae). */
function multiplexingApi(): string {
  switch (process.platform) {
    case "linux":
      return "epoll";
    case "darwin":
    case "freebsd":
    case "openbsd":
    case "netbsd":
      return "kqueue";
    case "sunos":
      return "evport";
    default:
      return "select";
  }
}

/** uname's sysname, release and machine, as Valkey caches them. */
const OS_LINE = `${os.type()} ${os.release()} ${
  (os as { machine?: () => string }).machine?.() ?? process.arch
}`;
const MULTIPLEXING_API = multiplexingApi();

/** shutdown_in_milliseconds, while a shutdown waits for replicas. */
function shutdownLine(server: Server, nowMs: number): Field[] {
  const left = server.shutdownInMs(nowMs);
  return left === null ? [] : [["shutdown_in_milliseconds", left]];
}

function listenerLines(server: Server): Field[] {
  const out: Field[] = [];
  const binds = server.config.getBind().map((b) => `,bind=${b}`).join("");
  if (server.port !== 0) out.push(["listener0", `name=tcp${binds},port=${server.port}`]);
  const unix = configStr(server, "unixsocket", "");
  if (unix !== "") out.push(["listener1", `name=unix,bind=${unix}`]);
  // Valkey numbers listeners by connection type: tcp 0, unix 1, tls 2.
  if (server.tls.port !== 0) out.push(["listener2", `name=tls${binds},port=${server.tls.port}`]);
  else if (server.tls.bound) out.push(["listener2", "name=tls"]);
  return out;
}

function serverSection(server: Server, nowMs: number): string {
  const uptime = Math.max(0, Math.floor(nowMs / 1000) - Math.floor(server.startTime / 1000));
  const hz = server.config.getInt("hz");
  const cronPeriod = Math.floor(1000 / Math.max(1, Math.min(500, hz)));
  const configFile = server.config.configFile;
  const redisCompat = server.config.has("extended-redis-compatibility") &&
    server.config.getBool("extended-redis-compatibility");
  return lines("Server", [
    ["redis_version", REDIS_COMPAT_VERSION],
    ["server_name", "valkey"],
    ["valkey_version", VALKEY_VERSION],
    ["valkey_release_stage", "ga"],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", BUILD_ID],
    [redisCompat ? "redis_mode" : "server_mode", "standalone"],
    ["os", OS_LINE],
    ["arch_bits", 64],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", MULTIPLEXING_API],
    ["gcc_version", "0.0.0"],
    ["process_id", process.pid],
    ["process_supervised", server.supervision.mode],
    ["run_id", server.runId],
    ["tcp_port", server.port],
    ["server_time_usec", nowUsec()],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", hz],
    ["configured_hz", hz],
    ["clients_hz", Math.floor(1000 / cronPeriod)],
    ["lru_clock", lruClock(nowMs)],
    ["executable", process.execPath],
    ["config_file", configFile === undefined ? "" : path.resolve(configFile)],
    ["io_threads_active", server.io !== undefined ? 1 : 0],
    ["availability_zone", configStr(server, "availability-zone", "")],
    ...shutdownLine(server, nowMs),
    ...listenerLines(server),
  ]);
}

function clientsSection(server: Server, nowMs: number): string {
  let blocked = 0;
  let pubsub = 0;
  let watching = 0;
  for (const c of server.clients.values()) {
    if (c.blocked) blocked++;
    const n = clientCounters(server, c);
    if (n.sub + n.psub + n.ssub > 0 || c.flags.has("P")) pubsub++;
    if (n.watch > 0) watching++;
  }
  const recent = recentClientBufferMax(server, nowMs);
  const pause = pauseInfo(server, nowMs);
  return lines("Clients", [
    ["connected_clients", server.clients.size - primaryOf(server).replicas.length],
    ["cluster_connections", 0],
    ["maxclients", server.config.getInt("maxclients")],
    ["client_recent_max_input_buffer", recent.input],
    ["client_recent_max_output_buffer", recent.output],
    ["blocked_clients", blocked],
    ["tracking_clients", server.tracking.clientCount],
    ["pubsub_clients", pubsub],
    ["watching_clients", watching],
    ["clients_in_timeout_table", server.blocking.blockedCount],
    ["total_watched_keys", totalWatchedKeys(server)],
    ["total_blocking_keys", server.blocking.blockedKeys],
    ["total_blocking_keys_on_nokey", server.blocking.blockedKeysOnNoKey],
    ["paused_reason", pause.reason],
    ["paused_actions", pause.actions],
    ["paused_timeout_milliseconds", pause.timeoutMs],
  ]);
}

const pct = (x: number) => `${printfFixed(x, 2)}%`;
const fixed2 = (x: number) => printfFixed(x, 2);

function memorySection(server: Server): string {
  const mh = memoryOverview(server);
  const replMem = replicationMemory(server);
  const maxmemory = server.config.getInt("maxmemory");
  const ev = evictorOf(server);
  const totalSystem = os.totalmem();
  return lines("Memory", [
    ["used_memory", mh.used],
    ["used_memory_human", bytesToHuman(mh.used)],
    ["used_memory_rss", mh.rss],
    ["used_memory_rss_human", bytesToHuman(mh.rss)],
    ["used_memory_peak", mh.peak],
    ["used_memory_peak_human", bytesToHuman(mh.peak)],
    ["used_memory_peak_perc", pct(mh.peakPerc)],
    ["used_memory_overhead", mh.overheadTotal],
    ["used_memory_startup", mh.startup],
    ["used_memory_dataset", mh.dataset],
    ["used_memory_dataset_perc", pct(mh.datasetPerc)],
    ["allocator_allocated", mh.allocatorAllocated],
    ["allocator_active", mh.allocatorActive],
    ["allocator_resident", mh.allocatorResident],
    ["allocator_muzzy", mh.allocatorMuzzy],
    ["total_system_memory", totalSystem],
    ["total_system_memory_human", bytesToHuman(totalSystem)],
    ["used_memory_lua", 0],
    ["used_memory_vm_eval", 0],
    ["used_memory_lua_human", bytesToHuman(0)],
    ["used_memory_scripts_eval", 0],
    ["number_of_cached_scripts", 0],
    ["number_of_functions", 0],
    ["number_of_libraries", 0],
    ["used_memory_vm_functions", 0],
    ["used_memory_vm_total", 0],
    ["used_memory_vm_total_human", bytesToHuman(0)],
    ["used_memory_functions", 0],
    ["used_memory_scripts", 0],
    ["used_memory_scripts_human", bytesToHuman(0)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", server.config.getEnum("maxmemory-policy")],
    ["allocator_frag_ratio", fixed2(mh.allocatorFrag)],
    ["allocator_frag_bytes", mh.allocatorFragBytes],
    ["allocator_rss_ratio", fixed2(mh.allocatorRss)],
    ["allocator_rss_bytes", mh.allocatorRssBytes],
    ["rss_overhead_ratio", fixed2(mh.rssExtra)],
    ["rss_overhead_bytes", mh.rssExtraBytes],
    ["mem_fragmentation_ratio", fixed2(mh.totalFrag)],
    ["mem_fragmentation_bytes", mh.totalFragBytes],
    ["mem_not_counted_for_evict", 0],
    ["mem_replication_backlog", replMem.backlog],
    ["mem_total_replication_buffers", replMem.total],
    ["mem_clients_slaves", replMem.replicas],
    ["mem_clients_normal", mh.clientsNormal],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", aofOf(server).bufferLength],
    ["mem_allocator", MEM_ALLOCATOR],
    ["mem_overhead_db_hashtable_rehashing", mh.hashtableRehashing],
    ["active_defrag_running", ev?.defrag.running ?? 0],
    ["lazyfree_pending_objects", ev?.lazy.pendingObjects ?? 0],
    ["lazyfreed_objects", ev?.lazy.freedObjects ?? 0],
  ]);
}

function persistenceSection(server: Server): string {
  const p = persistenceOf(server);
  const aof = aofOf(server);
  const snap = p.snapshot;
  return lines("Persistence", [
    ["loading", 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", snap === null ? 0 : snap.keysProcessed],
    ["current_save_keys_total", snap === null ? 0 : snap.keysTotal],
    ["rdb_changes_since_last_save", server.dirty],
    ["rdb_bgsave_in_progress", snap === null ? 0 : 1],
    ["rdb_last_save_time", server.lastSave],
    ["rdb_last_bgsave_status", p.lastBgsaveOk ? "ok" : "err"],
    ["rdb_last_bgsave_time_sec", p.lastBgsaveTimeSec],
    ["rdb_current_bgsave_time_sec", p.currentBgsaveSec],
    ["rdb_saves", p.rdbSaves],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", p.lastLoadKeysExpired],
    ["rdb_last_load_keys_loaded", p.lastLoadKeysLoaded],
    ...aof.infoFields(),
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
    ...aof.infoEnabledFields(),
  ]);
}

/** `%.2f` of Valkey's `(float)instantaneous / 1024`, the metric being an integer average of bytes/s. */
const kbps = (k: number) => fixed2(floatDiv(Math.trunc(k * 1024), 1024));

function statsSection(server: Server): string {
  const st = server.stats;
  const acl = aclOf(server);
  const ev = evictorOf(server);
  return lines("Stats", [
    ["total_connections_received", st.totalConnections],
    ["total_commands_processed", st.totalCommands],
    ["instantaneous_ops_per_sec", st.opsPerSec],
    ["total_net_input_bytes", st.netInput],
    ["total_net_output_bytes", st.netOutput],
    ["total_net_repl_input_bytes", st.netReplInput],
    ["total_net_repl_output_bytes", st.netReplOutput],
    ["instantaneous_input_kbps", kbps(st.inputKbps)],
    ["instantaneous_output_kbps", kbps(st.outputKbps)],
    ["instantaneous_input_repl_kbps", kbps(st.replInputKbps)],
    ["instantaneous_output_repl_kbps", kbps(st.replOutputKbps)],
    ["rejected_connections", st.rejectedConnections],
    ["sync_full", primaryOf(server).syncFull],
    ["sync_partial_ok", primaryOf(server).syncPartialOk],
    ["sync_partial_err", primaryOf(server).syncPartialErr],
    ["expired_keys", server.expiredKeys],
    ["expired_stale_perc", fixed2(st.expiredStalePerc * 100)],
    ["expired_time_cap_reached_count", st.expiredTimeCapReached],
    ["expire_cycle_cpu_milliseconds", Math.floor(st.expireCycleCpuMs)],
    ["evicted_keys", st.evictedKeys],
    ["evicted_clients", ev?.evictedClients ?? 0],
    ["evicted_scripts", 0],
    ["total_eviction_exceeded_time", Math.floor(ev?.exceededTotalMs ?? 0)],
    ["current_eviction_exceeded_time", Math.floor(ev?.currentExceededMs() ?? 0)],
    ["keyspace_hits", st.keyspaceHits],
    ["keyspace_misses", st.keyspaceMisses],
    ["pubsub_channels", pubsubChannelCount(server)],
    ["pubsub_patterns", pubsubPatternCount(server)],
    ["pubsubshard_channels", pubsubShardChannelCount(server)],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", migrateCachedSockets(server)],
    ["slave_expires_tracked_keys", replicaOf(server).ownExpiring.size],
    ["active_defrag_hits", ev?.defrag.hits ?? 0],
    ["active_defrag_misses", ev?.defrag.misses ?? 0],
    ["active_defrag_key_hits", ev?.defrag.hits ?? 0],
    ["active_defrag_key_misses", ev?.defrag.misses ?? 0],
    ["total_active_defrag_time", Math.floor((ev?.defrag.totalMs ?? 0) + (ev?.defrag.currentMs() ?? 0))],
    ["current_active_defrag_time", Math.floor(ev?.defrag.currentMs() ?? 0)],
    ["tracking_total_keys", server.tracking.keyCount],
    ["tracking_total_items", server.tracking.itemCount],
    ["tracking_total_prefixes", server.tracking.prefixCount],
    ["unexpected_error_replies", st.unexpectedErrorReplies],
    ["total_error_replies", st.totalErrorReplies],
    ["dump_payload_sanitizations", st.dumpPayloadSanitizations],
    ["total_reads_processed", st.totalReadsProcessed],
    ["total_writes_processed", st.totalWritesProcessed],
    ["io_threaded_reads_processed", server.io?.counters.reads ?? 0],
    ["io_threaded_writes_processed", server.io?.counters.writes ?? 0],
    ["io_threaded_freed_objects", 0],
    ["io_threaded_accept_processed", server.io?.counters.accepts ?? 0],
    ["io_threaded_poll_processed", 0],
    ["io_threaded_total_prefetch_batches", 0],
    ["io_threaded_total_prefetch_entries", 0],
    ["client_query_buffer_limit_disconnections", st.clientQueryBufferLimitDisconnections],
    ["client_output_buffer_limit_disconnections", st.clientOutputBufferLimitDisconnections],
    ["reply_buffer_shrinks", server.replyBuffers.shrinks],
    ["reply_buffer_expands", server.replyBuffers.expands],
    ["eventloop_cycles", st.elCycles],
    ["eventloop_duration_sum", st.elDurationUs],
    ["eventloop_duration_cmd_sum", st.elCmdUs],
    ["instantaneous_eventloop_cycles_per_sec", st.eventloopCyclesPerSec],
    ["instantaneous_eventloop_duration_usec", st.eventloopDurationUs],
    ["acl_access_denied_auth", acl?.denied.auth ?? 0],
    ["acl_access_denied_cmd", acl?.denied.cmd ?? 0],
    ["acl_access_denied_key", acl?.denied.key ?? 0],
    ["acl_access_denied_channel", acl?.denied.channel ?? 0],
  ]);
}

function replicationSection(server: Server): string {
  const p = primaryOf(server);
  const now = Math.floor(Date.now() / 1000);
  const replicas: Field[] = p.replicas.map((l, i) => [
    `slave${i}`,
    `ip=${
      l.ipAddress ?? l.client.conn.remoteAddress
    },port=${l.listeningPort},state=${l.state},offset=${l.ackOff},lag=${
      l.state === "online" ? now - l.ackTime : 0
    },type=${l.rdbChannel ? "rdb-channel" : "replica"}`,
  ]);
  const b = p.backlog;
  const r = replicaOf(server);
  const replicaFields: Field[] = [];
  if (r.isReplica) {
    const pc = r.primaryClient;
    const up = r.linkUp;
    replicaFields.push(
      ["master_host", r.host!],
      ["master_port", r.port],
      ["master_link_status", up ? "up" : "down"],
      ["master_last_io_seconds_ago", pc !== null ? Math.floor((Date.now() - pc.lastInteraction) / 1000) : -1],
      ["master_sync_in_progress", r.state === "transfer" ? 1 : 0],
      ["slave_read_repl_offset", pc !== null ? r.readReploff : 1],
      ["slave_repl_offset", pc !== null ? r.reploff : 1],
      ["replicas_repl_buffer_size", 0],
      ["replicas_repl_buffer_peak", 0],
    );
    if (r.state === "transfer") {
      const size = Math.max(0, r.transferSize);
      replicaFields.push(
        ["master_sync_total_bytes", r.transferSize],
        ["master_sync_read_bytes", r.transferRead],
        ["master_sync_left_bytes", size - r.transferRead],
        ["master_sync_perc", fixed2(size > 0 ? (r.transferRead / size) * 100 : 0)],
        ["master_sync_last_io_seconds_ago", Math.floor(Date.now() / 1000) - r.transferLastIo],
      );
    }
    if (!up) {
      replicaFields.push([
        "master_link_down_since_seconds",
        r.downSince !== 0 ? Math.floor(Date.now() / 1000) - r.downSince : -1,
      ]);
    }
    replicaFields.push(
      ["slave_priority", server.config.getInt("replica-priority")],
      ["slave_read_only", server.config.getBool("replica-read-only") ? 1 : 0],
      ["replica_announced", server.config.getBool("replica-announced") ? 1 : 0],
    );
  }
  return lines("Replication", [
    ["role", r.isReplica ? "slave" : "master"],
    ...replicaFields,
    ["connected_slaves", p.replicas.length],
    ...(minReplicasActive(server)
      ? [["min_slaves_good_slaves", r.isReplica ? 0 : goodReplicas(server)] as Field]
      : []),
    ...replicas,
    ["replicas_waiting_psync", 0],
    ["master_failover_state", failoverOf(server).state],
    ["master_replid", p.replid],
    ["master_replid2", p.replid2],
    ["master_repl_offset", server.propagation.replOffset],
    ["second_repl_offset", p.secondOffset],
    ["repl_backlog_active", b === null ? 0 : 1],
    ["repl_backlog_size", configInt(server, "repl-backlog-size", 10485760)],
    ["repl_backlog_first_byte_offset", b === null ? 0 : b.offset],
    ["repl_backlog_histlen", b === null ? 0 : b.histlen],
  ]);
}

/** `%ld.%06ld` of a time in microseconds. */
function cpuTime(us: number): string {
  const sec = Math.floor(us / 1e6);
  return `${sec}.${String(Math.floor(us - sec * 1e6)).padStart(6, "0")}`;
}

/** The main thread's user and system CPU time in microseconds (Linux /proc), or null elsewhere. */
function mainThreadCpu(): { user: number; system: number } | null {
  if (process.platform !== "linux") return null;
  try {
    const stat = readTextFile(`/proc/self/task/${process.pid}/stat`);
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = 100; // Linux USER_HZ
    return { user: (Number(f[11]) * 1e6) / ticks, system: (Number(f[12]) * 1e6) / ticks };
  } catch {
    return null;
  }
}

function cpuSection(): string {
  const u = process.cpuUsage();
  const fields: Field[] = [
    ["used_cpu_sys", cpuTime(u.system)],
    ["used_cpu_user", cpuTime(u.user)],
    ["used_cpu_sys_children", cpuTime(0)],
    ["used_cpu_user_children", cpuTime(0)],
  ];
  const main = mainThreadCpu();
  if (main !== null) {
    fields.push(["used_cpu_sys_main_thread", cpuTime(main.system)]);
    fields.push(["used_cpu_user_main_thread", cpuTime(main.user)]);
  }
  return lines("CPU", fields);
}

function commandstatsSection(server: Server): string {
  const table = server.commands;
  const stats = new Map(table.statsEntries());
  let s = "# Commandstats\r\n";
  const visit = (spec: CommandSpec) => {
    const name = table.fullName(spec);
    const st = stats.get(name);
    if (st !== undefined && (st.calls > 0 || st.failedCalls > 0 || st.rejectedCalls > 0)) {
      const perCall = st.calls === 0 ? 0 : floatDiv(st.usec, st.calls);
      s += `cmdstat_${safeInfoString(name)}:calls=${st.calls},usec=${st.usec},usec_per_call=${
        printfFixed(perCall, 2)
      },rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}\r\n`;
    }
    for (const sub of spec.subcommands ?? []) visit(sub);
  };
  for (const spec of table.all()) visit(spec);
  return s;
}

function errorstatsSection(server: Server): string {
  const codes = [...server.stats.errors.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let s = "# Errorstats\r\n";
  for (const [code, count] of codes) s += `errorstat_${safeInfoString(code)}:count=${count}\r\n`;
  return s;
}

/**
 * The average TTL in ms of a database's volatile keys, estimated from a bounded sample of its first scan
 * steps (Valkey keeps a running estimate from its active-expire samples; 0 when there is none).
 */
export function estimateAvgTtl(db: Db, nowMs: number): number {
  if (db.volatileCount === 0) return 0;
  let sum = 0;
  let n = 0;
  let cursor = 0;
  let steps = 0;
  do {
    cursor = db.scan(cursor, (ref) => {
      const when = db.getExpire(ref);
      if (when > nowMs) {
        sum += when - nowMs;
        n++;
      }
    });
  } while (cursor !== 0 && n < 64 && ++steps < 64);
  return n === 0 ? 0 : Math.floor(sum / n);
}

function keyspaceSection(server: Server, nowMs: number): string {
  let s = "# Keyspace\r\n";
  for (const db of server.dbs) {
    const keys = db.size;
    const expires = db.volatileCount;
    if (keys > 0 || expires > 0) {
      s += `db${db.id}:keys=${keys},expires=${expires},avg_ttl=${estimateAvgTtl(db, nowMs)}\r\n`;
    }
  }
  return s;
}

/** The INFO text for a selection of sections. */
export function infoText(server: Server, sel: SectionSelection, nowMs: number): string {
  const all = sel.all || sel.everything;
  const want = (name: string) => all || sel.names.has(name);
  const parts: string[] = [];
  if (want("server")) parts.push(serverSection(server, nowMs));
  if (want("clients")) parts.push(clientsSection(server, nowMs));
  if (want("memory")) parts.push(memorySection(server));
  if (want("persistence")) parts.push(persistenceSection(server));
  if (want("stats")) parts.push(statsSection(server));
  if (want("replication")) parts.push(replicationSection(server));
  if (want("cpu")) parts.push(cpuSection());
  const modules = existingModuleHost(server);
  if (want("module_list") || sel.names.has("modules")) {
    parts.push("# Modules\r\n" + (modules?.infoModuleLines() ?? ""));
  }
  if (want("commandstats")) parts.push(commandstatsSection(server));
  if (want("errorstats")) parts.push(errorstatsSection(server));
  if (want("latencystats")) parts.push(latencystatsSection(server));
  if (want("cluster")) parts.push(lines("Cluster", [["cluster_enabled", 0]]));
  if (want("keyspace")) parts.push(keyspaceSection(server, nowMs));
  // Module sections (`<module>_<section>`): all of them for `everything` and `modules`, else the ones named
  // (a module's name selects all of its sections).
  if (modules !== undefined) {
    if (sel.everything || sel.names.has("modules")) parts.push(...modules.infoSections(null));
    else if (sel.names.size > 0) parts.push(...modules.infoSections(sel.names));
  }
  // Hidden: only when named (neither `all` nor `everything` includes it), last, as in Valkey.
  if (sel.names.has("debug")) {
    const st = server.stats;
    parts.push(lines("Debug", [
      ["eventloop_duration_aof_sum", st.elAofUs],
      ["eventloop_duration_cron_sum", st.elCronUs],
      ["eventloop_duration_max", st.elMaxUs],
      ["eventloop_cmd_per_cycle_max", st.elCmdsPerCycleMax],
    ]));
  }
  return parts.join("\r\n");
}

export const infoCommand: CommandSpec = {
  name: "info",
  summary: "Returns information and statistics about the server.",
  since: "1.0.0",
  group: "server",
  complexity: "O(1)",
  arity: -1,
  flags: ["LOADING", "STALE", "SENTINEL"],
  aclCategories: ["dangerous"],
  commandTips: ["NONDETERMINISTIC_OUTPUT", "REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:SPECIAL"],
  history: [["7.0.0", "Added support for taking multiple section arguments."]],
  arguments: [{ name: "section", type: "string", multiple: true, optional: true }],
  parse: "manual",
  handler(call: CommandCall): void {
    const text = infoText(call.server, selectSections(call.argv.slice(1)), call.now);
    call.reply.verbatim(text, "txt");
  },
};
