/**
 * CLIENT and its subcommands: identity (ID, INFO, LIST, SETNAME, GETNAME, SETINFO, CAPA), control of other
 * connections (KILL, UNBLOCK, PAUSE, UNPAUSE), of this one (REPLY, NO-EVICT, NO-TOUCH, IMPORT-SOURCE), and
 * client-side caching (TRACKING, CACHING, GETREDIR, TRACKINGINFO: handlers in tracking.ts).
 *
 * @module
 */

import { parseI64 } from "../../util/numbers.ts";
import { latin1, latin1Bytes } from "../../util/latin1.ts";
import type { Args } from "../args.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_TIMEOUT_NEGATIVE } from "../errors.ts";
import type { ArgSpec, CommandFlag, CommandSpec } from "../spec.ts";
import { clientMatches, emptyFilter, parseClientFilter } from "./client_filter.ts";
import { clientInfoLine, setCapaRedirect } from "./client_info.ts";
import { configFlag } from "./config.ts";
import {
  ERR_CLIENT_NAME,
  ERR_NO_SUCH_CLIENT,
  ERR_NOT_IMPORT_MODE,
  ERR_PAUSE_MODE,
  ERR_TIMEOUT_NOT_INT,
  ERR_TIMEOUT_RANGE,
  ERR_UNBLOCK_REASON,
  errSetinfoOption,
  errSetinfoValue,
} from "./errors.ts";
import { connectionHooks } from "./hooks.ts";
import { installClientPause, PAUSE_ALL_SET, PAUSE_WRITE_SET, PauseAction, pauseState } from "./pause.ts";
import { cstr, cstrBytes, cstrEquals, isValidClientAttr } from "./text.ts";
import { clientCaching, clientGetredir, clientTracking, clientTrackinginfo } from "./tracking.ts";

const INT64_MAX = (1n << 63n) - 1n;

// ---- HELP -------------------------------------------------------------------------------------------------

const HELP_LINES = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "CAPA <option> [options...]",
  "    The client claims its some capability options. Options are:",
  "    * REDIRECT",
  "      The client can handle redirection during primary and replica failover in standalone mode.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "    * ID <client-id> [<client-id>...]",
  "      Kill connections by client ids.",
  "    * MAXAGE <maxage>",
  "      Kill connections older than the specified age.",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "    * USER <username>",
  "      Return clients authenticated by <username>.",
  "    * ADDR <ip:port>",
  "      Return clients connected from the specified address.",
  "    * LADDR <ip:port>",
  "      Return clients connected to the specified local address.",
  "    * ID <client-id> [<client-id>...]",
  "      Return clients with the specified IDs.",
  "    * SKIPME (YES|NO)",
  "      Exclude the current client from the list (default: no).",
  "    * MAXAGE <maxage>",
  "      List connections older than the specified age.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "SETINFO <option> <value>",
  "    Set client meta attr. Options are:",
  "    * LIB-NAME: the client lib name.",
  "    * LIB-VER: the client lib version.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "NO-TOUCH (ON|OFF)",
  "    Will not touch LRU/LFU stats when this mode is on.",
  "IMPORT-SOURCE (ON|OFF)",
  "    Mark this connection as an import source if import-mode is enabled.",
  "    Sync tools can set their connections into 'import-source' state to visit",
  "    expired keys.",
];

/**
 * Valkey's addReplyHelp: a header naming the container as the client typed it (upper-cased), the lines,
 * and HELP's own entry, all as status replies.
 */
export function replyHelp(call: CommandCall, lines: readonly string[]): void {
  const w = call.reply;
  w.arrayHeader(lines.length + 3);
  w.simple(`${cstr(call.argv[0]!).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) w.simple(l);
  w.simple("HELP");
  w.simple("    Print this help.");
}

// ---- handlers ---------------------------------------------------------------------------------------------

function clientList(call: CommandCall): void {
  const argv = call.argv;
  const server = call.server;
  let filter = null;
  if (argv.length > 3) filter = parseClientFilter(server, argv, 2, emptyFilter(false));
  else if (argv.length !== 2) return call.error(ERR_SYNTAX);
  let out = "";
  for (const c of server.clients.values()) {
    if (filter !== null && !clientMatches(filter, c, call)) continue;
    out += clientInfoLine(server, c, call) + "\n";
  }
  call.reply.verbatim(out, "txt");
}

function clientKill(call: CommandCall): void {
  const argv = call.argv;
  const server = call.server;
  const oldForm = argv.length === 3;
  const filter = emptyFilter(true);
  if (oldForm) {
    // CLIENT KILL ip:port: the old form may kill the caller itself.
    filter.addr = latin1(cstrBytes(argv[2]!));
    filter.skipme = false;
  } else {
    parseClientFilter(server, argv, 2, filter);
  }
  let killed = 0;
  let closeSelf = false;
  for (const c of [...server.clients.values()]) {
    if (!clientMatches(filter, c, call)) continue;
    if (c === call.client) closeSelf = true;
    else server.closeClient(c, true);
    killed++;
  }
  if (oldForm) {
    if (killed === 0) call.error(ERR_NO_SUCH_CLIENT);
    else call.reply.ok();
  } else {
    call.reply.int(killed);
  }
  // Only after the reply is queued, so the caller still receives it.
  if (closeSelf) call.client.closeAfterReply = true;
}

function clientSetname(call: CommandCall, args: Args): void {
  const name = args.bytes("connection-name");
  if (!isValidClientAttr(name)) return call.error(ERR_CLIENT_NAME);
  call.client.name = latin1(name);
  call.reply.ok();
}

function clientGetname(call: CommandCall): void {
  const name = call.client.name;
  if (name === "") call.reply.nullBulk();
  else call.reply.bulk(latin1Bytes(name));
}

function clientSetinfo(call: CommandCall): void {
  const attrWord = call.argv[2]!;
  const value = call.argv[3]!;
  let field: "libName" | "libVer";
  if (cstrEquals(attrWord, "lib-name")) field = "libName";
  else if (cstrEquals(attrWord, "lib-ver")) field = "libVer";
  else return call.error(errSetinfoOption(cstr(attrWord)));
  if (!isValidClientAttr(value)) return call.error(errSetinfoValue(cstr(attrWord)));
  call.client[field] = latin1(value);
  call.reply.ok();
}

function clientReply(call: CommandCall, args: Args): void {
  const c = call.client;
  switch (args.choice("action")) {
    case "on":
      // Also cancels a pending SKIP, and this reply itself is sent.
      c.replyOff = false;
      c.skipNext = false;
      c.skipThis = false;
      call.reply.ok();
      break;
    case "off":
      c.replyOff = true;
      break;
    case "skip":
      if (!c.replyOff) c.skipNext = true;
      break;
  }
}

function clientPause(call: CommandCall): void {
  const argv = call.argv;
  let all = true;
  // Only the four-word form reads a mode; with more words Valkey pauses ALL and ignores the rest.
  if (argv.length === 4) {
    if (cstrEquals(argv[3]!, "write")) all = false;
    else if (!cstrEquals(argv[3]!, "all")) return call.error(ERR_PAUSE_MODE);
  }
  const t = parseI64(argv[2]!);
  if (t === null) return call.error(ERR_TIMEOUT_NOT_INT);
  if (t < 0n) return call.error(ERR_TIMEOUT_NEGATIVE);
  const now = call.now;
  let end = 0;
  if (t > 0n) {
    if (t > INT64_MAX - BigInt(now)) return call.error(ERR_TIMEOUT_RANGE);
    end = now + Number(t);
  }
  const server = call.server;
  installClientPause(server);
  const state = pauseState(server);
  state.update(now);
  let actions = PAUSE_ALL_SET;
  if (!all) {
    // A pending PAUSE ALL is not weakened by a PAUSE WRITE.
    const current = state.purposeActions("client_pause");
    actions = (current & PauseAction.CLIENT_ALL) !== 0 ? PAUSE_ALL_SET : PAUSE_WRITE_SET;
  }
  state.pause("client_pause", end, actions, now);
  call.reply.ok();
}

function clientUnpause(call: CommandCall): void {
  pauseState(call.server).unpause("client_pause", call.now);
  call.reply.ok();
}

function clientUnblock(call: CommandCall): void {
  const argv = call.argv;
  let withError = false;
  if (argv.length === 4) {
    if (cstrEquals(argv[3]!, "timeout")) withError = false;
    else if (cstrEquals(argv[3]!, "error")) withError = true;
    else return call.error(ERR_UNBLOCK_REASON);
  }
  const id = parseI64(argv[2]!);
  if (id === null) return call.error(ERR_NOT_INTEGER);
  const server = call.server;
  const target = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER)
    ? server.clients.get(Number(id))
    : undefined;
  let done = false;
  if (target !== undefined && target.blocked) {
    const state = pauseState(server);
    if (state.isHeld(target)) {
      // A client held by CLIENT PAUSE can be failed but not timed out (Valkey aborts on the latter).
      done = withError && state.rejectHeld(target);
    } else {
      done = connectionHooks(server).unblock?.(target, withError) ?? false;
    }
  }
  call.reply.int(done ? 1 : 0);
}

function onOff(call: CommandCall, args: Args, set: (on: boolean) => void): void {
  set(args.choice("enabled") === "on");
  call.reply.ok();
}

function clientCapa(call: CommandCall): void {
  const argv = call.argv;
  for (let i = 2; i < argv.length; i++) if (cstrEquals(argv[i]!, "redirect")) setCapaRedirect(call.client);
  call.reply.ok();
}

function clientImportSource(call: CommandCall): void {
  const v = call.argv[2]!;
  if (!configFlag(call.server, "import-mode", false) && !cstrEquals(v, "off")) {
    return call.error(ERR_NOT_IMPORT_MODE);
  }
  if (cstrEquals(v, "on")) call.client.flags.add("I");
  else if (cstrEquals(v, "off")) call.client.flags.delete("I");
  else return call.error(ERR_SYNTAX);
  call.reply.ok();
}

// ---- specs ------------------------------------------------------------------------------------------------

const BASE: CommandFlag[] = ["NOSCRIPT", "LOADING", "STALE", "SENTINEL"];
const ADMIN: CommandFlag[] = ["ADMIN", "NOSCRIPT", "LOADING", "STALE", "SENTINEL"];
const NO_SENTINEL: CommandFlag[] = ["NOSCRIPT", "LOADING", "STALE"];

function sub(spec: Omit<CommandSpec, "group" | "aclCategories">): CommandSpec {
  return { ...spec, group: "connection", aclCategories: ["connection"] };
}

const onOffArgument: ArgSpec = {
  name: "enabled",
  type: "oneof",
  arguments: [
    { name: "on", type: "pure-token", token: "ON" },
    { name: "off", type: "pure-token", token: "OFF" },
  ],
};

const yesNo: ArgSpec[] = [
  { name: "yes", type: "pure-token", token: "YES" },
  { name: "no", type: "pure-token", token: "NO" },
];

const TRACKINGINFO_FLAGS: [string, string][] = [
  ["off", "The connection isn't using server assisted client side caching."],
  ["on", "Server assisted client side caching is enabled for the connection."],
  ["bcast", "The client uses broadcasting mode."],
  ["optin", "The client does not cache keys by default."],
  ["optout", "The client caches keys by default."],
  ["caching-yes", "The next command will cache keys (exists only together with optin)."],
  ["caching-no", "The next command won't cache keys (exists only together with optout)."],
  ["noloop", "The client isn't notified about keys modified by itself."],
  ["broken_redirect", "The client ID used for redirection isn't valid anymore."],
];

const TRACKINGINFO_REPLY = {
  type: "object",
  additionalProperties: false,
  properties: {
    flags: {
      type: "array",
      items: { oneOf: TRACKINGINFO_FLAGS.map(([v, d]) => ({ const: v, description: d })) },
    },
    redirect: {
      type: "integer",
      description: "The client ID used for notifications redirection, or -1 when none.",
    },
    prefixes: {
      type: "array",
      description: "List of key prefixes for which notifications are sent to the client.",
      items: { type: "string" },
    },
  },
};

const clientSubcommands: CommandSpec[] = [
  sub({
    name: "capa",
    summary: "A client claims its capability.",
    since: "8.0.0",
    complexity: "O(1)",
    arity: -3,
    flags: NO_SENTINEL,
    arguments: [{ name: "capability", type: "string", multiple: true }],
    replySchema: { const: "OK" },
    parse: "manual",
    handler: (call) => clientCapa(call),
  }),
  sub({
    name: "caching",
    summary: "Instructs the server whether to track the keys in the next request.",
    since: "6.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: BASE,
    arguments: [{ name: "mode", type: "oneof", arguments: [...yesNo] }],
    replySchema: { const: "OK" },
    // Whether the client tracks is checked before the mode word.
    parse: "manual",
    handler: (call) => clientCaching(call),
  }),
  sub({
    name: "getname",
    summary: "Returns the name of the connection.",
    since: "2.6.9",
    complexity: "O(1)",
    arity: 2,
    flags: BASE,
    replySchema: {
      oneOf: [
        { type: "string", description: "The connection name of the current connection" },
        { type: "null", description: "Connection name was not set" },
      ],
    },
    handler: (call) => clientGetname(call),
  }),
  sub({
    name: "getredir",
    summary: "Returns the client ID to which the connection's tracking notifications are redirected.",
    since: "6.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: BASE,
    replySchema: {
      oneOf: [
        { const: 0, description: "Not redirecting notifications to any client." },
        { const: -1, description: "Client tracking is not enabled." },
        {
          type: "integer",
          description: "ID of the client we are redirecting the notifications to.",
          minimum: 1,
        },
      ],
    },
    handler: (call) => clientGetredir(call),
  }),
  sub({
    name: "help",
    summary: "Returns helpful text about the different subcommands.",
    since: "5.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["LOADING", "STALE", "SENTINEL"],
    replySchema: { type: "array", description: "Helpful text about subcommands.", items: { type: "string" } },
    handler: (call) => replyHelp(call, HELP_LINES),
  }),
  sub({
    name: "id",
    summary: "Returns the unique client ID of the connection.",
    since: "5.0.0",
    complexity: "O(1)",
    arity: 2,
    flags: BASE,
    replySchema: { type: "integer", description: "The id of the client" },
    handler: (call) => call.reply.int(call.client.id),
  }),
  sub({
    name: "import-source",
    summary: "Mark this client as an import source when server is in import mode.",
    since: "8.1.0",
    complexity: "O(1)",
    arity: 3,
    flags: NO_SENTINEL,
    arguments: [onOffArgument],
    replySchema: { const: "OK" },
    // The import-mode check comes before the syntax check.
    parse: "manual",
    handler: (call) => clientImportSource(call),
  }),
  sub({
    name: "info",
    summary: "Returns information about the connection.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: BASE,
    commandTips: ["NONDETERMINISTIC_OUTPUT"],
    replySchema: {
      description: "A unique string, as described at the CLIENT LIST page, for the current client.",
      type: "string",
    },
    handler: (call) => call.reply.verbatim(clientInfoLine(call.server, call.client, call) + "\n", "txt"),
  }),
  sub({
    name: "kill",
    summary: "Terminates open connections.",
    since: "2.4.0",
    complexity: "O(N) where N is the number of client connections",
    arity: -3,
    flags: ADMIN,
    history: [
      ["2.8.12", "Added new filter format."],
      ["2.8.12", "`ID` option."],
      ["3.2.0", "Added `master` type in for `TYPE` option."],
      [
        "5.0.0",
        "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
      ],
      ["6.2.0", "`LADDR` option."],
      ["8.0.0", "`MAXAGE` option."],
      [
        "8.0.0",
        "Replaced `master` `TYPE` with `primary`. `master` still supported for backward compatibility.",
      ],
      ["8.1.0", "`ID` option accepts multiple IDs."],
    ],
    arguments: [
      {
        name: "filter",
        type: "oneof",
        arguments: [
          { name: "old-format", type: "string", displayText: "ip:port", deprecatedSince: "2.8.12" },
          {
            name: "new-format",
            type: "oneof",
            multiple: true,
            arguments: [
              {
                name: "client-id",
                type: "integer",
                token: "ID",
                optional: true,
                multiple: true,
                since: "2.8.12",
              },
              {
                name: "client-type",
                type: "oneof",
                token: "TYPE",
                optional: true,
                since: "2.8.12",
                arguments: [
                  { name: "normal", type: "pure-token", token: "normal" },
                  { name: "master", type: "pure-token", token: "master", since: "3.2.0" },
                  { name: "primary", type: "pure-token", token: "primary", since: "8.0.0" },
                  { name: "slave", type: "pure-token", token: "slave" },
                  { name: "replica", type: "pure-token", token: "replica", since: "5.0.0" },
                  { name: "pubsub", type: "pure-token", token: "pubsub" },
                ],
              },
              { name: "username", type: "string", token: "USER", optional: true },
              { name: "addr", type: "string", token: "ADDR", displayText: "ip:port", optional: true },
              {
                name: "laddr",
                type: "string",
                token: "LADDR",
                displayText: "ip:port",
                optional: true,
                since: "6.2.0",
              },
              { name: "skipme", type: "oneof", token: "SKIPME", optional: true, arguments: [...yesNo] },
              { name: "maxage", type: "integer", token: "MAXAGE", optional: true, since: "8.0.0" },
            ],
          },
        ],
      },
    ],
    replySchema: {
      oneOf: [
        { description: "When called in 3 argument format.", const: "OK" },
        {
          description: "When called in filter/value format, the number of clients killed.",
          type: "integer",
          minimum: 0,
        },
      ],
    },
    // Two grammars told apart by the word count, and Valkey's own filter errors.
    parse: "manual",
    handler: (call) => clientKill(call),
  }),
  sub({
    name: "list",
    summary: "Lists open connections.",
    since: "2.4.0",
    complexity: "O(N) where N is the number of client connections",
    arity: -2,
    flags: ADMIN,
    commandTips: ["NONDETERMINISTIC_OUTPUT"],
    history: [
      ["2.8.12", "Added unique client `id` field."],
      ["5.0.0", "Added optional `TYPE` filter."],
      ["6.0.0", "Added `user` field."],
      ["6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."],
      ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
      ["7.0.3", "Added `ssub` field."],
      [
        "8.0.0",
        "Replaced `master` `TYPE` with `primary`. `master` still supported for backward compatibility.",
      ],
      ["8.1.0", "Added filters USER, ADDR, LADDR, SKIPME, and MAXAGE"],
    ],
    arguments: [
      {
        name: "client-type",
        type: "oneof",
        token: "TYPE",
        optional: true,
        since: "5.0.0",
        arguments: [
          { name: "normal", type: "pure-token", token: "normal" },
          { name: "master", type: "pure-token", token: "master" },
          { name: "replica", type: "pure-token", token: "replica" },
          { name: "pubsub", type: "pure-token", token: "pubsub" },
        ],
      },
      { name: "client-id", type: "integer", token: "ID", optional: true, multiple: true, since: "6.2.0" },
      { name: "username", type: "string", token: "USER", optional: true, since: "8.1.0" },
      { name: "addr", type: "string", token: "ADDR", displayText: "ip:port", optional: true, since: "8.1.0" },
      {
        name: "laddr",
        type: "string",
        token: "LADDR",
        displayText: "ip:port",
        optional: true,
        since: "8.1.0",
      },
      {
        name: "skipme",
        type: "oneof",
        token: "SKIPME",
        optional: true,
        since: "8.1.0",
        arguments: [...yesNo],
      },
      { name: "maxage", type: "integer", token: "MAXAGE", optional: true, since: "8.1.0" },
    ],
    replySchema: { type: "string", description: "Information and statistics about client connections" },
    parse: "manual",
    handler: (call) => clientList(call),
  }),
  sub({
    name: "no-evict",
    summary: "Sets the client eviction mode of the connection.",
    since: "7.0.0",
    complexity: "O(1)",
    arity: 3,
    flags: ADMIN,
    arguments: [onOffArgument],
    replySchema: { const: "OK" },
    handler: (call, args) => onOff(call, args, (on) => (call.client.noEvict = on)),
  }),
  sub({
    name: "no-touch",
    summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
    since: "7.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: NO_SENTINEL,
    arguments: [onOffArgument],
    replySchema: { const: "OK" },
    handler: (call, args) => onOff(call, args, (on) => (call.client.noTouch = on)),
  }),
  sub({
    name: "pause",
    summary: "Suspends commands processing.",
    since: "3.0.0",
    complexity: "O(1)",
    arity: -3,
    flags: ADMIN,
    history: [["6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."]],
    arguments: [
      { name: "timeout", type: "integer" },
      {
        name: "mode",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [
          { name: "write", type: "pure-token", token: "WRITE" },
          { name: "all", type: "pure-token", token: "ALL" },
        ],
      },
    ],
    replySchema: { const: "OK" },
    // The mode is checked before the timeout, and words after the mode are ignored.
    parse: "manual",
    handler: (call) => clientPause(call),
  }),
  sub({
    name: "reply",
    summary: "Instructs the server whether to reply to commands.",
    since: "3.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: BASE,
    arguments: [
      {
        name: "action",
        type: "oneof",
        arguments: [
          { name: "on", type: "pure-token", token: "ON" },
          { name: "off", type: "pure-token", token: "OFF" },
          { name: "skip", type: "pure-token", token: "SKIP" },
        ],
      },
    ],
    replySchema: {
      const: "OK",
      description:
        "When called with either OFF or SKIP subcommands, no reply is made. When called with ON, reply is OK.",
    },
    handler: (call, args) => clientReply(call, args),
  }),
  sub({
    name: "setinfo",
    summary: "Sets information specific to the client or connection.",
    since: "7.2.0",
    complexity: "O(1)",
    arity: 4,
    flags: BASE,
    commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:ALL_SUCCEEDED"],
    arguments: [
      {
        name: "attr",
        type: "oneof",
        arguments: [
          { name: "libname", type: "string", token: "lib-name" },
          { name: "libver", type: "string", token: "lib-ver" },
        ],
      },
    ],
    replySchema: { const: "OK" },
    // An unknown attribute is reported by name, not as a syntax error.
    parse: "manual",
    handler: (call) => clientSetinfo(call),
  }),
  sub({
    name: "setname",
    summary: "Sets the connection name.",
    since: "2.6.9",
    complexity: "O(1)",
    arity: 3,
    flags: BASE,
    commandTips: ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:ALL_SUCCEEDED"],
    arguments: [{ name: "connection-name", type: "string" }],
    replySchema: { const: "OK" },
    handler: (call, args) => clientSetname(call, args),
  }),
  sub({
    name: "tracking",
    summary: "Controls server-assisted client-side caching for the connection.",
    since: "6.0.0",
    complexity: "O(1). Some options may introduce additional complexity.",
    arity: -3,
    flags: BASE,
    arguments: [
      { name: "status", type: "oneof", arguments: [...onOffArgument.arguments!] },
      { name: "client-id", type: "integer", token: "REDIRECT", optional: true },
      {
        name: "prefix",
        type: "string",
        token: "PREFIX",
        optional: true,
        multiple: true,
        multipleToken: true,
      },
      { name: "bcast", type: "pure-token", token: "BCAST", optional: true },
      { name: "optin", type: "pure-token", token: "OPTIN", optional: true },
      { name: "optout", type: "pure-token", token: "OPTOUT", optional: true },
      { name: "noloop", type: "pure-token", token: "NOLOOP", optional: true },
    ],
    replySchema: {
      description: "If the client was successfully put into or taken out of tracking mode.",
      const: "OK",
    },
    // Valkey's option loop: options in any order, then checks against each other and the current mode.
    parse: "manual",
    handler: (call) => clientTracking(call),
  }),
  sub({
    name: "trackinginfo",
    summary: "Returns information about server-assisted client-side caching for the connection.",
    since: "6.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: BASE,
    replySchema: TRACKINGINFO_REPLY,
    handler: (call) => clientTrackinginfo(call),
  }),
  sub({
    name: "unblock",
    summary: "Unblocks a client blocked by a blocking command from a different connection.",
    since: "5.0.0",
    complexity: "O(log N) where N is the number of client connections",
    arity: -3,
    flags: ADMIN,
    arguments: [
      { name: "client-id", type: "integer" },
      {
        name: "unblock-type",
        type: "oneof",
        optional: true,
        arguments: [
          { name: "timeout", type: "pure-token", token: "TIMEOUT" },
          { name: "error", type: "pure-token", token: "ERROR" },
        ],
      },
    ],
    replySchema: {
      oneOf: [
        { const: 0, description: "If the client was unblocked successfully." },
        { const: 1, description: "If the client wasn't unblocked." },
      ],
    },
    // The reason is checked before the id, and words after the reason are ignored.
    parse: "manual",
    handler: (call) => clientUnblock(call),
  }),
  sub({
    name: "unpause",
    summary: "Resumes processing commands from paused clients.",
    since: "6.2.0",
    complexity: "O(N) Where N is the number of paused clients",
    arity: 2,
    flags: ADMIN,
    replySchema: { const: "OK" },
    handler: (call) => clientUnpause(call),
  }),
];

export const clientSpec: CommandSpec = {
  name: "client",
  summary: "A container for client connection commands.",
  since: "2.4.0",
  group: "connection",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: ["SENTINEL"],
  subcommands: clientSubcommands,
};
