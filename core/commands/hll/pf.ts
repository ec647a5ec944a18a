/**
 * PFADD, PFCOUNT and PFMERGE: HyperLogLog values stored as plain strings (TYPE string), in Valkey's byte
 * format (see core/types/hll.ts).
 *
 * Like Valkey, every command that touches an existing HLL first "unshares" it, which leaves the value RAW
 * (OBJECT ENCODING raw) even when nothing else changes; a dense HLL is then edited in place of the stored
 * bytes, a sparse one in a working copy written back when a register changed. PFCOUNT of one key caches
 * the estimate in the header, which counts as a change (dirty, modified key) but emits no event.
 *
 * @module
 */

import { type Db, NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import {
  cacheValid,
  createHll,
  HLL_DENSE,
  HLL_REGISTERS,
  HllBuffer,
  hllCount,
  invalidateCache,
  isHll,
  mergeInto,
  rawCount,
  readCachedCard,
  writeCachedCard,
} from "../../types/hll.ts";
import type { CommandCall } from "../call.ts";
import { ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { oneKey, writeString } from "../string/common.ts";
import { ERR_INVALID_HLL, ERR_NOT_HLL } from "./errors.ts";

/** Valkey's isHLLObjectOrReply: throws WRONGTYPE for a non-string or a string that is not an HLL. */
function checkHll(db: Db, ref: number): void {
  if (!db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
  if (!isHll(db.getString(ref))) throw new ReplyError(ERR_NOT_HLL);
}

/** Valkey's dbUnshareStringValue: the value becomes RAW. Returns the entry's (possibly new) ref. */
function unshare(db: Db, ref: number): number {
  if (db.getEncoding(ref) === StrEnc.RAW) return ref;
  return db.updateString(ref, db.getString(ref).slice(), StrEnc.RAW);
}

/** An editor over the stored value: in place for a dense HLL, a working copy for a sparse one. */
function editor(value: Uint8Array): HllBuffer {
  return new HllBuffer(value, value[4] === HLL_DENSE);
}

function sparseMaxBytes(call: CommandCall): number {
  return call.server.config.getInt("hll-sparse-max-bytes");
}

/** Replies an unsigned 64-bit estimate the way addReplyLongLong prints it (as a signed value). */
function replyCard(call: CommandCall, card: bigint): void {
  if (card <= 9007199254740991n) call.reply.int(Number(card));
  else call.reply.int(BigInt.asIntN(64, card));
}

function pfaddHandler(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  let ref = lookupWrite(call, key, db);
  let updated = 0;
  let h: HllBuffer;
  let stored: Uint8Array | null = null;
  if (ref === NO_ENTRY) {
    h = new HllBuffer(createHll());
    updated++;
  } else {
    checkHll(db, ref);
    ref = unshare(db, ref);
    stored = db.getString(ref);
    h = editor(stored);
  }
  const maxBytes = sparseMaxBytes(call);
  let failed = false;
  for (let j = 2; j < argv.length; j++) {
    const r = h.add(argv[j]!, maxBytes);
    if (r === 1) updated++;
    else if (r === -1) {
      failed = true;
      break;
    }
  }
  if (updated > 0 && !failed) invalidateCache(h.buf);
  // Registers changed before a corruption was found stay changed, as in Valkey.
  if (updated > 0 && h.buf !== stored) writeString(call, db, key, ref, h.value(), StrEnc.RAW, true);
  if (failed) return call.error(ERR_INVALID_HLL);
  if (updated > 0) {
    call.keyModified(db, key);
    call.notify("$", "pfadd", key, db.id);
    call.dirty(updated);
  }
  call.reply.int(updated > 0 ? 1 : 0);
}

function pfcountHandler(call: CommandCall): void {
  const argv = call.argv;
  const db = call.db;
  if (argv.length > 2) {
    // The cardinality of the union: registers merged into one byte per register.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const ref = lookupRead(call, argv[j]!, db);
      if (ref === NO_ENTRY) continue;
      checkHll(db, ref);
      if (!mergeInto(max, db.getString(ref))) return call.error(ERR_INVALID_HLL);
    }
    return replyCard(call, rawCount(max));
  }
  const key = argv[1]!;
  let ref = lookupRead(call, key, db);
  if (ref === NO_ENTRY) return call.reply.int(0);
  checkHll(db, ref);
  ref = unshare(db, ref);
  const value = db.getString(ref);
  if (cacheValid(value)) return replyCard(call, readCachedCard(value));
  const card = hllCount(value);
  if (card === null) return call.error(ERR_INVALID_HLL);
  writeCachedCard(value, card);
  call.keyModified(db, key);
  call.dirty();
  replyCard(call, card);
}

function pfmergeHandler(call: CommandCall): void {
  const argv = call.argv;
  const db = call.db;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const ref = lookupRead(call, argv[j]!, db);
    if (ref === NO_ENTRY) continue;
    checkHll(db, ref);
    const value = db.getString(ref);
    if (value[4] === HLL_DENSE) useDense = true;
    if (!mergeInto(max, value)) return call.error(ERR_INVALID_HLL);
  }
  const dest = argv[1]!;
  let ref = lookupWrite(call, dest, db);
  let h: HllBuffer;
  let stored: Uint8Array | null = null;
  if (ref === NO_ENTRY) {
    h = new HllBuffer(createHll());
  } else {
    // Already checked as a source above.
    ref = unshare(db, ref);
    stored = db.getString(ref);
    h = editor(stored);
  }
  if (useDense && !h.toDense()) return call.error(ERR_INVALID_HLL);
  if (useDense) {
    h.setAllDense(max);
  } else {
    const maxBytes = sparseMaxBytes(call);
    for (let j = 0; j < HLL_REGISTERS; j++) {
      if (max[j] !== 0) h.set(j, max[j]!, maxBytes);
    }
  }
  invalidateCache(h.buf);
  if (h.buf !== stored) writeString(call, db, dest, ref, h.value(), StrEnc.RAW, true);
  call.keyModified(db, dest);
  // Valkey reports a merge as a mass PFADD.
  call.notify("$", "pfadd", dest, db.id);
  call.dirty();
  call.reply.ok();
}

export const pfaddSpec: CommandSpec = {
  name: "pfadd",
  summary: "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.",
  since: "2.8.9",
  group: "hyperloglog",
  complexity: "O(1) to add every element.",
  arity: -2,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["hyperloglog"],
  keySpecs: [oneKey(["RW", "INSERT"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "element", type: "string", optional: true, multiple: true },
  ],
  parse: "manual",
  handler: pfaddHandler,
};

export const pfcountSpec: CommandSpec = {
  name: "pfcount",
  summary: "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).",
  since: "2.8.9",
  group: "hyperloglog",
  complexity:
    "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
  arity: -2,
  flags: ["READONLY", "MAY_REPLICATE"],
  aclCategories: ["hyperloglog"],
  keySpecs: [{
    notes: "RW because it may change the internal representation of the key, and propagate to replicas",
    flags: ["RW", "ACCESS"],
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
  }],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
  parse: "manual",
  handler: pfcountHandler,
};

export const pfmergeSpec: CommandSpec = {
  name: "pfmerge",
  summary: "Merges one or more HyperLogLog values into a single key.",
  since: "2.8.9",
  group: "hyperloglog",
  complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
  arity: -2,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["hyperloglog"],
  keySpecs: [
    oneKey(["RW", "ACCESS", "INSERT"]),
    {
      flags: ["RO", "ACCESS"],
      beginSearch: { index: { pos: 2 } },
      findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
    },
  ],
  arguments: [
    { name: "destkey", type: "key", keySpecIndex: 0 },
    { name: "sourcekey", type: "key", keySpecIndex: 1, optional: true, multiple: true },
  ],
  parse: "manual",
  handler: pfmergeHandler,
};
