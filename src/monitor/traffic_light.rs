//! Traffic-light status per session, as OpenFIT defines it for PCOMS (ORS/SRS).
//!
//! OpenFIT's dashboard colours (OpenFIT support article 204000069702, the vendor on its own
//! product):
//!
//! | measure | condition | colour |
//! |---|---|---|
//! | outcome | at most one rating so far ("no progression defined") | grey |
//! | outcome | score ≥ the target-session score | green |
//! | outcome | target > score ≥ lower target ("outside the successful zone") | orange |
//! | outcome | score < lower target ("unsuccessful zone") | red |
//! | alliance | score ≥ the cutoff | green |
//! | alliance | score < the cutoff | red |
//! | alliance | change from the last rated session ≤ −1 | red |
//! | alliance | not rated | grey |
//!
//! The **target and lower-target trajectories are inputs** ([`Targets`]): PCOMS' expected
//! treatment response and OpenFIT's lower boundary are proprietary, and how the lower target
//! is derived is not published. The only defaults are published numbers, carried by the
//! catalogue's SRS definition and applied to the SRS only: the cutoff `< 36`
//! ([`Instrument::cutoff`](crate::Instrument::cutoff)) and OpenFIT's drop of 1 point
//! ([`Instrument::alert_drop`](crate::Instrument::alert_drop)). [`CourseMonitor`](super::CourseMonitor)
//! reports the lights of the instrument it monitors. A session without a target is grey.
//!
//! Comparisons at a boundary use the crate's tolerance ([`Comparison::holds`]), so a sum such
//! as `35.99999999999999` counts as 36.

use serde::{Deserialize, Serialize};

use super::error::check_nonneg;
use super::{MonitorError, Series};
use crate::{Comparison, Cutoff, Direction};

/// A traffic-light colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrafficLight {
    /// No status can be given (not rated, or no progression defined yet).
    Grey,
    /// On target / alliance at or above the cutoff.
    Green,
    /// Below target but at or above the lower target.
    Orange,
    /// Below the lower target / alliance below the cutoff or dropping.
    Red,
}

impl TrafficLight {
    /// The lowercase name (`"grey"`, `"green"`, `"orange"`, `"red"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Grey => "grey",
            Self::Green => "green",
            Self::Orange => "orange",
            Self::Red => "red",
        }
    }
}

impl std::fmt::Display for TrafficLight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a session got its colour (one row of the OpenFIT table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LightReason {
    /// Outcome: at most one rating so far.
    NoProgressionDefined,
    /// Outcome: no target was given for this session.
    NoTarget,
    /// Outcome: at or beyond the target-session score.
    OnTarget,
    /// Outcome: short of the target, at or beyond the lower target.
    OutsideSuccessfulZone,
    /// Outcome: short of the lower target.
    UnsuccessfulZone,
    /// Alliance: at or above the cutoff (not flagged).
    AtOrAboveCutoff,
    /// Alliance: flagged by the cutoff.
    BelowCutoff,
    /// Alliance: fell by at least the drop since the last rated session.
    Drop,
    /// Alliance: the session has no rating.
    NotRated,
}

/// The status of one session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SessionLight {
    /// The session number.
    pub session: u32,
    /// The colour.
    pub light: TrafficLight,
    /// The table row that gave it.
    pub reason: LightReason,
    /// The score (`None` when not rated).
    pub value: Option<f64>,
}

/// Target and lower-target trajectories for one client's outcome measure, by session.
///
/// Both are user-supplied (the PCOMS/OpenFIT trajectories are proprietary). Where both have a
/// value for a session, the lower target must not lie beyond the target in the better
/// direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "TargetsSpec")]
pub struct Targets {
    target: Series,
    lower_target: Series,
    direction: Direction,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
struct TargetsSpec {
    target: Series,
    lower_target: Series,
    #[serde(default = "higher_is_better")]
    direction: Direction,
}

const fn higher_is_better() -> Direction {
    Direction::HigherIsBetter
}

impl TryFrom<TargetsSpec> for Targets {
    type Error = MonitorError;
    fn try_from(s: TargetsSpec) -> Result<Self, MonitorError> {
        Self::new(s.target, s.lower_target, s.direction).map_err(crate::document::raised)
    }
}

impl Targets {
    /// Targets for a measure where `direction` is better (ORS: higher).
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] (`lower_target`) at a session where the lower target
    /// is better than the target.
    pub fn new(
        target: Series,
        lower_target: Series,
        direction: Direction,
    ) -> Result<Self, MonitorError> {
        for &(session, lower) in lower_target.points() {
            if let Some(t) = target.value_at(session)
                && direction.sign() * (lower - t) > 0.0
            {
                return Err(MonitorError::invalid(
                    "lower_target",
                    lower,
                    &format!(
                        "at session {session}, not better than the target {t} (direction {direction:?})"
                    ),
                ));
            }
        }
        Ok(Self {
            target,
            lower_target,
            direction,
        })
    }

    /// The target trajectory.
    #[must_use]
    pub fn target(&self) -> &Series {
        &self.target
    }

    /// The lower-target trajectory.
    #[must_use]
    pub fn lower_target(&self) -> &Series {
        &self.lower_target
    }

    /// Which direction is better.
    #[must_use]
    pub fn direction(&self) -> Direction {
        self.direction
    }
}

/// Outcome colour per rated session (OpenFIT's ORS rows).
///
/// The first rating is grey (no progression defined); a later session without a target is
/// grey ([`LightReason::NoTarget`]); a session with a target but no lower target is green or
/// orange, never red.
///
/// ```
/// use therapeutic_alliance::Direction;
/// use therapeutic_alliance::monitor::{outcome_lights, Series, Targets, TrafficLight};
/// let ors = Series::new(vec![(1, 18.0), (2, 23.0), (3, 21.0), (4, 17.0)])?;
/// let targets = Targets::new(
///     Series::new(vec![(2, 22.0), (3, 24.0), (4, 25.0)])?,
///     Series::new(vec![(2, 19.0), (3, 20.0), (4, 21.0)])?,
///     Direction::HigherIsBetter,
/// )?;
/// let lights: Vec<_> = outcome_lights(&ors, &targets).iter().map(|s| s.light).collect();
/// assert_eq!(lights, [TrafficLight::Grey, TrafficLight::Green, TrafficLight::Orange, TrafficLight::Red]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn outcome_lights(outcome: &Series, targets: &Targets) -> Vec<SessionLight> {
    let sign = targets.direction.sign();
    // "at least as good as": value · sign ≥ reference · sign, within tolerance.
    let at_least = |value: f64, reference: f64| {
        Comparison::GreaterOrEqual.holds(sign * value, sign * reference)
    };
    outcome
        .points()
        .iter()
        .enumerate()
        .map(|(i, &(session, value))| {
            let (light, reason) = if i == 0 {
                (TrafficLight::Grey, LightReason::NoProgressionDefined)
            } else if let Some(target) = targets.target.value_at(session) {
                if at_least(value, target) {
                    (TrafficLight::Green, LightReason::OnTarget)
                } else {
                    match targets.lower_target.value_at(session) {
                        Some(lower) if !at_least(value, lower) => {
                            (TrafficLight::Red, LightReason::UnsuccessfulZone)
                        }
                        _ => (TrafficLight::Orange, LightReason::OutsideSuccessfulZone),
                    }
                }
            } else {
                (TrafficLight::Grey, LightReason::NoTarget)
            };
            SessionLight {
                session,
                light,
                reason,
                value: Some(value),
            }
        })
        .collect()
}

/// The alliance rules of the traffic light.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "AllianceLightRulesSpec")]
pub struct AllianceLightRules {
    cutoff: Cutoff,
    drop: Option<f64>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct AllianceLightRulesSpec {
    cutoff: Cutoff,
    #[serde(default)]
    drop: Option<f64>,
}

impl TryFrom<AllianceLightRulesSpec> for AllianceLightRules {
    type Error = MonitorError;
    fn try_from(s: AllianceLightRulesSpec) -> Result<Self, MonitorError> {
        let read = || -> Result<Self, MonitorError> {
            let r = Self::new(s.cutoff)?;
            match s.drop {
                Some(d) => r.drop(d),
                None => Ok(r),
            }
        };
        read().map_err(crate::document::raised)
    }
}

impl AllianceLightRules {
    /// Rules with `cutoff` (red when it flags the score) and no drop rule. Take the cutoff
    /// and drop from the alliance instrument (SRS: [`Instrument::cutoff`](crate::Instrument::cutoff)
    /// `< 36` and [`Instrument::alert_drop`](crate::Instrument::alert_drop) 1 point);
    /// [`CourseMonitor`](super::CourseMonitor) does so and reports the lights.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] for a non-finite cutoff (which would colour every
    /// session green).
    pub fn new(cutoff: Cutoff) -> Result<Self, MonitorError> {
        if !cutoff.value.is_finite() {
            return Err(MonitorError::invalid(
                "alliance cutoff",
                cutoff.value,
                "a finite number",
            ));
        }
        Ok(Self { cutoff, drop: None })
    }

    /// Red when the score fell by at least `points` since the last rated session
    /// (`current − previous ≤ −points`).
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] unless `points` is finite and `> 0`.
    pub fn drop(mut self, points: f64) -> Result<Self, MonitorError> {
        self.drop = Some(check_nonneg("drop", points, true)?);
        Ok(self)
    }

    /// The cutoff.
    #[must_use]
    pub const fn cutoff(&self) -> Cutoff {
        self.cutoff
    }

    /// The drop rule's points, if set.
    #[must_use]
    pub const fn drop_points(&self) -> Option<f64> {
        self.drop
    }
}

/// Alliance colour for every session in `sessions` (the sessions held; unrated ones are grey)
/// and every rated session of `alliance`, in session order. A score both below the cutoff and
/// dropping reports [`LightReason::BelowCutoff`].
///
/// ```
/// use therapeutic_alliance::Instrument;
/// use therapeutic_alliance::monitor::{alliance_lights, AllianceLightRules, Series, TrafficLight};
/// let srs_def = Instrument::builtin("srs").ok_or("srs")?;
/// let rules = AllianceLightRules::new(srs_def.cutoff().ok_or("cutoff")?)?
///     .drop(srs_def.alert_drop().ok_or("drop")?)?;
/// let srs = Series::new(vec![(1, 38.0), (2, 36.5), (4, 35.0)])?;
/// let lights: Vec<_> = alliance_lights(&srs, &[1, 2, 3, 4], &rules)
///     .iter().map(|s| s.light).collect();
/// // 36.5 is not below 36 but fell by 1.5: red; session 3 was not rated: grey.
/// assert_eq!(lights, [TrafficLight::Green, TrafficLight::Red, TrafficLight::Grey, TrafficLight::Red]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn alliance_lights(
    alliance: &Series,
    sessions: &[u32],
    rules: &AllianceLightRules,
) -> Vec<SessionLight> {
    let mut all: Vec<u32> = sessions
        .iter()
        .copied()
        .chain(alliance.points().iter().map(|p| p.0))
        .collect();
    all.sort_unstable();
    all.dedup();
    let mut previous: Option<f64> = None;
    all.into_iter()
        .map(|session| match alliance.value_at(session) {
            None => SessionLight {
                session,
                light: TrafficLight::Grey,
                reason: LightReason::NotRated,
                value: None,
            },
            Some(value) => {
                let dropped = match (rules.drop, previous) {
                    (Some(d), Some(p)) => Comparison::LessOrEqual.holds(value - p, -d),
                    _ => false,
                };
                previous = Some(value);
                let (light, reason) = if rules.cutoff.flags(value) {
                    (TrafficLight::Red, LightReason::BelowCutoff)
                } else if dropped {
                    (TrafficLight::Red, LightReason::Drop)
                } else {
                    (TrafficLight::Green, LightReason::AtOrAboveCutoff)
                };
                SessionLight {
                    session,
                    light,
                    reason,
                    value: Some(value),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(points: &[(u32, f64)]) -> Series {
        Series::new(points.to_vec()).unwrap()
    }

    /// The SRS cutoff (< 36) with a drop rule of `drop` points.
    fn srs_rules(drop: f64) -> AllianceLightRules {
        AllianceLightRules::new(Cutoff::new(Comparison::Less, 36.0))
            .unwrap()
            .drop(drop)
            .unwrap()
    }

    #[test]
    fn outcome_boundaries_are_inclusive_as_openfit_states() {
        let targets =
            Targets::new(s(&[(2, 22.0)]), s(&[(2, 19.0)]), Direction::HigherIsBetter).unwrap();
        let at = |v: f64| outcome_lights(&s(&[(1, 10.0), (2, v)]), &targets)[1];
        assert_eq!(at(22.0).light, TrafficLight::Green); // ORS ≥ target
        assert_eq!(at(21.999_999_999_999_996).light, TrafficLight::Green); // noise
        assert_eq!(at(21.9).light, TrafficLight::Orange);
        assert_eq!(at(19.0).light, TrafficLight::Orange); // ≥ lower target
        assert_eq!(at(18.9).light, TrafficLight::Red);
        assert_eq!(at(18.9).reason, LightReason::UnsuccessfulZone);
    }

    #[test]
    fn first_rating_and_missing_targets_are_grey() {
        let targets =
            Targets::new(s(&[(3, 22.0)]), s(&[(3, 19.0)]), Direction::HigherIsBetter).unwrap();
        let l = outcome_lights(&s(&[(1, 30.0), (2, 30.0), (3, 30.0)]), &targets);
        assert_eq!(l[0].reason, LightReason::NoProgressionDefined);
        assert_eq!(l[1].reason, LightReason::NoTarget);
        assert_eq!(l[2].light, TrafficLight::Green);
    }

    #[test]
    fn lower_is_better_flips_the_zones() {
        let targets =
            Targets::new(s(&[(2, 10.0)]), s(&[(2, 14.0)]), Direction::LowerIsBetter).unwrap();
        let at = |v: f64| outcome_lights(&s(&[(1, 20.0), (2, v)]), &targets)[1].light;
        assert_eq!(at(9.0), TrafficLight::Green);
        assert_eq!(at(12.0), TrafficLight::Orange);
        assert_eq!(at(15.0), TrafficLight::Red);
        assert!(Targets::new(s(&[(2, 10.0)]), s(&[(2, 8.0)]), Direction::LowerIsBetter).is_err());
        assert!(Targets::new(s(&[(2, 10.0)]), s(&[(2, 12.0)]), Direction::HigherIsBetter).is_err());
    }

    #[test]
    fn alliance_rows() {
        let rules = srs_rules(1.0);
        let l = alliance_lights(
            &s(&[(1, 36.0), (2, 35.9), (3, 37.0), (4, 36.0)]),
            &[],
            &rules,
        );
        assert_eq!(l[0].light, TrafficLight::Green); // 36 is not < 36
        assert_eq!(l[1].reason, LightReason::BelowCutoff);
        assert_eq!(l[2].light, TrafficLight::Green);
        assert_eq!(l[3].reason, LightReason::Drop); // −1 ≤ −1
        let no_drop = AllianceLightRules::new(Cutoff::new(Comparison::Less, 36.0)).unwrap();
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(AllianceLightRules::new(Cutoff::new(Comparison::Less, bad)).is_err());
        }
        let l = alliance_lights(&s(&[(1, 40.0), (2, 37.0)]), &[], &no_drop);
        assert_eq!(l[1].light, TrafficLight::Green);
        assert!(no_drop.drop(0.0).is_err());
        assert!(no_drop.drop(f64::NAN).is_err());
    }

    #[test]
    fn colours_have_their_names() {
        let names: Vec<String> = [
            TrafficLight::Grey,
            TrafficLight::Green,
            TrafficLight::Orange,
            TrafficLight::Red,
        ]
        .iter()
        .map(|l| format!("{l}"))
        .collect();
        assert_eq!(names, ["grey", "green", "orange", "red"]);
        assert_eq!(TrafficLight::Red.as_str(), "red");
    }

    #[test]
    fn targets_keep_their_trajectories_and_direction() {
        let targets = Targets::new(
            s(&[(2, 10.0), (3, 9.0)]),
            s(&[(2, 14.0)]),
            Direction::LowerIsBetter,
        )
        .unwrap();
        assert_eq!(targets.target().points(), &[(2, 10.0), (3, 9.0)]);
        assert_eq!(targets.lower_target().points(), &[(2, 14.0)]);
        assert_eq!(targets.direction(), Direction::LowerIsBetter);
        // read from JSON: direction defaults to higher is better, and is kept when given
        let json = r#"{"target":[[2,22.0]],"lower_target":[[2,19.0]]}"#;
        let read: Targets = serde_json::from_str(json).unwrap();
        assert_eq!(read.direction(), Direction::HigherIsBetter);
        assert_eq!(read.target().points(), &[(2, 22.0)]);
        assert_eq!(read.lower_target().points(), &[(2, 19.0)]);
        let json =
            r#"{"target":[[2,10.0]],"lower_target":[[2,14.0]],"direction":"lower_is_better"}"#;
        let read: Targets = serde_json::from_str(json).unwrap();
        assert_eq!(read, targets_at_2(10.0, 14.0, Direction::LowerIsBetter));
        // a lower target equal to the target is allowed
        assert!(Targets::new(s(&[(2, 20.0)]), s(&[(2, 20.0)]), Direction::HigherIsBetter).is_ok());
    }

    fn targets_at_2(target: f64, lower: f64, direction: Direction) -> Targets {
        Targets::new(s(&[(2, target)]), s(&[(2, lower)]), direction).unwrap()
    }

    #[test]
    fn outcome_lights_report_every_rating_with_its_value() {
        let targets = targets_at_2(22.0, 19.0, Direction::HigherIsBetter);
        let l = outcome_lights(&s(&[(1, 10.0), (2, 20.0), (5, 30.0)]), &targets);
        assert_eq!(
            l,
            [
                SessionLight {
                    session: 1,
                    light: TrafficLight::Grey,
                    reason: LightReason::NoProgressionDefined,
                    value: Some(10.0),
                },
                SessionLight {
                    session: 2,
                    light: TrafficLight::Orange,
                    reason: LightReason::OutsideSuccessfulZone,
                    value: Some(20.0),
                },
                SessionLight {
                    session: 5,
                    light: TrafficLight::Grey,
                    reason: LightReason::NoTarget,
                    value: Some(30.0),
                },
            ]
        );
        // a target without a lower target: orange, never red
        let only_target =
            Targets::new(s(&[(2, 22.0)]), s(&[(3, 19.0)]), Direction::HigherIsBetter).unwrap();
        let l = outcome_lights(&s(&[(1, 10.0), (2, 1.0)]), &only_target);
        assert_eq!(l[1].light, TrafficLight::Orange);
        // lower is better: "at least as good" means at or below, at both boundaries
        let lower = targets_at_2(10.0, 14.0, Direction::LowerIsBetter);
        let at = |v: f64| outcome_lights(&s(&[(1, 20.0), (2, v)]), &lower)[1].reason;
        assert_eq!(at(10.0), LightReason::OnTarget);
        assert_eq!(at(10.1), LightReason::OutsideSuccessfulZone);
        assert_eq!(at(14.0), LightReason::OutsideSuccessfulZone);
        assert_eq!(at(14.1), LightReason::UnsuccessfulZone);
        // negative scores (a change score) still order the right way
        let neg = targets_at_2(-2.0, -5.0, Direction::HigherIsBetter);
        let at = |v: f64| outcome_lights(&s(&[(1, 0.0), (2, v)]), &neg)[1].reason;
        assert_eq!(at(-1.0), LightReason::OnTarget);
        assert_eq!(at(-3.0), LightReason::OutsideSuccessfulZone);
        assert_eq!(at(-6.0), LightReason::UnsuccessfulZone);
    }

    #[test]
    fn alliance_drop_is_a_fall_not_a_rise() {
        let rules = srs_rules(1.0);
        let l = alliance_lights(
            &s(&[(1, 40.0), (2, 39.5), (3, 41.0), (4, 40.0), (5, 38.5)]),
            &[],
            &rules,
        );
        let reasons: Vec<_> = l.iter().map(|x| x.reason).collect();
        assert_eq!(
            reasons,
            [
                LightReason::AtOrAboveCutoff,
                LightReason::AtOrAboveCutoff, // fell 0.5 < 1
                LightReason::AtOrAboveCutoff, // rose 1.5
                LightReason::Drop,            // fell exactly 1
                LightReason::Drop,            // fell 1.5
            ]
        );
        assert_eq!(l[3].light, TrafficLight::Red);
        assert_eq!(l[3].value, Some(40.0));
        // a 2-point rule: a fall of 1.5 is not a drop, a fall of 2 is
        let two = srs_rules(2.0);
        let l = alliance_lights(&s(&[(1, 40.0), (2, 38.5), (3, 36.5)]), &[], &two);
        assert_eq!(l[1].reason, LightReason::AtOrAboveCutoff);
        assert_eq!(l[2].reason, LightReason::Drop);
        // the drop is from the last *rated* session, across unrated ones
        let l = alliance_lights(&s(&[(1, 40.0), (4, 38.0)]), &[1, 2, 3, 4], &two);
        let got: Vec<_> = l.iter().map(|x| (x.session, x.light, x.reason)).collect();
        assert_eq!(
            got,
            [
                (1, TrafficLight::Green, LightReason::AtOrAboveCutoff),
                (2, TrafficLight::Grey, LightReason::NotRated),
                (3, TrafficLight::Grey, LightReason::NotRated),
                (4, TrafficLight::Red, LightReason::Drop),
            ]
        );
        assert_eq!(l[1].value, None);
    }

    #[test]
    fn alliance_rules_keep_cutoff_and_drop() {
        let cutoff = Cutoff::new(Comparison::Less, 36.0);
        let rules = AllianceLightRules::new(cutoff).unwrap();
        assert_eq!(rules.cutoff(), cutoff);
        assert_eq!(rules.drop_points(), None);
        let rules = rules.drop(2.5).unwrap();
        assert_eq!(rules.drop_points(), Some(2.5));
        assert_eq!(rules.cutoff(), cutoff);
        let json = r#"{"cutoff":{"value":36.0,"comparison":"<"},"drop":2.5}"#;
        let read: AllianceLightRules = serde_json::from_str(json).unwrap();
        assert_eq!(read, rules);
        let json = r#"{"cutoff":{"value":30.0,"comparison":"<="}}"#;
        let read: AllianceLightRules = serde_json::from_str(json).unwrap();
        assert_eq!(read.cutoff(), Cutoff::new(Comparison::LessOrEqual, 30.0));
        assert_eq!(read.drop_points(), None);
    }

    #[test]
    fn serde_round_trip_validates() {
        let json = r#"{"target":[[2,22.0]],"lower_target":[[2,23.0]]}"#;
        assert!(serde_json::from_str::<Targets>(json).is_err());
        let json = r#"{"cutoff":{"value":36.0,"comparison":"<"},"drop":-1.0}"#;
        assert!(serde_json::from_str::<AllianceLightRules>(json).is_err());
        let light = SessionLight {
            session: 2,
            light: TrafficLight::Orange,
            reason: LightReason::OutsideSuccessfulZone,
            value: Some(21.0),
        };
        assert_eq!(
            serde_json::to_string(&light).unwrap(),
            r#"{"session":2,"light":"orange","reason":"outside_successful_zone","value":21.0}"#
        );
    }
}
