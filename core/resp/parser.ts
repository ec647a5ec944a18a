/**
 * Request parser: turns the bytes a client sends into argument vectors, with the exact acceptance rules and
 * error texts of Valkey's processMultibulkBuffer / processInlineBuffer.
 *
 * Two request forms exist; the first byte of a request decides:
 *
 *   multibulk  "*<count>\r\n" then <count> times "$<len>\r\n<len bytes>\r\n"   (what every client library sends)
 *   inline     "<line>\n" (an optional "\r" before "\n" is dropped), split like a shell (see inline.ts)
 *
 * Valkey's leniencies are kept on purpose, since clients must not see a difference: after a count or length
 * only "\r" is looked for and the byte after it is skipped unchecked, and the two bytes after a bulk payload
 * are skipped unchecked too. A count <= 0 ("*0", "*-1") is an empty request that is silently skipped, as are
 * empty and blank inline lines. Inline lines end at the first NUL byte for the newline search (C strchr), so a
 * NUL before the newline stalls the request until it trips the 64 KiB limit.
 *
 * Buffer layout (one growable Uint8Array per connection):
 *
 *     0            start                 pos             end             capacity
 *     |  consumed   |  current request ... | unparsed tail  |   free space   |
 *                   '-- args already found (offsets kept relative to start)
 *
 * - next() returns argument VIEWS into this buffer (no copy); they stay valid until the next feed(), which
 *   is the only method that moves or replaces bytes.
 * - feed() appends; when the tail has no room it first compacts (moves [start, end) to 0), and only then
 *   grows. Growth is geometric (x2), so a 2 MB value arriving in 64 KiB chunks costs O(n) copying in total,
 *   but never beyond what is known to be needed: while a bulk of declared length L is pending the new size is
 *   clamped to the end of that bulk. Nothing is allocated ahead of received bytes beyond 2x what is buffered,
 *   so "$500000000\r\n" followed by silence costs nothing (Valkey would reserve the 500 MB at once).
 * - Parsing is incremental: a partially received multibulk request keeps its progress (args found so far,
 *   pending bulk length) and newline searches remember how far they already looked, so byte-at-a-time input
 *   or a 100k-argument command spread over many reads is parsed in linear time.
 * - When the buffer drains, positions reset to 0; a buffer grown beyond 1 MiB is dropped at that point so
 *   one huge request does not pin its memory. shrink() trims what exceeds the buffered bytes on demand;
 *   release() lets a drained buffer go back to its initial 1 KiB (the clients cron, for an idle client).
 *
 * Limits (server.h): PROTO_INLINE_MAX_SIZE = 64 KiB for an inline line or a count/length line without its
 * "\r"; counts above INT_MAX are invalid; bulk lengths above proto-max-bulk-len (`limits.maxBulkLen`) are
 * invalid unless the connection is our primary. Before authentication (authenticated = false) counts above
 * 10 and bulk lengths above 16384 are refused.
 */

import { splitArgs } from "./inline.ts";
import { parseI64 } from "../util/numbers.ts";

/** Valkey's PROTO_INLINE_MAX_SIZE: longest inline line / count line without a terminator. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Valkey's PROTO_IOBUF_LEN: the query buffer size a drained big buffer goes back to. */
export const PROTO_IOBUF_LEN = 16 * 1024;
/**
 * A new parser's buffer: enough for the usual request; more is grown on demand. (Valkey's idle clients hold
 * no query buffer at all, they read into a shared one; 16 KiB per client here made the parsers most of an
 * idle client's memory: 8000 idle clients on Bun took 154 MiB of RSS.)
 */
const INITIAL_BUFFER = 1024;
/** Largest multibulk count accepted (C INT_MAX). */
export const MAX_MULTIBULK_COUNT = 2147483647;
/** Largest count / bulk length accepted from a connection that has not authenticated. */
export const UNAUTH_MAX_MULTIBULK = 10;
export const UNAUTH_MAX_BULK = 16384;

export const ERR_TOO_BIG_INLINE = "Protocol error: too big inline request";
export const ERR_TOO_BIG_MBULK_COUNT = "Protocol error: too big mbulk count string";
export const ERR_INVALID_MULTIBULK_LEN = "Protocol error: invalid multibulk length";
export const ERR_UNAUTH_MULTIBULK_LEN = "Protocol error: unauthenticated multibulk length";
export const ERR_UNAUTH_BULK_LEN = "Protocol error: unauthenticated bulk length";
export const ERR_TOO_BIG_BULK_COUNT = "Protocol error: too big bulk count string";
/** Followed by the offending byte and "'" (the byte is raw, as with C's %c). */
export const ERR_EXPECTED_DOLLAR = "Protocol error: expected '$', got '";
export const ERR_INVALID_BULK_LEN = "Protocol error: invalid bulk length";
export const ERR_UNBALANCED_QUOTES = "Protocol error: unbalanced quotes in request";
/** Not sent to the peer: Valkey only logs it and drops the link to its primary. */
export const ERR_INLINE_FROM_PRIMARY = "Master using the inline protocol. Desync?";

/**
 * A protocol violation. `message` is the error text without the "ERR " code, e.g.
 * "Protocol error: invalid bulk length" (Latin-1: one char per byte, for the raw byte in "got 'x'").
 * The server replies `-ERR <message>` (see reply()) unless `silent`, then closes the connection.
 * After a ProtocolError the parser state is undefined: the connection must be closed.
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(message: string, readonly silent = false) {
    super(message);
  }

  /** The error reply text "ERR <message>" as bytes (Latin-1), for ReplyWriter.error(). */
  reply(): Uint8Array {
    const text = "ERR " + this.message;
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
    return out;
  }
}

export interface ParserLimits {
  /** proto-max-bulk-len (default 512 MiB). */
  maxBulkLen: number;
}

const REQ_NONE = 0;
const REQ_INLINE = 1;
const REQ_MULTIBULK = 2;

/** Marker: the scanned region contains a NUL before any newline (inline requests never complete). */
const SCAN_BLOCKED = -1;

/** A buffer larger than this is released when it drains. */
const RELEASE_THRESHOLD = 1024 * 1024;

const SKIPPED: Uint8Array[] = [];

export class RequestParser {
  limits: ParserLimits;
  /** false applies Valkey's stricter limits for connections that still have to AUTH. Default true. */
  authenticated = true;
  /** true for the replication link from our primary: no proto-max-bulk-len check, no inline commands. */
  primary = false;
  /** Wire size of the request returned by the last next() (Valkey's net_input_bytes_curr_cmd: for inline
   * requests the sum of argument lengths + separators + 2, as Valkey counts it). */
  lastRequestBytes = 0;
  lastWasInline = false;

  private buf: Uint8Array;
  private start = 0;
  private end = 0;

  // Progress of the request being parsed. Offsets are relative to `start`.
  private reqType = REQ_NONE;
  private pos = 0; // next unparsed byte
  private scanned = 0; // bytes from pos (inline: from start) known to hold no terminator; or SCAN_BLOCKED
  private mbLeft = 0; // args still expected; 0 = count line not parsed yet
  private bulkLen = -1; // length of the pending bulk, -1 = its header is not parsed yet
  private argc = 0;
  private argOff: number[] = [];
  private argLen: number[] = [];
  private netBytes = 0;

  constructor(limits: ParserLimits) {
    this.limits = limits;
    this.buf = new Uint8Array(INITIAL_BUFFER);
  }

  /** Bytes received and not yet consumed by next() (CLIENT LIST qbuf). */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /**
   * The bytes not consumed yet, as Valkey's query buffer from `qb_pos` (a view, valid until the next feed
   * or next()): a multibulk request's complete lines are consumed as they are parsed, an inline request
   * only as a whole. After a protocol error, what the error's log line shows.
   */
  get unconsumed(): Uint8Array {
    return this.buf.subarray(this.unconsumedFrom(), this.end);
  }

  private unconsumedFrom(): number {
    return this.reqType === REQ_MULTIBULK ? this.start + this.pos : this.start;
  }

  /** `unconsumed.length`, without making a view (read twice per read for CLIENT LIST's model). */
  get unconsumedBytes(): number {
    return this.end - this.unconsumedFrom();
  }

  /** The length of the bulk whose bytes are awaited (its `$<len>` line is parsed), or -1. */
  get pendingBulkLen(): number {
    return this.reqType === REQ_MULTIBULK && this.mbLeft > 0 ? this.bulkLen : -1;
  }

  /** Allocated buffer size. */
  get bufferCapacity(): number {
    return this.buf.length;
  }

  /** Appends received bytes (copied; `chunk` is not kept). Invalidates views returned by next(). */
  feed(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      if (this.buf.length > RELEASE_THRESHOLD && n <= PROTO_IOBUF_LEN) {
        this.buf = new Uint8Array(PROTO_IOBUF_LEN);
      }
    }
    if (this.end + n > this.buf.length) this.makeRoom(n);
    this.buf.set(chunk, this.end);
    this.end += n;
  }

  private makeRoom(n: number): void {
    const live = this.end - this.start;
    const need = live + n;
    const cap = this.buf.length;
    if (need <= cap) {
      // Enough space once compacted. Only an incomplete request is ever moved (everything before it was
      // consumed), and it stays at 0 until it completes, so each byte is moved at most once this way.
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      let newCap = Math.max(need, cap * 2);
      if (this.reqType === REQ_MULTIBULK && this.bulkLen >= 0) {
        // The pending bulk's end is known: do not grow past it (the next request will grow again if needed).
        const target = this.pos + this.bulkLen + 2;
        if (target >= need && target < newCap) newCap = target;
      }
      const nb = new Uint8Array(newCap);
      nb.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = nb;
    }
    this.end = live;
    this.start = 0;
  }

  /** Releases buffer memory beyond what the buffered bytes need. Invalidates views returned by next(). */
  shrink(): void {
    const live = this.end - this.start;
    const want = Math.max(PROTO_IOBUF_LEN, live);
    if (this.buf.length <= want * 2 && this.buf.length <= PROTO_IOBUF_LEN * 4) return;
    const nb = new Uint8Array(want);
    nb.set(this.buf.subarray(this.start, this.end), 0);
    this.buf = nb;
    this.start = 0;
    this.end = live;
  }

  /**
   * Lets a buffer that grew go when nothing is buffered (the clients cron, for a client idle for 2 s, as
   * Valkey frees an idle client's query buffer). Invalidates views returned by next().
   */
  release(): void {
    if (this.bufferedBytes !== 0 || this.buf.length <= INITIAL_BUFFER) return;
    this.buf = new Uint8Array(INITIAL_BUFFER);
    this.start = 0;
    this.end = 0;
  }

  /** Drops all buffered bytes and parsing progress. */
  reset(): void {
    this.buf = new Uint8Array(INITIAL_BUFFER);
    this.start = 0;
    this.end = 0;
    this.clearRequest();
    this.lastRequestBytes = 0;
    this.lastWasInline = false;
  }

  private clearRequest(): void {
    this.reqType = REQ_NONE;
    this.pos = 0;
    this.scanned = 0;
    this.mbLeft = 0;
    this.bulkLen = -1;
    this.argc = 0;
    this.netBytes = 0;
  }

  /**
   * The next complete request's arguments (views into the buffer, valid until the next feed()), or null
   * when more bytes are needed. Empty requests are skipped. Throws ProtocolError.
   */
  next(): Uint8Array[] | null {
    for (;;) {
      if (this.start >= this.end) return null;
      if (this.reqType === REQ_NONE) {
        this.reqType = this.buf[this.start] === 42 ? REQ_MULTIBULK : REQ_INLINE;
      }
      const r = this.reqType === REQ_MULTIBULK ? this.parseMultibulk() : this.parseInline();
      if (r !== SKIPPED) return r;
    }
  }

  private parseInline(): Uint8Array[] | null {
    const buf = this.buf;
    const s = this.start;
    const e = this.end;
    let nl = -1;
    if (this.scanned !== SCAN_BLOCKED) {
      let i = s + this.scanned;
      for (; i < e; i++) {
        const c = buf[i]!;
        if (c === 10) {
          nl = i;
          break;
        }
        if (c === 0) break;
      }
      if (nl < 0) this.scanned = i < e ? SCAN_BLOCKED : e - s;
    }
    if (nl < 0) {
      if (e - s > PROTO_INLINE_MAX_SIZE) throw new ProtocolError(ERR_TOO_BIG_INLINE);
      return null;
    }
    let lineEnd = nl;
    let lf = 1;
    if (nl !== s && buf[nl - 1] === 13) {
      lineEnd--;
      lf = 2;
    }
    const queryLen = lineEnd - s;
    const args = splitArgs(buf.subarray(s, lineEnd));
    if (args === null) throw new ProtocolError(ERR_UNBALANCED_QUOTES);
    if (queryLen !== 0 && this.primary) throw new ProtocolError(ERR_INLINE_FROM_PRIMARY, true);
    this.start = s + queryLen + lf;
    this.clearRequest();
    const argc = args.length;
    if (argc === 0) {
      // Like Valkey, a line of only spaces (not an empty one) leaves the client in inline mode: the next
      // request is read as an inline one even if it starts with '*'.
      if (queryLen !== 0) this.reqType = REQ_INLINE;
      return SKIPPED;
    }
    let sum = 0;
    for (let k = 0; k < argc; k++) sum += args[k]!.length;
    this.lastRequestBytes = sum + argc - 1 + 2;
    this.lastWasInline = true;
    return args;
  }

  /** Position of the first "\r" at or after `from`, continuing a previous search; -1 if none yet. */
  private findCR(from: number): number {
    const buf = this.buf;
    const e = this.end;
    let i = Math.max(from, this.start + this.scanned);
    for (; i < e; i++) if (buf[i] === 13) return i;
    this.scanned = e - this.start;
    return -1;
  }

  private parseMultibulk(): Uint8Array[] | null {
    const buf = this.buf;
    const s = this.start;
    const e = this.end;
    if (this.mbLeft === 0) {
      const cr = this.findCR(s);
      if (cr < 0) {
        if (e - s > PROTO_INLINE_MAX_SIZE) throw new ProtocolError(ERR_TOO_BIG_MBULK_COUNT);
        return null;
      }
      if (cr + 1 >= e) return null; // the byte after "\r" has not arrived
      const ll = parseLineInt(buf, s + 1, cr);
      if (ll !== ll || ll > MAX_MULTIBULK_COUNT) throw new ProtocolError(ERR_INVALID_MULTIBULK_LEN);
      if (ll > UNAUTH_MAX_MULTIBULK && !this.authenticated) throw new ProtocolError(ERR_UNAUTH_MULTIBULK_LEN);
      if (ll <= 0) {
        this.start = cr + 2;
        this.clearRequest();
        return SKIPPED;
      }
      this.netBytes = cr - s + 2;
      this.pos = cr + 2 - s;
      this.scanned = this.pos;
      this.mbLeft = ll;
      this.argc = 0;
    }
    while (this.mbLeft > 0) {
      let p = s + this.pos;
      if (this.bulkLen < 0) {
        const cr = this.findCR(p);
        if (cr < 0) {
          if (e - p > PROTO_INLINE_MAX_SIZE) throw new ProtocolError(ERR_TOO_BIG_BULK_COUNT);
          return null;
        }
        if (cr + 1 >= e) return null;
        const c = buf[p]!;
        if (c !== 36) throw new ProtocolError(ERR_EXPECTED_DOLLAR + String.fromCharCode(c) + "'");
        const ll = parseLineInt(buf, p + 1, cr);
        if (ll !== ll || ll < 0 || (!this.primary && ll > this.limits.maxBulkLen)) {
          throw new ProtocolError(ERR_INVALID_BULK_LEN);
        }
        if (ll > UNAUTH_MAX_BULK && !this.authenticated) throw new ProtocolError(ERR_UNAUTH_BULK_LEN);
        this.netBytes += cr - p + 2;
        p = cr + 2;
        this.pos = p - s;
        this.bulkLen = ll;
      }
      const len = this.bulkLen;
      if (e - p < len + 2) return null;
      const k = this.argc++;
      this.argOff[k] = p - s;
      this.argLen[k] = len;
      this.netBytes += len + 2;
      this.pos = p + len + 2 - s;
      this.scanned = this.pos;
      this.bulkLen = -1;
      this.mbLeft--;
    }
    const argc = this.argc;
    const args = new Array<Uint8Array>(argc);
    const off = this.argOff;
    const lens = this.argLen;
    // Views made with the constructor, not subarray(): parsing costs 120 instead of 145 ns per SET request on
    // Deno (V8's subarray looks up the species constructor), 190 instead of 175 on Bun.
    const ab = buf.buffer;
    const base = buf.byteOffset + s;
    for (let k = 0; k < argc; k++) args[k] = new Uint8Array(ab, base + off[k]!, lens[k]!);
    this.lastRequestBytes = this.netBytes;
    this.lastWasInline = false;
    this.start = s + this.pos;
    this.clearRequest();
    return args;
  }
}

/**
 * string2ll over buf[from, to): the value, or NaN when invalid. Values beyond ±2^53 may be rounded, which
 * never changes a decision here (they are all far outside every accepted range, and their sign is exact).
 */
function parseLineInt(buf: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len <= 0 || len > 20) return NaN;
  if (len > 15) {
    const v = parseI64(buf.subarray(from, to));
    return v === null ? NaN : Number(v);
  }
  let i = from;
  let neg = false;
  const c0 = buf[i]!;
  if (c0 === 48) return len === 1 ? 0 : NaN;
  if (c0 === 45) {
    if (len === 1) return NaN;
    neg = true;
    i++;
  }
  const c1 = buf[i]!;
  if (c1 < 49 || c1 > 57) return NaN;
  let v = c1 - 48;
  for (i++; i < to; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + (c - 48);
  }
  return neg ? -v : v;
}
