/**
 * DEBUG, with the subcommands Valkyr implements completely (Valkey 8.1's debug.c debugCommand):
 * CHANGE-REPL-ID, DIGEST, DIGEST-VALUE (digest.ts), ERROR, HELP, LOADAOF (core/persistence/aof.ts), LOG,
 * OBJECT, PAUSE-CRON, POPULATE, PROTOCOL, QUICKLIST-PACKED-THRESHOLD (core/types/quicklist.ts), RELOAD,
 * REPLYBUFFER (core/server/reply_buffer.ts), CLIENT-ENFORCE-REPLY-LIST (core/server/server.ts),
 * SET-ACTIVE-EXPIRE, SET-SKIP-CHECKSUM-VALIDATION, SLEEP. Like Valkey, DEBUG is
 * one command that reads its subcommand by hand (COMMAND INFO shows no subcommands); a subcommand it does
 * not know, or with the wrong number of words, is Valkey's "unknown subcommand or wrong number of arguments"
 * error. HELP lists Valkey's lines for the implemented subcommands only.
 *
 * DEBUG OBJECT prints Valkey's line. What is computed and how:
 * - `Value at:0x…` is the entry's reference in the keyspace slab (Valkyr's address of the value);
 * - `refcount:1` always (Valkey 8.1 embeds keys in values, so values in the keyspace are never shared);
 * - `encoding:` int/embstr/raw for strings, the object's `encoding` property for other types;
 * - `serializedlength:` the RDB length of the value. Strings: exact, except that strings over 20 bytes
 *   that RDB's LZF compression would shrink are counted uncompressed (Valkyr has no LZF compressor).
 *   Other types: the object's `serializedLength()` when it has one, else the field is left out (as with
 *   `fast`);
 * - `lru:`, `lru_seconds_idle:`, `lfu_freq:`, `lfu_access_time_minutes:` from the entry's 24-bit LRU field,
 *   exactly as Valkey derives them (the LFU figures decay with `lfu-decay-time`);
 * - objects may append their own details (Valkey's quicklist `ql_*` fields) with `debugExtra(fast)`.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ReplyError } from "../errors.ts";
import { LRU_CLOCK_MAX, lruClock } from "../lookup.ts";
import { type Db, NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import type { Server } from "../../server/server.ts";
import {
  asciiBytes,
  bytesToAscii,
  eqIgnoreCase,
  INT64_MAX,
  INT64_MIN,
  parseI64,
} from "../../util/numbers.ts";
import { replyHelp, subcommandSyntaxError } from "./help.ts";
import { primaryOf } from "../../replication/primary.ts";
import * as fs from "node:fs";
import { persistenceOf } from "../../persistence/persistence.ts";
import { aofOf } from "../../persistence/aof.ts";
import { datasetDigest, digestHex, valueDigest } from "./digest.ts";
import { setPackedThreshold } from "../../types/quicklist.ts";
import { memtoull } from "../../config/directives.ts";
import { blockingSleep } from "../../util/delay.ts";
import { DEFAULT_PEAK_RESET_MS } from "../../server/reply_buffer.ts";

const HELP = [
  "CHANGE-REPL-ID",
  "    Change the replication IDs of the instance.",
  "    Dangerous: should be used only for testing the replication subsystem.",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "ERROR <string>",
  "    Return a RESP protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate error replies.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "OBJECT <key> [fast]",
  "    Show low level info about `key` and associated value.",
  "    Some fields of the default behavior may be time consuming to fetch,",
  "    and `fast` can be passed to avoid fetching them.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the behavior). Setting it to 1 reenables back the",
  "    default.",
  "QUICKLIST-PACKED-THRESHOLD <size>",
  "    Sets the threshold for elements to be inserted as plain vs packed nodes",
  "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
  "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
  "    In case NEVER is provided the last observed peak will never be reset",
  "    In case RESET is provided the peak reset time will be restored to the default value",
  "REPLYBUFFER RESIZING <0|1>",
  "    Enable or disable the reply buffer resize cron job",
  "CLIENT-ENFORCE-REPLY-LIST <0|1>",
  "When set to 1, it enforces the use of the client reply list directly",
  "    and avoids using the client's static buffer.",
];

const ERR_POSITIVE = "ERR value is out of range, must be positive";

/** The C string of an argument: its bytes up to the first NUL. */
function cString(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul >= 0 ? b.subarray(0, nul) : b;
}

/** C's atoi: optional whitespace and sign, then digits; anything else stops it (0 when there are none). */
export function atoi(b: Uint8Array): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(bytesToAscii(cString(b)));
  if (m === null) return 0;
  // strtol saturates at the long range, then the result is cast to int.
  let v = BigInt(m[1]!);
  if (v > INT64_MAX) v = INT64_MAX;
  if (v < INT64_MIN) v = INT64_MIN;
  return Number(BigInt.asIntN(32, v));
}

/** C's strtod on the longest valid prefix (decimal, hexadecimal, inf, nan); 0 when there is none. */
export function strtodPrefix(b: Uint8Array): number {
  const s = bytesToAscii(cString(b)).replace(/^[ \t\n\v\f\r]+/, "");
  let m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?/.exec(s);
  if (m !== null && ((m[2] ?? "") + (m[3] ?? "")).length > 0) {
    const int = m[2] ?? "";
    const frac = m[3] ?? "";
    let v = 0;
    for (const c of int + frac) v = v * 16 + parseInt(c, 16);
    v *= Math.pow(2, Number(m[4] ?? "0") - 4 * frac.length);
    return m[1] === "-" ? -v : v;
  }
  m = /^[+-]?(?:inf(?:inity)?|nan)/i.exec(s);
  if (m !== null) {
    const neg = m[0].startsWith("-");
    if (/nan/i.test(m[0])) return NaN;
    return neg ? -Infinity : Infinity;
  }
  m = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s);
  return m === null ? 0 : Number(m[0]);
}

/** Bytes RDB uses for a length (rdbSaveLen). */
function rdbLenBytes(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** Bytes of an integer RDB can encode specially (rdbEncodeInteger), or 0. */
function rdbIntBytes(v: bigint): number {
  if (v >= -(1n << 7n) && v <= (1n << 7n) - 1n) return 2;
  if (v >= -(1n << 15n) && v <= (1n << 15n) - 1n) return 3;
  if (v >= -(1n << 31n) && v <= (1n << 31n) - 1n) return 5;
  return 0;
}

/**
 * The RDB-serialized length of a string value (rdbSavedObjectLen for strings), without LZF: INT values are
 * saved as 8/16/32-bit integers when they fit, else as text; short canonical integer strings likewise.
 */
export function serializedStringLength(value: Uint8Array, enc: number): number {
  if (enc === StrEnc.INT || value.length <= 11) {
    const v = parseI64(value);
    if (v !== null && (enc === StrEnc.INT || v.toString() === bytesToAscii(value))) {
      const n = rdbIntBytes(v);
      if (n > 0) return n;
    }
  }
  return rdbLenBytes(value.length) + value.length;
}

const ENCODING_NAMES = ["int", "embstr", "raw"];

interface DebuggableObject {
  encoding?: string;
  serializedLength?: () => number;
  debugExtra?: (fast: boolean) => string;
}

function lfuDecayTime(server: Server): number {
  return server.config.has("lfu-decay-time") ? server.config.getInt("lfu-decay-time") : 1;
}

/** Valkey's DEBUG OBJECT line for the entry `ref` of `db`. */
export function debugObjectLine(server: Server, db: Db, ref: number, nowMs: number, fast: boolean): string {
  let encoding: string;
  let serialized: number | undefined;
  let extra = "";
  if (db.isString(ref)) {
    const enc = db.getEncoding(ref);
    encoding = ENCODING_NAMES[enc] ?? "unknown";
    if (!fast) serialized = serializedStringLength(db.getString(ref), enc);
  } else {
    const obj = db.getObject(ref) as DebuggableObject;
    encoding = obj.encoding ?? "unknown";
    if (!fast && typeof obj.serializedLength === "function") serialized = obj.serializedLength();
    if (typeof obj.debugExtra === "function") extra = obj.debugExtra(fast);
  }
  const lru = db.getLru(ref);
  const clock = lruClock(nowMs);
  const idleSeconds = clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
  // The same 24 bits read as LFU data: access time in minutes (16 bits) and an 8-bit counter that decays
  // by one per lfu-decay-time minutes elapsed.
  const ldt = lru >> 8;
  const nowMinutes = Math.floor(nowMs / 60000) & 65535;
  const elapsed = nowMinutes >= ldt ? nowMinutes - ldt : 65535 - ldt + nowMinutes;
  const decay = lfuDecayTime(server);
  const periods = decay > 0 ? Math.floor(elapsed / decay) : 0;
  const counter = lru & 255;
  const freq = periods > counter ? 0 : counter - periods;
  let s = `Value at:0x${(ref >>> 0).toString(16)} refcount:1 encoding:${encoding}`;
  if (serialized !== undefined) s += ` serializedlength:${serialized}`;
  s += ` lru:${lru} lru_seconds_idle:${idleSeconds}`;
  s += ` lfu_freq:${freq} lfu_access_time_minutes:${ldt}`;
  return s + extra;
}

/** DEBUG SET-ACTIVE-EXPIRE's state: false when the active expire cycle must not run. */
export function activeExpireEnabled(server: Server): boolean {
  return server.activeExpireEnabled;
}

function setActiveExpire(server: Server, on: boolean): void {
  server.activeExpireEnabled = on;
}

function debugObject(call: CommandCall): void {
  const argv = call.argv;
  const fast = argv.length === 4 && eqIgnoreCase(argv[3]!, "fast");
  // Like Valkey's dbFind: logically expired keys are shown too, nothing is touched.
  const db = call.db;
  const ref = db.find(argv[2]!);
  if (ref === NO_ENTRY) throw new ReplyError(ERR_NO_SUCH_KEY);
  call.reply.simple(debugObjectLine(call.server, db, ref, call.now, fast));
}

function positiveLong(word: Uint8Array): number {
  const n = parseI64(word);
  if (n === null || n < 0n) throw new ReplyError(ERR_POSITIVE);
  return Number(n);
}

function debugPopulate(call: CommandCall): void {
  const argv = call.argv;
  const count = positiveLong(argv[2]!);
  const valsize = argv.length === 5 ? positiveLong(argv[4]!) : 0;
  const prefix = argv.length === 3 ? asciiBytes("key") : cString(argv[3]!);
  const db = call.db;
  for (let j = 0; j < count; j++) {
    // snprintf into a 128-byte buffer: the key is cut to 127 bytes.
    const suffix = asciiBytes(`:${j}`);
    const full = new Uint8Array(prefix.length + suffix.length);
    full.set(prefix);
    full.set(suffix, prefix.length);
    const key = full.subarray(0, Math.min(full.length, 127));
    if (db.lookup(key) !== NO_ENTRY) continue;
    const text = asciiBytes(`value:${j}`);
    let value = text;
    if (valsize !== 0) {
      value = new Uint8Array(valsize);
      value.set(text.subarray(0, Math.min(valsize, text.length)));
    }
    db.setString(key, value, value.length <= 44 ? StrEnc.EMBSTR : StrEnc.RAW, false);
    call.keyModified(db, key);
  }
  call.reply.ok();
}

function debugProtocol(call: CommandCall): void {
  const w = call.reply;
  const type = argvLower(call.argv[2]!);
  switch (type) {
    case "string":
      return w.bulkStr("Hello World");
    case "integer":
      return w.int(12345);
    case "double":
      return w.double(3.141);
    case "bignum":
      return w.bigNumber("1234567999999999999999999999999999999");
    case "null":
      return w.nullBulk();
    case "array":
    case "set":
      if (type === "array") w.arrayHeader(3);
      else w.setHeader(3);
      for (let j = 0; j < 3; j++) w.int(j);
      return;
    case "map":
      w.mapHeader(3);
      for (let j = 0; j < 3; j++) {
        w.int(j);
        w.bool(j === 1);
      }
      return;
    case "attrib":
      if (w.proto >= 3) {
        w.raw(asciiBytes("|1\r\n"));
        w.bulkStr("key-popularity");
        w.arrayHeader(2);
        w.bulkStr("key:123");
        w.int(90);
      }
      return w.bulkStr("Some real reply following the attribute");
    case "push":
      if (w.proto < 3) return call.error("ERR RESP2 is not supported by this command");
      // Valkey delivers a push produced during a command after the command's reply.
      w.bulkStr("Some real reply following the push reply");
      w.pushHeader(2);
      w.bulkStr("server-cpu-usage");
      return w.int(42);
    case "true":
      return w.bool(true);
    case "false":
      return w.bool(false);
    case "verbatim":
      return w.verbatim("This is a verbatim\nstring", "txt");
    default:
      return call.error(
        "ERR Wrong protocol type name. Please use one of the following: " +
          "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
      );
  }
}

/** An argument compared the way strcasecmp sees it: its C string, lower-cased. */
function argvLower(b: Uint8Array): string {
  return bytesToAscii(cString(b)).toLowerCase();
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back (Valkey's debug.c). A running BGSAVE is
 * stopped first, since the data it walks is replaced. Where Valkey kills the server on a key conflict
 * (NOFLUSH without MERGE), the load fails with the error reply instead.
 */
function debugReload(call: CommandCall): void {
  let flush = true;
  let save = true;
  let merge = false;
  for (let j = 2; j < call.argv.length; j++) {
    const opt = argvLower(call.argv[j]!);
    if (opt === "merge") merge = true;
    else if (opt === "noflush") flush = false;
    else if (opt === "nosave") save = false;
    else return call.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
  }
  const server = call.server;
  const p = persistenceOf(server);
  p.cancelBgsave();
  if (save && !p.saveSync()) return call.error("ERR");
  let image: Uint8Array;
  try {
    image = fs.readFileSync(p.rdbPath);
  } catch (e) {
    server.logger.warning(`Fatal error loading the DB: ${e instanceof Error ? e.message : e}`);
    return call.error("ERR Error trying to load the RDB dump, check server logs.");
  }
  if (flush) {
    server.signalFlushedDb(-1);
    for (const db of server.dbs) db.clear();
  }
  if (!p.loadImage(image, merge)) {
    return call.error("ERR Error trying to load the RDB dump, check server logs.");
  }
  server.logger.notice("DB reloaded by DEBUG RELOAD");
  call.reply.ok();
}

function debugHandler(call: CommandCall): void {
  const argv = call.argv;
  const argc = argv.length;
  const sub = argvLower(argv[1]!);
  if (argc === 2 && sub === "help") return replyHelp(call, HELP);
  if (sub === "log" && argc === 3) {
    call.server.logger.warning(`DEBUG LOG: ${new TextDecoder().decode(cString(argv[2]!))}`);
    return call.reply.ok();
  }
  if (sub === "object" && (argc === 3 || argc === 4)) return debugObject(call);
  if (sub === "populate" && argc >= 3 && argc <= 5) return debugPopulate(call);
  if (sub === "protocol" && argc === 3) return debugProtocol(call);
  if (sub === "sleep" && argc === 3) {
    // Valkey converts seconds to whole microseconds in a C long long; NaN, infinities and negative or
    // overflowing values make nanosleep fail at once.
    const us = Math.trunc(strtodPrefix(argv[2]!) * 1e6);
    if (Number.isFinite(us) && us > 0 && us < 2 ** 63) blockingSleep(us / 1000);
    return call.reply.ok();
  }
  if (sub === "pause-cron" && argc === 3) {
    call.server.cronPaused = atoi(argv[2]!) !== 0;
    return call.reply.ok();
  }
  if (sub === "replybuffer" && argc === 4) {
    const resizer = call.server.replyBuffers;
    const what = argvLower(argv[2]!);
    if (what === "peak-reset-time") {
      const value = argvLower(argv[3]!);
      if (value === "never") resizer.peakResetMs = -1;
      else if (value === "reset") resizer.peakResetMs = DEFAULT_PEAK_RESET_MS;
      else {
        const ms = parseI64(argv[3]!);
        if (ms === null) return call.error(ERR_NOT_INTEGER);
        resizer.peakResetMs = Number(ms);
      }
    } else if (what === "resizing") {
      resizer.enabled = atoi(argv[3]!) !== 0;
    } else return call.error(subcommandSyntaxError(call));
    return call.reply.ok();
  }
  if (sub === "set-skip-checksum-validation" && argc === 3) {
    call.server.skipChecksumValidation = atoi(argv[2]!) !== 0;
    return call.reply.ok();
  }
  if (sub === "client-enforce-reply-list" && argc === 3) {
    call.server.enforceReplyList = atoi(argv[2]!) !== 0;
    return call.reply.ok();
  }
  if (sub === "set-active-expire" && argc === 3) {
    setActiveExpire(call.server, atoi(argv[2]!) !== 0);
    return call.reply.ok();
  }
  if (sub === "error" && argc === 3) {
    // Valkey writes "-<string>" as is (newlines mapped to spaces), without counting it as an error reply.
    const msg = argv[2]!.map((c) => (c === 10 || c === 13 ? 32 : c));
    const out = new Uint8Array(msg.length + 3);
    out[0] = 45; // '-'
    out.set(msg, 1);
    out[out.length - 2] = 13;
    out[out.length - 1] = 10;
    return call.reply.raw(out);
  }
  if (sub === "reload") return debugReload(call);
  if (sub === "quicklist-packed-threshold" && argc === 3) {
    const sz = memtoull(new TextDecoder().decode(cString(argv[2]!)));
    if (sz === null || !setPackedThreshold(sz)) {
      return call.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    }
    return call.reply.ok();
  }
  if (sub === "loadaof") {
    // Valkey's debug.c LOADAOF (any arguments after it are ignored, as there).
    if (!aofOf(call.server).debugLoad()) {
      return call.error("ERR Error trying to load the AOF files, check server logs.");
    }
    return call.reply.ok();
  }
  if (sub === "digest" && argc === 2) return call.reply.simple(digestHex(datasetDigest(call.server)));
  if (sub === "digest-value") {
    // Like Valkey's dbFind: logically expired keys are digested too, nothing is touched.
    call.reply.arrayHeader(argc - 2);
    for (let j = 2; j < argc; j++) call.reply.simple(digestHex(valueDigest(call.db, argv[j]!)));
    return;
  }
  if (sub === "change-repl-id" && argc === 2) {
    call.server.logger.notice("Changing replication IDs after receiving DEBUG change-repl-id");
    primaryOf(call.server).changeReplicationId();
    return call.reply.ok();
  }
  call.error(subcommandSyntaxError(call));
}

export const debugCommand: CommandSpec = {
  name: "debug",
  summary: "A container for debugging commands.",
  since: "1.0.0",
  group: "server",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: ["ADMIN", "NOSCRIPT", "LOADING", "STALE", "PROTECTED"],
  docFlags: ["SYSCMD"],
  handler: debugHandler,
};
