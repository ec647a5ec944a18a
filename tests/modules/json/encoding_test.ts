/**
 * The JSON module's two document encodings over TCP (modules/json/tape.ts): small documents are packed
 * tapes, large ones trees, and documents move between the two as they grow and shrink, with every read,
 * write, size report and COPY agreeing across the switch. Also JSON.DEBUG HELP and NOESCAPE. Valkyr only
 * (Redis 7.0 and Valkey have no JSON module loaded): every test is skipped for other targets.
 */

import assert from "node:assert/strict";
import { isValkyr, startServer } from "../../helpers/server.ts";
import type { RawConn } from "../../helpers/raw.ts";
import { flushedTest } from "../../helpers/suite.ts";
import { productDoc } from "../../../bench/json.ts";

const srv = await startServer();
const base = flushedTest(srv);
const test = (name: string, fn: (c: RawConn) => Promise<void>) => base(name, fn, { ignore: !isValkyr() });

const memory = async (c: RawConn, key: string) => {
  const tracked = await c.call("JSON.DEBUG", "MEMORY", key) as number;
  assert.equal(await c.call("JSON.DEBUG", "MEMORY", key, "."), tracked, "tracked size = measured size");
  return tracked;
};

test("a small document costs about its text length, far below the tree form", async (c) => {
  const doc = productDoc(42);
  assert.equal(await c.call("JSON.SET", "p", ".", doc), "OK");
  const tracked = await memory(c, "p");
  assert.ok(tracked < doc.length * 1.25, `${tracked} bytes for a ${doc.length}-byte document`);
  const usage = await c.call("MEMORY", "USAGE", "p") as number;
  assert.ok(usage >= tracked && usage < doc.length * 1.5, `MEMORY USAGE ${usage}`);
  assert.equal(await c.call("JSON.GET", "p"), doc);
  assert.equal(await c.call("JSON.GET", "p", "$.price"), `[${JSON.parse(doc).price}]`);
  assert.equal(await c.call("JSON.TYPE", "p", ".dimensions.width"), "integer");
  assert.equal(await c.call("JSON.OBJLEN", "p", ".dimensions"), 4);
  assert.deepEqual(await c.call("JSON.OBJKEYS", "p", ".ratings"), ["average", "count"]);
  assert.equal(await c.call("JSON.ARRLEN", "p", ".tags"), 3);
  assert.equal(await c.call("JSON.STRLEN", "p", ".currency"), 3);
  assert.equal(await c.call("JSON.ARRINDEX", "p", ".tags", JSON.stringify(JSON.parse(doc).tags[1])), 1);
  assert.deepEqual(await c.call("JSON.RESP", "p", ".supplier"), [
    "{",
    ["name", JSON.parse(doc).supplier.name],
    [
      "country",
      "NL",
    ],
  ]);
  assert.equal(await c.call("JSON.DEBUG", "FIELDS", "p", ".dimensions"), 4);
  assert.equal(await c.call("JSON.DEBUG", "DEPTH", "p"), 2);
});

test("JSON.SET of one value keeps a packed document exact: sizes, text and ancestors", async (c) => {
  assert.equal(await c.call("JSON.SET", "d", ".", '{"a":{"b":[1,{"c":"x"}],"é":"ü"},"z":0}'), "OK");
  const before = await memory(c, "d");
  assert.equal(await c.call("JSON.SET", "d", "$.a.b[1].c", '"' + "y".repeat(300) + '"'), "OK");
  assert.equal(await c.call("JSON.GET", "d", ".a.é"), '"ü"');
  assert.equal(await c.call("JSON.GET", "d", "$.z"), "[0]");
  assert.equal(await c.call("JSON.STRLEN", "d", ".a.b[1].c"), 300);
  const after = await memory(c, "d");
  assert.ok(after > before + 290, `${before} -> ${after}`);
  assert.equal(await c.call("JSON.SET", "d", ".a.b[1].c", '"x"'), "OK");
  assert.equal(await memory(c, "d"), before);
  assert.equal(await c.call("JSON.SET", "d", ".a.b[0]", "2", "NX"), null);
  assert.equal(await c.call("JSON.SET", "d", ".a.b[0]", "2", "XX"), "OK");
  assert.equal(await c.call("JSON.GET", "d"), '{"a":{"b":[2,{"c":"x"}],"é":"ü"},"z":0}');
});

test("JSON.SET adding one member to a packed document keeps it exact", async (c) => {
  assert.equal(await c.call("JSON.SET", "m", ".", '{"a":{"b":{}},"l":[{"x":1}]}'), "OK");
  const before = await memory(c, "m");
  assert.equal(await c.call("JSON.SET", "m", "$.a.b.new", '{"n":[1,"two"]}', "XX"), null);
  assert.equal(await c.call("JSON.SET", "m", "$.a.b.new", '{"n":[1,"two"]}', "NX"), "OK");
  assert.equal(await c.call("JSON.SET", "m", ".l[0].y", '"é"'), "OK");
  assert.equal(await c.call("JSON.SET", "m", "$.a.b.new", "0", "NX"), null);
  assert.equal(await c.call("JSON.GET", "m"), '{"a":{"b":{"new":{"n":[1,"two"]}}},"l":[{"x":1,"y":"é"}]}');
  assert.deepEqual(await c.call("JSON.OBJKEYS", "m", ".l[0]"), ["x", "y"]);
  assert.equal(await c.call("JSON.OBJLEN", "m", ".a.b"), 1);
  assert.ok(await memory(c, "m") > before);
  assert.equal(await c.call("JSON.DEL", "m", ".a.b.new"), 1);
  assert.equal(await c.call("JSON.DEL", "m", ".l[0].y"), 1);
  assert.equal(await memory(c, "m"), before);
});

test("a document switches to a tree when it grows and back when it shrinks, staying correct", async (c) => {
  assert.equal(await c.call("JSON.SET", "g", ".", '{"items":[],"name":"grow"}'), "OK");
  const small = await memory(c, "g");
  const item = '{"id":12345,"label":"an item with a label of some length"}';
  const expected: unknown[] = [];
  for (let i = 0; i < 120; i++) {
    assert.equal(await c.call("JSON.ARRAPPEND", "g", ".items", item), i + 1);
    expected.push(JSON.parse(item));
    await memory(c, "g");
  }
  const big = await memory(c, "g");
  assert.ok(big > 6000, `a 7 KB document is a tree now: ${big}`);
  assert.deepEqual(JSON.parse(await c.call("JSON.GET", "g") as string), { items: expected, name: "grow" });
  assert.equal(await c.call("JSON.SET", "g", ".items[119].id", "7"), "OK");
  assert.equal(await c.call("JSON.GET", "g", ".items[-1].id"), "7");
  assert.equal(await c.call("COPY", "g", "g2"), 1);
  assert.equal(await c.call("JSON.GET", "g2"), await c.call("JSON.GET", "g"));
  assert.equal(await c.call("JSON.ARRTRIM", "g", ".items", "0", "0"), 1);
  const shrunk = await memory(c, "g");
  assert.ok(shrunk < small + 200, `packed again: ${shrunk} (was ${small} when small)`);
  assert.equal(await c.call("JSON.GET", "g"), `{"items":[${item}],"name":"grow"}`);
  assert.equal(await c.call("JSON.ARRLEN", "g2", ".items"), 120);
});

test("every write command works on packed documents", async (c) => {
  const set = (v: string) => c.call("JSON.SET", "w", ".", v);
  assert.equal(await set('{"n":1,"s":"ab","b":true,"a":[1,2,3],"o":{"x":1}}'), "OK");
  assert.equal(await c.call("JSON.NUMINCRBY", "w", ".n", "1.5"), "2.5");
  assert.equal(await c.call("JSON.NUMMULTBY", "w", "$.n", "2"), "[5]");
  assert.equal(await c.call("JSON.STRAPPEND", "w", ".s", '"c"'), 3);
  assert.equal(await c.call("JSON.TOGGLE", "w", ".b"), "false");
  assert.equal(await c.call("JSON.ARRINSERT", "w", ".a", "0", "0"), 4);
  assert.equal(await c.call("JSON.ARRPOP", "w", ".a"), "3");
  assert.equal(await c.call("JSON.SET", "w", ".o.y", "[]"), "OK");
  assert.equal(await c.call("JSON.DEL", "w", ".o.x"), 1);
  assert.equal(await c.call("JSON.CLEAR", "w", ".a"), 1);
  assert.equal(await c.call("JSON.MSET", "w", ".n", "10", "w", ".new", '"v"'), "OK");
  assert.equal(await c.call("JSON.GET", "w"), '{"n":10,"s":"abc","b":false,"a":[],"o":{"y":[]},"new":"v"}');
  await memory(c, "w");
  assert.deepEqual(await c.call("JSON.TYPE", "w", "$.n"), ["integer"]);
});

test("JSON.DEBUG HELP lists the subcommands in valkey-json's words", async (c) => {
  const help = await c.call("JSON.DEBUG", "HELP") as string[];
  assert.equal(help.length, 7, "with the MAX-DEPTH-KEY / MAX-SIZE-KEY block (debug_scan_test.ts)");
  assert.ok(help[0]!.startsWith("JSON.DEBUG MEMORY <key> [path] - report memory size (bytes)."));
  assert.ok(help.some((l) => l.startsWith("JSON.DEBUG DEPTH <key>")));
  assert.ok(help.some((l) => l.startsWith("JSON.DEBUG FIELDS <key> [path]")));
  assert.equal(help[3], "JSON.DEBUG HELP - print help message.");
});

test("NOESCAPE is accepted anywhere among the options and changes nothing, as in valkey-json", async (c) => {
  const doc = '{"q":"say \\"hi\\"\\n","u":"ü☃","c":"\\u0001"}';
  assert.equal(await c.call("JSON.SET", "e", ".", doc), "OK");
  const plain = await c.call("JSON.GET", "e");
  assert.equal(plain, '{"q":"say \\"hi\\"\\n","u":"ü☃","c":"\\u0001"}');
  assert.equal(await c.call("JSON.GET", "e", "NOESCAPE"), plain);
  assert.equal(await c.call("JSON.GET", "e", "noescape", "."), plain);
  assert.equal(
    await c.call("JSON.GET", "e", ".q", "NOESCAPE", ".u"),
    '{".q":"say \\"hi\\"\\n",".u":"ü☃"}',
  );
  assert.equal(await c.call("JSON.GET", "e", "INDENT", " ", "NOESCAPE", "$.u"), '[ "ü☃"]');
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
