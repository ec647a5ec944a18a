/**
 * Persistence (issue #9): `deno task bench --only persistence [--keys N] [--requests N]`.
 *
 * For every server (Valkyr and the reference servers found), in its own temporary `dir`:
 * - SAVE time and file size for `--keys` keys of 16-byte names and values;
 * - load time at start-up (the server's "DB loaded from disk" line, else the time until it answers);
 * - BGSAVE time on an idle server, and the peak RSS growth while it runs (fork's copy-on-write for the
 *   reference servers, the snapshot's buffers and writer Worker for Valkyr);
 * - GET and SET p99 latency (redis-benchmark, 10 clients) without and while BGSAVE runs back to back;
 * - with the AOF enabled at run time (`appendfsync everysec`): BGREWRITEAOF time on an idle server, and GET
 *   and SET p99 with the AOF on, without and while BGREWRITEAOF runs back to back;
 * - a mixed-type set in a fresh server: hashes, lists, sets (integers and strings), sorted sets and streams
 *   (with a consumer group), each in small keys (listpack / intset encodings) and large ones (hash table,
 *   quicklist, skiplist, many stream nodes), sized from `--keys` (see {@link mixedLoad}): SAVE time, file
 *   size and load time.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { freePort, ROOT, waitReady } from "../tests/helpers/server.ts";
import { cli, info, pipe, sleep } from "./_servers.ts";

export interface PersistenceServerDef {
  name: string;
  cmd: string;
  args: (port: number) => string[];
  env?: Record<string, string>;
}

interface Row {
  server: string;
  keys: number;
  saveMs: number;
  fileBytes: number;
  loadMs: number;
  bgsaveMs: number;
  bgsaveRssGrowthKb: number;
  bgrewriteMs: number;
  p99: Record<string, number>;
  mixed: { keys: number; elements: number; saveMs: number; fileBytes: number; loadMs: number };
}

/** RESP for one command. */
function resp(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`;
  return s;
}

/**
 * The mixed-type set, scaled from `keys` (1M keys give `small` = 20,000 and `large` = 20):
 *   per type `small` keys of 8 elements (hash, list, set of strings and sorted set as listpacks, set of
 *   integers as an intset) and `small / 4` streams of 5 entries; `large` hashes, sets and sorted sets of
 *   1,000 elements, lists of 5,000 and streams of 1,000 entries with a consumer group and 100 pending
 *   entries. Returns the key and element counts.
 */
export function mixedLoad(port: number, keys: number): { keys: number; elements: number } {
  const small = Math.max(100, Math.floor(keys / 50));
  const large = Math.max(2, Math.min(20, Math.floor(keys / 50_000)));
  let nkeys = 0;
  let elements = 0;
  let parts: string[] = [];
  const flush = (force = false) => {
    if (parts.length === 0 || (!force && parts.length < 20_000)) return;
    pipe(port, parts.join(""), true);
    parts = [];
  };
  const val = (i: number) => `value-${String(i).padStart(10, "0")}`;
  for (let k = 0; k < small; k++) {
    const id = String(k).padStart(8, "0");
    const h = ["HSET", `h:s:${id}`];
    const l = ["RPUSH", `l:s:${id}`];
    const si = ["SADD", `si:s:${id}`];
    const ss = ["SADD", `ss:s:${id}`];
    const z = ["ZADD", `z:s:${id}`];
    for (let e = 0; e < 8; e++) {
      h.push(`field-${e}`, val(k + e));
      l.push(val(k + e));
      si.push(String(k * 8 + e));
      ss.push(val(k * 8 + e));
      z.push(String((k + e) / 7), val(e));
    }
    parts.push(resp(h), resp(l), resp(si), resp(ss), resp(z));
    nkeys += 5;
    elements += 40;
    if (k % 4 === 0) {
      for (let e = 0; e < 5; e++) parts.push(resp(["XADD", `x:s:${id}`, "*", "f", val(e), "g", String(e)]));
      nkeys++;
      elements += 5;
    }
    flush();
  }
  for (let k = 0; k < large; k++) {
    const id = String(k).padStart(4, "0");
    for (let b = 0; b < 1000; b += 100) {
      const h = ["HSET", `h:l:${id}`];
      const s = ["SADD", `s:l:${id}`];
      const z = ["ZADD", `z:l:${id}`];
      for (let e = b; e < b + 100; e++) {
        h.push(`field-${e}`, val(e));
        s.push(val(e));
        z.push(String(e * 1.5), val(e));
      }
      parts.push(resp(h), resp(s), resp(z));
    }
    for (let b = 0; b < 5000; b += 500) {
      const l = ["RPUSH", `l:l:${id}`];
      for (let e = b; e < b + 500; e++) l.push(val(e));
      parts.push(resp(l));
    }
    for (let e = 0; e < 1000; e++) parts.push(resp(["XADD", `x:l:${id}`, "*", "f", val(e), "n", String(e)]));
    parts.push(resp(["XGROUP", "CREATE", `x:l:${id}`, "g1", "0"]));
    parts.push(resp(["XREADGROUP", "GROUP", "g1", "c1", "COUNT", "100", "STREAMS", `x:l:${id}`, ">"]));
    nkeys += 5;
    elements += 1000 * 3 + 5000 + 1000;
    flush();
  }
  flush(true);
  return { keys: nkeys, elements };
}

/**
 * SAVE on `s` (whose data directory is `dir`), then a restart in `dir`: the SAVE time, the file's size, the
 * load time (the server's "DB loaded from disk" line, else its start-up time) and the restarted server.
 */
async function saveAndReload(
  def: PersistenceServerDef,
  dir: string,
  s: Started,
): Promise<{ saveMs: number; fileBytes: number; loadMs: number; s: Started }> {
  const t = performance.now();
  cli(s.port, "SAVE");
  const saveMs = performance.now() - t;
  const fileBytes = fs.statSync(path.join(dir, "dump.rdb")).size;
  await s.stop();
  const r = await startIn(def, dir);
  const m = /DB loaded from disk: ([\d.]+) seconds/.exec(r.log());
  return { saveMs, fileBytes, loadMs: m !== null ? Number(m[1]) * 1000 : r.readyMs, s: r };
}

/** SAVE time, file size and load time of the mixed-type set in a fresh server and `dir`. */
async function mixedRun(def: PersistenceServerDef, keys: number): Promise<Row["mixed"]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-bench-mixed-"));
  try {
    const first = await startIn(def, dir);
    const loaded = mixedLoad(first.port, keys);
    const dbsize = Number(cli(first.port, "DBSIZE"));
    if (dbsize !== loaded.keys) {
      throw new Error(`${def.name}: mixed set has ${dbsize} keys, not ${loaded.keys}`);
    }
    const { saveMs, fileBytes, loadMs, s } = await saveAndReload(def, dir, first);
    const after = Number(cli(s.port, "DBSIZE"));
    await s.stop();
    if (after !== loaded.keys) {
      throw new Error(`${def.name}: ${after} keys after loading, not ${loaded.keys}`);
    }
    return { ...loaded, saveMs: Math.round(saveMs), fileBytes, loadMs: Math.round(loadMs) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until no BGSAVE or AOF rewrite runs or is scheduled. */
async function idle(port: number): Promise<void> {
  while (
    field(port, "rdb_bgsave_in_progress") === "1" || field(port, "aof_rewrite_in_progress") === "1" ||
    field(port, "aof_rewrite_scheduled") === "1"
  ) await sleep(20);
}

/** p99 while `cmd` (BGSAVE or BGREWRITEAOF) is started again every 50 ms. */
async function p99During(
  port: number,
  cmd: string,
  requests: number,
  keys: number,
): Promise<Record<string, number>> {
  let running = true;
  const loop = (async () => {
    while (running) {
      cli(port, cmd);
      await sleep(50);
    }
  })();
  const during = await p99(port, requests, keys);
  running = false;
  await loop;
  await idle(port);
  return during;
}

function field(port: number, name: string): string {
  return (info(port, "persistence").get(name) ?? "").trim();
}

function loadKeys(port: number, n: number): void {
  const value = "v".repeat(16);
  const batch = 100_000;
  for (let start = 0; start < n; start += batch) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      parts.push(`*3\r\n$3\r\nSET\r\n$16\r\nkey:${String(i).padStart(12, "0")}\r\n$16\r\n${value}\r\n`);
    }
    pipe(port, parts.join(""));
  }
}

function rssKb(pid: number): number {
  const r = spawnSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" });
  return Number(r.stdout.trim()) || 0;
}

/** redis-benchmark GET and SET p99 (ms), 10 clients over the loaded key space. */
function p99(port: number, requests: number, keys: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-benchmark", [
      "-p",
      String(port),
      "-c",
      "10",
      "-n",
      String(requests),
      "-r",
      String(keys),
      "-d",
      "16",
      "-t",
      "set,get",
      "--csv",
    ]);
    let out = "";
    child.stdout.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    child.once("error", reject);
    child.once("exit", () => {
      const res: Record<string, number> = {};
      for (const line of out.split(/\r?\n/)) {
        const cols = line.split(",").map((c) => c.replace(/"/g, ""));
        if (cols[0] === "SET" || cols[0] === "GET") res[cols[0].toLowerCase()] = Number(cols[6]);
      }
      resolve(res);
    });
  });
}

/** A server started by {@link startIn}. */
type Started = Awaited<ReturnType<typeof startIn>>;

async function startIn(def: PersistenceServerDef, dir: string) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(def.cmd, [...def.args(port), "--dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: ROOT,
    env: { ...process.env, ...def.env },
  });
  let log = "";
  child.stdout?.on("data", (d: Uint8Array) => (log += new TextDecoder().decode(d)));
  child.stderr?.on("data", (d: Uint8Array) => (log += new TextDecoder().decode(d)));
  await waitReady("127.0.0.1", port, 120_000);
  const readyMs = performance.now() - t0;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const done = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await done;
  };
  return { port, child, readyMs, log: () => log, stop };
}

export async function runPersistence(
  opts: { servers: PersistenceServerDef[]; keys: number; requests: number },
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const def of opts.servers) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-bench-rdb-"));
    try {
      const first = await startIn(def, dir);
      loadKeys(first.port, opts.keys);
      const saved = await saveAndReload(def, dir, first);
      const { saveMs, fileBytes, loadMs } = saved;
      const s = saved.s;
      // BGSAVE on an idle server: duration and RSS growth.
      const rss0 = rssKb(s.child.pid!);
      let peak = rss0;
      let t = performance.now();
      cli(s.port, "BGSAVE");
      await sleep(5);
      while (field(s.port, "rdb_bgsave_in_progress") === "1") {
        peak = Math.max(peak, rssKb(s.child.pid!));
        await sleep(10);
      }
      const bgsaveMs = performance.now() - t;
      // Latency without, then with BGSAVE running back to back.
      const base = await p99(s.port, opts.requests, opts.keys);
      const during = await p99During(s.port, "BGSAVE", opts.requests, opts.keys);
      // The AOF, enabled at run time (its first rewrite runs now); then an idle BGREWRITEAOF, latency with
      // the AOF on, and with BGREWRITEAOF running back to back.
      cli(s.port, "CONFIG", "SET", "appendfsync", "everysec");
      cli(s.port, "CONFIG", "SET", "appendonly", "yes");
      await sleep(50);
      await idle(s.port);
      t = performance.now();
      cli(s.port, "BGREWRITEAOF");
      await sleep(5);
      await idle(s.port);
      const bgrewriteMs = performance.now() - t;
      const aofBase = await p99(s.port, opts.requests, opts.keys);
      const aofDuring = await p99During(s.port, "BGREWRITEAOF", opts.requests, opts.keys);
      await s.stop();
      const mixed = await mixedRun(def, opts.keys);
      rows.push({
        server: def.name,
        keys: opts.keys,
        saveMs: Math.round(saveMs),
        fileBytes,
        loadMs: Math.round(loadMs),
        bgsaveMs: Math.round(bgsaveMs),
        bgsaveRssGrowthKb: peak - rss0,
        bgrewriteMs: Math.round(bgrewriteMs),
        p99: {
          get: base.get ?? NaN,
          set: base.set ?? NaN,
          getBgsave: during.get ?? NaN,
          setBgsave: during.set ?? NaN,
          getAof: aofBase.get ?? NaN,
          setAof: aofBase.set ?? NaN,
          getBgrewrite: aofDuring.get ?? NaN,
          setBgrewrite: aofDuring.set ?? NaN,
        },
        mixed,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(
    "\nPersistence: %d keys (16-byte names and values); p99 in ms (redis-benchmark, 10 clients)",
    opts.keys,
  );
  console.log(
    "server".padEnd(16) + "SAVE ms".padStart(9) + "file MB".padStart(9) + "load ms".padStart(9) +
      "BGSAVE ms".padStart(11) + "RSS+ MB".padStart(9) + "  p99 GET/SET   during BGSAVE",
  );
  for (const r of rows) {
    console.log(
      r.server.padEnd(16) + String(r.saveMs).padStart(9) + (r.fileBytes / 1e6).toFixed(1).padStart(9) +
        String(r.loadMs).padStart(9) + String(r.bgsaveMs).padStart(11) +
        (r.bgsaveRssGrowthKb / 1024).toFixed(1).padStart(9) +
        `  ${r.p99.get}/${r.p99.set}`.padEnd(16) + `${r.p99.getBgsave}/${r.p99.setBgsave}`,
    );
  }
  console.log("\nThe same keys with the AOF on (appendfsync everysec); p99 GET/SET in ms");
  console.log(
    "server".padEnd(16) + "BGREWRITEAOF ms".padStart(16) + "  p99 AOF on".padEnd(16) + "during BGREWRITEAOF",
  );
  for (const r of rows) {
    console.log(
      r.server.padEnd(16) + String(r.bgrewriteMs).padStart(16) +
        `  ${r.p99.getAof}/${r.p99.setAof}`.padEnd(16) + `${r.p99.getBgrewrite}/${r.p99.setBgrewrite}`,
    );
  }
  const mx = rows[0]?.mixed;
  if (mx !== undefined) {
    console.log(
      "\nMixed-type set: %d keys, %d elements (hashes, lists, sets, sorted sets, streams; small and large)",
      mx.keys,
      mx.elements,
    );
    console.log("server".padEnd(16) + "SAVE ms".padStart(9) + "file MB".padStart(9) + "load ms".padStart(9));
    for (const r of rows) {
      console.log(
        r.server.padEnd(16) + String(r.mixed.saveMs).padStart(9) +
          (r.mixed.fileBytes / 1e6).toFixed(1).padStart(9) + String(r.mixed.loadMs).padStart(9),
      );
    }
  }
  fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, "bench/results/latest-persistence.json"),
    JSON.stringify(rows, null, 2) + "\n",
  );
  return rows;
}
