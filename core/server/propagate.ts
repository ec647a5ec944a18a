/**
 * Command propagation (Valkey's alsoPropagate / propagatePendingCommands in server.c): after a write
 * command ran, what goes to the AOF (and, later, to replicas).
 *
 * Model:
 *   - An *execution unit* is one top-level command, EXEC with its queued commands, a blocked command
 *     re-executed when served, or one cron step (active expiry). While a unit runs, every effect to
 *     propagate is appended to `pending` as (db, argv).
 *   - A command that changed the dataset (the server's dirty counter moved) propagates its own words, or
 *     what its handler chose with {@link CommandCall.propagateAs} (the deterministic rewrites: relative
 *     expiries → PEXPIREAT / SET PXAT, INCRBYFLOAT → SET, SPOP → SREM, BLPOP → LPOP...). A handler may add
 *     effects with {@link CommandCall.alsoPropagate} or suppress its own with
 *     {@link CommandCall.preventPropagation}.
 *   - Keys deleted by lazy expiry during a command are appended as DEL/UNLINK (`lazyfree-lazy-expire`)
 *     before the command's own entry, so replaying the stream reproduces the same dataset.
 *   - At the end of the unit the batch goes to every feed. A batch of more than one operation is wrapped
 *     in MULTI ... EXEC (unless the command touches arbitrary keys, like SCAN/RANDOMKEY), so a replica
 *     or AOF loader applies it atomically; EXEC with a single write propagates that write alone.
 *
 * Feeds receive (db, argv) in order and track the selected database themselves (they insert SELECT).
 * `MULTI`/`EXEC` markers are passed with db -1 ("do not select"), as Valkey does. When no feed is
 * attached (no AOF) nothing is recorded, so propagation costs one length check per command.
 *
 * @module
 */

import type { CommandCall } from "../commands/call.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Server } from "./server.ts";

const enc = new TextEncoder();
const MULTI = [enc.encode("MULTI")];
const EXEC = [enc.encode("EXEC")];
export const DEL_WORD: Uint8Array = enc.encode("DEL");
export const UNLINK_WORD: Uint8Array = enc.encode("UNLINK");

/** Receives one operation of a finished execution unit; db -1 for MULTI/EXEC (no SELECT wanted). */
export type PropagationFeed = (db: number, argv: readonly Uint8Array[]) => void;

interface Op {
  db: number;
  argv: Uint8Array[];
}

/** Marker for {@link CommandCall.preventPropagation}. */
export const PREVENT: readonly Uint8Array[] = Object.freeze([]) as readonly Uint8Array[];

export class Propagation {
  readonly server: Server;
  /** Where finished units go (the AOF; replication later). */
  readonly feeds: PropagationFeed[] = [];
  #pending: Op[] = [];
  /** Nesting of command executions (EXEC runs its queued commands inside its own execution). */
  #depth = 0;
  /**
   * Valkey's primary_repl_offset, which INFO's master_repl_offset and ROLE show and WAIT / WAITAOF wait
   * on: the bytes of the replication stream while there is a backlog ({@link stream}), else the commands
   * propagated (one per command fed while the AOF is on, MULTI and EXEC included; SELECT not), as
   * Valkey's counts without replicas. Restarts at 0 with the process, as Valkey's.
   */
  replOffset = 0;
  /** replOffset when the outermost command execution began (see leave: the client's write offset). */
  #offsetAtEnter = 0;
  /** True while commands are replayed from the AOF (modules' isFromPrimaryOrAof). */
  replaying = false;
  /**
   * False while a module's ctx.call runs a command without the `!` flag (Valkey's replication_allowed):
   * neither that command nor anything it propagates is recorded.
   */
  allowed = true;

  constructor(server: Server) {
    this.server = server;
  }

  /**
   * The replication stream (core/replication/primary.ts), while there is a backlog: it advances
   * {@link replOffset} by the bytes it encodes; without it the offset counts operations.
   */
  stream: PropagationFeed | null = null;

  /** True when something listens: only then are effects recorded. */
  get active(): boolean {
    return this.feeds.length > 0 || this.stream !== null;
  }

  /** Appends an effect to the current unit (or propagates it at once outside of any unit). */
  also(db: number, argv: Uint8Array[]): void {
    if (!this.active || !this.allowed) return;
    this.#pending.push({ db, argv });
    if (this.#depth === 0) this.flush();
  }

  /** A key deleted by expiry or eviction: DEL or UNLINK (Valkey's propagateDeletion). */
  deletion(db: number, key: Uint8Array, lazy: boolean): void {
    if (!this.active) return;
    this.also(db, [lazy ? UNLINK_WORD : DEL_WORD, key.slice()]);
  }

  /** The dispatcher entered a command execution. */
  enter(): void {
    if (this.#depth++ === 0) this.#offsetAtEnter = this.replOffset;
  }

  /**
   * The dispatcher finished a command execution: records the command's own propagation, and at the end
   * of the outermost one hands the unit to the feeds. `argv`/`db`/`name` are the command's as it started.
   */
  leave(call: CommandCall, argv: Uint8Array[], db: number, spec: CommandSpec, dirtyBefore: number): void {
    this.#depth--;
    const chosen = call.propArgv;
    call.propArgv = undefined;
    // EXEC is never propagated itself (its commands are); module commands propagate only what they ask
    // for (ctx.replicate / replicateVerbatim), as in Valkey's call(). Only a dirty counter that grew counts:
    // SAVE and DEBUG LOADAOF reset it to 0 and are not propagated (call() clamps a negative change to 0).
    if (
      this.active && this.allowed && spec.name !== "exec" && spec.module === undefined &&
      chosen !== PREVENT &&
      this.server.dirty > dirtyBefore
    ) {
      this.#pending.push({ db, argv: (chosen as Uint8Array[] | undefined) ?? argv });
    }
    if (this.#depth === 0) {
      if (this.#pending.length > 0) this.flush((spec.flags ?? []).includes("TOUCHES_ARBITRARY_KEYS"));
      // The client's write offset (Valkey's c->woff): where the stream stood after its last command that
      // propagated something, which WAIT / WAITAOF wait for.
      if (this.replOffset !== this.#offsetAtEnter) call.client.woff = this.replOffset;
    }
  }

  /** Hands the pending unit to the feeds (wrapped in MULTI/EXEC when it has several operations). */
  flush(noTransaction = false): void {
    const ops = this.#pending;
    if (ops.length === 0) return;
    this.#pending = [];
    if (!this.active) return;
    const tx = ops.length > 1 && !noTransaction;
    if (tx) this.#emit(-1, MULTI);
    for (const op of ops) this.#emit(op.db, op.argv);
    if (tx) this.#emit(-1, EXEC);
  }

  #emit(db: number, argv: readonly Uint8Array[]): void {
    if (this.stream !== null) this.stream(db, argv);
    else this.replOffset++;
    for (const f of this.feeds) f(db, argv);
  }
}

/** Encodes one command as a RESP array of bulk strings (the AOF's and the replication stream's format). */
export function encodeCommand(argv: readonly Uint8Array[]): Uint8Array {
  let head = `*${argv.length}\r\n`;
  let size = head.length;
  for (const a of argv) size += 1 + String(a.length).length + 2 + a.length + 2;
  const out = new Uint8Array(size);
  let o = 0;
  const ascii = (s: string) => {
    for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i);
  };
  ascii(head);
  for (const a of argv) {
    head = `$${a.length}\r\n`;
    ascii(head);
    out.set(a, o);
    o += a.length;
    out[o++] = 13;
    out[o++] = 10;
  }
  return out;
}

export const PEXPIREAT_WORD: Uint8Array = enc.encode("PEXPIREAT");
export const SET_WORD: Uint8Array = enc.encode("SET");
export const PXAT_WORD: Uint8Array = enc.encode("PXAT");
export const KEEPTTL_WORD: Uint8Array = enc.encode("KEEPTTL");
export const PERSIST_WORD: Uint8Array = enc.encode("PERSIST");
export const HSET_WORD: Uint8Array = enc.encode("HSET");
export const SREM_WORD: Uint8Array = enc.encode("SREM");
export const LPOP_WORD: Uint8Array = enc.encode("LPOP");
export const RPOP_WORD: Uint8Array = enc.encode("RPOP");
export const LMOVE_WORD: Uint8Array = enc.encode("LMOVE");
export const RPOPLPUSH_WORD: Uint8Array = enc.encode("RPOPLPUSH");
export const ZPOPMIN_WORD: Uint8Array = enc.encode("ZPOPMIN");
export const ZPOPMAX_WORD: Uint8Array = enc.encode("ZPOPMAX");

/** DEL or UNLINK, as the given `lazyfree-lazy-*` directive chooses for a deletion the server made. */
export function deletionWord(call: CommandCall, directive: string): Uint8Array {
  return call.server.config.getBool(directive) ? UNLINK_WORD : DEL_WORD;
}

/**
 * A growable byte buffer commands are appended to in RESP form without per-command allocations (the AOF
 * buffer, Valkey's aof_buf). Starts at 64 KiB, doubles as needed, and shrinks back once emptied after
 * growing past 1 MiB.
 */
export class CommandBuffer {
  static readonly INITIAL = 64 * 1024;
  buf: Uint8Array = new Uint8Array(CommandBuffer.INITIAL);
  len = 0;

  #ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  #int(n: number): void {
    const b = this.buf;
    if (n < 10) {
      b[this.len++] = 48 + n;
      return;
    }
    const start = this.len;
    while (n > 0) {
      b[this.len++] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    b.subarray(start, this.len).reverse();
  }

  /** Appends `*<argc>\r\n` and each word as `$<len>\r\n<bytes>\r\n`. */
  command(argv: readonly Uint8Array[]): void {
    let size = 16;
    for (const a of argv) size += a.length + 16;
    this.#ensure(size);
    const b = this.buf;
    b[this.len++] = 0x2a;
    this.#int(argv.length);
    b[this.len++] = 13;
    b[this.len++] = 10;
    for (const a of argv) {
      b[this.len++] = 0x24;
      this.#int(a.length);
      b[this.len++] = 13;
      b[this.len++] = 10;
      b.set(a, this.len);
      this.len += a.length;
      b[this.len++] = 13;
      b[this.len++] = 10;
    }
  }

  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** Drops the first `n` bytes (written). */
  consume(n: number): void {
    if (n >= this.len) {
      this.len = 0;
      if (this.buf.length > 1024 * 1024) this.buf = new Uint8Array(CommandBuffer.INITIAL);
      return;
    }
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }
}

/** Bytes of a decimal/ASCII word. */
export function word(s: string | number | bigint): Uint8Array {
  return enc.encode(String(s));
}
