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
//!
//! # Courses of therapy as JSON
//!
//! Apps store and exchange courses as a JSON **list of courses** (see
//! `examples/data/courses.json`, read by the `course_report` example). Each course:
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
//! `"observer"`) and `resolved` (default `false`). Unknown fields are errors.
//!
//! ```
//! use therapeutic_alliance::{BarrierCategory, Course, Respondent};
//! let json = r#"[{
//!   "client": "c-001", "counsellor": "t-01", "termination": "2025-03-05",
//!   "sessions": [
//!     {"number": 1, "date": "2025-01-08",
//!      "administrations": [{"instrument": "srs", "respondent": "client",
//!        "score": {"instrument": "srs", "total": 34.5, "subscales": [], "answered": 4,
//!                  "prorated": false, "imputed": 0, "band": null, "flagged": true}}],
//!      "flags": [{"session": 1, "kind": {"type": "reactance"}, "severity": "moderate",
//!                 "raised_by": "counsellor", "resolved": true}]},
//!     {"number": 2, "date": "2025-01-15", "interpreter": true,
//!      "administrations": [{"instrument": "srs", "respondent": "client",
//!        "score": {"instrument": "srs", "total": 37.0, "subscales": [], "answered": 4,
//!                  "prorated": false, "imputed": 0, "band": null, "flagged": false}}],
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

pub mod stats;

mod barrier;
mod conditions;
mod course;
mod id;
mod session;

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
pub use course::{Course, CourseError, SessionRejection};
pub use id::{ClientId, CounsellorId, IdError, MAX_ID_LEN};
pub use session::{Administration, Respondent, Session, SessionDate, SessionError};

// STUB: replaced by the foundation branch at merge
mod contract_stub;
pub use contract_stub::{Answer, Responses, Score, SubscaleScore};
// END STUB
