//! Studies as metafor `escalc(measure = "ZCOR")` takes them: a correlation and its sample size, validated.

use serde::{Deserialize, Serialize};

use crate::stats::StatsError;

/// Largest accepted sample size; larger values would push the inverse-variance weights toward
/// overflow. No real study comes close.
pub const MAX_STUDY_N: f64 = 1e12;

/// One study's correlation and sample size, validated.
///
/// Construct with [`CorrelationStudy::new`]; deserialisation goes through the same checks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawStudy", into = "RawStudy")]
pub struct CorrelationStudy {
    r: f64,
    n: f64,
}

#[derive(Serialize, Deserialize)]
struct RawStudy {
    r: f64,
    n: f64,
}

impl TryFrom<RawStudy> for CorrelationStudy {
    type Error = StatsError;
    fn try_from(raw: RawStudy) -> Result<Self, StatsError> {
        Self::new(raw.r, raw.n).map_err(crate::document::raised)
    }
}

impl From<CorrelationStudy> for RawStudy {
    fn from(s: CorrelationStudy) -> Self {
        Self { r: s.r, n: s.n }
    }
}

impl CorrelationStudy {
    /// A study with correlation `r` from `n` participants.
    ///
    /// `r` must be finite with |r| < 1 (Fisher's z is infinite at ±1) and `n` finite with
    /// 3 < n ≤ [`MAX_STUDY_N`] (the variance `1/(n - 3)` needs n > 3). Non-integer `n` is
    /// accepted, as metafor's `escalc` accepts it.
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] naming `r` or `n`.
    pub fn new(r: f64, n: f64) -> Result<Self, StatsError> {
        if !(r.is_finite() && r.abs() < 1.0) {
            return Err(StatsError::invalid(
                "r",
                r,
                "a finite correlation with |r| < 1",
            ));
        }
        if !(n.is_finite() && n > 3.0 && n <= MAX_STUDY_N) {
            return Err(StatsError::invalid(
                "n",
                n,
                "a finite sample size with 3 < n <= 1e12",
            ));
        }
        Ok(Self { r, n })
    }

    /// The correlation.
    #[must_use]
    pub fn r(&self) -> f64 {
        self.r
    }

    /// The sample size.
    #[must_use]
    pub fn n(&self) -> f64 {
        self.n
    }

    /// Fisher's z, `atanh(r)` (metafor `escalc("ZCOR")$yi`).
    #[must_use]
    pub fn z(&self) -> f64 {
        self.r.atanh()
    }

    /// Sampling variance of z, `1/(n - 3)` (metafor `escalc("ZCOR")$vi`).
    #[must_use]
    pub fn variance(&self) -> f64 {
        1.0 / (self.n - 3.0)
    }
}

/// A record that [`correlation_studies`] refused, with the reason.
///
/// Not serialisable because [`StatsError`] is not; format `reason` with `Display` to report it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RejectedStudy {
    /// 0-based index of the record in the input slices.
    pub row: usize,
    /// Why it was refused.
    pub reason: StatsError,
}

/// The outcome of validating paired `r` and `n` columns ([`correlation_studies`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StudyBatch {
    /// The accepted studies, in input order.
    pub studies: Vec<CorrelationStudy>,
    /// The 0-based input row of each accepted study.
    pub rows: Vec<usize>,
    /// Every rejected record with its reason.
    pub rejected: Vec<RejectedStudy>,
}

/// Validates paired `r` and `n` columns record by record.
///
/// Returns the accepted studies (with their 0-based input rows) and every rejected record with
/// its reason; nothing is dropped silently. Callers decide whether to refuse or to skip.
///
/// ```
/// use therapeutic_alliance::stats::correlation_studies;
///
/// let batch = correlation_studies(&[0.3, 1.2, 0.1], &[40.0, 50.0, 2.0])?;
/// assert_eq!(batch.rows, [0]);
/// assert_eq!(batch.rejected.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`StatsError::LengthMismatch`] when the slices differ in length.
pub fn correlation_studies(r: &[f64], n: &[f64]) -> Result<StudyBatch, StatsError> {
    if r.len() != n.len() {
        return Err(StatsError::LengthMismatch {
            what: "n (paired with r)".to_owned(),
            expected: r.len(),
            got: n.len(),
        });
    }
    let mut batch = StudyBatch {
        studies: Vec::with_capacity(r.len()),
        rows: Vec::with_capacity(r.len()),
        rejected: Vec::new(),
    };
    for (row, (&ri, &ni)) in r.iter().zip(n).enumerate() {
        match CorrelationStudy::new(ri, ni) {
            Ok(s) => {
                batch.studies.push(s);
                batch.rows.push(row);
            }
            Err(reason) => batch.rejected.push(RejectedStudy { row, reason }),
        }
    }
    Ok(batch)
}
