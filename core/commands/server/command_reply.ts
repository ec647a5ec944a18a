/**
 * The replies COMMAND / COMMAND INFO / COMMAND DOCS build from command specs, in Valkey 8.1's exact shapes
 * (server.c addReplyCommandInfo, addReplyCommandDocs and their helpers):
 *
 * ```
 * COMMAND INFO entry (10-element array)          COMMAND DOCS entry (map, optional fields only if set)
 *   1 name ("config|get")                          summary, since, group, complexity, module,
 *   2 arity                                        doc_flags (set), deprecated_since, replaced_by,
 *   3 flags (set of status: write readonly ...)    history (set of [version, text]),
 *   4-6 first key, last key, step (legacy range)   arguments (array of maps: name type display_text
 *   7 ACL categories (set of "@cat")                 key_spec_index token summary since deprecated_since
 *   8 tips (set of bulk, lower-case)                 flags (set: optional multiple multiple_token)
 *   9 key specs (set of maps: notes flags            arguments (nested, for oneof and block))
 *     begin_search find_keys)                      subcommands (map fullname → docs)
 *  10 subcommands (array of INFO entries)
 * ```
 *
 * @module
 */

import type { ReplyWriter } from "../../resp/writer.ts";
import { aclCategories, type CommandTable } from "../registry.ts";
import type { AclCategory, ArgSpec, CommandFlag, CommandSpec, KeySpec, KeySpecFlag } from "../spec.ts";
import { legacyRange } from "./keys_from_spec.ts";

/** COMMAND INFO flag names in Valkey's print order; "movablekeys" is derived from the key specs. */
const FLAG_ORDER: (CommandFlag | "MOVABLEKEYS")[] = [
  "WRITE",
  "READONLY",
  "DENYOOM",
  "MODULE",
  "ADMIN",
  "PUBSUB",
  "NOSCRIPT",
  "BLOCKING",
  "LOADING",
  "STALE",
  "SKIP_MONITOR",
  "SKIP_COMMANDLOG",
  "ASKING",
  "FAST",
  "NO_AUTH",
  // MAY_REPLICATE, SENTINEL, ONLY_SENTINEL, PROTECTED, TOUCHES_ARBITRARY_KEYS are hidden on purpose.
  "NO_MANDATORY_KEYS",
  "NO_ASYNC_LOADING",
  "NO_MULTI",
  "MOVABLEKEYS",
  "ALLOW_BUSY",
];

/** Valkey's built-in ACL categories, in the order COMMAND INFO prints them; module categories follow. */
export const ACL_CATEGORY_ORDER: readonly string[] = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

const KEY_FLAG_ORDER: KeySpecFlag[] = [
  "RO",
  "RW",
  "OW",
  "RM",
  "ACCESS",
  "UPDATE",
  "INSERT",
  "DELETE",
  "NOT_KEY",
  "INCOMPLETE",
  "VARIABLE_FLAGS",
];

const KEY_FLAG_NAMES: Record<KeySpecFlag, string> = {
  RO: "RO",
  RW: "RW",
  OW: "OW",
  RM: "RM",
  ACCESS: "access",
  UPDATE: "update",
  INSERT: "insert",
  DELETE: "delete",
  NOT_KEY: "not_key",
  INCOMPLETE: "incomplete",
  VARIABLE_FLAGS: "variable_flags",
};

/** True for commands declared by a module. */
export function isModuleCommand(spec: CommandSpec): boolean {
  return spec.flags.includes("MODULE") || spec.module !== undefined;
}

/** The COMMAND INFO flag names of a command, in Valkey's order. */
export function commandFlagNames(spec: CommandSpec): string[] {
  const out: string[] = [];
  const movable = legacyRange(spec).movable;
  for (const f of FLAG_ORDER) {
    if (f === "MOVABLEKEYS") {
      if (movable) out.push("movablekeys");
    } else if (f === "MODULE" ? isModuleCommand(spec) : spec.flags.includes(f)) out.push(f.toLowerCase());
  }
  return out;
}

/** A command's ACL categories (declared and implied), ordered as Valkey prints them. */
export function orderedAclCategories(spec: CommandSpec): AclCategory[] {
  const cats = aclCategories(spec);
  const known = ACL_CATEGORY_ORDER.filter((c) => cats.includes(c));
  const extra = cats.filter((c) => !ACL_CATEGORY_ORDER.includes(c));
  return [...known, ...extra];
}

/** Key-spec flag names in Valkey's print order (RO/RW/OW/RM upper-case, the rest lower-case). */
export function keyFlagNames(flags: readonly KeySpecFlag[]): string[] {
  return KEY_FLAG_ORDER.filter((f) => flags.includes(f)).map((f) => KEY_FLAG_NAMES[f]);
}

function replyStatusSet(w: ReplyWriter, names: readonly string[]): void {
  w.setHeader(names.length);
  for (const n of names) w.simple(n);
}

/** Key-spec flags as a set of status replies (COMMAND INFO key specs, COMMAND GETKEYSANDFLAGS). */
export function replyKeyFlags(w: ReplyWriter, flags: readonly KeySpecFlag[]): void {
  replyStatusSet(w, keyFlagNames(flags));
}

function replyKeySpec(w: ReplyWriter, ks: KeySpec): void {
  w.mapHeader(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) {
    w.bulkStr("notes");
    w.bulkStr(ks.notes);
  }
  w.bulkStr("flags");
  replyKeyFlags(w, ks.flags);
  w.bulkStr("begin_search");
  w.mapHeader(2);
  w.bulkStr("type");
  const bs = ks.beginSearch;
  if ("index" in bs) {
    w.bulkStr("index");
    w.bulkStr("spec");
    w.mapHeader(1);
    w.bulkStr("index");
    w.int(bs.index.pos);
  } else if ("keyword" in bs) {
    w.bulkStr("keyword");
    w.bulkStr("spec");
    w.mapHeader(2);
    w.bulkStr("keyword");
    w.bulkStr(bs.keyword.keyword);
    w.bulkStr("startfrom");
    w.int(bs.keyword.startFrom);
  } else {
    w.bulkStr("unknown");
    w.bulkStr("spec");
    w.mapHeader(0);
  }
  w.bulkStr("find_keys");
  w.mapHeader(2);
  w.bulkStr("type");
  const fk = ks.findKeys;
  if ("range" in fk) {
    w.bulkStr("range");
    w.bulkStr("spec");
    w.mapHeader(3);
    w.bulkStr("lastkey");
    w.int(fk.range.lastkey);
    w.bulkStr("keystep");
    w.int(fk.range.step);
    w.bulkStr("limit");
    w.int(fk.range.limit);
  } else if ("keynum" in fk) {
    w.bulkStr("keynum");
    w.bulkStr("spec");
    w.mapHeader(3);
    w.bulkStr("keynumidx");
    w.int(fk.keynum.keynumidx);
    w.bulkStr("firstkey");
    w.int(fk.keynum.firstkey);
    w.bulkStr("keystep");
    w.int(fk.keynum.step);
  } else {
    w.bulkStr("unknown");
    w.bulkStr("spec");
    w.mapHeader(0);
  }
}

/** One COMMAND INFO entry (Valkey's addReplyCommandInfo); `undefined` replies a null. */
export function replyCommandInfo(w: ReplyWriter, table: CommandTable, spec: CommandSpec | undefined): void {
  if (spec === undefined) {
    w.nullBulk();
    return;
  }
  const range = legacyRange(spec);
  w.arrayHeader(10);
  w.bulkStr(table.fullName(spec));
  w.int(spec.arity);
  replyStatusSet(w, commandFlagNames(spec));
  w.int(range.first);
  w.int(range.last);
  w.int(range.step);
  replyStatusSet(w, orderedAclCategories(spec).map((c) => `@${c}`));
  const tips = spec.commandTips ?? [];
  w.setHeader(tips.length);
  for (const t of tips) w.bulkStr(t.toLowerCase());
  const keySpecs = spec.keySpecs ?? [];
  w.setHeader(keySpecs.length);
  for (const ks of keySpecs) replyKeySpec(w, ks);
  const subs = spec.subcommands;
  if (subs === undefined) w.setHeader(0);
  else {
    w.arrayHeader(subs.length);
    for (const s of subs) replyCommandInfo(w, table, s);
  }
}

/** An argument tree as COMMAND DOCS prints it (Valkey's addReplyCommandArgList). */
function replyArgs(w: ReplyWriter, args: readonly ArgSpec[]): void {
  w.arrayHeader(args.length);
  for (const a of args) {
    const nested = a.type === "oneof" || a.type === "block";
    const flags: string[] = [];
    if (a.optional) flags.push("optional");
    if (a.multiple) flags.push("multiple");
    if (a.multipleToken) flags.push("multiple_token");
    let n = 3; // name, type, and display_text or arguments
    if (a.keySpecIndex !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecatedSince !== undefined) n++;
    if (flags.length > 0) n++;
    w.mapHeader(n);
    w.bulkStr("name");
    w.bulkStr(a.name);
    w.bulkStr("type");
    w.bulkStr(a.type);
    if (!nested) {
      w.bulkStr("display_text");
      w.bulkStr(a.displayText ?? a.name);
    }
    if (a.keySpecIndex !== undefined) {
      w.bulkStr("key_spec_index");
      w.int(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      w.bulkStr("token");
      w.bulkStr(a.token);
    }
    if (a.summary !== undefined) {
      w.bulkStr("summary");
      w.bulkStr(a.summary);
    }
    if (a.since !== undefined) {
      w.bulkStr("since");
      w.bulkStr(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      w.bulkStr("deprecated_since");
      w.bulkStr(a.deprecatedSince);
    }
    if (flags.length > 0) {
      w.bulkStr("flags");
      replyStatusSet(w, flags);
    }
    if (nested) {
      w.bulkStr("arguments");
      replyArgs(w, a.arguments ?? []);
    }
  }
}

/** One COMMAND DOCS value (Valkey's addReplyCommandDocs). */
export function replyCommandDocs(w: ReplyWriter, table: CommandTable, spec: CommandSpec): void {
  const module = isModuleCommand(spec);
  const docFlags = (spec.docFlags ?? []).slice().sort((
    a,
    b,
  ) => (a === "DEPRECATED" ? -1 : b === "DEPRECATED" ? 1 : 0))
    .map((f) => f.toLowerCase());
  // Options modules added to the command (SET IFEQ) show while their module is loaded.
  const fullName = table.fullName(spec);
  const history = table.extensions.docHistory(spec, fullName);
  const args = table.extensions.docArguments(spec, fullName);
  const subs = spec.subcommands;
  // Module commands may have no summary or since; Valkey leaves those fields out then.
  const hasSummary = spec.summary !== "";
  const hasSince = spec.since !== "";
  let n = 1; // group
  if (hasSummary) n++;
  if (hasSince) n++;
  if (spec.complexity !== undefined) n++;
  if (module) n++;
  if (docFlags.length > 0) n++;
  if (spec.deprecatedSince !== undefined) n++;
  if (spec.replacedBy !== undefined) n++;
  if (history.length > 0) n++;
  if (args.length > 0) n++;
  if (subs !== undefined) n++;
  w.mapHeader(n);
  if (hasSummary) {
    w.bulkStr("summary");
    w.bulkStr(spec.summary);
  }
  if (hasSince) {
    w.bulkStr("since");
    w.bulkStr(spec.since);
  }
  w.bulkStr("group");
  w.bulkStr(spec.group);
  if (spec.complexity !== undefined) {
    w.bulkStr("complexity");
    w.bulkStr(spec.complexity);
  }
  if (module) {
    w.bulkStr("module");
    w.bulkStr(spec.module ?? "");
  }
  if (docFlags.length > 0) {
    w.bulkStr("doc_flags");
    replyStatusSet(w, docFlags);
  }
  if (spec.deprecatedSince !== undefined) {
    w.bulkStr("deprecated_since");
    w.bulkStr(spec.deprecatedSince);
  }
  if (spec.replacedBy !== undefined) {
    w.bulkStr("replaced_by");
    w.bulkStr(spec.replacedBy);
  }
  if (history.length > 0) {
    w.bulkStr("history");
    w.setHeader(history.length);
    for (const [version, text] of history) {
      w.arrayHeader(2);
      w.bulkStr(version);
      w.bulkStr(text);
    }
  }
  if (args.length > 0) {
    w.bulkStr("arguments");
    replyArgs(w, args);
  }
  if (subs !== undefined) {
    w.bulkStr("subcommands");
    w.mapHeader(subs.length);
    for (const s of subs) {
      w.bulkStr(table.fullName(s));
      replyCommandDocs(w, table, s);
    }
  }
}
