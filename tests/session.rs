//! Sessions, administrations and dates.
mod common;

use common::domain::{date, score, session};
use proptest::prelude::*;
use therapeutic_alliance::{
    Administration, Answer, BarrierFlag, BarrierKind, RaisedBy, Respondent, Responses, Session,
    SessionDate, SessionError, Severity,
};

#[test]
fn administration_rules() {
    let r: Responses = [(1, Answer::Value(3.0))].into_iter().collect();
    assert!(Administration::new("srs", Respondent::Client, r.clone(), None).is_ok());
    assert!(matches!(
        Administration::new("srs", Respondent::Client, Responses::new(), None),
        Err(SessionError::EmptyAdministration { .. })
    ));
    assert!(matches!(
        Administration::new(" ", Respondent::Client, r.clone(), None),
        Err(SessionError::EmptyInstrument { .. })
    ));
    let e = Administration::new(
        "srs",
        Respondent::Client,
        r.clone(),
        Some(score("ors", 20.0, &[])),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "session 0: administration of \"srs\" holds a score of \"ors\""
    );
    let mut nan = score("srs", 20.0, &[]);
    nan.total = f64::NAN;
    assert!(matches!(
        Administration::new("srs", Respondent::Client, Responses::new(), Some(nan)),
        Err(SessionError::NonFiniteScore { .. })
    ));
}

#[test]
fn session_json_round_trip() {
    let a = Administration::new(
        "wai-sr",
        Respondent::Therapist,
        Responses::new(),
        Some(score("wai-sr", 44.0, &[("bond", 15.0)])),
    )
    .unwrap();
    let s = session("c-1", "t-1", 3, date(2025, 5, 1))
        .with_interpreter(true)
        .with_administration(a)
        .unwrap()
        .with_flag(
            BarrierFlag::new(
                3,
                BarrierKind::Projection,
                Severity::Noted,
                RaisedBy::Observer,
            )
            .unwrap()
            .with_resolved(true),
        )
        .unwrap();
    let json = serde_json::to_string(&s).unwrap();
    let back: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.scores("wai-sr").count(), 1);
}

#[test]
fn standalone_session_json_needs_ids_and_valid_parts() {
    let ok = r#"{"client":"c","counsellor":"t","number":1,"date":"2025-01-01"}"#;
    assert!(serde_json::from_str::<Session>(ok).is_ok());
    // Forward compatibility: unknown fields are ignored (a newer writer's optional field).
    let newer = r#"{"client":"c","counsellor":"t","number":1,"date":"2025-01-01","mood":"ok"}"#;
    assert!(serde_json::from_str::<Session>(newer).is_ok());
    for bad in [
        r#"{"counsellor":"t","number":1,"date":"2025-01-01"}"#,
        r#"{"client":"c","counsellor":"t","number":0,"date":"2025-01-01"}"#,
        r#"{"client":"c","counsellor":"t","number":1,"date":"2025-02-30"}"#,
        // an impossible stored score (SRS is 0-40)
        r#"{"client":"c","counsellor":"t","number":1,"date":"2025-01-01","administrations":[{"instrument":"srs","respondent":"client","score":{"instrument":"srs","total":999.0,"subscales":[],"answered":4,"prorated":false,"imputed":0,"band":null,"cutoff_met":false}}]}"#,
        r#"{"client":"c","counsellor":"t","number":1,"date":"2025-01-01","flags":[{"session":2,"kind":{"type":"reactance"},"severity":"noted","raised_by":"client"}]}"#,
        r#"{"client":"c","counsellor":"t","number":1,"date":"2025-01-01","administrations":[{"instrument":"srs","respondent":"client"}]}"#,
    ] {
        assert!(serde_json::from_str::<Session>(bad).is_err(), "{bad}");
    }
}

#[test]
fn send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Session>();
    assert_send_sync::<SessionError>();
    assert_send_sync::<SessionDate>();
}

proptest! {
    #[test]
    fn dates_never_panic_and_round_trip(y in -20000i32..20000, m in -2i32..15, d in -2i32..34) {
        if let Ok(date) = SessionDate::new(y, m, d) {
            prop_assert_eq!((date.year(), date.month(), date.day()), (y, m, d));
            let text = date.to_string();
            prop_assert_eq!(text.parse::<SessionDate>().unwrap(), date);
            let json = serde_json::to_string(&date).unwrap();
            prop_assert_eq!(serde_json::from_str::<SessionDate>(&json).unwrap(), date);
        }
    }

    #[test]
    fn date_parsing_never_panics(s in "\\PC{0,12}") {
        let _ = s.parse::<SessionDate>();
    }

    #[test]
    fn session_json_never_panics(s in "\\PC{0,80}") {
        let _ = serde_json::from_str::<Session>(&s);
    }
}
