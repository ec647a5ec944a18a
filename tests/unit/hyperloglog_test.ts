/**
 * PFADD, PFCOUNT and PFMERGE over TCP. Counts and raw bytes (SHA-256 of GET) were taken from Valkey 8.1.1
 * for the same inputs; the file passes against Valkey 8.1.1 and Redis 7.0 (except where marked).
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startServer, valkeyOnly } from "../helpers/server.ts";
import { RawConn, RespError } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";
import { Valkey } from "iovalkey";

const srv = await startServer();
const test = flushedTest(srv);

const NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

const te = new TextEncoder();
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const fromHex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function getBytes(c: RawConn, key: string): Promise<Uint8Array> {
  const r = await c.callBytes("GET", key);
  assert.ok(r instanceof Uint8Array, `GET ${key} gave ${String(r)}`);
  return new Uint8Array(r);
}

/** PFADD key prefix0 .. prefix(n-1), 100 elements per command, all commands pipelined in one write. */
async function fill(c: RawConn, key: string, n: number, prefix = "e"): Promise<void> {
  const parts: string[] = [];
  let commands = 0;
  for (let i = 0; i < n; i += 100) {
    const els: string[] = [];
    for (let j = i; j < Math.min(n, i + 100); j++) els.push(prefix + j);
    parts.push(`*${els.length + 2}\r\n$5\r\nPFADD\r\n$${key.length}\r\n${key}\r\n`);
    for (const e of els) parts.push(`$${e.length}\r\n${e}\r\n`);
    commands++;
  }
  c.send(te.encode(parts.join("")));
  for (let k = 0; k < commands; k++) {
    const r = await c.read({ timeoutMs: 20000 });
    assert.ok(r === 0 || r === 1, `PFADD replied ${String(r)}`);
  }
}

/** A dense HLL whose register i holds f(i), with the cached cardinality marked stale. */
function dense(f: (i: number) => number): Uint8Array {
  const d = new Uint8Array(12304);
  d.set([0x48, 0x59, 0x4c, 0x4c, 0]);
  d[15] = 0x80;
  for (let i = 0; i < 16384; i++) {
    const v = f(i);
    const bit = i * 6;
    const byte = 16 + (bit >> 3);
    const fb = bit & 7;
    d[byte] = d[byte]! | ((v << fb) & 255);
    if (fb > 2) d[byte + 1] = d[byte + 1]! | (v >> (8 - fb));
  }
  return d;
}

/** Valkey 8.1.1's bytes for PFADD e0 .. e9 then PFCOUNT (cached cardinality 10). */
const VALKEY_TEN =
  "48594c4c010000000a00000000000000452580472e844fc9804412844a5184430d844103844eb984408880406a8441b1";

test("PFADD creates an empty sparse HLL string even without elements", async (c) => {
  assert.equal(await c.call("PFADD", "h"), 1);
  assert.equal(hex(await getBytes(c, "h")), "48594c4c0100000000000000000000807fff");
  assert.equal(await c.call("TYPE", "h"), "string");
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "raw");
  assert.equal(await c.call("PFADD", "h"), 0);
  assert.equal(await c.call("PFCOUNT", "h"), 0);
  // PFCOUNT cached the cardinality 0 and cleared the stale bit.
  assert.equal(hex(await getBytes(c, "h")), "48594c4c0100000000000000000000007fff");
});

test("PFADD reports 1 only when a register changed", async (c) => {
  assert.equal(await c.call("PFADD", "h", "a", "b", "c"), 1);
  assert.equal(await c.call("PFADD", "h", "a", "b", "c"), 0);
  assert.equal(await c.call("PFADD", "h", "a", "d"), 1);
  assert.equal(await c.call("PFCOUNT", "h"), 4);
  assert.equal(await c.call("PFADD", "h", "a"), 0);
  assert.equal(await c.call("PFCOUNT", "h"), 4);
});

const SIZES: [n: number, len: number, before: string, count: number, after: string][] = [
  [
    10,
    48,
    "5e1f7c888c80593cadd16ec9156fe7ed6c8ab05d1380008868f6e43573ca045d",
    10,
    "0bba112db5cc118cf31893908d2e54640bdf4049ee589c6fbf8d90df0fd3c91a",
  ],
  [
    1000,
    1906,
    "519a7f0764d633e025ff9f8cdeb30cd2f452e2ad37f729f6b9ea7a4699791162",
    1008,
    "ab6313e24c05ff993730105e09ef76d5c0c4fcde58406d6a29d1889220a056e4",
  ],
  [
    100000,
    12304,
    "db44442a96c3ca475b58a386c4e1263c33d76900a2a9f2a934e50769c36644f9",
    100853,
    "548dba672576d8a299d51943c2728e21beda0aea57391bd87567dba08eed8e4e",
  ],
];

for (const [n, len, before, count, after] of SIZES) {
  test(`pipelined PFADD of ${n} elements gives Valkey's bytes and count`, async (c) => {
    await fill(c, "h", n);
    const b1 = await getBytes(c, "h");
    assert.equal(b1.length, len);
    assert.equal(sha(b1), before);
    assert.equal(await c.call("PFCOUNT", "h"), count);
    assert.equal(sha(await getBytes(c, "h")), after);
    assert.equal(await c.call("PFCOUNT", "h"), count);
  });
}

test("the ten-element HLL has Valkey's exact sparse opcodes", async (c) => {
  await fill(c, "h", 10);
  assert.equal(await c.call("PFCOUNT", "h"), 10);
  assert.equal(hex(await getBytes(c, "h")), VALKEY_TEN);
});

test("a sparse HLL turns dense past hll-sparse-max-bytes", async (c) => {
  assert.deepEqual(await c.call("CONFIG", "GET", "hll-sparse-max-bytes"), ["hll-sparse-max-bytes", "3000"]);
  try {
    assert.equal(await c.call("CONFIG", "SET", "hll-sparse-max-bytes", "40"), "OK");
    await fill(c, "p", 10, "p");
    const b = await getBytes(c, "p");
    assert.equal(b.length, 12304);
    assert.equal(b[4], 0);
    assert.equal(sha(b), "70e23adb254ffdc0007fd9ffedf2fafac671c12e7bc397e642700104b51f03c2");
    assert.equal(await c.call("PFCOUNT", "p"), 10);
  } finally {
    await c.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
  }
  assertError(
    await c.call("CONFIG", "SET", "hll-sparse-max-bytes", "-1"),
    "ERR CONFIG SET failed (possibly related to argument 'hll-sparse-max-bytes') - argument must be a memory value",
  );
});

test("the sparse to dense promotion by size happens between 1600 and 1700 elements", async (c) => {
  await fill(c, "h", 1500);
  const sparse = await getBytes(c, "h");
  assert.equal(sparse[4], 1);
  assert.ok(sparse.length <= 3000);
  await fill(c, "h", 1600);
  assert.equal((await getBytes(c, "h")).length, 2869);
  await fill(c, "h", 1700);
  assert.equal((await getBytes(c, "h")).length, 12304);
  assert.equal(await c.call("PFCOUNT", "h"), 1700);
});

test("PFCOUNT of a missing key is 0 and several keys count their union", async (c) => {
  assert.equal(await c.call("PFCOUNT", "nokey"), 0);
  assert.equal(await c.call("EXISTS", "nokey"), 0);
  await fill(c, "a", 300, "a");
  await fill(c, "b", 300, "b");
  await fill(c, "h10", 10);
  await fill(c, "h1000", 1000);
  assert.equal(await c.call("PFCOUNT", "a", "b", "nokey"), 603);
  assert.equal(await c.call("PFCOUNT", "a", "h1000", "h10"), 1311);
  assert.equal(await c.call("PFCOUNT", "nokey", "nokey2"), 0);
  // A multi-key count does not touch the cached cardinalities.
  const before = await getBytes(c, "a");
  assert.equal(before[15]! & 0x80, 0x80);
});

test("PFMERGE of sparse sources stays sparse with Valkey's bytes", async (c) => {
  await fill(c, "a", 300, "a");
  await fill(c, "b", 300, "b");
  assert.equal(await c.call("PFMERGE", "m", "a", "b"), "OK");
  const m = await getBytes(c, "m");
  assert.equal(m.length, 1218);
  assert.equal(sha(m), "89ead36a82b83bc88b5417d89c0168e7a28924613ff640cb87eeee0806e7b9c1");
  assert.equal(await c.call("PFCOUNT", "m"), 603);
});

test("PFMERGE with a dense source writes a dense HLL", async (c) => {
  await fill(c, "a", 300, "a");
  await fill(c, "h", 100000);
  assert.equal(await c.call("PFMERGE", "m", "a", "h"), "OK");
  assert.equal(
    sha(await getBytes(c, "m")),
    "b280bef1ac640eec15bbec057f5ba9cf1d84a103cde2e8de4f3b137b8c778147",
  );
  assert.equal(await c.call("PFCOUNT", "m"), 101165);
});

test("PFMERGE into an existing HLL keeps its registers and its TTL", async (c) => {
  await fill(c, "a", 300, "a");
  await fill(c, "b", 300, "b");
  await fill(c, "h10", 10);
  assert.equal(await c.call("PFMERGE", "m", "a", "h10"), "OK");
  assert.equal(await c.call("EXPIRE", "m", 1000), 1);
  assert.equal(await c.call("PFMERGE", "m", "b"), "OK");
  assert.equal(
    sha(await getBytes(c, "m")),
    "3d200e2d55954c165abdee978f8a3a258ec57aace2dbd6a8fc618e881786eb28",
  );
  assert.equal(await c.call("PFCOUNT", "m"), 613);
  const ttl = await c.call("TTL", "m");
  assert.ok(typeof ttl === "number" && ttl > 990);
});

test("PFMERGE without sources creates an empty HLL or leaves one as it is", async (c) => {
  assert.equal(await c.call("PFMERGE", "m"), "OK");
  assert.equal(hex(await getBytes(c, "m")), "48594c4c0100000000000000000000807fff");
  assert.equal(await c.call("PFMERGE", "nothing", "missing1", "missing2"), "OK");
  assert.equal(await c.call("PFCOUNT", "nothing"), 0);
  await fill(c, "h", 10);
  assert.equal(await c.call("PFCOUNT", "h"), 10);
  assert.equal(await c.call("PFMERGE", "h"), "OK");
  const b = await getBytes(c, "h");
  assert.equal(b[15], 0x80); // the cache is invalidated
  assert.equal(await c.call("PFCOUNT", "h"), 10);
  assert.equal(hex(await getBytes(c, "h")), VALKEY_TEN);
});

test("an HLL written by Valkey gives the same count and bytes after PFADD", async (c) => {
  assert.equal(await c.call("SET", "v", fromHex(VALKEY_TEN)), "OK");
  assert.equal(await c.call("PFCOUNT", "v"), 10);
  await fill(c, "v", 50, "x");
  assert.equal(
    sha(await getBytes(c, "v")),
    "b58b7f5f2d285c99fed111cf9af577c1c7b7add702640f79528e4d5bc8edb684",
  );
  assert.equal(await c.call("PFCOUNT", "v"), 60);
});

test("a dense HLL set by hand counts and grows like Valkey's", async (c) => {
  assert.equal(await c.call("SET", "d", dense((i) => (i * 7) % 20)), "OK");
  assert.equal(await c.call("PFCOUNT", "d"), 115208);
  assert.equal(
    sha(await getBytes(c, "d")),
    "b281dd1af89be4e5aaa7fa1ea66c34ae9b4f3125bc7b24b193f5cb3810b4c369",
  );
  await fill(c, "d", 100, "y");
  assert.equal(
    sha(await getBytes(c, "d")),
    "d8abfd77208669c870e47c04663254d905b72d1e5dbecd4b3dae3acc85774285",
  );
  assert.equal(await c.call("PFCOUNT", "d"), 115867);
});

test("an estimate beyond int64 replies the int64 minimum and is never cached", async (c) => {
  await c.call("SET", "d", dense(() => 51));
  assert.equal(await c.call("PFCOUNT", "d"), -9223372036854775808n);
  const b = await getBytes(c, "d");
  assert.equal(hex(b.subarray(8, 16)), "0000000000000080");
  assert.equal(await c.call("PFCOUNT", "d"), -9223372036854775808n);
  assert.equal(await c.call("PFCOUNT", "d", "d"), -9223372036854775808n);
});

test("PFCOUNT returns a valid cached cardinality without recomputing it", async (c) => {
  await fill(c, "h", 10);
  assert.equal(await c.call("PFCOUNT", "h"), 10);
  assert.equal(await c.call("SETRANGE", "h", 8, fromHex("3930")), 48);
  assert.equal(await c.call("PFCOUNT", "h"), 12345);
  // The stale bit makes it recompute.
  assert.equal(await c.call("SETRANGE", "h", 15, fromHex("80")), 48);
  assert.equal(await c.call("PFCOUNT", "h"), 10);
  // A cached value above 2^53 is replied exactly.
  assert.equal(await c.call("SETRANGE", "h", 8, fromHex("ffffffffffffff7f")), 48);
  assert.equal(await c.call("PFCOUNT", "h"), 9223372036854775807n);
});

test("PFCOUNT and PFADD leave an embstr HLL raw", async (c) => {
  // 18-byte empty HLL with a valid cache, stored by SET as embstr.
  await c.call("SET", "h", fromHex("48594c4c0100000000000000000000007fff"));
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "embstr");
  assert.equal(await c.call("PFCOUNT", "h"), 0);
  assert.equal(await c.call("OBJECT", "ENCODING", "h"), "raw");
  await c.call("SET", "g", fromHex("48594c4c0100000000000000000000007fff"));
  assert.equal(await c.call("PFADD", "g"), 0);
  assert.equal(await c.call("OBJECT", "ENCODING", "g"), "raw");
}, valkeyOnly());

test("PFADD keeps the key's TTL", async (c) => {
  await c.call("PFADD", "h", "a");
  await c.call("EXPIRE", "h", 500);
  assert.equal(await c.call("PFADD", "h", "b", "c"), 1);
  const ttl = await c.call("TTL", "h");
  assert.ok(typeof ttl === "number" && ttl > 490);
});

test("a string that is not an HLL is rejected with Valkey's WRONGTYPE text", async (c) => {
  await c.call("SET", "s", "hello");
  await c.call("SET", "short", "HYLL");
  await c.call("SET", "magic", fromHex("48594c4d0100000000000000000000007fff"));
  await c.call("SET", "enc", fromHex("48594c4c0200000000000000000000007fff"));
  await c.call("SET", "densebad", fromHex("48594c4c0000000000000000000000007fff"));
  await c.call("SET", "n", "12345");
  await c.call("PFADD", "ok", "x");
  for (const k of ["s", "short", "magic", "enc", "densebad", "n"]) {
    assertError(await c.call("PFADD", k, "x"), NOT_HLL);
    assertError(await c.call("PFCOUNT", k), NOT_HLL);
    assertError(await c.call("PFCOUNT", "ok", k), NOT_HLL);
    assertError(await c.call("PFMERGE", k, "ok"), NOT_HLL);
    assertError(await c.call("PFMERGE", "dest", "ok", k), NOT_HLL);
  }
  assert.equal(await c.call("EXISTS", "dest"), 0);
  assert.equal(await c.call("GET", "s"), "hello");
});

test("a key of another type is the generic WRONGTYPE error", async (c) => {
  await c.call("HSET", "hash", "f", "v");
  await c.call("PFADD", "ok", "x");
  assertError(await c.call("PFADD", "hash", "x"), WRONGTYPE);
  assertError(await c.call("PFCOUNT", "hash"), WRONGTYPE);
  assertError(await c.call("PFCOUNT", "ok", "hash"), WRONGTYPE);
  assertError(await c.call("PFMERGE", "hash", "ok"), WRONGTYPE);
  assertError(await c.call("PFMERGE", "ok", "hash"), WRONGTYPE);
});

test("a corrupted sparse HLL is reported as INVALIDOBJ", async (c) => {
  // Sparse opcodes covering only register 0.
  const bad = fromHex("48594c4c0100000000000000000000804000");
  await c.call("SET", "bad", bad);
  await c.call("PFADD", "ok", "x");
  assertError(await c.call("PFCOUNT", "bad"), CORRUPT);
  assertError(await c.call("PFCOUNT", "ok", "bad"), CORRUPT);
  assertError(await c.call("PFMERGE", "dest", "bad"), CORRUPT);
  assertError(await c.call("PFMERGE", "bad", "ok"), CORRUPT);
  assert.equal(await c.call("EXISTS", "dest"), 0);
  // Element "a" maps to register 12711, past the covered range.
  assertError(await c.call("PFADD", "bad", "a"), CORRUPT);
  // A VAL run past the last register.
  await c.call("SET", "over", fromHex("48594c4c0100000000000000000000807fff83"));
  assertError(await c.call("PFCOUNT", "over"), CORRUPT);
});

test("PFADD, PFCOUNT and PFMERGE check their arity", async (c) => {
  for (const cmd of ["pfadd", "pfcount", "pfmerge"]) {
    assertError(await c.call(cmd), `ERR wrong number of arguments for '${cmd}' command`);
  }
});

test("COMMAND INFO describes the HyperLogLog commands", async (c) => {
  const info = await c.call("COMMAND", "INFO", "pfadd", "pfcount", "pfmerge") as unknown[][];
  assert.deepEqual(info.map((i) => i.slice(0, 6)), [
    ["pfadd", -2, ["write", "denyoom", "fast"], 1, 1, 1],
    ["pfcount", -2, ["readonly"], 1, -1, 1],
    ["pfmerge", -2, ["write", "denyoom"], 1, -1, 1],
  ]);
  assert.deepEqual(info[0]![6], ["@write", "@hyperloglog", "@fast"]);
  assert.deepEqual(info[1]![6], ["@read", "@hyperloglog", "@slow"]);
  assert.deepEqual(info[2]![6], ["@write", "@hyperloglog", "@slow"]);
});

test("PFADD and PFMERGE emit pfadd keyspace events; PFCOUNT emits none", async (c) => {
  const sub = await RawConn.connect(srv.port);
  try {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn");
    await sub.call("PSUBSCRIBE", "__keyevent@0__:*");
    await c.call("PFADD", "h", "a");
    await c.call("PFADD", "h", "a");
    await c.call("PFCOUNT", "h");
    await c.call("PFMERGE", "m", "h");
    await c.call("SET", "end", "1");
    const events: string[] = [];
    for (;;) {
      const msg = await sub.read() as unknown[];
      const ev = String(msg[2]).replace("__keyevent@0__:", "") + " " + String(msg[3]);
      events.push(ev);
      if (ev === "set end") break;
    }
    assert.deepEqual(events, ["new h", "pfadd h", "new m", "pfadd m", "new end", "set end"]);
  } finally {
    await c.call("CONFIG", "SET", "notify-keyspace-events", "");
    sub.close();
  }
}, valkeyOnly());

test("replies are plain integers for RESP3 clients too", async (c) => {
  assert.equal(await c.call("HELLO", "3") instanceof RespError, false);
  assert.equal(await c.call("PFADD", "h", "a", "b"), 1);
  assert.equal(await c.call("PFCOUNT", "h"), 2);
});

test("a PFCOUNT that refreshes the cache touches WATCHed keys; a cached one does not", async (c) => {
  const other = await RawConn.connect(srv.port);
  try {
    await c.call("PFADD", "h", "a", "b");
    assert.equal(await c.call("WATCH", "h"), "OK");
    assert.equal(await other.call("PFCOUNT", "h"), 2);
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("PING"), "QUEUED");
    assert.equal(await c.call("EXEC"), null);
    assert.equal(await c.call("WATCH", "h"), "OK");
    assert.equal(await other.call("PFCOUNT", "h"), 2);
    assert.equal(await other.call("PFCOUNT", "h", "h"), 2);
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("PING"), "QUEUED");
    assert.deepEqual(await c.call("EXEC"), ["PONG"]);
  } finally {
    other.close();
  }
});

test("PFADD that changes nothing does not touch WATCHed keys", async (c) => {
  const other = await RawConn.connect(srv.port);
  try {
    await c.call("PFADD", "h", "a");
    assert.equal(await c.call("WATCH", "h"), "OK");
    assert.equal(await other.call("PFADD", "h", "a"), 0);
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("PING"), "QUEUED");
    assert.deepEqual(await c.call("EXEC"), ["PONG"]);
  } finally {
    other.close();
  }
});

Deno.test({
  name: "iovalkey pipelines PFADD, PFCOUNT and PFMERGE",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const v = new Valkey({ host: srv.host, port: srv.port, lazyConnect: true });
    await v.connect();
    try {
      await v.del("io:a", "io:b", "io:m");
      const p = v.pipeline();
      for (let i = 0; i < 1000; i += 100) {
        p.pfadd("io:a", ...Array.from({ length: 100 }, (_, j) => "e" + (i + j)));
      }
      await p.exec();
      assert.equal(await v.pfcount("io:a"), 1008);
      assert.equal(await v.pfadd("io:b", "x", "y"), 1);
      assert.equal(await v.pfmerge("io:m", "io:a", "io:b"), "OK");
      assert.equal(await v.pfcount("io:a", "io:b"), await v.pfcount("io:m"));
      await v.del("io:a", "io:b", "io:m");
    } finally {
      v.disconnect();
    }
  },
});

Deno.test({ name: "stop server", sanitizeOps: false, sanitizeResources: false, fn: () => srv.stop() });
