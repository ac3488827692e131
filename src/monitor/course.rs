//! [`CourseMonitor`]: the one entry point of monitoring. It resolves every threshold from the
//! instrument being monitored (or the user's override), builds the series and findings from a
//! [`Course`] (or takes them as a [`CourseInput`]), and runs every analysis.

use serde::{Deserialize, Serialize};

use super::alert::rules::{AlertInput, Resolved, Rule, num};
use super::alert::{Alert, AlertKind, AlertSeverity, ThresholdSource, alerts};
use super::{
    AllianceLightRules, AllianceReport, BarrierFinding, CourseInput, CourseReport,
    ExpectedTrajectory, FindingCategory, MonitorError, MonitorOptions, OutcomeReport,
    RuptureThreshold, Series, Targets, alliance_lights, detect_ruptures, outcome_lights,
    sudden_changes, trajectory,
};
use crate::date::SessionDate;
use crate::id::ClientId;
use crate::{Comparison, Course, CriticalFlag, EthicsFinding, Instrument, Respondent, Timing};

/// Where a number of `instrument`'s definition comes from: the published rule when the
/// definition is the catalogue's own, the user's when it was defined or adapted.
fn definition_source(instrument: &Instrument) -> ThresholdSource {
    if Instrument::builtin(instrument.id()).is_some_and(|b| &b == instrument) {
        ThresholdSource::Published
    } else {
        ThresholdSource::User
    }
}

/// The one entry point of monitoring: which alliance and outcome instruments to follow (and
/// whose ratings count), the alliance timing, and the [`MonitorOptions`].
///
/// **Every number comes from the instrument being monitored**, unless the options'
/// [`AlertRules`](super::AlertRules) override it, so no instrument's number is applied to
/// another:
/// - **alliance cutoff** (`alliance_low` alerts and the traffic light): the alliance
///   instrument's [`Instrument::cutoff`] (SRS: `< 36`, VERIFIED); none for the WAI family;
/// - **alliance drop** (`alliance_drop`): the alliance instrument's [`Instrument::alert_drop`]
///   (SRS: 1 point, OpenFIT, PRIMARY); none for the WAI family;
/// - **outcome deterioration** (`outcome_deterioration`, critical): worsening since intake by
///   more than (`>`, Jacobson & Truax) the outcome instrument's
///   [`Instrument::reliable_change_threshold`] (ORS adult: 5 points); none when the
///   instrument has no threshold;
/// - **critical items** (`critical_item`, critical): the [`Instrument::critical_rules`] of
///   every administration in the course, whatever its instrument (PHQ-9 item 9 ≥ 1): scored
///   from the responses when they are stored, else the stored score's flags;
/// - **direction**: the outcome instrument's [`Instrument::direction`] must agree with the
///   sudden-change options' direction (an error otherwise, rather than silently picking one).
///
/// Each alert names the client, session, date, instrument, value, threshold and
/// [`ThresholdSource`] (`published` for a catalogue definition's own number, `user` for an
/// override or a user-defined instrument, `derived` for an SD estimated from the data).
///
/// ```
/// use therapeutic_alliance::monitor::{
///     AlertKind, CourseMonitor, MonitorOptions, RuptureOptions, RuptureThreshold, SizeCriterion,
///     SuddenChangeOptions,
/// };
/// use therapeutic_alliance::{Course, Direction, Instrument, Respondent};
/// let json = r#"[{"client": "c-1", "counsellor": "t-1", "sessions": [
///   {"number": 1, "date": "2025-01-08", "administrations": [
///     {"instrument": "srs", "respondent": "client", "score": {"instrument": "srs", "total": 38.0,
///      "subscales": [], "answered": 4, "prorated": false, "imputed": 0, "band": null, "cutoff_met": false}}]},
///   {"number": 2, "date": "2025-01-15", "administrations": [
///     {"instrument": "srs", "respondent": "client", "score": {"instrument": "srs", "total": 31.0,
///      "subscales": [], "answered": 4, "prorated": false, "imputed": 0, "band": null, "cutoff_met": true}}],
///    "flags": [{"session": 2, "kind": {"type": "reactance"}, "severity": "moderate",
///               "raised_by": "counsellor"}]}]}]"#;
/// let courses: Vec<Course> = serde_json::from_str(json)?;
/// let options = MonitorOptions::new(
///     RuptureOptions::new(RuptureThreshold::Points(5.0)),
///     SuddenChangeOptions::new(SizeCriterion::ReliableChange(5.0), Direction::HigherIsBetter),
/// );
/// let srs = Instrument::builtin("srs").ok_or("no srs")?;
/// let monitor = CourseMonitor::new(options).alliance(srs, Respondent::Client);
/// let result = monitor.run(&courses[0])?;
/// assert_eq!(result.report.alliance.as_ref().map(|a| a.ruptures.len()), Some(1));
/// let kinds: Vec<&str> = result.report.alerts.iter().map(|a| a.kind.as_str()).collect();
/// // the SRS's own cutoff (< 36) and drop (1 point)
/// assert_eq!(kinds, ["rupture", "alliance_low", "alliance_drop", "barrier"]);
/// let low = &result.report.alerts[1];
/// assert_eq!(low.client.as_ref().map(|c| c.as_str()), Some("c-1"));
/// assert_eq!(low.date.map(|d| d.to_string()).as_deref(), Some("2025-01-15"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CourseMonitor {
    alliance: Option<(Instrument, Respondent)>,
    alliance_timing: Option<Timing>,
    outcome: Option<(Instrument, Respondent)>,
    options: MonitorOptions,
}

/// What [`CourseMonitor::run_with`] takes beside the course: ethics findings, the expected
/// outcome trajectory and the outcome targets (traffic light).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MonitorContext<'a> {
    ethics: &'a [EthicsFinding],
    expected: Option<&'a ExpectedTrajectory>,
    targets: Option<&'a Targets>,
}

impl<'a> MonitorContext<'a> {
    /// Nothing beside the course.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Ethics findings (violations become critical `ethics` alerts at the last session).
    #[must_use]
    pub fn ethics(mut self, findings: &'a [EthicsFinding]) -> Self {
        self.ethics = findings;
        self
    }

    /// The expected outcome trajectory (needs [`MonitorOptions::not_on_track`]).
    #[must_use]
    pub fn expected(mut self, expected: &'a ExpectedTrajectory) -> Self {
        self.expected = Some(expected);
        self
    }

    /// The outcome's target and lower-target trajectories (the outcome traffic light).
    #[must_use]
    pub fn targets(mut self, targets: &'a Targets) -> Self {
        self.targets = Some(targets);
        self
    }
}

impl CourseMonitor {
    /// Monitoring with `options` and no measures yet (add them with
    /// [`CourseMonitor::alliance`] and [`CourseMonitor::outcome`]).
    #[must_use]
    pub fn new(options: MonitorOptions) -> Self {
        Self {
            alliance: None,
            alliance_timing: None,
            outcome: None,
            options,
        }
    }

    /// The alliance measure: the instrument (its id selects the administrations; its cutoff
    /// and drop are the alert rules) and whose ratings count.
    #[must_use]
    pub fn alliance(mut self, instrument: Instrument, respondent: Respondent) -> Self {
        self.alliance = Some((instrument, respondent));
        self
    }

    /// Use only alliance ratings completed at `timing` (and those with no recorded timing),
    /// see [`Course::series_at`]. Default: every rating, which fails with
    /// [`MonitorError::DuplicateSession`] if a session holds both a pre- and a post-session
    /// rating.
    #[must_use]
    pub fn alliance_timing(mut self, timing: Timing) -> Self {
        self.alliance_timing = Some(timing);
        self
    }

    /// The outcome measure (its reliable-change threshold is the deterioration rule) and whose
    /// ratings count.
    #[must_use]
    pub fn outcome(mut self, instrument: Instrument, respondent: Respondent) -> Self {
        self.outcome = Some((instrument, respondent));
        self
    }

    /// The options as given.
    #[must_use]
    pub fn options(&self) -> &MonitorOptions {
        &self.options
    }

    /// The alliance instrument, if set.
    #[must_use]
    pub fn alliance_instrument(&self) -> Option<&Instrument> {
        self.alliance.as_ref().map(|(i, _)| i)
    }

    /// The outcome instrument, if set.
    #[must_use]
    pub fn outcome_instrument(&self) -> Option<&Instrument> {
        self.outcome.as_ref().map(|(i, _)| i)
    }

    /// The alliance cutoff this monitor applies and its source: the override, else the
    /// alliance instrument's own cutoff; `None` when neither exists (the WAI family).
    #[must_use]
    pub fn alliance_cutoff(&self) -> Option<(crate::Cutoff, ThresholdSource)> {
        self.resolved().alliance_cutoff.map(|r| (r.value, r.source))
    }

    /// The alliance drop this monitor applies and its source (override, else the
    /// instrument's [`Instrument::alert_drop`]).
    #[must_use]
    pub fn alliance_drop(&self) -> Option<(f64, ThresholdSource)> {
        self.resolved().alliance_drop.map(|r| (r.value, r.source))
    }

    /// The outcome deterioration rule this monitor applies and its source (override, else
    /// `>` the outcome instrument's reliable-change threshold).
    #[must_use]
    pub fn deterioration(&self) -> Option<(f64, Comparison, ThresholdSource)> {
        self.resolved()
            .deterioration
            .map(|r| (r.value.0, r.value.1, r.source))
    }

    /// The rules of this monitor: each override, else the instrument's own number.
    fn resolved(&self) -> Resolved {
        /// The user's value if set, else `own(instrument)` with the definition's source.
        fn pick<T>(
            user: Option<T>,
            instrument: Option<&Instrument>,
            own: impl Fn(&Instrument) -> Option<T>,
        ) -> Option<Rule<T>> {
            match user {
                Some(value) => Some(Rule {
                    value,
                    source: ThresholdSource::User,
                }),
                None => instrument.and_then(|i| {
                    own(i).map(|value| Rule {
                        value,
                        source: definition_source(i),
                    })
                }),
            }
        }
        let user = self.options.alerts;
        let alliance = self.alliance.as_ref().map(|(i, _)| i);
        let outcome = self.outcome.as_ref().map(|(i, _)| i);
        Resolved {
            alliance_cutoff: pick(user.alliance_cutoff, alliance, Instrument::cutoff),
            alliance_drop: pick(user.alliance_drop, alliance, Instrument::alert_drop),
            deterioration: pick(user.deterioration, outcome, |i| {
                i.reliable_change_threshold()
                    .map(|t| (t, Comparison::Greater))
            }),
        }
    }

    /// Monitors `course`: [`CourseMonitor::run_with`] with nothing beside the course.
    ///
    /// # Errors
    /// As [`CourseMonitor::run_with`].
    pub fn run(&self, course: &Course) -> Result<CourseMonitoring, MonitorError> {
        self.run_with(course, &MonitorContext::new())
    }

    /// Monitors `course`: builds the alliance and outcome [`Series`] from its scored
    /// administrations ([`Course::series_by`]; a measure the course never scored is left out),
    /// the critical-item alerts of every administration, the barrier findings (see
    /// [`barrier_findings`]) and the ethics alerts at the course's last session (violations
    /// only: a [`EthicsFinding::RequiresReview`] is a documentation duty, not an alert), then
    /// runs every analysis (trajectories, ruptures, sudden changes, not-on-track against the
    /// expected trajectory, traffic lights, alerts). Alerts carry the client and session
    /// dates.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] when the outcome instrument's direction disagrees
    /// with the sudden-change options; a series error ([`MonitorError::DuplicateSession`] when
    /// a session holds two ratings of one measure by one respondent); any error of the
    /// analyses (a within-client SD that cannot be estimated …).
    pub fn run_with(
        &self,
        course: &Course,
        context: &MonitorContext<'_>,
    ) -> Result<CourseMonitoring, MonitorError> {
        let alliance = match &self.alliance {
            Some((inst, who)) => {
                let points = match self.alliance_timing {
                    Some(t) => course.series_at(inst.id(), *who, t),
                    None => course.series_by(inst.id(), *who),
                };
                series(points)?
            }
            None => None,
        };
        let outcome = match &self.outcome {
            Some((inst, who)) => series(course.series_by(inst.id(), *who))?,
            None => None,
        };
        let mut barriers = barrier_findings(course)?;
        let last = course.sessions().last().map_or(0, crate::Session::number);
        for e in context.ethics.iter().filter(|e| e.is_violation()) {
            barriers.push(BarrierFinding::new(
                last,
                FindingCategory::Ethics,
                true,
                ethics_description(e),
            )?);
        }
        let sessions: Vec<u32> = course
            .sessions()
            .iter()
            .map(crate::Session::number)
            .collect();
        let input = CourseInput {
            client: Some(course.client()),
            sessions: &sessions,
            alliance: alliance.as_ref(),
            outcome: outcome.as_ref(),
            expected: context.expected,
            targets: context.targets,
            barriers: &barriers,
        };
        let critical = self.critical_alerts(course);
        let date = |s: u32| course.session(s).map(crate::Session::date);
        let report = self.analyse(&input, critical, &date)?;
        Ok(CourseMonitoring {
            version: crate::FORMAT_VERSION,
            client: course.client().clone(),
            alliance,
            outcome,
            barriers,
            report,
        })
    }

    /// Monitors series you already hold (the alliance series of this monitor's alliance
    /// instrument, the outcome series of its outcome instrument), with the same rules and
    /// analyses as [`CourseMonitor::run`]. Alerts carry the input's client, and no dates.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] when the input holds a series of a measure this
    /// monitor has no instrument for, or as [`CourseMonitor::run_with`].
    pub fn run_input(&self, input: &CourseInput<'_>) -> Result<CourseReport, MonitorError> {
        if input.alliance.is_some() && self.alliance.is_none() {
            return Err(MonitorError::invalid(
                "alliance series",
                0.0,
                "an alliance instrument on the monitor (CourseMonitor::alliance)",
            ));
        }
        if input.outcome.is_some() && self.outcome.is_none() {
            return Err(MonitorError::invalid(
                "outcome series",
                0.0,
                "an outcome instrument on the monitor (CourseMonitor::outcome)",
            ));
        }
        self.analyse(input, Vec::new(), &|_| None)
    }

    /// The critical-item alerts of every administration of `course`.
    fn critical_alerts(&self, course: &Course) -> Vec<Alert> {
        let mut out = Vec::new();
        // Each instrument id resolved once per course (the monitored definition, else the
        // catalogue's), with the source of its rules: not once per administration or flag.
        let mut resolved: Vec<(String, Option<Instrument>, ThresholdSource)> = Vec::new();
        for session in course.sessions() {
            for a in session.administrations() {
                let k = if let Some(k) = resolved.iter().position(|(id, _, _)| id == a.instrument())
                {
                    k
                } else {
                    let inst = [&self.alliance, &self.outcome]
                        .into_iter()
                        .flatten()
                        .map(|(i, _)| i)
                        .find(|i| i.id() == a.instrument())
                        .cloned()
                        .or_else(|| Instrument::builtin(a.instrument()));
                    let source = inst
                        .as_ref()
                        .map_or(ThresholdSource::User, definition_source);
                    resolved.push((a.instrument().to_owned(), inst, source));
                    resolved.len() - 1
                };
                let (known, source) = (&resolved[k].1, resolved[k].2);
                // The responses are the authority when stored (an incomplete form still
                // reports its answered risk items); else the stored score's flags.
                let scored = match known {
                    Some(inst) if !a.responses().is_empty() => Some(inst.score(a.responses())),
                    _ => None,
                };
                let flags: &[CriticalFlag] = match (&scored, a.score()) {
                    (Some(Ok(s)), _) | (None, Some(s)) => &s.critical,
                    (Some(Err(e)), _) => e.critical(),
                    (None, None) => continue,
                };
                for f in flags {
                    let mut alert = Alert::new(
                        session.number(),
                        AlertKind::CriticalItem,
                        AlertSeverity::Critical,
                        format!(
                            "{} {}: {} = {} {} {}; a prompt for a clinician's risk assessment today, not a risk estimate",
                            a.instrument(),
                            f.rule,
                            f.target,
                            num(f.value),
                            f.comparison.symbol(),
                            num(f.threshold)
                        ),
                    )
                    .with_value(a.instrument(), f.value)
                    .with_threshold(f.threshold, source)
                    .with_client(course.client().clone())
                    .with_date(session.date());
                    alert.rule = Some(f.rule.clone());
                    out.push(alert);
                }
            }
        }
        out
    }

    /// Every analysis on one client's series: the one path behind `run_with` and `run_input`.
    fn analyse(
        &self,
        input: &CourseInput<'_>,
        critical: Vec<Alert>,
        date: &dyn Fn(u32) -> Option<SessionDate>,
    ) -> Result<CourseReport, MonitorError> {
        let options = &self.options;
        let rules = self.resolved();
        let traj = |s: &Series| {
            if s.len() < 2 {
                Ok(None)
            } else {
                trajectory(s, &options.trajectory).map(Some)
            }
        };
        let alliance = match (input.alliance, &self.alliance) {
            (Some(s), Some((inst, _))) => {
                let threshold = options.rupture.threshold();
                let source = match threshold {
                    RuptureThreshold::Points(_) | RuptureThreshold::ReliableChange(_) => {
                        ThresholdSource::User
                    }
                    _ => ThresholdSource::Derived,
                };
                let lights = match rules.alliance_cutoff {
                    Some(c) => {
                        let mut r = AllianceLightRules::new(c.value)?;
                        if let Some(d) = rules.alliance_drop {
                            r = r.drop(d.value)?;
                        }
                        alliance_lights(s, input.sessions, &r)
                    }
                    None => Vec::new(),
                };
                Some(AllianceReport {
                    instrument: inst.id().to_owned(),
                    trajectory: traj(s)?,
                    rupture_threshold: threshold.points(s)?,
                    rupture_threshold_source: source,
                    ruptures: detect_ruptures(s, &options.rupture)?,
                    lights,
                })
            }
            _ => None,
        };
        let outcome = match (input.outcome, &self.outcome) {
            (Some(s), Some((inst, _))) => {
                let wanted = options.sudden.direction();
                if inst.direction() != wanted {
                    return Err(MonitorError::InvalidParameter {
                        name: format!("direction of outcome instrument {:?}", inst.id()),
                        value: inst.direction().sign(),
                        expected: format!(
                            "the sudden-change direction ({})",
                            if wanted.sign() > 0.0 {
                                "higher is better, +1"
                            } else {
                                "lower is better, -1"
                            }
                        ),
                    });
                }
                let not_on_track = match (input.expected, options.not_on_track) {
                    (Some(e), Some(rule)) => rule.check(s, e)?,
                    _ => Vec::new(),
                };
                Some(OutcomeReport {
                    instrument: inst.id().to_owned(),
                    trajectory: traj(s)?,
                    sudden: sudden_changes(s, &options.sudden)?,
                    not_on_track,
                    lights: input
                        .targets
                        .map(|t| outcome_lights(s, t))
                        .unwrap_or_default(),
                })
            }
            _ => None,
        };
        let alert_input = AlertInput {
            alliance: input
                .alliance
                .zip(alliance.as_ref().map(|a| a.instrument.as_str())),
            ruptures: alliance.as_ref().map_or(&[], |a| a.ruptures.as_slice()),
            rupture_window: options.rupture.repair_window(),
            rupture_threshold: alliance.as_ref().map(|a| Rule {
                value: a.rupture_threshold,
                source: a.rupture_threshold_source,
            }),
            outcome: input
                .outcome
                .zip(outcome.as_ref())
                .map(|(s, o)| (s, o.instrument.as_str(), options.sudden.direction())),
            sudden_losses: outcome.as_ref().map_or(&[], |o| o.sudden.losses.as_slice()),
            not_on_track: outcome.as_ref().map_or(&[], |o| o.not_on_track.as_slice()),
            barriers: input.barriers,
            rules,
        };
        let mut all = alerts(&alert_input);
        for a in &mut all {
            if a.client.is_none() {
                a.client = input.client.cloned();
            }
            if a.date.is_none() {
                a.date = date(a.session);
            }
        }
        all.extend(critical);
        all.sort();
        Ok(CourseReport {
            version: crate::FORMAT_VERSION,
            alliance,
            outcome,
            alerts: all,
        })
    }
}

fn series(points: Vec<(u32, f64)>) -> Result<Option<Series>, MonitorError> {
    if points.is_empty() {
        Ok(None)
    } else {
        Series::new(points).map(Some)
    }
}

fn ethics_description(e: &EthicsFinding) -> String {
    match e {
        EthicsFinding::WithinInterval {
            rule, days_short, ..
        } => {
            format!("post-termination relationship began {days_short} day(s) before {rule} permits")
        }
        // `CurrentClientViolation` and any later violation kind.
        _ => "relationship with a current client (APA 10.05, ACA A.5.a)".to_owned(),
    }
}

/// The course's barrier flags as [`BarrierFinding`]s, in session order: boundary violations as
/// [`FindingCategory::BoundaryViolation`], every other flag as [`FindingCategory::Barrier`],
/// `critical` from [`BarrierFlag::is_critical`](crate::BarrierFlag::is_critical). Resolved
/// flags are left out unless critical (a resolved boundary violation still needs review).
/// Each description names the category, severity, who raised it and whether it is resolved.
///
/// # Errors
/// None in practice (descriptions are never blank); the signature keeps
/// [`BarrierFinding::new`]'s validation.
pub fn barrier_findings(course: &Course) -> Result<Vec<BarrierFinding>, MonitorError> {
    course
        .flags()
        .filter(|f| !f.resolved() || f.is_critical())
        .map(|f| {
            let category = if f.kind().is_boundary_violation() {
                FindingCategory::BoundaryViolation
            } else {
                FindingCategory::Barrier
            };
            let description = format!(
                "{} ({}, raised by {}{})",
                f.category(),
                f.severity(),
                f.raised_by(),
                if f.resolved() { ", resolved" } else { "" }
            );
            BarrierFinding::new(f.session(), category, f.is_critical(), description)
        })
        .collect()
}

/// What [`CourseMonitor::run`] found for one course, with the series and findings it built
/// (pass [`CourseMonitoring::input`] to [`course_svg`](super::course_svg) to draw it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CourseMonitoring {
    /// The format version of the monitoring document ([`FORMAT_VERSION`](crate::FORMAT_VERSION));
    /// absent means 1, a newer one is refused (see [`crate::document`]).
    #[serde(
        default = "crate::document::format_version",
        deserialize_with = "crate::document::deserialize_version"
    )]
    pub version: u32,
    /// The course's client.
    pub client: ClientId,
    /// The alliance series, if the course has alliance scores.
    pub alliance: Option<Series>,
    /// The outcome series, if the course has outcome scores.
    pub outcome: Option<Series>,
    /// Barrier and ethics findings.
    pub barriers: Vec<BarrierFinding>,
    /// Trajectories, ruptures, sudden changes and sorted alerts.
    pub report: CourseReport,
}

impl CourseMonitoring {
    /// The input the report was computed from (without an expected trajectory).
    #[must_use]
    pub fn input(&self) -> CourseInput<'_> {
        let mut input = CourseInput::new().barriers(&self.barriers);
        if let Some(a) = &self.alliance {
            input = input.alliance(a);
        }
        if let Some(o) = &self.outcome {
            input = input.outcome(o);
        }
        input
    }
}
