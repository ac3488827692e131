//! Reporting totals and differences on their grid.
//!
//! Answers are marked on a grid (whole numbers on a Likert scale, tenths on a 10 cm visual
//! analogue line), so their totals and the differences between totals lie on that grid too.
//! Binary floating point does not: `36.1 − 27.7` is `8.400000000000002`. [`tidy`] returns the
//! shortest decimal (at most 9 places) within a relative `1e-12` of the value, which is the
//! grid value whenever the inputs were on a decimal grid; any other value (a prorated mean)
//! is returned unchanged up to that tolerance.

/// The shortest decimal with at most 9 places within a relative `1e-12` of `x`; `x` itself
/// when there is none (or when `x` is not finite or beyond `1e12`).
#[must_use]
pub(crate) fn tidy(x: f64) -> f64 {
    if !x.is_finite() || x.abs() > 1e12 {
        return x;
    }
    let tol = 1e-12 * x.abs().max(1.0);
    let mut scale = 1.0_f64;
    for _ in 0..=9 {
        let r = (x * scale).round() / scale;
        if (r - x).abs() <= tol {
            return if r == 0.0 { 0.0 } else { r };
        }
        scale *= 10.0;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn differences_land_on_the_decimal_grid() {
        assert_eq!(tidy(36.1 - 27.7), 8.4);
        assert_eq!(tidy(8.399_999_999_999_999), 8.4);
        assert_eq!(tidy(9.1 + 9.0 + 9.0 + 8.9), 36.0);
        assert_eq!(tidy(-0.0), 0.0);
        assert_eq!(tidy(20.0 / 6.0), 20.0 / 6.0); // not on a grid: unchanged
        assert_eq!(tidy(1.0 / 3.0), 1.0 / 3.0);
        assert!(tidy(f64::NAN).is_nan());
        assert_eq!(tidy(0.1 + 0.2), 0.3);
    }
}
