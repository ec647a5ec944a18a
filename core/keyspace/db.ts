/**
 * One database of the keyspace (SELECT n): entries in a byte slab, indexed by a Swiss table, plus
 * an index of the keys that have a TTL.
 *
 * Overview
 * --------
 *
 *       key bytes ──hashOf──► HashTable (int32 refs) ──ref──► Slab entry (header, key, value)
 *                                                                 │ EXP: slot ▼
 *                                                    ExpireIndex  [ ref | when(ms) ]  (dense)
 *                                                                 │ OBJ: index ▼
 *                                                    objects[]    list / hash / set ... instances
 *
 * Entry layout (8-byte aligned, in a slab block; int32 words are read through an Int32Array view)
 * -------------------------------------------------------------------------------------------------
 *
 *     short form (string, key and value both < 64 KiB):
 *         w0: flags (bits 0-7) | LRU/LFU (bits 8-31, Valkey's lru:24)
 *         w1: key length (bits 0-15) | value length (bits 16-31)
 *         [w2: expire-index slot]            only when flags has EXP
 *         key bytes, value bytes
 *     long form (objects, or a key/value of 64 KiB or more):
 *         w0: flags | LRU
 *         w1: key length
 *         w2: value length, or the object index for non-string values
 *         [w3: expire-index slot]            only when flags has EXP
 *         key bytes, value bytes (strings only)
 *
 *     flags: bits 0-1 string encoding (INT / EMBSTR / RAW, as OBJECT ENCODING reports it),
 *            bit 2 OBJ (value is objects[w2]), bit 3 EXP (key has a TTL), bit 4 LONG,
 *            bit 5 SNAP (snapshot parity: see beginSnapshot and core/persistence/snapshot.ts).
 *
 * Header: 8 bytes (12 with a TTL) for ordinary strings. A 16-byte key with a 16-byte value is one
 * 40-byte block; with its share of the table (~9 bytes at 1M keys) ~50 bytes per key, where
 * Valkey 8.1 reports 73.5 bytes used per such key.
 * Values are stored as their bytes for every encoding; INT is only the tag OBJECT ENCODING shows.
 * An entry over 16 KiB gets its own buffer (a negative ref, see slab.ts). A rewrite stays in place
 * when the header layout and the block's size class do not change; otherwise the entry moves.
 *
 * TTL storage (a deliberate variation on "expire time inside the entry")
 * ---------------------------------------------------------------------
 * The expire time lives in the expire index, not in the entry: the entry stores the 4-byte slot
 * of its row in the index, the index row stores the entry's ref (4 bytes) and the time (float64,
 * 8 bytes). Same 16 bytes per volatile key as "time in the entry + ref and back-pointer in an
 * index", but (1) the active expire cycle checks times in a dense Float64Array without touching
 * entries (cache friendly), and (2) changing an existing TTL never moves the entry. Only adding
 * or removing a TTL changes the header size and moves the entry (the ref changes; every write
 * method returns the entry's current ref).
 *
 *     ExpireIndex: chunks of 4096 rows, rows 0..count-1 dense
 *         refs  Int32Array   [ r0 | r1 | r2 | ... ]     row i <-> entry with slot i
 *         whens Float64Array [ t0 | t1 | t2 | ... ]
 *     removal: the last row moves into the hole and its entry's slot word is rewritten (O(1)).
 *
 * Active expiry walks the rows with a rolling cursor, so every volatile key is checked once per
 * pass even if it is never accessed (Valkey scans its expires table with a cursor the same way).
 *
 * Invariants
 * - every entry reachable from the table is a live slab block; its ref is stored exactly once;
 * - flags has EXP <=> the entry has a row in the index, and index.refAt(slot) === the entry's ref;
 * - flags has OBJ <=> objects[w2] holds its value;
 * - views returned by getKey/getString are valid until the next write to this Db.
 */

import { HASH_SEED, hashBytes, hashOf } from "./hash.ts";
import { type EntryAccess, HashTable } from "./hash_table.ts";
import { LARGE_THRESHOLD, reservedBytes, Slab } from "./slab.ts";
import type { ValueObject } from "../types/value.ts";

/** "No such entry" (never a valid ref). */
export const NO_ENTRY = -1;

/** String encodings, as OBJECT ENCODING reports them. */
export const StrEnc = { INT: 0, EMBSTR: 1, RAW: 2 } as const;
/** One of {@link StrEnc}'s values. */
export type StrEnc = (typeof StrEnc)[keyof typeof StrEnc];

const F_ENC = 0x03;
const F_OBJ = 0x04;
const F_EXP = 0x08;
const F_LONG = 0x10;
/** Snapshot parity: an entry whose bit differs from the Db's `snapBit` is still owed to a running BGSAVE. */
const F_SNAP = 0x20;
const SHORT_MAX = 0xffff;
/** Acceptable percentage of expired keys in a sample before the active cycle stops (Valkey: 10). */
const ACCEPTABLE_STALE_PERCENT = 10;
/** Bytes one expire-index row costs (ref + time). */
const EXPIRE_ROW_BYTES = 12;

const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK - 1;

/** Dense, chunked rows of (entry ref, expire time) for the keys that have a TTL. */
export class ExpireIndex {
  private refs: Int32Array[] = [];
  private whens: Float64Array[] = [];
  private count = 0;

  /** Rows in use. */
  get size(): number {
    return this.count;
  }

  /** Appends a row; returns its slot. */
  add(ref: number, when: number): number {
    const slot = this.count;
    const chunk = slot >>> CHUNK_SHIFT;
    if (chunk === this.refs.length) {
      this.refs.push(new Int32Array(CHUNK));
      this.whens.push(new Float64Array(CHUNK));
    }
    this.refs[chunk]![slot & CHUNK_MASK] = ref;
    this.whens[chunk]![slot & CHUNK_MASK] = when;
    this.count = slot + 1;
    return slot;
  }

  /**
   * Removes row `slot` by moving the last row into it. Returns the ref of the moved row (whose
   * entry must now record `slot`), or -1 when nothing moved.
   */
  remove(slot: number): number {
    const last = --this.count;
    let moved = NO_ENTRY;
    if (slot !== last) {
      moved = this.refs[last >>> CHUNK_SHIFT]![last & CHUNK_MASK]!;
      this.refs[slot >>> CHUNK_SHIFT]![slot & CHUNK_MASK] = moved;
      this.whens[slot >>> CHUNK_SHIFT]![slot & CHUNK_MASK] = this
        .whens[last >>> CHUNK_SHIFT]![last & CHUNK_MASK]!;
    }
    // Keep at most one spare chunk beyond the rows in use.
    const needed = (this.count + CHUNK_MASK) >>> CHUNK_SHIFT;
    while (this.refs.length > needed + 1) {
      this.refs.pop();
      this.whens.pop();
    }
    return moved;
  }

  refAt(slot: number): number {
    return this.refs[slot >>> CHUNK_SHIFT]![slot & CHUNK_MASK]!;
  }

  setRef(slot: number, ref: number): void {
    this.refs[slot >>> CHUNK_SHIFT]![slot & CHUNK_MASK] = ref;
  }

  whenAt(slot: number): number {
    return this.whens[slot >>> CHUNK_SHIFT]![slot & CHUNK_MASK]!;
  }

  setWhen(slot: number, when: number): void {
    this.whens[slot >>> CHUNK_SHIFT]![slot & CHUNK_MASK] = when;
  }

  clear(): void {
    this.refs = [];
    this.whens = [];
    this.count = 0;
  }

  memoryBytes(): number {
    return this.refs.length * CHUNK * EXPIRE_ROW_BYTES;
  }
}

/** What a running snapshot (BGSAVE) needs from the Db: see {@link Db.beginSnapshot}. */
export interface SnapshotSink {
  /** Serializes entry `ref` now (it is about to change or go away). */
  preserve(db: Db, ref: number): void;
  /** Serializes every entry still owed (the Db is about to be emptied). */
  preserveAll(db: Db): void;
}

/** Optional per-object size estimate used by {@link Db.memoryUsage}. */
interface SizedObject {
  memoryUsage(samples?: number): number;
}

function hasMemoryUsage(obj: object): obj is SizedObject {
  return typeof (obj as Partial<SizedObject>).memoryUsage === "function";
}

/** Header bytes for a flags combination. */
function headerBytes(flags: number): number {
  return ((flags & F_LONG) !== 0 ? 12 : 8) + ((flags & F_EXP) !== 0 ? 4 : 0);
}

function copyBytes(dst: Uint8Array, at: number, src: Uint8Array): void {
  const n = src.length;
  if (n > 32) {
    dst.set(src, at);
  } else {
    for (let i = 0; i < n; i++) dst[at + i] = src[i]!;
  }
}

/** Result of {@link Db.stats}. */
/**
 * When expired keys may be deleted (Valkey's expireIfNeeded cases), one object shared by a server's Dbs;
 * the server sets it, a bare Db expires normally.
 * - `deferred`: `import-mode` is on or CLIENT PAUSE holds expiry: no active cycle, and a read lookup
 *   reports an expired key missing but keeps it.
 * - `deferredWrites`: CLIENT PAUSE holds expiry: a write lookup keeps it too (in import mode alone a
 *   write lookup deletes it, as Valkey's EXPIRE_FORCE_DELETE_EXPIRED).
 * - `visible`: the running command comes from an import source (CLIENT IMPORT-SOURCE ON in import mode),
 *   which sees expired keys as live.
 */
export interface ExpiryControl {
  deferred: boolean;
  deferredWrites: boolean;
  visible: boolean;
}

export interface DbStats {
  keys: number;
  volatile: number;
  slabBytes: number;
  slabUsedBytes: number;
  /** Hash table buckets, overflow pool and expire index. */
  tableBytes: number;
  /** The expire index's share of tableBytes. */
  expiresBytes: number;
  buckets: number;
  rehashing: boolean;
}

/** A numbered database: see the head of this file. */
export class Db implements EntryAccess {
  readonly id: number;
  /** Called after a key was removed because it expired (lazily or actively). */
  onExpire: ((db: Db, key: Uint8Array) => void) | undefined = undefined;
  /** Keys removed by expiry so far (lazy and active). */
  expiredKeys = 0;
  /**
   * The latency monitor's "expire-del" event: while `on()`, the removal of each expired key (not the
   * onExpire hook) is timed and its whole milliseconds handed to `sample` (core/observability/observer.ts).
   */
  expireLatency: { on(): boolean; sample(ms: number): void } | undefined = undefined;
  /**
   * Called with a value object (and its measured bytes) when the keyspace lets go of it (delete,
   * expiry, overwrite): lazy freeing takes big ones (core/eviction/lazyfree.ts).
   */
  onRelease: ((obj: object, bytes: number) => void) | undefined = undefined;

  /**
   * Whether expired keys may be deleted now, shared by every Db of a server (see {@link ExpiryControl}).
   * The default lets lookups delete what is due.
   */
  expiry: ExpiryControl = { deferred: false, deferredWrites: false, visible: false };

  private readonly clock: () => number;
  private readonly slab = new Slab();
  private readonly table: HashTable;
  private readonly expires = new ExpireIndex();
  private objects: (object | undefined)[] = [];
  private freeObjects: number[] = [];
  /** memoryUsage() of objects[i] when last measured (see {@link Db.memoryBytes}). */
  private objectSizes: number[] = [];
  /** Σ objectSizes of the live objects. */
  private objectBytes = 0;
  private objectCursor = 0;
  private expireCursor = 0;
  private defragCursor = 0;
  /** The running BGSAVE that still wants some of this Db's entries (see core/persistence/snapshot.ts). */
  private snapshot: SnapshotSink | undefined = undefined;
  /** F_SNAP or 0: the parity that means "done" for the current (or last) snapshot. */
  private snapBit = 0;

  constructor(id: number, clock: () => number) {
    this.id = id;
    this.clock = clock;
    this.table = new HashTable(this);
  }

  /** Keys stored (DBSIZE), including expired ones not reclaimed yet. */
  get size(): number {
    return this.table.size;
  }

  /** Keys with a TTL. */
  get volatileCount(): number {
    return this.expires.size;
  }

  // --- point-in-time snapshots (BGSAVE without fork) ---

  /**
   * Starts a snapshot: every entry present now becomes "owed" to `sink` (flipping the Db's parity bit
   * marks them all at once, in O(1)). Until {@link Db.endSnapshot}, any access that could precede a change
   * (lookup, find, overwrite, TTL change, delete, clear) first hands an owed entry to `sink.preserve`, and
   * the entry is then marked done; entries written afterwards are born done.
   */
  beginSnapshot(sink: SnapshotSink): void {
    // One parity bit: one snapshot at a time per Db (BGSAVE and AOF rewrites take turns, as Valkey's
    // children do).
    if (this.snapshot !== undefined) throw new Error("keyspace: a snapshot is already running on this Db");
    this.snapBit ^= F_SNAP;
    this.snapshot = sink;
  }

  endSnapshot(): void {
    this.snapshot = undefined;
  }

  /** True when entry `ref` is still owed to the running snapshot. */
  snapshotOwed(ref: number): boolean {
    return (this.slab.i32(ref)[this.slab.offset(ref) >> 2]! & F_SNAP) !== this.snapBit;
  }

  /** Marks entry `ref` as handled by the running snapshot. */
  snapshotDone(ref: number): void {
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    i32[w] = (i32[w]! & ~F_SNAP) | this.snapBit;
  }

  private preserve(ref: number): void {
    if (!this.snapshotOwed(ref)) return;
    this.snapshotDone(ref);
    this.snapshot!.preserve(this, ref);
  }

  // --- EntryAccess (used by the hash table) ---

  keyEquals(ref: number, key: Uint8Array): boolean {
    const i32 = this.slab.i32(ref);
    const off = this.slab.offset(ref);
    const w = off >> 2;
    const flags = i32[w]! & 0xff;
    let klen: number;
    let start: number;
    if ((flags & F_LONG) !== 0) {
      klen = i32[w + 1]!;
      start = off + 12;
    } else {
      klen = i32[w + 1]! & SHORT_MAX;
      start = off + 8;
    }
    if (klen !== key.length) return false;
    if ((flags & F_EXP) !== 0) start += 4;
    const u8 = this.slab.u8(ref);
    for (let i = 0; i < klen; i++) if (u8[start + i] !== key[i]) return false;
    return true;
  }

  hashOfRef(ref: number): number {
    const i32 = this.slab.i32(ref);
    const off = this.slab.offset(ref);
    const w = off >> 2;
    const flags = i32[w]! & 0xff;
    const klen = (flags & F_LONG) !== 0 ? i32[w + 1]! : i32[w + 1]! & SHORT_MAX;
    const start = off + headerBytes(flags);
    return hashBytes(this.slab.u8(ref), start, start + klen, HASH_SEED);
  }

  // --- lookups ---

  /**
   * Deletes `key` (as expired) if its TTL has passed, whatever defers expiry: a writable replica's own
   * keys (Valkey's expireReplicaKeys). 1: deleted; 0: it has a TTL still running; -1: missing or no TTL.
   */
  expireNow(key: Uint8Array): -1 | 0 | 1 {
    const ref = this.table.find(key, hashOf(key));
    if (ref === NO_ENTRY || (this.flagsOf(ref) & F_EXP) === 0) return -1;
    if (this.clock() <= this.getExpire(ref)) return 0;
    if (this.snapshot !== undefined) this.preserve(ref);
    this.expireEntry(ref);
    return 1;
  }

  /** The entry for `key` or NO_ENTRY; expiry is not checked. */
  find(key: Uint8Array): number {
    const ref = this.table.find(key, hashOf(key));
    if (this.snapshot !== undefined && ref !== NO_ENTRY) this.preserve(ref);
    return ref;
  }

  /**
   * The entry for `key` or NO_ENTRY; a key whose TTL has passed is deleted (as expired) first — unless
   * expiry is deferred ({@link ExpiryControl}): then it is reported missing and left in place (a `write`
   * lookup in import mode still deletes it), and an import source sees it as live.
   */
  lookup(key: Uint8Array, write = false): number {
    const hash = hashOf(key);
    this.#lastKey = key;
    this.#lastHash = hash;
    const ref = this.table.find(key, hash);
    if (ref === NO_ENTRY) return NO_ENTRY;
    if (this.snapshot !== undefined) this.preserve(ref);
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    const flags = i32[w]! & 0xff;
    if ((flags & F_EXP) === 0) return ref;
    const when = this.expires.whenAt(i32[w + ((flags & F_LONG) !== 0 ? 3 : 2)]!);
    if (this.clock() > when) {
      const x = this.expiry;
      if (x.visible) return ref;
      if (x.deferred && (!write || x.deferredWrites)) return NO_ENTRY;
      this.expireEntry(ref);
      return NO_ENTRY;
    }
    return ref;
  }

  // --- reading an entry ---

  isString(ref: number): boolean {
    return (this.flagsOf(ref) & F_OBJ) === 0;
  }

  /** The value bytes of a string entry (a view, valid until the next write). */
  getString(ref: number): Uint8Array {
    const i32 = this.slab.i32(ref);
    const off = this.slab.offset(ref);
    const w = off >> 2;
    const flags = i32[w]! & 0xff;
    let klen: number;
    let vlen: number;
    if ((flags & F_LONG) !== 0) {
      klen = i32[w + 1]!;
      vlen = (flags & F_OBJ) !== 0 ? 0 : i32[w + 2]!;
    } else {
      const lens = i32[w + 1]!;
      klen = lens & SHORT_MAX;
      vlen = lens >>> 16;
    }
    const start = off + headerBytes(flags) + klen;
    return this.slab.u8(ref).subarray(start, start + vlen);
  }

  /** The string encoding tag (INT for objects, which have none). */
  getEncoding(ref: number): StrEnc {
    return (this.flagsOf(ref) & F_ENC) as StrEnc;
  }

  /** The object stored for a non-string value. */
  getObject(ref: number): object {
    const obj = this.objects[this.objectIndexOf(ref)];
    if (obj === undefined) throw new TypeError("keyspace: entry does not hold an object");
    return obj;
  }

  /** The key bytes (a view, valid until the next write). */
  getKey(ref: number): Uint8Array {
    const i32 = this.slab.i32(ref);
    const off = this.slab.offset(ref);
    const w = off >> 2;
    const flags = i32[w]! & 0xff;
    const klen = (flags & F_LONG) !== 0 ? i32[w + 1]! : i32[w + 1]! & SHORT_MAX;
    const start = off + headerBytes(flags);
    return this.slab.u8(ref).subarray(start, start + klen);
  }

  /** Absolute expire time in unix ms, or -1 without TTL. */
  getExpire(ref: number): number {
    const slot = this.expireSlotOf(ref);
    return slot === -1 ? -1 : this.expires.whenAt(slot);
  }

  /** The 24-bit LRU/LFU field. */
  getLru(ref: number): number {
    return this.slab.i32(ref)[this.slab.offset(ref) >> 2]! >>> 8;
  }

  setLru(ref: number, v: number): void {
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    i32[w] = (i32[w]! & 0xff) | ((v & 0xffffff) << 8);
  }

  // --- writing ---

  /**
   * Sets `key` to a string value, inserting or overwriting whatever was there (any type).
   * `keepTtl` false removes an existing TTL. Returns the entry's ref. A new entry's LRU field is
   * 0; an overwrite keeps the old field.
   */
  setString(key: Uint8Array, value: Uint8Array, enc: StrEnc, keepTtl: boolean): number {
    const hash = hashOf(key);
    const old = this.table.find(key, hash);
    if (old === NO_ENTRY) return this.place(NO_ENTRY, hash, key, enc & F_ENC, 0, value, 0, -1);
    if (this.snapshot !== undefined) this.preserve(old);
    return this.overwrite(old, hash, key, enc & F_ENC, value, null, keepTtl);
  }

  /** The key of the last lookup() and its hash: a write that follows its own lookup hashes once. */
  #lastKey: Uint8Array | null = null;
  #lastHash = 0;

  /**
   * Inserts `key` with a string value, where the caller's `lookup(key, true)` just reported it absent (a
   * created key, as SET's): the key is not looked for again and its hash is the lookup's. With expiry
   * deferred an expired key may still be in place though reported absent: then this is setString.
   */
  addString(key: Uint8Array, value: Uint8Array, enc: StrEnc): number {
    if (this.expiry.deferred) return this.setString(key, value, enc, false);
    const hash = key === this.#lastKey ? this.#lastHash : hashOf(key);
    return this.place(NO_ENTRY, hash, key, enc & F_ENC, 0, value, 0, -1);
  }

  /** Sets `key` to a non-string value object (insert or overwrite). Returns the entry's ref. */
  setObject(key: Uint8Array, obj: object, keepTtl: boolean): number {
    const hash = hashOf(key);
    const old = this.table.find(key, hash);
    if (old === NO_ENTRY) {
      return this.place(NO_ENTRY, hash, key, F_OBJ | F_LONG, 0, null, this.newObjectIndex(obj), -1);
    }
    if (this.snapshot !== undefined) this.preserve(old);
    return this.overwrite(old, hash, key, F_OBJ | F_LONG, null, obj, keepTtl);
  }

  /** Replaces the value of entry `ref` by a string, keeping key, TTL and LRU. Returns the ref. */
  updateString(ref: number, value: Uint8Array, enc: StrEnc): number {
    if (this.snapshot !== undefined) this.preserve(ref);
    const flags = this.flagsOf(ref);
    if ((flags & F_OBJ) !== 0) this.releaseObject(ref);
    const slot = this.expireSlotOf(ref);
    return this.place(
      ref,
      -1,
      this.getKey(ref),
      (enc & F_ENC) | (flags & F_EXP),
      this.getLru(ref),
      value,
      0,
      slot,
    );
  }

  /** Sets the absolute expire time (unix ms) of entry `ref`. Returns the (possibly new) ref. */
  setExpire(ref: number, whenMs: number): number {
    if (this.snapshot !== undefined) this.preserve(ref);
    const slot = this.expireSlotOf(ref);
    if (slot !== -1) {
      this.expires.setWhen(slot, whenMs);
      return ref;
    }
    const flags = this.flagsOf(ref);
    const newSlot = this.expires.add(ref, whenMs);
    return this.rewriteSameValue(ref, flags | F_EXP, newSlot);
  }

  /** Removes the TTL of entry `ref`. Returns the (possibly new) ref. */
  removeExpire(ref: number): number {
    if (this.snapshot !== undefined) this.preserve(ref);
    const slot = this.expireSlotOf(ref);
    if (slot === -1) return ref;
    this.dropExpireRow(slot);
    return this.rewriteSameValue(ref, this.flagsOf(ref) & ~F_EXP, -1);
  }

  /** Deletes `key`; false if it did not exist. Expiry is not checked. */
  delete(key: Uint8Array): boolean {
    const ref = this.table.delete(key, hashOf(key));
    if (ref === NO_ENTRY) return false;
    if (this.snapshot !== undefined) this.preserve(ref);
    this.release(ref);
    return true;
  }

  /** Deletes entry `ref`. */
  deleteRef(ref: number): void {
    if (this.snapshot !== undefined) this.preserve(ref);
    this.table.deleteRef(ref, this.hashOfRef(ref));
    this.release(ref);
  }

  /** Pre-sizes the table for `capacity` keys (RDB loading's RESIZEDB hint). */
  expand(capacity: number): void {
    this.table.expand(capacity);
  }

  /** Drops every key (FLUSHDB); returns how many there were. */
  clear(): number {
    this.snapshot?.preserveAll(this);
    const n = this.table.size;
    for (const obj of this.objects) (obj as ValueObject | undefined)?.detach?.();
    this.table.clear();
    this.slab.reset();
    this.expires.clear();
    this.objects = [];
    this.freeObjects = [];
    this.objectSizes = [];
    this.objectBytes = 0;
    this.objectCursor = 0;
    this.expireCursor = 0;
    return n;
  }

  // --- iteration, sampling, maintenance ---

  /** One SCAN step over the keys (expired keys included); returns the next cursor (0 = done). */
  scan(cursor: number, fn: (ref: number) => void): number {
    return this.table.scan(cursor, fn);
  }

  /** A random entry, or NO_ENTRY when empty (expiry not checked). */
  randomKey(): number {
    return this.table.randomRef(true);
  }

  /**
   * Active expiry, Valkey style: check up to `maxSamplesPerLoop` volatile keys from a rolling
   * cursor, delete the expired ones (counter + onExpire, like lazy expiry), and repeat while more
   * than 10% of a sample had expired, time (`timeLimitUs`) remains, and the cursor has not
   * completed a pass over the index in this call.
   */
  activeExpireCycle(maxSamplesPerLoop: number, timeLimitUs: number): { sampled: number; expired: number } {
    const start = performance.now();
    let sampled = 0;
    let expired = 0;
    let passDone = false;
    for (;;) {
      const n = this.expires.size;
      if (n === 0) {
        this.expireCursor = 0;
        break;
      }
      if (this.expireCursor >= n) this.expireCursor = 0;
      const num = Math.min(n, maxSamplesPerLoop);
      const now = this.clock();
      let loopSampled = 0;
      let loopExpired = 0;
      while (loopSampled < num && this.expireCursor < this.expires.size) {
        loopSampled++;
        const slot = this.expireCursor;
        if (now > this.expires.whenAt(slot)) {
          // The last row moves into `slot`: examine the same slot again next.
          this.expireEntry(this.expires.refAt(slot));
          loopExpired++;
        } else {
          this.expireCursor = slot + 1;
        }
      }
      if (this.expireCursor >= this.expires.size) {
        // A full pass over the index is complete (Valkey: the expires scan cursor returned to 0).
        this.expireCursor = 0;
        passDone = true;
      }
      sampled += loopSampled;
      expired += loopExpired;
      if (passDone) break;
      if (loopSampled !== 0 && loopExpired * 100 / loopSampled <= ACCEPTABLE_STALE_PERCENT) break;
      if ((performance.now() - start) * 1000 >= timeLimitUs) break;
    }
    return { sampled, expired };
  }

  /** Cron work: incremental rehash for about `timeLimitUs`, resizing, returning empty pages. */
  rehashStep(timeLimitUs: number): void {
    this.table.resizeIfNeeded();
    this.table.rehashMicroseconds(timeLimitUs);
    this.slab.releaseEmptyPages(4);
  }

  /**
   * Bytes this key costs (MEMORY USAGE): its slab block, its share of the table, its expire-index
   * row, plus `memoryUsage()` of the value object when it has one.
   */
  memoryUsage(ref: number, samples?: number): number {
    const flags = this.flagsOf(ref);
    let bytes = reservedBytes(this.entryBytes(ref));
    const n = this.table.size;
    if (n > 0) bytes += Math.ceil(this.table.memoryBytes() / n);
    if ((flags & F_EXP) !== 0) bytes += EXPIRE_ROW_BYTES;
    if ((flags & F_OBJ) !== 0) {
      const obj = this.objects[this.objectIndexOf(ref)];
      if (obj !== undefined && hasMemoryUsage(obj)) bytes += obj.memoryUsage(samples);
    }
    return bytes;
  }

  /**
   * Bytes this database holds, kept as counters so that reading it is O(1) (maxmemory checks it
   * before every write): live slab blocks, hash-table buckets, expire-index chunks, and each value
   * object's memoryUsage() as last measured (8 bytes of slot each). Objects mutated in place are
   * re-measured by {@link Db.refreshObject} (the server calls it for every modified key) and by the
   * cron's {@link Db.resyncObjects} safety net.
   */
  memoryBytes(): number {
    return this.slab.usedBytes + this.table.memoryBytes() + this.expires.memoryBytes() + this.objectBytes +
      this.objects.length * 8;
  }

  /** True while some key holds a value object (refreshObject has work to do). */
  get hasObjects(): boolean {
    return this.objects.length > this.freeObjects.length;
  }

  /** Re-measures the value object of `key`, if it has one (after a command changed it in place). */
  refreshObject(key: Uint8Array): void {
    const ref = this.table.find(key, hashOf(key));
    if (ref === NO_ENTRY) return;
    const idx = this.objectIndexOf(ref);
    if (idx !== -1) this.measureObject(idx);
  }

  /** Re-measures up to `n` value objects, round robin (cron: corrects drift from unsignalled changes). */
  resyncObjects(n: number): void {
    const len = this.objects.length;
    for (let i = 0; i < n && len > 0; i++) {
      if (this.objectCursor >= len) this.objectCursor = 0;
      if (this.objects[this.objectCursor] !== undefined) this.measureObject(this.objectCursor);
      this.objectCursor++;
    }
  }

  /**
   * Bytes this database holds from the runtime (slab pages and large buffers instead of live blocks):
   * what compaction and the collector can give back is heldBytes() - memoryBytes().
   */
  heldBytes(): number {
    return this.memoryBytes() - this.slab.usedBytes + this.slab.allocatedBytes;
  }

  /**
   * One slice of slab compaction (active defrag): walks the table from a rolling cursor for about
   * `timeUs` and moves every entry that sits in a page less than `maxFill` full into a fresh block at
   * the end of the open page. Emptied pages are then returned by {@link Db.rehashStep}'s
   * releaseEmptyPages. Returns how many entries were looked at and moved (Valkey's defrag misses/hits).
   */
  defragStep(timeUs: number, maxFill: number): { scanned: number; moved: number } {
    const start = performance.now();
    const slab = this.slab;
    const sparse: number[] = [];
    let scanned = 0;
    let moved = 0;
    do {
      this.defragCursor = this.table.scan(this.defragCursor, (ref) => {
        scanned++;
        if (slab.pageFill(ref) < maxFill) sparse.push(ref);
      });
      for (const ref of sparse) this.moveEntry(ref);
      moved += sparse.length;
      sparse.length = 0;
    } while (this.defragCursor !== 0 && (performance.now() - start) * 1000 < timeUs);
    // Pages the moves emptied go back now (the cron's rehash step returns only a few per tick).
    if (moved > 0) this.slab.releaseEmptyPages(16);
    return { scanned, moved };
  }

  /** Moves entry `ref` to a fresh block (compaction); the table and the expire index follow. */
  private moveEntry(ref: number): void {
    const slab = this.slab;
    const bytes = this.entryBytes(ref);
    const nref = slab.allocFresh(bytes);
    const off = slab.offset(ref);
    slab.u8(nref).set(slab.u8(ref).subarray(off, off + bytes), slab.offset(nref));
    this.table.replace(ref, nref, this.hashOfRef(nref));
    const slot = this.expireSlotOf(nref);
    if (slot !== -1) this.expires.setRef(slot, nref);
    slab.free(ref, bytes);
  }

  /** `count` entries sampled from a run of buckets at a random place (eviction). */
  sampleKeys(count: number, fn: (ref: number) => void): number {
    return this.table.sample(count, fn);
  }

  /** Up to `count` random entries that have a TTL (volatile-* eviction); returns how many. */
  sampleVolatile(count: number, fn: (ref: number) => void): number {
    const n = this.expires.size;
    if (n === 0) return 0;
    if (n <= count) {
      const refs: number[] = [];
      for (let i = 0; i < n; i++) refs.push(this.expires.refAt(i));
      for (const r of refs) fn(r);
      return n;
    }
    // Independent random rows: rows keep roughly insertion order, so a run of neighbours would be a
    // biased sample (keys written together, with similar TTLs).
    const refs: number[] = [];
    for (let i = 0; i < count; i++) refs.push(this.expires.refAt(Math.floor(Math.random() * n)));
    for (const r of refs) fn(r);
    return count;
  }

  /** A random entry with a TTL, or NO_ENTRY (volatile-random). */
  randomVolatile(): number {
    const n = this.expires.size;
    return n === 0 ? NO_ENTRY : this.expires.refAt(Math.floor(Math.random() * n));
  }

  stats(): DbStats {
    return {
      keys: this.table.size,
      volatile: this.expires.size,
      slabBytes: this.slab.allocatedBytes,
      slabUsedBytes: this.slab.usedBytes,
      tableBytes: this.table.memoryBytes() + this.expires.memoryBytes(),
      expiresBytes: this.expires.memoryBytes(),
      buckets: this.table.buckets,
      rehashing: this.table.rehashing,
    };
  }

  // --- internals ---

  private flagsOf(ref: number): number {
    return this.slab.i32(ref)[this.slab.offset(ref) >> 2]! & 0xff;
  }

  private expireSlotOf(ref: number): number {
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    const flags = i32[w]! & 0xff;
    if ((flags & F_EXP) === 0) return -1;
    return i32[w + ((flags & F_LONG) !== 0 ? 3 : 2)]!;
  }

  private setExpireSlot(ref: number, slot: number): void {
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    i32[w + ((i32[w]! & F_LONG) !== 0 ? 3 : 2)] = slot;
  }

  private objectIndexOf(ref: number): number {
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    return (i32[w]! & F_OBJ) !== 0 ? i32[w + 2]! : -1;
  }

  /** Total bytes of the entry (header + key + value) as allocated. */
  private entryBytes(ref: number): number {
    const i32 = this.slab.i32(ref);
    const w = this.slab.offset(ref) >> 2;
    const flags = i32[w]! & 0xff;
    if ((flags & F_LONG) !== 0) {
      return headerBytes(flags) + i32[w + 1]! + ((flags & F_OBJ) !== 0 ? 0 : i32[w + 2]!);
    }
    const lens = i32[w + 1]!;
    return headerBytes(flags) + (lens & SHORT_MAX) + (lens >>> 16);
  }

  private newObjectIndex(obj: object): number {
    (obj as ValueObject).attach?.();
    let idx = this.freeObjects.pop();
    if (idx !== undefined) {
      this.objects[idx] = obj;
    } else {
      idx = this.objects.length;
      this.objects.push(obj);
      this.objectSizes.push(0);
    }
    this.measureObject(idx);
    return idx;
  }

  private measureObject(idx: number): void {
    const obj = this.objects[idx];
    // 5 samples (MEMORY USAGE's default): values that estimate from samples stay O(1) per write.
    const bytes = obj !== undefined && hasMemoryUsage(obj) ? obj.memoryUsage(5) : 0;
    this.objectBytes += bytes - this.objectSizes[idx]!;
    this.objectSizes[idx] = bytes;
  }

  private releaseObject(ref: number): void {
    const idx = this.objectIndexOf(ref);
    const obj = this.objects[idx];
    const bytes = this.objectSizes[idx]!;
    this.objects[idx] = undefined;
    this.objectBytes -= bytes;
    this.objectSizes[idx] = 0;
    this.freeObjects.push(idx);
    if (obj === undefined) return;
    (obj as ValueObject).detach?.();
    if (this.onRelease !== undefined) this.onRelease(obj, bytes);
  }

  /** Removes expire row `slot`, fixing the slot word of the entry whose row moved into it. */
  private dropExpireRow(slot: number): void {
    const moved = this.expires.remove(slot);
    if (moved !== NO_ENTRY) this.setExpireSlot(moved, slot);
    if (this.expireCursor > this.expires.size) this.expireCursor = this.expires.size;
  }

  /** Overwrites existing entry `old` with a string (`obj` null) or an object value. */
  private overwrite(
    old: number,
    hash: number,
    key: Uint8Array,
    flags: number,
    value: Uint8Array | null,
    obj: object | null,
    keepTtl: boolean,
  ): number {
    const oldFlags = this.flagsOf(old);
    const lru = this.getLru(old);
    let slot = -1;
    if ((oldFlags & F_EXP) !== 0) {
      slot = this.expireSlotOf(old);
      if (keepTtl) {
        flags |= F_EXP;
      } else {
        this.dropExpireRow(slot);
        slot = -1;
      }
    }
    let objIdx = 0;
    if (obj !== null) {
      if ((oldFlags & F_OBJ) !== 0) {
        objIdx = this.objectIndexOf(old);
        const prev = this.objects[objIdx];
        const prevBytes = this.objectSizes[objIdx]!;
        this.objects[objIdx] = obj;
        this.measureObject(objIdx);
        if (prev !== obj) {
          (obj as ValueObject).attach?.();
          (prev as ValueObject | undefined)?.detach?.();
        }
        if (prev !== undefined && prev !== obj && this.onRelease !== undefined) {
          this.onRelease(prev, prevBytes);
        }
      } else {
        objIdx = this.newObjectIndex(obj);
      }
    } else if ((oldFlags & F_OBJ) !== 0) {
      this.releaseObject(old);
    }
    return this.place(old, hash, key, flags, lru, value, objIdx, slot);
  }

  /** Rewrites entry `ref` with the same key and value but new flags (EXP added or removed). */
  private rewriteSameValue(ref: number, flags: number, slot: number): number {
    const isObj = (flags & F_OBJ) !== 0;
    return this.place(
      ref,
      -1,
      this.getKey(ref),
      flags,
      this.getLru(ref),
      isObj ? null : this.getString(ref),
      isObj ? this.objectIndexOf(ref) : 0,
      slot,
    );
  }

  /**
   * Writes an entry. With `oldRef` NO_ENTRY it is inserted into the table; otherwise it replaces
   * `oldRef` — in place when the header layout and the block size class are unchanged (the key
   * bytes then stay where they are), else in a new block (the old one is freed after copying, so
   * `key`/`value` may be views of the old entry). `hash` may be -1 when `oldRef` is given (it is
   * then computed only if the entry moves). `slot` is the entry's expire row or -1.
   */
  private place(
    oldRef: number,
    hash: number,
    key: Uint8Array,
    flags: number,
    lru: number,
    value: Uint8Array | null,
    objIdx: number,
    slot: number,
  ): number {
    const klen = key.length;
    const vlen = value === null ? 0 : value.length;
    if ((flags & F_OBJ) !== 0 || klen > SHORT_MAX || vlen > SHORT_MAX) flags |= F_LONG;
    else flags &= ~F_LONG;
    const hdr = headerBytes(flags);
    const total = hdr + klen + vlen;
    const slab = this.slab;
    let oldBytes = 0;
    let inPlace = false;
    if (oldRef !== NO_ENTRY) {
      oldBytes = this.entryBytes(oldRef);
      // Same header layout, same kind of block (page or standalone) and same reserved size.
      inPlace = (this.flagsOf(oldRef) & (F_LONG | F_EXP)) === (flags & (F_LONG | F_EXP)) &&
        (oldRef < 0) === (total > LARGE_THRESHOLD) && reservedBytes(oldBytes) === reservedBytes(total);
    }
    const ref = inPlace ? oldRef : slab.alloc(total);
    const i32 = slab.i32(ref);
    const u8 = slab.u8(ref);
    const off = slab.offset(ref);
    const w = off >> 2;
    // Written entries are never owed to a running snapshot (new keys are not in it; changed ones were
    // preserved before the change).
    i32[w] = (flags & ~F_SNAP) | this.snapBit | ((lru & 0xffffff) << 8);
    if ((flags & F_LONG) !== 0) {
      i32[w + 1] = klen;
      i32[w + 2] = (flags & F_OBJ) !== 0 ? objIdx : vlen;
      if (slot !== -1) i32[w + 3] = slot;
    } else {
      i32[w + 1] = klen | (vlen << 16);
      if (slot !== -1) i32[w + 2] = slot;
    }
    if (!inPlace) copyBytes(u8, off + hdr, key);
    if (value !== null) copyBytes(u8, off + hdr + klen, value);
    if (oldRef === NO_ENTRY) {
      this.table.insert(ref, hash);
    } else if (!inPlace) {
      this.table.replace(oldRef, ref, hash === -1 ? hashOf(key) : hash);
      slab.free(oldRef, oldBytes);
    }
    if (slot !== -1) this.expires.setRef(slot, ref);
    return ref;
  }

  /** Frees everything entry `ref` holds (it is already out of the table). */
  private release(ref: number): void {
    const flags = this.flagsOf(ref);
    if ((flags & F_EXP) !== 0) this.dropExpireRow(this.expireSlotOf(ref));
    if ((flags & F_OBJ) !== 0) this.releaseObject(ref);
    this.slab.free(ref, this.entryBytes(ref));
  }

  /** Removes an expired entry: table, expire row, counter, hook, then its memory. */
  private expireEntry(ref: number): void {
    const lat = this.expireLatency;
    let t = lat !== undefined && lat.on() ? performance.now() : -1;
    this.table.deleteRef(ref, this.hashOfRef(ref));
    const flags = this.flagsOf(ref);
    if ((flags & F_EXP) !== 0) this.dropExpireRow(this.expireSlotOf(ref));
    this.expiredKeys++;
    // The two halves of the removal are timed, the hook between them is not.
    const first = t >= 0 ? performance.now() - t : 0;
    try {
      // The block is still allocated, so the key view stays valid during the hook.
      if (this.onExpire !== undefined) this.onExpire(this, this.getKey(ref));
    } finally {
      if (t >= 0) t = performance.now();
      if ((flags & F_OBJ) !== 0) this.releaseObject(ref);
      this.slab.free(ref, this.entryBytes(ref));
      if (t >= 0) lat!.sample(Math.floor(first + performance.now() - t));
    }
  }
}
