//! The error type shared by every monitoring routine.

use thiserror::Error;

use crate::stats::StatsError;

/// Why a monitoring computation was refused.
///
/// Messages are lowercase, have no trailing period, and name the session, value or parameter
/// that was wrong.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// A series (or a sample of series) held no sessions at all.
    #[error("{what}: input is empty")]
    Empty {
        /// What was empty (for example `"series"` or `"reference sample"`).
        what: String,
    },
    /// A score was NaN or infinite.
    #[error("session {session}: value {value} is not finite")]
    NonFinite {
        /// The session that held the value.
        session: u32,
        /// The offending value.
        value: f64,
    },
    /// A score's magnitude exceeds [`crate::monitor::Series::MAX_ABS`].
    #[error("session {session}: value {value} is outside -{limit}..={limit}")]
    OutOfRange {
        /// The session that held the value.
        session: u32,
        /// The offending value.
        value: f64,
        /// The largest magnitude accepted.
        limit: f64,
    },
    /// Two points share a session number.
    #[error("session {session} appears more than once")]
    DuplicateSession {
        /// The repeated session number.
        session: u32,
    },
    /// Session numbers are not in increasing order.
    #[error(
        "session {session} comes after session {previous}: sessions must be in increasing order"
    )]
    Unsorted {
        /// The session that was out of order.
        session: u32,
        /// The session before it.
        previous: u32,
    },
    /// Fewer sessions (or clients) than the computation needs.
    #[error("{what}: needs at least {needed}, got {got}")]
    TooFewSessions {
        /// What was counted.
        what: String,
        /// The minimum needed.
        needed: usize,
        /// How many there were.
        got: usize,
    },
    /// Every value is the same, so a standard deviation or slope is undefined.
    #[error("{what}: has zero variance")]
    ZeroVariance {
        /// What was constant.
        what: String,
    },
    /// A parameter lies outside its allowed range.
    #[error("parameter {name}: value {value} is invalid, expected {expected}")]
    InvalidParameter {
        /// The parameter's name.
        name: String,
        /// The value given.
        value: f64,
        /// A description of the allowed range.
        expected: String,
    },
    /// No reference client had an intake score close enough to fit an expected trajectory.
    #[error("no reference client has an intake score within {tolerance} of {intake}")]
    NoMatchingReference {
        /// The intake score to match.
        intake: f64,
        /// The tolerance used.
        tolerance: f64,
    },
    /// A text field that must not be empty was empty.
    #[error("{what}: must not be empty")]
    EmptyText {
        /// Which field.
        what: String,
    },
    /// A distribution function failed (only on invalid parameters).
    #[error(transparent)]
    Stats(#[from] StatsError),
}

impl MonitorError {
    pub(crate) fn invalid(name: &str, value: f64, expected: &str) -> Self {
        Self::InvalidParameter {
            name: name.to_owned(),
            value,
            expected: expected.to_owned(),
        }
    }

    pub(crate) fn too_few(what: &str, needed: usize, got: usize) -> Self {
        Self::TooFewSessions {
            what: what.to_owned(),
            needed,
            got,
        }
    }
}

/// Checks that a parameter is finite and `>= 0` (or `> 0` when `strict`).
pub(crate) fn check_nonneg(name: &str, value: f64, strict: bool) -> Result<f64, MonitorError> {
    let ok = value.is_finite() && if strict { value > 0.0 } else { value >= 0.0 };
    if ok {
        Ok(value)
    } else if strict {
        Err(MonitorError::invalid(name, value, "a finite number > 0"))
    } else {
        Err(MonitorError::invalid(name, value, "a finite number >= 0"))
    }
}
