//! Deterministic alerts from alliance, outcome and barrier findings
//! (routine-outcome-monitoring rules; each rule below names its source, e.g. OpenFIT support
//! article 204000069702 for the PCOMS dashboard alerts).

mod finding;
pub(in crate::monitor) mod rules;

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use finding::{BarrierFinding, FindingCategory};
pub use rules::AlertRules;
pub(in crate::monitor) use rules::alerts;

use crate::date::SessionDate;
use crate::id::ClientId;

/// What an alert is about, in neutral terms: the instrument it concerns is in
/// [`Alert::instrument`], never in the kind. The declaration order is the sort order among
/// alerts of equal session and severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlertKind {
    /// A critical (risk) item was met, e.g. PHQ-9 item 9 answered above "not at all": a
    /// prompt for a clinician's risk assessment the same day, never a risk estimate.
    CriticalItem,
    /// An alliance rupture (unrepaired: warning; repaired: info).
    Rupture,
    /// The alliance score meets its instrument's cutoff (SRS: below 36).
    AllianceLow,
    /// The alliance score fell by at least its instrument's drop since the last rated session.
    AllianceDrop,
    /// The outcome is not on track against the expected trajectory.
    NotOnTrack,
    /// The outcome worsened since intake by more than its reliable-change threshold.
    OutcomeDeterioration,
    /// A sudden loss on the outcome measure.
    SuddenLoss,
    /// A barrier flag (transference, language, reactance …).
    Barrier,
    /// An ethics finding.
    Ethics,
}

impl AlertKind {
    /// The snake_case name used in JSON (`"alliance_low"` …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CriticalItem => "critical_item",
            Self::Rupture => "rupture",
            Self::AllianceLow => "alliance_low",
            Self::AllianceDrop => "alliance_drop",
            Self::NotOnTrack => "not_on_track",
            Self::OutcomeDeterioration => "outcome_deterioration",
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

/// Where the threshold an alert compared against came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ThresholdSource {
    /// The published rule of a built-in instrument's definition (its citation and
    /// verification label are on the [`Instrument`](crate::Instrument)).
    Published,
    /// A number the user supplied: an [`AlertRules`] setting, or a user-defined or adapted
    /// instrument definition.
    User,
    /// Derived from the data being monitored (e.g. a between-client or within-client SD).
    Derived,
}

impl ThresholdSource {
    /// The snake_case name (`"published"`, `"user"`, `"derived"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::User => "user",
            Self::Derived => "derived",
        }
    }
}

impl fmt::Display for ThresholdSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How urgent an alert is; `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// One alert: who (client), when (session, date), what (kind, instrument, value), against
/// which threshold and where that threshold came from, how urgent, and a human-readable
/// reason. Alerts sort by session, then severity (critical first), then kind, then reason,
/// so a sorted list is fully deterministic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Alert {
    /// The client, when the monitored data named one (always, through
    /// [`CourseMonitor::run`](crate::monitor::CourseMonitor::run)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientId>,
    /// The session the alert refers to.
    pub session: u32,
    /// The session's date, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<SessionDate>,
    /// What the alert is about.
    pub kind: AlertKind,
    /// How urgent it is.
    pub severity: AlertSeverity,
    /// The instrument whose score raised it (`None` for barrier and ethics findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The critical rule's id, for a [`AlertKind::CriticalItem`] alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The value compared (score, change or raw answer), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The threshold it was compared against, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Where the threshold came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_source: Option<ThresholdSource>,
    /// A human-readable reason naming the values compared.
    pub reason: String,
}

impl Alert {
    /// An alert with only a session, kind, severity and reason (add the rest with the
    /// `with_*` methods).
    #[must_use]
    pub fn new(
        session: u32,
        kind: AlertKind,
        severity: AlertSeverity,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            client: None,
            session,
            date: None,
            kind,
            severity,
            instrument: None,
            rule: None,
            value: None,
            threshold: None,
            threshold_source: None,
            reason: reason.into(),
        }
    }

    /// The same alert naming the instrument and the value compared.
    #[must_use]
    pub fn with_value(mut self, instrument: impl Into<String>, value: f64) -> Self {
        self.instrument = Some(instrument.into());
        self.value = Some(value);
        self
    }

    /// The same alert with the threshold it compared against and that threshold's source.
    #[must_use]
    pub fn with_threshold(mut self, threshold: f64, source: ThresholdSource) -> Self {
        self.threshold = Some(threshold);
        self.threshold_source = Some(source);
        self
    }

    /// The same alert for `client`.
    #[must_use]
    pub fn with_client(mut self, client: ClientId) -> Self {
        self.client = Some(client);
        self
    }

    /// The same alert dated `date`.
    #[must_use]
    pub fn with_date(mut self, date: SessionDate) -> Self {
        self.date = Some(date);
        self
    }
}

/// Alerts hold no NaN (every value comes from a validated series or score), so equality is
/// total.
impl Eq for Alert {}

impl Ord for Alert {
    fn cmp(&self, other: &Self) -> Ordering {
        self.session
            .cmp(&other.session)
            .then_with(|| other.severity.cmp(&self.severity))
            .then_with(|| self.kind.cmp(&other.kind))
            .then_with(|| self.reason.cmp(&other.reason))
            .then_with(|| self.client.cmp(&other.client))
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
            Alert::new(2, AlertKind::AllianceLow, AlertSeverity::Warning, "b"),
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
                (2, AlertKind::AllianceLow, "b"),
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
