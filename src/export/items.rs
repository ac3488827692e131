//! A plain table of numeric item columns (no instrument), read as a stream: the input of
//! reliability for any questionnaire.

use std::io::Read;

use super::codes::{Cell, MissingCodes};
use super::error::{CellError, CellProblem, ExportError};
use super::lines::RecordReader;
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

impl ItemTally {
    fn add(&mut self, values: &[Option<f64>], clean: bool, block: &mut Vec<f64>) {
        self.rows += 1;
        if !clean {
            self.rejected += 1;
        } else if values.iter().all(Option::is_some) {
            block.extend(values.iter().flatten());
            self.complete += 1;
        } else {
            self.incomplete += 1;
        }
    }
}

/// What a row's cells mean: shared by the record path and the fast path of plain lines.
struct Cells<'a> {
    codes: &'a MissingCodes,
    slots: &'a [usize],
    headers: &'a [String],
}

impl Cells<'_> {
    /// Fills `values` from the row's fields, logging every rejected cell and a field count
    /// that differs from the header's.
    #[inline]
    fn fill<'f>(
        &self,
        line: u64,
        fields: impl Iterator<Item = &'f [u8]>,
        values: &mut [Option<f64>],
        log: &mut Vec<CellError>,
    ) {
        values.fill(None);
        let mut count = 0;
        let mut last: &[u8] = &[];
        for (c, raw) in fields.enumerate() {
            count = c + 1;
            last = raw;
            let Some(&k) = self.slots.get(c) else {
                continue;
            };
            if k == usize::MAX {
                continue;
            }
            values[k] = match self.codes.classify(raw) {
                Cell::Number(x) => Some(x),
                Cell::Missing => None,
                Cell::DoesNotApply | Cell::Text => {
                    log.push(CellError::new(
                        line,
                        &self.headers[c],
                        raw,
                        CellProblem::NotANumber,
                    ));
                    None
                }
            };
        }
        if count != self.headers.len() {
            let column = self
                .headers
                .get(count.saturating_sub(1))
                .map_or("", String::as_str);
            log.push(CellError::new(
                line,
                column,
                last,
                CellProblem::FieldCount {
                    expected: self.headers.len(),
                },
            ));
        }
    }
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
    src: RecordReader<R>,
    line: u64,
    headers: Vec<String>,
    columns: Vec<usize>,
    /// Per header column, its item slot (`usize::MAX` = not an item column).
    slots: Vec<usize>,
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
        let mut src = RecordReader::new(reader);
        let mut record = csv::ByteRecord::new();
        src.read(&mut record)?;
        let headers: Vec<String> = record
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_owned())
            .collect();
        let mut pending = false;
        let mut line = 0;
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
            if let Some(l) = src.read(&mut record)? {
                pending = true;
                line = l;
            }
            let label = pending
                && record
                    .get(0)
                    .is_some_and(|c| matches!(codes.classify(c), Cell::Text));
            (usize::from(label)..headers.len()).collect()
        };
        let mut slots = vec![usize::MAX; headers.len()];
        for (k, &c) in cols.iter().enumerate() {
            slots[c] = k;
        }
        Ok(Self {
            src,
            line,
            slots,
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
        } else if let Some(l) = self.src.read(&mut self.record)? {
            self.line = l;
        } else {
            self.eof = true;
            return Ok(None);
        }
        let line = self.line;
        let start = self.log.len();
        let cells = Cells {
            codes: &self.codes,
            slots: &self.slots,
            headers: &self.headers,
        };
        cells.fill(line, self.record.iter(), &mut self.values, &mut self.log);
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
    /// reported as [`ExportError::Csv`] at line 1. Values whose means or co-moments overflow
    /// `f64` (about 1e154 and beyond) are [`ExportError::Csv`] naming the last line of the
    /// block of rows refused (up to 256; earlier blocks stay added).
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
        // every value is a finite number and the block whole rows: only values whose squares
        // overflow f64 (or more than 2^53 rows) are refused, naming the block's last line
        let push = |acc: &mut AlphaAccumulator, block: &mut Vec<f64>, line: u64| {
            let r: Result<(), StatsError> = acc.push_rows(block);
            block.clear();
            r.map_err(|e| ExportError::Csv {
                line,
                message: format!("the complete rows up to here cannot be accumulated: {e}"),
            })
        };
        let mut last_line = 1;
        if self.pending {
            // the first data row, read to look for a label column
            if let Some(row) = self.next_row()? {
                tally.add(row.values, row.rejected.is_empty(), &mut block);
            }
        }
        let cells = Cells {
            codes: &self.codes,
            slots: &self.slots,
            headers: &self.headers,
        };
        while !self.eof {
            let Some((line, plain)) = self.src.read_raw(&mut self.record)? else {
                self.eof = true;
                break;
            };
            let before = self.log.len();
            match plain {
                Some(bytes) => {
                    cells.fill(
                        line,
                        bytes.split(|&b| b == b','),
                        &mut self.values,
                        &mut self.log,
                    );
                }
                None => cells.fill(line, self.record.iter(), &mut self.values, &mut self.log),
            }
            let clean = self.log.len() == before;
            self.row_errors += usize::from(!clean);
            tally.add(&self.values, clean, &mut block);
            last_line = line;
            if block.len() >= 256 * p {
                push(acc, &mut block, line)?;
            }
        }
        push(acc, &mut block, last_line)?;
        Ok(tally)
    }
}
