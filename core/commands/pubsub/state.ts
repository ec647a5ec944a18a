/**
 * Pub/Sub state of one server: who listens to which channel, pattern and shard channel, and the delivery
 * of messages into the subscribers' reply writers (Valkey's pubsub.c, behaviour only).
 *
 * Layout. Three server-side indexes map a name to the set of clients listening on it; every client that
 * ever subscribed has a {@link ClientSubs} with the same three relations seen from its side:
 *
 *     server side                                    client side (ClientSubs of client 7)
 *     channels  "news"   ──► { name, clients: {7, 9} }    channels  "news"  ──► bytes
 *               "sport"  ──► { name, clients: {7} }                "sport" ──► bytes
 *     patterns  "n*"     ──► { name, clients: {9} }      patterns  (none)
 *     shard     "orders" ──► { name, clients: {7} }      shard     "orders" ──► bytes
 *
 * Names are keyed by their bytes decoded as latin1 (one char per byte, so distinct byte strings give
 * distinct keys and no UTF-8 validation happens); the entry keeps an owned copy of the bytes to reply with.
 * Maps keep insertion order, so "unsubscribe from all" walks a client's subscriptions oldest first.
 *
 * Memory: an entry is a JS object plus a Set (about 150 bytes) plus the name twice (key string and bytes);
 * a client's subscription adds one Map slot on each side. Pub/Sub state is small compared with the
 * keyspace, so plain Maps are the right tool here.
 *
 * Invariants:
 * - A server-side entry exists only while its client set is non-empty (so PUBSUB CHANNELS lists active
 *   channels only, and millions of short-lived channels cannot leak).
 * - `c` is in `channels[n].clients` iff `n` is in `subsOf(c).channels` (same for patterns and shard).
 * - Flag `P` is set on a client iff it has at least one subscription of any kind; a client has a
 *   ClientSubs only while it has a subscription (their count is INFO's `pubsub_clients`).
 *
 * Delivery. A message for a client is written to its writer and the client is flushed once per event-loop
 * turn (a microtask), so a burst of PUBLISH calls costs one socket write per receiver. A push for the
 * client whose command is executing is held back until that command (or the whole EXEC) has replied, as
 * Valkey does for `pending_push_messages` — except for the SUBSCRIBE family, whose pushes are their reply.
 *
 * @module
 */

import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { ReplyWriter } from "../../resp/writer.ts";
import { globMatch } from "../../util/glob.ts";
import type { CommandCall } from "../call.ts";

const latin1 = new TextDecoder("latin1");

/** The map key of a channel or pattern name. */
export function nameKey(b: Uint8Array): string {
  return latin1.decode(b);
}

/** Listeners of one channel, pattern or shard channel. */
export interface Listeners {
  /** Owned copy of the name. */
  readonly name: Uint8Array;
  readonly clients: Set<Client>;
}

/** The three kinds of subscription. */
export type SubKind = "channel" | "pattern" | "shard";

/** What one client listens to. */
export interface ClientSubs {
  readonly channels: Map<string, Uint8Array>;
  readonly patterns: Map<string, Uint8Array>;
  readonly shard: Map<string, Uint8Array>;
}

const MESSAGE = new TextEncoder().encode("message");
const PMESSAGE = new TextEncoder().encode("pmessage");
const SMESSAGE = new TextEncoder().encode("smessage");

/** Commands whose pushes are their own reply (Valkey's cmdHasPushAsReply). */
const PUSH_AS_REPLY = new Set([
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "ssubscribe",
  "sunsubscribe",
]);

export class PubSub {
  readonly channels = new Map<string, Listeners>();
  readonly patterns = new Map<string, Listeners>();
  readonly shardChannels = new Map<string, Listeners>();
  readonly #subs = new Map<Client, ClientSubs>();
  /** The command executing now (set by the front gate, cleared after it ran). */
  executing: CommandCall | null = null;
  /** Pushes for the executing client, held until its command replied. */
  #deferred: ReplyWriter | null = null;
  #deferredFor: Client | null = null;
  /** Receivers written to since the last flush. */
  readonly #toFlush = new Set<Client>();
  /** Pushes of silenced (CLIENT REPLY OFF/SKIP) clients waiting for the truncation of their output. */
  readonly #silenced = new Map<Client, ReplyWriter>();
  #flushScheduled = false;

  constructor(readonly server: Server | undefined) {}

  /** The subscriptions of `c` (empty when it never subscribed). */
  subsOf(c: Client): ClientSubs | undefined {
    return this.#subs.get(c);
  }

  #ensureSubs(c: Client): ClientSubs {
    let s = this.#subs.get(c);
    if (s === undefined) {
      s = { channels: new Map(), patterns: new Map(), shard: new Map() };
      this.#subs.set(c, s);
    }
    return s;
  }

  /** Channels plus patterns of `c` (the count SUBSCRIBE / PSUBSCRIBE replies carry). */
  subscriptionCount(c: Client): number {
    const s = this.#subs.get(c);
    return s === undefined ? 0 : s.channels.size + s.patterns.size;
  }

  /** Shard channels of `c` (the count SSUBSCRIBE replies carry). */
  shardSubscriptionCount(c: Client): number {
    return this.#subs.get(c)?.shard.size ?? 0;
  }

  /** Count a (un)subscribe reply of `kind` carries. */
  countFor(c: Client, kind: SubKind): number {
    return kind === "shard" ? this.shardSubscriptionCount(c) : this.subscriptionCount(c);
  }

  #serverMap(kind: SubKind): Map<string, Listeners> {
    return kind === "channel" ? this.channels : kind === "pattern" ? this.patterns : this.shardChannels;
  }

  #clientMap(s: ClientSubs, kind: SubKind): Map<string, Uint8Array> {
    return kind === "channel" ? s.channels : kind === "pattern" ? s.patterns : s.shard;
  }

  /** Subscribes `c` to `name`; true when it was not subscribed yet. */
  subscribe(c: Client, name: Uint8Array, kind: SubKind): boolean {
    const s = this.#ensureSubs(c);
    const mine = this.#clientMap(s, kind);
    const key = nameKey(name);
    if (mine.has(key)) return false;
    const all = this.#serverMap(kind);
    let l = all.get(key);
    if (l === undefined) {
      l = { name: name.slice(), clients: new Set() };
      all.set(key, l);
    }
    l.clients.add(c);
    mine.set(key, l.name);
    c.flags.add("P");
    return true;
  }

  /** Unsubscribes `c` from `name`; true when it was subscribed. */
  unsubscribe(c: Client, name: Uint8Array, kind: SubKind): boolean {
    const s = this.#subs.get(c);
    if (s === undefined) return false;
    const key = nameKey(name);
    const mine = this.#clientMap(s, kind);
    if (!mine.delete(key)) return false;
    const all = this.#serverMap(kind);
    const l = all.get(key);
    if (l !== undefined) {
      l.clients.delete(c);
      if (l.clients.size === 0) all.delete(key);
    }
    return true;
  }

  /** Names `c` is subscribed to, oldest first (a copy, safe to iterate while unsubscribing). */
  namesOf(c: Client, kind: SubKind): Uint8Array[] {
    const s = this.#subs.get(c);
    return s === undefined ? [] : [...this.#clientMap(s, kind).values()];
  }

  /** Clears flag `P` once `c` has no subscription left (Valkey's unmarkClientAsPubSub). */
  updateFlag(c: Client): void {
    const s = this.#subs.get(c);
    if (s === undefined || s.channels.size + s.patterns.size + s.shard.size === 0) {
      c.flags.delete("P");
      this.#subs.delete(c);
    }
  }

  /** Drops every subscription of `c` silently (disconnect, RESET). */
  dropClient(c: Client): void {
    for (const kind of ["channel", "pattern", "shard"] as const) {
      for (const n of this.namesOf(c, kind)) this.unsubscribe(c, n, kind);
    }
    this.#subs.delete(c);
    c.flags.delete("P");
    this.#toFlush.delete(c);
    if (this.#deferredFor === c) {
      this.#deferred = null;
      this.#deferredFor = null;
    }
  }

  /** Clients with at least one subscription (INFO `pubsub_clients`). */
  get clientCount(): number {
    return this.#subs.size;
  }

  /**
   * Delivers `message` on `channel` (SPUBLISH when `shard`): channel subscribers first, then (not for
   * shard channels) each matching pattern's subscribers. Returns the number of deliveries.
   */
  publish(channel: Uint8Array, message: Uint8Array, shard: boolean): number {
    let receivers = 0;
    const key = nameKey(channel);
    const l = (shard ? this.shardChannels : this.channels).get(key);
    if (l !== undefined) {
      const head = shard ? SMESSAGE : MESSAGE;
      for (const c of l.clients) {
        const w = this.pushWriter(c);
        w.pushHeader(3);
        w.bulk(head);
        w.bulk(channel);
        w.bulk(message);
        receivers++;
      }
    }
    if (!shard && this.patterns.size > 0) {
      for (const p of this.patterns.values()) {
        if (!globMatch(p.name, channel)) continue;
        for (const c of p.clients) {
          const w = this.pushWriter(c);
          w.pushHeader(4);
          w.bulk(PMESSAGE);
          w.bulk(p.name);
          w.bulk(channel);
          w.bulk(message);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** Whether anyone listens at all (keyspace events skip building channel names otherwise). */
  get idle(): boolean {
    return this.channels.size === 0 && this.patterns.size === 0;
  }

  /**
   * The writer a push for `c` goes to (Pub/Sub messages, client tracking's invalidations): its own, flushed
   * at the end of the turn, or the deferred one while `c`'s command executes, appended after its reply.
   */
  pushWriter(c: Client): ReplyWriter {
    const ex = this.executing;
    if (ex !== null && ex.client === c && !PUSH_AS_REPLY.has(ex.spec.name)) {
      if (this.#deferredFor !== c || this.#deferred === null) {
        this.#deferred = new ReplyWriter();
        this.#deferredFor = c;
        this.#scheduleFlush();
      }
      this.#deferred.proto = c.writer.proto;
      return this.#deferred;
    }
    this.#toFlush.add(c);
    this.#scheduleFlush();
    return c.writer;
  }

  /** Appends the held-back pushes of `c` to its writer (after its command replied). */
  releaseDeferred(c: Client): void {
    if (this.#deferredFor !== c || this.#deferred === null) return;
    const d = this.#deferred;
    this.#deferred = null;
    this.#deferredFor = null;
    if (d.length > 0 && !c.closed) this.ownPushWriter(c, false).raw(d.take());
  }

  /**
   * The writer for a push to `c` written while `c`'s own command runs (the SUBSCRIBE family's replies,
   * released pushes). Pushes are never silenced by CLIENT REPLY OFF / SKIP (Valkey's CLIENT_PUSHING), but
   * the server drops a silenced command's output right after it ran by truncating the writer: such pushes
   * go to a side writer that is appended right after that truncation. Inside EXEC (`inExec`) the push is
   * part of the EXEC reply and goes to the client's writer.
   */
  ownPushWriter(c: Client, inExec: boolean): ReplyWriter {
    if (inExec || (!c.replyOff && !c.skipThis)) return c.writer;
    let side = this.#silenced.get(c);
    if (side === undefined) {
      side = new ReplyWriter();
      this.#silenced.set(c, side);
      const w = c.writer;
      const restore = () => {
        delete (w as unknown as Record<string, unknown>).truncate;
        const pending = this.#silenced.get(c);
        this.#silenced.delete(c);
        if (pending !== undefined && pending.length > 0 && !c.closed) w.raw(pending.take());
      };
      w.truncate = (mark: number) => {
        ReplyWriter.prototype.truncate.call(w, mark);
        restore();
      };
      // Safety net: a command whose output is not truncated after all still gets its pushes.
      queueMicrotask(() => {
        if (this.#silenced.get(c) !== side) return;
        restore();
        this.#toFlush.add(c);
        this.#scheduleFlush();
      });
    }
    side.proto = c.writer.proto;
    return side;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.flushPending());
  }

  /**
   * Writes what was queued for receivers to their sockets. Also ends a stale `executing` mark (a command
   * a gate rejected never reaches the after-command hook) and releases pushes held for it.
   */
  flushPending(): void {
    this.#flushScheduled = false;
    const ex = this.executing;
    if (ex !== null) {
      this.executing = null;
      const c = ex.client;
      if (this.#deferredFor === c) {
        this.releaseDeferred(c);
        this.#toFlush.add(c);
      }
    }
    const server = this.server;
    const list = [...this.#toFlush];
    this.#toFlush.clear();
    if (server === undefined) return;
    for (const c of list) if (!c.closed) server.flush(c);
  }
}

const byServer = new WeakMap<Server, PubSub>();

/** The Pub/Sub state of `server` (created on first use). */
export function pubsubState(server: Server): PubSub {
  let s = byServer.get(server);
  if (s === undefined) {
    s = new PubSub(server);
    byServer.set(server, s);
  }
  return s;
}
