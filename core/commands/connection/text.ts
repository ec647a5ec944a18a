/**
 * Byte-level text rules the connection commands share, written to behave like the C string handling of
 * Valkey's handlers:
 *
 * - Options are compared with `strcasecmp` on NUL-terminated strings, so a word matches an option when its
 *   bytes up to the first NUL equal the option ignoring ASCII case (`cstrEquals`).
 * - User text quoted in error messages goes through `%s`, which stops at the first NUL (`cstr`), and the
 *   error formatter then trims CR/LF at both ends and maps the remaining CR/LF to spaces (`errorText`).
 * - Client names and library attributes must be printable ASCII without spaces (`'!'..'~'`), so that
 *   CLIENT LIST lines can be split on spaces (`isValidClientAttr`). The check stops at a NUL like C does;
 *   the whole value is stored (CLIENT GETNAME returns it all) as a Latin-1 string, one char per byte, and
 *   CLIENT LIST prints it up to the NUL (`cutAtNul`).
 *
 * @module
 */

const utf8 = new TextDecoder();

/** The bytes before the first NUL (what C's `%s` and `strcmp` see). */
export function cstrBytes(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul >= 0 ? b.subarray(0, nul) : b;
}

/** The text of a word as C's `%s` prints it: up to the first NUL, decoded as UTF-8. */
export function cstr(b: Uint8Array): string {
  return utf8.decode(cstrBytes(b));
}

/**
 * `strcasecmp(word, option) == 0`: the word's bytes up to its first NUL equal `lowerOption` ignoring ASCII
 * case. `lowerOption` must be lower-case ASCII.
 */
export function cstrEquals(word: Uint8Array, lowerOption: string): boolean {
  const n = lowerOption.length;
  if (word.length < n) return false;
  if (word.length > n && word[n] !== 0) return false;
  for (let i = 0; i < n; i++) {
    let c = word[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerOption.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * An error text as Valkey's `addReplyErrorFormat` emits it: CR and LF trimmed from both ends, the ones left
 * inside mapped to spaces (an error reply is a single line).
 */
export function errorText(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s[start] === "\r" || s[start] === "\n")) start++;
  while (end > start && (s[end - 1] === "\r" || s[end - 1] === "\n")) end--;
  return s.slice(start, end).replace(/[\r\n]/g, " ");
}

/**
 * Valkey's validateClientAttr: every byte is printable ASCII other than space (`'!'..'~'`). The empty string
 * is valid (it clears the attribute). C stops at the first NUL, so bytes after a NUL are not checked.
 */
export function isValidClientAttr(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) return true;
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** A string cut at its first NUL character (what `%s` prints of a stored binary-safe attribute). */
export function cutAtNul(s: string): string {
  const nul = s.indexOf("\0");
  return nul >= 0 ? s.slice(0, nul) : s;
}
