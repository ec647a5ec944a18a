/**
 * Request parsing in an I/O Worker (io-threads > 1): the Worker splits what a client sends into requests,
 * parses each into argument frames (offsets and lengths into the bytes that cross, not objects), and looks
 * the command up in a read-only copy of the command table (name → index, arity, `CONTAINER|SUB`). The main
 * thread executes from those frames without parsing again (batch_parser.ts). See io_threads.ts for why.
 *
 * Every byte a client sends still crosses, in order: a read becomes one UP_REQS frame
 *
 *     Int32 words  [0] raw length  [1] table version (-1: none yet)  [2] entry count  [3] suffix start
 *                  [4] words before the read
 *                  then one entry per request, in order:
 *                  parsed:  [end] [argc] [wire bytes, or ~wire bytes when inline] [command index or -1]
 *                           then argc × [offset] [length]
 *                  or bytes: [end] [-1]          ("parse these bytes yourself")
 *     bytes        the read itself (`raw`), from word [4] on
 *
 * Entry k covers raw[end of entry k-1 .. end) (entry 0 starts at 0), so empty requests that Valkey skips
 * ("*0\r\n", blank lines) belong to the request after them; raw[suffix start ..) holds the start of a
 * request that is not complete yet, or skipped bytes, which the main thread feeds to its own parser.
 *
 * The Worker parses with the loosest limits (no proto-max-bulk-len, authenticated): every request that
 * the main thread's parser would refuse for a reason that depends on the client's state (the stricter
 * limits before AUTH, proto-max-bulk-len) is one the Worker accepts, and the main thread checks those
 * limits itself, from the frame, when it executes (batch_parser.ts). A structural protocol error is the
 * same for both: from the first one on, the Worker stops parsing that client and only forwards bytes
 * (UP_DATA), and the main thread's parser finds the same error at the same byte.
 *
 * An entry is "parse these bytes yourself" (-1) when the Worker cannot give offsets into this read: the
 * request began in an earlier read, or it is an inline request with quoted arguments (unescaped copies).
 * A read with no fast entry goes up as plain UP_DATA. A client that keeps more than SHADOW_LIMIT bytes of
 * one unfinished request (a big value) is forwarded raw from then on: the Worker does not hold a second
 * copy of big requests.
 *
 * The Worker's parser is a RequestParser (the main thread's code, so both agree on every boundary and on
 * every inline quirk); it is fed each read, and a read fed into an empty parser sits at offset 0 of its
 * buffer, so an argument view's byteOffset is its offset in the read. Offsets are checked to lie in their
 * request before they are trusted.
 *
 * @module
 */

import { RequestParser } from "../resp/parser.ts";
import { wordHash, wordIs } from "../util/words.ts";

/** A command as a Worker knows it (frames.ts: CommandTableCopy). */
export interface WorkerCommand {
  /** The lower-case name's bytes. */
  word: Uint8Array;
  index: number;
  arity: number;
  /** Subcommands, or null when the command has none. */
  subs: WordMap | null;
}

/** What the main thread posts: the command table at one version (see io_threads.ts). */
export interface CommandTableCopy {
  version: number;
  /** [lower-case name, index, arity, subcommands as [lower-case name, index, arity][] or null] */
  commands: [string, number, number, [string, number, number][] | null][];
}

const encoder = new TextEncoder();

/** Commands by the hash of their lower-case name's bytes: a lookup builds no string. */
class WordMap {
  readonly #byHash = new Map<number, WorkerCommand[]>();

  add(c: WorkerCommand): void {
    const h = wordHash(c.word);
    const bucket = this.#byHash.get(h);
    if (bucket === undefined) this.#byHash.set(h, [c]);
    else bucket.push(c);
  }

  get(word: Uint8Array): WorkerCommand | undefined {
    const bucket = this.#byHash.get(wordHash(word));
    if (bucket === undefined) return undefined;
    for (const c of bucket) if (wordIs(word, c.word)) return c;
    return undefined;
  }
}

/** The Worker's read-only command table: name → index and arity. */
export class WorkerTable {
  readonly byName = new WordMap();
  constructor(readonly version: number) {}

  static from(copy: CommandTableCopy): WorkerTable {
    const t = new WorkerTable(copy.version);
    for (const [name, index, arity, subs] of copy.commands) {
      let m: WordMap | null = null;
      if (subs !== null) {
        m = new WordMap();
        for (const [sn, si, sa] of subs) {
          m.add({ word: encoder.encode(sn), index: si, arity: sa, subs: null });
        }
      }
      t.byName.add({ word: encoder.encode(name), index, arity, subs: m });
    }
    return t;
  }

  /**
   * The command index of a request, or -1 when the main thread must resolve it (unknown command or
   * subcommand, wrong arity: it builds the error). The same rules as CommandTable.resolve.
   */
  lookup(argv: readonly Uint8Array[]): number {
    const spec = this.byName.get(argv[0]!);
    if (spec === undefined) return -1;
    const argc = argv.length;
    if (spec.subs !== null && argc >= 2) {
      const sub = spec.subs.get(argv[1]!);
      if (sub === undefined || !arityOk(sub.arity, argc)) return -1;
      return sub.index;
    }
    return arityOk(spec.arity, argc) ? spec.index : -1;
  }
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** Bytes of one unfinished request above which a client is forwarded raw (see the head comment). */
export const SHADOW_LIMIT = 4 * 1024 * 1024;

/** Words of the UP_REQS header. */
export const REQS_HEADER = 5;
/** Entry argc value: the main thread parses the entry's bytes itself. */
export const ENTRY_RAW = -1;

function newShadow(): RequestParser {
  return new RequestParser({ maxBulkLen: Infinity });
}

/**
 * The parser of every connection that is between two requests, which is where a read leaves almost
 * every client: a connection owns a parser (16 KiB and up) only while a request of it is unfinished.
 */
let shared: RequestParser | null = null;

/** The Worker's parse state of one connection. */
export class ConnParser {
  /** This connection's own parser, while it is in the middle of a request (or after skipped bytes). */
  #own: RequestParser | null = null;
  /** After a protocol error or a big request: only bytes are forwarded. */
  dead = false;

  /** Holds a parser of its own (tests). */
  get owning(): boolean {
    return this.#own !== null;
  }

  /**
   * Parses one read. Returns the UP_REQS payload (a view into `out`'s scratch space, valid until the
   * next call) or null: send the read as UP_DATA.
   */
  scan(
    chunk: Uint8Array,
    table: WorkerTable | null,
    out: FrameBuilder,
    maxPayload: number,
  ): Uint8Array | null {
    if (this.dead) return null;
    const p = this.#own ?? (shared ??= newShadow());
    const n = chunk.length;
    const hadPartial = p.bufferedBytes > 0;
    p.feed(chunk);
    out.begin(table === null ? -1 : table.version);
    let pos = 0;
    let base = 0;
    let fast = 0;
    try {
      if (hadPartial) {
        const a = p.next();
        if (a === null) {
          if (p.bufferedBytes > SHADOW_LIMIT) this.#die(p);
          return null;
        }
        pos = n - p.bufferedBytes;
        out.raw(pos);
        if (p.bufferedBytes > 0) {
          // Start over with the rest of the read at offset 0 of a fresh buffer (see the head comment).
          p.reset();
          p.feed(chunk.subarray(pos));
          base = pos;
        }
      }
      for (;;) {
        const a = p.next();
        if (a === null) break;
        const end = n - p.bufferedBytes;
        const ok = out.fast(chunk, a, pos, end, base, p.lastRequestBytes, p.lastWasInline, table);
        if (!ok) out.raw(end);
        else fast++;
        pos = end;
      }
    } catch {
      // A protocol error: the main thread's parser will find it too, at the same byte.
      this.#die(p);
      return null;
    }
    // Bytes after the last request: the start of the next one, or skipped bytes (which may leave the
    // parser in inline mode). A parser that starts fresh after the last request and is fed them is in
    // the same state, so the shared parser hands them to one of the connection's own.
    const rest = n - pos;
    if (p === shared) {
      if (rest > 0) {
        p.reset();
        const own = newShadow();
        own.feed(chunk.subarray(pos));
        try {
          own.next();
        } catch {
          this.#die(own);
          return null;
        }
        this.#own = own;
      }
    } else if (rest === 0 && p.bufferedBytes === 0) this.#own = null;
    else if (p.bufferedBytes > SHADOW_LIMIT) this.#die(p);
    if (fast === 0) return null;
    return out.finish(chunk, pos, maxPayload);
  }

  #die(p: RequestParser): void {
    this.dead = true;
    this.#own = null;
    if (p === shared) p.reset();
  }
}

/** Builds UP_REQS payloads in a reusable scratch buffer. */
export class FrameBuilder {
  #words = new Int32Array(1024);
  #wordBytes = new Uint8Array(this.#words.buffer);
  #n = 0;
  #entries = 0;

  begin(version: number): void {
    this.#n = REQS_HEADER;
    this.#entries = 0;
    this.#words[1] = version;
  }

  #room(k: number): void {
    if (this.#n + k <= this.#words.length) return;
    const nw = new Int32Array(Math.max(this.#words.length * 2, this.#n + k));
    nw.set(this.#words);
    this.#words = nw;
    this.#wordBytes = new Uint8Array(nw.buffer);
  }

  /** An entry the main thread parses itself. */
  raw(end: number): void {
    this.#room(2);
    const w = this.#words;
    w[this.#n++] = end;
    w[this.#n++] = ENTRY_RAW;
    this.#entries++;
  }

  /**
   * A parsed request covering raw[start, end) of `raw`; false if its arguments are not all views into
   * it (`base`: the offset in `raw` of the parser's buffer).
   */
  fast(
    raw: Uint8Array,
    argv: Uint8Array[],
    start: number,
    end: number,
    base: number,
    wire: number,
    inline: boolean,
    table: WorkerTable | null,
  ): boolean {
    const argc = argv.length;
    this.#room(4 + 2 * argc);
    const w = this.#words;
    let k = this.#n + 4;
    for (let i = 0; i < argc; i++) {
      const a = argv[i]!;
      const len = a.length;
      const off = base + a.byteOffset;
      if (off < start || off + len > end) return false;
      if (inline) {
        // Quoted inline arguments are unescaped copies: only bytes found as they are in the read count.
        for (let j = 0; j < len; j++) if (raw[off + j] !== a[j]) return false;
      } else if (raw[off - 2] !== 13) return false; // a bulk follows its "$<len>\r\n" line
      w[k++] = off;
      w[k++] = len;
    }
    const n = this.#n;
    w[n] = end;
    w[n + 1] = argc;
    w[n + 2] = inline ? ~wire : wire;
    w[n + 3] = table === null ? -1 : table.lookup(argv);
    this.#n = k;
    this.#entries++;
    return true;
  }

  #bytes = new Uint8Array(16 * 1024);

  /** The payload: header, entries, then the read. Null when it does not fit one frame. */
  finish(chunk: Uint8Array, suffix: number, maxPayload: number): Uint8Array | null {
    const w = this.#words;
    const n = this.#n;
    w[0] = chunk.length;
    w[2] = this.#entries;
    w[3] = suffix;
    w[4] = n;
    const size = n * 4 + chunk.length;
    if (size > maxPayload) return null;
    if (this.#bytes.length < size) this.#bytes = new Uint8Array(Math.max(size, this.#bytes.length * 2));
    const out = this.#bytes;
    out.set(this.#wordBytes.subarray(0, n * 4), 0);
    out.set(chunk, n * 4);
    return out.subarray(0, size);
  }
}
