/**
 * `deno task bench`: Valkyr side by side with every reference server found, in the same run.
 *
 * Servers: Valkyr on Deno and on Bun (`--runtimes deno,bun,binary` to choose), plus `redis-server` and
 * `valkey-server` when on PATH (or named by REDIS_SERVER / VALKEY_SERVER).
 *
 * Throughput: redis-benchmark SET and GET with 50 clients at pipeline 1 and 16, `--requests` requests
 * (default 1,000,000) over 1,000,000 random keys.
 * Memory: `--keys` keys (default 1,000,000) with 16-byte names (`key:000000000000`) and 16-byte values,
 * loaded through `redis-cli --pipe`; reports used_memory and RSS per key (growth over the empty server,
 * each reading after MEMORY PURGE).
 *
 * `--repeat N` runs the throughput part (or the `--io-threads` runs) N times, every server once per round,
 * and reports the median of each figure (at pipeline 16 single runs vary by 10–20% on a shared 2-core
 * machine).
 *
 * Prints a table with ratios to the first reference server and writes JSON + an SVG chart to
 * bench/results/.
 *
 * Data types (issue #3): `--tests hset,lpush,lpop,lrange_100,sadd,zadd,xadd` runs those redis-benchmark tests
 * instead of SET/GET (LRANGE_100 needs LPUSH first: list them in that order; XADD runs as the custom command
 * `XADD bench:stream * field value`).
 *
 * Cache scenario (issue #8): `--only cache [--seconds N]` runs bench/cache.ts (maxmemory at half the
 * data set, allkeys-lru / allkeys-lfu, Zipfian reads: hit rate, throughput, bytes per key).
 *
 * Bloom (issue #4): `--only bloom` runs bench/bloom.ts (memory of a filter of `--keys` user ids vs a set
 * of the same ids; BF.ADD / BF.EXISTS throughput next to SADD / SISMEMBER).
 *
 * JSON (issue #5): `--only json` runs bench/json.ts (memory of `min(--keys, 100000)` ~500-byte product
 * documents as JSON vs as strings; JSON.GET / JSON.SET on a path next to GET / SET).
 *
 * I/O threads (issue #7): `--io-threads 1,2,4` runs bench/io_threads.ts (GET/SET, pipeline 1 and 16, 50
 * and 200 clients, ratio to io-threads 1, main-thread CPU per request), for Valkyr and the reference servers.
 *
 * Latency tracking (issue #6): `--only tracking [--rounds N]` runs bench/tracking.ts (SET/GET throughput
 * with `latency-tracking` yes vs no, alternating runs, median and spread; per-command cost in-process).
 *
 * Persistence (issue #9): `--only persistence` runs bench/persistence.ts (SAVE and load time of `--keys` keys,
 * file size, BGSAVE time and RSS growth, GET/SET p99 with and without BGSAVE running).
 *
 * Collections (issue #3): `--only collections [--kinds hash,set,zset,stream]` runs bench/collections.ts
 * (used_memory per element of a hash, set, sorted set and stream of `--keys` elements each).
 *
 * Replication: `--only replication` runs bench/replication.ts (a primary's SET throughput at pipeline 16
 * alone and with one replica of the same kind, the replica's catch-up time after the run, the time of a
 * full sync of ~100,000 keys to a fresh replica; `--repeat N` for medians).
 *
 * Usage: deno task bench [--requests N] [--keys N] [--runtimes deno,bun] [--repeat N]
 *        [--only throughput|memory|cache|bloom|json|tracking|collections|persistence|replication]
 *        [--tests set,get] [--seconds N]
 *        [--io-threads 1,2,4] [--rounds N] [--kinds hash,set,zset,stream]
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { freePort, ROOT, waitReady } from "../tests/helpers/server.ts";
import { benchmark as runBenchmark, cli, info, median, pipe, type Running, sleep } from "./_servers.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    requests: { type: "string", default: "1000000" },
    keys: { type: "string", default: "1000000" },
    runtimes: { type: "string", default: "deno,bun" },
    only: { type: "string" },
    clients: { type: "string", default: "50" },
    tests: { type: "string", default: "set,get" },
    seconds: { type: "string", default: "10" },
    "io-threads": { type: "string" },
    rounds: { type: "string", default: "6" },
    repeat: { type: "string", default: "1" },
    kinds: { type: "string", default: "hash,set,zset,stream" },
  },
});

const REQUESTS = Number(values.requests);
const KEYS = Number(values.keys);
const CLIENTS = Number(values.clients);

interface ServerDef {
  name: string;
  cmd: string;
  args: (port: number) => string[];
  reference: boolean;
  env?: Record<string, string>;
}

/** What `deno task start` sets for Deno (see deno.json): glibc returns freed network buffers. */
const DENO_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: "16384", MALLOC_TRIM_THRESHOLD_: "16384" };

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function servers(): ServerDef[] {
  const list: ServerDef[] = [];
  const valkyrArgs = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  for (const rt of values.runtimes!.split(",")) {
    if (rt === "deno") {
      list.push({
        name: "valkyr-deno",
        cmd: Deno.execPath(),
        env: DENO_MALLOC_ENV,
        args: (
          p,
        ) => ["run", "-A", "--v8-flags=--expose-gc", path.join(ROOT, "cli/main.ts"), ...valkyrArgs(p)],
        reference: false,
      });
    } else if (rt === "bun") {
      list.push({
        name: "valkyr-bun",
        cmd: path.join(ROOT, "node_modules/.bin/bun"),
        args: (p) => [path.join(ROOT, "cli/main.ts"), ...valkyrArgs(p)],
        reference: false,
      });
    } else if (rt === "binary") {
      list.push({
        name: "valkyr-binary",
        cmd: path.join(ROOT, "dist/valkyr"),
        args: valkyrArgs,
        reference: false,
      });
    }
  }
  const refArgs = (
    p: number,
  ) => ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const redis = process.env.REDIS_SERVER ?? which("redis-server");
  if (redis) list.push({ name: "redis-server", cmd: redis, args: refArgs, reference: true });
  const valkey = process.env.VALKEY_SERVER ?? which("valkey-server");
  if (valkey) list.push({ name: "valkey-server", cmd: valkey, args: refArgs, reference: true });
  return list;
}

async function start(def: ServerDef): Promise<Running> {
  const port = await freePort();
  const child = spawn(def.cmd, def.args(port), {
    stdio: ["ignore", "ignore", "inherit"],
    cwd: ROOT,
    env: { ...process.env, ...def.env },
  });
  await waitReady("127.0.0.1", port);
  return { port, child };
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  const done = new Promise((res) => r.child.once("exit", res));
  r.child.kill("SIGTERM");
  const t = setTimeout(() => r.child.kill("SIGKILL"), 5000);
  await done;
  clearTimeout(t);
}

/**
 * Tests redis-benchmark has no `-t` for, run as custom commands (their CSV label starts with the command
 * name, which is the test name).
 */
const CUSTOM_TESTS: Record<string, string[]> = { xadd: ["XADD", "bench:stream", "*", "field", "value"] };

/** Runs redis-benchmark for one test and returns requests per second. */
function benchmark(port: number, test: string, pipeline: number): number {
  const run = { clients: CLIENTS, requests: REQUESTS, pipeline };
  return runBenchmark(port, run, test, CUSTOM_TESTS[test] ?? ["-t", test]);
}

/** Loads `n` 16-byte keys with 16-byte values through redis-cli --pipe. */
function loadKeys(port: number, n: number): void {
  const chunk: string[] = [];
  const value = "v".repeat(16);
  for (let i = 0; i < n; i++) {
    const key = `key:${String(i).padStart(12, "0")}`;
    chunk.push(`*3\r\n$3\r\nSET\r\n$16\r\n${key}\r\n$16\r\n${value}\r\n`);
  }
  pipe(port, chunk.join(""));
}

interface Result {
  server: string;
  throughput: Record<string, number>;
  /** With --repeat: every round's figure (throughput holds their median). */
  rounds?: Record<string, number[]>;
  memory?: { usedPerKey: number; rssPerKey: number; keys: number };
}

if (values.only === "cache") {
  const { runCache } = await import("./cache.ts");
  await runCache({ servers: servers(), start, stop, keys: KEYS, seconds: Number(values.seconds) });
  process.exit(0);
}

// Bloom (issue #4): `--only bloom` runs bench/bloom.ts (filter vs set memory, BF.ADD/BF.EXISTS throughput).
if (values.only === "bloom") {
  const { runBloom } = await import("./bloom.ts");
  await runBloom({ servers: servers(), start, stop, keys: KEYS, requests: REQUESTS, clients: CLIENTS });
  process.exit(0);
}

// Latency tracking (issue #6): `--only tracking` runs bench/tracking.ts (Valkyr only: tracking on vs off).
if (values.only === "tracking") {
  const { runTracking } = await import("./tracking.ts");
  const valkyrs = servers().filter((s) => !s.reference);
  await runTracking({
    servers: valkyrs,
    start,
    stop,
    requests: REQUESTS,
    clients: CLIENTS,
    rounds: Number(values.rounds),
  });
  process.exit(0);
}

// Collections (issue #3): `--only collections` runs bench/collections.ts (memory per element).
if (values.only === "collections") {
  const { runCollections } = await import("./collections.ts");
  const kinds = values.kinds!.split(",") as import("./collections.ts").Kind[];
  await runCollections({ servers: servers(), start, stop, elements: KEYS, kinds });
  process.exit(0);
}

// JSON (issue #5): `--only json` runs bench/json.ts (documents vs strings memory, JSON.GET/SET vs GET/SET).
if (values.only === "json") {
  const { runJson } = await import("./json.ts");
  await runJson({ servers: servers(), start, stop, keys: KEYS, requests: REQUESTS, clients: CLIENTS });
  process.exit(0);
}

// Persistence (issue #9): `--only persistence` runs bench/persistence.ts (SAVE, load, BGSAVE, p99 during BGSAVE).
if (values.only === "persistence") {
  const { runPersistence } = await import("./persistence.ts");
  await runPersistence({ servers: servers(), keys: KEYS, requests: Math.min(REQUESTS, 300_000) });
  process.exit(0);
}

// Replication: `--only replication` runs bench/replication.ts (one replica's cost, catch-up, full sync);
// the exit code is 1 when a round failed (a replica not in sync, or with other keys than its primary).
if (values.only === "replication") {
  const { runReplication } = await import("./replication.ts");
  const rows = await runReplication({
    servers: servers(),
    start,
    stop,
    requests: REQUESTS,
    clients: CLIENTS,
    rounds: Math.max(1, Number(values.repeat)),
  });
  process.exit(rows.some((r) => r.failures.length > 0) ? 1 : 0);
}

// I/O threads (issue #7): `--io-threads 1,2,4` runs bench/io_threads.ts (ratios to the first count).
if (values["io-threads"] !== undefined) {
  const { runIoThreads } = await import("./io_threads.ts");
  const counts = values["io-threads"].split(",").map(Number);
  // The reference servers run with the same counts: how a C server's own I/O threads fare on this machine
  // is the yardstick (redis-server 7.0 reads in its threads only with io-threads-do-reads).
  const withRefs = servers().map((s) =>
    s.name !== "redis-server" ? s : {
      ...s,
      args: (p: number) => [...s.args(p), "--io-threads-do-reads", "yes"],
    }
  );
  await runIoThreads({
    servers: withRefs,
    start,
    stop,
    counts,
    requests: REQUESTS,
    rounds: Math.max(1, Number(values.repeat)),
  });
  process.exit(0);
}

const results: Result[] = [];
const doThroughput = values.only === undefined || values.only === "throughput";
const doMemory = values.only === undefined || values.only === "memory";

// Throughput: `--repeat N` rounds, each running every server in turn (so a change in the machine's load
// touches all of them alike); each figure is the median of its rounds.
const REPEAT = Math.max(1, Number(values.repeat));
const runs = new Map<string, Map<string, number[]>>();
if (doThroughput) {
  for (let round = 1; round <= REPEAT; round++) {
    for (const def of servers()) {
      console.error(`# ${def.name}${REPEAT > 1 ? ` (round ${round} of ${REPEAT})` : ""}`);
      let perServer = runs.get(def.name);
      if (perServer === undefined) runs.set(def.name, perServer = new Map());
      const r = await start(def);
      try {
        for (const pipeline of [1, 16]) {
          for (const test of values.tests!.split(",")) {
            const rps = benchmark(r.port, test, pipeline);
            const metric = `${test.toUpperCase()} P${pipeline}`;
            perServer.set(metric, [...perServer.get(metric) ?? [], rps]);
            console.error(`  ${test.toUpperCase()} pipeline ${pipeline}: ${rps.toFixed(0)} req/s`);
          }
        }
      } finally {
        await stop(r);
      }
    }
  }
}

for (const def of servers()) {
  const res: Result = { server: def.name, throughput: {} };
  for (const [metric, xs] of runs.get(def.name) ?? []) {
    res.throughput[metric] = median(xs);
    if (REPEAT > 1) (res.rounds ??= {})[metric] = xs;
  }
  if (doMemory) {
    console.error(`# ${def.name} memory`);
    const r = await start(def);
    try {
      // MEMORY PURGE before each reading: jemalloc returns dirty pages, Valkyr runs a full GC so freed
      // buffers (old hash-table arrays, network chunks) are not counted.
      await sleep(300);
      cli(r.port, "MEMORY", "PURGE");
      const before = info(r.port, "memory");
      loadKeys(r.port, KEYS);
      await sleep(1000);
      cli(r.port, "MEMORY", "PURGE");
      await sleep(500);
      const keys = Number(cli(r.port, "DBSIZE"));
      const after = info(r.port, "memory");
      const used = Number(after.get("used_memory")) - Number(before.get("used_memory"));
      const rss = Number(after.get("used_memory_rss")) - Number(before.get("used_memory_rss"));
      res.memory = { usedPerKey: used / keys, rssPerKey: rss / keys, keys };
      console.error(
        `  memory: ${keys} keys, ${(used / keys).toFixed(1)} used B/key, ${
          (rss / keys).toFixed(1)
        } RSS B/key`,
      );
    } finally {
      await stop(r);
    }
  }
  results.push(res);
}

// Table with ratios against the first reference server (redis-server when present).
const ref = results.find((r) => servers().find((s) => s.name === r.server)?.reference);
const rows: string[][] = [["server", "metric", "value", ref ? `ratio vs ${ref.server}` : "ratio"]];
for (const r of results) {
  for (const [metric, v] of Object.entries(r.throughput)) {
    const rv = ref?.throughput[metric];
    rows.push([r.server, `${metric} req/s`, v.toFixed(0), rv ? (v / rv).toFixed(2) : "-"]);
  }
  if (r.memory) {
    const rm = ref?.memory;
    rows.push([
      r.server,
      "used B/key",
      r.memory.usedPerKey.toFixed(1),
      rm ? (r.memory.usedPerKey / rm.usedPerKey).toFixed(2) : "-",
    ]);
    rows.push([
      r.server,
      "RSS B/key",
      r.memory.rssPerKey.toFixed(1),
      rm ? (r.memory.rssPerKey / rm.rssPerKey).toFixed(2) : "-",
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
// A run of other tests than SET/GET keeps its own "latest" files.
const suffix = values.tests === "set,get" ? "" : `-${values.tests!.replace(/,/g, "-")}`;
const dir = path.join(ROOT, "bench", "results");
mkdirSync(dir, { recursive: true });
const meta = {
  date: new Date().toISOString(),
  requests: REQUESTS,
  keys: KEYS,
  clients: CLIENTS,
  repeat: REPEAT,
};
writeFileSync(path.join(dir, `bench-${stamp}${suffix}.json`), JSON.stringify({ ...meta, results }, null, 2));
writeFileSync(path.join(dir, `latest${suffix}.json`), JSON.stringify({ ...meta, results }, null, 2));
const { chartSvg } = await import("./chart.ts");
writeFileSync(path.join(dir, `latest${suffix}.svg`), await chartSvg(results));
console.log(`\nresults: bench/results/latest${suffix}.json, bench/results/latest${suffix}.svg`);
