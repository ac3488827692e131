//! Deterministic synthetic data shared by the benches, the comparison script's generator and
//! the `parallel_alpha` example (no RNG dependency).

#![allow(dead_code)]

/// xorshift64: a tiny deterministic generator.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from a non-zero seed.
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

/// The one-pass floor: a plain loop that sums every value of the buffer once.
pub fn baseline_sum(data: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in data {
        s += x;
    }
    s
}
