//! Numerically careful sums and moments (Neumaier 1974 compensated summation).

/// Neumaier's compensated sum: exact to within one rounding for any ordering of terms,
/// where a naive sum can lose digits when magnitudes differ.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    /// An empty sum.
    pub(crate) const fn new() -> Self {
        Self {
            sum: 0.0,
            compensation: 0.0,
        }
    }

    /// Adds one term.
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The compensated total.
    pub(crate) fn total(self) -> f64 {
        self.sum + self.compensation
    }
}

/// Compensated sum of a slice.
pub(crate) fn sum(xs: &[f64]) -> f64 {
    let mut s = CompensatedSum::new();
    for &x in xs {
        s.add(x);
    }
    s.total()
}

/// Two-pass mean and sample variance (`n - 1` denominator, as R's `var`).
///
/// Returns `None` for fewer than two values.
pub(crate) fn mean_var(xs: &[f64]) -> Option<(f64, f64)> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let mean = sum(xs) / n as f64;
    let mut ss = CompensatedSum::new();
    for &x in xs {
        let d = x - mean;
        ss.add(d * d);
    }
    Some((mean, ss.total() / (n - 1) as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_recovers_lost_digits() {
        let xs = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(&xs), 2.0);
    }

    #[test]
    fn mean_var_matches_r() {
        // var(c(2, 4, 4, 4, 5, 5, 7, 9)) = 4.571428571428571
        let (m, v) = mean_var(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(m, 5.0);
        assert!((v - 4.571_428_571_428_571).abs() < 1e-15);
        assert!(mean_var(&[1.0]).is_none());
    }
}
