/**
 * What the per-type integration files share: a test that gets a fresh raw connection to a flushed server,
 * and an assertion for an exact error reply.
 *
 * @module
 */

import assert from "node:assert/strict";
import { RawConn, RespError } from "./raw.ts";
import type { TestServer } from "./server.ts";

/** `test(name, fn, opts)`: a Deno test whose `fn` gets a new raw connection, closed after. */
export type ConnTest = (name: string, fn: (c: RawConn) => Promise<void>, opts?: { ignore?: boolean }) => void;

/**
 * A `test(name, fn, opts)` whose `fn` gets a new connection: `before` runs on it first, `after` once `fn`
 * is done (also when it failed), then the connection is closed. `defaults` are the options of a test that
 * passes none.
 */
export function connTest(
  srv: TestServer,
  hooks: {
    before?: (c: RawConn) => Promise<unknown>;
    after?: (c: RawConn) => Promise<unknown>;
    defaults?: { ignore?: boolean };
  } = {},
): ConnTest {
  return (name, fn, opts = hooks.defaults ?? {}) => {
    Deno.test({
      name,
      sanitizeOps: false,
      sanitizeResources: false,
      ...opts,
      fn: async () => {
        const c = await RawConn.connect(srv.port);
        try {
          await hooks.before?.(c);
          await fn(c);
        } finally {
          try {
            await hooks.after?.(c);
          } finally {
            c.close();
          }
        }
      },
    });
  };
}

/** A `test(name, fn, opts)` whose `fn` gets a new connection after FLUSHALL; the connection is closed after. */
export function flushedTest(srv: TestServer): ConnTest {
  return connTest(srv, { before: (c) => c.call("FLUSHALL") });
}

/** Asserts that `reply` is an error reply with exactly `message`. */
export function assertError(reply: unknown, message: string): void {
  assert.ok(reply instanceof RespError, `expected error '${message}', got ${String(reply)}`);
  assert.equal(reply.message, message);
}
