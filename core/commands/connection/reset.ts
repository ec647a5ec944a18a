/**
 * RESET and QUIT: putting a connection back in the state of a new one, and closing it.
 *
 * RESET (Valkey's clearClientConnectionState) first lets other subsystems drop what they keep for the
 * client (MONITOR, tracking, MULTI/WATCH, subscriptions: {@link connectionHooks}`.reset`), then selects db
 * 0, goes back to RESP2, becomes the default user (authenticated only if that user needs no password),
 * clears the name and the READONLY, CLIENT REPLY, NO-TOUCH and NO-EVICT modes, and replies `+RESET`.
 * The library name and version stay: they describe the client library, not the session. Replicas and
 * primaries cannot be reset.
 *
 * @module
 */

import type { Client } from "../../server/client.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { ERR_RESET_NOT_NORMAL } from "./errors.ts";
import { connectionHooks } from "./hooks.ts";

/** Switches a client's protocol: what it reads (`client.resp`) and how its replies are written. */
export function setProtocol(client: Client, proto: 2 | 3): void {
  client.resp = proto;
  client.writer.proto = proto;
}

/** Flags of clients that are part of replication rather than normal connections. */
function isReplicationLink(client: Client): boolean {
  // 'S' is a replica, 'M' the primary link; a MONITOR client shows 'O' and may be reset.
  return client.flags.has("S") || client.flags.has("M");
}

function resetCommand(call: CommandCall): void {
  const client = call.client;
  if (isReplicationLink(client)) return call.error(ERR_RESET_NOT_NORMAL);
  for (const fn of connectionHooks(call.server).reset) fn(client);
  client.db = 0;
  setProtocol(client, 2);
  client.user = "default";
  client.access = call.server.defaultUser.access;
  client.setAuthenticated(call.server.defaultUser.open());
  client.name = "";
  client.flags.delete("r"); // READONLY (cluster); ASKING is the cluster subsystem's reset hook
  client.replyOff = false;
  client.skipNext = false;
  client.noTouch = false;
  client.noEvict = false;
  call.reply.simple("RESET");
}

function quitCommand(call: CommandCall): void {
  call.reply.ok();
  call.client.closeAfterReply = true;
}

export const resetSpec: CommandSpec = {
  name: "reset",
  summary: "Resets the connection.",
  since: "6.2.0",
  group: "connection",
  complexity: "O(1)",
  arity: 1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "NO_AUTH", "ALLOW_BUSY"],
  aclCategories: ["connection"],
  replySchema: { const: "RESET" },
  handler: (call) => resetCommand(call),
};

export const quitSpec: CommandSpec = {
  name: "quit",
  summary: "Closes the connection.",
  since: "1.0.0",
  group: "connection",
  complexity: "O(1)",
  arity: -1,
  flags: ["ALLOW_BUSY", "NOSCRIPT", "LOADING", "STALE", "FAST", "NO_AUTH"],
  aclCategories: ["connection"],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "7.2.0",
  replacedBy: "just closing the connection",
  replySchema: { const: "OK" },
  handler: (call) => quitCommand(call),
};
