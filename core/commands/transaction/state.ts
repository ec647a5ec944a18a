/**
 * Transaction state (Valkey's multi.c, behaviour only): the per-client MULTI queue and flags, and the
 * server-wide index of WATCHed keys.
 *
 * Layout. A client that ever ran MULTI or WATCH owns a {@link MultiState}; every watched key is one
 * {@link WatchedKey} record, listed both by its client and, under `<db>:<key>`, in the server index, so a
 * write finds the watchers of a key in one map lookup and a client drops its watches without a search:
 *
 *     index  "0:balance" ──► [wk(client 7), wk(client 9)]       client 7 ─► MultiState
 *            "3:stock"   ──► [wk(client 7)]                                  watched: [wk "0:balance", wk "3:stock"]
 *                                                                            queue:   [SET a 1, INCR b]
 *
 * Watches are bound to a database NUMBER (SWAPDB exchanges contents, not watches), as Valkey's are bound
 * to its `serverDb` slot.
 *
 * Expired keys (Valkey's rules): a key that exists but whose TTL has passed when WATCHed is flagged
 * `expired`; its later deletion (lazy or active expiry, DEL, FLUSH) is no logical change and only clears
 * the flag. A key not expired at WATCH time that is expired at EXEC (even if not yet deleted) fails the
 * EXEC.
 *
 * Memory: a WatchedKey is one small object plus an owned copy of the key; the index key string repeats
 * the key once more. `multi-mem` (CLIENT LIST) is Valkey's accounting: the queued arguments' bytes plus 8
 * bytes (a pointer) per argument.
 *
 * Invariants:
 * - `wk` is in `index[k]` iff it is in `wk.owner.watched`; index lists are never empty.
 * - A dirty (CAS) client watches nothing: once a watched key is touched its watches are dropped, since the
 *   EXEC will fail anyway.
 * - The queue is empty while `dirtyCas` or `dirtyExec` is set (nothing is queued for an EXEC that fails).
 *
 * @module
 */

import type { Db } from "../../keyspace/db.ts";
import { NO_ENTRY } from "../../keyspace/db.ts";
import type { Client } from "../../server/client.ts";
import type { CommandSpec } from "../spec.ts";

const latin1 = new TextDecoder("latin1");

/** One command waiting in a MULTI queue. */
export interface QueuedCommand {
  spec: CommandSpec;
  fullName: string;
  /** Owned copies of the words. */
  argv: Uint8Array[];
  argStart: number;
}

/** One key watched by one client. */
export interface WatchedKey {
  readonly owner: MultiState;
  readonly dbId: number;
  readonly key: Uint8Array;
  readonly indexKey: string;
  /** The key existed but had expired when it was watched. */
  expired: boolean;
}

/** MULTI/WATCH state of one client. */
export class MultiState {
  inMulti = false;
  /** A watched key was touched: EXEC replies a null array. */
  dirtyCas = false;
  /** A command was rejected while queueing: EXEC replies EXECABORT. */
  dirtyExec = false;
  /** Queued commands were flagged WRITE or MAY_REPLICATE (CLIENT PAUSE WRITE holds such an EXEC). */
  queuedWrite = false;
  queue: QueuedCommand[] = [];
  /** Valkey's argv_len_sums: bytes of the queued words plus a pointer per word. */
  queuedBytes = 0;
  watched: WatchedKey[] = [];
  /** Set while EXEC runs the queue (errors then are not queueing errors). */
  executing = false;

  constructor(readonly client: Client) {}

  /** Drops the queued commands (Valkey's resetClientMultiState). */
  resetQueue(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.queuedWrite = false;
  }

  /** A command was rejected inside MULTI (Valkey's flagTransaction). */
  flagExecError(): void {
    if (!this.inMulti || this.executing) return;
    this.dirtyExec = true;
    this.resetQueue();
  }

  /** Queues a command (nothing is kept for a transaction that will fail). */
  enqueue(spec: CommandSpec, fullName: string, argv: readonly Uint8Array[], argStart: number): void {
    if (this.dirtyCas || this.dirtyExec) return;
    const copy = new Array<Uint8Array>(argv.length);
    let bytes = 0;
    for (let i = 0; i < argv.length; i++) {
      copy[i] = argv[i]!.slice();
      bytes += argv[i]!.length + 8;
    }
    this.queue.push({ spec, fullName, argv: copy, argStart });
    this.queuedBytes += bytes;
    if (spec.flags.includes("WRITE") || spec.flags.includes("MAY_REPLICATE")) this.queuedWrite = true;
  }
}

/** Whether `key` exists in `db` with a TTL already past at `now` (Valkey's keyIsExpired). */
export function keyIsExpired(db: Db, key: Uint8Array, now: number): boolean {
  const ref = db.find(key);
  if (ref === NO_ENTRY) return false;
  const when = db.getExpire(ref);
  return when !== -1 && now > when;
}

/** What a flush or swap does to one watched key (see {@link Watches.planFlush}). */
export interface WatchAction {
  wk: WatchedKey;
  action: "dirty" | "clearExpired" | "setExpired";
}

/** The server-wide WATCH index. */
export class Watches {
  readonly #index = new Map<string, WatchedKey[]>();
  /** Clients watching at least one key (INFO `watching_clients`). */
  watchingClients = 0;

  /** Distinct watched (db, key) pairs (INFO `total_watched_keys`). */
  get size(): number {
    return this.#index.size;
  }

  static indexKey(dbId: number, key: Uint8Array): string {
    return `${dbId}:${latin1.decode(key)}`;
  }

  /** WATCH of one key by `st` in database `db` (Valkey's watchForKey). */
  watch(st: MultiState, db: Db, key: Uint8Array, now: number): void {
    const ik = Watches.indexKey(db.id, key);
    for (const wk of st.watched) if (wk.indexKey === ik) return;
    if (st.watched.length === 0) this.watchingClients++;
    const wk: WatchedKey = { owner: st, dbId: db.id, key: key.slice(), indexKey: ik, expired: false };
    wk.expired = keyIsExpired(db, key, now);
    st.watched.push(wk);
    let list = this.#index.get(ik);
    if (list === undefined) this.#index.set(ik, list = []);
    list.push(wk);
  }

  /** Drops every watch of `st` (Valkey's unwatchAllKeys). */
  unwatchAll(st: MultiState): void {
    if (st.watched.length === 0) return;
    for (const wk of st.watched) {
      const list = this.#index.get(wk.indexKey);
      if (list === undefined) continue;
      const i = list.indexOf(wk);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.#index.delete(wk.indexKey);
    }
    st.watched = [];
    this.watchingClients--;
  }

  /** Marks `st` dirty (CAS): its EXEC will fail and its queue is dropped; `unwatch` drops its watches. */
  #dirty(st: MultiState, unwatch: boolean): void {
    st.dirtyCas = true;
    st.client.flags.add("d");
    st.resetQueue();
    if (unwatch) this.unwatchAll(st);
  }

  /** A key of database `db` was modified (Valkey's touchWatchedKey). */
  touch(db: Db, key: Uint8Array): void {
    if (this.#index.size === 0) return;
    const list = this.#index.get(Watches.indexKey(db.id, key));
    if (list === undefined) return;
    for (const wk of [...list]) {
      if (wk.expired) {
        // Watched while already expired: its deletion is no logical change.
        if (db.find(key) === NO_ENTRY) {
          wk.expired = false;
          continue;
        }
        // Valkey stops visiting the key's watchers here (a `break` out of its loop); kept for fidelity.
        break;
      }
      this.#dirty(wk.owner, true);
    }
  }

  /**
   * What emptying database `emptied` (FLUSHDB/FLUSHALL, or SWAPDB replacing its content with that of
   * `replacedWith`) does to the keys watched in it, computed BEFORE the change (Valkey's
   * touchAllWatchedKeysInDb). Apply with {@link applyPlan} once the command succeeded.
   */
  planFlush(dbs: readonly Db[], emptied: number, replacedWith: number | null, now: number): WatchAction[] {
    const out: WatchAction[] = [];
    if (this.#index.size === 0) return out;
    const edb = dbs[emptied]!;
    const rdb = replacedWith === null ? undefined : dbs[replacedWith];
    const prefix = `${emptied}:`;
    for (const [ik, list] of this.#index) {
      if (!ik.startsWith(prefix)) continue;
      const key = list[0]!.key;
      const inEmptied = edb.find(key) !== NO_ENTRY;
      const inReplaced = rdb !== undefined && rdb.find(key) !== NO_ENTRY;
      if (!inEmptied && !inReplaced) continue;
      for (const wk of list) {
        if (wk.expired) {
          if (!inReplaced) {
            out.push({ wk, action: "clearExpired" });
            continue;
          }
          if (keyIsExpired(rdb!, key, now)) continue;
        } else if (!inEmptied && keyIsExpired(rdb!, key, now)) {
          out.push({ wk, action: "setExpired" });
          continue;
        }
        out.push({ wk, action: "dirty" });
      }
    }
    return out;
  }

  /** Applies a plan of {@link planFlush}. */
  applyPlan(plan: readonly WatchAction[]): void {
    for (const { wk, action } of plan) {
      if (action === "clearExpired") wk.expired = false;
      else if (action === "setExpired") wk.expired = true;
      // As Valkey, a flush marks the watcher dirty but leaves its watches in place.
      else this.#dirty(wk.owner, false);
    }
  }

  /** Whether a key `st` watched (not expired when watched) has expired since (Valkey's isWatchedKeyExpired). */
  anyExpired(st: MultiState, dbs: readonly Db[], now: number): boolean {
    for (const wk of st.watched) {
      if (wk.expired) continue;
      const db = dbs[wk.dbId];
      if (db !== undefined && keyIsExpired(db, wk.key, now)) return true;
    }
    return false;
  }
}
