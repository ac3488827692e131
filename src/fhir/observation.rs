//! [`Score`] → FHIR R4 `Observation`.

use super::FhirError;
use super::resource::{
    CodeableConcept, Coding, Observation, ObservationComponent, Quantity, Reference,
};
use crate::instrument::Instrument;
use crate::instrument::critical::{CriticalFlag, CriticalTarget};
use crate::loinc::{CodePolicy, InstrumentCodes, LOINC_SYSTEM, codes_for};
use crate::score::Score;

const CATEGORY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// HL7's `ObservationInterpretation` code system (terminology.hl7.org, v3), whose code `AA`
/// is "Critical abnormal".
pub const INTERPRETATION_SYSTEM: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

/// The crate's own code system for critical (risk) rules: the code is the rule's id
/// ([`CriticalRule::id`](crate::critical::CriticalRule::id), e.g. `phq9_item9`). No LOINC or
/// HL7 code exists for "this instrument's critical rule was met", so none is invented.
pub const CRITICAL_RULE_SYSTEM: &str = "urn:therapeutic-alliance:critical-rule";

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
/// interpretation's text, `derivedFrom` the response, each subscale as a component (coded by
/// name as text: no LOINC codes are recorded for subscales), and each critical rule the score
/// met (e.g. PHQ-9 item 9 answered above "not at all").
///
/// A critical rule met is written twice, so that a receiving system sees it whether it reads
/// the Observation's interpretation or its components:
///
/// - an `interpretation` entry coded `AA` ("Critical abnormal") in HL7's
///   [`INTERPRETATION_SYSTEM`] and the rule's id in the crate's [`CRITICAL_RULE_SYSTEM`], with
///   the flag as text;
/// - a `component` whose code is the LOINC code of the item looked at (PHQ-9 item 9:
///   44260-8, when the policy allows its label) and the rule's id in
///   [`CRITICAL_RULE_SYSTEM`], whose value is the answer found, and whose interpretation is
///   the same `AA` concept.
///
/// A flag is a prompt for a clinician's assessment the same day, never a risk estimate, and
/// its absence never means "no risk" (see [`crate::critical`]).
///
/// # Errors
/// [`FhirError::NoCodes`] when the instrument has no recorded codes,
/// [`FhirError::UnverifiedCode`] when its total-score code is not verified in two sources and
/// the policy allows verified codes only, [`FhirError::ImpossibleScore`] when the total, a
/// subscale or a critical item's value is not finite or outside what the instrument can score
/// (a PHQ-9 total of 999, −5 or NaN).
pub fn observation(score: &Score, context: &ObservationContext) -> Result<Observation, FhirError> {
    let no_codes = || FhirError::NoCodes {
        instrument: score.instrument.clone(),
    };
    let codes = codes_for(&score.instrument).ok_or_else(no_codes)?;
    // Codes are recorded only for built-in instruments, whose ranges are known.
    let instrument = Instrument::builtin(&score.instrument).ok_or_else(no_codes)?;
    if !context.policy.allows(codes.total.verification) {
        return Err(FhirError::UnverifiedCode {
            instrument: score.instrument.clone(),
            code: codes.total.code.to_owned(),
        });
    }
    check_values(&instrument, score)?;
    let mut interpretation: Vec<CodeableConcept> = score
        .band
        .iter()
        .map(|b| CodeableConcept::text(b.clone()))
        .collect();
    interpretation.extend(score.critical.iter().map(critical_concept));
    let mut component: Vec<ObservationComponent> = score
        .subscales
        .iter()
        .map(|s| ObservationComponent {
            code: CodeableConcept::text(s.name.clone()),
            value_quantity: Quantity::score(s.value),
            interpretation: Vec::new(),
        })
        .collect();
    component.extend(
        score
            .critical
            .iter()
            .map(|f| critical_component(f, codes, context.policy)),
    );
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
        interpretation,
        derived_from: context
            .derived_from
            .clone()
            .map(Reference::to)
            .into_iter()
            .collect(),
        component,
    })
}

/// Refuses a total, subscale or critical value that is not finite or not in the instrument's
/// range.
fn check_values(instrument: &Instrument, score: &Score) -> Result<(), FhirError> {
    let impossible =
        |name: &str, value: f64, range: Option<(f64, f64)>| FhirError::ImpossibleScore {
            instrument: score.instrument.clone(),
            score: name.to_owned(),
            value,
            range,
        };
    let inside = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && v >= lo && v <= hi;
    let range = instrument.total_range();
    if !inside(score.total, range) {
        return Err(impossible("total", score.total, Some(range)));
    }
    for sub in &score.subscales {
        let range = instrument
            .subscales()
            .iter()
            .position(|s| s.name == sub.name)
            .and_then(|i| instrument.subscale_range(i));
        if !range.is_some_and(|r| inside(sub.value, r)) {
            return Err(impossible(&sub.name, sub.value, range));
        }
    }
    for flag in &score.critical {
        if !flag.value.is_finite() {
            return Err(impossible(&flag.target.to_string(), flag.value, None));
        }
    }
    Ok(())
}

/// `AA` ("Critical abnormal") and the rule's id, with the flag as text.
fn critical_concept(flag: &CriticalFlag) -> CodeableConcept {
    CodeableConcept {
        coding: vec![
            Coding::new(INTERPRETATION_SYSTEM, "AA").display("Critical abnormal"),
            Coding::new(CRITICAL_RULE_SYSTEM, flag.rule.clone()),
        ],
        text: Some(flag.to_string()),
    }
}

/// The component of one critical rule met: the item's LOINC code (when recorded and allowed)
/// and the rule's id, the value found, and the critical interpretation.
fn critical_component(
    flag: &CriticalFlag,
    codes: &InstrumentCodes,
    policy: CodePolicy,
) -> ObservationComponent {
    let mut coding = Vec::with_capacity(2);
    if let CriticalTarget::Item { item } = flag.target
        && let Some(c) = codes.code_of(item)
        && policy.allows(c.verification)
    {
        coding.push(Coding::new(LOINC_SYSTEM, c.code));
    }
    coding.push(Coding::new(CRITICAL_RULE_SYSTEM, flag.rule.clone()));
    ObservationComponent {
        code: CodeableConcept {
            coding,
            text: Some(format!("critical {}: {}", flag.rule, flag.target)),
        },
        value_quantity: Quantity::score(flag.value),
        interpretation: vec![critical_concept(flag)],
    }
}
