/**
 * Number parsing as valkey-bloom does it: Rust's `str::parse` for f64, i64 and u32 on the argument's text.
 * Stricter than Valkey's own parsers in some ways (no spaces, no hex) and looser in others (`1.`, `.5`,
 * `+7`, `inf`, `nan` are numbers), so the Bloom commands accept exactly what the Rust module accepts.
 *
 * @module
 */

const F64 = /^[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;
const I64 = /^[+-]?\d+$/;
const U32 = /^\+?\d+$/;

function ascii(b: Uint8Array): string | null {
  if (b.length > 400) return null;
  let s = "";
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c > 0x7f) return null;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Rust's `f64::from_str`: a double, or null when the text is not a float. */
export function parseRustF64(b: Uint8Array): number | null {
  const s = ascii(b);
  if (s === null || !F64.test(s)) return null;
  const body = s.replace(/^[+-]/, "").toLowerCase();
  const neg = s.startsWith("-");
  if (body === "inf" || body === "infinity") return neg ? -Infinity : Infinity;
  if (body === "nan") return NaN;
  return Number(s);
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Rust's `i64::from_str`: null for anything but an optional sign and digits within the i64 range. */
export function parseRustI64(b: Uint8Array): bigint | null {
  const s = ascii(b);
  if (s === null || !I64.test(s)) return null;
  const v = BigInt(s);
  return v < I64_MIN || v > I64_MAX ? null : v;
}

/** Rust's `u32::from_str`: an optional `+` and digits within 0..=4294967295. */
export function parseRustU32(b: Uint8Array): number | null {
  const s = ascii(b);
  if (s === null || !U32.test(s)) return null;
  const v = BigInt(s);
  return v > 4294967295n ? null : Number(v);
}
