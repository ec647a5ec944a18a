/**
 * COMMANDLOG GET/LEN/RESET/HELP (Valkey 8.1) and the deprecated SLOWLOG GET/LEN/RESET/HELP on the slow log.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import { parseI64 } from "../../util/numbers.ts";
import { type LogType, parseLogType, SLOW } from "../../observability/commandlog.ts";
import { observability } from "../../observability/observer.ts";
import { replyHelp, subcommandSyntaxError } from "../server/help.ts";

export const ERR_COUNT = "ERR count should be greater than or equal to -1";
export const ERR_LOG_TYPE = "ERR type should be one of the following: slow, large-request, large-reply";

const LONG_MAX = 9223372036854775807n;

const COMMANDLOG_HELP = [
  "GET <count> <type>",
  "    Return top <count> entries of the specified <type> from the commandlog (-1 mean all).",
  "    Entries are made of:",
  "    id, timestamp,",
  "        time in microseconds for type of slow,",
  "        or size in bytes for type of large-request,",
  "        or size in bytes for type of large-reply",
  "    arguments array, client IP and port,",
  "    client name",
  "LEN <type>",
  "    Return the length of the specified type of commandlog.",
  "RESET <type>",
  "    Reset the specified type of commandlog.",
];

const SLOWLOG_HELP = [
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
];

/** Parses a count in [-1, LONG_MAX]; -1 is "all". Returns null after replying the error. */
function parseCount(call: CommandCall, b: Uint8Array): number | null {
  const n = parseI64(b);
  if (n === null || n < -1n || n > LONG_MAX) {
    call.error(ERR_COUNT);
    return null;
  }
  return n === -1n ? Infinity : Number(n);
}

function logType(call: CommandCall, b: Uint8Array): LogType | null {
  const t = parseLogType(b);
  if (t === null) call.error(ERR_LOG_TYPE);
  return t;
}

function replyEntries(call: CommandCall, type: LogType, count: number): void {
  const o = observability(call.server);
  o.sweepBlocked();
  const entries = o.commandLog.logs[type].newest(count);
  const w = call.reply;
  w.arrayHeader(entries.length);
  for (const e of entries) {
    w.arrayHeader(6);
    w.int(e.id);
    w.int(e.time);
    w.int(e.value);
    w.arrayHeader(e.argv.length);
    for (const a of e.argv) w.bulk(a);
    w.bulkStr(e.peer);
    w.bulkStr(e.name);
  }
}

function logLen(call: CommandCall, type: LogType): void {
  const o = observability(call.server);
  o.sweepBlocked();
  call.reply.int(o.commandLog.logs[type].length);
}

function logReset(call: CommandCall, type: LogType): void {
  const o = observability(call.server);
  o.sweepBlocked();
  o.commandLog.logs[type].reset();
  call.reply.ok();
}

const TYPE_ARG: ArgSpec = {
  name: "type",
  type: "oneof",
  arguments: [
    { name: "slow", type: "string" },
    { name: "large-request", type: "string" },
    { name: "large-reply", type: "string" },
  ],
};

export const commandlogCommand: CommandSpec = {
  name: "commandlog",
  summary: "A container for command log commands.",
  since: "8.1.0",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "get",
      summary: "Returns the specified command log's entries.",
      since: "8.1.0",
      group: "server",
      complexity: "O(N) where N is the number of entries returned",
      arity: 4,
      flags: ["ADMIN", "LOADING", "STALE"],
      commandTips: ["REQUEST_POLICY:ALL_NODES", "NONDETERMINISTIC_OUTPUT"],
      arguments: [{ name: "count", type: "integer" }, TYPE_ARG],
      parse: "manual",
      handler: (call) => {
        // Valkey checks the count before the type.
        const count = parseCount(call, call.argv[2]!);
        if (count === null) return;
        const type = logType(call, call.argv[3]!);
        if (type === null) return;
        replyEntries(call, type, count);
      },
    },
    {
      name: "help",
      summary: "Show helpful text about the different subcommands",
      since: "8.1.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      handler: (call) => replyHelp(call, COMMANDLOG_HELP),
    },
    {
      name: "len",
      summary: "Returns the number of entries in the specified type of command log.",
      since: "8.1.0",
      group: "server",
      complexity: "O(1)",
      arity: 3,
      flags: ["ADMIN", "LOADING", "STALE"],
      commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:AGG_SUM", "NONDETERMINISTIC_OUTPUT"],
      arguments: [TYPE_ARG],
      parse: "manual",
      handler: (call) => {
        const type = logType(call, call.argv[2]!);
        if (type !== null) logLen(call, type);
      },
    },
    {
      name: "reset",
      summary: "Clears all entries from the specified type of command log.",
      since: "8.1.0",
      group: "server",
      complexity: "O(N) where N is the number of entries in the commandlog",
      arity: 3,
      flags: ["ADMIN", "LOADING", "STALE"],
      commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:ALL_SUCCEEDED"],
      arguments: [TYPE_ARG],
      parse: "manual",
      handler: (call) => {
        const type = logType(call, call.argv[2]!);
        if (type !== null) logReset(call, type);
      },
    },
  ],
};

export const slowlogCommand: CommandSpec = {
  name: "slowlog",
  summary: "A container for slow log commands.",
  since: "2.2.12",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "8.1.0",
  replacedBy: "`COMMANDLOG`",
  subcommands: [
    {
      name: "get",
      summary: "Returns the slow log's entries.",
      since: "2.2.12",
      group: "server",
      complexity: "O(N) where N is the number of entries returned",
      arity: -2,
      flags: ["ADMIN", "LOADING", "STALE"],
      docFlags: ["DEPRECATED"],
      deprecatedSince: "8.1.0",
      replacedBy: "`COMMANDLOG GET <count> SLOW`",
      history: [["4.0.0", "Added client IP address, port and name to the reply."]],
      commandTips: ["REQUEST_POLICY:ALL_NODES", "NONDETERMINISTIC_OUTPUT"],
      arguments: [{ name: "count", type: "integer", optional: true }],
      parse: "manual",
      handler: (call) => {
        if (call.argv.length > 3) return call.error(subcommandSyntaxError(call));
        let count = 10;
        if (call.argv.length === 3) {
          const n = parseCount(call, call.argv[2]!);
          if (n === null) return;
          count = n;
        }
        replyEntries(call, SLOW, count);
      },
    },
    {
      name: "help",
      summary: "Show helpful text about the different subcommands",
      since: "6.2.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      docFlags: ["DEPRECATED"],
      deprecatedSince: "8.1.0",
      replacedBy: "`COMMANDLOG HELP`",
      handler: (call) => replyHelp(call, SLOWLOG_HELP),
    },
    {
      name: "len",
      summary: "Returns the number of entries in the slow log.",
      since: "2.2.12",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["ADMIN", "LOADING", "STALE"],
      docFlags: ["DEPRECATED"],
      deprecatedSince: "8.1.0",
      replacedBy: "`COMMANDLOG LEN SLOW`",
      commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:AGG_SUM", "NONDETERMINISTIC_OUTPUT"],
      handler: (call) => logLen(call, SLOW),
    },
    {
      name: "reset",
      summary: "Clears all entries from the slow log.",
      since: "2.2.12",
      group: "server",
      complexity: "O(N) where N is the number of entries in the slowlog",
      arity: 2,
      flags: ["ADMIN", "LOADING", "STALE"],
      docFlags: ["DEPRECATED"],
      deprecatedSince: "8.1.0",
      replacedBy: "`COMMANDLOG RESET SLOW`",
      commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:ALL_SUCCEEDED"],
      handler: (call) => logReset(call, SLOW),
    },
  ],
};
