//! The only place the crate calls `statrs`.
//!
//! statrs 0.19 panics in `inverse_cdf` for `p` outside `[0, 1]` or NaN, and its Student-t
//! quantile loses accuracy for very large degrees of freedom (measured against SciPy 1.17.1:
//! 3.5e-6 relative at p = .975, df = 1e5, and 6.8% at df = 1e7; the df = 1 chi-square quantile
//! floors near 9.3e-10 for p ≤ 1e-6; see also statrs-dev/statrs#458 on the unchecked inverses).
//! Every function here validates its arguments, maps failures to [`StatsError`], and falls back
//! to the limiting distribution where statrs is known to be inaccurate. No statrs type leaves
//! this module.

use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor, Normal, StudentsT};
use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::checked_gamma_ur;

use super::StatsError;

/// Degrees of freedom above which the t quantile is replaced by the normal quantile and
/// the F quantile with large `df2` by `chi2(df1) / df1`; statrs loses precision past this.
const LARGE_DF: f64 = 1e5;

fn check_finite(name: &str, x: f64) -> Result<f64, StatsError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(StatsError::invalid(name, x, "a finite number"))
    }
}

fn check_df(name: &str, df: f64) -> Result<f64, StatsError> {
    // Subnormal degrees of freedom are refused too: halved, they underflow inside statrs.
    if df.is_finite() && df >= f64::MIN_POSITIVE {
        Ok(df)
    } else {
        Err(StatsError::invalid(name, df, "a finite number > 0"))
    }
}

fn check_p(p: f64) -> Result<f64, StatsError> {
    if p.is_finite() && p > 0.0 && p < 1.0 {
        Ok(p)
    } else {
        Err(StatsError::InvalidProbability {
            value: p,
            lower: 0.0,
            upper: 1.0,
        })
    }
}

/// `I_x(a, b)`, the regularised incomplete beta function, as an error instead of statrs'
/// panic when an argument is out of its domain (e.g. `a = df / 2` underflowing to 0).
fn incomplete_beta(a: f64, b: f64, x: f64) -> Result<f64, StatsError> {
    checked_beta_reg(a, b, x).map_err(|_| {
        StatsError::invalid(
            "degrees of freedom",
            2.0 * a,
            "a normal (not subnormal) number > 0",
        )
    })
}

/// `Q(a, x)`, the regularised upper incomplete gamma function, for `x ≥ 0`; `Q(a, 0) = 1`,
/// also when `x` underflows to 0 (statrs panics there).
fn upper_gamma(a: f64, x: f64) -> Result<f64, StatsError> {
    if x <= 0.0 {
        return Ok(1.0);
    }
    checked_gamma_ur(a, x).map_err(|_| {
        StatsError::invalid(
            "degrees of freedom",
            2.0 * a,
            "a normal (not subnormal) number > 0",
        )
    })
}

fn std_normal() -> Normal {
    Normal::standard()
}

/// Both standard normal tails `(pnorm(x), pnorm(x, lower.tail = FALSE))`, each with full
/// relative accuracy.
///
/// statrs' `Normal::cdf`/`sf` (via `erfc`) are accurate only to about 1e-10 relative in the
/// tails, so the smaller tail is taken from the chi-square(1) survival function,
/// `P(Z > |x|) = Q(x², 1) / 2`, which the regularised gamma function gives to about 1e-13.
/// A non-finite `x` gets the limiting tails.
pub(crate) fn normal_tails(x: f64) -> (f64, f64) {
    let small = if x.is_finite() {
        0.5 * chi2_sf(x * x, 1.0).unwrap_or(0.0)
    } else {
        0.0
    };
    if x < 0.0 {
        (small, 1.0 - small)
    } else {
        (1.0 - small, small)
    }
}

/// Two-sided normal p-value `2 * pnorm(-|z|)`, with full relative accuracy.
pub(crate) fn normal_two_sided_p(z: f64) -> Result<f64, StatsError> {
    let z = check_finite("z", z)?;
    Ok(chi2_sf(z * z, 1.0)?.min(1.0))
}

/// Standard normal quantile `qnorm(p)` for `p` in (0, 1).
pub(crate) fn normal_quantile(p: f64) -> Result<f64, StatsError> {
    let p = check_p(p)?;
    Ok(std_normal().inverse_cdf(p))
}

/// Two-sided Student-t p-value `2 * pt(-|t|, df)`.
pub(crate) fn t_two_sided_p(t: f64, df: f64) -> Result<f64, StatsError> {
    let t = check_finite("t", t)?;
    let df = check_df("df", df)?;
    let x = df / (df + t * t);
    Ok(incomplete_beta(df / 2.0, 0.5, x)?.min(1.0))
}

/// Student-t quantile `qt(p, df)` for `p` in (0, 1).
pub(crate) fn t_quantile(p: f64, df: f64) -> Result<f64, StatsError> {
    let p = check_p(p)?;
    let df = check_df("df", df)?;
    if df > LARGE_DF {
        return normal_quantile(p);
    }
    let dist = StudentsT::new(0.0, 1.0, df).map_err(|_| StatsError::invalid("df", df, "> 0"))?;
    Ok(dist.inverse_cdf(p))
}

/// F upper tail `pf(x, df1, df2, lower.tail = FALSE)`.
///
/// Uses `I_{df2/(df2 + df1 x)}(df2/2, df1/2)` directly for tail accuracy.
pub(crate) fn f_sf(x: f64, df1: f64, df2: f64) -> Result<f64, StatsError> {
    let x = check_finite("f", x)?;
    let df1 = check_df("df1", df1)?;
    let df2 = check_df("df2", df2)?;
    if x <= 0.0 {
        return Ok(1.0);
    }
    incomplete_beta(df2 / 2.0, df1 / 2.0, df2 / (df2 + df1 * x))
}

/// F quantile `qf(p, df1, df2)` for `p` in (0, 1).
pub(crate) fn f_quantile(p: f64, df1: f64, df2: f64) -> Result<f64, StatsError> {
    let p = check_p(p)?;
    let df1 = check_df("df1", df1)?;
    let df2 = check_df("df2", df2)?;
    if df2 > LARGE_DF && df1 <= LARGE_DF {
        return Ok(chi2_quantile(p, df1)? / df1);
    }
    let dist = FisherSnedecor::new(df1, df2)
        .map_err(|_| StatsError::invalid("df", df1.min(df2), "> 0"))?;
    Ok(dist.inverse_cdf(p))
}

/// Chi-square upper tail `pchisq(x, df, lower.tail = FALSE)`.
pub(crate) fn chi2_sf(x: f64, df: f64) -> Result<f64, StatsError> {
    let x = check_finite("x", x)?;
    let df = check_df("df", df)?;
    // statrs' `ChiSquared::sf` is `Q(df / 2, x / 2)`; called directly so that an `x / 2`
    // underflowing to 0 gives 1 instead of statrs' panic.
    upper_gamma(df / 2.0, x / 2.0)
}

/// Chi-square quantile `qchisq(p, df)` for `p` in (0, 1).
pub(crate) fn chi2_quantile(p: f64, df: f64) -> Result<f64, StatsError> {
    let p = check_p(p)?;
    let df = check_df("df", df)?;
    let dist = ChiSquared::new(df).map_err(|_| StatsError::invalid("df", df, "> 0"))?;
    Ok(dist.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        ((a - b) / b).abs() <= tol
    }

    #[test]
    fn quantiles_match_r() {
        // qnorm(.975), qt(.975, 10), qf(.95, 3, 15), qchisq(.95, 4) (R and SciPy agree)
        assert!(close(
            normal_quantile(0.975).unwrap(),
            1.959963984540054,
            1e-14
        ));
        assert!(close(
            t_quantile(0.975, 10.0).unwrap(),
            2.228138851986274,
            1e-10
        ));
        assert!(close(
            f_quantile(0.95, 3.0, 15.0).unwrap(),
            3.2873821046365115,
            1e-10
        ));
        assert!(close(
            chi2_quantile(0.95, 4.0).unwrap(),
            9.487729036781154,
            1e-10
        ));
    }

    #[test]
    fn tails_match_r() {
        // 2*pt(-2.5, 12), pf(4, 3, 20, lower=FALSE), pchisq(10, 3, lower=FALSE)
        assert!(close(
            t_two_sided_p(2.5, 12.0).unwrap(),
            0.02791539957132524,
            1e-12
        ));
        assert!(close(normal_tails(3.0).1, 0.0013498980316300933, 1e-13));
        assert!(close(normal_tails(-1.0).1, 0.8413447460685429, 1e-14));
        assert!(close(normal_tails(-3.0).0, 0.0013498980316300933, 1e-13));
        assert!(close(
            normal_two_sided_p(-3.0).unwrap(),
            0.0026997960632601866,
            1e-13
        ));
        assert!(normal_two_sided_p(f64::NAN).is_err());
        assert!(close(normal_tails(8.0).1, 6.22096057427174e-16, 1e-12));
        assert!(close(
            f_sf(4.0, 3.0, 20.0).unwrap(),
            0.022076999662362404,
            1e-10
        ));
        assert!(close(
            chi2_sf(10.0, 3.0).unwrap(),
            0.01856613546304325,
            1e-12
        ));
    }

    #[test]
    fn bad_probabilities_are_errors_not_panics() {
        for p in [f64::NAN, -0.1, 0.0, 1.0, 1.5, f64::INFINITY] {
            assert!(normal_quantile(p).is_err());
            assert!(t_quantile(p, 5.0).is_err());
            assert!(f_quantile(p, 2.0, 5.0).is_err());
            assert!(chi2_quantile(p, 2.0).is_err());
        }
        assert!(t_quantile(0.5, 0.0).is_err());
        assert!(t_quantile(0.5, f64::NAN).is_err());
        assert!(f_sf(1.0, -1.0, 3.0).is_err());
        // statrs panics on these (an argument underflows to 0): here they are values or errors
        assert_eq!(chi2_sf(5e-324, 1.0), Ok(1.0));
        assert_eq!(normal_two_sided_p(-7.5e-162), Ok(1.0));
        assert!(t_two_sided_p(1.0, 5e-324).is_err());
        assert!(chi2_sf(1.0, 5e-324).is_err());
    }

    #[test]
    fn large_df_falls_back_to_normal() {
        let q = t_quantile(0.975, 1e7).unwrap();
        assert!(close(q, 1.959963984540054, 1e-6));
    }
}
