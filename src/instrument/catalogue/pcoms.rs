//! PCOMS: Session Rating Scale (SRS) and Outcome Rating Scale (ORS).

use crate::instrument::{
    Comparison, Cutoff, Direction, Instrument, InstrumentBuilder, InstrumentError, ResponseScale,
    Verification,
};

const PCOMS_LICENCE: &str = "(c) Miller, Duncan & Johnson / ICCE: free paper-and-pencil \
licence for individual practitioners after registration; groups and agencies need a paid \
licence. Item labels and form wording are not shipped and must be used under that licence";

/// Which ORS cutoff to use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrsAge {
    /// Adults and adolescents: clinical if total `< 25` (VERIFIED: OpenFIT KA-01031 and an
    /// open-source implementation banding 0-24 clinical).
    #[default]
    Adult,
    /// Children (CORS, ages 6-12): clinical if total `< 32` (SECONDARY: OpenFIT KA-01031).
    Child,
}

pub(super) fn srs() -> Result<Instrument, InstrumentError> {
    InstrumentBuilder::new(
        "srs",
        "Session Rating Scale",
        ResponseScale::visual_analogue(0.0, 10.0),
    )
    .version("SRS V.3")
    .citation(
        "Duncan, B. L., Miller, S. D., Sparks, J. A., Claud, D. A., Reynolds, L. R., Brown, \
             J., & Johnson, L. D. (2003). The Session Rating Scale: preliminary psychometric \
             properties of a \"working\" alliance measure. Journal of Brief Therapy, 3(1), 3-12.",
    )
    .licence(PCOMS_LICENCE)
    .verification(Verification::Verified)
    .direction(Direction::HigherIsBetter)
    .items(1..=4)
    .cutoff(Cutoff::new(Comparison::Less, 36.0))
    // OpenFIT's dashboard: "SRS change from last session <= -1" is red (support article
    // 204000069702, PRIMARY: the vendor on its own product).
    .alert_drop(1.0)
    .notes(
        "4 visual-analogue lines, 0-10 cm each, summed to 0-40. Alliance concern when the \
             total is below 36 (< 36: a total of exactly 36 is not flagged; OpenFIT and cauceos \
             agree, the developers' own wording was not read). No published missing-data rule, \
             so every item is required.",
    )
    .build()
}

pub(super) fn ors(age: OrsAge) -> Result<Instrument, InstrumentError> {
    let (cutoff, rc, version) = match age {
        OrsAge::Adult => (25.0, Some(super::ORS_RC_ADULT), "ORS V.2, adult cutoff 25"),
        OrsAge::Child => (32.0, None, "CORS, child cutoff 32"),
    };
    let b = InstrumentBuilder::new(
        "ors",
        "Outcome Rating Scale",
        ResponseScale::visual_analogue(0.0, 10.0),
    )
    .version(version)
    .citation(
        "Miller, S. D., Duncan, B. L., Brown, J., Sparks, J. A., & Claud, D. A. (2003). The \
             Outcome Rating Scale: a preliminary study of the reliability, validity, and \
             feasibility of a brief visual analog measure. Journal of Brief Therapy, 2(2), 91-100.",
    )
    .licence(PCOMS_LICENCE)
    .verification(Verification::Verified)
    .direction(Direction::HigherIsBetter)
    .items(1..=4)
    .cutoff(Cutoff::new(Comparison::Less, cutoff))
    .notes(
        "4 visual-analogue lines, 0-10 cm, summed to 0-40; higher is better. Clinical range \
             is below the cutoff (< 25 adults, < 32 children): a total exactly at the cutoff is \
             non-clinical. Reliable change: 5 points for adults (SECONDARY); NHS England CYP \
             IAPT (2015) uses 6.6 (ORS) and 10 (CORS), see catalogue::ORS_RC_CYP_IAPT_2015. \
             The adolescent cutoff of 28 is UNVERIFIED and not offered as a preset. No published \
             missing-data rule, so every item is required.",
    );
    match rc {
        Some(points) => b.reliable_change(points).build(),
        None => b.build(),
    }
}
