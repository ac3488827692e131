//! Barrier findings and the alerts they raise.

use serde::{Deserialize, Serialize};

use super::{Alert, AlertKind, AlertSeverity};
use crate::monitor::MonitorError;

/// The category of a barrier finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingCategory {
    /// Any barrier (transference, countertransference, language, attachment, reactance …).
    Barrier,
    /// A boundary violation (always critical).
    BoundaryViolation,
    /// An ethics finding (always critical).
    Ethics,
}

/// A barrier finding for one session, as a later adapter fills it from barrier flags
/// (`critical` from the flag's `is_critical()`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "BarrierFindingRaw")]
pub struct BarrierFinding {
    session: u32,
    category: FindingCategory,
    critical: bool,
    description: String,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct BarrierFindingRaw {
    session: u32,
    category: FindingCategory,
    critical: bool,
    description: String,
}

impl TryFrom<BarrierFindingRaw> for BarrierFinding {
    type Error = MonitorError;
    fn try_from(r: BarrierFindingRaw) -> Result<Self, Self::Error> {
        Self::new(r.session, r.category, r.critical, r.description).map_err(crate::document::raised)
    }
}

impl BarrierFinding {
    /// A finding; `description` must not be blank.
    ///
    /// # Errors
    /// [`MonitorError::EmptyText`] for a blank description.
    pub fn new(
        session: u32,
        category: FindingCategory,
        critical: bool,
        description: impl Into<String>,
    ) -> Result<Self, MonitorError> {
        let description = description.into();
        if description.trim().is_empty() {
            return Err(MonitorError::EmptyText {
                what: "barrier finding description".to_owned(),
            });
        }
        Ok(Self {
            session,
            category,
            critical,
            description,
        })
    }

    /// The session.
    #[must_use]
    pub fn session(&self) -> u32 {
        self.session
    }

    /// The category.
    #[must_use]
    pub fn category(&self) -> FindingCategory {
        self.category
    }

    /// Whether the flag itself was critical.
    #[must_use]
    pub fn critical(&self) -> bool {
        self.critical
    }

    /// The description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The alert this finding raises: kind `ethics` for ethics findings, otherwise `barrier`;
    /// severity **critical** for boundary violations, ethics findings and flags marked
    /// critical, otherwise **warning**.
    #[must_use]
    pub fn to_alert(&self) -> Alert {
        let kind = if self.category == FindingCategory::Ethics {
            AlertKind::Ethics
        } else {
            AlertKind::Barrier
        };
        let severity = if self.critical || self.category != FindingCategory::Barrier {
            AlertSeverity::Critical
        } else {
            AlertSeverity::Warning
        };
        let what = match self.category {
            FindingCategory::Barrier => "barrier",
            FindingCategory::BoundaryViolation => "boundary violation",
            FindingCategory::Ethics => "ethics finding",
        };
        Alert::new(
            self.session,
            kind,
            severity,
            format!("{what}: {}", self.description),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barrier_rules() {
        let b =
            BarrierFinding::new(3, FindingCategory::Barrier, false, "language barrier").unwrap();
        assert_eq!(b.to_alert().severity, AlertSeverity::Warning);
        let b = BarrierFinding::new(3, FindingCategory::Barrier, true, "self-harm risk").unwrap();
        assert_eq!(b.to_alert().severity, AlertSeverity::Critical);
        let b = BarrierFinding::new(
            3,
            FindingCategory::BoundaryViolation,
            false,
            "dual relationship",
        )
        .unwrap();
        assert_eq!(
            (b.to_alert().kind, b.to_alert().severity),
            (AlertKind::Barrier, AlertSeverity::Critical)
        );
        let b = BarrierFinding::new(3, FindingCategory::Ethics, false, "confidentiality").unwrap();
        assert_eq!(
            (b.to_alert().kind, b.to_alert().severity),
            (AlertKind::Ethics, AlertSeverity::Critical)
        );
        assert!(BarrierFinding::new(3, FindingCategory::Ethics, false, "  ").is_err());
        let j = r#"{"session":1,"category":"ethics","critical":false,"description":""}"#;
        assert!(serde_json::from_str::<BarrierFinding>(j).is_err());
    }
}
