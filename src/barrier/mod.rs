//! Barrier flags, their taxonomy, ethics rules and the per-course barrier summary.

mod ethics;
mod flag;
mod summary;
mod taxonomy;

pub use ethics::{ClientStatus, EthicsFinding, PostTerminationRule, check_relationship};
pub use flag::BarrierFlag;
pub use summary::{BarrierSummary, BurdenWeights, CategoryCount};
pub use taxonomy::{
    AttachmentStyle, BarrierCategory, BarrierKind, BoundaryCategory, BoundaryType,
    CountertransferenceFactor, RaisedBy, Severity, TransferencePattern,
};

/// Why a barrier flag, rule or summary setting was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BarrierError {
    /// Session numbers start at 1.
    #[error("barrier flag has session number 0; session numbers start at 1")]
    SessionZero,
    /// A sexual boundary incident was recorded as a crossing.
    #[error("session {session}: a sexual boundary incident is always a violation, not a crossing")]
    SexualCrossing {
        /// The flag's session.
        session: u32,
    },
    /// A post-termination interval of zero years was given.
    #[error("post-termination interval must be at least 1 year, got {years}")]
    ZeroInterval {
        /// The interval given.
        years: u16,
    },
    /// A burden weight was negative or not finite.
    #[error("burden weight {name} must be finite and non-negative, got {value}")]
    InvalidWeight {
        /// Which weight (`noted`, `moderate`, `severe`, `resolved_factor`).
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A summary over zero sessions was asked for.
    #[error("barrier summary needs at least one session")]
    NoSessions,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(kind: BarrierKind, severity: Severity) -> BarrierFlag {
        BarrierFlag::new(1, kind, severity, RaisedBy::Counsellor).unwrap()
    }

    #[test]
    fn severity_rules() {
        let st = BarrierKind::Transference {
            pattern: TransferencePattern::Sexualised,
        };
        let sct = BarrierKind::Countertransference {
            factor: CountertransferenceFactor::Sexualised,
        };
        for k in [st, sct] {
            assert!(!flag(k, Severity::Noted).is_critical());
            assert!(!flag(k, Severity::Moderate).is_critical());
            assert!(flag(k, Severity::Severe).is_critical());
        }
        let v = BarrierKind::Boundary {
            boundary: BoundaryType::Violation,
            category: BoundaryCategory::Money,
        };
        assert!(flag(v, Severity::Noted).is_critical());
        let c = BarrierKind::Boundary {
            boundary: BoundaryType::Crossing,
            category: BoundaryCategory::Money,
        };
        assert!(!flag(c, Severity::Severe).is_critical());
        assert!(
            !flag(
                BarrierKind::Transference {
                    pattern: TransferencePattern::AngryEntitled
                },
                Severity::Severe
            )
            .is_critical()
        );
    }

    #[test]
    fn sexual_crossing_and_session_zero_rejected() {
        let k = BarrierKind::Boundary {
            boundary: BoundaryType::Crossing,
            category: BoundaryCategory::Sexual,
        };
        assert_eq!(
            BarrierFlag::new(2, k, Severity::Noted, RaisedBy::Client),
            Err(BarrierError::SexualCrossing { session: 2 })
        );
        assert_eq!(
            BarrierFlag::new(0, BarrierKind::Reactance, Severity::Noted, RaisedBy::Client),
            Err(BarrierError::SessionZero)
        );
    }

    #[test]
    fn burden_formula() {
        let flags = [
            flag(BarrierKind::Reactance, Severity::Severe),
            flag(BarrierKind::Projection, Severity::Noted).with_resolved(true),
            flag(BarrierKind::Obstructiveness, Severity::Moderate),
        ];
        let s = BarrierSummary::from_flags(&flags, 4, &BurdenWeights::new()).unwrap();
        assert_eq!(s.total, 3);
        assert_eq!(s.unresolved, 2);
        assert_eq!(s.burden, (3.0 + 2.0) / 4.0);
        assert_eq!(s.count(BarrierCategory::Projection), 1);
        let s = BarrierSummary::from_flags(&flags, 4, &BurdenWeights::new().resolved_factor(0.5))
            .unwrap();
        assert_eq!(s.burden, 5.5 / 4.0);
        assert!(BarrierSummary::from_flags(&flags, 0, &BurdenWeights::new()).is_err());
        assert!(matches!(
            BarrierSummary::from_flags(&flags, 1, &BurdenWeights::new().severe(f64::NAN)),
            Err(BarrierError::InvalidWeight { name: "severe", .. })
        ));
    }

    #[test]
    fn flag_json() {
        let f: BarrierFlag = serde_json::from_str(
            r#"{"session":2,"kind":{"type":"boundary","boundary":"violation","category":"gifts_services"},"severity":"noted","raised_by":"observer"}"#,
        )
        .unwrap();
        assert!(f.is_critical());
        assert!(!f.resolved());
        let back: BarrierFlag = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
        assert!(serde_json::from_str::<BarrierFlag>(
            r#"{"session":0,"kind":{"type":"reactance"},"severity":"noted","raised_by":"client"}"#
        )
        .is_err());
    }
}
