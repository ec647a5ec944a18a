/**
 * Frame types of the rings between the main thread and the I/O Workers, and the control messages that go
 * by postMessage (see io_threads.ts for why each exists).
 *
 * @module
 */

import type { CommandTableCopy } from "./worker_parse.ts";

// Worker -> main ("up" ring). `conn` is the Worker's slot number of the connection.
/** A connection was accepted; payload: JSON [listener id, remoteAddress, remotePort,
 * localAddress, localPort, unix, fd]. */
export const UP_OPEN = 1;
/** Bytes the client sent (one socket read, split at the ring's frame limit). */
export const UP_DATA = 2;
/** The main thread asked for it (PAUSE) and every byte it wrote so far is in the kernel. */
export const UP_DRAIN = 3;
/** The socket is gone. The main thread answers with DOWN_RELEASE; the slot is not reused before. */
export const UP_CLOSED = 4;
/** Bytes the client sent (one socket read) with the requests the Worker parsed in them (worker_parse.ts). */
export const UP_REQS = 5;

// Main -> Worker ("down" ring).
/** Reply bytes for the connection. */
export const DOWN_WRITE = 10;
/** Send what is queued, then close. */
export const DOWN_CLOSE = 11;
/** Close at once. */
export const DOWN_DESTROY = 12;
/** Stop reading, and send UP_DRAIN whenever the socket's queue empties until DOWN_RESUME. */
export const DOWN_PAUSE = 13;
export const DOWN_RESUME = 14;
/** The main thread has forgotten the slot (after UP_CLOSED). */
export const DOWN_RELEASE = 15;

/** Connections one Worker can hold at once (the size of its shared "flushed bytes" counter array). */
export const MAX_SLOTS = 65536;
/** Bytes of each ring's data area. */
export const RING_BYTES = 1024 * 1024;

/** postMessage from the main thread to a Worker. */
export type ToWorker =
  | {
    op: "init";
    index: number;
    up: { ctl: SharedArrayBuffer; data: SharedArrayBuffer };
    down: { ctl: SharedArrayBuffer; data: SharedArrayBuffer };
    flushed: SharedArrayBuffer;
    /** The main thread's doorbell, shared by the up rings of all Workers. */
    upBell: SharedArrayBuffer;
    /** This Worker's doorbell for its down ring. */
    downBell: SharedArrayBuffer;
    /** Parse requests in the Worker (UP_REQS); false: forward bytes only (UP_DATA). */
    parse: boolean;
    /** Microseconds the Worker keeps looking for frames before it sleeps (see ring.ts Doorbell). */
    spinUs: number;
    /** Drive the sockets through libc's epoll (core/net/epoll.ts) instead of the runtime's. */
    epoll: boolean;
  }
  /** The command table (again after MODULE LOAD/UNLOAD changed it). */
  | { op: "commands"; table: CommandTableCopy }
  | { op: "listen"; id: number; host: string; port: number; backlog: number; keepAlive: number }
  | { op: "unlisten"; id: number }
  | { op: "stop" };

/** postMessage from a Worker to the main thread. */
export type FromWorker =
  /** `wakeFd`: the eventfd that wakes the Worker's epoll loop (-1: it waits with Atomics). */
  | { op: "ready"; wakeFd: number }
  | { op: "listening"; id: number; port: number }
  | { op: "listen-error"; id: number; message: string }
  | { op: "unlistened"; id: number }
  | { op: "stopped" };
