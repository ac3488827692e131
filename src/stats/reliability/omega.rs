//! McDonald's omega_total from a one-factor unweighted-least-squares (minres) solution.

use serde::{Deserialize, Serialize};

use super::is_positive;
use super::linalg::{leading_eigenpair, smc, symmetric_eigen};
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
/// Iteration cap of the principal-axis fit: each iteration is at worst an O(p³) eigendecomposition
/// (usually an O(p²)-per-step warm-started power iteration, see [`fit`]), so
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
/// h² = min(λ², .995); the leading eigenpair by power iteration warm-started from the previous
/// iteration's, with a full Jacobi decomposition whenever its accuracy cannot be proven) run to
/// its **fixed point**: it stops when the distance to the fixed
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
    fit(r, p, Eigen::WarmStarted).map(|(omega, _)| omega)
}

/// How each principal-axis iteration finds the leading eigenpair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eigen {
    /// The full Jacobi decomposition [`symmetric_eigen`] every time (the reference the tests
    /// compare with).
    #[cfg(test)]
    Full,
    /// [`leading_eigenpair`] warm-started from the previous iteration's eigenvector, the full
    /// decomposition on the first iteration and whenever that cannot vouch for its result.
    WarmStarted,
}

/// The principal-axis fit, and how many full decompositions it ran.
fn fit(r: &[f64], p: usize, eigen: Eigen) -> Result<(Omega, usize), StatsError> {
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
    // the leading eigenvector of the last iteration, the next one's warm start
    let mut lead = vec![0.0; p];
    let mut full_decompositions = 0;
    let mut last_was_full;
    let mut iterations = 0;
    let mut previous_change = f64::INFINITY;
    let max_iter = max_iterations(p);
    loop {
        iterations += 1;
        for i in 0..p {
            work[i * p + i] = h2[i];
        }
        let warm = if eigen == Eigen::WarmStarted && iterations > 1 {
            leading_eigenpair(&work, p, &mut lead)
        } else {
            None
        };
        last_was_full = warm.is_none();
        let e1 = if let Some(e1) = warm {
            e1
        } else {
            full_decompositions += 1;
            full_leading_eigenpair(&work, p, &mut lead)?
        };
        if !is_positive(e1) {
            return Err(StatsError::Singular {
                what: "reduced correlation matrix".to_owned(),
            });
        }
        let mut change: f64 = 0.0;
        for i in 0..p {
            let v = lead[i];
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
    // Make the majority sign positive so that "flipped" names the minority of items. A tie
    // keeps the eigenvector's own sign, which is the full decomposition's: a warm-started
    // vector keeps the sign of its start, so it is aligned with the full decomposition of the
    // last iteration's matrix (what every iteration used before the warm start).
    let negatives = signs.iter().filter(|&&s| s < 0.0).count();
    let tie_against_full = 2 * negatives == p && !last_was_full && {
        let mut full = vec![0.0; p];
        full_decompositions += 1;
        full_leading_eigenpair(&work, p, &mut full)?;
        full.iter().zip(&lead).map(|(a, b)| a * b).sum::<f64>() < 0.0
    };
    if 2 * negatives > p || tie_against_full {
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
    let omega = Omega {
        omega_total,
        omega_model_implied,
        loadings,
        flipped: signs.iter().map(|&s| s < 0.0).collect(),
        iterations,
        heywood,
    };
    Ok((omega, full_decompositions))
}

/// The leading (largest algebraic) eigenpair from the full decomposition: the eigenvalue,
/// and the eigenvector in `lead`.
fn full_leading_eigenpair(a: &[f64], p: usize, lead: &mut [f64]) -> Result<f64, StatsError> {
    let (values, vectors) = symmetric_eigen(a, p);
    let (k, &e1) = values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .ok_or_else(|| StatsError::Singular {
            what: "correlation matrix".to_owned(),
        })?;
    for (i, l) in lead.iter_mut().enumerate() {
        *l = vectors[i * p + k];
    }
    Ok(e1)
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

    /// A one-factor p × p correlation matrix with loadings `l` (exact), perturbed by a
    /// deterministic pattern of size `noise` so that the fit takes some iterations.
    fn one_factor(l: &[f64], noise: f64) -> Vec<f64> {
        let p = l.len();
        let mut r = vec![1.0; p * p];
        for i in 0..p {
            for j in 0..p {
                if i != j {
                    let wobble = (((i + 1) * (j + 1) * 37) % 11) as f64 / 10.0 - 0.5;
                    r[i * p + j] = l[i] * l[j] + noise * wobble;
                }
            }
        }
        r
    }

    /// The warm-started fit against the reference (the full decomposition every iteration):
    /// same loadings, flips and omegas to 1e-13; returns both fits' iteration counts and the
    /// warm-started fit's full decompositions.
    fn same_as_full(r: &[f64], p: usize) -> (usize, usize, usize) {
        let (full, n_full) = fit(r, p, Eigen::Full).unwrap();
        let (warm, n_warm) = fit(r, p, Eigen::WarmStarted).unwrap();
        assert_eq!(n_full, full.iterations);
        for (i, (a, b)) in warm.loadings.iter().zip(&full.loadings).enumerate() {
            assert!((a - b).abs() < 1e-13, "loading {i}: {a} vs {b}");
        }
        assert_eq!(warm.flipped, full.flipped);
        assert_eq!(warm.heywood, full.heywood);
        assert!((warm.omega_total - full.omega_total).abs() < 1e-13);
        assert!((warm.omega_model_implied - full.omega_model_implied).abs() < 1e-13);
        (full.iterations, warm.iterations, n_warm)
    }

    #[test]
    fn warm_started_fit_matches_the_full_decomposition() {
        let twelve = [
            0.8, 0.7, 0.75, 0.6, 0.65, 0.5, 0.55, 0.72, 0.68, 0.4, 0.45, 0.62,
        ];
        let heywood = [1.0, 0.9, 0.9, 0.9, 1.0, 0.7, 0.9, 0.7, 1.0];
        let mut exact = vec![0.5; 16];
        for i in 0..4 {
            exact[i * 4 + i] = 1.0;
        }
        // half the items negatively keyed: the majority rule ties, the eigenvector's sign decides
        let mut tie = one_factor(&[0.7, 0.6, 0.5, 0.65], 0.02);
        for i in 0..4 {
            for j in 0..4 {
                if (i < 2) != (j < 2) {
                    tie[i * 4 + j] = -tie[i * 4 + j];
                }
            }
        }
        let cases: [(&str, Vec<f64>, usize); 5] = [
            ("12 items", one_factor(&twelve, 0.05), 12),
            (
                "weak 5 items",
                one_factor(&[0.3, 0.25, 0.35, 0.2, 0.3], 0.03),
                5,
            ),
            ("heywood", heywood.to_vec(), 3),
            ("exact rank one", exact, 4),
            ("tie", tie, 4),
        ];
        for (name, r, p) in &cases {
            let (full, warm, n_full) = same_as_full(r, *p);
            assert!(
                full.abs_diff(warm) <= 2,
                "{name}: {full} vs {warm} iterations"
            );
            // the fast path carries all but the first iteration (and the tie's sign check)
            assert!(n_full <= 2, "{name}: {n_full} full decompositions");
        }
    }

    /// A near-degenerate leading pair: the solver cannot vouch for its vector and refuses it
    /// (the loop then decomposes in full), even from a start on the true eigenvector.
    #[test]
    fn near_degenerate_leading_gap_falls_back() {
        let a = householder_matrix(&[2.0, 2.0 - 1e-9, 0.3, -0.1]);
        let mut v: Vec<f64> = (0..4).map(|i| householder(i, 0)).collect();
        assert_eq!(leading_eigenpair(&a, 4, &mut v), None);
        // the same in the loop: two uncorrelated blocks of equicorrelated items whose leading
        // eigenvalues differ by 1e-9 at the start; the first iteration decomposes in full and
        // picks one block, after which the gap is wide and the fast path takes over
        let p = 6;
        let mut r = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                r[i * p + j] = if i == j {
                    1.0
                } else if i < 3 && j < 3 {
                    0.5
                } else if i >= 3 && j >= 3 {
                    0.5 + 1e-9
                } else {
                    0.0
                };
            }
        }
        let (values, _) = symmetric_eigen(&r, p);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        assert!(sorted[p - 1] - sorted[p - 2] < 1e-8);
        let mut start = vec![0.0; p];
        let e = full_leading_eigenpair(&r, p, &mut start).unwrap();
        let mut v = start.clone();
        assert_eq!(leading_eigenpair(&r, p, &mut v), None, "{e}");
        let (full, warm, _) = same_as_full(&r, p);
        assert_eq!(full, warm);
    }

    /// A (non positive semi-definite) input whose reduced matrix has a negative eigenvalue
    /// larger in magnitude than the leading one: the fit takes the largest algebraic one.
    #[test]
    fn large_negative_eigenvalue_is_not_taken_for_the_leading_one() {
        let upper = [
            -0.91, -0.74, -0.71, -0.26, -0.83, -0.82, -0.49, -0.65, -0.77, -0.71,
        ];
        let p = 5;
        let mut r = vec![1.0; p * p];
        let mut k = 0;
        for i in 0..p {
            for j in (i + 1)..p {
                r[i * p + j] = upper[k];
                r[j * p + i] = upper[k];
                k += 1;
            }
        }
        let (values, _) = symmetric_eigen(&r, p);
        assert!(values.iter().any(|&v| v < -1.0));
        same_as_full(&r, p);
    }

    /// Element (i, j) of the Householder reflection I − 2uuᵀ/uᵀu, u = (1, 2, 3, 4).
    fn householder(i: usize, j: usize) -> f64 {
        let u = [1.0, 2.0, 3.0, 4.0];
        f64::from(u8::from(i == j)) - 2.0 * u[i] * u[j] / 30.0
    }

    /// H·diag(d)·H: eigenvalues `d`, eigenvectors the columns of H.
    fn householder_matrix(d: &[f64; 4]) -> Vec<f64> {
        let mut a = vec![0.0; 16];
        for i in 0..4 {
            for j in 0..4 {
                a[i * 4 + j] = (0..4)
                    .map(|k| householder(i, k) * d[k] * householder(j, k))
                    .sum();
            }
        }
        a
    }

    /// The solver itself on H·diag(4, .3, .1, −5)·H, where the largest magnitude is not the
    /// largest algebraic eigenvalue, from a perturbed start: the full decomposition's pair.
    #[test]
    fn leading_eigenpair_takes_the_largest_algebraic_eigenvalue() {
        let p = 4;
        let a = householder_matrix(&[4.0, 0.3, 0.1, -5.0]);
        let mut v: Vec<f64> = (0..p)
            .map(|i| householder(i, 0) + 1e-3 * (i as f64 - 1.5))
            .collect();
        let e = leading_eigenpair(&a, p, &mut v).unwrap();
        assert!((e - 4.0).abs() < 1e-13, "{e}");
        let mut full = vec![0.0; p];
        let e_full = full_leading_eigenpair(&a, p, &mut full).unwrap();
        assert!((e - e_full).abs() < 1e-13);
        let dot: f64 = v.iter().zip(&full).map(|(a, b)| a * b).sum();
        for (x, y) in v.iter().zip(&full) {
            assert!((x - dot.signum() * y).abs() < 1e-13, "{x} vs {y}");
        }
        // the sign of the start is kept
        assert!(v[0] * householder(0, 0) > 0.0);
        // a start orthogonal to the leading eigenvector converges elsewhere: refused
        let mut w: Vec<f64> = (0..p).map(|i| householder(i, 1)).collect();
        assert_eq!(leading_eigenpair(&a, p, &mut w), None);
    }

    #[test]
    fn negative_item_is_flipped() {
        let r = [1.0, 0.5, -0.5, 0.5, 1.0, -0.5, -0.5, -0.5, 1.0];
        let o = omega_from_correlation(&r, 3).unwrap();
        assert_eq!(o.flipped, vec![false, false, true]);
        assert!(o.omega_total > 0.7);
    }
}
