//! Rogers' core conditions: empathy, congruence and unconditional positive regard.

use crate::Score;
use crate::session::Session;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a core-conditions rating, profile or threshold was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConditionsError {
    /// A value outside the measure's range, or not finite.
    #[error("{measure} value {value} is outside its range {min} to {max}")]
    OutOfRange {
        /// The measure.
        measure: ConditionMeasure,
        /// The value given.
        value: f64,
        /// Lowest allowed value.
        min: f64,
        /// Highest allowed value.
        max: f64,
    },
    /// A score lacking a subscale the measure needs.
    #[error("score of {instrument:?} has no subscale {subscale:?}")]
    MissingSubscale {
        /// The score's instrument.
        instrument: String,
        /// The missing subscale.
        subscale: &'static str,
    },
    /// A condition the profile does not measure.
    #[error("the profile does not measure {0}")]
    NotMeasured(Condition),
    /// No facilitative threshold was supplied for a measure that has no published one.
    #[error(
        "no facilitative threshold for {condition} measured by {measure}; the sources give none, so supply one"
    )]
    NoThreshold {
        /// The condition.
        condition: Condition,
        /// Its measure.
        measure: ConditionMeasure,
    },
    /// A threshold that is not finite.
    #[error("facilitative threshold for {measure} must be finite, got {value}")]
    InvalidThreshold {
        /// The measure.
        measure: ConditionMeasure,
        /// The value given.
        value: f64,
    },
}

/// One of the core conditions, with positive regard split as in the BLRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Empathic understanding.
    Empathy,
    /// Congruence (genuineness).
    Congruence,
    /// Level of regard (positive regard).
    LevelOfRegard,
    /// Unconditionality of regard.
    UnconditionalityOfRegard,
}

impl Condition {
    /// All four, in report order.
    pub const ALL: [Self; 4] = [
        Self::Empathy,
        Self::Congruence,
        Self::LevelOfRegard,
        Self::UnconditionalityOfRegard,
    ];

    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empathy => "empathy",
            Self::Congruence => "congruence",
            Self::LevelOfRegard => "level_of_regard",
            Self::UnconditionalityOfRegard => "unconditionality_of_regard",
        }
    }

    /// The BLRI subscale measuring this condition.
    #[must_use]
    pub fn blri_subscale(self) -> &'static str {
        match self {
            Self::Empathy => "empathic_understanding",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The measure a condition's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConditionMeasure {
    /// Barrett-Lennard Relationship Inventory subscale (any form; user-supplied key).
    Blri,
    /// CARE measure total (10–50).
    Care,
    /// Carkhuff empathic-understanding level (1–5).
    Carkhuff,
    /// Truax accurate-empathy scale (1–9).
    Truax,
}

impl ConditionMeasure {
    /// The measure's value range (infinite for the BLRI, whose range depends on the form).
    #[must_use]
    pub fn range(self) -> (f64, f64) {
        match self {
            Self::Blri => (f64::NEG_INFINITY, f64::INFINITY),
            Self::Care => (10.0, 50.0),
            Self::Carkhuff => (1.0, 5.0),
            Self::Truax => (1.0, 9.0),
        }
    }

    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blri => "blri",
            Self::Care => "care",
            Self::Carkhuff => "carkhuff",
            Self::Truax => "truax",
        }
    }
}

impl fmt::Display for ConditionMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One condition's value and its source measure (validated: finite and within the measure's range).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RatingRepr", into = "RatingRepr")]
pub struct Rating {
    measure: ConditionMeasure,
    value: f64,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct RatingRepr {
    measure: ConditionMeasure,
    value: f64,
}

impl TryFrom<RatingRepr> for Rating {
    type Error = ConditionsError;
    fn try_from(r: RatingRepr) -> Result<Self, ConditionsError> {
        Rating::new(r.measure, r.value).map_err(crate::document::raised)
    }
}

impl From<Rating> for RatingRepr {
    fn from(r: Rating) -> Self {
        RatingRepr {
            measure: r.measure,
            value: r.value,
        }
    }
}

impl Rating {
    /// A validated rating.
    ///
    /// # Errors
    /// [`ConditionsError::OutOfRange`] when `value` is not finite or outside the measure's range.
    pub fn new(measure: ConditionMeasure, value: f64) -> Result<Self, ConditionsError> {
        let (min, max) = measure.range();
        if !value.is_finite() || value < min || value > max {
            return Err(ConditionsError::OutOfRange {
                measure,
                value,
                min,
                max,
            });
        }
        Ok(Self { measure, value })
    }
    /// The source measure.
    #[must_use]
    pub fn measure(&self) -> ConditionMeasure {
        self.measure
    }
    /// The value.
    #[must_use]
    pub fn value(&self) -> f64 {
        self.value
    }
}

/// Facilitative thresholds per measure. Defaults: Carkhuff 3 (the published minimally
/// facilitative level); none for Truax, CARE and the BLRI subscales (none are published).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FacilitativeThresholds {
    carkhuff: Option<f64>,
    truax: Option<f64>,
    care: Option<f64>,
    blri: [Option<f64>; 4],
}

impl Default for FacilitativeThresholds {
    fn default() -> Self {
        Self {
            carkhuff: Some(3.0),
            truax: None,
            care: None,
            blri: [None; 4],
        }
    }
}

impl FacilitativeThresholds {
    /// The defaults (Carkhuff 3 only).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Carkhuff threshold (default 3, the minimally facilitative level).
    #[must_use]
    pub fn carkhuff(mut self, level: f64) -> Self {
        self.carkhuff = Some(level);
        self
    }
    /// Truax accurate-empathy threshold (no default).
    #[must_use]
    pub fn truax(mut self, level: f64) -> Self {
        self.truax = Some(level);
        self
    }
    /// CARE total threshold (no default).
    #[must_use]
    pub fn care(mut self, total: f64) -> Self {
        self.care = Some(total);
        self
    }
    /// BLRI threshold for one condition's subscale (no default).
    #[must_use]
    pub fn blri(mut self, condition: Condition, value: f64) -> Self {
        self.blri[condition as usize] = Some(value);
        self
    }

    /// The threshold for `condition` measured by `measure`, if any.
    #[must_use]
    pub fn threshold(&self, condition: Condition, measure: ConditionMeasure) -> Option<f64> {
        match measure {
            ConditionMeasure::Carkhuff => self.carkhuff,
            ConditionMeasure::Truax => self.truax,
            ConditionMeasure::Care => self.care,
            ConditionMeasure::Blri => self.blri[condition as usize],
        }
    }
}

/// One condition's assessment against the thresholds.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConditionAssessment {
    /// The condition.
    pub condition: Condition,
    /// Its measure.
    pub measure: ConditionMeasure,
    /// Its value.
    pub value: f64,
    /// The threshold used (`None`: none supplied, and the sources give none).
    pub threshold: Option<f64>,
    /// Whether `value >= threshold` (`None` without a threshold).
    pub facilitative: Option<bool>,
}

/// A core-conditions profile: each condition measured or not.
///
/// # Examples
/// ```
/// use therapeutic_alliance::{Condition, CoreConditions, FacilitativeThresholds};
/// let p = CoreConditions::from_carkhuff(3.0)?;
/// let t = FacilitativeThresholds::new();
/// assert!(p.reaches_facilitative(Condition::Empathy, &t)?);
/// let truax = CoreConditions::from_truax(5.5)?;
/// assert!(truax.reaches_facilitative(Condition::Empathy, &t).is_err()); // no published threshold
/// assert!(truax.reaches_facilitative(Condition::Empathy, &t.truax(5.0))?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A [`CoreConditions`] profile keeps unconditional positive regard as the BLRI does, split into
/// **level of regard** and **unconditionality of regard**. Each condition holds its source
/// [`ConditionMeasure`] and value. Profiles come from:
/// - a BLRI score ([`CoreConditions::from_blri`]): the four subscales
///   `empathic_understanding`, `level_of_regard`, `unconditionality_of_regard`, `congruence`.
///   The BLRI key is user-supplied (Wiley 2015), so its ranges depend on the form; any finite
///   value is accepted;
/// - a CARE score ([`CoreConditions::from_care`]): empathy only, total 10–50 (Mercer et al. 2004);
/// - observer ratings on Carkhuff's empathic-understanding scale, 1–5
///   ([`CoreConditions::from_carkhuff`]), or Truax's accurate-empathy scale, 1–9
///   ([`CoreConditions::from_truax`]). Means of several ratings may be fractional.
///
/// # Facilitative thresholds
/// Only one threshold is given by the sources: **Carkhuff level 3**, the response
/// interchangeable with the client's explicit message, "the minimally facilitative level"
/// (Carkhuff 1969, *Helping and Human Relations*, Holt, Rinehart & Winston; as summarised by
/// Hepworth, Rooney & Larsen, *Direct Social Work Practice*; a secondary source). It is the
/// default in [`FacilitativeThresholds`]. No threshold is published for the Truax scale, the
/// BLRI subscales (none found in Barrett-Lennard 2015, *The Relationship Inventory*, Wiley) or
/// CARE (none published; Mercer et al. 2004, *Family Practice* 21(6), 699–705, report a strong
/// ceiling effect), so for those the caller must
/// supply one; without it the assessment says "no threshold" rather than guessing. A value
/// reaches the facilitative level when `value >= threshold` (level 3 itself is facilitative).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoreConditions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    empathy: Option<Rating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    congruence: Option<Rating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level_of_regard: Option<Rating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unconditionality_of_regard: Option<Rating>,
}

impl CoreConditions {
    /// An empty profile.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The profile with `condition` set to `rating` (replacing any earlier value).
    #[must_use]
    pub fn with(mut self, condition: Condition, rating: Rating) -> Self {
        *self.slot(condition) = Some(rating);
        self
    }

    fn slot(&mut self, condition: Condition) -> &mut Option<Rating> {
        match condition {
            Condition::Empathy => &mut self.empathy,
            Condition::Congruence => &mut self.congruence,
            Condition::LevelOfRegard => &mut self.level_of_regard,
            Condition::UnconditionalityOfRegard => &mut self.unconditionality_of_regard,
        }
    }

    /// All four conditions from a BLRI score (subscales `empathic_understanding`,
    /// `level_of_regard`, `unconditionality_of_regard`, `congruence`).
    ///
    /// # Errors
    /// [`ConditionsError::MissingSubscale`] naming the first missing subscale;
    /// [`ConditionsError::OutOfRange`] for a non-finite value.
    pub fn from_blri(score: &Score) -> Result<Self, ConditionsError> {
        let mut p = Self::new();
        for c in Condition::ALL {
            let v = score.subscale(c.blri_subscale()).ok_or_else(|| {
                ConditionsError::MissingSubscale {
                    instrument: score.instrument.clone(),
                    subscale: c.blri_subscale(),
                }
            })?;
            p = p.with(c, Rating::new(ConditionMeasure::Blri, v)?);
        }
        Ok(p)
    }

    /// Empathy from a CARE score's total (10–50).
    ///
    /// # Errors
    /// [`ConditionsError::OutOfRange`].
    pub fn from_care(score: &Score) -> Result<Self, ConditionsError> {
        Ok(Self::new().with(
            Condition::Empathy,
            Rating::new(ConditionMeasure::Care, score.total)?,
        ))
    }

    /// Empathy from a Carkhuff level (1–5; a mean of ratings may be fractional).
    ///
    /// # Errors
    /// [`ConditionsError::OutOfRange`].
    pub fn from_carkhuff(level: f64) -> Result<Self, ConditionsError> {
        Ok(Self::new().with(
            Condition::Empathy,
            Rating::new(ConditionMeasure::Carkhuff, level)?,
        ))
    }

    /// Empathy from a Truax accurate-empathy rating (1–9).
    ///
    /// # Errors
    /// [`ConditionsError::OutOfRange`].
    pub fn from_truax(level: f64) -> Result<Self, ConditionsError> {
        Ok(Self::new().with(
            Condition::Empathy,
            Rating::new(ConditionMeasure::Truax, level)?,
        ))
    }

    /// The profile measured in one session, or `None` if nothing there measures a condition.
    ///
    /// Recognised administrations (instrument ids compared ASCII case-insensitively), applied in
    /// recorded order so a later one replaces an earlier value for the same condition:
    /// a score with all four BLRI subscales (any instrument id); `care`; `carkhuff`; `truax`
    /// (the observer scales carry the rating as the score's total).
    ///
    /// # Errors
    /// The first invalid value, as in the `from_*` constructors.
    pub fn from_session(session: &Session) -> Result<Option<Self>, ConditionsError> {
        let mut p = Self::new();
        let mut any = false;
        for score in session.administrations().iter().filter_map(|a| a.score()) {
            let id = score.instrument.to_ascii_lowercase();
            let part = if Condition::ALL
                .iter()
                .all(|c| score.subscale(c.blri_subscale()).is_some())
            {
                Self::from_blri(score)?
            } else if id == "care" {
                Self::from_care(score)?
            } else if id == "carkhuff" {
                Self::from_carkhuff(score.total)?
            } else if id == "truax" {
                Self::from_truax(score.total)?
            } else {
                continue;
            };
            p = p.merged(&part);
            any = true;
        }
        Ok(any.then_some(p))
    }

    /// This profile with every condition `other` measures taken from `other`.
    #[must_use]
    pub fn merged(mut self, other: &CoreConditions) -> Self {
        for c in Condition::ALL {
            if let Some(r) = other.get(c) {
                *self.slot(c) = Some(r);
            }
        }
        self
    }

    /// The rating of one condition, if measured.
    #[must_use]
    pub fn get(&self, condition: Condition) -> Option<Rating> {
        match condition {
            Condition::Empathy => self.empathy,
            Condition::Congruence => self.congruence,
            Condition::LevelOfRegard => self.level_of_regard,
            Condition::UnconditionalityOfRegard => self.unconditionality_of_regard,
        }
    }
    /// Empathy, if measured.
    #[must_use]
    pub fn empathy(&self) -> Option<Rating> {
        self.empathy
    }
    /// Congruence, if measured.
    #[must_use]
    pub fn congruence(&self) -> Option<Rating> {
        self.congruence
    }
    /// Level of regard, if measured.
    #[must_use]
    pub fn level_of_regard(&self) -> Option<Rating> {
        self.level_of_regard
    }
    /// Unconditionality of regard, if measured.
    #[must_use]
    pub fn unconditionality_of_regard(&self) -> Option<Rating> {
        self.unconditionality_of_regard
    }

    /// Whether `condition` reaches the facilitative level (`value >= threshold`).
    ///
    /// # Errors
    /// [`ConditionsError::NotMeasured`]; [`ConditionsError::NoThreshold`] when no threshold is
    /// set for the condition's measure; [`ConditionsError::InvalidThreshold`] for a non-finite one.
    pub fn reaches_facilitative(
        &self,
        condition: Condition,
        thresholds: &FacilitativeThresholds,
    ) -> Result<bool, ConditionsError> {
        let r = self
            .get(condition)
            .ok_or(ConditionsError::NotMeasured(condition))?;
        let t = thresholds
            .threshold(condition, r.measure)
            .ok_or(ConditionsError::NoThreshold {
                condition,
                measure: r.measure,
            })?;
        if !t.is_finite() {
            return Err(ConditionsError::InvalidThreshold {
                measure: r.measure,
                value: t,
            });
        }
        Ok(r.value >= t)
    }

    /// Every measured condition assessed against `thresholds`, in [`Condition::ALL`] order.
    ///
    /// # Errors
    /// [`ConditionsError::InvalidThreshold`] for a non-finite threshold in use.
    pub fn assess(
        &self,
        thresholds: &FacilitativeThresholds,
    ) -> Result<Vec<ConditionAssessment>, ConditionsError> {
        let mut out = Vec::with_capacity(4);
        for c in Condition::ALL {
            let Some(r) = self.get(c) else { continue };
            let threshold = thresholds.threshold(c, r.measure);
            let facilitative = match threshold {
                Some(t) if !t.is_finite() => {
                    return Err(ConditionsError::InvalidThreshold {
                        measure: r.measure,
                        value: t,
                    });
                }
                Some(t) => Some(r.value >= t),
                None => None,
            };
            out.push(ConditionAssessment {
                condition: c,
                measure: r.measure,
                value: r.value,
                threshold,
                facilitative,
            });
        }
        Ok(out)
    }

    /// Whether no condition is measured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        Condition::ALL.iter().all(|&c| self.get(c).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(CoreConditions::from_carkhuff(0.99).is_err());
        assert!(CoreConditions::from_carkhuff(5.0).is_ok());
        assert!(CoreConditions::from_truax(9.01).is_err());
        assert!(CoreConditions::from_truax(f64::NAN).is_err());
        assert!(Rating::new(ConditionMeasure::Blri, f64::INFINITY).is_err());
        assert!(Rating::new(ConditionMeasure::Blri, -30.0).is_ok());
    }

    #[test]
    fn carkhuff_boundary() {
        let t = FacilitativeThresholds::new();
        let at = |x| {
            CoreConditions::from_carkhuff(x)
                .unwrap()
                .reaches_facilitative(Condition::Empathy, &t)
                .unwrap()
        };
        assert!(!at(2.99));
        assert!(at(3.0));
        assert!(at(4.0));
    }

    #[test]
    fn assess_without_threshold() {
        let p = CoreConditions::from_truax(6.0).unwrap();
        let a = p.assess(&FacilitativeThresholds::new()).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].facilitative, None);
        assert!(matches!(
            p.reaches_facilitative(Condition::Congruence, &FacilitativeThresholds::new()),
            Err(ConditionsError::NotMeasured(Condition::Congruence))
        ));
        assert!(
            p.assess(&FacilitativeThresholds::new().truax(f64::NAN))
                .is_err()
        );
    }
}
