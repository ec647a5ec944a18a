import assert from "node:assert/strict";
import { parseJson } from "./parser.ts";
import { serialize, serializeArray } from "./serializer.ts";

const ADDRESS = '{"street":"21 2nd Street","city":"New York","state":"NY","zipcode":"10021-3100"}';

Deno.test("SPACE alone puts a space after each colon", () => {
  assert.equal(
    serialize(parseJson('{"a":"1","b":"2","c":"3"}'), { indent: "", newline: "", space: " " }),
    '{"a": "1","b": "2","c": "3"}',
  );
});

Deno.test("INDENT alone indents without newlines", () => {
  assert.equal(
    serialize(parseJson("[1,2,3,4,5]"), { indent: " ", newline: "", space: "" }),
    "[ 1, 2, 3, 4, 5]",
  );
});

Deno.test("INDENT, SPACE and NEWLINE give the pretty layout, also wrapped in a JSONPath array", () => {
  const f = { indent: "\t", newline: "\n", space: " " };
  assert.equal(
    serialize(parseJson(ADDRESS), f),
    '{\n\t"street": "21 2nd Street",\n\t"city": "New York",\n\t"state": "NY",\n\t"zipcode": "10021-3100"\n}',
  );
  assert.equal(
    serializeArray([parseJson(ADDRESS)], f),
    '[\n\t{\n\t\t"street": "21 2nd Street",\n\t\t"city": "New York",\n\t\t"state": "NY",\n\t\t"zipcode": "10021-3100"\n\t}\n]',
  );
  assert.equal(serialize(parseJson('{"a":{},"b":[]}'), f), '{\n\t"a": {},\n\t"b": []\n}');
});

Deno.test("compact arrays of matches", () => {
  assert.equal(serializeArray([]), "[]");
  assert.equal(serializeArray([parseJson("1"), parseJson('"a"')]), '[1,"a"]');
});
