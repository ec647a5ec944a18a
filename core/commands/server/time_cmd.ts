/**
 * TIME and LASTSAVE, and the microsecond wall clock TIME and INFO's server_time_usec read.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";

/**
 * Unix time in microseconds. `performance.timeOrigin + performance.now()` has sub-millisecond resolution in
 * Deno and Bun; if the system clock was stepped since the process started (the two clocks then disagree by
 * more than a second), `Date.now()` is trusted instead.
 */
export function nowUsec(): number {
  const hr = performance.timeOrigin + performance.now();
  const ms = Date.now();
  return Math.floor((Math.abs(hr - ms) > 1000 ? ms : hr) * 1000);
}

export const timeCommand: CommandSpec = {
  name: "time",
  summary: "Returns the server time.",
  since: "2.6.0",
  group: "server",
  complexity: "O(1)",
  arity: 1,
  flags: ["LOADING", "STALE", "FAST"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  handler(call: CommandCall): void {
    const us = nowUsec();
    const sec = Math.floor(us / 1e6);
    const w = call.reply;
    w.arrayHeader(2);
    w.bulkStr(String(sec));
    w.bulkStr(String(us - sec * 1e6));
  },
};

export const lastsaveCommand: CommandSpec = {
  name: "lastsave",
  summary: "Returns the Unix timestamp of the last successful save to disk.",
  since: "1.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 1,
  flags: ["LOADING", "STALE", "FAST"],
  aclCategories: ["admin", "dangerous"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  handler(call: CommandCall): void {
    call.reply.int(call.server.lastSave);
  },
};
