/**
 * The quicklist: a list of packed nodes, each holding a run of elements as bytes in one Uint8Array, as
 * Valkey's quicklist.c holds a doubly linked list of listpacks. It is the storage of every list value
 * (`list.ts`): a list in the "listpack" encoding is a quicklist used as a single unbounded node.
 *
 * Overview
 * --------
 *
 *     Quicklist { fill, count, nodes: QuicklistNode[] }
 *        |
 *        v
 *     nodes[0]                      nodes[1]                       nodes[2] (plain: one big element)
 *     +---------------------------+ +---------------------------+  +----------------------+
 *     | buf: ..[e0][e1]...[ek]..  | | buf: ..[e0]...[ej]......  |  | buf: [e0]            |
 *     |      ^start        ^end   | |                           |  | plain = true         |
 *     | count, sz (listpack bytes)| |                           |  |                      |
 *     +---------------------------+ +---------------------------+  +----------------------+
 *
 * An entry is `[len as LEB128][bytes][len again, readable backwards]`: the head length is 7 bits per
 * byte, low group first, high bit = "more follows"; the tail length is the same groups stored so that
 * reading from the entry's end backwards yields the low group first (Valkey's listpack back-length
 * trick). So iteration is O(1) per step in both directions, and a node needs no offset table. Entries
 * live in `buf[start, end)` with free room on both sides, so pushes at either end of a node are O(1)
 * amortized and only a middle insertion or deletion moves bytes (at most one node's worth, ~8 KB).
 *
 * Why not core/types/listpack.ts: it did not exist when this file was written; the entry format here is
 * leaner for lists (2 bytes of overhead for elements under 128 bytes, no integer re-encoding, so replies
 * copy stored bytes as they are). What must match Valkey exactly is not the byte layout but the node
 * SIZES, because they decide when a node is full and when a list changes encoding: every node therefore
 * tracks `sz`, the exact byte size the same elements would take in a Valkey listpack ({@link lpEntrySize}:
 * integer-looking elements in 1-9 bytes, strings with a 1/2/5-byte header, plus the back-length; 7 bytes
 * of header and terminator per listpack). Node splitting, large-element plain nodes and the fill limits
 * (`list-max-listpack-size`: negative = 4/8/16/32/64 KB per node, positive = entries per node with an
 * 8 KB safety limit) follow quicklist.c's rules, so node counts and encodings are Valkey's.
 *
 * Memory arithmetic
 * -----------------
 * Per element: the element's bytes + 2 (lengths < 128) / 4 (< 16384) / 6 (< 2 MB) bytes. Per node: the
 * JS object and its Uint8Array (~150 bytes) + up to ~25% slack of its buffer. With the default fill (-2,
 * 8 KB nodes) 1M ten-byte elements take ~12 MB in ~1,500 nodes, close to Valkey's listpack figure.
 *
 * Invariants
 * ----------
 * - No node is empty; `count` is the sum of node counts; a plain node holds exactly one element.
 * - `sz` of a node is `7 + sum(lpEntrySize(element))`.
 * - Views returned by reads point into node buffers and are valid until the next mutation.
 * - Index lookups walk node counts from the nearer end (O(nodes)); range reads then step entry by entry,
 *   so LRANGE/LPOS never pay an index lookup per element.
 *
 * Not done: LZF compression of inner nodes (`list-compress-depth`) — the setting is accepted and ignored.
 *
 * @module
 */

/** Bytes of a listpack's header (total bytes + element count) and its terminator. */
export const LP_OVERHEAD = 7;
/** Valkey's SIZE_SAFETY_LIMIT: a node with a count limit still stops at 8 KB. */
export const SIZE_SAFETY_LIMIT = 8192;
/** Valkey's SIZE_ESTIMATE_OVERHEAD: slack added to an element's size when checking a node has room. */
const SIZE_ESTIMATE_OVERHEAD = 8;
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];

export const HEAD = 0;
export const TAIL = 1;
export type Where = typeof HEAD | typeof TAIL;

/**
 * The integer Valkey's listpack would store for `buf[start, start+n)` (lpStringToInt64 rules: canonical
 * decimal, optional '-', within int64), or null when it is stored as a string.
 */
function intValue(buf: Uint8Array, start: number, n: number): number | bigint | null {
  if (n === 0 || n > 20) return null;
  let i = start;
  const end = start + n;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (n === 1) return null;
  }
  const c0 = buf[i]!;
  if (c0 === 48) return n === 1 ? 0 : null;
  if (c0 < 49 || c0 > 57) return null;
  if (end - i <= 15) {
    let x = 0;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c < 48 || c > 57) return null;
      x = x * 10 + (c - 48);
    }
    return neg ? -x : x;
  }
  let x = 0n;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return null;
    x = x * 10n + BigInt(c - 48);
  }
  if (neg) x = -x;
  if (x > 9223372036854775807n || x < -9223372036854775808n) return null;
  return x;
}

function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes the element takes in a Valkey listpack (encoding + data + back-length). */
export function lpEntrySize(v: Uint8Array): number {
  return lpEntrySizeAt(v, 0, v.length);
}

/** lpEntrySize of the element in `buf[start, start+n)`. */
export function lpEntrySizeAt(buf: Uint8Array, start: number, n: number): number {
  let enc: number;
  const iv = intValue(buf, start, n);
  if (iv !== null) {
    const x = iv;
    if (x >= 0 && x <= 127) enc = 1;
    else if (x >= -4096 && x <= 4095) enc = 2;
    else if (x >= -32768 && x <= 32767) enc = 3;
    else if (x >= -8388608 && x <= 8388607) enc = 4;
    else if (x >= -2147483648 && x <= 2147483647) enc = 5;
    else enc = 9;
  } else enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return enc + backlenBytes(enc);
}

/** quicklistNodeLimit: the size limit (bytes) and count limit of a node for a `fill` setting. */
export function nodeLimit(fill: number): { size: number; count: number } {
  if (fill >= 0) return { size: Infinity, count: fill === 0 ? 1 : fill };
  const i = Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1);
  return { size: OPTIMIZATION_LEVEL[i]!, count: Infinity };
}

/** quicklistNodeExceedsLimit: would a node of `sz` bytes and `count` elements be over the limit? */
export function exceedsLimit(fill: number, sz: number, count: number): boolean {
  const lim = nodeLimit(fill);
  if (lim.size !== Infinity) return sz > lim.size;
  if (sz > SIZE_SAFETY_LIMIT) return true;
  return count > lim.count;
}

/**
 * Valkey's packed_threshold, for tests (DEBUG QUICKLIST-PACKED-THRESHOLD): when not 0, every element of at
 * least this many bytes gets a plain node, whatever the fill. Process-wide, as in Valkey.
 */
let packedThreshold = 0;

/** quicklistSetPackedThreshold: refuses sizes above 4 GB − 1 MB; 0 restores the fill-based rule. */
export function setPackedThreshold(sz: bigint): boolean {
  if (sz > (1n << 32n) - (1n << 20n)) return false;
  packedThreshold = Number(sz);
  return true;
}

/** isLargeElement: an element this big gets a plain node of its own. */
export function isLargeElement(sz: number, fill: number): boolean {
  if (packedThreshold !== 0) return sz >= packedThreshold;
  if (fill >= 0) return sz > SIZE_SAFETY_LIMIT;
  return sz > nodeLimit(fill).size;
}

function hdrSize(l: number): number {
  return l < 0x80 ? 1 : l < 0x4000 ? 2 : l < 0x200000 ? 3 : l < 0x10000000 ? 4 : 5;
}

/** Total bytes of an entry whose data is `l` bytes. */
function entryBytes(l: number): number {
  const h = hdrSize(l);
  return h + l + h;
}

/** One node: a run of entries in `buf[start, end)`. */
export class QuicklistNode {
  buf: Uint8Array;
  start: number;
  end: number;
  count = 0;
  /** Valkey listpack size of the same elements (or the element's size for a plain node). */
  sz = LP_OVERHEAD;
  plain = false;

  constructor(capacity: number, atFront: boolean) {
    this.buf = new Uint8Array(capacity);
    this.start = this.end = atFront ? capacity : 0;
  }

  /** Bytes of entry data held. */
  get used(): number {
    return this.end - this.start;
  }

  /** Data length of the entry at `off`. */
  lenAt(off: number): number {
    const b = this.buf;
    let c = b[off]!;
    let l = c & 0x7f;
    let mul = 0x80;
    while (c & 0x80) {
      c = b[++off]!;
      l += (c & 0x7f) * mul;
      mul *= 0x80;
    }
    return l;
  }

  /** The element at `off`, as a view. */
  valueAt(off: number): Uint8Array {
    const l = this.lenAt(off);
    const h = hdrSize(l);
    return this.buf.subarray(off + h, off + h + l);
  }

  /** Offset of the entry after the one at `off` (== end past the last). */
  next(off: number): number {
    return off + entryBytes(this.lenAt(off));
  }

  /** Offset of the entry before the entry at `off` (or -1 before the first). */
  prev(off: number): number {
    if (off <= this.start) return -1;
    const b = this.buf;
    let p = off - 1;
    let c = b[p]!;
    let l = c & 0x7f;
    let mul = 0x80;
    while (c & 0x80) {
      c = b[--p]!;
      l += (c & 0x7f) * mul;
      mul *= 0x80;
    }
    return off - entryBytes(l);
  }

  /** Offset of the i-th entry (0-based, negative from the end). */
  seek(i: number): number {
    if (i < 0) i += this.count;
    if (i < this.count / 2) {
      let off = this.start;
      for (let k = 0; k < i; k++) off = this.next(off);
      return off;
    }
    let off = this.end;
    for (let k = this.count; k > i; k--) off = this.prev(off);
    return off;
  }

  /** Opens `n` bytes of room at `off`; returns where the room starts (offsets at/after `off` may move). */
  #makeRoom(off: number, n: number): number {
    const b = this.buf;
    const frontRoom = this.start;
    const backRoom = b.length - this.end;
    if (off === this.start && frontRoom >= n) {
      this.start -= n;
      return this.start;
    }
    if (off === this.end && backRoom >= n) {
      this.end += n;
      return off;
    }
    if (frontRoom >= n && (off - this.start <= this.end - off || backRoom < n)) {
      b.copyWithin(this.start - n, this.start, off);
      this.start -= n;
      return off - n;
    }
    if (backRoom >= n) {
      b.copyWithin(off + n, off, this.end);
      this.end += n;
      return off;
    }
    // Reallocate: slack goes to the side being written (front for head insertions).
    const used = this.end - this.start;
    const need = used + n;
    const cap = need + Math.max(16, need >> 2);
    const nb = new Uint8Array(cap);
    const atFront = off === this.start && used > 0;
    const ns = atFront ? cap - need : 0;
    const rel = off - this.start;
    nb.set(b.subarray(this.start, off), ns);
    nb.set(b.subarray(off, this.end), ns + rel + n);
    this.buf = nb;
    this.start = ns;
    this.end = ns + need;
    return ns + rel;
  }

  /** Inserts `v` as a new entry at `off` (before the entry there); returns the new entry's offset. */
  insertAt(off: number, v: Uint8Array): number {
    const l = v.length;
    const h = hdrSize(l);
    const p = this.#makeRoom(off, h + h + l);
    const b = this.buf;
    let q = p;
    let x = l;
    for (let k = 0; k < h; k++) {
      const g = x % 0x80;
      x = (x - g) / 0x80;
      b[q++] = k < h - 1 ? g | 0x80 : g;
    }
    b.set(v, q);
    q += l;
    x = l;
    for (let k = 0; k < h; k++) {
      const g = x % 0x80;
      x = (x - g) / 0x80;
      b[q + h - 1 - k] = k < h - 1 ? g | 0x80 : g;
    }
    this.count++;
    this.sz += this.plain ? l : lpEntrySize(v);
    return p;
  }

  /** Removes the entries in `[from, to)` (`n` of them, `lpSz` their listpack bytes). */
  removeSpan(from: number, to: number, n: number, lpSz: number): void {
    const b = this.buf;
    if (from - this.start < this.end - to) {
      if (from > this.start) b.copyWithin(this.start + (to - from), this.start, from);
      this.start += to - from;
    } else {
      if (to < this.end) b.copyWithin(from, to, this.end);
      this.end -= to - from;
    }
    this.count -= n;
    this.sz -= lpSz;
    if (this.count === 0) this.start = this.end = 0;
  }

  /** Removes the entry at `off`. */
  removeAt(off: number): void {
    const l = this.lenAt(off);
    const h = hdrSize(l);
    const s = this.plain ? l : lpEntrySizeAt(this.buf, off + h, l);
    this.removeSpan(off, off + h + l + h, 1, s);
  }

  /** A copy of the element at `off`. */
  copyAt(off: number): Uint8Array {
    const l = this.lenAt(off);
    const h = hdrSize(l);
    return this.buf.slice(off + h, off + h + l);
  }

  /** Drops buffer slack beyond a quarter of the data (after the node stops growing). */
  shrinkToFit(): void {
    const used = this.end - this.start;
    if (this.buf.length <= used + (used >> 2) + 64) return;
    const nb = new Uint8Array(used + 16);
    nb.set(this.buf.subarray(this.start, this.end), 0);
    this.buf = nb;
    this.start = 0;
    this.end = used;
  }

  /** A copy with its own buffer. */
  dup(): QuicklistNode {
    const used = this.end - this.start;
    const n = new QuicklistNode(0, false);
    n.buf = this.buf.slice(this.start, this.end);
    n.start = 0;
    n.end = used;
    n.count = this.count;
    n.sz = this.sz;
    n.plain = this.plain;
    return n;
  }

  /** Bytes of memory this node costs (buffer plus object overhead). */
  get memory(): number {
    return this.buf.length + 96;
  }
}

/** A position: node index and entry offset in it. */
export interface Pos {
  node: number;
  off: number;
}

/** Makes a node holding `v` (plain when `plain`). */
function nodeWith(v: Uint8Array, plain: boolean, atFront: boolean): QuicklistNode {
  const n = new QuicklistNode(plain ? entryBytes(v.length) : Math.max(64, entryBytes(v.length) * 4), atFront);
  n.plain = plain;
  if (plain) n.sz = 0;
  n.insertAt(atFront ? n.start : n.end, v);
  return n;
}

export class Quicklist {
  nodes: QuicklistNode[] = [];
  count = 0;
  /**
   * Listpack mode (the list's "listpack" encoding): one node without limits; the list layer converts to a
   * real quicklist before a push would take the node over `list-max-listpack-size`.
   */
  listpack = false;
  /**
   * `list-compress-depth` when the list became a quicklist (Valkey keeps it per quicklist and DEBUG OBJECT
   * shows whether it is non-zero). Recorded only: nodes are never LZF-compressed (see the head).
   */
  compress = 0;

  /** `fill` is list-max-listpack-size when the list was created (Valkey keeps it per quicklist). */
  constructor(public fill: number) {}

  #large(sz: number): boolean {
    return !this.listpack && isLargeElement(sz, this.fill);
  }

  #allowInsert(node: QuicklistNode | undefined, sz: number): boolean {
    if (node === undefined) return false;
    if (this.listpack) return true;
    if (node.plain || isLargeElement(sz, this.fill)) return false;
    return !exceedsLimit(this.fill, node.sz + sz + SIZE_ESTIMATE_OVERHEAD, node.count + 1);
  }

  #allowMerge(a: QuicklistNode | undefined, b: QuicklistNode | undefined): boolean {
    if (a === undefined || b === undefined || a.plain || b.plain) return false;
    return !exceedsLimit(this.fill, a.sz + b.sz - LP_OVERHEAD, a.count + b.count);
  }

  /** Appends an already built node (listpack → quicklist conversion). */
  appendNode(node: QuicklistNode): void {
    this.nodes.push(node);
    this.count += node.count;
  }

  /** Pushes `v` at the head or the tail. */
  push(v: Uint8Array, where: Where): void {
    const nodes = this.nodes;
    const sz = v.length;
    if (where === HEAD) {
      const h = nodes[0];
      if (this.#allowInsert(h, sz)) h!.insertAt(h!.start, v);
      else {
        if (h !== undefined && !h.plain && !this.listpack) h.shrinkToFit();
        nodes.unshift(nodeWith(v, this.#large(sz), true));
      }
    } else {
      const t = nodes[nodes.length - 1];
      if (this.#allowInsert(t, sz)) t!.insertAt(t!.end, v);
      else {
        if (t !== undefined && !t.plain && !this.listpack) t.shrinkToFit();
        nodes.push(nodeWith(v, this.#large(sz), false));
      }
    }
    this.count++;
  }

  /** Removes and returns (a copy of) the head or tail element. */
  pop(where: Where): Uint8Array | undefined {
    const nodes = this.nodes;
    if (nodes.length === 0) return undefined;
    const ni = where === HEAD ? 0 : nodes.length - 1;
    const node = nodes[ni]!;
    const off = where === HEAD ? node.start : node.prev(node.end);
    const v = node.copyAt(off);
    this.#deleteAt(ni, off);
    return v;
  }

  #deleteAt(ni: number, off: number): void {
    const node = this.nodes[ni]!;
    if (node.plain || node.count === 1) this.nodes.splice(ni, 1);
    else node.removeAt(off);
    this.count--;
  }

  /** Position of element `i` (negative from the tail), or undefined when out of range. */
  locate(i: number): Pos | undefined {
    const count = this.count;
    if (i < 0) i += count;
    if (i < 0 || i >= count) return undefined;
    const nodes = this.nodes;
    if (i <= (count - 1) / 2) {
      let acc = 0;
      for (let n = 0; n < nodes.length; n++) {
        const c = nodes[n]!.count;
        if (acc + c > i) return { node: n, off: nodes[n]!.seek(i - acc) };
        acc += c;
      }
    } else {
      let acc = count;
      for (let n = nodes.length - 1; n >= 0; n--) {
        const c = nodes[n]!.count;
        acc -= c;
        if (acc <= i) return { node: n, off: nodes[n]!.seek(i - acc) };
      }
    }
    return undefined;
  }

  /** The element at index `i` (negative from the tail), as a view; undefined when out of range. */
  index(i: number): Uint8Array | undefined {
    const p = this.locate(i);
    return p === undefined ? undefined : this.nodes[p.node]!.valueAt(p.off);
  }

  /**
   * Visits elements from index `from` (0-based, must be in range) towards the tail (or the head when
   * `reverse`), until `fn` returns false or the list ends. `fn` gets a view and the element's index.
   */
  forEach(from: number, reverse: boolean, fn: (v: Uint8Array, index: number) => boolean | void): void {
    const p = this.locate(from);
    if (p === undefined) return;
    const nodes = this.nodes;
    let ni = p.node;
    let off = p.off;
    let idx = from < 0 ? from + this.count : from;
    let node = nodes[ni]!;
    for (;;) {
      if (fn(node.valueAt(off), idx) === false) return;
      if (reverse) {
        idx--;
        off = node.prev(off);
        if (off < 0) {
          if (--ni < 0) return;
          node = nodes[ni]!;
          off = node.prev(node.end);
        }
      } else {
        idx++;
        off = node.next(off);
        if (off >= node.end) {
          if (++ni >= nodes.length) return;
          node = nodes[ni]!;
          off = node.start;
        }
      }
    }
  }

  /** Deletes `n` elements starting at index `start` (negative from the tail); returns how many went. */
  deleteRange(start: number, n: number): number {
    if (n <= 0) return 0;
    if (start < 0) start += this.count;
    if (start < 0) start = 0;
    if (start >= this.count) return 0;
    if (n > this.count - start) n = this.count - start;
    const nodes = this.nodes;
    // Find the first node touched.
    let acc = 0;
    let ni = 0;
    while (acc + nodes[ni]!.count <= start) acc += nodes[ni++]!.count;
    let left = n;
    let skip = start - acc;
    while (left > 0) {
      const node = nodes[ni]!;
      if (skip === 0 && left >= node.count) {
        left -= node.count;
        this.count -= node.count;
        nodes.splice(ni, 1);
        continue;
      }
      const take = Math.min(left, node.count - skip);
      const from = node.seek(skip);
      let to = from;
      let lp = 0;
      for (let k = 0; k < take; k++) {
        const l = node.lenAt(to);
        const h = hdrSize(l);
        lp += lpEntrySizeAt(node.buf, to + h, l);
        to += h + l + h;
      }
      node.removeSpan(from, to, take, lp);
      this.count -= take;
      left -= take;
      skip = 0;
      ni++;
    }
    return n;
  }

  /**
   * Removes elements equal to `v`, scanning from the head (or the tail when `fromTail`), at most `limit`
   * of them (0 = all); returns how many were removed.
   */
  removeMatching(v: Uint8Array, limit: number, fromTail: boolean): number {
    const nodes = this.nodes;
    let removed = 0;
    let ni = fromTail ? nodes.length - 1 : 0;
    while (ni >= 0 && ni < nodes.length && (limit === 0 || removed < limit)) {
      const node = nodes[ni]!;
      let off = fromTail ? node.prev(node.end) : node.start;
      while (off >= 0 && off < node.end) {
        const e = node.valueAt(off);
        if (bytesEqual(e, v)) {
          removed++;
          if (node.plain || node.count === 1) {
            nodes.splice(ni, 1);
            this.count--;
            if (!fromTail) ni--;
            break;
          }
          const prevOff = fromTail ? node.prev(off) : -1;
          const before = node.start;
          node.removeAt(off);
          this.count--;
          if (limit !== 0 && removed >= limit) break;
          // removeAt moved either the entries before `off` right (start grew) or those after it left.
          const shift = node.start - before;
          if (fromTail) off = prevOff < 0 ? -1 : prevOff + shift;
          else off += shift;
          continue;
        }
        off = fromTail ? node.prev(off) : node.next(off);
      }
      ni += fromTail ? -1 : 1;
    }
    return removed;
  }

  /**
   * Position of the first element equal to `v` scanning from the head, or undefined.
   */
  find(v: Uint8Array): Pos | undefined {
    const nodes = this.nodes;
    for (let ni = 0; ni < nodes.length; ni++) {
      const node = nodes[ni]!;
      for (let off = node.start; off < node.end; off = node.next(off)) {
        if (bytesEqual(node.valueAt(off), v)) return { node: ni, off };
      }
    }
    return undefined;
  }

  #split(ni: number, idx: number, after: boolean): QuicklistNode {
    // Returns the new node holding [idx+1, end) when `after`, else [0, idx); the old node keeps the rest.
    const node = this.nodes[ni]!;
    const cut = after ? idx + 1 : idx;
    const cutOff = node.seek(cut);
    const moved = new QuicklistNode(0, false);
    const fromOff = after ? cutOff : node.start;
    const toOff = after ? node.end : cutOff;
    moved.buf = node.buf.slice(fromOff, toOff);
    moved.start = 0;
    moved.end = toOff - fromOff;
    let lp = 0;
    let c = 0;
    for (let o = 0; o < moved.end; o = moved.next(o)) {
      lp += lpEntrySize(moved.valueAt(o));
      c++;
    }
    moved.count = c;
    moved.sz = LP_OVERHEAD + lp;
    node.removeSpan(fromOff, toOff, c, lp);
    return moved;
  }

  #mergeInto(a: number): void {
    // Appends nodes[a+1] to nodes[a].
    const x = this.nodes[a]!;
    const y = this.nodes[a + 1]!;
    for (let o = y.start; o < y.end; o = y.next(o)) x.insertAt(x.end, y.valueAt(o));
    this.nodes.splice(a + 1, 1);
  }

  /** _quicklistMergeNodes around the node at `ci`. */
  #mergeAround(ci: number): void {
    const nodes = this.nodes;
    if (ci >= 2 && this.#allowMerge(nodes[ci - 2], nodes[ci - 1])) {
      this.#mergeInto(ci - 2);
      ci--;
    }
    if (this.#allowMerge(nodes[ci + 1], nodes[ci + 2])) this.#mergeInto(ci + 1);
    let target = ci;
    if (ci >= 1 && this.#allowMerge(nodes[ci - 1], nodes[ci])) {
      this.#mergeInto(ci - 1);
      target = ci - 1;
    }
    if (this.#allowMerge(nodes[target], nodes[target + 1])) this.#mergeInto(target);
  }

  /** Inserts `v` before (or after) the element at `pos` (quicklist.c's _quicklistInsert rules). */
  insert(pos: Pos, v: Uint8Array, after: boolean): void {
    const nodes = this.nodes;
    const ni = pos.node;
    const node = nodes[ni]!;
    const sz = v.length;
    const full = !this.#allowInsert(node, sz);
    // Index of the entry inside the node.
    let idx = 0;
    for (let o = node.start; o < pos.off; o = node.next(o)) idx++;
    const atTail = after && idx === node.count - 1;
    const atHead = !after && idx === 0;
    const availNext = atTail && this.#allowInsert(nodes[ni + 1], sz);
    const availPrev = atHead && this.#allowInsert(nodes[ni - 1], sz);
    this.count++;
    if (this.#large(sz)) {
      if (node.plain || atTail || atHead) {
        nodes.splice(after ? ni + 1 : ni, 0, nodeWith(v, true, false));
      } else {
        const moved = this.#split(ni, idx, after);
        if (after) nodes.splice(ni + 1, 0, nodeWith(v, true, false), moved);
        else nodes.splice(ni, 0, moved, nodeWith(v, true, false));
      }
      return;
    }
    if (!full) {
      node.insertAt(after ? node.next(pos.off) : pos.off, v);
    } else if (atTail && availNext) {
      const n = nodes[ni + 1]!;
      n.insertAt(n.start, v);
    } else if (atHead && availPrev) {
      const p = nodes[ni - 1]!;
      p.insertAt(p.end, v);
    } else if (atTail || atHead) {
      nodes.splice(after ? ni + 1 : ni, 0, nodeWith(v, false, false));
    } else {
      const moved = this.#split(ni, idx, after);
      if (after) moved.insertAt(moved.start, v);
      else moved.insertAt(moved.end, v);
      if (after) {
        nodes.splice(ni + 1, 0, moved);
        this.#mergeAround(ni);
      } else {
        nodes.splice(ni, 0, moved);
        this.#mergeAround(ni + 1);
      }
    }
  }

  /** Replaces the element at index `i`; false when out of range (quicklistReplaceEntry rules). */
  replace(i: number, v: Uint8Array): boolean {
    const pos = this.locate(i);
    if (pos === undefined) return false;
    const nodes = this.nodes;
    const node = nodes[pos.node]!;
    const large = this.#large(v.length);
    if (!node.plain && !large) {
      let idx = 0;
      for (let o = node.start; o < pos.off; o = node.next(o)) idx++;
      node.removeAt(pos.off);
      node.insertAt(idx >= node.count ? node.end : node.seek(idx), v);
      return true;
    }
    if (node.plain && large) {
      nodes[pos.node] = nodeWith(v, true, false);
      return true;
    }
    if (node.plain) {
      // Insert after the plain node, then drop it.
      this.insert(pos, v, true);
      const at = nodes.indexOf(node);
      nodes.splice(at, 1);
      this.count--;
      return true;
    }
    // A packed node and a large element: split after the entry, put a plain node after it, drop the entry.
    const ni = pos.node;
    let idx = 0;
    for (let o = node.start; o < pos.off; o = node.next(o)) idx++;
    const parts: QuicklistNode[] = [nodeWith(v, true, false)];
    if (idx !== node.count - 1) parts.push(this.#split(ni, idx, true));
    nodes.splice(ni + 1, 0, ...parts);
    this.count++;
    if (node.count === 1) {
      nodes.splice(ni, 1);
      this.count--;
    } else {
      node.removeAt(node.prev(node.end));
      this.count--;
      this.#mergeAround(ni + 1);
    }
    return true;
  }

  /** Every element, copied (tests and DEBUG). */
  toArray(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const node of this.nodes) {
      for (let o = node.start; o < node.end; o = node.next(o)) out.push(node.valueAt(o).slice());
    }
    return out;
  }

  dup(): Quicklist {
    const q = new Quicklist(this.fill);
    q.listpack = this.listpack;
    q.compress = this.compress;
    q.nodes = this.nodes.map((n) => n.dup());
    q.count = this.count;
    return q;
  }

  /** Bytes of memory the list costs. */
  get memory(): number {
    let m = 48 + this.nodes.length * 8;
    for (const n of this.nodes) m += n.memory;
    return m;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
