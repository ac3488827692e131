//! # therapeutic-alliance
//!
//! Measure the relationship between a counsellor and a client.
//!
//! Carl Rogers argued that therapy works through a relationship offering three core
//! conditions: **empathy**, **congruence** (genuineness) and **unconditional positive regard**.
//! Research measures that relationship as the **working alliance** (bond, tasks, goals), which
//! across some 300 studies predicts outcome (r ≈ .28). **Barriers** get in its way:
//! transference and countertransference, boundary crossings and violations, language barriers,
//! attachment difficulties, reactance to advice.
//!
//! ```
//! use therapeutic_alliance::{Answer, Instrument, Responses};
//!
//! // A client's Working Alliance Inventory – Short Revised (items 1..=12, answers 1..=5).
//! let wai = Instrument::builtin("wai-sr").ok_or("unknown instrument")?;
//! let answers = [4, 5, 4, 3, 4, 4, 5, 3, 4, 5, 4, 4];
//! let responses: Responses = (1..=12).zip(answers).map(|(i, x)| (i, Answer::Value(x.into()))).collect();
//! let score = wai.score(&responses)?;
//! assert_eq!(score.total, 49.0);
//! assert_eq!(score.subscale("bond"), Some(17.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! This crate provides:
//! - questionnaire instruments as validated data, and scoring for the real ones
//!   (WAI-SR, SRS/ORS, CARE, CORE, PHQ-9, GAD-7 …) and for instruments you define;
//! - sessions, courses of therapy, core-condition profiles and barrier flags;
//! - monitoring ([`monitor`]): trajectories, rupture–repair, sudden gains and losses
//!   (Tang & DeRubeis with Lutz's critical values, as R `suddengains`), deterministic alerts,
//!   and SVG charts of a course (written by hand: no plotting dependency, no feature flag);
//! - the statistics researchers publish, matching R's psych and metafor digit for digit:
//!   reliability, ICC, reliable change, correlation, meta-analysis ([`stats`]).
//!
//! The library does no I/O, logging or networking, and never panics on user input: every
//! invalid value comes back as a typed error naming what was wrong.
//!
//! # Overview
//!
//! - [`Instrument`]: a questionnaire as validated data (items by number, [`ResponseScale`],
//!   [`Keying`], subscales, [`Aggregation`], [`MissingRule`], [`Cutoff`], [`Band`]s, [`Norms`],
//!   citation, licence note and [`Verification`] status). Build one with [`InstrumentBuilder`],
//!   load one from JSON, or take one from the [`catalogue`] with [`Instrument::builtin`]
//!   (`wai-sr`, `wai-sr-t`, `wai`, `srs`, `ors`, `care`, `core-om`, `core-10`, `phq-9`, `gad-7`;
//!   the BLRI with a key you supply, [`Instrument::blri`]).
//! - [`Responses`] → [`Instrument::score`] → [`Score`] (total, subscales, answered, prorated,
//!   imputed, band, flagged), or [`Instrument::score_batch`] into a reusable [`BatchScores`]
//!   that keeps every record, scored or rejected with its [`ScoreError`].
//! - [`ResponseColumns`] maps a table's header (`id`, `1`/`item1`/`q1`, …) to an instrument's
//!   items; with the `csv` feature, [`read_responses`] reads any `std::io::Read`.
//! - [`stats`]: reliability, agreement, change, correlation and meta-analysis.
//!
//! # Untrusted input
//!
//! Responses and definitions often come from apps and files the caller does not control.
//! Scoring validates every value (NaN, infinities, values off the scale, unknown or repeated
//! items, "does not apply" where none exists, too many missing answers) and returns an error
//! naming the item and the value; no input makes it panic (property-tested with arbitrary
//! floats and item numbers). Instrument definitions are validated when built or
//! deserialised, so an invalid instrument cannot exist. Scoring is linear in the number of
//! answers and allocates nothing per record in batches.
//!
//! # Crate features
//!
//! - `csv` (off by default): [`read_responses`], reading response tables through the `csv`
//!   crate.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod instrument;
pub mod monitor;
mod read;
mod score;
pub mod stats;

pub use instrument::catalogue;
pub use instrument::{
    Aggregation, Band, Comparison, Cutoff, Instrument, InstrumentBuilder, InstrumentError, Item,
    Keying, MissingRule, Norms, Polarity, ResponseScale, Subscale, Verification,
};
pub use read::{ReadError, ResponseColumns, item_number, parse_answer};
#[cfg(feature = "csv")]
pub use read::{ResponseRecord, read_responses};
pub use score::{
    Answer, BatchRecord, BatchScores, RecordScore, Responses, Score, ScoreError, SubscaleScore,
};
