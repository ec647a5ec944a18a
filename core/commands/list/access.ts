/**
 * LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS.
 *
 * @module
 */

import { ERR_NO_SUCH_KEY, ERR_SYNTAX, ReplyError } from "../errors.ts";
import type { CommandCall } from "../call.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import { bytesEqual } from "../../types/quicklist.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import {
  afterRemoval,
  ERR_COUNT_NEGATIVE,
  ERR_INDEX_OUT_OF_RANGE,
  ERR_MAXLEN_NEGATIVE,
  ERR_RANK_ZERO,
  keySpec,
  listCompress,
  listFill,
  parseLong,
  parseLongNotMin,
  parsePositive,
  readList,
  replyRange,
  writeList,
} from "./common.ts";

function llen(call: CommandCall): void {
  const list = readList(call, call.argv[1]!);
  call.reply.int(list === undefined ? 0 : list.length);
}

function lindex(call: CommandCall): void {
  const list = readList(call, call.argv[1]!);
  if (list === undefined) return call.reply.nullBulk();
  const index = parseLong(call.argv[2]!);
  const v = list.ql.index(index);
  if (v === undefined) call.reply.nullBulk();
  else call.reply.bulk(v);
}

function lset(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  const list = writeList(call, key, db);
  if (list === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
  const index = parseLong(argv[2]!);
  const value = argv[3]!;
  const fill = listFill(call);
  list.growingBy(fill, argv, 3, 4, listCompress(call));
  if (!list.ql.replace(index, value)) throw new ReplyError(ERR_INDEX_OUT_OF_RANGE);
  list.shrinking(fill);
  call.keyModified(db, key);
  call.notify("l", "lset", key, db.id);
  call.dirty();
  call.reply.ok();
}

function lrange(call: CommandCall): void {
  const argv = call.argv;
  const start = parseLong(argv[2]!);
  const end = parseLong(argv[3]!);
  const list = readList(call, argv[1]!);
  if (list === undefined) return call.reply.arrayHeader(0);
  replyRange(call, list, start, end, false);
}

function ltrim(call: CommandCall): void {
  const argv = call.argv;
  let start = parseLong(argv[2]!);
  let end = parseLong(argv[3]!);
  const key = argv[1]!;
  const db = call.db;
  const list = writeList(call, key, db);
  if (list === undefined) return call.reply.ok();
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let ltrimN: number;
  let rtrimN: number;
  if (start > end || start >= llen) {
    ltrimN = llen;
    rtrimN = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrimN = start;
    rtrimN = llen - end - 1;
  }
  list.ql.deleteRange(0, ltrimN);
  list.ql.deleteRange(-rtrimN, rtrimN);
  call.notify("l", "ltrim", key, db.id);
  afterRemoval(call, db, key, list);
  call.keyModified(db, key);
  call.dirty(ltrimN + rtrimN);
  call.reply.ok();
}

function linsert(call: CommandCall): void {
  const argv = call.argv;
  let after: boolean;
  if (eqIgnoreCase(argv[2]!, "after")) after = true;
  else if (eqIgnoreCase(argv[2]!, "before")) after = false;
  else throw new ReplyError(ERR_SYNTAX);
  const key = argv[1]!;
  const db = call.db;
  const list = writeList(call, key, db);
  if (list === undefined) return call.reply.int(0);
  // Valkey converts first, assuming the value will be inserted.
  list.growingBy(listFill(call), argv, 4, 5, listCompress(call));
  const pos = list.ql.find(argv[3]!);
  if (pos === undefined) return call.reply.int(-1);
  list.ql.insert(pos, argv[4]!, after);
  call.keyModified(db, key);
  call.notify("l", "linsert", key, db.id);
  call.dirty();
  call.reply.int(list.length);
}

function lrem(call: CommandCall): void {
  const argv = call.argv;
  let toRemove = parseLongNotMin(argv[2]!);
  const key = argv[1]!;
  const db = call.db;
  const list = writeList(call, key, db);
  if (list === undefined) return call.reply.int(0);
  const fromTail = toRemove < 0;
  if (fromTail) toRemove = -toRemove;
  const removed = list.ql.removeMatching(argv[3]!, toRemove, fromTail);
  if (removed > 0) {
    call.dirty(removed);
    call.notify("l", "lrem", key, db.id);
    afterRemoval(call, db, key, list);
    call.keyModified(db, key);
  }
  call.reply.int(removed);
}

function lpos(call: CommandCall): void {
  const argv = call.argv;
  const ele = argv[2]!;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j + 1 < argv.length;
    if (eqIgnoreCase(opt, "rank") && more) {
      rank = parseLongNotMin(argv[++j]!);
      if (rank === 0) throw new ReplyError(ERR_RANK_ZERO);
    } else if (eqIgnoreCase(opt, "count") && more) {
      count = parsePositive(argv[++j]!, ERR_COUNT_NEGATIVE);
    } else if (eqIgnoreCase(opt, "maxlen") && more) {
      maxlen = parsePositive(argv[++j]!, ERR_MAXLEN_NEGATIVE);
    } else throw new ReplyError(ERR_SYNTAX);
  }
  let reverse = false;
  if (rank < 0) {
    rank = -rank;
    reverse = true;
  }
  const list = readList(call, argv[1]!);
  if (list === undefined) return count !== -1 ? call.reply.arrayHeader(0) : call.reply.nullBulk();
  const llen = list.length;
  const found: number[] = [];
  let matches = 0;
  let scanned = 0;
  list.ql.forEach(reverse ? -1 : 0, reverse, (v, idx) => {
    if (maxlen !== 0 && scanned >= maxlen) return false;
    scanned++;
    if (!bytesEqual(v, ele)) return true;
    matches++;
    if (matches < rank) return true;
    found.push(idx);
    if (count === -1) return false;
    return !(count !== 0 && matches - rank + 1 >= count);
  });
  void llen;
  if (count !== -1) {
    call.reply.arrayHeader(found.length);
    for (const i of found) call.reply.int(i);
  } else if (found.length > 0) call.reply.int(found[0]!);
  else call.reply.nullBulk();
}

const keyArg: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

export const llenSpec: CommandSpec = {
  name: "llen",
  summary: "Returns the length of a list.",
  since: "1.0.0",
  group: "list",
  complexity: "O(1)",
  arity: 2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RO"], 1)],
  arguments: [keyArg],
  parse: "manual",
  handler: llen,
};

export const lindexSpec: CommandSpec = {
  name: "lindex",
  summary: "Returns an element from a list by its index.",
  since: "1.0.0",
  group: "list",
  complexity:
    "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
  arity: 3,
  flags: ["READONLY"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RO", "ACCESS"], 1)],
  arguments: [keyArg, { name: "index", type: "integer" }],
  parse: "manual",
  handler: lindex,
};

export const lsetSpec: CommandSpec = {
  name: "lset",
  summary: "Sets the value of an element in a list by its index.",
  since: "1.0.0",
  group: "list",
  complexity:
    "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
  arity: 4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RW", "UPDATE"], 1)],
  arguments: [keyArg, { name: "index", type: "integer" }, { name: "element", type: "string" }],
  parse: "manual",
  handler: lset,
};

export const lrangeSpec: CommandSpec = {
  name: "lrange",
  summary: "Returns a range of elements from a list.",
  since: "1.0.0",
  group: "list",
  complexity:
    "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
  arity: 4,
  flags: ["READONLY"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RO", "ACCESS"], 1)],
  arguments: [keyArg, { name: "start", type: "integer" }, { name: "stop", type: "integer" }],
  parse: "manual",
  handler: lrange,
};

export const ltrimSpec: CommandSpec = {
  name: "ltrim",
  summary: "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
  since: "1.0.0",
  group: "list",
  complexity: "O(N) where N is the number of elements to be removed by the operation.",
  arity: 4,
  flags: ["WRITE"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RW", "DELETE"], 1)],
  arguments: [keyArg, { name: "start", type: "integer" }, { name: "stop", type: "integer" }],
  parse: "manual",
  handler: ltrim,
};

export const linsertSpec: CommandSpec = {
  name: "linsert",
  summary: "Inserts an element before or after another element in a list.",
  since: "2.2.0",
  group: "list",
  complexity:
    "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
  arity: 5,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RW", "INSERT"], 1)],
  arguments: [
    keyArg,
    {
      name: "where",
      type: "oneof",
      arguments: [
        { name: "before", type: "pure-token", token: "BEFORE" },
        { name: "after", type: "pure-token", token: "AFTER" },
      ],
    },
    { name: "pivot", type: "string" },
    { name: "element", type: "string" },
  ],
  parse: "manual",
  handler: linsert,
};

export const lremSpec: CommandSpec = {
  name: "lrem",
  summary: "Removes elements from a list. Deletes the list if the last element was removed.",
  since: "1.0.0",
  group: "list",
  complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
  arity: 4,
  flags: ["WRITE"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RW", "DELETE"], 1)],
  arguments: [keyArg, { name: "count", type: "integer" }, { name: "element", type: "string" }],
  parse: "manual",
  handler: lrem,
};

export const lposSpec: CommandSpec = {
  name: "lpos",
  summary: "Returns the index of matching elements in a list.",
  since: "6.0.6",
  group: "list",
  complexity:
    "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
  arity: -3,
  flags: ["READONLY"],
  aclCategories: ["list"],
  keySpecs: [keySpec(["RO", "ACCESS"], 1)],
  arguments: [
    keyArg,
    { name: "element", type: "string" },
    { name: "rank", type: "integer", token: "RANK", optional: true },
    { name: "num-matches", type: "integer", token: "COUNT", optional: true },
    { name: "len", type: "integer", token: "MAXLEN", optional: true },
  ],
  parse: "manual",
  handler: lpos,
};
