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
import { PAUSE_WRITE_SET, PauseAction, pauseState } from "../commands/connection/pause.ts";
import { type Primary, primaryOf } from "./primary.ts";
import { replicaOf } from "./replica.ts";
import { failoverOf } from "./failover.ts";
import { eqIgnoreCase } from "../util/numbers.ts";

/** Wires replication into a server: cron, client closes, drains, BGSAVE ends, backlog resizes. */
export function installReplication(server: Server): Primary {
  const p = primaryOf(server);
  const r = replicaOf(server);
  p.upstreamDown = () => r.isReplica && !r.linkUp;
  server.keyModifiedListeners.push((db, key, by) => r.keyModified(db, key, by));
  server.afterCommandHooks.push(() => r.commandEnded());
  // CONFIG RESETSTAT (resetServerStats): the sync counters start again (the bytes are in server.stats).
  server.resetStatsHooks.push(() => {
    p.syncFull = 0;
    p.syncPartialOk = 0;
    p.syncPartialErr = 0;
  });
  const f = failoverOf(server);
  r.failover = {
    inProgress: () => f.state === "failover-in-progress",
    psyncAnswered: (accepted) => f.psyncAnswered(accepted),
  };
  p.beforeSync = (client, argv) => {
    // syncCommand: a PSYNC … FAILOVER from our primary makes us a primary before it is served.
    if (argv.length > 3 && eqIgnoreCase(argv[0]!, "psync") && eqIgnoreCase(argv[3]!, "failover")) {
      const replid = new TextDecoder().decode(argv[1]!);
      server.logger.notice(`Failover request received for replid ${replid}.`);
      if (!r.isReplica) return "ERR PSYNC FAILOVER can't be sent to a master.";
      if (replid.toLowerCase() !== p.replid) return "ERR PSYNC FAILOVER replid must match my replid.";
      r.unsetPrimary();
      server.logger.notice(
        `PRIMARY MODE enabled (failover request from '${server.clientInfoShort(client)}')`,
      );
    }
    if (f.state !== "no-failover") return "NOMASTERLINK Can't SYNC while failing over";
    return null;
  };
  // replicationCron runs once a second (every 100 ms while failing over), as Valkey's: connection
  // retries, timeouts, the replica's ACK; a writable replica's own keys expire every tick (databasesCron).
  let lastReplicaCron = 0;
  server.cronHooks.push(() => {
    f.cron();
    r.expireOwnKeys();
    const now = Date.now();
    if (now - lastReplicaCron >= (f.state === "no-failover" ? 1000 : 100)) {
      lastReplicaCron = now;
      r.cron();
    }
    p.cron();
  });
  // `replicaof` in the config file or on the command line: follow that primary once listening.
  server.startedHooks.push(() => {
    const to = server.config.replicaOf;
    if (to !== null) r.setPrimary(to.host, to.port, true);
  });
  const persistence = persistenceOf(server);
  // rdbPopulateSaveInfo: a primary with a backlog, or a replica with a link or a cached one, writes its
  // history into every RDB file, so that it can be resumed after a restart.
  persistence.replSaveInfo = () => {
    let db: number;
    if (!r.isReplica && p.backlog !== null) db = Math.max(0, p.streamDb);
    else if (r.isReplica && r.streamDb !== -1) db = r.streamDb;
    else return null;
    return [
      ["repl-stream-db", String(db)],
      ["repl-id", p.replid],
      ["repl-offset", String(server.propagation.replOffset)],
    ];
  };
  // loadDataFromDisk: a replica keeps expired keys (its primary's DELs remove them); a primary feeds
  // their DELs to a backlog; then the history in the file is taken up, or the backlog dropped.
  const isReplicaAtStart = () => server.config.replicaOf !== null;
  persistence.startupRepl = {
    keepExpired: isReplicaAtStart,
    beforeLoad: () => {
      if (!isReplicaAtStart()) p.prepareLoad();
    },
    expired: (db, key) => p.expiredAtLoad(db, key),
    loaded: (aux) => {
      const replid = aux.get("repl-id");
      const offset = Number.parseInt(aux.get("repl-offset") ?? "-1", 10);
      const db = Number.parseInt(aux.get("repl-stream-db") ?? "-1", 10);
      const valid = replid !== undefined && replid.length === 40 && Number.isSafeInteger(offset) &&
        offset !== -1 && Number.isSafeInteger(db) && db !== -1;
      if (isReplicaAtStart()) {
        if (valid) r.resumeFromRdb(replid, offset, db);
      } else p.loaded(valid ? { replid, offset } : null);
    },
  };
  // A shutdown first lets the replicas catch up (isReadyToShutdown / finishShutdown's report).
  server.shutdownReplicas = {
    ready: () => p.replicas.every((l) => l.ackOff === server.propagation.replOffset),
    beginWait: () => {
      const now = server.clock.now();
      const pause = pauseState(server);
      if (!pause.isPaused(PauseAction.REPLICA, now)) p.requestAck();
      pause.pause("shutdown_in_progress", Number.MAX_SAFE_INTEGER, PAUSE_WRITE_SET, now);
    },
    endWait: () => pauseState(server).unpause("shutdown_in_progress", server.clock.now()),
    report: () => p.reportAtShutdown(),
  };
  server.clientClosedHooks.push((c) => p.closed(c));
  server.drainHooks.push((c) => p.drained(c));
  persistence.bgsaveDoneHooks.push((ok, toSockets) => p.bgsaveDone(ok, toSockets));
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
