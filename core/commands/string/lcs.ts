/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence of two strings.
 *
 * Algorithm: the classic dynamic programme, as Valkey does it. `T[i][j]` is the LCS length of the first i
 * bytes of A and the first j bytes of B, filled row by row:
 *
 *            ""  b0  b1  b2 ...  b(m-1)
 *        ""   0   0   0   0       0
 *        a0   0   .   .   .       .        T[i][j] = T[i-1][j-1] + 1            if a(i-1) == b(j-1)
 *        a1   0   .   .   .       .                  max(T[i-1][j], T[i][j-1])  otherwise
 *        ...
 *
 * The string and the IDX ranges come from walking back from T[n][m]: a match steps diagonally; otherwise the
 * walk moves up when T[i-1][j] > T[i][j-1] and left otherwise (Valkey's tie rule, which decides WHICH of
 * several equally long subsequences is reported). Contiguous diagonal steps form one range; ranges are
 * emitted from the end of the strings towards the start.
 *
 * Memory: the table has (n+1)·(m+1) cells. Valkey refuses a table whose uint32 cells would need more than
 * proto-max-bulk-len bytes ("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"); the
 * same limit applies here, computed the same way, so a huge request is refused before anything is
 * allocated. Cells are Uint16 when both strings are shorter than 65 535 bytes (an LCS length never exceeds
 * the shorter string), halving the transient memory; otherwise Uint32 like Valkey.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { lookupRead } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { longLongArgument, maxBulkLen, optionIs } from "./common.ts";
import {
  ERR_LCS_ALLOC,
  ERR_LCS_LEN_AND_IDX,
  ERR_LCS_NOT_STRINGS,
  ERR_LCS_OVER_MAX_BULK,
  ERR_LCS_TOO_LONG,
} from "./errors.ts";

/** One IDX match: byte ranges in A and in B (inclusive) and their length. */
export interface LcsMatch {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
  len: number;
}

export interface LcsResult {
  /** LCS length. */
  length: number;
  /** The subsequence itself (when asked for). */
  text: Uint8Array | undefined;
  /** Matches of at least the minimum length, from the end of the strings backwards (when asked for). */
  matches: LcsMatch[] | undefined;
}

/** Bytes Valkey's table would take: (n+1)(m+1) uint32 cells. */
export function lcsTableBytes(n: number, m: number): number {
  return (n + 1) * (m + 1) * 4;
}

/**
 * Computes the LCS of `a` and `b`. `wantText`: build the subsequence; `wantMatches`: collect ranges of at
 * least `minMatchLen` bytes (0 = all). Throws RangeError when the table cannot be allocated.
 */
export function lcs(
  a: Uint8Array,
  b: Uint8Array,
  wantText: boolean,
  wantMatches: boolean,
  minMatchLen: number,
): LcsResult {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const cells = (n + 1) * w;
  const t = n < 0xffff && m < 0xffff ? new Uint16Array(cells) : new Uint32Array(cells);
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1]!;
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= m; j++) {
      if (ai === b[j - 1]) {
        t[row + j] = t[prev + j - 1]! + 1;
      } else {
        const up = t[prev + j]!;
        const left = t[row + j - 1]!;
        t[row + j] = up > left ? up : left;
      }
    }
  }
  const length = t[n * w + m]!;
  if (!wantText && !wantMatches) return { length, text: undefined, matches: undefined };

  const text = new Uint8Array(length);
  const matches: LcsMatch[] | undefined = wantMatches ? [] : undefined;
  let k = length;
  let i = n;
  let j = m;
  // The range being extended backwards; aStart === -1 means none is open.
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let close = false;
    if (a[i - 1] === b[j - 1]) {
      text[--k] = a[i - 1]!;
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        close = true;
      }
      // A match at the first byte of either string ends the walk: report the range now.
      if (aStart === 0 || bStart === 0) close = true;
      i--;
      j--;
    } else {
      if (t[(i - 1) * w + j]! > t[i * w + j - 1]!) i--;
      else j--;
      if (aStart !== -1) close = true;
    }
    if (close) {
      const len = aEnd - aStart + 1;
      if (matches !== undefined && (minMatchLen === 0 || len >= minMatchLen)) {
        matches.push({ aStart, aEnd, bStart, bEnd, len });
      }
      aStart = -1;
    }
  }
  return { length, text: wantText ? text : undefined, matches };
}

function lcsHandler(call: CommandCall): void {
  const argv = call.argv;
  const db = call.db;
  const refA = lookupRead(call, argv[1]!, db);
  const refB = lookupRead(call, argv[2]!, db);
  if ((refA !== NO_ENTRY && !db.isString(refA)) || (refB !== NO_ENTRY && !db.isString(refB))) {
    return call.error(ERR_LCS_NOT_STRINGS);
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = argv.length - 1 - j;
    if (optionIs(opt, "idx")) getIdx = true;
    else if (optionIs(opt, "len")) getLen = true;
    else if (optionIs(opt, "withmatchlen")) withMatchLen = true;
    else if (optionIs(opt, "minmatchlen") && more > 0) {
      minMatchLen = Math.max(0, longLongArgument(argv[++j]!));
    } else {
      return call.error(ERR_SYNTAX);
    }
  }
  if (getLen && getIdx) return call.error(ERR_LCS_LEN_AND_IDX);
  const a = valueOf(db, refA);
  const b = valueOf(db, refB);
  if (a.length >= 0xfffffffe || b.length >= 0xfffffffe) return call.error(ERR_LCS_TOO_LONG);
  if (lcsTableBytes(a.length, b.length) > maxBulkLen(call)) return call.error(ERR_LCS_OVER_MAX_BULK);
  let result: LcsResult;
  try {
    result = lcs(a, b, getIdx || !getLen, getIdx, minMatchLen);
  } catch (e) {
    if (e instanceof RangeError) return call.error(ERR_LCS_ALLOC);
    throw e;
  }
  const reply = call.reply;
  if (getIdx) {
    const matches = result.matches!;
    reply.mapHeader(2);
    reply.bulkStr("matches");
    reply.arrayHeader(matches.length);
    for (const mt of matches) {
      reply.arrayHeader(withMatchLen ? 3 : 2);
      reply.arrayHeader(2);
      reply.int(mt.aStart);
      reply.int(mt.aEnd);
      reply.arrayHeader(2);
      reply.int(mt.bStart);
      reply.int(mt.bEnd);
      if (withMatchLen) reply.int(mt.len);
    }
    reply.bulkStr("len");
    reply.int(result.length);
  } else if (getLen) {
    reply.int(result.length);
  } else {
    reply.bulk(result.text!);
  }
}

/** A key's bytes (empty for a missing key); reads do not invalidate each other's views. */
function valueOf(db: CommandCall["db"], ref: number): Uint8Array {
  if (ref === NO_ENTRY) return new Uint8Array(0);
  return db.getString(ref);
}

export const lcsSpec: CommandSpec = {
  name: "lcs",
  summary: "Finds the longest common substring.",
  since: "7.0.0",
  group: "string",
  complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
  arity: -3,
  flags: ["READONLY"],
  aclCategories: ["string"],
  keySpecs: [{
    flags: ["RO", "ACCESS"],
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: 1, step: 1, limit: 0 } },
  }],
  arguments: [
    { name: "key1", type: "key", keySpecIndex: 0 },
    { name: "key2", type: "key", keySpecIndex: 0 },
    { name: "len", type: "pure-token", token: "LEN", optional: true },
    { name: "idx", type: "pure-token", token: "IDX", optional: true },
    { name: "min-match-len", type: "integer", token: "MINMATCHLEN", optional: true },
    { name: "withmatchlen", type: "pure-token", token: "WITHMATCHLEN", optional: true },
  ],
  parse: "manual",
  handler: lcsHandler,
};
