/**
 * DUMP and RESTORE over TCP: payload format (RDB value + version + CRC64), every type, TTL handling (relative,
 * ABSTTL, already expired), REPLACE, IDLETIME and FREQ, and Valkey's exact errors. A payload made by
 * redis-server 7.0 (RDB version 10, LZF-compressed) restores too. Expectations were checked against
 * valkey-server 8.1.1 and redis-server 7.0.
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/server.ts";
import { RawConn } from "../helpers/raw.ts";
import { assertError, flushedTest } from "../helpers/suite.ts";
import { Crc64 } from "../../core/persistence/crc64.ts";

const srv = await startServer();
const test = flushedTest(srv);

const BUSYKEY = "BUSYKEY Target key name already exists.";
const BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
const NOT_INT = "ERR value is not an integer or out of range";

/** redis-server 7.0's DUMP of a string of 30 'a': LZF-compressed, RDB version 10. */
const REDIS7_PAYLOAD = new Uint8Array([
  0x00,
  0xc3,
  0x09,
  0x1e,
  0x01,
  0x61,
  0x61,
  0xe0,
  0x11,
  0x00,
  0x01,
  0x61,
  0x61,
  0x0a,
  0x00,
  0x45,
  0x73,
  0x7c,
  0xbb,
  0x2b,
  0x64,
  0x7b,
  0xbb,
]);

async function dump(c: RawConn, key: string): Promise<Uint8Array> {
  const p = await c.callBytes("DUMP", key);
  assert.ok(p instanceof Uint8Array, `DUMP ${key}`);
  return p;
}

test("DUMP of a missing key is nil", async (c) => {
  assert.equal(await c.call("DUMP", "nokey"), null);
});

test("DUMP ends with the RDB version and a CRC64, and RESTORE takes it back", async (c) => {
  await c.call("SET", "k", "hello");
  const p = await dump(c, "k");
  assert.equal(p[0], 0); // RDB_TYPE_STRING
  assert.ok(p[p.length - 10]! >= 10 && p[p.length - 9] === 0);
  assert.equal(await c.call("RESTORE", "k2", "0", p), "OK");
  assert.equal(await c.call("GET", "k2"), "hello");
  assert.equal(await c.call("TTL", "k2"), -1);
});

test("every type survives DUMP and RESTORE, small and big encodings alike", async (c) => {
  await c.call("RPUSH", "l1", "a", "b", "1");
  await c.call("RPUSH", "l2", ...Array.from({ length: 2000 }, (_, i) => `e${i}`));
  await c.call("HSET", "h1", "f", "v", "n", "12");
  await c.call("HSET", "h2", ...Array.from({ length: 400 }, (_, i) => `f${i}`));
  await c.call("SADD", "s1", "1", "2", "3");
  await c.call("SADD", "s2", "x", "y");
  await c.call("SADD", "s3", ...Array.from({ length: 300 }, (_, i) => `m${i}`));
  await c.call("ZADD", "z1", "1.5", "a", "-inf", "b");
  await c.call("ZADD", "z2", ...Array.from({ length: 300 }, (_, i) => [String(i * 0.25), `m${i}`]).flat());
  await c.call("SET", "str", "x".repeat(1000));
  await c.call("SET", "num", "-123456");
  for (let i = 1; i <= 150; i++) await c.call("XADD", "st", `${i}-1`, "f", String(i));
  await c.call("XGROUP", "CREATE", "st", "g", "0");
  await c.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "st", ">");
  for (const k of ["l1", "l2", "h1", "h2", "s1", "s2", "s3", "z1", "z2", "str", "num", "st"]) {
    const enc = await c.call("OBJECT", "ENCODING", k);
    const p = await dump(c, k);
    assert.equal(await c.call("RESTORE", `${k}:copy`, "0", p), "OK", k);
    assert.equal(await c.call("OBJECT", "ENCODING", `${k}:copy`), enc, k);
  }
  assert.deepEqual(await c.call("LRANGE", "l2:copy", "0", "-1"), await c.call("LRANGE", "l2", "0", "-1"));
  assert.deepEqual(await c.call("HGETALL", "h1:copy"), await c.call("HGETALL", "h1"));
  assert.equal(await c.call("HLEN", "h2:copy"), 200);
  assert.deepEqual(
    (await c.call("SMEMBERS", "s3:copy") as string[]).sort(),
    (await c.call("SMEMBERS", "s3") as string[]).sort(),
  );
  assert.deepEqual(await c.call("ZRANGE", "z1:copy", "0", "-1", "WITHSCORES"), ["b", "-inf", "a", "1.5"]);
  assert.deepEqual(
    await c.call("ZRANGE", "z2:copy", "0", "-1", "WITHSCORES"),
    await c.call("ZRANGE", "z2", "0", "-1", "WITHSCORES"),
  );
  assert.equal(await c.call("GET", "str:copy"), "x".repeat(1000));
  assert.equal(await c.call("GET", "num:copy"), "-123456");
  assert.deepEqual(await c.call("XRANGE", "st:copy", "-", "+"), await c.call("XRANGE", "st", "-", "+"));
  assert.deepEqual(await c.call("XINFO", "GROUPS", "st:copy"), await c.call("XINFO", "GROUPS", "st"));
});

test("RESTORE refuses an existing key unless REPLACE", async (c) => {
  await c.call("SET", "k", "v1");
  const p = await dump(c, "k");
  await c.call("SET", "k", "v2");
  assertError(await c.call("RESTORE", "k", "0", p), BUSYKEY);
  assert.equal(await c.call("RESTORE", "k", "0", p, "REPLACE"), "OK");
  assert.equal(await c.call("GET", "k"), "v1");
});

test("RESTORE gives a relative TTL in ms, or an absolute one with ABSTTL", async (c) => {
  await c.call("SET", "k", "v");
  const p = await dump(c, "k");
  assert.equal(await c.call("RESTORE", "a", "100000", p), "OK");
  const pttl = Number(await c.call("PTTL", "a"));
  assert.ok(pttl > 90000 && pttl <= 100000, String(pttl));
  const at = Date.now() + 500000;
  assert.equal(await c.call("RESTORE", "b", String(at), p, "ABSTTL"), "OK");
  assert.equal(Number(await c.call("PEXPIRETIME", "b")), at);
});

test("RESTORE with a TTL already in the past replies OK and creates nothing", async (c) => {
  await c.call("SET", "k", "v");
  const p = await dump(c, "k");
  assert.equal(await c.call("RESTORE", "gone", "1000", p, "ABSTTL"), "OK");
  assert.equal(await c.call("EXISTS", "gone"), 0);
  assert.equal(await c.call("RESTORE", "k", "1", p, "ABSTTL", "REPLACE"), "OK");
  assert.equal(await c.call("EXISTS", "k"), 0);
});

test("RESTORE checks the TTL, the options and the payload with Valkey's errors", async (c) => {
  await c.call("SET", "k", "v");
  const p = await dump(c, "k");
  assertError(await c.call("RESTORE", "x", "-1", p), "ERR Invalid TTL value, must be >= 0");
  assertError(await c.call("RESTORE", "x", "abc", p), NOT_INT);
  assertError(await c.call("RESTORE", "x", "0", p, "FOO"), "ERR syntax error");
  assertError(await c.call("RESTORE", "x", "0", p, "IDLETIME"), "ERR syntax error");
  assertError(
    await c.call("RESTORE", "x", "0", p, "IDLETIME", "-1"),
    "ERR Invalid IDLETIME value, must be >= 0",
  );
  assertError(await c.call("RESTORE", "x", "0", p, "IDLETIME", "x"), NOT_INT);
  assertError(
    await c.call("RESTORE", "x", "0", p, "FREQ", "256"),
    "ERR Invalid FREQ value, must be >= 0 and <= 255",
  );
  assertError(await c.call("RESTORE", "x", "0", p, "IDLETIME", "1", "FREQ", "1"), "ERR syntax error");
  assertError(await c.call("RESTORE", "x", "0", "garbage"), BAD_PAYLOAD);
  assertError(await c.call("RESTORE", "x", "0", ""), BAD_PAYLOAD);
  const flipped = p.slice();
  flipped[1] = flipped[1]! ^ 1;
  assertError(await c.call("RESTORE", "x", "0", flipped), BAD_PAYLOAD);
  // A newer RDB version than the server reads.
  const newer = p.slice();
  newer[newer.length - 10] = 12;
  assertError(await c.call("RESTORE", "x", "0", newer), BAD_PAYLOAD);
  assert.equal(await c.call("EXISTS", "x"), 0);
});

test("RESTORE sets the idle time of IDLETIME and the counter of FREQ", async (c) => {
  await c.call("SET", "k", "v");
  const p = await dump(c, "k");
  assert.equal(await c.call("RESTORE", "idle", "0", p, "IDLETIME", "1000"), "OK");
  const idle = Number(await c.call("OBJECT", "IDLETIME", "idle"));
  assert.ok(idle >= 1000 && idle < 1010, String(idle));
  await c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
  try {
    assert.equal(await c.call("RESTORE", "freq", "0", p, "FREQ", "100"), "OK");
    assert.equal(await c.call("OBJECT", "FREQ", "freq"), 100);
  } finally {
    await c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
  }
});

test("a payload made by redis-server 7.0 (RDB 10, LZF) restores", async (c) => {
  assert.equal(await c.call("RESTORE", "fromredis", "0", REDIS7_PAYLOAD), "OK");
  assert.equal(await c.call("GET", "fromredis"), "a".repeat(30));
});

test("RESTORE counts as one change since the last save", async (c) => {
  await c.call("SET", "k", "v");
  const p = await dump(c, "k");
  const before = Number(
    /rdb_changes_since_last_save:(\d+)/.exec(String(await c.call("INFO", "persistence")))![1],
  );
  assert.equal(await c.call("RESTORE", "k2", "0", p), "OK");
  const after = Number(
    /rdb_changes_since_last_save:(\d+)/.exec(String(await c.call("INFO", "persistence")))![1],
  );
  assert.equal(after, before + 1);
});

async function sanitizations(c: RawConn): Promise<number> {
  return Number(/dump_payload_sanitizations:(\d+)/.exec(String(await c.call("INFO", "stats")))![1]);
}

test("sanitize-dump-payload decides what INFO dump_payload_sanitizations counts: one per compact blob", async (c) => {
  assert.deepEqual(await c.call("CONFIG", "GET", "sanitize-dump-payload"), ["sanitize-dump-payload", "no"]);
  assertError(
    await c.call("CONFIG", "SET", "sanitize-dump-payload", "maybe"),
    "ERR CONFIG SET failed (possibly related to argument 'sanitize-dump-payload') - argument(s) must be one " +
      "of the following: no, yes, clients",
  );
  await c.call("RPUSH", "l", "a", "b"); // one quicklist node
  await c.call("SADD", "s", "1", "2"); // an intset
  await c.call("HSET", "h", "f", "v"); // a listpack
  await c.call("XADD", "x", "1-1", "f", "v"); // one stream node
  await c.call("SET", "str", "v"); // no blob
  const payloads: Uint8Array[] = [];
  for (const k of ["l", "s", "h", "x", "str"]) payloads.push(await dump(c, k));
  try {
    for (const [mode, counted] of [["no", 0], ["clients", 4], ["yes", 4]] as const) {
      assert.equal(await c.call("CONFIG", "SET", "sanitize-dump-payload", mode), "OK");
      const before = await sanitizations(c);
      for (const p of payloads) assert.equal(await c.call("RESTORE", "r", "0", p, "REPLACE"), "OK");
      assert.equal(await sanitizations(c) - before, counted, mode);
    }
    assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
    assert.equal(await sanitizations(c), 0);
  } finally {
    await c.call("CONFIG", "SET", "sanitize-dump-payload", "no");
  }
});

test("DEBUG SET-SKIP-CHECKSUM-VALIDATION lets a payload with a wrong CRC through", async (c) => {
  await c.call("SADD", "s", "a", "b");
  const bad = (await dump(c, "s")).slice();
  bad[bad.length - 1]! ^= 0xff;
  assertError(await c.call("RESTORE", "r", "0", bad), "ERR DUMP payload version or checksum are wrong");
  assert.equal(await c.call("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"), "OK");
  try {
    assert.equal(await c.call("RESTORE", "r", "0", bad), "OK");
    assert.equal(await c.call("SCARD", "r"), 2);
  } finally {
    assert.equal(await c.call("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"), "OK");
  }
});

test("a hash listpack with a duplicate field is refused when sanitize-dump-payload is yes or clients", async (c) => {
  // A hash listpack whose second field repeats the first ("a" twice), with a valid checksum.
  await c.call("HSET", "h", "a", "1", "b", "2");
  const p = (await dump(c, "h")).slice();
  const at = p.indexOf(0x62, 8); // the "b" of the second field
  p[at] = 0x61;
  const body = p.subarray(0, p.length - 8);
  p.set(new Crc64().update(body, 0, body.length).bytes(), p.length - 8);
  for (const mode of ["yes", "clients"]) {
    assert.equal(await c.call("CONFIG", "SET", "sanitize-dump-payload", mode), "OK");
    assertError(await c.call("RESTORE", "r", "0", p), "ERR Bad data format");
  }
  await c.call("CONFIG", "SET", "sanitize-dump-payload", "no");
});
