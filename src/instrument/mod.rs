//! Questionnaire instruments as validated data.
//!
//! An [`Instrument`] describes a questionnaire: its items (by number, never by wording), the
//! response scale, keying, subscales, how scores are formed, the missing-data rule, cutoff,
//! severity bands, norms, citation, licence note and verification status. It is built with an
//! [`InstrumentBuilder`], taken from the built-in catalogue ([`Instrument::builtin`]), or
//! deserialised from JSON (or any serde format); all three go through the same validation, so
//! an invalid instrument cannot exist.

mod builder;
pub mod catalogue;
pub mod critical;
mod error;
pub(crate) mod rules;
pub(crate) mod scale;
mod validate;

use serde::{Deserialize, Serialize};

use critical::{CriticalRule, CriticalSet};

pub use builder::InstrumentBuilder;
pub use error::InstrumentError;
pub use rules::{
    Aggregation, Band, Comparison, Cutoff, Direction, MissingRule, Norms, Verification,
};
pub use scale::{Keying, ResponseScale};

/// Marks an item without a subscale in the compiled form.
pub(crate) const NO_SUBSCALE: u16 = u16::MAX;

/// One item of an instrument: its number, subscale and keying (no wording).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Item number, 1-based, as printed on the form.
    pub number: u16,
    /// The subscale the item belongs to (`None` for instruments without subscales).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscale: Option<String>,
    /// Whether the item is reverse-keyed.
    #[serde(default)]
    pub keying: Keying,
}

/// A subscale: its lowercase snake_case name and its own missing-item limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    /// Name in lowercase snake_case, e.g. `"bond"` or `"empathic_understanding"`.
    pub name: String,
    /// Most missing items this subscale tolerates under [`MissingRule::Prorate`] or
    /// [`MissingRule::ReplaceWithMean`] (default 0). Past the limit the subscale is left unscored.
    #[serde(default)]
    pub max_missing: usize,
}

/// The serialised form of an instrument (what the JSON holds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spec {
    id: String,
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    citation: String,
    #[serde(default)]
    licence: String,
    #[serde(default = "unverified")]
    verification: Verification,
    scale: ResponseScale,
    #[serde(default)]
    does_not_apply: bool,
    #[serde(default)]
    subscales: Vec<Subscale>,
    items: Vec<Item>,
    #[serde(default)]
    total: Aggregation,
    #[serde(default)]
    subscale_scores: Aggregation,
    #[serde(default)]
    missing: MissingRule,
    #[serde(alias = "polarity")]
    direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cutoff: Option<Cutoff>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    bands: Vec<Band>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    norms: Option<Norms>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reliable_change: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alert_drop: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    critical: Vec<CriticalRule>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    notes: String,
}

fn unverified() -> Verification {
    Verification::Unverified
}

/// An item in the compiled, scoring-ready form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CompiledItem {
    pub(crate) number: u16,
    pub(crate) subscale: u16,
    pub(crate) keying: Keying,
}

/// A critical rule in the compiled form: what it reads, by position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CompiledTarget {
    /// The raw answer of the item at this position (in [`Instrument::item_numbers`] order).
    Position(usize),
    /// The score of the subscale at this index.
    Subscale(usize),
}

/// A validated questionnaire instrument.
///
/// Scoring ([`Instrument::score`], [`Instrument::score_batch`]) uses a compiled form built at
/// validation time: items sorted by number, each with its subscale index and keying, so scoring
/// one record is a single pass without allocation.
///
/// Serialises to (and deserialises from, with validation) the definition's plain data; see the
/// [`catalogue`] docs for a JSON example. (serde_json parses floats exactly only with its
/// `float_roundtrip` feature; decimal values such as `10.0` or `0.8` round-trip either way.)
///
/// ```
/// use therapeutic_alliance::{Instrument, Responses, Answer};
/// let wai = Instrument::builtin("wai-sr").ok_or("no such instrument")?;
/// assert_eq!(wai.item_count(), 12);
/// let json = serde_json::to_string(&wai)?;
/// let back: Instrument = serde_json::from_str(&json)?;
/// assert_eq!(back, wai);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Spec", into = "Spec")]
pub struct Instrument {
    pub(crate) spec: Spec,
    pub(crate) items: Vec<CompiledItem>,
    pub(crate) subscale_sizes: Vec<usize>,
    pub(crate) total_range: (f64, f64),
    /// What each of `spec.critical` reads, in the same order.
    pub(crate) critical_targets: Vec<CompiledTarget>,
}

impl Instrument {
    /// The instrument's id, e.g. `"wai-sr"`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Full name, e.g. `"Working Alliance Inventory – Short Revised (client)"`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Version or form label of the definition.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.spec.version
    }

    /// Citation of the source the definition follows.
    #[must_use]
    pub fn citation(&self) -> &str {
        &self.spec.citation
    }

    /// Licence note: who holds the copyright and what use is permitted.
    #[must_use]
    pub fn licence(&self) -> &str {
        &self.spec.licence
    }

    /// How well the key and scoring rules are established.
    #[must_use]
    pub fn verification(&self) -> Verification {
        self.spec.verification
    }

    /// Free-text notes (conventions chosen, open questions).
    #[must_use]
    pub fn notes(&self) -> &str {
        &self.spec.notes
    }

    /// The response scale.
    #[must_use]
    pub fn scale(&self) -> ResponseScale {
        self.spec.scale
    }

    /// Whether items accept a "does not apply" answer.
    #[must_use]
    pub fn has_does_not_apply(&self) -> bool {
        self.spec.does_not_apply
    }

    /// The items, sorted by number.
    #[must_use]
    pub fn items(&self) -> &[Item] {
        &self.spec.items
    }

    /// Number of items.
    #[must_use]
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Item numbers in ascending order (the column order of [`Instrument::score_dense`]).
    #[must_use]
    pub fn item_numbers(&self) -> impl ExactSizeIterator<Item = u16> + '_ {
        self.items.iter().map(|i| i.number)
    }

    /// Position of an item in [`Instrument::item_numbers`], if it exists.
    #[must_use]
    pub fn item_position(&self, number: u16) -> Option<usize> {
        self.items.binary_search_by_key(&number, |i| i.number).ok()
    }

    /// The subscales, in the order scores report them.
    #[must_use]
    pub fn subscales(&self) -> &[Subscale] {
        &self.spec.subscales
    }

    /// How the total is formed.
    #[must_use]
    pub fn total_aggregation(&self) -> Aggregation {
        self.spec.total
    }

    /// How subscale scores are formed.
    #[must_use]
    pub fn subscale_aggregation(&self) -> Aggregation {
        self.spec.subscale_scores
    }

    /// The missing-data rule.
    #[must_use]
    pub fn missing_rule(&self) -> MissingRule {
        self.spec.missing
    }

    /// Which end of the total is the good end.
    #[must_use]
    pub fn direction(&self) -> Direction {
        self.spec.direction
    }

    /// The cutoff on the total, if any.
    #[must_use]
    pub fn cutoff(&self) -> Option<Cutoff> {
        self.spec.cutoff
    }

    /// Severity bands in ascending order (empty when the instrument has none).
    #[must_use]
    pub fn bands(&self) -> &[Band] {
        &self.spec.bands
    }

    /// Normative values, if any.
    #[must_use]
    pub fn norms(&self) -> Option<&Norms> {
        self.spec.norms.as_ref()
    }

    /// The critical (risk) item rules this instrument declares, in the order a
    /// [`CriticalSet`] indexes them (PHQ-9: item 9 answered ≥ 1; see [`critical`]).
    #[must_use]
    pub fn critical_rules(&self) -> &[CriticalRule] {
        &self.spec.critical
    }

    /// The critical rule with id `id`, if the instrument declares it.
    #[must_use]
    pub fn critical_rule(&self, id: &str) -> Option<&CriticalRule> {
        self.spec.critical.iter().find(|r| r.id() == id)
    }

    /// The ids of the rules in `set`, in declaration order.
    pub fn critical_ids(&self, set: CriticalSet) -> impl Iterator<Item = &str> + '_ {
        set.indices()
            .filter_map(|i| self.spec.critical.get(i).map(CriticalRule::id))
    }

    /// The published fall in the total (points since the previous rated session) that calls
    /// for attention when this instrument is monitored (SRS: 1 point, OpenFIT); `None` when
    /// no drop rule is published.
    #[must_use]
    pub fn alert_drop(&self) -> Option<f64> {
        self.spec.alert_drop
    }

    /// This instrument with other critical rules (replacing the declared ones).
    ///
    /// # Errors
    /// [`InstrumentError`] when a rule names an item or subscale the instrument lacks, ids
    /// repeat, or there are more than [`CriticalSet::MAX_RULES`].
    pub fn with_critical_rules(&self, rules: Vec<CriticalRule>) -> Result<Self, InstrumentError> {
        let mut spec = self.spec.clone();
        spec.critical = rules;
        Self::from_spec(spec)
    }

    /// This instrument with another published drop rule for monitoring (or none).
    ///
    /// # Errors
    /// [`InstrumentError`] when the drop is not finite and positive.
    pub fn with_alert_drop(&self, points: Option<f64>) -> Result<Self, InstrumentError> {
        let mut spec = self.spec.clone();
        spec.alert_drop = points;
        Self::from_spec(spec)
    }

    /// Lowest and highest possible total.
    #[must_use]
    pub fn total_range(&self) -> (f64, f64) {
        self.total_range
    }

    /// Lowest and highest possible score of subscale `index` (in [`Instrument::subscales`] order).
    #[must_use]
    pub fn subscale_range(&self, index: usize) -> Option<(f64, f64)> {
        let n = *self.subscale_sizes.get(index)?;
        Some(validate::score_range(
            self.spec.scale,
            self.spec.subscale_scores,
            n,
        ))
    }

    /// The raw-point change in the total beyond which change counts as reliable.
    ///
    /// With [`norms`](Self::norms): Jacobson & Truax (1991), `1.96 · SD · √(2 · (1 − r))`
    /// (matches `clinicalsignificance::calc_rci` and `suddengains` in R; see
    /// `tests/instruments.rs` for the golden comparison). Without norms: the published
    /// threshold in points, if the definition carries one (e.g. 5 for the CORE-OM clinical
    /// score). `None` when neither is known.
    #[must_use]
    pub fn reliable_change_threshold(&self) -> Option<f64> {
        match &self.spec.norms {
            Some(n) => n.reliable_change_threshold(),
            None => self.spec.reliable_change,
        }
    }

    /// The published reliable-change threshold in points, as given in the definition.
    #[must_use]
    pub fn published_reliable_change(&self) -> Option<f64> {
        self.spec.reliable_change
    }

    /// The band a total falls into (`None` when the instrument has no bands).
    #[must_use]
    pub fn band_for(&self, total: f64) -> Option<&Band> {
        self.band_index(total).and_then(|i| self.spec.bands.get(i))
    }

    /// Index of the band holding `total` (a total below the first band counts as the first).
    pub(crate) fn band_index(&self, total: f64) -> Option<usize> {
        if self.spec.bands.is_empty() {
            return None;
        }
        let tol = rules::TOLERANCE * total.abs().max(1.0);
        Some(
            self.spec
                .bands
                .iter()
                .rposition(|b| b.lower <= total + tol)
                .unwrap_or(0),
        )
    }

    /// A builder holding this definition, to adapt a built-in (e.g. supply your own key or
    /// cutoff) under a new id.
    #[must_use]
    pub fn to_builder(&self) -> InstrumentBuilder {
        InstrumentBuilder {
            spec: self.spec.clone(),
            reverse: Vec::new(),
        }
    }

    /// This instrument with another cutoff (or none).
    ///
    /// # Errors
    /// [`InstrumentError`] when the cutoff is not finite or flags the good end of the scale.
    pub fn with_cutoff(&self, cutoff: Option<Cutoff>) -> Result<Self, InstrumentError> {
        let mut spec = self.spec.clone();
        spec.cutoff = cutoff;
        Self::from_spec(spec)
    }

    /// This instrument with another published reliable-change threshold (or none).
    ///
    /// # Errors
    /// [`InstrumentError`] when the threshold is not finite and positive.
    pub fn with_reliable_change(&self, points: Option<f64>) -> Result<Self, InstrumentError> {
        let mut spec = self.spec.clone();
        spec.reliable_change = points;
        Self::from_spec(spec)
    }

    /// This instrument with other severity bands.
    ///
    /// # Errors
    /// [`InstrumentError`] when the bands are not ascending or fall outside the total's range.
    pub fn with_bands(&self, bands: Vec<Band>) -> Result<Self, InstrumentError> {
        let mut spec = self.spec.clone();
        spec.bands = bands;
        Self::from_spec(spec)
    }

    /// This instrument with norms (from which [`Instrument::reliable_change_threshold`]
    /// follows).
    ///
    /// # Errors
    /// [`InstrumentError`] when the norms are not finite, `sd <= 0` or `r` is outside `[0, 1)`.
    pub fn with_norms(&self, norms: Option<Norms>) -> Result<Self, InstrumentError> {
        let mut spec = self.spec.clone();
        spec.norms = norms;
        Self::from_spec(spec)
    }
}
