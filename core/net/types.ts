/**
 * The runtime-neutral socket interface. `deno.ts` and `bun.ts` implement it with each runtime's fastest
 * socket API (measured: `node:net` on Deno, `Bun.listen` on Bun); `mod.ts` picks one at start.
 *
 * Ownership: `data(chunk)` hands the core a chunk that is valid only during the call (the core copies what
 * it keeps); `write(bytes)` takes ownership of `bytes` (the core's reply writer hands over arrays it never
 * touches again), so an adapter may queue them without copying. `pendingBytes` is what was accepted but not yet handed to the kernel: the core's output-buffer
 * accounting and backpressure read it.
 *
 * @module
 */

import type { TlsAccept } from "./tls.ts";

export interface Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Unix-socket connections report their path in remoteAddress and port 0. */
  readonly unix: boolean;
  /** The file descriptor where the runtime exposes it, else -1. */
  readonly fd: number;
  /** Queues bytes for sending; takes ownership of `bytes`. */
  write(bytes: Uint8Array): void;
  /**
   * Like write, for bytes valid only during the call (the connection copies what it keeps). Where it
   * exists the server hands over a view of its reply buffer instead of a copy: on Deno a small
   * Uint8Array allocation costs ~0.35 µs, as much as a GET's execution.
   */
  writeBorrowed?(bytes: Uint8Array): void;
  /**
   * True when write() only appends to a batch that is sent later anyway (an I/O Worker's ring): the server
   * then writes each client's replies at once instead of gathering them to the end of the event-loop turn.
   */
  readonly writesBatched?: boolean;
  /** Bytes queued in user space and not yet accepted by the kernel. */
  readonly pendingBytes: number;
  pauseReading(): void;
  resumeReading(): void;
  /** Sends what is queued, then closes. */
  close(): void;
  /** Closes at once, dropping what is queued. */
  destroy(): void;
}

/** A connection the server opened itself; `attach` (again: replace) sets who receives its events. */
export interface OutboundConnection extends Connection {
  attach(handler: ConnectionHandler): void;
}

export interface ConnectionHandler {
  data(chunk: Uint8Array): void;
  /** Everything queued has been handed to the kernel. */
  drain(): void;
  /** The connection is gone (either side closed it, or an error). Called once. */
  closed(): void;
}

export interface ListenOptions {
  host?: string;
  port?: number;
  /** A unix socket path instead of host/port. */
  path?: string;
  backlog?: number;
  /** TCP keepalive interval in seconds (0 = off). */
  keepAlive?: number;
  /** SO_REUSEPORT: several listeners (the I/O Workers) share the address; the kernel spreads connections. */
  reusePort?: boolean;
  /** A TLS listener (`tls-port`): how each accepted connection is wrapped, read at its accept (tls.ts). */
  tls?: () => TlsAccept;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting; resolves once the address is free. Open connections are left alone. */
  close(): Promise<void>;
}

export type Accept = (conn: Connection) => ConnectionHandler;

export interface NetAdapter {
  readonly runtime: "deno" | "bun" | "node";
  listen(options: ListenOptions, accept: Accept): Promise<Listener>;
}
