/**
 * XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP, with the lag, entries-read and
 * max-deleted-entry-id bookkeeping exactly as Valkey 8.1 reports it.
 *
 * `radix-tree-keys` is the number of nodes of the stream's index; `radix-tree-nodes` is the number of
 * nodes the radix tree Valkey keeps over the same 16-byte big-endian master IDs would have (computed
 * from the keys, see {@link raxNodeCount}), so both counters read as on Valkey.
 *
 * @module
 */

import { formatId, type StreamValue } from "../../types/stream.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NO_SUCH_KEY, ReplyError } from "../errors.ts";
import { replyHelp, subcommandSyntaxError } from "../server/help.ts";
import type { CommandSpec } from "../spec.ts";
import { errNoGroupForKey, keyAt, parseLongLong, readStream, replyId, replyRange } from "./common.ts";
import { nameKey } from "../../types/stream.ts";

/**
 * Nodes of a compressed radix tree (Valkey's rax) holding `keys` (sorted, equal length): the root, one
 * node per vertex with two or more children, one per child of such a vertex, one per leaf and one per
 * end of a compressed chain. An empty tree is its root alone.
 */
export function raxNodeCount(keys: Uint8Array[]): number {
  if (keys.length === 0) return 1;
  const len = keys[0]!.length;
  // Vertex = (range of keys sharing a prefix of `depth` bytes); isStart = a node begins here.
  const walk = (lo: number, hi: number, depth: number, isStart: boolean): number => {
    if (depth === len) return 1;
    // Children: runs of equal byte at `depth`.
    let children = 0;
    let total = 0;
    let i = lo;
    const runs: [number, number][] = [];
    while (i < hi) {
      let j = i + 1;
      while (j < hi && keys[j]![depth] === keys[i]![depth]) j++;
      runs.push([i, j]);
      children++;
      i = j;
    }
    if (children === 1) return (isStart ? 1 : 0) + walk(lo, hi, depth + 1, false);
    total = 1;
    for (const [a, b] of runs) total += walk(a, b, depth + 1, true);
    return total;
  };
  return walk(0, keys.length, 0, true);
}

function idKey(id: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, id >> 64n);
  view.setBigUint64(8, id & ((1n << 64n) - 1n));
  return out;
}

function replyLag(call: CommandCall, lag: number | null): void {
  if (lag === null) call.reply.nullBulk();
  else call.reply.int(lag);
}

function replyEntriesRead(call: CommandCall, n: number): void {
  if (n === -1) call.reply.nullBulk();
  else call.reply.int(n);
}

function xinfoStream(call: CommandCall): void {
  const argv = call.argv;
  const s = readStream(call, argv[2]!);
  if (s === undefined) return call.error(ERR_NO_SUCH_KEY);
  const optc = argv.length - 3;
  let full = false;
  let count = 10;
  if (optc !== 0) {
    if (optc !== 1 && optc !== 3) throw new ReplyError(subcommandSyntaxError(call));
    if (!eqIgnoreCase(argv[3]!, "full")) throw new ReplyError(subcommandSyntaxError(call));
    full = true;
    if (optc === 3) {
      if (!eqIgnoreCase(argv[4]!, "count")) throw new ReplyError(subcommandSyntaxError(call));
      count = parseLongLong(argv[5]!);
      if (count < 0) count = 10;
    }
  }
  const w = call.reply;
  w.mapHeader(full ? 9 : 10);
  w.bulkStr("length");
  w.int(s.length);
  w.bulkStr("radix-tree-keys");
  w.int(s.nodeCount);
  w.bulkStr("radix-tree-nodes");
  w.int(raxNodeCount(s.masterIds().map(idKey)));
  w.bulkStr("last-generated-id");
  replyId(call, s.lastId);
  w.bulkStr("max-deleted-entry-id");
  replyId(call, s.maxDeletedId);
  w.bulkStr("entries-added");
  w.int(s.entriesAdded);
  w.bulkStr("recorded-first-entry-id");
  replyId(call, s.firstId);
  const ID_MAX = (1n << 128n) - 1n;
  if (!full) {
    w.bulkStr("groups");
    w.int(s.groups === null ? 0 : s.groups.size);
    for (const [name, rev] of [["first-entry", false], ["last-entry", true]] as const) {
      w.bulkStr(name);
      let found: [bigint, ReturnType<StreamValue["get"]>] | null = null;
      s.range(0n, ID_MAX, rev, (id, pairs) => {
        found = [id, pairs];
        return false;
      });
      if (found === null) w.nullBulk();
      else {
        const [id, pairs] = found as [bigint, NonNullable<ReturnType<StreamValue["get"]>>];
        w.arrayHeader(2);
        replyId(call, id);
        w.arrayHeader(pairs.length);
        for (const v of pairs) {
          if (typeof v === "number") w.bulkStr(String(v));
          else w.bulk(v);
        }
      }
    }
    return;
  }
  w.bulkStr("entries");
  replyRange(call, s, 0n, ID_MAX, count, false);
  w.bulkStr("groups");
  const groups = s.sortedGroups();
  w.arrayHeader(groups.length);
  for (const g of groups) {
    w.mapHeader(7);
    w.bulkStr("name");
    w.bulk(g.name);
    w.bulkStr("last-delivered-id");
    replyId(call, g.lastId);
    w.bulkStr("entries-read");
    replyEntriesRead(call, g.entriesRead);
    w.bulkStr("lag");
    replyLag(call, s.lag(g));
    w.bulkStr("pel-count");
    w.int(g.pel.size);
    w.bulkStr("pending");
    const pending: [bigint, number, number, Uint8Array][] = [];
    g.pel.forEachFrom(0n, (id, n) => {
      if (count !== 0 && pending.length >= count) return false;
      pending.push([id, n.deliveryTime, n.deliveryCount, n.consumer.name]);
    });
    w.arrayHeader(pending.length);
    for (const [id, time, cnt, owner] of pending) {
      w.arrayHeader(4);
      replyId(call, id);
      w.bulk(owner);
      w.int(time);
      w.int(cnt);
    }
    w.bulkStr("consumers");
    const consumers = g.sortedConsumers();
    w.arrayHeader(consumers.length);
    for (const c of consumers) {
      w.mapHeader(5);
      w.bulkStr("name");
      w.bulk(c.name);
      w.bulkStr("seen-time");
      w.int(c.seenTime);
      w.bulkStr("active-time");
      w.int(c.activeTime);
      w.bulkStr("pel-count");
      w.int(c.pel.size);
      w.bulkStr("pending");
      const own: [bigint, number, number][] = [];
      c.pel.forEachFrom(0n, (id, n) => {
        if (count !== 0 && own.length >= count) return false;
        own.push([id, n.deliveryTime, n.deliveryCount]);
      });
      w.arrayHeader(own.length);
      for (const [id, time, cnt] of own) {
        w.arrayHeader(3);
        replyId(call, id);
        w.int(time);
        w.int(cnt);
      }
    }
  }
}

function xinfoGroups(call: CommandCall): void {
  const s = readStream(call, call.argv[2]!);
  if (s === undefined) return call.error(ERR_NO_SUCH_KEY);
  const w = call.reply;
  const groups = s.sortedGroups();
  w.arrayHeader(groups.length);
  for (const g of groups) {
    w.mapHeader(6);
    w.bulkStr("name");
    w.bulk(g.name);
    w.bulkStr("consumers");
    w.int(g.consumers.size);
    w.bulkStr("pending");
    w.int(g.pel.size);
    w.bulkStr("last-delivered-id");
    w.bulkStr(formatId(g.lastId));
    w.bulkStr("entries-read");
    replyEntriesRead(call, g.entriesRead);
    w.bulkStr("lag");
    replyLag(call, s.lag(g));
  }
}

function xinfoConsumers(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[2]!;
  const s = readStream(call, key);
  if (s === undefined) return call.error(ERR_NO_SUCH_KEY);
  const g = s.groups?.get(nameKey(argv[3]!));
  if (g === undefined) return call.error(errNoGroupForKey(argv[3]!, key));
  const w = call.reply;
  const now = call.now;
  const consumers = g.sortedConsumers();
  w.arrayHeader(consumers.length);
  for (const c of consumers) {
    w.mapHeader(4);
    w.bulkStr("name");
    w.bulk(c.name);
    w.bulkStr("pending");
    w.int(c.pel.size);
    w.bulkStr("idle");
    w.int(Math.max(0, now - c.seenTime));
    w.bulkStr("inactive");
    w.int(c.activeTime !== -1 ? now - c.activeTime : -1);
  }
}

const XINFO_HELP = [
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
];

const keyArg = { name: "key", type: "key", keySpecIndex: 0 } as const;

export const xinfoSpec: CommandSpec = {
  name: "xinfo",
  summary: "A container for stream introspection commands.",
  since: "5.0.0",
  group: "stream",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "consumers",
      summary: "Returns a list of the consumers in a consumer group.",
      since: "5.0.0",
      group: "stream",
      complexity: "O(1)",
      arity: 4,
      flags: ["READONLY"],
      aclCategories: ["stream"],
      commandTips: ["NONDETERMINISTIC_OUTPUT"],
      keySpecs: [keyAt(["RO", "ACCESS"], 2)],
      arguments: [{ ...keyArg }, { name: "group", type: "string" }],
      history: [["7.2.0", "Added the `inactive` field, and changed the meaning of `idle`."]],
      parse: "manual",
      handler: xinfoConsumers,
    },
    {
      name: "groups",
      summary: "Returns a list of the consumer groups of a stream.",
      since: "5.0.0",
      group: "stream",
      complexity: "O(1)",
      arity: 3,
      flags: ["READONLY"],
      aclCategories: ["stream"],
      keySpecs: [keyAt(["RO", "ACCESS"], 2)],
      arguments: [{ ...keyArg }],
      history: [["7.0.0", "Added the `entries-read` and `lag` fields"]],
      parse: "manual",
      handler: xinfoGroups,
    },
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      group: "stream",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      aclCategories: ["stream"],
      handler: (call) => replyHelp(call, XINFO_HELP),
    },
    {
      name: "stream",
      summary: "Returns information about a stream.",
      since: "5.0.0",
      group: "stream",
      complexity: "O(1)",
      arity: -3,
      flags: ["READONLY"],
      aclCategories: ["stream"],
      keySpecs: [keyAt(["RO", "ACCESS"], 2)],
      arguments: [
        { ...keyArg },
        {
          name: "full-block",
          type: "block",
          optional: true,
          arguments: [
            { name: "full", type: "pure-token", token: "FULL" },
            { name: "count", type: "integer", token: "COUNT", optional: true },
          ],
        },
      ],
      history: [
        ["6.0.0", "Added the `FULL` modifier."],
        [
          "7.0.0",
          "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields",
        ],
        ["7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`."],
      ],
      parse: "manual",
      handler: xinfoStream,
    },
  ],
};
