/**
 * The JSON scenario (`deno task bench --only json`): what a document costs as a JSON value versus the same
 * JSON text in a string, and how fast path reads and writes run next to plain GET / SET.
 *
 * - Memory: `min(--keys, 100,000)` product documents of ~500 bytes (id, sku, name, a ~200-byte description,
 *   price, stock, tags, dimensions, ratings...) are loaded through `redis-cli --pipe`, once with
 *   `JSON.SET p:<12 digits> . <doc>` and, on a fresh server, once with `SET s:<12 digits> <doc>`. Reported:
 *   the growth of `used_memory` and of RSS over the empty server (after MEMORY PURGE), per document.
 *   Reference servers (no JSON module) report the strings only, for scale.
 * - Throughput: redis-benchmark with 50 clients at pipeline 1 and 16, `--requests` requests over the loaded
 *   keys: `JSON.GET p:__rand_int__ $.price`, `JSON.SET p:__rand_int__ $.stock 42`, `GET s:__rand_int__`,
 *   `SET s:__rand_int__ <value of a document's length>`.
 *
 * Writes bench/results/latest-json.json.
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

export type JsonServerDef = BenchServerDef;

export interface JsonOptions<D extends JsonServerDef> extends ServerControl<D> {
  keys: number;
  requests: number;
  clients: number;
}

interface MemoryRow {
  server: string;
  form: "json" | "string";
  docs: number;
  docBytes: number;
  usedPerDoc: number;
  rssPerDoc: number;
}

interface ThroughputRow {
  server: string;
  command: string;
  pipeline: number;
  rps: number;
}

const BATCH = 500;
const WORDS = [
  "alpha",
  "bravo",
  "carbon",
  "delta",
  "echo",
  "fjord",
  "gamma",
  "helix",
  "ion",
  "jade",
  "kilo",
  "lumen",
];

/** A ~500-byte product document, deterministic in `i`. */
export function productDoc(i: number): string {
  const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length]!;
  const description = Array.from({ length: 28 }, (_, k) => w(k)).join(" ").slice(0, 200);
  return JSON.stringify({
    id: i,
    sku: `SKU-${String(i).padStart(8, "0")}`,
    name: `${w(1)} ${w(2)} ${w(3)}`,
    description,
    price: Number(((i % 9973) / 100 + 1).toFixed(2)),
    currency: "EUR",
    stock: i % 500,
    active: i % 3 !== 0,
    tags: [w(4), w(5), w(6)],
    dimensions: { width: 10 + (i % 40), height: 20 + (i % 30), depth: 5 + (i % 9), unit: "cm" },
    ratings: { average: (i % 50) / 10, count: i % 1000 },
    supplier: { name: `${w(7)} supply`, country: "NL" },
  });
}

const keyOf = (prefix: string, i: number) => `${prefix}:${String(i).padStart(12, "0")}`;

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

function load(port: number, form: "json" | "string", n: number): void {
  for (let start = 0; start < n; start += BATCH) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const doc = productDoc(i);
      parts.push(
        form === "json"
          ? "*4\r\n" + bulk("JSON.SET") + bulk(keyOf("p", i)) + bulk(".") + bulk(doc)
          : "*3\r\n" + bulk("SET") + bulk(keyOf("s", i)) + bulk(doc),
      );
    }
    pipe(port, parts.join(""), true);
  }
}

async function measure(port: number, form: "json" | "string", n: number): Promise<Omit<MemoryRow, "server">> {
  await sleep(300);
  cli(port, "MEMORY", "PURGE");
  const before = memoryInfo(port);
  load(port, form, n);
  await sleep(1000);
  cli(port, "MEMORY", "PURGE");
  await sleep(500);
  const docBytes = Array.from({ length: 100 }, (_, i) => productDoc(i).length).reduce((a, b) => a + b) / 100;
  const docs = Number(cli(port, "DBSIZE"));
  const after = memoryInfo(port);
  return {
    form,
    docs,
    docBytes,
    usedPerDoc: (after.used - before.used) / n,
    rssPerDoc: (after.rss - before.rss) / n,
  };
}

export async function runJson<D extends JsonServerDef>(opts: JsonOptions<D>): Promise<void> {
  const n = Math.min(opts.keys, 100_000);
  const memory: MemoryRow[] = [];
  const throughput: ThroughputRow[] = [];
  for (const def of opts.servers) {
    console.error(`# ${def.name}`);
    const forms: ("json" | "string")[] = def.reference ? ["string"] : ["json", "string"];
    for (const form of forms) {
      const r = await opts.start(def);
      try {
        const row = { server: def.name, ...(await measure(r.port, form, n)) };
        memory.push(row);
        console.error(
          `  ${form}: ${row.docs} docs, ${row.usedPerDoc.toFixed(0)} B used / ${
            row.rssPerDoc.toFixed(0)
          } B RSS per doc`,
        );
      } finally {
        await opts.stop(r);
      }
    }
    const r = await opts.start(def);
    try {
      const forms2: ("json" | "string")[] = def.reference ? ["string"] : ["json", "string"];
      for (const f of forms2) load(r.port, f, n);
      // a value of a document's length (redis-benchmark's CSV cannot carry JSON's commas and quotes)
      const doc = "x".repeat(productDoc(1).length);
      const cmds = [
        ...(def.reference
          ? []
          : [["JSON.GET", "p:__rand_int__", "$.price"], ["JSON.SET", "p:__rand_int__", "$.stock", "42"]]),
        ["GET", "s:__rand_int__"],
        ["SET", "s:__rand_int__", doc],
      ];
      for (const pipeline of [1, 16]) {
        for (const cmd of cmds) {
          const rps = benchmark(
            r.port,
            { clients: opts.clients, requests: opts.requests, range: n, pipeline },
            cmd[0]!,
            cmd,
          );
          throughput.push({
            server: def.name,
            command: cmd.slice(0, cmd[0] === "SET" ? 1 : 3).join(" "),
            pipeline,
            rps,
          });
          console.error(`  ${cmd[0]} pipeline ${pipeline}: ${rps.toFixed(0)} req/s`);
        }
      }
    } finally {
      await opts.stop(r);
    }
  }

  console.log("server          form    docs     doc bytes  used B/doc  RSS B/doc");
  for (const m of memory) {
    console.log(
      [
        m.server.padEnd(15),
        m.form.padEnd(7),
        String(m.docs).padEnd(8),
        m.docBytes.toFixed(0).padEnd(10),
        m.usedPerDoc.toFixed(0).padEnd(11),
        m.rssPerDoc.toFixed(0),
      ].join(" "),
    );
  }
  console.log("\nserver          command                          pipeline  req/s");
  for (const t of throughput) {
    console.log(
      `${t.server.padEnd(15)} ${t.command.padEnd(32)} ${String(t.pipeline).padEnd(9)} ${t.rps.toFixed(0)}`,
    );
  }
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "latest-json.json"),
    JSON.stringify({ date: new Date().toISOString(), docs: n, memory, throughput }, null, 2) + "\n",
  );
}
