//! Missing-value codes and the parsing of one cell, on bytes (no `String` per cell).

use serde::{Deserialize, Serialize};

/// What a cell's text means before it is checked against a scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    /// One of the missing-value codes.
    Missing,
    /// One of the "does not apply" codes.
    DoesNotApply,
    /// A number (not yet checked against any scale; may be NaN or infinite).
    Number(f64),
    /// Anything else.
    Text,
}

/// The codes that mean "no answer" in an export, and the codes that mean "does not apply".
///
/// Defaults (documented, [`MissingCodes::default`]): missing = the empty cell, `NA` and `.`
/// (R's, SPSS's and Stata's blanks); does not apply = `N/A` and `DNA` (used only on
/// instruments that offer such an answer, e.g. the CARE Measure; elsewhere they are rejected
/// cells). Sentinel numbers such as `-99` or `999` are opt-in ([`MissingCodes::with_missing`]),
/// because on some scales they could be real answers. Codes are compared after trimming
/// surrounding spaces, ASCII case-insensitively (`na` = `NA`).
///
/// Serialised as `{"missing": ["", "NA", "."], "does_not_apply": ["N/A", "DNA"]}`.
///
/// ```
/// use therapeutic_alliance::export::MissingCodes;
/// let codes = MissingCodes::default().with_missing("-99");
/// assert!(codes.is_missing(" na "));
/// assert!(codes.is_missing("-99"));
/// assert!(!codes.is_missing("0"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct MissingCodes {
    /// Codes for a missing answer.
    #[serde(default = "default_missing")]
    missing: Vec<String>,
    /// Codes for "does not apply".
    #[serde(default = "default_dna")]
    does_not_apply: Vec<String>,
}

fn default_missing() -> Vec<String> {
    vec![String::new(), "NA".to_owned(), ".".to_owned()]
}

fn default_dna() -> Vec<String> {
    vec!["N/A".to_owned(), "DNA".to_owned()]
}

impl Default for MissingCodes {
    fn default() -> Self {
        Self {
            missing: default_missing(),
            does_not_apply: default_dna(),
        }
    }
}

impl MissingCodes {
    /// No codes at all: every cell must be a number (an empty cell is then a rejected cell).
    #[must_use]
    pub fn none() -> Self {
        Self {
            missing: Vec::new(),
            does_not_apply: Vec::new(),
        }
    }

    /// These codes and a further missing-value code (trimmed).
    #[must_use]
    pub fn with_missing(mut self, code: impl AsRef<str>) -> Self {
        let code = code.as_ref().trim().to_owned();
        if !self.missing.contains(&code) {
            self.missing.push(code);
        }
        self
    }

    /// These codes and a further "does not apply" code (trimmed).
    #[must_use]
    pub fn with_does_not_apply(mut self, code: impl AsRef<str>) -> Self {
        let code = code.as_ref().trim().to_owned();
        if !self.does_not_apply.contains(&code) {
            self.does_not_apply.push(code);
        }
        self
    }

    /// The missing-value codes.
    #[must_use]
    pub fn missing(&self) -> &[String] {
        &self.missing
    }

    /// The "does not apply" codes.
    #[must_use]
    pub fn does_not_apply(&self) -> &[String] {
        &self.does_not_apply
    }

    /// Whether `cell` is a missing-value code.
    #[must_use]
    pub fn is_missing(&self, cell: &str) -> bool {
        matches!(self.classify(cell.as_bytes()), Cell::Missing)
    }

    /// Reads one cell: a code, a number, or other text.
    #[inline]
    pub(crate) fn classify(&self, raw: &[u8]) -> Cell {
        // Fast path: a single digit (most Likert answers).
        if let [d @ b'0'..=b'9'] = raw {
            return Cell::Number(f64::from(d - b'0'));
        }
        self.classify_slow(raw.trim_ascii())
    }

    fn classify_slow(&self, cell: &[u8]) -> Cell {
        if let [d @ b'0'..=b'9'] = cell {
            return Cell::Number(f64::from(d - b'0'));
        }
        let matches = |codes: &[String]| {
            codes
                .iter()
                .any(|c| c.as_bytes().eq_ignore_ascii_case(cell))
        };
        if matches(&self.missing) {
            return Cell::Missing;
        }
        if matches(&self.does_not_apply) {
            return Cell::DoesNotApply;
        }
        parse_number(cell).map_or(Cell::Text, Cell::Number)
    }
}

/// A decimal number in `cell` (already trimmed). Accepts what Rust's `f64` parser accepts
/// (Eisel–Lemire, correctly rounded) except the words `inf`, `infinity` and `nan`, which no
/// export writes for an answer; a decimal comma is not a number.
pub(crate) fn parse_number(cell: &[u8]) -> Option<f64> {
    let first = *cell.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if cell.iter().any(u8::is_ascii_alphabetic) && !cell.iter().any(|b| matches!(b, b'e' | b'E')) {
        return None;
    }
    std::str::from_utf8(cell)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_codes() {
        let c = MissingCodes::default();
        assert_eq!(c.classify(b""), Cell::Missing);
        assert_eq!(c.classify(b"  "), Cell::Missing);
        assert_eq!(c.classify(b"NA"), Cell::Missing);
        assert_eq!(c.classify(b"na"), Cell::Missing);
        assert_eq!(c.classify(b"."), Cell::Missing);
        assert_eq!(c.classify(b"dna"), Cell::DoesNotApply);
        assert_eq!(c.classify(b"N/A"), Cell::DoesNotApply);
        assert_eq!(c.classify(b"-99"), Cell::Number(-99.0));
        assert_eq!(c.classify(b"999"), Cell::Number(999.0));
        let c = c.with_missing(" -99 ").with_missing("999");
        assert_eq!(c.classify(b"-99"), Cell::Missing);
        assert_eq!(c.classify(b"999"), Cell::Missing);
        assert_eq!(c.missing().len(), 5);
        let none = MissingCodes::none();
        assert_eq!(none.classify(b""), Cell::Text);
    }

    #[test]
    fn numbers() {
        let c = MissingCodes::default();
        assert_eq!(c.classify(b" 4 "), Cell::Number(4.0));
        assert_eq!(c.classify(b"9.1"), Cell::Number(9.1));
        assert_eq!(c.classify(b"55"), Cell::Number(55.0));
        assert_eq!(c.classify(b"1e1"), Cell::Number(10.0));
        assert_eq!(c.classify(b"-0.5"), Cell::Number(-0.5));
        assert_eq!(c.classify(b"x"), Cell::Text);
        assert_eq!(c.classify(b"nan"), Cell::Text);
        assert_eq!(c.classify(b"inf"), Cell::Text);
        assert_eq!(c.classify(b"1e999"), Cell::Text);
        assert_eq!(c.classify(b"3,5"), Cell::Text);
        assert_eq!(c.classify(b"\xff"), Cell::Text);
    }

    #[test]
    fn serde_defaults() {
        let c: MissingCodes = serde_json::from_str(r#"{"missing": ["", "-99"]}"#).unwrap();
        assert_eq!(c.missing(), ["", "-99"]);
        assert_eq!(c.does_not_apply(), ["N/A", "DNA"]);
        let d: MissingCodes = serde_json::from_str("{}").unwrap();
        assert_eq!(d, MissingCodes::default());
        assert!(serde_json::from_str::<MissingCodes>(r#"{"blank": []}"#).is_err());
    }
}
