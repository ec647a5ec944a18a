/**
 * Byte slab allocator: the memory behind keyspace entries.
 *
 * Why
 * ---
 * One JS object per key costs ~100+ bytes of V8 heap before the key and value are even stored,
 * and puts millions of objects in front of the garbage collector. The slab keeps every small
 * entry as a run of bytes inside 1 MiB `ArrayBuffer` pages and names it by a 32-bit integer, a
 * *ref*, that the hash tables store in `Int32Array`s. The GC sees a few hundred buffers, not
 * millions of objects.
 *
 * References
 * ----------
 *
 *     small block (size <= 16 KiB), ref >= 0:
 *
 *          31  30            17 16                 0
 *         +---+----------------+--------------------+
 *         | 0 |  page (14 bits)| offset / 8 (17 bit)|     byte offset = (ref & 0x1ffff) << 3
 *         +---+----------------+--------------------+
 *
 *     large block (size > 16 KiB), ref <= -2:  a standalone ArrayBuffer, index = -2 - ref.
 *
 *     -1 is never a ref: the tables use it as "no entry".
 *
 * 16 384 pages of 1 MiB = 16 GiB of small entries. Blocks are 8-byte aligned so that `Int32Array`
 * and `Float64Array` views of a page can read a block's header words directly.
 *
 * Size classes
 * ------------
 * A request is rounded up to a class (the minimum block is 16 bytes, room for a free-list node):
 *
 *     16, 24, 32, ... 1024          every 8 bytes        (127 classes)
 *     1152, 1280, ... 2048          every 128 bytes      (8 classes)
 *     2304 ... 4096 / 4608 ... 8192 / 9216 ... 16384     (8 classes per power of two)
 *
 * so internal waste is < 8 bytes up to 1 KiB and < 12.5% above (jemalloc-like spacing). A
 * 16-byte key with a 16-byte value and an 8-byte header is exactly one 40-byte block.
 *
 * Page layout and free lists
 * --------------------------
 *
 *     page (1 MiB):  [blk][blk][free][blk][blk] ... [blk][free][free]|(tail carved on close)
 *                     ^ bump allocation from 0 while the page is "open"
 *
 *     free block:    int32 next-ref | int32 prev-ref | int32 block size | (rest unused)
 *
 * Allocation pops the head of the class's doubly linked free list, or bumps in the open page.
 * When the open page cannot fit a request, its tail is carved into free blocks (largest class
 * first) and a new page is opened. A freed block is pushed on its class list (LIFO reuse). There
 * is no splitting or coalescing: like a segregated-fit allocator (or jemalloc's slabs) a workload
 * that frees many blocks of one size and then allocates another size does not reuse the former.
 *
 * Returning memory: each page counts its live bytes. When a closed page's count drops to 0 it is
 * queued; `releaseEmptyPages(n)` (called from the server cron, never on the request path) walks
 * such a page block by block — every byte of a closed page is covered by blocks, and in an empty
 * page each block is a free node that records its size — unlinks the blocks from their lists and
 * drops the page's buffer. Work per released page is bounded by 1 MiB / 16 B = 65 536 nodes.
 * A dropped page (and every page and large buffer on `reset`, i.e. FLUSHDB/FLUSHALL) is detached
 * with {@link releaseNow}, so on Deno its memory leaves RSS at once instead of at the next major GC.
 *
 * RSS: pages are fixed 1 MiB buffers, never grown by doubling or copied, so nothing is held twice.
 * The runtime allocates them with calloc; glibc gives a 1 MiB request its own mapping (above the mmap
 * threshold; with `deno task start`'s MALLOC_MMAP_THRESHOLD_=16384 always), so a page's memory is
 * untouched zeros until written and is unmapped when freed, not stranded in the middle of the heap.
 * Measured in one process (no server), 1M entries of 16 + 16 bytes: 40 pages = 41 MB plus an 8.8 MB
 * table; the anonymous memory grew by 49.9 MB, the same as V8's `external` count (49.7 MB): the
 * keyspace costs no RSS beyond its buffers. What the server shows on top (V8's young generation,
 * socket buffers) is described in core/runtime/gc.ts.
 *
 * Accounting: `usedBytes` is the sum of live block sizes (what INFO used_memory reports for the
 * entries), `allocatedBytes` the pages plus large buffers actually held.
 *
 * Invariants
 * - every byte of a closed page in [0, pageEnd) belongs to exactly one live or free block;
 * - a free block is in exactly one list, the one of its size class;
 * - pageLive[p] = sum of live block sizes in page p; usedBytes = Σ pageLive + Σ large sizes.
 */

/** log2 of the page size. */
export const PAGE_SHIFT = 20;
/** Bytes per page (1 MiB). */
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Requests above this size get their own buffer (negative ref). */
export const LARGE_THRESHOLD = 16384;
/** Smallest block: a free-list node needs three int32 words; 16 keeps 8-byte alignment. */
export const MIN_BLOCK = 16;
/** Maximum number of pages a ref can address (14 bits). */
export const MAX_PAGES = 1 << 14;

const OFFSET_BITS = 17;
const OFFSET_MASK = (1 << OFFSET_BITS) - 1;
const NONE = -1;

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);

/**
 * Gives the memory of `a`'s buffer back now rather than at the next major collection: `transfer(0)`
 * detaches the buffer, and V8 (Deno) frees a detached backing store at once (an 8 MiB table or a 1 MiB page
 * leaves RSS immediately; an idle server may not run a major GC for minutes). JavaScriptCore (Bun) still
 * waits for its collector. Only for arrays nothing else may read any more; the shared empty arrays (length
 * 0) are never detached.
 */
export function releaseNow(a: Uint8Array | Int32Array): void {
  const buf = a.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (buf.byteLength > 0 && typeof buf.transfer === "function") buf.transfer(0);
}

/** Number of size classes (index 0 and 1 unused: the smallest class index is 2 = 16 bytes). */
const CLASS_COUNT = 161;
const CLASS_BYTES = new Int32Array(CLASS_COUNT);
for (let c = 2; c <= 128; c++) CLASS_BYTES[c] = c << 3;
for (let l = 10; l <= 13; l++) {
  for (let k = 0; k < 8; k++) CLASS_BYTES[129 + (l - 10) * 8 + k] = (9 + k) << (l - 3);
}

/** Class index of a small request (1..16384 bytes). */
function classIndex(size: number): number {
  if (size <= 1024) return size <= MIN_BLOCK ? 2 : (size + 7) >> 3;
  const s = size - 1;
  const l = 31 - Math.clz32(s); // 10..13
  const shift = l - 3;
  const units = (s >> shift) + 1; // 9..16 steps of (1 << shift)
  return 129 + (l - 10) * 8 + units - 9;
}

/** Largest class size that fits in `room` bytes (room >= 16, multiple of 8). */
function floorClassBytes(room: number): number {
  if (room <= 1024) return room;
  if (room >= LARGE_THRESHOLD) return LARGE_THRESHOLD;
  const l = 31 - Math.clz32(room);
  const step = 1 << (l - 3);
  return room & ~(step - 1);
}

/** Bytes actually reserved for a request of `size` bytes (class size, or rounded large size). */
export function reservedBytes(size: number): number {
  if (size > LARGE_THRESHOLD) return (size + 7) & ~7;
  return CLASS_BYTES[classIndex(size)]!;
}

export class Slab {
  // Pages, by page id. Released pages hold the shared empty arrays.
  private pageU8: Uint8Array[] = [];
  private pageI32: Int32Array[] = [];
  private pageLive: number[] = [];
  private pageEnd: number[] = [];
  private pageQueued: Uint8Array = new Uint8Array(64);
  private freePageIds: number[] = [];
  private emptyQueue: number[] = [];
  private heads: Int32Array = new Int32Array(CLASS_COUNT).fill(NONE);
  private openPage = NONE;
  private bump = PAGE_SIZE;
  // Standalone buffers for large blocks, by index (-2 - ref).
  private largeU8: Uint8Array[] = [];
  private largeI32: Int32Array[] = [];
  private freeLargeIds: number[] = [];
  private live = 0;
  private held = 0;
  private pagesHeld = 0;

  /** Bytes in live blocks (class-rounded). */
  get usedBytes(): number {
    return this.live;
  }

  /** Bytes of pages and large buffers held. */
  get allocatedBytes(): number {
    return this.held;
  }

  /** Pages currently held (not released). */
  get pageCount(): number {
    return this.pagesHeld;
  }

  /** Number of live large blocks. */
  get largeCount(): number {
    return this.largeU8.length - this.freeLargeIds.length;
  }

  /** Allocates `size` bytes (size >= 0); returns the block's ref. Contents are unspecified. */
  alloc(size: number): number {
    if (size > LARGE_THRESHOLD) return this.allocLarge(size);
    const cls = classIndex(size);
    const bytes = CLASS_BYTES[cls]!;
    const head = this.heads[cls]!;
    this.live += bytes;
    if (head !== NONE) {
      const i32 = this.pageI32[head >>> OFFSET_BITS]!;
      const w = (head & OFFSET_MASK) << 1;
      const next = i32[w]!;
      this.heads[cls] = next;
      if (next !== NONE) this.pageI32[next >>> OFFSET_BITS]![((next & OFFSET_MASK) << 1) + 1] = NONE;
      this.pageLive[head >>> OFFSET_BITS]! += bytes;
      return head;
    }
    if (this.bump + bytes > PAGE_SIZE) this.openNewPage();
    const ref = (this.openPage << OFFSET_BITS) | (this.bump >>> 3);
    this.bump += bytes;
    this.pageLive[this.openPage]! += bytes;
    return ref;
  }

  /**
   * Allocates like {@link alloc} but never from a free list: the block is carved from the open page (or
   * a new one). Compaction moves blocks out of sparse pages with it, so they do not land in another
   * sparse page's holes.
   */
  allocFresh(size: number): number {
    if (size > LARGE_THRESHOLD) return this.allocLarge(size);
    const bytes = CLASS_BYTES[classIndex(size)]!;
    this.live += bytes;
    if (this.bump + bytes > PAGE_SIZE) this.openNewPage();
    const ref = (this.openPage << OFFSET_BITS) | (this.bump >>> 3);
    this.bump += bytes;
    this.pageLive[this.openPage]! += bytes;
    return ref;
  }

  /**
   * Live bytes of the page holding `ref` as a fraction of the page (1 for large blocks and the open
   * page, which compaction leaves alone).
   */
  pageFill(ref: number): number {
    if (ref < 0) return 1;
    const page = ref >>> OFFSET_BITS;
    if (page === this.openPage) return 1;
    return this.pageLive[page]! / PAGE_SIZE;
  }

  /** Frees a block; `size` must be the size it was allocated with (or any size of the same class). */
  free(ref: number, size: number): void {
    if (ref < 0) {
      this.freeLarge(ref);
      return;
    }
    const cls = classIndex(size);
    const bytes = CLASS_BYTES[cls]!;
    const page = ref >>> OFFSET_BITS;
    this.pushFree(ref, cls, bytes);
    this.live -= bytes;
    const left = this.pageLive[page]! - bytes;
    this.pageLive[page] = left;
    if (left === 0 && page !== this.openPage && this.pageQueued[page] === 0) {
      this.pageQueued[page] = 1;
      this.emptyQueue.push(page);
    }
  }

  /** The byte array holding `ref` (a page or a standalone buffer). */
  u8(ref: number): Uint8Array {
    return ref >= 0 ? this.pageU8[ref >>> OFFSET_BITS]! : this.largeU8[-2 - ref]!;
  }

  /** An `Int32Array` over the same buffer as {@link u8}; word index = byte offset >> 2. */
  i32(ref: number): Int32Array {
    return ref >= 0 ? this.pageI32[ref >>> OFFSET_BITS]! : this.largeI32[-2 - ref]!;
  }

  /** Byte offset of `ref` inside {@link u8}'s array (8-byte aligned). */
  offset(ref: number): number {
    return ref >= 0 ? (ref & OFFSET_MASK) << 3 : 0;
  }

  /** Bytes of `size` bytes starting at the block: a view that is valid until the block is freed. */
  view(ref: number, size: number): Uint8Array {
    const off = this.offset(ref);
    return this.u8(ref).subarray(off, off + size);
  }

  /**
   * Releases up to `maxPages` pages whose live byte count dropped to zero; returns how many were
   * released. Meant for the cron: cost is bounded by 65 536 free-list unlinks per page.
   */
  releaseEmptyPages(maxPages: number = Infinity): number {
    let released = 0;
    while (released < maxPages && this.emptyQueue.length > 0) {
      const page = this.emptyQueue.pop()!;
      this.pageQueued[page] = 0;
      if (this.pageLive[page] !== 0 || page === this.openPage || this.pageU8[page] === EMPTY_U8) continue;
      const i32 = this.pageI32[page]!;
      const end = this.pageEnd[page]!;
      let off = 0;
      while (off < end) {
        const bytes = i32[(off >> 2) + 2]!;
        this.unlink((page << OFFSET_BITS) | (off >>> 3), classIndex(bytes));
        off += bytes;
      }
      releaseNow(this.pageU8[page]!);
      this.pageU8[page] = EMPTY_U8;
      this.pageI32[page] = EMPTY_I32;
      this.held -= PAGE_SIZE;
      this.pagesHeld--;
      this.freePageIds.push(page);
      released++;
    }
    return released;
  }

  /** Drops every block and page (their memory goes back at once: see {@link releaseNow}). */
  reset(): void {
    for (const u8 of this.pageU8) releaseNow(u8);
    for (const u8 of this.largeU8) releaseNow(u8);
    this.pageU8 = [];
    this.pageI32 = [];
    this.pageLive = [];
    this.pageEnd = [];
    this.pageQueued = new Uint8Array(64);
    this.freePageIds = [];
    this.emptyQueue = [];
    this.heads.fill(NONE);
    this.openPage = NONE;
    this.bump = PAGE_SIZE;
    this.largeU8 = [];
    this.largeI32 = [];
    this.freeLargeIds = [];
    this.live = 0;
    this.held = 0;
    this.pagesHeld = 0;
  }

  private pushFree(ref: number, cls: number, bytes: number): void {
    const i32 = this.pageI32[ref >>> OFFSET_BITS]!;
    const w = (ref & OFFSET_MASK) << 1;
    const head = this.heads[cls]!;
    i32[w] = head;
    i32[w + 1] = NONE;
    i32[w + 2] = bytes;
    if (head !== NONE) this.pageI32[head >>> OFFSET_BITS]![((head & OFFSET_MASK) << 1) + 1] = ref;
    this.heads[cls] = ref;
  }

  private unlink(ref: number, cls: number): void {
    const i32 = this.pageI32[ref >>> OFFSET_BITS]!;
    const w = (ref & OFFSET_MASK) << 1;
    const next = i32[w]!;
    const prev = i32[w + 1]!;
    if (prev === NONE) this.heads[cls] = next;
    else this.pageI32[prev >>> OFFSET_BITS]![(prev & OFFSET_MASK) << 1] = next;
    if (next !== NONE) this.pageI32[next >>> OFFSET_BITS]![((next & OFFSET_MASK) << 1) + 1] = prev;
  }

  private openNewPage(): void {
    const old = this.openPage;
    if (old !== NONE) {
      // Carve the unused tail into free blocks so the page is fully covered by blocks.
      let off = this.bump;
      while (PAGE_SIZE - off >= MIN_BLOCK) {
        const bytes = floorClassBytes(PAGE_SIZE - off);
        this.pushFree((old << OFFSET_BITS) | (off >>> 3), classIndex(bytes), bytes);
        off += bytes;
      }
      this.pageEnd[old] = off;
      if (this.pageLive[old] === 0 && this.pageQueued[old] === 0) {
        this.pageQueued[old] = 1;
        this.emptyQueue.push(old);
      }
    }
    let page = this.freePageIds.pop();
    if (page === undefined) {
      page = this.pageU8.length;
      if (page >= MAX_PAGES) throw new RangeError("slab: out of page references (16 GiB of small entries)");
      this.pageU8.push(EMPTY_U8);
      this.pageI32.push(EMPTY_I32);
      this.pageLive.push(0);
      this.pageEnd.push(0);
      if (page >= this.pageQueued.length) {
        const q = new Uint8Array(this.pageQueued.length * 2);
        q.set(this.pageQueued);
        this.pageQueued = q;
      }
    }
    const buf = new ArrayBuffer(PAGE_SIZE);
    this.pageU8[page] = new Uint8Array(buf);
    this.pageI32[page] = new Int32Array(buf);
    this.pageLive[page] = 0;
    this.pageEnd[page] = PAGE_SIZE;
    this.held += PAGE_SIZE;
    this.pagesHeld++;
    this.openPage = page;
    this.bump = 0;
  }

  private allocLarge(size: number): number {
    const bytes = (size + 7) & ~7;
    const buf = new ArrayBuffer(bytes);
    let id = this.freeLargeIds.pop();
    if (id === undefined) {
      id = this.largeU8.length;
      this.largeU8.push(EMPTY_U8);
      this.largeI32.push(EMPTY_I32);
    }
    this.largeU8[id] = new Uint8Array(buf);
    this.largeI32[id] = new Int32Array(buf);
    this.live += bytes;
    this.held += bytes;
    return -2 - id;
  }

  private freeLarge(ref: number): void {
    const id = -2 - ref;
    const bytes = this.largeU8[id]!.length;
    this.largeU8[id] = EMPTY_U8;
    this.largeI32[id] = EMPTY_I32;
    this.freeLargeIds.push(id);
    this.live -= bytes;
    this.held -= bytes;
  }
}
