/**
 * LMOVE and RPOPLPUSH, and the move step BLMOVE / BRPOPLPUSH share.
 *
 * @module
 */

import { HEAD, TAIL, type Where } from "../../types/quicklist.ts";
import type { ListValue } from "../../types/list.ts";
import type { CommandCall } from "../call.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import {
  createList,
  elementsRemoved,
  keySpec,
  listCompress,
  listFill,
  parseWhere,
  writeList,
} from "./common.ts";

/**
 * lmoveGenericCommand on a source list known to exist: checks the destination's type, pops, pushes
 * (creating the destination), replies the element, then the source's removal bookkeeping.
 */
export function moveFrom(call: CommandCall, src: ListValue, from: Where, to: Where): void {
  const argv = call.argv;
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const db = call.db;
  if (src.length === 0) return call.reply.nullBulk();
  let dst = writeList(call, dstKey, db);
  const value = src.ql.pop(from)!;
  if (dst === undefined) dst = createList(call, dstKey, db);
  dst.growing(listFill(call), value.length, 1, listCompress(call));
  dst.ql.push(value, to);
  call.keyModified(db, dstKey);
  call.notify("l", to === HEAD ? "lpush" : "rpush", dstKey, db.id);
  call.reply.bulk(value);
  elementsRemoved(call, db, srcKey, from, src, 1);
}

function lmove(call: CommandCall): void {
  const from = parseWhere(call.argv[3]!);
  const to = parseWhere(call.argv[4]!);
  const src = writeList(call, call.argv[1]!);
  if (src === undefined) return call.reply.nullBulk();
  moveFrom(call, src, from, to);
}

function rpoplpush(call: CommandCall): void {
  const src = writeList(call, call.argv[1]!);
  if (src === undefined) return call.reply.nullBulk();
  moveFrom(call, src, TAIL, HEAD);
}

export const moveKeySpecs = [keySpec(["RW", "ACCESS", "DELETE"], 1), keySpec(["RW", "INSERT"], 2)];

export function sideArg(name: string): ArgSpec {
  return {
    name,
    type: "oneof",
    arguments: [
      { name: "left", type: "pure-token", token: "LEFT" },
      { name: "right", type: "pure-token", token: "RIGHT" },
    ],
  };
}

export const moveArgs: ArgSpec[] = [
  { name: "source", type: "key", keySpecIndex: 0 },
  { name: "destination", type: "key", keySpecIndex: 1 },
];

export const lmoveSpec: CommandSpec = {
  name: "lmove",
  summary:
    "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
  since: "6.2.0",
  group: "list",
  complexity: "O(1)",
  arity: 5,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["list"],
  keySpecs: moveKeySpecs,
  arguments: [...moveArgs, sideArg("wherefrom"), sideArg("whereto")],
  parse: "manual",
  handler: lmove,
};

export const rpoplpushSpec: CommandSpec = {
  name: "rpoplpush",
  summary:
    "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
  since: "1.2.0",
  group: "list",
  complexity: "O(1)",
  arity: 3,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["list"],
  keySpecs: moveKeySpecs,
  arguments: moveArgs,
  deprecatedSince: "6.2.0",
  replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
  docFlags: ["DEPRECATED"],
  parse: "manual",
  handler: rpoplpush,
};
