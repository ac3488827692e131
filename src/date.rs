//! Calendar dates of sessions: [`SessionDate`] (ISO 8601 `YYYY-MM-DD`, years 1–9999).
//!
//! The leaf of the domain's import graph: ids and dates → barrier → session → course → monitor.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a date was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// A date that does not exist or lies outside years 1–9999.
    #[error("invalid date {year:04}-{month:02}-{day:02}: not a calendar date in years 1-9999")]
    Invalid {
        /// Year given.
        year: i32,
        /// Month given.
        month: i32,
        /// Day given.
        day: i32,
    },
    /// Text that is not an ISO 8601 date `YYYY-MM-DD`.
    #[error("invalid date {text:?}: expected YYYY-MM-DD")]
    Syntax {
        /// The text (truncated to 32 characters).
        text: String,
    },
}

/// A calendar date, ISO 8601 in text and JSON (`"2025-03-14"`), years 1–9999.
///
/// # Dates
/// [`SessionDate`] is a calendar date (no time, no time zone) written in ISO 8601
/// (`"2025-03-14"`). It wraps [`jiff`](https://docs.rs/jiff)'s civil date, which is kept out of the
/// public API. jiff was chosen because it is well kept (BurntSushi; 1.x, so stable), its MSRV
/// (1.85) is below ours, and with `default-features = false, features = ["std", "serde"]` it adds
/// only two crates (`jiff`, `jiff-core`) to the dependency tree; `time` 0.3 is still 0.x.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct SessionDate(jiff::civil::Date);

impl SessionDate {
    /// The latest date, 9999-12-31.
    pub const MAX: SessionDate = SessionDate(jiff::civil::date(9999, 12, 31));

    /// A date from year, month (1–12) and day.
    ///
    /// # Errors
    /// [`DateError::Invalid`] when the date does not exist (e.g. 2025-02-29) or the
    /// year is outside 1–9999.
    ///
    /// # Examples
    /// ```
    /// use therapeutic_alliance::SessionDate;
    /// let d = SessionDate::new(2024, 2, 29)?;
    /// assert_eq!(d.to_string(), "2024-02-29");
    /// assert_eq!("2024-02-29".parse::<SessionDate>()?, d);
    /// assert!(SessionDate::new(2025, 2, 29).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(year: i32, month: i32, day: i32) -> Result<Self, DateError> {
        let err = DateError::Invalid { year, month, day };
        let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(year), i8::try_from(month), i8::try_from(day))
        else {
            return Err(err);
        };
        if y < 1 {
            return Err(err);
        }
        jiff::civil::Date::new(y, m, d).map(Self).map_err(|_| err)
    }

    /// The year (1–9999).
    #[must_use]
    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }
    /// The month (1–12).
    #[must_use]
    pub fn month(self) -> i32 {
        self.0.month().into()
    }
    /// The day of the month (1–31).
    #[must_use]
    pub fn day(self) -> i32 {
        self.0.day().into()
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    #[must_use]
    pub fn days_until(self, other: SessionDate) -> i64 {
        // Both dates lie in years 1-9999, so the span in days always exists.
        self.0
            .until(other.0)
            .map_or(0, |span| i64::from(span.get_days()))
    }

    /// The date `days` days later (earlier when negative); `None` outside years 1–9999.
    #[must_use]
    pub fn add_days(self, days: i32) -> Option<SessionDate> {
        self.0
            .checked_add(jiff::Span::new().try_days(days).ok()?)
            .ok()
            .filter(|d| d.year() >= 1)
            .map(Self)
    }

    /// The date `years` calendar years later, same month and day; a 29 February maps to
    /// 1 March in a non-leap year (see [`crate::PostTerminationRule`]). `None` past 9999.
    #[must_use]
    pub fn anniversary(self, years: u16) -> Option<SessionDate> {
        let y = i32::from(self.0.year()) + i32::from(years);
        let (m, d) = (self.month(), self.day());
        SessionDate::new(y, m, d)
            .or_else(|_| SessionDate::new(y, 3, 1))
            .ok()
    }
}

impl FromStr for SessionDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        let syntax = || DateError::Syntax {
            text: s.chars().take(32).collect(),
        };
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(syntax());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i32, DateError> {
            let part = s.get(r).ok_or_else(syntax)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(syntax());
            }
            part.parse().map_err(|_| syntax())
        };
        SessionDate::new(num(0..4)?, num(5..7)?, num(8..10)?)
    }
}

impl TryFrom<String> for SessionDate {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, DateError> {
        s.parse().map_err(crate::document::raised)
    }
}

impl TryFrom<&str> for SessionDate {
    type Error = DateError;
    fn try_from(s: &str) -> Result<Self, DateError> {
        s.parse()
    }
}

impl From<SessionDate> for String {
    fn from(d: SessionDate) -> String {
        d.to_string()
    }
}

impl fmt::Display for SessionDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_parsing_and_display() {
        let d: SessionDate = "2025-03-14".parse().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2025, 3, 14));
        assert_eq!(d.to_string(), "2025-03-14");
        for bad in [
            "2025-3-14",
            "2025/03/14",
            "+025-03-14",
            "0000-01-01",
            "2025-13-01",
            "",
            "２０２５-03-14",
        ] {
            assert!(bad.parse::<SessionDate>().is_err(), "{bad}");
        }
        assert!(SessionDate::new(10000, 1, 1).is_err());
        assert!(SessionDate::new(2025, 300, 1).is_err());
    }

    #[test]
    fn anniversaries() {
        let leap = SessionDate::new(2024, 2, 29).unwrap();
        assert_eq!(leap.anniversary(2), SessionDate::new(2026, 3, 1).ok());
        assert_eq!(leap.anniversary(4), SessionDate::new(2028, 2, 29).ok());
        assert_eq!(SessionDate::MAX.anniversary(1), None);
        let d = SessionDate::new(2020, 1, 1).unwrap();
        assert_eq!(d.days_until(SessionDate::new(2021, 1, 1).unwrap()), 366);
        assert_eq!(SessionDate::new(2021, 1, 1).unwrap().days_until(d), -366);
        assert_eq!(d.add_days(-1), SessionDate::new(2019, 12, 31).ok());
        assert_eq!(SessionDate::new(1, 1, 1).unwrap().add_days(-1), None);
        assert_eq!(SessionDate::MAX.add_days(1), None);
        assert_eq!(d.add_days(i32::MAX), None);
    }
}
