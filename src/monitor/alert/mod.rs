//! Deterministic alerts from alliance, outcome and barrier findings
//! (routine-outcome-monitoring rules; each rule below names its source, e.g. OpenFIT support
//! article 204000069702 for the PCOMS dashboard alerts).

mod finding;
mod rules;

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use finding::{BarrierFinding, FindingCategory};
pub use rules::{AlertInput, AlertRules, alerts};

/// What an alert is about. The declaration order is the sort order among alerts of equal
/// session and severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlertKind {
    /// An alliance rupture (unrepaired: warning; repaired: info).
    Rupture,
    /// The alliance score is below its cutoff.
    SrsLow,
    /// The alliance score fell since the last rated session.
    SrsDrop,
    /// The outcome is not on track against the expected trajectory.
    NotOnTrack,
    /// The outcome reliably deteriorated since intake.
    ReliableDeterioration,
    /// A sudden loss on the outcome measure.
    SuddenLoss,
    /// A barrier flag (transference, language, reactance …).
    Barrier,
    /// An ethics finding.
    Ethics,
}

impl AlertKind {
    /// The snake_case name used in JSON (`"srs_low"` …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rupture => "rupture",
            Self::SrsLow => "srs_low",
            Self::SrsDrop => "srs_drop",
            Self::NotOnTrack => "not_on_track",
            Self::ReliableDeterioration => "reliable_deterioration",
            Self::SuddenLoss => "sudden_loss",
            Self::Barrier => "barrier",
            Self::Ethics => "ethics",
        }
    }
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How urgent an alert is; `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlertSeverity {
    /// Worth knowing.
    Info,
    /// Discuss with the client.
    Warning,
    /// Act now.
    Critical,
}

impl AlertSeverity {
    /// The lowercase name (`"info"`, `"warning"`, `"critical"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for AlertSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One alert. Alerts sort by session, then severity (critical first), then kind, then reason,
/// so a sorted list is fully deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alert {
    /// The session the alert refers to.
    pub session: u32,
    /// What the alert is about.
    pub kind: AlertKind,
    /// How urgent it is.
    pub severity: AlertSeverity,
    /// A human-readable reason naming the values compared.
    pub reason: String,
}

impl Alert {
    /// An alert.
    #[must_use]
    pub fn new(
        session: u32,
        kind: AlertKind,
        severity: AlertSeverity,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            session,
            kind,
            severity,
            reason: reason.into(),
        }
    }
}

impl Ord for Alert {
    fn cmp(&self, other: &Self) -> Ordering {
        self.session
            .cmp(&other.session)
            .then_with(|| other.severity.cmp(&self.severity))
            .then_with(|| self.kind.cmp(&other.kind))
            .then_with(|| self.reason.cmp(&other.reason))
    }
}

impl PartialOrd for Alert {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Comparison;

    #[test]
    fn ordering() {
        let mut v = [
            Alert::new(2, AlertKind::SrsLow, AlertSeverity::Warning, "b"),
            Alert::new(1, AlertKind::Barrier, AlertSeverity::Warning, "x"),
            Alert::new(2, AlertKind::Ethics, AlertSeverity::Critical, "a"),
            Alert::new(2, AlertKind::Rupture, AlertSeverity::Warning, "z"),
            Alert::new(2, AlertKind::Rupture, AlertSeverity::Warning, "a"),
        ];
        v.sort();
        let got: Vec<(u32, AlertKind, &str)> = v
            .iter()
            .map(|a| (a.session, a.kind, a.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, AlertKind::Barrier, "x"),
                (2, AlertKind::Ethics, "a"),
                (2, AlertKind::Rupture, "a"),
                (2, AlertKind::Rupture, "z"),
                (2, AlertKind::SrsLow, "b"),
            ]
        );
    }

    #[test]
    fn serde_names() {
        let a = Alert::new(5, AlertKind::NotOnTrack, AlertSeverity::Warning, "r");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"session":5,"kind":"not_on_track","severity":"warning","reason":"r"}"#
        );
        assert_eq!(
            serde_json::to_string(&Comparison::LessOrEqual).unwrap(),
            r#""<=""#
        );
    }
}
