/**
 * The hash value type: a map of byte-string fields to byte-string values in one of Valkey's two
 * encodings.
 *
 *     listpack  (OBJECT ENCODING "listpack"): one Listpack of alternating entries
 *               | f1 | v1 | f2 | v2 | ... |       insertion order, O(n) lookups
 *     hashtable (OBJECT ENCODING "hashtable"): an ArenaDict with values
 *               arena | f1 v1 | f2 v2 | ... | + Swiss table of offsets, O(1) lookups
 *
 * A hash starts as a listpack and becomes a hashtable (never back) when it gets more fields than
 * `hash-max-listpack-entries` or a field or value longer than `hash-max-listpack-value` bytes
 * (Valkey's hashTypeTryConversion / hashTypeSet rules; the commands call {@link HashValue.convert}
 * for the argument-based checks). Integers in the listpack are stored as integers; every read
 * returns the same bytes that were written.
 *
 * Memory arithmetic: see listpack.ts (~2 bytes + payload per entry) and arena_dict.ts (~26 + 10
 * bytes per 12-byte field/value pair, plus arena growth slack).
 *
 * Invariants: exactly one of `lp` / `dict` is set; a listpack holds an even number of entries and
 * no field twice; a hash with no fields is deleted from the keyspace by the commands.
 *
 * @module
 */

import { ArenaDict } from "./arena_dict.ts";
import { Listpack } from "./listpack.ts";
import type { ValueObject } from "./value.ts";

/** The conversion thresholds (from the configuration). */
export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

const OBJ_HEADER = 16; // what the value object itself costs (Valkey's robj)

/** A hash value; see the head of this file. */
export class HashValue implements ValueObject {
  readonly type = "hash";
  private lp: Listpack | null = new Listpack();
  private dict: ArenaDict | null = null;

  get encoding(): string {
    return this.lp !== null ? "listpack" : "hashtable";
  }

  get length(): number {
    return this.lp !== null ? this.lp.count >> 1 : this.dict!.size;
  }

  /** True when the hash uses the listpack encoding. */
  get isListpack(): boolean {
    return this.lp !== null;
  }

  /** The listpack of a listpack-encoded hash, else null (for the RDB writer; must not be changed). */
  get listpack(): Listpack | null {
    return this.lp;
  }

  /** A listpack-encoded hash over `lp`: alternating fields and values, no field twice (RDB loading). */
  static fromListpack(lp: Listpack): HashValue {
    const h = new HashValue();
    h.lp = lp;
    return h;
  }

  /** The value of `field` (a view or fresh bytes, valid until the next mutation), or undefined. */
  get(field: Uint8Array): Uint8Array | undefined {
    if (this.lp !== null) {
      const p = this.lp.find(field, 0, 1);
      return p === -1 ? undefined : this.lp.bytesAt(this.lp.next(p));
    }
    return this.dict!.get(field);
  }

  has(field: Uint8Array): boolean {
    if (this.lp !== null) return this.lp.find(field, 0, 1) !== -1;
    return this.dict!.has(field);
  }

  /** Length of the value of `field` (0 when absent), as HSTRLEN reports it. */
  strlen(field: Uint8Array): number {
    if (this.lp !== null) {
      const p = this.lp.find(field, 0, 1);
      return p === -1 ? 0 : this.lp.strlenAt(this.lp.next(p));
    }
    const v = this.dict!.get(field);
    return v === undefined ? 0 : v.length;
  }

  /**
   * Sets `field` to `value` (Valkey's hashTypeSet): a too-long field or value converts the listpack
   * first, too many fields afterwards. Returns true if the field was added, false if updated.
   */
  set(field: Uint8Array, value: Uint8Array, limits: HashLimits): boolean {
    const lp = this.lp;
    if (lp !== null) {
      if (field.length > limits.maxValue || value.length > limits.maxValue) {
        this.convert(0);
        return this.dict!.set(field, value);
      }
      const p = lp.find(field, 0, 1);
      if (p !== -1) {
        lp.replaceAt(lp.next(p), value);
        return false;
      }
      lp.append(field);
      lp.append(value);
      if (lp.count >> 1 > limits.maxEntries) this.convert(0);
      return true;
    }
    return this.dict!.set(field, value);
  }

  /** Deletes `field`; true if it was present. */
  delete(field: Uint8Array): boolean {
    if (this.lp !== null) {
      const p = this.lp.find(field, 0, 1);
      if (p === -1) return false;
      this.lp.deleteAt(p, 2);
      return true;
    }
    return this.dict!.delete(field);
  }

  /** Converts a listpack hash to a hashtable sized for `sizeHint` fields (no-op if already one). */
  convert(sizeHint: number): void {
    const lp = this.lp;
    if (lp === null) return;
    const d = new ArenaDict(true);
    d.expand(Math.max(sizeHint, lp.count >> 1));
    for (let p = lp.first(); p !== -1; p = lp.next(lp.next(p))) {
      d.addNew(lp.bytesAt(p), lp.bytesAt(lp.next(p)));
    }
    this.dict = d;
    this.lp = null;
  }

  /** Calls `fn` for every field and value (views valid during the call only); `fn` must not mutate. */
  forEach(fn: (field: Uint8Array, value: Uint8Array) => void): void {
    const lp = this.lp;
    if (lp !== null) {
      for (let p = lp.first(); p !== -1;) {
        const vp = lp.next(p);
        fn(lp.bytesAt(p), lp.bytesAt(vp));
        p = lp.next(vp);
      }
      return;
    }
    const d = this.dict!;
    d.forEach((ref) => fn(d.keyOf(ref), d.valueOf(ref)));
  }

  /** A random field/value pair (copies); `fair` for the hashtable's fairer sampling. */
  randomPair(fair = true): [Uint8Array, Uint8Array] {
    const lp = this.lp;
    if (lp !== null) {
      const p = lp.seek(2 * Math.floor(Math.random() * (lp.count >> 1)));
      return [lp.bytesAt(p).slice(), lp.bytesAt(lp.next(p)).slice()];
    }
    const d = this.dict!;
    const ref = d.randomRef(fair);
    return [d.keyOf(ref).slice(), d.valueOf(ref).slice()];
  }

  /**
   * `count` distinct pairs (count < length) chosen uniformly, in storage order (Valkey's
   * lpRandomPairsUnique for listpacks); copies.
   */
  randomDistinctPairs(count: number): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    let remaining = this.length;
    let need = count;
    this.forEach((f, v) => {
      // Selection sampling: take each pair with probability need / remaining.
      if (need > 0 && Math.random() * remaining < need) {
        out.push([f.slice(), v.slice()]);
        need--;
      }
      remaining--;
    });
    return out;
  }

  /**
   * One HSCAN step. A listpack is returned whole (cursor 0); a hashtable is scanned from `cursor`
   * until `count` entries were visited (at most 10 × count steps). Returns the next cursor.
   */
  scan(cursor: number, count: number, fn: (field: Uint8Array, value: Uint8Array) => void): number {
    if (this.lp !== null) {
      this.forEach(fn);
      return 0;
    }
    const d = this.dict!;
    let visited = 0;
    const visit = (ref: number): void => {
      visited++;
      fn(d.keyOf(ref), d.valueOf(ref));
    };
    let steps = count * 10;
    do {
      cursor = d.scan(cursor, visit);
    } while (cursor !== 0 && steps-- !== 0 && visited < count);
    return cursor;
  }

  /** Bytes held (exact: the arena and table sizes are known without sampling). */
  memoryUsage(): number {
    return OBJ_HEADER + (this.lp !== null ? this.lp.memoryBytes() : this.dict!.memoryBytes());
  }

  dup(): HashValue {
    const h = new HashValue();
    h.lp = this.lp !== null ? this.lp.dup() : null;
    h.dict = this.dict !== null ? this.dict.dup() : null;
    return h;
  }
}
