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
