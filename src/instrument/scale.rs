//! Response scales and item keying.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The answers an item accepts.
///
/// | scale | accepted values | reverse keying |
/// |---|---|---|
/// | [`Likert`](Self::Likert) `{ min, max }` | whole numbers `min..=max` | `min + max − x` |
/// | [`VisualAnalogue`](Self::VisualAnalogue) `{ min, max }` | any finite number in `min..=max` | `min + max − x` |
/// | [`Bipolar`](Self::Bipolar) `{ max }` | whole numbers `−max..=−1` and `1..=max` (no zero) | `−x` |
///
/// The Likert reversal `min + max − x` is the one the WAI scoring code (`8 − x` on 1..7) and
/// psych's `reverse.code` (the scale's maximum plus minimum, minus the answer) use. The bipolar
/// reversal `−x` (the BLRI's −3..+3 scale) follows from the scale's design but is not a rule
/// quoted by any source we found, which is why the BLRI takes its whole key from a
/// user-supplied file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ResponseScale {
    /// Integer steps from `min` to `max` inclusive, e.g. 1..=5 for the WAI-SR.
    Likert {
        /// Lowest answer.
        min: i32,
        /// Highest answer.
        max: i32,
    },
    /// A continuous mark on a line, e.g. 0.0..=10.0 cm for the SRS and ORS.
    VisualAnalogue {
        /// Left end of the line.
        min: f64,
        /// Right end of the line.
        max: f64,
    },
    /// A bipolar scale without zero: `−max..=−1, 1..=max` (the BLRI uses `max = 3`).
    Bipolar {
        /// The strongest answer on either side.
        max: u8,
    },
}

/// Why a value is not an answer on a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reject {
    NonFinite,
    OutOfRange,
    NotAStep,
}

impl ResponseScale {
    /// A Likert scale `min..=max`.
    #[must_use]
    pub const fn likert(min: i32, max: i32) -> Self {
        Self::Likert { min, max }
    }

    /// A visual analogue scale `min..=max`.
    #[must_use]
    pub const fn visual_analogue(min: f64, max: f64) -> Self {
        Self::VisualAnalogue { min, max }
    }

    /// A bipolar scale `−max..=−1, 1..=max`.
    #[must_use]
    pub const fn bipolar(max: u8) -> Self {
        Self::Bipolar { max }
    }

    /// Lowest and highest possible item score (after keying, which maps the range onto itself).
    #[must_use]
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Self::Likert { min, max } => (f64::from(min), f64::from(max)),
            Self::VisualAnalogue { min, max } => (min, max),
            Self::Bipolar { max } => (-f64::from(max), f64::from(max)),
        }
    }

    /// Checks the scale itself; `None` when valid, otherwise the reason.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        match *self {
            Self::Likert { min, max } if min >= max => Some("likert scale needs min < max"),
            Self::VisualAnalogue { min, max } if !(min.is_finite() && max.is_finite()) => {
                Some("visual analogue scale bounds must be finite")
            }
            Self::VisualAnalogue { min, max } if min >= max => {
                Some("visual analogue scale needs min < max")
            }
            Self::Bipolar { max: 0 } => Some("bipolar scale needs max >= 1"),
            _ => None,
        }
    }

    /// Validates an answer.
    pub(crate) fn check(&self, x: f64) -> Result<(), Reject> {
        if !x.is_finite() {
            return Err(Reject::NonFinite);
        }
        let (lo, hi) = self.bounds();
        if x < lo || x > hi {
            return Err(Reject::OutOfRange);
        }
        match *self {
            Self::Bipolar { .. } if x == 0.0 => Err(Reject::OutOfRange),
            Self::Likert { .. } | Self::Bipolar { .. } if x.fract() != 0.0 => Err(Reject::NotAStep),
            _ => Ok(()),
        }
    }

    /// Applies the keying to a valid answer.
    #[must_use]
    pub fn keyed(&self, x: f64, keying: Keying) -> f64 {
        match (keying, self) {
            (Keying::Positive, _) => x,
            (Keying::Reverse, Self::Bipolar { .. }) => -x,
            (Keying::Reverse, _) => {
                let (lo, hi) = self.bounds();
                lo + hi - x
            }
        }
    }
}

impl fmt::Display for ResponseScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Likert { min, max } => write!(f, "{min}..={max}"),
            Self::VisualAnalogue { min, max } => write!(f, "{min:?}..={max:?}"),
            Self::Bipolar { max } => write!(f, "-{max}..=-1, 1..={max}"),
        }
    }
}

/// How an item's answer enters its scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keying {
    /// Scored as answered.
    #[default]
    Positive,
    /// Reverse-keyed: `min + max − x` (Likert, visual analogue) or `−x` (bipolar).
    Reverse,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_keys_each_scale() {
        let l = ResponseScale::likert(1, 7);
        assert_eq!(l.check(7.0), Ok(()));
        assert_eq!(l.check(0.0), Err(Reject::OutOfRange));
        assert_eq!(l.check(2.5), Err(Reject::NotAStep));
        assert_eq!(l.check(f64::NAN), Err(Reject::NonFinite));
        assert_eq!(l.keyed(2.0, Keying::Reverse), 6.0);
        let v = ResponseScale::visual_analogue(0.0, 10.0);
        assert_eq!(v.check(3.25), Ok(()));
        assert_eq!(v.keyed(3.25, Keying::Reverse), 6.75);
        let b = ResponseScale::bipolar(3);
        assert_eq!(b.check(0.0), Err(Reject::OutOfRange));
        assert_eq!(b.check(-3.0), Ok(()));
        assert_eq!(b.check(4.0), Err(Reject::OutOfRange));
        assert_eq!(b.keyed(-2.0, Keying::Reverse), 2.0);
        assert_eq!(b.to_string(), "-3..=-1, 1..=3");
        assert_eq!(v.to_string(), "0.0..=10.0");
        assert!(ResponseScale::likert(3, 3).problem().is_some());
    }
}
