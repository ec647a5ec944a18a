/**
 * DUMP and RESTORE (Valkey's cluster.c createDumpPayload / verifyDumpPayload / restoreCommand).
 *
 * The payload is the value in RDB form followed by a footer:
 *
 *     | type byte | value (RDB encoding) | RDB version, 2 bytes LE | CRC64 of everything before, 8 bytes LE |
 *
 * Valkyr writes version 11 (Valkey 8.1's). RESTORE accepts versions up to 11 (Redis 7.0 writes 10) and
 * refuses 12 and above ("foreign" versions and newer formats), as Valkey 8.1 with the default strict
 * version check. The value's encoding follows the current `*-max-listpack-*` limits, as loading a file does.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError } from "../errors.ts";
import { keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { eqIgnoreCase, parseI64 } from "../../util/numbers.ts";
import { keyValueEncoding } from "../string/encoding.ts";
import { Crc64 } from "../../persistence/crc64.ts";
import { FormatError } from "../../persistence/encodings.ts";
import { accessField } from "../../persistence/rdb_file.ts";
import { isObjectType, RDB_VERSION, RdbReader, RdbWriter } from "../../persistence/rdb_io.ts";
import { RDB_FOREIGN_VERSION_MAX, RDB_FOREIGN_VERSION_MIN } from "../../persistence/rdb_file.ts";
import { readValue, writeValue } from "../../persistence/rdb_value.ts";
import { persistenceOf } from "../../persistence/persistence.ts";
import { keyArg, rangeKeySpec } from "./spec_util.ts";
import { alreadyExpired } from "./common.ts";

export const ERR_BUSYKEY = "BUSYKEY Target key name already exists.";
export const ERR_DUMP_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
export const ERR_BAD_DATA_FORMAT = "ERR Bad data format";

/** createDumpPayload. */
export function dumpPayload(value: Uint8Array | object, compress: boolean): Uint8Array {
  const w = new RdbWriter(compress, 256);
  writeValue(w, value);
  w.byte(RDB_VERSION & 0xff);
  w.byte((RDB_VERSION >> 8) & 0xff);
  w.raw(new Crc64().update(w.buf, 0, w.len).bytes());
  return w.take();
}

/**
 * verifyDumpPayload: the footer's version is one Valkey 8.1 reads and the checksum matches. Versions 12..79
 * (other forks' formats) are always refused; a newer version only when not `relaxed` (rdb-version-check).
 */
export function verifyDumpPayload(p: Uint8Array, relaxed = false, skipChecksum = false): boolean {
  if (p.length < 10) return false;
  const f = p.length - 10;
  const ver = p[f]! | (p[f + 1]! << 8);
  if ((ver >= RDB_FOREIGN_VERSION_MIN && ver <= RDB_FOREIGN_VERSION_MAX) || (ver > RDB_VERSION && !relaxed)) {
    return false;
  }
  if (skipChecksum) return true;
  return new Crc64().update(p, 0, p.length - 8).matches(p, p.length - 8);
}

function dump(call: CommandCall): void {
  const ref = lookupRead(call, call.argv[1]!);
  if (ref === NO_ENTRY) return call.reply.nullBulk();
  const db = call.db;
  const value = db.isString(ref) ? db.getString(ref) : db.getObject(ref);
  let payload: Uint8Array;
  try {
    payload = dumpPayload(value, call.server.config.getBool("rdbcompression"));
  } catch (e) {
    if (e instanceof FormatError) throw new ReplyError(`ERR ${e.message}`);
    throw e;
  }
  call.reply.bulk(payload);
}

function int64Arg(b: Uint8Array): bigint {
  const v = parseI64(b);
  if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
  return v;
}

function restore(call: CommandCall): void {
  const argv = call.argv;
  let replace = false;
  let absttl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < argv.length; j++) {
    const a = argv[j]!;
    const additional = argv.length - j - 1;
    if (eqIgnoreCase(a, "replace")) replace = true;
    else if (eqIgnoreCase(a, "absttl")) absttl = true;
    else if (eqIgnoreCase(a, "idletime") && additional >= 1 && freq === -1n) {
      idle = int64Arg(argv[++j]!);
      if (idle < 0n) throw new ReplyError("ERR Invalid IDLETIME value, must be >= 0");
    } else if (eqIgnoreCase(a, "freq") && additional >= 1 && idle === -1n) {
      freq = int64Arg(argv[++j]!);
      if (freq < 0n || freq > 255n) throw new ReplyError("ERR Invalid FREQ value, must be >= 0 and <= 255");
    } else throw new ReplyError(ERR_SYNTAX);
  }
  const key = argv[1]!;
  const db = call.db;
  if (!replace && lookupWrite(call, key) !== NO_ENTRY) throw new ReplyError(ERR_BUSYKEY);
  let ttl = int64Arg(argv[2]!);
  if (ttl < 0n) throw new ReplyError("ERR Invalid TTL value, must be >= 0");
  const payload = argv[3]!;
  const relaxed = call.server.config.getEnum("rdb-version-check") === "relaxed";
  const server = call.server;
  if (!verifyDumpPayload(payload, relaxed, server.skipChecksumValidation)) {
    throw new ReplyError(ERR_DUMP_PAYLOAD);
  }
  const p = persistenceOf(server);
  let value: Uint8Array | object;
  const r = new RdbReader(payload, 0, payload.length - 10);
  r.deep = server.config.getEnum("sanitize-dump-payload") !== "no";
  try {
    const type = r.byte();
    if (!isObjectType(type)) throw new FormatError("bad type");
    value = readValue(r, type, p.limits());
  } catch (e) {
    if (e instanceof FormatError) {
      // As Valkey's rdbReportError in a RESTORE: logged at verbose level, the command fails.
      server.logger.verbose(`Internal error in RDB reading offset 0, function at rdb.c:0 -> ${e.message}`);
      throw new ReplyError(ERR_BAD_DATA_FORMAT);
    }
    throw e;
  } finally {
    // Valkyr checks every payload whole; the counter counts what `sanitize-dump-payload` has Valkey check.
    if (r.deep) server.stats.dumpPayloadSanitizations += r.compactBlobs;
  }
  const deleted = replace && db.delete(key);
  if (ttl !== 0n && !absttl) ttl += BigInt(call.now);
  if (ttl !== 0n && alreadyExpired(call, ttl)) {
    if (deleted) {
      // Propagated as the deletion it is (Valkey's restoreCommand).
      const lazy = call.server.config.getBool("lazyfree-lazy-server-del");
      call.propagateAs([ENC.encode(lazy ? "UNLINK" : "DEL"), key]);
      call.keyModified(db, key);
      call.notify("g", "del", key, db.id);
      call.dirty();
    }
    call.reply.ok();
    return;
  }
  const expire = ttl === 0n ? -1 : Number(ttl);
  let ref = value instanceof Uint8Array
    ? db.setString(key, value, keyValueEncoding(key, value, expire !== -1), false)
    : db.setObject(key, value, false);
  keyCreated(call, db, ref, key);
  if (expire !== -1) ref = db.setExpire(ref, expire);
  const access = p.access();
  if (access === "lfu") {
    if (freq !== -1n) db.setLru(ref, accessField("lfu", -1, Number(freq), call.now));
  } else if (idle !== -1n) {
    db.setLru(ref, accessField(access, Number(idle > 0xffffffn ? 0xffffffn : idle), -1, call.now));
  }
  // A relative TTL is propagated as the absolute time it became (argument 2 rewritten, ABSTTL appended).
  if (expire !== -1 && !absttl) {
    const words = argv.slice();
    words[2] = ENC.encode(String(expire));
    words.push(ENC.encode("ABSTTL"));
    call.propagateAs(words);
  }
  call.keyModified(db, key);
  call.notify("g", "restore", key, db.id);
  call.reply.ok();
  call.dirty();
}

const ENC = new TextEncoder();

export const dumpCommand: CommandSpec = {
  name: "dump",
  summary: "Returns a serialized representation of the value stored at a key.",
  since: "2.6.0",
  group: "generic",
  complexity:
    "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
  arity: 2,
  flags: ["READONLY"],
  aclCategories: ["keyspace"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  keySpecs: [rangeKeySpec(["RO", "ACCESS"], 1)],
  arguments: [keyArg()],
  parse: "manual",
  handler: dump,
};

export const restoreCommand: CommandSpec = {
  name: "restore",
  summary: "Creates a key from the serialized representation of a value.",
  since: "2.6.0",
  group: "generic",
  complexity:
    "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
  arity: -4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["keyspace", "dangerous"],
  history: [
    ["3.0.0", "Added the `REPLACE` modifier."],
    ["5.0.0", "Added the `ABSTTL` modifier."],
    ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
  ],
  keySpecs: [rangeKeySpec(["OW", "UPDATE"], 1)],
  arguments: [
    keyArg(),
    { name: "ttl", type: "integer" },
    { name: "serialized-value", type: "string" },
    { name: "replace", type: "pure-token", token: "REPLACE", optional: true, since: "3.0.0" },
    { name: "absttl", type: "pure-token", token: "ABSTTL", optional: true, since: "5.0.0" },
    { name: "seconds", type: "integer", token: "IDLETIME", optional: true, since: "5.0.0" },
    { name: "frequency", type: "integer", token: "FREQ", optional: true, since: "5.0.0" },
  ],
  parse: "manual",
  handler: restore,
};
