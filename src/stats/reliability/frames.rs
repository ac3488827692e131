//! The alpha accumulator's per-item frames: each item's float moments are held in units
//! `u = (x − pilot)·2^−exp` (see [`Frame`] and the [`stats`](crate::stats) docs, "Frames"),
//! so that items offset by 1e15 or scaled by 1e154 or 1e-160 keep their digits. Free
//! functions over the accumulator's `frames`, `mean` and upper-triangle `m2`.

use crate::numeric::summation::Frame;

/// Whether item `j`'s frame is fitted to data (its mean or sum of squares in the frame is not
/// 0); an unfitted frame can take any unit.
pub(super) fn fitted(j: usize, p: usize, mean: &[f64], m2: &[f64]) -> bool {
    mean[j] != 0.0 || m2[j * p + j] != 0.0
}

/// Moves item `j`'s moments into the frame `to` (exact scalings by powers of two, plus the
/// shift of the mean when the pilot changes).
pub(super) fn move_item(
    j: usize,
    p: usize,
    frames: &mut [Frame],
    mean: &mut [f64],
    m2: &mut [f64],
    to: Frame,
) {
    let from = frames[j];
    if from == to {
        return;
    }
    mean[j] = from.mean_in(&to, mean[j]);
    for k in 0..p {
        let at = if k < j { k * p + j } else { j * p + k };
        m2[at] = from.rescale(&to, m2[at], if k == j { 2 } else { 1 });
    }
    frames[j] = to;
}

/// Whether item `j`'s frame holds values in `[lo, hi]` within its headroom.
fn holds(frame: &Frame, lo: f64, hi: f64) -> bool {
    frame.refit(true, lo).is_none() && frame.refit(true, hi).is_none()
}

/// Whether some fitted item's frame would have to widen for values in `[lo, hi]`. Items not
/// yet fitted are left to [`fit_unfitted`], which every push runs for them: their frames
/// have no unit to widen (a constant item's frame would otherwise fail every range).
pub(super) fn leaves_headroom(
    p: usize,
    frames: &[Frame],
    mean: &[f64],
    m2: &[f64],
    lo: f64,
    hi: f64,
) -> bool {
    (0..p).any(|j| fitted(j, p, mean, m2) && !holds(&frames[j], lo, hi))
}

/// Whether some item's frame is not yet fitted (every value so far equal to its pilot).
pub(super) fn any_unfitted(p: usize, mean: &[f64], m2: &[f64]) -> bool {
    (0..p).any(|j| !fitted(j, p, mean, m2))
}

/// Fits the frames of the items not yet fitted to the rows of `block` (row-major, `p`
/// columns), from each one's farthest value; their moments are 0, so nothing is rescaled.
/// Returns whether a frame changed.
pub(super) fn fit_unfitted(
    p: usize,
    frames: &mut [Frame],
    mean: &mut [f64],
    m2: &mut [f64],
    block: &[f64],
) -> bool {
    refit_items(p, frames, mean, m2, block, |j, _, mean, m2| {
        !fitted(j, p, mean, m2)
    })
}

/// Widens the frames of the fitted items whose headroom the rows of `block` (values in
/// `[lo, hi]`) may leave, from each one's farthest value ([`Frame::refit`]), rescaling their
/// moments exactly; returns whether a frame moved.
pub(super) fn widen(
    p: usize,
    frames: &mut [Frame],
    mean: &mut [f64],
    m2: &mut [f64],
    block: &[f64],
    (lo, hi): (f64, f64),
) -> bool {
    refit_items(p, frames, mean, m2, block, |j, frame, mean, m2| {
        fitted(j, p, mean, m2) && !holds(frame, lo, hi)
    })
}

/// Refits the frame of every item `j` that `select` picks to its farthest value in `block`.
fn refit_items(
    p: usize,
    frames: &mut [Frame],
    mean: &mut [f64],
    m2: &mut [f64],
    block: &[f64],
    select: impl Fn(usize, &Frame, &[f64], &[f64]) -> bool,
) -> bool {
    let mut moved = false;
    for j in 0..p {
        if !select(j, &frames[j], mean, m2) {
            continue;
        }
        let far = frames[j].farthest(block.iter().skip(j).step_by(p).copied());
        if let Some(to) = frames[j].refit(fitted(j, p, mean, m2), far)
            && to != frames[j]
        {
            move_item(j, p, frames, mean, m2, to);
            moved = true;
        }
    }
    moved
}

/// The kernel's shift (a raw value near the item's running mean) and scale (`2^−exp`) of
/// every item, and the shift in frame units.
pub(super) fn shifts(frames: &[Frame], mean: &[f64]) -> impl Iterator<Item = (f64, f64, f64)> {
    frames.iter().zip(mean).map(|(f, &m)| {
        let shift = f.unapply(m);
        (shift, f.unit_inverse(), f.apply(shift))
    })
}
