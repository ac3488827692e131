//! Tutorial: from one questionnaire to a meta-analysis.
//!
//! Each step shows the library calls in a doctest and names the example program that does the
//! same on a file (`cargo run --example NAME -- [FILE] [--json]`; without a file the bundled
//! data are used). The data are synthetic.
//!
//! # 1. Score an instrument
//!
//! Take an instrument from the catalogue (or define one, see the [cookbook](super::cookbook)),
//! collect [`Responses`](crate::Responses) and [`score`](crate::Instrument::score) them. Every
//! invalid answer is a [`ScoreError`](crate::ScoreError) naming the item and value.
//!
//! ```
//! use therapeutic_alliance::{Answer, Instrument, Responses};
//! let srs = Instrument::builtin("srs").ok_or("unknown instrument")?;
//! let answers: Responses = (1..=4).zip([8.5, 9.0, 7.2, 8.8]).map(|(i, x)| (i, Answer::Value(x))).collect();
//! let score = srs.score(&answers)?;
//! assert_eq!(score.cutoff_met, Some(true)); // 33.5 < 36: talk about the alliance
//! let bad: Responses = (1..=4).map(|i| (i, Answer::Value(11.0))).collect();
//! assert!(srs.score(&bad).is_err()); // off the 0–10 line
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Example: `cargo run --example score -- --instrument wai-sr [FILE.csv] [--json]`.
//!
//! # 2. Build a course of sessions
//!
//! A [`Course`](crate::Course) is an ordered, validated list of [`Session`](crate::Session)s of
//! one client with one counsellor, each holding [`Administration`](crate::Administration)s
//! (responses and/or scores) and [`BarrierFlag`](crate::BarrierFlag)s. Build it in code or
//! read it from the JSON format documented in the crate root.
//!
//! ```
//! use therapeutic_alliance::{Administration, ClientId, CounsellorId, Course, Instrument, Respondent, Responses, Answer, Session, SessionDate};
//! let srs = Instrument::builtin("srs").ok_or("unknown instrument")?;
//! let mut sessions = Vec::new();
//! for (n, x) in [(1, 9.0), (2, 7.0), (3, 9.5)] {
//!     let answers: Responses = (1..=4).map(|i| (i, Answer::Value(x))).collect();
//!     let score = srs.score(&answers)?;
//!     let a = Administration::new("srs", Respondent::Client, answers, Some(score))?;
//!     let date = SessionDate::new(2025, 1, 1)?.add_days(7 * (n as i32 - 1)).ok_or("date")?;
//!     sessions.push(Session::new(ClientId::new("c-001")?, CounsellorId::new("t-01")?, n, date)?.with_administration(a)?);
//! }
//! let course = Course::new(sessions)?;
//! assert_eq!(course.series_by("srs", Respondent::Client), [(1, 36.0), (2, 28.0), (3, 38.0)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Example: `cargo run --example course_report -- examples/data/synthetic/courses.json`.
//!
//! # 3. Follow the alliance and spot a rupture
//!
//! Turn a course's alliance scores into a [`monitor::Series`](crate::monitor::Series) and look
//! for ruptures (a fall of at least a threshold, and whether it was repaired). There is no single
//! published rule: the threshold is yours (see [`monitor`](crate::monitor)).
//!
//! ```
//! use therapeutic_alliance::monitor::{detect_ruptures, RuptureOptions, RuptureThreshold, Series};
//! let srs = Series::new(vec![(1, 36.0), (2, 37.0), (3, 30.0), (4, 37.5), (5, 38.0)])?;
//! let ruptures = detect_ruptures(&srs, &RuptureOptions::new(RuptureThreshold::Points(5.0)))?;
//! assert_eq!((ruptures[0].start, ruptures[0].trough, ruptures[0].repair), (2, 3, Some(4)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Example: `cargo run --example monitor -- examples/data/synthetic/totals.csv [--out DIR]`
//! (ruptures, sudden gains and losses, not-on-track and alerts for every client).
//!
//! # 4. Compute alpha
//!
//! [`stats::alpha_rows`](crate::stats::alpha_rows) gives every `psych::alpha` field
//! (`raw_alpha`, `std_alpha`, `average_r`, alpha if an item is dropped, …).
//!
//! ```
//! use therapeutic_alliance::stats::{alpha_rows, AlphaOptions};
//! let rows = [[4.0, 5.0, 4.0], [2.0, 3.0, 2.0], [3.0, 3.0, 4.0], [5.0, 4.0, 5.0], [1.0, 2.0, 2.0]];
//! let a = alpha_rows(&rows, &AlphaOptions::new())?;
//! assert!(a.raw_alpha > 0.9 && a.raw_alpha < 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Example: `cargo run --features csv --example reliability -- [ITEMS.csv] [--keys i5] [--pairwise] [--json]`;
//! `cargo run --example generate_data` prints alpha for every instrument of the synthetic set.
//!
//! # 5. Reliable change
//!
//! [`stats::ReliableChange`](crate::stats::ReliableChange) classifies each person's pre–post
//! change (Jacobson–Truax and variants) as recovered, improved, unchanged, deteriorated or
//! harmed, with the instrument's norms and your choice of critical value.
//!
//! Example: `cargo run --example change -- [PRE_POST.csv] [--method jt|gln|…] [--json]`.
//!
//! # 6. Meta-analysis
//!
//! Pool alliance–outcome correlations across studies with
//! [`stats::meta_analysis`](crate::stats::meta_analysis) (fixed effect, DL, REML, … as metafor).
//!
//! Example: `cargo run --example meta -- [STUDIES.csv] [--method reml] [--knha] [--json]`
//! (bundled: Molloy et al. 2014).
//!
//! # Next
//!
//! The [cookbook](super::cookbook) has recipes for your own instruments, batch scoring, alerts
//! from courses JSON, ICC and within/between disaggregation.
