//! The streaming, mergeable state behind [`alpha`](super::alpha): [`AlphaAccumulator`].
//!
//! Its whole state is one [`CovarianceAccumulator`] (n, means, co-moments, min/max; push and
//! merge in `covariance.rs`); this file adds the checks of the public API and the finish.

use serde::{Deserialize, Serialize};

use super::{Alpha, AlphaOptions, AlphaState, CovarianceAccumulator, alpha_from_accumulator};
use crate::stats::{StatsError, table};

/// Streaming Cronbach's alpha: item means and the covariance matrix of complete rows, finished
/// into the same [`Alpha`] as [`alpha`](super::alpha) (psych 2.2.9 `alpha`, every field).
///
/// Push rows one at a time ([`push`](Self::push)) or as a row-major block
/// ([`push_rows`](Self::push_rows)), [`merge`](Self::merge) parts computed on other threads or
/// machines, and [`finish`](Self::finish) into exactly the [`Alpha`] of the in-memory function.
/// [`alpha`](super::alpha) itself runs on this state, so there is one code path: however the
/// rows are split and merged back, the results agree with the in-memory ones to rounding (the
/// tests check 1e-12 relative).
///
/// # State and merge algebra
/// The state is the count n, the item means m, the centred co-moment matrix
/// M = Σ (x − m)(x − m)ᵀ and the minimum and maximum of all values (psych reverses items as
/// max + min − x). Two parts A and B combine exactly (Chan, Golub & LeVeque 1983, "Algorithms
/// for computing the sample variance", *The American Statistician* 37(3), 242–247,
/// doi:10.1080/00031305.1983.10483115):
///
/// n = n_A + n_B, δ = m_B − m_A, m = m_A + δ·n_B/n, M = M_A + M_B + δδᵀ·n_A·n_B/n,
///
/// and min/max are the min/max of both. Adding one row is the case n_B = 1, M_B = 0 (Welford
/// 1962, *Technometrics* 4(3), 419–420). The covariance matrix is M/(n − 1).
///
/// Memory: p² + 3p floats whatever the number of rows. Reversal uses the minimum and maximum of
/// all data seen (psych's rule) unless [`AlphaOptions::reversal_bounds`] fixes them.
/// `Alpha::n_rows` is the number of rows pushed.
///
/// ```
/// use therapeutic_alliance::stats::{alpha, AlphaAccumulator, AlphaOptions};
/// let data = [3.0, 3.0, 4.0, 4.0, 5.0, 4.0, 2.0, 2.0, 3.0, 5.0, 4.0, 5.0, 1.0, 2.0, 1.0];
/// // two "workers", each with part of the rows
/// let mut left = AlphaAccumulator::new(3)?;
/// left.push_rows(&data[..6])?;
/// let mut right = AlphaAccumulator::new(3)?;
/// right.push_rows(&data[6..])?;
/// left.merge(&right)?;
/// let streamed = left.finish(&AlphaOptions::new())?;
/// let direct = alpha(&data, 3, &AlphaOptions::new())?;
/// assert!((streamed.raw_alpha - direct.raw_alpha).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "AlphaState", try_from = "AlphaState")]
pub struct AlphaAccumulator {
    pub(super) acc: CovarianceAccumulator,
}

impl AlphaAccumulator {
    /// The most items an accumulator (and so [`alpha`](super::alpha) on complete rows) takes:
    /// 2048.
    ///
    /// The state is four `p × p` matrices (co-moments and a block's co-moments in `f64`, the
    /// exact path's cross-products in `i128` and their pending block sums in `f64`: 40·p²
    /// bytes), 168 MB at 2048 items; exporting and importing a state briefly adds the packed
    /// and unpacked `i128` triangle and a `p × p` check (about 130 MB more). That keeps the
    /// largest state well below 1 GB, while published instruments and item banks have at most
    /// a few hundred items. The cap matters because under Linux overcommit reserving memory
    /// succeeds and the process is killed only when the pages are touched: 16,000 items
    /// (10 GB) aborted where a reservation error was expected.
    pub const MAX_ITEMS: usize = super::covariance::MAX_ITEMS;

    /// An empty accumulator for `n_items` items.
    ///
    /// # Errors
    /// [`StatsError::TooFewCases`] for fewer than 2 items; [`StatsError::TooLarge`] naming
    /// the count for more than [`AlphaAccumulator::MAX_ITEMS`] (so even `usize::MAX` items is
    /// an error, not a panic or an abort).
    pub fn new(n_items: usize) -> Result<Self, StatsError> {
        if n_items < 2 {
            return Err(table::too_few_columns("items", n_items));
        }
        Ok(Self {
            acc: CovarianceAccumulator::try_new(n_items)?,
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

    /// Whether the accumulator is still on the exact integer path (every value so far an
    /// integer within [`EXACT_LIMIT`](crate::stats::EXACT_LIMIT); see the type's docs).
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.acc.is_exact()
    }

    /// Adds one row (one answer per item, in column order). Welford's update.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the row does not have one value per item,
    /// [`StatsError::NonFinite`] (row = rows accumulated before it) for NaN or infinity,
    /// [`StatsError::Overflow`] naming the row if a mean or co-moment would overflow `f64`
    /// (values near `f64::MAX`, or squares beyond it), [`StatsError::TooLarge`] past 2^53
    /// rows; the row is then not added and the accumulator is unchanged.
    pub fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        let p = self.n_items();
        if row.len() != p {
            return Err(table::shape_mismatch(
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
        table::merged_count("rows", self.count(), 1)?;
        if self.acc.push(row) {
            Ok(())
        } else {
            Err(StatsError::Overflow {
                what: format!("row {}: item means and co-moments", self.count()),
            })
        }
    }

    /// Adds every row of a row-major block (`data.len()` a multiple of the item count), in
    /// cache-sized sub-blocks merged by Chan's formula. This is the fast path
    /// ([`alpha`](super::alpha) uses it).
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for a partial trailing row, [`StatsError::TooLarge`] if
    /// the count would pass 2^53 rows (nothing is added); [`StatsError::NonFinite`] for NaN or
    /// infinity, naming the row within `data`; [`StatsError::Overflow`] naming the first row
    /// (within `data`) of a block whose means or co-moments would overflow `f64`. Values are
    /// checked block by block (256 rows for up to 16 items, 128 rows for more), so on those
    /// two errors the rows of earlier blocks have been added ([`AlphaAccumulator::count`]
    /// tells how many) and the rest have not.
    pub fn push_rows(&mut self, data: &[f64]) -> Result<(), StatsError> {
        let p = self.n_items();
        if !data.len().is_multiple_of(p) {
            return Err(table::shape_mismatch(
                &format!("data (a whole number of rows of {p} items)"),
                data.len().div_ceil(p) * p,
                data.len(),
            ));
        }
        table::merged_count("rows", self.count(), data.len() / p)?;
        self.acc
            .push_rows(data)
            .map_err(|e| e.into_stats(data, p, |j| format!("item {j} (0-based)")))
    }

    /// Combines `other` (rows of the same items from elsewhere) into this accumulator.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if the item counts differ; [`StatsError::TooLarge`] if
    /// the merged count would exceed 2^53 rows (where `f64` weights stop counting exactly;
    /// e.g. an accumulator merged with itself 53 times); [`StatsError::Overflow`] if a merged
    /// mean or co-moment would overflow `f64`; the accumulator is then unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if other.n_items() != self.n_items() {
            return Err(table::shape_mismatch(
                "items of the merged accumulator",
                self.n_items(),
                other.n_items(),
            ));
        }
        table::merged_count(
            "rows of the merged accumulators",
            self.count(),
            other.count(),
        )?;
        if self.acc.merge(&other.acc) {
            Ok(())
        } else {
            Err(StatsError::Overflow {
                what: "merged accumulators: item means and co-moments".to_owned(),
            })
        }
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
