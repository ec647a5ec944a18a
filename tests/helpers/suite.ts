/**
 * What the per-type integration files share: a test that gets a fresh raw connection to a flushed server,
 * and an assertion for an exact error reply.
 *
 * @module
 */

import assert from "node:assert/strict";
import { RawConn, RespError } from "./raw.ts";
import type { TestServer } from "./server.ts";

/** A `test(name, fn, opts)` whose `fn` gets a new connection after FLUSHALL; the connection is closed after. */
export function flushedTest(
  srv: TestServer,
): (name: string, fn: (c: RawConn) => Promise<void>, opts?: { ignore?: boolean }) => void {
  return (name, fn, opts = {}) => {
    Deno.test({
      name,
      sanitizeOps: false,
      sanitizeResources: false,
      ...opts,
      fn: async () => {
        const c = await RawConn.connect(srv.port);
        try {
          await c.call("FLUSHALL");
          await fn(c);
        } finally {
          c.close();
        }
      },
    });
  };
}

/** Asserts that `reply` is an error reply with exactly `message`. */
export function assertError(reply: unknown, message: string): void {
  assert.ok(reply instanceof RespError, `expected error '${message}', got ${String(reply)}`);
  assert.equal(reply.message, message);
}
