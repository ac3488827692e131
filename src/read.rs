//! Turning tabular response data (a header row and one record per administration) into
//! [`Responses`]. The library does no file I/O: the caller passes header and record cells, or
//! (with the `csv` feature) any [`std::io::Read`].
//!
//! Column conventions: an optional `id` column; item columns named by item number (`1`, `2`,
//! …), `item1`, `item2`, … or `q1`, `q2`, … (case-insensitive); other columns are ignored. An
//! empty cell, `NA` or `NaN` is a missing answer — or, on an instrument that has a "does not
//! apply" answer (the CARE Measure), "does not apply", as are `N/A` and `DNA` there.

use thiserror::Error;

use crate::instrument::Instrument;
use crate::score::{Answer, Responses, ScoreError};

/// Why a table of responses cannot be used at all (a single bad cell only rejects its record).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// An item of the instrument has no column.
    #[error("no column for item {item} of {instrument} (name it {item}, item{item} or q{item})")]
    MissingColumn {
        /// The instrument's id.
        instrument: String,
        /// The item without a column.
        item: u16,
    },
    /// Two columns name the same item.
    #[error("columns {first:?} and {second:?} both name item {item}")]
    DuplicateColumn {
        /// The item.
        item: u16,
        /// The first column's header.
        first: String,
        /// The second column's header.
        second: String,
    },
    /// The CSV itself could not be parsed (with the `csv` feature).
    #[error("csv: {message}")]
    Csv {
        /// What the CSV parser reported.
        message: String,
    },
}

/// The item number a header names (`7`, `item7`, `Q7`), if any.
#[must_use]
pub fn item_number(header: &str) -> Option<u16> {
    let h = header.trim();
    let lower = h.to_ascii_lowercase();
    let digits = lower
        .strip_prefix("item")
        .or_else(|| lower.strip_prefix('q'))
        .unwrap_or(&lower);
    let digits = digits.strip_prefix('_').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Parses one cell as an answer to `item`.
///
/// # Errors
/// [`ScoreError::NotANumber`] when the cell is neither empty/`NA` nor a number,
/// [`ScoreError::NonFinite`] for `inf`/`infinity` or a number beyond `f64` (`1e400`).
pub fn parse_answer(cell: &str, item: u16, does_not_apply: bool) -> Result<Answer, ScoreError> {
    let c = cell.trim();
    let blank = c.is_empty() || c.eq_ignore_ascii_case("na") || c.eq_ignore_ascii_case("nan");
    if does_not_apply && (blank || c.eq_ignore_ascii_case("n/a") || c.eq_ignore_ascii_case("dna")) {
        return Ok(Answer::DoesNotApply);
    }
    if blank {
        return Ok(Answer::Missing);
    }
    match c.parse::<f64>() {
        // "inf", "infinity" and numbers beyond f64 ("1e400") parse to ±∞: not an answer
        Ok(v) if !v.is_finite() => Err(ScoreError::NonFinite { item, value: v }),
        Ok(v) => Ok(Answer::Value(v)),
        Err(_) => Err(ScoreError::NotANumber {
            item,
            text: c.to_owned(),
        }),
    }
}

/// Which columns of a table hold the id and each item of an instrument.
///
/// ```
/// use therapeutic_alliance::{Instrument, ResponseColumns};
/// let srs = Instrument::builtin("srs").ok_or("no such instrument")?;
/// let cols = ResponseColumns::new(&["id", "q1", "q2", "q3", "q4", "note"], &srs)?;
/// let row = ["c1", "9.1", "9", "9", "8.9", "fine"];
/// let s = srs.score(&cols.responses(&row)?)?;
/// assert_eq!(cols.id(&row), Some("c1"));
/// assert_eq!(s.cutoff_met, Some(false)); // 36.0 is not below 36
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseColumns {
    id: Option<usize>,
    items: Vec<(usize, u16)>,
    does_not_apply: bool,
}

impl ResponseColumns {
    /// Maps header names to the instrument's items.
    ///
    /// # Errors
    /// [`ReadError::MissingColumn`] when an item has no column, [`ReadError::DuplicateColumn`]
    /// when two columns name the same item.
    pub fn new<S: AsRef<str>>(headers: &[S], instrument: &Instrument) -> Result<Self, ReadError> {
        let id = headers
            .iter()
            .position(|h| h.as_ref().trim().eq_ignore_ascii_case("id"));
        let mut items: Vec<(usize, u16)> = Vec::with_capacity(instrument.item_count());
        for (col, h) in headers.iter().enumerate() {
            let Some(item) = item_number(h.as_ref()) else {
                continue;
            };
            if instrument.item_position(item).is_none() {
                continue;
            }
            if let Some(&(c, _)) = items.iter().find(|&&(_, i)| i == item) {
                return Err(ReadError::DuplicateColumn {
                    item,
                    first: headers[c].as_ref().to_owned(),
                    second: h.as_ref().to_owned(),
                });
            }
            items.push((col, item));
        }
        if let Some(item) = instrument
            .item_numbers()
            .find(|n| !items.iter().any(|&(_, i)| i == *n))
        {
            return Err(ReadError::MissingColumn {
                instrument: instrument.id().to_owned(),
                item,
            });
        }
        Ok(Self {
            id,
            items,
            does_not_apply: instrument.has_does_not_apply(),
        })
    }

    /// Index of the `id` column, if there is one.
    #[must_use]
    pub fn id_column(&self) -> Option<usize> {
        self.id
    }

    /// `(column index, item number)` pairs.
    #[must_use]
    pub fn item_columns(&self) -> &[(usize, u16)] {
        &self.items
    }

    /// The record's id cell, if there is an id column.
    #[must_use]
    pub fn id<'a, S: AsRef<str>>(&self, record: &'a [S]) -> Option<&'a str> {
        self.id
            .and_then(|c| record.get(c))
            .map(|s| s.as_ref().trim())
    }

    /// Fills `out` (cleared first, so it can be reused) with the record's answers.
    ///
    /// # Errors
    /// [`ScoreError::NotANumber`] for a cell that is neither blank/`NA` nor a number.
    pub fn fill<S: AsRef<str>>(&self, record: &[S], out: &mut Responses) -> Result<(), ScoreError> {
        out.clear();
        for &(col, item) in &self.items {
            let cell = record.get(col).map_or("", AsRef::as_ref);
            out.insert(item, parse_answer(cell, item, self.does_not_apply)?)?;
        }
        Ok(())
    }

    /// The record's answers.
    ///
    /// # Errors
    /// As [`ResponseColumns::fill`].
    pub fn responses<S: AsRef<str>>(&self, record: &[S]) -> Result<Responses, ScoreError> {
        let mut r = Responses::with_capacity(self.items.len());
        self.fill(record, &mut r)?;
        Ok(r)
    }
}

/// One record read by [`read_responses`].
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResponseRecord {
    /// Record number, 1-based, in input order (the header is not counted).
    pub row: usize,
    /// The `id` cell, if the table has an id column.
    pub id: Option<String>,
    /// The answers, or why a cell could not be read.
    pub responses: Result<Responses, ScoreError>,
}

/// Reads a CSV table of responses (header row first) for `instrument` from any reader; the
/// caller opens the file. Every record is returned, in order; a bad cell rejects only its own
/// record.
///
/// ```
/// use therapeutic_alliance::{Instrument, read_responses};
/// let gad = Instrument::builtin("gad-7").ok_or("no such instrument")?;
/// let data = "id,1,2,3,4,5,6,7\na,1,1,1,1,1,1,1\nb,3,x,0,0,0,0,0\n";
/// let rows = read_responses(data.as_bytes(), &gad)?;
/// let first = rows[0].responses.clone()?;
/// assert_eq!(gad.score(&first)?.total, 7.0);
/// assert!(rows[1].responses.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ReadError`] when the CSV cannot be parsed or its header does not fit the instrument.
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_responses<R: std::io::Read>(
    reader: R,
    instrument: &Instrument,
) -> Result<Vec<ResponseRecord>, ReadError> {
    let csv_err = |e: csv::Error| ReadError::Csv {
        message: e.to_string(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(reader);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_owned)
        .collect();
    let cols = ResponseColumns::new(&headers, instrument)?;
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut row = 0;
    while rdr.read_record(&mut rec).map_err(csv_err)? {
        row += 1;
        let cells: Vec<&str> = rec.iter().collect();
        out.push(ResponseRecord {
            row,
            id: cols.id(&cells).map(str::to_owned),
            responses: cols.responses(&cells),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_headers() {
        assert_eq!(item_number("7"), Some(7));
        assert_eq!(item_number(" Item12 "), Some(12));
        assert_eq!(item_number("q3"), Some(3));
        assert_eq!(item_number("item_4"), Some(4));
        assert_eq!(item_number("id"), None);
        assert_eq!(item_number("q"), None);
        assert_eq!(item_number("q-1"), None);
        assert_eq!(item_number("99999"), None);
    }

    #[test]
    fn cells() {
        assert_eq!(parse_answer(" 3 ", 1, false), Ok(Answer::Value(3.0)));
        assert_eq!(parse_answer("NA", 1, false), Ok(Answer::Missing));
        assert_eq!(parse_answer("", 1, true), Ok(Answer::DoesNotApply));
        assert_eq!(parse_answer("N/A", 1, true), Ok(Answer::DoesNotApply));
        assert!(parse_answer("N/A", 1, false).is_err());
        assert_eq!(
            parse_answer("x", 4, false).unwrap_err().to_string(),
            "item 4: \"x\" is not a number"
        );
    }
}
