//! Numerically careful sums and moments: Neumaier's (1974) compensated summation, and
//! centred moments by the shifted two-pass algorithm (Chan, T. F., Golub, G. H. & LeVeque,
//! R. J. (1983), *The American Statistician* 37(3), 242–247; Higham, N. J. (2002), *Accuracy
//! and Stability of Numerical Algorithms*, 2nd ed., §1.9 and ch. 4) on values shifted by a
//! pilot data value and scaled by a power of two ([`Frame`]), so that data offset by 1e15 or
//! scaled by 1e154 or 1e-160 give the moments of the unscaled data, scaled exactly.

/// Neumaier's compensated sum: exact to within one rounding for any ordering of terms,
/// where a naive sum can lose digits when magnitudes differ.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    /// An empty sum.
    pub(crate) const fn new() -> Self {
        Self {
            sum: 0.0,
            compensation: 0.0,
        }
    }

    /// Adds one term.
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The compensated total.
    pub(crate) fn total(self) -> f64 {
        self.sum + self.compensation
    }
}

/// Compensated sum of a slice.
pub(crate) fn sum(xs: &[f64]) -> f64 {
    let mut s = CompensatedSum::new();
    for &x in xs {
        s.add(x);
    }
    s.total()
}

/// Mean and sample variance (`n - 1` denominator, as R's `var`) by the shifted two-pass
/// algorithm of [`Moments::of`]: the variance is ∞ only when it exceeds `f64::MAX`.
///
/// Returns `None` for fewer than two values.
pub(crate) fn mean_var(xs: &[f64]) -> Option<(f64, f64)> {
    Moments::of(xs).map(|m| (m.mean(), m.var()))
}

/// `x·2^e` for any `e`, in at most three exact steps (each factor a normal power of two), so
/// the result is exact unless it overflows or becomes subnormal.
pub(crate) fn scale_pow2(mut x: f64, mut e: i32) -> f64 {
    while e > 1023 {
        x *= pow2(1023);
        e -= 1023;
    }
    while e < -1022 {
        x *= pow2(-1022);
        e += 1022;
    }
    x * pow2(e)
}

/// `2^e` for `e` in `-1022..=1023` (a normal `f64`, built from its bits).
fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// The binary exponent of a positive finite `v` (`floor(log2 v)`, `-1022` for subnormals):
/// `v / 2^exponent(v)` lies in `[1, 2)` (below 1 for subnormals).
fn exponent(v: f64) -> i32 {
    (((v.to_bits() >> 52) & 0x7ff) as i32 - 1023).max(-1022)
}

/// A shifted and scaled frame `u = (x − pilot)·2^−exp` (Chan, Golub & LeVeque 1983): the pilot
/// is a data value, so offsets such as `1e15 + small integers` cancel exactly, and the power
/// of two makes the largest `|u|` lie in `[½, 1)`, so squares and their sums neither overflow
/// (data ×1e154) nor underflow (data ×1e-160). The scaling is exact; the subtraction is
/// computed on halved values when `|x − pilot|` could overflow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pilot: f64,
    exp: i32,
    /// 1, or ½ when `x − pilot` itself could overflow.
    pre: f64,
    /// `pilot·pre`.
    pilot_pre: f64,
    /// `2^−exp / pre`.
    post: f64,
}

impl Frame {
    /// The frame with this pilot whose unit is `2^exp` (`exp` clamped to `-1022..=1023`).
    pub(crate) fn new(pilot: f64, exp: i32) -> Self {
        let exp = exp.clamp(-1022, 1023);
        let (pre, post) = if exp >= 1020 {
            (0.5, pow2(1 - exp))
        } else {
            (1.0, pow2(-exp))
        };
        Self {
            pilot,
            exp,
            pre,
            pilot_pre: pilot * pre,
            post,
        }
    }

    /// The frame of a constant variable: the smallest unit, so that it never widens a frame
    /// shared with another variable.
    pub(crate) fn constant(pilot: f64) -> Self {
        Self::new(pilot, -1022)
    }

    /// The frame for values whose pilot is `pilot` and whose largest `|x − pilot|` has binary
    /// exponent `exp` (see [`Frame::spanning`]).
    fn fitting(pilot: f64, exp: i32) -> Self {
        Self::new(pilot, exp + 1)
    }

    /// The frame with pilot `xs[0]` fitted to `max |x − xs[0]|` (one pass); `None` when all
    /// values equal the pilot (a constant variable).
    pub(crate) fn spanning(xs: &[f64]) -> Option<Self> {
        let pilot = *xs.first()?;
        let mut max = 0.0_f64;
        for &x in xs {
            max = max.max((x - pilot).abs());
        }
        if max.is_infinite() {
            // |x − pilot| overflowed: measure it on halved values instead
            max = 0.0;
            for &x in xs {
                max = max.max((0.5 * x - 0.5 * pilot).abs());
            }
            return Some(Self::fitting(pilot, exponent(max) + 1));
        }
        (max > 0.0).then(|| Self::fitting(pilot, exponent(max)))
    }

    /// `(x − pilot)·2^−exp`.
    pub(crate) fn apply(&self, x: f64) -> f64 {
        (x * self.pre - self.pilot_pre) * self.post
    }

    /// The pilot (a data value).
    pub(crate) fn pilot(&self) -> f64 {
        self.pilot
    }

    /// The binary exponent of the frame's unit.
    pub(crate) fn exp(&self) -> i32 {
        self.exp
    }

    /// A raw value `pilot + u·2^exp` from a frame value `u`, computed on halves when the
    /// sum of finite parts would overflow; non-finite only when the value itself is.
    pub(crate) fn unapply(&self, u: f64) -> f64 {
        let v = self.pilot + scale_pow2(u, self.exp);
        if v.is_finite() {
            v
        } else {
            2.0 * (0.5 * self.pilot + scale_pow2(u, self.exp - 1))
        }
    }
}

/// How far a streamed frame's values may grow before the frame widens: `|u| < 2^400` keeps
/// every square below 2^800 and any sum of up to 2^53 of them below 2^853, far from overflow.
const STREAM_HEADROOM: i32 = 400;

impl Frame {
    /// The exponent of the frame fitted to `x` alone (`|x − pilot|` in `[½, 1)` units), and
    /// whether `x − pilot` overflows; `None` when `x` equals the pilot.
    fn fit_exp(&self, x: f64) -> Option<(i32, bool)> {
        let d = (x - self.pilot).abs();
        if d == 0.0 {
            None
        } else if d.is_finite() {
            Some((exponent(d) + 1, false))
        } else {
            Some((exponent((0.5 * x - 0.5 * self.pilot).abs()) + 2, true))
        }
    }

    /// The frame a **streamed** variable (an accumulator's, whose values arrive one at a time
    /// and whose pilot is the first value) must move to so that `x` can be added, or `None`
    /// to keep this one. A frame holding only the pilot so far (`fitted` false: every
    /// moment is 0) is fitted to `x`; a fitted one widens only when `x` would leave the
    /// headroom of `2^400` units or its deviation from the pilot overflows. Moving changes
    /// the exponent only (see [`Frame::rescale`]).
    pub(crate) fn refit(&self, fitted: bool, x: f64) -> Option<Self> {
        let (exp, overflows) = self.fit_exp(x)?;
        let widen =
            exp > self.exp.saturating_add(STREAM_HEADROOM) || (overflows && self.pre == 1.0);
        (!fitted || widen).then(|| Self::new(self.pilot, exp))
    }

    /// The frame two parts of a streamed variable merge in: `a`'s pilot, the wider of the
    /// two units (a frame holding only its pilot, `fitted` false, has no unit of its own),
    /// widened further if `b`'s pilot lies beyond the headroom (see [`Frame::refit`]).
    pub(crate) fn common(a: Self, a_fitted: bool, b: Self, b_fitted: bool) -> Self {
        let exp = match (a_fitted, b_fitted) {
            (true, true) => a.exp.max(b.exp),
            (false, true) => b.exp,
            _ => a.exp,
        };
        let f = Self::new(a.pilot, exp);
        f.refit(a_fitted || b_fitted, b.pilot).unwrap_or(f)
    }

    /// A mean `m` held in this frame, expressed in the frame `to` (another pilot and unit).
    pub(crate) fn mean_in(&self, to: &Self, m: f64) -> f64 {
        self.rescale(to, m, 1) + to.apply(self.pilot)
    }

    /// The value of `values` farthest from the pilot (measured on halves, so no difference
    /// overflows; the first of equally far ones), or the pilot when there is none.
    pub(crate) fn farthest(&self, values: impl Iterator<Item = f64>) -> f64 {
        let distance = |x: f64| (0.5 * x - 0.5 * self.pilot).abs();
        values.fold(self.pilot, |far, x| {
            if distance(x) > distance(far) { x } else { far }
        })
    }

    /// The unit frame (exponent 0) of a variable on the exact integer path, from its exact sum
    /// over `count` values: the pilot is the rounded mean (an integer within 2²⁰), and the mean
    /// in the frame `(Σx − count·pilot)/count` is computed in `i128`, so exact to one
    /// rounding. A count of 0 gives the frame at 0 with mean 0.
    pub(crate) fn of_exact_sum(sum: i128, count: i128) -> (Self, f64) {
        if count == 0 {
            return (Self::new(0.0, 0), 0.0);
        }
        let pilot = (sum as f64 / count as f64).round();
        // |pilot| <= 2^20 and count < 2^70 (targets × raters): the product fits in i128
        let rest = sum - count * pilot as i128;
        (Self::new(pilot, 0), rest as f64 / count as f64)
    }

    /// `2^−exp`: multiplying a difference from the pilot by it gives frame units (exact, as a
    /// power of two).
    pub(crate) fn unit_inverse(&self) -> f64 {
        scale_pow2(1.0, -self.exp)
    }

    /// `u` (in this frame's units, times `2^(power·exp)`) expressed in `to`'s units: exact
    /// unless it becomes subnormal.
    pub(crate) fn rescale(&self, to: &Self, u: f64, power: i32) -> f64 {
        scale_pow2(u, power * (self.exp - to.exp))
    }
}

/// Centred moments of one variable, held in its [`Frame`]: `mean_u` is the mean and `ss_u`
/// the centred sum of squares of the frame values `u = (x − pilot)·2^−exp`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moments {
    /// The frame of the values.
    pub(crate) frame: Frame,
    /// Number of values.
    pub(crate) n: usize,
    /// Mean of the frame values.
    pub(crate) mean_u: f64,
    /// `Σ (u − mean_u)²` (compensated).
    pub(crate) ss_u: f64,
}

impl Moments {
    /// Centred moments by the shifted two-pass algorithm on the frame values (Chan, Golub &
    /// LeVeque 1983; Higham 2002, §1.9 and ch. 4): a pass for `max |x − pilot|`, a pass for
    /// the mean and one for the centred squares, all O(n) with compensated sums. `None` for
    /// fewer than two values; a constant variable has `ss_u = 0`.
    pub(crate) fn of(xs: &[f64]) -> Option<Self> {
        let n = xs.len();
        if n < 2 {
            return None;
        }
        let Some(frame) = Frame::spanning(xs) else {
            return Some(Self {
                frame: Frame::constant(xs[0]),
                n,
                mean_u: 0.0,
                ss_u: 0.0,
            });
        };
        let mut s = CompensatedSum::new();
        for &x in xs {
            s.add(frame.apply(x));
        }
        let mean_u = s.total() / n as f64;
        let mut ss = CompensatedSum::new();
        for &x in xs {
            let d = frame.apply(x) - mean_u;
            ss.add(d * d);
        }
        Some(Self {
            frame,
            n,
            mean_u,
            ss_u: ss.total(),
        })
    }

    /// The mean in raw units (always finite for finite data).
    pub(crate) fn mean(&self) -> f64 {
        self.frame.unapply(self.mean_u)
    }

    /// The sample variance (`n − 1`) in units of `2^(2·exp)` for a frame exponent `exp`.
    pub(crate) fn var_in(&self, exp: i32) -> f64 {
        scale_pow2(
            self.ss_u / (self.n - 1) as f64,
            2 * (self.frame.exp() - exp),
        )
    }

    /// The sample SD (`n − 1`) in units of `2^exp` for a frame exponent `exp`.
    pub(crate) fn sd_in(&self, exp: i32) -> f64 {
        scale_pow2(
            (self.ss_u / (self.n - 1) as f64).sqrt(),
            self.frame.exp() - exp,
        )
    }

    /// The sample variance in raw units (∞ when it exceeds `f64::MAX`).
    pub(crate) fn var(&self) -> f64 {
        self.var_in(0)
    }

    /// Whether the variable is constant (no value differs from the pilot).
    pub(crate) fn is_constant(&self) -> bool {
        self.ss_u.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
    }
}

/// Centred sums `(Σdx², Σdy², Σdxdy)` of two variables, each in its own [`Frame`] (so
/// `Σdx²` is in units of `2^(2·exp_x)` and so on): the shifted two-pass algorithm of
/// [`Moments::of`] for a pair, one pass more than the plain two-pass algorithm. Ratios such
/// as Pearson's r are scale-free and can be taken directly.
pub(crate) fn co_moments(x: &[f64], y: &[f64]) -> (Moments, Moments, f64) {
    let frame = |v: &[f64]| {
        Frame::spanning(v).unwrap_or_else(|| Frame::constant(v.first().copied().unwrap_or(0.0)))
    };
    let (fx, fy) = (frame(x), frame(y));
    let n = x.len();
    let (mut sx, mut sy) = (CompensatedSum::new(), CompensatedSum::new());
    for (&a, &b) in x.iter().zip(y) {
        sx.add(fx.apply(a));
        sy.add(fy.apply(b));
    }
    let nf = n.max(1) as f64;
    let (mx, my) = (sx.total() / nf, sy.total() / nf);
    let (mut sxx, mut syy, mut sxy) = (
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
    );
    for (&a, &b) in x.iter().zip(y) {
        let (dx, dy) = (fx.apply(a) - mx, fy.apply(b) - my);
        sxy.add(dx * dy);
        sxx.add(dx * dx);
        syy.add(dy * dy);
    }
    let moments = |frame, mean_u, ss: CompensatedSum| Moments {
        frame,
        n,
        mean_u,
        ss_u: ss.total(),
    };
    (moments(fx, mx, sxx), moments(fy, my, syy), sxy.total())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_recovers_lost_digits() {
        let xs = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(&xs), 2.0);
    }

    #[test]
    fn mean_var_matches_r() {
        // var(c(2, 4, 4, 4, 5, 5, 7, 9)) = 4.571428571428571
        let (m, v) = mean_var(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(m, 5.0);
        assert!((v - 4.571_428_571_428_571).abs() < 1e-15);
        assert!(mean_var(&[1.0]).is_none());
    }

    #[test]
    fn scale_pow2_is_exact_across_the_whole_range() {
        assert_eq!(scale_pow2(1.5, 3), 12.0);
        assert_eq!(scale_pow2(f64::MIN_POSITIVE, 1022), 1.0);
        assert_eq!(scale_pow2(5e-324, 1074), 1.0);
        assert_eq!(scale_pow2(1.0, -1074), 5e-324);
        assert_eq!(
            scale_pow2(f64::MAX, -2046),
            scale_pow2(f64::MAX, -1023) / 2f64.powi(1023)
        );
        assert!(scale_pow2(1.0, 1024).is_infinite());
    }

    #[test]
    fn moments_are_those_of_the_unscaled_data_scaled_exactly() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let base = Moments::of(&xs).unwrap();
        // 2^±600: the scaled moments are the same up to the power of two
        for e in [600, -600] {
            let scaled: Vec<f64> = xs.iter().map(|&x| scale_pow2(x, e)).collect();
            let m = Moments::of(&scaled).unwrap();
            assert_eq!(m.mean(), scale_pow2(base.mean(), e));
            assert_eq!(m.sd_in(e), base.sd_in(0));
            assert_eq!(m.var_in(e), base.var_in(0));
        }
        // 1e15 + small integers: the offset cancels exactly
        let offset: Vec<f64> = xs.iter().map(|&x| x + 1e15).collect();
        let (m, v) = mean_var(&offset).unwrap();
        assert_eq!((m, v), (1e15 + 5.0, 32.0 / 7.0));
        // a variance above f64::MAX is ∞, its SD is finite; the mean of ±MAX is finite
        let m = Moments::of(&[1e200, 2e200, 3e200]).unwrap();
        assert!(m.var().is_infinite());
        assert!((m.sd_in(0) - 1e200).abs() <= 1e-15 * 1e200);
        let m = Moments::of(&[f64::MAX, -f64::MAX, f64::MAX]).unwrap();
        assert!((m.mean() - f64::MAX / 3.0).abs() <= 1e-15 * f64::MAX);
        assert!(Moments::of(&[3.0, 3.0]).unwrap().is_constant());
    }

    #[test]
    fn co_moments_cancel_offsets() {
        let (mx, my, sxy) = co_moments(&[1e15 + 1.0, 1e15 + 2.0, 1e15 + 4.0], &[3.0, 1.0, 2.0]);
        let r = sxy / (mx.ss_u.sqrt() * my.ss_u.sqrt());
        // r of (1, 2, 4) and (3, 1, 2): Sxy = -1, Sxx = 14/3, Syy = 2
        let want = -1.0 / (14.0_f64 / 3.0 * 2.0).sqrt();
        assert!((r - want).abs() < 1e-15, "{r} vs {want}");
    }
}
