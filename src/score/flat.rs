//! The flat kernel: [`Instrument::score_flat`] over a row-major `f64` buffer of complete
//! administrations, into a caller-owned [`FlatScores`] (struct of arrays).

use super::batch::sync_labels;
use super::{Answer, ScoreError, Scratch};
use crate::grid::tidy;
use crate::instrument::critical::CriticalSet;
use crate::instrument::{Instrument, Keying, NO_SUBSCALE, ResponseScale};

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
    subscales: Vec<Option<f64>>,
    scored: Vec<bool>,
    /// Per record: band index, cutoff verdict and critical rules met (the verdicts of
    /// [`Instrument::score`], from the same function).
    bands: Vec<Option<usize>>,
    cutoff_met: Vec<Option<bool>>,
    critical: Vec<CriticalSet>,
    rejected: Vec<(usize, ScoreError)>,
    plan: FlatPlan,
    /// The instrument of the last batch (cloned only when it changes): band labels and
    /// critical rule ids.
    definition: Option<Instrument>,
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

    /// The subscale scores of record `index` (in [`FlatScores::subscale_names`] order; every
    /// subscale of a scored record is `Some`, as a flat buffer holds complete records); `None`
    /// if the record was rejected or `index` is out of range. Same shape as
    /// [`BatchScores::subscales`](crate::BatchScores::subscales).
    #[must_use]
    pub fn subscales(&self, index: usize) -> Option<&[Option<f64>]> {
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

    /// The rejected records (0-based index and reason), in record order. Same shape as
    /// [`BatchScores::rejected`](crate::BatchScores::rejected).
    pub fn rejected(&self) -> impl Iterator<Item = (usize, &ScoreError)> + '_ {
        self.rejected.iter().map(|(i, e)| (*i, e))
    }

    /// The severity band's label of record `index`; `None` if it was rejected, the
    /// instrument has no bands, or `index` is out of range. Same shape as
    /// [`BatchScores::band`](crate::BatchScores::band).
    #[must_use]
    pub fn band(&self, index: usize) -> Option<&str> {
        let b = self.bands.get(index).copied().flatten()?;
        Some(self.definition.as_ref()?.bands().get(b)?.label.as_str())
    }

    /// Whether the total of record `index` meets the cutoff
    /// ([`Score::cutoff_met`](crate::Score::cutoff_met)); `None` if it was rejected, the
    /// instrument has no cutoff, or `index` is out of range.
    #[must_use]
    pub fn cutoff_met(&self, index: usize) -> Option<bool> {
        self.cutoff_met.get(index).copied().flatten()
    }

    /// The critical rules record `index` met, as a compact set (empty if none, if rejected or
    /// out of range); ids through [`FlatScores::critical`].
    #[must_use]
    pub fn critical_set(&self, index: usize) -> CriticalSet {
        self.critical.get(index).copied().unwrap_or_default()
    }

    /// The ids of the critical rules record `index` met (e.g. `"phq9_item9"`), in declaration
    /// order; empty if none, if it was rejected (a flat buffer holds complete records, so a
    /// rejected one had an invalid value) or `index` is out of range. Same shape as
    /// [`BatchScores::critical`](crate::BatchScores::critical).
    #[must_use]
    pub fn critical(&self, index: usize) -> Vec<&str> {
        let set = self.critical_set(index);
        self.definition
            .as_ref()
            .map(|d| d.critical_ids(set).collect())
            .unwrap_or_default()
    }

    fn reset(&mut self, inst: &Instrument, records: usize) {
        sync_labels(inst, &mut self.instrument, &mut self.subscale_names);
        if self.definition.as_ref() != Some(inst) {
            self.definition = Some(inst.clone());
        }
        let k = self.subscale_names.len();
        self.totals.clear();
        self.totals.reserve(records);
        self.subscales.clear();
        self.subscales.reserve(records * k);
        self.scored.clear();
        self.scored.reserve(records);
        self.bands.clear();
        self.bands.reserve(records);
        self.cutoff_met.clear();
        self.cutoff_met.reserve(records);
        self.critical.clear();
        self.critical.reserve(records);
        self.rejected.clear();
        self.plan.compile(inst, k);
    }

    /// The verdicts of one record scored by the fast path (no critical values kept: a flat
    /// buffer's values are the raw answers, and a full score is not built here).
    fn push_verdicts(&mut self, inst: &Instrument, total: f64, subs: &[Option<f64>], row: &[f64]) {
        let (band, cutoff_met, critical) =
            inst.verdicts(total, subs, |p| row.get(p).copied(), &mut []);
        self.bands.push(band);
        self.cutoff_met.push(cutoff_met);
        self.critical.push(critical);
    }

    fn push_unscored(&mut self) {
        self.bands.push(None);
        self.cutoff_met.push(None);
        self.critical.push(CriticalSet::new());
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
    /// assert_eq!(out.subscales(2), Some(&[Some(12.0), Some(12.0), Some(12.0)][..]));
    /// assert_eq!(out.rejected().next().map(|(i, _)| i), Some(1));
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
        let mut scratch = Scratch::for_instrument(self);
        let mut subs = vec![None; k];
        let mut row_subs: Vec<Option<f64>> = vec![None; k];
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
                            *s = tidy(sub_agg.apply(a, len));
                        }
                    }
                }
                for t in totals.iter_mut() {
                    *t = tidy(total_agg.apply(*t, n));
                }
                out.totals.extend_from_slice(totals);
                out.subscales.extend(subscales.iter().copied().map(Some));
                out.scored.extend(std::iter::repeat_n(true, nb));
                for (r, row) in block.chunks_exact(n).enumerate() {
                    for (d, &v) in row_subs.iter_mut().zip(&plan.block_subscales[r * k..]) {
                        *d = Some(v);
                    }
                    out.push_verdicts(self, plan.block_totals[r], &row_subs, row);
                }
                continue;
            }
            for (i, row) in block.chunks_exact(n).enumerate() {
                let r = b * FLAT_BLOCK + i;
                if stepped && all_steps(row, lo, hi, excluded) {
                    let total = plan_sums(&plan.members, &plan.groups, row, |g, len, sum| {
                        if let Some(slot) = row_subs.get_mut(g) {
                            *slot = Some(tidy(sub_agg.apply(sum, len)));
                        }
                    });
                    let total = tidy(total_agg.apply(total, n));
                    out.subscales.extend_from_slice(&row_subs);
                    out.totals.push(total);
                    out.scored.push(true);
                    out.push_verdicts(self, total, &row_subs, row);
                    continue;
                }
                // Exactly [`Instrument::score`]'s path: VAS sums, and the reason for a rejection.
                let outcome =
                    self.score_core(|pos| Answer::Value(row[pos]), &mut scratch, &mut subs);
                out.scored.push(outcome.is_ok());
                match outcome {
                    Ok(s) => {
                        out.totals.push(s.total);
                        out.subscales.extend_from_slice(&subs);
                        out.bands.push(s.band);
                        out.cutoff_met.push(s.cutoff_met);
                        out.critical.push(s.critical);
                    }
                    Err(e) => {
                        out.totals.push(0.0);
                        out.subscales.extend(std::iter::repeat_n(None, k));
                        out.rejected.push((r, e));
                        out.push_unscored();
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
            out.subscales.extend(std::iter::repeat_n(None, k));
            out.scored.push(false);
            out.push_unscored();
        }
    }
}
