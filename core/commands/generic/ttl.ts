/**
 * TTL, PTTL, EXPIRETIME and PEXPIRETIME: a key's remaining time to live or absolute expire time, in
 * seconds or milliseconds; -2 when the key does not exist, -1 when it has no TTL. Seconds are rounded to
 * the nearest second ((ms + 500) / 1000); a time already past (but not yet reclaimed) reads as 0.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { expireToI64, lookupReadNoTouch } from "./common.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";

/**
 * The reply for a key whose expire time is `expireMs` (-1: none) at time `nowMs`: the remaining time
 * (`absolute` false) or the expire time itself, in ms or in rounded seconds. Exact int64 arithmetic.
 */
export function ttlValue(expireMs: number, nowMs: number, ms: boolean, absolute: boolean): bigint {
  if (expireMs === -1) return -1n;
  const when = expireToI64(expireMs);
  let ttl = absolute ? when : when - BigInt(nowMs);
  if (ttl < 0n) ttl = 0n;
  return ms ? ttl : (ttl + 500n) / 1000n;
}

function ttlGeneric(call: CommandCall, ms: boolean, absolute: boolean): void {
  const ref = lookupReadNoTouch(call, call.argv[1]!);
  if (ref === NO_ENTRY) {
    call.reply.int(-2);
    return;
  }
  const v = ttlValue(call.db.getExpire(ref), call.now, ms, absolute);
  call.reply.int(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

function ttlSpec(
  name: string,
  summary: string,
  since: string,
  ms: boolean,
  absolute: boolean,
  history: [string, string][] | undefined,
): CommandSpec {
  const spec: CommandSpec = {
    name,
    summary,
    since,
    group: "generic",
    complexity: "O(1)",
    arity: 2,
    flags: ["READONLY", "FAST"],
    aclCategories: ["keyspace"],
    keySpecs: [rangeKeySpec(["RO", "ACCESS"], 1)],
    arguments: [keyArg()],
    parse: "manual",
    handler: (call) => ttlGeneric(call, ms, absolute),
  };
  if (!absolute) spec.commandTips = ["NONDETERMINISTIC_OUTPUT"];
  if (history !== undefined) spec.history = history;
  return spec;
}

const minus2History: [string, string][] = [["2.8.0", "Added the -2 reply."]];

export const ttlCommand: CommandSpec = ttlSpec(
  "ttl",
  "Returns the expiration time in seconds of a key.",
  "1.0.0",
  false,
  false,
  minus2History,
);

export const pttlCommand: CommandSpec = ttlSpec(
  "pttl",
  "Returns the expiration time in milliseconds of a key.",
  "2.6.0",
  true,
  false,
  minus2History,
);

export const expiretimeCommand: CommandSpec = ttlSpec(
  "expiretime",
  "Returns the expiration time of a key as a Unix timestamp.",
  "7.0.0",
  false,
  true,
  undefined,
);

export const pexpiretimeCommand: CommandSpec = ttlSpec(
  "pexpiretime",
  "Returns the expiration time of a key as a Unix milliseconds timestamp.",
  "7.0.0",
  true,
  true,
  undefined,
);
