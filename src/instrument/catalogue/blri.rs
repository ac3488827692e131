//! Barrett-Lennard Relationship Inventory: structure only; the key comes from the user.

use serde::{Deserialize, Serialize};

use crate::instrument::{
    Direction, Instrument, InstrumentBuilder, InstrumentError, Item, Keying, ResponseScale,
    Verification,
};

/// Which BLRI form a key describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BlriForm {
    /// OS-40: the 40-item short form (other toward self).
    Os40,
    /// OS-64: the 64-item full form (other toward self).
    Os64,
}

impl BlriForm {
    /// Number of items on the form.
    #[must_use]
    pub fn items(self) -> u16 {
        match self {
            Self::Os40 => 40,
            Self::Os64 => 64,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Self::Os40 => "blri-os-40",
            Self::Os64 => "blri-os-64",
        }
    }
}

/// The four BLRI subscales (Barrett-Lennard 1962; 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlriSubscale {
    /// Empathic understanding.
    EmpathicUnderstanding,
    /// Level of regard.
    LevelOfRegard,
    /// Unconditionality of regard.
    UnconditionalityOfRegard,
    /// Congruence.
    Congruence,
}

impl BlriSubscale {
    /// All four, in the order scores report them.
    pub const ALL: [Self; 4] = [
        Self::EmpathicUnderstanding,
        Self::LevelOfRegard,
        Self::UnconditionalityOfRegard,
        Self::Congruence,
    ];

    /// The snake_case subscale name used in scores, e.g. `"empathic_understanding"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::EmpathicUnderstanding => "empathic_understanding",
            Self::LevelOfRegard => "level_of_regard",
            Self::UnconditionalityOfRegard => "unconditionality_of_regard",
            Self::Congruence => "congruence",
        }
    }
}

/// One line of a BLRI key: item number, subscale and keying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlriKeyItem {
    /// Item number on the form (1-based).
    pub item: u16,
    /// The subscale it belongs to.
    pub subscale: BlriSubscale,
    /// `reverse` for negatively worded items (scored `−x`).
    #[serde(default)]
    pub keying: Keying,
}

/// A BLRI scoring key, as supplied by a licence holder of Barrett-Lennard (2015), Appendix 1.
///
/// JSON template (the numbers below are placeholders, **not** the published key):
///
/// ```json
/// {"items": [
///   {"item": 1, "subscale": "level_of_regard", "keying": "positive"},
///   {"item": 2, "subscale": "empathic_understanding", "keying": "reverse"},
///   {"item": 3, "subscale": "congruence"}
/// ]}
/// ```
///
/// `keying` defaults to `positive`. Every item `1..=N` of the form must appear exactly once and
/// every subscale must have at least one item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlriKey {
    /// The key's lines.
    pub items: Vec<BlriKeyItem>,
}

pub(super) fn blri(form: BlriForm, key: &BlriKey) -> Result<Instrument, InstrumentError> {
    let id = form.id();
    let n = form.items();
    if key.items.len() != usize::from(n) {
        return Err(InstrumentError::invalid(
            id,
            format!("the key lists {} items, the form has {n}", key.items.len()),
        ));
    }
    let mut b = InstrumentBuilder::new(
        id,
        "Barrett-Lennard Relationship Inventory",
        ResponseScale::bipolar(3),
    )
    .version(match form {
        BlriForm::Os40 => "OS-40",
        BlriForm::Os64 => "OS-64",
    })
    .citation(
        "Barrett-Lennard, G. T. (1962). Dimensions of therapist response as causal factors in \
         therapeutic change. Psychological Monographs, 76(43); Barrett-Lennard, G. T. (2015). \
         The Relationship Inventory: A Complete Resource and Guide. Wiley.",
    )
    .licence(
        "copyrighted (author / Wiley 2015); the key and item text come from the licence holder",
    )
    .verification(Verification::Unverified)
    .direction(Direction::HigherIsBetter)
    .notes(
        "Structure only: four subscales on a -3..+3 scale without zero. The key is supplied by \
         the user; negatively worded items are scored -x (UNVERIFIED as a quoted rule). Sums. \
         No published missing-data rule, so every item is required.",
    );
    for s in BlriSubscale::ALL {
        b = b.subscale(s.name(), 0);
    }
    for line in &key.items {
        if line.item == 0 || line.item > n {
            return Err(InstrumentError::invalid(
                id,
                format!("key item {} is outside 1..={n}", line.item),
            ));
        }
        b = b.item(Item {
            number: line.item,
            subscale: Some(line.subscale.name().to_owned()),
            keying: line.keying,
        });
    }
    b.build()
}
