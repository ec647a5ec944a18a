/**
 * The main thread's parser of a client whose socket an I/O Worker owns: a RequestParser that also takes
 * requests the Worker already parsed (UP_REQS frames, see worker_parse.ts for the layout) and hands them
 * out from next() without scanning their bytes again, with the command the Worker looked up as a hint for
 * the dispatcher (CommandTable.hint).
 *
 * Everything that depends on the client's state is decided here, when next() reaches a request, exactly
 * where the io-threads-1 parser decides it:
 *
 * - A frame is used only when this parser holds no bytes (it is at a request boundary) and the read fits
 *   the buffer as it is (so CLIENT LIST's qbuf, qbuf-free and the client's memory are what feeding the
 *   read would give). Otherwise the read is fed as plain bytes (`feed`), as with io-threads 1.
 * - Before AUTH (`authenticated` false, with its stricter limits), for the link from our primary, or when
 *   a bulk is longer than proto-max-bulk-len, a parsed request's bytes are fed to this parser instead and
 *   parsed here, so limits and errors are checked against the state of that moment (AUTH earlier in the
 *   same pipeline lifts the limits for the requests after it, as with io-threads 1).
 * - Requests the client does not reach in this round (it blocked, was paused, is closing: the server's
 *   loop stops calling next()) are fed as bytes when the round ends (`settle`), so nothing depends on the
 *   frame's bytes after the ring reuses them. `bufferedBytes` counts them meanwhile (qbuf, the query
 *   buffer limit).
 * - Each request sets `lastRequestBytes` / `lastWasInline` from the wire sizes the Worker measured with
 *   this same parser's rules (COMMANDLOG large-request, commandstats of inline requests).
 *
 * Arguments handed out are views into the ring (valid during the round, like the views of RequestParser,
 * which the next feed() invalidates): anything kept beyond a command is copied by its owner already
 * (MULTI's queue, blocked clients, the keyspace).
 *
 * @module
 */

import { type ParserLimits, RequestParser } from "../resp/parser.ts";
import type { CommandTable, ResolvedCommand } from "../commands/registry.ts";
import { type CommandTableCopy, ENTRY_RAW, REQS_HEADER } from "./worker_parse.ts";

/** RequestParser's RELEASE_THRESHOLD: above it a drained buffer is replaced on the next feed. */
const RELEASE_THRESHOLD = 1024 * 1024;

/** The command table as of the version the Workers were sent (io_threads.ts). */
export interface TableSnapshot {
  version: number;
  resolved: ResolvedCommand[];
}

/**
 * The Workers' copy of the command table (names, indexes, arities) and the main thread's index → command
 * for the same version.
 */
export function copyTable(table: CommandTable): { snapshot: TableSnapshot; copy: CommandTableCopy } {
  const resolved: ResolvedCommand[] = [];
  const commands: CommandTableCopy["commands"] = [];
  for (const [name, spec] of table.named()) {
    const r = table.resolvedOf(spec);
    if (r === undefined) continue;
    const index = resolved.length;
    resolved.push(r);
    let subs: [string, number, number][] | null = null;
    if (spec.subcommands !== undefined) {
      subs = [];
      for (const sub of spec.subcommands) {
        const sr = table.resolvedOf(sub);
        if (sr === undefined) continue;
        subs.push([sub.name.toLowerCase(), resolved.length, sub.arity]);
        resolved.push(sr);
      }
    }
    commands.push([name, index, spec.arity, subs]);
  }
  return { snapshot: { version: table.version, resolved }, copy: { version: table.version, commands } };
}

export class BatchParser extends RequestParser {
  /** The read of the frame being served, or null. */
  #raw: Uint8Array | null = null;
  #words: Int32Array | null = null;
  /** Word index of the next entry. */
  #at = 0;
  #left = 0;
  /** Bytes of #raw consumed (the start of the next entry). */
  #pos = 0;
  #version = -1;
  /** Index → command of the frame's table version, or null (no hints: an old or no version). */
  #resolved: ResolvedCommand[] | null = null;
  /** This parser's own buffer was fed during the frame (a request parsed here). */
  #fedBase = false;
  /** A frame announced by arm() for the next feed(). */
  #armedRaw: Uint8Array | null = null;
  #armedWords: Int32Array | null = null;
  #armedAt = 0;

  constructor(
    limits: ParserLimits,
    readonly table: CommandTable,
    readonly snapshot: () => TableSnapshot | null,
  ) {
    super(limits);
  }

  /** The next feed(raw) is this frame's read (`at`: word index of the frame in `words`). */
  arm(raw: Uint8Array, words: Int32Array, at: number): void {
    this.#armedRaw = raw;
    this.#armedWords = words;
    this.#armedAt = at;
  }

  override feed(chunk: Uint8Array): void {
    const armed = this.#armedRaw;
    if (armed !== null) {
      this.#armedRaw = null;
      if (
        armed === chunk && this.#raw === null && super.bufferedBytes === 0 &&
        this.bufferCapacity <= RELEASE_THRESHOLD && chunk.length <= this.bufferCapacity
      ) {
        const w = this.#armedWords!;
        const at = this.#armedAt;
        this.#raw = chunk;
        this.#words = w;
        const version = w[at + 1]!;
        const snap = this.snapshot();
        this.#version = version;
        this.#resolved = snap !== null && snap.version === version ? snap.resolved : null;
        this.#left = w[at + 2]!;
        this.#at = at + REQS_HEADER;
        this.#pos = 0;
        this.#fedBase = false;
        return;
      }
    }
    if (this.#raw !== null) this.settle();
    super.feed(chunk);
  }

  /** The end of a round: what the client did not reach becomes buffered bytes. */
  settle(): void {
    this.#armedRaw = null;
    const raw = this.#raw;
    if (raw === null) return;
    this.#raw = null;
    this.#words = null;
    this.#resolved = null;
    if (this.#pos < raw.length) super.feed(raw.subarray(this.#pos));
  }

  override get bufferedBytes(): number {
    const raw = this.#raw;
    return super.bufferedBytes + (raw === null ? 0 : raw.length - this.#pos);
  }

  /** As RequestParser's, with the rest of the read this round has not reached yet (qbuf). */
  override get unconsumed(): Uint8Array {
    const own = super.unconsumed;
    const raw = this.#raw;
    if (raw === null || this.#pos >= raw.length) return own;
    const rest = raw.subarray(this.#pos);
    if (own.length === 0) return rest;
    const both = new Uint8Array(own.length + rest.length);
    both.set(own);
    both.set(rest, own.length);
    return both;
  }

  override get unconsumedBytes(): number {
    const raw = this.#raw;
    return super.unconsumedBytes + (raw === null || this.#pos >= raw.length ? 0 : raw.length - this.#pos);
  }

  override reset(): void {
    this.#raw = null;
    this.#words = null;
    this.#armedRaw = null;
    super.reset();
  }

  override next(): Uint8Array[] | null {
    const raw = this.#raw;
    if (raw === null) return super.next();
    const w = this.#words!;
    while (this.#left > 0) {
      const at = this.#at;
      const end = w[at]!;
      const argc = w[at + 1]!;
      if (
        argc === ENTRY_RAW || this.primary || !this.authenticated ||
        (this.#fedBase && super.bufferedBytes > 0)
      ) {
        // Parsed here, with this moment's limits (or after bytes a previous request left behind).
        this.#at = at + (argc === ENTRY_RAW ? 2 : 4 + 2 * argc);
        this.#left--;
        const start = this.#pos;
        this.#pos = end;
        this.#fedBase = true;
        super.feed(raw.subarray(start, end));
        const r = super.next();
        if (r !== null) return r;
        continue;
      }
      const max = this.limits.maxBulkLen;
      let k = at + 4;
      const argv = new Array<Uint8Array>(argc);
      // Views made with the constructor rather than subarray() (see RequestParser: V8's subarray looks up
      // the species constructor).
      const ab = raw.buffer;
      const base = raw.byteOffset;
      for (let i = 0; i < argc; i++, k += 2) {
        const off = w[k]!;
        const len = w[k + 1]!;
        if (len > max) {
          // Refused by this client's proto-max-bulk-len: the parser builds the error.
          return this.#rest();
        }
        argv[i] = new Uint8Array(ab, base + off, len);
      }
      this.#at = k;
      this.#left--;
      this.#pos = end;
      const wire = w[at + 2]!;
      if (wire < 0) {
        this.lastRequestBytes = ~wire;
        this.lastWasInline = true;
      } else {
        this.lastRequestBytes = wire;
        this.lastWasInline = false;
      }
      const cmd = w[at + 3]!;
      const resolved = this.#resolved;
      // The table may have changed since (MODULE LOAD earlier in this very pipeline): no hint then.
      if (cmd >= 0 && resolved !== null && this.table.version === this.#version) {
        const r = resolved[cmd];
        if (r !== undefined) this.table.hint(argv, r);
      }
      return argv;
    }
    // Every request of the read was served: the rest (an unfinished request, skipped bytes) is bytes.
    return this.#rest();
  }

  /** Feeds the rest of the read as bytes and parses on from there. */
  #rest(): Uint8Array[] | null {
    this.settle();
    return super.next();
  }
}
