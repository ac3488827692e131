//! Responses → scores, for one administration and for batches.
//!
//! The scoring rules follow each instrument's own source (see [`crate::instrument::catalogue`]):
//! keying `min + max − x` (or `−x` on a bipolar scale), sum / mean / scaled mean, and the
//! instrument's missing-data rule. Prorating uses the CORE System Trust formula
//! `n_items × sum_answered / n_answered`; mean replacement (CARE) adds the mean of the answered
//! items once per missing or "does not apply" answer. The two give the same total.

use std::borrow::Borrow;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::instrument::{Instrument, MissingRule, NO_SUBSCALE, ResponseScale};
use crate::instrument::{Keying, scale::Reject};
use crate::stats::summation::CompensatedSum;

/// One answer to one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The value marked on the form (validated against the scale when scored).
    Value(f64),
    /// The item was left blank.
    Missing,
    /// The respondent chose "does not apply" (only some instruments, e.g. the CARE Measure,
    /// offer it; elsewhere it is an error).
    DoesNotApply,
}

/// The answers of one administration, by item number (1-based).
///
/// Items not present count as [`Answer::Missing`]. A repeated item is an error: from
/// [`Responses::insert`] at once, and from [`FromIterator`] (which cannot fail) when the
/// responses are scored. Deserialisation rejects repeated items.
///
/// Serialised as `{"instrument": null, "answers": [[1, {"value": 4.0}], [2, "missing"]]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "ResponsesSpec", into = "ResponsesSpec")]
pub struct Responses {
    answers: Vec<(u16, Answer)>,
    duplicate: Option<u16>,
    instrument: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponsesSpec {
    #[serde(default)]
    instrument: Option<String>,
    answers: Vec<(u16, Answer)>,
}

impl TryFrom<ResponsesSpec> for Responses {
    type Error = ScoreError;
    fn try_from(s: ResponsesSpec) -> Result<Self, ScoreError> {
        let mut r = Self::with_capacity(s.answers.len());
        r.instrument = s.instrument;
        for (item, a) in s.answers {
            r.insert(item, a)?;
        }
        Ok(r)
    }
}

impl From<Responses> for ResponsesSpec {
    fn from(r: Responses) -> Self {
        Self {
            instrument: r.instrument,
            answers: r.answers,
        }
    }
}

impl Responses {
    /// No answers yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// No answers yet, with room for `n`.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self {
            answers: Vec::with_capacity(n),
            duplicate: None,
            instrument: None,
        }
    }

    /// Tags the responses with the instrument they were collected with; scoring them with
    /// another instrument is then a [`ScoreError::WrongInstrument`].
    #[must_use]
    pub fn for_instrument(mut self, id: impl Into<String>) -> Self {
        self.instrument = Some(id.into());
        self
    }

    /// The instrument id the responses are tagged with, if any.
    #[must_use]
    pub fn instrument(&self) -> Option<&str> {
        self.instrument.as_deref()
    }

    /// Records the answer to `item`.
    ///
    /// # Errors
    /// [`ScoreError::DuplicateItem`] when `item` already has an answer.
    pub fn insert(&mut self, item: u16, answer: Answer) -> Result<(), ScoreError> {
        match self.answers.binary_search_by_key(&item, |&(i, _)| i) {
            Ok(_) => Err(ScoreError::DuplicateItem { item }),
            Err(pos) => {
                self.answers.insert(pos, (item, answer));
                Ok(())
            }
        }
    }

    /// The answer to `item`, if one was recorded.
    #[must_use]
    pub fn get(&self, item: u16) -> Option<Answer> {
        self.answers
            .binary_search_by_key(&item, |&(i, _)| i)
            .ok()
            .map(|p| self.answers[p].1)
    }

    /// Number of recorded answers (including `Missing` and `DoesNotApply`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The answers in ascending item order.
    #[must_use]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (u16, Answer)> + '_ {
        self.answers.iter().copied()
    }

    /// Removes every answer (keeps the allocation and the instrument tag).
    pub fn clear(&mut self) {
        self.answers.clear();
        self.duplicate = None;
    }
}

impl FromIterator<(u16, Answer)> for Responses {
    fn from_iter<T: IntoIterator<Item = (u16, Answer)>>(iter: T) -> Self {
        let mut answers: Vec<(u16, Answer)> = iter.into_iter().collect();
        answers.sort_by_key(|&(i, _)| i);
        let duplicate = answers
            .windows(2)
            .find(|w| w[0].0 == w[1].0)
            .map(|w| w[0].0);
        Self {
            answers,
            duplicate,
            instrument: None,
        }
    }
}

impl Extend<(u16, Answer)> for Responses {
    fn extend<T: IntoIterator<Item = (u16, Answer)>>(&mut self, iter: T) {
        for (item, a) in iter {
            if self.insert(item, a).is_err() && self.duplicate.is_none() {
                self.duplicate = Some(item);
            }
        }
    }
}

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
    /// More items are missing (or "does not apply") than the instrument's rule allows.
    #[error(
        "{instrument}: {missing} of {items} items missing (first: item {first}), at most {allowed} allowed"
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
    },
}

/// A subscale's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscaleScore {
    /// The subscale's lowercase snake_case name, e.g. `"bond"`.
    pub name: String,
    /// Its score.
    pub value: f64,
}

/// The score of one administration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Score {
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
    /// Whether the total is on the flagged side of the cutoff (`None` when there is no cutoff).
    pub flagged: Option<bool>,
    /// Subscales that could not be scored because too many of their items were missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unscored_subscales: Vec<String>,
}

impl Score {
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
    /// Whether the total is on the flagged side of the cutoff.
    pub flagged: Option<bool>,
}

/// One record of a batch: its index in the input and its outcome.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BatchRecord {
    /// 0-based index of the record in the input.
    pub index: usize,
    /// The record's score, or why it was rejected.
    pub outcome: Result<RecordScore, ScoreError>,
}

/// Caller-owned output of [`Instrument::score_batch`] and [`Instrument::score_dense`].
///
/// Reuse one `BatchScores` across batches: scoring clears it and refills it without
/// allocating per record (only a rejected record's error message allocates). Every input
/// record is kept, in input order, either scored or rejected with its reason.
#[derive(Debug, Clone, Default)]
pub struct BatchScores {
    instrument: String,
    subscale_names: Vec<String>,
    records: Vec<BatchRecord>,
    subscale_values: Vec<Option<f64>>,
    scratch: Vec<Acc>,
    band_labels: Vec<String>,
}

impl BatchScores {
    /// An empty output buffer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The instrument id of the last batch.
    #[must_use]
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    /// Subscale names, in the order of [`BatchScores::subscales`].
    #[must_use]
    pub fn subscale_names(&self) -> &[String] {
        &self.subscale_names
    }

    /// Number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the batch held no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record in input order.
    #[must_use]
    pub fn records(&self) -> &[BatchRecord] {
        &self.records
    }

    /// The subscale scores of record `index` (`None` for an unscored subscale or a rejected
    /// record; an empty slice when `index` is out of range).
    #[must_use]
    pub fn subscales(&self, index: usize) -> &[Option<f64>] {
        let k = self.subscale_names.len();
        self.subscale_values
            .get(index * k..(index + 1) * k)
            .unwrap_or(&[])
    }

    /// The rejected records: index and reason.
    pub fn rejected(&self) -> impl Iterator<Item = (usize, &ScoreError)> + '_ {
        self.records
            .iter()
            .filter_map(|r| r.outcome.as_ref().err().map(|e| (r.index, e)))
    }

    /// Record `index` as a full [`Score`] (allocates), or its error.
    ///
    /// Returns `None` when `index` is out of range.
    #[must_use]
    pub fn score(&self, index: usize) -> Option<Result<Score, ScoreError>> {
        let rec = self.records.get(index)?;
        Some(rec.outcome.clone().map(|r| {
            let subs = self.subscales(index);
            build_score(
                &self.instrument,
                &r,
                self.subscale_names
                    .iter()
                    .map(String::as_str)
                    .zip(subs.iter().copied()),
                r.band.and_then(|b| self.band_labels.get(b)).cloned(),
            )
        }))
    }

    fn reset(&mut self, inst: &Instrument) {
        sync_labels(inst, &mut self.instrument, &mut self.subscale_names);
        let labels = inst.bands().iter().map(|b| &b.label);
        if !self.band_labels.iter().eq(labels.clone()) {
            self.band_labels = labels.cloned().collect();
        }
        self.records.clear();
        self.subscale_values.clear();
        self.scratch.clear();
        self.scratch.resize(inst.subscales().len(), Acc::default());
    }

    fn push(
        &mut self,
        index: usize,
        score: impl FnOnce(&mut [Acc], &mut [Option<f64>]) -> Result<RecordScore, ScoreError>,
    ) {
        let k = self.subscale_names.len();
        let start = self.subscale_values.len();
        self.subscale_values.resize(start + k, None);
        let outcome = score(&mut self.scratch, &mut self.subscale_values[start..]);
        if outcome.is_err() {
            for v in &mut self.subscale_values[start..] {
                *v = None;
            }
        }
        self.records.push(BatchRecord { index, outcome });
    }
}

/// Sets a batch's instrument id and subscale names to `inst`'s, allocating only when they
/// change (so a reused output buffer does not allocate per batch).
fn sync_labels(inst: &Instrument, instrument: &mut String, subscale_names: &mut Vec<String>) {
    if instrument != inst.id() {
        instrument.clear();
        instrument.push_str(inst.id());
    }
    let names = inst.subscales().iter().map(|s| &s.name);
    if !subscale_names.iter().eq(names.clone()) {
        *subscale_names = names.cloned().collect();
    }
}

impl PartialEq for BatchScores {
    fn eq(&self, other: &Self) -> bool {
        self.instrument == other.instrument
            && self.subscale_names == other.subscale_names
            && self.records == other.records
            && self.subscale_values == other.subscale_values
            && self.band_labels == other.band_labels
    }
}

fn build_score<'a>(
    instrument: &str,
    r: &RecordScore,
    subs: impl Iterator<Item = (&'a str, Option<f64>)>,
    band: Option<String>,
) -> Score {
    let mut subscales = Vec::new();
    let mut unscored = Vec::new();
    for (name, v) in subs {
        match v {
            Some(value) => subscales.push(SubscaleScore {
                name: name.to_owned(),
                value,
            }),
            None => unscored.push(name.to_owned()),
        }
    }
    Score {
        instrument: instrument.to_owned(),
        total: r.total,
        subscales,
        answered: r.answered,
        prorated: r.prorated,
        imputed: r.imputed,
        band,
        flagged: r.flagged,
        unscored_subscales: unscored,
    }
}

/// Caller-owned output of [`Instrument::score_flat`]: totals and subscale scores as flat
/// arrays (struct of arrays), for throughput.
///
/// Reuse one `FlatScores` across batches: scoring clears and refills it, allocating only when
/// it must grow (and for a rejected record's message). Every record of the input is either
/// scored or listed in [`FlatScores::rejected`] with its reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlatScores {
    instrument: String,
    subscale_names: Vec<String>,
    totals: Vec<f64>,
    subscales: Vec<f64>,
    scored: Vec<bool>,
    rejected: Vec<(usize, ScoreError)>,
    plan: FlatPlan,
}

/// The instrument compiled for [`Instrument::score_flat`] (kept in [`FlatScores`] and reused).
///
/// A keyed answer is a + f·x with f = ±1 (f = −1 and a = lo + hi for a reverse-keyed item on
/// a Likert scale, a = 0 on a bipolar one). On whole steps every such term is a small integer,
/// so a group's sum is exact in any order: the fast path adds the constants Σa once per group
/// and only f·x per item.
#[derive(Debug, Clone, Default, PartialEq)]
struct FlatPlan {
    /// (position, f) per item, grouped by subscale; the last group holds the items in no
    /// subscale.
    members: Vec<(usize, f64)>,
    /// Per group (k subscales, then the rest): (end of its members, Σa, member count).
    groups: Vec<(usize, f64, usize)>,
    /// One block's totals and subscale scores, copied to the output once per block (no
    /// per-record `push`).
    block_totals: Vec<f64>,
    block_subscales: Vec<f64>,
    /// One group's running sums over a block's records.
    block_acc: Vec<f64>,
}

impl FlatPlan {
    fn compile(&mut self, inst: &Instrument, k: usize) {
        let scale = inst.scale();
        let (lo, hi) = scale.bounds();
        self.members.clear();
        self.groups.clear();
        for s in (0..k).map(Some).chain([None]) {
            let (start, mut constant) = (self.members.len(), 0.0);
            for (pos, it) in inst.items.iter().enumerate() {
                let sub = (it.subscale != NO_SUBSCALE).then(|| usize::from(it.subscale));
                if sub != s {
                    continue;
                }
                let (a, f) = match (it.keying, scale) {
                    (Keying::Positive, _) => (0.0, 1.0),
                    (Keying::Reverse, ResponseScale::Bipolar { .. }) => (0.0, -1.0),
                    (Keying::Reverse, _) => (lo + hi, -1.0),
                };
                constant += a;
                self.members.push((pos, f));
            }
            let end = self.members.len();
            self.groups.push((end, constant, end - start));
        }
        self.block_totals.resize(FLAT_BLOCK, 0.0);
        self.block_subscales.resize(FLAT_BLOCK * k, 0.0);
        self.block_acc.resize(FLAT_BLOCK, 0.0);
    }
}

/// Records per block of [`Instrument::score_flat`]: 64 records of 12 items (6 KiB) stay in
/// L1 cache between the block's validation and its scoring.
const FLAT_BLOCK: usize = 64;

impl FlatScores {
    /// An empty output buffer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The instrument id of the last batch.
    #[must_use]
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    /// Subscale names, in the order of each record's [`FlatScores::subscales`].
    #[must_use]
    pub fn subscale_names(&self) -> &[String] {
        &self.subscale_names
    }

    /// Number of records (scored and rejected).
    #[must_use]
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// Whether the batch held no records.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// The total of record `index`; `None` if it was rejected or `index` is out of range.
    #[must_use]
    pub fn total(&self, index: usize) -> Option<f64> {
        self.is_scored(index).then(|| self.totals[index])
    }

    /// The subscale scores of record `index` (in [`FlatScores::subscale_names`] order); `None`
    /// if it was rejected or `index` is out of range.
    #[must_use]
    pub fn subscales(&self, index: usize) -> Option<&[f64]> {
        let k = self.subscale_names.len();
        if self.is_scored(index) {
            self.subscales.get(index * k..(index + 1) * k)
        } else {
            None
        }
    }

    /// Whether record `index` was scored.
    #[must_use]
    pub fn is_scored(&self, index: usize) -> bool {
        self.scored.get(index).copied().unwrap_or(false)
    }

    /// All totals in record order. A rejected record's slot holds `0.0`: check
    /// [`FlatScores::is_scored`] or [`FlatScores::rejected`] before using it.
    #[must_use]
    pub fn totals(&self) -> &[f64] {
        &self.totals
    }

    /// The rejected records (0-based index and reason), in record order.
    #[must_use]
    pub fn rejected(&self) -> &[(usize, ScoreError)] {
        &self.rejected
    }

    fn reset(&mut self, inst: &Instrument, records: usize) {
        sync_labels(inst, &mut self.instrument, &mut self.subscale_names);
        let k = self.subscale_names.len();
        self.totals.clear();
        self.totals.reserve(records);
        self.subscales.clear();
        self.subscales.reserve(records * k);
        self.scored.clear();
        self.scored.reserve(records);
        self.rejected.clear();
        self.plan.compile(inst, k);
    }
}

/// Whether every value of `xs` is an answer on a stepped scale `lo..=hi` (excluding
/// `excluded`, NaN for none): four independent lanes without branches, so the compiler
/// vectorises it. NaN fails every comparison; the bounds are small, so adding and subtracting
/// 2⁵² rounds to an integer (exact test of a whole step, no libm call).
#[allow(clippy::needless_bitwise_bool)] // branch-free on purpose: `&&` would stop vectorising
fn all_steps(xs: &[f64], lo: f64, hi: f64, excluded: f64) -> bool {
    const ROUND: f64 = 4_503_599_627_370_496.0;
    let ok = |x: f64| (x >= lo) & (x <= hi) & ((x + ROUND) - ROUND == x) & (x != excluded);
    let (chunks, rest) = xs.as_chunks::<4>();
    let mut lanes = [true; 4];
    for c in chunks {
        for k in 0..4 {
            lanes[k] &= ok(c[k]);
        }
    }
    lanes.iter().all(|&l| l) && rest.iter().all(|&x| ok(x))
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

/// The keyed group sums of one record of whole steps ([`FlatPlan`]): calls `each(group,
/// members, sum)` per group in order and returns the total (the sum of the group sums).
/// Whole steps sum exactly in any order, so these equal the compensated sums of
/// [`Instrument::score`] bit for bit.
fn plan_sums(
    members: &[(usize, f64)],
    groups: &[(usize, f64, usize)],
    row: &[f64],
    mut each: impl FnMut(usize, usize, f64),
) -> f64 {
    let mut total = 0.0;
    let mut start = 0;
    for (g, &(end, constant, len)) in groups.iter().enumerate() {
        let mut sum = constant;
        for &(pos, f) in members.get(start..end).unwrap_or(&[]) {
            sum += f * row.get(pos).copied().unwrap_or_default();
        }
        start = end;
        total += sum;
        each(g, len, sum);
    }
    total
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
    /// assert_eq!(s.flagged, Some(true)); // caseness: total >= 10
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ScoreError`] for a value out of range, not on the scale or not finite, an unknown or
    /// repeated item, "does not apply" where the instrument has none, responses tagged with
    /// another instrument, or more missing items than the instrument's rule allows.
    pub fn score(&self, responses: &Responses) -> Result<Score, ScoreError> {
        let mut scratch = vec![Acc::default(); self.subscales().len()];
        let mut subs = vec![None; self.subscales().len()];
        let r = self.score_responses(responses, &mut scratch, &mut subs)?;
        let band = r
            .band
            .and_then(|b| self.bands().get(b))
            .map(|b| b.label.clone());
        Ok(build_score(
            self.id(),
            &r,
            self.subscales().iter().map(|s| s.name.as_str()).zip(subs),
            band,
        ))
    }

    /// Scores a batch of administrations into `out` (cleared first), keeping every record in
    /// input order, scored or rejected with its reason. No per-record allocation once `out`
    /// has grown to the batch size (a rejection's message allocates).
    ///
    /// ```
    /// use therapeutic_alliance::{Answer, BatchScores, Instrument, Responses};
    /// let srs = Instrument::builtin("srs").ok_or("no such instrument")?;
    /// let ok: Responses = (1..=4).map(|i| (i, Answer::Value(9.5))).collect();
    /// let bad: Responses = (1..=4).map(|i| (i, Answer::Value(12.0))).collect();
    /// let mut out = BatchScores::new();
    /// srs.score_batch([&ok, &bad], &mut out);
    /// assert_eq!(out.len(), 2);
    /// assert_eq!(out.rejected().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_batch<I>(&self, records: I, out: &mut BatchScores)
    where
        I: IntoIterator,
        I::Item: Borrow<Responses>,
    {
        out.reset(self);
        for (index, rec) in records.into_iter().enumerate() {
            let rec = rec.borrow();
            out.push(index, |scratch, subs| {
                self.score_responses(rec, scratch, subs)
            });
        }
    }

    /// Scores a dense, row-major matrix of answers: each row holds one answer per item in
    /// [`Instrument::item_numbers`] order. A trailing partial row is rejected as a record whose
    /// missing items count as [`Answer::Missing`].
    pub fn score_dense(&self, answers: &[Answer], out: &mut BatchScores) {
        out.reset(self);
        let n = self.item_count();
        for (index, row) in answers.chunks(n).enumerate() {
            out.push(index, |scratch, subs| {
                self.score_core(
                    |pos| row.get(pos).copied().unwrap_or(Answer::Missing),
                    scratch,
                    subs,
                )
            });
        }
    }

    /// Scores a flat, row-major buffer of complete administrations: `values[r * n + i]` is
    /// record r's answer to the item at position i ([`Instrument::item_numbers`] order, n =
    /// [`Instrument::item_count`]). Every value is validated (finite, on the scale, a whole step
    /// where the scale has steps); totals and subscale scores go into `out` (cleared first)
    /// without allocating per record. A record with an invalid value is rejected with the
    /// reason [`Instrument::score`] would give, and a trailing partial record with
    /// [`ScoreError::IncompleteRecord`]; nothing is dropped.
    ///
    /// Results equal [`Instrument::score`] of the same answers exactly. On integer scales
    /// (Likert, bipolar) sums of whole numbers are exact, so the loop adds plainly; on a
    /// visual analogue scale each record takes the compensated-sum path of
    /// [`Instrument::score`]. A flat `f64` buffer cannot hold "missing" (NaN is rejected, not
    /// missing): use [`Instrument::score_dense`] for data with missing answers.
    ///
    /// ```
    /// use therapeutic_alliance::{FlatScores, Instrument};
    /// let wai = Instrument::builtin("wai-sr").ok_or("no such instrument")?;
    /// let mut values = vec![3.0; 12 * 3];
    /// values[12 + 4] = 9.0; // record 1, item 5: outside 1..=5
    /// let mut out = FlatScores::new();
    /// wai.score_flat(&values, &mut out);
    /// assert_eq!(out.len(), 3);
    /// assert_eq!(out.total(0), Some(36.0));
    /// assert_eq!(out.subscales(2), Some(&[12.0, 12.0, 12.0][..]));
    /// assert_eq!(out.rejected()[0].0, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_flat(&self, values: &[f64], out: &mut FlatScores) {
        let n = self.item_count();
        out.reset(self, values.len().div_ceil(n));
        let k = out.subscale_names.len();
        let scale = self.scale();
        let (lo, hi) = scale.bounds();
        let (stepped, excluded) = match scale {
            ResponseScale::Likert { .. } => (true, f64::NAN),
            ResponseScale::Bipolar { .. } => (true, 0.0),
            ResponseScale::VisualAnalogue { .. } => (false, f64::NAN),
        };
        let (total_agg, sub_agg) = (self.total_aggregation(), self.subscale_aggregation());
        let mut scratch = vec![Acc::default(); k];
        let mut subs = vec![None; k];
        // A local, so the hot loop keeps its slices in registers (no reloads through `out`).
        let mut plan = std::mem::take(&mut out.plan);
        let (rows, tail) = values.split_at(values.len() - values.len() % n);
        for (b, block) in rows.chunks(FLAT_BLOCK * n).enumerate() {
            // One vectorised check per block; per record only when the block has a bad value.
            if stepped && all_steps(block, lo, hi, excluded) {
                let nb = block.len() / n;
                let totals = &mut plan.block_totals[..nb];
                let subscales = &mut plan.block_subscales[..nb * k];
                // Column by column across the block's records: one accumulator per record and
                // group, so the additions are independent (no chain of dependent adds per
                // record, as a record-by-record loop over its items has).
                let mut start = 0;
                totals.fill(0.0);
                for (g, &(end, constant, len)) in plan.groups.iter().enumerate() {
                    let acc = &mut plan.block_acc[..nb];
                    acc.fill(constant);
                    for &(pos, f) in plan.members.get(start..end).unwrap_or(&[]) {
                        let column = block.get(pos..).unwrap_or(&[]).iter().step_by(n);
                        for (a, &x) in acc.iter_mut().zip(column) {
                            *a += f * x;
                        }
                    }
                    start = end;
                    for (t, &a) in totals.iter_mut().zip(acc.iter()) {
                        *t += a;
                    }
                    // group k holds the items in no subscale: only in the total
                    if g < k {
                        let column = subscales.get_mut(g..).unwrap_or(&mut []);
                        for (s, &a) in column.iter_mut().step_by(k).zip(acc.iter()) {
                            *s = sub_agg.apply(a, len);
                        }
                    }
                }
                for t in totals.iter_mut() {
                    *t = total_agg.apply(*t, n);
                }
                out.totals.extend_from_slice(totals);
                out.subscales.extend_from_slice(subscales);
                out.scored.extend(std::iter::repeat_n(true, nb));
                continue;
            }
            for (i, row) in block.chunks_exact(n).enumerate() {
                let r = b * FLAT_BLOCK + i;
                if stepped && all_steps(row, lo, hi, excluded) {
                    let total = plan_sums(&plan.members, &plan.groups, row, |g, len, sum| {
                        if g < k {
                            out.subscales.push(sub_agg.apply(sum, len));
                        }
                    });
                    out.totals.push(total_agg.apply(total, n));
                    out.scored.push(true);
                    continue;
                }
                // Exactly [`Instrument::score`]'s path: VAS sums, and the reason for a rejection.
                let outcome =
                    self.score_core(|pos| Answer::Value(row[pos]), &mut scratch, &mut subs);
                out.scored.push(outcome.is_ok());
                match outcome {
                    Ok(s) => {
                        out.totals.push(s.total);
                        out.subscales
                            .extend(subs.iter().map(|v| v.unwrap_or_default()));
                    }
                    Err(e) => {
                        out.totals.push(0.0);
                        out.subscales.extend(std::iter::repeat_n(0.0, k));
                        out.rejected.push((r, e));
                    }
                }
            }
        }
        out.plan = plan;
        if !tail.is_empty() {
            out.rejected.push((
                rows.len() / n,
                ScoreError::IncompleteRecord {
                    expected: n,
                    got: tail.len(),
                },
            ));
            out.totals.push(0.0);
            out.subscales.extend(std::iter::repeat_n(0.0, k));
            out.scored.push(false);
        }
    }

    fn score_responses(
        &self,
        responses: &Responses,
        scratch: &mut [Acc],
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
    fn score_core(
        &self,
        mut answer_at: impl FnMut(usize) -> Answer,
        scratch: &mut [Acc],
        subs: &mut [Option<f64>],
    ) -> Result<RecordScore, ScoreError> {
        let scale = self.scale();
        for a in scratch.iter_mut() {
            *a = Acc::default();
        }
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
                    if it.subscale != NO_SUBSCALE
                        && let Some(acc) = scratch.get_mut(usize::from(it.subscale))
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
            return Err(ScoreError::TooManyMissing {
                instrument: self.id().to_owned(),
                missing,
                items: n,
                allowed: rule.max_missing(),
                first,
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
        let total = self
            .total_aggregation()
            .apply(complete(sum, n, answered), n);
        let agg = self.subscale_aggregation();
        for ((out, acc), (sub, &size)) in subs
            .iter_mut()
            .zip(scratch.iter())
            .zip(self.subscales().iter().zip(&self.subscale_sizes))
        {
            *out = (size - acc.answered <= sub.max_missing && acc.answered > 0)
                .then(|| agg.apply(complete(acc.sum.total(), size, acc.answered), size));
        }
        let band = self.band_index(total);
        Ok(RecordScore {
            total,
            answered,
            prorated: missing > 0,
            imputed: missing,
            band,
            flagged: self.cutoff().map(|c| c.flags(total)),
        })
    }
}
