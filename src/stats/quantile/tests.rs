//! Golden tests against R (`testdata/quantiles/make_quantiles.R`, R 4.2.2).
use super::*;
use std::collections::BTreeMap;

const GOLDEN: &str = include_str!("../../../testdata/quantiles/quantiles.csv");

#[derive(Debug)]
struct Row {
    fun: String,
    p: f64,
    lower: bool,
    log_p: bool,
    par1: f64,
    par2: f64,
    value: f64,
    /// R warned (1), or R's value fails the round trip through R's own cdf (2).
    flag: u8,
}

fn parse_f(s: &str) -> f64 {
    match s {
        "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NA" | "NaN" | "" => f64::NAN,
        _ => s.parse().unwrap(),
    }
}

fn rows() -> Vec<Row> {
    GOLDEN
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("fun,"))
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            Row {
                fun: c[0].to_owned(),
                p: parse_f(c[1]),
                lower: c[2] == "1",
                log_p: c[3] == "1",
                par1: parse_f(c[4]),
                par2: parse_f(c[5]),
                value: parse_f(c[6]),
                flag: c[8].parse().unwrap(),
            }
        })
        .collect()
}

fn ours(r: &Row) -> Result<f64, DistError> {
    let p = Prob::new(r.p, r.lower, r.log_p)?;
    match r.fun.as_str() {
        "qnorm" => Ok(qnorm(p)),
        "qt" => qt(p, r.par1),
        "qchisq" => qchisq(p, r.par1),
        "qbeta" => qbeta(p, r.par1, r.par2),
        "qf" => qf(p, r.par1, r.par2),
        other => panic!("unknown function {other}"),
    }
}

fn rel_err(got: f64, want: f64) -> f64 {
    if got == want {
        0.0
    } else if want == 0.0 || !want.is_finite() {
        f64::INFINITY
    } else {
        ((got - want) / want).abs()
    }
}

fn region(r: &Row) -> String {
    let df = if r.fun == "qnorm" {
        "-".to_owned()
    } else {
        let lo = r.par1.min(if r.fun == "qt" || r.fun == "qchisq" {
            r.par1
        } else {
            r.par2
        });
        let hi = r.par1.max(if r.fun == "qt" || r.fun == "qchisq" {
            r.par1
        } else {
            r.par2
        });
        let class = |v: f64| {
            if v < 1.0 {
                "small"
            } else if v <= 1e5 {
                "mid"
            } else {
                "large"
            }
        };
        format!("{}/{}", class(lo), class(hi))
    };
    let ln_small = if r.log_p {
        r.p
    } else {
        r.p.min(1.0 - r.p).ln()
    };
    let tail = if ln_small < -46.0 {
        "tail<1e-20"
    } else {
        "p>=1e-20"
    };
    format!("{:7} df {:12} {}", r.fun, df, tail)
}

/// How a computed quantile compares with R's.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    /// Relative error against R.
    Error(f64),
    /// Both below 1e-290 (R clamps underflowing quantiles to about 1e-308, the true value is
    /// a subnormal or 0).
    Underflow,
    /// Both above 1e300 or infinite (R clamps overflowing quantiles to about 9e307).
    Overflow,
    /// R warned that its own value is inaccurate, or R's value fails the round trip through
    /// R's own cdf (R's search stopped early or clamped an under/overflowing result).
    RWarned,
    /// Our function returned an error.
    Failed,
}

fn verdict(r: &Row, got: &Result<f64, DistError>) -> Verdict {
    let Ok(v) = got else { return Verdict::Failed };
    // A qbeta value above 1/2 cannot be checked by R's pbeta at 1 − value (the value's last
    // bit is a large relative change of 1 − value), so a failed round trip says nothing there.
    let unverifiable = r.flag == 2 && r.fun == "qbeta" && r.value > 0.5;
    if r.flag == 1 || (r.flag == 2 && !unverifiable) {
        return Verdict::RWarned;
    }
    // qt(0.5, df) is 0; R returns rounding noise such as 1.4e-15 at df = 0.01
    if r.fun == "qt" && !r.log_p && r.p == 0.5 {
        return Verdict::Error(v.abs());
    }
    if r.value.abs() < 1e-290 && v.abs() < 1e-290 {
        return Verdict::Underflow;
    }
    if r.value.abs() > 1e300 && v.abs() > 1e300 && r.value.signum() == v.signum() {
        return Verdict::Overflow;
    }
    Verdict::Error(rel_err(*v, r.value))
}

/// Worst relative error per function and region, with counts of the other verdicts.
fn summary() -> BTreeMap<String, (f64, String, usize, usize)> {
    let mut worst: BTreeMap<String, (f64, String, usize, usize)> = BTreeMap::new();
    for r in rows() {
        if r.value.is_nan() {
            continue;
        }
        let got = ours(&r);
        let entry = worst
            .entry(region(&r))
            .or_insert((0.0, String::new(), 0, 0));
        match verdict(&r, &got) {
            Verdict::Error(e) => {
                entry.2 += 1;
                if e.is_nan() || e > entry.0 {
                    entry.0 = e;
                    entry.1 = format!("{r:?} got {got:?}");
                }
            }
            Verdict::Failed => {
                entry.0 = f64::INFINITY;
                entry.1 = format!("{r:?} got {got:?}");
            }
            _ => entry.3 += 1,
        }
    }
    worst
}

/// Prints the maximum relative error per function and region:
/// `cargo test --release --lib quantile::tests::report -- --ignored --nocapture`.
#[test]
#[ignore = "report, not a check"]
fn report() {
    for (k, (e, at, n, other)) in &summary() {
        println!("{k} n={n:4} (+{other:3} under/overflow or R warned) max rel err {e:.2e}   {at}");
    }
}

/// The largest relative error this module allows against R: 1e-12, except where a shape
/// parameter is below 0.01 (df below 0.02), where the quantile's relative error is the tail's
/// error amplified by 1/shape (R's and this module's `pbeta` differ by 2e-14 in `ln p` at
/// shape 0.005, i.e. 4.5e-12 in the quantile).
fn tolerance(r: &Row) -> f64 {
    let min_shape = match r.fun.as_str() {
        "qbeta" => r.par1.min(r.par2),
        "qf" => 0.5 * r.par1.min(r.par2),
        "qt" | "qchisq" => 0.5 * r.par1,
        _ => 1.0,
    };
    if min_shape < 0.01 { 5e-12 } else { 1e-12 }
}

/// Rows where R's own value is off, shown by R's `pbeta` (the script's round trip checks
/// the tail as given, which for a lower tail near 1 cannot see an error in the upper tail):
/// `qt(0.99999, 0.1)` is 1.604425705784049e46 in R but `pbeta(r / (1 + r), .05, .5, log.p =
/// TRUE) - log(2)` with `r = 0.1 / t^2` misses `log1p(-0.99999)` by 2.8e-12 there and by
/// 1.8e-15 at this module's 1.604425705739563e46.
fn r_inexact(r: &Row) -> bool {
    r.fun == "qt" && r.par1 == 0.1 && r.p == 0.99999 && r.lower && !r.log_p
}

/// The rows asserted to 1e-12: qnorm and qchisq everywhere; qt, qbeta and qf where every df
/// lies in [1, 1e6] and the smaller tail is at least 1e-20. Outside that (df < 1, df > 1e6,
/// tails to 1e-300 and log p to −5000) R's own qt/qbeta miss their targets by up to 1e-3
/// relative on some rows whose round trip through R's pbeta does not reveal it, so those rows
/// are compared by the `report` test and the differences are listed in the notes instead.
fn asserted(r: &Row) -> bool {
    let ln_small = if r.log_p {
        r.p
    } else {
        r.p.min(1.0 - r.p).ln()
    };
    let dfs: &[f64] = match r.fun.as_str() {
        "qnorm" | "qchisq" => return true,
        "qt" => &[r.par1],
        "qbeta" => &[2.0 * r.par1, 2.0 * r.par2],
        _ => &[r.par1, r.par2],
    };
    ln_small >= -46.1 && dfs.iter().all(|d| (1.0..=1e6).contains(d))
}

#[test]
fn golden_quantiles_match_r() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for r in rows() {
        if r.value.is_nan() || r_inexact(&r) || !asserted(&r) {
            continue;
        }
        let got = ours(&r);
        match verdict(&r, &got) {
            Verdict::Error(e) => {
                if e > tolerance(&r) {
                    failures.push(format!("{r:?}: got {got:?}, rel err {e:e}"));
                }
                checked += 1;
            }
            Verdict::Failed => failures.push(format!("{r:?}: {got:?}")),
            Verdict::Underflow | Verdict::Overflow | Verdict::RWarned => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 2000, "only {checked} rows compared");
}

#[test]
fn boundaries_and_bad_arguments() {
    let zero = Prob::lower(0.0).unwrap();
    let one = Prob::lower(1.0).unwrap();
    assert_eq!(qnorm(zero), f64::NEG_INFINITY);
    assert_eq!(qbeta(zero, 2.0, 3.0), Ok(0.0));
    assert_eq!(qbeta(one, 2.0, 3.0), Ok(1.0));
    assert_eq!(qf(one, 2.0, 3.0), Ok(f64::INFINITY));
    assert_eq!(qt(Prob::lower(0.5).unwrap(), 7.0), Ok(0.0));
    for p in [f64::NAN, -0.1, 1.5] {
        assert!(Prob::lower(p).is_err());
    }
    assert!(Prob::new(0.1, true, true).is_err());
    for df in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-200, 1e200] {
        let p = Prob::lower(0.3).unwrap();
        assert!(qt(p, df).is_err());
        assert!(qchisq(p, df).is_err());
        assert!(qf(p, df, 3.0).is_err());
        assert!(qf(p, 3.0, df).is_err());
    }
}

#[test]
fn cdfs_are_complementary_and_match_r() {
    // pgamma(50000, 5e4, log = TRUE) and the upper tail (R and this module differ by 2e-14
    // here, the rounding of terms of size 1e5); pbeta(0.3, 50, 70, log = TRUE)
    let (l, u) = pgamma_ln(5e4, 5e4).unwrap();
    assert!((l - -0.691_958_471_145_425_1).abs() < 5e-14);
    assert!((u - -0.694_337_304_686_385_9).abs() < 5e-14);
    let (l, _) = pbeta_ln_odds((0.3f64 / 0.7).ln(), 50.0, 70.0).unwrap();
    assert!((l - -5.636_272_901_043_874).abs() < 1e-13);
    // pt(1.959982964662237, 1e12, lower.tail = FALSE, log.p = TRUE) via R's pbeta (exact)
    let (_, u) = pt_ln(1.959_982_964_662_237, 1e12).unwrap();
    assert!((u - -3.688_923_826_050_131).abs() < 1e-13);
    // pf(4, 3, 20, lower.tail = FALSE)
    let (_, u) = pf_ln(4.0, 3.0, 20.0).unwrap();
    assert!((u.exp() - 0.022_076_999_662_362_404).abs() < 1e-16);
}
