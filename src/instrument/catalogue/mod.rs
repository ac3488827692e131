//! The built-in catalogue.
//!
//! Every definition carries item numbers, scales, keys, scoring rules, cutoffs and citations
//! only: **no item wording** from any copyrighted questionnaire. Each one states its source,
//! its licence note and a verification status (labels:
//! verified = two independent sources agree; primary / secondary = one such source;
//! unverified = a placeholder to replace).
//!
//! | id | instrument | scale | scores | missing rule | cutoff / bands | status |
//! |---|---|---|---|---|---|---|
//! | `wai-sr` | WAI-SR client (Hatcher & Gillaspy 2006) | 1..=5 | task, bond, goal; sums (12–60) | none allowed | none | verified |
//! | `wai-sr-t` | WAI-SR therapist (Hatcher et al. 2019) | 1..=5 | as `wai-sr` | none allowed | none | **unverified** key (assumed = client form) |
//! | `wai` | WAI 36 items (Horvath & Greenberg 1989) | 1..=7 | task, bond, goal; 14 reversed items; sums (36–252) | none allowed | none | secondary key |
//! | `srs` | Session Rating Scale (Duncan et al. 2003) | 0–10 VAS | sum 0–40 | none allowed | cutoff met `< 36`; drop alert 1 point (OpenFIT) | verified |
//! | `ors` | Outcome Rating Scale (Miller et al. 2003) | 0–10 VAS | sum 0–40 | none allowed | cutoff met `< 25` adult, `< 32` child ([`OrsAge`]); RC 5 | verified |
//! | `care` | CARE Measure (Mercer et al. 2004) | 1..=5 + does not apply | sum 10–50 | ≤ 2 replaced by the mean | none | secondary |
//! | `core-om` | CORE-OM (Evans et al. 2002) | 0..=4 | well_being, problems, functioning, risk; mean × 10 | prorate: total ≤ 3, problems/functioning ≤ 1 | cutoff met `>= 10`; RC 5 | primary |
//! | `core-10` | CORE-10 (Barkham et al. 2013) | 0..=4 | sum 0–40, items 2, 3 reversed | prorate ≤ 1 | cutoff met `>= 11`; 5 bands; RC 6 | verified |
//! | `phq-9` | PHQ-9 (Kroenke et al. 2001) | 0..=3 | sum 0–27 | none allowed | cutoff met `>= 10`; 5 bands; RC 6; critical item 9 ≥ 1 | verified |
//! | `gad-7` | GAD-7 (Spitzer et al. 2006) | 0..=3 | sum 0–21 | none allowed | cutoff met `>= 10`; 4 bands; RC 4 | verified |
//! | BLRI | Barrett-Lennard Relationship Inventory OS-40 / OS-64 | −3..=+3, no 0 | the four subscales | none allowed | none | key from the user ([`Instrument::blri`]) |
//!
//! "cutoff met" is [`Score::cutoff_met`](crate::Score::cutoff_met): the total lies on the
//! clinical (outcome) or concern (alliance) side of the published cutoff; it is never a risk
//! flag; "critical" rules
//! ([`Instrument::critical_rules`]) are the risk items; the "drop alert" is
//! [`Instrument::alert_drop`], used by monitoring for this instrument only. The WAI family has
//! no published cutoff or drop, so monitoring raises no "low" or "drop" alert on it unless you
//! supply one.
//!
//! "RC" is the published reliable-change threshold returned by
//! [`Instrument::reliable_change_threshold`] when no norms are set. Full notes, including the
//! conventions this crate chose where sources are silent, are in [`Instrument::notes`].
//!
//! An instrument round-trips through JSON; a user-defined one looks like this:
//!
//! ```
//! use therapeutic_alliance::Instrument;
//! let json = r#"{
//!   "id": "my-check", "name": "My three-item check",
//!   "scale": {"likert": {"min": 1, "max": 5}},
//!   "subscales": [{"name": "bond"}],
//!   "items": [{"number": 1, "subscale": "bond"}, {"number": 2, "subscale": "bond", "keying": "reverse"},
//!             {"number": 3}],
//!   "missing": {"prorate": {"max_missing": 1}},
//!   "direction": "higher_is_better",
//!   "cutoff": {"value": 8, "comparison": "<"}
//! }"#;
//! let mine: Instrument = serde_json::from_str(json)?;
//! assert_eq!(mine.item_count(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod blri;
mod care;
mod core;
mod pcoms;
mod phq_gad;
mod wai;

pub use blri::{BlriForm, BlriKey, BlriKeyItem, BlriSubscale};
pub use pcoms::OrsAge;

use super::{Band, Instrument, InstrumentError};

/// The ids [`Instrument::builtin`] knows, in catalogue order.
pub const BUILTIN_IDS: [&str; 10] = [
    "wai-sr", "wai-sr-t", "wai", "srs", "ors", "care", "core-om", "core-10", "phq-9", "gad-7",
];

/// ORS reliable change for adults: 5 points (SECONDARY; the default of `ors`).
pub const ORS_RC_ADULT: f64 = 5.0;
/// ORS reliable change under NHS England's CYP IAPT (2015) convention: 6.6 points
/// (PRIMARY for that programme; applied as `|last − first| >= 6.6`).
pub const ORS_RC_CYP_IAPT_2015: f64 = 6.6;
/// CORS reliable change under NHS England's CYP IAPT (2015) convention: 10 points.
pub const CORS_RC_CYP_IAPT_2015: f64 = 10.0;
/// CORE-10 reliable change in general samples: 6 points at 90% confidence (VERIFIED; the
/// default of `core-10`).
pub const CORE_10_RC_GENERAL: f64 = 6.0;
/// CORE-10 reliable change under NHS England's CYP IAPT (2015) convention: 5 points.
pub const CORE_10_RC_CYP_IAPT_2015: f64 = 5.0;

/// A vendor's WAI-SR bands (Rivet: 12–35 "weak", 36–47 "moderate", 48–60 "strong").
///
/// SECONDARY and **vendor-specific**, not published norms, so `wai-sr` does not use them by
/// default; opt in with `wai_sr.with_bands(wai_sr_rivet_bands())`.
#[must_use]
pub fn wai_sr_rivet_bands() -> Vec<Band> {
    vec![
        Band::new("weak", 12.0),
        Band::new("moderate", 36.0),
        Band::new("strong", 48.0),
    ]
}

fn build(id: &str) -> Option<Result<Instrument, InstrumentError>> {
    Some(match id {
        "wai-sr" => wai::wai_sr(),
        "wai-sr-t" => wai::wai_sr_t(),
        "wai" => wai::wai(),
        "srs" => pcoms::srs(),
        "ors" => pcoms::ors(OrsAge::Adult),
        "care" => care::care(),
        "core-om" => core::core_om(),
        "core-10" => core::core_10(),
        "phq-9" => phq_gad::phq_9(),
        "gad-7" => phq_gad::gad_7(),
        _ => return None,
    })
}

impl Instrument {
    /// A built-in instrument by id (see [`BUILTIN_IDS`] and the [`catalogue`](self) table).
    ///
    /// ```
    /// use therapeutic_alliance::Instrument;
    /// let wai = Instrument::builtin("wai-sr").ok_or("unknown instrument")?;
    /// assert_eq!(wai.subscales().len(), 3);
    /// assert!(Instrument::builtin("nope").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn builtin(id: &str) -> Option<Instrument> {
        build(id).and_then(Result::ok)
    }

    /// Every built-in instrument, in [`BUILTIN_IDS`] order.
    #[must_use]
    pub fn all_builtin() -> Vec<Instrument> {
        BUILTIN_IDS
            .iter()
            .filter_map(|id| Self::builtin(id))
            .collect()
    }

    /// The ORS with the adult (`< 25`, reliable change 5) or child (`< 32`, no reliable-change
    /// default: set one with [`Instrument::with_reliable_change`], e.g.
    /// [`CORS_RC_CYP_IAPT_2015`]) cutoff.
    #[must_use]
    pub fn ors(age: OrsAge) -> Option<Instrument> {
        pcoms::ors(age).ok()
    }

    /// A BLRI form scored with a key the user supplies (the key is in the licensed manual,
    /// Barrett-Lennard 2015, so none is built in).
    ///
    /// ```
    /// use therapeutic_alliance::{Instrument, Keying};
    /// use therapeutic_alliance::catalogue::{BlriForm, BlriKey, BlriKeyItem, BlriSubscale};
    /// // A placeholder key (NOT the published one): items cycle through the subscales.
    /// let items = (1..=40u16)
    ///     .map(|i| BlriKeyItem {
    ///         item: i,
    ///         subscale: BlriSubscale::ALL[usize::from(i % 4)],
    ///         keying: if i % 2 == 0 { Keying::Reverse } else { Keying::Positive },
    ///     })
    ///     .collect();
    /// let blri = Instrument::blri(BlriForm::Os40, &BlriKey { items })?;
    /// assert_eq!(blri.total_range(), (-120.0, 120.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`InstrumentError`] when the key does not list each item of the form exactly once, or a
    /// subscale has no items.
    pub fn blri(form: BlriForm, key: &BlriKey) -> Result<Instrument, InstrumentError> {
        blri::blri(form, key)
    }
}
