//! A course of therapy: one client with one counsellor, sessions in order.

use crate::barrier::{
    BarrierCategory, BarrierError, BarrierFlag, BarrierSummary, BurdenWeights, ClientStatus,
    Severity,
};
use crate::date::SessionDate;
use crate::id::{ClientId, CounsellorId};
use crate::session::{Respondent, Session, SessionError, SessionRepr, Timing};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why one session could not join a course.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionRejection {
    /// The session belongs to another client or counsellor.
    #[error(
        "session {number} is for client {client} with counsellor {counsellor}, not this course's {expected_client} with {expected_counsellor}"
    )]
    Foreign {
        /// Its number.
        number: u32,
        /// Its client.
        client: ClientId,
        /// Its counsellor.
        counsellor: CounsellorId,
        /// The course's client.
        expected_client: ClientId,
        /// The course's counsellor.
        expected_counsellor: CounsellorId,
    },
    /// A second session with the same number.
    #[error("session {number} appears more than once")]
    Duplicate {
        /// The repeated number.
        number: u32,
    },
    /// A session dated before a lower-numbered one.
    #[error("session {number} ({date}) is dated before session {previous} ({previous_date})")]
    DateOrder {
        /// Its number.
        number: u32,
        /// Its date.
        date: SessionDate,
        /// The lower-numbered session.
        previous: u32,
        /// That session's date.
        previous_date: SessionDate,
    },
    /// The session itself was invalid (JSON input only).
    #[error("{0}")]
    Invalid(SessionError),
}

/// The first-to-last pairs of `instrument` by `respondent` over `courses`
/// ([`Course::first_and_last`]), as the `pre` and `post` columns of
/// [`stats::ReliableChange::compute`](crate::stats::ReliableChange::compute); courses with
/// fewer than two scored administrations are left out (so `pre.len()` is the number of
/// courses used).
#[must_use]
pub fn pre_post(
    courses: &[Course],
    instrument: &str,
    respondent: Respondent,
) -> (Vec<f64>, Vec<f64>) {
    courses
        .iter()
        .filter_map(|c| c.first_and_last(instrument, respondent))
        .map(|((_, a), (_, b))| (a, b))
        .unzip()
}

/// Why a course was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CourseError {
    /// A course needs at least one session.
    #[error("course has no sessions")]
    Empty,
    /// Sessions were rejected; every rejected session is listed with its reason.
    #[error("{} session(s) rejected: {}", .0.len(), join(.0))]
    Rejected(Vec<SessionRejection>),
    /// The termination date is before the last session.
    #[error("termination date {termination} is before the last session ({last})")]
    TerminationBeforeLastSession {
        /// The termination date given.
        termination: SessionDate,
        /// The last session's date.
        last: SessionDate,
    },
    /// The barrier summary could not be computed.
    #[error(transparent)]
    Barrier(#[from] BarrierError),
    /// The course document is of a newer format version than this release reads.
    #[error(transparent)]
    Version(crate::document::VersionError),
}

fn join(r: &[SessionRejection]) -> String {
    r.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One client with one counsellor over time: sessions kept in session-number order, with
/// non-decreasing dates, and (once therapy has ended) the termination date.
///
/// # Examples
/// ```
/// use therapeutic_alliance::{ClientId, CounsellorId, Course, Session, SessionDate};
/// let (c, t) = (ClientId::new("c-01")?, CounsellorId::new("t-01")?);
/// let s2 = Session::new(c.clone(), t.clone(), 2, SessionDate::new(2025, 1, 15)?)?;
/// let s1 = Session::new(c, t, 1, SessionDate::new(2025, 1, 8)?)?;
/// let course = Course::new([s2, s1])?;
/// assert_eq!(course.iter().map(|s| s.number()).collect::<Vec<_>>(), [1, 2]);
/// assert_eq!(course.start().to_string(), "2025-01-08");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "CourseRepr", into = "CourseRepr")]
pub struct Course {
    client: ClientId,
    counsellor: CounsellorId,
    sessions: Vec<Session>,
    termination: Option<SessionDate>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct CourseRepr {
    /// The format version ([`crate::FORMAT_VERSION`]); absent means 1; newer is refused.
    #[serde(default = "crate::document::format_version")]
    version: u32,
    client: ClientId,
    counsellor: CounsellorId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    termination: Option<SessionDate>,
    sessions: Vec<SessionRepr>,
}

impl TryFrom<CourseRepr> for Course {
    type Error = CourseError;
    fn try_from(r: CourseRepr) -> Result<Self, CourseError> {
        let read = || -> Result<Self, CourseError> {
            crate::document::check_version(Some(r.version)).map_err(CourseError::Version)?;
            let mut sessions = Vec::with_capacity(r.sessions.len());
            let mut rejected = Vec::new();
            for s in r.sessions {
                match s.into_session(Some(&r.client), Some(&r.counsellor)) {
                    Ok(s) => sessions.push(s),
                    Err(e) => rejected.push(SessionRejection::Invalid(e)),
                }
            }
            let course = Course::build(Some((r.client, r.counsellor)), sessions, rejected)?;
            match r.termination {
                Some(t) => course.with_termination(t),
                None => Ok(course),
            }
        };
        read().map_err(crate::document::raised)
    }
}

impl From<Course> for CourseRepr {
    fn from(c: Course) -> Self {
        CourseRepr {
            version: crate::FORMAT_VERSION,
            client: c.client,
            counsellor: c.counsellor,
            termination: c.termination,
            sessions: c
                .sessions
                .into_iter()
                .map(|s| {
                    let mut r = SessionRepr::from(s);
                    r.version = None;
                    r.client = None;
                    r.counsellor = None;
                    r
                })
                .collect(),
        }
    }
}

impl Course {
    /// A course from its sessions, in any order; the client and counsellor are the first
    /// session's.
    ///
    /// # Errors
    /// [`CourseError::Empty`] for no sessions; [`CourseError::Rejected`] listing every session
    /// that belongs to another client or counsellor, repeats a number, or is dated before a
    /// lower-numbered session.
    pub fn new(sessions: impl IntoIterator<Item = Session>) -> Result<Self, CourseError> {
        Self::build(None, sessions.into_iter().collect(), Vec::new())
    }

    fn build(
        pair: Option<(ClientId, CounsellorId)>,
        mut sessions: Vec<Session>,
        mut rejected: Vec<SessionRejection>,
    ) -> Result<Self, CourseError> {
        let (client, counsellor) = match (pair, sessions.first()) {
            (Some(p), _) => p,
            (None, Some(s)) => (s.client().clone(), s.counsellor().clone()),
            (None, None) if rejected.is_empty() => return Err(CourseError::Empty),
            (None, None) => return Err(CourseError::Rejected(rejected)),
        };
        sessions.sort_by_key(Session::number);
        let mut kept: Vec<Session> = Vec::with_capacity(sessions.len());
        for s in sessions {
            if s.client() != &client || s.counsellor() != &counsellor {
                rejected.push(SessionRejection::Foreign {
                    number: s.number(),
                    client: s.client().clone(),
                    counsellor: s.counsellor().clone(),
                    expected_client: client.clone(),
                    expected_counsellor: counsellor.clone(),
                });
            } else if let Some(prev) = kept.last() {
                if prev.number() == s.number() {
                    rejected.push(SessionRejection::Duplicate { number: s.number() });
                } else if s.date() < prev.date() {
                    rejected.push(SessionRejection::DateOrder {
                        number: s.number(),
                        date: s.date(),
                        previous: prev.number(),
                        previous_date: prev.date(),
                    });
                } else {
                    kept.push(s);
                }
            } else {
                kept.push(s);
            }
        }
        if !rejected.is_empty() {
            return Err(CourseError::Rejected(rejected));
        }
        if kept.is_empty() {
            return Err(CourseError::Empty);
        }
        Ok(Self {
            client,
            counsellor,
            sessions: kept,
            termination: None,
        })
    }

    /// Adds a session, keeping the order.
    ///
    /// # Errors
    /// [`CourseError::Rejected`] with the reason (foreign, duplicate number, or dated out of
    /// order with its neighbours); the course is unchanged.
    pub fn push(&mut self, session: Session) -> Result<(), CourseError> {
        let reject = |r| Err(CourseError::Rejected(vec![r]));
        if session.client() != &self.client || session.counsellor() != &self.counsellor {
            return reject(SessionRejection::Foreign {
                number: session.number(),
                client: session.client().clone(),
                counsellor: session.counsellor().clone(),
                expected_client: self.client.clone(),
                expected_counsellor: self.counsellor.clone(),
            });
        }
        let Err(at) = self
            .sessions
            .binary_search_by_key(&session.number(), Session::number)
        else {
            return reject(SessionRejection::Duplicate {
                number: session.number(),
            });
        };
        if let Some(prev) = at.checked_sub(1).and_then(|i| self.sessions.get(i))
            && session.date() < prev.date()
        {
            return reject(SessionRejection::DateOrder {
                number: session.number(),
                date: session.date(),
                previous: prev.number(),
                previous_date: prev.date(),
            });
        }
        if let Some(next) = self.sessions.get(at)
            && next.date() < session.date()
        {
            return reject(SessionRejection::DateOrder {
                number: next.number(),
                date: next.date(),
                previous: session.number(),
                previous_date: session.date(),
            });
        }
        if let Some(t) = self.termination
            && t < session.date()
        {
            return Err(CourseError::TerminationBeforeLastSession {
                termination: t,
                last: session.date(),
            });
        }
        self.sessions.insert(at, session);
        Ok(())
    }

    /// Records that therapy ended on `termination` (or the last professional contact).
    ///
    /// # Errors
    /// [`CourseError::TerminationBeforeLastSession`].
    pub fn with_termination(mut self, termination: SessionDate) -> Result<Self, CourseError> {
        if termination < self.end() {
            return Err(CourseError::TerminationBeforeLastSession {
                termination,
                last: self.end(),
            });
        }
        self.termination = Some(termination);
        Ok(self)
    }

    /// The client.
    #[must_use]
    pub fn client(&self) -> &ClientId {
        &self.client
    }
    /// The counsellor.
    #[must_use]
    pub fn counsellor(&self) -> &CounsellorId {
        &self.counsellor
    }
    /// The sessions, in session-number order.
    #[must_use]
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }
    /// Iterates over the sessions in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Session> {
        self.sessions.iter()
    }
    /// Number of sessions (at least 1).
    #[must_use]
    pub fn len(&self) -> usize {
        self.sessions.len()
    }
    /// Always `false`: a course has at least one session.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
    /// The session with this number.
    #[must_use]
    pub fn session(&self, number: u32) -> Option<&Session> {
        self.sessions
            .binary_search_by_key(&number, Session::number)
            .ok()
            .and_then(|i| self.sessions.get(i))
    }
    /// The first session's date.
    #[must_use]
    pub fn start(&self) -> SessionDate {
        self.sessions
            .first()
            .map_or(SessionDate::MAX, Session::date)
    }
    /// The last session's date.
    #[must_use]
    pub fn end(&self) -> SessionDate {
        self.sessions.last().map_or(SessionDate::MAX, Session::date)
    }
    /// The termination date, if therapy has ended.
    #[must_use]
    pub fn termination(&self) -> Option<SessionDate> {
        self.termination
    }
    /// [`ClientStatus::Former`] once a termination date is recorded, else
    /// [`ClientStatus::Current`]; the input to [`crate::check_relationship`].
    #[must_use]
    pub fn client_status(&self) -> ClientStatus {
        match self.termination {
            Some(terminated) => ClientStatus::Former { terminated },
            None => ClientStatus::Current,
        }
    }

    /// The totals of `instrument` by session: `(session number, total)` for every scored
    /// administration, in session order (then recorded order). Unscored administrations are
    /// skipped. If several respondents completed the instrument in one session, each appears;
    /// use [`Course::series_by`] for one respondent.
    #[must_use]
    pub fn series(&self, instrument: &str) -> Vec<(u32, f64)> {
        self.series_filtered(instrument, None)
    }

    /// Like [`Course::series`], for one respondent only.
    #[must_use]
    pub fn series_by(&self, instrument: &str, respondent: Respondent) -> Vec<(u32, f64)> {
        self.series_filtered(instrument, Some(respondent))
    }

    /// Like [`Course::series_by`], keeping only administrations completed at `timing` and
    /// those with no recorded timing (so a course that records no timings gives the same
    /// series as [`Course::series_by`]); e.g. post-session SRS ratings when some sessions
    /// also hold a pre-session rating.
    #[must_use]
    pub fn series_at(
        &self,
        instrument: &str,
        respondent: Respondent,
        timing: Timing,
    ) -> Vec<(u32, f64)> {
        self.series_filtered_at(instrument, Some(respondent), Some(timing))
    }

    /// The first and the last scored administration of `instrument` by `respondent`, as
    /// `(session, total)`: the pre and post values of reliable change from the start to the end
    /// of therapy. `None` with fewer than two.
    #[must_use]
    pub fn first_and_last(
        &self,
        instrument: &str,
        respondent: Respondent,
    ) -> Option<((u32, f64), (u32, f64))> {
        let s = self.series_by(instrument, respondent);
        match (s.first(), s.last()) {
            (Some(&f), Some(&l)) if s.len() >= 2 => Some((f, l)),
            _ => None,
        }
    }

    fn series_filtered(&self, instrument: &str, who: Option<Respondent>) -> Vec<(u32, f64)> {
        self.series_filtered_at(instrument, who, None)
    }

    fn series_filtered_at(
        &self,
        instrument: &str,
        who: Option<Respondent>,
        timing: Option<Timing>,
    ) -> Vec<(u32, f64)> {
        self.sessions
            .iter()
            .flat_map(|s| {
                s.administrations()
                    .iter()
                    .filter(move |a| {
                        a.instrument() == instrument
                            && who.is_none_or(|r| a.respondent() == r)
                            && timing.is_none_or(|t| a.timing().is_none_or(|at| at == t))
                    })
                    .filter_map(move |a| a.score().map(|sc| (s.number(), sc.total)))
            })
            .collect()
    }

    /// Every flag of the course, in session order.
    pub fn flags(&self) -> impl Iterator<Item = &BarrierFlag> + '_ {
        self.sessions.iter().flat_map(|s| s.flags().iter())
    }
    /// The flags raised in session `number` (empty if there is no such session).
    #[must_use]
    pub fn flags_in_session(&self, number: u32) -> &[BarrierFlag] {
        self.session(number).map_or(&[], Session::flags)
    }
    /// Flags of one category.
    pub fn flags_of(&self, category: BarrierCategory) -> impl Iterator<Item = &BarrierFlag> + '_ {
        self.flags().filter(move |f| f.category() == category)
    }
    /// Flags of at least `severity`.
    pub fn flags_at_least(&self, severity: Severity) -> impl Iterator<Item = &BarrierFlag> + '_ {
        self.flags().filter(move |f| f.severity() >= severity)
    }
    /// Unresolved flags.
    pub fn unresolved_flags(&self) -> impl Iterator<Item = &BarrierFlag> + '_ {
        self.flags().filter(|f| !f.resolved())
    }
    /// Critical flags ([`BarrierFlag::is_critical`]).
    pub fn critical_flags(&self) -> impl Iterator<Item = &BarrierFlag> + '_ {
        self.flags().filter(|f| f.is_critical())
    }

    /// The barrier summary with the default [`BurdenWeights`].
    #[must_use]
    pub fn barrier_summary(&self) -> BarrierSummary {
        // A course has at least one session and the default weights are valid.
        BarrierSummary::from_flags(self.flags(), self.len(), &BurdenWeights::default()).unwrap_or(
            BarrierSummary {
                sessions: self.len(),
                total: 0,
                counts: Vec::new(),
                unresolved: 0,
                critical: 0,
                burden: 0.0,
            },
        )
    }

    /// The barrier summary with custom weights.
    ///
    /// # Errors
    /// [`CourseError::Barrier`] for invalid weights.
    pub fn barrier_summary_with(
        &self,
        weights: &BurdenWeights,
    ) -> Result<BarrierSummary, CourseError> {
        Ok(BarrierSummary::from_flags(
            self.flags(),
            self.len(),
            weights,
        )?)
    }
}

impl TryFrom<Vec<Session>> for Course {
    type Error = CourseError;
    /// As [`Course::new`].
    fn try_from(sessions: Vec<Session>) -> Result<Self, CourseError> {
        Self::new(sessions)
    }
}

impl<'a> IntoIterator for &'a Course {
    type Item = &'a Session;
    type IntoIter = std::slice::Iter<'a, Session>;
    fn into_iter(self) -> Self::IntoIter {
        self.sessions.iter()
    }
}

impl fmt::Display for Course {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "client {} with counsellor {}: {} session(s), {} to {}",
            self.client,
            self.counsellor,
            self.len(),
            self.start(),
            self.end()
        )
    }
}
