/**
 * MONITOR: the client receives every command executed from now on, as Valkey formats it (see
 * `core/observability/monitor.ts`), and shows the `O` flag in CLIENT LIST. RESET or closing the connection
 * ends it.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { observability } from "../../observability/observer.ts";

export const ERR_MONITOR_DENY_BLOCKING = "ERR MONITOR isn't allowed for DENY BLOCKING client";

export const monitorCommand: CommandSpec = {
  name: "monitor",
  summary: "Listens for all requests received by the server in real-time.",
  since: "1.0.0",
  group: "server",
  arity: 1,
  flags: ["ADMIN", "NOSCRIPT", "LOADING", "STALE"],
  handler: (call) => {
    const client = call.client;
    // Inside EXEC (the call is marked `inExec`, flag 'x' is still set) a client expects one reply per
    // command: Valkey's DENY_BLOCKING.
    if (call.inExec || client.flags.has("x")) {
      return call.error(ERR_MONITOR_DENY_BLOCKING);
    }
    // Already a replica or a monitor: ignored, without a reply.
    if (client.flags.has("O") || client.flags.has("S")) return;
    observability(call.server).addMonitor(client);
    call.reply.ok();
  },
};
