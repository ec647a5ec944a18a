/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP, as Valkey 8.1 (the specs mirror its
 * `src/commands/config*.json`; ACL categories follow from the flags).
 *
 * The values live in the server's {@link Config}; these handlers only turn requests into its calls and its
 * results into replies:
 * - GET replies a map (RESP3) / flat array (RESP2) of name → value.
 * - SET takes name/value pairs (an odd number of words is `ERR syntax error`), is all-or-nothing and replies
 *   the exact Valkey error of the first problem.
 * - RESETSTAT resets the server's statistics (INFO stats, commandstats, errorstats).
 * - REWRITE writes the running configuration back into the config file the server was started with.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";
import { applyFailedWarning, ConfigRewriteError, setFailed } from "../../config/config.ts";
import { replyHelp } from "./help.ts";
import { replyWhenSettled } from "../deferred.ts";

const utf8 = new TextDecoder();

/** A word as C's `%s` / strcasecmp sees it: up to the first NUL byte. */
function cstr(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8.decode(nul >= 0 ? b.subarray(0, nul) : b);
}

/** Valkey's connIsLocal: a unix socket, or a loopback peer (127.0.0.0/8, ::1). */
function isLocalCaller(call: CommandCall): boolean {
  const conn = call.client.conn;
  if (conn.unix) return true;
  const a = conn.remoteAddress;
  // An IPv4 peer on a dual-stack listener shows as ::ffff:a.b.c.d; Valkey sees it on its IPv4 listener.
  return a.startsWith("127.") || a === "::1" || a.startsWith("::ffff:127.");
}

const CONFIG_HELP = [
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
];

function configGet(call: CommandCall): void {
  const patterns: string[] = [];
  for (let i = 2; i < call.argv.length; i++) patterns.push(cstr(call.argv[i]!));
  const pairs = call.server.config.matchAll(patterns);
  const reply = call.reply;
  reply.mapHeader(pairs.length);
  for (const [name, value] of pairs) {
    reply.bulkStr(name);
    reply.bulkStr(value);
  }
}

function configSet(call: CommandCall): void {
  const argv = call.argv;
  if ((argv.length & 1) === 1) {
    call.error(ERR_SYNTAX);
    return;
  }
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([cstr(argv[i]!), utf8.decode(argv[i + 1]!)]);
  const config = call.server.config;
  const port = config.getInt("port");
  const tlsPort = config.getInt("tls-port");
  const bind = config.getBind().join(" ");
  // What each named config held, to roll the whole call back if the new port or bind cannot be bound.
  const previous: [string, string][] = [];
  for (const [name] of pairs) if (config.has(name)) previous.push([name, config.get(name)]);
  const err = config.set(pairs, { isLocal: isLocalCaller(call) });
  if (err !== null) return call.error(err);
  const bindChanged = config.getBind().join(" ") !== bind;
  const portChanged = config.getInt("port") !== port;
  const tlsPortChanged = config.getInt("tls-port") !== tlsPort;
  if (!portChanged && !tlsPortChanged && !bindChanged) return call.reply.ok();
  rebindAndReply(
    call,
    { tcp: portChanged || bindChanged, tls: tlsPortChanged || bindChanged, portChanged },
    previous,
  );
}

/**
 * A changed `port`, `tls-port` or `bind` takes effect at once, as Valkey's changeListener: the listeners
 * concerned are closed and bound again. Binding is asynchronous here, so the client waits for the outcome
 * (like a blocked client); when it fails, every config of the call gets its old value back (`previous`, as
 * Valkey's CONFIG SET rolls back all of them, running their apply steps again), the old addresses are
 * bound again, and the reply is Valkey's apply error. Inside EXEC, which cannot wait, the reply is OK and a
 * failure is logged.
 */
function rebindAndReply(
  call: CommandCall,
  which: { tcp: boolean; tls: boolean; portChanged: boolean },
  previous: [string, string][],
): void {
  const { server } = call;
  const config = server.config;
  // The directive the failure is blamed on: `port` or `bind` (whichever changed) for the TCP listeners.
  const failedName = (failed: "port" | "tls-port") =>
    failed === "tls-port" ? "tls-port" : which.portChanged ? "port" : "bind";
  const rebind = async (): Promise<"port" | "tls-port" | null> => {
    if (which.tcp && !(await server.rebindTcp())) return "port";
    if (which.tls && !(await server.tls.rebind())) return "tls-port";
    return null;
  };
  const restore = async (): Promise<"port" | "tls-port" | null> => {
    const failed = await rebind();
    if (failed === null) return null;
    server.logger.warning(applyFailedWarning(failedName(failed)));
    const err = config.set(previous, { isLocal: true });
    if (err !== null) server.logger.warning(`CONFIG SET rollback failed: ${err}`);
    if ((await rebind()) !== null) {
      server.logger.warning("Failed to listen on the previous addresses either.");
    }
    return failed;
  };
  if (call.inExec) {
    void restore();
    return call.reply.ok();
  }
  replyWhenSettled(
    call,
    restore().then((failed) => {
      if (failed === null) return null;
      const name = failedName(failed);
      return setFailed(
        name,
        name === "bind"
          ? "Failed to bind to specified addresses."
          : "Unable to listen on this port. Check server logs.",
      );
    }),
  );
}

function configResetStat(call: CommandCall): void {
  call.server.resetStats();
  call.reply.ok();
}

function configRewrite(call: CommandCall): void {
  const config = call.server.config;
  const file = config.configFile;
  if (file === undefined) {
    call.error("ERR The server is running without a config file");
    return;
  }
  try {
    config.rewrite(file);
  } catch (e) {
    if (!(e instanceof ConfigRewriteError)) throw e;
    call.server.logger.warning(`CONFIG REWRITE failed: ${e.message}`);
    call.error(`ERR Rewriting config file: ${e.message}`);
    return;
  }
  call.server.logger.notice("CONFIG REWRITE executed with success.");
  call.reply.ok();
}

function configHelp(call: CommandCall): void {
  replyHelp(call, CONFIG_HELP);
}

const ADMIN_FLAGS: CommandSpec["flags"] = ["ADMIN", "NOSCRIPT", "LOADING", "STALE"];
const ALL_NODES_TIPS = ["REQUEST_POLICY:ALL_NODES", "RESPONSE_POLICY:ALL_SUCCEEDED"];

export const configCommand: CommandSpec = {
  name: "config",
  summary: "A container for server configuration commands.",
  since: "2.0.0",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "get",
      summary: "Returns the effective values of configuration parameters.",
      since: "2.0.0",
      group: "server",
      complexity: "O(N) when N is the number of configuration parameters provided",
      arity: -3,
      flags: ADMIN_FLAGS,
      history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
      arguments: [{ name: "parameter", type: "string", multiple: true }],
      replySchema: { type: "object", additionalProperties: { type: "string" } },
      parse: "manual",
      handler: configGet,
    },
    {
      name: "set",
      summary: "Sets configuration parameters in-flight.",
      since: "2.0.0",
      group: "server",
      complexity: "O(N) when N is the number of configuration parameters provided",
      arity: -4,
      flags: ADMIN_FLAGS,
      history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
      commandTips: ALL_NODES_TIPS,
      arguments: [
        {
          name: "data",
          type: "block",
          multiple: true,
          arguments: [
            { name: "parameter", type: "string" },
            { name: "value", type: "string" },
          ],
        },
      ],
      replySchema: { const: "OK" },
      parse: "manual",
      handler: configSet,
    },
    {
      name: "resetstat",
      summary: "Resets the server's statistics.",
      since: "2.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ADMIN_FLAGS,
      commandTips: ALL_NODES_TIPS,
      replySchema: { const: "OK" },
      handler: configResetStat,
    },
    {
      name: "rewrite",
      summary: "Persists the effective configuration to file.",
      since: "2.8.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ADMIN_FLAGS,
      commandTips: ALL_NODES_TIPS,
      replySchema: { const: "OK" },
      handler: configRewrite,
    },
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      group: "server",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      replySchema: {
        type: "array",
        description: "Helpful text about subcommands.",
        items: { type: "string" },
      },
      handler: configHelp,
    },
  ],
};
