//! [`IccState`]: the exported state of an [`IccAccumulator`], its checks and its bytes.

use serde::{Deserialize, Serialize};

use super::IccAccumulator;
use super::accumulator::IccExact;
use crate::stats::state::{
    EXACT_LIMIT, ROUNDING, STATE_VERSION, StateError, StateKind, check_finite, check_frames,
    check_header, check_len, codec, decimal,
};
use crate::stats::table::MAX_COUNT;

/// The exported state of an [`IccAccumulator`]: plain numbers, versioned, validated on import
/// ([`IccAccumulator::from_state`]).
///
/// ```
/// use therapeutic_alliance::stats::{IccAccumulator, IccState};
/// let mut acc = IccAccumulator::new(3)?;
/// acc.push_rows(&[1.0, 2.0, 2.0, 4.0, 5.0, 4.0])?;
/// let json = serde_json::to_string(&acc)?; // through IccState
/// let back: IccAccumulator = serde_json::from_str(&json)?;
/// assert_eq!(back, acc);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IccState {
    /// Format version ([`STATE_VERSION`]).
    pub version: u32,
    /// Always [`StateKind::Icc`].
    pub kind: StateKind,
    /// Number of raters k.
    pub n_raters: usize,
    /// Complete targets accumulated.
    pub n: u64,
    /// Targets skipped because a rating was missing.
    pub n_incomplete: u64,
    /// The first incomplete target (present exactly when `n_incomplete > 0`).
    pub first_incomplete: Option<IncompleteTarget>,
    /// Exact sums or floating-point moments.
    pub moments: IccMomentState,
}

/// The first incomplete target an [`IccAccumulator`] saw (reported by `finish` unless
/// incomplete targets are dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IncompleteTarget {
    /// Its index among all targets pushed (0-based).
    pub target: u64,
    /// Its first missing rater (0-based).
    pub rater: u64,
    /// Ratings present.
    pub present: u64,
}

/// The moments of an [`IccState`] (see [`IccAccumulator`], "Exact integer path", for the
/// formulas). JSON: internally tagged by `kind`; `i128` sums as decimal strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IccMomentState {
    /// Exact integer sums.
    Exact {
        /// Cⱼ = Σₜ xₜⱼ per rater.
        #[serde(with = "decimal::vec")]
        rater_sums: Vec<i128>,
        /// Qⱼ = Σₜ xₜⱼ² per rater.
        #[serde(with = "decimal::vec")]
        rater_squares: Vec<i128>,
        /// Pⱼ = Σₜ xₜⱼ·Rₜ per rater (Rₜ the target's total).
        #[serde(with = "decimal::vec")]
        rater_row_products: Vec<i128>,
        /// Σₜ Rₜ².
        #[serde(with = "decimal")]
        row_sum_squares: i128,
    },
    /// Floating-point moments, of the ratings in one frame `u = (x − pilot)·2^−exponent`
    /// (see [`MomentState::Float`](crate::stats::MomentState::Float)): the mean of the target
    /// means in raw units is `pilot + row_mean·2^exponent`, sums of squares scale by
    /// `2^(2·exponent)`.
    Float {
        /// The frame's pilot (shift).
        pilot: f64,
        /// The binary exponent of the frame's unit (−1022..=1023).
        exponent: i32,
        /// Mean of the target means.
        row_mean: f64,
        /// Centred sum of squares of the target means.
        row_m2: f64,
        /// Per rater, the mean of the row-centred ratings.
        dev_means: Vec<f64>,
        /// Per rater, the centred sum of squares of the row-centred ratings.
        dev_m2: Vec<f64>,
    },
}

impl From<IccAccumulator> for IccState {
    fn from(acc: IccAccumulator) -> Self {
        acc.state()
    }
}

impl TryFrom<IccState> for IccAccumulator {
    type Error = StateError;
    fn try_from(state: IccState) -> Result<Self, StateError> {
        Self::from_state(state).map_err(crate::document::raised)
    }
}

fn to_usize(what: &str, v: u64) -> Result<usize, StateError> {
    usize::try_from(v).map_err(|_| StateError::invalid(what, format!("{v} does not fit in usize")))
}

impl IccAccumulator {
    /// The accumulator's state as plain numbers (see [`IccState`]).
    #[must_use]
    pub fn state(&self) -> IccState {
        let moments = match &self.exact {
            Some(e) => IccMomentState::Exact {
                rater_sums: e.c.clone(),
                rater_squares: e.q.clone(),
                rater_row_products: e.pr.clone(),
                row_sum_squares: e.r2,
            },
            None => IccMomentState::Float {
                pilot: self.frame.pilot(),
                exponent: self.frame.exp(),
                row_mean: self.row_mean,
                row_m2: self.row_m2,
                dev_means: self.dev_mean.clone(),
                dev_m2: self.dev_m2.clone(),
            },
        };
        IccState {
            version: STATE_VERSION,
            kind: StateKind::Icc,
            n_raters: self.k,
            n: self.n as u64,
            n_incomplete: self.n_dropped as u64,
            first_incomplete: self.first_incomplete.map(|(t, j, got)| IncompleteTarget {
                target: t as u64,
                rater: j as u64,
                present: got as u64,
            }),
            moments,
        }
    }

    /// Rebuilds an accumulator from an exported state, after checking that an accumulator of
    /// this build could have produced it.
    ///
    /// # Errors
    /// [`StateError`]: another version or kind; fewer than 2 raters; arrays whose lengths do
    /// not match `n_raters`; a non-finite number; exact sums impossible for n targets of
    /// integer ratings within the exact path's limit (bounds, Cauchy–Schwarz, ΣPⱼ = ΣRₜ², a
    /// negative sum of squares); negative sums of squares or row-centred means not summing to
    /// 0 beyond rounding; a first incomplete target inconsistent with the counts.
    pub fn from_state(state: IccState) -> Result<Self, StateError> {
        check_header(state.version, state.kind, StateKind::Icc)?;
        let k = state.n_raters;
        let mut out = Self::new(k).map_err(|e| StateError::invalid("n_raters", e.to_string()))?;
        let n = to_usize("n", state.n)?;
        let dropped = to_usize("n_incomplete", state.n_incomplete)?;
        let seen = n
            .checked_add(dropped)
            .filter(|&t| t <= MAX_COUNT)
            .ok_or_else(|| {
                StateError::invalid(
                    "n + n_incomplete",
                    format!(
                        "{} targets is more than an accumulator counts (2^53)",
                        u128::from(state.n) + u128::from(state.n_incomplete)
                    ),
                )
            })?;
        out.first_incomplete = match (dropped, state.first_incomplete) {
            (0, None) => None,
            (d, Some(f)) if d > 0 => {
                let t = to_usize("first_incomplete.target", f.target)?;
                let j = to_usize("first_incomplete.rater", f.rater)?;
                let got = to_usize("first_incomplete.present", f.present)?;
                if t >= seen || j >= k || got >= k {
                    return Err(StateError::invalid(
                        "first_incomplete",
                        format!(
                            "target {t}, rater {j}, {got} present is impossible with {seen} targets of {k} raters"
                        ),
                    ));
                }
                Some((t, j, got))
            }
            (d, f) => {
                return Err(StateError::invalid(
                    "first_incomplete",
                    format!(
                        "{} with {d} incomplete targets",
                        if f.is_some() { "present" } else { "missing" }
                    ),
                ));
            }
        };
        (out.n, out.n_dropped, out.seen) = (n, dropped, seen);
        match state.moments {
            IccMomentState::Exact {
                rater_sums,
                rater_squares,
                rater_row_products,
                row_sum_squares,
            } => {
                check_len("rater_sums", k, rater_sums.len())?;
                check_len("rater_squares", k, rater_squares.len())?;
                check_len("rater_row_products", k, rater_row_products.len())?;
                let e = IccExact {
                    c: rater_sums,
                    q: rater_squares,
                    pr: rater_row_products,
                    r2: row_sum_squares,
                };
                check_exact(&e, n)?;
                out.exact = Some(e);
            }
            IccMomentState::Float {
                pilot,
                exponent,
                row_mean,
                row_m2,
                dev_means,
                dev_m2,
            } => {
                out.frame = check_frames(&[pilot], &[exponent])?
                    .first()
                    .copied()
                    .unwrap_or(out.frame);
                check_len("dev_means", k, dev_means.len())?;
                check_len("dev_m2", k, dev_m2.len())?;
                check_finite("row_mean", &[row_mean, row_m2])?;
                check_finite("dev_means", &dev_means)?;
                check_finite("dev_m2", &dev_m2)?;
                check_float(n, row_mean, row_m2, &dev_means, &dev_m2)?;
                out.exact = None;
                (out.row_mean, out.row_m2) = (row_mean, row_m2);
                (out.dev_mean, out.dev_m2) = (dev_means, dev_m2);
            }
        }
        Ok(out)
    }

    /// The state in the compact binary encoding (see
    /// [`AlphaAccumulator::to_bytes`](crate::stats::AlphaAccumulator::to_bytes)).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let s = self.state();
        let mut w = codec::Writer::new(StateKind::Icc);
        w.u64(s.n_raters as u64);
        w.u64(s.n);
        w.u64(s.n_incomplete);
        w.u8(u8::from(s.first_incomplete.is_some()));
        if let Some(f) = s.first_incomplete {
            w.u64(f.target);
            w.u64(f.rater);
            w.u64(f.present);
        }
        match &s.moments {
            IccMomentState::Exact {
                rater_sums,
                rater_squares,
                rater_row_products,
                row_sum_squares,
            } => {
                w.u8(0);
                w.i128s(rater_sums);
                w.i128s(rater_squares);
                w.i128s(rater_row_products);
                w.i128s(&[*row_sum_squares]);
            }
            IccMomentState::Float {
                pilot,
                exponent,
                row_mean,
                row_m2,
                dev_means,
                dev_m2,
            } => {
                w.u8(1);
                w.f64(*pilot);
                w.u64(i64::from(*exponent) as u64);
                w.f64s(&[*row_mean, *row_m2]);
                w.f64s(dev_means);
                w.f64s(dev_m2);
            }
        }
        w.finish()
    }

    /// Reads [`IccAccumulator::to_bytes`] output back, with the checks of
    /// [`IccAccumulator::from_state`].
    ///
    /// # Errors
    /// As [`AlphaAccumulator::from_bytes`](crate::stats::AlphaAccumulator::from_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = codec::Reader::open(bytes, StateKind::Icc)?;
        let k = r.usize("n_raters")?;
        let n = r.u64("n")?;
        let n_incomplete = r.u64("n_incomplete")?;
        let first_incomplete = match r.u8("first_incomplete")? {
            0 => None,
            1 => Some(IncompleteTarget {
                target: r.u64("first_incomplete.target")?,
                rater: r.u64("first_incomplete.rater")?,
                present: r.u64("first_incomplete.present")?,
            }),
            t => {
                return Err(StateError::Format {
                    reason: format!("first_incomplete: presence byte {t} is neither 0 nor 1"),
                });
            }
        };
        let moments = match r.u8("path")? {
            0 => IccMomentState::Exact {
                rater_sums: r.i128s(k, "rater_sums")?,
                rater_squares: r.i128s(k, "rater_squares")?,
                rater_row_products: r.i128s(k, "rater_row_products")?,
                row_sum_squares: r.i128s(1, "row_sum_squares")?[0],
            },
            1 => IccMomentState::Float {
                pilot: r.f64("pilot")?,
                exponent: r.i32s(1, "exponent")?[0],
                row_mean: r.f64("row_mean")?,
                row_m2: r.f64("row_m2")?,
                dev_means: r.f64s(k, "dev_means")?,
                dev_m2: r.f64s(k, "dev_m2")?,
            },
            t => {
                return Err(StateError::Format {
                    reason: format!("unknown path tag {t} (0 exact, 1 float)"),
                });
            }
        };
        r.end()?;
        Self::from_state(IccState {
            version: STATE_VERSION,
            kind: StateKind::Icc,
            n_raters: k,
            n,
            n_incomplete,
            first_incomplete,
            moments,
        })
    }
}

/// Bounds, Cauchy–Schwarz and identities of exact ICC sums of n targets.
fn check_exact(e: &IccExact, n: usize) -> Result<(), StateError> {
    let k = e.c.len() as i128;
    let ni = n as i128;
    let l = EXACT_LIMIT as i128;
    let bad = |what: String, v: i128| {
        Err(StateError::invalid(
            what,
            format!("{v} is impossible for {n} targets of integer ratings within 2^20"),
        ))
    };
    for j in 0..e.c.len() {
        if e.c[j].abs() > ni * l {
            return bad(format!("rater_sums[{j}]"), e.c[j]);
        }
        // c² ≤ n²·2⁴⁰ and n·q ≤ n²·2⁴⁰ fit unless n > 2⁴³; saturation only loosens the check
        if !(0..=ni * l * l).contains(&e.q[j])
            || ni.saturating_mul(e.q[j]) < e.c[j].saturating_mul(e.c[j])
        {
            return bad(format!("rater_squares[{j}]"), e.q[j]);
        }
        if e.pr[j].abs() > ni.saturating_mul(k).saturating_mul(l * l) {
            return bad(format!("rater_row_products[{j}]"), e.pr[j]);
        }
    }
    let g = e.c.iter().fold(0i128, |a, &b| a.saturating_add(b));
    let r2_max = ni.saturating_mul(k).saturating_mul(k).saturating_mul(l * l);
    if !(0..=r2_max).contains(&e.r2) || ni.saturating_mul(e.r2) < g.saturating_mul(g) {
        return bad("row_sum_squares".to_owned(), e.r2);
    }
    let p_total = e.pr.iter().try_fold(0i128, |a, &b| a.checked_add(b));
    if p_total != Some(e.r2) {
        let p_total = p_total.map_or_else(|| "more than 2^127".to_owned(), |t| t.to_string());
        return Err(StateError::invalid(
            "rater_row_products",
            format!(
                "sum to {p_total}, which must equal row_sum_squares {}",
                e.r2
            ),
        ));
    }
    if let Some((rows, cols, res)) = e.scaled_sums_of_squares(n)
        && (rows < 0 || cols < 0 || res < 0)
    {
        return Err(StateError::invalid(
            "sums",
            format!(
                "give a negative sum of squares (scaled rows {rows}, raters {cols}, residual {res})"
            ),
        ));
    }
    let (_, _, _, dev_m2) = e.moments(n);
    check_float(n, 0.0, 0.0, &vec![0.0; dev_m2.len()], &dev_m2)
}

/// Checks floating-point ICC moments: zeros without targets, non-negative sums of squares and
/// row-centred means summing to 0, each beyond rounding.
fn check_float(
    n: usize,
    row_mean: f64,
    row_m2: f64,
    dev_means: &[f64],
    dev_m2: &[f64],
) -> Result<(), StateError> {
    if n == 0 {
        if row_mean != 0.0 || row_m2 != 0.0 || dev_means.iter().chain(dev_m2).any(|&x| x != 0.0) {
            return Err(StateError::invalid(
                "moments",
                "are not 0 in a state of 0 targets",
            ));
        }
        return Ok(());
    }
    let scale = 1.0 + row_m2.abs() + dev_m2.iter().map(|x| x.abs()).sum::<f64>();
    for (what, v) in std::iter::once(("row_m2".to_owned(), row_m2)).chain(
        dev_m2
            .iter()
            .enumerate()
            .map(|(j, &v)| (format!("dev_m2[{j}]"), v)),
    ) {
        if v < -ROUNDING * scale {
            return Err(StateError::invalid(
                what,
                format!("{v} is a negative sum of squares"),
            ));
        }
    }
    // Each row's deviations sum to 0 up to the rounding of values as large as the ratings
    // themselves, which can far exceed the means after cancellation (ratings of ±1e154 whose
    // mean deviations are 1e145): the scale includes the spreads √M2 (any one deviation from
    // a mean is at most √M2), or the check would refuse states an accumulator reaches.
    let sum: f64 = dev_means.iter().sum();
    let spread: f64 =
        dev_m2.iter().map(|x| x.max(0.0).sqrt()).sum::<f64>() + row_m2.max(0.0).sqrt();
    let size: f64 = dev_means.iter().map(|x| x.abs()).sum::<f64>() + row_mean.abs() + spread;
    if sum.abs() > ROUNDING * (1.0 + size) {
        return Err(StateError::invalid(
            "dev_means",
            format!("sum to {sum}; row-centred means sum to 0"),
        ));
    }
    Ok(())
}
