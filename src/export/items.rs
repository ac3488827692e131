//! A plain table of numeric item columns (no instrument), read as a stream: the input of
//! reliability for any questionnaire.

use std::io::Read;

use super::codes::{Cell, MissingCodes};
use super::error::{CellError, CellProblem, ExportError};
use crate::stats::{AlphaAccumulator, StatsError};

/// One row of an [`ItemTable`], borrowed until the next call.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ItemRow<'a> {
    /// File line (1-based, header = line 1).
    pub line: u64,
    /// One value per item column (`None` = a missing code or a rejected cell).
    pub values: &'a [Option<f64>],
    /// The row's rejected cells (not numbers, not missing codes).
    pub rejected: &'a [CellError],
}

/// What [`ItemTable::accumulate_complete`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ItemTally {
    /// Data rows read.
    pub rows: usize,
    /// Complete rows added to the accumulator.
    pub complete: usize,
    /// Rows with a missing value (left out: complete cases).
    pub incomplete: usize,
    /// Rows with a rejected cell (left out and listed in [`ItemTable::rejections`]).
    pub rejected: usize,
}

/// Streams the numeric item columns of a CSV table (a header row, then one row per
/// respondent): every column except a first label column, or the columns named. Cells are
/// read from bytes (no `String` per cell); missing codes as [`MissingCodes`]; any other
/// non-number is a rejected cell with its line and column.
///
/// ```
/// use therapeutic_alliance::export::{ItemTable, MissingCodes};
/// use therapeutic_alliance::stats::{AlphaAccumulator, AlphaOptions};
/// let data = "id,i1,i2,i3\na,1,2,2\nb,3,3,4\nc,NA,1,1\nd,5,4,x\ne,4,5,5\nf,2,1,2\ng,3,4,3\n";
/// let mut table = ItemTable::new(data.as_bytes(), MissingCodes::default(), None)?;
/// assert_eq!(table.item_names(), ["i1", "i2", "i3"]);
/// let mut acc = AlphaAccumulator::new(3)?;
/// let tally = table.accumulate_complete(&mut acc)?;
/// assert_eq!((tally.complete, tally.incomplete, tally.rejected), (5, 1, 1));
/// assert_eq!(table.rejections()[0].to_string(),
///            "line 5, column i3: \"x\" is not a number or a missing-value code");
/// let alpha = acc.finish(&AlphaOptions::new().item_names(table.item_names().to_vec()))?;
/// assert_eq!(alpha.n, 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ItemTable<R> {
    csv: csv::Reader<R>,
    headers: Vec<String>,
    columns: Vec<usize>,
    codes: MissingCodes,
    record: csv::ByteRecord,
    /// A first data row read to decide whether the first column is a label.
    pending: bool,
    values: Vec<Option<f64>>,
    row_errors: usize,
    log: Vec<CellError>,
    eof: bool,
}

impl<R: Read> ItemTable<R> {
    /// Reads the header (and, when `columns` is `None`, the first data row: a first column
    /// whose first cell is neither a number nor a missing code is a label, not an item).
    /// `columns` names the item columns (ASCII case-insensitive).
    ///
    /// # Errors
    /// [`ExportError::MissingColumn`] for a named column not in the header,
    /// [`ExportError::Csv`] when the header cannot be read.
    pub fn new(
        reader: R,
        codes: MissingCodes,
        columns: Option<&[String]>,
    ) -> Result<Self, ExportError> {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers: Vec<String> = csv
            .byte_headers()
            .map_err(|e| ExportError::csv(&e))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_owned())
            .collect();
        let mut record = csv::ByteRecord::new();
        let mut pending = false;
        let cols = if let Some(names) = columns {
            names
                .iter()
                .map(|n| {
                    headers
                        .iter()
                        .position(|h| h.eq_ignore_ascii_case(n.trim()))
                        .ok_or_else(|| ExportError::MissingColumn {
                            column: n.clone(),
                            role: "item",
                        })
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            pending = csv
                .read_byte_record(&mut record)
                .map_err(|e| ExportError::csv(&e))?;
            let label = pending
                && record
                    .get(0)
                    .is_some_and(|c| matches!(codes.classify(c), Cell::Text));
            (usize::from(label)..headers.len()).collect()
        };
        Ok(Self {
            csv,
            values: vec![None; cols.len()],
            headers,
            columns: cols,
            codes,
            record,
            pending,
            row_errors: 0,
            log: Vec::new(),
            eof: false,
        })
    }

    /// The item columns' names.
    #[must_use]
    pub fn item_names(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|&c| self.headers[c].clone())
            .collect()
    }

    /// Every rejected cell so far.
    #[must_use]
    pub fn rejections(&self) -> &[CellError] {
        &self.log
    }

    /// The next row, `None` at the end.
    ///
    /// # Errors
    /// [`ExportError::Csv`] when the input cannot be read any further.
    pub fn next_row(&mut self) -> Result<Option<ItemRow<'_>>, ExportError> {
        if self.eof {
            return Ok(None);
        }
        if self.pending {
            self.pending = false;
        } else if !self
            .csv
            .read_byte_record(&mut self.record)
            .map_err(|e| ExportError::csv(&e))?
        {
            self.eof = true;
            return Ok(None);
        }
        let line = self.record.position().map_or(0, csv::Position::line);
        let start = self.log.len();
        for (v, &c) in self.values.iter_mut().zip(&self.columns) {
            let raw = self.record.get(c).unwrap_or_default();
            *v = match self.codes.classify(raw) {
                Cell::Number(x) => Some(x),
                Cell::Missing => None,
                Cell::DoesNotApply | Cell::Text => {
                    self.log.push(CellError::new(
                        line,
                        &self.headers[c],
                        raw,
                        CellProblem::NotANumber,
                    ));
                    None
                }
            };
        }
        if self.record.len() != self.headers.len() {
            let last = self.record.len().saturating_sub(1);
            self.log.push(CellError::new(
                line,
                self.headers.get(last).map_or("", String::as_str),
                self.record.get(last).unwrap_or_default(),
                CellProblem::FieldCount {
                    expected: self.headers.len(),
                },
            ));
        }
        self.row_errors += usize::from(self.log.len() > start);
        Ok(Some(ItemRow {
            line,
            values: &self.values,
            rejected: &self.log[start..],
        }))
    }

    /// Reads the rest of the table into `acc` (complete cases: rows with a missing value or a
    /// rejected cell are counted and left out), in blocks through the accumulator's fast path.
    ///
    /// # Errors
    /// [`ExportError::Csv`] as [`ItemTable::next_row`]. The accumulator must have one item
    /// per column ([`ItemTable::item_names`]); otherwise nothing is added and the mismatch is
    /// reported as [`ExportError::Csv`] at line 1.
    pub fn accumulate_complete(
        &mut self,
        acc: &mut AlphaAccumulator,
    ) -> Result<ItemTally, ExportError> {
        let p = self.columns.len();
        if acc.n_items() != p {
            return Err(ExportError::Csv {
                line: 1,
                message: format!("{p} item columns for an accumulator of {}", acc.n_items()),
            });
        }
        let mut tally = ItemTally::default();
        let mut block: Vec<f64> = Vec::with_capacity(256 * p);
        let push = |acc: &mut AlphaAccumulator, block: &mut Vec<f64>| {
            // every value is a finite number and the block whole rows: cannot fail
            let r: Result<(), StatsError> = acc.push_rows(block);
            block.clear();
            r.is_ok()
        };
        while let Some(row) = self.next_row()? {
            tally.rows += 1;
            if !row.rejected.is_empty() {
                tally.rejected += 1;
                continue;
            }
            let start = block.len();
            if row.values.iter().all(Option::is_some) {
                block.extend(row.values.iter().flatten());
                tally.complete += 1;
            } else {
                block.truncate(start);
                tally.incomplete += 1;
            }
            if block.len() >= 256 * p {
                push(acc, &mut block);
            }
        }
        push(acc, &mut block);
        Ok(tally)
    }
}
