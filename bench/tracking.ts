/**
 * What per-command latency tracking costs (`deno task bench --only tracking`, issue #6: "throughput with
 * tracking on is within a few percent of tracking off").
 *
 * - Throughput: one server process per runtime; after a warm-up run of every test with each setting (not
 *   counted), `--rounds` rounds (default 6, keep it even), each running redis-benchmark
 *   SET and GET at pipeline 1 and 16 (50 clients, `--requests` requests over 1,000,000 random keys), each
 *   test once with `latency-tracking yes` and right after with `no` (CONFIG SET between runs; which comes
 *   first alternates from round to round so a drift of the machine's load favours neither). Reported per
 *   test: the median and min..max of each setting, the ratio of the medians, and the median and min..max
 *   of the per-pair ratios on / off. On a machine shared with other work the spread is the noise floor: a
 *   ratio inside it says "no measurable cost".
 * - Dispatch: in this process, a full server (core/server/embed.ts, no listener traffic) runs SET, GET
 *   and SET/GET taking turns through the real dispatcher — parsing aside, everything a command costs: lookup, handler, reply
 *   encoding, stats, the observability hooks — for a client whose replies are dropped; 100 pairs of
 *   20,000-command batches, tracking on then off (alternating order), ns per command, next to a control
 *   (the same pairs with tracking on in both halves: the ratio order and noise alone give). No network
 *   and no benchmark client share the CPU with it, so this shows the cost the machine's noise hides.
 * - Micro: in this process, the per-command work tracking adds to a command — the histogram lookup by
 *   command (a Map.get) plus LatencyHistogram.record() — timed over 10,000,000 calls with durations drawn
 *   like real ones (mostly 1..20 µs), minus the same loop without the tracking work.
 *
 * Writes bench/results/latest-tracking.json.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { LatencyHistogram } from "../core/observability/histogram.ts";
import { dispatch } from "../core/commands/dispatch.ts";
import { Client } from "../core/server/client.ts";
import { startServer } from "../core/server/embed.ts";
import { nullConnection } from "../core/net/null.ts";
import { ROOT } from "../tests/helpers/server.ts";
import { benchmark, type BenchServerDef, cli, median, type ServerControl } from "./_servers.ts";

export type TrackingServerDef = BenchServerDef;

export interface TrackingOptions<D extends TrackingServerDef> extends ServerControl<D> {
  requests: number;
  clients: number;
  rounds: number;
}

interface Row {
  server: string;
  test: string;
  on: number[];
  off: number[];
}

/** ns per call of the tracking work (Map.get + record), net of the loop around it. */
export function microTracking(calls = 10_000_000): { withNs: number; withoutNs: number; costNs: number } {
  // Durations in µs as the dispatcher passes them: mostly small, a tail of slower ones.
  const durations = new Float64Array(4096);
  let seed = 12345;
  for (let i = 0; i < durations.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    durations[i] = (seed & 15) === 0 ? 20 + (seed % 2000) : 1 + (seed % 20);
  }
  const specs = [{}, {}, {}, {}];
  const histograms = new Map<object, LatencyHistogram>();
  let sink = 0;
  const run = (track: boolean): number => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const spec = specs[i & 3]!;
      const usec = durations[i & 4095]!;
      if (track) {
        let h = histograms.get(spec);
        if (h === undefined) histograms.set(spec, h = new LatencyHistogram());
        h.record(usec * 1000);
      } else {
        sink += usec;
      }
    }
    return ((performance.now() - t0) * 1e6) / calls;
  };
  // Warm both paths, then take the best of 3 of each (the least disturbed by other processes).
  run(true);
  run(false);
  let withNs = Infinity;
  let withoutNs = Infinity;
  for (let k = 0; k < 3; k++) {
    withNs = Math.min(withNs, run(true));
    withoutNs = Math.min(withoutNs, run(false));
  }
  if (sink === -1) console.error(sink);
  return { withNs, withoutNs, costNs: withNs - withoutNs };
}

/** Per-command ns of SET and GET through the dispatcher of an in-process server, tracking on and off. */
export async function dispatchTracking(
  pairs = 100,
  batch = 20_000,
): Promise<{ test: string; onNs: number; offNs: number; pairRatio: number[]; controlRatio: number[] }[]> {
  const emb = await startServer({ port: 0, bind: ["127.0.0.1"], config: { save: "" } });
  try {
    const server = emb.server;
    const conn = nullConnection({
      remoteAddress: "127.0.0.1",
      remotePort: 1,
      localAddress: "127.0.0.1",
      localPort: emb.port,
      unix: false,
    });
    const client = new Client(1_000_000_000, conn, 512 * 1024 * 1024, false, Date.now());
    server.clients.set(client.id, client);
    const enc = new TextEncoder();
    const keys = Array.from({ length: 100_000 }, (_, i) => enc.encode(`key:${String(i).padStart(12, "0")}`));
    const value = enc.encode("v".repeat(16));
    const SET = enc.encode("SET");
    const GET = enc.encode("GET");
    const argvs = {
      set: keys.map((k) => [SET, k, value]),
      get: keys.map((k) => [GET, k]),
      // SET and GET taking turns: the histogram changes at every command.
      "set+get": keys.map((k, i) => i % 2 === 0 ? [SET, k, value] : [GET, k]),
    };
    const runBatch = (which: keyof typeof argvs, from: number): number => {
      const list = argvs[which];
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) {
        const argv = list[(from + i) % list.length]!;
        client.parser.lastRequestBytes = 30;
        dispatch(server, client, argv);
        if ((i & 255) === 255) server.flush(client);
      }
      server.flush(client);
      return ((performance.now() - t0) * 1e6) / batch;
    };
    const setTracking = (on: boolean) => {
      const err = server.config.set([["latency-tracking", on ? "yes" : "no"]]);
      if (err !== null) throw new Error(String(err));
    };
    const out = [];
    for (const which of ["set", "get", "set+get"] as const) {
      // Warm-up: JIT both settings.
      for (const on of [true, false, true, false]) (setTracking(on), runBatch(which, 0));
      const on: number[] = [];
      const off: number[] = [];
      // The control: the same pairs with tracking on in both halves ("a" / "b" in the places of on / off):
      // its ratio is what order and noise alone give.
      const a: number[] = [];
      const b: number[] = [];
      for (let p = 0; p < pairs; p++) {
        for (const first of p % 2 === 0 ? [true, false] : [false, true]) {
          setTracking(first);
          (first ? on : off).push(runBatch(which, p * batch));
        }
        setTracking(true);
        for (const first of p % 2 === 0 ? [true, false] : [false, true]) {
          (first ? a : b).push(runBatch(which, p * batch));
        }
      }
      out.push({
        test: which.toUpperCase(),
        onNs: median(on),
        offNs: median(off),
        pairRatio: on.map((v, i) => v / off[i]!),
        controlRatio: a.map((v, i) => v / b[i]!),
      });
    }
    setTracking(true);
    return out;
  } finally {
    await emb.stop();
  }
}

export async function runTracking<D extends TrackingServerDef>(opts: TrackingOptions<D>): Promise<void> {
  const rows: Row[] = [];
  const tests: [string, number][] = [["set", 1], ["get", 1], ["set", 16], ["get", 16]];
  // `--rounds 0`: the in-process measurements only.
  for (const def of opts.rounds > 0 ? opts.servers : []) {
    console.error(`# ${def.name}`);
    const r = await opts.start(def);
    try {
      const mine = tests.map(([t, p]) => {
        const row: Row = { server: def.name, test: `${t.toUpperCase()} P${p}`, on: [], off: [] };
        rows.push(row);
        return row;
      });
      // Warm-up, not counted: the JIT, and the keyspace SET fills (the first runs insert the most keys).
      for (const setting of ["yes", "no"]) {
        cli(r.port, "CONFIG", "SET", "latency-tracking", setting);
        for (const [t, p] of tests) {
          benchmark(r.port, { clients: opts.clients, requests: opts.requests, pipeline: p }, t, ["-t", t]);
        }
      }
      // Each test runs on and off back to back (the order alternating by round): the two runs of a pair see
      // nearly the same machine load, so the median of the pairs' ratios is steadier than a ratio of medians.
      for (let round = 0; round < opts.rounds; round++) {
        const order = round % 2 === 0 ? ["yes", "no"] : ["no", "yes"];
        tests.forEach(([t, p], i) => {
          for (const setting of order) {
            const ok = cli(r.port, "CONFIG", "SET", "latency-tracking", setting);
            if (ok !== "OK") throw new Error(`CONFIG SET latency-tracking ${setting}: ${ok}`);
            const rps = benchmark(
              r.port,
              { clients: opts.clients, requests: opts.requests, pipeline: p },
              t,
              ["-t", t],
            );
            (setting === "yes" ? mine[i]!.on : mine[i]!.off).push(rps);
            console.error(
              `  round ${round + 1} tracking ${setting} ${t.toUpperCase()} P${p}: ${rps.toFixed(0)}`,
            );
          }
        });
      }
    } finally {
      await opts.stop(r);
    }
  }

  const table: string[][] = [[
    "server",
    "test",
    "on median (min..max)",
    "off median (min..max)",
    "on/off of medians",
    "on/off per pair: median (min..max)",
  ]];
  const summary = rows.map((row) => {
    const on = median(row.on);
    const off = median(row.off);
    const pairs = row.on.map((v, i) => v / row.off[i]!);
    const span = (xs: number[], digits: number) =>
      `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}..${
        Math.max(...xs).toFixed(digits)
      })`;
    table.push([
      row.server,
      row.test,
      span(row.on, 0),
      span(row.off, 0),
      (on / off).toFixed(3),
      span(pairs, 3),
    ]);
    return {
      ...row,
      onMedian: on,
      offMedian: off,
      ratio: on / off,
      pairRatios: pairs,
      pairMedian: median(pairs),
    };
  });
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));

  const inProcess = await dispatchTracking();
  console.log("\nin-process dispatch, ns per command (median of 100 batches of 20,000 each):");
  for (const d of inProcess) {
    const r = d.pairRatio;
    console.log(
      `  ${d.test}: tracking on ${d.onNs.toFixed(0)} ns, off ${d.offNs.toFixed(0)} ns, ` +
        `on/off per pair median ${median(r).toFixed(3)} (${Math.min(...r).toFixed(3)}..${
          Math.max(...r).toFixed(3)
        }), control on/on ${median(d.controlRatio).toFixed(3)}`,
    );
  }

  const micro = microTracking();
  console.log(
    `\nper-command tracking work in-process: ${micro.costNs.toFixed(1)} ns ` +
      `(loop with tracking ${micro.withNs.toFixed(1)} ns, without ${micro.withoutNs.toFixed(1)} ns)`,
  );

  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const out = {
    date: new Date().toISOString(),
    requests: opts.requests,
    clients: opts.clients,
    rounds: opts.rounds,
    results: summary,
    inProcess,
    micro,
  };
  writeFileSync(path.join(dir, "latest-tracking.json"), JSON.stringify(out, null, 2));
  console.log("results: bench/results/latest-tracking.json");
}
