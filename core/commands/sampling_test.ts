import assert from "node:assert/strict";
import type { CommandCall } from "./call.ts";
import { MAX_SAMPLED_REPLY, replySamples, SAMPLE_CHUNK } from "./sampling.ts";

/** A call whose server has a hard limit `hard` and reports the limit reached after `cutAfter` checks. */
function fakeCall(hard: number, cutAfter = Infinity) {
  const out: string[] = [];
  let checks = 0;
  const call = {
    client: {},
    server: {
      outputHardLimit: () => hard,
      outputLimitReached: () => ++checks > cutAfter,
    },
    reply: {
      arrayHeader: (n: number) => out.push(`*${n}`),
      raw: (b: Uint8Array) => out.push(new TextDecoder().decode(b)),
    },
  } as unknown as CommandCall;
  return { call, out, checks: () => checks };
}

Deno.test("replySamples writes the header and every sample, checking the limit once per chunk", () => {
  const { call, out, checks } = fakeCall(0);
  let n = 0;
  assert.equal(replySamples(call, 2500n, 2, () => n++), true);
  assert.deepEqual(out, ["*5000"]);
  assert.equal(n, 2500);
  assert.equal(checks(), Math.ceil(2500 / SAMPLE_CHUNK));
});

Deno.test("replySamples stops at the chunk where the output limit closed the client", () => {
  const { call } = fakeCall(1000, 2);
  let n = 0;
  assert.equal(replySamples(call, 10n ** 18n, 1, () => n++), true);
  assert.equal(n, 3 * SAMPLE_CHUNK);
});

Deno.test("replySamples refuses over 2^24 elements when no hard limit would cut the reply off", () => {
  const { call, out } = fakeCall(0);
  let n = 0;
  assert.equal(replySamples(call, BigInt(MAX_SAMPLED_REPLY) + 1n, 1, () => n++), false);
  assert.equal(replySamples(call, BigInt(MAX_SAMPLED_REPLY / 2) + 1n, 2, () => n++), false);
  assert.deepEqual(out, []);
  assert.equal(n, 0);
});

Deno.test("replySamples writes a header beyond 2^53 exactly", () => {
  const { call, out } = fakeCall(100, 0);
  replySamples(call, 9223372036854775807n / 2n, 2, () => {});
  assert.deepEqual(out, ["*9223372036854775806\r\n"]);
});
