import assert from "node:assert/strict";
import { ListValue } from "./list.ts";
import { HEAD, TAIL } from "./quicklist.ts";

const b = (s: string) => new TextEncoder().encode(s);

Deno.test("a new list is an empty listpack", () => {
  const l = new ListValue();
  assert.equal(l.type, "list");
  assert.equal(l.encoding, "listpack");
  assert.equal(l.length, 0);
  assert.equal(l.listpackBytes, 7);
});

Deno.test("a listpack becomes a quicklist when raw bytes would pass the node size limit", () => {
  const l = new ListValue();
  const v = new Uint8Array(100);
  // A 100-byte string takes 103 listpack bytes: 7 + 79 * 103 = 8144.
  for (let i = 0; i < 79; i++) {
    l.growing(-2, v.length, 1);
    l.ql.push(v, TAIL);
  }
  assert.equal(l.encoding, "listpack");
  assert.equal(l.listpackBytes, 8144);
  l.growing(-2, 48, 1);
  assert.equal(l.encoding, "listpack"); // 8192 is not over
  l.growing(-2, 49, 1);
  assert.equal(l.encoding, "quicklist");
  assert.equal(l.ql.fill, -2);
  assert.equal(l.ql.nodes.length, 1);
});

Deno.test("a count fill converts on the number of entries", () => {
  const l = new ListValue();
  l.growingBy(4, [b("a"), b("b"), b("c"), b("d")]);
  assert.equal(l.encoding, "listpack");
  for (const s of ["a", "b", "c", "d"]) l.ql.push(b(s), TAIL);
  l.growingBy(4, [b("e")]);
  assert.equal(l.encoding, "quicklist");
});

Deno.test("a quicklist shrinks back to listpack at half the limits with one node left", () => {
  const l = new ListValue();
  l.growing(4, 0, 9);
  assert.equal(l.encoding, "quicklist");
  for (let i = 0; i < 9; i++) l.ql.push(b(String(i)), TAIL);
  assert.equal(l.ql.nodes.length, 3); // 4 + 4 + 1
  l.shrinking(4);
  assert.equal(l.encoding, "quicklist"); // three nodes
  l.ql.deleteRange(3, 6);
  assert.equal(l.ql.nodes.length, 1);
  l.shrinking(4);
  assert.equal(l.encoding, "quicklist"); // one node but 3 > 4/2
  l.ql.pop(HEAD);
  l.shrinking(4);
  assert.equal(l.encoding, "listpack");
  assert.equal(l.length, 2);
});

Deno.test("a plain node never converts back to listpack", () => {
  const l = new ListValue();
  const big = new Uint8Array(9000);
  l.growing(-2, big.length, 1);
  l.ql.push(big, TAIL);
  assert.equal(l.encoding, "quicklist");
  assert.equal(l.ql.nodes[0]!.plain, true);
  l.shrinking(-2);
  assert.equal(l.encoding, "quicklist");
});

Deno.test("dup copies elements and encoding independently", () => {
  const l = new ListValue();
  for (const s of ["x", "y"]) l.ql.push(b(s), TAIL);
  const d = l.dup();
  l.ql.pop(HEAD);
  assert.equal(d.length, 2);
  assert.equal(d.encoding, "listpack");
  assert.equal(d.memoryUsage(), 16 + 16); // robj + jemalloc(7 + 2 + 2 = 11 bytes) = 16
  assert.ok(d.heapBytes > 0);
  assert.equal(new TextDecoder().decode(d.ql.index(0)!), "x");
});

Deno.test("memoryUsage follows Valkey's quicklist formula with sampling", () => {
  const l = new ListValue();
  l.growing(2, 0, 10);
  for (let i = 0; i < 6; i++) l.ql.push(b("ab"), TAIL);
  // Three nodes of two 4-byte entries: listpack 15 bytes → jemalloc 16; node header 32.
  assert.equal(l.ql.nodes.length, 3);
  assert.equal(l.memoryUsage(), 16 + 40 + 3 * (32 + 16));
  assert.equal(l.memoryUsage(0), 16 + 40 + 3 * (32 + 16));
});
