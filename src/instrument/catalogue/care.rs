//! CARE Measure (Consultation and Relational Empathy).

use crate::instrument::{
    Direction, Instrument, InstrumentBuilder, InstrumentError, MissingRule, ResponseScale,
    Verification,
};

pub(super) fn care() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new(
        "care",
        "Consultation and Relational Empathy (CARE) Measure",
        ResponseScale::likert(1, 5),
    )
    .version("CARE, 10 items")
    .citation(
        "Mercer, S. W., Maxwell, M., Heaney, D., & Watt, G. C. M. (2004). The consultation \
             and relational empathy (CARE) measure: development and preliminary validation and \
             reliability of an empathy-based consultation process measure. Family Practice, \
             21(6), 699-705. doi:10.1093/fampra/cmh621",
    )
    .licence(
        "form (c) Stewart W Mercer 2004, described as free to use; whether commercial \
             software may embed the wording is unconfirmed, so no item wording is shipped",
    )
    .verification(Verification::Secondary)
    .direction(Direction::HigherIsBetter)
    .does_not_apply(true)
    .items(1..=10)
    .missing(MissingRule::ReplaceWithMean { max_missing: 2 })
    .notes(
        "1 poor .. 5 excellent plus \"does not apply\"; no reverse items; sum 10-50. Up to \
             two missing or \"does not apply\" answers are each replaced by the mean of the \
             answered items; with more the questionnaire is excluded (SECONDARY: a review \
             quoting the developer's site). No published cutoffs; strong ceiling effect.",
    )
    .build()
}
