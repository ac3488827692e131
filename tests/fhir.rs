//! FHIR R4 reading and writing on documents in the styles of three producers (SDC, LHC-Forms,
//! the US PCO IG), written for these tests.
#![cfg(feature = "fhir")]

use therapeutic_alliance::fhir::resource::{QuestionnaireItem, ResponseAnswer, ResponseItem};
use therapeutic_alliance::fhir::{
    FhirError, MAX_NESTING, ObservationContext, Questionnaire, QuestionnaireResponse, observation,
    read_response,
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
    let opted_in = read_response(&phq(), &r, None, CodePolicy::Recorded).unwrap();
    assert_eq!(opted_in.responses, with_q.responses);
}

#[test]
fn an_lhc_forms_phq9_with_coded_answers_and_no_questionnaire_scores_by_default() {
    let q: Questionnaire = load("lhc-phq9-questionnaire.json");
    let r: QuestionnaireResponse = load("lhc-phq9-response.json");
    // Item codes from the linkIds, answer weights from the verified LOINC answer codes.
    let read = read_response(&phq(), &r, None, CodePolicy::default()).unwrap();
    assert_eq!(
        answers(&read),
        [0.0, 1.0, 1.0, 2.0, 0.0, 0.0, 1.0, 1.0, 0.0]
    );
    assert_eq!(phq().score(&read.responses).unwrap().total, 6.0);
    let with_q = read_response(&phq(), &r, Some(&q), CodePolicy::default()).unwrap();
    assert_eq!(read.responses, with_q.responses);
}

/// A GAD-7 response in the LHC-Forms style: LOINC item codes as linkIds, coded answers.
fn lhc_gad7(answer_codes: [&str; 7]) -> QuestionnaireResponse {
    let items = [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ];
    let item: Vec<serde_json::Value> = items
        .iter()
        .zip(answer_codes)
        .map(|(i, a)| {
            serde_json::json!({"linkId": format!("/{i}"), "answer": [
                {"valueCoding": {"system": "http://loinc.org", "code": a}}]})
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "resourceType": "QuestionnaireResponse", "status": "completed", "item": item}))
    .unwrap()
}

#[test]
fn an_lhc_forms_gad7_with_coded_answers_and_no_questionnaire_scores_by_default() {
    let gad = Instrument::builtin("gad-7").unwrap();
    let r = lhc_gad7([
        "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9", "LA6571-9", "LA6569-3", "LA6568-5",
    ]);
    let read = read_response(&gad, &r, None, CodePolicy::default()).unwrap();
    assert_eq!(gad.score(&read.responses).unwrap().total, 10.0);
}

#[test]
fn an_unknown_answer_code_without_a_questionnaire_names_the_way_out() {
    let gad = Instrument::builtin("gad-7").unwrap();
    let r = lhc_gad7([
        "LA6568-5", "LA6569-3", "LA9999-9", "LA6571-9", "LA6571-9", "LA6569-3", "LA6568-5",
    ]);
    let e = read_response(&gad, &r, None, CodePolicy::default()).unwrap_err();
    assert!(
        matches!(e, FhirError::UnresolvableAnswer { ref code, ref link_id } if code == "LA9999-9" && link_id == "/69733-4"),
        "{e}"
    );
    let message = e.to_string();
    assert!(message.contains("give the Questionnaire"), "{message}");
    assert!(message.contains("itemWeight"), "{message}");
    let doc = ErrorDocument::from_error(&e);
    assert_eq!(doc.code, "unresolvable_answer");
    assert_eq!(doc.field.as_deref(), Some("/69733-4"));
}

fn edited<T: serde::de::DeserializeOwned>(name: &str, f: impl FnOnce(&mut serde_json::Value)) -> T {
    let path = format!("{}/tests/data/fhir/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    serde_json::from_value(v).unwrap()
}

#[test]
fn questionnaire_weights_win_over_the_loinc_answer_codes() {
    // A form that weighs "more than half the days" (LA6570-1) of item 4 as 3.
    let q: Questionnaire = edited("lhc-phq9-questionnaire.json", |v| {
        v["item"][3]["answerOption"][2]["extension"][0]["valueDecimal"] = 3.into();
    });
    let r: QuestionnaireResponse = load("lhc-phq9-response.json");
    let read = read_response(&phq(), &r, Some(&q), CodePolicy::default()).unwrap();
    assert_eq!(answers(&read)[3], 3.0);
    // Without it, the LOINC answer code's own value.
    let read = read_response(&phq(), &r, None, CodePolicy::default()).unwrap();
    assert_eq!(answers(&read)[3], 2.0);
    // A weight on the coding is used without a questionnaire, ...
    let weighted: QuestionnaireResponse = edited("lhc-phq9-response.json", |v| {
        v["item"][3]["answer"][0]["valueCoding"]["extension"] = serde_json::json!([
            {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 3}]);
    });
    let read = read_response(&phq(), &weighted, None, CodePolicy::default()).unwrap();
    assert_eq!(answers(&read)[3], 3.0);
    // ... agrees with the questionnaire's, or is refused.
    let read = read_response(&phq(), &weighted, Some(&q), CodePolicy::default()).unwrap();
    assert_eq!(answers(&read)[3], 3.0);
    let plain: Questionnaire = load("lhc-phq9-questionnaire.json");
    let e = read_response(&phq(), &weighted, Some(&plain), CodePolicy::default()).unwrap_err();
    assert!(matches!(e, FhirError::ConflictingValues { .. }), "{e}");
}

#[test]
fn conflicting_values_in_one_answer_are_an_error_with_a_code() {
    let r = |answer: serde_json::Value| -> QuestionnaireResponse {
        edited("lhc-phq9-response.json", |v| {
            v["item"][3]["answer"][0] = answer;
        })
    };
    let read = |r: &QuestionnaireResponse| read_response(&phq(), r, None, CodePolicy::default());
    let integer_and_decimal = r(serde_json::json!({"valueInteger": 1, "valueDecimal": 2.5}));
    let e = read(&integer_and_decimal).unwrap_err();
    assert!(
        matches!(e, FhirError::ConflictingValues { ref link_id, .. } if link_id == "/44254-1"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        r#"linkId "/44254-1": conflicting values in one answer, valueInteger 1 and valueDecimal 2.5"#
    );
    let doc = ErrorDocument::from_error(&e);
    assert_eq!(doc.code, "conflicting_values");
    assert_eq!(doc.field.as_deref(), Some("/44254-1"));
    // A coding that weighs 2 beside valueInteger 3.
    let coding_and_integer = r(serde_json::json!({"valueInteger": 3,
        "valueCoding": {"system": "http://loinc.org", "code": "LA6570-1"}}));
    let e = read(&coding_and_integer).unwrap_err();
    assert!(e.to_string().contains("LOINC answer LA6570-1 (2)"), "{e}");
    // Two weights on one coding that disagree.
    let two_weights = r(
        serde_json::json!({"valueCoding": {"system": "http://loinc.org",
        "code": "LA6570-1", "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 2},
            {"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueInteger": 3}]}}),
    );
    assert!(matches!(
        read(&two_weights),
        Err(FhirError::ConflictingValues { .. })
    ));
    // Identical duplicates are read as the one value.
    let same = r(serde_json::json!({"valueInteger": 2, "valueDecimal": 2.0,
        "valueCoding": {"system": "http://loinc.org", "code": "LA6570-1"}}));
    assert_eq!(answers(&read(&same).unwrap())[3], 2.0);
    // The reported total too.
    let total: QuestionnaireResponse = edited("lhc-phq9-response.json", |v| {
        v["item"][9]["answer"][0] = serde_json::json!({"valueInteger": 6, "valueDecimal": 7.0});
    });
    assert!(matches!(
        read(&total),
        Err(FhirError::ConflictingValues { .. })
    ));
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
    edited("pco-phq9-response.json", f)
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

#[test]
fn observation_refuses_nan_infinite_and_out_of_range_totals() {
    let ctx = ObservationContext::new();
    for total in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        999.0,
        -5.0,
        27.5,
    ] {
        let score = therapeutic_alliance::Score::new("phq-9", total);
        let e = observation(&score, &ctx).unwrap_err();
        assert!(
            matches!(e, FhirError::ImpossibleScore { ref score, range: Some((0.0, 27.0)), .. } if score == "total"),
            "{total}: {e}"
        );
        assert_eq!(ErrorDocument::from_error(&e).code, "impossible_score");
    }
    let e = observation(&therapeutic_alliance::Score::new("gad-7", 22.0), &ctx).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gad-7: total 22 is not a possible score (from 0 to 21)"
    );
    // A subscale the PHQ-9 does not have.
    let odd = therapeutic_alliance::Score::new("phq-9", 9.0).with_subscale("mood", 3.0);
    assert!(matches!(
        observation(&odd, &ctx),
        Err(FhirError::ImpossibleScore { range: None, .. })
    ));
    for total in [0.0, 27.0] {
        let ok = observation(&therapeutic_alliance::Score::new("phq-9", total), &ctx).unwrap();
        assert_eq!(ok.value_quantity.value, total);
    }
}

#[test]
fn the_critical_flag_is_in_the_observation_json() {
    // PHQ-9 with item 9 = 2 ("more than half the days").
    let r: QuestionnaireResponse = edited("lhc-phq9-response.json", |v| {
        v["item"][8]["answer"][0]["valueCoding"]["code"] = "LA6570-1".into();
    });
    let read = read_response(&phq(), &r, None, CodePolicy::default()).unwrap();
    let score = phq().score(&read.responses).unwrap();
    assert_eq!(score.critical.len(), 1);
    let obs =
        serde_json::to_value(observation(&score, &ObservationContext::new()).unwrap()).unwrap();
    let interpretation = obs["interpretation"].as_array().unwrap();
    assert_eq!(interpretation[0]["text"], "mild");
    let critical = &interpretation[1];
    assert_eq!(
        critical["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    );
    assert_eq!(critical["coding"][0]["code"], "AA");
    assert_eq!(
        critical["coding"][1]["system"],
        "urn:therapeutic-alliance:critical-rule"
    );
    assert_eq!(critical["coding"][1]["code"], "phq9_item9");
    let component = &obs["component"][0];
    assert_eq!(component["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(component["code"]["coding"][0]["code"], "44260-8");
    assert_eq!(component["code"]["coding"][1]["code"], "phq9_item9");
    assert_eq!(component["valueQuantity"]["value"], 2.0);
    assert_eq!(component["interpretation"][0]["coding"][0]["code"], "AA");
    // No flag, no critical entry.
    let quiet = phq()
        .score(
            &read_response(
                &phq(),
                &load("lhc-phq9-response.json"),
                None,
                CodePolicy::default(),
            )
            .unwrap()
            .responses,
        )
        .unwrap();
    let obs =
        serde_json::to_value(observation(&quiet, &ObservationContext::new()).unwrap()).unwrap();
    assert_eq!(obs["interpretation"].as_array().unwrap().len(), 1);
    assert!(obs.get("component").is_none());
}

/// A response item `depth` groups deep around one answered PHQ-9 item, built in code.
fn nested_response(depth: usize) -> QuestionnaireResponse {
    let mut node = ResponseItem::default();
    "/44250-9".clone_into(&mut node.link_id);
    let mut answer = ResponseAnswer::default();
    answer.value_integer = Some(1);
    node.answer.push(answer);
    for d in 0..depth {
        let mut group = ResponseItem::default();
        group.link_id = format!("g{d}");
        group.item.push(node);
        node = group;
    }
    let mut r = QuestionnaireResponse::default();
    "QuestionnaireResponse".clone_into(&mut r.resource_type);
    r.item.push(node);
    r
}

#[test]
fn groups_nested_100000_deep_are_a_typed_error_not_a_stack_overflow() {
    let deep = nested_response(100_000);
    let e = read_response(&phq(), &deep, None, CodePolicy::default()).unwrap_err();
    assert!(
        matches!(e, FhirError::TooDeep { limit, .. } if limit == MAX_NESTING),
        "{e}"
    );
    assert_eq!(ErrorDocument::from_error(&e).code, "nesting_too_deep");
    drop(deep); // dropping does not recurse either
    // Nesting within the limit is read (the other items are missing: a typed error).
    let shallow = nested_response(MAX_NESTING - 1);
    match read_response(&phq(), &shallow, None, CodePolicy::default()) {
        Err(FhirError::MissingItems { missing, .. }) => {
            assert_eq!(missing, [2, 3, 4, 5, 6, 7, 8, 9]);
        }
        other => panic!("{other:?}"),
    }
    // Items nested under answers count too (the panel code: read and skipped, level by level).
    let mut under = QuestionnaireResponse::default();
    "QuestionnaireResponse".clone_into(&mut under.resource_type);
    let mut node = ResponseItem::default();
    "leaf".clone_into(&mut node.link_id);
    for d in 0..100_000 {
        let mut answer = ResponseAnswer::default();
        answer.value_integer = Some(0);
        answer.item.push(node);
        let mut parent = ResponseItem::default();
        parent.link_id = format!("/44249-1/a{d}");
        parent.answer.push(answer);
        node = parent;
    }
    under.item.push(node);
    assert!(matches!(
        read_response(&phq(), &under, None, CodePolicy::default()),
        Err(FhirError::TooDeep { .. })
    ));
    // A questionnaire nested 100,000 deep.
    let mut q = Questionnaire::default();
    "Questionnaire".clone_into(&mut q.resource_type);
    let mut node = QuestionnaireItem::default();
    "leaf".clone_into(&mut node.link_id);
    for d in 0..100_000 {
        let mut group = QuestionnaireItem::default();
        group.link_id = format!("g{d}");
        group.item.push(node);
        node = group;
    }
    q.item.push(node);
    let e =
        read_response(&phq(), &nested_response(1), Some(&q), CodePolicy::default()).unwrap_err();
    assert!(matches!(e, FhirError::TooDeep { .. }), "{e}");
}
