/**
 * One connected client: its connection, request parser, reply writer and the per-client state Valkey keeps
 * (selected db, name, protocol, auth, reply mode, counters CLIENT LIST prints).
 *
 * @module
 */

import { QueryBufferModel } from "./query_buffer.ts";
import type { Connection } from "../net/types.ts";
import { type ParserLimits, RequestParser } from "../resp/parser.ts";
import { ReplyWriter } from "../resp/writer.ts";
import { CommandCall } from "../commands/call.ts";

/** The permissions of a client's user, as the dispatcher sees them (core/acl implements it). */
export interface UserAccess {
  /** Every command on every key and channel: no check is needed. */
  readonly unrestricted: boolean;
}

/** The access of a server without ACL users (every client may do everything). */
export const FULL_ACCESS: UserAccess = { unrestricted: true };

export class Client {
  readonly writer = new ReplyWriter();
  readonly parser: RequestParser;
  /** The reusable call object the dispatcher fills for each command. */
  readonly call = new CommandCall();
  db = 0;
  /** Valkey's query buffer sizes, for CLIENT LIST and tot-mem (query_buffer.ts). */
  readonly qb = new QueryBufferModel();
  /** Its memory as core/eviction last sampled it into the clients' total (taken out when it closes). */
  memSample = 0;
  /** The replication offset after this client's last propagated write (WAIT, WAITAOF; propagate.ts). */
  woff = 0;
  name = "";
  libName = "";
  libVer = "";
  user = "default";
  /**
   * What the client's user may do (core/acl). The dispatcher checks permissions only when it is not
   * `unrestricted`, so a user with every permission costs one property read per command.
   */
  access: UserAccess = FULL_ACCESS;
  authenticated: boolean;
  /**
   * Authenticated at some point (Valkey's ever_authenticated): a client that never was, on a server that
   * asks for a password, gets a tiny output allowance (server.ts #overOutputLimit).
   */
  everAuthenticated: boolean;
  resp: 2 | 3 = 2;
  /** CLIENT REPLY OFF: replies are dropped. */
  replyOff = false;
  /** CLIENT REPLY SKIP was just executed: the next command's reply is dropped. */
  skipNext = false;
  /** The reply of the command being executed is dropped (the one after CLIENT REPLY SKIP). */
  skipThis = false;
  /** Waiting in a blocking command: no more input is processed until it is served or times out. */
  blocked = false;
  noEvict = false;
  noTouch = false;
  readonly createdAt: number;
  lastInteraction: number;
  /** When the cron last reset the reply buffer's peak (core/server/reply_buffer.ts; 0: never looked). */
  replyPeakResetAt = 0;
  lastCommand = "NULL";
  totalCommands = 0;
  netIn = 0;
  netOut = 0;
  /** Set when the client must be closed after its pending replies are written (QUIT, errors, KILL). */
  closeAfterReply = false;
  /** Set once the connection is gone or being torn down; no more input is processed. */
  closed = false;
  /** Waiting in the server's list of clients whose replies are written at the end of the turn. */
  flushQueued = false;
  /** Reading paused because the output queue is too large (backpressure). */
  readPaused = false;
  /** First time the output exceeded the soft limit (unix seconds), for client-output-buffer-limit. */
  softLimitSince = 0;
  /**
   * A module's temporary client (core/module_api/call.ts): its error replies are collected here instead
   * of counted, and counted when the module forwards the reply (Valkey's deferred_reply_errors).
   */
  deferredErrors: string[] | undefined = undefined;
  /**
   * Output waiting outside the reply writer, counted with it by the output-buffer limits and CLIENT
   * LIST's omem: a replica's stream (core/replication/primary.ts).
   */
  heldBytes = 0;
  /**
   * The replica's link to its primary (core/replication/replica.ts): its commands are applied without
   * replies, and `primaryCommandDone` follows each one (the replication offset moves).
   */
  fromPrimary = false;
  primaryCommandDone: ((argv: Uint8Array[]) => void) | undefined = undefined;
  /** Client flags CLIENT LIST prints that other subsystems set (e.g. 'b' blocked, 'x' multi). */
  readonly flags = new Set<string>();

  constructor(
    readonly id: number,
    readonly conn: Connection,
    maxBulkLen: number,
    requireAuth: boolean,
    now: number,
  ) {
    // A connection may bring its own parser (an I/O Worker's: it takes requests the Worker parsed).
    const custom = (conn as { newParser?: (limits: ParserLimits) => RequestParser }).newParser;
    this.parser = custom !== undefined
      ? custom.call(conn, { maxBulkLen })
      : new RequestParser({ maxBulkLen });
    this.authenticated = !requireAuth;
    this.everAuthenticated = this.authenticated;
    this.parser.authenticated = this.authenticated;
    this.createdAt = now;
    this.lastInteraction = now;
  }

  /** `ip:port` (or the unix socket path), as Valkey prints `addr`. */
  get addr(): string {
    const c = this.conn;
    if (c.unix) return `${c.remoteAddress}:0`;
    return c.remoteAddress.includes(":")
      ? `${c.remoteAddress}:${c.remotePort}`
      : `${c.remoteAddress}:${c.remotePort}`;
  }

  get laddr(): string {
    const c = this.conn;
    if (c.unix) return `${c.localAddress}:0`;
    return c.localAddress.includes(":")
      ? `[${c.localAddress}]:${c.localPort}`
      : `${c.localAddress}:${c.localPort}`;
  }

  /** Bytes waiting to be sent: the writer's pending bytes, what is held elsewhere, what the socket has queued. */
  get outputBytes(): number {
    return this.writer.length + this.heldBytes + this.conn.pendingBytes;
  }

  setAuthenticated(v: boolean): void {
    this.authenticated = v;
    if (v) this.everAuthenticated = true;
    this.parser.authenticated = v;
  }
}
