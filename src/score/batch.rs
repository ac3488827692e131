//! Batches of administrations: [`BatchScores`], caller-owned and reused across batches.

use std::borrow::Borrow;

use super::{Answer, RecordScore, Responses, Score, ScoreError, Scratch, build_score};
use crate::instrument::Instrument;

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
    /// Per record, the value each critical rule compared (NaN where not met).
    critical_values: Vec<f64>,
    scratch: Scratch,
    /// The instrument of the last batch (cloned only when it changes): bands, cutoff and
    /// critical rules for [`BatchScores::score`].
    definition: Option<Instrument>,
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

    /// The total of record `index`; `None` if it was rejected or `index` is out of range.
    #[must_use]
    pub fn total(&self, index: usize) -> Option<f64> {
        self.records
            .get(index)
            .and_then(|r| r.outcome.as_ref().ok())
            .map(|r| r.total)
    }

    /// The subscale scores of record `index` (in [`BatchScores::subscale_names`] order, `None`
    /// for a subscale past its missing-item limit); `None` if the record was rejected or
    /// `index` is out of range. Same shape as [`FlatScores::subscales`](crate::FlatScores::subscales).
    #[must_use]
    pub fn subscales(&self, index: usize) -> Option<&[Option<f64>]> {
        if self.is_scored(index) {
            self.record_subscales(index)
        } else {
            None
        }
    }

    /// Whether record `index` was scored.
    #[must_use]
    pub fn is_scored(&self, index: usize) -> bool {
        self.records.get(index).is_some_and(|r| r.outcome.is_ok())
    }

    /// The rejected records (0-based index and reason), in record order. Same shape as
    /// [`FlatScores::rejected`](crate::FlatScores::rejected).
    pub fn rejected(&self) -> impl Iterator<Item = (usize, &ScoreError)> + '_ {
        self.records
            .iter()
            .filter_map(|r| r.outcome.as_ref().err().map(|e| (r.index, e)))
    }

    fn record_subscales(&self, index: usize) -> Option<&[Option<f64>]> {
        let k = self.subscale_names.len();
        self.subscale_values.get(index * k..(index + 1) * k)
    }

    /// The severity band's label of record `index`; `None` if it was rejected, the
    /// instrument has no bands, or `index` is out of range. Same shape as
    /// [`FlatScores::band`](crate::FlatScores::band).
    #[must_use]
    pub fn band(&self, index: usize) -> Option<&str> {
        let b = self.record_score(index)?.band?;
        Some(self.definition.as_ref()?.bands().get(b)?.label.as_str())
    }

    /// Whether the total of record `index` meets the cutoff ([`Score::cutoff_met`]); `None`
    /// if it was rejected, the instrument has no cutoff, or `index` is out of range.
    #[must_use]
    pub fn cutoff_met(&self, index: usize) -> Option<bool> {
        self.record_score(index)?.cutoff_met
    }

    /// The ids of the critical rules record `index` met (e.g. `"phq9_item9"`), in declaration
    /// order: of a scored record, and of one rejected only for too many missing answers
    /// ([`ScoreError::critical`]: an answered risk item is never hidden by an incomplete form).
    /// Empty if none or `index` is out of range. Same shape as
    /// [`FlatScores::critical`](crate::FlatScores::critical).
    #[must_use]
    pub fn critical(&self, index: usize) -> Vec<&str> {
        match self.records.get(index).map(|r| &r.outcome) {
            Some(Ok(r)) => self
                .definition
                .as_ref()
                .map(|d| d.critical_ids(r.critical).collect())
                .unwrap_or_default(),
            Some(Err(e)) => e.critical().iter().map(|f| f.rule.as_str()).collect(),
            None => Vec::new(),
        }
    }

    fn record_score(&self, index: usize) -> Option<&RecordScore> {
        self.records.get(index)?.outcome.as_ref().ok()
    }

    /// Record `index` as a full [`Score`] (allocates), or its error.
    ///
    /// Returns `None` when `index` is out of range.
    #[must_use]
    pub fn score(&self, index: usize) -> Option<Result<Score, ScoreError>> {
        let rec = self.records.get(index)?;
        let inst = self.definition.as_ref()?;
        Some(rec.outcome.clone().map(|r| {
            let subs = self.record_subscales(index).unwrap_or(&[]);
            let rules = inst.critical_rules().len();
            let values = self
                .critical_values
                .get(index * rules..(index + 1) * rules)
                .unwrap_or(&[]);
            build_score(
                inst,
                &r,
                self.subscale_names
                    .iter()
                    .map(String::as_str)
                    .zip(subs.iter().copied()),
                values,
            )
        }))
    }

    fn reset(&mut self, inst: &Instrument) {
        sync_labels(inst, &mut self.instrument, &mut self.subscale_names);
        if self.definition.as_ref() != Some(inst) {
            self.definition = Some(inst.clone());
        }
        self.records.clear();
        self.subscale_values.clear();
        self.critical_values.clear();
        self.scratch.reset(inst);
    }

    fn push(
        &mut self,
        index: usize,
        score: impl FnOnce(&mut Scratch, &mut [Option<f64>]) -> Result<RecordScore, ScoreError>,
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
        self.critical_values
            .extend_from_slice(&self.scratch.critical_values);
        self.records.push(BatchRecord { index, outcome });
    }
}

/// Sets a batch's instrument id and subscale names to `inst`'s, allocating only when they
/// change (so a reused output buffer does not allocate per batch).
pub(super) fn sync_labels(
    inst: &Instrument,
    instrument: &mut String,
    subscale_names: &mut Vec<String>,
) {
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
            && self.definition == other.definition
    }
}

impl Instrument {
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
}
