/**
 * INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
 *
 * Integers are int64 as in Valkey: arithmetic stays in JS numbers while operands and result are safe
 * integers, and switches to bigint only beyond ±2^53. Results are stored as INT-encoded text; a missing key
 * counts as 0. INCRBYFLOAT computes in x87 80-bit long double (`LongDouble`) like Valkey and stores the
 * "%.17Lf"-style text with embstr/raw encoding (never INT: Valkey builds it with createStringObject).
 *
 * @module
 */

import { KEEPTTL_WORD, SET_WORD } from "../../server/propagate.ts";
import { NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import { asciiBytes, INT64_MAX, INT64_MIN, LongDouble, parseI64, parseInt64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import {
  ERR_INCR_NAN_INF,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_OVERFLOW,
  ERR_WRONGTYPE,
  ReplyError,
} from "../errors.ts";
import { lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { keyCreated, oneKey } from "./common.ts";
import { storedEncoding, textEncoding } from "./encoding.ts";
import { ERR_DECR_OVERFLOW } from "./errors.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** An int64 word as a number when it is a safe integer, else as a bigint; null when it is not an int64. */
function int64Of(b: Uint8Array): number | bigint | null {
  const n = parseInt64(b);
  return n !== null ? n : parseI64(b);
}

/** Valkey's incrDecrCommand: adds `incr` to the integer at argv[1] and replies the result. */
export function incrDecr(call: CommandCall, incr: number | bigint): void {
  const key = call.argv[1]!;
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  let value: number | bigint = 0;
  if (ref !== NO_ENTRY) {
    if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
    const v = int64Of(db.getString(ref));
    if (v === null) return call.error(ERR_NOT_INTEGER);
    value = v;
  }
  let result: number | bigint;
  if (typeof value === "number" && typeof incr === "number") {
    result = value + incr;
    // Both operands are safe integers, so the sum is exact as long as it is itself safe.
    if (result > MAX_SAFE || result < -MAX_SAFE) result = BigInt(value) + BigInt(incr);
  } else {
    result = BigInt(value) + BigInt(incr);
  }
  if (typeof result === "bigint") {
    if (result > INT64_MAX || result < INT64_MIN) return call.error(ERR_OVERFLOW);
  }
  const text = asciiBytes(String(result));
  const out = ref === NO_ENTRY
    ? db.setString(key, text, StrEnc.INT, false)
    : db.updateString(ref, text, StrEnc.INT);
  if (ref === NO_ENTRY) keyCreated(call, db, out, key);
  call.keyModified(db, key);
  call.notify("$", "incrby", key, db.id);
  call.dirty();
  call.reply.int(result);
}

function incrementArgument(word: Uint8Array): number | bigint {
  const v = int64Of(word);
  if (v === null) throw new ReplyError(ERR_NOT_INTEGER);
  return v;
}

function decrbyHandler(call: CommandCall): void {
  const v = incrementArgument(call.argv[2]!);
  // Negating INT64_MIN would overflow.
  if (v === INT64_MIN) return call.error(ERR_DECR_OVERFLOW);
  incrDecr(call, typeof v === "number" ? -v : -v as bigint);
}

function incrbyfloatHandler(call: CommandCall): void {
  const key = call.argv[1]!;
  const db = call.db;
  const ref = lookupWrite(call, key, db);
  let value = LongDouble.ZERO;
  if (ref !== NO_ENTRY) {
    if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
    const v = LongDouble.parse(db.getString(ref));
    if (v === null) return call.error(ERR_NOT_FLOAT);
    value = v;
  }
  const incr = LongDouble.parse(call.argv[2]!);
  if (incr === null) return call.error(ERR_NOT_FLOAT);
  const sum = value.add(incr);
  if (!sum.isFinite()) return call.error(ERR_INCR_NAN_INF);
  const text = asciiBytes(sum.format(true));
  let out: number;
  if (ref === NO_ENTRY) {
    out = db.setString(
      key,
      text,
      storedEncoding(textEncoding(text.length), key.length, text.length, false),
      false,
    );
    keyCreated(call, db, out, key);
  } else {
    const volatile = db.getExpire(ref) !== -1;
    out = db.updateString(
      ref,
      text,
      storedEncoding(textEncoding(text.length), key.length, text.length, volatile),
    );
  }
  call.keyModified(db, key);
  call.notify("$", "incrbyfloat", key, db.id);
  call.dirty();
  // Float formatting may differ between platforms: the result is propagated, as SET key value KEEPTTL.
  if (call.propagating) call.propagateAs([SET_WORD, key, text, KEEPTTL_WORD]);
  call.reply.bulk(text);
}

const keyOnly = [{ name: "key", type: "key" as const, keySpecIndex: 0 }];

function counterSpec(
  name: string,
  summary: string,
  since: string,
  arity: number,
  extra: CommandSpec["arguments"],
  handler: (call: CommandCall) => void,
): CommandSpec {
  return {
    name,
    summary,
    since,
    group: "string",
    complexity: "O(1)",
    arity,
    flags: ["WRITE", "DENYOOM", "FAST"],
    aclCategories: ["string"],
    keySpecs: [oneKey(["RW", "ACCESS", "UPDATE"])],
    arguments: [...keyOnly, ...(extra ?? [])],
    parse: "manual",
    handler,
  };
}

export const incrSpec: CommandSpec = counterSpec(
  "incr",
  "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
  "1.0.0",
  2,
  [],
  (call) => incrDecr(call, 1),
);

export const decrSpec: CommandSpec = counterSpec(
  "decr",
  "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
  "1.0.0",
  2,
  [],
  (call) => incrDecr(call, -1),
);

export const incrbySpec: CommandSpec = counterSpec(
  "incrby",
  "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
  "1.0.0",
  3,
  [{ name: "increment", type: "integer" }],
  (call) => incrDecr(call, incrementArgument(call.argv[2]!)),
);

export const decrbySpec: CommandSpec = counterSpec(
  "decrby",
  "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
  "1.0.0",
  3,
  [{ name: "decrement", type: "integer" }],
  decrbyHandler,
);

export const incrbyfloatSpec: CommandSpec = counterSpec(
  "incrbyfloat",
  "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
  "2.6.0",
  3,
  [{ name: "increment", type: "double" }],
  incrbyfloatHandler,
);
