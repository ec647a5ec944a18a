/**
 * APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE.
 *
 * Edits of an existing value (APPEND, SETRANGE) leave it RAW-encoded, as Valkey's dbUnshareStringValue does.
 * When SETRANGE does not change the length of a value that is already RAW, the bytes are written in place in
 * the entry; otherwise the new value is built once and stored with `updateString`.
 *
 * @module
 */

import { NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import { parseI64, parseInt64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_OFFSET_RANGE, ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import {
  checkStringLength,
  keyCreated,
  longLongArgument,
  oneKey,
  rangeIsEmptyNegative,
  scratch,
} from "./common.ts";
import { encodingFor, storedEncoding } from "./encoding.ts";

const EMPTY = new Uint8Array(0);

function appendHandler(call: CommandCall): void {
  const key = call.argv[1]!;
  const tail = call.argv[2]!;
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  let total: number;
  if (ref === NO_ENTRY) {
    const created = db.setString(
      key,
      tail,
      storedEncoding(encodingFor(tail), key.length, tail.length, false),
      false,
    );
    keyCreated(call, db, created, key);
    total = tail.length;
  } else {
    if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
    const old = db.getString(ref);
    checkStringLength(call, old.length, tail.length);
    total = old.length + tail.length;
    const next = scratch(total);
    next.set(old, 0);
    next.set(tail, old.length);
    db.updateString(ref, next, StrEnc.RAW);
  }
  call.keyModified(db, key);
  call.notify("$", "append", key, db.id);
  call.dirty();
  call.reply.int(total);
}

function strlenHandler(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  if (ref === NO_ENTRY) return call.reply.int(0);
  if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
  call.reply.int(db.getString(ref).length);
}

/**
 * The [start, end] byte range GETRANGE / BITCOUNT (byte mode) select from a string of `len` bytes, or null
 * when it is empty. Negative indexes count from the end; the range is clamped to the string.
 */
export function byteRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return null;
  return [start, end];
}

function getrangeHandler(call: CommandCall): void {
  const argv = call.argv;
  const start = longLongArgument(argv[2]!);
  const end = longLongArgument(argv[3]!);
  const db = call.db;
  const ref = lookupRead(call, argv[1]!, db);
  if (ref === NO_ENTRY) return call.reply.bulk(EMPTY);
  if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
  if (rangeIsEmptyNegative(argv[2]!, argv[3]!)) return call.reply.bulk(EMPTY);
  const value = db.getString(ref);
  const r = byteRange(start, end, value.length);
  call.reply.bulk(r === null ? EMPTY : value.subarray(r[0], r[1] + 1));
}

/** SETRANGE's offset: a `long`; negative is "offset is out of range". */
function offsetArgument(word: Uint8Array): number {
  let n: number | null = parseInt64(word);
  if (n === null) {
    const big = parseI64(word);
    if (big === null) throw new ReplyError(ERR_NOT_INTEGER);
    // Beyond 2^53 only the sign matters: any such offset fails the size check.
    n = big < 0n ? -1 : 2 ** 53;
  }
  if (n < 0) throw new ReplyError(ERR_OFFSET_RANGE);
  return n;
}

function setrangeHandler(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const patch = argv[3]!;
  const offset = offsetArgument(argv[2]!);
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  let length: number;
  if (ref === NO_ENTRY) {
    // Writing nothing to a missing key creates nothing.
    if (patch.length === 0) return call.reply.int(0);
    checkStringLength(call, offset, patch.length);
    const value = scratch(offset + patch.length);
    value.fill(0, 0, offset);
    value.set(patch, offset);
    const created = db.setString(key, value, StrEnc.RAW, false);
    keyCreated(call, db, created, key);
    length = value.length;
  } else {
    if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
    const old = db.getString(ref);
    if (patch.length === 0) return call.reply.int(old.length);
    checkStringLength(call, offset, patch.length);
    const end = offset + patch.length;
    if (end <= old.length && db.getEncoding(ref) === StrEnc.RAW) {
      old.set(patch, offset);
      length = old.length;
    } else {
      const value = scratch(Math.max(old.length, end));
      value.set(old, 0);
      value.fill(0, old.length, offset);
      value.set(patch, offset);
      db.updateString(ref, value, StrEnc.RAW);
      length = value.length;
    }
  }
  call.keyModified(db, key);
  call.notify("$", "setrange", key, db.id);
  call.dirty();
  call.reply.int(length);
}

const rangeArgs: CommandSpec["arguments"] = [
  { name: "key", type: "key", keySpecIndex: 0 },
  { name: "start", type: "integer" },
  { name: "end", type: "integer" },
];

const RANGE_COMPLEXITY = "O(N) where N is the length of the returned string. The complexity is ultimately " +
  "determined by the returned length, but because creating a substring from an existing string is very cheap, " +
  "it can be considered O(1) for small strings.";

export const appendSpec: CommandSpec = {
  name: "append",
  summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
  since: "2.0.0",
  group: "string",
  complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the " +
    "already present value is of any size, since the dynamic string library used by the server will double " +
    "the free space available on every reallocation.",
  arity: 3,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RW", "INSERT"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string" },
  ],
  parse: "manual",
  handler: appendHandler,
};

export const strlenSpec: CommandSpec = {
  name: "strlen",
  summary: "Returns the length of a string value.",
  since: "2.2.0",
  group: "string",
  complexity: "O(1)",
  arity: 2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RO"])],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  parse: "manual",
  handler: strlenHandler,
};

export const getrangeSpec: CommandSpec = {
  name: "getrange",
  summary: "Returns a substring of the string stored at a key.",
  since: "2.4.0",
  group: "string",
  complexity: RANGE_COMPLEXITY,
  arity: 4,
  flags: ["READONLY"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: rangeArgs,
  parse: "manual",
  handler: getrangeHandler,
};

export const substrSpec: CommandSpec = {
  name: "substr",
  summary: "Returns a substring from a string value.",
  since: "1.0.0",
  group: "string",
  complexity: RANGE_COMPLEXITY,
  arity: 4,
  flags: ["READONLY"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: rangeArgs,
  docFlags: ["DEPRECATED"],
  deprecatedSince: "2.0.0",
  replacedBy: "`GETRANGE`",
  parse: "manual",
  handler: getrangeHandler,
};

export const setrangeSpec: CommandSpec = {
  name: "setrange",
  summary:
    "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
  since: "2.2.0",
  group: "string",
  complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is " +
    "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of " +
    "the value argument.",
  arity: 4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RW", "UPDATE"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "offset", type: "integer" },
    { name: "value", type: "string" },
  ],
  parse: "manual",
  handler: setrangeHandler,
};
