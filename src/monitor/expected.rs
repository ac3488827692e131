//! Expected trajectories and the not-on-track rule.
//!
//! Expected treatment response (ETR) in PCOMS products is, for each intake score, the mean
//! trajectory of database clients with the same intake score ±1 (MyOutcomes, as described
//! on the effectivetherapistblog.com blog; a secondary source). The vendors' trajectories and their lower boundaries
//! are proprietary, so this module takes expected values from the caller or fits them from a
//! reference sample the caller supplies, and the tolerance band is always a parameter.

use serde::{Deserialize, Serialize};

use super::error::check_nonneg;
use super::series::mean;
use super::{MonitorError, Series};
use crate::Direction;

/// Expected value per session for one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExpectedTrajectory {
    expected: Series,
    n_reference: usize,
}

impl ExpectedTrajectory {
    /// Expected values supplied by the caller, one per session.
    #[must_use]
    pub fn new(expected: Series) -> Self {
        Self {
            expected,
            n_reference: 0,
        }
    }

    /// Fits the mean trajectory of the reference clients whose intake score (first rated
    /// value) lies within `tolerance` of `intake` (`|intake_ref − intake| ≤ tolerance`;
    /// MyOutcomes uses ±1). The expected value at a session is the mean of the matched
    /// clients' values at that session number; sessions that no matched client rated are
    /// left out.
    ///
    /// # Errors
    /// [`MonitorError::Empty`] for an empty sample, [`MonitorError::InvalidParameter`] for a
    /// non-finite intake or a negative tolerance, [`MonitorError::NoMatchingReference`] when
    /// no client matches.
    ///
    /// ```
    /// use therapeutic_alliance::monitor::{ExpectedTrajectory, Series};
    /// let reference = [
    ///     Series::new(vec![(1, 18.0), (2, 22.0), (3, 26.0)])?,
    ///     Series::new(vec![(1, 20.0), (2, 24.0)])?,
    ///     Series::new(vec![(1, 30.0), (2, 31.0)])?, // intake too far from 19
    /// ];
    /// let etr = ExpectedTrajectory::from_reference(19.0, &reference, 1.0)?;
    /// assert_eq!(etr.expected().points(), &[(1, 19.0), (2, 23.0), (3, 26.0)]);
    /// assert_eq!(etr.n_reference(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_reference(
        intake: f64,
        reference: &[Series],
        tolerance: f64,
    ) -> Result<Self, MonitorError> {
        if !intake.is_finite() {
            return Err(MonitorError::invalid("intake", intake, "a finite number"));
        }
        let tolerance = check_nonneg("tolerance", tolerance, false)?;
        if reference.is_empty() {
            return Err(MonitorError::Empty {
                what: "reference sample".to_owned(),
            });
        }
        let matched: Vec<&Series> = reference
            .iter()
            .filter(|s| (s.first().1 - intake).abs() <= tolerance)
            .collect();
        if matched.is_empty() {
            return Err(MonitorError::NoMatchingReference { intake, tolerance });
        }
        let mut sessions: Vec<u32> = matched
            .iter()
            .flat_map(|s| s.points().iter().map(|p| p.0))
            .collect();
        sessions.sort_unstable();
        sessions.dedup();
        let mut values = Vec::with_capacity(matched.len());
        let mut points = Vec::with_capacity(sessions.len());
        for s in sessions {
            values.clear();
            values.extend(matched.iter().filter_map(|m| m.value_at(s)));
            if let Some(m) = mean(&values) {
                points.push((s, m));
            }
        }
        Ok(Self {
            expected: Series::new(points)?,
            n_reference: matched.len(),
        })
    }

    /// The expected values.
    #[must_use]
    pub fn expected(&self) -> &Series {
        &self.expected
    }

    /// How many reference clients were averaged (0 when supplied directly).
    #[must_use]
    pub fn n_reference(&self) -> usize {
        self.n_reference
    }
}

/// The tolerance band below (or above, for lower-is-better measures) the expected trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OnTrackBand {
    /// Not on track when the observed value is worse than expected by more than this many
    /// points.
    Points(f64),
    /// Not on track when the observed change since intake is less than this fraction of the
    /// expected change since intake (when the expected change is an improvement): MyOutcomes
    /// compares "the percentage of expected change achieved" (secondary source); the fraction
    /// itself is the caller's.
    FractionOfExpectedChange(f64),
}

/// Rule for the not-on-track alert. There is no default band: how OpenFIT's "lower
/// target" is derived is not published (OpenFIT support article 204000069702 describes the
/// alert, not the boundary), so the caller chooses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NotOnTrackRule {
    band: OnTrackBand,
    direction: Direction,
}

impl NotOnTrackRule {
    /// A rule with the given band for a measure where `direction` is improvement.
    #[must_use]
    pub const fn new(band: OnTrackBand, direction: Direction) -> Self {
        Self { band, direction }
    }

    /// `(session, observed, expected)` for every session rated in both series where the client
    /// is not on track. Intake (the first observed session) is never flagged under
    /// [`OnTrackBand::FractionOfExpectedChange`].
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] for a negative or non-finite band.
    pub fn check(
        &self,
        observed: &Series,
        expected: &ExpectedTrajectory,
    ) -> Result<Vec<(u32, f64, f64)>, MonitorError> {
        let sign = self.direction.sign();
        let mut out = Vec::new();
        match self.band {
            OnTrackBand::Points(p) => {
                let p = check_nonneg("band", p, false)?;
                for &(s, v) in observed.points() {
                    if let Some(e) = expected.expected().value_at(s)
                        && sign * (e - v) > p
                    {
                        out.push((s, v, e));
                    }
                }
            }
            OnTrackBand::FractionOfExpectedChange(f) => {
                let f = check_nonneg("band", f, false)?;
                let (s0, v0) = observed.first();
                let Some(e0) = expected.expected().value_at(s0) else {
                    return Ok(out);
                };
                for &(s, v) in &observed.points()[1..] {
                    if let Some(e) = expected.expected().value_at(s) {
                        let expected_change = sign * (e - e0);
                        let achieved = sign * (v - v0);
                        if expected_change > 0.0 && achieved < f * expected_change {
                            out.push((s, v, e));
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        let etr = ExpectedTrajectory::new(
            Series::new(vec![(1, 18.0), (2, 20.0), (3, 22.0), (4, 24.0)]).unwrap(),
        );
        let obs = Series::new(vec![(1, 18.0), (2, 19.0), (3, 18.5), (4, 20.0)]).unwrap();
        let r = NotOnTrackRule::new(OnTrackBand::Points(3.0), Direction::HigherIsBetter);
        let flagged: Vec<u32> = r.check(&obs, &etr).unwrap().iter().map(|f| f.0).collect();
        assert_eq!(flagged, vec![3, 4]); // 22 - 18.5 = 3.5 > 3; 24 - 20 = 4 > 3
        let r = NotOnTrackRule::new(OnTrackBand::Points(4.0), Direction::HigherIsBetter);
        assert!(r.check(&obs, &etr).unwrap().is_empty()); // exactly 4 is on track
        let r = NotOnTrackRule::new(
            OnTrackBand::FractionOfExpectedChange(0.5),
            Direction::HigherIsBetter,
        );
        let flagged: Vec<u32> = r.check(&obs, &etr).unwrap().iter().map(|f| f.0).collect();
        assert_eq!(flagged, vec![3, 4]); // achieved 0.5 < 2 and 2 < 3; session 2: 1 is not < 1
    }

    #[test]
    fn reference_errors() {
        let refs = [Series::new(vec![(1, 30.0)]).unwrap()];
        assert!(matches!(
            ExpectedTrajectory::from_reference(10.0, &refs, 1.0),
            Err(MonitorError::NoMatchingReference { .. })
        ));
        assert!(ExpectedTrajectory::from_reference(10.0, &[], 1.0).is_err());
        assert!(ExpectedTrajectory::from_reference(f64::NAN, &refs, 1.0).is_err());
        assert!(ExpectedTrajectory::from_reference(30.0, &refs, -1.0).is_err());
    }
}
