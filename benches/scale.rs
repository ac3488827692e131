//! Throughput on large inputs, each next to the one-pass floor (a plain loop summing every
//! value of the same buffer once), so results read as a ratio to that floor.
//!
//! `cargo bench --bench scale`

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use therapeutic_alliance::stats::{AlphaOptions, IccOptions, alpha, icc};
use therapeutic_alliance::{Answer, BatchScores, Instrument};

fn bench_alpha(c: &mut Criterion) {
    let (n, p) = (1_000_000, 12);
    let data = common::likert(n, p, 7, 7);
    let mut g = c.benchmark_group("alpha_1m_x12");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function("baseline_sum", |b| {
        b.iter(|| common::baseline_sum(black_box(&data)));
    });
    let opts = AlphaOptions::new().without_omega();
    g.bench_function("alpha", |b| b.iter(|| alpha(black_box(&data), p, &opts)));
    let with_omega = AlphaOptions::new();
    g.bench_function("alpha_with_omega", |b| {
        b.iter(|| alpha(black_box(&data), p, &with_omega));
    });
    g.finish();
}

fn bench_icc(c: &mut Criterion) {
    let (n, k) = (10_000, 5);
    let data = common::likert(n, k, 7, 11);
    let mut g = c.benchmark_group("icc_10k_x5");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function("baseline_sum", |b| {
        b.iter(|| common::baseline_sum(black_box(&data)));
    });
    let opts = IccOptions::new();
    g.bench_function("icc", |b| b.iter(|| icc(black_box(&data), k, &opts)));
    g.finish();
}

fn bench_scoring(c: &mut Criterion) {
    let inst = Instrument::builtin("wai-sr").expect("built-in");
    let p = inst.item_count();
    let n = 1_000_000;
    let (lo, hi) = inst.scale().bounds();
    let points = (hi - lo) as u32 + 1;
    let data: Vec<f64> = common::likert(n, p, points, 3)
        .into_iter()
        .map(|v| v - 1.0 + lo)
        .collect();
    let answers: Vec<Answer> = data.iter().map(|&v| Answer::Value(v)).collect();
    let mut out = BatchScores::new();
    let mut g = c.benchmark_group("score_1m_wai_sr");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function("baseline_sum", |b| {
        b.iter(|| common::baseline_sum(black_box(&data)));
    });
    g.bench_function("score_dense", |b| {
        b.iter(|| inst.score_dense(black_box(&answers), &mut out));
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = bench_alpha, bench_icc, bench_scoring
}
criterion_main!(benches);
