/**
 * Helpers shared by the string and bitmap commands: option words compared the way Valkey's C code compares
 * them, the expire-time argument of SET/GETEX/SETEX/PSETEX, the proto-max-bulk-len size check, what happens
 * when a command creates a key, and int64 range arguments.
 *
 * @module
 */

import { type Db, NO_ENTRY, type StrEnc } from "../../keyspace/db.ts";
import { parseI64, parseInt64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_STRING_TOO_LONG, errInvalidExpire, ReplyError } from "../errors.ts";
import { keyCreated } from "../lookup.ts";

export { keyCreated };
import type { KeySpec } from "../spec.ts";

/**
 * True when the option word `word` is `lower` ignoring ASCII case, compared as a C string: Valkey reads
 * options through `strcasecmp` or char-by-char tests up to the NUL terminator, so a word with an embedded
 * NUL right after the option name (`"NX\0junk"`) matches too.
 */
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

/** The current `proto-max-bulk-len` (the largest string a command may build). */
export function maxBulkLen(call: CommandCall): number {
  return call.server.config.getInt("proto-max-bulk-len");
}

/**
 * Valkey's checkStringLength: throws "string exceeds maximum allowed size (proto-max-bulk-len)" when a string
 * of `size` bytes grown by `append` more would pass the limit.
 */
export function checkStringLength(call: CommandCall, size: number, append: number): void {
  if (size + append > maxBulkLen(call)) throw new ReplyError(ERR_STRING_TOO_LONG);
}

/** LLONG_MAX / 1000: the most seconds an expire argument may hold. */
/**
 * Stores a string value at `key` as Valkey's setKey does: `ref` is what lookupWrite(key) found just before
 * (or NO_ENTRY; the key is then inserted without a second lookup);
 * a created key gets its LRU clock and `new` event; an existing key keeps its TTL only with `keepTtl`.
 * Returns the entry's ref. An existing entry is updated in place of a second hash lookup.
 */
export function writeString(
  call: CommandCall,
  db: Db,
  key: Uint8Array,
  ref: number,
  value: Uint8Array,
  enc: StrEnc,
  keepTtl: boolean,
): number {
  if (ref === NO_ENTRY) {
    const created = db.addString(key, value, enc);
    keyCreated(call, db, created, key);
    return created;
  }
  if (keepTtl || db.getExpire(ref) === -1) return db.updateString(ref, value, enc);
  return db.setString(key, value, enc, false);
}

const LLONG_MAX_DIV_1000 = 9223372036854775n;
const INT64_MAX = (1n << 63n) - 1n;

/**
 * The expire argument of SET / GETEX / SETEX / PSETEX (Valkey's getExpireMillisecondsOrReply) as an
 * absolute unix time in ms. `seconds`: EX/EXAT units; `relative`: EX/PX (added to the command time).
 * Errors: a non-integer → the generic integer error; zero, negative, seconds beyond LLONG_MAX/1000, or an
 * int64 overflow when adding the current time → "invalid expire time in '<command>' command".
 */
export function expireArgument(
  call: CommandCall,
  word: Uint8Array,
  seconds: boolean,
  relative: boolean,
): number {
  const n = parseInt64(word);
  if (n !== null) {
    // |n| < 2^53: below LLONG_MAX / 1000, and n*1000 + now stays far below 2^63 (no int64 overflow).
    if (n <= 0) throw new ReplyError(errInvalidExpire(call.fullName));
    const ms = seconds ? n * 1000 : n;
    return relative ? ms + call.now : ms;
  }
  const big = parseI64(word);
  if (big === null) throw new ReplyError(ERR_NOT_INTEGER);
  if (big <= 0n || (seconds && big > LLONG_MAX_DIV_1000)) {
    throw new ReplyError(errInvalidExpire(call.fullName));
  }
  let ms = seconds ? big * 1000n : big;
  if (relative) {
    // C adds in int64 and checks for a wrapped (non-positive) result.
    ms += BigInt(call.now);
    if (ms > INT64_MAX) throw new ReplyError(errInvalidExpire(call.fullName));
  }
  return Number(ms);
}

/**
 * A `long long` argument (Valkey's getLongLongFromObjectOrReply) as a number. Values beyond ±2^53 are
 * clamped to ±2^53: callers only compare them with string lengths, which are far smaller, and keep the
 * exact value where its order against another argument matters ({@link rangeIsEmptyNegative}).
 */
export function longLongArgument(word: Uint8Array): number {
  const n = parseInt64(word);
  if (n !== null) return n;
  const big = parseI64(word);
  if (big === null) throw new ReplyError(ERR_NOT_INTEGER);
  return big < 0n ? -(2 ** 53) : 2 ** 53;
}

/**
 * GETRANGE / BITCOUNT's first test, on the exact int64 arguments: both negative and start > end means an
 * empty range (before any clamping, so it must compare the exact values).
 */
export function rangeIsEmptyNegative(startWord: Uint8Array, endWord: Uint8Array): boolean {
  const s = parseInt64(startWord);
  const e = parseInt64(endWord);
  if (s !== null && e !== null) return s < 0 && e < 0 && s > e;
  const bs = parseI64(startWord);
  const be = parseI64(endWord);
  if (bs === null || be === null) return false;
  return bs < 0n && be < 0n && bs > be;
}

/** Largest value built in the shared scratch buffer; bigger ones get their own allocation. */
const SCRATCH_MAX = 4 * 1024 * 1024;
let scratchBuffer = new Uint8Array(0);

/**
 * A temporary buffer of `size` bytes for building a value that is then handed to the Db, which copies it
 * (APPEND, SETRANGE, SETBIT growth). Up to 4 MiB it is a view of one reused buffer (its old contents are
 * left in place: callers write every byte), which spares an allocation per command: growing a large string
 * by small appends is several times faster that way. Valid until the next call.
 */
export function scratch(size: number): Uint8Array {
  if (size > SCRATCH_MAX) return new Uint8Array(size);
  if (scratchBuffer.length < size) {
    scratchBuffer = new Uint8Array(Math.min(SCRATCH_MAX, Math.max(size, scratchBuffer.length * 2, 4096)));
  }
  return scratchBuffer.subarray(0, size);
}

/** A key spec for a command whose only key is argv[1]. */
export function oneKey(flags: KeySpec["flags"], notes?: string): KeySpec {
  const spec: KeySpec = {
    flags,
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
  };
  if (notes !== undefined) spec.notes = notes;
  return spec;
}
