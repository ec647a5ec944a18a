/**
 * PFDEBUG and PFSELFTEST: Valkey's internal HyperLogLog commands (hyperloglog.c), used by its test suite
 * and by anyone inspecting an HLL value.
 *
 * PFDEBUG <subcommand> <key>:
 *   GETREG    the 16384 registers as integers; a sparse value is converted to dense first (kept so).
 *   DECODE    the sparse opcodes as text: `z:<len>` (ZERO), `Z:<len>` (XZERO), `v:<value>,<len>` (VAL),
 *             space separated; "ERR HLL encoding is not sparse" for a dense value.
 *   ENCODING  "dense" or "sparse" (status reply).
 *   TODENSE   converts a sparse value to dense: 1 when converted, 0 when already dense.
 *   SIMD ON|OFF  Valkyr has no SIMD register code, so the reply is always "disabled" (what Valkey built
 *             without AVX2 replies). For a word other than ON/OFF Valkey writes the error *and* the status,
 *             two replies for one request; Valkyr writes only the error, keeping the connection in step.
 * Every subcommand but SIMD first looks the key up for writing: a missing key is "ERR The specified key
 * does not exist", a non-HLL value WRONGTYPE; the value becomes RAW (Valkey's dbUnshareStringValue). A
 * conversion to dense counts as a change (dirty) but, as in Valkey, sends no keyspace signal.
 *
 * PFSELFTEST checks the register packing (1000 rounds of random values written and read back over all
 * 16384 registers) and the estimator: 10 million distinct 8-byte elements are added to a dense and to a
 * sparse HLL at once; at 1, 10, 100, ... elements the sparse one must still be sparse (while below half of
 * `hll-sparse-max-bytes`), both must estimate the same cardinality, and the error must stay within 6
 * standard errors (1.04 / sqrt(16384) relative; at most 1 at 10 elements). Replies OK or a "TESTFAILED"
 * error. It runs for a few seconds, blocking the server, as in Valkey. Memory: two 12 KB dense HLLs.
 *
 * @module
 */

import { type Db, NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import {
  createHll,
  denseGet,
  denseSet,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HllBuffer,
  hllCount,
  hllPatLen,
  isHll,
} from "../../types/hll.ts";
import type { CommandCall } from "../call.ts";
import { ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { optionIs } from "../string/common.ts";
import { ERR_INVALID_HLL, ERR_NOT_HLL } from "./errors.ts";

const latin1 = new TextDecoder("latin1");

/** Valkey's isHLLObjectOrReply. */
function checkHll(db: Db, ref: number): void {
  if (!db.isString(ref)) throw new ReplyError(ERR_WRONGTYPE);
  if (!isHll(db.getString(ref))) throw new ReplyError(ERR_NOT_HLL);
}

/** The C string of a word (up to its first NUL), for messages. */
function cText(b: Uint8Array): string {
  const n = b.indexOf(0);
  return latin1.decode(n < 0 ? b : b.subarray(0, n));
}

/**
 * Converts the stored sparse value at `ref` to dense. Returns the new ref, or null when the sparse opcodes
 * are corrupted (the value is left as it was).
 */
function storeDense(call: CommandCall, db: Db, ref: number): number | null {
  const h = new HllBuffer(db.getString(ref));
  if (!h.toDense()) return null;
  call.dirty();
  return db.updateString(ref, h.value().slice(), StrEnc.RAW);
}

/** The sparse opcodes of an HLL value as PFDEBUG DECODE prints them. */
export function decodeSparse(value: Uint8Array): string {
  const parts: string[] = [];
  const end = value.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = value[p]!;
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      // A truncated XZERO reads the string's terminating NUL, as in Valkey.
      const lo = p + 1 < end ? value[p + 1]! : 0;
      parts.push(`Z:${(((op & 0x3f) << 8) | lo) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >>> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(" ");
}

function pfdebugHandler(call: CommandCall): void {
  const argv = call.argv;
  const sub = argv[1]!;
  if (optionIs(sub, "simd")) {
    const arg = argv[2]!;
    if (!optionIs(arg, "on") && !optionIs(arg, "off")) return call.error("ERR Argument must be ON or OFF");
    return call.reply.simple("disabled");
  }
  const db = call.db;
  const key = argv[2]!;
  let ref = lookupWrite(call, key, db);
  if (ref === NO_ENTRY) return call.error("ERR The specified key does not exist");
  checkHll(db, ref);
  if (db.getEncoding(ref) !== StrEnc.RAW) ref = db.updateString(ref, db.getString(ref).slice(), StrEnc.RAW);
  const value = db.getString(ref);
  if (optionIs(sub, "getreg")) {
    let dense = value;
    if (value[4] === HLL_SPARSE) {
      const r = storeDense(call, db, ref);
      if (r === null) return call.error(ERR_INVALID_HLL);
      dense = db.getString(r);
    }
    const w = call.reply;
    w.arrayHeader(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) w.int(denseGet(dense, HLL_HDR_SIZE, j));
    return;
  }
  if (optionIs(sub, "decode")) {
    if (value[4] !== HLL_SPARSE) return call.error("ERR HLL encoding is not sparse");
    return call.reply.bulk(new TextEncoder().encode(decodeSparse(value)));
  }
  if (optionIs(sub, "encoding")) return call.reply.simple(value[4] === HLL_DENSE ? "dense" : "sparse");
  if (optionIs(sub, "todense")) {
    if (value[4] !== HLL_SPARSE) return call.reply.int(0);
    if (storeDense(call, db, ref) === null) return call.error(ERR_INVALID_HLL);
    return call.reply.int(1);
  }
  call.error(`ERR Unknown PFDEBUG subcommand '${cText(sub)}'`);
}

/** Rounds of the register read/write check. */
const TEST_CYCLES = 1000;
/** Elements added by the estimator check. */
const TEST_ELEMENTS = 10_000_000;

/** Runs PFSELFTEST's checks; returns null on success, else the TESTFAILED message. */
export function hllSelfTest(sparseMaxBytes: number, elements = TEST_ELEMENTS): string | null {
  // 1. Register packing: every register keeps its value and leaves its neighbours alone.
  const regs = new Uint8Array(HLL_DENSE_SIZE);
  const expect = new Uint8Array(HLL_REGISTERS);
  for (let round = 0; round < TEST_CYCLES; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = (Math.random() * 64) | 0;
      expect[i] = r;
      denseSet(regs, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(regs, HLL_HDR_SIZE, i);
      if (v !== expect[i]) return `TESTFAILED Register ${i} should be ${expect[i]} but is ${v}`;
    }
  }

  // 2. Estimation error, dense and sparse side by side.
  const dense = new HllBuffer(createHll());
  dense.toDense();
  const sparse = new HllBuffer(createHll());
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = (Math.random() * 0x100000000) >>> 0;
  const seedHi = (Math.random() * 0x100000000) >>> 0;
  const ele = new Uint8Array(8);
  const view = new DataView(ele.buffer);
  view.setUint32(4, seedHi, true);
  let checkpoint = 1;
  for (let j = 1; j <= elements; j++) {
    view.setUint32(0, (j ^ seedLo) >>> 0, true);
    const [index, count] = hllPatLen(ele);
    dense.set(index, count, sparseMaxBytes);
    sparse.set(index, count, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && sparse.encoding !== HLL_SPARSE) {
      return "TESTFAILED sparse encoding not used";
    }
    const card = hllCount(dense.value())!;
    if (card !== hllCount(sparse.value())) return "TESTFAILED dense/sparse disagree";
    let abserr = BigInt(checkpoint) - card;
    if (abserr < 0n) abserr = -abserr;
    const maxerr = j === 10 ? 1n : BigInt(Math.ceil(relerr * 6 * checkpoint));
    if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
    checkpoint *= 10;
  }
  return null;
}

function pfselftestHandler(call: CommandCall): void {
  const failed = hllSelfTest(call.server.config.getInt("hll-sparse-max-bytes"));
  if (failed !== null) return call.error(failed);
  call.reply.ok();
}

export const pfdebugSpec: CommandSpec = {
  name: "pfdebug",
  summary: "Internal commands for debugging HyperLogLog values.",
  since: "2.8.9",
  group: "hyperloglog",
  complexity: "N/A",
  docFlags: ["SYSCMD"],
  arity: 3,
  flags: ["WRITE", "DENYOOM", "ADMIN"],
  aclCategories: ["hyperloglog"],
  keySpecs: [{
    flags: ["RW", "ACCESS"],
    beginSearch: { index: { pos: 2 } },
    findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
  }],
  arguments: [
    { name: "subcommand", type: "string" },
    { name: "key", type: "key", keySpecIndex: 0 },
  ],
  parse: "manual",
  handler: pfdebugHandler,
};

export const pfselftestSpec: CommandSpec = {
  name: "pfselftest",
  summary: "An internal command for testing HyperLogLog values.",
  since: "2.8.9",
  group: "hyperloglog",
  complexity: "N/A",
  docFlags: ["SYSCMD"],
  arity: 1,
  flags: ["ADMIN"],
  aclCategories: ["hyperloglog"],
  parse: "manual",
  handler: pfselftestHandler,
};
