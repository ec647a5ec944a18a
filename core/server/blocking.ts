/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK...), served the way Valkey 7+ does it: by
 * re-executing the blocked command.
 *
 * A handler that finds nothing to serve calls {@link Blocking.block} with the keys it waits on, a timeout
 * and the reply to give when the timeout fires. The client stops processing input. Whenever a key with
 * waiters is modified (the server's keyModified signal, which every write sends), the key is marked ready;
 * after the current command (and after EXEC as a whole), {@link Blocking.serveReady} re-executes each
 * waiter's saved request in first-blocked-first-served order. The handler runs again from scratch: with data
 * it replies and the client is unblocked; with none it calls `block()` again and keeps its place in the
 * queue; if the key now holds another type it replies WRONGTYPE like any command would. So deletion,
 * retyping, FLUSHALL and SWAPDB need no special cases: they are modifications, and re-execution decides.
 *
 * Inside MULTI/EXEC (and later scripts) a blocking command never blocks: `block()` replies the timeout
 * reply at once, as Valkey does.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { dispatch } from "../commands/dispatch.ts";

export const ERR_UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

/** What a blocked client waits for. */
export interface BlockState {
  dbId: number;
  /** Queue keys (`<db>:<key as latin1>`) the client is registered under. */
  queueKeys: string[];
  /** The request to re-execute (owned copies of the words). */
  argv: Uint8Array[];
  /** Absolute unix ms, or 0 for no timeout. */
  timeoutAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Writes the reply for a timeout (and for CLIENT UNBLOCK ... TIMEOUT). */
  onTimeout: (reply: ReplyWriter) => void;
  /** Set while the request is being re-executed, so block() knows it is a re-block. */
  reexecuting: boolean;
  /**
   * XREADGROUP's wait: the client must also be woken when a key is deleted or changes type (its group is
   * gone), Valkey's unblock_on_nokey. INFO total_blocking_keys_on_nokey counts keys with such waiters.
   */
  unblockOnNoKey: boolean;
}

const latin1 = new TextDecoder("latin1");

function queueKey(dbId: number, key: Uint8Array): string {
  return `${dbId}:${latin1.decode(key)}`;
}

export class Blocking {
  /** Waiters per key, in the order they blocked. */
  readonly #queues = new Map<string, Client[]>();
  readonly #state = new Map<Client, BlockState>();
  /** Per queue key, how many of its waiters are unblock-on-nokey waiters (only keys with at least one). */
  readonly #noKeyWaiters = new Map<string, number>();
  /** Keys modified since the last serveReady() that have waiters. */
  #ready = new Set<string>();
  #serving = false;
  /**
   * Called when a wait ends without a re-execution (timeout, CLIENT UNBLOCK), after the reply is written,
   * with the reply's size in bytes and whether it was CLIENT UNBLOCK ... ERROR (Valkey counts that one a
   * rejected call): the command log records the command then, as Valkey does on unblock.
   */
  readonly endedHooks: ((client: Client, replyBytes: number, rejected: boolean) => void)[] = [];

  constructor(readonly server: Server) {
    server.keyModifiedListeners.push((db, key) => {
      if (this.#queues.size === 0) return;
      const k = queueKey(db.id, key);
      if (this.#queues.has(k)) this.#ready.add(k);
    });
    server.clientClosedHooks.push((c) => this.#remove(c));
  }

  /** Clients blocked on keys right now (INFO blocked_clients counts these). */
  get blockedCount(): number {
    return this.#state.size;
  }

  /** Keys with at least one waiter (INFO blocked_keys). */
  get blockedKeys(): number {
    return this.#queues.size;
  }

  /** Keys with at least one unblock-on-nokey (XREADGROUP) waiter (INFO total_blocking_keys_on_nokey). */
  get blockedKeysOnNoKey(): number {
    return this.#noKeyWaiters.size;
  }

  /** Every client blocked now. */
  blockedClients(): Client[] {
    return [...this.#state.keys()];
  }

  isBlocked(client: Client): boolean {
    return this.#state.has(client);
  }

  /**
   * Marks `key` ready for its waiters without a modification signal (Valkey's signalKeyAsReady alone, as
   * XGROUP DESTROY does to wake XREADGROUP clients).
   */
  signalReady(dbId: number, key: Uint8Array): void {
    const k = queueKey(dbId, key);
    if (this.#queues.has(k)) this.#ready.add(k);
  }

  /**
   * Blocks the calling client on `keys` of its current database until one is modified or the timeout
   * passes (`timeoutAt` absolute unix ms, 0 = forever). Inside a transaction, replies the timeout reply at
   * once instead. `unblockOnNoKey` marks an XREADGROUP wait (see {@link BlockState.unblockOnNoKey}).
   * Returns true when the client is now blocked.
   */
  block(
    client: Client,
    argv: Uint8Array[],
    keys: Uint8Array[],
    timeoutAt: number,
    onTimeout: (reply: ReplyWriter) => void,
    inTransaction: boolean,
    unblockOnNoKey = false,
  ): boolean {
    if (inTransaction) {
      onTimeout(client.writer);
      return false;
    }
    const existing = this.#state.get(client);
    if (existing !== undefined && existing.reexecuting) {
      // Re-executed and still nothing to serve: keep the same place in every queue.
      existing.reexecuting = false;
      return true;
    }
    const dbId = client.db;
    const state: BlockState = {
      dbId,
      queueKeys: [],
      argv: argv.map((a) => a.slice()),
      timeoutAt,
      timer: undefined,
      onTimeout,
      reexecuting: false,
      unblockOnNoKey,
    };
    for (const key of keys) {
      const k = queueKey(dbId, key);
      if (state.queueKeys.includes(k)) continue;
      state.queueKeys.push(k);
      let q = this.#queues.get(k);
      if (q === undefined) this.#queues.set(k, q = []);
      q.push(client);
      if (unblockOnNoKey) this.#noKeyWaiters.set(k, (this.#noKeyWaiters.get(k) ?? 0) + 1);
    }
    if (timeoutAt > 0) state.timer = this.#timer(client, timeoutAt);
    this.#state.set(client, state);
    client.blocked = true;
    client.flags.add("b");
    return true;
  }

  /**
   * The timer of a wait that ends once the wall clock is past `timeoutAt` (Valkey's `timeout < now`: a
   * timeout taken from a time truncated to the ms never ends the wait early).
   */
  #timer(client: Client, timeoutAt: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.#timeout(client), Math.max(0, timeoutAt + 1 - Date.now()));
  }

  #timeout(client: Client): void {
    const st = this.#state.get(client);
    if (st === undefined) return;
    // A timer may fire a little early (runtimes round the delay): wait for the rest.
    if (Date.now() <= st.timeoutAt) {
      st.timer = this.#timer(client, st.timeoutAt);
      return;
    }
    this.#remove(client);
    const at = client.writer.length;
    st.onTimeout(client.writer);
    this.#ended(client, at, false);
    this.#resume(client);
  }

  #ended(client: Client, replyStart: number, rejected: boolean): void {
    // The blocked run was not counted as a processed command (dispatch's execute); the wait's end is.
    this.server.stats.totalCommands++;
    client.totalCommands++;
    const bytes = client.writer.length - replyStart;
    for (const hook of this.endedHooks) hook(client, bytes > 0 ? bytes : 0, rejected);
  }

  /**
   * Ends `client`'s wait with the reply `write` gives (waits that end on something other than a key, such
   * as WAITAOF once its writes are on disk, or its error when the AOF is turned off). False when the client
   * was not blocked.
   */
  finish(client: Client, write: (reply: ReplyWriter) => void): boolean {
    if (!this.#state.has(client)) return false;
    this.#remove(client);
    const at = client.writer.length;
    write(client.writer);
    this.#ended(client, at, false);
    this.#resume(client);
    return true;
  }

  /**
   * CLIENT UNBLOCK: ends the wait by timeout or with the UNBLOCKED error (`withError` true, or the error's
   * own text: a server that becomes a replica unblocks its clients with its own).
   */
  unblock(client: Client, withError: boolean | string): boolean {
    const st = this.#state.get(client);
    if (st === undefined) return false;
    this.#remove(client);
    const at = client.writer.length;
    if (withError !== false) {
      const err = withError === true ? ERR_UNBLOCKED : withError;
      this.server.stats.countError(err);
      client.writer.error(err);
    } else st.onTimeout(client.writer);
    this.#ended(client, at, withError !== false);
    this.#resume(client);
    return true;
  }

  #remove(client: Client): void {
    const st = this.#state.get(client);
    if (st === undefined) return;
    this.#state.delete(client);
    if (st.timer !== undefined) clearTimeout(st.timer);
    for (const k of st.queueKeys) {
      const q = this.#queues.get(k);
      if (q === undefined) continue;
      const i = q.indexOf(client);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.#queues.delete(k);
      if (st.unblockOnNoKey) {
        const n = (this.#noKeyWaiters.get(k) ?? 1) - 1;
        if (n > 0) this.#noKeyWaiters.set(k, n);
        else this.#noKeyWaiters.delete(k);
      }
    }
    client.flags.delete("b");
    client.blocked = false;
  }

  /** Sends what the unblocked client has, then goes on with its pending input. */
  #resume(client: Client): void {
    if (client.closed) return;
    this.server.flush(client);
    this.server.processInput(client);
  }

  /**
   * Re-executes the requests of clients waiting on keys modified since the last call, in blocking order,
   * until no ready key is left (a served BLMOVE can make another key ready).
   */
  serveReady(): void {
    if (this.#ready.size === 0 || this.#serving) return;
    this.#serving = true;
    try {
      while (this.#ready.size > 0) {
        const ready = this.#ready;
        this.#ready = new Set();
        for (const k of ready) {
          const q = this.#queues.get(k);
          if (q === undefined) continue;
          for (const client of [...q]) {
            const st = this.#state.get(client);
            if (st === undefined || client.closed) continue;
            st.reexecuting = true;
            const savedDb = client.db;
            client.db = st.dbId;
            client.blocked = false;
            dispatch(this.server, client, st.argv);
            client.db = savedDb;
            if (st.reexecuting) {
              // The handler did not block again: it replied (data, WRONGTYPE...). The wait is over.
              st.reexecuting = false;
              this.#remove(client);
              this.#resume(client);
            } else client.blocked = true;
          }
        }
      }
    } finally {
      this.#serving = false;
    }
  }
}
