//! The forward-compatibility rule of `therapeutic_alliance::document`, type by type:
//!
//! - every **data document** (responses, score, session, course, monitoring result, alert,
//!   traffic lights, targets, error) reads back equal when a newer writer added a field to
//!   *any* of its objects;
//! - every **definition document** (instrument definition, critical rule, export mapping)
//!   refuses an unknown field with the code `unknown_field` naming it, because a misspelt
//!   optional field there would silently change every score computed from it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use therapeutic_alliance::document::from_json;
use therapeutic_alliance::export::{ExportSpec, InstrumentColumns};
use therapeutic_alliance::monitor::{
    Alert, CourseMonitor, CourseMonitoring, CourseReport, MonitorOptions, RuptureOptions,
    RuptureThreshold, SessionLight, SizeCriterion, SuddenChangeOptions, Targets,
};
use therapeutic_alliance::{
    Answer, Course, CriticalRule, Direction, ErrorDocument, Instrument, Respondent, Responses,
    Score, Session,
};

/// Adds `"added_later"` to every object of `v` except maps keyed by item number (a responses
/// map, where every key is an item).
fn add_everywhere(v: &mut Value) -> usize {
    let mut added = 0;
    match v {
        Value::Object(map) => {
            let item_map = !map.is_empty() && map.keys().all(|k| k.parse::<u16>().is_ok());
            for child in map.values_mut() {
                added += add_everywhere(child);
            }
            if !item_map {
                map.insert("added_later".into(), serde_json::json!({"nested": [1, 2]}));
                added += 1;
            }
        }
        Value::Array(items) => {
            for child in items {
                added += add_everywhere(child);
            }
        }
        _ => {}
    }
    added
}

fn ignores_unknown_fields<T>(name: &str, doc: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let mut json = serde_json::to_value(doc).unwrap();
    let added = add_everywhere(&mut json);
    assert!(added > 0, "{name}: nothing to extend");
    match from_json::<T>(&json.to_string()) {
        Ok(back) => assert_eq!(&back, doc, "{name}"),
        Err(e) => panic!("{name} refused a document with {added} added fields: {e:?}"),
    }
}

fn refuses_unknown_fields<T: DeserializeOwned + Serialize>(name: &str, doc: &T) {
    let mut json = serde_json::to_value(doc).unwrap();
    json.as_object_mut()
        .unwrap()
        .insert("reverse_item".into(), serde_json::json!([1]));
    let e = from_json::<T>(&json.to_string())
        .err()
        .unwrap_or_else(|| panic!("{name} accepted an unknown field"));
    assert_eq!(e.code, "unknown_field", "{name}: {e:?}");
    assert_eq!(e.field.as_deref(), Some("reverse_item"), "{name}");
    assert!(e.line.is_some() && e.column.is_some(), "{name}: {e:?}");
}

fn courses() -> Vec<Course> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/courses.json"
    ))
    .unwrap();
    from_json(&text).unwrap()
}

fn monitor() -> CourseMonitor {
    let options = MonitorOptions::new(
        RuptureOptions::new(RuptureThreshold::Points(5.0)),
        SuddenChangeOptions::new(
            SizeCriterion::ReliableChange(5.0),
            Direction::HigherIsBetter,
        ),
    );
    CourseMonitor::new(options)
        .alliance(Instrument::builtin("srs").unwrap(), Respondent::Client)
        .outcome(Instrument::builtin("ors").unwrap(), Respondent::Client)
}

#[test]
fn data_documents_ignore_unknown_fields_at_every_level() {
    let courses = courses();
    ignores_unknown_fields::<Vec<Course>>("courses", &courses);
    let mut tried = [0usize; 6];
    for course in &courses {
        ignores_unknown_fields::<Course>("course", course);
        for session in course.sessions() {
            ignores_unknown_fields::<Session>("session", session);
            tried[0] += 1;
            for a in session.administrations() {
                if let Some(s) = a.score() {
                    ignores_unknown_fields::<Score>("score", s);
                    tried[1] += 1;
                }
            }
            if !session.flags().is_empty() {
                tried[2] += 1;
            }
        }
        let m: CourseMonitoring = monitor().run(course).unwrap();
        ignores_unknown_fields::<CourseMonitoring>("monitoring", &m);
        ignores_unknown_fields::<CourseReport>("course report", &m.report);
        for alert in &m.report.alerts {
            ignores_unknown_fields::<Alert>("alert", alert);
            tried[3] += 1;
        }
        if let Some(a) = &m.report.alliance
            && !a.lights.is_empty()
        {
            ignores_unknown_fields::<Vec<SessionLight>>("lights", &a.lights);
            tried[4] += 1;
        }
    }
    // The bundled courses exercise sessions, scores, barrier flags, alerts and lights.
    assert!(tried[..5].iter().all(|&n| n > 0), "{tried:?}");

    let phq = Instrument::builtin("phq-9").unwrap();
    let mut responses: Responses = (1..=9).map(|i| (i, Answer::Value(1.0))).collect();
    responses = responses.for_instrument("phq-9");
    ignores_unknown_fields::<Responses>("responses", &responses);
    let score = phq.score(&responses).unwrap();
    assert!(!score.critical.is_empty(), "item 9 answered 1 is flagged");
    ignores_unknown_fields::<Score>("score with a critical flag", &score);

    let error = ErrorDocument::from_error(&phq.score(&Responses::new()).unwrap_err());
    ignores_unknown_fields::<ErrorDocument>("error", &error);
    let targets: Targets =
        from_json(r#"{"target": [[1, 20.0], [2, 22.0]], "lower_target": [[1, 15.0], [2, 17.0]]}"#)
            .unwrap();
    ignores_unknown_fields::<Targets>("targets", &targets);
}

#[test]
fn definition_documents_refuse_unknown_fields() {
    for inst in Instrument::all_builtin() {
        refuses_unknown_fields::<Instrument>(inst.id(), &inst);
    }
    refuses_unknown_fields::<CriticalRule>("critical rule", &CriticalRule::phq9_item9());
    let spec = ExportSpec::builder("client")
        .session("session")
        .instrument(
            InstrumentColumns::pattern(Instrument::builtin("srs").unwrap(), "srs_{item}").unwrap(),
        )
        .build()
        .unwrap();
    refuses_unknown_fields::<ExportSpec>("export mapping", &spec);
}
