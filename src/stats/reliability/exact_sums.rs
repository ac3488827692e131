//! The alpha accumulator's exact integer path: [`ExactSums`], the `i128` sums Σx and Σxxᵀ
//! with their pending `f64` block sums, and their conversion to float moments.

use crate::numeric::summation::Frame;
use crate::stats::state::centred;
use crate::stats::{StatsError, table};

/// The exact path's state: Σx per item and the upper triangle (j ≥ i, row-major p × p) of
/// Σ x_i·x_j. Cannot overflow: fewer than 2⁶⁴ rows of values within 2²⁰ keep every sum
/// below 2¹⁰⁴ (imports are checked against the same bounds).
///
/// The sums are `s1`/`s2` (`i128`) plus the pending block sums `pend1`/`pend2`: integers held
/// in `f64`, exact because they are only ever added to while `pend_rows · M² ≤ 2⁵³` (M the
/// largest magnitude seen, at least 1), and folded into the `i128` totals before that bound
/// could be crossed. Adding a block is then p(p+1)/2 `f64` additions instead of as many
/// `i128` conversions and multiplications, which dominated small blocks (a `GROUP BY` hands
/// each group a few rows per batch). [`ExactSums::totals`] is the logical state; equality,
/// export and merging see only it.
#[derive(Debug, Clone)]
pub(crate) struct ExactSums {
    s1: Vec<i128>,
    s2: Vec<i128>,
    pend1: Vec<f64>,
    pend2: Vec<f64>,
    pend_rows: usize,
}

impl PartialEq for ExactSums {
    fn eq(&self, other: &Self) -> bool {
        self.totals() == other.totals()
    }
}

/// Largest integer up to which every `f64` sum of integers is exact.
const F64_EXACT: f64 = 9_007_199_254_740_992.0;

/// An `f64` holding an integer below 2⁵³ in magnitude, as `i128` (through `i64`: one
/// instruction, where a direct `f64 → i128` conversion is a library call).
fn int(x: f64) -> i128 {
    i128::from(x as i64)
}

impl ExactSums {
    /// Zero sums for `p` items, reserved fallibly (`pp` = p², already checked).
    pub(super) fn try_new(p: usize, pp: usize) -> Result<Self, StatsError> {
        Ok(Self {
            s1: table::zeros_of("items", p)?,
            s2: table::zeros_of("items", pp)?,
            pend1: table::zeros("items", p)?,
            pend2: table::zeros("items", pp)?,
            pend_rows: 0,
        })
    }

    /// Exact sums read from a state (upper triangle of `s2` set, lower zero).
    pub(super) fn from_totals(s1: Vec<i128>, s2: Vec<i128>) -> Result<Self, StatsError> {
        Ok(Self {
            pend1: table::zeros("items", s1.len())?,
            pend2: table::zeros("items", s2.len())?,
            s1,
            s2,
            pend_rows: 0,
        })
    }

    /// Σx per item and the upper triangle of Σxxᵀ, pending blocks included.
    pub(super) fn totals(&self) -> (Vec<i128>, Vec<i128>) {
        let p = self.s1.len();
        let s1 = self
            .s1
            .iter()
            .zip(&self.pend1)
            .map(|(&s, &d)| s + int(d))
            .collect();
        let mut s2 = self.s2.clone();
        if self.pend_rows > 0 {
            for i in 0..p {
                for j in i..p {
                    s2[i * p + j] += int(self.pend2[i * p + j]);
                }
            }
        }
        (s1, s2)
    }

    /// Moves the pending block sums into the `i128` totals.
    pub(super) fn fold(&mut self) {
        if self.pend_rows == 0 {
            return;
        }
        let p = self.s1.len();
        for (s, d) in self.s1.iter_mut().zip(&mut self.pend1) {
            *s += int(*d);
            *d = 0.0;
        }
        for i in 0..p {
            for j in i..p {
                self.s2[i * p + j] += int(self.pend2[i * p + j]);
            }
        }
        self.pend2.fill(0.0);
        self.pend_rows = 0;
    }

    /// Adds the raw sums of a block of `nb` rows of exact values (`s1` = Σx, `s2` = Σxxᵀ with
    /// at least the upper triangle set; every entry an integer of magnitude at most
    /// nb·`magnitude`²), `magnitude` bounding every value seen so far.
    pub(super) fn add_block<const P: usize>(
        &mut self,
        nb: usize,
        magnitude: f64,
        s1: &[f64; P],
        s2: &[[f64; P]; P],
    ) {
        let m = magnitude.max(1.0);
        if (self.pend_rows + nb) as f64 * (m * m) > F64_EXACT {
            self.fold();
        }
        for (d, &x) in self.pend1.iter_mut().zip(s1) {
            *d += x;
        }
        for (d, x) in self.pend2.chunks_exact_mut(P).zip(s2) {
            for (d, &x) in d.iter_mut().zip(x) {
                *d += x;
            }
        }
        self.pend_rows += nb;
    }

    /// Adds the raw sums of a block of exact values held in `f64` (`s1` = Σx per item, `s2`
    /// the upper triangle of Σxxᵀ, row-major p × p; integers below 2⁵³), straight into the
    /// `i128` totals.
    pub(super) fn add_raw(&mut self, s1: &[f64], s2: &[f64]) {
        self.fold();
        let p = self.s1.len();
        for (s, &d) in self.s1.iter_mut().zip(s1) {
            *s += int(d);
        }
        for i in 0..p {
            for j in i..p {
                self.s2[i * p + j] += int(s2[i * p + j]);
            }
        }
    }

    /// Adds one row of exact values.
    pub(super) fn add_row(&mut self, row: &[f64]) {
        let p = row.len();
        for (i, &xi) in row.iter().enumerate() {
            let xi = int(xi);
            self.s1[i] += xi;
            for (s, &xj) in self.s2[i * p + i..(i + 1) * p].iter_mut().zip(&row[i..]) {
                *s += xi * int(xj);
            }
        }
    }

    /// Adds `other`, or returns `false` (and changes nothing) if a sum would overflow.
    pub(super) fn add(&mut self, other: &Self) -> bool {
        self.fold();
        let (o1, o2) = other.totals();
        let fits = self
            .s1
            .iter()
            .zip(&o1)
            .all(|(a, b)| a.checked_add(*b).is_some())
            && self
                .s2
                .iter()
                .zip(&o2)
                .all(|(a, b)| a.checked_add(*b).is_some());
        if fits {
            self.s1.iter_mut().zip(&o1).for_each(|(a, b)| *a += b);
            self.s2.iter_mut().zip(&o2).for_each(|(a, b)| *a += b);
        }
        fits
    }

    /// The float state of `n` rows with these sums: unit frames whose pilots are the rounded
    /// means, the means in them (`(Σx − n·pilot)/n` in `i128`, one rounding) and the
    /// upper-triangle centred co-moments.
    pub(super) fn frame_moments(&self, n: usize) -> (Vec<Frame>, Vec<f64>, Vec<f64>) {
        let (_, m2) = self.moments(n);
        let (s1, _) = self.totals();
        let (frames, mean_u) = s1
            .iter()
            .map(|&s| Frame::of_exact_sum(s, n as i128))
            .unzip();
        (frames, mean_u, m2)
    }

    /// Means and upper-triangle centred co-moments of `n` rows with these sums.
    pub(super) fn moments(&self, n: usize) -> (Vec<f64>, Vec<f64>) {
        let (s1, s2) = self.totals();
        let p = s1.len();
        let nu = n as u64;
        let mean = s1
            .iter()
            .map(|&s| if n == 0 { 0.0 } else { s as f64 / n as f64 })
            .collect();
        let mut m2 = vec![0.0; p * p];
        for i in 0..p {
            for j in i..p {
                m2[i * p + j] = centred(nu, s2[i * p + j], s1[i], s1[j]);
            }
        }
        (mean, m2)
    }
}
