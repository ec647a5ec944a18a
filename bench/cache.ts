/**
 * The seed's cache scenario (`deno task bench --only cache`): a memory-bound cache, Valkyr side by side with
 * the reference servers at the same `maxmemory`.
 *
 * - Data set: `--keys` keys (default 1,000,000) of 16 bytes (`key:000000000123`) with 16-byte values and a
 *   one-hour TTL (`SET k v EX 3600`).
 * - Limit: the first reference server (redis-server) is loaded with the whole data set without a limit;
 *   maxmemory = its empty used_memory + half of what the data set added. Every server gets that same
 *   maxmemory, under `allkeys-lru` and then `allkeys-lfu`.
 * - Load: every key is written once through the limit (eviction runs during the load). Then: keys held,
 *   and bytes per key at the limit = (used_memory - used_memory of the empty server) / keys held (and
 *   the same with used_memory_rss: what the OS sees).
 * - Reads: `--seconds` (default 10) of Zipfian GETs (s = 0.99 over the key ids, hot ids scattered) from
 *   4 connections with 32 commands per pipeline; a miss is filled back with SET ... EX 3600, as a
 *   cache-aside client does. Reported: hit rate (hits / GETs) and operations per second (GETs + SETs).
 *
 * The load generator is a minimal RESP client in this process (pipelined, counting `$-1` replies as
 * misses); it runs on the same 2 cores as the server, so absolute rates are lower than redis-benchmark's.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { ROOT } from "../tests/helpers/server.ts";
import { type BenchServerDef, cli, type ServerControl } from "./_servers.ts";

export type CacheServerDef = BenchServerDef;

export interface CacheOptions<D extends CacheServerDef> extends ServerControl<D> {
  keys: number;
  seconds: number;
}

interface Row {
  server: string;
  policy: string;
  maxmemory: number;
  keysHeld: number;
  bytesPerKey: number;
  /** RSS growth over the empty server per key held. */
  rssPerKey: number;
  hitRate: number;
  opsPerSec: number;
}

const CONNECTIONS = 4;
const PIPELINE = 32;
const VALUE = "v".repeat(16);
const TTL = "3600";

function infoNum(port: number, field: string): number {
  const m = cli(port, "INFO", "all").match(new RegExp(`^${field}:(\\d+)`, "m"));
  return m === null ? NaN : Number(m[1]);
}

function keyName(i: number): string {
  return `key:${String(i).padStart(12, "0")}`;
}

const setReq = (k: string) =>
  `*5\r\n$3\r\nSET\r\n$16\r\n${k}\r\n$16\r\n${VALUE}\r\n$2\r\nEX\r\n$4\r\n${TTL}\r\n`;
const getReq = (k: string) => `*2\r\n$3\r\nGET\r\n$16\r\n${k}\r\n`;

/** A pipelining RESP connection that only needs to tell nil bulk replies from the others. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { n: number; i: number; nil: Uint8Array; resolve: (nil: Uint8Array) => void } | null =
    null;

  private constructor(private readonly sock: net.Socket) {
    sock.on("data", (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.parse();
    });
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(new Conn(s)));
      s.setNoDelay(true);
      s.once("error", reject);
    });
  }

  /** Sends `reqs` at once; resolves with a mask: 1 where the reply was a nil bulk string. */
  send(reqs: string[]): Promise<Uint8Array> {
    return new Promise((resolve) => {
      this.waiting = { n: reqs.length, i: 0, nil: new Uint8Array(reqs.length), resolve };
      this.sock.write(reqs.join(""));
    });
  }

  private parse(): void {
    const w = this.waiting;
    if (w === null) return;
    let at = 0;
    const b = this.buf;
    while (w.n > 0) {
      const eol = b.indexOf("\r\n", at);
      if (eol < 0) break;
      const t = b[at]!;
      if (t === 0x24) { // '$'
        const len = Number(b.toString("latin1", at + 1, eol));
        if (len < 0) {
          w.nil[w.i] = 1;
          at = eol + 2;
        } else {
          if (b.length < eol + 2 + len + 2) break;
          at = eol + 2 + len + 2;
        }
      } else if (t === 0x2d) { // '-'
        throw new Error(`server error: ${b.toString("latin1", at, eol)}`);
      } else {
        at = eol + 2;
      }
      w.n--;
      w.i++;
    }
    this.buf = b.subarray(at);
    if (w.n === 0) {
      this.waiting = null;
      w.resolve(w.nil);
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Zipf(s) over ranks 0..n-1 by inverse CDF; ranks map to scattered key ids. */
class Zipf {
  private readonly cdf: Float64Array;
  constructor(private readonly n: number, s: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) this.cdf[i] = sum += 1 / Math.pow(i + 1, s);
    for (let i = 0; i < n; i++) this.cdf[i]! /= sum;
  }
  next(): number {
    const u = Math.random();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    // A fixed scatter (multiplication by a prime modulo n) so hot keys are not the first written.
    return Number((BigInt(lo) * 2654435761n) % BigInt(this.n));
  }
}

/** Writes keys 0..n-1 with SET EX through `CONNECTIONS` pipelined connections. */
async function load(port: number, n: number): Promise<void> {
  const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => Conn.open(port)));
  let next = 0;
  await Promise.all(conns.map(async (c) => {
    while (next < n) {
      const reqs: string[] = [];
      for (let i = 0; i < 256 && next < n; i++) reqs.push(setReq(keyName(next++)));
      await c.send(reqs);
    }
  }));
  for (const c of conns) c.close();
}

/** Zipfian cache-aside reads for `seconds`; returns [gets, hits, ops]. */
async function reads(port: number, zipf: Zipf, seconds: number): Promise<[number, number, number]> {
  const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => Conn.open(port)));
  const end = performance.now() + seconds * 1000;
  let gets = 0;
  let misses = 0;
  let ops = 0;
  await Promise.all(conns.map(async (c) => {
    while (performance.now() < end) {
      const ids: number[] = [];
      for (let i = 0; i < PIPELINE; i++) ids.push(zipf.next());
      const keys = ids.map(keyName);
      // GET each key, then fill the ones that missed (cache-aside).
      const nil = await c.send(keys.map(getReq));
      gets += keys.length;
      ops += keys.length;
      const fill: string[] = [];
      for (let i = 0; i < keys.length; i++) if (nil[i] === 1) fill.push(setReq(keys[i]!));
      if (fill.length > 0) {
        misses += fill.length;
        await c.send(fill);
        ops += fill.length;
      }
    }
  }));
  for (const c of conns) c.close();
  return [gets, gets - misses, ops];
}

export async function runCache<D extends CacheServerDef>(opts: CacheOptions<D>): Promise<void> {
  const { servers, start, stop, keys, seconds } = opts;
  const ref = servers.find((s) => s.reference) ?? servers[0]!;
  // The limit: half of what the whole data set adds to the reference server.
  const r0 = await start(ref);
  let maxmemory: number;
  try {
    cli(r0.port, "FLUSHALL");
    const empty = infoNum(r0.port, "used_memory");
    await load(r0.port, keys);
    const full = infoNum(r0.port, "used_memory");
    maxmemory = empty + Math.floor((full - empty) / 2);
    console.error(
      `# ${ref.name}: ${keys} keys add ${full - empty} bytes (${
        ((full - empty) / keys).toFixed(1)
      } B/key); ` +
        `maxmemory ${maxmemory}`,
    );
  } finally {
    await stop(r0);
  }
  const zipf = new Zipf(keys, 0.99);
  const rows: Row[] = [];
  for (const def of servers) {
    for (const policy of ["allkeys-lru", "allkeys-lfu"]) {
      const r = await start(def);
      try {
        // A dump file in the working directory may have been loaded: start from an empty keyspace.
        cli(r.port, "FLUSHALL");
        const empty = infoNum(r.port, "used_memory");
        const emptyRss = infoNum(r.port, "used_memory_rss");
        cli(r.port, "CONFIG", "SET", "maxmemory-policy", policy);
        cli(r.port, "CONFIG", "SET", "maxmemory", String(maxmemory));
        await load(r.port, keys);
        const held = Number(cli(r.port, "DBSIZE"));
        const used = infoNum(r.port, "used_memory");
        const rss = infoNum(r.port, "used_memory_rss");
        cli(r.port, "CONFIG", "RESETSTAT");
        const [gets, hits, ops] = await reads(r.port, zipf, seconds);
        const row: Row = {
          server: def.name,
          policy,
          maxmemory,
          keysHeld: held,
          bytesPerKey: (used - empty) / held,
          rssPerKey: (rss - emptyRss) / held,
          hitRate: hits / gets,
          opsPerSec: ops / seconds,
        };
        rows.push(row);
        console.error(
          `  ${def.name} ${policy}: ${held} keys held, ${row.bytesPerKey.toFixed(1)} B/key ` +
            `(RSS ${row.rssPerKey.toFixed(1)} B/key), hit rate ` +
            `${(row.hitRate * 100).toFixed(1)}%, ${row.opsPerSec.toFixed(0)} ops/s`,
        );
      } finally {
        await stop(r);
      }
    }
  }
  const head = [
    "server",
    "policy",
    "keys held",
    "B/key",
    "RSS B/key",
    "hit rate",
    "ops/s",
    "hit rate vs ref",
  ];
  const table = [head];
  for (const row of rows) {
    const rr = rows.find((x) => x.server === ref.name && x.policy === row.policy);
    table.push([
      row.server,
      row.policy,
      String(row.keysHeld),
      row.bytesPerKey.toFixed(1),
      row.rssPerKey.toFixed(1),
      `${(row.hitRate * 100).toFixed(1)}%`,
      row.opsPerSec.toFixed(0),
      rr ? (row.hitRate / rr.hitRate).toFixed(2) : "-",
    ]);
  }
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const out = {
    date: new Date().toISOString(),
    keys,
    seconds,
    connections: CONNECTIONS,
    pipeline: PIPELINE,
    rows,
  };
  writeFileSync(path.join(dir, "latest-cache.json"), JSON.stringify(out, null, 2));
  console.log("\nresults: bench/results/latest-cache.json");
}
