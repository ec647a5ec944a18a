/**
 * ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (Valkey's genericZpopCommand and
 * blockingGenericZpopCommand). A blocked client is served by re-execution (core/server/blocking.ts): the
 * handler runs again when one of its keys is modified and either pops or blocks again.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import { ZSet } from "../../types/zset.ts";
import type { CommandCall } from "../call.ts";
import { word, ZPOPMAX_WORD, ZPOPMIN_WORD } from "../../server/propagate.ts";
import { ERR_SYNTAX } from "../errors.ts";
import {
  denyBlocking,
  ERR_COUNT_POSITIVE,
  ERR_NUMKEYS,
  optionIs,
  positiveLongArg,
  rangeLongArg,
  timeoutArg,
  writeZset,
} from "./common.ts";

const LONG_MAX = 9223372036854775807n;

/**
 * genericZpopCommand over `keys`: pops from the first non-empty sorted set. `count` -1 = a single pop
 * with the flat reply; `emitKey` prefixes the key; `nested` answers [member, score] pairs.
 */
function zpop(
  call: CommandCall,
  keys: Uint8Array[],
  max: boolean,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): void {
  const db = call.db;
  const w = call.reply;
  let key: Uint8Array | null = null;
  let z = null;
  for (const k of keys) {
    z = writeZset(call, k, db);
    if (z !== null) {
      key = k;
      break;
    }
  }
  if (z === null || key === null) return nilWhenEmpty ? w.nullArray() : w.arrayHeader(0);
  if (count === 0) return w.arrayHeader(0);
  const single = count === -1;
  if (count === -1) count = 1;
  const n = Math.min(count, z.length);
  // ZMPOP, BZMPOP, BZPOPMIN/MAX are propagated as ZPOPMIN/ZPOPMAX key [count] (count: what was popped).
  if (emitKey && call.propagating) {
    const pop = max ? ZPOPMAX_WORD : ZPOPMIN_WORD;
    call.propagateAs(single ? [pop, key] : [pop, key, word(n)]);
  }
  if (!nested && !emitKey) w.arrayHeader(n * 2);
  else if (nested && !emitKey) w.arrayHeader(n);
  else if (!nested && emitKey) {
    w.arrayHeader(n * 2 + 1);
    w.bulk(key);
  } else {
    w.arrayHeader(2);
    w.bulk(key);
    w.arrayHeader(n);
  }
  for (let i = 0; i < n; i++) {
    const ref = max ? z.at(z.length - 1) : z.at(0);
    if (nested) w.arrayHeader(2);
    w.bulk(z.memberOf(ref));
    w.double(z.scoreOf(ref));
    z.removeRef(ref);
    call.dirty();
    if (i === 0) call.notify("z", max ? "zpopmax" : "zpopmin", key, db.id);
  }
  if (z.length === 0) {
    db.delete(key);
    call.notify("g", "del", key, db.id);
  }
  call.keyModified(db, key);
}

function zpopMinMax(call: CommandCall, max: boolean): void {
  const argv = call.argv;
  if (argv.length > 3) return call.error(ERR_SYNTAX);
  let count = -1;
  if (argv.length === 3) count = positiveLongArg(argv[2]!);
  const nested = call.reply.proto === 3 && count !== -1;
  zpop(call, [argv[1]!], max, false, count, nested, false);
}

export function zpopminHandler(call: CommandCall): void {
  zpopMinMax(call, false);
}

export function zpopmaxHandler(call: CommandCall): void {
  zpopMinMax(call, true);
}

/** blockingGenericZpopCommand. */
function blockingZpop(
  call: CommandCall,
  keys: Uint8Array[],
  max: boolean,
  timeoutIdx: number,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): void {
  const timeoutAt = timeoutArg(call, call.argv[timeoutIdx]!);
  const db = call.db;
  if (spuriousWakeup(call, keys)) return block(call, keys, timeoutAt);
  for (const key of keys) {
    const z = writeZset(call, key, db);
    if (z === null || z.length === 0) continue;
    zpop(call, [key], max, true, count, nested, nilWhenEmpty);
    return;
  }
  block(call, keys, timeoutAt);
}

function block(call: CommandCall, keys: Uint8Array[], timeoutAt: number): void {
  call.server.blocking.block(
    call.client,
    call.argv,
    keys,
    timeoutAt,
    (reply) => reply.nullArray(),
    denyBlocking(call),
  );
}

/**
 * True when this run re-executes a blocked client and none of its keys holds a sorted set: Valkey only
 * re-runs a waiter when a ready key holds the type it waits for (a key turned into a string, or deleted,
 * leaves it waiting instead of answering WRONGTYPE).
 */
function spuriousWakeup(call: CommandCall, keys: Uint8Array[]): boolean {
  if (!call.server.blocking.isBlocked(call.client)) return false;
  const db = call.db;
  for (const key of keys) {
    const ref = db.lookup(key);
    if (ref === NO_ENTRY || db.isString(ref)) continue;
    if (db.getObject(ref) instanceof ZSet) return false;
  }
  return true;
}

export function bzpopminHandler(call: CommandCall): void {
  const argv = call.argv;
  blockingZpop(call, argv.slice(1, -1), false, argv.length - 1, -1, false, false);
}

export function bzpopmaxHandler(call: CommandCall): void {
  const argv = call.argv;
  blockingZpop(call, argv.slice(1, -1), true, argv.length - 1, -1, false, false);
}

/** zmpopGenericCommand. */
function zmpopGeneric(call: CommandCall, numkeysIdx: number, block: boolean): void {
  const argv = call.argv;
  const numkeys = rangeLongArg(argv[numkeysIdx]!, 1n, LONG_MAX, ERR_NUMKEYS);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return call.error(ERR_SYNTAX);
  let max: boolean;
  if (optionIs(argv[whereIdx]!, "min")) max = false;
  else if (optionIs(argv[whereIdx]!, "max")) max = true;
  else return call.error(ERR_SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && optionIs(argv[j]!, "count") && more > 0) {
      j++;
      count = rangeLongArg(argv[j]!, 1n, LONG_MAX, ERR_COUNT_POSITIVE);
    } else return call.error(ERR_SYNTAX);
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, numkeysIdx + 1 + numkeys);
  if (block) blockingZpop(call, keys, max, 1, count, true, true);
  else zpop(call, keys, max, true, count, true, true);
}

export function zmpopHandler(call: CommandCall): void {
  zmpopGeneric(call, 1, false);
}

export function bzmpopHandler(call: CommandCall): void {
  zmpopGeneric(call, 2, true);
}
