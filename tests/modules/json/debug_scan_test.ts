/**
 * JSON.DEBUG MAX-DEPTH-KEY and MAX-SIZE-KEY (valkey-json 1.0's keyspace-walking subcommands, built on the
 * module API's `ctx.scan`) and JSON.DEBUG HELP listing them. Expected shapes from valkey-json 1.0.0's
 * json.cc and tests: a 2-element array `[max, key]` (an integer, then the key as a simple string); "size"
 * is the document size JSON.DEBUG MEMORY reports without a path; depth is what JSON.DEBUG DEPTH reports;
 * only a strictly greater value replaces the leader, so with no document above 0 the reply is `[0, ""]`;
 * arity 2 exactly; no key arguments for COMMAND GETKEYS. Valkyr only (no JSON module elsewhere).
 */

import assert from "node:assert/strict";
import { isValkyr, startServer } from "../../helpers/server.ts";
import { encodeRequest, type RawConn } from "../../helpers/raw.ts";
import { assertError, flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();
const base = flushedTest(srv);
const test = (name: string, fn: (c: RawConn) => Promise<void>) => base(name, fn, { ignore: !isValkyr() });

const arity = (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`;

async function set(c: RawConn, key: string, json: string): Promise<void> {
  assert.equal(await c.call("JSON.SET", key, "$", json), "OK");
}

test('an empty database, or one without JSON documents, replies [0, ""]', async (c) => {
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [0, ""]);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-SIZE-KEY"), [0, ""]);
  assert.equal(await c.call("SET", "s", "x"), "OK");
  assert.equal(await c.call("HSET", "h", "f", '{"a":{"b":1}}'), 1);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [0, ""]);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-SIZE-KEY"), [0, ""]);
});

test("a single document: its DEPTH and its MEMORY, with its name", async (c) => {
  await set(c, "only", '{"a":[{"b":[1]}]}');
  const depth = await c.call("JSON.DEBUG", "DEPTH", "only") as number;
  const size = await c.call("JSON.DEBUG", "MEMORY", "only") as number;
  assert.equal(depth, 4);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [depth, "only"]);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-SIZE-KEY"), [size, "only"]);
  assert.deepEqual(await c.call("json.debug", "max-depth-key"), [depth, "only"], "any case");
});

test("among many documents the deepest and the largest win", async (c) => {
  for (let i = 0; i < 300; i++) await set(c, `doc${i}`, `{"id":${i},"tags":["a","b"],"n":{"x":${i}}}`);
  await set(c, "deep", '{"a":{"b":{"c":{"d":{"e":[1]}}}}}');
  await set(
    c,
    "big",
    JSON.stringify({ text: "x".repeat(5000), list: Array.from({ length: 50 }, (_, i) => i) }),
  );
  await set(c, "scalar", '"a long string but no depth at all, whatever its length"');
  assert.equal(await c.call("SET", "plain", "y".repeat(20000)), "OK", "non-JSON keys are not measured");
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [6, "deep"]);
  const bigSize = await c.call("JSON.DEBUG", "MEMORY", "big") as number;
  assert.ok(bigSize > 5000);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-SIZE-KEY"), [bigSize, "big"]);
  // the size follows writes: grow another document past "big"
  assert.deepEqual(await c.call("JSON.STRAPPEND", "doc7", "$.tags[0]", JSON.stringify("z".repeat(9000))), [
    9001,
  ]);
  const doc7 = await c.call("JSON.DEBUG", "MEMORY", "doc7") as number;
  assert.ok(doc7 > bigSize);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-SIZE-KEY"), [doc7, "doc7"]);
  assert.equal(await c.call("DEL", "deep"), 1);
  const [depth, deepest] = await maxKeyOf(c, "DEPTH");
  const d = await c.call("JSON.DEBUG", "MAX-DEPTH-KEY") as [number, string];
  assert.equal(d[0], 2);
  assert.equal(depth, 2);
  assert.ok(deepest.includes(d[1]), `${d[1]} is one of the depth-2 documents`);
});

/** The expected [max, first key with it] computed by asking each JSON key in turn (the order is the walk's). */
async function maxKeyOf(c: RawConn, what: "DEPTH" | "MEMORY"): Promise<[number, string[]]> {
  let max = 0;
  let names: string[] = [];
  for (const k of await c.call("KEYS", "*") as string[]) {
    if (await c.call("TYPE", k) !== "ReJSON-RL") continue;
    const v = await c.call("JSON.DEBUG", what, k) as number;
    if (v > max) [max, names] = [v, [k]];
    else if (v === max) names.push(k);
  }
  return [max, names];
}

test("ties: one of the tied documents, the same on every call", async (c) => {
  for (const k of ["t1", "t2", "t3", "t4"]) await set(c, k, '{"a":{"b":[1,2,3]}}');
  const [depth, deepest] = await maxKeyOf(c, "DEPTH");
  const [size, largest] = await maxKeyOf(c, "MEMORY");
  assert.equal(depth, 3);
  assert.equal(deepest.length, 4);
  assert.equal(largest.length, 4);
  const d = await c.call("JSON.DEBUG", "MAX-DEPTH-KEY") as [number, string];
  const s = await c.call("JSON.DEBUG", "MAX-SIZE-KEY") as [number, string];
  assert.equal(d[0], depth);
  assert.ok(deepest.includes(d[1]));
  assert.equal(s[0], size);
  assert.ok(largest.includes(s[1]));
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), d);
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-SIZE-KEY"), s);
});

test("scalars and empty containers have depth 0: MAX-DEPTH-KEY names none of them", async (c) => {
  for (const [k, v] of [["n", "1"], ["s", '"a"'], ["z", "null"], ["o", "{}"], ["a", "[]"]]) {
    await set(c, k!, v!);
  }
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [0, ""]);
  const [size, largest] = await maxKeyOf(c, "MEMORY");
  const s = await c.call("JSON.DEBUG", "MAX-SIZE-KEY") as [number, string];
  assert.ok(size > 0);
  assert.equal(s[0], size);
  assert.ok(largest.includes(s[1]));
});

test("only the selected database is walked; expired documents are left out", async (c) => {
  await set(c, "zero", "[1]");
  assert.equal(await c.call("SELECT", "3"), "OK");
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [0, ""]);
  await set(c, "three", "[[[1]]]");
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [3, "three"]);
  assert.equal(await c.call("FLUSHDB"), "OK");
  assert.equal(await c.call("SELECT", "0"), "OK");
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [1, "zero"]);
  assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
  try {
    await set(c, "gone", '{"a":{"b":{"c":1}}}');
    assert.equal(await c.call("PEXPIRE", "gone", "1"), 1);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [1, "zero"]);
  } finally {
    await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
  }
});

test("the reply is an integer and a simple string in RESP3 too; a NUL cuts the name", async (c) => {
  assert.ok((await c.call("HELLO", "3")) instanceof Map);
  await set(c, "ab\0cd", "[[1]]");
  assert.deepEqual(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY"), [2, "ab"]);
  assert.equal(await c.call("FLUSHALL"), "OK");
  await set(c, "k", "[[1]]");
  c.send(encodeRequest(["JSON.DEBUG", "MAX-DEPTH-KEY"]));
  assert.equal(await c.readRaw(12), "*2\r\n:2\r\n+k\r\n");
});

test("arity, COMMAND INFO and COMMAND GETKEYS as valkey-json's", async (c) => {
  assertError(await c.call("JSON.DEBUG", "MAX-DEPTH-KEY", "x"), arity("JSON.DEBUG|MAX-DEPTH-KEY"));
  assertError(await c.call("JSON.DEBUG", "MAX-SIZE-KEY", "x", "y"), arity("JSON.DEBUG|MAX-SIZE-KEY"));
  const info = await c.call("COMMAND", "INFO", "JSON.DEBUG") as unknown[][];
  const subs = new Map((info[0]![9] as unknown[][]).map((s) => [s[0], s]));
  for (const name of ["JSON.DEBUG|MAX-DEPTH-KEY", "JSON.DEBUG|MAX-SIZE-KEY"]) {
    const s = subs.get(name)!;
    assert.equal(s[1], 2);
    assert.deepEqual([s[3], s[4], s[5]], [0, 0, 0], "no keys");
  }
  for (const sub of ["MAX-DEPTH-KEY", "MAX-SIZE-KEY"]) {
    const r = await c.call("COMMAND", "GETKEYS", "JSON.DEBUG", sub);
    assert.ok(r instanceof Object && "message" in r, `GETKEYS ${sub} is an error`);
  }
});

test("JSON.DEBUG HELP lists the subcommands in valkey-json's words", async (c) => {
  assert.deepEqual(await c.call("JSON.DEBUG", "HELP"), [
    "JSON.DEBUG MEMORY <key> [path] - report memory size (bytes). Without path reports document size " +
    "without keys. With path reports size including keys",
    "JSON.DEBUG DEPTH <key> - report the maximum path depth of the JSON document.",
    "JSON.DEBUG FIELDS <key> [path] - report number of fields in the JSON element. Path defaults to root " +
    "if not provided.",
    "JSON.DEBUG HELP - print help message.",
    "------- DANGER, LONG RUNNING COMMANDS, DON'T USE ON PRODUCTION SYSTEM --------",
    "JSON.DEBUG MAX-DEPTH-KEY - Find JSON key with maximum depth",
    "JSON.DEBUG MAX-SIZE-KEY  - Find JSON key with largest memory size",
  ]);
});

Deno.test({
  name: "stop the server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => srv.stop(),
});
