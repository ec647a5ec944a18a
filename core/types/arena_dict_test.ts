import assert from "node:assert/strict";
import { ArenaDict, NO_REF } from "./arena_dict.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const s = (u: Uint8Array | undefined): string | undefined => u === undefined ? undefined : dec.decode(u);

Deno.test("ArenaDict with values sets, overwrites, reads and deletes entries", () => {
  const d = new ArenaDict(true);
  assert.equal(d.set(b("f1"), b("v1")), true);
  assert.equal(d.set(b("f2"), b("")), true);
  assert.equal(d.set(b("f1"), b("V1")), false); // same length: in place
  assert.equal(d.set(b("f2"), b("a longer value".repeat(20))), false);
  assert.equal(d.size, 2);
  assert.equal(s(d.get(b("f1"))), "V1");
  assert.equal(s(d.get(b("f2"))), "a longer value".repeat(20));
  assert.equal(d.get(b("nope")), undefined);
  assert.equal(d.add(b("f1"), b("x")), false);
  assert.equal(s(d.keyOf(d.find(b("f2")))), "f2");
  assert.equal(d.delete(b("f1")), true);
  assert.equal(d.delete(b("f1")), false);
  assert.equal(d.find(b("f1")), NO_REF);
  assert.equal(d.size, 1);
});

Deno.test("ArenaDict without values stores members only", () => {
  const d = new ArenaDict(false);
  assert.ok(d.add(b("a")));
  assert.ok(!d.add(b("a")));
  assert.ok(d.add(b("")));
  assert.ok(d.has(b("")));
  assert.equal(d.valueOf(d.find(b("a"))).length, 0);
  d.deleteRef(d.find(b("a")));
  assert.ok(!d.has(b("a")));
  assert.equal(d.size, 1);
});

Deno.test("ArenaDict keeps a model map through many inserts, updates and deletes with compaction", () => {
  const d = new ArenaDict(true);
  const model = new Map<string, string>();
  let seed = 1;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 30000; i++) {
    const k = `key:${rnd(3000)}`;
    const op = rnd(3);
    if (op === 2) {
      assert.equal(d.delete(b(k)), model.delete(k));
    } else {
      const v = "v".repeat(rnd(40));
      assert.equal(d.set(b(k), b(v)), !model.has(k));
      model.set(k, v);
    }
  }
  assert.equal(d.size, model.size);
  for (const [k, v] of model) assert.equal(s(d.get(b(k))), v);
  const seen = new Map<string, string>();
  d.forEach((ref) => seen.set(s(d.keyOf(ref))!, s(d.valueOf(ref))!));
  assert.deepEqual(seen, model);
  const st = d.arenaStats();
  assert.ok(st.dead * 2 <= st.used || st.used < 4096, `dead ${st.dead} of ${st.used}`);
  // Deleting everything releases the arena.
  for (const k of model.keys()) d.delete(b(k));
  assert.equal(d.size, 0);
  assert.equal(d.arenaStats().capacity, 0);
});

Deno.test("ArenaDict scan visits every entry present for the whole scan and allows deleting the visited entry", () => {
  const d = new ArenaDict(false);
  for (let i = 0; i < 2000; i++) d.add(b(`m${i}`));
  const seen = new Set<string>();
  let cursor = 0;
  do {
    cursor = d.scan(cursor, (ref) => {
      const k = s(d.keyOf(ref))!;
      seen.add(k);
      if (k.endsWith("7")) d.deleteRef(ref);
    });
  } while (cursor !== 0);
  assert.equal(seen.size, 2000);
  assert.equal(d.size, 1800);
  assert.ok(!d.has(b("m17")));
  assert.ok(d.has(b("m18")));
});

Deno.test("ArenaDict dup is an independent copy and randomRef returns live entries", () => {
  const d = new ArenaDict(true);
  for (let i = 0; i < 500; i++) d.set(b(`f${i}`), b(`v${i}`));
  for (let i = 0; i < 250; i++) d.delete(b(`f${i}`));
  const c = d.dup();
  d.set(b("f300"), b("changed"));
  assert.equal(s(c.get(b("f300"))), "v300");
  assert.equal(c.size, 250);
  for (let i = 0; i < 50; i++) {
    const ref = c.randomRef();
    const k = s(c.keyOf(ref))!;
    assert.equal(s(c.valueOf(ref)), "v" + k.slice(1));
  }
  assert.ok(c.memoryBytes() > 250 * 4);
});
