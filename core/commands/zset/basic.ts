/**
 * ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZSCAN, ZRANDMEMBER.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import { formatDouble, formatLongDouble } from "../../util/numbers.ts";
import { globMatch } from "../../util/glob.ts";
import type { ZSet } from "../../types/zset.ts";
import type { CommandCall } from "../call.ts";
import { replySamples } from "../sampling.ts";
import { ERR_SYNTAX, errWrongArity } from "../errors.ts";
import { keyCreated, lookupWrite } from "../lookup.ts";
import { parseScanCursor, parseScanOptions } from "../generic/scan.ts";
import {
  asZset,
  createZset,
  ERR_NAN_SCORE,
  ERR_OUT_OF_RANGE,
  limits,
  maybeConvert,
  optionIs,
  OUT_ADDED,
  OUT_NAN,
  OUT_NOP,
  OUT_UPDATED,
  rangeLongArg,
  readZset,
  writeZset,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_XX,
  zsetAdd,
} from "./common.ts";
import { parseDouble, parseI64 } from "../../util/numbers.ts";
import { ERR_NOT_FLOAT } from "../errors.ts";

/** zaddGenericCommand (ZADD, and ZINCRBY with `flags` = INCR). */
export function zaddGeneric(call: CommandCall, base: number): void {
  const argv = call.argv;
  const key = argv[1]!;
  let flags = base;
  let ch = false;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const o = argv[idx]!;
    if (optionIs(o, "nx")) flags |= ZADD_NX;
    else if (optionIs(o, "xx")) flags |= ZADD_XX;
    else if (optionIs(o, "ch")) ch = true;
    else if (optionIs(o, "incr")) flags |= ZADD_INCR;
    else if (optionIs(o, "gt")) flags |= ZADD_GT;
    else if (optionIs(o, "lt")) flags |= ZADD_LT;
    else break;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const rest = argv.length - idx;
  if (rest % 2 !== 0 || rest === 0) return call.error(ERR_SYNTAX);
  const elements = rest / 2;
  if (nx && xx) return call.error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return call.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 1) return call.error("ERR INCR option supports a single increment-element pair");
  const scores: number[] = [];
  let maxLen = 0;
  for (let j = 0; j < elements; j++) {
    const s = parseDouble(argv[idx + j * 2]!);
    if (s === null) return call.error(ERR_NOT_FLOAT);
    scores.push(s);
    const len = argv[idx + 1 + j * 2]!.length;
    if (len > maxLen) maxLen = len;
  }
  const db = call.db;
  const lim = limits(call);
  let ref = lookupWrite(call, key, db);
  let z: ZSet;
  if (ref === NO_ENTRY) {
    if (xx) {
      if (incr) return call.reply.nullBulk();
      return call.reply.int(0);
    }
    z = createZset(lim, elements, maxLen);
    ref = db.setObject(key, z, false);
    keyCreated(call, db, ref, key);
  } else {
    z = asZset(db, ref);
    maybeConvert(z, lim, elements, maxLen);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let failed = false;
  const out = { score: 0 };
  let score = 0;
  for (let j = 0; j < elements; j++) {
    const r = zsetAdd(z, lim, scores[j]!, argv[idx + 1 + j * 2]!, flags, out);
    if (r === OUT_NAN) {
      failed = true;
      break;
    }
    if ((r & OUT_ADDED) !== 0) added++;
    if ((r & OUT_UPDATED) !== 0) updated++;
    if ((r & OUT_NOP) === 0) processed++;
    score = out.score;
  }
  if (!failed) call.dirty(added + updated);
  if (added + updated > 0) {
    call.keyModified(db, key);
    call.notify("z", incr ? "zincr" : "zadd", key, db.id);
  }
  // A key created for elements that were all refused (INCR NaN) would stay empty: Valkey cannot get there
  // either (NaN needs an existing score), so no cleanup is needed.
  if (failed) return call.error(ERR_NAN_SCORE);
  if (incr) {
    if (processed > 0) call.reply.double(score);
    else call.reply.nullBulk();
  } else call.reply.int(ch ? added + updated : added);
}

export function zremHandler(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  const z = writeZset(call, key, db);
  if (z === null) return call.reply.int(0);
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j]!)) deleted++;
    if (z.length === 0) {
      db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted > 0) {
    call.notify("z", "zrem", key, db.id);
    if (removed) call.notify("g", "del", key, db.id);
    call.keyModified(db, key);
    call.dirty(deleted);
  }
  call.reply.int(deleted);
}

export function zcardHandler(call: CommandCall): void {
  const z = readZset(call, call.argv[1]!);
  call.reply.int(z === null ? 0 : z.length);
}

export function zscoreHandler(call: CommandCall): void {
  const z = readZset(call, call.argv[1]!);
  const s = z === null ? null : z.score(call.argv[2]!);
  if (s === null) call.reply.nullBulk();
  else call.reply.double(s);
}

export function zmscoreHandler(call: CommandCall): void {
  const argv = call.argv;
  const z = readZset(call, argv[1]!);
  call.reply.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === null ? null : z.score(argv[j]!);
    if (s === null) call.reply.nullBulk();
    else call.reply.double(s);
  }
}

function zrankGeneric(call: CommandCall, reverse: boolean): void {
  const argv = call.argv;
  if (argv.length > 4) return call.error(errWrongArity(call.fullName));
  let withScore = false;
  if (argv.length > 3) {
    if (!optionIs(argv[3]!, "withscore")) return call.error(ERR_SYNTAX);
    withScore = true;
  }
  const z = readZset(call, argv[1]!);
  const ref = z === null ? -1 : z.find(argv[2]!);
  if (z === null || ref === -1) {
    if (withScore) call.reply.nullArray();
    else call.reply.nullBulk();
    return;
  }
  const rank = z.rankOf(ref);
  if (withScore) call.reply.arrayHeader(2);
  call.reply.int(reverse ? z.length - 1 - rank : rank);
  if (withScore) call.reply.double(z.scoreOf(ref));
}

export function zrankHandler(call: CommandCall): void {
  zrankGeneric(call, false);
}

export function zrevrankHandler(call: CommandCall): void {
  zrankGeneric(call, true);
}

export function zscanHandler(call: CommandCall): void {
  const argv = call.argv;
  const cursor = parseScanCursor(argv[2]!);
  const z = readZset(call, argv[1]!);
  if (z === null) {
    call.reply.arrayHeader(2);
    call.reply.bulkStr("0");
    call.reply.arrayHeader(0);
    return;
  }
  const { count, pattern, onlyKeys } = parseScanOptions(argv, 3, "zset");
  const items: Uint8Array[] = [];
  const texts: string[] = [];
  let next = 0;
  if (z.isListpack) {
    z.forEach((ref) => {
      const m = z.memberOf(ref);
      if (pattern !== null && !globMatch(pattern, m)) return;
      items.push(m.slice());
      // The listpack holds an integral score as an integer, other scores as d2string text.
      texts.push(formatDouble(z.scoreOf(ref)));
    });
  } else {
    let sampled = 0;
    const visit = (ref: number): void => {
      sampled++;
      const m = z.memberOf(ref);
      if (pattern !== null && !globMatch(pattern, m)) return;
      items.push(m.slice());
      texts.push(formatLongDouble(z.scoreOf(ref), false));
    };
    let cur = Number(cursor & 0xffffffffn);
    let steps = count * 10;
    do {
      cur = z.scan(cur, visit);
    } while (cur !== 0 && steps-- !== 0 && sampled < count);
    next = cur;
  }
  const w = call.reply;
  w.arrayHeader(2);
  w.bulkStr(String(next));
  w.arrayHeader(onlyKeys ? items.length : items.length * 2);
  for (let i = 0; i < items.length; i++) {
    w.bulk(items[i]!);
    if (!onlyKeys) w.bulkStr(texts[i]!);
  }
}

const LONG_MAX = 9223372036854775807n;

function replyMember(call: CommandCall, z: ZSet, ref: number, withScores: boolean): void {
  const w = call.reply;
  if (withScores && w.proto === 3) w.arrayHeader(2);
  w.bulk(z.memberOf(ref));
  if (withScores) w.double(z.scoreOf(ref));
}

export function zrandmemberHandler(call: CommandCall): void {
  const argv = call.argv;
  if (argv.length >= 3) {
    const l = rangeLongArg(argv[2]!, -LONG_MAX, LONG_MAX);
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && !optionIs(argv[3]!, "withscores"))) {
      return call.error(ERR_SYNTAX);
    } else if (argv.length === 4) {
      withScores = true;
      // Compared on the exact int64 (l is clamped to ±2^53).
      const exact = parseI64(argv[2]!)!;
      if (exact < -LONG_MAX / 2n || exact > LONG_MAX / 2n) return call.error(ERR_OUT_OF_RANGE);
    }
    return randWithCount(call, l, withScores);
  }
  const z = readZset(call, argv[1]!);
  if (z === null) return call.reply.nullBulk();
  call.reply.bulk(z.memberOf(z.randomRef()));
}

function randWithCount(call: CommandCall, l: number, withScores: boolean): void {
  const z = readZset(call, call.argv[1]!);
  const w = call.reply;
  if (z === null) return w.arrayHeader(0);
  const size = z.length;
  const uniq = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return w.arrayHeader(0);
  if (!uniq || count === 1) {
    // Sampling with repetition, cut off by the output limit (sampling.ts).
    const emit = () => replyMember(call, z, z.randomRef(), withScores);
    if (!replySamples(call, BigInt(count), withScores && w.proto === 2 ? 2 : 1, emit)) {
      return call.error(ERR_OUT_OF_RANGE);
    }
    return;
  }
  const replySize = Math.min(count, size);
  w.arrayHeader(withScores && w.proto === 2 ? replySize * 2 : replySize);
  if (count >= size) {
    z.forEach((ref) => replyMember(call, z, ref, withScores));
    return;
  }
  // Distinct ranks: a partial Fisher-Yates shuffle over the ranks when the sample is a big part of the
  // set, random picks with rejection otherwise.
  const picked = new Set<number>();
  if (count * 3 > size) {
    const ranks = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = ranks[i]!;
      ranks[i] = ranks[j]!;
      ranks[j] = t;
    }
    const chosen = ranks.slice(0, count).sort((a, b) => a - b);
    for (const r of chosen) replyMember(call, z, z.at(r), withScores);
    return;
  }
  while (picked.size < count) {
    const ref = z.randomRef();
    if (picked.has(ref)) continue;
    picked.add(ref);
    replyMember(call, z, ref, withScores);
  }
}
