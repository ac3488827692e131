//! Streaming, mergeable accumulators for alpha, the ICCs and Pearson's r.
//!
//! Each accumulator takes records one at a time ([`push`](AlphaAccumulator::push)) or as a
//! row-major block, combines with another accumulator of the same shape
//! ([`merge`](AlphaAccumulator::merge)), and [`finish`](AlphaAccumulator::finish)es into exactly
//! the result type of the in-memory function ([`Alpha`], [`Icc`], [`Correlation`]). The
//! in-memory functions [`alpha`](super::alpha) and [`icc`](super::icc) run on these same
//! accumulators, so there is one code path: however the data are split across threads or
//! machines and merged back, the results agree with the in-memory ones to rounding (the tests
//! check 1e-12 relative).
//!
//! Memory is independent of the number of records: p² + O(p) floats for alpha, O(k) for the
//! ICC, six numbers for a correlation.
//!
//! Merge algebra (Chan, Golub & LeVeque 1983): a part holds a count n, means m and centred
//! second moments M = Σ (x − m)(x − m)ᵀ. Parts A and B combine exactly as
//! n = n_A + n_B, δ = m_B − m_A, m = m_A + δ·n_B/n, M = M_A + M_B + δδᵀ·n_A·n_B/n. The ICC
//! state is chosen so that every sum of squares is such a moment (see [`IccAccumulator`]).
//!
//! ```
//! use therapeutic_alliance::stats::{alpha, AlphaAccumulator, AlphaOptions};
//! let data = [3.0, 3.0, 4.0, 4.0, 5.0, 4.0, 2.0, 2.0, 3.0, 5.0, 4.0, 5.0, 1.0, 2.0, 1.0];
//! // two "workers", each with part of the rows
//! let mut left = AlphaAccumulator::new(3)?;
//! left.push_rows(&data[..6])?;
//! let mut right = AlphaAccumulator::new(3)?;
//! right.push_rows(&data[6..])?;
//! left.merge(&right)?;
//! let streamed = left.finish(&AlphaOptions::new())?;
//! let direct = alpha(&data, 3, &AlphaOptions::new())?;
//! assert!((streamed.raw_alpha - direct.raw_alpha).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::agreement::{Icc, IccOptions, icc_from_mean_squares};
use super::correlation::{Correlation, CorrelationMethod, CorrelationOptions, pearson_from_sums};
use super::reliability::{Alpha, AlphaOptions, CovarianceAccumulator, alpha_from_accumulator};
use super::{StatsError, table};

fn too_few_columns(cols: &str, got: usize) -> StatsError {
    StatsError::TooFewCases {
        what: cols.to_owned(),
        needed: 2,
        got,
    }
}

fn shape_mismatch(what: &str, expected: usize, got: usize) -> StatsError {
    StatsError::LengthMismatch {
        what: what.to_owned(),
        expected,
        got,
    }
}

/// Streaming Cronbach's alpha: item means and the covariance matrix of complete rows, finished
/// into the same [`Alpha`] as [`alpha`](super::alpha) (psych 2.2.9 `alpha`, every field).
///
/// Memory: p² + 3p floats whatever the number of rows. Reversal uses the minimum and maximum of
/// all data seen (psych's rule) unless [`AlphaOptions::reversal_bounds`] fixes them.
/// `Alpha::n_rows` is the number of rows pushed.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaAccumulator {
    acc: CovarianceAccumulator,
}

impl AlphaAccumulator {
    /// An empty accumulator for `n_items` items.
    ///
    /// # Errors
    /// [`StatsError::TooFewCases`] for fewer than 2 items.
    pub fn new(n_items: usize) -> Result<Self, StatsError> {
        if n_items < 2 {
            return Err(too_few_columns("items", n_items));
        }
        Ok(Self {
            acc: CovarianceAccumulator::new(n_items),
        })
    }

    /// Number of items.
    #[must_use]
    pub fn n_items(&self) -> usize {
        self.acc.items()
    }

    /// Rows accumulated so far.
    #[must_use]
    pub fn count(&self) -> usize {
        self.acc.count()
    }

    /// Adds one row (one answer per item, in column order). Welford's update.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the row does not have one value per item,
    /// [`StatsError::NonFinite`] (row = rows accumulated before it) for NaN or infinity; the
    /// row is then not added.
    pub fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        let p = self.n_items();
        if row.len() != p {
            return Err(shape_mismatch(
                &format!("row {} (one value per item)", self.count()),
                p,
                row.len(),
            ));
        }
        if let Some(j) = row.iter().position(|x| !x.is_finite()) {
            return Err(StatsError::NonFinite {
                what: format!("item {j} (0-based)"),
                row: self.count(),
                value: row[j],
            });
        }
        self.acc.push(row);
        Ok(())
    }

    /// Adds every row of a row-major block (`data.len()` a multiple of the item count), in
    /// cache-sized sub-blocks merged by Chan's formula. This is the fast path
    /// ([`alpha`](super::alpha) uses it).
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for a partial trailing row (nothing is added);
    /// [`StatsError::NonFinite`] for NaN or infinity, naming the row within `data`. Values are
    /// checked block by block (256 rows for up to 16 items, 128 rows for more), so on that
    /// error the rows of earlier blocks have been added ([`AlphaAccumulator::count`] tells how
    /// many) and the rest have not.
    pub fn push_rows(&mut self, data: &[f64]) -> Result<(), StatsError> {
        let p = self.n_items();
        if !data.len().is_multiple_of(p) {
            return Err(shape_mismatch(
                &format!("data (a whole number of rows of {p} items)"),
                data.len().div_ceil(p) * p,
                data.len(),
            ));
        }
        self.acc
            .push_rows(data)
            .map_err(|i| table::non_finite(data, p, i, |j| format!("item {j} (0-based)")))
    }

    /// Combines `other` (rows of the same items from elsewhere) into this accumulator.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the item counts differ.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if other.n_items() != self.n_items() {
            return Err(shape_mismatch(
                "items of the merged accumulator",
                self.n_items(),
                other.n_items(),
            ));
        }
        self.acc.merge(&other.acc);
        Ok(())
    }

    /// Alpha and its item statistics from the rows seen, as [`alpha`](super::alpha) computes
    /// them for the same rows. Does not consume the accumulator.
    ///
    /// # Errors
    /// As [`alpha`](super::alpha): fewer than 2 rows, a constant item, options naming unknown
    /// items or a different number of items.
    pub fn finish(&self, options: &AlphaOptions) -> Result<Alpha, StatsError> {
        alpha_from_accumulator(&self.acc, options)
    }
}

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
#[derive(Debug, Clone, PartialEq)]
pub struct IccAccumulator {
    k: usize,
    n: usize,
    row_mean: f64,
    row_m2: f64,
    dev_mean: Vec<f64>,
    dev_m2: Vec<f64>,
    dev: Vec<f64>,
    n_dropped: usize,
    seen: usize,
    /// First incomplete target: (its index among the rows pushed, first missing rater, ratings
    /// present).
    first_incomplete: Option<(usize, usize, usize)>,
}

impl IccAccumulator {
    /// An empty accumulator for `n_raters` raters.
    ///
    /// # Errors
    /// [`StatsError::TooFewCases`] for fewer than 2 raters.
    pub fn new(n_raters: usize) -> Result<Self, StatsError> {
        if n_raters < 2 {
            return Err(too_few_columns("raters", n_raters));
        }
        Ok(Self {
            k: n_raters,
            n: 0,
            row_mean: 0.0,
            row_m2: 0.0,
            dev_mean: vec![0.0; n_raters],
            dev_m2: vec![0.0; n_raters],
            dev: vec![0.0; n_raters],
            n_dropped: 0,
            seen: 0,
            first_incomplete: None,
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
    /// (row = targets pushed before it) for NaN or infinity; the row is then not added.
    pub fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        self.check_len(row.len())?;
        if let Some(j) = row.iter().position(|x| !x.is_finite()) {
            return Err(StatsError::NonFinite {
                what: format!("rater {j} (0-based)"),
                row: self.seen,
                value: row[j],
            });
        }
        self.add(row);
        Ok(())
    }

    /// Adds every target of a row-major block (`data.len()` a multiple of the rater count).
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for a partial trailing row, [`StatsError::NonFinite`]
    /// naming the row within `data`; nothing is added on error.
    pub fn push_rows(&mut self, data: &[f64]) -> Result<(), StatsError> {
        let k = self.k;
        table::check_shape(data, k, "raters")?;
        if let Some(i) = data.iter().position(|x| !x.is_finite()) {
            return Err(table::non_finite(data, k, i, |j| {
                format!("rater {j} (0-based)")
            }));
        }
        for row in data.chunks_exact(k) {
            self.add(row);
        }
        Ok(())
    }

    /// Adds one target whose ratings may be missing (`None`). An incomplete target is counted
    /// (see [`IccAccumulator::n_incomplete`]) but not added; [`IccAccumulator::finish`] then
    /// refuses unless [`IccOptions::drop_incomplete`] is set, as
    /// [`icc_with_missing`](super::icc_with_missing) does. Returns whether the target was added.
    ///
    /// # Errors
    /// As [`IccAccumulator::push`].
    pub fn push_with_missing(&mut self, row: &[Option<f64>]) -> Result<bool, StatsError> {
        self.check_len(row.len())?;
        if let Some(j) = row.iter().position(|x| x.is_some_and(|v| !v.is_finite())) {
            return Err(StatsError::NonFinite {
                what: format!("rater {j} (0-based)"),
                row: self.seen,
                value: row[j].unwrap_or(f64::NAN),
            });
        }
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
        self.add(&row);
        self.dev = row;
        Ok(true)
    }

    fn check_len(&self, len: usize) -> Result<(), StatsError> {
        if len == self.k {
            Ok(())
        } else {
            Err(shape_mismatch(
                &format!("target {} (one rating per rater)", self.seen),
                self.k,
                len,
            ))
        }
    }

    /// Welford update with one complete, finite row.
    fn add(&mut self, row: &[f64]) {
        let mut s = super::summation::CompensatedSum::new();
        for &x in row {
            s.add(x);
        }
        let rm = s.total() / self.k as f64;
        self.n += 1;
        self.seen += 1;
        let inv = 1.0 / self.n as f64;
        let d = rm - self.row_mean;
        self.row_mean += d * inv;
        self.row_m2 += d * (rm - self.row_mean);
        for ((m, m2), &x) in self.dev_mean.iter_mut().zip(&mut self.dev_m2).zip(row) {
            let e = x - rm;
            let d = e - *m;
            *m += d * inv;
            *m2 += d * (e - *m);
        }
    }

    /// Combines `other` (other targets rated by the same raters) into this accumulator.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the rater counts differ.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if other.k != self.k {
            return Err(shape_mismatch(
                "raters of the merged accumulator",
                self.k,
                other.k,
            ));
        }
        if self.first_incomplete.is_none() {
            self.first_incomplete = other
                .first_incomplete
                .map(|(t, j, got)| (self.seen + t, j, got));
        }
        self.n_dropped += other.n_dropped;
        self.seen += other.seen;
        if other.n == 0 {
            return Ok(());
        }
        if self.n == 0 {
            self.n = other.n;
            self.row_mean = other.row_mean;
            self.row_m2 = other.row_m2;
            self.dev_mean.copy_from_slice(&other.dev_mean);
            self.dev_m2.copy_from_slice(&other.dev_m2);
            return Ok(());
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let nf = na + nb;
        let (w, c) = (nb / nf, na * nb / nf);
        let d = other.row_mean - self.row_mean;
        self.row_mean += d * w;
        self.row_m2 += other.row_m2 + d * d * c;
        for ((m, m2), (&om, &om2)) in self
            .dev_mean
            .iter_mut()
            .zip(&mut self.dev_m2)
            .zip(other.dev_mean.iter().zip(&other.dev_m2))
        {
            let d = om - *m;
            *m += d * w;
            *m2 += om2 + d * d * c;
        }
        self.n += other.n;
        Ok(())
    }

    /// The two-way mean squares (MSR, MSC, MSE) of the complete targets seen.
    pub(crate) fn mean_squares(&self) -> Result<(f64, f64, f64), StatsError> {
        let n = self.n;
        if n < 2 {
            return Err(StatsError::TooFewCases {
                what: "targets".to_owned(),
                needed: 2,
                got: n,
            });
        }
        let mut ssc = super::summation::CompensatedSum::new();
        let mut sse = super::summation::CompensatedSum::new();
        for (&m, &m2) in self.dev_mean.iter().zip(&self.dev_m2) {
            ssc.add(m * m);
            sse.add(m2);
        }
        let (nf, kf) = (n as f64, self.k as f64);
        Ok((
            kf * self.row_m2 / (nf - 1.0),
            nf * ssc.total() / (kf - 1.0),
            sse.total() / ((nf - 1.0) * (kf - 1.0)),
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
            && !options.drops_incomplete()
        {
            return Err(StatsError::TooFewCases {
                what: format!("ratings of target {t} (rater {j} is missing; 0-based indices)"),
                needed: self.k,
                got,
            });
        }
        let (msr, msc, mse) = self.mean_squares()?;
        icc_from_mean_squares(
            self.n,
            self.k,
            msr,
            msc,
            mse,
            options.confidence_level(),
            self.n_dropped,
        )
    }
}

/// Streaming Pearson correlation: finishes into the same [`Correlation`] as
/// [`pearson`](super::pearson) / [`correlate`](super::correlate) (R `cor.test`: t test and
/// Fisher-z interval), from n, the two means and the centred (co)moments, merged by Chan's
/// formula.
///
/// Spearman's rho needs ranks of all values and cannot be streamed: `finish` refuses it.
/// [`Correlation::ties`] is always `false` here, because detecting ties would need every value;
/// ties do not enter Pearson's r, t, p or interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CorrelationAccumulator {
    n: usize,
    n_missing: usize,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl CorrelationAccumulator {
    /// An empty accumulator.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
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
    /// [`StatsError::NonFinite`] naming `x` or `y` and the row (pairs pushed before it); the
    /// pair is then not added.
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
        self.n += 1;
        let inv = 1.0 / self.n as f64;
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx * inv;
        self.mean_y += dy * inv;
        let (ex, ey) = (x - self.mean_x, y - self.mean_y);
        self.sxx += dx * ex;
        self.syy += dy * ey;
        self.sxy += dx * ey;
        Ok(())
    }

    /// Adds a pair whose cells may be missing; an incomplete pair is counted in
    /// [`Correlation::n_missing`] (as [`correlate_pairwise`](super::correlate_pairwise)).
    ///
    /// # Errors
    /// As [`CorrelationAccumulator::push`] for a present but non-finite value.
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
            self.n_missing += 1;
            Ok(())
        }
    }

    /// Combines `other` (more pairs of the same two variables) into this accumulator.
    pub fn merge(&mut self, other: &Self) {
        self.n_missing += other.n_missing;
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = Self {
                n_missing: self.n_missing,
                ..*other
            };
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let nf = na + nb;
        let (w, c) = (nb / nf, na * nb / nf);
        let (dx, dy) = (other.mean_x - self.mean_x, other.mean_y - self.mean_y);
        self.mean_x += dx * w;
        self.mean_y += dy * w;
        self.sxx += other.sxx + dx * dx * c;
        self.syy += other.syy + dy * dy * c;
        self.sxy += other.sxy + dx * dy * c;
        self.n += other.n;
    }

    /// Pearson's r with R's `cor.test` t test and Fisher-z interval, as
    /// [`correlate`](super::correlate) reports it for the same pairs (except `ties`, see the
    /// type's docs).
    ///
    /// # Errors
    /// [`StatsError::Unsupported`] if `options` ask for Spearman; otherwise as
    /// [`correlate`](super::correlate) (fewer than 3 pairs, a constant variable, a confidence
    /// level outside (0, 1)).
    pub fn finish(&self, options: &CorrelationOptions) -> Result<Correlation, StatsError> {
        if options.correlation_method() != CorrelationMethod::Pearson {
            return Err(StatsError::Unsupported {
                what: "streaming spearman correlation (ranks need every value)".to_owned(),
            });
        }
        pearson_from_sums(
            self.n,
            self.n_missing,
            (self.sxx, self.syy, self.sxy),
            false,
            options,
        )
    }
}
