//! A validated score series: (session number, value) pairs.

use serde::{Deserialize, Serialize};

use super::MonitorError;

/// One client's scores on one measure, session by session.
///
/// Validated on construction (and on deserialisation): at least one point, session numbers
/// strictly increasing (so unique), every value finite with magnitude at most
/// [`Series::MAX_ABS`] (so differences, sums and squares in every analysis stay finite). Session numbers need not be
/// consecutive: a gap is a session without a rating (a *missing* session), which matters for
/// sudden gains (see [`crate::monitor::sudden_changes`]).
///
/// Serialises as an array of `[session, value]` pairs.
///
/// ```
/// use therapeutic_alliance::monitor::Series;
/// let srs = Series::new(vec![(1, 35.0), (2, 37.5), (4, 38.0)])?;
/// assert_eq!(srs.len(), 3);
/// assert_eq!(srs.last(), (4, 38.0));
/// assert!(Series::new(vec![(1, 35.0), (1, 36.0)]).is_err()); // duplicate session
/// assert!(Series::new(vec![(2, 35.0), (1, 36.0)]).is_err()); // unsorted
/// assert!(Series::new(vec![(1, f64::NAN)]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<(u32, f64)>", into = "Vec<(u32, f64)>")]
pub struct Series {
    points: Vec<(u32, f64)>,
}

impl Series {
    /// The largest score magnitude accepted (10¹²); questionnaire totals are far smaller.
    pub const MAX_ABS: f64 = 1e12;

    /// Validates sorted `(session, value)` pairs.
    ///
    /// # Errors
    /// [`MonitorError::Empty`], [`MonitorError::NonFinite`], [`MonitorError::OutOfRange`],
    /// [`MonitorError::Unsorted`] or [`MonitorError::DuplicateSession`].
    pub fn new(points: Vec<(u32, f64)>) -> Result<Self, MonitorError> {
        if points.is_empty() {
            return Err(MonitorError::Empty {
                what: "series".to_owned(),
            });
        }
        for (i, &(session, value)) in points.iter().enumerate() {
            if !value.is_finite() {
                return Err(MonitorError::NonFinite { session, value });
            }
            if value.abs() > Self::MAX_ABS {
                return Err(MonitorError::OutOfRange {
                    session,
                    value,
                    limit: Self::MAX_ABS,
                });
            }
            if i > 0 {
                let previous = points[i - 1].0;
                if session == previous {
                    return Err(MonitorError::DuplicateSession { session });
                }
                if session < previous {
                    return Err(MonitorError::Unsorted { session, previous });
                }
            }
        }
        Ok(Self { points })
    }

    /// Sorts the pairs by session first, then validates them as [`Series::new`] does
    /// (duplicates are still an error).
    ///
    /// # Errors
    /// As [`Series::new`], except that order is not checked.
    pub fn from_unsorted(mut points: Vec<(u32, f64)>) -> Result<Self, MonitorError> {
        points.sort_by_key(|p| p.0);
        Self::new(points)
    }

    /// The `(session, value)` pairs, in session order.
    #[must_use]
    pub fn points(&self) -> &[(u32, f64)] {
        &self.points
    }

    /// Number of rated sessions (always at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Always `false`: a `Series` has at least one point. Present for API symmetry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The first rated session and its value (the intake score for an outcome measure).
    #[must_use]
    pub fn first(&self) -> (u32, f64) {
        self.points[0]
    }

    /// The last rated session and its value.
    #[must_use]
    pub fn last(&self) -> (u32, f64) {
        self.points[self.points.len() - 1]
    }

    /// The value at `session`, if that session was rated.
    #[must_use]
    pub fn value_at(&self, session: u32) -> Option<f64> {
        self.points
            .binary_search_by_key(&session, |p| p.0)
            .ok()
            .map(|i| self.points[i].1)
    }

    /// The same series with `offset` added to every value.
    ///
    /// # Errors
    /// [`MonitorError::NonFinite`] or [`MonitorError::OutOfRange`] if a shifted value is out
    /// of range.
    pub fn shifted(&self, offset: f64) -> Result<Self, MonitorError> {
        Self::new(self.points.iter().map(|&(s, v)| (s, v + offset)).collect())
    }
}

impl TryFrom<Vec<(u32, f64)>> for Series {
    type Error = MonitorError;
    fn try_from(points: Vec<(u32, f64)>) -> Result<Self, Self::Error> {
        Self::new(points).map_err(crate::document::raised)
    }
}

impl TryFrom<&[(u32, f64)]> for Series {
    type Error = MonitorError;
    fn try_from(points: &[(u32, f64)]) -> Result<Self, Self::Error> {
        Self::new(points.to_vec())
    }
}

impl From<Series> for Vec<(u32, f64)> {
    fn from(s: Series) -> Self {
        s.points
    }
}

/// Sample standard deviation (n − 1) of a slice, two-pass and compensated.
pub(crate) fn sample_sd(xs: &[f64]) -> Option<f64> {
    crate::numeric::summation::mean_var(xs).map(|(_, v)| v.sqrt())
}

/// Mean of a slice (compensated); `None` when empty.
pub(crate) fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(crate::numeric::summation::sum(xs) / xs.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_session() {
        let e = Series::new(vec![(1, 1.0), (3, f64::INFINITY)]).unwrap_err();
        assert_eq!(e.to_string(), "session 3: value inf is not finite");
        let e = Series::new(vec![(3, 1.0), (2, 1.0)]).unwrap_err();
        assert!(matches!(
            e,
            MonitorError::Unsorted {
                session: 2,
                previous: 3
            }
        ));
        assert!(Series::new(vec![]).is_err());
        let s = Series::from_unsorted(vec![(3, 1.0), (1, 2.0)]).unwrap();
        assert_eq!(s.points(), &[(1, 2.0), (3, 1.0)]);
        assert_eq!(s.value_at(3), Some(1.0));
        assert_eq!(s.value_at(2), None);
    }

    #[test]
    fn serde_goes_through_validation() {
        let s: Series = serde_json::from_str("[[1, 30.0], [2, 31.5]]").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(serde_json::to_string(&s).unwrap(), "[[1,30.0],[2,31.5]]");
        assert!(serde_json::from_str::<Series>("[[2, 30.0], [1, 31.5]]").is_err());
        assert!(serde_json::from_str::<Series>("[]").is_err());
    }
}
