//! Inter-rater agreement: the six Shrout & Fleiss (1979) intraclass correlations, as
//! `psych::ICC(x, lmer = FALSE)` (psych 2.2.9; `R/ICC.R` is unchanged through 2.5.3) and
//! pingouin 0.7.0 `intraclass_corr` report them.
//!
//! References: Shrout, P. E. & Fleiss, J. L. (1979), "Intraclass correlations: uses in assessing
//! rater reliability", *Psychological Bulletin* 86(2), 420–428, doi:10.1037/0033-2909.86.2.420;
//! McGraw, K. O. & Wong, S. P. (1996), "Forming inferences about some intraclass correlation
//! coefficients", *Psychological Methods* 1(1), 30–46, doi:10.1037/1082-989X.1.1.30.
//!
//! Two steps, so the streaming [`IccAccumulator`] is the only path: its state gives the two-way
//! ANOVA mean squares of the data (`accumulator.rs`), then `mean_squares.rs` turns (N targets,
//! k raters, MSR, MSC, MSE) into the six forms.

mod accumulator;
mod mean_squares;
mod state;

use serde::{Deserialize, Serialize};

use super::StatsError;
pub use accumulator::IccAccumulator;
use mean_squares::icc_from_mean_squares;
pub use state::{IccMomentState, IccState, IncompleteTarget};

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
    /// Lower confidence bound at [`Icc::level`].
    pub ci_lb: f64,
    /// Upper confidence bound at [`Icc::level`].
    pub ci_ub: f64,
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
    /// Confidence level of every form's `ci_lb`/`ci_ub` (e.g. 0.95).
    pub level: f64,
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

/// Settings for [`icc`] and [`icc_with_missing`], validated once when built.
///
/// Defaults ([`IccOptions::new`]): 95% intervals (psych's `alpha = .05`); a missing cell is an
/// error, as in `psych::ICC(lmer = FALSE)`. Other settings through [`IccOptions::builder`]:
///
/// ```
/// use therapeutic_alliance::stats::IccOptions;
/// let o = IccOptions::builder().level(0.9).drop_incomplete(true).build()?;
/// assert_eq!((o.level(), o.drop_incomplete()), (0.9, true));
/// assert!(IccOptions::builder().level(1.0).build().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IccOptions {
    level: f64,
    drop_incomplete: bool,
}

impl Default for IccOptions {
    fn default() -> Self {
        Self {
            level: 0.95,
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

    /// A builder starting from the defaults.
    pub fn builder() -> IccOptionsBuilder {
        IccOptionsBuilder {
            options: Self::default(),
        }
    }

    /// Confidence level of the intervals, in (0, 1). Default 0.95.
    #[must_use]
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Whether targets with a missing rating are dropped (pingouin's `nan_policy = "omit"`)
    /// instead of refused (psych `lmer = FALSE`). Default `false`.
    #[must_use]
    pub fn drop_incomplete(&self) -> bool {
        self.drop_incomplete
    }
}

/// Builds [`IccOptions`]; [`IccOptionsBuilder::build`] validates.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct IccOptionsBuilder {
    options: IccOptions,
}

impl IccOptionsBuilder {
    /// Confidence level of the intervals, in (0, 1) (checked by [`IccOptionsBuilder::build`]).
    /// Default 0.95.
    pub fn level(mut self, level: f64) -> Self {
        self.options.level = level;
        self
    }

    /// Drops targets with a missing rating before the analysis (pingouin's
    /// `nan_policy = "omit"`) instead of refusing them (psych `lmer = FALSE`). Default off.
    pub fn drop_incomplete(mut self, drop: bool) -> Self {
        self.options.drop_incomplete = drop;
        self
    }

    /// The options.
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] if the level is not in (0, 1).
    pub fn build(self) -> Result<IccOptions, StatsError> {
        let level = self.options.level;
        if !(level.is_finite() && level > 0.0 && level < 1.0) {
            return Err(StatsError::invalid("level", level, "in (0, 1)"));
        }
        Ok(self.options)
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
            if options.drop_incomplete() {
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
        let (msr, msc, mse, _) = acc.mean_squares().unwrap();
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
        assert!(IccOptions::builder().level(1.0).build().is_err());
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
