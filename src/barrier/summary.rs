//! The barrier summary of a course: counts per category and a weighted burden
//! ([`BarrierSummary`], [`BurdenWeights`], [`CategoryCount`]).

use serde::{Deserialize, Serialize};

use super::{BarrierCategory, BarrierError, BarrierFlag, Severity};

/// Weights of the barrier burden score (see [`BarrierSummary`]). Validated when used.
///
/// Defaults: `noted` 1, `moderate` 2, `severe` 3, `resolved_factor` 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BurdenWeights {
    noted: f64,
    moderate: f64,
    severe: f64,
    resolved_factor: f64,
}

impl Default for BurdenWeights {
    fn default() -> Self {
        Self {
            noted: 1.0,
            moderate: 2.0,
            severe: 3.0,
            resolved_factor: 0.0,
        }
    }
}

impl BurdenWeights {
    /// The default weights.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Weight of a [`Severity::Noted`] flag (default 1).
    #[must_use]
    pub fn noted(mut self, w: f64) -> Self {
        self.noted = w;
        self
    }
    /// Weight of a [`Severity::Moderate`] flag (default 2).
    #[must_use]
    pub fn moderate(mut self, w: f64) -> Self {
        self.moderate = w;
        self
    }
    /// Weight of a [`Severity::Severe`] flag (default 3).
    #[must_use]
    pub fn severe(mut self, w: f64) -> Self {
        self.severe = w;
        self
    }
    /// Multiplier for resolved flags (default 0: a resolved barrier adds no burden).
    #[must_use]
    pub fn resolved_factor(mut self, f: f64) -> Self {
        self.resolved_factor = f;
        self
    }

    fn validate(&self) -> Result<(), BarrierError> {
        for (name, value) in [
            ("noted", self.noted),
            ("moderate", self.moderate),
            ("severe", self.severe),
            ("resolved_factor", self.resolved_factor),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(BarrierError::InvalidWeight { name, value });
            }
        }
        Ok(())
    }

    fn weight(&self, flag: &BarrierFlag) -> f64 {
        let w = match flag.severity() {
            Severity::Noted => self.noted,
            Severity::Moderate => self.moderate,
            Severity::Severe => self.severe,
        };
        if flag.resolved() {
            w * self.resolved_factor
        } else {
            w
        }
    }
}

/// How many flags of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CategoryCount {
    /// The category.
    pub category: BarrierCategory,
    /// Number of flags of that category.
    pub count: usize,
}

/// A course's barrier summary.
///
/// # The burden score (the crate's own index)
/// `burden = Σ_flags w(severity) · (1 if unresolved, else resolved_factor) / sessions`, with
/// [`BurdenWeights`] defaults w = 1 / 2 / 3 for noted / moderate / severe and resolved_factor 0.
///
/// Why: unresolved problems in the relationship are what go with worse outcomes: unrepaired
/// alliance ruptures predicted worse outcome (McLaughlin et al. 2014, β = .45) while repaired
/// ones go with better outcome (Eubanks, Muran & Safran 2018, r = .29); countertransference
/// *reactions* go with worse outcome (r = −.16) but *managed* countertransference with better
/// (r = .39; Hayes et al. 2018). So resolved flags carry no burden by default. Dividing by the
/// number of sessions makes courses of different length comparable (burden per session).
/// The 1/2/3 severity weights are an ordinal, equal-step choice of this crate, **not a
/// published scale**, which is why they are parameters. Critical flags are counted separately
/// ([`BarrierSummary::critical`]) rather than weighted, so a single violation is never hidden in
/// an average.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BarrierSummary {
    /// Number of sessions in the course.
    pub sessions: usize,
    /// Number of flags.
    pub total: usize,
    /// Flags per category, every category in [`BarrierCategory::ALL`] order (zeros included).
    pub counts: Vec<CategoryCount>,
    /// Unresolved flags.
    pub unresolved: usize,
    /// Critical flags ([`BarrierFlag::is_critical`]).
    pub critical: usize,
    /// The burden score (see above).
    pub burden: f64,
}

impl BarrierSummary {
    /// Summarises `flags` raised over `sessions` sessions.
    ///
    /// # Errors
    /// [`BarrierError::NoSessions`] when `sessions` is 0; [`BarrierError::InvalidWeight`] for a
    /// negative or non-finite weight.
    pub fn from_flags<'a>(
        flags: impl IntoIterator<Item = &'a BarrierFlag>,
        sessions: usize,
        weights: &BurdenWeights,
    ) -> Result<Self, BarrierError> {
        if sessions == 0 {
            return Err(BarrierError::NoSessions);
        }
        weights.validate()?;
        let mut counts = BarrierCategory::ALL.map(|category| CategoryCount { category, count: 0 });
        let (mut total, mut unresolved, mut critical, mut weight) = (0, 0, 0, 0.0);
        for flag in flags {
            total += 1;
            if let Some(c) = counts.iter_mut().find(|c| c.category == flag.category()) {
                c.count += 1;
            }
            if !flag.resolved() {
                unresolved += 1;
            }
            if flag.is_critical() {
                critical += 1;
            }
            weight += weights.weight(flag);
        }
        Ok(Self {
            sessions,
            total,
            counts: counts.to_vec(),
            unresolved,
            critical,
            burden: weight / sessions as f64,
        })
    }

    /// The count for one category.
    #[must_use]
    pub fn count(&self, category: BarrierCategory) -> usize {
        self.counts
            .iter()
            .find(|c| c.category == category)
            .map_or(0, |c| c.count)
    }
}
