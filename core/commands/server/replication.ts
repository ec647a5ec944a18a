/**
 * What a Valkey primary without replicas does about replication: `min-replicas-to-write` with
 * `min-replicas-max-lag` refuses writes when fewer good replicas than asked for are connected (Valkey's
 * checkGoodReplicasStatus). Valkyr has no replication, so it never has a good replica: with both set
 * above 0, every write (and every EXEC of a transaction holding one) is refused with NOREPLICAS, as on a
 * Valkey primary whose replicas are gone. INFO replication shows `min_slaves_good_slaves:0` then.
 *
 * @module
 */

import type { Server } from "../../server/server.ts";
import { gateReject, isWriteCall } from "../transaction/install.ts";

export const ERR_NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

/** Replicas whose lag is within `min-replicas-max-lag`: none, without replication. */
export const GOOD_REPLICAS = 0;

/** Whether min-replicas-to-write is in force (both directives above 0), as Valkey checks it. */
export function minReplicasActive(server: Server): boolean {
  const c = server.config;
  return c.getInt("min-replicas-to-write") > 0 && c.getInt("min-replicas-max-lag") > 0;
}

/**
 * Installs the NOREPLICAS gate. Call it before installPersistence: Valkey checks the disk (MISCONF) first,
 * then the replicas, then the rest (pub/sub context, MULTI queueing), and each of those installs its gate
 * at the front of the list.
 */
export function installMinReplicas(server: Server): void {
  server.gates.unshift((call) => {
    if (!minReplicasActive(server) || GOOD_REPLICAS >= server.config.getInt("min-replicas-to-write")) {
      return false;
    }
    if (!isWriteCall(call)) return false;
    gateReject(call, ERR_NOREPLICAS);
    return true;
  });
}
