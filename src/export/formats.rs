//! How exports write what the library needs as numbers and dates: session numbers inside text
//! (REDCap's `redcap_event_name` = `session_3_arm_1`) and dates in a local order
//! (`26-01-2025`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::SpecError;
use crate::date::SessionDate;

/// The `{n}` placeholder of a [`SessionPattern`].
pub const NUMBER_PLACEHOLDER: &str = "{n}";

/// A text pattern with one `{n}` placeholder standing for the session number, e.g.
/// `session_{n}_arm_1` for REDCap event names (matches `session_3_arm_1` as session 3).
/// Matching ignores ASCII case and surrounding spaces; the number is a whole number ≥ 1
/// without a sign. Text that does not match (`baseline_arm_1`) is an invalid session cell.
///
/// ```
/// use therapeutic_alliance::export::SessionPattern;
/// let p = SessionPattern::new("session_{n}_arm_1")?;
/// assert_eq!(p.session("session_12_arm_1"), Some(12));
/// assert_eq!(p.session("SESSION_3_ARM_1"), Some(3));
/// assert_eq!(p.session("baseline_arm_1"), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct SessionPattern {
    prefix: String,
    suffix: String,
}

impl SessionPattern {
    /// Parses a pattern.
    ///
    /// # Errors
    /// [`SpecError::SessionPattern`] unless the pattern holds `{n}` exactly once.
    pub fn new(pattern: &str) -> Result<Self, SpecError> {
        let bad = || SpecError::SessionPattern {
            pattern: pattern.to_owned(),
        };
        let (prefix, suffix) = pattern
            .trim()
            .split_once(NUMBER_PLACEHOLDER)
            .ok_or_else(bad)?;
        if suffix.contains(NUMBER_PLACEHOLDER) {
            return Err(bad());
        }
        Ok(Self {
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
        })
    }

    /// The session number `text` holds, if it matches.
    #[must_use]
    pub fn session(&self, text: &str) -> Option<u32> {
        std::str::from_utf8(digits_between(text, &self.prefix, &self.suffix)?)
            .ok()?
            .parse()
            .ok()
            .filter(|&n| n >= 1)
    }
}

impl TryFrom<String> for SessionPattern {
    type Error = SpecError;
    fn try_from(s: String) -> Result<Self, SpecError> {
        Self::new(&s).map_err(crate::document::raised)
    }
}

impl From<SessionPattern> for String {
    fn from(p: SessionPattern) -> String {
        format!("{}{NUMBER_PLACEHOLDER}{}", p.prefix, p.suffix)
    }
}

/// The digits between `prefix` and `suffix` in `text` (ASCII case ignored, `text` trimmed),
/// if `text` is exactly prefix, one or more digits, suffix: the matcher of every numbered
/// pattern (column patterns `WAI_{item}`, session patterns `session_{n}_arm_1`).
pub(crate) fn digits_between<'a>(text: &'a str, prefix: &str, suffix: &str) -> Option<&'a [u8]> {
    let t = text.trim().as_bytes();
    let (p, s) = (prefix.as_bytes(), suffix.as_bytes());
    if t.len() <= p.len() + s.len()
        || !t[..p.len()].eq_ignore_ascii_case(p)
        || !t[t.len() - s.len()..].eq_ignore_ascii_case(s)
    {
        return None;
    }
    let digits = &t[p.len()..t.len() - s.len()];
    digits.iter().all(u8::is_ascii_digit).then_some(digits)
}

/// One piece of a [`DateFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Year,
    Month,
    Day,
    Literal(char),
}

/// The order in which an export writes its dates: `%Y` (four-digit year), `%m` (month,
/// 1 or 2 digits), `%d` (day, 1 or 2 digits), `%%` (a percent sign) and literal characters;
/// each of `%Y`, `%m` and `%d` exactly once. E.g. `%d-%m-%Y` (26-01-2025), `%m/%d/%Y`,
/// `%d.%m.%Y`, `%Y%m%d` (without separators, month and day take 2 digits each).
///
/// Two-digit years are not accepted: their century is a guess.
///
/// ```
/// use therapeutic_alliance::export::DateFormat;
/// let f = DateFormat::new("%d-%m-%Y")?;
/// assert_eq!(f.parse("26-01-2025").map(|d| d.to_string()).as_deref(), Some("2025-01-26"));
/// assert_eq!(f.parse("2025-01-26"), None);
/// assert_eq!(f.parse("31-02-2025"), None); // not a calendar date
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DateFormat {
    text: String,
    pieces: Vec<Piece>,
}

impl DateFormat {
    /// Parses a format.
    ///
    /// # Errors
    /// [`SpecError::DateFormat`] for a directive other than `%Y %m %d %%`, or when one of
    /// `%Y`, `%m`, `%d` is missing or repeated.
    pub fn new(format: &str) -> Result<Self, SpecError> {
        let bad = |why: &str| SpecError::DateFormat {
            format: format.to_owned(),
            reason: why.to_owned(),
        };
        let mut pieces = Vec::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                pieces.push(Piece::Literal(c));
                continue;
            }
            pieces.push(match chars.next() {
                Some('Y') => Piece::Year,
                Some('m') => Piece::Month,
                Some('d') => Piece::Day,
                Some('%') => Piece::Literal('%'),
                Some(other) => return Err(bad(&format!("%{other} is not one of %Y %m %d %%"))),
                None => return Err(bad("ends with a lone %")),
            });
        }
        for (p, name) in [
            (Piece::Year, "%Y"),
            (Piece::Month, "%m"),
            (Piece::Day, "%d"),
        ] {
            match pieces.iter().filter(|&&q| q == p).count() {
                1 => {}
                0 => return Err(bad(&format!("has no {name}"))),
                _ => return Err(bad(&format!("has {name} more than once"))),
            }
        }
        Ok(Self {
            text: format.to_owned(),
            pieces,
        })
    }

    /// The date `text` holds in this format, if it does (and is a calendar date).
    #[must_use]
    pub fn parse(&self, text: &str) -> Option<SessionDate> {
        let mut rest = text.trim().as_bytes();
        let (mut y, mut m, mut d) = (None, None, None);
        for (k, piece) in self.pieces.iter().enumerate() {
            // a field next to another field (no separator between) takes its fixed width
            let field =
                |p: Option<&Piece>| matches!(p, Some(Piece::Year | Piece::Month | Piece::Day));
            let packed = field(self.pieces.get(k + 1))
                || k.checked_sub(1).is_some_and(|j| field(self.pieces.get(j)));
            let (min, max) = match piece {
                Piece::Year => (4, 4),
                Piece::Month | Piece::Day if packed => (2, 2),
                Piece::Month | Piece::Day => (1, 2),
                Piece::Literal(c) => {
                    let mut buf = [0u8; 4];
                    let lit = c.encode_utf8(&mut buf).as_bytes();
                    rest = rest.strip_prefix(lit)?;
                    continue;
                }
            };
            let n = rest
                .iter()
                .take(max)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if n < min {
                return None;
            }
            let value: i32 = std::str::from_utf8(&rest[..n]).ok()?.parse().ok()?;
            rest = &rest[n..];
            match piece {
                Piece::Year => y = Some(value),
                Piece::Month => m = Some(value),
                _ => d = Some(value),
            }
        }
        if !rest.is_empty() {
            return None;
        }
        SessionDate::new(y?, m?, d?).ok()
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<String> for DateFormat {
    type Error = SpecError;
    fn try_from(s: String) -> Result<Self, SpecError> {
        Self::new(&s).map_err(crate::document::raised)
    }
}

impl From<DateFormat> for String {
    fn from(f: DateFormat) -> String {
        f.text
    }
}

/// Whether `text` looks like a date written day and month first or month and day first
/// (`26-01-2025`, `01/26/2025`): without a [`DateFormat`] its order cannot be known.
pub(crate) fn looks_like_local_date(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && parts[2].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_patterns() {
        let p = SessionPattern::new("session_{n}_arm_1").unwrap();
        assert_eq!(p.session(" session_3_arm_1 "), Some(3));
        assert_eq!(p.session("session_0_arm_1"), None);
        assert_eq!(p.session("session_x_arm_1"), None);
        assert_eq!(p.session("session__arm_1"), None);
        assert_eq!(p.session("session_99999999999_arm_1"), None);
        assert_eq!(
            SessionPattern::new("visit{n}").unwrap().session("Visit7"),
            Some(7)
        );
        assert!(SessionPattern::new("no placeholder").is_err());
        assert!(SessionPattern::new("{n}{n}").is_err());
        assert_eq!(
            String::from(SessionPattern::new("s{n}").unwrap()),
            "s{n}".to_owned()
        );
    }

    #[test]
    fn date_formats() {
        let d = |f: &str, t: &str| DateFormat::new(f).unwrap().parse(t).map(|d| d.to_string());
        assert_eq!(d("%d-%m-%Y", "26-01-2025").as_deref(), Some("2025-01-26"));
        assert_eq!(d("%d-%m-%Y", "6-1-2025").as_deref(), Some("2025-01-06"));
        assert_eq!(d("%m/%d/%Y", "01/26/2025").as_deref(), Some("2025-01-26"));
        assert_eq!(d("%m/%d/%Y", "26/01/2025"), None);
        assert_eq!(d("%d.%m.%Y", "26.01.2025").as_deref(), Some("2025-01-26"));
        assert_eq!(d("%Y%m%d", "20250126").as_deref(), Some("2025-01-26"));
        assert_eq!(d("%Y%m%d", "2025126"), None);
        assert_eq!(d("%Y-%m-%d", "2025-01-26x"), None);
        assert_eq!(d("%d-%m-%Y", "29-02-2023"), None);
        assert_eq!(
            d("%d %m %Y %%", "1 2 2025 %").as_deref(),
            Some("2025-02-01")
        );
        for bad in ["%d-%m", "%d-%m-%Y-%Y", "%d-%m-%y", "%Y-%m-%d%"] {
            assert!(DateFormat::new(bad).is_err(), "{bad}");
        }
        assert!(looks_like_local_date("26-01-2025"));
        assert!(looks_like_local_date("1/2/2025"));
        assert!(!looks_like_local_date("2025-01-26"));
        assert!(!looks_like_local_date("soon"));
    }
}
