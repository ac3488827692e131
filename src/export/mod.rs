//! Reading real exports (with the `csv` feature): the CSV a survey tool, an EHR or a
//! spreadsheet writes, streamed straight into scores, reliability accumulators and courses.
//!
//! The library does no file I/O: pass any [`std::io::Read`] (a file, stdin, a network body).
//! The file is read one record at a time into reused buffers — never loaded whole, no
//! `String` per cell — so memory does not grow with its length.
//!
//! - [`ExportSpec`] describes the export: the [`Layout`] (wide: one row per administration
//!   or per session with several instruments side by side; long: one row per answer), the id,
//!   session, date, respondent and therapist columns, each instrument's item columns (a
//!   [`ColumnPattern`] such as `WAI_{item}` or an explicit list), and the [`MissingCodes`]
//!   (defaults: empty, `NA`, `.`; `-99`/`999` opt-in). Build it in code or deserialise a
//!   small mapping document.
//! - [`ExportReader`] hands out one [`ExportRecord`] per administration: its line, id,
//!   session, date, respondent, instrument and answers (item order). Every value is checked
//!   against the instrument's scale; each rejected cell is a [`CellError`] with its **file
//!   line (1-based, header = line 1)**, column and text, and rejects only its administration
//!   (an id or session cell: its row; a date cell rejects nothing — the record is scored with
//!   no date and only cannot join a course). Sessions can be read from text
//!   ([`SessionPattern`], REDCap's `session_{n}_arm_1`) and dates in a local order
//!   ([`DateFormat`], `%d-%m-%Y`); a date such as `26-01-2025` without a format is reported
//!   as ambiguous ([`CellProblem::LocalDate`]).
//! - Into the analyses without an intermediate copy: [`ExportScorer`] (scores by the
//!   instrument's own missing-data rule), [`ReliabilityAccumulator`] (alpha for the total and
//!   each subscale, keys from the definition), [`CourseCollector`] ([`Course`](crate::Course)s
//!   for monitoring and reliable change).
//! - [`ItemTable`] streams a plain table of numeric item columns (no instrument) into an
//!   [`AlphaAccumulator`](crate::stats::AlphaAccumulator).
//!
//! ```
//! use therapeutic_alliance::Instrument;
//! use therapeutic_alliance::export::{ExportReader, ExportScorer, ExportSpec, InstrumentColumns};
//! let data = "\
//! ClientID,Session,Date,WAI_1,WAI_2,WAI_3,WAI_4,WAI_5,WAI_6,WAI_7,WAI_8,WAI_9,WAI_10,WAI_11,WAI_12,ORS_1,ORS_2,ORS_3,ORS_4
//! c-01,1,2025-01-08,4,4,5,3,4,4,5,4,4,4,3,4,5.1,4.0,6.2,5.5
//! c-01,2,2025-01-15,4,5,5,4,4,4,5,4,NA,4,4,4,,,,
//! ";
//! let spec = ExportSpec::builder("ClientID")
//!     .session("Session")
//!     .date("Date")
//!     .instrument(InstrumentColumns::pattern(Instrument::builtin("wai-sr").ok_or("wai")?, "WAI_{item}")?)
//!     .instrument(InstrumentColumns::pattern(Instrument::builtin("ors").ok_or("ors")?, "ORS_{item}")?)
//!     .build()?;
//! let mut reader = ExportReader::new(data.as_bytes(), spec.clone())?;
//! let mut scorer = ExportScorer::new(&spec);
//! let mut totals = Vec::new();
//! while let Some(rec) = reader.next_record()? {
//!     let score = scorer.score(&rec).ok_or("rejected cell")?;
//!     totals.push((rec.instrument.id().to_owned(), rec.session, score.map(|s| s.score.total).ok()));
//! }
//! // session 2: no ORS given (all blank); the WAI-SR has no published missing-data rule, so
//! // one blank item leaves it unscored
//! assert_eq!(totals, [("wai-sr".into(), Some(1), Some(48.0)),
//!                     ("ors".into(), Some(1), Some(20.8)),
//!                     ("wai-sr".into(), Some(2), None)]);
//! assert_eq!(reader.tally().not_administered, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod analyses;
mod codes;
mod error;
mod formats;
mod items;
mod lines;
mod reader;
mod spec;

pub use analyses::{
    CourseCollector, CourseRecordError, ExportScorer, ReliabilityAccumulator, ScaleReliability,
    ScoredRecord, UNKNOWN_THERAPIST,
};
pub use codes::MissingCodes;
pub use error::{CellError, CellProblem, ExportError, SpecError};
pub use formats::{DateFormat, NUMBER_PLACEHOLDER, SessionPattern};
pub use items::{ItemRow, ItemTable, ItemTally};
pub use reader::{ExportReader, ExportRecord, ReadTally};
pub use spec::{
    ColumnPattern, ExportSpec, ExportSpecBuilder, ITEM_PLACEHOLDER, InstrumentColumns, ItemColumns,
    Layout,
};
