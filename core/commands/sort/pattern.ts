/**
 * The pure pieces of SORT: BY/GET pattern parsing and substitution, the comparison rules, the weight
 * parser, the LIMIT window and the key extraction for COMMAND GETKEYS.
 *
 * Patterns follow sort.c's lookupKeyByPattern, which works on C strings for its searches:
 *
 *     "#"            the element itself (GET # only; a first byte '#' followed by NUL counts too)
 *     "w_*"          string key "w_" + element
 *     "h_*->field"   field "field" of hash key "h_" + element ("->" searched after the first '*',
 *                    it needs at least one byte after it that is not NUL)
 *     "nostar"       no '*' before the first NUL: BY means "do not sort", GET yields nil
 *
 * Comparisons: ALPHA without STORE uses strcoll, which in the C locale is byte order up to the first NUL;
 * with STORE (and for numeric ties) Valkey uses a binary compare (memcmp, then length).
 *
 * @module
 */

import { eqIgnoreCase, parseDouble } from "../../util/numbers.ts";
import { keysWithFlags } from "../server/keys_from_spec.ts";
import type { KeySpecFlag } from "../spec.ts";

const SORTED_FLAGS: readonly KeySpecFlag[] = ["RO", "ACCESS"];
const STORE_FLAGS: readonly KeySpecFlag[] = ["OW", "UPDATE"];

/** sortROGetKeys: only the sorted key. */
export function sortRoKeys(): number[] {
  return keysWithFlags([1], [SORTED_FLAGS]);
}

const STAR = 0x2a;
const DASH = 0x2d;
const GT = 0x3e;
const HASH = 0x23;

/** The bytes a C string function sees: everything before the first NUL. */
export function cLength(b: Uint8Array): number {
  const i = b.indexOf(0);
  return i < 0 ? b.length : i;
}

/** isReturnSubstPattern: the pattern "#" (as a C string). */
export function isSelfPattern(p: Uint8Array): boolean {
  return p.length > 0 && p[0] === HASH && (p.length === 1 || p[1] === 0);
}

/** True when the pattern has a '*' (before its first NUL): a BY pattern without one means "no sort". */
export function hasStar(p: Uint8Array): boolean {
  const n = cLength(p);
  for (let i = 0; i < n; i++) if (p[i] === STAR) return true;
  return false;
}

/** A parsed pattern: the key is prefix + element + suffix, optionally dereferencing a hash field. */
export interface ParsedPattern {
  /** Returns the element itself (GET #). */
  self: boolean;
  /** No '*': GET yields nil. */
  constant: boolean;
  prefix: Uint8Array;
  suffix: Uint8Array;
  /** The hash field after "->", or null for a string key. */
  field: Uint8Array | null;
}

/** Splits a BY/GET pattern as lookupKeyByPattern does. */
export function parsePattern(p: Uint8Array): ParsedPattern {
  const empty = new Uint8Array(0);
  if (isSelfPattern(p)) return { self: true, constant: false, prefix: empty, suffix: empty, field: null };
  const clen = cLength(p);
  let star = -1;
  for (let i = 0; i < clen; i++) {
    if (p[i] === STAR) {
      star = i;
      break;
    }
  }
  if (star < 0) return { self: false, constant: true, prefix: empty, suffix: empty, field: null };
  let arrow = -1;
  for (let i = star + 1; i + 1 < clen; i++) {
    if (p[i] === DASH && p[i + 1] === GT) {
      arrow = i;
      break;
    }
  }
  // The field needs a byte after "->" that is not the C string's end.
  if (arrow >= 0 && !(arrow + 2 < p.length && p[arrow + 2] !== 0)) arrow = -1;
  if (arrow < 0) {
    return { self: false, constant: false, prefix: p.slice(0, star), suffix: p.slice(star + 1), field: null };
  }
  return {
    self: false,
    constant: false,
    prefix: p.slice(0, star),
    suffix: p.slice(star + 1, arrow),
    field: p.slice(arrow + 2),
  };
}

/** The key a (non-self, non-constant) pattern names for `element`. */
export function substitute(pat: ParsedPattern, element: Uint8Array): Uint8Array {
  const out = new Uint8Array(pat.prefix.length + element.length + pat.suffix.length);
  out.set(pat.prefix, 0);
  out.set(element, pat.prefix.length);
  out.set(pat.suffix, pat.prefix.length + element.length);
  return out;
}

/** Byte order of `a[0..alen)` and `b[0..blen)`: memcmp over the common length, then the shorter first. */
export function compareSpans(a: Uint8Array, alen: number, b: Uint8Array, blen: number): number {
  const n = alen < blen ? alen : blen;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return alen === blen ? 0 : alen < blen ? -1 : 1;
}

/** compareStringObjects (binary): memcmp over the common length, then the shorter sorts first. */
export function compareBinary(a: Uint8Array, b: Uint8Array): number {
  return compareSpans(a, a.length, b, b.length);
}

/** strcoll in the C locale: byte order of the C strings (up to the first NUL of each). */
export function compareCollate(a: Uint8Array, b: Uint8Array): number {
  return compareSpans(a, cLength(a), b, cLength(b));
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * The numeric weight of a value as SORT reads it (strtod over the C string, which must be consumed
 * whole): leading whitespace is skipped, the empty string weighs 0, NaN and out-of-range values fail.
 * Returns null when the value "can't be converted into double".
 */
export function parseWeight(v: Uint8Array): number | null {
  // Fast path: a plain integer of up to 15 digits is exact as a double.
  const len = v.length;
  if (len > 0 && len <= 16) {
    let i = v[0] === 0x2d ? 1 : 0;
    if (i < len && len - i <= 15) {
      let acc = 0;
      for (; i < len; i++) {
        const d = v[i]! - 0x30;
        if (d < 0 || d > 9) break;
        acc = acc * 10 + d;
      }
      if (i === len) return v[0] === 0x2d ? -acc : acc;
    }
  }
  const n = cLength(v);
  if (n === 0) return 0;
  let i = 0;
  while (i < n && isCSpace(v[i]!)) i++;
  if (i === n) return null;
  const d = parseDouble(v.subarray(i, n));
  if (d === null || Number.isNaN(d)) return null;
  return d;
}

/**
 * The LIMIT window over `len` elements: [start, end] inclusive (end < start when empty), computed the way
 * sort.c clamps offset and count.
 */
export function limitWindow(offset: number, count: number, len: number): [number, number] {
  let start = Math.min(Math.max(offset, 0), len);
  const cnt = Math.min(Math.max(count, -1), len);
  let end = cnt < 0 ? len - 1 : start + cnt - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  return [start, end];
}

/**
 * sortGetKeys: the sorted key, then the destination of the last STORE option. Options are skipped with
 * their arguments (LIMIT two, GET and BY one); anything else counts as a word without arguments.
 */
export function sortKeys(argv: Uint8Array[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const w = argv[i]!;
    if (eqIgnoreCase(w, "limit")) i += 2;
    else if (eqIgnoreCase(w, "store") && i + 1 < argv.length) store = i + 1;
    else if (eqIgnoreCase(w, "get") || eqIgnoreCase(w, "by")) i += 1;
  }
  return store < 0
    ? keysWithFlags([1], [SORTED_FLAGS])
    : keysWithFlags([1, store], [SORTED_FLAGS, STORE_FLAGS]);
}
