/**
 * Reply encoder for RESP2 and RESP3, byte-compatible with Valkey's addReply* family.
 *
 * One growable Uint8Array per client holds the pending output:
 *
 *     0                         length                      capacity
 *     | encoded replies, in order |        free space         |
 *
 * Every method appends one protocol element. Numbers are written digit by digit straight into the buffer,
 * strings go through TextEncoder.encodeInto (no intermediate arrays), and the buffer doubles when full, so
 * appending is amortized O(bytes). take() hands the pending bytes to the caller (see there for ownership).
 *
 * The buffer a client keeps between replies is Valkey's reply buffer (CLIENT LIST `rbs`): 16 KiB at first,
 * resized by the server's cron from its peak use (`rbp`; core/server/reply_buffer.ts): an idle client's
 * shrinks to 1 KiB. Output beyond it (Valkey's reply list) grows the buffer; the cron trims it back.
 *
 * RESP2 / RESP3 differences (as Valkey encodes them):
 *
 *   element            RESP3                      RESP2
 *   null (bulk)        _\r\n                      $-1\r\n
 *   null (array)       _\r\n                      *-1\r\n
 *   map of n pairs     %n\r\n                     *2n\r\n
 *   set                ~n\r\n                     *n\r\n
 *   push               >n\r\n                     *n\r\n
 *   attribute          |n\r\n                     (nothing: Valkey never emits one to a RESP2 client)
 *   double             ,<d2string>\r\n            $len\r\n<d2string>\r\n
 *   boolean            #t\r\n / #f\r\n            :1\r\n / :0\r\n
 *   verbatim           =len\r\nfmt:<text>\r\n     $len\r\n<text>\r\n
 *   big number         (<digits>\r\n              $len\r\n<digits>\r\n
 */

import { formatDouble } from "../util/numbers.ts";

/**
 * Valkey's PROTO_REPLY_CHUNK_BYTES: a new writer's buffer, the most the cron grows it to
 * (core/server/reply_buffer.ts), and the block size of Valkey's reply list (CLIENT LIST oll).
 */
export const REPLY_CHUNK_BYTES = 16 * 1024;
/** take() hands over the whole buffer instead of copying when at least this much is pending. */
const HANDOVER_BYTES = 64 * 1024;

/** Strings longer than this are encoded separately instead of in place with worst-case reservation. */
const LONG_STRING = 64 * 1024;

const encoder = new TextEncoder();

const CR = 13;
const LF = 10;

export class ReplyWriter {
  /** Protocol version of the client (HELLO switches it). */
  proto: 2 | 3 = 2;

  private buf: Uint8Array;
  private len = 0;
  /** Size of the buffer kept between flushes (CLIENT LIST rbs). */
  #size = REPLY_CHUNK_BYTES;
  /**
   * Most bytes the kept buffer held at a flush (at most its size) since the server last reset it (CLIENT
   * LIST rbp). Starts at the size, as Valkey's does.
   */
  peak = REPLY_CHUNK_BYTES;

  constructor() {
    this.buf = new Uint8Array(REPLY_CHUNK_BYTES);
  }

  /** Size of the buffer kept between flushes. */
  get size(): number {
    return this.#size;
  }

  /** Size of the buffer now (more than `size` after output that outgrew it, until resize()). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Keeps a buffer of `size` bytes from now on (the pending bytes move with it; it grows for more). */
  resize(size: number): void {
    const nb = new Uint8Array(Math.max(size, this.len));
    nb.set(this.buf.subarray(0, this.len), 0);
    this.buf = nb;
    this.#size = size;
  }

  #notePeak(n: number): void {
    const used = n < this.#size ? n : this.#size;
    if (used > this.peak) this.peak = used;
  }

  /** Bytes pending. */
  get length(): number {
    return this.len;
  }

  /**
   * Returns the pending bytes and empties the writer. The returned array belongs to the caller and is never
   * touched by the writer again (a copy for small outputs; for large ones the buffer itself is handed over
   * and the writer starts a fresh one, so big replies are not copied and their memory is not retained).
   * A buffer that grew beyond the kept size for smaller output stays until the cron's next look (resize).
   */
  take(): Uint8Array {
    const n = this.len;
    this.len = 0;
    this.#notePeak(n);
    if (n >= HANDOVER_BYTES) {
      const out = this.buf.subarray(0, n);
      this.buf = new Uint8Array(this.#size);
      return out;
    }
    return this.buf.slice(0, n);
  }

  /**
   * The pending bytes as a view into the writer's buffer, valid until the next append, take() or
   * clear(): for a consumer that copies them at once (Connection.writeBorrowed), followed by clear().
   */
  peek(): Uint8Array {
    this.#notePeak(this.len);
    return this.buf.subarray(0, this.len);
  }

  /** Drops what was appended after `length` was `mark` (CLIENT REPLY OFF/SKIP drop a command's reply). */
  truncate(mark: number): void {
    if (mark < this.len) this.len = Math.max(0, mark);
  }

  /** Drops pending output (and a buffer big output grew, as take() does). */
  clear(): void {
    this.len = 0;
    if (this.buf.length >= HANDOVER_BYTES) this.buf = new Uint8Array(this.#size);
  }

  private grow(extra: number): void {
    const need = this.len + extra;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len), 0);
    this.buf = nb;
  }

  /** Appends a non-negative safe integer in decimal (no capacity check). */
  private digits(n: number): void {
    const buf = this.buf;
    let p = this.len;
    if (n < 10) {
      buf[p++] = 48 + n;
    } else if (n < 100) {
      buf[p++] = 48 + ((n / 10) | 0);
      buf[p++] = 48 + (n % 10);
    } else {
      let d = 3;
      let t = 1000;
      while (n >= t && d < 16) {
        d++;
        t *= 10;
      }
      let q = p + d;
      p = q;
      while (n >= 1) {
        const r = n % 10;
        buf[--q] = 48 + r;
        n = (n - r) / 10;
      }
    }
    this.len = p;
  }

  /** <prefix><n>\r\n for a safe integer n. */
  private header(prefix: number, n: number): void {
    if (this.len + 21 > this.buf.length) this.grow(21);
    this.buf[this.len++] = prefix;
    if (n < 0) {
      this.buf[this.len++] = 45;
      n = -n;
    }
    this.digits(n);
    this.buf[this.len++] = CR;
    this.buf[this.len++] = LF;
  }

  private crlf(): void {
    this.buf[this.len++] = CR;
    this.buf[this.len++] = LF;
  }

  /** Appends the ASCII/Latin-1 text `s` byte for byte (no capacity check). */
  private ascii(s: string): void {
    const buf = this.buf;
    let p = this.len;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** Appends `s` UTF-8 encoded; returns the byte count. */
  private utf8(s: string): number {
    if (s.length > LONG_STRING) {
      const bytes = encoder.encode(s);
      this.raw(bytes);
      return bytes.length;
    }
    const max = s.length * 3;
    if (this.len + max > this.buf.length) this.grow(max);
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.len));
    this.len += written;
    return written;
  }

  /** +OK */
  ok(): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    const b = this.buf;
    const p = this.len;
    b[p] = 43;
    b[p + 1] = 79;
    b[p + 2] = 75;
    b[p + 3] = CR;
    b[p + 4] = LF;
    this.len = p + 5;
  }

  /** +<s> (a status reply; UTF-8; `s` must not contain CR or LF, as in Valkey, nothing is escaped). */
  simple(s: string): void {
    if (this.len + 3 > this.buf.length) this.grow(3);
    this.buf[this.len++] = 43;
    this.utf8(s);
    if (this.len + 2 > this.buf.length) this.grow(2);
    this.crlf();
  }

  /**
   * An error reply. `msg` carries its code: "ERR syntax error", "WRONGTYPE Operation ...". A msg already
   * starting with "-" is written as is. As Valkey's addReplyErrorFormat does, CR/LF at either end are
   * trimmed and inner ones become spaces so the reply stays one line. Strings are UTF-8 encoded; pass bytes
   * to send raw bytes (e.g. user input quoted in the message, or ProtocolError.reply()).
   */
  error(msg: string | Uint8Array): void {
    const bytes = typeof msg === "string" ? encoder.encode(msg) : msg;
    let a = 0;
    let z = bytes.length;
    while (a < z && (bytes[a] === CR || bytes[a] === LF)) a++;
    while (z > a && (bytes[z - 1] === CR || bytes[z - 1] === LF)) z--;
    const n = z - a;
    if (this.len + n + 3 > this.buf.length) this.grow(n + 3);
    const buf = this.buf;
    let p = this.len;
    if (n === 0 || bytes[a] !== 45) buf[p++] = 45;
    for (let i = a; i < z; i++) {
      const c = bytes[i]!;
      buf[p++] = c === CR || c === LF ? 32 : c;
    }
    buf[p++] = CR;
    buf[p++] = LF;
    this.len = p;
  }

  /** :<n> (int64 range; numbers must be integers). */
  int(n: number | bigint): void {
    if (typeof n === "number" && n >= 0 && n <= 9007199254740991) {
      this.header(58, n);
      return;
    }
    const s = typeof n === "bigint"
      ? n.toString()
      : Number.isSafeInteger(n)
      ? String(n)
      : BigInt(n).toString();
    if (this.len + s.length + 3 > this.buf.length) this.grow(s.length + 3);
    this.buf[this.len++] = 58;
    this.ascii(s);
    this.crlf();
  }

  /** $<len>\r\n<bytes>\r\n */
  bulk(b: Uint8Array): void {
    const n = b.length;
    if (this.len + n + 22 > this.buf.length) this.grow(n + 22);
    this.buf[this.len++] = 36;
    this.digits(n);
    this.crlf();
    this.buf.set(b, this.len);
    this.len += n;
    this.crlf();
  }

  /** A bulk string with the UTF-8 encoding of `s`. */
  bulkStr(s: string): void {
    if (s.length > LONG_STRING) {
      this.bulk(encoder.encode(s)); // avoid reserving 3 bytes per char for big strings
      return;
    }
    const max = s.length * 3;
    if (this.len + max + 22 > this.buf.length) this.grow(max + 22);
    const buf = this.buf;
    const h = this.len;
    // Assume ASCII (byte length == s.length) for the header; fix up below if the text was not.
    buf[this.len++] = 36;
    this.digits(s.length);
    this.crlf();
    const body = this.len;
    const { written } = encoder.encodeInto(s, buf.subarray(body));
    if (written !== s.length) {
      const hdr = 1 + decimalLength(written) + 2;
      const newBody = h + hdr;
      if (newBody !== body) buf.copyWithin(newBody, body, body + written);
      this.len = h + 1;
      this.digits(written);
      this.crlf();
    }
    this.len += written;
    this.crlf();
  }

  /** RESP2 $-1, RESP3 _ */
  nullBulk(): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    if (this.proto === 3) this.ascii("_\r\n");
    else this.ascii("$-1\r\n");
  }

  /** RESP2 *-1, RESP3 _ */
  nullArray(): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    if (this.proto === 3) this.ascii("_\r\n");
    else this.ascii("*-1\r\n");
  }

  /** *<n> */
  arrayHeader(n: number): void {
    this.header(42, n);
  }

  /** RESP3 %<pairs>, RESP2 *<2*pairs> */
  mapHeader(pairs: number): void {
    if (this.proto === 3) this.header(37, pairs);
    else this.header(42, pairs * 2);
  }

  /** RESP3 ~<n>, RESP2 *<n> */
  setHeader(n: number): void {
    this.header(this.proto === 3 ? 126 : 42, n);
  }

  /** RESP3 ><n>, RESP2 *<n> */
  pushHeader(n: number): void {
    this.header(this.proto === 3 ? 62 : 42, n);
  }

  /** RESP3 |<n>. RESP2 has no attributes: nothing is written (callers emit attributes for RESP3 only). */
  attributeHeader(n: number): void {
    if (this.proto === 3) this.header(124, n);
  }

  /** addReplyDouble: RESP3 ,<d2string>; RESP2 a bulk string of the same text. */
  double(d: number): void {
    this.doubleText(formatDouble(d));
  }

  /**
   * A double reply whose text is already formatted (ASCII), e.g. formatLongDouble(d, true) for Valkey's
   * addReplyHumanLongDouble (GEOPOS): RESP3 ,<text>; RESP2 a bulk string.
   */
  doubleText(text: string): void {
    const n = text.length;
    if (this.len + n + 22 > this.buf.length) this.grow(n + 22);
    if (this.proto === 3) {
      this.buf[this.len++] = 44;
    } else {
      this.buf[this.len++] = 36;
      this.digits(n);
      this.crlf();
    }
    this.ascii(text);
    this.crlf();
  }

  /** RESP3 #t / #f, RESP2 :1 / :0 */
  bool(b: boolean): void {
    if (this.len + 4 > this.buf.length) this.grow(4);
    if (this.proto === 3) this.ascii(b ? "#t\r\n" : "#f\r\n");
    else this.ascii(b ? ":1\r\n" : ":0\r\n");
  }

  /**
   * RESP3 verbatim string =<len+4>\r\n<fmt>:<text>\r\n where fmt is exactly 3 bytes ("txt", "mkd"; shorter
   * is padded with spaces, longer truncated, as Valkey does); RESP2 a plain bulk string of the text.
   */
  verbatim(s: string | Uint8Array, format: string): void {
    const bytes = typeof s === "string" ? encoder.encode(s) : s;
    if (this.proto !== 3) {
      this.bulk(bytes);
      return;
    }
    const n = bytes.length;
    if (this.len + n + 30 > this.buf.length) this.grow(n + 30);
    this.buf[this.len++] = 61;
    this.digits(n + 4);
    this.crlf();
    for (let i = 0; i < 3; i++) this.buf[this.len++] = i < format.length ? format.charCodeAt(i) & 0xff : 32;
    this.buf[this.len++] = 58;
    this.buf.set(bytes, this.len);
    this.len += n;
    this.crlf();
  }

  /** RESP3 (<digits>, RESP2 a bulk string of the digits. */
  bigNumber(s: string): void {
    if (this.proto !== 3) {
      this.bulkStr(s);
      return;
    }
    if (this.len + s.length + 3 > this.buf.length) this.grow(s.length + 3);
    this.buf[this.len++] = 40;
    this.ascii(s);
    this.crlf();
  }

  /** Pre-encoded protocol bytes, appended as they are. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.len + n > this.buf.length) this.grow(n);
    this.buf.set(bytes, this.len);
    this.len += n;
  }
}

function decimalLength(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/**
 * Multibulk encoding of a command ("*<argc>\r\n" then "$<len>\r\n<arg>\r\n" per argument), as sent to
 * replicas, MONITOR clients and the AOF. Strings are UTF-8 encoded.
 */
export function encodeCommand(args: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = new Array(args.length);
  let total = 1 + decimalLength(args.length) + 2;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const b = typeof a === "string" ? encoder.encode(a) : a;
    parts[i] = b;
    total += 1 + decimalLength(b.length) + 2 + b.length + 2;
  }
  const out = new Uint8Array(total);
  let p = 0;
  const putHeader = (prefix: number, n: number) => {
    out[p++] = prefix;
    const s = String(n);
    for (let k = 0; k < s.length; k++) out[p++] = s.charCodeAt(k);
    out[p++] = CR;
    out[p++] = LF;
  };
  putHeader(42, args.length);
  for (const b of parts) {
    putHeader(36, b.length);
    out.set(b, p);
    p += b.length;
    out[p++] = CR;
    out[p++] = LF;
  }
  return out;
}
