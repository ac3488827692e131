//! Small helpers shared by the example programs: argument parsing, reading a numeric CSV table,
//! and printing tables. Not part of the library (the library does no I/O).
//!
//! Each example includes this with `mod common;` and uses only what it needs.
#![allow(dead_code)]

pub mod cli;

use std::error::Error;
use std::path::{Path, PathBuf};

/// Result type of the examples' `main`.
pub type AppResult<T = ()> = Result<T, Box<dyn Error>>;

/// Command-line arguments: positional values and `--flag [value]` options.
#[derive(Debug, Default)]
pub struct Args {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

impl Args {
    /// Parses `std::env::args()`. `valued` names the options that take a value
    /// (`--keys A1,C4`); every other `--name` is a switch.
    pub fn parse(valued: &[&str]) -> AppResult<Self> {
        Self::from_iter(std::env::args().skip(1), valued)
    }

    /// Parses an explicit list (for tests).
    pub fn from_iter(args: impl IntoIterator<Item = String>, valued: &[&str]) -> AppResult<Self> {
        let mut out = Self::default();
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                if let Some((k, v)) = name.split_once('=') {
                    out.options.push((k.to_owned(), Some(v.to_owned())));
                } else if valued.contains(&name) {
                    let v = it
                        .next()
                        .ok_or_else(|| format!("option --{name} needs a value"))?;
                    out.options.push((name.to_owned(), Some(v)));
                } else {
                    out.options.push((name.to_owned(), None));
                }
            } else {
                out.positional.push(a);
            }
        }
        Ok(out)
    }

    /// Whether the switch `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(k, _)| k == name)
    }

    /// The value of `--name VALUE`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The value of `--name VALUE` parsed as a number.
    pub fn number(&self, name: &str) -> AppResult<Option<f64>> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .map(Some)
                .map_err(|_| format!("option --{name}: {v:?} is not a number").into()),
        }
    }

    /// The first positional argument (the input file), if any.
    pub fn file(&self) -> Option<&str> {
        self.positional.first().map(String::as_str)
    }

    /// The input file, or the bundled one under `examples/data/` when none was given.
    pub fn file_or_bundled(&self, bundled: &str) -> PathBuf {
        match self.file() {
            Some(f) => PathBuf::from(f),
            None => bundled_path(bundled),
        }
    }

    /// The input file, or the fixture of that name in `testdata/` when none was given.
    pub fn file_or_testdata(&self, fixture: &str) -> PathBuf {
        match self.file() {
            Some(f) => PathBuf::from(f),
            None => testdata_path(fixture),
        }
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

/// Prints a plain-text table with right-aligned columns.
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        println!("{}", parts.join("  "));
    };
    line(&mut headers.iter().copied());
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    println!("{}", "-".repeat(total));
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
}

/// Formats a number for a table: fixed decimals, `NA` for non-finite.
pub fn fmt(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{x:.decimals$}")
    } else {
        "NA".to_owned()
    }
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

/// One CSV row scored with an instrument.
#[derive(Debug)]
pub struct ScoredRow {
    /// Row number, 1-based (the header is not counted).
    pub row: usize,
    /// The `id` cell, if the table has an id column.
    pub id: Option<String>,
    /// The score, or why the row was rejected.
    pub score: Result<therapeutic_alliance::Score, therapeutic_alliance::ScoreError>,
}

/// Scores every row of a response table (columns as in `therapeutic_alliance::ResponseColumns`).
/// Fails only when the header does not fit the instrument; bad rows are kept with their error.
pub fn score_table(
    table: &Table,
    instrument: &therapeutic_alliance::Instrument,
) -> AppResult<Vec<ScoredRow>> {
    let cols = therapeutic_alliance::ResponseColumns::new(&table.headers, instrument)?;
    let mut answers = therapeutic_alliance::Responses::new();
    Ok(table
        .rows
        .iter()
        .enumerate()
        .map(|(i, rec)| ScoredRow {
            row: i + 1,
            id: cols.id(rec).map(str::to_owned),
            score: cols
                .fill(rec, &mut answers)
                .and_then(|()| instrument.score(&answers)),
        })
        .collect())
}

/// The bundled response file for a built-in instrument id, e.g. `examples/data/wai-sr.csv`.
pub fn bundled_responses(instrument_id: &str) -> PathBuf {
    bundled_path(&format!("{instrument_id}.csv"))
}

/// Within- and between-client association of a session-level predictor with an outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WithinBetween {
    /// Rows (value pairs) used.
    pub pairs: usize,
    /// Clients (distinct ids).
    pub clients: usize,
    /// Pearson correlation of the client means (between clients).
    pub between: therapeutic_alliance::stats::Correlation,
    /// Fixed-effects slope of the outcome on the client-centred predictor (within clients).
    pub within: therapeutic_alliance::stats::WithinCoefficient,
}

/// Splits the association of `x` with `y` (one pair per row, rows grouped by `ids`) into the
/// between-client correlation of client means (`stats::pearson`) and the within-client slope
/// on the person-mean-centred predictor (`stats::person_mean_centre`,
/// `stats::within_regression`), as in the within/between disaggregation literature
/// (Falkenström et al.; Curran & Bauer).
pub fn within_between(ids: &[String], x: &[f64], y: &[f64]) -> AppResult<WithinBetween> {
    use therapeutic_alliance::stats::{GrandMean, pearson, person_mean_centre, within_regression};
    let d = person_mean_centre(ids, x, GrandMean::Rows)?;
    let fit = within_regression(ids, &[&d.within], y)?;
    let within = fit
        .coefficients
        .first()
        .cloned()
        .ok_or("within-client regression returned no coefficient")?;
    let mut means: std::collections::BTreeMap<&str, (f64, f64, f64)> =
        std::collections::BTreeMap::new();
    for ((id, xi), yi) in ids.iter().zip(x).zip(y) {
        let m = means.entry(id.as_str()).or_default();
        *m = (m.0 + xi, m.1 + yi, m.2 + 1.0);
    }
    let (mx, my): (Vec<f64>, Vec<f64>) = means.values().map(|m| (m.0 / m.2, m.1 / m.2)).unzip();
    Ok(WithinBetween {
        pairs: ids.len(),
        clients: mx.len(),
        between: pearson(&mx, &my)?,
        within,
    })
}
