//! [`CorrelationState`]: the exported state of a [`CorrelationAccumulator`], its checks and its
//! bytes.

use serde::{Deserialize, Serialize};

use super::CorrelationAccumulator;
use super::state::{
    CheckedMoments, MomentState, STATE_VERSION, StateError, StateKind, check_header, codec,
    read_moments, write_moments,
};
use super::table::MAX_COUNT;

/// The exported state of a [`CorrelationAccumulator`]: plain numbers, versioned, validated on
/// import ([`CorrelationAccumulator::from_state`]). The moments are those of the two
/// variables (x, y): on the exact path `sums` = [Σx, Σy] and `cross_products` =
/// [Σx², Σxy, Σy²]; on the float path `means` = [x̄, ȳ] and `comoments` = [Sxx, Sxy, Syy]
/// in the frames of x and y (`pilots`, `exponents`; see [`MomentState::Float`]).
///
/// ```
/// use therapeutic_alliance::stats::CorrelationAccumulator;
/// let mut acc = CorrelationAccumulator::new();
/// for (x, y) in [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0)] {
///     acc.push(x, y)?;
/// }
/// let back = CorrelationAccumulator::from_bytes(&acc.to_bytes())?;
/// assert_eq!(back, acc);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CorrelationState {
    /// Format version ([`STATE_VERSION`]).
    pub version: u32,
    /// Always [`StateKind::Correlation`].
    pub kind: StateKind,
    /// Complete pairs accumulated.
    pub n: u64,
    /// Incomplete pairs counted by `push_pairwise`.
    pub n_missing: u64,
    /// Sums (exact path) or means and centred sums (float path) of x and y.
    pub moments: MomentState,
}

impl From<CorrelationAccumulator> for CorrelationState {
    fn from(acc: CorrelationAccumulator) -> Self {
        acc.state()
    }
}

impl TryFrom<CorrelationState> for CorrelationAccumulator {
    type Error = StateError;
    fn try_from(state: CorrelationState) -> Result<Self, StateError> {
        Self::from_state(state).map_err(crate::document::raised)
    }
}

fn to_usize(what: &str, v: u64) -> Result<usize, StateError> {
    usize::try_from(v).map_err(|_| StateError::invalid(what, format!("{v} does not fit in usize")))
}

impl CorrelationAccumulator {
    /// The accumulator's state as plain numbers (see [`CorrelationState`]).
    #[must_use]
    pub fn state(&self) -> CorrelationState {
        let moments = match self.exact {
            Some([sx, sy, sxx, sxy, syy]) => MomentState::Exact {
                sums: vec![sx, sy],
                cross_products: vec![sxx, sxy, syy],
            },
            None => MomentState::Float {
                pilots: vec![self.frame_x.pilot(), self.frame_y.pilot()],
                exponents: vec![self.frame_x.exp(), self.frame_y.exp()],
                means: vec![self.mean_x, self.mean_y],
                comoments: vec![self.sxx, self.sxy, self.syy],
            },
        };
        CorrelationState {
            version: STATE_VERSION,
            kind: StateKind::Correlation,
            n: self.n as u64,
            n_missing: self.n_missing as u64,
            moments,
        }
    }

    /// Rebuilds an accumulator from an exported state, after checking that an accumulator of
    /// this build could have produced it.
    ///
    /// # Errors
    /// [`StateError`]: another version or kind; arrays of the wrong length; a non-finite
    /// number; exact sums impossible for n integers within the exact path's limit; a negative
    /// sum of squares or |Sxy| > √(Sxx·Syy) beyond rounding; moments in a state of 0 pairs.
    pub fn from_state(state: CorrelationState) -> Result<Self, StateError> {
        check_header(state.version, state.kind, StateKind::Correlation)?;
        let n = to_usize("n", state.n)?;
        let n_missing = to_usize("n_missing", state.n_missing)?;
        if n.checked_add(n_missing).is_none_or(|t| t > MAX_COUNT) {
            return Err(StateError::invalid(
                "n + n_missing",
                format!(
                    "{} pairs is more than an accumulator counts (2^53)",
                    u128::from(state.n) + u128::from(state.n_missing)
                ),
            ));
        }
        let mut out = Self {
            n,
            n_missing,
            ..Self::new()
        };
        match state.moments.check(2, state.n, None)? {
            CheckedMoments::Exact { s1, s2 } => {
                out.exact = Some([s1[0], s1[1], s2[0], s2[1], s2[3]]);
            }
            CheckedMoments::Float { frames, mean, m2 } => {
                out.exact = None;
                (out.frame_x, out.frame_y) = (frames[0], frames[1]);
                (out.mean_x, out.mean_y) = (mean[0], mean[1]);
                (out.sxx, out.sxy, out.syy) = (m2[0], m2[1], m2[3]);
            }
        }
        Ok(out)
    }

    /// The state in the compact binary encoding (see
    /// [`AlphaAccumulator::to_bytes`](crate::stats::AlphaAccumulator::to_bytes)).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let s = self.state();
        let mut w = codec::Writer::new(StateKind::Correlation);
        w.u64(s.n);
        w.u64(s.n_missing);
        write_moments(&mut w, &s.moments);
        w.finish()
    }

    /// Reads [`CorrelationAccumulator::to_bytes`] output back, with the checks of
    /// [`CorrelationAccumulator::from_state`].
    ///
    /// # Errors
    /// As [`AlphaAccumulator::from_bytes`](crate::stats::AlphaAccumulator::from_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = codec::Reader::open(bytes, StateKind::Correlation)?;
        let n = r.u64("n")?;
        let n_missing = r.u64("n_missing")?;
        let moments = read_moments(&mut r, 2)?;
        r.end()?;
        Self::from_state(CorrelationState {
            version: STATE_VERSION,
            kind: StateKind::Correlation,
            n,
            n_missing,
            moments,
        })
    }
}
