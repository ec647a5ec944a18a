/**
 * Which encoding OBJECT ENCODING reports for a string value, exactly as Valkey 8.1 decides it.
 *
 * The Db stores every string as its bytes; the encoding is a tag that commands choose when they write. Valkey
 * chooses it in two steps, and both matter for what clients see:
 *
 * 1. The value alone (`tryObjectEncoding` / `createStringObject`): text that `string2l` accepts and that is at
 *    most 20 bytes long becomes INT; otherwise up to 44 bytes is EMBSTR, longer is RAW. Commands that build a
 *    value without `tryObjectEncoding` skip the INT step (INCRBYFLOAT: "3" is embstr), and in-place edits
 *    (APPEND, SETRANGE, SETBIT, BITFIELD, BITOP results) always give RAW.
 *
 * 2. Valkey 8.1 embeds the key, and the expire time when the key has one, in the value's allocation. An EMBSTR
 *    value stays EMBSTR only while the whole object fits one 64-byte jemalloc bin:
 *
 *        robj header 16 | key: 1 + 1 + keylen + 1 | [expire 8] | embstr: 3 + len + 1      <= 64 bytes
 *
 *    i.e. keylen + len <= 41 without a TTL, <= 33 with one (Valkey's estimate counts every key with a 1-byte
 *    sds header). When it does not fit, the value becomes RAW and stays RAW. When a key is overwritten the new
 *    value is embedded with the OLD key's TTL still attached (the TTL is removed afterwards), so `SET k v` on
 *    a volatile key uses the +8 budget. INT and RAW values are never re-encoded by embedding.
 *
 * 3. Giving a TTL to an EMBSTR value that has none re-embeds it with the expire field — unless the object
 *    already has room for one: the allocation is rounded up to a jemalloc size class (Valkey builds jemalloc
 *    with an 8-byte quantum: 8, 16, ... 64, then 80, 96, 112, 128, 160 ...), and when the rounding leaves 8
 *    spare bytes Valkey reserves the expire field up front. The real size uses the key's real sds header
 *    (3 bytes from 32 key bytes on), so a key of 32+ bytes whose estimate was 63 or 64 lands in the 80-byte
 *    class with a spare field: its value stays EMBSTR when a TTL is added although the estimate with the
 *    field is over 64. Removing a TTL never re-encodes.
 *
 * `encodingFor` is step 1; `storedEncoding` applies step 2; `setExpireKeepingEncoding` is `db.setExpire` with
 * step 3, the EMBSTR → RAW conversion Valkey's objectSetExpire performs (SET EX, EXPIRE, GETEX EX...).
 *
 * @module
 */

import { type Db, StrEnc } from "../../keyspace/db.ts";

/** Valkey's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_SIZE_LIMIT = 44;

/** Bytes of the allocation an embedded object must fit (one jemalloc bin). */
const EMBED_LIMIT = 64;
/** robj header (16) + key sds header and terminator (3) + embstr sds header and terminator (4). */
const EMBED_OVERHEAD = 16 + 3 + 4;
/** The expire field embedded for volatile keys. */
const EXPIRE_FIELD = 8;

// "9223372036854775807" as char codes, for the 19-digit range check.
const INT64_MAX_DIGITS = [57, 50, 50, 51, 51, 55, 50, 48, 51, 54, 56, 53, 52, 55, 55, 53, 56, 48, 55];

/**
 * True when `b` is text Valkey's string2ll accepts: "0", or an optional '-' then a digit 1-9 and more
 * digits, at most 20 bytes, within the int64 range ("-0", "+1", "01", " 1" are rejected). Allocation-free.
 */
export function isInt64Text(b: Uint8Array): boolean {
  const n = b.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (b[0] === 45) {
    if (n === 1) return false;
    i = 1;
  }
  const first = b[i]!;
  if (first < 49 || first > 57) return n === 1 && first === 48;
  for (let j = i + 1; j < n; j++) {
    const c = b[j]!;
    if (c < 48 || c > 57) return false;
  }
  const digits = n - i;
  if (digits < 19) return true;
  if (digits > 19) return false;
  // 19 digits: compare with 9223372036854775807 (the negative side allows one more).
  for (let k = 0; k < 19; k++) {
    const c = b[i + k]!;
    const m = INT64_MAX_DIGITS[k]!;
    if (c !== m) {
      if (c < m) return true;
      // Larger at this digit: only -9223372036854775808 (last digit 8 vs 7) is still in range.
      return i === 1 && k === 18 && c === 56;
    }
  }
  return true;
}

/** The encoding `tryObjectEncoding` gives a value on its own: INT, EMBSTR (<= 44 bytes) or RAW. */
export function encodingFor(value: Uint8Array): StrEnc {
  const n = value.length;
  if (n <= 20 && isInt64Text(value)) return StrEnc.INT;
  return n <= EMBSTR_SIZE_LIMIT ? StrEnc.EMBSTR : StrEnc.RAW;
}

/** The encoding `createStringObject` gives built text (no INT step): EMBSTR up to 44 bytes, else RAW. */
export function textEncoding(length: number): StrEnc {
  return length <= EMBSTR_SIZE_LIMIT ? StrEnc.EMBSTR : StrEnc.RAW;
}

/**
 * The encoding a value of encoding `enc` ends up with once Valkey 8.1 embeds it with its key: an EMBSTR that
 * does not fit the 64-byte allocation (with the expire field when `volatile`) becomes RAW.
 */
export function storedEncoding(
  enc: StrEnc,
  keyLength: number,
  valueLength: number,
  volatile: boolean,
): StrEnc {
  if (enc !== StrEnc.EMBSTR) return enc;
  const size = EMBED_OVERHEAD + keyLength + valueLength + (volatile ? EXPIRE_FIELD : 0);
  return size <= EMBED_LIMIT ? StrEnc.EMBSTR : StrEnc.RAW;
}

/** The usable size jemalloc (8-byte quantum, 4 classes per doubling above 64) gives a small request. */
export function jemallocSize(n: number): number {
  if (n <= 64) return Math.max(8, (n + 7) & ~7);
  const lg = 31 - Math.clz32(n - 1);
  const delta = 2 ** (lg - 2);
  return Math.ceil(n / delta) * delta;
}

/** Bytes of an sds string of `len` bytes: header (1 byte below 32, else 3; 5 from 256) + bytes + NUL. */
function sdsSize(len: number): number {
  return (len < 32 ? 1 : len < 256 ? 3 : 5) + len + 1;
}

/**
 * Whether an EMBSTR value embedded without a TTL keeps the EMBSTR encoding when a TTL is added: either its
 * allocation already reserved the expire field, or it still fits 64 bytes with the field.
 */
export function embstrTakesExpire(keyLength: number, valueLength: number): boolean {
  if (EMBED_OVERHEAD + keyLength + valueLength + EXPIRE_FIELD <= EMBED_LIMIT) return true;
  // The real allocation: header, value sds (type 8), key header-size byte and key sds.
  const size = 16 + (3 + valueLength + 1) + 1 + sdsSize(keyLength);
  return jemallocSize(size) >= size + EXPIRE_FIELD;
}

/** `encodingFor` followed by `storedEncoding`: the encoding of `value` stored under `key`. */
export function keyValueEncoding(key: Uint8Array, value: Uint8Array, volatile: boolean): StrEnc {
  return storedEncoding(encodingFor(value), key.length, value.length, volatile);
}

/**
 * `db.setExpire` as Valkey's setExpire/objectSetExpire: giving a TTL to a key whose EMBSTR value has no room
 * for the expire field and does not fit 64 bytes with it turns the value RAW (step 3 above). Changing an
 * existing TTL never re-encodes. Returns the entry's new ref.
 */
export function setExpireKeepingEncoding(db: Db, ref: number, whenMs: number): number {
  if (db.getExpire(ref) === -1 && db.isString(ref) && db.getEncoding(ref) === StrEnc.EMBSTR) {
    if (!embstrTakesExpire(db.getKey(ref).length, db.getString(ref).length)) {
      ref = db.updateString(ref, db.getString(ref).slice(), StrEnc.RAW);
    }
  }
  return db.setExpire(ref, whenMs);
}
