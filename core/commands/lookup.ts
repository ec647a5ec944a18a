/**
 * Key lookups as handlers do them (Valkey's lookupKeyRead / lookupKeyWrite): expiry-aware, counting
 * keyspace hits and misses for reads, and refreshing the key's LRU clock unless the client asked for
 * CLIENT NO-TOUCH. Type checks that reply WRONGTYPE live here too, so every handler says it the same way.
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../keyspace/db.ts";
import type { CommandCall } from "./call.ts";
import { ERR_WRONGTYPE, ReplyError } from "./errors.ts";
import type { ValueObject } from "../types/value.ts";

/** Valkey's LRU clock: seconds, 24 bits (it wraps about every 194 days). */
export const LRU_CLOCK_MAX = (1 << 24) - 1;

export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

function touch(call: CommandCall, db: Db, ref: number): void {
  if (!call.client.noTouch || call.fullName === "touch") {
    // Under an LFU policy an access bumps the key's log counter (Valkey's updateLFU).
    const lfu = call.server.lfu;
    db.setLru(ref, lfu === null ? lruClock(call.now) : lfu.touch(db.getLru(ref), call.now));
  }
}

/**
 * A read lookup: counts a hit or a miss (and emits the `keymiss` event on a miss, as Valkey's
 * lookupKeyRead does); returns the entry ref or NO_ENTRY.
 */
export function lookupRead(call: CommandCall, key: Uint8Array, db: Db = call.db): number {
  const ref = db.lookup(key);
  if (ref === NO_ENTRY) {
    call.server.stats.keyspaceMisses++;
    call.notify("m", "keymiss", key, db.id);
    return NO_ENTRY;
  }
  call.server.stats.keyspaceHits++;
  touch(call, db, ref);
  return ref;
}

/** A write lookup: expiry-aware, no hit/miss accounting. */
export function lookupWrite(call: CommandCall, key: Uint8Array, db: Db = call.db): number {
  const ref = db.lookup(key, true);
  if (ref !== NO_ENTRY) touch(call, db, ref);
  return ref;
}

/**
 * Bookkeeping for a key a command just created (Valkey's dbAdd): the LRU clock starts now and the
 * `new` keyspace event (class `n`) fires before the command's own event.
 */
export function keyCreated(call: CommandCall, db: Db, ref: number, key: Uint8Array): void {
  const lfu = call.server.lfu;
  db.setLru(ref, lfu === null ? lruClock(call.now) : lfu.initial(call.now));
  call.notify("n", "new", key, db.id);
}

/** Throws WRONGTYPE unless the entry holds a string. */
export function expectString(db: Db, ref: number): void {
  if (!db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
}

/**
 * The value object of an entry if it is of `type`; throws WRONGTYPE for any other type (strings included).
 */
export function expectObject<T extends ValueObject>(db: Db, ref: number, type: string): T {
  if (db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
  const obj = db.getObject(ref) as ValueObject;
  if (obj.type !== type) throw new ReplyError(ERR_WRONGTYPE);
  return obj as T;
}

/** The Valkey type name of an entry (TYPE, SCAN TYPE). */
export function typeName(db: Db, ref: number): string {
  if (db.isString(ref)) return "string";
  const obj = db.getObject(ref) as { type?: string };
  return obj.type ?? "none";
}
