/**
 * RENAME and RENAMENX. The value, its TTL and its LRU/LFU field move to the new name; an existing
 * destination is overwritten (RENAME) or left alone (RENAMENX replies 0). A missing source is an error even
 * when both names are the same; renaming an existing key to itself does nothing and succeeds.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NO_SUCH_KEY, ReplyError } from "../errors.ts";
import { lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { readEntry, writeEntry } from "./entry.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";

/** Byte equality of two keys. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rename(call: CommandCall, nx: boolean): void {
  const db = call.db;
  const src = call.argv[1]!;
  const dst = call.argv[2]!;
  const ref = lookupWrite(call, src);
  if (ref === NO_ENTRY) throw new ReplyError(ERR_NO_SUCH_KEY);
  if (sameBytes(src, dst)) {
    if (nx) call.reply.int(0);
    else call.reply.ok();
    return;
  }
  const value = readEntry(db, ref);
  if (lookupWrite(call, dst) !== NO_ENTRY) {
    if (nx) {
      call.reply.int(0);
      return;
    }
    // Overwritten, not deleted: no `del` event for the old destination (Valkey's dbDelete).
    db.delete(dst);
  }
  db.delete(src);
  writeEntry(db, dst, value, value.lru);
  call.notify("n", "new", dst, db.id);
  call.keyModified(db, src);
  call.keyModified(db, dst);
  call.notify("g", "rename_from", src, db.id);
  call.notify("g", "rename_to", dst, db.id);
  call.dirty();
  if (nx) call.reply.int(1);
  else call.reply.ok();
}

export const renameCommand: CommandSpec = {
  name: "rename",
  summary: "Renames a key and overwrites the destination.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(1)",
  arity: 3,
  flags: ["WRITE"],
  aclCategories: ["keyspace"],
  keySpecs: [rangeKeySpec(["RW", "ACCESS", "DELETE"], 1), rangeKeySpec(["OW", "UPDATE"], 2)],
  arguments: [keyArg("key", 0), keyArg("newkey", 1)],
  parse: "manual",
  handler: (call) => rename(call, false),
};

export const renamenxCommand: CommandSpec = {
  name: "renamenx",
  summary: "Renames a key only when the target key name doesn't exist.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(1)",
  arity: 3,
  flags: ["WRITE", "FAST"],
  aclCategories: ["keyspace"],
  keySpecs: [rangeKeySpec(["RW", "ACCESS", "DELETE"], 1), rangeKeySpec(["OW", "INSERT"], 2)],
  arguments: [keyArg("key", 0), keyArg("newkey", 1)],
  history: [[
    "3.2.0",
    "The command no longer returns an error when source and destination names are the same.",
  ]],
  parse: "manual",
  handler: (call) => rename(call, true),
};
