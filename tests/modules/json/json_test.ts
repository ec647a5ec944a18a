/**
 * The JSON module over TCP (raw RESP): every command's replies and errors in both path dialects, limits,
 * configs, keyspace events, INFO, MEMORY USAGE, COPY and the hostile-input guards. Expectations come from
 * valkey-json's documented behaviour and its test suite. Valkyr only (Redis 7.0 and Valkey have no JSON
 * module loaded): every test is skipped for other targets.
 */

import assert from "node:assert/strict";
import { isValkyr, startServer } from "../../helpers/server.ts";
import { RawConn } from "../../helpers/raw.ts";
import { assertError, flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();
const base = flushedTest(srv);
const test = (name: string, fn: (c: RawConn) => Promise<void>) => base(name, fn, { ignore: !isValkyr() });

const WIKI = '{"firstName":"John","lastName":"Smith","age":27,"weight":135.25,"isAlive":true,' +
  '"address":{"street":"21 2nd Street","city":"New York","state":"NY","zipcode":"10021-3100"},' +
  '"phoneNumbers":[{"type":"home","number":"212 555-1234"},{"type":"office","number":"646 555-4567"}],' +
  '"children":[],"spouse":null,"groups":{}}';

const E = {
  parse: "SYNTAXERR Failed to parse JSON string due to syntax error",
  syntax: "SYNTAXERR Command syntax error",
  noPath: "NONEXISTENT JSON path does not exist",
  noKey: "NONEXISTENT Document key does not exist",
  notDoc: "WRONGTYPE Not a JSON document key",
  root: "SYNTAXERR A new Valkey key's path must be root",
  oob: "OUTOFBOUNDARIES Array index is out of bounds",
  insert: "ERROR Cannot insert a member into a non-object value",
};

const arity = (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`;

async function wiki(c: RawConn): Promise<void> {
  assert.equal(await c.call("JSON.SET", "wiki", ".", WIKI), "OK");
}

test("JSON.SET and JSON.GET round-trip documents, members and format options", async (c) => {
  assert.equal(await c.call("JSON.SET", "k1", ".", '{"a":"1", "b":"2", "c":"3"}'), "OK");
  assert.equal(await c.call("JSON.GET", "k1"), '{"a":"1","b":"2","c":"3"}');
  assert.equal(await c.call("JSON.GET", "k1", ".a"), '"1"');
  assert.equal(await c.call("JSON.GET", "k1", "SPACE", " ", "."), '{"a": "1","b": "2","c": "3"}');
  assert.equal(await c.call("JSON.SET", "k2", ".", "[1,2,3,4,5]"), "OK");
  assert.equal(await c.call("JSON.GET", "k2", "[-1]"), "5");
  assert.equal(await c.call("JSON.GET", "k2", "INDENT", " ", "."), "[ 1, 2, 3, 4, 5]");
  assert.equal(await c.call("JSON.GET", "k2", "$.[0:3]"), "[1,2,3]");
  assert.equal(await c.call("JSON.GET", "k2", "$.[-1]"), "[5]");
  assert.equal(await c.call("JSON.GET", "k2", "$"), "[[1,2,3,4,5]]");
  assert.equal(await c.call("JSON.GET", "k1", "$.*"), '["1","2","3"]');
  assert.equal(await c.call("TYPE", "k1"), "ReJSON-RL");
});

test("JSON.GET with pretty printing, several paths, and its errors", async (c) => {
  await wiki(c);
  assert.equal(
    await c.call("JSON.GET", "wiki", "INDENT", "\t", "SPACE", " ", "NEWLINE", "\n", ".address"),
    '{\n\t"street": "21 2nd Street",\n\t"city": "New York",\n\t"state": "NY",\n\t"zipcode": "10021-3100"\n}',
  );
  assert.equal(
    await c.call("JSON.GET", "wiki", "NEWLINE", "\n", "$.children", "NOESCAPE", ".age"),
    '{\n"$.children":[\n[]\n],\n".age":[\n27\n]\n}',
  );
  assertError(await c.call("JSON.GET", "wiki", "INDENT", " ", "SPACE"), E.syntax);
  assert.equal(
    await c.call("JSON.GET", "wiki", ".firstName", ".lastName"),
    '{".firstName":"John",".lastName":"Smith"}',
  );
  assertError(await c.call("JSON.GET", "wiki", ".firstName", ".foo"), E.noPath);
  assert.equal(await c.call("JSON.GET", "wiki", ".firstName", "$.foo"), '{".firstName":["John"],"$.foo":[]}');
  assert.equal(await c.call("JSON.GET", "foo", ".firstName"), null);
  await c.call("SET", "str_key", "x");
  assertError(await c.call("JSON.GET", "str_key"), E.notDoc);
  assertError(await c.call("JSON.GET", "wiki", ".foo"), E.noPath);
  assertError(await c.call("JSON.GET"), arity("JSON.GET"));
});

test("JSON.SET rejects bad JSON and options, honours NX/XX and root rules for new keys", async (c) => {
  await wiki(c);
  for (const bad of ["foo", '{"a"}', "[a]"]) {
    assertError(await c.call("JSON.SET", "wiki", ".firstName", bad), E.parse);
  }
  assert.equal(await c.call("JSON.SET", "wiki", ".address.city", '"Boston"', "NX"), null);
  assert.equal(await c.call("JSON.SET", "wiki", ".address.city", '"Boston"', "XX"), "OK");
  assert.equal(await c.call("JSON.SET", "wiki", ".foo", '"bar"', "nx"), "OK");
  assert.equal(await c.call("JSON.SET", "wiki", ".firstName", '"bar"', "NX"), null);
  for (const w of ["badword", "NXXX", "XXXX"]) {
    assertError(await c.call("JSON.SET", "k", ".", '"v"', w), E.syntax);
  }
  assertError(await c.call("JSON.SET", "wiki", ".", '"bar"', "a", "b"), arity("JSON.SET"));
  assertError(await c.call("JSON.SET", "foo", ".bar", '"bar"'), E.root);
  assert.equal(await c.call("JSON.SET", "foo", ".", '"x"', "XX"), null);
  assert.equal(await c.call("JSON.SET", "wiki", ".", '"x"', "NX"), null);
  assert.equal(await c.call("EXISTS", "foo"), 0);
});

test("JSON.SET inserts only at the last step and reports where a write cannot go", async (c) => {
  await wiki(c);
  assertError(await c.call("JSON.SET", "wiki", ".firstName.a", "1"), E.insert);
  assertError(await c.call("JSON.SET", "wiki", ".age.a", "1"), E.insert);
  assertError(await c.call("JSON.SET", "wiki", ".address.a.b", "1"), E.noPath);
  assertError(await c.call("JSON.SET", "wiki", ".address[0]", "1"), "WRONGTYPE JSON element is not an array");
  assertError(await c.call("JSON.SET", "wiki", "phoneNumbers[9]", '"123"'), E.oob);
  assert.equal(await c.call("JSON.SET", "wiki", '["address"]["z"]', '"z"'), "OK");
  assert.equal(await c.call("JSON.SET", "wiki", ".address.z2", '"z"'), "OK");
  assertError(await c.call("JSON.SET", "wiki", ".address.foo.z", '"z"'), E.noPath);
  assert.equal(await c.call("JSON.OBJLEN", "wiki", ".address"), 6);
  assert.equal(await c.call("JSON.SET", "wiki", ".phoneNumbers[-1].number", '"1-2-3"'), "OK");
  assert.equal(await c.call("JSON.GET", "wiki", "$.phoneNumbers[*].number"), '["212 555-1234","1-2-3"]');
});

test("wildcard writes update every match in both dialects", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.SET", "wiki", ".address.*", '"1"'), "OK");
  assert.equal(await c.call("JSON.GET", "wiki", ".address.*"), '"1"');
  assert.equal(await c.call("JSON.GET", "wiki", "$.address.*"), '["1","1","1","1"]');
  assert.equal(await c.call("JSON.SET", "k", ".", '{"a":[], "b":[1], "c":[1,2,3]}'), "OK");
  assert.equal(await c.call("JSON.SET", "k", "$.a[*]", "1"), "OK");
  assert.equal(await c.call("JSON.GET", "k", "$.a[*]"), "[]");
  assertError(await c.call("JSON.SET", "k", ".a[*]", "1"), E.noPath);
  assert.equal(await c.call("JSON.SET", "k", "$.c[*]", "4"), "OK");
  assert.equal(await c.call("JSON.GET", "k"), '{"a":[],"b":[1],"c":[4,4,4]}');
});

test("numbers keep their text; JSON.TYPE tells integer from number", async (c) => {
  for (const n of ["0.1", "-1.23456789", "1.7976e+308", "1.234567890123456789", "0.3000000", "1E5", "-0"]) {
    assert.equal(await c.call("JSON.SET", "n", ".", n), "OK");
    assert.equal(await c.call("JSON.GET", "n"), n);
  }
  assert.equal(
    await c.call("JSON.SET", "t", ".", '[1, 2.3, "foo", true, null, {}, [], 9223372036854775808]'),
    "OK",
  );
  assert.deepEqual(await c.call("JSON.TYPE", "t", "$[*]"), [
    "integer",
    "number",
    "string",
    "boolean",
    "null",
    "object",
    "array",
    "number",
  ]);
  assert.equal(await c.call("JSON.TYPE", "t"), "array");
  assert.equal(await c.call("JSON.TYPE", "t", ".nope"), null);
  assert.equal(await c.call("JSON.TYPE", "nokey"), null);
  assert.deepEqual(await c.call("JSON.TYPE", "nokey", "$"), []);
});

test("paths: numeric member names, quoted names, nested wildcards, recursive descent, filters", async (c) => {
  assert.equal(await c.call("JSON.SET", "k", ".", '{"1":1,"2":{"3":4}}'), "OK");
  assert.equal(await c.call("JSON.GET", "k", ".2.3"), "4");
  assert.equal(await c.call("JSON.GET", "k", "$.2.3"), "[4]");
  assert.equal(await c.call("JSON.GET", "k", '["2"]["3"]'), "4");
  assert.equal(await c.call("JSON.GET", "k", "['2']['3']"), "4");
  await wiki(c);
  assert.equal(await c.call("JSON.GET", "wiki", ".phoneNumbers[*].type"), '"home"');
  assert.equal(await c.call("JSON.GET", "wiki", '$.[ "phoneNumbers" ][ * ].[ "type" ]'), '["home","office"]');
  assert.equal(await c.call("JSON.GET", "wiki", "$..type"), '["home","office"]');
  assert.equal(
    await c.call("JSON.GET", "wiki", '$.phoneNumbers[?(@.type=="office")].number'),
    '["646 555-4567"]',
  );
  assert.equal(await c.call("JSON.GET", "wiki", '$.["firstName","lastName"]'), '["John","Smith"]');
  assert.equal(
    await c.call("JSON.SET", "a", ".", '{"a":[[[1,2],[3,4],[5,6]],[[7,8],[9,10],[11,12]]]}'),
    "OK",
  );
  assert.equal(await c.call("JSON.GET", "a", "$.a[*][*][1]"), "[2,4,6,8,10,12]");
  assert.equal(await c.call("JSON.GET", "a", ".a[*][*][1]"), "2");
  assert.equal(await c.call("JSON.SET", "n", ".", "[1,2,3,4,5,6,7,8,9]"), "OK");
  assert.equal(await c.call("JSON.GET", "n", "$.*[?(@ > 7 || @ < 3)]"), "[8,9,1,2]");
  assert.equal(await c.call("JSON.GET", "n", "$[1:8:3]"), "[2,5,8]");
  assert.equal(await c.call("JSON.GET", "n", "$[-2:]"), "[8,9]");
  assert.equal(await c.call("JSON.GET", "n", "$[0,2,-1]"), "[1,3,9]");
  assertError(await c.call("JSON.GET", "n", "$[0:3:0]"), "SYNTAXERR Step in the slice cannot be zero");
  for (const p of ["&&$.store..price", "!$.store..price", "=.store..price"]) {
    assertError(await c.call("JSON.GET", "wiki", p), "SYNTAXERR Invalid object member name");
  }
  assert.equal(await c.call("JSON.GET", "wiki", "$a.b.c.d"), "[]");
  assert.equal(await c.call("JSON.GET", "wiki", "$[0,1]"), "[]");
});

test("multi-path JSON.GET mixes dialects as valkey-json does", async (c) => {
  assert.equal(await c.call("JSON.SET", "k", ".", '{"a":[], "b":[1], "c":[1,2]}'), "OK");
  assert.equal(
    await c.call("JSON.GET", "k", ".a[*]", "$.b[*]", ".c[*]"),
    '{".a[*]":[],"$.b[*]":[1],".c[*]":[1,2]}',
  );
  assert.equal(await c.call("JSON.GET", "k", ".b[*]", ".c[*]"), '{".b[*]":1,".c[*]":1}');
  assertError(await c.call("JSON.GET", "k", ".a[*]", ".b[*]"), E.noPath);
});

test("JSON.MGET reads one path from many keys", async (c) => {
  assert.equal(await c.call("JSON.SET", "k1", ".", '{"foo":"bar1"}'), "OK");
  assert.equal(await c.call("JSON.SET", "k2", ".", '{"foo":"bar2"}'), "OK");
  assert.deepEqual(await c.call("JSON.MGET", "k1", "k2", "k3", ".bar"), [null, null, null]);
  assert.deepEqual(await c.call("JSON.MGET", "baz", "k2", ".foo"), [null, '"bar2"']);
  assert.deepEqual(await c.call("JSON.MGET", "k1", "k2", "$.foo"), ['["bar1"]', '["bar2"]']);
  assert.deepEqual(await c.call("JSON.MGET", "k1", "nokey", "$.x"), ["[]", null]);
  await c.call("SET", "s", "x");
  assertError(await c.call("JSON.MGET", "k1", "s", "."), E.notDoc);
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "JSON.MGET", "k1", "k2", "k3", "."), [
    "k1",
    "k2",
    "k3",
  ]);
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "JSON.DEBUG", "MEMORY", "k1"), ["k1"]);
  assert.deepEqual(await c.call("COMMAND", "GETKEYS", "JSON.MSET", "a", ".", "1", "b", ".", "2"), ["a", "b"]);
});

test("JSON.MSET is all-or-nothing for syntax and best effort afterwards", async (c) => {
  assert.equal(await c.call("JSON.MSET", "a", ".", "1", "b", "$", '{"x":1}'), "OK");
  assert.deepEqual(await c.call("JSON.MGET", "a", "b", "."), ["1", '{"x":1}']);
  assertError(await c.call("JSON.MSET", "c", ".", "1", "foo", ".bar", '"bar"'), E.root);
  assert.equal(await c.call("EXISTS", "c"), 0);
  assertError(await c.call("JSON.MSET", "c", ".", "1", "d", "."), arity("JSON.MSET"));
  assert.equal(await c.call("JSON.SET", "dk", "$", '{"a":1}'), "OK");
  assert.equal(await c.call("JSON.MSET", "dk", "$", "[1,2,3]", "dk", ".a", "99"), "OK");
  assert.equal(await c.call("JSON.GET", "dk"), "[1,2,3]");
});

test("JSON.DEL and JSON.FORGET delete values, elements and whole keys", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.DEL", "wiki", ".foo"), 0);
  assert.equal(await c.call("JSON.DEL", "foo", ".x"), 0);
  assertError(await c.call("JSON.DEL", "wiki", ".children", "extra"), arity("JSON.DEL"));
  assert.equal(await c.call("JSON.FORGET", "wiki", ".address.city"), 1);
  assert.equal(await c.call("JSON.DEL", "wiki"), 1);
  assert.equal(await c.call("EXISTS", "wiki"), 0);
  assert.equal(await c.call("JSON.SET", "k", ".", "[0,1,2,3,4,5,6,7,8,9]"), "OK");
  assert.equal(await c.call("JSON.DEL", "k", "$[1,5,7,8]"), 4);
  assert.equal(await c.call("JSON.GET", "k"), "[0,2,3,4,6,9]");
  assert.equal(await c.call("JSON.SET", "k", ".", "[0,1,2,3,4,5,6,7,8,9]"), "OK");
  assert.equal(await c.call("JSON.DEL", "k", "$[3:7]"), 4);
  assert.equal(await c.call("JSON.GET", "k"), "[0,1,2,7,8,9]");
  assert.equal(await c.call("JSON.SET", "o", ".", '{"a":1,"b":2,"c":3}'), "OK");
  assert.equal(await c.call("JSON.DEL", "o", "$.*"), 3);
  assert.equal(await c.call("JSON.GET", "o"), "{}");
});

test("JSON.NUMINCRBY and JSON.NUMMULTBY format results like valkey-json", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.NUMINCRBY", "wiki", ".age", "1"), "28");
  assert.equal(await c.call("JSON.NUMINCRBY", "wiki", ".age", "10"), "38");
  assert.equal(await c.call("JSON.NUMINCRBY", "wiki", ".age", "-5"), "33");
  assert.equal(await c.call("JSON.SET", "wiki", ".foo", "1"), "OK");
  assert.equal(await c.call("JSON.NUMINCRBY", "wiki", ".foo", "0.5"), "1.5");
  assert.equal(await c.call("JSON.NUMINCRBY", "wiki", ".foo", "0.5"), "2");
  assert.equal(await c.call("JSON.SET", "wiki", ".age", "27"), "OK");
  assert.equal(await c.call("JSON.NUMMULTBY", "wiki", ".age", "10"), "270");
  assert.equal(await c.call("JSON.NUMMULTBY", "wiki", ".age", "10"), "2700");
  assert.equal(await c.call("JSON.NUMMULTBY", "wiki", ".age", "0.01"), "27");
  assert.equal(await c.call("JSON.TYPE", "wiki", ".age"), "integer");
  assert.equal(await c.call("JSON.SET", "wiki", ".foo", "1"), "OK");
  assert.equal(await c.call("JSON.NUMMULTBY", "wiki", ".foo", "0.5"), "0.5");
  assert.equal(await c.call("JSON.NUMMULTBY", "wiki", ".foo", "0.5"), "0.25");
  assert.equal(await c.call("JSON.NUMMULTBY", "wiki", ".foo", "4"), "1");
  assert.equal(await c.call("JSON.NUMINCRBY", "wiki", ".weight", "0.1"), "135.34999999999999");
  assertError(await c.call("JSON.NUMINCRBY", "foo", ".age", "2"), E.noKey);
  assertError(await c.call("JSON.NUMINCRBY", "wiki", ".bar", "2"), E.noPath);
  assertError(
    await c.call("JSON.NUMINCRBY", "wiki", ".firstName", "2"),
    "WRONGTYPE JSON element is not a number",
  );
  assertError(await c.call("JSON.NUMINCRBY", "wiki", ".age", '"x"'), "WRONGTYPE Value is not a number");
  assertError(await c.call("JSON.NUMINCRBY", "wiki", ".age", "2", "3"), arity("JSON.NUMINCRBY"));
  assert.equal(await c.call("JSON.SET", "big", ".", "1.7e308"), "OK");
  assertError(await c.call("JSON.NUMINCRBY", "big", ".", "1.7e308"), "OVERFLOW Addition would overflow");
  assertError(await c.call("JSON.NUMMULTBY", "big", ".", "10"), "OVERFLOW Multiplication would overflow");
  assert.equal(await c.call("JSON.SET", "d", ".", '{"d":[1,2,3]}'), "OK");
  assert.equal(await c.call("JSON.NUMINCRBY", "d", "$.d[*]", "10"), "[11,12,13]");
  assert.equal(await c.call("JSON.SET", "d", ".", '{"d":{"a":1,"b":"b","c":3}}'), "OK");
  assert.equal(await c.call("JSON.NUMINCRBY", "d", "$.d.*", "1"), "[2,null,4]");
  assert.equal(await c.call("JSON.NUMINCRBY", "d", ".d.*", "1"), "5");
});

test("string commands: JSON.STRLEN and JSON.STRAPPEND", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.STRLEN", "wiki", ".address.state"), 2);
  assert.equal(await c.call("JSON.STRLEN", "wiki", ".firstName"), 4);
  assert.equal(await c.call("JSON.STRLEN", "foo", ".x"), null);
  assertError(await c.call("JSON.STRLEN", "wiki", ".bar"), E.noPath);
  for (const p of [".address", ".age", ".isAlive", ".spouse"]) {
    assertError(await c.call("JSON.STRLEN", "wiki", p), "WRONGTYPE JSON element is not a string");
  }
  assert.equal(await c.call("JSON.STRAPPEND", "wiki", ".firstName", '"son"'), 7);
  assert.equal(await c.call("JSON.GET", "wiki", ".firstName"), '"Johnson"');
  assert.equal(await c.call("JSON.STRAPPEND", "wiki", ".firstName", '""'), 7);
  for (const v of ["123", "true", "null", "{}", "[]"]) {
    assertError(await c.call("JSON.STRAPPEND", "wiki", ".firstName", v), "WRONGTYPE Value is not a string");
  }
  assertError(await c.call("JSON.STRAPPEND", "foo", ".x", '"a"'), E.noKey);
  assert.equal(await c.call("JSON.SET", "k", ".", '{"b":{"a":"a","b":1}}'), "OK");
  assert.deepEqual(await c.call("JSON.STRAPPEND", "k", "$.b.*", '"a"'), [2, null]);
  assert.equal(await c.call("JSON.STRAPPEND", "k", ".b.*", '"a"'), 3);
  assert.equal(await c.call("JSON.SET", "u", ".", '"é"'), "OK");
  assert.equal(await c.call("JSON.STRLEN", "u"), 2);
});

test("object commands: JSON.OBJLEN and JSON.OBJKEYS", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.OBJLEN", "wiki", ".address"), 4);
  assert.equal(await c.call("JSON.OBJLEN", "wiki", ".groups"), 0);
  assert.equal(await c.call("JSON.OBJLEN", "foo"), null);
  assertError(await c.call("JSON.OBJLEN", "wiki", ".foo"), E.noPath);
  assertError(await c.call("JSON.OBJLEN", "wiki", ".children"), "WRONGTYPE JSON element is not an object");
  assert.deepEqual(await c.call("JSON.OBJKEYS", "wiki", ".address"), ["street", "city", "state", "zipcode"]);
  assert.deepEqual(await c.call("JSON.OBJKEYS", "wiki", ".groups"), []);
  assert.equal(await c.call("JSON.OBJKEYS", "foo"), null);
  assert.equal(await c.call("JSON.OBJKEYS", "wiki", ".foo"), null);
  assert.deepEqual(await c.call("JSON.OBJKEYS", "wiki", "$.address.street"), [null]);
});

test("array commands: ARRLEN, ARRAPPEND, ARRPOP, ARRINSERT, ARRTRIM, ARRINDEX", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.ARRLEN", "wiki", ".phoneNumbers"), 2);
  assert.equal(await c.call("JSON.ARRLEN", "wiki", ".children"), 0);
  assert.equal(await c.call("JSON.ARRPOP", "wiki", ".children"), null);
  assert.equal(await c.call("JSON.ARRINSERT", "wiki", ".children", "0", '"foo"'), 1);
  assertError(await c.call("JSON.ARRINSERT", "wiki", ".children", "31", '"x"'), E.oob);
  assertError(await c.call("JSON.ARRINSERT", "wiki", ".children", "3000000000", '"x"'), E.oob);
  assert.equal(await c.call("JSON.ARRTRIM", "wiki", ".children", "1", "0"), 0);
  assert.equal(await c.call("JSON.ARRAPPEND", "wiki", ".children", '"John"'), 1);
  assert.equal(await c.call("JSON.ARRAPPEND", "wiki", ".children", '"Mary"', '"Tom"'), 3);
  assertError(await c.call("JSON.ARRAPPEND", "foo", ".children", "1"), E.noKey);
  assertError(await c.call("JSON.ARRAPPEND", "wiki", ".age", "1"), "WRONGTYPE JSON element is not an array");
  assert.equal(await c.call("JSON.ARRINDEX", "wiki", ".children", '"Tom"'), 2);
  assert.equal(await c.call("JSON.ARRINDEX", "wiki", ".children", '"Tom"', "0", "2"), -1);
  assert.equal(await c.call("JSON.ARRINSERT", "wiki", ".children", "-1", '"Paul"'), 4);
  assert.equal(await c.call("JSON.GET", "wiki", ".children"), '["John","Mary","Paul","Tom"]');
  assert.equal(await c.call("JSON.ARRPOP", "wiki", ".children", "1"), '"Mary"');
  assert.equal(await c.call("JSON.ARRPOP", "wiki", ".children", "-1"), '"Tom"');
  assert.equal(await c.call("JSON.ARRPOP", "wiki", ".children", "0"), '"John"');
  for (const bad of ["x", "+1", "01", "1.5"]) {
    assertError(await c.call("JSON.ARRPOP", "wiki", ".children", bad), "WRONGTYPE Value is not an integer");
    assertError(
      await c.call("JSON.ARRINSERT", "wiki", ".children", bad, "1"),
      "WRONGTYPE Value is not an integer",
    );
    assertError(
      await c.call("JSON.ARRTRIM", "wiki", ".children", "0", bad),
      "WRONGTYPE Value is not an integer",
    );
  }
  assertError(await c.call("JSON.ARRAPPEND", "wiki", "$.children[5]", "1"), E.oob);
  assert.equal(await c.call("JSON.SET", "t", ".", '["John","Mary","Tom"]'), "OK");
  assert.equal(await c.call("JSON.ARRTRIM", "t", ".", "1", "2"), 2);
  assert.equal(await c.call("JSON.ARRTRIM", "t", ".", "0", "0"), 1);
  assert.equal(await c.call("JSON.ARRTRIM", "t", ".", "-1", "5"), 1);
  assert.equal(await c.call("JSON.GET", "t"), '["Mary"]');
  const nested = '[[], ["a"], ["a","b"], ["a","b","c"]]';
  assert.equal(await c.call("JSON.SET", "n", ".", nested), "OK");
  assert.deepEqual(await c.call("JSON.ARRAPPEND", "n", "$.[*]", '"a"'), [1, 2, 3, 4]);
  assert.equal(await c.call("JSON.SET", "n", ".", nested), "OK");
  assert.deepEqual(await c.call("JSON.ARRPOP", "n", "$.[*]", "0"), [null, '"a"', '"a"', '"a"']);
  assert.equal(await c.call("JSON.SET", "n", ".", nested), "OK");
  assert.deepEqual(await c.call("JSON.ARRTRIM", "n", "$.[*]", "0", "1"), [0, 1, 2, 2]);
  assert.equal(await c.call("JSON.SET", "n", ".", "[[], [0], [0,1], [0,1,2]]"), "OK");
  assertError(await c.call("JSON.ARRINSERT", "n", "$.[*]", "1", "3"), E.oob);
  assert.deepEqual(await c.call("JSON.ARRINSERT", "n", "$.[*]", "0", "3"), [1, 2, 3, 4]);
  assert.equal(await c.call("JSON.SET", "x", ".", "[[], [0,true], [0,1,false], [0,1,2,null,true]]"), "OK");
  assert.deepEqual(await c.call("JSON.ARRINDEX", "x", "$.[*]", "true"), [-1, 1, -1, 4]);
  assert.deepEqual(await c.call("JSON.ARRINDEX", "x", "$.[*]", "null"), [-1, -1, -1, 3]);
  assert.equal(await c.call("JSON.SET", "l", ".", '[[], "a", ["a","b"], ["a","b","c"], 4]'), "OK");
  assert.deepEqual(await c.call("JSON.ARRLEN", "l", "$.[*]"), [0, null, 2, 3, null]);
});

test("JSON.CLEAR and JSON.TOGGLE", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.ARRAPPEND", "wiki", ".children", "1", "2", "3"), 3);
  assert.equal(await c.call("JSON.CLEAR", "wiki", ".children"), 1);
  assert.equal(await c.call("JSON.CLEAR", "wiki", ".children"), 0);
  assert.equal(await c.call("JSON.CLEAR", "wiki", ".foo"), 0);
  assert.equal(await c.call("JSON.CLEAR", "wiki"), 1);
  assert.equal(await c.call("JSON.OBJLEN", "wiki"), 0);
  assertError(await c.call("JSON.CLEAR", "foo"), E.noKey);
  assert.equal(
    await c.call(
      "JSON.SET",
      "k",
      ".",
      '{"a":{},"b":{"a":1,"b":null,"c":true},"c":1,"d":true,"e":null,"f":"d"}',
    ),
    "OK",
  );
  assert.equal(await c.call("JSON.CLEAR", "k", "$.*"), 4);
  assert.equal(await c.call("JSON.GET", "k"), '{"a":{},"b":{},"c":0,"d":false,"e":null,"f":""}');
  assert.equal(await c.call("JSON.SET", "b", ".", "true"), "OK");
  assert.equal(await c.call("JSON.TOGGLE", "b"), "false");
  assert.equal(await c.call("JSON.TOGGLE", "b"), "true");
  assert.equal(
    await c.call("JSON.SET", "b", ".", '{"a":true,"b":false,"c":1,"d":null,"e":"foo","f":[],"g":{}}'),
    "OK",
  );
  assert.deepEqual(await c.call("JSON.TOGGLE", "b", "$.*"), [0, 1, null, null, null, null, null]);
  assertError(await c.call("JSON.TOGGLE", "b", ".c"), "WRONGTYPE JSON element is not a bool");
  assertError(await c.call("JSON.TOGGLE", "nokey"), E.noKey);
});

test("JSON.RESP maps values to RESP", async (c) => {
  assert.equal(await c.call("JSON.SET", "k", ".", '{"a":[1,"b",2.5,null,true],"o":{"x":false}}'), "OK");
  assert.deepEqual(await c.call("JSON.RESP", "k"), [
    "{",
    ["a", ["[", 1, "b", "2.5", null, "true"]],
    ["o", ["{", ["x", "false"]]],
  ]);
  assert.deepEqual(await c.call("JSON.RESP", "k", "$.a[0]"), [1]);
  assert.equal(await c.call("JSON.RESP", "nokey"), null);
});

test("JSON.DEBUG MEMORY, FIELDS, DEPTH and HELP", async (c) => {
  await wiki(c);
  assert.equal(await c.call("JSON.DEBUG", "FIELDS", "wiki"), 20);
  assert.equal(await c.call("JSON.DEBUG", "FIELDS", "wiki", ".address"), 4);
  assert.equal(
    await c.call("JSON.SET", "f", ".", '[1, 2.3, "foo", true, null, {}, [], {"a":1,"b":2}, [1,2,3]]'),
    "OK",
  );
  assert.deepEqual(await c.call("JSON.DEBUG", "FIELDS", "f", "$[*]"), [1, 1, 1, 1, 1, 0, 0, 2, 3]);
  const tracked = await c.call("JSON.DEBUG", "MEMORY", "wiki") as number;
  assert.equal(await c.call("JSON.DEBUG", "MEMORY", "wiki", "."), tracked);
  assert.ok(tracked > 300 && tracked < 5000);
  const usage = await c.call("MEMORY", "USAGE", "wiki") as number;
  assert.ok(usage >= tracked, `MEMORY USAGE ${usage} < tracked ${tracked}`);
  assert.equal(await c.call("JSON.DEBUG", "DEPTH", "wiki"), 3);
  assert.equal(await c.call("json.debug", "depth", "wiki"), 3, "names match in any case");
  assert.equal(await c.call("JSON.DEBUG", "DEPTH", "nokey"), null);
  assert.equal(await c.call("JSON.DEBUG", "MEMORY", "nokey"), null);
  assertError(await c.call("JSON.DEBUG", "MEMORY", "wiki", "nopath"), E.noPath);
  assertError(await c.call("JSON.DEBUG", "MEMORY", "wiki", ".", "extra"), arity("JSON.DEBUG|MEMORY"));
  assert.ok(Array.isArray(await c.call("JSON.DEBUG", "HELP")));
});

test("the tracked document size stays exact through every kind of write", async (c) => {
  await wiki(c);
  const writes: string[][] = [
    ["JSON.SET", "wiki", ".address.city", '"Boston, Massachusetts"'],
    ["JSON.SET", "wiki", "$..type", '{"kind":[1,2,3]}'],
    ["JSON.ARRAPPEND", "wiki", ".children", '"a"', "[1,2]", '{"x":"yy"}'],
    ["JSON.ARRINSERT", "wiki", ".children", "1", "0.5000"],
    ["JSON.ARRPOP", "wiki", ".children", "0"],
    ["JSON.ARRTRIM", "wiki", ".children", "0", "1"],
    ["JSON.STRAPPEND", "wiki", ".firstName", '"-Paul"'],
    ["JSON.NUMINCRBY", "wiki", ".age", "0.123456789"],
    ["JSON.NUMMULTBY", "wiki", ".weight", "3"],
    ["JSON.TOGGLE", "wiki", ".isAlive"],
    ["JSON.DEL", "wiki", "$.phoneNumbers[0]"],
    ["JSON.CLEAR", "wiki", ".address"],
  ];
  for (const w of writes) {
    const r = await c.call(...w);
    assert.ok(!(r instanceof Error), `${w.join(" ")}: ${String(r)}`);
    assert.equal(
      await c.call("JSON.DEBUG", "MEMORY", "wiki"),
      await c.call("JSON.DEBUG", "MEMORY", "wiki", "."),
      `after ${w.join(" ")}`,
    );
  }
});

test("the tracked size stays exact across big objects, nested deletes and copies", async (c) => {
  const same = async (what: string) =>
    assert.equal(
      await c.call("JSON.DEBUG", "MEMORY", "big"),
      await c.call("JSON.DEBUG", "MEMORY", "big", "."),
      what,
    );
  assert.equal(await c.call("JSON.SET", "big", ".", "{}"), "OK");
  for (let i = 0; i < 40; i++) {
    assert.equal(await c.call("JSON.SET", "big", `.member_${i}`, `[${i},{"a":{"a":1}}]`), "OK");
  }
  await same("after 40 inserts");
  for (let i = 0; i < 10; i++) assert.equal(await c.call("JSON.DEL", "big", `.member_${i * 3}`), 1);
  await same("after deletes across the 32-member boundary");
  assert.equal(await c.call("JSON.DEL", "big", "$..a"), 60);
  await same("after a recursive delete of nested matches");
  assert.equal(await c.call("JSON.DEL", "big", "$.*[0]"), 30);
  await same("after deleting array elements");
  assert.equal(await c.call("COPY", "big", "big2"), 1);
  assert.equal(await c.call("JSON.DEBUG", "MEMORY", "big2"), await c.call("JSON.DEBUG", "MEMORY", "big"));
});

test("json.max-path-limit and json.max-document-size are enforced", async (c) => {
  const nest = (d: number) => '{"a":'.repeat(d) + "{}" + "}".repeat(d);
  try {
    assert.equal(await c.call("CONFIG", "SET", "json.max-path-limit", "128"), "OK");
    assert.equal(await c.call("JSON.SET", "k", ".", nest(127)), "OK");
    const deep = await c.call("JSON.SET", "k", ".", nest(200_000));
    assert.ok(String((deep as Error).message).startsWith("LIMIT"), String(deep));
    assert.equal(await c.call("CONFIG", "SET", "json.max-path-limit", "3"), "OK");
    assert.equal(await c.call("JSON.SET", "k3", "$", '{"a":{"a":{"a":0}}}'), "OK");
    assertError(
      await c.call("JSON.SET", "k3", "$.a.a.b", '{"b":0}'),
      "LIMIT Document path nesting limit is exceeded",
    );
    assert.deepEqual(await c.call("CONFIG", "GET", "json.max-path-limit"), ["json.max-path-limit", "3"]);
    assert.equal(await c.call("CONFIG", "SET", "json.max-document-size", "1000"), "OK");
    assert.equal(await c.call("JSON.SET", "s", ".", `"${"a".repeat(500)}"`), "OK");
    assertError(
      await c.call("JSON.SET", "s2", ".", `"${"a".repeat(2000)}"`),
      "LIMIT Document size limit is exceeded",
    );
    assertError(
      await c.call("JSON.STRAPPEND", "s", ".", `"${"a".repeat(600)}"`),
      "LIMIT Document size limit is exceeded",
    );
    assert.equal(await c.call("JSON.STRLEN", "s"), 500);
  } finally {
    await c.call("CONFIG", "SET", "json.max-path-limit", "128");
    await c.call("CONFIG", "SET", "json.max-document-size", "0");
  }
});

test("hostile input: a million-deep document, huge and deep paths are rejected cleanly", async (c) => {
  const deep = await c.call("JSON.SET", "k", ".", "[".repeat(1_000_000) + "]".repeat(1_000_000));
  assert.equal((deep as Error).message, "LIMIT Parser recursion depth is exceeded");
  assert.equal(await c.call("JSON.SET", "k", ".", '{"a":'.repeat(30) + "1" + "}".repeat(30)), "OK");
  assertError(
    await c.call("JSON.GET", "k", "$" + ".a".repeat(70_000)),
    "LIMIT Query string size limit is exceeded",
  );
  assertError(
    await c.call("JSON.GET", "k", "$" + "..a".repeat(21)),
    "LIMIT Total number of recursive descent tokens in the query string exceeds the limit",
  );
  assertError(
    await c.call("JSON.GET", "k", "$[?(" + "(".repeat(5000) + "@" + ")".repeat(5000) + ")]"),
    "LIMIT Parser recursion depth is exceeded",
  );
  assert.equal(await c.call("PING"), "PONG");
});

test("keyspace events use the generic class with json.* names", async (c) => {
  const sub = await RawConn.connect(srv.port);
  try {
    assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", "KEg"), "OK");
    await sub.call("PSUBSCRIBE", "__keyspace@0__:ev*");
    assert.equal(await c.call("JSON.SET", "ev", ".", '{"a":[1],"n":1,"s":"x","b":true}'), "OK");
    await c.call("JSON.ARRAPPEND", "ev", ".a", "2");
    await c.call("JSON.NUMINCRBY", "ev", ".n", "1");
    await c.call("JSON.STRAPPEND", "ev", ".s", '"y"');
    await c.call("JSON.TOGGLE", "ev", ".b");
    await c.call("JSON.DEL", "ev", ".s");
    const events: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await sub.read() as unknown[];
      events.push(String(m[3]));
    }
    assert.deepEqual(events, [
      "json.set",
      "json.arrappend",
      "json.numincrby",
      "json.strappend",
      "json.toggle",
      "json.del",
    ]);
  } finally {
    sub.close();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
  }
});

test("INFO json_core_metrics counts documents and their memory; COPY deep-copies", async (c) => {
  await wiki(c);
  assert.equal(await c.call("COPY", "wiki", "wiki2"), 1);
  assert.equal(await c.call("JSON.SET", "wiki2", ".firstName", '"Jane"'), "OK");
  assert.equal(await c.call("JSON.GET", "wiki", ".firstName"), '"John"');
  const info = String(await c.call("INFO", "json_core_metrics"));
  assert.match(info, /# json_core_metrics/);
  assert.match(info, /json_num_documents:\d+/);
  const mem = Number(/json_total_memory_bytes:(\d+)/.exec(info)?.[1]);
  assert.ok(mem >= 2 * (await c.call("JSON.DEBUG", "MEMORY", "wiki") as number));
});

test("COMMAND INFO shows arity, flags and the json ACL category", async (c) => {
  const info = await c.call("COMMAND", "INFO", "json.set", "json.get", "json.arrtrim") as unknown[][];
  assert.deepEqual(info.map((i) => i[0]), ["JSON.SET", "JSON.GET", "JSON.ARRTRIM"]);
  assert.equal(info[0]![1], -4);
  assert.ok((info[0]![2] as string[]).includes("denyoom"));
  assert.deepEqual((info[0]![6] as string[]).slice().sort(), ["@json", "@slow", "@write"]);
  assert.deepEqual((info[1]![6] as string[]).slice().sort(), ["@fast", "@json", "@read"]);
  assert.deepEqual((info[2]![6] as string[]).slice().sort(), ["@fast", "@json", "@write"]);
  assert.equal(info[1]![1], -2);
  assert.ok((info[1]![2] as string[]).includes("readonly"));
  assert.equal(info[2]![1], 5);
  const debug = await c.call("COMMAND", "INFO", "json.debug") as unknown[][];
  const subs = (debug[0]![9] as unknown[][]).map((s) => [s[0], s[1]]);
  assert.deepEqual(subs, [
    ["JSON.DEBUG|MEMORY", -3],
    ["JSON.DEBUG|FIELDS", -3],
    ["JSON.DEBUG|DEPTH", 3],
    ["JSON.DEBUG|HELP", 2],
    ["JSON.DEBUG|MAX-DEPTH-KEY", 2],
    ["JSON.DEBUG|MAX-SIZE-KEY", 2],
  ]);
});

test("INFO json_core_metrics counts documents down when core commands drop them (the free callback)", async (c) => {
  const docs = async () =>
    Number(/json_num_documents:(\d+)/.exec(await c.call("INFO", "json_core_metrics") as string)![1]);
  const before = await docs();
  assert.equal(await c.call("JSON.SET", "a", ".", '{"x":1}'), "OK");
  assert.equal(await c.call("JSON.SET", "b", ".", "[1,2]"), "OK");
  assert.equal(await c.call("JSON.SET", "e", ".", "3"), "OK");
  assert.equal(await docs(), before + 3, `three new (before ${before})`);
  assert.equal(await c.call("DEL", "a"), 1);
  assert.equal(await c.call("RENAME", "b", "c"), "OK");
  assert.equal(await c.call("SET", "e", "plain"), "OK");
  assert.equal(
    await docs(),
    before + 1,
    `DEL and overwrite free, RENAME keeps the document (before ${before})`,
  );
  assert.equal(await c.call("FLUSHALL"), "OK");
  assert.equal(await docs(), 0);
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
