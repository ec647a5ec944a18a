import assert from "node:assert/strict";
import { Db, StrEnc } from "../../keyspace/db.ts";
import { ReplyError } from "../errors.ts";
import {
  errWord,
  expireToI64,
  idleSeconds,
  isExpired,
  lfuCounter,
  lfuMinutes,
  parseIntArg,
  strEncodingName,
  upperAscii,
} from "./common.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);

function replyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReplyError) return e.reply;
    throw e;
  }
  throw new Error("no error thrown");
}

Deno.test("parseIntArg accepts int32 values and rejects the rest with Valkey's texts", () => {
  assert.equal(parseIntArg(b("0")), 0);
  assert.equal(parseIntArg(b("-2147483648")), -2147483648);
  assert.equal(parseIntArg(b("2147483647")), 2147483647);
  assert.equal(
    replyOf(() => parseIntArg(b("2147483648"))),
    "ERR value is out of range, value must between -2147483648 and 2147483647",
  );
  assert.equal(
    replyOf(() => parseIntArg(b("-2147483649"))),
    "ERR value is out of range, value must between -2147483648 and 2147483647",
  );
  assert.equal(
    replyOf(() => parseIntArg(b("9223372036854775808"))),
    "ERR value is not an integer or out of range",
  );
  for (const bad of ["", " 1", "01", "+1", "1.0", "abc", "-0"]) {
    assert.equal(replyOf(() => parseIntArg(b(bad))), "ERR value is not an integer or out of range", bad);
  }
});

Deno.test("parseIntArg with a custom message uses it for every failure", () => {
  assert.equal(
    replyOf(() => parseIntArg(b("x"), "ERR invalid first DB index")),
    "ERR invalid first DB index",
  );
  assert.equal(
    replyOf(() => parseIntArg(b("4294967296"), "ERR invalid first DB index")),
    "ERR invalid first DB index",
  );
  assert.equal(parseIntArg(b("-5"), "ERR invalid first DB index"), -5);
});

Deno.test("errWord stops at a NUL byte and turns line breaks into spaces", () => {
  assert.equal(errWord(b("abc")), "abc");
  assert.equal(errWord(new Uint8Array([0x61, 0, 0x62])), "a");
  assert.equal(errWord(b("a\r\nb")), "a  b");
});

Deno.test("lfuCounter decays the counter by one per decay period elapsed", () => {
  const now = 1_700_000_000_000;
  const min = lfuMinutes(now);
  const lru = (min << 8) | 20;
  assert.equal(lfuCounter(lru, now, 1), 20);
  assert.equal(lfuCounter(lru, now + 5 * 60_000, 1), 15);
  assert.equal(lfuCounter(lru, now + 5 * 60_000, 2), 18);
  assert.equal(lfuCounter(lru, now + 50 * 60_000, 1), 0);
  assert.equal(lfuCounter(lru, now + 50 * 60_000, 0), 20, "decay time 0 never decays");
});

Deno.test("lfuCounter handles the 16-bit minute clock wrapping", () => {
  // Access time 65530, now 3 minutes after the wrap: 65535 - 65530 + 3 = 8 periods.
  const nowMs = 3 * 60_000 + 65536 * 60_000 * 400;
  assert.equal(lfuMinutes(nowMs), 3);
  assert.equal(lfuCounter((65530 << 8) | 10, nowMs, 1), 2);
});

Deno.test("idleSeconds follows the 24-bit LRU clock, including its wrap", () => {
  const now = 1_700_000_000_000;
  const clock = Math.floor(now / 1000) & 0xffffff;
  assert.equal(idleSeconds(clock, now), 0);
  assert.equal(idleSeconds(clock - 42, now), 42);
  // An access time "after" the clock means the clock wrapped since.
  const wrapped = (clock + 10) & 0xffffff;
  assert.equal(idleSeconds(wrapped, now), clock + (0xffffff - wrapped));
});

Deno.test("expireToI64 clamps float64 times to the int64 range", () => {
  assert.equal(expireToI64(1234), 1234n);
  assert.equal(expireToI64(2 ** 63), 9223372036854775807n);
  assert.equal(expireToI64(-(2 ** 64)), -9223372036854775808n);
});

Deno.test("isExpired is true only once the time is strictly past the expire time", () => {
  const db = new Db(0, () => 1000);
  let ref = db.setString(b("k"), b("v"), StrEnc.EMBSTR, false);
  assert.equal(isExpired(db, ref, 5000), false, "no TTL");
  ref = db.setExpire(ref, 2000);
  assert.equal(isExpired(db, ref, 2000), false);
  assert.equal(isExpired(db, ref, 2001), true);
});

Deno.test("strEncodingName names the three string encodings", () => {
  assert.equal(strEncodingName(StrEnc.INT), "int");
  assert.equal(strEncodingName(StrEnc.EMBSTR), "embstr");
  assert.equal(strEncodingName(StrEnc.RAW), "raw");
});

Deno.test("upperAscii upper-cases ASCII letters only", () => {
  assert.equal(upperAscii(b("oBject-1_x")), "OBJECT-1_X");
});
