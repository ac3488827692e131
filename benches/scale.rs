//! Throughput on large inputs, each next to the one-pass floor (a plain loop summing every
//! value of the same buffer once), so results read as a ratio to that floor.
//!
//! `cargo bench --bench scale`

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, CorrelationAccumulator, IccOptions, alpha, icc,
};
use therapeutic_alliance::{Answer, BatchScores, FlatScores, Instrument};

fn bench_alpha(c: &mut Criterion) {
    let (n, p) = (1_000_000, 12);
    let data = common::seeded::likert(n, p, 7, 7);
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
    g.bench_function("accumulator_push_row_by_row", |b| {
        b.iter(|| {
            let mut acc = AlphaAccumulator::new(p).expect("12 items");
            for row in black_box(&data).chunks_exact(p) {
                acc.push(row).expect("finite");
            }
            acc.finish(&opts)
        });
    });
    let with_omega = AlphaOptions::new();
    g.bench_function("alpha_with_omega", |b| {
        b.iter(|| alpha(black_box(&data), p, &with_omega));
    });
    g.finish();
}

fn bench_icc(c: &mut Criterion) {
    let (n, k) = (10_000, 5);
    let data = common::seeded::likert(n, k, 7, 11);
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
    let data: Vec<f64> = common::seeded::likert(n, p, points, 3)
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
    let mut flat = FlatScores::new();
    g.bench_function("score_flat", |b| {
        b.iter(|| inst.score_flat(black_box(&data), &mut flat));
    });
    g.bench_function("score_dense", |b| {
        b.iter(|| inst.score_dense(black_box(&answers), &mut out));
    });
    g.finish();
}

fn bench_merge(c: &mut Criterion) {
    let p = 12;
    let data = common::seeded::likert(10_000, p, 7, 5);
    let (left, right) = data.split_at(5_000 * p);
    let mut a = AlphaAccumulator::new(p).expect("12 items");
    a.push_rows(left).expect("finite");
    let mut b = AlphaAccumulator::new(p).expect("12 items");
    b.push_rows(right).expect("finite");
    let mut x = CorrelationAccumulator::new();
    let mut y = CorrelationAccumulator::new();
    for (i, r) in data.chunks_exact(p).enumerate() {
        let acc = if i % 2 == 0 { &mut x } else { &mut y };
        acc.push(r[0], r[1]).expect("finite");
    }
    // the state a merge reads: p means + p² co-moments
    let state = &data[..p * p + p];
    let mut g = c.benchmark_group("merge_12_items");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    g.bench_function("baseline_sum_of_state", |bch| {
        bch.iter(|| common::baseline_sum(black_box(state)));
    });
    g.bench_function("alpha_accumulator_merge", |bch| {
        bch.iter(|| {
            let mut m = a.clone();
            m.merge(black_box(&b)).expect("same items");
            m
        });
    });
    g.bench_function("alpha_accumulator_clone_only", |bch| {
        bch.iter(|| black_box(&a).clone());
    });
    g.bench_function("correlation_accumulator_merge", |bch| {
        bch.iter(|| {
            let mut m = x;
            m.merge(black_box(&y)).expect("small counts");
            m
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = bench_alpha, bench_icc, bench_scoring, bench_merge
}
criterion_main!(benches);
