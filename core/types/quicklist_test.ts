import assert from "node:assert/strict";
import {
  exceedsLimit,
  HEAD,
  isLargeElement,
  lpEntrySize,
  nodeLimit,
  Quicklist,
  type QuicklistNode,
  TAIL,
} from "./quicklist.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const strs = (q: Quicklist) => q.toArray().map((v) => dec.decode(v));

/** Checks the structural invariants: counts, sizes, no empty node, plain nodes hold one element. */
function checkInvariants(q: Quicklist): void {
  let total = 0;
  for (const n of q.nodes as QuicklistNode[]) {
    assert.ok(n.count > 0, "no empty node");
    let c = 0;
    let sz = n.plain ? 0 : 7;
    for (let o = n.start; o < n.end; o = n.next(o)) {
      const v = n.valueAt(o);
      sz += n.plain ? v.length : lpEntrySize(v);
      c++;
    }
    assert.equal(c, n.count);
    assert.equal(sz, n.sz);
    if (n.plain) assert.equal(n.count, 1);
    total += c;
  }
  assert.equal(total, q.count);
}

Deno.test("lpEntrySize matches Valkey's listpack entry sizes", () => {
  assert.equal(lpEntrySize(b("0")), 2); // 7-bit uint + backlen
  assert.equal(lpEntrySize(b("127")), 2);
  assert.equal(lpEntrySize(b("128")), 3); // 13-bit int
  assert.equal(lpEntrySize(b("-4096")), 3);
  assert.equal(lpEntrySize(b("-4097")), 4); // 16-bit int
  assert.equal(lpEntrySize(b("8388607")), 5); // 24-bit
  assert.equal(lpEntrySize(b("2147483647")), 6); // 32-bit
  assert.equal(lpEntrySize(b("9223372036854775807")), 10); // 64-bit
  assert.equal(lpEntrySize(b("9223372036854775808")), 21); // string (overflow), 19 + 1 + 1
  assert.equal(lpEntrySize(b("01")), 4); // not canonical: a string
  assert.equal(lpEntrySize(b("-0")), 4);
  assert.equal(lpEntrySize(b("hello")), 7);
  assert.equal(lpEntrySize(new Uint8Array(63)), 65);
  assert.equal(lpEntrySize(new Uint8Array(64)), 66 + 1); // 2-byte header, data 66 → backlen 1
  assert.equal(lpEntrySize(new Uint8Array(200)), 202 + 2);
  assert.equal(lpEntrySize(new Uint8Array(5000)), 5005 + 2);
});

Deno.test("node limits follow list-max-listpack-size", () => {
  assert.deepEqual(nodeLimit(-1), { size: 4096, count: Infinity });
  assert.deepEqual(nodeLimit(-2), { size: 8192, count: Infinity });
  assert.deepEqual(nodeLimit(-9), { size: 65536, count: Infinity });
  assert.deepEqual(nodeLimit(0), { size: Infinity, count: 1 });
  assert.deepEqual(nodeLimit(5), { size: Infinity, count: 5 });
  assert.equal(exceedsLimit(-2, 8192, 1), false);
  assert.equal(exceedsLimit(-2, 8193, 1), true);
  assert.equal(exceedsLimit(5, 100, 6), true);
  assert.equal(exceedsLimit(5, 9000, 2), true); // safety limit
  assert.equal(isLargeElement(8192, -2), false);
  assert.equal(isLargeElement(8193, -2), true);
  assert.equal(isLargeElement(8193, 128), true);
  assert.equal(isLargeElement(4097, -1), true);
});

Deno.test("pushes and pops at both ends keep order across nodes", () => {
  const q = new Quicklist(4);
  for (let i = 0; i < 50; i++) q.push(b(`r${i}`), TAIL);
  for (let i = 0; i < 50; i++) q.push(b(`l${i}`), HEAD);
  checkInvariants(q);
  assert.equal(q.count, 100);
  assert.equal(q.nodes.length, 26); // 4 per node, the two 50-element halves each leave a partial node
  const all = strs(q);
  assert.equal(all[0], "l49");
  assert.equal(all[49], "l0");
  assert.equal(all[50], "r0");
  assert.equal(all[99], "r49");
  assert.equal(dec.decode(q.pop(HEAD)!), "l49");
  assert.equal(dec.decode(q.pop(TAIL)!), "r49");
  checkInvariants(q);
  assert.equal(q.count, 98);
});

Deno.test("index and forEach work from both ends with negative indexes", () => {
  const q = new Quicklist(3);
  for (let i = 0; i < 20; i++) q.push(b(String(i)), TAIL);
  assert.equal(dec.decode(q.index(0)!), "0");
  assert.equal(dec.decode(q.index(19)!), "19");
  assert.equal(dec.decode(q.index(-1)!), "19");
  assert.equal(dec.decode(q.index(-20)!), "0");
  assert.equal(q.index(20), undefined);
  assert.equal(q.index(-21), undefined);
  const fwd: string[] = [];
  q.forEach(5, false, (v, i) => {
    fwd.push(`${i}:${dec.decode(v)}`);
    return fwd.length < 4;
  });
  assert.deepEqual(fwd, ["5:5", "6:6", "7:7", "8:8"]);
  const back: string[] = [];
  q.forEach(-1, true, (v, i) => void back.push(`${i}:${dec.decode(v)}`));
  assert.equal(back.length, 20);
  assert.equal(back[0], "19:19");
  assert.equal(back[19], "0:0");
});

Deno.test("large elements get plain nodes of their own", () => {
  const q = new Quicklist(-1);
  q.push(b("a"), TAIL);
  const big = new Uint8Array(5000).fill(120);
  q.push(big, TAIL);
  q.push(b("b"), TAIL);
  checkInvariants(q);
  assert.equal(q.nodes.length, 3);
  assert.equal(q.nodes[1]!.plain, true);
  assert.equal(q.index(1)!.length, 5000);
  // LINSERT-like insertion of a large element in the middle of a packed node splits it.
  const q2 = new Quicklist(-1);
  for (const s of ["a", "b", "c", "d"]) q2.push(b(s), TAIL);
  q2.insert(q2.locate(1)!, big, true);
  checkInvariants(q2);
  assert.deepEqual(strs(q2).map((s) => s.length > 10 ? "BIG" : s), ["a", "b", "BIG", "c", "d"]);
  assert.equal(q2.nodes.length, 3);
});

Deno.test("deleteRange removes spans inside and across nodes", () => {
  const q = new Quicklist(4);
  for (let i = 0; i < 30; i++) q.push(b(String(i)), TAIL);
  assert.equal(q.deleteRange(2, 9), 9);
  checkInvariants(q);
  assert.deepEqual(strs(q).slice(0, 4), ["0", "1", "11", "12"]);
  assert.equal(q.deleteRange(-3, 3), 3);
  assert.deepEqual(strs(q).slice(-2), ["25", "26"]);
  assert.equal(q.deleteRange(100, 3), 0);
  assert.equal(q.deleteRange(0, 1000), 18);
  assert.equal(q.count, 0);
  assert.equal(q.nodes.length, 0);
});

Deno.test("removeMatching removes from the head or the tail with a limit", () => {
  const q = new Quicklist(3);
  for (const s of "axbxcxxdx".split("")) q.push(b(s), TAIL);
  assert.equal(q.removeMatching(b("x"), 2, false), 2);
  assert.deepEqual(strs(q).join(""), "abcxxdx");
  assert.equal(q.removeMatching(b("x"), 2, true), 2);
  assert.deepEqual(strs(q).join(""), "abcxd");
  assert.equal(q.removeMatching(b("x"), 0, false), 1);
  assert.equal(q.removeMatching(b("zz"), 0, false), 0);
  checkInvariants(q);
  assert.deepEqual(strs(q).join(""), "abcd");
});

Deno.test("insert and replace keep the list consistent with a model under random operations", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const fill of [1, 2, 5, -1]) {
    const q = new Quicklist(fill);
    const model: string[] = [];
    for (let step = 0; step < 1500; step++) {
      const op = rnd(8);
      const val = rnd(20) === 0 ? "L".repeat(4000 + rnd(300)) : `v${rnd(1000)}`;
      if (op <= 1) {
        q.push(b(val), op === 0 ? HEAD : TAIL);
        if (op === 0) model.unshift(val);
        else model.push(val);
      } else if (op === 2 && model.length > 0) {
        const w = rnd(2) === 0 ? HEAD : TAIL;
        const got = dec.decode(q.pop(w)!);
        assert.equal(got, w === HEAD ? model.shift() : model.pop());
      } else if (op === 3 && model.length > 0) {
        const i = rnd(model.length);
        const after = rnd(2) === 0;
        q.insert(q.locate(i)!, b(val), after);
        model.splice(after ? i + 1 : i, 0, val);
      } else if (op === 4 && model.length > 0) {
        const i = rnd(model.length);
        assert.equal(q.replace(i, b(val)), true);
        model[i] = val;
      } else if (op === 5 && model.length > 0) {
        const s = rnd(model.length);
        const n = rnd(5);
        q.deleteRange(s, n);
        model.splice(s, n);
      } else if (op === 6 && model.length > 0) {
        const target = model[rnd(model.length)]!;
        const lim = rnd(3);
        const fromTail = rnd(2) === 0;
        const removed = q.removeMatching(b(target), lim, fromTail);
        let left = lim === 0 ? Infinity : lim;
        let r = 0;
        if (fromTail) {
          for (let i = model.length - 1; i >= 0 && left > 0; i--) {
            if (model[i] === target) model.splice(i, 1), left--, r++;
          }
        } else {
          for (let i = 0; i < model.length && left > 0;) {
            if (model[i] === target) model.splice(i, 1), left--, r++;
            else i++;
          }
        }
        assert.equal(removed, r);
      } else if (op === 7 && model.length > 0) {
        const i = rnd(model.length) - rnd(2) * model.length;
        assert.equal(dec.decode(q.index(i)!), model.at(i));
      }
      if (step % 100 === 0) checkInvariants(q);
    }
    checkInvariants(q);
    assert.deepEqual(strs(q), model);
    assert.deepEqual(strs(q.dup()), model);
  }
});

Deno.test("listpack mode keeps every element in one node", () => {
  const q = new Quicklist(-2);
  q.listpack = true;
  for (let i = 0; i < 100; i++) q.push(new Uint8Array(200), i % 2 === 0 ? HEAD : TAIL);
  assert.equal(q.nodes.length, 1);
  assert.equal(q.nodes[0]!.plain, false);
  assert.equal(q.nodes[0]!.sz, 7 + 100 * 204);
  q.insert(q.locate(50)!, new Uint8Array(9000), false);
  assert.equal(q.nodes.length, 1);
  checkInvariants(q);
});
