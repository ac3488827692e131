//! The settings of alpha: missing-data policy, item names, reverse keys.

use serde::{Deserialize, Serialize};

/// How rows with missing values are used by [`alpha_with_missing`](super::alpha_with_missing).
///
/// With complete data all three give identical results. Serialised as `"complete_cases"`,
/// `"pairwise"`, `"pairwise_cov2_cor"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingPolicy {
    /// Drop every row with a missing value first, then proceed as with complete data
    /// (`psych::alpha(na.omit(x))`; N for `ase` and the Feldt CI is the number of complete
    /// rows). The default.
    #[default]
    CompleteCases,
    /// Pairwise, as current psych does it (psych ≥ 2.4.6.26, checked against the `alpha.R` of
    /// psych 2.5.3): covariances `cov(x, use = "pairwise")`, correlations
    /// `cor(x, use = "pairwise")` computed directly, person score = mean of the available
    /// items, N = all rows (also those with missing cells) for `ase` and the Feldt CI.
    Pairwise,
    /// Pairwise as psych ≤ 2.3.x did it (psych 2.2.9): as [`MissingPolicy::Pairwise`] but the
    /// correlations are `cov2cor` of the pairwise covariances. Changes `std_alpha`, `g6`,
    /// `average_r`, `s_n`, `median_r`, `std_r` and `r_cor` when data are missing.
    PairwiseCov2Cor,
}

/// Settings for [`alpha`](super::alpha), [`alpha_rows`](super::alpha_rows) and [`alpha_with_missing`](super::alpha_with_missing).
///
/// Defaults: items named `V1`, `V2`, … (as psych names unnamed columns), no reversed items,
/// [`MissingPolicy::CompleteCases`], reversal as psych does it (`x' = max + min − x` with the
/// minimum and maximum of the whole data matrix), omega computed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlphaOptions {
    pub(super) item_names: Option<Vec<String>>,
    pub(super) reverse_indices: Vec<usize>,
    pub(super) reverse_names: Vec<String>,
    pub(super) missing: MissingPolicy,
    pub(super) reversal_bounds: Option<(f64, f64)>,
    pub(super) skip_omega: bool,
}

impl AlphaOptions {
    /// The defaults (see the type's documentation).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the items (one per column, in column order).
    #[must_use]
    pub fn item_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.item_names = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Reverse-keys the items at these 0-based column indices.
    #[must_use]
    pub fn reverse_indices(mut self, indices: &[usize]) -> Self {
        self.reverse_indices.extend_from_slice(indices);
        self
    }

    /// Reverse-keys the items with these names (psych's `keys = c("i5")`). Needs
    /// [`AlphaOptions::item_names`].
    #[must_use]
    pub fn reverse_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.reverse_names.extend(names.into_iter().map(Into::into));
        self
    }

    /// How missing values are handled by [`alpha_with_missing`](super::alpha_with_missing).
    #[must_use]
    pub fn missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// Reverses items as `(min + max) − x` with the given response-scale bounds instead of the
    /// data's minimum and maximum (psych's behaviour). Only item means and the person-score mean
    /// depend on this; every correlation and alpha is unchanged.
    #[must_use]
    pub fn reversal_bounds(mut self, min: f64, max: f64) -> Self {
        self.reversal_bounds = Some((min, max));
        self
    }

    /// Skips the omega_total computation (`Alpha::omega_total` is then `None`).
    #[must_use]
    pub fn without_omega(mut self) -> Self {
        self.skip_omega = true;
        self
    }

    /// The missing-data policy.
    #[must_use]
    pub fn missing_policy(&self) -> MissingPolicy {
        self.missing
    }
}
