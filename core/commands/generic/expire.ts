/**
 * Setting and removing TTLs: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX | XX | GT | LT) and PERSIST.
 *
 * Valkey's order of checks, each with its own error: the options (unknown option, then the incompatible
 * combinations), then the time argument (an int64), then overflow of the unit conversion and of adding the
 * base time ("invalid expire time in '<command>' command"), then the key. A time at or before now deletes
 * the key as if it had expired (Valkey 8.1 reports it with an `expired` event and counts it in
 * `expired_keys`); otherwise the TTL is set and an `expire` event emitted.
 *
 * Times are computed in exact 64-bit integer arithmetic; the keyspace stores them as float64, so times
 * beyond 2^53 ms (year 287396) are kept to float64 precision.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, errInvalidExpire, ReplyError } from "../errors.ts";
import { lookupWrite } from "../lookup.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import { eqIgnoreCase, INT64_MAX, INT64_MIN, parseI64 } from "../../util/numbers.ts";
import { setExpireKeepingEncoding } from "../string/encoding.ts";
import { alreadyExpired, errWord, expireToI64 } from "./common.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";
import { deletionWord, PEXPIREAT_WORD, word } from "../../server/propagate.ts";

export const ERR_NX_AND_XX_GT_LT = "ERR NX and XX, GT or LT options at the same time are not compatible";
export const ERR_GT_AND_LT = "ERR GT and LT options at the same time are not compatible";

/** The NX / XX / GT / LT conditions of an expire command. */
export interface ExpireConditions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** Parses the conditions from `argv[start..]` (Valkey's `parseExtendedExpireArgumentsOrReply`). */
export function parseExpireConditions(argv: readonly Uint8Array[], start: number): ExpireConditions {
  const c: ExpireConditions = { nx: false, xx: false, gt: false, lt: false };
  for (let j = start; j < argv.length; j++) {
    const w = argv[j]!;
    if (eqIgnoreCase(w, "nx")) c.nx = true;
    else if (eqIgnoreCase(w, "xx")) c.xx = true;
    else if (eqIgnoreCase(w, "gt")) c.gt = true;
    else if (eqIgnoreCase(w, "lt")) c.lt = true;
    else throw new ReplyError(`ERR Unsupported option ${errWord(w)}`);
  }
  if (c.nx && (c.xx || c.gt || c.lt)) throw new ReplyError(ERR_NX_AND_XX_GT_LT);
  if (c.gt && c.lt) throw new ReplyError(ERR_GT_AND_LT);
  return c;
}

/**
 * The absolute expire time in ms for a time argument, or null when converting seconds to ms or adding
 * `baseMs` (0 for the *AT commands, now for the relative ones) would leave the int64 range. Division
 * truncates toward zero as in C, so the seconds bounds are ±9223372036854775.
 */
export function absoluteExpireMs(value: bigint, seconds: boolean, baseMs: number): bigint | null {
  let when = value;
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return null;
    when *= 1000n;
  }
  const base = BigInt(baseMs);
  if (when > INT64_MAX - base) return null;
  return when + base;
}

/** True when the conditions forbid setting `when` on a key whose current expire is `current` (-1: none). */
export function conditionsRefuse(c: ExpireConditions, when: bigint, current: number): boolean {
  if (c.nx && current !== -1) return true;
  if (c.xx && current === -1) return true;
  // No TTL counts as an infinite one: GT can never beat it, LT always does.
  if (c.gt && (current === -1 || when <= expireToI64(current))) return true;
  if (c.lt && current !== -1 && when >= expireToI64(current)) return true;
  return false;
}

function expireGeneric(call: CommandCall, relative: boolean, seconds: boolean): void {
  const argv = call.argv;
  const cond = parseExpireConditions(argv, 3);
  const value = parseI64(argv[2]!);
  if (value === null) throw new ReplyError(ERR_NOT_INTEGER);
  const when = absoluteExpireMs(value, seconds, relative ? call.now : 0);
  if (when === null) throw new ReplyError(errInvalidExpire(call.fullName));
  const db = call.db;
  const key = argv[1]!;
  const ref = lookupWrite(call, key);
  if (ref === NO_ENTRY) {
    call.reply.int(0);
    return;
  }
  if ((cond.nx || cond.xx || cond.gt || cond.lt) && conditionsRefuse(cond, when, db.getExpire(ref))) {
    call.reply.int(0);
    return;
  }
  if (alreadyExpired(call, when)) {
    // Already expired: removed as an expiry (Valkey's deleteExpiredKeyFromOverwriteAndPropagate).
    db.deleteRef(ref);
    db.expiredKeys++;
    call.dirty();
    call.keyModified(db, key);
    call.notify("x", "expired", key, db.id);
    // Propagated as the deletion it was (DEL, or UNLINK under lazyfree-lazy-expire).
    if (call.propagating) call.propagateAs([deletionWord(call, "lazyfree-lazy-expire"), key]);
    call.reply.int(1);
    return;
  }
  setExpireKeepingEncoding(db, ref, Number(when));
  call.keyModified(db, key);
  call.notify("g", "expire", key, db.id);
  call.dirty();
  // Propagated as PEXPIREAT with the absolute time (replaying a relative TTL later would extend it).
  if (call.propagating && call.spec.name !== "pexpireat") {
    call.propagateAs([PEXPIREAT_WORD, key, word(when), ...argv.slice(3)]);
  }
  call.reply.int(1);
}

function persist(call: CommandCall): void {
  const db = call.db;
  const key = call.argv[1]!;
  const ref = lookupWrite(call, key);
  if (ref === NO_ENTRY || db.getExpire(ref) === -1) {
    call.reply.int(0);
    return;
  }
  db.removeExpire(ref);
  call.keyModified(db, key);
  call.notify("g", "persist", key, db.id);
  call.dirty();
  call.reply.int(1);
}

function conditionArg(): ArgSpec {
  return {
    name: "condition",
    type: "oneof",
    optional: true,
    since: "7.0.0",
    arguments: [
      { name: "nx", type: "pure-token", token: "NX" },
      { name: "xx", type: "pure-token", token: "XX" },
      { name: "gt", type: "pure-token", token: "GT" },
      { name: "lt", type: "pure-token", token: "LT" },
    ],
  };
}

function expireSpec(
  name: string,
  summary: string,
  since: string,
  timeArg: ArgSpec,
  relative: boolean,
  seconds: boolean,
): CommandSpec {
  return {
    name,
    summary,
    since,
    group: "generic",
    complexity: "O(1)",
    arity: -3,
    flags: ["WRITE", "FAST"],
    aclCategories: ["keyspace"],
    keySpecs: [rangeKeySpec(["RW", "UPDATE"], 1)],
    arguments: [keyArg(), timeArg, conditionArg()],
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
    parse: "manual",
    handler: (call) => expireGeneric(call, relative, seconds),
  };
}

export const expireCommand: CommandSpec = expireSpec(
  "expire",
  "Sets the expiration time of a key in seconds.",
  "1.0.0",
  { name: "seconds", type: "integer" },
  true,
  true,
);

export const pexpireCommand: CommandSpec = expireSpec(
  "pexpire",
  "Sets the expiration time of a key in milliseconds.",
  "2.6.0",
  { name: "milliseconds", type: "integer" },
  true,
  false,
);

export const expireatCommand: CommandSpec = expireSpec(
  "expireat",
  "Sets the expiration time of a key to a Unix timestamp.",
  "1.2.0",
  { name: "unix-time-seconds", type: "unix-time" },
  false,
  true,
);

export const pexpireatCommand: CommandSpec = expireSpec(
  "pexpireat",
  "Sets the expiration time of a key to a Unix milliseconds timestamp.",
  "2.6.0",
  { name: "unix-time-milliseconds", type: "unix-time" },
  false,
  false,
);

export const persistCommand: CommandSpec = {
  name: "persist",
  summary: "Removes the expiration time of a key.",
  since: "2.2.0",
  group: "generic",
  complexity: "O(1)",
  arity: 2,
  flags: ["WRITE", "FAST"],
  aclCategories: ["keyspace"],
  keySpecs: [rangeKeySpec(["RW", "UPDATE"], 1)],
  arguments: [keyArg()],
  parse: "manual",
  handler: persist,
};
