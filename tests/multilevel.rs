//! Golden and property tests for within/between disaggregation (`testdata/expected_within_between.json`
//! from `testdata/ref_wb.R`, R 4.2.2 / lme4 1.1-31).

mod common;

use common::golden;
use proptest::prelude::*;
use serde_json::Value;
use therapeutic_alliance::stats::{
    GrandMean, StatsError, next_within_person, person_mean_centre, within_regression,
};

const TOL: f64 = 1e-12;

fn expected() -> Value {
    golden::json("expected_within_between.json")
}

/// The lagged data of `ref_wb.R`: alliance and symptoms at session t, symptoms at t + 1.
struct Lagged {
    ids: Vec<String>,
    alliance: Vec<f64>,
    symptoms: Vec<f64>,
    next: Vec<f64>,
}

fn lagged() -> Lagged {
    let mut rdr = golden::csv("wb_sessions.csv");
    let (mut ids, mut sess, mut wa, mut sx) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        ids.push(rec[0].to_owned());
        sess.push(rec[1].parse::<u32>().unwrap());
        wa.push(rec[2].parse::<f64>().unwrap());
        sx.push(rec[3].parse::<f64>().unwrap());
    }
    let next = next_within_person(&ids, &sess, &sx).unwrap();
    let mut out = Lagged {
        ids: Vec::new(),
        alliance: Vec::new(),
        symptoms: Vec::new(),
        next: Vec::new(),
    };
    for (i, n) in next.iter().enumerate() {
        if let Some(n) = n {
            out.ids.push(ids[i].clone());
            out.alliance.push(wa[i]);
            out.symptoms.push(sx[i]);
            out.next.push(*n);
        }
    }
    out
}

#[test]
fn design_matches() {
    let e = expected();
    let l = lagged();
    assert_eq!(l.next.len(), 50);
    let d = person_mean_centre(&l.ids, &l.alliance, GrandMean::Rows).unwrap();
    assert_eq!(d.persons, 10);
    let g = &e["design"];
    golden::close(
        "grand mean",
        d.grand_mean,
        g["grand_mean_of_person_alliance_means"].as_f64().unwrap(),
        TOL,
    );
    let p = person_mean_centre(&l.ids, &l.alliance, GrandMean::Persons).unwrap();
    golden::close("grand mean (persons)", p.grand_mean, d.grand_mean, 1e-12);
    // rows are ordered by id, 5 per person
    let means = g["person_means_sessions_1_to_5"]["alliance"]
        .as_array()
        .unwrap();
    for (k, m) in means.iter().enumerate() {
        golden::close(
            "person mean",
            d.person_mean[5 * k],
            m.as_f64().unwrap(),
            TOL,
        );
    }
    let s = person_mean_centre(&l.ids, &l.symptoms, GrandMean::Rows).unwrap();
    let means = g["person_means_sessions_1_to_5"]["symptoms"]
        .as_array()
        .unwrap();
    for (k, m) in means.iter().enumerate() {
        golden::close("sx mean", s.person_mean[5 * k], m.as_f64().unwrap(), TOL);
    }
    for (w, b) in d.within.iter().zip(&d.between) {
        assert!(w.is_finite() && b.is_finite());
    }
}

#[test]
fn fixed_effects_slopes_match() {
    let e = expected();
    let fe = &e["FE_within_OLS"];
    let l = lagged();
    let m1 = within_regression(&l.ids, &[&l.alliance], &l.next).unwrap();
    golden::close(
        "M1 wa_w",
        m1.coefficients[0].estimate,
        fe["M1_wa_w"].as_f64().unwrap(),
        TOL,
    );
    golden::close(
        "LSDV M1 wa_w",
        m1.coefficients[0].estimate,
        fe["LSDV_M1_wa_w"].as_f64().unwrap(),
        TOL,
    );
    // the lme4 within coefficient of M1 equals the FE slope (Mundlak)
    golden::close(
        "lme4 M1 wa_w",
        m1.coefficients[0].estimate,
        e["M1_random_intercept_REML"]["fixef"]["wa_w"]
            .as_f64()
            .unwrap(),
        1e-9,
    );
    assert_eq!(m1.df, 39.0);
    // SE cross-checked by an independent LSDV least-squares fit with person dummies (numpy)
    golden::close("M1 se", m1.coefficients[0].se, 1.158705565215973, 1e-9);
    golden::close("M1 rss", m1.rss, 214.782047821508, 1e-9);

    let m2 = within_regression(&l.ids, &[&l.alliance, &l.symptoms], &l.next).unwrap();
    golden::close(
        "M2 wa_w",
        m2.coefficients[0].estimate,
        fe["M2_wa_w"].as_f64().unwrap(),
        TOL,
    );
    golden::close(
        "M2 sx_w",
        m2.coefficients[1].estimate,
        fe["M2_sx_w"].as_f64().unwrap(),
        TOL,
    );
    assert_eq!(m2.df, 38.0);
    golden::close("M2 se wa", m2.coefficients[0].se, 0.5703858714567688, 1e-9);
    golden::close("M2 se sx", m2.coefficients[1].se, 0.07482105042811645, 1e-9);
    assert!(m2.coefficients[1].p < 1e-10);
}

#[test]
fn bad_inputs_are_errors() {
    let ids = [1, 1, 2, 2];
    assert!(matches!(
        within_regression(&[1, 1, 2], &[&[1.0, 2.0, 3.0]], &[1.0, 2.0, 3.0]),
        Err(StatsError::TooFewCases { .. })
    ));
    assert!(matches!(
        person_mean_centre::<u8>(&[], &[], GrandMean::Rows),
        Err(StatsError::EmptyInput { .. })
    ));
    assert!(matches!(
        person_mean_centre(&ids, &[1.0, f64::INFINITY, 3.0, 4.0], GrandMean::Rows),
        Err(StatsError::NonFinite { row: 1, .. })
    ));
    assert!(matches!(
        within_regression(&ids, &[], &[1.0, 2.0, 3.0, 4.0]),
        Err(StatsError::EmptyInput { .. })
    ));
}

proptest! {
    #[test]
    fn within_parts_sum_to_zero_per_person(
        rows in prop::collection::vec((0u8..5, -50.0f64..50.0), 1..40),
    ) {
        let (ids, x): (Vec<u8>, Vec<f64>) = rows.into_iter().unzip();
        let d = person_mean_centre(&ids, &x, GrandMean::Persons).unwrap();
        for id in 0u8..5 {
            let s: f64 = ids.iter().zip(&d.within).filter(|(i, _)| **i == id).map(|(_, w)| w).sum();
            prop_assert!(s.abs() < 1e-9);
        }
        for ((xi, w), (b, pm)) in x.iter().zip(&d.within).zip(d.between.iter().zip(&d.person_mean)) {
            prop_assert!((xi - (w + pm)).abs() < 1e-9);
            prop_assert!((pm - d.grand_mean - b).abs() < 1e-9);
        }
    }

    #[test]
    fn slope_invariant_to_person_shifts(
        rows in prop::collection::vec((0u8..4, -10.0f64..10.0, -10.0f64..10.0), 8..40),
        shift in -100.0f64..100.0,
    ) {
        let ids: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let x: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let y2: Vec<f64> = ids.iter().zip(&y).map(|(i, v)| v + shift * f64::from(*i)).collect();
        if let (Ok(a), Ok(b)) = (within_regression(&ids, &[&x], &y), within_regression(&ids, &[&x], &y2)) {
            let (a, b) = (a.coefficients[0].estimate, b.coefficients[0].estimate);
            prop_assert!((a - b).abs() <= 1e-7 * (1.0 + a.abs()));
        }
    }

    #[test]
    fn never_panics(
        rows in prop::collection::vec((0u8..3, any::<f64>(), -5.0f64..5.0), 0..20),
    ) {
        let ids: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let x: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let _ = within_regression(&ids, &[&x, &y], &y);
        let _ = within_regression(&ids, &[&y], &x);
        let _ = person_mean_centre(&ids, &x, GrandMean::Rows);
        let _ = next_within_person(&ids, &ids, &x);
    }
}
