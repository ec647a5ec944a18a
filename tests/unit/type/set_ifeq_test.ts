/**
 * SET ... IFEQ comparison-value (Valkey 8.1), which Valkyr ships as the conditional-SET module
 * (modules/conditional_set, loaded by default). Against Redis 7.0 these cases are skipped: IFEQ is a syntax
 * error there (tests/unit/type/string_test.ts checks that). The last tests start a Valkyr without built-in
 * modules, where IFEQ must be a syntax error as in Valkey 8.0.
 */

import assert from "node:assert/strict";
import { isValkyr, startServer, valkeyOnly } from "../../helpers/server.ts";
import { RawConn } from "../../helpers/raw.ts";
import { assertError, flushedTest } from "../../helpers/suite.ts";

const srv = await startServer();
const test = flushedTest(srv);
const only81 = valkeyOnly();

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const SYNTAX = "ERR syntax error";

test("SET IFEQ writes when the current value matches", async (c) => {
  await c.call("SET", "foo", "v1");
  assert.equal(await c.call("SET", "foo", "v2", "IFEQ", "v1"), "OK");
  assert.equal(await c.call("GET", "foo"), "v2");
}, only81);

test("SET IFEQ does not write when the value differs, and replies nil", async (c) => {
  await c.call("SET", "foo", "v1");
  assert.equal(await c.call("SET", "foo", "v2", "IFEQ", "other"), null);
  assert.equal(await c.call("GET", "foo"), "v1");
  // Byte equality: no numeric or case folding.
  await c.call("SET", "n", "10");
  assert.equal(await c.call("SET", "n", "11", "IFEQ", "10.0"), null);
  assert.equal(await c.call("SET", "n", "11", "ifeq", "10"), "OK");
}, only81);

test("SET IFEQ on a missing key replies nil and creates nothing", async (c) => {
  assert.equal(await c.call("SET", "foo", "v", "IFEQ", "x"), null);
  assert.equal(await c.call("EXISTS", "foo"), 0);
  assert.equal(await c.call("SET", "foo", "v", "IFEQ", "x", "GET"), null);
  assert.equal(await c.call("EXISTS", "foo"), 0);
}, only81);

test("SET IFEQ against another type is WRONGTYPE, with or without GET", async (c) => {
  await c.call("RPUSH", "l", "a");
  assertError(await c.call("SET", "l", "v", "IFEQ", "a"), WRONGTYPE);
  assertError(await c.call("SET", "l", "v", "IFEQ", "a", "GET"), WRONGTYPE);
  assert.equal(await c.call("TYPE", "l"), "list");
}, only81);

test("SET IFEQ GET replies the old value whether or not it wrote", async (c) => {
  await c.call("SET", "foo", "v1");
  assert.equal(await c.call("SET", "foo", "v2", "IFEQ", "v1", "GET"), "v1");
  assert.equal(await c.call("GET", "foo"), "v2");
  assert.equal(await c.call("SET", "foo", "v3", "GET", "IFEQ", "v1"), "v2");
  assert.equal(await c.call("GET", "foo"), "v2");
}, only81);

test("SET IFEQ takes the expiry options", async (c) => {
  await c.call("SET", "foo", "v1");
  assert.equal(await c.call("SET", "foo", "v2", "IFEQ", "v1", "EX", "100"), "OK");
  const ttl = await c.call("TTL", "foo") as number;
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await c.call("SET", "foo", "v3", "IFEQ", "v2", "KEEPTTL"), "OK");
  assert.ok((await c.call("TTL", "foo") as number) > 90);
  assert.equal(await c.call("SET", "foo", "v4", "IFEQ", "v3"), "OK");
  assert.equal(await c.call("TTL", "foo"), -1);
  // A mismatch leaves the TTL alone.
  await c.call("SET", "bar", "b", "PX", "100000");
  assert.equal(await c.call("SET", "bar", "c", "IFEQ", "x", "EX", "5"), null);
  assert.ok((await c.call("PTTL", "bar") as number) > 90000);
  // A past absolute time with a match deletes the key.
  assert.equal(await c.call("SET", "foo", "v5", "IFEQ", "v4", "PXAT", "1"), "OK");
  assert.equal(await c.call("EXISTS", "foo"), 0);
  // The expire argument is checked before the comparison.
  assertError(
    await c.call("SET", "bar", "c", "IFEQ", "b", "EX", "0"),
    "ERR invalid expire time in 'set' command",
  );
}, only81);

test("SET IFEQ with NX or XX, twice, or without its value is a syntax error", async (c) => {
  await c.call("SET", "foo", "v");
  for (
    const args of [
      ["IFEQ", "v", "NX"],
      ["NX", "IFEQ", "v"],
      ["IFEQ", "v", "XX"],
      ["XX", "IFEQ", "v"],
      ["IFEQ", "v", "IFEQ", "v"],
      ["IFEQ"],
      ["GET", "IFEQ"],
    ]
  ) {
    assertError(await c.call("SET", "foo", "new", ...args), SYNTAX);
  }
  assert.equal(await c.call("GET", "foo"), "v");
}, only81);

test("two clients race a price update with IFEQ: only the one that read the current price wins", async () => {
  const a = await RawConn.connect(srv.port);
  const b = await RawConn.connect(srv.port);
  try {
    await a.call("SET", "price:sku1", "100");
    // Both read the cached price...
    const readA = await a.call("GET", "price:sku1") as string;
    const readB = await b.call("GET", "price:sku1") as string;
    assert.equal(readA, "100");
    assert.equal(readB, "100");
    // ...A writes first; B's update was computed from a stale read and must not land.
    assert.equal(await a.call("SET", "price:sku1", "110", "IFEQ", readA), "OK");
    assert.equal(await b.call("SET", "price:sku1", "105", "IFEQ", readB), null);
    assert.equal(await a.call("GET", "price:sku1"), "110");
    // B re-reads and retries.
    const again = await b.call("GET", "price:sku1") as string;
    assert.equal(await b.call("SET", "price:sku1", "115", "IFEQ", again), "OK");
    // Sent at the same time from the same read, exactly one of the two wins.
    for (let round = 0; round < 20; round++) {
      const seen = await a.call("GET", "price:sku1") as string;
      const [ra, rb] = await Promise.all([
        a.call("SET", "price:sku1", `a${round}`, "IFEQ", seen),
        b.call("SET", "price:sku1", `b${round}`, "IFEQ", seen),
      ]);
      const wins = [ra, rb].filter((r) => r === "OK").length;
      assert.equal(wins, 1, `round ${round}: ${String(ra)} ${String(rb)}`);
      assert.ok([ra, rb].includes(null));
      assert.equal(await a.call("GET", "price:sku1"), ra === "OK" ? `a${round}` : `b${round}`);
    }
  } finally {
    a.close();
    b.close();
    await (async () => {
      const c = await RawConn.connect(srv.port);
      await c.call("FLUSHALL");
      c.close();
    })();
  }
}, only81);

test("COMMAND DOCS SET lists IFEQ with Valkey 8.1's entry and history", async (c) => {
  await c.call("HELLO", "3");
  const docs = await c.call("COMMAND", "DOCS", "set") as Map<string, Map<string, unknown>>;
  const set = docs.get("set")!;
  const args = set.get("arguments") as Map<string, unknown>[];
  const condition = args.find((a) => a.get("name") === "condition")!;
  const members = condition.get("arguments") as Map<string, unknown>[];
  assert.deepEqual(members.map((m) => m.get("name")), ["nx", "xx", "comparison-value"]);
  assert.deepEqual(
    members[2],
    new Map<string, unknown>([
      ["name", "comparison-value"],
      ["type", "string"],
      ["display_text", "comparison-value"],
      ["token", "IFEQ"],
      ["summary", "Sets the key's value only if the current value matches the specified comparison value."],
      ["since", "8.1.0"],
    ]),
  );
  const history = set.get("history") as unknown[];
  assert.deepEqual(history[history.length - 1], ["8.1.0", "Added the `IFEQ` option."]);
}, only81);

Deno.test({
  name: "without the conditional-SET module, IFEQ is a syntax error and COMMAND DOCS SET does not list it",
  ignore: !isValkyr(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const bare = await startServer(["--builtin-modules", "none"]);
    const c = await RawConn.connect(bare.port);
    try {
      await c.call("SET", "foo", "v");
      assertError(await c.call("SET", "foo", "new", "IFEQ", "v"), SYNTAX);
      assert.equal(await c.call("GET", "foo"), "v");
      const docs = await c.call("COMMAND", "DOCS", "set") as unknown[];
      assert.ok(!JSON.stringify(docs).includes("IFEQ"));
      assert.deepEqual(await c.call("MODULE", "LIST"), []);
    } finally {
      c.close();
      await bare.stop();
    }
  },
});

Deno.test({
  name: "builtin-modules selects built-in modules by name and refuses an unknown one",
  ignore: !isValkyr(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const only = await startServer(["--builtin-modules", "setifeq"]);
    const c = await RawConn.connect(only.port);
    try {
      const list = await c.call("MODULE", "LIST") as unknown[][];
      assert.deepEqual(list.map((m) => m[1]), ["setifeq"]);
      await c.call("SET", "k", "1");
      assert.equal(await c.call("SET", "k", "2", "IFEQ", "1"), "OK");
      // Shown by its exact name only (Valkyr's own directive: CONFIG GET * lists Valkey's).
      assert.deepEqual(await c.call("CONFIG", "GET", "builtin-modules"), ["builtin-modules", "setifeq"]);
      assert.deepEqual(await c.call("CONFIG", "GET", "builtin-*"), []);
      assert.ok(!(await c.call("CONFIG", "GET", "*") as string[]).includes("builtin-modules"));
      assertError(
        await c.call("CONFIG", "SET", "builtin-modules", "none"),
        "ERR CONFIG SET failed (possibly related to argument 'builtin-modules') - can't set immutable config",
      );
    } finally {
      c.close();
      await only.stop();
    }
    await assert.rejects(startServer(["--builtin-modules", "nosuchmodule"]), /unknown module 'nosuchmodule'/);
  },
});
