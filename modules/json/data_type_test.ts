import assert from "node:assert/strict";
import type { RdbInput, RdbOutput } from "../../core/module_api/mod.ts";
import { ModuleError } from "../../core/module_api/mod.ts";
import { jsonDataType } from "./data_type.ts";
import { JsonDoc, stats } from "./doc.ts";
import { parseJson } from "./parser.ts";
import { serialize } from "./serializer.ts";

type Item = bigint | number | Uint8Array;

class Tape implements RdbOutput, RdbInput {
  items: Item[] = [];
  pos = 0;
  saveUnsigned(n: number | bigint) {
    this.items.push(BigInt(n));
  }
  saveSigned(n: number | bigint) {
    this.items.push(BigInt(n));
  }
  saveDouble(d: number) {
    this.items.push(d);
  }
  saveFloat(f: number) {
    this.items.push(f);
  }
  saveString(b: Uint8Array | string) {
    this.items.push(typeof b === "string" ? new TextEncoder().encode(b) : b);
  }
  #next(): Item {
    if (this.pos >= this.items.length) throw new Error("truncated");
    return this.items[this.pos++]!;
  }
  loadUnsigned() {
    return this.#next() as bigint;
  }
  loadSigned() {
    return this.#next() as bigint;
  }
  loadDouble() {
    return this.#next() as number;
  }
  loadFloat() {
    return this.#next() as number;
  }
  loadString() {
    return this.#next() as Uint8Array;
  }
}

const DOC = '{"a":[1,2.50,"x",null,true,{}],"b":{"c":-7}}';

Deno.test("RDB encver 3 stores compact JSON text and loads it back with number text intact", () => {
  const t = new Tape();
  jsonDataType.rdbSave(t, new JsonDoc(parseJson(DOC)));
  assert.equal(t.items.length, 1);
  assert.equal(new TextDecoder().decode(t.items[0] as Uint8Array), DOC);
  const back = jsonDataType.rdbLoad(t, 3);
  assert.equal(serialize(back.root), DOC);
  assert.equal(back.size, new JsonDoc(parseJson(DOC)).size);
});

Deno.test("RDB encver 0 (node by node) loads; bad data and newer encodings are refused", () => {
  const t = new Tape();
  // {"k":[1, "s", 2.5, false, null]}
  t.saveUnsigned(0x20);
  t.saveUnsigned(1);
  t.saveUnsigned(0x80);
  t.saveString("k");
  t.saveUnsigned(0x40);
  t.saveUnsigned(5);
  t.saveUnsigned(0x08);
  t.saveSigned(1);
  t.saveUnsigned(0x02);
  t.saveString("s");
  t.saveUnsigned(0x04);
  t.saveDouble(2.5);
  t.saveUnsigned(0x10);
  t.saveString("0");
  t.saveUnsigned(0x01);
  assert.equal(serialize(jsonDataType.rdbLoad(t, 0).root), '{"k":[1,"s",2.5,false,null]}');
  const bad = new Tape();
  bad.saveUnsigned(0x03);
  assert.throws(() => jsonDataType.rdbLoad(bad, 0), ModuleError);
  const text = new Tape();
  text.saveString("{oops");
  assert.throws(() => jsonDataType.rdbLoad(text, 3), ModuleError);
  assert.throws(() => jsonDataType.rdbLoad(new Tape(), 4), ModuleError);
});

Deno.test("AOF rewrite emits JSON.SET key . <json>; COPY is deep; stats follow documents", () => {
  const docs = stats.documents;
  const d = new JsonDoc(parseJson(DOC));
  const emitted: (string | Uint8Array)[][] = [];
  jsonDataType.aofRewrite((cmd, ...args) => emitted.push([cmd, ...args]), new TextEncoder().encode("k"), d);
  assert.equal(emitted.length, 1);
  assert.equal(emitted[0]![0], "JSON.SET");
  assert.equal(emitted[0]![2], ".");
  assert.equal(emitted[0]![3], DOC);
  const c = jsonDataType.copy!(new Uint8Array(), new Uint8Array(), d)!;
  assert.notEqual(c.root, d.root);
  assert.equal(serialize(c.root), DOC);
  assert.equal(jsonDataType.memUsage(c), c.size);
  assert.equal(stats.documents, docs + 2);
  jsonDataType.free!(c);
  jsonDataType.free!(c);
  jsonDataType.free!(d);
  assert.equal(stats.documents, docs);
});
