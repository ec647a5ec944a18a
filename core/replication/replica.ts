/**
 * Replication, the replica's side (Valkey's replication.c as a replica): `REPLICAOF host port` (or the
 * `replicaof` directive) makes the server follow a primary; `REPLICAOF NO ONE` makes it a primary again.
 *
 * The link
 * --------
 * A state machine driven by the cron (once a second) and by the link's own events:
 *   connect → connecting (TCP, `repl-timeout`) → handshake → transfer (full sync) → connected
 * The handshake is Valkey's: PING (NOAUTH / NOPERM answers are fine: the AUTH follows), AUTH with
 * `primaryauth` (and `primaryuser`), `REPLCONF listening-port` (`replica-announce-port`, or our TLS port
 * with `tls-replication`, else our port),
 * `REPLCONF ip-address` when `replica-announce-ip` is set, `REPLCONF capa eof capa psync2`, `REPLCONF
 * version`, then `PSYNC <replid> <offset+1>` when we know where we stand in a history (a primary we were
 * linked to, or our own history when a primary becomes a replica), else `PSYNC ? -1`.
 *   - `+CONTINUE [<new replid>]`: the stream continues from our offset; a new ID is adopted as in Valkey
 *     (the old one becomes replid2, valid up to our offset).
 *   - `+FULLRESYNC <replid> <offset>`: the RDB follows (`$<len>` or `$EOF:<mark>`); it is received whole in
 *     memory, written over `dbfilename` unless `repl-diskless-load` says to load from the socket (swapdb,
 *     flush-before-load, on-empty-db with no keys), the old data is flushed and the image loaded (expired
 *     keys kept: only the primary's DEL removes them), and our history becomes the primary's (replid,
 *     offset, a new backlog).
 * Restarts: our RDB files record where we stand in the primary's history (install.ts), and at start the
 * history found in the file is offered in the first PSYNC ({@link Replica.resumeFromRdb}).
 * Failures (refused connection, error replies, a timeout, a bad image) close the link and the cron tries
 * again a second later.
 *
 * The primary's client
 * --------------------
 * After the sync the link becomes a client of this server (Server.adoptConnection, CLIENT LIST flag `M`,
 * `fromPrimary`): its commands run without replies (the one exception, `REPLCONF GETACK`, answers `REPLCONF
 * ACK <offset>` straight on the socket), see expired keys as live (they are the primary's to delete), and
 * pass the gates that refuse other clients (READONLY, OOM, MASTERDOWN). The offset applied moves after each
 * command by the bytes it took (`read offset - bytes not parsed yet`); the cron acknowledges it every
 * second (`REPLCONF ACK <offset>`, with `FACK <aof offset>` when the AOF is on).
 *
 * What it applies is also what it serves (chained replication): each applied command goes, byte for byte,
 * into our backlog and to our own replicas (Primary.proxy), so their offsets and IDs are the top primary's.
 * While a replica, the server propagates nothing of its own to them (a writable replica's writes stay
 * local, as in Valkey).
 *
 * A PSYNC carries FAILOVER while this server hands over to its own replica (core/replication/failover.ts).
 *
 * With `tls-replication yes` the link is TLS (the client side of the server's TLS context: its own or the
 * `tls-client-*` certificate, the primary's verified against `tls-ca-cert-*`).
 *
 * Not here: dual-channel sync, swapdb's keeping of the old data until the image loaded.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { latin1, latin1Bytes } from "../util/latin1.ts";
import type { ConnectionHandler, OutboundConnection } from "../net/types.ts";
import { connectTcp } from "../net/node_net.ts";
import type { SecureContext } from "node:tls";
import { encodeCommand } from "../server/propagate.ts";
import { persistenceOf } from "../persistence/persistence.ts";
import { aofOf } from "../persistence/aof.ts";
import { VALKEY_VERSION } from "../server/version.ts";
import { type Primary, primaryOf } from "./primary.ts";
import { type Db, NO_ENTRY } from "../keyspace/db.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Where the link stands (ROLE's and INFO's names follow from it). */
export type LinkState = "none" | "connect" | "connecting" | "handshake" | "transfer" | "connected";

export const ERR_UNBLOCKED_ROLE =
  "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";

/** Bytes of a link read before the command stream, consumed by lines and counted blocks. */
export class LinkReader {
  #chunks: Uint8Array[] = [];
  #len = 0;
  #wake: (() => void) | null = null;
  closed = false;

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk.slice());
    this.#len += chunk.length;
    this.#notify();
  }

  close(): void {
    this.closed = true;
    this.#notify();
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  get length(): number {
    return this.#len;
  }

  /** Everything received so far, as one array (and the reader keeps it as one chunk). */
  all(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0]!;
    const out = new Uint8Array(this.#len);
    let o = 0;
    for (const c of this.#chunks) {
      out.set(c, o);
      o += c.length;
    }
    this.#chunks = this.#len === 0 ? [] : [out];
    return out;
  }

  /** Drops the first `n` bytes. */
  skip(n: number): void {
    const rest = this.all().subarray(n);
    this.#chunks = rest.length === 0 ? [] : [rest];
    this.#len = rest.length;
  }

  async more(): Promise<void> {
    if (this.closed) throw new Error("Connection lost");
    await new Promise<void>((r) => (this.#wake = r));
    if (this.closed) throw new Error("Connection lost");
  }

  /** The next `\r\n` line, after the bare newlines a primary sends to keep the link alive. */
  async line(): Promise<string> {
    for (;;) {
      const b = this.all();
      let start = 0;
      while (start < b.length && b[start] === 0x0a) start++;
      if (start > 0) {
        this.skip(start);
        continue;
      }
      const i = b.indexOf(0x0a);
      if (i >= 0) {
        const line = dec.decode(b.subarray(0, i > 0 && b[i - 1] === 0x0d ? i - 1 : i));
        this.skip(i + 1);
        return line;
      }
      await this.more();
    }
  }
}

/** The replica's side of one server (see the head of this file). */
export class Replica {
  readonly server: Server;
  host: string | null = null;
  port = 0;
  state: LinkState = "none";
  /** The primary's client once the link streams. */
  primaryClient: Client | null = null;
  /**
   * Where a PSYNC continues: the history, the offset applied in it, and the database the primary's
   * commands were going to (a partial resync sends no SELECT: Valkey resurrects its cached client).
   */
  #cache: { replid: string; offset: number; db: number } | null = null;
  /** Offset applied (slave_repl_offset) and read (slave_read_repl_offset) on the current link. */
  reploff = 0;
  readReploff = 0;
  /** Unix seconds since the link is down (0: never up). */
  downSince = 0;
  /** The full sync in progress: its size (-1 for an EOF-marked one), bytes read, last read (unix s). */
  transferSize = -1;
  transferRead = 0;
  transferLastIo = 0;
  #conn: OutboundConnection | null = null;
  #reader: LinkReader | null = null;
  /** Bumped whenever the link is dropped: an async step of an older link stops. */
  #attempt = 0;
  #stateSince = 0;
  /**
   * Keys a writable replica's own clients gave a TTL (key as latin1 → dbs): the replica expires them
   * itself, as Valkey's slaveKeysWithExpire (the primary knows nothing of them).
   */
  readonly ownExpiring = new Map<string, Set<number>>();
  /** Set by install.ts: a FAILOVER handing over to the primary we connect to (core/replication/failover.ts). */
  failover: { inProgress(): boolean; psyncAnswered(accepted: boolean): void } | null = null;

  constructor(server: Server) {
    this.server = server;
  }

  get primary(): Primary {
    return primaryOf(this.server);
  }

  get isReplica(): boolean {
    return this.host !== null;
  }

  get linkUp(): boolean {
    return this.state === "connected";
  }

  // --- REPLICAOF ---

  /**
   * replicationSetPrimary. `atStart`: the `replicaof` directive, where Valkey sets the primary without
   * this call and so has no history of its own to offer it.
   */
  setPrimary(host: string, port: number, atStart = false): void {
    const server = this.server;
    const wasPrimary = this.host === null && !atStart;
    this.#dropLink(true);
    for (const c of server.blocking.blockedClients()) server.blocking.unblock(c, ERR_UNBLOCKED_ROLE);
    this.host = host;
    this.port = port;
    server.config.replicaOf = { host, port };
    server.setReplicaMode(true);
    this.primary.becomeReplica();
    // A primary turning replica continues its own history: the new primary may hold it (replid2).
    if (wasPrimary) {
      this.#cache = { replid: this.primary.replid, offset: server.propagation.replOffset, db: 0 };
    }
    this.#setState("connect");
    this.downSince = 0;
    server.logger.notice(`Connecting to PRIMARY ${host}:${port}`);
    this.#connect();
  }

  /**
   * replicationCachePrimaryUsingMyself at start: the RDB file said which history it holds and up to
   * where, so the first PSYNC offers it (a partial resync after a restart).
   */
  resumeFromRdb(replid: string, offset: number, db: number): void {
    this.server.logger.notice(
      "Before turning into a replica, using my own primary parameters to synthesize a cached primary: I may be able to synchronize with the new primary with just a partial transfer.",
    );
    this.primary.replid = replid;
    this.server.propagation.replOffset = offset;
    this.#cache = { replid, offset, db };
  }

  /** The database of the primary's stream, for the RDB's `repl-stream-db` (-1: no link, none cached). */
  get streamDb(): number {
    return this.primaryClient?.db ?? this.#cache?.db ?? -1;
  }

  /** replicationUnsetPrimary: a primary again, with a new history that remembers the old one. */
  unsetPrimary(): void {
    if (this.host === null) return;
    const server = this.server;
    this.#dropLink(false);
    this.#cache = null;
    this.host = null;
    this.port = 0;
    server.config.replicaOf = null;
    this.#setState("none");
    server.setReplicaMode(false);
    this.primary.becomePrimary();
  }

  // --- the link ---

  #setState(s: LinkState): void {
    this.state = s;
    this.#stateSince = Date.now();
  }

  /** Closes the link (and the primary's client); with `cache`, remembers where it stood for PSYNC. */
  #dropLink(cache: boolean): void {
    this.#attempt++;
    const pc = this.primaryClient;
    if (pc !== null) {
      if (cache) this.#cacheState();
      this.primaryClient = null;
      this.server.closeClient(pc, true);
    }
    this.#reader?.close();
    this.#reader = null;
    this.#conn?.destroy();
    this.#conn = null;
  }

  #cacheState(): void {
    this.#cache = { replid: this.primary.replid, offset: this.reploff, db: this.primaryClient?.db ?? 0 };
    this.server.logger.notice("Caching the disconnected primary state.");
  }

  #connect(): void {
    const server = this.server;
    if (server.shuttingDown) return;
    const host = this.host!;
    const port = this.port;
    const attempt = ++this.#attempt;
    this.#setState("connecting");
    // `tls-replication yes`: the link is TLS, with the client side of the server's context.
    let secure: SecureContext | undefined;
    if (server.config.getBool("tls-replication")) {
      const ctx = server.tls.context;
      if (ctx === null) {
        server.logger.warning(
          "Unable to connect to PRIMARY: TLS is not configured (tls-cert-file, tls-key-file)",
        );
        this.#setState("connect");
        return;
      }
      secure = ctx.clientContext;
    }
    server.logger.notice("PRIMARY <-> REPLICA sync started");
    const source = server.config.getStr("bind-source-addr");
    connectTcp(host, port, server.config.getInt("repl-timeout") * 1000, source || undefined, secure).then(
      (conn) => {
        if (attempt !== this.#attempt) return void conn.destroy();
        this.#conn = conn;
        const reader = new LinkReader();
        this.#reader = reader;
        conn.attach({
          data: (chunk) => {
            server.stats.netReplInput += chunk.length;
            reader.push(chunk);
          },
          drain: () => {},
          closed: () => reader.close(),
        });
        server.logger.notice("Non blocking connect for SYNC fired the event.");
        this.#setState("handshake");
        this.#sync(attempt, conn, reader).catch((e) => {
          if (attempt !== this.#attempt) return;
          server.logger.warning(e instanceof Error ? e.message : String(e));
          this.#retry();
        });
      },
      (e: Error & { code?: string }) => {
        if (attempt !== this.#attempt) return;
        server.logger.warning(`Error condition on socket for SYNC: ${socketError(e)}`);
        this.#retry();
      },
    );
  }

  /** Drops a failed link; the cron connects again. */
  #retry(): void {
    this.#dropLink(false);
    if (this.host !== null) this.#setState("connect");
  }

  /** The handshake, then PSYNC and what follows it (see the head of this file). */
  async #sync(attempt: number, conn: OutboundConnection, reader: LinkReader): Promise<void> {
    const server = this.server;
    const c = server.config;
    const log = server.logger;
    const send = (...words: string[]) => conn.write(encodeCommand(words.map((w) => enc.encode(w))));
    const live = () => {
      if (attempt !== this.#attempt) throw new Stale();
    };
    try {
      send("PING");
      const pong = await reader.line();
      live();
      if (
        pong.startsWith("-") && !pong.startsWith("-NOAUTH") && !pong.startsWith("-NOPERM") &&
        !pong.startsWith("-ERR operation not permitted")
      ) {
        throw new Error(`Error reply to PING from primary: '${pong}'`);
      }
      log.notice("Primary replied to PING, replication can continue...");
      const auth = c.getStr("primaryauth");
      if (auth !== "") {
        const user = c.getStr("primaryuser");
        if (user !== "") send("AUTH", user, auth);
        else send("AUTH", auth);
        const r = await reader.line();
        live();
        if (r.startsWith("-")) throw new Error(`Unable to AUTH to PRIMARY: ${r}`);
      }
      const announcePort = c.getInt("replica-announce-port");
      // Over TLS, replicas of ours reach us on the TLS port.
      const ownPort = server.config.getBool("tls-replication") ? server.tls.port : server.port;
      send("REPLCONF", "listening-port", String(announcePort !== 0 ? announcePort : ownPort));
      const lp = await reader.line();
      live();
      if (lp.startsWith("-")) {
        log.notice(`(Non critical) Primary does not understand REPLCONF listening-port: ${lp}`);
      }
      const announceIp = c.getStr("replica-announce-ip");
      if (announceIp !== "") {
        send("REPLCONF", "ip-address", announceIp);
        const r = await reader.line();
        live();
        if (r.startsWith("-")) {
          log.notice(`(Non critical) Primary does not understand REPLCONF ip-address: ${r}`);
        }
      }
      send("REPLCONF", "capa", "eof", "capa", "psync2");
      const capa = await reader.line();
      live();
      if (capa.startsWith("-")) {
        log.notice(`(Non critical) Primary does not understand REPLCONF capa: ${capa}`);
      }
      send("REPLCONF", "version", VALKEY_VERSION);
      const ver = await reader.line();
      live();
      if (ver.startsWith("-")) {
        log.notice(`(Non critical) Primary does not understand REPLCONF version: ${ver}`);
      }

      const cache = this.#cache;
      // A primary handing over to this one (FAILOVER) asks it to turn primary first.
      const failover = this.failover?.inProgress() === true ? ["FAILOVER"] : [];
      if (cache !== null) {
        log.notice(`Trying a partial resynchronization (request ${cache.replid}:${cache.offset + 1}).`);
        send("PSYNC", cache.replid, String(cache.offset + 1), ...failover);
      } else {
        log.notice("Partial resynchronization not possible (no cached primary)");
        send("PSYNC", "?", "-1", ...failover);
      }
      const reply = await reader.line();
      live();
      if (failover.length > 0) {
        const accepted = reply.startsWith("+CONTINUE") || reply.startsWith("+FULLRESYNC");
        this.failover!.psyncAnswered(accepted);
        if (!accepted) return;
      }
      const cont = /^\+CONTINUE(?: ([0-9a-zA-Z]{40}))?$/.exec(reply);
      if (cont !== null && cache !== null) {
        log.notice("Successful partial resynchronization with primary.");
        const newId = cont[1];
        if (newId !== undefined && newId !== cache.replid) {
          this.primary.adoptNewId(newId, cache.offset);
          log.notice(`Primary replication ID changed to ${newId}`);
        }
        log.notice("PRIMARY <-> REPLICA sync: Primary accepted a Partial Resynchronization.");
        this.#stream(conn, reader, cache.offset, cache.db);
        return;
      }
      const full = /^\+FULLRESYNC ([0-9a-zA-Z]{40}) (\d+)$/.exec(reply);
      if (full === null) {
        if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
          throw new Error(`Primary is currently unable to PSYNC but should be in the future: ${reply}`);
        }
        throw new Error(`Unexpected reply to PSYNC from primary: ${reply}`);
      }
      const replid = full[1]!;
      const offset = Number(full[2]);
      log.notice(`Full resync from primary: ${replid}:${offset}`);
      if (this.#cache !== null) {
        log.notice("Discarding previously cached primary state.");
        this.#cache = null;
      }
      this.#setState("transfer");
      const image = await this.#receive(reader, live);
      this.#load(image, replid, offset);
      this.#stream(conn, reader, offset, 0);
      log.notice("PRIMARY <-> REPLICA sync: Finished with success");
    } catch (e) {
      if (e instanceof Stale) return;
      throw e;
    }
  }

  /** readSyncBulkPayload: the RDB in either form, whole. */
  async #receive(reader: LinkReader, live: () => void): Promise<Uint8Array> {
    const header = await reader.line();
    live();
    const now = () => Math.floor(Date.now() / 1000);
    this.transferLastIo = now();
    if (header.startsWith("-")) {
      throw new Error(`PRIMARY aborted replication with an error: ${header.slice(1)}`);
    }
    if (header.startsWith("$EOF:")) {
      const mark = enc.encode(header.slice(5));
      if (mark.length !== 40) {
        throw new Error(`Bad protocol from PRIMARY, the first byte is not '$': ${header}`);
      }
      this.server.logger.notice(
        "PRIMARY <-> REPLICA sync: receiving streamed RDB from primary with EOF to parser",
      );
      this.transferSize = -1;
      for (;;) {
        const b = reader.all();
        this.transferRead = b.length;
        if (b.length >= 40 && endsWith(b, mark)) {
          const image = b.slice(0, b.length - 40);
          reader.skip(b.length);
          return image;
        }
        await reader.more();
        live();
        this.transferLastIo = now();
      }
    }
    if (!header.startsWith("$")) {
      throw new Error(
        `Bad protocol from PRIMARY, the first byte is not '$' (we received '${header}'), are you sure the host and port are right?`,
      );
    }
    const size = Number(header.slice(1));
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`Bad protocol from PRIMARY: ${header}`);
    this.server.logger.notice(`PRIMARY <-> REPLICA sync: receiving ${size} bytes from primary to parser`);
    this.transferSize = size;
    while (reader.length < size) {
      this.transferRead = reader.length;
      await reader.more();
      live();
      this.transferLastIo = now();
    }
    const image = reader.all().slice(0, size);
    reader.skip(size);
    return image;
  }

  /** Replaces the dataset with the primary's image and takes on its history. */
  #load(image: Uint8Array, replid: string, offset: number): void {
    const server = this.server;
    const log = server.logger;
    const p = persistenceOf(server);
    // useDisklessLoad: `disabled` (the default), and `on-empty-db` over keys, go through `dbfilename`
    // (kept: a restart resumes from it); the bytes loaded are the same either way.
    const mode = server.config.getEnum("repl-diskless-load");
    const toDisk = mode === "disabled" || (mode === "on-empty-db" && server.dbs.some((db) => db.size > 0));
    if (toDisk && !p.storeSyncImage(image)) throw new Error("Failed storing the PRIMARY synchronization DB");
    // Our replicas must sync again with the new data; an image we were making is stale.
    this.primary.disconnectReplicas();
    p.cancelBgsave();
    log.notice("PRIMARY <-> REPLICA sync: Flushing old data");
    server.signalFlushedDb(-1);
    for (const db of server.dbs) db.clear();
    log.notice("PRIMARY <-> REPLICA sync: Loading DB in memory");
    if (!p.loadImage(image, false, false)) {
      if (toDisk) p.dropSyncImage();
      log.notice("PRIMARY <-> REPLICA sync: Discarding the half-loaded data");
      server.signalFlushedDb(-1);
      for (const db of server.dbs) db.clear();
      throw new Error(
        toDisk
          ? "Failed trying to load the PRIMARY synchronization DB from disk, check server logs."
          : "Failed trying to load the PRIMARY synchronization DB from socket, check server logs.",
      );
    }
    if (toDisk) p.dropSyncImage();
    server.dirty++;
    this.primary.adoptHistory(replid, offset);
    // The AOF starts again from this dataset (Valkey's restartAOFAfterSYNC).
    if (server.config.getBool("appendonly")) aofOf(server).startRewrite();
  }

  /** The link becomes the primary's client, which applies the stream from `offset` in database `db`. */
  #stream(conn: OutboundConnection, reader: LinkReader, offset: number, db: number): void {
    const server = this.server;
    this.reploff = offset;
    this.readReploff = offset;
    this.primary.ensureBacklog(offset);
    const { client, handler } = server.adoptConnection(conn);
    client.fromPrimary = true;
    client.db = db;
    client.flags.add("M");
    client.primaryCommandDone = (argv) => this.#applied(client, argv);
    this.primaryClient = client;
    this.#reader = null;
    this.#setState("connected");
    this.downSince = 0;
    const feed: ConnectionHandler = {
      data: (chunk) => {
        this.readReploff += chunk.length;
        handler.data(chunk);
      },
      drain: () => handler.drain(),
      closed: () => {
        handler.closed();
        this.#primaryLost(client);
      },
    };
    conn.attach(feed);
    const rest = reader.length > 0 ? reader.all() : null;
    if (rest !== null) feed.data(rest);
    this.sendAck();
  }

  /** A command of the stream was applied: the offset moves, and it goes on to our replicas. */
  #applied(client: Client, argv: Uint8Array[]): void {
    const off = this.readReploff - client.parser.unconsumedBytes;
    if (off <= this.reploff) return;
    this.reploff = off;
    this.primary.proxy(encodeCommand(argv), off);
  }

  #primaryLost(client: Client): void {
    if (this.primaryClient !== client) return;
    this.server.logger.notice("Connection with primary lost.");
    this.#cacheState();
    this.primaryClient = null;
    this.#attempt++;
    this.#conn = null;
    this.downSince = Math.floor(Date.now() / 1000);
    // A server stopping closes the link itself: it must not connect again while it exits.
    if (this.host === null || this.server.shuttingDown) return;
    // At once rather than at the next cron tick: the backlog may be recycled meanwhile (Valkey 8).
    this.server.logger.notice(`Reconnecting to PRIMARY ${this.host}:${this.port}`);
    this.#connect();
  }

  /** REPLCONF ACK <offset> [FACK <aof offset>] to the primary (replicationSendAck). */
  sendAck(): void {
    const pc = this.primaryClient;
    if (pc === null || pc.closed) return;
    const words = ["REPLCONF", "ACK", String(this.reploff)];
    const fsynced = aofOf(this.server).fsyncedReploff;
    if (this.server.config.getBool("appendonly") && fsynced >= 0) words.push("FACK", String(fsynced));
    pc.conn.write(encodeCommand(words.map((w) => enc.encode(w))));
  }

  // --- a writable replica's own keys ---

  /** Keys changed by the command running (a TTL may be set after the change is signalled, as SET EX). */
  #changed: [Db, Uint8Array][] = [];

  /** A key changed by a client (Server.keyModified): looked at when its command ends. */
  keyModified(db: Db, key: Uint8Array, by: Client | null): void {
    if (this.host === null || by === null || by.fromPrimary) return;
    this.#changed.push([db, key.slice()]);
  }

  /** After a command: the local keys it changed that have a TTL are remembered. */
  commandEnded(): void {
    if (this.#changed.length === 0) return;
    const changed = this.#changed;
    this.#changed = [];
    for (const [db, key] of changed) {
      const ref = db.find(key);
      if (ref === NO_ENTRY || db.getExpire(ref) < 0) continue;
      const k = latin1(key);
      let dbs = this.ownExpiring.get(k);
      if (dbs === undefined) this.ownExpiring.set(k, dbs = new Set());
      dbs.add(db.id);
    }
  }

  /** expireReplicaKeys: deletes the remembered keys whose TTL passed; forgets those without one. */
  expireOwnKeys(): void {
    if (this.ownExpiring.size === 0) return;
    if (this.host === null) return this.ownExpiring.clear();
    const dbs = this.server.dbs;
    for (const [k, ids] of this.ownExpiring) {
      const key = latin1Bytes(k);
      for (const id of [...ids]) {
        const db = dbs[id];
        if (db === undefined || db.expireNow(key) !== 0) ids.delete(id);
      }
      if (ids.size === 0) this.ownExpiring.delete(k);
    }
  }

  // --- cron ---

  /** replicationCron's replica part: reconnects, timeouts, the ACK every second. */
  cron(): void {
    if (this.host === null) return;
    const server = this.server;
    const timeoutMs = server.config.getInt("repl-timeout") * 1000;
    const now = Date.now();
    switch (this.state) {
      case "connect":
        server.logger.notice(`Connecting to PRIMARY ${this.host}:${this.port}`);
        this.#connect();
        return;
      case "connecting":
      case "handshake":
        if (now - this.#stateSince > timeoutMs) {
          server.logger.warning("Timeout connecting to the PRIMARY...");
          this.#retry();
        }
        return;
      case "transfer":
        if (now - this.transferLastIo * 1000 > timeoutMs) {
          server.logger.warning(
            "Timeout receiving bulk data from PRIMARY... If the problem persists try to set the 'repl-timeout' parameter in valkey.conf to a larger value.",
          );
          this.#retry();
        }
        return;
      case "connected": {
        const pc = this.primaryClient;
        if (pc !== null && now - pc.lastInteraction > timeoutMs) {
          server.logger.warning("PRIMARY timeout: no data nor PING received...");
          server.closeClient(pc, true);
          return;
        }
        this.sendAck();
        return;
      }
      default:
        return;
    }
  }
}

class Stale extends Error {}

function endsWith(b: Uint8Array, tail: Uint8Array): boolean {
  const o = b.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (b[o + i] !== tail[i]) return false;
  return true;
}

/** The strerror text of a failed connect (`Connection refused`...), as Valkey's connGetLastError. */
function socketError(e: Error & { code?: string }): string {
  switch (e.code) {
    case "ECONNREFUSED":
      return "Connection refused";
    case "EHOSTUNREACH":
      return "No route to host";
    case "ENETUNREACH":
      return "Network is unreachable";
    case "ETIMEDOUT":
      return "Connection timed out";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "Name or service not known";
    default:
      return e.message;
  }
}

const replicas = new WeakMap<Server, Replica>();

/** The server's replica side (created on first use). */
export function replicaOf(server: Server): Replica {
  let r = replicas.get(server);
  if (r === undefined) {
    r = new Replica(server);
    replicas.set(server, r);
  }
  return r;
}
