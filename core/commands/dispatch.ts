/**
 * The dispatcher: Valkey's processCommand + call(), in the same order of checks. Lookup and arity come from
 * the command table, then the protected-command check, authentication, the ACL check (core/acl), the
 * MULTI/subscribe gates other subsystems install as {@link CommandGate}s, argument parsing from the spec,
 * the handler, and the bookkeeping (commandstats, errorstats, reply mode).
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { NO_ARGS, parseArgs } from "./args.ts";
import { ERR_NOAUTH, ERR_OOM, ReplyError } from "./errors.ts";
import type { CommandCall } from "./call.ts";
import type { CommandSpec } from "./spec.ts";
import type { CommandStats } from "./registry.ts";

/**
 * A check that runs after authentication and before the handler (MULTI queueing, pub/sub restrictions,
 * OOM...). Returns true when it took over the command (replied or queued it), false to let it run.
 */
export type CommandGate = (call: CommandCall) => boolean;

function isAsciiWordCI(b: Uint8Array, w: string): boolean {
  if (b.length !== w.length) return false;
  for (let i = 0; i < w.length; i++) if ((b[i]! | 0x20) !== w.charCodeAt(i)) return false;
  return true;
}

/**
 * Executes one request of `client`; replies go to the client's writer. `t0` is a `performance.now()`
 * reading taken just before (the end of the previous command in a pipeline), so each command costs one
 * clock read. Returns the reading at the end.
 */
export function dispatch(
  server: Server,
  client: Client,
  argv: Uint8Array[],
  t0: number = performance.now(),
): number {
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
      return t0;
    }
    // An unknown (sub)command is no command's rejected call; a known one with a bad arity is. Like
    // Valkey, the client's last command is what the lookup found (`NULL` when nothing).
    client.lastCommand = resolved.spec !== undefined ? table.fullName(resolved.spec) : "NULL";
    if (resolved.spec !== undefined) {
      reject(server, client, resolved.spec, resolved.error);
      return t0;
    }
    server.stats.countError(resolved.error);
    client.writer.error(resolved.error);
    return t0;
  }
  const spec = resolved.spec;
  client.lastCommand = resolved.fullName;
  if (resolved.protected) {
    const err = server.protectedCommandError(client, resolved.fullName);
    if (err !== null) {
      reject(server, client, spec, err);
      return t0;
    }
  }
  // Valkey's authRequired: a client that did not authenticate may run commands while the default user
  // needs no password (and is enabled), even if it did when the client connected.
  if (!client.authenticated && !resolved.noAuth && !server.defaultUser.open()) {
    reject(server, client, spec, ERR_NOAUTH);
    return t0;
  }

  const call = client.call.begin(server, client, argv, spec, resolved.fullName, server.clock.fromPerf(t0));

  // ACL: a user with every permission skips the check (one property read).
  if (!client.access.unrestricted && server.permissionCheck !== null) {
    const denied = server.permissionCheck(call, resolved);
    if (denied !== null) {
      reject(server, client, spec, denied);
      return t0;
    }
  }

  // The OOM check (evicting first) comes before the subsystems' gates, as in Valkey's processCommand.
  const oomCheck = server.oomCheck;
  if (oomCheck !== null) {
    const oom = oomCheck(call);
    // Evicted by maxmemory-clients before its command ran: the command is dropped, as in Valkey.
    if (client.closed) return t0;
    if (oom) {
      reject(server, client, spec, ERR_OOM);
      return t0;
    }
  }
  for (const gate of server.gates) {
    if (gate(call)) {
      if (call.failed) resolved.stats.rejectedCalls++;
      return t0;
    }
  }
  return execute(call, resolved.argStart, t0, resolved.stats);
}

/**
 * Runs a resolved command's handler with bookkeeping. Also used to run queued commands (EXEC). `t0` is the
 * `performance.now()` reading the command's time counts from; returns the reading at its end.
 */
export function execute(
  call: CommandCall,
  argStart: number,
  t0: number = performance.now(),
  stats: CommandStats = call.server.commands.stats(call.spec),
): number {
  const { server, client, spec } = call;
  const handler = spec.handler;
  // Propagation (core/server/propagate.ts): the command's words and db as it starts, and the dirty
  // counter, which tells whether it changed the dataset.
  const prop = server.propagation;
  const argv0 = call.argv;
  const db0 = client.db;
  const dirty0 = server.dirty;
  const outerProp = call.propArgv;
  call.propArgv = undefined;
  prop.enter();
  // In import mode an import source's commands see expired keys as live (Db.lookup); on a replica, the
  // primary's do (expireIfNeeded: only the primary's DEL removes them).
  const x = server.expiry;
  if (x.importMode || x.replicaMode) x.visible = client.flags.has("I") || client.fromPrimary;
  const outerClient = server.executingClient;
  server.executingClient = client;
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
  server.executingClient = outerClient;
  prop.leave(call, argv0, db0, spec, dirty0);
  if (x.importMode || x.replicaMode) x.visible = false;
  call.propArgv = outerProp;
  const t1 = performance.now();
  const usec = Math.round((t1 - t0) * 1000);
  // A run that left the client blocked is not a call yet (Valkey's call() skips CLIENT_BLOCKED): the run
  // that serves it counts, or, on a timeout / CLIENT UNBLOCK, the observer's blockEnded (and the blocking
  // layer for the processed-command counters).
  if (!client.blocked) {
    stats.calls++;
    stats.usec += usec;
    server.stats.totalCommands++;
    client.totalCommands++;
  }
  if (call.failed) stats.failedCalls++;
  server.afterCommand(call, usec);
  return t1;
}

function reject(server: Server, client: Client, spec: CommandSpec, err: string): void {
  server.commands.stats(spec).rejectedCalls++;
  // A subsystem may reword a rejection (EXEC rejected replies EXECABORT and ends the transaction).
  for (const filter of server.rejectFilters) err = filter(client, spec, err);
  server.stats.countError(err);
  client.writer.error(err);
}
