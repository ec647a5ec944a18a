/**
 * The packed ("tape") encoding of small JSON documents: one flat JavaScript string per document.
 *
 * Why
 * ---
 * As a tree (document.ts) every JSON node is a JavaScript object or a slot holding one: a 470-byte product
 * document of 12 members, three nested objects and a 3-element array costs about 910 bytes of V8 heap (and
 * about 1,080 by document.ts's accounting) against about 500 for the same text in a string. Like Valkey's
 * listpack for small hashes, documents up to {@link TAPE_MAX} characters are kept instead as one string
 * laid out as a pre-order "tape" that reads can walk without building anything.
 *
 * Why a string and not a Uint8Array: on Deno (V8) a one-byte string costs its 16-byte header plus one byte
 * per character, aligned to 8, with nothing outside the heap. A `Uint8Array` costs a JSTypedArray and a
 * JSArrayBuffer on the heap (about 250 bytes together) plus a separately allocated backing store
 * (measured: 100k 480-byte values cost 552 B/doc of heap as strings in a 3-field holder, 256 B heap +
 * 480 B external as Uint8Arrays; on Bun 766 vs 1,085 B of RSS per doc). Strings are also immutable, so a
 * COPY shares the tape and a write builds a new one.
 *
 * Layout
 * ------
 * Every "unit" is one UTF-16 code unit of the string. Structure uses units 0..255 only; member names and
 * string values are stored as their own code units, unescaped (so reading one is a `slice`, no UTF-8
 * decoding). A document whose text is all Latin-1 is therefore a one-byte string (1 byte per unit); any
 * character above U+00FF makes V8 store the whole tape with 2 bytes per unit (still no worse than the tree,
 * whose strings hold the same characters).
 *
 * ```
 *   value := NULL | TRUE | FALSE                       1 unit
 *          | NUM vlen text                             number text exactly as written ("0.3000000", "1E5")
 *          | DBL vlen text                             integer-looking text typed "number" (a result of
 *                                                       arithmetic on doubles, e.g. 1.5 + 0.5 = "2")
 *          | STR vlen chars                            the string's code units
 *          | ARR vcount vbody value{count}
 *          | OBJ vcount vbody (vlen name value){count}  members in insertion order
 *   vX    := a varint: 7 bits per unit, least significant first, 0x80 = more units follow
 * ```
 *
 * `vbody` is the number of units after the container's header, so any subtree is skipped in O(1): a path
 * walk visits only the members and elements on its way (member lookup is a linear scan of the names, as
 * in a listpack; element `i` costs i skips). A node is named by the offset of its tag unit (`TapeOps`,
 * node.ts's interface), so path.ts's selector, JSON.GET/TYPE/STRLEN/OBJLEN/OBJKEYS/ARRLEN/ARRINDEX/RESP,
 * JSON.MGET and JSON.DEBUG run on the tape directly.
 *
 * Memory arithmetic (64-bit V8 without pointer compression, as Deno)
 * ------------------------------------------------------------------
 * ```
 *   JsonDoc holder        48   map, properties, elements + 3 fields (tape, root, size)
 *   string header         16   map, hash, length
 *   tape                  n    units, ×2 when any unit > 0xFF; padded to 8
 *   per node              tag 1 + varints: scalars 2-3 units + text; containers 3-5; members + name (+1)
 * ```
 * The 463-byte product document of bench/json.ts becomes a 424-unit tape: 48 + 16 + 424 = 488 bytes (+ the
 * keyspace's 32-byte module wrapper), against 1,080 tracked as a tree; the JSON text itself is 463 (the
 * tape drops quotes, commas, colons and brackets and adds 2-3 units of tag and length per value). The
 * accounting ({@link tapeCost}) is exactly this arithmetic, and MEMORY USAGE / JSON.DEBUG MEMORY / INFO
 * report it. Measured with 100k such documents (`deno task bench --only json`): used_memory grows 582
 * bytes per document (1,164 as trees; 507 for the same text as a plain string).
 *
 * Writes and the threshold
 * ------------------------
 * Strings cannot change, so a write builds a new tape: O(document). JSON.SET replacing one value splices
 * the new value's tape between two slices of the old one and rewrites the headers of its ancestors
 * ({@link spliceTape}: O(depth) header work + one native copy); other writes decode the tape to a tree,
 * modify it and encode it back. That is cheap for small documents and would hurt large ones, so:
 *
 * - a document is a tape while its tape has at most {@link TAPE_MAX} (4,096) units: decode + encode of a
 *   4 KiB document costs tens of µs; a splice a few µs; array element `i` at most a few thousand skips;
 * - above it the document is a tree (document.ts), whose writes cost O(path + change);
 * - a tree goes back to a tape once its tracked tree size drops to {@link TREE_TO_TAPE} (2,048 bytes).
 *   Tree accounting is at least ~1.3× the tape length for real documents, so such a tape is well under
 *   TAPE_MAX, and the gap between the two bounds keeps a document near the limit from switching on every
 *   write (hysteresis, like the listpack ↔ hashtable conversions, which only go one way in Valkey).
 *
 * @module
 */

import { isIntegerText, JNum, JObj, type JType, type JValue } from "./document.ts";
import { K_ARRAY, K_BOOL, K_NULL, K_NUMBER, K_OBJECT, K_STRING, type Kind, type NodeOps } from "./node.ts";
import { isCompact, type PrintFormat, quote } from "./serializer.ts";

export const T_NULL = 1;
export const T_TRUE = 2;
export const T_FALSE = 3;
export const T_NUM = 4;
export const T_DBL = 5;
export const T_STR = 6;
export const T_ARR = 7;
export const T_OBJ = 8;

/** Largest tape, in units, kept as a tape (see the head of this file). */
export const TAPE_MAX = 4096;
/** A tree document goes back to a tape when its tracked size is at most this (bytes). */
export const TREE_TO_TAPE = 2048;

// ---- reading ----

/** Position after the last varint read by {@link varint}. */
let rp = 0;

/** Reads the varint at `p`; leaves the position after it in `rp`. */
function varint(s: string, p: number): number {
  let c = s.charCodeAt(p++);
  if (c < 0x80) {
    rp = p;
    return c;
  }
  let v = c & 0x7f, mul = 128;
  for (;;) {
    c = s.charCodeAt(p++);
    v += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 128;
  }
  rp = p;
  return v;
}

/** The offset just after the node at `off`. */
export function nodeEnd(s: string, off: number): number {
  const t = s.charCodeAt(off);
  if (t <= T_FALSE) return off + 1;
  if (t <= T_STR) {
    const len = varint(s, off + 1);
    return rp + len;
  }
  varint(s, off + 1);
  const body = varint(s, rp);
  return rp + body;
}

/** The text of a NUM / DBL / STR node. */
export function nodeText(s: string, off: number): string {
  const len = varint(s, off + 1);
  return s.slice(rp, rp + len);
}

/** The count of an ARR / OBJ node. */
function count(s: string, off: number): number {
  return varint(s, off + 1);
}

/** The offset of the first child of an ARR / OBJ node (after its header). */
function bodyStart(s: string, off: number): number {
  varint(s, off + 1);
  varint(s, rp);
  return rp;
}

export function tagOf(s: string, off: number): number {
  return s.charCodeAt(off);
}

/** JSON.TYPE of a node. */
export function typeAt(s: string, off: number): JType {
  switch (s.charCodeAt(off)) {
    case T_NULL:
      return "null";
    case T_TRUE:
    case T_FALSE:
      return "boolean";
    case T_NUM:
      return isIntegerText(nodeText(s, off)) ? "integer" : "number";
    case T_DBL:
      return "number";
    case T_STR:
      return "string";
    case T_ARR:
      return "array";
    default:
      return "object";
  }
}

/** {@link NodeOps} over a tape: a node is the offset of its tag. */
export class TapeOps implements NodeOps<number> {
  constructor(readonly s: string) {}

  kind(n: number): Kind {
    switch (this.s.charCodeAt(n)) {
      case T_NULL:
        return K_NULL;
      case T_TRUE:
      case T_FALSE:
        return K_BOOL;
      case T_NUM:
      case T_DBL:
        return K_NUMBER;
      case T_STR:
        return K_STRING;
      case T_ARR:
        return K_ARRAY;
      default:
        return K_OBJECT;
    }
  }

  children(n: number): { keys: string[] | null; vals: number[] } {
    const s = this.s;
    const isObj = s.charCodeAt(n) === T_OBJ;
    const c = count(s, n);
    let p = bodyStart(s, n);
    const keys: string[] | null = isObj ? new Array(c) : null;
    const vals: number[] = new Array(c);
    for (let i = 0; i < c; i++) {
      if (keys !== null) {
        const len = varint(s, p);
        keys[i] = s.slice(rp, rp + len);
        p = rp + len;
      }
      vals[i] = p;
      p = nodeEnd(s, p);
    }
    return { keys, vals };
  }

  get(n: number, key: string): number | undefined {
    const s = this.s;
    const c = count(s, n);
    let p = bodyStart(s, n);
    const kl = key.length;
    for (let i = 0; i < c; i++) {
      const len = varint(s, p);
      const at = rp;
      p = at + len;
      if (len === kl && s.startsWith(key, at)) return p;
      p = nodeEnd(s, p);
    }
    return undefined;
  }

  at(n: number, i: number): number | undefined {
    const s = this.s;
    if (i < 0 || i >= count(s, n)) return undefined;
    let p = bodyStart(s, n);
    for (let k = 0; k < i; k++) p = nodeEnd(s, p);
    return p;
  }

  length(n: number): number {
    return count(this.s, n);
  }

  value(n: number): JValue {
    return decode(this.s, n);
  }

  /** Member names of an object node. */
  keys(n: number): string[] {
    return this.children(n).keys ?? [];
  }
}

/** Visits the subtree at `off` in pre-order with each node's depth (the node itself at `depth`). */
function walk(s: string, off: number, visit: (n: number, depth: number) => void): void {
  // frames: [remaining children, is object]; depth = stack length
  const left: number[] = [];
  const objs: boolean[] = [];
  let p = off;
  for (;;) {
    const d = left.length;
    visit(p, d);
    const t = s.charCodeAt(p);
    if ((t === T_ARR || t === T_OBJ) && count(s, p) > 0) {
      left.push(count(s, p));
      objs.push(t === T_OBJ);
      p = bodyStart(s, p);
    } else {
      p = nodeEnd(s, p);
      // close finished containers
      while (left.length > 0 && --left[left.length - 1]! === 0) {
        left.pop();
        objs.pop();
      }
      if (left.length === 0) return;
    }
    if (objs[objs.length - 1]) {
      const len = varint(s, p);
      p = rp + len;
    }
  }
}

/** Number of values in a subtree, the value itself included (document.ts's countValues on a tape). */
export function countAt(s: string, off: number): number {
  let n = 0;
  walk(s, off, () => n++);
  return n;
}

/** JSON.DEBUG DEPTH of a subtree: the deepest node's depth below it. */
export function depthAt(s: string, off: number): number {
  let max = 0;
  walk(s, off, (_n, d) => {
    if (d > max) max = d;
  });
  return max;
}

/** Bytes one unit of this tape costs: 1, or 2 once any unit is above 0xFF. */
export function unitBytes(s: string): 1 | 2 {
  // deno-lint-ignore no-control-regex
  return /[^\u0000-\u00ff]/.test(s) ? 2 : 1;
}

/** Bytes a tape string costs (header + units, padded to 8). */
export function tapeCost(s: string): number {
  return tapeCostOf(s.length, unitBytes(s));
}

/** {@link tapeCost} of a tape of `length` units stored with `width` bytes per unit. */
export function tapeCostOf(length: number, width: 1 | 2): number {
  return 16 + ((width * length + 7) & ~7);
}

/** Bytes a subtree takes inside its tape. */
export function nodeCost(s: string, off: number): number {
  return (nodeEnd(s, off) - off) * unitBytes(s);
}

// ---- decoding to a tree ----

/** The subtree at `off` as a tree (document.ts). Iterative: any depth. */
export function decode(s: string, off = 0): JValue {
  // `key`: the member name the container gets in its parent
  type Frame = { obj: JObj | null; arr: JValue[] | null; left: number; key: string };
  const stack: Frame[] = [];
  let p = off;
  for (;;) {
    let key = "";
    const top = stack[stack.length - 1];
    if (top?.obj) {
      const len = varint(s, p);
      key = s.slice(rp, rp + len);
      p = rp + len;
    }
    const t = s.charCodeAt(p);
    let v: JValue;
    switch (t) {
      case T_NULL:
        v = null;
        p++;
        break;
      case T_TRUE:
        v = true;
        p++;
        break;
      case T_FALSE:
        v = false;
        p++;
        break;
      case T_NUM:
      case T_DBL:
      case T_STR: {
        const len = varint(s, p + 1);
        const text = s.slice(rp, rp + len);
        p = rp + len;
        v = t === T_STR ? text : numFromTapeText(text, t === T_DBL);
        break;
      }
      default: {
        const c = count(s, p);
        const next = bodyStart(s, p);
        const frame: Frame = t === T_OBJ
          ? { obj: new JObj(), arr: null, left: c, key }
          : { obj: null, arr: [], left: c, key };
        if (c > 0) {
          stack.push(frame);
          p = next;
          continue;
        }
        p = next;
        v = frame.obj ?? frame.arr!;
      }
    }
    // attach, closing finished containers
    for (;;) {
      const f = stack[stack.length - 1];
      if (f === undefined) return v;
      if (f.obj) f.obj.set(key, v);
      else f.arr!.push(v);
      if (--f.left > 0) break;
      stack.pop();
      // not sealed: names here are slices of the tape, kept out of document.ts's shared shapes
      v = f.obj ?? f.arr!;
      key = f.key;
    }
  }
}

function numFromTapeText(text: string, double: boolean): number | JNum {
  if (double) return new JNum(text, true);
  const n = Number(text);
  return String(n) === text ? n : new JNum(text);
}

// ---- encoding a tree ----

let buf = new Uint16Array(8192);
let n = 0;
/** Container headers in pre-order: position in `buf` where the header goes, count, body length. */
const hPos: number[] = [];
const hCount: number[] = [];
const hBody: number[] = [];

function room(k: number): void {
  if (n + k <= buf.length) return;
  let size = buf.length * 2;
  while (size < n + k) size *= 2;
  const b = new Uint16Array(size);
  b.set(buf.subarray(0, n));
  buf = b;
}

function putVarint(v: number): void {
  room(8);
  while (v >= 0x80) {
    buf[n++] = 0x80 | (v % 128);
    v = Math.floor(v / 128);
  }
  buf[n++] = v;
}

function varintLength(v: number): number {
  let k = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    k++;
  }
  return k;
}

function putText(tag: number, text: string): void {
  room(1);
  buf[n++] = tag;
  putVarint(text.length);
  room(text.length);
  for (let i = 0; i < text.length; i++) buf[n++] = text.charCodeAt(i);
}

function putScalar(v: JValue): void {
  room(1);
  if (v === null) buf[n++] = T_NULL;
  else if (v === true) buf[n++] = T_TRUE;
  else if (v === false) buf[n++] = T_FALSE;
  else if (typeof v === "number") putText(T_NUM, String(v));
  else if (typeof v === "string") putText(T_STR, v);
  else {
    const j = v as JNum;
    putText(j.double ? T_DBL : T_NUM, j.text);
  }
}

/** The tape of a scalar. */
function scalarTape(v: JValue): string {
  if (v === null) return NULL_TAPE;
  if (v === true) return TRUE_TAPE;
  if (v === false) return FALSE_TAPE;
  let tag = T_NUM, text: string;
  if (typeof v === "number") text = String(v);
  else if (typeof v === "string") {
    tag = T_STR;
    text = v;
  } else {
    const j = v as JNum;
    if (j.double) tag = T_DBL;
    text = j.text;
  }
  return String.fromCharCode(tag) + varintUnits(text.length) + text;
}

const NULL_TAPE = String.fromCharCode(T_NULL);
const TRUE_TAPE = String.fromCharCode(T_TRUE);
const FALSE_TAPE = String.fromCharCode(T_FALSE);

/**
 * The tape of a tree value, or null when it would be longer than `limit` units. Iterative: any depth.
 */
export function encode(root: JValue, limit = Infinity): string | null {
  if (!(root instanceof JObj || Array.isArray(root))) {
    const t = scalarTape(root);
    return t.length > limit ? null : flat(t);
  }
  n = 0;
  hPos.length = 0;
  hCount.length = 0;
  hBody.length = 0;
  let extra = 0; // header units still to insert
  type Frame = { keys: string[] | null; vals: JValue[]; i: number; h: number; pos: number; extra0: number };
  const stack: Frame[] = [];
  const open = (v: JObj | JValue[]): void => {
    room(1);
    buf[n++] = v instanceof JObj ? T_OBJ : T_ARR;
    const h = hPos.length;
    hPos.push(n);
    hCount.push(0);
    hBody.push(0);
    const keys = v instanceof JObj ? v.keys : null;
    const vals = v instanceof JObj ? v.vals : v;
    stack.push({ keys, vals, i: 0, h, pos: n, extra0: extra });
  };
  const put = (v: JValue): void => {
    if (v instanceof JObj || Array.isArray(v)) open(v);
    else putScalar(v);
  };
  put(root);
  while (stack.length > 0) {
    if (n + extra > limit) return null;
    const f = stack[stack.length - 1]!;
    if (f.i < f.vals.length) {
      if (f.keys !== null) {
        const k = f.keys[f.i]!;
        putVarint(k.length);
        room(k.length);
        for (let i = 0; i < k.length; i++) buf[n++] = k.charCodeAt(i);
      }
      put(f.vals[f.i++]!);
      continue;
    }
    stack.pop();
    const body = n - f.pos + (extra - f.extra0);
    hCount[f.h] = f.vals.length;
    hBody[f.h] = body;
    extra += varintLength(f.vals.length) + varintLength(body);
  }
  const total = n + extra;
  if (total > limit) return null;
  if (hPos.length === 0) return units(buf, 0, n);
  // interleave the headers
  const out = new Uint16Array(total);
  let o = 0, prev = 0;
  for (let h = 0; h < hPos.length; h++) {
    const at = hPos[h]!;
    out.set(buf.subarray(prev, at), o);
    o += at - prev;
    prev = at;
    for (const v of [hCount[h]!, hBody[h]!]) {
      let x = v;
      while (x >= 0x80) {
        out[o++] = 0x80 | (x % 128);
        x = Math.floor(x / 128);
      }
      out[o++] = x;
    }
  }
  out.set(buf.subarray(prev, n), o);
  return units(out, 0, total);
}

const CHUNK = 8192;

/** A flat string of code units (one-byte when every unit is ≤ 0xFF). */
function units(b: Uint16Array, from: number, to: number): string {
  if (to - from <= CHUNK) return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  const parts: string[] = [];
  for (let i = from; i < to; i += CHUNK) {
    parts.push(
      String.fromCharCode.apply(null, b.subarray(i, Math.min(to, i + CHUNK)) as unknown as number[]),
    );
  }
  return flat(parts.join(""));
}

/** Makes sure a string built by concatenation is stored flat (not as a rope over its parts). */
export function flat(s: string): string {
  // Reading a unit flattens a rope (V8 ConsString, JSC rope) in place; the collector then drops the
  // wrapper, so the tape does not keep the strings it was cut from alive.
  s.charCodeAt(0);
  return s;
}

// ---- splicing: replacing one node without decoding ----

/** The one-unit strings 0..255, so that building a header does not create a string per unit. */
const UNITS: string[] = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));

function varintUnits(v: number): string {
  if (v < 0x80) return UNITS[v]!;
  if (v < 0x4000) return UNITS[0x80 | (v & 0x7f)]! + UNITS[v >>> 7]!;
  let out = "";
  while (v >= 0x80) {
    out += String.fromCharCode(0x80 | (v % 128));
    v = Math.floor(v / 128);
  }
  return out + String.fromCharCode(v);
}

/**
 * A new tape where units [start, end) of `s` are replaced by `insert`, the containers in `chain` (offsets,
 * root first, each holding the next; the last holds the replaced range) get their body lengths fixed and
 * the last one's count changed by `countDelta`. O(depth) work on headers plus one copy of the document.
 */
export function spliceTape(
  s: string,
  chain: number[],
  start: number,
  end: number,
  insert: string,
  countDelta = 0,
): string {
  let delta = insert.length - (end - start);
  const from: number[] = new Array(chain.length);
  const to: number[] = new Array(chain.length);
  const hdr: string[] = new Array(chain.length);
  for (let k = chain.length - 1; k >= 0; k--) {
    const a = chain[k]!;
    const c = varint(s, a + 1);
    const body = varint(s, rp);
    from[k] = a + 1;
    to[k] = rp;
    hdr[k] = varintUnits(k === chain.length - 1 ? c + countDelta : c) + varintUnits(body + delta);
    delta += hdr[k]!.length - (to[k]! - from[k]!);
  }
  let out = "";
  let prev = 0;
  for (let k = 0; k < chain.length; k++) {
    out += s.slice(prev, from[k]) + hdr[k];
    prev = to[k]!;
  }
  out += s.slice(prev, start) + insert + s.slice(end);
  return flat(out);
}

/**
 * A new tape with member `key` = `value` (a value's tape) appended to the object at the end of `chain`
 * (offsets of the containers from the root down to that object).
 */
export function appendMember(s: string, chain: number[], key: string, value: string): string {
  const at = nodeEnd(s, chain[chain.length - 1]!);
  return spliceTape(s, chain, at, at, varintUnits(key.length) + key + value, 1);
}

// ---- serializing ----

/** JSON text of the node at `off` (serializer.ts's layout); `level` as in serializer.ts's serialize. */
export function serializeAt(s: string, off: number, f: PrintFormat, level = 0): string {
  return isCompact(f) ? compactAt(s, off) : prettyAt(s, off, f, level);
}

function compactAt(s: string, off: number): string {
  const t = s.charCodeAt(off);
  switch (t) {
    case T_NULL:
      return "null";
    case T_TRUE:
      return "true";
    case T_FALSE:
      return "false";
    case T_NUM:
    case T_DBL:
      return nodeText(s, off);
    case T_STR:
      return quote(nodeText(s, off));
  }
  const c = count(s, off);
  let p = bodyStart(s, off);
  if (t === T_ARR) {
    let out = "[";
    for (let i = 0; i < c; i++) {
      if (i > 0) out += ",";
      out += compactAt(s, p);
      p = nodeEnd(s, p);
    }
    return out + "]";
  }
  let out = "{";
  for (let i = 0; i < c; i++) {
    if (i > 0) out += ",";
    const len = varint(s, p);
    out += quote(s.slice(rp, rp + len)) + ":";
    p = rp + len;
    out += compactAt(s, p);
    p = nodeEnd(s, p);
  }
  return out + "}";
}

function prettyAt(s: string, off: number, f: PrintFormat, level: number): string {
  const t = s.charCodeAt(off);
  if (t !== T_ARR && t !== T_OBJ) return compactAt(s, off);
  const c = count(s, off);
  if (c === 0) return t === T_ARR ? "[]" : "{}";
  let p = bodyStart(s, off);
  const inner = f.indent.repeat(level + 1);
  let out = (t === T_ARR ? "[" : "{") + f.newline;
  for (let i = 0; i < c; i++) {
    if (i > 0) out += "," + f.newline;
    out += inner;
    if (t === T_OBJ) {
      const len = varint(s, p);
      out += quote(s.slice(rp, rp + len)) + ":" + f.space;
      p = rp + len;
    }
    out += prettyAt(s, p, f, level + 1);
    p = nodeEnd(s, p);
  }
  return out + f.newline + f.indent.repeat(level) + (t === T_ARR ? "]" : "}");
}
