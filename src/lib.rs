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
//! This crate provides:
//! - questionnaire instruments as validated data, and scoring for the real ones
//!   (WAI-SR, SRS/ORS, CARE, CORE, PHQ-9, GAD-7 …) and for instruments you define;
//! - sessions, courses of therapy, core-condition profiles and barrier flags;
//! - monitoring: trajectories, rupture–repair, sudden gains and losses, alerts;
//! - the statistics researchers publish, matching R's psych and metafor digit for digit:
//!   reliability, ICC, reliable change, correlation, meta-analysis ([`stats`]).
//!
//! The library does no I/O, logging or networking, and never panics on user input: every
//! invalid value comes back as a typed error naming what was wrong.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod instrument;
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
