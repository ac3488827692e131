//! Tests of correlation coefficients as `psych::r.test` (psych 2.2.9).

use serde::{Deserialize, Serialize};

use super::dist;
use crate::stats::StatsError;

/// The result of a `psych::r.test` comparison: the statistic psych prints (`z` or `t`) and
/// its two-sided p.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RTest {
    /// Which test was run.
    pub test: RTestKind,
    /// Normal-theory statistic (independent and non-overlapping dependent tests).
    pub z: Option<f64>,
    /// Student-t statistic (overlapping dependent and single-r tests).
    pub t: Option<f64>,
    /// Degrees of freedom of `t`.
    pub df: Option<f64>,
    /// Two-sided p-value.
    pub p: f64,
    /// Lower 95% Fisher-z limit of r (single-r test only, as psych's `r.con`).
    pub ci_lb: Option<f64>,
    /// Upper 95% Fisher-z limit of r (single-r test only).
    pub ci_ub: Option<f64>,
}

/// The comparison an [`RTest`] performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RTestKind {
    /// Two correlations from independent samples (Fisher z difference).
    Independent,
    /// Two correlations sharing one variable in one sample (Williams' t).
    DependentOverlapping,
    /// Two correlations with no variable in common in one sample (Steiger's z).
    DependentNonOverlapping,
    /// Whether one correlation differs from zero (t test).
    Single,
}

fn check_r(name: &str, r: f64) -> Result<f64, StatsError> {
    if r.is_finite() && r > -1.0 && r < 1.0 {
        Ok(r)
    } else {
        Err(StatsError::invalid(name, r, "a correlation in (-1, 1)"))
    }
}

fn check_n(name: &str, n: f64, min_exclusive: f64) -> Result<f64, StatsError> {
    if n.is_finite() && n > min_exclusive {
        Ok(n)
    } else {
        Err(StatsError::invalid(
            name,
            n,
            &format!("a sample size > {min_exclusive}"),
        ))
    }
}

/// Test of two independent correlations, as `psych::r.test(n = n1, r12 = r1, r34 = r2, n2 = n2)`:
/// `z = (atanh r1 - atanh r2) / sqrt(1/(n1-3) + 1/(n2-3))`, two-sided normal p.
///
/// # Errors
/// [`StatsError::InvalidParameter`] when a correlation is not in (-1, 1) or a sample size is
/// not above 3.
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::r_test_independent;
/// let t = r_test_independent(0.278, 200.0, 0.15, 150.0)?;
/// assert!((t.z.unwrap_or(0.0) - 1.23288896410849).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn r_test_independent(r1: f64, n1: f64, r2: f64, n2: f64) -> Result<RTest, StatsError> {
    let r1 = check_r("r1", r1)?;
    let r2 = check_r("r2", r2)?;
    let n1 = check_n("n1", n1, 3.0)?;
    let n2 = check_n("n2", n2, 3.0)?;
    let z = (r1.atanh() - r2.atanh()) / (1.0 / (n1 - 3.0) + 1.0 / (n2 - 3.0)).sqrt();
    z_result(RTestKind::Independent, z)
}

fn z_result(test: RTestKind, z: f64) -> Result<RTest, StatsError> {
    Ok(RTest {
        test,
        z: Some(z),
        t: None,
        df: None,
        p: dist::normal_two_sided_p(z)?,
        ci_lb: None,
        ci_ub: None,
    })
}

/// Williams' t for two dependent correlations sharing variable 1 (`r12` versus `r13`, with
/// `r23` known), as `psych::r.test(n, r12, r13, r23)` (Steiger 1980, eq. 2), `df = n - 3`:
///
/// `t = (r12 - r13)·sqrt[(n-1)(1+r23) / (2((n-1)/(n-3))|R| + r̄²(1-r23)³)]`, with
/// `|R| = 1 - r12² - r13² - r23² + 2·r12·r13·r23` and `r̄ = (r12 + r13)/2`.
///
/// # Errors
/// [`StatsError::InvalidParameter`] for a correlation outside (-1, 1) or `n ≤ 3`;
/// [`StatsError::Singular`] when the three correlations cannot come from one correlation
/// matrix (`|R| < 0`).
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::r_test_dependent_overlapping;
/// let t = r_test_dependent_overlapping(100.0, 0.40, 0.20, 0.50)?;
/// assert!((t.p - 0.0348750480358542).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn r_test_dependent_overlapping(
    n: f64,
    r12: f64,
    r13: f64,
    r23: f64,
) -> Result<RTest, StatsError> {
    let n = check_n("n", n, 3.0)?;
    let r12 = check_r("r12", r12)?;
    let r13 = check_r("r13", r13)?;
    let r23 = check_r("r23", r23)?;
    let det = 1.0 - r12 * r12 - r13 * r13 - r23 * r23 + 2.0 * r12 * r13 * r23;
    if det < 0.0 {
        return Err(StatsError::Singular {
            what: "correlation matrix of r12, r13, r23".to_owned(),
        });
    }
    let av = f64::midpoint(r12, r13);
    let cube = (1.0 - r23).powi(3);
    let t = (r12 - r13)
        * ((n - 1.0) * (1.0 + r23) / (2.0 * ((n - 1.0) / (n - 3.0)) * det + av * av * cube)).sqrt();
    let df = n - 3.0;
    Ok(RTest {
        test: RTestKind::DependentOverlapping,
        z: None,
        t: Some(t),
        df: Some(df),
        p: dist::t_two_sided_p(t, df)?,
        ci_lb: None,
        ci_ub: None,
    })
}

/// The six correlations of a non-overlapping dependent comparison (`r12` versus `r34`
/// measured on the same sample).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NonOverlapping {
    /// Correlation of variables 1 and 2 (the first correlation compared).
    pub r12: f64,
    /// Correlation of variables 3 and 4 (the second correlation compared).
    pub r34: f64,
    /// Correlation of variables 1 and 3.
    pub r13: f64,
    /// Correlation of variables 1 and 4.
    pub r14: f64,
    /// Correlation of variables 2 and 3.
    pub r23: f64,
    /// Correlation of variables 2 and 4.
    pub r24: f64,
}

/// Steiger's (1980) z for two dependent, non-overlapping correlations, as
/// `psych::r.test(n, r12, r34, r13, r14, r23, r24)`: with the pooled `r̄ = (r12 + r34)/2`,
/// `ψ` as Steiger's eq. 3 (r12 and r34 replaced by r̄), `c = ψ/(1 - r̄²)²` and
/// `z = (atanh r12 - atanh r34)·sqrt(n-3)/sqrt(2(1-c))`; two-sided normal p.
///
/// # Errors
/// [`StatsError::InvalidParameter`] for a correlation outside (-1, 1) or `n ≤ 3`;
/// [`StatsError::Singular`] when `c ≥ 1` (the variance of the difference is not positive).
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::{r_test_dependent_nonoverlapping, NonOverlapping};
/// let r = NonOverlapping { r12: 0.40, r34: 0.20, r13: 0.30, r14: 0.25, r23: 0.35, r24: 0.30 };
/// let t = r_test_dependent_nonoverlapping(100.0, &r)?;
/// assert!((t.p - 0.104135735411806).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn r_test_dependent_nonoverlapping(n: f64, r: &NonOverlapping) -> Result<RTest, StatsError> {
    let n = check_n("n", n, 3.0)?;
    let r12 = check_r("r12", r.r12)?;
    let r34 = check_r("r34", r.r34)?;
    let r13 = check_r("r13", r.r13)?;
    let r14 = check_r("r14", r.r14)?;
    let r23 = check_r("r23", r.r23)?;
    let r24 = check_r("r24", r.r24)?;
    let rb = f64::midpoint(r12, r34);
    let psi = 0.5
        * ((r13 - rb * r23) * (r24 - r23 * rb)
            + (r14 - r13 * rb) * (r23 - rb * r13)
            + (r13 - r14 * rb) * (r24 - rb * r14)
            + (r14 - rb * r24) * (r23 - r24 * rb));
    let c = psi / (1.0 - rb * rb).powi(2);
    if c >= 1.0 {
        return Err(StatsError::Singular {
            what: "covariance of the two correlations".to_owned(),
        });
    }
    let z = (r12.atanh() - r34.atanh()) * (n - 3.0).sqrt() / (2.0 - 2.0 * c).sqrt();
    z_result(RTestKind::DependentNonOverlapping, z)
}

/// Test of a single correlation against zero, as `psych::r.test(n, r12)`:
/// `t = r·sqrt(n-2)/sqrt(1-r²)`, `df = n - 2`, two-sided p, and the Fisher-z 95% interval
/// `tanh(atanh r ± qnorm(.975)/sqrt(n-3))` (psych's `r.con`).
///
/// # Errors
/// [`StatsError::InvalidParameter`] for `r` outside (-1, 1) or `n ≤ 3`.
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::r_test_single;
/// let t = r_test_single(50.0, 0.278)?;
/// assert!((t.p - 0.0506114293331188).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn r_test_single(n: f64, r: f64) -> Result<RTest, StatsError> {
    let n = check_n("n", n, 3.0)?;
    let r = check_r("r", r)?;
    let df = n - 2.0;
    let t = r * df.sqrt() / (1.0 - r * r).sqrt();
    let z = r.atanh();
    let half = dist::normal_quantile(0.975)? / (n - 3.0).sqrt();
    Ok(RTest {
        test: RTestKind::Single,
        z: None,
        t: Some(t),
        df: Some(df),
        p: dist::t_two_sided_p(t, df)?,
        ci_lb: Some((z - half).tanh()),
        ci_ub: Some((z + half).tanh()),
    })
}
