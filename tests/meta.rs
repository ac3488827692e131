//! Golden tests for the meta-analysis of correlations against metafor 3.8-1
//! (`testdata/expected_meta.json`, produced by `testdata/make_expected.R` on
//! `dat.molloy2014`), plus property tests.

mod common;

use common::golden;
use common::seeded::{XorShift, meta_studies};
use proptest::prelude::*;
use serde_json::Value;
use therapeutic_alliance::stats::{
    CorrelationStudy, MetaAnalysis, MetaOptions, MetaTest, StatsError, TauMethod,
    correlation_studies, meta_analysis, meta_analysis_rn,
};

fn expected() -> Value {
    golden::json("expected_meta.json")
}

fn molloy() -> Vec<CorrelationStudy> {
    let mut rdr = golden::csv("molloy2014_ri_ni.csv");
    let headers = rdr.headers().unwrap().clone();
    let ni = headers.iter().position(|h| h == "ni").unwrap();
    let ri = headers.iter().position(|h| h == "ri").unwrap();
    rdr.records()
        .map(|rec| {
            let rec = rec.unwrap();
            CorrelationStudy::new(rec[ri].parse().unwrap(), rec[ni].parse().unwrap()).unwrap()
        })
        .collect()
}

fn fit(method: TauMethod, knha: bool) -> MetaAnalysis {
    meta_analysis(
        &molloy(),
        &MetaOptions::new().method(method).knapp_hartung(knha),
    )
    .unwrap()
}

/// Tracks the largest relative error seen, and fails above `tol`.
fn rel(got: f64, want: &Value, tol: f64, what: &str) -> f64 {
    golden::close(what, got, golden::num(want, what), tol)
}

fn pair(got: (f64, f64), want: &Value, tol: f64, what: &str) -> f64 {
    rel(got.0, &want[0], tol, &format!("{what}[0]")).max(rel(
        got.1,
        &want[1],
        tol,
        &format!("{what}[1]"),
    ))
}

/// Compares every field metafor reports for one model; returns the max relative error.
fn check_model(res: &MetaAnalysis, want: &Value, tol: f64, label: &str) -> f64 {
    let l = |f: &str| format!("{label}.{f}");
    let mut e = 0.0_f64;
    e = e.max(rel(res.tau2, &want["tau2"], tol, &l("tau2")));
    e = e.max(rel(res.tau, &want["tau"], tol, &l("tau")));
    match (&want["se_tau2"], res.se_tau2) {
        (Value::Null, None) => {}
        (w, Some(g)) => e = e.max(rel(g, w, tol, &l("se_tau2"))),
        (w, g) => panic!("{label}: se_tau2 {g:?} vs {w}"),
    }
    e = e.max(rel(res.i2, &want["I2"], tol, &l("I2")));
    e = e.max(rel(res.h2, &want["H2"], tol, &l("H2")));
    e = e.max(rel(res.q, &want["QE"], 1e-12, &l("QE")));
    e = e.max(rel(res.q_p, &want["QEp"], 1e-10, &l("QEp")));
    e = e.max(rel(res.estimate, &want["mu"], tol, &l("mu")));
    e = e.max(rel(res.se, &want["se"], tol, &l("se")));
    e = e.max(rel(res.zval, &want["stat"], tol, &l("stat")));
    // p-values go through statrs' tails (accurate to ~1e-10 relative at these magnitudes)
    let pe = rel(res.p, &want["p"], 1e-8, &l("p"));
    println!("{label}: p-value rel err {pe:.2e}");
    e = e.max(pair((res.ci_lb, res.ci_ub), &want["ci"], tol, &l("ci")));
    match &want["df"] {
        Value::Null => assert_eq!(res.ddf, None, "{label}: ddf"),
        w => e = e.max(rel(res.ddf.unwrap(), w, 0.0, &l("df"))),
    }
    if want["pi_z"].is_array() {
        e = e.max(pair(
            (res.pi_lb.unwrap(), res.pi_ub.unwrap()),
            &want["pi_z"],
            tol,
            &l("pi_z"),
        ));
        e = e.max(pair(
            (res.pi_lb_r.unwrap(), res.pi_ub_r.unwrap()),
            &want["r_pi"],
            tol,
            &l("r_pi"),
        ));
    } else {
        assert!(
            res.pi_lb.is_none() && res.pi_ub_r.is_none(),
            "{label}: no PI"
        );
    }
    e = e.max(rel(res.estimate_r, &want["r_pred"], tol, &l("r_pred")));
    e = e.max(pair(
        (res.ci_lb_r, res.ci_ub_r),
        &want["r_ci"],
        tol,
        &l("r_ci"),
    ));
    e
}

#[test]
fn escalc_zcor_matches_metafor() {
    let exp = expected();
    for (i, s) in molloy().iter().enumerate() {
        rel(s.z(), &exp["data"]["yi"][i], 1e-14, "yi");
        rel(s.variance(), &exp["data"]["vi"][i], 1e-14, "vi");
    }
}

#[test]
fn fixed_effect_matches_metafor() {
    let exp = expected();
    let res = fit(TauMethod::FixedEffect, false);
    let e = check_model(&res, &exp["EE"], 1e-9, "EE");
    assert_eq!(res.tau2, 0.0);
    rel(res.vt, &exp["fixed_pieces"]["vtilde"], 1e-12, "vtilde");
    println!("EE max rel err {e:.2e}");
}

#[test]
fn dersimonian_laird_matches_metafor() {
    let exp = expected();
    let e = check_model(
        &fit(TauMethod::DerSimonianLaird, false),
        &exp["DL"],
        1e-9,
        "DL",
    );
    let e2 = check_model(
        &fit(TauMethod::DerSimonianLaird, true),
        &exp["DL_KH"],
        1e-9,
        "DL_KH",
    );
    println!("DL max rel err {e:.2e}, DL_KH {e2:.2e}");
}

#[test]
fn reml_matches_metafor_including_iterations() {
    let exp = expected();
    let res = fit(TauMethod::Reml, false);
    let e = check_model(&res, &exp["REML"], 1e-9, "REML");
    let trace = exp["REML_iterations_reimplementation"].as_array().unwrap();
    assert_eq!(res.tau2_trace.len(), trace.len());
    assert_eq!(res.iterations, trace.len() - 1);
    for (got, want) in res.tau2_trace.iter().zip(trace) {
        rel(*got, want, 1e-12, "REML trace");
    }
    rel(res.loglik, &exp["loglik"]["REML"], 1e-10, "loglik REML");
    println!("REML max rel err {e:.2e}");
}

#[test]
fn reml_knapp_hartung_matches_metafor() {
    let exp = expected();
    let res = fit(TauMethod::Reml, true);
    let e = check_model(&res, &exp["REML_KH"], 1e-9, "REML_KH");
    assert_eq!(res.test, MetaTest::KnappHartung);
    rel(res.s2w, &exp["REML_KH_s2"], 1e-12, "s2");
    println!("REML_KH max rel err {e:.2e}");
}

#[test]
fn fully_converged_reml_matches_metafor() {
    let exp = expected();
    let full = &exp["REML_fully_converged_threshold_1e_14"];
    let res = meta_analysis(&molloy(), &MetaOptions::new().threshold(1e-14)).unwrap();
    rel(res.tau2, &full["tau2"], 1e-9, "tau2 (threshold 1e-14)");
    rel(res.estimate, &full["mu"], 1e-11, "mu (threshold 1e-14)");
}

#[test]
fn other_estimators_match_metafor() {
    let exp = expected();
    let other = &exp["other_tau2"];
    rel(fit(TauMethod::Ml, false).tau2, &other["ML"], 1e-9, "ML");
    rel(
        fit(TauMethod::Hedges, false).tau2,
        &other["HE"],
        1e-12,
        "HE",
    );
    rel(
        fit(TauMethod::SidikJonkman, false).tau2,
        &other["SJ"],
        1e-12,
        "SJ",
    );
    // uniroot at metafor's default tolerance, same bracket sequence
    rel(
        fit(TauMethod::PauleMandel, false).tau2,
        &other["PM"],
        1e-9,
        "PM",
    );
    rel(
        fit(TauMethod::Ml, false).loglik,
        &exp["loglik"]["ML"],
        1e-10,
        "loglik ML",
    );
}

#[test]
fn q_profile_ci_matches_metafor() {
    let exp = expected();
    let res = fit(TauMethod::Reml, false);
    let ci = res.tau2_ci.unwrap();
    let d = &exp["qprofile_default_tol"];
    let e = pair(
        (ci.tau2_lb, ci.tau2_ub),
        &d["tau2"],
        1e-9,
        "QP tau2 (default tol)",
    )
    .max(pair((ci.tau_lb, ci.tau_ub), &d["tau"], 1e-9, "QP tau"))
    .max(pair((ci.i2_lb, ci.i2_ub), &d["I2"], 1e-9, "QP I2"))
    .max(pair((ci.h2_lb, ci.h2_ub), &d["H2"], 1e-9, "QP H2"));
    let precise = meta_analysis(&molloy(), &MetaOptions::new().root_tol(1e-12))
        .unwrap()
        .tau2_ci
        .unwrap();
    let p = &exp["qprofile_tol_1e_12"];
    let e2 = pair(
        (precise.tau2_lb, precise.tau2_ub),
        &p["tau2"],
        1e-9,
        "QP tau2 (tol 1e-12)",
    )
    .max(pair(
        (precise.i2_lb, precise.i2_ub),
        &p["I2"],
        1e-9,
        "QP I2 (1e-12)",
    ));
    println!("Q-profile max rel err: default tol {e:.2e}, tol 1e-12 {e2:.2e}");
}

#[test]
fn rn_slices_equal_studies() {
    let studies = molloy();
    let r: Vec<f64> = studies.iter().map(CorrelationStudy::r).collect();
    let n: Vec<f64> = studies.iter().map(CorrelationStudy::n).collect();
    let a = meta_analysis_rn(&r, &n, &MetaOptions::new()).unwrap();
    assert_eq!(a, fit(TauMethod::Reml, false));
}

#[test]
fn bad_records_are_all_reported() {
    let r = [0.2, 1.0, f64::NAN, 0.3, -0.4];
    let n = [50.0, 40.0, 30.0, 3.0, 80.0];
    let batch = correlation_studies(&r, &n).unwrap();
    assert_eq!(batch.rows, [0, 4]);
    assert_eq!(batch.studies.len(), 2);
    let rows: Vec<usize> = batch.rejected.iter().map(|b| b.row).collect();
    assert_eq!(rows, [1, 2, 3]);
    let err = meta_analysis_rn(&r, &n, &MetaOptions::new()).unwrap_err();
    assert!(err.to_string().contains("row 1"), "{err}");
    assert!(matches!(
        meta_analysis_rn(&r, &n[..2], &MetaOptions::new()),
        Err(StatsError::LengthMismatch { .. })
    ));
    assert!(matches!(
        meta_analysis(&[], &MetaOptions::new()),
        Err(StatsError::EmptyInput { .. })
    ));
    for level in [0.0, 1.0, f64::NAN, -0.5] {
        assert!(meta_analysis(&molloy(), &MetaOptions::new().level(level)).is_err());
    }
}

#[test]
fn deserialisation_validates() {
    let ok: CorrelationStudy = serde_json::from_str(r#"{"r":0.3,"n":40}"#).unwrap();
    assert_eq!(ok.r(), 0.3);
    assert!(serde_json::from_str::<CorrelationStudy>(r#"{"r":1.3,"n":40}"#).is_err());
    assert!(serde_json::from_str::<CorrelationStudy>(r#"{"r":0.3,"n":2}"#).is_err());
}

#[test]
fn one_study_is_that_study_like_metafor_k1() {
    let s = CorrelationStudy::new(0.3, 50.0).unwrap();
    for method in [
        TauMethod::FixedEffect,
        TauMethod::DerSimonianLaird,
        TauMethod::Reml,
        TauMethod::Ml,
        TauMethod::PauleMandel,
    ] {
        let res =
            meta_analysis(&[s], &MetaOptions::new().method(method).knapp_hartung(true)).unwrap();
        assert_eq!(res.estimate, s.z());
        assert!((res.se - s.variance().sqrt()).abs() < 1e-15);
        assert!((res.estimate_r - 0.3).abs() < 1e-15);
        assert_eq!(
            (res.tau2, res.q, res.q_p, res.i2, res.h2),
            (0.0, 0.0, 1.0, 0.0, 1.0)
        );
        assert_eq!(res.test, MetaTest::Z);
        assert!(res.tau2_ci.is_none() && res.se_tau2.is_none());
    }
}

#[test]
fn knapp_hartung_with_identical_effects_is_an_error() {
    let s = [
        CorrelationStudy::new(0.3, 50.0).unwrap(),
        CorrelationStudy::new(0.3, 80.0).unwrap(),
    ];
    assert!(matches!(
        meta_analysis(&s, &MetaOptions::new().knapp_hartung(true)),
        Err(StatsError::ConstantInput { .. })
    ));
    let z = meta_analysis(&s, &MetaOptions::new()).unwrap();
    assert_eq!(z.tau2, 0.0);
    let ci = z.tau2_ci.unwrap();
    assert!(ci.null_set);
}

fn studies_strategy(max_k: usize) -> impl Strategy<Value = Vec<CorrelationStudy>> {
    prop::collection::vec((-0.95f64..0.95, 4.0f64..2000.0), 1..max_k).prop_map(|v| {
        v.into_iter()
            .map(|(r, n)| CorrelationStudy::new(r, n.floor()).unwrap())
            .collect()
    })
}

fn methods() -> impl Strategy<Value = TauMethod> {
    prop_oneof![
        Just(TauMethod::FixedEffect),
        Just(TauMethod::DerSimonianLaird),
        Just(TauMethod::Reml),
        Just(TauMethod::Ml),
        Just(TauMethod::Hedges),
        Just(TauMethod::SidikJonkman),
        Just(TauMethod::PauleMandel),
    ]
}

proptest! {
    #[test]
    fn one_study_returns_that_study(r in -0.99f64..0.99, n in 4.0f64..1e6, m in methods()) {
        let s = CorrelationStudy::new(r, n).unwrap();
        let res = meta_analysis(&[s], &MetaOptions::new().method(m)).unwrap();
        prop_assert_eq!(res.estimate, s.z());
        prop_assert!((res.estimate_r - r).abs() <= 1e-12);
        prop_assert_eq!(res.tau2, 0.0);
    }

    #[test]
    fn order_does_not_matter(s in studies_strategy(30), m in methods(), seed in any::<u64>()) {
        let mut shuffled = s.clone();
        // deterministic Fisher–Yates from the seed
        XorShift::new(seed | 1).shuffle(&mut shuffled);
        let o = MetaOptions::new().method(m).tau2_ci(false);
        let a = meta_analysis(&s, &o);
        let b = meta_analysis(&shuffled, &o);
        if let (Ok(a), Ok(b)) = (a, b) {
            prop_assert!((a.estimate - b.estimate).abs() <= 1e-9 * (1.0 + a.estimate.abs()));
            prop_assert!((a.tau2 - b.tau2).abs() <= 1e-9 * (1.0 + a.tau2));
            prop_assert!((a.se - b.se).abs() <= 1e-9 * a.se);
        }
    }

    #[test]
    fn larger_samples_shrink_the_fixed_effect_se(s in studies_strategy(20), f in 1.5f64..10.0) {
        let bigger: Vec<CorrelationStudy> = s.iter()
            .map(|x| CorrelationStudy::new(x.r(), x.n() * f).unwrap())
            .collect();
        let o = MetaOptions::new().method(TauMethod::FixedEffect);
        let a = meta_analysis(&s, &o).unwrap();
        let b = meta_analysis(&bigger, &o).unwrap();
        prop_assert!(b.se < a.se);
        // under random effects the SE cannot grow either when tau2 is held at its DL value
        let o = MetaOptions::new().method(TauMethod::DerSimonianLaird).tau2_ci(false);
        let a = meta_analysis(&s, &o).unwrap();
        let b = meta_analysis(&bigger, &o).unwrap();
        prop_assert!(b.se <= a.se * (1.0 + 1e-12) || b.tau2 > a.tau2);
    }

    #[test]
    fn heterogeneity_is_in_range(s in studies_strategy(40), m in methods(), knha in any::<bool>()) {
        if let Ok(res) = meta_analysis(&s, &MetaOptions::new().method(m).knapp_hartung(knha)) {
            prop_assert!(res.tau2 >= 0.0);
            prop_assert!(res.i2 >= 0.0 && res.i2 < 100.0);
            prop_assert!(res.h2 >= 0.0);
            prop_assert!(res.ci_lb <= res.estimate && res.estimate <= res.ci_ub);
            prop_assert!((0.0..=1.0).contains(&res.p) && (0.0..=1.0).contains(&res.q_p));
            prop_assert!((res.weights.iter().sum::<f64>() - 100.0).abs() < 1e-9);
            if let Some(ci) = res.tau2_ci {
                prop_assert!(ci.tau2_lb <= ci.tau2_ub);
            }
        }
    }

    #[test]
    fn no_panic_on_any_input(
        r in prop::collection::vec(prop::num::f64::ANY, 0..8),
        n in prop::collection::vec(prop::num::f64::ANY, 0..8),
        level in prop::num::f64::ANY,
        m in methods(),
        knha in any::<bool>(),
    ) {
        let o = MetaOptions::new().method(m).knapp_hartung(knha).level(level);
        if let Ok(res) = meta_analysis_rn(&r, &n, &o) {
            prop_assert!(res.estimate.is_finite() && res.se.is_finite() && res.tau2.is_finite());
        }
    }
}

/// Timing of REML with k = 100,000 (run with `cargo test --release --test meta -- --ignored`).
#[test]
#[ignore = "timing; run in release mode"]
fn reml_k100000_timing() {
    let studies: Vec<CorrelationStudy> = meta_studies(100_000)
        .into_iter()
        .map(|(r, n)| CorrelationStudy::new(r, n).unwrap())
        .collect();
    for o in [MetaOptions::new(), MetaOptions::new().tau2_ci(false)] {
        let t = std::time::Instant::now();
        let res = meta_analysis(&studies, &o).unwrap();
        println!(
            "k = 100000 REML: {:?} ({} iterations, tau2 = {:.6}, tau2 CI: {})",
            t.elapsed(),
            res.iterations,
            res.tau2,
            res.tau2_ci.is_some()
        );
    }
}
