import assert from "node:assert/strict";
import { compareBytes, ZSet } from "./zset.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A reference model: a sorted array of [score, member]. */
function modelSorted(m: Map<string, number>): [number, string][] {
  return [...m.entries()].map(([k, v]) => [v, k] as [number, string]).sort((a, b) =>
    a[0] - b[0] || compareBytes(enc.encode(a[1]), enc.encode(b[1]))
  );
}

function contents(z: ZSet): [number, string][] {
  const out: [number, string][] = [];
  z.forEach((ref) => out.push([z.scoreOf(ref), dec.decode(z.memberOf(ref))]));
  return out;
}

function randomOps(listpack: boolean, n: number, seed: number): void {
  let s = seed;
  const rnd = (k: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % k;
  };
  const z = new ZSet(listpack);
  const m = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const member = `m${rnd(n >> 1)}`;
    const score = rnd(50) - 25;
    const op = rnd(10);
    const ref = z.find(enc.encode(member));
    if (op < 6) {
      if (ref === -1) z.insert(enc.encode(member), score);
      else z.updateScore(ref, score);
      m.set(member, score);
    } else {
      assert.equal(z.remove(enc.encode(member)), m.delete(member));
    }
  }
  z.verify();
  const want = modelSorted(m);
  assert.deepEqual(contents(z), want);
  want.forEach(([score, member], rank) => {
    const ref = z.find(enc.encode(member));
    assert.equal(z.scoreOf(ref), score);
    assert.equal(z.rankOf(ref), rank);
    assert.equal(z.at(rank), ref);
  });
}

Deno.test("a small set keeps members ordered by score then bytes", () => {
  const z = new ZSet();
  z.insert(enc.encode("b"), 1);
  z.insert(enc.encode("a"), 1);
  z.insert(enc.encode("c"), 0);
  z.insert(enc.encode("ab"), 1);
  assert.deepEqual(contents(z), [[0, "c"], [1, "a"], [1, "ab"], [1, "b"]]);
  assert.equal(z.encoding, "listpack");
  assert.equal(z.score(enc.encode("ab")), 1);
  assert.equal(z.score(enc.encode("zz")), null);
});

Deno.test("random inserts, updates and removals match a model (listpack)", () => {
  randomOps(true, 400, 7);
});

Deno.test("random inserts, updates and removals match a model (skiplist, many leaves)", () => {
  randomOps(false, 20000, 11);
  randomOps(false, 5000, 3);
});

Deno.test("score and lex spans count the right ranks", () => {
  const z = new ZSet(false);
  for (let i = 0; i < 1000; i++) z.insert(enc.encode(`k${String(i).padStart(4, "0")}`), i % 10);
  // 100 members per score.
  assert.deepEqual(z.scoreSpan({ min: 2, max: 3, minEx: false, maxEx: false }), [200, 400]);
  assert.deepEqual(z.scoreSpan({ min: 2, max: 3, minEx: true, maxEx: true }), [300, 300]);
  assert.deepEqual(z.scoreSpan({ min: -Infinity, max: Infinity, minEx: false, maxEx: false }), [0, 1000]);
  assert.deepEqual(z.scoreSpan({ min: 5, max: 4, minEx: false, maxEx: false }), [0, 0]);
  const y = new ZSet();
  for (const m of ["a", "b", "c", "d"]) y.insert(enc.encode(m), 0);
  assert.deepEqual(y.lexSpan({ min: enc.encode("b"), max: enc.encode("c"), minEx: false, maxEx: false }), [
    1,
    3,
  ]);
  assert.deepEqual(y.lexSpan({ min: enc.encode("b"), max: enc.encode("c"), minEx: true, maxEx: false }), [
    2,
    3,
  ]);
  assert.deepEqual(y.lexSpan({ min: -Infinity, max: Infinity, minEx: true, maxEx: true }), [0, 4]);
  assert.deepEqual(y.lexSpan({ min: Infinity, max: -Infinity, minEx: true, maxEx: true }), [0, 0]);
});

Deno.test("conversions keep the contents; listpack stores -0 as 0", () => {
  const z = new ZSet();
  z.insert(enc.encode("neg"), -0);
  assert.ok(Object.is(z.score(enc.encode("neg")), 0));
  z.toSkiplist();
  assert.equal(z.encoding, "skiplist");
  const ref = z.find(enc.encode("neg"));
  z.updateScore(ref, -0);
  assert.ok(Object.is(z.score(enc.encode("neg")), -0));
  z.toListpack();
  assert.ok(Object.is(z.score(enc.encode("neg")), 0));
});

Deno.test("walk goes both ways from a rank and dup copies", () => {
  const z = new ZSet(false);
  for (let i = 0; i < 300; i++) z.insert(enc.encode(`m${i}`), i);
  const fwd: number[] = [];
  z.walk(100, 150, false, (ref) => void fwd.push(z.scoreOf(ref)));
  assert.deepEqual(fwd, Array.from({ length: 150 }, (_, i) => 100 + i));
  const back: number[] = [];
  z.walk(100, 1000, true, (ref) => void back.push(z.scoreOf(ref)));
  assert.equal(back.length, 101);
  assert.equal(back[100], 0);
  const d = z.dup();
  d.verify();
  assert.deepEqual(contents(d), contents(z));
  // Removing everything compacts and finally resets.
  for (let i = 0; i < 300; i++) assert.ok(z.remove(enc.encode(`m${i}`)));
  assert.equal(z.length, 0);
  z.verify();
  assert.equal(d.length, 300);
});
