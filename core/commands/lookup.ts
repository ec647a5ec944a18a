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

/** Valkey's LRU clock: seconds, 24 bits (it wraps about every 194 days). */
export const LRU_CLOCK_MAX = (1 << 24) - 1;

export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

function touch(call: CommandCall, db: Db, ref: number): void {
  if (!call.client.noTouch || call.fullName === "touch") db.setLru(ref, lruClock(call.now));
}

/** A read lookup: counts a hit or a miss; returns the entry ref or NO_ENTRY. */
export function lookupRead(call: CommandCall, key: Uint8Array, db: Db = call.db): number {
  const ref = db.lookup(key);
  if (ref === NO_ENTRY) {
    call.server.stats.keyspaceMisses++;
    return NO_ENTRY;
  }
  call.server.stats.keyspaceHits++;
  touch(call, db, ref);
  return ref;
}

/** A write lookup: expiry-aware, no hit/miss accounting. */
export function lookupWrite(call: CommandCall, key: Uint8Array, db: Db = call.db): number {
  const ref = db.lookup(key);
  if (ref !== NO_ENTRY) touch(call, db, ref);
  return ref;
}

/** Throws WRONGTYPE unless the entry holds a string. */
export function expectString(db: Db, ref: number): void {
  if (!db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
}

/** The Valkey type name of an entry (TYPE, SCAN TYPE). */
export function typeName(db: Db, ref: number): string {
  if (db.isString(ref)) return "string";
  const obj = db.getObject(ref) as { type?: string };
  return obj.type ?? "none";
}
