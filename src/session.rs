//! Sessions: who met, when, what was administered, and which barriers were flagged.

use crate::barrier::BarrierFlag;
use crate::date::{DateError, SessionDate};
use crate::id::{ClientId, CounsellorId};
use crate::{Instrument, Responses, Score, ScoreError};
use serde::{Deserialize, Serialize};

/// Why a session, an administration or a date was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionError {
    /// A date that does not exist, lies outside years 1–9999 or is not `YYYY-MM-DD`.
    #[error(transparent)]
    Date(#[from] DateError),
    /// Session numbers start at 1.
    #[error("session number 0; session numbers start at 1")]
    NumberZero,
    /// An administration without an instrument id.
    #[error("session {session}: administration has an empty instrument id")]
    EmptyInstrument {
        /// The session number (0 when not yet in a session).
        session: u32,
    },
    /// An administration with neither responses nor a score.
    #[error(
        "session {session}: administration of {instrument:?} has neither responses nor a score"
    )]
    EmptyAdministration {
        /// The session number (0 when not yet in a session).
        session: u32,
        /// The instrument id.
        instrument: String,
    },
    /// A score for another instrument than the administration's.
    #[error(
        "session {session}: administration of {instrument:?} holds a score of {score_instrument:?}"
    )]
    ScoreMismatch {
        /// The session number (0 when not yet in a session).
        session: u32,
        /// The administration's instrument.
        instrument: String,
        /// The score's instrument.
        score_instrument: String,
    },
    /// A score whose total is NaN or infinite.
    #[error("session {session}: score of {instrument:?} has a non-finite total {total}")]
    NonFiniteScore {
        /// The session number (0 when not yet in a session).
        session: u32,
        /// The instrument.
        instrument: String,
        /// The total.
        total: f64,
    },
    /// A barrier flag that names another session.
    #[error("session {session}: barrier flag names session {flag_session}")]
    FlagSessionMismatch {
        /// The session's number.
        session: u32,
        /// The number recorded in the flag.
        flag_session: u32,
    },
    /// An administration scored with an instrument of another id.
    #[error(
        "session {session}: administration of {instrument:?} cannot be scored with instrument {given:?}"
    )]
    InstrumentMismatch {
        /// The session number (0 when not yet in a session).
        session: u32,
        /// The administration's instrument id.
        instrument: String,
        /// The id of the instrument given.
        given: String,
    },
    /// The responses could not be scored by the instrument.
    #[error("administration of {instrument:?} could not be scored: {source}")]
    Score {
        /// The instrument id.
        instrument: String,
        /// Why scoring failed (names the item and value).
        source: ScoreError,
    },
    /// A stored score the instrument cannot produce: off its range or step, or different
    /// from the score of the stored responses (checked for the catalogue's instruments).
    #[error("{0}")]
    StoredScore(crate::StoredScoreError),
    /// A standalone session without its client or counsellor id.
    #[error("session {session}: missing {field}")]
    MissingId {
        /// The session number.
        session: u32,
        /// `"client"` or `"counsellor"`.
        field: &'static str,
    },
}

/// Who completed an administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Respondent {
    /// The client (e.g. WAI-SR client form, SRS, CARE, BLRI OS forms).
    Client,
    /// The therapist (e.g. a therapist form of the WAI).
    Therapist,
    /// An observer rating a recording (e.g. Carkhuff or Truax scales, BLRI Obs-40).
    Observer,
}

/// When in a session an administration was completed. Alliance measures are given after the
/// session (SRS, WAI-SR) and sometimes also before it; rupture detection uses one timing at a
/// time ([`monitor::detect_ruptures_pre_post`](crate::monitor::detect_ruptures_pre_post)
/// compares the two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Completed before the session began (JSON `"pre_session"`).
    PreSession,
    /// Completed at the end of the session (JSON `"post_session"`).
    PostSession,
}

/// One instrument given in one session: the responses and, once scored, the score.
///
/// Either part may be absent, but not both: an app may store the responses before scoring
/// them, or only a score imported from elsewhere. In JSON, `responses` may be omitted (empty)
/// and `score` may be omitted or `null`. A present score must name the same instrument and
/// have a finite total. An optional `timing` (`"pre_session"` / `"post_session"`, see
/// [`Timing`]) records when in the session it was completed; omitted when unknown.
///
/// [`Administration::scored`] scores responses with the real instrument in one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "AdministrationRepr", into = "AdministrationRepr")]
pub struct Administration {
    instrument: String,
    respondent: Respondent,
    responses: Responses,
    score: Option<Score>,
    timing: Option<Timing>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct AdministrationRepr {
    instrument: String,
    respondent: Respondent,
    #[serde(
        default = "Responses::new",
        skip_serializing_if = "Responses::is_empty"
    )]
    responses: Responses,
    #[serde(default)]
    score: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timing: Option<Timing>,
}

impl TryFrom<AdministrationRepr> for Administration {
    type Error = SessionError;
    fn try_from(r: AdministrationRepr) -> Result<Self, SessionError> {
        let read = || -> Result<Self, SessionError> {
            let mut a = Administration::new(r.instrument, r.respondent, r.responses, r.score)?;
            a.timing = r.timing;
            Ok(a)
        };
        read().map_err(crate::document::raised)
    }
}

impl From<Administration> for AdministrationRepr {
    fn from(a: Administration) -> Self {
        AdministrationRepr {
            instrument: a.instrument,
            respondent: a.respondent,
            responses: a.responses,
            score: a.score,
            timing: a.timing,
        }
    }
}

impl Administration {
    /// An administration of `instrument` (its id, e.g. `"wai-sr"`).
    ///
    /// # Errors
    /// [`SessionError::EmptyInstrument`], [`SessionError::EmptyAdministration`] (no responses
    /// and no score), [`SessionError::ScoreMismatch`] (the score is of another instrument),
    /// [`SessionError::NonFiniteScore`].
    pub fn new(
        instrument: impl Into<String>,
        respondent: Respondent,
        responses: Responses,
        score: Option<Score>,
    ) -> Result<Self, SessionError> {
        let a = Self {
            instrument: instrument.into(),
            respondent,
            responses,
            score,
            timing: None,
        };
        a.validate(0)?;
        Ok(a)
    }

    /// Scores `responses` with `instrument` and records both: the administration's id is the
    /// instrument's, so the score always belongs to it.
    ///
    /// ```
    /// use therapeutic_alliance::{Administration, Answer, Instrument, Respondent, Responses, Timing};
    /// let srs = Instrument::builtin("srs").ok_or("no srs")?;
    /// let responses: Responses = [(1, 9.0), (2, 8.5), (3, 9.0), (4, 8.0)]
    ///     .into_iter()
    ///     .map(|(i, x)| (i, Answer::Value(x)))
    ///     .collect();
    /// let a = Administration::scored(&srs, Respondent::Client, responses)?
    ///     .with_timing(Timing::PostSession);
    /// assert_eq!(a.score().map(|s| s.total), Some(34.5));
    /// assert_eq!(a.score().and_then(|s| s.cutoff_met), Some(true)); // below the SRS cutoff of 36
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`SessionError::Score`] when the instrument rejects the responses (the error names the
    /// item and value), and the errors of [`Administration::new`].
    pub fn scored(
        instrument: &Instrument,
        respondent: Respondent,
        responses: Responses,
    ) -> Result<Self, SessionError> {
        let score = instrument
            .score(&responses)
            .map_err(|source| SessionError::Score {
                instrument: instrument.id().to_owned(),
                source,
            })?;
        Self::new(instrument.id(), respondent, responses, Some(score))
    }

    /// This administration scored with `instrument` from its recorded responses (replacing any
    /// score it held); the instrument's id must be the administration's.
    ///
    /// # Errors
    /// [`SessionError::InstrumentMismatch`] for an instrument of another id,
    /// [`SessionError::Score`] when the responses cannot be scored (including an
    /// administration that holds only a score and no responses).
    pub fn score_with(&self, instrument: &Instrument) -> Result<Self, SessionError> {
        if instrument.id() != self.instrument {
            return Err(SessionError::InstrumentMismatch {
                session: 0,
                instrument: self.instrument.clone(),
                given: instrument.id().to_owned(),
            });
        }
        let score = instrument
            .score(&self.responses)
            .map_err(|source| SessionError::Score {
                instrument: self.instrument.clone(),
                source,
            })?;
        let mut a = self.clone();
        a.score = Some(score);
        a.validate(0)?;
        Ok(a)
    }

    /// This administration with its [`Timing`] recorded.
    #[must_use]
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = Some(timing);
        self
    }

    /// When in the session it was completed, if recorded.
    #[must_use]
    pub fn timing(&self) -> Option<Timing> {
        self.timing
    }

    fn validate(&self, session: u32) -> Result<(), SessionError> {
        if self.instrument.trim().is_empty() {
            return Err(SessionError::EmptyInstrument { session });
        }
        match &self.score {
            None if self.responses.is_empty() => Err(SessionError::EmptyAdministration {
                session,
                instrument: self.instrument.clone(),
            }),
            Some(s) if s.instrument != self.instrument => Err(SessionError::ScoreMismatch {
                session,
                instrument: self.instrument.clone(),
                score_instrument: s.instrument.clone(),
            }),
            Some(s) if !s.total.is_finite() => Err(SessionError::NonFiniteScore {
                session,
                instrument: self.instrument.clone(),
                total: s.total,
            }),
            Some(s) => match crate::Instrument::builtin(&self.instrument) {
                // A built-in instrument: the stored score must be one it can produce, and
                // equal the score of the stored responses when both are present.
                Some(inst) => {
                    let responses = (!self.responses.is_empty()).then_some(&self.responses);
                    crate::check_stored(&inst, s, responses)
                        .map_err(|e| SessionError::StoredScore(e.in_session(session)))
                }
                None => Ok(()),
            },
            None => Ok(()),
        }
    }

    /// The instrument id.
    #[must_use]
    pub fn instrument(&self) -> &str {
        &self.instrument
    }
    /// Who completed it.
    #[must_use]
    pub fn respondent(&self) -> Respondent {
        self.respondent
    }
    /// The responses (empty when only a score was recorded).
    #[must_use]
    pub fn responses(&self) -> &Responses {
        &self.responses
    }
    /// The score, if scored.
    #[must_use]
    pub fn score(&self) -> Option<&Score> {
        self.score.as_ref()
    }
}

/// One session of a course: client, counsellor, number (from 1), date, the administrations
/// given, whether an interpreter was present, and the barrier flags raised in it.
///
/// Built with [`Session::new`] and the `with_*` methods; every flag must name this session.
///
/// # Examples
/// ```
/// use therapeutic_alliance::{BarrierFlag, BarrierKind, ClientId, CounsellorId, RaisedBy, Session, SessionDate, Severity};
/// let s = Session::new(ClientId::new("c-01")?, CounsellorId::new("t-01")?, 1, SessionDate::new(2025, 1, 8)?)?
///     .with_interpreter(true)
///     .with_flag(BarrierFlag::new(1, BarrierKind::Reactance, Severity::Noted, RaisedBy::Counsellor)?)?;
/// assert_eq!(s.flags().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "SessionRepr", into = "SessionRepr")]
pub struct Session {
    client: ClientId,
    counsellor: CounsellorId,
    number: u32,
    date: SessionDate,
    interpreter: bool,
    administrations: Vec<Administration>,
    flags: Vec<BarrierFlag>,
}

/// The JSON form of a session. Inside a course, `client` and `counsellor` may be omitted
/// (they are the course's) and are not written, and so is `version` (the course's).
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct SessionRepr {
    /// The format version of a session document on its own ([`crate::FORMAT_VERSION`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::document::deserialize_optional_version"
    )]
    pub(crate) version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client: Option<ClientId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) counsellor: Option<CounsellorId>,
    pub(crate) number: u32,
    pub(crate) date: SessionDate,
    #[serde(default)]
    pub(crate) interpreter: bool,
    #[serde(default)]
    pub(crate) administrations: Vec<Administration>,
    #[serde(default)]
    pub(crate) flags: Vec<BarrierFlag>,
}

impl SessionRepr {
    /// Builds the session, filling a missing client/counsellor from the defaults given.
    pub(crate) fn into_session(
        self,
        client: Option<&ClientId>,
        counsellor: Option<&CounsellorId>,
    ) -> Result<Session, SessionError> {
        let number = self.number;
        let client = self
            .client
            .or_else(|| client.cloned())
            .ok_or(SessionError::MissingId {
                session: number,
                field: "client",
            })?;
        let counsellor =
            self.counsellor
                .or_else(|| counsellor.cloned())
                .ok_or(SessionError::MissingId {
                    session: number,
                    field: "counsellor",
                })?;
        let mut s =
            Session::new(client, counsellor, number, self.date)?.with_interpreter(self.interpreter);
        for a in self.administrations {
            s = s.with_administration(a)?;
        }
        for f in self.flags {
            s = s.with_flag(f)?;
        }
        Ok(s)
    }
}

impl TryFrom<SessionRepr> for Session {
    type Error = SessionError;
    fn try_from(r: SessionRepr) -> Result<Self, SessionError> {
        r.into_session(None, None).map_err(crate::document::raised)
    }
}

impl From<Session> for SessionRepr {
    fn from(s: Session) -> Self {
        SessionRepr {
            version: Some(crate::FORMAT_VERSION),
            client: Some(s.client),
            counsellor: Some(s.counsellor),
            number: s.number,
            date: s.date,
            interpreter: s.interpreter,
            administrations: s.administrations,
            flags: s.flags,
        }
    }
}

impl Session {
    /// A session with no administrations, no flags and no interpreter.
    ///
    /// # Errors
    /// [`SessionError::NumberZero`] when `number` is 0.
    pub fn new(
        client: ClientId,
        counsellor: CounsellorId,
        number: u32,
        date: SessionDate,
    ) -> Result<Self, SessionError> {
        if number == 0 {
            return Err(SessionError::NumberZero);
        }
        Ok(Self {
            client,
            counsellor,
            number,
            date,
            interpreter: false,
            administrations: Vec::new(),
            flags: Vec::new(),
        })
    }

    /// Records whether an interpreter was present.
    #[must_use]
    pub fn with_interpreter(mut self, present: bool) -> Self {
        self.interpreter = present;
        self
    }

    /// Adds an administration.
    ///
    /// # Errors
    /// The administration's own validation (see [`Administration::new`]), reported with this
    /// session's number.
    pub fn with_administration(mut self, a: Administration) -> Result<Self, SessionError> {
        a.validate(self.number)?;
        self.administrations.push(a);
        Ok(self)
    }

    /// Adds a barrier flag raised in this session.
    ///
    /// # Errors
    /// [`SessionError::FlagSessionMismatch`] when the flag names another session.
    pub fn with_flag(mut self, flag: BarrierFlag) -> Result<Self, SessionError> {
        if flag.session() != self.number {
            return Err(SessionError::FlagSessionMismatch {
                session: self.number,
                flag_session: flag.session(),
            });
        }
        self.flags.push(flag);
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
    /// The session number (from 1).
    #[must_use]
    pub fn number(&self) -> u32 {
        self.number
    }
    /// The date.
    #[must_use]
    pub fn date(&self) -> SessionDate {
        self.date
    }
    /// Whether an interpreter was present.
    #[must_use]
    pub fn interpreter(&self) -> bool {
        self.interpreter
    }
    /// The administrations, in the order recorded.
    #[must_use]
    pub fn administrations(&self) -> &[Administration] {
        &self.administrations
    }
    /// The barrier flags raised in this session.
    #[must_use]
    pub fn flags(&self) -> &[BarrierFlag] {
        &self.flags
    }

    /// The scores of `instrument` in this session (any respondent), in recorded order.
    pub fn scores<'a>(&'a self, instrument: &'a str) -> impl Iterator<Item = &'a Score> + 'a {
        self.administrations
            .iter()
            .filter(move |a| a.instrument == instrument)
            .filter_map(Administration::score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_must_name_session() {
        let s = Session::new(
            ClientId::new("c").unwrap(),
            CounsellorId::new("t").unwrap(),
            2,
            SessionDate::new(2025, 1, 1).unwrap(),
        )
        .unwrap();
        let f = BarrierFlag::new(
            3,
            crate::BarrierKind::Reactance,
            crate::Severity::Noted,
            crate::RaisedBy::Client,
        )
        .unwrap();
        assert_eq!(
            s.with_flag(f),
            Err(SessionError::FlagSessionMismatch {
                session: 2,
                flag_session: 3
            })
        );
    }
}
