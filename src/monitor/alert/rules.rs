//! Alert rules: the user's overrides ([`AlertRules`]), the rules resolved for one run (each
//! with the source of its number), the input they look at, and `alerts`, which applies them.
//!
//! The numbers normally come from the instrument being monitored (its cutoff, its published
//! drop, its reliable-change threshold); [`CourseMonitor`](crate::monitor::CourseMonitor)
//! resolves them, so no instrument's number is ever applied to another instrument.

use serde::{Deserialize, Serialize};

use super::{Alert, AlertKind, AlertSeverity, BarrierFinding, ThresholdSource};
use crate::monitor::error::check_nonneg;
use crate::monitor::{MonitorError, Rupture, Series, SuddenChange};
use crate::{Comparison, Cutoff, Direction};

/// The user's own alert numbers, overriding the monitored instruments' published ones.
///
/// Every rule is unset by default, and an unset rule takes the instrument's number (see
/// [`CourseMonitor`](crate::monitor::CourseMonitor)): the alliance instrument's cutoff and
/// drop, the outcome instrument's reliable-change threshold. A set rule is reported with
/// [`ThresholdSource::User`]. Validated when set and when deserialised, so a built value is
/// always usable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "AlertRulesSpec", into = "AlertRulesSpec")]
pub struct AlertRules {
    pub(in crate::monitor) alliance_cutoff: Option<Cutoff>,
    pub(in crate::monitor) alliance_drop: Option<f64>,
    pub(in crate::monitor) deterioration: Option<(f64, Comparison)>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct AlertRulesSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alliance_cutoff: Option<Cutoff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alliance_drop: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deterioration: Option<(f64, Comparison)>,
}

impl TryFrom<AlertRulesSpec> for AlertRules {
    type Error = MonitorError;
    fn try_from(s: AlertRulesSpec) -> Result<Self, MonitorError> {
        let read = || -> Result<Self, MonitorError> {
            let mut r = Self::new();
            if let Some(c) = s.alliance_cutoff {
                r = r.alliance_cutoff(c)?;
            }
            if let Some(d) = s.alliance_drop {
                r = r.alliance_drop(d)?;
            }
            if let Some((t, op)) = s.deterioration {
                r = r.deterioration(t, op)?;
            }
            Ok(r)
        };
        read().map_err(crate::document::raised)
    }
}

impl From<AlertRules> for AlertRulesSpec {
    fn from(r: AlertRules) -> Self {
        Self {
            alliance_cutoff: r.alliance_cutoff,
            alliance_drop: r.alliance_drop,
            deterioration: r.deterioration,
        }
    }
}

impl AlertRules {
    /// No overrides: every number comes from the monitored instruments.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            alliance_cutoff: None,
            alliance_drop: None,
            deterioration: None,
        }
    }

    /// Alert (`alliance_low`, warning) at every session whose alliance score `cutoff` flags
    /// ([`Cutoff::flags`]: `score <comparison> value`, equality within a relative `1e-9`),
    /// instead of the alliance instrument's own cutoff. For an instrument without a
    /// published cutoff (the WAI family) this is the only way to get `alliance_low` alerts.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] for a non-finite cutoff.
    pub fn alliance_cutoff(mut self, cutoff: Cutoff) -> Result<Self, MonitorError> {
        if !cutoff.value.is_finite() {
            return Err(MonitorError::invalid(
                "alliance cutoff",
                cutoff.value,
                "a finite number",
            ));
        }
        self.alliance_cutoff = Some(cutoff);
        Ok(self)
    }

    /// Alert (`alliance_drop`, warning) when the alliance score fell by at least `points`
    /// since the previous rated session (`current − previous ≤ −points`), instead of the
    /// alliance instrument's published drop.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] unless `points` is finite and `> 0`.
    pub fn alliance_drop(mut self, points: f64) -> Result<Self, MonitorError> {
        self.alliance_drop = Some(check_nonneg("alliance drop", points, true)?);
        Ok(self)
    }

    /// Alert (`outcome_deterioration`, critical) at every session where the outcome has
    /// worsened since intake by `threshold` points under `comparison`, instead of the outcome
    /// instrument's reliable-change threshold with `>` (Jacobson–Truax: `>` the threshold
    /// 1.96·√2·SD·√(1 − r); NHS England CYP statistics use `>=`).
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] unless `threshold` is finite and `> 0`.
    pub fn deterioration(
        mut self,
        threshold: f64,
        comparison: Comparison,
    ) -> Result<Self, MonitorError> {
        let t = check_nonneg("reliable-change threshold", threshold, true)?;
        self.deterioration = Some((t, comparison));
        Ok(self)
    }

    /// The alliance cutoff override, if set.
    #[must_use]
    pub const fn alliance_cutoff_override(&self) -> Option<Cutoff> {
        self.alliance_cutoff
    }

    /// The alliance drop override, if set.
    #[must_use]
    pub const fn alliance_drop_override(&self) -> Option<f64> {
        self.alliance_drop
    }

    /// The deterioration override, if set.
    #[must_use]
    pub const fn deterioration_override(&self) -> Option<(f64, Comparison)> {
        self.deterioration
    }
}

/// One resolved rule: its number and where the number came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct Rule<T> {
    pub(crate) value: T,
    pub(crate) source: ThresholdSource,
}

/// The rules of one run, resolved from the user's overrides and the instruments.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Resolved {
    pub(crate) alliance_cutoff: Option<Rule<Cutoff>>,
    pub(crate) alliance_drop: Option<Rule<f64>>,
    pub(crate) deterioration: Option<Rule<(f64, Comparison)>>,
}

/// Everything `alerts` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct AlertInput<'a> {
    pub(crate) alliance: Option<(&'a Series, &'a str)>,
    pub(crate) ruptures: &'a [Rupture],
    pub(crate) rupture_window: u32,
    pub(crate) rupture_threshold: Option<Rule<f64>>,
    pub(crate) outcome: Option<(&'a Series, &'a str, Direction)>,
    pub(crate) sudden_losses: &'a [SuddenChange],
    pub(crate) not_on_track: &'a [(u32, f64, f64)],
    pub(crate) barriers: &'a [BarrierFinding],
    pub(crate) rules: Resolved,
}

/// A number for a human-readable reason: rounded to at most 2 decimals, trailing zeros (and a
/// bare decimal point) trimmed, no negative zero: `35`, `35.5`, `-2.2` (not
/// `-2.200000000000003`). The numeric fields of alerts stay exact.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Raises every alert the resolved rules and findings call for, sorted (see [`Alert`]).
///
/// * `alliance_low` (warning): alliance `op` cutoff at a session.
/// * `alliance_drop` (warning): alliance fell by at least the drop since the previous rated
///   session.
/// * `rupture`: at the trough; **warning** if unrepaired (reason says whether the repair window
///   has closed), **info** if repaired.
/// * `not_on_track` (warning): each flagged session.
/// * `outcome_deterioration` (critical): each session whose worsening since intake passes
///   the threshold.
/// * `sudden_loss` (warning): at the post-loss session; the reason suggests checking for a
///   confrontation rupture (confrontation ruptures were seen in 42% of sudden-loss sessions
///   versus 12% of sudden-gain sessions, 82 videos of 53 patients; *Psychotherapeut*,
///   doi:10.1007/s00278-015-0019-6).
/// * barrier findings: see [`BarrierFinding::to_alert`].
pub(crate) fn alerts(input: &AlertInput<'_>) -> Vec<Alert> {
    let mut out = Vec::new();
    let rules = &input.rules;
    if let Some((alliance, id)) = input.alliance {
        if let Some(Rule { value: c, source }) = rules.alliance_cutoff {
            for &(s, v) in alliance.points() {
                if c.flags(v) {
                    out.push(
                        Alert::new(
                            s,
                            AlertKind::AllianceLow,
                            AlertSeverity::Warning,
                            format!(
                                "{id} {} {} cutoff {} ({source})",
                                num(v),
                                c.comparison.symbol(),
                                num(c.value)
                            ),
                        )
                        .with_value(id, v)
                        .with_threshold(c.value, source),
                    );
                }
            }
        }
        if let Some(Rule { value: d, source }) = rules.alliance_drop {
            for w in alliance.points().windows(2) {
                let change = w[1].1 - w[0].1;
                if Comparison::LessOrEqual.holds(change, -d) {
                    out.push(
                        Alert::new(
                            w[1].0,
                            AlertKind::AllianceDrop,
                            AlertSeverity::Warning,
                            format!(
                                "{id} fell from {} (session {}) to {}, a change of {} (drop rule {}, {source})",
                                num(w[0].1),
                                w[0].0,
                                num(w[1].1),
                                num(change),
                                num(d)
                            ),
                        )
                        .with_value(id, change)
                        .with_threshold(-d, source),
                    );
                }
            }
        }
    }
    let last_alliance = input.alliance.map(|(a, _)| a.last().0);
    for r in input.ruptures {
        let head = format!(
            "rupture from session {} ({}) to {} (depth {})",
            r.start,
            num(r.level),
            r.trough,
            num(r.depth)
        );
        let (severity, reason) = if let Some(rep) = r.repair {
            (
                AlertSeverity::Info,
                format!("{head}, repaired at session {rep}"),
            )
        } else {
            let open =
                last_alliance.is_some_and(|l| l.saturating_sub(r.trough) < input.rupture_window);
            let tail = if open {
                "not repaired yet (repair window still open)".to_owned()
            } else {
                format!("not repaired within {} sessions", input.rupture_window)
            };
            (AlertSeverity::Warning, format!("{head}, {tail}"))
        };
        let mut a = Alert::new(r.trough, AlertKind::Rupture, severity, reason);
        if let Some((_, id)) = input.alliance {
            a = a.with_value(id, r.depth);
        }
        if let Some(t) = input.rupture_threshold {
            a = a.with_threshold(t.value, t.source);
        }
        out.push(a);
    }
    let outcome_id = input.outcome.map(|(_, id, _)| id);
    for &(s, v, e) in input.not_on_track {
        let mut a = Alert::new(
            s,
            AlertKind::NotOnTrack,
            AlertSeverity::Warning,
            format!("outcome {} against an expected {}", num(v), num(e)),
        )
        .with_threshold(e, ThresholdSource::User);
        if let Some(id) = outcome_id {
            a = a.with_value(id, v);
        }
        out.push(a);
    }
    if let (
        Some((outcome, id, dir)),
        Some(Rule {
            value: (t, op),
            source,
        }),
    ) = (input.outcome, rules.deterioration)
    {
        let (s0, v0) = outcome.first();
        for &(s, v) in &outcome.points()[1..] {
            let worsening = -dir.sign() * (v - v0);
            if op.holds(worsening, t) {
                out.push(
                    Alert::new(
                        s,
                        AlertKind::OutcomeDeterioration,
                        AlertSeverity::Critical,
                        format!(
                            "{id} worsened by {} since session {} ({} to {}), {} reliable-change threshold {} ({source})",
                            num(worsening),
                            s0,
                            num(v0),
                            num(v),
                            op.symbol(),
                            num(t)
                        ),
                    )
                    .with_value(id, worsening)
                    .with_threshold(t, source),
                );
            }
        }
    }
    for l in input.sudden_losses {
        let mut a = Alert::new(
            l.post_session,
            AlertKind::SuddenLoss,
            AlertSeverity::Warning,
            format!(
                "sudden loss of {} from session {} ({} to {}); check for a confrontation rupture",
                num(l.magnitude),
                l.session,
                num(l.pre_value),
                num(l.post_value)
            ),
        );
        if let Some(id) = outcome_id {
            a = a.with_value(id, l.magnitude);
        }
        out.push(a);
    }
    out.extend(input.barriers.iter().map(BarrierFinding::to_alert));
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srs_rules() -> Resolved {
        Resolved {
            alliance_cutoff: Some(Rule {
                value: Cutoff::new(Comparison::Less, 36.0),
                source: ThresholdSource::Published,
            }),
            alliance_drop: Some(Rule {
                value: 1.0,
                source: ThresholdSource::Published,
            }),
            deterioration: None,
        }
    }

    #[test]
    fn reason_numbers_are_rounded() {
        assert_eq!(num(35.0), "35");
        assert_eq!(num(35.5), "35.5");
        assert_eq!(num(-2.200000000000003), "-2.2");
        assert_eq!(num(1.005_000_1), "1.01");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(100.0), "100");
        let srs = Series::new(vec![(1, 38.3), (2, 36.1)]).unwrap();
        let a = alerts(&AlertInput {
            alliance: Some((&srs, "srs")),
            rules: srs_rules(),
            ..AlertInput::default()
        });
        assert_eq!(
            a[0].reason,
            "srs fell from 38.3 (session 1) to 36.1, a change of -2.2 (drop rule 1, published)"
        );
        assert_eq!(a[0].kind, AlertKind::AllianceDrop);
        assert_eq!(a[0].instrument.as_deref(), Some("srs"));
        assert_eq!(a[0].threshold, Some(-1.0));
        assert_eq!(a[0].threshold_source, Some(ThresholdSource::Published));
    }

    #[test]
    fn cutoff_and_drop_boundaries() {
        let srs = Series::new(vec![(1, 38.0), (2, 36.0), (3, 35.9), (4, 34.9)]).unwrap();
        let a = alerts(&AlertInput {
            alliance: Some((&srs, "srs")),
            rules: srs_rules(),
            ..AlertInput::default()
        });
        let got: Vec<(u32, AlertKind)> = a.iter().map(|a| (a.session, a.kind)).collect();
        // 36 is not below 36; a fall of exactly 1 (35.9 to 34.9) is a drop; 0.1 is not
        assert_eq!(
            got,
            [
                (2, AlertKind::AllianceDrop),
                (3, AlertKind::AllianceLow),
                (4, AlertKind::AllianceLow),
                (4, AlertKind::AllianceDrop)
            ]
        );
        assert_eq!(a[1].value, Some(35.9));
        assert_eq!(a[1].threshold, Some(36.0));
    }

    #[test]
    fn deterioration_operator() {
        let ors = Series::new(vec![(1, 20.0), (2, 15.0), (3, 14.0)]).unwrap();
        let run = |op| {
            alerts(&AlertInput {
                outcome: Some((&ors, "ors", Direction::HigherIsBetter)),
                rules: Resolved {
                    deterioration: Some(Rule {
                        value: (5.0, op),
                        source: ThresholdSource::User,
                    }),
                    ..Resolved::default()
                },
                ..AlertInput::default()
            })
        };
        let gt = run(Comparison::Greater);
        assert_eq!(gt.iter().map(|a| a.session).collect::<Vec<_>>(), vec![3]);
        assert_eq!(gt[0].kind, AlertKind::OutcomeDeterioration);
        assert_eq!(gt[0].value, Some(6.0));
        let ge = run(Comparison::GreaterOrEqual);
        assert_eq!(ge.iter().map(|a| a.session).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn overrides_validate_when_built_and_deserialised() {
        assert!(
            AlertRules::new()
                .alliance_cutoff(Cutoff::new(Comparison::Less, f64::NAN))
                .is_err()
        );
        assert!(
            AlertRules::new()
                .alliance_cutoff(Cutoff::new(Comparison::Less, f64::NEG_INFINITY))
                .is_err()
        );
        assert!(AlertRules::new().alliance_drop(0.0).is_err());
        assert!(AlertRules::new().alliance_drop(f64::INFINITY).is_err());
        assert!(
            AlertRules::new()
                .deterioration(-1.0, Comparison::Greater)
                .is_err()
        );
        let ok = AlertRules::new().alliance_drop(2.0).unwrap();
        let json = serde_json::to_string(&ok).unwrap();
        assert_eq!(json, r#"{"alliance_drop":2.0}"#);
        assert_eq!(serde_json::from_str::<AlertRules>(&json).unwrap(), ok);
        assert!(serde_json::from_str::<AlertRules>(r#"{"alliance_drop":-2.0}"#).is_err());
    }
}
