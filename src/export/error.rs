//! Errors of the export reader: a description that cannot be valid ([`SpecError`]), a file
//! that cannot be read at all ([`ExportError`]), and one cell that cannot be used
//! ([`CellError`], which only rejects its administration or row).
//!
//! Line numbers are **file lines, 1-based, counting the header** (line 1), in every message,
//! struct and JSON: the line a text editor shows. A quoted cell that spans lines is numbered by
//! the line its record starts on.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why an [`ExportSpec`](super::ExportSpec) is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A column pattern without exactly one `{item}`.
    #[error("column pattern {pattern:?} needs exactly one {{item}}")]
    Pattern {
        /// The pattern given.
        pattern: String,
    },
    /// No instrument was listed.
    #[error("an export needs at least one instrument")]
    NoInstruments,
    /// A column role was given an empty name.
    #[error("the {role} column has an empty name")]
    EmptyColumn {
        /// `"id"`, `"session"`, `"date"`, `"respondent"`, `"therapist"`, `"item"` or `"value"`.
        role: &'static str,
    },
    /// One column was given two roles.
    #[error("column {column:?} cannot be both the {first} and the {second} column")]
    RepeatedColumn {
        /// The column.
        column: String,
        /// Its first role.
        first: &'static str,
        /// Its second role.
        second: &'static str,
    },
    /// An instrument is listed twice with the same respondent.
    #[error("instrument {instrument} is listed twice")]
    RepeatedInstrument {
        /// The instrument's id.
        instrument: String,
    },
    /// A mapping document names an instrument that is not built in.
    #[error("unknown instrument {instrument:?} (one of the built-in ids)")]
    UnknownInstrument {
        /// The id given.
        instrument: String,
    },
    /// A session pattern without exactly one `{n}`.
    #[error("session pattern {pattern:?} needs exactly one {{n}}")]
    SessionPattern {
        /// The pattern given.
        pattern: String,
    },
    /// A date format that cannot be used.
    #[error("date format {format:?} {reason}")]
    DateFormat {
        /// The format given.
        format: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A mapping document's instrument has neither or both of `columns` and `items`.
    #[error("instrument {instrument}: give either \"columns\" (a pattern) or \"items\"")]
    ColumnsOrItems {
        /// The instrument's id.
        instrument: String,
    },
}

/// Why an export cannot be read at all. A bad cell is never this: it is a [`CellError`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A column named by the description is not in the header.
    #[error("line 1: no column {column:?} (the {role} column)")]
    MissingColumn {
        /// The column.
        column: String,
        /// Its role.
        role: &'static str,
    },
    /// No column (wide) matches an instrument's item columns.
    #[error("line 1: no column matches {columns} for {instrument}")]
    NoItemColumns {
        /// The instrument's id.
        instrument: String,
        /// The pattern or names.
        columns: String,
    },
    /// Two columns name the same item of an instrument.
    #[error("line 1: columns {first:?} and {second:?} both hold item {item} of {instrument}")]
    DuplicateColumn {
        /// The instrument's id.
        instrument: String,
        /// The item.
        item: u16,
        /// The first column.
        first: String,
        /// The second column.
        second: String,
    },
    /// The input could not be read (an I/O error) or a quoted record could not be parsed.
    #[error("line {line}: {message}")]
    Csv {
        /// The file line.
        line: u64,
        /// What the CSV parser reported.
        message: String,
    },
}

/// What is wrong with one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum CellProblem {
    /// Neither a number nor a missing / "does not apply" code.
    NotANumber,
    /// A number outside the item's scale (e.g. 55 on a 1–5 item).
    OutOfScale {
        /// The scale, e.g. `1..=5`.
        scale: String,
    },
    /// A number within the range that is not one of the scale's steps (2.5 on 1..=5).
    NotAStep {
        /// The scale.
        scale: String,
    },
    /// A "does not apply" code on an instrument that offers no such answer.
    DoesNotApplyNotAllowed,
    /// An empty or invalid id (ids are 1–64 of `A-Z a-z 0-9 - _ . :`).
    InvalidId,
    /// A session number that is not a whole number from 1.
    InvalidSession,
    /// A date that is not an ISO 8601 calendar date (and no date format was given).
    InvalidDate,
    /// A date written day and month first or month and day first (`26-01-2025`): without
    /// the export's date format its order is unknown.
    LocalDate,
    /// A date that does not match the export's date format.
    NotInDateFormat {
        /// The format, e.g. `%d-%m-%Y`.
        format: String,
    },
    /// (Long layout with an instrument column) an instrument the description does not list.
    UnknownInstrument,
    /// A respondent that is not `client`, `therapist` or `observer`.
    InvalidRespondent,
    /// (Long layout) an item name that matches no instrument of the description.
    UnknownItem,
    /// (Long layout) an item answered twice in one administration.
    RepeatedItem {
        /// The line of the first answer.
        first_line: u64,
    },
    /// (Long layout) an administration whose rows are not consecutive.
    NotConsecutive,
    /// A row with another number of fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
    },
}

/// One cell that could not be used: its file line (1-based, header = line 1), column and
/// text, and why. The record it belongs to is rejected (an item cell rejects its
/// administration; an id, session, date or respondent cell rejects its row); the rest of the
/// file is read on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CellError {
    /// File line (1-based, the header is line 1).
    pub line: u64,
    /// The column's header.
    pub column: String,
    /// The cell's text (at most 64 characters).
    pub value: String,
    /// What is wrong.
    pub problem: CellProblem,
}

impl CellError {
    pub(crate) fn new(line: u64, column: &str, raw: &[u8], problem: CellProblem) -> Self {
        let text = String::from_utf8_lossy(raw.trim_ascii());
        Self {
            line,
            column: column.to_owned(),
            value: text.chars().take(64).collect(),
            problem,
        }
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {:?} ",
            self.line, self.column, self.value
        )?;
        match &self.problem {
            CellProblem::NotANumber => write!(f, "is not a number or a missing-value code"),
            CellProblem::OutOfScale { scale } => write!(f, "is outside the scale {scale}"),
            CellProblem::NotAStep { scale } => write!(f, "is not an answer on the scale {scale}"),
            CellProblem::DoesNotApplyNotAllowed => {
                write!(
                    f,
                    "means \"does not apply\", which this instrument does not offer"
                )
            }
            CellProblem::InvalidId => write!(f, "is not a valid id"),
            CellProblem::InvalidSession => write!(f, "is not a session number (1, 2, …)"),
            CellProblem::InvalidDate => write!(f, "is not a date (YYYY-MM-DD)"),
            CellProblem::LocalDate => write!(
                f,
                "is not an ISO date (YYYY-MM-DD) and its day/month order is unknown: give the export's date format (e.g. %d-%m-%Y)"
            ),
            CellProblem::NotInDateFormat { format } => {
                write!(f, "is not a date in the format {format}")
            }
            CellProblem::UnknownInstrument => {
                write!(f, "names no instrument of the description")
            }
            CellProblem::InvalidRespondent => {
                write!(f, "is not a respondent (client, therapist, observer)")
            }
            CellProblem::UnknownItem => write!(f, "names no item of the listed instruments"),
            CellProblem::RepeatedItem { first_line } => {
                write!(f, "answers an item already answered on line {first_line}")
            }
            CellProblem::NotConsecutive => write!(
                f,
                "continues an administration whose rows ended earlier (sort the export by id and session)"
            ),
            CellProblem::FieldCount { expected } => {
                write!(
                    f,
                    "ends a row whose field count differs from the header's {expected}"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_line_column_and_value() {
        let e = CellError::new(
            7,
            "WAI_3",
            b" 55 ",
            CellProblem::OutOfScale {
                scale: "1..=5".into(),
            },
        );
        assert_eq!(
            e.to_string(),
            "line 7, column WAI_3: \"55\" is outside the scale 1..=5"
        );
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"line":7,"column":"WAI_3","value":"55","problem":{"kind":"out_of_scale","scale":"1..=5"}}"#
        );
        let long = CellError::new(2, "x", &[b'a'; 100], CellProblem::NotANumber);
        assert_eq!(long.value.len(), 64);
    }
}
