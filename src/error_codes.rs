//! The stable machine codes of the crate's errors ([`ErrorCode`]), so every error serialises
//! as an [`ErrorDocument`](crate::ErrorDocument). A code never changes within a format
//! version; the messages may.

use crate::document::{ErrorCode, ErrorFields};
use crate::monitor::MonitorError;
use crate::stats::StatsError;
use crate::{CriticalRuleError, IdError, InstrumentError, ReadError, ScoreError};

impl ErrorCode for ScoreError {
    fn code(&self) -> &'static str {
        match self {
            Self::OutOfRange { .. } => "out_of_range",
            Self::NotAStep { .. } => "not_a_step",
            Self::NonFinite { .. } => "non_finite",
            Self::NotANumber { .. } => "not_a_number",
            Self::UnknownItem { .. } => "unknown_item",
            Self::DuplicateItem { .. } => "duplicate_item",
            Self::DoesNotApplyNotAllowed { .. } => "does_not_apply_not_allowed",
            Self::WrongInstrument { .. } => "wrong_instrument",
            Self::IncompleteRecord { .. } => "incomplete_record",
            Self::TooManyMissing { .. } => "too_many_missing",
            Self::TooLarge { .. } => "too_large",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::OutOfRange { item, value, .. }
            | Self::NotAStep { item, value, .. }
            | Self::NonFinite { item, value } => f.item(*item).value(*value),
            Self::NotANumber { item, .. } | Self::DuplicateItem { item } => f.item(*item),
            Self::UnknownItem { instrument, item }
            | Self::DoesNotApplyNotAllowed { instrument, item } => {
                f.item(*item).instrument(instrument.clone())
            }
            Self::WrongInstrument { found, .. } => f.instrument(found.clone()).field("instrument"),
            Self::IncompleteRecord { .. } => f,
            Self::TooLarge { .. } => f.field("capacity"),
            Self::TooManyMissing {
                instrument, first, ..
            } => f.item(*first).instrument(instrument.clone()),
        }
    }
}

impl ErrorCode for InstrumentError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_instrument",
            Self::DuplicateItem { .. } => "duplicate_item",
            Self::UnknownSubscale { .. } => "unknown_subscale",
            Self::UnknownItem { .. } => "unknown_item",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::Invalid { instrument, .. } => f.instrument(instrument.clone()),
            Self::DuplicateItem { instrument, item } | Self::UnknownItem { instrument, item } => {
                f.instrument(instrument.clone()).item(*item)
            }
            Self::UnknownSubscale {
                instrument,
                item,
                subscale,
            } => f
                .instrument(instrument.clone())
                .item(*item)
                .field(subscale.clone()),
        }
    }
}

impl ErrorCode for MonitorError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty { .. } => "empty",
            Self::NonFinite { .. } => "non_finite",
            Self::OutOfRange { .. } => "out_of_range",
            Self::DuplicateSession { .. } => "duplicate_session",
            Self::Unsorted { .. } => "unsorted",
            Self::TooFewSessions { .. } => "too_few_sessions",
            Self::ZeroVariance { .. } => "zero_variance",
            Self::InvalidParameter { .. } => "invalid_parameter",
            Self::NoMatchingReference { .. } => "no_matching_reference",
            Self::EmptyText { .. } => "empty_text",
            Self::Stats(e) => e.code(),
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::NonFinite { session, value } | Self::OutOfRange { session, value, .. } => {
                f.session(*session).value(*value)
            }
            Self::DuplicateSession { session } | Self::Unsorted { session, .. } => {
                f.session(*session)
            }
            Self::InvalidParameter { name, value, .. } => f.field(name.clone()).value(*value),
            Self::NoMatchingReference { intake, .. } => f.value(*intake),
            Self::Empty { what }
            | Self::TooFewSessions { what, .. }
            | Self::ZeroVariance { what }
            | Self::EmptyText { what } => f.field(what.clone()),
            Self::Stats(e) => e.fields(),
        }
    }
}

impl ErrorCode for StatsError {
    fn code(&self) -> &'static str {
        match self {
            Self::EmptyInput { .. } => "empty",
            Self::TooFewCases { .. } => "too_few_cases",
            Self::NonFinite { .. } => "non_finite",
            Self::ConstantInput { .. } => "zero_variance",
            Self::LengthMismatch { .. } => "length_mismatch",
            Self::InvalidParameter { .. } => "invalid_parameter",
            Self::InvalidProbability { .. } => "invalid_probability",
            Self::NotConverged { .. } => "not_converged",
            Self::UnknownName { .. } => "unknown_name",
            Self::Unsupported { .. } => "unsupported",
            Self::Singular { .. } => "singular",
            Self::TooLarge { .. } => "too_large",
            Self::Overflow { .. } => "overflow",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::NonFinite { what, row, value } => f
                .field(what.clone())
                .line((*row as u64).saturating_add(1))
                .value(*value),
            Self::InvalidParameter { name, value, .. } => f.field(name.clone()).value(*value),
            Self::InvalidProbability { value, .. } => f.value(*value),
            Self::UnknownName { name, .. } => f.field(name.clone()),
            Self::EmptyInput { what }
            | Self::TooFewCases { what, .. }
            | Self::ConstantInput { what }
            | Self::LengthMismatch { what, .. }
            | Self::NotConverged { what, .. }
            | Self::Unsupported { what }
            | Self::Singular { what }
            | Self::TooLarge { what, .. }
            | Self::Overflow { what } => f.field(what.clone()),
        }
    }
}

impl ErrorCode for IdError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty { .. } => "empty_id",
            Self::TooLong { .. } => "id_too_long",
            Self::InvalidCharacter { .. } => "invalid_id_character",
        }
    }

    fn fields(&self) -> ErrorFields {
        match self {
            Self::Empty { kind }
            | Self::TooLong { kind, .. }
            | Self::InvalidCharacter { kind, .. } => ErrorFields::new().field(*kind),
        }
    }
}

impl ErrorCode for ReadError {
    fn code(&self) -> &'static str {
        match self {
            Self::MissingColumn { .. } => "missing_column",
            Self::DuplicateColumn { .. } => "duplicate_column",
            Self::Csv { .. } => "csv",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::MissingColumn { instrument, item } => {
                f.instrument(instrument.clone()).item(*item)
            }
            Self::DuplicateColumn { item, second, .. } => f.item(*item).field(second.clone()),
            Self::Csv { .. } => f,
        }
    }
}

impl ErrorCode for CriticalRuleError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadId { .. } => "invalid_rule_id",
            Self::NonFiniteThreshold { .. } => "non_finite",
            Self::BadTarget { .. } => "invalid_target",
            Self::EmptySource { .. } => "empty_text",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::BadId { id } | Self::BadTarget { id, .. } | Self::EmptySource { id } => {
                f.field(id.clone())
            }
            Self::NonFiniteThreshold { id, value } => f.field(id.clone()).value(*value),
        }
    }
}

impl ErrorCode for crate::SessionError {
    fn code(&self) -> &'static str {
        match self {
            Self::Date(_) => "invalid_date",
            Self::NumberZero => "session_number_zero",
            Self::EmptyInstrument { .. } => "empty_instrument",
            Self::EmptyAdministration { .. } => "empty_administration",
            Self::ScoreMismatch { .. } | Self::InstrumentMismatch { .. } => "wrong_instrument",
            Self::NonFiniteScore { .. } => "non_finite",
            Self::FlagSessionMismatch { .. } => "flag_session_mismatch",
            Self::Score { source, .. } => source.code(),
            Self::StoredScore(e) => e.code(),
            Self::MissingId { .. } => "missing_id",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::EmptyInstrument { session } | Self::FlagSessionMismatch { session, .. } => {
                f.session(*session)
            }
            Self::EmptyAdministration {
                session,
                instrument,
            }
            | Self::ScoreMismatch {
                session,
                instrument,
                ..
            }
            | Self::InstrumentMismatch {
                session,
                instrument,
                ..
            } => f.session(*session).instrument(instrument.clone()),
            Self::NonFiniteScore {
                session,
                instrument,
                total,
            } => f
                .session(*session)
                .instrument(instrument.clone())
                .value(*total),
            Self::Score { instrument, source } => {
                let mut g = source.fields();
                g.instrument = Some(instrument.clone());
                g
            }
            Self::StoredScore(e) => e.fields(),
            Self::MissingId { session, field } => f.session(*session).field(*field),
            Self::Date(_) | Self::NumberZero => f,
        }
    }
}

impl ErrorCode for crate::CourseError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Rejected(r) => match r.as_slice() {
                [crate::SessionRejection::Invalid(e)] => e.code(),
                _ => "sessions_rejected",
            },
            Self::TerminationBeforeLastSession { .. } => "termination_before_last_session",
            Self::Barrier(_) => "invalid_barrier",
            Self::Version(e) => e.code(),
        }
    }

    fn fields(&self) -> ErrorFields {
        match self {
            Self::Rejected(r) => match r.as_slice() {
                [crate::SessionRejection::Invalid(e)] => e.fields(),
                _ => ErrorFields::new(),
            },
            Self::Version(e) => e.fields(),
            _ => ErrorFields::new(),
        }
    }
}

impl ErrorCode for crate::DateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_date",
            Self::Syntax { .. } => "date_syntax",
        }
    }

    fn fields(&self) -> ErrorFields {
        ErrorFields::new().field("date")
    }
}

impl ErrorCode for crate::BarrierError {
    fn code(&self) -> &'static str {
        match self {
            Self::SessionZero => "session_zero",
            Self::SexualCrossing { .. } => "sexual_crossing",
            Self::ZeroInterval { .. } => "zero_interval",
            Self::InvalidWeight { .. } => "invalid_weight",
            Self::NoSessions => "no_sessions",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::SexualCrossing { session } => f.session(*session),
            Self::InvalidWeight { name, value } => f.field(*name).value(*value),
            Self::SessionZero => f.session(0),
            _ => f,
        }
    }
}

impl ErrorCode for crate::ConditionsError {
    fn code(&self) -> &'static str {
        match self {
            Self::OutOfRange { .. } => "out_of_range",
            Self::MissingSubscale { .. } => "missing_subscale",
            Self::NotMeasured(_) => "not_measured",
            Self::NoThreshold { .. } => "no_threshold",
            Self::InvalidThreshold { .. } => "invalid_threshold",
        }
    }

    fn fields(&self) -> ErrorFields {
        let f = ErrorFields::new();
        match self {
            Self::OutOfRange { value, .. } | Self::InvalidThreshold { value, .. } => {
                f.value(*value)
            }
            Self::MissingSubscale {
                instrument,
                subscale,
            } => f.instrument(instrument.clone()).field(*subscale),
            _ => f,
        }
    }
}

impl ErrorCode for crate::stats::StateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Version { .. } => "unsupported_version",
            Self::Kind { .. } => "wrong_state_kind",
            Self::Dimension { .. } => "dimension_mismatch",
            Self::NotPositiveSemidefinite { .. } => "not_positive_semidefinite",
            Self::Format { .. } => "state_format",
            Self::Checksum { .. } => "checksum_mismatch",
            _ => "invalid_state",
        }
    }
}

#[cfg(feature = "csv")]
mod export_codes {
    use crate::document::{ErrorCode, ErrorFields};
    use crate::export::{CellError, CellProblem, CourseRecordError, ExportError, SpecError};

    impl ErrorCode for SpecError {
        fn code(&self) -> &'static str {
            match self {
                Self::Pattern { .. } => "invalid_pattern",
                Self::NoInstruments => "no_instruments",
                Self::EmptyColumn { .. } => "empty_column",
                Self::RepeatedColumn { .. } => "repeated_column",
                Self::RepeatedInstrument { .. } => "repeated_instrument",
                Self::UnknownInstrument { .. } => "unknown_instrument",
                Self::ColumnsOrItems { .. } => "columns_or_items",
                Self::SessionPattern { .. } => "invalid_session_pattern",
                Self::DateFormat { .. } => "invalid_date_format",
            }
        }

        fn fields(&self) -> ErrorFields {
            let f = ErrorFields::new();
            match self {
                Self::RepeatedInstrument { instrument }
                | Self::UnknownInstrument { instrument }
                | Self::ColumnsOrItems { instrument } => f.instrument(instrument.clone()),
                Self::RepeatedColumn { column, .. } => f.field(column.clone()),
                _ => f,
            }
        }
    }

    impl ErrorCode for ExportError {
        fn code(&self) -> &'static str {
            match self {
                Self::MissingColumn { .. } => "missing_column",
                Self::NoItemColumns { .. } => "no_item_columns",
                Self::DuplicateColumn { .. } => "duplicate_column",
                Self::Csv { .. } => "csv",
            }
        }

        fn fields(&self) -> ErrorFields {
            let f = ErrorFields::new();
            match self {
                Self::MissingColumn { column, .. } => f.line(1).field(column.clone()),
                Self::NoItemColumns { instrument, .. } => f.line(1).instrument(instrument.clone()),
                Self::DuplicateColumn {
                    instrument, item, ..
                } => f.line(1).instrument(instrument.clone()).item(*item),
                Self::Csv { line, .. } => f.line(*line),
            }
        }
    }

    impl ErrorCode for CellError {
        fn code(&self) -> &'static str {
            match self.problem {
                CellProblem::NotANumber => "not_a_number",
                CellProblem::OutOfScale { .. } => "out_of_range",
                CellProblem::NotAStep { .. } => "not_a_step",
                CellProblem::DoesNotApplyNotAllowed => "does_not_apply_not_allowed",
                CellProblem::InvalidId => "invalid_id",
                CellProblem::InvalidSession => "invalid_session",
                CellProblem::InvalidDate
                | CellProblem::LocalDate
                | CellProblem::NotInDateFormat { .. } => "invalid_date",
                CellProblem::InvalidRespondent => "invalid_respondent",
                CellProblem::UnknownItem => "unknown_item",
                CellProblem::UnknownInstrument => "unknown_instrument",
                CellProblem::RepeatedItem { .. } => "duplicate_item",
                CellProblem::NotConsecutive => "not_consecutive",
                CellProblem::FieldCount { .. } => "field_count",
            }
        }

        fn fields(&self) -> ErrorFields {
            ErrorFields::new()
                .line(self.line)
                .field(self.column.clone())
        }
    }

    impl ErrorCode for CourseRecordError {
        fn code(&self) -> &'static str {
            match self {
                Self::NoSessionOrDate { .. } => "no_session_or_date",
                Self::InvalidTherapist { .. } => "invalid_id",
                Self::DateConflict { .. } => "date_conflict",
                Self::Session { .. } => "invalid_session",
                Self::Course { source, .. } => source.code(),
            }
        }

        fn fields(&self) -> ErrorFields {
            let f = ErrorFields::new();
            match self {
                Self::NoSessionOrDate { line } | Self::Session { line, .. } => f.line(*line),
                Self::InvalidTherapist { line, .. } => f.line(*line).field("therapist"),
                Self::DateConflict {
                    line,
                    client,
                    session,
                    ..
                } => f.line(*line).client(client.clone()).session(*session),
                Self::Course { client, .. } => f.client(client.clone()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Answer, ErrorDocument, Instrument, Responses};

    #[test]
    fn a_score_error_serialises_with_code_item_and_value() {
        let wai = Instrument::builtin("wai-sr").unwrap();
        let r: Responses = (1..=12)
            .map(|i| (i, Answer::Value(if i == 3 { 9.0 } else { 3.0 })))
            .collect();
        let e = wai.score(&r).unwrap_err();
        let doc = ErrorDocument::from_error(&e);
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["code"], "out_of_range");
        assert_eq!(json["item"], 3);
        assert_eq!(json["value"], 9.0);
        assert_eq!(json["version"], 1);
        assert!(json["message"].as_str().unwrap().contains("item 3"));
        assert!(json.get("line").is_none());
    }
}
