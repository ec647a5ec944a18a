/**
 * The replication commands of a primary: SYNC, PSYNC, REPLCONF, ROLE, WAIT, WAITAOF (the replication
 * itself is core/replication/primary.ts).
 *
 * - ROLE answers `master`, the replication offset and the online replicas.
 * - The replication offset (propagate.ts replOffset, INFO master_repl_offset): stream bytes while there
 *   is a backlog, else the commands propagated while the AOF is on, as Valkey's; each client remembers it
 *   after its last propagating command (its write offset).
 * - WAIT numreplicas timeout: answers at once when enough online replicas acknowledged the client's
 *   write offset (or inside MULTI), else blocks until they do, or until the timeout (0: until CLIENT
 *   UNBLOCK or the client leaves), and answers the count then.
 * - WAITAOF numlocal numreplicas timeout: numlocal 1 waits until the AOF has fsynced the client's writes
 *   (core/persistence/aof.ts fsyncedReploff, Valkey's semantics per `appendfsync`); it answers
 *   [local, replicas] when both counts are met (replicas: those whose AOF acknowledged it, REPLCONF ACK's
 *   FACK), at the timeout, or with an error if the AOF is turned off meanwhile.
 * - A WAIT or WAITAOF that blocks asks the replicas for an acknowledgement (REPLCONF GETACK in the
 *   stream) before the event loop sleeps, once per turn and not while clients are paused; without a
 *   backlog it still moves the replication offset by one, as in Valkey.
 * - `min-replicas-to-write` with `min-replicas-max-lag` refuses writes when fewer good replicas (online,
 *   acknowledged within the lag) than asked for are connected (Valkey's checkGoodReplicasStatus), with
 *   NOREPLICAS; INFO replication shows `min_slaves_good_slaves` then.
 *
 * @module
 */

import type { Server } from "../../server/server.ts";
import type { Client } from "../../server/client.ts";
import type { ReplyWriter } from "../../resp/writer.ts";
import { setImmediate } from "node:timers";
import { eqIgnoreCase, parseI64 } from "../../util/numbers.ts";
import { aofOf } from "../../persistence/aof.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_TIMEOUT_NEGATIVE, ReplyError } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";
import { gateReject, isWriteCall, transactionsOf } from "../transaction/install.ts";
import { primaryOf } from "../../replication/primary.ts";
import { type LinkState, replicaOf } from "../../replication/replica.ts";
import { failoverOf } from "../../replication/failover.ts";

export const ERR_NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

/** Replicas whose lag is within `min-replicas-max-lag`. */
export function goodReplicas(server: Server): number {
  return primaryOf(server).goodReplicas();
}

/** Whether min-replicas-to-write is in force (both directives above 0), as Valkey checks it. */
export function minReplicasActive(server: Server): boolean {
  const c = server.config;
  return c.getInt("min-replicas-to-write") > 0 && c.getInt("min-replicas-max-lag") > 0;
}

export const ERR_READONLY_REPLICA = "READONLY You can't write against a read only replica.";
export const ERR_MASTERDOWN =
  "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

/**
 * Installs the NOREPLICAS, READONLY and MASTERDOWN gates. Call it before installPersistence: Valkey checks
 * the disk (MISCONF) first, then the replicas (a primary's count; a replica's read-only rule and stale
 * data), then the rest (pub/sub context, MULTI queueing), and each of those installs its gate at the
 * front of the list. The primary's own commands pass them all.
 */
export function installMinReplicas(server: Server): void {
  const replica = replicaOf(server);
  const tooFew = () =>
    !replica.isReplica && minReplicasActive(server) &&
    goodReplicas(server) < server.config.getInt("min-replicas-to-write");
  const readOnly = () => replica.isReplica && server.config.getBool("replica-read-only");
  server.gates.unshift((call) => {
    if (!replica.isReplica || replica.linkUp || call.client.fromPrimary) return false;
    if (server.config.getBool("replica-serve-stale-data") || !deniesStale(call)) return false;
    gateReject(call, ERR_MASTERDOWN);
    return true;
  });
  server.gates.unshift((call) => {
    if (!readOnly() || call.client.fromPrimary || !isWriteCall(call)) return false;
    gateReject(call, ERR_READONLY_REPLICA);
    return true;
  });
  server.gates.unshift((call) => {
    if (!tooFew() || !isWriteCall(call)) return false;
    gateReject(call, ERR_NOREPLICAS);
    return true;
  });
  server.writeDenials.push(() => tooFew() ? ERR_NOREPLICAS : readOnly() ? ERR_READONLY_REPLICA : null);
}

/** Valkey's is_denystale_command: not flagged STALE (EXEC: a queued command is not). */
function deniesStale(call: CommandCall): boolean {
  if (!call.spec.flags.includes("STALE")) return true;
  if (call.fullName !== "exec") return false;
  const st = transactionsOf(call.server).stateOf(call.client);
  return st !== undefined && st.inMulti && st.queue.some((q) => !q.spec.flags.includes("STALE"));
}

const ERR_TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range";
const ERR_TIMEOUT_RANGE = "ERR timeout is out of range";
const ERR_NUMLOCAL_RANGE = "ERR value is out of range, value must between 0 and 1";
const ERR_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_WAITAOF_NO_AOF =
  "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";

const LLONG_MAX = 9223372036854775807n;
const ERR_WAIT_REPLICA =
  "ERR WAIT cannot be used with replica instances. Please also note that if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.";
const ERR_WAITAOF_REPLICA =
  "ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.";

/** getTimeoutFromObjectOrReply in milliseconds: the absolute unix ms to wait until, 0 for "forever". */
function parseMsTimeout(word: Uint8Array, now: number): number {
  const v = parseI64(word);
  if (v === null) throw new ReplyError(ERR_TIMEOUT_NOT_INTEGER);
  if (v < 0n) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (v === 0n) return 0;
  if (v > LLONG_MAX - BigInt(now)) throw new ReplyError(ERR_TIMEOUT_RANGE);
  return now + Number(v);
}

/**
 * A client blocked in WAIT (`numlocal` null) or WAITAOF until `numreplicas` replicas (and, for WAITAOF,
 * `numlocal` local AOF fsyncs) reached its write offset: Valkey's clients_waiting_acks.
 */
interface AckWaiter {
  client: Client;
  numlocal: number | null;
  numreplicas: number;
  offset: number;
}

const ackWaiters = new WeakMap<Server, AckWaiter[]>();

/**
 * The WAIT / WAITAOF waiters of `server`, checked when replicas acknowledge and when the AOF's fsync
 * progresses or the AOF goes off (Valkey's processClientsWaitingReplicas); wired on first use.
 */
function waitersOf(server: Server): AckWaiter[] {
  const list = ackWaiters.get(server);
  if (list !== undefined) return list;
  const waiters: AckWaiter[] = [];
  ackWaiters.set(server, waiters);
  const aof = aofOf(server);
  const primary = primaryOf(server);
  const check = () => {
    const appendonly = server.config.getBool("appendonly");
    for (const w of [...waiters]) {
      if (!server.blocking.isBlocked(w.client)) {
        waiters.splice(waiters.indexOf(w), 1);
        continue;
      }
      if (w.numlocal === null) {
        const acks = primary.acksFor(w.offset);
        if (acks < w.numreplicas) continue;
        waiters.splice(waiters.indexOf(w), 1);
        server.blocking.finish(w.client, (r) => r.int(acks));
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
      const replicas = primary.aofAcksFor(w.offset);
      if (replicas < w.numreplicas || local < w.numlocal) continue;
      waiters.splice(waiters.indexOf(w), 1);
      server.blocking.finish(w.client, (r) => waitaofReply(r, local, replicas));
    }
  };
  aof.fsyncListeners.push(check);
  primary.ackListeners.push(check);
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
  if (!primaryOf(server).requestAck()) server.propagation.replOffset++;
}

function waitaofReply(r: ReplyWriter, local: number, replicas: number): void {
  r.arrayHeader(2);
  r.int(local);
  r.int(replicas);
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
    if (replicaOf(call.server).isReplica) throw new ReplyError(ERR_WAIT_REPLICA);
    const v = parseI64(call.argv[1]!);
    if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
    const timeoutAt = parseMsTimeout(call.argv[2]!, call.now);
    const client = call.client;
    const server = call.server;
    const primary = primaryOf(server);
    const offset = client.woff;
    const acks = primary.acksFor(offset);
    if (acks >= v || call.inExec) {
      call.reply.int(acks);
      return;
    }
    const blocked = server.blocking.block(
      client,
      call.argv,
      [],
      timeoutAt,
      (r) => r.int(primary.acksFor(offset)),
      false,
    );
    if (!blocked) return;
    const numreplicas = v > 1n << 53n ? Number.MAX_SAFE_INTEGER : Number(v);
    waitersOf(server).push({ client, numlocal: null, numreplicas, offset });
    requestAck(server);
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
    if (replicaOf(server).isReplica) throw new ReplyError(ERR_WAITAOF_REPLICA);
    const numlocal = Number(l);
    if (numlocal > 0 && !server.config.getBool("appendonly")) throw new ReplyError(ERR_WAITAOF_NO_AOF);
    const client = call.client;
    const offset = client.woff;
    const aof = aofOf(server);
    const primary = primaryOf(server);
    const local = aof.fsyncedReploff >= offset ? 1 : 0;
    const replicas = primary.aofAcksFor(offset);
    if ((replicas >= n && local >= numlocal) || call.inExec) {
      waitaofReply(call.reply, local, replicas);
      return;
    }
    const numreplicas = n > 1n << 53n ? Number.MAX_SAFE_INTEGER : Number(n);
    const blocked = server.blocking.block(
      client,
      argv,
      [],
      timeoutAt,
      (r) => waitaofReply(r, aof.fsyncedReploff >= offset ? 1 : 0, primary.aofAcksFor(offset)),
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
    const replica = replicaOf(call.server);
    if (replica.isReplica) {
      r.arrayHeader(5);
      r.bulkStr("slave");
      r.bulkStr(replica.host!);
      r.int(replica.port);
      r.bulkStr(ROLE_STATE[replica.state]);
      r.int(replica.linkUp ? replica.reploff : -1);
      return;
    }
    const online = primaryOf(call.server).replicas.filter((l) => l.state === "online");
    r.arrayHeader(3);
    r.bulkStr("master");
    r.int(call.server.propagation.replOffset);
    r.arrayHeader(online.length);
    for (const l of online) {
      r.arrayHeader(3);
      r.bulkStr(l.ipAddress ?? l.client.conn.remoteAddress);
      r.bulkStr(String(l.listeningPort));
      r.bulkStr(String(l.ackOff));
    }
  },
};

const dec = new TextDecoder();

export const syncCommand: CommandSpec = {
  name: "sync",
  summary: "An internal command used in replication.",
  since: "1.0.0",
  group: "server",
  arity: 1,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NO_MULTI", "NOSCRIPT"],
  aclCategories: ["admin", "slow", "dangerous"],
  handler(call: CommandCall): void {
    const err = primaryOf(call.server).sync(call.client, call.argv, false);
    if (err !== null) call.error(err);
  },
};

export const psyncCommand: CommandSpec = {
  name: "psync",
  summary: "An internal command used in replication.",
  since: "2.8.0",
  group: "server",
  arity: -3,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NO_MULTI", "NOSCRIPT"],
  aclCategories: ["admin", "slow", "dangerous"],
  arguments: [{ name: "replicationid", type: "string" }, { name: "offset", type: "integer" }],
  parse: "manual",
  handler(call: CommandCall): void {
    const err = primaryOf(call.server).sync(call.client, call.argv, true);
    if (err !== null) call.error(err);
  },
};

/** getRangeLongFromObjectOrReply(0, 1): true for 1, false for 0, else Valkey's errors. */
function zeroOrOne(b: Uint8Array): boolean {
  const v = parseI64(b);
  if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
  if (v < 0n || v > 1n) throw new ReplyError("ERR value is out of range, value must between 0 and 1");
  return v === 1n;
}

export const replconfCommand: CommandSpec = {
  name: "replconf",
  summary: "An internal command for configuring the replication stream.",
  since: "3.0.0",
  group: "server",
  complexity: "O(1)",
  arity: -1,
  flags: ["ADMIN", "NOSCRIPT", "LOADING", "STALE", "ALLOW_BUSY"],
  aclCategories: ["admin", "slow", "dangerous"],
  docFlags: ["SYSCMD"],
  parse: "manual",
  handler(call: CommandCall): void {
    const argv = call.argv;
    if (argv.length % 2 === 0) throw new ReplyError("ERR syntax error");
    const primary = primaryOf(call.server);
    const l = primary.link(call.client);
    for (let j = 1; j < argv.length; j += 2) {
      const opt = dec.decode(argv[j]!).toLowerCase();
      const val = argv[j + 1]!;
      switch (opt) {
        case "listening-port": {
          const v = parseI64(val);
          if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
          l.listeningPort = Number(v);
          break;
        }
        case "ip-address":
          if (val.length >= 46) {
            throw new ReplyError(
              `ERR REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`,
            );
          }
          l.ipAddress = dec.decode(val);
          break;
        case "capa": {
          const capa = dec.decode(val).toLowerCase();
          if (capa === "eof") l.capaEof = true;
          else if (capa === "psync2") l.capaPsync2 = true;
          // Others (dual-channel, skip-rdb-checksum) are ignored, as by a primary without them.
          break;
        }
        case "ack": {
          // Sent by replicas, never answered.
          if (!l.replica) return;
          const v = parseI64(val);
          if (v === null) return;
          let fack: number | null = null;
          if (argv.length > j + 3 && dec.decode(argv[j + 2]!).toLowerCase() === "fack") {
            const f = parseI64(argv[j + 3]!);
            if (f === null) return;
            fack = Number(f);
          }
          primary.ack(l, Number(v), fack);
          return;
        }
        case "getack":
          // Only a replica answers it, to its primary, at once (Valkey's replicationSendAck).
          if (call.client.fromPrimary) replicaOf(call.server).sendAck();
          return;
        case "rdb-only":
          l.rdbOnly = zeroOrOne(val);
          break;
        case "rdb-filter-only": {
          const words = dec.decode(val).split(/\s+/).filter((w) => w !== "");
          for (const w of words) {
            if (w.toLowerCase() !== "functions") {
              throw new ReplyError(`ERR Unsupported rdb-filter-only option: ${w}`);
            }
          }
          l.filtered = true;
          break;
        }
        case "rdb-channel":
          l.rdbChannel = zeroOrOne(val);
          break;
        case "set-rdb-client-id": {
          const v = parseI64(val);
          if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
          // No dual-channel sync: there is never an RDB connection to name.
          throw new ReplyError(`ERR Unrecognized RDB client id ${v}`);
        }
        case "version":
          if (!/^\d+\.\d+\.\d+$/.test(dec.decode(val))) {
            throw new ReplyError(`ERR Unrecognized version format: ${dec.decode(val)}`);
          }
          break;
        default:
          throw new ReplyError(`ERR Unrecognized REPLCONF option: ${dec.decode(argv[j]!)}`);
      }
    }
    call.reply.ok();
  },
};

const ROLE_STATE: Record<LinkState, string> = {
  none: "none",
  connect: "connect",
  connecting: "connecting",
  handshake: "handshake",
  transfer: "sync",
  connected: "connected",
};

const REPLICAOF_ARGS: CommandSpec["arguments"] = [{
  name: "args",
  type: "oneof",
  arguments: [
    {
      name: "host-port",
      type: "block",
      arguments: [{ name: "host", type: "string" }, { name: "port", type: "integer" }],
    },
    {
      name: "no-one",
      type: "block",
      arguments: [{ name: "no", type: "pure-token", token: "NO" }, {
        name: "one",
        type: "pure-token",
        token: "ONE",
      }],
    },
  ],
}];

/** REPLICAOF host port | NO ONE (Valkey's replicaofCommand). */
function replicaofHandler(call: CommandCall): void {
  const server = call.server;
  if (failoverOf(server).state !== "no-failover") {
    throw new ReplyError("ERR REPLICAOF not allowed while failing over.");
  }
  const replica = replicaOf(server);
  const host = dec.decode(call.argv[1]!);
  const portWord = dec.decode(call.argv[2]!);
  if (host.toLowerCase() === "no" && portWord.toLowerCase() === "one") {
    if (replica.isReplica) {
      replica.unsetPrimary();
      server.logger.notice(
        `PRIMARY MODE enabled (user request from '${server.clientInfoShort(call.client)}')`,
      );
    }
    call.reply.ok();
    return;
  }
  if (call.client.flags.has("S")) throw new ReplyError("ERR Command is not valid when client is a replica.");
  const p = parseI64(call.argv[2]!);
  if (p === null || p < 0n || p > 65535n) throw new ReplyError("ERR Invalid master port");
  const port = Number(p);
  if (replica.host !== null && replica.host.toLowerCase() === host.toLowerCase() && replica.port === port) {
    server.logger.notice(
      "REPLICAOF would result into synchronization with the primary we are already connected with. No operation performed.",
    );
    call.reply.simple("OK Already connected to specified master");
    return;
  }
  replica.setPrimary(host, port);
  server.logger.notice(
    `REPLICAOF ${host}:${port} enabled (user request from '${server.clientInfoShort(call.client)}')`,
  );
  call.reply.ok();
}

export const replicaofCommand: CommandSpec = {
  name: "replicaof",
  summary: "Configures a server as replica of another, or promotes it to a primary.",
  since: "5.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 3,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NOSCRIPT", "STALE"],
  aclCategories: ["admin", "slow", "dangerous"],
  arguments: REPLICAOF_ARGS,
  parse: "manual",
  handler: replicaofHandler,
};

export const slaveofCommand: CommandSpec = {
  name: "slaveof",
  summary: "Sets a server as a replica of another, or promotes it to being a primary.",
  since: "1.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 3,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NOSCRIPT", "STALE"],
  aclCategories: ["admin", "slow", "dangerous"],
  deprecatedSince: "5.0.0",
  replacedBy: "`REPLICAOF`",
  docFlags: ["DEPRECATED"],
  arguments: REPLICAOF_ARGS,
  parse: "manual",
  handler: replicaofHandler,
};

/** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds] (Valkey's failoverCommand). */
function failoverHandler(call: CommandCall): void {
  const server = call.server;
  const f = failoverOf(server);
  const argv = call.argv;
  if (argv.length === 2 && eqIgnoreCase(argv[1]!, "abort")) {
    if (f.state === "no-failover") throw new ReplyError("ERR No failover in progress.");
    f.abort("Failover manually aborted");
    return call.reply.ok();
  }
  let timeoutMs = 0;
  let force = false;
  let port = 0;
  let host: string | null = null;
  for (let j = 1; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j]!, "timeout") && j + 1 < argv.length && timeoutMs === 0) {
      const v = parseI64(argv[j + 1]!);
      if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
      if (v <= 0n) throw new ReplyError("ERR FAILOVER timeout must be greater than 0");
      timeoutMs = Number(v);
      j++;
    } else if (eqIgnoreCase(argv[j]!, "to") && j + 2 < argv.length && host === null) {
      const v = parseI64(argv[j + 2]!);
      if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
      port = Number(v);
      host = dec.decode(argv[j + 1]!);
      j += 2;
    } else if (eqIgnoreCase(argv[j]!, "force") && !force) {
      force = true;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (f.state !== "no-failover") throw new ReplyError("ERR FAILOVER already in progress.");
  if (replicaOf(server).isReplica) {
    throw new ReplyError("ERR FAILOVER is not valid when server is a replica.");
  }
  if (primaryOf(server).replicas.length === 0) {
    throw new ReplyError("ERR FAILOVER requires connected replicas.");
  }
  if (force && (timeoutMs === 0 || host === null)) {
    throw new ReplyError("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
  }
  let target = null;
  if (host !== null) {
    target = f.findReplica(host, port) ?? null;
    if (target === null) throw new ReplyError("ERR FAILOVER target HOST and PORT is not a replica.");
    if (target.state !== "online") throw new ReplyError("ERR FAILOVER target replica is not online.");
  }
  f.start(target, host, port, timeoutMs, force);
  call.reply.ok();
}

export const failoverCommand: CommandSpec = {
  name: "failover",
  summary: "Starts a coordinated failover from a server to one of its replicas.",
  since: "6.2.0",
  group: "server",
  complexity: "O(1)",
  arity: -1,
  flags: ["ADMIN", "NOSCRIPT", "STALE"],
  aclCategories: ["admin", "slow", "dangerous"],
  arguments: [
    {
      name: "target",
      type: "block",
      token: "TO",
      optional: true,
      arguments: [
        { name: "host", type: "string" },
        { name: "port", type: "integer" },
        { name: "force", type: "pure-token", token: "FORCE", optional: true },
      ],
    },
    { name: "abort", type: "pure-token", token: "ABORT", optional: true },
    { name: "milliseconds", type: "integer", token: "TIMEOUT", optional: true },
  ],
  parse: "manual",
  handler: failoverHandler,
};
