//! Small dense symmetric-matrix routines for p × p item matrices (p is the number of items, so
//! tens at most): the symmetric eigen-decomposition (cyclic Jacobi), an inverse through Cholesky
//! with a pseudo-inverse fallback, and the lower-triangle median and variance psych reports.
//! Matrices are row-major `Vec<f64>` of length `p * p`.

use crate::numeric::cholesky::Cholesky;

/// Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi method.
///
/// Returns `(values, vectors)` with `vectors[i * p + k]` the i-th element of the k-th
/// eigenvector (columns are eigenvectors). Accurate to a few ulps for the small, well-scaled
/// matrices used here.
pub(crate) fn symmetric_eigen(a: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut v = vec![0.0; p * p];
    for i in 0..p {
        v[i * p + i] = 1.0;
    }
    let norm2: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let mut off = 0.0;
        for i in 0..p {
            for j in (i + 1)..p {
                off += m[i * p + j] * m[i * p + j];
            }
        }
        // Stop once the off-diagonal mass is below rounding level (quadratic convergence
        // gets there in a handful of sweeps).
        if off <= 1e-34 * norm2 || !off.is_finite() {
            break;
        }
        for i in 0..p {
            for j in (i + 1)..p {
                let aij = m[i * p + j];
                if aij == 0.0 {
                    continue;
                }
                let aii = m[i * p + i];
                let ajj = m[j * p + j];
                let theta = (ajj - aii) / (2.0 * aij);
                let t = theta.signum() / (theta.abs() + theta.hypot(1.0));
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / t.hypot(1.0);
                let s = t * c;
                for k in 0..p {
                    let mki = m[k * p + i];
                    let mkj = m[k * p + j];
                    m[k * p + i] = c * mki - s * mkj;
                    m[k * p + j] = s * mki + c * mkj;
                }
                for k in 0..p {
                    let mik = m[i * p + k];
                    let mjk = m[j * p + k];
                    m[i * p + k] = c * mik - s * mjk;
                    m[j * p + k] = s * mik + c * mjk;
                }
                m[i * p + j] = 0.0;
                m[j * p + i] = 0.0;
                for k in 0..p {
                    let vki = v[k * p + i];
                    let vkj = v[k * p + j];
                    v[k * p + i] = c * vki - s * vkj;
                    v[k * p + j] = s * vki + c * vkj;
                }
            }
        }
    }
    let values = (0..p).map(|i| m[i * p + i]).collect();
    (values, v)
}

/// Residual tolerance of [`leading_eigenpair`], relative to ‖A‖_F: the rounding level of a
/// matrix-vector product of order p is about √p·ε·‖A‖, so `4·p·ε` is reached in a step or two
/// once the iteration has converged, and is below what the fixed-point loop resolves.
fn residual_tolerance(p: usize) -> f64 {
    4.0 * p as f64 * f64::EPSILON
}
/// Most power steps [`leading_eigenpair`] takes (each O(p²)); past this (or if the predicted
/// count exceeds it) the caller decomposes in full, which costs about as much as
/// a few hundred steps for the p of item matrices.
const MAX_POWER_STEPS: usize = 100;
/// The eigenvector is accepted only if the Davis–Kahan bound on its angle to the true leading
/// eigenvector, ‖r‖/δ, is below this (δ a proven lower bound on the gap, see
/// [`leading_eigenpair`]).
const MAX_ANGLE: f64 = 1e-13;

/// The leading (largest algebraic) eigenpair of a symmetric matrix by power iteration,
/// warm-started from `v`, for a caller that has a good approximation from a previous, nearby
/// matrix (the principal-axis loop of omega). On success returns the eigenvalue and leaves
/// the unit eigenvector in `v`, with the sign of the component along `v` kept; `None` when
/// the result cannot be guaranteed, and the caller then falls back to [`symmetric_eigen`].
///
/// # Method and guarantees
///
/// Power iteration (Golub, G. H. & Van Loan, C. F. (2013), *Matrix Computations*, 4th ed.,
/// Johns Hopkins, §8.2.1) on `A + cI`, stopped by the residual: for a unit `v`, Rayleigh
/// quotient `μ = vᵀAv` and residual `r = Av − μv`, some eigenvalue lies within ‖r‖ of μ
/// (*ibid.* §8.1.2), and if every *other* eigenvalue is at least δ away from μ, the angle
/// between `v` and that eigenvalue's eigenvector satisfies `sin θ ≤ ‖r‖/δ` (Davis, C. &
/// Kahan, W. M. (1970), The rotation of eigenvectors by a perturbation. III, *SIAM J. Numer.
/// Anal.* 7(1), 1–46). The iteration stops once ‖r‖ ≤ 4pε‖A‖_F (rounding level), not after a
/// fixed count.
///
/// The other eigenvalues are bounded without computing them: their sum is `tr A − λ` and the
/// sum of their squares `‖A‖_F² − λ²` (A is symmetric), so by Samuelson's inequality
/// (Samuelson, P. A. (1968), How deviant can you be?, *JASA* 63(324), 1522–1525) each of the
/// m = p − 1 lies within `√(m − 1)·σ` of their mean, σ their (population) standard deviation;
/// the bounds are widened for ‖r‖ (λ is known to within it) and for rounding. They serve
/// twice:
///
/// * the **shift** `c = −(lo + hi)/2` centres the interval [lo, hi] holding the other
///   eigenvalues on zero, so the largest *algebraic* eigenvalue dominates even when the most
///   negative one is larger in magnitude (a shift from a Gershgorin bound, making `A + cI`
///   positive semi-definite, would also do, with a slower rate); the convergence factor per
///   step is at most `(hi − lo)/(2μ − hi − lo)`, from which the number of steps is predicted;
/// * the **trust test**: the pair is accepted only if `δ = μ − ‖r‖ − hi > 0` (μ's eigenvalue
///   is then the largest, and simple) and `‖r‖/δ ≤ 1e-13`, with ‖r‖ taken as at least
///   √p·ε·‖A‖_F (the rounding of the product that measures it; so δ ≥ √p·2.2e-3·‖A‖_F, a
///   gap of a few per cent of ‖A‖_F for a dozen items). A near-degenerate leading pair, a
///   warm start orthogonal to the leading eigenvector, a predicted count above 100 steps or
///   no convergence within them all give `None`, so the result never depends on luck.
pub(crate) fn leading_eigenpair(a: &[f64], p: usize, v: &mut [f64]) -> Option<f64> {
    if p == 0 || a.len() != p * p || v.len() != p {
        return None;
    }
    let mut frob2 = 0.0;
    for x in a {
        frob2 += x * x;
    }
    let trace: f64 = (0..p).map(|i| a[i * p + i]).sum();
    let norm = frob2.sqrt();
    if !(norm.is_finite() && norm > 0.0 && trace.is_finite()) {
        return None;
    }
    let mut w = vec![0.0; p];
    let (mut mu, mut rho) = rayleigh(a, p, v, &mut w)?;
    let tol = residual_tolerance(p) * norm;
    let others = |mu: f64, rho: f64| other_eigenvalues(mu, rho, trace, frob2, p);
    if rho > tol {
        let (lo, hi) = others(mu, rho);
        if mu.partial_cmp(&hi) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let shift = -0.5 * (lo + hi);
        let rate = (hi - lo) / (2.0 * mu - hi - lo);
        // steps to bring the residual from rho to tol at the bound on the rate (a rate of 0
        // means an exactly rank-one problem: one step)
        let predicted = if rate > 0.0 {
            (tol / rho).ln() / rate.ln()
        } else {
            1.0
        };
        if predicted.is_nan() || predicted > MAX_POWER_STEPS as f64 {
            return None;
        }
        let mut steps = 0;
        while rho > tol {
            if steps == MAX_POWER_STEPS {
                return None;
            }
            steps += 1;
            for (vi, &wi) in v.iter_mut().zip(&w) {
                *vi = wi + shift * *vi;
            }
            (mu, rho) = rayleigh(a, p, v, &mut w)?;
        }
    }
    // the computed residual is itself known only to the rounding of a product, about √p·ε·‖A‖
    let rho = rho.max((p as f64).sqrt() * f64::EPSILON * norm);
    let (_, hi) = others(mu, rho);
    let gap = mu - rho - hi;
    (gap > 0.0 && rho <= MAX_ANGLE * gap).then_some(mu)
}

/// Normalises `v`, sets `w = Av` and returns the Rayleigh quotient `vᵀAv` and the residual
/// norm ‖Av − μv‖; `None` if `v` is zero or anything is not finite.
fn rayleigh(a: &[f64], p: usize, v: &mut [f64], w: &mut [f64]) -> Option<(f64, f64)> {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return None;
    }
    for x in v.iter_mut() {
        *x /= norm;
    }
    for (i, wi) in w.iter_mut().enumerate() {
        *wi = a[i * p..(i + 1) * p]
            .iter()
            .zip(v.iter())
            .map(|(x, y)| x * y)
            .sum();
    }
    let mu: f64 = v.iter().zip(w.iter()).map(|(x, y)| x * y).sum();
    let rho = v
        .iter()
        .zip(w.iter())
        .map(|(x, y)| (y - mu * x) * (y - mu * x))
        .sum::<f64>()
        .sqrt();
    (mu.is_finite() && rho.is_finite()).then_some((mu, rho))
}

/// An interval `(lo, hi)` holding every eigenvalue of a symmetric p × p matrix but the one
/// within `rho` of `mu`, from `trace` (Σλ) and `frob2` (‖A‖_F² = Σλ²) by Samuelson's
/// inequality (see [`leading_eigenpair`]), widened for `rho` and for rounding.
fn other_eigenvalues(mu: f64, rho: f64, trace: f64, frob2: f64, p: usize) -> (f64, f64) {
    if p < 2 {
        return (f64::INFINITY, f64::NEG_INFINITY);
    }
    let m = (p - 1) as f64;
    let sum = trace - mu;
    let mean = sum / m;
    let variance = (frob2 - mu * mu) / m - mean * mean;
    // λ = mu + e with |e| ≤ rho moves the sum by e and the sum of squares by 2·mu·e + e²;
    // the sums themselves carry a relative rounding error of about p²ε
    let slack = (2.0 * (mu.abs() + mean.abs()) * rho + 2.0 * rho * rho) / m
        + 4.0 * (p * p) as f64 * f64::EPSILON * (frob2 + sum * sum / m) / m;
    let half = ((m - 1.0) * (variance + slack).max(0.0)).sqrt()
        + rho / m
        + 4.0 * p as f64 * f64::EPSILON * (trace.abs() + mu.abs()) / m;
    (mean - half, mean + half)
}

/// Diagonal of the inverse of a symmetric matrix.
///
/// Uses a Cholesky factorisation when every eigenvalue exceeds psych's `Pinv` tolerance
/// (`sqrt(eps) * largest |eigenvalue|`), and otherwise the eigen-decomposition pseudo-inverse
/// with that tolerance, as psych's `Pinv` (the two agree on well-conditioned matrices). Returns `None` if the matrix has non-finite entries.
pub(crate) fn inverse_diagonal(a: &[f64], p: usize) -> Option<Vec<f64>> {
    if a.iter().any(|x| !x.is_finite()) {
        return None;
    }
    if let Some(d) = certainly_well_conditioned(a, p) {
        return Some(d);
    }
    let (values, vectors) = symmetric_eigen(a, p);
    let max_abs = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let tol = f64::EPSILON.sqrt() * max_abs;
    let well_conditioned = values.iter().all(|&v| v > tol);
    if well_conditioned && let Some(l) = Cholesky::factor(a, p) {
        return Some(l.inverse_diagonal());
    }
    let mut diag = vec![0.0; p];
    for (k, &lambda) in values.iter().enumerate() {
        if lambda.abs() > tol && lambda.abs() > 0.0 {
            for (i, d) in diag.iter_mut().enumerate() {
                let vik = vectors[i * p + k];
                *d += vik * vik / lambda;
            }
        }
    }
    Some(diag)
}

/// The Cholesky `diag(A⁻¹)` when a cheap bound proves what [`inverse_diagonal`] would
/// otherwise learn from a full eigen-decomposition (O(p³) per sweep, the cost that made item
/// statistics O(p⁴)): that every eigenvalue exceeds `sqrt(eps) · λ_max`. For a positive-definite
/// A, λ_max ≤ tr A and 1/λ_min ≤ Σ 1/λ_i = tr A⁻¹, so λ_min ≥ 1/tr A⁻¹; if that lower bound
/// clears the tolerance at the upper bound of λ_max with a margin of 4 for rounding, the
/// decomposition would pick the Cholesky branch, and its result is returned as is (the same
/// bits). `None` when the bound does not decide (near-singular matrices) or the factorisation
/// fails: the caller then decomposes as before.
fn certainly_well_conditioned(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let l = Cholesky::factor(a, p)?;
    let d = l.inverse_diagonal();
    let trace: f64 = (0..p).map(|i| a[i * p + i]).sum();
    let trace_inv: f64 = d.iter().sum();
    let decided = d.iter().all(|&x| x.is_finite() && x > 0.0)
        && trace.is_finite()
        && trace > 0.0
        && trace_inv.is_finite()
        && 1.0 / trace_inv > 4.0 * f64::EPSILON.sqrt() * trace;
    decided.then_some(d)
}

/// Squared multiple correlations as psych's `smc`: `1 - 1/diag(R^-1)`, clamped to [0, 1].
pub(crate) fn smc(r: &[f64], p: usize) -> Option<Vec<f64>> {
    let d = inverse_diagonal(r, p)?;
    Some(
        d.into_iter()
            .map(|x| {
                let s = if x == 0.0 { 1.0 } else { 1.0 - 1.0 / x };
                s.clamp(0.0, 1.0)
            })
            .collect(),
    )
}

/// Median of a slice (R's `median`: mean of the two middle values for an even count).
pub(crate) fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        xs[n / 2]
    } else {
        f64::midpoint(xs[n / 2 - 1], xs[n / 2])
    }
}

/// The strictly lower triangle of a p × p matrix, in R's column-major `lower.tri` order.
pub(crate) fn lower_triangle(m: &[f64], p: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(p * p.saturating_sub(1) / 2);
    for j in 0..p {
        for i in (j + 1)..p {
            out.push(m[i * p + j]);
        }
    }
    out
}

/// The p − 1 × p − 1 matrix without row and column `drop`.
pub(crate) fn without(m: &[f64], p: usize, drop: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity((p - 1) * (p - 1));
    for i in (0..p).filter(|&i| i != drop) {
        for j in (0..p).filter(|&j| j != drop) {
            out.push(m[i * p + j]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_of_known_matrix() {
        // eigen(matrix(c(2,1,1,2),2)) = 3, 1
        let (mut vals, _) = symmetric_eigen(&[2.0, 1.0, 1.0, 2.0], 2);
        vals.sort_by(f64::total_cmp);
        assert!((vals[0] - 1.0).abs() < 1e-14 && (vals[1] - 3.0).abs() < 1e-14);
    }

    #[test]
    fn inverse_diagonal_cholesky_and_pinv_agree() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let chol = inverse_diagonal(&a, 3).unwrap();
        // diag(solve(a)) in R / numpy
        let expected = [0.279943635509629, 0.364020666979803, 0.516674495068107];
        for (c, e) in chol.iter().zip(expected) {
            assert!((c - e).abs() < 1e-13, "{c} vs {e}");
        }
        // a singular matrix goes through the pseudo-inverse without failing
        let s = [1.0, 1.0, 1.0, 1.0];
        let d = inverse_diagonal(&s, 2).unwrap();
        assert!((d[0] - 0.25).abs() < 1e-14);
    }

    #[test]
    fn median_matches_r() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
