//! `document::from_json`, the one parse entry point for apps: a malformed document of each
//! type gives an `ErrorDocument` with the code of the validation that refused it (not serde's
//! text), the fields locating it, and the JSON line and column.

use serde::de::DeserializeOwned;
use therapeutic_alliance::document::from_json;
use therapeutic_alliance::export::ExportSpec;
use therapeutic_alliance::monitor::{AlertRules, CourseMonitoring, Series, Targets};
use therapeutic_alliance::{
    BarrierFlag, ClientId, Course, CriticalRule, ErrorDocument, Instrument, Responses, Score,
    Session, SessionDate,
};

fn refused<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> ErrorDocument {
    match from_json::<T>(json) {
        Ok(v) => panic!("accepted {json}: {v:?}"),
        Err(e) => {
            // The document itself is a valid error document.
            let back: ErrorDocument = from_json(&serde_json::to_string(&e).unwrap()).unwrap();
            assert_eq!(back, e);
            e
        }
    }
}

fn code<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
    refused::<T>(json).code
}

const SESSION: &str =
    r#"{"client": "c-1", "counsellor": "t-1", "number": 1, "date": "2025-01-08"}"#;

#[test]
fn validation_errors_keep_their_codes() {
    let e = refused::<Vec<Course>>(
        "[\n  {\"client\": \"c 1\", \"counsellor\": \"t-1\", \"sessions\": []}\n]",
    );
    assert_eq!(e.code, "invalid_id_character");
    assert_eq!((e.line, e.column), (Some(2), Some(18)));
    assert!(e.message.contains("c 1"), "{}", e.message);

    assert_eq!(code::<ClientId>(r#""""#), "empty_id");
    assert_eq!(code::<SessionDate>(r#""2025-02-30""#), "invalid_date");
    assert_eq!(code::<SessionDate>(r#""8 Jan 2025""#), "date_syntax");
    assert_eq!(
        code::<Session>(&SESSION.replace("\"number\": 1", "\"number\": 0")),
        "session_number_zero"
    );
    let unordered = r#"{"client": "c-1", "counsellor": "t-1", "sessions": [
        {"number": 1, "date": "2025-01-15"}, {"number": 2, "date": "2025-01-08"}]}"#;
    assert_eq!(code::<Course>(unordered), "sessions_rejected");
    assert_eq!(
        code::<Course>(r#"{"version": 2, "client": "c-1", "counsellor": "t-1", "sessions": []}"#),
        "unsupported_version"
    );
    assert_eq!(
        code::<Score>(
            r#"{"version": 9, "instrument": "srs", "total": 30, "subscales": [], "answered": 4, "prorated": false, "imputed": 0, "band": null, "cutoff_met": true}"#
        ),
        "unsupported_version"
    );
    let e = refused::<Responses>(r#"{"1": 4, "2": 3, "1": 5}"#);
    assert_eq!((e.code.as_str(), e.item), ("duplicate_item", Some(1)));
    assert_eq!(code::<Series>("[[2, 30.0], [1, 31.0]]"), "unsorted");
    assert_eq!(
        code::<Targets>(r#"{"target": [[1, 20.0]], "lower_target": [[1, 20.0], [1, 21.0]]}"#),
        "duplicate_session"
    );
    assert_eq!(
        code::<AlertRules>(r#"{"alliance_drop": -1}"#),
        "invalid_parameter"
    );
    assert_eq!(
        code::<BarrierFlag>(
            r#"{"session": 0, "kind": {"type": "transference", "pattern": "anxious_preoccupied"}, "severity": "noted", "raised_by": "counsellor"}"#
        ),
        "session_zero"
    );
    let rule = serde_json::to_value(CriticalRule::phq9_item9()).unwrap();
    let mut bad = rule.clone();
    bad["id"] = "Item 9!".into();
    assert_eq!(code::<CriticalRule>(&bad.to_string()), "invalid_rule_id");
    let mut inst = serde_json::to_value(Instrument::builtin("phq-9").unwrap()).unwrap();
    inst["items"] = serde_json::json!([]);
    assert_eq!(code::<Instrument>(&inst.to_string()), "invalid_instrument");
    assert_eq!(
        code::<ExportSpec>(
            r#"{"id": "client", "instruments": [{"instrument": "srs", "columns": "srs_"}]}"#
        ),
        "invalid_pattern"
    );
}

#[test]
fn other_input_errors_are_classified() {
    let e = refused::<Score>("{\"instrument\": \"srs\",\n \"total\": }");
    assert_eq!((e.code.as_str(), e.line), ("json_syntax", Some(2)));
    assert_eq!(code::<Score>("{\"instrument\": \"srs\""), "unexpected_end");
    let e = refused::<ErrorDocument>(r#"{"message": "x"}"#);
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("missing_field", Some("code"))
    );
    assert_eq!(code::<CourseMonitoring>("3"), "invalid_type");
    assert_eq!(code::<CourseMonitoring>("[1]"), "invalid_length");
    assert_eq!(
        code::<Session>(&SESSION.replace(
            "\"date\": \"2025-01-08\"",
            "\"date\": \"2025-01-08\", \"administrations\": [{\"instrument\": \"srs\", \"respondent\": \"parent\", \"score\": null}]"
        )),
        "unknown_variant"
    );
    let e = refused::<ErrorDocument>(r#"{"code": "x", "message": "y", "code": "z"}"#);
    assert_eq!(e.code, "duplicate_field");
    assert_eq!(code::<Responses>(r#"{"one": 4}"#), "invalid_document");
    assert_eq!(code::<Responses>("[1, [2]]"), "invalid_document");
}

/// A validation error raised and recovered from inside an earlier document does not leak
/// into the next one's report.
#[test]
fn a_previous_validation_error_does_not_leak() {
    assert_eq!(code::<ClientId>(r#""c 1""#), "invalid_id_character");
    assert_eq!(code::<ClientId>("3"), "invalid_type");
    // Built directly (not read), a failing conversion leaves nothing for from_json to find.
    assert!(ClientId::new("c 1").is_err());
    assert_eq!(code::<Score>("{"), "unexpected_end");
}
