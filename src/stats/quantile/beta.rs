//! The regularised incomplete beta function `I_x(a, b)`, both tails in log space, as a
//! function of the log-odds `w = ln(x / (1 − x))`, so that `x` and `1 − x` are both known to
//! full relative accuracy however close to 0 or 1 they are.
//!
//! Methods (after DiDonato & Morris 1992, "Algorithm 708: significant digit computation of
//! the incomplete beta function ratios", ACM TOMS 18(3), 360–373):
//! - the prefactor `x^a y^b / B(a, b)` as in their `brcomp`, through Stirling remainders and
//!   deviances (no `lnΓ` of large arguments; see [`super::special`]);
//! - the continued fraction of Didonato & Morris' `bfrac` (the classical one, DLMF 8.17.22),
//!   evaluated by the modified Lentz method (Numerical Recipes §6.4), on the side of the mean
//!   where it converges, the other tail by symmetry `I_x(a, b) = 1 − I_y(b, a)`;
//! - their power series `bpser` (DLMF 8.17.7 rearranged) for the complementary tail when that
//!   tail is small and its second shape is at most 1, so that it is not taken as `1 − (≈1)`.

use super::DistError;
use super::gamma;
use super::special::{LN_SQRT_2PI, deviance, ln_1m_exp, stirling_remainder};

/// Iteration limit of the continued fraction: it needs about `√min(a, b)` steps near the
/// mean, about 1e6 at shapes of 5e11; past that (both shapes above about 1e12) the function
/// reports [`DistError::NotConverged`] after a few milliseconds instead of running on.
const CF_MAX: usize = 3_000_000;
/// Iteration limit of the power series (it converges at least like `x^n / n`).
const SERIES_MAX: usize = 1_000_000;

/// Logs of `x` and `1 − x` from the log-odds `w`.
pub(super) fn ln_x_y(w: f64) -> (f64, f64) {
    if w >= 0.0 {
        let e = (-w).exp();
        (-e.ln_1p(), -w - e.ln_1p())
    } else {
        let e = w.exp();
        (w - e.ln_1p(), -e.ln_1p())
    }
}

/// The two tails of the beta distribution at log-odds `w`.
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_field_names)]
pub(super) struct BetaTails {
    /// `ln I_x(a, b)`.
    pub(super) ln_lower: f64,
    /// `ln I_y(b, a)`.
    pub(super) ln_upper: f64,
    /// `ln (x^a y^b / B(a, b))`, the derivative of `I_x(a, b)` with respect to `w`.
    pub(super) ln_dens: f64,
}

/// `ln(x^a y^b / B(a, b))`.
fn ln_prefactor(a: f64, b: f64, ln_x: f64, ln_y: f64) -> f64 {
    let ab = a + b;
    let (x, y) = (ln_x.exp(), ln_y.exp());
    // x/x0 - 1 with x0 = a/(a+b), and y/y0 - 1, from d = x b - a y (x + y = 1)
    let d = x * b - a * y;
    let ln_ab = ab.ln();
    let u = d / a;
    let v = -d / b;
    let dev = a * deviance(u, ln_x + ln_ab - a.ln()) + b * deviance(v, ln_y + ln_ab - b.ln());
    0.5 * (a.ln() + b.ln() - ln_ab) - LN_SQRT_2PI + stirling_remainder(ab)
        - stirling_remainder(a)
        - stirling_remainder(b)
        - dev
}

/// The continued fraction `I_x(a, b) · a / prefactor` (modified Lentz), for
/// `x ≤ (a + 1) / (a + b + 2)`.
fn continued_fraction(a: f64, b: f64, x: f64, y: f64) -> Result<f64, DistError> {
    const TINY: f64 = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    // 1 − (a + b) x / (a + 1), formed without cancellation when x is close to 1
    let mut d = (1.0 + a * y - b * x) / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=CF_MAX {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
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
    Err(DistError::NotConverged {
        what: "incomplete beta continued fraction",
        iterations: CF_MAX,
    })
}

/// `ln I_x(a, b)` by the power series, for `b ≤ 1` (all terms positive).
fn ln_power_series(a: f64, b: f64, ln_x: f64, ln_y: f64, ln_pref: f64) -> Option<f64> {
    let x = ln_x.exp();
    let mut c = 1.0;
    let mut sum = 0.0;
    for j in 1..=SERIES_MAX {
        let j = j as f64;
        c *= (j - b) / j * x;
        let term = c / (a + j);
        sum += term;
        if term <= 1e-17 * sum {
            // I = x^a / (a B) (1 + a Σ) and x^a / B = prefactor / y^b
            return Some(ln_pref - b * ln_y - a.ln() + (a * sum).ln_1p());
        }
    }
    None
}

/// `lnΓ(b + s) − lnΓ(b) − s ln ν` with `ν = b + (s − 1)/2`, for `b ≫ s`, without forming
/// `lnΓ(b)` (Stirling remainders and the deviance, as in [`ln_prefactor`]).
fn ln_gamma_ratio(b: f64, s: f64, nu: f64) -> f64 {
    // lnΓ(b) − lnΓ(b + s) = b φ(s/b) + ½ ln(1 + s/b) − s ln(b + s) + δ(b) − δ(b + s)
    let r = s / b;
    let down = b * deviance(r, r.ln_1p()) + 0.5 * r.ln_1p() - s * (b + s).ln()
        + stirling_remainder(b)
        - stirling_remainder(b + s);
    -down - s * nu.ln()
}

/// `ln P(X > x)` for `X ~ Beta(s, b)` with `b ≫ s` and `x` not close to 1, by Temme's
/// expansion in incomplete gamma functions (Temme 1996, "Special functions", §11.3.3;
/// DiDonato & Morris 1992, `bgrat`): with `ν = b + (s − 1)/2`, `τ₀ = −ln(1 − x)` and
/// `(sinh(τ/2) / (τ/2))^{s−1} = Σ dₙ τ^{2n}`,
/// `P(X > x) = Γ(b + s) / (Γ(b) ν^s) · Σ dₙ (s)_{2n} ν^{−2n} Q(s + 2n, ν τ₀)`.
/// `None` when the terms do not fall below 1e-17 of the sum within 30 terms.
fn ln_upper_large_b(s: f64, b: f64, ln_y: f64) -> Option<f64> {
    const TERMS: usize = 30;
    // B_{2k} / (2k (2k)!) : the coefficients of ln(sinh(τ/2)/(τ/2)) in τ^{2k}
    const L: [f64; 6] = [
        1.0 / 24.0,
        -1.0 / 2880.0,
        1.0 / 181_440.0,
        -1.0 / 9_676_800.0,
        5.0 / 2_395_008_000.0,
        -691.0 / 2730.0 / 12.0 / 479_001_600.0,
    ];
    let nu = b + 0.5 * (s - 1.0);
    let tau0 = -ln_y;
    let z = nu * tau0;
    if z.is_nan() || z <= 0.0 || z.is_infinite() {
        return None;
    }
    let ln_z = z.ln();
    let q0 = gamma::tails(s, ln_z).ok()?.ln_upper;
    if q0 == f64::NEG_INFINITY {
        return None;
    }
    // d_n of exp((s − 1) Σ l_k T^k), T = τ²: n d_n = Σ_k k g_k d_{n−k}
    let mut d = [0.0f64; TERMS];
    d[0] = 1.0;
    let mut sum = 1.0;
    let mut coef = 1.0; // (s)_{2n} ν^{−2n}
    for n in 1..TERMS {
        let mut acc = 0.0;
        for k in 1..=n.min(L.len()) {
            acc += k as f64 * (s - 1.0) * L[k - 1] * d[n - k];
        }
        d[n] = acc / n as f64;
        let m = (2 * n) as f64;
        coef *= (s + m - 2.0) * (s + m - 1.0) / (nu * nu);
        let qn = gamma::tails(s + m, ln_z).ok()?.ln_upper;
        let term = d[n] * coef * (qn - q0).exp();
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() {
            if sum <= 0.0 {
                return None;
            }
            return Some(ln_gamma_ratio(b, s, nu) + q0 + sum.ln());
        }
        if n > L.len() && d[n] == 0.0 {
            break;
        }
    }
    None
}

/// Whether Temme's large-`b` expansion applies to `X ~ Beta(s, b)` at `x` (`ln(1 − x)` given).
fn large_b(s: f64, b: f64, ln_y: f64) -> bool {
    b >= 1e4 * s.max(1.0) && ln_y > -1.0 && (s - 1.0).abs() * ln_y * ln_y <= 0.5
}

/// Both tails of the beta distribution with shapes `a, b` at log-odds `w`.
pub(super) fn tails(a: f64, b: f64, w: f64) -> Result<BetaTails, DistError> {
    let (ln_x, ln_y) = ln_x_y(w);
    let ln_dens = ln_prefactor(a, b, ln_x, ln_y);
    if ln_dens == f64::NEG_INFINITY || ln_dens.is_nan() {
        // so far out that the density underflows even in logs: one tail is 0
        let lower_side = w < (a / b).ln();
        return Ok(if lower_side {
            BetaTails {
                ln_lower: f64::NEG_INFINITY,
                ln_upper: 0.0,
                ln_dens: f64::NEG_INFINITY,
            }
        } else {
            BetaTails {
                ln_lower: 0.0,
                ln_upper: f64::NEG_INFINITY,
                ln_dens: f64::NEG_INFINITY,
            }
        });
    }
    let x = ln_x.exp();
    // The continued fraction is evaluated on the side of the switch point where it converges;
    // when its argument is then close to 1 (a huge first shape), Temme's expansion replaces it.
    let (ln_lower, ln_upper) = if x <= (a + 1.0) / (a + b + 2.0) {
        let lo = match large_b(b, a, ln_x).then(|| ln_upper_large_b(b, a, ln_x)) {
            // X ≤ x ⇔ 1 − X ≥ 1 − x, and 1 − X ~ Beta(b, a) with a ≫ b
            Some(Some(v)) => v,
            _ => ln_dens + continued_fraction(a, b, x, ln_y.exp())?.ln() - a.ln(),
        };
        let mut up = ln_1m_exp(lo.min(0.0));
        if lo > (0.9f64).ln()
            && a <= 1.0
            && let Some(s) = ln_power_series(b, a, ln_y, ln_x, ln_dens)
        {
            up = s;
        }
        (lo.min(0.0), up)
    } else {
        let y = ln_y.exp();
        let up = match large_b(a, b, ln_y).then(|| ln_upper_large_b(a, b, ln_y)) {
            Some(Some(v)) => v,
            _ => ln_dens + continued_fraction(b, a, y, x)?.ln() - b.ln(),
        };
        let mut lo = ln_1m_exp(up.min(0.0));
        if up > (0.9f64).ln()
            && b <= 1.0
            && let Some(s) = ln_power_series(a, b, ln_x, ln_y, ln_dens)
        {
            lo = s;
        }
        (lo, up.min(0.0))
    };
    Ok(BetaTails {
        ln_lower,
        ln_upper,
        ln_dens,
    })
}
