/**
 * Swiss-style hash table of int32 entry refs, modelled on Valkey 8.1's `hashtable.c` design.
 *
 * The table stores only 32-bit refs (see slab.ts); it knows nothing about keys except through an
 * {@link EntryAccess} callback object ("does entry `ref` have this key?", "what is the hash of entry
 * `ref`?"), so the same table can index the keyspace and, later, hash fields, set members and
 * sorted-set members. Refs may be any int32 except -1 (the "no entry" answer).
 *
 * Buckets: one 64-byte cache line, 12 entries
 * -------------------------------------------
 * Valkey's hashtable has two bucket layouts: 7 x 8-byte pointers on 64-bit builds, 12 x 4-byte
 * pointers on 32-bit builds. Refs are 4 bytes, so this table uses the 12-entry layout; a bucket
 * is 16 int32 words of one `ArrayBuffer`, read through an `Int32Array` (meta, refs) and a
 * `Uint8Array` (tags) view:
 *
 *     byte  0      1      2    3   ...   13    14 15   16      20            60
 *         +-------------+----+----+-----+----+------+-------+-------+-----+-------+
 *         |    meta     | t0 | t1 | ... | t11| pad  |  r0   |  r1   | ... |  r11  |
 *         +-------------+----+----+-----+----+------+-------+-------+-----+-------+
 *     meta (low 16 bits of word 0): bits 0..11 presence of r0..r11, bit 15 chained
 *     tN: top 8 bits of the hash of rN (rules out ~255/256 of false candidates without touching
 *         the entry); when chained, r11 holds the child bucket's id instead of an entry.
 *
 * 64 bytes per 12 slots = 5.33 bytes per slot, and a lookup touches one cache line of the table.
 * (Measured against the first version of this file, which kept 8 control bytes and 8 int32 words
 * per bucket in two separate arrays, 40 bytes per 7 slots and two cache misses per probe: at 1M
 * keys 8.8 MB instead of 11.1 MB, and random-order finds ~600 ns instead of ~610-730 ns on a
 * machine with ~170 ns per dependent cache miss.) The bucket index is `hash & (buckets - 1)`.
 *
 * Chaining (kept from Valkey rather than probing: it keeps SCAN's guarantee)
 * ---------------------------------------------------------------------------
 * When a bucket is full its last entry moves to a new child bucket from an overflow pool and r11
 * becomes the child pointer; children form a chain:
 *
 *     table:  ... | b[5]: 11 entries + child | b[6] | ...
 *                                      |
 *                                      v   pool bucket (id = chunk << 10 | index in chunk)
 *                                    +---------------------------+
 *                                    | 11 entries + child        | ---> pool bucket: 2..12 entries
 *                                    +---------------------------+
 *
 * Invariant (outside a SCAN callback): every bucket of a chain but the last is full, and the last
 * bucket of a chain holds at least 2 entries when it is a child. A deletion fills its hole with an
 * entry from the last bucket; a last bucket left with one entry gives it to its parent's r11
 * position and is freed (Valkey's pruneLastBucket). Each of the two tables has its own pool of
 * child buckets, a list of chunks whose capacities grow 8, 16, ..., 1024 buckets (a small table
 * does not pay for a big chunk); a freed bucket goes to its chunk's free list, allocation prefers
 * the lowest chunk with room, and empty trailing chunks are dropped by the cron. When a rehash
 * completes, the old table's pool (by then empty) goes away with the old table: just before a
 * growth, at 100% fill, ~40% of the buckets have a child, and a shared pool would keep those
 * chunks alive under the new table's far fewer, scattered children (measured: 1.8 MB of pool
 * instead of 0.5 MB at 1M keys).
 *
 * Sizing and incremental rehashing
 * --------------------------------
 * Valkey's policy with its 12-entry constants: a new table gets 2^exp >= ceil(n * 3 / 32)
 * buckets, i.e. a fill of at most 32/3/12 = 88.9%. The table grows when an insert would push the
 * fill above 100% (chains absorb the excess) and shrinks when a delete leaves it at or below 13%.
 * Resizing allocates the new zero-filled buffer (like Valkey's zcalloc) and then moves one bucket
 * chain per find/insert/delete, and more from `rehashMicroseconds` (server cron). During a
 * rehash, lookups try table 0 (unless that bucket was already moved) and then table 1; inserts go
 * to table 1. A growth needed while a rehash is still running waits until the fill passes 500%
 * (the hard limit), which cannot happen in practice because every operation moves a bucket.
 * Moving a bucket to a bigger table needs each entry's hash (`hashOfRef`); to a smaller table the
 * old bucket index is enough (new index = old index & new mask). Tags move unchanged.
 *
 * Memory arithmetic: 5.33 bytes per slot; over the fill range 44%..100% that is 5.3..12 bytes per
 * entry, plus child buckets (a few percent of the buckets at typical fill). 1M entries: 2^17
 * buckets = 8.4 MB, 64% full. During a rehash both tables exist (growing at 786 432 entries: 4 MiB
 * + 8 MiB); when it completes the old buffer is detached (slab.ts's releaseNow), which on Deno
 * returns it to the OS at once rather than at the next major GC. A new table is zero-filled by
 * calloc; its pages cost RSS only as the rehash writes into them.
 *
 * SCAN
 * ----
 * A reverse-binary cursor over bucket indexes (Pieter Noordhuis's algorithm, as in Valkey): the
 * cursor's masked bits are incremented from the top, so the indexes already visited in a table of
 * 2^k buckets map to indexes already visited in any table of 2^j buckets. Every bucket chain is
 * returned whole within one call. While rehashing, one call returns the cursor's bucket in the
 * smaller table (if not yet moved) and all its expansions in the larger table. Guarantee: an
 * entry present for the whole scan is returned at least once, even if the table grows or shrinks
 * between calls. Valkey pauses rehashing only *during* a scan call (so the callback may delete the
 * entry it was given without entries moving under the scan); the cursor itself needs no pause
 * between calls. This table does the same: during a scan call, rehash steps, chain compaction and
 * shrinking are paused; the scanned chain is compacted after its callbacks if anything was deleted.
 * The callback may delete the entry it is given and may insert. (Deleting other entries is safe
 * too, but leaves holes in their chains until the next deletion there compacts them.)
 * Cursors are unsigned 32-bit (only the low bits are used; tables of up to 2^26 buckets).
 *
 * Random sampling works as in Valkey: scan from a random cursor until enough entries have been
 * seen (reservoir sampling when a chain yields more), then pick from the sample.
 */

import { releaseNow } from "./slab.ts";

/** Returned by lookups when there is no matching entry; never a valid ref. */
export const NO_REF = -1;

/** How the table reaches the entries behind refs. */
export interface EntryAccess {
  /** True when entry `ref` has exactly the bytes of `key` as its key. */
  keyEquals(ref: number, key: Uint8Array): boolean;
  /** The 32-bit hash of entry `ref`'s key (the same function the caller uses for lookups). */
  hashOfRef(ref: number): number;
}

const SLOTS = 12; // entry positions per bucket
const WORDS_SHIFT = 4; // 16 int32 words (64 bytes) per bucket
const REF0 = 4; // word index of r0 inside a bucket
const TAG0 = 2; // byte index of t0 inside a bucket
const CHILD_POS = 11; // position whose word holds the child id when the bucket is chained
const FULL = 0xfff; // presence bits of a full unchained bucket
const FULL_CHAINED = 0x7ff; // presence bits of a full chained bucket (r11 is the child pointer)
const CHAINED = 0x8000;
const POOL_SHIFT = 10; // pool bucket id = chunk << 10 | index in chunk
const POOL_MASK = (1 << POOL_SHIFT) - 1;
const POOL_MAX_CHUNK = 1 << POOL_SHIFT;
const BUCKET_FACTOR = 3; // buckets = ceil(n * 3 / 32): fill <= 32 / 3 / 12 = 88.9% after a resize
const BUCKET_DIVISOR = 32;
const MAX_FILL_PERCENT = 100;
const MAX_FILL_PERCENT_HARD = 500;
const MIN_FILL_PERCENT = 13;
const MAX_EXP = 26;
const WEAK_RANDOM_SAMPLE = SLOTS;
const FAIR_RANDOM_SAMPLE = SLOTS * 40;

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);

const POPCOUNT12 = new Uint8Array(1 << SLOTS);
for (let i = 1; i < POPCOUNT12.length; i++) POPCOUNT12[i] = (i & 1) + POPCOUNT12[i >> 1]!;

/** Exponent of the bucket count needed for `minCapacity` entries (-1 for none). */
export function nextBucketExp(minCapacity: number): number {
  if (minCapacity <= 0) return -1;
  const minBuckets = Math.floor((minCapacity * BUCKET_FACTOR - 1) / BUCKET_DIVISOR) + 1;
  if (minBuckets <= 1) return 0;
  if (minBuckets >= 2 ** MAX_EXP) return MAX_EXP;
  return 32 - Math.clz32(minBuckets - 1);
}

/** Reverses the 32 bits of `v` (unsigned result). */
export function reverseBits32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** Next SCAN cursor: increments the reversed masked bits of `v` (unsigned 32-bit result). */
export function nextCursor(v: number, mask: number): number {
  v = reverseBits32((v | ~mask) >>> 0);
  return reverseBits32((v + 1) >>> 0);
}

function randomU32(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

/**
 * Overflow buckets of one table: chunks of 8, 16, ..., 1024 buckets (64 bytes each); a bucket id
 * is `chunk << 10 | index`. Freed buckets go to their chunk's free list; allocation takes the
 * lowest chunk with room so that high chunks drain and can be dropped by `trim`.
 */
class ChildPool {
  u8: Uint8Array[] = [];
  i32: Int32Array[] = [];
  count = 0;
  private freeHead: number[] = [];
  private bump: number[] = [];
  private live: number[] = [];
  private low = 0;

  bytes(): number {
    let n = 0;
    for (let c = 0; c < this.u8.length; c++) n += this.u8[c]!.length;
    return n;
  }

  /** A zeroed bucket's id. */
  alloc(): number {
    this.count++;
    const chunks = this.i32.length;
    for (let c = this.low; c < chunks; c++) {
      const head = this.freeHead[c]!;
      if (head !== -1) {
        const i32 = this.i32[c]!;
        const w = (head & POOL_MASK) << WORDS_SHIFT;
        this.freeHead[c] = i32[w + REF0]!;
        i32[w + REF0] = 0;
        this.live[c]!++;
        this.low = c;
        return head;
      }
      const bump = this.bump[c]!;
      if (bump < this.i32[c]!.length >> WORDS_SHIFT) {
        this.bump[c] = bump + 1;
        this.live[c]!++;
        this.low = c;
        return (c << POOL_SHIFT) | bump;
      }
    }
    const capacity = chunks >= 7 ? POOL_MAX_CHUNK : 8 << chunks;
    const buf = new ArrayBuffer(capacity << (WORDS_SHIFT + 2));
    this.u8.push(new Uint8Array(buf));
    this.i32.push(new Int32Array(buf));
    this.freeHead.push(-1);
    this.bump.push(1);
    this.live.push(1);
    this.low = chunks;
    return chunks << POOL_SHIFT;
  }

  release(id: number): void {
    this.count--;
    const c = id >>> POOL_SHIFT;
    const w = (id & POOL_MASK) << WORDS_SHIFT;
    const i32 = this.i32[c]!;
    i32.fill(0, w, w + (1 << WORDS_SHIFT));
    i32[w + REF0] = this.freeHead[c]!;
    this.freeHead[c] = id;
    this.live[c]!--;
    if (c < this.low) this.low = c;
  }

  /** Drops empty chunks at the end. */
  trim(): void {
    let n = this.i32.length;
    while (n > 0 && this.live[n - 1] === 0) {
      releaseNow(this.u8.pop()!);
      this.i32.pop();
      this.freeHead.pop();
      this.bump.pop();
      this.live.pop();
      n--;
    }
    if (this.low > n) this.low = n;
  }

  reset(): void {
    for (const u8 of this.u8) releaseNow(u8);
    this.u8 = [];
    this.i32 = [];
    this.count = 0;
    this.freeHead = [];
    this.bump = [];
    this.live = [];
    this.low = 0;
  }
}

/** The Swiss-style table; see the head of this file. */
export class HashTable {
  private readonly access: EntryAccess;
  // Table 0 (main) and table 1 (rehash target): one buffer each, two views.
  private u80: Uint8Array = EMPTY_U8;
  private i320: Int32Array = EMPTY_I32;
  private exp0 = -1;
  private mask0 = 0;
  private used0 = 0;
  private pool0 = new ChildPool();
  private u81: Uint8Array = EMPTY_U8;
  private i321: Int32Array = EMPTY_I32;
  private exp1 = -1;
  private mask1 = 0;
  private used1 = 0;
  private pool1 = new ChildPool();
  /** Next table-0 bucket to move; -1 when not rehashing. */
  private rehashIdx = -1;
  /** > 0 while a scan call runs: no rehash steps, no chain compaction, no shrinking. */
  private paused = 0;
  /** Deletions so far (lets a scan notice deletions done by its callback). */
  private deletions = 0;
  // Position found by locate().
  private pI32: Int32Array = EMPTY_I32;
  private pW = 0;
  private pSlot = 0;
  private pTable = 0;
  private pIdx = 0;
  // Sampling state.
  private sampleBuf: Int32Array = new Int32Array(FAIR_RANDOM_SAMPLE);
  private sampleWant = 0;
  private sampleSeen = 0;
  private readonly sampleFn: (ref: number) => void;

  constructor(access: EntryAccess) {
    this.access = access;
    this.sampleFn = (ref: number): void => {
      if (this.sampleSeen < this.sampleWant) {
        this.sampleBuf[this.sampleSeen++] = ref;
      } else {
        // A chain yielded more than wanted: reservoir sampling keeps the sample uniform.
        this.sampleSeen++;
        const j = Math.floor(Math.random() * this.sampleSeen);
        if (j < this.sampleWant) this.sampleBuf[j] = ref;
      }
    };
  }

  /** Number of refs stored. */
  get size(): number {
    return this.used0 + this.used1;
  }

  /** True while an incremental rehash is in progress. */
  get rehashing(): boolean {
    return this.rehashIdx !== -1;
  }

  /** Top-level buckets of both tables (child buckets not included). */
  get buckets(): number {
    return (this.exp0 < 0 ? 0 : this.mask0 + 1) + (this.exp1 < 0 ? 0 : this.mask1 + 1);
  }

  /** Child (overflow) buckets in use by both tables. */
  get childBuckets(): number {
    return this.pool0.count + this.pool1.count;
  }

  /** Bytes held by the bucket buffers and the overflow pool. */
  memoryBytes(): number {
    return this.u80.length + this.u81.length + this.pool0.bytes() + this.pool1.bytes();
  }

  /** The ref stored under `key` (whose hash is `hash`), or -1. Moves one rehash bucket. */
  find(key: Uint8Array, hash: number): number {
    if (this.used0 + this.used1 === 0) return NO_REF;
    if (this.rehashIdx !== -1 && this.paused === 0) this.rehashStep();
    const h2 = hash >>> 24;
    if (this.used0 !== 0) {
      const idx = hash & this.mask0;
      if (idx >= this.rehashIdx) {
        const ref = this.findInChain(this.u80, this.i320, this.pool0, idx << WORDS_SHIFT, h2, key);
        if (ref !== NO_REF) return ref;
      }
    }
    if (this.used1 !== 0) {
      return this.findInChain(this.u81, this.i321, this.pool1, (hash & this.mask1) << WORDS_SHIFT, h2, key);
    }
    return NO_REF;
  }

  /** Adds `ref` under `hash`. The caller guarantees no entry with the same key is present. */
  insert(ref: number, hash: number): void {
    this.expandIfNeeded();
    if (this.rehashIdx !== -1 && this.paused === 0) this.rehashStep();
    if (this.rehashIdx !== -1) {
      this.put(1, hash & this.mask1, ref, hash >>> 24);
      this.used1++;
    } else {
      this.put(0, hash & this.mask0, ref, hash >>> 24);
      this.used0++;
    }
  }

  /** Replaces `oldRef` by `newRef` (same key, hence same `hash`). False if `oldRef` is absent. */
  replace(oldRef: number, newRef: number, hash: number): boolean {
    if (!this.locate(hash, null, oldRef)) return false;
    this.pI32[this.pW + REF0 + this.pSlot] = newRef;
    return true;
  }

  /** Removes the entry with `key`; returns its ref or -1. */
  delete(key: Uint8Array, hash: number): number {
    if (this.used0 + this.used1 === 0) return NO_REF;
    if (this.rehashIdx !== -1 && this.paused === 0) this.rehashStep();
    if (!this.locate(hash, key, 0)) return NO_REF;
    const ref = this.pI32[this.pW + REF0 + this.pSlot]!;
    this.removeAtPosition();
    return ref;
  }

  /** Removes `ref` (stored under `hash`); false if it is not in the table. */
  deleteRef(ref: number, hash: number): boolean {
    if (this.used0 + this.used1 === 0) return false;
    if (this.rehashIdx !== -1 && this.paused === 0) this.rehashStep();
    if (!this.locate(hash, null, ref)) return false;
    this.removeAtPosition();
    return true;
  }

  /**
   * One SCAN step: calls `fn` for every ref of the bucket chain(s) at `cursor` and returns the
   * next cursor (0 when the scan is complete). `fn` may delete the ref it is given and may insert
   * (other deletions only leave holes in their chains until those are compacted); it must not
   * clear the table.
   */
  scan(cursor: number, fn: (ref: number) => void): number {
    if (this.used0 + this.used1 === 0) return 0;
    cursor = cursor >>> 0;
    this.paused++;
    try {
      if (this.rehashIdx === -1) {
        const mask = this.mask0;
        this.emitChain(0, cursor & mask, fn);
        cursor = nextCursor(cursor, mask);
      } else {
        const smallIs0 = this.exp0 <= this.exp1;
        const tSmall = smallIs0 ? 0 : 1;
        const tLarge = 1 - tSmall;
        const maskSmall = smallIs0 ? this.mask0 : this.mask1;
        const maskLarge = smallIs0 ? this.mask1 : this.mask0;
        let idx = cursor & maskSmall;
        if (tSmall === 1 || idx >= this.rehashIdx) this.emitChain(tSmall, idx, fn);
        do {
          idx = cursor & maskLarge;
          if (tLarge === 1 || idx >= this.rehashIdx) this.emitChain(tLarge, idx, fn);
          cursor = nextCursor(cursor, maskLarge);
        } while ((cursor & (maskSmall ^ maskLarge)) !== 0);
      }
    } finally {
      this.paused--;
    }
    return cursor;
  }

  /**
   * Calls `fn` for every ref, each exactly once (for SAVE-like full walks). `fn` must not modify
   * the table. Takes time proportional to the table: not for the request path.
   */
  forEach(fn: (ref: number) => void): void {
    this.paused++;
    try {
      if (this.used0 !== 0) {
        for (let idx = Math.max(0, this.rehashIdx); idx <= this.mask0; idx++) this.walkChain(0, idx, fn);
      }
      if (this.used1 !== 0) { for (let idx = 0; idx <= this.mask1; idx++) this.walkChain(1, idx, fn); }
    } finally {
      this.paused--;
    }
  }

  /** A random ref (-1 if empty): Valkey's weak sample of 12, or a fairer sample of 480 entries. */
  randomRef(fair = false): number {
    const n = this.sampleInto(fair ? FAIR_RANDOM_SAMPLE : WEAK_RANDOM_SAMPLE);
    if (n === 0) return NO_REF;
    return this.sampleBuf[Math.floor(Math.random() * n)]!;
  }

  /**
   * Calls `fn` for up to `count` distinct refs taken from a run of buckets starting at a random
   * cursor (Valkey's hashtableSampleEntries); returns how many. For eviction/expiry sampling.
   */
  sample(count: number, fn: (ref: number) => void): number {
    const n = this.sampleInto(count);
    if (n === 0) return 0;
    const picked = this.sampleBuf.slice(0, n);
    for (let i = 0; i < n; i++) fn(picked[i]!);
    return n;
  }

  /** Runs incremental rehashing for about `us` microseconds; returns the buckets moved. */
  rehashMicroseconds(us: number): number {
    if (this.paused > 0) return 0;
    const start = performance.now();
    let moved = 0;
    while (this.rehashIdx !== -1) {
      this.rehashStep();
      moved++;
      if ((moved & 127) === 0 && (performance.now() - start) * 1000 >= us) break;
    }
    return moved;
  }

  /** For the cron: starts a shrink/grow the fill calls for and drops unused pool chunks. */
  resizeIfNeeded(): void {
    if (this.paused !== 0) return;
    this.shrinkIfNeeded();
    if (
      this.rehashIdx === -1 && this.exp0 >= 0 &&
      this.used0 * 100 > (this.mask0 + 1) * SLOTS * MAX_FILL_PERCENT
    ) {
      this.resize(this.used0);
    }
    this.pool0.trim();
    this.pool1.trim();
  }

  /** Pre-sizes the table for `capacity` entries (e.g. before loading); false if not resized. */
  expand(capacity: number): boolean {
    if (capacity < this.used0 + this.used1) return false;
    return this.resize(capacity);
  }

  /** Drops every ref and all bucket memory (returned at once, see slab.ts's releaseNow). */
  clear(): void {
    if (this.paused === 0) {
      releaseNow(this.u80);
      releaseNow(this.u81);
      this.pool0.reset();
      this.pool1.reset();
    }
    this.u80 = EMPTY_U8;
    this.i320 = EMPTY_I32;
    this.exp0 = -1;
    this.mask0 = 0;
    this.used0 = 0;
    this.pool0 = new ChildPool();
    this.pool1 = new ChildPool();
    this.resetTable1();
    this.rehashIdx = -1;
  }

  // --- internals ---

  private findInChain(
    u8: Uint8Array,
    i32: Int32Array,
    pool: ChildPool,
    w: number,
    h2: number,
    key: Uint8Array,
  ): number {
    for (;;) {
      const meta = i32[w]!;
      let pres = meta & FULL;
      const tags = (w << 2) + TAG0;
      while (pres !== 0) {
        const bit = pres & -pres;
        pres ^= bit;
        const i = 31 - Math.clz32(bit);
        if (u8[tags + i] === h2) {
          const ref = i32[w + REF0 + i]!;
          if (this.access.keyEquals(ref, key)) return ref;
        }
      }
      if ((meta & CHAINED) === 0) return NO_REF;
      const id = i32[w + REF0 + CHILD_POS]!;
      u8 = pool.u8[id >>> POOL_SHIFT]!;
      i32 = pool.i32[id >>> POOL_SHIFT]!;
      w = (id & POOL_MASK) << WORDS_SHIFT;
    }
  }

  /** Finds `key` (or, when `key` is null, the ref `want`); records the position in p*. */
  private locate(hash: number, key: Uint8Array | null, want: number): boolean {
    const h2 = hash >>> 24;
    for (let t = 0; t < 2; t++) {
      if ((t === 0 ? this.used0 : this.used1) === 0) continue;
      const idx = hash & (t === 0 ? this.mask0 : this.mask1);
      if (t === 0 && idx < this.rehashIdx) continue;
      let u8 = t === 0 ? this.u80 : this.u81;
      let i32 = t === 0 ? this.i320 : this.i321;
      const pool = t === 0 ? this.pool0 : this.pool1;
      let w = idx << WORDS_SHIFT;
      for (;;) {
        const meta = i32[w]!;
        let pres = meta & FULL;
        const tags = (w << 2) + TAG0;
        while (pres !== 0) {
          const bit = pres & -pres;
          pres ^= bit;
          const i = 31 - Math.clz32(bit);
          if (u8[tags + i] !== h2) continue;
          const ref = i32[w + REF0 + i]!;
          if (key === null ? ref === want : this.access.keyEquals(ref, key)) {
            this.pI32 = i32;
            this.pW = w;
            this.pSlot = i;
            this.pTable = t;
            this.pIdx = idx;
            return true;
          }
        }
        if ((meta & CHAINED) === 0) break;
        const id = i32[w + REF0 + CHILD_POS]!;
        u8 = pool.u8[id >>> POOL_SHIFT]!;
        i32 = pool.i32[id >>> POOL_SHIFT]!;
        w = (id & POOL_MASK) << WORDS_SHIFT;
      }
    }
    return false;
  }

  private removeAtPosition(): void {
    this.pI32[this.pW] = this.pI32[this.pW]! & ~(1 << this.pSlot);
    if (this.pTable === 0) this.used0--;
    else this.used1--;
    this.deletions++;
    if (this.paused !== 0) return;
    const head = this.pTable === 0 ? this.i320 : this.i321;
    if ((head[this.pIdx << WORDS_SHIFT]! & CHAINED) !== 0) this.compactChain(this.pTable, this.pIdx);
    this.shrinkIfNeeded();
  }

  /** Stores `ref` with tag `h2` in the first free position of the chain at `idx` of `table`. */
  private put(table: number, idx: number, ref: number, h2: number): void {
    let u8 = table === 0 ? this.u80 : this.u81;
    let i32 = table === 0 ? this.i320 : this.i321;
    const pool = table === 0 ? this.pool0 : this.pool1;
    let w = idx << WORDS_SHIFT;
    for (;;) {
      const word = i32[w]!;
      const chained = (word & CHAINED) !== 0;
      const pres = word & FULL;
      if (pres !== (chained ? FULL_CHAINED : FULL)) {
        const bit = ~pres & (pres + 1);
        const i = 31 - Math.clz32(bit);
        i32[w] = word | bit; // (tags t0/t1 share word 0: write the word before any tag byte)
        u8[(w << 2) + TAG0 + i] = h2;
        i32[w + REF0 + i] = ref;
        return;
      }
      if (!chained) {
        // Full: r11 moves to a new child bucket and becomes the child pointer.
        const id = pool.alloc();
        const cu8 = pool.u8[id >>> POOL_SHIFT]!;
        const ci32 = pool.i32[id >>> POOL_SHIFT]!;
        const cw = (id & POOL_MASK) << WORDS_SHIFT;
        cu8[(cw << 2) + TAG0] = u8[(w << 2) + TAG0 + CHILD_POS]!;
        cu8[(cw << 2) + TAG0 + 1] = h2;
        ci32[cw + REF0] = i32[w + REF0 + CHILD_POS]!;
        ci32[cw + REF0 + 1] = ref;
        ci32[cw] = ci32[cw]! | 3;
        i32[w] = (word & ~(1 << CHILD_POS)) | CHAINED;
        i32[w + REF0 + CHILD_POS] = id;
        return;
      }
      const id = i32[w + REF0 + CHILD_POS]!;
      u8 = pool.u8[id >>> POOL_SHIFT]!;
      i32 = pool.i32[id >>> POOL_SHIFT]!;
      w = (id & POOL_MASK) << WORDS_SHIFT;
    }
  }

  /**
   * Restores the chain invariant of the chain at `idx` of `table`: fills holes with entries from
   * the last bucket, and frees a last child bucket left with at most one entry (that entry takes
   * the place of the child pointer in the parent).
   */
  private compactChain(table: number, idx: number): void {
    const hu8 = table === 0 ? this.u80 : this.u81;
    const hi32 = table === 0 ? this.i320 : this.i321;
    const pool = table === 0 ? this.pool0 : this.pool1;
    const hw = idx << WORDS_SHIFT;
    for (;;) {
      if ((hi32[hw]! & CHAINED) === 0) return;
      // Find the last bucket (a child) and its parent.
      let pu8 = hu8;
      let pi32 = hi32;
      let pw = hw;
      let lastId = hi32[hw + REF0 + CHILD_POS]!;
      let lu8 = pool.u8[lastId >>> POOL_SHIFT]!;
      let li32 = pool.i32[lastId >>> POOL_SHIFT]!;
      let lw = (lastId & POOL_MASK) << WORDS_SHIFT;
      while ((li32[lw]! & CHAINED) !== 0) {
        pu8 = lu8;
        pi32 = li32;
        pw = lw;
        lastId = li32[lw + REF0 + CHILD_POS]!;
        lu8 = pool.u8[lastId >>> POOL_SHIFT]!;
        li32 = pool.i32[lastId >>> POOL_SHIFT]!;
        lw = (lastId & POOL_MASK) << WORDS_SHIFT;
      }
      const lastPres = li32[lw]! & FULL;
      if (POPCOUNT12[lastPres]! <= 1) {
        // Prune: the parent becomes the last bucket; a lone entry takes the child pointer's place.
        let parent = pi32[pw]! & ~CHAINED;
        if (lastPres !== 0) {
          const j = 31 - Math.clz32(lastPres);
          pu8[(pw << 2) + TAG0 + CHILD_POS] = lu8[(lw << 2) + TAG0 + j]!;
          pi32[pw + REF0 + CHILD_POS] = li32[lw + REF0 + j]!;
          parent |= 1 << CHILD_POS;
        }
        pi32[pw] = parent;
        pool.release(lastId);
        continue;
      }
      // Fill the first hole before the last bucket with one entry of the last bucket.
      let u8 = hu8;
      let i32 = hi32;
      let w = hw;
      let moved = false;
      while (!(i32 === li32 && w === lw)) {
        const pres = i32[w]! & FULL;
        if (pres !== FULL_CHAINED) {
          const hole = ~pres & (pres + 1);
          const i = 31 - Math.clz32(hole);
          const from = lastPres & -lastPres;
          const j = 31 - Math.clz32(from);
          u8[(w << 2) + TAG0 + i] = lu8[(lw << 2) + TAG0 + j]!;
          i32[w + REF0 + i] = li32[lw + REF0 + j]!;
          i32[w] = i32[w]! | hole;
          li32[lw] = li32[lw]! & ~from;
          moved = true;
          break;
        }
        const id = i32[w + REF0 + CHILD_POS]!;
        u8 = pool.u8[id >>> POOL_SHIFT]!;
        i32 = pool.i32[id >>> POOL_SHIFT]!;
        w = (id & POOL_MASK) << WORDS_SHIFT;
      }
      if (!moved) return;
    }
  }

  /** Calls `fn` for each ref of one chain, then compacts it if `fn` deleted anything. */
  private emitChain(table: number, idx: number, fn: (ref: number) => void): void {
    const head = table === 0 ? this.i320 : this.i321;
    const before = this.deletions;
    this.walkChain(table, idx, fn);
    if (this.deletions !== before && (table === 0 ? this.i320 : this.i321) === head) {
      this.compactChain(table, idx);
    }
  }

  private walkChain(table: number, idx: number, fn: (ref: number) => void): void {
    let i32 = table === 0 ? this.i320 : this.i321;
    const pool = table === 0 ? this.pool0 : this.pool1;
    let w = idx << WORDS_SHIFT;
    for (;;) {
      const meta = i32[w]!;
      let pres = meta & FULL;
      while (pres !== 0) {
        const bit = pres & -pres;
        pres ^= bit;
        fn(i32[w + REF0 + 31 - Math.clz32(bit)]!);
      }
      // Re-read: `fn` may have chained this bucket by inserting.
      if ((i32[w]! & CHAINED) === 0) return;
      const id = i32[w + REF0 + CHILD_POS]!;
      i32 = pool.i32[id >>> POOL_SHIFT]!;
      w = (id & POOL_MASK) << WORDS_SHIFT;
    }
  }

  /** Fills sampleBuf with up to `count` refs; returns how many. */
  private sampleInto(count: number): number {
    const size = this.used0 + this.used1;
    if (count > size) count = size;
    if (count <= 0) return 0;
    if (this.sampleBuf.length < count) this.sampleBuf = new Int32Array(count);
    this.sampleWant = count;
    this.sampleSeen = 0;
    let cursor = randomU32();
    while (this.sampleSeen < count) cursor = this.scan(cursor, this.sampleFn);
    if (this.rehashIdx !== -1 && this.paused === 0) this.rehashStep();
    return count;
  }

  /** Moves the chain at rehashIdx from table 0 to table 1. */
  private rehashStep(): void {
    const idx = this.rehashIdx;
    const shrinking = this.exp1 < this.exp0;
    const mask1 = this.mask1;
    let u8 = this.u80;
    let i32 = this.i320;
    const pool = this.pool0;
    let w = idx << WORDS_SHIFT;
    let id = -1;
    for (;;) {
      const meta = i32[w]!;
      let pres = meta & FULL;
      if (pres !== 0) {
        const n = POPCOUNT12[pres]!;
        this.used0 -= n;
        this.used1 += n;
        const tags = (w << 2) + TAG0;
        while (pres !== 0) {
          const bit = pres & -pres;
          pres ^= bit;
          const i = 31 - Math.clz32(bit);
          const ref = i32[w + REF0 + i]!;
          const h = shrinking ? idx : this.access.hashOfRef(ref);
          this.put(1, h & mask1, ref, u8[tags + i]!);
        }
      }
      const next = (meta & CHAINED) !== 0 ? i32[w + REF0 + CHILD_POS]! : -1;
      if (id === -1) i32[w] = 0;
      else pool.release(id);
      if (next === -1) break;
      id = next;
      u8 = pool.u8[id >>> POOL_SHIFT]!;
      i32 = pool.i32[id >>> POOL_SHIFT]!;
      w = (id & POOL_MASK) << WORDS_SHIFT;
    }
    this.rehashIdx = idx + 1;
    if (this.rehashIdx > this.mask0 || (this.used0 === 0 && this.pool0.count === 0)) this.rehashDone();
  }

  private rehashDone(): void {
    // The old table's buffer is garbage from here on; free it now instead of at the next major GC
    // (4 MiB when a 1M-key table grows from 2^16 to 2^17 buckets). Not while a scan call may hold its
    // views.
    if (this.paused === 0) releaseNow(this.u80);
    this.u80 = this.u81;
    this.i320 = this.i321;
    this.exp0 = this.exp1;
    this.mask0 = this.mask1;
    this.used0 = this.used1;
    // Table 0's pool is empty now (its chains were freed bucket by bucket): recycle it.
    const spare = this.pool0;
    this.pool0 = this.pool1;
    this.pool1 = spare;
    spare.reset();
    this.resetTable1();
    this.rehashIdx = -1;
  }

  private resetTable1(): void {
    this.u81 = EMPTY_U8;
    this.i321 = EMPTY_I32;
    this.exp1 = -1;
    this.mask1 = 0;
    this.used1 = 0;
  }

  /** Allocates the table for `minCapacity` entries and starts rehashing into it. */
  private resize(minCapacity: number): boolean {
    if (minCapacity < 1) minCapacity = 1;
    const exp = nextBucketExp(minCapacity);
    if (this.rehashIdx !== -1) {
      if (exp === this.exp1) return false;
      if (this.paused > 0) return false;
      // Exceptional (fill beyond the hard limit during a rehash): finish the ongoing rehash.
      while (this.rehashIdx !== -1) this.rehashStep();
    }
    if (exp === this.exp0) return false;
    const n = 1 << exp;
    const buf = new ArrayBuffer(n << (WORDS_SHIFT + 2));
    this.u81 = new Uint8Array(buf);
    this.i321 = new Int32Array(buf);
    this.exp1 = exp;
    this.mask1 = n - 1;
    this.used1 = 0;
    this.rehashIdx = 0;
    if (this.used0 === 0 && this.pool0.count === 0) this.rehashDone();
    return true;
  }

  private expandIfNeeded(): void {
    const minCapacity = this.used0 + this.used1 + 1;
    const rehashing = this.rehashIdx !== -1;
    const exp = rehashing ? this.exp1 : this.exp0;
    const capacity = exp < 0 ? 0 : (1 << exp) * SLOTS;
    if (minCapacity * 100 <= capacity * (rehashing ? MAX_FILL_PERCENT_HARD : MAX_FILL_PERCENT)) return;
    this.resize(minCapacity);
  }

  private shrinkIfNeeded(): void {
    if (this.rehashIdx !== -1 || this.paused !== 0 || this.exp0 <= 0) return;
    if (this.used0 * 100 > (this.mask0 + 1) * SLOTS * MIN_FILL_PERCENT) return;
    this.resize(this.used0);
  }
}
