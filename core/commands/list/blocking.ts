/**
 * BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH: the list pops that wait for data.
 *
 * A handler that finds nothing to serve registers the client with the server's blocking layer
 * (core/server/blocking.ts), which re-executes the same request whenever one of its keys is modified.
 *
 * Re-execution and key types: Valkey wakes a client blocked on lists only when a key it waits on holds a
 * LIST again (handleClientsBlockedOnKey compares the value's type with the blocking type); a key deleted,
 * set to a string or flushed leaves the client waiting. The blocking layer re-executes on any modification,
 * so a re-executed request that finds none of its keys holding a list blocks again silently (keeping its
 * place in the queues) instead of replying — and once a list is there, the request runs like the first
 * time, with Valkey's WRONGTYPE for a non-list key before it in the key order.
 *
 * Inside MULTI/EXEC a blocking command never blocks: BLPOP/BRPOP/BLMPOP reply a null array, BLMOVE and
 * BRPOPLPUSH a null bulk (Valkey's deny_blocking replies); a real timeout replies a null array for all.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import { HEAD, TAIL, type Where } from "../../types/quicklist.ts";
import type { ListValue } from "../../types/list.ts";
import type { CommandCall } from "../call.ts";
import { LMOVE_WORD, LPOP_WORD, RPOP_WORD, RPOPLPUSH_WORD, word } from "../../server/propagate.ts";
import type { CommandSpec } from "../spec.ts";
import type { ReplyWriter } from "../../resp/writer.ts";
import {
  elementsRemoved,
  keynumSpec,
  keySpec,
  parseTimeout,
  parseWhere,
  popRange,
  writeList,
} from "./common.ts";
import { moveArgs, moveFrom, moveKeySpecs, sideArg } from "./move.ts";
import { parseMpop } from "./push_pop.ts";

const timeoutNullArray = (reply: ReplyWriter) => reply.nullArray();

/**
 * True when this execution is a wake-up of a blocked client and none of `keys` holds a list: Valkey would
 * not have re-executed the command, so it keeps waiting.
 */
function spuriousWakeup(call: CommandCall, keys: Uint8Array[]): boolean {
  if (!call.server.blocking.isBlocked(call.client)) return false;
  const db = call.db;
  for (const key of keys) {
    const ref = db.lookup(key);
    if (ref === NO_ENTRY || db.isString(ref)) continue;
    if ((db.getObject(ref) as { type?: string }).type === "list") return false;
  }
  return true;
}

function block(call: CommandCall, keys: Uint8Array[], timeoutAt: number): void {
  call.server.blocking.block(call.client, call.argv, keys, timeoutAt, timeoutNullArray, call.inExec);
}

/** blockingPopGenericCommand: `count` -1 for BLPOP/BRPOP's single element, else BLMPOP's count. */
function blockingPop(
  call: CommandCall,
  keys: Uint8Array[],
  where: Where,
  timeoutAt: number,
  count: number,
): void {
  if (spuriousWakeup(call, keys)) return block(call, keys, timeoutAt);
  const db = call.db;
  for (const key of keys) {
    const list: ListValue | undefined = writeList(call, key, db);
    if (list === undefined || list.length === 0) continue;
    const pop = where === HEAD ? LPOP_WORD : RPOP_WORD;
    if (count !== -1) {
      call.reply.arrayHeader(2);
      call.reply.bulk(key);
      // Propagated as the non-blocking LPOP/RPOP key count.
      if (call.propagating) call.propagateAs([pop, key, word(Math.min(count, list.length))]);
      popRange(call, db, key, list, where, count);
      return;
    }
    if (call.propagating) call.propagateAs([pop, key]);
    const v = list.ql.pop(where)!;
    elementsRemoved(call, db, key, where, list, 1);
    call.reply.arrayHeader(2);
    call.reply.bulk(key);
    call.reply.bulk(v);
    return;
  }
  block(call, keys, timeoutAt);
}

function bpop(call: CommandCall, where: Where): void {
  const argv = call.argv;
  const timeoutAt = parseTimeout(argv[argv.length - 1]!, call.now);
  blockingPop(call, argv.slice(1, argv.length - 1), where, timeoutAt, -1);
}

function blmpop(call: CommandCall): void {
  // numkeys, where and COUNT are checked before the timeout.
  const { keys, where, count } = parseMpop(call, 2);
  const timeoutAt = parseTimeout(call.argv[1]!, call.now);
  blockingPop(call, keys, where, timeoutAt, count);
}

/** blmoveGenericCommand. */
function blockingMove(call: CommandCall, from: Where, to: Where, timeoutAt: number): void {
  const src = call.argv[1]!;
  if (spuriousWakeup(call, [src])) return block(call, [src], timeoutAt);
  const list = writeList(call, src);
  if (list !== undefined) {
    // Propagated as the non-blocking LMOVE / RPOPLPUSH.
    if (call.propagating) {
      const a = call.argv;
      call.propagateAs(
        call.spec.name === "blmove"
          ? [LMOVE_WORD, a[1]!, a[2]!, a[3]!, a[4]!]
          : [RPOPLPUSH_WORD, a[1]!, a[2]!],
      );
    }
    return moveFrom(call, list, from, to);
  }
  if (call.inExec) return call.reply.nullBulk();
  block(call, [src], timeoutAt);
}

function blmove(call: CommandCall): void {
  const argv = call.argv;
  const from = parseWhere(argv[3]!);
  const to = parseWhere(argv[4]!);
  const timeoutAt = parseTimeout(argv[5]!, call.now);
  blockingMove(call, from, to, timeoutAt);
}

function brpoplpush(call: CommandCall): void {
  const timeoutAt = parseTimeout(call.argv[3]!, call.now);
  blockingMove(call, TAIL, HEAD, timeoutAt);
}

const timeoutArg = { name: "timeout", type: "double" } as const;

function bpopSpec(name: string, summary: string): CommandSpec {
  return {
    name,
    summary,
    since: "2.0.0",
    group: "list",
    complexity: "O(N) where N is the number of provided keys.",
    arity: -3,
    flags: ["WRITE", "BLOCKING"],
    aclCategories: ["list"],
    keySpecs: [keySpec(["RW", "ACCESS", "DELETE"], 1, -2)],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, timeoutArg],
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    parse: "manual",
    handler: (call) => bpop(call, name === "blpop" ? HEAD : TAIL),
  };
}

export const blpopSpec = bpopSpec(
  "blpop",
  "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
);
export const brpopSpec = bpopSpec(
  "brpop",
  "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
);

export const blmpopSpec: CommandSpec = {
  name: "blmpop",
  summary:
    "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
  since: "7.0.0",
  group: "list",
  complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
  arity: -5,
  flags: ["WRITE", "BLOCKING"],
  aclCategories: ["list"],
  keySpecs: [keynumSpec(["RW", "ACCESS", "DELETE"], 2)],
  arguments: [
    timeoutArg,
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", keySpecIndex: 0, multiple: true },
    sideArg("where"),
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  parse: "manual",
  handler: blmpop,
};

export const blmoveSpec: CommandSpec = {
  name: "blmove",
  summary:
    "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
  since: "6.2.0",
  group: "list",
  complexity: "O(1)",
  arity: 6,
  flags: ["WRITE", "DENYOOM", "BLOCKING"],
  aclCategories: ["list"],
  keySpecs: moveKeySpecs,
  arguments: [...moveArgs, sideArg("wherefrom"), sideArg("whereto"), timeoutArg],
  parse: "manual",
  handler: blmove,
};

export const brpoplpushSpec: CommandSpec = {
  name: "brpoplpush",
  summary:
    "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
  since: "2.2.0",
  group: "list",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM", "BLOCKING"],
  aclCategories: ["list"],
  keySpecs: moveKeySpecs,
  arguments: [...moveArgs, timeoutArg],
  history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
  deprecatedSince: "6.2.0",
  replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
  docFlags: ["DEPRECATED"],
  parse: "manual",
  handler: brpoplpush,
};
