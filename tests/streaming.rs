//! Streaming accumulators against the in-memory functions: same results (every numeric field
//! to 1e-12 relative, 1e-13 absolute near zero) whichever way the data are split into parts, pushed row by row or in
//! blocks, and merged; plus goldens (psych 2.2.9 via `testdata/expected_*.json`) reached
//! through the accumulators.

mod common;

use common::golden::{csv, json};
use common::seeded::factor_table;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;
use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, CorrelationAccumulator, CorrelationMethod, CorrelationOptions,
    IccAccumulator, IccKind, IccOptions, StatsError, alpha, correlate, correlate_pairwise, icc,
};

const REL: f64 = 1e-12;
/// Absolute floor for quantities that are rounding noise around zero (e.g. MSC ≈ 1e-31 when
/// the rater means coincide, alpha ≈ 5e-4, p ≈ 1e-12), where a relative error means nothing.
const ABS: f64 = 1e-13;

/// Numeric columns of a CSV (a leading label column, as in the ICC fixture, is skipped),
/// complete rows only: (columns, row-major values).
fn read_csv(name: &str) -> (usize, Vec<f64>) {
    let mut rdr = csv(name);
    let skip = usize::from(rdr.headers().unwrap().get(0) == Some(""));
    let cols = rdr.headers().unwrap().len() - skip;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if rec.iter().any(|c| c == "NA") {
            continue;
        }
        out.extend(rec.iter().skip(skip).map(|c| c.parse::<f64>().unwrap()));
    }
    (cols, out)
}

/// Walks two serialised results; everything but numbers must agree exactly. Numbers must agree to `REL` relative (plus `ABS`), with relative errors taken against at
/// least `floor` and the tolerance widened by a condition number `kappa` (≥ 1; 1 for every
/// result but the correlation's).
///
/// Why a correlation needs both: r is bounded by 1 and the co-moments of a split and an unsplit
/// pass differ by a few ulps of sqrt(Cxx·Cyy), so r agrees to about eps in absolute terms; near
/// r = 0 a relative comparison measures only that conditioning (floor 1). The statistics
/// derived from r — t = r·sqrt(df / (1 − r²)), the Fisher-z interval, p — amplify an error in
/// r by up to 1 / (1 − r²) as |r| → 1 (kappa).
fn same_scaled(path: &str, a: &Value, b: &Value, floor: f64, kappa: f64) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            let scale = x.abs().max(y.abs()).max(floor);
            if (x - y).abs() <= REL * kappa * scale + ABS {
                Ok(())
            } else {
                Err(format!(
                    "{path}: {x} vs {y} (rel {:e})",
                    (x - y).abs() / scale
                ))
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().try_for_each(|(i, (x, y))| {
                same_scaled(&format!("{path}[{i}]"), x, y, floor, kappa)
            })
        }
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            x.iter().try_for_each(|(k, v)| {
                same_scaled(
                    &format!("{path}.{k}"),
                    v,
                    y.get(k).unwrap_or(&Value::Null),
                    floor,
                    kappa,
                )
            })
        }
        _ if a == b => Ok(()),
        // An infinite statistic serialises as null. When the conditioning is so bad that no
        // digit is determined (REL·kappa ≥ 1: |r| within a few ulps of 1, where t = ±∞ for
        // r = ±1 exactly, as R's cor.test gives), a huge finite t and ±∞ are the same answer.
        (Value::Null, Value::Number(_)) | (Value::Number(_), Value::Null) if REL * kappa >= 1.0 => {
            Ok(())
        }
        _ => Err(format!("{path}: {a} vs {b}")),
    }
}

fn assert_same<T: Serialize + std::fmt::Debug>(
    streamed: &Result<T, StatsError>,
    direct: &Result<T, StatsError>,
) -> Result<(), TestCaseError> {
    assert_same_scaled(streamed, direct, 0.0, 1.0)
}

/// [`assert_same`] with [`same_scaled`]'s floor and condition number.
fn assert_same_scaled<T: Serialize + std::fmt::Debug>(
    streamed: &Result<T, StatsError>,
    direct: &Result<T, StatsError>,
    floor: f64,
    kappa: f64,
) -> Result<(), TestCaseError> {
    match (streamed, direct) {
        (Ok(s), Ok(d)) => same_scaled(
            "",
            &serde_json::to_value(s).unwrap(),
            &serde_json::to_value(d).unwrap(),
            floor,
            kappa,
        )
        .map_err(TestCaseError::fail),
        (Err(s), Err(d)) => {
            prop_assert_eq!(s, d);
            Ok(())
        }
        _ => Err(TestCaseError::fail(format!(
            "streamed {streamed:?} but in memory {direct:?}"
        ))),
    }
}

/// Cut `rows` rows at the given fractions (sorted; repeated cuts give empty parts).
fn parts(rows: usize, cuts: &[f64]) -> Vec<(usize, usize)> {
    let mut at: Vec<usize> = cuts.iter().map(|c| (c * rows as f64) as usize).collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for a in at.into_iter().chain([rows]) {
        out.push((start, a.min(rows)));
        start = a.min(rows);
    }
    out
}

fn split_strategy() -> impl Strategy<Value = (usize, usize, u64, bool, Vec<f64>, bool, bool)> {
    (
        3usize..300,
        2usize..7,
        any::<u64>(),
        any::<bool>(),
        prop::collection::vec(0.0..1.0f64, 0..6),
        any::<bool>(),
        any::<bool>(),
    )
}

proptest! {
    #[test]
    fn alpha_any_split_equals_in_memory(
        (rows, p, seed, likert, cuts, by_row, tree) in split_strategy()
    ) {
        // With fewer respondents than items + 2 the correlation matrix is singular: the smc-based
        // statistics (G6, r_cor) are then ratios of rounding noise, equal only to the conditioning.
        prop_assume!(rows >= p + 2);
        let data = factor_table(rows, p, seed, likert, 50.0);
        let direct = alpha(&data, p, &AlphaOptions::new().reverse_indices(&[0]));
        let mut accs = Vec::new();
        for (a, b) in parts(rows, &cuts) {
            let mut acc = AlphaAccumulator::new(p).unwrap();
            let chunk = &data[a * p..b * p];
            if by_row {
                for row in chunk.chunks_exact(p) {
                    acc.push(row).unwrap();
                }
            } else {
                acc.push_rows(chunk).unwrap();
            }
            accs.push(acc);
        }
        let merged = merge_all(accs, tree, |a, b| a.merge(b).unwrap());
        prop_assert_eq!(merged.count(), rows);
        let streamed = merged.finish(&AlphaOptions::new().reverse_indices(&[0]));
        assert_same(&streamed, &direct)?;
    }

    #[test]
    fn icc_any_split_equals_in_memory(
        (rows, k, seed, likert, cuts, by_row, tree) in split_strategy()
    ) {
        let data = factor_table(rows, k, seed, likert, 20.0);
        let direct = icc(&data, k, &IccOptions::new());
        let mut accs = Vec::new();
        for (a, b) in parts(rows, &cuts) {
            let mut acc = IccAccumulator::new(k).unwrap();
            let chunk = &data[a * k..b * k];
            if by_row {
                for row in chunk.chunks_exact(k) {
                    acc.push(row).unwrap();
                }
            } else if !chunk.is_empty() {
                acc.push_rows(chunk).unwrap();
            }
            accs.push(acc);
        }
        let merged = merge_all(accs, tree, |a, b| a.merge(b).unwrap());
        prop_assert_eq!(merged.count(), rows);
        assert_same(&merged.finish(&IccOptions::new()), &direct)?;
    }

    #[test]
    fn correlation_any_split_equals_in_memory(
        (rows, _p, seed, likert, cuts, _by_row, tree) in split_strategy()
    ) {
        let data = factor_table(rows, 2, seed, likert, 1e3);
        let (x, y): (Vec<f64>, Vec<f64>) = data.chunks_exact(2).map(|r| (r[0], r[1])).unzip();
        let mut direct = correlate(&x, &y, &CorrelationOptions::new());
        if let Ok(d) = &mut direct {
            d.ties = false; // not tracked by the accumulator (documented)
        }
        let mut accs = Vec::new();
        for (a, b) in parts(rows, &cuts) {
            let mut acc = CorrelationAccumulator::new();
            for i in a..b {
                acc.push(x[i], y[i]).unwrap();
            }
            accs.push(acc);
        }
        let merged = merge_all(accs, tree, |a, b| a.merge(b).unwrap());
        // r is bounded by 1, and t, p and the interval are conditioned by 1 / (1 − r²): compare
        // on those scales (see `same_scaled`).
        let kappa = direct.as_ref().map_or(1.0, |d| 1.0 / (1.0 - d.r * d.r).max(f64::EPSILON));
        assert_same_scaled(&merged.finish(&CorrelationOptions::new()), &direct, 1.0, kappa)?;
    }
}

/// Merges left to right, or pairwise as a tree (as a parallel reduction would).
fn merge_all<A: Clone>(mut accs: Vec<A>, tree: bool, merge: impl Fn(&mut A, &A)) -> A {
    if tree {
        while accs.len() > 1 {
            let mut next = Vec::with_capacity(accs.len().div_ceil(2));
            for pair in accs.chunks(2) {
                let mut a = pair[0].clone();
                if let Some(b) = pair.get(1) {
                    merge(&mut a, b);
                }
                next.push(a);
            }
            accs = next;
        }
        accs.remove(0)
    } else {
        let mut it = accs.into_iter();
        let mut first = it.next().unwrap();
        for a in it {
            merge(&mut first, &a);
        }
        first
    }
}

#[test]
fn alpha_golden_through_three_workers() {
    let (_, data) = read_csv("alpha_data.csv");
    let p = 5;
    let four: Vec<f64> = data
        .chunks_exact(p)
        .flat_map(|r| r[..4].iter().copied())
        .collect();
    let rows = four.len() / 4;
    let cuts = [0, rows / 3, rows / 2, rows];
    let mut parts = cuts.windows(2).map(|w| {
        let mut acc = AlphaAccumulator::new(4).unwrap();
        acc.push_rows(&four[w[0] * 4..w[1] * 4]).unwrap();
        acc
    });
    let mut acc = parts.next().unwrap();
    for part in parts {
        acc.merge(&part).unwrap();
    }
    let a = acc.finish(&AlphaOptions::new()).unwrap();
    let e = &json("expected_alpha.json")["A1_alpha_x1to4"]["total"];
    for (got, key) in [
        (a.raw_alpha, "raw_alpha"),
        (a.std_alpha, "std.alpha"),
        (a.g6, "G6(smc)"),
        (a.average_r, "average_r"),
        (a.ase, "ase"),
        (a.mean, "mean"),
        (a.sd, "sd"),
    ] {
        let want = e[key].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 1e-9 * want.abs(),
            "{key}: {got} vs {want}"
        );
    }
}

#[test]
fn icc_golden_row_by_row() {
    let (k, data) = read_csv("icc_shrout_fleiss.csv");
    let mut a = IccAccumulator::new(k).unwrap();
    let mut b = IccAccumulator::new(k).unwrap();
    for (t, row) in data.chunks_exact(k).enumerate() {
        if t % 2 == 0 { &mut a } else { &mut b }.push(row).unwrap();
    }
    a.merge(&b).unwrap();
    let r = a.finish(&IccOptions::new()).unwrap();
    let e = &json("expected_icc.json")["anova_lmer_false"]["results"];
    for (kind, key) in [
        (IccKind::Icc1, "Single_raters_absolute"),
        (IccKind::Icc2, "Single_random_raters"),
        (IccKind::Icc3, "Single_fixed_raters"),
        (IccKind::Icc3k, "Average_fixed_raters"),
    ] {
        let f = r.form(kind).unwrap();
        let want = e[key]["ICC"].as_f64().unwrap();
        assert!((f.icc - want).abs() <= 1e-12, "{key}: {} vs {want}", f.icc);
        let lb = e[key]["lower bound"].as_f64().unwrap();
        assert!(
            (f.ci_lb - lb).abs() <= 1e-9,
            "{key} lower: {} vs {lb}",
            f.ci_lb
        );
    }
}

#[test]
fn correlation_golden_and_pairwise() {
    let (_, data) = read_csv("corr_data.csv");
    let mut acc = CorrelationAccumulator::new();
    for r in data.chunks_exact(2) {
        acc.push_pairwise(Some(r[0]), Some(r[1])).unwrap();
    }
    acc.push_pairwise(None, Some(1.0)).unwrap();
    let c = acc.finish(&CorrelationOptions::new()).unwrap();
    let e = &json("expected_corr.json")["pearson"];
    assert!((c.r - e["r"].as_f64().unwrap()).abs() <= 1e-12);
    assert!((c.p - e["p"].as_f64().unwrap()).abs() <= 1e-12);
    assert_eq!(c.n, 12);
    assert_eq!(c.n_missing, 1);
    let x: Vec<Option<f64>> = data
        .chunks_exact(2)
        .map(|r| Some(r[0]))
        .chain([None])
        .collect();
    let y: Vec<Option<f64>> = data
        .chunks_exact(2)
        .map(|r| Some(r[1]))
        .chain([Some(1.0)])
        .collect();
    let d = correlate_pairwise(&x, &y, &CorrelationOptions::new()).unwrap();
    assert_eq!(d.n_missing, c.n_missing);
    assert!((d.ci_lb.unwrap() - c.ci_lb.unwrap()).abs() <= 1e-12);
}

#[test]
fn bad_input_is_an_error_naming_the_row() {
    let mut a = AlphaAccumulator::new(3).unwrap();
    assert!(AlphaAccumulator::new(1).is_err());
    a.push(&[1.0, 2.0, 3.0]).unwrap();
    assert!(matches!(
        a.push(&[1.0, f64::NAN, 3.0]),
        Err(StatsError::NonFinite { row: 1, .. })
    ));
    assert!(matches!(
        a.push(&[1.0]),
        Err(StatsError::LengthMismatch { .. })
    ));
    assert!(matches!(
        a.push_rows(&[1.0, 2.0]),
        Err(StatsError::LengthMismatch { .. })
    ));
    assert!(matches!(
        a.push_rows(&[1.0, 2.0, 3.0, 4.0, f64::INFINITY, 6.0]),
        Err(StatsError::NonFinite { row: 1, .. })
    ));
    assert_eq!(a.count(), 1);
    assert!(matches!(
        a.finish(&AlphaOptions::new()),
        Err(StatsError::TooFewCases { .. })
    ));
    assert!(a.merge(&AlphaAccumulator::new(4).unwrap()).is_err());

    let mut i = IccAccumulator::new(2).unwrap();
    assert!(IccAccumulator::new(1).is_err());
    assert!(i.merge(&IccAccumulator::new(3).unwrap()).is_err());
    for r in [[1.0, 2.0], [3.0, 5.0], [4.0, 4.0]] {
        i.push(&r).unwrap();
    }
    assert!(!i.push_with_missing(&[Some(1.0), None]).unwrap());
    assert!(matches!(
        i.finish(&IccOptions::new()),
        Err(StatsError::TooFewCases { .. })
    ));
    let dropped = i
        .finish(&IccOptions::builder().drop_incomplete(true).build().unwrap())
        .unwrap();
    assert_eq!(dropped.n_dropped, 1);
    assert_eq!(dropped.n_targets, 3);

    let mut c = CorrelationAccumulator::new();
    assert!(matches!(
        c.push(1.0, f64::NAN),
        Err(StatsError::NonFinite { row: 0, .. })
    ));
    c.push(1.0, 2.0).unwrap();
    c.push(2.0, 2.5).unwrap();
    c.push(3.0, 2.0).unwrap();
    assert!(
        c.finish(&CorrelationOptions::new().method(CorrelationMethod::Spearman))
            .is_err()
    );
    assert!(c.finish(&CorrelationOptions::new().level(2.0)).is_err());
}

#[test]
fn accumulators_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<AlphaAccumulator>();
    check::<IccAccumulator>();
    check::<CorrelationAccumulator>();
}
