import assert from "node:assert/strict";
import { IntSet, widthOf } from "./intset.ts";

Deno.test("widthOf picks 2, 4 or 8 bytes at the int16 and int32 limits", () => {
  assert.equal(widthOf(32767n), 2);
  assert.equal(widthOf(-32768n), 2);
  assert.equal(widthOf(32768n), 4);
  assert.equal(widthOf(-2147483648n), 4);
  assert.equal(widthOf(2147483648n), 8);
  assert.equal(widthOf(-(2n ** 63n)), 8);
});

Deno.test("IntSet keeps elements sorted and distinct and upgrades its width", () => {
  const s = new IntSet();
  assert.ok(s.add(5n));
  assert.ok(s.add(-3n));
  assert.ok(!s.add(5n));
  assert.equal(s.width, 2);
  assert.ok(s.add(100000n));
  assert.equal(s.width, 4);
  assert.ok(s.add(-(2n ** 63n)));
  assert.equal(s.width, 8);
  assert.ok(s.add(2n ** 63n - 1n));
  assert.deepEqual(s.values(), [-(2n ** 63n), -3n, 5n, 100000n, 2n ** 63n - 1n]);
  assert.equal(s.blobLen(), 8 + 5 * 8);
  assert.ok(s.has(100000n));
  assert.ok(!s.has(4n));
  assert.equal(s.min(), -(2n ** 63n));
  assert.equal(s.max(), 2n ** 63n - 1n);
});

Deno.test("IntSet remove, removeAt and dup", () => {
  const s = new IntSet();
  for (let i = 0; i < 100; i++) s.add(BigInt(i * 7 - 300));
  assert.ok(!s.remove(2n));
  assert.ok(!s.remove(10n ** 15n));
  assert.ok(s.remove(-300n));
  assert.equal(s.removeAt(0), -293n);
  const c = s.dup();
  for (const v of s.values()) assert.ok(s.remove(v));
  assert.equal(s.length, 0);
  assert.equal(c.length, 98);
  assert.ok(c.has(393n));
  assert.equal(s.width, 2);
});

Deno.test("IntSet matches a model set under random inserts and removals", () => {
  const s = new IntSet();
  const model = new Set<bigint>();
  let seed = 3;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    const scale = [100, 100000, 2 ** 31][rnd(3)]!;
    const v = BigInt(rnd(scale) - scale / 2);
    if (rnd(3) === 0) assert.equal(s.remove(v), model.delete(v));
    else {
      assert.equal(s.add(v), !model.has(v));
      model.add(v);
    }
  }
  assert.deepEqual(s.values(), [...model].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
});
