import assert from "node:assert/strict";
import { parseJson } from "./parser.ts";
import { serialize, serializeArray } from "./serializer.ts";
import { select } from "./path.ts";
import { E, JsonError } from "./errors.ts";

const STORE = parseJson(`{"store":{"book":[
  {"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},
  {"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},
  {"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},
  {"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}
],"bicycle":{"color":"red","price":19.95}}}`);

function get(path: string, doc = STORE): string {
  return serializeArray(select(doc, path, "read").matches.map((m) => m.value));
}

function throwsWire(fn: () => unknown, wire: string): void {
  assert.throws(fn, (e: unknown) => e instanceof JsonError && e.wire === wire, wire);
}

Deno.test("dot, bracket and quoted member names select members", () => {
  assert.equal(get("$.store.bicycle.color"), '["red"]');
  assert.equal(get('$["store"]["bicycle"]["color"]'), '["red"]');
  assert.equal(get("$['store']['bicycle'][ 'color' ]"), '["red"]');
  assert.equal(get("store.bicycle.color"), '["red"]');
  assert.equal(get(".store.bicycle.color"), '["red"]');
  assert.equal(get("$.store.nope"), "[]");
});

Deno.test("wildcards, indexes, slices and unions", () => {
  assert.equal(get("$.store.book[*].author").split(",").length, 4);
  assert.equal(get("$.store.book[-1].title"), '["The Lord of the Rings"]');
  assert.equal(get("$.store.book[0,2].price"), "[8.95,8.99]");
  assert.equal(get("$.store.book[:2].price"), "[8.95,12.99]");
  assert.equal(get("$.store.book[1:].price"), "[12.99,8.99,22.99]");
  assert.equal(get("$.store.book[::2].price"), "[8.95,8.99]");
  assert.equal(get("$.store.book[3:0:-1].price"), "[22.99,8.99,12.99]");
  assert.equal(get("$.store.*.color"), '["red"]');
});

Deno.test("recursive descent collects matches in document order, once each", () => {
  assert.equal(get("$..price"), "[8.95,12.99,8.99,22.99,19.95]");
  assert.equal(get("$..book[2].title"), '["Moby Dick"]');
  assert.equal(get("$..[?(@.isbn)].title"), '["Moby Dick","The Lord of the Rings"]');
});

Deno.test("filters compare members with literals and $ paths, with && || and parentheses", () => {
  assert.equal(get("$.store.book[?(@.price < 10)].title"), '["Sayings of the Century","Moby Dick"]');
  assert.equal(
    get('$.store.book[?(@.category == "fiction" && @.price > 20)].title'),
    '["The Lord of the Rings"]',
  );
  assert.equal(get('$.store.book[?(@["price"] >= 22.99 || @.price <= 8.95)].price'), "[22.99,8.95]");
  assert.equal(get("$.store.book[?((@.price < 9 || @.price > 20) && @.isbn)].price"), "[8.99,22.99]");
  assert.equal(get("$.store.book[?(@.price > $.store.bicycle.price)].price"), "[22.99]");
  assert.equal(get('$.store.book[?(@.author != "Nigel Rees")]').startsWith('[{"category":"fiction"'), true);
  const nums = parseJson("[1,2,3,4,5,6,7,8,9]");
  assert.equal(get("$.*[?(@ > 7 || @ < 3)]", nums), "[8,9,1,2]");
  assert.equal(get("$[?(@ == 3)]", nums), "[3]");
});

Deno.test("the lazy evaluation stops once nothing matches", () => {
  assert.equal(get("$a.b.c.d"), "[]");
  assert.equal(get("$[0:2]$[0:1]$[0<2065>:2]"), "[]");
});

Deno.test("legacy and v2 dialects are recognised", () => {
  assert.equal(select(STORE, "$.store", "read").v2, true);
  assert.equal(select(STORE, ".store", "read").v2, false);
  assert.equal(select(STORE, "store..price", "read").v2, false);
});

Deno.test("syntax errors carry valkey-json's messages", () => {
  throwsWire(() => select(STORE, "&&$.a", "read"), E.INVALID_MEMBER);
  throwsWire(() => select(STORE, "$.store.book[0:3:0]", "read"), E.ZERO_STEP);
  throwsWire(() => select(STORE, "$.store.book[x]", "read"), E.INDEX_NOT_NUMBER);
  throwsWire(() => select(STORE, "$.store.book[]", "read"), E.EMPTY_EXPR);
  throwsWire(() => select(STORE, "$...store", "read"), E.INVALID_DOT);
  throwsWire(() => select(STORE, "$.store.book[?(@.price < )]", "read"), E.EMPTY_EXPR);
  throwsWire(() => select(STORE, "$.store.book[?(@.price < 1.2.3)]", "read"), E.INVALID_NUMBER);
  const deep = parseJson('{"a":'.repeat(30) + "1" + "}".repeat(30));
  assert.equal(select(deep, "$" + "..a".repeat(20), "read").matches.length, 11);
  throwsWire(() => select(deep, "$" + "..a".repeat(21), "read"), E.RD_TOKEN_LIMIT);
  throwsWire(() => select(STORE, "$" + ".a".repeat(70000), "read"), E.QUERY_SIZE_LIMIT);
});

Deno.test("non-syntax problems end only their branch; a linear path keeps the error", () => {
  assert.equal(select(STORE, ".store.book[10]", "read").error, E.OUT_OF_BOUNDS);
  assert.equal(select(STORE, ".store.bicycle[0]", "read").error, E.NOT_ARRAY);
  assert.equal(select(STORE, "$.store.*[0]", "read").error, null);
});

Deno.test("set mode reports insert points and where inserts are impossible", () => {
  const doc = parseJson('{"a":{"b":1},"c":[1]}');
  const s = select(doc, "$.a.z", "set");
  assert.equal(s.inserts.length, 1);
  assert.equal(s.inserts[0]!.key, "z");
  assert.equal(select(doc, ".a.z.y", "set").error, E.PATH_NOT_EXIST);
  assert.equal(select(doc, ".a.b.y", "set").error, E.INSERT_INTO_NON_OBJECT);
  assert.equal(serialize(select(doc, ".c[0]", "set").matches[0]!.value), "1");
});
