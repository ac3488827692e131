//! One barrier flag raised in a session: [`BarrierFlag`].

use serde::{Deserialize, Serialize};

use super::{
    BarrierCategory, BarrierError, BarrierKind, BoundaryCategory, BoundaryType, RaisedBy, Severity,
};

/// One barrier flag, raised in one session.
///
/// In JSON: `{"session": 4, "kind": {"type": "reactance"}, "severity": "moderate",
/// "raised_by": "counsellor", "resolved": false}` (`resolved` defaults to `false`).
///
///
/// # Taxonomy
/// Every [`BarrierFlag`] has a [`BarrierKind`], grouped into [`BarrierCategory`] for counting.
/// The sub-kinds follow the literature:
/// - transference patterns: the five dimensions of the Psychotherapy Relationship Questionnaire
///   (Bradley, Heim & Westen 2005): angry/entitled, anxious/preoccupied,
///   avoidant/counterdependent, secure/engaged, sexualised; plus projection;
/// - countertransference: the eight factors of the Countertransference Questionnaire (Betan,
///   Heim, Zittel Conklin & Westen 2005);
/// - boundary issues: crossing vs violation (Gutheil & Gabbard 1998) in the areas of Gutheil &
///   Gabbard (1993), plus dual relationship and sexual;
/// - language barrier (shared language, interpreter present); attachment difficulties
///   (anxious, avoidant, disorganised); reactance to advice (Beutler et al. 2018);
///   obstructiveness or disengagement.
///
/// # Severity rules
/// [`BarrierFlag::is_critical`]: **any boundary violation**, and **any sexualised transference or
/// countertransference flagged [`Severity::Severe`]**, is critical. A boundary incident in the
/// sexual category is always a violation (APA 10.05, ACA A.5.a): a flag recording it as a mere
/// crossing is rejected.
///
/// # Ethics rule for relationships after termination
/// See [`PostTerminationRule`](super::PostTerminationRule) and [`check_relationship`](super::check_relationship).
///
/// # Barrier burden
/// See [`BurdenWeights`](super::BurdenWeights) and [`BarrierSummary`](super::BarrierSummary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "FlagRepr", into = "FlagRepr")]
pub struct BarrierFlag {
    session: u32,
    kind: BarrierKind,
    severity: Severity,
    raised_by: RaisedBy,
    resolved: bool,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct FlagRepr {
    session: u32,
    kind: BarrierKind,
    severity: Severity,
    raised_by: RaisedBy,
    #[serde(default)]
    resolved: bool,
}

impl TryFrom<FlagRepr> for BarrierFlag {
    type Error = BarrierError;
    fn try_from(r: FlagRepr) -> Result<Self, BarrierError> {
        BarrierFlag::new(r.session, r.kind, r.severity, r.raised_by)
            .map(|f| f.with_resolved(r.resolved))
            .map_err(crate::document::raised)
    }
}

impl From<BarrierFlag> for FlagRepr {
    fn from(f: BarrierFlag) -> Self {
        FlagRepr {
            session: f.session,
            kind: f.kind,
            severity: f.severity,
            raised_by: f.raised_by,
            resolved: f.resolved,
        }
    }
}

impl BarrierFlag {
    /// A new, unresolved flag.
    ///
    /// # Errors
    /// [`BarrierError::SessionZero`] for session 0; [`BarrierError::SexualCrossing`] for a
    /// boundary *crossing* in the sexual category (sexual contact is always a violation).
    ///
    /// # Examples
    /// ```
    /// use therapeutic_alliance::{BarrierFlag, BarrierKind, RaisedBy, Severity, TransferencePattern};
    /// let flag = BarrierFlag::new(
    ///     3,
    ///     BarrierKind::Transference { pattern: TransferencePattern::Sexualised },
    ///     Severity::Severe,
    ///     RaisedBy::Supervisor,
    /// )?;
    /// assert!(flag.is_critical());
    /// assert!(!flag.resolved());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        session: u32,
        kind: BarrierKind,
        severity: Severity,
        raised_by: RaisedBy,
    ) -> Result<Self, BarrierError> {
        if session == 0 {
            return Err(BarrierError::SessionZero);
        }
        if let BarrierKind::Boundary {
            boundary: BoundaryType::Crossing,
            category: BoundaryCategory::Sexual,
        } = kind
        {
            return Err(BarrierError::SexualCrossing { session });
        }
        Ok(Self {
            session,
            kind,
            severity,
            raised_by,
            resolved: false,
        })
    }

    /// The same flag marked resolved (or not).
    #[must_use]
    pub fn with_resolved(mut self, resolved: bool) -> Self {
        self.resolved = resolved;
        self
    }

    /// The session in which the flag was raised.
    #[must_use]
    pub fn session(&self) -> u32 {
        self.session
    }
    /// The kind of barrier.
    #[must_use]
    pub fn kind(&self) -> BarrierKind {
        self.kind
    }
    /// The kind's category.
    #[must_use]
    pub fn category(&self) -> BarrierCategory {
        self.kind.category()
    }
    /// The severity.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// Who raised it.
    #[must_use]
    pub fn raised_by(&self) -> RaisedBy {
        self.raised_by
    }
    /// Whether it has been resolved.
    #[must_use]
    pub fn resolved(&self) -> bool {
        self.resolved
    }

    /// Whether the flag is critical: any boundary violation (whatever its recorded severity),
    /// or sexualised transference or countertransference flagged [`Severity::Severe`].
    #[must_use]
    pub fn is_critical(&self) -> bool {
        self.kind.is_boundary_violation()
            || (self.kind.is_sexualised() && self.severity == Severity::Severe)
    }
}
