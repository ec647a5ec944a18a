/**
 * The sorted set value (ZADD, ZRANGE...): members with float64 scores, ordered by (score, member bytes).
 *
 * Overview
 * --------
 * Valkey keeps a small sorted set as a listpack (member, score, member, score... in order) and a big one as
 * a skiplist plus a hash table from member to node. This file keeps both encodings in one layout that has
 * no JS object and no JS string per member:
 *
 *     arena (Uint8Array, owned by the set)         order: counted B+tree of int32 refs, sorted
 *     ┌──────┬─────────┬──────────┬──┬──────┬──    ┌────────────── internal node ──────────────┐
 *     │ len  │ score   │ member   │▒▒│ len  │..    │ kids[] | mins[] (first ref) | counts[]    │
 *     │ u32  │ f64     │ len bytes│  │ ...  │      └───────┬───────────────────┬───────────┘
 *     └──────┴─────────┴──────────┴──┴──────┴──            ▼                   ▼
 *     ^ ref = byte offset / 4 (entries 4-aligned)     leaf: Int32Array refs ⇄ prev/next leaves
 *
 *     dict (skiplist encoding only): core/keyspace/hash_table.ts Swiss table of the same refs, keyed by
 *     the member bytes in the arena (xxHash32 of the bytes).
 *
 * - "listpack" encoding (OBJECT ENCODING): arena + B+tree, no dict. Lookups by member scan the members in
 *   order (at most zset-max-listpack-entries of them, 128 by default), like Valkey's listpack walk.
 * - "skiplist" encoding: arena + B+tree + dict: member lookups O(1), everything ordered O(log n).
 * The B+tree stands in for Valkey's skiplist: each internal node keeps the element count of every child, so
 * rank → element and element → rank are O(log n) (Valkey's span fields); leaves are linked both ways so
 * ranges are walked like the skiplist's level-0 list.
 *
 * Memory arithmetic (1M members of 13 bytes, skiplist encoding)
 * -------------------------------------------------------------
 * arena entry 12 + 13 → 28 bytes; B+tree leaves of 64 refs ~70% full → ~5.7 bytes + the leaf object's share
 * (~2 bytes); dict ~8.4 MB of buckets for 1M → ~9 bytes: ≈ 45 bytes per member plus dead arena space
 * (deleted entries are only reclaimed by compaction, at most half the arena).
 *
 * Invariants
 * - every live arena entry is referenced exactly once by the tree (and once by the dict when it exists);
 * - the tree is sorted by (score, member): scores compare numerically (-0 == 0, no NaN is ever stored),
 *   ties compare member bytes as memcmp, a shorter prefix first;
 * - internal node `mins[i]` is the first ref under `kids[i]`, `counts[i]` the number of refs under it;
 * - `dead` counts arena bytes of removed entries; when more than half the arena is dead it is compacted
 *   (live entries copied in order, refs rewritten in the leaves, mins recomputed, dict rebuilt).
 * - in the listpack encoding a score is never -0: Valkey stores an integral score as an integer in the
 *   listpack, so -0 reads back as 0; the same normalisation happens when converting to listpack.
 *
 * @module
 */

import { HASH_SEED, hashBytes } from "../keyspace/hash.ts";
import { HashTable, NO_REF } from "../keyspace/hash_table.ts";
import type { ValueObject } from "./value.ts";

const LEAF_CAP = 64;
const NODE_CAP = 64;
const HEADER = 12; // u32 length + f64 score

class Leaf {
  refs: Int32Array = new Int32Array(LEAF_CAP);
  n = 0;
  prev: Leaf | null = null;
  next: Leaf | null = null;
  parent: Inner | null = null;
}

class Inner {
  kids: (Leaf | Inner)[] = [];
  mins: number[] = [];
  counts: number[] = [];
  parent: Inner | null = null;
}

type Node = Leaf | Inner;

/** A predicate over refs that is true for a prefix of the order ("this element comes before the bound"). */
export type Before = (ref: number) => boolean;

/** One score bound of a range (Valkey's zrangespec side). */
export interface ScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

/** One lex bound: bytes, or -Infinity / +Infinity for `-` / `+`. */
export type LexBound = Uint8Array | number;

export interface LexRange {
  min: LexBound;
  max: LexBound;
  minEx: boolean;
  maxEx: boolean;
}

/** memcmp order, shorter prefix first (Valkey's sdscmp). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export class ZSet implements ValueObject {
  readonly type = "zset";
  #arena: Uint8Array;
  #view: DataView;
  #i32: Int32Array;
  #top = 0; // bytes used
  #dead = 0; // bytes of removed entries
  #root: Node = new Leaf();
  #first: Leaf;
  #last: Leaf;
  #size = 0;
  #dict: HashTable | null = null;

  /**
   * A new empty set; `listpack` picks the small encoding, `expectEntries` pre-sizes the dict and
   * `arenaBytes` the arena (bulk loading, see {@link arenaBytesFor}).
   */
  constructor(listpack = true, expectEntries = 0, arenaBytes = 64) {
    this.#arena = new Uint8Array(arenaBytes > 64 ? (arenaBytes + 3) & ~3 : 64);
    this.#view = new DataView(this.#arena.buffer);
    this.#i32 = new Int32Array(this.#arena.buffer);
    this.#first = this.#last = this.#root as Leaf;
    if (!listpack) {
      this.#dict = this.#newDict();
      if (expectEntries > 0) this.#dict.expand(expectEntries);
    }
  }

  /** Arena bytes an entry with a member of `memberLength` bytes takes (to pre-size a bulk load). */
  static arenaBytesFor(memberLength: number): number {
    return (HEADER + memberLength + 3) & ~3;
  }

  get encoding(): string {
    return this.#dict === null ? "listpack" : "skiplist";
  }

  get isListpack(): boolean {
    return this.#dict === null;
  }

  get length(): number {
    return this.#size;
  }

  // --- arena ---------------------------------------------------------------------------------------------

  #newDict(): HashTable {
    return new HashTable({
      keyEquals: (ref, key) => this.#memberEquals(ref, key),
      hashOfRef: (ref) => {
        const off = ref << 2;
        return hashBytes(this.#arena, off + HEADER, off + HEADER + this.#i32[ref]!, HASH_SEED);
      },
    });
  }

  #memberEquals(ref: number, key: Uint8Array): boolean {
    const len = this.#i32[ref]!;
    if (len !== key.length) return false;
    const a = this.#arena;
    const off = (ref << 2) + HEADER;
    for (let i = 0; i < len; i++) if (a[off + i] !== key[i]) return false;
    return true;
  }

  #alloc(member: Uint8Array, score: number): number {
    const size = (HEADER + member.length + 3) & ~3;
    if (this.#top + size > this.#arena.length) {
      let cap = this.#arena.length * 2;
      while (cap < this.#top + size) cap *= 2;
      const a = new Uint8Array(cap);
      a.set(this.#arena.subarray(0, this.#top));
      this.#setArena(a);
    }
    const off = this.#top;
    this.#top += size;
    this.#i32[off >> 2] = member.length;
    this.#view.setFloat64(off + 4, score, true);
    this.#arena.set(member, off + HEADER);
    return off >> 2;
  }

  #setArena(a: Uint8Array): void {
    this.#arena = a;
    this.#view = new DataView(a.buffer);
    this.#i32 = new Int32Array(a.buffer);
  }

  #entryBytes(ref: number): number {
    return (HEADER + this.#i32[ref]! + 3) & ~3;
  }

  /** The score of entry `ref`. */
  scoreOf(ref: number): number {
    return this.#view.getFloat64((ref << 2) + 4, true);
  }

  /** The member of entry `ref`: a view valid until the next change to the set. */
  memberOf(ref: number): Uint8Array {
    const off = (ref << 2) + HEADER;
    return this.#arena.subarray(off, off + this.#i32[ref]!);
  }

  memberLength(ref: number): number {
    return this.#i32[ref]!;
  }

  /** Orders entry `ref` against (score, member). */
  #compare(ref: number, score: number, member: Uint8Array): number {
    const s = this.scoreOf(ref);
    if (s < score) return -1;
    if (s > score) return 1;
    return compareBytes(this.memberOf(ref), member);
  }

  // --- lookups -------------------------------------------------------------------------------------------

  /** The ref of `member`, or -1. */
  find(member: Uint8Array): number {
    if (this.#dict !== null) {
      return this.#dict.find(member, hashBytes(member, 0, member.length, HASH_SEED));
    }
    for (let leaf: Leaf | null = this.#first; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.n; i++) {
        const ref = leaf.refs[i]!;
        if (this.#memberEquals(ref, member)) return ref;
      }
    }
    return NO_REF;
  }

  /** The score of `member`, or null. */
  score(member: Uint8Array): number | null {
    const ref = this.find(member);
    return ref === NO_REF ? null : this.scoreOf(ref);
  }

  /** Number of elements for which `before` holds (they form a prefix of the order). */
  countBefore(before: Before): number {
    let node = this.#root;
    let rank = 0;
    while (node instanceof Inner) {
      // Last child whose first element is before the bound (binary search over the sorted mins).
      let lo = 0;
      let hi = node.kids.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (before(node.mins[mid]!)) lo = mid;
        else hi = mid - 1;
      }
      for (let i = 0; i < lo; i++) rank += node.counts[i]!;
      node = node.kids[lo]!;
    }
    let lo = 0;
    let hi = node.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(node.refs[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

  /** 0-based rank of entry `ref` in ascending order. */
  rankOf(ref: number): number {
    const score = this.scoreOf(ref);
    const member = this.memberOf(ref);
    return this.countBefore((r) => this.#compare(r, score, member) < 0);
  }

  /** The leaf and index holding rank `rank` (0 <= rank < length). */
  #locate(rank: number): [Leaf, number] {
    let node = this.#root;
    while (node instanceof Inner) {
      let i = 0;
      while (rank >= node.counts[i]!) rank -= node.counts[i++]!;
      node = node.kids[i]!;
    }
    return [node, rank];
  }

  /** The ref at rank `rank` (0-based ascending). */
  at(rank: number): number {
    const [leaf, i] = this.#locate(rank);
    return leaf.refs[i]!;
  }

  /**
   * Visits up to `count` refs from rank `start`, ascending or (`reverse`) descending from there; `fn`
   * returns false to stop. The set must not change during the walk.
   */
  walk(start: number, count: number, reverse: boolean, fn: (ref: number) => boolean | void): void {
    if (start < 0 || start >= this.#size || count <= 0) return;
    let [leaf, i] = this.#locate(start);
    let l: Leaf | null = leaf;
    while (count-- > 0 && l !== null) {
      if (fn(l.refs[i]!) === false) return;
      if (reverse) {
        if (--i < 0) {
          l = l.prev;
          i = l === null ? 0 : l.n - 1;
        }
      } else if (++i >= l.n) {
        l = l.next;
        i = 0;
      }
    }
  }

  /** Visits every ref in ascending order. */
  forEach(fn: (ref: number) => void): void {
    for (let l: Leaf | null = this.#first; l !== null; l = l.next) {
      for (let i = 0; i < l.n; i++) fn(l.refs[i]!);
    }
  }

  // --- score / lex ranges ----------------------------------------------------------------------------------

  /** Rank of the first element >= (or >) the range's min score. */
  scoreLowerRank(r: ScoreRange): number {
    return this.countBefore(
      r.minEx ? (ref) => this.scoreOf(ref) <= r.min : (ref) => this.scoreOf(ref) < r.min,
    );
  }

  /** Number of elements <= (or <) the range's max score: the rank just past the range's end. */
  scoreUpperRank(r: ScoreRange): number {
    return this.countBefore(
      r.maxEx ? (ref) => this.scoreOf(ref) < r.max : (ref) => this.scoreOf(ref) <= r.max,
    );
  }

  /** The element ranks [from, to) a score range covers (empty when from >= to). */
  scoreSpan(r: ScoreRange): [number, number] {
    if (r.min > r.max || (r.min === r.max && (r.minEx || r.maxEx))) return [0, 0];
    return [this.scoreLowerRank(r), this.scoreUpperRank(r)];
  }

  /** The element ranks [from, to) a lex range covers (Valkey compares members only). */
  lexSpan(r: LexRange): [number, number] {
    if (lexRangeEmpty(r)) return [0, 0];
    const from = typeof r.min === "number" ? (r.min < 0 ? 0 : this.#size) : this.countBefore((ref) => {
      const c = compareBytes(this.memberOf(ref), r.min as Uint8Array);
      return r.minEx ? c <= 0 : c < 0;
    });
    const to = typeof r.max === "number" ? (r.max < 0 ? 0 : this.#size) : this.countBefore((ref) => {
      const c = compareBytes(this.memberOf(ref), r.max as Uint8Array);
      return r.maxEx ? c < 0 : c <= 0;
    });
    return [from, to];
  }

  // --- changes -------------------------------------------------------------------------------------------

  /** Inserts a member that is not in the set. Returns its ref. */
  insert(member: Uint8Array, score: number): number {
    if (this.#dict === null && score === 0) score = 0; // -0 is stored as the integer 0 in a listpack
    const ref = this.#alloc(member, score);
    this.#insertRef(ref);
    if (this.#dict !== null) this.#dict.insert(ref, hashBytes(member, 0, member.length, HASH_SEED));
    this.#size++;
    return ref;
  }

  #insertRef(ref: number): void {
    const score = this.scoreOf(ref);
    const member = this.memberOf(ref);
    for (;;) {
      // Descend to the leaf: the last child whose first element is before the new one.
      let node = this.#root;
      while (node instanceof Inner) {
        let lo = 0;
        let hi = node.kids.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (this.#compare(node.mins[mid]!, score, member) < 0) lo = mid;
          else hi = mid - 1;
        }
        node = node.kids[lo]!;
      }
      const leaf = node;
      if (leaf.n === LEAF_CAP) {
        this.#splitLeaf(leaf);
        continue;
      }
      let lo = 0;
      let hi = leaf.n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.#compare(leaf.refs[mid]!, score, member) < 0) lo = mid + 1;
        else hi = mid;
      }
      leaf.refs.copyWithin(lo + 1, lo, leaf.n);
      leaf.refs[lo] = ref;
      leaf.n++;
      this.#adjustCounts(leaf, 1);
      if (lo === 0) this.#fixMins(leaf);
      return;
    }
  }

  /** Adds `delta` to the counts on the path from the root to `leaf`. */
  #adjustCounts(node: Node, delta: number): void {
    let child: Node = node;
    let p = child.parent;
    while (p !== null) {
      p.counts[p.kids.indexOf(child)]! += delta;
      child = p;
      p = p.parent;
    }
  }

  /** Refreshes the `mins` entries on the path above `node` after its first element changed. */
  #fixMins(node: Node): void {
    let child: Node = node;
    let p = child.parent;
    while (p !== null) {
      const i = p.kids.indexOf(child);
      const first = firstRef(child);
      if (p.mins[i] === first) return;
      p.mins[i] = first;
      if (i !== 0) return;
      child = p;
      p = p.parent;
    }
  }

  #splitLeaf(leaf: Leaf): void {
    const right = new Leaf();
    const half = leaf.n >> 1;
    right.refs.set(leaf.refs.subarray(half, leaf.n));
    right.n = leaf.n - half;
    leaf.n = half;
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next !== null) leaf.next.prev = right;
    else this.#last = right;
    leaf.next = right;
    this.#addSibling(leaf, right, half, right.n);
  }

  /** Puts `right` after `left` in left's parent (splitting upwards as needed). */
  #addSibling(left: Node, right: Node, leftCount: number, rightCount: number): void {
    let p = left.parent;
    if (p === null) {
      p = new Inner();
      p.kids = [left];
      p.mins = [firstRef(left)];
      p.counts = [leftCount + rightCount];
      left.parent = p;
      this.#root = p;
    }
    const i = p.kids.indexOf(left);
    p.kids.splice(i + 1, 0, right);
    p.mins.splice(i + 1, 0, firstRef(right));
    p.counts[i] = leftCount;
    p.counts.splice(i + 1, 0, rightCount);
    right.parent = p;
    if (p.kids.length > NODE_CAP) {
      const q = new Inner();
      const half = p.kids.length >> 1;
      q.kids = p.kids.splice(half);
      q.mins = p.mins.splice(half);
      q.counts = p.counts.splice(half);
      for (const k of q.kids) k.parent = q;
      this.#addSibling(p, q, sum(p.counts), sum(q.counts));
    }
  }

  /** Removes `member`; false when it is not there. */
  remove(member: Uint8Array): boolean {
    const ref = this.find(member);
    if (ref === NO_REF) return false;
    this.removeRef(ref);
    return true;
  }

  /** Removes the entry `ref`. */
  removeRef(ref: number): void {
    const rank = this.rankOf(ref);
    const [leaf, i] = this.#locate(rank);
    if (this.#dict !== null) {
      const m = this.memberOf(ref);
      this.#dict.deleteRef(ref, hashBytes(m, 0, m.length, HASH_SEED));
    }
    this.#removeAt(leaf, i);
    this.#dead += this.#entryBytes(ref);
    this.#size--;
    if (this.#size === 0) this.#reset();
    else if (this.#dead > 4096 && this.#dead * 2 > this.#top) this.#compact();
  }

  #removeAt(leaf: Leaf, i: number): void {
    leaf.refs.copyWithin(i, i + 1, leaf.n);
    leaf.n--;
    this.#adjustCounts(leaf, -1);
    if (leaf.n === 0) {
      this.#dropLeaf(leaf);
      return;
    }
    if (i === 0) this.#fixMins(leaf);
    if (leaf.n < LEAF_CAP >> 2) this.#mergeLeaf(leaf);
  }

  /** Merges a small leaf into a neighbour under the same parent when both fit in one. */
  #mergeLeaf(leaf: Leaf): void {
    const p = leaf.parent;
    if (p === null) return;
    const i = p.kids.indexOf(leaf);
    const next = leaf.next;
    if (i + 1 < p.kids.length && next !== null && leaf.n + next.n <= LEAF_CAP) {
      leaf.refs.set(next.refs.subarray(0, next.n), leaf.n);
      leaf.n += next.n;
      p.counts[i]! += next.n;
      p.counts[i + 1] = 0;
      this.#dropLeaf(next);
      return;
    }
    const prev = leaf.prev;
    if (i > 0 && prev !== null && leaf.n + prev.n <= LEAF_CAP) {
      prev.refs.set(leaf.refs.subarray(0, leaf.n), prev.n);
      prev.n += leaf.n;
      p.counts[i - 1]! += leaf.n;
      p.counts[i] = 0;
      this.#dropLeaf(leaf);
    }
  }

  /** Unlinks an emptied (or merged-away) leaf; its count on the path must already be 0. */
  #dropLeaf(leaf: Leaf): void {
    if (leaf.prev !== null) leaf.prev.next = leaf.next;
    else if (leaf.next !== null) this.#first = leaf.next;
    if (leaf.next !== null) leaf.next.prev = leaf.prev;
    else if (leaf.prev !== null) this.#last = leaf.prev;
    this.#dropChild(leaf);
  }

  #dropChild(node: Node): void {
    const p = node.parent;
    if (p === null) return; // the root leaf stays (empty)
    const i = p.kids.indexOf(node);
    p.kids.splice(i, 1);
    p.mins.splice(i, 1);
    p.counts.splice(i, 1);
    node.parent = null;
    if (p.kids.length === 0) {
      this.#dropChild(p);
      return;
    }
    if (i === 0) this.#fixMins(p);
    if (p === this.#root) {
      // Collapse a root with a single child.
      let r: Node = p;
      while (r instanceof Inner && r.kids.length === 1) {
        const only: Node = r.kids[0]!;
        only.parent = null;
        r = only;
      }
      this.#root = r;
      return;
    }
    if (p.kids.length < NODE_CAP >> 2) this.#mergeInner(p);
  }

  #mergeInner(node: Inner): void {
    const p = node.parent;
    if (p === null) return;
    const i = p.kids.indexOf(node);
    const sib = (i + 1 < p.kids.length ? p.kids[i + 1] : p.kids[i - 1]) as Inner | undefined;
    if (sib === undefined || sib.kids.length + node.kids.length > NODE_CAP) return;
    const [left, right] = i + 1 < p.kids.length ? [node, sib] : [sib, node];
    for (const k of right.kids) k.parent = left;
    left.kids.push(...right.kids);
    left.mins.push(...right.mins);
    left.counts.push(...right.counts);
    const li = p.kids.indexOf(left);
    p.counts[li]! += p.counts[li + 1]!;
    p.counts[li + 1] = 0;
    right.kids = [];
    this.#dropChild(right);
  }

  /** Changes the score of entry `ref`; returns the entry's (possibly new) ref. */
  updateScore(ref: number, score: number): number {
    if (this.#dict === null && score === 0) score = 0;
    const rank = this.rankOf(ref);
    const [leaf, i] = this.#locate(rank);
    // Fast path: the new score keeps the element between its neighbours.
    const member = this.memberOf(ref);
    const prevRef = i > 0
      ? leaf.refs[i - 1]!
      : leaf.prev !== null
      ? leaf.prev.refs[leaf.prev.n - 1]!
      : NO_REF;
    const nextRef = i + 1 < leaf.n ? leaf.refs[i + 1]! : leaf.next !== null ? leaf.next.refs[0]! : NO_REF;
    if (
      (prevRef === NO_REF || this.#compare(prevRef, score, member) < 0) &&
      (nextRef === NO_REF || this.#compare(nextRef, score, member) > 0)
    ) {
      this.#view.setFloat64((ref << 2) + 4, score, true);
      return ref;
    }
    this.#removeAt(leaf, i);
    this.#view.setFloat64((ref << 2) + 4, score, true);
    this.#insertRef(ref);
    return ref;
  }

  #reset(): void {
    const leaf = new Leaf();
    this.#root = this.#first = this.#last = leaf;
    this.#setArena(new Uint8Array(64));
    this.#top = 0;
    this.#dead = 0;
    if (this.#dict !== null) this.#dict.clear();
  }

  /** Copies the live entries to a fresh arena in order and rewrites every ref. */
  #compact(): void {
    const old = this.#arena;
    const oldI32 = this.#i32;
    let need = 0;
    this.forEach((ref) => (need += this.#entryBytes(ref)));
    let cap = 64;
    while (cap < need) cap *= 2;
    const a = new Uint8Array(cap);
    let top = 0;
    for (let l: Leaf | null = this.#first; l !== null; l = l.next) {
      for (let i = 0; i < l.n; i++) {
        const ref = l.refs[i]!;
        const size = (HEADER + oldI32[ref]! + 3) & ~3;
        a.set(old.subarray(ref << 2, (ref << 2) + size), top);
        l.refs[i] = top >> 2;
        top += size;
      }
    }
    this.#setArena(a);
    this.#top = top;
    this.#dead = 0;
    recomputeMins(this.#root);
    if (this.#dict !== null) this.#rebuildDict(this.#size);
  }

  #rebuildDict(expect: number): void {
    const dict = this.#newDict();
    if (expect > 0) dict.expand(expect);
    this.forEach((ref) => {
      const m = this.memberOf(ref);
      dict.insert(ref, hashBytes(m, 0, m.length, HASH_SEED));
    });
    this.#dict = dict;
  }

  // --- encodings -----------------------------------------------------------------------------------------

  /** Listpack → skiplist (Valkey's zsetConvertAndExpand), pre-sizing the dict for `capacity`. */
  toSkiplist(capacity = this.#size): void {
    if (this.#dict !== null) return;
    this.#rebuildDict(Math.max(capacity, this.#size));
  }

  /** Skiplist → listpack; -0 scores become 0 as in Valkey's listpack. */
  toListpack(): void {
    if (this.#dict === null) return;
    this.#dict = null;
    this.forEach((ref) => {
      if (this.scoreOf(ref) === 0) this.#view.setFloat64((ref << 2) + 4, 0, true);
    });
  }

  /** Longest member and total member bytes (zsetConvertToListpackIfNeeded's inputs). */
  memberStats(): { max: number; total: number } {
    let max = 0;
    let total = 0;
    this.forEach((ref) => {
      const n = this.#i32[ref]!;
      total += n;
      if (n > max) max = n;
    });
    return { max, total };
  }

  // --- scan / random -------------------------------------------------------------------------------------

  /** Dict scan step (skiplist encoding only); returns the next cursor. */
  scan(cursor: number, fn: (ref: number) => void): number {
    if (this.#dict === null) throw new Error("scan on a listpack zset");
    return this.#dict.scan(cursor, fn);
  }

  /** A random ref: fair dict sampling (skiplist) or a uniform rank (listpack). -1 when empty. */
  randomRef(): number {
    if (this.#size === 0) return NO_REF;
    if (this.#dict !== null) return this.#dict.randomRef(true);
    return this.at(Math.floor(Math.random() * this.#size));
  }

  // --- ValueObject ---------------------------------------------------------------------------------------

  memoryUsage(): number {
    let leaves = 0;
    for (let l: Leaf | null = this.#first; l !== null; l = l.next) leaves++;
    let bytes = 64 + this.#arena.length + leaves * (LEAF_CAP * 4 + 96);
    bytes += Math.ceil(leaves / (NODE_CAP / 2)) * (NODE_CAP * 24 + 96);
    if (this.#dict !== null) bytes += this.#dict.memoryBytes();
    return bytes;
  }

  dup(): ZSet {
    const z = new ZSet(this.#dict === null, this.#size);
    this.forEach((ref) => z.#appendSorted(this.memberOf(ref), this.scoreOf(ref)));
    return z;
  }

  /**
   * Visits every element in ascending order with its member as `arena[off, off + len)` (no view is made;
   * for the RDB writer). `fn` must not change the set.
   */
  forEachRaw(fn: (arena: Uint8Array, off: number, len: number, score: number) => void): void {
    const a = this.#arena;
    const i32 = this.#i32;
    const view = this.#view;
    for (let l: Leaf | null = this.#first; l !== null; l = l.next) {
      for (let i = 0; i < l.n; i++) {
        const ref = l.refs[i]!;
        fn(a, (ref << 2) + HEADER, i32[ref]!, view.getFloat64((ref << 2) + 4, true));
      }
    }
  }

  /**
   * Bulk loading in order (RDB): appends (member, score) when it sorts after every element present and
   * the member is not in the set. Returns 1 when appended, 0 when it is out of order (nothing changed:
   * use {@link insert}), -1 when the member is present already.
   */
  appendIfSorted(member: Uint8Array, score: number): number {
    if (this.#dict === null && score === 0) score = 0;
    if (this.#size > 0) {
      const last = this.#last.refs[this.#last.n - 1]!;
      if (this.#compare(last, score, member) >= 0) return 0;
    }
    if (this.find(member) !== NO_REF) return -1;
    this.#appendSorted(member, score);
    return 1;
  }

  /** Appends an element known to sort after every element present (bulk building in order). */
  #appendSorted(member: Uint8Array, score: number): void {
    const ref = this.#alloc(member, score);
    let last = this.#last;
    if (last.n === LEAF_CAP) {
      const right = new Leaf();
      right.prev = last;
      last.next = right;
      this.#last = right;
      this.#addSibling(last, right, last.n, 0);
      last = right;
    }
    last.refs[last.n++] = ref;
    this.#adjustCounts(last, 1);
    if (last.n === 1) this.#fixMins(last);
    if (this.#dict !== null) this.#dict.insert(ref, hashBytes(member, 0, member.length, HASH_SEED));
    this.#size++;
  }

  /** Checks the structural invariants (tests). Throws on a violation. */
  verify(): void {
    let count = 0;
    let prev = NO_REF;
    this.forEach((ref) => {
      if (prev !== NO_REF && this.#compare(prev, this.scoreOf(ref), this.memberOf(ref)) >= 0) {
        throw new Error("order violated");
      }
      prev = ref;
      count++;
    });
    if (count !== this.#size) throw new Error(`size ${this.#size} but ${count} refs`);
    const check = (node: Node): number => {
      if (node instanceof Leaf) return node.n;
      let total = 0;
      node.kids.forEach((k, i) => {
        if (k.parent !== node) throw new Error("bad parent");
        const c = check(k);
        if (c !== node.counts[i]) throw new Error(`count ${node.counts[i]} but ${c}`);
        if (firstRef(k) !== node.mins[i]) throw new Error("bad min");
        total += c;
      });
      return total;
    };
    if (check(this.#root) !== this.#size) throw new Error("root count");
    if (this.#dict !== null && this.#dict.size !== this.#size) throw new Error("dict size");
  }
}

function firstRef(node: Node): number {
  while (node instanceof Inner) node = node.kids[0]!;
  return node.n > 0 ? node.refs[0]! : NO_REF;
}

function recomputeMins(node: Node): number {
  if (node instanceof Leaf) return node.n > 0 ? node.refs[0]! : NO_REF;
  for (let i = 0; i < node.kids.length; i++) node.mins[i] = recomputeMins(node.kids[i]!);
  return node.mins[0]!;
}

function sum(a: number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

/** Valkey's zslParseLexRange sanity: a range that cannot contain anything. */
function lexRangeEmpty(r: LexRange): boolean {
  const c = compareLex(r.min, r.max);
  return c > 0 || (c === 0 && (r.minEx || r.maxEx));
}

/** Orders two lex bounds (-inf / +inf as numbers). */
export function compareLex(a: LexBound, b: LexBound): number {
  if (typeof a === "number" || typeof b === "number") {
    const av = typeof a === "number" ? a : 0;
    const bv = typeof b === "number" ? b : 0;
    return av < bv ? -1 : av > bv ? 1 : 0;
  }
  return compareBytes(a, b);
}
