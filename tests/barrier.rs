//! Barrier flags: severity rules, the post-termination ethics check at its boundary, summary.
mod common;

use common::domain::date;
use proptest::prelude::*;
use therapeutic_alliance::{
    AttachmentStyle, BarrierCategory, BarrierFlag, BarrierKind, BarrierSummary, BoundaryCategory,
    BoundaryType, BurdenWeights, ClientStatus, CountertransferenceFactor, EthicsFinding,
    PostTerminationRule, RaisedBy, SessionDate, Severity, TransferencePattern, check_relationship,
};

const SEVERITIES: [Severity; 3] = [Severity::Noted, Severity::Moderate, Severity::Severe];

fn all_kinds() -> Vec<BarrierKind> {
    use BoundaryCategory as B;
    let mut k = vec![
        BarrierKind::Projection,
        BarrierKind::Reactance,
        BarrierKind::Obstructiveness,
    ];
    for pattern in [
        TransferencePattern::AngryEntitled,
        TransferencePattern::AnxiousPreoccupied,
        TransferencePattern::AvoidantCounterdependent,
        TransferencePattern::SecureEngaged,
        TransferencePattern::Sexualised,
    ] {
        k.push(BarrierKind::Transference { pattern });
    }
    for factor in [
        CountertransferenceFactor::Overwhelmed,
        CountertransferenceFactor::Helpless,
        CountertransferenceFactor::Positive,
        CountertransferenceFactor::SpecialOverinvolved,
        CountertransferenceFactor::Sexualised,
        CountertransferenceFactor::Disengaged,
        CountertransferenceFactor::ParentalProtective,
        CountertransferenceFactor::CriticisedMistreated,
    ] {
        k.push(BarrierKind::Countertransference { factor });
    }
    for boundary in [BoundaryType::Crossing, BoundaryType::Violation] {
        for category in [
            B::Role,
            B::Time,
            B::PlaceSpace,
            B::Money,
            B::GiftsServices,
            B::Clothing,
            B::Language,
            B::SelfDisclosure,
            B::PhysicalContact,
            B::DualRelationship,
            B::Sexual,
        ] {
            k.push(BarrierKind::Boundary { boundary, category });
        }
    }
    for (shared_language, interpreter_present) in
        [(true, true), (true, false), (false, true), (false, false)]
    {
        k.push(BarrierKind::Language {
            shared_language,
            interpreter_present,
        });
    }
    for style in [
        AttachmentStyle::Anxious,
        AttachmentStyle::Avoidant,
        AttachmentStyle::Disorganised,
    ] {
        k.push(BarrierKind::Attachment { style });
    }
    k
}

#[test]
fn severity_rules_over_every_kind() {
    let mut critical = 0;
    for kind in all_kinds() {
        for severity in SEVERITIES {
            let Ok(flag) = BarrierFlag::new(1, kind, severity, RaisedBy::Supervisor) else {
                // Only a sexual "crossing" is refused.
                assert_eq!(
                    kind,
                    BarrierKind::Boundary {
                        boundary: BoundaryType::Crossing,
                        category: BoundaryCategory::Sexual
                    }
                );
                continue;
            };
            let expected = kind.is_boundary_violation()
                || (kind.is_sexualised() && severity == Severity::Severe);
            assert_eq!(flag.is_critical(), expected, "{kind:?} {severity:?}");
            critical += usize::from(expected);
            let json = serde_json::to_string(&flag).unwrap();
            assert_eq!(serde_json::from_str::<BarrierFlag>(&json).unwrap(), flag);
        }
    }
    // 11 violation categories x 3 severities + 2 sexualised kinds x severe.
    assert_eq!(critical, 11 * 3 + 2);
}

fn former(y: i32, m: i32, d: i32) -> ClientStatus {
    ClientStatus::Former {
        terminated: date(y, m, d),
    }
}

#[test]
fn apa_boundary_one_day_before_on_after() {
    let apa = PostTerminationRule::apa_10_08();
    let t = former(2023, 6, 15);
    assert!(matches!(
        check_relationship(&apa, t, date(2025, 6, 14)),
        EthicsFinding::WithinInterval { days_short: 1, .. }
    ));
    assert!(matches!(
        check_relationship(&apa, t, date(2025, 6, 15)),
        EthicsFinding::RequiresReview { .. }
    ));
    assert!(!check_relationship(&apa, t, date(2025, 6, 16)).is_violation());
}

#[test]
fn aca_boundary_one_day_before_on_after() {
    let aca = PostTerminationRule::aca_2014_a5c();
    let t = former(2020, 1, 1);
    assert!(check_relationship(&aca, t, date(2024, 12, 31)).is_violation());
    assert!(!check_relationship(&aca, t, date(2025, 1, 1)).is_violation());
    assert!(!check_relationship(&aca, t, date(2025, 1, 2)).is_violation());
    assert_eq!(aca.years(), 5);
    assert_eq!(aca.label(), "ACA 2014 A.5.c");
}

#[test]
fn leap_day_terminations() {
    let apa = PostTerminationRule::apa_10_08();
    let aca = PostTerminationRule::aca_2014_a5c();
    let t = former(2024, 2, 29);
    // Non-leap anniversary: the interval ends on 1 March.
    assert!(check_relationship(&apa, t, date(2026, 2, 28)).is_violation());
    assert_eq!(
        check_relationship(&apa, t, date(2026, 3, 1)),
        EthicsFinding::RequiresReview {
            rule: "APA 10.08".into(),
            earliest_permitted: date(2026, 3, 1)
        }
    );
    assert!(!check_relationship(&apa, t, date(2026, 3, 2)).is_violation());
    // Leap anniversary (4 years, custom rule): 29 February itself.
    let four = PostTerminationRule::new("four years", 4).unwrap();
    assert!(check_relationship(&four, t, date(2028, 2, 28)).is_violation());
    assert!(!check_relationship(&four, t, date(2028, 2, 29)).is_violation());
    assert!(check_relationship(&aca, t, date(2029, 2, 28)).is_violation());
    assert!(!check_relationship(&aca, t, date(2029, 3, 1)).is_violation());
}

#[test]
fn current_clients_always_violation() {
    let apa = PostTerminationRule::apa_10_08();
    assert_eq!(
        check_relationship(&apa, ClientStatus::Current, date(2099, 1, 1)),
        EthicsFinding::CurrentClientViolation
    );
    // Began before termination: still a current client.
    assert_eq!(
        check_relationship(&apa, former(2025, 1, 10), date(2025, 1, 9)),
        EthicsFinding::CurrentClientViolation
    );
    assert!(PostTerminationRule::new("none", 0).is_err());
    // Near the end of the calendar: no permitted date exists.
    assert!(matches!(
        check_relationship(
            &apa,
            ClientStatus::Former {
                terminated: SessionDate::MAX
            },
            SessionDate::MAX
        ),
        EthicsFinding::WithinInterval {
            earliest_permitted: None,
            ..
        }
    ));
}

proptest! {
    #[test]
    fn boundary_holds_for_any_date(y in 1i32..9990, m in 1i32..=12, d in 1i32..=31, years in 1u16..=6) {
        let Ok(t) = SessionDate::new(y, m, d) else { return Ok(()) };
        let rule = PostTerminationRule::new("r", years).unwrap();
        let earliest = rule.earliest_permitted(t).unwrap();
        let status = ClientStatus::Former { terminated: t };
        prop_assert!(!check_relationship(&rule, status, earliest).is_violation());
        let before = earliest.add_days(-1).unwrap();
        prop_assert!(check_relationship(&rule, status, before).is_violation());
        prop_assert!(!check_relationship(&rule, status, earliest.add_days(1).unwrap()).is_violation());
        // Interval at least `years` * 365 days.
        prop_assert!(t.days_until(earliest) >= i64::from(years) * 365);
    }

    #[test]
    fn summary_invariants(raw in proptest::collection::vec((0usize..48, 0usize..3, any::<bool>()), 0..40), sessions in 1usize..20) {
        let kinds = all_kinds();
        let flags: Vec<BarrierFlag> = raw
            .iter()
            .filter_map(|&(k, s, r)| BarrierFlag::new(1, kinds[k % kinds.len()], SEVERITIES[s], RaisedBy::Client).ok().map(|f| f.with_resolved(r)))
            .collect();
        let s = BarrierSummary::from_flags(&flags, sessions, &BurdenWeights::new()).unwrap();
        prop_assert_eq!(s.total, flags.len());
        prop_assert_eq!(s.counts.iter().map(|c| c.count).sum::<usize>(), s.total);
        prop_assert_eq!(s.counts.len(), BarrierCategory::ALL.len());
        prop_assert!(s.burden >= 0.0 && s.burden <= 3.0 * s.total as f64);
        prop_assert!(s.unresolved <= s.total && s.critical <= s.total);
        if s.unresolved == 0 { prop_assert_eq!(s.burden, 0.0); }
    }
}
