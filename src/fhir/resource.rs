//! The serde-only subset of HL7 FHIR R4 resources the crate reads and writes.
//!
//! Field names are FHIR's own (camelCase, `resourceType`), not the crate's snake_case: these
//! types mirror an external standard. Elements the crate does not use are ignored on input
//! (FHIR resources carry many), and absent optional elements are left out on output.
//!
//! **Nesting.** Items nest (groups, items under answers). serde_json's parser refuses input
//! nested more than 128 values deep, so a parsed resource nests about 63 item levels at most;
//! [`read_response`](super::read_response) refuses more than
//! [`MAX_NESTING`](super::MAX_NESTING) levels without recursing, and dropping an item of any
//! depth does not recurse. The derived `Clone`, `PartialEq`, `Debug` and `Serialize` do
//! recurse: do not call them on items nested thousands of levels deep (only possible when
//! built in code).

use serde::{Deserialize, Serialize};

/// FHIR `Coding`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Coding {
    /// The code system URI, e.g. `http://loinc.org`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Display text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// Extensions (an `itemWeight` / `ordinalValue` weight may sit here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

impl Coding {
    /// A coding in `system` with `code`.
    #[must_use]
    pub fn new(system: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            system: Some(system.into()),
            code: Some(code.into()),
            display: None,
            extension: Vec::new(),
        }
    }

    /// With a display text.
    #[must_use]
    pub fn display(mut self, display: impl Into<String>) -> Self {
        self.display = Some(display.into());
        self
    }

    /// Whether this coding is `code` in `system` (a coding without a system matches any).
    #[must_use]
    pub fn is(&self, system: &str, code: &str) -> bool {
        self.code.as_deref() == Some(code) && self.system.as_deref().is_none_or(|s| s == system)
    }
}

/// FHIR `CodeableConcept`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CodeableConcept {
    /// Codings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    /// Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    /// A concept with one coding.
    #[must_use]
    pub fn coded(coding: Coding) -> Self {
        Self {
            coding: vec![coding],
            text: None,
        }
    }

    /// A concept with text only.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

/// FHIR `Extension`, with the value types the crate reads (answer weights).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Extension {
    /// The extension's URL.
    pub url: String,
    /// `valueDecimal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<f64>,
    /// `valueInteger`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
}

impl Eq for Extension {}

/// The R4 answer-weight extension (`itemWeight`; SDC).
pub const ITEM_WEIGHT: &str = "http://hl7.org/fhir/StructureDefinition/itemWeight";
/// The older answer-weight extension (`ordinalValue`), still written by LHC-Forms.
pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

/// Every weight carried by `itemWeight` or `ordinalValue` extensions (`valueDecimal` and
/// `valueInteger`), in order; the reader requires them to agree.
pub(crate) fn weights(extensions: &[Extension]) -> impl Iterator<Item = (f64, &'static str)> + '_ {
    extensions
        .iter()
        .filter_map(|e| match e.url.as_str() {
            ITEM_WEIGHT => Some((e, "itemWeight")),
            ORDINAL_VALUE => Some((e, "ordinalValue")),
            _ => None,
        })
        .flat_map(|(e, name)| {
            e.value_decimal
                .into_iter()
                .chain(e.value_integer.map(|i| i as f64))
                .map(move |w| (w, name))
        })
}

/// FHIR `Reference`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Reference {
    /// A literal reference, e.g. `QuestionnaireResponse/qr-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Reference {
    /// A literal reference.
    #[must_use]
    pub fn to(reference: impl Into<String>) -> Self {
        Self {
            reference: Some(reference.into()),
        }
    }
}

/// FHIR R4 `Questionnaire` (the elements used to resolve items).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Questionnaire {
    /// Always `"Questionnaire"`.
    pub resource_type: String,
    /// The logical id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Codes of the whole questionnaire (e.g. the LOINC panel).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    /// Items, possibly nested in groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireItem>,
}

/// An item of a [`Questionnaire`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuestionnaireItem {
    /// The item's link id, unique in the questionnaire.
    pub link_id: String,
    /// An element definition URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// Codes of the item (the LOINC item code).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    /// `group`, `choice`, `integer`, `decimal`, …
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// Permitted answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    /// Nested items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireItem>,
}

impl Drop for QuestionnaireItem {
    /// Nested items are dropped from a heap stack, one level at a time, so dropping an item
    /// nested however deep never overflows the call stack.
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.item);
        while let Some(mut child) = stack.pop() {
            stack.append(&mut child.item);
        }
    }
}

/// A permitted answer of a [`QuestionnaireItem`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AnswerOption {
    /// A coded answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
    /// An integer answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// Extensions (`itemWeight`, `ordinalValue`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

/// FHIR R4 `QuestionnaireResponse`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuestionnaireResponse {
    /// Always `"QuestionnaireResponse"`.
    pub resource_type: String,
    /// The logical id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The canonical URL of the questionnaire answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    /// `completed`, `in-progress`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    /// When it was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authored: Option<String>,
    /// Answered items, possibly nested.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

/// An item of a [`QuestionnaireResponse`]: a `linkId` (and optionally a `definition`), never
/// a code.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResponseItem {
    /// The questionnaire item answered.
    pub link_id: String,
    /// An element definition URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The item's text as shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The answers (one for the instruments scored here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<ResponseAnswer>,
    /// Nested items (groups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

impl Drop for ResponseItem {
    /// Nested items (under the item and under its answers) are dropped from a heap stack, one
    /// level at a time, so dropping an item nested however deep never overflows the call
    /// stack.
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.item);
        for a in &mut self.answer {
            stack.append(&mut a.item);
        }
        while let Some(mut child) = stack.pop() {
            stack.append(&mut child.item);
            for a in &mut child.answer {
                stack.append(&mut a.item);
            }
        }
    }
}

/// One answer of a [`ResponseItem`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResponseAnswer {
    /// A coded answer (e.g. a LOINC answer code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
    /// An integer answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// A decimal answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<f64>,
    /// Items nested under the answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

/// FHIR R4 `Observation` (a score).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Observation {
    /// Always `"Observation"`.
    pub resource_type: String,
    /// `final`.
    pub status: String,
    /// `survey` (observation-category).
    pub category: Vec<CodeableConcept>,
    /// The LOINC total-score code.
    pub code: CodeableConcept,
    /// The patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    /// When the questionnaire was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date_time: Option<String>,
    /// The total.
    pub value_quantity: Quantity,
    /// The severity band (as text), then one entry per critical rule met.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
    /// The QuestionnaireResponse scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<Reference>,
    /// Subscale scores, then the critical rules met.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub component: Vec<ObservationComponent>,
}

/// FHIR `Quantity` (a score: unit `{score}` in UCUM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Quantity {
    /// The value.
    pub value: f64,
    /// `{score}`.
    pub unit: String,
    /// `http://unitsofmeasure.org`.
    pub system: String,
    /// `{score}`.
    pub code: String,
}

impl Quantity {
    /// A score quantity.
    #[must_use]
    pub fn score(value: f64) -> Self {
        Self {
            value,
            unit: "{score}".to_owned(),
            system: "http://unitsofmeasure.org".to_owned(),
            code: "{score}".to_owned(),
        }
    }
}

/// One component of an [`Observation`] (a subscale, or a critical rule met).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ObservationComponent {
    /// What the component is (the subscale's name as text; no LOINC codes are recorded for
    /// subscales).
    pub code: CodeableConcept,
    /// The value.
    pub value_quantity: Quantity,
    /// The component's interpretation (`AA`, "Critical abnormal", for a critical rule met).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
}
