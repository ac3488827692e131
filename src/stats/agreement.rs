//! Inter-rater agreement: the six Shrout & Fleiss (1979) intraclass correlations, as
//! `psych::ICC(x, lmer = FALSE)` (psych 2.2.9; `R/ICC.R` is unchanged through 2.5.3) and
//! pingouin 0.7.0 `intraclass_corr` report them.
//!
//! Two steps, so streaming accumulators can reuse the second: two-way ANOVA sums of squares
//! from the data, then [`icc_from_mean_squares`] from (N targets, k raters, MSR, MSC, MSE).

use serde::{Deserialize, Serialize};

use super::StatsError;
use super::dist;
use super::streaming::IccAccumulator;

/// Which of the six intraclass correlations (psych's names; McGraw & Wong 1996 in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum IccKind {
    /// ICC(1,1): one-way random effects, single rater (pingouin `ICC1`).
    #[serde(rename = "ICC1")]
    Icc1,
    /// ICC(2,1), absolute agreement, two-way random raters, single rater [ICC(A,1)].
    #[serde(rename = "ICC2")]
    Icc2,
    /// ICC(3,1), consistency, two-way fixed raters, single rater [ICC(C,1)].
    #[serde(rename = "ICC3")]
    Icc3,
    /// ICC(1,k): one-way random effects, mean of k raters.
    #[serde(rename = "ICC1k")]
    Icc1k,
    /// ICC(2,k): absolute agreement, mean of k raters [ICC(A,k)].
    #[serde(rename = "ICC2k")]
    Icc2k,
    /// ICC(3,k): consistency, mean of k raters [ICC(C,k)].
    #[serde(rename = "ICC3k")]
    Icc3k,
}

impl IccKind {
    /// All six, in psych's order (the order of [`Icc::forms`]).
    pub const ALL: [Self; 6] = [
        Self::Icc1,
        Self::Icc2,
        Self::Icc3,
        Self::Icc1k,
        Self::Icc2k,
        Self::Icc3k,
    ];

    /// psych's label: `"ICC1"`, …, `"ICC3k"`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Icc1 => "ICC1",
            Self::Icc2 => "ICC2",
            Self::Icc3 => "ICC3",
            Self::Icc1k => "ICC1k",
            Self::Icc2k => "ICC2k",
            Self::Icc3k => "ICC3k",
        }
    }
}

impl std::fmt::Display for IccKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One row of psych's ICC table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IccForm {
    /// Which ICC (serialised as `"type"`, as psych's column).
    #[serde(rename = "type")]
    pub kind: IccKind,
    /// The intraclass correlation.
    pub icc: f64,
    /// F statistic: MSR/MSW for ICC1/ICC1k, MSR/MSE for the others.
    pub f: f64,
    /// Numerator degrees of freedom, N − 1.
    pub df1: f64,
    /// Denominator degrees of freedom: N(k − 1) for ICC1/ICC1k, (N − 1)(k − 1) otherwise.
    pub df2: f64,
    /// Upper-tail p-value of F.
    pub p: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
}

/// The ANOVA mean squares behind the ICCs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IccMeanSquares {
    /// Between targets (rows), SS_rows/(N − 1).
    pub msr: f64,
    /// Between raters (columns), SS_cols/(k − 1).
    pub msc: f64,
    /// Residual, SS_res/((N − 1)(k − 1)).
    pub mse: f64,
    /// Within targets (one-way), (SS_cols + SS_res)/(N(k − 1)).
    pub msw: f64,
}

/// All six intraclass correlations of an N targets × k raters table.
///
/// Formulas (Shrout & Fleiss 1979; McGraw & Wong 1996), as psych 2.2.9 `ICC(lmer = FALSE)`
/// computes them and pingouin 0.7.0 agrees:
/// * ICC1 = (MSR − MSW)/(MSR + (k−1)MSW); ICC1k = (MSR − MSW)/MSR;
/// * ICC2 = (MSR − MSE)/(MSR + (k−1)MSE + k(MSC − MSE)/N); ICC2k = (MSR − MSE)/(MSR + (MSC − MSE)/N);
/// * ICC3 = (MSR − MSE)/(MSR + (k−1)MSE); ICC3k = (MSR − MSE)/MSR.
///
/// Confidence intervals: F-based for ICC1/ICC3 (and their k forms); for ICC2/ICC2k the
/// Satterthwaite interval with real-valued df, exactly as psych. The p-values are upper tails
/// of F (neither psych nor pingouin uses McGraw–Wong's separate test for ICC(A,1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Icc {
    /// Targets (rows) used.
    pub n_targets: usize,
    /// Raters (columns).
    pub n_raters: usize,
    /// Incomplete rows dropped (only with [`IccOptions::drop_incomplete`]).
    pub n_dropped: usize,
    /// Confidence level of `lower`/`upper`.
    pub conf_level: f64,
    /// The mean squares.
    pub ms: IccMeanSquares,
    /// The six forms, in the order of [`IccKind::ALL`].
    pub forms: Vec<IccForm>,
}

impl Icc {
    /// The form of the given kind.
    #[must_use]
    pub fn form(&self, kind: IccKind) -> Option<&IccForm> {
        self.forms.iter().find(|f| f.kind == kind)
    }
}

/// Settings for [`icc`] and [`icc_with_missing`].
///
/// Defaults: 95% intervals (psych's `alpha = .05`); a missing cell is an error, as in
/// `psych::ICC(lmer = FALSE)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IccOptions {
    conf_level: f64,
    drop_incomplete: bool,
}

impl Default for IccOptions {
    fn default() -> Self {
        Self {
            conf_level: 0.95,
            drop_incomplete: false,
        }
    }
}

impl IccOptions {
    /// The defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Confidence level of the intervals, in (0, 1) (validated when used). Default 0.95.
    #[must_use]
    pub fn conf_level(mut self, level: f64) -> Self {
        self.conf_level = level;
        self
    }

    /// Drops targets with a missing rating before the analysis (pingouin's
    /// `nan_policy = "omit"`) instead of refusing them (psych `lmer = FALSE`). Default off.
    #[must_use]
    pub fn drop_incomplete(mut self, drop: bool) -> Self {
        self.drop_incomplete = drop;
        self
    }

    /// Whether incomplete targets are dropped.
    pub(crate) fn drops_incomplete(&self) -> bool {
        self.drop_incomplete
    }

    /// The confidence level (unvalidated).
    pub(crate) fn confidence_level(&self) -> f64 {
        self.conf_level
    }
}

/// The six ICCs of complete, row-major data: `data[t * n_raters + j]` is rater j's rating of
/// target t.
///
/// # Errors
/// [`StatsError`] if there are fewer than 2 targets or 2 raters, `data.len()` is not a multiple
/// of `n_raters`, a value is not finite, the confidence level is outside (0, 1), or a mean
/// square needed as a denominator is zero (e.g. all targets rated identically).
///
/// # Examples
/// ```
/// use therapeutic_alliance::stats::{icc, IccKind, IccOptions};
/// // Shrout & Fleiss (1979): 6 targets × 4 judges
/// let data = [
///     9.0, 2.0, 5.0, 8.0, 6.0, 1.0, 3.0, 2.0, 8.0, 4.0, 6.0, 8.0,
///     7.0, 1.0, 2.0, 6.0, 10.0, 5.0, 6.0, 9.0, 6.0, 2.0, 4.0, 7.0,
/// ];
/// let r = icc(&data, 4, &IccOptions::new())?;
/// let icc3 = r.form(IccKind::Icc3).map(|f| f.icc);
/// assert!((icc3.unwrap() - 0.714840714840715).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn icc(data: &[f64], n_raters: usize, options: &IccOptions) -> Result<Icc, StatsError> {
    let mut acc = IccAccumulator::new(n_raters)?;
    acc.push_rows(data)?;
    acc.finish(options)
}

/// [`icc`] for rows that may contain missing ratings (`None`).
///
/// By default a missing rating is an error naming its target and rater (as
/// `psych::ICC(lmer = FALSE)` refuses them); with [`IccOptions::drop_incomplete`] incomplete
/// targets are dropped first (pingouin `nan_policy = "omit"`) and counted in `n_dropped`.
///
/// # Errors
/// As [`icc`]; also if rows differ in length or a rating is missing and dropping is off.
pub fn icc_with_missing<R: AsRef<[Option<f64>]>>(
    rows: &[R],
    options: &IccOptions,
) -> Result<Icc, StatsError> {
    let Some(first) = rows.first() else {
        return Err(StatsError::EmptyInput {
            what: "ratings".to_owned(),
        });
    };
    let k = first.as_ref().len();
    let mut flat = Vec::with_capacity(rows.len() * k);
    let mut dropped = 0;
    for (t, row) in rows.iter().enumerate() {
        let row = row.as_ref();
        if row.len() != k {
            return Err(StatsError::LengthMismatch {
                what: format!("target {t}"),
                expected: k,
                got: row.len(),
            });
        }
        if let Some(j) = row.iter().position(Option::is_none) {
            if options.drop_incomplete {
                dropped += 1;
                continue;
            }
            return Err(StatsError::TooFewCases {
                what: format!("ratings of target {t} (rater {j} is missing; 0-based indices)"),
                needed: k,
                got: row.iter().flatten().count(),
            });
        }
        flat.extend(row.iter().flatten());
    }
    let mut out = icc(&flat, k, options)?;
    out.n_dropped = dropped;
    Ok(out)
}

/// Step 2: the six ICCs from N targets, k raters and the two-way mean squares.
///
/// This is the function streaming accumulators `finish` into; MSW is derived as
/// (SS_cols + SS_res)/(N(k − 1)).
pub(crate) fn icc_from_mean_squares(
    n: usize,
    k: usize,
    msr: f64,
    msc: f64,
    mse: f64,
    conf_level: f64,
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
    if !(conf_level.is_finite() && conf_level > 0.0 && conf_level < 1.0) {
        return Err(StatsError::invalid("conf_level", conf_level, "in (0, 1)"));
    }
    for (name, v) in [("msr", msr), ("msc", msc), ("mse", mse)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(StatsError::invalid(name, v, "a finite mean square >= 0"));
        }
    }
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
    let alpha = 1.0 - conf_level;
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
    let p1 = dist::f_sf(f1, df1, df1_w)?;
    let f3 = msr / mse;
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
    let v = vn / vd;
    if !(v.is_finite() && v > 0.0) {
        return Err(StatsError::invalid(
            "satterthwaite df for the ICC2 interval",
            v,
            "a finite number > 0",
        ));
    }
    let fs = dist::f_quantile(q, df1, v)?;
    let fss = dist::f_quantile(q, v, df1)?;
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

    let form = |kind, icc, f, df2, p, lower, upper| IccForm {
        kind,
        icc,
        f,
        df1,
        df2,
        p,
        lower,
        upper,
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
        [f.icc, f.f, f.p, f.lower, f.upper]
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
        conf_level,
        ms: IccMeanSquares { msr, msc, mse, msw },
        forms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SF: [f64; 24] = [
        9.0, 2.0, 5.0, 8.0, 6.0, 1.0, 3.0, 2.0, 8.0, 4.0, 6.0, 8.0, 7.0, 1.0, 2.0, 6.0, 10.0, 5.0,
        6.0, 9.0, 6.0, 2.0, 4.0, 7.0,
    ];

    #[test]
    fn mean_squares_match_psych() {
        let mut acc = IccAccumulator::new(4).unwrap();
        acc.push_rows(&SF).unwrap();
        let (msr, msc, mse) = acc.mean_squares().unwrap();
        assert!((msr - 11.2416666666667).abs() < 1e-12);
        assert!((msc - 32.4861111111111).abs() < 1e-12);
        assert!((mse - 1.01944444444444).abs() < 1e-12);
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let o = IccOptions::new();
        assert!(icc(&[], 3, &o).is_err());
        assert!(icc(&SF, 1, &o).is_err());
        assert!(icc(&SF[..23], 4, &o).is_err());
        assert!(icc(&SF[..4], 4, &o).is_err());
        assert!(icc(&SF, 4, &o.conf_level(1.0)).is_err());
        assert!(icc(&[1.0, 1.0, 2.0, 2.0], 2, &o).is_err()); // MSE = 0
        assert!(icc(&[1.0, 2.0, 1.0, 2.0], 2, &o).is_err()); // MSR = 0
        let mut bad = SF;
        bad[5] = f64::NAN;
        assert!(matches!(
            icc(&bad, 4, &o),
            Err(StatsError::NonFinite { row: 1, .. })
        ));
    }
}
