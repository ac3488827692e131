//! Meta-analysis of correlations on the Fisher-z scale, as metafor 3.8-1 computes it.
//!
//! The formulas and conventions are documented in the [`crate::stats`] module docs.

mod options;
mod study;
mod tau2;

use serde::{Deserialize, Serialize};

use self::tau2::{Moments, Scoring, Tau2Fit};
use crate::numeric::root::{RootError, zeroin};
use crate::stats::StatsError;
use crate::stats::dist;

pub use options::{MetaOptions, MetaTest, TauMethod};
pub use study::{CorrelationStudy, MAX_STUDY_N, RejectedStudy, StudyBatch, correlation_studies};

/// The [`StatsError`] for a failed root search named `what`.
fn root_error(e: RootError, what: &str) -> StatsError {
    match e {
        RootError::NotBracketed => StatsError::NotConverged {
            what: format!("{what}: root not bracketed"),
            iterations: 0,
        },
        RootError::NotFinite { at, iterations } => StatsError::NotConverged {
            what: format!("{what}: function not finite at {at}"),
            iterations,
        },
        RootError::Failed { iterations } | RootError::MaxIter { iterations } => {
            StatsError::NotConverged {
                what: what.to_owned(),
                iterations,
            }
        }
    }
}

/// Q-profile confidence interval for τ² and the matching bounds for τ, I² and H²
/// (metafor `confint.rma.uni(type = "QP")`).
///
/// Bounds solve `Σ w_i(τ²)(y_i - μ̂(τ²))² = χ²_{k-1}` at the upper (lower bound) and lower
/// (upper bound) `(1 - level)/2` quantiles on `[0, max(100, 10 τ̂²)]`. A bound that falls below
/// 0 is reported as 0, as metafor does; when both do the interval is the null set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tau2Ci {
    /// Lower bound for τ².
    pub tau2_lb: f64,
    /// Upper bound for τ².
    pub tau2_ub: f64,
    /// Lower bound for τ.
    pub tau_lb: f64,
    /// Upper bound for τ.
    pub tau_ub: f64,
    /// Lower bound for I² (%).
    pub i2_lb: f64,
    /// Upper bound for I² (%).
    pub i2_ub: f64,
    /// Lower bound for H².
    pub h2_lb: f64,
    /// Upper bound for H².
    pub h2_ub: f64,
    /// Both bounds fell below 0 (metafor: "CI is the null set").
    pub null_set: bool,
    /// A bound lies beyond the search limit and is reported as that limit (metafor prints `>`).
    pub beyond_search_limit: bool,
}

/// The fitted model, with fields named as metafor prints them (`res$beta`, `res$se`, …).
///
/// Estimates are on the Fisher-z scale; the `_r` fields are back-transformed with `tanh`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetaAnalysis {
    /// Number of studies.
    pub k: usize,
    /// The τ² estimator used.
    pub method: TauMethod,
    /// The test actually used (Knapp–Hartung falls back to z when k = 1, as in metafor).
    pub test: MetaTest,
    /// Coverage of the intervals.
    pub level: f64,
    /// Pooled estimate μ̂ (z scale; metafor `res$beta`).
    pub estimate: f64,
    /// Its standard error (the Knapp–Hartung SE under `knha`).
    pub se: f64,
    /// Test statistic μ̂/SE: z, or t under Knapp–Hartung (metafor `res$zval`).
    pub zval: f64,
    /// Two-sided p-value of `zval`.
    pub pval: f64,
    /// Degrees of freedom of the t test (k - 1) under Knapp–Hartung, else `None` (`res$ddf`).
    pub ddf: Option<f64>,
    /// Lower CI bound (z scale).
    pub ci_lb: f64,
    /// Upper CI bound (z scale).
    pub ci_ub: f64,
    /// Lower prediction-interval bound (z scale); `None` for the fixed-effect model, for which
    /// metafor's `predict` gives no PI.
    pub pi_lb: Option<f64>,
    /// Upper prediction-interval bound (z scale).
    pub pi_ub: Option<f64>,
    /// Between-study variance τ².
    pub tau2: f64,
    /// Standard error of τ² (metafor `res$se.tau2`); `None` for FE and for k = 1.
    pub se_tau2: Option<f64>,
    /// τ = √τ².
    pub tau: f64,
    /// I² (%), metafor `i2def = "1"`: `100 τ²/(ṽ + τ²)` with `ṽ = (k-1)/tr(P_FE)`; for FE
    /// `max(0, 100 (Q - df)/Q)`. 0 when k = 1 or Q = 0.
    pub i2: f64,
    /// H², `τ²/ṽ + 1`; for FE `Q/df`. 1 when k = 1.
    pub h2: f64,
    /// The "typical" within-study variance ṽ = (k - 1)/tr(P_FE) (metafor `res$vt`); 0 when k = 1.
    pub vt: f64,
    /// Cochran's Q with fixed-effect weights (metafor `res$QE`); 0 when k = 1.
    pub q: f64,
    /// Degrees of freedom of Q, k - 1.
    pub q_df: usize,
    /// p-value of Q from χ²(k - 1) (`res$QEp`); 1 when k = 1.
    pub q_p: f64,
    /// Knapp–Hartung scale factor s² (1 under the z test; metafor `res$s2w`).
    pub s2w: f64,
    /// Q-profile CI for τ² (random-effects models with k ≥ 2 when requested).
    pub tau2_ci: Option<Tau2Ci>,
    /// Fisher-scoring iterations (REML, ML; 0 otherwise).
    pub iterations: usize,
    /// τ² iterates of Fisher scoring, starting with the Hedges start value (empty otherwise).
    pub tau2_trace: Vec<f64>,
    /// Log-likelihood at the estimates: REML for [`TauMethod::Reml`], ML otherwise
    /// (metafor `logLik(res)`).
    pub loglik: f64,
    /// Back-transformed pooled correlation `tanh(estimate)`.
    pub estimate_r: f64,
    /// Back-transformed lower CI bound.
    pub ci_lb_r: f64,
    /// Back-transformed upper CI bound.
    pub ci_ub_r: f64,
    /// Back-transformed lower PI bound.
    pub pi_lb_r: Option<f64>,
    /// Back-transformed upper PI bound.
    pub pi_ub_r: Option<f64>,
    /// Each study's weight in percent, `100 w*_i / Σw*` in input order (metafor `weights(res)`).
    pub weights: Vec<f64>,
}

/// Random-effects (or fixed-effect) meta-analysis of correlations, as metafor 3.8-1
/// `rma(yi, vi, method = …, test = …)` after `escalc(measure = "ZCOR")`.
///
/// With one study the result is that study: μ̂ = z₁, SE = √v₁, τ² = 0, Q = 0, p(Q) = 1,
/// I² = 0, H² = 1, the z test even if Knapp–Hartung was requested, and no τ² CI — metafor's
/// behaviour for k = 1.
///
/// ```
/// use therapeutic_alliance::stats::{meta_analysis, CorrelationStudy, MetaOptions, TauMethod};
///
/// let studies = [
///     CorrelationStudy::new(0.187, 109.0)?,
///     CorrelationStudy::new(0.162, 749.0)?,
///     CorrelationStudy::new(0.34, 55.0)?,
///     CorrelationStudy::new(-0.09, 56.0)?,
/// ];
/// let res = meta_analysis(&studies, &MetaOptions::new().method(TauMethod::Reml))?;
/// assert_eq!(res.k, 4);
/// assert!(res.tau2 >= 0.0 && res.ci_lb < res.estimate && res.estimate < res.ci_ub);
/// println!("r = {:.3} [{:.3}, {:.3}]", res.estimate_r, res.ci_lb_r, res.ci_ub_r);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`StatsError::EmptyInput`] for no studies; [`StatsError::InvalidParameter`] for invalid
/// options; [`StatsError::NotConverged`] when Fisher scoring exceeds `max_iter` (metafor stops
/// with an error too) or Paule–Mandel's root lies beyond its search limit;
/// [`StatsError::ConstantInput`] under Knapp–Hartung when all effects are identical (metafor
/// sets s² = 0 and reports a zero SE).
pub fn meta_analysis(
    studies: &[CorrelationStudy],
    options: &MetaOptions,
) -> Result<MetaAnalysis, StatsError> {
    let y: Vec<f64> = studies.iter().map(CorrelationStudy::z).collect();
    let v: Vec<f64> = studies.iter().map(CorrelationStudy::variance).collect();
    fit(&y, &v, options)
}

/// [`meta_analysis`] on paired columns of correlations and sample sizes.
///
/// ```
/// use therapeutic_alliance::stats::{meta_analysis_rn, MetaOptions};
///
/// let res = meta_analysis_rn(&[0.3, 0.2, 0.25], &[50.0, 120.0, 80.0], &MetaOptions::new())?;
/// assert_eq!(res.k, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`meta_analysis`]; the first invalid record is reported as
/// [`StatsError::InvalidParameter`] (use [`correlation_studies`] to get every rejected record),
/// and slices of different lengths as [`StatsError::LengthMismatch`].
pub fn meta_analysis_rn(
    r: &[f64],
    n: &[f64],
    options: &MetaOptions,
) -> Result<MetaAnalysis, StatsError> {
    let batch = correlation_studies(r, n)?;
    if let Some(first) = batch.rejected.into_iter().next() {
        return Err(match first.reason {
            StatsError::InvalidParameter {
                name,
                value,
                expected,
            } => StatsError::InvalidParameter {
                name: format!("{name} at row {}", first.row),
                value,
                expected,
            },
            other => other,
        });
    }
    meta_analysis(&batch.studies, options)
}

fn fit(y: &[f64], v: &[f64], o: &MetaOptions) -> Result<MetaAnalysis, StatsError> {
    o.validate()?;
    let k = y.len();
    if k == 0 {
        return Err(StatsError::EmptyInput {
            what: "studies".to_owned(),
        });
    }
    let kf = k as f64;
    let random = o.method != TauMethod::FixedEffect;

    // τ²
    let est: Tau2Fit = if k == 1 || !random {
        Tau2Fit::zero()
    } else {
        let scoring = Scoring {
            threshold: o.threshold,
            max_iter: o.max_iter,
            step_adj: 1.0,
            ll0_check: true,
            ll_tol: f64::EPSILON.powf(0.25),
        };
        match o.method {
            TauMethod::DerSimonianLaird => tau2::dersimonian_laird(y, v).0,
            TauMethod::Reml => tau2::fisher_scoring(y, v, true, scoring)?,
            TauMethod::Ml => tau2::fisher_scoring(y, v, false, scoring)?,
            TauMethod::Hedges => tau2::hedges(y, v),
            TauMethod::PauleMandel => {
                tau2::paule_mandel(y, v, 100.0, o.root_tol, o.max_iter.max(100))?
            }
            TauMethod::SidikJonkman => tau2::sidik_jonkman(y, v),
            TauMethod::FixedEffect => Tau2Fit::zero(),
        }
    };
    let tau2 = est.tau2;

    // pooled estimate
    let m: Moments = tau2::moments(y, v, tau2);
    // with one study, return it exactly (w y / w can differ from y in the last bit)
    let (mu, vb) = if k == 1 {
        (y[0], v[0] + tau2)
    } else {
        (m.mu, 1.0 / m.s1)
    };
    let knha = o.knapp_hartung && k > 1;
    let s2w = if knha {
        if m.rss <= f64::EPSILON {
            return Err(StatsError::ConstantInput {
                what: "effect sizes (knapp-hartung scale factor is zero)".to_owned(),
            });
        }
        m.rss / (kf - 1.0)
    } else {
        1.0
    };
    let se = (s2w * vb).sqrt();
    let zval = mu / se;
    let alpha = 1.0 - o.level;
    let (pval, crit, ddf) = if knha {
        let df = kf - 1.0;
        (
            dist::t_two_sided_p(zval, df)?,
            dist::t_quantile(1.0 - alpha / 2.0, df)?,
            Some(df),
        )
    } else {
        (
            dist::normal_two_sided_p(zval)?,
            dist::normal_quantile(1.0 - alpha / 2.0)?,
            None,
        )
    };
    let ci_lb = mu - crit * se;
    let ci_ub = mu + crit * se;
    let (pi_lb, pi_ub) = if random {
        let pse = (se * se + tau2).sqrt();
        (Some(mu - crit * pse), Some(mu + crit * pse))
    } else {
        (None, None)
    };

    // heterogeneity (fixed-effect weights)
    let (q, q_p, vt, i2, h2) = if k > 1 {
        let fe = tau2::moments(y, v, 0.0);
        let q = fe.rss.max(0.0);
        let df = kf - 1.0;
        let q_p = dist::chi2_sf(q, df)?;
        let tr_p = fe.tr_p();
        let vt = df / tr_p;
        let (i2, h2) = if random {
            (100.0 * tau2 / (vt + tau2), tau2 / vt + 1.0)
        } else if q > 0.0 {
            ((100.0 * (q - df) / q).max(0.0), q / df)
        } else {
            (0.0, 0.0)
        };
        (q, q_p, vt, i2, h2)
    } else {
        (0.0, 1.0, 0.0, 0.0, 1.0)
    };

    let tau2_ci = if random && k > 1 && o.tau2_ci {
        Some(q_profile(y, v, tau2, vt, o)?)
    } else {
        None
    };

    let loglik = tau2::loglik(y, v, tau2, o.method == TauMethod::Reml && k > 1);
    let weights = v.iter().map(|&vi| 100.0 / (vi + tau2) / m.s1).collect();

    let out = MetaAnalysis {
        k,
        method: o.method,
        test: if knha {
            MetaTest::KnappHartung
        } else {
            MetaTest::Z
        },
        level: o.level,
        estimate: mu,
        se,
        zval,
        pval,
        ddf,
        ci_lb,
        ci_ub,
        pi_lb,
        pi_ub,
        tau2,
        se_tau2: est.se_tau2,
        tau: tau2.sqrt(),
        i2,
        h2,
        vt,
        q,
        q_df: k - 1,
        q_p,
        s2w,
        tau2_ci,
        iterations: est.iterations,
        tau2_trace: est.trace,
        loglik,
        estimate_r: mu.tanh(),
        ci_lb_r: ci_lb.tanh(),
        ci_ub_r: ci_ub.tanh(),
        pi_lb_r: pi_lb.map(f64::tanh),
        pi_ub_r: pi_ub.map(f64::tanh),
        weights,
    };
    check_finite(&out)?;
    Ok(out)
}

fn check_finite(m: &MetaAnalysis) -> Result<(), StatsError> {
    let fields = [
        ("estimate", m.estimate),
        ("se", m.se),
        ("zval", m.zval),
        ("pval", m.pval),
        ("ci_lb", m.ci_lb),
        ("ci_ub", m.ci_ub),
        ("tau2", m.tau2),
        ("i2", m.i2),
        ("h2", m.h2),
        ("q", m.q),
        ("q_p", m.q_p),
        ("loglik", m.loglik),
    ];
    for (name, x) in fields {
        if !x.is_finite() {
            return Err(StatsError::NonFinite {
                what: format!("meta-analysis result {name}"),
                row: 0,
                value: x,
            });
        }
    }
    Ok(())
}

/// Q-profile CI as `confint.rma.uni` (type "QP").
fn q_profile(
    y: &[f64],
    v: &[f64],
    tau2: f64,
    vt: f64,
    o: &MetaOptions,
) -> Result<Tau2Ci, StatsError> {
    let df = y.len() as f64 - 1.0;
    let alpha = 1.0 - o.level;
    let crit_u = dist::chi2_quantile(1.0 - alpha / 2.0, df)?;
    let crit_l = dist::chi2_quantile(alpha / 2.0, df)?;
    let t_min = 0.0_f64;
    let t_max = 100.0_f64.max(10.0 * tau2);
    let q_min = tau2::q_gen(y, v, t_min);
    let q_max = tau2::q_gen(y, v, t_max);
    let solve = |target: f64| {
        zeroin(
            |t| Some(tau2::q_gen(y, v, t) - target),
            (t_min, t_max),
            (q_min - target, q_max - target),
            o.root_tol,
            1000,
        )
        .map(|r| r.root)
        .map_err(|e| root_error(e, "q-profile tau2 bound"))
    };
    let mut null_set = false;
    let mut beyond = false;
    // upper bound
    let mut ub = if q_min < crit_l {
        null_set = true;
        t_min
    } else if q_max > crit_l {
        beyond = true;
        t_max
    } else {
        solve(crit_l)?
    };
    // lower bound
    let lb = if q_max > crit_u {
        beyond = true;
        ub = t_max;
        t_max
    } else if q_min < crit_u {
        t_min
    } else {
        solve(crit_u)?
    };
    let i2 = |t: f64| 100.0 * t / (vt + t);
    let h2 = |t: f64| t / vt + 1.0;
    Ok(Tau2Ci {
        tau2_lb: lb,
        tau2_ub: ub,
        tau_lb: lb.sqrt(),
        tau_ub: ub.sqrt(),
        i2_lb: i2(lb),
        i2_ub: i2(ub),
        h2_lb: h2(lb),
        h2_ub: h2(ub),
        null_set,
        beyond_search_limit: beyond,
    })
}
