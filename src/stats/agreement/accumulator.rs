//! The streaming, mergeable state behind [`icc`](super::icc): [`IccAccumulator`], its fields,
//! push and merge in one place.

use serde::{Deserialize, Serialize};

use super::{Icc, IccOptions, IccState, icc_from_mean_squares};
use crate::numeric::summation::{CompensatedSum, Frame, scale_pow2};
use crate::stats::StatsError;
use crate::stats::state::is_exact;
use crate::stats::table;

/// Streaming intraclass correlations: finishes into the same [`Icc`] as
/// [`icc`](super::icc) (psych 2.2.9 `ICC(lmer = FALSE)`, pingouin 0.7.0).
///
/// State (O(k) floats, independent of the number of targets N): the count N; the mean and
/// centred sum of squares of the row (target) means r̄ₜ; and, per rater j, the mean and centred
/// sum of squares of the row-centred ratings eₜⱼ = xₜⱼ − r̄ₜ. Every term is a mean/second moment
/// of per-row quantities, so parts merge by Chan's formula. The two-way sums of squares follow:
/// * SS_rows = k·Σₜ (r̄ₜ − ḡ)² = k·M(r̄);
/// * SS_cols = N·Σⱼ (c̄ⱼ − ḡ)² = N·Σⱼ ēⱼ², because the mean of eₜⱼ over targets is c̄ⱼ − ḡ;
/// * SS_res = Σₜⱼ (xₜⱼ − r̄ₜ − c̄ⱼ + ḡ)² = Σⱼ Σₜ (eₜⱼ − ēⱼ)² = Σⱼ M(eⱼ).
///
/// Rows are targets, columns raters: split the data by targets (rows), never by raters.
///
/// # Merge algebra
/// Each of those means and second moments merges as in [`AlphaAccumulator`](crate::stats::AlphaAccumulator)
/// (Chan, Golub & LeVeque 1983, doi:10.1080/00031305.1983.10483115): for parts A and B with
/// n = n_A + n_B and δ = m_B − m_A, m = m_A + δ·n_B/n and M = M_A + M_B + δ²·n_A·n_B/n. The
/// counts of incomplete targets add; the first incomplete target is A's, else B's shifted by
/// the targets A has seen.
///
/// ```
/// use therapeutic_alliance::stats::{icc, IccAccumulator, IccOptions};
/// let data = [9.0, 2.0, 5.0, 8.0, 6.0, 1.0, 3.0, 2.0, 8.0, 4.0, 6.0, 8.0,
///             7.0, 1.0, 2.0, 6.0, 10.0, 5.0, 6.0, 9.0, 6.0, 2.0, 4.0, 7.0];
/// let mut left = IccAccumulator::new(4)?;
/// left.push_rows(&data[..12])?;
/// let mut right = IccAccumulator::new(4)?;
/// right.push_rows(&data[12..])?;
/// left.merge(&right)?;
/// let streamed = left.finish(&IccOptions::new())?;
/// let direct = icc(&data, 4, &IccOptions::new())?;
/// assert!((streamed.forms[2].icc - direct.forms[2].icc).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Exact integer path
/// While every rating is an integer of magnitude at most
/// [`EXACT_LIMIT`](crate::stats::EXACT_LIMIT) (2²⁰), the state is instead exact `i128` sums:
/// per rater Cⱼ = Σₜ xₜⱼ, Qⱼ = Σₜ xₜⱼ² and Pⱼ = Σₜ xₜⱼ·Rₜ (Rₜ the target's total), and
/// Σₜ Rₜ². They merge by addition, so the state and [`finish`](Self::finish) are bit-identical
/// whatever the split and merge order. With G = ΣCⱼ the sums of squares are exact integers
/// over N·k: N·k·SS_rows = N·ΣRₜ² − G², N·k·SS_cols = k·ΣCⱼ² − G²,
/// N·k·SS_res = N·k·ΣQⱼ − N·ΣRₜ² − k·ΣCⱼ² + G². The first other rating moves the
/// accumulator to the floating-point state above for good (the exact sums give its means and
/// moments exactly, then rounded); merging an exact with a float state converts the exact side
/// and merges by Chan's formula. See [`AlphaAccumulator`](crate::stats::AlphaAccumulator).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "IccState", try_from = "IccState")]
pub struct IccAccumulator {
    pub(super) k: usize,
    pub(super) n: usize,
    /// The float path's frame, one for every rating (a shift and a power-of-two unit: the
    /// two-way sums of squares are shift-invariant and scale by the unit's square); the
    /// moments below are in its units.
    pub(super) frame: Frame,
    pub(super) row_mean: f64,
    pub(super) row_m2: f64,
    pub(super) dev_mean: Vec<f64>,
    pub(super) dev_m2: Vec<f64>,
    /// Scratch (one row of `push_with_missing`): not part of the state, nor of equality.
    dev: Vec<f64>,
    pub(super) n_dropped: usize,
    pub(super) seen: usize,
    /// First incomplete target: (its index among the rows pushed, first missing rater, ratings
    /// present).
    pub(super) first_incomplete: Option<(usize, usize, usize)>,
    /// The exact path's sums; `None` on the float path.
    pub(super) exact: Option<IccExact>,
}

/// Equality of the state: every field but the scratch row (so an accumulator equals the one
/// read back from its bytes).
impl PartialEq for IccAccumulator {
    fn eq(&self, other: &Self) -> bool {
        self.k == other.k
            && self.n == other.n
            && self.frame == other.frame
            && self.row_mean == other.row_mean
            && self.row_m2 == other.row_m2
            && self.dev_mean == other.dev_mean
            && self.dev_m2 == other.dev_m2
            && self.n_dropped == other.n_dropped
            && self.seen == other.seen
            && self.first_incomplete == other.first_incomplete
            && self.exact == other.exact
    }
}

/// The exact path's state (see [`IccAccumulator`]). Cannot overflow: fewer than 2⁶⁴ targets of
/// ratings within 2²⁰ keep every sum below 2¹⁰⁴·k².
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IccExact {
    pub(crate) c: Vec<i128>,
    pub(crate) q: Vec<i128>,
    pub(crate) pr: Vec<i128>,
    pub(crate) r2: i128,
}

impl IccExact {
    fn new(k: usize) -> Self {
        Self {
            c: vec![0; k],
            q: vec![0; k],
            pr: vec![0; k],
            r2: 0,
        }
    }

    fn add_row(&mut self, row: &[f64]) {
        let r: i128 = row.iter().map(|&x| x as i128).sum();
        for (j, &x) in row.iter().enumerate() {
            let x = x as i128;
            self.c[j] += x;
            self.q[j] += x * x;
            self.pr[j] += x * r;
        }
        self.r2 += r * r;
    }

    /// Adds `other`, or returns `false` (changing nothing) on overflow.
    fn add(&mut self, other: &Self) -> bool {
        let fits =
            |a: &[i128], b: &[i128]| a.iter().zip(b).all(|(x, y)| x.checked_add(*y).is_some());
        if !(fits(&self.c, &other.c)
            && fits(&self.q, &other.q)
            && fits(&self.pr, &other.pr)
            && self.r2.checked_add(other.r2).is_some())
        {
            return false;
        }
        for (a, b) in [
            (&mut self.c, &other.c),
            (&mut self.q, &other.q),
            (&mut self.pr, &other.pr),
        ] {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        self.r2 += other.r2;
        true
    }

    /// The float state of `n` targets with these sums: (row mean, row M2, per-rater means and
    /// M2 of the row-centred ratings), from exact numerators over N·k and N·k².
    pub(crate) fn moments(&self, n: usize) -> (f64, f64, Vec<f64>, Vec<f64>) {
        let k = self.c.len();
        if n == 0 {
            return (0.0, 0.0, vec![0.0; k], vec![0.0; k]);
        }
        let (ni, ki) = (n as i128, k as i128);
        let g: i128 = self.c.iter().sum();
        let nk = (n as f64) * (k as f64);
        let nk2 = nk * k as f64;
        let ratio =
            |num: Option<i128>, den: f64, fallback: f64| num.map_or(fallback, |v| v as f64 / den);
        let gf = g as f64;
        let row_mean = gf / nk;
        let row_m2 = ratio(
            ni.checked_mul(self.r2)
                .and_then(|a| a.checked_sub(g.checked_mul(g)?)),
            nk2,
            self.r2 as f64 / (k * k) as f64 - nk * row_mean * row_mean / k as f64,
        );
        let mut dev_mean = Vec::with_capacity(k);
        let mut dev_m2 = Vec::with_capacity(k);
        for j in 0..k {
            let e = ki.checked_mul(self.c[j]).and_then(|v| v.checked_sub(g));
            let mean = ratio(e, nk, self.c[j] as f64 / n as f64 - row_mean);
            let num = (|| {
                let e = e?;
                ni.checked_mul(ki * ki)?
                    .checked_mul(self.q[j])?
                    .checked_sub(ni.checked_mul(2 * ki)?.checked_mul(self.pr[j])?)?
                    .checked_add(ni.checked_mul(self.r2)?)?
                    .checked_sub(e.checked_mul(e)?)
            })();
            let fallback = self.q[j] as f64 - 2.0 * self.pr[j] as f64 / k as f64
                + self.r2 as f64 / (k * k) as f64
                - n as f64 * mean * mean;
            dev_mean.push(mean);
            dev_m2.push(ratio(num, nk2, fallback));
        }
        (row_mean, row_m2, dev_mean, dev_m2)
    }

    /// N·k times SS_rows, SS_cols and SS_res, exactly, or `None` on overflow.
    pub(crate) fn scaled_sums_of_squares(&self, n: usize) -> Option<(i128, i128, i128)> {
        let (ni, ki) = (n as i128, self.c.len() as i128);
        let g: i128 = self.c.iter().sum();
        let g2 = g.checked_mul(g)?;
        let mut c2: i128 = 0;
        for &c in &self.c {
            c2 = c2.checked_add(c.checked_mul(c)?)?;
        }
        let q: i128 = self.q.iter().try_fold(0i128, |a, &b| a.checked_add(b))?;
        let n_r2 = ni.checked_mul(self.r2)?;
        let k_c2 = ki.checked_mul(c2)?;
        let rows = n_r2.checked_sub(g2)?;
        let cols = k_c2.checked_sub(g2)?;
        let res = ni
            .checked_mul(ki)?
            .checked_mul(q)?
            .checked_sub(n_r2)?
            .checked_sub(k_c2)?
            .checked_add(g2)?;
        Some((rows, cols, res))
    }
}

impl IccAccumulator {
    /// The most raters an accumulator (and so [`icc`](super::icc)) takes: 65,536 (2¹⁶).
    ///
    /// The binding limit is exactness, not memory (72 bytes per rater, 4.7 MB at the cap): on
    /// the exact path Σₜ Rₜ² adds squared target totals of up to (k·2²⁰)², so over the 2⁵³
    /// targets an accumulator counts it stays below 2¹²⁵, inside `i128`, only while
    /// k ≤ 2¹⁶. Before the cap, 2²⁷ raters (9.7 GB of moments) was reserved under Linux
    /// overcommit and the process was killed when the pages were touched.
    pub const MAX_RATERS: usize = 1 << 16;

    /// An empty accumulator for `n_raters` raters.
    ///
    /// # Errors
    /// [`StatsError::TooFewCases`] for fewer than 2 raters; [`StatsError::TooLarge`] naming
    /// the count for more than [`IccAccumulator::MAX_RATERS`] (never a panic or an abort).
    pub fn new(n_raters: usize) -> Result<Self, StatsError> {
        if n_raters < 2 {
            return Err(table::too_few_columns("raters", n_raters));
        }
        if n_raters > Self::MAX_RATERS {
            return Err(StatsError::TooLarge {
                what: "raters".to_owned(),
                size: n_raters as u128,
                why: format!("an accumulator holds at most {} raters", Self::MAX_RATERS),
            });
        }
        Ok(Self {
            k: n_raters,
            n: 0,
            frame: Frame::constant(0.0),
            row_mean: 0.0,
            row_m2: 0.0,
            dev_mean: table::zeros("raters", n_raters)?,
            dev_m2: table::zeros("raters", n_raters)?,
            dev: table::zeros("raters", n_raters)?,
            n_dropped: 0,
            seen: 0,
            first_incomplete: None,
            exact: Some(IccExact::new(n_raters)),
        })
    }

    /// Number of raters.
    #[must_use]
    pub fn n_raters(&self) -> usize {
        self.k
    }

    /// Complete targets accumulated so far.
    #[must_use]
    pub fn count(&self) -> usize {
        self.n
    }

    /// Targets skipped by [`IccAccumulator::push_with_missing`] because a rating was missing.
    #[must_use]
    pub fn n_incomplete(&self) -> usize {
        self.n_dropped
    }

    /// Adds one target's ratings (one per rater).
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for a row of the wrong length, [`StatsError::NonFinite`]
    /// (row = targets pushed before it) for NaN or infinity, [`StatsError::Overflow`] naming
    /// the target if a mean or sum of squares would overflow `f64`, [`StatsError::TooLarge`]
    /// past 2^53 targets; the row is then not added and the accumulator is unchanged.
    pub fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        self.check_len(row.len())?;
        if let Some(j) = row.iter().position(|x| !x.is_finite()) {
            return Err(StatsError::NonFinite {
                what: format!("rater {j} (0-based)"),
                row: self.seen,
                value: row[j],
            });
        }
        table::merged_count("targets", self.seen, 1)?;
        self.add(row)
    }

    /// Adds every target of a row-major block (`data.len()` a multiple of the rater count).
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for a partial trailing row, [`StatsError::NonFinite`]
    /// naming the row within `data`, [`StatsError::Overflow`] naming the target whose means
    /// or sums of squares would overflow `f64`, [`StatsError::TooLarge`] past 2^53 targets;
    /// nothing is added on error.
    pub fn push_rows(&mut self, data: &[f64]) -> Result<(), StatsError> {
        let k = self.k;
        table::check_shape(data, k, "raters")?;
        if let Some(i) = data.iter().position(|x| !x.is_finite()) {
            return Err(table::non_finite(data, k, i, |j| {
                format!("rater {j} (0-based)")
            }));
        }
        table::merged_count("targets", self.seen, data.len() / k)?;
        // only a float update can fail: then the state is kept (O(k)) to restore
        let saved =
            (self.exact.is_none() || !data.iter().all(|&x| is_exact(x))).then(|| self.clone());
        for row in data.chunks_exact(k) {
            if let Err(e) = self.add(row) {
                if let Some(saved) = saved {
                    *self = saved;
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// Adds one target whose ratings may be missing (`None`). An incomplete target is counted
    /// (see [`IccAccumulator::n_incomplete`]) but not added; [`IccAccumulator::finish`] then
    /// refuses unless [`IccOptions::drop_incomplete`] is set, as
    /// [`icc_with_missing`](super::icc_with_missing) does. Returns whether the target was added.
    ///
    /// # Errors
    /// As [`IccAccumulator::push`]; the accumulator is then unchanged.
    pub fn push_with_missing(&mut self, row: &[Option<f64>]) -> Result<bool, StatsError> {
        self.check_len(row.len())?;
        if let Some(j) = row.iter().position(|x| x.is_some_and(|v| !v.is_finite())) {
            return Err(StatsError::NonFinite {
                what: format!("rater {j} (0-based)"),
                row: self.seen,
                value: row[j].unwrap_or(f64::NAN),
            });
        }
        table::merged_count("targets", self.seen, 1)?;
        if let Some(j) = row.iter().position(Option::is_none) {
            self.first_incomplete
                .get_or_insert((self.seen, j, row.iter().flatten().count()));
            self.n_dropped += 1;
            self.seen += 1;
            return Ok(false);
        }
        for (d, v) in self.dev.iter_mut().zip(row) {
            *d = v.unwrap_or_default();
        }
        let row = std::mem::take(&mut self.dev);
        let added = self.add(&row);
        self.dev = row;
        added.map(|()| true)
    }

    fn check_len(&self, len: usize) -> Result<(), StatsError> {
        if len == self.k {
            Ok(())
        } else {
            Err(table::shape_mismatch(
                &format!("target {} (one rating per rater)", self.seen),
                self.k,
                len,
            ))
        }
    }

    /// Whether the accumulator is still on the exact integer path.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.exact.is_some()
    }

    /// Leaves the exact path (if on it): the exact sums become means and moments.
    fn leave_exact(&mut self) {
        if let Some(e) = self.exact.take() {
            (self.row_mean, self.row_m2, self.dev_mean, self.dev_m2) = e.moments(self.n);
            // the grand mean is G/(N·k): the unit frame at its rounded value
            if self.n > 0 {
                let g: i128 = e.c.iter().sum();
                let nk = self.n as i128 * self.k as i128;
                (self.frame, self.row_mean) = Frame::of_exact_sum(g, nk);
            }
        }
    }

    /// Whether the frame is fitted to data (some rating differed from the pilot: a moment is
    /// not 0); an unfitted frame can take any unit.
    fn fitted(&self) -> bool {
        self.row_mean != 0.0
            || self.row_m2 != 0.0
            || self.dev_mean.iter().chain(&self.dev_m2).any(|&v| v != 0.0)
    }

    /// The same moments in the frame `to` (at least as wide as the current one, or the
    /// current one unfitted).
    fn move_to(&mut self, to: Frame) {
        let from = self.frame;
        self.row_mean = from.mean_in(&to, self.row_mean);
        self.row_m2 = from.rescale(&to, self.row_m2, 2);
        // the row-centred ratings do not depend on the shift
        for m in &mut self.dev_mean {
            *m = from.rescale(&to, *m, 1);
        }
        for m2 in &mut self.dev_m2 {
            *m2 = from.rescale(&to, *m2, 2);
        }
        self.frame = to;
    }

    /// Adds one complete, finite row: exactly on the exact path, else Welford's update.
    ///
    /// # Errors
    /// [`StatsError::Overflow`] if a mean or sum of squares would not be finite; nothing is
    /// changed then (the new values are checked before any is stored).
    fn add(&mut self, row: &[f64]) -> Result<(), StatsError> {
        if let Some(e) = &mut self.exact {
            if row.iter().all(|&x| is_exact(x)) {
                // k <= 2^16 ratings within 2^20 over at most 2^53 targets: no sum overflows
                e.add_row(row);
                self.n += 1;
                self.seen += 1;
                return Ok(());
            }
            let saved = self.exact.clone();
            self.leave_exact();
            let added = self.welford(row);
            if added.is_err() {
                // the float moments of an exact state are zero
                self.exact = saved;
                (self.row_mean, self.row_m2) = (0.0, 0.0);
                self.dev_mean.fill(0.0);
                self.dev_m2.fill(0.0);
            }
            return added;
        }
        self.welford(row)
    }

    /// Welford's update of the float state by one row, checked: first every new value is
    /// computed and tested, then stored.
    fn welford(&mut self, row: &[f64]) -> Result<(), StatsError> {
        // the frame: the first rating is the pilot; the row's farthest rating from it decides
        // whether the unit must move (Frame::refit), the moments rescaled exactly with it
        let from = if self.n == 0 {
            Frame::constant(row.first().copied().unwrap_or(0.0))
        } else {
            self.frame
        };
        let far = from.farthest(row.iter().copied());
        let to = from.refit(self.n > 0 && self.fitted(), far).unwrap_or(from);
        let one = |v: f64| from.rescale(&to, v, 1);
        let two = |v: f64| from.rescale(&to, v, 2);
        let mut s = CompensatedSum::new();
        for &x in row {
            s.add(to.apply(x));
        }
        let rm = s.total() / self.k as f64;
        let n = self.n + 1;
        let inv = 1.0 / n as f64;
        let old_mean = if self.n == 0 { 0.0 } else { one(self.row_mean) };
        let d = rm - old_mean;
        let row_mean = old_mean + d * inv;
        let row_m2 = two(self.row_m2) + d * (rm - row_mean);
        let step = |x: f64, m: f64, m2: f64| {
            let e = to.apply(x) - rm;
            let (m, m2) = (one(m), two(m2));
            let d = e - m;
            let m = m + d * inv;
            (m, m2 + d * (e - m))
        };
        let fits = row_m2.is_finite()
            && row_mean.is_finite()
            && self
                .dev_mean
                .iter()
                .zip(&self.dev_m2)
                .zip(row)
                .all(|((&m, &m2), &x)| {
                    let (m, m2) = step(x, m, m2);
                    m.is_finite() && m2.is_finite()
                });
        if !fits {
            return Err(StatsError::Overflow {
                what: format!("target {}: row means and sums of squares", self.seen),
            });
        }
        (self.n, self.row_mean, self.row_m2) = (n, row_mean, row_m2);
        self.frame = to;
        self.seen += 1;
        for ((m, m2), &x) in self.dev_mean.iter_mut().zip(&mut self.dev_m2).zip(row) {
            (*m, *m2) = step(x, *m, *m2);
        }
        Ok(())
    }

    /// Combines `other` (other targets rated by the same raters) into this accumulator.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the rater counts differ; [`StatsError::TooLarge`] if
    /// the merged count of targets would exceed 2^53; [`StatsError::Overflow`] if a merged
    /// mean or sum of squares would overflow `f64` (the accumulator is then unchanged).
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if other.k != self.k {
            return Err(table::shape_mismatch(
                "raters of the merged accumulator",
                self.k,
                other.k,
            ));
        }
        table::merged_count("targets of the merged accumulators", self.n, other.n)?;
        table::merged_count(
            "targets seen by the merged accumulators",
            self.seen,
            other.seen,
        )?;
        if let (Some(a), Some(b)) = (&mut self.exact, &other.exact)
            && a.add(b)
        {
            self.n += other.n;
            self.merge_counts(other);
            return Ok(());
        }
        if other.n == 0 {
            self.merge_counts(other);
            return Ok(());
        }
        // the float merge runs on a copy (O(k)), committed only if every moment is finite
        let mut next = self.clone();
        next.leave_exact();
        let converted;
        let other_f = if other.exact.is_some() {
            let mut o = other.clone();
            o.leave_exact();
            converted = o;
            &converted
        } else {
            other
        };
        if next.n == 0 {
            next.n = other_f.n;
            next.frame = other_f.frame;
            next.row_mean = other_f.row_mean;
            next.row_m2 = other_f.row_m2;
            next.dev_mean.copy_from_slice(&other_f.dev_mean);
            next.dev_m2.copy_from_slice(&other_f.dev_m2);
        } else {
            // one frame for both parts (Frame::common)
            let common = Frame::common(next.frame, next.fitted(), other_f.frame, other_f.fitted());
            next.move_to(common);
            let mut moved = other_f.clone();
            moved.move_to(common);
            let other_f = &moved;
            let (na, nb) = (next.n as f64, other_f.n as f64);
            let nf = na + nb;
            let (w, c) = (nb / nf, na * nb / nf);
            let d = other_f.row_mean - next.row_mean;
            next.row_mean += d * w;
            next.row_m2 += other_f.row_m2 + d * d * c;
            for ((m, m2), (&om, &om2)) in next
                .dev_mean
                .iter_mut()
                .zip(&mut next.dev_m2)
                .zip(other_f.dev_mean.iter().zip(&other_f.dev_m2))
            {
                let d = om - *m;
                *m += d * w;
                *m2 += om2 + d * d * c;
            }
            next.n += other_f.n;
        }
        let finite = [next.row_mean, next.row_m2]
            .iter()
            .chain(&next.dev_mean)
            .chain(&next.dev_m2)
            .all(|x| x.is_finite());
        if !finite {
            return Err(StatsError::Overflow {
                what: "merged accumulators: row means and sums of squares".to_owned(),
            });
        }
        next.merge_counts(other);
        *self = next;
        Ok(())
    }

    /// The bookkeeping of a merge: incomplete targets and targets seen.
    fn merge_counts(&mut self, other: &Self) {
        if self.first_incomplete.is_none() {
            self.first_incomplete = other
                .first_incomplete
                .map(|(t, j, got)| (self.seen + t, j, got));
        }
        self.n_dropped += other.n_dropped;
        self.seen += other.seen;
    }

    /// The two-way mean squares (MSR, MSC, MSE) of the complete targets seen, in units of
    /// `2^(2·exp)` for the returned frame exponent `exp` (0 on the exact path).
    pub(super) fn mean_squares(&self) -> Result<(f64, f64, f64, i32), StatsError> {
        let n = self.n;
        if n < 2 {
            return Err(StatsError::TooFewCases {
                what: "targets".to_owned(),
                needed: 2,
                got: n,
            });
        }
        if let Some(e) = &self.exact
            && let Some((rows, cols, res)) = e.scaled_sums_of_squares(n)
        {
            let (nf, kf) = (n as f64, self.k as f64);
            let nk = nf * kf;
            return Ok((
                rows as f64 / nk / (nf - 1.0),
                cols as f64 / nk / (kf - 1.0),
                res as f64 / nk / ((nf - 1.0) * (kf - 1.0)),
                0,
            ));
        }
        if self.exact.is_some() {
            let mut float = self.clone();
            float.leave_exact();
            return float.mean_squares();
        }
        let mut ssc = CompensatedSum::new();
        let mut sse = CompensatedSum::new();
        for (&m, &m2) in self.dev_mean.iter().zip(&self.dev_m2) {
            ssc.add(m * m);
            sse.add(m2);
        }
        let (nf, kf) = (n as f64, self.k as f64);
        Ok((
            kf * self.row_m2 / (nf - 1.0),
            nf * ssc.total() / (kf - 1.0),
            sse.total() / ((nf - 1.0) * (kf - 1.0)),
            self.frame.exp(),
        ))
    }

    /// The six ICCs of the targets seen, as [`icc`](super::icc) /
    /// [`icc_with_missing`](super::icc_with_missing) compute them for the same rows.
    ///
    /// # Errors
    /// As [`icc`](super::icc); also if an incomplete target was pushed and
    /// [`IccOptions::drop_incomplete`] is off (naming the first such target).
    pub fn finish(&self, options: &IccOptions) -> Result<Icc, StatsError> {
        if let Some((t, j, got)) = self.first_incomplete
            && !options.drop_incomplete()
        {
            return Err(StatsError::TooFewCases {
                what: format!("ratings of target {t} (rater {j} is missing; 0-based indices)"),
                needed: self.k,
                got,
            });
        }
        let (msr, msc, mse, exp) = self.mean_squares()?;
        // every ICC, F and bound is a ratio of mean squares: computed in the frame's units,
        // the mean squares reported in raw units
        let mut out = icc_from_mean_squares(
            self.n,
            self.k,
            msr,
            msc,
            mse,
            options.level(),
            self.n_dropped,
        )?;
        let ms = &mut out.ms;
        for v in [&mut ms.msr, &mut ms.msc, &mut ms.mse, &mut ms.msw] {
            *v = scale_pow2(*v, 2 * exp);
            if !v.is_finite() {
                return Err(StatsError::Overflow {
                    what: "ratings: a mean square exceeds the f64 range".to_owned(),
                });
            }
        }
        Ok(out)
    }
}
