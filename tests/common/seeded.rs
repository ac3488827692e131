//! The one seeded test-data generator, shared by the tests (`mod common;`), the benches and the
//! `parallel_alpha` example (`#[path = "…/tests/common/seeded.rs"] mod seeded;`). Deterministic and
//! without an RNG dependency: the same seed gives the same data on every machine, so a failing
//! case can be replayed and a benchmark always times the same work.
//!
//! The generator is Marsaglia's xorshift64 (shifts 13, 7, 17; G. Marsaglia 2003, "Xorshift
//! RNGs", *Journal of Statistical Software* 8(14)), uniform doubles from its top 53 bits.

#![allow(dead_code)]

/// xorshift64: a tiny deterministic generator.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from a seed; 0 (the one fixed point of xorshift) is replaced by 1.
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next raw 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform on [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Shuffles `v` in place (Fisher–Yates, index drawn as `next_u64() % (i + 1)`).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// `rows × items` Likert answers on 1..=`points`, row-major, driven by one common factor so
/// that the items correlate (alpha around .8 for 12 items).
pub fn likert(rows: usize, items: usize, points: u32, seed: u64) -> Vec<f64> {
    let mut g = XorShift::new(seed);
    let centre = f64::from(points + 1) / 2.0;
    let spread = f64::from(points - 1) / 4.0;
    let mut out = Vec::with_capacity(rows * items);
    for _ in 0..rows {
        let trait_level = (g.unit() + g.unit() - 1.0) * 2.0;
        for _ in 0..items {
            let noise = (g.unit() + g.unit() - 1.0) * 2.0;
            let v = (centre + spread * (trait_level + noise)).round();
            out.push(v.clamp(1.0, f64::from(points)));
        }
    }
    out
}

/// `rows × cols`, row-major, one common factor (loading 1.5, uniform noise): Likert 1..=7 when
/// `likert`, else continuous around `offset` (to test conditioning far from 0). The seed is made
/// odd, so every `u64` is a usable seed.
pub fn factor_table(rows: usize, cols: usize, seed: u64, likert: bool, offset: f64) -> Vec<f64> {
    let mut g = XorShift::new(seed | 1);
    let mut out = Vec::with_capacity(rows * cols);
    for _ in 0..rows {
        let t = g.unit() * 2.0 - 1.0;
        for _ in 0..cols {
            let v = 1.5 * t + g.unit() * 2.0 - 1.0;
            out.push(if likert {
                (4.0 + 2.0 * v).round().clamp(1.0, 7.0)
            } else {
                offset + v
            });
        }
    }
    out
}

/// `k` heterogeneous correlation studies as `(r, n)`: r spread uniformly over .28 ± .2, n in
/// 20..520 (fixed seed).
pub fn meta_studies(k: usize) -> Vec<(f64, f64)> {
    let mut g = XorShift::new(0x9E37_79B9_7F4A_7C15);
    (0..k)
        .map(|_| {
            let x = g.next_u64();
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            (0.28 + 0.4 * (u - 0.5), 20.0 + (x % 500) as f64)
        })
        .collect()
}
