/**
 * FAILOVER: a coordinated hand-over from a primary to one of its replicas (Valkey's failoverCommand,
 * updateFailoverStatus, abortFailover), without losing an acknowledged write.
 *
 *   no-failover ──FAILOVER──▶ waiting-for-sync ──target caught up (or TIMEOUT with FORCE)──▶
 *   failover-in-progress ──target answered PSYNC … FAILOVER──▶ no-failover (we are its replica)
 *
 * - FAILOVER pauses writes (purpose `failover_in_progress`, as CLIENT PAUSE WRITE), so the stream
 *   stops growing; the cron then checks the replicas' acknowledged offsets. Without `TO`, the first
 *   replica that acknowledged everything becomes the target.
 * - Once the target caught up, this server becomes its replica (REPLICAOF target, keeping its own
 *   history to offer) and sends `PSYNC <replid> <offset> FAILOVER`: the target, still our replica with
 *   the same ID, turns primary first (its old ID becomes its secondary one) and then continues us with a
 *   partial resync. Its answer ends the failover; a refusal aborts it and we are a primary again.
 * - TIMEOUT ends the wait: the failover is aborted, or with FORCE goes on to the target anyway.
 * - FAILOVER ABORT, a timeout or a refusal unpauses writes. While it lasts, REPLICAOF is refused and
 *   replicas may not SYNC.
 *
 * @module
 */

import type { Server } from "../server/server.ts";
import { PAUSE_WRITE_SET, pauseState } from "../commands/connection/pause.ts";
import { primaryOf, type ReplicaLink } from "./primary.ts";
import { replicaOf } from "./replica.ts";

export type FailoverState = "no-failover" | "waiting-for-sync" | "failover-in-progress";

export class Failover {
  state: FailoverState = "no-failover";
  /** The chosen replica (its announced address), or null for "any replica". */
  host: string | null = null;
  port = 0;
  /** Unix ms when the wait ends (0: no TIMEOUT). */
  endTime = 0;
  force = false;

  constructor(readonly server: Server) {}

  /** The replica with this announced address (findReplica), if connected. */
  findReplica(host: string, port: number): ReplicaLink | undefined {
    const h = host.toLowerCase();
    return primaryOf(this.server).replicas.find((l) =>
      l.address.toLowerCase() === h && l.listeningPort === port
    );
  }

  /** FAILOVER's checks passed: the wait starts, writes paused. */
  start(
    target: ReplicaLink | null,
    host: string | null,
    port: number,
    timeoutMs: number,
    force: boolean,
  ): void {
    const server = this.server;
    if (target !== null && host !== null) {
      this.host = host;
      this.port = port;
      server.logger.notice(`FAILOVER requested to ${host}:${port}.`);
    } else server.logger.notice("FAILOVER requested to any replica.");
    const now = server.clock.now();
    if (timeoutMs > 0) this.endTime = Date.now() + timeoutMs;
    this.force = force;
    this.state = "waiting-for-sync";
    pauseState(server).pause("failover_in_progress", Number.MAX_SAFE_INTEGER, PAUSE_WRITE_SET, now);
  }

  /** clearFailoverState: the failover is over (either way); writes resume. */
  clear(): void {
    this.endTime = 0;
    this.force = false;
    this.host = null;
    this.port = 0;
    this.state = "no-failover";
    pauseState(this.server).unpause("failover_in_progress", this.server.clock.now());
  }

  /** abortFailover: logged; a server that already turned replica for it is a primary again. */
  abort(why: string): void {
    if (this.state === "no-failover") return;
    const server = this.server;
    if (this.host !== null) server.logger.notice(`FAILOVER to ${this.host}:${this.port} aborted: ${why}`);
    else server.logger.notice(`FAILOVER to any replica aborted: ${why}`);
    if (this.state === "failover-in-progress") replicaOf(server).unsetPrimary();
    this.clear();
  }

  /** updateFailoverStatus (every cron tick while waiting): timeout, or hand over to a caught-up target. */
  cron(): void {
    if (this.state !== "waiting-for-sync") return;
    const server = this.server;
    if (this.endTime !== 0 && this.endTime <= Date.now()) {
      if (this.force) {
        server.logger.notice(`FAILOVER to ${this.host}:${this.port} time out exceeded, failing over.`);
        this.#handOver();
      } else this.abort("Replica never caught up before timeout");
      return;
    }
    const p = primaryOf(server);
    const offset = server.propagation.replOffset;
    let target: ReplicaLink | undefined;
    if (this.host !== null) target = this.findReplica(this.host, this.port);
    else {
      target = p.replicas.find((l) => l.ackOff === offset);
      if (target !== undefined) {
        this.host = target.address;
        this.port = target.listeningPort;
      }
    }
    if (target === undefined || target.ackOff !== offset) return;
    server.logger.notice(`Failover target ${this.host}:${this.port} is synced, failing over.`);
    this.#handOver();
  }

  /** replicationSetPrimary(target): our PSYNC to it will carry FAILOVER. */
  #handOver(): void {
    this.state = "failover-in-progress";
    replicaOf(this.server).setPrimary(this.host!, this.port);
  }

  /** The target answered our PSYNC … FAILOVER: with CONTINUE or FULLRESYNC it is done, else aborted. */
  psyncAnswered(accepted: boolean): void {
    if (this.state !== "failover-in-progress") return;
    if (accepted) this.clear();
    else this.abort("Failover target rejected psync request");
  }
}

const failovers = new WeakMap<Server, Failover>();

/** The server's failover state (created on first use). */
export function failoverOf(server: Server): Failover {
  let f = failovers.get(server);
  if (f === undefined) {
    f = new Failover(server);
    failovers.set(server, f);
  }
  return f;
}
