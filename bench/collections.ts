/**
 * Memory per element of big collections (`deno task bench --only collections`, issue #3): a hash with
 * `--keys` fields, a set with `--keys` members, a sorted set with `--keys` members and a stream with
 * `--keys` entries (default 1,000,000 each), Valkyr side by side with redis-server and valkey-server.
 *
 * - Elements: member / field `m:000000000042` (14 bytes); hash value `v:00000042` (10 bytes); sorted-set
 *   score = the element's number; stream entry `XADD s * f <8-digit number>` (server-generated IDs).
 * - Load: through `redis-cli --pipe`, 1,000 elements per command (HSET / SADD / ZADD with many pairs; XADD
 *   one entry per command).
 * - Each structure on a fresh server: used_memory and used_memory_rss after MEMORY PURGE on the empty
 *   server, then after the load; per element = growth / the element count the server reports (HLEN, SCARD,
 *   ZCARD, XLEN), so a lost element cannot flatter the figure. OBJECT ENCODING shows what was measured.
 * - Reading the two columns: the reference servers' used_memory is what their allocator handed out;
 *   Valkyr's is its own accounting of the bytes its structures hold (core/eviction/evict.ts: slab blocks,
 *   tables, value objects), which leaves out the JavaScript engine's per-object headers and free heap.
 *   RSS growth is measured the same way for everyone and is the figure to compare for what the OS pays
 *   (on Deno it includes V8's heap headroom, larger than Bun's).
 *
 * Writes bench/results/latest-collections.json.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../tests/helpers/server.ts";
import { type BenchServerDef, cli, memoryInfo, pipe, type ServerControl, sleep } from "./_servers.ts";

export type CollectionsServerDef = BenchServerDef;

export interface CollectionsOptions<D extends CollectionsServerDef> extends ServerControl<D> {
  elements: number;
  /** Structures to measure (default all four). */
  kinds?: Kind[];
}

export type Kind = "hash" | "set" | "zset" | "stream";

interface Row {
  server: string;
  kind: Kind;
  elements: number;
  encoding: string;
  usedPerElement: number;
  rssPerElement: number;
  loadSeconds: number;
}

const BATCH = 1000;
const KEY = "bench:coll";

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

const member = (i: number) => `m:${String(i).padStart(12, "0")}`;

/** The RESP stream that builds one structure of `n` elements. */
function loadScript(kind: Kind, n: number): string {
  const parts: string[] = [];
  if (kind === "stream") {
    const head = `*5\r\n$4\r\nXADD\r\n${bulk(KEY)}$1\r\n*\r\n$1\r\nf\r\n`;
    for (let i = 0; i < n; i++) parts.push(head + bulk(String(i).padStart(8, "0")));
    return parts.join("");
  }
  const cmd = kind === "hash" ? "HSET" : kind === "set" ? "SADD" : "ZADD";
  const perElement = kind === "set" ? 1 : 2;
  for (let from = 0; from < n; from += BATCH) {
    const to = Math.min(n, from + BATCH);
    parts.push(`*${2 + (to - from) * perElement}\r\n${bulk(cmd)}${bulk(KEY)}`);
    for (let i = from; i < to; i++) {
      if (kind === "hash") parts.push(bulk(member(i)), bulk(`v:${String(i).padStart(8, "0")}`));
      else if (kind === "set") parts.push(bulk(member(i)));
      else parts.push(bulk(String(i)), bulk(member(i)));
    }
  }
  return parts.join("");
}

const COUNT_CMD: Record<Kind, string> = { hash: "HLEN", set: "SCARD", zset: "ZCARD", stream: "XLEN" };

export async function runCollections<D extends CollectionsServerDef>(
  opts: CollectionsOptions<D>,
): Promise<void> {
  const kinds = opts.kinds ?? ["hash", "set", "zset", "stream"];
  const rows: Row[] = [];
  for (const kind of kinds) {
    const script = loadScript(kind, opts.elements);
    for (const def of opts.servers) {
      const r = await opts.start(def);
      try {
        await sleep(300);
        cli(r.port, "MEMORY", "PURGE");
        const before = memoryInfo(r.port);
        const t0 = performance.now();
        pipe(r.port, script);
        const loadSeconds = (performance.now() - t0) / 1000;
        await sleep(1000);
        cli(r.port, "MEMORY", "PURGE");
        await sleep(500);
        const after = memoryInfo(r.port);
        const elements = Number(cli(r.port, COUNT_CMD[kind], KEY));
        const row: Row = {
          server: def.name,
          kind,
          elements,
          encoding: cli(r.port, "OBJECT", "ENCODING", KEY),
          usedPerElement: (after.used - before.used) / elements,
          rssPerElement: (after.rss - before.rss) / elements,
          loadSeconds,
        };
        rows.push(row);
        console.error(
          `  ${def.name} ${kind}: ${elements} elements (${row.encoding}), ${
            row.usedPerElement.toFixed(1)
          } used B/el, ` +
            `${row.rssPerElement.toFixed(1)} RSS B/el, load ${loadSeconds.toFixed(1)} s`,
        );
      } finally {
        await opts.stop(r);
      }
    }
  }

  const refName = opts.servers.find((s) => s.reference)?.name;
  const table: string[][] = [[
    "server",
    "structure",
    "elements",
    "encoding",
    "used B/el",
    "RSS B/el",
    refName ? `used vs ${refName}` : "ratio",
  ]];
  for (const row of rows) {
    const ref = rows.find((x) => x.server === refName && x.kind === row.kind);
    table.push([
      row.server,
      row.kind,
      String(row.elements),
      row.encoding,
      row.usedPerElement.toFixed(1),
      row.rssPerElement.toFixed(1),
      ref ? (row.usedPerElement / ref.usedPerElement).toFixed(2) : "-",
    ]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));

  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const out = { date: new Date().toISOString(), elements: opts.elements, results: rows };
  writeFileSync(path.join(dir, "latest-collections.json"), JSON.stringify(out, null, 2));
  console.log("results: bench/results/latest-collections.json");
}
