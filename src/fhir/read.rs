//! `QuestionnaireResponse` → [`Responses`] for a built-in instrument.

use std::collections::HashMap;

use super::FhirError;
use super::resource::{
    Questionnaire, QuestionnaireItem, QuestionnaireResponse, ResponseAnswer, ResponseItem, weight,
};
use crate::loinc::{CodePolicy, InstrumentCodes, LOINC_SYSTEM, codes_for, embedded_code};
use crate::{Answer, Instrument, Responses};

/// What [`read_response`] found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ImportedResponses {
    /// The answers by item number, tagged with the instrument's id.
    pub responses: Responses,
    /// A total score the producer put in the response (e.g. SDC's calculated `H1/TS` item),
    /// to compare with the crate's score; never used for scoring.
    pub reported_total: Option<f64>,
    /// The `linkId` of each item read, by item number.
    pub link_ids: Vec<(u16, String)>,
}

/// Reads a FHIR R4 `QuestionnaireResponse` into responses for `instrument`.
///
/// Response items carry only a `linkId` (and perhaps a `definition`), never a code, and
/// producers choose different linkIds (SDC `H1/T1/Q1`, US PCO IG numeric ids, LHC-Forms
/// `/44250-9`). Each answered item is resolved to its LOINC item code:
///
/// 1. through `questionnaire`, when given: the item with the same `linkId` (an unknown linkId
///    is an error), its `code` in the LOINC system, else a code embedded in its `linkId` or
///    `definition`;
/// 2. without a questionnaire: a well-formed LOINC code (check digit verified) embedded in the
///    response item's `definition`, else in its `linkId`.
///
/// No producer's linkIds are assumed. Answers may be `valueInteger`, `valueDecimal` or
/// `valueCoding`; a coded answer takes its weight from an `itemWeight`/`ordinalValue`
/// extension on the coding, else from the questionnaire's matching `answerOption`, else (only
/// if `policy` allows the recorded answer codes, which are not verified in two sources) from
/// the crate's LOINC answer table. Groups may nest, and items nested under answers are read
/// too. The panel, the total score (kept as [`ImportedResponses::reported_total`]) and unscored
/// items (the PHQ-9 difficulty item) are skipped. Values are checked against the scale when
/// the responses are scored.
///
/// # Errors
/// [`FhirError`]: wrong resource type, no codes for the instrument, a code the policy does
/// not allow, an unknown or unresolvable item, an item answered twice or with several
/// answers, an answer without a usable value, or more items missing than the instrument's
/// missing-data rule allows.
pub fn read_response(
    instrument: &Instrument,
    response: &QuestionnaireResponse,
    questionnaire: Option<&Questionnaire>,
    policy: CodePolicy,
) -> Result<ImportedResponses, FhirError> {
    if response.resource_type != "QuestionnaireResponse" {
        return Err(FhirError::WrongResource {
            expected: "QuestionnaireResponse",
            found: response.resource_type.clone(),
        });
    }
    let codes = codes_for(instrument.id()).ok_or_else(|| FhirError::NoCodes {
        instrument: instrument.id().to_owned(),
    })?;
    let index = match questionnaire {
        Some(q) => {
            if q.resource_type != "Questionnaire" {
                return Err(FhirError::WrongResource {
                    expected: "Questionnaire",
                    found: q.resource_type.clone(),
                });
            }
            let mut index = HashMap::new();
            index_items(&q.item, &mut index)?;
            Some(index)
        }
        None => None,
    };
    let mut reader = Reader {
        instrument,
        codes,
        index,
        policy,
        out: ImportedResponses {
            responses: Responses::with_capacity(instrument.item_count())
                .for_instrument(instrument.id()),
            reported_total: None,
            link_ids: Vec::new(),
        },
    };
    reader.items(&response.item)?;
    let mut out = reader.out;
    let missing: Vec<u16> = instrument
        .item_numbers()
        .filter(|&n| out.responses.get(n).is_none())
        .collect();
    let allowed = instrument.missing_rule().max_missing();
    if missing.len() > allowed {
        return Err(FhirError::MissingItems {
            instrument: instrument.id().to_owned(),
            missing,
            allowed,
        });
    }
    out.link_ids.sort_unstable();
    Ok(out)
}

fn index_items<'a>(
    items: &'a [QuestionnaireItem],
    index: &mut HashMap<&'a str, &'a QuestionnaireItem>,
) -> Result<(), FhirError> {
    for item in items {
        if index.insert(item.link_id.as_str(), item).is_some() {
            return Err(FhirError::DuplicateLinkId {
                link_id: item.link_id.clone(),
            });
        }
        index_items(&item.item, index)?;
    }
    Ok(())
}

struct Reader<'a> {
    instrument: &'a Instrument,
    codes: &'static InstrumentCodes,
    index: Option<HashMap<&'a str, &'a QuestionnaireItem>>,
    policy: CodePolicy,
    out: ImportedResponses,
}

impl Reader<'_> {
    fn items(&mut self, items: &[ResponseItem]) -> Result<(), FhirError> {
        for item in items {
            if !item.answer.is_empty() {
                self.answered(item)?;
            }
            self.items(&item.item)?;
            for a in &item.answer {
                self.items(&a.item)?;
            }
        }
        Ok(())
    }

    fn question(&self, link_id: &str) -> Result<Option<&QuestionnaireItem>, FhirError> {
        match &self.index {
            None => Ok(None),
            Some(index) => {
                index
                    .get(link_id)
                    .copied()
                    .map(Some)
                    .ok_or_else(|| FhirError::UnknownLinkId {
                        link_id: link_id.to_owned(),
                    })
            }
        }
    }

    fn code_of(&self, item: &ResponseItem) -> Result<String, FhirError> {
        let found = match self.question(&item.link_id)? {
            Some(q) => q
                .code
                .iter()
                .filter(|c| c.system.as_deref().is_none_or(|s| s == LOINC_SYSTEM))
                .find_map(|c| c.code.clone())
                .or_else(|| {
                    q.definition
                        .as_deref()
                        .and_then(embedded_code)
                        .map(str::to_owned)
                })
                .or_else(|| embedded_code(&q.link_id).map(str::to_owned)),
            None => item
                .definition
                .as_deref()
                .and_then(embedded_code)
                .or_else(|| embedded_code(&item.link_id))
                .map(str::to_owned),
        };
        found.ok_or_else(|| FhirError::UnresolvableItem {
            link_id: item.link_id.clone(),
        })
    }

    fn answered(&mut self, item: &ResponseItem) -> Result<(), FhirError> {
        let code = self.code_of(item)?;
        if item.answer.len() > 1 {
            return Err(FhirError::MultipleAnswers {
                link_id: item.link_id.clone(),
                count: item.answer.len(),
            });
        }
        if self.codes.total.code == code {
            self.out.reported_total = number(&item.answer[0]);
            return Ok(());
        }
        if self.codes.is_form_code(&code) {
            return Ok(());
        }
        let Some((number, item_code)) = self.codes.item_for(&code) else {
            return Err(FhirError::UnknownItem {
                link_id: item.link_id.clone(),
                code,
                instrument: self.instrument.id().to_owned(),
            });
        };
        if !self.policy.allows(item_code.verification) {
            return Err(FhirError::UnverifiedCode {
                instrument: self.instrument.id().to_owned(),
                code,
            });
        }
        let value = self.value(item, &item.answer[0])?;
        if self
            .out
            .responses
            .insert(number, Answer::Value(value))
            .is_err()
        {
            return Err(FhirError::DuplicateItem {
                item: number,
                link_id: item.link_id.clone(),
            });
        }
        self.out.link_ids.push((number, item.link_id.clone()));
        Ok(())
    }

    fn value(&self, item: &ResponseItem, answer: &ResponseAnswer) -> Result<f64, FhirError> {
        if let Some(x) = number(answer) {
            return Ok(x);
        }
        let Some(coding) = &answer.value_coding else {
            return Err(FhirError::EmptyAnswer {
                link_id: item.link_id.clone(),
            });
        };
        let code = coding.code.clone().unwrap_or_default();
        if let Some(w) = weight(&coding.extension) {
            return Ok(w);
        }
        if let Some(q) = self.question(&item.link_id)? {
            let option = q.answer_option.iter().find(|o| {
                o.value_coding.as_ref().is_some_and(|c| {
                    c.code.as_deref() == Some(code.as_str())
                        && (c.system.is_none()
                            || coding.system.is_none()
                            || c.system == coding.system)
                })
            });
            if let Some(w) = option.and_then(|o| weight(&o.extension)) {
                return Ok(w);
            }
        }
        let loinc = coding.system.as_deref().is_none_or(|s| s == LOINC_SYSTEM);
        match self.codes.answer_value(&code) {
            Some((v, c)) if loinc && self.policy.allows(c.verification) => Ok(v),
            _ => Err(FhirError::UnresolvableAnswer {
                link_id: item.link_id.clone(),
                code,
            }),
        }
    }
}

fn number(answer: &ResponseAnswer) -> Option<f64> {
    answer
        .value_decimal
        .or(answer.value_integer.map(|i| i as f64))
}
