/**
 * IntSet: a sorted array of distinct signed 64-bit integers for small sets of integers (Valkey's
 * `intset` encoding).
 *
 *     width 2:  | -5 | 3 | 17 | 900 |               Int16Array, sorted ascending, no duplicates
 *     width 4:  |  -5 | 3 | 17 | 70000 |            Int32Array
 *     width 8:  |  -5 | 3 | 17 | 2^40 |             BigInt64Array
 *
 * All elements use the width of the widest one: adding a value that does not fit the current width
 * re-encodes the whole array one step wider (2 → 4 → 8 bytes), and the width never shrinks (as in
 * Valkey). Lookups are binary searches; inserts and deletes move the tail (O(n), n is bounded by
 * `set-max-intset-entries`, 512 by default).
 *
 * Memory arithmetic: 8 bytes of header (encoding and length, as Valkey reports it) + width × length;
 * 512 integers below 32768 take 1032 bytes. The backing array grows by 1.5x; `memoryBytes()`
 * reports the allocation.
 *
 * Invariants: `data[0..len)` is strictly increasing; every element fits `width`.
 *
 * @module
 */

export type IntWidth = 2 | 4 | 8;

const I16_MIN = -32768n;
const I16_MAX = 32767n;
const I32_MIN = -2147483648n;
const I32_MAX = 2147483647n;

/** The smallest width that holds `v`. */
export function widthOf(v: bigint): IntWidth {
  if (v >= I16_MIN && v <= I16_MAX) return 2;
  if (v >= I32_MIN && v <= I32_MAX) return 4;
  return 8;
}

type Store = Int16Array | Int32Array | BigInt64Array;

function makeStore(width: IntWidth, cap: number): Store {
  return width === 2 ? new Int16Array(cap) : width === 4 ? new Int32Array(cap) : new BigInt64Array(cap);
}

/** A sorted set of int64 values; see the head of this file. */
export class IntSet {
  private data: Store = new Int16Array(0);
  private len = 0;
  private w: IntWidth = 2;

  /** Bytes per element (Valkey's INTSET_ENC_INT16/32/64). */
  get width(): IntWidth {
    return this.w;
  }

  get length(): number {
    return this.len;
  }

  /** Valkey's intsetBlobLen: header + elements. */
  blobLen(): number {
    return 8 + this.len * this.w;
  }

  /** Bytes held (header + allocated elements). */
  memoryBytes(): number {
    return 8 + this.data.length * this.w;
  }

  /** Element `i` (0-based, ascending order). */
  get(i: number): bigint {
    const d = this.data;
    return this.w === 8 ? (d as BigInt64Array)[i]! : BigInt((d as Int32Array)[i]!);
  }

  /** Smallest and largest elements (undefined when empty). */
  min(): bigint | undefined {
    return this.len === 0 ? undefined : this.get(0);
  }

  max(): bigint | undefined {
    return this.len === 0 ? undefined : this.get(this.len - 1);
  }

  has(v: bigint): boolean {
    if (widthOf(v) > this.w) return false;
    return this.search(v) >= 0;
  }

  /** Adds `v`; false if it was already present. */
  add(v: bigint): boolean {
    const need = widthOf(v);
    if (need > this.w) {
      this.upgrade(need);
      // A value wider than every element is either below all of them or above all of them.
      this.insertAt(v < 0n ? 0 : this.len, v);
      return true;
    }
    const i = this.search(v);
    if (i >= 0) return false;
    this.insertAt(-i - 1, v);
    return true;
  }

  /** Removes `v`; false if it was absent. */
  remove(v: bigint): boolean {
    if (widthOf(v) > this.w) return false;
    const i = this.search(v);
    if (i < 0) return false;
    this.data.copyWithin(i, i + 1, this.len);
    this.len--;
    if (this.len === 0) this.data = makeStore(this.w, 0);
    else if (this.data.length > 16 && this.len < this.data.length / 2) {
      this.data = this.data.slice(0, this.len);
    }
    return true;
  }

  /** Removes and returns element `i`. */
  removeAt(i: number): bigint {
    const v = this.get(i);
    this.remove(v);
    return v;
  }

  /** All elements, ascending. */
  values(): bigint[] {
    const out: bigint[] = new Array(this.len);
    for (let i = 0; i < this.len; i++) out[i] = this.get(i);
    return out;
  }

  /**
   * Valkey's serialized intset (`| width u32le | length u32le | elements little-endian |`), written with
   * the narrowest width that holds the elements.
   */
  toBlob(): Uint8Array {
    const out = new Uint8Array(this.blobLen());
    return out.subarray(0, this.blobInto(out));
  }

  /** Writes {@link toBlob}'s bytes into `out` (at least blobLen() bytes); returns their length. */
  blobInto(out: Uint8Array): number {
    const n = this.len;
    let w: IntWidth = 2;
    if (n > 0 && this.w === 8) {
      const a = widthOf(this.get(0));
      const b = widthOf(this.get(n - 1));
      w = a > b ? a : b;
    } else if (n > 0 && this.w === 4) {
      const d = this.data as Int32Array;
      w = d[0]! < -32768 || d[n - 1]! > 32767 ? 4 : 2;
    }
    out[0] = w;
    out[1] = out[2] = out[3] = 0;
    out[4] = n & 0xff;
    out[5] = (n >>> 8) & 0xff;
    out[6] = (n >>> 16) & 0xff;
    out[7] = n >>> 24;
    if (w === 8) {
      const dv = new DataView(out.buffer, out.byteOffset, out.length);
      for (let i = 0; i < n; i++) dv.setBigInt64(8 + 8 * i, this.get(i), true);
    } else {
      // Int16Array / Int32Array elements (a narrower width only drops sign-extension bytes).
      const d = this.data;
      const wide = this.w === 8;
      for (let i = 0, p = 8; i < n; i++) {
        const v = wide ? Number(d[i]!) : (d[i] as number);
        out[p++] = v & 0xff;
        out[p++] = (v >> 8) & 0xff;
        if (w === 4) {
          out[p++] = (v >> 16) & 0xff;
          out[p++] = (v >> 24) & 0xff;
        }
      }
    }
    return 8 + w * n;
  }

  /** An intset of a serialized one (see toBlob), or null when it is malformed or not strictly sorted. */
  static fromBlob(b: Uint8Array): IntSet | null {
    if (b.length < 8) return null;
    const w = (b[0]! | (b[1]! << 8) | (b[2]! << 16)) + b[3]! * 16777216;
    const n = (b[4]! | (b[5]! << 8) | (b[6]! << 16)) + b[7]! * 16777216;
    if ((w !== 2 && w !== 4 && w !== 8) || 8 + w * n !== b.length) return null;
    const data = makeStore(w, n);
    if (w === 2) {
      const d = data as Int16Array;
      for (let i = 0, p = 8; i < n; i++, p += 2) d[i] = b[p]! | (b[p + 1]! << 8);
    } else if (w === 4) {
      const d = data as Int32Array;
      for (let i = 0, p = 8; i < n; i++, p += 4) {
        d[i] = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
      }
    } else new Uint8Array(data.buffer).set(b.subarray(8));
    for (let i = 1; i < n; i++) if (data[i - 1]! >= data[i]!) return null;
    const s = new IntSet();
    s.data = data;
    s.len = n;
    s.w = w;
    return s;
  }

  dup(): IntSet {
    const c = new IntSet();
    c.w = this.w;
    c.len = this.len;
    c.data = this.data.slice(0, this.len);
    return c;
  }

  // --- internals ---

  /** Index of `v`, or -(insertion point) - 1. `v` must fit the width. */
  private search(v: bigint): number {
    let lo = 0;
    let hi = this.len - 1;
    if (this.w === 8) {
      const d = this.data as BigInt64Array;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const x = d[mid]!;
        if (x < v) lo = mid + 1;
        else if (x > v) hi = mid - 1;
        else return mid;
      }
    } else {
      const d = this.data as Int32Array;
      const n = Number(v);
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const x = d[mid]!;
        if (x < n) lo = mid + 1;
        else if (x > n) hi = mid - 1;
        else return mid;
      }
    }
    return -lo - 1;
  }

  private insertAt(i: number, v: bigint): void {
    if (this.len === this.data.length) {
      const nd = makeStore(this.w, Math.max(4, Math.ceil(this.len * 1.5)));
      (nd as Int32Array).set(this.data as Int32Array);
      this.data = nd;
    }
    this.data.copyWithin(i + 1, i, this.len);
    if (this.w === 8) (this.data as BigInt64Array)[i] = v;
    else (this.data as Int32Array)[i] = Number(v);
    this.len++;
  }

  private upgrade(width: IntWidth): void {
    const nd = makeStore(width, Math.max(4, this.len + 1));
    if (width === 8) {
      const d = nd as BigInt64Array;
      for (let i = 0; i < this.len; i++) d[i] = BigInt((this.data as Int32Array)[i]!);
    } else {
      (nd as Int32Array).set(this.data as Int16Array);
    }
    this.data = nd;
    this.w = width;
  }
}
