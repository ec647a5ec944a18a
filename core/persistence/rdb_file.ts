/**
 * Whole RDB files (Valkey's rdbSaveRio / rdbLoadRio): the header, aux fields, per-database sections,
 * key/value records with their expire and LRU/LFU opcodes, the EOF opcode and the CRC64 trailer.
 *
 *     "REDIS0011"
 *     AUX valkey-ver 8.1.1 | AUX redis-bits 64 | AUX ctime <unix> | AUX used-mem <bytes> | AUX aof-base 0
 *     SELECTDB n  RESIZEDB <keys> <volatile keys>
 *       [EXPIRETIME_MS t] [IDLE s | FREQ f] <type> <key> <value>       ... per key
 *     ...                                                              ... per non-empty database
 *     EOF <crc64, 8 bytes little-endian; 0 when rdbchecksum is off>
 *
 * Loading accepts versions 1..11 ("REDIS" or "VALKEY" magic), the older EXPIRETIME (seconds) opcode,
 * MODULE_AUX (refused unless the module is loaded, as Valkey) and FUNCTION2 (Valkyr has no function
 * engine: the library is skipped with a warning).
 *
 * @module
 */

import type { Db } from "../keyspace/db.ts";
import { keyValueEncoding } from "../commands/string/encoding.ts";
import { debugDelay } from "../util/delay.ts";
import { LRU_CLOCK_MAX, lruClock } from "../commands/lookup.ts";
import { LFU_INIT_VAL, lfuMinutes } from "../eviction/lfu.ts";
import type { ValueObject } from "../types/value.ts";
import { Crc64 } from "./crc64.ts";
import { FormatError } from "./encodings.ts";
import {
  isObjectType,
  Opcode,
  RDB_VERSION,
  RdbReader,
  RdbType,
  type RdbWriter,
  ShortReadError,
} from "./rdb_io.ts";
import {
  EmptyKeyError,
  type EncodingLimits,
  moduleNameById,
  readValue,
  valueRdbType,
  writeValueBody,
} from "./rdb_value.ts";

const dec = new TextDecoder();

/** How keys' access information is saved and restored (from `maxmemory-policy`). */
export type AccessInfo = "lru" | "lfu" | "none";

/** Writes the magic and the aux fields. */
export function writeHeader(w: RdbWriter, aux: readonly (readonly [string, string])[]): void {
  w.raw(new TextEncoder().encode(`REDIS${String(RDB_VERSION).padStart(4, "0")}`));
  for (const [k, v] of aux) {
    w.byte(Opcode.AUX);
    w.text(k);
    w.text(v);
  }
}

/** SELECTDB + RESIZEDB. */
export function writeDbHeader(w: RdbWriter, id: number, keys: number, volatile: number): void {
  w.byte(Opcode.SELECTDB);
  w.length(id);
  w.byte(Opcode.RESIZEDB);
  w.length(keys);
  w.length(volatile);
}

/** One key: expire, LRU/LFU opcode, type, key, value (rdbSaveKeyValuePair). */
export function writeEntry(
  w: RdbWriter,
  db: Db,
  ref: number,
  access: AccessInfo,
  nowMs: number,
  lfuCounter?: (field: number) => number,
): void {
  const expire = db.getExpire(ref);
  if (expire !== -1) {
    w.byte(Opcode.EXPIRETIME_MS);
    w.msTime(expire);
  }
  if (access === "lru") {
    const now = lruClock(nowMs);
    const lru = db.getLru(ref);
    const idle = now >= lru ? now - lru : LRU_CLOCK_MAX - lru + now;
    w.byte(Opcode.IDLE);
    w.length(idle);
  } else if (access === "lfu") {
    w.byte(Opcode.FREQ);
    const field = db.getLru(ref);
    w.byte(lfuCounter !== undefined ? lfuCounter(field) : field & 0xff);
  }
  const value = db.isString(ref) ? db.getString(ref) : db.getObject(ref);
  w.byte(valueRdbType(value));
  w.string(db.getKey(ref));
  writeValueBody(w, value);
}

/** EOF and the checksum of everything before it (`crc` already fed with it), or 8 zero bytes. */
export function writeTrailer(w: RdbWriter, crc: Crc64 | null): void {
  w.byte(Opcode.EOF);
  if (crc === null) {
    w.raw(new Uint8Array(8));
    return;
  }
  crc.update(w.buf, 0, w.len);
  w.raw(crc.bytes());
}

/** Serializes the given databases to a complete RDB image in memory (SAVE, DEBUG RELOAD). */
export function serializeAll(
  w: RdbWriter,
  dbs: readonly Db[],
  aux: readonly (readonly [string, string])[],
  access: AccessInfo,
  nowMs: number,
  checksum: boolean,
  lfuCounter?: (field: number) => number,
): Uint8Array {
  writeHeader(w, aux);
  for (let i = 0; i < dbs.length; i++) {
    const db = dbs[i]!;
    if (db.size === 0) continue;
    writeDbHeader(w, i, db.size, db.volatileCount);
    let cursor = 0;
    do {
      cursor = db.scan(cursor, (ref) => writeEntry(w, db, ref, access, nowMs, lfuCounter));
    } while (cursor !== 0);
  }
  writeTrailer(w, checksum ? new Crc64() : null);
  return w.view();
}

// ---------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------

/** A loading failure; `message` is the log line Valkey prints for it. */
/**
 * A load that failed. `corrupt`: the file itself is damaged (a malformed value, a short read, a wrong
 * checksum), which Valkey reports through rdbReportError and answers by terminating at start-up.
 */
export class RdbLoadError extends Error {
  constructor(message: string, readonly corrupt = false) {
    super(message);
  }
}

/** RDB versions used by other forks of the format (refused in DUMP payloads and under the REDIS magic). */
export const RDB_FOREIGN_VERSION_MIN = 12;
export const RDB_FOREIGN_VERSION_MAX = 79;

export interface LoadOptions {
  dbs: readonly Db[];
  limits: EncodingLimits;
  nowMs: number;
  /** Verify the CRC64 trailer (`rdbchecksum`). */
  checksum: boolean;
  access: AccessInfo;
  /** Drop keys whose TTL has passed (a primary does). */
  dropExpired: boolean;
  /** Told of each key dropped for its TTL (a primary loading at start feeds their DELs to its backlog). */
  onExpired?: (db: number, key: Uint8Array) => void;
  /** A key already present is replaced (DEBUG RELOAD MERGE) instead of failing the load. */
  replaceExisting?: boolean;
  /** rdb-version-check relaxed: try images of a newer RDB version than this server writes. */
  relaxedVersion?: boolean;
  /** `sanitize-dump-payload yes`: check the file's values deeply (RdbReader.deep). */
  deep?: boolean;
  /** `key-load-delay` (µs after each key, for tests; negative: see debugDelay). */
  keyDelayUs?: number;
  /** Log lines (notice level) and warnings, as Valkey prints them while loading. */
  notice(msg: string): void;
  warning(msg: string): void;
}

export interface LoadResult {
  version: number;
  keysLoaded: number;
  keysExpired: number;
  emptyKeysSkipped: number;
  /** Compact blobs read (ziplists, listpacks, intsets, nodes): RdbReader.compactBlobs. */
  compactBlobs: number;
  /** Offset just past the image (its EOF opcode and checksum): an old-style AOF's command tail starts here. */
  end: number;
  /** The aux fields read (name → value; the replication ones are `repl-stream-db`, `repl-id`, `repl-offset`). */
  aux: Map<string, string>;
}

/** rdbLoadRio: loads an RDB image into `opts.dbs`. Throws {@link RdbLoadError} on malformed input. */
export function loadRdb(buf: Uint8Array, opts: LoadOptions): LoadResult {
  const r = new RdbReader(buf);
  r.deep = opts.deep === true;
  const res: LoadResult = {
    version: 0,
    keysLoaded: 0,
    keysExpired: 0,
    emptyKeysSkipped: 0,
    compactBlobs: 0,
    end: 0,
    aux: new Map(),
  };
  try {
    loadInto(r, buf, opts, res);
    res.compactBlobs = r.compactBlobs;
  } catch (e) {
    if (e instanceof ShortReadError) {
      opts.warning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
      throw new RdbLoadError("Unexpected EOF reading RDB file", true);
    }
    if (e instanceof FormatError) {
      opts.warning(`Internal error in RDB reading offset 0, function at rdb.c:0 -> ${e.message}`);
      throw new RdbLoadError(e.message, true);
    }
    throw e;
  }
  return res;
}

function loadInto(r: RdbReader, buf: Uint8Array, opts: LoadOptions, res: LoadResult): void {
  const magic = dec.decode(r.bytes(9));
  let ver: number;
  if (magic.startsWith("REDIS0")) ver = parseInt(magic.slice(5), 10);
  else if (magic.startsWith("VALKEY")) ver = parseInt(magic.slice(6), 10);
  else {
    opts.warning("Wrong signature trying to load DB from file");
    throw new RdbLoadError("Wrong signature trying to load DB from file");
  }
  // Versions 12..79 are other forks' formats under the REDIS magic; a newer version loads only when relaxed.
  const valkeyMagic = magic.startsWith("VALKEY");
  if (
    !(ver >= 1) || (ver >= RDB_FOREIGN_VERSION_MIN && !valkeyMagic) ||
    (ver > RDB_VERSION && !opts.relaxedVersion)
  ) {
    opts.warning(`Can't handle RDB format version ${ver}`);
    throw new RdbLoadError(`Can't handle RDB format version ${ver}`);
  }
  res.version = ver;
  let db = opts.dbs[0]!;
  let expire = -1;
  let idle = -1;
  let freq = -1;
  const now = opts.nowMs;
  const delay = opts.keyDelayUs ?? 0;
  for (;;) {
    const type = r.byte();
    if (type === Opcode.EXPIRETIME) {
      expire = r.secTime() * 1000;
      continue;
    } else if (type === Opcode.EXPIRETIME_MS) {
      expire = r.msTime();
      continue;
    } else if (type === Opcode.FREQ) {
      freq = r.byte();
      continue;
    } else if (type === Opcode.IDLE) {
      idle = r.length();
      continue;
    } else if (type === Opcode.EOF) {
      break;
    } else if (type === Opcode.SELECTDB) {
      const id = r.length();
      if (id >= opts.dbs.length) {
        const msg = "FATAL: Data file was created with a Valkey server configured to handle more than " +
          `${opts.dbs.length} databases. Exiting\n`;
        opts.warning(msg);
        throw new RdbLoadError(msg);
      }
      db = opts.dbs[id]!;
      continue;
    } else if (type === Opcode.RESIZEDB) {
      // A hint: size the table once instead of growing and rehashing it while loading.
      const keys = r.length();
      r.length();
      db.expand(db.size + keys);
      continue;
    } else if (type === Opcode.AUX) {
      const k = dec.decode(r.string());
      const v = dec.decode(r.string());
      res.aux.set(k.toLowerCase(), v);
      auxNotice(k, v, opts);
      continue;
    } else if (type === Opcode.MODULE_AUX) {
      const id = r.lengthBig();
      const msg = `The RDB file contains AUX module data I can't load: no matching module '${
        moduleNameById(id)
      }'`;
      opts.warning(msg);
      throw new RdbLoadError(msg);
    } else if (type === Opcode.FUNCTION_PRE_GA) {
      throw new FormatError("Pre-release function format not supported.");
    } else if (type === Opcode.FUNCTION2) {
      r.string();
      opts.warning("Skipping a function library found in the RDB file: Valkyr has no function engine.");
      continue;
    } else if (!isObjectType(type)) {
      throw new FormatError(`Unknown RDB encoding type ${type}`);
    }
    // Views into the file's bytes: the keyspace copies keys and string values.
    const key = r.string();
    let value: Uint8Array | ValueObject;
    try {
      value = type === RdbType.STRING ? r.string() : readValue(r, type, opts.limits);
    } catch (e) {
      if (!(e instanceof EmptyKeyError)) throw e;
      if (res.emptyKeysSkipped++ < 10) opts.notice(`rdbLoadObject skipping empty key: ${dec.decode(key)}`);
      expire = idle = freq = -1;
      continue;
    }
    if (opts.dropExpired && expire !== -1 && expire < now) {
      res.keysExpired++;
      opts.onExpired?.(db.id, key);
    } else {
      if (opts.replaceExisting) db.delete(key);
      const size = db.size;
      let ref = value instanceof Uint8Array
        ? db.setString(key, value, keyValueEncoding(key, value, expire !== -1), false)
        : db.setObject(key, value, false);
      if (db.size === size) {
        // The key was there already (setString/setObject overwrote it): the file is corrupt.
        const msg = `RDB has duplicated key '${dec.decode(key)}' in DB ${db.id}`;
        opts.warning(msg);
        throw new RdbLoadError(msg);
      }
      if (expire !== -1) ref = db.setExpire(ref, expire);
      db.setLru(ref, accessField(opts.access, idle, freq, now));
      res.keysLoaded++;
    }
    expire = idle = freq = -1;
    if (delay !== 0) debugDelay(delay);
  }
  if (ver >= 5) {
    const at = r.pos;
    const stored = r.bytes(8);
    if (opts.checksum) {
      const crc = new Crc64().update(buf, 0, at);
      if (stored.every((b) => b === 0)) {
        opts.notice("RDB file was saved with checksum disabled: no check performed.");
      } else if (!crc.matches(buf, at)) {
        const got = new DataView(buf.buffer, buf.byteOffset + at, 8).getBigUint64(0, true);
        const msg = `Wrong RDB checksum expected: (${crc.value().toString(16)}) but got (${
          got.toString(16)
        }). Aborting now.`;
        opts.warning(msg);
        throw new RdbLoadError("RDB CRC error", true);
      }
    }
  }
  res.end = r.pos;
  if (res.emptyKeysSkipped > 0) {
    opts.notice(
      `Done loading RDB, keys loaded: ${res.keysLoaded}, keys expired: ${res.keysExpired}, empty keys skipped: ${res.emptyKeysSkipped}.`,
    );
  } else {
    opts.notice(`Done loading RDB, keys loaded: ${res.keysLoaded}, keys expired: ${res.keysExpired}.`);
  }
}

/** The 24-bit access field for a loaded key (objectSetLRUOrLFU). */
export function accessField(access: AccessInfo, idleSec: number, freq: number, nowMs: number): number {
  if (access === "lfu") {
    return (lfuMinutes(nowMs) << 8) | (freq !== -1 ? freq : LFU_INIT_VAL);
  }
  if (idleSec !== -1) {
    let v = lruClock(nowMs) - idleSec;
    if (v < 0) v += LRU_CLOCK_MAX + 1;
    return v & LRU_CLOCK_MAX;
  }
  return lruClock(nowMs);
}

function auxNotice(k: string, v: string, opts: LoadOptions): void {
  if (k.startsWith("%")) opts.notice(`RDB '${k}': ${v}`);
  else if (k === "redis-ver") opts.notice(`Loading RDB produced by Redis version ${v}`);
  else if (k === "valkey-ver") opts.notice(`Loading RDB produced by Valkey version ${v}`);
  else if (k === "ctime") {
    const age = Math.max(0, Math.floor(Date.now() / 1000) - (parseInt(v, 10) || 0));
    opts.notice(`RDB age ${age} seconds`);
  } else if (k === "used-mem") {
    opts.notice(`RDB memory usage when created ${((parseInt(v, 10) || 0) / (1024 * 1024)).toFixed(2)} Mb`);
  } else if (k === "aof-preamble" && parseInt(v, 10)) opts.notice("RDB has an AOF tail");
  else if (k === "aof-base" && parseInt(v, 10)) opts.notice("RDB is base AOF");
}
