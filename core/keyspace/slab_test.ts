import assert from "node:assert/strict";
import { LARGE_THRESHOLD, MIN_BLOCK, PAGE_SIZE, reservedBytes, Slab } from "./slab.ts";

/** Writes a recognisable pattern over a whole block. */
function stamp(slab: Slab, ref: number, size: number, seed: number): void {
  const u8 = slab.u8(ref);
  const off = slab.offset(ref);
  for (let i = 0; i < size; i++) u8[off + i] = (seed + i * 7) & 0xff;
}

function stamped(slab: Slab, ref: number, size: number, seed: number): boolean {
  const u8 = slab.u8(ref);
  const off = slab.offset(ref);
  for (let i = 0; i < size; i++) if (u8[off + i] !== ((seed + i * 7) & 0xff)) return false;
  return true;
}

Deno.test("reservedBytes rounds to the documented size classes", () => {
  const cases: [number, number][] = [
    [0, 16],
    [1, 16],
    [16, 16],
    [17, 24],
    [40, 40],
    [41, 48],
    [1023, 1024],
    [1024, 1024],
    [1025, 1152],
    [1152, 1152],
    [1153, 1280],
    [2048, 2048],
    [2049, 2304],
    [4097, 4608],
    [9000, 9216],
    [16384, 16384],
    [16385, 16392],
    [100000, 100000],
    [100001, 100008],
  ];
  for (const [size, want] of cases) assert.equal(reservedBytes(size), want, `size ${size}`);
  // Waste stays under 8 bytes up to 1 KiB and under 12.5% above.
  for (let size = 1; size <= LARGE_THRESHOLD; size++) {
    const r = reservedBytes(size);
    assert.ok(r >= size && r % 8 === 0);
    if (size > MIN_BLOCK && size <= 1024) assert.ok(r - size < 8);
    if (size > 1024) assert.ok((r - size) / size < 0.125);
  }
});

Deno.test("allocations are 8-byte aligned, disjoint, and keep their contents", () => {
  const slab = new Slab();
  const blocks: [number, number][] = [];
  let seed = 1;
  for (let i = 0; i < 20000; i++) {
    const size = (i * 37) % 3000;
    const ref = slab.alloc(size);
    assert.ok(ref >= 0);
    assert.equal(slab.offset(ref) % 8, 0);
    stamp(slab, ref, size, seed++);
    blocks.push([ref, size]);
  }
  seed = 1;
  for (const [ref, size] of blocks) assert.ok(stamped(slab, ref, size, seed++));
  let used = 0;
  for (const [, size] of blocks) used += reservedBytes(size);
  assert.equal(slab.usedBytes, used);
  assert.ok(slab.pageCount > 1);
  assert.equal(slab.allocatedBytes, slab.pageCount * PAGE_SIZE);
});

Deno.test("a freed block is reused by the next allocation of the same class", () => {
  const slab = new Slab();
  const a = slab.alloc(40);
  const b = slab.alloc(40);
  const c = slab.alloc(100);
  slab.free(b, 40);
  assert.equal(slab.alloc(33), b); // 33 rounds to 40 as well
  slab.free(a, 40);
  slab.free(c, 100);
  assert.equal(slab.alloc(100), c);
  assert.equal(slab.alloc(40), a);
  assert.equal(slab.usedBytes, 40 + 40 + 104);
});

Deno.test("free lists are LIFO and survive interleaved frees and allocations", () => {
  const slab = new Slab();
  const refs: number[] = [];
  for (let i = 0; i < 1000; i++) refs.push(slab.alloc(24));
  for (let i = 0; i < 1000; i += 2) slab.free(refs[i]!, 24);
  const again = new Set<number>();
  for (let i = 0; i < 500; i++) again.add(slab.alloc(24));
  const freed = new Set(refs.filter((_, i) => i % 2 === 0));
  assert.deepEqual(again, freed);
  assert.equal(slab.usedBytes, 1000 * 24);
  // Last freed, first reused.
  slab.free(refs[1]!, 24);
  slab.free(refs[3]!, 24);
  slab.free(refs[5]!, 24);
  assert.equal(slab.alloc(24), refs[5]);
  assert.equal(slab.alloc(24), refs[3]);
  assert.equal(slab.alloc(24), refs[1]);
});

Deno.test("large allocations get their own buffer and a negative ref", () => {
  const slab = new Slab();
  const size = LARGE_THRESHOLD + 1;
  const ref = slab.alloc(size);
  assert.ok(ref <= -2);
  assert.equal(slab.offset(ref), 0);
  assert.equal(slab.u8(ref).length, reservedBytes(size));
  assert.equal(slab.i32(ref).buffer, slab.u8(ref).buffer);
  stamp(slab, ref, size, 9);
  const big = slab.alloc(3 * PAGE_SIZE);
  assert.ok(big <= -2 && big !== ref);
  assert.ok(stamped(slab, ref, size, 9));
  assert.equal(slab.usedBytes, reservedBytes(size) + 3 * PAGE_SIZE);
  assert.equal(slab.allocatedBytes, reservedBytes(size) + 3 * PAGE_SIZE);
  assert.equal(slab.largeCount, 2);
  slab.free(ref, size);
  assert.equal(slab.largeCount, 1);
  assert.equal(slab.usedBytes, 3 * PAGE_SIZE);
  assert.equal(slab.alloc(LARGE_THRESHOLD + 100), ref); // the index is reused
  slab.free(big, 3 * PAGE_SIZE);
  assert.equal(slab.allocatedBytes, reservedBytes(LARGE_THRESHOLD + 100));
});

Deno.test("view returns the block's bytes", () => {
  const slab = new Slab();
  const ref = slab.alloc(10);
  const v = slab.view(ref, 10);
  v.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(slab.u8(ref)[slab.offset(ref) + 9], 10);
  assert.equal(slab.view(ref, 10).length, 10);
});

Deno.test("pages whose blocks are all freed are released and their memory accounted", () => {
  const slab = new Slab();
  const perPage = PAGE_SIZE / 64;
  const refs: number[] = [];
  for (let i = 0; i < perPage * 3 + 10; i++) refs.push(slab.alloc(64));
  assert.equal(slab.pageCount, 4);
  // Free the whole first page and half of the second.
  for (let i = 0; i < perPage; i++) slab.free(refs[i]!, 64);
  for (let i = perPage; i < perPage + perPage / 2; i++) slab.free(refs[i]!, 64);
  assert.equal(slab.releaseEmptyPages(), 1);
  assert.equal(slab.pageCount, 3);
  assert.equal(slab.allocatedBytes, 3 * PAGE_SIZE);
  assert.equal(slab.usedBytes, (perPage * 3 + 10 - perPage - perPage / 2) * 64);
  // The released page's blocks left the free lists: new blocks come from the half-empty page.
  const firstPage = refs[0]! >>> 17;
  for (let i = 0; i < perPage / 2; i++) {
    const ref = slab.alloc(64);
    assert.notEqual(ref >>> 17, firstPage);
    assert.equal(ref >>> 17, refs[perPage]! >>> 17);
  }
  // Survivors kept their contents.
  stamp(slab, refs[perPage * 2]!, 64, 3);
  assert.ok(stamped(slab, refs[perPage * 2]!, 64, 3));
});

Deno.test("released pages, reset pages and large buffers are detached so their memory goes back at once", () => {
  const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === "function";
  const slab = new Slab();
  const perPage = PAGE_SIZE / 1024;
  const first: number[] = [];
  for (let i = 0; i < perPage; i++) first.push(slab.alloc(1024));
  const kept = slab.alloc(1024); // opens page 1, closing page 0
  const large = slab.alloc(LARGE_THRESHOLD + 1);
  const page0 = slab.u8(first[0]!);
  const page1 = slab.u8(kept);
  const largeU8 = slab.u8(large);
  for (const ref of first) slab.free(ref, 1024);
  assert.equal(slab.releaseEmptyPages(), 1);
  assert.equal(page0.byteLength, canDetach ? 0 : PAGE_SIZE);
  // A page still in use is untouched.
  stamp(slab, kept, 1024, 5);
  assert.ok(stamped(slab, kept, 1024, 5));
  slab.reset();
  assert.equal(page1.byteLength, canDetach ? 0 : PAGE_SIZE);
  assert.equal(largeU8.byteLength, canDetach ? 0 : reservedBytes(LARGE_THRESHOLD + 1));
  // The slab works as new afterwards.
  const ref = slab.alloc(40);
  stamp(slab, ref, 40, 9);
  assert.ok(stamped(slab, ref, 40, 9));
  assert.equal(slab.pageCount, 1);
});

Deno.test("a released page id is reused when a new page is needed", () => {
  const slab = new Slab();
  const perPage = PAGE_SIZE / 1024;
  const first: number[] = [];
  for (let i = 0; i < perPage; i++) first.push(slab.alloc(1024));
  slab.alloc(1024); // opens page 1, closing page 0
  for (const ref of first) slab.free(ref, 1024);
  assert.equal(slab.releaseEmptyPages(), 1);
  // Fill page 1, then the next page must be page 0 again.
  for (let i = 1; i < perPage; i++) assert.equal(slab.alloc(1024) >>> 17, 1);
  assert.equal(slab.alloc(1024) >>> 17, 0);
  assert.equal(slab.pageCount, 2);
});

Deno.test("the open page is never released and the release budget is honoured", () => {
  const slab = new Slab();
  const a = slab.alloc(100);
  slab.free(a, 100);
  assert.equal(slab.releaseEmptyPages(), 0);
  assert.equal(slab.pageCount, 1);
  // Three closed empty pages, released one at a time.
  const slab2 = new Slab();
  const perPage = PAGE_SIZE / 4096;
  const refs: number[] = [];
  for (let i = 0; i < perPage * 3; i++) refs.push(slab2.alloc(4096));
  slab2.alloc(16); // open a 4th page
  for (const ref of refs) slab2.free(ref, 4096);
  assert.equal(slab2.releaseEmptyPages(1), 1);
  assert.equal(slab2.releaseEmptyPages(5), 2);
  assert.equal(slab2.pageCount, 1);
  assert.equal(slab2.usedBytes, 16);
});

Deno.test("a page whose tail was carved into free blocks can still be released", () => {
  const slab = new Slab();
  // 1000-byte blocks leave a 576-byte tail in a 1 MiB page; it is carved on close.
  const refs: number[] = [];
  const perPage = Math.floor(PAGE_SIZE / 1000);
  for (let i = 0; i < perPage; i++) refs.push(slab.alloc(1000));
  const next = slab.alloc(1000);
  assert.notEqual(next >>> 17, refs[0]! >>> 17);
  // The carved tail is reusable...
  const tail = slab.alloc(PAGE_SIZE - perPage * 1000);
  assert.equal(tail >>> 17, refs[0]! >>> 17);
  slab.free(tail, PAGE_SIZE - perPage * 1000);
  // ...and once every block is free the page goes.
  for (const ref of refs) slab.free(ref, 1000);
  assert.equal(slab.releaseEmptyPages(), 1);
  assert.equal(slab.usedBytes, 1000);
});

Deno.test("reset drops all memory", () => {
  const slab = new Slab();
  for (let i = 0; i < 5000; i++) slab.alloc(300);
  slab.alloc(LARGE_THRESHOLD * 2);
  slab.reset();
  assert.equal(slab.usedBytes, 0);
  assert.equal(slab.allocatedBytes, 0);
  assert.equal(slab.pageCount, 0);
  const ref = slab.alloc(8);
  assert.equal(ref, 0);
});
