//! Cholesky factorisation `A = L Lᵀ` of a small dense symmetric positive-definite matrix
//! (Golub & Van Loan, *Matrix Computations*, 4th ed. 2013, algorithm 4.2.1, row-oriented),
//! with the triangular solves and the diagonal of `A⁻¹` the statistics need.

/// The lower Cholesky factor `L` of a `p × p` matrix, row-major.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cholesky {
    l: Vec<f64>,
    p: usize,
}

impl Cholesky {
    /// Factors the lower triangle of the `p × p` row-major matrix `a`; `None` when it is not
    /// numerically positive definite (a pivot that is not finite or not above
    /// `1e-13 · |a_jj|`).
    pub(crate) fn factor(a: &[f64], p: usize) -> Option<Self> {
        let mut l = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..=i {
                let mut s = a[i * p + j];
                for k in 0..j {
                    s -= l[i * p + k] * l[j * p + k];
                }
                if i == j {
                    if !s.is_finite() || s <= 1e-13 * a[i * p + i].abs().max(f64::MIN_POSITIVE) {
                        return None;
                    }
                    l[i * p + i] = s.sqrt();
                } else {
                    l[i * p + j] = s / l[j * p + j];
                }
            }
        }
        Some(Self { l, p })
    }

    /// The `j`-th diagonal element of `L`.
    pub(crate) fn diag(&self, j: usize) -> f64 {
        self.l[j * self.p + j]
    }

    /// `ln det A = 2 Σ ln L_jj`.
    pub(crate) fn ln_det(&self) -> f64 {
        2.0 * (0..self.p).map(|j| self.diag(j).ln()).sum::<f64>()
    }

    /// Solves `L z = b` into `z`.
    pub(crate) fn forward(&self, b: &[f64], z: &mut [f64]) {
        let (l, p) = (&self.l, self.p);
        for i in 0..p {
            let mut s = b[i];
            for k in 0..i {
                s -= l[i * p + k] * z[k];
            }
            z[i] = s / l[i * p + i];
        }
    }

    /// Solves `L Lᵀ x = b`.
    pub(crate) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (l, p) = (&self.l, self.p);
        let mut z = vec![0.0; p];
        self.forward(b, &mut z);
        let mut x = vec![0.0; p];
        for i in (0..p).rev() {
            let mut s = z[i];
            for k in i + 1..p {
                s -= l[k * p + i] * x[k];
            }
            x[i] = s / l[i * p + i];
        }
        x
    }

    /// `diag(A⁻¹)`: since `A⁻¹ = L⁻ᵀ L⁻¹`, element `i` is the sum of squares of column `i` of
    /// `L⁻¹`, found by solving `L z = e_i`.
    pub(crate) fn inverse_diagonal(&self) -> Vec<f64> {
        let p = self.p;
        let mut unit = vec![0.0; p];
        let mut z = vec![0.0; p];
        (0..p)
            .map(|i| {
                unit.fill(0.0);
                unit[i] = 1.0;
                self.forward(&unit, &mut z);
                z.iter().map(|x| x * x).sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_and_rejects_indefinite() {
        let a = [4.0, 0.0, 2.0, 3.0];
        let l = Cholesky::factor(&a, 2).unwrap();
        let x = l.solve(&[2.0, 1.0]);
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-15);
        assert!((2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-15);
        assert!(Cholesky::factor(&[1.0, 0.0, 2.0, 4.0], 2).is_none());
        assert!(Cholesky::factor(&[f64::NAN], 1).is_none());
    }

    #[test]
    fn inverse_diagonal_matches_r() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let d = Cholesky::factor(&a, 3).unwrap().inverse_diagonal();
        // diag(solve(a)) in R / numpy
        let expected = [0.279943635509629, 0.364020666979803, 0.516674495068107];
        for (c, e) in d.iter().zip(expected) {
            assert!((c - e).abs() < 1e-13, "{c} vs {e}");
        }
    }
}
