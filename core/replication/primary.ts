/**
 * Replication, the primary's side (Valkey's replication.c as a primary): replicas connect with
 * `REPLCONF` + `PSYNC` (or the old `SYNC`), get the dataset as an RDB image, then the stream of every write.
 *
 * The stream and the backlog
 * --------------------------
 * What propagation hands over (core/server/propagate.ts: one execution unit's writes, MULTI/EXEC-wrapped
 * when several) is encoded once as RESP commands, with a `SELECT` whenever the database changes
 * (`#eldb`, Valkey's replicas_eldb), and goes to three places: the backlog, each online replica's output,
 * and the offset. The offset (INFO master_repl_offset, Propagation.replOffset) then counts stream bytes:
 * without a backlog it counts commands, as Valkey's does for WAITAOF.
 *
 * The backlog (`repl-backlog-size`, a ring of bytes) is created with the first replica that needs a
 * full sync, with a new replication ID (its history starts there), and freed with a new ID after
 * `repl-backlog-ttl` seconds without replicas. A replica that reconnects with `PSYNC <replid> <offset>`
 * whose offset the ring still holds gets `+CONTINUE` and the bytes after it (partial resync), else a
 * full sync. IDs: `replid` is ours; `replid2` / `second_replid_offset` keep an older history valid up to
 * an offset: that of a primary that was a replica, or the one its RDB file recorded before a restart.
 *
 * Restarts: every RDB file of a server in a replication chain records its history (`repl-id`,
 * `repl-offset`, `repl-stream-db`: Valkey's rdbPopulateSaveInfo, core/replication/install.ts). A primary
 * that loads such a file at start takes it as its secondary ID, with a backlog holding the DELs of the
 * keys the load found expired, so its replicas resume with a partial resync; a replica offers it in its
 * first PSYNC.
 *
 * Shutdown: unless NOW, a SHUTDOWN (or signal) first waits up to `shutdown-timeout` seconds, writes
 * paused, for every replica to acknowledge the whole stream (Server.shutdown; the replicas are asked
 * with GETACK), then logs the ones still lagging.
 *
 * A full sync
 * -----------
 * The image is a BGSAVE (core/persistence/snapshot.ts: a point-in-time walk without fork) started for
 * the replicas waiting (Valkey's startBgsaveForReplication):
 *   - diskless (`repl-diskless-sync yes` and every waiting replica said `capa eof`): the image goes
 *     straight to their sockets as `$EOF:<40 random bytes>\r\n` + RDB + the same 40 bytes; the walk waits
 *     while a replica's socket holds more than {@link SOCKET_BACKLOG}. The start waits
 *     `repl-diskless-sync-delay` seconds for more replicas (or `repl-diskless-sync-max-replicas` of them).
 *     At the end the replica is online but its stream waits for its first `REPLCONF ACK` (it must see the
 *     end mark alone), as in Valkey.
 *   - to disk otherwise: the file `dbfilename` is written, then sent as `$<size>\r\n` + its bytes, read
 *     in 256 KB pieces as the socket drains; then the replica is online.
 *   A replica is told `+FULLRESYNC <replid> <offset>` when its image starts: the offset is the stream's
 *   at that instant, and what is written from then on waits behind the image (ReplicaLink.out, counted
 *   in Client.heldBytes against `client-output-buffer-limit replica`).
 *   A replica that asks while an image for disk is being made by replication joins it (the bytes it
 *   missed are copied from the backlog); one that asks during a user's BGSAVE, a diskless transfer or
 *   an AOF rewrite waits for the next image (the cron starts it).
 *
 * The replica's connection
 * ------------------------
 * Once it sent SYNC/PSYNC a client is a replica (CLIENT LIST flag `S`, class `replica`): it gets no
 * replies (Valkey sends replicas none; its reply writer is discarded as with CLIENT REPLY OFF), only the
 * stream, which does not go through the reply writer: the bytes for each replica are queued in its link
 * and written once per event-loop turn for all of them. It sends `REPLCONF ACK <offset> [FACK <aof
 * offset>]` every second: WAIT and WAITAOF count the replicas whose acknowledged offsets reached the
 * client's write offset, `min-replicas-to-write` the ones acknowledged within `min-replicas-max-lag`
 * seconds. The cron pings the replicas every `repl-ping-replica-period` seconds (a PING in the stream),
 * sends a newline to those still waiting for their image (so they do not time out), and drops an online
 * replica silent for `repl-timeout` seconds.
 *
 * Not here: being a replica (REPLICAOF), dual-channel sync (the `dual-channel` capability is ignored, as
 * a primary with `dual-channel-replication-enabled no` does), RDB filters other than `functions` (no
 * functions: the image is the same). FAILOVER is core/replication/failover.ts.
 *
 * @module
 */

import * as fs from "node:fs";
import { setImmediate } from "node:timers";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { encodeCommand } from "../server/propagate.ts";
import { persistenceOf } from "../persistence/persistence.ts";
import type { RdbStream } from "../persistence/snapshot.ts";
import { aofOf } from "../persistence/aof.ts";
import { strerror } from "../config/directives.ts";
import { parseI64 } from "../util/numbers.ts";

const enc = new TextEncoder();
export const ZERO_REPLID = "0".repeat(40);
/** A diskless image waits while a replica's socket holds more than this. */
export const SOCKET_BACKLOG = 4 << 20;
const FILE_PIECE = 256 << 10;

/** A replica's state, as INFO's `state=` prints it (Valkey's replstateToString). */
export type ReplicaState = "wait_bgsave" | "send_bulk" | "online" | "rdb_transmitted";

/** What one connection said about itself (REPLCONF) and, once a replica, where its sync stands. */
export class ReplicaLink {
  listeningPort = 0;
  ipAddress: string | null = null;
  capaEof = false;
  capaPsync2 = false;
  rdbOnly = false;
  /** `rdb-channel 1`: announced as a dual-channel RDB connection (INFO type=rdb-channel); synced as any. */
  rdbChannel = false;
  /** `rdb-filter-only` was given (the image must go to a socket). */
  filtered = false;
  /** Came with SYNC: no +FULLRESYNC line, no ACKs expected. */
  prePsync = false;
  /** Became a replica (SYNC/PSYNC accepted). */
  replica = false;
  state: ReplicaState = "wait_bgsave";
  /** WAIT_BGSAVE_START (true) or WAIT_BGSAVE_END (false), while state is wait_bgsave. */
  waitStart = true;
  /** Diskless: online, but the stream starts with the first ACK. */
  startOnAck = false;
  /** The image this replica receives goes to sockets. */
  socketTarget = false;
  initialOffset = -1;
  ackOff = 0;
  aofOff = 0;
  /** Unix seconds of the last ACK (or of going online). */
  ackTime = 0;
  /** When it started waiting for an image (unix ms), for repl-diskless-sync-delay. */
  waitingSince = 0;
  /** Stream bytes not written yet (held behind the image, or until the end of this turn). */
  out: Uint8Array[] = [];
  /** The stream flows (online, and for a diskless sync its first ACK came). */
  streaming = false;
  /** Disk transfer: the file, where it stands, its size. */
  fd = -1;
  fileOff = 0;
  fileSize = 0;
  constructor(readonly client: Client) {}

  /** The address the replica is known by: the one it announced, else its connection's. */
  get address(): string {
    return this.ipAddress ?? this.client.conn.remoteAddress;
  }
}

/** A ring of the last `size` bytes of the stream. */
export class Backlog {
  buf: Uint8Array;
  /** The offset of the first byte held (Valkey's repl_backlog->offset). */
  offset: number;
  histlen = 0;
  /** Where the next byte goes. */
  #idx = 0;

  constructor(size: number, firstOffset: number) {
    this.buf = new Uint8Array(size);
    this.offset = firstOffset;
  }

  append(bytes: Uint8Array): void {
    const size = this.buf.length;
    let b = bytes;
    if (b.length >= size) {
      // Only the tail fits.
      const drop = b.length - size;
      this.offset += this.histlen + drop;
      this.histlen = 0;
      b = b.subarray(drop);
    }
    const first = Math.min(b.length, size - this.#idx);
    this.buf.set(b.subarray(0, first), this.#idx);
    if (first < b.length) this.buf.set(b.subarray(first), 0);
    this.#idx = (this.#idx + b.length) % size;
    this.histlen += b.length;
    if (this.histlen > size) {
      this.offset += this.histlen - size;
      this.histlen = size;
    }
  }

  /** The bytes from stream offset `from` (within [offset, offset + histlen]) to the end. */
  from(from: number): Uint8Array {
    const n = this.offset + this.histlen - from;
    const out = new Uint8Array(n);
    const size = this.buf.length;
    let start = (this.#idx - n + size) % size;
    if (n === 0) return out;
    const first = Math.min(n, size - start);
    out.set(this.buf.subarray(start, start + first), 0);
    if (first < n) {
      start = 0;
      out.set(this.buf.subarray(0, n - first), first);
    }
    return out;
  }

  /** A new size (CONFIG SET repl-backlog-size): the newest bytes are kept. */
  resize(size: number): Backlog {
    const keep = Math.min(this.histlen, size);
    const b = new Backlog(size, this.offset + this.histlen - keep);
    b.append(this.from(this.offset + this.histlen - keep));
    return b;
  }
}

function randomHex(n: number): string {
  const b = new Uint8Array(Math.ceil(n / 2));
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("").slice(0, n);
}

/** The primary's replication state of one server (see the head of this file). */
export class Primary {
  readonly server: Server;
  replid = randomHex(40);
  replid2 = ZERO_REPLID;
  secondOffset = -1;
  backlog: Backlog | null = null;
  /** Replicas in the order they attached (INFO's slave0, slave1...). */
  readonly replicas: ReplicaLink[] = [];
  /** Unix seconds since when there has been no replica (for repl-backlog-ttl). */
  noReplicasSince = Math.floor(Date.now() / 1000);
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  /** The database the stream last selected (-1: the next write selects). */
  #eldb = -1;
  /** We follow a primary (replica.ts): the stream is only what the link applies ({@link proxy}). */
  #following = false;
  /** The 40-byte end mark of the diskless transfer in progress. */
  #eofMark = "";
  /** Links by client, from their first REPLCONF / SYNC. */
  readonly #links = new WeakMap<Client, ReplicaLink>();
  #cronLoops = 0;
  #lastCronSec = 0;
  /** True while this server is a replica whose link to its primary is not up (core/replication/install.ts). */
  upstreamDown: () => boolean = () => false;
  /** Set by install.ts: PSYNC … FAILOVER, and refusals while we fail over (core/replication/failover.ts). */
  beforeSync: (client: Client, argv: readonly Uint8Array[]) => string | null = () => null;
  /** Called at the end of the turn in which an ACK came (WAIT / WAITAOF check their clients). */
  readonly ackListeners: (() => void)[] = [];
  #ackCheckQueued = false;

  constructor(server: Server) {
    this.server = server;
  }

  link(client: Client): ReplicaLink {
    let l = this.#links.get(client);
    if (l === undefined) {
      l = new ReplicaLink(client);
      this.#links.set(client, l);
    }
    return l;
  }

  linkOf(client: Client): ReplicaLink | undefined {
    return this.#links.get(client);
  }

  /** replicationGetReplicaName: `ip:port` as the replica announced it. */
  name(l: ReplicaLink): string {
    const ip = l.address;
    if (ip === "") return `client id #${l.client.id}`;
    const host = ip.includes(":") ? `[${ip}]` : ip;
    return l.listeningPort !== 0 ? `${host}:${l.listeningPort}` : `${ip}:<unknown-replica-port>`;
  }

  // --- the stream ---

  /**
   * Propagation's stream: one operation of a finished unit, into the backlog and to the replicas. A
   * replica adds nothing of its own (no PING, no GETACK): its stream is its primary's, byte for byte
   * (replicationFeedReplicas returns at once on a replica), or chained replicas' offsets would drift.
   */
  feed(db: number, argv: readonly Uint8Array[]): void {
    if (this.#following) return;
    if (db !== -1 && this.#eldb !== db) {
      this.#write(encodeCommand([enc.encode("SELECT"), enc.encode(String(db))]));
      this.#eldb = db;
    }
    this.#write(encodeCommand(argv));
  }

  #write(bytes: Uint8Array): void {
    this.backlog!.append(bytes);
    this.server.propagation.replOffset += bytes.length;
    this.#fanOut(bytes);
  }

  /** Stream bytes to every replica but those waiting for an image to start (their stream starts with it). */
  #fanOut(bytes: Uint8Array): void {
    for (const l of [...this.replicas]) {
      if (l.rdbOnly || (l.state === "wait_bgsave" && l.waitStart)) continue;
      this.#queue(l, bytes);
    }
  }

  /** Stream bytes for one replica: queued, counted against its output limit, written at the turn's end. */
  #queue(l: ReplicaLink, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    l.out.push(bytes);
    l.client.heldBytes += bytes.length;
    if (this.server.outputLimitReached(l.client)) return;
    if (l.streaming && !this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(this.#flushAll);
    }
  }

  #flushQueued = false;
  readonly #flushAll = (): void => {
    this.#flushQueued = false;
    for (const l of this.replicas) if (l.streaming) this.#flushLink(l);
  };

  #flushLink(l: ReplicaLink): void {
    const out = l.out;
    if (out.length === 0 || l.client.closed) return;
    l.out = [];
    const n = l.client.heldBytes;
    l.client.heldBytes = 0;
    let bytes: Uint8Array;
    if (out.length === 1) bytes = out[0]!;
    else {
      bytes = new Uint8Array(n);
      let o = 0;
      for (const b of out) {
        bytes.set(b, o);
        o += b.length;
      }
    }
    this.#direct(l, bytes);
  }

  /** Creates the backlog (with a new history: new IDs) and makes propagation feed the stream. */
  #createBacklog(): void {
    this.replid = randomHex(40);
    this.replid2 = ZERO_REPLID;
    this.secondOffset = -1;
    const server = this.server;
    this.backlog = new Backlog(
      Math.max(1, server.config.getInt("repl-backlog-size")),
      server.propagation.replOffset + 1,
    );
    server.propagation.stream = (db, argv) => this.feed(db, argv);
    server.logger.notice(
      `Replication backlog created, my new replication IDs are '${this.replid}' and '${this.replid2}'`,
    );
  }

  // --- the history kept in the RDB file (loadDataFromDisk) ---

  /**
   * A primary loading its file at start: a backlog (same IDs) that the DELs of keys found expired go
   * into, so that a replica resuming this history after the restart gets them.
   */
  prepareLoad(): void {
    this.backlog = new Backlog(
      Math.max(1, this.server.config.getInt("repl-backlog-size")),
      this.server.propagation.replOffset + 1,
    );
    this.server.propagation.stream = (db, argv) => this.feed(db, argv);
  }

  /** A key dropped at load for its TTL: its DEL (UNLINK under `lazyfree-lazy-expire`) goes to the stream. */
  expiredAtLoad(db: number, key: Uint8Array): void {
    if (this.backlog === null) return;
    const lazy = this.server.config.getBool("lazyfree-lazy-expire");
    this.feed(db, [enc.encode(lazy ? "UNLINK" : "DEL"), key]);
  }

  /**
   * The file said where its history stood (`repl-id`, `repl-offset`): it stays valid as our secondary ID
   * up to that offset, and the offset goes on from there (what the load fed comes after it). Without
   * it (null) the backlog goes: no replica can resume anything.
   */
  loaded(history: { replid: string; offset: number } | null): void {
    const b = this.backlog;
    if (b === null) return;
    if (history === null) {
      this.backlog = null;
      this.server.propagation.stream = null;
      return;
    }
    this.replid2 = history.replid;
    this.secondOffset = history.offset + 1;
    const prop = this.server.propagation;
    prop.replOffset += history.offset;
    b.offset = prop.replOffset - b.histlen + 1;
    this.noReplicasSince = Math.floor(Date.now() / 1000);
  }

  /** CONFIG SET repl-backlog-size. */
  resizeBacklog(): void {
    if (this.backlog === null) return;
    const size = Math.max(1, this.server.config.getInt("repl-backlog-size"));
    if (size !== this.backlog.buf.length) this.backlog = this.backlog.resize(size);
  }

  /** DEBUG CHANGE-REPL-ID. */
  changeReplicationId(): void {
    this.replid = randomHex(40);
    this.replid2 = ZERO_REPLID;
    this.secondOffset = -1;
  }

  // --- roles (core/replication/replica.ts drives them) ---

  /** Following a primary: the stream only carries what the link applies (proxy); offsets are its. */
  becomeReplica(): void {
    this.#following = true;
    this.server.propagation.stream = NO_STREAM;
  }

  /** A primary again (REPLICAOF NO ONE): a new history, the old one valid up to our offset (replid2). */
  becomePrimary(): void {
    this.#following = false;
    const server = this.server;
    this.#shiftId(randomHex(40), server.propagation.replOffset);
    this.disconnectReplicas();
    this.#eldb = -1;
    server.propagation.stream = this.backlog === null ? null : (db, argv) => this.feed(db, argv);
  }

  /** The primary continued us under a new ID (+CONTINUE <id>): ours so far becomes replid2. */
  adoptNewId(replid: string, offset: number): void {
    this.#shiftId(replid, offset);
    this.disconnectReplicas();
  }

  /** shiftReplicationId: `replid` becomes current, the old one stays valid up to `offset`. */
  #shiftId(replid: string, offset: number): void {
    this.replid2 = this.replid;
    this.secondOffset = offset + 1;
    this.replid = replid;
    this.server.logger.notice(
      `Setting secondary replication ID to ${this.replid2}, valid up to offset: ${this.secondOffset}. New replication ID is ${this.replid}`,
    );
  }

  /** After a full sync: the primary's history from `offset` on, in a new backlog. */
  adoptHistory(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = ZERO_REPLID;
    this.secondOffset = -1;
    this.backlog = null;
    this.ensureBacklog(offset);
  }

  /** A backlog that starts after `offset` (a replica always keeps one, for its own replicas). */
  ensureBacklog(offset: number): void {
    this.server.propagation.replOffset = offset;
    if (this.backlog !== null) return;
    this.backlog = new Backlog(Math.max(1, this.server.config.getInt("repl-backlog-size")), offset + 1);
  }

  /** What a replica applied, byte for byte, for its backlog and its own replicas; `offset`: after it. */
  proxy(bytes: Uint8Array, offset: number): void {
    this.backlog?.append(bytes);
    this.server.propagation.replOffset = offset;
    this.#fanOut(bytes);
  }

  /** Closes every replica (they sync again: our data or history changed). */
  disconnectReplicas(): void {
    for (const l of [...this.replicas]) this.server.closeClient(l.client, true);
  }

  // --- SYNC / PSYNC ---

  /**
   * SYNC and PSYNC (Valkey's syncCommand). Returns the error to reply, or null (nothing is replied:
   * the replica gets the protocol lines written straight to its socket).
   */
  sync(client: Client, argv: readonly Uint8Array[], psync: boolean): string | null {
    const l = this.link(client);
    if (l.replica) return null;
    const refused = this.beforeSync(client, argv);
    if (refused !== null) return refused;
    const server = this.server;
    if (this.upstreamDown()) return "NOMASTERLINK Can't SYNC while not connected with my master";
    if (client.writer.length > 0 || client.conn.pendingBytes > 0) {
      return "ERR SYNC and PSYNC are invalid with pending output";
    }
    if (l.filtered && !l.capaEof) return "ERR Filtered replica requires EOF capability";
    const log = server.logger;
    log.notice(`Replica ${this.name(l)} asks for synchronization`);
    if (psync) {
      const replid = new TextDecoder().decode(argv[1]!);
      const parsed = parseI64(argv[2]!);
      const offset = parsed === null ? null : Number(parsed);
      if (offset === null) {
        log.warning(`Replica ${this.name(l)} asks for synchronization but with a wrong offset`);
        return "ERR value is not an integer or out of range";
      }
      if (this.#tryPartial(l, replid, offset)) {
        this.syncPartialOk++;
        return null;
      }
      if (replid[0] !== "?") this.syncPartialErr++;
    } else l.prePsync = true;

    this.syncFull++;
    l.replica = true;
    l.state = "wait_bgsave";
    l.waitStart = true;
    l.waitingSince = Date.now();
    this.#becomeReplica(l);
    if (this.replicas.length === 1 && this.backlog === null) this.#createBacklog();

    const p = persistenceOf(server);
    const snap = p.snapshot;
    if (snap !== null && !snap.toSockets) {
      // An image for disk is being made: join it if replication started it and we can catch up.
      const other = l.filtered
        ? undefined
        : this.replicas.find((r) =>
          r !== l && r.state === "wait_bgsave" && !r.waitStart && !r.socketTarget && (!r.rdbOnly || l.rdbOnly)
        );
      const missed = other !== undefined && this.backlog !== null &&
        other.initialOffset + 1 >= this.backlog.offset;
      if (other !== undefined && missed && (l.rdbOnly || !other.rdbOnly)) {
        this.#setupFullResync(l, other.initialOffset, false);
        if (!l.rdbOnly) this.#queue(l, this.backlog!.from(other.initialOffset + 1));
        log.notice("Waiting for end of BGSAVE for SYNC");
      } else {
        log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
      }
    } else if (snap !== null) {
      log.notice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
    } else if (
      server.config.getBool("repl-diskless-sync") && l.capaEof &&
      server.config.getInt("repl-diskless-sync-delay") > 0
    ) {
      log.notice("Delay next BGSAVE for diskless SYNC");
    } else if (aofOf(server).rewrite === null) {
      this.#startBgsaveForReplication();
    } else {
      log.notice("No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed");
    }
    return null;
  }

  #becomeReplica(l: ReplicaLink): void {
    // Replicas get no replies, only the stream (see Server.replicaReplied).
    l.client.flags.add("S");
    this.replicas.push(l);
  }

  #tryPartial(l: ReplicaLink, replid: string, offset: number): boolean {
    const log = this.server.logger;
    if (replid !== this.replid && (replid !== this.replid2 || offset > this.secondOffset)) {
      if (replid[0] !== "?") {
        if (replid !== this.replid && replid !== this.replid2) {
          log.notice(
            `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${this.replid}' and '${this.replid2}')`,
          );
        } else {
          log.notice(
            `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${this.secondOffset}`,
          );
        }
      } else log.notice(`Full resync requested by replica ${this.name(l)}`);
      return false;
    }
    const b = this.backlog;
    if (b === null || offset < b.offset || offset > b.offset + b.histlen) {
      log.notice(
        `Unable to partial resync with replica ${
          this.name(l)
        } for lack of backlog (Replica request was: ${offset}).`,
      );
      if (offset > this.server.propagation.replOffset) {
        log.warning(
          `Warning: replica ${
            this.name(l)
          } tried to PSYNC with an offset that is greater than the primary replication offset.`,
        );
      }
      return false;
    }
    l.replica = true;
    l.state = "online";
    l.streaming = true;
    l.ackTime = Math.floor(Date.now() / 1000);
    this.#becomeReplica(l);
    this.#direct(l, enc.encode(l.capaPsync2 ? `+CONTINUE ${this.replid}\r\n` : "+CONTINUE\r\n"));
    const data = b.from(offset);
    this.#queue(l, data);
    log.notice(
      `Partial resynchronization request from ${
        this.name(l)
      } accepted. Sending ${data.length} bytes of backlog starting from offset ${offset}.`,
    );
    return true;
  }

  /** Bytes to the replica's socket ahead of its output buffer (protocol lines, the image). */
  #direct(l: ReplicaLink, bytes: Uint8Array): void {
    if (l.client.closed) return;
    this.server.stats.netReplOutput += bytes.length;
    l.client.conn.write(bytes);
  }

  /** replicationSetupReplicaForFullResync: the image for `l` starts at stream offset `offset`. */
  #setupFullResync(l: ReplicaLink, offset: number, socketTarget: boolean): void {
    l.initialOffset = offset;
    l.waitStart = false;
    l.socketTarget = socketTarget;
    // Its stream starts here and waits behind the image.
    this.#eldb = -1;
    if (!l.prePsync) this.#direct(l, enc.encode(`+FULLRESYNC ${this.replid} ${offset}\r\n`));
  }

  /** The database the stream's last command went to (Valkey's replicas_eldb; -1: none since a sync). */
  get streamDb(): number {
    return this.#eldb;
  }

  /** startBgsaveForReplication: an image for every replica waiting for one to start. */
  #startBgsaveForReplication(): boolean {
    const server = this.server;
    let waiting = this.replicas.filter((r) => r.state === "wait_bgsave" && r.waitStart);
    if (waiting.length === 0) return false;
    // One image serves replicas with the same requirements (Valkey's replica_req): a filtered one (no
    // keys: only functions, which Valkyr has none of) or the whole dataset; the others wait for the next.
    const filtered = waiting[0]!.filtered;
    waiting = waiting.filter((r) => r.filtered === filtered);
    const mincapaEof = waiting.every((r) => r.capaEof);
    const socketTarget = (server.config.getBool("repl-diskless-sync") || filtered) && mincapaEof;
    server.logger.notice(
      `Starting BGSAVE for SYNC with target: ${
        socketTarget ? "replicas sockets" : "disk"
      } using: normal sync`,
    );
    const p = persistenceOf(server);
    const offset = server.propagation.replOffset;
    const info = p.replSaveInfo?.() ?? null;
    let ok: boolean;
    if (socketTarget) {
      this.#eofMark = randomHex(40);
      for (const r of waiting) {
        this.#setupFullResync(r, offset, true);
        this.#direct(r, enc.encode(`$EOF:${this.#eofMark}\r\n`));
      }
      ok = p.startBgsave({ info, stream: this.#stream(waiting), noData: filtered });
    } else ok = p.startBgsave({ info });
    if (!ok) {
      server.logger.warning("BGSAVE for replication failed");
      for (const r of waiting) {
        this.#drop(r);
        r.client.writer.clear();
        r.client.writer.error("ERR BGSAVE failed, replication can't continue");
        r.client.closeAfterReply = true;
        server.flush(r.client);
      }
      return false;
    }
    if (!socketTarget) { for (const r of waiting) this.#setupFullResync(r, offset, false); }
    return true;
  }

  /** The diskless image's output: every chunk to each receiving replica still connected. */
  #stream(receivers: ReplicaLink[]): RdbStream {
    const live = () => receivers.filter((r) => !r.client.closed && this.replicas.includes(r));
    return {
      write: (chunk) => {
        for (const r of live()) this.#direct(r, chunk);
      },
      backlogged: () => live().some((r) => r.client.conn.pendingBytes > SOCKET_BACKLOG),
      end: () => {
        const mark = enc.encode(this.#eofMark);
        for (const r of live()) this.#direct(r, mark);
      },
    };
  }

  /** The replica's socket drained: the image may go on. */
  drained(client: Client): void {
    const l = this.#links.get(client);
    if (l === undefined || !l.replica) return;
    if (l.state === "send_bulk") this.#sendFilePiece(l);
    else if (l.state === "wait_bgsave" && l.socketTarget) persistenceOf(this.server).snapshot?.resume();
  }

  /** A BGSAVE ended (updateReplicasWaitingBgsave). */
  bgsaveDone(ok: boolean, toSockets: boolean): void {
    const server = this.server;
    const log = server.logger;
    for (const l of [...this.replicas]) {
      if (l.state !== "wait_bgsave" || l.waitStart) continue;
      if (!ok) {
        log.warning("SYNC failed. BGSAVE child returned an error");
        server.closeClient(l.client, true);
        continue;
      }
      if (toSockets) {
        if (!l.socketTarget) continue;
        log.notice(
          `Streamed RDB transfer with replica ${
            this.name(l)
          } succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`,
        );
        if (!this.#putOnline(l)) {
          server.closeClient(l.client, false);
          continue;
        }
        l.startOnAck = true;
        continue;
      }
      if (l.socketTarget) continue;
      const file = persistenceOf(server).rdbPath;
      try {
        l.fd = fs.openSync(file, "r");
        l.fileSize = fs.fstatSync(l.fd).size;
      } catch (e) {
        log.warning(`SYNC failed. Can't open DB after BGSAVE: ${strerror(e)}`);
        server.closeClient(l.client, true);
        continue;
      }
      l.fileOff = 0;
      l.state = "send_bulk";
      this.#direct(l, enc.encode(`$${l.fileSize}\r\n`));
      this.#sendFilePiece(l);
    }
    // Replicas that could not join this image get the next one.
    setImmediate(() => this.#startPending());
  }

  /** sendBulkToReplica: the next pieces of the file while the socket takes them. */
  #sendFilePiece(l: ReplicaLink): void {
    const conn = l.client.conn;
    while (!l.client.closed && l.fileOff < l.fileSize && conn.pendingBytes < SOCKET_BACKLOG) {
      const piece = new Uint8Array(Math.min(FILE_PIECE, l.fileSize - l.fileOff));
      let n: number;
      try {
        n = fs.readSync(l.fd, piece, 0, piece.length, l.fileOff);
      } catch (e) {
        this.server.logger.warning(
          `Read error sending DB to replica: ${strerror(e)}`,
        );
        this.server.closeClient(l.client, true);
        return;
      }
      if (n === 0) break;
      l.fileOff += n;
      this.#direct(l, n === piece.length ? piece : piece.subarray(0, n));
    }
    if (l.client.closed || l.fileOff < l.fileSize) return;
    this.#closeFile(l);
    if (this.#putOnline(l)) this.#startStream(l);
    else this.server.closeClient(l.client, false);
  }

  #closeFile(l: ReplicaLink): void {
    if (l.fd < 0) return;
    try {
      fs.closeSync(l.fd);
    } catch { /* closed */ }
    l.fd = -1;
  }

  /** replicaPutOnline: false for an rdb-only replica, which is closed once its image is out. */
  #putOnline(l: ReplicaLink): boolean {
    if (l.rdbOnly) {
      l.state = "rdb_transmitted";
      this.server.logger.notice(
        `RDB transfer completed, rdb only replica (${this.name(l)}) should be disconnected asap`,
      );
      return false;
    }
    l.state = "online";
    l.ackTime = Math.floor(Date.now() / 1000);
    this.server.logger.notice(`Synchronization with replica ${this.name(l)} succeeded`);
    return true;
  }

  /** replicaStartCommandStream: what waited behind the image goes out. */
  #startStream(l: ReplicaLink): void {
    l.startOnAck = false;
    l.streaming = true;
    this.#flushLink(l);
  }

  /** The cron's part (replicationStartPendingFork): starts the image the waiting replicas need. */
  #startPending(): void {
    const server = this.server;
    if (persistenceOf(server).snapshot !== null || aofOf(server).rewrite !== null) return;
    const waiting = this.replicas.filter((r) => r.state === "wait_bgsave" && r.waitStart);
    if (waiting.length === 0) return;
    const c = server.config;
    if (c.getBool("repl-diskless-sync") && waiting.every((r) => r.capaEof)) {
      const delay = c.getInt("repl-diskless-sync-delay");
      const max = c.getInt("repl-diskless-sync-max-replicas");
      const oldest = Math.min(...waiting.map((r) => r.waitingSince));
      if ((Date.now() - oldest) / 1000 < delay && (max === 0 || waiting.length < max)) return;
    }
    this.#startBgsaveForReplication();
  }

  // --- REPLCONF ACK, WAIT ---

  /** REPLCONF ACK <offset> [FACK <aofoffset>] from a replica. */
  ack(l: ReplicaLink, offset: number, aofOffset: number | null): void {
    if (offset > l.ackOff) l.ackOff = offset;
    if (aofOffset !== null && aofOffset > l.aofOff) l.aofOff = aofOffset;
    l.ackTime = Math.floor(Date.now() / 1000);
    if (l.startOnAck && l.state === "online") this.#startStream(l);
    if (!this.#ackCheckQueued && this.ackListeners.length > 0) {
      this.#ackCheckQueued = true;
      setImmediate(() => {
        this.#ackCheckQueued = false;
        for (const fn of this.ackListeners) fn();
      });
    }
  }

  /** replicationCountAcksByOffset: online replicas that acknowledged `offset`. */
  acksFor(offset: number): number {
    let n = 0;
    for (const l of this.replicas) if (l.state === "online" && l.ackOff >= offset) n++;
    return n;
  }

  /** replicationCountAOFAcksByOffset: online replicas whose AOF has `offset`. */
  aofAcksFor(offset: number): number {
    let n = 0;
    for (const l of this.replicas) if (l.state === "online" && l.aofOff >= offset) n++;
    return n;
  }

  /** Online replicas acknowledged within `min-replicas-max-lag` seconds (refreshGoodReplicasCount). */
  goodReplicas(): number {
    const maxLag = this.server.config.getInt("min-replicas-max-lag");
    const now = Math.floor(Date.now() / 1000);
    let n = 0;
    for (const l of this.replicas) if (l.state === "online" && now - l.ackTime <= maxLag) n++;
    return n;
  }

  /**
   * Valkey's repl_buffer_mem: the replication stream held in memory, which the backlog and the replicas
   * share (Valkey keeps one list of blocks): the most of the backlog's history and any replica's output
   * not yet taken by its socket.
   */
  bufferMemory(): number {
    if (this.backlog === null) return 0;
    let mem = this.backlog.histlen;
    for (const l of this.replicas) mem = Math.max(mem, l.client.heldBytes + l.client.conn.pendingBytes);
    return mem;
  }

  /** finishShutdown's lines: each replica that has not acknowledged the whole stream, then the count. */
  reportAtShutdown(): void {
    const log = this.server.logger;
    const offset = this.server.propagation.replOffset;
    let lagging = 0;
    for (const l of this.replicas) {
      if (l.ackOff === offset) continue;
      lagging++;
      const lag = l.state === "online" ? Math.floor(Date.now() / 1000) - l.ackTime : 0;
      log.notice(
        `Lagging replica ${this.name(l)} reported offset ${
          offset - l.ackOff
        } behind master, lag=${lag}, state=${l.state === "rdb_transmitted" ? "" : l.state}.`,
      );
    }
    const n = this.replicas.length;
    if (n > 0) log.notice(`${n - lagging} of ${n} replicas are in sync when shutting down.`);
  }

  /** REPLCONF GETACK * into the stream (replicationRequestAckFromReplicas); false without a backlog. */
  requestAck(): boolean {
    if (this.backlog === null) return false;
    this.feed(-1, [enc.encode("REPLCONF"), enc.encode("GETACK"), enc.encode("*")]);
    return true;
  }

  // --- connections ---

  /** A client went away: a replica leaves the list (Valkey's freeClient for a replica). */
  closed(client: Client): void {
    const l = this.#links.get(client);
    if (l === undefined) return;
    this.#closeFile(l);
    if (!l.replica) return;
    this.#drop(l);
    l.out = [];
    if (l.state === "online") this.server.logger.notice(`Connection with replica ${this.name(l)} lost.`);
    if (
      l.state === "wait_bgsave" && l.socketTarget &&
      !this.replicas.some((r) => r.socketTarget && r.state === "wait_bgsave")
    ) {
      // The last receiver of a diskless image left: stop making it (Valkey kills the child).
      const p = persistenceOf(this.server);
      if (p.snapshot?.toSockets === true) {
        this.server.logger.warning(
          "Diskless rdb transfer, last replica dropped, killing fork child.",
        );
        p.cancelBgsave();
      }
    }
  }

  #drop(l: ReplicaLink): void {
    const i = this.replicas.indexOf(l);
    if (i < 0) return;
    this.replicas.splice(i, 1);
    l.replica = false;
    l.client.flags.delete("S");
    if (this.replicas.length === 0) this.noReplicasSince = Math.floor(Date.now() / 1000);
  }

  // --- cron ---

  /** replicationCron, once a second: pings, newlines, timeouts, the backlog's TTL, pending images. */
  cron(): void {
    const server = this.server;
    const sec = Math.floor(Date.now() / 1000);
    this.#startPending();
    if (sec === this.#lastCronSec) return;
    this.#lastCronSec = sec;
    this.#cronLoops++;
    const c = server.config;
    const period = c.getInt("repl-ping-replica-period");
    if (
      this.replicas.length > 0 && this.backlog !== null && period > 0 && this.#cronLoops % period === 0 &&
      !server.expiry.evictPaused
    ) {
      this.feed(-1, [enc.encode("PING")]);
    }
    for (const l of this.replicas) {
      if (l.state === "wait_bgsave" && (l.waitStart || !l.socketTarget)) this.#direct(l, enc.encode("\n"));
    }
    const timeout = c.getInt("repl-timeout");
    for (const l of [...this.replicas]) {
      if (l.state !== "online" || l.prePsync) continue;
      if (sec - l.ackTime > timeout) {
        server.logger.warning(`Disconnecting timedout replica (streaming sync): ${this.name(l)}`);
        server.closeClient(l.client, true);
      }
    }
    const ttl = c.getInt("repl-backlog-ttl");
    if (this.replicas.length === 0 && this.backlog !== null && ttl > 0 && sec - this.noReplicasSince > ttl) {
      this.changeReplicationId();
      this.backlog = null;
      server.propagation.stream = null;
      server.logger.notice(
        `Replication backlog freed after ${ttl} seconds without connected replicas.`,
      );
    }
  }
}

/** A replica's propagation stream: nothing of its own reaches its replicas, and its offset stays. */
const NO_STREAM = (): void => {};

const primaries = new WeakMap<Server, Primary>();

/** The server's replication state (created on first use). */
export function primaryOf(server: Server): Primary {
  let p = primaries.get(server);
  if (p === undefined) {
    p = new Primary(server);
    primaries.set(server, p);
  }
  return p;
}
