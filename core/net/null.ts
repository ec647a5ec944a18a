/**
 * A connection that goes nowhere, for clients that run commands without a socket: the fake client AOF
 * loading runs commands as, and in-process benchmarks and unit tests driving the dispatcher.
 *
 * @module
 */

import type { Connection } from "./types.ts";

/** A connection whose writes are dropped and whose controls do nothing; `fields` override any member. */
export function nullConnection(fields: Partial<Connection> = {}): Connection {
  return {
    remoteAddress: "",
    remotePort: 0,
    localAddress: "",
    localPort: 0,
    unix: true,
    fd: -1,
    write() {},
    pendingBytes: 0,
    pauseReading() {},
    resumeReading() {},
    close() {},
    destroy() {},
    ...fields,
  };
}
