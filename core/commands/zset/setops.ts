/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD (Valkey's zunionInterDiffGenericCommand): inputs
 * may be sorted sets or plain sets (every member scoring 1); WEIGHTS multiply scores (a NaN product such as
 * 0 × inf counts as 0), AGGREGATE SUM / MIN / MAX combines them (a NaN sum becomes 0).
 *
 * @module
 */

import { ZSet } from "../../types/zset.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX } from "../errors.ts";
import {
  ERR_LIMIT_NEGATIVE,
  ERR_WEIGHT_FLOAT,
  limits,
  longArg,
  type OpSource,
  opSource,
  optionIs,
  positiveLongArg,
  storeEmpty,
  storeZset,
} from "./common.ts";
import { parseDouble } from "../../util/numbers.ts";

type Op = "union" | "inter" | "diff";
const SUM = 0;
const MIN = 1;
const MAX = 2;

function aggregate(target: number, val: number, how: number): number {
  if (how === SUM) {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (how === MIN) return val < target ? val : target;
  return val > target ? val : target;
}

const latin1 = new TextDecoder("latin1");

function generic(
  call: CommandCall,
  dst: Uint8Array | null,
  numkeysIdx: number,
  op: Op,
  cardOnly: boolean,
): void {
  const argv = call.argv;
  const setnum = longArg(argv[numkeysIdx]!);
  if (setnum < 1) return call.error(`ERR at least 1 input key is needed for '${call.fullName}' command`);
  if (setnum > argv.length - (numkeysIdx + 1)) return call.error(ERR_SYNTAX);
  const src: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) src.push(opSource(call, argv[j]!));
  let how = SUM;
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const o = argv[j]!;
    if (op !== "diff" && !cardOnly && remaining >= setnum + 1 && optionIs(o, "weights")) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j]!);
        if (w === null) return call.error(ERR_WEIGHT_FLOAT);
        src[i]!.weight = w;
      }
    } else if (op !== "diff" && !cardOnly && remaining >= 2 && optionIs(o, "aggregate")) {
      j++;
      const a = argv[j]!;
      if (optionIs(a, "sum")) how = SUM;
      else if (optionIs(a, "min")) how = MIN;
      else if (optionIs(a, "max")) how = MAX;
      else return call.error(ERR_SYNTAX);
      j++;
      remaining -= 2;
    } else if (remaining >= 1 && dst === null && !cardOnly && optionIs(o, "withscores")) {
      j++;
      remaining--;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && optionIs(o, "limit")) {
      limit = positiveLongArg(argv[j + 1]!, ERR_LIMIT_NEGATIVE);
      j += 2;
      remaining -= 2;
    } else return call.error(ERR_SYNTAX);
  }
  if (op !== "diff") src.sort((a, b) => a.length - b.length);

  // Results: member (latin1 key) -> [member bytes, score].
  const result = new Map<string, [Uint8Array, number]>();
  let cardinality = 0;
  if (op === "inter") {
    const first = src[0]!;
    if (first.length > 0) {
      let stop = false;
      first.each((member, s0) => {
        if (stop) return;
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        let i = 1;
        for (; i < src.length; i++) {
          const other = src[i]!;
          let v: number | null;
          if (other.subject !== null && other.subject === first.subject) v = s0;
          else v = other.score(member);
          if (v === null) break;
          score = aggregate(score, v * other.weight, how);
        }
        if (i !== src.length) return;
        if (cardOnly) {
          cardinality++;
          if (limit > 0 && cardinality >= limit) stop = true;
        } else result.set(latin1.decode(member), [member.slice(), score]);
      });
    }
  } else if (op === "union") {
    for (const s of src) {
      if (s.length === 0) continue;
      s.each((member, sc) => {
        let score = s.weight * sc;
        if (Number.isNaN(score)) score = 0;
        const k = latin1.decode(member);
        const e = result.get(k);
        if (e === undefined) result.set(k, [member.slice(), score]);
        else e[1] = aggregate(e[1], score, how);
      });
    }
  } else {
    const first = src[0]!;
    first.each((member, sc) => {
      for (let i = 1; i < src.length; i++) if (src[i]!.score(member) !== null) return;
      result.set(latin1.decode(member), [member.slice(), sc]);
    });
  }

  const w = call.reply;
  if (cardOnly) return w.int(cardinality);
  // The result as a sorted set (skiplist first, as Valkey builds it).
  const z = new ZSet(false, result.size);
  let maxLen = 0;
  for (const [m, s] of result.values()) {
    z.insert(m, s);
    if (m.length > maxLen) maxLen = m.length;
  }
  if (dst !== null) {
    if (z.length === 0) {
      storeEmpty(call, dst);
      return w.int(0);
    }
    const lim = limits(call);
    if (z.length <= lim.entries && maxLen <= lim.value) z.toListpack();
    storeZset(call, dst, z, op === "union" ? "zunionstore" : op === "inter" ? "zinterstore" : "zdiffstore");
    return w.int(z.length);
  }
  w.arrayHeader(withScores && w.proto === 2 ? z.length * 2 : z.length);
  z.forEach((ref) => {
    if (withScores && w.proto === 3) w.arrayHeader(2);
    w.bulk(z.memberOf(ref));
    if (withScores) w.double(z.scoreOf(ref));
  });
}

export function zunionstoreHandler(call: CommandCall): void {
  generic(call, call.argv[1]!, 2, "union", false);
}

export function zinterstoreHandler(call: CommandCall): void {
  generic(call, call.argv[1]!, 2, "inter", false);
}

export function zdiffstoreHandler(call: CommandCall): void {
  generic(call, call.argv[1]!, 2, "diff", false);
}

export function zunionHandler(call: CommandCall): void {
  generic(call, null, 1, "union", false);
}

export function zinterHandler(call: CommandCall): void {
  generic(call, null, 1, "inter", false);
}

export function zintercardHandler(call: CommandCall): void {
  generic(call, null, 1, "inter", true);
}

export function zdiffHandler(call: CommandCall): void {
  generic(call, null, 1, "diff", false);
}
