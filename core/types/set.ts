/**
 * The set value type: distinct byte-string members in one of Valkey's three encodings.
 *
 *     intset    (OBJECT ENCODING "intset"):    IntSet, sorted int64s   | -3 | 5 | 17 |
 *     listpack  (OBJECT ENCODING "listpack"):  Listpack of members     | a | 12 | bc |
 *     hashtable (OBJECT ENCODING "hashtable"): ArenaDict without values (arena + Swiss table)
 *
 * Conversion rules (Valkey's setTypeCreate / setTypeAddAux / setTypeMaybeConvert):
 * - a new set is an intset if its first member is an integer (string2ll) and the expected size is
 *   at most `set-max-intset-entries`; else a listpack if the expected size is at most
 *   `set-max-listpack-entries`; else a hashtable.
 * - an intset that gets more than `set-max-intset-entries` (capped at 2^30) members becomes a
 *   hashtable; one that gets a non-integer member becomes a listpack if it has fewer than
 *   `set-max-listpack-entries` members and the new member and the longest integer (in digits)
 *   are at most `set-max-listpack-value` bytes, else a hashtable.
 * - a listpack that would pass `set-max-listpack-entries` or gets a member longer than
 *   `set-max-listpack-value` becomes a hashtable.
 * - a hashtable never converts back (SINTERSTORE and SPOP build fresh sets instead).
 *
 * Memory arithmetic: intset 2..8 bytes per member; listpack ~2 bytes + payload; hashtable
 * ~1 + member bytes of arena (+ growth slack) + 5.3..12 bytes of table per member.
 *
 * Invariants: exactly one of `is` / `lp` / `dict` is set; no member twice; an empty set is deleted
 * from the keyspace by the commands.
 *
 * @module
 */

import { ArenaDict } from "./arena_dict.ts";
import { IntSet } from "./intset.ts";
import { Listpack } from "./listpack.ts";
import type { ValueObject } from "./value.ts";
import { parseI64 } from "../util/numbers.ts";

/** The conversion thresholds (from the configuration). */
export interface SetLimits {
  maxIntsetEntries: number;
  maxListpackEntries: number;
  maxListpackValue: number;
}

export type SetEncoding = "intset" | "listpack" | "hashtable";

const OBJ_HEADER = 16;
const INTSET_CAP = 1 << 30;
const enc = new TextEncoder();

function intsetMax(limits: SetLimits): number {
  return Math.min(limits.maxIntsetEntries, INTSET_CAP);
}

function bigBytes(v: bigint): Uint8Array {
  return enc.encode(v.toString());
}

/** A set value; see the head of this file. */
export class SetValue implements ValueObject {
  readonly type = "set";
  private is: IntSet | null = null;
  private lp: Listpack | null = null;
  private dict: ArenaDict | null = null;

  private constructor() {}

  /** An empty set of the given encoding (`sizeHint` pre-sizes a hashtable). */
  static empty(encoding: SetEncoding, sizeHint = 0): SetValue {
    const s = new SetValue();
    if (encoding === "intset") s.is = new IntSet();
    else if (encoding === "listpack") s.lp = new Listpack();
    else {
      s.dict = new ArenaDict(false);
      if (sizeHint > 0) s.dict.expand(sizeHint);
    }
    return s;
  }

  /** Valkey's setTypeCreate: the right empty set for a first member and an expected size. */
  static create(first: Uint8Array, sizeHint: number, limits: SetLimits): SetValue {
    if (parseI64(first) !== null && sizeHint <= limits.maxIntsetEntries) return SetValue.empty("intset");
    if (sizeHint <= limits.maxListpackEntries) return SetValue.empty("listpack");
    return SetValue.empty("hashtable", sizeHint);
  }

  /** A set over a ready intset or listpack of distinct members (RDB loading). */
  static from(store: IntSet | Listpack): SetValue {
    const s = new SetValue();
    if (store instanceof IntSet) s.is = store;
    else s.lp = store;
    return s;
  }

  /** The intset of an intset-encoded set, else null (for the RDB writer; must not be changed). */
  get intset(): IntSet | null {
    return this.is;
  }

  /** The listpack of a listpack-encoded set, else null (for the RDB writer; must not be changed). */
  get listpack(): Listpack | null {
    return this.lp;
  }

  get encoding(): SetEncoding {
    return this.is !== null ? "intset" : this.lp !== null ? "listpack" : "hashtable";
  }

  get length(): number {
    return this.is !== null ? this.is.length : this.lp !== null ? this.lp.count : this.dict!.size;
  }

  /** Valkey's setTypeMaybeConvert: goes to a hashtable when `sizeHint` passes the encoding's limit. */
  maybeConvert(sizeHint: number, limits: SetLimits): void {
    if (
      (this.lp !== null && sizeHint > limits.maxListpackEntries) ||
      (this.is !== null && sizeHint > limits.maxIntsetEntries)
    ) {
      this.convert("hashtable", sizeHint);
    }
  }

  has(member: Uint8Array): boolean {
    if (this.is !== null) {
      const v = parseI64(member);
      return v !== null && this.is.has(v);
    }
    if (this.lp !== null) return this.lp.find(member) !== -1;
    return this.dict!.has(member);
  }

  /** Adds `member` with Valkey's conversions; true if it was not a member. */
  add(member: Uint8Array, limits: SetLimits): boolean {
    const is = this.is;
    if (is !== null) {
      const v = parseI64(member);
      if (v !== null) {
        if (!is.add(v)) return false;
        if (is.length > intsetMax(limits)) this.convert("hashtable", is.length);
        return true;
      }
      const n = is.length;
      let maxLen = 0;
      if (n !== 0) maxLen = Math.max(is.max()!.toString().length, is.min()!.toString().length);
      if (
        n < limits.maxListpackEntries && member.length <= limits.maxListpackValue &&
        maxLen <= limits.maxListpackValue
      ) {
        this.convert("listpack", n + 1);
        this.lp!.append(member);
      } else {
        this.convert("hashtable", n + 1);
        this.dict!.addNew(member);
      }
      return true;
    }
    const lp = this.lp;
    if (lp !== null) {
      if (lp.find(member) !== -1) return false;
      if (lp.count < limits.maxListpackEntries && member.length <= limits.maxListpackValue) {
        lp.append(member);
      } else {
        this.convert("hashtable", lp.count + 1);
        this.dict!.addNew(member);
      }
      return true;
    }
    return this.dict!.add(member);
  }

  /** Removes `member`; true if it was a member. */
  remove(member: Uint8Array): boolean {
    if (this.is !== null) {
      const v = parseI64(member);
      return v !== null && this.is.remove(v);
    }
    if (this.lp !== null) {
      const p = this.lp.find(member);
      if (p === -1) return false;
      this.lp.deleteAt(p);
      return true;
    }
    return this.dict!.delete(member);
  }

  /** Converts to `encoding` (an intset only if every member is an integer), sized for `sizeHint`. */
  convert(encoding: SetEncoding, sizeHint = this.length): void {
    if (encoding === this.encoding) return;
    const members = this.toArray();
    const target = SetValue.empty(encoding, Math.max(sizeHint, members.length));
    if (target.is !== null) { for (const m of members) target.is.add(parseI64(m)!); }
    else if (target.lp !== null) { for (const m of members) target.lp.append(m); }
    else for (const m of members) target.dict!.addNew(m);
    this.is = target.is;
    this.lp = target.lp;
    this.dict = target.dict;
  }

  /** Calls `fn` for every member (a view valid during the call); `fn` must not mutate the set. */
  forEach(fn: (member: Uint8Array) => void): void {
    if (this.is !== null) {
      const is = this.is;
      for (let i = 0; i < is.length; i++) fn(bigBytes(is.get(i)));
    } else if (this.lp !== null) {
      const lp = this.lp;
      for (let p = lp.first(); p !== -1; p = lp.next(p)) fn(lp.bytesAt(p));
    } else {
      const d = this.dict!;
      d.forEach((ref) => fn(d.keyOf(ref)));
    }
  }

  /** Every member (copies), in storage order. */
  toArray(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.forEach((m) => out.push(m.slice()));
    return out;
  }

  /** True when every member is an integer (string2ll). */
  allIntegers(): boolean {
    if (this.is !== null) return true;
    let ok = true;
    this.forEach((m) => {
      if (ok && parseI64(m) === null) ok = false;
    });
    return ok;
  }

  /** A random member (a copy); the set must not be empty. */
  random(): Uint8Array {
    if (this.is !== null) return bigBytes(this.is.get(Math.floor(Math.random() * this.is.length)));
    if (this.lp !== null) {
      return this.lp.bytesAt(this.lp.seek(Math.floor(Math.random() * this.lp.count))).slice();
    }
    const d = this.dict!;
    return d.keyOf(d.randomRef(true)).slice();
  }

  /** Removes and returns a random member; the set must not be empty. */
  popRandom(): Uint8Array {
    if (this.is !== null) return bigBytes(this.is.removeAt(Math.floor(Math.random() * this.is.length)));
    if (this.lp !== null) {
      const p = this.lp.seek(Math.floor(Math.random() * this.lp.count));
      const m = this.lp.bytesAt(p).slice();
      this.lp.deleteAt(p);
      return m;
    }
    const d = this.dict!;
    const ref = d.randomRef(true);
    const m = d.keyOf(ref).slice();
    d.deleteRef(ref);
    return m;
  }

  /**
   * `count` distinct members (count < length) chosen uniformly, in storage order (Valkey's
   * lpNextRandom selection for listpacks); copies.
   */
  randomDistinct(count: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let remaining = this.length;
    let need = count;
    this.forEach((m) => {
      if (need > 0 && Math.random() * remaining < need) {
        out.push(m.slice());
        need--;
      }
      remaining--;
    });
    return out;
  }

  /**
   * One SSCAN step: an intset or listpack is returned whole (cursor 0); a hashtable is scanned from
   * `cursor` until `count` members were visited (at most 10 × count steps). Returns the next cursor.
   */
  scan(cursor: number, count: number, fn: (member: Uint8Array) => void): number {
    if (this.dict === null) {
      this.forEach(fn);
      return 0;
    }
    const d = this.dict;
    let visited = 0;
    const visit = (ref: number): void => {
      visited++;
      fn(d.keyOf(ref));
    };
    let steps = count * 10;
    do {
      cursor = d.scan(cursor, visit);
    } while (cursor !== 0 && steps-- !== 0 && visited < count);
    return cursor;
  }

  memoryUsage(): number {
    if (this.is !== null) return OBJ_HEADER + this.is.memoryBytes();
    if (this.lp !== null) return OBJ_HEADER + this.lp.memoryBytes();
    return OBJ_HEADER + this.dict!.memoryBytes();
  }

  dup(): SetValue {
    const s = new SetValue();
    s.is = this.is !== null ? this.is.dup() : null;
    s.lp = this.lp !== null ? this.lp.dup() : null;
    s.dict = this.dict !== null ? this.dict.dup() : null;
    return s;
  }
}
