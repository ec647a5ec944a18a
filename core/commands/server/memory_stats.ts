/**
 * Memory accounting for INFO memory, MEMORY STATS and MEMORY DOCTOR (and, later, maxmemory eviction through
 * {@link usedMemory}).
 *
 * Valkey reports what its allocator (zmalloc) handed out. Valkyr's memory lives in two places: the JS heap
 * (objects, strings, closures) and buffers outside it (typed arrays: the keyspace slabs and hash tables,
 * socket buffers). `process.memoryUsage()` reports both; Deno and Node give `heapUsed` and `external`
 * separately, Bun counts external memory inside `heapUsed`. So:
 *
 * ```
 *   used_memory = the eviction module's counters when it is installed (core/eviction/evict.ts: startup +
 *                 keyspace slabs, tables and value objects + client buffers + lazy-free pending), else
 *                 JS heap used + max(external buffers, keyspace slabs + tables of all databases)
 *   used_memory_rss = process RSS
 *   startup = used_memory measured when this module was loaded (before any client or key existed)
 *   overhead = startup + client buffers + keyspace hash tables      dataset = used - overhead (>= 0)
 * ```
 *
 * Valkyr has no jemalloc statistics, so the allocator figures follow what Valkey itself reports when built
 * with libc malloc (server.c cronUpdateMemoryStats fakes them from RSS): allocator_allocated = used,
 * allocator_active = allocator_resident = RSS, so the allocator and RSS-overhead ratios are 1 and the whole
 * RSS excess shows in mem_fragmentation_ratio. Ratios are computed in C `float` as Valkey does.
 *
 * The peak is tracked per server by a cron hook installed on first use ({@link trackServer}), which also keeps
 * Valkey's "recent" client buffer maxima: the largest query buffer and output queue seen per second over
 * the last 8 seconds (CLIENTS_PEAK_MEM_USAGE_SLOTS).
 *
 * @module
 */

import process from "node:process";
import { runtimeName } from "../../net/mod.ts";
import type { Server } from "../../server/server.ts";
import { f32, floatDiv } from "./format.ts";
import { clientMemory, evictorOf } from "../../eviction/evict.ts";
import { primaryOf } from "../../replication/primary.ts";

/**
 * The replication buffer and its shares (getMemoryOverheadData): beyond `repl-backlog-size`, what it
 * holds is counted as the replicas' (their output not yet sent), the rest as the backlog's.
 */
export function replicationMemory(server: Server): { total: number; backlog: number; replicas: number } {
  const p = primaryOf(server);
  const total = p.bufferMemory();
  const size = server.config.getInt("repl-backlog-size");
  const replicas = p.replicas.length > 0 && total > size ? total - size : 0;
  return { total, backlog: total - replicas, replicas };
}

const IS_BUN = runtimeName() === "bun";
const PEAK_SLOTS = 8;

interface Tracking {
  peak: number;
  inPeak: number[];
  outPeak: number[];
  slotSecond: number;
}

const tracked = new WeakMap<Server, Tracking>();

function processMemory(): { js: number; external: number; rss: number } {
  const m = process.memoryUsage();
  const external = m.external;
  return { js: IS_BUN ? Math.max(0, m.heapUsed - external) : m.heapUsed, external, rss: m.rss };
}

const startupUsed = (() => {
  const m = processMemory();
  return m.js + m.external;
})();

function dbBytes(server: Server): number {
  let n = 0;
  for (const db of server.dbs) {
    const s = db.stats();
    n += s.slabBytes + s.tableBytes;
  }
  return n;
}

function usedFrom(server: Server, m: { js: number; external: number }): number {
  // With the eviction module installed, used memory is its O(1) counters (core/eviction/evict.ts).
  const ev = evictorOf(server);
  if (ev !== undefined) return ev.usedMemory();
  return m.js + Math.max(m.external, dbBytes(server));
}

function startupOf(server: Server): number {
  return evictorOf(server)?.startupBytes ?? startupUsed;
}

/** Valkey's zmalloc_used_memory for Valkyr: bytes of memory the server uses (see the module comment). */
export function usedMemory(server: Server): number {
  const used = usedFrom(server, processMemory());
  const t = tracked.get(server);
  if (t !== undefined && used > t.peak) t.peak = used;
  return used;
}

function sampleClients(server: Server, t: Tracking, nowMs: number): void {
  const second = Math.floor(nowMs / 1000);
  if (second !== t.slotSecond) {
    // Clear the slots of the seconds that passed since the last sample.
    const steps = Math.min(PEAK_SLOTS, Math.max(1, second - t.slotSecond));
    for (let i = 1; i <= steps; i++) {
      const slot = (t.slotSecond + i) % PEAK_SLOTS;
      t.inPeak[slot] = 0;
      t.outPeak[slot] = 0;
    }
    t.slotSecond = second;
  }
  const slot = second % PEAK_SLOTS;
  for (const c of server.clients.values()) {
    const input = c.parser.bufferedBytes;
    const output = c.outputBytes;
    if (input > t.inPeak[slot]!) t.inPeak[slot] = input;
    if (output > t.outPeak[slot]!) t.outPeak[slot] = output;
  }
}

/**
 * Starts tracking a server's memory peak and recent client buffer maxima (idempotent). Called by the
 * commands that report them; the lead may call it at startup so the peak covers the whole run.
 */
export function trackServer(server: Server): void {
  if (tracked.has(server)) return;
  const now = Date.now();
  const t: Tracking = {
    peak: usedFrom(server, processMemory()),
    inPeak: new Array(PEAK_SLOTS).fill(0),
    outPeak: new Array(PEAK_SLOTS).fill(0),
    slotSecond: Math.floor(now / 1000),
  };
  tracked.set(server, t);
  server.cronHooks.push((nowMs) => {
    const used = usedFrom(server, processMemory());
    if (used > t.peak) t.peak = used;
    sampleClients(server, t, nowMs);
  });
}

function tracking(server: Server): Tracking {
  trackServer(server);
  return tracked.get(server)!;
}

/** INFO clients' client_recent_max_input_buffer / client_recent_max_output_buffer. */
export function recentClientBufferMax(server: Server, nowMs: number): { input: number; output: number } {
  const t = tracking(server);
  sampleClients(server, t, nowMs);
  return { input: Math.max(...t.inPeak), output: Math.max(...t.outPeak) };
}

/**
 * Bytes of memory the connected clients use (Valkey's mem_clients_normal): per client, the same figure
 * the evictor's used memory and `maxmemory-clients` count (a fixed overhead plus its buffers).
 */
export function clientsMemory(server: Server): number {
  let n = 0;
  for (const c of server.clients.values()) n += clientMemory(c, server);
  return n;
}

export interface DbOverhead {
  id: number;
  /** The main hash table (Valkey: overhead.hashtable.main). */
  main: number;
  /** The expires index (Valkey: overhead.hashtable.expires). */
  expires: number;
}

/** Valkey's serverMemOverhead, with Valkyr's figures. */
export interface MemoryOverview {
  used: number;
  rss: number;
  peak: number;
  startup: number;
  clientsNormal: number;
  dbs: DbOverhead[];
  hashtableLut: number;
  hashtableRehashing: number;
  rehashingCount: number;
  overheadTotal: number;
  totalKeys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  allocatorAllocated: number;
  allocatorActive: number;
  allocatorResident: number;
  allocatorMuzzy: number;
  allocatorFrag: number;
  allocatorFragBytes: number;
  allocatorRss: number;
  allocatorRssBytes: number;
  rssExtra: number;
  rssExtraBytes: number;
  totalFrag: number;
  totalFragBytes: number;
}

/** Gathers every memory figure at once (Valkey's getMemoryOverheadData + cron_malloc_stats). */
export function memoryOverview(server: Server): MemoryOverview {
  const t = tracking(server);
  const m = processMemory();
  const clientsNormal = clientsMemory(server);
  // The evictor's used memory holds the client buffers as its cron last sampled them; here they are
  // measured now with the same formula, so the overhead's clients term is exactly the one inside used
  // and dataset = used - overhead is the keyspace's values (otherwise a client connected since the
  // last sample makes overhead exceed used and the dataset read 0).
  const ev = evictorOf(server);
  const used = ev !== undefined ? ev.usedMemory() - ev.clientsBytes + clientsNormal : usedFrom(server, m);
  if (used > t.peak) t.peak = used;
  const rss = m.rss;
  const dbs: DbOverhead[] = [];
  let totalKeys = 0;
  let lut = 0;
  let rehashingCount = 0;
  const startup = startupOf(server);
  let overheadTotal = startup + clientsNormal;
  for (const db of server.dbs) {
    const s = db.stats();
    if (s.buckets === 0 && s.keys === 0) continue; // no table allocated
    totalKeys += s.keys;
    dbs.push({ id: db.id, main: s.tableBytes - s.expiresBytes, expires: s.expiresBytes });
    lut += s.tableBytes;
    if (s.rehashing) rehashingCount++;
    overheadTotal += s.tableBytes;
  }
  const dataset = Math.max(0, used - overheadTotal);
  const netUsage = used > startup ? used - startup : 1;
  return {
    used,
    rss,
    peak: t.peak,
    startup,
    clientsNormal,
    dbs,
    hashtableLut: lut,
    hashtableRehashing: 0,
    rehashingCount,
    overheadTotal,
    totalKeys,
    bytesPerKey: totalKeys > 0 ? Math.floor(dataset / totalKeys) : 0,
    dataset,
    datasetPerc: floatDiv(f32(f32(dataset) * 100), netUsage),
    peakPerc: floatDiv(f32(f32(used) * 100), t.peak),
    allocatorAllocated: used,
    allocatorActive: rss,
    allocatorResident: rss,
    allocatorMuzzy: 0,
    allocatorFrag: f32(floatDiv(0, used) + 1),
    allocatorFragBytes: 0,
    allocatorRss: floatDiv(rss, rss),
    allocatorRssBytes: 0,
    rssExtra: floatDiv(rss, rss),
    rssExtraBytes: 0,
    totalFrag: floatDiv(rss, used),
    totalFragBytes: rss - used,
  };
}

/** The report of MEMORY DOCTOR (Valkey's getMemoryDoctorReport), with the same thresholds and texts. */
export function memoryDoctorReport(server: Server): string {
  return doctorReport(memoryOverview(server), server.clients.size);
}

/** MEMORY DOCTOR's analysis of a memory overview, for a server with `clientCount` clients. */
export function doctorReport(mh: MemoryOverview, clientCount: number): string {
  let empty = false;
  let bigPeak = false;
  let highFrag = false;
  let highAllocFrag = false;
  let highAllocRss = false;
  let highProcRss = false;
  let bigClientBuf = false;
  let reports = 0;
  // Valkey calls an instance with under 5 MB allocated empty. Valkyr's runtime alone needs a few MB of
  // heap before any data exists, so the same threshold is applied to what was added since startup.
  if (mh.used - mh.startup < 5 * 1024 * 1024) {
    empty = true;
    reports++;
  } else {
    if (floatDiv(mh.peak, mh.used) > 1.5) {
      bigPeak = true;
      reports++;
    }
    if (mh.totalFrag > 1.4 && mh.totalFragBytes > 10 << 20) {
      highFrag = true;
      reports++;
    }
    if (mh.allocatorFrag > 1.1 && mh.allocatorFragBytes > 10 << 20) {
      highAllocFrag = true;
      reports++;
    }
    if (mh.allocatorRss > 1.1 && mh.allocatorRssBytes > 10 << 20) {
      highAllocRss = true;
      reports++;
    }
    if (mh.rssExtra > 1.1 && mh.rssExtraBytes > 10 << 20) {
      highProcRss = true;
      reports++;
    }
    const clients = Math.max(1, clientCount);
    if (Math.floor(mh.clientsNormal / clients) > 1024 * 200) {
      bigClientBuf = true;
      reports++;
    }
  }
  if (reports === 0) {
    return "Hi Sam, I can't find any memory issue in your instance. " +
      "I can only account for what occurs on this base.\n";
  }
  if (empty) {
    return "Hi Sam, this instance is empty or is using very little memory, " +
      "my issues detector can't be used in these conditions. " +
      "Please, leave for your mission on Earth and fill it with some data. " +
      "The new Sam and I will be back to our programming as soon as I " +
      "finished rebooting.\n";
  }
  let s = "Sam, I detected a few issues in this Valkey instance memory implants:\n\n";
  if (bigPeak) {
    s += " * Peak memory: In the past this instance used more than 150% the memory that is currently " +
      "using. The allocator is normally not able to release memory after a peak, so you can expect to " +
      "see a big fragmentation ratio, however this is actually harmless and is only due to the memory " +
      "peak, and if the Valkey instance Resident Set Size (RSS) is currently bigger than expected, " +
      "the memory will be used as soon as you fill the Valkey instance with more data. If the memory " +
      "peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE " +
      "command, otherwise the only other option is to shutdown and restart the instance.\n\n";
  }
  if (highFrag) {
    s +=
      " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this " +
      "means that the Resident Set Size of the Valkey process is much larger than the sum of the logical " +
      "allocations Valkey performed). This problem is usually due either to a large peak memory (check if " +
      "there is a peak memory entry above in the report) or may result from a workload that causes the " +
      "allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. " +
      "Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The " +
      `currently used allocator is "${MEM_ALLOCATOR}".\n\n`;
  }
  if (highAllocFrag) {
    s += " * High allocator fragmentation: This instance has an allocator external fragmentation greater " +
      "than 1.1. This problem is usually due either to a large peak memory (check if there is a peak " +
      "memory entry above in the report) or may result from a workload that causes the allocator to " +
      "fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n";
  }
  if (highAllocRss) {
    s +=
      " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this " +
      "means that the Resident Set Size of the allocator is much larger than the sum what the allocator " +
      "actually holds). This problem is usually due to a large peak memory (check if there is a peak " +
      "memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n";
  }
  if (highProcRss) {
    s +=
      " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than " +
      "1.1 (this means that the Resident Set Size of the Valkey process is much larger than the RSS the " +
      "allocator holds). This problem may be due to Lua scripts or Modules.\n\n";
  }
  if (bigClientBuf) {
    s += " * Big client buffers: The clients output buffers in this instance are greater than 200K " +
      "per client (on average). This may result from different causes, like Pub/Sub clients " +
      "subscribed to channels bot not receiving data fast enough, so that data piles on the Valkey " +
      "instance output buffer, or clients sending commands with large replies or very large " +
      "sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to " +
      "investigate the issue if it causes problems in your instance, or to understand better why " +
      "certain clients are using a big amount of memory.\n\n";
  }
  return s + "I'm here to keep you safe, Sam. I want to help you.\n";
}

/** INFO's mem_allocator: Valkyr has no jemalloc; Valkey names a plain malloc build "libc". */
export const MEM_ALLOCATOR = "libc";
