//! Golden and property tests for correlations and `r.test` (`testdata/expected_corr.json` from
//! `testdata/ref_corr.R`, R 4.2.2 / psych 2.2.9; `testdata/expected_pingouin.json`, pingouin 0.7.0;
//! Kendall's tau and Spearman at n = 1290 from `testdata/ref_parity.R`, R 4.2.2:
//! `expected_kendall.json`, `expected_parity.json`).

mod common;

use common::golden;
use proptest::prelude::*;
use serde_json::Value;
use therapeutic_alliance::stats::{
    CorrelationMethod, CorrelationOptions, KendallPValue, NonOverlapping, PValueMethod, SpearmanCi,
    SpearmanPValue, StatsError, correlate, correlate_pairwise, kendall, pearson,
    r_test_dependent_nonoverlapping, r_test_dependent_overlapping, r_test_independent,
    r_test_single, spearman,
};

const TOL: f64 = 1e-12;

fn data() -> (Vec<f64>, Vec<f64>) {
    columns("corr_data.csv")
}

/// The two numeric columns of a `testdata/` CSV.
fn columns(name: &str) -> (Vec<f64>, Vec<f64>) {
    let mut rdr = golden::csv(name);
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

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

/// Every case of `cor.test(x, y, method = "kendall", ...)` in `expected_kendall.json`: tau-b,
/// the statistic R prints (`T` for the exact test, `z` for the normal approximation) and p.
#[test]
fn kendall_matches_cor_test() {
    let e = golden::json("expected_kendall.json");
    let cases = [
        ("corr_data_exact", KendallPValue::RDefault, false),
        ("corr_data_normal", KendallPValue::Normal, false),
        ("corr_data_normal_continuity", KendallPValue::Normal, true),
        ("negative_exact", KendallPValue::RDefault, false),
        ("perfect_exact", KendallPValue::RDefault, false),
        ("n3_exact", KendallPValue::RDefault, false),
        ("ties_small", KendallPValue::RDefault, false),
        ("ties_small_continuity", KendallPValue::RDefault, true),
        ("n60_ties", KendallPValue::RDefault, false),
        ("n60_ties_continuity", KendallPValue::RDefault, true),
        ("n49_exact", KendallPValue::RDefault, false),
        ("n60_no_ties", KendallPValue::RDefault, false),
    ];
    for (name, how, continuity) in cases {
        let g = &e[name];
        let opts = CorrelationOptions::new()
            .method(CorrelationMethod::Kendall)
            .kendall_p(how)
            .continuity(continuity);
        let c = correlate(&numbers(&g["x"]), &numbers(&g["y"]), &opts).unwrap();
        close(&format!("{name} tau"), c.r, num(&g["tau"]));
        close(&format!("{name} p"), c.p, num(&g["p"]));
        match g["statistic"].as_str().unwrap() {
            "T" => {
                assert_eq!(c.p_method, PValueMethod::Exact, "{name}");
                close(&format!("{name} T"), c.kendall_t.unwrap(), num(&g["value"]));
                assert_eq!(c.z, None);
            }
            "z" => {
                assert_eq!(c.p_method, PValueMethod::Normal, "{name}");
                close(&format!("{name} z"), c.z.unwrap(), num(&g["value"]));
                assert_eq!(c.kendall_t, None);
            }
            other => panic!("{name}: unknown statistic {other}"),
        }
        assert_eq!((c.t, c.s, c.ci_lb, c.ci_ub), (None, None, None, None));
        assert!(c.r.is_finite() && c.p.is_finite());
    }
    // the shorthand is R's default
    let g = &e["corr_data_exact"];
    let c = kendall(&numbers(&g["x"]), &numbers(&g["y"])).unwrap();
    close("kendall()", c.p, num(&g["p"]));
}

/// R's `cor.test(method = "spearman")` uses AS 89 up to and including n = 1290
/// (`n <= 1290 && exact`), the t approximation above; `continuity` changes only the latter.
#[test]
fn spearman_uses_as89_up_to_n_1290() {
    let e = &golden::json("expected_parity.json")["spearman"];
    let (x, y) = columns("spearman_n1291.csv");
    assert_eq!(x.len(), 1291);
    let sp = CorrelationOptions::new().method(CorrelationMethod::Spearman);
    let t = sp.spearman_p(SpearmanPValue::TApproximation);
    let (x0, y0) = (&x[..1290], &y[..1290]);
    let cases = [
        ("n1290_default", x0, y0, sp, PValueMethod::Edgeworth),
        ("n1290_t", x0, y0, t, PValueMethod::TDistribution),
        (
            "n1290_t_continuity",
            x0,
            y0,
            t.continuity(true),
            PValueMethod::TDistribution,
        ),
        (
            "n1291_default",
            &x[..],
            &y[..],
            sp,
            PValueMethod::TDistribution,
        ),
        (
            "n1291_continuity",
            &x[..],
            &y[..],
            sp.continuity(true),
            PValueMethod::TDistribution,
        ),
    ];
    for (name, x, y, opts, how) in cases {
        let g = &e[name];
        let c = correlate(x, y, &opts).unwrap();
        assert_eq!(c.n as f64, num(&g["n"]), "{name}");
        assert_eq!(c.p_method, how, "{name}");
        close(&format!("{name} rho"), c.r, num(&g["rho"]));
        close(&format!("{name} S"), c.s.unwrap(), num(&g["S"]));
        close(&format!("{name} p"), c.p, num(&g["p"]));
    }
    // the exact and the t p-value differ in the fifth digit: the test can tell them apart
    assert!((num(&e["n1290_default"]["p"]) / num(&e["n1290_t"]["p"]) - 1.0).abs() > 1e-5);
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
        let m = if sp { CorrelationMethod::Spearman } else { CorrelationMethod::Kendall };
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

    /// tau-b by its O(n²) definition, on small integers (many ties, ±0 among them).
    #[test]
    fn kendall_is_tau_b_by_definition(
        v in prop::collection::vec((-3i8..4, -3i8..4), 3..60),
        neg_zero in any::<bool>(),
    ) {
        let sign_zero = |a: i8| if a == 0 && neg_zero { -0.0 } else { f64::from(a) };
        let x: Vec<f64> = v.iter().map(|p| sign_zero(p.0)).collect();
        let y: Vec<f64> = v.iter().map(|p| f64::from(p.1)).collect();
        let (mut s, mut tx, mut ty) = (0.0, 0.0, 0.0);
        for i in 0..x.len() {
            for j in 0..i {
                let a = f64::from(i8::from(x[i] > x[j]) - i8::from(x[i] < x[j]));
                let b = f64::from(i8::from(y[i] > y[j]) - i8::from(y[i] < y[j]));
                s += a * b;
                tx += a * a;
                ty += b * b;
            }
        }
        let o = CorrelationOptions::new().method(CorrelationMethod::Kendall);
        match correlate(&x, &y, &o) {
            Ok(c) => {
                prop_assert!((c.r - s / (tx.sqrt() * ty.sqrt())).abs() < 1e-12);
                prop_assert!(c.p.is_finite() && (0.0..=1.0).contains(&c.p));
                prop_assert!(c.z.is_some() != c.kendall_t.is_some());
            }
            Err(_) => prop_assert!(tx == 0.0 || ty == 0.0),
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
        for m in [CorrelationMethod::Pearson, CorrelationMethod::Spearman, CorrelationMethod::Kendall] {
            let o = CorrelationOptions::new().method(m).level(level).continuity(level > 0.5);
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
