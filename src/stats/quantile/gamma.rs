//! The regularised incomplete gamma functions `P(a, x)` and `Q(a, x)`, both in log space, as
//! functions of `z = ln x`.
//!
//! Methods: the prefactor `x^a e^{-x} / Γ(a + 1)` through Stirling's remainder and the
//! deviance (Loader 2000; R's `dpois_raw`), so no `lnΓ` of a large argument is formed; the
//! series `P = prefactor · Σ x^n / ((a+1)…(a+n))` below `x = a + 1` (DLMF 8.7.1), Legendre's
//! continued fraction for `Q` above it (DLMF 8.9.2, modified Lentz; Numerical Recipes §6.2),
//! and for `a < 1, x < 1` the small-`a` form
//! `Q = −expm1(a ln x − lnΓ(1 + a)) − x^a/Γ(1+a) · a Σ_{n≥1} (−x)^n / (n! (a + n))`
//! (Temme 1994; Gautschi 1979, ACM TOMS 5, 466–481), which keeps `Q` exact where `P ≈ 1`.

use super::DistError;
use super::special::{LN_SQRT_2PI, deviance, ln_1m_exp, ln_gamma_1p, stirling_remainder};

/// Iteration limit of the series and the continued fraction (each needs about `√a` terms
/// near the mean, 1e6 at a shape of 5e11).
const MAX_TERMS: usize = 40_000_000;

/// The two tails of the gamma distribution at `z = ln x`.
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_field_names)]
pub(super) struct GammaTails {
    /// `ln P(a, x)`.
    pub(super) ln_lower: f64,
    /// `ln Q(a, x)`.
    pub(super) ln_upper: f64,
    /// `ln (x^a e^{-x} / Γ(a))`, the derivative of `P` with respect to `z`.
    pub(super) ln_dens: f64,
}

fn not_converged(what: &'static str) -> DistError {
    DistError::NotConverged {
        what,
        iterations: MAX_TERMS,
    }
}

/// `ln (x^a e^{-x} / Γ(a + 1))`.
fn ln_prefactor(a: f64, z: f64) -> f64 {
    let x = z.exp();
    let u = (x - a) / a;
    -a * deviance(u, z - a.ln()) - 0.5 * a.ln() - LN_SQRT_2PI - stirling_remainder(a)
}

/// `Σ x^n / ((a+1)…(a+n))`.
fn series(a: f64, x: f64) -> Result<f64, DistError> {
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut ap = a;
    for _ in 0..MAX_TERMS {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if term <= 1e-17 * sum {
            return Ok(sum);
        }
    }
    Err(not_converged("incomplete gamma series"))
}

/// Legendre's continued fraction: `Q(a, x) = prefactor · a · cf`.
fn continued_fraction(a: f64, x: f64) -> Result<f64, DistError> {
    const TINY: f64 = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_TERMS {
        let i = i as f64;
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() <= 1e-16 {
            return Ok(h);
        }
    }
    Err(not_converged("incomplete gamma continued fraction"))
}

/// `ln Q(a, x)` for `a < 1`, `x < 1` (Gautschi's small-`a` form).
fn ln_upper_small(a: f64, z: f64) -> f64 {
    let x = z.exp();
    // Σ_{n≥1} (−x)^n / (n! (a + n))
    let mut term = 1.0;
    let mut sum = 0.0;
    for n in 1..200 {
        let n = f64::from(n);
        term *= -x / n;
        let add = term / (a + n);
        sum += add;
        if add.abs() <= 1e-17 * sum.abs() {
            break;
        }
    }
    let e = a * z - ln_gamma_1p(a);
    // 1 − x^a/Γ(1+a) − x^a/Γ(1+a) · a · sum
    let q = -e.exp_m1() - e.exp() * a * sum;
    q.ln()
}

/// Both tails of the gamma distribution with shape `a` at `z = ln x`.
pub(super) fn tails(a: f64, z: f64) -> Result<GammaTails, DistError> {
    let ln_pref = ln_prefactor(a, z);
    let ln_dens = ln_pref + a.ln();
    if ln_pref == f64::NEG_INFINITY || ln_pref.is_nan() {
        let lower_side = z < a.ln();
        return Ok(GammaTails {
            ln_lower: if lower_side { f64::NEG_INFINITY } else { 0.0 },
            ln_upper: if lower_side { 0.0 } else { f64::NEG_INFINITY },
            ln_dens: f64::NEG_INFINITY,
        });
    }
    let x = z.exp();
    let (ln_lower, ln_upper) = if a < 1.0 && x < 1.0 {
        let lo = ln_pref + series(a, x)?.ln();
        (lo.min(0.0), ln_upper_small(a, z))
    } else if x < a + 1.0 {
        let lo = (ln_pref + series(a, x)?.ln()).min(0.0);
        (lo, ln_1m_exp(lo))
    } else {
        let up = (ln_pref + a.ln() + continued_fraction(a, x)?.ln()).min(0.0);
        (ln_1m_exp(up), up)
    };
    Ok(GammaTails {
        ln_lower,
        ln_upper,
        ln_dens,
    })
}
