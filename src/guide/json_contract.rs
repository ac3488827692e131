//! # The JSON contract
//!
//! Every type that crosses a process boundary has one JSON shape, the same in the library and
//! in the example programs (which serialise library types, never hand-built shapes). The JSON
//! Schema of each document is committed under `schemas/` (feature `schema` generates them;
//! `tests/schemas.rs` fails when one is stale and validates the bundled documents).
//!
//! | document | Rust type | schema |
//! |---|---|---|
//! | responses (what an API client sends) | [`Responses`](crate::Responses) | `schemas/responses.schema.json` |
//! | a score | [`Score`](crate::Score) | `schemas/score.schema.json` |
//! | a session | [`Session`](crate::Session) | `schemas/session.schema.json` |
//! | a course | [`Course`](crate::Course) | `schemas/course.schema.json` |
//! | a list of courses | `Vec<`[`Course`](crate::Course)`>` | `schemas/courses.schema.json` |
//! | a monitoring result | [`CourseMonitoring`](crate::monitor::CourseMonitoring) | `schemas/monitoring.schema.json` |
//! | monitoring results of many courses | `Vec<`[`CourseMonitoring`](crate::monitor::CourseMonitoring)`>` | `schemas/monitoring_list.schema.json` |
//! | a monitoring report of series ([`CourseMonitor::run_input`](crate::monitor::CourseMonitor::run_input)) | [`CourseReport`](crate::monitor::CourseReport) | `schemas/course_report.schema.json` |
//! | an alert | [`Alert`](crate::monitor::Alert) | `schemas/alert.schema.json` |
//! | traffic lights per session | `Vec<`[`SessionLight`](crate::monitor::SessionLight)`>` | `schemas/session_lights.schema.json` |
//! | target trajectories | [`Targets`](crate::monitor::Targets) | `schemas/targets.schema.json` |
//! | an error | [`ErrorDocument`](crate::ErrorDocument) | `schemas/error.schema.json` |
//! | a critical-item rule | [`CriticalRule`](crate::CriticalRule) | `schemas/critical_rule.schema.json` |
//! | an export mapping | [`ExportSpec`](crate::export::ExportSpec) | `schemas/export_mapping.schema.json` |
//!
//! The schemas describe what the crate **reads** (JSON Schema 2020-12); every document it
//! writes validates against them (`tests/schemas.rs` checks this on the bundled data, and
//! `.ci/run` runs those tests inside the packaged crate too).
//!
//! ## Reading a document
//!
//! [`document::from_json`](crate::document::from_json) is the one parse entry point: any
//! failure is an [`ErrorDocument`](crate::ErrorDocument) with its code and the JSON `line` and
//! `column`. A validation raised while reading keeps its own code (`"client": "c 1"` gives
//! `invalid_id_character`); anything else is classified (`json_syntax`, `missing_field`, …).
//!
//! ## Versions and forward compatibility
//!
//! One rule for every document (see [`crate::document`]): top-level documents (a score, a
//! session, a course, a monitoring result or report, an error) carry `"version": 1`; the
//! version changes only when a field is removed, renamed or changes meaning, and a reader
//! refuses a newer version (`unsupported_version`). The README's semver policy states the same
//! rule.
//!
//! **Data documents ignore unknown fields**, at every level: responses, scores (and their
//! critical flags), sessions, courses (and their barrier flags), monitoring results, alerts,
//! traffic lights, targets and errors. A newer release may add optional fields and an older
//! reader still reads the document. **Definition documents refuse them** (`unknown_field`):
//! an instrument definition (with its scale, items, subscales, bands, cutoff, norms and
//! critical rules) and an export mapping. A misspelt optional field there
//! (`"reverse_item"` for `"reverse_items"`) would otherwise be dropped in silence and change
//! every score computed with the definition. `tests/unknown_fields.rs` checks both halves
//! type by type.
//!
//! ## Responses
//!
//! What an API client sends: a map from item number to answer, `{"1": 4, "2": null}`; an array
//! in item order, `[4, null]`; or a tagged object, `{"instrument": "phq-9", "answers": …}`.
//! An answer is a number, `null` (blank) or `"does_not_apply"`. A body of another shape is
//! refused with a message naming the shapes expected.
//!
//! ## Errors
//!
//! Any error of the crate becomes an [`ErrorDocument`](crate::ErrorDocument) through the
//! [`ErrorCode`](crate::ErrorCode) trait:
//!
//! ```
//! use therapeutic_alliance::{Answer, ErrorDocument, Instrument, Responses};
//! let phq = Instrument::builtin("phq-9").ok_or("no phq-9")?;
//! let responses: Responses = (1..=9).map(|i| (i, Answer::Value(if i == 4 { 7.0 } else { 0.0 }))).collect();
//! let error = phq.score(&responses).unwrap_err();
//! let json = serde_json::to_string(&ErrorDocument::from_error(&error))?;
//! assert_eq!(json, r#"{"version":1,"code":"out_of_range","message":"item 4: value 7 is outside 0..=3","item":4,"value":7.0}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Codes are stable within a format version; messages are for people and may change. Codes
//! in use (tests/error_codes.rs checks this list against the code):
//!
//! - scoring: `out_of_range`, `not_a_step`, `non_finite`, `not_a_number`, `unknown_item`,
//!   `duplicate_item`, `does_not_apply_not_allowed`, `wrong_instrument`, `incomplete_record`,
//!   `too_many_missing`;
//! - definitions: `invalid_instrument`, `unknown_subscale`; critical rules:
//!   `invalid_rule_id`, `invalid_target`, `empty_text`;
//! - ids and dates: `empty_id`, `id_too_long`, `invalid_id_character`, `invalid_date`,
//!   `date_syntax`;
//! - sessions, courses and stored scores: `session_number_zero`, `empty_instrument`,
//!   `empty_administration`, `flag_session_mismatch`, `missing_id`, `sessions_rejected`,
//!   `termination_before_last_session`, `invalid_barrier`, `stored_out_of_range`,
//!   `stored_off_step`, `stored_mismatch`, `stored_counts`;
//! - barriers and core conditions: `session_zero`, `sexual_crossing`, `zero_interval`,
//!   `invalid_weight`, `no_sessions`, `missing_subscale`, `not_measured`, `no_threshold`,
//!   `invalid_threshold`;
//! - monitoring: `empty`, `duplicate_session`, `unsorted`, `too_few_sessions`,
//!   `zero_variance`, `invalid_parameter`, `no_matching_reference`;
//! - statistics: `too_few_cases`, `length_mismatch`, `invalid_probability`, `not_converged`,
//!   `unknown_name`, `unsupported`, `singular`, `too_large`, `overflow`; accumulator states:
//!   `wrong_state_kind`, `dimension_mismatch`, `not_positive_semidefinite`, `state_format`,
//!   `checksum_mismatch`, `invalid_state`;
//! - tables and exports (with the csv feature): `missing_column`, `duplicate_column`, `csv`,
//!   `no_item_columns`, `invalid_pattern`, `no_instruments`, `empty_column`,
//!   `repeated_column`, `repeated_instrument`, `unknown_instrument`, `columns_or_items`,
//!   `invalid_session_pattern`, `invalid_date_format`, `invalid_session`,
//!   `invalid_respondent`, `not_consecutive`, `field_count`, `no_session_or_date`,
//!   `invalid_id`, `date_conflict`;
//! - documents: `unsupported_version`; reading JSON (with document::from_json): `json_syntax`,
//!   `unexpected_end`, `missing_field`, `unknown_field`, `unknown_variant`, `invalid_type`,
//!   `invalid_value`, `invalid_length`, `duplicate_field`, `invalid_document`;
//! - FHIR (with the fhir feature): `wrong_resource`, `no_loinc_codes`, `unverified_code`,
//!   `duplicate_link_id`, `unknown_link_id`, `unresolvable_item`, `multiple_answers`,
//!   `empty_answer`, `unresolvable_answer`, `conflicting_values`, `non_finite_value`,
//!   `nesting_too_deep`, `impossible_score`, `missing_items`.
//!
//! ## Critical items
//!
//! A [`CriticalFlag`](crate::CriticalFlag) is a prompt for a clinician's risk assessment the
//! same day. It never predicts risk, and no flag never means no risk (see
//! [`crate::critical`]).
