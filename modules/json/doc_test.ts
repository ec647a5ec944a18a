import assert from "node:assert/strict";
import { DOC_OVERHEAD, JsonDoc, stats } from "./doc.ts";
import { parseJson } from "./parser.ts";
import { serialize } from "./serializer.ts";
import { JNum, JObj, sizeOf, typeOf } from "./document.ts";
import { encode, TAPE_MAX, tapeCost, TREE_TO_TAPE } from "./tape.ts";

Deno.test("small documents are stored packed, large ones as trees", () => {
  const small = new JsonDoc(parseJson('{"a":[1,2,{"b":"c"}]}'));
  assert.notEqual(small.tape, null);
  assert.equal(small.tree, null);
  assert.equal(small.size, DOC_OVERHEAD + tapeCost(small.tape!));
  assert.equal(serialize(small.root), '{"a":[1,2,{"b":"c"}]}');
  const big = new JsonDoc(parseJson(`[${'"xxxxxxxxxx",'.repeat(TAPE_MAX / 10)}0]`));
  assert.equal(big.tape, null);
  assert.equal(big.size, DOC_OVERHEAD + sizeOf(big.tree));
  small.release();
  big.release();
});

Deno.test("a written document settles back: a tape stays a tape, a tree packs below the lower bound", () => {
  const before = stats.memory;
  const doc = new JsonDoc(parseJson('{"a":"' + "x".repeat(2000) + '"}'));
  assert.notEqual(doc.tape, null, "2 KB of text is a tape");
  doc.useTree();
  assert.ok(doc.size - DOC_OVERHEAD > TREE_TO_TAPE);
  doc.settle(true);
  assert.notEqual(doc.tape, null, "it was a tape and still fits");
  doc.useTree();
  doc.settle(false);
  assert.equal(doc.tape, null, "a tree above the lower bound stays a tree (hysteresis)");
  (doc.tree as { set(k: string, v: unknown): void }).set("a", "short");
  doc.resize();
  doc.settle(false);
  assert.notEqual(doc.tape, null, "small again: packed");
  assert.equal(serialize(doc.root), '{"a":"short"}');
  assert.equal(stats.memory - before, doc.size, "INFO's total follows every switch");
  doc.release();
  assert.equal(stats.memory, before);
});

Deno.test("a tape that grows past TAPE_MAX turns the document into a tree", () => {
  const doc = new JsonDoc(parseJson('{"a":1}'));
  const text = `{"a":"${"y".repeat(TAPE_MAX + 10)}"}`;
  doc.setTape(encode(parseJson(text))!);
  assert.equal(doc.tape, null);
  assert.equal(serialize(doc.root), text);
  assert.equal(doc.size, DOC_OVERHEAD + sizeOf(doc.tree));
  doc.release();
});

Deno.test("a document leaving the tape form keeps its number types and owns its strings", () => {
  const tree = parseJson('{"n":1,"s":"a long string value"}') as JObj;
  tree.set("n", new JNum("2", true)); // 1.5 + 0.5: prints "2", typed number
  const doc = new JsonDoc(tree);
  assert.notEqual(doc.tape, null);
  const t = doc.useTree() as JObj;
  t.set("big", "x".repeat(TAPE_MAX));
  doc.resize();
  doc.settle(true);
  assert.equal(doc.tape, null, "too big for a tape now");
  assert.equal(typeOf((doc.tree as JObj).get("n")!), "number");
  assert.equal(serialize(doc.root), `{"n":2,"s":"a long string value","big":"${"x".repeat(TAPE_MAX)}"}`);
  assert.equal(doc.size, DOC_OVERHEAD + sizeOf(doc.tree));
  doc.release();
});
