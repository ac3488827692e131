//! Exact quantiles and distribution functions of the normal, gamma (χ²), beta, F and Student t
//! distributions, in log space, with bounded iterations.
//!
//! statrs 0.19's quantiles lose accuracy for large degrees of freedom and small tail
//! probabilities (its F quantile is off by 1e-4 relative at `df2 = 1e6`) and can panic or hang
//! on extreme arguments. This module replaces them. It is private: the rest of the crate calls
//! it through `stats::dist`, which validates arguments and maps [`DistError`] to the crate's
//! error type.
//!
//! # Method
//! Every quantile is found by safeguarded Newton iteration on the log of the smaller tail, in
//! a variable on the whole real line (`ln x` for the gamma, the log-odds `ln(x / (1 − x))` for
//! the beta family), so that results from about 1e-300 to 1e300 keep full relative accuracy.
//! The log-tail is concave in these variables (the densities of `ln X` and `logit X` are
//! log-concave), so Newton's method converges monotonically from any start after its first
//! step; a bracket with bisection guards the rest. The iteration count is bounded (see
//! [`MAX_NEWTON`]); failing that, the result is [`DistError::NotConverged`], never a hang.
//!
//! - normal: Wichura (1988), AS 241 ([`normal`]);
//! - gamma / χ²: incomplete gamma ([`gamma`]); start by Wilson & Hilferty (1931);
//! - beta / F / t: incomplete beta ([`beta`]); `t² ~ F(1, ν)`; start by the normal
//!   approximation of the log-odds.
//!
//! R's `qf` replaces the F quantile by `qchisq(p, df1) / df1` when `df2 > 4e5` (R 4.2
//! `nmath/qf.c`), which is off by up to 5e-4 relative at `df1 = 1e5, df2 = 1e6`; this module does
//! not, and its goldens for that region come from R's `qbeta`, as the formula R uses for
//! smaller `df2`.

mod beta;
mod gamma;
mod normal;
mod special;

/// Limit on the Newton/bisection steps of one quantile.
pub(crate) const MAX_NEWTON: usize = 200;

/// Why a distribution function could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub(crate) enum DistError {
    /// A probability outside `[0, 1]` (or a log-probability above 0), or NaN.
    Probability(f64),
    /// A shape or degrees-of-freedom parameter that is not a finite positive number.
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A series, continued fraction or root search hit its iteration limit.
    NotConverged {
        /// Which part.
        what: &'static str,
        /// The limit.
        iterations: usize,
    },
}

/// A probability given as either tail, possibly as a log, with both tails known accurately.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Prob {
    ln_lower: f64,
    ln_upper: f64,
    /// The smaller tail's value as given (full precision even near 0.5).
    small: f64,
}

impl Prob {
    /// `p` as R takes it: the lower tail unless `lower_tail` is false, a log if `log_p`.
    pub(crate) fn new(p: f64, lower_tail: bool, log_p: bool) -> Result<Self, DistError> {
        let (ln_p, ln_q, raw) = if log_p {
            if p.is_nan() || p > 0.0 {
                return Err(DistError::Probability(p));
            }
            (p, special::ln_1m_exp(p), None)
        } else {
            if !(0.0..=1.0).contains(&p) {
                return Err(DistError::Probability(p));
            }
            (p.ln(), (-p).ln_1p(), Some(p))
        };
        let (ln_lower, ln_upper) = if lower_tail {
            (ln_p, ln_q)
        } else {
            (ln_q, ln_p)
        };
        let small = match raw {
            Some(p) if p <= 0.5 => p,
            Some(p) => 1.0 - p,
            None => ln_p.min(ln_q).exp(),
        };
        Ok(Self {
            ln_lower,
            ln_upper,
            small,
        })
    }

    /// A lower-tail probability `p`.
    pub(crate) fn lower(p: f64) -> Result<Self, DistError> {
        Self::new(p, true, false)
    }

    pub(super) fn ln_lower(self) -> f64 {
        self.ln_lower
    }

    pub(super) fn ln_upper(self) -> f64 {
        self.ln_upper
    }

    fn lower_is_smaller(self) -> bool {
        self.ln_lower <= self.ln_upper
    }
}

fn check_shape(name: &'static str, v: f64) -> Result<f64, DistError> {
    if (1e-100..=1e100).contains(&v) {
        Ok(v)
    } else {
        Err(DistError::Parameter { name, value: v })
    }
}

/// Finds `z` with `lower(z) = p` where `eval(z) = (ln lower, ln upper, ln d lower / dz)`.
fn solve<F>(p: Prob, z0: f64, mut eval: F) -> Result<f64, DistError>
where
    F: FnMut(f64) -> Result<(f64, f64, f64), DistError>,
{
    let (tl, tu) = (p.ln_lower, p.ln_upper);
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut z = z0;
    let mut last_step = f64::INFINITY;
    for _ in 0..MAX_NEWTON {
        let (l, u, dens) = eval(z)?;
        // h > 0 ⇔ z lies above the root; taken on the smaller tail for accuracy
        let (h, slope) = if l <= u {
            (l - tl, (dens - l).exp())
        } else {
            (tu - u, (dens - u).exp())
        };
        if h == 0.0 {
            return Ok(z);
        }
        if h < 0.0 {
            lo = z;
        } else {
            hi = z;
        }
        let scale = z.abs().max(1.0);
        let step = -h / slope;
        if step.is_finite() && step.abs() <= 2.0 * f64::EPSILON * scale {
            // the Newton correction is below the resolution of z: converged
            return Ok(z + step);
        }
        let newton = if step.is_finite() {
            z + step
        } else {
            // the density underflowed: expand towards the root
            z + if h < 0.0 { 1.0 } else { -1.0 } * z.abs().max(2.0)
        };
        let bracketed = lo.is_finite() && hi.is_finite();
        if bracketed && (newton <= lo || newton >= hi) {
            if hi - lo <= 4.0 * f64::EPSILON * scale {
                return Ok(0.5 * (lo + hi));
            }
            z = 0.5 * (lo + hi);
            continue;
        }
        let size = (newton - z).abs();
        // Newton steps that stop shrinking have reached the noise of the tail function
        if size <= 1e-12 * scale && size >= 0.5 * last_step {
            return Ok(newton);
        }
        last_step = size;
        z = newton;
    }
    Err(DistError::NotConverged {
        what: "quantile search",
        iterations: MAX_NEWTON,
    })
}

/// `qnorm(p)`.
pub(crate) fn qnorm(p: Prob) -> f64 {
    normal::quantile(p)
}

/// `pgamma(x, a)` as `(ln P, ln Q)`, for `x ≥ 0`.
pub(crate) fn pgamma_ln(x: f64, a: f64) -> Result<(f64, f64), DistError> {
    let a = check_shape("shape", a)?;
    if x.is_nan() {
        return Err(DistError::Parameter {
            name: "x",
            value: x,
        });
    }
    if x <= 0.0 {
        return Ok((f64::NEG_INFINITY, 0.0));
    }
    if x == f64::INFINITY {
        return Ok((0.0, f64::NEG_INFINITY));
    }
    let t = gamma::tails(a, x.ln())?;
    Ok((t.ln_lower, t.ln_upper))
}

/// `qgamma(p, a)` (scale 1).
pub(crate) fn qgamma(p: Prob, a: f64) -> Result<f64, DistError> {
    let a = check_shape("shape", a)?;
    if p.ln_lower == f64::NEG_INFINITY {
        return Ok(0.0);
    }
    if p.ln_upper == f64::NEG_INFINITY {
        return Ok(f64::INFINITY);
    }
    // Wilson & Hilferty (1931) start; the small-x tail P ≈ x^a / Γ(a + 1) where it fails
    let zq = qnorm(p);
    let c = 1.0 / (9.0 * a);
    let wh = a * (1.0 - c + zq * c.sqrt()).powi(3);
    let z0 = if wh > 0.0 && (a >= 1.0 || !p.lower_is_smaller()) {
        wh.ln()
    } else {
        (p.ln_lower + special::ln_gamma_1p(a)) / a
    };
    let z = solve(p, z0, |z| {
        let t = gamma::tails(a, z)?;
        Ok((t.ln_lower, t.ln_upper, t.ln_dens))
    })?;
    Ok(z.exp())
}

/// `qchisq(p, df)`.
pub(crate) fn qchisq(p: Prob, df: f64) -> Result<f64, DistError> {
    let df = check_shape("df", df)?;
    Ok(2.0 * qgamma(p, 0.5 * df)?)
}

/// `pbeta` as `(ln I_x(a, b), ln I_{1−x}(b, a))` at the log-odds `w = ln(x / (1 − x))`.
pub(crate) fn pbeta_ln_odds(w: f64, a: f64, b: f64) -> Result<(f64, f64), DistError> {
    let a = check_shape("shape1", a)?;
    let b = check_shape("shape2", b)?;
    if w.is_nan() {
        return Err(DistError::Parameter {
            name: "x",
            value: w,
        });
    }
    if w == f64::NEG_INFINITY {
        return Ok((f64::NEG_INFINITY, 0.0));
    }
    if w == f64::INFINITY {
        return Ok((0.0, f64::NEG_INFINITY));
    }
    let t = beta::tails(a, b, w)?;
    Ok((t.ln_lower, t.ln_upper))
}

/// The log-odds `w` with `pbeta = p` (shapes already checked).
fn qbeta_ln_odds(p: Prob, a: f64, b: f64) -> Result<f64, DistError> {
    if p.ln_lower == f64::NEG_INFINITY {
        return Ok(f64::NEG_INFINITY);
    }
    if p.ln_upper == f64::NEG_INFINITY {
        return Ok(f64::INFINITY);
    }
    let zq = qnorm(p);
    let z0 = (a / b).ln() + zq * (1.0 / a + 1.0 / b).sqrt();
    solve(p, z0, |w| {
        let t = beta::tails(a, b, w)?;
        Ok((t.ln_lower, t.ln_upper, t.ln_dens))
    })
}

/// `qbeta(p, a, b)` (golden-tested; no caller in the crate needs a beta quantile yet).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn qbeta(p: Prob, a: f64, b: f64) -> Result<f64, DistError> {
    let a = check_shape("shape1", a)?;
    let b = check_shape("shape2", b)?;
    let w = qbeta_ln_odds(p, a, b)?;
    Ok(beta::ln_x_y(w).0.exp())
}

/// `pf(x, df1, df2)` as `(ln lower, ln upper)`.
pub(crate) fn pf_ln(x: f64, df1: f64, df2: f64) -> Result<(f64, f64), DistError> {
    let df1 = check_shape("df1", df1)?;
    let df2 = check_shape("df2", df2)?;
    if x.is_nan() {
        return Err(DistError::Parameter {
            name: "x",
            value: x,
        });
    }
    if x <= 0.0 {
        return Ok((f64::NEG_INFINITY, 0.0));
    }
    // x = df1 f / (df2 + df1 f): log-odds ln(df1 f / df2)
    pbeta_ln_odds(x.ln() + df1.ln() - df2.ln(), 0.5 * df1, 0.5 * df2)
}

/// `qf(p, df1, df2)`, exact at every degree of freedom.
pub(crate) fn qf(p: Prob, df1: f64, df2: f64) -> Result<f64, DistError> {
    let df1 = check_shape("df1", df1)?;
    let df2 = check_shape("df2", df2)?;
    let w = qbeta_ln_odds(p, 0.5 * df1, 0.5 * df2)?;
    Ok((w + df2.ln() - df1.ln()).exp())
}

/// `pt(t, df)` as `(ln lower, ln upper)`.
pub(crate) fn pt_ln(t: f64, df: f64) -> Result<(f64, f64), DistError> {
    let df = check_shape("df", df)?;
    if t.is_nan() {
        return Err(DistError::Parameter {
            name: "t",
            value: t,
        });
    }
    if t == 0.0 {
        return Ok((-std::f64::consts::LN_2, -std::f64::consts::LN_2));
    }
    // P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, ½): the upper tail of F(1, ν) at t²
    let (ln_in, ln_out) = pf_ln_sq(t.abs(), df)?;
    let ln_half_out = ln_out - std::f64::consts::LN_2;
    // the other tail is ½ + ½ P(|T| ≤ |t|)
    let ln_big = special::ln_add_exp(-std::f64::consts::LN_2, ln_in - std::f64::consts::LN_2);
    Ok(if t < 0.0 {
        (ln_half_out, ln_big)
    } else {
        (ln_big, ln_half_out)
    })
}

/// `pf(t², 1, df)` for `t > 0`, with the log-odds formed from `ln t` (no overflow of `t²`).
fn pf_ln_sq(t: f64, df: f64) -> Result<(f64, f64), DistError> {
    pbeta_ln_odds(2.0 * t.ln() - df.ln(), 0.5, 0.5 * df)
}

/// `qt(p, df)`, exact at every degree of freedom.
pub(crate) fn qt(p: Prob, df: f64) -> Result<f64, DistError> {
    let df = check_shape("df", df)?;
    let negative = p.lower_is_smaller();
    let ln_small = p.ln_lower.min(p.ln_upper);
    if ln_small == f64::NEG_INFINITY {
        return Ok(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    // T² ~ F(1, ν): P(T² > t²) = 2 · small, P(T² ≤ t²) = 1 − 2 · small = 2 (½ − small)
    let central = 0.5 - p.small;
    if central <= 0.0 {
        return Ok(0.0);
    }
    let ln_out = ln_small + std::f64::consts::LN_2;
    let ln_in = if p.small > 0.25 {
        (2.0 * central).ln()
    } else {
        special::ln_1m_exp(ln_out)
    };
    let fp = Prob {
        ln_lower: ln_in,
        ln_upper: ln_out,
        small: (2.0 * central).min(2.0 * p.small),
    };
    let w = qbeta_ln_odds(fp, 0.5, 0.5 * df)?;
    // t = sqrt(f) with f = ν e^w
    let t = (0.5 * (w + df.ln())).exp();
    Ok(if negative { -t } else { t })
}

#[cfg(test)]
mod tests;
