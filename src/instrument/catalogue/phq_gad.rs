//! PHQ-9 and GAD-7 (public domain).

use crate::instrument::critical::CriticalRule;
use crate::instrument::{
    Band, Comparison, Cutoff, Direction, Instrument, InstrumentBuilder, InstrumentError,
    ResponseScale, Verification,
};

const PHQ_LICENCE: &str = "public domain per the owner's statement (phqscreeners.com, as quoted \
by CamCOPS): no permission needed to reproduce, translate, display or distribute";

pub(super) fn phq_9() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new(
        "phq-9",
        "Patient Health Questionnaire-9",
        ResponseScale::likert(0, 3),
    )
    .version("PHQ-9, 9 scored items")
    .citation(
        "Kroenke, K., Spitzer, R. L., & Williams, J. B. W. (2001). The PHQ-9: validity of a \
             brief depression severity measure. Journal of General Internal Medicine, 16(9), \
             606-613.",
    )
    .licence(PHQ_LICENCE)
    .verification(Verification::Verified)
    .direction(Direction::LowerIsBetter)
    .items(1..=9)
    .cutoff(Cutoff::new(Comparison::GreaterOrEqual, 10.0))
    .bands(vec![
        Band::new("none-minimal", 0.0),
        Band::new("mild", 5.0),
        Band::new("moderate", 10.0),
        Band::new("moderately severe", 15.0),
        Band::new("severe", 20.0),
    ])
    .reliable_change(6.0)
    .critical(CriticalRule::phq9_item9())
    .notes(
        "Items 0-3, plain sum 0-27 (the unscored difficulty item 10 is not part of the \
             definition). Bands >= 5 / 10 / 15 / 20 (VERIFIED). Caseness >= 10 (VERIFIED, NHS \
             Talking Therapies). Reliable improvement: a decrease of 6 or more (NHS Talking \
             Therapies, VERIFIED). No published missing-data rule, so every item is required.",
    )
    .build()
}

pub(super) fn gad_7() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new(
        "gad-7",
        "Generalized Anxiety Disorder-7",
        ResponseScale::likert(0, 3),
    )
    .version("GAD-7, 7 items")
    .citation(
        "Spitzer, R. L., Kroenke, K., Williams, J. B. W., & Lowe, B. (2006). A brief measure \
             for assessing generalized anxiety disorder: the GAD-7. Archives of Internal \
             Medicine, 166(10), 1092-1097.",
    )
    .licence(PHQ_LICENCE)
    .verification(Verification::Verified)
    .direction(Direction::LowerIsBetter)
    .items(1..=7)
    .cutoff(Cutoff::new(Comparison::GreaterOrEqual, 10.0))
    .bands(vec![
        Band::new("none-minimal", 0.0),
        Band::new("mild", 5.0),
        Band::new("moderate", 10.0),
        Band::new("severe", 15.0),
    ])
    .reliable_change(4.0)
    .notes(
        "Items 0-3, sum 0-21. Bands >= 5 / 10 / 15 (VERIFIED). Cutoff >= 10 (GAD \
             sensitivity 89%, specificity 82%); NHS Talking Therapies caseness is >= 8 \
             (VERIFIED): use with_cutoff for it. Reliable improvement: a decrease of 4 or more \
             (NHS Talking Therapies). No published missing-data rule, so every item is required.",
    )
    .build()
}
