import assert from "node:assert/strict";
import {
  CORE_DIRECTIVES,
  cStrtoll,
  DEPRECATED_DIRECTIVES,
  formatKeyspaceEvents,
  formatMemoryForRewrite,
  formatPercentile,
  memtoull,
  NOTIFY,
  NOTIFY_ALL,
  parseKeyspaceEvents,
  repr,
  strerror,
  ULLONG_MAX,
} from "./directives.ts";

Deno.test("memtoull reads plain bytes and every unit, case-insensitively", () => {
  assert.equal(memtoull("1024"), 1024n);
  assert.equal(memtoull("1b"), 1n);
  assert.equal(memtoull("100k"), 100_000n);
  assert.equal(memtoull("100kb"), 102_400n);
  assert.equal(memtoull("2m"), 2_000_000n);
  assert.equal(memtoull("512mb"), 536_870_912n);
  assert.equal(memtoull("3g"), 3_000_000_000n);
  assert.equal(memtoull("1gb"), 1_073_741_824n);
  assert.equal(memtoull("1GB"), 1_073_741_824n);
  assert.equal(memtoull("1Kb"), 1024n);
});

Deno.test("memtoull refuses signs, spaces, fractions and unknown units", () => {
  for (const bad of ["-1", "+1", " 1", "1 ", "1.5gb", "1tb", "1kib", "abc", "0x10"]) {
    assert.equal(memtoull(bad), null, bad);
  }
});

Deno.test("memtoull takes an empty digit run as zero, as the C code does", () => {
  assert.equal(memtoull(""), 0n);
  assert.equal(memtoull("kb"), 0n);
});

Deno.test("memtoull saturates long numbers and wraps the unit multiplication", () => {
  assert.equal(memtoull("99999999999999999999"), ULLONG_MAX);
  assert.equal(memtoull("18446744073709551615k"), BigInt.asUintN(64, ULLONG_MAX * 1000n));
  assert.equal(memtoull("1".repeat(127)), ULLONG_MAX);
  assert.equal(memtoull("1".repeat(128)), null);
});

Deno.test("cStrtoll skips leading spaces, takes a sign and stops at the first non-digit", () => {
  assert.deepEqual(cStrtoll(" 5", 10), { value: 5n, end: 2, overflow: false });
  assert.deepEqual(cStrtoll("+5", 10), { value: 5n, end: 2, overflow: false });
  assert.deepEqual(cStrtoll("-12abc", 10), { value: -12n, end: 3, overflow: false });
  assert.deepEqual(cStrtoll("", 10), { value: 0n, end: 0, overflow: false });
  assert.deepEqual(cStrtoll("+", 10), { value: 0n, end: 0, overflow: false });
  assert.deepEqual(cStrtoll("  ", 10), { value: 0n, end: 0, overflow: false });
});

Deno.test("cStrtoll saturates at the long long range and parses octal", () => {
  assert.deepEqual(cStrtoll("99999999999999999999", 10), {
    value: (1n << 63n) - 1n,
    end: 20,
    overflow: true,
  });
  assert.deepEqual(cStrtoll("-99999999999999999999", 10), { value: -(1n << 63n), end: 21, overflow: true });
  assert.deepEqual(cStrtoll("777", 8), { value: 511n, end: 3, overflow: false });
  assert.deepEqual(cStrtoll("0755", 8), { value: 493n, end: 4, overflow: false });
  assert.deepEqual(cStrtoll("8", 8), { value: 0n, end: 0, overflow: false });
});

Deno.test("repr quotes like sdscatrepr, leaving quotes and backslashes unescaped", () => {
  assert.equal(repr("abc"), '"abc"');
  assert.equal(repr(""), '""');
  assert.equal(repr('a"b c'), '"a"b c"');
  assert.equal(repr("a\\b"), '"a\\b"');
  assert.equal(repr("\n\r\t\x07\x08\x01\x7f"), '"\\n\\r\\t\\a\\b\\x01\\x7f"');
  assert.equal(repr("é"), '"\\xc3\\xa9"');
});

Deno.test("CONFIG REWRITE's memory format uses the largest unit that divides the value", () => {
  assert.equal(formatMemoryForRewrite(0n), "0");
  assert.equal(formatMemoryForRewrite(1000n), "1000");
  assert.equal(formatMemoryForRewrite(1024n), "1kb");
  assert.equal(formatMemoryForRewrite(1_572_864n), "1536kb");
  assert.equal(formatMemoryForRewrite(268_435_456n), "256mb");
  assert.equal(formatMemoryForRewrite(1_073_741_824n), "1gb");
  assert.equal(formatMemoryForRewrite(-1n), "-1");
});

Deno.test("keyspace event classes parse from Valkey's letters and print normalised", () => {
  assert.equal(formatKeyspaceEvents(parseKeyspaceEvents("KEA")!), "AKE");
  assert.equal(formatKeyspaceEvents(parseKeyspaceEvents("x$gEm")!), "g$xEm");
  assert.equal(formatKeyspaceEvents(parseKeyspaceEvents("KE")!), "KE");
  assert.equal(formatKeyspaceEvents(parseKeyspaceEvents("")!), "");
  assert.equal(formatKeyspaceEvents(parseKeyspaceEvents("dnlshzte")!), "lshzetdn");
  assert.equal(parseKeyspaceEvents("Kq"), null);
  assert.equal(parseKeyspaceEvents("a"), null);
  assert.equal(parseKeyspaceEvents("A"), NOTIFY_ALL);
  assert.equal(parseKeyspaceEvents("Km"), NOTIFY.KEYSPACE | NOTIFY.KEY_MISS);
});

Deno.test("A hides the new-key class when printing, as Valkey does", () => {
  assert.equal(formatKeyspaceEvents(parseKeyspaceEvents("An")!), "A");
  assert.equal(parseKeyspaceEvents("An")! & NOTIFY.NEW, NOTIFY.NEW);
});

Deno.test("percentiles print as printf %f trimmed, ties rounded to even", () => {
  assert.equal(formatPercentile(50), "50");
  assert.equal(formatPercentile(99.9), "99.9");
  assert.equal(formatPercentile(100), "100");
  assert.equal(formatPercentile(0), "0");
  assert.equal(formatPercentile(-0), "-0");
  assert.equal(formatPercentile(12.5), "12.5");
  assert.equal(formatPercentile(1 / 128), "0.007812");
  assert.equal(formatPercentile(3 / 128), "0.023438");
  assert.equal(formatPercentile(1e-7), "0");
  assert.equal(formatPercentile(33.3333333), "33.333333");
});

Deno.test("strerror maps file system error codes to the C library's texts", () => {
  assert.equal(strerror({ code: "ENOENT" }), "No such file or directory");
  assert.equal(strerror({ code: "EACCES" }), "Permission denied");
  assert.equal(strerror({ code: "EISDIR" }), "Is a directory");
  assert.equal(strerror(new Error("odd")), "odd");
});

Deno.test("the directive table has unique names and aliases", () => {
  const seen = new Set<string>();
  for (const d of CORE_DIRECTIVES) {
    for (const n of d.alias === undefined ? [d.name] : [d.name, d.alias]) {
      assert.ok(!seen.has(n), `duplicate ${n}`);
      assert.equal(n, n.toLowerCase());
      seen.add(n);
    }
  }
  for (const n of DEPRECATED_DIRECTIVES) assert.ok(!seen.has(n), `deprecated ${n} is also declared`);
  assert.ok(seen.has("slowlog-max-len") && seen.has("slowlog-log-slower-than"));
});
