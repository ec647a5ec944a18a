/**
 * What every bench scenario (bench/main.ts and the per-issue files beside it) shares: the server-control
 * interface bench/main.ts hands to them, `redis-cli` calls and INFO readings, `redis-cli --pipe` loads and
 * `redis-benchmark` runs.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";

/** What a scenario needs to know of a server bench/main.ts can start. */
export interface BenchServerDef {
  name: string;
  /** A reference server (redis-server, valkey-server): no modules, no Valkyr-only settings. */
  reference: boolean;
}

/** A started server. */
export interface Running {
  port: number;
  child: ChildProcess;
}

/** The servers of a run and how to start and stop one (bench/main.ts's `servers()`, `start`, `stop`). */
export interface ServerControl<D> {
  servers: D[];
  start: (def: D) => Promise<Running>;
  stop: (r: Running) => Promise<void>;
}

/** The median of `xs` (not empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One `redis-cli` command; its output, trimmed. */
export function cli(port: number, ...args: string[]): string {
  return spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).stdout.trim();
}

/** The `name:value` fields of `INFO section`. */
export function info(port: number, section: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of cli(port, "INFO", section).split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/** used_memory and used_memory_rss. */
export function memoryInfo(port: number): { used: number; rss: number } {
  const m = info(port, "memory");
  return { used: Number(m.get("used_memory") ?? NaN), rss: Number(m.get("used_memory_rss") ?? NaN) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Sends a RESP stream through `redis-cli --pipe`; throws when redis-cli fails, and with `strict` also when
 * it reports a command error.
 */
export function pipe(port: number, input: string, strict = false): void {
  const r = spawnSync("redis-cli", ["-p", String(port), "--pipe"], {
    input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 || (strict && !/errors: 0,/.test(r.stdout))) {
    throw new Error(`redis-cli --pipe failed: ${r.stdout}${r.stderr}`);
  }
}

export interface BenchmarkRun {
  clients: number;
  requests: number;
  pipeline: number;
  /** `-r`: the key space of `__rand_int__` (default 1,000,000). */
  range?: number;
}

/**
 * Runs redis-benchmark once and returns requests per second of the test labelled `label` (the first word
 * of the CSV label, case-insensitive): `args` is either `["-t", test]` or a custom command.
 */
export function benchmark(port: number, run: BenchmarkRun, label: string, args: string[]): number {
  const r = spawnSync("redis-benchmark", [
    "-p",
    String(port),
    "-c",
    String(run.clients),
    "-n",
    String(run.requests),
    "-r",
    String(run.range ?? 1_000_000),
    "-P",
    String(run.pipeline),
    "--csv",
    ...args,
  ], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  for (const line of r.stdout.split(/\r?\n/)) {
    const cols = line.split(",").map((c) => c.replace(/"/g, ""));
    // "LRANGE_100 (first 100 elements)" is the label of -t lrange_100; a custom command's is the command.
    const first = cols[0]?.toLowerCase().split(" ")[0];
    if (first === label.toLowerCase() && cols[1] !== undefined) return Number(cols[1]);
  }
  throw new Error(`redis-benchmark gave no figure for ${args.join(" ")}: ${r.stdout}${r.stderr}`);
}
