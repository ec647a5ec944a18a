/**
 * Stand-ins for a server and its clients, for the unit tests of this family: just the fields the
 * connection commands read, with a reply writer that records what is written. Not used by the server.
 *
 * @module
 */

import { QueryBufferModel } from "../../server/query_buffer.ts";
import { Propagation } from "../../server/propagate.ts";
import { type Client, FULL_ACCESS } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { CommandCall } from "../call.ts";
import { CommandTable } from "../registry.ts";
import type { CommandSpec } from "../spec.ts";
import { Stats } from "../../server/stats.ts";

/** A reply writer that keeps every reply as text ("+OK", "-ERR x", ":1", "$abc"). */
export class RecordingWriter {
  proto: 2 | 3 = 2;
  /** Reply buffer size and peak of a new client (ReplyWriter's). */
  size = 16384;
  capacity = 16384;
  peak = 16384;
  replies: string[] = [];
  get length(): number {
    return this.replies.length;
  }
  truncate(len: number): void {
    this.replies.length = len;
  }
  ok(): void {
    this.replies.push("+OK");
  }
  simple(s: string): void {
    this.replies.push(`+${s}`);
  }
  error(msg: string): void {
    this.replies.push(`-${msg}`);
  }
  int(n: number | bigint): void {
    this.replies.push(`:${n}`);
  }
  bulkStr(s: string): void {
    this.replies.push(`$${s}`);
  }
  bulk(b: Uint8Array): void {
    this.replies.push(`$${new TextDecoder().decode(b)}`);
  }
  nullBulk(): void {
    this.replies.push(this.proto === 3 ? "_" : "$-1");
  }
  arrayHeader(n: number): void {
    this.replies.push(`*${n}`);
  }
  mapHeader(pairs: number): void {
    this.replies.push(this.proto === 3 ? `%${pairs}` : `*${pairs * 2}`);
  }
  verbatim(s: string, format: string): void {
    this.replies.push(this.proto === 3 ? `=${format}:${s}` : `$${s}`);
  }
}

export interface FakeClient {
  id: number;
  addr: string;
  laddr: string;
  conn: { fd: number; unix: boolean; pendingBytes: number };
  parser: { bufferedBytes: number; unconsumedBytes: number };
  qb: QueryBufferModel;
  writer: RecordingWriter;
  call: CommandCall;
  name: string;
  libName: string;
  libVer: string;
  user: string;
  access: { unrestricted: boolean };
  db: number;
  resp: 2 | 3;
  authenticated: boolean;
  flags: Set<string>;
  createdAt: number;
  lastInteraction: number;
  lastCommand: string;
  totalCommands: number;
  netIn: number;
  netOut: number;
  outputBytes: number;
  closeAfterReply: boolean;
  closed: boolean;
  blocked: boolean;
  readPaused: boolean;
  replyOff: boolean;
  skipNext: boolean;
  skipThis: boolean;
  noEvict: boolean;
  noTouch: boolean;
  setAuthenticated(v: boolean): void;
}

/** A client with the state of a fresh TCP connection; `fields` override it. */
export function fakeClient(fields: Partial<FakeClient> = {}): Client {
  const c: FakeClient = {
    id: 1,
    addr: "127.0.0.1:50000",
    laddr: "127.0.0.1:6379",
    conn: { fd: 9, unix: false, pendingBytes: 0 },
    parser: { bufferedBytes: 0, unconsumedBytes: 0 },
    qb: new QueryBufferModel(),
    writer: new RecordingWriter(),
    call: new CommandCall(),
    name: "",
    libName: "",
    libVer: "",
    user: "default",
    access: FULL_ACCESS,
    db: 0,
    resp: 2,
    authenticated: true,
    flags: new Set(),
    createdAt: 1_700_000_000_000,
    lastInteraction: 1_700_000_000_000,
    lastCommand: "NULL",
    totalCommands: 0,
    netIn: 0,
    netOut: 0,
    outputBytes: 0,
    closeAfterReply: false,
    closed: false,
    blocked: false,
    readPaused: false,
    replyOff: false,
    skipNext: false,
    skipThis: false,
    noEvict: false,
    noTouch: false,
    setAuthenticated(v: boolean) {
      this.authenticated = v;
    },
    ...fields,
  };
  return c as unknown as Client;
}

export function writerOf(c: Client): RecordingWriter {
  return c.writer as unknown as RecordingWriter;
}

export interface FakeServer {
  config: { has(name: string): boolean; getStr(name: string): string; getBool(name: string): boolean };
  commands: CommandTable;
  stats: Stats;
  clock: { current: number; now(): number; fromPerf(perfNow: number): number };
  clients: Map<number, Client>;
  listeners: unknown[];
  gates: ((call: CommandCall) => boolean)[];
  rejectFilters: ((client: Client, spec: unknown, err: string) => string)[];
  clientClosedHooks: ((c: Client) => void)[];
  cronHooks: ((now: number) => void)[];
  /** Clients whose input processing was resumed, in order. */
  processed: Client[];
  flushed: Client[];
  processInput(c: Client): void;
  flush(c: Client): void;
  closeClient(c: Client, now: boolean): void;
  afterCommand(): void;
  protectedCommandError(): null;
  logger: { warning(msg: string): void };
  expiry: { deferred: boolean; deferredWrites: boolean; visible: boolean; importMode: boolean };
  /** What the pause subsystem last reported holding (expiry, eviction). */
  pauseHolds: [boolean, boolean];
  setPauseHolds(expire: boolean, evict: boolean): void;
}

/**
 * A server with a real command table holding `specs`, `requirepass` set to `password`, and the other
 * directives in `config` (any other directive reads as undeclared).
 */
export function fakeServer(
  specs: CommandSpec[] = [],
  password = "",
  config: Record<string, string | boolean> = {},
): Server {
  const commands = new CommandTable();
  for (const s of specs) commands.register(s);
  let now = 1_700_000_000_000;
  const s: FakeServer = {
    config: {
      has: (name) => name === "requirepass" || name in config,
      getStr: (name) => (name === "requirepass" ? password : String(config[name] ?? "")),
      getBool: (name) => config[name] === true,
    },
    commands,
    stats: new Stats(),
    clock: {
      get current() {
        return now;
      },
      set current(v: number) {
        now = v;
      },
      now: () => now,
      // The fake clock stands still whatever the monotonic reading says.
      fromPerf: () => now,
    },
    clients: new Map(),
    listeners: [{}],
    gates: [],
    rejectFilters: [],
    clientClosedHooks: [],
    cronHooks: [],
    processed: [],
    flushed: [],
    processInput(c) {
      this.processed.push(c);
    },
    flush(c) {
      this.flushed.push(c);
    },
    closeClient(c) {
      c.closed = true;
      this.clients.delete(c.id);
      for (const fn of this.clientClosedHooks) fn(c);
    },
    afterCommand() {},
    protectedCommandError: () => null,
    expiry: { deferred: false, deferredWrites: false, visible: false, importMode: false },
    pauseHolds: [false, false],
    setPauseHolds(expire, evict) {
      this.pauseHolds = [expire, evict];
    },
    logger: {
      warning(msg) {
        throw new Error(`unexpected warning: ${msg}`);
      },
    },
  };
  const server = s as unknown as Server & { propagation: Propagation; oomCheck: null; dirty: number };
  server.propagation = new Propagation(server);
  server.oomCheck = null;
  server.dirty = 0;
  server.defaultUser = { access: FULL_ACCESS, open: () => password === "", nopass: () => password === "" };
  server.permissionCheck = null;
  return server;
}

/** Prepares a call of `argv` by `client` at `now`, the way the dispatcher does before the gates. */
export function callOf(server: Server, client: Client, argv: string[], now: number): CommandCall {
  const enc = new TextEncoder();
  const words = argv.map((a) => enc.encode(a));
  const resolved = server.commands.resolve(words);
  if ("error" in resolved) throw new Error(resolved.error);
  return client.call.begin(server, client, words, resolved.spec, resolved.fullName, now);
}
