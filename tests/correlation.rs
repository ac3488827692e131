//! Golden and property tests for correlations and `r.test` (`testdata/expected_corr.json` from
//! `testdata/ref_corr.R`, R 4.2.2 / psych 2.2.9; `testdata/expected_pingouin.json`, pingouin 0.7.0).

mod common;

use common::golden;
use proptest::prelude::*;
use serde_json::Value;
use therapeutic_alliance::stats::{
    CorrelationMethod, CorrelationOptions, NonOverlapping, PValueMethod, SpearmanCi,
    SpearmanPValue, StatsError, correlate, correlate_pairwise, pearson,
    r_test_dependent_nonoverlapping, r_test_dependent_overlapping, r_test_independent,
    r_test_single, spearman,
};

const TOL: f64 = 1e-12;

fn data() -> (Vec<f64>, Vec<f64>) {
    let mut rdr = golden::csv("corr_data.csv");
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        x.push(rec[0].parse().unwrap());
        y.push(rec[1].parse().unwrap());
    }
    (x, y)
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn close(what: &str, a: f64, b: f64) {
    golden::close(what, a, b, TOL);
}

#[test]
fn pearson_matches_cor_test() {
    let e = golden::json("expected_corr.json");
    let g = &e["pearson"];
    let (x, y) = data();
    let c = pearson(&x, &y).unwrap();
    assert_eq!(c.n, 12);
    close("r", c.r, num(&g["r"]));
    close("t", c.t.unwrap(), num(&g["t"]));
    close("df", c.df, num(&g["df"]));
    close("p", c.p, num(&g["p"]));
    close("ci_lb", c.ci_lb.unwrap(), num(&g["ci95"][0]));
    close("ci_ub", c.ci_ub.unwrap(), num(&g["ci95"][1]));
    let pg = &golden::json("expected_pingouin.json")["corr"]["pearson"];
    close("pingouin r", c.r, num(&pg["r"]));
    close("pingouin p", c.p, num(&pg["p"]));
}

#[test]
fn spearman_matches_cor_test_and_corr_test() {
    let e = golden::json("expected_corr.json");
    let g = &e["spearman"];
    let (x, y) = data();
    let c = spearman(&x, &y).unwrap();
    close("rho", c.r, num(&g["rho"]));
    close("S", c.s.unwrap(), num(&g["S"]));
    assert_eq!(c.p_method, PValueMethod::Edgeworth);
    close("p (AS 89)", c.p, num(&g["p_R_default_AS89"]));
    close("ci_lb", c.ci_lb.unwrap(), num(&g["ci95_fisher"][0]));
    close("ci_ub", c.ci_ub.unwrap(), num(&g["ci95_fisher"][1]));

    let opts = CorrelationOptions::new()
        .method(CorrelationMethod::Spearman)
        .spearman_p(SpearmanPValue::TApproximation)
        .spearman_ci(SpearmanCi::BonettWright);
    let t = correlate(&x, &y, &opts).unwrap();
    close("p (t)", t.p, num(&g["p_t_approx"]));
    close("p psych", t.p, num(&g["psych_corr_test"]["p"]));
    close("bw lb", t.ci_lb.unwrap(), num(&g["ci95_bonett_wright"][0]));
    close("bw ub", t.ci_ub.unwrap(), num(&g["ci95_bonett_wright"][1]));
    let pg = &golden::json("expected_pingouin.json")["corr"]["spearman"];
    close("pingouin p", t.p, num(&pg["p"]));
}

#[test]
fn r_tests_match_psych() {
    let e = golden::json("expected_corr.json");
    let g = &e["r_test_independent"];
    let i = &g["input"];
    let t = r_test_independent(num(&i["r1"]), num(&i["n1"]), num(&i["r2"]), num(&i["n2"])).unwrap();
    close("indep z", t.z.unwrap(), num(&g["z"]));
    close("indep p", t.p, num(&g["p"]));

    let g = &e["r_test_dependent_overlapping_williams"];
    let i = &g["input"];
    let t =
        r_test_dependent_overlapping(num(&i["n"]), num(&i["r12"]), num(&i["r13"]), num(&i["r23"]))
            .unwrap();
    close("williams t", t.t.unwrap(), num(&g["t"]));
    close("williams df", t.df.unwrap(), num(&g["df"]));
    close("williams p", t.p, num(&g["p"]));

    let g = &e["r_test_dependent_nonoverlapping_steiger"];
    let i = &g["input"];
    let r = NonOverlapping {
        r12: num(&i["r12"]),
        r34: num(&i["r34"]),
        r13: num(&i["r13"]),
        r14: num(&i["r14"]),
        r23: num(&i["r23"]),
        r24: num(&i["r24"]),
    };
    let t = r_test_dependent_nonoverlapping(num(&i["n"]), &r).unwrap();
    close("steiger z", t.z.unwrap(), num(&g["z"]));
    close("steiger p", t.p, num(&g["p"]));

    let g = &e["r_test_single"];
    let i = &g["input"];
    let t = r_test_single(num(&i["n"]), num(&i["r"])).unwrap();
    close("single t", t.t.unwrap(), num(&g["t"]));
    close("single p", t.p, num(&g["p"]));
    close("single lb", t.ci_lb.unwrap(), num(&g["ci95"][0]));
    close("single ub", t.ci_ub.unwrap(), num(&g["ci95"][1]));
}

#[test]
fn spearman_exact_for_small_n_and_t_with_ties() {
    // n = 9, no ties: exact permutation distribution
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 9.0, 7.0, 8.0];
    let c = spearman(&x, &y).unwrap();
    assert_eq!(c.p_method, PValueMethod::Exact);
    assert!(c.p > 0.0 && c.p < 0.01);
    // ties: t approximation as R
    let y2 = [2.0, 2.0, 4.0, 3.0, 6.0, 5.0, 9.0, 7.0, 8.0];
    let c = spearman(&x, &y2).unwrap();
    assert!(c.ties);
    assert_eq!(c.p_method, PValueMethod::TDistribution);
}

#[test]
fn pairwise_complete_cases() {
    let (x, y) = data();
    let mut xo: Vec<Option<f64>> = x.iter().copied().map(Some).collect();
    let mut yo: Vec<Option<f64>> = y.iter().copied().map(Some).collect();
    xo.push(None);
    yo.push(Some(1.0));
    xo.push(Some(3.0));
    yo.push(None);
    let c = correlate_pairwise(&xo, &yo, &CorrelationOptions::default()).unwrap();
    assert_eq!(c.n, 12);
    assert_eq!(c.n_missing, 2);
    assert_eq!(c.r, pearson(&x, &y).unwrap().r);
}

#[test]
fn errors_not_panics() {
    assert!(matches!(
        pearson(&[1.0, 2.0, 3.0], &[1.0, 2.0]),
        Err(StatsError::LengthMismatch { .. })
    ));
    assert!(matches!(
        spearman(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]),
        Err(StatsError::ConstantInput { .. })
    ));
    let bad = CorrelationOptions::new().level(1.0);
    assert!(correlate(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0], &bad).is_err());
    assert!(r_test_dependent_overlapping(100.0, 0.9, -0.9, 0.9).is_err());
    assert!(r_test_single(f64::NAN, 0.3).is_err());
}

fn finite_pairs() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 4..40)
}

proptest! {
    #[test]
    fn symmetric_in_x_and_y(v in finite_pairs(), sp in any::<bool>()) {
        let (x, y): (Vec<f64>, Vec<f64>) = v.into_iter().unzip();
        let m = if sp { CorrelationMethod::Spearman } else { CorrelationMethod::Pearson };
        let o = CorrelationOptions::new().method(m);
        if let (Ok(a), Ok(b)) = (correlate(&x, &y, &o), correlate(&y, &x, &o)) {
            prop_assert!((a.r - b.r).abs() < 1e-12);
            prop_assert!((a.p - b.p).abs() < 1e-12);
        }
    }

    #[test]
    fn pearson_affine_invariant(v in finite_pairs(), a in 0.1f64..10.0, b in -100.0f64..100.0, neg in any::<bool>()) {
        let (x, y): (Vec<f64>, Vec<f64>) = v.into_iter().unzip();
        let s = if neg { -a } else { a };
        let x2: Vec<f64> = x.iter().map(|v| s * v + b).collect();
        if let (Ok(c1), Ok(c2)) = (pearson(&x, &y), pearson(&x2, &y)) {
            prop_assert!((c2.r - s.signum() * c1.r).abs() < 1e-9);
        }
    }

    #[test]
    fn spearman_monotone_invariant(v in finite_pairs()) {
        let (x, y): (Vec<f64>, Vec<f64>) = v.into_iter().unzip();
        let x2: Vec<f64> = x.iter().map(|v| (v / 100.0).exp() + v.powi(3)).collect();
        if let (Ok(c1), Ok(c2)) = (spearman(&x, &y), spearman(&x2, &y)) {
            prop_assert!((c1.r - c2.r).abs() < 1e-12);
            prop_assert!((c1.p - c2.p).abs() < 1e-12);
        }
    }

    #[test]
    fn never_panics(
        x in prop::collection::vec(any::<f64>(), 0..12),
        y in prop::collection::vec(prop_oneof![any::<f64>(), -5.0f64..5.0], 0..12),
        level in any::<f64>(),
        r in any::<f64>(),
        n in any::<f64>(),
    ) {
        for m in [CorrelationMethod::Pearson, CorrelationMethod::Spearman] {
            let o = CorrelationOptions::new().method(m).level(level);
            if let Ok(c) = correlate(&x, &y, &o) {
                prop_assert!(c.r.is_finite() && c.p.is_finite());
            }
        }
        let _ = r_test_single(n, r);
        let _ = r_test_independent(r, n, -r, n);
        let _ = r_test_dependent_overlapping(n, r, r / 2.0, r / 3.0);
        let nr = NonOverlapping { r12: r, r34: r / 2.0, r13: r, r14: r, r23: r, r24: r };
        let _ = r_test_dependent_nonoverlapping(n, &nr);
    }
}

#[test]
fn result_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<therapeutic_alliance::stats::Correlation>();
    check::<therapeutic_alliance::stats::RTest>();
    check::<therapeutic_alliance::stats::ChangeResult>();
    check::<therapeutic_alliance::stats::ReliableChange>();
    check::<therapeutic_alliance::stats::WithinRegression>();
    check::<therapeutic_alliance::stats::Decomposition>();
}
