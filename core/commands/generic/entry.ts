/**
 * Moving and copying whole keyspace entries (RENAME, MOVE, COPY): an entry's value, string encoding,
 * TTL and LRU/LFU field are read out into a {@link EntryValue} and written back under another key or
 * into another database.
 *
 * Strings are copied out of the slab (views die at the next write); a non-string value object is moved as
 * the same JavaScript object (RENAME, MOVE: Valkey also moves the same robj) or duplicated through its
 * `dup()` method (COPY: Valkey's per-type dup functions). Callers emit the `new` event of the key they
 * write (Valkey's dbAdd), before their own events.
 *
 * @module
 */

import type { Db, StrEnc } from "../../keyspace/db.ts";
import { ReplyError } from "../errors.ts";
import { setExpireKeepingEncoding, storedEncoding } from "../string/encoding.ts";

/** Everything about an entry except its key. */
export interface EntryValue {
  /** The string value (an owned copy), or null for an object value. */
  str: Uint8Array | null;
  enc: StrEnc;
  obj: object | null;
  /** Absolute unix ms, or -1. */
  expire: number;
  lru: number;
}

/** A value object that can be deep-copied (lists, hashes, sets... implement it for COPY). */
interface Duplicable {
  /** `fromKey`/`toKey`: COPY's keys (module types' copy callbacks receive them). */
  dup(fromKey?: Uint8Array, toKey?: Uint8Array): object;
}

function isDuplicable(obj: object): obj is Duplicable {
  return typeof (obj as Partial<Duplicable>).dup === "function";
}

/** Reads entry `ref` out of `db` (strings copied, so the result survives writes to the db). */
export function readEntry(db: Db, ref: number): EntryValue {
  const isStr = db.isString(ref);
  return {
    str: isStr ? db.getString(ref).slice() : null,
    enc: db.getEncoding(ref),
    obj: isStr ? null : db.getObject(ref),
    expire: db.getExpire(ref),
    lru: db.getLru(ref),
  };
}

/**
 * A deep copy of an entry value for COPY. A value object without `dup()` is a type this server cannot
 * copy: Valkey's answer for such a type is "unknown type object".
 */
export function dupEntry(v: EntryValue, fromKey?: Uint8Array, toKey?: Uint8Array): EntryValue {
  if (v.obj === null) return v;
  if (!isDuplicable(v.obj)) throw new ReplyError("ERR unknown type object");
  return { ...v, obj: v.obj.dup(fromKey, toKey) };
}

/**
 * Stores `v` under `key` in `db` (the key must be absent), with `v`'s TTL and the given LRU/LFU field, the
 * way Valkey 8.1 adds it: the value is first embedded with its new key, then given its TTL, and an EMBSTR
 * that no longer fits its allocation at either step becomes RAW. Returns the entry's ref.
 */
export function writeEntry(db: Db, key: Uint8Array, v: EntryValue, lru: number): number {
  let ref = v.str !== null
    ? db.setString(key, v.str, storedEncoding(v.enc, key.length, v.str.length, false), false)
    : db.setObject(key, v.obj!, false);
  if (v.expire !== -1) ref = setExpireKeepingEncoding(db, ref, v.expire);
  db.setLru(ref, lru);
  return ref;
}
