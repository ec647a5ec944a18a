/**
 * ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE, the deprecated ZREVRANGE, Z[REV]RANGEBYSCORE,
 * Z[REV]RANGEBYLEX, and ZCOUNT, ZLEXCOUNT, ZREMRANGEBYRANK / BYSCORE / BYLEX (Valkey's zrangeGenericCommand
 * family, same option loop and error order).
 *
 * Every range becomes a span of ranks [from, to) found in O(log n); the reply walks it from one end with
 * LIMIT's offset and count applied.
 *
 * @module
 */

import type { ZSet } from "../../types/zset.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX } from "../errors.ts";
import {
  createZset,
  limits,
  longArg,
  optionIs,
  parseLexRange,
  parseScoreRange,
  readZset,
  storeEmpty,
  storeZset,
  writeZset,
  zsetAdd,
} from "./common.ts";
import { parseI64 } from "../../util/numbers.ts";
import { ERR_NOT_INTEGER, ReplyError } from "../errors.ts";

type RangeType = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/** getLongFromObjectOrReply: like longArg, but values outside a C long are "value is out of range". */
function longValue(word: Uint8Array): number {
  if (parseI64(word) === null) throw new ReplyError(ERR_NOT_INTEGER);
  return longArg(word);
}

/**
 * Where the walk starts and how many elements it emits for a score/lex span [from, to) with LIMIT. A
 * negative offset reproduces Valkey's encodings: a listpack walks past its end (nothing); a skiplist asks
 * zslNthInRange for the (-offset)th element from the far end of the range and walks from there.
 */
function emitSpan(
  z: ZSet,
  from: number,
  to: number,
  reverse: boolean,
  offset: number,
  limit: number,
): [start: number, count: number] {
  let start: number;
  let count: number;
  if (offset >= 0) {
    count = to - from - offset;
    start = reverse ? to - 1 - offset : from + offset;
  } else if (z.isListpack || from >= to) {
    return [0, 0];
  } else if (!reverse) {
    start = to + offset;
    if (start < from) return [0, 0];
    count = -offset;
  } else {
    start = from - offset - 1;
    if (start >= to) return [0, 0];
    count = -offset;
  }
  if (count <= 0) return [0, 0];
  if (limit >= 0 && limit < count) count = limit;
  return [start, count];
}

/**
 * zrangeGenericCommand. `keyIdx` is the source key's position; `store` is the destination key for
 * ZRANGESTORE (null for the reply forms).
 */
function zrangeGeneric(
  call: CommandCall,
  keyIdx: number,
  store: Uint8Array | null,
  rangeType: RangeType,
  direction: Direction,
): void {
  const argv = call.argv;
  const key = argv[keyIdx]!;
  let minIdx = keyIdx + 1;
  let maxIdx = keyIdx + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIdx + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j]!;
    if (store === null && optionIs(o, "withscores")) withScores = true;
    else if (optionIs(o, "limit") && left >= 2) {
      offset = longValue(argv[j + 1]!);
      limit = longValue(argv[j + 2]!);
      j += 2;
    } else if (direction === "auto" && optionIs(o, "rev")) direction = "reverse";
    else if (rangeType === "auto" && optionIs(o, "bylex")) rangeType = "lex";
    else if (rangeType === "auto" && optionIs(o, "byscore")) rangeType = "score";
    else return call.error(ERR_SYNTAX);
  }
  const reverse = direction === "reverse";
  if (rangeType === "auto") rangeType = "rank";
  if (limit !== -1 && rangeType === "rank") {
    return call.error(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withScores && rangeType === "lex") {
    return call.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  if (reverse && rangeType !== "rank") [minIdx, maxIdx] = [maxIdx, minIdx];

  let span: (z: ZSet) => [number, number];
  if (rangeType === "rank") {
    const start = longValue(argv[minIdx]!);
    const end = longValue(argv[maxIdx]!);
    span = (z) => {
      const len = z.length;
      let s = start < 0 ? len + start : start;
      let e = end < 0 ? len + end : end;
      if (s < 0) s = 0;
      if (s > e || s >= len) return [0, 0];
      if (e >= len) e = len - 1;
      return reverse ? [len - 1 - e, len - s] : [s, e + 1];
    };
  } else if (rangeType === "score") {
    const r = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    span = (z) => z.scoreSpan(r);
  } else {
    const r = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    span = (z) => z.lexSpan(r);
  }

  const z = readZset(call, key);
  const w = call.reply;
  if (z === null) {
    if (store !== null) {
      storeEmpty(call, store);
      w.int(0);
    } else w.arrayHeader(0);
    return;
  }
  const [from, to] = span(z);
  let start: number;
  let count: number;
  if (rangeType === "rank") {
    start = reverse ? to - 1 : from;
    count = to - from;
  } else {
    [start, count] = emitSpan(z, from, to, reverse, offset, limit);
  }
  if (store !== null) {
    if (count <= 0) {
      storeEmpty(call, store);
      w.int(0);
      return;
    }
    const lim = limits(call);
    const dst = createZset(lim, rangeType === "rank" ? count : 0, 0);
    const out = { score: 0 };
    z.walk(start, count, reverse, (ref) => void zsetAdd(dst, lim, z.scoreOf(ref), z.memberOf(ref), 0, out));
    storeZset(call, store, dst, "zrangestore");
    w.int(dst.length);
    return;
  }
  const n = Math.max(0, count);
  w.arrayHeader(withScores && w.proto === 2 ? n * 2 : n);
  z.walk(start, n, reverse, (ref) => {
    if (withScores && w.proto === 3) w.arrayHeader(2);
    w.bulk(z.memberOf(ref));
    if (withScores) w.double(z.scoreOf(ref));
  });
}

export function zrangeHandler(call: CommandCall): void {
  zrangeGeneric(call, 1, null, "auto", "auto");
}

export function zrangestoreHandler(call: CommandCall): void {
  zrangeGeneric(call, 2, call.argv[1]!, "auto", "auto");
}

export function zrevrangeHandler(call: CommandCall): void {
  zrangeGeneric(call, 1, null, "rank", "reverse");
}

export function zrangebyscoreHandler(call: CommandCall): void {
  zrangeGeneric(call, 1, null, "score", "forward");
}

export function zrevrangebyscoreHandler(call: CommandCall): void {
  zrangeGeneric(call, 1, null, "score", "reverse");
}

export function zrangebylexHandler(call: CommandCall): void {
  zrangeGeneric(call, 1, null, "lex", "forward");
}

export function zrevrangebylexHandler(call: CommandCall): void {
  zrangeGeneric(call, 1, null, "lex", "reverse");
}

export function zcountHandler(call: CommandCall): void {
  const r = parseScoreRange(call.argv[2]!, call.argv[3]!);
  const z = readZset(call, call.argv[1]!);
  if (z === null) return call.reply.int(0);
  const [from, to] = z.scoreSpan(r);
  call.reply.int(Math.max(0, to - from));
}

export function zlexcountHandler(call: CommandCall): void {
  const r = parseLexRange(call.argv[2]!, call.argv[3]!);
  const z = readZset(call, call.argv[1]!);
  if (z === null) return call.reply.int(0);
  const [from, to] = z.lexSpan(r);
  call.reply.int(Math.max(0, to - from));
}

function zremrangeGeneric(call: CommandCall, type: "rank" | "score" | "lex"): void {
  const argv = call.argv;
  const key = argv[1]!;
  let span: (z: ZSet) => [number, number];
  let event: string;
  if (type === "rank") {
    event = "zremrangebyrank";
    const start = longValue(argv[2]!);
    const end = longValue(argv[3]!);
    span = (z) => {
      const len = z.length;
      let s = start < 0 ? len + start : start;
      let e = end < 0 ? len + end : end;
      if (s < 0) s = 0;
      if (s > e || s >= len) return [0, 0];
      if (e >= len) e = len - 1;
      return [s, e + 1];
    };
  } else if (type === "score") {
    event = "zremrangebyscore";
    const r = parseScoreRange(argv[2]!, argv[3]!);
    span = (z) => z.scoreSpan(r);
  } else {
    event = "zremrangebylex";
    const r = parseLexRange(argv[2]!, argv[3]!);
    span = (z) => z.lexSpan(r);
  }
  const db = call.db;
  const z = writeZset(call, key, db);
  if (z === null) return call.reply.int(0);
  const [from, to] = span(z);
  const deleted = Math.max(0, to - from);
  for (let i = 0; i < deleted; i++) z.removeRef(z.at(from));
  if (deleted > 0) {
    const removed = z.length === 0;
    if (removed) db.delete(key);
    call.keyModified(db, key);
    call.notify("z", event, key, db.id);
    if (removed) call.notify("g", "del", key, db.id);
    call.dirty(deleted);
  }
  call.reply.int(deleted);
}

export function zremrangebyrankHandler(call: CommandCall): void {
  zremrangeGeneric(call, "rank");
}

export function zremrangebyscoreHandler(call: CommandCall): void {
  zremrangeGeneric(call, "score");
}

export function zremrangebylexHandler(call: CommandCall): void {
  zremrangeGeneric(call, "lex");
}
