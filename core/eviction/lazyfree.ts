/**
 * Lazy freeing: UNLINK, DEL, expiry, eviction and overwrites under the `lazyfree-lazy-*` configs.
 *
 * In Valkey, freeing a big value walks every allocation it is made of, so a background thread does it
 * for values of more than 64 allocations. In Valkyr a value is a handful of typed arrays (arenas, Swiss
 * tables, listpack pages) and JS objects: taking it out of the keyspace is O(1), and the memory is
 * returned by the garbage collector, whose marking only visits live objects (a dead 10M-member set
 * costs it nothing) and which releases ArrayBuffer backing stores off the main thread. What remains of
 * Valkey's model is the bookkeeping, and the guarantee that no free happens inside the command:
 *
 *     delete (lazy) ──► queue [ value | bytes ] ──► drained in slices from a macrotask and the cron
 *                        lazyfree_pending_objects     lazyfreed_objects += 1, pending bytes -= bytes
 *
 * A value goes to the queue when it has more than LAZYFREE_THRESHOLD elements (Valkey's
 * LAZYFREE_THRESHOLD: freeing smaller ones at once is cheaper than deferring). The queue holds the
 * only reference to the value; a drain slice drops references until its time budget is spent.
 * FLUSHALL / FLUSHDB, ASYNC or not, drop a database's slabs, tables and value list in O(1) (Db.clear):
 * there is nothing to defer. Pending bytes stay in INFO used_memory until drained, as in Valkey; the
 * maxmemory check does not count them (they are unreachable and go within a tick). The evictor's cron
 * then starts a major collection once enough was dropped (see `reclaim` in evict.ts).
 *
 * @module
 */

import { setImmediate } from "node:timers";

/** Values with more elements than this are freed lazily (Valkey's LAZYFREE_THRESHOLD). */
export const LAZYFREE_THRESHOLD = 64;
/** Time one drain slice may take, in ms. */
const SLICE_MS = 1;

interface Pending {
  value: unknown;
  bytes: number;
}

/** The queue of values waiting to be released; see the head of this file. */
export class LazyFree {
  /** Values released through the queue so far (INFO lazyfreed_objects). */
  freedObjects = 0;
  /** Bytes of the queued values (counted in used_memory until released). */
  pendingBytes = 0;
  private queue: (Pending | undefined)[] = [];
  private head = 0;
  private scheduled = false;

  /** Values waiting (INFO lazyfree_pending_objects). */
  get pendingObjects(): number {
    return this.queue.length - this.head;
  }

  /** Takes the last reference to `value` (which holds `bytes`) and releases it soon, off the command. */
  enqueue(value: unknown, bytes: number): void {
    this.queue.push({ value, bytes });
    this.pendingBytes += bytes;
    this.schedule();
  }

  /**
   * Releases queued values for up to `budgetMs` (Infinity: all). Returns how many were released.
   * Called by the scheduled macrotask and by the cron.
   */
  drain(budgetMs: number = SLICE_MS): number {
    const start = performance.now();
    let n = 0;
    while (this.head < this.queue.length) {
      const p = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      p.value = undefined;
      this.pendingBytes -= p.bytes;
      this.freedObjects++;
      n++;
      if ((n & 15) === 0 && performance.now() - start >= budgetMs) break;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.pendingBytes = 0;
    } else {
      this.schedule();
    }
    return n;
  }

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    this.freedObjects = 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }
}
