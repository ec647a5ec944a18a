/**
 * The append-only file (Valkey 7+'s multi-part AOF, aof.c): every write the propagation layer
 * (core/server/propagate.ts) hands over is appended, as RESP commands, to the current *incr* file, and
 * replaying the files at start-up rebuilds the dataset.
 *
 * Files, all in `dir`/`appenddirname`:
 *
 *   appendonly.aof.1.base.rdb     the base: the dataset at the last rewrite (RDB with `aof-use-rdb-preamble
 *                                 yes`, else `.base.aof` holding commands)
 *   appendonly.aof.1.incr.aof     incremental files: every write since; a rewrite starts a new one
 *   appendonly.aof.manifest       which files make up the AOF, in Valkey's exact format:
 *                                   file appendonly.aof.1.base.rdb seq 1 type b
 *                                   file appendonly.aof.1.incr.aof seq 1 type i
 *
 * Durability (`appendfsync`): writes are buffered while commands run, and the buffer is written before any
 * reply leaves the server (Server.beforeReplyWrite, Valkey's beforeSleep → flushAppendOnlyFile). With
 * `always` the file is also fsync'ed there, synchronously, so a reply is never sent before its write is on
 * disk; with `everysec` the cron fsyncs once a second (asynchronously); with `no` the kernel decides.
 *
 * Rewrite (BGREWRITEAOF, automatic, or enabling AOF at run time) without fork: the pending buffer is
 * flushed, a new incr file is opened so every later write goes there, and a point-in-time image of the
 * dataset as of that instant is produced incrementally, copy-on-access per key: an RDB by
 * core/persistence/snapshot.ts (`aof-use-rdb-preamble yes`), or commands by aof_rewrite.ts's
 * CommandSnapshot (`no`, module values through their type's aofRewrite). When it is complete it becomes the new base; the old base and the incr files before the new one
 * become history in the manifest and are deleted. Nothing written during the rewrite is lost: it is in
 * the new incr file, which follows the new base. While a rewrite runs, BGSAVE waits (one snapshot at a
 * time, as Valkey runs one child at a time).
 *
 * Loading (start-up, when `appendonly yes`: the AOF wins over dump.rdb as in Valkey): manifest, base (RDB
 * or commands), then each incr file in order. A truncated last command of the last file is dropped and the
 * file truncated when `aof-load-truncated yes`, with Valkey's log lines; an incomplete MULTI at the end is
 * reverted; anything else wrong aborts the start (never a half-loaded dataset).
 *
 * @module
 */

import * as fs from "node:fs";
import { fsyncDir } from "../runtime/files.ts";
import * as path from "node:path";
import process from "node:process";
import { setImmediate } from "node:timers";
import type { Server } from "../server/server.ts";
import type { CommandCall } from "../commands/call.ts";
import { NO_ARGS, parseArgs } from "../commands/args.ts";
import { ReplyError } from "../commands/errors.ts";
import { Client } from "../server/client.ts";
import { nullConnection } from "../net/null.ts";
import { strerror } from "../config/directives.ts";
import { CommandBuffer } from "../server/propagate.ts";
import { persistenceOf } from "./persistence.ts";
import { latencyElapsed, latencyEnd, latencySample, latencyStart } from "../observability/latency_events.ts";
import { serializeAll } from "./rdb_file.ts";
import { RdbWriter } from "./rdb_io.ts";
import { debugDelay } from "../util/delay.ts";
import { AUTOSYNC_BYTES, Snapshot } from "./snapshot.ts";
import { CommandSnapshot, rewriteCommands } from "./aof_rewrite.ts";
import { gateReject, isWriteCall } from "../commands/transaction/install.ts";
import { splitArgsLatin1 } from "../resp/inline.ts";

export const AOF_OFF = 0;
export const AOF_ON = 1;
/** Enabled at run time: writes go to a temporary incr file until the first rewrite completes. */
export const AOF_WAIT_REWRITE = 2;

export interface AofFile {
  name: string;
  seq: number;
  /** b (base), h (history) or i (incr). */
  type: string;
}

/** The manifest: which files make up the AOF (Valkey's aofManifest). */
export class Manifest {
  base: AofFile | null = null;
  incrs: AofFile[] = [];
  history: AofFile[] = [];
  baseSeq = 0;
  incrSeq = 0;

  /** The manifest text, as Valkey's getAofManifestAsString: base, then history, then incr files. */
  format(): string {
    let s = "";
    const line = (f: AofFile) => {
      s += `file ${needsRepr(f.name) ? repr(f.name) : f.name} seq ${f.seq} type ${f.type}\n`;
    };
    if (this.base !== null) line(this.base);
    for (const f of this.history) line(f);
    for (const f of this.incrs) line(f);
    return s;
  }

  /** Parses a manifest; throws Error with Valkey's message on a bad one. */
  static parse(text: string): Manifest {
    const m = new Manifest();
    const lines = text.split("\n");
    const lastHasNewline = lines[lines.length - 1] === "";
    if (lastHasNewline) lines.pop();
    if (lines.length === 0) throw new ManifestError("Found an empty AOF manifest", 0, "");
    let maxSeq = 0;
    lines.forEach((raw, i) => {
      if (raw.startsWith("#")) return;
      const fail = (msg: string) => {
        throw new ManifestError(msg, i + 1, raw);
      };
      if (raw.length > 1024 || (i === lines.length - 1 && !lastHasNewline)) {
        fail("The AOF manifest file contains too long line");
      }
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      if (line === "") fail("Invalid AOF manifest file format");
      const argv = splitArgsLatin1(line);
      if (argv === null || argv.length < 6 || argv.length % 2 !== 0) fail("Invalid AOF manifest file format");
      let name: string | null = null;
      let seq = 0;
      let type = "";
      for (let j = 0; j < argv!.length; j += 2) {
        const k = argv![j]!.toLowerCase();
        const v = argv![j + 1]!;
        if (k === "file") {
          name = v;
          if (name.includes("/")) fail("File can't be a path, just a filename");
        } else if (k === "seq") seq = atoll(v);
        else if (k === "type") type = v.charAt(0);
      }
      if (name === null || name === "" || seq === 0 || type === "") fail("Invalid AOF manifest file format");
      const f: AofFile = { name: name!, seq, type };
      if (type === "b") {
        if (m.base !== null) fail("Found duplicate base file information");
        m.base = f;
        m.baseSeq = seq;
      } else if (type === "h") {
        m.history.push(f);
      } else if (type === "i") {
        if (seq <= maxSeq) fail("Found a non-monotonic sequence number");
        m.incrs.push(f);
        m.incrSeq = seq;
        maxSeq = seq;
      } else fail("Unknown AOF file type");
    });
    return m;
  }
}

/** A running rewrite: the snapshot writing the new base (or the command-form job). */
export interface RewriteJob {
  cancel(): void;
  /** Intermediate syncs of the new base (aof-rewrite-incremental-fsync), known when it is done. */
  readonly syncs: number;
}

export class ManifestError extends Error {
  constructor(message: string, readonly line: number, readonly text: string) {
    super(message);
  }
}

function atoll(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c < 0x21 || c > 0x7e) return true;
  }
  return false;
}

/** Valkey's sdscatrepr: a quoted string with C escapes. */
function repr(s: string): string {
  let o = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x5c) o += "\\\\";
    else if (b === 0x22) o += '\\"';
    else if (b === 10) o += "\\n";
    else if (b === 13) o += "\\r";
    else if (b === 9) o += "\\t";
    else if (b === 7) o += "\\a";
    else if (b === 8) o += "\\b";
    else if (b >= 0x20 && b <= 0x7e) o += String.fromCharCode(b);
    else o += "\\x" + b.toString(16).padStart(2, "0");
  }
  return o + '"';
}

/** Outcome of loading one file (Valkey's AOF_OK ... AOF_TRUNCATED). */
export const LoadStatus = { OK: 0, NOT_EXIST: 1, EMPTY: 2, OPEN_ERR: 3, FAILED: 4, TRUNCATED: 5 } as const;
export type LoadStatus = (typeof LoadStatus)[keyof typeof LoadStatus];

const enc = new TextEncoder();
const SELECT = enc.encode("SELECT");

const registry = new WeakMap<Server, Aof>();

/** The AOF state of `server` (created on first use). */
export function aofOf(server: Server): Aof {
  let a = registry.get(server);
  if (a === undefined) {
    a = new Aof(server);
    registry.set(server, a);
  }
  return a;
}

export class Aof {
  readonly server: Server;
  #state = AOF_OFF;
  /** Told of every state change: installAof attaches the propagation feed only while the AOF is not off. */
  onState: ((state: number) => void) | undefined = undefined;
  manifest = new Manifest();
  /** The incr file being appended to. */
  #fd = -1;
  #fdName = "";
  /** Bytes waiting to be written (Valkey's aof_buf). */
  #cb = new CommandBuffer();
  /** The database the incr file's stream has selected (-1: the next command needs a SELECT). */
  #selectedDb = -1;
  /** Written since the last fsync. */
  #unsynced = false;
  #lastTs = 0;
  /** Clients whose replies wait for the buffer to be written (see holdReplies). */
  #held = new Set<Client>();
  #drainScheduled = false;
  #fsyncing = false;
  /** Settles when the everysec fsync started last is over (a file is closed only after it). */
  #everysecFsync: Promise<void> = Promise.resolve();
  #lastFsync = Date.now();
  lastWriteOk = true;
  lastWriteError = "";
  /**
   * WAITAOF's local acknowledgement (Valkey's fsynced_reploff): the replication offset (propagate.ts
   * replOffset) up to which writes are known to be on disk; -1 while the AOF is off, 0 until a rewrite
   * that turned it on is over. It takes the value of #fsyncedPending once per flush (Valkey's beforeSleep),
   * which an fsync sets to the offset it covered. As in Valkey, with `everysec` a flush that finds nothing
   * left to write and no fsync due counts what was written as acknowledged, and with `no` only a rewrite
   * ever moves it.
   */
  fsyncedReploff = -1;
  #fsyncedPending = 0;
  /** Told when fsyncedReploff moved or the AOF was turned off (WAITAOF's waiters). */
  readonly fsyncListeners: (() => void)[] = [];
  /** Sum of the base and incr files' sizes (aof_current_size). */
  currentSize = 0;
  /** aof_current_size right after the last rewrite (aof_base_size). */
  baseSize = 0;
  /** Size of the current incr file. */
  lastIncrSize = 0;
  // Rewrite state.
  rewrite: RewriteJob | null = null;
  rewriteScheduled = false;
  rewriteStartedAt = 0;
  lastRewriteTimeSec = -1;
  lastBgrewriteOk = true;
  rewrites = 0;
  consecutiveFailures = 0;
  /** Intermediate syncs of the last rewrite's base file (aof-rewrite-incremental-fsync; tests). */
  lastRewriteSyncs = 0;
  /** The temporary incr file used while enabling AOF at run time. */
  #tempIncr: string | null = null;
  /** Incr files written before the running rewrite started (they become history when it completes). */
  #rewriteIncrCount = 0;

  constructor(server: Server) {
    this.server = server;
  }

  get config() {
    return this.server.config;
  }

  get dirPath(): string {
    return path.join(this.config.getStr("dir"), this.config.getStr("appenddirname"));
  }

  get fileName(): string {
    return this.config.getStr("appendfilename");
  }

  get manifestName(): string {
    return `${this.fileName}.manifest`;
  }

  get rewriteInProgress(): boolean {
    return this.rewrite !== null;
  }

  get bufferLength(): number {
    return this.#cb.len;
  }

  #file(name: string): string {
    return path.join(this.dirPath, name);
  }

  // ---- feeding ---------------------------------------------------------------------------------------------

  /** The propagation feed (feedAppendOnlyFile): SELECT when the db changes, then the command. */
  /** AOF_OFF, AOF_ON or AOF_WAIT_REWRITE (Valkey's aof_state). */
  get state(): number {
    return this.#state;
  }

  set state(v: number) {
    this.#state = v;
    this.onState?.(v);
  }

  feed(db: number, argv: readonly Uint8Array[]): void {
    if (this.state === AOF_OFF) return;
    if (this.state === AOF_WAIT_REWRITE && this.rewrite === null) return;
    if (this.config.getBool("aof-timestamp-enabled")) {
      // Valkey's `#TS:<unix time>` annotation, once per second with writes (skipped when loading).
      const sec = Math.floor(this.server.clock.current / 1000);
      if (sec > this.#lastTs) {
        this.#lastTs = sec;
        this.#cb.raw(enc.encode(`#TS:${sec}\r\n`));
      }
    }
    if (db !== -1 && db !== this.#selectedDb) {
      this.#cb.command([SELECT, enc.encode(String(db))]);
      this.#selectedDb = db;
    }
    this.#cb.command(argv);
  }

  /**
   * Writes the buffer to the incr file (flushAppendOnlyFile); with `appendfsync always`, or `force`, also
   * fsyncs it before returning. Called before replies are written, by the cron, and at shutdown.
   */
  flush(force = false): void {
    if (this.#fd === -1) return;
    const t0 = performance.now();
    try {
      this.#flush(force);
    } finally {
      // INFO debug's eventloop_duration_aof_sum (Valkey's EL_DURATION_TYPE_AOF).
      this.server.stats.elAofUs += Math.round((performance.now() - t0) * 1000);
    }
  }

  #flush(force: boolean): void {
    const policy = this.config.getEnum("appendfsync");
    const always = policy === "always";
    if (this.#cb.len === 0 && !force) {
      // Nothing to write (flushAppendOnlyFile's early return): unless an fsync is due, everything
      // propagated so far counts as fsynced for WAITAOF, as in Valkey (an everysec fsync in flight when
      // one is due holds it back; `no` never acknowledges).
      const everysecDue = policy === "everysec" && this.#unsynced && Date.now() - this.#lastFsync >= 1000;
      if (!(always && this.#unsynced) && !(everysecDue && !this.#fsyncing)) {
        if (!(everysecDue && this.#fsyncing) && policy !== "no") {
          this.#fsyncedPending = this.server.propagation.replOffset;
        }
        this.#publishFsynced();
        return;
      }
    }
    if (this.#cb.len > 0) {
      const data = this.#cb.view();
      let off = 0;
      const t = latencyStart(this.server);
      try {
        while (off < data.length) off += fs.writeSync(this.#fd, data, off, data.length - off);
      } catch (e) {
        this.#writeFailed(e, off, always);
        return;
      }
      if (t >= 0) this.#writeLatency(latencyElapsed(t));
      const n = data.length;
      this.#cb.consume(n);
      this.currentSize += n;
      this.lastIncrSize += n;
      this.#unsynced = true;
      if (!this.lastWriteOk) {
        this.server.logger.warning("AOF write error looks solved. The server can write again.");
        this.lastWriteOk = true;
      }
    }
    if ((always || force) && this.#unsynced && (force || !this.#fsyncPaused())) {
      const t = always ? latencyStart(this.server) : -1;
      try {
        fs.fsyncSync(this.#fd);
        this.#unsynced = false;
        this.#lastFsync = Date.now();
        this.#fsyncedPending = this.server.propagation.replOffset;
      } catch (e) {
        this.#fatalFsync(e);
      }
      latencyEnd(this.server, "aof-fsync-always", t);
    }
    this.#publishFsynced();
  }

  /** Valkey's beforeSleep step: the offset the last fsync covered becomes WAITAOF's acknowledgement. */
  #publishFsynced(): void {
    if (this.state !== AOF_ON || this.fsyncedReploff === -1) return;
    if (this.fsyncedReploff === this.#fsyncedPending) return;
    this.fsyncedReploff = this.#fsyncedPending;
    for (const f of this.fsyncListeners) f();
  }

  /**
   * The latency events of one buffer write, as Valkey names them: "aof-write" always, plus whether it
   * waited behind the everysec background fsync, ran beside a rewrite / BGSAVE, or alone.
   */
  #writeLatency(ms: number): void {
    const server = this.server;
    if (this.#fsyncing) latencySample(server, "aof-write-pending-fsync", ms);
    else if (this.rewrite !== null || persistenceOf(server).bgsaveInProgress) {
      latencySample(server, "aof-write-active-child", ms);
    } else latencySample(server, "aof-write-alone", ms);
    latencySample(server, "aof-write", ms);
  }

  /** `no-appendfsync-on-rewrite yes`: no fsync while a rewrite or BGSAVE writes (the user's trade-off). */
  #fsyncPaused(): boolean {
    return this.config.getBool("no-appendfsync-on-rewrite") &&
      (this.rewrite !== null || persistenceOf(this.server).bgsaveInProgress);
  }

  #writeFailed(e: unknown, written: number, always: boolean): void {
    const log = this.server.logger;
    const err = strerror(e);
    log.warning(`Error writing to the AOF file: ${err}`);
    if (always) {
      // As Valkey: acknowledged writes must be durable, so the server cannot go on.
      log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      process.exit(1);
    }
    // Keep what was not written; writes are refused (MISCONF) until it can be written.
    this.#cb.consume(written);
    this.currentSize += written;
    this.lastIncrSize += written;
    this.lastWriteOk = false;
    this.lastWriteError = err;
  }

  #fatalFsync(e: unknown): void {
    const log = this.server.logger;
    log.warning(
      `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(e)}. Exiting...`,
    );
    process.exit(1);
  }

  /**
   * Server.holdReplies: while the buffer holds writes, a client's replies wait for the end of this event
   * loop turn, when one write (and with `always` one fsync) covers every client served in it (group
   * commit); then their replies are sent.
   */
  holdReplies(client: Client): boolean {
    if (this.#fd === -1 || this.#cb.len === 0) {
      // Nothing buffered. With `always`, a write still being fsynced by the drain in progress cannot
      // happen: the drain fsyncs before releasing anyone, synchronously.
      return false;
    }
    this.#held.add(client);
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => this.#drain());
    }
    return true;
  }

  #drain(): void {
    this.#drainScheduled = false;
    this.flush();
    if (this.#cb.len > 0) {
      // The write failed (logged; MISCONF for writes meanwhile): the replies wait for a retry.
      setTimeout(() => this.#drain(), 100);
      this.#drainScheduled = true;
      return;
    }
    const held = [...this.#held];
    this.#held.clear();
    for (const c of held) this.server.flush(c);
  }

  /** The cron's part: everysec fsync, scheduled and automatic rewrites, retrying failed writes. */
  cron(): void {
    if (this.state !== AOF_OFF || this.#fd !== -1) {
      this.flush();
      if (
        this.config.getEnum("appendfsync") === "everysec" && this.#unsynced && !this.#fsyncing &&
        Date.now() - this.#lastFsync >= 1000 && !this.#fsyncPaused()
      ) {
        const fd = this.#fd;
        const offset = this.server.propagation.replOffset;
        this.#fsyncing = true;
        this.#unsynced = false;
        let done!: () => void;
        this.#everysecFsync = new Promise((r) => done = r);
        fs.fsync(fd, (err) => {
          done();
          this.#fsyncing = false;
          this.#lastFsync = Date.now();
          if (err && this.#fd === fd) {
            this.server.logger.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
            this.#unsynced = true;
          } else if (!err) {
            this.#fsyncedPending = offset;
            this.#publishFsynced();
          }
        });
      }
    }
    const p = persistenceOf(this.server);
    if (this.rewrite !== null || p.bgsaveInProgress) return;
    if (this.rewriteScheduled) {
      this.startRewrite();
      return;
    }
    const perc = this.config.getInt("auto-aof-rewrite-percentage");
    if (
      this.state === AOF_ON && perc > 0 && this.currentSize > this.config.getInt("auto-aof-rewrite-min-size")
    ) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc && this.consecutiveFailures < 3) {
        this.server.logger.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  // ---- files and the manifest ------------------------------------------------------------------------------

  #mkdir(): boolean {
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
      return true;
    } catch (e) {
      this.server.logger.warning(
        `Can't open or create append-only dir ${this.config.getStr("appenddirname")}: ${strerror(e)}`,
      );
      return false;
    }
  }

  /** persistAofManifest: temp file, fsync, rename, fsync the directory. */
  persistManifest(): boolean {
    const log = this.server.logger;
    const tmpName = `temp-${this.manifestName}`;
    const tmp = this.#file(tmpName);
    try {
      const fd = fs.openSync(tmp, "w");
      try {
        const text = enc.encode(this.manifest.format());
        let off = 0;
        while (off < text.length) off += fs.writeSync(fd, text, off, text.length - off);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      log.warning(`Error trying to write the temporary AOF manifest file ${tmpName}: ${strerror(e)}`);
      return false;
    }
    try {
      fs.renameSync(tmp, this.#file(this.manifestName));
    } catch (e) {
      log.warning(
        `Error trying to rename the temporary AOF manifest file ${tmpName} into ${this.manifestName}: ${
          strerror(e)
        }`,
      );
      return false;
    }
    fsyncDir(this.dirPath);
    return true;
  }

  #openAppend(name: string): number {
    return fs.openSync(this.#file(name), "a");
  }

  #switchFd(fd: number, name: string, size: number): void {
    if (this.#fd !== -1) {
      // aof_background_fsync_and_close: the old file's fsync (a second of writes with everysec) and
      // close run on the I/O thread pool, not on the main thread.
      // After the everysec fsync in flight on it, if any.
      const old = this.#fd;
      const sync = this.#unsynced;
      const offset = this.server.propagation.replOffset;
      void this.#everysecFsync.then(() => {
        const close = () => fs.close(old, () => {});
        if (!sync) return close();
        fs.fsync(old, (err) => {
          if (err) this.server.logger.warning(`Fail to fsync the AOF file: ${strerror(err)}`);
          else {
            // bioCreateCloseAofJob carries the offset the old file covers.
            this.#fsyncedPending = offset;
            this.#publishFsynced();
          }
          close();
        });
      });
    }
    this.#fd = fd;
    this.#fdName = name;
    this.#selectedDb = -1;
    this.#unsynced = false;
    this.lastIncrSize = size;
  }

  #closeFd(): void {
    if (this.#fd === -1) return;
    try {
      fs.fsyncSync(this.#fd);
      fs.closeSync(this.#fd);
    } catch { /* closed */ }
    this.#fd = -1;
    this.#fdName = "";
  }

  /**
   * Deletes history files no manifest on disk names any more (aofDelHistoryFiles). The unlink runs on
   * the runtime's I/O thread pool, as Valkey's bg_unlink: freeing a large file's blocks can take the file
   * system hundreds of milliseconds, and the main thread's next fsync (AOF, manifest) would wait for it.
   */
  #deleteHistory(files: readonly AofFile[]): void {
    for (const f of files) {
      this.server.logger.notice(`Removing the history file ${f.name} in the background`);
      fs.unlink(this.#file(f.name), () => {});
    }
  }

  #fileSize(name: string): number {
    try {
      return fs.statSync(this.#file(name)).size;
    } catch {
      return 0;
    }
  }

  // ---- start-up ----------------------------------------------------------------------------------------------

  /** Reads the manifest from disk (aofLoadManifestFromDisk); throws on a bad one (logged). */
  loadManifestFromDisk(): void {
    const file = this.#file(this.manifestName);
    let text: string;
    try {
      text = fs.readFileSync(file, "latin1");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") {
        this.manifest = new Manifest();
        return;
      }
      this.server.logger.warning(
        `Fatal error: can't open the AOF manifest file ${file} for reading: ${strerror(e)}`,
      );
      throw new Error("can't open the AOF manifest");
    }
    try {
      this.manifest = Manifest.parse(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      const log = this.server.logger;
      log.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
      if (e.line > 0) {
        log.warning(`Reading the manifest file, at line ${e.line}\n`);
        log.warning(`>>> '${e.text}'\n`);
      }
      log.warning(`${e.message}\n`);
      throw new Error(e.message);
    }
  }

  /**
   * An `appendfilename` file in `dir` may be the single AOF of a server before 7.0 (no `appenddirname`).
   * It is adopted as the base of a multi-part AOF (loadAppendOnlyFiles' upgrade check) when the AOF
   * directory does not exist, or has no manifest (or an empty one), or when its manifest's only file is a
   * base of that name which is not in the directory yet (an upgrade interrupted after the manifest was
   * written: it is retried).
   */
  #upgradeNeeded(): boolean {
    const old = path.join(this.config.getStr("dir"), this.fileName);
    if (!isFile(old)) return false;
    const m = this.manifest;
    return !isDir(this.dirPath) || (m.base === null && m.incrs.length === 0) ||
      (m.base !== null && m.incrs.length === 0 && m.base.name === this.fileName &&
        !isFile(this.#file(this.fileName)));
  }

  /**
   * aofUpgradePrepare: creates the AOF directory, writes a manifest whose base (seq 1) is the old file, and
   * moves the file into the directory. Each step can be retried: a crash in between leaves a state the
   * next start upgrades again. Throws when a step fails (the server must not start on half an upgrade).
   */
  #upgradePrepare(): void {
    const log = this.server.logger;
    const dirname = this.config.getStr("appenddirname");
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
    } catch (e) {
      log.warning(`Can't open or create append-only dir ${dirname}: ${strerror(e)}`);
      throw new Error("Can't open or create append-only dir");
    }
    const m = this.manifest;
    m.base = { name: this.fileName, seq: 1, type: "b" };
    m.baseSeq = 1;
    if (!this.persistManifest()) throw new Error("Can't persist the AOF manifest");
    try {
      fs.renameSync(path.join(this.config.getStr("dir"), this.fileName), this.#file(this.fileName));
    } catch (e) {
      log.warning(
        `Error trying to move the old AOF file ${this.fileName} into dir ${dirname}: ${strerror(e)}`,
      );
      throw new Error("Error trying to move the old AOF file");
    }
    log.notice(
      `Successfully migrated an old-style AOF file (${this.fileName}) into the AOF directory (${dirname}).`,
    );
  }

  /** Loads base and incr files (loadAppendOnlyFiles), first adopting an old single-file AOF. */
  loadFiles(): LoadStatus {
    const m = this.manifest;
    const log = this.server.logger;
    if (this.#upgradeNeeded()) this.#upgradePrepare();
    if (m.base === null && m.incrs.length === 0) return LoadStatus.NOT_EXIST;
    const files = [...(m.base !== null ? [m.base] : []), ...m.incrs];
    let total = 0;
    for (const f of files) {
      try {
        total += fs.statSync(this.#file(f.name)).size;
      } catch (e) {
        if ((e as { code?: string }).code === "ENOENT") {
          log.warning(`The append log file ${f.name} doesn't exist: ${strerror(e)}`);
        } else {log.warning(
            `Fatal error: can't open the append log file ${f.name} for reading: ${strerror(e)}`,
          );}
        return LoadStatus.FAILED;
      }
    }
    if (total === 0) return LoadStatus.EMPTY;
    let baseSize = 0;
    let ret: LoadStatus = LoadStatus.OK;
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const last = i === files.length - 1;
      const t0 = performance.now();
      ret = this.loadSingleFile(f.name);
      if (f === m.base) baseSize = this.#fileSize(f.name);
      if (ret === LoadStatus.OK || (ret === LoadStatus.TRUNCATED && last)) {
        log.notice(
          `DB loaded from ${f === m.base ? "base" : "incr"} file ${f.name}: ${
            ((performance.now() - t0) / 1000).toFixed(3)
          } seconds`,
        );
      }
      if (ret === LoadStatus.EMPTY && f !== m.base) ret = LoadStatus.OK;
      if (ret === LoadStatus.TRUNCATED && !last) {
        log.warning("Fatal error: the truncated file is not the last file");
        return LoadStatus.FAILED;
      }
      if (ret === LoadStatus.OPEN_ERR || ret === LoadStatus.FAILED) return ret;
    }
    // Sizes after a possible truncation of the last file.
    this.currentSize = files.reduce((n, f) => n + this.#fileSize(f.name), 0);
    this.baseSize = baseSize;
    return ret;
  }

  /** Loads one file: an RDB (preamble or base) or RESP commands (loadSingleAppendOnlyFile). */
  loadSingleFile(name: string): LoadStatus {
    const log = this.server.logger;
    const file = this.#file(name);
    let buf: Uint8Array;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") {
        log.warning(`The append log file ${name} doesn't exist: ${strerror(e)}`);
        return LoadStatus.NOT_EXIST;
      }
      log.warning(`Fatal error: can't open the append log file ${name} for reading: ${strerror(e)}`);
      return LoadStatus.OPEN_ERR;
    }
    if (buf.length === 0) return LoadStatus.EMPTY;
    let pos = 0;
    if (buf.length >= 5 && String.fromCharCode(...buf.subarray(0, 5)) === "REDIS") {
      // A multi-part base is a whole RDB; the old single AOF (named `appendfilename`, adopted as a base by
      // the upgrade) may be an RDB preamble followed by commands. Commands after the RDB are read either way.
      const oldStyle = name === this.fileName;
      log.notice(
        oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...",
      );
      const p = persistenceOf(this.server);
      if (!p.loadImage(buf)) {
        log.warning(
          oldStyle
            ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
            : `Error reading the RDB base file ${name}, AOF loading aborted`,
        );
        return LoadStatus.FAILED;
      }
      if (oldStyle) log.notice("Reading the remaining AOF tail...");
      pos = p.lastLoadEnd;
    }
    return this.#replay(name, file, buf, pos);
  }

  /** Replays RESP commands from `pos` through a fake client. */
  #replay(name: string, file: string, buf: Uint8Array, pos: number): LoadStatus {
    const log = this.server.logger;
    const client = new Client(0, nullConnection(), Number.MAX_SAFE_INTEGER, false, Date.now());
    client.name = "aof-loader";
    let validUpTo = pos;
    let validBeforeMulti = pos;
    let inMulti = false;
    const queued: Uint8Array[][] = [];
    const delay = this.config.getInt("key-load-delay");
    const uxeof = (): LoadStatus => {
      if (this.config.getBool("aof-load-truncated")) {
        log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
        log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
        try {
          fs.truncateSync(file, validUpTo);
          log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
          return LoadStatus.TRUNCATED;
        } catch (e) {
          log.warning(`Error truncating the AOF file ${name}: ${strerror(e)}`);
        }
      }
      log.warning(
        `Unexpected end of file reading the append only file ${name}. You can: ` +
          "1) Make a backup of your AOF file, then use ./valkey-check-aof --fix <filename.manifest>. " +
          "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
      );
      return LoadStatus.FAILED;
    };
    const fmterr = (): LoadStatus => {
      log.warning(
        `Bad file format reading the append only file ${name}: ` +
          "make a backup of your AOF file, then use ./valkey-check-aof --fix <filename.manifest>",
      );
      return LoadStatus.FAILED;
    };
    while (pos < buf.length) {
      // Annotations (`#...\r\n`, e.g. timestamps) are skipped.
      if (buf[pos] === 0x23) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0) return uxeof();
        pos = nl + 1;
        validUpTo = pos;
        continue;
      }
      if (buf[pos] !== 0x2a) return fmterr();
      const head = readLine(buf, pos + 1);
      if (head === null) return uxeof();
      const argc = parseInt(head.text, 10);
      if (!(argc >= 1)) return fmterr();
      pos = head.next;
      const argv: Uint8Array[] = [];
      for (let j = 0; j < argc; j++) {
        if (pos >= buf.length) return uxeof();
        if (buf[pos] !== 0x24) return fmterr();
        const lh = readLine(buf, pos + 1);
        if (lh === null) return uxeof();
        const len = parseInt(lh.text, 10);
        if (!(len >= 0)) return fmterr();
        if (lh.next + len + 2 > buf.length) return uxeof();
        argv.push(buf.subarray(lh.next, lh.next + len));
        pos = lh.next + len + 2;
      }
      const cmd = new TextDecoder().decode(argv[0]!).toLowerCase();
      if (cmd === "multi") {
        validBeforeMulti = validUpTo;
        inMulti = true;
      } else if (cmd === "exec" && inMulti) {
        for (const q of queued) {
          const err = this.#run(client, q, name);
          if (err !== null) return err;
        }
        queued.length = 0;
        inMulti = false;
      } else if (inMulti) {
        queued.push(argv);
      } else {
        const err = this.#run(client, argv, name);
        if (err !== null) return err;
      }
      validUpTo = pos;
      if (delay !== 0) debugDelay(delay);
    }
    if (inMulti) {
      log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
      validUpTo = validBeforeMulti;
      return uxeof();
    }
    return LoadStatus.OK;
  }

  /** Runs one loaded command as the fake client; FAILED on an unknown command. */
  #run(client: Client, argv: Uint8Array[], name: string): LoadStatus | null {
    const server = this.server;
    const resolved = server.commands.resolve(argv);
    if ("error" in resolved) {
      // An unknown command or a wrong arity (Valkey's commandCheckExistence / commandCheckArity).
      const err = resolved.error.startsWith("ERR ") ? resolved.error.slice(4) : resolved.error;
      server.logger.warning(`Error reading the append only file ${name}, error: ${err}`);
      return LoadStatus.FAILED;
    }
    const call: CommandCall = client.call.begin(
      server,
      client,
      argv,
      resolved.spec,
      resolved.fullName,
      server.clock.now(),
    );
    const spec = resolved.spec;
    server.propagation.replaying = true;
    try {
      const args = spec.arguments !== undefined && spec.parse !== "manual"
        ? parseArgs(spec.arguments, argv, resolved.argStart)
        : NO_ARGS;
      spec.handler?.(call, args);
    } catch (e) {
      if (!(e instanceof ReplyError)) throw e;
    } finally {
      server.propagation.replaying = false;
    }
    client.writer.take();
    return null;
  }

  /**
   * DEBUG LOADAOF: the buffer is written (and fsynced), the dataset emptied, and the AOF on disk (manifest,
   * after dropping its history files; or an old single file, upgraded) loaded back. False when it could not
   * be loaded (logged); the dataset then holds what was loaded before the failure, as in Valkey.
   */
  debugLoad(): boolean {
    if (this.state !== AOF_OFF) this.flush(true);
    this.server.signalFlushedDb(-1);
    for (const db of this.server.dbs) db.clear();
    try {
      this.loadManifestFromDisk();
      if (this.manifest.history.length > 0) {
        const history = this.manifest.history;
        this.manifest.history = [];
        this.persistManifest();
        this.#deleteHistory(history);
      }
      const ret = this.loadFiles();
      if (ret !== LoadStatus.OK && ret !== LoadStatus.EMPTY) return false;
    } catch (e) {
      // A bad manifest or a failed upgrade (logged): Valkey exits here; the server stays up.
      this.server.logger.warning(`AOF loading aborted: ${e instanceof Error ? e.message : e}`);
      return false;
    }
    this.server.dirty = 0;
    this.server.logger.notice("Append Only File loaded by DEBUG LOADAOF");
    return true;
  }

  /** At start-up with `appendonly yes`: load, or create the base; open the incr file (Valkey's order). */
  startupLoad(): void {
    this.loadManifestFromDisk();
    const t0 = performance.now();
    const ret = this.loadFiles();
    if (ret === LoadStatus.FAILED || ret === LoadStatus.OPEN_ERR) {
      throw new Error("Fatal error loading the AOF, check server logs. Exiting.");
    }
    if (ret !== LoadStatus.NOT_EXIST) {
      this.server.logger.notice(
        `DB loaded from append only file: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`,
      );
    }
    this.state = AOF_ON;
    this.fsyncedReploff = 0;
    this.#fsyncedPending = 0;
    this.#openOnStart();
  }

  /** aofOpenIfNeededOnServerStart. */
  #openOnStart(): void {
    const log = this.server.logger;
    if (!this.#mkdir()) throw new Error("Can't open or create append-only dir");
    const m = this.manifest;
    const hadIncr = m.incrs.length > 0;
    if (m.base === null && !hadIncr) {
      const name = this.#newBaseName();
      this.#writeBaseSync(this.#file(name));
      log.notice(`Creating AOF base file ${name} on server start`);
    }
    if (!hadIncr) {
      m.incrs.push({ name: `${this.fileName}.${++m.incrSeq}.incr.aof`, seq: m.incrSeq, type: "i" });
    }
    const name = m.incrs[m.incrs.length - 1]!.name;
    let fd: number;
    try {
      fd = this.#openAppend(name);
    } catch (e) {
      log.warning(`Can't open the append-only file ${name}: ${strerror(e)}`);
      throw new Error("Can't open the append-only file");
    }
    if (!this.persistManifest()) throw new Error("Can't persist the AOF manifest");
    // aof_current_size / aof_base_size come from loading (a base created just now is not counted, as in
    // Valkey): the incr file's writes add to them from here.
    this.#switchFd(fd, name, this.#fileSize(name));
    log.notice(`${hadIncr ? "Opening" : "Creating"} AOF incr file ${name} on server start`);
  }

  /** Next base file name; the current base (if any) becomes history (getNewBaseFileNameAndMarkPreAsHistory). */
  #newBaseName(): string {
    const m = this.manifest;
    if (m.base !== null) {
      m.base.type = "h";
      m.history.push(m.base);
    }
    const rdb = this.config.getBool("aof-use-rdb-preamble");
    const name = `${this.fileName}.${++m.baseSeq}.base.${rdb ? "rdb" : "aof"}`;
    m.base = { name, seq: m.baseSeq, type: "b" };
    return name;
  }

  #aux(): [string, string][] {
    return persistenceOf(this.server).aux().map(([k, v]) => [k, k === "aof-base" ? "1" : v]);
  }

  /** Writes a complete base file synchronously (start-up with an empty dataset). */
  #writeBaseSync(file: string): void {
    const data = this.#baseImage();
    const tmp = `${file}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, "w");
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }

  /** The whole dataset as a base file's bytes (RDB or commands), synchronously. */
  #baseImage(): Uint8Array {
    const c = this.config;
    const p = persistenceOf(this.server);
    if (c.getBool("aof-use-rdb-preamble")) {
      return serializeAll(
        new RdbWriter(c.getBool("rdbcompression"), 1 << 20),
        this.server.dbs,
        this.#aux(),
        p.access(),
        Date.now(),
        c.getBool("rdbchecksum"),
      );
    }
    return rewriteCommands(this.server, Date.now());
  }

  // ---- rewrite -----------------------------------------------------------------------------------------------

  /** BGREWRITEAOF: "started", "scheduled", or an error reply. */
  requestRewrite(inExec: boolean): { ok: boolean; reply: string } {
    if (this.rewrite !== null) {
      return { ok: false, reply: "ERR Background append only file rewriting already in progress" };
    }
    if (persistenceOf(this.server).bgsaveInProgress || inExec) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      this.server.logger.notice("Background append only file rewriting scheduled.");
      return { ok: true, reply: "Background append only file rewriting scheduled" };
    }
    if (this.startRewrite()) return { ok: true, reply: "Background append only file rewriting started" };
    return {
      ok: false,
      reply:
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
    };
  }

  /** rewriteAppendOnlyFileBackground. */
  startRewrite(): boolean {
    if (this.rewrite !== null || persistenceOf(this.server).bgsaveInProgress) return false;
    const log = this.server.logger;
    if (!this.#mkdir()) return false;
    this.rewriteScheduled = false;
    // Everything so far goes to the current incr file; everything after the snapshot instant to a new one.
    // Written now; its fsync (if the policy has not done it) runs in the background as the file is closed.
    this.flush();
    if (!this.#openNewIncr()) {
      this.lastBgrewriteOk = false;
      return false;
    }
    if (this.state === AOF_WAIT_REWRITE) {
      // WAITAOF: nothing is acknowledged until this first rewrite is done; then everything up to now is.
      this.#fsyncedPending = this.server.propagation.replOffset;
      this.fsyncedReploff = 0;
    }
    const dir = this.config.getStr("dir");
    const p = persistenceOf(this.server);
    const c = this.config;
    const pid = process.pid;
    const tmp = path.join(dir, `temp-rewriteaof-${pid}.aof`);
    const done = path.join(dir, `temp-rewriteaof-bg-${pid}.aof`);
    this.rewriteStartedAt = Date.now();
    const autosync = c.getBool("aof-rewrite-incremental-fsync") ? AUTOSYNC_BYTES : 0;
    if (!c.getBool("aof-use-rdb-preamble")) {
      // Command form: the same point-in-time walk, writing commands (aof_rewrite.ts).
      const job: CommandSnapshot = new CommandSnapshot(
        [...this.server.dbs],
        tmp,
        done,
        (err) => this.#rewriteDone(job, err, done),
        p.writer,
        autosync,
        c.getInt("rdb-key-save-delay"),
      );
      try {
        job.start();
      } catch (e) {
        log.warning(`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(e)}`);
        this.#rewriteFailed();
        return false;
      }
      this.rewrite = job;
      this.rewrites++;
      log.notice(`Background append only file rewriting started by pid ${pid}`);
      return true;
    }
    const snap: Snapshot = new Snapshot({
      dbs: [...this.server.dbs],
      tempPath: tmp,
      finalPath: done,
      compress: c.getBool("rdbcompression"),
      checksum: c.getBool("rdbchecksum"),
      access: p.access(),
      aux: this.#aux(),
      keyDelayUs: c.getInt("rdb-key-save-delay"),
      writer: p.writer,
      autosync,
      onDone: (err) => this.#rewriteDone(snap, err, done),
    });
    try {
      snap.start();
    } catch (e) {
      log.warning(`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(e)}`);
      this.#rewriteFailed();
      return false;
    }
    this.rewrite = snap;
    this.rewrites++;
    log.notice(`Background append only file rewriting started by pid ${pid}`);
    return true;
  }

  /** openNewIncrAofForAppend: the writes after the rewrite's instant go to a new incr file. */
  #openNewIncr(): boolean {
    const log = this.server.logger;
    const m = this.manifest;
    this.#rewriteIncrCount = m.incrs.length;
    if (this.state === AOF_OFF) return true;
    let name: string;
    if (this.state === AOF_WAIT_REWRITE) {
      name = `temp-${this.fileName}.incr`;
      try {
        fs.unlinkSync(this.#file(name));
      } catch { /* none */ }
    } else name = `${this.fileName}.${m.incrSeq + 1}.incr.aof`;
    let fd: number;
    try {
      fd = this.#openAppend(name);
    } catch (e) {
      log.warning(`Can't open the append-only file ${name}: ${strerror(e)}`);
      return false;
    }
    if (this.state === AOF_ON) {
      m.incrs.push({ name, seq: ++m.incrSeq, type: "i" });
      if (!this.persistManifest()) {
        m.incrs.pop();
        m.incrSeq--;
        fs.closeSync(fd);
        try {
          fs.unlinkSync(this.#file(name));
        } catch { /* gone */ }
        return false;
      }
    } else this.#tempIncr = name;
    this.#switchFd(fd, name, 0);
    log.notice(`Creating AOF incr file ${name} on background rewrite`);
    return true;
  }

  #rewriteFailed(): void {
    this.lastBgrewriteOk = false;
    this.consecutiveFailures++;
    this.lastRewriteTimeSec = Math.floor((Date.now() - this.rewriteStartedAt) / 1000);
  }

  /** backgroundRewriteDoneHandler. */
  #rewriteDone(snap: RewriteJob, err: string | null, tmpFile: string): void {
    if (this.rewrite !== snap) return;
    this.rewrite = null;
    this.lastRewriteSyncs = snap.syncs;
    const log = this.server.logger;
    this.lastRewriteTimeSec = Math.floor((Date.now() - this.rewriteStartedAt) / 1000);
    if (err !== null) {
      log.warning(err);
      log.warning("Background AOF rewrite terminated with error");
      this.#rewriteFailed();
      try {
        fs.unlinkSync(tmpFile);
      } catch { /* gone */ }
      return;
    }
    log.notice("Background AOF rewrite terminated with success");
    const m = this.manifest;
    const saved = {
      base: m.base,
      incrs: [...m.incrs],
      history: [...m.history],
      baseSeq: m.baseSeq,
      incrSeq: m.incrSeq,
    };
    const baseName = this.#newBaseName();
    const tmpName = path.basename(tmpFile);
    let t = latencyStart(this.server);
    try {
      fs.renameSync(tmpFile, this.#file(baseName));
    } catch (e) {
      log.warning(
        `Error trying to rename the temporary AOF base file ${tmpName} into ${baseName}: ${strerror(e)}`,
      );
      Object.assign(m, saved);
      this.#rewriteFailed();
      return;
    }
    latencyEnd(this.server, "aof-rename", t);
    log.notice(`Successfully renamed the temporary AOF base file ${tmpName} into ${baseName}`);
    if (this.state === AOF_WAIT_REWRITE && this.#tempIncr !== null) {
      const newName = `${this.fileName}.${m.incrSeq + 1}.incr.aof`;
      t = latencyStart(this.server);
      try {
        fs.renameSync(this.#file(this.#tempIncr), this.#file(newName));
      } catch (e) {
        log.warning(
          `Error trying to rename the temporary AOF incr file ${this.#tempIncr} into ${newName}: ${
            strerror(e)
          }`,
        );
        Object.assign(m, saved);
        this.#rewriteFailed();
        return;
      }
      latencyEnd(this.server, "aof-rename", t);
      log.notice(`Successfully renamed the temporary AOF incr file ${this.#tempIncr} into ${newName}`);
      // Every earlier incr file is history; the renamed one follows the new base.
      for (const f of m.incrs) (f.type = "h", m.history.push(f));
      m.incrs = [{ name: newName, seq: ++m.incrSeq, type: "i" }];
      this.#fdName = newName;
      this.#tempIncr = null;
      this.state = AOF_ON;
      // The offset taken when the rewrite started (or a later fsync's) is now valid for WAITAOF.
      this.fsyncedReploff = this.#fsyncedPending;
      for (const f of this.fsyncListeners) f();
    } else {
      // The incr files from before the rewrite started are in the new base.
      const old = m.incrs.splice(0, this.#rewriteIncrCount);
      for (const f of old) (f.type = "h", m.history.push(f));
    }
    // One manifest write commits the new base and drops the history (Valkey writes it with the history,
    // then again without it after the unlinks: two fsyncs of the manifest and two of the directory on the
    // main thread, where this takes one of each); the files follow in the background.
    const history = m.history;
    m.history = [];
    if (!this.persistManifest()) {
      Object.assign(m, saved);
      this.#rewriteFailed();
      return;
    }
    this.#deleteHistory(history);
    this.currentSize = this.#fileSize(baseName) + (this.#fd !== -1 ? this.lastIncrSize : 0);
    this.baseSize = this.currentSize;
    this.lastBgrewriteOk = true;
    this.consecutiveFailures = 0;
    log.notice("Background AOF rewrite finished successfully");
  }

  /** Stops a running rewrite (killAppendOnlyChild); its temp files are removed. */
  cancelRewrite(): void {
    const snap = this.rewrite;
    if (snap === null) return;
    this.server.logger.notice(`Killing running AOF rewrite child: ${process.pid}`);
    this.rewrite = null;
    snap.cancel();
    const dir = this.config.getStr("dir");
    try {
      fs.unlinkSync(path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`));
    } catch { /* none */ }
  }

  // ---- turning it on and off ---------------------------------------------------------------------------------

  /** CONFIG SET appendonly yes (startAppendOnly): waits for a first rewrite, which starts now or is scheduled. */
  enable(): string | null {
    if (this.state !== AOF_OFF) return null;
    const log = this.server.logger;
    this.state = AOF_WAIT_REWRITE;
    this.manifest = new Manifest();
    try {
      this.loadManifestFromDisk();
    } catch {
      this.manifest = new Manifest();
    }
    if (persistenceOf(this.server).bgsaveInProgress) {
      this.rewriteScheduled = true;
      log.notice(
        "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.",
      );
      return null;
    }
    if (!this.startRewrite()) {
      this.state = AOF_OFF;
      log.warning(
        "The server needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
      );
      return "Failed to enable AOF";
    }
    return null;
  }

  /** CONFIG SET appendonly no (stopAppendOnly). */
  disable(): void {
    if (this.state === AOF_OFF) return;
    this.flush(true);
    this.#closeFd();
    this.cancelRewrite();
    if (this.#tempIncr !== null) {
      try {
        fs.unlinkSync(this.#file(this.#tempIncr));
      } catch { /* gone */ }
      this.#tempIncr = null;
    }
    this.rewriteScheduled = false;
    this.state = AOF_OFF;
    this.#cb.consume(this.#cb.len);
    this.fsyncedReploff = -1;
    this.#fsyncedPending = 0;
    for (const f of this.fsyncListeners) f();
  }

  /** Shutdown: the buffer is written and fsynced; a running rewrite is killed. */
  shutdown(): void {
    if (this.rewrite !== null) this.cancelRewrite();
    if (this.#fd !== -1) {
      this.server.logger.notice("Calling fsync() on the AOF file.");
      this.flush(true);
      this.#closeFd();
    }
  }

  /** The INFO persistence aof_* fields. */
  infoFields(): [string, string | number][] {
    const inRw = this.rewrite !== null;
    const f: [string, string | number][] = [
      ["aof_enabled", this.state !== AOF_OFF ? 1 : 0],
      ["aof_rewrite_in_progress", inRw ? 1 : 0],
      ["aof_rewrite_scheduled", this.rewriteScheduled ? 1 : 0],
      ["aof_last_rewrite_time_sec", this.lastRewriteTimeSec],
      ["aof_current_rewrite_time_sec", inRw ? Math.floor((Date.now() - this.rewriteStartedAt) / 1000) : -1],
      ["aof_last_bgrewrite_status", this.lastBgrewriteOk ? "ok" : "err"],
      ["aof_rewrites", this.rewrites],
      ["aof_rewrites_consecutive_failures", this.consecutiveFailures],
      ["aof_last_write_status", this.lastWriteOk ? "ok" : "err"],
      ["aof_last_cow_size", 0],
    ];
    return f;
  }

  /** The fields INFO adds after module_fork_last_cow_size while AOF is enabled. */
  infoEnabledFields(): [string, string | number][] {
    if (this.state === AOF_OFF) return [];
    return [
      ["aof_current_size", this.currentSize],
      ["aof_base_size", this.baseSize],
      ["aof_pending_rewrite", this.rewriteScheduled ? 1 : 0],
      ["aof_buffer_length", this.#cb.len],
      ["aof_pending_bio_fsync", this.#fsyncing ? 1 : 0],
      ["aof_delayed_fsync", 0],
    ];
  }

  /** The incr file being written (tests, DEBUG). */
  get currentIncrName(): string {
    return this.#fdName;
  }
}

function readLine(buf: Uint8Array, pos: number): { text: string; next: number } | null {
  const nl = buf.indexOf(10, pos);
  if (nl < 0) return null;
  const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
  let text = "";
  for (let i = pos; i < end; i++) text += String.fromCharCode(buf[i]!);
  return { text, next: nl + 1 };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Wires the AOF into a server (embed.ts). `rdbLoaders`: the RDB start-up loaders, run only with AOF off. */
export function installAof(server: Server, rdbLoaders: (() => void)[]): Aof {
  const aof = aofOf(server);
  // The feed is attached only while the AOF is on (or waiting for its first rewrite): with nothing
  // attached, commands record no effects (Propagation.active), which saves ~2.5% of a SET's CPU.
  const feed = (db: number, argv: readonly Uint8Array[]) => aof.feed(db, argv);
  const feeds = server.propagation.feeds;
  aof.onState = (state) => {
    const i = feeds.indexOf(feed);
    if (state !== AOF_OFF && i === -1) feeds.push(feed);
    else if (state === AOF_OFF && i !== -1) feeds.splice(i, 1);
  };
  aof.onState(aof.state);
  server.holdReplies = (client) => aof.holdReplies(client);
  server.cronHooks.push(() => aof.cron());
  server.startupLoaders.push(() => {
    if (server.config.getBool("appendonly")) aof.startupLoad();
    else for (const fn of rdbLoaders) fn();
    // The snapshot writer Worker is made now, not by the first BGSAVE / rewrite (see WriterThread).
    if (server.config.getBool("appendonly") || server.config.getSave().length > 0) {
      persistenceOf(server).writer.warm();
    }
  });
  server.config.onChange("appendonly", (v) => {
    if (v === "yes") return aof.enable();
    aof.disable();
    return null;
  });
  server.shutdownHooks.push(() => aof.shutdown());
  server.shutdownAof = (force) => {
    const log = server.logger;
    if (aof.rewrite !== null) {
      if (aof.state === AOF_WAIT_REWRITE) {
        if (!force) {
          log.warning("Writing initial AOF, can't exit.");
          server.supervision.notify("STATUS=Writing initial AOF, can't exit.\n");
          return false;
        }
        log.warning("Writing initial AOF. Exit anyway.");
      }
      log.warning("There is a child rewriting the AOF. Killing it!");
    }
    aof.shutdown();
    return true;
  };
  // One snapshot at a time: BGSAVE (save points, SCHEDULE) waits while a rewrite runs, as Valkey waits
  // for the active child. Scheduled BGSAVEs stay scheduled and start when the rewrite is over.
  const p = persistenceOf(server);
  const startBgsave = p.startBgsave.bind(p);
  p.startBgsave = (repl) => aof.rewrite === null && startBgsave(repl);
  server.gates.unshift((call) => {
    const name = call.spec.name;
    if (name === "bgsave" && aof.rewrite !== null) {
      const a1 = call.argv[1];
      const word = a1 === undefined ? "" : new TextDecoder().decode(a1).toLowerCase();
      if (call.argv.length === 2 && word === "schedule") {
        p.bgsaveScheduled = true;
        server.logger.notice("Background saving scheduled due to user request");
        call.reply.simple("Background saving scheduled");
        return true;
      }
      if (call.argv.length === 1) {
        call.error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
            "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        );
        return true;
      }
      return false;
    }
    // Writes are refused while the AOF cannot be written (writeCommandsDeniedByDiskError).
    if (!aof.lastWriteOk && aof.state !== AOF_OFF) {
      if (isWriteCall(call) || name === "ping") {
        gateReject(call, `MISCONF Errors writing to the AOF file: ${aof.lastWriteError}`);
        return true;
      }
    }
    return false;
  });
  server.writeDenials.push(() =>
    !aof.lastWriteOk && aof.state !== AOF_OFF
      ? `MISCONF Errors writing to the AOF file: ${aof.lastWriteError}`
      : null
  );
  return aof;
}
