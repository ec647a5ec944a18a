/**
 * LZF compression, the format of RDB's compressed strings (`rdbcompression yes`; Valkey's lzf_c.c /
 * lzf_d.c by Marc Lehmann). This is an independent implementation of the format:
 *
 *     000LLLLL <L+1 literal bytes>                     literal run, 1..32 bytes
 *     LLLooooo oooooooo                                back reference, length L+2 (L = 1..6),
 *     111ooooo LLLLLLLL oooooooo                       back reference, length L+9 (9..264),
 *                                                      offset o+1 back from the output position (1..8192)
 *
 * A back reference may overlap the bytes it produces (offset < length repeats a pattern), so it is
 * copied byte by byte.
 *
 * The compressor finds matches through a 16K-slot table of the last position where each 3-byte
 * sequence was seen (64 KB, shared by all calls; a stale slot is harmless because every candidate
 * is verified byte by byte before use).
 *
 * @module
 */

const HLOG = 14;
const HSIZE = 1 << HLOG;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3); // 264
const MAX_LIT = 1 << 5;
const htab = new Int32Array(HSIZE);

/**
 * Compresses `src` into at most `maxOut` bytes; returns the compressed bytes, or null when they would
 * not fit (the caller then stores the data uncompressed, as lzf_compress returning 0).
 */
export function lzfCompress(src: Uint8Array, maxOut: number): Uint8Array | null {
  const out = new Uint8Array(Math.max(maxOut, 0));
  const n = lzfCompressInto(src, 0, src.length, maxOut, out);
  return n < 0 ? null : out.subarray(0, n);
}

/**
 * {@link lzfCompress} of `src[from, to)` into `out` (at least `maxOut` bytes): the number of bytes
 * written, or -1 when they would not fit in `maxOut`.
 */
export function lzfCompressInto(
  src: Uint8Array,
  from: number,
  to: number,
  maxOut: number,
  out: Uint8Array,
): number {
  const n = to;
  if (to === from || maxOut <= 0) return -1;
  let op = 0;
  let ip = from;
  let lit = from; // start of the pending literal run
  const tab = htab;
  // The table slot of the 3 bytes at ip: their 24-bit value (kept as a rolling window) times a
  // Fibonacci constant, top HLOG bits.
  let v = n - from > 1 ? (src[from]! << 8) | src[from + 1]! : 0;
  while (ip + 2 < n) {
    v = ((v << 8) | src[ip + 2]!) & 0xffffff;
    const h = (Math.imul(v, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1);
    const ref = tab[h]!;
    tab[h] = ip;
    const off = ip - ref - 1;
    if (
      ref >= from && ref < ip && off < MAX_OFF && src[ref] === src[ip] && src[ref + 1] === src[ip + 1] &&
      src[ref + 2] === src[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && src[ref + len] === src[ip + len]) len++;
      op = literals(src, lit, ip, out, op, maxOut);
      if (op < 0) return -1;
      const l = len - 2;
      if (l < 7) {
        if (op + 2 > maxOut) return -1;
        out[op++] = (l << 5) | (off >> 8);
      } else {
        if (op + 3 > maxOut) return -1;
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      // Index the positions inside the match too (better ratios on repetitive data).
      const stop = Math.min(ip + len, n - 2);
      for (let p = ip + 1; p < stop; p++) {
        const x = (src[p]! << 16) | (src[p + 1]! << 8) | src[p + 2]!;
        tab[(Math.imul(x, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1)] = p;
      }
      ip += len;
      lit = ip;
      if (ip + 2 < n) v = (src[ip]! << 8) | src[ip + 1]!;
    } else {
      ip++;
    }
  }
  return literals(src, lit, n, out, op, maxOut);
}

/**
 * Writes the literal bytes `src[from, to)` at `out[op]` in runs of at most MAX_LIT, each after its length
 * byte: the new output position, or -1 when they would pass `maxOut`.
 */
function literals(
  src: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  op: number,
  maxOut: number,
): number {
  while (from < to) {
    const run = Math.min(MAX_LIT, to - from);
    if (op + 1 + run > maxOut) return -1;
    out[op++] = run - 1;
    for (let k = 0; k < run; k++) out[op++] = src[from + k]!;
    from += run;
  }
  return op;
}

/** Decompresses `src` into exactly `outLen` bytes; throws on malformed input. */
export function lzfDecompress(src: Uint8Array, outLen: number, scratch?: Uint8Array): Uint8Array {
  // `scratch` (at least outLen bytes) spares an allocation; the result is then a view into it.
  const out = scratch !== undefined && scratch.length >= outLen
    ? scratch.subarray(0, outLen)
    : new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  const n = src.length;
  while (ip < n) {
    const ctrl = src[ip++]!;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLen || ip + run > n) throw new RangeError("lzf: literal run out of bounds");
      for (let k = 0; k < run; k++) out[op++] = src[ip++]!;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= n) throw new RangeError("lzf: truncated back reference");
        len += src[ip++]!;
      }
      if (ip >= n) throw new RangeError("lzf: truncated back reference");
      ref -= src[ip++]!;
      len += 2;
      if (ref < 0) throw new RangeError("lzf: back reference before the start");
      if (op + len > outLen) throw new RangeError("lzf: back reference out of bounds");
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    }
  }
  if (op !== outLen) throw new RangeError("lzf: decompressed length mismatch");
  return out;
}
