/**
 * BGSAVE without fork: a point-in-time RDB image written while commands keep running.
 *
 * Valkey forks and lets the kernel's copy-on-write keep the child's view of memory frozen. JavaScript
 * cannot fork, so Valkyr gets the same guarantee per key instead of per page:
 *
 *   1. Start (O(number of databases)): every non-empty Db flips its snapshot parity bit
 *      (Db.beginSnapshot). Every entry present at that instant is now "owed" to the snapshot (its
 *      F_SNAP flag differs from the Db's bit); entries written later are born "done".
 *   2. Incremental walk: a step runs from the event loop for at most `sliceMs` (1 ms), scheduled with
 *      setImmediate and, at least every 2 ms, with a timer (see #schedule)
 *      and walks the current Db with its SCAN cursor, serializing each owed entry it meets and
 *      marking it done. The hash table's scan guarantees that every entry present for the whole walk
 *      is visited at least once, across rehashing, growth and shrinking; entries seen twice are skipped
 *      by their done mark.
 *   3. Copy-on-write: before anything reads or changes an owed entry (Db.lookup / find, overwrites, TTL
 *      changes, deletes, eviction, FLUSHDB) the Db calls {@link Snapshot.preserve}, which serializes the
 *      entry's current (= snapshot-time) value first. A key of the Db being walked goes straight into
 *      the output; a key of a Db not reached yet goes into that Db's side buffer, emitted right after
 *      its SELECTDB. Any access, not only writes, triggers it: mutations in place always start with a
 *      lookup, so this is the one robust hook, and the total work is unchanged (each key is serialized
 *      exactly once, only earlier). Keys that expire before being reached are dropped, as loading the
 *      file afterwards would drop them.
 *   4. Output: 256 KB chunks are transferred (not copied) to a Worker (rdb_writer_worker.ts) that keeps
 *      the CRC64 and writes them to a temp file, so neither the checksum nor the write system calls
 *      take time from commands; the walk pauses while more than 16 MB are in flight. At the end the
 *      Worker appends the checksum, fsyncs, and renames the file over `dbfilename`.
 *      A snapshot for diskless replication (Valkey's rdbSaveToReplicasSockets) has a {@link RdbStream}
 *      instead: the chunks go to the replicas' sockets, the CRC64 is kept here, and the walk pauses while
 *      the stream says it is backlogged (the replicas' sockets hold too much) until it calls resume().
 *
 * Memory overhead: the 256 KB output chunk, at most 16 MB of writes in flight, plus the serialized form
 * of the keys touched ahead of the walk in Dbs not reached yet. Worst case (every key of a later Db
 * touched before the walk gets there): the RDB size of that Db, which is typically 30-60% of its
 * in-memory size because RDB is compact and LZF-compressed — below fork's worst case of 2x the dataset.
 * Per key there is no extra memory: the owed/done state is one bit of the entry's existing flags byte.
 *
 * Latency: each step costs at most `sliceMs` plus the time of the one entry it is serializing, and a
 * command that touches an owed key pays that key's serialization once (a few microseconds for small
 * keys; a key with millions of elements costs what Valkey's child would spend on it).
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { setImmediate } from "node:timers";
import type { Db, SnapshotSink } from "../keyspace/db.ts";
import { strerror } from "../config/directives.ts";
import { type AccessInfo, writeDbHeader, writeEntry, writeHeader } from "./rdb_file.ts";
import { Opcode, RdbWriter } from "./rdb_io.ts";
import { Crc64 } from "./crc64.ts";
import type { FromWriter, ToWriter, WriterError } from "./rdb_writer_worker.ts";

const CHUNK = 256 << 10;

/** REDIS_AUTOSYNC_BYTES: the incremental fsync step of `rdb-save-incremental-fsync` / `aof-rewrite-...`. */
export const AUTOSYNC_BYTES = 4 << 20;

/**
 * Ends `db`'s snapshot and marks the entries it still owes done, so the parity bit means "owed" for every
 * entry again when the next snapshot flips it. The AOF rewrite's base (aof_rewrite.ts) detaches the same way.
 */
export function detachSnapshot(db: Db): void {
  db.endSnapshot();
  let cursor = 0;
  do {
    cursor = db.scan(cursor, (ref) => {
      if (db.snapshotOwed(ref)) db.snapshotDone(ref);
    });
  } while (cursor !== 0);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const MAX_IN_FLIGHT = 16 << 20;
/** The walk yields through a timer at least this often (ms), so sockets are polled. */
const HOP_MS = 2;

const WAITING = 0;
const WALKING = 1;
const DONE = 2;

interface DbPart {
  db: Db;
  id: number;
  keys: number;
  volatile: number;
  state: number;
  /** Keys preserved before the walk reached this Db. */
  pending: RdbWriter | null;
}

export interface SnapshotOptions {
  /** Databases by number, as they are when the snapshot starts. */
  dbs: readonly Db[];
  tempPath: string;
  finalPath: string;
  compress: boolean;
  checksum: boolean;
  access: AccessInfo;
  aux: readonly (readonly [string, string])[];
  lfuCounter?: (field: number) => number;
  /** Time budget of one step (ms), 1 by default. */
  sliceMs?: number;
  /**
   * `rdb-key-save-delay` (µs, for tests): when positive, each step writes the keys of one bucket and the
   * next step waits this long per key written (on a timer: the server keeps serving meanwhile).
   */
  keyDelayUs?: number;
  /** The writer Worker to use. */
  writer: WriterThread;
  /** Sync the file every this many bytes while writing (0: only at the end); see rdb_writer_worker.ts. */
  autosync?: number;
  /** Called once: null on success, else the log line of the failure. Not called after cancel(). */
  onDone(err: string | null): void;
  /** Where the bytes go instead of a file (diskless replication); tempPath, finalPath, writer unused. */
  stream?: RdbStream;
}

/** The output of a snapshot that goes to sockets rather than a file (see the head of this file). */
export interface RdbStream {
  /** The next bytes of the image (the snapshot does not touch them afterwards). */
  write(chunk: Uint8Array): void;
  /** True while the receivers hold too much unsent: the walk waits for {@link Snapshot.resume}. */
  backlogged(): boolean;
  /** The image is complete (its checksum, the last 8 bytes, was written). */
  end(): void;
}

function workerUrl(): string {
  const bunfs = import.meta.url.match(/^(.*\$bunfs\/root\/)/);
  if (bunfs !== null) return `${bunfs[1]}core/persistence/rdb_writer_worker.js`;
  return new URL("./rdb_writer_worker.ts", import.meta.url).href;
}

/** How long an idle writer Worker is kept for the next BGSAVE, by default. */
const WRITER_IDLE_MS = 30_000;

/**
 * The writer Worker of one server, shared by its BGSAVEs and AOF rewrites one after the other (see
 * rdb_writer_worker.ts): created by {@link WriterThread.warm} or on first use, ended after `idleMs` without
 * a session (never with Infinity) or by {@link WriterThread.stop}.
 *
 * Creating a Worker is synchronous on the main thread and costs 10-60 ms on Deno, several hundred ms on a
 * loaded machine (measured: 256 ms at a load average of 10 on 2 cores): a BGSAVE or BGREWRITEAOF that had to
 * create one stalled every client for that long. The server's Persistence therefore keeps its Worker for
 * its whole life and creates it at start-up when save points or the AOF are configured.
 */
export class WriterThread {
  #worker: Worker | null = null;
  #sessions = new Map<number, (m: FromWriter) => void>();
  #next = 0;
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly idleMs: number = WRITER_IDLE_MS) {}

  /** Creates the Worker now if there is none (so that the next save does not pay for it). */
  warm(): void {
    if (this.#worker !== null) return;
    const w = new Worker(workerUrl(), { type: "module" });
    w.addEventListener("message", (e: MessageEvent<FromWriter>) => this.#sessions.get(e.data.s)?.(e.data));
    w.addEventListener("error", (e: Event) => {
      // Handled here: unhandled, a Worker's error would end the process. Every session fails.
      e.preventDefault();
      const msg = (e as ErrorEvent).message ?? "Worker error";
      const sessions = [...this.#sessions.entries()];
      this.#sessions.clear();
      this.#worker = null;
      w.terminate();
      for (const [s, fn] of sessions) {
        fn({ s, op: "done", error: { step: "rdbSaveRio", code: undefined, message: msg }, syncs: 0 });
      }
    });
    this.#worker = w;
  }

  /** Opens a session; `onMessage` gets its messages. Returns the session id. */
  open(onMessage: (m: FromWriter) => void): number {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.warm();
    const s = ++this.#next;
    this.#sessions.set(s, onMessage);
    return s;
  }

  post(m: ToWriter, transfer: Transferable[] = []): void {
    this.#worker?.postMessage(m, transfer);
  }

  /** Ends a session (after its "done"); the Worker stays a while for the next one. */
  close(s: number): void {
    this.#sessions.delete(s);
    if (this.#sessions.size > 0 || this.idleMs === Infinity) return;
    this.#idle = setTimeout(() => this.stop(), this.idleMs);
    (this.#idle as { unref?: () => void }).unref?.();
  }

  /** Ends the Worker now (server shutdown). */
  stop(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#worker?.terminate();
    this.#worker = null;
    this.#sessions.clear();
  }
}

/** A running BGSAVE; see the head of this file. */
export class Snapshot implements SnapshotSink {
  readonly startedAt = Date.now();
  keysTotal = 0;
  keysProcessed = 0;
  /** Intermediate syncs of the file (incremental fsync), known when the Worker is done. */
  syncs = 0;
  #opts: SnapshotOptions;
  #parts: DbPart[] = [];
  #byDb = new Map<Db, DbPart>();
  #cur = 0;
  #cursor = 0;
  #out: RdbWriter;
  #session = 0;
  #sessionOpen = false;
  #inFlight = 0;
  /** The walk is over (finished, failed or cancelled). */
  #finished = false;
  #cancelled = false;
  #failure: string | null = null;
  #scheduled = false;
  #sliceMs: number;
  /** When the walk last went through a timer (see #schedule). */
  #lastHop = 0;
  /** Keys the last step wrote (a throttled walk waits `keyDelayUs` per key). */
  #lastStepKeys = 0;
  /** The image's checksum so far, for a snapshot to sockets (the writer Worker keeps it for files). */
  #crc: Crc64 | null = null;

  constructor(opts: SnapshotOptions) {
    this.#opts = opts;
    this.#out = new RdbWriter(opts.compress, CHUNK + 64 * 1024);
    this.#sliceMs = opts.sliceMs ?? 1;
  }

  /** Freezes the point in time and starts the walk. Throws if the temp file cannot be created. */
  start(): void {
    if (this.#opts.stream === undefined) {
      // Checked here so that BGSAVE can answer an error at once; the Worker reopens (truncating) the file.
      fs.closeSync(fs.openSync(this.#opts.tempPath, "w"));
      this.#session = this.#opts.writer.open((m) => this.#onWorker(m));
      this.#sessionOpen = true;
      this.#post({ op: "open", path: this.#opts.tempPath, autosync: this.#opts.autosync ?? 0 });
    } else this.#crc = new Crc64();
    writeHeader(this.#out, this.#opts.aux);
    this.#opts.dbs.forEach((db, id) => {
      if (db.size === 0) return;
      const part: DbPart = {
        db,
        id,
        keys: db.size,
        volatile: db.volatileCount,
        state: WAITING,
        pending: null,
      };
      this.#parts.push(part);
      this.#byDb.set(db, part);
      this.keysTotal += db.size;
      db.beginSnapshot(this);
    });
    this.#schedule();
  }

  get inProgress(): boolean {
    return !this.#finished;
  }

  /** True for a snapshot that streams to sockets (diskless replication) rather than to a file. */
  get toSockets(): boolean {
    return this.#opts.stream !== undefined;
  }

  /** Continues a walk that waited for a backlogged {@link RdbStream}. */
  resume(): void {
    this.#schedule();
  }

  // --- SnapshotSink ---

  preserve(db: Db, ref: number): void {
    const part = this.#byDb.get(db);
    if (part === undefined || part.state === DONE) return;
    this.keysProcessed++;
    if (part.state === WALKING) {
      this.#write(db, ref, this.#out);
    } else {
      part.pending ??= new RdbWriter(this.#opts.compress, 4096);
      this.#write(db, ref, part.pending);
    }
  }

  preserveAll(db: Db): void {
    let cursor = 0;
    do {
      cursor = db.scan(cursor, (ref) => {
        if (!db.snapshotOwed(ref)) return;
        db.snapshotDone(ref);
        this.preserve(db, ref);
      });
    } while (cursor !== 0);
  }

  #write(db: Db, ref: number, w: RdbWriter): void {
    writeEntry(w, db, ref, this.#opts.access, Date.now(), this.#opts.lfuCounter);
  }

  // --- the walk ---

  #schedule(): void {
    if (this.#scheduled || this.#finished) return;
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      this.#step();
    };
    const delay = (this.#opts.keyDelayUs ?? 0) * Math.max(1, this.#lastStepKeys);
    if (delay > 0) return void setTimeout(run, Math.max(1, Math.round(delay / 1000)));
    // Deno runs a chain of setImmediate callbacks without polling sockets in between (a client can wait
    // hundreds of ms); a timer lets the event loop poll. So: immediates for speed, and a timer at least
    // every HOP_MS, which bounds what a command waits to about one slice.
    const now = performance.now();
    if (now - this.#lastHop >= HOP_MS) {
      this.#lastHop = now;
      setTimeout(run, 0);
    } else setImmediate(run);
  }

  #step(): void {
    if (this.#finished) return;
    if (this.#inFlight > MAX_IN_FLIGHT) return; // resumed when the Worker has written enough
    if (this.#opts.stream?.backlogged() === true) return; // resumed by the stream's owner
    const deadline = performance.now() + this.#sliceMs;
    const out = this.#out;
    try {
      while (this.#cur < this.#parts.length) {
        const part = this.#parts[this.#cur]!;
        const db = part.db;
        if (part.state === WAITING) {
          writeDbHeader(out, part.id, part.keys, part.volatile);
          if (part.pending !== null) {
            out.raw(part.pending.view());
            part.pending = null;
          }
          part.state = WALKING;
          this.#cursor = 0;
        }
        let n = 0;
        const before = this.keysProcessed;
        const throttled = (this.#opts.keyDelayUs ?? 0) > 0;
        do {
          this.#cursor = db.scan(this.#cursor, (ref) => {
            if (!db.snapshotOwed(ref)) return;
            db.snapshotDone(ref);
            this.keysProcessed++;
            writeEntry(out, db, ref, this.#opts.access, Date.now(), this.#opts.lfuCounter);
          });
          if (out.len >= CHUNK) this.#flush();
        } while (
          this.#cursor !== 0 && !(throttled && this.keysProcessed !== before) &&
          (++n & 15 || performance.now() < deadline)
        );
        if (this.#cursor === 0) {
          part.state = DONE;
          db.endSnapshot();
          this.#cur++;
        }
        this.#lastStepKeys = this.keysProcessed - before;
        if (performance.now() >= deadline || (throttled && this.keysProcessed !== before)) break;
      }
    } catch (e) {
      return this.#fail(
        `Write error while saving DB to the disk(rdbSaveRio): ${e instanceof Error ? e.message : e}`,
      );
    }
    if (this.#cur < this.#parts.length) {
      this.#schedule();
      return;
    }
    this.#finished = true;
    out.byte(Opcode.EOF);
    this.#flush();
    const stream = this.#opts.stream;
    if (stream !== undefined) {
      stream.write(this.#opts.checksum ? this.#crc!.bytes() : new Uint8Array(8));
      stream.end();
      this.#opts.onDone(null);
      return;
    }
    this.#post({
      op: "finish",
      trailer: this.#opts.checksum ? "crc" : "zero",
      finalPath: this.#opts.finalPath,
    });
  }

  /** Hands the output so far to the Worker (transferred, not copied). */
  #flush(): void {
    const out = this.#out;
    if (out.len === 0) return;
    const chunk = out.take();
    const stream = this.#opts.stream;
    if (stream !== undefined) {
      this.#crc!.update(chunk);
      stream.write(chunk);
      return;
    }
    this.#inFlight += chunk.length;
    this.#post({ op: "chunk", buf: chunk.buffer as ArrayBuffer }, [chunk.buffer as ArrayBuffer]);
  }

  #post(m: DistributiveOmit<ToWriter, "s">, transfer: Transferable[] = []): void {
    if (this.#opts.stream !== undefined) return;
    this.#opts.writer.post({ ...m, s: this.#session } as ToWriter, transfer);
  }

  #onWorker(m: FromWriter): void {
    if (m.op === "written") {
      this.#inFlight -= m.bytes;
      if (this.#inFlight <= MAX_IN_FLIGHT) this.#schedule();
      return;
    }
    this.syncs = m.syncs;
    this.#workerDone(m.error);
  }

  #workerDone(err: WriterError | null): void {
    if (!this.#sessionOpen) return;
    this.#sessionOpen = false;
    this.#opts.writer.close(this.#session);
    if (this.#cancelled) return;
    if (!this.#finished) {
      this.#finished = true;
      this.#release();
    }
    if (this.#failure !== null) return this.#opts.onDone(this.#failure);
    this.#opts.onDone(err === null ? null : this.#describe(err));
  }

  #describe(err: WriterError): string {
    const o = this.#opts;
    const why = strerror(err);
    if (err.step === "open") {
      return `Failed opening the temp RDB file ${path.basename(o.tempPath)} (in server root dir ${
        path.dirname(o.tempPath)
      }) for saving: ${why}`;
    }
    if (err.step === "rename") {
      return `Error moving temp DB file ${path.basename(o.tempPath)} on the final destination ${
        path.basename(o.finalPath)
      } (in server root dir ${path.dirname(o.finalPath)}): ${why}`;
    }
    return `Write error while saving DB to the disk(${err.step}): ${why}`;
  }

  /**
   * Stops the snapshot (BGSAVE CANCEL, shutdown, DEBUG RELOAD); the temp file is removed, nothing reported.
   * With `timeUnlink`, returns the whole milliseconds the removal took (Valkey's "rdb-unlink-temp-file"
   * latency event), else 0.
   */
  cancel(timeUnlink = false): number {
    if (this.#cancelled) return 0;
    this.#cancelled = true;
    if (!this.#finished) {
      this.#finished = true;
      this.#release();
    }
    this.#post({ op: "abort" });
    if (this.#opts.stream !== undefined) return 0;
    // The Worker removes it too; done here as well in case the process ends first (shutdown).
    const t = timeUnlink ? performance.now() : 0;
    try {
      fs.unlinkSync(this.#opts.tempPath);
    } catch { /* not created yet, or gone */ }
    return timeUnlink ? Math.floor(performance.now() - t) : 0;
  }

  #fail(msg: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#failure = msg;
    this.#release();
    this.#post({ op: "abort" });
    if (this.#opts.stream !== undefined) this.#opts.onDone(msg);
  }

  /**
   * Detaches from the Dbs that are not done. Their entries still owed are marked done now, so the parity
   * bit means "owed" for every entry again when the next snapshot flips it.
   */
  #release(): void {
    for (const part of this.#parts) {
      if (part.state === DONE) continue;
      detachSnapshot(part.db);
      part.state = DONE;
      part.pending = null;
    }
  }
}
