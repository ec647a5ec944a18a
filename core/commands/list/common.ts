/**
 * Shared pieces of the list commands: typed lookups, Valkey's integer and timeout argument rules with
 * their exact error texts, list creation, the "elements removed" bookkeeping (events, empty-list
 * deletion, encoding conversion) and range replies.
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../../keyspace/db.ts";
import { ListValue } from "../../types/list.ts";
import { HEAD, type Where } from "../../types/quicklist.ts";
import { parseI64, parseLongDouble } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_TIMEOUT_NEGATIVE, ReplyError } from "../errors.ts";
import { expectObject, keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { ArgSpec, KeySpec, KeySpecFlag } from "../spec.ts";

export const ERR_INDEX_OUT_OF_RANGE = "ERR index out of range";
export const ERR_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
export const ERR_TIMEOUT_OUT_OF_RANGE = "ERR timeout is out of range";
export const ERR_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
  "or use negative to start from the end of the list";
export const ERR_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const ERR_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const ERR_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_COUNT_POSITIVE = "ERR count should be greater than 0";
export const ERR_LONG_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

const INT64_MIN = -(1n << 63n);

/** The list's `list-max-listpack-size`. */
export function listFill(call: CommandCall): number {
  return call.server.config.getInt("list-max-listpack-size");
}

/** `list-compress-depth`, recorded by a list when it becomes a quicklist. */
export function listCompress(call: CommandCall): number {
  return call.server.config.getInt("list-compress-depth");
}

/** getLongFromObjectOrReply: a signed 64-bit integer as a number (exact within ±2^53). */
export function parseLong(word: Uint8Array, error = ERR_NOT_INTEGER): number {
  const v = parseI64(word);
  if (v === null) throw new ReplyError(error);
  return Number(v);
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) with no message (LPOS RANK, LREM count). */
export function parseLongNotMin(word: Uint8Array): number {
  const v = parseI64(word);
  if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
  if (v === INT64_MIN) throw new ReplyError(ERR_LONG_RANGE);
  return Number(v);
}

/** getPositiveLongFromObjectOrReply: 0..LONG_MAX, `error` for both a malformed and a negative value. */
export function parsePositive(word: Uint8Array, error = ERR_MUST_BE_POSITIVE): number {
  const v = parseI64(word);
  if (v === null || v < 0n) throw new ReplyError(error);
  return Number(v);
}

/**
 * getTimeoutFromObjectOrReply in seconds: a long double, times 1000, rounded up; returns the absolute
 * unix ms to wait until, or 0 for "forever".
 */
export function parseTimeout(word: Uint8Array, now: number): number {
  const secs = parseLongDouble(word);
  if (secs === null || Number.isNaN(secs)) throw new ReplyError(ERR_TIMEOUT_NOT_FLOAT);
  const msf = secs * 1000;
  if (msf > 9223372036854775807) throw new ReplyError(ERR_TIMEOUT_OUT_OF_RANGE);
  const ms = Math.ceil(msf);
  if (ms < 0) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (ms === 0) return 0;
  if (ms > 9223372036854775807 - now) throw new ReplyError(ERR_TIMEOUT_OUT_OF_RANGE);
  return now + ms;
}

/** LEFT / RIGHT (case-insensitive), or a syntax error. */
export function parseWhere(word: Uint8Array): Where {
  if (
    word.length === 4 && (word[0]! | 0x20) === 0x6c && (word[1]! | 0x20) === 0x65 &&
    (word[2]! | 0x20) === 0x66 && (word[3]! | 0x20) === 0x74
  ) return HEAD;
  if (
    word.length === 5 && (word[0]! | 0x20) === 0x72 && (word[1]! | 0x20) === 0x69 &&
    (word[2]! | 0x20) === 0x67 && (word[3]! | 0x20) === 0x68 && (word[4]! | 0x20) === 0x74
  ) return 1;
  throw new ReplyError(ERR_SYNTAX);
}

/** The list at `key` for a read (NO_ENTRY → undefined); WRONGTYPE for other types. */
export function readList(call: CommandCall, key: Uint8Array, db: Db = call.db): ListValue | undefined {
  const ref = lookupRead(call, key, db);
  if (ref === NO_ENTRY) return undefined;
  return expectObject<ListValue>(db, ref, "list");
}

/** The list at `key` for a write (NO_ENTRY → undefined); WRONGTYPE for other types. */
export function writeList(call: CommandCall, key: Uint8Array, db: Db = call.db): ListValue | undefined {
  const ref = lookupWrite(call, key, db);
  if (ref === NO_ENTRY) return undefined;
  return expectObject<ListValue>(db, ref, "list");
}

/** Creates an empty list at `key` (dbAdd: LRU, `new` event). */
export function createList(call: CommandCall, key: Uint8Array, db: Db = call.db): ListValue {
  const list = new ListValue();
  const ref = db.setObject(key, list, false);
  keyCreated(call, db, ref, key);
  return list;
}

/**
 * listElementsRemoved: the lpop/rpop event, deletion of an emptied list (with `del`), the shrinking
 * conversion otherwise, the modified-key signal and the dirty count. Returns true when the key was deleted.
 */
export function elementsRemoved(
  call: CommandCall,
  db: Db,
  key: Uint8Array,
  where: Where,
  list: ListValue,
  count: number,
): boolean {
  call.notify("l", where === HEAD ? "lpop" : "rpop", key, db.id);
  let deleted = false;
  if (list.length === 0) {
    db.delete(key);
    call.notify("g", "del", key, db.id);
    deleted = true;
  } else list.shrinking(listFill(call));
  call.keyModified(db, key);
  call.dirty(count);
  return deleted;
}

/** After a removal command (LREM, LTRIM): delete the emptied list or try the shrinking conversion. */
export function afterRemoval(call: CommandCall, db: Db, key: Uint8Array, list: ListValue): void {
  if (list.length === 0) {
    db.delete(key);
    call.notify("g", "del", key, db.id);
  } else list.shrinking(listFill(call));
}

/**
 * addListRangeReply: elements `start..end` (inclusive, negative from the tail, clamped) as an array,
 * reversed when `reverse`.
 */
export function replyRange(
  call: CommandCall,
  list: ListValue,
  start: number,
  end: number,
  reverse: boolean,
): void {
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  const reply = call.reply;
  if (start > end || start >= llen) return reply.arrayHeader(0);
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  reply.arrayHeader(n);
  list.ql.forEach(reverse ? end : start, reverse, (v) => {
    reply.bulk(v);
    return --n > 0;
  });
}

/**
 * Pops up to `count` elements from one end, replying them as an array (in pop order) and doing the
 * removal bookkeeping (listPopRange + listElementsRemoved).
 */
export function popRange(
  call: CommandCall,
  db: Db,
  key: Uint8Array,
  list: ListValue,
  where: Where,
  count: number,
): void {
  const llen = list.length;
  const n = count > llen ? llen : count;
  if (where === HEAD) replyRange(call, list, 0, n - 1, false);
  else replyRange(call, list, -n, -1, true);
  list.ql.deleteRange(where === HEAD ? 0 : -n, n);
  elementsRemoved(call, db, key, where, list, n);
}

// ---- spec builders ----

export function keySpec(flags: KeySpecFlag[], pos: number, lastkey = 0): KeySpec {
  return { flags, beginSearch: { index: { pos } }, findKeys: { range: { lastkey, step: 1, limit: 0 } } };
}

export function keynumSpec(flags: KeySpecFlag[], pos: number): KeySpec {
  return {
    flags,
    beginSearch: { index: { pos } },
    findKeys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
  };
}

export function whereArg(name: string, a: string, b: string): ArgSpec {
  return {
    name,
    type: "oneof",
    arguments: [
      { name: a.toLowerCase(), type: "pure-token", token: a },
      { name: b.toLowerCase(), type: "pure-token", token: b },
    ],
  };
}
