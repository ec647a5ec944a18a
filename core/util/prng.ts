/**
 * Small seeded pseudo-random generators for tests and fuzzing, so a failing run can be replayed from its
 * seed. Both return numbers in [0, 1). Not for anything that must be unpredictable (hash seeds use
 * crypto.getRandomValues).
 *
 * @module
 */

/** mulberry32. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** xorshift32 (a zero seed, which would stay zero, starts from 1). */
export function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
