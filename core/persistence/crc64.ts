/**
 * CRC-64/Jones, the checksum of RDB files and DUMP payloads (Valkey's crc64.c: the "Jones" polynomial
 * 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor; check value for
 * "123456789" is 0xe9c6d914c4b8d9ca).
 *
 * JavaScript has no fast 64-bit integers, so the 64-bit register is kept as two 32-bit halves and the
 * tables as Uint32Arrays of low and high words. Table-driven, one byte per step:
 *
 *     crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8)
 *
 * and eight bytes per step with "slicing-by-8" (8 tables of 256 entries, 16 KB), as Valkey's crcspeed.c.
 *
 * The state is a {@link Crc64} object so a file can be checksummed chunk by chunk as it is written.
 *
 * @module
 */

const POLY_REFLECTED = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 bit-reversed

// Slicing-by-8 tables (as Valkey's crcspeed): table k advances a byte through k more zero bytes.
const LO = new Uint32Array(8 * 256);
const HI = new Uint32Array(8 * 256);
{
  const t: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = (c & 1n) !== 0n ? (c >> 1n) ^ POLY_REFLECTED : c >> 1n;
    t.push(c);
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let k = 0; k < 8; k++) {
      LO[k * 256 + i] = Number(c & 0xffffffffn);
      HI[k * 256 + i] = Number(c >> 32n);
      c = (c >> 8n) ^ t[Number(c & 0xffn)]!;
    }
  }
}

/** A running CRC-64/Jones. */
export class Crc64 {
  lo = 0;
  hi = 0;

  /** Feeds `buf[from, to)`. */
  update(buf: Uint8Array, from = 0, to = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let i = from;
    // Eight bytes per step: xor them into the register, then one lookup per byte in tables 7..0.
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (const end8 = to - 7; i < end8; i += 8) {
      const xl = (lo ^ dv.getUint32(i, true)) >>> 0;
      const xh = (hi ^ dv.getUint32(i + 4, true)) >>> 0;
      const a = 7 * 256 + (xl & 0xff);
      const b = 6 * 256 + ((xl >>> 8) & 0xff);
      const c = 5 * 256 + ((xl >>> 16) & 0xff);
      const d = 4 * 256 + (xl >>> 24);
      const e = 3 * 256 + (xh & 0xff);
      const f = 2 * 256 + ((xh >>> 8) & 0xff);
      const g = 256 + ((xh >>> 16) & 0xff);
      const h = xh >>> 24;
      lo = (LO[a]! ^ LO[b]! ^ LO[c]! ^ LO[d]! ^ LO[e]! ^ LO[f]! ^ LO[g]! ^ LO[h]!) >>> 0;
      hi = (HI[a]! ^ HI[b]! ^ HI[c]! ^ HI[d]! ^ HI[e]! ^ HI[f]! ^ HI[g]! ^ HI[h]!) >>> 0;
    }
    for (; i < to; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      const nlo = (lo >>> 8) | (hi << 24);
      lo = (nlo ^ LO[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ HI[idx]!) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** The checksum as 8 little-endian bytes (how RDB files and DUMP payloads store it). */
  bytes(): Uint8Array {
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.lo, true);
    dv.setUint32(4, this.hi, true);
    return out;
  }

  /** The checksum as a bigint. */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** True when `b[at, at + 8)` holds this checksum (little-endian). */
  matches(b: Uint8Array, at: number): boolean {
    const dv = new DataView(b.buffer, b.byteOffset + at, 8);
    return dv.getUint32(0, true) === this.lo && dv.getUint32(4, true) === this.hi;
  }
}

/** CRC-64/Jones of `buf`. */
export function crc64(buf: Uint8Array): bigint {
  return new Crc64().update(buf).value();
}
