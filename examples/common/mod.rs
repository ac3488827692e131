//! Small helpers shared by the example programs: argument parsing ([`cli`]), reading a numeric CSV table,
//! and printing tables. Not part of the library (the library does no I/O).
//!
//! Each example includes this with `mod common;` and uses only what it needs.
#![allow(dead_code)]

pub mod cli;

use std::error::Error;
use std::path::{Path, PathBuf};

/// Result type of the examples' `main`.
pub type AppResult<T = ()> = Result<T, Box<dyn Error>>;

impl cli::Parsed {
    /// The value of `--name VALUE` parsed as a number.
    ///
    /// # Errors
    /// A message naming the option and the value.
    pub fn number(&self, name: &str) -> AppResult<Option<f64>> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| format!("option --{name}: {v:?} is not a number").into()),
        }
    }

    /// The input file, or the bundled one under `examples/data/` when none was given.
    pub fn file_or_bundled(&self, bundled: &str) -> PathBuf {
        self.file()
            .map_or_else(|| bundled_path(bundled), PathBuf::from)
    }

    /// The input file, or the fixture of that name in `testdata/` when none was given.
    pub fn file_or_testdata(&self, fixture: &str) -> PathBuf {
        self.file()
            .map_or_else(|| testdata_path(fixture), PathBuf::from)
    }
}

/// Path of a file bundled in `examples/data/`, wherever the example is run from.
pub fn bundled_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("data")
        .join(name)
}

/// Path of a fixture in `testdata/` (shared with the golden tests; what each file is and where it
/// comes from: `testdata/README.md`), wherever the example is run from.
pub fn testdata_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

/// The message for a file that cannot be read; for a missing file of the synthetic data set
/// (left out of the published package) it says how to regenerate it.
pub fn cannot_read(path: &Path, e: impl std::fmt::Display) -> String {
    let hint = if !path.exists() && path.starts_with(bundled_path("synthetic")) {
        " (the synthetic data set is not in the published package: regenerate it with \
         `cargo run --release --example generate_data -- --out examples/data/synthetic`)"
    } else {
        ""
    };
    format!("cannot read {}: {e}{hint}", path.display())
}

/// Reads a whole text file (`cannot_read` on failure).
pub fn read_text(path: &Path) -> AppResult<String> {
    Ok(std::fs::read_to_string(path).map_err(|e| cannot_read(path, e))?)
}

/// A CSV file read as text: the header and every record.
#[derive(Debug)]
pub struct Table {
    /// Column names, trimmed.
    pub headers: Vec<String>,
    /// Records, each as its cells (trimmed).
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub fn read(path: &Path) -> AppResult<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_path(path)
            .map_err(|e| cannot_read(path, e))?;
        let headers = rdr
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| format!("{}: row {}: {e}", path.display(), i + 1))?;
            rows.push(rec.iter().map(str::to_owned).collect());
        }
        Ok(Self { headers, rows })
    }

    /// Index of the column named `name`.
    pub fn column_index(&self, name: &str) -> AppResult<usize> {
        self.headers.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "no column named {name:?} (columns: {})",
                self.headers.join(", ")
            )
            .into()
        })
    }

    /// The cells of column `idx` parsed as numbers; empty and `NA` cells are `None`.
    pub fn numeric_column(&self, idx: usize) -> AppResult<Vec<Option<f64>>> {
        self.rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                parse_cell(
                    row.get(idx).map_or("", String::as_str),
                    r + 1,
                    &self.headers[idx],
                )
            })
            .collect()
    }

    /// Splits off a leading label column (such as `S1`, `S2`, … or an id): returns the label
    /// column, if any, and the indices of the remaining (data) columns. The first column is a
    /// label when its header is empty (R's `write.csv` row names) or one of its cells is neither
    /// empty, `NA` nor a number.
    pub fn label_and_data_columns(&self) -> (Option<usize>, Vec<usize>) {
        let first_is_label = !self.headers.is_empty()
            && (self.headers[0].is_empty()
                || self
                    .rows
                    .iter()
                    .any(|row| row.first().is_some_and(|c| parse_cell(c, 0, "").is_err())));
        let start = usize::from(first_is_label);
        (
            first_is_label.then_some(0),
            (start..self.headers.len()).collect(),
        )
    }

    /// The whole table (or the listed columns) as numbers, row-major; empty and `NA` are `None`.
    pub fn numeric_rows(&self, columns: &[usize]) -> AppResult<Vec<Vec<Option<f64>>>> {
        self.rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                columns
                    .iter()
                    .map(|&c| {
                        parse_cell(
                            row.get(c).map_or("", String::as_str),
                            r + 1,
                            &self.headers[c],
                        )
                    })
                    .collect()
            })
            .collect()
    }
}

/// Parses one cell: empty, `NA` or `NaN` (any case) is missing; anything else must be a number.
pub fn parse_cell(cell: &str, row: usize, column: &str) -> AppResult<Option<f64>> {
    let c = cell.trim();
    if c.is_empty() || c.eq_ignore_ascii_case("na") || c.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    c.parse::<f64>()
        .map(Some)
        .map_err(|_| format!("row {row}, column {column:?}: {c:?} is not a number").into())
}

/// A plain-text table with right-aligned columns (header, a rule, the rows), one line each.
/// Cells of any width are padded by hand: no format width, so no width limit and no panic.
pub fn format_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let widths = column_widths(headers, rows);
    let mut out = String::new();
    table_line(&mut out, headers.iter().copied(), &widths);
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for row in rows {
        table_line(&mut out, row.iter().map(String::as_str), &widths);
    }
    out
}

/// The width of each column of a table: its widest cell, header included (in characters).
pub fn column_widths(headers: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    widths
}

const SPACES: &str = "                                                                ";

/// Appends one table line: each cell right-aligned to its width, two spaces between cells.
pub fn table_line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>, widths: &[usize]) {
    for (k, (cell, &w)) in cells.zip(widths).enumerate() {
        if k > 0 {
            out.push_str("  ");
        }
        let len = if cell.is_ascii() {
            cell.len()
        } else {
            cell.chars().count()
        };
        let mut pad = w.saturating_sub(len);
        while pad > 0 {
            let n = pad.min(SPACES.len());
            out.push_str(&SPACES[..n]);
            pad -= n;
        }
        out.push_str(cell);
    }
    out.push('\n');
}

/// Prints a plain-text table with right-aligned columns ([`format_table`]).
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    print!("{}", format_table(headers, rows));
}

/// Formats a number for a table: fixed decimals, `NA` for non-finite.
pub fn fmt(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    fmt_into(&mut s, x, decimals);
    s
}

/// Appends the decimal digits of `n` (as `{n}`, without the formatting machinery).
pub fn push_uint(out: &mut String, mut n: u64) {
    let mut power = 1;
    while power <= n / 10 {
        power *= 10;
    }
    loop {
        out.push(char::from(b'0' + (n / power) as u8));
        n %= power;
        if power == 1 {
            break;
        }
        power /= 10;
    }
}

/// Appends [`fmt`]`(x, decimals)` to `out` (no allocation once `out` has grown).
pub fn fmt_into(out: &mut String, x: f64, decimals: usize) {
    use std::fmt::Write as _;
    if !x.is_finite() {
        out.push_str("NA");
        return;
    }
    // Fast path for the usual case of scores, a whole number of hundredths (or of
    // 10^-decimals): x * 10^d is then an integer k far from any rounding boundary, and
    // `{x:.d}` prints exactly k / 10^d. Everything else goes through `format!`.
    if decimals <= 6 {
        let scale = 10u64.pow(decimals as u32);
        let y = x * scale as f64;
        if y.abs() < 9.0e15 && y == (y as i64) as f64 && (y != 0.0 || x.is_sign_positive()) {
            let k = y.abs() as u64;
            if y < 0.0 {
                out.push('-');
            }
            push_uint(out, k / scale);
            if decimals > 0 {
                out.push('.');
                let frac = k % scale;
                let digits = if frac == 0 {
                    1
                } else {
                    frac.ilog10() as usize + 1
                };
                out.push_str(&"000000"[..decimals - digits]);
                push_uint(out, frac);
            }
            return;
        }
    }
    let _ = write!(out, "{x:.decimals$}");
}

/// Runs an example's `main`, printing a one-line error and exiting non-zero on failure.
pub fn run(main: impl FnOnce() -> AppResult) {
    // `println!` panics when stdout is a closed pipe (`… | head`); a command-line tool should
    // stop quietly instead, as Unix tools do.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
    if let Err(e) = main() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// The bundled response file for a built-in instrument id, e.g. `examples/data/wai-sr.csv`.
pub fn bundled_responses(instrument_id: &str) -> PathBuf {
    bundled_path(&format!("{instrument_id}.csv"))
}
