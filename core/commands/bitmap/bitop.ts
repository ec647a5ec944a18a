/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...].
 *
 * Missing source keys are empty strings; shorter sources are zero-padded to the longest one. The result is
 * stored RAW under destkey (any TTL dropped); an all-empty result deletes destkey instead. The reply is the
 * result's length.
 *
 * @module
 */

import { NO_ENTRY, StrEnc } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX, ERR_WRONGTYPE } from "../errors.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { optionIs, writeString } from "../string/common.ts";
import { ERR_BITOP_NOT } from "./common.ts";

const AND = 0;
const OR = 1;
const XOR = 2;
const NOT = 3;

/** The result of `op` over `sources` (NOT takes exactly one), `maxLen` bytes long. */
export function bitop(op: number, sources: Uint8Array[], maxLen: number): Uint8Array {
  const out = new Uint8Array(maxLen);
  const first = sources[0]!;
  out.set(first, 0);
  if (op === NOT) {
    for (let i = 0; i < maxLen; i++) out[i] = ~out[i]! & 0xff;
    return out;
  }
  for (let s = 1; s < sources.length; s++) {
    const src = sources[s]!;
    const n = src.length;
    if (op === AND) {
      for (let i = 0; i < n; i++) out[i] = out[i]! & src[i]!;
      // Past the end of a source its bytes are zero.
      out.fill(0, n);
    } else if (op === OR) {
      for (let i = 0; i < n; i++) out[i] = out[i]! | src[i]!;
    } else {
      for (let i = 0; i < n; i++) out[i] = out[i]! ^ src[i]!;
    }
  }
  return out;
}

function bitopHandler(call: CommandCall): void {
  const argv = call.argv;
  const name = argv[1]!;
  let op: number;
  if (optionIs(name, "and")) op = AND;
  else if (optionIs(name, "or")) op = OR;
  else if (optionIs(name, "xor")) op = XOR;
  else if (optionIs(name, "not")) op = NOT;
  else return call.error(ERR_SYNTAX);
  if (op === NOT && argv.length !== 4) return call.error(ERR_BITOP_NOT);
  const db = call.db;
  const sources: Uint8Array[] = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const ref = lookupRead(call, argv[j]!, db);
    if (ref === NO_ENTRY) {
      sources.push(new Uint8Array(0));
      continue;
    }
    if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
    const v = db.getString(ref);
    sources.push(v);
    if (v.length > maxLen) maxLen = v.length;
  }
  const dest = argv[2]!;
  if (maxLen > 0) {
    const result = bitop(op, sources, maxLen);
    writeString(call, db, dest, lookupWrite(call, dest, db), result, StrEnc.RAW, false);
    call.keyModified(db, dest);
    call.notify("$", "set", dest, db.id);
    call.dirty();
  } else if (db.delete(dest)) {
    call.keyModified(db, dest);
    call.notify("g", "del", dest, db.id);
    call.dirty();
  }
  call.reply.int(maxLen);
}

export const bitopSpec: CommandSpec = {
  name: "bitop",
  summary: "Performs bitwise operations on multiple strings, and stores the result.",
  since: "2.6.0",
  group: "bitmap",
  complexity: "O(N)",
  arity: -4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["bitmap"],
  keySpecs: [
    {
      flags: ["OW", "UPDATE"],
      beginSearch: { index: { pos: 2 } },
      findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
    },
    {
      flags: ["RO", "ACCESS"],
      beginSearch: { index: { pos: 3 } },
      findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
    },
  ],
  arguments: [
    {
      name: "operation",
      type: "oneof",
      arguments: [
        { name: "and", type: "pure-token", token: "AND" },
        { name: "or", type: "pure-token", token: "OR" },
        { name: "xor", type: "pure-token", token: "XOR" },
        { name: "not", type: "pure-token", token: "NOT" },
      ],
    },
    { name: "destkey", type: "key", keySpecIndex: 0 },
    { name: "key", type: "key", keySpecIndex: 1, multiple: true },
  ],
  parse: "manual",
  handler: bitopHandler,
};
