//! `Instrument::score_flat` (flat, row-major buffers) against `Instrument::score` of the same
//! answers: identical totals and subscales, identical rejections, for every built-in instrument.

use proptest::prelude::*;
use therapeutic_alliance::{Answer, FlatScores, Instrument, Responses, ScoreError};

/// One candidate answer per cell: mostly valid steps, sometimes out of range, off-step, zero
/// or not finite.
fn cell(lo: f64, hi: f64, pick: u8, u: f64) -> f64 {
    match pick {
        0 => f64::NAN,
        1 => hi + 1.0,
        2 => lo + 0.5,
        3 => 0.0,
        4 => f64::INFINITY,
        _ => (lo + (hi - lo) * u).round(),
    }
}

proptest! {
    #[test]
    fn flat_equals_one_by_one(
        which in 0usize..64,
        cells in prop::collection::vec((0u8..60, 0.0..1.0f64), 0..200),
    ) {
        let all = Instrument::all_builtin();
        let inst = &all[which % all.len()];
        let (lo, hi) = inst.scale().bounds();
        let values: Vec<f64> = cells.iter().map(|&(p, u)| cell(lo, hi, p, u)).collect();
        let mut out = FlatScores::new();
        inst.score_flat(&values, &mut out);
        let n = inst.item_count();
        prop_assert_eq!(out.len(), values.len().div_ceil(n));
        let mut rejected = out.rejected();
        for (r, row) in values.chunks(n).enumerate() {
            if row.len() < n {
                let (i, e) = rejected.next().unwrap();
                prop_assert_eq!(i, r);
                let incomplete = matches!(e, ScoreError::IncompleteRecord { .. });
                prop_assert!(incomplete);
                continue;
            }
            let resp: Responses = inst
                .item_numbers()
                .zip(row)
                .map(|(i, &x)| (i, Answer::Value(x)))
                .collect();
            match inst.score(&resp) {
                Ok(s) => {
                    prop_assert_eq!(out.total(r), Some(s.total));
                    let subs: Vec<Option<f64>> = s.subscales.iter().map(|x| Some(x.value)).collect();
                    prop_assert_eq!(out.subscales(r), Some(&subs[..]));
                }
                Err(e) => {
                    prop_assert!(!out.is_scored(r));
                    // compared as text: NaN values make the errors unequal under `==`
                    let got = rejected.next().map(|(i, e)| format!("{i}: {e:?}"));
                    prop_assert_eq!(got, Some(format!("{r}: {e:?}")));
                }
            }
        }
        prop_assert!(rejected.next().is_none());
    }
}

#[test]
fn reversed_items_and_reuse() {
    // CORE-10 has reverse-keyed items; score, then reuse the buffer for another instrument.
    let core = Instrument::builtin("core-10").unwrap();
    let n = core.item_count();
    let (lo, hi) = core.scale().bounds();
    let values: Vec<f64> = (0..n * 50)
        .map(|i| lo + (i % 5) as f64 * (hi - lo) / 4.0)
        .collect();
    let values: Vec<f64> = values.iter().map(|v| v.round()).collect();
    let mut out = FlatScores::new();
    core.score_flat(&values, &mut out);
    assert_eq!(out.rejected().count(), 0);
    for (r, row) in values.chunks(n).enumerate() {
        let resp: Responses = core
            .item_numbers()
            .zip(row)
            .map(|(i, &x)| (i, Answer::Value(x)))
            .collect();
        assert_eq!(out.total(r), Some(core.score(&resp).unwrap().total));
    }
    let srs = Instrument::builtin("srs").unwrap();
    srs.score_flat(&[9.1, 9.0, 9.0, 8.9], &mut out);
    assert_eq!(out.instrument(), "srs");
    assert_eq!(out.total(0), Some(36.0));
    assert_eq!(out.totals().len(), 1);
    assert!(out.subscales(1).is_none());
}

#[test]
fn valid_blocks_equal_one_by_one() {
    // Long runs of valid records take the per-block fast path: several full blocks, a partial
    // one, and subscales as well as totals must match `score` exactly, for every instrument.
    for inst in Instrument::all_builtin() {
        let n = inst.item_count();
        let (lo, hi) = inst.scale().bounds();
        let values: Vec<f64> = (0..n * 150)
            .map(|i| (lo + ((i * 7 + i / n) % 11) as f64 * (hi - lo) / 10.0).round())
            .map(|v| if v == 0.0 && lo < 0.0 { 1.0 } else { v })
            .collect();
        let mut out = FlatScores::new();
        inst.score_flat(&values, &mut out);
        assert_eq!(out.len(), 150);
        assert!(out.rejected().next().is_none(), "{}", inst.id());
        for (r, row) in values.chunks(n).enumerate() {
            let resp: Responses = inst
                .item_numbers()
                .zip(row)
                .map(|(i, &x)| (i, Answer::Value(x)))
                .collect();
            match inst.score(&resp) {
                Ok(s) => {
                    assert_eq!(out.total(r), Some(s.total), "{} record {r}", inst.id());
                    let subs: Vec<Option<f64>> =
                        s.subscales.iter().map(|x| Some(x.value)).collect();
                    assert_eq!(
                        out.subscales(r),
                        Some(&subs[..]),
                        "{} record {r}",
                        inst.id()
                    );
                }
                Err(_) => assert!(!out.is_scored(r), "{} record {r}", inst.id()),
            }
        }
    }
}
