/**
 * SipHash-1-3 (Aumasson & Bernstein's SipHash with 1 compression round and 3 finalization rounds), over
 * 64-bit words kept as pairs of unsigned 32-bit halves so that no BigInt is touched on the hot path.
 *
 * This is the hash the Rust `bloomfilter` crate (3.0.1, through `siphasher` 1.0) uses for valkey-bloom's
 * filters, fed the way Rust's `Hash for [u8]` feeds a hasher: the slice length as a little-endian u64,
 * then the bytes. {@link sipHashItem} hashes exactly that input, so a filter here and one built by
 * valkey-bloom from the same 32-byte seed set the same bits.
 *
 * State: v0..v3, 64 bits each, as (hi, lo) pairs of local variables. One SipRound is the ARX network
 *
 *     v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32;
 *     v2 += v3; v3 <<<= 16; v3 ^= v2;
 *     v0 += v3; v3 <<<= 21; v3 ^= v0;
 *     v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32;
 *
 * Each 8-byte little-endian message word m is absorbed as `v3 ^= m; 1 round; v0 ^= m`; the last word holds
 * the remaining 0..7 bytes plus (total length mod 256) in its top byte; then `v2 ^= 0xff`, 3 rounds, and
 * the result is v0 ^ v1 ^ v2 ^ v3.
 *
 * @module
 */

/** A SipHash key: k0 and k1 as [k0 hi, k0 lo, k1 hi, k1 lo]. */
export type SipKey = Uint32Array;

/** The key made of 16 bytes: k0 = little-endian u64 of bytes 0..7, k1 = bytes 8..15. */
export function sipKeyFromBytes(b: Uint8Array, offset = 0): SipKey {
  const k = new Uint32Array(4);
  k[1] = le32(b, offset);
  k[0] = le32(b, offset + 4);
  k[3] = le32(b, offset + 8);
  k[2] = le32(b, offset + 12);
  return k;
}

function le32(b: Uint8Array, i: number): number {
  return ((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
}

/**
 * The core: SipHash-1-3 of (optional 8-byte LE length of `data`) ‖ `data`, all state in locals. The
 * round is written out twice (absorb, finalization) so that nothing leaves registers on the hot path.
 */
function sip13(key: SipKey, data: Uint8Array, framed: boolean, out: Uint32Array, at: number): void {
  const k0h = key[0]!, k0l = key[1]!, k1h = key[2]!, k1l = key[3]!;
  // "somepseudorandomlygeneratedbytes"
  let v0h = (k0h ^ 0x736f6d65) >>> 0, v0l = (k0l ^ 0x70736575) >>> 0;
  let v1h = (k1h ^ 0x646f7261) >>> 0, v1l = (k1l ^ 0x6e646f6d) >>> 0;
  let v2h = (k0h ^ 0x6c796765) >>> 0, v2l = (k0l ^ 0x6e657261) >>> 0;
  let v3h = (k1h ^ 0x74656462) >>> 0, v3l = (k1l ^ 0x79746573) >>> 0;
  const n = data.length;
  const before = framed ? 8 : 0;
  const total = before + n;
  // Message words: the length word (if framed), whole 8-byte words of data, then the tail word.
  const whole = n & ~7;
  const words = (framed ? 1 : 0) + (whole >>> 3) + 1;
  let lo: number, t: number, mh: number, ml: number;
  for (let w = 0; w < words; w++) {
    if (framed && w === 0) {
      mh = Math.floor(n / 0x100000000) >>> 0;
      ml = n >>> 0;
    } else {
      const i = (w - (framed ? 1 : 0)) * 8;
      if (i < whole) {
        ml = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
        mh = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
      } else {
        // Tail: remaining bytes plus the total length (mod 256) in the top byte.
        ml = 0;
        mh = (total & 0xff) << 24;
        const rest = n - whole;
        for (let j = 0; j < rest; j++) {
          const b = data[whole + j]!;
          if (j < 4) ml |= b << (8 * j);
          else mh |= b << (8 * (j - 4));
        }
        ml >>>= 0;
        mh >>>= 0;
      }
    }
    v3h = (v3h ^ mh) >>> 0;
    v3l = (v3l ^ ml) >>> 0;
    // One SipRound.
    lo = (v0l + v1l) >>> 0;
    v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    t = v1h;
    v1h = ((v1h << 13) | (v1l >>> 19)) >>> 0;
    v1l = ((v1l << 13) | (t >>> 19)) >>> 0;
    v1h = (v1h ^ v0h) >>> 0;
    v1l = (v1l ^ v0l) >>> 0;
    t = v0h;
    v0h = v0l;
    v0l = t;
    lo = (v2l + v3l) >>> 0;
    v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    t = v3h;
    v3h = ((v3h << 16) | (v3l >>> 16)) >>> 0;
    v3l = ((v3l << 16) | (t >>> 16)) >>> 0;
    v3h = (v3h ^ v2h) >>> 0;
    v3l = (v3l ^ v2l) >>> 0;
    lo = (v0l + v3l) >>> 0;
    v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    t = v3h;
    v3h = ((v3h << 21) | (v3l >>> 11)) >>> 0;
    v3l = ((v3l << 21) | (t >>> 11)) >>> 0;
    v3h = (v3h ^ v0h) >>> 0;
    v3l = (v3l ^ v0l) >>> 0;
    lo = (v2l + v1l) >>> 0;
    v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    t = v1h;
    v1h = ((v1h << 17) | (v1l >>> 15)) >>> 0;
    v1l = ((v1l << 17) | (t >>> 15)) >>> 0;
    v1h = (v1h ^ v2h) >>> 0;
    v1l = (v1l ^ v2l) >>> 0;
    t = v2h;
    v2h = v2l;
    v2l = t;
    v0h = (v0h ^ mh) >>> 0;
    v0l = (v0l ^ ml) >>> 0;
  }
  v2l = (v2l ^ 0xff) >>> 0;
  for (let r = 0; r < 3; r++) {
    lo = (v0l + v1l) >>> 0;
    v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    t = v1h;
    v1h = ((v1h << 13) | (v1l >>> 19)) >>> 0;
    v1l = ((v1l << 13) | (t >>> 19)) >>> 0;
    v1h = (v1h ^ v0h) >>> 0;
    v1l = (v1l ^ v0l) >>> 0;
    t = v0h;
    v0h = v0l;
    v0l = t;
    lo = (v2l + v3l) >>> 0;
    v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    t = v3h;
    v3h = ((v3h << 16) | (v3l >>> 16)) >>> 0;
    v3l = ((v3l << 16) | (t >>> 16)) >>> 0;
    v3h = (v3h ^ v2h) >>> 0;
    v3l = (v3l ^ v2l) >>> 0;
    lo = (v0l + v3l) >>> 0;
    v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    t = v3h;
    v3h = ((v3h << 21) | (v3l >>> 11)) >>> 0;
    v3l = ((v3l << 21) | (t >>> 11)) >>> 0;
    v3h = (v3h ^ v0h) >>> 0;
    v3l = (v3l ^ v0l) >>> 0;
    lo = (v2l + v1l) >>> 0;
    v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    t = v1h;
    v1h = ((v1h << 17) | (v1l >>> 15)) >>> 0;
    v1l = ((v1l << 17) | (t >>> 15)) >>> 0;
    v1h = (v1h ^ v2h) >>> 0;
    v1l = (v1l ^ v2l) >>> 0;
    t = v2h;
    v2h = v2l;
    v2l = t;
  }
  out[at] = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
  out[at + 1] = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
}

/**
 * SipHash-1-3 of `data` under `key`, written to out[at] (high 32 bits) and out[at + 1] (low 32 bits).
 */
export function sipHash13(key: SipKey, data: Uint8Array, out: Uint32Array, at = 0): void {
  sip13(key, data, false, out, at);
}

/**
 * SipHash-1-3 of an item as Rust hashes a byte slice: the length as a little-endian u64 (one whole message
 * word), then the bytes. Written to out[at] (high) and out[at + 1] (low).
 */
export function sipHashItem(key: SipKey, item: Uint8Array, out: Uint32Array, at = 0): void {
  sip13(key, item, true, out, at);
}

/** The 64-bit value of a (hi, lo) pair, for tests and diagnostics. */
export function toBigInt(out: Uint32Array, at = 0): bigint {
  return (BigInt(out[at]!) << 32n) | BigInt(out[at + 1]!);
}
