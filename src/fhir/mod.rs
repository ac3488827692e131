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
//!   never assumes one producer's linkIds. Unknown, duplicate, unresolvable and missing items,
//!   conflicting values and nesting deeper than [`MAX_NESTING`] are typed errors
//!   ([`FhirError`]).
//! - [`observation`]: the LOINC total-score code, the value (refused when not finite or
//!   outside the instrument's range), the severity band as interpretation, `derivedFrom` the
//!   response, subscales as components, and every critical rule met (PHQ-9 item 9) as an
//!   interpretation and a component (below).
//!
//! ## What is read by default, and why
//!
//! With the default [`CodePolicy::VerifiedOnly`](crate::loinc::CodePolicy::VerifiedOnly) only
//! LOINC codes verified in two independent sources are used ([`crate::loinc`] lists each
//! code, its sources and its label). These are, for the PHQ-9 and the GAD-7, the panel, item,
//! total-score **and answer codes**: the frequency answers LA6568-5 "not at all" = 0,
//! LA6569-3 "several days" = 1, LA6570-1 "more than half the days" = 2 and LA6571-9 "nearly
//! every day" = 3 are listed as the PHQ-9 items' answers in the NLM UMLS/UTS LOINC relations,
//! and given `ordinalValue` 0–3 by published FHIR R4 PHQ-9 and GAD-7 Questionnaires; 0–3 is
//! the instruments' published scoring (Kroenke et al. 2001; Spitzer et al. 2006). So a
//! response in the LHC-Forms style (LOINC codes in the linkIds, `valueCoding` answers) is
//! read **without** its Questionnaire. A Questionnaire's own answer weights
//! (`itemWeight`/`ordinalValue` on an `answerOption`) win when it is given, since a form may
//! weigh its answers differently; a coded answer that is neither weighed there, nor on the
//! coding, nor one of these four codes is refused with a message saying to give the
//! Questionnaire. An answer with two values (say `valueInteger` and `valueDecimal`) is read
//! only when they agree (the same number twice is accepted), else refused as
//! [`FhirError::ConflictingValues`]: a clinical score is never chosen silently between two.
//! [`CodePolicy::Recorded`](crate::loinc::CodePolicy::Recorded) also lets codes with weaker
//! labels through (none of the PHQ-9/GAD-7 codes needs it today).
//!
//! ## Critical items in the Observation
//!
//! A receiving EHR must see a critical item (PHQ-9 item 9 ≥ 1: a prompt for a same-day risk
//! assessment, never a risk estimate; see [`crate::critical`]) without knowing this crate.
//! For each critical rule the score met, [`observation`] writes
//!
//! - an `interpretation` entry coded `AA` ("Critical abnormal") in HL7's
//!   `ObservationInterpretation` code system ([`INTERPRETATION_SYSTEM`],
//!   terminology.hl7.org) and the rule's id (e.g. `phq9_item9`) in [`CRITICAL_RULE_SYSTEM`]
//!   (`urn:therapeutic-alliance:critical-rule`, the crate's own code system: its codes are the
//!   ids of [`CriticalRule`](crate::critical::CriticalRule)s), with the flag as text;
//! - a `component` coded with the LOINC code of the item looked at (PHQ-9 item 9: 44260-8,
//!   verified) and the rule's id, valued with the answer found, interpreted `AA` likewise.
//!
//! No LOINC code for "critical item met" exists, and none is invented.
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
pub use observation::{
    CRITICAL_RULE_SYSTEM, INTERPRETATION_SYSTEM, ObservationContext, observation,
};
pub use read::{ImportedResponses, MAX_NESTING, read_response};
pub use resource::{Observation, Questionnaire, QuestionnaireResponse};
