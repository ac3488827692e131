//! [`Score`] → FHIR R4 `Observation`.

use super::FhirError;
use super::resource::{
    CodeableConcept, Coding, Observation, ObservationComponent, Quantity, Reference,
};
use crate::Score;
use crate::loinc::{CodePolicy, LOINC_SYSTEM, codes_for};

const CATEGORY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// Where an [`Observation`] comes from: the patient, the time, the response scored, and which
/// codes may be emitted. Every field is optional except the policy (default: verified codes
/// only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObservationContext {
    subject: Option<String>,
    effective: Option<String>,
    derived_from: Option<String>,
    policy: CodePolicy,
}

impl ObservationContext {
    /// No subject, time or source; verified codes only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The patient reference, e.g. `Patient/p-1`.
    #[must_use]
    pub fn subject(mut self, reference: impl Into<String>) -> Self {
        self.subject = Some(reference.into());
        self
    }

    /// The `effectiveDateTime` (the response's `authored`).
    #[must_use]
    pub fn effective(mut self, date_time: impl Into<String>) -> Self {
        self.effective = Some(date_time.into());
        self
    }

    /// The scored response, e.g. `QuestionnaireResponse/qr-1`.
    #[must_use]
    pub fn derived_from(mut self, reference: impl Into<String>) -> Self {
        self.derived_from = Some(reference.into());
        self
    }

    /// Which recorded codes may be emitted.
    #[must_use]
    pub fn policy(mut self, policy: CodePolicy) -> Self {
        self.policy = policy;
        self
    }
}

/// The FHIR R4 `Observation` of a score: category `survey`, the instrument's LOINC
/// total-score code, the total as a `{score}` quantity, the severity band (if any) as the
/// interpretation's text, `derivedFrom` the response, and each subscale as a component
/// (coded by name as text: no LOINC codes are recorded for subscales).
///
/// # Errors
/// [`FhirError::NoCodes`] when the instrument has no recorded codes,
/// [`FhirError::UnverifiedCode`] when its total-score code is not verified in two sources and
/// the policy allows verified codes only.
pub fn observation(score: &Score, context: &ObservationContext) -> Result<Observation, FhirError> {
    let codes = codes_for(&score.instrument).ok_or_else(|| FhirError::NoCodes {
        instrument: score.instrument.clone(),
    })?;
    if !context.policy.allows(codes.total.verification) {
        return Err(FhirError::UnverifiedCode {
            instrument: score.instrument.clone(),
            code: codes.total.code.to_owned(),
        });
    }
    Ok(Observation {
        resource_type: "Observation".to_owned(),
        status: "final".to_owned(),
        category: vec![CodeableConcept::coded(
            Coding::new(CATEGORY_SYSTEM, "survey").display("Survey"),
        )],
        code: CodeableConcept::coded(Coding::new(LOINC_SYSTEM, codes.total.code)),
        subject: context.subject.clone().map(Reference::to),
        effective_date_time: context.effective.clone(),
        value_quantity: Quantity::score(score.total),
        interpretation: score
            .band
            .iter()
            .map(|b| CodeableConcept::text(b.clone()))
            .collect(),
        derived_from: context
            .derived_from
            .clone()
            .map(Reference::to)
            .into_iter()
            .collect(),
        component: score
            .subscales
            .iter()
            .map(|s| ObservationComponent {
                code: CodeableConcept::text(s.name.clone()),
                value_quantity: Quantity::score(s.value),
            })
            .collect(),
    })
}
