//! Monitoring a course of therapy session by session: trajectories, rupture–repair episodes,
//! sudden gains and losses, deterministic alerts, and SVG charts.
//!
//! Everything works on a plain score series ([`Series`]: `(session, value)` pairs, validated).
//! [`CourseMonitor`] builds those series (and barrier/ethics findings) from a
//! [`Course`](crate::Course) and runs every analysis in one call.
//! Thresholds that come from an instrument (cutoffs, reliable-change thresholds, between-client
//! SDs) are numbers the caller passes in; the rules, their sources and their verification
//! status are documented on each item with their primary source. Numbers no readable source
//! confirms are never defaults.
//!
//! ```
//! use therapeutic_alliance::Direction;
//! use therapeutic_alliance::monitor::{
//!     monitor_course, CourseInput, MonitorOptions, RuptureOptions, RuptureThreshold,
//!     Series, SizeCriterion, SuddenChangeOptions,
//! };
//! let srs = Series::new(vec![(1, 37.0), (2, 38.0), (3, 38.0), (4, 38.5), (5, 27.5), (6, 38.6)])?;
//! let ors = Series::new(vec![(1, 18.0), (2, 19.0), (3, 18.5), (4, 26.0), (5, 27.0), (6, 26.5)])?;
//! let options = MonitorOptions::pcoms(
//!     RuptureOptions::new(RuptureThreshold::Points(5.0)),
//!     SuddenChangeOptions::new(SizeCriterion::ReliableChange(5.0), Direction::HigherIsBetter),
//! );
//! let report = monitor_course(&CourseInput::new().alliance(&srs).outcome(&ors), &options)?;
//! let alliance = report.alliance.as_ref().unwrap();
//! assert_eq!(alliance.ruptures[0].trough, 5);
//! assert_eq!(report.outcome.as_ref().unwrap().sudden.gains[0].session, 3);
//! assert_eq!(report.alerts[0].session, 5); // rupture (info, repaired) and srs_low at session 5
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod alert;
mod chart;
mod course;
mod error;
mod expected;
mod rupture;
mod series;
mod sudden;
mod trajectory;

use serde::{Deserialize, Serialize};

pub use alert::{
    Alert, AlertInput, AlertKind, AlertRules, AlertSeverity, BarrierFinding, FindingCategory,
    alerts,
};
pub use chart::{ChartOptions, course_svg};
pub use course::{CourseMonitor, CourseMonitoring, barrier_findings};
pub use error::MonitorError;
pub use expected::{ExpectedTrajectory, NotOnTrackRule, OnTrackBand};
pub use rupture::{
    PrePostRuptures, RepairTarget, Rupture, RuptureOptions, RuptureOptionsBuilder,
    RuptureThreshold, detect_ruptures, detect_ruptures_pre_post, estimate_between_client_sd,
};
pub use series::Series;
pub use sudden::{
    ChangeKind, Crit3, IntervalCheck, SizeCriterion, SuddenChange, SuddenChangeOptions,
    SuddenChanges, lutz_critical_value, sudden_changes,
};
pub use trajectory::{Trajectory, TrajectoryOptions, trajectory};

/// One client's data for [`monitor_course`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CourseInput<'a> {
    alliance: Option<&'a Series>,
    outcome: Option<&'a Series>,
    expected: Option<&'a ExpectedTrajectory>,
    barriers: &'a [BarrierFinding],
}

impl<'a> CourseInput<'a> {
    /// Empty input.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The alliance series (one timing: pre- or post-session ratings, not both interleaved).
    #[must_use]
    pub fn alliance(mut self, series: &'a Series) -> Self {
        self.alliance = Some(series);
        self
    }

    /// The outcome series.
    #[must_use]
    pub fn outcome(mut self, series: &'a Series) -> Self {
        self.outcome = Some(series);
        self
    }

    /// The expected outcome trajectory (needs [`MonitorOptions::not_on_track`] to raise alerts).
    #[must_use]
    pub fn expected(mut self, expected: &'a ExpectedTrajectory) -> Self {
        self.expected = Some(expected);
        self
    }

    /// Barrier findings.
    #[must_use]
    pub fn barriers(mut self, findings: &'a [BarrierFinding]) -> Self {
        self.barriers = findings;
        self
    }
}

/// All settings for [`monitor_course`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonitorOptions {
    trajectory: TrajectoryOptions,
    rupture: RuptureOptions,
    sudden: SuddenChangeOptions,
    alerts: AlertRules,
    not_on_track: Option<NotOnTrackRule>,
}

impl MonitorOptions {
    /// Options with the given rupture and sudden-change settings, default trajectory options,
    /// and no alert rules beyond ruptures, sudden losses and barrier findings.
    #[must_use]
    pub const fn new(rupture: RuptureOptions, sudden: SuddenChangeOptions) -> Self {
        Self {
            trajectory: TrajectoryOptions::new(),
            rupture,
            sudden,
            alerts: AlertRules::new(),
            not_on_track: None,
        }
    }

    /// As [`MonitorOptions::new`] with [`AlertRules::pcoms`] (SRS `< 36`, SRS drop ≥ 1).
    #[must_use]
    pub fn pcoms(rupture: RuptureOptions, sudden: SuddenChangeOptions) -> Self {
        let mut o = Self::new(rupture, sudden);
        o.alerts = AlertRules::pcoms();
        o
    }

    /// Trajectory settings.
    #[must_use]
    pub const fn trajectory(mut self, t: TrajectoryOptions) -> Self {
        self.trajectory = t;
        self
    }

    /// Alert rules.
    #[must_use]
    pub const fn alert_rules(mut self, rules: AlertRules) -> Self {
        self.alerts = rules;
        self
    }

    /// The not-on-track rule applied against [`CourseInput::expected`].
    #[must_use]
    pub const fn not_on_track(mut self, rule: NotOnTrackRule) -> Self {
        self.not_on_track = Some(rule);
        self
    }
}

/// Alliance results for one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllianceReport {
    /// The trajectory; `None` with a single rated session.
    pub trajectory: Option<Trajectory>,
    /// Ruptures and repairs.
    pub ruptures: Vec<Rupture>,
}

/// Outcome results for one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutcomeReport {
    /// The trajectory; `None` with a single rated session.
    pub trajectory: Option<Trajectory>,
    /// Sudden gains and losses.
    pub sudden: SuddenChanges,
    /// `(session, observed, expected)` where the outcome was not on track.
    pub not_on_track: Vec<(u32, f64, f64)>,
}

/// Everything [`monitor_course`] found for one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CourseReport {
    /// Alliance results, if an alliance series was given.
    pub alliance: Option<AllianceReport>,
    /// Outcome results, if an outcome series was given.
    pub outcome: Option<OutcomeReport>,
    /// Sorted alerts.
    pub alerts: Vec<Alert>,
}

/// Runs trajectory, rupture, sudden-change, not-on-track and alert analyses on one course.
///
/// A series with a single rated session gets no trajectory (`None`) rather than an error;
/// every other failure is returned.
///
/// # Errors
/// Any [`MonitorError`] from the analyses (invalid parameters, a within-client SD that cannot
/// be estimated …).
pub fn monitor_course(
    input: &CourseInput<'_>,
    options: &MonitorOptions,
) -> Result<CourseReport, MonitorError> {
    let traj = |s: &Series| -> Result<Option<Trajectory>, MonitorError> {
        if s.len() < 2 {
            Ok(None)
        } else {
            trajectory(s, &options.trajectory).map(Some)
        }
    };
    let alliance = match input.alliance {
        Some(s) => Some(AllianceReport {
            trajectory: traj(s)?,
            ruptures: detect_ruptures(s, &options.rupture)?,
        }),
        None => None,
    };
    let outcome = match input.outcome {
        Some(s) => {
            let not_on_track = match (input.expected, options.not_on_track) {
                (Some(e), Some(rule)) => rule.check(s, e)?,
                _ => Vec::new(),
            };
            Some(OutcomeReport {
                trajectory: traj(s)?,
                sudden: sudden_changes(s, &options.sudden)?,
                not_on_track,
            })
        }
        None => None,
    };
    let mut ai = AlertInput::new().barriers(input.barriers);
    if let (Some(s), Some(a)) = (input.alliance, &alliance) {
        ai = ai
            .alliance(s)
            .ruptures(&a.ruptures, options.rupture.repair_window());
    }
    if let (Some(s), Some(o)) = (input.outcome, &outcome) {
        ai = ai
            .outcome(s, options.sudden.direction())
            .sudden_losses(&o.sudden.losses)
            .not_on_track(&o.not_on_track);
    }
    let alerts = alerts(&ai, &options.alerts)?;
    Ok(CourseReport {
        alliance,
        outcome,
        alerts,
    })
}
