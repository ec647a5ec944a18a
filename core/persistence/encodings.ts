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

const dec = new TextEncoder();

/** Thrown for malformed serialized data (the loaders turn it into Valkey's errors). */
export class FormatError extends Error {}

function fail(msg: string): never {
  throw new FormatError(msg);
}

/** Decimal bytes of an integer. */
function intText(v: number | bigint): Uint8Array {
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
    const iv = strictInt64(s);
    if (iv !== null) return this.appendInt(iv);
    this.appendString(s);
  }

  /** Appends a string entry as a string. */
  appendString(s: Uint8Array): void {
    const n = s.length;
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
    b.set(s, this.#len);
    this.#len += n;
    this.#backlen(this.#len - start);
    this.#count++;
  }

  /** The finished listpack (the builder must not be used afterwards). */
  finish(): Uint8Array {
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
    return b.subarray(0, total);
  }
}

/** A Valkey listpack of `elements`. */
export function encodeListpack(elements: Iterable<Uint8Array>): Uint8Array {
  const lb = new ListpackBuilder();
  for (const e of elements) lb.append(e);
  return lb.finish();
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
  if (b.length < 7) fail("listpack too short");
  const total = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 16777216);
  if (total !== b.length) fail("listpack size mismatch");
  const declared = b[4]! | (b[5]! << 8);
  const out: Uint8Array[] = [];
  let p = 6;
  for (;;) {
    if (p >= b.length) fail("listpack without terminator");
    const c = b[p]!;
    if (c === 0xff) break;
    let entry: Uint8Array;
    let hdr: number;
    let len: number;
    if ((c & 0x80) === 0) {
      entry = intText(c);
      hdr = 1;
      len = 0;
    } else if ((c & 0xc0) === 0x80) {
      hdr = 1;
      len = c & 0x3f;
      entry = b.subarray(p + 1, p + 1 + len);
    } else if ((c & 0xe0) === 0xc0) {
      const u = ((c & 0x1f) << 8) | b[p + 1]!;
      entry = intText(u >= 4096 ? u - 8192 : u);
      hdr = 2;
      len = 0;
    } else if ((c & 0xf0) === 0xe0) {
      hdr = 2;
      len = ((c & 0x0f) << 8) | b[p + 1]!;
      entry = b.subarray(p + 2, p + 2 + len);
    } else if (c === 0xf0) {
      hdr = 5;
      len = b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! * 16777216);
      entry = b.subarray(p + 5, p + 5 + len);
    } else if (c >= 0xf1 && c <= 0xf4) {
      const width = c === 0xf1 ? 2 : c === 0xf2 ? 3 : c === 0xf3 ? 4 : 8;
      if (p + 1 + width > b.length) fail("listpack entry out of bounds");
      entry = intText(readIntLE(b, p + 1, width));
      hdr = 1 + width;
      len = 0;
    } else {
      fail("bad listpack entry encoding");
    }
    const encLen = hdr + len;
    if (p + encLen > b.length - 1) fail("listpack entry out of bounds");
    p += encLen + backlenSize(encLen);
    out.push(entry);
  }
  if (p !== b.length - 1) fail("listpack terminator before the end");
  if (declared !== 65535 && declared !== out.length) fail("listpack count mismatch");
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Ziplist and zipmap (read only)
// ---------------------------------------------------------------------------------------------------------

/** The elements of a ziplist (Redis <= 6.2), integers as decimal text. */
export function decodeZiplist(b: Uint8Array): Uint8Array[] {
  if (b.length < 11) fail("ziplist too short");
  const total = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 16777216);
  if (total !== b.length) fail("ziplist size mismatch");
  const out: Uint8Array[] = [];
  let p = 10;
  for (;;) {
    if (p >= b.length) fail("ziplist without terminator");
    if (b[p] === 0xff) break;
    p += b[p] === 0xfe ? 5 : 1; // prevlen
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
  }
  if (p !== b.length - 1) fail("ziplist terminator before the end");
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
