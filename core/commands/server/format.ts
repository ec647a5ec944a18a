/**
 * Number formats of Valkey's server reports (INFO, MEMORY, DEBUG): C `printf("%.Nf")` exactly as glibc
 * prints it, C `float` arithmetic, `bytesToHuman`, and INFO's character sanitising.
 *
 * `printfFixed` differs from `Number#toFixed` in two ways that matter for byte-exact output: glibc rounds an
 * exact tie to even (`%.2f` of 0.125 is "0.12", toFixed gives "0.13"), and it never switches to exponent
 * notation (toFixed does from 1e21). The exact decimal value of the double is computed with bigints.
 *
 * @module
 */

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** C's `printf("%.<digits>f", x)` (glibc, round-to-nearest-even on the exact binary value). */
export function printfFixed(x: number, digits: number): string {
  if (x !== x) return "-nan".slice(signBit(x) ? 0 : 1);
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  f64[0] = x;
  const bits = u64[0]!;
  const neg = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  // |x| * 10^digits = mant * 10^digits * 2^exp, rounded to an integer (ties to even).
  let scaled = mant * 10n ** BigInt(digits);
  if (exp >= 0) scaled <<= BigInt(exp);
  else {
    const den = 1n << BigInt(-exp);
    const q = scaled / den;
    const r2 = (scaled % den) * 2n;
    scaled = r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
  }
  let s = scaled.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, "0");
    s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return neg ? `-${s}` : s;
}

function signBit(x: number): boolean {
  f64[0] = x;
  return u64[0]! >> 63n === 1n;
}

/** A value as C computes it in `float` (32-bit) arithmetic. */
export const f32: (x: number) => number = Math.fround;

/** C's `(float)a / b` with both operands converted to float, as Valkey's ratios are computed. */
export function floatDiv(a: number, b: number): number {
  return f32(f32(a) / f32(b));
}

/** Valkey's bytesToHuman: 100B, 1.50K, 2.00M, 3.25G, 4.00T, 5.00P. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P"];
  let div = 1024;
  for (const u of units) {
    if (n < div * 1024) return `${printfFixed(n / div, 2)}${u}`;
    div *= 1024;
  }
  return `${n}B`;
}

/** INFO's getSafeInfoString: `#`, `:`, CR and LF in a name become `_` so the line format survives. */
export function safeInfoString(s: string): string {
  return s.replace(/[#:\r\n]/g, "_");
}
