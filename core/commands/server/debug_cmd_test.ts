import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import type { Server } from "../../server/server.ts";
import { atoi, debugObjectLine, serializedStringLength, strtodPrefix } from "./debug_cmd.ts";

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);

Deno.test("atoi reads a leading integer like C and ignores the rest", () => {
  assert.equal(atoi(b("1")), 1);
  assert.equal(atoi(b("  -12abc")), -12);
  assert.equal(atoi(b("+7")), 7);
  assert.equal(atoi(b("abc")), 0);
  assert.equal(atoi(b("")), 0);
  assert.equal(atoi(b("0x10")), 0);
  // strtol saturates, then the long is cast to int.
  assert.equal(atoi(b("4294967297")), 1);
  assert.equal(atoi(b("99999999999999999999999")), -1);
  assert.equal(atoi(new Uint8Array([0x31, 0, 0x32])), 1);
});

Deno.test("strtodPrefix reads the longest number prefix like C strtod", () => {
  assert.equal(strtodPrefix(b("0.25")), 0.25);
  assert.equal(strtodPrefix(b(" 1.5abc")), 1.5);
  assert.equal(strtodPrefix(b("1e3x")), 1000);
  assert.equal(strtodPrefix(b(".5")), 0.5);
  assert.equal(strtodPrefix(b("5.")), 5);
  assert.equal(strtodPrefix(b("0x10")), 16);
  assert.equal(strtodPrefix(b("0x1p4")), 16);
  assert.equal(strtodPrefix(b("0x.8")), 0.5);
  assert.equal(strtodPrefix(b("-inf")), -Infinity);
  assert.equal(strtodPrefix(b("Infinity")), Infinity);
  assert.ok(Number.isNaN(strtodPrefix(b("nan"))));
  assert.equal(strtodPrefix(b("abc")), 0);
  assert.equal(strtodPrefix(b("")), 0);
  assert.equal(strtodPrefix(b("-")), 0);
});

Deno.test("serializedStringLength saves small integers in 2, 3 or 5 bytes", () => {
  assert.equal(serializedStringLength(b("5"), StrEnc.INT), 2);
  assert.equal(serializedStringLength(b("-128"), StrEnc.INT), 2);
  assert.equal(serializedStringLength(b("127"), StrEnc.INT), 2);
  assert.equal(serializedStringLength(b("128"), StrEnc.INT), 3);
  assert.equal(serializedStringLength(b("-32768"), StrEnc.INT), 3);
  assert.equal(serializedStringLength(b("32768"), StrEnc.INT), 5);
  assert.equal(serializedStringLength(b("2147483647"), StrEnc.INT), 5);
  assert.equal(serializedStringLength(b("2147483648"), StrEnc.INT), 11);
  assert.equal(serializedStringLength(b("1234567890123"), StrEnc.INT), 14);
});

Deno.test("serializedStringLength saves text with its length prefix, canonical short integers as integers", () => {
  assert.equal(serializedStringLength(b("hello"), StrEnc.EMBSTR), 6);
  assert.equal(serializedStringLength(b("007"), StrEnc.EMBSTR), 4);
  assert.equal(serializedStringLength(b("12345"), StrEnc.RAW), 3);
  assert.equal(serializedStringLength(b(""), StrEnc.EMBSTR), 1);
  assert.equal(serializedStringLength(b("x".repeat(63)), StrEnc.RAW), 64);
  assert.equal(serializedStringLength(b("x".repeat(64)), StrEnc.RAW), 66);
  assert.equal(serializedStringLength(new Uint8Array(16384), StrEnc.RAW), 16389);
  // Twelve digits are past rdbTryIntegerEncoding's 11-byte limit.
  assert.equal(serializedStringLength(b("123456789012"), StrEnc.RAW), 13);
});

const fakeServer = { config: { has: () => false } } as unknown as Server;

Deno.test("debugObjectLine prints Valkey's fields for a string", () => {
  const now = 1_700_000_000_000;
  const db = new Db(0, () => now);
  const ref = db.setString(b("k"), b("hello"), StrEnc.EMBSTR, false);
  const lru = (Math.floor(now / 1000) - 42) & 0xffffff;
  db.setLru(ref, lru);
  const line = debugObjectLine(fakeServer, db, ref, now, false);
  assert.match(
    line,
    new RegExp(
      `^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:${lru} lru_seconds_idle:42 ` +
        `lfu_freq:0 lfu_access_time_minutes:${lru >> 8}$`,
    ),
  );
  assert.ok(!debugObjectLine(fakeServer, db, ref, now, true).includes("serializedlength"));
});

Deno.test("debugObjectLine reads the LRU field as LFU data with decay", () => {
  const now = 1_700_000_000_000;
  const minutes = Math.floor(now / 60000) & 65535;
  const db = new Db(0, () => now);
  const ref = db.setString(b("k"), b("1"), StrEnc.INT, false);
  // Accessed 3 minutes ago with counter 10: decays by one per minute (lfu-decay-time 1).
  db.setLru(ref, ((minutes - 3) << 8) | 10);
  assert.match(debugObjectLine(fakeServer, db, ref, now, false), / lfu_freq:7 lfu_access_time_minutes:\d+$/);
  assert.match(debugObjectLine(fakeServer, db, ref, now, false), / encoding:int serializedlength:2 /);
});

Deno.test("debugObjectLine uses an object's encoding, serialized length and extra details when it has them", () => {
  const now = 1_700_000_000_000;
  const db = new Db(0, () => now);
  const obj = {
    type: "list",
    encoding: "quicklist",
    serializedLength: () => 99,
    debugExtra: (fast: boolean) => fast ? " ql_nodes:1" : " ql_nodes:1 ql_uncompressed_size:5",
  };
  const ref = db.setObject(b("l"), obj, false);
  const line = debugObjectLine(fakeServer, db, ref, now, false);
  assert.match(line, / encoding:quicklist serializedlength:99 .* ql_nodes:1 ql_uncompressed_size:5$/);
  const plain = db.setObject(b("h"), { type: "hash" }, false);
  const l2 = debugObjectLine(fakeServer, db, plain, now, false);
  assert.match(l2, / encoding:unknown lru:/);
});
