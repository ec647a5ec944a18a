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

function hash3(a: number, b: number, c: number): number {
  const v = (a << 16) | (b << 8) | c;
  return (Math.imul(v, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1);
}

/**
 * Compresses `src` into at most `maxOut` bytes; returns the compressed bytes, or null when they would
 * not fit (the caller then stores the data uncompressed, as lzf_compress returning 0).
 */
export function lzfCompress(src: Uint8Array, maxOut: number): Uint8Array | null {
  const n = src.length;
  if (n === 0 || maxOut <= 0) return null;
  const out = new Uint8Array(maxOut);
  let op = 0;
  let ip = 0;
  let lit = 0; // start of the pending literal run

  const flushLiterals = (end: number): boolean => {
    while (lit < end) {
      const run = Math.min(MAX_LIT, end - lit);
      if (op + 1 + run > maxOut) return false;
      out[op++] = run - 1;
      for (let k = 0; k < run; k++) out[op++] = src[lit + k]!;
      lit += run;
    }
    return true;
  };

  while (ip + 2 < n) {
    const h = hash3(src[ip]!, src[ip + 1]!, src[ip + 2]!);
    const ref = htab[h]!;
    htab[h] = ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 && ref < ip && off < MAX_OFF && src[ref] === src[ip] && src[ref + 1] === src[ip + 1] &&
      src[ref + 2] === src[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && src[ref + len] === src[ip + len]) len++;
      if (!flushLiterals(ip)) return null;
      const l = len - 2;
      if (l < 7) {
        if (op + 2 > maxOut) return null;
        out[op++] = (l << 5) | (off >> 8);
      } else {
        if (op + 3 > maxOut) return null;
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      // Index the positions inside the match too (better ratios on repetitive data).
      const stop = Math.min(ip + len, n - 2);
      for (let p = ip + 1; p < stop; p++) htab[hash3(src[p]!, src[p + 1]!, src[p + 2]!)] = p;
      ip += len;
      lit = ip;
    } else {
      ip++;
    }
  }
  if (!flushLiterals(n)) return null;
  return out.subarray(0, op);
}

/** Decompresses `src` into exactly `outLen` bytes; throws on malformed input. */
export function lzfDecompress(src: Uint8Array, outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
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
