//! FHIR R4 reading and writing on documents in the styles of three producers (SDC, LHC-Forms,
//! the US PCO IG), written for these tests.
#![cfg(feature = "fhir")]

use therapeutic_alliance::fhir::{
    FhirError, ObservationContext, Questionnaire, QuestionnaireResponse, observation, read_response,
};
use therapeutic_alliance::loinc::CodePolicy;
use therapeutic_alliance::{ErrorDocument, Instrument};

fn load<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = format!("{}/tests/data/fhir/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn phq() -> Instrument {
    Instrument::builtin("phq-9").unwrap()
}

fn answers(read: &therapeutic_alliance::fhir::ImportedResponses) -> Vec<f64> {
    (1..=9)
        .map(|i| match read.responses.get(i) {
            Some(therapeutic_alliance::Answer::Value(v)) => v,
            other => panic!("item {i}: {other:?}"),
        })
        .collect()
}

#[test]
fn sdc_style_resolves_through_the_questionnaire_and_its_weights() {
    let q: Questionnaire = load("sdc-phq9-questionnaire.json");
    let r: QuestionnaireResponse = load("sdc-phq9-response.json");
    let read = read_response(&phq(), &r, Some(&q), CodePolicy::VerifiedOnly).unwrap();
    assert_eq!(
        answers(&read),
        [1.0, 2.0, 1.0, 0.0, 3.0, 1.0, 2.0, 0.0, 1.0]
    );
    assert_eq!(read.reported_total, Some(11.0));
    assert_eq!(read.link_ids[0], (1, "H1/T1/Q1".to_owned()));
    let score = phq().score(&read.responses).unwrap();
    assert_eq!(score.total, 11.0);
    // Without the questionnaire, SDC linkIds carry no code: refused, not guessed.
    let e = read_response(&phq(), &r, None, CodePolicy::Recorded).unwrap_err();
    assert!(
        matches!(e, FhirError::UnresolvableItem { ref link_id } if link_id == "H1/T1/Q1"),
        "{e}"
    );
}

#[test]
fn lhc_style_reads_codes_from_link_ids() {
    let q: Questionnaire = load("lhc-phq9-questionnaire.json");
    let r: QuestionnaireResponse = load("lhc-phq9-response.json");
    let with_q = read_response(&phq(), &r, Some(&q), CodePolicy::VerifiedOnly).unwrap();
    assert_eq!(
        answers(&with_q),
        [0.0, 1.0, 1.0, 2.0, 0.0, 0.0, 1.0, 1.0, 0.0]
    );
    assert_eq!(with_q.reported_total, Some(6.0));
    // Without the questionnaire the item codes come from the linkIds, but the coded answers
    // have no weight: the recorded answer codes are not verified in two sources.
    let e = read_response(&phq(), &r, None, CodePolicy::VerifiedOnly).unwrap_err();
    assert!(
        matches!(e, FhirError::UnresolvableAnswer { ref code, .. } if code == "LA6568-5"),
        "{e}"
    );
    let doc = ErrorDocument::from_error(&e);
    assert_eq!(doc.code, "unresolvable_answer");
    assert_eq!(doc.field.as_deref(), Some("/44250-9"));
    let opted_in = read_response(&phq(), &r, None, CodePolicy::Recorded).unwrap();
    assert_eq!(opted_in.responses, with_q.responses);
}

#[test]
fn pco_style_mixes_integer_and_coded_answers_in_a_group() {
    let q: Questionnaire = load("pco-phq9-questionnaire.json");
    let r: QuestionnaireResponse = load("pco-phq9-response.json");
    let read = read_response(&phq(), &r, Some(&q), CodePolicy::VerifiedOnly).unwrap();
    assert_eq!(
        answers(&read),
        [2.0, 2.0, 3.0, 2.0, 1.0, 2.0, 2.0, 1.0, 0.0]
    );
    let score = phq().score(&read.responses).unwrap();
    assert_eq!(score.total, 15.0);
    assert_eq!(read.reported_total, Some(15.0));
}

#[test]
fn definition_carries_the_code_for_gad7() {
    let gad = Instrument::builtin("gad-7").unwrap();
    let r: QuestionnaireResponse = load("definition-gad7-response.json");
    let read = read_response(&gad, &r, None, CodePolicy::VerifiedOnly).unwrap();
    assert_eq!(gad.score(&read.responses).unwrap().total, 6.0);
    // The PHQ-9 does not own these codes.
    let e = read_response(&phq(), &r, None, CodePolicy::VerifiedOnly).unwrap_err();
    assert!(matches!(e, FhirError::UnknownItem { .. }), "{e}");
}

fn edit(f: impl FnOnce(&mut serde_json::Value)) -> QuestionnaireResponse {
    let path = format!(
        "{}/tests/data/fhir/pco-phq9-response.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    serde_json::from_value(v).unwrap()
}

#[test]
fn bad_documents_give_typed_errors() {
    let q: Questionnaire = load("pco-phq9-questionnaire.json");
    let read =
        |r: &QuestionnaireResponse| read_response(&phq(), r, Some(&q), CodePolicy::VerifiedOnly);
    let unknown = edit(|v| v["item"][0]["item"][0]["linkId"] = "99999".into());
    assert!(matches!(
        read(&unknown),
        Err(FhirError::UnknownLinkId { .. })
    ));
    let duplicate = edit(|v| v["item"][0]["item"][1]["linkId"] = "14363".into());
    assert!(matches!(
        read(&duplicate),
        Err(FhirError::DuplicateItem { item: 1, .. })
    ));
    let missing = edit(|v| {
        v["item"][0]["item"].as_array_mut().unwrap().remove(8);
    });
    match read(&missing) {
        Err(FhirError::MissingItems {
            missing,
            allowed: 0,
            ..
        }) => assert_eq!(missing, [9]),
        other => panic!("{other:?}"),
    }
    let two = edit(|v| {
        let a = v["item"][0]["item"][0]["answer"][0].clone();
        v["item"][0]["item"][0]["answer"]
            .as_array_mut()
            .unwrap()
            .push(a);
    });
    assert!(matches!(
        read(&two),
        Err(FhirError::MultipleAnswers { count: 2, .. })
    ));
    let empty =
        edit(|v| v["item"][0]["item"][0]["answer"][0] = serde_json::json!({"valueString": "x"}));
    assert!(matches!(read(&empty), Err(FhirError::EmptyAnswer { .. })));
    let srs = Instrument::builtin("srs").unwrap();
    let r: QuestionnaireResponse = load("pco-phq9-response.json");
    assert!(matches!(
        read_response(&srs, &r, Some(&q), CodePolicy::Recorded),
        Err(FhirError::NoCodes { .. })
    ));
    let wrong: QuestionnaireResponse =
        serde_json::from_str(r#"{"resourceType": "Patient"}"#).unwrap();
    let e = read(&wrong).unwrap_err();
    assert_eq!(ErrorDocument::from_error(&e).code, "wrong_resource");
}

#[test]
fn observation_carries_code_value_band_source_and_components() {
    let q: Questionnaire = load("sdc-phq9-questionnaire.json");
    let r: QuestionnaireResponse = load("sdc-phq9-response.json");
    let read = read_response(&phq(), &r, Some(&q), CodePolicy::VerifiedOnly).unwrap();
    let score = phq().score(&read.responses).unwrap();
    let ctx = ObservationContext::new()
        .subject("Patient/c-001")
        .effective("2025-01-08T10:00:00Z")
        .derived_from("QuestionnaireResponse/qr-sdc-1");
    let obs = serde_json::to_value(observation(&score, &ctx).unwrap()).unwrap();
    assert_eq!(obs["resourceType"], "Observation");
    assert_eq!(obs["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(obs["code"]["coding"][0]["code"], "44261-6");
    assert_eq!(obs["valueQuantity"]["value"], 11.0);
    assert_eq!(obs["interpretation"][0]["text"], "moderate");
    assert_eq!(
        obs["derivedFrom"][0]["reference"],
        "QuestionnaireResponse/qr-sdc-1"
    );
    assert_eq!(obs["category"][0]["coding"][0]["code"], "survey");
    // Subscales become components (CORE-OM has no recorded LOINC codes: refused).
    let core = Instrument::builtin("core-om").unwrap();
    let responses = (1..=34)
        .map(|i| (i, therapeutic_alliance::Answer::Value(1.0)))
        .collect();
    let core_score = core.score(&responses).unwrap();
    assert!(matches!(
        observation(&core_score, &ctx),
        Err(FhirError::NoCodes { .. })
    ));
}
