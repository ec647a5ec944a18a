/**
 * Helpers shared by the generic keyspace commands: Valkey's lookup flavours that `lookup.ts` does not
 * offer (read without touching the key), the integer-argument rules of `getIntFromObjectOrReply`, the
 * LRU/LFU arithmetic behind OBJECT IDLETIME / FREQ and new objects, the expiry test, error-text hygiene
 * and the HELP reply of container commands.
 *
 * @module
 */

import { type Db, NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ReplyError } from "../errors.ts";
import { LRU_CLOCK_MAX, lruClock } from "../lookup.ts";
import { INT64_MAX, INT64_MIN, parseI64 } from "../../util/numbers.ts";

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Valkey's generic range error of `getRangeLongFromObjectOrReply` without a custom message. */
export function errValueOutOfRange(min: number, max: number): string {
  return `ERR value is out of range, value must between ${min} and ${max}`;
}

const utf8Decoder = new TextDecoder();

/**
 * A client-supplied word as it appears inside an error text: C's `%s` stops at the first NUL byte, and
 * Valkey's error formatter turns CR and LF into spaces so the reply stays one line.
 */
export function errWord(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8Decoder.decode(nul >= 0 ? b.subarray(0, nul) : b).replace(/[\r\n]/g, " ");
}

/**
 * Valkey's `getIntFromObjectOrReply`: a strict int64 (string2ll) that must also fit a C int. With a custom
 * `msg` every failure replies that message; without one, a non-integer replies the generic integer error and
 * an int64 outside the int range replies the "value is out of range, value must between" text.
 */
export function parseIntArg(b: Uint8Array, msg?: string): number {
  const v = parseI64(b);
  if (v === null) throw new ReplyError(msg ?? ERR_NOT_INTEGER);
  if (v < BigInt(INT32_MIN) || v > BigInt(INT32_MAX)) {
    throw new ReplyError(msg ?? errValueOutOfRange(INT32_MIN, INT32_MAX));
  }
  return Number(v);
}

/**
 * An expire time as stored by the keyspace (float64 unix ms) back as the int64 Valkey holds: integral, and
 * clamped to the int64 range (INT64_MAX is stored as the float 2^63).
 */
export function expireToI64(ms: number): bigint {
  const v = BigInt(Math.trunc(ms));
  return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v;
}

/**
 * Valkey's checkAlreadyExpired: an expire time at or before now makes EXPIRE, SET/GETEX with EXAT/PXAT and
 * RESTORE delete the key instead of setting the time — except in `import-mode`, where the key keeps the
 * past time and waits for the import source's DEL.
 */
export function alreadyExpired(call: CommandCall, when: number | bigint): boolean {
  return when <= (typeof when === "bigint" ? BigInt(call.now) : call.now) && !call.server.expiry.importMode;
}

/** Valkey's `objectIsExpired` / `keyIsExpired`: a key is logically expired once `now` is past its time. */
export function isExpired(db: Db, ref: number, now: number): boolean {
  if (db.expiry.visible) return false;
  const when = db.getExpire(ref);
  return when !== -1 && now > when;
}

/**
 * A read lookup with Valkey's `LOOKUP_NOTOUCH` flag (EXISTS, TYPE, TTL...): expiry-aware, counts a keyspace
 * hit or miss, never refreshes the key's LRU/LFU field. A miss emits the `keymiss` event unless `noNotify`
 * (`LOOKUP_NONOTIFY`, used by OBJECT).
 */
export function lookupReadNoTouch(
  call: CommandCall,
  key: Uint8Array,
  noNotify = false,
  db: Db = call.db,
): number {
  const ref = db.lookup(key);
  if (ref === NO_ENTRY) {
    call.server.stats.keyspaceMisses++;
    if (!noNotify) call.notify("m", "keymiss", key, db.id);
    return NO_ENTRY;
  }
  call.server.stats.keyspaceHits++;
  return ref;
}

/** Initial value of Valkey's LFU counter for a new object (`LFU_INIT_VAL`). */
export const LFU_INIT_VAL = 5;

/** True when `maxmemory-policy` is an LFU one (Valkey's `MAXMEMORY_FLAG_LFU`). */
export function lfuPolicy(call: CommandCall): boolean {
  const p = call.server.config.getEnum("maxmemory-policy");
  return p === "allkeys-lfu" || p === "volatile-lfu";
}

/** Valkey's `LFUGetTimeInMinutes`: unix minutes, 16 bits. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/**
 * Valkey's `LFUDecrAndReturn`: the LFU counter (low 8 bits of the 24-bit field) less one for every
 * `decayMinutes` elapsed since the access time kept in the high 16 bits (a wrapping minute clock).
 * Read-only: the decremented value is not stored back, as in Valkey.
 */
export function lfuCounter(lru: number, nowMs: number, decayMinutes: number): number {
  const ldt = (lru >>> 8) & 0xffff;
  const counter = lru & 0xff;
  if (decayMinutes <= 0) return counter;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = Math.floor(elapsed / decayMinutes);
  return periods > counter ? 0 : counter - periods;
}

/** Valkey's `estimateObjectIdleTime` in seconds, from the 24-bit LRU clock (which wraps). */
export function idleSeconds(lru: number, nowMs: number): number {
  const clock = lruClock(nowMs);
  return clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
}

/** The LRU/LFU field a freshly created object gets (Valkey's `createObject`). */
export function initialLru(call: CommandCall): number {
  return lfuPolicy(call) ? (lfuMinutes(call.now) << 8) | LFU_INIT_VAL : lruClock(call.now);
}

/** OBJECT ENCODING's name of a string encoding tag. */
export function strEncodingName(enc: StrEnc): string {
  switch (enc) {
    case StrEnc.INT:
      return "int";
    case StrEnc.EMBSTR:
      return "embstr";
    default:
      return "raw";
  }
}

/** Upper-cases ASCII letters of a command word (C's `toupper` in the C locale, as `sdstoupper`). */
export function upperAscii(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    let c = b[i]!;
    if (c >= 97 && c <= 122) c -= 32;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * The HELP reply of a container command (Valkey's `addReplyHelp`): a heading naming the command as the
 * client typed it, upper-cased, the command's own lines, then the HELP entry; every line a status reply.
 */
export function replyHelp(call: CommandCall, lines: readonly string[]): void {
  const w = call.reply;
  w.arrayHeader(lines.length + 3);
  w.simple(`${upperAscii(call.argv[0]!)} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) w.simple(l);
  w.simple("HELP");
  w.simple("    Print this help.");
}
