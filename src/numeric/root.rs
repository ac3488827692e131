//! One bracketing root finder: Brent's (1973) zeroin as R's `uniroot()` runs it (`R_zeroin2`
//! in R's `stats` package, R 4.x).
//!
//! metafor solves the Paule–Mandel equation and the Q-profile bounds with `uniroot()` at its
//! default tolerance `.Machine$double.eps^0.25`, so its answers are only good to about 1e-5.
//! Running the same sequence of bracket updates (the 1973 Brent algorithm, with the same
//! tolerance rule `2 * eps * |b| + tol / 2`) lands on the same point, which is how this crate
//! reproduces metafor's printed bounds rather than the exact root. With a tolerance near zero
//! (the mixed-model variance ratio) the search stops at machine precision.
//!
//! Brent, R. P. (1973). *Algorithms for Minimization without Derivatives*, ch. 4.
//! Prentice-Hall.

/// Outcome of a bracketed search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Root {
    /// The accepted approximation.
    pub(crate) root: f64,
    /// Function evaluations used after the two bracket ends.
    pub(crate) iterations: usize,
}

/// Why a bracketed search failed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RootError {
    /// The end values are not finite or have the same sign.
    NotBracketed,
    /// `f` returned `None` (it could not be evaluated) after `iterations` evaluations.
    Failed {
        /// Evaluations made, counting the failed one.
        iterations: usize,
    },
    /// `f` was not finite at `at`.
    NotFinite {
        /// The argument.
        at: f64,
        /// Evaluations made, counting this one.
        iterations: usize,
    },
    /// No convergence within `max_iter` evaluations.
    MaxIter {
        /// The limit.
        iterations: usize,
    },
}

/// Finds a root of `f` in `[lower, upper]` given `f(lower)` and `f(upper)` of opposite signs
/// (or one of them zero), as `uniroot(f, c(lower, upper), tol = tol, maxiter = max_iter)`.
///
/// `f` returns `None` where it cannot be evaluated; the search then stops with
/// [`RootError::Failed`].
pub(crate) fn zeroin(
    mut f: impl FnMut(f64) -> Option<f64>,
    (lower, upper): (f64, f64),
    (f_lower, f_upper): (f64, f64),
    tol: f64,
    max_iter: usize,
) -> Result<Root, RootError> {
    let (mut a, mut b) = (lower, upper);
    let (mut fa, mut fb) = (f_lower, f_upper);
    if !(fa.is_finite() && fb.is_finite()) || fa * fb > 0.0 {
        return Err(RootError::NotBracketed);
    }
    if fa == 0.0 {
        return Ok(Root {
            root: a,
            iterations: 0,
        });
    }
    if fb == 0.0 {
        return Ok(Root {
            root: b,
            iterations: 0,
        });
    }
    let (mut c, mut fc) = (a, fa);
    for iteration in 0..=max_iter {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return Ok(Root {
                root: b,
                iterations: iteration,
            });
        }
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                let qq = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1.0));
                q = (qq - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < 0.75 * cb * q - (tol_act * q).abs() / 2.0 && p < (prev_step * q / 2.0).abs() {
                new_step = p / q;
            }
        }
        if new_step.abs() < tol_act {
            new_step = if new_step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b).ok_or(RootError::Failed {
            iterations: iteration + 1,
        })?;
        if !fb.is_finite() {
            return Err(RootError::NotFinite {
                at: b,
                iterations: iteration + 1,
            });
        }
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    Err(RootError::MaxIter {
        iterations: max_iter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sqrt_two() {
        let f = |x: f64| Some(x * x - 2.0);
        let r = zeroin(f, (0.0, 2.0), (-2.0, 2.0), 1e-12, 1000).unwrap();
        assert!((r.root - 2f64.sqrt()).abs() < 1e-11);
    }

    #[test]
    fn zeroin_finds_a_root_to_machine_precision() {
        let f = |x: f64| Some(x * x - 2.0);
        let r = zeroin(f, (0.0, 2.0), (-2.0, 2.0), 1e-16, 200).unwrap();
        assert!((r.root - std::f64::consts::SQRT_2).abs() < 4.0 * f64::EPSILON);
        assert!(r.iterations < 20);
    }

    #[test]
    fn unbracketed_is_an_error() {
        let f = |x: f64| Some(x * x + 1.0);
        assert_eq!(
            zeroin(f, (0.0, 2.0), (1.0, 5.0), 1e-12, 1000),
            Err(RootError::NotBracketed)
        );
    }

    #[test]
    fn endpoint_root_is_returned() {
        let f = Some;
        assert_eq!(
            zeroin(f, (0.0, 2.0), (0.0, 2.0), 1e-12, 10).unwrap().root,
            0.0
        );
    }

    #[test]
    fn failed_evaluation_is_reported() {
        let f = |_: f64| None;
        assert_eq!(
            zeroin(f, (0.0, 2.0), (-1.0, 1.0), 1e-12, 10),
            Err(RootError::Failed { iterations: 1 })
        );
    }
}
