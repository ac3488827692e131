//! One clinical answer through every door: random responses (missing answers and "does not
//! apply" included) scored through every scoring path — `Instrument::score`, `score_batch`,
//! `score_dense`, `score_flat` (complete records) and the export reader's `ExportScorer` —
//! give identical totals, subscales, bands, cutoff verdicts and critical flags, and the same
//! errors (with the critical items an incomplete form still carries).
#![cfg(feature = "csv")]

use std::fmt::Write as _;

use proptest::prelude::*;
use therapeutic_alliance::export::{ExportReader, ExportScorer, ExportSpec, InstrumentColumns};
use therapeutic_alliance::{
    Answer, BatchScores, Comparison, CriticalRule, CriticalTarget, FlatScores, Instrument,
    ResponseScale, Responses, Score, ScoreError, Verification,
};

/// Every built-in, plus definitions that exercise critical rules beyond the catalogue's: a
/// subscale rule (the CORE-OM risk domain) and a custom instrument declaring its own rules in
/// JSON.
fn instruments() -> Vec<Instrument> {
    let mut v: Vec<Instrument> = therapeutic_alliance::catalogue::BUILTIN_IDS
        .iter()
        .map(|id| Instrument::builtin(id).unwrap())
        .collect();
    v.push(
        Instrument::builtin("core-om")
            .unwrap()
            .to_builder()
            .id("core-om-risk")
            .critical(CriticalRule::core_om_risk(Comparison::GreaterOrEqual, 1.0).unwrap())
            .build()
            .unwrap(),
    );
    v.push(
        serde_json::from_str(
            r#"{"id": "my-scale", "name": "A scale of ours", "scale": {"likert": {"min": 0, "max": 4}},
                "direction": "lower_is_better", "missing": {"prorate": {"max_missing": 2}},
                "subscales": [{"name": "mood", "max_missing": 1}],
                "items": [{"number": 1, "subscale": "mood"}, {"number": 2, "subscale": "mood"},
                          {"number": 3, "subscale": "mood"}, {"number": 4}, {"number": 5}],
                "cutoff": {"value": 8.0, "comparison": ">="},
                "critical": [
                  {"id": "item5_any", "target": {"kind": "item", "item": 5}, "comparison": ">=",
                   "threshold": 1.0, "source": "our service's protocol", "verification": "unverified"},
                  {"id": "mood_high", "target": {"kind": "subscale", "name": "mood"}, "comparison": ">",
                   "threshold": 9.0, "source": "our service's protocol", "verification": "unverified"}
                ]}"#,
        )
        .unwrap(),
    );
    v
}

/// An answer on `scale` from a random draw: `k` in 0..=20 spread over the range (whole steps
/// on stepped scales), `miss` < 3 a missing answer, `miss` == 3 "does not apply".
fn answer(scale: ResponseScale, k: u32, miss: u32, dna: bool) -> Answer {
    if miss < 3 {
        return Answer::Missing;
    }
    if miss == 3 && dna {
        return Answer::DoesNotApply;
    }
    let (lo, hi) = scale.bounds();
    let x = lo + (hi - lo) * f64::from(k) / 20.0;
    let x = match scale {
        ResponseScale::Likert { .. } => x.round(),
        ResponseScale::Bipolar { .. } => {
            let r = x.round();
            if r == 0.0 { 1.0 } else { r }
        }
        ResponseScale::VisualAnalogue { .. } => (x * 10.0).round() / 10.0,
        _ => x,
    };
    Answer::Value(x)
}

fn cell(a: Answer) -> String {
    match a {
        Answer::Value(x) => format!("{x}"),
        Answer::Missing => String::new(),
        Answer::DoesNotApply => "N/A".to_owned(),
    }
}

fn ids(score: &Result<Score, ScoreError>) -> Vec<String> {
    match score {
        Ok(s) => s.critical.iter().map(|f| f.rule.clone()).collect(),
        Err(e) => e.critical().iter().map(|f| f.rule.clone()).collect(),
    }
}

/// Scores `rows` through every path and asserts they agree with `Instrument::score`.
fn check_every_path(inst: &Instrument, rows: &[Vec<Answer>]) -> Result<(), TestCaseError> {
    let responses: Vec<Responses> = rows
        .iter()
        .map(|r| inst.item_numbers().zip(r.iter().copied()).collect())
        .collect();
    let single: Vec<Result<Score, ScoreError>> = responses.iter().map(|r| inst.score(r)).collect();

    // batch
    let mut batch = BatchScores::new();
    inst.score_batch(&responses, &mut batch);
    // dense
    let mut dense = BatchScores::new();
    let flat_answers: Vec<Answer> = rows.iter().flatten().copied().collect();
    inst.score_dense(&flat_answers, &mut dense);
    for out in [&batch, &dense] {
        prop_assert_eq!(out.len(), rows.len());
        for (i, want) in single.iter().enumerate() {
            let got = out.score(i).unwrap();
            prop_assert_eq!(&got, want, "record {}", i);
            let critical: Vec<String> = out.critical(i).iter().map(|s| (*s).to_owned()).collect();
            prop_assert_eq!(&critical, &ids(want));
            let (total, band, cutoff) = match want {
                Ok(s) => (Some(s.total), s.band.as_deref(), s.cutoff_met),
                Err(_) => (None, None, None),
            };
            prop_assert_eq!(out.total(i), total);
            prop_assert_eq!(out.band(i), band);
            prop_assert_eq!(out.cutoff_met(i), cutoff);
        }
    }

    // flat: the records with every item answered
    let complete: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].iter().all(|a| matches!(a, Answer::Value(_))))
        .collect();
    let values: Vec<f64> = complete
        .iter()
        .flat_map(|&i| {
            rows[i].iter().map(|a| match a {
                Answer::Value(x) => *x,
                _ => f64::NAN,
            })
        })
        .collect();
    let mut flat = FlatScores::new();
    inst.score_flat(&values, &mut flat);
    for (j, &i) in complete.iter().enumerate() {
        let want = single[i].as_ref().unwrap();
        prop_assert_eq!(flat.total(j), Some(want.total));
        let subs: Vec<Option<f64>> = inst
            .subscales()
            .iter()
            .map(|s| want.subscale(&s.name))
            .collect();
        prop_assert_eq!(flat.subscales(j).map(<[Option<f64>]>::to_vec), Some(subs));
        prop_assert_eq!(flat.band(j), want.band.as_deref());
        prop_assert_eq!(flat.cutoff_met(j), want.cutoff_met);
        let critical: Vec<String> = flat.critical(j).iter().map(|s| (*s).to_owned()).collect();
        prop_assert_eq!(&critical, &ids(&single[i]));
    }

    // export: the same rows as a wide CSV
    let mut csv = String::from("client,session");
    for n in inst.item_numbers() {
        let _ = write!(csv, ",I_{n}");
    }
    csv.push('\n');
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(csv, "c{i},{}", i + 1);
        for a in r {
            csv.push(',');
            csv.push_str(&cell(*a));
        }
        csv.push('\n');
    }
    let spec = ExportSpec::builder("client")
        .session("session")
        .instrument(InstrumentColumns::pattern(inst.clone(), "I_{item}").unwrap())
        .build()
        .unwrap();
    let mut reader = ExportReader::new(csv.as_bytes(), spec.clone()).unwrap();
    let mut scorer = ExportScorer::new(&spec);
    let mut k = 0;
    while let Some(rec) = reader.next_record().unwrap() {
        // a record whose every item is blank is "not administered", not a record
        while rows[k].iter().all(|a| matches!(a, Answer::Missing)) {
            k += 1;
        }
        let got = scorer.full_score(&rec).expect("every cell is valid");
        prop_assert_eq!(&got, &single[k], "export record {}", k);
        let numbers = scorer.score(&rec).unwrap();
        if let (Ok(n), Ok(s)) = (&numbers, &single[k]) {
            prop_assert_eq!(n.score.total, s.total);
            let critical: Vec<String> = inst
                .critical_ids(n.score.critical)
                .map(str::to_owned)
                .collect();
            prop_assert_eq!(&critical, &ids(&single[k]));
        }
        k += 1;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_path_gives_the_same_answer(
        which in 0usize..64,
        draws in prop::collection::vec(prop::collection::vec((0u32..=20, 0u32..24), 64), 1..12),
    ) {
        let all = instruments();
        let inst = &all[which % all.len()];
        let n = inst.item_count();
        let dna = inst.has_does_not_apply();
        let rows: Vec<Vec<Answer>> = draws
            .iter()
            .map(|d| d.iter().cycle().take(n).map(|&(k, m)| answer(inst.scale(), k, m, dna)).collect())
            .collect();
        check_every_path(inst, &rows)?;
    }
}

/// PHQ-9 item 9: the exact positives, on every path, including an incomplete form.
#[test]
fn phq9_item9_positives_on_every_path() {
    let phq = Instrument::builtin("phq-9").unwrap();
    let row = |item9: Answer, item4: Answer| -> Vec<Answer> {
        (1..=9)
            .map(|i| match i {
                9 => item9,
                4 => item4,
                _ => Answer::Value(1.0),
            })
            .collect()
    };
    let v = Answer::Value;
    let rows = vec![
        row(v(0.0), v(1.0)),          // negative
        row(v(1.0), v(1.0)),          // positive
        row(v(3.0), v(2.0)),          // positive
        row(Answer::Missing, v(1.0)), // unanswered: never a flag, never "no risk"
        row(v(2.0), Answer::Missing), // incomplete form, answered item 9: still a flag
        row(v(0.0), Answer::Missing), // incomplete, negative
    ];
    check_every_path(&phq, &rows).unwrap();
    let flagged: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let resp: Responses = (1..=9).zip(r.iter().copied()).collect();
            !ids(&phq.score(&resp)).is_empty()
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(flagged, [1, 2, 4]);
    let resp: Responses = (1..=9).zip(rows[4].iter().copied()).collect();
    let err = phq.score(&resp).unwrap_err();
    assert!(
        err.to_string()
            .contains("critical item met: phq9_item9 (item 9 = 2)"),
        "{err}"
    );
    assert_eq!(err.critical()[0].target, CriticalTarget::Item { item: 9 });
    assert_eq!(err.critical()[0].verification, Verification::Verified);
}

#[test]
fn critical_rules_are_definition_data() {
    let all = instruments();
    let mine = all.iter().find(|i| i.id() == "my-scale").unwrap();
    assert_eq!(mine.critical_rules().len(), 2);
    let json = serde_json::to_string(mine).unwrap();
    let back: Instrument = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, mine);
    // the catalogue's PHQ-9 declares its rule in its definition, with source and label
    let phq = serde_json::to_value(Instrument::builtin("phq-9").unwrap()).unwrap();
    assert_eq!(phq["critical"][0]["id"], "phq9_item9");
    assert_eq!(phq["critical"][0]["verification"], "verified");
    assert!(
        phq["critical"][0]["source"]
            .as_str()
            .unwrap()
            .contains("Simon")
    );
    // no other built-in declares one (CORE-10's item number and CORE-OM's trigger are unverified)
    for id in therapeutic_alliance::catalogue::BUILTIN_IDS {
        let n = Instrument::builtin(id).unwrap().critical_rules().len();
        assert_eq!(n, usize::from(id == "phq-9"), "{id}");
    }
    // a rule must name an item or subscale of its instrument, once
    let bad = json.replace(r#""item":5"#, r#""item":6"#);
    let err = serde_json::from_str::<Instrument>(&bad).unwrap_err();
    assert!(err.to_string().contains("names item 6"), "{err}");
    let bad = json.replace(r#""name":"mood"}"#, r#""name":"sleep"}"#);
    assert!(serde_json::from_str::<Instrument>(&bad).is_err());
    let bad = json.replace("mood_high", "item5_any");
    let err = serde_json::from_str::<Instrument>(&bad).unwrap_err();
    assert!(err.to_string().contains("declared twice"), "{err}");
}

/// A visual-analogue total lands on its decimal grid on every path (flat included).
#[test]
fn vas_totals_on_the_grid_on_every_path() {
    let srs = Instrument::builtin("srs").unwrap();
    let rows = vec![[9.8, 8.9, 9.8, 9.8].map(Answer::Value).to_vec()];
    check_every_path(&srs, &rows).unwrap();
    let mut flat = FlatScores::new();
    srs.score_flat(&[9.8, 8.9, 9.8, 9.8], &mut flat);
    assert_eq!(flat.total(0), Some(38.3));
}
