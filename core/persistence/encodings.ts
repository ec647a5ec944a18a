/**
 * Valkey's serialized compact encodings, as they appear inside RDB files and DUMP payloads: listpack
 * (written and read), intset (written and read), and the older ziplist and zipmap (read only, for files
 * of Redis before 7.0). Valkyr keeps its own in-memory layouts (core/types/listpack.ts, intset.ts);
 * these functions translate to and from Valkey's bytes.
 *
 * Listpack (Valkey's listpack.c):
 *
 *     | total bytes u32le | count u16le (65535 = unknown) | entry ... | 0xFF |
 *     entry = encoding+payload, then backlen (the size of encoding+payload, 1..5 bytes, 7 bits per
 *             byte, readable from its last byte backwards)
 *     0xxxxxxx            uint 0..127            10LLLLLL + data       string of 0..63 bytes
 *     110xxxxx xxxxxxxx   int13 (big-end)        1110LLLL LLLLLLLL +d  string of 64..4095 bytes
 *     F0 + u32le + data   string                 F1/F2/F3/F4           int16/24/32/64, little-endian
 *
 * Ziplist (Redis <= 6.2): | zlbytes u32 | zltail u32 | zllen u16 | entries | 0xFF |; entry = prevlen
 * (1 byte, or 0xFE + u32), encoding (00LLLLLL, 01LLLLLL LLLLLLLL (big-end), 10000000 + u32be for strings;
 * C0 int16, D0 int32, E0 int64, F0 int24, FE int8, F1..FD immediate 0..12), data.
 *
 * Zipmap (Redis < 2.6 hashes): | count u8 | (len key len free value pad)* | 0xFF |, len = 1 byte, or
 * 0xFE + u32le.
 *
 * Intset: | encoding u32le (2, 4, 8) | length u32le | sorted little-endian signed integers |.
 *
 * @module
 */

import { Listpack } from "../types/listpack.ts";
import type { RdbWriter } from "./rdb_io.ts";

const dec = new TextEncoder();

/** Thrown for malformed serialized data (the loaders turn it into Valkey's errors). */
export class FormatError extends Error {}

function fail(msg: string): never {
  throw new FormatError(msg);
}

/** Decimal bytes of an integer. */
export function intText(v: number | bigint): Uint8Array {
  if (typeof v === "number" && v <= 2147483647 && v >= -2147483648) {
    let n = v < 0 ? 2 : 1;
    for (let x = v < 0 ? -v : v; x >= 10; x = (x / 10) | 0) n++;
    const out = new Uint8Array(n);
    let x = v < 0 ? -v : v;
    for (let i = n - 1; i >= 0; i--) {
      out[i] = 0x30 + (x % 10);
      x = (x / 10) | 0;
    }
    if (v < 0) out[0] = 0x2d;
    return out;
  }
  return dec.encode(String(v));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The int64 a string spells exactly as Valkey's string2ll accepts it for listpack integer encoding
 * (optional '-', no leading zeros, no '+', at most 20 characters, in the int64 range), else null.
 */
export function strictInt64(b: Uint8Array): bigint | null {
  const n = b.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (b[0] === 0x2d) {
    if (n === 1) return null;
    i = 1;
  }
  if (b[i] === 0x30) return n === 1 ? 0n : null;
  for (let k = i; k < n; k++) {
    const c = b[k]!;
    if (c < 0x30 || c > 0x39) return null;
  }
  let s = "";
  for (let k = 0; k < n; k++) s += String.fromCharCode(b[k]!);
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/**
 * strictInt64's digits rule as a number; null if not an integer. Exact for at most 15 characters (always a
 * safe integer); longer ones give a double near the value (enough for isSafeIntText's range check).
 */
function smallInt(b: Uint8Array, start: number, n: number): number | null {
  let i = start;
  const end = start + n;
  let neg = false;
  if (b[i] === 0x2d) {
    if (n === 1) return null;
    neg = true;
    i++;
  }
  const c0 = b[i]!;
  if (c0 === 0x30) return n === 1 ? 0 : null;
  if (c0 < 0x31 || c0 > 0x39) return null;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
  }
  return neg ? -v : v;
}

// ---------------------------------------------------------------------------------------------------------
// Listpack
// ---------------------------------------------------------------------------------------------------------

/** Builds a Valkey listpack from elements appended one by one. */
export class ListpackBuilder {
  #buf = new Uint8Array(256);
  #len = 6;
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Bytes so far, with the end byte (lpBytes). */
  get bytes(): number {
    return this.#len + 1;
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.#buf.subarray(0, this.#len));
    this.#buf = nb;
  }

  #backlen(l: number): void {
    const b = this.#buf;
    if (l <= 127) {
      b[this.#len++] = l;
    } else if (l < 16383) {
      b[this.#len++] = l >>> 7;
      b[this.#len++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[this.#len++] = l >>> 14;
      b[this.#len++] = ((l >>> 7) & 127) | 128;
      b[this.#len++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[this.#len++] = l >>> 21;
      b[this.#len++] = ((l >>> 14) & 127) | 128;
      b[this.#len++] = ((l >>> 7) & 127) | 128;
      b[this.#len++] = (l & 127) | 128;
    } else {
      b[this.#len++] = Math.floor(l / 268435456);
      b[this.#len++] = ((l >>> 21) & 127) | 128;
      b[this.#len++] = ((l >>> 14) & 127) | 128;
      b[this.#len++] = ((l >>> 7) & 127) | 128;
      b[this.#len++] = (l & 127) | 128;
    }
  }

  /** Appends an integer entry. */
  appendInt(v: bigint): void {
    this.#room(14);
    const b = this.#buf;
    const start = this.#len;
    if (v >= 0n && v <= 127n) {
      b[this.#len++] = Number(v);
    } else if (v >= -4096n && v <= 4095n) {
      const u = Number(v) & 0x1fff;
      b[this.#len++] = 0xc0 | (u >>> 8);
      b[this.#len++] = u & 0xff;
    } else {
      let width: number;
      let tag: number;
      if (v >= -32768n && v <= 32767n) [width, tag] = [2, 0xf1];
      else if (v >= -8388608n && v <= 8388607n) [width, tag] = [3, 0xf2];
      else if (v >= -2147483648n && v <= 2147483647n) [width, tag] = [4, 0xf3];
      else [width, tag] = [8, 0xf4];
      b[this.#len++] = tag;
      let u = BigInt.asUintN(64, v);
      for (let k = 0; k < width; k++) {
        b[this.#len++] = Number(u & 0xffn);
        u >>= 8n;
      }
    }
    this.#backlen(this.#len - start);
    this.#count++;
  }

  /** Appends a string entry, stored as an integer when it spells one (as Valkey's lpAppend does). */
  append(s: Uint8Array): void {
    this.appendFrom(s, 0, s.length);
  }

  /** {@link append} of `src[start, start+n)`, without a view of it. */
  appendFrom(src: Uint8Array, start: number, n: number): void {
    const c0 = n > 0 ? src[start]! : 0;
    if ((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x2d) {
      if (n <= 15) {
        const v = smallInt(src, start, n);
        if (v !== null) return this.appendNumber(v);
      } else if (n <= 20) {
        const iv = strictInt64(src.subarray(start, start + n));
        if (iv !== null) return this.appendInt(iv);
      }
    }
    this.appendStringFrom(src, start, n);
  }

  /** Appends an integer entry for a safe integer (no bigint arithmetic). */
  appendNumber(v: number): void {
    if (v > 2147483647 || v < -2147483648) return this.appendInt(BigInt(v));
    this.#room(7);
    const b = this.#buf;
    const start = this.#len;
    if (v >= 0 && v <= 127) {
      b[this.#len++] = v;
    } else if (v >= -4096 && v <= 4095) {
      const u = v & 0x1fff;
      b[this.#len++] = 0xc0 | (u >>> 8);
      b[this.#len++] = u & 0xff;
    } else {
      const width = v >= -32768 && v <= 32767 ? 2 : v >= -8388608 && v <= 8388607 ? 3 : 4;
      b[this.#len++] = width === 2 ? 0xf1 : width === 3 ? 0xf2 : 0xf3;
      for (let k = 0; k < width; k++) b[this.#len++] = (v >> (8 * k)) & 0xff;
    }
    this.#backlen(this.#len - start);
    this.#count++;
  }

  /** Appends a string entry made of the characters of an ASCII string (formatted numbers). */
  appendAscii(s: string): void {
    const n = s.length;
    this.#room(n + 10);
    const b = this.#buf;
    const start = this.#len;
    b[this.#len++] = 0x80 | n; // formatted numbers are short (< 64 characters)
    for (let i = 0; i < n; i++) b[this.#len++] = s.charCodeAt(i);
    this.#backlen(this.#len - start);
    this.#count++;
  }

  /**
   * Appends `count` entries already encoded as Valkey does (`src[from, to)`: encoding, payload and
   * backlen of each).
   */
  appendEncoded(src: Uint8Array, from: number, to: number, count: number): void {
    const n = to - from;
    this.#room(n);
    const b = this.#buf;
    if (n <= 64) {
      for (let i = 0, o = this.#len; i < n; i++) b[o + i] = src[from + i]!;
    } else b.set(src.subarray(from, to), this.#len);
    this.#len += n;
    this.#count += count;
  }

  /** Empties the builder for reuse (its buffer is kept; a previous `finish()` result is overwritten). */
  reset(): void {
    this.#len = 6;
    this.#count = 0;
  }

  /** Appends a string entry as a string. */
  appendString(s: Uint8Array): void {
    this.appendStringFrom(s, 0, s.length);
  }

  /** {@link appendString} of `src[from, from+n)`. */
  appendStringFrom(src: Uint8Array, from: number, n: number): void {
    this.#room(n + 10);
    const b = this.#buf;
    const start = this.#len;
    if (n < 64) {
      b[this.#len++] = 0x80 | n;
    } else if (n < 4096) {
      b[this.#len++] = 0xe0 | (n >>> 8);
      b[this.#len++] = n & 0xff;
    } else {
      b[this.#len++] = 0xf0;
      b[this.#len++] = n & 0xff;
      b[this.#len++] = (n >>> 8) & 0xff;
      b[this.#len++] = (n >>> 16) & 0xff;
      b[this.#len++] = (n >>> 24) & 0xff;
    }
    if (n <= 32) {
      for (let i = 0; i < n; i++) b[this.#len + i] = src[from + i]!;
    } else b.set(src.subarray(from, from + n), this.#len);
    this.#len += n;
    this.#backlen(this.#len - start);
    this.#count++;
  }

  /** The finished listpack (the builder must not be used afterwards, but for {@link reset}). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.finishLength());
  }

  /** The storage of the builder: after {@link finishLength}, the listpack is its first bytes. */
  get data(): Uint8Array {
    return this.#buf;
  }

  /** Finishes the listpack in {@link data}; returns its length. */
  finishLength(): number {
    this.#room(1);
    const b = this.#buf;
    b[this.#len++] = 0xff;
    const total = this.#len;
    b[0] = total & 0xff;
    b[1] = (total >>> 8) & 0xff;
    b[2] = (total >>> 16) & 0xff;
    b[3] = (total >>> 24) & 0xff;
    const c = this.#count > 65534 ? 65535 : this.#count;
    b[4] = c & 0xff;
    b[5] = c >>> 8;
    return total;
  }
}

// The in-memory Listpack (core/types/listpack.ts) uses Valkey's entry encoding without the 6-byte header
// and the end byte, with two differences: integers are only those of the safe-integer range (a longer
// int64 text stays a string; Valkey stores it as an integer), and the backlen of an entry of exactly
// 16383, 2097151 or 268435455 bytes is one byte shorter than Valkey's lpEncodeBacklen makes it. So a
// listpack without such entries is copied as it is in both directions, and one with them is re-encoded
// entry by entry.

/** Valkey's lpEncodeBacklen size for an entry of `l` bytes (encoding + payload). */
function valkeyBacklenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** The in-memory Listpack's backlen size for an entry of `l` bytes. */
function memoryBacklenSize(l: number): number {
  return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
}

/** Size of encoding + payload of the entry at `p` whose first byte is `c` (0 for a bad encoding). */
function entryBodySize(b: Uint8Array, p: number, c: number): number {
  if (c < 0x80) return 1;
  if (c < 0xc0) return 1 + (c & 0x3f);
  if (c < 0xe0) return 2;
  if (c < 0xf0) return 2 + (((c & 0x0f) << 8) | b[p + 1]!);
  switch (c) {
    case 0xf0:
      return 5 + (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) + b[p + 4]! * 16777216;
    case 0xf1:
      return 3;
    case 0xf2:
      return 4;
    case 0xf3:
      return 5;
    case 0xf4:
      return 9;
    default:
      return 0;
  }
}

/** True when `b[start, start+n)` is a string Valkey's listpack would store as an integer (string2ll). */
function spellsInt64(b: Uint8Array, start: number, n: number): boolean {
  if (n === 0 || n > 20) return false;
  const c0 = b[start]!;
  if (c0 !== 0x2d && (c0 < 0x30 || c0 > 0x39)) return false;
  return strictInt64(b.subarray(start, start + n)) !== null;
}

const scratch = new ListpackBuilder();

/** Writes the Valkey listpack of an in-memory Listpack as an RDB string. */
export function writeListpack(w: RdbWriter, lp: Listpack): void {
  const n = listpackToValkey(lp);
  w.stringRange(scratch.data, 0, n);
}

/** Builds the Valkey listpack of an in-memory Listpack in `scratch`; returns its length. */
function listpackToValkey(lp: Listpack): number {
  const b = lp.buf;
  const end = lp.used;
  let same = true;
  for (let p = 0; p < end;) {
    const c = b[p]!;
    const l = entryBodySize(b, p, c);
    if (valkeyBacklenSize(l) !== memoryBacklenSize(l)) {
      same = false;
      break;
    }
    if (c >= 0x80 && c < 0xc0 && l > 16) {
      // Only strings of 16+ characters can spell an int64 the in-memory Listpack keeps as a string.
      if (spellsInt64(b, p + 1, l - 1)) {
        same = false;
        break;
      }
    }
    p += l + memoryBacklenSize(l);
  }
  scratch.reset();
  if (same) scratch.appendEncoded(b, 0, end, lp.count);
  else {
    for (let p = lp.first(); p !== -1; p = lp.next(p)) {
      const v = lp.valueAt(p);
      if (typeof v === "number") scratch.appendNumber(v);
      else scratch.append(v);
    }
  }
  return scratch.finishLength();
}

/**
 * An in-memory Listpack of a Valkey listpack's entries (checked like {@link decodeListpack}). `owned`:
 * `b` is a fresh array the Listpack may keep. Throws FormatError if malformed.
 */
export function listpackFromValkey(b: Uint8Array, owned = false): Listpack {
  if (b.length < 7) fail("listpack too short");
  const total = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 16777216);
  if (total !== b.length) fail("listpack size mismatch");
  const declared = b[4]! | (b[5]! << 8);
  const last = b.length - 1;
  if (b[last] !== 0xff) fail("listpack without terminator");
  let same = true;
  let count = 0;
  let p = 6;
  while (p < last) {
    const c = b[p]!;
    if (c === 0xff) fail("listpack terminator before the end");
    if (c >= 0xe0 && p + 1 >= last) fail("listpack entry out of bounds");
    if (c === 0xf0 && p + 4 >= last) fail("listpack entry out of bounds");
    const l = entryBodySize(b, p, c);
    if (l === 0) fail("bad listpack entry encoding");
    const bl = valkeyBacklenSize(l);
    if (p + l + bl > last) fail("listpack entry out of bounds");
    if (same) {
      if (bl !== memoryBacklenSize(l)) same = false;
      else if (c === 0xf4) {
        const hi = b[p + 5]! | (b[p + 6]! << 8) | (b[p + 7]! << 16) | (b[p + 8]! << 24);
        if (hi > 0x1fffff || hi < -0x1fffff) same = false; // beyond the safe-integer range
      } else if (c >= 0x80 && c < 0xf0) {
        const h = c < 0xc0 ? 1 : c >= 0xe0 ? 2 : 0;
        // A string that spells a safe integer is kept as an integer in memory.
        if (h !== 0 && l - h <= 17 && l - h > 0) {
          const d = b[p + h]!;
          if ((d === 0x2d || (d >= 0x30 && d <= 0x39)) && isSafeIntText(b, p + h, l - h)) same = false;
        }
      }
    }
    if (backlenAt(b, p + l, bl) !== l) fail("listpack bad backlen");
    p += l + bl;
    count++;
  }
  if (declared !== 65535 && declared !== count) fail("listpack count mismatch");
  if (same) {
    const lp = new Listpack(0);
    // A fresh array (a decompressed string) is kept as it is; a view into the file is copied.
    lp.buf = owned ? b.subarray(6, last) : b.slice(6, last);
    lp.used = last - 6;
    lp.count = count;
    return lp;
  }
  const lp = new Listpack(last - 6);
  for (const e of decodeListpackMixed(b)) lp.append(e);
  return lp;
}

/** True when `b[start, start+n)` is a canonical decimal safe integer (the in-memory Listpack's rule). */
function isSafeIntText(b: Uint8Array, start: number, n: number): boolean {
  if (n > 17) return false;
  const v = smallInt(b, start, n);
  return v !== null && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
}

/** A Valkey listpack of `elements`. */
export function encodeListpack(elements: Iterable<Uint8Array>): Uint8Array {
  const lb = new ListpackBuilder();
  for (const e of elements) lb.append(e);
  return lb.finish();
}

/** The entry size a backlen of `bl` bytes at `at` records (it must equal the entry's encoding + payload). */
function backlenAt(b: Uint8Array, at: number, bl: number): number {
  let back = b[at]! & 0x7f;
  for (let k = 1; k < bl; k++) back = back * 128 + (b[at + k]! & 0x7f);
  return back;
}

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function readIntLE(b: Uint8Array, at: number, width: number): bigint {
  let u = 0n;
  for (let k = width - 1; k >= 0; k--) u = (u << 8n) | BigInt(b[at + k]!);
  return BigInt.asIntN(width * 8, u);
}

/** The elements of a Valkey listpack, integers as their decimal text. Throws FormatError if malformed. */
export function decodeListpack(b: Uint8Array): Uint8Array[] {
  const vals = decodeListpackMixed(b);
  const out: Uint8Array[] = new Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    out[i] = typeof v === "number" ? intText(v) : v;
  }
  return out;
}

/**
 * The elements of a Valkey listpack: strings as views, integers of the safe-integer range as numbers
 * (wider ones as their decimal text). Throws FormatError if malformed.
 */
export function decodeListpackMixed(b: Uint8Array): (Uint8Array | number)[] {
  if (b.length < 7) fail("listpack too short");
  const total = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 16777216);
  if (total !== b.length) fail("listpack size mismatch");
  const declared = b[4]! | (b[5]! << 8);
  const out: (Uint8Array | number)[] = [];
  const last = b.length - 1;
  let p = 6;
  for (;;) {
    if (p > last) fail("listpack without terminator");
    const c = b[p]!;
    if (c === 0xff) break;
    if ((c >= 0xe0 && p + 1 >= last) || (c === 0xf0 && p + 4 >= last)) fail("listpack entry out of bounds");
    const l = entryBodySize(b, p, c);
    if (l === 0) fail("bad listpack entry encoding");
    if (p + l > last) fail("listpack entry out of bounds");
    if (c < 0x80) out.push(c);
    else if (c < 0xc0) out.push(b.subarray(p + 1, p + l));
    else if (c < 0xe0) out.push(((((c & 0x1f) << 8) | b[p + 1]!) << 19) >> 19);
    else if (c < 0xf0) out.push(b.subarray(p + 2, p + l));
    else if (c === 0xf0) out.push(b.subarray(p + 5, p + l));
    else if (c === 0xf1) out.push(((b[p + 1]! | (b[p + 2]! << 8)) << 16) >> 16);
    else if (c === 0xf2) out.push(((b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) << 8) >> 8);
    else if (c === 0xf3) out.push(b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24));
    else {
      const v = readIntLE(b, p + 1, 8);
      out.push(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : intText(v));
    }
    const bl = backlenSize(l);
    if (p + l + bl > last) fail("listpack entry out of bounds");
    if (backlenAt(b, p + l, bl) !== l) fail("listpack bad backlen");
    p += l + bl;
  }
  if (p !== last) fail("listpack terminator before the end");
  if (declared !== 65535 && declared !== out.length) fail("listpack count mismatch");
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Ziplist and zipmap (read only)
// ---------------------------------------------------------------------------------------------------------

/**
 * The elements of a ziplist (Redis <= 6.2), integers as decimal text. Checked whole, as Valkey's deep
 * ziplistValidateIntegrity: the header's size, tail offset and count (unless 65535), each entry's
 * encoding and bounds, and each entry's prevlen against the previous entry's size.
 */
export function decodeZiplist(b: Uint8Array): Uint8Array[] {
  if (b.length < 11) fail("ziplist too short");
  const total = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 16777216);
  if (total !== b.length) fail("ziplist size mismatch");
  const tail = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! * 16777216);
  const declared = b[8]! | (b[9]! << 8);
  const out: Uint8Array[] = [];
  let p = 10;
  let lastStart = 10;
  let prevSize = 0;
  for (;;) {
    if (p >= b.length) fail("ziplist without terminator");
    if (b[p] === 0xff) break;
    const start = p;
    let prevlen: number;
    if (b[p] === 0xfe) {
      if (p + 5 >= b.length) fail("ziplist entry out of bounds");
      prevlen = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! * 16777216);
      p += 5;
    } else {
      prevlen = b[p]!;
      p += 1;
    }
    if (prevlen !== prevSize) fail("ziplist bad prevlen");
    if (p >= b.length) fail("ziplist entry out of bounds");
    const c = b[p]!;
    const kind = c >> 6;
    let entry: Uint8Array;
    if (kind === 0) {
      const len = c & 0x3f;
      entry = b.subarray(p + 1, p + 1 + len);
      p += 1 + len;
    } else if (kind === 1) {
      const len = ((c & 0x3f) << 8) | b[p + 1]!;
      entry = b.subarray(p + 2, p + 2 + len);
      p += 2 + len;
    } else if (kind === 2) {
      const len = b[p + 1]! * 16777216 + ((b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!);
      entry = b.subarray(p + 5, p + 5 + len);
      p += 5 + len;
    } else if (c === 0xc0) {
      entry = intText(readIntLE(b, p + 1, 2));
      p += 3;
    } else if (c === 0xd0) {
      entry = intText(readIntLE(b, p + 1, 4));
      p += 5;
    } else if (c === 0xe0) {
      entry = intText(readIntLE(b, p + 1, 8));
      p += 9;
    } else if (c === 0xf0) {
      entry = intText(readIntLE(b, p + 1, 3));
      p += 4;
    } else if (c === 0xfe) {
      entry = intText(readIntLE(b, p + 1, 1));
      p += 2;
    } else if (c >= 0xf1 && c <= 0xfd) {
      entry = intText((c & 0x0f) - 1);
      p += 1;
    } else {
      fail("bad ziplist entry encoding");
    }
    if (p > b.length - 1) fail("ziplist entry out of bounds");
    out.push(entry);
    lastStart = start;
    prevSize = p - start;
  }
  if (p !== b.length - 1) fail("ziplist terminator before the end");
  if (tail !== lastStart) fail("ziplist bad tail offset");
  if (declared !== 65535 && declared !== out.length) fail("ziplist count mismatch");
  return out;
}

/** The fields and values of a zipmap (Redis < 2.6), alternating. */
export function decodeZipmap(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= b.length) fail("zipmap out of bounds");
    const c = b[p]!;
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c === 254) {
      const l = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! * 16777216);
      p += 5;
      return l;
    }
    fail("bad zipmap length");
  };
  for (;;) {
    if (p >= b.length) fail("zipmap without terminator");
    if (b[p] === 0xff) break;
    const klen = readLen();
    const key = b.subarray(p, p + klen);
    p += klen;
    const vlen = readLen();
    const free = b[p++]!;
    const val = b.subarray(p, p + vlen);
    p += vlen + free;
    if (p > b.length - 1) fail("zipmap entry out of bounds");
    out.push(key, val);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Intset
// ---------------------------------------------------------------------------------------------------------

/** An intset blob of `values` (sorted and deduplicated here). */
export function encodeIntset(values: bigint[]): Uint8Array {
  const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of sorted) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const out = new Uint8Array(8 + width * sorted.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, width, true);
  dv.setUint32(4, sorted.length, true);
  let p = 8;
  for (const v of sorted) {
    if (width === 2) dv.setInt16(p, Number(v), true);
    else if (width === 4) dv.setInt32(p, Number(v), true);
    else dv.setBigInt64(p, v, true);
    p += width;
  }
  return out;
}

/** The members of an intset blob, as decimal text. */
export function decodeIntset(b: Uint8Array): Uint8Array[] {
  if (b.length < 8) fail("intset too short");
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const width = dv.getUint32(0, true);
  const n = dv.getUint32(4, true);
  if ((width !== 2 && width !== 4 && width !== 8) || 8 + width * n !== b.length) fail("bad intset");
  const out: Uint8Array[] = [];
  for (let i = 0, p = 8; i < n; i++, p += width) {
    const v = width === 2
      ? dv.getInt16(p, true)
      : width === 4
      ? dv.getInt32(p, true)
      : dv.getBigInt64(p, true);
    out.push(intText(v));
  }
  return out;
}
