//! The error type shared by every statistics routine.

use thiserror::Error;

/// Why a statistical computation was refused.
///
/// Every routine in [`crate::stats`] validates its input before computing and returns one of
/// these instead of a silent `NaN` or a panic. Messages are lowercase, have no trailing period,
/// and name the offending row, column, item or value.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum StatsError {
    /// The input held no observations at all.
    #[error("{what}: input is empty")]
    EmptyInput {
        /// What was empty (for example `"items"` or `"studies"`).
        what: String,
    },
    /// Fewer observations than the statistic needs.
    #[error("{what}: needs at least {needed}, got {got}")]
    TooFewCases {
        /// What was counted (for example `"complete cases"`).
        what: String,
        /// The minimum the statistic needs.
        needed: usize,
        /// How many there were.
        got: usize,
    },
    /// A value was NaN or infinite.
    #[error("{what}: value {value} at row {row} is not finite")]
    NonFinite {
        /// Which column, item or field held the value.
        what: String,
        /// The row (0-based index into the input) that held it.
        row: usize,
        /// The offending value.
        value: f64,
    },
    /// A column, item or variable has zero variance, so the statistic is undefined.
    #[error("{what}: has zero variance")]
    ConstantInput {
        /// Which column, item or variable was constant.
        what: String,
    },
    /// Two inputs that must have the same length (or shape) do not.
    #[error("{what}: expected length {expected}, got {got}")]
    LengthMismatch {
        /// What was compared.
        what: String,
        /// The length required.
        expected: usize,
        /// The length found.
        got: usize,
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
    /// A probability lies outside the open interval the computation needs.
    #[error("probability {value} is outside ({lower}, {upper})")]
    InvalidProbability {
        /// The offending probability.
        value: f64,
        /// Lower bound (exclusive).
        lower: f64,
        /// Upper bound (exclusive).
        upper: f64,
    },
    /// An iterative estimator did not converge.
    #[error("{what}: did not converge after {iterations} iterations")]
    NotConverged {
        /// Which estimator.
        what: String,
        /// How many iterations were run.
        iterations: usize,
    },
    /// A name (of an item, column or variable) that the input does not contain.
    #[error("{what}: no item named {name:?}")]
    UnknownName {
        /// Where the name was used (for example `"reverse keys"`).
        what: String,
        /// The name that was not found.
        name: String,
    },
    /// The computation cannot be done this way (for example Spearman's rho from a streaming
    /// accumulator, which keeps no ranks).
    #[error("{what}: not supported")]
    Unsupported {
        /// What was asked for.
        what: String,
    },
    /// A size or count from the caller that cannot be served: its memory cannot be reserved,
    /// its arithmetic would overflow, or (for accumulated counts) it would exceed 2^53, past
    /// which an `f64` no longer counts exactly.
    #[error("{what}: {size} is too large ({why})")]
    TooLarge {
        /// What was sized or counted (for example `"items"` or `"rows of the merged accumulators"`).
        what: String,
        /// The size or count asked for (saturated at `u128::MAX`).
        size: u128,
        /// Why it cannot be served.
        why: String,
    },
    /// The data are finite but a statistic computed from them overflows `f64` (values near
    /// `f64::MAX`, or squares of values beyond about 1e154): rescale the data.
    #[error("{what}: overflows f64 (values too large; rescale the data)")]
    Overflow {
        /// What overflowed, naming the input (for example `"ratings: between-target mean square"`).
        what: String,
    },
    /// A matrix that must be inverted or factorised is singular or not positive definite.
    #[error("{what}: matrix is singular or not positive definite")]
    Singular {
        /// Which matrix.
        what: String,
    },
}

impl StatsError {
    /// Shorthand used throughout the crate.
    pub(crate) fn invalid(name: &str, value: f64, expected: &str) -> Self {
        Self::InvalidParameter {
            name: name.to_owned(),
            value,
            expected: expected.to_owned(),
        }
    }
}
