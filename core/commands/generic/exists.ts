/**
 * EXISTS, TOUCH and TYPE: read-only questions about keys.
 *
 * EXISTS and TYPE look keys up without refreshing their access time (Valkey's `LOOKUP_NOTOUCH`); TOUCH is
 * the command whose whole point is refreshing it (even for a client in CLIENT NO-TOUCH mode). All three
 * count keyspace hits and misses and lazily expire the keys they meet.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { lookupRead, typeName } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { lookupReadNoTouch } from "./common.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";

function exists(call: CommandCall): void {
  const argv = call.argv;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupReadNoTouch(call, argv[i]!) !== NO_ENTRY) n++;
  call.reply.int(n);
}

function touch(call: CommandCall): void {
  const argv = call.argv;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupRead(call, argv[i]!) !== NO_ENTRY) n++;
  call.reply.int(n);
}

function type(call: CommandCall): void {
  const ref = lookupReadNoTouch(call, call.argv[1]!);
  call.reply.simple(ref === NO_ENTRY ? "none" : typeName(call.db, ref));
}

export const existsCommand: CommandSpec = {
  name: "exists",
  summary: "Determines whether one or more keys exist.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(N) where N is the number of keys to check.",
  arity: -2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["keyspace"],
  commandTips: ["REQUEST_POLICY:MULTI_SHARD", "RESPONSE_POLICY:AGG_SUM"],
  keySpecs: [rangeKeySpec(["RO"], 1, -1)],
  arguments: [keyArg("key", 0, true)],
  history: [["3.0.3", "Accepts multiple `key` arguments."]],
  parse: "manual",
  handler: exists,
};

export const touchCommand: CommandSpec = {
  name: "touch",
  summary:
    "Returns the number of existing keys out of those specified after updating the time they were last " +
    "accessed.",
  since: "3.2.1",
  group: "generic",
  complexity: "O(N) where N is the number of keys that will be touched.",
  arity: -2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["keyspace"],
  commandTips: ["REQUEST_POLICY:MULTI_SHARD", "RESPONSE_POLICY:AGG_SUM"],
  keySpecs: [rangeKeySpec(["RO"], 1, -1)],
  arguments: [keyArg("key", 0, true)],
  parse: "manual",
  handler: touch,
};

export const typeCommand: CommandSpec = {
  name: "type",
  summary: "Determines the type of value stored at a key.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(1)",
  arity: 2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["keyspace"],
  keySpecs: [rangeKeySpec(["RO"], 1)],
  arguments: [keyArg()],
  parse: "manual",
  handler: type,
};
