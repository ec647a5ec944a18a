/**
 * What the integration files of blocking commands (lists, streams) share: a test whose body may open more
 * connections (all closed after it, then the server is given time to drop their blocked clients), a wait
 * for INFO's `blocked_clients` to reach a count, and sending a request without waiting for its reply.
 *
 * @module
 */

import { RawConn } from "./raw.ts";
import type { TestServer } from "./server.ts";

export interface BlockingSuite {
  /** A new connection, closed after the current test. */
  conn(): Promise<RawConn>;
  /** A `test(name, fn, opts)` whose `fn` gets a new connection after FLUSHALL (and `before`). */
  test(name: string, fn: (c: RawConn) => Promise<void>, opts?: { ignore?: boolean }): void;
  /** Waits until INFO reports `n` blocked clients (asking on `c`, or on a new connection if `c` is closed). */
  waitBlocked(c: RawConn, n: number): Promise<void>;
}

export function blockingSuite(
  srv: TestServer,
  opts: { before?: (c: RawConn) => Promise<unknown>; attempts?: number } = {},
): BlockingSuite {
  const conns: RawConn[] = [];
  const attempts = opts.attempts ?? 300;

  async function conn(): Promise<RawConn> {
    const c = await RawConn.connect(srv.port);
    conns.push(c);
    return c;
  }

  async function waitBlocked(c: RawConn, n: number): Promise<void> {
    const probe = c.isClosed ? await RawConn.connect(srv.port) : c;
    try {
      for (let i = 0; i < attempts; i++) {
        const m = /blocked_clients:(\d+)/.exec(String(await probe.call("INFO", "clients")));
        if (m !== null && Number(m[1]) === n) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`blocked_clients never reached ${n}`);
    } finally {
      if (probe !== c) probe.close();
    }
  }

  function test(name: string, fn: (c: RawConn) => Promise<void>, testOpts: { ignore?: boolean } = {}): void {
    Deno.test({
      name,
      sanitizeOps: false,
      sanitizeResources: false,
      ...testOpts,
      fn: async () => {
        const c = await conn();
        try {
          await c.call("FLUSHALL");
          await opts.before?.(c);
          await fn(c);
        } finally {
          for (const x of conns.splice(0)) x.close();
          // Let the server notice closed connections before the next test counts blocked clients.
          await waitBlocked(c, 0).catch(() => {});
        }
      },
    });
  }

  return { conn, test, waitBlocked };
}

/** Sends a request without waiting for its reply. */
export function send(c: RawConn, ...args: string[]): void {
  c.send(
    `*${args.length}\r\n` + args.map((a) => `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`).join(""),
  );
}
