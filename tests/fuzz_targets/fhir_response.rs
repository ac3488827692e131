//! `fhir::read_response`: a QuestionnaireResponse (optionally `\n---\n` and a Questionnaire)
//! read for PHQ-9 and GAD-7 under both code policies. What is read has finite answers, a
//! finite reported total, and scores within the instrument's bounds; the resource itself
//! reads back from its own JSON.

use therapeutic_alliance::fhir::{Questionnaire, QuestionnaireResponse, read_response};
use therapeutic_alliance::loinc::CodePolicy;
use therapeutic_alliance::{Answer, Instrument};

fn parse<T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug>(
    what: &str,
    data: &[u8],
) -> Option<T> {
    let json = super::text(data)?;
    let value: T = serde_json::from_str(json).ok()?;
    let out = serde_json::to_string(&value).expect("a resource serialises");
    let back: T = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{what}: its own output is refused: {e}\n{out}"));
    assert_eq!(back, value, "{what}: round trip\n{out}");
    Some(value)
}

pub fn run(data: &[u8]) {
    let (response, questionnaire) = match super::split(data) {
        Some((r, q)) => (r, Some(q)),
        None => (data, None),
    };
    let Some(response) = parse::<QuestionnaireResponse>("questionnaire response", response) else {
        return;
    };
    let questionnaire = match questionnaire {
        Some(q) => match parse::<Questionnaire>("questionnaire", q) {
            Some(q) => Some(q),
            None => return,
        },
        None => None,
    };
    for id in ["phq-9", "gad-7"] {
        let instrument = Instrument::builtin(id).expect("built-in");
        for policy in [CodePolicy::VerifiedOnly, CodePolicy::Recorded] {
            match read_response(&instrument, &response, questionnaire.as_ref(), policy) {
                Ok(read) => {
                    for (item, answer) in read.responses.iter() {
                        if let Answer::Value(v) = answer {
                            assert!(v.is_finite(), "{id}: item {item}: answer {v}");
                        }
                    }
                    if let Some(t) = read.reported_total {
                        assert!(t.is_finite(), "{id}: reported total {t}");
                    }
                    super::check_score(&instrument, &read.responses);
                }
                Err(e) => super::assert_finite("fhir error", &e),
            }
        }
    }
}
