import assert from "node:assert/strict";
import { canonicalInt, entrySize, Listpack, type LpValue } from "./listpack.ts";

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const text = (v: LpValue | undefined): string =>
  v === undefined ? "undefined" : typeof v === "number" ? `#${v}` : new TextDecoder().decode(v);

Deno.test("canonicalInt accepts only the canonical decimal spelling of safe integers", () => {
  assert.equal(canonicalInt(b("0")), 0);
  assert.equal(canonicalInt(b("-12")), -12);
  assert.equal(canonicalInt(b("9007199254740991")), 9007199254740991);
  assert.equal(canonicalInt(b("9007199254740992")), null);
  for (const s of ["", "-", "-0", "01", "+1", " 1", "1 ", "1a", "99999999999999999999"]) {
    assert.equal(canonicalInt(b(s)), null, s);
  }
});

Deno.test("listpack round-trips integers of every width and strings of every length class", () => {
  const lp = new Listpack();
  const ints = [
    0,
    127,
    128,
    -1,
    4095,
    -4096,
    4096,
    32767,
    -32768,
    8388607,
    -8388608,
    2147483647,
    -2147483648,
    2147483648,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ];
  const strs = [
    "",
    "a",
    "x".repeat(63),
    "y".repeat(64),
    "z".repeat(4095),
    "w".repeat(4096),
    "w".repeat(70000),
  ];
  for (const i of ints) lp.append(i);
  for (const s of strs) lp.append(b(s));
  assert.equal(lp.length, ints.length + strs.length);
  const all = [...ints.map((i) => `#${i}`), ...strs];
  for (let i = 0; i < all.length; i++) assert.equal(text(lp.get(i)), all[i]);
  // Walk backwards from the tail through the backlens.
  const back: string[] = [];
  for (let p = lp.last(); p !== -1; p = lp.prev(p)) back.push(text(lp.valueAt(p)));
  assert.deepEqual(back, all.slice().reverse());
  assert.equal(text(lp.get(-1)), strs[strs.length - 1]);
  assert.equal(lp.get(all.length), undefined);
});

Deno.test("listpack stores canonical integer text as integers and gives the same text back", () => {
  const lp = new Listpack();
  lp.append(b("12345"));
  lp.append(b("012"));
  assert.equal(lp.get(0), 12345);
  assert.equal(text(lp.get(1)), "012");
  assert.equal(new TextDecoder().decode(lp.bytesAt(0)), "12345");
  assert.equal(lp.strlenAt(0), 5);
  assert.equal(lp.bytes, entrySize(b("12345")) + entrySize(b("012")));
  assert.equal(entrySize(b("12345")), 4);
});

Deno.test("listpack find compares strings by bytes and integers by value, with a stride", () => {
  const lp = new Listpack();
  for (const s of ["f1", "v1", "10", "f1", "f2", "-5"]) lp.append(b(s));
  assert.equal(lp.find(b("f1")), 0);
  assert.equal(text(lp.valueAt(lp.find(b("10")))), "#10");
  assert.equal(lp.find(b("010")), -1);
  // skip = 1 only looks at even entries (the fields of a field/value listpack).
  const p = lp.find(b("f2"), 0, 1);
  assert.equal(p, lp.seek(4));
  assert.equal(lp.find(b("v1"), 0, 1), -1);
  assert.equal(lp.find(b("-5"), 0, 1), -1);
  assert.equal(lp.find(b("-5")), lp.seek(5));
  assert.ok(lp.equalsAt(lp.seek(5), b("-5")));
  assert.ok(!lp.equalsAt(lp.seek(5), b("-05")));
});

Deno.test("listpack insert, replace and delete keep the entries consistent", () => {
  const lp = new Listpack();
  lp.append(b("b"));
  lp.prepend(b("a"));
  lp.insert(2, b("d"));
  lp.insert(2, 3);
  assert.deepEqual(lp.toArray().map((x) => new TextDecoder().decode(x)), ["a", "b", "3", "d"]);
  lp.replaceAt(lp.seek(1), b("a much longer string than before".repeat(5)));
  lp.replaceAt(lp.seek(2), 1000000);
  lp.replaceAt(lp.seek(1), b("B"));
  assert.deepEqual(lp.toArray().map((x) => new TextDecoder().decode(x)), ["a", "B", "1000000", "d"]);
  assert.equal(lp.delete(1, 2), 2);
  assert.deepEqual(lp.toArray().map((x) => new TextDecoder().decode(x)), ["a", "d"]);
  assert.equal(lp.deleteAt(lp.seek(1)), -1);
  assert.equal(lp.delete(5), 0);
  assert.equal(lp.length, 1);
  const copy = lp.dup();
  lp.clear();
  assert.equal(lp.length, 0);
  assert.equal(lp.first(), -1);
  assert.equal(text(copy.get(0)), "a");
});

Deno.test("listpack survives a randomized sequence of operations mirrored by an array", () => {
  const lp = new Listpack();
  const model: string[] = [];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const sample = (): string => {
    const k = rnd(4);
    if (k === 0) return String(rnd(100000) - 50000);
    if (k === 1) return "s".repeat(rnd(200));
    if (k === 2) return String(rnd(2 ** 30) * 4096);
    return `m${rnd(1000)}`;
  };
  for (let step = 0; step < 2000; step++) {
    const op = rnd(4);
    if (op <= 1 || model.length === 0) {
      const i = rnd(model.length + 1);
      const s = sample();
      lp.insert(i, b(s));
      model.splice(i, 0, s);
    } else if (op === 2) {
      const i = rnd(model.length);
      lp.delete(i);
      model.splice(i, 1);
    } else {
      const i = rnd(model.length);
      const s = sample();
      lp.replaceAt(lp.seek(i), b(s));
      model[i] = s;
    }
  }
  assert.deepEqual(lp.toArray().map((x) => new TextDecoder().decode(x)), model);
});
