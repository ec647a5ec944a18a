/**
 * The dataset as commands (Valkey's rewriteAppendOnlyFileRio), for an AOF base file when
 * `aof-use-rdb-preamble no`: per database a SELECT, then per key the commands that rebuild it (SET, RPUSH,
 * SADD, ZADD, HMSET in batches of 64 items as AOF_REWRITE_ITEMS_PER_CMD), module values through their data
 * type's `aofRewrite` callback, and PEXPIREAT for keys with a TTL. Keys already expired are skipped.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { setImmediate } from "node:timers";
import type { Server } from "../server/server.ts";
import type { Db, SnapshotSink } from "../keyspace/db.ts";
import { ListValue } from "../types/list.ts";
import { SetValue } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { HashValue } from "../types/hash.ts";
import { formatId, ID_MAX, lpBytes, StreamValue } from "../types/stream.ts";
import { isModuleValue } from "../module_api/value.ts";
import { formatDouble } from "../util/numbers.ts";
import { CommandBuffer } from "../server/propagate.ts";
import { detachSnapshot, type WriterThread } from "./snapshot.ts";
import type { FromWriter, ToWriter } from "./rdb_writer_worker.ts";
import { strerror } from "../config/directives.ts";

/** Output handed to the writer Worker at a time, and the most in flight before the walk pauses. */
const CHUNK = 256 << 10;
const MAX_IN_FLIGHT = 16 << 20;

/** Items per variadic command (AOF_REWRITE_ITEMS_PER_CMD). */
export const ITEMS_PER_CMD = 64;

const enc = new TextEncoder();
const w = (s: string) => enc.encode(s);
const SET = w("SET");
const RPUSH = w("RPUSH");
const SADD = w("SADD");
const ZADD = w("ZADD");
const HMSET = w("HMSET");
const PEXPIREAT = w("PEXPIREAT");
const SELECT = w("SELECT");

/** Where rewritten commands go. */
export interface CommandSink {
  command(argv: readonly Uint8Array[]): void;
}

/** Emits `head` + items in commands of at most ITEMS_PER_CMD items (`per` words per item). */
function batched(out: CommandSink, head: Uint8Array[], items: Uint8Array[], per: number): void {
  const max = ITEMS_PER_CMD * per;
  for (let i = 0; i < items.length; i += max) out.command([...head, ...items.slice(i, i + max)]);
}

/** The commands that rebuild one key (without its TTL). Throws for a type that cannot be rewritten. */
export function rewriteKey(o: CommandSink, key: Uint8Array, value: Uint8Array | object): void {
  if (value instanceof Uint8Array) return o.command([SET, key, value]);
  if (value instanceof ListValue) return batched(o, [RPUSH, key], value.ql.toArray(), 1);
  if (value instanceof SetValue) return batched(o, [SADD, key], value.toArray(), 1);
  if (value instanceof ZSet) {
    const items: Uint8Array[] = [];
    value.forEach((ref) => items.push(w(formatDouble(value.scoreOf(ref))), value.memberOf(ref).slice()));
    return batched(o, [ZADD, key], items, 2);
  }
  if (value instanceof HashValue) {
    const items: Uint8Array[] = [];
    value.forEach((f, v) => items.push(f.slice(), v.slice()));
    return batched(o, [HMSET, key], items, 2);
  }
  if (value instanceof StreamValue) return rewriteStream(o, key, value);
  if (isModuleValue(value)) {
    const spec = value.dt.spec;
    spec.aofRewrite.call(
      spec,
      (cmd, ...args) => {
        o.command([w(cmd), ...args.map((a) => typeof a === "string" ? w(a) : a)]);
      },
      key,
      value.value,
    );
    return;
  }
  throw new Error(
    `cannot rewrite a value of type ${(value as { type?: string }).type ?? "unknown"} as commands`,
  );
}

/**
 * A stream as Valkey's rewriteStreamObject writes it: one XADD per entry (an empty stream through
 * `XADD key MAXLEN 0 0-1 x y`), XSETID with the last ID, entries-added and max-deleted ID, then per group
 * XGROUP CREATE ... ENTRIESREAD, and per consumer (in name order) its pending entries as
 * `XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n JUSTID FORCE`, or XGROUP CREATECONSUMER when it has none.
 */
function rewriteStream(o: CommandSink, key: Uint8Array, s: StreamValue): void {
  const XADD = w("XADD");
  if (s.length > 0) {
    s.range(0n, ID_MAX, false, (id, pairs) => {
      o.command([XADD, key, w(formatId(id)), ...pairs.map((v) => lpBytes(v).slice())]);
    });
  } else {
    // Valkey adds entry 0-1 and trims it away; the XSETID that follows restores the real last ID.
    o.command([XADD, key, w("MAXLEN"), w("0"), w("0-1"), w("x"), w("y")]);
  }
  o.command([
    w("XSETID"),
    key,
    w(formatId(s.lastId)),
    w("ENTRIESADDED"),
    w(String(s.entriesAdded)),
    w("MAXDELETEDID"),
    w(formatId(s.maxDeletedId)),
  ]);
  for (const g of s.sortedGroups()) {
    o.command([
      w("XGROUP"),
      w("CREATE"),
      key,
      g.name,
      w(formatId(g.lastId)),
      w("ENTRIESREAD"),
      w(String(g.entriesRead)),
    ]);
    for (const c of g.sortedConsumers()) {
      if (c.pel.size === 0) {
        o.command([w("XGROUP"), w("CREATECONSUMER"), key, g.name, c.name]);
        continue;
      }
      c.pel.forEachFrom(0n, (id, nack) => {
        o.command([
          w("XCLAIM"),
          key,
          g.name,
          c.name,
          w("0"),
          w(formatId(id)),
          w("TIME"),
          w(String(nack.deliveryTime)),
          w("RETRYCOUNT"),
          w(String(nack.deliveryCount)),
          w("JUSTID"),
          w("FORCE"),
        ]);
      });
    }
  }
}

function rewriteDb(out: CommandSink, db: Db, id: number, nowMs: number): void {
  if (db.size === 0) return;
  out.command([SELECT, w(String(id))]);
  let cursor = 0;
  do {
    cursor = db.scan(cursor, (ref) => {
      const expire = db.getExpire(ref);
      if (expire !== -1 && expire < nowMs) return;
      const key = db.getKey(ref).slice();
      rewriteKey(out, key, db.isString(ref) ? db.getString(ref) : db.getObject(ref));
      if (expire !== -1) out.command([PEXPIREAT, key, w(String(expire))]);
    });
  } while (cursor !== 0);
}

/** Every database as commands (a command-form AOF base file). */
export function rewriteCommands(server: Server, nowMs: number): Uint8Array {
  const out = new CommandBuffer();
  server.dbs.forEach((db, id) => rewriteDb(out, db, id, nowMs));
  return out.view().slice();
}

/**
 * A command-form base written without blocking: the same point-in-time guarantee as the RDB snapshot
 * (core/persistence/snapshot.ts: each Db's parity bit marks every key present at the start as owed, and
 * the Db hands an owed key to {@link CommandSnapshot.preserve} before anything reads or changes it), with
 * commands as the output. A key preserved ahead of the walk is simply written under its own SELECT, since a
 * command stream (unlike an RDB file) may switch databases at any point. The walk runs in slices of
 * `sliceMs` from the event loop; the output goes in 256 KB chunks to the writer Worker of the RDB snapshots
 * (rdb_writer_worker.ts, no trailer), which writes, syncs every `autosync` bytes
 * (`aof-rewrite-incremental-fsync`), fsyncs and renames the file, so no write system call runs on the main
 * thread; the walk pauses while more than 16 MB are in flight.
 */
export class CommandSnapshot implements SnapshotSink {
  readonly startedAt = Date.now();
  #dbs: { db: Db; id: number; cursor: number; done: boolean }[] = [];
  #ids = new Map<Db, number>();
  #cur = 0;
  #selected = -1;
  #out = new CommandBuffer();
  #finished = false;
  #cancelled = false;
  #sliceMs: number;
  #session = 0;
  #sessionOpen = false;
  #inFlight = 0;
  #waiting = false;
  /** Intermediate syncs of the file (incremental fsync), known when the Worker is done. */
  syncs = 0;

  constructor(
    readonly dbs: readonly Db[],
    readonly tempPath: string,
    readonly finalPath: string,
    readonly onDone: (err: string | null) => void,
    readonly writer: WriterThread,
    /** Sync every this many bytes written (0: only at the end). */
    readonly autosync = 0,
    /** `rdb-key-save-delay` (µs per key, for tests): when positive, each step walks one bucket, then waits. */
    readonly keyDelayUs = 0,
    sliceMs = 1,
  ) {
    this.#sliceMs = sliceMs;
  }

  /** Freezes the point in time and starts the walk. Throws if the temp file cannot be opened. */
  start(): void {
    // Checked here so that the caller can fail at once; the Worker reopens (truncating) the file.
    fs.closeSync(fs.openSync(this.tempPath, "w"));
    this.#session = this.writer.open((m) => this.#onWorker(m));
    this.#sessionOpen = true;
    this.#post({ s: 0, op: "open", path: this.tempPath, autosync: this.autosync });
    this.dbs.forEach((db, id) => {
      if (db.size === 0) return;
      this.#dbs.push({ db, id, cursor: 0, done: false });
      this.#ids.set(db, id);
      db.beginSnapshot(this);
    });
    setImmediate(() => this.#step());
  }

  #emit(db: Db, ref: number): void {
    const id = this.#ids.get(db)!;
    if (id !== this.#selected) {
      this.#out.command([SELECT, w(String(id))]);
      this.#selected = id;
    }
    const key = db.getKey(ref).slice();
    rewriteKey(this.#out, key, db.isString(ref) ? db.getString(ref) : db.getObject(ref));
    const expire = db.getExpire(ref);
    if (expire !== -1) this.#out.command([PEXPIREAT, key, w(String(expire))]);
  }

  preserve(db: Db, ref: number): void {
    if (this.#finished) return;
    this.#emit(db, ref);
  }

  preserveAll(db: Db): void {
    let cursor = 0;
    do {
      cursor = db.scan(cursor, (ref) => {
        if (!db.snapshotOwed(ref)) return;
        db.snapshotDone(ref);
        this.#emit(db, ref);
      });
    } while (cursor !== 0);
  }

  #post(m: ToWriter, transfer: Transferable[] = []): void {
    this.writer.post({ ...m, s: this.#session } as ToWriter, transfer);
  }

  /** Hands the output so far to the Worker (a copy, transferred). */
  #flushOut(): void {
    const n = this.#out.len;
    if (n === 0) return;
    const chunk = this.#out.view().slice();
    this.#out.consume(n);
    this.#inFlight += n;
    this.#post({ s: 0, op: "chunk", buf: chunk.buffer }, [chunk.buffer]);
  }

  #onWorker(m: FromWriter): void {
    if (m.op === "written") {
      this.#inFlight -= m.bytes;
      if (this.#waiting && this.#inFlight <= MAX_IN_FLIGHT) {
        this.#waiting = false;
        setImmediate(() => this.#step());
      }
      return;
    }
    if (!this.#sessionOpen) return;
    this.#sessionOpen = false;
    this.syncs = m.syncs;
    this.writer.close(this.#session);
    if (this.#cancelled) return;
    const wasFinished = this.#finished;
    this.#finished = true;
    if (!wasFinished) this.#release();
    if (m.error === null) return this.onDone(null);
    const e = m.error;
    if (e.step === "rename") {
      return this.onDone(
        `Error trying to rename the temporary AOF file ${path.basename(this.tempPath)} into ${
          path.basename(this.finalPath)
        }: ${strerror(e)}`,
      );
    }
    this.onDone(`Write error writing append only file on disk: ${strerror(e)}`);
  }

  #step(): void {
    if (this.#finished) return;
    if (this.#inFlight > MAX_IN_FLIGHT) {
      this.#waiting = true; // resumed when the Worker has written enough
      return;
    }
    const deadline = performance.now() + this.#sliceMs;
    const throttled = this.keyDelayUs > 0;
    let keys = 0;
    try {
      while (this.#cur < this.#dbs.length && performance.now() < deadline) {
        const part = this.#dbs[this.#cur]!;
        const db = part.db;
        for (let n = 0; n < 16 && part.cursor !== -1; n++) {
          part.cursor = db.scan(part.cursor, (ref) => {
            if (!db.snapshotOwed(ref)) return;
            db.snapshotDone(ref);
            keys++;
            this.#emit(db, ref);
          });
          if (part.cursor === 0) part.cursor = -1;
          if (throttled && keys > 0) break;
        }
        if (part.cursor === -1) {
          part.done = true;
          db.endSnapshot();
          this.#cur++;
        }
        if (this.#out.len >= CHUNK) this.#flushOut();
        if (throttled && keys > 0) break;
      }
      if (this.#cur < this.#dbs.length) {
        if (throttled) {
          setTimeout(() => this.#step(), Math.max(1, Math.round((keys * this.keyDelayUs) / 1000)));
        } else setImmediate(() => this.#step());
        return;
      }
      this.#flushOut();
    } catch (e) {
      this.#fail(`Write error writing append only file on disk: ${e instanceof Error ? e.message : e}`);
      return;
    }
    // The walk is over; onDone follows the Worker's "done" (after its fsync and rename).
    this.#finished = true;
    this.#post({ s: 0, op: "finish", trailer: "none", finalPath: this.finalPath });
  }

  /** Detaches from the Dbs not walked yet; their owed entries are marked done (see Snapshot#release). */
  #release(): void {
    for (const part of this.#dbs) {
      if (part.done) continue;
      detachSnapshot(part.db);
      part.done = true;
    }
  }

  #fail(msg: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#release();
    this.#post({ s: 0, op: "abort" });
    this.#cancelled = true; // the Worker's "done" after the abort reports nothing
    this.onDone(msg);
  }

  /** Stops the rewrite; the temp file is removed (by the Worker, and here) and nothing reported. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    if (!this.#finished) {
      this.#finished = true;
      this.#release();
    }
    this.#post({ s: 0, op: "abort" });
    try {
      fs.unlinkSync(this.tempPath);
    } catch { /* not created yet, or gone */ }
  }
}
