//! HL7 FHIR R4: read a `QuestionnaireResponse` into [`Responses`](crate::Responses), write a
//! [`Score`](crate::Score) as an `Observation` (feature `fhir`, off by default).
//!
//! Clinic systems exchange questionnaires as FHIR R4 `Questionnaire` /
//! `QuestionnaireResponse` and results as `Observation`, coded with LOINC. This module is a
//! serde-only subset of the few resources used ([`resource`]); it adds no dependency (the
//! Rust FHIR model crates either lack R4, pull an HTTP stack, or switch on serde_json's
//! `arbitrary_precision` for every downstream user).
//!
//! - [`read_response`]: resolves each answered item to its LOINC item code through the
//!   `Questionnaire` (its `item.code`, and `answerOption` weights) when one is given, else
//!   through a LOINC code carried in the `linkId` or `definition` (as LHC-Forms does); it
//!   never assumes one producer's linkIds. Unknown, duplicate, unresolvable and missing items
//!   are typed errors ([`FhirError`]).
//! - [`observation`]: the LOINC total-score code, the value, the severity band as
//!   interpretation, `derivedFrom` the response, subscales as components.
//!
//! LOINC codes come from [`crate::loinc`]; only codes verified in two sources are used unless
//! the caller passes [`CodePolicy::Recorded`](crate::loinc::CodePolicy::Recorded).
//!
//! ```
//! use therapeutic_alliance::Instrument;
//! use therapeutic_alliance::fhir::{observation, read_response, ObservationContext, QuestionnaireResponse};
//! use therapeutic_alliance::loinc::CodePolicy;
//! // LHC-Forms style: the LOINC item code is the linkId; integer answers.
//! let codes = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];
//! let items: Vec<String> = codes.iter().map(|c| format!(r#"{{"linkId": "/{c}", "answer": [{{"valueInteger": 1}}]}}"#)).collect();
//! let json = format!(r#"{{"resourceType": "QuestionnaireResponse", "id": "qr-1", "status": "completed", "item": [{}]}}"#, items.join(","));
//! let qr: QuestionnaireResponse = serde_json::from_str(&json)?;
//! let phq = Instrument::builtin("phq-9").ok_or("no phq-9")?;
//! let read = read_response(&phq, &qr, None, CodePolicy::VerifiedOnly)?;
//! let score = phq.score(&read.responses)?;
//! assert_eq!(score.total, 9.0);
//! let obs = observation(&score, &ObservationContext::new().derived_from("QuestionnaireResponse/qr-1"))?;
//! assert_eq!(obs.code.coding[0].code.as_deref(), Some("44261-6"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod observation;
mod read;
pub mod resource;

pub use error::FhirError;
pub use observation::{ObservationContext, observation};
pub use read::{ImportedResponses, read_response};
pub use resource::{Observation, Questionnaire, QuestionnaireResponse};
