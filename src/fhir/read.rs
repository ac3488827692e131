//! `QuestionnaireResponse` → [`Responses`] for a built-in instrument.

use std::collections::HashMap;

use super::FhirError;
use super::resource::{
    Coding, Questionnaire, QuestionnaireItem, QuestionnaireResponse, ResponseAnswer, ResponseItem,
    weights,
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
/// No producer's linkIds are assumed.
///
/// Answers may be `valueInteger`, `valueDecimal` or `valueCoding`. A coded answer's weight
/// is, in this order:
///
/// 1. the `itemWeight`/`ordinalValue` extension of the questionnaire's matching
///    `answerOption`, when a questionnaire is given and has one (the questionnaire wins: a
///    form may score its answers differently);
/// 2. else an `itemWeight`/`ordinalValue` extension on the coding itself;
/// 3. else, **by default**, the value of a verified LOINC answer code of the instrument
///    (PHQ-9 and GAD-7: LA6568-5 = 0, LA6569-3 = 1, LA6570-1 = 2, LA6571-9 = 3; see
///    [`crate::loinc`] for the two sources), so an LHC-Forms response with coded answers is
///    read without its Questionnaire.
///
/// A code that none of these weighs is [`FhirError::UnresolvableAnswer`], whose message says
/// to give the Questionnaire (with `answerOption` weights) or a weight on the coding. An
/// answer carrying several values (FHIR allows one `value[x]`) is read only if they agree:
/// `valueInteger` 2 with `valueDecimal` 2.0, or with a coding that weighs 2, is read as 2;
/// disagreeing values, or a weight on the coding that disagrees with the questionnaire's, are
/// [`FhirError::ConflictingValues`]. A non-finite value is [`FhirError::NonFiniteValue`].
///
/// Groups may nest, and items nested under answers are read too, up to [`MAX_NESTING`] levels
/// (walked without recursion). The panel, the total score (kept as
/// [`ImportedResponses::reported_total`]) and unscored items (the PHQ-9 difficulty item) are
/// skipped. Values are checked against the scale when the responses are scored.
///
/// # Errors
/// [`FhirError`]: wrong resource type, no codes for the instrument, a code the policy does
/// not allow, an unknown or unresolvable item, an item answered twice or with several
/// answers, an answer without a usable value or with conflicting values, nesting deeper than
/// [`MAX_NESTING`], or more items missing than the instrument's missing-data rule allows.
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

/// How deeply items may nest (groups within groups, items under answers) in a
/// `QuestionnaireResponse` or `Questionnaire` given to [`read_response`]: a top-level item is
/// at depth 1. Published PHQ-9/GAD-7 forms nest two or three deep; serde_json's parser stops
/// at 128 nested JSON values (about 63 item levels) anyway, so the limit only matters for
/// resources built in code or read with another deserialiser. Deeper nesting is
/// [`FhirError::TooDeep`].
pub const MAX_NESTING: usize = 64;

fn check_depth(depth: usize, link_id: &str) -> Result<(), FhirError> {
    if depth > MAX_NESTING {
        return Err(FhirError::TooDeep {
            link_id: link_id.to_owned(),
            limit: MAX_NESTING,
        });
    }
    Ok(())
}

fn index_items<'a>(
    items: &'a [QuestionnaireItem],
    index: &mut HashMap<&'a str, &'a QuestionnaireItem>,
) -> Result<(), FhirError> {
    let mut stack: Vec<(&QuestionnaireItem, usize)> = items.iter().rev().map(|i| (i, 1)).collect();
    while let Some((item, depth)) = stack.pop() {
        check_depth(depth, &item.link_id)?;
        if index.insert(item.link_id.as_str(), item).is_some() {
            return Err(FhirError::DuplicateLinkId {
                link_id: item.link_id.clone(),
            });
        }
        stack.extend(item.item.iter().rev().map(|i| (i, depth + 1)));
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
    /// Reads `items` and everything nested under them, depth first in document order, without
    /// recursion (an explicit stack), refusing nesting deeper than [`MAX_NESTING`].
    fn items(&mut self, items: &[ResponseItem]) -> Result<(), FhirError> {
        let mut stack: Vec<(&ResponseItem, usize)> = items.iter().rev().map(|i| (i, 1)).collect();
        while let Some((item, depth)) = stack.pop() {
            check_depth(depth, &item.link_id)?;
            if !item.answer.is_empty() {
                self.answered(item)?;
            }
            // Pushed in reverse so that they come off the stack in document order: the item's
            // own nested items first, then those under each answer.
            for a in item.answer.iter().rev() {
                stack.extend(a.item.iter().rev().map(|i| (i, depth + 1)));
            }
            stack.extend(item.item.iter().rev().map(|i| (i, depth + 1)));
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
            let mut found = Agreed::new(&item.link_id);
            numbers(&item.answer[0], &mut found)?;
            self.out.reported_total = found.value.map(|(v, _)| v);
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

    /// The one value of `answer`: its `valueInteger`, `valueDecimal` and the weight of its
    /// `valueCoding`, which must agree when several are given.
    fn value(&self, item: &ResponseItem, answer: &ResponseAnswer) -> Result<f64, FhirError> {
        let mut found = Agreed::new(&item.link_id);
        numbers(answer, &mut found)?;
        if let Some(coding) = &answer.value_coding {
            let (w, what) = self.coded(item, coding)?;
            found.add(w, what)?;
        }
        found
            .value
            .map(|(v, _)| v)
            .ok_or_else(|| FhirError::EmptyAnswer {
                link_id: item.link_id.clone(),
            })
    }

    /// The weight of a coded answer and where it came from: the Questionnaire's matching
    /// `answerOption` weight, else a weight on the coding itself, else the verified LOINC
    /// answer code's 0–3 value.
    fn coded(&self, item: &ResponseItem, coding: &Coding) -> Result<(f64, String), FhirError> {
        let code = coding.code.clone().unwrap_or_default();
        let mut own = Agreed::new(&item.link_id);
        for (w, name) in weights(&coding.extension) {
            own.add(w, format!("the {name} {w} on the coding {code}"))?;
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
            let mut theirs = Agreed::new(&item.link_id);
            for (w, name) in option.into_iter().flat_map(|o| weights(&o.extension)) {
                theirs.add(w, format!("the questionnaire's {name} {w} for {code}"))?;
            }
            if let Some((w, what)) = theirs.value {
                // The questionnaire's weight wins; one on the coding must agree with it.
                if let Some((mine, mine_what)) = own.value {
                    let mut both = Agreed::new(&item.link_id);
                    both.add(w, what.clone())?;
                    both.add(mine, mine_what)?;
                }
                return Ok((w, what));
            }
        }
        if let Some(found) = own.value {
            return Ok(found);
        }
        let loinc = coding.system.as_deref().is_none_or(|s| s == LOINC_SYSTEM);
        match self.codes.answer_value(&code) {
            Some((v, c)) if loinc && self.policy.allows(c.verification) => {
                Ok((v, format!("LOINC answer {code} ({v})")))
            }
            _ => Err(FhirError::UnresolvableAnswer {
                link_id: item.link_id.clone(),
                code,
            }),
        }
    }
}

/// The value of an answer, checked to be finite and to agree with any other value given in
/// the same answer.
struct Agreed<'a> {
    link_id: &'a str,
    value: Option<(f64, String)>,
}

impl<'a> Agreed<'a> {
    fn new(link_id: &'a str) -> Self {
        Self {
            link_id,
            value: None,
        }
    }

    fn add(&mut self, v: f64, what: String) -> Result<(), FhirError> {
        if !v.is_finite() {
            return Err(FhirError::NonFiniteValue {
                link_id: self.link_id.to_owned(),
                value: what,
            });
        }
        match &self.value {
            Some((x, first)) if *x != v => Err(FhirError::ConflictingValues {
                link_id: self.link_id.to_owned(),
                first: first.clone(),
                second: what,
            }),
            Some(_) => Ok(()),
            None => {
                self.value = Some((v, what));
                Ok(())
            }
        }
    }
}

/// Adds the `valueInteger` and `valueDecimal` of `answer` to `found`.
fn numbers(answer: &ResponseAnswer, found: &mut Agreed<'_>) -> Result<(), FhirError> {
    if let Some(i) = answer.value_integer {
        // An i64 is always a finite f64 (rounded beyond 2^53; such a value is off every scale).
        found.add(i as f64, format!("valueInteger {i}"))?;
    }
    if let Some(d) = answer.value_decimal {
        found.add(d, format!("valueDecimal {d}"))?;
    }
    Ok(())
}
