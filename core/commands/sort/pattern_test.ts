import assert from "node:assert/strict";
import {
  compareBinary,
  compareCollate,
  compareSpans,
  hasStar,
  isSelfPattern,
  limitWindow,
  parsePattern,
  parseWeight,
  sortKeys,
  sortRoKeys,
  substitute,
} from "./pattern.ts";
import type { PositionsWithFlags } from "../server/keys_from_spec.ts";

const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);
const str = (u: Uint8Array | null): string | null => u === null ? null : new TextDecoder().decode(u);

Deno.test("a '#' pattern returns the element itself, even with bytes after a NUL", () => {
  assert.equal(isSelfPattern(b("#")), true);
  assert.equal(isSelfPattern(b("#\0junk")), true);
  assert.equal(isSelfPattern(b("##")), false);
  assert.equal(isSelfPattern(b("")), false);
  assert.equal(parsePattern(b("#")).self, true);
});

Deno.test("a pattern without a star before its first NUL is constant", () => {
  assert.equal(hasStar(b("weight_*")), true);
  assert.equal(hasStar(b("nosort")), false);
  assert.equal(hasStar(b("ab\0*")), false);
  assert.equal(parsePattern(b("nosort")).constant, true);
  assert.equal(parsePattern(b("x\0*")).constant, true);
});

Deno.test("a string pattern substitutes the element for the first star", () => {
  const p = parsePattern(b("w_*_*"));
  assert.equal(p.field, null);
  assert.equal(str(substitute(p, b("7"))), "w_7_*");
  assert.equal(str(substitute(parsePattern(b("*")), b("k"))), "k");
});

Deno.test("a hash pattern splits at the first arrow after the star", () => {
  const p = parsePattern(b("h_*->f->g"));
  assert.equal(str(p.field), "f->g");
  assert.equal(str(substitute(p, b("1"))), "h_1");
  const q = parsePattern(b("a->b_*_x->fld"));
  assert.equal(str(q.field), "fld");
  assert.equal(str(substitute(q, b("9"))), "a->b_9_x");
});

Deno.test("an arrow with nothing after it is part of the key name", () => {
  const p = parsePattern(b("h_*->"));
  assert.equal(p.field, null);
  assert.equal(str(substitute(p, b("1"))), "h_1->");
  const q = parsePattern(b("h_*->\0x"));
  assert.equal(q.field, null);
  assert.equal(str(substitute(q, b("1"))), "h_1->\0x");
});

Deno.test("binary comparison orders by bytes, then by length", () => {
  assert.equal(compareBinary(b("a"), b("b")), -1);
  assert.equal(compareBinary(b("b"), b("a")), 1);
  assert.equal(compareBinary(b("ab"), b("a")), 1);
  assert.equal(compareBinary(b("a"), b("ab")), -1);
  assert.equal(compareBinary(b("abc"), b("abc")), 0);
  assert.equal(compareBinary(new Uint8Array([0xff]), b("z")), 1);
  assert.equal(compareBinary(b("a\0b"), b("a\0c")), -1);
});

Deno.test("spans compare only their given lengths", () => {
  assert.equal(compareSpans(b("abc"), 2, b("abd"), 2), 0);
  assert.equal(compareSpans(b("abc"), 3, b("abd"), 3), -1);
  assert.equal(compareSpans(b("ab"), 1, b("a"), 1), 0);
  assert.equal(compareSpans(b("ab"), 2, b("a"), 1), 1);
});

Deno.test("collation compares the C strings, stopping at a NUL", () => {
  assert.equal(compareCollate(b("a\0b"), b("a\0c")), 0);
  assert.equal(compareCollate(b("a\0z"), b("a")), 0);
  assert.equal(compareCollate(b("B"), b("a")), -1);
  assert.equal(compareCollate(b("abc"), b("abd")), -1);
});

Deno.test("weights parse like strtod over the whole C string", () => {
  assert.equal(parseWeight(b("1.5")), 1.5);
  assert.equal(parseWeight(b("  -2")), -2);
  assert.equal(parseWeight(b("\t\n3")), 3);
  assert.equal(parseWeight(b("")), 0);
  assert.equal(parseWeight(b("0x10")), 16);
  assert.equal(parseWeight(b("-inf")), -Infinity);
  assert.equal(parseWeight(b("+Infinity")), Infinity);
  assert.equal(parseWeight(b("1e3")), 1000);
  assert.equal(parseWeight(b("7\0garbage")), 7);
  assert.equal(parseWeight(b("\0")), 0);
});

Deno.test("plain integers take a fast path with the same results", () => {
  assert.equal(Object.is(parseWeight(b("-0")), -0), true);
  assert.equal(parseWeight(b("007")), 7);
  assert.equal(parseWeight(b("999999999999999")), 999999999999999);
  assert.equal(parseWeight(b("-999999999999999")), -999999999999999);
  assert.equal(parseWeight(b("12345678901234567")), 12345678901234568);
  assert.equal(parseWeight(b("9223372036854775807")), 9223372036854775807);
  assert.equal(parseWeight(b("12a")), null);
});

Deno.test("weights that strtod cannot consume whole are rejected", () => {
  assert.equal(parseWeight(b(" ")), null);
  assert.equal(parseWeight(b("abc")), null);
  assert.equal(parseWeight(b("1 ")), null);
  assert.equal(parseWeight(b("1.5x")), null);
  assert.equal(parseWeight(b("nan")), null);
  assert.equal(parseWeight(b("1e400")), null);
  assert.equal(parseWeight(b("-")), null);
});

Deno.test("the LIMIT window clamps offset and count to the length", () => {
  assert.deepEqual(limitWindow(0, -1, 5), [0, 4]);
  assert.deepEqual(limitWindow(1, 2, 5), [1, 2]);
  assert.deepEqual(limitWindow(-3, 2, 5), [0, 1]);
  assert.deepEqual(limitWindow(3, 100, 5), [3, 4]);
  assert.deepEqual(limitWindow(2, -5, 5), [2, 4]);
  assert.deepEqual(limitWindow(2, 0, 5), [2, 1]);
  assert.deepEqual(limitWindow(5, 1, 5), [4, 3]);
  assert.deepEqual(limitWindow(1e18, 1e18, 5), [4, 3]);
  assert.deepEqual(limitWindow(0, -1, 0), [-1, -2]);
  assert.deepEqual(limitWindow(0, 10, 0), [-1, -2]);
});

Deno.test("SORT's keys are the sorted key and the last STORE destination", () => {
  const argv = (...w: string[]) => w.map(b);
  assert.deepEqual([...sortKeys(argv("sort", "k"))], [1]);
  assert.deepEqual([...sortKeys(argv("sort", "k", "store", "d"))], [1, 3]);
  assert.deepEqual([...sortKeys(argv("sort", "k", "STORE", "a", "store", "b"))], [1, 5]);
  assert.deepEqual([...sortKeys(argv("sort", "k", "limit", "store", "x", "store", "d"))], [1, 6]);
  assert.deepEqual([...sortKeys(argv("sort", "k", "get", "store", "by", "store"))], [1]);
  assert.deepEqual([...sortKeys(argv("sort", "k", "store"))], [1]);
  const withFlags = sortKeys(argv("sort", "k", "store", "d")) as PositionsWithFlags;
  assert.deepEqual(withFlags.keyFlags, [["RO", "ACCESS"], ["OW", "UPDATE"]]);
  const ro = sortRoKeys() as PositionsWithFlags;
  assert.deepEqual([...ro], [1]);
  assert.deepEqual(ro.keyFlags, [["RO", "ACCESS"]]);
});
