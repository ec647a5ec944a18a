/**
 * Seeded 32-bit hashing of byte ranges for the keyspace tables.
 *
 * Algorithm
 * ---------
 * xxHash32 (Yann Collet's XXH32, as specified in the xxHash format documentation), written here
 * from the published specification with `Math.imul` so every step stays in 32-bit integer
 * arithmetic. It reads four little-endian bytes at a time straight out of a `Uint8Array` range,
 * so a key that is a `subarray` view of a receive buffer is hashed in place and never turned into
 * a JS string. The output is bit-for-bit the reference XXH32 (the unit tests compare against
 * vectors produced by libxxhash), which makes the function easy to validate and to reproduce in
 * other tools.
 *
 *     input ≥ 16 bytes: four lanes v1..v4, one 16-byte stripe per round
 *         v = rotl(v + lane * P2, 13) * P1
 *     merge: rotl(v1,1) + rotl(v2,7) + rotl(v3,12) + rotl(v4,18)   (short input: seed + P5)
 *     + length, then the tail 4 bytes at a time, then byte by byte, then the avalanche.
 *
 * Why not SipHash (Valkey's choice)? SipHash needs 64-bit additions and rotations, which cost
 * several 32-bit operations each in JS; xxHash32 hashes a 16-byte key in a few tens of
 * nanoseconds. Hash-flooding defence comes from a per-process random seed: an attacker who
 * cannot observe the seed cannot precompute keys that land in one bucket. (XXH32 is not a
 * cryptographic PRF; the bucket-chained table degrades to longer chains, never fails, under
 * collisions.)
 *
 * How the tables use the 32 bits: the low bits select the bucket (`hash & mask`) and the top
 * 8 bits (`hash >>> 24`) are the per-slot tag that filters candidates before a key comparison.
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

function freshSeed(): number {
  const words = new Uint32Array(1);
  globalThis.crypto.getRandomValues(words);
  return words[0]!;
}

/** The process-wide seed used by {@link hashOf}; random per process (hash-flooding defence). */
export const HASH_SEED: number = freshSeed();

/**
 * XXH32 of `buf[start..end)` with `seed`. Returns an unsigned 32-bit integer.
 * `start`/`end` must lie within `buf` (not checked, this runs on every request).
 */
export function hashBytes(buf: Uint8Array, start: number, end: number, seed: number): number {
  const len = end - start;
  let p = start;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const limit = end - 16;
    do {
      let w = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
      v1 = (v1 + Math.imul(w, P2)) | 0;
      v1 = Math.imul((v1 << 13) | (v1 >>> 19), P1);
      w = buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24);
      v2 = (v2 + Math.imul(w, P2)) | 0;
      v2 = Math.imul((v2 << 13) | (v2 >>> 19), P1);
      w = buf[p + 8]! | (buf[p + 9]! << 8) | (buf[p + 10]! << 16) | (buf[p + 11]! << 24);
      v3 = (v3 + Math.imul(w, P2)) | 0;
      v3 = Math.imul((v3 << 13) | (v3 >>> 19), P1);
      w = buf[p + 12]! | (buf[p + 13]! << 8) | (buf[p + 14]! << 16) | (buf[p + 15]! << 24);
      v4 = (v4 + Math.imul(w, P2)) | 0;
      v4 = Math.imul((v4 << 13) | (v4 >>> 19), P1);
      p += 16;
    } while (p <= limit);
    h = (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) +
      ((v4 << 18) | (v4 >>> 14))) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + len) | 0;
  while (p + 4 <= end) {
    const w = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
    h = (h + Math.imul(w, P3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), P4);
    p += 4;
  }
  while (p < end) {
    h = (h + Math.imul(buf[p]!, P5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), P1);
    p++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a whole key with the process seed ({@link HASH_SEED}); unsigned 32-bit. */
export function hashOf(key: Uint8Array): number {
  return hashBytes(key, 0, key.length, HASH_SEED);
}
