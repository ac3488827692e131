//! Step 2 of the ICCs: the six Shrout & Fleiss (1979) forms, their F tests and intervals, from
//! N targets, k raters and the two-way mean squares.

use super::{Icc, IccForm, IccKind, IccMeanSquares};
use crate::stats::{StatsError, dist};

/// Step 2: the six ICCs from N targets, k raters and the two-way mean squares.
///
/// [`IccAccumulator::finish`](super::IccAccumulator::finish) (and so [`icc`](super::icc)) ends here; MSW is derived as
/// (SS_cols + SS_res)/(N(k − 1)).
pub(super) fn icc_from_mean_squares(
    n: usize,
    k: usize,
    msr: f64,
    msc: f64,
    mse: f64,
    level: f64,
    n_dropped: usize,
) -> Result<Icc, StatsError> {
    if n < 2 {
        return Err(StatsError::TooFewCases {
            what: "targets".to_owned(),
            needed: 2,
            got: n,
        });
    }
    if k < 2 {
        return Err(StatsError::TooFewCases {
            what: "raters".to_owned(),
            needed: 2,
            got: k,
        });
    }
    // The mean squares come from finite ratings: a non-finite one means the sums of squares
    // overflowed; a negative one is rounding of a zero sum of squares.
    for (name, v) in [
        ("between-target mean square", msr),
        ("between-rater mean square", msc),
        ("residual mean square", mse),
    ] {
        if !v.is_finite() {
            return Err(StatsError::Overflow {
                what: format!("ratings: {name}"),
            });
        }
    }
    let (msr, msc, mse) = (msr.max(0.0), msc.max(0.0), mse.max(0.0));
    let (nf, kf) = (n as f64, k as f64);
    let msw = (msc * (kf - 1.0) + mse * (nf - 1.0) * (kf - 1.0)) / (nf * (kf - 1.0));
    if msr <= 0.0 {
        return Err(StatsError::ConstantInput {
            what: "target means (between-target mean square is 0)".to_owned(),
        });
    }
    if mse <= 0.0 {
        return Err(StatsError::ConstantInput {
            what: "residuals (ratings are perfectly consistent, residual mean square is 0)"
                .to_owned(),
        });
    }
    let alpha = 1.0 - level;
    let q = 1.0 - alpha / 2.0;

    let icc1 = (msr - msw) / (msr + (kf - 1.0) * msw);
    let icc2 = (msr - mse) / (msr + (kf - 1.0) * mse + kf * (msc - mse) / nf);
    let icc3 = (msr - mse) / (msr + (kf - 1.0) * mse);
    let icc1k = (msr - msw) / msr;
    let icc2k = (msr - mse) / (msr + (msc - mse) / nf);
    let icc3k = (msr - mse) / msr;

    let f1 = msr / msw;
    let df1 = nf - 1.0;
    let df1_w = nf * (kf - 1.0);
    let f3 = msr / mse;
    if !(f1.is_finite() && f3.is_finite()) {
        // a residual (or within-target) mean square negligible against the between-target
        // one, below f64's range of ratios: no F test exists, and the error carries no ∞
        return Err(StatsError::Overflow {
            what: "ratings: F ratio of the mean squares (the residual mean square is negligible)"
                .to_owned(),
        });
    }
    let p1 = dist::f_sf(f1, df1, df1_w)?;
    let df3 = (nf - 1.0) * (kf - 1.0);
    let p3 = dist::f_sf(f3, df1, df3)?;

    let f1l = f1 / dist::f_quantile(q, df1, df1_w)?;
    let f1u = f1 * dist::f_quantile(q, df1_w, df1)?;
    let f3l = f3 / dist::f_quantile(q, df1, df3)?;
    let f3u = f3 * dist::f_quantile(q, df3, df1)?;

    // Satterthwaite df for ICC2 (psych ICC.R, Shrout & Fleiss 1979 eq. 12).
    let fj = msc / mse;
    let a = kf * icc2 * fj + nf * (1.0 + (kf - 1.0) * icc2) - kf * icc2;
    let vn = (kf - 1.0) * (nf - 1.0) * a * a;
    let b = nf * (1.0 + (kf - 1.0) * icc2) - kf * icc2;
    let vd = (nf - 1.0) * kf * kf * icc2 * icc2 * fj * fj + b * b;
    if vd == 0.0 {
        return Err(StatsError::invalid(
            "denominator of the satterthwaite df for the ICC2 interval",
            vd,
            "non-zero",
        ));
    }
    let v = vn / vd;
    if !v.is_finite() {
        // a², the squared F ratio or their quotient overflowed (mean squares of wildly
        // different sizes): an error naming the data, never a NaN or ∞ in the error
        return Err(StatsError::Overflow {
            what: "ratings: satterthwaite df for the ICC2 interval".to_owned(),
        });
    }
    if v <= 0.0 {
        return Err(StatsError::invalid(
            "satterthwaite df for the ICC2 interval",
            v,
            "a finite number > 0",
        ));
    }
    let fs = dist::f_quantile_unbounded(q, df1, v)?;
    let fss = dist::f_quantile_unbounded(q, v, df1)?;
    let denom = kf * msc + (kf * nf - kf - nf) * mse;
    // With a Satterthwaite df far below 1 the F quantile overflows (R returns ~1e30); the
    // bound is then its limit as F → ∞, which equals R's value to double precision.
    let l2 = if fs.is_finite() {
        nf * (msr - fs * mse) / (fs * denom + nf * msr)
    } else {
        -nf * mse / denom
    };
    let u2 = if fss.is_finite() {
        nf * (fss * msr - mse) / (denom + nf * fss * msr)
    } else {
        1.0
    };

    let form = |kind, icc, f, df2, p, ci_lb, ci_ub| IccForm {
        kind,
        icc,
        f,
        df1,
        df2,
        p,
        ci_lb,
        ci_ub,
    };
    let forms = vec![
        form(
            IccKind::Icc1,
            icc1,
            f1,
            df1_w,
            p1,
            (f1l - 1.0) / (f1l + kf - 1.0),
            (f1u - 1.0) / (f1u + kf - 1.0),
        ),
        form(IccKind::Icc2, icc2, f3, df3, p3, l2, u2),
        form(
            IccKind::Icc3,
            icc3,
            f3,
            df3,
            p3,
            (f3l - 1.0) / (f3l + kf - 1.0),
            (f3u - 1.0) / (f3u + kf - 1.0),
        ),
        form(
            IccKind::Icc1k,
            icc1k,
            f1,
            df1_w,
            p1,
            1.0 - 1.0 / f1l,
            1.0 - 1.0 / f1u,
        ),
        form(
            IccKind::Icc2k,
            icc2k,
            f3,
            df3,
            p3,
            l2 * kf / (1.0 + l2 * (kf - 1.0)),
            u2 * kf / (1.0 + u2 * (kf - 1.0)),
        ),
        form(
            IccKind::Icc3k,
            icc3k,
            f3,
            df3,
            p3,
            1.0 - 1.0 / f3l,
            1.0 - 1.0 / f3u,
        ),
    ];
    let all_finite = forms.iter().all(|f| {
        [f.icc, f.f, f.p, f.ci_lb, f.ci_ub]
            .iter()
            .all(|x| x.is_finite())
    });
    if !all_finite {
        return Err(StatsError::Singular {
            what: "ICC mean squares (degenerate table)".to_owned(),
        });
    }
    Ok(Icc {
        n_targets: n,
        n_raters: k,
        n_dropped,
        level,
        ms: IccMeanSquares { msr, msc, mse, msw },
        forms,
    })
}
