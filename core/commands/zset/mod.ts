/**
 * The sorted-set commands, for the server to register. Specs follow Valkey 8.1's command JSON (arity,
 * flags, key specs, argument trees, history); every handler parses its words itself (`parse: "manual"`) to
 * keep Valkey's error order.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { ArgSpec, CommandFlag, CommandSpec, KeySpec } from "../spec.ts";
import {
  zaddGeneric,
  zcardHandler,
  zmscoreHandler,
  zrandmemberHandler,
  zrankHandler,
  zremHandler,
  zrevrankHandler,
  zscanHandler,
  zscoreHandler,
} from "./basic.ts";
import { keyAt, keynumAt, ZADD_INCR } from "./common.ts";
import {
  bzmpopHandler,
  bzpopmaxHandler,
  bzpopminHandler,
  zmpopHandler,
  zpopmaxHandler,
  zpopminHandler,
} from "./pop.ts";
import {
  zcountHandler,
  zlexcountHandler,
  zrangebylexHandler,
  zrangebyscoreHandler,
  zrangeHandler,
  zrangestoreHandler,
  zremrangebylexHandler,
  zremrangebyrankHandler,
  zremrangebyscoreHandler,
  zrevrangebylexHandler,
  zrevrangebyscoreHandler,
  zrevrangeHandler,
} from "./range.ts";
import {
  zdiffHandler,
  zdiffstoreHandler,
  zintercardHandler,
  zinterHandler,
  zinterstoreHandler,
  zunionHandler,
  zunionstoreHandler,
} from "./setops.ts";

interface Decl {
  summary: string;
  since: string;
  complexity: string;
  arity: number;
  flags: CommandFlag[];
  keySpecs: KeySpec[];
  arguments: ArgSpec[];
  history?: [string, string][];
  deprecatedSince?: string;
  replacedBy?: string;
  commandTips?: string[];
  handler: (call: CommandCall) => void;
}

function spec(name: string, d: Decl): CommandSpec {
  const s: CommandSpec = {
    name,
    summary: d.summary,
    since: d.since,
    group: "sorted_set",
    complexity: d.complexity,
    arity: d.arity,
    flags: d.flags,
    aclCategories: ["sortedset"],
    keySpecs: d.keySpecs,
    arguments: d.arguments,
    parse: "manual",
    handler: d.handler,
  };
  if (d.history !== undefined) s.history = d.history;
  if (d.commandTips !== undefined) s.commandTips = d.commandTips;
  if (d.deprecatedSince !== undefined) {
    s.deprecatedSince = d.deprecatedSince;
    s.docFlags = ["DEPRECATED"];
  }
  if (d.replacedBy !== undefined) s.replacedBy = d.replacedBy;
  return s;
}

const key = (keySpecIndex = 0, name = "key"): ArgSpec => ({ name, type: "key", keySpecIndex });
const keys = (keySpecIndex = 0): ArgSpec => ({ name: "key", type: "key", keySpecIndex, multiple: true });
const str = (name: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({ name, type: "string", ...extra });
const dbl = (name: string): ArgSpec => ({ name, type: "double" });
const int = (name: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({ name, type: "integer", ...extra });
const token = (name: string, tok: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({
  name,
  type: "pure-token",
  token: tok,
  ...extra,
});
const withscores = (extra: Partial<ArgSpec> = {}): ArgSpec =>
  token("withscores", "WITHSCORES", {
    optional: true,
    ...extra,
  });
const limitBlock = (extra: Partial<ArgSpec> = {}): ArgSpec => ({
  token: "LIMIT",
  name: "limit",
  type: "block",
  optional: true,
  ...extra,
  arguments: [int("offset"), int("count")],
});
const numkeys = int("numkeys");
const minMax: ArgSpec = {
  name: "where",
  type: "oneof",
  arguments: [token("min", "MIN"), token("max", "MAX")],
};
const weights: ArgSpec = {
  token: "WEIGHTS",
  name: "weight",
  type: "integer",
  optional: true,
  multiple: true,
};
const aggregate: ArgSpec = {
  token: "AGGREGATE",
  name: "aggregate",
  type: "oneof",
  optional: true,
  arguments: [token("sum", "SUM"), token("min", "MIN"), token("max", "MAX")],
};
const sortby = (since?: string): ArgSpec => {
  const a: ArgSpec = {
    name: "sortby",
    type: "oneof",
    optional: true,
    arguments: [token("byscore", "BYSCORE"), token("bylex", "BYLEX")],
  };
  if (since !== undefined) a.since = since;
  return a;
};

const RO_ACCESS = [keyAt(["RO", "ACCESS"], 1)];
const LOG_N = "O(log(N)) where N is the number of elements in the sorted set.";
const LOG_N_M = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of " +
  "elements returned.";

export const zsetCommands: CommandSpec[] = [
  spec("zadd", {
    summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it " +
      "doesn't exist.",
    since: "1.2.0",
    complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    arity: -4,
    flags: ["WRITE", "DENYOOM", "FAST"],
    keySpecs: [keyAt(["RW", "UPDATE"], 1)],
    arguments: [
      key(),
      {
        name: "condition",
        type: "oneof",
        optional: true,
        since: "3.0.2",
        arguments: [token("nx", "NX"), token("xx", "XX")],
      },
      {
        name: "comparison",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [token("gt", "GT"), token("lt", "LT")],
      },
      token("change", "CH", { optional: true, since: "3.0.2" }),
      token("increment", "INCR", { optional: true, since: "3.0.2" }),
      { name: "data", type: "block", multiple: true, arguments: [dbl("score"), str("member")] },
    ],
    history: [
      ["2.4.0", "Accepts multiple elements."],
      ["3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."],
      ["6.2.0", "Added the `GT` and `LT` options."],
    ],
    handler: (call) => zaddGeneric(call, 0),
  }),
  spec("zincrby", {
    summary: "Increments the score of a member in a sorted set.",
    since: "1.2.0",
    complexity: LOG_N,
    arity: 4,
    flags: ["WRITE", "DENYOOM", "FAST"],
    keySpecs: [keyAt(["RW", "ACCESS", "UPDATE"], 1)],
    arguments: [key(), int("increment"), str("member")],
    handler: (call) => zaddGeneric(call, ZADD_INCR),
  }),
  spec("zrem", {
    summary:
      "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
    since: "1.2.0",
    complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of " +
      "elements to be removed.",
    arity: -3,
    flags: ["WRITE", "FAST"],
    keySpecs: [keyAt(["RW", "DELETE"], 1)],
    arguments: [key(), str("member", { multiple: true })],
    history: [["2.4.0", "Accepts multiple elements."]],
    handler: zremHandler,
  }),
  spec("zcard", {
    summary: "Returns the number of members in a sorted set.",
    since: "1.2.0",
    complexity: "O(1)",
    arity: 2,
    flags: ["READONLY", "FAST"],
    keySpecs: [keyAt(["RO"], 1)],
    arguments: [key()],
    handler: zcardHandler,
  }),
  spec("zscore", {
    summary: "Returns the score of a member in a sorted set.",
    since: "1.2.0",
    complexity: "O(1)",
    arity: 3,
    flags: ["READONLY", "FAST"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("member")],
    handler: zscoreHandler,
  }),
  spec("zmscore", {
    summary: "Returns the score of one or more members in a sorted set.",
    since: "6.2.0",
    complexity: "O(N) where N is the number of members being requested.",
    arity: -3,
    flags: ["READONLY", "FAST"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("member", { multiple: true })],
    handler: zmscoreHandler,
  }),
  spec("zrank", {
    summary: "Returns the index of a member in a sorted set ordered by ascending scores.",
    since: "2.0.0",
    complexity: "O(log(N))",
    arity: -3,
    flags: ["READONLY", "FAST"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("member"), token("withscore", "WITHSCORE", { optional: true })],
    history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
    handler: zrankHandler,
  }),
  spec("zrevrank", {
    summary: "Returns the index of a member in a sorted set ordered by descending scores.",
    since: "2.0.0",
    complexity: "O(log(N))",
    arity: -3,
    flags: ["READONLY", "FAST"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("member"), token("withscore", "WITHSCORE", { optional: true })],
    history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
    handler: zrevrankHandler,
  }),
  spec("zcount", {
    summary: "Returns the count of members in a sorted set that have scores within a range.",
    since: "2.0.0",
    complexity: LOG_N,
    arity: 4,
    flags: ["READONLY", "FAST"],
    keySpecs: RO_ACCESS,
    arguments: [key(), dbl("min"), dbl("max")],
    handler: zcountHandler,
  }),
  spec("zlexcount", {
    summary: "Returns the number of members in a sorted set within a lexicographical range.",
    since: "2.8.9",
    complexity: LOG_N,
    arity: 4,
    flags: ["READONLY", "FAST"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("min"), str("max")],
    handler: zlexcountHandler,
  }),
  spec("zrange", {
    summary: "Returns members in a sorted set within a range of indexes.",
    since: "1.2.0",
    complexity: LOG_N_M,
    arity: -4,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [
      key(),
      str("start"),
      str("stop"),
      sortby("6.2.0"),
      token("rev", "REV", { optional: true, since: "6.2.0" }),
      limitBlock({ since: "6.2.0" }),
      withscores(),
    ],
    history: [["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]],
    handler: zrangeHandler,
  }),
  spec("zrangestore", {
    summary: "Stores a range of members from sorted set in a key.",
    since: "6.2.0",
    complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of " +
      "elements stored into the destination key.",
    arity: -5,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [keyAt(["OW", "UPDATE"], 1), keyAt(["RO", "ACCESS"], 2)],
    arguments: [
      key(0, "dst"),
      key(1, "src"),
      str("min"),
      str("max"),
      sortby(),
      token("rev", "REV", { optional: true }),
      limitBlock(),
    ],
    handler: zrangestoreHandler,
  }),
  spec("zrangebyscore", {
    summary: "Returns members in a sorted set within a range of scores.",
    since: "1.0.5",
    complexity: LOG_N_M,
    arity: -4,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [key(), dbl("min"), dbl("max"), withscores({ since: "2.0.0" }), limitBlock()],
    history: [["2.0.0", "Added the `WITHSCORES` modifier."]],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    handler: zrangebyscoreHandler,
  }),
  spec("zrevrangebyscore", {
    summary: "Returns members in a sorted set within a range of scores in reverse order.",
    since: "2.2.0",
    complexity: LOG_N_M,
    arity: -4,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [key(), dbl("max"), dbl("min"), withscores(), limitBlock()],
    history: [["2.1.6", "`min` and `max` can be exclusive."]],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    handler: zrevrangebyscoreHandler,
  }),
  spec("zrangebylex", {
    summary: "Returns members in a sorted set within a lexicographical range.",
    since: "2.8.9",
    complexity: LOG_N_M,
    arity: -4,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("min"), str("max"), limitBlock()],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    handler: zrangebylexHandler,
  }),
  spec("zrevrangebylex", {
    summary: "Returns members in a sorted set within a lexicographical range in reverse order.",
    since: "2.8.9",
    complexity: LOG_N_M,
    arity: -4,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [key(), str("max"), str("min"), limitBlock()],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    handler: zrevrangebylexHandler,
  }),
  spec("zrevrange", {
    summary: "Returns members in a sorted set within a range of indexes in reverse order.",
    since: "1.2.0",
    complexity: LOG_N_M,
    arity: -4,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [key(), int("start"), int("stop"), withscores()],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` argument",
    handler: zrevrangeHandler,
  }),
  spec("zremrangebyrank", {
    summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all " +
      "members were removed.",
    since: "2.0.0",
    complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of " +
      "elements removed by the operation.",
    arity: 4,
    flags: ["WRITE"],
    keySpecs: [keyAt(["RW", "DELETE"], 1)],
    arguments: [key(), int("start"), int("stop")],
    handler: zremrangebyrankHandler,
  }),
  spec("zremrangebyscore", {
    summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all " +
      "members were removed.",
    since: "1.2.0",
    complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of " +
      "elements removed by the operation.",
    arity: 4,
    flags: ["WRITE"],
    keySpecs: [keyAt(["RW", "DELETE"], 1)],
    arguments: [key(), dbl("min"), dbl("max")],
    handler: zremrangebyscoreHandler,
  }),
  spec("zremrangebylex", {
    summary:
      "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all " +
      "members were removed.",
    since: "2.8.9",
    complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of " +
      "elements removed by the operation.",
    arity: 4,
    flags: ["WRITE"],
    keySpecs: [keyAt(["RW", "DELETE"], 1)],
    arguments: [key(), str("min"), str("max")],
    handler: zremrangebylexHandler,
  }),
  spec("zpopmin", {
    summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted " +
      "set if the last member was popped.",
    since: "5.0.0",
    complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number " +
      "of elements popped.",
    arity: -2,
    flags: ["WRITE", "FAST"],
    keySpecs: [keyAt(["RW", "ACCESS", "DELETE"], 1)],
    arguments: [key(), int("count", { optional: true })],
    handler: zpopminHandler,
  }),
  spec("zpopmax", {
    summary:
      "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted " +
      "set if the last member was popped.",
    since: "5.0.0",
    complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number " +
      "of elements popped.",
    arity: -2,
    flags: ["WRITE", "FAST"],
    keySpecs: [keyAt(["RW", "ACCESS", "DELETE"], 1)],
    arguments: [key(), int("count", { optional: true })],
    handler: zpopmaxHandler,
  }),
  spec("zmpop", {
    summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing " +
      "them. Deletes the sorted set if the last member was popped.",
    since: "7.0.0",
    complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements " +
      "in the sorted set, and M being the number of elements popped.",
    arity: -4,
    flags: ["WRITE"],
    keySpecs: [keynumAt(["RW", "ACCESS", "DELETE"], 1)],
    arguments: [numkeys, keys(), minMax, int("count", { token: "COUNT", optional: true })],
    handler: zmpopHandler,
  }),
  spec("bzpopmin", {
    summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks " +
      "until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    since: "5.0.0",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arity: -3,
    flags: ["WRITE", "FAST", "BLOCKING"],
    keySpecs: [keyAt(["RW", "ACCESS", "DELETE"], 1, -2)],
    arguments: [keys(), dbl("timeout")],
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: bzpopminHandler,
  }),
  spec("bzpopmax", {
    summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks " +
      "until a member available otherwise.  Deletes the sorted set if the last element was popped.",
    since: "5.0.0",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arity: -3,
    flags: ["WRITE", "FAST", "BLOCKING"],
    keySpecs: [keyAt(["RW", "ACCESS", "DELETE"], 1, -2)],
    arguments: [keys(), dbl("timeout")],
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: bzpopmaxHandler,
  }),
  spec("bzmpop", {
    summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is " +
      "available otherwise. Deletes the sorted set if the last element was popped.",
    since: "7.0.0",
    complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements " +
      "in the sorted set, and M being the number of elements popped.",
    arity: -5,
    flags: ["WRITE", "BLOCKING"],
    keySpecs: [keynumAt(["RW", "ACCESS", "DELETE"], 2)],
    arguments: [dbl("timeout"), numkeys, keys(), minMax, int("count", { token: "COUNT", optional: true })],
    handler: bzmpopHandler,
  }),
  spec("zunion", {
    summary: "Returns the union of multiple sorted sets.",
    since: "6.2.0",
    complexity: "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being " +
      "the number of elements in the resulting sorted set.",
    arity: -3,
    flags: ["READONLY"],
    keySpecs: [keynumAt(["RO", "ACCESS"], 1)],
    arguments: [numkeys, keys(), weights, aggregate, withscores()],
    handler: zunionHandler,
  }),
  spec("zinter", {
    summary: "Returns the intersect of multiple sorted sets.",
    since: "6.2.0",
    complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the " +
      "number of input sorted sets and M being the number of elements in the resulting sorted set.",
    arity: -3,
    flags: ["READONLY"],
    keySpecs: [keynumAt(["RO", "ACCESS"], 1)],
    arguments: [numkeys, keys(), weights, aggregate, withscores()],
    handler: zinterHandler,
  }),
  spec("zdiff", {
    summary: "Returns the difference between multiple sorted sets.",
    since: "6.2.0",
    complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N " +
      "is the size of the first set, and K is the size of the result set.",
    arity: -3,
    flags: ["READONLY"],
    keySpecs: [keynumAt(["RO", "ACCESS"], 1)],
    arguments: [numkeys, keys(), withscores()],
    handler: zdiffHandler,
  }),
  spec("zunionstore", {
    summary: "Stores the union of multiple sorted sets in a key.",
    since: "2.0.0",
    complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being " +
      "the number of elements in the resulting sorted set.",
    arity: -4,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [keyAt(["OW", "UPDATE"], 1), keynumAt(["RO", "ACCESS"], 2)],
    arguments: [key(0, "destination"), numkeys, keys(1), weights, aggregate],
    handler: zunionstoreHandler,
  }),
  spec("zinterstore", {
    summary: "Stores the intersect of multiple sorted sets in a key.",
    since: "2.0.0",
    complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the " +
      "number of input sorted sets and M being the number of elements in the resulting sorted set.",
    arity: -4,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [keyAt(["OW", "UPDATE"], 1), keynumAt(["RO", "ACCESS"], 2)],
    arguments: [key(0, "destination"), numkeys, keys(1), weights, aggregate],
    handler: zinterstoreHandler,
  }),
  spec("zdiffstore", {
    summary: "Stores the difference of multiple sorted sets in a key.",
    since: "6.2.0",
    complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N " +
      "is the size of the first set, and K is the size of the result set.",
    arity: -4,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [keyAt(["OW", "UPDATE"], 1), keynumAt(["RO", "ACCESS"], 2)],
    arguments: [key(0, "destination"), numkeys, keys(1)],
    handler: zdiffstoreHandler,
  }),
  spec("zintercard", {
    summary: "Returns the number of members of the intersect of multiple sorted sets.",
    since: "7.0.0",
    complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input " +
      "sorted sets.",
    arity: -3,
    flags: ["READONLY"],
    keySpecs: [keynumAt(["RO", "ACCESS"], 1)],
    arguments: [numkeys, keys(), int("limit", { token: "LIMIT", optional: true })],
    handler: zintercardHandler,
  }),
  spec("zrandmember", {
    summary: "Returns one or more random members from a sorted set.",
    since: "6.2.0",
    complexity: "O(N) where N is the number of members returned",
    arity: -2,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [
      key(),
      { name: "options", type: "block", optional: true, arguments: [int("count"), withscores()] },
    ],
    commandTips: ["NONDETERMINISTIC_OUTPUT"],
    handler: zrandmemberHandler,
  }),
  spec("zscan", {
    summary: "Iterates over members and scores of a sorted set.",
    since: "2.8.0",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the " +
      "cursor to return back to 0. N is the number of elements inside the collection.",
    arity: -3,
    flags: ["READONLY"],
    keySpecs: RO_ACCESS,
    arguments: [
      key(),
      int("cursor"),
      { token: "MATCH", name: "pattern", type: "pattern", optional: true },
      int("count", { token: "COUNT", optional: true }),
      token("noscores", "NOSCORES", { optional: true, since: "8.0.0" }),
    ],
    history: [["8.0.0", "Added noscores option."]],
    commandTips: ["NONDETERMINISTIC_OUTPUT"],
    handler: zscanHandler,
  }),
];
