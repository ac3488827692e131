//! The adapter from a [`Course`] (the session model) to the monitoring analyses.

use serde::{Deserialize, Serialize};

use super::{
    BarrierFinding, CourseInput, CourseReport, ExpectedTrajectory, FindingCategory, MonitorError,
    MonitorOptions, Series, monitor_course,
};
use crate::{ClientId, Comparison, Course, EthicsFinding, Instrument, Respondent, Timing};

/// What to monitor in a [`Course`] and how: the alliance and outcome instruments (with the
/// respondent whose ratings count), the alliance timing, and the [`MonitorOptions`].
///
/// Numbers come from the instruments, so each lives in one place (the catalogue or your own
/// definition):
/// - **alliance cutoff**: when the options' [`AlertRules`](super::AlertRules) set none, the
///   alliance instrument's own [`Instrument::cutoff`] (SRS: `< 36`, VERIFIED);
/// - **reliable deterioration**: when the options set none, an alert (critical) when the
///   outcome worsened since intake by more than (`>`, Jacobson & Truax) the outcome
///   instrument's [`Instrument::reliable_change_threshold`] (ORS adult: 5 points, SECONDARY);
///   no rule when the instrument has no threshold;
/// - **direction**: the outcome instrument's [`Instrument::direction`] must agree with the
///   sudden-change options' direction (an error otherwise, rather than silently picking one).
///
/// ```
/// use therapeutic_alliance::monitor::{
///     CourseMonitor, MonitorOptions, RuptureOptions, RuptureThreshold, SizeCriterion,
///     SuddenChangeOptions,
/// };
/// use therapeutic_alliance::{Course, Direction, Instrument, Respondent};
/// let json = r#"[{"client": "c-1", "counsellor": "t-1", "sessions": [
///   {"number": 1, "date": "2025-01-08", "administrations": [
///     {"instrument": "srs", "respondent": "client", "score": {"instrument": "srs", "total": 38.0,
///      "subscales": [], "answered": 4, "prorated": false, "imputed": 0, "band": null, "flagged": false}}]},
///   {"number": 2, "date": "2025-01-15", "administrations": [
///     {"instrument": "srs", "respondent": "client", "score": {"instrument": "srs", "total": 31.0,
///      "subscales": [], "answered": 4, "prorated": false, "imputed": 0, "band": null, "flagged": true}}],
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
/// assert_eq!(kinds, ["rupture", "srs_low", "barrier"]); // srs_low: the catalogue's < 36
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CourseMonitor {
    alliance: Option<(Instrument, Respondent)>,
    alliance_timing: Option<Timing>,
    outcome: Option<(Instrument, Respondent)>,
    options: MonitorOptions,
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

    /// The alliance measure: the instrument (its id selects the administrations) and whose
    /// ratings count.
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

    /// The outcome measure and whose ratings count.
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

    /// Monitors `course`: [`CourseMonitor::run_with`] without ethics findings or an expected
    /// trajectory.
    ///
    /// # Errors
    /// As [`CourseMonitor::run_with`].
    pub fn run(&self, course: &Course) -> Result<CourseMonitoring, MonitorError> {
        self.run_with(course, &[], None)
    }

    /// Monitors `course`: builds the alliance and outcome [`Series`] from its scored
    /// administrations ([`Course::series_by`]; a measure the course never scored is left out),
    /// turns its barrier flags into [`BarrierFinding`]s (see [`barrier_findings`]) and `ethics`
    /// findings into ethics alerts at the course's last session (violations only: a
    /// [`EthicsFinding::RequiresReview`] is a documentation duty, not an alert), then runs
    /// [`monitor_course`] (trajectories, ruptures, sudden changes, not-on-track against
    /// `expected`, alerts).
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] when the outcome instrument's direction disagrees
    /// with the sudden-change options; a series error ([`MonitorError::DuplicateSession`] when
    /// a session holds two ratings of one measure by one respondent); any error of
    /// [`monitor_course`].
    pub fn run_with(
        &self,
        course: &Course,
        ethics: &[EthicsFinding],
        expected: Option<&ExpectedTrajectory>,
    ) -> Result<CourseMonitoring, MonitorError> {
        let mut options = self.options;
        let alliance = match &self.alliance {
            Some((inst, who)) => {
                if options.alerts.alliance_cutoff.is_none() {
                    options.alerts.alliance_cutoff = inst.cutoff();
                }
                let points = match self.alliance_timing {
                    Some(t) => course.series_at(inst.id(), *who, t),
                    None => course.series_by(inst.id(), *who),
                };
                series(points)?
            }
            None => None,
        };
        let outcome = match &self.outcome {
            Some((inst, who)) => {
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
                if options.alerts.reliable_deterioration.is_none() {
                    options.alerts.reliable_deterioration = inst
                        .reliable_change_threshold()
                        .map(|t| (t, Comparison::Greater));
                }
                series(course.series_by(inst.id(), *who))?
            }
            None => None,
        };
        let mut barriers = barrier_findings(course)?;
        let last = course.sessions().last().map_or(0, crate::Session::number);
        for e in ethics.iter().filter(|e| e.is_violation()) {
            barriers.push(BarrierFinding::new(
                last,
                FindingCategory::Ethics,
                true,
                ethics_description(e),
            )?);
        }
        let report = {
            let mut input = CourseInput::new().barriers(&barriers);
            if let Some(a) = &alliance {
                input = input.alliance(a);
            }
            if let Some(o) = &outcome {
                input = input.outcome(o);
            }
            if let Some(e) = expected {
                input = input.expected(e);
            }
            monitor_course(&input, &options)?
        };
        Ok(CourseMonitoring {
            client: course.client().clone(),
            alliance,
            outcome,
            barriers,
            report,
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
#[non_exhaustive]
pub struct CourseMonitoring {
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
