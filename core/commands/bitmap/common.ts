/**
 * What SETBIT, GETBIT and BITFIELD share: the bit-offset argument (with BITFIELD's `#index` form), the
 * bitfield type argument, and the string a bit write works on (Valkey's lookupStringForBitCommand).
 *
 * @module
 */

import { NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import { parseI64, parseInt64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_BIT_OFFSET, ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { lookupWrite } from "../lookup.ts";
import { keyCreated, maxBulkLen, scratch } from "../string/common.ts";

export const ERR_BITFIELD_TYPE =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
export const ERR_BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified";
export const ERR_BITFIELD_RO = "ERR BITFIELD_RO only supports the GET subcommand";
export const ERR_BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";
export const ERR_BIT_ARGUMENT = "ERR The bit argument must be 1 or 0.";

/**
 * A bit offset (Valkey's getBitOffsetFromArgument): an int64, not negative, whose byte (offset / 8) is below
 * proto-max-bulk-len. With `fieldBits` > 0 (BITFIELD), `#n` means n × fieldBits (multiplied in int64, so a
 * product that wraps around is judged by its wrapped value, as in C).
 */
export function bitOffsetArgument(call: CommandCall, word: Uint8Array, fieldBits = 0): number {
  const hash = fieldBits > 0 && word[0] === 35;
  const text = hash ? word.subarray(1) : word;
  let offset: number | null = parseInt64(text);
  if (offset === null || hash) {
    const big = parseI64(text);
    if (big === null) throw new ReplyError(ERR_BIT_OFFSET);
    const v = hash ? BigInt.asIntN(64, big * BigInt(fieldBits)) : big;
    // Beyond 2^53 bits the byte index is past any allowed size anyway.
    offset = v < 0n ? -1 : v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  if (offset < 0 || Math.floor(offset / 8) >= maxBulkLen(call)) throw new ReplyError(ERR_BIT_OFFSET);
  return offset;
}

/** A bitfield type `i1`..`i64` or `u1`..`u63`: [signed, bits]. */
export function bitfieldTypeArgument(word: Uint8Array): [boolean, number] {
  const sign = word[0];
  if (sign !== 105 && sign !== 117) throw new ReplyError(ERR_BITFIELD_TYPE);
  // The width is read as a C string: it stops at a NUL byte.
  let end = word.indexOf(0, 1);
  if (end < 0) end = word.length;
  const bits = parseInt64(word.subarray(1, end));
  const signed = sign === 105;
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
    throw new ReplyError(ERR_BITFIELD_TYPE);
  }
  return [signed, bits];
}

/** The string a bit write works on: its entry ref, and whether it was created or grown. */
export interface BitTarget {
  ref: number;
  grown: boolean;
}

/**
 * Valkey's lookupStringForBitCommand: the string at `key`, created or zero-padded so that bit `maxBit`
 * exists, and RAW-encoded (a write is about to change it in place). Throws WRONGTYPE for another type.
 * The value's bytes are then `db.getString(ref)`, writable in place until the next write to the Db.
 */
export function bitTarget(call: CommandCall, key: Uint8Array, maxBit: number): BitTarget {
  const db = call.db;
  const size = Math.floor(maxBit / 8) + 1;
  let ref = lookupWrite(call, key, db);
  if (ref === NO_ENTRY) {
    ref = db.setString(key, scratch(size).fill(0), StrEnc.RAW, false);
    keyCreated(call, db, ref, key);
    return { ref, grown: true };
  }
  if (!db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
  const old = db.getString(ref);
  if (old.length < size) {
    const grown = scratch(size);
    grown.set(old, 0);
    grown.fill(0, old.length);
    return { ref: db.updateString(ref, grown, StrEnc.RAW), grown: true };
  }
  if (db.getEncoding(ref) !== StrEnc.RAW) ref = db.updateString(ref, old, StrEnc.RAW);
  return { ref, grown: false };
}
