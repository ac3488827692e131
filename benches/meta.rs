//! REML meta-analysis of 100,000 correlations (target: well under 100 ms per fit).
//!
//! `cargo bench --bench meta`
//!
//! The baseline sums the 2·k numbers (r, n) of the same studies once: the one-pass floor.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use therapeutic_alliance::stats::{CorrelationStudy, MetaOptions, TauMethod, meta_analysis};

/// Deterministic heterogeneous studies (the tests' seeded generator): r spread around .28,
/// n 20..520.
fn studies(k: usize) -> Vec<CorrelationStudy> {
    common::seeded::meta_studies(k)
        .into_iter()
        .map(|(r, n)| CorrelationStudy::new(r, n).expect("valid by construction"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = studies(100_000);
    let reml = MetaOptions::new().method(TauMethod::Reml);
    let flat: Vec<f64> = data.iter().flat_map(|s| [s.r(), s.n()]).collect();
    c.bench_function("meta_baseline_sum", |b| {
        b.iter(|| common::baseline_sum(black_box(&flat)));
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
