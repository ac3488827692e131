//! Why a FHIR resource could not be read or written.

use thiserror::Error;

use crate::document::{ErrorCode, ErrorFields};

/// Why a FHIR resource could not be read or written. Messages name the `linkId`, item or
/// code concerned.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FhirError {
    /// The resource is not of the expected type.
    #[error("expected a {expected} resource, found {found:?}")]
    WrongResource {
        /// The resource type expected.
        expected: &'static str,
        /// The `resourceType` found.
        found: String,
    },
    /// The instrument has no LOINC codes recorded, so it cannot be read from or written to
    /// FHIR by code.
    #[error("{instrument}: no LOINC codes are recorded for this instrument")]
    NoCodes {
        /// The instrument id.
        instrument: String,
    },
    /// A code needed is recorded but not verified in two sources, and the policy allows only
    /// verified codes.
    #[error(
        "{instrument}: LOINC code {code} is not verified in two sources (use CodePolicy::Recorded to allow it)"
    )]
    UnverifiedCode {
        /// The instrument id.
        instrument: String,
        /// The code.
        code: String,
    },
    /// Two items of the Questionnaire share a `linkId`.
    #[error("questionnaire: linkId {link_id:?} appears more than once")]
    DuplicateLinkId {
        /// The repeated linkId.
        link_id: String,
    },
    /// A response item's `linkId` is not in the Questionnaire given.
    #[error("linkId {link_id:?}: not an item of the questionnaire")]
    UnknownLinkId {
        /// The linkId.
        link_id: String,
    },
    /// No LOINC code could be found for an answered item: none in the Questionnaire's
    /// `item.code`, and none embedded in its `linkId` or `definition`.
    #[error(
        "linkId {link_id:?}: no LOINC code found (give the Questionnaire, or a code in linkId or definition)"
    )]
    UnresolvableItem {
        /// The linkId.
        link_id: String,
    },
    /// An answered item's code is not an item of the instrument.
    #[error("linkId {link_id:?}: code {code} is not an item of {instrument}")]
    UnknownItem {
        /// The linkId.
        link_id: String,
        /// The code found.
        code: String,
        /// The instrument id.
        instrument: String,
    },
    /// Two response items resolve to the same item of the instrument.
    #[error("item {item}: answered more than once (linkId {link_id:?})")]
    DuplicateItem {
        /// The item number.
        item: u16,
        /// The linkId of the second answer.
        link_id: String,
    },
    /// An item has more than one answer.
    #[error("linkId {link_id:?}: {count} answers, expected one")]
    MultipleAnswers {
        /// The linkId.
        link_id: String,
        /// How many answers.
        count: usize,
    },
    /// An answer has none of `valueCoding`, `valueInteger`, `valueDecimal`.
    #[error("linkId {link_id:?}: the answer has no valueCoding, valueInteger or valueDecimal")]
    EmptyAnswer {
        /// The linkId.
        link_id: String,
    },
    /// A coded answer has no weight: none on the Questionnaire's matching `answerOption`,
    /// none on the coding, and the code is not one of the instrument's verified LOINC answer
    /// codes.
    #[error(
        "linkId {link_id:?}: answer code {code:?} has no weight (not a LOINC answer code of the instrument: give the Questionnaire with answerOption itemWeight or ordinalValue weights, or an itemWeight extension on the coding)"
    )]
    UnresolvableAnswer {
        /// The linkId.
        link_id: String,
        /// The answer code.
        code: String,
    },
    /// One answer gives two values that disagree (e.g. `valueInteger` 1 and `valueDecimal`
    /// 2.5, a coding that weighs 2 beside `valueInteger` 3, or a weight on the coding that
    /// disagrees with the Questionnaire's).
    #[error("linkId {link_id:?}: conflicting values in one answer, {first} and {second}")]
    ConflictingValues {
        /// The linkId.
        link_id: String,
        /// The first value and where it came from.
        first: String,
        /// The value that disagrees with it and where it came from.
        second: String,
    },
    /// An answer's value or weight is not finite (only possible in a resource built in code).
    #[error("linkId {link_id:?}: {value} is not a finite number")]
    NonFiniteValue {
        /// The linkId.
        link_id: String,
        /// The value and where it came from.
        value: String,
    },
    /// Items nest deeper than [`MAX_NESTING`](super::MAX_NESTING).
    #[error("linkId {link_id:?}: items nested more than {limit} levels deep")]
    TooDeep {
        /// The linkId of the first item too deep.
        link_id: String,
        /// The limit.
        limit: usize,
    },
    /// A score cannot be written as an Observation: it is not finite, or outside the
    /// instrument's possible range.
    #[error("{instrument}: {score} {value} is not a possible score ({})", range_text(*range))]
    ImpossibleScore {
        /// The instrument id.
        instrument: String,
        /// `"total"` or the subscale's name.
        score: String,
        /// The value.
        value: f64,
        /// The lowest and highest possible score, `None` when the instrument has no such
        /// score.
        range: Option<(f64, f64)>,
    },
    /// More items are unanswered than the instrument's missing-data rule allows.
    #[error("{instrument}: items {missing:?} are missing, at most {allowed} allowed")]
    MissingItems {
        /// The instrument id.
        instrument: String,
        /// The unanswered items.
        missing: Vec<u16>,
        /// How many the rule allows.
        allowed: usize,
    },
}

fn range_text(range: Option<(f64, f64)>) -> String {
    match range {
        Some((min, max)) => format!("from {min} to {max}"),
        None => "not a score of the instrument".to_owned(),
    }
}

impl ErrorCode for FhirError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongResource { .. } => "wrong_resource",
            Self::NoCodes { .. } => "no_loinc_codes",
            Self::UnverifiedCode { .. } => "unverified_code",
            Self::DuplicateLinkId { .. } => "duplicate_link_id",
            Self::UnknownLinkId { .. } => "unknown_link_id",
            Self::UnresolvableItem { .. } => "unresolvable_item",
            Self::UnknownItem { .. } => "unknown_item",
            Self::DuplicateItem { .. } => "duplicate_item",
            Self::MultipleAnswers { .. } => "multiple_answers",
            Self::EmptyAnswer { .. } => "empty_answer",
            Self::UnresolvableAnswer { .. } => "unresolvable_answer",
            Self::ConflictingValues { .. } => "conflicting_values",
            Self::NonFiniteValue { .. } => "non_finite_value",
            Self::TooDeep { .. } => "nesting_too_deep",
            Self::ImpossibleScore { .. } => "impossible_score",
            Self::MissingItems { .. } => "missing_items",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::WrongResource { .. } => f.field("resourceType"),
            Self::NoCodes { instrument }
            | Self::UnverifiedCode { instrument, .. }
            | Self::MissingItems { instrument, .. } => f.instrument(instrument.clone()),
            Self::DuplicateLinkId { link_id }
            | Self::UnknownLinkId { link_id }
            | Self::UnresolvableItem { link_id }
            | Self::MultipleAnswers { link_id, .. }
            | Self::EmptyAnswer { link_id }
            | Self::UnresolvableAnswer { link_id, .. }
            | Self::ConflictingValues { link_id, .. }
            | Self::NonFiniteValue { link_id, .. }
            | Self::TooDeep { link_id, .. } => f.field(link_id.clone()),
            Self::ImpossibleScore {
                instrument,
                score,
                value,
                ..
            } => f
                .instrument(instrument.clone())
                .field(score.clone())
                .value(*value),
            Self::UnknownItem {
                link_id,
                instrument,
                ..
            } => f.field(link_id.clone()).instrument(instrument.clone()),
            Self::DuplicateItem { item, link_id } => f.item(*item).field(link_id.clone()),
        }
    }
}
