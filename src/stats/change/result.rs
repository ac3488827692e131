//! What [`ReliableChange::compute`](super::ReliableChange::compute) returns: per-person RCI and category, exclusions, counts.

use serde::{Deserialize, Serialize};

use super::{ClinicalCutoff, RciMethod};
use crate::Direction;

/// Outcome category of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeCategory {
    /// Reliable improvement, and moved from the clinical to the functional side of the cutoff.
    Recovered,
    /// Reliable improvement without recovery.
    Improved,
    /// No reliable change.
    Unchanged,
    /// Reliable worsening without harm.
    Deteriorated,
    /// Reliable worsening, starting and ending on the functional side of the cutoff.
    Harmed,
}

impl ChangeCategory {
    /// The lowercase name (`"recovered"`, …).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Recovered => "recovered",
            Self::Improved => "improved",
            Self::Unchanged => "unchanged",
            Self::Deteriorated => "deteriorated",
            Self::Harmed => "harmed",
        }
    }
}

/// How many persons fell into each category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CategoryCounts {
    /// Recovered.
    pub recovered: usize,
    /// Improved.
    pub improved: usize,
    /// Unchanged.
    pub unchanged: usize,
    /// Deteriorated.
    pub deteriorated: usize,
    /// Harmed.
    pub harmed: usize,
}

impl CategoryCounts {
    pub(super) fn add(&mut self, c: ChangeCategory) {
        match c {
            ChangeCategory::Recovered => self.recovered += 1,
            ChangeCategory::Improved => self.improved += 1,
            ChangeCategory::Unchanged => self.unchanged += 1,
            ChangeCategory::Deteriorated => self.deteriorated += 1,
            ChangeCategory::Harmed => self.harmed += 1,
        }
    }
}

/// One person's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PersonChange {
    /// Row index in the input (0-based).
    pub row: usize,
    /// Pre-treatment score.
    pub pre: f64,
    /// Post-treatment score.
    pub post: f64,
    /// The reliable change index under the chosen method.
    pub rci: f64,
    /// The category.
    pub category: ChangeCategory,
}

/// A row that was left out, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExcludedRow {
    /// Row index in the input (0-based).
    pub row: usize,
    /// Why it was left out (for example `"pre is missing"`).
    pub reason: String,
}

/// Result of [`ReliableChange::compute`](crate::stats::ReliableChange::compute): sample pieces, cutoff, per-person results and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChangeResult {
    /// The method used.
    pub method: RciMethod,
    /// The direction of improvement.
    pub direction: Direction,
    /// Reliability of the pre scores.
    pub reliability: f64,
    /// Rows in the input.
    pub n_original: usize,
    /// Rows with both scores, used.
    pub n_used: usize,
    /// Mean of the pre scores.
    pub mean_pre: f64,
    /// SD of the pre scores (n - 1).
    pub sd_pre: f64,
    /// Mean of the post scores.
    pub mean_post: f64,
    /// SD of the post scores (n - 1).
    pub sd_post: f64,
    /// Standard error of measurement, `SD_pre·sqrt(1 - r_xx)`.
    pub se: f64,
    /// Standard error of the difference, `sqrt(2)·SE`.
    pub s_diff: f64,
    /// Standard error of prediction, `SD_pre·sqrt(1 - r_xx²)`.
    pub se_pred: f64,
    /// The critical value the RCI is compared with.
    pub critical: f64,
    /// `critical·S_diff`: the smallest raw difference that is reliable under JT.
    pub threshold: f64,
    /// HA's reliability of the difference scores (`None` for other methods).
    pub r_dd: Option<f64>,
    /// The cutoff used.
    pub cutoff_type: ClinicalCutoff,
    /// The cutoff value on the score scale.
    pub cutoff: f64,
    /// Per-person results in input order (used rows only).
    pub persons: Vec<PersonChange>,
    /// Rows left out, with reasons.
    pub excluded: Vec<ExcludedRow>,
    /// Counts per category.
    pub counts: CategoryCounts,
}
