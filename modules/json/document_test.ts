import assert from "node:assert/strict";
import { countValues, deepCopy, depthOf, fmt17g, jsonEquals, numFromText, sizeOf } from "./document.ts";
import { parseJson } from "./parser.ts";
import { serialize } from "./serializer.ts";

Deno.test("fmt17g prints like C's %.17g", () => {
  const cases: [number, string][] = [
    [1.5, "1.5"],
    [0.25, "0.25"],
    [2700, "2700"],
    [0.1, "0.10000000000000001"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e21, "1e+21"],
    [1.2345678901234568e18, "1.2345678901234568e+18"],
    [1e-5, "1.0000000000000001e-05"],
    [0.0001, "0.0001"],
    [-3, "-3"],
    [0, "0"],
    [1e16, "10000000000000000"],
    [1e17, "1e+17"],
  ];
  for (const [d, s] of cases) assert.equal(fmt17g(d), s, String(d));
});

Deno.test("numFromText stores canonical numbers as JS numbers and the rest as text", () => {
  assert.equal(numFromText("27"), 27);
  assert.equal(typeof numFromText("1.50"), "object");
});

Deno.test("depthOf counts nesting as JSON.DEBUG DEPTH does", () => {
  const cases: [string, number][] = [
    ["1", 0],
    ["{}", 0],
    ['{"a":0}', 1],
    ['{"a":{"a":0}}', 2],
    ["[[0],[[0]]]", 3],
    ['{"a":{}}', 1],
  ];
  for (const [j, d] of cases) assert.equal(depthOf(parseJson(j)), d, j);
});

Deno.test("countValues, deepCopy and jsonEquals", () => {
  const v = parseJson('{"a":[1,2,{"b":null}],"c":"x"}');
  assert.equal(countValues(v), 7);
  const c = deepCopy(v);
  assert.notEqual(c, v);
  assert.equal(serialize(c), serialize(v));
  assert.ok(jsonEquals(c, v));
  assert.ok(jsonEquals(parseJson('{"a":1,"b":2}'), parseJson('{"b":2,"a":1}')));
  assert.ok(jsonEquals(parseJson("1"), parseJson("1.0")));
  assert.ok(!jsonEquals(parseJson("1"), parseJson('"1"')));
  assert.ok(jsonEquals(parseJson("1.50"), parseJson("1.5")));
  assert.ok(!jsonEquals(parseJson("[1]"), parseJson("[1,2]")));
});

Deno.test("sizeOf grows with content and handles deep documents", () => {
  const small = sizeOf(parseJson('{"a":1}'));
  const big = sizeOf(parseJson('{"a":1,"b":"' + "x".repeat(1000) + '"}'));
  assert.ok(big > small + 1000);
  const deep = parseJson("[".repeat(200) + "]".repeat(200));
  assert.ok(sizeOf(deep) > 200 * 16);
});
