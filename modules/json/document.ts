/**
 * The JSON document model: the tree form of a document (large documents, and any document while most
 * writes work on it; small documents are stored packed, see tape.ts and doc.ts).
 *
 * A tree is made of plain JavaScript values, chosen so that the common cases cost no wrapper object:
 *
 * ```
 *   JSON            JValue                          V8 cost (64-bit, no pointer compression, as in Deno/Bun)
 *   null            null                            an 8-byte slot, no object
 *   true / false    true / false                    an 8-byte slot, no object
 *   27, 135.25      number (canonical text only)    Smi in the slot, or a 16-byte HeapNumber
 *   0.3000000, -0   JNum { text, double }           40-byte object + its text (16 + length)
 *   "abc"           string                          16 + length bytes (one-byte string)
 *   [ ... ]         JValue[]                        32-byte JSArray + 16 + 8 × length
 *   { ... }         JObj { keys, vals }             40-byte object + value array (48 + 8 × n); the key list
 *                                                   is shared by objects of the same shape (see below)
 * ```
 *
 * A typical 470-byte product document (12 members, three nested objects, a 3-element array, a 200-byte
 * description) thus costs about 910 bytes of V8 heap (measured), against about 500 for the same text in a
 * string; {@link sizeOf} reports about 1,080 for it (short interned strings are counted as owned).
 *
 * Numbers keep their original text: a number whose text is exactly what `String(value)` prints (`27`,
 * `1.5`, `1e+21`) is stored as a JS number; any other text (`0.3000000`, `1.0`, `1E5`, `-0`, integers beyond
 * 2^53) is kept verbatim in a {@link JNum}. JSON.GET therefore returns every number as it was written.
 *
 * Objects keep their members in insertion order in two parallel arrays (`keys`, `vals`). Lookup is a linear
 * scan up to {@link INDEX_THRESHOLD} members; larger objects build a `Map` from key to position on demand.
 * Parsed objects are sealed: exact-length arrays, and objects with the same member names (the common case:
 * 100k product documents) share one frozen key list, copied on the first change; member names and short
 * string values are interned. The position index of a large object lives in a WeakMap, so a JObj is two
 * fields. {@link sizeOf} counts a key list and its names only for objects above 32 members (they never
 * share), so a document's tracked size depends only on the document itself.
 * Duplicate keys in the input keep the first position and the last value (as valkey-json).
 *
 * Memory accounting ({@link sizeOf}) uses the costs in the table above, so MEMORY USAGE, JSON.DEBUG MEMORY,
 * `json.max-document-size` and INFO's `json_total_memory_bytes` agree with each other and stay close to
 * V8's real cost.
 *
 * @module
 */

/**
 * A number whose text is not the canonical `String(value)` text, or a double whose text looks like an integer
 * (`double`: the result of adding doubles, e.g. 1.5 + 0.5 printed as `2`, which stays a "number").
 */
export class JNum {
  constructor(readonly text: string, readonly double = false) {}
  get value(): number {
    return Number(this.text);
  }
}

/** Objects above this many members get a key → position index. */
export const INDEX_THRESHOLD = 16;

/** Objects with at most this many members share their key list with same-shaped objects. */
const SHAPE_MAX_KEYS = 32;
/** Bound of the shape and string caches (they are emptied when full). */
const CACHE_LIMIT = 65536;
const shapes = new Map<string, string[]>();
const interned = new Map<string, string>();

/**
 * One shared copy of a short string (member names, repeated short values such as "EUR"), so 100k documents
 * of the same shape do not hold 100k copies of every member name.
 */
export function intern(s: string): string {
  if (s.length > 32) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= CACHE_LIMIT) interned.clear();
  interned.set(s, s);
  return s;
}

/** Position indexes of objects above {@link INDEX_THRESHOLD} members (kept aside: most objects are small). */
const indexes = new WeakMap<JObj, Map<string, number>>();

/**
 * A JSON object: members in insertion order. Two fields only (40 bytes): a key list that is frozen while it
 * is shared with same-shaped objects (copied on the first change) and the value list.
 */
export class JObj {
  keys: string[] = [];
  vals: JValue[] = [];

  get size(): number {
    return this.keys.length;
  }

  private ownKeys(): string[] {
    if (Object.isFrozen(this.keys)) this.keys = this.keys.slice();
    return this.keys;
  }

  /**
   * Compacts a freshly built object: the value list is trimmed to its exact length and the key list is
   * replaced by the shared list of an earlier object with the same member names (a "shape").
   */
  seal(): void {
    this.vals = this.vals.slice();
    const n = this.keys.length;
    if (n === 0 || n > SHAPE_MAX_KEYS) {
      this.keys = this.keys.slice();
      return;
    }
    const sig = this.keys.join("\u0000");
    let shared = shapes.get(sig);
    if (shared === undefined) {
      if (shapes.size >= CACHE_LIMIT) shapes.clear();
      shared = Object.freeze(this.keys.slice()) as string[];
      shapes.set(sig, shared);
    }
    this.keys = shared;
  }

  /** Makes this object's key list the same (shared) list as `src`'s (deep copies use it). */
  shareKeysOf(src: JObj): void {
    if (!Object.isFrozen(src.keys)) src.keys = Object.freeze(src.keys) as string[];
    this.keys = src.keys;
  }

  indexOf(key: string): number {
    const n = this.keys.length;
    if (n <= INDEX_THRESHOLD) {
      for (let i = 0; i < n; i++) if (this.keys[i] === key) return i;
      return -1;
    }
    let index = indexes.get(this);
    if (index === undefined) {
      index = new Map();
      for (let i = 0; i < n; i++) index.set(this.keys[i]!, i);
      indexes.set(this, index);
    }
    return index.get(key) ?? -1;
  }

  get(key: string): JValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.vals[i];
  }

  /** Sets a member (appends a new one at the end). Returns true when the key was new. */
  set(key: string, value: JValue): boolean {
    const i = this.indexOf(key);
    if (i >= 0) {
      this.vals[i] = value;
      return false;
    }
    this.ownKeys().push(key);
    this.vals.push(value);
    indexes.get(this)?.set(key, this.keys.length - 1);
    return true;
  }

  delete(key: string): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.ownKeys().splice(i, 1);
    this.vals.splice(i, 1);
    indexes.delete(this);
    return true;
  }

  clear(): void {
    this.keys = [];
    this.vals = [];
    indexes.delete(this);
  }
}

export type JValue = null | boolean | number | string | JNum | JObj | JValue[];

export type JType = "null" | "boolean" | "integer" | "number" | "string" | "object" | "array";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT_TEXT = /^-?\d+$/;

/** True for an integer number: its text has no fraction or exponent and it fits int64 (else it is a double). */
export function isInteger(v: JValue): boolean {
  if (typeof v === "number") {
    return Number.isInteger(v) && v >= -9223372036854775808 && v < 9223372036854775808;
  }
  if (v instanceof JNum) return !v.double && isIntegerText(v.text);
  return false;
}

export function isIntegerText(text: string): boolean {
  if (!INT_TEXT.test(text)) return false;
  if (text.length < 19) return true;
  const b = BigInt(text);
  return b >= INT64_MIN && b <= INT64_MAX;
}

export function isNumber(v: JValue): v is number | JNum {
  return typeof v === "number" || v instanceof JNum;
}

export function numValue(v: number | JNum): number {
  return typeof v === "number" ? v : Number(v.text);
}

/**
 * A number node for a text: a plain JS number when the text is canonical, else a {@link JNum}. With
 * `double`, an integer-looking text stays typed as a double.
 */
export function numFromText(text: string, double = false): number | JNum {
  if (double && INT_TEXT.test(text)) return new JNum(text, true);
  const n = Number(text);
  return String(n) === text ? n : new JNum(text);
}

export function typeOf(v: JValue): JType {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "number":
      return isInteger(v) ? "integer" : "number";
  }
  if (v instanceof JNum) return !v.double && isIntegerText(v.text) ? "integer" : "number";
  if (v instanceof JObj) return "object";
  return "array";
}

export function isContainer(v: JValue): v is JObj | JValue[] {
  return v instanceof JObj || Array.isArray(v);
}

/** C's `%.17g`: how valkey-json prints the result of arithmetic. */
export function fmt17g(d: number): string {
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  if (!Number.isFinite(d)) return d !== d ? "nan" : d > 0 ? "inf" : "-inf";
  const e = d.toExponential(16); // d.dddddddddddddddde±X
  const at = e.indexOf("e");
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 17) {
    let mant = e.slice(0, at);
    if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
    const sign = exp < 0 ? "-" : "+";
    const ax = Math.abs(exp);
    return `${mant}e${sign}${ax < 10 ? "0" : ""}${ax}`;
  }
  let s = d.toFixed(16 - exp);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** Bytes one value costs (see the table at the head of this file). Iterative: safe on any depth. */
export function sizeOf(root: JValue): number {
  let total = 8; // the slot holding the root; other values sit in their container's slots
  const stack: JValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === null || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isInteger(v) || v > 0x7fffffff || v < -0x80000000) total += 16; // HeapNumber
    } else if (typeof v === "string") {
      total += stringCost(v);
    } else if (v instanceof JNum) {
      total += 40 + stringCost(v.text);
    } else if (v instanceof JObj) {
      const n = v.keys.length;
      total += 40 + 48 + 8 * n;
      if (n > SHAPE_MAX_KEYS) {
        // never shares its key list: count it, its strings and the position index
        total += 48 + 8 * n + 80 + 32 * n;
        for (let i = 0; i < n; i++) total += stringCost(v.keys[i]!);
      }
      for (let i = 0; i < n; i++) stack.push(v.vals[i]!);
    } else {
      total += 48 + 8 * v.length;
      for (let i = 0; i < v.length; i++) stack.push(v[i]!);
    }
  }
  return total;
}

function stringCost(s: string): number {
  let wide = false;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      wide = true;
      break;
    }
  }
  return 16 + ((wide ? 2 : 1) * s.length + 7 & ~7);
}

/** The part of an object's cost that {@link sizeOf} adds above 32 members (key list, names, index). */
function bigObjectKeysCost(o: JObj): number {
  const n = o.keys.length;
  if (n <= SHAPE_MAX_KEYS) return 0;
  let t = 128;
  for (const k of o.keys) t += 40 + stringCost(k);
  return t;
}

/**
 * The key table's share of member `key` of `o` (holding it, with `o.keys.length` members): its own entry
 * once `o` is past the shape limit, the whole table when adding or removing `key` crosses it, else 0.
 */
function memberKeyCost(o: JObj, key: string): number {
  const n = o.keys.length;
  return n > SHAPE_MAX_KEYS + 1 ? 40 + stringCost(key) : n === SHAPE_MAX_KEYS + 1 ? bigObjectKeysCost(o) : 0;
}

/** How much {@link sizeOf} of the document grows when member `key` = `value` was just added to `o`. */
export function addedMemberCost(o: JObj, key: string, value: JValue): number {
  return 8 + sizeOf(value) - 8 + memberKeyCost(o, key);
}

/** How much {@link sizeOf} of the document shrinks when member `key` = `value` is about to leave `o`. */
export function removedMemberCost(o: JObj, key: string, value: JValue): number {
  return sizeOf(value) + memberKeyCost(o, key);
}

/** Deep copy (iterative). */
export function deepCopy(root: JValue): JValue {
  if (!isContainer(root)) return root;
  const out: JValue = root instanceof JObj ? new JObj() : [];
  const stack: [JObj | JValue[], JObj | JValue[]][] = [[root, out]];
  while (stack.length > 0) {
    const [src, dst] = stack.pop()!;
    const vals = src instanceof JObj ? src.vals : src;
    const copies: JValue[] = new Array(vals.length);
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      if (isContainer(v)) {
        const c: JObj | JValue[] = v instanceof JObj ? new JObj() : [];
        stack.push([v, c]);
        copies[i] = c;
      } else copies[i] = v;
    }
    if (dst instanceof JObj) {
      dst.shareKeysOf(src as JObj);
      dst.vals = copies;
    } else {
      for (const c of copies) dst.push(c);
    }
  }
  return out;
}

/** Depth as JSON.DEBUG DEPTH counts it: a scalar or an empty container is 0, else 1 + the deepest child. */
export function depthOf(root: JValue): number {
  let max = 0;
  const stack: [JValue, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    const vals = v instanceof JObj ? v.vals : Array.isArray(v) ? v : null;
    if (vals === null || vals.length === 0) {
      if (d > max) max = d;
      continue;
    }
    for (const c of vals) stack.push([c, d + 1]);
  }
  return max;
}

/** Number of values in a subtree, the value itself included. */
export function countValues(root: JValue): number {
  let n = 0;
  const stack: JValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    n++;
    if (v instanceof JObj) { for (const c of v.vals) stack.push(c); }
    else if (Array.isArray(v)) { for (const c of v) stack.push(c); }
  }
  return n;
}

/** JSON equality as JSON.ARRINDEX uses it (numbers by value, so 1 equals 1.0; objects member-wise, in any order). */
export function jsonEquals(a: JValue, b: JValue): boolean {
  const stack: [JValue, JValue][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (isNumber(x) || isNumber(y)) {
      if (!isNumber(x) || !isNumber(y)) return false;
      if (numValue(x) !== numValue(y)) return false;
      continue;
    }
    if (x === y) continue;
    if (x instanceof JObj) {
      if (!(y instanceof JObj) || x.size !== y.size) return false;
      for (let i = 0; i < x.keys.length; i++) {
        const other = y.get(x.keys[i]!);
        if (other === undefined) return false;
        stack.push([x.vals[i]!, other]);
      }
      continue;
    }
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i]!, y[i]!]);
      continue;
    }
    return false;
  }
  return true;
}
