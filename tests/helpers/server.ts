/**
 * Starts the server a test file talks to, over TCP, as a separate process.
 *
 * `VALKYR_TEST_TARGET` picks what runs:
 * - `deno` (default): `deno run -A cli/main.ts`
 * - `bun`: `bun cli/main.ts`
 * - `binary`: the compiled `dist/valkyr`
 * - `redis`: Debian's `redis-server` (7.0) — to prove expectations against real behaviour
 * - `valkey`: a Valkey build, from `VALKEY_SERVER` (path) or `valkey-server` on PATH
 * - `external`: nothing is started; `VALKYR_TEST_HOST` / `VALKYR_TEST_PORT` name a running server, and
 *   tests that need their own configuration are skipped.
 *
 * Tests tagged Valkey-8.1-only use {@link valkeyOnly} so they are skipped against redis-server 7.0.
 *
 * @module
 */

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type Target = "deno" | "bun" | "binary" | "redis" | "valkey" | "external";

export function target(): Target {
  const t = (process.env.VALKYR_TEST_TARGET ?? "deno") as Target;
  if (!["deno", "bun", "binary", "redis", "valkey", "external"].includes(t)) {
    throw new Error(`unknown VALKYR_TEST_TARGET '${t}'`);
  }
  return t;
}

/** True when the server under test is Valkyr (any host) or a Valkey build, not Redis 7.0. */
export function isValkeyLike(): boolean {
  return target() !== "redis";
}

/** True when the server under test is Valkyr itself (features only Valkyr has, e.g. its log lines). */
export function isValkyr(): boolean {
  const t = target();
  return t === "deno" || t === "bun" || t === "binary" ||
    (t === "external" && process.env.VALKYR_TEST_EXTERNAL_IS_VALKYR === "1");
}

/** Options for a Deno.test that must be skipped when the target is Redis 7.0 (Valkey 8.1-only behaviour). */
export function valkeyOnly(): { ignore: boolean } {
  return { ignore: !isValkeyLike() };
}

export interface TestServer {
  host: string;
  port: number;
  /** False for an external server: its configuration is not ours to choose. */
  ownProcess: boolean;
  /** Everything the process printed (stdout + stderr), for log-line checks. */
  output(): string;
  stop(): Promise<void>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

function binPath(name: string): string {
  return path.join(ROOT, "node_modules", ".bin", name);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The executable and arguments that run the target server with `args` (not for `external`). */
export function serverCommand(args: string[], t: Target = target()): [string, string[]] {
  return command(t, args);
}

function command(t: Target, args: string[]): [string, string[]] {
  switch (t) {
    case "deno":
      return [
        (globalThis as { Deno?: { execPath(): string } }).Deno?.execPath() ?? binPath("deno"),
        ["run", "-A", "--v8-flags=--expose-gc", path.join(ROOT, "cli/main.ts"), ...args],
      ];
    case "bun":
      return [binPath("bun"), [path.join(ROOT, "cli/main.ts"), ...args]];
    case "binary":
      return [path.join(ROOT, "dist/valkyr"), args];
    case "redis":
      return [process.env.REDIS_SERVER ?? "redis-server", args];
    case "valkey":
      return [process.env.VALKEY_SERVER ?? "valkey-server", args];
    default:
      throw new Error("no command for an external target");
  }
}

/** Waits until the server answers PING (or an auth error, which also means it is up). */
export async function waitReady(host: string, port: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port }, () => s.write("PING\r\n"));
      s.once("data", (d) => {
        s.destroy();
        const t = d.toString();
        resolve(t.startsWith("+PONG") || t.startsWith("-NOAUTH"));
      });
      s.once("error", () => resolve(false));
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${host}:${port} did not become ready in ${timeoutMs} ms`);
}

const running = new Set<ChildProcess>();
globalThis.addEventListener?.("unload", () => {
  for (const c of running) c.kill("SIGKILL");
});

/**
 * Starts a server with extra config arguments (`["--requirepass", "pw"]`). Against an external target
 * with extra arguments, returns null: the caller skips.
 */
export async function startServer(extra: string[] = []): Promise<TestServer> {
  const t = target();
  if (t === "external") {
    const host = process.env.VALKYR_TEST_HOST ?? "127.0.0.1";
    const port = Number(process.env.VALKYR_TEST_PORT ?? "6379");
    if (extra.length > 0) throw new Error("an external server cannot be given a configuration");
    return {
      host,
      port,
      ownProcess: false,
      output: () => "",
      stop: () => Promise.resolve(),
      exited: new Promise(() => {}),
    };
  }
  // A test file running in parallel may bind the free port first: the server then fails to listen, and
  // another port is tried.
  for (let attempt = 1;; attempt++) {
    try {
      return await launch(t, extra);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof PortTaken)) throw e;
    }
  }
}

/** Resolves once `output()` matches `re`, or after `timeoutMs` anyway (a server may log less). */
async function waitOutput(output: () => string, re: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** The server could not listen on the port it was given (another process took it first). */
class PortTaken extends Error {}

async function launch(t: Target, extra: string[]): Promise<TestServer> {
  const port = await freePort();
  const base = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  // Each server gets its own `dir`, so SAVE, DEBUG RELOAD or SHUTDOWN SAVE in one test file never writes a
  // dump.rdb that the next server started from the same working directory would load.
  const ownDir = extra.includes("--dir") ? null : fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-test-"));
  if (ownDir !== null) base.push("--dir", ownDir);
  base.push("--enable-debug-command", "yes");
  // CI runs the suite a second time with the TCP clients on I/O Workers (Valkyr's io-threads).
  const io = process.env.VALKYR_TEST_IO_THREADS;
  if (io !== undefined && io !== "" && isValkyr() && !extra.includes("--io-threads")) {
    base.push("--io-threads", io);
  }
  const [cmd, args] = command(t, [...base, ...extra]);
  // As `deno task start` does for Deno: glibc returns freed network buffers to the OS.
  const env = t === "deno"
    ? { ...process.env, MALLOC_MMAP_THRESHOLD_: "16384", MALLOC_TRIM_THRESHOLD_: "16384" }
    : process.env;
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: ROOT, env });
  running.add(child);
  let out = "";
  child.stdout?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  // "close", not "exit": "exit" can come before the last output was read, and tests check the log after it.
  // (A forked child of redis-server could keep the pipes open after the server is gone: 2 s after "exit",
  // that is enough.)
  const exited = new Promise<number | null>((resolve) => {
    let late: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const done = (code: number | null) => {
      clearTimeout(late);
      if (finished) return;
      finished = true;
      running.delete(child);
      if (ownDir !== null) fs.rmSync(ownDir, { recursive: true, force: true });
      resolve(code);
    };
    child.once("close", done);
    child.once("exit", (code: number | null) => {
      if (!finished) late = setTimeout(() => done(code), 2000);
    });
  });
  const failed = exited.then((code) => {
    throw new Error(`server exited with ${code} before it was ready:\n${out}`);
  });
  try {
    await Promise.race([waitReady("127.0.0.1", port), failed]);
    // The port answered, but maybe for a server that another test file started on the same port while
    // this one is failing to listen: wait for this server's own ready line too (or for its exit).
    if (!extra.includes("--loglevel") && !extra.includes("--logfile")) {
      await Promise.race([waitOutput(() => out, /Ready to accept connections/, 5000), failed]);
    }
  } catch (e) {
    child.kill("SIGKILL");
    // Valkyr, Valkey and Redis all log this line when the port is taken.
    if (/Failed listening on port \d+ \(tcp\)/i.test(out)) throw new PortTaken(String(e));
    throw e;
  }
  return {
    host: "127.0.0.1",
    port,
    ownProcess: true,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
