// Generator of the reference vectors in modules/bloom/bloom_test.ts and siphash_test.ts.
// It uses Rust std's own SipHasher13 and `impl Hash for [u8]` (length prefix), which is what the
// `bloomfilter` 3.0.1 crate feeds, with the crate's sizing and double-hashing arithmetic.
// Run: RUSTC_BOOTSTRAP=1 rustc --edition 2021 -O bloom_vectors.rs && ./bloom_vectors
#![feature(hashmap_internals)]
#![allow(deprecated)]
// Reference bit positions computed with Rust's own SipHasher13 and `impl Hash for [u8]`,
// following the bloomfilter 3.0.1 arithmetic described in spec/bloom.md §1.7.
use std::hash::{Hash, Hasher, SipHasher13};
const FIXED: [u8; 32] = [89,15,245,34,234,120,17,218,167,20,216,9,59,62,123,217,29,137,138,115,62,152,136,135,48,127,151,205,40,7,51,131];
fn key(s: &[u8]) -> (u64, u64) { (u64::from_le_bytes(s[0..8].try_into().unwrap()), u64::from_le_bytes(s[8..16].try_into().unwrap())) }
fn run(seed: &[u8; 32], cap: usize, fp: f64, items: &[&[u8]]) {
    let ln2 = std::f64::consts::LN_2;
    let b = ((cap as f64) * f64::ln(fp) / (-8.0 * ln2 * ln2)).ceil() as usize;
    let m = (b * 8) as u64;
    let k = std::cmp::max(((m as f64) / (cap as f64) * f64::ln(2.0f64)).round() as u32, 1);
    let (a0, a1) = key(&seed[0..16]);
    let (b0, b1) = key(&seed[16..32]);
    let mut bits = vec![0u8; b];
    println!("filter cap={} fp={} B={} k={}", cap, fp, b, k);
    for item in items {
        let mut s1 = SipHasher13::new_with_keys(a0, a1); item.hash(&mut s1); let h0 = s1.finish();
        let mut s2 = SipHasher13::new_with_keys(b0, b1); item.hash(&mut s2); let h1 = s2.finish();
        let mut pos = vec![];
        for i in 0..k {
            let g = if i == 0 { h0 } else if i == 1 { h1 } else { h0.wrapping_add((i as u64).wrapping_mul(h1)) % 0xFFFF_FFFF_FFFF_FFC5u64 };
            let j = g % m;
            pos.push(j);
            bits[(j / 8) as usize] |= 1 << (j % 8);
        }
        println!("item {:?} h0={:016x} h1={:016x} pos={:?}", std::str::from_utf8(item).unwrap(), h0, h1, pos);
    }
    let hex: String = bits.iter().map(|x| format!("{:02x}", x)).collect();
    println!("payload {}", hex);
}
fn main() {
    run(&FIXED, 100, 0.01, &[b"item", b"hello", b"", b"user:1000"]);
    let mut seq = [0u8; 32]; for i in 0..32 { seq[i] = i as u8; }
    run(&seq, 1000, 0.001, &[b"a", b"bloom filter", b"0123456789abcdefXYZ"]);
}
// Raw SipHash-1-3 vectors (key 00..0f, message 00..n-1), as in siphash_test.ts:
//   let mut s = SipHasher13::new_with_keys(k0, k1); s.write(&msg[..n]); s.finish()
