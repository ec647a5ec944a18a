/**
 * The Bloom scenario (`deno task bench --only bloom`): what a Bloom filter saves over a set, and how fast
 * BF.ADD / BF.EXISTS run.
 *
 * - Memory: `--keys` user ids (default 1,000,000; `user:0000000042`, 15 bytes) go into a Bloom filter
 *   reserved for exactly that many items at 1% (`BF.RESERVE users 0.01 <keys>`, one sub-filter), and, on a
 *   fresh server, into a set (`SADD`). Both loads run through `redis-cli --pipe` in batches of 1,000 items.
 *   Reported per structure: BF.INFO SIZE (filter only), MEMORY USAGE of the key, and the growth of
 *   `used_memory` and of RSS over the empty server (after MEMORY PURGE), then the filter's saving over
 *   the set. `items` is BF.CARD / SCARD: a filter counts fewer than it was given, as an id that already
 *   tests positive (a false positive while filling) is not added again.
 *   Reference servers (no Bloom module) report the set only, for scale.
 * - Throughput: redis-benchmark with 50 clients at pipeline 1 and 16, `--requests` requests over 1,000,000
 *   random ids: `BF.ADD bf __rand_int__`, then `BF.EXISTS bf __rand_int__` on the filled filter; SADD and
 *   SISMEMBER on the same server for comparison.
 *
 * Writes bench/results/latest-bloom.json.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../tests/helpers/server.ts";
import {
  benchmark,
  type BenchServerDef,
  cli,
  memoryInfo,
  pipe,
  type ServerControl,
  sleep,
} from "./_servers.ts";

export type BloomServerDef = BenchServerDef;

export interface BloomOptions<D extends BloomServerDef> extends ServerControl<D> {
  keys: number;
  requests: number;
  clients: number;
}

interface MemoryRow {
  server: string;
  structure: "bloom" | "set";
  items: number;
  bfInfoSize?: number;
  memoryUsage: number;
  usedMemoryGrowth: number;
  rssGrowth: number;
}

interface ThroughputRow {
  server: string;
  command: string;
  pipeline: number;
  rps: number;
}

const BATCH = 1000;

const userId = (i: number) => `user:${String(i).padStart(10, "0")}`;

/** `cmd key id id ...` in batches of BATCH ids, through redis-cli --pipe. */
function load(port: number, cmd: string, key: string, n: number): void {
  const parts: string[] = [];
  for (let start = 0; start < n; start += BATCH) {
    const count = Math.min(BATCH, n - start);
    parts.push(`*${count + 2}\r\n$${cmd.length}\r\n${cmd}\r\n$${key.length}\r\n${key}\r\n`);
    for (let i = start; i < start + count; i++) {
      const id = userId(i);
      parts.push(`$${id.length}\r\n${id}\r\n`);
    }
  }
  pipe(port, parts.join(""), true);
}

/** used_memory growth, MEMORY USAGE and (for the filter) BF.INFO SIZE after loading `n` ids. */
async function measure(
  port: number,
  structure: "bloom" | "set",
  n: number,
): Promise<Omit<MemoryRow, "server">> {
  await sleep(300);
  cli(port, "MEMORY", "PURGE");
  const before = memoryInfo(port);
  if (structure === "bloom") {
    const ok = cli(port, "BF.RESERVE", "users", "0.01", String(n));
    if (ok !== "OK") throw new Error(`BF.RESERVE: ${ok}`);
    load(port, "BF.MADD", "users", n);
  } else {
    load(port, "SADD", "users", n);
  }
  await sleep(1000);
  cli(port, "MEMORY", "PURGE");
  await sleep(500);
  const after = memoryInfo(port);
  const items = Number(cli(port, structure === "bloom" ? "BF.CARD" : "SCARD", "users"));
  const row: Omit<MemoryRow, "server"> = {
    structure,
    items,
    memoryUsage: Number(cli(port, "MEMORY", "USAGE", "users", "SAMPLES", "0")),
    usedMemoryGrowth: after.used - before.used,
    rssGrowth: after.rss - before.rss,
  };
  if (structure === "bloom") row.bfInfoSize = Number(cli(port, "BF.INFO", "users", "SIZE"));
  return row;
}

export async function runBloom<D extends BloomServerDef>(opts: BloomOptions<D>): Promise<void> {
  const memory: MemoryRow[] = [];
  const throughput: ThroughputRow[] = [];
  for (const def of opts.servers) {
    console.error(`# ${def.name}`);
    const structures: ("bloom" | "set")[] = def.reference ? ["set"] : ["bloom", "set"];
    for (const structure of structures) {
      const r = await opts.start(def);
      try {
        const row = { server: def.name, ...(await measure(r.port, structure, opts.keys)) };
        memory.push(row);
        console.error(
          `  ${structure}: ${row.items} ids, used_memory +${row.usedMemoryGrowth} B, RSS +${row.rssGrowth} B, ` +
            `MEMORY USAGE ${row.memoryUsage} B` +
            (row.bfInfoSize !== undefined ? `, BF.INFO SIZE ${row.bfInfoSize} B` : ""),
        );
      } finally {
        await opts.stop(r);
      }
    }
    const r = await opts.start(def);
    try {
      const cmds = def.reference ? [["SADD", "s", "__rand_int__"], ["SISMEMBER", "s", "__rand_int__"]] : [
        ["BF.ADD", "bf", "__rand_int__"],
        ["BF.EXISTS", "bf", "__rand_int__"],
        ["SADD", "s", "__rand_int__"],
        ["SISMEMBER", "s", "__rand_int__"],
      ];
      for (const pipeline of [1, 16]) {
        for (const cmd of cmds) {
          const rps = benchmark(
            r.port,
            { clients: opts.clients, requests: opts.requests, pipeline },
            cmd[0]!,
            cmd,
          );
          throughput.push({ server: def.name, command: cmd[0]!, pipeline, rps });
          console.error(`  ${cmd.join(" ")} pipeline ${pipeline}: ${rps.toFixed(0)} req/s`);
        }
      }
    } finally {
      await opts.stop(r);
    }
  }

  console.log(
    "server          structure items     BF.INFO SIZE  MEMORY USAGE  used_memory growth  B/item  RSS growth",
  );
  for (const m of memory) {
    console.log(
      [
        m.server.padEnd(15),
        m.structure.padEnd(9),
        String(m.items).padEnd(9),
        String(m.bfInfoSize ?? "-").padEnd(13),
        String(m.memoryUsage).padEnd(13),
        String(m.usedMemoryGrowth).padEnd(19),
        (m.usedMemoryGrowth / m.items).toFixed(2).padEnd(7),
        String(m.rssGrowth),
      ].join(" "),
    );
  }
  for (const def of opts.servers.filter((s) => !s.reference)) {
    const bloom = memory.find((m) => m.server === def.name && m.structure === "bloom");
    const set = memory.find((m) => m.server === def.name && m.structure === "set");
    if (bloom && set) {
      console.log(
        `${def.name}: the filter takes ${
          (100 * (1 - bloom.usedMemoryGrowth / set.usedMemoryGrowth)).toFixed(1)
        }% ` +
          `less memory than the set (used_memory growth), ${
            (100 * (1 - bloom.memoryUsage / set.memoryUsage)).toFixed(1)
          }% less by MEMORY USAGE`,
      );
    }
  }
  console.log("\nserver          command     P1 req/s   P16 req/s");
  const commands = [...new Set(throughput.map((t) => `${t.server}\t${t.command}`))];
  for (const sc of commands) {
    const [server, command] = sc.split("\t") as [string, string];
    const at = (p: number) =>
      throughput.find((t) => t.server === server && t.command === command && t.pipeline === p);
    console.log(
      `${server.padEnd(15)} ${command.padEnd(11)} ${(at(1)?.rps.toFixed(0) ?? "-").padEnd(10)} ${
        at(16)?.rps.toFixed(0) ?? "-"
      }`,
    );
  }
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    keys: opts.keys,
    requests: opts.requests,
    clients: opts.clients,
  };
  writeFileSync(
    path.join(dir, "latest-bloom.json"),
    JSON.stringify({ ...meta, memory, throughput }, null, 2),
  );
  console.log("\nresults: bench/results/latest-bloom.json");
}
