//! Opaque, validated identifiers for clients and counsellors.
//!
//! The crate never needs a person's name: an identifier is a pseudonymous code chosen by the
//! application (`"c-0042"`, `"T07"`). Validation keeps identifiers safe to print, store and use
//! as keys: 1 to [`MAX_ID_LEN`] characters, each an ASCII letter or digit or one of `-`, `_`,
//! `.`, `:`. Whitespace, control characters and anything that might carry free text (and so,
//! possibly, a name) are rejected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The longest identifier accepted, in characters.
pub const MAX_ID_LEN: usize = 64;

/// Why a client or counsellor identifier was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The identifier was empty.
    #[error("{kind} id is empty")]
    Empty {
        /// `"client"` or `"counsellor"`.
        kind: &'static str,
    },
    /// The identifier was longer than [`MAX_ID_LEN`] characters.
    #[error("{kind} id has {len} characters, more than the maximum of {max}")]
    TooLong {
        /// `"client"` or `"counsellor"`.
        kind: &'static str,
        /// Its length in characters.
        len: usize,
        /// [`MAX_ID_LEN`].
        max: usize,
    },
    /// The identifier held a character outside `A-Z a-z 0-9 - _ . :`.
    #[error(
        "{kind} id {id:?} has the character {ch:?} at position {position}; only ASCII letters, digits and - _ . : are allowed"
    )]
    InvalidCharacter {
        /// `"client"` or `"counsellor"`.
        kind: &'static str,
        /// The rejected identifier, truncated to [`MAX_ID_LEN`] characters.
        id: String,
        /// The first offending character.
        ch: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
}

fn validate(kind: &'static str, s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { kind });
    }
    let len = s.chars().count();
    if len > MAX_ID_LEN {
        return Err(IdError::TooLong {
            kind,
            len,
            max: MAX_ID_LEN,
        });
    }
    if let Some((position, ch)) = s
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
    {
        return Err(IdError::InvalidCharacter {
            kind,
            id: s.chars().take(MAX_ID_LEN).collect(),
            ch,
            position,
        });
    }
    Ok(())
}

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Validates and wraps a ", $kind, " identifier.")]
            ///
            /// # Errors
            /// [`IdError`] when the identifier is empty, longer than [`MAX_ID_LEN`] characters, or
            /// holds a character other than an ASCII letter, digit, `-`, `_`, `.` or `:`.
            ///
            /// # Examples
            /// ```
            #[doc = concat!("use therapeutic_alliance::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert!(", stringify!($name), "::new(\"Jane Doe\").is_err());")]
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
                let id = id.into();
                validate($kind, &id)?;
                Ok(Self(id))
            }

            /// The identifier as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(id: String) -> Result<Self, IdError> {
                Self::new(id).map_err(crate::document::raised)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(id: &str) -> Result<Self, IdError> {
                Self::new(id)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

define_id!(
    /// A pseudonymous client identifier: 1 to [`MAX_ID_LEN`] characters, each an ASCII letter or
    /// digit or one of `-`, `_`, `.`, `:` (no whitespace or free text that could carry a name).
    /// In JSON, a string; deserialisation validates.
    ClientId,
    "client",
    "c-0042"
);

define_id!(
    /// A pseudonymous counsellor identifier: 1 to [`MAX_ID_LEN`] characters, each an ASCII letter or
    /// digit or one of `-`, `_`, `.`, `:` (no whitespace or free text that could carry a name).
    /// In JSON, a string; deserialisation validates.
    CounsellorId,
    "counsellor",
    "t-07"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_codes_and_rejects_free_text() {
        assert!(ClientId::new("c-001").is_ok());
        assert!(ClientId::new("A.b_c:9").is_ok());
        assert_eq!(ClientId::new(""), Err(IdError::Empty { kind: "client" }));
        let e = CounsellorId::new("Dr Who").unwrap_err();
        assert!(matches!(
            e,
            IdError::InvalidCharacter {
                ch: ' ',
                position: 2,
                ..
            }
        ));
        assert!(e.to_string().starts_with("counsellor id \"Dr Who\""));
        assert!(ClientId::new("é").is_err());
        assert!(ClientId::new("x".repeat(MAX_ID_LEN)).is_ok());
        assert!(matches!(
            ClientId::new("x".repeat(MAX_ID_LEN + 1)),
            Err(IdError::TooLong { len: 65, .. })
        ));
    }

    #[test]
    fn serde_validates() {
        let id: ClientId = serde_json::from_str("\"c-1\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"c-1\"");
        assert!(serde_json::from_str::<ClientId>("\"c 1\"").is_err());
    }
}
