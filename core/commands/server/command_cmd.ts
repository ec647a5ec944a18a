/**
 * COMMAND and its subcommands (COUNT, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP, INFO, LIST), answered from the
 * command table's specs, as Valkey 8.1's server.c commandCommand family.
 *
 * Commands are listed in registration order (Valkey lists them in its hash table's order, which clients
 * must not rely on: the replies carry the nondeterministic_output_order tip).
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import { commandName, type CommandTable } from "../registry.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { globMatch } from "../../util/glob.ts";
import { eqIgnoreCase, utf8 } from "../../util/numbers.ts";
import { commandKeys, hasKeys } from "./keys_from_spec.ts";
import {
  isModuleCommand,
  orderedAclCategories,
  replyCommandDocs,
  replyCommandInfo,
  replyKeyFlags,
} from "./command_reply.ts";
import { replyHelp } from "./help.ts";

const ERR_INVALID_COMMAND = "ERR Invalid command specified";
const ERR_NO_KEY_ARGS = "ERR The command has no key arguments";
const ERR_INVALID_ARG_COUNT = "ERR Invalid number of arguments specified for command";
const ERR_INVALID_ARGS = "ERR Invalid arguments specified for command";

const latin1 = new TextDecoder("latin1");

/**
 * Valkey's lookupCommandBySds: a command by its full name (`get`, `config|get`), case-insensitively; a
 * container name alone is the container; more than one `|` or an unknown part is no command.
 */
export function lookupByFullName(table: CommandTable, name: Uint8Array): CommandSpec | undefined {
  const parts = latin1.decode(name).toLowerCase().split("|");
  if (parts.length > 2) return undefined;
  const base = table.get(parts[0]!);
  if (parts.length === 1 || base === undefined) return base;
  if (base.subcommands === undefined) return undefined;
  return table.subcommand(base, parts[1]!);
}

/** Valkey's lookupCommand over a request's words: the command, or its subcommand when it is a container. */
export function lookupRequest(table: CommandTable, argv: readonly Uint8Array[]): CommandSpec | undefined {
  const base = table.get(commandName(argv[0]!));
  if (base === undefined || argv.length === 1 || base.subcommands === undefined) return base;
  return table.subcommand(base, commandName(argv[1]!));
}

function commandAll(call: CommandCall): void {
  const table = call.server.commands;
  const w = call.reply;
  w.arrayHeader(table.size);
  for (const spec of table.all()) replyCommandInfo(w, table, spec);
}

function commandCount(call: CommandCall): void {
  call.reply.int(call.server.commands.size);
}

function commandInfo(call: CommandCall): void {
  const table = call.server.commands;
  const w = call.reply;
  if (call.argv.length === 2) return commandAll(call);
  w.arrayHeader(call.argv.length - 2);
  for (let i = 2; i < call.argv.length; i++) {
    replyCommandInfo(w, table, lookupByFullName(table, call.argv[i]!));
  }
}

function commandDocs(call: CommandCall): void {
  const table = call.server.commands;
  const w = call.reply;
  const found: CommandSpec[] = [];
  if (call.argv.length === 2) found.push(...table.all());
  else {
    for (let i = 2; i < call.argv.length; i++) {
      const spec = lookupByFullName(table, call.argv[i]!);
      if (spec !== undefined) found.push(spec);
    }
  }
  w.mapHeader(found.length);
  for (const spec of found) {
    w.bulkStr(table.fullName(spec));
    replyCommandDocs(w, table, spec);
  }
}

function getKeys(call: CommandCall, withFlags: boolean): void {
  const table = call.server.commands;
  const target = call.argv.slice(2);
  const spec = lookupRequest(table, target);
  if (spec === undefined) return call.error(ERR_INVALID_COMMAND);
  if (!hasKeys(spec)) return call.error(ERR_NO_KEY_ARGS);
  const argc = target.length;
  if ((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity) return call.error(ERR_INVALID_ARG_COUNT);
  const keys = commandKeys(spec, target);
  const w = call.reply;
  if (keys.length === 0) {
    if (spec.flags.includes("NO_MANDATORY_KEYS")) w.arrayHeader(0);
    else call.error(ERR_INVALID_ARGS);
    return;
  }
  w.arrayHeader(keys.length);
  for (const k of keys) {
    if (withFlags) {
      w.arrayHeader(2);
      w.bulk(target[k.pos]!);
      replyKeyFlags(w, k.flags);
    } else w.bulk(target[k.pos]!);
  }
}

type ListFilter = { kind: "module" | "aclcat" | "pattern"; arg: Uint8Array };

function listMatches(table: CommandTable, spec: CommandSpec, filter: ListFilter): boolean {
  switch (filter.kind) {
    case "module":
      return isModuleCommand(spec) && spec.module !== undefined &&
        latin1.decode(filter.arg).toLowerCase() === spec.module.toLowerCase();
    case "aclcat": {
      // The category name is a C string: it ends at a NUL byte.
      const nul = filter.arg.indexOf(0);
      const name = latin1.decode(nul >= 0 ? filter.arg.subarray(0, nul) : filter.arg).toLowerCase();
      return orderedAclCategories(spec).some((c) => c.toLowerCase() === name);
    }
    case "pattern":
      return globMatch(filter.arg, utf8(table.fullName(spec)), true);
  }
}

function commandList(call: CommandCall): void {
  const argv = call.argv;
  let filter: ListFilter | undefined;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (eqIgnoreCase(argv[i]!, "filterby") && more === 2) {
      const type = argv[i + 1]!;
      let kind: ListFilter["kind"];
      if (eqIgnoreCase(type, "module")) kind = "module";
      else if (eqIgnoreCase(type, "aclcat")) kind = "aclcat";
      else if (eqIgnoreCase(type, "pattern")) kind = "pattern";
      else return call.error(ERR_SYNTAX);
      filter = { kind, arg: argv[i + 2]! };
      i += 2;
    } else return call.error(ERR_SYNTAX);
  }
  const table = call.server.commands;
  const names: string[] = [];
  const visit = (spec: CommandSpec) => {
    if (filter === undefined || listMatches(table, spec, filter)) names.push(table.fullName(spec));
    for (const s of spec.subcommands ?? []) visit(s);
  };
  for (const spec of table.all()) visit(spec);
  const w = call.reply;
  w.arrayHeader(names.length);
  for (const n of names) w.bulkStr(n);
}

const HELP = [
  "(no subcommand)",
  "    Return details about all commands.",
  "COUNT",
  "    Return the total number of commands in this server.",
  "LIST",
  "    Return a list of all commands in this server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full command.",
];

/** A COMMAND (sub)command: group server, flags LOADING STALE SENTINEL, category @connection. */
function spec(s: Omit<CommandSpec, "group" | "flags" | "aclCategories">): CommandSpec {
  return { ...s, group: "server", flags: ["LOADING", "STALE", "SENTINEL"], aclCategories: ["connection"] };
}

const getkeysArgs = (): ArgSpec[] => [
  { name: "command", type: "string" },
  { name: "arg", type: "string", optional: true, multiple: true },
];

export const commandCommand: CommandSpec = spec({
  name: "command",
  summary: "Returns detailed information about all commands.",
  since: "2.8.13",
  complexity: "O(N) where N is the total number of commands",
  arity: -1,
  commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"],
  handler: commandAll,
  subcommands: [
    spec({
      name: "count",
      summary: "Returns a count of commands.",
      since: "2.8.13",
      complexity: "O(1)",
      arity: 2,
      handler: commandCount,
    }),
    spec({
      name: "docs",
      summary: "Returns documentary information about one, multiple or all commands.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of commands to look up",
      arity: -2,
      commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"],
      arguments: [{ name: "command-name", type: "string", optional: true, multiple: true }],
      parse: "manual",
      handler: commandDocs,
    }),
    spec({
      name: "getkeys",
      summary: "Extracts the key names from an arbitrary command.",
      since: "2.8.13",
      complexity: "O(N) where N is the number of arguments to the command",
      arity: -3,
      arguments: getkeysArgs(),
      parse: "manual",
      handler: (call) => getKeys(call, false),
    }),
    spec({
      name: "getkeysandflags",
      summary: "Extracts the key names and access flags for an arbitrary command.",
      since: "7.0.0",
      complexity: "O(N) where N is the number of arguments to the command",
      arity: -3,
      arguments: getkeysArgs(),
      parse: "manual",
      handler: (call) => getKeys(call, true),
    }),
    spec({
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      complexity: "O(1)",
      arity: 2,
      handler: (call) => replyHelp(call, HELP),
    }),
    spec({
      name: "info",
      summary: "Returns information about one, multiple or all commands.",
      since: "2.8.13",
      complexity: "O(N) where N is the number of commands to look up",
      arity: -2,
      history: [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
      commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"],
      arguments: [{ name: "command-name", type: "string", optional: true, multiple: true }],
      parse: "manual",
      handler: commandInfo,
    }),
    spec({
      name: "list",
      summary: "Returns a list of command names.",
      since: "7.0.0",
      complexity: "O(N) where N is the total number of commands",
      arity: -2,
      commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"],
      arguments: [{
        name: "filterby",
        type: "oneof",
        token: "FILTERBY",
        optional: true,
        arguments: [
          { name: "module-name", type: "string", token: "MODULE" },
          { name: "category", type: "string", token: "ACLCAT" },
          { name: "pattern", type: "pattern", token: "PATTERN" },
        ],
      }],
      parse: "manual",
      handler: commandList,
    }),
  ],
});
