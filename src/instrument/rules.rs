//! Scoring rules: aggregation, missing data, cutoffs, bands, norms and verification status.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Relative tolerance used when a score is compared with a cutoff or band boundary, so that a
/// total such as `9.1 + 9.0 + 9.0 + 8.9` (which is `35.99999999999999` in binary floating
/// point) counts as `36`.
pub(crate) const TOLERANCE: f64 = 1e-9;

/// How item scores are combined into the total or a subscale score.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Aggregation {
    /// Sum of the (keyed) item scores, e.g. the WAI-SR total 12–60.
    #[default]
    Sum,
    /// Mean of the item scores, e.g. the WAI-SR's 1–5 item mean.
    Mean,
    /// Mean multiplied by a factor, e.g. the CORE-OM "clinical score" = mean × 10 (0–40).
    ScaledMean {
        /// The factor (finite, non-zero).
        factor: f64,
    },
}

impl Aggregation {
    /// The score from a (complete or completed) item sum over `n` items.
    pub(crate) fn apply(self, sum: f64, n: usize) -> f64 {
        match self {
            Self::Sum => sum,
            Self::Mean => sum / n as f64,
            Self::ScaledMean { factor } => factor * sum / n as f64,
        }
    }
}

/// What happens when answers are missing or "does not apply".
///
/// The rule comes from the instrument's own source; where a source documents no rule, the
/// built-in definitions use [`MissingRule::NoneAllowed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum MissingRule {
    /// Every item must be answered.
    #[default]
    NoneAllowed,
    /// Prorate: up to `max_missing` items may be missing from the total, and each score is
    /// `n_items × mean of its answered items` (before aggregation), i.e. each missing item takes
    /// the mean of the answered items *of the same score*. Each subscale has its own limit
    /// ([`Subscale::max_missing`](crate::Subscale::max_missing)); a subscale past its limit is left unscored while the
    /// total may still be scored (CORE System Trust rule for the CORE-OM).
    Prorate {
        /// Most missing items the total tolerates.
        max_missing: usize,
    },
    /// Replace up to `max_missing` missing or "does not apply" answers with the mean of all
    /// answered items (the CARE Measure's rule). Subscales use the same replacement value.
    ReplaceWithMean {
        /// Most missing or "does not apply" answers tolerated.
        max_missing: usize,
    },
}

impl MissingRule {
    /// Most missing answers the total tolerates.
    #[must_use]
    pub fn max_missing(self) -> usize {
        match self {
            Self::NoneAllowed => 0,
            Self::Prorate { max_missing } | Self::ReplaceWithMean { max_missing } => max_missing,
        }
    }
}

/// A comparison operator, kept explicit because sources disagree on `<` versus `<=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Comparison {
    /// `score < value`
    #[serde(rename = "<")]
    Less,
    /// `score <= value`
    #[serde(rename = "<=")]
    LessOrEqual,
    /// `score > value`
    #[serde(rename = ">")]
    Greater,
    /// `score >= value`
    #[serde(rename = ">=")]
    GreaterOrEqual,
}

impl Comparison {
    /// Whether `score <op> value` holds. Scores within a relative `1e-9` of `value` count as
    /// equal to it (floating-point sums of decimal answers are not exact).
    #[must_use]
    pub fn holds(self, score: f64, value: f64) -> bool {
        let eq = (score - value).abs() <= TOLERANCE * value.abs().max(1.0);
        match self {
            Self::Less => !eq && score < value,
            Self::LessOrEqual => eq || score < value,
            Self::Greater => !eq && score > value,
            Self::GreaterOrEqual => eq || score > value,
        }
    }

    /// The operator as text (`<`, `<=`, `>`, `>=`).
    #[must_use]
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Greater => ">",
            Self::GreaterOrEqual => ">=",
        }
    }

    fn flags_low(self) -> bool {
        matches!(self, Self::Less | Self::LessOrEqual)
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Which end of a score is the good end: whether higher scores mean a better state (alliance
/// measures, the SRS, ORS, WAI) or a worse one (symptom measures: CORE, PHQ-9, GAD-7, BDI).
///
/// One type for every layer: an [`Instrument`](crate::Instrument)'s polarity, the direction
/// of improvement in [`stats::ReliableChange`](crate::stats::ReliableChange), and the outcome
/// direction in [`monitor`](crate::monitor) (sudden changes, not-on-track, deterioration).
/// Serialised as `"higher_is_better"` / `"lower_is_better"` (`"higher_is_worse"` is accepted
/// as an alias of the latter). Exhaustive: a score has two ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher scores are better (alliance measures, the ORS).
    HigherIsBetter,
    /// Lower scores are better (symptom measures: CORE, PHQ-9, GAD-7).
    #[serde(alias = "higher_is_worse")]
    LowerIsBetter,
}

impl Direction {
    /// `+1.0` when higher is better, `-1.0` when lower is better: multiply a raw change by this
    /// to get an improvement.
    #[must_use]
    pub const fn sign(self) -> f64 {
        match self {
            Self::HigherIsBetter => 1.0,
            Self::LowerIsBetter => -1.0,
        }
    }
}

/// A cutoff on the total: a score is *flagged* (clinical range for outcome measures, alliance
/// concern for alliance measures) when `total <comparison> value` holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cutoff {
    /// The cutoff value on the total's scale.
    pub value: f64,
    /// The comparison that marks the flagged side, e.g. `<` for the SRS's "below 36".
    pub comparison: Comparison,
}

impl Cutoff {
    /// A cutoff flagging `total <comparison> value`.
    #[must_use]
    pub const fn new(comparison: Comparison, value: f64) -> Self {
        Self { value, comparison }
    }

    /// Whether `total` lies on the flagged side.
    #[must_use]
    pub fn flags(&self, total: f64) -> bool {
        self.comparison.holds(total, self.value)
    }

    /// Whether the flagged side is the bad end under `direction`.
    pub(crate) fn agrees_with(&self, direction: Direction) -> bool {
        self.comparison.flags_low() == (direction == Direction::HigherIsBetter)
    }
}

/// A severity band: totals from `lower` (inclusive) up to the next band's `lower` (exclusive),
/// the last band reaching the top of the range. Bands are listed in ascending order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The band's label, e.g. `"moderate"`.
    pub label: String,
    /// The lowest total in the band (inclusive).
    pub lower: f64,
}

impl Band {
    /// A band starting at `lower`.
    #[must_use]
    pub fn new(label: impl Into<String>, lower: f64) -> Self {
        Self {
            label: label.into(),
            lower,
        }
    }
}

/// Normative values for the total, from which a Jacobson–Truax reliable-change threshold
/// follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Norms {
    /// Normative mean of the total.
    pub mean: f64,
    /// Normative standard deviation of the total (> 0).
    pub sd: f64,
    /// Reliability of the total (test–retest or alpha), in `[0, 1)`.
    pub reliability: f64,
    /// Where the numbers come from.
    #[serde(default)]
    pub source: String,
}

impl Norms {
    /// Norms with an empty source.
    #[must_use]
    pub fn new(mean: f64, sd: f64, reliability: f64) -> Self {
        Self {
            mean,
            sd,
            reliability,
            source: String::new(),
        }
    }

    /// Jacobson & Truax (1991, *J Consult Clin Psychol* 59(1), 12–19): `1.96 · SD · √(2 · (1 − r))`,
    /// the raw-point change beyond which change is reliable, as R's `suddengains`
    /// (`define_crit1_cutoff`) and `clinicalsignificance` (`calc_rci`) compute it.
    ///
    /// `None` when the norms are invalid (not finite, `sd ≤ 0`, reliability outside `[0, 1)`)
    /// or the threshold overflows (an SD near `f64::MAX`); never for the norms of a built
    /// [`Instrument`](crate::Instrument), which are checked when it is built.
    #[must_use]
    pub fn reliable_change_threshold(&self) -> Option<f64> {
        if self.problem().is_some() {
            return None;
        }
        self.raw_threshold()
    }

    fn raw_threshold(&self) -> Option<f64> {
        let t = 1.96 * self.sd * (2.0 * (1.0 - self.reliability)).sqrt();
        t.is_finite().then_some(t)
    }

    /// The normative mean and SD as a [`stats::Population`](crate::stats::Population), e.g.
    /// the clinical population of [`stats::ReliableChange`](crate::stats::ReliableChange).
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`](crate::stats::StatsError::InvalidParameter) if the
    /// mean or SD is invalid (never for norms inside a built [`Instrument`](crate::Instrument)).
    pub fn population(&self) -> Result<crate::stats::Population, crate::stats::StatsError> {
        crate::stats::Population::new(self.mean, self.sd)
    }

    pub(crate) fn problem(&self) -> Option<&'static str> {
        if !(self.mean.is_finite() && self.sd.is_finite() && self.reliability.is_finite()) {
            Some("norms must be finite")
        } else if self.sd <= 0.0 {
            Some("norms need sd > 0")
        } else if !(0.0..1.0).contains(&self.reliability) {
            Some("norms need reliability in [0, 1)")
        } else if self.raw_threshold().is_none() {
            Some("norms give a reliable-change threshold that overflows (sd too large)")
        } else {
            None
        }
    }
}

/// How well a definition's key and rules are established: verified (two independent sources
/// agree, or reproduced by running code), primary (one primary source: paper, manual or the
/// reference package's code), secondary or unverified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verification {
    /// Two independent sources agree, or reproduced by running code.
    Verified,
    /// One primary source (the original paper, manual or owner's page).
    Primary,
    /// One secondary source (vendor help page, directory, third-party code).
    Secondary,
    /// Not found in a readable source; treat as a placeholder to be overridden.
    Unverified,
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Verified => "verified",
            Self::Primary => "primary",
            Self::Secondary => "secondary",
            Self::Unverified => "unverified",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_explicit_at_the_boundary() {
        assert!(!Comparison::Less.holds(36.0, 36.0));
        assert!(Comparison::LessOrEqual.holds(36.0, 36.0));
        assert!(!Comparison::Greater.holds(10.0, 10.0));
        assert!(Comparison::GreaterOrEqual.holds(10.0, 10.0));
        // Within floating-point noise of the cutoff counts as equal to it.
        assert!(!Comparison::Less.holds(35.999_999_999_999_99, 36.0));
        assert!(Comparison::Less.holds(35.99, 36.0));
        let c = Cutoff::new(Comparison::Less, 36.0);
        assert!(c.agrees_with(Direction::HigherIsBetter));
        assert!(!c.agrees_with(Direction::LowerIsBetter));
    }

    #[test]
    fn aggregation_and_norms() {
        assert_eq!(Aggregation::Sum.apply(12.0, 4), 12.0);
        assert_eq!(Aggregation::Mean.apply(12.0, 4), 3.0);
        assert_eq!(
            Aggregation::ScaledMean { factor: 10.0 }.apply(12.0, 4),
            30.0
        );
        let n = Norms::new(20.0, 5.0, 0.8);
        assert!(
            (n.reliable_change_threshold().unwrap() - 1.96 * 5.0 * 0.4f64.sqrt()).abs() < 1e-12
        );
        assert!(Norms::new(0.0, 1.0, -0.1).problem().is_some());
        assert_eq!(MissingRule::Prorate { max_missing: 3 }.max_missing(), 3);
    }
}
