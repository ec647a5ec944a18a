/**
 * BITCOUNT key [start [end [BYTE|BIT]]] and BITPOS key bit [start [end [BYTE|BIT]]].
 *
 * Arguments are checked in Valkey's order (start, then the unit word, then end), before the key is looked
 * up. Ranges are inclusive, negative indexes count from the end, and both are clamped to the string. In BIT
 * mode the indexes are bit positions; in BYTE mode (the default) whole bytes.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import { parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from "../errors.ts";
import { lookupRead } from "../lookup.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import { longLongArgument, oneKey, optionIs, rangeIsEmptyNegative } from "../string/common.ts";
import { findBit, popcount, popcountBits } from "./bits.ts";
import { ERR_BIT_ARGUMENT } from "./common.ts";

const EMPTY = new Uint8Array(0);

/** The unit word: true for BIT, false for BYTE; anything else is a syntax error (null). */
function unitIsBit(word: Uint8Array): boolean | null {
  if (optionIs(word, "bit")) return true;
  if (optionIs(word, "byte")) return false;
  return null;
}

/**
 * Clamps [start, end] (negative = from the end) to a string of `total` units; null when empty. Callers pass
 * the end as total - 1 when it was not given.
 */
function clampRange(start: number, end: number, total: number): [number, number] | null {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  return start > end ? null : [start, end];
}

function bitcountHandler(call: CommandCall): void {
  const argv = call.argv;
  const argc = argv.length;
  if (argc > 5) return call.error(ERR_SYNTAX);
  let start = 0;
  let end = 0;
  let isBit = false;
  if (argc >= 3) {
    start = longLongArgument(argv[2]!);
    if (argc === 5) {
      const unit = unitIsBit(argv[4]!);
      if (unit === null) return call.error(ERR_SYNTAX);
      isBit = unit;
    }
    if (argc >= 4) end = longLongArgument(argv[3]!);
  }
  const db = call.db;
  const ref = lookupRead(call, argv[1]!, db);
  if (ref !== NO_ENTRY && !db.isString(ref)) return call.error(ERR_WRONGTYPE);
  const p = ref === NO_ENTRY ? EMPTY : db.getString(ref);
  if (argc < 4) end = p.length - 1;
  if (argc >= 4 && rangeIsEmptyNegative(argv[2]!, argv[3]!)) return call.reply.int(0);
  if (ref === NO_ENTRY) return call.reply.int(0);
  if (argc === 2) start = 0;
  const total = isBit ? p.length * 8 : p.length;
  const r = clampRange(start, end, total);
  if (r === null) return call.reply.int(0);
  call.reply.int(isBit ? popcountBits(p, r[0], r[1]) : popcount(p, r[0], r[1]));
}

function bitposHandler(call: CommandCall): void {
  const argv = call.argv;
  const argc = argv.length;
  // Any int64 is read (beyond ±2^53 too), then only 0 and 1 are accepted.
  const bitWord = parseI64(argv[2]!);
  if (bitWord === null) return call.error(ERR_NOT_INTEGER);
  if (bitWord !== 0n && bitWord !== 1n) return call.error(ERR_BIT_ARGUMENT);
  const bit = bitWord === 1n ? 1 : 0;
  if (argc > 6) return call.error(ERR_SYNTAX);
  let start = 0;
  let end = 0;
  let isBit = false;
  const endGiven = argc >= 5;
  if (argc >= 4) {
    start = longLongArgument(argv[3]!);
    if (argc === 6) {
      const unit = unitIsBit(argv[5]!);
      if (unit === null) return call.error(ERR_SYNTAX);
      isBit = unit;
    }
    if (endGiven) end = longLongArgument(argv[4]!);
  }
  const db = call.db;
  const ref = lookupRead(call, argv[1]!, db);
  if (ref !== NO_ENTRY && !db.isString(ref)) return call.error(ERR_WRONGTYPE);
  // A missing key is an endless run of zero bits.
  if (ref === NO_ENTRY) return call.reply.int(bit === 1 ? -1 : 0);
  const p = db.getString(ref);
  if (!endGiven) end = p.length - 1;
  const total = isBit ? p.length * 8 : p.length;
  const r = clampRange(start, end, total);
  if (r === null) return call.reply.int(-1);
  const firstBit = isBit ? r[0] : r[0] * 8;
  const lastBit = isBit ? r[1] : r[1] * 8 + 7;
  const pos = findBit(p, firstBit, lastBit, bit);
  if (pos >= 0) return call.reply.int(pos);
  // No clear bit: without an explicit end the string counts as followed by zero bits.
  call.reply.int(bit === 0 && !endGiven ? lastBit + 1 : -1);
}

const rangeBlock: ArgSpec = {
  name: "range",
  type: "block",
  optional: true,
  arguments: [
    { name: "start", type: "integer" },
    {
      name: "end-unit-block",
      type: "block",
      optional: true,
      arguments: [
        { name: "end", type: "integer" },
        {
          name: "unit",
          type: "oneof",
          optional: true,
          since: "7.0.0",
          arguments: [
            { name: "byte", type: "pure-token", token: "BYTE" },
            { name: "bit", type: "pure-token", token: "BIT" },
          ],
        },
      ],
    },
  ],
};

export const bitcountSpec: CommandSpec = {
  name: "bitcount",
  summary: "Counts the number of set bits (population counting) in a string.",
  since: "2.6.0",
  group: "bitmap",
  complexity: "O(N)",
  arity: -2,
  flags: ["READONLY"],
  aclCategories: ["bitmap"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, rangeBlock],
  history: [
    ["7.0.0", "Added the `BYTE|BIT` option."],
    ["8.0.0", "`end` made optional; when called without argument the command reports the last BYTE."],
  ],
  parse: "manual",
  handler: bitcountHandler,
};

export const bitposSpec: CommandSpec = {
  name: "bitpos",
  summary: "Finds the first set (1) or clear (0) bit in a string.",
  since: "2.8.7",
  group: "bitmap",
  complexity: "O(N)",
  arity: -3,
  flags: ["READONLY"],
  aclCategories: ["bitmap"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "bit", type: "integer" }, rangeBlock],
  history: [["7.0.0", "Added the `BYTE|BIT` option."]],
  parse: "manual",
  handler: bitposHandler,
};
