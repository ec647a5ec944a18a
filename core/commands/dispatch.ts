/**
 * The dispatcher: Valkey's processCommand + call(), in the same order of checks. Lookup and arity come from
 * the command table, then the protected-command check, authentication, the MULTI/subscribe gates other
 * subsystems install as {@link CommandGate}s, argument parsing from the spec, the handler, and the
 * bookkeeping (commandstats, errorstats, reply mode).
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { NO_ARGS, parseArgs } from "./args.ts";
import { ERR_NOAUTH, ReplyError } from "./errors.ts";
import type { CommandCall } from "./call.ts";
import type { CommandSpec } from "./spec.ts";

/**
 * A check that runs after authentication and before the handler (MULTI queueing, pub/sub restrictions,
 * OOM...). Returns true when it took over the command (replied or queued it), false to let it run.
 */
export type CommandGate = (call: CommandCall) => boolean;

const flagCache = new WeakMap<CommandSpec, number>();
const F_NO_AUTH = 1;
const F_PROTECTED = 2;

function flagBits(spec: CommandSpec): number {
  let b = flagCache.get(spec);
  if (b === undefined) {
    b = 0;
    if (spec.flags.includes("NO_AUTH")) b |= F_NO_AUTH;
    if (spec.flags.includes("PROTECTED")) b |= F_PROTECTED;
    flagCache.set(spec, b);
  }
  return b;
}

function isAsciiWordCI(b: Uint8Array, w: string): boolean {
  if (b.length !== w.length) return false;
  for (let i = 0; i < w.length; i++) if ((b[i]! | 0x20) !== w.charCodeAt(i)) return false;
  return true;
}

/** Executes one request of `client`. Replies go to the client's writer. */
export function dispatch(server: Server, client: Client, argv: Uint8Array[]): void {
  const table = server.commands;
  const resolved = table.resolve(argv);
  if ("error" in resolved) {
    const first = argv[0]!;
    // Valkey closes connections that look like HTTP requests sent to it (cross-protocol scripting).
    if (isAsciiWordCI(first, "host:") || isAsciiWordCI(first, "post")) {
      server.logger.warning(
        "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Valkey. " +
          "This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your " +
          "Valkey instance. Connection aborted.",
      );
      client.closeAfterReply = true;
      client.conn.destroy();
      return;
    }
    // An unknown (sub)command is no command's rejected call; a known one with a bad arity is. Like
    // Valkey, the client's last command is what the lookup found (`NULL` when nothing).
    client.lastCommand = resolved.spec !== undefined ? table.fullName(resolved.spec) : "NULL";
    if (resolved.spec !== undefined) table.stats(resolved.spec).rejectedCalls++;
    server.stats.countError(resolved.error);
    client.writer.error(resolved.error);
    return;
  }
  const spec = resolved.spec;
  client.lastCommand = resolved.fullName;
  const bits = flagBits(spec);
  if ((bits & F_PROTECTED) !== 0) {
    const err = server.protectedCommandError(client, spec, resolved.fullName);
    if (err !== null) return reject(server, client, spec, err);
  }
  if (!client.authenticated && (bits & F_NO_AUTH) === 0) return reject(server, client, spec, ERR_NOAUTH);

  const call = client.call;
  call.server = server;
  call.client = client;
  call.argv = argv;
  call.spec = spec;
  call.fullName = resolved.fullName;
  call.now = server.clock.now();
  call.failed = false;

  for (const gate of server.gates) {
    if (gate(call)) {
      if (call.failed) table.stats(spec).rejectedCalls++;
      return;
    }
  }
  execute(call, resolved.argStart);
}

/** Runs a resolved command's handler with bookkeeping. Also used to run queued commands (EXEC). */
export function execute(call: CommandCall, argStart: number): void {
  const { server, client, spec } = call;
  const stats = server.commands.stats(spec);
  const handler = spec.handler;
  const t0 = performance.now();
  try {
    if (handler === undefined) throw new ReplyError(`ERR command '${call.fullName}' has no handler`);
    const args = spec.arguments !== undefined && spec.parse !== "manual"
      ? parseArgs(spec.arguments, call.argv, argStart)
      : NO_ARGS;
    handler(call, args);
  } catch (e) {
    if (e instanceof ReplyError) call.error(e.reply);
    else {
      server.logger.warning(
        `Command '${call.fullName}' threw: ${e instanceof Error ? e.stack ?? e.message : e}`,
      );
      call.error(`ERR internal error while executing '${call.fullName}'`);
    }
  }
  const usec = Math.round((performance.now() - t0) * 1000);
  stats.calls++;
  stats.usec += usec;
  if (call.failed) stats.failedCalls++;
  server.stats.totalCommands++;
  client.totalCommands++;
  server.afterCommand(call, usec);
}

function reject(server: Server, client: Client, spec: CommandSpec, err: string): void {
  server.commands.stats(spec).rejectedCalls++;
  server.stats.countError(err);
  client.writer.error(err);
}
