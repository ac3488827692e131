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
