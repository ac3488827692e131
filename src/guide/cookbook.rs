//! Cookbook: short recipes, each backed by a runnable example.
//!
//! Run any of them with `cargo run --example NAME -- [FILE] [--json]`; without a file they read
//! the bundled (synthetic) data.
//!
//! # Define your own instrument from JSON (and a BLRI key)
//!
//! An [`Instrument`](crate::Instrument) deserialises from JSON through the same validation as
//! [`InstrumentBuilder`](crate::InstrumentBuilder), so an invalid definition is an error, never
//! an instrument. The BLRI is built from a key you supply from the licensed manual
//! ([`Instrument::blri`](crate::Instrument::blri)); the bundled key file is a **fake**
//! demonstration key.
//!
//! ```
//! use therapeutic_alliance::{Answer, Instrument, Responses};
//! let json = r#"{"id": "demo-3", "name": "Demo", "version": "1", "citation": "none",
//!   "licence": "CC0", "verification": "unverified", "scale": {"likert": {"min": 1, "max": 5}},
//!   "does_not_apply": false, "subscales": [],
//!   "items": [{"number": 1}, {"number": 2}, {"number": 3, "keying": "reverse"}],
//!   "total": "sum", "subscale_scores": "sum", "missing": "none_allowed", "polarity": "higher_is_better",
//!   "cutoff": null, "bands": [], "reliable_change": null, "notes": ""}"#;
//! let demo: Instrument = serde_json::from_str(json)?;
//! let r: Responses = [(1, 5.0), (2, 4.0), (3, 1.0)].into_iter().map(|(i, x)| (i, Answer::Value(x))).collect();
//! assert_eq!(demo.score(&r)?.total, 14.0); // item 3 reversed: 6 − 1
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Example: `cargo run --example cookbook_custom_instrument -- [INSTRUMENT.json] [--blri-key KEY.json]`.
//!
//! # Score a CSV of responses
//!
//! [`ResponseColumns`](crate::ResponseColumns) maps a header (`id`, `item1`/`q1`/`1`, …) to the
//! instrument's items; with the `csv` feature, [`read_responses`](crate::read_responses)
//! reads any `std::io::Read`. Bad rows are reported with their row number and reason.
//!
//! Example: `cargo run --example score -- --instrument phq-9 [FILE.csv] [--json]`.
//!
//! # Batch scoring into reusable buffers
//!
//! [`Instrument::score_batch`](crate::Instrument::score_batch) fills a caller-owned
//! [`BatchScores`](crate::BatchScores), cleared and reused across batches without per-record
//! allocation; every record comes back scored or rejected with its reason.
//!
//! Example: `cargo run --example cookbook_batch -- [administrations.csv] [--instrument ID]`.
//!
//! # Read courses JSON and list alerts
//!
//! Deserialise `Vec<Course>` and run a [`monitor::CourseMonitor`](crate::monitor::CourseMonitor)
//! (the adapter from a [`Course`](crate::Course) to monitoring) with the built-in SRS as the
//! alliance and the built-in ORS as the outcome. The thresholds come from the instruments: the
//! SRS cutoff (`< 36`) raises `alliance_low` and its published drop (1 point) `alliance_drop`,
//! the ORS reliable-change threshold sizes sudden changes and raises `outcome_deterioration`,
//! and every administration's critical items (PHQ-9 item 9) raise `critical_item`. No number
//! of one instrument is applied to another: a WAI-SR alliance raises no `alliance_low` unless
//! you give a cutoff ([`AlertRules`](crate::monitor::AlertRules)). Only the rupture size is
//! yours to choose (no published rule).
//!
//! ```
//! use therapeutic_alliance::monitor::{
//!     CourseMonitor, MonitorOptions, RuptureOptions, RuptureThreshold, SizeCriterion,
//!     SuddenChangeOptions,
//! };
//! use therapeutic_alliance::{Instrument, Respondent};
//! let (srs, ors) = (Instrument::builtin("srs").ok_or("srs")?, Instrument::builtin("ors").ok_or("ors")?);
//! let rc = ors.reliable_change_threshold().ok_or("no ORS reliable change")?; // 5 points
//! let options = MonitorOptions::new(
//!     RuptureOptions::new(RuptureThreshold::Points(5.0)),
//!     SuddenChangeOptions::new(SizeCriterion::ReliableChange(rc), ors.direction()),
//! );
//! let monitor = CourseMonitor::new(options)
//!     .alliance(srs, Respondent::Client)
//!     .outcome(ors, Respondent::Client);
//! // for course in &courses { let alerts = monitor.run(course)?.report.alerts; … }
//! # let _ = monitor;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Example: `cargo run --example cookbook_alerts -- [COURSES.json] [--rupture-points N] [--json]`.
//!
//! # Alpha with reversed items and missing data
//!
//! [`AlphaOptions`](crate::stats::AlphaOptions) takes reverse keys by name or index and a
//! [`MissingPolicy`](crate::stats::MissingPolicy) (complete cases, or pairwise as psych);
//! [`alpha_with_missing`](crate::stats::alpha_with_missing) accepts `Option<f64>` cells.
//!
//! Example: `cargo run --features csv --example reliability -- [ITEMS.csv] --keys i5 [--pairwise] [--json]`.
//!
//! # ICC from a ratings table
//!
//! [`stats::icc`](crate::stats::icc) gives the six Shrout–Fleiss ICCs with F tests and
//! intervals, as `psych::ICC` and pingouin.
//!
//! Example: `cargo run --example icc -- [RATINGS.csv] [--json]`.
//!
//! # Meta-analysis of alliance–outcome correlations
//!
//! [`stats::meta_analysis`](crate::stats::meta_analysis) on Fisher-z transformed correlations
//! (metafor `rma()`), with Knapp–Hartung, prediction interval and τ² confidence interval.
//!
//! Example: `cargo run --example meta -- [STUDIES.csv] [--method reml|dl|fe] [--knha] [--json]`.
//!
//! # Within- and between-client associations
//!
//! Split a session-level predictor into client means and deviations with
//! [`stats::person_mean_centre`](crate::stats::person_mean_centre), then fit the within-client
//! slope with [`stats::within_regression`](crate::stats::within_regression); correlate client
//! means for the between-client association.
//!
//! Example: `cargo run --example cookbook_within_between -- [totals.csv] [--alliance wai-sr] [--outcome ors]`;
//! `cargo run --example correlate` for correlations and their tests.
//!
//! # Regenerate the synthetic data set
//!
//! Example: `cargo run --release --example generate_data -- [--seed N] [--out DIR]` (prints
//! alpha, the alliance–outcome correlation and the rates of ruptures, sudden changes and
//! barrier flags found by the crate's own detectors).
