//! Checking stored scores: a total (or a subscale score) read from a file or a database must
//! be one the instrument can produce.
//!
//! A stored [`Score`] is checked against its [`Instrument`]: the total and every subscale lie
//! in their range; the total lies on the instrument's step (an item sum of whole-number
//! answers is a whole number; a mean is a whole item sum divided by the item count; a
//! prorated total is a whole sum of the answered items scaled up); and when the responses are
//! stored too, the stored total and subscales equal the score of those responses. Visual
//! analogue scales have no step. The same check applies to a [`Series`] of totals handed to
//! the monitor ([`check_series`]).

use std::fmt;

use thiserror::Error;

use crate::monitor::Series;
use crate::{Aggregation, Instrument, ResponseScale, Responses, Score, ScoreError};

/// What is wrong with a stored score.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StoredProblem {
    /// Outside the score's range.
    OutOfRange {
        /// Lowest possible value.
        min: f64,
        /// Highest possible value.
        max: f64,
    },
    /// Not on the instrument's step.
    OffStep,
    /// Different from the score of the stored responses.
    Mismatch {
        /// The score of the responses.
        computed: f64,
    },
    /// A subscale the instrument does not have.
    UnknownSubscale,
    /// The stored responses themselves cannot be scored.
    Responses(Box<ScoreError>),
    /// The count of answered (or of imputed) items is more than the instrument has items, or
    /// the two together are; the error's value is the count.
    Counts {
        /// The instrument's item count.
        items: usize,
    },
}

/// A stored score that the instrument cannot produce. Names the session (when known), the
/// instrument, which score (`"total"` or a subscale) and the value.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub struct StoredScoreError {
    /// The session, when the score belongs to one.
    pub session: Option<u32>,
    /// The instrument id.
    pub instrument: String,
    /// `"total"` or the subscale's name.
    pub score: String,
    /// The stored value.
    pub value: f64,
    /// What is wrong.
    pub problem: StoredProblem,
}

impl fmt::Display for StoredScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.session {
            write!(f, "session {s}: ")?;
        }
        let (i, w, v) = (&self.instrument, &self.score, self.value);
        match &self.problem {
            StoredProblem::OutOfRange { min, max } => {
                write!(f, "{i} {w} {v} is outside {min}..={max}")
            }
            StoredProblem::OffStep => write!(f, "{i} {w} {v} is not on the instrument's step"),
            StoredProblem::Mismatch { computed } => write!(
                f,
                "{i} {w} {v} differs from {computed}, the score of the stored responses"
            ),
            StoredProblem::UnknownSubscale => write!(f, "{i} has no subscale {w:?}"),
            StoredProblem::Responses(e) => write!(f, "{i} stored responses: {e}"),
            StoredProblem::Counts { items } => {
                write!(f, "{i} {w} count {v} is impossible with {items} items")
            }
        }
    }
}

impl StoredScoreError {
    /// The same error naming `session`.
    #[must_use]
    pub fn in_session(mut self, session: u32) -> Self {
        self.session = Some(session);
        self
    }
}

/// Relative tolerance for equality of stored and computed scores (as cutoff comparisons).
const TOLERANCE: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

fn in_range(value: f64, (min, max): (f64, f64)) -> bool {
    value.is_finite() && (value >= min || close(value, min)) && (value <= max || close(value, max))
}

/// Whether `total` lies on the instrument's step (`answered` items, prorated or not).
fn on_step(instrument: &Instrument, total: f64, answered: Option<usize>) -> bool {
    if matches!(instrument.scale(), ResponseScale::VisualAnalogue { .. }) {
        return true;
    }
    let n = instrument.item_count() as f64;
    // The item sum the total stands for.
    let sum = match instrument.total_aggregation() {
        Aggregation::Mean => total * n,
        Aggregation::ScaledMean { factor } => total * n / factor,
        _ => total,
    };
    // Prorated: the sum of the answered items, scaled up by n / answered.
    let raw = match answered {
        Some(k) if k > 0 && (k as f64) < n => sum * k as f64 / n,
        _ => sum,
    };
    (raw - raw.round()).abs() <= 1e-6 * raw.abs().max(1.0)
}

/// Checks a stored score against its instrument (and against the stored responses, when
/// given). The score's `answered` count is used for the step of a prorated total.
///
/// ```
/// use therapeutic_alliance::{Answer, Instrument, Responses, check_stored};
/// let srs = Instrument::builtin("srs").ok_or("no srs")?;
/// let responses: Responses = (1..=4).map(|i| (i, Answer::Value(9.0))).collect();
/// let mut score = srs.score(&responses)?;
/// assert!(check_stored(&srs, &score, Some(&responses)).is_ok());
/// score.total = 999.0; // as read from a corrupted record
/// let e = check_stored(&srs, &score, None).unwrap_err();
/// assert_eq!(e.to_string(), "srs total 999 is outside 0..=40");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`StoredScoreError`] for the first problem found.
pub fn check_stored(
    instrument: &Instrument,
    score: &Score,
    responses: Option<&Responses>,
) -> Result<(), StoredScoreError> {
    let err = |score_name: &str, value: f64, problem| StoredScoreError {
        session: None,
        instrument: instrument.id().to_owned(),
        score: score_name.to_owned(),
        value,
        problem,
    };
    let items = instrument.item_count();
    let counts_ok = score.answered <= items && score.imputed <= items - score.answered;
    if !counts_ok {
        let (name, count) = if score.answered > items {
            ("answered", score.answered)
        } else {
            ("imputed", score.imputed)
        };
        return Err(err(name, count as f64, StoredProblem::Counts { items }));
    }
    let range = instrument.total_range();
    if !in_range(score.total, range) {
        let (min, max) = range;
        return Err(err(
            "total",
            score.total,
            StoredProblem::OutOfRange { min, max },
        ));
    }
    // A prorated total is a mean scaled up, often stored rounded: its range is checked, and
    // its value against the stored responses when they are given, but not its step.
    if !score.prorated && !on_step(instrument, score.total, None) {
        return Err(err("total", score.total, StoredProblem::OffStep));
    }
    for sub in &score.subscales {
        let Some(index) = instrument
            .subscales()
            .iter()
            .position(|s| s.name == sub.name)
        else {
            return Err(err(&sub.name, sub.value, StoredProblem::UnknownSubscale));
        };
        if let Some(r) = instrument.subscale_range(index)
            && !in_range(sub.value, r)
        {
            return Err(err(
                &sub.name,
                sub.value,
                StoredProblem::OutOfRange { min: r.0, max: r.1 },
            ));
        }
    }
    if let Some(responses) = responses {
        let computed = instrument
            .score(responses)
            .map_err(|e| err("total", score.total, StoredProblem::Responses(Box::new(e))))?;
        if !close(score.total, computed.total) {
            return Err(err(
                "total",
                score.total,
                StoredProblem::Mismatch {
                    computed: computed.total,
                },
            ));
        }
        for sub in &score.subscales {
            match computed.subscale(&sub.name) {
                Some(c) if close(c, sub.value) => {}
                Some(c) => {
                    return Err(err(
                        &sub.name,
                        sub.value,
                        StoredProblem::Mismatch { computed: c },
                    ));
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// Checks every value of a series of totals handed to the monitor against the instrument's
/// range and step (complete, not prorated, administrations).
///
/// # Errors
/// [`StoredScoreError`] naming the first session whose value the instrument cannot produce.
pub fn check_series(instrument: &Instrument, series: &Series) -> Result<(), StoredScoreError> {
    for &(session, value) in series.points() {
        let range = instrument.total_range();
        let problem = if !in_range(value, range) {
            Some(StoredProblem::OutOfRange {
                min: range.0,
                max: range.1,
            })
        } else if !on_step(instrument, value, None) {
            Some(StoredProblem::OffStep)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(StoredScoreError {
                session: Some(session),
                instrument: instrument.id().to_owned(),
                score: "total".to_owned(),
                value,
                problem,
            });
        }
    }
    Ok(())
}

impl crate::document::ErrorCode for StoredScoreError {
    fn code(&self) -> &'static str {
        match self.problem {
            StoredProblem::OutOfRange { .. } => "stored_out_of_range",
            StoredProblem::OffStep => "stored_off_step",
            StoredProblem::Mismatch { .. } => "stored_mismatch",
            StoredProblem::UnknownSubscale => "unknown_subscale",
            StoredProblem::Responses(ref e) => e.code(),
            StoredProblem::Counts { .. } => "stored_counts",
        }
    }

    fn fields(&self) -> crate::document::ErrorFields {
        let mut f = crate::document::ErrorFields::new()
            .instrument(self.instrument.clone())
            .field(self.score.clone())
            .value(self.value);
        if let Some(s) = self.session {
            f = f.session(s);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Answer;

    fn score_of(id: &str, answers: &[f64]) -> (Instrument, Responses, Score) {
        let inst = Instrument::builtin(id).unwrap();
        let r: Responses = answers
            .iter()
            .enumerate()
            .map(|(i, &x)| (i as u16 + 1, Answer::Value(x)))
            .collect();
        let s = inst.score(&r).unwrap();
        (inst, r, s)
    }

    #[test]
    fn a_real_score_passes_with_its_responses() {
        let (wai, r, s) = score_of("wai-sr", &[4.0; 12]);
        assert!(check_stored(&wai, &s, Some(&r)).is_ok());
        let (core, r, s) = score_of("core-om", &[1.0; 34]);
        assert!(check_stored(&core, &s, Some(&r)).is_ok());
    }

    #[test]
    fn off_scale_off_step_and_mismatch_are_refused() {
        let (srs, r, mut s) = score_of("srs", &[9.0, 9.0, 9.0, 9.0]);
        s.total = -500.0;
        assert!(matches!(
            check_stored(&srs, &s, None).unwrap_err().problem,
            StoredProblem::OutOfRange { .. }
        ));
        s.total = 30.0;
        let e = check_stored(&srs, &s, Some(&r)).unwrap_err().in_session(3);
        assert_eq!(
            e.to_string(),
            "session 3: srs total 30 differs from 36, the score of the stored responses"
        );
        let (wai, _, mut s) = score_of("wai-sr", &[4.0; 12]);
        s.total = 48.5;
        assert_eq!(
            check_stored(&wai, &s, None).unwrap_err().problem,
            StoredProblem::OffStep
        );
        s.total = 48.0;
        s.subscales[0].value = 99.0;
        assert!(check_stored(&wai, &s, None).is_err());
    }

    #[test]
    fn prorated_totals_are_on_their_own_step() {
        let core10 = Instrument::builtin("core-10").unwrap();
        let mut r: Responses = (1..=9).map(|i| (i, Answer::Value(1.0))).collect();
        r.insert(10, Answer::Missing).unwrap();
        let mut s = core10.score(&r).unwrap();
        assert!(s.prorated);
        assert!(check_stored(&core10, &s, Some(&r)).is_ok());
        s.total = (s.total * 10.0).round() / 10.0; // stored rounded to 0.1
        assert!(check_stored(&core10, &s, None).is_ok());
    }

    #[test]
    fn series_values_are_checked_and_name_the_session() {
        let srs = Instrument::builtin("srs").unwrap();
        let ok = Series::new(vec![(1, 35.5), (2, 38.0)]).unwrap();
        assert!(check_series(&srs, &ok).is_ok());
        let bad = Series::new(vec![(1, 35.5), (2, 999.0)]).unwrap();
        let e = check_series(&srs, &bad).unwrap_err();
        assert_eq!(e.session, Some(2));
        let phq = Instrument::builtin("phq-9").unwrap();
        let e = check_series(&phq, &Series::new(vec![(1, 12.5)]).unwrap()).unwrap_err();
        assert_eq!(e.problem, StoredProblem::OffStep);
    }
}
