import assert from "node:assert/strict";
import { ttlValue } from "./ttl.ts";

Deno.test("ttlValue is -1 for a key without TTL", () => {
  for (const ms of [false, true]) {
    for (const abs of [false, true]) assert.equal(ttlValue(-1, 1000, ms, abs), -1n);
  }
});

Deno.test("ttlValue rounds seconds to the nearest second", () => {
  const now = 1_000_000;
  assert.equal(ttlValue(now + 1499, now, false, false), 1n);
  assert.equal(ttlValue(now + 1500, now, false, false), 2n);
  assert.equal(ttlValue(now + 499, now, false, false), 0n);
  assert.equal(ttlValue(now + 1499, now, true, false), 1499n);
});

Deno.test("ttlValue reads a passed expire time as 0", () => {
  assert.equal(ttlValue(500, 1000, true, false), 0n);
  assert.equal(ttlValue(500, 1000, false, false), 0n);
});

Deno.test("ttlValue gives absolute times for EXPIRETIME and PEXPIRETIME", () => {
  assert.equal(ttlValue(1_700_000_000_499, 5, true, true), 1_700_000_000_499n);
  assert.equal(ttlValue(1_700_000_000_499, 5, false, true), 1_700_000_000n);
  assert.equal(ttlValue(1_700_000_000_500, 5, false, true), 1_700_000_001n);
});

Deno.test("ttlValue computes huge times exactly", () => {
  // PEXPIREAT key 9223372036854775807: Valkey prints these.
  assert.equal(ttlValue(2 ** 63, 0, true, true), 9223372036854775807n);
  assert.equal(ttlValue(2 ** 63, 0, false, true), 9223372036854776n);
  assert.equal(ttlValue(2 ** 63, 1_700_000_000_000, true, false), 9223370336854775807n);
});
