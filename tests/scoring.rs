//! Scoring: hand-computed cases for every built-in instrument, errors, batches, properties.

use proptest::prelude::*;
use therapeutic_alliance::catalogue::{
    BUILTIN_IDS, BlriForm, BlriKey, BlriKeyItem, BlriSubscale, OrsAge,
};
use therapeutic_alliance::{
    Answer, BatchScores, Instrument, InstrumentBuilder, Keying, MissingRule, ResponseScale,
    Responses, Score, ScoreError,
};

fn inst(id: &str) -> Instrument {
    Instrument::builtin(id).unwrap()
}

/// Responses with `values[k]` for item `k + 1`; `None` is missing.
fn resp(values: &[Option<f64>]) -> Responses {
    values
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let item = u16::try_from(k + 1).unwrap();
            (item, v.map_or(Answer::Missing, Answer::Value))
        })
        .collect()
}

fn all(n: usize, v: f64) -> Vec<Option<f64>> {
    vec![Some(v); n]
}

fn score(id: &str, values: &[Option<f64>]) -> Result<Score, ScoreError> {
    inst(id).score(&resp(values))
}

#[test]
fn wai_sr_key() {
    // Item k answered (k mod 5) + 1.
    let v: Vec<Option<f64>> = (1..=12).map(|k| Some(f64::from(k % 5 + 1))).collect();
    let s = score("wai-sr", &v).unwrap();
    // task 1,2,10,12 -> 2+3+1+3; bond 3,5,7,9 -> 4+1+3+5; goal 4,6,8,11 -> 5+2+4+2
    assert_eq!(s.subscale("task"), Some(9.0));
    assert_eq!(s.subscale("bond"), Some(13.0));
    assert_eq!(s.subscale("goal"), Some(13.0));
    assert_eq!(s.total, 35.0);
    assert_eq!(
        s.subscales
            .iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>(),
        ["task", "bond", "goal"]
    );
    assert_eq!((s.answered, s.prorated, s.imputed), (12, false, 0));
    assert_eq!((s.band, s.cutoff_met), (None, None));
    assert_eq!(s.instrument, "wai-sr");
    // The therapist form uses the same (unverified) key.
    assert_eq!(inst("wai-sr-t").score(&resp(&v)).unwrap().total, 35.0);
}

#[test]
fn wai_36_reverse_items() {
    let s = score("wai", &all(36, 7.0)).unwrap();
    assert_eq!(s.total, 22.0 * 7.0 + 14.0);
    assert_eq!(s.subscale("bond"), Some(9.0 * 7.0 + 3.0));
    assert_eq!(s.subscale("task"), Some(7.0 * 7.0 + 5.0));
    assert_eq!(s.subscale("goal"), Some(6.0 * 7.0 + 6.0));
    let s = score("wai", &all(36, 4.0)).unwrap();
    assert_eq!(s.total, 144.0);
}

#[test]
fn srs_cutoff_is_strictly_below_36() {
    let s = score("srs", &[Some(9.1), Some(9.0), Some(9.0), Some(8.9)]).unwrap();
    assert_eq!(s.total, 36.0);
    assert_eq!(s.cutoff_met, Some(false));
    let s = score("srs", &[Some(9.1), Some(9.0), Some(9.0), Some(8.8)]).unwrap();
    assert_eq!(s.cutoff_met, Some(true));
    assert!(matches!(
        score("srs", &[Some(9.0), Some(9.0), Some(9.0), None]),
        Err(ScoreError::TooManyMissing {
            allowed: 0,
            first: 4,
            ..
        })
    ));
    assert!(score("srs", &[Some(10.0), Some(0.0), Some(5.55), Some(10.0)]).is_ok());
}

#[test]
fn ors_adult_and_child_cutoffs() {
    let at = |t: f64| vec![Some(t / 4.0); 4];
    assert_eq!(score("ors", &at(25.0)).unwrap().cutoff_met, Some(false));
    assert_eq!(score("ors", &at(24.8)).unwrap().cutoff_met, Some(true));
    let child = Instrument::ors(OrsAge::Child).unwrap();
    assert_eq!(
        child.score(&resp(&at(32.0))).unwrap().cutoff_met,
        Some(false)
    );
    assert_eq!(
        child.score(&resp(&at(31.6))).unwrap().cutoff_met,
        Some(true)
    );
}

#[test]
fn care_replaces_up_to_two_with_the_mean() {
    let mut v: Vec<Option<f64>> = [5.0, 4.0, 3.0, 5.0, 4.0, 3.0, 5.0, 4.0, 3.0, 4.0]
        .map(Some)
        .to_vec();
    assert_eq!(score("care", &v).unwrap().total, 40.0);
    // One "does not apply": 36 + mean 4.
    let mut r = resp(&v[..9]);
    r.insert(10, Answer::DoesNotApply).unwrap();
    let s = inst("care").score(&r).unwrap();
    assert_eq!(
        (s.total, s.answered, s.imputed, s.prorated),
        (40.0, 9, 1, true)
    );
    // Two (the limit): one missing, one does-not-apply; answered 5,4,3,5,4,3,5,4 -> 33/8.
    v[8] = None;
    let mut r = resp(&v[..9]);
    r.insert(10, Answer::DoesNotApply).unwrap();
    let s = inst("care").score(&r).unwrap();
    assert!((s.total - (33.0 + 2.0 * 33.0 / 8.0)).abs() < 1e-12);
    assert_eq!(s.imputed, 2);
    // Three: excluded.
    v[0] = None;
    let err = score("care", &v[..9]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "care: 3 of 10 items missing (first: item 1), at most 2 allowed"
    );
}

#[test]
fn core_om_clinical_score_and_prorating() {
    let s = score("core-om", &all(34, 2.0)).unwrap();
    assert_eq!(s.total, 20.0);
    assert_eq!(s.subscale("risk"), Some(20.0));
    let s = score("core-om", &all(34, 0.0)).unwrap();
    // 8 positively worded items score 4 - 0.
    assert!((s.total - 320.0 / 34.0).abs() < 1e-12);
    assert_eq!(s.subscale("well_being"), Some(20.0)); // items 4, 31 reversed of 4
    assert_eq!(s.cutoff_met, Some(false));
    // Keyed value 1 everywhere -> clinical score exactly 10: flagged (>= 10).
    let rev = [3, 4, 7, 12, 19, 21, 31, 32];
    let v: Vec<Option<f64>> = (1..=34)
        .map(|i| Some(if rev.contains(&i) { 3.0 } else { 1.0 }))
        .collect();
    let s = score("core-om", &v).unwrap();
    assert_eq!((s.total, s.cutoff_met), (10.0, Some(true)));
    // Three missing in problems (2, 5, 8): total prorated, problems past its limit of 1.
    let mut v = all(34, 2.0);
    for i in [2, 5, 8] {
        v[i - 1] = None;
    }
    let s = score("core-om", &v).unwrap();
    assert_eq!(
        (s.total, s.answered, s.imputed, s.prorated),
        (20.0, 31, 3, true)
    );
    assert_eq!(s.subscale("problems"), None);
    assert_eq!(s.unscored_subscales, ["problems"]);
    assert_eq!(s.subscales.len(), 3);
    // One missing in problems is fine; one in well-being leaves well-being unscored.
    let mut v = all(34, 2.0);
    v[1] = None;
    v[3] = None;
    let s = score("core-om", &v).unwrap();
    assert_eq!(s.subscale("problems"), Some(20.0));
    assert_eq!(s.unscored_subscales, ["well_being"]);
    // Four missing: past the total's limit.
    v[5] = None;
    v[6] = None;
    assert!(matches!(
        score("core-om", &v),
        Err(ScoreError::TooManyMissing {
            missing: 4,
            allowed: 3,
            ..
        })
    ));
}

/// CORE-10 answers with a given keyed sum (items 2 and 3 answered 4, i.e. keyed 0).
fn core10_with_sum(sum: u32) -> Vec<Option<f64>> {
    let mut v = vec![Some(0.0); 10];
    v[1] = Some(4.0);
    v[2] = Some(4.0);
    let mut left = sum;
    for (k, cell) in v.iter_mut().enumerate() {
        if k == 1 || k == 2 {
            continue;
        }
        let x = left.min(4);
        *cell = Some(f64::from(x));
        left -= x;
    }
    v
}

#[test]
fn core_10_bands_cutoff_and_prorating() {
    for (sum, band, flagged) in [
        (0, "non-clinical", false),
        (10, "non-clinical", false),
        (11, "mild", true),
        (14, "mild", true),
        (15, "moderate", true),
        (19, "moderate", true),
        (20, "moderate-to-severe", true),
        (24, "moderate-to-severe", true),
        (25, "severe", true),
        (32, "severe", true),
    ] {
        let s = score("core-10", &core10_with_sum(sum)).unwrap();
        assert_eq!(s.total, f64::from(sum));
        assert_eq!(s.band.as_deref(), Some(band), "sum {sum}");
        assert_eq!(s.cutoff_met, Some(flagged), "sum {sum}");
    }
    // Items 2 and 3 are reversed: all zeros score 8.
    assert_eq!(score("core-10", &all(10, 0.0)).unwrap().total, 8.0);
    // One missing: prorated 10 x 9 / 9.
    let mut v = all(10, 1.0);
    v[1] = Some(3.0);
    v[2] = Some(3.0);
    v[9] = None;
    let s = score("core-10", &v).unwrap();
    assert_eq!((s.total, s.prorated, s.imputed), (10.0, true, 1));
    v[8] = None;
    assert!(matches!(
        score("core-10", &v),
        Err(ScoreError::TooManyMissing {
            missing: 2,
            allowed: 1,
            ..
        })
    ));
}

fn sum_of(n: usize, total: u32, max: u32) -> Vec<Option<f64>> {
    let mut left = total;
    (0..n)
        .map(|_| {
            let x = left.min(max);
            left -= x;
            Some(f64::from(x))
        })
        .collect()
}

#[test]
fn phq_9_bands_and_caseness() {
    for (t, band, flagged) in [
        (0, "none-minimal", false),
        (4, "none-minimal", false),
        (5, "mild", false),
        (9, "mild", false),
        (10, "moderate", true),
        (14, "moderate", true),
        (15, "moderately severe", true),
        (19, "moderately severe", true),
        (20, "severe", true),
        (27, "severe", true),
    ] {
        let s = score("phq-9", &sum_of(9, t, 3)).unwrap();
        assert_eq!(
            (s.total, s.band.as_deref(), s.cutoff_met),
            (f64::from(t), Some(band), Some(flagged))
        );
    }
}

#[test]
fn gad_7_bands_and_cutoff() {
    for (t, band, flagged) in [
        (4, "none-minimal", false),
        (5, "mild", false),
        (9, "mild", false),
        (10, "moderate", true),
        (14, "moderate", true),
        (15, "severe", true),
        (21, "severe", true),
    ] {
        let s = score("gad-7", &sum_of(7, t, 3)).unwrap();
        assert_eq!(
            (s.band.as_deref(), s.cutoff_met),
            (Some(band), Some(flagged)),
            "total {t}"
        );
    }
}

#[test]
fn blri_bipolar_reverse_is_negation() {
    let key = BlriKey {
        items: (1..=40u16)
            .map(|i| BlriKeyItem {
                item: i,
                subscale: BlriSubscale::ALL[usize::from((i - 1) / 10)],
                keying: if i % 2 == 0 {
                    Keying::Reverse
                } else {
                    Keying::Positive
                },
            })
            .collect(),
    };
    let b = Instrument::blri(BlriForm::Os40, &key).unwrap();
    let s = b.score(&resp(&all(40, 3.0))).unwrap();
    assert_eq!(s.total, 0.0);
    let v: Vec<Option<f64>> = (1..=40)
        .map(|i| Some(if i % 2 == 0 { -2.0 } else { 3.0 }))
        .collect();
    let s = b.score(&resp(&v)).unwrap();
    assert_eq!(s.subscale("empathic_understanding"), Some(25.0));
    assert_eq!(s.total, 100.0);
    assert!(matches!(
        b.score(&resp(&all(40, 0.0))),
        Err(ScoreError::OutOfRange { item: 1, .. })
    ));
    assert!(matches!(
        b.score(&resp(&all(40, 1.5))),
        Err(ScoreError::NotAStep { .. })
    ));
}

#[test]
fn errors_name_item_and_value() {
    let mut v = all(12, 3.0);
    v[3] = Some(9.0);
    assert_eq!(
        score("wai-sr", &v).unwrap_err().to_string(),
        "item 4: value 9 is outside 1..=5"
    );
    v[3] = Some(2.5);
    assert_eq!(
        score("wai-sr", &v).unwrap_err().to_string(),
        "item 4: value 2.5 is not a whole-number answer on 1..=5"
    );
    v[3] = Some(f64::NAN);
    assert_eq!(
        score("wai-sr", &v).unwrap_err().to_string(),
        "item 4: value NaN is not finite"
    );
    v[3] = Some(f64::NEG_INFINITY);
    assert!(matches!(
        score("wai-sr", &v),
        Err(ScoreError::NonFinite { item: 4, .. })
    ));
    assert_eq!(
        score("srs", &[Some(10.5), Some(1.0), Some(1.0), Some(1.0)])
            .unwrap_err()
            .to_string(),
        "item 1: value 10.5 is outside 0.0..=10.0"
    );
    let mut r = resp(&all(12, 3.0));
    r.insert(13, Answer::Value(3.0)).unwrap();
    assert_eq!(
        inst("wai-sr").score(&r).unwrap_err().to_string(),
        "item 13: not an item of wai-sr"
    );
    let mut r = resp(&all(12, 3.0));
    assert_eq!(
        r.insert(3, Answer::Value(1.0)).unwrap_err().to_string(),
        "item 3: answered more than once"
    );
    let dup: Responses = [(1, Answer::Value(1.0)), (1, Answer::Value(2.0))]
        .into_iter()
        .collect();
    assert!(matches!(
        inst("wai-sr").score(&dup),
        Err(ScoreError::DuplicateItem { item: 1 })
    ));
    let mut r = resp(&all(11, 3.0));
    r.insert(12, Answer::DoesNotApply).unwrap();
    assert!(matches!(
        inst("wai-sr").score(&r),
        Err(ScoreError::DoesNotApplyNotAllowed { item: 12, .. })
    ));
    let tagged = resp(&all(12, 3.0)).for_instrument("wai");
    assert_eq!(
        inst("wai-sr").score(&tagged).unwrap_err().to_string(),
        "responses are for wai, not wai-sr"
    );
    assert!(
        inst("wai-sr")
            .score(&resp(&all(12, 3.0)).for_instrument("wai-sr"))
            .is_ok()
    );
    assert!(matches!(
        inst("wai-sr").score(&Responses::new()),
        Err(ScoreError::TooManyMissing { missing: 12, .. })
    ));
}

#[test]
fn responses_api() {
    let mut r = Responses::new();
    assert!(r.is_empty());
    r.insert(3, Answer::Value(2.0)).unwrap();
    r.insert(1, Answer::Missing).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r.get(3), Some(Answer::Value(2.0)));
    assert_eq!(r.get(2), None);
    assert_eq!(r.iter().map(|(i, _)| i).collect::<Vec<_>>(), [1, 3]);
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<Responses>(&json).unwrap(), r);
    let dup = r#"{"answers": {"1": null, "1": 2.0}}"#;
    assert!(serde_json::from_str::<Responses>(dup).is_err());
    let s = score("phq-9", &sum_of(9, 12, 3)).unwrap();
    let back: Score = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn batch_keeps_every_record() {
    let wai = inst("wai-sr");
    let mut bad = all(12, 3.0);
    bad[3] = Some(9.0);
    let records = vec![resp(&all(12, 3.0)), resp(&bad), resp(&all(12, 5.0))];
    let mut out = BatchScores::new();
    wai.score_batch(&records, &mut out);
    assert_eq!(out.len(), 3);
    assert_eq!(out.instrument(), "wai-sr");
    assert_eq!(out.subscale_names(), ["task", "bond", "goal"]);
    let rejected: Vec<(usize, String)> = out.rejected().map(|(i, e)| (i, e.to_string())).collect();
    assert_eq!(
        rejected,
        [(1, "item 4: value 9 is outside 1..=5".to_owned())]
    );
    for (i, r) in records.iter().enumerate() {
        assert_eq!(out.records()[i].index, i);
        assert_eq!(out.score(i).unwrap(), wai.score(r));
    }
    assert_eq!(
        out.subscales(2),
        Some(&[Some(20.0), Some(20.0), Some(20.0)][..])
    );
    assert_eq!(out.subscales(1), None);
    assert!(out.subscales(3).is_none());
    assert!(out.score(3).is_none());
    // Reuse with another instrument.
    let phq = inst("phq-9");
    phq.score_batch([resp(&sum_of(9, 12, 3))], &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(
        out.score(0).unwrap().unwrap().band.as_deref(),
        Some("moderate")
    );
    // Dense input in item order, with a trailing partial row.
    let mut dense = vec![Answer::Value(1.0); 9];
    dense.extend([Answer::Value(3.0); 9]);
    dense.push(Answer::Value(2.0));
    phq.score_dense(&dense, &mut out);
    assert_eq!(out.len(), 3);
    assert_eq!(out.records()[0].outcome.as_ref().unwrap().total, 9.0);
    assert_eq!(out.records()[1].outcome.as_ref().unwrap().band, Some(4));
    assert!(out.records()[2].outcome.is_err());
}

#[cfg(feature = "csv")]
#[test]
fn csv_reader_maps_columns_and_does_not_apply() {
    use therapeutic_alliance::{ReadError, read_responses};
    let care = inst("care");
    let data = "id,item1,item2,item3,item4,item5,item6,item7,item8,item9,item10,other\n\
                a,5,4,3,5,4,3,5,4,3,,x\n\
                b,5,4,3,5,4,3,5,4,3,abc,y\n";
    let rows = read_responses(data.as_bytes(), &care).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].row, rows[0].id.as_deref()), (1, Some("a")));
    let r = rows[0].responses.clone().unwrap();
    assert_eq!(r.get(10), Some(Answer::DoesNotApply));
    assert_eq!(care.score(&r).unwrap().total, 40.0);
    assert_eq!(
        rows[1].responses.clone().unwrap_err().to_string(),
        "item 10: \"abc\" is not a number"
    );
    let missing_col = "id,1,2\n1,2,3\n";
    assert!(matches!(
        read_responses(missing_col.as_bytes(), &care),
        Err(ReadError::MissingColumn { item: 3, .. })
    ));
    let dup = "q1,1,2,3,4\n1,1,1,1,1\n";
    assert!(matches!(
        read_responses(dup.as_bytes(), &inst("srs")),
        Err(ReadError::DuplicateColumn { item: 1, .. })
    ));
    assert!(matches!(
        read_responses("a,b\n1\n".as_bytes(), &inst("srs")),
        Err(ReadError::MissingColumn { .. })
    ));
}

// ---------- properties ----------

fn scale_strategy() -> impl Strategy<Value = ResponseScale> {
    prop_oneof![
        (-5i32..5, 1i32..8).prop_map(|(a, w)| ResponseScale::likert(a, a + w)),
        (-50i32..50, 5i32..200).prop_map(|(a, w)| {
            // Short decimals, as on real forms (arbitrary f64 round-trips through JSON only
            // with serde_json's `float_roundtrip` feature).
            ResponseScale::visual_analogue(f64::from(a) / 10.0, f64::from(a + w) / 10.0)
        }),
        (1u8..5).prop_map(ResponseScale::bipolar),
    ]
}

/// A valid answer on `scale` from a unit draw.
fn valid_value(scale: ResponseScale, u: f64, sign: bool) -> f64 {
    match scale {
        ResponseScale::Likert { min, max } => {
            (f64::from(min) + (u * f64::from(max - min)).round()).min(f64::from(max))
        }
        ResponseScale::Bipolar { max } => {
            let m = (1.0 + (u * f64::from(max - 1)).round()).min(f64::from(max));
            if sign { m } else { -m }
        }
        ResponseScale::VisualAnalogue { min, max } => min + u * (max - min),
        _ => unreachable!(),
    }
}

fn instrument_strategy() -> impl Strategy<Value = Instrument> {
    (
        scale_strategy(),
        1usize..4,
        2u16..10,
        proptest::collection::vec(any::<bool>(), 30),
        0usize..3,
        any::<bool>(),
    )
        .prop_map(|(scale, n_sub, per_sub, rev, missing, replace)| {
            let mut b = InstrumentBuilder::new("gen", "Generated", scale);
            let mut n = 0u16;
            for s in 0..n_sub {
                let items: Vec<u16> = (n + 1..=n + per_sub).collect();
                n += per_sub;
                b = b.subscale_items(&format!("s{s}"), &items);
                b = b.subscale(format!("s{s}"), 1.min(missing));
            }
            let reversed: Vec<u16> = (1..=n)
                .filter(|&i| rev[usize::from(i) % rev.len()])
                .collect();
            let missing = missing.min(usize::from(n) - 1);
            let rule = if missing == 0 {
                MissingRule::NoneAllowed
            } else if replace {
                MissingRule::ReplaceWithMean {
                    max_missing: missing,
                }
            } else {
                MissingRule::Prorate {
                    max_missing: missing,
                }
            };
            b.reverse(&reversed).missing(rule).build().unwrap()
        })
}

proptest! {
    #[test]
    fn reverse_keying_is_an_involution(scale in scale_strategy(), u in 0.0f64..1.0, sign: bool) {
        let x = valid_value(scale, u, sign);
        let once = scale.keyed(x, Keying::Reverse);
        let (lo, hi) = scale.bounds();
        prop_assert!(once >= lo - 1e-9 && once <= hi + 1e-9);
        prop_assert!((scale.keyed(once, Keying::Reverse) - x).abs() <= 1e-9 * x.abs().max(1.0));
        prop_assert_eq!(scale.keyed(x, Keying::Positive), x);
    }

    #[test]
    fn scores_stay_in_range(
        k in 0usize..BUILTIN_IDS.len(),
        draws in proptest::collection::vec((0.0f64..1.0, 0u8..20), 40),
    ) {
        let inst = inst(BUILTIN_IDS[k]);
        let r: Responses = inst.item_numbers().zip(&draws).map(|(item, &(u, m))| {
            let a = if m == 0 { Answer::Missing } else { Answer::Value(valid_value(inst.scale(), u, true)) };
            (item, a)
        }).collect();
        if let Ok(s) = inst.score(&r) {
            let (lo, hi) = inst.total_range();
            prop_assert!(s.total >= lo - 1e-9 && s.total <= hi + 1e-9, "{} {}", inst.id(), s.total);
            for (i, sub) in inst.subscales().iter().enumerate() {
                if let Some(v) = s.subscale(&sub.name) {
                    let (lo, hi) = inst.subscale_range(i).unwrap();
                    prop_assert!(v >= lo - 1e-9 && v <= hi + 1e-9);
                }
            }
            prop_assert_eq!(s.answered + s.imputed, inst.item_count());
        }
    }

    #[test]
    fn generated_scores_stay_in_range(inst in instrument_strategy(), draws in proptest::collection::vec((0.0f64..1.0, any::<bool>(), 0u8..6), 40)) {
        let r: Responses = inst.item_numbers().zip(&draws).map(|(item, &(u, sign, m))| {
            (item, if m == 0 { Answer::Missing } else { Answer::Value(valid_value(inst.scale(), u, sign)) })
        }).collect();
        if let Ok(s) = inst.score(&r) {
            let (lo, hi) = inst.total_range();
            prop_assert!(s.total >= lo - 1e-9 && s.total <= hi + 1e-9);
        }
    }

    #[test]
    fn answer_order_does_not_matter(
        k in 0usize..BUILTIN_IDS.len(),
        draws in proptest::collection::vec(0.0f64..1.0, 40),
        perm in Just(()).prop_perturb(|(), mut rng| { let mut v: Vec<usize> = (0..40).collect(); for i in (1..40).rev() { let j = rng.random_range(0..=i); v.swap(i, j); } v }),
    ) {
        let inst = inst(BUILTIN_IDS[k]);
        let pairs: Vec<(u16, Answer)> = inst.item_numbers().zip(&draws)
            .map(|(item, &u)| (item, Answer::Value(valid_value(inst.scale(), u, true)))).collect();
        let shuffled: Vec<(u16, Answer)> = perm.iter().filter(|&&p| p < pairs.len()).map(|&p| pairs[p]).collect();
        let mut inserted = Responses::new();
        for &(i, a) in shuffled.iter().rev() { inserted.insert(i, a).unwrap(); }
        let a = inst.score(&pairs.iter().copied().collect()).unwrap();
        let b = inst.score(&shuffled.into_iter().collect()).unwrap();
        let c = inst.score(&inserted).unwrap();
        prop_assert!((a.total - b.total).abs() <= 1e-9 && (a.total - c.total).abs() <= 1e-9);
        prop_assert_eq!(a.band, b.band);
    }

    #[test]
    fn definitions_survive_json(inst in instrument_strategy()) {
        let json = serde_json::to_string(&inst).unwrap();
        let back: Instrument = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, inst);
    }

    #[test]
    fn no_input_makes_scoring_panic(
        k in 0usize..BUILTIN_IDS.len(),
        answers in proptest::collection::vec((any::<u16>(), prop_oneof![
            any::<f64>().prop_map(Answer::Value),
            Just(Answer::Value(f64::NAN)),
            Just(Answer::Value(f64::INFINITY)),
            Just(Answer::Missing),
            Just(Answer::DoesNotApply),
        ]), 0..80),
    ) {
        let inst = inst(BUILTIN_IDS[k]);
        let r: Responses = answers.iter().copied().collect();
        let _ = inst.score(&r);
        let mut out = BatchScores::new();
        inst.score_batch([&r, &r], &mut out);
        prop_assert_eq!(out.len(), 2);
        let dense: Vec<Answer> = answers.iter().map(|&(_, a)| a).collect();
        inst.score_dense(&dense, &mut out);
    }
}

#[test]
fn huge_input_does_not_panic() {
    let r: Responses = (0..=u16::MAX)
        .map(|i| (i, Answer::Value(f64::from(i))))
        .collect();
    for inst in Instrument::all_builtin() {
        assert!(inst.score(&r).is_err());
    }
    let big = InstrumentBuilder::new("big", "Big", ResponseScale::likert(0, 1))
        .items(1..=5000)
        .build()
        .unwrap();
    let r: Responses = (1..=5000).map(|i| (i, Answer::Value(1.0))).collect();
    assert_eq!(big.score(&r).unwrap().total, 5000.0);
}
