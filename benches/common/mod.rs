//! Shared by the benches: the seeded data generator of the tests (one copy, in
//! `tests/common/seeded.rs`) and the one-pass floor every result is read against.

#![allow(dead_code)]

#[path = "../../tests/common/seeded.rs"]
pub mod seeded;

/// The one-pass floor: a plain loop that sums every value of the buffer once.
pub fn baseline_sum(data: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in data {
        s += x;
    }
    s
}
