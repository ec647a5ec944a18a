/**
 * Persistence (issue #9): `deno task bench --only persistence [--keys N] [--requests N]`.
 *
 * For every server (Valkyr and the reference servers found), in its own temporary `dir`:
 * - SAVE time and file size for `--keys` keys of 16-byte names and values;
 * - load time at start-up (the server's "DB loaded from disk" line, else the time until it answers);
 * - BGSAVE time on an idle server, and the peak RSS growth while it runs (fork's copy-on-write for the
 *   reference servers, the snapshot's buffers and writer Worker for Valkyr);
 * - GET and SET p99 latency (redis-benchmark, 10 clients) without and while BGSAVE runs back to back.
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
  p99: Record<string, number>;
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
      let s = await startIn(def, dir);
      loadKeys(s.port, opts.keys);
      let t = performance.now();
      cli(s.port, "SAVE");
      const saveMs = performance.now() - t;
      const fileBytes = fs.statSync(path.join(dir, "dump.rdb")).size;
      await s.stop();
      s = await startIn(def, dir);
      const m = /DB loaded from disk: ([\d.]+) seconds/.exec(s.log());
      const loadMs = m !== null ? Number(m[1]) * 1000 : s.readyMs;
      // BGSAVE on an idle server: duration and RSS growth.
      const rss0 = rssKb(s.child.pid!);
      let peak = rss0;
      t = performance.now();
      cli(s.port, "BGSAVE");
      await sleep(5);
      while (field(s.port, "rdb_bgsave_in_progress") === "1") {
        peak = Math.max(peak, rssKb(s.child.pid!));
        await sleep(10);
      }
      const bgsaveMs = performance.now() - t;
      // Latency without, then with BGSAVE running back to back.
      const base = await p99(s.port, opts.requests, opts.keys);
      let running = true;
      const loop = (async () => {
        while (running) {
          cli(s.port, "BGSAVE");
          await sleep(50);
        }
      })();
      const during = await p99(s.port, opts.requests, opts.keys);
      running = false;
      await loop;
      while (field(s.port, "rdb_bgsave_in_progress") === "1") await sleep(20);
      await s.stop();
      rows.push({
        server: def.name,
        keys: opts.keys,
        saveMs: Math.round(saveMs),
        fileBytes,
        loadMs: Math.round(loadMs),
        bgsaveMs: Math.round(bgsaveMs),
        bgsaveRssGrowthKb: peak - rss0,
        p99: {
          get: base.get ?? NaN,
          set: base.set ?? NaN,
          getBgsave: during.get ?? NaN,
          setBgsave: during.set ?? NaN,
        },
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
  fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, "bench/results/latest-persistence.json"),
    JSON.stringify(rows, null, 2) + "\n",
  );
  return rows;
}
