/**
 * Key extraction from command specs: which words of a request are keys, and how the command touches them.
 *
 * Valkey describes the keys of every command with "key specs" (`key_specs` in its command JSON files): each
 * spec says where the search for keys begins and how the keys are laid out from there.
 *
 * ```
 *   begin search                         find keys
 *   ------------                         ---------
 *   index {pos}        start at argv[pos]        range  {lastkey, step, limit}  every step-th word up to
 *   keyword {keyword,  start after the first     lastkey (relative; negative = from the end; with a limit
 *            startFrom} KEYWORD found scanning    the last (argc-first)/limit words)
 *                      from startFrom (negative  keynum {keynumidx, firstkey, step}  argv[first+keynumidx]
 *                      = from the end, backward)  holds N; the keys start at first+firstkey
 *
 *   ZUNIONSTORE dest 2 a b WEIGHTS 1 2        spec 0: index 1, range 0        → dest
 *   0           1    2 3 4 ...                 spec 1: index 2, keynum {0,1,1} → a b
 * ```
 *
 * This module reproduces Valkey 8.1's algorithms (db.c `getKeysUsingKeySpecs`, `getKeysFromCommandWithSpecs`,
 * `doesCommandHaveKeys`, and server.c `populateCommandLegacyRangeSpec`) over our {@link CommandSpec}s, so
 * COMMAND GETKEYS / GETKEYSANDFLAGS / INFO and, later, cluster slot checks and ACL key patterns all agree.
 * Positions count from the command word: for a subcommand, argv[0] is the container and argv[1] the
 * subcommand, as in Valkey.
 *
 * Commands whose keys key specs cannot express (SORT's STORE, EVAL with zero keys...) provide
 * `spec.getKeys(argv)`; it is used when the specs fail, as Valkey falls back to its getkeys procs. A
 * `getKeys` that knows the access flags of each key (SET with GET, BITFIELD) returns its positions through
 * {@link keysWithFlags}, so GETKEYSANDFLAGS can print them.
 *
 * @module
 */

import type { CommandSpec, KeySpec, KeySpecFlag } from "../spec.ts";
import { parseI64 } from "../../util/numbers.ts";

/** One key found in a request: its position in argv and the flags of the key spec that found it. */
export interface KeyRef {
  pos: number;
  flags: readonly KeySpecFlag[];
}

export interface KeySearchOptions {
  /** Return the words of NOT_KEY specs too (Valkey's GET_KEYSPEC_INCLUDE_NOT_KEYS). */
  includeNotKeys?: boolean;
  /** Skip invalid and incomplete specs instead of failing (Valkey's GET_KEYSPEC_RETURN_PARTIAL). */
  partial?: boolean;
}

/** Key positions with the access flags of each key, returned by a `getKeys` function. */
export type PositionsWithFlags = number[] & { keyFlags?: readonly (readonly KeySpecFlag[])[] };

/**
 * Builds the result of a `getKeys` function that knows each key's flags (`keyFlags[i]` belongs to
 * `positions[i]`). It is still a plain `number[]` for callers that only need positions.
 */
export function keysWithFlags(
  positions: number[],
  keyFlags: readonly (readonly KeySpecFlag[])[],
): PositionsWithFlags {
  const out: PositionsWithFlags = positions;
  out.keyFlags = keyFlags;
  return out;
}

/** C's strcasecmp of an argument (which stops at a NUL byte) against an ASCII keyword. */
function keywordMatches(word: Uint8Array, keyword: string): boolean {
  let n = word.indexOf(0);
  if (n < 0) n = word.length;
  if (n !== keyword.length) return false;
  for (let i = 0; i < n; i++) {
    let a = word[i]!;
    let b = keyword.charCodeAt(i);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}

/** Where a spec's keys begin in argv, 0 when its keyword is absent, -1 when the spec is unknown. */
function beginSearch(ks: KeySpec, argv: readonly Uint8Array[]): number {
  const bs = ks.beginSearch;
  if ("index" in bs) return bs.index.pos;
  if ("keyword" in bs) {
    const argc = argv.length;
    const from = bs.keyword.startFrom;
    const start = from > 0 ? from : argc + from;
    const end = from > 0 ? argc - 1 : 1;
    // Valkey's loop: walk from `start` towards `end` (excluded), never outside argv[1..argc-1].
    for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (keywordMatches(argv[i]!, bs.keyword.keyword)) return i + 1;
    }
    return 0;
  }
  return -1;
}

/**
 * Valkey's getKeysUsingKeySpecs: the keys every key spec of `spec` finds in `argv`. Returns null when a spec
 * cannot be applied (unknown begin/find type, keys out of bounds, a bad numkeys, an INCOMPLETE spec), unless
 * `partial` is set, in which case such specs are skipped (an incomplete spec's keys are still returned).
 */
export function keysFromSpecs(
  spec: CommandSpec,
  argv: readonly Uint8Array[],
  opts: KeySearchOptions = {},
): KeyRef[] | null {
  const out: KeyRef[] = [];
  const argc = argv.length;
  for (const ks of spec.keySpecs ?? []) {
    if (ks.flags.includes("NOT_KEY") && !opts.includeNotKeys) continue;
    let ok = true;
    const first0 = beginSearch(ks, argv);
    if (first0 === 0) continue; // keyword not found: this spec has no keys here
    if (first0 < 0) ok = false;
    let first = first0;
    let last = 0;
    let step = 1;
    if (ok) {
      const fk = ks.findKeys;
      if ("range" in fk) {
        step = fk.range.step;
        if (fk.range.lastkey >= 0) last = first + fk.range.lastkey;
        else if (fk.range.limit === 0) last = argc + fk.range.lastkey;
        else last = first + (Math.trunc((argc - first) / fk.range.limit) + fk.range.lastkey);
      } else if ("keynum" in fk) {
        step = fk.keynum.step;
        const at = first + fk.keynum.keynumidx;
        if (fk.keynum.keynumidx >= argc || at >= argc) ok = false;
        else {
          const n = parseI64(argv[at]!);
          if (n === null || n < 0n) ok = false;
          else {
            first += fk.keynum.firstkey;
            // Valkey adds the count as a C int: it wraps to 32 bits.
            last = first + Number(BigInt.asIntN(32, n)) - 1;
          }
        }
      } else ok = false;
    }
    if (ok && (last >= argc || last < first || first >= argc)) ok = false;
    if (ok) {
      for (let i = first; i <= last; i += step) out.push({ pos: i, flags: ks.flags });
      if (!ks.flags.includes("INCOMPLETE")) continue;
    }
    // An invalid or incomplete spec.
    if (!opts.partial) return null;
  }
  return out;
}

function specFlagsUnion(spec: CommandSpec): { anyKey: boolean; varFlags: boolean } {
  let anyKey = false;
  let varFlags = false;
  for (const ks of spec.keySpecs ?? []) {
    if (!ks.flags.includes("NOT_KEY")) anyKey = true;
    if (ks.flags.includes("VARIABLE_FLAGS")) varFlags = true;
  }
  return { anyKey, varFlags };
}

/** Valkey's doesCommandHaveKeys: a key-finding function, or a key spec that is not NOT_KEY. */
export function hasKeys(spec: CommandSpec): boolean {
  return spec.getKeys !== undefined || specFlagsUnion(spec).anyKey;
}

/**
 * Valkey's getKeysFromCommandWithSpecs: the keys of a request. Key specs are preferred when they exist and
 * their flags are reliable (no VARIABLE_FLAGS spec); when they fail or are unreliable, the command's
 * `getKeys` decides. Returns an empty list when no method finds keys.
 *
 * Flags of keys found by `getKeys`: the ones it returned with {@link keysWithFlags}; otherwise those of the key
 * spec that finds the same position (skipping invalid specs), else none.
 */
export function commandKeys(
  spec: CommandSpec,
  argv: readonly Uint8Array[],
  opts: KeySearchOptions = {},
): KeyRef[] {
  const { anyKey, varFlags } = specFlagsUnion(spec);
  if (anyKey && !varFlags) {
    const keys = keysFromSpecs(spec, argv, opts);
    if (keys !== null) return keys;
  }
  if (spec.getKeys === undefined) {
    // Every Valkey command with VARIABLE_FLAGS specs has a getkeys proc; without one, the specs' positions
    // are still right and their flags the best description there is.
    if (anyKey && varFlags) return keysFromSpecs(spec, argv, opts) ?? [];
    return [];
  }
  const positions = spec.getKeys(argv as Uint8Array[]) as PositionsWithFlags;
  const given = positions.keyFlags;
  let known: KeyRef[] | null = null;
  const out: KeyRef[] = [];
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i]!;
    let flags = given?.[i];
    if (flags === undefined) {
      known ??= keysFromSpecs(spec, argv, { ...opts, partial: true }) ?? [];
      flags = known.find((k) => k.pos === pos)?.flags.filter((f) => f !== "INCOMPLETE") ?? [];
    }
    out.push({ pos, flags });
  }
  return out;
}

/** The legacy (first, last, step) key range COMMAND INFO prints, and whether the command has movable keys. */
export interface LegacyRange {
  /** First key position, 0 when none. */
  first: number;
  /** Last key position, absolute when >= 0; negative counts from the end (-1 = last word). */
  last: number;
  step: number;
  /** Keys can be anywhere: the legacy range does not cover them all (COMMAND INFO flag `movablekeys`). */
  movable: boolean;
}

const rangeCache = new WeakMap<CommandSpec, LegacyRange>();

/**
 * Valkey's populateCommandLegacyRangeSpec: glues the command's plain index+range key specs into one
 * (first, last, step) range and flags the command `movablekeys` when some keys fall outside it.
 */
export function legacyRange(spec: CommandSpec): LegacyRange {
  const cached = rangeCache.get(spec);
  if (cached !== undefined) return cached;
  const r = computeLegacyRange(spec);
  rangeCache.set(spec, r);
  return r;
}

function computeLegacyRange(spec: CommandSpec): LegacyRange {
  // A module command with its own key-finding function has movable keys.
  let movable = spec.flags.includes("MODULE") && spec.getKeys !== undefined;
  const specs = spec.keySpecs ?? [];
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable };
  const only = specs[0]!;
  if (specs.length === 1 && "index" in only.beginSearch && "range" in only.findKeys) {
    const first = only.beginSearch.index.pos;
    const rel = only.findKeys.range.lastkey;
    return {
      first,
      last: rel >= 0 ? rel + first : rel,
      step: only.findKeys.range.step,
      movable: movable || only.flags.includes("INCOMPLETE"),
    };
  }
  let firstkey = Infinity;
  let lastkey = 0;
  let prevLast = 0;
  for (const ks of specs) {
    const bs = ks.beginSearch;
    const fk = ks.findKeys;
    if (!("index" in bs) || !("range" in fk)) {
      movable = true;
      continue;
    }
    if (fk.range.step !== 1 || (prevLast !== 0 && prevLast !== bs.index.pos - 1)) {
      movable = true;
      continue;
    }
    if (ks.flags.includes("INCOMPLETE")) movable = true;
    firstkey = Math.min(firstkey, bs.index.pos);
    let abs = fk.range.lastkey;
    if (abs >= 0) abs += bs.index.pos;
    // Valkey compares as unsigned: a negative (from-the-end) last key wins over any positive one.
    lastkey = (lastkey >>> 0) >= (abs >>> 0) ? lastkey : abs;
    prevLast = lastkey;
  }
  if (firstkey === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first: firstkey, last: lastkey, step: 1, movable };
}
