/**
 * maxmemory: memory accounting, key eviction with Valkey's approximated policies, the OOM check of
 * deny-oom commands, client eviction (`maxmemory-clients`) and the lazy-free queue, for one server.
 *
 * Accounting (what INFO used_memory and the limit compare)
 * --------------------------------------------------------
 *
 *     used = startup                  a fixed start-up figure: Valkey 8.1.1's own (see STARTUP_BYTES)
 *          + Σ db.memoryBytes()       live slab blocks, hash tables, expire index, value objects (counters)
 *          + clients                  query buffers + pending output of every client (sampled by the cron)
 *          + lazyfree pending         values unlinked but not released yet
 *          + client tracking          the keys table of CLIENT TRACKING (core/server/tracking.ts)
 *
 * The JavaScript runtime's own heap (the engine, compiled code, the modules' code: 15-30 MB before any
 * key exists) is left out, as Valkey's executable is left out of its used_memory: a `maxmemory` that
 * suits Valkey (even a few MB) suits Valkyr. INFO used_memory_rss shows the whole process.
 *
 * Every term is a counter, so reading `used` costs a few additions per database: it is read before
 * every command while maxmemory is set. Value objects changed in place are re-measured when their key
 * is signalled as modified (every write does), with a round-robin re-measure from the cron as a net.
 *
 * Eviction (Valkey's performEvictions)
 * -----------------------------------
 * Before a command, when `used - lazyfree pending > maxmemory`: under noeviction nothing is freed;
 * under an LRU / LFU / TTL policy each round samples `maxmemory-samples` keys of every database (all
 * keys, or only those with a TTL for volatile-*) into the 16-slot {@link EvictionPool} and evicts the
 * best candidate still present; the random policies pick a random key of the next database in turn.
 * Keys are evicted until the excess is freed; every 16 keys the time spent is compared with the
 * `maxmemory-eviction-tenacity` limit (50 µs per step up to 10, then +15% per step, unlimited at 100).
 * When the limit is hit, eviction continues from a timer (EVICT_RUNNING: commands are not rejected
 * meanwhile). When nothing is left to evict the result is EVICT_FAIL and deny-oom commands — and EXEC of a
 * queue holding a deny-oom command — get `-OOM command not allowed when used memory > 'maxmemory'.` Other
 * commands inside MULTI are queued as usual (Valkey 8.1; Redis 7.0 refused every command but
 * EXEC/DISCARD/QUIT/RESET there).
 *
 * An evicted key is deleted (its value to the lazy-free queue under `lazyfree-lazy-eviction`), propagated
 * as DEL/UNLINK, counted in INFO evicted_keys, signalled as modified (WATCH) and announced with the
 * `evicted` keyspace event.
 *
 * @module
 */

import { clientCounters } from "../commands/connection/hooks.ts";
import type { Server } from "../server/server.ts";
import type { CommandCall } from "../commands/call.ts";
import type { Client } from "../server/client.ts";
import { type Db, NO_ENTRY } from "../keyspace/db.ts";
import { transactionsOf } from "../commands/transaction/install.ts";
import { EvictionPool } from "./pool.ts";
import { LazyFree, LAZYFREE_THRESHOLD } from "./lazyfree.ts";
import { LfuClock } from "./lfu.ts";
import { ActiveDefrag } from "./defrag.ts";
import { setImmediate } from "node:timers";
import { latencyEnd, latencyStart } from "../observability/latency_events.ts";

/** Result of {@link Evictor.performEvictions} (Valkey's EVICT_OK / EVICT_RUNNING / EVICT_FAIL). */
export const EvictResult = { OK: 0, RUNNING: 1, FAIL: 2 } as const;
export type EvictResult = (typeof EvictResult)[keyof typeof EvictResult];

const P_LRU = 1;
const P_LFU = 2;
const P_TTL = 4;
const P_RANDOM = 8;
const P_ALLKEYS = 16;
const P_NOEVICTION = 32;

const POLICIES: Record<string, number> = {
  "volatile-lru": P_LRU,
  "volatile-lfu": P_LFU,
  "volatile-ttl": P_TTL,
  "volatile-random": P_RANDOM,
  "allkeys-lru": P_LRU | P_ALLKEYS,
  "allkeys-lfu": P_LFU | P_ALLKEYS,
  "allkeys-random": P_RANDOM | P_ALLKEYS,
  "noeviction": P_NOEVICTION,
};

/** Per-client memory besides its buffers (CLIENT LIST tot-mem counts the same). */
const CLIENT_OVERHEAD_BYTES = 640;
/** Smallest effective `maxmemory-clients` (Valkey: 128 KiB, so a bad setting cannot lock everyone out). */
const MIN_CLIENTS_LIMIT = 128 * 1024;

/** Process heap + external bytes now (Bun counts external memory inside heapUsed). */
/**
 * used_memory_startup: valkey-server 8.1.1's own figure at start (x86-64 Linux, jemalloc), for what
 * Valkyr's server structures of the same kind take (command table, config, shared objects): the runtime's
 * heap is not counted (see the head of this file).
 */
export const STARTUP_BYTES = 879568;

/** Valkey's evictionTimeLimitUs: the time one eviction pass may take for a tenacity 0..100. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * Math.pow(1.15, tenacity - 10));
  return Infinity;
}

/** The maxmemory machinery of one server; see the head of this file. */
export class Evictor {
  readonly pool = new EvictionPool();
  readonly lazy = new LazyFree();
  /** Bytes in use when the server was created (INFO used_memory_startup). */
  readonly startupBytes: number;
  maxmemory = 0;
  policyName = "noeviction";
  private policy = P_NOEVICTION;
  private samples = 5;
  private tenacity = 10;
  /** Clients' buffers as last sampled. */
  clientsBytes = 0;
  evictedClients = 0;
  /** Total ms spent over the limit (INFO total_eviction_exceeded_time), and when the current spell began. */
  exceededTotalMs = 0;
  exceededSince = 0;
  private nextDb = 0;
  /** memoryBytes() of each database that was empty at the last cron tick, else -1. */
  private emptyDbBytes: number[] = [];
  // The database and scoring state of the sampler callback (one bound function, no closure per round).
  private sampleDb: Db | null = null;
  private sampleNow = 0;
  private readonly offerSample = (ref: number): void => {
    const db = this.sampleDb!;
    const policy = this.policy;
    let idle: number;
    if ((policy & P_LRU) !== 0) idle = idleMs(db.getLru(ref), this.sampleNow);
    else if ((policy & P_LFU) !== 0) {
      const lfu = this.server.lfu;
      idle = 255 - (lfu === null ? 0 : lfu.counter(db.getLru(ref), this.sampleNow));
    } else idle = Number.MAX_SAFE_INTEGER - db.getExpire(ref);
    this.pool.offer(idle, db.id, db.getKey(ref));
  };
  private gcMark = 0;
  private lastGc = 0;
  readonly defrag: ActiveDefrag;
  private timer: unknown = undefined;
  /** Why values are being released right now: decides which lazyfree-lazy-* config applies. */
  private releasing: "eviction" | null = null;
  /** Set by a database's expire hook: the release that follows is an expired key's. */
  expiredJustNow = false;
  private currentCommand = "";

  constructor(readonly server: Server) {
    this.startupBytes = STARTUP_BYTES;
    this.defrag = new ActiveDefrag(server);
    // A closed client's buffers leave the count at once, not at the next cron sample: a client that just
    // sent a big pipeline and went away must not keep the server over maxmemory (nothing could be evicted
    // for it: that was an OOM for the next write with an empty keyspace).
    server.clientClosedHooks.push((c) => {
      // What the total holds for it (its last sample): its buffers may have drained since.
      this.clientsBytes = Math.max(0, this.clientsBytes - c.memSample);
      c.memSample = 0;
    });
    const cfg = server.config;
    const reload = () => {
      this.maxmemory = Number(cfg.getBigInt("maxmemory"));
      this.policyName = cfg.getEnum("maxmemory-policy");
      const p = POLICIES[this.policyName] ?? P_NOEVICTION;
      if ((p & P_LFU) !== (this.policy & P_LFU)) this.pool.clear();
      this.policy = p;
      this.samples = cfg.getInt("maxmemory-samples");
      this.tenacity = cfg.getInt("maxmemory-eviction-tenacity");
      server.lfu = (p & P_LFU) !== 0
        ? new LfuClock(cfg.getInt("lfu-log-factor"), cfg.getInt("lfu-decay-time"))
        : null;
      server.oomCheck = this.maxmemory > 0 || this.clientEvictionLimit() > 0
        ? (call) => this.oomCheck(call)
        : null;
      server.clientMemoryCheck = this.clientEvictionLimit() > 0 ? (c) => this.checkClient(c) : null;
    };
    reload();
    for (
      const name of [
        "maxmemory-policy",
        "maxmemory-samples",
        "maxmemory-eviction-tenacity",
        "maxmemory-clients",
      ]
    ) {
      cfg.onChange(name, () => (reload(), null));
    }
    for (const name of ["lfu-log-factor", "lfu-decay-time"]) cfg.onChange(name, () => (reload(), null));
    cfg.onChange("maxmemory", () => {
      reload();
      if (this.maxmemory > 0 && this.maxmemory < this.usedMemory()) {
        server.logger.warning(
          "WARNING: the new maxmemory value set via CONFIG SET (" + this.maxmemory + ") is smaller than " +
            "the current memory usage (" + this.usedMemory() + "). This will result in key eviction " +
            "and/or the inability to accept new write commands depending on the maxmemory-policy.",
        );
        this.startTimer();
      }
      return null;
    });
  }

  /**
   * Valkey's zmalloc_used_memory for Valkyr (see the head of this file). O(databases), a few ns for a
   * database that was already empty at the last cron tick (what it holds then, e.g. an emptied table
   * until it shrinks, is what the cron read).
   */
  usedMemory(): number {
    let n = this.startupBytes + this.clientsBytes + this.lazy.pendingBytes + this.server.tracking.memoryBytes;
    const dbs = this.server.dbs;
    const empty = this.emptyDbBytes;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[i]!;
      const e = empty[i] ?? -1;
      n += db.size === 0 && e >= 0 ? e : db.memoryBytes();
    }
    return n;
  }

  /** Bytes over the limit that eviction must free (0 when within it). Lazy-free pending bytes do not count. */
  private toFree(): number {
    if (this.maxmemory === 0) return 0;
    const used = this.usedMemory() - this.lazy.pendingBytes;
    return used > this.maxmemory ? used - this.maxmemory : 0;
  }

  /** The dispatcher's OOM check (Valkey's processCommand): true when the command must be rejected. */
  oomCheck(call: CommandCall): boolean {
    // Client eviction first, as Valkey's processCommand: a client whose buffers put the clients over
    // maxmemory-clients may be closed before its command runs (the dispatcher then drops the command).
    if (this.checkClient(call.client)) return false;
    if (this.maxmemory === 0 || call.client.fromPrimary) return false;
    this.currentCommand = call.fullName;
    this.expiredJustNow = false;
    this.server.admittingClient = call.client;
    let result: EvictResult;
    try {
      result = this.performEvictions();
    } finally {
      this.server.admittingClient = null;
    }
    this.server.preCommandOom = result === EvictResult.FAIL;
    if (result !== EvictResult.FAIL) return false;
    const spec = call.spec;
    let deny = spec.flags.includes("DENYOOM");
    const st = transactionsOf(this.server).stateOf(call.client);
    if (!deny && call.fullName === "exec" && st !== undefined && st.inMulti) {
      deny = st.queue.some((q) => q.spec.flags.includes("DENYOOM"));
    }
    return deny;
  }

  /** Records the command about to run (for lazyfree-lazy-user-del) when maxmemory is off. */
  noteCommand(name: string): void {
    this.currentCommand = name;
    this.expiredJustNow = false;
  }

  /** Valkey's performEvictions: see the head of this file. */
  performEvictions(): EvictResult {
    // CLIENT PAUSE holds eviction: as if within the limit (Valkey's isSafeToPerformEvictions); so does
    // being a replica with `replica-ignore-maxmemory` (its primary evicts and sends the DELs).
    const x = this.server.expiry;
    if (x.evictPaused) return EvictResult.OK;
    if (x.replicaMode && this.server.config.getBool("replica-ignore-maxmemory")) return EvictResult.OK;
    let toFree = this.toFree();
    if (toFree === 0) {
      this.noteWithinLimit();
      return EvictResult.OK;
    }
    if (this.exceededSince === 0) this.exceededSince = performance.now();
    // Import mode forbids eviction: over the limit, writes are refused.
    if ((this.policy & P_NOEVICTION) !== 0 || this.server.expiry.importMode) return EvictResult.FAIL;
    const limitUs = evictionTimeLimitUs(this.tenacity);
    const start = performance.now();
    // The "eviction-cycle" latency event: the whole cycle past the noeviction check, as in Valkey.
    const cycle = latencyStart(this.server);
    let freed = 0;
    let keys = 0;
    const prev = this.releasing;
    this.releasing = "eviction";
    try {
      while (freed < toFree) {
        const victim = this.pickVictim();
        if (victim === null) return EvictResult.FAIL;
        // What the key's database gives back (Valkey: the zmalloc delta around the delete).
        const before = victim.db.memoryBytes();
        this.evict(victim.db, victim.ref);
        freed += before - victim.db.memoryBytes();
        keys++;
        if ((keys & 15) === 0) {
          toFree = this.toFree();
          if (toFree === 0) break;
          freed = 0;
          if ((performance.now() - start) * 1000 >= limitUs) {
            this.startTimer();
            return EvictResult.RUNNING;
          }
        }
      }
    } finally {
      this.releasing = prev;
      latencyEnd(this.server, "eviction-cycle", cycle);
    }
    if (this.toFree() === 0) this.noteWithinLimit();
    return EvictResult.OK;
  }

  private noteWithinLimit(): void {
    if (this.exceededSince !== 0) {
      this.exceededTotalMs += performance.now() - this.exceededSince;
      this.exceededSince = 0;
    }
  }

  /** INFO current_eviction_exceeded_time in ms. */
  currentExceededMs(): number {
    return this.exceededSince === 0 ? 0 : performance.now() - this.exceededSince;
  }

  /** Keeps evicting from a timer until within the limit (Valkey's evictionTimeProc). */
  private startTimer(): void {
    if (this.timer !== undefined) return;
    const tick = () => {
      this.timer = undefined;
      if (this.server.shuttingDown) return;
      if (this.performEvictions() === EvictResult.RUNNING) this.startTimer();
    };
    // setImmediate: after pending I/O, without the 4 ms clamp nested timeouts get.
    this.timer = setImmediate(tick);
  }

  /** The next key to evict under the current policy, or null when no key qualifies. */
  private pickVictim(): { db: Db; ref: number } | null {
    const dbs = this.server.dbs;
    const allKeys = (this.policy & P_ALLKEYS) !== 0;
    if ((this.policy & P_RANDOM) !== 0) {
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[this.nextDb++ % dbs.length]!;
        const ref = allKeys ? db.randomKey() : db.randomVolatile();
        if (ref !== NO_ENTRY) return { db, ref };
      }
      return null;
    }
    // Sampling always finds live keys; the bound only guards against a table that samples nothing.
    for (let round = 0; round < 64; round++) {
      let total = 0;
      for (const db of dbs) {
        const n = allKeys ? db.size : db.volatileCount;
        if (n === 0) continue;
        total += n;
        this.populate(db, allKeys);
      }
      if (total === 0) return null;
      // Best candidates first; a pooled key may be gone (a ghost): try the next.
      for (let e = this.pool.popBest(); e !== null; e = this.pool.popBest()) {
        const db = dbs[e.dbId];
        if (db === undefined) continue;
        const ref = db.find(e.key);
        if (ref === NO_ENTRY) continue;
        if (!allKeys && db.getExpire(ref) === -1) continue;
        return { db, ref };
      }
    }
    return null;
  }

  /** Valkey's evictionPoolPopulate for one database. */
  private populate(db: Db, allKeys: boolean): void {
    this.sampleDb = db;
    this.sampleNow = this.server.clock.current;
    if (allKeys) db.sampleKeys(this.samples, this.offerSample);
    else db.sampleVolatile(this.samples, this.offerSample);
    this.sampleDb = null;
  }

  private evict(db: Db, ref: number): void {
    const key = db.getKey(ref).slice();
    // The "eviction-del" latency event times the delete alone, as in Valkey.
    const t = latencyStart(this.server);
    db.deleteRef(ref);
    latencyEnd(this.server, "eviction-del", t);
    this.server.stats.evictedKeys++;
    this.server.keyModified(db, key);
    this.server.notifyKeyspaceEvent("e", "evicted", key, db.id);
    this.server.propagation.deletion(db.id, key, this.server.config.getBool("lazyfree-lazy-eviction"));
  }

  /** Db.onRelease: whether a released value goes to the lazy-free queue. */
  released(obj: object, bytes: number): void {
    const len = (obj as { length?: unknown }).length;
    if (typeof len !== "number" || len <= LAZYFREE_THRESHOLD) {
      this.expiredJustNow = false;
      return;
    }
    const cfg = this.server.config;
    let lazy: boolean;
    const expired = this.expiredJustNow;
    this.expiredJustNow = false;
    if (expired) lazy = cfg.getBool("lazyfree-lazy-expire");
    else if (this.releasing === "eviction") lazy = cfg.getBool("lazyfree-lazy-eviction");
    else if (this.releasing === "expire") lazy = cfg.getBool("lazyfree-lazy-expire");
    else if (this.currentCommand === "unlink") lazy = true;
    else if (this.currentCommand === "del") lazy = cfg.getBool("lazyfree-lazy-user-del");
    else lazy = cfg.getBool("lazyfree-lazy-server-del");
    if (lazy) this.lazy.enqueue(obj, bytes);
  }

  /**
   * Cron work: re-sample client memory, re-measure some objects, evict clients, drain lazy frees, run a
   * slice of active defrag, and give freed buffers back (see {@link Evictor.reclaim}).
   */
  cron(periodMs: number): void {
    const dbs = this.server.dbs;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[i]!;
      this.emptyDbBytes[i] = db.size === 0 ? db.memoryBytes() : -1;
    }
    let clients = 0;
    for (const c of this.server.clients.values()) clients += c.memSample = clientMemory(c, this.server);
    this.clientsBytes = clients;
    for (const db of this.server.dbs) if (db.hasObjects) db.resyncObjects(64);
    this.evictClients();
    this.lazy.drain(2);
    if (this.maxmemory > 0 && this.toFree() > 0) this.startTimer();
    this.defrag.cron(periodMs);
    this.reclaim();
  }

  /**
   * Returning memory: freed slab pages, old tables and released values are ArrayBuffers that only a
   * major collection hands back to the OS, and the runtime sees no reason to collect when nothing new is
   * allocated. So when what the keyspace holds fell by more than max(16 MB, 1/4 of it) since the last
   * collection (and at most once a second), the cron starts a major collection that runs concurrently
   * (V8's `gc({ execution: "async" })`, `Bun.gc(false)`): a synchronous one stalled the loop 20-130 ms.
   */
  private reclaim(): void {
    let held = this.lazy.pendingBytes;
    for (const db of this.server.dbs) held += db.heldBytes();
    if (held > this.gcMark) this.gcMark = held;
    const now = performance.now();
    if (this.gcMark - held > Math.max(16 * 1024 * 1024, held / 4) && now - this.lastGc > 1000) {
      this.lastGc = now;
      this.gcMark = held;
      if (collectInBackground()) {
        this.server.logger.verbose("Memory returned: a major collection was started");
      }
    }
  }

  /** The effective `maxmemory-clients` in bytes, 0 for no limit (Valkey's getClientEvictionLimit). */
  clientEvictionLimit(): number {
    const v = this.server.config.getInt("maxmemory-clients");
    let limit: number;
    if (v < 0 && this.maxmemory > 0) limit = Math.floor(this.maxmemory * -v / 100);
    else if (v > 0) limit = v;
    else return 0;
    return Math.max(limit, MIN_CLIENTS_LIMIT);
  }

  /**
   * The cheap test before a command and after a read (Valkey evicts clients before every command and
   * before the event loop sleeps): when the clients' total as last sampled plus this client's memory now
   * reaches the limit, the clients are measured and evicted. True when `c` itself was closed.
   */
  checkClient(c: Client): boolean {
    const limit = this.clientEvictionLimit();
    if (limit === 0 || this.clientsBytes + clientMemory(c, this.server) < limit) return false;
    this.evictClients();
    return c.closed;
  }

  /** Closes the clients using the most memory while their total is at or over the limit. */
  evictClients(): void {
    const limit = this.clientEvictionLimit();
    if (limit === 0) return;
    const evictable: [Client, number][] = [];
    let total = 0;
    for (const c of this.server.clients.values()) {
      const m = c.memSample = clientMemory(c, this.server);
      total += m;
      // Replicas and the primary's link are never evicted (Valkey's clientEvictionAllowed).
      if (!c.noEvict && !c.fromPrimary && !c.flags.has("S")) evictable.push([c, m]);
    }
    if (total < limit) return;
    evictable.sort((a, b) => b[1] - a[1]);
    for (const [c, m] of evictable) {
      if (total < limit) break;
      this.server.logger.notice(`Evicting client: ${this.server.clientInfoShort(c)}`);
      this.server.closeClient(c, true);
      this.evictedClients++;
      total -= m;
    }
    if (total >= limit) {
      this.server.logger.warning("Over client maxmemory after evicting all evictable clients");
    }
    this.clientsBytes = total;
  }
}

/**
 * Starts a major garbage collection without waiting for it; false when the runtime does not expose one
 * (Deno without `--v8-flags=--expose-gc`).
 */
function collectInBackground(): boolean {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: (opts?: unknown) => unknown };
  if (g.Bun !== undefined) {
    g.Bun.gc(false);
    return true;
  }
  if (typeof g.gc === "function") {
    void g.gc({ type: "major", execution: "async" });
    return true;
  }
  return false;
}

/** Valkey's sizeof(listNode) + sizeof(watchedKey): what a watched key adds to its client's memory. */
const WATCHED_KEY_BYTES = 56;
/** What a subscription adds to its client's memory (a dict entry and its bucket pointer). */
const SUBSCRIPTION_BYTES = 32;

/**
 * A client's memory as maxmemory-clients counts it, as Valkey's getClientMemoryUsage: its buffers (reply
 * buffer included) and, given the server, its MULTI queue (multi-mem), watched keys, subscriptions and
 * client-tracking prefixes.
 */
export function clientMemory(c: Client, server?: Server): number {
  let n = CLIENT_OVERHEAD_BYTES + c.parser.bufferCapacity + c.writer.capacity + c.outputBytes;
  if (server !== undefined) {
    const k = clientCounters(server, c);
    n += k.multiMem + k.watch * WATCHED_KEY_BYTES + (k.sub + k.psub + k.ssub) * SUBSCRIPTION_BYTES +
      k.trackingMem;
  }
  return n;
}

/** Idle ms of an LRU clock field (seconds, 24 bits, wrapping), as Valkey's estimateObjectIdleTime. */
function idleMs(lru: number, nowMs: number): number {
  const clock = Math.floor(nowMs / 1000) & 0xffffff;
  return (clock >= lru ? clock - lru : clock + (0xffffff - lru)) * 1000;
}

const evictors = new WeakMap<Server, Evictor>();

/** The server's evictor, or undefined when {@link installEviction} was not called. */
export function evictorOf(server: Server): Evictor | undefined {
  return evictors.get(server);
}

/**
 * Installs maxmemory, eviction, lazy freeing and memory accounting into `server` (idempotent; call
 * before `start()`, after the databases exist or not: databases are wired on the first cron tick
 * and by {@link Evictor.usedMemory} readers).
 */
export function installEviction(server: Server): Evictor {
  let ev = evictors.get(server);
  if (ev !== undefined) return ev;
  const evictor = new Evictor(server);
  ev = evictor;
  evictors.set(server, evictor);
  const wired = new WeakSet<Db>();
  const wire = () => {
    for (const db of server.dbs) {
      if (wired.has(db)) continue;
      wired.add(db);
      db.onRelease = (obj, bytes) => evictor.released(obj, bytes);
      // The keyspace releases an expired key's value right after its expire hook.
      const onExpire = db.onExpire;
      db.onExpire = (d, key) => {
        evictor.expiredJustNow = true;
        onExpire?.(d, key);
      };
    }
  };
  server.keyModifiedListeners.push((db, key) => {
    if (db.hasObjects) db.refreshObject(key);
  });
  // Without maxmemory the OOM check does not run: a gate records the command for lazyfree-lazy-user-del.
  server.gates.unshift((call) => {
    evictor.noteCommand(call.fullName);
    return false;
  });
  server.cronHooks.push(() => {
    wire();
    evictor.cron(Math.floor(1000 / Math.max(1, Math.min(500, server.config.getInt("hz")))));
  });
  server.resetStatsHooks.push(() => {
    evictor.lazy.resetStats();
    evictor.evictedClients = 0;
    evictor.exceededTotalMs = 0;
    evictor.defrag.resetStats();
  });
  queueMicrotask(wire);
  return evictor;
}
