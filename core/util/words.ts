/**
 * Case-insensitive command words as bytes: the hash and the comparison the command table's fast path
 * uses, on the main thread (core/commands/registry.ts) and in the I/O Workers (core/io/worker_parse.ts).
 *
 * @module
 */

/** FNV-1a over the ASCII-lower-cased bytes of a command word. */
export function wordHash(word: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    let c = word[i]!;
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** `word` equals the lower-case ASCII `lower`, ignoring case. */
export function wordIs(word: Uint8Array, lower: Uint8Array): boolean {
  if (word.length !== lower.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = word[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower[i]) return false;
  }
  return true;
}
