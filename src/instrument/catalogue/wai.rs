//! Working Alliance Inventory family: WAI-SR (client, therapist) and the 36-item WAI.

use crate::instrument::{
    Direction, Instrument, InstrumentBuilder, InstrumentError, ResponseScale, Verification,
};

const WAI_LICENCE: &str = "items (c) Horvath; rights held by the Society for Psychotherapy \
Research (SPR): research use with permission via the SPR executive director; no item wording \
is shipped, only item numbers, subscales and keying";

/// WAI-SR key: Task 1, 2, 10, 12; Bond 3, 5, 7, 9; Goal 4, 6, 8, 11 (VERIFIED); no reversals.
fn wai_sr_builder(id: &str, name: &str) -> InstrumentBuilder {
    InstrumentBuilder::new(id, name, ResponseScale::likert(1, 5))
        .direction(Direction::HigherIsBetter)
        .subscale_items("task", &[1, 2, 10, 12])
        .subscale_items("bond", &[3, 5, 7, 9])
        .subscale_items("goal", &[4, 6, 8, 11])
}

pub(super) fn wai_sr() -> Result<Instrument, InstrumentError> {
    wai_sr_builder("wai-sr", "Working Alliance Inventory - Short Revised, client form")
        .version("WAI-SR client (12 items)")
        .citation(
            "Hatcher, R. L., & Gillaspy, J. A. (2006). Development and validation of a revised \
             short version of the Working Alliance Inventory. Psychotherapy Research, 16(1), 12-25.",
        )
        .licence(WAI_LICENCE)
        .verification(Verification::Verified)
        .notes(
            "1..5 frequency scale; sums: total 12-60, subscales 4-20; no reverse-keyed items \
             (secondary). No published missing-data rule, so every item is required. No \
             published cutoffs or bands (see catalogue::wai_sr_rivet_bands for a vendor preset).",
        )
        .build()
}

pub(super) fn wai_sr_t() -> Result<Instrument, InstrumentError> {
    wai_sr_builder(
        "wai-sr-t",
        "Working Alliance Inventory - Short Revised, therapist form",
    )
    .version("WAI-SR-T (12 items)")
    .citation(
        "Hatcher, R. L., Lindqvist, K., & Falkenstrom, F. (2019). Psychometric evaluation \
             of the Working Alliance Inventory - Therapist version: current and new short \
             forms. Psychotherapy Research, doi:10.1080/10503307.2019.1677964.",
    )
    .licence(WAI_LICENCE)
    .verification(Verification::Unverified)
    .notes(
        "UNVERIFIED: the item-to-subscale key is assumed to equal the client form's; no \
             source for the therapist form's key was read. Supply the published key with \
             Instrument::to_builder() when you hold it.",
    )
    .build()
}

pub(super) fn wai() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new(
        "wai",
        "Working Alliance Inventory (36 items)",
        ResponseScale::likert(1, 7),
    )
    .version("WAI client/therapist, 36 items")
    .citation(
        "Horvath, A. O., & Greenberg, L. S. (1989). Development and validation of the \
             Working Alliance Inventory. Journal of Counseling Psychology, 36(2), 223-233. \
             doi:10.1037/0022-0167.36.2.223",
    )
    .licence(WAI_LICENCE)
    .verification(Verification::Secondary)
    .direction(Direction::HigherIsBetter)
    .subscale_items("task", &[2, 4, 7, 11, 13, 15, 16, 18, 24, 31, 33, 35])
    .subscale_items("bond", &[1, 5, 8, 17, 19, 20, 21, 23, 26, 28, 29, 36])
    .subscale_items("goal", &[3, 6, 9, 10, 12, 14, 22, 25, 27, 30, 32, 34])
    .reverse(&[1, 3, 7, 9, 10, 11, 12, 15, 20, 27, 29, 31, 33, 34])
    .notes(
        "SECONDARY key: one open-source implementation, matching the commonly circulated \
             key; Horvath's own key was not read. Reverse items scored 8 - x. Sums: total \
             36-252, subscales 12-84. No published missing-data rule or cutoffs.",
    )
    .build()
}
