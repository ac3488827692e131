//! Responses → scores, for one administration and for batches.
//!
//! The scoring rules follow each instrument's own source (see [`crate::instrument::catalogue`]):
//! keying `min + max − x` (or `−x` on a bipolar scale), sum / mean / scaled mean, and the
//! instrument's missing-data rule. Prorating uses the CORE System Trust formula
//! `n_items × sum_answered / n_answered`; mean replacement (CARE) adds the mean of the answered
//! items once per missing or "does not apply" answer. The two give the same total.

mod batch;
mod flat;
mod responses;

use serde::{Deserialize, Serialize};

use crate::grid::tidy;
use thiserror::Error;

use crate::instrument::critical::{CriticalFlag, CriticalSet};
use crate::instrument::{CompiledTarget, Instrument, MissingRule, NO_SUBSCALE, ResponseScale};
use crate::instrument::{Keying, scale::Reject};
use crate::numeric::summation::CompensatedSum;

pub use batch::{BatchRecord, BatchScores};
pub use flat::FlatScores;
pub use responses::{Answer, Responses};

/// Why an administration could not be scored. Messages name the item and value.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ScoreError {
    /// A value lies outside the response scale.
    #[error("item {item}: value {value} is outside {scale}")]
    OutOfRange {
        /// The item.
        item: u16,
        /// The value given.
        value: f64,
        /// The scale, e.g. `1..=5`.
        scale: String,
    },
    /// A value lies within the range but is not one of the scale's steps (e.g. 2.5 on 1..=5).
    #[error("item {item}: value {value} is not a whole-number answer on {scale}")]
    NotAStep {
        /// The item.
        item: u16,
        /// The value given.
        value: f64,
        /// The scale.
        scale: String,
    },
    /// A value is NaN or infinite.
    #[error("item {item}: value {value} is not finite")]
    NonFinite {
        /// The item.
        item: u16,
        /// The value given.
        value: f64,
    },
    /// A cell could not be read as a number.
    #[error("item {item}: {text:?} is not a number")]
    NotANumber {
        /// The item.
        item: u16,
        /// The text found.
        text: String,
    },
    /// An answer names an item the instrument does not have.
    #[error("item {item}: not an item of {instrument}")]
    UnknownItem {
        /// The instrument's id.
        instrument: String,
        /// The unknown item number.
        item: u16,
    },
    /// An item was answered more than once.
    #[error("item {item}: answered more than once")]
    DuplicateItem {
        /// The repeated item.
        item: u16,
    },
    /// "Does not apply" was given on an instrument that has no such answer.
    #[error("item {item}: {instrument} has no \"does not apply\" answer")]
    DoesNotApplyNotAllowed {
        /// The instrument's id.
        instrument: String,
        /// The item.
        item: u16,
    },
    /// The responses are tagged with another instrument.
    #[error("responses are for {found}, not {expected}")]
    WrongInstrument {
        /// The instrument used for scoring.
        expected: String,
        /// The instrument the responses are tagged with.
        found: String,
    },
    /// A record of a flat buffer ([`Instrument::score_flat`]) has fewer values than the
    /// instrument has items (only the trailing record can).
    #[error("record has {got} of {expected} values (one per item)")]
    IncompleteRecord {
        /// Values needed: the instrument's item count.
        expected: usize,
        /// Values present.
        got: usize,
    },
    /// Room for more answers was asked than can be held ([`Responses::try_with_capacity`]):
    /// items are numbered by `u16`, so at most [`Responses::MAX_ANSWERS`] exist, or the memory
    /// could not be reserved.
    #[error("responses: room for {requested} answers cannot be reserved (at most {max})")]
    TooLarge {
        /// The capacity asked for.
        requested: usize,
        /// The largest capacity served.
        max: usize,
    },
    /// More items are missing (or "does not apply") than the instrument's rule allows.
    ///
    /// The form has no total, but every answer given was valid, so the critical rules on
    /// items **still apply**: an answered risk item (PHQ-9 item 9 ≥ 1) is never hidden by an
    /// incomplete form. They are in `critical` (and in the message).
    #[error(
        "{instrument}: {missing} of {items} items missing (first: item {first}), at most {allowed} allowed{}",
        critical_note(critical)
    )]
    TooManyMissing {
        /// The instrument's id.
        instrument: String,
        /// How many were missing.
        missing: usize,
        /// How many items the instrument has.
        items: usize,
        /// How many the rule allows.
        allowed: usize,
        /// The first missing item.
        first: u16,
        /// The critical item rules the answers given still met (rules on items only: a
        /// subscale rule needs a score).
        critical: Vec<CriticalFlag>,
    },
}

impl ScoreError {
    /// The critical flags a rejected record still carries: those of
    /// [`ScoreError::TooManyMissing`] (answered risk items of an incomplete form); empty for
    /// every other error, whose answers could not be trusted.
    #[must_use]
    pub fn critical(&self) -> &[CriticalFlag] {
        match self {
            Self::TooManyMissing { critical, .. } => critical,
            _ => &[],
        }
    }
}

fn critical_note(critical: &[CriticalFlag]) -> String {
    if critical.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = critical
        .iter()
        .map(|f| format!("{} ({} = {})", f.rule, f.target, f.value))
        .collect();
    format!("; critical item met: {}", parts.join(", "))
}

/// A subscale's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubscaleScore {
    /// The subscale's lowercase snake_case name, e.g. `"bond"`.
    pub name: String,
    /// Its score.
    pub value: f64,
}

/// The score of one administration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Score {
    /// The format version of the score document ([`FORMAT_VERSION`](crate::FORMAT_VERSION));
    /// absent means 1, a newer one is refused (see [`crate::document`]).
    #[serde(
        default = "crate::document::format_version",
        deserialize_with = "crate::document::deserialize_version"
    )]
    pub version: u32,
    /// The instrument's id, e.g. `"wai-sr"`.
    pub instrument: String,
    /// The total under the instrument's aggregation (sum, mean, …).
    pub total: f64,
    /// Subscale scores in the instrument's subscale order. A subscale past its own
    /// missing-item limit is left out and named in [`Score::unscored_subscales`].
    pub subscales: Vec<SubscaleScore>,
    /// How many items had a value.
    pub answered: usize,
    /// Whether any missing or "does not apply" answer was compensated for (by prorating or by
    /// mean replacement, which give the same total).
    pub prorated: bool,
    /// How many missing / "does not apply" answers were replaced (prorating counts each missing
    /// item as replaced by the mean of the answered items).
    pub imputed: usize,
    /// The severity band's label, e.g. `"moderate"` (`None` when the instrument has no bands).
    pub band: Option<String>,
    /// Whether the total meets the instrument's cutoff (`total <comparison> cutoff`: the
    /// clinical side for an outcome measure, the concern side for an alliance measure; `None`
    /// when the instrument has no cutoff). This is **not** a risk flag: see
    /// [`Score::critical`].
    pub cutoff_met: Option<bool>,
    /// Subscales that could not be scored because too many of their items were missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unscored_subscales: Vec<String>,
    /// The critical items this administration triggered (e.g. PHQ-9 item 9 answered above
    /// "not at all"): each is a prompt for a clinician's assessment the same day, never a risk
    /// estimate; an empty list never means "no risk" (see [`crate::critical`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub critical: Vec<CriticalFlag>,
}

impl Score {
    /// A score of `instrument` with `total` and nothing else (no subscales, no band or cutoff
    /// verdict, nothing answered or prorated): for a total stored elsewhere. Check it against
    /// the instrument with [`check_stored`](crate::check_stored) before trusting it.
    ///
    /// ```
    /// use therapeutic_alliance::Score;
    /// let s = Score::new("srs", 34.5).with_subscale("relationship", 8.5);
    /// assert_eq!(s.to_string(), "srs 34.5 (relationship 8.5)");
    /// ```
    #[must_use]
    pub fn new(instrument: impl Into<String>, total: f64) -> Self {
        Self {
            version: crate::FORMAT_VERSION,
            instrument: instrument.into(),
            total,
            subscales: Vec::new(),
            answered: 0,
            prorated: false,
            imputed: 0,
            band: None,
            cutoff_met: None,
            unscored_subscales: Vec::new(),
            critical: Vec::new(),
        }
    }

    /// The same score with a subscale score added.
    #[must_use]
    pub fn with_subscale(mut self, name: impl Into<String>, value: f64) -> Self {
        self.subscales.push(SubscaleScore {
            name: name.into(),
            value,
        });
        self
    }

    /// The score of the subscale named `name`, if it was scored.
    #[must_use]
    pub fn subscale(&self, name: &str) -> Option<f64> {
        self.subscales
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value)
    }
}

/// The numbers of one scored record in a batch (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordScore {
    /// The total.
    pub total: f64,
    /// How many items had a value.
    pub answered: usize,
    /// Whether anything was prorated or imputed.
    pub prorated: bool,
    /// How many missing / "does not apply" answers were replaced.
    pub imputed: usize,
    /// Index into [`Instrument::bands`] of the band, if the instrument has bands.
    pub band: Option<usize>,
    /// Whether the total meets the instrument's cutoff ([`Score::cutoff_met`]).
    pub cutoff_met: Option<bool>,
    /// The instrument's critical rules this record met ([`Instrument::critical_rules`];
    /// ids through [`Instrument::critical_ids`]).
    pub critical: CriticalSet,
}

/// Per-record scratch of the scoring core: subscale sums, and the raw answers of the items
/// that critical rules read (empty when the instrument has no item rule).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    acc: Vec<Acc>,
    raw: Vec<f64>,
    /// The value each critical rule compared, NaN when it was not met.
    critical_values: Vec<f64>,
}

impl Scratch {
    pub(crate) fn for_instrument(inst: &Instrument) -> Self {
        let mut s = Self::default();
        s.reset(inst);
        s
    }

    pub(crate) fn reset(&mut self, inst: &Instrument) {
        self.acc.clear();
        self.acc.resize(inst.subscales().len(), Acc::default());
        let item_rules = inst
            .critical_targets
            .iter()
            .any(|t| matches!(t, CompiledTarget::Position(_)));
        self.raw.clear();
        if item_rules {
            self.raw.resize(inst.item_count(), f64::NAN);
        }
        self.critical_values.clear();
        self.critical_values
            .resize(inst.critical_targets.len(), f64::NAN);
    }
}

fn build_score<'a>(
    inst: &Instrument,
    r: &RecordScore,
    subs: impl Iterator<Item = (&'a str, Option<f64>)>,
    critical_values: &[f64],
) -> Score {
    let band = r
        .band
        .and_then(|b| inst.bands().get(b))
        .map(|b| b.label.clone());
    let critical = r
        .critical
        .indices()
        .filter_map(|i| {
            let rule = inst.critical_rules().get(i)?;
            rule.flag_for(*critical_values.get(i)?)
        })
        .collect();
    let mut subscales = Vec::new();
    let mut unscored = Vec::new();
    for (name, v) in subs {
        match v {
            Some(value) => subscales.push(SubscaleScore {
                name: name.to_owned(),
                value: tidy(value),
            }),
            None => unscored.push(name.to_owned()),
        }
    }
    Score {
        version: crate::FORMAT_VERSION,
        instrument: inst.id().to_owned(),
        total: tidy(r.total),
        subscales,
        answered: r.answered,
        prorated: r.prorated,
        imputed: r.imputed,
        band,
        cutoff_met: r.cutoff_met,
        unscored_subscales: unscored,
        critical,
    }
}

/// `wai-sr 49 [strong] (task 16, bond 17, goal 16) critical: …`
impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.instrument, self.total)?;
        if let Some(b) = &self.band {
            write!(f, " [{b}]")?;
        }
        if !self.subscales.is_empty() {
            let parts: Vec<String> = self
                .subscales
                .iter()
                .map(|s| format!("{} {}", s.name, s.value))
                .collect();
            write!(f, " ({})", parts.join(", "))?;
        }
        for c in &self.critical {
            write!(f, "; {c}")?;
        }
        Ok(())
    }
}

/// Per-subscale accumulator (Neumaier-compensated, so `9.1 + 9.0 + 9.0 + 8.9` is `36.0`).
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    sum: CompensatedSum,
    answered: usize,
}

fn reject(item: u16, value: f64, scale: ResponseScale, why: Reject) -> ScoreError {
    match why {
        Reject::NonFinite => ScoreError::NonFinite { item, value },
        Reject::OutOfRange => ScoreError::OutOfRange {
            item,
            value,
            scale: scale.to_string(),
        },
        Reject::NotAStep => ScoreError::NotAStep {
            item,
            value,
            scale: scale.to_string(),
        },
    }
}

impl Instrument {
    /// Scores one administration.
    ///
    /// ```
    /// use therapeutic_alliance::{Answer, Instrument, Responses};
    /// let phq = Instrument::builtin("phq-9").ok_or("no such instrument")?;
    /// let r: Responses = (1..=9).map(|i| (i, Answer::Value(if i <= 4 { 2.0 } else { 1.0 }))).collect();
    /// let s = phq.score(&r)?;
    /// assert_eq!(s.total, 13.0);
    /// assert_eq!(s.band.as_deref(), Some("moderate"));
    /// assert_eq!(s.cutoff_met, Some(true)); // caseness: total >= 10
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ScoreError`] for a value out of range, not on the scale or not finite, an unknown or
    /// repeated item, "does not apply" where the instrument has none, responses tagged with
    /// another instrument, or more missing items than the instrument's rule allows.
    pub fn score(&self, responses: &Responses) -> Result<Score, ScoreError> {
        let mut scratch = Scratch::for_instrument(self);
        let mut subs = vec![None; self.subscales().len()];
        let r = self.score_responses(responses, &mut scratch, &mut subs)?;
        Ok(build_score(
            self,
            &r,
            self.subscales().iter().map(|s| s.name.as_str()).zip(subs),
            &scratch.critical_values,
        ))
    }

    /// The verdicts on one scored record — band, cutoff and critical rules — from its total,
    /// its subscale scores and its raw answers (`raw_at(position)`, `None` when missing). The
    /// one place they are computed: every scoring path (single, batch, dense, flat, export)
    /// calls it. `critical_values` (one slot per rule, or empty) receives each met rule's value.
    pub(crate) fn verdicts(
        &self,
        total: f64,
        subs: &[Option<f64>],
        raw_at: impl Fn(usize) -> Option<f64>,
        critical_values: &mut [f64],
    ) -> (Option<usize>, Option<bool>, CriticalSet) {
        let mut critical = CriticalSet::new();
        for (k, (rule, target)) in self
            .critical_rules()
            .iter()
            .zip(&self.critical_targets)
            .enumerate()
        {
            let value = match *target {
                CompiledTarget::Position(p) => raw_at(p),
                CompiledTarget::Subscale(i) => subs.get(i).copied().flatten(),
            };
            let slot = critical_values.get_mut(k);
            match value {
                Some(v) if rule.is_met_by(v) => {
                    critical.insert(k);
                    if let Some(slot) = slot {
                        *slot = v;
                    }
                }
                _ => {
                    if let Some(slot) = slot {
                        *slot = f64::NAN;
                    }
                }
            }
        }
        (
            self.band_index(total),
            self.cutoff().map(|c| c.flags(total)),
            critical,
        )
    }

    fn score_responses(
        &self,
        responses: &Responses,
        scratch: &mut Scratch,
        subs: &mut [Option<f64>],
    ) -> Result<RecordScore, ScoreError> {
        if let Some(found) = &responses.instrument
            && found != self.id()
        {
            return Err(ScoreError::WrongInstrument {
                expected: self.id().to_owned(),
                found: found.clone(),
            });
        }
        if let Some(item) = responses.duplicate {
            return Err(ScoreError::DuplicateItem { item });
        }
        // Both lists are sorted by item number: one merge pass finds unknown items.
        let mut k = 0;
        for &(item, _) in &responses.answers {
            while k < self.items.len() && self.items[k].number < item {
                k += 1;
            }
            if self.items.get(k).is_none_or(|it| it.number != item) {
                return Err(ScoreError::UnknownItem {
                    instrument: self.id().to_owned(),
                    item,
                });
            }
        }
        let mut cursor = 0;
        let answers = &responses.answers;
        let items = &self.items;
        self.score_core(
            |pos| {
                let number = items[pos].number;
                while cursor < answers.len() && answers[cursor].0 < number {
                    cursor += 1;
                }
                match answers.get(cursor) {
                    Some(&(i, a)) if i == number => a,
                    _ => Answer::Missing,
                }
            },
            scratch,
            subs,
        )
    }

    /// The scoring loop: `answer_at(pos)` is called once per item position, in order.
    pub(crate) fn score_core(
        &self,
        mut answer_at: impl FnMut(usize) -> Answer,
        scratch: &mut Scratch,
        subs: &mut [Option<f64>],
    ) -> Result<RecordScore, ScoreError> {
        let scale = self.scale();
        for a in &mut scratch.acc {
            *a = Acc::default();
        }
        scratch.raw.fill(f64::NAN);
        let mut sum = CompensatedSum::new();
        let mut answered = 0usize;
        let mut first_missing = None;
        for (pos, it) in self.items.iter().enumerate() {
            match answer_at(pos) {
                Answer::Value(x) => {
                    scale
                        .check(x)
                        .map_err(|why| reject(it.number, x, scale, why))?;
                    let v = if it.keying == Keying::Reverse {
                        scale.keyed(x, Keying::Reverse)
                    } else {
                        x
                    };
                    sum.add(v);
                    answered += 1;
                    if let Some(slot) = scratch.raw.get_mut(pos) {
                        *slot = x;
                    }
                    if it.subscale != NO_SUBSCALE
                        && let Some(acc) = scratch.acc.get_mut(usize::from(it.subscale))
                    {
                        acc.sum.add(v);
                        acc.answered += 1;
                    }
                }
                Answer::Missing => {
                    first_missing.get_or_insert(it.number);
                }
                Answer::DoesNotApply => {
                    if !self.has_does_not_apply() {
                        return Err(ScoreError::DoesNotApplyNotAllowed {
                            instrument: self.id().to_owned(),
                            item: it.number,
                        });
                    }
                    first_missing.get_or_insert(it.number);
                }
            }
        }
        let n = self.items.len();
        let missing = n - answered;
        let rule = self.missing_rule();
        if let Some(first) = first_missing
            && missing > rule.max_missing()
        {
            // No total, but the answers given are valid: their item rules still apply.
            let raw = &scratch.raw;
            let (_, _, met) = self.verdicts(
                f64::NAN,
                &[],
                |p| raw.get(p).copied().filter(|x| !x.is_nan()),
                &mut scratch.critical_values,
            );
            let critical = met
                .indices()
                .filter_map(|k| {
                    let rule = self.critical_rules().get(k)?;
                    rule.flag_for(*scratch.critical_values.get(k)?)
                })
                .collect();
            return Err(ScoreError::TooManyMissing {
                instrument: self.id().to_owned(),
                missing,
                items: n,
                allowed: rule.max_missing(),
                first,
                critical,
            });
        }
        // `answered >= 1` here: validation guarantees max_missing < n.
        let sum = sum.total();
        let mean = sum / answered as f64;
        let complete = |s: f64, size: usize, got: usize| match rule {
            _ if got == size => s,
            MissingRule::ReplaceWithMean { .. } => s + (size - got) as f64 * mean,
            _ => size as f64 * s / got as f64,
        };
        // On the decimal grid (`grid::tidy`) here, in the one core, so every path reports the
        // same total: 9.8 + 8.9 + 9.8 + 9.8 is 38.3, not 38.300000000000004.
        let total = tidy(
            self.total_aggregation()
                .apply(complete(sum, n, answered), n),
        );
        let agg = self.subscale_aggregation();
        for ((out, acc), (sub, &size)) in subs
            .iter_mut()
            .zip(scratch.acc.iter())
            .zip(self.subscales().iter().zip(&self.subscale_sizes))
        {
            *out = (size - acc.answered <= sub.max_missing && acc.answered > 0)
                .then(|| tidy(agg.apply(complete(acc.sum.total(), size, acc.answered), size)));
        }
        let raw = &scratch.raw;
        let (band, cutoff_met, critical) = self.verdicts(
            total,
            subs,
            |p| raw.get(p).copied().filter(|x| !x.is_nan()),
            &mut scratch.critical_values,
        );
        Ok(RecordScore {
            total,
            answered,
            prorated: missing > 0,
            imputed: missing,
            band,
            cutoff_met,
            critical,
        })
    }
}
