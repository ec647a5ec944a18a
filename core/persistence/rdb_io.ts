/**
 * The RDB format's primitives (Valkey's rdb.h / rdb.c): opcodes and type bytes, lengths, strings (raw,
 * integer-encoded, LZF-compressed), doubles and times, over a growable output buffer ({@link RdbWriter})
 * and an input cursor ({@link RdbReader}).
 *
 *     length:  00LLLLLL                         0..63
 *              01LLLLLL LLLLLLLL                0..16383 (big-endian)
 *              10000000 + u32be / 10000001 + u64be
 *              11EEEEEE                         "encoded string" E: 0 int8, 1 int16le, 2 int32le, 3 LZF
 *                                               (compressed length, original length, data)
 *     string:  length + bytes, or an encoded form. Strings of up to 11 bytes that spell an int32
 *              canonically are stored as integers; with `rdbcompression`, strings over 20 bytes are LZF
 *              compressed when that saves at least 4 bytes (rdbSaveRawString).
 *
 * @module
 */

import { FormatError } from "./encodings.ts";
import { lzfCompressInto, lzfDecompress } from "./lzf.ts";
import { parseDouble } from "../util/numbers.ts";

/** The RDB version Valkey 8.1 writes (and the newest it reads). */
export const RDB_VERSION = 11;

export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

export const Opcode = {
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Valid value type bytes (rdbIsObjectType). */
export function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 21);
}

/** Quicklist 2 node containers. */
export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

const EMPTY = new Uint8Array(0);
/** Decompressed temporary strings of {@link RdbReader.string} (shared by all readers). */
let lzfIn = new Uint8Array(4096);
/** LZF output scratch shared by all writers (the result is copied into the writer at once). */
let lzfOut = new Uint8Array(4096);

/** A growable output buffer of RDB data. */
export class RdbWriter {
  buf: Uint8Array;
  len = 0;
  readonly compress: boolean;
  #dv: DataView;

  constructor(compress: boolean, capacity = 4096) {
    this.compress = compress;
    this.buf = new Uint8Array(capacity);
    this.#dv = new DataView(this.buf.buffer);
  }

  #room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
    this.#dv = new DataView(nb.buffer);
  }

  /** The bytes written so far (a view until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of the bytes written so far, then empties the buffer. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }

  byte(b: number): void {
    this.#room(1);
    this.buf[this.len++] = b;
  }

  raw(b: Uint8Array): void {
    this.#room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** rdbSaveLen. */
  length(n: number): void {
    this.#room(9);
    const b = this.buf;
    if (n < 64) {
      b[this.len++] = n;
    } else if (n < 16384) {
      b[this.len++] = 0x40 | (n >>> 8);
      b[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.len++] = 0x80;
      this.#dv.setUint32(this.len, n, false);
      this.len += 4;
    } else {
      b[this.len++] = 0x81;
      this.#dv.setBigUint64(this.len, BigInt(n), false);
      this.len += 8;
    }
  }

  /** rdbSaveLen of a 64-bit unsigned value (module ids). */
  lengthBig(n: bigint): void {
    if (n <= 0xffffffffn) return this.length(Number(n));
    this.#room(9);
    this.buf[this.len++] = 0x81;
    this.#dv.setBigUint64(this.len, n, false);
    this.len += 8;
  }

  /** rdbSaveRawString: integer encoding, LZF, or length + bytes. */
  string(s: Uint8Array): void {
    this.stringRange(s, 0, s.length);
  }

  /** {@link string} of `src[from, to)`, without a view of it. */
  stringRange(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 11 && n > 0) {
      const v = int32Text(src, from, to);
      if (v !== null) return this.#intString(v);
    }
    if (this.compress && n > 20) {
      if (lzfOut.length < n) lzfOut = new Uint8Array(Math.max(n, lzfOut.length * 2));
      const c = lzfCompressInto(src, from, to, n - 4, lzfOut);
      if (c >= 0) {
        this.byte(0xc0 | ENC_LZF);
        this.length(c);
        this.length(n);
        this.rawRange(lzfOut, 0, c);
        return;
      }
    }
    this.length(n);
    this.rawRange(src, from, to);
  }

  /** {@link raw} of `src[from, to)`. */
  rawRange(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.#room(n);
    const b = this.buf;
    if (n <= 64) {
      for (let i = 0, o = this.len; i < n; i++) b[o + i] = src[from + i]!;
    } else b.set(src.subarray(from, to), this.len);
    this.len += n;
  }

  /** A string that is known to hold plain text (aux fields and the like). */
  text(s: string): void {
    this.string(new TextEncoder().encode(s));
  }

  #intString(v: number): void {
    this.#room(5);
    const b = this.buf;
    if (v >= -128 && v <= 127) {
      b[this.len++] = 0xc0 | ENC_INT8;
      b[this.len++] = v & 0xff;
    } else if (v >= -32768 && v <= 32767) {
      b[this.len++] = 0xc0 | ENC_INT16;
      this.#dv.setInt16(this.len, v, true);
      this.len += 2;
    } else {
      b[this.len++] = 0xc0 | ENC_INT32;
      this.#dv.setInt32(this.len, v, true);
      this.len += 4;
    }
  }

  /** rdbSaveBinaryDoubleValue. */
  binaryDouble(d: number): void {
    this.#room(8);
    this.#dv.setFloat64(this.len, d, true);
    this.len += 8;
  }

  /** rdbSaveMillisecondTime. */
  msTime(t: number): void {
    this.#room(8);
    this.#dv.setBigInt64(this.len, BigInt(Math.trunc(t)), true);
    this.len += 8;
  }
}

/** The int32 a short string spells canonically (as string2ll + ll2string round trip), else null. */
function int32Text(s: Uint8Array, from: number, to: number): number | null {
  const n = to - from;
  let i = from;
  if (s[from] === 0x2d) {
    if (n === 1) return null;
    i++;
  }
  if (s[i] === 0x30) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < to; i++) {
    const c = s[i]!;
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
  }
  if (s[from] === 0x2d) v = -v;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

/** The decimal text of an int32 as fresh bytes. */
export function intDigits(v: number): Uint8Array {
  let n = v < 0 ? 2 : 1;
  for (let x = v < 0 ? -v : v; x >= 10; x = Math.floor(x / 10)) n++;
  const out = new Uint8Array(n);
  let x = v < 0 ? -v : v;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = 0x30 + (x % 10);
    x = Math.floor(x / 10);
  }
  if (v < 0) out[0] = 0x2d;
  return out;
}

/** Thrown when the input ends early (Valkey: "Short read or OOM loading DB"). */
export class ShortReadError extends FormatError {}

/** A cursor over RDB bytes. Every read checks bounds and throws {@link ShortReadError} past the end. */
export class RdbReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
  /**
   * Compact blobs (ziplists, listpacks, intsets, quicklist and stream nodes) read so far: Valkyr checks
   * each one whole, always; INFO dump_payload_sanitizations counts them when `sanitize-dump-payload`
   * asks Valkey to (Valkey counts one per blob it validates deeply).
   */
  compactBlobs = 0;
  /**
   * `sanitize-dump-payload` asks for a deep check of what this reader reads (`yes`, or `clients` for a
   * RESTORE): a stream node's counters must then be right (else its entries are read one by one, as
   * Valkey's shallow check lets them through), and a duplicate in a compact blob is reported as the
   * blob's integrity failure.
   */
  deep = false;
  #dv: DataView;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  #need(n: number): void {
    if (this.pos + n > this.end) throw new ShortReadError("Short read");
  }

  byte(): number {
    this.#need(1);
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    this.#need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbLoadLen: a length, or -1 - encoding for an encoded string marker (11EEEEEE). */
  lengthOrEnc(): number {
    const b = this.byte();
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.byte();
    if (kind === 3) return -1 - (b & 0x3f);
    if (b === 0x80) {
      this.#need(4);
      const v = this.#dv.getUint32(this.pos, false);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.#need(8);
      const v = this.#dv.getBigUint64(this.pos, false);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError("length out of range");
      return Number(v);
    }
    throw new FormatError(`Unknown length encoding ${b} in rdbLoadLen()`);
  }

  /** A length (an encoded-string marker is an error here). */
  length(): number {
    const n = this.lengthOrEnc();
    if (n < 0) throw new FormatError("unexpected encoded length");
    return n;
  }

  /** A 64-bit length as a bigint (module ids). */
  lengthBig(): bigint {
    const b = this.buf[this.pos];
    if (b === 0x81) {
      this.pos++;
      this.#need(8);
      const v = this.#dv.getBigUint64(this.pos, false);
      this.pos += 8;
      return v;
    }
    return BigInt(this.length());
  }

  /**
   * Whether the bytes the last {@link string} returned are a fresh array (decompressed or formatted)
   * that the caller may keep, rather than a view into the input.
   */
  owned = false;

  /**
   * rdbGenericLoadStringObject: the string's bytes (a view for raw strings). With `temp`, a compressed
   * string may be decompressed into a buffer shared by all readers: the caller uses the bytes before the
   * next read and keeps nothing of them.
   */
  string(temp = false): Uint8Array {
    const n = this.lengthOrEnc();
    if (n >= 0) {
      this.owned = false;
      return this.bytes(n);
    }
    this.owned = true;
    const enc = -1 - n;
    switch (enc) {
      case ENC_INT8: {
        const v = (this.byte() << 24) >> 24;
        return intDigits(v);
      }
      case ENC_INT16: {
        this.#need(2);
        const v = this.#dv.getInt16(this.pos, true);
        this.pos += 2;
        return intDigits(v);
      }
      case ENC_INT32: {
        this.#need(4);
        const v = this.#dv.getInt32(this.pos, true);
        this.pos += 4;
        return intDigits(v);
      }
      case ENC_LZF: {
        const clen = this.length();
        const len = this.length();
        const c = this.bytes(clen);
        if (len === 0) return EMPTY;
        try {
          if (!temp) return lzfDecompress(c, len);
          if (lzfIn.length < len) lzfIn = new Uint8Array(Math.max(len, lzfIn.length * 2));
          this.owned = false;
          return lzfDecompress(c, len, lzfIn);
        } catch {
          throw new FormatError("Invalid LZF compressed string");
        }
      }
      default:
        throw new FormatError(`Unknown RDB string encoding type ${enc}`);
    }
  }

  /** rdbLoadBinaryDoubleValue. */
  binaryDouble(): number {
    this.#need(8);
    const d = this.#dv.getFloat64(this.pos, true);
    this.pos += 8;
    return d;
  }

  /** rdbLoadDoubleValue (the text form of RDB_TYPE_ZSET): 253 nan, 254 +inf, 255 -inf, else text. */
  textDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const d = parseDouble(this.bytes(n));
    if (d === null) throw new FormatError("bad double value");
    return d;
  }

  /** rdbLoadMillisecondTime (little-endian int64). */
  msTime(): number {
    this.#need(8);
    const v = this.#dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }

  /** rdbLoadTime (seconds, int32 little-endian). */
  secTime(): number {
    this.#need(4);
    const v = this.#dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
}
