/**
 * The RDB side of the server (Valkey's rdb.c glue in server.c): SAVE, BGSAVE (as a {@link Snapshot}),
 * save points in the cron, loading `dir`/`dbfilename` at start-up, the MISCONF write gate of
 * `stop-writes-on-bgsave-error`, saving on shutdown, and the state INFO persistence reports.
 *
 * One {@link Persistence} per server, found with {@link persistenceOf}; {@link installPersistence} wires
 * it in (embed.ts).
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { fsyncDir } from "../runtime/files.ts";
import process from "node:process";
import type { Server } from "../server/server.ts";
import { LoggedError } from "../server/log.ts";
import type { CommandCall } from "../commands/call.ts";
import { VALKEY_VERSION } from "../server/version.ts";
import { strerror } from "../config/directives.ts";
import { lfuDecayed } from "../eviction/lfu.ts";
import { usedMemory } from "../commands/server/memory_stats.ts";
import { type AccessInfo, loadRdb, RdbLoadError, serializeAll } from "./rdb_file.ts";
import { RdbWriter } from "./rdb_io.ts";
import type { EncodingLimits } from "./rdb_value.ts";
import { AUTOSYNC_BYTES, type RdbStream, Snapshot, WriterThread } from "./snapshot.ts";
import { latencyMonitorOn, latencySample } from "../observability/latency_events.ts";
import { gateReject, isWriteCall } from "../commands/transaction/install.ts";

/** Seconds before a failed BGSAVE is retried by the save points (CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_DELAY = 5;

/** The -MISCONF error; "Redis" instead of "Valkey" under `extended-redis-compatibility`. */
export function misconfError(redisCompat = false): string {
  const name = redisCompat ? "Redis" : "Valkey";
  return `MISCONF ${name} is configured to save RDB snapshots, but it's currently unable to ` +
    "persist to disk. Commands that may modify the data set are disabled, because this instance is configured " +
    "to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please " +
    `check the ${name} logs for details about the RDB error.`;
}

export const ERR_MISCONF = misconfError(false);

const registry = new WeakMap<Server, Persistence>();

/** The persistence state of `server` (created on first use). */
export function persistenceOf(server: Server): Persistence {
  let p = registry.get(server);
  if (p === undefined) {
    p = new Persistence(server);
    registry.set(server, p);
  }
  return p;
}

export class Persistence {
  readonly server: Server;
  snapshot: Snapshot | null = null;
  bgsaveScheduled = false;
  lastBgsaveOk = true;
  /** Unix seconds of the last BGSAVE attempt. */
  lastBgsaveTry = 0;
  lastBgsaveTimeSec = -1;
  rdbSaves = 0;
  lastLoadKeysLoaded = 0;
  /** The last failed load found the file damaged (RdbLoadError.corrupt). */
  lastLoadCorrupt = false;
  lastLoadKeysExpired = 0;
  /** Where the last image loaded by {@link Persistence.loadImage} ended in its buffer. */
  lastLoadEnd = 0;
  /** The aux fields of the last image loaded. */
  lastLoadAux = new Map<string, string>();
  /** Intermediate syncs of the last SAVE / BGSAVE's file (rdb-save-incremental-fsync; tests). */
  lastSaveSyncs = 0;
  #dirtyBeforeBgsave = 0;
  #bgsaveSeq = 0;
  /** The file-writing Worker of BGSAVE and AOF rewrites, kept for the server's life (see WriterThread). */
  readonly writer = new WriterThread(Infinity);

  constructor(server: Server) {
    this.server = server;
  }

  get dir(): string {
    return this.server.config.getStr("dir");
  }

  get rdbPath(): string {
    return path.join(this.dir, this.server.config.getStr("dbfilename"));
  }

  get tempName(): string {
    return `temp-${process.pid}.rdb`;
  }

  get bgsaveInProgress(): boolean {
    return this.snapshot !== null;
  }

  /** rdb_current_bgsave_time_sec. */
  get currentBgsaveSec(): number {
    return this.snapshot === null ? -1 : Math.floor((Date.now() - this.snapshot.startedAt) / 1000);
  }

  /** The limits that pick loaded values' encodings. */
  limits(): EncodingLimits {
    const c = this.server.config;
    return {
      hashMaxListpackEntries: c.getInt("hash-max-listpack-entries"),
      hashMaxListpackValue: c.getInt("hash-max-listpack-value"),
      setMaxIntsetEntries: c.getInt("set-max-intset-entries"),
      setMaxListpackEntries: c.getInt("set-max-listpack-entries"),
      setMaxListpackValue: c.getInt("set-max-listpack-value"),
      zsetMaxListpackEntries: c.getInt("zset-max-listpack-entries"),
      zsetMaxListpackValue: c.getInt("zset-max-listpack-value"),
      listMaxListpackSize: c.getInt("list-max-listpack-size"),
      streamNodeMaxEntries: c.getInt("stream-node-max-entries"),
      streamNodeMaxBytes: c.getInt("stream-node-max-bytes"),
    };
  }

  /** Which access information keys carry, from `maxmemory-policy` (LRU idle time or LFU counter). */
  access(): AccessInfo {
    const p = this.server.config.getEnum("maxmemory-policy");
    return p.endsWith("-lfu") ? "lfu" : p.endsWith("-lru") ? "lru" : "none";
  }

  #lfuCounter(): (field: number) => number {
    const decay = this.server.config.getInt("lfu-decay-time");
    return (field) => lfuDecayed(field, Date.now(), decay);
  }

  /**
   * rdbPopulateSaveInfo, set by replication: the replication aux fields (`repl-stream-db`, `repl-id`,
   * `repl-offset`) every image carries when the server is in a replication chain, else null.
   */
  replSaveInfo: (() => [string, string][] | null) | null = null;

  /**
   * Replication's part of loading the file at start (Valkey's loadDataFromDisk): whether keys already
   * expired are kept (a replica keeps them for its primary's DEL), what is told of each dropped one, and
   * the aux fields once loaded, from which a primary or replica takes up its history.
   */
  startupRepl: {
    keepExpired(): boolean;
    beforeLoad(): void;
    expired(db: number, key: Uint8Array): void;
    loaded(aux: Map<string, string>): void;
  } | null = null;

  /**
   * The aux fields Valkey 8.1 writes (rdbSaveInfoAuxFields), with the replication ones `repl` (by default
   * {@link Persistence.replSaveInfo}'s).
   */
  aux(repl: [string, string][] | null = this.replSaveInfo?.() ?? null): [string, string][] {
    return [
      ["valkey-ver", VALKEY_VERSION],
      ["redis-bits", "64"],
      ["ctime", String(Math.floor(Date.now() / 1000))],
      ["used-mem", String(usedMemory(this.server))],
      ...(repl ?? []),
      ["aof-base", "0"],
    ];
  }

  /** A complete RDB image of the current data (SAVE, DEBUG RELOAD). */
  serialize(): Uint8Array {
    const c = this.server.config;
    return serializeAll(
      new RdbWriter(c.getBool("rdbcompression"), 1 << 20),
      this.server.dbs,
      this.aux(),
      this.access(),
      Date.now(),
      c.getBool("rdbchecksum"),
      this.#lfuCounter(),
    );
  }

  /**
   * rdbSave: writes the file synchronously (temp file, fsync, rename). False on failure (logged). As
   * Valkey's, a success marks the last save ok, but a failure leaves that status as it was: a failed SAVE
   * or shutdown save does not turn on MISCONF.
   */
  saveSync(): boolean {
    const log = this.server.logger;
    let image: Uint8Array;
    try {
      image = this.serialize();
    } catch (e) {
      log.warning(
        `Write error while saving DB to the disk(rdbSaveRio): ${e instanceof Error ? e.message : e}`,
      );
      return false;
    }
    const ok = this.#writeFile(image);
    if (ok) {
      log.notice("DB saved on disk");
      this.server.dirty = 0;
      this.server.lastSave = Math.floor(Date.now() / 1000);
      this.lastBgsaveOk = true;
    }
    return ok;
  }

  #writeFile(image: Uint8Array): boolean {
    const log = this.server.logger;
    const tmp = path.join(this.dir, this.tempName);
    let fd: number;
    try {
      fd = fs.openSync(tmp, "w");
    } catch (e) {
      log.warning(
        `Failed opening the temp RDB file ${this.tempName} (in server root dir ${this.dir}) for saving: ${
          strerror(e)
        }`,
      );
      return false;
    }
    let op = "rdbSaveRio";
    // rdb-save-incremental-fsync: synced every AUTOSYNC_BYTES written (rioSetAutoSync).
    const autosync = this.server.config.getBool("rdb-save-incremental-fsync") ? AUTOSYNC_BYTES : 0;
    this.lastSaveSyncs = 0;
    try {
      let off = 0;
      let unsynced = 0;
      while (off < image.length) {
        const end = autosync > 0 ? Math.min(image.length, off + autosync - unsynced) : image.length;
        const n = fs.writeSync(fd, image, off, end - off);
        off += n;
        unsynced += n;
        if (autosync > 0 && unsynced >= autosync) {
          fs.fdatasyncSync(fd);
          this.lastSaveSyncs++;
          unsynced = 0;
        }
      }
      op = "fsync";
      fs.fsyncSync(fd);
      op = "fclose";
      fs.closeSync(fd);
    } catch (e) {
      log.warning(`Write error while saving DB to the disk(${op}): ${strerror(e)}`);
      try {
        fs.closeSync(fd);
      } catch { /* closed */ }
      try {
        fs.unlinkSync(tmp);
      } catch { /* gone */ }
      return false;
    }
    try {
      fs.renameSync(tmp, this.rdbPath);
    } catch (e) {
      log.warning(
        `Error moving temp DB file ${this.tempName} on the final destination ${
          this.server.config.getStr("dbfilename")
        } (in server root dir ${this.dir}): ${strerror(e)}`,
      );
      try {
        fs.unlinkSync(tmp);
      } catch { /* gone */ }
      return false;
    }
    return true;
  }

  /**
   * Called when a BGSAVE ends, with whether it succeeded and whether it went to sockets: replication
   * (Valkey's updateReplicasWaitingBgsave) sends the file to the replicas waiting for it.
   */
  readonly bgsaveDoneHooks: ((ok: boolean, toSockets: boolean) => void)[] = [];

  /**
   * rdbSaveBackground: starts a BGSAVE. False when the temp file cannot be opened (logged). For
   * replication, `repl.info` is the replication aux fields taken before the replicas were set up, and
   * for a diskless sync `repl.stream` is where the image goes instead of `dbfilename`
   * (rdbSaveToReplicasSockets).
   */
  startBgsave(repl?: { info: [string, string][] | null; stream?: RdbStream; noData?: boolean }): boolean {
    if (this.snapshot !== null) return false;
    const server = this.server;
    const c = server.config;
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    this.#dirtyBeforeBgsave = server.dirty;
    const started = Date.now();
    const tempName = `temp-${process.pid}-${++this.#bgsaveSeq}.rdb`;
    const snap: Snapshot = new Snapshot({
      // An RDB filtered to functions only (REPLCONF rdb-filter-only) holds no keys.
      dbs: repl?.noData === true ? [] : [...server.dbs],
      // Valkey's child writes temp-<child pid>.rdb; here each BGSAVE gets its own name, so a cancelled one
      // still closing its file never touches the next one's.
      tempPath: path.join(this.dir, tempName),
      finalPath: this.rdbPath,
      compress: c.getBool("rdbcompression"),
      checksum: c.getBool("rdbchecksum"),
      access: this.access(),
      aux: repl === undefined ? this.aux() : this.aux(repl.info),
      lfuCounter: this.#lfuCounter(),
      keyDelayUs: c.getInt("rdb-key-save-delay"),
      writer: this.writer,
      autosync: c.getBool("rdb-save-incremental-fsync") ? AUTOSYNC_BYTES : 0,
      onDone: (err) => this.#bgsaveDone(snap, err, started),
      ...(repl?.stream !== undefined ? { stream: repl.stream } : {}),
    });
    try {
      snap.start();
    } catch (e) {
      server.logger.warning(
        `Failed opening the temp RDB file ${tempName} (in server root dir ${this.dir}) for saving: ${
          strerror(e)
        }`,
      );
      this.lastBgsaveOk = false;
      return false;
    }
    this.snapshot = snap;
    if (repl?.stream !== undefined) {
      server.logger.notice(`Background RDB transfer started by pid ${process.pid}`);
      return true;
    }
    this.rdbSaves++;
    server.logger.notice(`Background saving started by pid ${process.pid}`);
    return true;
  }

  #bgsaveDone(snap: Snapshot, err: string | null, started: number): void {
    if (this.snapshot !== snap) return; // cancelled
    this.snapshot = null;
    this.lastSaveSyncs = snap.syncs;
    const log = this.server.logger;
    this.lastBgsaveTimeSec = Math.floor((Date.now() - started) / 1000);
    if (snap.toSockets) {
      // backgroundSaveDoneHandlerSocket: neither the last save time nor the dirty counter move.
      if (err === null) log.notice("Background RDB transfer terminated with success");
      else log.warning("Background transfer error");
      for (const fn of this.bgsaveDoneHooks) fn(err === null, true);
      return;
    }
    if (err === null) {
      log.notice("DB saved on disk");
      log.notice("Background saving terminated with success");
      this.server.dirty -= this.#dirtyBeforeBgsave;
      this.server.lastSave = Math.floor(Date.now() / 1000);
      this.lastBgsaveOk = true;
    } else {
      log.warning(err);
      log.warning("Background saving error");
      this.lastBgsaveOk = false;
    }
    for (const fn of this.bgsaveDoneHooks) fn(err === null, false);
  }

  /** Stops a running BGSAVE (BGSAVE CANCEL, shutdown, DEBUG RELOAD); its temp file is removed. */
  cancelBgsave(): void {
    const snap = this.snapshot;
    if (snap === null) return;
    this.snapshot = null;
    latencySample(this.server, "rdb-unlink-temp-file", snap.cancel(latencyMonitorOn(this.server)));
    this.lastBgsaveTimeSec = Math.floor((Date.now() - snap.startedAt) / 1000);
    for (const fn of this.bgsaveDoneHooks) fn(false, snap.toSockets);
  }

  /** serverCron's part: scheduled BGSAVE, then the save points. */
  cron(): void {
    if (this.snapshot !== null) return;
    const server = this.server;
    if (this.bgsaveScheduled) {
      if (this.startBgsave()) this.bgsaveScheduled = false;
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    for (const [seconds, changes] of server.config.getSave()) {
      if (
        server.dirty >= changes && now - server.lastSave > seconds &&
        (now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk)
      ) {
        server.logger.notice(`${changes} changes in ${seconds} seconds. Saving...`);
        this.startBgsave();
        break;
      }
    }
  }

  /** writeCommandsDeniedByDiskError for RDB. */
  /**
   * A replica's full sync loaded from disk (`repl-diskless-load disabled`, or `on-empty-db` with keys):
   * the primary's image is written to `temp-<unix time>.<pid>.rdb`, fsynced and renamed over
   * `dbfilename` (Valkey's readSyncBulkPayload), so the file holds the synced data and its replication
   * history. False on failure (logged; the sync fails and starts again).
   */
  storeSyncImage(image: Uint8Array): boolean {
    const log = this.server.logger;
    const name = `temp-${Math.floor(Date.now() / 1000)}.${process.pid}.rdb`;
    const tmp = path.join(this.dir, name);
    let fd: number;
    try {
      fd = fs.openSync(tmp, "w");
    } catch (e) {
      log.warning(`Opening the temp file needed for PRIMARY <-> REPLICA synchronization: ${strerror(e)}`);
      return false;
    }
    try {
      let off = 0;
      while (off < image.length) off += fs.writeSync(fd, image, off, image.length - off);
      fs.fsyncSync(fd);
    } catch (e) {
      log.warning(
        `Failed trying to sync the temp DB to disk in PRIMARY <-> REPLICA synchronization: ${strerror(e)}`,
      );
      try {
        fs.closeSync(fd);
        fs.unlinkSync(tmp);
      } catch { /* gone */ }
      return false;
    }
    fs.closeSync(fd);
    try {
      fs.renameSync(tmp, this.rdbPath);
    } catch (e) {
      log.warning(
        `Failed trying to rename the temp DB into ${
          this.server.config.getStr("dbfilename")
        } in PRIMARY <-> REPLICA synchronization: ${strerror(e)}`,
      );
      try {
        fs.unlinkSync(tmp);
      } catch { /* gone */ }
      return false;
    }
    fsyncDir(this.dir);
    return true;
  }

  /** `rdb-del-sync-files yes` with no save points and the AOF off: the synced file is not kept. */
  dropSyncImage(): void {
    const c = this.server.config;
    if (!c.getBool("rdb-del-sync-files") || c.getSave().length > 0 || c.getBool("appendonly")) return;
    this.server.logger.notice(
      "Removing the RDB file obtained from the primary. This replica has persistence disabled",
    );
    try {
      fs.unlinkSync(this.rdbPath);
    } catch { /* gone already */ }
  }

  writesDenied(): boolean {
    const c = this.server.config;
    return !this.lastBgsaveOk && c.getBool("stop-writes-on-bgsave-error") && c.getSave().length > 0;
  }

  /**
   * Loads `dir`/`dbfilename` into the (empty) databases. Returns false when a file exists but cannot be
   * loaded (the caller must not serve a half-loaded dataset). A missing file is fine.
   */
  loadAtStartup(): boolean {
    const file = this.rdbPath;
    let buf: Uint8Array;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return true;
      this.server.logger.warning(`Fatal error loading the DB: ${strerror(e)}. Exiting.`);
      return false;
    }
    const t0 = performance.now();
    const repl = this.startupRepl;
    repl?.beforeLoad();
    if (!this.loadImage(buf, false, !(repl?.keepExpired() ?? false), repl?.expired)) {
      // Valkey terminates in rdbReportError on a damaged file, and reports other failures (an unknown
      // version, a wrong signature) from loadDataFromDisk.
      this.server.logger.warning(
        this.lastLoadCorrupt
          ? "Terminating server after rdb file reading failure."
          : "Fatal error loading the DB, check server logs. Exiting.",
      );
      return false;
    }
    this.server.logger.notice(`DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    repl?.loaded(this.lastLoadAux);
    return true;
  }

  /**
   * Loads an RDB image into the current databases (which should be empty). `dropExpired` false: keys
   * already expired are loaded too (a replica's image from its primary); `onExpired` hears of each one
   * dropped.
   */
  loadImage(
    buf: Uint8Array,
    replaceExisting = false,
    dropExpired = true,
    onExpired?: (db: number, key: Uint8Array) => void,
  ): boolean {
    const server = this.server;
    const log = server.logger;
    // Loading a file is deep-checked for Valkey only with `sanitize-dump-payload yes` (`clients` spares
    // what no client sent).
    const deep = server.config.getEnum("sanitize-dump-payload") === "yes";
    try {
      const res = loadRdb(buf, {
        dbs: server.dbs,
        limits: this.limits(),
        nowMs: Date.now(),
        checksum: server.config.getBool("rdbchecksum") && !server.skipChecksumValidation,
        deep,
        access: this.access(),
        dropExpired,
        replaceExisting,
        relaxedVersion: server.config.getEnum("rdb-version-check") === "relaxed",
        keyDelayUs: server.config.getInt("key-load-delay"),
        ...(onExpired !== undefined ? { onExpired } : {}),
        notice: (m) => log.notice(m),
        warning: (m) => log.warning(m),
      });
      if (deep) server.stats.dumpPayloadSanitizations += res.compactBlobs;
      this.lastLoadKeysLoaded = res.keysLoaded;
      this.lastLoadEnd = res.end;
      this.lastLoadKeysExpired = res.keysExpired;
      this.lastLoadAux = res.aux;
      return true;
    } catch (e) {
      if (e instanceof RdbLoadError) {
        this.lastLoadCorrupt = e.corrupt;
        log.warning(`Internal error in RDB reading: ${e.message}`);
        return false;
      }
      throw e;
    }
  }
}

/** Wires persistence into a server: cron, MISCONF gate, shutdown save. Call before start(). */
export function installPersistence(server: Server): Persistence {
  const p = persistenceOf(server);
  server.cronHooks.push(() => p.cron());
  server.startupLoaders.push(() => {
    // loadAtStartup logged why.
    if (!p.loadAtStartup()) throw new LoggedError("Fatal error loading the DB, check server logs. Exiting.");
  });
  server.shutdownStopSave = () => {
    if (!p.bgsaveInProgress) return;
    server.logger.warning("There is a child saving an .rdb. Killing it!");
    p.cancelBgsave();
  };
  server.shutdownSave = () => p.saveSync();
  server.shutdownHooks.push(() => p.writer.stop());
  // MISCONF comes before MULTI queueing in Valkey's processCommand: first in the gate list.
  const misconf = () => {
    const config = server.config;
    return misconfError(
      config.has("extended-redis-compatibility") && config.getBool("extended-redis-compatibility"),
    );
  };
  server.gates.unshift((call: CommandCall) => {
    // A replica's primary is obeyed even when our disk fails (Valkey's obey_client).
    if (!p.writesDenied() || call.client.fromPrimary) return false;
    if (!isWriteCall(call) && call.spec.name !== "ping") return false;
    gateReject(call, misconf());
    return true;
  });
  server.writeDenials.push(() => p.writesDenied() ? misconf() : null);
  return p;
}
