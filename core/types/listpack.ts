/**
 * Listpack: a compact sequence of small strings and integers packed into one `Uint8Array`.
 *
 * Small hashes, sets and sorted sets, and the nodes of quicklists, keep their elements here instead of
 * in one JS object per element (a JS string or Uint8Array costs 50+ bytes of header; a listpack entry
 * costs 2 bytes plus its payload). Operations are O(n) in the entries walked, which is what Valkey
 * accepts for these encodings too: the collections convert to hash tables past their thresholds.
 *
 * Entry layout
 * ------------
 *
 *     +----------+-----------------+---------+
 *     | header   | payload         | backlen |      one entry; entries follow each other
 *     +----------+-----------------+---------+
 *
 *     header byte       meaning                              payload
 *     0xxxxxxx          integer 0..127 (in the header)       -
 *     10llllll          string of 0..63 bytes                the bytes
 *     110xxxxx + 1 B    integer, 13-bit signed               (second header byte)
 *     1110llll + 1 B    string of 64..4095 bytes (12 bits)   the bytes
 *     0xF0 + 4 B        string, 32-bit little-endian length  the bytes
 *     0xF1 / F2 / F3    integer in 2 / 3 / 4 bytes (LE, two's complement)
 *     0xF4              integer in 8 bytes (LE, two's complement; only the safe-integer range is used)
 *
 * `backlen` is the size of header + payload written so that it can be read from its last byte
 * backwards: 7 bits per byte, the last byte holding the low bits and bit 7 set on every byte but the
 * first one of the group (reading backwards, bit 7 says "one more byte before me"). It lets the
 * sequence be walked from the tail (list pops, reverse ranges) without an index.
 *
 * Memory arithmetic: a 10-byte string costs 1 + 10 + 1 = 12 bytes; the integer 1000 costs
 * 2 + 1 = 3 bytes; a hash of 100 fields "field:N" with values "value:N" ~ 100 * 2 * 10 = 2 KB.
 * The buffer grows by 1.5x (amortised O(1) appends) and is trimmed when it is more than half empty.
 *
 * Strings that are canonical decimal integers (no sign but `-`, no leading zeros, in the safe-integer
 * range of doubles) are stored as integers, as Valkey's listpack does for int64 text; reading an entry
 * back as bytes gives the same text. Integers are returned as `number`; callers that need bytes use
 * {@link Listpack.bytesAt}.
 *
 * Positions: most methods take or return byte offsets ("pos") of entries: `first()`, `next(pos)`,
 * `last()`, `prev(pos)`; -1 means "no entry". Positions are invalidated by any mutation except that
 * the mutating methods return a useful position (the entry after a deletion, the inserted entry).
 *
 * Invariants: `used` bytes of `buf` hold exactly `count` well-formed entries; nothing else.
 *
 * @module
 */

/** A listpack element: bytes, or an integer (a safe integer). */
export type LpValue = Uint8Array | number;

const INT7_MAX = 127;
const STR6 = 0x80;
const INT13 = 0xc0;
const STR12 = 0xe0;
const STR32 = 0xf0;
const INT16 = 0xf1;
const INT24 = 0xf2;
const INT32 = 0xf3;
const INT64 = 0xf4;

const TWO32 = 0x100000000;
const EMPTY = new Uint8Array(0);
const DIGITS = new TextEncoder();

/**
 * The integer a byte string canonically spells (no `+`, no leading zeros, no `-0`), if it is a safe
 * integer; otherwise null.
 */
export function canonicalInt(b: Uint8Array): number | null {
  const n = b.length;
  if (n === 0 || n > 17) return null;
  let i = 0;
  let neg = false;
  if (b[0] === 0x2d) {
    if (n === 1) return null;
    neg = true;
    i = 1;
  }
  const first = b[i]!;
  if (first === 0x30) return n === 1 ? 0 : null; // "0" only; "-0", "01" are strings
  if (first < 0x31 || first > 0x39) return null;
  let v = 0;
  for (; i < n; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
  }
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

/** Decimal text of a safe integer as bytes. */
export function intBytes(v: number): Uint8Array {
  return DIGITS.encode(String(v));
}

function backlenSize(l: number): number {
  return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
}

/** Size of header + payload for an integer. */
function intEntrySize(v: number): number {
  if (v >= 0 && v <= INT7_MAX) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function strEntrySize(len: number): number {
  return len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
}

/** Bytes an element takes in a listpack (header, payload and backlen). */
export function entrySize(v: LpValue): number {
  if (typeof v === "number") {
    const s = intEntrySize(v);
    return s + backlenSize(s);
  }
  const iv = canonicalInt(v);
  const s = iv !== null ? intEntrySize(iv) : strEntrySize(v.length);
  return s + backlenSize(s);
}

/** A listpack; see the head of this file. */
export class Listpack {
  /** Storage; only the first `used` bytes are meaningful. */
  buf: Uint8Array;
  /** Bytes in use. */
  used = 0;
  /** Number of entries. */
  count = 0;

  constructor(capacity = 0) {
    this.buf = capacity > 0 ? new Uint8Array(capacity) : EMPTY;
  }

  /** Number of entries. */
  get length(): number {
    return this.count;
  }

  /** Bytes the entries occupy. */
  get bytes(): number {
    return this.used;
  }

  /** Bytes of memory held (the allocated buffer). */
  memoryBytes(): number {
    return this.buf.length;
  }

  /** A deep copy with a tight buffer. */
  dup(): Listpack {
    const lp = new Listpack(this.used);
    lp.buf.set(this.buf.subarray(0, this.used));
    lp.used = this.used;
    lp.count = this.count;
    return lp;
  }

  // --- walking ---

  /** Position of the first entry, or -1. */
  first(): number {
    return this.count === 0 ? -1 : 0;
  }

  /** Position of the last entry, or -1. */
  last(): number {
    return this.count === 0 ? -1 : this.prevOf(this.used);
  }

  /** Position of the entry after `pos`, or -1. */
  next(pos: number): number {
    const p = this.skip(pos);
    return p >= this.used ? -1 : p;
  }

  /** Position of the entry before `pos`, or -1. */
  prev(pos: number): number {
    return pos <= 0 ? -1 : this.prevOf(pos);
  }

  /** Position of entry `index` (negative counts from the tail: -1 is the last), or -1 if out of range. */
  seek(index: number): number {
    const n = this.count;
    if (index < 0) index += n;
    if (index < 0 || index >= n) return -1;
    if (index <= n / 2) {
      let p = 0;
      for (let i = 0; i < index; i++) p = this.skip(p);
      return p;
    }
    let p = this.used;
    for (let i = n; i > index; i--) p = this.prevOf(p);
    return p;
  }

  /** The element at `pos`: a subarray view for strings (valid until the next mutation), or a number. */
  valueAt(pos: number): LpValue {
    const b = this.buf;
    const h = b[pos]!;
    if (h < 0x80) return h;
    if (h < 0xc0) return b.subarray(pos + 1, pos + 1 + (h & 0x3f));
    if (h < 0xe0) return (((h & 0x1f) << 8) | b[pos + 1]!) << 19 >> 19;
    if (h < 0xf0) {
      const len = ((h & 0x0f) << 8) | b[pos + 1]!;
      return b.subarray(pos + 2, pos + 2 + len);
    }
    switch (h) {
      case STR32: {
        const len = (b[pos + 1]! | (b[pos + 2]! << 8) | (b[pos + 3]! << 16) | (b[pos + 4]! << 24)) >>> 0;
        return b.subarray(pos + 5, pos + 5 + len);
      }
      case INT16:
        return ((b[pos + 1]! | (b[pos + 2]! << 8)) << 16) >> 16;
      case INT24:
        return ((b[pos + 1]! | (b[pos + 2]! << 8) | (b[pos + 3]! << 16)) << 8) >> 8;
      case INT32:
        return b[pos + 1]! | (b[pos + 2]! << 8) | (b[pos + 3]! << 16) | (b[pos + 4]! << 24);
      default: {
        const lo = (b[pos + 1]! | (b[pos + 2]! << 8) | (b[pos + 3]! << 16) | (b[pos + 4]! << 24)) >>> 0;
        const hi = b[pos + 5]! | (b[pos + 6]! << 8) | (b[pos + 7]! << 16) | (b[pos + 8]! << 24);
        return hi * TWO32 + lo;
      }
    }
  }

  /** The element at `pos` as bytes (integers formatted in decimal). */
  bytesAt(pos: number): Uint8Array {
    const v = this.valueAt(pos);
    return typeof v === "number" ? intBytes(v) : v;
  }

  /** Length in bytes of the element at `pos` as a string (HSTRLEN). */
  strlenAt(pos: number): number {
    const v = this.valueAt(pos);
    return typeof v === "number" ? String(v).length : v.length;
  }

  /** True when the element at `pos` equals `v` (bytes compared as their text; integers by value). */
  equalsAt(pos: number, v: Uint8Array): boolean {
    return this.matchAt(pos, v, canonicalInt(v));
  }

  /** The element at index `i`, or undefined. */
  get(i: number): LpValue | undefined {
    const p = this.seek(i);
    return p === -1 ? undefined : this.valueAt(p);
  }

  /**
   * Position of the first entry equal to `v`, starting at `start` and then every `skip + 1`-th entry
   * (skip 1 searches the fields of a field/value listpack); -1 if none.
   */
  find(v: Uint8Array, start = 0, skip = 0): number {
    if (this.count === 0 || start < 0) return -1;
    const iv = canonicalInt(v);
    let p = start;
    const end = this.used;
    while (p < end) {
      if (this.matchAt(p, v, iv)) return p;
      p = this.skip(p);
      for (let s = 0; s < skip && p < end; s++) p = this.skip(p);
    }
    return -1;
  }

  /** Calls `fn` for each element in order; stops when it returns false. */
  iterate(fn: (v: LpValue, index: number) => boolean | void): void {
    let p = 0;
    const end = this.used;
    for (let i = 0; p < end; i++) {
      if (fn(this.valueAt(p), i) === false) return;
      p = this.skip(p);
    }
  }

  /** All elements as bytes (copies). */
  toArray(): Uint8Array[] {
    const out: Uint8Array[] = [];
    let p = 0;
    while (p < this.used) {
      const v = this.valueAt(p);
      out.push(typeof v === "number" ? intBytes(v) : v.slice());
      p = this.skip(p);
    }
    return out;
  }

  // --- mutation ---

  /** Appends an element; returns its position. */
  append(v: LpValue): number {
    return this.insertAt(this.used, v);
  }

  /** Prepends an element; returns its position (0). */
  prepend(v: LpValue): number {
    return this.insertAt(0, v);
  }

  /** Inserts an element so that it becomes index `index` (0..length); returns its position. */
  insert(index: number, v: LpValue): number {
    if (index === this.count) return this.append(v);
    const p = this.seek(index);
    if (p === -1) throw new RangeError("listpack index out of range");
    return this.insertAt(p, v);
  }

  /** Inserts an element before the entry at `pos` (or at the end when `pos` is `bytes`). */
  insertAt(pos: number, v: LpValue): number {
    const { size, iv } = this.sizeOf(v);
    this.makeRoom(pos, size);
    this.writeEntry(pos, v, iv);
    this.count++;
    return pos;
  }

  /** Replaces the element at `pos`; returns its (unchanged) position. */
  replaceAt(pos: number, v: LpValue): number {
    const oldEnd = this.skip(pos);
    const oldSize = oldEnd - pos;
    const { size, iv } = this.sizeOf(v);
    if (size > oldSize) this.makeRoom(oldEnd, size - oldSize);
    else if (size < oldSize) this.removeBytes(pos + size, oldSize - size);
    this.writeEntry(pos, v, iv);
    return pos;
  }

  /** Deletes `n` entries starting at `pos`; returns the position of the entry that followed, or -1. */
  deleteAt(pos: number, n = 1): number {
    let end = pos;
    let k = 0;
    while (k < n && end < this.used) {
      end = this.skip(end);
      k++;
    }
    this.removeBytes(pos, end - pos);
    this.count -= k;
    this.maybeShrink();
    return pos >= this.used ? -1 : pos;
  }

  /** Deletes `n` entries from index `index` (negative from the tail); returns how many were deleted. */
  delete(index: number, n = 1): number {
    const p = this.seek(index);
    if (p === -1 || n <= 0) return 0;
    const before = this.count;
    this.deleteAt(p, n);
    return before - this.count;
  }

  /** Removes every entry. */
  clear(): void {
    this.buf = EMPTY;
    this.used = 0;
    this.count = 0;
  }

  // --- internals ---

  /** Position just past the entry at `pos` (its backlen included). */
  private skip(pos: number): number {
    const b = this.buf;
    const h = b[pos]!;
    let s: number;
    if (h < 0x80) s = 1;
    else if (h < 0xc0) s = 1 + (h & 0x3f);
    else if (h < 0xe0) s = 2;
    else if (h < 0xf0) s = 2 + (((h & 0x0f) << 8) | b[pos + 1]!);
    else if (h === STR32) {
      s = 5 + ((b[pos + 1]! | (b[pos + 2]! << 8) | (b[pos + 3]! << 16) | (b[pos + 4]! << 24)) >>> 0);
    } else if (h === INT16) s = 3;
    else if (h === INT24) s = 4;
    else if (h === INT32) s = 5;
    else s = 9;
    return pos + s + backlenSize(s);
  }

  /** Position of the entry that ends at `end`. */
  private prevOf(end: number): number {
    const b = this.buf;
    let p = end - 1;
    let c = b[p]!;
    let len = c & 0x7f;
    let shift = 7;
    let n = 1;
    while ((c & 0x80) !== 0) {
      c = b[--p]!;
      len += (c & 0x7f) * 2 ** shift;
      shift += 7;
      n++;
    }
    return end - n - len;
  }

  private matchAt(pos: number, v: Uint8Array, iv: number | null): boolean {
    const b = this.buf;
    const h = b[pos]!;
    // Integer entries: compare by value with the canonical integer of `v` (if any).
    if (h < 0x80 || (h >= 0xc0 && h < 0xe0) || h >= INT16) {
      return iv !== null && this.valueAt(pos) === iv;
    }
    if (iv !== null) return false; // canonical integers are never stored as strings
    let start: number;
    let len: number;
    if (h < 0xc0) {
      start = pos + 1;
      len = h & 0x3f;
    } else if (h < 0xf0) {
      start = pos + 2;
      len = ((h & 0x0f) << 8) | b[pos + 1]!;
    } else {
      start = pos + 5;
      len = (b[pos + 1]! | (b[pos + 2]! << 8) | (b[pos + 3]! << 16) | (b[pos + 4]! << 24)) >>> 0;
    }
    if (len !== v.length) return false;
    for (let i = 0; i < len; i++) if (b[start + i] !== v[i]) return false;
    return true;
  }

  private sizeOf(v: LpValue): { size: number; iv: number | null } {
    let iv: number | null;
    let s: number;
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new RangeError("listpack integers must be safe integers");
      iv = v;
      s = intEntrySize(v);
    } else {
      iv = canonicalInt(v);
      s = iv !== null ? intEntrySize(iv) : strEntrySize(v.length);
    }
    return { size: s + backlenSize(s), iv };
  }

  private writeEntry(pos: number, v: LpValue, iv: number | null): void {
    const b = this.buf;
    let p = pos;
    if (iv !== null) {
      const x = iv;
      if (x >= 0 && x <= INT7_MAX) b[p++] = x;
      else if (x >= -4096 && x <= 4095) {
        b[p++] = INT13 | ((x >> 8) & 0x1f);
        b[p++] = x & 0xff;
      } else if (x >= -32768 && x <= 32767) {
        b[p++] = INT16;
        b[p++] = x & 0xff;
        b[p++] = (x >> 8) & 0xff;
      } else if (x >= -8388608 && x <= 8388607) {
        b[p++] = INT24;
        b[p++] = x & 0xff;
        b[p++] = (x >> 8) & 0xff;
        b[p++] = (x >> 16) & 0xff;
      } else if (x >= -2147483648 && x <= 2147483647) {
        b[p++] = INT32;
        b[p++] = x & 0xff;
        b[p++] = (x >> 8) & 0xff;
        b[p++] = (x >> 16) & 0xff;
        b[p++] = (x >> 24) & 0xff;
      } else {
        const hi = Math.floor(x / TWO32);
        const lo = x - hi * TWO32;
        b[p++] = INT64;
        b[p++] = lo & 0xff;
        b[p++] = (lo >>> 8) & 0xff;
        b[p++] = (lo >>> 16) & 0xff;
        b[p++] = (lo >>> 24) & 0xff;
        b[p++] = hi & 0xff;
        b[p++] = (hi >> 8) & 0xff;
        b[p++] = (hi >> 16) & 0xff;
        b[p++] = (hi >> 24) & 0xff;
      }
    } else {
      const s = v as Uint8Array;
      const len = s.length;
      if (len < 64) b[p++] = STR6 | len;
      else if (len < 4096) {
        b[p++] = STR12 | (len >> 8);
        b[p++] = len & 0xff;
      } else {
        b[p++] = STR32;
        b[p++] = len & 0xff;
        b[p++] = (len >>> 8) & 0xff;
        b[p++] = (len >>> 16) & 0xff;
        b[p++] = (len >>> 24) & 0xff;
      }
      b.set(s, p);
      p += len;
    }
    // backlen: low 7 bits last; every byte but the first of the group has bit 7 set.
    const l = p - pos;
    const n = backlenSize(l);
    for (let i = n - 1, rest = l; i >= 0; i--, rest = Math.floor(rest / 128)) {
      b[p + i] = (rest & 0x7f) | (i === 0 ? 0 : 0x80);
    }
  }

  /** Opens `size` bytes at `pos`, growing the buffer if needed. */
  private makeRoom(pos: number, size: number): void {
    const need = this.used + size;
    if (need > this.buf.length) {
      const cap = Math.max(need, Math.ceil(this.buf.length * 1.5), 16);
      const nb = new Uint8Array(cap);
      nb.set(this.buf.subarray(0, pos));
      nb.set(this.buf.subarray(pos, this.used), pos + size);
      this.buf = nb;
    } else if (pos < this.used) {
      this.buf.copyWithin(pos + size, pos, this.used);
    }
    this.used = need;
  }

  private removeBytes(pos: number, size: number): void {
    if (size <= 0) return;
    this.buf.copyWithin(pos, pos + size, this.used);
    this.used -= size;
  }

  private maybeShrink(): void {
    if (this.used === 0) {
      this.buf = EMPTY;
    } else if (this.buf.length > 64 && this.used < this.buf.length / 2) {
      this.buf = this.buf.slice(0, this.used);
    }
  }
}
