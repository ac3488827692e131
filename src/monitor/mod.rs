//! Monitoring a course of therapy session by session: trajectories, rupture–repair episodes,
//! sudden gains and losses, critical items, traffic lights, deterministic alerts, and SVG
//! charts.
//!
//! **One entry point:** [`CourseMonitor`] names the alliance and outcome instruments and the
//! [`MonitorOptions`], and runs every analysis on a [`Course`](crate::Course)
//! ([`CourseMonitor::run`], [`CourseMonitor::run_with`]) or on series you already hold
//! ([`CourseMonitor::run_input`]). Every threshold comes **from the instrument being
//! monitored** unless you override it ([`AlertRules`]): the SRS's `< 36` and 1-point drop apply
//! to the SRS only; the WAI-SR has no published cutoff or drop, so it raises no `alliance_low`
//! or `alliance_drop` alert unless you supply one; the outcome's reliable-change threshold is
//! its own. Every alert says which client, session, date, instrument, value and threshold, and
//! where the threshold came from ([`ThresholdSource`]). The analyses themselves
//! ([`detect_ruptures`], [`sudden_changes`], [`trajectory`], [`alliance_lights`],
//! [`outcome_lights`]) work on a plain score series ([`Series`]: `(session, value)` pairs,
//! validated). Numbers no readable source confirms are never defaults.
//!
//! ```
//! use therapeutic_alliance::{Direction, Instrument};
//! use therapeutic_alliance::monitor::{
//!     AlertKind, CourseInput, CourseMonitor, MonitorOptions, RuptureOptions, RuptureThreshold,
//!     Series, SizeCriterion, SuddenChangeOptions, ThresholdSource,
//! };
//! let srs = Series::new(vec![(1, 37.0), (2, 38.0), (3, 38.0), (4, 38.5), (5, 27.5), (6, 38.6)])?;
//! let ors = Series::new(vec![(1, 18.0), (2, 19.0), (3, 18.5), (4, 26.0), (5, 27.0), (6, 26.5)])?;
//! let options = MonitorOptions::new(
//!     RuptureOptions::new(RuptureThreshold::Points(5.0)),
//!     SuddenChangeOptions::new(SizeCriterion::ReliableChange(5.0), Direction::HigherIsBetter),
//! );
//! let monitor = CourseMonitor::new(options)
//!     .alliance(Instrument::builtin("srs").ok_or("srs")?, therapeutic_alliance::Respondent::Client)
//!     .outcome(Instrument::builtin("ors").ok_or("ors")?, therapeutic_alliance::Respondent::Client);
//! let report = monitor.run_input(&CourseInput::new().alliance(&srs).outcome(&ors))?;
//! let alliance = report.alliance.as_ref().ok_or("no alliance report")?;
//! assert_eq!(alliance.ruptures[0].trough, 5);
//! assert_eq!(report.outcome.as_ref().ok_or("no outcome")?.sudden.gains[0].session, 3);
//! let low = report.alerts.iter().find(|a| a.kind == AlertKind::AllianceLow).ok_or("no alert")?;
//! assert_eq!((low.session, low.instrument.as_deref(), low.threshold), (5, Some("srs"), Some(36.0)));
//! assert_eq!(low.threshold_source, Some(ThresholdSource::Published));
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
mod traffic_light;
mod trajectory;

use serde::{Deserialize, Serialize};

use crate::id::ClientId;

pub use alert::{
    Alert, AlertKind, AlertRules, AlertSeverity, BarrierFinding, FindingCategory, ThresholdSource,
};
pub use chart::{ChartOptions, course_svg};
pub use course::{CourseMonitor, CourseMonitoring, MonitorContext, barrier_findings};
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
pub use traffic_light::{
    AllianceLightRules, LightReason, SessionLight, Targets, TrafficLight, alliance_lights,
    outcome_lights,
};
pub use trajectory::{Trajectory, TrajectoryOptions, trajectory};

/// One client's series for [`CourseMonitor::run_input`] (when the data are not a
/// [`Course`](crate::Course)): the alliance and outcome series of the monitor's instruments,
/// and optionally the client, the sessions held, the expected trajectory, the outcome targets
/// and barrier findings.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CourseInput<'a> {
    pub(crate) client: Option<&'a ClientId>,
    pub(crate) sessions: &'a [u32],
    pub(crate) alliance: Option<&'a Series>,
    pub(crate) outcome: Option<&'a Series>,
    pub(crate) expected: Option<&'a ExpectedTrajectory>,
    pub(crate) targets: Option<&'a Targets>,
    pub(crate) barriers: &'a [BarrierFinding],
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

    /// The client the series belong to (named on every alert).
    #[must_use]
    pub fn client(mut self, client: &'a ClientId) -> Self {
        self.client = Some(client);
        self
    }

    /// The sessions held (an unrated one is grey in the alliance traffic light).
    #[must_use]
    pub fn sessions(mut self, sessions: &'a [u32]) -> Self {
        self.sessions = sessions;
        self
    }

    /// The outcome's target and lower-target trajectories (for the outcome traffic light).
    #[must_use]
    pub fn targets(mut self, targets: &'a Targets) -> Self {
        self.targets = Some(targets);
        self
    }
}

/// All settings of a [`CourseMonitor`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

    /// Trajectory settings.
    #[must_use]
    pub const fn trajectory(mut self, t: TrajectoryOptions) -> Self {
        self.trajectory = t;
        self
    }

    /// The user's alert overrides (default: every number from the monitored instruments).
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AllianceReport {
    /// The alliance instrument's id.
    pub instrument: String,
    /// The trajectory; `None` with a single rated session.
    pub trajectory: Option<Trajectory>,
    /// The rupture threshold actually used, in the instrument's points (a fixed number, or
    /// the SD rule resolved on this series).
    pub rupture_threshold: f64,
    /// Where the rupture threshold came from (`user` for fixed points, `derived` for an SD
    /// rule estimated from the data).
    pub rupture_threshold_source: ThresholdSource,
    /// Ruptures and repairs.
    pub ruptures: Vec<Rupture>,
    /// The traffic light per session (OpenFIT's alliance rows) when the instrument has a
    /// cutoff (or you supplied one); empty otherwise.
    pub lights: Vec<SessionLight>,
}

/// Outcome results for one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OutcomeReport {
    /// The outcome instrument's id.
    pub instrument: String,
    /// The trajectory; `None` with a single rated session.
    pub trajectory: Option<Trajectory>,
    /// Sudden gains and losses.
    pub sudden: SuddenChanges,
    /// `(session, observed, expected)` where the outcome was not on track.
    pub not_on_track: Vec<(u32, f64, f64)>,
    /// The traffic light per rated session (OpenFIT's outcome rows) when targets were given;
    /// empty otherwise.
    pub lights: Vec<SessionLight>,
}

/// Everything [`CourseMonitor`] found for one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CourseReport {
    /// The format version of the report ([`FORMAT_VERSION`](crate::FORMAT_VERSION)); absent
    /// means 1, a newer one is refused (see [`crate::document`]).
    #[serde(
        default = "crate::document::format_version",
        deserialize_with = "crate::document::deserialize_version"
    )]
    pub version: u32,
    /// Alliance results, if an alliance series was given.
    pub alliance: Option<AllianceReport>,
    /// Outcome results, if an outcome series was given.
    pub outcome: Option<OutcomeReport>,
    /// Sorted alerts.
    pub alerts: Vec<Alert>,
}
