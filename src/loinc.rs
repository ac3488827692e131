//! LOINC codes of the built-in instruments, each with its source and verification label.
//!
//! Clinic systems code questionnaires, items, answers and total scores with LOINC
//! (loinc.org). The codes recorded here are facts about identifiers, not item wording. Each
//! carries a [`Verification`] label: a code is [`Verification::Verified`] only when two
//! independent sources agree. The [`fhir`](crate::fhir) layer uses only verified codes unless
//! the caller opts in ([`CodePolicy::Recorded`]).
//!
//! | instrument | panel | items | total score | answers 0–3 |
//! |---|---|---|---|---|
//! | PHQ-9 | 44249-1 (verified) | 44250-9 … 44260-8 (verified) | 44261-6 (verified) | LA6568-5 … LA6571-9 (verified) |
//! | GAD-7 | 69737-5 (verified) | 69725-0 … 69736-7 (verified) | 70274-6 (verified) | as PHQ-9 (verified) |
//!
//! Sources: loinc.org's PHQ-9 panel page and the HL7 US Person-Centered Outcomes (PCO)
//! implementation guide (`Questionnaire-44249-1`) for the PHQ-9; LOINC mirrors and the HL7
//! Personal Health Record format IG (GAD-7 QuestionnaireResponse and Observation examples,
//! items in order and total 70274-6) for the GAD-7; the GAD-7 panel 69737-5 in several
//! independent FHIR projects, one checked against LOINC 2.82 on a terminology server.
//!
//! The four frequency answers are verified: the NLM UMLS/UTS LOINC relations list LA6568-5
//! "not at all", LA6569-3 "several days", LA6570-1 "more than half the days" and LA6571-9
//! "nearly every day" as answers (`has_answer`) of the PHQ-9 items, and published FHIR R4
//! Questionnaires of the PHQ-9 and GAD-7 in HL7-style implementation guides give them
//! `ordinalValue` 0, 1, 2, 3, the 0–3 scoring of Kroenke et al. (2001) and Spitzer et al.
//! (2006). So [`fhir::read_response`](crate::fhir::read_response) turns these codes into
//! 0–3 by default when no Questionnaire gives weights. The other built-in instruments (WAI,
//! SRS/ORS, CARE, CORE, BLRI) have no LOINC codes recorded.

use serde::{Deserialize, Serialize};

use crate::Verification;

/// The LOINC code system URI used in FHIR codings.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// Which recorded codes may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CodePolicy {
    /// Only codes verified in two sources (the default).
    #[default]
    VerifiedOnly,
    /// Every recorded code, whatever its label (the caller has checked the others).
    Recorded,
}

impl CodePolicy {
    /// Whether a code with label `v` may be used.
    #[must_use]
    pub fn allows(self, v: Verification) -> bool {
        match self {
            Self::VerifiedOnly => v == Verification::Verified,
            Self::Recorded => true,
        }
    }
}

/// One recorded LOINC code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct LoincCode {
    /// The code, e.g. `"44261-6"`.
    pub code: &'static str,
    /// A short description of what is coded (our words, not the LOINC display name).
    pub what: &'static str,
    /// How well the code is established.
    pub verification: Verification,
    /// Where it was read.
    pub source: &'static str,
}

/// The LOINC codes of one built-in instrument.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct InstrumentCodes {
    /// The crate's instrument id, e.g. `"phq-9"`.
    pub instrument: &'static str,
    /// The panel (questionnaire) code.
    pub panel: LoincCode,
    /// The total-score code.
    pub total: LoincCode,
    /// Item codes, `(item number, code)` in item order.
    pub items: &'static [(u16, LoincCode)],
    /// Codes of items that belong to the form but are not scored (e.g. the PHQ-9 difficulty
    /// item); a reader skips them.
    pub unscored: &'static [LoincCode],
    /// Answer codes and the value each stands for.
    pub answers: &'static [(f64, LoincCode)],
}

impl InstrumentCodes {
    /// The item whose LOINC code is `code`.
    #[must_use]
    pub fn item_for(&self, code: &str) -> Option<(u16, LoincCode)> {
        self.items.iter().copied().find(|(_, c)| c.code == code)
    }

    /// The code of item `number`.
    #[must_use]
    pub fn code_of(&self, number: u16) -> Option<LoincCode> {
        self.items
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, c)| *c)
    }

    /// The value an answer code stands for.
    #[must_use]
    pub fn answer_value(&self, code: &str) -> Option<(f64, LoincCode)> {
        self.answers.iter().copied().find(|(_, c)| c.code == code)
    }

    /// Whether `code` is the panel, the total or an unscored item of this instrument.
    #[must_use]
    pub fn is_form_code(&self, code: &str) -> bool {
        self.panel.code == code
            || self.total.code == code
            || self.unscored.iter().any(|c| c.code == code)
    }
}

const PHQ_SRC: &str = "loinc.org PHQ-9 panel 44249-1; HL7 US Person-Centered Outcomes IG, \
Questionnaire-44249-1";
const GAD_ITEM_SRC: &str = "LOINC mirrors; HL7 Personal Health Record format IG, GAD-7 \
QuestionnaireResponse example";
const GAD_TOTAL_SRC: &str = "LOINC mirrors; HL7 Personal Health Record format IG, GAD-7 \
Observation example";
const GAD_PANEL_SRC: &str = "LOINC mirrors; several independent FHIR projects, one checked \
against LOINC 2.82 on a terminology server";
const ANSWER_SRC: &str = "NLM UMLS/UTS LOINC relations (has_answer of the PHQ-9 items); FHIR R4 \
PHQ-9 and GAD-7 Questionnaires of HL7-style implementation guides (ordinalValue 0-3); scoring \
of Kroenke et al. 2001 and Spitzer et al. 2006";

const fn code(
    code: &'static str,
    what: &'static str,
    verification: Verification,
    source: &'static str,
) -> LoincCode {
    LoincCode {
        code,
        what,
        verification,
        source,
    }
}

const V: Verification = Verification::Verified;
const P: Verification = Verification::Primary;

const FREQUENCY_ANSWERS: [(f64, LoincCode); 4] = [
    (0.0, code("LA6568-5", "answer 0: not at all", V, ANSWER_SRC)),
    (
        1.0,
        code("LA6569-3", "answer 1: several days", V, ANSWER_SRC),
    ),
    (
        2.0,
        code(
            "LA6570-1",
            "answer 2: more than half the days",
            V,
            ANSWER_SRC,
        ),
    ),
    (
        3.0,
        code("LA6571-9", "answer 3: nearly every day", V, ANSWER_SRC),
    ),
];

static PHQ_9: InstrumentCodes = InstrumentCodes {
    instrument: "phq-9",
    panel: code("44249-1", "PHQ-9 panel", V, PHQ_SRC),
    total: code("44261-6", "PHQ-9 total score", V, PHQ_SRC),
    items: &[
        (1, code("44250-9", "PHQ-9 item 1", V, PHQ_SRC)),
        (2, code("44255-8", "PHQ-9 item 2", V, PHQ_SRC)),
        (3, code("44259-0", "PHQ-9 item 3", V, PHQ_SRC)),
        (4, code("44254-1", "PHQ-9 item 4", V, PHQ_SRC)),
        (5, code("44251-7", "PHQ-9 item 5", V, PHQ_SRC)),
        (6, code("44258-2", "PHQ-9 item 6", V, PHQ_SRC)),
        (7, code("44252-5", "PHQ-9 item 7", V, PHQ_SRC)),
        (8, code("44253-3", "PHQ-9 item 8", V, PHQ_SRC)),
        (9, code("44260-8", "PHQ-9 item 9", V, PHQ_SRC)),
    ],
    unscored: &[code(
        "69722-7",
        "PHQ-9 difficulty item (not scored)",
        P,
        "loinc.org PHQ-9 panel 44249-1",
    )],
    answers: &FREQUENCY_ANSWERS,
};

static GAD_7: InstrumentCodes = InstrumentCodes {
    instrument: "gad-7",
    panel: code("69737-5", "GAD-7 panel", V, GAD_PANEL_SRC),
    total: code("70274-6", "GAD-7 total score", V, GAD_TOTAL_SRC),
    items: &[
        (1, code("69725-0", "GAD-7 item 1", V, GAD_ITEM_SRC)),
        (2, code("68509-9", "GAD-7 item 2", V, GAD_ITEM_SRC)),
        (3, code("69733-4", "GAD-7 item 3", V, GAD_ITEM_SRC)),
        (4, code("69734-2", "GAD-7 item 4", V, GAD_ITEM_SRC)),
        (5, code("69735-9", "GAD-7 item 5", V, GAD_ITEM_SRC)),
        (6, code("69689-8", "GAD-7 item 6", V, GAD_ITEM_SRC)),
        (7, code("69736-7", "GAD-7 item 7", V, GAD_ITEM_SRC)),
    ],
    unscored: &[],
    answers: &FREQUENCY_ANSWERS,
};

/// The LOINC codes recorded for built-in instrument `id` (`"phq-9"`, `"gad-7"`), if any.
///
/// ```
/// use therapeutic_alliance::Verification;
/// use therapeutic_alliance::loinc::codes_for;
/// let phq = codes_for("phq-9").ok_or("no codes")?;
/// assert_eq!(phq.total.code, "44261-6");
/// assert_eq!(phq.item_for("44260-8").map(|(n, _)| n), Some(9));
/// assert_eq!(phq.total.verification, Verification::Verified);
/// assert!(codes_for("srs").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn codes_for(id: &str) -> Option<&'static InstrumentCodes> {
    match id {
        "phq-9" => Some(&PHQ_9),
        "gad-7" => Some(&GAD_7),
        _ => None,
    }
}

/// Whether `s` is a well-formed LOINC code (`digits-checkdigit`, with LOINC's mod-10 check
/// digit), e.g. `"44250-9"`. Answer codes (`LA…`) are not matched.
#[must_use]
pub fn is_loinc_code(s: &str) -> bool {
    let Some((body, check)) = s.split_once('-') else {
        return false;
    };
    if body.is_empty()
        || body.len() > 7
        || check.len() != 1
        || !body.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let Some(check) = check.bytes().next().filter(u8::is_ascii_digit) else {
        return false;
    };
    check_digit(body) == check - b'0'
}

/// LOINC's mod-10 check digit (Luhn over the digits, doubling from the rightmost).
fn check_digit(body: &str) -> u8 {
    let mut sum = 0u32;
    for (i, b) in body.bytes().rev().enumerate() {
        let d = u32::from(b - b'0');
        if i % 2 == 0 {
            let x = d * 2;
            sum += x / 10 + x % 10;
        } else {
            sum += d;
        }
    }
    ((10 - sum % 10) % 10) as u8
}

/// The last well-formed LOINC code embedded in `text` (a linkId such as `"/44249-1/44250-9"`
/// or a definition URI such as `"http://loinc.org/rdf#44250-9"`), if any.
#[must_use]
pub fn embedded_code(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .map(|t| t.trim_matches('-'))
        .rfind(|t| is_loinc_code(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_code_has_a_valid_check_digit() {
        for id in ["phq-9", "gad-7"] {
            let c = codes_for(id).unwrap();
            assert!(is_loinc_code(c.panel.code), "{}", c.panel.code);
            assert!(is_loinc_code(c.total.code), "{}", c.total.code);
            for (_, item) in c.items {
                assert!(is_loinc_code(item.code), "{}", item.code);
            }
            for u in c.unscored {
                assert!(is_loinc_code(u.code));
            }
        }
        assert!(!is_loinc_code("44250-8"));
        assert!(!is_loinc_code("Q1"));
        assert!(!is_loinc_code("-1"));
        assert!(!is_loinc_code("12345678-9"));
    }

    #[test]
    fn codes_are_found_inside_link_ids_and_definitions() {
        assert_eq!(embedded_code("/44250-9"), Some("44250-9"));
        assert_eq!(embedded_code("/44249-1/44250-9"), Some("44250-9"));
        assert_eq!(
            embedded_code("http://loinc.org/rdf#44260-8"),
            Some("44260-8")
        );
        assert_eq!(embedded_code("H1/T1/Q1"), None);
        assert_eq!(embedded_code("14363"), None);
        assert_eq!(embedded_code("item-44250-8"), None); // bad check digit
        assert_eq!(embedded_code("item-44250-9"), Some("44250-9"));
    }

    #[test]
    fn policy() {
        assert!(CodePolicy::VerifiedOnly.allows(Verification::Verified));
        assert!(!CodePolicy::VerifiedOnly.allows(Verification::Secondary));
        assert!(CodePolicy::Recorded.allows(Verification::Unverified));
    }
}
