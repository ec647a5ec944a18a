import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import { asciiBytes } from "../../util/numbers.ts";
import {
  embstrTakesExpire,
  encodingFor,
  isInt64Text,
  jemallocSize,
  keyValueEncoding,
  setExpireKeepingEncoding,
  storedEncoding,
  textEncoding,
} from "./encoding.ts";

const b = (s: string) => asciiBytes(s);

Deno.test("isInt64Text accepts exactly what string2ll accepts", () => {
  for (const ok of ["0", "1", "-1", "123", "9223372036854775807", "-9223372036854775808", "10"]) {
    assert.equal(isInt64Text(b(ok)), true, ok);
  }
  for (
    const bad of [
      "",
      "-",
      "-0",
      "01",
      "+1",
      " 1",
      "1 ",
      "1.0",
      "9223372036854775808",
      "-9223372036854775809",
      "99999999999999999999",
      "12a",
      "0x10",
    ]
  ) {
    assert.equal(isInt64Text(b(bad)), false, bad);
  }
  assert.equal(isInt64Text(b("9223372036854775799")), true);
  assert.equal(isInt64Text(b("9223372036854775817")), false);
  assert.equal(isInt64Text(b("-9223372036854775807")), true);
});

Deno.test("encodingFor gives int, embstr up to 44 bytes, raw beyond", () => {
  assert.equal(encodingFor(b("12345")), StrEnc.INT);
  assert.equal(encodingFor(b("-9223372036854775808")), StrEnc.INT);
  assert.equal(encodingFor(b("9223372036854775808")), StrEnc.EMBSTR);
  assert.equal(encodingFor(b("")), StrEnc.EMBSTR);
  assert.equal(encodingFor(b("x".repeat(44))), StrEnc.EMBSTR);
  assert.equal(encodingFor(b("x".repeat(45))), StrEnc.RAW);
  assert.equal(textEncoding(44), StrEnc.EMBSTR);
  assert.equal(textEncoding(45), StrEnc.RAW);
});

Deno.test("storedEncoding keeps embstr only while key, value and expire fit 64 bytes", () => {
  // keylen + len <= 41 without a TTL, <= 33 with one.
  assert.equal(storedEncoding(StrEnc.EMBSTR, 3, 38, false), StrEnc.EMBSTR);
  assert.equal(storedEncoding(StrEnc.EMBSTR, 3, 39, false), StrEnc.RAW);
  assert.equal(storedEncoding(StrEnc.EMBSTR, 3, 30, true), StrEnc.EMBSTR);
  assert.equal(storedEncoding(StrEnc.EMBSTR, 3, 31, true), StrEnc.RAW);
  assert.equal(storedEncoding(StrEnc.INT, 200, 20, true), StrEnc.INT);
  assert.equal(storedEncoding(StrEnc.RAW, 1, 1, false), StrEnc.RAW);
  assert.equal(keyValueEncoding(b("k".repeat(21)), b("a".repeat(20)), false), StrEnc.EMBSTR);
  assert.equal(keyValueEncoding(b("k".repeat(21)), b("a".repeat(21)), false), StrEnc.RAW);
  assert.equal(keyValueEncoding(b("key"), b("42"), true), StrEnc.INT);
});

Deno.test("setExpireKeepingEncoding turns an embstr that no longer fits into raw", () => {
  const db = new Db(0, () => 1000);
  let ref = db.setString(b("foo"), b("a".repeat(35)), StrEnc.EMBSTR, false);
  ref = setExpireKeepingEncoding(db, ref, 5000);
  assert.equal(db.getEncoding(ref), StrEnc.RAW);
  assert.equal(db.getExpire(ref), 5000);
  assert.deepEqual(db.getString(ref), b("a".repeat(35)));

  ref = db.setString(b("bar"), b("a".repeat(30)), StrEnc.EMBSTR, false);
  ref = setExpireKeepingEncoding(db, ref, 6000);
  assert.equal(db.getEncoding(ref), StrEnc.EMBSTR, "30 bytes + key 3 still fit with the expire field");

  // Changing an existing TTL never re-embeds.
  ref = db.setString(b("baz"), b("a".repeat(30)), StrEnc.EMBSTR, false);
  ref = db.setExpire(ref, 7000);
  ref = setExpireKeepingEncoding(db, ref, 8000);
  assert.equal(db.getEncoding(ref), StrEnc.EMBSTR);
  assert.equal(db.getExpire(ref), 8000);
});

Deno.test("jemallocSize rounds to Valkey's jemalloc size classes (8-byte quantum)", () => {
  assert.deepEqual([1, 8, 9, 24, 57, 64].map(jemallocSize), [8, 8, 16, 24, 64, 64]);
  assert.deepEqual([65, 80, 81, 96, 97, 128, 129, 160, 161].map(jemallocSize), [
    80,
    80,
    96,
    96,
    112,
    128,
    160,
    160,
    192,
  ]);
});

Deno.test("embstrTakesExpire: fits with the field, or the allocation reserved one", () => {
  assert.equal(embstrTakesExpire(3, 30), true, "fits 64 bytes with the field");
  assert.equal(embstrTakesExpire(3, 31), false);
  assert.equal(embstrTakesExpire(31, 10), false, "sds5 key: exact 64-byte allocation, no spare room");
  assert.equal(embstrTakesExpire(32, 9), true, "sds8 key: 66 bytes round to 80");
  assert.equal(embstrTakesExpire(37, 4), true);
  assert.equal(embstrTakesExpire(37, 3), true);
  assert.equal(embstrTakesExpire(37, 2), false, "66 - 2 = 64 bytes: an exact size class, no spare room");
});
