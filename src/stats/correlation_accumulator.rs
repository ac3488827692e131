//! The streaming, mergeable state behind Pearson's r: [`CorrelationAccumulator`], its fields,
//! push and merge in one place.

use serde::{Deserialize, Serialize};

use super::correlation::{Correlation, CorrelationMethod, CorrelationOptions, pearson_from_sums};
use super::correlation_state::CorrelationState;
use super::state::{add_exact_pair, centred_pair, is_exact};
use super::{StatsError, table};
use crate::numeric::summation::Frame;

/// Streaming Pearson correlation: finishes into the same [`Correlation`] as
/// [`pearson`](super::pearson) / [`correlate`](super::correlate) (R `cor.test`: t test and
/// Fisher-z interval), from n, the two means and the centred (co)moments, merged by Chan's
/// formula.
///
/// # State and merge algebra
/// n, the two means and the centred sums Sxx, Syy, Sxy (and the count of incomplete pairs).
/// Parts A and B combine exactly (Chan, Golub & LeVeque 1983, *The American Statistician*
/// 37(3), 242–247, doi:10.1080/00031305.1983.10483115): with n = n_A + n_B,
/// δx = x̄_B − x̄_A and δy = ȳ_B − ȳ_A, x̄ = x̄_A + δx·n_B/n (ȳ likewise) and
/// Sxy = Sxy_A + Sxy_B + δx·δy·n_A·n_B/n (Sxx, Syy likewise). One pair is the case n_B = 1
/// (Welford 1962).
///
/// Each variable's moments are held in its frame `u = (x − pilot)·2^−exp` (the pilot is the
/// first value; see the [`stats`](crate::stats) docs, "Frames"): r is scale-free, so it is
/// taken from the frame sums directly, and data offset by 1e15 or scaled by 1e154 or 1e-160
/// give the r of the unshifted, unscaled data.
///
/// ```
/// use therapeutic_alliance::stats::{CorrelationAccumulator, CorrelationOptions};
/// let mut left = CorrelationAccumulator::new();
/// let mut right = CorrelationAccumulator::new();
/// for (i, (x, y)) in [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0), (5.0, 6.0)].into_iter().enumerate() {
///     if i < 2 { &mut left } else { &mut right }.push(x, y)?;
/// }
/// left.merge(&right)?;
/// let r = left.finish(&CorrelationOptions::new())?;
/// assert!((r.r - 10.0 / 148f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Spearman's rho needs ranks of all values and cannot be streamed: `finish` refuses it.
/// [`Correlation::ties`] is always `false` here, because detecting ties would need every value;
/// ties do not enter Pearson's r, t, p or interval.
///
/// # Exact integer path
/// While every x and y is an integer of magnitude at most
/// [`EXACT_LIMIT`](crate::stats::EXACT_LIMIT) (2²⁰), the state is the exact sums Σx, Σy,
/// Σx², Σxy, Σy² in `i128`, merged by addition: the state and [`finish`](Self::finish) are
/// then bit-identical whatever the split and merge order. The first other value moves the
/// accumulator to the floating-point path above for good, and merging an exact state with a
/// float one converts the exact side (means x̄ = Σx/n, Sxy = (n·Σxy − Σx·Σy)/n computed
/// exactly, then rounded) and merges by Chan's formula. See
/// [`AlphaAccumulator`](crate::stats::AlphaAccumulator) for the rule in full.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "CorrelationState", try_from = "CorrelationState")]
pub struct CorrelationAccumulator {
    pub(super) n: usize,
    pub(super) n_missing: usize,
    /// The float path's frames of x and y (pilot and power-of-two unit); the means and
    /// centred sums below are in their units.
    pub(super) frame_x: Frame,
    pub(super) frame_y: Frame,
    pub(super) mean_x: f64,
    pub(super) mean_y: f64,
    pub(super) sxx: f64,
    pub(super) syy: f64,
    /// In units of `2^(exp_x + exp_y)`.
    pub(super) sxy: f64,
    /// Exact path: [Σx, Σy, Σx², Σxy, Σy²]; `None` on the float path.
    pub(super) exact: Option<[i128; 5]>,
}

impl Default for CorrelationAccumulator {
    fn default() -> Self {
        Self {
            n: 0,
            n_missing: 0,
            frame_x: Frame::constant(0.0),
            frame_y: Frame::constant(0.0),
            mean_x: 0.0,
            mean_y: 0.0,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            exact: Some([0; 5]),
        }
    }
}

impl CorrelationAccumulator {
    /// An empty accumulator (on the exact path until a non-integer value arrives).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the accumulator is still on the exact integer path.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.exact.is_some()
    }

    /// Leaves the exact path: the exact sums become means and centred sums, in unit frames
    /// whose pilots are the rounded means (so the means in the frame are exact to one
    /// rounding: `(Σx − n·pilot)/n` is computed in `i128`).
    fn leave_exact(&mut self) {
        if let Some(sums) = self.exact.take() {
            let n = self.n as u64;
            if n > 0 {
                (self.frame_x, self.mean_x) = Frame::of_exact_sum(sums[0], i128::from(n));
                (self.frame_y, self.mean_y) = Frame::of_exact_sum(sums[1], i128::from(n));
            }
            (self.sxx, self.syy, self.sxy) = centred_pair(n, sums);
        }
    }

    /// Moves the float path's frames to hold (x, y), rescaling the moments exactly (see
    /// [`Frame::refit`]).
    fn refit(&mut self, x: f64, y: f64) {
        let (fitted_x, fitted_y) = self.fitted();
        if let Some(to) = self.frame_x.refit(fitted_x, x) {
            self.mean_x = self.frame_x.rescale(&to, self.mean_x, 1);
            self.sxx = self.frame_x.rescale(&to, self.sxx, 2);
            self.sxy = self.frame_x.rescale(&to, self.sxy, 1);
            self.frame_x = to;
        }
        if let Some(to) = self.frame_y.refit(fitted_y, y) {
            self.mean_y = self.frame_y.rescale(&to, self.mean_y, 1);
            self.syy = self.frame_y.rescale(&to, self.syy, 2);
            self.sxy = self.frame_y.rescale(&to, self.sxy, 1);
            self.frame_y = to;
        }
    }

    /// Whether the frames of x and y are fitted to data (some value differs from the pilot:
    /// a mean or sum of squares is not 0); an unfitted frame can take any unit.
    fn fitted(&self) -> (bool, bool) {
        (
            self.mean_x != 0.0 || self.sxx != 0.0,
            self.mean_y != 0.0 || self.syy != 0.0,
        )
    }

    /// The same moments in the frames `(fx, fy)` (at least as wide as the current ones).
    fn moved(mut self, fx: Frame, fy: Frame) -> Self {
        self.mean_x = self.frame_x.mean_in(&fx, self.mean_x);
        self.mean_y = self.frame_y.mean_in(&fy, self.mean_y);
        self.sxx = self.frame_x.rescale(&fx, self.sxx, 2);
        self.syy = self.frame_y.rescale(&fy, self.syy, 2);
        self.sxy = self
            .frame_y
            .rescale(&fy, self.frame_x.rescale(&fx, self.sxy, 1), 1);
        (self.frame_x, self.frame_y) = (fx, fy);
        self
    }

    /// Sxx, Syy, Sxy (centred) of the pairs seen.
    fn centred_sums(&self) -> (f64, f64, f64) {
        match self.exact {
            Some(sums) => centred_pair(self.n as u64, sums),
            None => (self.sxx, self.syy, self.sxy),
        }
    }

    /// Complete pairs accumulated.
    #[must_use]
    pub fn count(&self) -> usize {
        self.n
    }

    /// Pairs skipped by [`CorrelationAccumulator::push_pairwise`] because a cell was missing.
    #[must_use]
    pub fn n_missing(&self) -> usize {
        self.n_missing
    }

    /// Adds one (x, y) pair.
    ///
    /// # Errors
    /// [`StatsError::NonFinite`] naming `x` or `y` and the row (pairs pushed before it);
    /// [`StatsError::Overflow`] naming the row if a mean or centred sum would overflow `f64`
    /// (values near `f64::MAX`, or products beyond it); [`StatsError::TooLarge`] past 2^53
    /// pairs. The pair is then not added and the accumulator is unchanged.
    pub fn push(&mut self, x: f64, y: f64) -> Result<(), StatsError> {
        let row = self.n + self.n_missing;
        for (what, v) in [("x", x), ("y", y)] {
            if !v.is_finite() {
                return Err(StatsError::NonFinite {
                    what: what.to_owned(),
                    row,
                    value: v,
                });
            }
        }
        table::merged_count("pairs", row, 1)?;
        if let Some(e) = &mut self.exact
            && is_exact(x)
            && is_exact(y)
        {
            // at most 2^53 pairs (checked above): every sum stays below 2^94
            add_exact_pair(e, x, y);
            self.n += 1;
            return Ok(());
        }
        // on a copy (the type is Copy): committed only if every moment stays finite
        let mut next = *self;
        next.leave_exact();
        if next.n == 0 {
            (next.frame_x, next.frame_y) = (Frame::constant(x), Frame::constant(y));
        }
        next.refit(x, y);
        let (x, y) = (next.frame_x.apply(x), next.frame_y.apply(y));
        next.n += 1;
        let inv = 1.0 / next.n as f64;
        let dx = x - next.mean_x;
        let dy = y - next.mean_y;
        next.mean_x += dx * inv;
        next.mean_y += dy * inv;
        let (ex, ey) = (x - next.mean_x, y - next.mean_y);
        next.sxx += dx * ex;
        next.syy += dy * ey;
        next.sxy += dx * ey;
        next.commit(self, || format!("pair {row}: means and centred sums"))
    }

    /// Replaces `target` by `self` if every float moment is finite, else
    /// [`StatsError::Overflow`] naming `what` (and `target` is left as it was).
    fn commit(self, target: &mut Self, what: impl FnOnce() -> String) -> Result<(), StatsError> {
        let moments = [self.mean_x, self.mean_y, self.sxx, self.syy, self.sxy];
        if moments.iter().all(|m| m.is_finite()) {
            *target = self;
            Ok(())
        } else {
            Err(StatsError::Overflow { what: what() })
        }
    }

    /// Adds a pair whose cells may be missing; an incomplete pair is counted in
    /// [`Correlation::n_missing`] (as [`correlate_pairwise`](super::correlate_pairwise)).
    ///
    /// # Errors
    /// As [`CorrelationAccumulator::push`] (a present but non-finite value, an overflowing
    /// moment, more than 2^53 pairs); the accumulator is then unchanged.
    pub fn push_pairwise(&mut self, x: Option<f64>, y: Option<f64>) -> Result<(), StatsError> {
        let row = self.n + self.n_missing;
        for (what, v) in [("x", x), ("y", y)] {
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(StatsError::NonFinite {
                    what: what.to_owned(),
                    row,
                    value: v,
                });
            }
        }
        if let (Some(x), Some(y)) = (x, y) {
            self.push(x, y)
        } else {
            table::merged_count("pairs", row, 1)?;
            self.n_missing += 1;
            Ok(())
        }
    }

    /// Combines `other` (more pairs of the same two variables) into this accumulator.
    ///
    /// # Errors
    /// [`StatsError::TooLarge`] if the merged count of pairs (complete, incomplete, or both)
    /// would exceed 2^53 (e.g. an accumulator merged with itself 53 times);
    /// [`StatsError::Overflow`] if a merged moment would overflow `f64`. The accumulator is
    /// then unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        table::merged_count("pairs of the merged accumulators", self.n, other.n)?;
        table::merged_count(
            "incomplete pairs of the merged accumulators",
            self.n_missing,
            other.n_missing,
        )?;
        table::merged_count(
            "pairs seen by the merged accumulators",
            self.n + self.n_missing,
            other.n + other.n_missing,
        )?;
        if other.n == 0 {
            self.n_missing += other.n_missing;
            return Ok(());
        }
        if let (Some(a), Some(b)) = (&mut self.exact, &other.exact)
            && a.iter().zip(b).all(|(x, y)| x.checked_add(*y).is_some())
        {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            self.n += other.n;
            self.n_missing += other.n_missing;
            return Ok(());
        }
        let mut next = *self;
        next.n_missing += other.n_missing;
        next.leave_exact();
        let mut other = *other;
        other.leave_exact();
        if next.n == 0 {
            next = Self {
                n_missing: next.n_missing,
                ..other
            };
        } else {
            // one frame per variable for both parts (Frame::common)
            let (ax, ay) = next.fitted();
            let (bx, by) = other.fitted();
            let fx = Frame::common(next.frame_x, ax, other.frame_x, bx);
            let fy = Frame::common(next.frame_y, ay, other.frame_y, by);
            next = next.moved(fx, fy);
            other = other.moved(fx, fy);
            let (na, nb) = (next.n as f64, other.n as f64);
            let nf = na + nb;
            let (w, c) = (nb / nf, na * nb / nf);
            let (dx, dy) = (other.mean_x - next.mean_x, other.mean_y - next.mean_y);
            next.mean_x += dx * w;
            next.mean_y += dy * w;
            next.sxx += other.sxx + dx * dx * c;
            next.syy += other.syy + dy * dy * c;
            next.sxy += other.sxy + dx * dy * c;
            next.n += other.n;
        }
        next.commit(self, || {
            "merged accumulators: means and centred sums".to_owned()
        })
    }

    /// Pearson's r with R's `cor.test` t test and Fisher-z interval, as
    /// [`correlate`](super::correlate) reports it for the same pairs (except `ties`, see the
    /// type's docs).
    ///
    /// # Errors
    /// [`StatsError::Unsupported`] if `options` ask for Spearman or Kendall; otherwise as
    /// [`correlate`](super::correlate) (fewer than 3 pairs, a constant variable, a confidence
    /// level outside (0, 1)).
    pub fn finish(&self, options: &CorrelationOptions) -> Result<Correlation, StatsError> {
        if options.correlation_method() != CorrelationMethod::Pearson {
            return Err(StatsError::Unsupported {
                what: "streaming rank correlation (spearman and kendall need every value)"
                    .to_owned(),
            });
        }
        pearson_from_sums(self.n, self.n_missing, self.centred_sums(), false, options)
    }
}
