/**
 * ACL: users and their permissions (Valkey's `src/commands/acl-*.json`; the rules live in core/acl). Each
 * subcommand checks its own word count as Valkey's aclCommand does (beyond the arity, a wrong count is the
 * subcommand syntax error). User names, passwords and patterns are byte strings, printed back byte for
 * byte.
 *
 * @module
 */

import { type Acl, aclOf, cstr, DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from "../../acl/acl.ts";
import { hasSpaces } from "../../acl/user.ts";
import type { AclUser, Selector } from "../../acl/user.ts";
import type { ReplyWriter } from "../../resp/writer.ts";
import { asciiBytes, bytesToAscii, eqIgnoreCase, parseInt64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";
import { replyHelp, subcommandSyntaxError } from "./help.ts";

const ACL_HELP = [
  "CAT [<category>]",
  "    List all commands that belong to <category>, or all command categories",
  "    when no category is specified.",
  "DELUSER <username> [<username> ...]",
  "    Delete a list of users.",
  "DRYRUN <username> <command> [<arg> ...]",
  "    Returns whether the user can execute the given command without executing the command.",
  "GETUSER <username>",
  "    Get the user's details.",
  "GENPASS [<bits>]",
  "    Generate a secure 256-bit user password. The optional `bits` argument can",
  "    be used to specify a different size.",
  "LIST",
  "    Show users details in config file format.",
  "LOAD",
  "    Reload users from the ACL file.",
  "LOG [<count> | RESET]",
  "    Show the ACL log entries.",
  "SAVE",
  "    Save the current config to the ACL file.",
  "SETUSER <username> <attribute> [<attribute> ...]",
  "    Create or modify a user with the specified attributes.",
  "USERS",
  "    List all the registered usernames.",
  "WHOAMI",
  "    Return the current connection username.",
];

const GENPASS_MAX_BITS = 4096;

function aclState(call: CommandCall): Acl {
  const acl = aclOf(call.server);
  if (acl === undefined) throw new Error("the ACL subsystem is not installed");
  return acl;
}

/** Latin-1 text of an argument (one char per byte). */
function arg(call: CommandCall, i: number): string {
  return bytesToAscii(call.argv[i]!);
}

/** A Latin-1 string as a bulk reply, byte for byte. */
function bulk(w: ReplyWriter, s: string): void {
  w.bulk(asciiBytes(s));
}

/** An error whose text holds Latin-1 user input, sent byte for byte. */
function errorBytes(call: CommandCall, msg: string): void {
  call.failed = true;
  call.server.stats.countError(msg);
  call.reply.error(asciiBytes(msg));
}

function aclSetUser(call: CommandCall): void {
  const name = arg(call, 2);
  if (hasSpaces(name)) return call.error("ERR Usernames can't contain spaces or null characters");
  const rules: string[] = [];
  for (let i = 3; i < call.argv.length; i++) rules.push(arg(call, i));
  const err = aclState(call).setUser(name, rules);
  if (err !== null) return errorBytes(call, `ERR ${err}`);
  call.reply.ok();
}

function aclDelUser(call: CommandCall): void {
  const acl = aclState(call);
  const names: string[] = [];
  for (let i = 2; i < call.argv.length; i++) names.push(arg(call, i));
  // C's strcmp: a name that is "default" up to a NUL byte is the default user too.
  if (names.some((n) => cstr(n) === "default")) return call.error("ERR The 'default' user cannot be removed");
  let deleted = 0;
  for (const n of names) if (acl.deleteUser(n, call.client)) deleted++;
  call.reply.int(deleted);
}

function replySelector(w: ReplyWriter, s: Selector): void {
  bulk(w, "commands");
  bulk(w, s.describeCommands());
  bulk(w, "keys");
  bulk(w, s.describeKeys());
  bulk(w, "channels");
  bulk(w, s.describeChannels());
}

function aclGetUser(call: CommandCall): void {
  const acl = aclState(call);
  acl.fresh();
  const u = acl.get(arg(call, 2));
  const w = call.reply;
  if (u === undefined) return w.nullBulk();
  w.mapHeader(6);
  bulk(w, "flags");
  const flags = u.flagNames();
  w.setHeader(flags.length);
  for (const f of flags) bulk(w, f);
  bulk(w, "passwords");
  w.arrayHeader(u.passwords.length);
  for (const p of u.passwords) bulk(w, p);
  replySelector(w, u.root);
  bulk(w, "selectors");
  w.arrayHeader(u.selectors.length - 1);
  for (let i = 1; i < u.selectors.length; i++) {
    w.mapHeader(3);
    replySelector(w, u.selectors[i]!);
  }
}

function aclList(call: CommandCall): void {
  const acl = aclState(call);
  acl.fresh();
  const users = acl.users();
  call.reply.arrayHeader(users.length);
  for (const u of users) bulk(call.reply, `user ${u.name} ${u.describe()}`);
}

function aclUsers(call: CommandCall): void {
  const users = aclState(call).users();
  call.reply.arrayHeader(users.length);
  for (const u of users) bulk(call.reply, u.name);
}

function aclWhoami(call: CommandCall): void {
  bulk(call.reply, call.client.user);
}

function aclCat(call: CommandCall): void {
  const acl = aclState(call);
  const w = call.reply;
  if (call.argv.length === 2) {
    const names = acl.catalog.categoryNames();
    w.arrayHeader(names.length);
    for (const n of names) w.bulkStr(n);
    return;
  }
  if (call.argv.length !== 3) return call.error(subcommandSyntaxError(call));
  const cat = acl.catalog.category(arg(call, 2));
  if (cat === undefined) {
    return errorBytes(call, `ERR Unknown category '${cstr(arg(call, 2)).slice(0, 128)}'`);
  }
  const out: string[] = [];
  const table = call.server.commands;
  for (const spec of table.allOriginal()) {
    if (acl.catalog.categoriesOf(spec).has(cat)) out.push(table.fullName(spec));
    for (const sub of spec.subcommands ?? []) {
      if (acl.catalog.categoriesOf(sub).has(cat)) out.push(table.fullName(sub));
    }
  }
  w.arrayHeader(out.length);
  for (const n of out) w.bulkStr(n);
}

function aclGenpass(call: CommandCall): void {
  if (call.argv.length > 3) return call.error(subcommandSyntaxError(call));
  let bits = 256;
  if (call.argv.length === 3) {
    const n = parseInt64(call.argv[2]!);
    if (n === null) return call.error(ERR_NOT_INTEGER);
    bits = n;
  }
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    return call.error(
      "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to " +
        GENPASS_MAX_BITS,
    );
  }
  const chars = Math.floor((bits + 3) / 4);
  const bytes = new Uint8Array(Math.ceil(chars / 2));
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  call.reply.bulkStr(hex.slice(0, chars));
}

/** DRYRUN's verbose texts (Valkey's getAclErrorMessage with verbose set). */
function verboseDenial(reason: number, user: AclUser, fullName: string, value: string): string {
  if (reason === DENIED_CMD) return `User ${user.name} has no permissions to run the '${fullName}' command`;
  if (reason === DENIED_KEY) return `User ${user.name} has no permissions to access the '${value}' key`;
  if (reason === DENIED_CHANNEL) {
    return `User ${user.name} has no permissions to access the '${value}' channel`;
  }
  return "";
}

function aclDryrun(call: CommandCall): void {
  const acl = aclState(call);
  const name = arg(call, 2);
  const user = acl.get(name);
  if (user === undefined) return errorBytes(call, `ERR User '${cstr(name)}' not found`);
  const argv = call.argv.slice(3);
  const table = call.server.commands;
  // Valkey's lookupCommand: a container with a second word names its subcommand.
  let spec = table.lookupWord(argv[0]!);
  if (spec !== undefined && spec.subcommands !== undefined && argv.length >= 2) {
    spec = table.subcommand(spec, bytesToAscii(argv[1]!).toLowerCase());
  }
  if (spec === undefined) return errorBytes(call, `ERR Command '${cstr(arg(call, 3))}' not found`);
  const fullName = table.fullName(spec);
  const arity = spec.arity;
  if ((arity > 0 && arity !== argv.length) || argv.length < -arity) {
    return call.error(`ERR wrong number of arguments for '${fullName}' command`);
  }
  const d = acl.check(user, spec, table.parentOf(spec), argv);
  if (d === null) return call.reply.ok();
  bulk(call.reply, verboseDenial(d.reason, user, fullName, cstr(bytesToAscii(argv[d.pos]!))));
}

const ERR_NO_ACLFILE =
  "ERR This instance is not configured to use an ACL file. You may want to specify users " +
  "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a configuration file set) in " +
  "order to store users in the configuration.";

function aclLoad(call: CommandCall): void {
  if (call.server.config.getStr("aclfile") === "") return call.error(ERR_NO_ACLFILE);
  const errors = aclState(call).loadFile(call.client);
  if (errors !== null) return errorBytes(call, `ERR ${errors}`);
  call.reply.ok();
}

function aclSave(call: CommandCall): void {
  if (call.server.config.getStr("aclfile") === "") return call.error(ERR_NO_ACLFILE);
  if (!aclState(call).saveFile()) {
    return call.error(
      "ERR There was an error trying to save the ACLs. Please check the server logs for more information",
    );
  }
  call.reply.ok();
}

const REASONS: Record<number, string> = {
  [DENIED_CMD]: "command",
  [DENIED_KEY]: "key",
  [DENIED_CHANNEL]: "channel",
  [DENIED_AUTH]: "auth",
};

function aclLog(call: CommandCall): void {
  if (call.argv.length > 3) return call.error(subcommandSyntaxError(call));
  const acl = aclState(call);
  let count = 10;
  if (call.argv.length === 3) {
    if (eqIgnoreCase(call.argv[2]!, "reset")) {
      acl.log = [];
      return call.reply.ok();
    }
    const n = parseInt64(call.argv[2]!);
    if (n === null) return call.error(ERR_NOT_INTEGER);
    count = Math.max(0, n);
  }
  const entries = acl.log.slice(0, count);
  const w = call.reply;
  const now = call.now;
  w.arrayHeader(entries.length);
  for (const e of entries) {
    w.mapHeader(10);
    w.bulkStr("count");
    w.int(e.count);
    w.bulkStr("reason");
    w.bulkStr(REASONS[e.reason] ?? "unknown");
    w.bulkStr("context");
    w.bulkStr(e.context);
    w.bulkStr("object");
    bulk(w, e.object);
    w.bulkStr("username");
    bulk(w, e.username);
    w.bulkStr("age-seconds");
    w.double((now - e.ctime) / 1000);
    w.bulkStr("client-info");
    bulk(w, e.cinfo);
    w.bulkStr("entry-id");
    w.int(e.entryId);
    w.bulkStr("timestamp-created");
    w.int(e.timestampCreated);
    w.bulkStr("timestamp-last-updated");
    w.int(e.ctime);
  }
}

function aclHelp(call: CommandCall): void {
  replyHelp(call, ACL_HELP);
}

const CAT_SPEC: CommandSpec = {
  name: "cat",
  summary: "Lists the ACL categories, or the commands inside a category.",
  since: "6.0.0",
  group: "server",
  complexity: "O(1) since the categories and commands are a fixed set.",
  arity: -2,
  flags: [
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  arguments: [
    {
      name: "category",
      type: "string",
      optional: true,
    },
  ],
  replySchema: {
    anyOf: [
      {
        type: "array",
        description: "In case `category` was not given, a list of existing ACL categories",
        items: {
          type: "string",
        },
      },
      {
        type: "array",
        description:
          "In case `category` was given, list of commands that fall under the provided ACL category.",
        items: {
          type: "string",
        },
      },
    ],
  },
  parse: "manual",
};

const DELUSER_SPEC: CommandSpec = {
  name: "deluser",
  summary: "Deletes ACL users, and terminates their connections.",
  since: "6.0.0",
  group: "server",
  complexity: "O(1) amortized time considering the typical user.",
  arity: -3,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  commandTips: [
    "REQUEST_POLICY:ALL_NODES",
    "RESPONSE_POLICY:ALL_SUCCEEDED",
  ],
  arguments: [
    {
      name: "username",
      type: "string",
      multiple: true,
    },
  ],
  replySchema: {
    type: "integer",
    description: "The number of users that were deleted.",
  },
  parse: "manual",
};

const DRYRUN_SPEC: CommandSpec = {
  name: "dryrun",
  summary: "Simulates the execution of a command by a user, without executing the command.",
  since: "7.0.0",
  group: "server",
  complexity: "O(1).",
  arity: -4,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  arguments: [
    {
      name: "username",
      type: "string",
    },
    {
      name: "command",
      type: "string",
    },
    {
      name: "arg",
      type: "string",
      optional: true,
      multiple: true,
    },
  ],
  replySchema: {
    anyOf: [
      {
        const: "OK",
        description: "The given user may successfully execute the given command.",
      },
      {
        type: "string",
        description:
          "The description of the problem, in case the user is not allowed to run the given command.",
      },
    ],
  },
  parse: "manual",
};

const GENPASS_SPEC: CommandSpec = {
  name: "genpass",
  summary: "Generates a pseudorandom, secure password that can be used to identify ACL users.",
  since: "6.0.0",
  group: "server",
  complexity: "O(1)",
  arity: -2,
  flags: [
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  arguments: [
    {
      name: "bits",
      type: "integer",
      optional: true,
    },
  ],
  replySchema: {
    type: "string",
    description:
      "Pseudorandom data. By default it contains 64 bytes, representing 256 bits of data. If `bits` was given, the output string length is the number of specified bits (rounded to the next multiple of 4) divided by 4.",
  },
  parse: "manual",
};

const GETUSER_SPEC: CommandSpec = {
  name: "getuser",
  summary: "Lists the ACL rules of a user.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N). Where N is the number of password, command and pattern rules that the user has.",
  arity: 3,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  history: [
    [
      "6.2.0",
      "Added Pub/Sub channel patterns.",
    ],
    [
      "7.0.0",
      "Added selectors and changed the format of key and channel patterns from a list to their rule representation.",
    ],
  ],
  arguments: [
    {
      name: "username",
      type: "string",
    },
  ],
  replySchema: {
    oneOf: [
      {
        description: "A set of ACL rule definitions for the user.",
        type: "object",
        additionalProperties: false,
        properties: {
          flags: {
            type: "array",
            items: {
              type: "string",
            },
          },
          passwords: {
            type: "array",
            items: {
              type: "string",
            },
          },
          commands: {
            description: "Root selector's commands.",
            type: "string",
          },
          keys: {
            description: "Root selector's keys.",
            type: "string",
          },
          channels: {
            description: "Root selector's channels.",
            type: "string",
          },
          selectors: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              properties: {
                commands: {
                  type: "string",
                },
                keys: {
                  type: "string",
                },
                channels: {
                  type: "string",
                },
              },
            },
          },
        },
      },
      {
        description: "If user does not exist",
        type: "null",
      },
    ],
  },
  parse: "manual",
};

const HELP_SPEC: CommandSpec = {
  name: "help",
  summary: "Returns helpful text about the different subcommands.",
  since: "6.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 2,
  flags: [
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  replySchema: {
    type: "array",
    description: "A list of subcommands and their description.",
    items: {
      type: "string",
    },
  },
  parse: "manual",
};

const LIST_SPEC: CommandSpec = {
  name: "list",
  summary: "Dumps the effective rules in ACL file format.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N). Where N is the number of configured users.",
  arity: 2,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  replySchema: {
    type: "array",
    description: "A list of currently active ACL rules.",
    items: {
      type: "string",
    },
  },
  parse: "manual",
};

const SETUSER_SPEC: CommandSpec = {
  name: "setuser",
  summary: "Creates and modifies an ACL user and its rules.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N). Where N is the number of rules provided.",
  arity: -3,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  history: [
    [
      "6.2.0",
      "Added Pub/Sub channel patterns.",
    ],
    [
      "7.0.0",
      "Added selectors and key based permissions.",
    ],
  ],
  commandTips: [
    "REQUEST_POLICY:ALL_NODES",
    "RESPONSE_POLICY:ALL_SUCCEEDED",
  ],
  arguments: [
    {
      name: "username",
      type: "string",
    },
    {
      name: "rule",
      type: "string",
      optional: true,
      multiple: true,
    },
  ],
  replySchema: {
    const: "OK",
  },
  parse: "manual",
};

const USERS_SPEC: CommandSpec = {
  name: "users",
  summary: "Lists all ACL users.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N). Where N is the number of configured users.",
  arity: 2,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  replySchema: {
    type: "array",
    description: "List of existing ACL users.",
    items: {
      type: "string",
    },
  },
  parse: "manual",
};

const WHOAMI_SPEC: CommandSpec = {
  name: "whoami",
  summary: "Returns the authenticated username of the current connection.",
  since: "6.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 2,
  flags: [
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  replySchema: {
    type: "string",
    description: "The username of the current connection.",
  },
  parse: "manual",
};

const LOG_SPEC: CommandSpec = {
  name: "log",
  summary: "Lists recent security events generated due to ACL rules.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N) with N being the number of entries shown.",
  arity: -2,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  history: [
    [
      "7.2.0",
      "Added entry ID, timestamp created, and timestamp last updated.",
    ],
  ],
  arguments: [
    {
      name: "operation",
      type: "oneof",
      optional: true,
      arguments: [
        {
          name: "count",
          type: "integer",
        },
        {
          name: "reset",
          type: "pure-token",
          token: "RESET",
        },
      ],
    },
  ],
  replySchema: {
    oneOf: [
      {
        description: "In case `RESET` was not given, a list of recent ACL security events.",
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          properties: {
            count: {
              type: "integer",
            },
            reason: {
              type: "string",
            },
            context: {
              type: "string",
            },
            object: {
              type: "string",
            },
            username: {
              type: "string",
            },
            "age-seconds": {
              type: "number",
            },
            "client-info": {
              type: "string",
            },
            "entry-id": {
              type: "integer",
            },
            "timestamp-created": {
              type: "integer",
            },
            "timestamp-last-updated": {
              type: "integer",
            },
          },
        },
      },
      {
        const: "OK",
        description: "In case `RESET` was given, OK indicates ACL log was cleared.",
      },
    ],
  },
  parse: "manual",
};

const LOAD_SPEC: CommandSpec = {
  name: "load",
  summary: "Reloads the rules from the configured ACL file.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N). Where N is the number of configured users.",
  arity: 2,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  replySchema: {
    const: "OK",
  },
  parse: "manual",
};

const SAVE_SPEC: CommandSpec = {
  name: "save",
  summary: "Saves the effective ACL rules in the configured ACL file.",
  since: "6.0.0",
  group: "server",
  complexity: "O(N). Where N is the number of configured users.",
  arity: 2,
  flags: [
    "ADMIN",
    "NOSCRIPT",
    "LOADING",
    "STALE",
    "SENTINEL",
  ],
  commandTips: [
    "REQUEST_POLICY:ALL_NODES",
    "RESPONSE_POLICY:ALL_SUCCEEDED",
  ],
  replySchema: {
    const: "OK",
  },
  parse: "manual",
};

export const aclCommand: CommandSpec = {
  name: "acl",
  summary: "A container for Access List Control commands.",
  since: "6.0.0",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: ["SENTINEL"],
  subcommands: [
    { ...CAT_SPEC, handler: aclCat },
    { ...DELUSER_SPEC, handler: aclDelUser },
    { ...DRYRUN_SPEC, handler: aclDryrun },
    { ...GENPASS_SPEC, handler: aclGenpass },
    { ...GETUSER_SPEC, handler: aclGetUser },
    { ...HELP_SPEC, handler: aclHelp },
    { ...LIST_SPEC, handler: aclList },
    { ...LOAD_SPEC, handler: aclLoad },
    { ...LOG_SPEC, handler: aclLog },
    { ...SAVE_SPEC, handler: aclSave },
    { ...SETUSER_SPEC, handler: aclSetUser },
    { ...USERS_SPEC, handler: aclUsers },
    { ...WHOAMI_SPEC, handler: aclWhoami },
  ],
};
