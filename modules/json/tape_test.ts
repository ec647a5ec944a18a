import assert from "node:assert/strict";
import { parseJson } from "./parser.ts";
import { COMPACT, serialize, serializeArray } from "./serializer.ts";
import { countValues, depthOf, type JValue, sizeOf, typeOf } from "./document.ts";
import { select, selectIn } from "./path.ts";
import { JsonError } from "./errors.ts";
import {
  appendMember,
  countAt,
  decode,
  depthAt,
  encode,
  nodeEnd,
  serializeAt,
  spliceTape,
  TAPE_MAX,
  tapeCost,
  TapeOps,
  typeAt,
} from "./tape.ts";
import { productDoc } from "../../bench/json.ts";
import { PATH_TOKENS, rng } from "./test_fuzz.ts";

const NUMBERS = [
  "0",
  "-0",
  "1",
  "-17",
  "1.5",
  "0.3000000",
  "1E5",
  "1e-7",
  "2.5e+300",
  "123456789012345678901",
  "1.0",
];
const STRINGS = [
  "",
  "a",
  "é",
  "snow ☃",
  "emoji 😀",
  'quote " and \\',
  "ctl \n\t\u0001",
  "x".repeat(200),
  "\u00ff",
];
const NAMES = ["a", "b", "price", "é", "", "sp ace", "n1", "~1", "x".repeat(130)];

/** Random JSON text (as JSON.stringify would write it, with number texts kept verbatim). */
function randomJson(r: () => number, depth: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const k = r();
  if (depth <= 0 || k < 0.45) {
    const s = r();
    if (s < 0.1) return "null";
    if (s < 0.2) return r() < 0.5 ? "true" : "false";
    if (s < 0.55) return pick(NUMBERS);
    return JSON.stringify(pick(STRINGS));
  }
  const n = Math.floor(r() * (r() < 0.03 ? 60 : 5));
  const items: string[] = [];
  if (k < 0.7) {
    for (let i = 0; i < n; i++) items.push(randomJson(r, depth - 1));
    return "[" + items.join(",") + "]";
  }
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const name = r() < 0.8 ? pick(NAMES) : "k" + i;
    if (used.has(name)) continue;
    used.add(name);
    items.push(JSON.stringify(name) + ":" + randomJson(r, depth - 1));
  }
  return "{" + items.join(",") + "}";
}

Deno.test("encode and decode round-trip random documents exactly (text, numbers, types)", () => {
  const r = rng(12345);
  for (let i = 0; i < 300; i++) {
    const text = randomJson(r, 5);
    const tree = parseJson(text);
    const tape = encode(tree)!;
    const expected = serialize(tree);
    assert.equal(serialize(decode(tape)), expected, text);
    assert.equal(serializeAt(tape, 0, COMPACT), expected, text);
    assert.deepEqual(JSON.parse(serializeAt(tape, 0, COMPACT)), JSON.parse(text));
    assert.equal(nodeEnd(tape, 0), tape.length);
    assert.equal(typeAt(tape, 0), typeOf(tree));
    assert.equal(countAt(tape, 0), countValues(tree));
    assert.equal(depthAt(tape, 0), depthOf(tree));
    const fmt = { indent: "\t", newline: "\n", space: " " };
    assert.equal(serializeAt(tape, 0, fmt), serialize(tree, fmt));
  }
});

Deno.test("integer-looking results of double arithmetic stay typed number", () => {
  const tree = parseJson('{"a":1}');
  const v = decode(encode(tree)!);
  assert.equal(serialize(v), '{"a":1}');
  const t = encode(parseJson("[2]"))!;
  assert.equal(typeAt(t, new TapeOps(t).at(0, 0)!), "integer");
});

Deno.test("path walks on a tape select what they select on the tree", () => {
  const docs = [
    productDoc(7),
    '{"store":{"book":[{"category":"ref","price":8.95,"isbn":"x"},{"price":12,"tags":["a","b"]}],' +
    '"bicycle":{"color":"red","price":19.95}},"a":[[1,2],[3,4]],"n":null}',
    "[[],[0,true],[0,1,false],[0,1,2,null,true]]",
    '{"1":1,"2":{"3":4},"é":{"x":"ü"}}',
  ];
  const paths = [
    "$",
    ".",
    "$.price",
    ".tags[1]",
    "$.dimensions.*",
    "$..price",
    "$.store.book[?(@.price<10)].isbn",
    "$.store.book[*].tags[-1]",
    "$..*",
    "$.a[*][1]",
    "$[1:3]",
    "$[::-1]",
    "$[0,2]",
    "$.*[?(@ == true)]",
    "$['store']['bicycle']",
    ".2.3",
    "$.é.x",
    "$.nope",
    ".nope",
    "$.store.book[5]",
    "$..[0]",
    "$.store.book[?(@.price > $.store.bicycle.price || @.category == 'ref')].price",
    "$.ratings[?(@.count)]",
  ];
  for (const text of docs) {
    const tree = parseJson(text);
    const tape = encode(tree)!;
    const ops = new TapeOps(tape);
    for (const p of paths) {
      let a: string, b: string;
      try {
        const s = select(tree, p, "read");
        a = serializeArray(s.matches.map((m) => m.value)) + s.v2 + s.error;
      } catch (e) {
        a = (e as JsonError).wire;
      }
      try {
        const s = selectIn(ops, 0, p, "read");
        b = serializeArray(s.matches.map((m) => decode(tape, m.value))) + s.v2 + s.error;
      } catch (e) {
        b = (e as JsonError).wire;
      }
      assert.equal(b, a, `${p} on ${text}`);
    }
  }
});

Deno.test("a splice replaces one value and fixes every ancestor's header", () => {
  const r = rng(99);
  for (let i = 0; i < 300; i++) {
    const tree = parseJson(randomJson(r, 4));
    const tape = encode(tree)!;
    const ops = new TapeOps(tape);
    const all = selectIn(ops, 0, "$..*", "read").matches;
    if (all.length === 0) continue;
    const m = all[Math.floor(r() * all.length)]!;
    const chain: number[] = [];
    for (let x = m.up; x !== null; x = x.up) chain.unshift(x.value);
    const replacement = parseJson(randomJson(r, 3));
    const next = spliceTape(tape, chain, m.value, nodeEnd(tape, m.value), encode(replacement)!);
    // the same change on the tree
    const t2 = parseJson(serialize(tree));
    const s2 = select(t2, "$..*", "read").matches[all.indexOf(m)]!;
    if (Array.isArray(s2.parent)) s2.parent[s2.key as number] = replacement;
    else s2.parent!.set(s2.key as string, replacement);
    assert.equal(serializeAt(next, 0, COMPACT), serialize(t2));
    assert.equal(nodeEnd(next, 0), next.length);
  }
});

Deno.test("the product document is a tape about the size of its text", () => {
  const text = productDoc(3);
  const tape = encode(parseJson(text))!;
  assert.ok(tape.length < text.length, `${tape.length} units for ${text.length} bytes`);
  assert.ok(tapeCost(tape) < sizeOf(parseJson(text)) / 1.8);
  assert.equal(encode(parseJson(`[${"1,".repeat(TAPE_MAX)}1]`), TAPE_MAX), null, "over the limit");
});

Deno.test("deep tapes decode and measure without recursion", () => {
  const deep = "[".repeat(5000) + "]".repeat(5000);
  const tree = parseJson(deep, 10000) as JValue;
  const tape = encode(tree)!;
  assert.equal(depthAt(tape, 0), 4999);
  assert.equal(countAt(tape, 0), 5000);
  assert.equal(depthOf(decode(tape)), 4999);
});

Deno.test("fuzz: random paths give the same matches, errors and inserts on the tape as on the tree", () => {
  const r = rng(0x5eed);
  const docs = [
    '{"a":[1,2,{"b":null,"c":"x\\n"}],"d":-1.5e3,"e":true,"f":{}}',
    "[[],[0,true],[0,1,false],[0,1,2,null,true]]",
    '{"store":{"book":[{"price":8.95,"isbn":"x"},{"price":12}],"bicycle":{"price":19.95}},"a":{"a":{"b":1}}}',
    productDoc(5),
  ].map((t) => parseJson(t));
  const describe = (f: () => { matches: unknown[]; inserts: unknown[]; error: unknown; v2: boolean }) => {
    try {
      const s = f();
      return s;
    } catch (e) {
      if (!(e instanceof JsonError)) throw e;
      return e.wire;
    }
  };
  for (let i = 0; i < 6000; i++) {
    let p = r() < 0.5 ? "$" : "";
    const n = 1 + Math.floor(r() * 8);
    for (let k = 0; k < n; k++) p += PATH_TOKENS[Math.floor(r() * PATH_TOKENS.length)];
    const tree = docs[i % docs.length]!;
    const tape = encode(tree)!;
    const ops = new TapeOps(tape);
    for (const mode of ["read", "set"] as const) {
      const a = describe(() => select(tree, p, mode));
      const b = describe(() => selectIn<number, number>(ops, 0, p, mode));
      if (typeof a === "string" || typeof b === "string") {
        assert.equal(b, a, `${mode} ${p}`);
        continue;
      }
      const sa = a as ReturnType<typeof select>;
      const sb = b as ReturnType<typeof selectIn<number, number>>;
      assert.equal(sb.v2, sa.v2, p);
      assert.equal(sb.error, sa.error, p);
      assert.equal(sb.maxDepth, sa.maxDepth, p);
      assert.deepEqual(sb.inserts.map((x) => x.key), sa.inserts.map((x) => x.key), p);
      assert.equal(
        serializeArray(sb.matches.map((m) => decode(tape, m.value))),
        serializeArray(sa.matches.map((m) => m.value)),
        `${mode} ${p}`,
      );
      assert.deepEqual(sb.matches.map((m) => m.key), sa.matches.map((m) => m.key), p);
    }
  }
});

Deno.test("appending a member fixes the object's count and every ancestor's body length", () => {
  const tree = parseJson('{"a":{"b":{"c":1},"x":[1,2]},"z":"' + "q".repeat(150) + '"}');
  const tape = encode(tree)!;
  const ops = new TapeOps(tape);
  const b = ops.get(ops.get(0, "a")!, "b")!;
  const next = appendMember(tape, [0, ops.get(0, "a")!, b], "new", encode(parseJson('{"deep":[true]}'))!);
  assert.equal(
    serializeAt(next, 0, COMPACT),
    '{"a":{"b":{"c":1,"new":{"deep":[true]}},"x":[1,2]},"z":"' + "q".repeat(150) + '"}',
  );
  assert.equal(nodeEnd(next, 0), next.length);
  assert.equal(new TapeOps(next).length(new TapeOps(next).get(new TapeOps(next).get(0, "a")!, "b")!), 2);
});
