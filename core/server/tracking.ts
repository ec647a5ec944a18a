/**
 * The tracking table of client-side caching (CLIENT TRACKING; the behaviour of Valkey's tracking.c, not
 * its code): which clients may hold which keys in their local cache, and which key prefixes the clients
 * in broadcasting mode listen to. It is pure bookkeeping: core/commands/connection/tracking.ts decides
 * when keys are remembered and delivers the invalidation messages.
 *
 * Two modes
 * ---------
 * - Default mode: every key a tracking client reads (keys of its READONLY commands) is remembered with its
 *   id; when the key is modified, every id remembered for it gets one invalidation and the entry goes (a
 *   client has to read the key again to hear about it again).
 * - BCAST mode: nothing is remembered per read. The client subscribes to prefixes; every modified key
 *   that starts with a prefix is collected in that prefix's pending set (with the client that modified it
 *   last, for NOLOOP), and once per event-loop turn each prefix's keys are sent to its clients as one
 *   message (Valkey's trackingBroadcastInvalidationMessages in beforeSleep).
 *
 * Keys are global, not per database: a client that read `k` in db 0 is invalidated when `k` changes in
 * any database, as in Valkey. A flush (FLUSHDB, FLUSHALL...) empties the whole table.
 *
 * Layout
 * ------
 * Keys and prefixes are map keys as binary strings, one char per byte (distinct byte strings give distinct
 * strings, and the bytes come back exactly: {@link latin1} / {@link latin1Bytes}).
 *
 *     keys      "user:1" ──► 7                 one reader: its id inline (no Set for the common case)
 *               "user:2" ──► Set{7, 9}         several readers
 *     clients   7 ──► ClientTracking { flags, redirect, keys: {"user:1", "user:2"}, prefixes: {} }
 *               9 ──► ClientTracking { flags, redirect, keys: {"user:2"}, prefixes: {} }
 *              12 ──► ClientTracking { bcast, prefixes: {"news:"} }
 *     prefixes  "news:" ──► { bytes, clients: {ClientTracking 12}, pending: {"news:1" ──► modifier} }
 *
 * Each client record lists the keys holding its id, so turning tracking off or disconnecting removes the
 * client from the table at once (Valkey leaves the ids of gone clients in its table until their keys are
 * modified or evicted; INFO's tracking_total_keys/items therefore drop at once here, and a client that
 * turns tracking off and on again is not invalidated for the keys it read before).
 *
 * Memory
 * ------
 * Measured on Deno (V8 heap, 100k keys of 12 bytes): one client tracking N keys costs ~95 B per key (the
 * keys map entry, the key string, the client's key-set entry); a second reader of the same keys adds ~50 B
 * per key (its key-set entry and the Set of ids replacing the inline id), each further one ~26 B. The
 * table is bounded by `tracking-table-max-keys` (default 1M keys): past it, the oldest tracked keys are
 * dropped and their readers invalidated as if the keys had changed (Valkey picks random keys; oldest first
 * needs no sampling and keeps the most recently tracked keys). A record whose client turns tracking off is deleted.
 *
 * For INFO used_memory and maxmemory, the table counts what Valkey's radix trees cost for the same
 * content, measured on valkey-server 8.1.1 ({@link KEY_BYTES}, {@link ITEM_BYTES}), so a `maxmemory`
 * sized for Valkey behaves the same here.
 *
 * Invariants:
 * - `id` is in `keys[k]` iff `k` is in `clients[id].keys`; an entry of `keys` is never empty, and
 *   `itemCount` is the number of (key, id) pairs.
 * - Only clients in default mode have keys; a record exists iff its client has tracking on.
 * - A prefix exists iff at least one client listens to it; `c` is in `prefixes[p].clients` iff `p` is in
 *   `c.prefixes`.
 *
 * @module
 */

import type { Client } from "./client.ts";
import { latin1 } from "../util/latin1.ts";

/** Valkey 8.1.1's used_memory per tracked key, besides the key's bytes (rax nodes of the key table). */
export const KEY_BYTES = 24;
/** Valkey 8.1.1's used_memory per (key, client) pair (the per-key rax of client ids). */
export const ITEM_BYTES = 56;
/** Valkey's estimate of a client's prefix tree, per rax node (CLIENT LIST tot-mem). */
export const PREFIX_NODE_BYTES = 32;
/** Keys dropped per limit enforcement on the first try; each try still over the limit adds as many. */
export const LIMIT_EFFORT = 100;

const NONE: readonly string[] = [];

/** What CLIENT TRACKING ON asks for. */
export interface TrackingOptions {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** Client id invalidations go to; 0 for the client itself. */
  redirect: number;
  prefixes: readonly Uint8Array[];
}

/** The tracking state of one client with tracking on. */
export class ClientTracking {
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING was given for the next command (YES under OPTIN, NO under OPTOUT). */
  caching = false;
  /** The redirect client went away (CLIENT LIST flag `R`, TRACKINGINFO `broken_redirect`). */
  brokenRedirect = false;
  /** The client id invalidations are redirected to; 0 for none. */
  redirect = 0;
  /** BCAST prefixes: binary string → bytes. */
  readonly prefixes = new Map<string, Uint8Array>();
  /** Keys of the table that hold this client's id (default mode). */
  readonly keys = new Set<string>();

  constructor(readonly client: Client) {}

  /**
   * Memory of the client's prefix list as Valkey counts it in the client's memory (CLIENT LIST tot-mem,
   * maxmemory-clients): PREFIX_NODE_BYTES per node of its radix tree, estimated as one node per prefix
   * plus the root (the root alone for the empty prefix).
   */
  get prefixBytes(): number {
    const n = this.prefixes.size;
    if (n === 0) return 0;
    return (n === 1 && this.prefixes.has("") ? 1 : n + 1) * PREFIX_NODE_BYTES;
  }

  /** The prefixes in Valkey's order (its radix tree's: bytewise ascending). */
  sortedPrefixes(): Uint8Array[] {
    return [...this.prefixes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) =>
      this.prefixes.get(k)!
    );
  }
}

/** One BCAST prefix: its listeners and the keys modified under it since the last broadcast. */
export interface BcastPrefix {
  readonly bytes: Uint8Array;
  readonly clients: Set<ClientTracking>;
  /** Modified keys (binary strings) → the client that modified each last (null: expiry, eviction...). */
  pending: Map<string, Client | null>;
}

/** Two prefixes overlap: one starts with the other (the empty prefix overlaps every prefix). */
export function prefixesOverlap(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A prefix collision CLIENT TRACKING ON refuses: `prefix` overlaps `other`, which the client has or gave. */
export interface PrefixCollision {
  prefix: Uint8Array;
  other: Uint8Array;
  existing: boolean;
}

export class TrackingTable {
  /** Clients with tracking on, by id (INFO tracking_clients). */
  readonly clients = new Map<number, ClientTracking>();
  readonly #keys = new Map<string, number | Set<number>>();
  readonly prefixes = new Map<string, BcastPrefix>();
  #items = 0;
  #keyBytes = 0;
  /** Prefixes with pending keys. */
  readonly #dirtyPrefixes = new Set<BcastPrefix>();
  /** Live iterator over the keys, oldest first, for the limit's evictions. */
  #evictIter: Iterator<string> | null = null;
  /** Limit enforcements in a row that ended still over the limit (Valkey's timeout_counter). */
  #overLimitRuns = 0;

  /** No client tracks: the table and the prefixes are empty. */
  get idle(): boolean {
    return this.clients.size === 0;
  }

  /** Clients with tracking on (INFO tracking_clients). */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Tracked keys (INFO tracking_total_keys). */
  get keyCount(): number {
    return this.#keys.size;
  }

  /** (key, client) pairs (INFO tracking_total_items). */
  get itemCount(): number {
    return this.#items;
  }

  /** BCAST prefixes with at least one client (INFO tracking_total_prefixes). */
  get prefixCount(): number {
    return this.prefixes.size;
  }

  /** Bytes Valkey would use for the same table (INFO used_memory, maxmemory). */
  get memoryBytes(): number {
    return this.#keyBytes + this.#keys.size * KEY_BYTES + this.#items * ITEM_BYTES;
  }

  /** Whether some prefix has keys waiting for the next broadcast. */
  get broadcastPending(): boolean {
    return this.#dirtyPrefixes.size > 0;
  }

  get(id: number): ClientTracking | undefined {
    return this.clients.get(id);
  }

  /**
   * The first collision among `prefixes` (each against the client's current prefixes in their order,
   * then against the prefixes given after it), or null (Valkey's checkPrefixCollisionsOrReply).
   */
  findPrefixCollision(
    ct: ClientTracking | undefined,
    prefixes: readonly Uint8Array[],
  ): PrefixCollision | null {
    const existing = ct === undefined ? [] : ct.sortedPrefixes();
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const e of existing) if (prefixesOverlap(e, p)) return { prefix: p, other: e, existing: true };
      for (let j = i + 1; j < prefixes.length; j++) {
        if (prefixesOverlap(p, prefixes[j]!)) return { prefix: p, other: prefixes[j]!, existing: false };
      }
    }
    return null;
  }

  /**
   * CLIENT TRACKING ON (Valkey's enableTracking): the client's record, created or updated. The mode flags
   * and the redirection are replaced; the keys it already tracks and a pending CLIENT CACHING stay. In BCAST
   * mode the prefixes are added to the ones it has (the empty prefix when none is given).
   */
  enable(client: Client, opts: TrackingOptions): ClientTracking {
    let ct = this.clients.get(client.id);
    if (ct === undefined) {
      ct = new ClientTracking(client);
      this.clients.set(client.id, ct);
    }
    ct.brokenRedirect = false;
    ct.bcast = opts.bcast;
    ct.optin = opts.optin;
    ct.optout = opts.optout;
    ct.noloop = opts.noloop;
    ct.redirect = opts.redirect;
    if (opts.bcast) {
      if (opts.prefixes.length === 0) this.#listen(ct, new Uint8Array(0));
      for (const p of opts.prefixes) this.#listen(ct, p);
    }
    return ct;
  }

  #listen(ct: ClientTracking, prefix: Uint8Array): void {
    const k = latin1(prefix);
    let p = this.prefixes.get(k);
    if (p === undefined) {
      p = { bytes: prefix.slice(), clients: new Set(), pending: new Map() };
      this.prefixes.set(k, p);
    }
    if (p.clients.has(ct)) return;
    p.clients.add(ct);
    ct.prefixes.set(k, p.bytes);
  }

  /** CLIENT TRACKING OFF, RESET or a disconnection: the client is forgotten. False when it was not tracking. */
  disable(id: number): boolean {
    const ct = this.clients.get(id);
    if (ct === undefined) return false;
    for (const k of ct.prefixes.keys()) {
      const p = this.prefixes.get(k);
      if (p === undefined) continue;
      p.clients.delete(ct);
      if (p.clients.size === 0) {
        this.prefixes.delete(k);
        this.#dirtyPrefixes.delete(p);
      }
    }
    ct.prefixes.clear();
    for (const k of ct.keys) this.#dropId(k, id);
    ct.keys.clear();
    this.clients.delete(id);
    return true;
  }

  #dropId(k: string, id: number): void {
    const e = this.#keys.get(k);
    if (e === undefined) return;
    if (typeof e === "number") {
      if (e !== id) return;
      this.#deleteKey(k);
    } else {
      if (!e.delete(id)) return;
      if (e.size === 1) this.#keys.set(k, e.values().next().value!);
    }
    this.#items--;
  }

  #deleteKey(k: string): void {
    this.#keys.delete(k);
    this.#keyBytes -= k.length;
  }

  /** Remembers that the client may cache `key` (a key of a READONLY command it ran). */
  remember(ct: ClientTracking, key: Uint8Array): void {
    const id = ct.client.id;
    const k = latin1(key);
    const e = this.#keys.get(k);
    if (e === undefined) {
      this.#keys.set(k, id);
      this.#keyBytes += k.length;
    } else if (typeof e === "number") {
      if (e === id) return;
      this.#keys.set(k, new Set([e, id]));
    } else {
      if (e.has(id)) return;
      e.add(id);
    }
    this.#items++;
    ct.keys.add(k);
  }

  /**
   * Removes the entry of `key` (a binary string) and returns the ids that were remembered for it (one id,
   * a set of them, or undefined when nobody tracked the key).
   */
  take(k: string): number | Set<number> | undefined {
    const e = this.#keys.get(k);
    if (e === undefined) return undefined;
    this.#deleteKey(k);
    if (typeof e === "number") {
      this.#items--;
      this.clients.get(e)?.keys.delete(k);
    } else {
      this.#items -= e.size;
      for (const id of e) this.clients.get(id)?.keys.delete(k);
    }
    return e;
  }

  /** Records a modified key for every prefix it starts with (BCAST), `by` the client that modified it. */
  noteForBroadcast(key: Uint8Array, k: string, by: Client | null): void {
    for (const p of this.prefixes.values()) {
      const pb = p.bytes;
      if (pb.length > key.length) continue;
      let match = true;
      for (let i = 0; i < pb.length; i++) {
        if (pb[i] !== key[i]) {
          match = false;
          break;
        }
      }
      if (!match) continue;
      p.pending.set(k, by);
      this.#dirtyPrefixes.add(p);
    }
  }

  /** The prefixes with pending keys, their pending sets emptied for the next turn (the caller sends them). */
  drainBroadcast(): { prefix: BcastPrefix; keys: Map<string, Client | null> }[] {
    const out: { prefix: BcastPrefix; keys: Map<string, Client | null> }[] = [];
    for (const p of this.#dirtyPrefixes) {
      if (p.pending.size === 0) continue;
      out.push({ prefix: p, keys: p.pending });
      p.pending = new Map();
    }
    this.#dirtyPrefixes.clear();
    return out;
  }

  /** A flush: every tracked key is forgotten (the clients are told with one null invalidation). */
  clearKeys(): void {
    this.#keys.clear();
    this.#items = 0;
    this.#keyBytes = 0;
    this.#evictIter = null;
    for (const ct of this.clients.values()) ct.keys.clear();
  }

  /**
   * The keys to drop to get back within `maxKeys` (0: no limit), oldest first: at most
   * LIMIT_EFFORT x (runs in a row that ended over the limit + 1) per call, as Valkey's
   * trackingLimitUsedSlots spreads the work. The caller invalidates each with {@link take}.
   */
  keysOverLimit(maxKeys: number): readonly string[] {
    const over = maxKeys > 0 ? this.#keys.size - maxKeys : 0;
    if (over <= 0) {
      this.#overLimitRuns = 0;
      return NONE;
    }
    const effort = LIMIT_EFFORT * (this.#overLimitRuns + 1);
    const n = Math.min(over, effort);
    if (over > effort) this.#overLimitRuns++;
    else this.#overLimitRuns = 0;
    const out: string[] = [];
    while (out.length < n) {
      this.#evictIter ??= this.#keys.keys();
      const r = this.#evictIter.next();
      if (r.done === true) {
        this.#evictIter = null;
        if (out.length > 0 || this.#keys.size === 0) break;
        continue;
      }
      out.push(r.value);
    }
    return out;
  }

  /** Ids remembered for `key` (tests and introspection). */
  readersOf(key: Uint8Array): number[] {
    const e = this.#keys.get(latin1(key));
    if (e === undefined) return [];
    return typeof e === "number" ? [e] : [...e];
  }
}
