/**
 * Replication (`deno task bench --only replication [--requests N] [--repeat N]`): what one replica costs a
 * primary, for Valkyr on each runtime and for every reference server found, each server replicating to a
 * replica of the same kind (Valkyr on Deno to Valkyr on Deno, redis-server to redis-server...).
 *
 * Every server runs in its own temporary `dir` with `save ""`, `appendonly no`, `repl-diskless-sync yes`
 * (Valkey 8.1's default) and `repl-diskless-sync-delay 0` (the default 5 s wait for more replicas would be
 * most of every sync time). One round, per server:
 * 1. alone: a fresh primary, `redis-benchmark -t set -n <--requests> -r 100000 -P 16 -c <--clients>`;
 * 2. with replica: a fresh replica, `REPLICAOF 127.0.0.1 <primary>`, wait for `master_link_status:up`, no
 *    sync in progress and the replica's `slave_repl_offset` equal to the primary's `master_repl_offset`;
 *    the same benchmark against the primary; then the catch-up: the time from the benchmark's end until
 *    the offsets are equal again, and DBSIZE on both (a difference is a failure);
 * 3. full sync: the replica is stopped, a fresh empty one started, and timed from its `REPLICAOF` until
 *    the link is up with equal offsets, over the ~100,000 keys the benchmarks left (the primary's
 *    `sync_full` must grow by one, and DBSIZE must match).
 *
 * The offsets are polled every {@link POLL_MS} ms over open connections (not a `redis-cli` per reading),
 * so catch-up and full sync times are good to a few ms. `--repeat N` runs N rounds, every server once per
 * round, and reports the median of each figure. Prints a table, the ratios to the first reference server,
 * and any failure; writes bench/results/latest-replication.json.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../tests/helpers/server.ts";
import { RawConn } from "../tests/helpers/raw.ts";
import {
  benchmark,
  type BenchServerDef,
  median,
  type Running,
  type ServerControl,
  sleep,
} from "./_servers.ts";

export interface ReplicationServerDef extends BenchServerDef {
  args: (port: number) => string[];
}

export interface ReplicationOptions<D extends ReplicationServerDef> extends ServerControl<D> {
  requests: number;
  clients: number;
  /** Rounds (`--repeat`): every server once per round; figures are medians. */
  rounds?: number;
}

/** `-r` of the benchmark: the key space the runs write into. */
const KEY_RANGE = 100_000;
/** How often the offsets are read while waiting for a replica. */
const POLL_MS = 2;
/** How long a sync or a catch-up may take before the round counts it as failed. */
const SYNC_TIMEOUT_MS = 120_000;

/** One round of one server. NaN where a step failed (see `failures`). */
interface Round {
  alone: number;
  withReplica: number;
  /** withReplica / alone. */
  ratio: number;
  catchUpMs: number;
  fullSyncMs: number;
  /** DBSIZE of the primary after the second benchmark (the keys of the full sync). */
  keys: number;
  failures: string[];
}

interface Row {
  server: string;
  /** Medians of the rounds (the ratio: median of each round's ratio). */
  alone: number;
  withReplica: number;
  ratio: number;
  catchUpMs: number;
  fullSyncMs: number;
  keys: number;
  rounds: Round[];
  failures: string[];
}

/** The `name:value` fields of `INFO section`, over an open connection. */
async function infoOf(c: RawConn, section: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  const reply = await c.call("INFO", section);
  for (const line of String(reply).split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/**
 * Waits until `replica` has its link to `primary` up, no sync in progress and its offset equal to the
 * primary's; the milliseconds it took from `since` (`performance.now()`), or NaN after `timeoutMs`.
 */
async function inSync(primary: RawConn, replica: RawConn, since: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const r = await infoOf(replica, "replication");
    if (r.get("master_link_status") === "up" && r.get("master_sync_in_progress") === "0") {
      const p = await infoOf(primary, "replication");
      const off = r.get("slave_repl_offset") ?? r.get("master_repl_offset");
      if (off !== undefined && off === p.get("master_repl_offset")) return performance.now() - since;
    }
    await sleep(POLL_MS);
  }
  return NaN;
}

async function dbsize(c: RawConn): Promise<number> {
  return Number(await c.call("DBSIZE"));
}

async function round<D extends ReplicationServerDef>(o: ReplicationOptions<D>, def: D): Promise<Round> {
  const dirs: string[] = [];
  const started: Running[] = [];
  const conns: RawConn[] = [];
  const failures: string[] = [];
  const fail = (what: string) => {
    failures.push(what);
    console.error(`  FAILED: ${def.name}: ${what}`);
  };
  const start = async (): Promise<[Running, RawConn]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-bench-repl-"));
    dirs.push(dir);
    const r = await o.start({
      ...def,
      args: (p: number) => [
        ...def.args(p),
        ...["--appendonly", "no", "--dir", dir],
        ...["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"],
      ],
    });
    started.push(r);
    const c = await RawConn.connect(r.port);
    conns.push(c);
    return [r, c];
  };
  const stopOne = async (r: Running, c: RawConn) => {
    c.close();
    conns.splice(conns.indexOf(c), 1);
    await o.stop(r);
    started.splice(started.indexOf(r), 1);
  };
  const run = { clients: o.clients, requests: o.requests, pipeline: 16, range: KEY_RANGE };
  const res: Round = {
    alone: NaN,
    withReplica: NaN,
    ratio: NaN,
    catchUpMs: NaN,
    fullSyncMs: NaN,
    keys: NaN,
    failures,
  };
  try {
    const [primary, p] = await start();
    res.alone = benchmark(primary.port, run, "set", ["-t", "set"]);
    console.error(`  alone: ${res.alone.toFixed(0)} req/s`);

    const [replica, r] = await start();
    const t0 = performance.now();
    await r.call("REPLICAOF", "127.0.0.1", String(primary.port));
    const firstMs = await inSync(p, r, t0, SYNC_TIMEOUT_MS);
    if (Number.isNaN(firstMs)) {
      fail(`the replica was not in sync ${SYNC_TIMEOUT_MS / 1000} s after REPLICAOF`);
      return res;
    }
    res.withReplica = benchmark(primary.port, run, "set", ["-t", "set"]);
    const t1 = performance.now();
    res.catchUpMs = await inSync(p, r, t1, SYNC_TIMEOUT_MS);
    res.ratio = res.withReplica / res.alone;
    res.keys = await dbsize(p);
    const replicaKeys = await dbsize(r);
    console.error(
      `  with replica: ${res.withReplica.toFixed(0)} req/s (${res.ratio.toFixed(2)}), catch-up ${
        res.catchUpMs.toFixed(0)
      } ms, DBSIZE ${res.keys} / ${replicaKeys}`,
    );
    if (Number.isNaN(res.catchUpMs)) fail(`the replica had not caught up ${SYNC_TIMEOUT_MS / 1000} s after`);
    if (replicaKeys !== res.keys) fail(`DBSIZE primary ${res.keys} != replica ${replicaKeys}`);

    // A full sync of what the benchmarks left, to a fresh, empty replica (one that was a replica of this
    // primary would continue with a partial resync).
    await stopOne(replica, r);
    const [, f] = await start();
    const fullBefore = Number((await infoOf(p, "stats")).get("sync_full"));
    const t2 = performance.now();
    await f.call("REPLICAOF", "127.0.0.1", String(primary.port));
    res.fullSyncMs = await inSync(p, f, t2, SYNC_TIMEOUT_MS);
    const fullAfter = Number((await infoOf(p, "stats")).get("sync_full"));
    const freshKeys = await dbsize(f);
    const primaryKeys = await dbsize(p);
    console.error(`  full sync: ${res.fullSyncMs.toFixed(0)} ms, DBSIZE ${primaryKeys} / ${freshKeys}`);
    if (Number.isNaN(res.fullSyncMs)) fail(`the full sync had not ended ${SYNC_TIMEOUT_MS / 1000} s after`);
    if (fullAfter !== fullBefore + 1) {
      fail(`sync_full went from ${fullBefore} to ${fullAfter}, not up by one`);
    }
    if (freshKeys !== primaryKeys) fail(`DBSIZE after the full sync: primary ${primaryKeys} != ${freshKeys}`);
  } catch (e) {
    fail(String(e));
  } finally {
    for (const c of conns) c.close();
    // The replicas first: a replica whose primary is gone would try to reconnect.
    for (const r of started.reverse()) await o.stop(r);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  return res;
}

/** Median of the figures that are not NaN (NaN when none is). */
function medianOf(xs: number[]): number {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length === 0 ? NaN : median(ok);
}

export async function runReplication<D extends ReplicationServerDef>(
  o: ReplicationOptions<D>,
): Promise<Row[]> {
  const rounds = Math.max(1, o.rounds ?? 1);
  const perServer = new Map<string, Round[]>();
  for (let n = 1; n <= rounds; n++) {
    // Every server once per round, so a change in the machine's load touches all of them alike.
    for (const def of o.servers) {
      console.error(`# ${def.name} replication${rounds > 1 ? ` (round ${n} of ${rounds})` : ""}`);
      const res = await round(o, def);
      perServer.set(def.name, [...perServer.get(def.name) ?? [], res]);
    }
  }
  const rows: Row[] = o.servers.map((def) => {
    const rs = perServer.get(def.name) ?? [];
    const of = (k: "alone" | "withReplica" | "ratio" | "catchUpMs" | "fullSyncMs" | "keys") =>
      medianOf(rs.map((r) => r[k]));
    return {
      server: def.name,
      alone: of("alone"),
      withReplica: of("withReplica"),
      ratio: of("ratio"),
      catchUpMs: of("catchUpMs"),
      fullSyncMs: of("fullSyncMs"),
      keys: of("keys"),
      rounds: rs,
      failures: rs.flatMap((r, i) => r.failures.map((f) => rounds > 1 ? `round ${i + 1}: ${f}` : f)),
    };
  });

  const fmt = (x: number, digits = 0) => Number.isNaN(x) ? "-" : x.toFixed(digits);
  console.log(
    `\nReplication: redis-benchmark SET, ${o.requests} requests over ${KEY_RANGE} keys, pipeline 16, ${o.clients} ` +
      `clients${rounds > 1 ? `; medians of ${rounds} rounds` : ""}`,
  );
  const print = (table: string[][]) => {
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  };
  const head = ["server", "alone req/s", "with replica req/s", "with/alone", "catch-up ms", "full sync ms"];
  print([
    [...head, "keys"],
    ...rows.map((r) => [
      r.server,
      fmt(r.alone),
      fmt(r.withReplica),
      fmt(r.ratio, 2),
      fmt(r.catchUpMs),
      fmt(r.fullSyncMs),
      fmt(r.keys),
    ]),
  ]);
  const refName = o.servers.find((s) => s.reference)?.name;
  const ref = rows.find((r) => r.server === refName);
  if (ref !== undefined) {
    const vs = (x: number, y: number) =>
      Number.isNaN(x) || Number.isNaN(y) || y === 0 ? "-" : (x / y).toFixed(2);
    console.log(`\nratios to ${ref.server}`);
    print([
      head,
      ...rows.map((r) => [
        r.server,
        vs(r.alone, ref.alone),
        vs(r.withReplica, ref.withReplica),
        vs(r.ratio, ref.ratio),
        vs(r.catchUpMs, ref.catchUpMs),
        vs(r.fullSyncMs, ref.fullSyncMs),
      ]),
    ]);
  }
  for (const r of rows) for (const f of r.failures) console.log(`FAILED: ${r.server}: ${f}`);

  const dir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const out = {
    date: new Date().toISOString(),
    requests: o.requests,
    clients: o.clients,
    pipeline: 16,
    keyRange: KEY_RANGE,
    rounds,
    results: rows,
  };
  fs.writeFileSync(path.join(dir, "latest-replication.json"), JSON.stringify(out, null, 2));
  console.log("\nresults: bench/results/latest-replication.json");
  return rows;
}
