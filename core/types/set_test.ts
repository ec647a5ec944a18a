import assert from "node:assert/strict";
import { SetValue } from "./set.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const limits = { maxIntsetEntries: 5, maxListpackEntries: 4, maxListpackValue: 6 };
const members = (s: SetValue): string[] => s.toArray().map((m) => dec.decode(m)).sort();

Deno.test("SetValue.create picks intset, listpack or hashtable from the first member and the size hint", () => {
  assert.equal(SetValue.create(b("12"), 1, limits).encoding, "intset");
  assert.equal(SetValue.create(b("12"), 6, limits).encoding, "hashtable");
  assert.equal(SetValue.create(b("012"), 1, limits).encoding, "listpack");
  assert.equal(SetValue.create(b("a"), 5, limits).encoding, "hashtable");
});

Deno.test("an intset becomes a listpack for a short string and a hashtable past its size", () => {
  const s = SetValue.create(b("1"), 1, limits);
  for (const m of ["1", "2", "3"]) assert.ok(s.add(b(m), limits));
  assert.ok(!s.add(b("2"), limits));
  assert.equal(s.encoding, "intset");
  assert.ok(s.add(b("abc"), limits));
  assert.equal(s.encoding, "listpack");
  assert.deepEqual(members(s), ["1", "2", "3", "abc"]);
  const t = SetValue.create(b("1"), 1, limits);
  for (let i = 0; i < 6; i++) t.add(b(String(i)), limits);
  assert.equal(t.encoding, "hashtable");
  assert.equal(t.length, 6);
  // An intset with a long integer goes straight to a hashtable for a string member.
  const u = SetValue.create(b("1"), 1, limits);
  u.add(b("1234567"), limits);
  u.add(b("x"), limits);
  assert.equal(u.encoding, "hashtable");
});

Deno.test("a listpack set becomes a hashtable past its entries or value length", () => {
  const s = SetValue.create(b("a"), 1, limits);
  for (const m of ["a", "b", "c", "d"]) s.add(b(m), limits);
  assert.equal(s.encoding, "listpack");
  s.add(b("e"), limits);
  assert.equal(s.encoding, "hashtable");
  const t = SetValue.create(b("a"), 1, limits);
  t.add(b("toolong!"), limits);
  assert.equal(t.encoding, "hashtable");
  assert.ok(t.has(b("toolong!")));
  assert.ok(t.remove(b("toolong!")));
  assert.ok(!t.has(b("toolong!")));
});

Deno.test("set random, pop, distinct sampling, scan and dup", () => {
  for (const first of ["1", "a"]) {
    const s = SetValue.create(b(first), 100, {
      maxIntsetEntries: 512,
      maxListpackEntries: 128,
      maxListpackValue: 64,
    });
    for (let i = 0; i < 100; i++) s.add(b(first === "1" ? String(i) : `m${i}`), limits);
    const c = s.dup();
    const popped = new Set<string>();
    for (let i = 0; i < 10; i++) popped.add(dec.decode(s.popRandom()));
    assert.equal(popped.size, 10);
    assert.equal(s.length, 90);
    assert.equal(c.length, 100);
    assert.ok(c.has(s.random()));
    assert.equal(new Set(c.randomDistinct(20).map((m) => dec.decode(m))).size, 20);
    const seen = new Set<string>();
    let cur = 0;
    do cur = c.scan(cur, 5, (m) => seen.add(dec.decode(m))); while (cur !== 0);
    assert.equal(seen.size, 100);
    assert.ok(c.allIntegers() === (first === "1"));
  }
});
