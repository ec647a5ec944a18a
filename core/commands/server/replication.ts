/**
 * What a Valkey primary without replicas does about replication.
 *
 * - ROLE answers `master`, the replication offset and no replicas.
 * - The replication offset (propagate.ts replOffset, INFO master_repl_offset) counts the commands
 *   propagated while the AOF is on, as Valkey's does without a replication backlog; each client remembers
 *   it after its last propagating command (its write offset).
 * - WAIT numreplicas timeout: no replica ever acknowledges, so it answers 0 at once when 0 replicas are
 *   asked for (or inside MULTI), else after the timeout (0: until CLIENT UNBLOCK or the client leaves).
 * - WAITAOF numlocal numreplicas timeout: numlocal 1 waits until the AOF has fsynced the client's writes
 *   (core/persistence/aof.ts fsyncedReploff, Valkey's semantics per `appendfsync`); it answers
 *   [local, replicas] when both counts are met, at the timeout, or with an error if the AOF is turned off
 *   meanwhile. Any numreplicas above 0 can only end by the timeout.
 * - A WAIT or WAITAOF that blocks asks the replicas for an acknowledgement (REPLCONF GETACK) before the
 *   event loop sleeps, once per turn and not while clients are paused; fed to no replica, it still moves
 *   the replication offset by one, as in Valkey.
 * - `min-replicas-to-write` with
 * `min-replicas-max-lag` refuses writes when fewer good replicas than asked for are connected (Valkey's
 * checkGoodReplicasStatus). Valkyr has no replication, so it never has a good replica: with both set
 * above 0, every write (and every EXEC of a transaction holding one) is refused with NOREPLICAS, as on a
 * Valkey primary whose replicas are gone. INFO replication shows `min_slaves_good_slaves:0` then.
 *
 * @module
 */

import type { Server } from "../../server/server.ts";
import type { Client } from "../../server/client.ts";
import type { ReplyWriter } from "../../resp/writer.ts";
import { setImmediate } from "node:timers";
import { parseI64 } from "../../util/numbers.ts";
import { aofOf } from "../../persistence/aof.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_TIMEOUT_NEGATIVE, ReplyError } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";
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
  const tooFew = () =>
    minReplicasActive(server) && GOOD_REPLICAS < server.config.getInt("min-replicas-to-write");
  server.gates.unshift((call) => {
    if (!tooFew() || !isWriteCall(call)) return false;
    gateReject(call, ERR_NOREPLICAS);
    return true;
  });
  server.writeDenials.push(() => tooFew() ? ERR_NOREPLICAS : null);
}

const ERR_TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range";
const ERR_TIMEOUT_RANGE = "ERR timeout is out of range";
const ERR_NUMLOCAL_RANGE = "ERR value is out of range, value must between 0 and 1";
const ERR_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_WAITAOF_NO_AOF =
  "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";

const LLONG_MAX = 9223372036854775807n;

/** getTimeoutFromObjectOrReply in milliseconds: the absolute unix ms to wait until, 0 for "forever". */
function parseMsTimeout(word: Uint8Array, now: number): number {
  const v = parseI64(word);
  if (v === null) throw new ReplyError(ERR_TIMEOUT_NOT_INTEGER);
  if (v < 0n) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (v === 0n) return 0;
  if (v > LLONG_MAX - BigInt(now)) throw new ReplyError(ERR_TIMEOUT_RANGE);
  return now + Number(v);
}

/** A client blocked in WAITAOF with a local count to reach. */
interface AofWaiter {
  client: Client;
  numlocal: number;
  numreplicas: number;
  offset: number;
}

const aofWaiters = new WeakMap<Server, AofWaiter[]>();

/** The WAITAOF waiters of `server`, wired to its AOF's fsync progress on first use. */
function waitersOf(server: Server): AofWaiter[] {
  const list = aofWaiters.get(server);
  if (list !== undefined) return list;
  const waiters: AofWaiter[] = [];
  aofWaiters.set(server, waiters);
  const aof = aofOf(server);
  // Valkey's processClientsWaitingReplicas, run when the acknowledged offset moved or the AOF went off.
  aof.fsyncListeners.push(() => {
    const appendonly = server.config.getBool("appendonly");
    for (const w of [...waiters]) {
      if (!server.blocking.isBlocked(w.client)) {
        waiters.splice(waiters.indexOf(w), 1);
        continue;
      }
      if (w.numlocal > 0 && !appendonly) {
        waiters.splice(waiters.indexOf(w), 1);
        server.blocking.finish(w.client, (r) => {
          server.stats.countError(ERR_WAITAOF_NO_AOF);
          r.error(ERR_WAITAOF_NO_AOF);
        });
        continue;
      }
      const local = aof.fsyncedReploff >= w.offset ? 1 : 0;
      if (GOOD_REPLICAS < w.numreplicas || local < w.numlocal) continue;
      waiters.splice(waiters.indexOf(w), 1);
      server.blocking.finish(w.client, (r) => waitaofReply(r, local));
    }
  });
  server.clientClosedHooks.push((c) => {
    const i = waiters.findIndex((w) => w.client === c);
    if (i >= 0) waiters.splice(i, 1);
  });
  return waiters;
}

const ackPending = new WeakMap<Server, { pending: boolean }>();

/** Valkey's replicationRequestAckFromReplicas: a GETACK goes out at the end of this event-loop turn. */
function requestAck(server: Server): void {
  let st = ackPending.get(server);
  if (st === undefined) {
    st = { pending: false };
    ackPending.set(server, st);
    // Held while clients are paused (the replicas' part of CLIENT PAUSE): the cron sends it after.
    server.cronHooks.push(() => sendAck(server));
  }
  if (st.pending) return;
  st.pending = true;
  setImmediate(() => sendAck(server));
}

function sendAck(server: Server): void {
  const st = ackPending.get(server);
  if (st === undefined || !st.pending || server.expiry.evictPaused) return;
  st.pending = false;
  server.propagation.replOffset++;
}

function waitaofReply(r: ReplyWriter, local: number): void {
  r.arrayHeader(2);
  r.int(local);
  r.int(GOOD_REPLICAS);
}

export const waitCommand: CommandSpec = {
  name: "wait",
  summary:
    "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
  since: "3.0.0",
  group: "generic",
  complexity: "O(1)",
  arity: 3,
  flags: ["BLOCKING"],
  aclCategories: ["connection"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:AGG_MIN"],
  arguments: [{ name: "numreplicas", type: "integer" }, { name: "timeout", type: "integer" }],
  parse: "manual",
  handler(call: CommandCall): void {
    const v = parseI64(call.argv[1]!);
    if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
    const timeoutAt = parseMsTimeout(call.argv[2]!, call.now);
    const client = call.client;
    if (GOOD_REPLICAS >= v || call.inExec) {
      call.reply.int(GOOD_REPLICAS);
      return;
    }
    call.server.blocking.block(client, call.argv, [], timeoutAt, (r) => r.int(GOOD_REPLICAS), false);
    requestAck(call.server);
  },
};

export const waitaofCommand: CommandSpec = {
  name: "waitaof",
  summary:
    "Blocks until all of the preceding write commands sent by the connection are written to the append-only file of the primary and/or replicas.",
  since: "7.2.0",
  group: "generic",
  complexity: "O(1)",
  arity: 4,
  flags: ["BLOCKING"],
  aclCategories: ["connection"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:AGG_MIN"],
  arguments: [
    { name: "numlocal", type: "integer" },
    { name: "numreplicas", type: "integer" },
    { name: "timeout", type: "integer" },
  ],
  parse: "manual",
  handler(call: CommandCall): void {
    const argv = call.argv;
    const l = parseI64(argv[1]!);
    if (l === null) throw new ReplyError(ERR_NOT_INTEGER);
    if (l < 0n || l > 1n) throw new ReplyError(ERR_NUMLOCAL_RANGE);
    const n = parseI64(argv[2]!);
    if (n === null || n < 0n) throw new ReplyError(ERR_MUST_BE_POSITIVE);
    const timeoutAt = parseMsTimeout(argv[3]!, call.now);
    const server = call.server;
    const numlocal = Number(l);
    if (numlocal > 0 && !server.config.getBool("appendonly")) throw new ReplyError(ERR_WAITAOF_NO_AOF);
    const client = call.client;
    const offset = client.woff;
    const aof = aofOf(server);
    const local = aof.fsyncedReploff >= offset ? 1 : 0;
    if ((GOOD_REPLICAS >= n && local >= numlocal) || call.inExec) {
      waitaofReply(call.reply, local);
      return;
    }
    const numreplicas = n > 1n << 53n ? Number.MAX_SAFE_INTEGER : Number(n);
    const blocked = server.blocking.block(
      client,
      argv,
      [],
      timeoutAt,
      (r) => waitaofReply(r, aof.fsyncedReploff >= offset ? 1 : 0),
      false,
    );
    if (!blocked) return;
    waitersOf(server).push({ client, numlocal, numreplicas, offset });
    requestAck(server);
    // Valkey's next beforeSleep: the AOF's flush decides what is on disk by now (a flush with nothing
    // left to write acknowledges, with everysec) and wakes the waiters.
    setImmediate(() => aof.flush());
  },
};

export const roleCommand: CommandSpec = {
  name: "role",
  summary: "Returns the replication role.",
  since: "2.8.12",
  group: "server",
  complexity: "O(1)",
  arity: 1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "SENTINEL"],
  aclCategories: ["admin", "dangerous"],
  handler(call: CommandCall): void {
    const r = call.reply;
    r.arrayHeader(3);
    r.bulkStr("master");
    r.int(call.server.propagation.replOffset);
    r.arrayHeader(0);
  },
};
