/**
 * What the JSON module's fuzz tests share: the seeded generator (xorshift32, in [0, 1)), so a failing run
 * replays from its seed, and the tokens random paths are made of. Core's tests use core/util/prng.ts; a
 * module imports only core/module_api, hence this copy of the generator.
 *
 * @module
 */

export function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Pieces random JSONPaths are glued from (legacy and v2 syntax, filters, slices, unions, bad tokens). */
export const PATH_TOKENS: readonly string[] = [
  "$",
  ".",
  "..",
  "*",
  "[",
  "]",
  "[*]",
  "a",
  "b",
  "price",
  "store",
  "book",
  "0",
  "-1",
  ":",
  ",",
  "?(",
  ")",
  "@",
  "@.price",
  "==",
  "<",
  ">=",
  "!=",
  "&&",
  "||",
  '"a"',
  "'b'",
  "1.5",
  "null",
  "true",
  " ",
  "(",
  "$.store",
  "[0:2]",
  "[::-1]",
  '["a","b"]',
  "[?(@.price<10)]",
  "[1]",
  "[-1]",
  "[?(@>0)]",
  ".tags",
  ".dimensions",
];
