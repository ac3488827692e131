//! Pearson, Spearman and Kendall correlation with p-values (and Fisher-z confidence intervals
//! for Pearson and Spearman), and the comparisons of correlations of `psych::r.test`.
//!
//! The formulas and conventions are documented in the [`crate::stats`] module docs.

use serde::{Deserialize, Serialize};

use super::StatsError;
use super::dist;
use super::state::{add_exact_pair, centred_pair, is_exact};
use crate::numeric::summation::co_moments;

mod kendall;
mod r_test;
mod ranks;

pub use r_test::{
    NonOverlapping, RTest, RTestKind, r_test_dependent_nonoverlapping,
    r_test_dependent_overlapping, r_test_independent, r_test_single,
};
pub(crate) use ranks::average_ranks;
use ranks::{has_ties, prho};

/// Which correlation coefficient to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CorrelationMethod {
    /// Pearson's product-moment correlation (the default).
    #[default]
    Pearson,
    /// Spearman's rank correlation (average ranks for ties).
    Spearman,
    /// Kendall's tau-b (Kendall 1945: ties corrected in the denominator), as R's
    /// `cor(method = "kendall")`.
    Kendall,
}

/// How the Spearman p-value is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpearmanPValue {
    /// R's `cor.test` default (`exact = NULL`): AS 89 (exact for `n ≤ 9`, Edgeworth series for
    /// `n > 9`) when there are no ties and `n ≤ 1290`, the t approximation otherwise.
    #[default]
    RDefault,
    /// Always the t approximation `t = rho·sqrt((n-2)/(1-rho²))`, `df = n - 2`, as scipy,
    /// pingouin and `psych::corr.test` compute it (R's `exact = FALSE`).
    TApproximation,
}

/// How the Kendall p-value is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KendallPValue {
    /// R's `cor.test` default (`exact = NULL`): the exact null distribution of the number of
    /// concordant pairs when `n < 50` and there are no ties, the normal approximation with the
    /// tie-corrected variance otherwise.
    #[default]
    RDefault,
    /// Always the normal approximation (R's `exact = FALSE`).
    Normal,
}

/// Which confidence interval is reported for Spearman's rho.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpearmanCi {
    /// Fisher z with standard error `1/sqrt(n - 3)`, as `psych::corr.test` and pingouin
    /// (the default).
    #[default]
    Fisher,
    /// Bonett & Wright (2000): standard error `sqrt((1 + rho²/2)/(n - 3))`.
    BonettWright,
}

/// Which method produced a p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PValueMethod {
    /// Student t with `df = n - 2`.
    TDistribution,
    /// Exact permutation distribution: of Spearman's S (AS 89, `n ≤ 9`) or of Kendall's T
    /// (`n < 50`, no ties).
    Exact,
    /// AS 89 Edgeworth series approximation (Spearman, `9 < n ≤ 1290`, no ties).
    Edgeworth,
    /// Standard normal approximation of Kendall's `z` (tie-corrected variance).
    Normal,
}

/// Settings for [`correlate`]: a small builder with documented defaults.
///
/// Defaults: Pearson, 95% confidence level, R's default Spearman and Kendall p-values, Fisher
/// Spearman CI, no continuity correction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CorrelationOptions {
    method: CorrelationMethod,
    level: f64,
    spearman_p: SpearmanPValue,
    spearman_ci: SpearmanCi,
    #[serde(default)]
    kendall_p: KendallPValue,
    #[serde(default)]
    continuity: bool,
}

impl Default for CorrelationOptions {
    fn default() -> Self {
        Self {
            method: CorrelationMethod::Pearson,
            level: 0.95,
            spearman_p: SpearmanPValue::RDefault,
            spearman_ci: SpearmanCi::Fisher,
            kendall_p: KendallPValue::RDefault,
            continuity: false,
        }
    }
}

impl CorrelationOptions {
    /// The defaults (Pearson, 95%).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the coefficient (default [`CorrelationMethod::Pearson`]).
    #[must_use]
    pub fn method(mut self, method: CorrelationMethod) -> Self {
        self.method = method;
        self
    }

    /// Sets the confidence level of the interval, in (0, 1) (default 0.95; checked when used).
    #[must_use]
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Sets how the Spearman p-value is computed (default [`SpearmanPValue::RDefault`]).
    #[must_use]
    pub fn spearman_p(mut self, how: SpearmanPValue) -> Self {
        self.spearman_p = how;
        self
    }

    /// Sets the Spearman interval (default [`SpearmanCi::Fisher`]).
    #[must_use]
    pub fn spearman_ci(mut self, how: SpearmanCi) -> Self {
        self.spearman_ci = how;
        self
    }

    /// Sets how the Kendall p-value is computed (default [`KendallPValue::RDefault`]).
    #[must_use]
    pub fn kendall_p(mut self, how: KendallPValue) -> Self {
        self.kendall_p = how;
        self
    }

    /// Applies R's `continuity = TRUE` (default `false`) where R applies it: Kendall's normal
    /// approximation uses `S - sign(S)` for `S`, and Spearman's t approximation (ties, `n >
    /// 1290` or [`SpearmanPValue::TApproximation`]) uses `1 - S/((n³ - n)/6 + 1)` for rho.
    /// The exact and Edgeworth p-values and the Pearson test are unaffected.
    #[must_use]
    pub fn continuity(mut self, on: bool) -> Self {
        self.continuity = on;
        self
    }

    /// The coefficient chosen.
    pub(crate) fn correlation_method(&self) -> CorrelationMethod {
        self.method
    }
}

/// A correlation coefficient with its test and confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Correlation {
    /// The coefficient computed.
    pub method: CorrelationMethod,
    /// The correlation (Pearson r, Spearman rho or Kendall tau-b).
    pub r: f64,
    /// Number of complete pairs used.
    pub n: usize,
    /// Rows left out because a cell was missing (only [`correlate_pairwise`] leaves any out).
    pub n_missing: usize,
    /// t statistic `r·sqrt((n-2)/(1-r²))`; `None` when `|r| = 1` (to within rounding), where
    /// it is infinite (the p-value is then 0), and for Kendall (no t test). For Spearman with
    /// [`CorrelationOptions::continuity`] the p-value uses the corrected rho, this t does not.
    pub t: Option<f64>,
    /// Degrees of freedom of the t statistic, `n - 2` (also for Kendall, which has no t).
    pub df: f64,
    /// Spearman's statistic `S = (n³ - n)(1 - rho)/6` as R prints it (`None` for Pearson);
    /// without ties it is computed exactly as `Σ d²` of the rank differences.
    pub s: Option<f64>,
    /// Kendall's exact-test statistic `T` as R prints it: the number of concordant pairs
    /// (`None` unless the Kendall p-value is exact).
    #[serde(default)]
    pub kendall_t: Option<f64>,
    /// Kendall's normal-approximation statistic `z = S/sqrt(var_S)` as R prints it (`None`
    /// unless the Kendall p-value is the normal approximation).
    #[serde(default)]
    pub z: Option<f64>,
    /// Two-sided p-value.
    pub p: f64,
    /// How [`Correlation::p`] was computed.
    pub p_method: PValueMethod,
    /// Lower confidence limit (`None` when `n < 4`, as R's `cor.test`, and for Kendall, for
    /// which `cor.test` gives no interval).
    pub ci_lb: Option<f64>,
    /// Upper confidence limit (`None` when `n < 4`, and for Kendall).
    pub ci_ub: Option<f64>,
    /// The confidence level of the interval.
    pub level: f64,
    /// Whether either variable had tied values (Spearman's and Kendall's exact p are then not
    /// used).
    pub ties: bool,
}

/// Pearson correlation with R's `cor.test` t test and Fisher-z 95% interval.
///
/// # Errors
/// See [`correlate`].
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::pearson;
/// let c = pearson(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0])?;
/// assert!((c.r - 0.8).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pearson(x: &[f64], y: &[f64]) -> Result<Correlation, StatsError> {
    correlate(x, y, &CorrelationOptions::default())
}

/// Spearman correlation with R's default p-value and the Fisher-z 95% interval.
///
/// # Errors
/// See [`correlate`].
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::spearman;
/// let c = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 4.0, 9.0, 16.0, 25.0])?;
/// assert!((c.r - 1.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spearman(x: &[f64], y: &[f64]) -> Result<Correlation, StatsError> {
    correlate(
        x,
        y,
        &CorrelationOptions::default().method(CorrelationMethod::Spearman),
    )
}

/// Kendall's tau-b with R's default p-value (`cor.test(method = "kendall")`).
///
/// # Errors
/// See [`correlate`].
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::kendall;
/// let c = kendall(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0])?;
/// assert!((c.r - 0.6).abs() < 1e-12);
/// assert_eq!(c.kendall_t, Some(8.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn kendall(x: &[f64], y: &[f64]) -> Result<Correlation, StatsError> {
    correlate(
        x,
        y,
        &CorrelationOptions::default().method(CorrelationMethod::Kendall),
    )
}

/// Correlation of two complete variables.
///
/// Pearson's r (and Spearman's, on the ranks) uses the centred sums of the shifted two-pass
/// algorithm (Chan, Golub & LeVeque 1983, *The American Statistician* 37(3), 242–247;
/// Higham 2002, *Accuracy and Stability of Numerical Algorithms*, §1.9 and ch. 4): each
/// variable is shifted by a pilot value (its first) and scaled by a power of two near its
/// largest deviation from it, exactly, so data offset by 1e15 or scaled by 1e154 or 1e-160
/// give the r of the unscaled data. It costs one O(n) pass more than the plain two-pass sums.
///
/// # Errors
/// [`StatsError::LengthMismatch`] when `x` and `y` differ in length, [`StatsError::NonFinite`]
/// for NaN or infinite values (naming the row), [`StatsError::TooFewCases`] for fewer than 3
/// pairs, [`StatsError::ConstantInput`] when either variable is constant, and
/// [`StatsError::InvalidProbability`] for a confidence level outside (0, 1).
pub fn correlate(
    x: &[f64],
    y: &[f64],
    options: &CorrelationOptions,
) -> Result<Correlation, StatsError> {
    check_lengths(x.len(), y.len())?;
    check_finite("x", x)?;
    check_finite("y", y)?;
    compute(x, y, 0, options)
}

/// Correlation on the pairwise-complete cases: rows where either cell is `None` are left out
/// and counted in [`Correlation::n_missing`].
///
/// # Errors
/// As [`correlate`]; a present but non-finite value is an error, not a missing value.
pub fn correlate_pairwise(
    x: &[Option<f64>],
    y: &[Option<f64>],
    options: &CorrelationOptions,
) -> Result<Correlation, StatsError> {
    check_lengths(x.len(), y.len())?;
    let mut xs = Vec::with_capacity(x.len());
    let mut ys = Vec::with_capacity(y.len());
    for (row, (a, b)) in x.iter().zip(y).enumerate() {
        for (what, v) in [("x", a), ("y", b)] {
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(non_finite(what, row, *v));
            }
        }
        if let (Some(a), Some(b)) = (a, b) {
            xs.push(*a);
            ys.push(*b);
        }
    }
    compute(&xs, &ys, x.len() - xs.len(), options)
}

fn non_finite(what: &str, row: usize, value: f64) -> StatsError {
    StatsError::NonFinite {
        what: what.to_owned(),
        row,
        value,
    }
}

fn check_lengths(a: usize, b: usize) -> Result<(), StatsError> {
    if a == b {
        Ok(())
    } else {
        Err(StatsError::LengthMismatch {
            what: "y (same length as x)".to_owned(),
            expected: a,
            got: b,
        })
    }
}

fn check_finite(what: &str, xs: &[f64]) -> Result<(), StatsError> {
    match xs.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(non_finite(what, row, xs[row])),
        None => Ok(()),
    }
}

fn check_level(level: f64) -> Result<f64, StatsError> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(level)
    } else {
        Err(StatsError::InvalidProbability {
            value: level,
            lower: 0.0,
            upper: 1.0,
        })
    }
}

fn compute(
    x: &[f64],
    y: &[f64],
    n_missing: usize,
    options: &CorrelationOptions,
) -> Result<Correlation, StatsError> {
    let level = check_level(options.level)?;
    let n = x.len();
    if n < 3 {
        return Err(StatsError::TooFewCases {
            what: "complete pairs".to_owned(),
            needed: 3,
            got: n,
        });
    }
    let nf = n as f64;
    let df = nf - 2.0;
    match options.method {
        CorrelationMethod::Pearson => {
            let sums = centred_sums(x, y);
            pearson_from_sums(n, n_missing, sums, has_ties(x) || has_ties(y), options)
        }
        CorrelationMethod::Kendall => kendall_test(x, y, n_missing, level, options),
        CorrelationMethod::Spearman => {
            let (rx, tx) = average_ranks(x);
            let (ry, ty) = average_ranks(y);
            let ties = tx || ty;
            let r = pearson_r(&rx, &ry)?;
            // R: S = (n³ - n)(1 - rho)/6. Without ties that is Σ d² exactly, an even integer;
            // summing the squared rank differences gives it without rounding error.
            let s = if ties {
                (nf * nf * nf - nf) * (1.0 - r) / 6.0
            } else {
                rx.iter().zip(&ry).map(|(a, b)| (a - b) * (a - b)).sum()
            };
            let (t, p_t) = t_test(r, df)?;
            // R: p <- if (q > (n^3 - n)/6) pspearman(q, n, lower = FALSE) else
            //            pspearman(q, n, lower = TRUE); min(2p, 1)
            // branch and round on R's floating-point q, exactly as R does
            let q = (nf * nf * nf - nf) * (1.0 - r) / 6.0;
            let lower = q <= (nf * nf * nf - nf) / 6.0;
            let (p, p_method) =
                if options.spearman_p == SpearmanPValue::RDefault && !ties && n <= 1290 {
                    let is = q.round() + if lower { 2.0 } else { 0.0 };
                    let (p1, how) = prho(n, is, lower);
                    ((2.0 * p1).min(1.0), how)
                } else if options.continuity {
                    (
                        spearman_t_continuity(q, nf, lower)?,
                        PValueMethod::TDistribution,
                    )
                } else {
                    (p_t, PValueMethod::TDistribution)
                };
            let scale = match options.spearman_ci {
                SpearmanCi::Fisher => 1.0,
                SpearmanCi::BonettWright => (1.0 + r * r / 2.0).sqrt(),
            };
            let ci = fisher_ci(r, n, level, scale)?;
            Ok(Correlation {
                method: CorrelationMethod::Spearman,
                r,
                n,
                n_missing,
                t,
                df,
                s: Some(s),
                kendall_t: None,
                z: None,
                p,
                p_method,
                ci_lb: ci.map(|c| c.0),
                ci_ub: ci.map(|c| c.1),
                level,
                ties,
            })
        }
    }
}

/// R's Spearman t approximation with `continuity = TRUE`: rho corrected to
/// `1 - q/((n³ - n)/6 + 1)`, one tail chosen by R's branch on `q`, `min(2p, 1)`.
fn spearman_t_continuity(q: f64, nf: f64, lower: bool) -> Result<f64, StatsError> {
    let rc = 1.0 - q / ((nf * (nf * nf - 1.0)) / 6.0 + 1.0);
    let t = rc / ((1.0 - rc * rc) / (nf - 2.0)).sqrt();
    if !t.is_finite() {
        return Ok(0.0);
    }
    // the lower branch takes pt(t, lower.tail = FALSE): the smaller tail when t ≥ 0
    Ok(if lower == (t >= 0.0) {
        dist::t_two_sided_p(t, nf - 2.0)?
    } else {
        1.0
    })
}

/// Kendall's tau-b with `cor.test`'s exact or normal-approximation p-value (see `kendall.rs`).
fn kendall_test(
    x: &[f64],
    y: &[f64],
    n_missing: usize,
    level: f64,
    options: &CorrelationOptions,
) -> Result<Correlation, StatsError> {
    let n = x.len();
    let c = kendall::counts(x, y);
    let constant = |groups: &[f64]| groups.first().is_some_and(|&g| g as usize == n);
    for (what, groups) in [("x", &c.x_groups), ("y", &c.y_groups)] {
        if constant(groups) {
            return Err(StatsError::ConstantInput {
                what: what.to_owned(),
            });
        }
    }
    let tau = c.tau_b().ok_or_else(|| StatsError::ConstantInput {
        what: "x or y".to_owned(),
    })?;
    let ties = !(c.x_groups.is_empty() && c.y_groups.is_empty());
    let exact = options.kendall_p == KendallPValue::RDefault && n < 50 && !ties;
    let (kendall_t, z, p, p_method) = if exact {
        let t = c.concordant();
        (Some(t), None, kendall::exact_p(t, n), PValueMethod::Exact)
    } else {
        let z = c
            .z(n, options.continuity)
            .ok_or_else(|| StatsError::ConstantInput {
                what: "x or y".to_owned(),
            })?;
        (
            None,
            Some(z),
            dist::normal_two_sided_p(z)?,
            PValueMethod::Normal,
        )
    };
    Ok(Correlation {
        method: CorrelationMethod::Kendall,
        r: tau,
        n,
        n_missing,
        t: None,
        df: n as f64 - 2.0,
        s: None,
        kendall_t,
        z,
        p,
        p_method,
        ci_lb: None,
        ci_ub: None,
        level,
        ties,
    })
}

/// Centred sums of squares and products (Σdx², Σdy², Σdxdy) by the shifted two-pass
/// algorithm with compensated sums ([`co_moments`]): each variable is shifted by a pilot data
/// value (its first) and scaled by a power of two near its largest deviation from it (Chan,
/// Golub & LeVeque 1983; Higham 2002, §1.9 and ch. 4), so offsets such as 1e15 cancel exactly
/// and data ×1e154 or ×1e-160 neither overflow nor underflow. The sums are in those scaled
/// units, which r does not depend on; the cost is one extra O(n) pass (for the scale).
///
/// Integer data within the exact limit (|x| ≤ 2²⁰, every rating scale) take the exact path of
/// the streaming [`CorrelationAccumulator`](crate::stats::CorrelationAccumulator) instead: sums
/// in `i128`, centred exactly, rounded once. So the in-memory and the streaming (and the
/// DataFusion) results are bit-identical on such data, whatever the split.
fn centred_sums(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    if let Some(sums) = exact_centred_sums(x, y) {
        return sums;
    }
    let (mx, my, sxy) = co_moments(x, y);
    (mx.ss_u, my.ss_u, sxy)
}

/// Σdx², Σdy², Σdxdy from exact integer sums, as the accumulator's exact path computes them;
/// `None` unless every value is an integer within the exact limit.
fn exact_centred_sums(x: &[f64], y: &[f64]) -> Option<(f64, f64, f64)> {
    if !x.iter().chain(y).all(|&v| is_exact(v)) {
        return None;
    }
    // a slice holds fewer than 2^60 values: every sum stays below 2^100
    let mut sums = [0i128; 5];
    for (&a, &b) in x.iter().zip(y) {
        add_exact_pair(&mut sums, a, b);
    }
    Some(centred_pair(x.len() as u64, sums))
}

/// Pearson r from centred sums; errors on a constant variable.
fn r_from_sums((sxx, syy, sxy): (f64, f64, f64)) -> Result<f64, StatsError> {
    for (what, ss) in [("x", sxx), ("y", syy)] {
        if ss.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !ss.is_finite() {
            return Err(StatsError::ConstantInput {
                what: what.to_owned(),
            });
        }
    }
    let r = sxy / (sxx.sqrt() * syy.sqrt());
    if r.is_finite() {
        Ok(r.clamp(-1.0, 1.0))
    } else {
        Err(StatsError::ConstantInput {
            what: "x or y".to_owned(),
        })
    }
}

/// Pearson r by two passes with compensated sums; errors on a constant variable.
pub(crate) fn pearson_r(x: &[f64], y: &[f64]) -> Result<f64, StatsError> {
    r_from_sums(centred_sums(x, y))
}

/// The Pearson [`Correlation`] (t test, Fisher-z interval) of `n` pairs from their centred sums
/// (Σdx², Σdy², Σdxdy): shared by [`correlate`] and the streaming accumulator.
pub(crate) fn pearson_from_sums(
    n: usize,
    n_missing: usize,
    sums: (f64, f64, f64),
    ties: bool,
    options: &CorrelationOptions,
) -> Result<Correlation, StatsError> {
    let level = check_level(options.level)?;
    if n < 3 {
        return Err(StatsError::TooFewCases {
            what: "complete pairs".to_owned(),
            needed: 3,
            got: n,
        });
    }
    let df = n as f64 - 2.0;
    let r = r_from_sums(sums)?;
    let (t, p) = t_test(r, df)?;
    let ci = fisher_ci(r, n, level, 1.0)?;
    Ok(Correlation {
        method: CorrelationMethod::Pearson,
        r,
        n,
        n_missing,
        t,
        df,
        s: None,
        kendall_t: None,
        z: None,
        p,
        p_method: PValueMethod::TDistribution,
        ci_lb: ci.map(|c| c.0),
        ci_ub: ci.map(|c| c.1),
        level,
        ties,
    })
}

/// t test of a correlation: `t = r·sqrt(df/(1-r²))`, two-sided p; no t (and p = 0) when
/// `|r| = 1` to within rounding (`1 − |r| ≤ 2ε`: a perfect monotone pair computed through
/// a square root comes out as 0.9999999999999998, whose t of about 1e8 is rounding noise) or
/// t overflows.
fn t_test(r: f64, df: f64) -> Result<(Option<f64>, f64), StatsError> {
    let t = r * (df / (1.0 - r * r)).sqrt();
    if 1.0 - r.abs() <= 2.0 * f64::EPSILON || !t.is_finite() {
        return Ok((None, 0.0));
    }
    Ok((Some(t), dist::t_two_sided_p(t, df)?))
}

/// Fisher-z interval `tanh(atanh(r) ± z·scale/sqrt(n-3))`; `None` when `n < 4`.
fn fisher_ci(r: f64, n: usize, level: f64, scale: f64) -> Result<Option<(f64, f64)>, StatsError> {
    if n < 4 {
        return Ok(None);
    }
    let z = r.atanh();
    let half = dist::normal_quantile(f64::midpoint(1.0, level))? * scale / ((n - 3) as f64).sqrt();
    Ok(Some(((z - half).tanh(), (z + half).tanh())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_spearman_small_n() {
        // cor.test(1:5, c(2,1,4,3,5), method = "spearman"): S = 4, p = 0.1333333333333333
        let c = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap();
        assert_eq!(c.p_method, PValueMethod::Exact);
        assert!((c.s.unwrap() - 4.0).abs() < 1e-12);
        // P(S <= 4) for n = 5: permutations with S in {0, 2, 4} = 1 + 4 + 3 = 8 of 120
        assert!((c.p - 2.0 * 8.0 / 120.0).abs() < 1e-15);
    }

    #[test]
    fn constant_and_short_inputs_are_errors() {
        assert!(matches!(
            pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]),
            Err(StatsError::ConstantInput { .. })
        ));
        assert!(matches!(
            pearson(&[1.0, 2.0], &[1.0, 2.0]),
            Err(StatsError::TooFewCases { .. })
        ));
        assert!(matches!(
            pearson(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0]),
            Err(StatsError::NonFinite { row: 1, .. })
        ));
        assert!(r_test_single(50.0, 1.0).is_err());
        assert!(r_test_independent(0.2, 3.0, 0.1, 10.0).is_err());
    }
}
