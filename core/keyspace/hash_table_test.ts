import assert from "node:assert/strict";
import { hashOf } from "./hash.ts";
import {
  type EntryAccess,
  HashTable,
  nextBucketExp,
  nextCursor,
  NO_REF,
  reverseBits32,
} from "./hash_table.ts";
import { mulberry32 as rng } from "../util/prng.ts";

/**
 * Test entries: ref -> key bytes. Odd indexes use negative refs (-2 - index) so the table is also
 * exercised with the slab's "large block" refs.
 */
class Keys implements EntryAccess {
  keys: Uint8Array[] = [];
  constructor(readonly hashFn: (key: Uint8Array) => number = hashOf) {}

  add(key: Uint8Array): number {
    this.keys.push(key);
    const i = this.keys.length - 1;
    return i % 2 === 0 ? i : -2 - i;
  }

  key(ref: number): Uint8Array {
    return this.keys[ref >= 0 ? ref : -2 - ref]!;
  }

  keyEquals(ref: number, key: Uint8Array): boolean {
    const k = this.key(ref);
    if (k.length !== key.length) return false;
    for (let i = 0; i < k.length; i++) if (k[i] !== key[i]) return false;
    return true;
  }

  hashOfRef(ref: number): number {
    return this.hashFn(this.key(ref));
  }
}

/** `n` distinct binary keys: the empty key, every single byte, then random bytes of length 0..40. */
function binaryKeys(n: number, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(0)];
  const seen = new Set<string>([""]);
  for (let b = 0; b < 256; b++) {
    out.push(Uint8Array.of(b));
    seen.add(String.fromCharCode(b));
  }
  for (let b = 0; b < 256; b++) {
    out.push(Uint8Array.of(b, 0));
    seen.add(String.fromCharCode(b, 0));
  }
  const rand = rng(seed);
  while (out.length < n) {
    const len = 1 + Math.floor(rand() * 40);
    const k = new Uint8Array(len);
    for (let i = 0; i < len; i++) k[i] = Math.floor(rand() * 256);
    const s = String.fromCharCode(...k);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(k);
  }
  return out.slice(0, n);
}

/** Child buckets a chain of `n` entries has under the chain invariant (11 per chained bucket, last 2..12). */
function childrenFor(n: number): number {
  return n <= 12 ? 0 : Math.ceil((n - 12) / 11);
}

Deno.test("scan cursors advance in reverse-binary order", () => {
  assert.equal(reverseBits32(1), 0x80000000);
  assert.equal(reverseBits32(0x80000000), 1);
  assert.equal(reverseBits32(0xf0), 0x0f000000);
  const seq = [0];
  let c = 0;
  do {
    c = nextCursor(c, 3);
    seq.push(c);
  } while (c !== 0);
  assert.deepEqual(seq, [0, 2, 1, 3, 0]);
  assert.equal(nextCursor(0, 0), 0);
  // High bits beyond the mask are dropped, as in Valkey.
  assert.equal(nextCursor(0xfffffff0, 7), 4);
  assert.equal(nextCursor(0xffffffff, 0xffffffff), 0);
});

Deno.test("bucket counts follow Valkey's 12-entry sizing rule", () => {
  assert.equal(nextBucketExp(0), -1);
  assert.equal(nextBucketExp(1), 0);
  assert.equal(nextBucketExp(10), 0);
  assert.equal(nextBucketExp(11), 1);
  assert.equal(nextBucketExp(1_000_000), 17);
  for (let n = 1; n < 100000; n += 997) {
    const buckets = 2 ** nextBucketExp(n);
    assert.ok(n / (buckets * 12) <= 32 / 3 / 12 + 1e-9, `fill for ${n}`);
    assert.ok(buckets === 1 || n / (buckets / 2 * 12) > 32 / 3 / 12 - 1e-9, `minimal for ${n}`);
  }
});

Deno.test("an empty table finds nothing and scans to 0", () => {
  const t = new HashTable(new Keys());
  const k = new Uint8Array(3);
  assert.equal(t.size, 0);
  assert.equal(t.find(k, hashOf(k)), NO_REF);
  assert.equal(t.delete(k, hashOf(k)), NO_REF);
  assert.equal(t.deleteRef(5, 1), false);
  assert.equal(t.replace(5, 6, 1), false);
  assert.equal(t.scan(0, () => assert.fail("no entries")), 0);
  assert.equal(t.randomRef(), NO_REF);
  assert.equal(t.sample(5, () => assert.fail("no entries")), 0);
  assert.equal(t.memoryBytes(), 0);
});

Deno.test("200k binary keys (every byte value, the empty key) are inserted, found, replaced and deleted", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(200000, 1);
  const refs = all.map((k) => keys.add(k));
  for (let i = 0; i < all.length; i++) t.insert(refs[i]!, hashOf(all[i]!));
  assert.equal(t.size, all.length);
  for (let i = 0; i < all.length; i++) assert.equal(t.find(all[i]!, hashOf(all[i]!)), refs[i]);
  // Absent keys: each present key with one more byte (and a few that collide on prefix).
  for (let i = 0; i < 5000; i++) {
    const k = new Uint8Array(all[i]!.length + 1);
    k.set(all[i]!);
    k[k.length - 1] = 0xff;
    const ref = t.find(k, hashOf(k));
    if (ref !== NO_REF) assert.ok(keys.keyEquals(ref, k)); // only if that longer key exists too
  }
  // Replace every 5th ref by a new ref for the same key.
  for (let i = 0; i < all.length; i += 5) {
    const fresh = keys.add(all[i]!.slice());
    assert.ok(t.replace(refs[i]!, fresh, hashOf(all[i]!)));
    refs[i] = fresh;
  }
  // Delete every 3rd key by key, every 7th (not 3rd) by ref.
  for (let i = 0; i < all.length; i++) {
    const h = hashOf(all[i]!);
    if (i % 3 === 0) assert.equal(t.delete(all[i]!, h), refs[i]);
    else if (i % 7 === 0) assert.ok(t.deleteRef(refs[i]!, h));
  }
  let live = 0;
  for (let i = 0; i < all.length; i++) {
    const gone = i % 3 === 0 || i % 7 === 0;
    assert.equal(t.find(all[i]!, hashOf(all[i]!)), gone ? NO_REF : refs[i]);
    if (!gone) live++;
  }
  assert.equal(t.size, live);
  assert.equal(t.delete(all[0]!, hashOf(all[0]!)), NO_REF);
  // Drain: the table shrinks back to a single bucket without children.
  for (let i = 0; i < all.length; i++) t.delete(all[i]!, hashOf(all[i]!));
  while (t.rehashing) t.rehashMicroseconds(1000);
  t.resizeIfNeeded();
  assert.equal(t.size, 0);
  assert.equal(t.childBuckets, 0);
  assert.equal(t.buckets, 1);
  assert.equal(t.memoryBytes(), 64);
});

Deno.test("lookups, inserts and deletes stay correct in the middle of growing rehashes", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(60000, 2);
  const rand = rng(3);
  let midRehashChecks = 0;
  for (let i = 0; i < all.length; i++) {
    t.insert(keys.add(all[i]!), hashOf(all[i]!));
    if (t.rehashing) {
      for (let j = 0; j < 3; j++) {
        const k = all[Math.floor(rand() * (i + 1))]!;
        assert.ok(keys.keyEquals(t.find(k, hashOf(k)), k));
        midRehashChecks++;
      }
    }
  }
  assert.ok(midRehashChecks > 1000, `${midRehashChecks} checks mid-rehash`);
  assert.equal(t.size, all.length);
});

Deno.test("every key is visible from either table while a rehash is paused mid-way", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(40000, 4);
  // Grow until a rehash of a big table starts, move about half of its old buckets (each find
  // moves one), then look everything up from inside a scan callback, which pauses rehashing.
  let inserted = 0;
  while (!(t.rehashing && inserted >= 20000)) {
    t.insert(keys.add(all[inserted]!), hashOf(all[inserted]!));
    inserted++;
  }
  const oldBuckets = t.buckets / 3; // growing: the new table has twice the old one's buckets
  for (let i = 0; i < oldBuckets / 2; i++) t.find(all[0]!, hashOf(all[0]!));
  assert.ok(t.rehashing);
  let checked = false;
  t.scan(0, () => {
    if (checked) return;
    checked = true;
    for (let i = 0; i < inserted; i++) assert.ok(keys.keyEquals(t.find(all[i]!, hashOf(all[i]!)), all[i]!));
    assert.ok(t.rehashing);
  });
  assert.ok(checked);
});

Deno.test("deleting most keys shrinks the table through a rehash with correct lookups", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(50000, 5);
  const refs = all.map((k) => keys.add(k));
  for (let i = 0; i < all.length; i++) t.insert(refs[i]!, hashOf(all[i]!));
  while (t.rehashing) t.rehashMicroseconds(1000);
  const bigBuckets = t.buckets;
  const rand = rng(6);
  let shrinkSeen = false;
  for (let i = 0; i < 48000; i++) {
    assert.equal(t.delete(all[i]!, hashOf(all[i]!)), refs[i]);
    if (t.rehashing) {
      shrinkSeen = true;
      const j = 48000 + Math.floor(rand() * 2000);
      assert.equal(t.find(all[j]!, hashOf(all[j]!)), refs[j]);
      const d = Math.floor(rand() * (i + 1));
      assert.equal(t.find(all[d]!, hashOf(all[d]!)), NO_REF);
    }
  }
  assert.ok(shrinkSeen);
  while (t.rehashing) t.rehashMicroseconds(1000);
  assert.ok(t.buckets < bigBuckets / 8, `${t.buckets} vs ${bigBuckets}`);
  for (let i = 48000; i < 50000; i++) assert.equal(t.find(all[i]!, hashOf(all[i]!)), refs[i]);
  assert.equal(t.size, 2000);
});

Deno.test("rehashMicroseconds finishes a rehash and reports the buckets moved", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(30000, 7);
  let i = 0;
  while (!t.rehashing || t.size < 10000) {
    t.insert(keys.add(all[i]!), hashOf(all[i]!));
    i++;
  }
  const moved = t.rehashMicroseconds(1_000_000);
  assert.ok(moved > 0);
  assert.equal(t.rehashing, false);
  assert.equal(t.rehashMicroseconds(1000), 0);
  for (let j = 0; j < i; j++) assert.ok(keys.keyEquals(t.find(all[j]!, hashOf(all[j]!)), all[j]!));
});

/** Runs a full scan, calling `between` after every cursor call; returns the emitted refs. */
function fullScan(t: HashTable, between: () => void): Set<number> {
  const seen = new Set<number>();
  let cursor = 0;
  let calls = 0;
  do {
    cursor = t.scan(cursor, (ref) => seen.add(ref));
    between();
    assert.ok(++calls < 10_000_000);
  } while (cursor !== 0);
  return seen;
}

Deno.test("scan returns every key present for the whole scan while the table grows between calls", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(60000, 8);
  const stable: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const ref = keys.add(all[i]!);
    t.insert(ref, hashOf(all[i]!));
    stable.push(ref);
  }
  const before = t.buckets;
  let next = 3000;
  let sawRehash = false;
  const seen = fullScan(t, () => {
    for (let j = 0; j < 40 && next < all.length; j++, next++) {
      t.insert(keys.add(all[next]!), hashOf(all[next]!));
    }
    if (t.rehashing) sawRehash = true;
  });
  assert.ok(sawRehash);
  assert.ok(t.buckets >= before * 4, `grew from ${before} to ${t.buckets}`);
  for (const ref of stable) assert.ok(seen.has(ref), `missed ${ref}`);
});

Deno.test("scan returns every key present for the whole scan while the table shrinks between calls", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(80000, 9);
  const refs = all.map((k) => keys.add(k));
  for (let i = 0; i < all.length; i++) t.insert(refs[i]!, hashOf(all[i]!));
  while (t.rehashing) t.rehashMicroseconds(1000);
  const before = t.buckets;
  // Keys 0..1999 stay; the others are deleted progressively during the scan.
  let next = 2000;
  let sawRehash = false;
  const seen = fullScan(t, () => {
    for (let j = 0; j < 300 && next < all.length; j++, next++) t.delete(all[next]!, hashOf(all[next]!));
    if (t.rehashing) sawRehash = true;
  });
  assert.ok(sawRehash);
  while (t.rehashing) t.rehashMicroseconds(1000);
  assert.ok(t.buckets <= before / 16, `shrank from ${before} to ${t.buckets}`);
  for (let i = 0; i < 2000; i++) assert.ok(seen.has(refs[i]!), `missed ${i}`);
});

Deno.test("scan keeps its guarantee under random growth and shrinkage", () => {
  for (let round = 0; round < 4; round++) {
    const keys = new Keys();
    const t = new HashTable(keys);
    const rand = rng(100 + round);
    const all = binaryKeys(40000, 10 + round);
    const stable: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const ref = keys.add(all[i]!);
      t.insert(ref, hashOf(all[i]!));
      stable.push(ref);
    }
    const volatile: Uint8Array[] = [];
    let next = 1500;
    const seen = fullScan(t, () => {
      const grow = rand() < 0.5;
      const n = Math.floor(rand() * 400);
      for (let j = 0; j < n; j++) {
        if (grow && next < all.length) {
          t.insert(keys.add(all[next]!), hashOf(all[next]!));
          volatile.push(all[next]!);
          next++;
        } else if (!grow && volatile.length > 0) {
          const k = volatile.splice(Math.floor(rand() * volatile.length), 1)[0]!;
          assert.notEqual(t.delete(k, hashOf(k)), NO_REF);
        }
      }
    });
    for (const ref of stable) assert.ok(seen.has(ref));
  }
});

Deno.test("a scan of an unchanged table emits every key exactly once", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(20000, 11);
  for (const k of all) t.insert(keys.add(k), hashOf(k));
  while (t.rehashing) t.rehashMicroseconds(1000);
  const counts = new Map<number, number>();
  let cursor = 0;
  do {
    cursor = t.scan(cursor, (ref) => counts.set(ref, (counts.get(ref) ?? 0) + 1));
  } while (cursor !== 0);
  assert.equal(counts.size, all.length);
  for (const c of counts.values()) assert.equal(c, 1);
});

Deno.test("the scan callback may delete the entry it is given and may insert", () => {
  const keys = new Keys(() => 42); // one long chain: deletions inside it need compaction
  const t = new HashTable(keys);
  const all = binaryKeys(400, 12);
  const refs = all.map((k) => keys.add(k));
  for (let i = 0; i < all.length; i++) t.insert(refs[i]!, 42);
  // 50-byte keys: longer than any key binaryKeys makes, so all distinct from `all`.
  const extra = Array.from({ length: 100 }, (_, i) => new Uint8Array(50).fill(i + 1));
  let e = 0;
  let cursor = 0;
  do {
    cursor = t.scan(cursor, (ref) => {
      const i = refs.indexOf(ref);
      if (i >= 0 && i % 2 === 0) assert.ok(t.deleteRef(ref, 42));
      if (e < extra.length) {
        t.insert(keys.add(extra[e]!), 42);
        e++;
      }
    });
  } while (cursor !== 0);
  for (let i = 0; i < all.length; i++) {
    const found = t.find(all[i]!, 42);
    if (i % 2 === 0) assert.equal(found, NO_REF);
    else assert.equal(found, refs[i]);
  }
  assert.equal(t.size, all.length / 2 + e);
  while (t.rehashing) t.rehashMicroseconds(1000);
  assert.equal(t.childBuckets, childrenFor(t.size));
});

Deno.test("one long chain keeps its invariant through inserts, deletes and rehashes", () => {
  const keys = new Keys(() => 0x5a000000); // same bucket and same tag for every key
  const t = new HashTable(keys);
  const all = binaryKeys(300, 14);
  const refs = all.map((k) => keys.add(k));
  for (let i = 0; i < all.length; i++) {
    t.insert(refs[i]!, 0x5a000000);
    assert.equal(t.childBuckets, childrenFor(i + 1), `after insert ${i}`);
  }
  for (let i = 0; i < all.length; i++) assert.equal(t.find(all[i]!, 0x5a000000), refs[i]);
  // A chain is returned whole by a single scan call.
  let emitted = 0;
  let calls = 0;
  let cursor = 0;
  do {
    let n = 0;
    cursor = t.scan(cursor, () => n++);
    if (n > 0) emitted = n;
    calls++;
  } while (cursor !== 0);
  assert.equal(emitted, all.length);
  assert.ok(calls > 1);
  const rand = rng(15);
  const order = refs.map((_, i) => i).sort(() => rand() - 0.5);
  let left = all.length;
  for (const i of order) {
    assert.ok(t.deleteRef(refs[i]!, 0x5a000000));
    left--;
    if (!t.rehashing) assert.equal(t.childBuckets, childrenFor(left), `after delete, ${left} left`);
    const probe = order[Math.floor(rand() * order.length)]!;
    const found = t.find(all[probe]!, 0x5a000000);
    assert.ok(found === NO_REF || found === refs[probe]);
  }
  assert.equal(t.size, 0);
  assert.equal(t.childBuckets, 0);
});

Deno.test("random picks and samples return only live refs", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(5000, 16);
  const refs = all.map((k) => keys.add(k));
  for (let i = 0; i < all.length; i++) t.insert(refs[i]!, hashOf(all[i]!));
  const live = new Set(refs);
  for (let i = 0; i < all.length; i += 2) {
    t.delete(all[i]!, hashOf(all[i]!));
    live.delete(refs[i]!);
  }
  for (let i = 0; i < 2000; i++) {
    assert.ok(live.has(t.randomRef()));
    assert.ok(live.has(t.randomRef(true)));
  }
  for (const n of [1, 5, 20, 100]) {
    const got: number[] = [];
    assert.equal(t.sample(n, (ref) => got.push(ref)), n);
    assert.equal(new Set(got).size, n);
    for (const ref of got) assert.ok(live.has(ref));
  }
  // Asking for more than there is returns everything once.
  const got = new Set<number>();
  assert.equal(t.sample(10 * live.size, (ref) => got.add(ref)), live.size);
  assert.deepEqual(got, live);
});

Deno.test("fair random picks reach every key with roughly even frequency", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(1000, 17);
  for (const k of all) t.insert(keys.add(k), hashOf(k));
  const counts = new Map<number, number>();
  for (let i = 0; i < 50000; i++) {
    const ref = t.randomRef(true);
    counts.set(ref, (counts.get(ref) ?? 0) + 1);
  }
  assert.equal(counts.size, 1000);
  const values = [...counts.values()];
  assert.ok(Math.max(...values) < 4 * 50, `max ${Math.max(...values)}`);
});

Deno.test("random picks work in the middle of a rehash", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(20000, 18);
  const live = new Set<number>();
  let i = 0;
  while (!t.rehashing || live.size < 5000) {
    const ref = keys.add(all[i]!);
    t.insert(ref, hashOf(all[i]!));
    live.add(ref);
    i++;
  }
  for (let j = 0; j < 300; j++) assert.ok(live.has(t.randomRef()));
});

Deno.test("forEach visits every ref exactly once, also mid-rehash", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(12000, 19);
  const refs: number[] = [];
  let i = 0;
  while (!t.rehashing || refs.length < 3000) {
    refs.push(keys.add(all[i]!));
    t.insert(refs[i]!, hashOf(all[i]!));
    i++;
  }
  assert.ok(t.rehashing);
  const seen: number[] = [];
  t.forEach((ref) => seen.push(ref));
  assert.equal(seen.length, refs.length);
  assert.deepEqual(new Set(seen), new Set(refs));
});

Deno.test("expand pre-sizes the table so inserts do not rehash", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  assert.ok(t.expand(100000));
  assert.equal(t.buckets, 16384);
  assert.equal(t.expand(100000), false);
  const all = binaryKeys(100000, 20);
  for (const k of all) {
    t.insert(keys.add(k), hashOf(k));
    assert.equal(t.rehashing, false);
  }
  assert.equal(t.buckets, 16384);
  assert.equal(t.expand(10), false); // smaller than the current size
});

Deno.test("clear drops everything and the table is reusable", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(5000, 21);
  for (const k of all) t.insert(keys.add(k), hashOf(k));
  assert.ok(t.memoryBytes() >= t.buckets * 64);
  t.clear();
  assert.equal(t.size, 0);
  assert.equal(t.buckets, 0);
  assert.equal(t.memoryBytes(), 0);
  assert.equal(t.find(all[3]!, hashOf(all[3]!)), NO_REF);
  const ref = keys.add(all[3]!);
  t.insert(ref, hashOf(all[3]!));
  assert.equal(t.find(all[3]!, hashOf(all[3]!)), ref);
});

Deno.test("table memory per entry stays within Valkey's bucket arithmetic", () => {
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(100000, 22);
  for (const k of all) t.insert(keys.add(k), hashOf(k));
  while (t.rehashing) t.rehashMicroseconds(1000);
  t.resizeIfNeeded();
  // 2^14 buckets of 64 bytes for 100k entries (51% full) plus a few child buckets.
  assert.equal(t.buckets, 16384);
  assert.ok(t.memoryBytes() / t.size < 12, `${t.memoryBytes() / t.size} bytes per entry`);
});

Deno.test("a finished rehash and clear detach the old bucket buffers (memory back at once)", () => {
  const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === "function";
  const keys = new Keys();
  const t = new HashTable(keys);
  const all = binaryKeys(3000, 23);
  // Internal views, read only to check that they are detached.
  const table0 = () => (t as unknown as { u80: Uint8Array }).u80;
  let old: Uint8Array | undefined;
  for (const k of all) {
    const before = table0();
    t.insert(keys.add(k), hashOf(k));
    if (t.rehashing && old === undefined && before.byteLength > 0) old = before;
  }
  assert.ok(old !== undefined, "the inserts grew the table at least once");
  while (t.rehashing) t.rehashMicroseconds(1000);
  assert.equal(old.byteLength, canDetach ? 0 : old.length);
  // Every key is still found in the new table.
  for (let i = 0; i < all.length; i += 97) assert.notEqual(t.find(all[i]!, hashOf(all[i]!)), NO_REF);
  const current = table0();
  t.clear();
  assert.equal(current.byteLength === 0, canDetach);
  const ref = keys.add(all[5]!);
  t.insert(ref, hashOf(all[5]!));
  assert.equal(t.find(all[5]!, hashOf(all[5]!)), ref);
});
