/**
 * A hand-rolled replica for tests of the primary side of replication: it speaks the replica's half of the
 * protocol over node:net, byte by byte, so a test sees exactly what the primary sends.
 *
 * - Before the sync: {@link FakeReplica.call} sends a command and reads one simple reply line (`+OK`,
 *   `-ERR ...`, `:1`); the primary's keep-alive newlines (a bare `\n`, sent while a replica waits for its
 *   RDB) are skipped. {@link FakeReplica.handshake} does `PING`, `REPLCONF listening-port`, `REPLCONF capa`.
 * - The payload: {@link FakeReplica.readPayload} reads either form: `$EOF:<40 bytes>\r\n` + RDB + the same
 *   40 bytes (diskless, the replica sent `capa eof`) or `$<len>\r\n` + RDB (from disk).
 * - After it: {@link FakeReplica.readCommand} parses the RESP command stream into argv arrays and counts the
 *   bytes, so `offset` is the replication offset the replica has processed (the FULLRESYNC/CONTINUE offset
 *   plus the stream bytes), what `REPLCONF ACK` reports.
 *
 * Also here: {@link startValkeyServer} and {@link startRealReplica}, a real valkey-server (`VALKEY_SERVER`)
 * started on its own or as a replica, stopped by its PID; {@link startTargetServer}, a server of the target
 * kind (`VALKYR_TEST_TARGET`) on a port and in a dir that a restart can reuse, signalled by its PID; and
 * what the replication test files read from a server, through a RawConn or an iovalkey client alike:
 * {@link infoMap}, {@link infoField}, {@link syncStats}, {@link slaveLine}, {@link listedOnline}, and
 * {@link waitFor} to poll.
 *
 * @module
 */

import type * as net from "node:net";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { Buffer } from "node:buffer";
import process from "node:process";
import assert from "node:assert/strict";
import { BufferedSocket, encodeRequest } from "./raw.ts";
import type { Arg } from "./raw.ts";
import { freePort, ROOT, serverCommand, waitReady } from "./server.ts";
import { sleep } from "./timing.ts";

/** The RDB payload of a full sync, in the form the primary sent it. */
export interface RdbPayload {
  /** `eof`: `$EOF:<mark>\r\n` + RDB + mark (diskless); `bulk`: `$<len>\r\n` + RDB. */
  form: "eof" | "bulk";
  /** The RDB file itself (without the header or the trailing mark). */
  rdb: Buffer;
  /** The 40-byte EOF mark of the `eof` form. */
  mark?: string;
}

/** One command of the replication stream. */
export interface StreamCommand {
  argv: string[];
  /** The bytes it took in the stream. */
  bytes: number;
}

export class FakeReplica extends BufferedSocket {
  /** The replication offset processed so far: the sync's offset plus the stream bytes read. */
  offset = 0;
  /** Stream bytes read since the payload (or since CONTINUE). */
  streamBytes = 0;

  private constructor(socket: net.Socket) {
    super(socket);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<FakeReplica> {
    return BufferedSocket.open(port, host, (s) => new FakeReplica(s));
  }

  /** The local TCP port (what CLIENT LIST's addr shows). */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** Writes a multibulk command. */
  send(...args: Arg[]): void {
    this.socket.write(encodeRequest(args));
  }

  /** Writes raw bytes. */
  sendRaw(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Skips the primary's keep-alive newlines (bare `\n`) at the head of the buffer. */
  async #skipNewlines(timeoutMs: number): Promise<void> {
    for (;;) {
      await this.need(1, timeoutMs);
      let i = 0;
      while (i < this.buf.length && this.buf[i] === 0x0a) i++;
      this.take(i);
      if (this.buf.length > 0) return;
    }
  }

  /** One `\r\n`-terminated line, after any keep-alive newlines. */
  async line(timeoutMs = 10000): Promise<string> {
    await this.#skipNewlines(timeoutMs);
    return await this.takeLine(timeoutMs);
  }

  /** Sends a command and reads one reply line (for the handshake: `+OK`, `-ERR ...`). */
  async call(...args: Arg[]): Promise<string> {
    this.send(...args);
    return await this.line();
  }

  /** `PING`, `REPLCONF listening-port <port>`, `REPLCONF capa ...`, each answered as Valkey does. */
  async handshake(listeningPort: number, capa: string[] = ["eof", "psync2"]): Promise<void> {
    const pong = await this.call("PING");
    if (pong !== "+PONG") throw new Error(`PING: ${pong}`);
    const lp = await this.call("REPLCONF", "listening-port", listeningPort);
    if (lp !== "+OK") throw new Error(`REPLCONF listening-port: ${lp}`);
    if (capa.length > 0) {
      const c = await this.call("REPLCONF", ...capa.flatMap((x) => ["capa", x]));
      if (c !== "+OK") throw new Error(`REPLCONF capa: ${c}`);
    }
  }

  /**
   * Sends `PSYNC <replid> <offset>` and reads the answer line. On `+FULLRESYNC` it sets {@link offset} to the
   * announced offset; on `+CONTINUE` to the requested offset minus 1 (the bytes the replica already has).
   */
  async psync(replid = "?", offset: number | string = -1): Promise<string> {
    const l = await this.call("PSYNC", replid, offset);
    const full = /^\+FULLRESYNC [0-9a-f]{40} (\d+)$/.exec(l);
    if (full) this.offset = Number(full[1]);
    else if (l.startsWith("+CONTINUE")) this.offset = Number(offset) - 1;
    this.streamBytes = 0;
    return l;
  }

  /** Reads the RDB payload, in whichever form it comes. */
  async readPayload(timeoutMs = 20000): Promise<RdbPayload> {
    const header = await this.line(timeoutMs);
    if (header.startsWith("$EOF:")) {
      const mark = header.slice(5);
      if (mark.length !== 40) throw new Error(`EOF mark of ${mark.length} bytes: ${header}`);
      const markBytes = Buffer.from(mark, "latin1");
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = this.buf.indexOf(markBytes);
        if (i >= 0) {
          const rdb = Buffer.from(this.take(i));
          this.take(40);
          return { form: "eof", rdb, mark };
        }
        await this.need(this.buf.length + 1, Math.max(1, deadline - Date.now()));
      }
    }
    const m = /^\$(\d+)$/.exec(header);
    if (!m) throw new Error(`not an RDB payload header: ${JSON.stringify(header)}`);
    const len = Number(m[1]);
    await this.need(len, timeoutMs);
    return { form: "bulk", rdb: Buffer.from(this.take(len)) };
  }

  /** Reads one command of the replication stream (a RESP array of bulk strings) and counts its bytes. */
  async readCommand(timeoutMs = 5000): Promise<StreamCommand> {
    let bytes = 0;
    const line = async (): Promise<string> => {
      const l = await this.takeLine(timeoutMs);
      bytes += l.length + 2; // latin1: a character a byte
      return l;
    };
    const head = await line();
    if (!head.startsWith("*")) throw new Error(`not a RESP array in the stream: ${JSON.stringify(head)}`);
    const n = Number(head.slice(1));
    const argv: string[] = [];
    for (let k = 0; k < n; k++) {
      const h = await line();
      if (!h.startsWith("$")) throw new Error(`not a bulk string in the stream: ${JSON.stringify(h)}`);
      const len = Number(h.slice(1));
      await this.need(len + 2, timeoutMs);
      argv.push(this.take(len + 2).toString("latin1", 0, len));
      bytes += len + 2;
    }
    this.offset += bytes;
    this.streamBytes += bytes;
    return { argv, bytes };
  }

  /** Reads `n` commands of the stream, argv only. */
  async readCommands(n: number, timeoutMs = 5000): Promise<string[][]> {
    const out: string[][] = [];
    for (let i = 0; i < n; i++) out.push((await this.readCommand(timeoutMs)).argv);
    return out;
  }

  /** Reads commands until one whose argv matches `pred`; returns all read (the matching one last). */
  async readUntil(pred: (argv: string[]) => boolean, timeoutMs = 5000): Promise<string[][]> {
    const out: string[][] = [];
    for (;;) {
      const c = await this.readCommand(timeoutMs);
      out.push(c.argv);
      if (pred(c.argv)) return out;
    }
  }

  /** Waits for exactly `n` raw bytes and returns them (not counted in {@link offset}). */
  async readBytes(n: number, timeoutMs = 5000): Promise<Buffer> {
    await this.need(n, timeoutMs);
    return Buffer.from(this.take(n));
  }

  /** The bytes received and not read yet. */
  get pending(): number {
    return this.buf.length;
  }

  /** Resolves with whatever arrives within `ms` (the empty string if nothing did); leaves it unread. */
  async peekFor(ms: number): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    return this.buf.toString("latin1");
  }

  /** `REPLCONF ACK <offset>` (the processed offset by default). No reply is expected. */
  ack(offset: number = this.offset): void {
    this.send("REPLCONF", "ACK", offset);
  }
}

/**
 * Connects, does the handshake and `PSYNC ? -1`, and reads the payload: a replica in sync, its
 * {@link FakeReplica.offset} at the FULLRESYNC offset. A diskless primary starts the stream only after the
 * replica's first `REPLCONF ACK` sent once the primary has put it online (see the test file's `online()`).
 */
export async function syncedReplica(
  port: number,
  opts: { listeningPort?: number; capa?: string[] } = {},
): Promise<{ r: FakeReplica; replid: string; payload: RdbPayload; fullresync: string }> {
  const r = await FakeReplica.connect(port);
  await r.handshake(opts.listeningPort ?? 6380, opts.capa ?? ["eof", "psync2"]);
  const fullresync = await r.psync("?", -1);
  const m = /^\+FULLRESYNC ([0-9a-f]{40}) \d+$/.exec(fullresync);
  if (!m) {
    r.close();
    throw new Error(`PSYNC ? -1 answered ${JSON.stringify(fullresync)}`);
  }
  const payload = await r.readPayload();
  return { r, replid: m[1]!, payload, fullresync };
}

/** Anything that sends a command and resolves with its reply: a RawConn, an iovalkey client. */
export interface Commander {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** An error reply (or a closed connection), as a value (iovalkey rejects with it). */
export class ReplyErr {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

/** Sends one command; resolves with the reply, or with a {@link ReplyErr}. */
export async function call(c: Commander, ...args: (string | number)[]): Promise<unknown> {
  try {
    return await c.call(String(args[0]), ...args.slice(1).map(String));
  } catch (e) {
    return new ReplyErr((e as Error).message);
  }
}

/** The text of an error reply (fails when `v` is not one). */
export function errOf(v: unknown): string {
  assert.ok(v instanceof ReplyErr, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

/** A command sent without waiting: whether its reply came, and the reply (or {@link ReplyErr}). */
export interface Pending {
  settled(): boolean;
  result: Promise<unknown>;
}

export function send(c: Commander, ...args: (string | number)[]): Pending {
  let done = false;
  const result = call(c, ...args).then((v) => {
    done = true;
    return v;
  });
  return { settled: () => done, result };
}

/** A replica's INFO master_link_status (`up`, `down`; undefined on a primary). */
export async function linkStatus(c: Commander): Promise<string | undefined> {
  return (await infoMap(c)).get("master_link_status");
}

/** Waits until the replica's INFO shows master_link_status:up. */
export async function linkUp(c: Commander, timeoutMs = 20000): Promise<void> {
  await waitFor("master_link_status:up", async () => (await linkStatus(c)) === "up", timeoutMs);
}

/** Waits until the replica has processed everything the primary wrote to its stream so far. */
export async function inSync(p: Commander, r: Commander, timeoutMs = 20000): Promise<void> {
  await waitFor("the replica's offset to reach the primary's", async () => {
    const want = await infoField(p, "master_repl_offset");
    return (await infoField(r, "slave_repl_offset")) === want &&
      (await infoField(r, "master_repl_offset")) === want;
  }, timeoutMs);
}

/** INFO `section` as a map of its `field:value` lines. */
export async function infoMap(c: Commander, section = "replication"): Promise<Map<string, string>> {
  const text = String(await c.call("INFO", section));
  const m = new Map<string, string>();
  for (const l of text.split("\r\n")) {
    const i = l.indexOf(":");
    if (i > 0 && !l.startsWith("#")) m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}

/** One field of INFO `section`; fails if it is not there. */
export async function infoField(c: Commander, field: string, section = "replication"): Promise<string> {
  const v = (await infoMap(c, section)).get(field);
  assert.ok(v !== undefined, `INFO ${section} has no ${field}`);
  return v;
}

/** INFO stats' sync counters: full syncs, partial resyncs accepted and refused. */
export interface SyncStats {
  full: number;
  ok: number;
  err: number;
}

/** INFO stats' {@link SyncStats}. */
export async function syncStats(c: Commander): Promise<SyncStats> {
  const m = await infoMap(c, "stats");
  return {
    full: Number(m.get("sync_full")),
    ok: Number(m.get("sync_partial_ok")),
    err: Number(m.get("sync_partial_err")),
  };
}

/** INFO replication's `slaveN:` line of the replica announcing (listening on) `port`, if any. */
export async function slaveLine(c: Commander, port: number): Promise<string | undefined> {
  for (const [k, v] of await infoMap(c)) {
    if (/^slave\d+$/.test(k) && v.includes(`,port=${port},`)) return `${k}:${v}`;
  }
  return undefined;
}

/** Polls `f` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  f: () => Promise<T | undefined | false>,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits until INFO replication lists the replica announcing `port` as online; resolves with its line. */
export async function listedOnline(c: Commander, port: number): Promise<string> {
  return await waitFor(`replica ${port} online`, async () => {
    const l = await slaveLine(c, port);
    return l !== undefined && l.includes(",state=online,") && l;
  });
}

/** The path of a real valkey-server to start (`VALKEY_SERVER`), or null (the tests needing one are skipped). */
export function valkeyServerPath(): string | null {
  const p = process.env.VALKEY_SERVER;
  return p !== undefined && p !== "" && fs.existsSync(p) ? p : null;
}

/** A real valkey-server started by {@link startValkeyServer}. */
export interface RealValkey {
  port: number;
  dir: string;
  pid: number;
  output(): string;
  /** SIGTERM (SIGKILL after 5 s) by PID; keeps `dir` unless `removeDir`. */
  stop(removeDir?: boolean): Promise<void>;
}

/**
 * Starts `valkey-server` on `127.0.0.1`, on a free port, in `dir` (a new temp directory named after `prefix`
 * by default), with no save points, DEBUG enabled and `extra`, and waits until it answers PING. If it does
 * not, it is stopped (the temp directory removed) and the error carries its output.
 */
export async function startValkeyServer(
  extra: string[],
  opts: { dir?: string; port?: number; prefix?: string } = {},
): Promise<RealValkey> {
  const bin = valkeyServerPath();
  if (bin === null) throw new Error("VALKEY_SERVER is not set");
  const port = opts.port ?? await freePort();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? "valkyr-valkey-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--enable-debug-command",
    "yes",
    ...extra,
  ];
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  let out = "";
  child.stdout?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid!;
  const stop = async (removeDir = false) => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => {
        try {
          process.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    if (removeDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady("127.0.0.1", port);
  } catch (e) {
    await stop(opts.dir === undefined);
    throw new Error(`${e}\n${out}`);
  }
  return { port, dir, pid, output: () => out, stop };
}

/** Starts `valkey-server` as a replica of `127.0.0.1:<primaryPort>` (see {@link startValkeyServer}). */
export function startRealReplica(
  primaryPort: number,
  opts: { dir?: string; port?: number; extra?: string[] } = {},
): Promise<RealValkey> {
  const { extra = [], ...rest } = opts;
  return startValkeyServer(["--replicaof", "127.0.0.1", String(primaryPort), ...extra], {
    ...rest,
    prefix: "valkyr-replica-",
  });
}

/** A server of the target kind started by {@link startTargetServer}. */
export interface TargetProcess {
  port: number;
  dir: string;
  pid: number;
  /** The configuration arguments it was started with after the defaults (what a restart passes again). */
  extra: string[];
  /** Everything it printed (stdout + stderr): its log, as no `logfile` is given. */
  output(): string;
  /** Resolves once the process has exited and its output was read. */
  exited: Promise<void>;
  /** False once the process has exited. */
  alive(): boolean;
  /** Sends `sig` to the process by its PID (nothing once it has exited). */
  signal(sig: "SIGSTOP" | "SIGCONT" | "SIGTERM" | "SIGKILL"): void;
  /** SIGCONT (in case it is stopped), SIGTERM, SIGKILL after 5 s; keeps `dir` unless `removeDir`. */
  stop(removeDir?: boolean): Promise<void>;
}

const targetProcesses = new Set<ChildProcess>();
globalThis.addEventListener?.("unload", () => {
  for (const c of targetProcesses) {
    c.kill("SIGCONT");
    c.kill("SIGKILL");
  }
});

/**
 * Starts a server of the target kind (`VALKYR_TEST_TARGET`: Valkyr on Deno or Bun, the binary, redis-server
 * or valkey-server; not `external`) on `127.0.0.1`, with DEBUG enabled, no save points unless `extra` has
 * `--save`, in `opts.dir` (a new temp directory by default) and on `opts.port` (a free port by default: if
 * another process takes it first, another is tried). Resolves once the server logged that it is ready and
 * answers PING. With the same `dir`, `port` and `extra`, a stopped server is started again as it was.
 */
export async function startTargetServer(
  extra: string[],
  opts: { dir?: string; port?: number } = {},
): Promise<TargetProcess> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-restart-"));
  for (let attempt = 1;; attempt++) {
    const port = opts.port ?? await freePort();
    try {
      return await launchTarget(extra, dir, port);
    } catch (e) {
      const taken = /Failed listening on port \d+ \(tcp\)/i.test(String(e));
      if (opts.port !== undefined || attempt >= 5 || !taken) {
        if (opts.dir === undefined) fs.rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
}

async function launchTarget(extra: string[], dir: string, port: number): Promise<TargetProcess> {
  const base = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--enable-debug-command", "yes"];
  if (!extra.includes("--save")) base.push("--save", "");
  const [cmd, args] = serverCommand([...base, ...extra]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: ROOT });
  targetProcesses.add(child);
  const pid = child.pid!;
  let out = "";
  child.stdout?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  child.stderr?.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
  let gone = false;
  // "close" once the output was read; 2 s after "exit" anyway (a forked child may hold the pipes open).
  const exited = new Promise<void>((resolve) => {
    let late: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(late);
      targetProcesses.delete(child);
      resolve();
    };
    child.once("close", done);
    child.once("exit", () => {
      gone = true;
      late = setTimeout(done, 2000);
    });
  });
  const signal = (sig: "SIGSTOP" | "SIGCONT" | "SIGTERM" | "SIGKILL") => {
    if (gone) return;
    try {
      process.kill(pid, sig);
    } catch { /* gone */ }
  };
  const stop = async (removeDir = false) => {
    if (!gone) {
      signal("SIGCONT");
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (removeDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30000;
    while (!/Ready to accept connections/.test(out)) {
      if (gone) throw new Error(`the server exited before it was ready:\n${out}`);
      if (Date.now() > deadline) throw new Error(`the server did not log that it is ready:\n${out}`);
      await sleep(10);
    }
    await waitReady("127.0.0.1", port);
  } catch (e) {
    signal("SIGKILL");
    await exited;
    throw e;
  }
  return { port, dir, pid, extra, output: () => out, exited, alive: () => !gone, signal, stop };
}
