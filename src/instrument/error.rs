//! The error returned when an instrument definition is invalid.

use thiserror::Error;

/// Why an instrument definition was refused (by the builder, by deserialisation, or by a
/// preset such as [`Instrument::blri`](crate::Instrument::blri)).
///
/// An [`Instrument`](crate::Instrument) that exists is always valid: every way of making one goes
/// through the same validation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InstrumentError {
    /// A general problem with the definition.
    #[error("instrument {instrument}: {reason}")]
    Invalid {
        /// The instrument's id (may be empty if the id itself is the problem).
        instrument: String,
        /// What is wrong.
        reason: String,
    },
    /// An item number appears twice.
    #[error("instrument {instrument}: item {item} is defined twice")]
    DuplicateItem {
        /// The instrument's id.
        instrument: String,
        /// The repeated item number.
        item: u16,
    },
    /// An item refers to a subscale that is not defined.
    #[error("instrument {instrument}: item {item} refers to unknown subscale {subscale:?}")]
    UnknownSubscale {
        /// The instrument's id.
        instrument: String,
        /// The item.
        item: u16,
        /// The subscale it names.
        subscale: String,
    },
    /// A setting refers to an item the instrument does not have.
    #[error("instrument {instrument}: item {item} is not defined")]
    UnknownItem {
        /// The instrument's id.
        instrument: String,
        /// The unknown item number.
        item: u16,
    },
}

impl InstrumentError {
    pub(crate) fn invalid(instrument: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            instrument: instrument.to_owned(),
            reason: reason.into(),
        }
    }
}
