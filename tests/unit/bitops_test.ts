/**
 * SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP over TCP, with a local bit model for the fuzz cases.
 * Expectations were checked against Valkey 8.1.1 (and Redis 7.0 where not marked).
 */

import assert from "node:assert/strict";
import { isValkeyLike, startServer, valkeyOnly } from "../helpers/server.ts";
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

const NOT_INT = "ERR value is not an integer or out of range";
const SYNTAX = "ERR syntax error";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const BIT_OFFSET = "ERR bit offset is not an integer or out of range";
const BIT_VALUE = "ERR bit is not an integer or out of range";

const test = flushedTest(srv);

async function getBytes(c: RawConn, key: string): Promise<Uint8Array> {
  const r = await c.callBytes("GET", key);
  assert.ok(r instanceof Uint8Array);
  return new Uint8Array(r);
}

/** xorshift32, so the fuzz cases are the same on every run. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const bitOf = (p: Uint8Array, i: number) => (p[i >> 3]! >> (7 - (i & 7))) & 1;

function countBits(p: Uint8Array, from = 0, to = p.length * 8 - 1): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += bitOf(p, i);
  return n;
}

async function dirty(c: RawConn): Promise<number> {
  const info = await c.call("INFO", "persistence") as string;
  const m = /rdb_changes_since_last_save:(\d+)/.exec(info);
  assert.ok(m, "INFO persistence has rdb_changes_since_last_save");
  return Number(m[1]);
}

// ---- SETBIT / GETBIT --------------------------------------------------------------------------------------

test("SETBIT against a missing key creates a zero-padded string", async (c) => {
  assert.equal(await c.call("SETBIT", "mykey", "1", "1"), 0);
  assert.deepEqual(await getBytes(c, "mykey"), new Uint8Array([0b01000000]));
  assert.equal(await c.call("SETBIT", "big", "100", "0"), 0);
  assert.deepEqual(await getBytes(c, "big"), new Uint8Array(13));
});

test("SETBIT against string- and integer-encoded values replies the old bit", async (c) => {
  await c.call("SET", "mykey", "@");
  assert.equal(await c.call("SETBIT", "mykey", "2", "1"), 0);
  assert.deepEqual(await getBytes(c, "mykey"), new Uint8Array([0b01100000]));
  assert.equal(await c.call("SETBIT", "mykey", "1", "0"), 1);
  assert.deepEqual(await getBytes(c, "mykey"), new Uint8Array([0b00100000]));
  await c.call("SET", "int", "1");
  assert.equal(await c.call("OBJECT", "ENCODING", "int"), "int");
  assert.equal(await c.call("SETBIT", "int", "6", "1"), 0);
  assert.deepEqual(await getBytes(c, "int"), new Uint8Array([0b00110011]));
  assert.equal(await c.call("SETBIT", "int", "2", "0"), 1);
  assert.deepEqual(await getBytes(c, "int"), new Uint8Array([0b00010011]));
  assert.equal(await c.call("OBJECT", "ENCODING", "int"), "raw");
});

test("SETBIT leaves a raw value even when the bit does not change", async (c) => {
  await c.call("SET", "k", "1");
  assert.equal(await c.call("SETBIT", "k", "0", "0"), 0);
  assert.equal(await c.call("OBJECT", "ENCODING", "k"), "raw");
  assert.equal(await c.call("GET", "k"), "1");
});

test("SETBIT keeps the TTL", async (c) => {
  await c.call("SET", "k", "a", "EX", "100");
  await c.call("SETBIT", "k", "100", "1");
  const ttl = await c.call("TTL", "k") as number;
  assert.ok(ttl >= 98 && ttl <= 100);
});

test("SETBIT and GETBIT reject out of range offsets and non-bit values", async (c) => {
  assertError(await c.call("SETBIT", "mykey", String(4 * 1024 * 1024 * 1024), "1"), BIT_OFFSET);
  assertError(await c.call("SETBIT", "mykey", "-1", "1"), BIT_OFFSET);
  assertError(await c.call("SETBIT", "mykey", "abc", "1"), BIT_OFFSET);
  assertError(await c.call("SETBIT", "mykey", "9223372036854775808", "1"), BIT_OFFSET);
  assertError(await c.call("SETBIT", "mykey", String(512 * 1024 * 1024 * 8), "1"), BIT_OFFSET);
  for (const v of ["-1", "2", "10", "20", "a", "1.0", "", "9223372036854775807"]) {
    assertError(await c.call("SETBIT", "mykey", "0", v), BIT_VALUE);
  }
  assertError(await c.call("SETBIT", "mykey", "-1", "2"), BIT_OFFSET);
  assertError(await c.call("GETBIT", "mykey", "-1"), BIT_OFFSET);
  assertError(await c.call("GETBIT", "mykey", String(512 * 1024 * 1024 * 8)), BIT_OFFSET);
  assert.equal(await c.call("GETBIT", "mykey", String(512 * 1024 * 1024 * 8 - 1)), 0);
  assert.equal(await c.call("EXISTS", "mykey"), 0);
});

test("SETBIT and GETBIT on a key of another type are WRONGTYPE after the argument checks", async (c) => {
  await c.call("LPUSH", "mykey", "foo");
  assertError(await c.call("SETBIT", "mykey", "0", "1"), WRONGTYPE);
  assertError(await c.call("GETBIT", "mykey", "0"), WRONGTYPE);
  assertError(await c.call("SETBIT", "mykey", "0", "5"), BIT_VALUE);
  assertError(await c.call("GETBIT", "mykey", "-5"), BIT_OFFSET);
}, { ignore: !hasLists });

test("GETBIT against missing, string and integer values", async (c) => {
  assert.equal(await c.call("GETBIT", "mykey", "0"), 0);
  await c.call("SET", "mykey", "`");
  const expected = [0, 1, 1, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) assert.equal(await c.call("GETBIT", "mykey", String(i)), expected[i]);
  for (const i of ["8", "100", "10000"]) assert.equal(await c.call("GETBIT", "mykey", i), 0);
  await c.call("SET", "int", "1");
  assert.deepEqual(
    [
      await c.call("GETBIT", "int", "2"),
      await c.call("GETBIT", "int", "3"),
      await c.call("GETBIT", "int", "7"),
    ],
    [1, 1, 1],
  );
});

test("SETBIT fuzzing builds the expected bytes", async (c) => {
  const rand = rng(42);
  const model = new Uint8Array(256);
  let length = 0;
  for (let i = 0; i < 400; i++) {
    const bit = rand(256 * 8);
    const value = rand(2);
    const old = bit >> 3 < length ? bitOf(model, bit) : 0;
    assert.equal(await c.call("SETBIT", "mykey", String(bit), String(value)), old);
    if (value) model[bit >> 3] = model[bit >> 3]! | (0x80 >> (bit & 7));
    else model[bit >> 3] = model[bit >> 3]! & ~(0x80 >> (bit & 7));
    length = Math.max(length, (bit >> 3) + 1);
  }
  assert.deepEqual(await getBytes(c, "mykey"), model.subarray(0, length));
});

test("SETBIT and BITFIELD count as changes only when the value changed", async (c) => {
  const d0 = await dirty(c);
  await c.call("SETBIT", "foo{t}", "0", "0");
  await c.call("BITFIELD", "foo2{t}", "SET", "i5", "0", "0");
  const d1 = await dirty(c);
  assert.equal(d1, d0 + 2, "creating a key always counts");
  await c.call("SETBIT", "foo{t}", "0", "0");
  await c.call("BITFIELD", "foo2{t}", "SET", "i5", "0", "0");
  assert.equal(await dirty(c), d1, "no change");
  for (const v of ["1", "1", "0", "0"]) {
    await c.call("SETBIT", "foo{t}", "0", v);
    await c.call("BITFIELD", "foo2{t}", "SET", "i5", "0", v);
  }
  const d2 = await dirty(c);
  assert.equal(d2, d1 + 4);
  await c.call("BITFIELD", "foo3{t}", "INCRBY", "i5", "0", "1");
  await c.call("BITFIELD", "foo3{t}", "INCRBY", "i5", "0", "1");
  const d3 = await dirty(c);
  assert.equal(d3, d2 + 2);
  await c.call("SETBIT", "foo{t}", "90", "0");
  await c.call("BITFIELD", "foo2{t}", "SET", "i5", "90", "0");
  assert.equal(await dirty(c), d3 + 2, "growing the string counts");
});

// ---- BITCOUNT ---------------------------------------------------------------------------------------------

test("BITCOUNT against test vectors", async (c) => {
  const vectors: [string, number][] = [["", 0], ["\xaa", 4], ["\x00\x00\xff", 8], ["foobar", 26], [
    "123",
    10,
  ]];
  for (const [v, n] of vectors) {
    await c.call("SET", "str", new Uint8Array([...v].map((ch) => ch.charCodeAt(0))));
    assert.equal(await c.call("BITCOUNT", "str"), n, JSON.stringify(v));
  }
});

test("BITCOUNT of a missing key is 0 with or without a range", async (c) => {
  assert.equal(await c.call("BITCOUNT", "no-key"), 0);
  assert.equal(await c.call("BITCOUNT", "no-key", "0", "1000"), 0);
  assert.equal(await c.call("BITCOUNT", "no-key", "0", "1000", "BIT"), 0);
});

test("BITCOUNT with out of range and inverted negative indexes is 0", async (c) => {
  await c.call("SET", "str", "xxxx");
  assert.equal(await c.call("BITCOUNT", "str", "4", "10"), 0);
  assert.equal(await c.call("BITCOUNT", "str", "-1", "-2"), 0);
  assert.equal(await c.call("BITCOUNT", "str", "-1", "-2", "BIT"), 0);
  assert.equal(await c.call("BITCOUNT", "str", "-10", "-20"), 0, "both negative and start > end");
  assert.equal(await c.call("BITCOUNT", "str", "-20", "-10"), 4, "clamped to the first byte");
});

test("BITCOUNT with just a start", async (c) => {
  await c.call("SET", "s", "foobar");
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(await c.call("BITCOUNT", "s", "0"), countBits(enc("foobar")));
  assert.equal(await c.call("BITCOUNT", "s", "1"), countBits(enc("oobar")));
  assert.equal(await c.call("BITCOUNT", "s", "1000"), 0);
  assert.equal(await c.call("BITCOUNT", "s", "-1"), countBits(enc("r")));
  assert.equal(await c.call("BITCOUNT", "s", "-2"), countBits(enc("ar")));
  assert.equal(await c.call("BITCOUNT", "s", "-1000"), countBits(enc("foobar")));
}, valkeyOnly());

test("BITCOUNT with start and end in bytes and bits", async (c) => {
  const s = new TextEncoder().encode("foobar");
  await c.call("SET", "s", s);
  assert.equal(await c.call("BITCOUNT", "s", "0", "-1"), countBits(s));
  assert.equal(await c.call("BITCOUNT", "s", "1", "-2"), countBits(s.subarray(1, 5)));
  assert.equal(await c.call("BITCOUNT", "s", "-2", "1"), 0);
  assert.equal(await c.call("BITCOUNT", "s", "-1000", "0"), countBits(s.subarray(0, 1)));
  assert.equal(await c.call("BITCOUNT", "s", "0", "1000"), countBits(s));
  assert.equal(await c.call("BITCOUNT", "s", "0", "-1", "bit"), countBits(s));
  assert.equal(await c.call("BITCOUNT", "s", "10", "14", "BIT"), countBits(s, 10, 14));
  assert.equal(await c.call("BITCOUNT", "s", "3", "14", "BIT"), countBits(s, 3, 14));
  assert.equal(await c.call("BITCOUNT", "s", "3", "29", "BIT"), countBits(s, 3, 29));
  assert.equal(await c.call("BITCOUNT", "s", "10", "-34", "BIT"), countBits(s, 10, 14));
  assert.equal(await c.call("BITCOUNT", "s", "3", "-19", "BIT"), countBits(s, 3, 29));
  assert.equal(await c.call("BITCOUNT", "s", "-2", "1", "BIT"), 0);
  assert.equal(await c.call("BITCOUNT", "s", "-1000", "14", "BIT"), countBits(s, 0, 14));
  assert.equal(await c.call("BITCOUNT", "s", "-1000", "1000", "BIT"), countBits(s));
  assert.equal(await c.call("BITCOUNT", "s", "0", "-1", "byte"), countBits(s));
  assert.equal(await c.call("BITCOUNT", "s", "5", "5", "BIT"), bitOf(s, 5));
});

test("BITCOUNT fuzzing with and without ranges", async (c) => {
  const rand = rng(7);
  for (let t = 0; t < 30; t++) {
    const s = new Uint8Array(rand(200)).map(() => rand(256));
    await c.call("SET", "str", s);
    assert.equal(await c.call("BITCOUNT", "str"), countBits(s));
    if (s.length === 0) continue;
    for (let k = 0; k < 5; k++) {
      let a = rand(s.length);
      let b = rand(s.length);
      if (a > b) [a, b] = [b, a];
      assert.equal(await c.call("BITCOUNT", "str", a, b), countBits(s, a * 8, b * 8 + 7));
      let x = rand(s.length * 8);
      let y = rand(s.length * 8);
      if (x > y) [x, y] = [y, x];
      assert.equal(await c.call("BITCOUNT", "str", x, y, "BIT"), countBits(s, x, y));
    }
  }
});

test("BITCOUNT misaligned prefix, full words and remainder", async (c) => {
  await c.call("SET", "str", "ab");
  assert.equal(await c.call("BITCOUNT", "str", "1", "-1"), 3);
  await c.call("SET", "str", "__PPxxxxxxxxxxxxxxxxRR__");
  assert.equal(await c.call("BITCOUNT", "str", "2", "-3"), 74);
});

test("BITCOUNT with illegal arguments", async (c) => {
  assertError(await c.call("BITCOUNT", "s", "0", "1", "hello"), SYNTAX);
  assertError(await c.call("BITCOUNT", "s", "0", "1", "hello", "hello2"), SYNTAX);
  assertError(await c.call("BITCOUNT", "s", "0", "1", "bit", "bit"), SYNTAX);
  await c.call("SET", "s", "1");
  assertError(await c.call("BITCOUNT", "s", "0", "1", "hello"), SYNTAX);
  assertError(await c.call("BITCOUNT", "s", "a", "b"), NOT_INT);
  assertError(await c.call("BITCOUNT", "s", "0", "b"), NOT_INT);
  assertError(await c.call("BITCOUNT", "s", "a", "b", "hello"), NOT_INT);
  assertError(await c.call("BITCOUNT", "s", "0", "b", "hello"), SYNTAX);
  assertError(await c.call("BITCOUNT", "s", "0", "9223372036854775808"), NOT_INT);
  assertError(await c.call("BITCOUNT"), "ERR wrong number of arguments for 'bitcount' command");
  assert.equal(await c.call("BITCOUNT", "s", "0", "4294967296"), 3);
}, valkeyOnly());

test("BITCOUNT on a key of another type", async (c) => {
  await c.call("LPUSH", "s", "a", "b", "c");
  assertError(await c.call("BITCOUNT", "s"), WRONGTYPE);
  assertError(await c.call("BITCOUNT", "s", "0", "1"), WRONGTYPE);
  assertError(await c.call("BITCOUNT", "s", "a", "b"), NOT_INT);
}, { ignore: !hasLists || !isValkeyLike() });

// ---- BITPOS -----------------------------------------------------------------------------------------------

test("BITPOS of a missing key: a clear bit at 0, no set bit", async (c) => {
  assert.equal(await c.call("BITPOS", "str", "0"), 0);
  assert.equal(await c.call("BITPOS", "str", "0", "0", "-1", "BIT"), 0);
  assert.equal(await c.call("BITPOS", "str", "1"), -1);
  assert.equal(await c.call("BITPOS", "str", "1", "0", "-1", "BIT"), -1);
});

test("BITPOS bit=1 of all-zero strings of every length is -1", async (c) => {
  await c.call("SET", "str", "");
  for (let j = 0; j < 20; j++) {
    assert.equal(await c.call("BITPOS", "str", "1"), -1);
    assert.equal(await c.call("BITPOS", "str", "1", "0", "-1", "BIT"), -1);
    await c.call("APPEND", "str", new Uint8Array(1));
  }
  assert.equal(await c.call("BITPOS", "str", "0"), 0);
});

test("BITPOS on an empty string finds nothing", async (c) => {
  await c.call("SET", "e", "");
  assert.equal(await c.call("BITPOS", "e", "0"), -1);
  assert.equal(await c.call("BITPOS", "e", "1"), -1);
  assert.equal(await c.call("BITPOS", "e", "0", "0"), -1);
});

test("BITPOS on short and unaligned strings", async (c) => {
  await c.call("SET", "str", new Uint8Array([0xff, 0xf0, 0x00]));
  assert.equal(await c.call("BITPOS", "str", "0"), 12);
  await c.call("SET", "str", new Uint8Array([0x00, 0x0f, 0x00]));
  assert.equal(await c.call("BITPOS", "str", "1"), 12);
  await c.call("SET", "str", new Uint8Array([0xff, 0xff, 0xff, 0xf0]));
  assert.equal(await c.call("BITPOS", "str", "0", "1"), 28);
  assert.equal(await c.call("BITPOS", "str", "0", "9", "-1", "BIT"), 28);
  await c.call("SET", "str", new Uint8Array([0x00, 0x00, 0x00, 0x0f]));
  assert.equal(await c.call("BITPOS", "str", "1", "1"), 28);
  assert.equal(await c.call("BITPOS", "str", "1", "9", "-1", "BIT"), 28);
});

test("BITPOS bit=0 and bit=1 work with intervals", async (c) => {
  await c.call("SET", "str", new Uint8Array([0x00, 0xff, 0x00]));
  const cases: [string[], number][] = [
    [["0", "0", "-1"], 0],
    [["0", "1", "-1"], 16],
    [["0", "2", "-1"], 16],
    [["0", "2", "200"], 16],
    [["0", "1", "1"], -1],
    [["0", "0", "-1", "bit"], 0],
    [["0", "8", "-1", "bit"], 16],
    [["0", "16", "-1", "bit"], 16],
    [["0", "16", "200", "bit"], 16],
    [["0", "8", "8", "bit"], -1],
    [["1", "0", "-1"], 8],
    [["1", "1", "-1"], 8],
    [["1", "2", "-1"], -1],
    [["1", "2", "200"], -1],
    [["1", "1", "1"], 8],
    [["1", "0", "-1", "bit"], 8],
    [["1", "8", "-1", "bit"], 8],
    [["1", "16", "-1", "bit"], -1],
    [["1", "16", "200", "bit"], -1],
    [["1", "8", "8", "bit"], 8],
    [["1", "7", "7", "bit"], -1],
    [["1", "3", "1"], -1],
  ];
  for (const [args, expected] of cases) {
    assert.equal(await c.call("BITPOS", "str", ...args), expected, args.join(" "));
  }
});

test("BITPOS bit=0 without an end counts the string as followed by clear bits", async (c) => {
  await c.call("SET", "str", new Uint8Array([0xff, 0xff, 0xff]));
  assert.equal(await c.call("BITPOS", "str", "0"), 24);
  assert.equal(await c.call("BITPOS", "str", "0", "0"), 24);
  assert.equal(await c.call("BITPOS", "str", "0", "1"), 24);
  assert.equal(await c.call("BITPOS", "str", "0", "0", "-1"), -1);
  assert.equal(await c.call("BITPOS", "str", "0", "0", "-1", "bit"), -1);
  assert.equal(await c.call("BITPOS", "str", "0", "5"), -1, "a start past the end is an empty range");
});

test("BITPOS fuzzing against a local model", async (c) => {
  const rand = rng(1234);
  for (let t = 0; t < 25; t++) {
    const density = [0, 1, 2, 254, 255][t % 5]!;
    const s = new Uint8Array(1 + rand(100)).map(() => (rand(3) === 0 ? rand(256) : density));
    await c.call("SET", "str", s);
    const bits = s.length * 8;
    for (let k = 0; k < 6; k++) {
      const bit = rand(2);
      let x = rand(bits);
      let y = rand(bits);
      if (x > y) [x, y] = [y, x];
      let expected = -1;
      for (let i = x; i <= y; i++) {
        if (bitOf(s, i) === bit) {
          expected = i;
          break;
        }
      }
      assert.equal(await c.call("BITPOS", "str", bit, x, y, "BIT"), expected, `bit ${x}..${y}`);
      const a = x >> 3;
      const b = y >> 3;
      expected = -1;
      for (let i = a * 8; i <= b * 8 + 7; i++) {
        if (bitOf(s, i) === bit) {
          expected = i;
          break;
        }
      }
      assert.equal(await c.call("BITPOS", "str", bit, a, b), expected, `byte ${a}..${b}`);
      expected = bit === 0 ? bits : -1;
      for (let i = a * 8; i < bits; i++) {
        if (bitOf(s, i) === bit) {
          expected = i;
          break;
        }
      }
      assert.equal(await c.call("BITPOS", "str", bit, a), expected, `from byte ${a}`);
    }
  }
});

test("BITPOS with illegal arguments", async (c) => {
  assertError(await c.call("BITPOS", "s", "0", "1", "hello", "hello2"), SYNTAX);
  assertError(await c.call("BITPOS", "s", "0", "0", "1", "hello"), SYNTAX);
  assertError(await c.call("BITPOS", "s", "0", "0", "1", "bit", "x"), SYNTAX);
  assertError(await c.call("BITPOS", "s", "2"), "ERR The bit argument must be 1 or 0.");
  assertError(
    await c.call("BITPOS", "s", "-1", "0", "1", "bit", "x"),
    "ERR The bit argument must be 1 or 0.",
  );
  assertError(await c.call("BITPOS", "s", "b"), NOT_INT);
  // Any int64 is a number here, beyond 2^53 too: only its value is wrong.
  for (const big of ["9223372036854775807", "-9223372036854775808", "9007199254740993"]) {
    assertError(await c.call("BITPOS", "s", big), "ERR The bit argument must be 1 or 0.");
  }
  assertError(await c.call("BITPOS", "s", "9223372036854775808"), NOT_INT);
  assertError(await c.call("BITPOS", "s", "0", "a", "b"), NOT_INT);
  assertError(await c.call("BITPOS", "s", "0", "a", "b", "hello"), NOT_INT);
  assertError(await c.call("BITPOS", "s", "0", "1", "b", "hello"), SYNTAX);
  assertError(await c.call("BITPOS", "s"), "ERR wrong number of arguments for 'bitpos' command");
  await c.call("SET", "s", "1");
  assertError(await c.call("BITPOS", "s", "0", "1", "hello", "hello2"), SYNTAX);
  assertError(await c.call("BITPOS", "s", "a"), NOT_INT);
  assertError(await c.call("BITPOS", "s", "0", "a", "b"), NOT_INT);
}, valkeyOnly());

test("BITPOS on a key of another type", async (c) => {
  await c.call("LPUSH", "mylist", "a", "b", "c");
  assertError(await c.call("BITPOS", "mylist", "0"), WRONGTYPE);
  assertError(await c.call("BITPOS", "mylist", "1", "10", "100"), WRONGTYPE);
  assertError(await c.call("BITPOS", "mylist", "a"), NOT_INT);
  assertError(await c.call("BITPOS", "mylist", "1", "a", "b"), NOT_INT);
}, { ignore: !hasLists || !isValkeyLike() });

// ---- BITOP ------------------------------------------------------------------------------------------------

test("BITOP NOT of an empty string deletes the destination", async (c) => {
  await c.call("SET", "s{t}", "");
  await c.call("SET", "dest{t}", "x");
  assert.equal(await c.call("BITOP", "NOT", "dest{t}", "s{t}"), 0);
  assert.equal(await c.call("EXISTS", "dest{t}"), 0);
  assert.equal(await c.call("BITOP", "AND", "dest{t}", "missing{t}", "s{t}"), 0);
});

test("BITOP NOT of a known string", async (c) => {
  await c.call("SET", "s{t}", new Uint8Array([0xaa, 0x00, 0xff, 0x55]));
  assert.equal(await c.call("BITOP", "not", "dest{t}", "s{t}"), 4);
  assert.deepEqual(await getBytes(c, "dest{t}"), new Uint8Array([0x55, 0xff, 0x00, 0xaa]));
  assert.equal(await c.call("BITOP", "NOT", "s{t}", "s{t}"), 4, "destination and source may be the same key");
  assert.deepEqual(await getBytes(c, "s{t}"), new Uint8Array([0x55, 0xff, 0x00, 0xaa]));
});

test("BITOP AND, OR and XOR keep a single source unchanged", async (c) => {
  await c.call("SET", "a{t}", new Uint8Array([0x01, 0x02, 0xff]));
  for (const op of ["AND", "OR", "XOR"]) {
    assert.equal(await c.call("BITOP", op, "res{t}", "a{t}"), 3);
    assert.deepEqual(await getBytes(c, "res{t}"), new Uint8Array([0x01, 0x02, 0xff]));
  }
});

test("BITOP treats missing keys as zeros and zero-pads shorter sources", async (c) => {
  await c.call("SET", "a{t}", new Uint8Array([0x01, 0x02, 0xff]));
  assert.equal(await c.call("BITOP", "AND", "res{t}", "no-such-key{t}", "a{t}"), 3);
  assert.deepEqual(await getBytes(c, "res{t}"), new Uint8Array(3));
  await c.call("SET", "b{t}", new Uint8Array([0x01, 0x02, 0xff, 0xff]));
  await c.call("SET", "c{t}", new Uint8Array([0x01, 0x02]));
  assert.equal(await c.call("BITOP", "AND", "res{t}", "b{t}", "c{t}"), 4);
  assert.deepEqual(await getBytes(c, "res{t}"), new Uint8Array([0x01, 0x02, 0x00, 0x00]));
  assert.equal(await c.call("BITOP", "OR", "res{t}", "c{t}", "b{t}"), 4);
  assert.deepEqual(await getBytes(c, "res{t}"), new Uint8Array([0x01, 0x02, 0xff, 0xff]));
  assert.equal(await c.call("BITOP", "XOR", "res{t}", "b{t}", "c{t}", "b{t}"), 4);
  assert.deepEqual(await getBytes(c, "res{t}"), new Uint8Array([0x01, 0x02, 0x00, 0x00]));
  await c.call("SET", "z{t}", new Uint8Array(32));
  assert.equal(await c.call("BITOP", "OR", "x{t}", "z{t}", "missing{t}"), 32);
});

test("BITOP fuzzing against a local model", async (c) => {
  const rand = rng(77);
  for (const op of ["AND", "OR", "XOR", "NOT"]) {
    for (let t = 0; t < 8; t++) {
      const n = op === "NOT" ? 1 : 1 + rand(6);
      const vecs: Uint8Array[] = [];
      const keys: string[] = [];
      for (let k = 0; k < n; k++) {
        const v = new Uint8Array(rand(80)).map(() => rand(256));
        vecs.push(v);
        keys.push(`v${k}{t}`);
        await c.call("SET", keys[k]!, v);
      }
      const max = Math.max(...vecs.map((v) => v.length));
      const expected = new Uint8Array(max);
      for (let i = 0; i < max; i++) {
        let out = vecs[0]![i] ?? 0;
        if (op === "NOT") out = ~out & 0xff;
        for (let k = 1; k < n; k++) {
          const byte = vecs[k]![i] ?? 0;
          out = op === "AND" ? out & byte : op === "OR" ? out | byte : out ^ byte;
        }
        expected[i] = out;
      }
      assert.equal(await c.call("BITOP", op, "target{t}", ...keys), max);
      if (max > 0) assert.deepEqual(await getBytes(c, "target{t}"), expected);
      else assert.equal(await c.call("EXISTS", "target{t}"), 0);
    }
  }
});

test("BITOP with integer-encoded sources and a raw result", async (c) => {
  await c.call("SET", "a{t}", "1");
  await c.call("SET", "b{t}", "2");
  assert.equal(await c.call("BITOP", "XOR", "dest{t}", "a{t}", "b{t}"), 1);
  assert.equal(await c.call("GET", "dest{t}"), "\x03");
  assert.equal(await c.call("OBJECT", "ENCODING", "dest{t}"), "raw");
});

test("BITOP drops the TTL of the destination", async (c) => {
  await c.call("SET", "dest{t}", "x", "EX", "100");
  await c.call("SET", "a{t}", "a");
  await c.call("BITOP", "OR", "dest{t}", "a{t}");
  assert.equal(await c.call("TTL", "dest{t}"), -1);
});

test("BITOP errors: operation, NOT arity, arity", async (c) => {
  assertError(await c.call("BITOP", "NAND", "dest", "a"), SYNTAX);
  assertError(await c.call("BITOP", "DIFF", "dest", "a", "b"), SYNTAX);
  assertError(
    await c.call("BITOP", "NOT", "dest", "a", "b"),
    "ERR BITOP NOT must be called with a single source key.",
  );
  assertError(await c.call("BITOP", "AND", "dest"), "ERR wrong number of arguments for 'bitop' command");
  assert.equal(await c.call("BITOP", "and", "dest", "a"), 0);
});

test("BITOP with a source of another type is WRONGTYPE and leaves the destination", async (c) => {
  await c.call("SET", "a{t}", "\x01");
  await c.call("LPUSH", "c{t}", "foo");
  await c.call("SET", "dest{t}", "keep");
  assertError(await c.call("BITOP", "XOR", "dest{t}", "a{t}", "c{t}"), WRONGTYPE);
  assert.equal(await c.call("GET", "dest{t}"), "keep");
  await c.call("LPUSH", "l{t}", "x");
  assert.equal(await c.call("BITOP", "OR", "l{t}", "a{t}"), 1, "the destination may hold any type");
  assert.equal(await c.call("TYPE", "l{t}"), "string");
}, { ignore: !hasLists });

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
