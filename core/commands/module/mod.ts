/**
 * MODULE HELP / LIST / LOAD / LOADEX / UNLOAD, as Valkey 8.1's moduleCommand (specs from its
 * `src/commands/module*.json`). Loading reads a `.ts` / `.js` file with a dynamic import, so LOAD and
 * LOADEX answer asynchronously: the client waits (like a blocked client) and nothing else of it runs until
 * the reply is written. Inside MULTI, as in Valkey, they are queued and run in EXEC: the import starts
 * when the command is queued (the client's next requests wait for it), and EXEC registers the module
 * synchronously, its reply in EXEC's array. Every load failure replies the same error and leaves the
 * server as it was; the reason is in the log.
 *
 * @module
 */

import * as path from "node:path";
import type { CommandCall } from "../call.ts";
import type { CommandFlag, CommandSpec } from "../spec.ts";
import { replyHelp, subcommandSyntaxError } from "../server/help.ts";
import { ERR_MODULE_LOAD, moduleHost } from "../../module_api/host.ts";
import { replyWhenSettled } from "../deferred.ts";

const LOAD_FLAGS: CommandFlag[] = ["NO_ASYNC_LOADING", "ADMIN", "NOSCRIPT", "PROTECTED"];

const utf8 = new TextDecoder();

function text(b: Uint8Array): string {
  return utf8.decode(b);
}

/** LOADEX's words after the path: CONFIG name value pairs, then ARGS and the module's arguments. */
export function parseLoadex(
  words: readonly string[],
): { configs: [string, string][]; args: string[] } | { error: string } {
  const configs: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.toLowerCase();
    if (w === "config") {
      if (i + 2 >= words.length) return { error: "CONFIG specified without name value pair" };
      configs.push([words[i + 1]!, words[i + 2]!]);
      i += 2;
    } else if (w === "args") {
      return { configs, args: words.slice(i + 1) };
    } else {
      return { error: `Syntax Error from arguments to loadex around ${words[i]}.` };
    }
  }
  return { configs, args: [] };
}

/**
 * Runs a load and replies when it is done. The client is held (as blocked) meanwhile so its next requests
 * wait for this reply. Inside EXEC the load is synchronous: the file was imported when the command was
 * queued ({@link prepareQueuedLoad}), so EXEC registers it and replies in place, all in one step.
 */
function loadAndReply(call: CommandCall, file: string, args: string[], configs?: [string, string][]): void {
  const { server } = call;
  const host = moduleHost(server);
  if (call.inExec) {
    let mod;
    try {
      mod = host.loadPrepared(file, args, configs);
    } catch {
      call.error(ERR_MODULE_LOAD);
      return;
    }
    server.config.loadModules.push({ path: mod.path, args: [...mod.args] });
    call.reply.ok();
    return;
  }
  replyWhenSettled(
    call,
    host.loadFile(file, args, configs).then(
      (mod) => {
        server.config.loadModules.push({ path: mod.path, args: [...mod.args] });
        return null;
      },
      () => ERR_MODULE_LOAD,
    ),
  );
}

/**
 * MODULE LOAD / LOADEX queued in MULTI: starts importing the file now and holds the client's next requests
 * (EXEC among them) until the import settled, so EXEC can register the module synchronously and stay
 * atomic. Other clients are not held.
 */
function prepareQueuedLoad(call: CommandCall): void {
  const { server, client } = call;
  const file = text(call.argv[2]!);
  client.blocked = true;
  moduleHost(server).prepareFile(file).then(() => {
    client.blocked = false;
    if (!client.closed) server.processInput(client);
  });
}

function moduleLoad(call: CommandCall): void {
  const argv = call.argv;
  loadAndReply(call, text(argv[2]!), argv.slice(3).map(text));
}

function moduleLoadex(call: CommandCall): void {
  const argv = call.argv;
  const parsed = parseLoadex(argv.slice(3).map(text));
  if ("error" in parsed) {
    call.server.logger.notice(parsed.error);
    call.error(ERR_MODULE_LOAD);
    return;
  }
  loadAndReply(call, text(argv[2]!), parsed.args, parsed.configs);
}

function moduleUnload(call: CommandCall): void {
  const name = text(call.argv[2]!);
  const host = moduleHost(call.server);
  const mod = host.get(name);
  const err = host.unload(name);
  if (err !== null) {
    call.server.logger.warning(`Error unloading module ${name}: ${err}`);
    call.error(`ERR Error unloading module: ${err}`);
    return;
  }
  // CONFIG REWRITE no longer writes its loadmodule line.
  const loads = call.server.config.loadModules;
  const i = loads.findIndex((l) => path.resolve(l.path) === mod?.path);
  if (i >= 0) loads.splice(i, 1);
  call.reply.ok();
}

function moduleList(call: CommandCall): void {
  const w = call.reply;
  const mods = [...moduleHost(call.server).modules];
  w.arrayHeader(mods.length);
  for (const m of mods) {
    w.mapHeader(4);
    w.bulkStr("name");
    w.bulkStr(m.name);
    w.bulkStr("ver");
    w.int(m.manifest.version);
    w.bulkStr("path");
    w.bulkStr(m.path);
    w.bulkStr("args");
    w.arrayHeader(m.args.length);
    for (const a of m.args) w.bulkStr(a);
  }
}

function moduleHelp(call: CommandCall): void {
  replyHelp(call, [
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
  ]);
}

export const moduleCommand: CommandSpec = {
  name: "module",
  summary: "A container for module commands.",
  since: "4.0.0",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  parse: "manual",
  handler: (call) => call.error(subcommandSyntaxError(call)),
  subcommands: [
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      parse: "manual",
      handler: moduleHelp,
    },
    {
      name: "list",
      summary: "Returns all loaded modules.",
      since: "4.0.0",
      group: "server",
      complexity: "O(N) where N is the number of loaded modules.",
      arity: 2,
      flags: ["ADMIN", "NOSCRIPT"],
      commandTips: ["NONDETERMINISTIC_OUTPUT_ORDER"],
      parse: "manual",
      handler: moduleList,
    },
    {
      name: "load",
      summary: "Loads a module.",
      since: "4.0.0",
      group: "server",
      complexity: "O(1)",
      arity: -3,
      flags: LOAD_FLAGS,
      arguments: [
        { name: "path", type: "string" },
        { name: "arg", type: "string", optional: true, multiple: true },
      ],
      parse: "manual",
      handler: moduleLoad,
      onQueued: prepareQueuedLoad,
    },
    {
      name: "loadex",
      summary: "Loads a module using extended parameters.",
      since: "7.0.0",
      group: "server",
      complexity: "O(1)",
      arity: -3,
      flags: LOAD_FLAGS,
      arguments: [
        { name: "path", type: "string" },
        {
          name: "configs",
          type: "block",
          token: "CONFIG",
          optional: true,
          multiple: true,
          multipleToken: true,
          arguments: [{ name: "name", type: "string" }, { name: "value", type: "string" }],
        },
        { name: "args", type: "string", token: "ARGS", optional: true, multiple: true },
      ],
      parse: "manual",
      handler: moduleLoadex,
      onQueued: prepareQueuedLoad,
    },
    {
      name: "unload",
      summary: "Unloads a module.",
      since: "4.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 3,
      flags: LOAD_FLAGS,
      arguments: [{ name: "name", type: "string" }],
      parse: "manual",
      handler: moduleUnload,
    },
  ],
};
