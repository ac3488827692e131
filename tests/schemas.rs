//! The committed JSON Schemas under `schemas/` are current, and every bundled document, and
//! every document the crate writes from the bundled data, validates against them.
//! Regenerate with `UPDATE_SCHEMAS=1 cargo test --all-features --test schemas`.
//!
//! These tests read only files that are in the published package (`Cargo.toml`'s `include`),
//! so `.ci/run` also runs them inside the unpacked `cargo package` output.
#![cfg(feature = "schema")]

use std::path::{Path, PathBuf};

use schemars::{JsonSchema, schema_for};
use serde_json::Value;
use therapeutic_alliance::export::{ExportSpec, InstrumentColumns};
use therapeutic_alliance::monitor::{
    Alert, CourseMonitor, CourseMonitoring, CourseReport, MonitorOptions, RuptureOptions,
    RuptureThreshold, SessionLight, SizeCriterion, SuddenChangeOptions, Targets,
};
use therapeutic_alliance::{
    Course, CriticalRule, Direction, ErrorDocument, Instrument, Respondent, Responses, Score,
    Session,
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dir() -> PathBuf {
    root().join("schemas")
}

fn generated<T: JsonSchema>() -> Value {
    serde_json::to_value(schema_for!(T)).unwrap()
}

/// Every document type and the file its schema is committed in (the table in
/// `guide::json_contract` lists the same files; `the_guide_lists_every_schema` checks it).
fn documents() -> Vec<(&'static str, Value)> {
    vec![
        ("responses.schema.json", generated::<Responses>()),
        ("score.schema.json", generated::<Score>()),
        ("session.schema.json", generated::<Session>()),
        ("course.schema.json", generated::<Course>()),
        ("courses.schema.json", generated::<Vec<Course>>()),
        ("monitoring.schema.json", generated::<CourseMonitoring>()),
        (
            "monitoring_list.schema.json",
            generated::<Vec<CourseMonitoring>>(),
        ),
        ("course_report.schema.json", generated::<CourseReport>()),
        ("alert.schema.json", generated::<Alert>()),
        (
            "session_lights.schema.json",
            generated::<Vec<SessionLight>>(),
        ),
        ("targets.schema.json", generated::<Targets>()),
        ("error.schema.json", generated::<ErrorDocument>()),
        ("critical_rule.schema.json", generated::<CriticalRule>()),
        ("export_mapping.schema.json", generated::<ExportSpec>()),
    ]
}

#[test]
fn committed_schemas_are_current() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (file, schema) in documents() {
        let path = dir().join(file);
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if update {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run UPDATE_SCHEMAS=1 cargo test --all-features --test schemas"
    );
    // No schema file is left behind by a removed document type.
    let known: Vec<&str> = documents().iter().map(|(f, _)| *f).collect();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            known.contains(&name.as_str()),
            "schemas/{name} has no document type"
        );
    }
}

#[test]
fn the_guide_lists_every_schema() {
    let guide = std::fs::read_to_string(root().join("src/guide/json_contract.rs")).unwrap();
    for (file, _) in documents() {
        assert!(
            guide.contains(&format!("`schemas/{file}`")),
            "guide lacks {file}"
        );
    }
}

fn validate(file: &str, doc: &Value) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join(file)).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{file}: {errors:?}");
}

fn invalid(file: &str, doc: &Value) -> bool {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join(file)).unwrap()).unwrap();
    !jsonschema::validator_for(&schema).unwrap().is_valid(doc)
}

fn bundled_courses() -> Vec<Course> {
    let text = std::fs::read_to_string(root().join("testdata/courses.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    validate("courses.schema.json", &json);
    therapeutic_alliance::document::from_json(&text).unwrap()
}

#[test]
fn bundled_documents_validate() {
    let courses = bundled_courses();
    assert!(!courses.is_empty());
    // The synthetic data set is not in the package (it is large); validate it where present.
    let synthetic = root().join("examples/data/synthetic/courses.json");
    if let Ok(text) = std::fs::read_to_string(synthetic) {
        validate(
            "courses.schema.json",
            &serde_json::from_str::<Value>(&text).unwrap(),
        );
    }
    let rule = serde_json::to_value(CriticalRule::phq9_item9()).unwrap();
    validate("critical_rule.schema.json", &rule);
}

/// Every document the crate writes from the bundled courses validates, and reads back equal.
#[test]
fn written_documents_validate_and_read_back() {
    fn round_trip<T>(file: &str, doc: &T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let json = serde_json::to_value(doc).unwrap();
        validate(file, &json);
        let back: T = therapeutic_alliance::document::from_json(&json.to_string()).unwrap();
        assert_eq!(&back, doc, "{file}");
    }
    let courses = bundled_courses();
    round_trip("courses.schema.json", &courses);
    let options = MonitorOptions::new(
        RuptureOptions::new(RuptureThreshold::Points(5.0)),
        SuddenChangeOptions::new(
            SizeCriterion::ReliableChange(5.0),
            Direction::HigherIsBetter,
        ),
    );
    let monitor = CourseMonitor::new(options)
        .alliance(Instrument::builtin("srs").unwrap(), Respondent::Client)
        .outcome(Instrument::builtin("ors").unwrap(), Respondent::Client);
    let mut alerts = 0;
    let mut monitored = Vec::new();
    for course in &courses {
        round_trip("course.schema.json", course);
        for session in course.sessions() {
            round_trip("session.schema.json", session);
            for a in session.administrations() {
                if let Some(score) = a.score() {
                    round_trip("score.schema.json", score);
                }
            }
        }
        let m = monitor.run(course).unwrap();
        round_trip("monitoring.schema.json", &m);
        round_trip("course_report.schema.json", &m.report);
        for alert in &m.report.alerts {
            round_trip("alert.schema.json", alert);
            alerts += 1;
        }
        if let Some(a) = &m.report.alliance {
            round_trip("session_lights.schema.json", &a.lights);
        }
        monitored.push(m);
    }
    assert!(alerts > 0, "the bundled courses raise alerts");
    round_trip("monitoring_list.schema.json", &monitored);

    // Scores of every built-in, with responses in each accepted shape.
    for inst in Instrument::all_builtin() {
        let top = inst.scale().bounds().1;
        let responses: Responses = inst
            .item_numbers()
            .map(|item| (item, therapeutic_alliance::Answer::Value(top)))
            .collect();
        round_trip("responses.schema.json", &responses);
        if let Ok(score) = inst.score(&responses) {
            round_trip("score.schema.json", &score);
        }
    }
    for shape in [r#"{"1": 4, "2": null}"#, "[4, null, \"does_not_apply\"]"] {
        validate(
            "responses.schema.json",
            &serde_json::from_str::<Value>(shape).unwrap(),
        );
    }

    // The mapping document of the bundled export.
    let spec = ExportSpec::builder("client")
        .session("session")
        .date("date")
        .instrument(
            InstrumentColumns::pattern(Instrument::builtin("srs").unwrap(), "srs_{item}").unwrap(),
        )
        .build()
        .unwrap();
    round_trip("export_mapping.schema.json", &spec);
}

#[test]
fn a_schema_can_fail() {
    assert!(invalid(
        "error.schema.json",
        &serde_json::json!({"code": 3})
    ));
    assert!(invalid(
        "score.schema.json",
        &serde_json::json!({"instrument": "srs"})
    ));
    assert!(invalid(
        "responses.schema.json",
        &serde_json::json!({"one": 4})
    ));
    assert!(invalid(
        "session_lights.schema.json",
        &serde_json::json!([{"session": 1, "light": "purple"}])
    ));
}
