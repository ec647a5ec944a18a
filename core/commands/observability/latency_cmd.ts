/**
 * LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP (Valkey's latency.c), and the INFO
 * `latencystats` section.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import type { Server } from "../../server/server.ts";
import { analyzeSeries, latencyGraph, percentileLabel } from "../../observability/latency.ts";
import type { LatencyHistogram } from "../../observability/histogram.ts";
import { observability } from "../../observability/observer.ts";
import { replyHelp } from "../server/help.ts";

const latin1 = new TextDecoder("latin1");

const HELP = [
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "GRAPH <event>",
  "    Return an ASCII latency graph for the <event> class.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
];

const TIPS = ["NONDETERMINISTIC_OUTPUT", "REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:SPECIAL"];

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** C's `%s` of a word: the bytes up to the first NUL. */
function cstr(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return latin1.decode(nul >= 0 ? b.subarray(0, nul) : b);
}

function latest(call: CommandCall): void {
  const o = observability(call.server);
  const w = call.reply;
  w.arrayHeader(o.latency.events.size);
  for (const [event, ts] of o.latency.events) {
    const [t, l] = ts.latest();
    w.arrayHeader(6);
    w.bulkStr(event);
    w.int(t);
    w.int(l);
    w.int(ts.max);
    w.int(ts.sum);
    w.int(ts.cnt);
  }
}

function history(call: CommandCall): void {
  const ts = observability(call.server).latency.events.get(cstr(call.argv[2]!));
  const samples = ts?.samples() ?? [];
  const w = call.reply;
  w.arrayHeader(samples.length);
  for (const [t, l] of samples) {
    w.arrayHeader(2);
    w.int(t);
    w.int(l);
  }
}

function graph(call: CommandCall): void {
  const event = cstr(call.argv[2]!);
  const ts = observability(call.server).latency.events.get(event);
  if (ts === undefined) return call.error(`ERR No samples available for event '${event}'`);
  call.reply.verbatim(latencyGraph(event, ts, nowSec()), "txt");
}

function reset(call: CommandCall): void {
  const mon = observability(call.server).latency;
  if (call.argv.length === 2) return call.reply.int(mon.reset(null));
  let n = 0;
  for (let j = 2; j < call.argv.length; j++) n += mon.reset(cstr(call.argv[j]!));
  call.reply.int(n);
}

function writeCdf(call: CommandCall, name: string, h: LatencyHistogram): void {
  const w = call.reply;
  w.bulkStr(name);
  w.mapHeader(2);
  w.bulkStr("calls");
  w.int(h.total);
  w.bulkStr("histogram_usec");
  const cdf = h.cdf();
  w.mapHeader(cdf.length);
  for (const [usec, count] of cdf) {
    w.int(usec);
    w.int(count);
  }
}

function histogram(call: CommandCall): void {
  const server = call.server;
  const o = observability(server);
  o.sweepBlocked();
  const table = server.commands;
  const out: [string, LatencyHistogram][] = [];
  const withSubs = (spec: CommandSpec) => {
    const h = o.histogram(spec);
    if (h !== undefined) out.push([table.fullName(spec), h]);
    for (const sub of spec.subcommands ?? []) {
      const hs = o.histogram(sub);
      if (hs !== undefined) out.push([table.fullName(sub), hs]);
    }
  };
  if (call.argv.length === 2) {
    for (const spec of table.all()) withSubs(spec);
  } else {
    for (let j = 2; j < call.argv.length; j++) {
      const spec = lookupByFullName(server, cstr(call.argv[j]!));
      if (spec !== undefined) withSubs(spec);
    }
  }
  call.reply.mapHeader(out.length);
  for (const [name, h] of out) writeCdf(call, name, h);
}

/** `get`, `GET`, `config|get`: a command or subcommand by its full name (Valkey's lookupCommandBySds). */
function lookupByFullName(server: Server, name: string): CommandSpec | undefined {
  const parts = name.toLowerCase().split("|");
  if (parts.length > 2) return undefined;
  const top = server.commands.get(parts[0]!);
  if (top === undefined || parts.length === 1) return top;
  if (top.subcommands === undefined) return undefined;
  return server.commands.subcommand(top, parts[1]!);
}

/**
 * LATENCY DOCTOR's report (events Valkyr measures: command, fast-command, expire-cycle, eviction-del,
 * eviction-cycle, aof-write and its three variants, aof-fsync-always, aof-rename, rdb-unlink-temp-file).
 */
export function latencyDoctor(server: Server): string {
  const o = observability(server);
  const events = o.latency.events;
  const threshold = o.latencyThreshold;
  if (events.size === 0 && threshold === 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Valkey instance. You may " +
      'use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it.\n';
  }
  const slow = o.commandLog.logs[0];
  let report = "";
  let eventnum = 0;
  let advices = 0;
  let slowlogEnabled = false;
  let slowlogTuning = false;
  let slowlogInspect = false;
  let scheduler = false;
  let hz = false;
  let largeObjects = false;
  let localDisk = false;
  let ssd = false;
  let dataWriteback = false;
  let diskContention = false;
  let noAppendfsync = false;
  let relaxFsync = false;
  let writeLoadInfo = false;
  let massEviction = false;
  const now = nowSec();
  for (const [event, ts] of events) {
    eventnum++;
    if (eventnum === 1) report += "Latency spikes are observed in this Valkey instance.\n\n";
    const ls = analyzeSeries(ts, now);
    report +=
      `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, ` +
      `period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${ts.max}ms.`;
    const e = event.toLowerCase();
    if (e === "command") {
      if (slow.threshold < 0 || slow.maxLen === 0) {
        slowlogEnabled = true;
        advices++;
      } else if (Math.trunc(slow.threshold / 1000) > threshold) {
        slowlogTuning = true;
        advices++;
      }
      slowlogInspect = true;
      largeObjects = true;
      advices += 2;
    }
    if (e === "fast-command") {
      scheduler = true;
      advices++;
    }
    if (e === "expire-cycle") {
      hz = true;
      largeObjects = true;
      advices += 2;
    }
    // Disk: the AOF write variants, fsync, rename, and removing a cancelled BGSAVE's temp file.
    if (e === "aof-write-pending-fsync") {
      localDisk = true;
      diskContention = true;
      ssd = true;
      dataWriteback = true;
      advices += 4;
    } else if (e === "aof-write-active-child") {
      noAppendfsync = true;
      dataWriteback = true;
      ssd = true;
      advices += 3;
    } else if (e === "aof-write-alone") {
      localDisk = true;
      dataWriteback = true;
      ssd = true;
      advices += 3;
    } else if (e === "aof-fsync-always") {
      relaxFsync = true;
      advices++;
    } else if (e === "aof-fstat" || e === "rdb-unlink-temp-file") {
      diskContention = true;
      localDisk = true;
      advices += 2;
    } else if (e === "aof-rewrite-diff-write" || e === "aof-rename") {
      writeLoadInfo = true;
      dataWriteback = true;
      ssd = true;
      localDisk = true;
      advices += 4;
    } else if (e === "eviction-del") {
      largeObjects = true;
      advices++;
    } else if (e === "eviction-cycle") {
      massEviction = true;
      advices++;
    }
    report += "\n";
  }
  if (eventnum === 0 && advices === 0) {
    return report +
      "No latency spike was observed during the lifetime of this Valkey instance, not in the slightest bit.\n";
  }
  if (eventnum > 0 && advices === 0) {
    return report +
      "\nThere are latency events logged that are not easy to fix. Please get some help from Valkey community, " +
      "providing this report in your help request.\n";
  }
  report += "\nHere is some advice for you:\n\n";
  if (slowlogEnabled) {
    report +=
      "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log " +
      `Valkey feature using the command 'CONFIG SET slowlog-log-slower-than ${
        threshold * 1000
      }'. If the Slow ` +
      "log is disabled Valkey is not able to log slow commands execution for you.\n";
  }
  if (slowlogTuning) {
    report += "- Your current Slow Log configuration only logs events that are slower than your configured " +
      `latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'.\n`;
  }
  if (slowlogInspect) {
    report +=
      "- Check your Slow Log to understand what are the commands you are running which are too slow to " +
      "execute. Please check https://valkey.io/commands/slowlog for more information.\n";
  }
  if (scheduler) {
    report +=
      "- The system is slow to execute Valkey code paths not containing system calls. This usually means " +
      "the system does not provide Valkey CPU time to run for long periods. You should try to:\n" +
      "  1) Lower the system load.\n" +
      "  2) Use a computer / VM just for Valkey if you are running other software in the same system.\n" +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'valkey-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      "  5) Check if the problem is allocator-related by recompiling Valkey with MALLOC=libc, if you are using " +
      "Jemalloc. However this may create fragmentation problems.\n";
  }
  if (localDisk) {
    report +=
      "- It is strongly advised to use local disks for persistence, especially if you are using AOF. " +
      "Remote disks provided by platform-as-a-service providers are known to be slow.\n";
  }
  if (ssd) {
    report +=
      "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log " +
      "rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good " +
      "option. However Valkey should perform reasonably with high load using normal disks. Use this advice as a " +
      "last resort.\n";
  }
  if (dataWriteback) {
    report +=
      "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to " +
      "data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that " +
      "after a hard crash the AOF file will have a half-written command at the end and will require to be " +
      "repaired before Valkey restarts.\n";
  }
  if (diskContention) {
    report += "- Try to lower the disk contention. This is often caused by other disk intensive processes " +
      "running in the same computer (including other Valkey instances).\n";
  }
  if (noAppendfsync) {
    report +=
      "- Assuming from the point of view of data safety this is viable in your environment, you could " +
      "try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is " +
      "a child rewriting the AOF file or producing an RDB file (the moment where there is high disk " +
      "contention).\n";
  }
  if (relaxFsync && server.config.getEnum("appendfsync") === "always") {
    report +=
      "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a " +
      "setup, if possible try to relax the fsync policy to 'onesec'.\n";
  }
  if (writeLoadInfo) {
    report +=
      "- Latency during the AOF atomic rename operation or when the final difference is flushed to the " +
      "AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer " +
      "to get very large. If possible try to send less commands to accomplish the same work, or use Lua " +
      "scripts to group multiple operations into a single EVALSHA call.\n";
  }
  if (hz && server.config.getInt("hz") < 100) {
    report += "- In order to make the Valkey keys expiring process more incremental, try to set the 'hz' " +
      "configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (largeObjects) {
    report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking " +
      "operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment " +
      "those objects into multiple smaller objects.\n";
  }
  if (massEviction) {
    report +=
      "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via " +
      "sets or sorted sets intersections, STORE option of SORT, Valkey Cluster large keys migrations (RESTORE " +
      "command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  }
  return report;
}

/** INFO `latencystats`: one `latency_percentiles_usec_<cmd>` line per command that has a histogram. */
export function latencystatsSection(server: Server): string {
  let s = "# Latencystats\r\n";
  const o = observability(server);
  if (!o.latencyTracking) return s;
  o.sweepBlocked();
  const percentiles = server.config.getLatencyPercentiles();
  const table = server.commands;
  const line = (spec: CommandSpec) => {
    const h = o.histogram(spec);
    if (h === undefined) return;
    const name = table.fullName(spec).replace(/[#:\n\r]/g, "_");
    s += `latency_percentiles_usec_${name}:` +
      percentiles.map((p) => `p${percentileLabel(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`).join(
        ",",
      ) +
      "\r\n";
  };
  for (const spec of table.all()) {
    line(spec);
    for (const sub of spec.subcommands ?? []) line(sub);
  }
  return s;
}

function sub(
  name: string,
  summary: string,
  arity: number,
  complexity: string,
  extra: Partial<CommandSpec>,
  handler: (call: CommandCall) => void,
): CommandSpec {
  return {
    name,
    summary,
    since: "2.8.13",
    group: "server",
    complexity,
    arity,
    flags: ["ADMIN", "NOSCRIPT", "LOADING", "STALE"],
    commandTips: TIPS,
    parse: "manual",
    ...extra,
    handler,
  };
}

export const latencyCommand: CommandSpec = {
  name: "latency",
  summary: "A container for latency diagnostics commands.",
  since: "2.8.13",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    sub(
      "doctor",
      "Returns a human-readable latency analysis report.",
      2,
      "O(1)",
      {},
      (call) => call.reply.verbatim(latencyDoctor(call.server), "txt"),
    ),
    sub("graph", "Returns a latency graph for an event.", 3, "O(1)", {
      arguments: [{ name: "event", type: "string" }],
    }, graph),
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "2.8.13",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      handler: (call) => replyHelp(call, HELP),
    },
    sub(
      "histogram",
      "Returns the cumulative distribution of latencies of a subset or all commands.",
      -2,
      "O(N) where N is the number of commands with latency information being retrieved.",
      { since: "7.0.0", arguments: [{ name: "COMMAND", type: "string", optional: true, multiple: true }] },
      histogram,
    ),
    sub("history", "Returns timestamp-latency samples for an event.", 3, "O(1)", {
      arguments: [{ name: "event", type: "string" }],
    }, history),
    sub("latest", "Returns the latest latency samples for all events.", 2, "O(1)", {}, latest),
    sub("reset", "Resets the latency data for one or more events.", -2, "O(1)", {
      commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:AGG_SUM"],
      arguments: [{ name: "event", type: "string", optional: true, multiple: true }],
    }, reset),
  ],
};
