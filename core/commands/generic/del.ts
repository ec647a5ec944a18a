/**
 * DEL and UNLINK. Each key is first checked for expiry (a logically expired key is removed as expired,
 * with its `expired` event, and does not count as deleted), then deleted with a `del` event. Values are
 * reclaimed by the JavaScript heap, so UNLINK's asynchronous freeing has no separate code path: both
 * commands reply the same count.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";

function deleteKeys(call: CommandCall): void {
  const db = call.db;
  const argv = call.argv;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i]!;
    // Deferred expiry (import mode) keeps an expired key, and DEL then deletes it as any other (Valkey).
    const ref = db.expiry.deferred ? db.find(key) : db.lookup(key, true);
    if (ref === NO_ENTRY) continue;
    db.deleteRef(ref);
    call.keyModified(db, key);
    call.notify("g", "del", key, db.id);
    call.dirty();
    deleted++;
  }
  call.reply.int(deleted);
}

export const delCommand: CommandSpec = {
  name: "del",
  summary: "Deletes one or more keys.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value " +
    "other than a string, the individual complexity for this key is O(M) where M is the number of elements " +
    "in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
  arity: -2,
  flags: ["WRITE"],
  aclCategories: ["keyspace"],
  commandTips: ["REQUEST_POLICY:MULTI_SHARD", "RESPONSE_POLICY:AGG_SUM"],
  keySpecs: [rangeKeySpec(["RM", "DELETE"], 1, -1)],
  arguments: [keyArg("key", 0, true)],
  parse: "manual",
  handler: deleteKeys,
};

export const unlinkCommand: CommandSpec = {
  name: "unlink",
  summary: "Asynchronously deletes one or more keys.",
  since: "4.0.0",
  group: "generic",
  complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a " +
    "different thread in order to reclaim memory, where N is the number of allocations the deleted objects " +
    "where composed of.",
  arity: -2,
  flags: ["WRITE", "FAST"],
  aclCategories: ["keyspace"],
  commandTips: ["REQUEST_POLICY:MULTI_SHARD", "RESPONSE_POLICY:AGG_SUM"],
  keySpecs: [rangeKeySpec(["RM", "DELETE"], 1, -1)],
  arguments: [keyArg("key", 0, true)],
  parse: "manual",
  handler: deleteKeys,
};
