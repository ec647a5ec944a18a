/**
 * Client-side caching: CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (declared in client.ts), and the
 * wiring of the tracking table (core/server/tracking.ts) into the server: which keys a tracking client
 * reads, and the invalidation messages it gets when they change (Valkey 8.1's behaviour).
 *
 * What is remembered. After a command flagged READONLY (EXEC's queued ones included), the keys its key
 * specs find are remembered for the client that ran it, if it tracks in default mode — under OPTIN only
 * when CLIENT CACHING YES came just before, under OPTOUT unless CLIENT CACHING NO did. CLIENT CACHING
 * lasts for the next command, or for the whole transaction when given before or inside MULTI (CLIENT
 * subcommands do not use it up).
 *
 * What invalidates. Every modification of a key (the server's keyModified signal: writes, expiry,
 * eviction), flushes (one null invalidation to every tracking client, the table emptied), and the table's
 * limit (`tracking-table-max-keys`, enforced before each command and by the cron: the dropped keys'
 * readers are invalidated as if the keys changed). SWAPDB invalidates nothing, as in Valkey.
 *
 * Messages. To a RESP3 client: the push `>2 invalidate <keys>`, where keys is an array of key names, or a
 * null for a flush (the null of the tracking client's protocol, as Valkey writes it). With REDIRECT the
 * message goes to the other client: a push if it speaks RESP3, else a Pub/Sub message on
 * `__redis__:invalidate` if it is subscribed to anything; a RESP2 client without redirection gets nothing.
 * When the redirect client is gone, a RESP3 tracking client gets `>2 tracking-redir-broken <id>` instead
 * (and CLIENT LIST flag R). Invalidations for the client whose command caused them are held until that
 * command (or the whole EXEC) has replied; pushes to the client executing go through Pub/Sub's deferred
 * writer for the same reason (core/commands/pubsub/state.ts), which also keeps them out of the reach of
 * CLIENT REPLY OFF/SKIP. NOLOOP: in default mode, no message about keys the client modified itself; in
 * BCAST mode, a key is left out of the client's message when the client modified it last.
 *
 * Broadcasting. BCAST clients get the keys modified under each of their prefixes once per event-loop turn
 * (Valkey's beforeSleep): one message per prefix, its keys in the order they were first modified.
 *
 * Cost. While no client tracks, a write costs one check of `table.idle` in the keyModified listener, and a
 * command one check in the gate and one in the after-command hook.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { type ClientTracking, type TrackingTable } from "../../server/tracking.ts";
import { latin1, latin1Bytes } from "../../util/latin1.ts";
import { parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { installPubSub } from "../pubsub/install.ts";
import { type PubSub, pubsubState } from "../pubsub/state.ts";
import { commandKeys } from "../server/keys_from_spec.ts";
import type { CommandSpec } from "../spec.ts";
import {
  ERR_CACHING_NO_NEEDS_OPTOUT,
  ERR_CACHING_NOT_TRACKING,
  ERR_CACHING_YES_NEEDS_OPTIN,
  ERR_TRACKING_BCAST_OPTIN,
  ERR_TRACKING_NO_REDIRECT_CLIENT,
  ERR_TRACKING_ONE_REDIRECT,
  ERR_TRACKING_OPTIN_AND_OPTOUT,
  ERR_TRACKING_PREFIX_NEEDS_BCAST,
  ERR_TRACKING_SWITCH_BCAST,
  ERR_TRACKING_SWITCH_OPTIN,
  errPrefixOverlapsExisting,
  errPrefixOverlapsProvided,
} from "./errors.ts";
import { connectionHooks } from "./hooks.ts";
import { cstr, cstrEquals } from "./text.ts";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const INVALIDATE = ascii("invalidate");
const REDIR_BROKEN = ascii("tracking-redir-broken");
const MESSAGE = ascii("message");
/** The Pub/Sub channel RESP2 redirect clients receive invalidations on. */
export const TRACKING_CHANNEL = ascii("__redis__:invalidate");
const NULL_RESP2 = ascii("$-1\r\n");
const NULL_RESP3 = ascii("_\r\n");

/** The client-side caching of one server: the table plus delivery. */
export class Tracking {
  readonly table: TrackingTable;
  readonly #ps: PubSub;
  /** `tracking-table-max-keys` (0: no limit). */
  maxKeys = 1_000_000;
  /** Invalidations for the executing client, sent after its command replied (null: a flush). */
  #pending: (Uint8Array | null)[] = [];
  #pendingFor: Client | null = null;
  #broadcastScheduled = false;

  constructor(readonly server: Server) {
    this.table = server.tracking;
    this.#ps = pubsubState(server);
  }

  // ---- per-client state -------------------------------------------------------------------------------

  /** The client's tracking record (undefined when tracking is off). */
  of(c: Client): ClientTracking | undefined {
    return this.table.idle ? undefined : this.table.get(c.id);
  }

  /** Turns tracking off for `c` (OFF, RESET, disconnection): it is forgotten by the table. */
  disable(c: Client): void {
    if (!this.table.disable(c.id)) return;
    c.flags.delete("t");
    c.flags.delete("R");
    c.flags.delete("B");
    if (this.#pendingFor === c && c.closed) {
      this.#pending = [];
      this.#pendingFor = null;
    }
  }

  // ---- invalidation -----------------------------------------------------------------------------------

  /** A key changed (Valkey's trackingInvalidateKey); `by` the client that changed it. */
  keyModified(key: Uint8Array, by: Client | null): void {
    const t = this.table;
    const k = latin1(key);
    if (t.prefixes.size > 0) {
      t.noteForBroadcast(key, k, by);
      this.#scheduleBroadcast();
    }
    this.#invalidateEntry(k, key);
  }

  /** Invalidates the readers of key `k` (binary string; `key` its bytes) and forgets them. */
  #invalidateEntry(k: string, key: Uint8Array): void {
    const ids = this.table.take(k);
    if (ids === undefined) return;
    if (typeof ids === "number") this.#invalidateFor(ids, key);
    else for (const id of ids) this.#invalidateFor(id, key);
  }

  #invalidateFor(id: number, key: Uint8Array): void {
    const ct = this.table.get(id);
    if (ct === undefined || ct.bcast) return;
    const c = ct.client;
    if (c === this.server.executingClient) {
      if (ct.noloop) return;
      this.#hold(c, key.slice());
      return;
    }
    // A key evicted to make room for this client's command, before it runs: NOLOOP still applies (the
    // client caused it), and otherwise the message goes out at once, before the command's reply.
    if (ct.noloop && c === this.server.admittingClient) return;
    this.#send(ct, key, false);
  }

  #hold(c: Client, item: Uint8Array | null): void {
    if (this.#pendingFor !== c) {
      this.#pending = [];
      this.#pendingFor = c;
    }
    this.#pending.push(item);
  }

  /** A flush (Valkey's trackingInvalidateKeysOnFlush): a null invalidation to every tracking client. */
  flushed(): void {
    const exec = this.server.executingClient;
    for (const ct of this.table.clients.values()) {
      if (ct.client === exec) this.#hold(ct.client, null);
      else this.#send(ct, ct.client.resp === 3 ? NULL_RESP3 : NULL_RESP2, true);
    }
    this.table.clearKeys();
  }

  /** Sends what was held for `c` while its command ran (after its reply). */
  releasePending(c: Client): void {
    if (this.#pendingFor !== c) return;
    const items = this.#pending;
    this.#pending = [];
    this.#pendingFor = null;
    const ct = this.of(c);
    if (ct === undefined || c.closed) return;
    for (const item of items) {
      if (item === null) this.#send(ct, c.resp === 3 ? NULL_RESP3 : NULL_RESP2, true);
      else this.#send(ct, item, false);
    }
  }

  /** Drops keys over `tracking-table-max-keys`, invalidating their readers (Valkey's trackingLimitUsedSlots). */
  enforceLimit(): void {
    for (const k of this.table.keysOverLimit(this.maxKeys)) this.#invalidateEntry(k, latin1Bytes(k));
  }

  /**
   * Writes one invalidation for tracking client `ct` (Valkey's sendTrackingMessage): the key `payload`, or
   * with `raw` a pre-encoded array of keys or null.
   */
  #send(ct: ClientTracking, payload: Uint8Array, raw: boolean): void {
    let c = ct.client;
    let redirected = false;
    if (ct.redirect !== 0) {
      const r = this.server.clients.get(ct.redirect);
      if (r === undefined || r.closed || r.closeAfterReply) {
        ct.brokenRedirect = true;
        c.flags.add("R");
        if (c.resp === 3 && !c.closed) {
          const w = this.#ps.pushWriter(c);
          w.pushHeader(2);
          w.bulk(REDIR_BROKEN);
          w.int(ct.redirect);
        }
        return;
      }
      c = r;
      redirected = true;
    }
    if (c.closed) return;
    let w;
    if (c.resp === 3) {
      w = this.#ps.pushWriter(c);
      w.pushHeader(2);
      w.bulk(INVALIDATE);
    } else if (redirected && c.flags.has("P")) {
      w = this.#ps.pushWriter(c);
      w.arrayHeader(3);
      w.bulk(MESSAGE);
      w.bulk(TRACKING_CHANNEL);
    } else return; // RESP2 has no pushes on the connection itself
    if (raw) w.raw(payload);
    else {
      w.arrayHeader(1);
      w.bulk(payload);
    }
  }

  // ---- broadcasting -----------------------------------------------------------------------------------

  /** At the end of the event-loop turn, after its I/O (where Valkey's beforeSleep broadcasts). */
  #scheduleBroadcast(): void {
    if (this.#broadcastScheduled) return;
    this.#broadcastScheduled = true;
    setImmediate(() => {
      this.#broadcastScheduled = false;
      this.broadcast();
    });
  }

  /** Sends each prefix's modified keys to its clients (Valkey's trackingBroadcastInvalidationMessages). */
  broadcast(): void {
    for (const { prefix, keys } of this.table.drainBroadcast()) {
      let common: Uint8Array | null = null;
      for (const ct of prefix.clients) {
        if (ct.noloop) {
          const own = keysArray(keys, ct.client);
          if (own !== null) this.#send(ct, own, true);
        } else this.#send(ct, common ??= keysArray(keys, null)!, true);
      }
    }
  }

  // ---- commands ---------------------------------------------------------------------------------------

  /** After a command ran (Valkey's call() and resetClient): keys remembered, holds released, CACHING used. */
  afterCommand(call: CommandCall): void {
    const c = call.client;
    const ct = this.of(c);
    if (ct !== undefined && !ct.bcast && isTrackedRead(call.spec)) {
      if (ct.optin ? ct.caching : !(ct.optout && ct.caching)) {
        const argv = call.argv;
        for (const ref of commandKeys(call.spec, argv)) this.table.remember(ct, argv[ref.pos]!);
      }
    }
    if ((call as { inExec?: boolean }).inExec === true) return;
    if (this.#pendingFor === c) this.releasePending(c);
    if (ct !== undefined && ct.caching && !c.flags.has("x") && !call.fullName.startsWith("client|")) {
      ct.caching = false;
    }
  }
}

/** `*<n>` and the keys as bulk strings, leaving out those `exclude` modified last; null when none is left. */
function keysArray(keys: Map<string, Client | null>, exclude: Client | null): Uint8Array | null {
  let n = 0;
  let bytes = 0;
  for (const [k, by] of keys) {
    if (exclude !== null && by === exclude) continue;
    n++;
    bytes += k.length + 16;
  }
  if (exclude !== null && n === 0) return null;
  const out = new Uint8Array(bytes + 16);
  let at = 0;
  const put = (s: string) => {
    for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  };
  put(`*${n}\r\n`);
  for (const [k, by] of keys) {
    if (exclude !== null && by === exclude) continue;
    put(`$${k.length}\r\n`);
    put(k);
    put("\r\n");
  }
  return out.subarray(0, at);
}

const trackedReads = new WeakMap<CommandSpec, boolean>();

/** Valkey tracks the keys of READONLY commands, but not of Pub/Sub ones (shard channels are keys there). */
function isTrackedRead(spec: CommandSpec): boolean {
  let v = trackedReads.get(spec);
  if (v === undefined) {
    v = spec.flags.includes("READONLY") && !spec.flags.includes("PUBSUB");
    trackedReads.set(spec, v);
  }
  return v;
}

const byServer = new WeakMap<Server, Tracking>();

/** The client-side caching of `server` (installed on first use). */
export function trackingOf(server: Server): Tracking {
  let t = byServer.get(server);
  if (t === undefined) {
    t = new Tracking(server);
    byServer.set(server, t);
    install(server, t);
  }
  return t;
}

/** Wires client-side caching into `server` (idempotent; the server calls it at startup). */
export function installTracking(server: Server): void {
  trackingOf(server);
}

function install(server: Server, tr: Tracking): void {
  installPubSub(server);
  const table = tr.table;
  const config = server.config;
  tr.maxKeys = config.getInt("tracking-table-max-keys");
  config.onChange("tracking-table-max-keys", () => {
    tr.maxKeys = config.getInt("tracking-table-max-keys");
    return null;
  });
  server.keyModifiedListeners.push((_db, key, by) => {
    if (table.idle || server.bulkKeySignals) return;
    tr.keyModified(key, by);
  });
  server.dbFlushedListeners.push(() => {
    if (!table.idle) tr.flushed();
  });
  // Before every other gate, as Valkey enforces the limit before MULTI queueing and the other checks.
  server.gates.unshift(() => {
    if (!table.idle) tr.enforceLimit();
    return false;
  });
  // Before Pub/Sub's hook, which releases the pushes deferred during the command (held ones go there too).
  server.afterCommandHooks.unshift((call) => {
    if (!table.idle) tr.afterCommand(call);
  });
  server.cronHooks.push(() => {
    if (!table.idle) tr.enforceLimit();
  });
  server.clientClosedHooks.push((c) => tr.disable(c));
  const hooks = connectionHooks(server);
  hooks.reset.push((c) => tr.disable(c));
  hooks.counters.push((c, out) => {
    const ct = tr.of(c);
    if (ct === undefined) return;
    out.redir = ct.redirect;
    out.trackingMem = ct.prefixBytes;
  });
}

// ---- CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO --------------------------------------------------

/**
 * CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]: options are read
 * in a loop as Valkey's (an option missing its value is a syntax error; the redirect client must exist
 * now), then checked against each other and the client's current mode.
 */
export function clientTracking(call: CommandCall): void {
  const tr = trackingOf(call.server);
  const argv = call.argv;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: Uint8Array[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const w = argv[j]!;
    if (cstrEquals(w, "redirect") && more > 0) {
      j++;
      if (redirect !== 0) return call.error(ERR_TRACKING_ONE_REDIRECT);
      const id = parseI64(argv[j]!);
      if (id === null) return call.error(ERR_NOT_INTEGER);
      const target = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER)
        ? call.server.clients.get(Number(id))
        : undefined;
      if (target === undefined) return call.error(ERR_TRACKING_NO_REDIRECT_CLIENT);
      redirect = target.id;
    } else if (cstrEquals(w, "bcast")) bcast = true;
    else if (cstrEquals(w, "optin")) optin = true;
    else if (cstrEquals(w, "optout")) optout = true;
    else if (cstrEquals(w, "noloop")) noloop = true;
    else if (cstrEquals(w, "prefix") && more > 0) prefixes.push(argv[++j]!);
    else return call.error(ERR_SYNTAX);
  }
  const c = call.client;
  if (cstrEquals(argv[2]!, "on")) {
    const ct = tr.of(c);
    if (!bcast && prefixes.length > 0) return call.error(ERR_TRACKING_PREFIX_NEEDS_BCAST);
    if (ct !== undefined && ct.bcast !== bcast) return call.error(ERR_TRACKING_SWITCH_BCAST);
    if (bcast && (optin || optout)) return call.error(ERR_TRACKING_BCAST_OPTIN);
    if (optin && optout) return call.error(ERR_TRACKING_OPTIN_AND_OPTOUT);
    if (ct !== undefined && ((optin && ct.optout) || (optout && ct.optin))) {
      return call.error(ERR_TRACKING_SWITCH_OPTIN);
    }
    if (bcast) {
      // Valkey also enables tracking after replying this error when the overlap is between two given
      // prefixes past the first one (two replies for one command); here the error is the only reply.
      const hit = tr.table.findPrefixCollision(ct, prefixes);
      if (hit !== null) {
        return call.error(
          hit.existing
            ? errPrefixOverlapsExisting(cstr(hit.prefix), cstr(hit.other))
            : errPrefixOverlapsProvided(cstr(hit.prefix), cstr(hit.other)),
        );
      }
    }
    tr.table.enable(c, { bcast, optin, optout, noloop, redirect, prefixes });
    c.flags.add("t");
    c.flags.delete("R");
    if (bcast) c.flags.add("B");
  } else if (cstrEquals(argv[2]!, "off")) {
    tr.disable(c);
  } else return call.error(ERR_SYNTAX);
  call.reply.ok();
}

/** CLIENT CACHING YES|NO: the next command's keys are (YES, under OPTIN) or are not (NO, under OPTOUT) tracked. */
export function clientCaching(call: CommandCall): void {
  const ct = trackingOf(call.server).of(call.client);
  if (ct === undefined) return call.error(ERR_CACHING_NOT_TRACKING);
  const opt = call.argv[2]!;
  if (cstrEquals(opt, "yes")) {
    if (!ct.optin) return call.error(ERR_CACHING_YES_NEEDS_OPTIN);
  } else if (cstrEquals(opt, "no")) {
    if (!ct.optout) return call.error(ERR_CACHING_NO_NEEDS_OPTOUT);
  } else return call.error(ERR_SYNTAX);
  ct.caching = true;
  call.reply.ok();
}

/** CLIENT GETREDIR: the redirect client id, 0 without redirection, -1 when tracking is off. */
export function clientGetredir(call: CommandCall): void {
  call.reply.int(trackingOf(call.server).of(call.client)?.redirect ?? -1);
}

/** CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes. */
export function clientTrackinginfo(call: CommandCall): void {
  const ct = trackingOf(call.server).of(call.client);
  const w = call.reply;
  const flags: string[] = [ct === undefined ? "off" : "on"];
  if (ct !== undefined) {
    if (ct.bcast) flags.push("bcast");
    if (ct.optin) {
      flags.push("optin");
      if (ct.caching) flags.push("caching-yes");
    }
    if (ct.optout) {
      flags.push("optout");
      if (ct.caching) flags.push("caching-no");
    }
    if (ct.noloop) flags.push("noloop");
    if (ct.brokenRedirect) flags.push("broken_redirect");
  }
  w.mapHeader(3);
  w.bulkStr("flags");
  w.setHeader(flags.length);
  for (const f of flags) w.bulkStr(f);
  w.bulkStr("redirect");
  w.int(ct === undefined ? -1 : ct.redirect);
  w.bulkStr("prefixes");
  const prefixes = ct === undefined ? [] : ct.sortedPrefixes();
  w.arrayHeader(prefixes.length);
  for (const p of prefixes) w.bulk(p);
}
