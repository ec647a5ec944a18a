/**
 * MEMORY: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP (Valkey 8.1's object.c memoryCommand), with the
 * figures of `memory_stats.ts`.
 *
 * @module
 */

import { collectGarbage } from "../../runtime/gc.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { NO_ENTRY } from "../../keyspace/db.ts";
import { eqIgnoreCase, parseI64 } from "../../util/numbers.ts";
import { replyHelp } from "./help.ts";
import { memoryDoctorReport, memoryOverview, replicationMemory } from "./memory_stats.ts";

const HELP = [
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
];

function memoryUsage(call: CommandCall): void {
  const argv = call.argv;
  // Options are validated before the key is looked at; SAMPLES may repeat (the last one counts).
  let samples = 5;
  for (let j = 3; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j]!, "samples") && j + 1 < argv.length) {
      const n = parseI64(argv[j + 1]!);
      if (n === null) return call.error(ERR_NOT_INTEGER);
      if (n < 0n) return call.error(ERR_SYNTAX);
      samples = n > 1000000000n ? 1000000000 : Number(n);
      j++;
    } else return call.error(ERR_SYNTAX);
  }
  // Like Valkey's dbFind: no expiry check, no LRU or hit/miss accounting.
  const db = call.db;
  const ref = db.find(argv[2]!);
  if (ref === NO_ENTRY) return call.reply.nullBulk();
  call.reply.int(db.memoryUsage(ref, samples));
}

function memoryStats(call: CommandCall): void {
  const mh = memoryOverview(call.server);
  const w = call.reply;
  const int = (k: string, v: number) => {
    w.bulkStr(k);
    w.int(v);
  };
  const dbl = (k: string, v: number) => {
    w.bulkStr(k);
    w.double(v);
  };
  w.mapHeader(31 + mh.dbs.length);
  int("peak.allocated", mh.peak);
  int("total.allocated", mh.used);
  int("startup.allocated", mh.startup);
  const repl = replicationMemory(call.server);
  int("replication.backlog", repl.backlog);
  int("clients.slaves", repl.replicas);
  int("clients.normal", mh.clientsNormal);
  int("cluster.links", 0);
  int("aof.buffer", 0);
  int("lua.caches", 0);
  int("functions.caches", 0);
  for (const d of mh.dbs) {
    w.bulkStr(`db.${d.id}`);
    w.mapHeader(2);
    int("overhead.hashtable.main", d.main);
    int("overhead.hashtable.expires", d.expires);
  }
  int("overhead.db.hashtable.lut", mh.hashtableLut);
  int("overhead.db.hashtable.rehashing", mh.hashtableRehashing);
  int("overhead.total", mh.overheadTotal);
  int("db.dict.rehashing.count", mh.rehashingCount);
  int("keys.count", mh.totalKeys);
  int("keys.bytes-per-key", mh.bytesPerKey);
  int("dataset.bytes", mh.dataset);
  dbl("dataset.percentage", mh.datasetPerc);
  dbl("peak.percentage", mh.peakPerc);
  int("allocator.allocated", mh.allocatorAllocated);
  int("allocator.active", mh.allocatorActive);
  int("allocator.resident", mh.allocatorResident);
  int("allocator.muzzy", mh.allocatorMuzzy);
  dbl("allocator-fragmentation.ratio", mh.allocatorFrag);
  int("allocator-fragmentation.bytes", mh.allocatorFragBytes);
  dbl("allocator-rss.ratio", mh.allocatorRss);
  int("allocator-rss.bytes", mh.allocatorRssBytes);
  dbl("rss-overhead.ratio", mh.rssExtra);
  int("rss-overhead.bytes", mh.rssExtraBytes);
  dbl("fragmentation", mh.totalFrag);
  int("fragmentation.bytes", mh.totalFragBytes);
}

const TIPS_ALL_SHARDS = ["NONDETERMINISTIC_OUTPUT", "REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:SPECIAL"];

export const memoryCommand: CommandSpec = {
  name: "memory",
  summary: "A container for memory diagnostics commands.",
  since: "4.0.0",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "doctor",
      summary: "Outputs a memory problems report.",
      since: "4.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: [],
      commandTips: [...TIPS_ALL_SHARDS],
      handler: (call) => call.reply.verbatim(memoryDoctorReport(call.server), "txt"),
    },
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "4.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      handler: (call) => replyHelp(call, HELP),
    },
    {
      name: "malloc-stats",
      summary: "Returns the allocator statistics.",
      since: "4.0.0",
      group: "server",
      complexity: "Depends on how much memory is allocated, could be slow",
      arity: 2,
      flags: ["LOADING"],
      commandTips: [...TIPS_ALL_SHARDS],
      // What Valkey replies when it is not built with jemalloc.
      handler: (call) => call.reply.bulkStr("Stats not supported for the current allocator"),
    },
    {
      name: "purge",
      summary: "Asks the allocator to release memory.",
      since: "4.0.0",
      group: "server",
      complexity: "Depends on how much memory is allocated, could be slow",
      arity: 2,
      flags: ["LOADING"],
      commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:ALL_SUCCEEDED"],
      // Valkey asks jemalloc to purge dirty pages; here a full garbage collection returns the buffers of
      // freed slabs and old hash tables to the OS. Like Valkey without jemalloc, it replies OK either way.
      handler: (call) => {
        collectGarbage();
        call.reply.ok();
      },
    },
    {
      name: "stats",
      summary: "Returns details about memory usage.",
      since: "4.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: [],
      commandTips: [...TIPS_ALL_SHARDS],
      handler: memoryStats,
    },
    {
      name: "usage",
      summary: "Estimates the memory usage of a key.",
      since: "4.0.0",
      group: "server",
      complexity: "O(N) where N is the number of samples.",
      arity: -3,
      flags: ["READONLY"],
      keySpecs: [{
        flags: ["RO"],
        beginSearch: { index: { pos: 2 } },
        findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
      }],
      arguments: [
        { name: "key", type: "key", keySpecIndex: 0 },
        { name: "count", type: "integer", token: "SAMPLES", optional: true },
      ],
      parse: "manual",
      handler: memoryUsage,
    },
  ],
};
