//! # The JSON contract
//!
//! Every type that crosses a process boundary has one JSON shape, the same in the library and
//! in the example programs (which serialise library types, never hand-built shapes). The JSON
//! Schema of each document is committed under `schemas/` (feature `schema` generates them;
//! `tests/schemas.rs` fails when one is stale and validates the bundled documents).
//!
//! | document | Rust type | schema |
//! |---|---|---|
//! | an error | [`ErrorDocument`](crate::ErrorDocument) | `schemas/error.schema.json` |
//! | a critical-item rule | [`CriticalRule`](crate::CriticalRule) | `schemas/critical_rule.schema.json` |
//! | traffic lights per session | `Vec<`[`SessionLight`](crate::monitor::SessionLight)`>` | `schemas/session_lights.schema.json` |
//! | target trajectories | [`Targets`](crate::monitor::Targets) | `schemas/targets.schema.json` |
//!
//! ## Versions and forward compatibility
//!
//! One rule for every document (see [`crate::document`]): documents carry `"version": 1`;
//! **unknown fields are ignored**, so a newer release may add optional fields and an older
//! reader still reads the document; the version changes only when a field is removed,
//! renamed or changes meaning, and a reader refuses a newer version (`unsupported_version`).
//! The README's semver policy states the same rule.
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
//! - documents: `unsupported_version`;
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
