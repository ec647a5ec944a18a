/**
 * PFDEBUG (GETREG, DECODE, ENCODING, TODENSE, SIMD) and PFSELFTEST over TCP. Expectations were checked side by
 * side against Valkey 8.1.1; PFDEBUG SIMD is Valkey 8.1 only.
 */

import assert from "node:assert/strict";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";
import { encodeRequest } from "../helpers/raw.ts";

const srv = await startServer();
const test = flushedTest(srv);

const NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

test("PFDEBUG ENCODING reports sparse, then dense after TODENSE", async (c) => {
  assert.equal(await c.call("PFADD", "h", "a", "b", "c"), 1);
  assert.equal(await c.call("PFDEBUG", "ENCODING", "h"), "sparse");
  assert.equal(await c.call("PFDEBUG", "todense", "h"), 1);
  assert.equal(await c.call("PFDEBUG", "encoding", "h"), "dense");
  assert.equal(await c.call("PFDEBUG", "TODENSE", "h"), 0);
  // The registers survive the conversion.
  assert.equal(await c.call("PFCOUNT", "h"), 3);
  // Touching the value made it RAW, as Valkey's dbUnshareStringValue does.
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "raw");
});

test("PFDEBUG DECODE prints the sparse opcodes and refuses a dense value", async (c) => {
  await c.call("PFADD", "h", "a", "b", "c");
  const text = String(await c.call("PFDEBUG", "DECODE", "h"));
  // Three distinct elements: three VAL opcodes with XZERO runs around them, covering 16384 registers.
  const ops = text.split(" ");
  let covered = 0;
  let vals = 0;
  for (const op of ops) {
    const m = /^(z|Z):(\d+)$|^v:(\d+),(\d+)$/.exec(op);
    assert.ok(m !== null, `bad opcode ${op} in ${text}`);
    if (m[2] !== undefined) covered += Number(m[2]);
    else {
      covered += Number(m[4]);
      vals++;
    }
  }
  assert.equal(covered, 16384);
  assert.equal(vals, 3);
  await c.call("PFDEBUG", "TODENSE", "h");
  assertError(await c.call("PFDEBUG", "DECODE", "h"), "ERR HLL encoding is not sparse");
  // An empty HLL is a single XZERO.
  await c.call("PFADD", "e");
  assert.equal(await c.call("PFDEBUG", "DECODE", "e"), "Z:16384");
});

test("PFDEBUG GETREG returns 16384 registers and converts a sparse HLL to dense", async (c) => {
  await c.call("PFADD", "h", "x");
  const regs = await c.call("PFDEBUG", "GETREG", "h") as number[];
  assert.equal(regs.length, 16384);
  assert.equal(regs.filter((r) => r !== 0).length, 1);
  assert.equal(await c.call("PFDEBUG", "ENCODING", "h"), "dense");
  assert.deepEqual(await c.call("PFDEBUG", "GETREG", "h"), regs);
});

test("PFDEBUG errors: missing key, wrong type, non-HLL string, unknown subcommand, arity", async (c) => {
  assertError(await c.call("PFDEBUG", "ENCODING", "nokey"), "ERR The specified key does not exist");
  // The key is looked up before the subcommand is known.
  assertError(await c.call("PFDEBUG", "nosuch", "nokey"), "ERR The specified key does not exist");
  await c.call("PFADD", "h", "a");
  assertError(await c.call("PFDEBUG", "nosuch", "h"), "ERR Unknown PFDEBUG subcommand 'nosuch'");
  await c.call("SET", "s", "foo");
  assertError(await c.call("PFDEBUG", "ENCODING", "s"), NOT_HLL);
  await c.call("RPUSH", "l", "a");
  assertError(await c.call("PFDEBUG", "GETREG", "l"), WRONGTYPE);
  assertError(await c.call("PFDEBUG", "ENCODING"), "ERR wrong number of arguments for 'pfdebug' command");
  assertError(
    await c.call("PFDEBUG", "GETREG", "h", "x"),
    "ERR wrong number of arguments for 'pfdebug' command",
  );
});

test("PFDEBUG SIMD takes ON or OFF", async (c) => {
  // Valkey replies enabled/disabled depending on its build and CPU; Valkyr has no SIMD code.
  assert.match(String(await c.call("PFDEBUG", "SIMD", "ON")), /^(enabled|disabled)$/);
  assert.match(String(await c.call("PFDEBUG", "simd", "off")), /^(enabled|disabled)$/);
  assertError(await c.call("PFDEBUG", "SIMD", "maybe"), "ERR Argument must be ON or OFF");
  // Valkey follows that error with a second (status) reply; Valkyr keeps to one reply per request.
}, valkeyOnly());

test("PFSELFTEST passes and takes no arguments", async (c) => {
  // The self test is CPU-heavy (about a second on Valkyr here, more on a loaded machine): wait up to a
  // minute for its reply rather than the helper's default 5 s (a CI run timed out on it).
  c.send(encodeRequest(["PFSELFTEST"]));
  assert.equal(await c.read({ timeoutMs: 60_000 }), "OK");
  assertError(await c.call("PFSELFTEST", "x"), "ERR wrong number of arguments for 'pfselftest' command");
});

test("PFDEBUG and PFSELFTEST are described by COMMAND INFO", async (c) => {
  const info = await c.call("COMMAND", "INFO", "pfdebug", "pfselftest") as unknown[][];
  assert.equal(info[0]![0], "pfdebug");
  assert.equal(info[0]![1], 3);
  assert.deepEqual(info[0]![2], ["write", "denyoom", "admin"]);
  assert.deepEqual(info[0]!.slice(3, 6), [2, 2, 1]);
  assert.equal(info[1]![0], "pfselftest");
  assert.equal(info[1]![1], 1);
  assert.deepEqual(info[1]![2], ["admin"]);
});

Deno.test({
  name: "hll debug: stop server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => srv.stop(),
});
