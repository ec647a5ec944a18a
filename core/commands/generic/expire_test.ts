import assert from "node:assert/strict";
import { ReplyError } from "../errors.ts";
import { absoluteExpireMs, conditionsRefuse, parseExpireConditions } from "./expire.ts";

const te = new TextEncoder();
const words = (...s: string[]) => s.map((x) => te.encode(x));

function replyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReplyError) return e.reply;
    throw e;
  }
  throw new Error("no error thrown");
}

Deno.test("parseExpireConditions reads NX XX GT LT in any case", () => {
  assert.deepEqual(parseExpireConditions(words("expire", "k", "1"), 3), {
    nx: false,
    xx: false,
    gt: false,
    lt: false,
  });
  assert.deepEqual(parseExpireConditions(words("expire", "k", "1", "xX", "Lt"), 3), {
    nx: false,
    xx: true,
    gt: false,
    lt: true,
  });
  assert.equal(parseExpireConditions(words("expire", "k", "1", "nx", "NX"), 3).nx, true);
});

Deno.test("parseExpireConditions reports unknown options before incompatible ones", () => {
  assert.equal(
    replyOf(() => parseExpireConditions(words("e", "k", "1", "nx", "xx", "AB"), 3)),
    "ERR Unsupported option AB",
  );
  assert.equal(
    replyOf(() => parseExpireConditions(words("e", "k", "1", "nx", "xx"), 3)),
    "ERR NX and XX, GT or LT options at the same time are not compatible",
  );
  assert.equal(
    replyOf(() => parseExpireConditions(words("e", "k", "1", "nx", "gt"), 3)),
    "ERR NX and XX, GT or LT options at the same time are not compatible",
  );
  assert.equal(
    replyOf(() => parseExpireConditions(words("e", "k", "1", "lt", "nx"), 3)),
    "ERR NX and XX, GT or LT options at the same time are not compatible",
  );
  assert.equal(
    replyOf(() => parseExpireConditions(words("e", "k", "1", "xx", "gt", "lt"), 3)),
    "ERR GT and LT options at the same time are not compatible",
  );
});

Deno.test("absoluteExpireMs converts seconds and adds the base time", () => {
  assert.equal(absoluteExpireMs(10n, true, 1000), 11000n);
  assert.equal(absoluteExpireMs(10n, false, 1000), 1010n);
  assert.equal(absoluteExpireMs(-5n, true, 0), -5000n);
  assert.equal(absoluteExpireMs(9223372036854775807n, false, 0), 9223372036854775807n);
});

Deno.test("absoluteExpireMs refuses int64 overflow like Valkey", () => {
  assert.equal(absoluteExpireMs(9223372036854775n, true, 0), 9223372036854775000n);
  assert.equal(absoluteExpireMs(9223372036854776n, true, 0), null);
  assert.equal(absoluteExpireMs(-9223372036854775n, true, 0), -9223372036854775000n);
  assert.equal(absoluteExpireMs(-9223372036854776n, true, 0), null);
  const now = 1_700_000_000_000;
  assert.equal(absoluteExpireMs(9223372036854775807n - 1_700_000_000_000n, false, now), 9223372036854775807n);
  assert.equal(absoluteExpireMs(9223372036854775807n - 1_699_999_999_999n, false, now), null);
  assert.equal(absoluteExpireMs(9223370399119966n, true, now), null);
});

Deno.test("conditionsRefuse applies NX XX GT LT with no TTL as infinite", () => {
  const c = (o: Partial<Record<"nx" | "xx" | "gt" | "lt", boolean>>) => ({
    nx: false,
    xx: false,
    gt: false,
    lt: false,
    ...o,
  });
  assert.equal(conditionsRefuse(c({ nx: true }), 5n, -1), false);
  assert.equal(conditionsRefuse(c({ nx: true }), 5n, 100), true);
  assert.equal(conditionsRefuse(c({ xx: true }), 5n, -1), true);
  assert.equal(conditionsRefuse(c({ xx: true }), 5n, 100), false);
  assert.equal(conditionsRefuse(c({ gt: true }), 500n, -1), true);
  assert.equal(conditionsRefuse(c({ gt: true }), 100n, 100), true);
  assert.equal(conditionsRefuse(c({ gt: true }), 101n, 100), false);
  assert.equal(conditionsRefuse(c({ lt: true }), 500n, -1), false);
  assert.equal(conditionsRefuse(c({ lt: true }), 100n, 100), true);
  assert.equal(conditionsRefuse(c({ lt: true }), 99n, 100), false);
  assert.equal(conditionsRefuse(c({ lt: true, xx: true }), 99n, -1), true);
  // INT64_MAX is stored as 2^63: it still compares equal to itself.
  assert.equal(conditionsRefuse(c({ lt: true }), 9223372036854775807n, 2 ** 63), true);
});
