/**
 * `deno task bench --io-threads 1,2,4`: Valkyr with each io-threads count, GET and SET at pipeline 1 and
 * 16 with 50 and 200 clients, and the ratio of each figure to io-threads 1 (issue #7). The reference
 * servers found (redis-server, valkey-server) run the same way with their own I/O threads, in the same run.
 *
 * Besides requests per second it reads the server's CPU time from /proc (Linux) around each run and
 * prints CPU µs per request of the main thread and of the whole process: on a machine without spare cores
 * (the benchmark client takes one) the throughput cannot grow, but the main thread's share must drop,
 * which is what lets the main thread scale where cores are spare.
 *
 * Usage: deno task bench --io-threads 1,2,4 [--runtimes deno,bun,binary] [--requests N] [--repeat N]
 * Writes bench/results/latest-io-threads.json (every round's figures).
 *
 * @module
 */

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../tests/helpers/server.ts";
import { benchmark, median, type ServerControl } from "./_servers.ts";

export interface IoServerDef {
  name: string;
  args: (port: number) => string[];
}

export interface IoBenchOptions<D extends IoServerDef> extends ServerControl<D> {
  counts: number[];
  requests: number;
  /** Rounds (`--repeat`): every server and count once per round; figures are medians. */
  rounds?: number;
}

const CLK_TCK = 100;

/**
 * CPU seconds of one thread, or of the whole process when `tid` is undefined: from schedstat (ns, the
 * time on a CPU) where the kernel has it, else from stat (user + system, in clock ticks of 10 ms).
 */
function cpuSeconds(pid: number, tid?: number): number {
  try {
    const tids = tid !== undefined ? [tid] : readdirSync(`/proc/${pid}/task`).map(Number);
    let ns = 0;
    for (const t of tids) {
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, "utf8").split(" ")[0]);
    }
    if (Number.isFinite(ns)) return ns / 1e9;
  } catch {
    // No schedstat: stat below.
  }
  try {
    const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const st = readFileSync(file, "utf8");
    const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

interface Row {
  server: string;
  threads: number;
  metric: string;
  /** Each round's figures; the table shows their medians (and the range of req/s with several rounds). */
  rps: number[];
  mainUs: number[];
  totalUs: number[];
}

export async function runIoThreads<D extends IoServerDef>(o: IoBenchOptions<D>): Promise<Row[]> {
  const rows = new Map<string, Row>();
  const rounds = Math.max(1, o.rounds ?? 1);
  for (let round = 1; round <= rounds; round++) {
    // Every server and count once per round, so a change in the machine's load touches all of them alike.
    for (const def of o.servers) {
      for (const n of o.counts) {
        console.error(`# ${def.name} io-threads ${n}${rounds > 1 ? ` (round ${round} of ${rounds})` : ""}`);
        const withThreads = { ...def, args: (p: number) => [...def.args(p), "--io-threads", String(n)] };
        const r = await o.start(withThreads);
        const pid = r.child.pid!;
        try {
          for (const clients of [50, 200]) {
            for (const pipeline of [1, 16]) {
              for (const test of ["set", "get"]) {
                // Pipeline 1 is ~10x slower: fewer requests keep the run short.
                const requests = pipeline === 1 ? Math.max(10000, Math.floor(o.requests / 5)) : o.requests;
                const m0 = cpuSeconds(pid, pid);
                const t0 = cpuSeconds(pid);
                const rps = benchmark(r.port, { clients, requests, pipeline }, test, ["-t", test]);
                const mainUs = (cpuSeconds(pid, pid) - m0) * 1e6 / requests;
                const totalUs = (cpuSeconds(pid) - t0) * 1e6 / requests;
                const metric = `${test.toUpperCase()} P${pipeline} c${clients}`;
                const key = `${def.name}/${n}/${metric}`;
                let row = rows.get(key);
                if (row === undefined) {
                  rows.set(
                    key,
                    row = { server: def.name, threads: n, metric, rps: [], mainUs: [], totalUs: [] },
                  );
                }
                row.rps.push(rps);
                row.mainUs.push(mainUs);
                row.totalUs.push(totalUs);
                console.error(
                  `  ${metric}: ${rps.toFixed(0)} req/s, CPU µs/request main ${mainUs.toFixed(2)} total ${
                    totalUs.toFixed(2)
                  }`,
                );
              }
            }
          }
        } finally {
          await o.stop(r);
        }
      }
    }
  }
  const table: string[][] = [[
    "server",
    "io-threads",
    "metric",
    rounds > 1 ? "req/s (median, min-max)" : "req/s",
    "ratio",
    "main µs/req",
    "ratio",
    "total µs/req",
  ]];
  for (const row of rows.values()) {
    const base = rows.get(`${row.server}/${o.counts[0]}/${row.metric}`);
    const rps = median(row.rps);
    const mainUs = median(row.mainUs);
    const range = rounds > 1
      ? ` (${(Math.min(...row.rps) / 1000).toFixed(0)}k-${(Math.max(...row.rps) / 1000).toFixed(0)}k)`
      : "";
    table.push([
      row.server,
      String(row.threads),
      row.metric,
      rps.toFixed(0) + range,
      base ? (rps / median(base.rps)).toFixed(2) : "-",
      mainUs.toFixed(2),
      base ? (mainUs / median(base.mainUs)).toFixed(2) : "-",
      median(row.totalUs).toFixed(2),
    ]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  console.log(
    `\nratios are to io-threads ${o.counts[0]}${
      rounds > 1 ? ` (medians of ${rounds} rounds)` : ""
    }; CPU from /proc (Linux), main = the main thread`,
  );
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const out = {
    date: new Date().toISOString(),
    requests: o.requests,
    rounds,
    counts: o.counts,
    rows: [...rows.values()],
  };
  writeFileSync(path.join(dir, "latest-io-threads.json"), JSON.stringify(out, null, 2));
  console.log("results: bench/results/latest-io-threads.json");
  return [...rows.values()];
}
