/**
 * SETBIT and GETBIT.
 *
 * SETBIT writes the bit in place in the stored value (after the value was created, zero-padded or re-tagged
 * RAW by {@link bitTarget}); it counts as a change — dirty, `setbit` event, modified key — only when the key
 * was created or grown or the bit actually flipped, as in Valkey.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import { parseInt64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_BIT_VALUE, ERR_WRONGTYPE } from "../errors.ts";
import { lookupRead } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { oneKey } from "../string/common.ts";
import { getBit, setBit } from "./bits.ts";
import { bitOffsetArgument, bitTarget } from "./common.ts";

function setbitHandler(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const offset = bitOffsetArgument(call, argv[2]!);
  const on = parseInt64(argv[3]!);
  // Any int64 other than 0 and 1 (and any non-integer) is the same error.
  if (on !== 0 && on !== 1) return call.error(ERR_BIT_VALUE);
  const { ref, grown } = bitTarget(call, key, offset);
  const db = call.db;
  const old = setBit(db.getString(ref), offset, on);
  if (grown || old !== on) {
    call.keyModified(db, key);
    call.notify("$", "setbit", key, db.id);
    call.dirty();
  }
  call.reply.int(old);
}

function getbitHandler(call: CommandCall): void {
  const offset = bitOffsetArgument(call, call.argv[2]!);
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  if (ref === NO_ENTRY) return call.reply.int(0);
  if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
  call.reply.int(getBit(db.getString(ref), offset));
}

export const setbitSpec: CommandSpec = {
  name: "setbit",
  summary: "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
  since: "2.2.0",
  group: "bitmap",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["bitmap"],
  keySpecs: [oneKey(["RW", "ACCESS", "UPDATE"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "offset", type: "integer" },
    { name: "value", type: "integer" },
  ],
  parse: "manual",
  handler: setbitHandler,
};

export const getbitSpec: CommandSpec = {
  name: "getbit",
  summary: "Returns a bit value by offset.",
  since: "2.2.0",
  group: "bitmap",
  complexity: "O(1)",
  arity: 3,
  flags: ["READONLY", "FAST"],
  aclCategories: ["bitmap"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "offset", type: "integer" },
  ],
  parse: "manual",
  handler: getbitHandler,
};
