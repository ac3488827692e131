//! Exported accumulator state: the error type, the kind and version tags, the exact integer
//! path's rule, the decimal-string encoding of integer sums, and the checks shared by the three
//! accumulators' imports. The states themselves live beside their accumulators
//! (`reliability/state.rs`, `agreement/state.rs`, `correlation_state.rs`); the binary
//! encoding is in `codec.rs`.

pub(crate) mod codec;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::numeric::summation::Frame;

/// The state format version this build writes and reads (in every state's `version` field and
/// in the binary header).
pub const STATE_VERSION: u32 = 1;

/// The largest magnitude a value may have and still be accumulated on the exact integer path:
/// 2²⁰ = 1,048,576. Every rating scale and count fits; the bound keeps the fast kernel's
/// block sums exact in `f64` (a block of 256 rows adds at most 2⁸·(2²¹)² = 2⁵⁰ < 2⁵³) and the
/// `i128` totals far from overflow (10¹⁵ rows of such values stay below 2¹⁰⁰).
pub const EXACT_LIMIT: f64 = 1_048_576.0;

/// Which accumulator a state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StateKind {
    /// [`AlphaAccumulator`](crate::stats::AlphaAccumulator).
    Alpha,
    /// [`IccAccumulator`](crate::stats::IccAccumulator).
    Icc,
    /// [`CorrelationAccumulator`](crate::stats::CorrelationAccumulator).
    Correlation,
}

impl StateKind {
    /// The lowercase name used in messages and JSON (`"alpha"`, `"icc"`, `"correlation"`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Alpha => "alpha",
            Self::Icc => "icc",
            Self::Correlation => "correlation",
        }
    }

    /// The tag byte of the binary encoding.
    pub(crate) fn tag(self) -> u8 {
        match self {
            Self::Alpha => 1,
            Self::Icc => 2,
            Self::Correlation => 3,
        }
    }

    pub(crate) fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            1 => Some(Self::Alpha),
            2 => Some(Self::Icc),
            3 => Some(Self::Correlation),
            _ => None,
        }
    }
}

impl std::fmt::Display for StateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an exported accumulator state (a state struct or its bytes) was refused on import.
///
/// Import never guesses: a state that could not have come from an accumulator of this build
/// (wrong version or kind, inconsistent sizes, a non-finite or impossible number, bytes that
/// are truncated or fail their checksum) is one of these, never a wrong result.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum StateError {
    /// The state was written by a different format version.
    #[error("state version {found} is not supported (this build reads version {supported})")]
    Version {
        /// The version in the state.
        found: u32,
        /// The version this build reads ([`STATE_VERSION`]).
        supported: u32,
    },
    /// The state belongs to another accumulator.
    #[error("state of kind {found} cannot be imported as {expected}")]
    Kind {
        /// The accumulator importing it.
        expected: StateKind,
        /// The kind in the state.
        found: StateKind,
    },
    /// A field's length does not match the state's dimensions.
    #[error("{what}: expected {expected} values, got {got}")]
    Dimension {
        /// Which field.
        what: String,
        /// The length the dimensions imply.
        expected: usize,
        /// The length found.
        got: usize,
    },
    /// A number no accumulator can hold (non-finite, negative where it cannot be, outside the
    /// range of the data, inconsistent with the count).
    #[error("{what}: {reason}")]
    Invalid {
        /// Which field (and index).
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The co-moment matrix is not positive semidefinite beyond rounding.
    #[error("{what}: not positive semidefinite (pivot {pivot} is negative)")]
    NotPositiveSemidefinite {
        /// Which matrix.
        what: String,
        /// The 0-based pivot where the factorisation failed.
        pivot: usize,
    },
    /// The bytes are not an accumulator state (bad magic, unknown tag, truncated, trailing
    /// bytes).
    #[error("state bytes: {reason}")]
    Format {
        /// What is wrong.
        reason: String,
    },
    /// The bytes fail their checksum (corrupted in transit or storage).
    #[error("state bytes: checksum {found:#018x} does not match the computed {computed:#018x}")]
    Checksum {
        /// The checksum stored in the bytes.
        found: u64,
        /// The checksum of the bytes received.
        computed: u64,
    },
}

impl StateError {
    pub(crate) fn invalid(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            what: what.into(),
            reason: reason.into(),
        }
    }
}

/// Checks the version and kind tags of a state.
pub(crate) fn check_header(
    version: u32,
    kind: StateKind,
    expected: StateKind,
) -> Result<(), StateError> {
    if version != STATE_VERSION {
        return Err(StateError::Version {
            found: version,
            supported: STATE_VERSION,
        });
    }
    if kind != expected {
        return Err(StateError::Kind {
            expected,
            found: kind,
        });
    }
    Ok(())
}

/// Checks a field's length.
pub(crate) fn check_len(what: &str, expected: usize, got: usize) -> Result<(), StateError> {
    if expected == got {
        Ok(())
    } else {
        Err(StateError::Dimension {
            what: what.to_owned(),
            expected,
            got,
        })
    }
}

/// Checks that every value is finite.
pub(crate) fn check_finite(what: &str, xs: &[f64]) -> Result<(), StateError> {
    match xs.iter().position(|x| !x.is_finite()) {
        Some(i) => Err(StateError::invalid(
            format!("{what}[{i}]"),
            format!("{} is not finite", xs[i]),
        )),
        None => Ok(()),
    }
}

/// Whether `x` may be accumulated exactly: an integer of magnitude at most [`EXACT_LIMIT`].
pub(crate) fn is_exact(x: f64) -> bool {
    x.abs() <= EXACT_LIMIT && x.trunc() == x
}

/// Relative tolerance for "beyond rounding" in the float path's checks: far above the
/// accumulated rounding of any real state (about 1e-13 relative), far below a real corruption.
pub(crate) const ROUNDING: f64 = 1e-9;

/// Checks that a symmetric matrix (full `p × p`, row-major, upper triangle used) is positive
/// semidefinite beyond rounding: its correlation form plus [`ROUNDING`]·p on the diagonal has
/// a Cholesky factorisation. A zero (or subnormal) diagonal needs a row within rounding of
/// zero.
pub(crate) fn check_psd(what: &str, p: usize, upper: &[f64]) -> Result<(), StateError> {
    let at = |i: usize, j: usize| {
        if i <= j {
            upper[i * p + j]
        } else {
            upper[j * p + i]
        }
    };
    // A subnormal sum of squares (below f64::MIN_POSITIVE) has lost most of its precision, so
    // its correlations cannot be checked to rounding: it counts as a zero column, whose
    // co-moments are bounded by Cauchy–Schwarz below.
    let scale: Vec<f64> = (0..p)
        .map(|i| {
            let d = at(i, i);
            if d >= f64::MIN_POSITIVE {
                d.sqrt()
            } else {
                0.0
            }
        })
        .collect();
    for i in 0..p {
        if at(i, i) < -ROUNDING * (1.0 + scale.iter().fold(0.0f64, |a, &b| a.max(b * b))) {
            return Err(StateError::invalid(
                format!("{what}[{i},{i}]"),
                format!("{} is a negative sum of squares", at(i, i)),
            ));
        }
    }
    // correlation form: c_ij = m_ij / (s_i s_j), 0 where a diagonal is 0 (then m_ij must be ~0)
    let tol = ROUNDING * p as f64;
    let mut c = vec![0.0; p * p];
    for i in 0..p {
        for j in i..p {
            let v = if scale[i] > 0.0 && scale[j] > 0.0 {
                at(i, j) / (scale[i] * scale[j])
            } else {
                // Cauchy–Schwarz with a zero (or subnormal, so below 2^-1022 up to the
                // rounding of at most 2^53 underflowing terms) sum of squares:
                // |m_ij| <= sqrt(4·MIN_POSITIVE·m_jj). (A looser bound proportional to m_jj let
                // through states that a later push turned into |r| > 1.)
                let zero = (4.0 * f64::MIN_POSITIVE).sqrt();
                let bound =
                    zero * scale[i].max(scale[j]) * (1.0 + ROUNDING) + 4.0 * f64::MIN_POSITIVE;
                if at(i, j).abs() > bound {
                    return Err(StateError::NotPositiveSemidefinite {
                        what: what.to_owned(),
                        pivot: i,
                    });
                }
                0.0
            };
            c[i * p + j] = v;
            c[j * p + i] = v;
        }
    }
    // In-place Cholesky (lower triangle) of C + tol·I. A matrix within `tol` of a positive
    // semidefinite one (by Weyl, its smallest eigenvalue is above −tol) makes that positive
    // definite, so every pivot is positive, however near singular C is (rank-deficient data,
    // fewer rows than items); one further than `tol` from it fails at some pivot. (Treating
    // pivots within `tol` of zero as zero columns instead refused states that accumulators
    // reach: a pivot just above `tol` divided rounding errors by its small root.)
    for k in 0..p {
        let mut d = c[k * p + k] + tol;
        for m in 0..k {
            d -= c[k * p + m] * c[k * p + m];
        }
        if !(d.is_finite() && d > 0.0) {
            return Err(StateError::NotPositiveSemidefinite {
                what: what.to_owned(),
                pivot: k,
            });
        }
        let root = d.sqrt();
        c[k * p + k] = root;
        for i in k + 1..p {
            let mut v = c[i * p + k];
            for m in 0..k {
                v -= c[i * p + m] * c[k * p + m];
            }
            c[i * p + k] = v / root;
        }
    }
    Ok(())
}

/// `i128` values as decimal strings in serde formats: exact sums of squares exceed 2⁵³, the
/// largest integer JSON readers (JavaScript, many others) hold exactly, so they travel as
/// strings such as `"123456789012345678901"`.
pub(crate) mod decimal {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(crate) fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(D::Error::custom)
    }

    fn parse(s: &str) -> Result<i128, String> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("integer sum {s:?} is not a decimal integer"));
        }
        s.parse::<i128>()
            .map_err(|_| format!("integer sum {s:?} does not fit in 128 bits"))
    }

    /// The same for a `Vec<i128>`.
    pub(crate) mod vec {
        use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::SerializeSeq};

        pub(crate) fn serialize<S: Serializer>(v: &[i128], s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(v.len()))?;
            for x in v {
                seq.serialize_element(&x.to_string())?;
            }
            seq.end()
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i128>, D::Error> {
            let v = Vec::<String>::deserialize(d)?;
            v.iter()
                .map(|s| super::parse(s).map_err(D::Error::custom))
                .collect()
        }
    }
}

/// `n·s2 − s1·s1'` exactly, or `None` on overflow: n times the centred co-moment of two
/// integer columns with sums `s1`, `s1b` and cross-product sum `s2`.
pub(crate) fn centred_numerator(n: u64, s2: i128, s1: i128, s1b: i128) -> Option<i128> {
    i128::from(n)
        .checked_mul(s2)?
        .checked_sub(s1.checked_mul(s1b)?)
}

/// The centred co-moment `s2 − s1·s1b/n` of exact sums as an `f64`: the exact numerator
/// divided by n (two roundings), or, should the numerator overflow 128 bits, the same in
/// `f64` arithmetic (deterministic either way, so the result depends only on the sums).
pub(crate) fn centred(n: u64, s2: i128, s1: i128, s1b: i128) -> f64 {
    if n == 0 {
        return 0.0;
    }
    match centred_numerator(n, s2, s1, s1b) {
        Some(num) => num as f64 / n as f64,
        None => s2 as f64 - (s1 as f64 / n as f64) * s1b as f64,
    }
}

/// Adds the exact pair (x, y) (both [`is_exact`]) to the exact sums [Σx, Σy, Σx², Σxy, Σy²]
/// of a pair of variables. |x|, |y| ≤ 2²⁰: each term is at most 2⁴⁰, so the sums of up to
/// 2⁸⁶ pairs fit in `i128`; callers bound the count.
pub(crate) fn add_exact_pair(sums: &mut [i128; 5], x: f64, y: f64) {
    let (x, y) = (x as i128, y as i128);
    for (s, v) in sums.iter_mut().zip([x, y, x * x, x * y, y * y]) {
        *s += v;
    }
}

/// Σdx², Σdy², Σdxdy of `n` pairs from their exact sums [Σx, Σy, Σx², Σxy, Σy²] (see
/// [`centred`]).
pub(crate) fn centred_pair(n: u64, [sx, sy, sxx, sxy, syy]: [i128; 5]) -> (f64, f64, f64) {
    (
        centred(n, sxx, sx, sx),
        centred(n, syy, sy, sy),
        centred(n, sxy, sx, sy),
    )
}

/// Means and co-moments of p variables, as an exported state holds them: exact integer sums
/// on the exact path, means and centred co-moments on the float path (see
/// [`AlphaAccumulator`](crate::stats::AlphaAccumulator), "Exact integer path"). Matrices are
/// packed upper triangles, row by row: (0,0), (0,1), …, (0,p−1), (1,1), …, (p−1,p−1), that is
/// p(p+1)/2 values.
///
/// JSON: internally tagged, `{"kind": "exact", "sums": ["12", …], "cross_products": ["40", …]}`
/// with the `i128` sums as decimal strings (they exceed 2⁵³, beyond what JSON numbers carry
/// exactly in most readers), or `{"kind": "float", "means": [..], "comoments": [..]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MomentState {
    /// The exact integer path: Σx per variable and the packed Σ x_i·x_j.
    Exact {
        /// Σx per variable (p values).
        #[serde(with = "decimal::vec")]
        sums: Vec<i128>,
        /// Σ x_i·x_j, packed upper triangle (p(p+1)/2 values).
        #[serde(with = "decimal::vec")]
        cross_products: Vec<i128>,
    },
    /// The floating-point path: means and centred co-moments Σ (u_i − ū_i)(u_j − ū_j) of
    /// the values in their frames, `u_i = (x_i − pilot_i)·2^−exponent_i` (Chan, Golub &
    /// LeVeque 1983): the pilot is a data value, so an offset such as 1e15 cancels exactly,
    /// and the power-of-two unit keeps squares of data scaled by 1e154 or 1e-160 in range.
    /// In raw units the mean is `pilot_i + ū_i·2^exponent_i` and the co-moment
    /// `c_ij·2^(exponent_i + exponent_j)`. A frame with pilot 0 and exponent 0 holds raw
    /// values.
    Float {
        /// Pilot (shift) per variable (p values).
        pilots: Vec<f64>,
        /// Binary exponent of the unit per variable (p values, in −1022..=1023).
        exponents: Vec<i32>,
        /// Means in frame units (p values).
        means: Vec<f64>,
        /// Centred co-moments in frame units, packed upper triangle (p(p+1)/2 values).
        comoments: Vec<f64>,
    },
}

/// The frames of an imported float state: one per variable, from its pilot and exponent.
pub(crate) fn check_frames(pilots: &[f64], exponents: &[i32]) -> Result<Vec<Frame>, StateError> {
    check_finite("pilots", pilots)?;
    pilots
        .iter()
        .zip(exponents)
        .enumerate()
        .map(|(i, (&pilot, &exp))| {
            if (-1022..=1023).contains(&exp) {
                Ok(Frame::new(pilot, exp))
            } else {
                Err(StateError::invalid(
                    format!("exponents[{i}]"),
                    format!("{exp} is outside -1022..=1023"),
                ))
            }
        })
        .collect()
}

/// p(p+1)/2, or an error when that overflows.
pub(crate) fn triangle(p: usize) -> Result<usize, StateError> {
    p.checked_add(1)
        .and_then(|q| q.checked_mul(p))
        .map(|t| t / 2)
        .ok_or_else(|| StateError::invalid("dimension", format!("{p} variables is too many")))
}

/// Packs the upper triangle of a full row-major p × p matrix.
pub(crate) fn pack<T: Copy>(p: usize, full: &[T]) -> Vec<T> {
    (0..p)
        .flat_map(|i| (i..p).map(move |j| full[i * p + j]))
        .collect()
}

/// Unpacks a packed upper triangle into a full row-major p × p matrix (lower part `zero`).
pub(crate) fn unpack<T: Copy>(p: usize, packed: &[T], zero: T) -> Vec<T> {
    let mut full = vec![zero; p * p];
    let mut it = packed.iter();
    for i in 0..p {
        for j in i..p {
            if let Some(&v) = it.next() {
                full[i * p + j] = v;
            }
        }
    }
    full
}

/// The checked pieces of a [`MomentState`] for `p` variables and `n` records, with full
/// (unpacked) matrices.
pub(crate) enum CheckedMoments {
    Exact {
        s1: Vec<i128>,
        s2: Vec<i128>,
    },
    /// Means and full co-moment matrix in the frames' units.
    Float {
        frames: Vec<Frame>,
        mean: Vec<f64>,
        m2: Vec<f64>,
    },
}

impl MomentState {
    /// Checks the moments of `p` variables over `n` records whose values lay in `range`
    /// (`None`: unknown, then only [`EXACT_LIMIT`] bounds the exact sums).
    pub(crate) fn check(
        self,
        p: usize,
        n: u64,
        range: Option<(f64, f64)>,
    ) -> Result<CheckedMoments, StateError> {
        let tri = triangle(p)?;
        match self {
            Self::Exact {
                sums,
                cross_products,
            } => {
                check_len("sums", p, sums.len())?;
                check_len("cross_products", tri, cross_products.len())?;
                let s2 = unpack(p, &cross_products, 0i128);
                check_exact_sums(p, n, range, &sums, &s2)?;
                Ok(CheckedMoments::Exact { s1: sums, s2 })
            }
            Self::Float {
                pilots,
                exponents,
                means,
                comoments,
            } => {
                check_len("pilots", p, pilots.len())?;
                check_len("exponents", p, exponents.len())?;
                check_len("means", p, means.len())?;
                check_len("comoments", tri, comoments.len())?;
                let frames = check_frames(&pilots, &exponents)?;
                check_finite("means", &means)?;
                check_finite("comoments", &comoments)?;
                let m2 = unpack(p, &comoments, 0.0);
                if n == 0 {
                    if let Some(i) = means.iter().chain(&comoments).position(|&x| x != 0.0) {
                        return Err(StateError::invalid(
                            format!("moments[{i}]"),
                            "is not 0 in a state of 0 records",
                        ));
                    }
                } else if let Some((lo, hi)) = range {
                    let slack = ROUNDING * lo.abs().max(hi.abs()).max(1.0);
                    for (i, &m) in means.iter().enumerate() {
                        let m = frames[i].unapply(m);
                        if m < lo - slack || m > hi + slack {
                            return Err(StateError::invalid(
                                format!("means[{i}]"),
                                format!("{m} lies outside the data range [{lo}, {hi}]"),
                            ));
                        }
                    }
                    // a sum of squared deviations is at most n·(m − lo)(hi − m) (Bhatia &
                    // Davis 2000, Amer. Math. Monthly 107(4), 353–357; at most n·range²/4),
                    // with the mean widened by the slack. The weaker range²/4 bound let in
                    // states that a push of values within the range took past it.
                    for i in 0..p {
                        let m = frames[i].unapply(means[i]);
                        let bound =
                            n as f64 * ((m - lo).max(0.0) + slack) * ((hi - m).max(0.0) + slack);
                        // the bound in frame units (exact scaling)
                        let bound = Frame::new(0.0, 0).rescale(&frames[i], bound, 2);
                        let v = m2[i * p + i];
                        if v > bound * (1.0 + ROUNDING) {
                            return Err(StateError::invalid(
                                format!("comoments[{i},{i}]"),
                                format!("{v} exceeds what {n} values in [{lo}, {hi}] allow"),
                            ));
                        }
                    }
                }
                check_psd("comoments", p, &m2)?;
                Ok(CheckedMoments::Float {
                    frames,
                    mean: means,
                    m2,
                })
            }
        }
    }
}

/// Checks exact sums of n records of p variables within `range` (or ±[`EXACT_LIMIT`]):
/// each Σx between n·min and n·max, each Σx² between 0 and n·max(min², max²), each
/// |Σx_i x_j| within n·max(min², max²), and the centred matrix positive semidefinite.
fn check_exact_sums(
    p: usize,
    n: u64,
    range: Option<(f64, f64)>,
    s1: &[i128],
    s2: &[i128],
) -> Result<(), StateError> {
    let (lo, hi) = range.unwrap_or((-EXACT_LIMIT, EXACT_LIMIT));
    if !(is_exact(lo) && is_exact(hi)) {
        return Err(StateError::invalid(
            "range",
            format!("[{lo}, {hi}] is not within the exact path's integers (|x| <= 2^20)"),
        ));
    }
    let (lo, hi) = (lo as i128, hi as i128);
    let n = i128::from(n);
    let sq = lo.abs().max(hi.abs()).pow(2);
    for (i, &s) in s1.iter().enumerate() {
        if s < n * lo || s > n * hi {
            return Err(StateError::invalid(
                format!("sums[{i}]"),
                format!("{s} is impossible for {n} values in [{lo}, {hi}]"),
            ));
        }
    }
    for i in 0..p {
        for j in i..p {
            let s = s2[i * p + j];
            let ok = if i == j {
                (0..=n * sq).contains(&s)
            } else {
                s.abs() <= n * sq
            };
            if !ok {
                return Err(StateError::invalid(
                    format!("cross_products[{i},{j}]"),
                    format!("{s} is impossible for {n} values in [{lo}, {hi}]"),
                ));
            }
        }
        if let Some(num) = centred_numerator(n as u64, s2[i * p + i], s1[i], s1[i])
            && num < 0
        {
            return Err(StateError::invalid(
                format!("cross_products[{i},{i}]"),
                format!("gives a negative sum of squares (n·Σx² − (Σx)² = {num})"),
            ));
        }
    }
    let n = n as u64;
    let mut m2 = vec![0.0; p * p];
    for i in 0..p {
        for j in i..p {
            m2[i * p + j] = centred(n, s2[i * p + j], s1[i], s1[j]);
        }
    }
    check_psd("cross_products", p, &m2)
}

/// Writes a [`MomentState`] (path byte 0 exact, 1 float, then the arrays).
pub(crate) fn write_moments(w: &mut codec::Writer, m: &MomentState) {
    match m {
        MomentState::Exact {
            sums,
            cross_products,
        } => {
            w.u8(0);
            w.i128s(sums);
            w.i128s(cross_products);
        }
        MomentState::Float {
            pilots,
            exponents,
            means,
            comoments,
        } => {
            w.u8(1);
            w.f64s(pilots);
            for &e in exponents {
                w.u64(i64::from(e) as u64);
            }
            w.f64s(means);
            w.f64s(comoments);
        }
    }
}

/// Reads a [`MomentState`] of `p` variables.
pub(crate) fn read_moments(r: &mut codec::Reader<'_>, p: usize) -> Result<MomentState, StateError> {
    let tri = triangle(p)?;
    match r.u8("path")? {
        0 => Ok(MomentState::Exact {
            sums: r.i128s(p, "sums")?,
            cross_products: r.i128s(tri, "cross_products")?,
        }),
        1 => Ok(MomentState::Float {
            pilots: r.f64s(p, "pilots")?,
            exponents: r.i32s(p, "exponents")?,
            means: r.f64s(p, "means")?,
            comoments: r.f64s(tri, "comoments")?,
        }),
        t => Err(StateError::Format {
            reason: format!("unknown path tag {t} (0 exact, 1 float)"),
        }),
    }
}
