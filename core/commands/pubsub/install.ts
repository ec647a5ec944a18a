/**
 * Wiring Pub/Sub into a server: the subscribed-context gate, the hooks that clean up after RESET and
 * disconnects, the CLIENT LIST counters, the release of pushes held for the executing client, and
 * keyspace notifications.
 *
 * The gate is put FIRST in the server's gate list: Valkey checks the RESP2 subscribed context before the
 * pause and the MULTI queueing. (Only the transaction family's NO_MULTI check comes before it in Valkey;
 * a client cannot be in MULTI and in RESP2 subscribed mode at once, so their relative order never shows.)
 *
 * @module
 */

import type { Server } from "../../server/server.ts";
import type { CommandGate } from "../dispatch.ts";
import { connectionHooks } from "../connection/hooks.ts";
import { execRejection } from "../transaction/install.ts";
import { installKeyspaceNotifications } from "./notify.ts";
import { pubsubState } from "./state.ts";

/** Commands a RESP2 client may run while subscribed. */
const ALLOWED_WHILE_SUBSCRIBED = new Set([
  "ping",
  "subscribe",
  "ssubscribe",
  "unsubscribe",
  "sunsubscribe",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
]);

const installed = new WeakSet<Server>();

/**
 * Installs Pub/Sub into `server` (idempotent). The server should call it at startup; SUBSCRIBE & co. also
 * call it, so a server that did not still behaves (keyspace events only matter once someone subscribed).
 */
export function installPubSub(server: Server): void {
  if (installed.has(server)) return;
  installed.add(server);
  const ps = pubsubState(server);
  const gate: CommandGate = (call) => {
    ps.executing = call;
    const c = call.client;
    if (c.resp === 2 && c.flags.has("P") && !ALLOWED_WHILE_SUBSCRIBED.has(call.fullName)) {
      const msg = `ERR Can't execute '${call.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / ` +
        "QUIT / RESET are allowed in this context";
      call.error(call.fullName === "exec" ? execRejection(call.server, c, msg) : msg);
      return true;
    }
    return false;
  };
  server.gates.unshift(gate);
  server.afterCommandHooks.push((call) => {
    if (call.inExec) return;
    ps.releaseDeferred(call.client);
    if (ps.executing !== null && ps.executing.client === call.client) ps.executing = null;
  });
  server.clientClosedHooks.push((c) => ps.dropClient(c));
  const hooks = connectionHooks(server);
  hooks.reset.push((c) => ps.dropClient(c));
  hooks.counters.push((c, out) => {
    const s = ps.subsOf(c);
    if (s === undefined) return;
    out.sub = s.channels.size;
    out.psub = s.patterns.size;
    out.ssub = s.shard.size;
  });
  installKeyspaceNotifications(server, ps);
}

/** INFO `pubsub_channels`: channels with at least one subscriber. */
export function pubsubChannelCount(server: Server): number {
  return pubsubState(server).channels.size;
}

/** INFO `pubsub_patterns`: distinct patterns with at least one subscriber. */
export function pubsubPatternCount(server: Server): number {
  return pubsubState(server).patterns.size;
}

/** INFO `pubsubshard_channels`: shard channels with at least one subscriber. */
export function pubsubShardChannelCount(server: Server): number {
  return pubsubState(server).shardChannels.size;
}

/** INFO `pubsub_clients`: clients with at least one subscription of any kind. */
export function pubsubClientCount(server: Server): number {
  return pubsubState(server).clientCount;
}
