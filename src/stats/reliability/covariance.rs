//! Step 1 of alpha on complete rows: the one-pass covariance accumulator and its block
//! merge (the kernels are in `kernels.rs`).

use super::exact_sums::ExactSums;
use super::frames::{self, any_unfitted, fit_unfitted, leaves_headroom, shifts, widen};
use super::kernels::{
    PushError, block_sums, column_stats, lane_dot, lane_dot4, merge_moments, non_finite_in,
};
use crate::numeric::summation::Frame;
use crate::stats::state::{EXACT_LIMIT, is_exact};
use crate::stats::{StatsError, table};

/// Most items an accumulator holds (public as [`AlphaAccumulator::MAX_ITEMS`]).
///
/// [`AlphaAccumulator::MAX_ITEMS`]: crate::stats::AlphaAccumulator::MAX_ITEMS
pub(crate) const MAX_ITEMS: usize = 2048;

/// [`StatsError::TooLarge`] naming `p` for more than [`MAX_ITEMS`] items.
pub(crate) fn check_items(p: usize) -> Result<(), StatsError> {
    if p > MAX_ITEMS {
        return Err(StatsError::TooLarge {
            what: "items".to_owned(),
            size: p as u128,
            why: format!("an accumulator holds at most {MAX_ITEMS} items"),
        });
    }
    Ok(())
}

/// Rows per block of the transposed path (more than 16 items): small enough that a block
/// stays in cache between its passes.
const BLOCK_ROWS: usize = 128;

/// Rows per block of the fixed-width one-pass kernel: long enough that the per-block merge
/// costs little, short enough that the block-local sums about the shift stay accurate.
const KERNEL_ROWS: usize = 256;

/// One-pass accumulator of n, item means and the co-moment matrix, plus the data minimum and
/// maximum (for reversing items as psych does). Memory is O(p²), independent of n; no
/// allocation per row.
///
/// Update algebra (Chan, Golub & LeVeque 1979/1983; Welford 1962 for single rows). A part A
/// holds n_A, the means m_A and the co-moments M_A,ij = Σ (x_i − m_A,i)(x_j − m_A,j). Two
/// parts combine exactly as
/// n = n_A + n_B, δ = m_B − m_A, m = m_A + δ·n_B/n, M = M_A + M_B + δδᵀ·n_A·n_B/n,
/// min/max = the min/max of both. Adding one row is the case n_B = 1, M_B = 0 (Welford).
/// [`CovarianceAccumulator::push_rows`] computes the moments of each block of rows (in one
/// pass about a shift for up to 16 items, two-pass over a transposed block for more) and
/// merges it by the same formula, which is both faster and at least as accurate as row-by-row
/// updates.
///
/// Exact path: while every value seen is an integer of magnitude at most [`EXACT_LIMIT`], the
/// state is instead the exact sums Σx and Σxxᵀ in `i128` ([`ExactSums`]; `mean` and `m2` stay
/// zero), which merge by addition, so the state, and everything computed from it, is the same
/// whatever the order and grouping of the rows. The first other value converts the state to
/// means and co-moments (the float path) for good.
#[derive(Debug, Clone)]
pub(crate) struct CovarianceAccumulator {
    pub(super) p: usize,
    pub(super) n: usize,
    /// The float path's frame per item (pilot and power-of-two unit; `frames.rs`): `mean`
    /// and `m2` are in their units (`m2[i][j]` in `2^(exp_i + exp_j)`). On the exact path
    /// every frame is `Frame::constant(0.0)`.
    pub(super) frames: Vec<Frame>,
    pub(super) mean: Vec<f64>,
    /// Upper triangle (j ≥ i) of Σ (u_i − mean_i)(u_j − mean_j), row-major p × p.
    pub(super) m2: Vec<f64>,
    /// The exact path's sums; `None` on the float path.
    pub(super) exact: Option<ExactSums>,
    /// Scratch: deviations of one row (p), block means (p), block co-moments (p × p) and, for
    /// more than 16 items, one block transposed into item columns (p × `BLOCK_ROWS`).
    delta: Vec<f64>,
    block_mean: Vec<f64>,
    block_m2: Vec<f64>,
    block_t: Vec<f64>,
    pub(super) min: f64,
    pub(super) max: f64,
}

/// Whether a block's values are all exact, given the residual sum from the kernel and the
/// block's range.
fn exact_block(residual: f64, lo: f64, hi: f64) -> bool {
    residual == 0.0 && lo >= -EXACT_LIMIT && hi <= EXACT_LIMIT
}

impl PartialEq for CovarianceAccumulator {
    fn eq(&self, other: &Self) -> bool {
        self.p == other.p
            && self.n == other.n
            && self.frames == other.frames
            && self.mean == other.mean
            && self.m2 == other.m2
            && self.exact == other.exact
            && self.range() == other.range()
    }
}

impl CovarianceAccumulator {
    /// An empty accumulator for `p` items; the memory is reserved fallibly, so an impossible
    /// item count is an error, not an abort.
    pub(crate) fn try_new(p: usize) -> Result<Self, StatsError> {
        check_items(p)?;
        let pp = table::square("items", p)?;
        Ok(Self {
            p,
            n: 0,
            // p <= MAX_ITEMS (checked above): a small allocation
            frames: vec![Frame::constant(0.0); p],
            mean: table::zeros("items", p)?,
            m2: table::zeros("items", pp)?,
            exact: Some(ExactSums::try_new(p, pp)?),
            delta: table::zeros("items", p)?,
            block_mean: table::zeros("items", p)?,
            block_m2: table::zeros("items", pp)?,
            block_t: Vec::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    /// [`CovarianceAccumulator::try_new`] for a size already known to fit.
    #[cfg(test)]
    pub(crate) fn new(p: usize) -> Self {
        Self::try_new(p).expect("test sizes fit")
    }

    /// Number of items (columns).
    pub(crate) fn items(&self) -> usize {
        self.p
    }

    /// Whether the state is on the exact integer path.
    pub(crate) fn is_exact(&self) -> bool {
        self.exact.is_some()
    }

    /// Leaves the exact path (if on it) for a step that may yet be refused: returns the exact
    /// sums, to give back to [`CovarianceAccumulator::restore_exact`] if it is.
    fn leave_exact_for_now(&mut self) -> Option<ExactSums> {
        let e = self.exact.take()?;
        (self.frames, self.mean, self.m2) = e.frame_moments(self.n);
        Some(e)
    }

    /// Undoes [`CovarianceAccumulator::leave_exact_for_now`] (the float moments of an exact
    /// state are zero).
    fn restore_exact(&mut self, saved: Option<ExactSums>) {
        if let Some(e) = saved {
            self.exact = Some(e);
            self.frames.fill(Frame::constant(0.0));
            self.mean.fill(0.0);
            self.m2.fill(0.0);
        }
    }

    /// Adds one complete row of `p` finite values (exactly on the exact path, else Welford's
    /// update). Returns `false`, changing nothing, if a mean or co-moment would overflow.
    pub(crate) fn push(&mut self, row: &[f64]) -> bool {
        if let Some(e) = &mut self.exact {
            if row.iter().all(|&x| is_exact(x)) {
                e.add_row(row);
                self.n += 1;
                for &x in row {
                    self.min = self.min.min(x) + 0.0;
                    self.max = self.max.max(x) + 0.0;
                }
                return true;
            }
            let saved = self.leave_exact_for_now();
            let fits = self.welford(row);
            if !fits {
                self.restore_exact(saved);
            }
            return fits;
        }
        self.welford(row)
    }

    /// Welford's update on the float path, or `false` (changing nothing) if a mean or
    /// co-moment would not be finite: the new values are checked before any is stored.
    fn welford(&mut self, row: &[f64]) -> bool {
        let p = self.p;
        if self.n == 0 {
            for (f, &x) in self.frames.iter_mut().zip(row) {
                *f = Frame::constant(x);
            }
        }
        let (lo, hi) = row
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
                (l.min(x), h.max(x))
            });
        if leaves_headroom(p, &self.frames, &self.mean, &self.m2, lo, hi) {
            // on a copy: a refused row changes nothing (rare: values beyond an item's
            // headroom, whose moments are rescaled)
            let mut next = self.clone();
            fit_unfitted(p, &mut next.frames, &mut next.mean, &mut next.m2, row);
            widen(
                p,
                &mut next.frames,
                &mut next.mean,
                &mut next.m2,
                row,
                (lo, hi),
            );
            if !next.welford_in_frames(row) {
                return false;
            }
            *self = next;
            return true;
        }
        if any_unfitted(p, &self.mean, &self.m2) {
            // the moments of unfitted items are 0: only their frames change
            let frames = self.frames.clone();
            fit_unfitted(p, &mut self.frames, &mut self.mean, &mut self.m2, row);
            if !self.welford_in_frames(row) {
                self.frames = frames;
                return false;
            }
            return true;
        }
        self.welford_in_frames(row)
    }

    /// [`CovarianceAccumulator::welford`] in frames that hold the row.
    fn welford_in_frames(&mut self, row: &[f64]) -> bool {
        let p = self.p;
        let n = self.n + 1;
        let inv_n = 1.0 / n as f64;
        // m2_ij += delta_i * (x_j - mean_j(new)) = delta_i * delta_j * (n-1)/n
        let scale = (n - 1) as f64 * inv_n;
        let mut fits = true;
        for (((d, m), &x), f) in self
            .delta
            .iter_mut()
            .zip(&self.mean)
            .zip(row)
            .zip(&self.frames)
        {
            *d = f.apply(x) - *m;
            fits &= d.is_finite() && (*m + *d * inv_n).is_finite();
        }
        for i in 0..p {
            let di = self.delta[i] * scale;
            let m2_row = &self.m2[i * p + i..(i + 1) * p];
            for (m, &dj) in m2_row.iter().zip(&self.delta[i..]) {
                fits &= (*m + di * dj).is_finite();
            }
        }
        if !fits {
            return false;
        }
        self.n = n;
        for ((d, m), &x) in self.delta.iter().zip(&mut self.mean).zip(row) {
            *m += *d * inv_n;
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        for i in 0..p {
            let di = self.delta[i] * scale;
            let m2_row = &mut self.m2[i * p + i..(i + 1) * p];
            for (m, &dj) in m2_row.iter_mut().zip(&self.delta[i..]) {
                *m += di * dj;
            }
        }
        true
    }

    /// Adds whole rows from a row-major slice, block by block (see the type's docs). Each block
    /// is checked before it is added: on a non-finite value ([`PushError::NonFinite`], its
    /// offset in `data`) or a block whose moments would overflow ([`PushError::Overflow`], its
    /// first row), that block is not added and the rows of earlier blocks stay added. A trailing partial row is ignored (callers check
    /// the shape first).
    ///
    /// Each block is transposed into item columns so that centring and every co-moment are
    /// loops over contiguous rows (dot products in four independent lanes, which the compiler
    /// vectorises without reassociating anything).
    pub(crate) fn push_rows(&mut self, data: &[f64]) -> Result<(), PushError> {
        match self.p {
            2 => self.push_rows_fixed::<2>(data),
            3 => self.push_rows_fixed::<3>(data),
            4 => self.push_rows_fixed::<4>(data),
            5 => self.push_rows_fixed::<5>(data),
            6 => self.push_rows_fixed::<6>(data),
            7 => self.push_rows_fixed::<7>(data),
            8 => self.push_rows_fixed::<8>(data),
            9 => self.push_rows_fixed::<9>(data),
            10 => self.push_rows_fixed::<10>(data),
            11 => self.push_rows_fixed::<11>(data),
            12 => self.push_rows_fixed::<12>(data),
            13 => self.push_rows_fixed::<13>(data),
            14 => self.push_rows_fixed::<14>(data),
            15 => self.push_rows_fixed::<15>(data),
            16 => self.push_rows_fixed::<16>(data),
            _ => self.push_rows_transposed(data),
        }
    }

    /// [`CovarianceAccumulator::push_rows`] for `P` items, a compile-time constant, so every
    /// row is a `[f64; P]`, every loop has a fixed trip count and the compiler keeps a row's
    /// deviations in registers.
    ///
    /// One pass, no transpose: per block of [`KERNEL_ROWS`] rows, [`block_sums`] adds each
    /// row's deviations from a shift (the running mean, or the block's first row for the
    /// first block) and their outer products straight into block-local sums S₁ = Σ d and
    /// S₂ = Σ ddᵀ, while the row has just been loaded. The arithmetic thus overlaps the
    /// memory stream instead of following it (the data are read from memory once; the
    /// transposed path read each block three times and spent a third of its time
    /// transposing). The block's mean is shift + S₁/n_b and its centred co-moments
    /// S₂ − S₁S₁ᵀ/n_b; the shift lies within the data's spread (and is exact for integer
    /// answers), so the subtraction loses nothing measurable. The block is then merged by
    /// Chan's formula as before.
    fn push_rows_fixed<const P: usize>(&mut self, data: &[f64]) -> Result<(), PushError> {
        let (rows, _) = data.as_chunks::<P>();
        for (b, block) in rows.chunks(KERNEL_ROWS).enumerate() {
            let Some(first) = block.first() else {
                continue;
            };
            let nb = block.len();
            let mut s1 = [0.0f64; P];
            let mut s2 = [[0.0f64; P]; P];
            // leaving the exact path: kept to restore should the block overflow
            let mut saved = None;
            if let Some(e) = &mut self.exact {
                // On the exact path the block is summed raw (shift 0, scale 1): for exact
                // values every product and block sum is an integer of magnitude at most
                // 2⁸·(2²⁰)² = 2⁴⁸, so exact, and the sums go straight to the pending sums. A
                // block that turns out not to be exact is summed again below in frames, as the
                // float path needs.
                let (mut lo, mut hi) = (self.min, self.max);
                let mut residual = 0.0;
                block_sums::<P, true>(
                    block,
                    &[0.0; P],
                    &[1.0; P],
                    &mut s1,
                    &mut s2,
                    (&mut lo, &mut hi),
                    &mut residual,
                );
                if let Some(at) = non_finite_in(block, &s1, &s2) {
                    return Err(PushError::NonFinite(b * KERNEL_ROWS * P + at));
                }
                if exact_block(residual, lo, hi) {
                    e.add_block(nb, lo.abs().max(hi.abs()), &s1, &s2);
                    self.n += nb;
                    (self.min, self.max) = (lo + 0.0, hi + 0.0);
                    continue;
                }
                saved = self.leave_exact_for_now();
            }
            if self.n == 0 {
                for (f, &x) in self.frames.iter_mut().zip(first) {
                    *f = Frame::constant(x);
                }
            }
            // the frames before any refit of this block, to restore should it overflow
            let mut before = None;
            if any_unfitted(P, &self.mean, &self.m2) {
                before = Some((self.frames.clone(), self.mean.clone(), self.m2.clone()));
                fit_unfitted(
                    P,
                    &mut self.frames,
                    &mut self.mean,
                    &mut self.m2,
                    block.as_flattened(),
                );
            }
            // One pass in the items' frames; a second only if the block's range left some
            // item's headroom (its frame then widens and the block is summed again).
            let (mut lo, mut hi);
            let mut shift_u = [0.0f64; P];
            loop {
                let mut shift = [0.0f64; P];
                let mut scale = [1.0f64; P];
                for (j, (raw, inv, u)) in shifts(&self.frames, &self.mean).enumerate().take(P) {
                    (shift[j], scale[j], shift_u[j]) = (raw, inv, u);
                }
                s1 = [0.0; P];
                s2 = [[0.0; P]; P];
                (lo, hi) = (self.min, self.max);
                let mut residual = 0.0;
                block_sums::<P, false>(
                    block,
                    &shift,
                    &scale,
                    &mut s1,
                    &mut s2,
                    (&mut lo, &mut hi),
                    &mut residual,
                );
                if let Some(at) = non_finite_in(block, &s1, &s2) {
                    self.undo(saved, before);
                    return Err(PushError::NonFinite(b * KERNEL_ROWS * P + at));
                }
                if !leaves_headroom(P, &self.frames, &self.mean, &self.m2, lo, hi) {
                    break;
                }
                let snapshot = (self.frames.clone(), self.mean.clone(), self.m2.clone());
                if !widen(
                    P,
                    &mut self.frames,
                    &mut self.mean,
                    &mut self.m2,
                    block.as_flattened(),
                    (lo, hi),
                ) {
                    break;
                }
                before.get_or_insert(snapshot);
            }
            let inv = 1.0 / nb as f64;
            for j in 0..P {
                self.block_mean[j] = shift_u[j] + s1[j] * inv;
            }
            for i in 0..P {
                let si = s1[i] * inv;
                for j in i..P {
                    self.block_m2[i * P + j] = s2[i][j] - si * s1[j];
                }
            }
            if !self.block_is_finite() && self.push_block_by_rows(block.as_flattened()) {
                continue;
            }
            if !merge_moments(
                P,
                (&mut self.n, &mut self.mean, &mut self.m2),
                (nb, &self.block_mean, &self.block_m2),
                &mut self.delta,
            ) {
                self.undo(saved, before);
                return Err(PushError::Overflow(b * KERNEL_ROWS));
            }
            (self.min, self.max) = (lo + 0.0, hi + 0.0);
        }
        Ok(())
    }

    /// Whether the block's moments are finite. They are not when a value's raw difference
    /// from its item's shift overflows (data spanning more than `f64::MAX`), which the
    /// kernels do not compute on halves.
    fn block_is_finite(&self) -> bool {
        self.block_mean
            .iter()
            .chain(&self.block_m2)
            .all(|x| x.is_finite())
    }

    /// Adds a block row by row (Welford's update in frames, which compute differences on
    /// halves where they would overflow): the fallback for a block whose kernel sums overflowed.
    /// Returns `false`, with the state as before the block, if a row's moments overflow.
    fn push_block_by_rows(&mut self, block: &[f64]) -> bool {
        let before = self.clone();
        for row in block.chunks_exact(self.p) {
            if !self.welford(row) {
                *self = before;
                return false;
            }
        }
        true
    }

    /// Undoes a refused block: the frames as they were before it, then the exact path if it
    /// was left for it.
    fn undo(&mut self, saved: Option<ExactSums>, before: Option<(Vec<Frame>, Vec<f64>, Vec<f64>)>) {
        if let Some((frames, mean, m2)) = before {
            (self.frames, self.mean, self.m2) = (frames, mean, m2);
        }
        self.restore_exact(saved);
    }

    /// [`CovarianceAccumulator::push_rows`] for more than 16 items: each block is transposed
    /// into item columns, then every co-moment is a dot product of two columns.
    fn push_rows_transposed(&mut self, data: &[f64]) -> Result<(), PushError> {
        let p = self.p;
        if p == 0 {
            return Ok(());
        }
        if self.block_t.len() != p * BLOCK_ROWS {
            self.block_t = vec![0.0; p * BLOCK_ROWS];
        }
        for (b, block) in data.chunks(BLOCK_ROWS * p).enumerate() {
            let nb = block.len() / p;
            if nb == 0 {
                continue;
            }
            let block = &block[..nb * p];
            let cols: &mut [f64] = &mut self.block_t;
            // rows are read in order (prefetch-friendly); the scattered writes stay in L1
            for (r, row) in block.chunks_exact(p).enumerate() {
                for (c, &x) in cols[r..].iter_mut().step_by(BLOCK_ROWS).zip(row) {
                    *c = x;
                }
            }
            // Per item column: finiteness, range and mean in one vectorisable pass.
            let (mut lo, mut hi) = (self.min, self.max);
            let mut finite = true;
            let inv = 1.0 / nb as f64;
            for (j, m) in self.block_mean.iter_mut().enumerate() {
                let col = &mut cols[j * BLOCK_ROWS..j * BLOCK_ROWS + nb];
                let st = column_stats(col);
                finite &= st.finite;
                lo = if st.min < lo { st.min } else { lo };
                hi = if st.max > hi { st.max } else { hi };
                *m = st.sum * inv;
            }
            if !finite {
                let at = block.iter().position(|x| !x.is_finite()).unwrap_or(0);
                return Err(PushError::NonFinite(b * BLOCK_ROWS * p + at));
            }
            // Exact block: raw (uncentred) products of values within 2²⁰ over at most
            // `BLOCK_ROWS` = 2⁷ rows stay below 2⁴⁷, so the dot products below are exact.
            let exact = self.exact.is_some() && block.iter().all(|&x| is_exact(x));
            // leaving the exact path: kept to restore should the block overflow
            let mut saved = None;
            // the frames before any refit of this block, to restore should it overflow
            let mut before = None;
            if !exact {
                if let Some(e) = self.exact.take() {
                    (self.frames, self.mean, self.m2) = e.frame_moments(self.n);
                    saved = Some(e);
                }
                if self.n == 0 {
                    for (f, &x) in self.frames.iter_mut().zip(block) {
                        *f = Frame::constant(x);
                    }
                }
                let unfitted = any_unfitted(p, &self.mean, &self.m2);
                if unfitted || leaves_headroom(p, &self.frames, &self.mean, &self.m2, lo, hi) {
                    let snapshot = (self.frames.clone(), self.mean.clone(), self.m2.clone());
                    let fitted =
                        fit_unfitted(p, &mut self.frames, &mut self.mean, &mut self.m2, block);
                    let widened = widen(
                        p,
                        &mut self.frames,
                        &mut self.mean,
                        &mut self.m2,
                        block,
                        (lo, hi),
                    );
                    if fitted || widened {
                        before = Some(snapshot);
                    }
                }
                // centre each column in its item's frame: (x − shift)·2^−exp, then about the
                // block's own mean in those units
                for (j, (shift, scale, shift_u)) in shifts(&self.frames, &self.mean).enumerate() {
                    let col = &mut cols[j * BLOCK_ROWS..j * BLOCK_ROWS + nb];
                    let mut sum = 0.0;
                    for x in col.iter_mut() {
                        *x = (*x - shift) * scale;
                        sum += *x;
                    }
                    let m = sum * inv;
                    for x in col.iter_mut() {
                        *x -= m;
                    }
                    self.block_mean[j] = shift_u + m;
                }
            }
            let col = |j: usize| &cols[j * BLOCK_ROWS..j * BLOCK_ROWS + nb];
            for i in 0..p {
                let ci = col(i);
                let mut j = i;
                // four columns per pass: each load of column i feeds four products
                while j + 4 <= p {
                    let m = lane_dot4(ci, [col(j), col(j + 1), col(j + 2), col(j + 3)]);
                    self.block_m2[i * p + j..i * p + j + 4].copy_from_slice(&m);
                    j += 4;
                }
                for j in j..p {
                    self.block_m2[i * p + j] = lane_dot(ci, col(j));
                }
            }
            if let Some(e) = self.exact.as_mut().filter(|_| exact) {
                for (j, d) in self.delta.iter_mut().enumerate() {
                    *d = col(j).iter().sum::<f64>();
                }
                e.add_raw(&self.delta, &self.block_m2);
                self.n += nb;
                (self.min, self.max) = (lo + 0.0, hi + 0.0);
                continue;
            }
            if !self.block_is_finite() && self.push_block_by_rows(block) {
                continue;
            }
            if !merge_moments(
                p,
                (&mut self.n, &mut self.mean, &mut self.m2),
                (nb, &self.block_mean, &self.block_m2),
                &mut self.delta,
            ) {
                self.undo(saved, before);
                return Err(PushError::Overflow(b * BLOCK_ROWS));
            }
            (self.min, self.max) = (lo + 0.0, hi + 0.0);
        }
        Ok(())
    }

    /// Combines another accumulator over the same items into this one (Chan et al.).
    ///
    /// Exact with exact adds the sums (exact, so any order and grouping of merges gives the
    /// same state); otherwise an exact side is first converted to means and co-moments and
    /// the two merge by Chan's formula on the float path. Returns `false`, changing nothing,
    /// if a merged mean or co-moment would overflow.
    pub(crate) fn merge(&mut self, other: &Self) -> bool {
        if other.n == 0 || other.p != self.p {
            return true;
        }
        let min = self.min.min(other.min) + 0.0;
        let max = self.max.max(other.max) + 0.0;
        if let (Some(a), Some(b)) = (&mut self.exact, &other.exact)
            && a.add(b)
        {
            self.n += other.n;
            (self.min, self.max) = (min, max);
            return true;
        }
        let saved = self.leave_exact_for_now();
        let before = (self.frames.clone(), self.mean.clone(), self.m2.clone());
        let (mut frames_b, mut mean_b, mut m2_b) = match &other.exact {
            Some(e) => e.frame_moments(other.n),
            None => (other.frames.clone(), other.mean.clone(), other.m2.clone()),
        };
        let p = self.p;
        if self.n == 0 {
            self.frames.clone_from(&frames_b);
        } else {
            // one frame per item for both parts (Frame::common)
            for j in 0..p {
                let common = Frame::common(
                    self.frames[j],
                    frames::fitted(j, p, &self.mean, &self.m2),
                    frames_b[j],
                    frames::fitted(j, p, &mean_b, &m2_b),
                );
                frames::move_item(j, p, &mut self.frames, &mut self.mean, &mut self.m2, common);
                frames::move_item(j, p, &mut frames_b, &mut mean_b, &mut m2_b, common);
            }
        }
        if !merge_moments(
            p,
            (&mut self.n, &mut self.mean, &mut self.m2),
            (other.n, &mean_b, &m2_b),
            &mut self.delta,
        ) {
            self.undo(saved, Some(before));
            return false;
        }
        (self.min, self.max) = (min, max);
        true
    }

    /// Rows accumulated.
    pub(crate) fn count(&self) -> usize {
        self.n
    }

    /// The smallest and largest value seen.
    pub(crate) fn range(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    /// Item means (raw units), the full sample covariance matrix (n − 1 denominator) in the
    /// items' frame units (entry (i, j) in units of `2^(exp_i + exp_j)`), and the frames'
    /// exponents (all 0 on the exact path).
    pub(crate) fn mean_cov(&self) -> (Vec<f64>, Vec<f64>, Vec<i32>) {
        let p = self.p;
        let denom = (self.n.saturating_sub(1)).max(1) as f64;
        let (means, exps, m2) = match &self.exact {
            Some(e) => {
                let (mean, m2) = e.moments(self.n);
                (mean, vec![0; p], m2)
            }
            None => (
                self.frames
                    .iter()
                    .zip(&self.mean)
                    .map(|(f, &m)| f.unapply(m))
                    .collect(),
                self.frames.iter().map(Frame::exp).collect(),
                self.m2.clone(),
            ),
        };
        let mut cov = vec![0.0; p * p];
        for i in 0..p {
            for j in i..p {
                let v = m2[i * p + j] / denom;
                cov[i * p + j] = v;
                cov[j * p + i] = v;
            }
        }
        (means, cov, exps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl CovarianceAccumulator {
        /// [`CovarianceAccumulator::mean_cov`] with the covariances in raw units.
        pub(crate) fn mean_cov_raw(&self) -> (Vec<f64>, Vec<f64>) {
            let (mean, mut cov, exps) = self.mean_cov();
            let p = self.p;
            for i in 0..p {
                for j in 0..p {
                    cov[i * p + j] =
                        crate::numeric::summation::scale_pow2(cov[i * p + j], exps[i] + exps[j]);
                }
            }
            (mean, cov)
        }
    }

    /// Deterministic rows: one common factor plus noise around `offset`.
    fn rows(n: usize, p: usize, offset: f64) -> Vec<f64> {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut unit = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut out = Vec::with_capacity(n * p);
        for _ in 0..n {
            let t = unit() - 0.5;
            for _ in 0..p {
                out.push(offset + t + unit() - 0.5);
            }
        }
        out
    }

    /// The fixed-width kernel (2..=16 items) and the transposed path (more items) agree with
    /// Welford's row-by-row update, over several blocks, an odd last block and a large offset.
    #[test]
    fn block_paths_match_welford() {
        for p in [2, 3, 5, 12, 13, 16, 17, 20] {
            for offset in [0.0, 1e6] {
                let data = rows(2 * KERNEL_ROWS + 77, p, offset);
                let mut fast = CovarianceAccumulator::new(p);
                fast.push_rows(&data).unwrap();
                let mut slow = CovarianceAccumulator::new(p);
                data.chunks_exact(p).for_each(|r| assert!(slow.push(r)));
                assert_eq!(fast.count(), slow.count());
                assert_eq!(fast.range(), slow.range());
                let ((mf, cf), (ms, cs)) = (fast.mean_cov_raw(), slow.mean_cov_raw());
                for (a, b) in mf.iter().zip(&ms) {
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "p {p}: {a} vs {b}"
                    );
                }
                for (a, b) in cf.iter().zip(&cs) {
                    assert!(
                        (a - b).abs() <= 1e-9 * b.abs().max(1e-3),
                        "p {p}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn non_finite_is_found_in_a_later_block() {
        for p in [4, 12, 20] {
            let mut data = rows(3 * KERNEL_ROWS, p, 3.0);
            let at = (KERNEL_ROWS + 5) * p + p - 1;
            data[at] = f64::NEG_INFINITY;
            let mut acc = CovarianceAccumulator::new(p);
            assert_eq!(acc.push_rows(&data), Err(PushError::NonFinite(at)));
            let mut ok = CovarianceAccumulator::new(p);
            let block = if p <= 16 { KERNEL_ROWS } else { BLOCK_ROWS };
            ok.push_rows(&data[..(at / p) / block * block * p]).unwrap();
            assert_eq!(acc, ok, "p {p}");
        }
    }

    #[test]
    fn welford_matches_two_pass() {
        let rows = [[1.0, 2.0], [2.0, 1.0], [4.0, 5.0], [3.0, 3.0]];
        let mut acc = CovarianceAccumulator::new(2);
        for r in &rows {
            assert!(acc.push(r));
        }
        let (m, c) = acc.mean_cov_raw();
        assert_eq!(m, vec![2.5, 2.75]);
        // var(c(1,2,4,3)) = 1.666..., cov with c(2,1,5,3) = 1.8333...
        assert!((c[0] - 5.0 / 3.0).abs() < 1e-15);
        assert!((c[1] - 5.5 / 3.0).abs() < 1e-15);
        assert_eq!(c[1], c[2]);
        assert_eq!(acc.range(), (1.0, 5.0));
    }
}
