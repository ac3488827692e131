//! The settings of `rma.uni()` (metafor 3.8-1): τ² estimator, test, level and the iteration controls.

use serde::{Deserialize, Serialize};

use crate::stats::StatsError;

/// How τ² (the between-study variance) is estimated; metafor's `method` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TauMethod {
    /// Fixed (common/equal) effect: τ² = 0 (metafor `"FE"`, `"EE"`).
    #[serde(rename = "FE")]
    FixedEffect,
    /// DerSimonian–Laird moment estimator, `max(0, (Q - (k-1))/C)` (`"DL"`).
    #[serde(rename = "DL")]
    DerSimonianLaird,
    /// Restricted maximum likelihood by metafor's Fisher scoring (`"REML"`, metafor's default).
    #[default]
    #[serde(rename = "REML")]
    Reml,
    /// Maximum likelihood by Fisher scoring (`"ML"`).
    #[serde(rename = "ML")]
    Ml,
    /// Hedges' (Hedges–Olkin) unweighted moment estimator (`"HE"`).
    #[serde(rename = "HE")]
    Hedges,
    /// Paule–Mandel generalised-Q estimator, solved with `uniroot` (`"PM"`).
    #[serde(rename = "PM")]
    PauleMandel,
    /// Sidik–Jonkman estimator (`"SJ"`).
    #[serde(rename = "SJ")]
    SidikJonkman,
}

impl TauMethod {
    /// metafor's name for the method (`"FE"`, `"DL"`, `"REML"`, `"ML"`, `"HE"`, `"PM"`, `"SJ"`).
    #[must_use]
    pub fn metafor_name(self) -> &'static str {
        match self {
            Self::FixedEffect => "FE",
            Self::DerSimonianLaird => "DL",
            Self::Reml => "REML",
            Self::Ml => "ML",
            Self::Hedges => "HE",
            Self::PauleMandel => "PM",
            Self::SidikJonkman => "SJ",
        }
    }
}

impl std::fmt::Display for TauMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.metafor_name())
    }
}

/// Which test the pooled estimate got (metafor's `test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MetaTest {
    /// Wald z test with normal quantiles (`test = "z"`).
    #[serde(rename = "z")]
    Z,
    /// Knapp–Hartung: SE scaled by `s²`, t with k - 1 df (`test = "knha"`).
    #[serde(rename = "knha")]
    KnappHartung,
}

/// Options of [`meta_analysis`](crate::stats::meta_analysis): a small builder with metafor's defaults.
///
/// | setter | default | metafor |
/// |---|---|---|
/// | [`method`](Self::method) | REML | `method = "REML"` |
/// | [`knapp_hartung`](Self::knapp_hartung) | false | `test = "z"` |
/// | [`level`](Self::level) | 0.95 | `level = 95` |
/// | [`threshold`](Self::threshold) | 1e-5 | `control$threshold` |
/// | [`max_iter`](Self::max_iter) | 100 | `control$maxiter` |
/// | [`root_tol`](Self::root_tol) | `f64::EPSILON.powf(0.25)` ≈ 1.22e-4 | `control$tol` (PM; Q-profile `confint`) |
/// | [`tau2_ci`](Self::tau2_ci) | true | `confint(res)` Q-profile |
///
/// Values are validated when [`meta_analysis`](crate::stats::meta_analysis) runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetaOptions {
    pub(super) method: TauMethod,
    pub(super) knapp_hartung: bool,
    pub(super) level: f64,
    pub(super) threshold: f64,
    pub(super) max_iter: usize,
    pub(super) root_tol: f64,
    pub(super) tau2_ci: bool,
}

impl Default for MetaOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl MetaOptions {
    /// metafor's defaults: REML, z test, 95% intervals.
    #[must_use]
    pub fn new() -> Self {
        Self {
            method: TauMethod::Reml,
            knapp_hartung: false,
            level: 0.95,
            threshold: 1e-5,
            max_iter: 100,
            root_tol: f64::EPSILON.powf(0.25),
            tau2_ci: true,
        }
    }

    /// The τ² estimator.
    #[must_use]
    pub fn method(mut self, method: TauMethod) -> Self {
        self.method = method;
        self
    }

    /// Use the Knapp–Hartung adjustment (`test = "knha"`). metafor does not truncate the
    /// scale factor s² at 1 (that is `test = "adhoc"`), and neither does this crate. With one
    /// study metafor falls back to the z test, and so does this crate ([`MetaAnalysis::test`](crate::stats::MetaAnalysis::test)).
    #[must_use]
    pub fn knapp_hartung(mut self, on: bool) -> Self {
        self.knapp_hartung = on;
        self
    }

    /// Coverage of the CI, PI and τ² CI, in (0, 1) (0.95 is metafor's `level = 95`).
    #[must_use]
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Fisher-scoring convergence threshold on |Δτ²| (REML, ML); must be > 0.
    #[must_use]
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Maximum Fisher-scoring iterations (REML, ML) and root-finder iterations; must be ≥ 1.
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Tolerance of the `uniroot` searches (Paule–Mandel and Q-profile); must be > 0.
    /// metafor's default `.Machine$double.eps^0.25` gives bounds good to about 1e-5; use
    /// 1e-12 for precise bounds (metafor `control = list(tol = 1e-12)`).
    #[must_use]
    pub fn root_tol(mut self, tol: f64) -> Self {
        self.root_tol = tol;
        self
    }

    /// Whether to compute the Q-profile CI for τ² (random-effects models with k ≥ 2).
    #[must_use]
    pub fn tau2_ci(mut self, on: bool) -> Self {
        self.tau2_ci = on;
        self
    }

    pub(super) fn validate(&self) -> Result<(), StatsError> {
        if !(self.level.is_finite() && self.level > 0.0 && self.level < 1.0) {
            return Err(StatsError::invalid(
                "level",
                self.level,
                "a coverage in (0, 1)",
            ));
        }
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(StatsError::invalid(
                "threshold",
                self.threshold,
                "a finite number > 0",
            ));
        }
        if self.max_iter == 0 {
            return Err(StatsError::invalid("max_iter", 0.0, "at least 1"));
        }
        if !(self.root_tol.is_finite() && self.root_tol > 0.0) {
            return Err(StatsError::invalid(
                "root_tol",
                self.root_tol,
                "a finite number > 0",
            ));
        }
        Ok(())
    }
}
