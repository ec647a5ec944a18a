import assert from "node:assert/strict";
import { HashValue } from "./hash.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const limits = { maxEntries: 4, maxValue: 8 };

function entries(h: HashValue): [string, string][] {
  const out: [string, string][] = [];
  h.forEach((f, v) => out.push([dec.decode(f), dec.decode(v)]));
  return out.sort();
}

Deno.test("a hash stays a listpack within the limits and reads back what was written", () => {
  const h = new HashValue();
  assert.equal(h.set(b("a"), b("1"), limits), true);
  assert.equal(h.set(b("b"), b("x"), limits), true);
  assert.equal(h.set(b("a"), b("-007"), limits), false);
  assert.equal(h.encoding, "listpack");
  assert.equal(h.length, 2);
  assert.equal(dec.decode(h.get(b("a"))!), "-007");
  assert.equal(h.strlen(b("a")), 4);
  assert.equal(h.strlen(b("zz")), 0);
  assert.equal(h.get(b("1")), undefined); // a value is not a field
  assert.ok(h.delete(b("a")));
  assert.ok(!h.delete(b("a")));
  assert.deepEqual(entries(h), [["b", "x"]]);
});

Deno.test("a hash converts to a hashtable past the entry count or the value length", () => {
  const h = new HashValue();
  for (let i = 0; i < 4; i++) h.set(b(`f${i}`), b(`${i}`), limits);
  assert.equal(h.encoding, "listpack");
  h.set(b("f4"), b("4"), limits);
  assert.equal(h.encoding, "hashtable");
  assert.equal(h.length, 5);
  assert.equal(dec.decode(h.get(b("f3"))!), "3");
  const g = new HashValue();
  g.set(b("f"), b("123456789"), limits);
  assert.equal(g.encoding, "hashtable");
  assert.equal(g.strlen(b("f")), 9);
  const c = h.dup();
  h.set(b("f0"), b("changed"), limits);
  assert.equal(dec.decode(c.get(b("f0"))!), "0");
  assert.equal(c.encoding, "hashtable");
});

Deno.test("hash random pairs and scans cover the fields", () => {
  const h = new HashValue();
  const big = { maxEntries: 128, maxValue: 64 };
  for (let i = 0; i < 300; i++) h.set(b(`f${i}`), b(`v${i}`), big);
  const [f, v] = h.randomPair();
  assert.equal(dec.decode(v), "v" + dec.decode(f).slice(1));
  const picked = h.randomDistinctPairs(10);
  assert.equal(new Set(picked.map(([x]) => dec.decode(x))).size, 10);
  const seen = new Set<string>();
  let cursor = 0;
  do cursor = h.scan(cursor, 10, (x) => seen.add(dec.decode(x))); while (cursor !== 0);
  assert.equal(seen.size, 300);
  assert.ok(h.memoryUsage() > 300 * 8);
});
