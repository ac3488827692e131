//! REML meta-analysis of 100,000 correlations (target: well under 100 ms per fit).
//!
//! `cargo bench --bench meta`
//!
//! The baseline sums the 2·k numbers (r, n) of the same studies once: the one-pass floor.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use therapeutic_alliance::stats::{CorrelationStudy, MetaOptions, TauMethod, meta_analysis};

/// Deterministic heterogeneous studies (no RNG dependency): r spread around .28, n 20..520.
fn studies(k: usize) -> Vec<CorrelationStudy> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..k)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            let n = 20.0 + (x % 500) as f64;
            let r = (0.28 + 0.4 * (u - 0.5)).clamp(-0.99, 0.99);
            CorrelationStudy::new(r, n).expect("valid by construction")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = studies(100_000);
    let reml = MetaOptions::new().method(TauMethod::Reml);
    let flat: Vec<f64> = data.iter().flat_map(|s| [s.r(), s.n()]).collect();
    c.bench_function("meta_baseline_sum", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for &x in black_box(&flat) {
                s += x;
            }
            s
        });
    });
    c.bench_function("meta_reml_k100000", |b| {
        b.iter(|| meta_analysis(black_box(&data), &reml));
    });
    let no_ci = reml.tau2_ci(false);
    c.bench_function("meta_reml_k100000_without_tau2_ci", |b| {
        b.iter(|| meta_analysis(black_box(&data), &no_ci));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
