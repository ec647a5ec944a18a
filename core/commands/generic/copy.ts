/**
 * COPY and MOVE: a key's value into another key and/or database.
 *
 * COPY duplicates the value (strings keep their encoding; objects are deep-copied) and its TTL; the copy
 * is a new object, so its LRU/LFU field starts fresh. MOVE transfers the entry itself (value, TTL, access
 * time) and fails with 0 when the destination database already has the key. Both check their arguments in
 * Valkey's order: database index first (syntax, integer, range), then "same object", then the keys.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_DB_INDEX, ERR_SAME_OBJECT, ERR_SYNTAX, ReplyError } from "../errors.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import { initialLru, parseIntArg } from "./common.ts";
import { dupEntry, readEntry, writeEntry } from "./entry.ts";
import { sameBytes } from "./rename.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";

/** A database index argument: an int, then a number of an existing database. */
function dbIndexArg(call: CommandCall, b: Uint8Array): number {
  const id = parseIntArg(b);
  if (id < 0 || id >= call.server.dbs.length) throw new ReplyError(ERR_DB_INDEX);
  return id;
}

function copy(call: CommandCall): void {
  const argv = call.argv;
  let dstId = call.client.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const w = argv[j]!;
    if (eqIgnoreCase(w, "replace")) {
      replace = true;
    } else if (eqIgnoreCase(w, "db") && j + 1 < argv.length) {
      dstId = dbIndexArg(call, argv[++j]!);
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  const src = argv[1]!;
  const dst = argv[2]!;
  const srcDb = call.db;
  const dstDb = call.server.dbs[dstId]!;
  if (srcDb === dstDb && sameBytes(src, dst)) throw new ReplyError(ERR_SAME_OBJECT);
  const ref = lookupRead(call, src);
  if (ref === NO_ENTRY) {
    call.reply.int(0);
    return;
  }
  const value = readEntry(srcDb, ref);
  const exists = lookupWrite(call, dst, dstDb) !== NO_ENTRY;
  if (exists && !replace) {
    call.reply.int(0);
    return;
  }
  // Duplicated before the old destination goes, so a value that cannot be copied leaves it in place.
  const copied = dupEntry(value, src, dst);
  if (exists) dstDb.delete(dst);
  writeEntry(dstDb, dst, copied, initialLru(call));
  call.notify("n", "new", dst, dstDb.id);
  call.keyModified(dstDb, dst);
  call.notify("g", "copy_to", dst, dstDb.id);
  call.dirty();
  call.reply.int(1);
}

function move(call: CommandCall): void {
  const key = call.argv[1]!;
  const dstId = dbIndexArg(call, call.argv[2]!);
  if (dstId === call.client.db) throw new ReplyError(ERR_SAME_OBJECT);
  const srcDb = call.db;
  const dstDb = call.server.dbs[dstId]!;
  const ref = lookupWrite(call, key);
  if (ref === NO_ENTRY) {
    call.reply.int(0);
    return;
  }
  const value = readEntry(srcDb, ref);
  if (lookupWrite(call, key, dstDb) !== NO_ENTRY) {
    call.reply.int(0);
    return;
  }
  srcDb.delete(key);
  writeEntry(dstDb, key, value, value.lru);
  call.notify("n", "new", key, dstDb.id);
  call.keyModified(srcDb, key);
  call.keyModified(dstDb, key);
  call.notify("g", "move_from", key, srcDb.id);
  call.notify("g", "move_to", key, dstDb.id);
  call.dirty();
  call.reply.int(1);
}

export const copyCommand: CommandSpec = {
  name: "copy",
  summary: "Copies the value of a key to a new key.",
  since: "6.2.0",
  group: "generic",
  complexity:
    "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
  arity: -3,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["keyspace"],
  keySpecs: [rangeKeySpec(["RO", "ACCESS"], 1), rangeKeySpec(["OW", "UPDATE"], 2)],
  arguments: [
    keyArg("source", 0),
    keyArg("destination", 1),
    { name: "destination-db", type: "integer", token: "DB", optional: true },
    { name: "replace", type: "pure-token", token: "REPLACE", optional: true },
  ],
  parse: "manual",
  handler: copy,
};

export const moveCommand: CommandSpec = {
  name: "move",
  summary: "Moves a key to another database.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(1)",
  arity: 3,
  flags: ["WRITE", "FAST"],
  aclCategories: ["keyspace"],
  keySpecs: [rangeKeySpec(["RW", "ACCESS", "UPDATE"], 1)],
  arguments: [keyArg(), { name: "db", type: "integer" }],
  parse: "manual",
  handler: move,
};
