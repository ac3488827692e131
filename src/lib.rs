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
//!   [`Keying`], subscales, [`Aggregation`], [`MissingRule`], [`Direction`], [`Cutoff`] (a value
//!   and an explicit [`Comparison`]), [`Band`]s, [`Norms`],
//!   citation, licence note and [`Verification`] status). Build one with [`InstrumentBuilder`],
//!   load one from JSON, or take one from the [`catalogue`] with [`Instrument::builtin`]
//!   (`wai-sr`, `wai-sr-t`, `wai`, `srs`, `ors`, `care`, `core-om`, `core-10`, `phq-9`, `gad-7`;
//!   the BLRI with a key you supply, [`Instrument::blri`]).
//! - [`Responses`] → [`Instrument::score`] → [`Score`] (total, subscales, answered, prorated,
//!   imputed, band, cutoff met, critical items), or [`Instrument::score_batch`] into a reusable [`BatchScores`]
//!   that keeps every record, scored or rejected with its [`ScoreError`]; for throughput,
//!   [`Instrument::score_flat`] scores a flat row-major `f64` buffer into a reusable
//!   [`FlatScores`].
//! - [`ResponseColumns`] maps a table's header (`id`, `1`/`item1`/`q1`, …) to an instrument's
//!   items; with the `csv` feature, [`read_responses`] reads any `std::io::Read`.
//! - [`stats`]: reliability, agreement, change, correlation and meta-analysis, plus streaming,
//!   mergeable accumulators ([`stats::AlphaAccumulator`], [`stats::IccAccumulator`],
//!   [`stats::CorrelationAccumulator`]) for data split across threads or machines.
//!
//! # Module map
//!
//! Data flow one way: **instrument → score → session / course → monitor**; the statistics sit
//! beside the chain and take plain slices of `f64`. The import graph has no cycle: ids and dates
//! → barriers → sessions → courses → monitoring. Each concept lives in one module, named
//! after it (the core domain types are re-exported at the root):
//!
//! | concept | module | main items |
//! |---|---|---|
//! | questionnaires as data | `instrument` (private; items at the root), [`catalogue`] | [`Instrument`], [`InstrumentBuilder`], [`ResponseScale`], [`Cutoff`], [`Norms`] |
//! | answers and scoring | `score` (private; items at the root) | [`Responses`], [`Answer`], [`Score`], [`BatchScores`], [`FlatScores`] |
//! | reading response tables | `read` (private) | [`ResponseColumns`], [`read_responses`] (`csv` feature) |
//! | pseudonymous ids, session dates | `id`, `date` (private) | [`ClientId`], [`CounsellorId`], [`SessionDate`] |
//! | barriers and ethics checks | `barrier` (private) | [`BarrierFlag`], [`BarrierKind`], [`check_relationship`] |
//! | sessions | `session` (private) | [`Session`], [`Administration`], [`Respondent`] |
//! | Rogers' core conditions | `conditions` (private) | [`CoreConditions`], [`ConditionAssessment`] |
//! | courses of therapy | `course` (private) | [`Course`] |
//! | critical items (risk prompts) | [`critical`] | [`CriticalRule`], [`CriticalFlag`], [`CriticalSet`] |
//! | monitoring | [`monitor`] | trajectories, ruptures, sudden gains, alerts, traffic lights, SVG charts |
//! | documents: versions, errors as JSON, the parse entry point | [`document`] | [`ErrorDocument`], [`ErrorCode`], [`document::from_json`] |
//! | clinic exports (`csv` feature) | `export` | `ExportSpec`, `ExportReader`, `ExportScorer`, `CourseCollector` |
//! | FHIR R4 (`fhir` feature) | `fhir` | `read_response`, `observation` |
//! | LOINC codes of the built-ins | [`loinc`] | panel, item and answer codes with their verification |
//! | statistics (beside the chain) | [`stats`] | reliability, ICC, reliable change, correlation, meta-analysis, mixed models, accumulators |
//! | narrative docs | [`guide`] | [`guide::tutorial`], [`guide::cookbook`], [`guide::design`] (the decisions and why) |
//!
//! Every public item has exactly one path: the core domain types at the root
//! (`therapeutic_alliance::Instrument`), the built-in instruments in [`catalogue`], and the
//! monitoring and statistics items only through [`monitor`] and [`stats`]
//! (`therapeutic_alliance::stats::alpha`).
//!
//! Nothing earlier in the chain depends on anything later: a [`Course`] knows nothing of
//! alerts, and [`stats`] names no session. Golden values and fixtures shared by the tests and
//! examples are in `testdata/` (with the R and Python scripts that produced them).
//!
//! # Untrusted input
//!
//! Responses, definitions, courses and data files often come from forms, apps and files the
//! caller does not control. What the crate guarantees, layer by layer:
//!
//! - **Scoring** ([`Instrument::score`], [`Instrument::score_batch`]): every value is validated
//!   (NaN, infinities, values off the scale, unknown or repeated items, "does not apply" where
//!   none exists, too many missing answers) and an error names the item and the value; no input
//!   makes it panic (property-tested with arbitrary floats and item numbers). Batches keep every
//!   record, scored or rejected with its reason. Scoring is linear in the number of answers and
//!   allocates nothing per record in batches.
//! - **Instrument definitions** are validated when built or deserialised, so an invalid
//!   instrument cannot exist; a BLRI key must cover every item exactly once.
//! - **Courses JSON** ([`Course`], [`Session`], [`Administration`], [`BarrierFlag`]):
//!   deserialisation runs the same validation as the constructors: pseudonymous ids of 1–64
//!   restricted characters, ISO dates, unique session numbers with non-decreasing dates, flags
//!   naming their own session, scores naming their instrument with a finite total, and a stored
//!   score of a built-in instrument in its range, on its step and equal to the score of its
//!   stored responses ([`check_stored`]). Unknown fields are ignored (the forward-compatibility
//!   rule of [`document`]). A value that deserialises is a valid value.
//! - **Statistics inputs** ([`stats`], [`monitor`]): empty input, length mismatches, NaN or
//!   infinite values, zero variance, too few cases and out-of-range parameters (p, levels,
//!   thresholds) are typed errors ([`stats::StatsError`], [`monitor::MonitorError`]), never a
//!   silent `NaN` or a panic.
//! - **FHIR resources** (feature `fhir`): `fhir::read_response` walks nested items without
//!   recursion and refuses nesting deeper than `fhir::MAX_NESTING`; conflicting values in one
//!   answer, unknown answer codes and unresolvable items are typed errors; `fhir::observation`
//!   refuses a total that is not finite or not in the instrument's range.
//! - **CSV files in the examples**: the example programs (not the library) read files; a file
//!   that cannot be used ends the program with a one-line error, and unusable rows are reported
//!   with their row number and reason rather than dropped silently.
//!
//! Limits are the caller's to set: the crate does not cap the number of records or sessions, so
//! an app accepting uploads should bound their size before parsing.
//!
//! # Privacy
//!
//! The library does **no I/O, logging or networking**: it never writes, sends or prints the
//! data it is given; errors carry only the offending item, value, row or id. Client and
//! counsellor identifiers ([`ClientId`], [`CounsellorId`]) are **pseudonymous** by design: short
//! codes of `A-Z a-z 0-9 - _ . :`, which cannot hold a full name with spaces or an e-mail
//! address. To keep identifying data out: issue pseudonyms in your own system and keep the key
//! that links them to people elsewhere; do not put names, dates of birth or contact details in
//! ids, notes or file names; session dates are the only dates stored, so shift or coarsen them
//! before sharing data sets; and no item wording is shipped, so responses are numbers only.
//! The bundled data in `examples/data/` are synthetic.
//!
//! # Guides
//!
//! The [`guide::tutorial`] walks from scoring one questionnaire to a meta-analysis; the
//! [`guide::cookbook`] has short recipes. Every step names a runnable example.
//!
//! # Crate features
//!
//! No feature is on by default: the default build depends only on `serde`, `serde_json` (the
//! one parse entry point [`document::from_json`]; no serde_json type is in the public API),
//! `thiserror`, `jiff` (dates), `statrs` and `libm` (distributions, never in the public API).
//!
//! | feature | adds | dependency |
//! |---|---|---|
//! | `csv` | [`read_responses`] (response tables from any `std::io::Read`) and the `export` module: clinic and survey exports (wide, long, one row per session) read through a mapping document, scored and collected into courses | `csv` |
//! | `fhir` | the `fhir` module: FHIR R4 QuestionnaireResponses in (LOINC answer codes read by default), Observations out, critical flags included | none |
//! | `schema` | `schemars::JsonSchema` for every document type; the committed `schemas/` are generated with it | `schemars` |
//!
//! serde support is not optional: domain values and results implement `Serialize` and
//! `Deserialize`, and validated types deserialise through their constructors' validation.
//! Errors serialise through [`ErrorDocument::from_error`] (a stable `code`, the message and the
//! fields locating the problem; see [`guide::json_contract`]).
//!
//! # Courses of therapy as JSON
//!
//! Apps store and exchange courses as a JSON **list of courses** (see
//! `testdata/courses.json`, read by the `course_report` example). Each course:
//!
//! | field | type | |
//! |---|---|---|
//! | `client`, `counsellor` | string | pseudonymous ids ([`ClientId`], [`CounsellorId`]): 1–64 of `A-Z a-z 0-9 - _ . :` |
//! | `termination` | `"YYYY-MM-DD"` | optional: therapy ended (termination or last professional contact) |
//! | `sessions` | array | at least one; any order (kept sorted by number); numbers unique; dates non-decreasing with the number |
//!
//! Each session: `number` (from 1), `date` (`"YYYY-MM-DD"`), `interpreter` (bool, default
//! `false`), `administrations` (default `[]`), `flags` (default `[]`). Inside a course, a session
//! may repeat `client`/`counsellor` (they must match) or omit them. Each administration:
//! `instrument` (id), `respondent` (`"client"`, `"therapist"`, `"observer"`), `responses`
//! (optional; the [`Responses`] format) and `score` (optional; the [`Score`] format, whose
//! `instrument` must match); at least one of the two. Each flag: `session` (its session's
//! number), `kind` (an object tagged by `type`, see [`BarrierKind`]), `severity` (`"noted"`,
//! `"moderate"`, `"severe"`), `raised_by` (`"client"`, `"counsellor"`, `"supervisor"`,
//! `"observer"`) and `resolved` (default `false`). Unknown fields are ignored; a course may
//! carry `"version": 1` and a newer version is refused ([`document`]).
//!
//! ```
//! use therapeutic_alliance::{BarrierCategory, Course, Respondent};
//! let json = r#"[{
//!   "client": "c-001", "counsellor": "t-01", "termination": "2025-03-05",
//!   "sessions": [
//!     {"number": 1, "date": "2025-01-08",
//!      "administrations": [{"instrument": "srs", "respondent": "client",
//!        "score": {"instrument": "srs", "total": 34.5, "subscales": [], "answered": 4,
//!                  "prorated": false, "imputed": 0, "band": null, "cutoff_met": true}}],
//!      "flags": [{"session": 1, "kind": {"type": "reactance"}, "severity": "moderate",
//!                 "raised_by": "counsellor", "resolved": true}]},
//!     {"number": 2, "date": "2025-01-15", "interpreter": true,
//!      "administrations": [{"instrument": "srs", "respondent": "client",
//!        "score": {"instrument": "srs", "total": 37.0, "subscales": [], "answered": 4,
//!                  "prorated": false, "imputed": 0, "band": null, "cutoff_met": false}}],
//!      "flags": [{"session": 2, "kind": {"type": "language", "shared_language": false,
//!                 "interpreter_present": true}, "severity": "noted", "raised_by": "client"}]}
//!   ]
//! }]"#;
//! let courses: Vec<Course> = serde_json::from_str(json)?;
//! let course = &courses[0];
//! assert_eq!(course.series_by("srs", Respondent::Client), [(1, 34.5), (2, 37.0)]);
//! assert_eq!(course.barrier_summary().count(BarrierCategory::Language), 1);
//! assert_eq!(course.unresolved_flags().count(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's Rust examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod document;
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub mod export;
#[cfg(feature = "fhir")]
#[cfg_attr(docsrs, doc(cfg(feature = "fhir")))]
pub mod fhir;
pub mod guide;
mod instrument;
pub mod loinc;
pub mod monitor;
mod read;
mod score;
pub mod stats;

pub use instrument::catalogue;
pub use instrument::critical;
pub use instrument::{
    Aggregation, Band, Comparison, Cutoff, Direction, Instrument, InstrumentBuilder,
    InstrumentError, Item, Keying, MissingRule, Norms, ResponseScale, Subscale, Verification,
};
pub use read::{ReadError, ResponseColumns, item_number, parse_answer};
#[cfg(feature = "csv")]
pub use read::{ResponseRecord, read_responses};
pub use score::{
    Answer, BatchRecord, BatchScores, FlatScores, RecordScore, Responses, Score, ScoreError,
    SubscaleScore,
};

mod barrier;
mod conditions;
mod course;
mod date;
mod error_codes;
mod grid;
mod id;
mod numeric;
#[cfg(feature = "schema")]
mod schema;
mod session;
mod stored;
mod wire;

pub use barrier::{
    AttachmentStyle, BarrierCategory, BarrierError, BarrierFlag, BarrierKind, BarrierSummary,
    BoundaryCategory, BoundaryType, BurdenWeights, CategoryCount, ClientStatus,
    CountertransferenceFactor, EthicsFinding, PostTerminationRule, RaisedBy, Severity,
    TransferencePattern, check_relationship,
};
pub use conditions::{
    Condition, ConditionAssessment, ConditionMeasure, ConditionsError, CoreConditions,
    FacilitativeThresholds, Rating,
};
pub use course::{Course, CourseError, SessionRejection, pre_post};
pub use critical::{CriticalFlag, CriticalRule, CriticalRuleError, CriticalSet, CriticalTarget};
pub use date::{DateError, SessionDate};
pub use document::{ErrorCode, ErrorDocument, FORMAT_VERSION};
pub use id::{ClientId, CounsellorId, IdError, MAX_ID_LEN};
pub use session::{Administration, Respondent, Session, SessionError, Timing};
pub use stored::{StoredProblem, StoredScoreError, check_series, check_stored};
