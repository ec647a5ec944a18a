import assert from "node:assert/strict";
import { asciiBytes } from "../../util/numbers.ts";
import { lcs, lcsTableBytes } from "./lcs.ts";

const b = (s: string) => asciiBytes(s);
const text = (u: Uint8Array | undefined) => new TextDecoder().decode(u);

function isSubsequence(sub: Uint8Array, of: Uint8Array): boolean {
  let i = 0;
  for (let j = 0; j < of.length && i < sub.length; j++) if (of[j] === sub[i]) i++;
  return i === sub.length;
}

/** An independent LCS length: two rolling rows. */
function lcsLength(a: Uint8Array, c: Uint8Array): number {
  let prev = new Array<number>(c.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(c.length + 1).fill(0);
    for (let j = 1; j <= c.length; j++) {
      row[j] = a[i - 1] === c[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    }
    prev = row;
  }
  return prev[c.length]!;
}

Deno.test("lcs finds the documented subsequence and ranges of ohmytext / mynewtext", () => {
  const r = lcs(b("ohmytext"), b("mynewtext"), true, true, 0);
  assert.equal(r.length, 6);
  assert.equal(text(r.text), "mytext");
  assert.deepEqual(r.matches, [
    { aStart: 4, aEnd: 7, bStart: 5, bEnd: 8, len: 4 },
    { aStart: 2, aEnd: 3, bStart: 0, bEnd: 1, len: 2 },
  ]);
  const min4 = lcs(b("ohmytext"), b("mynewtext"), true, true, 4);
  assert.deepEqual(min4.matches, [{ aStart: 4, aEnd: 7, bStart: 5, bEnd: 8, len: 4 }]);
});

Deno.test("lcs of empty or disjoint strings is empty", () => {
  assert.equal(lcs(b(""), b("abc"), true, true, 0).length, 0);
  assert.equal(text(lcs(b("abc"), b(""), true, false, 0).text), "");
  const r = lcs(b("abc"), b("xyz"), true, true, 0);
  assert.equal(r.length, 0);
  assert.deepEqual(r.matches, []);
  const lenOnly = lcs(b("abcd"), b("bd"), false, false, 0);
  assert.equal(lenOnly.length, 2);
  assert.equal(lenOnly.text, undefined);
});

Deno.test("lcs results are common subsequences of maximal length with consistent ranges", () => {
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  for (let t = 0; t < 200; t++) {
    const alphabet = 2 + Math.floor(rand() * 4);
    const a = new Uint8Array(Math.floor(rand() * 40)).map(() => 97 + Math.floor(rand() * alphabet));
    const c = new Uint8Array(Math.floor(rand() * 40)).map(() => 97 + Math.floor(rand() * alphabet));
    const r = lcs(a, c, true, true, 0);
    assert.equal(r.length, lcsLength(a, c));
    assert.equal(r.text!.length, r.length);
    assert.ok(isSubsequence(r.text!, a) && isSubsequence(r.text!, c));
    let total = 0;
    let lastA = a.length;
    let lastB = c.length;
    for (const m of r.matches!) {
      assert.equal(m.len, m.aEnd - m.aStart + 1);
      assert.equal(m.bEnd - m.bStart, m.aEnd - m.aStart);
      assert.deepEqual(a.subarray(m.aStart, m.aEnd + 1), c.subarray(m.bStart, m.bEnd + 1));
      assert.ok(m.aEnd < lastA && m.bEnd < lastB, "ranges go from the end backwards");
      lastA = m.aStart;
      lastB = m.bStart;
      total += m.len;
    }
    assert.equal(total, r.length, "the ranges cover the whole subsequence");
  }
});

Deno.test("lcsTableBytes is Valkey's (n+1)(m+1) uint32 cells", () => {
  assert.equal(lcsTableBytes(0, 0), 4);
  assert.equal(lcsTableBytes(3, 4), 80);
  assert.equal(lcsTableBytes(20000, 20000), 20001 * 20001 * 4);
});
