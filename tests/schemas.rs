//! The committed JSON Schemas under `schemas/` are current, and the bundled documents
//! validate against them. Regenerate with `UPDATE_SCHEMAS=1 cargo test --all-features --test schemas`.
#![cfg(feature = "schema")]

use std::path::PathBuf;

use schemars::{JsonSchema, schema_for};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn generated<T: JsonSchema>() -> Value {
    serde_json::to_value(schema_for!(T)).unwrap()
}

/// Every document type and the file its schema is committed in.
fn documents() -> Vec<(&'static str, Value)> {
    use therapeutic_alliance::monitor::{SessionLight, Targets};
    use therapeutic_alliance::{CriticalRule, ErrorDocument};
    vec![
        ("error.schema.json", generated::<ErrorDocument>()),
        ("critical_rule.schema.json", generated::<CriticalRule>()),
        (
            "session_lights.schema.json",
            generated::<Vec<SessionLight>>(),
        ),
        ("targets.schema.json", generated::<Targets>()),
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
}

fn validate(file: &str, doc: &Value) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join(file)).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{file}: {errors:?}");
}

#[test]
fn bundled_documents_validate() {
    let rule = serde_json::to_value(therapeutic_alliance::CriticalRule::phq9_item9()).unwrap();
    validate("critical_rule.schema.json", &rule);
}

#[test]
fn a_schema_can_fail() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("error.schema.json")).unwrap())
            .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(!v.is_valid(&serde_json::json!({"code": 3})));
}
