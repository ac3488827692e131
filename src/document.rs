//! Documents that cross a process boundary: the format version, the forward-compatibility
//! rule, and the serialisable error document.
//!
//! # Format version and forward compatibility
//!
//! Every top-level document the crate writes (a score, a session, a course, a monitoring
//! result or report, an error) carries `"version": 1` ([`FORMAT_VERSION`]); a session inside
//! a course is written without one (it is the course's). One rule applies to all of them:
//!
//! - **Unknown fields of data documents are ignored**, at every level (responses, scores,
//!   sessions, courses, monitoring results, alerts, traffic lights, targets, errors). A newer
//!   release may add optional fields without changing the version, and an older reader still
//!   reads the document (it drops what it does not know). A field the crate needs is never
//!   optional, so a typo in one is still an error.
//! - **Definition documents refuse unknown fields** (`unknown_field`): an instrument
//!   definition and its parts, and an export mapping. These are written by people, and a
//!   misspelt optional field (`"reverse_item"`) dropped in silence would change every score
//!   computed with the definition.
//! - **The version changes only when a reader would misread a document**: a field removed,
//!   renamed or given another meaning. A reader refuses a document whose version is higher
//!   than the one it knows ([`VersionError`], code `unsupported_version`); a missing version
//!   is read as version 1.
//!
//! This is the rule the README's semver policy states: a new optional field is a minor
//! release; a new format version is a major release of the crate.
//!
//! # Errors as JSON
//!
//! Every error type of the crate implements [`ErrorCode`]: a stable machine code in
//! snake_case (`out_of_range`, `too_many_missing`, …) that never changes within a format
//! version, and the fields that locate the problem. [`ErrorDocument::from_error`] turns any of
//! them into the document apps send back:
//!
//! ```json
//! {"version": 1, "code": "out_of_range", "message": "item 3: value 9 is outside 1..=5",
//!  "item": 3, "value": 9.0}
//! ```
//!
//! The message is for people and may be reworded in any release; match on `code`.
//!
//! # Reading a document
//!
//! [`from_json`] is the one entry point for an app reading a document it was sent. Whatever
//! goes wrong comes back as an [`ErrorDocument`] with the JSON `line` and `column`:
//!
//! - a validation error of the crate raised while reading (an id with a space, a session
//!   dated before the one it follows, a newer `version`) keeps its own code
//!   (`invalid_id_character`, `sessions_rejected`, `unsupported_version`, …) and fields;
//! - anything else is classified by what serde reported: `json_syntax`, `unexpected_end`,
//!   `missing_field`, `unknown_field`, `unknown_variant`, `invalid_type`, `invalid_value`,
//!   `invalid_length`, `duplicate_field`, or `invalid_document` for the rest (such as a
//!   responses body of no accepted shape). `field` names the field when serde did.
//!
//! ```
//! use therapeutic_alliance::{Course, document};
//! let json = r#"[{"client": "c 1", "counsellor": "t-1", "sessions": []}]"#;
//! let error = document::from_json::<Vec<Course>>(json).unwrap_err();
//! assert_eq!(error.code, "invalid_id_character");
//! assert_eq!((error.line, error.column), (Some(1), Some(17)));
//! let error = document::from_json::<Vec<Course>>(r#"[{"client": "c-1"}]"#).unwrap_err();
//! assert_eq!((error.code.as_str(), error.field.as_deref()), ("missing_field", Some("counsellor")));
//! ```

use std::cell::RefCell;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The format version of every document this release writes (see the [module docs](self)).
pub const FORMAT_VERSION: u32 = 1;

/// A document's version is newer than this release understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error(
    "document version {found} is newer than version {supported}, the newest this release reads"
)]
#[non_exhaustive]
pub struct VersionError {
    /// The version found in the document.
    pub found: u32,
    /// The newest version this release reads ([`FORMAT_VERSION`]).
    pub supported: u32,
}

/// Checks a document's `version` field (`None`: absent, read as 1) under the
/// forward-compatibility rule.
///
/// # Errors
/// [`VersionError`] when the version is newer than [`FORMAT_VERSION`], or 0.
pub fn check_version(version: Option<u32>) -> Result<u32, VersionError> {
    let v = version.unwrap_or(1);
    if v == 0 || v > FORMAT_VERSION {
        return Err(VersionError {
            found: v,
            supported: FORMAT_VERSION,
        });
    }
    Ok(v)
}

/// The serde default of a document's `version` field.
pub(crate) const fn format_version() -> u32 {
    FORMAT_VERSION
}

/// As [`deserialize_version`], for a document that is written without a version when it is
/// nested (a session inside a course).
pub(crate) fn deserialize_optional_version<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<u32>, D::Error> {
    deserialize_version(d).map(Some)
}

/// Reads a document's `version` field under the forward-compatibility rule (serde
/// `deserialize_with`; pair it with `default = "format_version"` for an absent field).
pub(crate) fn deserialize_version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    check_version(Some(v)).map_err(|e| serde::de::Error::custom(raised(e)))
}

/// The serialised form of any error of the crate. Build it with [`ErrorDocument::from_error`].
///
/// Fields other than `version`, `code` and `message` are present only when they apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ErrorDocument {
    /// The format version ([`FORMAT_VERSION`]).
    #[serde(default = "format_version", deserialize_with = "deserialize_version")]
    pub version: u32,
    /// The stable machine code, e.g. `"out_of_range"`.
    pub code: String,
    /// The human-readable message (the error's `Display`).
    pub message: String,
    /// The 1-based line or record of the input, when the error came from a batch or a file
    /// (for a JSON document read by [`from_json`], the line of the JSON text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The 1-based column of the JSON text where reading stopped ([`from_json`] only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The item number concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<u16>,
    /// The offending value (omitted when it is not a finite number; the message still shows it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The session number concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<u32>,
    /// The client id concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The instrument id concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The field or parameter concerned (e.g. a FHIR `linkId` or an option name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Where an error is located: the optional fields of an [`ErrorDocument`].
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ErrorFields {
    /// See [`ErrorDocument::line`].
    pub line: Option<u64>,
    /// See [`ErrorDocument::item`].
    pub item: Option<u16>,
    /// See [`ErrorDocument::value`].
    pub value: Option<f64>,
    /// See [`ErrorDocument::session`].
    pub session: Option<u32>,
    /// See [`ErrorDocument::client`].
    pub client: Option<String>,
    /// See [`ErrorDocument::instrument`].
    pub instrument: Option<String>,
    /// See [`ErrorDocument::field`].
    pub field: Option<String>,
}

impl ErrorFields {
    /// No fields.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// With an item.
    #[must_use]
    pub fn item(mut self, item: u16) -> Self {
        self.item = Some(item);
        self
    }

    /// With a value (dropped when not finite).
    #[must_use]
    pub fn value(mut self, value: f64) -> Self {
        self.value = value.is_finite().then_some(value);
        self
    }

    /// With a session.
    #[must_use]
    pub fn session(mut self, session: u32) -> Self {
        self.session = Some(session);
        self
    }

    /// With a client id.
    #[must_use]
    pub fn client(mut self, client: impl Into<String>) -> Self {
        self.client = Some(client.into());
        self
    }

    /// With an instrument id.
    #[must_use]
    pub fn instrument(mut self, instrument: impl Into<String>) -> Self {
        self.instrument = Some(instrument.into());
        self
    }

    /// With a field name.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// With a 1-based line.
    #[must_use]
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

/// An error with a stable machine code and locating fields.
pub trait ErrorCode: fmt::Display {
    /// The stable snake_case code, e.g. `"out_of_range"`.
    fn code(&self) -> &'static str;

    /// The fields that locate the problem (none by default).
    fn fields(&self) -> ErrorFields {
        ErrorFields::new()
    }
}

impl ErrorDocument {
    /// The document of `error`.
    #[must_use]
    pub fn from_error<E: ErrorCode + ?Sized>(error: &E) -> Self {
        let f = error.fields();
        Self {
            version: FORMAT_VERSION,
            code: error.code().to_owned(),
            message: error.to_string(),
            line: f.line,
            column: None,
            item: f.item,
            value: f.value.filter(|v| v.is_finite()),
            session: f.session,
            client: f.client,
            instrument: f.instrument,
            field: f.field,
        }
    }

    /// The same document located at 1-based input line `line` (for batches and files).
    #[must_use]
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

/// Reads a document of type `T` from JSON text, for apps: every failure is an
/// [`ErrorDocument`] with its code, line and column (see the [module docs](self#reading-a-document)).
///
/// # Errors
/// The [`ErrorDocument`] of the first problem found.
#[allow(clippy::result_large_err)] // the document is the app's reply, built once per request
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, ErrorDocument> {
    RAISED.with(|r| r.borrow_mut().take());
    let read = serde_json::from_str(json);
    let raised = RAISED.with(|r| r.borrow_mut().take());
    read.map_err(|e| json_error(&e, raised))
}

thread_local! {
    /// The last validation error raised inside a `Deserialize` impl of this thread (through
    /// [`raised`]), so that [`from_json`] can give its code rather than serde's text.
    static RAISED: RefCell<Option<ErrorDocument>> = const { RefCell::new(None) };
}

/// Records `error` as the validation error a deserialiser is about to return (see
/// [`from_json`]), and returns it unchanged. Every `TryFrom` behind a `#[serde(try_from)]`
/// passes its error through here.
pub(crate) fn raised<E: ErrorCode>(error: E) -> E {
    let doc = ErrorDocument::from_error(&error);
    RAISED.with(|r| *r.borrow_mut() = Some(doc));
    error
}

fn json_error(e: &serde_json::Error, raised: Option<ErrorDocument>) -> ErrorDocument {
    let (line, column) = (e.line(), e.column());
    let text = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    let mut doc = match raised {
        // The validation error is the one serde reports only if its message is serde's.
        Some(doc) if e.is_data() && message.starts_with(&doc.message) => doc,
        _ => ErrorDocument::from_error(&JsonError::classify(e, message)),
    };
    if line > 0 {
        doc.line = Some(line as u64);
        doc.column = Some(column as u64);
    }
    doc
}

/// A JSON input error no validation of the crate names: serde's own report, classified.
#[derive(Debug)]
struct JsonError {
    kind: JsonErrorKind,
    message: String,
    field: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonErrorKind {
    Syntax,
    Eof,
    MissingField,
    UnknownField,
    UnknownVariant,
    InvalidType,
    InvalidValue,
    InvalidLength,
    DuplicateField,
    Other,
}

impl JsonError {
    fn classify(e: &serde_json::Error, message: &str) -> Self {
        use JsonErrorKind as K;
        let kind = if e.is_eof() {
            K::Eof
        } else if e.is_syntax() || e.is_io() {
            K::Syntax
        } else {
            [
                ("missing field `", K::MissingField),
                ("unknown field `", K::UnknownField),
                ("unknown variant `", K::UnknownVariant),
                ("invalid type:", K::InvalidType),
                ("invalid value:", K::InvalidValue),
                ("invalid length", K::InvalidLength),
                ("duplicate field `", K::DuplicateField),
            ]
            .into_iter()
            .find(|(prefix, _)| message.starts_with(prefix))
            .map_or(K::Other, |(_, k)| k)
        };
        let field = match kind {
            K::MissingField | K::UnknownField | K::DuplicateField => {
                message.split('`').nth(1).map(str::to_owned)
            }
            _ => None,
        };
        Self {
            kind,
            message: message.to_owned(),
            field,
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ErrorCode for JsonError {
    fn code(&self) -> &'static str {
        match self.kind {
            JsonErrorKind::Syntax => "json_syntax",
            JsonErrorKind::Eof => "unexpected_end",
            JsonErrorKind::MissingField => "missing_field",
            JsonErrorKind::UnknownField => "unknown_field",
            JsonErrorKind::UnknownVariant => "unknown_variant",
            JsonErrorKind::InvalidType => "invalid_type",
            JsonErrorKind::InvalidValue => "invalid_value",
            JsonErrorKind::InvalidLength => "invalid_length",
            JsonErrorKind::DuplicateField => "duplicate_field",
            JsonErrorKind::Other => "invalid_document",
        }
    }
    fn fields(&self) -> ErrorFields {
        match &self.field {
            Some(f) => ErrorFields::new().field(f.clone()),
            None => ErrorFields::new(),
        }
    }
}

impl<E: ErrorCode> From<&E> for ErrorDocument {
    fn from(e: &E) -> Self {
        Self::from_error(e)
    }
}

impl ErrorCode for VersionError {
    fn code(&self) -> &'static str {
        "unsupported_version"
    }
    fn fields(&self) -> ErrorFields {
        ErrorFields::new().field("version")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_rule() {
        assert_eq!(check_version(None), Ok(1));
        assert_eq!(check_version(Some(1)), Ok(1));
        let e = check_version(Some(2)).unwrap_err();
        assert_eq!(e.found, 2);
        assert!(check_version(Some(0)).is_err());
        let doc = ErrorDocument::from_error(&e);
        assert_eq!(doc.code, "unsupported_version");
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            json,
            r#"{"version":1,"code":"unsupported_version","message":"document version 2 is newer than version 1, the newest this release reads","field":"version"}"#
        );
        let back: ErrorDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn non_finite_values_are_left_out() {
        let f = ErrorFields::new().value(f64::NAN).item(2).line(7);
        assert_eq!(f.value, None);
        assert_eq!(f.item, Some(2));
        assert_eq!(f.line, Some(7));
    }
}
