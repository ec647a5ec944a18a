// The fast RDB paths (listpacks copied as they are, intsets as blobs, sorted sets and streams loaded in
// one pass) and their fallbacks: each must give the bytes and the values the entry-by-entry paths give.
import assert from "node:assert/strict";
import { HashValue } from "../types/hash.ts";
import { ListValue } from "../types/list.ts";
import { Listpack } from "../types/listpack.ts";
import { TAIL } from "../types/quicklist.ts";
import { SetValue } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import type { ValueObject } from "../types/value.ts";
import { ID_MAX, makeId, StreamValue } from "../types/stream.ts";
import {
  decodeListpack,
  encodeIntset,
  encodeListpack,
  listpackFromValkey,
  writeListpack,
} from "./encodings.ts";
import { RdbReader, RdbType, RdbWriter } from "./rdb_io.ts";
import { readValue, writeValue } from "./rdb_value.ts";
import { IntSet } from "../types/intset.ts";
import { DEFAULT_LIMITS } from "./test_limits.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);

const LIMITS = DEFAULT_LIMITS;

function write(v: Uint8Array | ValueObject, compress = false): Uint8Array {
  const w = new RdbWriter(compress);
  writeValue(w, v);
  return w.view().slice();
}

function read(bytes: Uint8Array, lim = LIMITS): Uint8Array | ValueObject {
  const r = new RdbReader(bytes);
  const v = readValue(r, r.byte(), lim);
  assert.equal(r.pos, bytes.length);
  return v;
}

/** A value of type `type` whose body is the listpack `lp`. */
function withBlob(type: number, lp: Uint8Array): Uint8Array {
  const w = new RdbWriter(false);
  w.byte(type);
  w.string(lp);
  return w.view().slice();
}

function lpText(lp: Listpack): string[] {
  const out: string[] = [];
  for (let p = lp.first(); p !== -1; p = lp.next(p)) out.push(dec.decode(lp.bytesAt(p)));
  return out;
}

Deno.test("in-memory listpacks are written as Valkey's lpAppend lays them out, edge entries included", () => {
  const cases = [
    ["a", "1", "200", "-1", "70000", "-9007199254740991"],
    // int64 text beyond 2^53: a string in memory, an integer in Valkey's listpack.
    ["9007199254740993", "-9223372036854775808", "9223372036854775807", "x"],
    // Entries whose backlen Valkey writes one byte longer than the in-memory Listpack (16383 bytes).
    ["s", "y".repeat(16378), "z".repeat(16379), "w".repeat(16377)],
    ["", "01", "-0", "+1", "q".repeat(64), "r".repeat(4096)],
  ];
  for (const items of cases) {
    const lp = new Listpack();
    for (const it of items) lp.append(b(it));
    const w = new RdbWriter(false);
    writeListpack(w, lp);
    const blob = new RdbReader(w.view()).string();
    assert.deepEqual([...blob], [...encodeListpack(items.map(b))]);
    const back = listpackFromValkey(blob);
    assert.deepEqual(lpText(back), items);
    // The loaded Listpack works as one built by appends (lookups, reverse walks).
    for (const it of items) assert.notEqual(back.find(b(it)), -1);
    assert.equal(dec.decode(back.bytesAt(back.last())), items[items.length - 1]);
  }
});

Deno.test("malformed listpacks are rejected before being kept", () => {
  const good = encodeListpack([b("a"), b("bc")]);
  const badBacklen = good.slice();
  badBacklen[8] = 5; // backlen of "a" (entry size 2)
  assert.throws(() => listpackFromValkey(badBacklen), /backlen/);
  const badCount = good.slice();
  badCount[4] = 3;
  assert.throws(() => listpackFromValkey(badCount), /count/);
  assert.throws(() => listpackFromValkey(good.subarray(0, good.length - 1)), /size/);
});

Deno.test("listpack hashes and sets load as they are, with Valkey's checks and encodings", () => {
  const h = new HashValue();
  for (let i = 0; i < 10; i++) {
    h.set(b(`f${i}`), b(i % 2 ? String(i * 1000) : `v${i}`), { maxEntries: 128, maxValue: 64 });
  }
  const hv = read(write(h)) as HashValue;
  assert.equal(hv.encoding, "listpack");
  assert.deepEqual(write(hv), write(h));
  assert.equal(dec.decode(hv.get(b("f3"))!), "3000");
  // Over the limits of the loading server: a hashtable.
  const small = { ...LIMITS, hashMaxListpackEntries: 4 };
  assert.equal((read(write(h), small) as HashValue).encoding, "hashtable");
  assert.equal((read(write(h), { ...LIMITS, hashMaxListpackValue: 2 }) as HashValue).encoding, "hashtable");
  // A field twice.
  const dup = encodeListpack(["f", "1", "g", "2", "f", "3"].map(b));
  assert.throws(() => read(withBlob(RdbType.HASH_LISTPACK, dup)), /Duplicate hash fields/);
  assert.throws(() => read(withBlob(RdbType.HASH_LISTPACK, encodeListpack(["f"].map(b)))), /integrity/);

  const s = SetValue.create(b("a"), 3, {
    maxIntsetEntries: 512,
    maxListpackEntries: 128,
    maxListpackValue: 64,
  });
  for (const m of ["a", "bb", "17"]) {
    s.add(b(m), { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 });
  }
  const sv = read(write(s)) as SetValue;
  assert.equal(sv.encoding, "listpack");
  assert.deepEqual(write(sv), write(s));
  assert.ok(sv.has(b("17")) && sv.has(b("bb")) && !sv.has(b("c")));
  assert.throws(
    () => read(withBlob(RdbType.SET_LISTPACK, encodeListpack(["a", "b", "a"].map(b)))),
    /Duplicate set members/,
  );
  // A listpack set of integers only becomes an intset, as SADDs of them would make it.
  const ints = read(withBlob(RdbType.SET_LISTPACK, encodeListpack(["3", "1", "2"].map(b)))) as SetValue;
  assert.equal(ints.encoding, "intset");
  assert.deepEqual(ints.toArray().map((m) => dec.decode(m)), ["1", "2", "3"]);
});

Deno.test("intsets are written narrowest-first and loaded as blobs; unsorted ones still load", () => {
  const is = new IntSet();
  for (const v of [1n << 40n, 5n, -70000n]) is.add(v);
  is.remove(1n << 40n); // the width stays 8 in memory, the blob is written with width 4
  assert.deepEqual([...is.toBlob()], [...encodeIntset([5n, -70000n])]);
  const s = SetValue.create(b("5"), 2, {
    maxIntsetEntries: 512,
    maxListpackEntries: 128,
    maxListpackValue: 64,
  });
  s.add(b("5"), { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 });
  s.add(b("-70000"), { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 });
  const back = read(write(s)) as SetValue;
  assert.equal(back.encoding, "intset");
  assert.deepEqual(write(back), write(s));
  // Not sorted (not Valkey's, but accepted as before): the members are added one by one.
  const unsorted = new Uint8Array([2, 0, 0, 0, 2, 0, 0, 0, 9, 0, 3, 0]);
  const u = read(withBlob(RdbType.SET_INTSET, unsorted)) as SetValue;
  assert.deepEqual(u.toArray().map((m) => dec.decode(m)), ["3", "9"]);
  const dupl = new Uint8Array([2, 0, 0, 0, 2, 0, 0, 0, 9, 0, 9, 0]);
  assert.throws(() => read(withBlob(RdbType.SET_INTSET, dupl)), /Duplicate set members/);
});

Deno.test("sorted sets load in one pass; out-of-order and duplicate members are handled", () => {
  const z = new ZSet(true);
  const scores = [0.1, 1 / 7, 1e21, 3, -4096, 2 ** 62, Infinity, -Infinity, 0];
  scores.forEach((s, i) => z.insert(b(i === 3 ? "12345" : `m${i}`), s));
  const back = read(write(z)) as ZSet;
  assert.deepEqual(write(back), write(z));
  back.verify();
  // Out of order in the listpack (a hand-made file): still sorted after loading.
  const lp = encodeListpack(["b", "2", "a", "1", "c", "1.5"].map(b));
  const o = read(withBlob(RdbType.ZSET_LISTPACK, lp)) as ZSet;
  o.verify();
  const got: string[] = [];
  o.forEach((r) => got.push(`${dec.decode(o.memberOf(r))}:${o.scoreOf(r)}`));
  assert.deepEqual(got, ["a:1", "c:1.5", "b:2"]);
  const dup = encodeListpack(["a", "1", "b", "2", "a", "3"].map(b));
  assert.throws(() => read(withBlob(RdbType.ZSET_LISTPACK, dup)), /Duplicate zset fields/);
  const dupSorted = encodeListpack(["a", "1", "a", "2"].map(b));
  assert.throws(() => read(withBlob(RdbType.ZSET_LISTPACK, dupSorted)), /Duplicate zset fields/);
  assert.throws(() => read(withBlob(RdbType.ZSET_LISTPACK, encodeListpack(["a", "x"].map(b)))), /integrity/);
  // The skiplist form (written from the tail) loads back in order with its dict.
  const big = new ZSet(false, 300);
  for (let i = 0; i < 300; i++) big.insert(b(`k${i}`), (i * 7919) % 300 / 3);
  const bb = read(write(big, true)) as ZSet;
  bb.verify();
  assert.equal(bb.encoding, "skiplist");
  assert.equal(bb.score(b("k17")), big.score(b("k17")));
  assert.deepEqual(write(bb), write(big));
});

Deno.test("lists: one-node lists are built at their size, several compressed nodes stay apart", () => {
  const small = new ListValue();
  for (const it of ["a", "1", "-5", "x".repeat(100)]) {
    small.growing(-2, it.length, 1);
    small.ql.push(b(it), TAIL);
  }
  const s = read(write(small, true)) as ListValue;
  assert.equal(s.encoding, "listpack");
  assert.deepEqual(s.ql.toArray().map((x) => dec.decode(x)), ["a", "1", "-5", "x".repeat(100)]);
  s.ql.push(b("more"), TAIL);
  assert.equal(s.length, 5);
  const big = new ListValue();
  const items = Array.from({ length: 3000 }, (_, i) => `item-${i}-${"p".repeat(i % 40)}`);
  for (const it of items) {
    big.growing(-2, it.length, 1);
    big.ql.push(b(it), TAIL);
  }
  const l = read(write(big, true)) as ListValue;
  assert.equal(l.encoding, "quicklist");
  assert.deepEqual(l.ql.toArray().map((x) => dec.decode(x)), items);
  assert.deepEqual(write(l, true), write(big, true));
});

Deno.test("stream nodes are written as they are (tombstones included) and adopted when loaded", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 250; i++) {
    const pairs = i % 3 === 0 ? [b("f"), b(`v${i}`), b("n"), b(String(i))] : [b("other"), b(`${i}`)];
    s.append(pairs, makeId(BigInt(1000 + i), 0n), true, 0, 100, 4096);
  }
  for (const i of [5, 6, 150, 250]) assert.ok(s.delete(makeId(BigInt(1000 + i), 0n)));
  const bytes = write(s);
  const back = read(bytes) as StreamValue;
  assert.equal(back.length, s.length);
  assert.equal(back.nodeCount, s.nodeCount);
  assert.equal(back.lastId, s.lastId);
  assert.equal(back.firstId, s.firstId);
  assert.deepEqual(write(back), bytes);
  const all = (x: StreamValue) => {
    const out: string[] = [];
    x.range(0n, ID_MAX, false, (id, pairs) => {
      out.push(`${id}:${pairs.map((p) => (typeof p === "number" ? String(p) : dec.decode(p))).join(",")}`);
    });
    return out;
  };
  assert.deepEqual(all(back), all(s));
  // Appends after loading go on from the loaded tail.
  assert.equal(back.append([b("k"), b("v")], null, false, 5000, 100, 4096), makeId(5000n, 0n));
  assert.equal(back.length, s.length + 1);
});

Deno.test("a stream node with wrong counters is read entry by entry", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 5; i++) s.append([b("f"), b(`v${i}`)], makeId(BigInt(i), 0n), true, 0, 100, 4096);
  const bytes = write(s);
  // The node's "count" master field (the first listpack entry, a 7-bit integer): 5 -> 7.
  const r = new RdbReader(bytes, 1);
  r.length(); // nodes
  r.string(); // master ID
  const at = r.pos;
  const blob = r.string();
  const lpStart = at + (r.pos - at - blob.length);
  assert.equal(bytes[lpStart + 6], 5);
  const bad = bytes.slice();
  bad[lpStart + 6] = 7;
  const back = read(bad) as StreamValue;
  assert.equal(back.length, 5);
  // Rebuilt by appends: the counter is right again.
  const again = new RdbReader(write(back), 1);
  again.length();
  again.string();
  assert.equal(dec.decode(decodeListpack(again.string())[0]!), "5");
});
