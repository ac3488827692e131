//! [`AlphaState`]: the exported state of an [`AlphaAccumulator`], its checks and its bytes.

use serde::{Deserialize, Serialize};

use super::exact_sums::ExactSums;
use super::{AlphaAccumulator, CovarianceAccumulator};
use crate::numeric::summation::Frame;
use crate::stats::state::{
    CheckedMoments, MomentState, STATE_VERSION, StateError, StateKind, check_header, codec,
    is_exact, pack, read_moments, write_moments,
};
use crate::stats::table::MAX_COUNT;

/// The exported state of an [`AlphaAccumulator`]: plain numbers, versioned, validated on
/// import ([`AlphaAccumulator::from_state`]). Obtain one with [`AlphaAccumulator::state`];
/// the binary form is [`AlphaAccumulator::to_bytes`].
///
/// `min` and `max` are the smallest and largest value seen (`None` before any row; psych
/// reverses items as max + min − x). Counts are JSON numbers (exact up to 2⁵³ rows in every
/// reader, up to 2⁶⁴ in serde_json); the exact path's `i128` sums are decimal strings (see
/// [`MomentState`]).
///
/// ```
/// use therapeutic_alliance::stats::{AlphaAccumulator, MomentState};
/// let mut acc = AlphaAccumulator::new(2)?;
/// acc.push_rows(&[1.0, 2.0, 3.0, 5.0])?;
/// let state = acc.state();
/// assert_eq!(state.n, 2);
/// assert!(matches!(state.moments, MomentState::Exact { .. })); // integer answers
/// let json = serde_json::to_string(&state)?;
/// let back: therapeutic_alliance::stats::AlphaState = serde_json::from_str(&json)?;
/// assert_eq!(AlphaAccumulator::from_state(back)?, acc);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlphaState {
    /// Format version ([`STATE_VERSION`]).
    pub version: u32,
    /// Always [`StateKind::Alpha`].
    pub kind: StateKind,
    /// Number of items p.
    pub n_items: usize,
    /// Rows accumulated.
    pub n: u64,
    /// Smallest value seen (`None` before any row).
    pub min: Option<f64>,
    /// Largest value seen (`None` before any row).
    pub max: Option<f64>,
    /// Item sums and cross-products (exact path) or means and co-moments (float path).
    pub moments: MomentState,
}

impl From<AlphaAccumulator> for AlphaState {
    fn from(acc: AlphaAccumulator) -> Self {
        acc.state()
    }
}

impl TryFrom<AlphaState> for AlphaAccumulator {
    type Error = StateError;
    fn try_from(state: AlphaState) -> Result<Self, StateError> {
        Self::from_state(state).map_err(crate::document::raised)
    }
}

impl AlphaAccumulator {
    /// The accumulator's state as plain numbers (see [`AlphaState`]).
    #[must_use]
    pub fn state(&self) -> AlphaState {
        let a = &self.acc;
        let p = a.p;
        let moments = match &a.exact {
            Some(e) => {
                let (sums, s2) = e.totals();
                MomentState::Exact {
                    sums,
                    cross_products: pack(p, &s2),
                }
            }
            None => MomentState::Float {
                pilots: a.frames.iter().map(Frame::pilot).collect(),
                exponents: a.frames.iter().map(Frame::exp).collect(),
                means: a.mean.clone(),
                comoments: pack(p, &a.m2),
            },
        };
        let seen = a.n > 0;
        AlphaState {
            version: STATE_VERSION,
            kind: StateKind::Alpha,
            n_items: p,
            n: a.n as u64,
            min: seen.then_some(a.min),
            max: seen.then_some(a.max),
            moments,
        }
    }

    /// Rebuilds an accumulator from an exported state, after checking that an accumulator of
    /// this build could have produced it.
    ///
    /// # Errors
    /// [`StateError`]: another version or kind; fewer than 2 items; arrays whose lengths do
    /// not match `n_items`; a non-finite number; `min`/`max` missing with rows, present
    /// without, or min > max; exact sums impossible for n integers in [min, max] (or outside
    /// the exact path's limit); means outside [min, max]; a co-moment matrix that is not
    /// positive semidefinite beyond rounding.
    pub fn from_state(state: AlphaState) -> Result<Self, StateError> {
        check_header(state.version, state.kind, StateKind::Alpha)?;
        let p = state.n_items;
        let mut out = Self::new(p).map_err(|e| StateError::invalid("n_items", e.to_string()))?;
        let n = usize::try_from(state.n)
            .ok()
            .filter(|&n| n <= MAX_COUNT)
            .ok_or_else(|| {
                StateError::invalid(
                    "n",
                    format!("{} rows is more than an accumulator counts (2^53)", state.n),
                )
            })?;
        let range = check_range(n, state.min, state.max)?;
        if matches!(state.moments, MomentState::Exact { .. })
            && let Some((lo, hi)) = range
            && !(is_exact(lo) && is_exact(hi))
        {
            return Err(StateError::invalid(
                "min/max",
                format!("[{lo}, {hi}] are not both integers within 2^20 on the exact path"),
            ));
        }
        let acc: &mut CovarianceAccumulator = &mut out.acc;
        match state.moments.check(p, state.n, range)? {
            CheckedMoments::Exact { s1, s2 } => {
                acc.exact = Some(
                    ExactSums::from_totals(s1, s2)
                        .map_err(|e| StateError::invalid("n_items", e.to_string()))?,
                );
            }
            CheckedMoments::Float { frames, mean, m2 } => {
                acc.exact = None;
                (acc.frames, acc.mean, acc.m2) = (frames, mean, m2);
            }
        }
        acc.n = n;
        if let Some((lo, hi)) = range {
            (acc.min, acc.max) = (lo, hi);
        }
        Ok(out)
    }

    /// The state in the compact binary encoding (magic, kind, version, little-endian payload,
    /// FNV-1a checksum; layout in the [`stats`](crate::stats) docs, "Exported state").
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let s = self.state();
        let mut w = codec::Writer::new(StateKind::Alpha);
        w.u64(s.n_items as u64);
        w.u64(s.n);
        w.opt_f64(s.min);
        w.opt_f64(s.max);
        write_moments(&mut w, &s.moments);
        w.finish()
    }

    /// Reads [`AlphaAccumulator::to_bytes`] output back, with the checks of
    /// [`AlphaAccumulator::from_state`].
    ///
    /// # Errors
    /// [`StateError::Format`] for bytes that are not a state (bad magic, unknown tags,
    /// truncated or trailing bytes), [`StateError::Checksum`] for corrupted bytes,
    /// [`StateError::Kind`] / [`StateError::Version`] for another accumulator's or version's
    /// state; otherwise as [`AlphaAccumulator::from_state`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = codec::Reader::open(bytes, StateKind::Alpha)?;
        let n_items = r.usize("n_items")?;
        let n = r.u64("n")?;
        let min = r.opt_f64("min")?;
        let max = r.opt_f64("max")?;
        let moments = read_moments(&mut r, n_items)?;
        r.end()?;
        Self::from_state(AlphaState {
            version: STATE_VERSION,
            kind: StateKind::Alpha,
            n_items,
            n,
            min,
            max,
            moments,
        })
    }
}

/// Checks `min`/`max` against the row count: both present, finite and ordered with rows,
/// both absent without.
fn check_range(
    n: usize,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<Option<(f64, f64)>, StateError> {
    match (n, min, max) {
        (0, None, None) => Ok(None),
        (0, ..) => Err(StateError::invalid(
            "min/max",
            "present in a state of 0 rows",
        )),
        (_, Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() && lo <= hi => {
            Ok(Some((lo, hi)))
        }
        (_, Some(lo), Some(hi)) => Err(StateError::invalid(
            "min/max",
            format!("[{lo}, {hi}] is not a finite, ordered range"),
        )),
        _ => Err(StateError::invalid(
            "min/max",
            format!("missing in a state of {n} rows"),
        )),
    }
}
