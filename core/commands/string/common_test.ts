import assert from "node:assert/strict";
import { asciiBytes } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ReplyError } from "../errors.ts";
import { bitfieldTypeArgument, bitOffsetArgument } from "../bitmap/common.ts";
import {
  checkStringLength,
  expireArgument,
  longLongArgument,
  optionIs,
  rangeIsEmptyNegative,
} from "./common.ts";
import { byteRange } from "./range.ts";

const b = (s: string) => asciiBytes(s);

/** The parts of a CommandCall these helpers read. */
function fakeCall(fullName: string, now: number, maxBulk = 512 * 1024 * 1024): CommandCall {
  return {
    fullName,
    now,
    server: { config: { getInt: (name: string) => (name === "proto-max-bulk-len" ? maxBulk : 0) } },
  } as unknown as CommandCall;
}

function replyError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReplyError) return e.reply;
    throw e;
  }
  throw new Error("no error thrown");
}

Deno.test("optionIs compares ASCII case-insensitively up to a NUL, like the C option parsers", () => {
  assert.ok(optionIs(b("NX"), "nx"));
  assert.ok(optionIs(b("nX"), "nx"));
  assert.ok(optionIs(b("nx\0junk"), "nx"));
  assert.ok(!optionIs(b("nxx"), "nx"));
  assert.ok(!optionIs(b("n"), "nx"));
  assert.ok(!optionIs(b(""), "nx"));
  assert.ok(optionIs(b("KeepTTL"), "keepttl"));
  assert.ok(!optionIs(new Uint8Array([0xce, 0xb7]), "nx"));
});

Deno.test("expireArgument turns EX/PX/EXAT/PXAT words into absolute milliseconds", () => {
  const call = fakeCall("set", 1_700_000_000_000);
  assert.equal(expireArgument(call, b("10"), true, true), 1_700_000_010_000);
  assert.equal(expireArgument(call, b("10"), false, true), 1_700_000_000_010);
  assert.equal(expireArgument(call, b("1800000000"), true, false), 1_800_000_000_000);
  assert.equal(expireArgument(call, b("5"), false, false), 5);
  // EXAT of the largest allowed second count is accepted (no current time is added).
  assert.equal(expireArgument(call, b("9223372036854775"), true, false), 9223372036854775000);
});

Deno.test("expireArgument rejects what Valkey rejects, naming the command", () => {
  const call = fakeCall("setex", 1_700_000_000_000);
  const invalid = "ERR invalid expire time in 'setex' command";
  assert.equal(replyError(() => expireArgument(call, b("0"), true, true)), invalid);
  assert.equal(replyError(() => expireArgument(call, b("-1"), false, false)), invalid);
  assert.equal(replyError(() => expireArgument(call, b("9223372036854776"), true, false)), invalid);
  assert.equal(replyError(() => expireArgument(call, b("9223372036854775"), true, true)), invalid);
  assert.equal(replyError(() => expireArgument(call, b("9223372036854775807"), false, true)), invalid);
  assert.equal(replyError(() => expireArgument(call, b("-9223372036854775808"), false, true)), invalid);
  assert.equal(
    replyError(() => expireArgument(call, b("1.5"), true, true)),
    "ERR value is not an integer or out of range",
  );
  assert.equal(
    replyError(() => expireArgument(call, b("9223372036854775808"), false, false)),
    "ERR value is not an integer or out of range",
  );
  assert.equal(expireArgument(call, b("9223372036854775807"), false, false), 9223372036854775807);
});

Deno.test("longLongArgument parses int64 words and clamps beyond 2^53", () => {
  assert.equal(longLongArgument(b("-12")), -12);
  assert.equal(longLongArgument(b("9223372036854775807")), 2 ** 53);
  assert.equal(longLongArgument(b("-9223372036854775808")), -(2 ** 53));
  assert.equal(replyError(() => longLongArgument(b("1e3"))), "ERR value is not an integer or out of range");
});

Deno.test("rangeIsEmptyNegative compares the exact int64 values", () => {
  assert.ok(rangeIsEmptyNegative(b("-1"), b("-3")));
  assert.ok(!rangeIsEmptyNegative(b("-3"), b("-1")));
  assert.ok(!rangeIsEmptyNegative(b("1"), b("-3")));
  assert.ok(rangeIsEmptyNegative(b("-1152921504606846976"), b("-1152921504606846977")));
  assert.ok(!rangeIsEmptyNegative(b("-1152921504606846977"), b("-1152921504606846976")));
});

Deno.test("byteRange clamps inclusive ranges with negative indexes", () => {
  assert.deepEqual(byteRange(0, 3, 11), [0, 3]);
  assert.deepEqual(byteRange(-4, -1, 11), [7, 10]);
  assert.deepEqual(byteRange(5, 5000, 11), [5, 10]);
  assert.deepEqual(byteRange(-5000, 10000, 11), [0, 10]);
  assert.equal(byteRange(5, 3, 11), null);
  assert.equal(byteRange(0, -1, 0), null);
  assert.equal(byteRange(20, 30, 11), null);
});

Deno.test("checkStringLength enforces proto-max-bulk-len on the final size", () => {
  const call = fakeCall("append", 0, 100);
  checkStringLength(call, 60, 40);
  assert.equal(
    replyError(() => checkStringLength(call, 60, 41)),
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
  );
});

Deno.test("bitOffsetArgument accepts offsets below proto-max-bulk-len bytes and #index for bitfields", () => {
  const call = fakeCall("setbit", 0, 1024);
  const err = "ERR bit offset is not an integer or out of range";
  assert.equal(bitOffsetArgument(call, b("0")), 0);
  assert.equal(bitOffsetArgument(call, b("8191")), 8191);
  assert.equal(replyError(() => bitOffsetArgument(call, b("8192"))), err);
  assert.equal(replyError(() => bitOffsetArgument(call, b("-1"))), err);
  assert.equal(replyError(() => bitOffsetArgument(call, b("abc"))), err);
  assert.equal(replyError(() => bitOffsetArgument(call, b("#1"))), err, "# only with a field width");
  assert.equal(bitOffsetArgument(call, b("#3"), 8), 24);
  assert.equal(bitOffsetArgument(call, b("3"), 8), 3);
  assert.equal(replyError(() => bitOffsetArgument(call, b("#"), 8)), err);
  // The int64 product wraps: 2^58+1 times 64 is 64 after wrapping.
  assert.equal(bitOffsetArgument(call, b("#288230376151711745"), 64), 64);
  assert.equal(replyError(() => bitOffsetArgument(call, b("#144115188075855872"), 64)), err);
});

Deno.test("bitfieldTypeArgument accepts i1..i64 and u1..u63 only", () => {
  const err =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
  assert.deepEqual(bitfieldTypeArgument(b("i64")), [true, 64]);
  assert.deepEqual(bitfieldTypeArgument(b("u63")), [false, 63]);
  assert.deepEqual(bitfieldTypeArgument(b("i1")), [true, 1]);
  assert.deepEqual(bitfieldTypeArgument(b("u8\0xyz")), [false, 8]);
  for (const bad of ["u64", "i65", "i0", "I8", "U8", "8", "", "i", "i-1", "i08", "x8"]) {
    assert.equal(replyError(() => bitfieldTypeArgument(b(bad))), err, bad);
  }
});
