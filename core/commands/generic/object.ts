/**
 * OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT / HELP: introspection of one key's value.
 *
 * Keys are looked up without touching them and without `keymiss` events (Valkey's `LOOKUP_NOTOUCH |
 * LOOKUP_NONOTIFY`); a missing key replies null. Strings report their entry's encoding tag; other values
 * report their object's `encoding` property ("unknown" when a type does not say, as Valkey's
 * `strEncoding` does for an encoding it cannot name). Values are never shared between keys here (as in
 * Valkey 8.1, where every value embeds its key), so REFCOUNT is always 1.
 *
 * IDLETIME and FREQ read the entry's 24-bit LRU/LFU field, which holds an LRU clock (seconds) under LRU
 * policies and an LFU pair (minutes << 8 | log counter) under LFU ones; each refuses to answer under the
 * other kind of policy, with Valkey's texts.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import {
  idleSeconds,
  lfuCounter,
  lfuPolicy,
  lookupReadNoTouch,
  replyHelp,
  strEncodingName,
} from "./common.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";

export const ERR_LFU_SELECTED =
  "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note " +
  "that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
export const ERR_LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not " +
  "tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time " +
  "to adjust.";

const HELP_LINES = [
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
];

/** The entry of OBJECT's key argument, or NO_ENTRY after replying null. */
function lookupOrNull(call: CommandCall): number {
  const ref = lookupReadNoTouch(call, call.argv[2]!, true);
  if (ref === NO_ENTRY) call.reply.nullBulk();
  return ref;
}

function encoding(call: CommandCall): void {
  const ref = lookupOrNull(call);
  if (ref === NO_ENTRY) return;
  const db = call.db;
  if (db.isString(ref)) {
    call.reply.bulkStr(strEncodingName(db.getEncoding(ref)));
    return;
  }
  const enc = (db.getObject(ref) as { encoding?: unknown }).encoding;
  call.reply.bulkStr(typeof enc === "string" ? enc : "unknown");
}

function freq(call: CommandCall): void {
  const ref = lookupOrNull(call);
  if (ref === NO_ENTRY) return;
  if (!lfuPolicy(call)) {
    call.error(ERR_LFU_NOT_SELECTED);
    return;
  }
  const decay = call.server.config.getInt("lfu-decay-time");
  call.reply.int(lfuCounter(call.db.getLru(ref), call.now, decay));
}

function idletime(call: CommandCall): void {
  const ref = lookupOrNull(call);
  if (ref === NO_ENTRY) return;
  if (lfuPolicy(call)) {
    call.error(ERR_LFU_SELECTED);
    return;
  }
  call.reply.int(idleSeconds(call.db.getLru(ref), call.now));
}

function refcount(call: CommandCall): void {
  const ref = lookupOrNull(call);
  if (ref === NO_ENTRY) return;
  call.reply.int(1);
}

function sub(
  name: string,
  summary: string,
  since: string,
  handler: (call: CommandCall) => void,
): CommandSpec {
  return {
    name,
    summary,
    since,
    group: "generic",
    complexity: "O(1)",
    arity: 3,
    flags: ["READONLY"],
    aclCategories: ["keyspace"],
    commandTips: ["NONDETERMINISTIC_OUTPUT"],
    keySpecs: [rangeKeySpec(["RO"], 2)],
    arguments: [keyArg()],
    parse: "manual",
    handler,
  };
}

export const objectCommand: CommandSpec = {
  name: "object",
  summary: "A container for object introspection commands.",
  since: "2.2.3",
  group: "generic",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    sub("encoding", "Returns the internal encoding of an object.", "2.2.3", encoding),
    sub("freq", "Returns the logarithmic access frequency counter of an object.", "4.0.0", freq),
    sub("idletime", "Returns the time since the last access to an object.", "2.2.3", idletime),
    sub("refcount", "Returns the reference count of a value of a key.", "2.2.3", refcount),
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "6.2.0",
      group: "generic",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      aclCategories: ["keyspace"],
      handler: (call) => replyHelp(call, HELP_LINES),
    },
  ],
};
