//! CORE family: CORE-OM (34 items) and CORE-10.

use crate::instrument::{
    Aggregation, Band, Comparison, Cutoff, Direction, Instrument, InstrumentBuilder,
    InstrumentError, MissingRule, ResponseScale, Verification,
};

const CORE_LICENCE: &str = "CORE System Trust: scoring may be reproduced in software without \
fee; item text only verbatim with attribution under CC BY-ND 4.0 (not shipped here)";

pub(super) fn core_om() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new(
        "core-om",
        "CORE Outcome Measure",
        ResponseScale::likert(0, 4),
    )
    .version("CORE-OM, 34 items")
    .citation(
        "Evans, C., Connell, J., Barkham, M., Margison, F., McGrath, G., Mellor-Clark, J., & \
             Audin, K. (2002). Towards a standardised brief outcome measure: psychometric \
             properties and utility of the CORE-OM. British Journal of Psychiatry, 180, 51-60.",
    )
    .licence(CORE_LICENCE)
    .verification(Verification::Primary)
    .direction(Direction::LowerIsBetter)
    .subscale_items("well_being", &[4, 14, 17, 31])
    .subscale_items("problems", &[2, 5, 8, 11, 13, 15, 18, 20, 23, 27, 28, 30])
    .subscale_items(
        "functioning",
        &[1, 3, 7, 10, 12, 19, 21, 25, 26, 29, 32, 33],
    )
    .subscale_items("risk", &[6, 9, 16, 22, 24, 34])
    .subscale("problems", 1)
    .subscale("functioning", 1)
    .reverse(&[3, 4, 7, 12, 19, 21, 31, 32])
    .total(Aggregation::ScaledMean { factor: 10.0 })
    .subscale_scores(Aggregation::ScaledMean { factor: 10.0 })
    .missing(MissingRule::Prorate { max_missing: 3 })
    .cutoff(Cutoff::new(Comparison::GreaterOrEqual, 10.0))
    .reliable_change(5.0)
    .notes(
        "Items 0-4; positively worded items 3, 4, 7, 12, 19, 21, 31, 32 scored 4 - x \
             (VERIFIED). Clinical score = item mean x 10 (0-40) for the total and every domain \
             (CORE System Trust). Prorating: total up to 3 missing, problems and functioning \
             up to 1 each, well-being and risk none (PRIMARY, CST blog); a domain past its \
             limit is left unscored. Cutoff 10 on the clinical score (Connell et al. 2007 give \
             9.9; CORE IMS gives 10); the operator is not documented, >= 10 is this crate's \
             choice. Reliable change 5 clinical-score points (PRIMARY, CORE IMS).",
    )
    .build()
}

pub(super) fn core_10() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new("core-10", "CORE-10", ResponseScale::likert(0, 4))
        .version("CORE-10, 10 items")
        .citation(
            "Barkham, M., Bewick, B., Mullin, T., Gilbody, S., Connell, J., Cahill, J., \
             Mellor-Clark, J., Richards, D., Unsworth, G., & Evans, C. (2013). The CORE-10: a \
             short measure of psychological distress for routine use in the psychological \
             therapies. Counselling and Psychotherapy Research, 13(1), 3-13. \
             doi:10.1080/14733145.2012.729069",
        )
        .licence(CORE_LICENCE)
        .verification(Verification::Verified)
        .direction(Direction::LowerIsBetter)
        .items(1..=10)
        .reverse(&[2, 3])
        .missing(MissingRule::Prorate { max_missing: 1 })
        .cutoff(Cutoff::new(Comparison::GreaterOrEqual, 11.0))
        .bands(vec![
            Band::new("non-clinical", 0.0),
            Band::new("mild", 11.0),
            Band::new("moderate", 15.0),
            Band::new("moderate-to-severe", 20.0),
            Band::new("severe", 25.0),
        ])
        .reliable_change(super::CORE_10_RC_GENERAL)
        .notes(
            "Items 0-4; items 2 and 3 reverse-keyed (VERIFIED); clinical score = sum 0-40, \
             prorated 10 x sum / answered with at most 1 missing (PRIMARY, CST). Clinical if \
             >= 11 (VERIFIED). Bands <= 10 / 11-14 / 15-19 / 20-24 / >= 25 (VERIFIED); a \
             prorated total between two whole numbers falls in the lower band. Reliable change \
             6 points at 90% confidence (VERIFIED); CYP IAPT uses 5 (catalogue::CORE_10_RC_CYP_IAPT_2015).",
        )
        .build()
}
