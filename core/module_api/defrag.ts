/**
 * Active defrag for module values: runs the data types' `defrag` callbacks as a pass of the active defrag
 * cycle (core/eviction/defrag.ts), after the keyspace slabs were compacted, within the same time budget.
 *
 * What it means in a JavaScript runtime: there is no allocator to ask for a better address, but a value
 * can still give memory back by compacting itself — copying a buffer that grew with spare capacity into a
 * right-sized one, merging small chunks, dropping caches — which lets the collector reclaim the old
 * buffers. That is what the callback is for; MEMORY USAGE shows the effect when `memUsage` counts
 * capacity.
 *
 * The walk (Valkey's defragKey → moduleDefragValue, and defragLater for big values):
 * - a cursor over each database's table in turn (SCAN order), looking at module values whose type has
 *   a callback; each call gets a context with `shouldStop()` (true once the cycle's time is used up),
 *   a `cursor` and `moved(n)`;
 * - a callback that returns 1 did not finish: the key and its cursor are kept and the callback is called
 *   again first thing in the next cycle, with that cursor, as long as the key still holds the same value
 *   object; 0 means the value is done;
 * - hits: what callbacks report with `moved(n)`; a finished value that reported nothing is a miss.
 * When no registered type has a callback, or no key holds a module value, the pass costs nothing (no walk).
 *
 * @module
 */

import { NO_ENTRY } from "../keyspace/db.ts";
import type { Server } from "../server/server.ts";
import type { DefragContext } from "./types.ts";
import { ModuleValue } from "./value.ts";

/** A value whose callback returned 1: resumed in the next cycle. */
interface Unfinished {
  db: number;
  key: Uint8Array;
  value: ModuleValue;
  cursor: number;
}

class Ctx implements DefragContext {
  cursor = 0;
  movedCount = 0;
  constructor(readonly dbId: number, private readonly deadline: number) {}
  shouldStop(): boolean {
    return performance.now() >= this.deadline;
  }
  moved(n = 1): void {
    this.movedCount += n;
  }
}

/** The module-value pass of one server. */
export class ModuleDefrag {
  #db = 0;
  #cursor = 0;
  #later: Unfinished | null = null;
  /** Callbacks run (tests, INFO-style checks). */
  calls = 0;

  constructor(
    private readonly server: Server,
    /** True while some registered type has a defrag callback. */
    private readonly enabled: () => boolean,
  ) {}

  /** One slice: until `deadline` (performance.now() ms). */
  pass(deadline: number): { hits: number; misses: number } {
    const out = { hits: 0, misses: 0 };
    if (!this.enabled()) {
      this.#later = null;
      return out;
    }
    const dbs = this.server.dbs;
    const later = this.#later;
    if (later !== null) {
      this.#later = null;
      const db = dbs[later.db];
      const ref = db === undefined ? NO_ENTRY : db.find(later.key);
      if (ref !== NO_ENTRY && !db!.isString(ref) && db!.getObject(ref) === later.value) {
        if (!this.#run(later.db, later.key, later.value, later.cursor, deadline, out)) return out;
      }
    }
    // At most one sweep of every database per slice.
    let dbsDone = 0;
    const batch: { key: Uint8Array; value: ModuleValue }[] = [];
    while (performance.now() < deadline) {
      const dbIndex = this.#db;
      const db = dbs[dbIndex];
      if (db === undefined || db.size === 0) {
        this.#nextDb(dbs.length);
      } else {
        this.#cursor = db.scan(this.#cursor, (ref) => {
          if (db.isString(ref)) return;
          const obj = db.getObject(ref);
          if (obj instanceof ModuleValue && obj.dt.spec.defrag !== undefined) {
            batch.push({ key: db.getKey(ref).slice(), value: obj });
          }
        });
        for (let i = 0; i < batch.length; i++) {
          const { key, value } = batch[i]!;
          if (!this.#run(dbIndex, key, value, 0, deadline, out)) {
            // Out of time: the rest of the batch is picked up by the next sweep.
            batch.length = 0;
            return out;
          }
        }
        batch.length = 0;
        if (this.#cursor === 0) this.#nextDb(dbs.length);
      }
      if (this.#cursor === 0 && ++dbsDone >= dbs.length) break;
    }
    return out;
  }

  #nextDb(n: number): void {
    this.#db = (this.#db + 1) % Math.max(1, n);
    this.#cursor = 0;
  }

  /** Calls one value's callback; false when it must be resumed later (the slice is over). */
  #run(
    dbIndex: number,
    key: Uint8Array,
    value: ModuleValue,
    cursor: number,
    deadline: number,
    out: { hits: number; misses: number },
  ): boolean {
    const spec = value.dt.spec;
    const ctx = new Ctx(dbIndex, deadline);
    ctx.cursor = cursor;
    let r: unknown;
    do {
      this.calls++;
      try {
        r = spec.defrag!.call(spec, key, value.value, ctx);
      } catch (e) {
        this.server.logger.warning(
          `Module ${value.dt.module}: defrag callback of type ${spec.name} threw: ${
            e instanceof Error ? e.message : e
          }`,
        );
        r = 0;
      }
      // A callback that wants more while time remains is called again at once, from its cursor.
    } while (r === 1 && !ctx.shouldStop());
    out.hits += ctx.movedCount;
    if (r === 1) {
      this.#later = { db: dbIndex, key, value, cursor: ctx.cursor };
      return false;
    }
    if (ctx.movedCount === 0) out.misses++;
    return true;
  }
}
