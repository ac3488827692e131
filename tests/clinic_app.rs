//! An app end to end: a FHIR QuestionnaireResponse in; a score, its critical items, traffic
//! lights and a FHIR Observation out; bad input gives a serialised error with its code; the
//! documents validate against the committed schemas.
#![cfg(all(feature = "fhir", feature = "schema"))]

use serde_json::Value;
use therapeutic_alliance::fhir::{
    ObservationContext, Questionnaire, QuestionnaireResponse, observation, read_response,
};
use therapeutic_alliance::loinc::CodePolicy;
use therapeutic_alliance::monitor::{AllianceLightRules, Series, TrafficLight, alliance_lights};
use therapeutic_alliance::{CriticalRule, ErrorDocument, Instrument};

fn load<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = format!("{}/tests/data/fhir/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validate(schema_file: &str, doc: &Value) {
    let path = format!("{}/schemas/{schema_file}", env!("CARGO_MANIFEST_DIR"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{schema_file}: {errors:?}");
}

#[test]
fn fhir_in_score_flags_lights_and_observation_out() {
    let phq = Instrument::builtin("phq-9").unwrap();
    let q: Questionnaire = load("sdc-phq9-questionnaire.json");
    let qr: QuestionnaireResponse = load("sdc-phq9-response.json");
    let read = read_response(&phq, &qr, Some(&q), CodePolicy::VerifiedOnly).unwrap();
    let score = phq.score(&read.responses).unwrap();
    // What the app consumes and produces, against the committed schemas; the score reads back.
    validate(
        "responses.schema.json",
        &serde_json::to_value(&read.responses).unwrap(),
    );
    let score_json = serde_json::to_value(&score).unwrap();
    validate("score.schema.json", &score_json);
    assert_eq!(score_json["version"], 1);
    let back: therapeutic_alliance::Score =
        therapeutic_alliance::document::from_json(&score_json.to_string()).unwrap();
    assert_eq!(back, score);
    assert_eq!(Some(score.total), read.reported_total);

    // Item 9 answered 1: a prompt for a clinician's assessment today.
    assert_eq!(score.critical.len(), 1);
    let flag = &score.critical[0];
    assert_eq!(flag.rule, CriticalRule::phq9_item9().id());
    let flag_json = serde_json::to_value(flag).unwrap();
    assert_eq!(flag_json["rule"], "phq9_item9");
    assert_eq!(flag_json["target"]["kind"], "item");

    let obs = observation(
        &score,
        &ObservationContext::new()
            .subject("Patient/c-001")
            .derived_from(format!(
                "QuestionnaireResponse/{}",
                qr.id.as_deref().unwrap()
            )),
    )
    .unwrap();
    let obs = serde_json::to_value(obs).unwrap();
    assert_eq!(obs["code"]["coding"][0]["code"], "44261-6");
    assert_eq!(obs["valueQuantity"]["value"], 11.0);

    // The alliance measured beside it, session by session.
    let srs = Series::new(vec![(1, 38.0), (2, 34.5), (3, 37.0)]).unwrap();
    let srs_def = Instrument::builtin("srs").unwrap();
    let rules = AllianceLightRules::new(srs_def.cutoff().unwrap())
        .unwrap()
        .drop(srs_def.alert_drop().unwrap())
        .unwrap();
    let lights = alliance_lights(&srs, &[1, 2, 3, 4], &rules);
    let colours: Vec<TrafficLight> = lights.iter().map(|l| l.light).collect();
    assert_eq!(
        colours,
        [
            TrafficLight::Green,
            TrafficLight::Red,
            TrafficLight::Green,
            TrafficLight::Grey
        ]
    );
    validate(
        "session_lights.schema.json",
        &serde_json::to_value(&lights).unwrap(),
    );
}

#[test]
fn bad_input_gives_a_serialised_error_with_its_code() {
    let phq = Instrument::builtin("phq-9").unwrap();
    let qr: QuestionnaireResponse = load("sdc-phq9-response.json");
    // SDC linkIds without their Questionnaire: refused, not guessed.
    let e = read_response(&phq, &qr, None, CodePolicy::VerifiedOnly).unwrap_err();
    let doc = serde_json::to_value(ErrorDocument::from_error(&e)).unwrap();
    assert_eq!(doc["code"], "unresolvable_item");
    assert_eq!(doc["field"], "H1/T1/Q1");
    validate("error.schema.json", &doc);

    // An answer off the scale.
    let mut r = therapeutic_alliance::Responses::new();
    for i in 1..=9 {
        r.insert(
            i,
            therapeutic_alliance::Answer::Value(if i == 4 { 7.0 } else { 0.0 }),
        )
        .unwrap();
    }
    let e = phq.score(&r).unwrap_err();
    let doc = serde_json::to_value(ErrorDocument::from_error(&e)).unwrap();
    assert_eq!(doc["code"], "out_of_range");
    assert_eq!(doc["item"], 4);
    assert_eq!(doc["value"], 7.0);
    validate("error.schema.json", &doc);
}
