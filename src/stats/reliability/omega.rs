//! McDonald's omega_total from a one-factor unweighted-least-squares (minres) solution.

use serde::{Deserialize, Serialize};

use super::is_positive;
use super::linalg::{smc, symmetric_eigen};
use crate::numeric::summation::CompensatedSum;
use crate::stats::StatsError;

/// Convergence rule of the iterated principal-axis fit: stop when the distance to the fixed
/// point, estimated from the last two steps as `Δ·ρ/(1 − ρ)` with `Δ = max |Δh²|` and
/// `ρ = Δ/Δ_previous < 1` (a linear iteration), is below this.
const TOLERANCE: f64 = 1e-13;
/// The estimate of the distance is used only once a step is below this (the old stopping rule).
const STEP_TOLERANCE: f64 = 1e-10;
/// A step this small (absolute, on communalities ≤ 1) is rounding noise: the fixed point is
/// reached to double precision.
const NOISE: f64 = 16.0 * f64::EPSILON;
/// Iteration cap of the principal-axis fit: each iteration is an O(p³) eigendecomposition, so
/// the cap is a budget of 10⁸/p³ iterations (a second or so in a release build), at least
/// 1,000 and at most 100,000 (for p ≤ 10).
fn max_iterations(p: usize) -> usize {
    let cube = (p as f64).powi(3);
    (1e8 / cube).clamp(1_000.0, 100_000.0) as usize
}
/// Upper bound on a communality, as psych's minres bounds each uniqueness below at .005.
const MAX_COMMUNALITY: f64 = 0.995;

/// One-factor McDonald's omega, as `psych::omega(x, nfactors = 1)` reports `omega.tot`.
///
/// ω_total is McDonald's coefficient (McDonald, R. P. (1999), *Test Theory: A Unified
/// Treatment*, Erlbaum) computed as psych does: ω_t = (ΣR − Σ(1 − λ²))/ΣR with the
/// *observed* correlation sum ΣR (Revelle's `omega.tot`), not the model-implied
/// (Σλ)²/((Σλ)² + Σ(1 − λ²)), which is reported separately as `omega_model_implied`.
/// Items whose loading is negative are flipped before summing R (psych's `flip = TRUE`).
///
/// # The factor fit
///
/// Loadings λ come from a one-factor unweighted-least-squares fit by iterated principal axes
/// (start h² = smc; repeat: leading eigenpair of R with h² on the diagonal, λ = √e₁·|v₁|,
/// h² = min(λ², .995)) run to its **fixed point**: it stops when the distance to the fixed
/// point, estimated from the last two steps, is below 1e-13 and the step below 1e-10 (or the
/// step is rounding noise),
/// after at most 100,000 iterations (fewer for more than 10 items: a budget of 10⁸/p³, at
/// least 1,000), else [`StatsError::NotConverged`]. The iteration is linear, and on flat problems slow: a
/// 30-respondent subset of psych's `lsat6` in the golden tests needs about 10,000 iterations.
///
/// # Agreement with psych
///
/// psych's `fa(fm = "minres")` minimises the off-diagonal residuals with `optim` (L-BFGS-B,
/// uniquenesses in [.005, 1]) and stops at `optim`'s default tolerance. Without a Heywood case
/// both solve the same problem and **this fit is the converged one, psych's stops early**:
/// the difference is below 1e-5 in the loadings and 1e-7 in ω_t on the alpha fixtures, but
/// reaches 1.4e-4 in a loading and 1e-4 in ω_t on the flat lsat6 subset (psych 2.2.9).
///
/// **Heywood cases** ([`Omega::heywood`]; Heywood, H. B. (1931), *Proc. R. Soc. Lond. A* 134,
/// 486–501) differ by design: when a communality reaches the bound .995, this fit is the
/// bounded ULS solution (the bounded item's diagonal residual is part of the criterion, its
/// loading satisfies λ² ≥ .995), whereas psych minimises the off-diagonal residuals only and
/// reports loadings from the eigendecomposition at the bounded uniqueness, which may exceed 1
/// (psych warns of an "ultra-Heywood case"). On the golden example (r₁₂ = r₁₃ = .9,
/// r₂₃ = .7, whose exact one-factor solution needs λ₁² = 1.157) the loadings are 1.02004 /
/// 0.85575 here and 1.02020 / 0.85540 in psych, ω_t 0.938136 and 0.938029. A Heywood solution
/// is improper (a uniqueness at its bound): report it, and read ω with care.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Omega {
    /// ω_total, psych's `omega.tot`: (ΣR − Σu²)/ΣR.
    pub omega_total: f64,
    /// The model-implied (textbook) omega (Σλ)²/((Σλ)² + Σu²).
    pub omega_model_implied: f64,
    /// Absolute one-factor loadings, in item order.
    pub loadings: Vec<f64>,
    /// `true` for items whose loading was negative and which were flipped.
    pub flipped: Vec<bool>,
    /// Principal-axis iterations used.
    pub iterations: usize,
    /// `true` when the fit is a Heywood case: some item's communality is at the bound .995
    /// (its λ² ≥ .995; see "Agreement with psych" above for how this solution differs from
    /// psych's).
    #[serde(default)]
    pub heywood: bool,
}

/// ω_total from a p × p correlation matrix (row-major). Pure computation, no validation of
/// the matrix beyond finiteness (callers check it).
pub(crate) fn omega_from_correlation(r: &[f64], p: usize) -> Result<Omega, StatsError> {
    if p < 2 {
        return Err(StatsError::TooFewCases {
            what: "items for omega".to_owned(),
            needed: 2,
            got: p,
        });
    }
    // checked: p² wraps for p ≥ 2^32, and a wrapped square could match a short slice
    match p.checked_mul(p) {
        Some(len) if len == r.len() => {}
        Some(len) => {
            return Err(StatsError::LengthMismatch {
                what: format!("correlation matrix ({p} x {p} items)"),
                expected: len,
                got: r.len(),
            });
        }
        None => {
            return Err(StatsError::TooLarge {
                what: "items of the correlation matrix".to_owned(),
                size: p as u128,
                why: "its square overflows usize".to_owned(),
            });
        }
    }
    if let Some(&bad) = r.iter().find(|x| !x.is_finite()) {
        return Err(StatsError::invalid(
            "correlation",
            bad,
            "a finite correlation",
        ));
    }
    let mut h2 = smc(r, p).ok_or_else(|| StatsError::Singular {
        what: "correlation matrix".to_owned(),
    })?;
    for h in &mut h2 {
        *h = h.min(MAX_COMMUNALITY);
    }
    let mut work = r.to_vec();
    let mut loadings = vec![0.0; p];
    let mut signs = vec![1.0; p];
    let mut iterations = 0;
    let mut previous_change = f64::INFINITY;
    let max_iter = max_iterations(p);
    loop {
        iterations += 1;
        for i in 0..p {
            work[i * p + i] = h2[i];
        }
        let (values, vectors) = symmetric_eigen(&work, p);
        let (k, &e1) = values
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .ok_or_else(|| StatsError::Singular {
                what: "correlation matrix".to_owned(),
            })?;
        if !is_positive(e1) {
            return Err(StatsError::Singular {
                what: "reduced correlation matrix".to_owned(),
            });
        }
        let mut change: f64 = 0.0;
        for i in 0..p {
            let v = vectors[i * p + k];
            signs[i] = if v < 0.0 { -1.0 } else { 1.0 };
            loadings[i] = e1.sqrt() * v.abs();
            let new_h2 = (loadings[i] * loadings[i]).min(MAX_COMMUNALITY);
            change = change.max((new_h2 - h2[i]).abs());
            h2[i] = new_h2;
        }
        let rate = change / previous_change;
        // no estimate before two steps (`previous_change` is infinite after the first)
        let distance = if rate > 0.0 && rate < 1.0 {
            change * rate / (1.0 - rate)
        } else {
            f64::INFINITY
        };
        // the estimate is trusted only once the step itself is small (a step that drops by
        // chance would otherwise stop the fit early)
        if change <= NOISE || (change < STEP_TOLERANCE && distance < TOLERANCE) {
            break;
        }
        previous_change = change;
        if iterations >= max_iter {
            return Err(StatsError::NotConverged {
                what: "one-factor principal-axis fit for omega".to_owned(),
                iterations,
            });
        }
    }
    // Make the majority sign positive so that "flipped" names the minority of items.
    let negatives = signs.iter().filter(|&&s| s < 0.0).count();
    if 2 * negatives > p {
        for s in &mut signs {
            *s = -*s;
        }
    }
    let mut sum_r = CompensatedSum::new();
    for i in 0..p {
        for j in 0..p {
            sum_r.add(signs[i] * signs[j] * r[i * p + j]);
        }
    }
    let sum_r = sum_r.total();
    let mut uniq = CompensatedSum::new();
    let mut sum_l = CompensatedSum::new();
    for &l in &loadings {
        uniq.add(1.0 - l * l);
        sum_l.add(l);
    }
    let (uniq, sum_l) = (uniq.total(), sum_l.total());
    if !is_positive(sum_r) {
        return Err(StatsError::ConstantInput {
            what: "sum of the correlation matrix".to_owned(),
        });
    }
    let omega_total = (sum_r - uniq) / sum_r;
    let heywood = loadings.iter().any(|&l| l * l >= MAX_COMMUNALITY);
    let omega_model_implied = sum_l * sum_l / (sum_l * sum_l + uniq);
    Ok(Omega {
        omega_total,
        omega_model_implied,
        loadings,
        flipped: signs.iter().map(|&s| s < 0.0).collect(),
        iterations,
        heywood,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equicorrelated_items_give_closed_form() {
        // With all r = .5 the one-factor fit is exact: λ² = .5 and ω_t = α_std.
        let p = 4;
        let mut r = vec![0.5; p * p];
        for i in 0..p {
            r[i * p + i] = 1.0;
        }
        let o = omega_from_correlation(&r, p).unwrap();
        let alpha_std = 4.0 * 0.5 / (1.0 + 3.0 * 0.5);
        assert!((o.omega_total - alpha_std).abs() < 1e-9);
        assert!((o.omega_model_implied - alpha_std).abs() < 1e-9);
        for l in &o.loadings {
            assert!((l - 0.5_f64.sqrt()).abs() < 1e-6);
        }
    }

    #[test]
    fn negative_item_is_flipped() {
        let r = [1.0, 0.5, -0.5, 0.5, 1.0, -0.5, -0.5, -0.5, 1.0];
        let o = omega_from_correlation(&r, 3).unwrap();
        assert_eq!(o.flipped, vec![false, false, true]);
        assert!(o.omega_total > 0.7);
    }
}
