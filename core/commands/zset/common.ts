/**
 * What the sorted-set commands share: their error texts, Valkey's range parsers (score ranges read with
 * glibc strtod semantics, lex ranges), integer arguments as getLongFromObjectOrReply reads them, the
 * listpack/skiplist creation and conversion rules (zsetTypeCreate, zsetTypeMaybeConvert, zsetAdd's
 * conversion, zsetConvertToListpackIfNeeded), storing a result key (setKey), and blocking timeouts.
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../../keyspace/db.ts";
import { type LexRange, type ScoreRange, ZSet } from "../../types/zset.ts";
import type { ValueObject } from "../../types/value.ts";
import { parseDouble, parseI64, parseLongDouble } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { KeySpec, KeySpecFlag } from "../spec.ts";

export const ERR_MINMAX_FLOAT = "ERR min or max is not a float";
export const ERR_MINMAX_LEX = "ERR min or max not valid string range item";
export const ERR_NAN_SCORE = "ERR resulting score is not a number (NaN)";
export const ERR_WEIGHT_FLOAT = "ERR weight value is not a float";
export const ERR_OUT_OF_RANGE = "ERR value is out of range";
export const ERR_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_COUNT_POSITIVE = "ERR count should be greater than 0";
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const ERR_TIMEOUT_FLOAT = "ERR timeout is not a float or out of range";
export const ERR_TIMEOUT_RANGE = "ERR timeout is out of range";
export const ERR_TIMEOUT_NEGATIVE = "ERR timeout is negative";

const LONG_MAX = 9223372036854775807n;

/** Valkey's strcasecmp on a C string: `word` up to its first NUL equals `lower` ignoring ASCII case. */
export function optionIs(word: Uint8Array, lower: string): boolean {
  const n = lower.length;
  if (word.length < n || (word.length > n && word[n] !== 0)) return false;
  for (let i = 0; i < n; i++) {
    let c = word[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * getLongFromObjectOrReply as a number: a strict int64, else `msg` (or the generic integer error). Values
 * beyond ±2^53 are clamped there: every caller compares them with lengths, which are far smaller.
 */
export function longArg(word: Uint8Array, msg = ERR_NOT_INTEGER): number {
  const n = parseI64(word);
  if (n === null) throw new ReplyError(msg);
  if (n > 9007199254740991n) return 9007199254740992;
  if (n < -9007199254740991n) return -9007199254740992;
  return Number(n);
}

/** getRangeLongFromObjectOrReply: an int64 in [min, max], else `msg` or Valkey's range message. */
export function rangeLongArg(word: Uint8Array, min: bigint, max: bigint, msg?: string): number {
  const n = parseI64(word);
  if (n === null) throw new ReplyError(msg ?? ERR_NOT_INTEGER);
  if (n < min || n > max) {
    throw new ReplyError(msg ?? `ERR value is out of range, value must between ${min} and ${max}`);
  }
  return n > 9007199254740991n ? 9007199254740992 : n < -9007199254740991n ? -9007199254740992 : Number(n);
}

/** getPositiveLongFromObjectOrReply (0..LONG_MAX). */
export function positiveLongArg(word: Uint8Array, msg = ERR_MUST_BE_POSITIVE): number {
  return rangeLongArg(word, 0n, LONG_MAX, msg);
}

// ---------------------------------------------------------------------------------------------------------
// strtod as zslParseRange uses it
// ---------------------------------------------------------------------------------------------------------

const DEC_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?$/;
const INF_RE = /^[+-]?(inf|infinity)$/i;

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * glibc strtod over a C string (the bytes up to the first NUL) whose whole text must be consumed: leading
 * white space is skipped, an empty string reads as 0 (strtod consumes nothing and the end pointer already
 * stands on the terminator), overflow gives ±inf and underflow 0 (errno is not checked), NaN is refused.
 * Returns null when the text is not entirely a number.
 */
export function strtodWhole(word: Uint8Array): number | null {
  const nul = word.indexOf(0);
  const b = nul >= 0 ? word.subarray(0, nul) : word;
  if (b.length === 0) return 0;
  let i = 0;
  while (i < b.length && isCSpace(b[i]!)) i++;
  let s = "";
  for (let j = i; j < b.length; j++) {
    const c = b[j]!;
    if (c >= 128) return null;
    s += String.fromCharCode(c);
  }
  if (DEC_RE.test(s)) return Number(s);
  if (INF_RE.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (HEX_RE.test(s)) {
    const v = parseDouble(b.subarray(i));
    if (v !== null) return v;
    // Out of float64 range: strtod returns ±HUGE_VAL (or 0 for underflow).
    const neg = s.startsWith("-");
    const p = /[pP]([+-]?\d+)$/.exec(s);
    const big = p === null || Number(p[1]) > 0;
    return big ? (neg ? -Infinity : Infinity) : (neg ? -0 : 0);
  }
  return null;
}

/** zslParseRange: `(` makes a bound exclusive; throws "min or max is not a float". */
export function parseScoreRange(minW: Uint8Array, maxW: Uint8Array): ScoreRange {
  const side = (w: Uint8Array): [number, boolean] => {
    const ex = w[0] === 0x28;
    const v = strtodWhole(ex ? w.subarray(1) : w);
    if (v === null || Number.isNaN(v)) throw new ReplyError(ERR_MINMAX_FLOAT);
    return [v, ex];
  };
  const [min, minEx] = side(minW);
  const [max, maxEx] = side(maxW);
  return { min, max, minEx, maxEx };
}

/** zslParseLexRange: `[x` / `(x` / `-` / `+`; throws "min or max not valid string range item". */
export function parseLexRange(minW: Uint8Array, maxW: Uint8Array): LexRange {
  const side = (w: Uint8Array): [Uint8Array | number, boolean] => {
    const c = w[0];
    if (c === 0x2b || c === 0x2d) {
      if (w.length > 1 && w[1] !== 0) throw new ReplyError(ERR_MINMAX_LEX);
      return [c === 0x2b ? Infinity : -Infinity, true];
    }
    if (c === 0x28) return [w.subarray(1), true];
    if (c === 0x5b) return [w.subarray(1), false];
    throw new ReplyError(ERR_MINMAX_LEX);
  };
  const [min, minEx] = side(minW);
  const [max, maxEx] = side(maxW);
  return { min, max, minEx, maxEx };
}

// ---------------------------------------------------------------------------------------------------------
// Lookups, creation and conversion
// ---------------------------------------------------------------------------------------------------------

/** The sorted set at `ref`, or WRONGTYPE. */
export function asZset(db: Db, ref: number): ZSet {
  if (db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
  const obj = db.getObject(ref);
  if (!(obj instanceof ZSet)) throw new ReplyError(ERR_WRONGTYPE);
  return obj;
}

/** lookupKeyRead + checkType: the set, null when missing; throws WRONGTYPE. */
export function readZset(call: CommandCall, key: Uint8Array, db: Db = call.db): ZSet | null {
  const ref = lookupRead(call, key, db);
  return ref === NO_ENTRY ? null : asZset(db, ref);
}

/** lookupKeyWrite + checkType. */
export function writeZset(call: CommandCall, key: Uint8Array, db: Db = call.db): ZSet | null {
  const ref = lookupWrite(call, key, db);
  return ref === NO_ENTRY ? null : asZset(db, ref);
}

export interface ListpackLimits {
  entries: number;
  value: number;
}

export function limits(call: CommandCall): ListpackLimits {
  return {
    entries: call.server.config.getInt("zset-max-listpack-entries"),
    value: call.server.config.getInt("zset-max-listpack-value"),
  };
}

/** zsetTypeCreate: a listpack when both hints are within the limits, else a pre-sized skiplist. */
export function createZset(lim: ListpackLimits, sizeHint: number, lenHint: number): ZSet {
  if (sizeHint <= lim.entries && lenHint <= lim.value) return new ZSet(true);
  return new ZSet(false, sizeHint);
}

/** zsetTypeMaybeConvert. */
export function maybeConvert(z: ZSet, lim: ListpackLimits, sizeHint: number, lenHint: number): void {
  if (z.isListpack && (sizeHint > lim.entries || lenHint > lim.value)) z.toSkiplist(sizeHint);
}

export const ZADD_NX = 1;
export const ZADD_XX = 2;
export const ZADD_GT = 4;
export const ZADD_LT = 8;
export const ZADD_INCR = 16;

export const OUT_ADDED = 1;
export const OUT_UPDATED = 2;
export const OUT_NOP = 4;
export const OUT_NAN = 8;

/**
 * zsetAdd: adds or updates one member under the NX/XX/GT/LT/INCR rules, converting a listpack when the new
 * member would pass a limit. Returns the OUT_* flags and the resulting score in `out.score`.
 */
export function zsetAdd(
  z: ZSet,
  lim: ListpackLimits,
  score: number,
  member: Uint8Array,
  flags: number,
  out: { score: number },
): number {
  if (Number.isNaN(score)) return OUT_NAN;
  const ref = z.find(member);
  if (ref !== -1) {
    if ((flags & ZADD_NX) !== 0) return OUT_NOP;
    const cur = z.scoreOf(ref);
    if ((flags & ZADD_INCR) !== 0) {
      score += cur;
      if (Number.isNaN(score)) return OUT_NAN;
    }
    if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) {
      return OUT_NOP;
    }
    out.score = score;
    if (score !== cur) {
      z.updateScore(ref, score);
      return OUT_UPDATED;
    }
    return 0;
  }
  if ((flags & ZADD_XX) !== 0) return OUT_NOP;
  if (z.isListpack && (z.length + 1 > lim.entries || member.length > lim.value)) z.toSkiplist(z.length + 1);
  z.insert(member, score);
  out.score = score;
  return OUT_ADDED;
}

/**
 * setKey for a computed sorted set (the STORE commands): overwrites `dst` whatever it held, dropping its
 * TTL; a created key gets its LRU and `new` event. Then the command's event and one dirty count.
 */
export function storeZset(call: CommandCall, dst: Uint8Array, z: ZSet, event: string): void {
  const db = call.db;
  const existed = lookupWrite(call, dst, db) !== NO_ENTRY;
  const ref = db.setObject(dst, z, false);
  if (!existed) keyCreated(call, db, ref, dst);
  call.keyModified(db, dst);
  call.notify("z", event, dst, db.id);
  call.dirty();
}

/** The empty-result branch of the STORE commands: deletes `dst` if it exists. */
export function storeEmpty(call: CommandCall, dst: Uint8Array): void {
  const db = call.db;
  if (lookupWrite(call, dst, db) !== NO_ENTRY && db.delete(dst)) {
    call.keyModified(db, dst);
    call.notify("g", "del", dst, db.id);
    call.dirty();
  }
}

/** Deletes `key` once its set is empty, with the generic `del` event. */
export function deleteIfEmpty(call: CommandCall, db: Db, key: Uint8Array, z: ZSet): boolean {
  if (z.length !== 0) return false;
  db.delete(key);
  call.notify("g", "del", key, db.id);
  return true;
}

/**
 * getTimeoutFromObjectOrReply in seconds: a long double, ×1000 and rounded up to ms; absolute unix ms, or 0
 * for "block forever".
 */
export function timeoutArg(call: CommandCall, word: Uint8Array): number {
  const v = parseLongDouble(word);
  if (v === null || Number.isNaN(v)) throw new ReplyError(ERR_TIMEOUT_FLOAT);
  const ms = v * 1000;
  if (ms > 9223372036854775807) throw new ReplyError(ERR_TIMEOUT_RANGE);
  const t = Math.ceil(ms);
  if (t < 0) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (t === 0) return 0;
  if (t > 9223372036854775807 - call.now) throw new ReplyError(ERR_TIMEOUT_RANGE);
  return t + call.now;
}

/** True when the client may not block (inside MULTI/EXEC): the blocking commands answer at once. */
export function denyBlocking(call: CommandCall): boolean {
  return call.client.flags.has("x");
}

// ---------------------------------------------------------------------------------------------------------
// Sets as inputs of ZUNION / ZINTER / ZDIFF (every member scores 1)
// ---------------------------------------------------------------------------------------------------------

/** What a set value must offer to be an input of the zset algebra commands. */
interface SetInput extends ValueObject {
  forEach(fn: (member: Uint8Array) => void): void;
  has(member: Uint8Array): boolean;
}

/** One input of ZUNION / ZINTER / ZDIFF / ZINTERCARD. */
export interface OpSource {
  length: number;
  weight: number;
  /** Visits every (member, score); members are views valid during the call. */
  each(fn: (member: Uint8Array, score: number) => void): void;
  /** Score of a member, or null. */
  score(member: Uint8Array): number | null;
  /** Identity of the stored value (the same key given twice). */
  subject: object | null;
}

const EMPTY_SOURCE = (weight: number): OpSource => ({
  length: 0,
  weight,
  each: () => {},
  score: () => null,
  subject: null,
});

/** Reads input key `key` for the algebra commands: a zset, a set (scores 1) or nothing; others WRONGTYPE. */
export function opSource(call: CommandCall, key: Uint8Array): OpSource {
  const db = call.db;
  const ref = lookupRead(call, key, db);
  if (ref === NO_ENTRY) return EMPTY_SOURCE(1);
  if (db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
  const obj = db.getObject(ref) as ValueObject;
  if (obj instanceof ZSet) {
    return {
      length: obj.length,
      weight: 1,
      subject: obj,
      each: (fn) => obj.forEach((r) => fn(obj.memberOf(r), obj.scoreOf(r))),
      score: (m) => obj.score(m),
    };
  }
  if (obj.type === "set") {
    const set = obj as SetInput;
    return {
      length: set.length,
      weight: 1,
      subject: set,
      each: (fn) => set.forEach((m) => fn(m, 1)),
      score: (m) => (set.has(m) ? 1 : null),
    };
  }
  throw new ReplyError(ERR_WRONGTYPE);
}

/** A key spec at a fixed position with a range of keys. */
export function keyAt(flags: KeySpecFlag[], pos: number, lastkey = 0): KeySpec {
  return { flags, beginSearch: { index: { pos } }, findKeys: { range: { lastkey, step: 1, limit: 0 } } };
}

/** A key spec whose key count is given by the argument at `pos` (ZUNION numkeys...). */
export function keynumAt(flags: KeySpecFlag[], pos: number): KeySpec {
  return {
    flags,
    beginSearch: { index: { pos } },
    findKeys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
  };
}
