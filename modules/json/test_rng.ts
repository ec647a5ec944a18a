/**
 * The seeded generator of the JSON module's fuzz tests (xorshift32, in [0, 1)), so a failing run replays
 * from its seed. Core's tests use core/util/prng.ts; a module imports only core/module_api, hence this copy.
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
