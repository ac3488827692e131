//! Questionnaire instruments as validated data.
//!
//! An [`Instrument`] describes a questionnaire: its items (by number, never by wording), the
//! response scale, keying, subscales, how scores are formed, the missing-data rule, cutoff,
//! severity bands, norms, citation, licence note and verification status. It is built with an
//! [`InstrumentBuilder`], taken from the built-in catalogue ([`Instrument::builtin`]), or
//! deserialised from JSON (or any serde format); all three go through the same validation, so
//! an invalid instrument cannot exist.

pub mod catalogue;
mod error;
pub(crate) mod rules;
pub(crate) mod scale;

use serde::{Deserialize, Serialize};

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
}

impl TryFrom<Spec> for Instrument {
    type Error = InstrumentError;
    fn try_from(spec: Spec) -> Result<Self, InstrumentError> {
        Self::from_spec(spec)
    }
}

impl From<Instrument> for Spec {
    fn from(i: Instrument) -> Self {
        i.spec
    }
}

fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn aggregation_ok(a: Aggregation) -> bool {
    match a {
        Aggregation::ScaledMean { factor } => factor.is_finite() && factor != 0.0,
        _ => true,
    }
}

/// Range of a score of `n` items under `agg`.
fn score_range(scale: ResponseScale, agg: Aggregation, n: usize) -> (f64, f64) {
    let (lo, hi) = scale.bounds();
    let n_f = n as f64;
    let (a, b) = (agg.apply(lo * n_f, n), agg.apply(hi * n_f, n));
    (a.min(b), a.max(b))
}

impl Instrument {
    fn from_spec(mut spec: Spec) -> Result<Self, InstrumentError> {
        let id = spec.id.clone();
        let bad = |reason: &str| InstrumentError::invalid(&id, reason);
        if spec.id.trim().is_empty() || spec.id.chars().any(char::is_whitespace) {
            return Err(bad("id must be non-empty and contain no whitespace"));
        }
        if spec.name.trim().is_empty() {
            return Err(bad("name must not be empty"));
        }
        if let Some(p) = spec.scale.problem() {
            return Err(bad(p));
        }
        if spec.items.is_empty() {
            return Err(bad("has no items"));
        }
        if spec.items.len() >= usize::from(NO_SUBSCALE) {
            return Err(bad("has too many items"));
        }
        if spec.subscales.len() >= usize::from(NO_SUBSCALE) {
            return Err(bad("has too many subscales"));
        }
        for (i, s) in spec.subscales.iter().enumerate() {
            if !is_snake_case(&s.name) {
                return Err(bad(&format!(
                    "subscale name {:?} is not lowercase snake_case",
                    s.name
                )));
            }
            if spec.subscales[..i].iter().any(|t| t.name == s.name) {
                return Err(bad(&format!("subscale {:?} is defined twice", s.name)));
            }
        }
        spec.items.sort_by_key(|it| it.number);
        let mut items = Vec::with_capacity(spec.items.len());
        let mut subscale_sizes = vec![0usize; spec.subscales.len()];
        for (k, it) in spec.items.iter().enumerate() {
            if it.number == 0 {
                return Err(bad("item numbers start at 1"));
            }
            if k > 0 && spec.items[k - 1].number == it.number {
                return Err(InstrumentError::DuplicateItem {
                    instrument: id,
                    item: it.number,
                });
            }
            let subscale = match &it.subscale {
                None => NO_SUBSCALE,
                Some(name) => {
                    let Some(pos) = spec.subscales.iter().position(|s| &s.name == name) else {
                        return Err(InstrumentError::UnknownSubscale {
                            instrument: id,
                            item: it.number,
                            subscale: name.clone(),
                        });
                    };
                    subscale_sizes[pos] += 1;
                    pos as u16
                }
            };
            items.push(CompiledItem {
                number: it.number,
                subscale,
                keying: it.keying,
            });
        }
        for (s, &n) in spec.subscales.iter().zip(&subscale_sizes) {
            if n == 0 {
                return Err(bad(&format!("subscale {:?} has no items", s.name)));
            }
            if s.max_missing >= n {
                return Err(bad(&format!(
                    "subscale {:?} allows {} missing of its {n} items",
                    s.name, s.max_missing
                )));
            }
            if s.max_missing > 0 && spec.missing == MissingRule::NoneAllowed {
                return Err(bad(&format!(
                    "subscale {:?} allows missing items but the missing rule allows none",
                    s.name
                )));
            }
        }
        let n = items.len();
        if spec.missing.max_missing() >= n {
            return Err(bad(&format!(
                "missing rule allows {} missing of {n} items",
                spec.missing.max_missing()
            )));
        }
        if !aggregation_ok(spec.total) || !aggregation_ok(spec.subscale_scores) {
            return Err(bad("scaled mean needs a finite, non-zero factor"));
        }
        let total_range = score_range(spec.scale, spec.total, n);
        if let Some(c) = spec.cutoff {
            if !c.value.is_finite() {
                return Err(bad("cutoff must be finite"));
            }
            if !c.agrees_with(spec.direction) {
                return Err(bad(&format!(
                    "cutoff {} {} flags the good end of the scale ({:?})",
                    c.comparison, c.value, spec.direction
                )));
            }
        }
        let tol = rules::TOLERANCE * total_range.0.abs().max(total_range.1.abs()).max(1.0);
        for (k, b) in spec.bands.iter().enumerate() {
            if b.label.trim().is_empty() {
                return Err(bad("band labels must not be empty"));
            }
            if !b.lower.is_finite() || b.lower > total_range.1 + tol {
                return Err(bad(&format!(
                    "band {:?} starts at {}, outside the total's range",
                    b.label, b.lower
                )));
            }
            if k == 0 && b.lower > total_range.0 + tol {
                return Err(bad(&format!(
                    "first band {:?} starts at {}, above the lowest total {}",
                    b.label, b.lower, total_range.0
                )));
            }
            if k > 0 && b.lower <= spec.bands[k - 1].lower {
                return Err(bad(
                    "bands must be in ascending order of their lower bounds",
                ));
            }
        }
        if let Some(p) = spec.norms.as_ref().and_then(Norms::problem) {
            return Err(bad(p));
        }
        if let Some(rc) = spec.reliable_change
            && !(rc.is_finite() && rc > 0.0)
        {
            return Err(bad("reliable change must be finite and positive"));
        }
        Ok(Self {
            spec,
            items,
            subscale_sizes,
            total_range,
        })
    }

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

    /// Lowest and highest possible total.
    #[must_use]
    pub fn total_range(&self) -> (f64, f64) {
        self.total_range
    }

    /// Lowest and highest possible score of subscale `index` (in [`Instrument::subscales`] order).
    #[must_use]
    pub fn subscale_range(&self, index: usize) -> Option<(f64, f64)> {
        let n = *self.subscale_sizes.get(index)?;
        Some(score_range(self.spec.scale, self.spec.subscale_scores, n))
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
            Some(n) => Some(n.reliable_change_threshold()),
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

/// Builds an [`Instrument`]; everything is validated in [`InstrumentBuilder::build`].
///
/// ```
/// use therapeutic_alliance::{
///     Answer, Instrument, InstrumentBuilder, Keying, MissingRule, Direction, ResponseScale,
///     Responses,
/// };
/// let mine = InstrumentBuilder::new("my-alliance", "My alliance check", ResponseScale::likert(1, 5))
///     .direction(Direction::HigherIsBetter)
///     .subscale_items("bond", &[1, 2])
///     .subscale_items("task", &[3, 4])
///     .reverse(&[2])
///     .missing(MissingRule::Prorate { max_missing: 1 })
///     .build()?;
/// let r: Responses = [(1, Answer::Value(5.0)), (2, Answer::Value(1.0)), (3, Answer::Value(4.0))]
///     .into_iter()
///     .collect();
/// let s = mine.score(&r)?;
/// assert_eq!(s.subscale("bond"), Some(10.0)); // 5 + (6 - 1)
/// assert!(s.prorated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentBuilder {
    spec: Spec,
    reverse: Vec<u16>,
}

impl InstrumentBuilder {
    /// Starts a definition. Defaults: verification [`Verification::Unverified`], no "does not
    /// apply" answer, no subscales, total and subscale scores [`Aggregation::Sum`],
    /// [`MissingRule::NoneAllowed`], [`Direction::HigherIsBetter`], no cutoff, bands or norms.
    #[must_use]
    pub fn new(id: impl Into<String>, name: impl Into<String>, scale: ResponseScale) -> Self {
        Self {
            spec: Spec {
                id: id.into(),
                name: name.into(),
                version: String::new(),
                citation: String::new(),
                licence: String::new(),
                verification: Verification::Unverified,
                scale,
                does_not_apply: false,
                subscales: Vec::new(),
                items: Vec::new(),
                total: Aggregation::Sum,
                subscale_scores: Aggregation::Sum,
                missing: MissingRule::NoneAllowed,
                direction: Direction::HigherIsBetter,
                cutoff: None,
                bands: Vec::new(),
                norms: None,
                reliable_change: None,
                notes: String::new(),
            },
            reverse: Vec::new(),
        }
    }

    /// Sets the id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.spec.id = id.into();
        self
    }

    /// Sets the name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.spec.name = name.into();
        self
    }

    /// Sets the version or form label.
    #[must_use]
    pub fn version(mut self, v: impl Into<String>) -> Self {
        self.spec.version = v.into();
        self
    }

    /// Sets the citation.
    #[must_use]
    pub fn citation(mut self, c: impl Into<String>) -> Self {
        self.spec.citation = c.into();
        self
    }

    /// Sets the licence note.
    #[must_use]
    pub fn licence(mut self, l: impl Into<String>) -> Self {
        self.spec.licence = l.into();
        self
    }

    /// Sets the verification status.
    #[must_use]
    pub fn verification(mut self, v: Verification) -> Self {
        self.spec.verification = v;
        self
    }

    /// Sets free-text notes.
    #[must_use]
    pub fn notes(mut self, n: impl Into<String>) -> Self {
        self.spec.notes = n.into();
        self
    }

    /// Sets the response scale.
    #[must_use]
    pub fn scale(mut self, scale: ResponseScale) -> Self {
        self.spec.scale = scale;
        self
    }

    /// Whether items accept a "does not apply" answer (default `false`).
    #[must_use]
    pub fn does_not_apply(mut self, allowed: bool) -> Self {
        self.spec.does_not_apply = allowed;
        self
    }

    /// Adds (or updates) a subscale with its own missing-item limit.
    #[must_use]
    pub fn subscale(mut self, name: impl Into<String>, max_missing: usize) -> Self {
        let name = name.into();
        if let Some(s) = self.spec.subscales.iter_mut().find(|s| s.name == name) {
            s.max_missing = max_missing;
        } else {
            self.spec.subscales.push(Subscale { name, max_missing });
        }
        self
    }

    /// Adds positively keyed items without a subscale.
    #[must_use]
    pub fn items(mut self, numbers: impl IntoIterator<Item = u16>) -> Self {
        for number in numbers {
            self.spec.items.push(Item {
                number,
                subscale: None,
                keying: Keying::Positive,
            });
        }
        self
    }

    /// Adds one item.
    #[must_use]
    pub fn item(mut self, item: Item) -> Self {
        self.spec.items.push(item);
        self
    }

    /// Adds positively keyed items to a subscale, creating the subscale (limit 0) if needed.
    #[must_use]
    pub fn subscale_items(mut self, subscale: &str, numbers: &[u16]) -> Self {
        if !self.spec.subscales.iter().any(|s| s.name == subscale) {
            self = self.subscale(subscale, 0);
        }
        for &number in numbers {
            self.spec.items.push(Item {
                number,
                subscale: Some(subscale.to_owned()),
                keying: Keying::Positive,
            });
        }
        self
    }

    /// Marks items as reverse-keyed (checked at build: unknown items are an error).
    #[must_use]
    pub fn reverse(mut self, numbers: &[u16]) -> Self {
        self.reverse.extend_from_slice(numbers);
        self
    }

    /// How the total is formed (default [`Aggregation::Sum`]).
    #[must_use]
    pub fn total(mut self, a: Aggregation) -> Self {
        self.spec.total = a;
        self
    }

    /// How subscale scores are formed (default [`Aggregation::Sum`]).
    #[must_use]
    pub fn subscale_scores(mut self, a: Aggregation) -> Self {
        self.spec.subscale_scores = a;
        self
    }

    /// The missing-data rule (default [`MissingRule::NoneAllowed`]).
    #[must_use]
    pub fn missing(mut self, rule: MissingRule) -> Self {
        self.spec.missing = rule;
        self
    }

    /// Which end of the total is good (default [`Direction::HigherIsBetter`]).
    #[must_use]
    pub fn direction(mut self, p: Direction) -> Self {
        self.spec.direction = p;
        self
    }

    /// The cutoff on the total (default none).
    #[must_use]
    pub fn cutoff(mut self, c: Cutoff) -> Self {
        self.spec.cutoff = Some(c);
        self
    }

    /// Severity bands, ascending (default none).
    #[must_use]
    pub fn bands(mut self, bands: Vec<Band>) -> Self {
        self.spec.bands = bands;
        self
    }

    /// Normative values for the total (default none).
    #[must_use]
    pub fn norms(mut self, n: Norms) -> Self {
        self.spec.norms = Some(n);
        self
    }

    /// A published reliable-change threshold in points (default none).
    #[must_use]
    pub fn reliable_change(mut self, points: f64) -> Self {
        self.spec.reliable_change = Some(points);
        self
    }

    /// Validates and builds the instrument.
    ///
    /// # Errors
    /// [`InstrumentError`] naming what is wrong: empty id or name, invalid scale, no items,
    /// item 0, duplicate items, unknown subscales or reverse items, subscale names that are not
    /// snake_case, limits that allow every item to be missing, a cutoff that flags the good end,
    /// bands out of order or range, invalid norms.
    pub fn build(self) -> Result<Instrument, InstrumentError> {
        let Self { mut spec, reverse } = self;
        for n in reverse {
            match spec.items.iter_mut().find(|i| i.number == n) {
                Some(item) => item.keying = Keying::Reverse,
                None => {
                    return Err(InstrumentError::UnknownItem {
                        instrument: spec.id,
                        item: n,
                    });
                }
            }
        }
        Instrument::from_spec(spec)
    }
}
