//! Courses: ordering, validation, series, flag queries and the JSON list-of-courses format.
mod common;

use common::domain::{date, score, session};
use proptest::prelude::*;
use therapeutic_alliance::{
    Administration, BarrierCategory, BarrierFlag, BarrierKind, BoundaryCategory, BoundaryType,
    Course, CourseError, RaisedBy, Respondent, Responses, Session, SessionDate, SessionRejection,
    Severity,
};

fn scored(s: Session, instrument: &str, who: Respondent, total: f64) -> Session {
    s.with_administration(
        Administration::new(
            instrument,
            who,
            Responses::new(),
            Some(score(instrument, total, &[])),
        )
        .unwrap(),
    )
    .unwrap()
}

#[test]
fn bundled_file_loads_and_round_trips() {
    let text = common::golden::text("courses.json");
    let courses: Vec<Course> = serde_json::from_str(&text).unwrap();
    assert_eq!(courses.len(), 5);
    let c = &courses[0];
    assert_eq!(c.client().as_str(), "c-101");
    assert_eq!(c.len(), 8);
    assert_eq!(c.series("srs")[3], (4, 31.5));
    assert_eq!(c.series("care"), [(3, 44.0), (8, 47.0)]);
    let c5 = &courses[4];
    assert_eq!(c5.series("wai-sr").len(), 24);
    assert_eq!(c5.series_by("wai-sr", Respondent::Therapist).len(), 12);
    assert_eq!(c5.termination(), Some(date(2024, 2, 29)));
    let c3 = &courses[2];
    assert_eq!(c3.critical_flags().count(), 2);
    assert_eq!(c3.flags_of(BarrierCategory::Boundary).count(), 3);
    assert_eq!(c3.flags_in_session(8).len(), 2);
    assert_eq!(c3.flags_at_least(Severity::Moderate).count(), 5);
    let summary = c3.barrier_summary();
    assert_eq!(
        (summary.total, summary.unresolved, summary.critical),
        (6, 6, 2)
    );
    assert!((summary.burden - 12.0 / 10.0).abs() < 1e-12);

    let again: Vec<Course> =
        serde_json::from_str(&serde_json::to_string(&courses).unwrap()).unwrap();
    assert_eq!(again, courses);
}

#[test]
fn rejects_every_bad_session_with_its_reason() {
    let d = date(2025, 1, 1);
    let sessions = [
        session("c", "t", 1, d),
        session("c", "t", 2, date(2025, 1, 8)),
        session("c", "t", 2, date(2025, 1, 8)),
        session("other", "t", 3, date(2025, 1, 15)),
        session("c", "t", 4, date(2024, 12, 1)),
    ];
    let Err(CourseError::Rejected(problems)) = Course::new(sessions) else {
        panic!("expected rejection");
    };
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(matches!(
        problems[0],
        SessionRejection::Duplicate { number: 2 }
    ));
    assert!(matches!(
        problems[1],
        SessionRejection::Foreign { number: 3, .. }
    ));
    assert!(matches!(
        problems[2],
        SessionRejection::DateOrder {
            number: 4,
            previous: 2,
            ..
        }
    ));
    assert_eq!(Course::new([]), Err(CourseError::Empty));
    let msg = CourseError::Rejected(problems).to_string();
    assert!(msg.starts_with("3 session(s) rejected: session 2 appears more than once; "));
}

#[test]
fn push_keeps_order_and_rejects() {
    let mut c = Course::new([session("c", "t", 5, date(2025, 2, 1))]).unwrap();
    c.push(session("c", "t", 1, date(2025, 1, 1))).unwrap();
    c.push(session("c", "t", 3, date(2025, 1, 15))).unwrap();
    assert_eq!(c.iter().map(Session::number).collect::<Vec<_>>(), [1, 3, 5]);
    assert!(c.push(session("c", "t", 3, date(2025, 1, 15))).is_err());
    assert!(c.push(session("c", "x", 4, date(2025, 1, 20))).is_err());
    assert!(c.push(session("c", "t", 4, date(2025, 3, 1))).is_err());
    assert!(c.push(session("c", "t", 2, date(2024, 12, 1))).is_err());
    assert_eq!(c.len(), 3);
    let c = c.with_termination(date(2025, 2, 1)).unwrap();
    assert!(c.clone().with_termination(date(2025, 1, 31)).is_err());
    let mut c = c;
    assert!(matches!(
        c.push(session("c", "t", 6, date(2025, 2, 2))),
        Err(CourseError::TerminationBeforeLastSession { .. })
    ));
}

#[test]
fn series_by_respondent_and_unscored_skipped() {
    let s1 = scored(
        session("c", "t", 1, date(2025, 1, 1)),
        "wai-sr",
        Respondent::Client,
        40.0,
    );
    let s1 = scored(s1, "wai-sr", Respondent::Therapist, 38.0);
    let s2 = session("c", "t", 2, date(2025, 1, 8))
        .with_administration(
            Administration::new(
                "wai-sr",
                Respondent::Client,
                [(1, therapeutic_alliance::Answer::Missing)]
                    .into_iter()
                    .collect(),
                None,
            )
            .unwrap(),
        )
        .unwrap();
    let c = Course::new([s2, s1]).unwrap();
    assert_eq!(c.series("wai-sr"), [(1, 40.0), (1, 38.0)]);
    assert_eq!(c.series_by("wai-sr", Respondent::Therapist), [(1, 38.0)]);
    assert!(c.series("srs").is_empty());
    assert_eq!((c.start(), c.end()), (date(2025, 1, 1), date(2025, 1, 8)));
}

#[test]
fn course_json_rejects_foreign_sessions_and_lists_all_problems() {
    let json = r#"{"client":"c","counsellor":"t","sessions":[
        {"number":1,"date":"2025-01-01"},
        {"client":"z","number":2,"date":"2025-01-08"},
        {"number":1,"date":"2025-01-01"},
        {"number":0,"date":"2025-01-01"}]}"#;
    let err = serde_json::from_str::<Course>(json)
        .unwrap_err()
        .to_string();
    assert!(err.contains("3 session(s) rejected"), "{err}");
    assert!(
        serde_json::from_str::<Course>(r#"{"client":"c","counsellor":"t","sessions":[]}"#).is_err()
    );
}

#[test]
fn critical_flags_queryable() {
    let f = BarrierFlag::new(
        1,
        BarrierKind::Boundary {
            boundary: BoundaryType::Violation,
            category: BoundaryCategory::DualRelationship,
        },
        Severity::Noted,
        RaisedBy::Supervisor,
    )
    .unwrap();
    let c = Course::new([session("c", "t", 1, date(2025, 1, 1)).with_flag(f).unwrap()]).unwrap();
    assert_eq!(c.critical_flags().count(), 1);
    assert_eq!(c.unresolved_flags().count(), 1);
}

proptest! {
    #[test]
    fn sessions_stay_ordered(order in Just((1u32..=30).collect::<Vec<_>>()).prop_shuffle(), n in 1usize..30) {
        let make = |k: u32| {
            session("c", "t", k, SessionDate::new(2025, 1 + (i32::try_from(k).unwrap() - 1) / 28, 1 + (i32::try_from(k).unwrap() - 1) % 28).unwrap())
        };
        let picked: Vec<u32> = order.iter().copied().take(n).collect();
        let course = Course::new(picked.iter().map(|&k| make(k))).unwrap();
        let numbers: Vec<u32> = course.iter().map(Session::number).collect();
        let mut sorted = picked.clone();
        sorted.sort_unstable();
        prop_assert_eq!(&numbers, &sorted);
        prop_assert!(course.iter().zip(course.iter().skip(1)).all(|(a, b)| a.date() <= b.date()));
        let mut pushed = Course::new([make(picked[0])]).unwrap();
        for &k in &picked[1..] {
            pushed.push(make(k)).unwrap();
        }
        prop_assert_eq!(pushed, course);
    }

    #[test]
    fn duplicates_always_rejected(k in 1u32..1000) {
        let s = session("c", "t", k, date(2025, 1, 1));
        let rejected = matches!(Course::new([s.clone(), s]), Err(CourseError::Rejected(_)));
        prop_assert!(rejected);
    }

    #[test]
    fn course_json_never_panics(s in "\\PC{0,120}") {
        let _ = serde_json::from_str::<Vec<Course>>(&s);
    }
}

#[test]
fn first_and_last_and_pre_post_pairs() {
    use therapeutic_alliance::{Respondent, pre_post};
    let courses: Vec<therapeutic_alliance::Course> =
        serde_json::from_str(&common::golden::text("courses.json")).unwrap();
    let (pre, post) = pre_post(&courses, "ors", Respondent::Client);
    let mut want = (Vec::new(), Vec::new());
    for c in &courses {
        let s = c.series_by("ors", Respondent::Client);
        if s.len() >= 2 {
            want.0.push(s[0].1);
            want.1.push(s[s.len() - 1].1);
            assert_eq!(
                c.first_and_last("ors", Respondent::Client),
                Some((s[0], s[s.len() - 1]))
            );
        } else {
            assert_eq!(c.first_and_last("ors", Respondent::Client), None);
        }
    }
    assert!(!pre.is_empty());
    assert_eq!((pre, post), want);
}
