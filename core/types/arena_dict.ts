/**
 * ArenaDict: a dictionary of byte-string keys (optionally with byte-string values) for big hashes,
 * sets and sorted-set member indexes, with no JS object per element.
 *
 * Layout
 * ------
 * Entries live back to back in one growable `Uint8Array` (the arena) owned by the dictionary; an
 * entry's ref is its byte offset. A Swiss {@link HashTable} (core/keyspace/hash_table.ts) indexes
 * the refs by the hash of the key bytes (hashed in place, xxHash32 with the process seed).
 *
 *     arena:  | e0 | e1 (dead) | e2 | e3 | ... |            free tail            |
 *             0    ^ref(e1)                    used                             capacity
 *
 *     entry:  +-----------------------+-------------------+-----------+-------------+
 *             | varint(keyLen*2+dead) | varint(valueLen)  | key bytes | value bytes |
 *             +-----------------------+-------------------+-----------+-------------+
 *             (the value length and bytes exist only in a dictionary made `withValues`)
 *
 * varint: 7 bits per byte, low bits first, bit 7 set when another byte follows. The dead flag is bit
 * 0 of the first byte, so marking an entry dead is one byte write.
 *
 * Updates: a value of the same length is overwritten in place; otherwise the old entry is marked
 * dead and a new one appended. Deletions mark the entry dead. When more than
 * half of the used arena is dead (and it holds at least 4 KB), checked after deletions and before
 * the arena grows, live entries slide down in arena order
 * and their refs are replaced in the table (refs only decrease, so a new ref never collides with an
 * old ref still in the table); the buffer is then trimmed. No explicit free is ever needed: the
 * dictionary is garbage once unreferenced, and {@link ArenaDict.dup} is a copy of two buffers plus a
 * rebuilt table.
 *
 * Memory arithmetic: a field "field:123456" with value "value:123456" costs 2 + 12 + 12 = 26 arena
 * bytes (+ up to 50% growth slack while appending, 1.5x growth), plus 5.3..12 bytes of table per
 * entry: ~40-50 bytes per field at 1M fields. A set member of 10 bytes costs 11 + table.
 *
 * Invariants: every live entry's ref is in the table exactly once, dead entries are in no table;
 * `deadBytes` is the total size of dead entries; refs stay valid until the next mutation (a
 * compaction may move every entry); views returned by `keyOf`/`valueOf` die at the next mutation.
 * Mutations are not allowed during `forEach`; during `scan` only the ref given may be deleted
 * (compaction is deferred until the scan call returns).
 *
 * @module
 */

import { HASH_SEED, hashBytes } from "../keyspace/hash.ts";
import { HashTable, NO_REF } from "../keyspace/hash_table.ts";

export { NO_REF };

const EMPTY = new Uint8Array(0);
const COMPACT_MIN_BYTES = 4096;

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** A byte-keyed dictionary stored in an arena; see the head of this file. */
export class ArenaDict {
  /** True when entries carry a value. */
  readonly withValues: boolean;
  private buf: Uint8Array = EMPTY;
  private used = 0;
  private deadBytes = 0;
  private scanning = 0;
  private readonly table: HashTable;

  constructor(withValues: boolean) {
    this.withValues = withValues;
    this.table = new HashTable({
      keyEquals: (ref, key) => this.keyEquals(ref, key),
      hashOfRef: (ref) => this.hashOfRef(ref),
    });
  }

  /** Number of entries. */
  get size(): number {
    return this.table.size;
  }

  /** Bytes held: arena capacity plus table buckets. */
  memoryBytes(): number {
    return this.buf.length + this.table.memoryBytes();
  }

  /** Arena bytes in use (live and dead) and dead bytes, for tests and MEMORY. */
  arenaStats(): { capacity: number; used: number; dead: number } {
    return { capacity: this.buf.length, used: this.used, dead: this.deadBytes };
  }

  /** Pre-sizes the table for `n` entries. */
  expand(n: number): void {
    this.table.expand(n);
  }

  /** The ref of `key`, or -1. */
  find(key: Uint8Array): number {
    return this.table.find(key, hashBytes(key, 0, key.length, HASH_SEED));
  }

  has(key: Uint8Array): boolean {
    return this.find(key) !== NO_REF;
  }

  /** The key of entry `ref` (a view, valid until the next mutation). */
  keyOf(ref: number): Uint8Array {
    const b = this.buf;
    let p = ref;
    let c = b[p++]!;
    let kl = c & 0x7f;
    for (let s = 7; c & 0x80; s += 7) kl += ((c = b[p++]!) & 0x7f) * 2 ** s;
    kl = Math.floor(kl / 2);
    if (this.withValues) { while (b[p++]! & 0x80); }
    return b.subarray(p, p + kl);
  }

  /** The value of entry `ref` (a view, valid until the next mutation); empty without values. */
  valueOf(ref: number): Uint8Array {
    if (!this.withValues) return EMPTY;
    const b = this.buf;
    let p = ref;
    let c = b[p++]!;
    let kl = c & 0x7f;
    for (let s = 7; c & 0x80; s += 7) kl += ((c = b[p++]!) & 0x7f) * 2 ** s;
    kl = Math.floor(kl / 2);
    c = b[p++]!;
    let vl = c & 0x7f;
    for (let s = 7; c & 0x80; s += 7) vl += ((c = b[p++]!) & 0x7f) * 2 ** s;
    return b.subarray(p + kl, p + kl + vl);
  }

  /** The value stored under `key`, or undefined (a view, valid until the next mutation). */
  get(key: Uint8Array): Uint8Array | undefined {
    const ref = this.find(key);
    return ref === NO_REF ? undefined : this.valueOf(ref);
  }

  /** Adds `key` (with `value` in a dictionary with values) if absent; true if added. */
  add(key: Uint8Array, value: Uint8Array = EMPTY): boolean {
    const h = hashBytes(key, 0, key.length, HASH_SEED);
    if (this.table.find(key, h) !== NO_REF) return false;
    this.table.insert(this.write(key, value), h);
    return true;
  }

  /** Adds `key` known to be absent (no lookup); returns its ref. */
  addNew(key: Uint8Array, value: Uint8Array = EMPTY): number {
    const ref = this.write(key, value);
    this.table.insert(ref, hashBytes(key, 0, key.length, HASH_SEED));
    return ref;
  }

  /** Sets `key` to `value` (insert or overwrite); true if the key was added. */
  set(key: Uint8Array, value: Uint8Array): boolean {
    const h = hashBytes(key, 0, key.length, HASH_SEED);
    const ref = this.table.find(key, h);
    if (ref === NO_REF) {
      this.table.insert(this.write(key, value), h);
      return true;
    }
    this.setValueAt(ref, value);
    return false;
  }

  /** Replaces the value of entry `ref`; returns the entry's (possibly new) ref. */
  setValueAt(ref: number, value: Uint8Array): number {
    const old = this.valueOf(ref);
    if (old.length === value.length) {
      this.buf.set(value, old.byteOffset - this.buf.byteOffset);
      return ref;
    }
    const key = this.keyOf(ref).slice();
    const h = hashBytes(key, 0, key.length, HASH_SEED);
    this.table.deleteRef(ref, h);
    this.markDead(ref, this.entrySizeAt(ref));
    const nref = this.write(key, value);
    this.table.insert(nref, h);
    return nref;
  }

  /** Deletes `key`; true if it was present. */
  delete(key: Uint8Array): boolean {
    const ref = this.table.delete(key, hashBytes(key, 0, key.length, HASH_SEED));
    if (ref === NO_REF) return false;
    this.markDead(ref, this.entrySizeAt(ref));
    this.maybeCompact();
    return true;
  }

  /** Deletes entry `ref`. */
  deleteRef(ref: number): void {
    const key = this.keyOf(ref);
    this.table.deleteRef(ref, hashBytes(key, 0, key.length, HASH_SEED));
    this.markDead(ref, this.entrySizeAt(ref));
    this.maybeCompact();
  }

  /** One SCAN step over the entries (see HashTable.scan); returns the next cursor. */
  scan(cursor: number, fn: (ref: number) => void): number {
    this.scanning++;
    let next: number;
    try {
      next = this.table.scan(cursor, fn);
    } finally {
      this.scanning--;
    }
    this.maybeCompact();
    return next;
  }

  /** Calls `fn` for every entry; `fn` must not mutate the dictionary. */
  forEach(fn: (ref: number) => void): void {
    this.table.forEach(fn);
  }

  /** Every ref, in table order (a snapshot; valid until the next mutation). */
  refs(): number[] {
    const out: number[] = [];
    this.table.forEach((r) => out.push(r));
    return out;
  }

  /** A random entry's ref (-1 when empty); `fair` samples more entries (Valkey's fair random). */
  randomRef(fair = false): number {
    return this.table.randomRef(fair);
  }

  /** A copy with a tight arena. */
  dup(): ArenaDict {
    const d = new ArenaDict(this.withValues);
    d.table.expand(this.size);
    d.buf = new Uint8Array(this.used - this.deadBytes);
    this.table.forEach((ref) => {
      const size = this.entrySizeAt(ref);
      const at = d.used;
      d.buf.set(this.buf.subarray(ref, ref + size), at);
      d.used += size;
      d.table.insert(at, d.hashOfRef(at));
    });
    return d;
  }

  /** Removes every entry. */
  clear(): void {
    this.table.clear();
    this.buf = EMPTY;
    this.used = 0;
    this.deadBytes = 0;
  }

  // --- internals ---

  private keyEquals(ref: number, key: Uint8Array): boolean {
    const k = this.keyOf(ref);
    const n = k.length;
    if (n !== key.length) return false;
    for (let i = 0; i < n; i++) if (k[i] !== key[i]) return false;
    return true;
  }

  private hashOfRef(ref: number): number {
    const k = this.keyOf(ref);
    const start = k.byteOffset - this.buf.byteOffset;
    return hashBytes(this.buf, start, start + k.length, HASH_SEED);
  }

  private entrySizeAt(ref: number): number {
    const k = this.keyOf(ref);
    const keyEnd = k.byteOffset - this.buf.byteOffset + k.length;
    if (!this.withValues) return keyEnd - ref;
    return keyEnd + this.valueOf(ref).length - ref;
  }

  private markDead(ref: number, size: number): void {
    this.buf[ref]! |= 1;
    this.deadBytes += size;
  }

  /** Appends an entry; returns its ref. */
  private write(key: Uint8Array, value: Uint8Array): number {
    const kl = key.length;
    const vl = this.withValues ? value.length : 0;
    const size = varintSize(kl * 2) + (this.withValues ? varintSize(vl) + vl : 0) + kl;
    if (this.used + size > this.buf.length) this.maybeCompact();
    const need = this.used + size;
    if (need > this.buf.length) {
      const cap = Math.max(need, Math.floor(this.buf.length * 1.5), 64);
      if (cap > 0x7fffffff) throw new RangeError("ArenaDict arena would exceed 2 GB");
      const nb = new Uint8Array(cap);
      nb.set(this.buf.subarray(0, this.used));
      this.buf = nb;
    }
    const b = this.buf;
    const ref = this.used;
    let p = ref;
    for (let v = kl * 2;; v = Math.floor(v / 128)) {
      if (v < 0x80) {
        b[p++] = v;
        break;
      }
      b[p++] = (v & 0x7f) | 0x80;
    }
    if (this.withValues) {
      for (let v = vl;; v = Math.floor(v / 128)) {
        if (v < 0x80) {
          b[p++] = v;
          break;
        }
        b[p++] = (v & 0x7f) | 0x80;
      }
    }
    b.set(key, p);
    if (this.withValues) b.set(value, p + kl);
    this.used = need;
    return ref;
  }

  /** Slides live entries down over dead ones when more than half of the arena is dead. */
  private maybeCompact(): void {
    if (this.scanning > 0) return;
    if (this.size === 0) {
      this.clear();
      return;
    }
    if (this.used < COMPACT_MIN_BYTES || this.deadBytes * 2 <= this.used) return;
    const b = this.buf;
    let src = 0;
    let dst = 0;
    while (src < this.used) {
      const size = this.entrySizeAt(src);
      if ((b[src]! & 1) === 0) {
        if (dst !== src) {
          const h = this.hashOfRef(src);
          b.copyWithin(dst, src, src + size);
          this.table.replace(src, dst, h);
        }
        dst += size;
      }
      src += size;
    }
    this.used = dst;
    this.deadBytes = 0;
    if (this.buf.length > dst * 2) this.buf = this.buf.slice(0, Math.max(64, Math.ceil(dst * 1.25)));
  }
}
