import assert from "node:assert/strict";
import { syslogMessage, syslogTimestamp } from "./syslog.ts";

Deno.test("syslog messages carry glibc's priority, local timestamp, ident and pid", () => {
  const d = new Date(2026, 11, 7, 7, 5, 9);
  assert.equal(syslogTimestamp(d), "Dec  7 07:05:09");
  assert.equal(syslogTimestamp(new Date(2026, 0, 17, 23, 59, 0)), "Jan 17 23:59:00");
  // local0 (16) × 8 + notice (5); user (1) × 8 + warning (4); local7 × 8 + debug; verbose is info (6).
  assert.equal(
    syslogMessage(16, "notice", "valkey", 42, "Ready", d),
    "<133>Dec  7 07:05:09 valkey[42]: Ready",
  );
  assert.equal(syslogMessage(1, "warning", "x", 1, "m", d), "<12>Dec  7 07:05:09 x[1]: m");
  assert.equal(syslogMessage(23, "debug", "", 7, "m", d), "<191>Dec  7 07:05:09 [7]: m");
  assert.equal(syslogMessage(16, "verbose", "v", 7, "m", d), "<134>Dec  7 07:05:09 v[7]: m");
});
