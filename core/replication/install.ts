/**
 * Wires replication into a server (core/replication/primary.ts and replica.ts): the cron, client closes,
 * socket drains, BGSAVE ends, backlog resizes, the replicas' reply rule and keyspace gate, and the
 * `replicaof` directive at start.
 *
 * @module
 */

import type { Server } from "../server/server.ts";
import { persistenceOf } from "../persistence/persistence.ts";
import { clientInfoLine } from "../commands/connection/client_info.ts";
import { gateReject } from "../commands/transaction/install.ts";
import { type Primary, primaryOf } from "./primary.ts";
import { replicaOf } from "./replica.ts";

/** Wires replication into a server: cron, client closes, drains, BGSAVE ends, backlog resizes. */
export function installReplication(server: Server): Primary {
  const p = primaryOf(server);
  const r = replicaOf(server);
  p.upstreamDown = () => r.isReplica && !r.linkUp;
  server.keyModifiedListeners.push((db, key, by) => r.keyModified(db, key, by));
  server.afterCommandHooks.push(() => r.commandEnded());
  // CONFIG RESETSTAT (resetServerStats): the sync counters and the replication bytes start again.
  server.resetStatsHooks.push(() => {
    p.syncFull = 0;
    p.syncPartialOk = 0;
    p.syncPartialErr = 0;
    p.netReplOutput = 0;
  });
  server.cronHooks.push(() => {
    r.cron();
    p.cron();
  });
  // `replicaof` in the config file or on the command line: follow that primary once listening.
  server.startedHooks.push(() => {
    const to = server.config.replicaOf;
    if (to !== null) r.setPrimary(to.host, to.port, true);
  });
  server.clientClosedHooks.push((c) => p.closed(c));
  server.drainHooks.push((c) => p.drained(c));
  persistenceOf(server).bgsaveDoneHooks.push((ok, toSockets) => p.bgsaveDone(ok, toSockets));
  server.replicaReplied = (client, argv) => {
    const known = argv.length > 0 && server.commands.lookupWord(argv[0]!) !== undefined;
    server.logger.warning(
      `Replica generated a reply to command '${
        known ? client.lastCommand : "<unknown>"
      }', disconnecting it: ${clientInfoLine(server, client, client.call)}`,
    );
    server.closeClient(client, true);
  };
  // processCommand: a replica may not touch the keyspace (it is exempt from CLIENT PAUSE); the error
  // reply drops it.
  server.gates.push((call) => {
    if (!call.client.flags.has("S")) return false;
    const f = call.spec.flags;
    if (!f.includes("WRITE") && !f.includes("READONLY") && !f.includes("MAY_REPLICATE")) return false;
    gateReject(call, "ERR Replica can't interact with the keyspace");
    return true;
  });
  server.config.onChange("repl-backlog-size", () => {
    p.resizeBacklog();
    return null;
  });
  return p;
}
