/**
 * Wiring transactions into a server.
 *
 * Two gates. The front gate (first in the list, where Valkey checks it right after authentication)
 * rejects commands flagged NO_MULTI inside MULTI. The queue gate (last in the list, after the CLIENT
 * PAUSE gate, as Valkey queues only once every check passed) answers `+QUEUED` for anything but EXEC,
 * DISCARD, MULTI, WATCH, QUIT and RESET while the client is in MULTI.
 *
 * Queueing errors. Valkey marks a transaction as failed (EXECABORT) when any command is rejected while
 * queueing: unknown command, wrong arity, NOAUTH, NO_MULTI, subscribed context, OOM... Several of those
 * rejections happen in the dispatcher before any gate runs, so while a client is in MULTI its writer's
 * `error` is wrapped: an error written outside EXEC is a rejection and flags the transaction.
 *
 * FLUSHDB, FLUSHALL and SWAPDB. Valkey decides what they do to watched keys from the state BEFORE the
 * change, with rules about already-expired keys that a per-key "modified" signal cannot express. For
 * those commands the queue gate (and EXEC, for queued ones) computes that plan first, ignores the per-key
 * signals the command sends, and applies the plan after it if the command succeeded.
 *
 * @module
 */

import { ReplyWriter } from "../../resp/writer.ts";
import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import type { CommandCall } from "../call.ts";
import { connectionHooks } from "../connection/hooks.ts";
import type { CommandGate } from "../dispatch.ts";
import { ERR_NOT_IN_MULTI } from "../errors.ts";
import { MultiState, type WatchAction, Watches } from "./state.ts";

/** Commands that run at once inside MULTI instead of being queued. */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/** Commands whose effect on watched keys is planned as a whole (see the module comment). */
const WHOLE_DB = new Set(["flushdb", "flushall", "swapdb"]);

/** Transaction state of one server. */
export class Transactions {
  readonly watches = new Watches();
  readonly #states = new Map<Client, MultiState>();
  /** Set while a whole-database command runs with a precomputed plan. */
  suppressTouch = false;
  #pending: { call: CommandCall; plan: WatchAction[] } | null = null;

  constructor(readonly server: Server) {}

  stateOf(c: Client): MultiState | undefined {
    return this.#states.get(c);
  }

  /** The client's state, created on first MULTI or WATCH (CLIENT LIST then shows `multi=0`). */
  ensureState(c: Client): MultiState {
    let st = this.#states.get(c);
    if (st === undefined) {
      st = new MultiState(c);
      this.#states.set(c, st);
    }
    return st;
  }

  /** MULTI: enters the transaction and starts watching for queueing errors. */
  begin(st: MultiState): void {
    st.inMulti = true;
    st.client.flags.add("x");
    const w = st.client.writer;
    const plain = ReplyWriter.prototype.error;
    w.error = (msg: string | Uint8Array) => {
      st.flagExecError();
      plain.call(w, msg);
    };
  }

  /** Ends the transaction and drops the watches (Valkey's discardTransaction). */
  discard(st: MultiState): void {
    st.resetQueue();
    st.inMulti = false;
    st.dirtyCas = false;
    st.dirtyExec = false;
    st.executing = false;
    const c = st.client;
    c.flags.delete("x");
    c.flags.delete("d");
    delete (c.writer as unknown as Record<string, unknown>).error;
    this.watches.unwatchAll(st);
  }

  /** Forgets a client (disconnect). */
  drop(c: Client): void {
    const st = this.#states.get(c);
    if (st === undefined) return;
    this.discard(st);
    this.#states.delete(c);
  }

  /** The plan of a whole-database command, or null when it has none (not one, or invalid arguments). */
  planFor(call: CommandCall): WatchAction[] | null {
    const name = call.fullName;
    if (!WHOLE_DB.has(name) || this.watches.size === 0) return null;
    const dbs = this.server.dbs;
    const now = call.now;
    if (name === "flushdb") return this.watches.planFlush(dbs, call.client.db, null, now);
    if (name === "flushall") {
      const plan: WatchAction[] = [];
      for (let i = 0; i < dbs.length; i++) plan.push(...this.watches.planFlush(dbs, i, null, now));
      return plan;
    }
    const a = dbIndex(call.argv[1], dbs.length);
    const b = dbIndex(call.argv[2], dbs.length);
    if (a === null || b === null || a === b) return null;
    return [...this.watches.planFlush(dbs, a, b, now), ...this.watches.planFlush(dbs, b, a, now)];
  }

  /** Starts a whole-database command's plan (per-key touches are ignored until it is finished). */
  startPlan(call: CommandCall, plan: WatchAction[]): void {
    this.#pending = { call, plan };
    this.suppressTouch = true;
  }

  /** Finishes the pending plan: applied when the command succeeded. */
  finishPlan(call: CommandCall): void {
    const p = this.#pending;
    if (p === null || p.call !== call) return;
    this.#pending = null;
    this.suppressTouch = false;
    if (!call.failed) this.watches.applyPlan(p.plan);
  }
}

function dbIndex(b: Uint8Array | undefined, n: number): number | null {
  if (b === undefined || b.length === 0 || b.length > 11) return null;
  const s = new TextDecoder().decode(b);
  if (!/^-?[0-9]+$/.test(s)) return null;
  const v = Number(s);
  return v >= 0 && v < n ? v : null;
}

const byServer = new WeakMap<Server, Transactions>();

/** The transaction state of `server` (created on first use). */
export function transactionsOf(server: Server): Transactions {
  let t = byServer.get(server);
  if (t === undefined) {
    t = new Transactions(server);
    byServer.set(server, t);
  }
  return t;
}

const installed = new WeakSet<Server>();

/**
 * Installs transactions into `server` (idempotent). The server should call it at startup, after
 * `installClientPause`; MULTI and WATCH also call it, so a server that did not still behaves.
 */
export function installTransactions(server: Server): void {
  if (installed.has(server)) return;
  installed.add(server);
  const tx = transactionsOf(server);
  const front: CommandGate = (call) => {
    const st = tx.stateOf(call.client);
    if (st === undefined || !st.inMulti || !call.spec.flags.includes("NO_MULTI")) return false;
    call.error(ERR_NOT_IN_MULTI);
    return true;
  };
  const queue: CommandGate = (call) => {
    const st = tx.stateOf(call.client);
    if (st !== undefined && st.inMulti && !NOT_QUEUED.has(call.fullName)) {
      st.enqueue(call.spec, call.fullName, call.argv, call.fullName.includes("|") ? 2 : 1);
      call.reply.simple("QUEUED");
      call.spec.onQueued?.(call);
      return true;
    }
    const plan = tx.planFor(call);
    if (plan !== null) tx.startPlan(call, plan);
    return false;
  };
  server.gates.unshift(front);
  server.gates.push(queue);
  server.afterCommandHooks.push((call) => {
    if (call.inExec) return;
    tx.finishPlan(call);
  });
  server.keyModifiedListeners.push((db, key) => {
    if (!tx.suppressTouch) tx.watches.touch(db, key);
  });
  server.clientClosedHooks.push((c) => tx.drop(c));
  const hooks = connectionHooks(server);
  hooks.reset.push((c) => {
    const st = tx.stateOf(c);
    if (st !== undefined) tx.discard(st);
  });
  hooks.counters.push((c, out) => {
    const st = tx.stateOf(c);
    if (st === undefined) return;
    out.multi = st.queue.length;
    out.watch = st.watched.length;
    out.multiMem = st.queuedBytes;
  });
  hooks.pauseWriteProbes.push((call) =>
    call.fullName === "exec" && tx.stateOf(call.client)?.queuedWrite === true
  );
}

/**
 * The reply for an EXEC the server rejects before running it (wrong arity, NOAUTH, subscribed context,
 * OOM...): Valkey discards the client's transaction and answers
 * `EXECABORT Transaction discarded because of: <reason>`, where the reason is the rejection's text
 * without its `ERR ` code (other codes, like `NOAUTH`, stay). The dispatcher should route every
 * rejection of EXEC through this.
 */
export function execRejection(server: Server, client: Client, error: string): string {
  const tx = transactionsOf(server);
  const st = tx.stateOf(client);
  if (st !== undefined) tx.discard(st);
  const reason = error.startsWith("ERR ") ? error.slice(4) : error;
  return `EXECABORT Transaction discarded because of: ${reason}`;
}

/** INFO `watching_clients`: clients watching at least one key. */
export function watchingClientCount(server: Server): number {
  return transactionsOf(server).watches.watchingClients;
}

/** INFO `total_watched_keys`: distinct watched keys over all databases. */
export function totalWatchedKeys(server: Server): number {
  return transactionsOf(server).watches.size;
}

/**
 * Valkey's `is_write_command` in processCommand: the command is flagged WRITE, or it is the EXEC of a
 * transaction that queued one (the server's state may have changed since they were queued).
 */
export function isWriteCall(call: CommandCall): boolean {
  if (call.spec.flags.includes("WRITE")) return true;
  if (call.fullName !== "exec") return false;
  const st = transactionsOf(call.server).stateOf(call.client);
  return st !== undefined && st.inMulti && st.queue.some((q) => q.spec.flags.includes("WRITE"));
}

/**
 * A gate's rejection, as Valkey's rejectCommand: an EXEC answers `EXECABORT ... because of: <err>` and its
 * transaction is discarded; a command queued in MULTI flags the transaction (the writer does).
 */
export function gateReject(call: CommandCall, err: string): void {
  call.error(call.fullName === "exec" ? execRejection(call.server, call.client, err) : err);
}
