/**
 * The set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SPOP SRANDMEMBER SMOVE SINTER
 * SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN (Valkey's t_set.c behaviour:
 * replies, errors and their order, keyspace events, the encodings of created and stored sets).
 *
 * Every handler reads `call.argv` itself (`parse: "manual"`): Valkey parses counts before or after the
 * key lookup depending on the command, and replies custom texts for some integer errors.
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../../keyspace/db.ts";
import { type SetLimits, SetValue } from "../../types/set.ts";
import { globMatch } from "../../util/glob.ts";
import { parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { deletionWord, SREM_WORD } from "../../server/propagate.ts";
import { ERR_SYNTAX, ReplyError } from "../errors.ts";
import { parseScanCursor, parseScanOptions } from "../generic/scan.ts";
import { eqCString, parseRandomCount } from "../hash/hash.ts";
import { replySamples } from "../sampling.ts";
import { expectObject, keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec, KeySpec } from "../spec.ts";

export const ERR_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_NUMKEYS_ARGS = "ERR Number of keys can't be greater than number of args";
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
const ERR_OUT_OF_RANGE = "ERR value is out of range";

/** The configured conversion thresholds for sets. */
export function setLimits(call: CommandCall): SetLimits {
  const c = call.server.config;
  return {
    maxIntsetEntries: c.getInt("set-max-intset-entries"),
    maxListpackEntries: c.getInt("set-max-listpack-entries"),
    maxListpackValue: c.getInt("set-max-listpack-value"),
  };
}

function setAt(db: Db, ref: number): SetValue {
  return expectObject<SetValue>(db, ref, "set");
}

/** Valkey's getRangeLongFromObjectOrReply(0, LONG_MAX) with a custom message for every failure. */
function parsePositive(b: Uint8Array, msg: string): bigint {
  const v = parseI64(b);
  if (v === null || v < 0n) throw new ReplyError(msg);
  return v;
}

/** A string key for a member in a JS Set (bytes mapped one to one onto code points). */
const memberKey = new TextDecoder("windows-1252");

function sadd(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  const limits = setLimits(call);
  let s: SetValue;
  if (ref === NO_ENTRY) {
    s = SetValue.create(argv[2]!, argv.length - 2, limits);
    keyCreated(call, db, db.setObject(key, s, false), key);
  } else {
    s = setAt(db, ref);
    s.maybeConvert(argv.length - 2, limits);
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!, limits)) added++;
  if (added > 0) {
    call.keyModified(db, key);
    call.notify("s", "sadd", key, db.id);
  }
  call.dirty(added);
  call.reply.int(added);
}

function srem(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  if (ref === NO_ENTRY) return call.reply.int(0);
  const s = setAt(db, ref);
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (s.remove(argv[i]!)) {
      deleted++;
      if (s.length === 0) {
        db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    call.keyModified(db, key);
    call.notify("s", "srem", key, db.id);
    if (removed) call.notify("g", "del", key, db.id);
    call.dirty(deleted);
  }
  call.reply.int(deleted);
}

function smove(call: CommandCall): void {
  const argv = call.argv;
  const db = call.db;
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const member = argv[3]!;
  const srcRef = lookupWrite(call, srcKey, db);
  const dstRef = lookupWrite(call, dstKey, db);
  if (srcRef === NO_ENTRY) return call.reply.int(0);
  const src = setAt(db, srcRef);
  const dst = dstRef === NO_ENTRY ? null : setAt(db, dstRef);
  if (src === dst) return call.reply.int(src.has(member) ? 1 : 0);
  if (!src.remove(member)) return call.reply.int(0);
  call.notify("s", "srem", srcKey, db.id);
  if (src.length === 0) {
    db.delete(srcKey);
    call.notify("g", "del", srcKey, db.id);
  }
  const limits = setLimits(call);
  let target = dst;
  if (target === null) {
    target = SetValue.create(member, 1, limits);
    keyCreated(call, db, db.setObject(dstKey, target, false), dstKey);
  }
  call.keyModified(db, srcKey);
  call.dirty();
  if (target.add(member, limits)) {
    call.dirty();
    call.keyModified(db, dstKey);
    call.notify("s", "sadd", dstKey, db.id);
  }
  call.reply.int(1);
}

function sismember(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  call.reply.int(ref !== NO_ENTRY && setAt(db, ref).has(call.argv[2]!) ? 1 : 0);
}

function smismember(call: CommandCall): void {
  const db = call.db;
  const argv = call.argv;
  const ref = lookupRead(call, argv[1]!, db);
  const s = ref === NO_ENTRY ? null : setAt(db, ref);
  const w = call.reply;
  w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) w.int(s !== null && s.has(argv[i]!) ? 1 : 0);
}

function scard(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  call.reply.int(ref === NO_ENTRY ? 0 : setAt(db, ref).length);
}

function replyMembers(call: CommandCall, members: Uint8Array[]): void {
  const w = call.reply;
  w.setHeader(members.length);
  for (const m of members) w.bulk(m);
}

function spop(call: CommandCall): void {
  const argv = call.argv;
  if (argv.length > 3) return call.error(ERR_SYNTAX);
  const key = argv[1]!;
  const db = call.db;
  const w = call.reply;
  if (argv.length === 2) {
    const ref = lookupWrite(call, key, db);
    if (ref === NO_ENTRY) return w.nullBulk();
    const s = setAt(db, ref);
    const m = s.popRandom();
    call.notify("s", "spop", key, db.id);
    w.bulk(m);
    // The random choice is propagated as its effect.
    if (call.propagating) call.propagateAs([SREM_WORD, key, m.slice()]);
    if (s.length === 0) {
      db.delete(key);
      call.notify("g", "del", key, db.id);
    }
    call.keyModified(db, key);
    call.dirty();
    return;
  }
  const countBig = parsePositive(argv[2]!, ERR_POSITIVE);
  const ref = lookupWrite(call, key, db);
  if (ref === NO_ENTRY) return w.setHeader(0);
  const s = setAt(db, ref);
  if (countBig === 0n) return w.setHeader(0);
  const size = s.length;
  call.notify("s", "spop", key, db.id);
  if (countBig >= BigInt(size)) {
    call.dirty(size);
    replyMembers(call, s.toArray());
    if (call.propagating) call.propagateAs([deletionWord(call, "lazyfree-lazy-server-del"), key]);
    db.delete(key);
    call.notify("g", "del", key, db.id);
    call.keyModified(db, key);
    return;
  }
  const count = Number(countBig);
  call.dirty(count);
  const remaining = size - count;
  w.setHeader(count);
  // The popped members are propagated as SREMs of at most 1024 members (Valkey's batches).
  const popped: Uint8Array[] | null = call.propagating ? [] : null;
  if (remaining * 5 > count) {
    // Few elements popped: take them one by one.
    if (s.encoding === "listpack") {
      const picked = s.randomDistinct(count);
      for (const m of picked) {
        w.bulk(m);
        popped?.push(m.slice());
        s.remove(m);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const m = s.popRandom();
        w.bulk(m);
        popped?.push(m);
      }
    }
  } else {
    // Most elements popped: move the survivors to a fresh set and reply what is left of the old one.
    const limits = setLimits(call);
    const keep = s.randomDistinct(remaining);
    const fresh = SetValue.empty(s.encoding === "intset" ? "intset" : "listpack");
    for (const m of keep) {
      fresh.add(m, limits);
      s.remove(m);
    }
    s.forEach((m) => {
      w.bulk(m);
      popped?.push(m.slice());
    });
    db.setObject(key, fresh, true);
  }
  call.keyModified(db, key);
  if (popped !== null) {
    for (let i = 0; i < popped.length; i += 1024) {
      call.alsoPropagate([SREM_WORD, key, ...popped.slice(i, i + 1024)]);
    }
    call.preventPropagation();
  }
}

function srandmember(call: CommandCall): void {
  const argv = call.argv;
  if (argv.length > 3) return call.error(ERR_SYNTAX);
  const db = call.db;
  const w = call.reply;
  if (argv.length === 2) {
    const ref = lookupRead(call, argv[1]!, db);
    if (ref === NO_ENTRY) return w.nullBulk();
    w.bulk(setAt(db, ref).random());
    return;
  }
  const l = parseRandomCount(argv[2]!);
  const ref = lookupRead(call, argv[1]!, db);
  if (ref === NO_ENTRY) return w.arrayHeader(0);
  const s = setAt(db, ref);
  const size = s.length;
  const uniq = l >= 0n;
  const countBig = uniq ? l : -l;
  if (countBig === 0n) return w.arrayHeader(0);
  if (!uniq || countBig === 1n) {
    // Sampling with repetition, cut off by the output limit (sampling.ts).
    if (!replySamples(call, countBig, 1, () => w.bulk(s.random()))) return call.error(ERR_OUT_OF_RANGE);
    return;
  }
  if (countBig >= BigInt(size)) {
    w.arrayHeader(size);
    s.forEach((m) => w.bulk(m));
    return;
  }
  const count = Number(countBig);
  w.arrayHeader(count);
  if (s.encoding !== "hashtable" || count * 3 > size) {
    for (const m of s.randomDistinct(count)) w.bulk(m);
    return;
  }
  const seen = new Set<string>();
  while (seen.size < count) {
    const m = s.random();
    const k = memberKey.decode(m);
    if (seen.has(k)) continue;
    seen.add(k);
    w.bulk(m);
  }
}

/** Looks up every key of a set operation as a read; WRONGTYPE if any is not a set. Missing keys are null. */
function lookupSets(call: CommandCall, keys: Uint8Array[]): (SetValue | null)[] {
  const db = call.db;
  const out: (SetValue | null)[] = [];
  for (const k of keys) {
    const ref = lookupRead(call, k, db);
    out.push(ref === NO_ENTRY ? null : setAt(db, ref));
  }
  return out;
}

/** Stores `result` at `dst` (Valkey's setKey) or deletes `dst` when empty; replies the cardinality. */
function storeResult(call: CommandCall, dst: Uint8Array, result: SetValue, event: string): void {
  const db = call.db;
  if (result.length > 0) {
    const existed = lookupWrite(call, dst, db) !== NO_ENTRY;
    const ref = db.setObject(dst, result, false);
    if (!existed) keyCreated(call, db, ref, dst);
    call.keyModified(db, dst);
    call.notify("s", event, dst, db.id);
    call.dirty();
    call.reply.int(result.length);
    return;
  }
  if (db.delete(dst)) {
    call.dirty();
    call.keyModified(db, dst);
    call.notify("g", "del", dst, db.id);
  }
  call.reply.int(0);
}

const MODE_REPLY = 0;
const MODE_CARD = 1;
const MODE_STORE = 2;

function sinterGeneric(
  call: CommandCall,
  keys: Uint8Array[],
  mode: number,
  dst: Uint8Array | null,
  limit: number,
): void {
  const sets = lookupSets(call, keys);
  const w = call.reply;
  if (sets.some((s) => s === null)) {
    if (mode === MODE_STORE) {
      const db = call.db;
      if (db.delete(dst!)) {
        call.keyModified(db, dst!);
        call.notify("g", "del", dst!, db.id);
        call.dirty();
      }
      w.int(0);
    } else if (mode === MODE_CARD) w.int(0);
    else w.setHeader(0);
    return;
  }
  const live = (sets as SetValue[]).slice().sort((a, b) => a.length - b.length);
  const first = live[0]!;
  const result: Uint8Array[] = [];
  let card = 0;
  let done = false;
  first.forEach((m) => {
    if (done) return;
    for (let j = 1; j < live.length; j++) {
      if (live[j] === first) continue;
      if (!live[j]!.has(m)) return;
    }
    card++;
    if (mode === MODE_CARD) {
      if (limit !== 0 && card >= limit) done = true;
    } else {
      result.push(m.slice());
    }
  });
  if (mode === MODE_CARD) return w.int(card);
  if (mode === MODE_REPLY) return replyMembers(call, result);
  const limits = setLimits(call);
  const enc = first.encoding;
  const out = SetValue.empty(enc === "intset" ? "intset" : "listpack");
  let onlyIntegers = true;
  for (const m of result) {
    if (onlyIntegers && parseI64(m) === null) onlyIntegers = false;
    out.add(m, limits);
  }
  if (onlyIntegers && out.length > 0 && out.length <= Math.min(limits.maxIntsetEntries, 1 << 30)) {
    out.convert("intset");
  }
  storeResult(call, dst!, out, "sinterstore");
}

const OP_UNION = 0;
const OP_DIFF = 1;

function sunionDiffGeneric(call: CommandCall, keys: Uint8Array[], dst: Uint8Array | null, op: number): void {
  const sets = lookupSets(call, keys);
  const limits = setLimits(call);
  // The result is built as a set (deduplicating). For a reply Valkey builds an intset when every source
  // is one (the reply is then sorted), a hashtable otherwise.
  const allIntsets = sets.every((s) => s === null || s.encoding === "intset");
  const out = SetValue.empty(dst !== null || allIntsets ? "intset" : "hashtable");
  const first = sets[0] ?? null;
  const sameSet = first !== null && sets.slice(1).some((s) => s === first);
  if (op === OP_UNION) {
    for (const s of sets) if (s !== null) s.forEach((m) => out.add(m, limits));
  } else if (first !== null && !sameSet) {
    first.forEach((m) => {
      for (let j = 1; j < sets.length; j++) {
        const s = sets[j];
        if (s !== null && s !== undefined && s.has(m)) return;
      }
      out.add(m, limits);
    });
  }
  if (dst === null) return replyMembers(call, out.toArray());
  storeResult(call, dst, out, op === OP_UNION ? "sunionstore" : "sdiffstore");
}

function sintercard(call: CommandCall): void {
  const argv = call.argv;
  const v = parseI64(argv[1]!);
  if (v === null || v < 1n) return call.error(ERR_NUMKEYS);
  if (v > BigInt(argv.length - 2)) return call.error(ERR_NUMKEYS_ARGS);
  const numkeys = Number(v);
  let limit = 0n;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqCString(argv[j]!, "limit") && more > 0) {
      j++;
      limit = parsePositive(argv[j]!, ERR_LIMIT_NEGATIVE);
    } else {
      return call.error(ERR_SYNTAX);
    }
  }
  const lim = limit > 0x7fffffffn ? 0x7fffffff : Number(limit);
  sinterGeneric(call, argv.slice(2, 2 + numkeys), MODE_CARD, null, lim);
}

function sscan(call: CommandCall): void {
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
  const s = setAt(db, ref);
  const { count, pattern } = parseScanOptions(argv, 3, "set");
  const out: Uint8Array[] = [];
  const next = s.scan(Number(cursor & 0xffffffffn), count, (m) => {
    if (pattern !== null && !globMatch(pattern, m)) return;
    out.push(m.slice());
  });
  w.arrayHeader(2);
  w.bulkStr(String(next));
  w.arrayHeader(out.length);
  for (const b of out) w.bulk(b);
}

// --- specs ---

function keyAt(pos: number, flags: KeySpec["flags"], lastkey = 0): KeySpec {
  return { flags, beginSearch: { index: { pos } }, findKeys: { range: { lastkey, step: 1, limit: 0 } } };
}

const keyArg = { name: "key", type: "key" as const, keySpecIndex: 0 };
const keysArg = { name: "key", type: "key" as const, keySpecIndex: 0, multiple: true };

function base(
  name: string,
  summary: string,
  complexity: string,
  arity: number,
  flags: CommandSpec["flags"],
  keySpecs: KeySpec[],
  args: CommandSpec["arguments"],
  handler: (call: CommandCall) => void,
  extra: Partial<CommandSpec> = {},
): CommandSpec {
  const spec: CommandSpec = {
    name,
    summary,
    since: "1.0.0",
    group: "set",
    complexity,
    arity,
    flags,
    aclCategories: ["set"],
    keySpecs,
    parse: "manual",
    handler,
    ...extra,
  };
  if (args !== undefined) spec.arguments = args;
  return spec;
}

export const saddSpec: CommandSpec = base(
  "sadd",
  "Adds one or more members to a set. Creates the key if it doesn't exist.",
  "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
  -3,
  ["WRITE", "DENYOOM", "FAST"],
  [keyAt(1, ["RW", "INSERT"])],
  [keyArg, { name: "member", type: "string", multiple: true }],
  sadd,
  { history: [["2.4.0", "Accepts multiple `member` arguments."]] },
);

export const sremSpec: CommandSpec = base(
  "srem",
  "Removes one or more members from a set. Deletes the set if the last member was removed.",
  "O(N) where N is the number of members to be removed.",
  -3,
  ["WRITE", "FAST"],
  [keyAt(1, ["RW", "DELETE"])],
  [keyArg, { name: "member", type: "string", multiple: true }],
  srem,
  { history: [["2.4.0", "Accepts multiple `member` arguments."]] },
);

export const scardSpec: CommandSpec = base(
  "scard",
  "Returns the number of members in a set.",
  "O(1)",
  2,
  ["READONLY", "FAST"],
  [keyAt(1, ["RO"])],
  [keyArg],
  scard,
);

export const sismemberSpec: CommandSpec = base(
  "sismember",
  "Determines whether a member belongs to a set.",
  "O(1)",
  3,
  ["READONLY", "FAST"],
  [keyAt(1, ["RO"])],
  [keyArg, { name: "member", type: "string" }],
  sismember,
);

export const smismemberSpec: CommandSpec = base(
  "smismember",
  "Determines whether multiple members belong to a set.",
  "O(N) where N is the number of elements being checked for membership",
  -3,
  ["READONLY", "FAST"],
  [keyAt(1, ["RO", "ACCESS"])],
  [keyArg, { name: "member", type: "string", multiple: true }],
  smismember,
  { since: "6.2.0" },
);

export const smembersSpec: CommandSpec = base(
  "smembers",
  "Returns all members of a set.",
  "O(N) where N is the set cardinality.",
  2,
  ["READONLY"],
  [keyAt(1, ["RO", "ACCESS"])],
  [keyArg],
  (call) => sinterGeneric(call, call.argv.slice(1), MODE_REPLY, null, 0),
  { commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"] },
);

export const spopSpec: CommandSpec = base(
  "spop",
  "Returns one or more random members from a set after removing them. Deletes the set if the last member " +
    "was popped.",
  "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
  -2,
  ["WRITE", "FAST"],
  [keyAt(1, ["RW", "ACCESS", "DELETE"])],
  [keyArg, { name: "count", type: "integer", optional: true, since: "3.2.0" }],
  spop,
  { history: [["3.2.0", "Added the `count` argument."]], commandTips: ["NONDETERMINISTIC_OUTPUT"] },
);

export const srandmemberSpec: CommandSpec = base(
  "srandmember",
  "Get one or multiple random members from a set",
  "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
  -2,
  ["READONLY"],
  [keyAt(1, ["RO", "ACCESS"])],
  [keyArg, { name: "count", type: "integer", optional: true, since: "2.6.0" }],
  srandmember,
  { history: [["2.6.0", "Added the optional `count` argument."]], commandTips: ["NONDETERMINISTIC_OUTPUT"] },
);

export const smoveSpec: CommandSpec = base(
  "smove",
  "Moves a member from one set to another.",
  "O(1)",
  4,
  ["WRITE", "FAST"],
  [keyAt(1, ["RW", "ACCESS", "DELETE"]), keyAt(2, ["RW", "INSERT"])],
  [
    { name: "source", type: "key", keySpecIndex: 0 },
    { name: "destination", type: "key", keySpecIndex: 1 },
    { name: "member", type: "string" },
  ],
  smove,
);

const interComplexity =
  "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const unionComplexity = "O(N) where N is the total number of elements in all given sets.";
const storeKeySpecs = [keyAt(1, ["OW", "UPDATE"]), keyAt(2, ["RO", "ACCESS"], -1)];
const storeArgs: CommandSpec["arguments"] = [
  { name: "destination", type: "key", keySpecIndex: 0 },
  { name: "key", type: "key", keySpecIndex: 1, multiple: true },
];

export const sinterSpec: CommandSpec = base(
  "sinter",
  "Returns the intersect of multiple sets.",
  interComplexity,
  -2,
  ["READONLY"],
  [keyAt(1, ["RO", "ACCESS"], -1)],
  [keysArg],
  (call) => sinterGeneric(call, call.argv.slice(1), MODE_REPLY, null, 0),
  { commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"] },
);

export const sintercardSpec: CommandSpec = base(
  "sintercard",
  "Returns the number of members of the intersect of multiple sets.",
  interComplexity,
  -3,
  ["READONLY"],
  [{
    flags: ["RO", "ACCESS"],
    beginSearch: { index: { pos: 1 } },
    findKeys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
  }],
  [
    { name: "numkeys", type: "integer" },
    keysArg,
    { name: "limit", type: "integer", token: "LIMIT", optional: true },
  ],
  sintercard,
  { since: "7.0.0" },
);

export const sinterstoreSpec: CommandSpec = base(
  "sinterstore",
  "Stores the intersect of multiple sets in a key.",
  interComplexity,
  -3,
  ["WRITE", "DENYOOM"],
  storeKeySpecs,
  storeArgs,
  (call) => sinterGeneric(call, call.argv.slice(2), MODE_STORE, call.argv[1]!, 0),
);

export const sunionSpec: CommandSpec = base(
  "sunion",
  "Returns the union of multiple sets.",
  unionComplexity,
  -2,
  ["READONLY"],
  [keyAt(1, ["RO", "ACCESS"], -1)],
  [keysArg],
  (call) => sunionDiffGeneric(call, call.argv.slice(1), null, OP_UNION),
  { commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"] },
);

export const sunionstoreSpec: CommandSpec = base(
  "sunionstore",
  "Stores the union of multiple sets in a key.",
  unionComplexity,
  -3,
  ["WRITE", "DENYOOM"],
  storeKeySpecs,
  storeArgs,
  (call) => sunionDiffGeneric(call, call.argv.slice(2), call.argv[1]!, OP_UNION),
);

export const sdiffSpec: CommandSpec = base(
  "sdiff",
  "Returns the difference of multiple sets.",
  unionComplexity,
  -2,
  ["READONLY"],
  [keyAt(1, ["RO", "ACCESS"], -1)],
  [keysArg],
  (call) => sunionDiffGeneric(call, call.argv.slice(1), null, OP_DIFF),
  { commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"] },
);

export const sdiffstoreSpec: CommandSpec = base(
  "sdiffstore",
  "Stores the difference of multiple sets in a key.",
  unionComplexity,
  -3,
  ["WRITE", "DENYOOM"],
  storeKeySpecs,
  storeArgs,
  (call) => sunionDiffGeneric(call, call.argv.slice(2), call.argv[1]!, OP_DIFF),
);

export const sscanSpec: CommandSpec = base(
  "sscan",
  "Iterates over members of a set.",
  "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to " +
    "return back to 0. N is the number of elements inside the collection.",
  -3,
  ["READONLY"],
  [keyAt(1, ["RO", "ACCESS"])],
  [
    keyArg,
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  sscan,
  { since: "2.8.0", commandTips: ["NONDETERMINISTIC_OUTPUT"] },
);
