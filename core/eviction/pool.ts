/**
 * The eviction pool of Valkey's approximated LRU / LFU / TTL eviction (evict.c's evictionPoolEntry).
 *
 * Each eviction round samples `maxmemory-samples` keys per database and offers them to a pool of 16
 * candidates kept sorted by "idle" score, ascending: the best key to evict is the last one. The
 * score is the idle time for LRU, 255 - the decayed counter for LFU, and a value that grows as the
 * expire time gets nearer for volatile-ttl. A candidate worse than every pooled one is dropped when
 * the pool is full; otherwise it is inserted in order, pushing out the pool's worst candidate (the
 * first) when full. The pool survives between rounds, so the sample grows better over time.
 *
 *     slot:   0          1          ...      15
 *           [ idle 3 ] [ idle 40 ] ...   [ idle 900 ]   <- evicted first
 *             db, key    db, key            db, key
 *
 * Keys are copied into the pool (slot buffers of 255 bytes are reused, as Valkey's cached sds), so
 * a pooled key may have been deleted or rewritten since: the evictor looks each one up again and
 * skips ghosts.
 *
 * Memory: 16 slots x (255-byte buffer + 3 numbers) ~ 4.5 KB per server.
 *
 * @module
 */

/** Number of candidates kept (Valkey's EVPOOL_SIZE). */
export const EVPOOL_SIZE = 16;
const CACHED_KEY = 255;

export interface PoolEntry {
  /** Score: higher is evicted first. */
  idle: number;
  dbId: number;
  /** The key's bytes (a view of `buf` for keys up to 255 bytes). */
  key: Uint8Array;
}

/** The sorted candidate pool; see the head of this file. */
export class EvictionPool {
  private readonly idle = new Float64Array(EVPOOL_SIZE);
  private readonly dbIds = new Int32Array(EVPOOL_SIZE);
  private readonly keys: (Uint8Array | null)[] = new Array(EVPOOL_SIZE).fill(null);
  private bufs: Uint8Array[] = [];

  constructor() {
    for (let i = 0; i < EVPOOL_SIZE; i++) this.bufs.push(new Uint8Array(CACHED_KEY));
  }

  /** Candidates in the pool. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < EVPOOL_SIZE; i++) if (this.keys[i] !== null) n++;
    return n;
  }

  /**
   * Offers a sampled key (Valkey's evictionPoolPopulate insertion step). Returns false when it was
   * not taken (the pool is full of better candidates). `key` is copied.
   */
  offer(idle: number, dbId: number, key: Uint8Array): boolean {
    const keys = this.keys;
    let k = 0;
    while (k < EVPOOL_SIZE && keys[k] !== null && this.idle[k]! < idle) k++;
    if (k === 0 && keys[EVPOOL_SIZE - 1] !== null) return false;
    if (k < EVPOOL_SIZE && keys[k] === null) {
      // An empty slot in place: nothing to move.
    } else if (keys[EVPOOL_SIZE - 1] === null) {
      // Free room on the right: shift k..end one step right.
      const spare = this.bufs[EVPOOL_SIZE - 1]!;
      for (let i = EVPOOL_SIZE - 1; i > k; i--) this.moveSlot(i - 1, i);
      this.bufs[k] = spare;
    } else {
      // Full: drop the first (least evictable) candidate, shift 1..k-1 left.
      k--;
      const spare = this.bufs[0]!;
      for (let i = 0; i < k; i++) this.moveSlot(i + 1, i);
      this.bufs[k] = spare;
    }
    this.idle[k] = idle;
    this.dbIds[k] = dbId;
    let buf = this.bufs[k]!;
    if (key.length > CACHED_KEY) {
      keys[k] = key.slice();
    } else {
      if (buf.length < CACHED_KEY) buf = this.bufs[k] = new Uint8Array(CACHED_KEY);
      buf.set(key);
      keys[k] = buf.subarray(0, key.length);
    }
    return true;
  }

  /** Takes the best candidate out (the rightmost), or null when the pool is empty. */
  popBest(): PoolEntry | null {
    for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
      const key = this.keys[k];
      if (key === null || key === undefined) continue;
      this.keys[k] = null;
      return { idle: this.idle[k]!, dbId: this.dbIds[k]!, key };
    }
    return null;
  }

  /** Empties the pool (FLUSHALL, policy changes). */
  clear(): void {
    this.keys.fill(null);
  }

  /** The scores in slot order (tests). */
  scores(): number[] {
    const out: number[] = [];
    for (let i = 0; i < EVPOOL_SIZE; i++) if (this.keys[i] !== null) out.push(this.idle[i]!);
    return out;
  }

  private moveSlot(from: number, to: number): void {
    this.idle[to] = this.idle[from]!;
    this.dbIds[to] = this.dbIds[from]!;
    this.keys[to] = this.keys[from]!;
    this.bufs[to] = this.bufs[from]!;
  }
}
