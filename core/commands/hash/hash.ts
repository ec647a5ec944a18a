/**
 * The hash commands: HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY
 * HINCRBYFLOAT HRANDFIELD HSCAN (Valkey's t_hash.c behaviour: replies, errors, their order, keyspace
 * events, encoding conversions).
 *
 * Every handler reads `call.argv` itself (`parse: "manual"`): Valkey checks arguments in an order the
 * generic parser cannot reproduce (HRANDFIELD's count before the key, HSCAN's cursor before the key
 * and its options after the type check).
 *
 * @module
 */

import { HSET_WORD } from "../../server/propagate.ts";
import { type Db, NO_ENTRY } from "../../keyspace/db.ts";
import { type HashLimits, HashValue } from "../../types/hash.ts";
import { globMatch } from "../../util/glob.ts";
import { asciiBytes, LongDouble, parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { replySamples } from "../sampling.ts";
import {
  ERR_INCR_NAN_INF,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  ERR_SYNTAX,
  errWrongArity,
  ReplyError,
} from "../errors.ts";
import { parseScanCursor, parseScanOptions } from "../generic/scan.ts";
import { expectObject, keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec, KeySpec } from "../spec.ts";
import { INT64_MAX, INT64_MIN } from "../../util/numbers.ts";

export const ERR_HASH_NOT_INTEGER = "ERR hash value is not an integer";
export const ERR_HASH_NOT_FLOAT = "ERR hash value is not a float";
export const ERR_VALUE_NAN_INF = "ERR value is NaN or Infinity";
export const ERR_VALUE_OUT_OF_RANGE = "ERR value is out of range";
const ERR_COUNT_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

/** -LONG_MAX and LONG_MAX: HRANDFIELD / SRANDMEMBER count bounds. */
export const LONG_MAX = INT64_MAX;
export const MINUS_LONG_MAX = -INT64_MAX;

/** The configured listpack thresholds for hashes. */
export function hashLimits(call: CommandCall): HashLimits {
  const c = call.server.config;
  return { maxEntries: c.getInt("hash-max-listpack-entries"), maxValue: c.getInt("hash-max-listpack-value") };
}

/** The hash at `ref` (WRONGTYPE for another type). */
function hashAt(db: Db, ref: number): HashValue {
  return expectObject<HashValue>(db, ref, "hash");
}

/** Valkey's hashTypeLookupWriteOrCreate: the hash at `key`, created (and added to the db) if absent. */
function lookupOrCreate(call: CommandCall, key: Uint8Array): HashValue {
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  if (ref !== NO_ENTRY) return hashAt(db, ref);
  const h = new HashValue();
  const created = db.setObject(key, h, false);
  keyCreated(call, db, created, key);
  return h;
}

/** Valkey's hashTypeTryConversion over `argv[start..end]` (fields and values about to be written). */
function tryConversion(
  h: HashValue,
  argv: Uint8Array[],
  start: number,
  end: number,
  limits: HashLimits,
): void {
  if (!h.isListpack) return;
  const newFields = Math.floor((end - start + 1) / 2);
  if (newFields > limits.maxEntries) {
    h.convert(newFields);
    return;
  }
  for (let i = start; i <= end; i++) {
    if (argv[i]!.length > limits.maxValue) {
      h.convert(0);
      return;
    }
  }
}

function hsetGeneric(call: CommandCall, isHmset: boolean): void {
  const argv = call.argv;
  if (argv.length % 2 === 1) return call.error(errWrongArity(call.fullName));
  const key = argv[1]!;
  const h = lookupOrCreate(call, key);
  const limits = hashLimits(call);
  tryConversion(h, argv, 2, argv.length - 1, limits);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i]!, argv[i + 1]!, limits)) created++;
  const db = call.db;
  call.keyModified(db, key);
  call.notify("h", "hset", key, db.id);
  call.dirty((argv.length - 2) / 2);
  if (isHmset) call.reply.ok();
  else call.reply.int(created);
}

function hsetnx(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const h = lookupOrCreate(call, key);
  if (h.has(argv[2]!)) return call.reply.int(0);
  const limits = hashLimits(call);
  tryConversion(h, argv, 2, 3, limits);
  h.set(argv[2]!, argv[3]!, limits);
  const db = call.db;
  call.keyModified(db, key);
  call.notify("h", "hset", key, db.id);
  call.dirty();
  call.reply.int(1);
}

function hget(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  if (ref === NO_ENTRY) return call.reply.nullBulk();
  const v = hashAt(db, ref).get(call.argv[2]!);
  if (v === undefined) call.reply.nullBulk();
  else call.reply.bulk(v);
}

function hmget(call: CommandCall): void {
  const db = call.db;
  const argv = call.argv;
  const ref = lookupRead(call, argv[1]!, db);
  const h = ref === NO_ENTRY ? null : hashAt(db, ref);
  const w = call.reply;
  w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h === null ? undefined : h.get(argv[i]!);
    if (v === undefined) w.nullBulk();
    else w.bulk(v);
  }
}

function hdel(call: CommandCall): void {
  const db = call.db;
  const argv = call.argv;
  const key = argv[1]!;
  const ref = lookupWrite(call, key, db);
  if (ref === NO_ENTRY) return call.reply.int(0);
  const h = hashAt(db, ref);
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i]!)) {
      deleted++;
      if (h.length === 0) {
        db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    call.keyModified(db, key);
    call.notify("h", "hdel", key, db.id);
    if (removed) call.notify("g", "del", key, db.id);
    call.dirty(deleted);
  }
  call.reply.int(deleted);
}

function hlen(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  call.reply.int(ref === NO_ENTRY ? 0 : hashAt(db, ref).length);
}

function hstrlen(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  call.reply.int(ref === NO_ENTRY ? 0 : hashAt(db, ref).strlen(call.argv[2]!));
}

function hexists(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  call.reply.int(ref === NO_ENTRY ? 0 : hashAt(db, ref).has(call.argv[2]!) ? 1 : 0);
}

const FIELDS = 1;
const VALUES = 2;

function hgetallGeneric(call: CommandCall, what: number): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  const w = call.reply;
  const both = what === (FIELDS | VALUES);
  if (ref === NO_ENTRY) {
    if (both) w.mapHeader(0);
    else w.arrayHeader(0);
    return;
  }
  const h = hashAt(db, ref);
  if (both) w.mapHeader(h.length);
  else w.arrayHeader(h.length);
  h.forEach((f, v) => {
    if (what & FIELDS) w.bulk(f);
    if (what & VALUES) w.bulk(v);
  });
}

function hincrby(call: CommandCall): void {
  const argv = call.argv;
  const incr = parseI64(argv[3]!);
  if (incr === null) return call.error(ERR_NOT_INTEGER);
  const key = argv[1]!;
  const h = lookupOrCreate(call, key);
  const field = argv[2]!;
  const cur = h.get(field);
  let value = 0n;
  if (cur !== undefined) {
    const v = parseI64(cur);
    if (v === null) return call.error(ERR_HASH_NOT_INTEGER);
    value = v;
  }
  if (
    (incr < 0n && value < 0n && incr < INT64_MIN - value) ||
    (incr > 0n && value > 0n && incr > INT64_MAX - value)
  ) {
    return call.error(ERR_OVERFLOW);
  }
  value += incr;
  h.set(field, asciiBytes(value.toString()), hashLimits(call));
  const db = call.db;
  call.keyModified(db, key);
  call.notify("h", "hincrby", key, db.id);
  call.dirty();
  call.reply.int(value);
}

function hincrbyfloat(call: CommandCall): void {
  const argv = call.argv;
  const incr = LongDouble.parse(argv[3]!);
  if (incr === null) return call.error(ERR_NOT_FLOAT);
  if (!incr.isFinite()) return call.error(ERR_VALUE_NAN_INF);
  const key = argv[1]!;
  const h = lookupOrCreate(call, key);
  const field = argv[2]!;
  const cur = h.get(field);
  let value = LongDouble.ZERO;
  if (cur !== undefined) {
    const v = LongDouble.parse(cur);
    if (v === null) return call.error(ERR_HASH_NOT_FLOAT);
    value = v;
  }
  const sum = value.add(incr);
  if (!sum.isFinite()) return call.error(ERR_INCR_NAN_INF);
  const text = asciiBytes(sum.format(true));
  h.set(field, text, hashLimits(call));
  const db = call.db;
  call.keyModified(db, key);
  call.notify("h", "hincrbyfloat", key, db.id);
  call.dirty();
  // Propagated with its result, as HSET key field value.
  if (call.propagating) call.propagateAs([HSET_WORD, key, field, text]);
  call.reply.bulk(text);
}

/** HRANDFIELD / SRANDMEMBER count: an integer in [-LONG_MAX, LONG_MAX] (Valkey's getRangeLongFromObject). */
export function parseRandomCount(b: Uint8Array): bigint {
  const v = parseI64(b);
  if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
  if (v < MINUS_LONG_MAX) throw new ReplyError(ERR_COUNT_RANGE);
  return v;
}

function hrandfield(call: CommandCall): void {
  const argv = call.argv;
  const db = call.db;
  const w = call.reply;
  if (argv.length === 2) {
    const ref = lookupRead(call, argv[1]!, db);
    if (ref === NO_ENTRY) return w.nullBulk();
    w.bulk(hashAt(db, ref).randomPair()[0]);
    return;
  }
  const l = parseRandomCount(argv[2]!);
  let withValues = false;
  if (argv.length > 4 || (argv.length === 4 && !eqCString(argv[3]!, "withvalues"))) {
    return call.error(ERR_SYNTAX);
  }
  if (argv.length === 4) {
    withValues = true;
    if (l < MINUS_LONG_MAX / 2n || l > LONG_MAX / 2n) return call.error(ERR_VALUE_OUT_OF_RANGE);
  }
  const ref = lookupRead(call, argv[1]!, db);
  if (ref === NO_ENTRY) return w.arrayHeader(0);
  const h = hashAt(db, ref);
  const size = h.length;
  const uniq = l >= 0n;
  const countBig = uniq ? l : -l;
  if (countBig === 0n) return w.arrayHeader(0);
  const resp3 = w.proto === 3;
  const pair = (f: Uint8Array, v: Uint8Array): void => {
    if (withValues && resp3) w.arrayHeader(2);
    w.bulk(f);
    if (withValues) w.bulk(v);
  };
  if (!uniq || countBig === 1n) {
    // Sampling with repetition, cut off by the output limit (sampling.ts).
    const emit = (): void => {
      const [f, v] = h.randomPair();
      pair(f, v);
    };
    if (!replySamples(call, countBig, withValues && !resp3 ? 2 : 1, emit)) {
      return call.error(ERR_VALUE_OUT_OF_RANGE);
    }
    return;
  }
  const count = countBig >= BigInt(size) ? size : Number(countBig);
  w.arrayHeader(withValues && !resp3 ? count * 2 : count);
  if (count >= size) {
    h.forEach(pair);
    return;
  }
  if (h.isListpack || count * 3 > size) {
    for (const [f, v] of h.randomDistinctPairs(count)) pair(f, v);
    return;
  }
  // A big hash and a small count: random picks until enough distinct fields were drawn.
  const seen = new Set<string>();
  while (seen.size < count) {
    const [f, v] = h.randomPair();
    const k = fieldKey.decode(f);
    if (seen.has(k)) continue;
    seen.add(k);
    pair(f, v);
  }
}

/** A string key for a field in a JS Set (bytes mapped one to one onto code points). */
const fieldKey = new TextDecoder("windows-1252");

/** strcasecmp on a C string: the word up to its first NUL equals `lower` ignoring case. */
export function eqCString(word: Uint8Array, lower: string): boolean {
  const nul = word.indexOf(0);
  const w = nul >= 0 ? word.subarray(0, nul) : word;
  if (w.length !== lower.length) return false;
  for (let i = 0; i < w.length; i++) {
    let c = w[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function hscan(call: CommandCall): void {
  const argv = call.argv;
  const cursor = parseScanCursor(argv[2]!);
  const db = call.db;
  const w = call.reply;
  const ref = lookupRead(call, argv[1]!, db);
  if (ref === NO_ENTRY) {
    w.arrayHeader(2);
    w.bulkStr("0");
    w.arrayHeader(0);
    return;
  }
  const h = hashAt(db, ref);
  const { count, pattern, onlyKeys } = parseScanOptions(argv, 3, "hash");
  const out: Uint8Array[] = [];
  const next = h.scan(Number(cursor & 0xffffffffn), count, (f, v) => {
    if (pattern !== null && !globMatch(pattern, f)) return;
    out.push(f.slice());
    if (!onlyKeys) out.push(v.slice());
  });
  w.arrayHeader(2);
  w.bulkStr(String(next));
  w.arrayHeader(out.length);
  for (const b of out) w.bulk(b);
}

// --- specs ---

function keySpec(flags: KeySpec["flags"]): KeySpec {
  return {
    flags,
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
  };
}

const keyArg = { name: "key", type: "key" as const, keySpecIndex: 0 };
const fieldValueBlock = {
  name: "data",
  type: "block" as const,
  multiple: true,
  arguments: [{ name: "field", type: "string" as const }, { name: "value", type: "string" as const }],
};

export const hsetSpec: CommandSpec = {
  name: "hset",
  summary: "Creates or modifies the value of a field in a hash.",
  since: "2.0.0",
  group: "hash",
  complexity:
    "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is " +
    "called with multiple field/value pairs.",
  arity: -4,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RW", "UPDATE"])],
  arguments: [keyArg, fieldValueBlock],
  history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
  parse: "manual",
  handler: (call) => hsetGeneric(call, false),
};

export const hmsetSpec: CommandSpec = {
  name: "hmset",
  summary: "Sets the values of multiple fields.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(N) where N is the number of fields being set.",
  arity: -4,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RW", "UPDATE"])],
  arguments: [keyArg, fieldValueBlock],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "4.0.0",
  replacedBy: "`HSET` with multiple field-value pairs",
  parse: "manual",
  handler: (call) => hsetGeneric(call, true),
};

export const hsetnxSpec: CommandSpec = {
  name: "hsetnx",
  summary: "Sets the value of a field in a hash only when the field doesn't exist.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RW", "INSERT"])],
  arguments: [keyArg, { name: "field", type: "string" }, { name: "value", type: "string" }],
  parse: "manual",
  handler: hsetnx,
};

export const hgetSpec: CommandSpec = {
  name: "hget",
  summary: "Returns the value of a field in a hash.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(1)",
  arity: 3,
  flags: ["READONLY", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO", "ACCESS"])],
  arguments: [keyArg, { name: "field", type: "string" }],
  parse: "manual",
  handler: hget,
};

export const hmgetSpec: CommandSpec = {
  name: "hmget",
  summary: "Returns the values of all fields in a hash.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(N) where N is the number of fields being requested.",
  arity: -3,
  flags: ["READONLY", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO", "ACCESS"])],
  arguments: [keyArg, { name: "field", type: "string", multiple: true }],
  parse: "manual",
  handler: hmget,
};

export const hdelSpec: CommandSpec = {
  name: "hdel",
  summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(N) where N is the number of fields to be removed.",
  arity: -3,
  flags: ["WRITE", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RW", "DELETE"])],
  arguments: [keyArg, { name: "field", type: "string", multiple: true }],
  history: [["2.4.0", "Accepts multiple `field` arguments."]],
  parse: "manual",
  handler: hdel,
};

export const hlenSpec: CommandSpec = {
  name: "hlen",
  summary: "Returns the number of fields in a hash.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(1)",
  arity: 2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO"])],
  arguments: [keyArg],
  parse: "manual",
  handler: hlen,
};

export const hstrlenSpec: CommandSpec = {
  name: "hstrlen",
  summary: "Returns the length of the value of a field.",
  since: "3.2.0",
  group: "hash",
  complexity: "O(1)",
  arity: 3,
  flags: ["READONLY", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO"])],
  arguments: [keyArg, { name: "field", type: "string" }],
  parse: "manual",
  handler: hstrlen,
};

export const hexistsSpec: CommandSpec = {
  name: "hexists",
  summary: "Determines whether a field exists in a hash.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(1)",
  arity: 3,
  flags: ["READONLY", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO"])],
  arguments: [keyArg, { name: "field", type: "string" }],
  parse: "manual",
  handler: hexists,
};

function wholeHashSpec(name: string, summary: string, what: number): CommandSpec {
  return {
    name,
    summary,
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the size of the hash.",
    arity: 2,
    flags: ["READONLY"],
    aclCategories: ["hash"],
    keySpecs: [keySpec(["RO", "ACCESS"])],
    arguments: [keyArg],
    commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"],
    parse: "manual",
    handler: (call) => hgetallGeneric(call, what),
  };
}

export const hkeysSpec: CommandSpec = wholeHashSpec("hkeys", "Returns all fields in a hash.", FIELDS);
export const hvalsSpec: CommandSpec = wholeHashSpec("hvals", "Returns all values in a hash.", VALUES);
export const hgetallSpec: CommandSpec = wholeHashSpec(
  "hgetall",
  "Returns all fields and values in a hash.",
  FIELDS | VALUES,
);

export const hincrbySpec: CommandSpec = {
  name: "hincrby",
  summary: "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the " +
    "field doesn't exist.",
  since: "2.0.0",
  group: "hash",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RW", "ACCESS", "UPDATE"])],
  arguments: [keyArg, { name: "field", type: "string" }, { name: "increment", type: "integer" }],
  parse: "manual",
  handler: hincrby,
};

export const hincrbyfloatSpec: CommandSpec = {
  name: "hincrbyfloat",
  summary: "Increments the floating point value of a field by a number. Uses 0 as initial value if the " +
    "field doesn't exist.",
  since: "2.6.0",
  group: "hash",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RW", "ACCESS", "UPDATE"])],
  arguments: [keyArg, { name: "field", type: "string" }, { name: "increment", type: "double" }],
  parse: "manual",
  handler: hincrbyfloat,
};

export const hrandfieldSpec: CommandSpec = {
  name: "hrandfield",
  summary: "Returns one or more random fields from a hash.",
  since: "6.2.0",
  group: "hash",
  complexity: "O(N) where N is the number of fields returned",
  arity: -2,
  flags: ["READONLY"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO", "ACCESS"])],
  arguments: [
    keyArg,
    {
      name: "options",
      type: "block",
      optional: true,
      arguments: [
        { name: "count", type: "integer" },
        { name: "withvalues", type: "pure-token", token: "WITHVALUES", optional: true },
      ],
    },
  ],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  parse: "manual",
  handler: hrandfield,
};

export const hscanSpec: CommandSpec = {
  name: "hscan",
  summary: "Iterates over fields and values of a hash.",
  since: "2.8.0",
  group: "hash",
  complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the " +
    "cursor to return back to 0. N is the number of elements inside the collection.",
  arity: -3,
  flags: ["READONLY"],
  aclCategories: ["hash"],
  keySpecs: [keySpec(["RO", "ACCESS"])],
  arguments: [
    keyArg,
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
    { name: "novalues", type: "pure-token", token: "NOVALUES", optional: true },
  ],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  parse: "manual",
  handler: hscan,
};
