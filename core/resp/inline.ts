/**
 * Splitting of inline commands ("SET k v" typed in telnet) with the rules of Valkey's sdssplitargs.
 *
 * - Arguments are separated by runs of C whitespace (space, \t, \n, \v, \f, \r). An unquoted argument ends
 *   at a space, \n, \r or \t (so \v and \f inside a word are kept).
 * - "double quotes": escapes \n \r \t \b \a, \xHH (two hex digits, any case) and \<any byte> for that byte
 *   (so \" and \\); a lone "\" before the end of input makes the quote unterminated.
 * - 'single quotes': only \' is an escape; everything else, backslashes included, is literal.
 * - A closing quote must be followed by whitespace or the end of the line, otherwise the whole line is
 *   invalid. Quotes may start in the middle of a word: a"b c" is the single argument `ab c`.
 * - An unterminated quote makes the line invalid (null), which the server reports as
 *   "Protocol error: unbalanced quotes in request".
 * - Like the C code, which works on a NUL-terminated string, a 0 byte ends the input.
 */

import { asciiBytes, bytesToAscii } from "../util/numbers.ts";

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits one inline line into arguments. Returns null for unbalanced quotes. Unquoted arguments are views
 * into `line`; arguments with quotes are fresh arrays.
 */
export function splitArgs(line: Uint8Array): Uint8Array[] | null {
  let n = line.length;
  const nul = line.indexOf(0);
  if (nul >= 0) n = nul;
  const out: Uint8Array[] = [];
  let i = 0;
  for (;;) {
    while (i < n && isCSpace(line[i]!)) i++;
    if (i >= n) return out;
    // Fast path: a plain word with no quote characters.
    const start = i;
    let j = i;
    let quoted = false;
    while (j < n) {
      const c = line[j]!;
      if (c === 32 || c === 10 || c === 13 || c === 9) break;
      if (c === 34 || c === 39) {
        quoted = true;
        break;
      }
      j++;
    }
    if (!quoted) {
      out.push(line.subarray(start, j));
      i = j + 1; // the terminator (if any) is consumed
      continue;
    }
    // General path: a word containing quotes, decoded into a buffer.
    const buf: number[] = [];
    let inq = false;
    let insq = false;
    let k = start;
    for (;;) {
      const c = k < n ? line[k]! : 0;
      if (inq) {
        if (
          c === 92 && k + 3 < n && line[k + 1] === 120 && hexDigit(line[k + 2]!) >= 0 &&
          hexDigit(line[k + 3]!) >= 0
        ) {
          buf.push(hexDigit(line[k + 2]!) * 16 + hexDigit(line[k + 3]!));
          k += 4;
          continue;
        }
        if (c === 92 && k + 1 < n) {
          const e = line[k + 1]!;
          buf.push(e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e);
          k += 2;
          continue;
        }
        if (c === 34) {
          if (k + 1 < n && !isCSpace(line[k + 1]!)) return null;
          k++;
          break;
        }
        if (k >= n) return null;
        buf.push(c);
        k++;
      } else if (insq) {
        if (c === 92 && k + 1 < n && line[k + 1] === 39) {
          buf.push(39);
          k += 2;
          continue;
        }
        if (c === 39) {
          if (k + 1 < n && !isCSpace(line[k + 1]!)) return null;
          k++;
          break;
        }
        if (k >= n) return null;
        buf.push(c);
        k++;
      } else {
        if (k >= n || c === 32 || c === 10 || c === 13 || c === 9) {
          k++;
          break;
        }
        if (c === 34) inq = true;
        else if (c === 39) insq = true;
        else buf.push(c);
        k++;
      }
    }
    out.push(Uint8Array.from(buf));
    i = k;
  }
}

/**
 * {@link splitArgs} over a string of Latin-1 characters (one per byte: AOF manifests, ACL rules), words
 * returned the same way. Null for unbalanced quotes.
 */
export function splitArgsLatin1(text: string): string[] | null {
  const words = splitArgs(asciiBytes(text));
  return words === null ? null : words.map(bytesToAscii);
}
