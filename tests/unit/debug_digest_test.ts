/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE over TCP: the 40-hex-character format, zeros for an empty dataset and
 * for missing keys, order independence where Valkey has it (keys, set members, hash fields, sorted-set
 * members) and order dependence where it has not (lists), TTLs, databases, module values (a module's
 * digest callback), and the exact digests valkey-server 8.1.1 printed for the same data.
 *
 * The exact-value tests need Valkey 8.1's algorithm (Redis 7.0 prints sorted-set scores differently), so
 * they are skipped against Redis; the module tests need Valkyr's JavaScript modules.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isValkeyLike, isValkyr, startServer } from "../helpers/server.ts";
import type { RawConn } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";

const ZEROS = "0".repeat(40);
const srv = await startServer(["--enable-module-command", "yes"]);
const test = flushedTest(srv);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "valkyr-digest-"));
/** A module type whose digest uses two sequences, as a C test module built against Valkey did. */
const DGMOD = path.join(dir, "dgmod.js");
fs.writeFileSync(
  DGMOD,
  `export function createModule(api) {
  let T;
  return {
    name: "dgmod", version: 1, apiVersion: 1,
    dataTypes: [{ name: "dgsttype1", encver: 0,
      rdbSave(io, v) { io.saveString(v.s); io.saveSigned(v.v); },
      rdbLoad(io) { return { s: io.loadString(), v: io.loadSigned() }; },
      aofRewrite() {}, memUsage: () => 16,
      digest(d, o) {
        d.addStringBuffer(o.s); d.addLongLong(o.v); d.endSequence();
        d.addLongLong(o.v * 2n); d.endSequence();
      } }],
    commands: [{ name: "dg.set", arity: 4, flags: ["WRITE"], handler(ctx) {
      ctx.setValue(T, ctx.argv[1], { s: ctx.argv[2].slice(), v: api.parseI64(ctx.argv[3]) });
      ctx.reply.ok();
    } }],
    onLoad(ctx) { T = ctx.dataType("dgsttype1"); },
  };
}
`,
);

async function digest(c: RawConn): Promise<string> {
  return await c.call("DEBUG", "DIGEST") as string;
}

async function digestValue(c: RawConn, ...keys: string[]): Promise<string[]> {
  return await c.call("DEBUG", "DIGEST-VALUE", ...keys) as string[];
}

/** The data set the Valkey vectors below were taken with. */
async function loadVectorData(c: RawConn): Promise<void> {
  await c.call("SET", "s1", "hello");
  await c.call("SET", "n1", "12345");
  await c.call("RPUSH", "l1", "a", "b", "c", "1", "2");
  await c.call("SADD", "set1", "x", "y", "z", "10", "20");
  await c.call("SADD", "iset", "1", "2", "3", "-5");
  await c.call("HSET", "h1", "f1", "v1", "f2", "v2", "f3", "33");
  await c.call("ZADD", "z1", "1", "a", "2.5", "b", "-3", "c", "1e20", "d", "0.1", "e", "123456789012", "f");
  await c.call("ZADD", "z2", "0.1", "m", "3", "n");
  await c.call("XADD", "st", "1-1", "f", "v", "k", "2");
  await c.call("XADD", "st", "2-5", "a", "b");
  await c.call("SET", "ex1", "v", "EX", "1000");
}

test("an empty dataset and missing keys digest to zeros; the reply formats", async (c) => {
  assert.equal(await digest(c), ZEROS);
  assert.deepEqual(await digestValue(c, "nokey", "other"), [ZEROS, ZEROS]);
  assert.deepEqual(await digestValue(c), []);
  await c.call("SET", "k", "v");
  const d = await digest(c);
  assert.match(d, /^[0-9a-f]{40}$/);
  assert.notEqual(d, ZEROS);
  const [v] = await digestValue(c, "k");
  assert.match(v!, /^[0-9a-f]{40}$/);
  assertError(
    await c.call("DEBUG", "DIGEST", "extra"),
    "ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP.",
  );
});

test("the same data written in another order has the same digest; lists keep their order", async (c) => {
  await c.call("SADD", "s", "a", "b", "c", "1", "2");
  await c.call("HSET", "h", "f1", "1", "f2", "2", "f3", "3");
  await c.call("ZADD", "z", "1", "a", "2", "b", "3.5", "c");
  await c.call("RPUSH", "l", "x", "y", "z");
  await c.call("SET", "str", "value");
  const first = await digest(c);
  const values = await digestValue(c, "s", "h", "z", "l", "str");
  await c.call("FLUSHALL");
  // Keys, members and fields in reverse order; big encodings for some of them.
  await c.call("SET", "str", "value");
  await c.call("RPUSH", "l", "x", "y", "z");
  await c.call("ZADD", "z", "3.5", "c");
  await c.call("ZADD", "z", "2", "b", "1", "a");
  await c.call("HSET", "h", "f3", "3", "f2", "2");
  await c.call("HSET", "h", "f1", "1");
  await c.call("SADD", "s", "2", "1", "c", "b", "a");
  assert.equal(await digest(c), first);
  assert.deepEqual(await digestValue(c, "s", "h", "z", "l", "str"), values);
  // A list in another order differs; so does any change.
  await c.call("DEL", "l");
  await c.call("RPUSH", "l", "z", "y", "x");
  assert.notEqual(await digest(c), first);
  await c.call("DEL", "l");
  await c.call("RPUSH", "l", "x", "y", "z");
  assert.equal(await digest(c), first);
  for (
    const change of [
      ["SADD", "s", "d"],
      ["HSET", "h", "f1", "changed"],
      ["ZADD", "z", "1.5", "a"],
      ["SET", "str", "valuf"],
      ["EXPIRE", "str", "1000"],
    ]
  ) {
    await c.call(...change);
    assert.notEqual(await digest(c), first, change.join(" "));
  }
});

test("a TTL is part of the digest, its value is not; the database number is", async (c) => {
  await c.call("SET", "k", "v", "EX", "100");
  const a = await digest(c);
  await c.call("EXPIRE", "k", "5000");
  assert.equal(await digest(c), a);
  await c.call("PERSIST", "k");
  assert.notEqual(await digest(c), a);
  const db0 = await digest(c);
  await c.call("MOVE", "k", "1");
  const db1 = await digest(c);
  assert.notEqual(db1, db0);
  assert.notEqual(db1, ZEROS);
  // DIGEST-VALUE is per value: the same in any database.
  await c.call("SELECT", "1");
  const [inDb1] = await digestValue(c, "k");
  await c.call("MOVE", "k", "0");
  await c.call("SELECT", "0");
  assert.deepEqual(await digestValue(c, "k"), [inDb1]);
});

test("the digests valkey-server 8.1.1 printed for the same data", async (c) => {
  await c.call("SET", "a", "1");
  assert.equal(await digest(c), "943d800368fb9c0e951138f1bc0e313ac769d91f");
  await c.call("FLUSHALL");
  await loadVectorData(c);
  assert.deepEqual(
    await digestValue(c, "s1", "n1", "l1", "set1", "iset", "h1", "z1", "z2", "st", "ex1", "no"),
    [
      "36b23a1456b2dce2c3ed252c456761301dba8060",
      "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83",
      "f48a1249517530ff1906fc79ddbf9b687f71f06f",
      "2f0fc5bbfdf748978c16f17f285debda0c0174bd",
      "5e497276f46b9037a75afe0286ef7a77cbed85e4",
      "cec00346097350ded1605a2c3aaa449880543803",
      "81392ccb659cc1b0affe87657bdb17617e1c1ee3",
      "823b11c8e8a3db50c2d0879bec1f0d119a20e419",
      "944711cef1b625b9cc179183c8407a3efc9b8cb7",
      "311b17018163335616e089f6b951c82c477335ac",
      ZEROS,
    ],
  );
  assert.equal(await digest(c), "e0596abbbf5657a32471b1a6cec0578b7e8e3728");
  await c.call("SELECT", "3");
  await c.call("SET", "other", "db3");
  assert.equal(await digest(c), "031d80c59ed0615ff3bc80ae3241238323fab7ad");
  await c.call("SELECT", "0");
}, { ignore: !isValkeyLike() });

test("module values: the type's digest callback contributes, as Valkey's module API digest", async (c) => {
  const loaded = await c.call("MODULE", "LIST") as unknown[][];
  if (!loaded.some((m) => m[1] === "dgmod")) assert.equal(await c.call("MODULE", "LOAD", DGMOD), "OK");
  assert.equal(await c.call("DG.SET", "mk", "hello", "-42"), "OK");
  // What valkey-server 8.1.1 printed for a C module whose digest callback made the same calls.
  assert.deepEqual(await digestValue(c, "mk"), ["9a7a93d04cd94584df341e07f9ca8551c997d383"]);
  assert.equal(await digest(c), "f62be3ae676ab929db00ef1c01d0628207d2f0cd");
  assert.equal(await c.call("DG.SET", "mk", "hello", "-43"), "OK");
  assert.notEqual(await digest(c), "f62be3ae676ab929db00ef1c01d0628207d2f0cd");
  // First-party module types contribute too, and change with their content.
  await c.call("BF.ADD", "bf", "item1");
  const [bf1] = await digestValue(c, "bf");
  assert.notEqual(bf1, ZEROS);
  await c.call("BF.ADD", "bf", "item2");
  assert.notDeepEqual(await digestValue(c, "bf"), [bf1]);
  await c.call("JSON.SET", "js", "$", '{"a":1}');
  const [js1] = await digestValue(c, "js");
  await c.call("JSON.SET", "js", "$.a", "2");
  assert.notDeepEqual(await digestValue(c, "js"), [js1]);
}, { ignore: !isValkyr() });

Deno.test({
  name: "stop server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
