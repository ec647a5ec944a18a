/**
 * LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LMPOP.
 *
 * @module
 */

import { HEAD, TAIL, type Where } from "../../types/quicklist.ts";
import type { CommandCall } from "../call.ts";
import { LPOP_WORD, RPOP_WORD, word } from "../../server/propagate.ts";
import { ERR_SYNTAX, errWrongArity, ReplyError } from "../errors.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import {
  createList,
  elementsRemoved,
  ERR_COUNT_POSITIVE,
  ERR_NUMKEYS,
  keynumSpec,
  keySpec,
  listCompress,
  listFill,
  parsePositive,
  parseWhere,
  popRange,
  writeList,
} from "./common.ts";
import { parseI64 } from "../../util/numbers.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";

/** pushGenericCommand: `xx` pushes only onto an existing list. */
function push(call: CommandCall, where: Where, xx: boolean): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  let list = writeList(call, key, db);
  if (list === undefined) {
    if (xx) return call.reply.int(0);
    list = createList(call, key, db);
  }
  list.growingBy(listFill(call), argv, 2, argv.length, listCompress(call));
  const ql = list.ql;
  for (let j = 2; j < argv.length; j++) ql.push(argv[j]!, where);
  call.dirty(argv.length - 2);
  call.keyModified(db, key);
  call.notify("l", where === HEAD ? "lpush" : "rpush", key, db.id);
  call.reply.int(list.length);
}

/** popGenericCommand: LPOP/RPOP key [count]. */
function pop(call: CommandCall, where: Where): void {
  const argv = call.argv;
  if (argv.length > 3) throw new ReplyError(errWrongArity(call.fullName));
  const hasCount = argv.length === 3;
  const count = hasCount ? parsePositive(argv[2]!) : 0;
  const key = argv[1]!;
  const db = call.db;
  const list = writeList(call, key, db);
  if (list === undefined) return hasCount ? call.reply.nullArray() : call.reply.nullBulk();
  if (hasCount && count === 0) return call.reply.arrayHeader(0);
  if (!hasCount) {
    const v = list.ql.pop(where)!;
    elementsRemoved(call, db, key, where, list, 1);
    return call.reply.bulk(v);
  }
  popRange(call, db, key, list, where, count);
}

/** Parses `numkeys key... LEFT|RIGHT [COUNT n]` from `numkeysIdx`; LMPOP and BLMPOP. */
export function parseMpop(
  call: CommandCall,
  numkeysIdx: number,
): { keys: Uint8Array[]; where: Where; count: number } {
  const argv = call.argv;
  const nk = parseI64(argv[numkeysIdx]!);
  if (nk === null || nk < 1n) throw new ReplyError(ERR_NUMKEYS);
  const whereIdx = numkeysIdx + 1 + Number(nk);
  if (nk > BigInt(argv.length) || whereIdx >= argv.length) throw new ReplyError(ERR_SYNTAX);
  const where = parseWhere(argv[whereIdx]!);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && eqIgnoreCase(argv[j]!, "count") && j + 1 < argv.length) {
      const c = parseI64(argv[++j]!);
      if (c === null || c < 1n) throw new ReplyError(ERR_COUNT_POSITIVE);
      count = Number(c);
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (count === -1) count = 1;
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where, count };
}

/** mpopGenericCommand: pops from the first non-empty list; returns false when every list was empty. */
export function mpop(call: CommandCall, keys: Uint8Array[], where: Where, count: number): boolean {
  const db = call.db;
  for (const key of keys) {
    const list = writeList(call, key, db);
    if (list === undefined || list.length === 0) continue;
    call.reply.arrayHeader(2);
    call.reply.bulk(key);
    // Propagated as LPOP/RPOP key count (with the number actually popped).
    if (call.propagating) {
      call.propagateAs([where === HEAD ? LPOP_WORD : RPOP_WORD, key, word(Math.min(count, list.length))]);
    }
    popRange(call, db, key, list, where, count);
    return true;
  }
  return false;
}

function lmpop(call: CommandCall): void {
  const { keys, where, count } = parseMpop(call, 1);
  if (!mpop(call, keys, where, count)) call.reply.nullArray();
}

const keyArg: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };
const elementsArg: ArgSpec = { name: "element", type: "string", multiple: true };

function pushSpec(name: string, summary: string, since: string, history: [string, string][]): CommandSpec {
  const left = name.startsWith("l");
  const xx = name.endsWith("x");
  return {
    name,
    summary,
    since,
    group: "list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    arity: -3,
    flags: ["WRITE", "DENYOOM", "FAST"],
    aclCategories: ["list"],
    keySpecs: [keySpec(["RW", "INSERT"], 1)],
    arguments: [keyArg, elementsArg],
    history,
    parse: "manual",
    handler: (call) => push(call, left ? HEAD : TAIL, xx),
  };
}

export const lpushSpec = pushSpec(
  "lpush",
  "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
  "1.0.0",
  [["2.4.0", "Accepts multiple `element` arguments."]],
);
export const rpushSpec = pushSpec(
  "rpush",
  "Appends one or more elements to a list. Creates the key if it doesn't exist.",
  "1.0.0",
  [["2.4.0", "Accepts multiple `element` arguments."]],
);
export const lpushxSpec = pushSpec(
  "lpushx",
  "Prepends one or more elements to a list only when the list exists.",
  "2.2.0",
  [["4.0.0", "Accepts multiple `element` arguments."]],
);
export const rpushxSpec = pushSpec(
  "rpushx",
  "Appends an element to a list only when the list exists.",
  "2.2.0",
  [["4.0.0", "Accepts multiple `element` arguments."]],
);

function popSpec(name: string, summary: string): CommandSpec {
  return {
    name,
    summary,
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements returned",
    arity: -2,
    flags: ["WRITE", "FAST"],
    aclCategories: ["list"],
    keySpecs: [keySpec(["RW", "ACCESS", "DELETE"], 1)],
    arguments: [keyArg, { name: "count", type: "integer", optional: true, since: "6.2.0" }],
    history: [["6.2.0", "Added the `count` argument."]],
    parse: "manual",
    handler: (call) => pop(call, name === "lpop" ? HEAD : TAIL),
  };
}

export const lpopSpec = popSpec(
  "lpop",
  "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
);
export const rpopSpec = popSpec(
  "rpop",
  "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
);

export const lmpopSpec: CommandSpec = {
  name: "lmpop",
  summary:
    "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
  since: "7.0.0",
  group: "list",
  complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
  arity: -4,
  flags: ["WRITE"],
  aclCategories: ["list"],
  keySpecs: [keynumSpec(["RW", "ACCESS", "DELETE"], 1)],
  arguments: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", keySpecIndex: 0, multiple: true },
    {
      name: "where",
      type: "oneof",
      arguments: [
        { name: "left", type: "pure-token", token: "LEFT" },
        { name: "right", type: "pure-token", token: "RIGHT" },
      ],
    },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  parse: "manual",
  handler: lmpop,
};
