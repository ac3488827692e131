//! The τ² estimators of metafor 3.8-1 `rma.uni()` for the intercept-only model, each O(k).
//!
//! metafor works with k × k matrices (`P = W - W X (X'WX)^-1 X'W`). For an intercept-only model
//! every quantity it needs reduces to a few weighted sums, which is what this module computes:
//! with `w_i = 1/(v_i + τ²)`, `S_m = Σ w_i^m` and `μ̂ = Σ w_i y_i / S_1`,
//!
//! * `y'Py   = Σ w_i (y_i - μ̂)²`,
//! * `y'PPy  = Σ w_i² (y_i - μ̂)²`,
//! * `tr(P)  = S_1 - S_2 / S_1`,
//! * `tr(PP) = S_2 - 2 S_3 / S_1 + S_2² / S_1²`.

use super::root_error;
use crate::numeric::root::zeroin;
use crate::numeric::summation::CompensatedSum;
use crate::stats::StatsError;

/// Weighted sums at one value of τ².
#[derive(Debug, Clone, Copy)]
pub(super) struct Moments {
    /// Σ w.
    pub(super) s1: f64,
    /// Σ w².
    pub(super) s2: f64,
    /// Weighted mean μ̂.
    pub(super) mu: f64,
    /// y'Py = Σ w (y - μ̂)².
    pub(super) rss: f64,
    /// y'PPy = Σ w² (y - μ̂)².
    pub(super) ypp: f64,
    /// tr(P), see [`Moments::tr_p`].
    tr_p: f64,
    /// tr(PP), see [`Moments::tr_pp`].
    tr_pp: f64,
}

impl Moments {
    /// tr(P) = Σ P_ii with P_ii = w_i (S1 − w_i) / S1.
    pub(super) fn tr_p(&self) -> f64 {
        self.tr_p
    }

    /// tr(PP) = sum(P * P) = Σ P_ii² + Σ_{i≠j} w_i² w_j² / S1².
    ///
    /// Both traces are summed from their positive terms, with `S1 − w_i` for the heaviest
    /// study summed over the others: the textbook forms `S1 − S2/S1` and
    /// `S2 − 2 S3/S1 + (S2/S1)²` cancel catastrophically when one study outweighs the rest
    /// by 10¹², giving a negative tr(PP) and a NaN standard error of τ².
    pub(super) fn tr_pp(&self) -> f64 {
        self.tr_pp
    }
}

/// tr(P) and tr(PP) for weights `w(i)`, `i < k`, with sum `s1` (see [`Moments::tr_pp`]).
fn traces(k: usize, w: impl Fn(usize) -> f64, s1: f64) -> (f64, f64) {
    let heaviest = (0..k).fold(0, |m, i| if w(i) > w(m) { i } else { m });
    let (mut rest_w, mut rest_w2, mut s2) = (
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
    );
    for i in (0..k).filter(|&i| i != heaviest) {
        rest_w.add(w(i));
        rest_w2.add(w(i) * w(i));
    }
    for i in 0..k {
        s2.add(w(i) * w(i));
    }
    let (rest_w, rest_w2, s2) = (rest_w.total(), rest_w2.total(), s2.total());
    let (mut tr_p, mut tr_pp) = (CompensatedSum::new(), CompensatedSum::new());
    for i in 0..k {
        let wi = w(i);
        // Σ_{j≠i} w_j and Σ_{j≠i} w_j²: for any study but the heaviest, S − w_i ≥ S/2
        let (others, others2) = if i == heaviest {
            (rest_w, rest_w2)
        } else {
            (s1 - wi, s2 - wi * wi)
        };
        let pii = wi * (others / s1);
        tr_p.add(pii);
        tr_pp.add(pii * pii);
        tr_pp.add((wi / s1) * (wi / s1) * others2);
    }
    (tr_p.total(), tr_pp.total())
}

/// Three passes over the studies, no allocation.
pub(super) fn moments(y: &[f64], v: &[f64], tau2: f64) -> Moments {
    let (mut s1, mut s2, mut swy) = (
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
    );
    for (&yi, &vi) in y.iter().zip(v) {
        let w = 1.0 / (vi + tau2);
        s1.add(w);
        s2.add(w * w);
        swy.add(w * yi);
    }
    let s1 = s1.total();
    let mu = swy.total() / s1;
    let (mut rss, mut ypp) = (CompensatedSum::new(), CompensatedSum::new());
    for (&yi, &vi) in y.iter().zip(v) {
        let w = 1.0 / (vi + tau2);
        let e = yi - mu;
        rss.add(w * e * e);
        ypp.add(w * w * e * e);
    }
    let (tr_p, tr_pp) = traces(v.len(), |i| 1.0 / (v[i] + tau2), s1);
    Moments {
        s1,
        s2: s2.total(),
        mu,
        rss: rss.total(),
        ypp: ypp.total(),
        tr_p,
        tr_pp,
    }
}

/// Generalised Q statistic `Σ w_i(τ²) (y_i - μ̂(τ²))²` (metafor's `.QE.func`).
pub(super) fn q_gen(y: &[f64], v: &[f64], tau2: f64) -> f64 {
    let (mut s1, mut swy) = (CompensatedSum::new(), CompensatedSum::new());
    for (&yi, &vi) in y.iter().zip(v) {
        let w = 1.0 / (vi + tau2);
        s1.add(w);
        swy.add(w * yi);
    }
    let mu = swy.total() / s1.total();
    let mut rss = CompensatedSum::new();
    for (&yi, &vi) in y.iter().zip(v) {
        let e = yi - mu;
        rss.add(e * e / (vi + tau2));
    }
    rss.total()
}

/// Unweighted pieces: Σ(y - ȳ)², Σv, Σv².
fn unweighted(y: &[f64], v: &[f64]) -> (f64, f64, f64) {
    let k = y.len() as f64;
    let mut sy = CompensatedSum::new();
    let (mut sv, mut sv2) = (CompensatedSum::new(), CompensatedSum::new());
    for (&yi, &vi) in y.iter().zip(v) {
        sy.add(yi);
        sv.add(vi);
        sv2.add(vi * vi);
    }
    let ybar = sy.total() / k;
    let mut ss = CompensatedSum::new();
    for &yi in y {
        ss.add((yi - ybar) * (yi - ybar));
    }
    (ss.total(), sv.total(), sv2.total())
}

/// A standard error of τ² only when it is finite: where its formula divides 0 by 0 or
/// overflows, metafor's `se.tau2` is `NA`/`NaN`, and the result carries `None`.
fn finite_se(se: f64) -> Option<f64> {
    se.is_finite().then_some(se)
}

/// An estimate of τ² with its standard error and the Fisher-scoring trace.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tau2Fit {
    pub(super) tau2: f64,
    pub(super) se_tau2: Option<f64>,
    pub(super) iterations: usize,
    pub(super) trace: Vec<f64>,
}

impl Tau2Fit {
    /// τ² = 0 without a standard error (fixed-effect model, or k = 1).
    pub(super) fn zero() -> Self {
        Self {
            tau2: 0.0,
            se_tau2: None,
            iterations: 0,
            trace: Vec::new(),
        }
    }

    fn closed(tau2: f64, se: f64) -> Self {
        Self {
            tau2: tau2.max(0.0),
            se_tau2: finite_se(se),
            iterations: 0,
            trace: Vec::new(),
        }
    }
}

/// Hedges (HE) estimator, unbounded: `[Σ(y - ȳ)² - (k-1)/k Σv] / (k - 1)`.
pub(super) fn hedges_raw(y: &[f64], v: &[f64]) -> f64 {
    let k = y.len() as f64;
    let (ss, sv, _) = unweighted(y, v);
    (ss - (sv - sv / k)) / (k - 1.0)
}

/// HE with metafor's standard error (`rma.uni`, method "HE").
pub(super) fn hedges(y: &[f64], v: &[f64]) -> Tau2Fit {
    let k = y.len() as f64;
    let (ss, sv, sv2) = unweighted(y, v);
    let tr_pv = sv - sv / k;
    let tau2 = (ss - tr_pv) / (k - 1.0);
    let t = tau2.max(0.0);
    // tr(PVPV) for P = I - J/k
    let tr_pvpv = sv2 * (1.0 - 2.0 / k) + (sv / k) * (sv / k);
    let se = (2.0 * tr_pvpv + 4.0 * t * tr_pv + 2.0 * t * t * (k - 1.0)).sqrt() / (k - 1.0);
    Tau2Fit::closed(tau2, se)
}

/// DerSimonian–Laird estimator and its standard error.
pub(super) fn dersimonian_laird(y: &[f64], v: &[f64]) -> (Tau2Fit, Moments) {
    let k = y.len() as f64;
    let m = moments(y, v, 0.0);
    let tr_p = m.tr_p();
    let tau2 = (m.rss - (k - 1.0)) / tr_p;
    let t = tau2.max(0.0);
    let se = (2.0 * (k - 1.0) + 4.0 * t * tr_p + 2.0 * t * t * m.tr_pp()).sqrt() / tr_p;
    (Tau2Fit::closed(tau2, se), m)
}

/// Sidik–Jonkman estimator (start `Σ(y - ȳ)²/k`) with metafor's standard error.
pub(super) fn sidik_jonkman(y: &[f64], v: &[f64]) -> Tau2Fit {
    let k = y.len() as f64;
    let (ss, _, _) = unweighted(y, v);
    let tau0 = ss / k;
    let m = moments(y, v, tau0);
    let tau2 = tau0 * m.rss / (k - 1.0);
    let t = tau2.max(0.0);
    // sum(PV * t(PV)), sum(PV * P) and sum(P * P) for P = W - w w'/S1, V = diag(v)
    let (mut a1, mut a2, mut a3, mut b1, mut b2) = (
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
    );
    for &vi in v {
        let w = 1.0 / (vi + tau0);
        a1.add(w * w * vi * vi);
        a2.add(w * w * w * vi * vi);
        a3.add(w * w * vi);
        b1.add(w * w * w * vi);
        b2.add(w * w * vi);
    }
    let s1 = m.s1;
    let a3 = a3.total();
    let pvpv = a1.total() - 2.0 * a2.total() / s1 + (a3 / s1) * (a3 / s1);
    let pvp = b2.total() - 2.0 * b1.total() / s1 + m.s2 * a3 / (s1 * s1);
    let pp = m.tr_pp();
    let se = tau0 / (k - 1.0) * (2.0 * pvpv + 4.0 * t * pvp + 2.0 * t * t * pp).sqrt();
    Tau2Fit::closed(tau2, se)
}

/// Paule–Mandel: the τ² at which the generalised Q equals k - 1, found with `uniroot` on
/// `[0, tau2_max]` at tolerance `tol`, as metafor does.
pub(super) fn paule_mandel(
    y: &[f64],
    v: &[f64],
    tau2_max: f64,
    tol: f64,
    max_iter: usize,
) -> Result<Tau2Fit, StatsError> {
    let k = y.len() as f64;
    let target = k - 1.0;
    let q0 = q_gen(y, v, 0.0) - target;
    let tau2 = if q0 < 0.0 {
        0.0
    } else {
        let qmax = q_gen(y, v, tau2_max) - target;
        if qmax > 0.0 {
            return Err(StatsError::NotConverged {
                what: format!("paule-mandel tau2: root lies above tau2_max = {tau2_max}"),
                iterations: 0,
            });
        }
        zeroin(
            |t| Some(q_gen(y, v, t) - target),
            (0.0, tau2_max),
            (q0, qmax),
            tol,
            max_iter,
        )
        .map_err(|e| root_error(e, "paule-mandel tau2"))?
        .root
    };
    let m = moments(y, v, tau2);
    let se = (2.0 * k * k / (k - 1.0)).sqrt() / m.s1;
    Ok(Tau2Fit::closed(tau2, se))
}

/// Settings of the Fisher-scoring loop (metafor's `control` list).
#[derive(Debug, Clone, Copy)]
pub(super) struct Scoring {
    pub(super) threshold: f64,
    pub(super) max_iter: usize,
    pub(super) step_adj: f64,
    pub(super) ll0_check: bool,
    pub(super) ll_tol: f64,
}

/// REML (`reml = true`) or ML by metafor's Fisher scoring: HE start truncated at 0, step
/// `[y'PPy - tr(P)] / tr(PP)` (REML) or `[y'PPy - Σw] / Σw²` (ML), step halving while
/// τ² + step < 0, stop when |Δτ²| <= threshold, then the `ll0check`.
pub(super) fn fisher_scoring(
    y: &[f64],
    v: &[f64],
    reml: bool,
    s: Scoring,
) -> Result<Tau2Fit, StatsError> {
    let what = if reml { "reml tau2" } else { "ml tau2" };
    let mut tau2 = hedges_raw(y, v).max(0.0);
    let mut trace = Vec::with_capacity(s.max_iter.min(1000) + 2);
    trace.push(tau2);
    let mut change = s.threshold + 1.0;
    let mut iter = 0usize;
    while change > s.threshold {
        iter += 1;
        let old = tau2;
        let m = moments(y, v, tau2);
        let mut adj = if reml {
            (m.ypp - m.tr_p()) / m.tr_pp()
        } else {
            (m.ypp - m.s1) / m.s2
        } * s.step_adj;
        if !adj.is_finite() {
            return Err(StatsError::NotConverged {
                what: format!("{what}: fisher scoring step is not finite"),
                iterations: iter,
            });
        }
        // halving ends at the latest when adj underflows to -0.0
        let mut halvings = 0;
        while tau2 + adj < 0.0 && halvings < 1100 {
            adj /= 2.0;
            halvings += 1;
        }
        tau2 += adj;
        if tau2 < 0.0 {
            tau2 = 0.0;
        }
        if trace.len() < trace.capacity() {
            trace.push(tau2);
        }
        change = (old - tau2).abs();
        if iter > s.max_iter {
            return Err(StatsError::NotConverged {
                what: format!("{what}: fisher scoring"),
                iterations: s.max_iter,
            });
        }
    }
    if s.ll0_check && tau2 > s.threshold {
        let ll0 = loglik(y, v, 0.0, reml);
        let ll = loglik(y, v, tau2, reml);
        if ll0 - ll > s.ll_tol {
            tau2 = 0.0;
        }
    }
    let tau2 = tau2.max(0.0);
    let m = moments(y, v, tau2);
    let se = if reml {
        (2.0 / m.tr_pp()).sqrt()
    } else {
        (2.0 / m.s2).sqrt()
    };
    Ok(Tau2Fit {
        tau2,
        se_tau2: finite_se(se),
        iterations: iter,
        trace,
    })
}

/// Log-likelihood at τ² as metafor's `fit.stats`: ML
/// `-k/2 log(2π) - 1/2 Σ log(v + τ²) - 1/2 RSS`, or REML (with `REMLf = TRUE`)
/// `-(k-1)/2 log(2π) + 1/2 log k - 1/2 Σ log(v + τ²) - 1/2 log Σw - 1/2 RSS`.
pub(super) fn loglik(y: &[f64], v: &[f64], tau2: f64, reml: bool) -> f64 {
    let k = y.len() as f64;
    let m = moments(y, v, tau2);
    let mut slog = CompensatedSum::new();
    for &vi in v {
        slog.add((vi + tau2).ln());
    }
    let sum_log_var = slog.total();
    let two_pi = 2.0 * std::f64::consts::PI;
    if reml {
        -0.5 * (k - 1.0) * two_pi.ln() + 0.5 * k.ln()
            - 0.5 * sum_log_var
            - 0.5 * m.s1.ln()
            - 0.5 * m.rss
    } else {
        -0.5 * k * two_pi.ln() - 0.5 * sum_log_var - 0.5 * m.rss
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The O(k) traces equal the k × k matrix versions metafor computes.
    #[test]
    #[allow(clippy::needless_range_loop)] // matrix indices read clearer here
    fn closed_form_traces_match_dense_matrices() {
        let y = [0.1, 0.35, -0.05, 0.2, 0.6];
        let v = [0.01, 0.02, 0.015, 0.05, 0.03];
        let tau2 = 0.012;
        let k = y.len();
        let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
        let s: f64 = w.iter().sum();
        let p = |i: usize, j: usize| f64::from(u8::from(i == j)) * w[i] - w[i] * w[j] / s;
        let mut tr_p = 0.0;
        let mut tr_pp = 0.0;
        let mut ypp = 0.0;
        for i in 0..k {
            tr_p += p(i, i);
            let mut py_i = 0.0;
            for j in 0..k {
                tr_pp += p(i, j) * p(j, i);
                py_i += p(i, j) * y[j];
            }
            ypp += py_i * py_i;
        }
        let m = moments(&y, &v, tau2);
        assert!((m.tr_p() - tr_p).abs() < 1e-12 * tr_p);
        assert!((m.tr_pp() - tr_pp).abs() < 1e-12 * tr_pp);
        assert!((m.ypp - ypp).abs() < 1e-12 * ypp);
    }

    #[test]
    fn hedges_start_is_the_unweighted_moment_estimator() {
        let y = [0.1, 0.3, 0.2];
        let v = [0.01, 0.01, 0.01];
        // Σ(y - ȳ)² = 0.02, (k-1)/k Σv = 0.02 → τ² = 0
        assert!(hedges_raw(&y, &v).abs() < 1e-15);
    }
}
