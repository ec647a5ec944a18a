/**
 * Byte strings as JS strings, one char (0–255) per byte: map keys and text for bytes that are not
 * UTF-8, and back to the same bytes exactly.
 *
 * @module
 */

/** A byte string as a string of one char per byte. */
export function latin1(b: Uint8Array): string {
  // One call makes a flat string (appending char by char would build a rope of one node per byte).
  if (b.length <= 8192) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

/** The bytes of a {@link latin1} string (each char's low 8 bits). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
