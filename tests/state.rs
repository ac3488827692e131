//! Exported accumulator state: round trips (state, JSON, bytes) equal the original for random
//! splits; the exact integer path is bit-identical whatever the split and merge order;
//! corrupted, truncated, foreign or inconsistent states are refused, never imported.

use proptest::prelude::*;
use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, AlphaState, CorrelationAccumulator, CorrelationOptions,
    CorrelationState, IccAccumulator, IccOptions, IccState, MomentState, StateError, StateKind,
    StatsError, alpha, icc,
};

/// Deterministic rows: Likert 1..=points with a common factor (integers), or the same plus a
/// fraction (non-integer).
fn table(rows: usize, cols: usize, seed: u64, points: u32, fractional: bool) -> Vec<f64> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = Vec::with_capacity(rows * cols);
    for _ in 0..rows {
        let t = next() % u64::from(points);
        for _ in 0..cols {
            let v = ((t + next() % 3) % u64::from(points)) as f64 + 1.0;
            out.push(if fractional {
                v + (next() % 1000) as f64 / 997.0
            } else {
                v
            });
        }
    }
    out
}

/// Cut points (row indices) from fractions.
fn cuts(rows: usize, fractions: &[f64]) -> Vec<(usize, usize)> {
    let mut at: Vec<usize> = fractions
        .iter()
        .map(|f| (f * rows as f64) as usize)
        .collect();
    at.push(0);
    at.push(rows);
    at.sort_unstable();
    at.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Merges parts in the order given by `order` (a permutation seed), left fold or as a tree.
fn merge_in_order<A: Clone>(
    mut parts: Vec<A>,
    order: u64,
    tree: bool,
    merge: impl Fn(&mut A, &A),
) -> A {
    let mut s = order | 1;
    for i in (1..parts.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        parts.swap(i, (s % (i as u64 + 1)) as usize);
    }
    if tree {
        while parts.len() > 1 {
            let mut next = Vec::new();
            for pair in parts.chunks(2) {
                let mut a = pair[0].clone();
                if let Some(b) = pair.get(1) {
                    merge(&mut a, b);
                }
                next.push(a);
            }
            parts = next;
        }
        parts.remove(0)
    } else {
        let mut it = parts.into_iter();
        let mut acc = it.next().unwrap();
        for p in it {
            merge(&mut acc, &p);
        }
        acc
    }
}

fn json<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_string(x).unwrap()
}

/// A result as JSON (every float printed round-trip exactly, so equal strings are
/// bit-identical numbers) or its error.
fn res<T: serde::Serialize>(r: Result<T, StatsError>) -> String {
    r.map_or_else(|e| format!("error: {e}"), |v| json(&v))
}

fn alpha_parts(
    data: &[f64],
    p: usize,
    parts: &[(usize, usize)],
    rowwise: bool,
) -> Vec<AlphaAccumulator> {
    parts
        .iter()
        .map(|&(a, b)| {
            let mut acc = AlphaAccumulator::new(p).unwrap();
            if b == a {
            } else if rowwise {
                for r in data[a * p..b * p].chunks_exact(p) {
                    acc.push(r).unwrap();
                }
            } else {
                acc.push_rows(&data[a * p..b * p]).unwrap();
            }
            acc
        })
        .collect()
}

fn icc_parts(data: &[f64], k: usize, parts: &[(usize, usize)]) -> Vec<IccAccumulator> {
    parts
        .iter()
        .map(|&(a, b)| {
            let mut acc = IccAccumulator::new(k).unwrap();
            if b > a {
                acc.push_rows(&data[a * k..b * k]).unwrap();
            }
            acc
        })
        .collect()
}

fn corr_parts(data: &[f64], parts: &[(usize, usize)]) -> Vec<CorrelationAccumulator> {
    parts
        .iter()
        .map(|&(a, b)| {
            let mut acc = CorrelationAccumulator::new();
            for r in data[a * 2..b * 2].chunks_exact(2) {
                acc.push(r[0], r[1]).unwrap();
            }
            acc
        })
        .collect()
}

fn split_strategy() -> impl Strategy<Value = (usize, usize, u64, u32, Vec<f64>, u64, bool)> {
    (
        4usize..700,
        2usize..20,
        any::<u64>(),
        prop_oneof![Just(5u32), Just(7), Just(4), Just(2)],
        prop::collection::vec(0.0f64..1.0, 0..6),
        any::<u64>(),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Integer data: the merged state, and every field of finish, are bit-identical to the
    /// in-memory result whatever the split, push mode and merge order.
    #[test]
    fn integer_data_is_bit_identical_under_any_split(
        (rows, p, seed, points, fr, order, tree) in split_strategy(),
        rowwise in any::<bool>(),
    ) {
        let data = table(rows, p, seed, points, false);
        let parts = cuts(rows, &fr);
        let merged = merge_in_order(alpha_parts(&data, p, &parts, rowwise), order, tree, |a, b| a.merge(b).unwrap());
        let mut whole = AlphaAccumulator::new(p).unwrap();
        whole.push_rows(&data).unwrap();
        prop_assert!(merged.is_exact());
        prop_assert_eq!(&merged.state(), &whole.state());
        let opts = AlphaOptions::new().without_omega();
        prop_assert_eq!(res(merged.finish(&opts)), res(alpha(&data, p, &opts)));

        let merged = merge_in_order(icc_parts(&data, p, &parts), order, tree, |a, b| a.merge(b).unwrap());
        let io = IccOptions::new();
        prop_assert!(merged.is_exact());
        prop_assert_eq!(res(merged.finish(&io)), res(icc(&data, p, &io)));

        let pairs = &data[..(data.len() / 2) * 2];
        let merged = merge_in_order(corr_parts(pairs, &cuts(pairs.len() / 2, &fr)), order, tree, |a, b| a.merge(b).unwrap());
        let mut whole = CorrelationAccumulator::new();
        for r in pairs.chunks_exact(2) {
            whole.push(r[0], r[1]).unwrap();
        }
        prop_assert!(merged.is_exact());
        prop_assert_eq!(merged, whole);
        let co = CorrelationOptions::new();
        prop_assert_eq!(res(merged.finish(&co)), res(whole.finish(&co)));
    }

    /// Export → import (state, JSON, bytes) gives back an equal accumulator with equal results,
    /// on either path, for every part of a random split and for the merged whole.
    #[test]
    fn export_import_round_trips(
        (rows, p, seed, points, fr, order, tree) in split_strategy(),
        fractional in any::<bool>(),
    ) {
        let data = table(rows, p, seed, points, fractional);
        let parts = cuts(rows, &fr);
        let alphas = alpha_parts(&data, p, &parts, false);
        let merged = merge_in_order(alphas.clone(), order, tree, |a, b| a.merge(b).unwrap());
        let opts = AlphaOptions::new().without_omega();
        for acc in alphas.iter().chain([&merged]) {
            prop_assert_eq!(acc.is_exact(), !fractional || acc.count() == 0);
            let a = AlphaAccumulator::from_state(acc.state()).unwrap();
            prop_assert_eq!(&a, acc);
            let b = AlphaAccumulator::from_bytes(&acc.to_bytes()).unwrap();
            prop_assert_eq!(&b, acc);
            let c: AlphaAccumulator = serde_json::from_str(&json(acc)).unwrap();
            prop_assert_eq!(&c, acc);
            prop_assert_eq!(res(b.finish(&opts)), res(acc.finish(&opts)));
        }
        let iccs = icc_parts(&data, p, &parts);
        let merged = merge_in_order(iccs.clone(), order, tree, |a, b| a.merge(b).unwrap());
        for acc in iccs.iter().chain([&merged]) {
            prop_assert_eq!(&IccAccumulator::from_state(acc.state()).unwrap(), acc);
            let b = IccAccumulator::from_bytes(&acc.to_bytes()).unwrap();
            prop_assert_eq!(&b, acc);
            let c: IccAccumulator = serde_json::from_str(&json(acc)).unwrap();
            prop_assert_eq!(&c, acc);
            prop_assert_eq!(res(b.finish(&IccOptions::new())), res(acc.finish(&IccOptions::new())));
        }
        let pairs = &data[..(data.len() / 2) * 2];
        for acc in corr_parts(pairs, &cuts(pairs.len() / 2, &fr)) {
            prop_assert_eq!(CorrelationAccumulator::from_state(acc.state()).unwrap(), acc);
            prop_assert_eq!(CorrelationAccumulator::from_bytes(&acc.to_bytes()).unwrap(), acc);
            let c: CorrelationAccumulator = serde_json::from_str(&json(&acc)).unwrap();
            prop_assert_eq!(c, acc);
        }
    }

    /// Any corrupted byte, any truncation and any appended byte is refused (and never panics).
    #[test]
    fn corrupted_bytes_never_import(
        (rows, p, seed, points, _fr, _o, _t) in split_strategy(),
        fractional in any::<bool>(),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        cut in any::<prop::sample::Index>(),
    ) {
        let data = table(rows, p, seed, points, fractional);
        let mut a = AlphaAccumulator::new(p).unwrap();
        a.push_rows(&data).unwrap();
        let mut i = IccAccumulator::new(p).unwrap();
        i.push_rows(&data).unwrap();
        let mut c = CorrelationAccumulator::new();
        c.push(data[0], data[1]).unwrap();
        for bytes in [a.to_bytes(), i.to_bytes(), c.to_bytes()] {
            let mut bad = bytes.clone();
            let k = at.index(bad.len());
            bad[k] ^= flip;
            prop_assert!(AlphaAccumulator::from_bytes(&bad).is_err());
            prop_assert!(IccAccumulator::from_bytes(&bad).is_err());
            prop_assert!(CorrelationAccumulator::from_bytes(&bad).is_err());
            let short = &bytes[..cut.index(bytes.len())];
            prop_assert!(AlphaAccumulator::from_bytes(short).is_err());
            prop_assert!(IccAccumulator::from_bytes(short).is_err());
            prop_assert!(CorrelationAccumulator::from_bytes(short).is_err());
            let mut long = bytes.clone();
            long.push(flip);
            prop_assert!(AlphaAccumulator::from_bytes(&long).is_err());
            prop_assert!(IccAccumulator::from_bytes(&long).is_err());
        }
    }

    /// Arbitrary bytes never panic and never import.
    #[test]
    fn random_bytes_never_import(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        prop_assert!(AlphaAccumulator::from_bytes(&bytes).is_err());
        prop_assert!(IccAccumulator::from_bytes(&bytes).is_err());
        prop_assert!(CorrelationAccumulator::from_bytes(&bytes).is_err());
    }
}

/// Exact and float parts merge (the exact side converted) to the in-memory result within
/// rounding, and the result is on the float path.
#[test]
fn exact_and_float_parts_merge() {
    let p = 6;
    let ints = table(300, p, 3, 5, false);
    let fracs = table(200, p, 4, 5, true);
    let mut a = AlphaAccumulator::new(p).unwrap();
    a.push_rows(&ints).unwrap();
    let mut b = AlphaAccumulator::new(p).unwrap();
    b.push_rows(&fracs).unwrap();
    assert!(a.is_exact() && !b.is_exact());
    let mut ab = a.clone();
    ab.merge(&b).unwrap();
    let mut ba = b.clone();
    ba.merge(&a).unwrap();
    assert!(!ab.is_exact() && !ba.is_exact());
    let all: Vec<f64> = ints.iter().chain(&fracs).copied().collect();
    let opts = AlphaOptions::new().without_omega();
    let direct = alpha(&all, p, &opts).unwrap();
    for m in [ab, ba] {
        let r = m.finish(&opts).unwrap();
        assert!(
            (r.raw_alpha - direct.raw_alpha).abs() < 1e-12,
            "{} {}",
            r.raw_alpha,
            direct.raw_alpha
        );
        assert!((r.std_alpha - direct.std_alpha).abs() < 1e-12);
    }
    // one non-integer row moves a running accumulator to the float path for good
    let mut c = AlphaAccumulator::new(p).unwrap();
    c.push(&ints[..p]).unwrap();
    assert!(c.is_exact());
    c.push(&fracs[..p]).unwrap();
    assert!(!c.is_exact());
    c.push(&ints[p..2 * p]).unwrap();
    assert!(!c.is_exact());
    // values beyond the exact limit are on the float path too
    let mut d = CorrelationAccumulator::new();
    d.push(1.0, 2.0).unwrap();
    d.push(4_194_304.0, 1.0).unwrap();
    assert!(!d.is_exact());
}

fn alpha_acc() -> AlphaAccumulator {
    let mut a = AlphaAccumulator::new(3).unwrap();
    a.push_rows(&table(50, 3, 9, 5, false)).unwrap();
    a
}

#[test]
fn foreign_and_version_mismatched_states_are_refused() {
    let a = alpha_acc();
    let bytes = a.to_bytes();
    assert!(matches!(
        IccAccumulator::from_bytes(&bytes),
        Err(StateError::Kind {
            expected: StateKind::Icc,
            found: StateKind::Alpha
        })
    ));
    assert!(matches!(
        CorrelationAccumulator::from_bytes(&bytes),
        Err(StateError::Kind { .. })
    ));
    let mut s = a.state();
    s.version = 2;
    let e = AlphaAccumulator::from_state(s).unwrap_err();
    assert_eq!(
        e,
        StateError::Version {
            found: 2,
            supported: 1
        }
    );
    assert_eq!(
        e.to_string(),
        "state version 2 is not supported (this build reads version 1)"
    );
    let mut s = a.state();
    s.kind = StateKind::Correlation;
    assert!(matches!(
        AlphaAccumulator::from_state(s),
        Err(StateError::Kind { .. })
    ));
    // a JSON state of another kind
    let j = serde_json::to_string(&CorrelationAccumulator::new()).unwrap();
    assert!(serde_json::from_str::<AlphaAccumulator>(&j).is_err());
    assert!(serde_json::from_str::<CorrelationAccumulator>(&j).is_ok());
}

#[test]
fn impossible_states_are_refused() {
    let a = alpha_acc();
    let float = {
        let mut f = AlphaAccumulator::new(3).unwrap();
        f.push_rows(&table(50, 3, 9, 5, true)).unwrap();
        f.state()
    };
    let with = |s: &AlphaState, f: &dyn Fn(&mut AlphaState)| {
        let mut s = s.clone();
        f(&mut s);
        AlphaAccumulator::from_state(s)
    };
    let exact = a.state();
    // dimensions
    assert!(matches!(
        with(&exact, &|s| s.n_items = 4),
        Err(StateError::Dimension { .. })
    ));
    assert!(with(&exact, &|s| s.n_items = 1).is_err());
    // counts inconsistent with the sums
    assert!(with(&exact, &|s| s.n = 3).is_err());
    assert!(with(&exact, &|s| s.n = 0).is_err());
    assert!(with(&exact, &|s| s.min = None).is_err());
    assert!(with(&exact, &|s| s.min = Some(0.5)).is_err());
    assert!(with(&exact, &|s| (s.min, s.max) = (Some(4.0), Some(2.0))).is_err());
    assert!(
        with(&exact, &|s| {
            if let MomentState::Exact { cross_products, .. } = &mut s.moments {
                cross_products[0] = -1;
            }
        })
        .is_err()
    );
    assert!(
        with(&exact, &|s| {
            if let MomentState::Exact { sums, .. } = &mut s.moments {
                sums[1] += 100_000;
            }
        })
        .is_err()
    );
    // float path: non-finite, negative variance, non-PSD
    for (i, bad) in [f64::NAN, f64::INFINITY, -1.0].into_iter().enumerate() {
        let e = with(&float, &|s| {
            if let MomentState::Float { comoments, .. } = &mut s.moments {
                comoments[0] = bad;
            }
        });
        assert!(e.is_err(), "case {i}");
    }
    let e = with(&float, &|s| {
        if let MomentState::Float { comoments, .. } = &mut s.moments {
            // packed (0,0), (0,1), (0,2), (1,1), …: |M01| > sqrt(M00·M11)
            comoments[1] = 2.0 * (comoments[0] * comoments[3]).sqrt();
        }
    });
    assert!(
        matches!(e, Err(StateError::NotPositiveSemidefinite { .. })),
        "{e:?}"
    );
    assert!(
        with(&float, &|s| {
            if let MomentState::Float { means, .. } = &mut s.moments {
                means[2] = 100.0;
            }
        })
        .is_err()
    );
    // a decimal sum that is not a number
    let j = serde_json::to_string(&exact)
        .unwrap()
        .replacen("\"sums\":[\"", "\"sums\":[\"x", 1);
    assert!(serde_json::from_str::<AlphaState>(&j).is_err());
    let neg = serde_json::to_string(&exact)
        .unwrap()
        .replacen("\"n\":50", "\"n\":-50", 1);
    assert!(serde_json::from_str::<AlphaState>(&neg).is_err());
}

#[test]
fn impossible_icc_and_correlation_states_are_refused() {
    let mut i = IccAccumulator::new(3).unwrap();
    i.push_rows(&table(40, 3, 5, 5, false)).unwrap();
    let s: IccState = i.state();
    let mut j = serde_json::to_value(&s).unwrap();
    j["moments"]["row_sum_squares"] = "1".into();
    assert!(serde_json::from_value::<IccAccumulator>(j).is_err());
    let mut j = serde_json::to_value(&s).unwrap();
    j["n_incomplete"] = 2.into();
    assert!(serde_json::from_value::<IccAccumulator>(j).is_err());

    let mut c = CorrelationAccumulator::new();
    for (x, y) in [(1.5, 2.0), (2.0, 1.0), (3.0, 4.5)] {
        c.push(x, y).unwrap();
    }
    let s: CorrelationState = c.state();
    let mut j = serde_json::to_value(&s).unwrap();
    j["moments"]["comoments"][1] = 1e6.into();
    let e = serde_json::from_value::<CorrelationAccumulator>(j).unwrap_err();
    assert!(e.to_string().contains("not positive semidefinite"), "{e}");
}

#[test]
fn exact_state_json_uses_decimal_strings() {
    let a = alpha_acc();
    let j = serde_json::to_value(a.state()).unwrap();
    assert_eq!(j["version"], 1);
    assert_eq!(j["kind"], "alpha");
    assert_eq!(j["moments"]["kind"], "exact");
    assert!(j["moments"]["sums"][0].is_string());
    assert_eq!(j["moments"]["cross_products"].as_array().unwrap().len(), 6);
}
