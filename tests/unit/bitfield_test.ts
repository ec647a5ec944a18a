/**
 * BITFIELD and BITFIELD_RO over TCP: GET/SET/INCRBY on signed and unsigned fields of every width, `#index`
 * offsets, OVERFLOW WRAP/SAT/FAIL, the i64 / u63 limits, and every argument error in Valkey's order.
 * Expectations were checked against Valkey 8.1.1 and Redis 7.0.
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";

const srv = await startServer();

const hasLists = await (async () => {
  const c = await RawConn.connect(srv.port);
  try {
    const r = await c.call("LPUSH", "probe:list", "x");
    await c.call("DEL", "probe:list");
    return !(r instanceof RespError);
  } finally {
    c.close();
  }
})();

const SYNTAX = "ERR syntax error";
const NOT_INT = "ERR value is not an integer or out of range";
const BAD_TYPE =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const BIT_OFFSET = "ERR bit offset is not an integer or out of range";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

const test = flushedTest(srv);

async function getBytes(c: RawConn, key: string): Promise<Uint8Array> {
  const r = await c.callBytes("GET", key);
  assert.ok(r instanceof Uint8Array);
  return new Uint8Array(r);
}

function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

test("BITFIELD signed and unsigned SET and GET basics", async (c) => {
  assert.deepEqual(await c.call("BITFIELD", "bits", "SET", "i8", "0", "-100"), [0]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "SET", "i8", "0", "101"), [-100]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "GET", "i8", "0"), [101]);
  await c.call("DEL", "bits");
  assert.deepEqual(await c.call("BITFIELD", "bits", "set", "u8", "0", "255"), [0]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "set", "u8", "0", "100"), [255]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "get", "u8", "0"), [100]);
});

test("BITFIELD runs several operations in order", async (c) => {
  assert.deepEqual(
    await c.call("BITFIELD", "bits", "SET", "i8", "0", "255", "SET", "i8", "0", "100", "GET", "i8", "0"),
    [
      0,
      -1,
      100,
    ],
  );
  await c.call("DEL", "bits");
  assert.deepEqual(
    await c.call("BITFIELD", "bits", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "100", "GET", "u8", "0"),
    [0, 99, 99],
  );
  await c.call("SET", "bits", "\x0a");
  assert.deepEqual(
    await c.call("BITFIELD", "bits", "INCRBY", "u8", "#0", "100", "INCRBY", "u8", "#0", "100"),
    [
      110,
      210,
    ],
  );
});

test("BITFIELD with only a key, or only OVERFLOW, replies an empty array", async (c) => {
  c.send("*2\r\n$8\r\nBITFIELD\r\n$4\r\nbits\r\n");
  assert.equal(await c.readRaw(4), "*0\r\n");
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "SAT"), []);
  assert.deepEqual(await c.call("BITFIELD_RO", "bits"), []);
  assert.equal(await c.call("EXISTS", "bits"), 0);
});

test("BITFIELD #index offsets are multiplied by the field width", async (c) => {
  await c.call("BITFIELD", "bits", "SET", "u8", "#0", "65");
  await c.call("BITFIELD", "bits", "SET", "u8", "#1", "66");
  await c.call("BITFIELD", "bits", "SET", "u8", "#2", "67");
  assert.equal(await c.call("GET", "bits"), "ABC");
  assert.deepEqual(await c.call("BITFIELD", "bits", "GET", "u4", "#1", "GET", "i4", "#5"), [1, 3]);
});

test("BITFIELD unsigned and signed overflow WRAP and SAT", async (c) => {
  await c.call("BITFIELD", "bits", "SET", "u8", "#0", "100");
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "WRAP", "INCRBY", "u8", "#0", "257"), [101]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "wrap", "INCRBY", "u8", "#0", "255"), [100]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "SAT", "INCRBY", "u8", "#0", "257"), [255]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "sat", "INCRBY", "u8", "#0", "-256"), [0]);
  await c.call("BITFIELD", "bits", "SET", "i8", "#0", "100");
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "WRAP", "INCRBY", "i8", "#0", "257"), [101]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "WRAP", "INCRBY", "i8", "#0", "255"), [100]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "SAT", "INCRBY", "i8", "#0", "257"), [127]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "SAT", "INCRBY", "i8", "#0", "-255"), [-128]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "GET", "i8", "#0"), [-128]);
});

test("BITFIELD OVERFLOW FAIL replies null and writes nothing", async (c) => {
  await c.call("BITFIELD", "bits", "SET", "u8", "0", "250");
  assert.deepEqual(
    await c.call("BITFIELD", "bits", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "10", "INCRBY", "u8", "0", "5"),
    [null, 255],
  );
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "FAIL", "SET", "i8", "0", "128"), [null]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "OVERFLOW", "FAIL", "SET", "u2", "0", "-1"), [null]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "GET", "u8", "0"), [255]);
  // The failed write is a RESP2 null bulk string.
  c.send(
    "*8\r\n$8\r\nBITFIELD\r\n$4\r\nbits\r\n$8\r\nOVERFLOW\r\n$4\r\nFAIL\r\n$6\r\nINCRBY\r\n$2\r\nu8\r\n$1\r\n0\r\n$1\r\n1\r\n",
  );
  assert.equal(await c.readRaw(9), "*1\r\n$-1\r\n");
});

test("a failing BITFIELD write still creates the padded key", async (c) => {
  assert.deepEqual(await c.call("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "10", "10"), [null]);
  assert.deepEqual(await getBytes(c, "bf"), new Uint8Array(2));
});

test("OVERFLOW applies to the operations after it and SET honours it too", async (c) => {
  assert.deepEqual(
    await c.call(
      "BITFIELD",
      "bits",
      "SET",
      "u4",
      "0",
      "20",
      "OVERFLOW",
      "SAT",
      "SET",
      "u4",
      "4",
      "20",
      "SET",
      "u4",
      "8",
      "-1",
      "OVERFLOW",
      "WRAP",
      "SET",
      "u4",
      "12",
      "-2",
      "GET",
      "u16",
      "0",
    ),
    [0, 0, 0, 0, 0x4ffe],
  );
  assert.deepEqual(
    await c.call("BITFIELD", "bits", "OVERFLOW", "SAT", "SET", "i4", "0", "-100", "GET", "i4", "0"),
    [
      4,
      -8,
    ],
  );
});

test("i64 and u63 use the full int64 range", async (c) => {
  const max = 9223372036854775807n;
  assert.deepEqual(await c.call("BITFIELD", "b", "SET", "i64", "0", String(max)), [0]);
  assert.deepEqual(await c.call("BITFIELD", "b", "INCRBY", "i64", "0", "1"), [-9223372036854775808n]);
  assert.deepEqual(await c.call("BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"), [
    -9223372036854775808n,
  ]);
  assert.deepEqual(await c.call("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"), [null]);
  assert.deepEqual(await c.call("BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i64", "0", String(max)), [-1]);
  assert.deepEqual(await c.call("BITFIELD", "u", "SET", "u63", "1", String(max)), [0]);
  assert.deepEqual(await c.call("BITFIELD", "u", "GET", "u63", "1", "GET", "u1", "0", "GET", "i64", "0"), [
    max,
    0,
    max,
  ]);
  assert.deepEqual(await c.call("BITFIELD", "u", "OVERFLOW", "SAT", "INCRBY", "u63", "1", "1"), [max]);
  assert.deepEqual(await c.call("BITFIELD", "u", "OVERFLOW", "WRAP", "INCRBY", "u63", "1", "1"), [0]);
  assert.deepEqual(await c.call("BITFIELD", "u", "OVERFLOW", "SAT", "SET", "u63", "1", "-1"), [0]);
  assert.deepEqual(await c.call("BITFIELD", "u", "GET", "u63", "1"), [max]);
});

test("BITFIELD fuzzing against a local model of signed and unsigned fields", async (c) => {
  const rand = rng(31337);
  const model = new Uint8Array(64);
  let length = 0;
  const readField = (offset: number, bits: number, signed: boolean) => {
    let v = 0n;
    for (let i = 0; i < bits; i++) {
      const pos = offset + i;
      v = (v << 1n) | BigInt((model[pos >> 3]! >> (7 - (pos & 7))) & 1);
    }
    return signed ? BigInt.asIntN(bits, v) : v;
  };
  const writeField = (offset: number, bits: number, v: bigint) => {
    const u = BigInt.asUintN(bits, v);
    for (let i = 0; i < bits; i++) {
      const pos = offset + i;
      const bit = Number((u >> BigInt(bits - 1 - i)) & 1n);
      model[pos >> 3] = bit
        ? model[pos >> 3]! | (0x80 >> (pos & 7))
        : model[pos >> 3]! & ~(0x80 >> (pos & 7));
    }
    length = Math.max(length, ((offset + bits - 1) >> 3) + 1);
  };
  for (let t = 0; t < 150; t++) {
    const signed = rand(2) === 1;
    const bits = 1 + rand(signed ? 64 : 63);
    const offset = rand(64 * 8 - bits);
    const overflow = ["WRAP", "SAT", "FAIL"][rand(3)]!;
    const incr = BigInt.asIntN(64, (BigInt(rand(65536)) << 48n) ^ BigInt(rand(1 << 30)) ^ BigInt(rand(1000)));
    const small = BigInt(rand(2000)) - 1000n;
    const by = rand(2) === 0 ? incr : small;
    const type = `${signed ? "i" : "u"}${bits}`;
    const old = readField(offset, bits, signed);
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    const min = signed ? -max - 1n : 0n;
    const sum = old + by;
    let expected: bigint | null = sum;
    if (sum > max || sum < min) {
      expected = overflow === "FAIL"
        ? null
        : overflow === "SAT"
        ? (sum > max ? max : min)
        : signed
        ? BigInt.asIntN(bits, sum)
        : BigInt.asUintN(bits, sum);
    }
    const reply = await c.call(
      "BITFIELD",
      "fz",
      "OVERFLOW",
      overflow,
      "INCRBY",
      type,
      String(offset),
      String(by),
    );
    const got = (reply as unknown[])[0];
    assert.equal(
      got === null ? null : BigInt(got as number | bigint),
      expected,
      `${type} ${old} + ${by} ${overflow}`,
    );
    if (expected !== null) writeField(offset, bits, expected);
    else length = Math.max(length, ((offset + bits - 1) >> 3) + 1);
    const read = (await c.call("BITFIELD_RO", "fz", "GET", type, String(offset)) as unknown[])[0];
    assert.equal(BigInt(read as number | bigint), readField(offset, bits, signed));
  }
  assert.deepEqual(await getBytes(c, "fz"), model.subarray(0, length));
});

test("BITFIELD GET reads past the end as zeros and reads integer-encoded values as text", async (c) => {
  await c.call("SET", "bits", "1");
  assert.deepEqual(await c.call("BITFIELD", "bits", "GET", "u1", "0"), [0]);
  assert.deepEqual(await c.call("BITFIELD", "bits", "GET", "u8", "0", "GET", "u8", "4", "GET", "i16", "8"), [
    0x31,
    0x10,
    0,
  ]);
  assert.deepEqual(await c.call("BITFIELD_RO", "missing", "GET", "i64", "1000"), [0]);
});

test("BITFIELD regression: writes past the end grow the string", async (c) => {
  for (let j = 0; j < 3; j++) {
    await c.call("DEL", "mystring");
    assert.deepEqual(
      await c.call(
        "BITFIELD",
        "mystring",
        "SET",
        "i8",
        "0",
        "10",
        "SET",
        "i8",
        "64",
        "10",
        "INCRBY",
        "i8",
        "10",
        "99900",
      ),
      [0, 0, 60],
    );
  }
  assert.equal(await c.call("STRLEN", "mystring"), 9);
  assert.equal(await c.call("OBJECT", "ENCODING", "mystring"), "raw");
});

test("BITFIELD argument errors come in Valkey's order", async (c) => {
  assertError(await c.call("BITFIELD", "bits", "FOO", "u8", "0"), SYNTAX);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8"), SYNTAX);
  assertError(await c.call("BITFIELD", "bits", "SET", "u8", "0"), SYNTAX);
  assertError(await c.call("BITFIELD", "bits", "OVERFLOW"), SYNTAX);
  assertError(await c.call("BITFIELD", "bits", "OVERFLOW", "foo"), "ERR Invalid OVERFLOW type specified");
  for (const bad of ["u64", "i65", "i0", "u0", "U8", "x8", "8", "i", "i-1"]) {
    assertError(await c.call("BITFIELD", "bits", "GET", bad, "0"), BAD_TYPE);
  }
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", "-1"), BIT_OFFSET);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", "a"), BIT_OFFSET);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", "#a"), BIT_OFFSET);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", "#-1"), BIT_OFFSET);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", String(512 * 1024 * 1024 * 8)), BIT_OFFSET);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", "#536870912"), BIT_OFFSET);
  assertError(await c.call("BITFIELD", "bits", "SET", "u8", "0", "x"), NOT_INT);
  assertError(await c.call("BITFIELD", "bits", "INCRBY", "u8", "0", "1.5"), NOT_INT);
  assertError(await c.call("BITFIELD", "bits", "SET", "u8", "0", "9223372036854775808"), NOT_INT);
  assertError(await c.call("BITFIELD", "bits", "GET", "u8", "0", "BAD"), SYNTAX);
  assertError(await c.call("BITFIELD", "bits", "SET", "u99", "x", "y"), BAD_TYPE);
  assertError(await c.call("BITFIELD", "bits", "SET", "u8", "x", "y"), BIT_OFFSET);
  assertError(await c.call("BITFIELD"), "ERR wrong number of arguments for 'bitfield' command");
  assert.equal(await c.call("EXISTS", "bits"), 0, "nothing ran");
});

test("BITFIELD checks every operation before running any", async (c) => {
  assertError(await c.call("BITFIELD", "bits", "SET", "u8", "0", "1", "GET", "u64", "0"), BAD_TYPE);
  assert.equal(await c.call("EXISTS", "bits"), 0);
});

test("BITFIELD_RO accepts only GET", async (c) => {
  assertError(
    await c.call("BITFIELD_RO", "bits", "SET", "u8", "0", "100", "GET", "u8", "0"),
    "ERR BITFIELD_RO only supports the GET subcommand",
  );
  assertError(
    await c.call("BITFIELD_RO", "bits", "INCRBY", "u8", "0", "1"),
    "ERR BITFIELD_RO only supports the GET subcommand",
  );
  assertError(await c.call("BITFIELD_RO", "bits", "SET", "u64", "0", "1"), BAD_TYPE);
  assertError(await c.call("BITFIELD_RO", "bits", "OVERFLOW", "x"), "ERR Invalid OVERFLOW type specified");
  assert.deepEqual(await c.call("BITFIELD_RO", "bits", "OVERFLOW", "FAIL", "GET", "u8", "0"), [0]);
  await c.call("SET", "bits", "A");
  assert.deepEqual(await c.call("BITFIELD_RO", "bits", "GET", "u8", "0", "GET", "u4", "#1"), [65, 1]);
});

test("BITFIELD on a key of another type is WRONGTYPE", async (c) => {
  await c.call("LPUSH", "l", "x");
  assertError(await c.call("BITFIELD", "l", "GET", "u8", "0"), WRONGTYPE);
  assertError(await c.call("BITFIELD", "l", "SET", "u8", "0", "1"), WRONGTYPE);
  assertError(await c.call("BITFIELD_RO", "l", "GET", "u8", "0"), WRONGTYPE);
  assertError(
    await c.call("BITFIELD_RO", "l", "SET", "u8", "0", "1"),
    "ERR BITFIELD_RO only supports the GET subcommand",
  );
}, { ignore: !hasLists });

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
