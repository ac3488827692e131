//! Score a CSV of questionnaire responses with a built-in or user-defined instrument.
//!
//! ```sh
//! cargo run --example score -- --instrument wai-sr                 # bundled data, table
//! cargo run --example score -- --instrument phq-9 my.csv --json    # your file, JSON
//! cargo run --example score -- --definition my-instrument.json my.csv
//! cargo run --release --example score -- --instrument wai-sr big.csv --csv scores.csv
//! ```
//!
//! CSV: a header row, one row per administration; an optional `id` column; item columns named
//! `1`, `2`, … or `item1`, … or `q1`, …; an empty cell or `NA` is a missing answer ("does not
//! apply" for CARE); other columns are ignored. Rejected rows are reported, never dropped.
//!
//! Risk first: the output opens with the administrations that met one of the instrument's
//! critical rules (PHQ-9 item 9 answered ≥ 1), and every row has a `critical` column listing
//! the rule ids it met. A critical item is a prompt for a clinician's assessment the same day,
//! never a risk estimate. `cutoff_met` is the instrument's clinical or concern cutoff on the
//! total (PHQ-9 ≥ 10, SRS < 36), which is not a risk flag.
//!
//! The file is streamed: read and scored in blocks of [`BLOCK`] records (complete records
//! through [`Instrument::score_flat`] into one reused [`FlatScores`], records with a missing
//! answer, a critical item or a bad value through [`Instrument::score`]) and written as it
//! goes, so memory does not grow with the number of rows. A file of at most [`BLOCK`] records
//! is printed whole, critical items first; on a longer one the table starts before the end of
//! the file is known, so the critical-items list is printed after the table (only the
//! critical rows' lines are kept until then, beyond 1 MB in a temporary file that is removed
//! once printed), and the columns are as wide as the first block needs. One thread reads and
//! scores the next block while the main thread writes the last one.

mod common;

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use common::cli::{Cli, Opt, Parsed};
use common::{AppResult, column_widths, format_table, table_line};
use serde::Serialize;
use serde::ser::SerializeMap;
use therapeutic_alliance::{
    Answer, FlatScores, Instrument, ResponseColumns, ResponseScale, Responses, Score, ScoreError,
    catalogue::BUILTIN_IDS, parse_answer,
};

/// Records read, scored and written at a time; also the most records whose widths set the
/// table's columns, and the largest file printed critical items first.
const BLOCK: usize = 4096;

const CLI: Cli = Cli {
    name: "score",
    about: "score a CSV of questionnaire responses with a built-in or user-defined instrument",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "instrument",
            "ID",
            "",
            "a built-in instrument: wai-sr, wai-sr-t, wai, srs, ors, care, core-om, core-10, phq-9, \
             gad-7, … (this or --definition is required)",
        ),
        Opt::value(
            "definition",
            "FILE.json",
            "",
            "an instrument defined in JSON instead of a built-in one",
        ),
        Opt::switch("json", "print the scores as JSON instead of a table"),
        Opt::value(
            "csv",
            "FILE",
            "",
            "write the scores as CSV to FILE (the table's columns); the screen then shows only \
             the critical items and the counts",
        ),
    ],
    notes: "Input: a CSV with a header row, one row per administration; an optional id column;
item columns named 1, 2, … or item1, … or q1, …; an empty cell or NA is a missing answer.
Without FILE.csv the bundled examples/data/<instrument>.csv is scored.

Columns: row, id, critical (the critical rules met), total, one per subscale, answered,
prorated, band, cutoff_met, error (why a row was rejected; rejected rows are never dropped).

Risk first: administrations that met a critical rule (PHQ-9 item 9 >= 1 …; a prompt for a
clinician's assessment today, never a risk estimate) are listed before the table. The file is
streamed in blocks of 4096 rows: when it has more, the list comes after the table (only the
critical rows are kept until then; beyond 1 MB of them in a temporary file, removed once
printed) and the table's columns are sized by the first block.",
};

/// Subscale scores as an object in the instrument's subscale order (`null` if unscored).
struct Subscales<'a> {
    names: &'a [String],
    values: Vec<Option<f64>>,
}

impl Serialize for Subscales<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.names.len()))?;
        for (name, value) in self.names.iter().zip(&self.values) {
            m.serialize_entry(name, value)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Scored {
        total: f64,
        subscales: Subscales<'a>,
        answered: usize,
        prorated: bool,
        band: Option<&'a str>,
        cutoff_met: Option<bool>,
        /// The ids of the critical rules met (empty when none).
        critical: Vec<&'a str>,
    },
    Rejected {
        /// The critical rules an incomplete form still met (its answered risk items).
        critical: Vec<&'a str>,
        error: String,
    },
}

#[derive(Serialize)]
struct JsonRow<'a> {
    row: usize,
    id: Option<&'a str>,
    #[serde(flatten)]
    body: Body<'a>,
}

fn instrument(args: &Parsed) -> AppResult<Instrument> {
    if let Some(path) = args.value("definition") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        return Ok(serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?);
    }
    let id = args.value("instrument").ok_or_else(|| {
        format!(
            "missing --instrument ID (one of {}) or --definition FILE.json",
            BUILTIN_IDS.join(", ")
        )
    })?;
    Instrument::builtin(id).ok_or_else(|| {
        format!(
            "unknown instrument {id:?} (one of {})",
            BUILTIN_IDS.join(", ")
        )
        .into()
    })
}

/// How one record came out.
enum Outcome {
    /// Complete and scored by the flat kernel, meeting no critical rule: record `k` of the
    /// block's [`FlatScores`].
    Flat(usize),
    /// Scored one by one (a missing answer, a critical item).
    Scored(Box<Score>),
    /// Rejected by the instrument (a value off the scale, too many missing answers, …).
    Rejected(ScoreError),
    /// Not readable as a record (the wrong number of cells, text that is not UTF-8).
    Unreadable(String),
}

/// One block of records: read, then scored, then written.
struct Block {
    /// Row number (1-based, the header not counted) of each record.
    rows: Vec<usize>,
    /// The id cells, end to end (`id_ends[i]` ends record i's).
    ids: String,
    id_ends: Vec<usize>,
    outcomes: Vec<Outcome>,
    /// The complete records' answers, row-major in item order, for the flat kernel.
    values: Vec<f64>,
    /// The block index of each complete record.
    flat_rows: Vec<usize>,
    flat: FlatScores,
    /// Items of the instrument (a complete record answered them all).
    item_count: usize,
    /// Whether the file has an `id` column.
    has_id: bool,
}

impl Block {
    fn new(item_count: usize, has_id: bool) -> Self {
        Self {
            item_count,
            has_id,
            rows: Vec::with_capacity(BLOCK),
            ids: String::new(),
            id_ends: Vec::with_capacity(BLOCK),
            outcomes: Vec::with_capacity(BLOCK),
            values: Vec::new(),
            flat_rows: Vec::with_capacity(BLOCK),
            flat: FlatScores::new(),
        }
    }

    fn clear(&mut self) {
        self.rows.clear();
        self.ids.clear();
        self.id_ends.clear();
        self.outcomes.clear();
        self.values.clear();
        self.flat_rows.clear();
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.ids[start..self.id_ends[i]]
    }

    /// Scores the complete records with the flat kernel; those it rejects or that met a
    /// critical rule are scored again one by one, for the full reason and the critical
    /// flags (the same answers, so the same numbers).
    fn score(&mut self, inst: &Instrument, answers: &mut Responses) {
        inst.score_flat(&self.values, &mut self.flat);
        let n = inst.item_count();
        for (k, &i) in self.flat_rows.iter().enumerate() {
            if self.flat.is_scored(k) && self.flat.critical_set(k).is_empty() {
                continue;
            }
            answers.clear();
            let row = &self.values[k * n..(k + 1) * n];
            let filled = inst
                .item_numbers()
                .zip(row)
                .try_for_each(|(item, &x)| answers.insert(item, Answer::Value(x)));
            self.outcomes[i] = match filled.and_then(|()| inst.score(answers)) {
                Ok(s) => Outcome::Scored(Box::new(s)),
                Err(e) => Outcome::Rejected(e),
            };
        }
    }

    /// The ids of the critical rules record `i` met.
    fn critical(&self, i: usize) -> Vec<&str> {
        match &self.outcomes[i] {
            Outcome::Flat(_) | Outcome::Unreadable(_) => Vec::new(),
            Outcome::Scored(s) => s.critical.iter().map(|f| f.rule.as_str()).collect(),
            Outcome::Rejected(e) => e.critical().iter().map(|f| f.rule.as_str()).collect(),
        }
    }

    /// Record `i`'s cells in the table's columns (each cleared and refilled).
    fn cells(&self, i: usize, subscales: &[String], cells: &mut [String]) {
        for c in cells.iter_mut() {
            c.clear();
        }
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        common::push_uint(&mut cells[0], self.rows[i] as u64);
        cells[1].push_str(self.id(i));
        cells[2].push_str(&self.critical(i).join(";"));
        let k = subscales.len();
        let (answered, prorated, band, cutoff, error) = (k + 4, k + 5, k + 6, k + 7, k + 8);
        match &self.outcomes[i] {
            Outcome::Flat(f) => {
                common::fmt_into(&mut cells[3], self.flat.totals()[*f], 2);
                for (cell, v) in cells[4..4 + k]
                    .iter_mut()
                    .zip(self.flat.subscales(*f).unwrap_or(&[]))
                {
                    match v {
                        Some(v) => common::fmt_into(cell, *v, 2),
                        None => cell.push_str("NA"),
                    }
                }
                common::push_uint(&mut cells[answered], self.item_count as u64);
                cells[prorated].push_str("no");
                cells[band].push_str(self.flat.band(*f).unwrap_or("-"));
                cells[cutoff].push_str(self.flat.cutoff_met(*f).map_or("-", yes_no));
            }
            Outcome::Scored(s) => {
                common::fmt_into(&mut cells[3], s.total, 2);
                for (cell, name) in cells[4..4 + k].iter_mut().zip(subscales) {
                    match s.subscale(name) {
                        Some(v) => common::fmt_into(cell, v, 2),
                        None => cell.push_str("NA"),
                    }
                }
                common::push_uint(&mut cells[answered], s.answered as u64);
                cells[prorated].push_str(yes_no(s.prorated));
                cells[band].push_str(s.band.as_deref().unwrap_or("-"));
                cells[cutoff].push_str(s.cutoff_met.map_or("-", yes_no));
            }
            Outcome::Rejected(e) => {
                let _ = write!(cells[error], "{e}");
            }
            Outcome::Unreadable(e) => cells[error].push_str(e),
        }
    }

    /// Record `i` as JSON (the shape of one element of `--json`).
    fn json<'a>(&'a self, i: usize, subscales: &'a [String]) -> JsonRow<'a> {
        let critical = self.critical(i);
        let body = match &self.outcomes[i] {
            Outcome::Flat(f) => Body::Scored {
                total: self.flat.totals()[*f],
                subscales: Subscales {
                    names: subscales,
                    values: self.flat.subscales(*f).unwrap_or(&[]).to_vec(),
                },
                answered: self.item_count,
                prorated: false,
                band: self.flat.band(*f),
                cutoff_met: self.flat.cutoff_met(*f),
                critical,
            },
            Outcome::Scored(s) => Body::Scored {
                total: s.total,
                subscales: Subscales {
                    names: subscales,
                    values: subscales.iter().map(|n| s.subscale(n)).collect(),
                },
                answered: s.answered,
                prorated: s.prorated,
                band: s.band.as_deref(),
                cutoff_met: s.cutoff_met,
                critical,
            },
            Outcome::Rejected(e) => Body::Rejected {
                critical,
                error: e.to_string(),
            },
            Outcome::Unreadable(e) => Body::Rejected {
                critical,
                error: e.clone(),
            },
        };
        JsonRow {
            row: self.rows[i],
            id: self.has_id.then(|| self.id(i)),
            body,
        }
    }
}

/// The response file, read one record at a time.
struct Input {
    rdr: csv::Reader<std::fs::File>,
    rec: csv::StringRecord,
    /// Cells per record (the header's).
    width: usize,
    id: Option<usize>,
    /// `(column, item, position)` in header order.
    items: Vec<(usize, u16, usize)>,
    does_not_apply: bool,
    /// Whether complete records go to the flat kernel: on stepped scales only, where its sums
    /// are exact; on a visual analogue scale its total can differ from
    /// [`Instrument::score`]'s in the last bit (SRS 9.8, 8.9, 9.8, 9.8: 38.300000000000004
    /// against 38.3), so every record there is scored one by one.
    flat: bool,
    /// One record's answers in header order (reused).
    parsed: Vec<Answer>,
    row: usize,
}

impl Input {
    fn open(path: &Path, inst: &Instrument) -> AppResult<(Self, ResponseColumns)> {
        let file = std::fs::File::open(path).map_err(|e| common::cannot_read(path, e))?;
        // Cells are trimmed where they are used (faster than the reader's trimming).
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(file);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let cols =
            ResponseColumns::new(&headers, inst).map_err(|e| format!("{}: {e}", path.display()))?;
        let items = cols
            .item_columns()
            .iter()
            .filter_map(|&(c, item)| Some((c, item, inst.item_position(item)?)))
            .collect();
        let input = Self {
            rdr,
            rec: csv::StringRecord::new(),
            width: headers.len(),
            id: cols.id_column(),
            items,
            does_not_apply: inst.has_does_not_apply(),
            flat: !matches!(inst.scale(), ResponseScale::VisualAnalogue { .. }),
            parsed: Vec::with_capacity(inst.item_count()),
            row: 0,
        };
        Ok((input, cols))
    }

    /// Reads up to [`BLOCK`] records into `block` (cleared first); complete records go to the
    /// flat buffer, the others are scored here. Returns whether the file may have more.
    fn fill(
        &mut self,
        path: &Path,
        block: &mut Block,
        inst: &Instrument,
        answers: &mut Responses,
    ) -> AppResult<bool> {
        block.clear();
        let n = inst.item_count();
        while block.len() < BLOCK {
            let unreadable = match self.rdr.read_record(&mut self.rec) {
                Ok(false) => return Ok(false),
                Ok(true) => None,
                Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                    Some("a cell is not UTF-8 text".to_owned())
                }
                Err(e) => {
                    return Err(format!("{}: row {}: {e}", path.display(), self.row + 1).into());
                }
            };
            self.row += 1;
            let i = block.len();
            block.rows.push(self.row);
            if let (Some(c), None) = (self.id, &unreadable) {
                block.ids.push_str(self.rec.get(c).unwrap_or("").trim());
            }
            block.id_ends.push(block.ids.len());
            let unreadable = unreadable.or_else(|| {
                (self.rec.len() != self.width).then(|| {
                    format!(
                        "the row has {} cells, the header has {}",
                        self.rec.len(),
                        self.width
                    )
                })
            });
            if let Some(reason) = unreadable {
                block.outcomes.push(Outcome::Unreadable(reason));
                continue;
            }
            // Parse in header order (the first bad cell is the reason, as ResponseColumns).
            self.parsed.clear();
            let mut complete = true;
            let mut bad = None;
            for &(c, item, _) in &self.items {
                let cell = self.rec.get(c).unwrap_or("");
                // one digit: the usual Likert answer, without the general parser
                let answer = match cell.as_bytes() {
                    &[d] if d.is_ascii_digit() => Ok(Answer::Value(f64::from(d - b'0'))),
                    _ => parse_answer(cell, item, self.does_not_apply),
                };
                match answer {
                    Ok(a) => {
                        complete &= matches!(a, Answer::Value(_));
                        self.parsed.push(a);
                    }
                    Err(e) => {
                        bad = Some(e);
                        break;
                    }
                }
            }
            if let Some(e) = bad {
                block.outcomes.push(Outcome::Rejected(e));
            } else if complete && self.flat {
                let start = block.values.len();
                block.values.resize(start + n, 0.0);
                for (&(_, _, pos), a) in self.items.iter().zip(&self.parsed) {
                    if let Answer::Value(x) = a {
                        block.values[start + pos] = *x;
                    }
                }
                block.outcomes.push(Outcome::Flat(block.flat_rows.len()));
                block.flat_rows.push(i);
            } else {
                answers.clear();
                let filled = self
                    .items
                    .iter()
                    .zip(&self.parsed)
                    .try_for_each(|(&(_, item, _), &a)| answers.insert(item, a));
                block
                    .outcomes
                    .push(match filled.and_then(|()| inst.score(answers)) {
                        Ok(s) => Outcome::Scored(Box::new(s)),
                        Err(e) => Outcome::Rejected(e),
                    });
            }
        }
        Ok(true)
    }
}

/// Bytes of critical-items lines kept in memory; beyond it they go to a temporary file (removed
/// when printed), so memory stays flat however many rows meet a critical rule.
const LINES_IN_MEMORY: usize = 1 << 20;

/// The counts and the critical-items lines (kept until they are printed).
#[derive(Default)]
struct Summary {
    rows: usize,
    rejected: usize,
    critical_rows: usize,
    lines: String,
    /// The lines beyond [`LINES_IN_MEMORY`], in order.
    spill: Option<(PathBuf, std::fs::File)>,
}

impl Drop for Summary {
    fn drop(&mut self) {
        if let Some((path, _)) = self.spill.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Summary {
    fn add(&mut self, block: &Block) -> AppResult {
        for (i, outcome) in block.outcomes.iter().enumerate() {
            let flags = match outcome {
                Outcome::Flat(_) => &[][..],
                Outcome::Scored(s) => &s.critical[..],
                Outcome::Rejected(e) => {
                    self.rejected += 1;
                    e.critical()
                }
                Outcome::Unreadable(_) => {
                    self.rejected += 1;
                    &[][..]
                }
            };
            if !flags.is_empty() {
                self.critical_rows += 1;
            }
            let id = if block.has_id { block.id(i) } else { "-" };
            for f in flags {
                let _ = writeln!(self.lines, "  row {} id {id}: {f}", block.rows[i]);
            }
        }
        self.rows += block.len();
        if self.lines.len() > LINES_IN_MEMORY {
            if self.spill.is_none() {
                let path = std::env::temp_dir().join(format!(
                    "therapeutic-alliance-score-critical-{}.txt",
                    std::process::id()
                ));
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&path)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                self.spill = Some((path, file));
            }
            if let Some((path, file)) = &mut self.spill {
                file.write_all(self.lines.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            self.lines.clear();
        }
        Ok(())
    }

    /// Writes the critical-items summary: the count, then every line kept.
    fn write_critical(&mut self, inst: &Instrument, out: &mut impl Write) -> io::Result<()> {
        if inst.critical_rules().is_empty() {
            return writeln!(
                out,
                "critical items: {} declares no critical rule",
                inst.id()
            );
        }
        writeln!(
            out,
            "critical items: {} of {} administrations met a critical rule (a prompt for a clinician's assessment today, never a risk estimate)",
            self.critical_rows, self.rows
        )?;
        if let Some((_, file)) = &mut self.spill {
            use std::io::Seek as _;
            file.seek(io::SeekFrom::Start(0))?;
            io::copy(&mut io::BufReader::new(&*file), out)?;
        }
        out.write_all(self.lines.as_bytes())
    }

    fn counts(&self) -> String {
        format!(
            "{} rows, {} scored, {} rejected\n",
            self.rows,
            self.rows - self.rejected,
            self.rejected
        )
    }
}

/// Writes one element of the JSON array as `serde_json::to_string_pretty` of the whole array
/// would (indented one level; a JSON string holds no raw newline, so lines are safe to indent).
fn json_element(out: &mut impl Write, element: &[u8], first: bool) -> io::Result<()> {
    out.write_all(if first { b"[\n" } else { b",\n" })?;
    for (k, line) in element.split(|&b| b == b'\n').enumerate() {
        if k > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"  ")?;
        out.write_all(line)?;
    }
    Ok(())
}

/// Stops quietly when stdout is a closed pipe (`… | head`), as Unix tools do.
fn written(r: io::Result<()>) -> AppResult {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        r => Ok(r?),
    }
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        run(&args)
    });
}

fn run(args: &Parsed) -> AppResult {
    let csv_out = args.value("csv").map(PathBuf::from);
    if args.flag("json") && csv_out.is_some() {
        return Err("use only one of --json and --csv".into());
    }
    let inst = instrument(args)?;
    let path = if let Some(f) = args.file() {
        f.into()
    } else {
        let p = common::bundled_responses(inst.id());
        if !p.exists() {
            return Err(format!("no bundled data for {}; pass a CSV file", inst.id()).into());
        }
        p
    };
    let (mut input, cols) = Input::open(&path, &inst)?;
    let names: Vec<String> = inst.subscales().iter().map(|s| s.name.clone()).collect();
    let has_id = cols.id_column().is_some();
    let mut summary = Summary::default();
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    if args.flag("json") {
        let mut elements = 0;
        let mut text = Vec::new();
        for_each_block(&mut input, &path, &inst, has_id, |block, _| {
            for i in 0..block.len() {
                text.clear();
                serde_json::to_writer_pretty(&mut text, &block.json(i, &names))?;
                written(json_element(&mut out, &text, elements == 0))?;
                elements += 1;
            }
            Ok(())
        })?;
        let end: &[u8] = if elements == 0 { b"[]\n" } else { b"\n]\n" };
        return written(out.write_all(end).and_then(|()| out.flush()));
    }
    let mut headers = vec!["row", "id", "critical", "total"];
    headers.extend(names.iter().map(String::as_str));
    headers.extend(["answered", "prorated", "band", "cutoff_met", "error"]);
    let mut cells = vec![String::new(); headers.len()];
    written(writeln!(
        out,
        "{} ({}), {}",
        inst.name(),
        inst.id(),
        path.display()
    ))?;
    if let Some(csv_path) = csv_out {
        let mut w = csv::Writer::from_path(&csv_path)
            .map_err(|e| format!("cannot write {}: {e}", csv_path.display()))?;
        let in_csv = |e: csv::Error| format!("cannot write {}: {e}", csv_path.display());
        w.write_record(&headers).map_err(in_csv)?;
        for_each_block(&mut input, &path, &inst, has_id, |block, _| {
            summary.add(block)?;
            for i in 0..block.len() {
                block.cells(i, &names, &mut cells);
                w.write_record(&cells).map_err(in_csv)?;
            }
            Ok(())
        })?;
        w.flush()
            .map_err(|e| format!("cannot write {}: {e}", csv_path.display()))?;
        let wrote = format!("wrote {} ({} rows)\n", csv_path.display(), summary.rows);
        return written(
            summary
                .write_critical(&inst, &mut out)
                .and_then(|()| out.write_all(summary.counts().as_bytes()))
                .and_then(|()| out.write_all(wrote.as_bytes()))
                .and_then(|()| out.flush()),
        );
    }
    // The first block sets the columns' widths; a file that fits in it is printed whole,
    // critical items first.
    let mut widths = Vec::new();
    let mut whole = false;
    let mut text = String::new();
    for_each_block(&mut input, &path, &inst, has_id, |block, last| {
        summary.add(block)?;
        if !widths.is_empty() {
            text.clear();
            for i in 0..block.len() {
                block.cells(i, &names, &mut cells);
                table_line(&mut text, cells.iter().map(String::as_str), &widths);
            }
            return written(out.write_all(text.as_bytes()));
        }
        let first: Vec<Vec<String>> = (0..block.len())
            .map(|i| {
                block.cells(i, &names, &mut cells);
                cells.clone()
            })
            .collect();
        widths = column_widths(&headers, &first);
        let table = format_table(&headers, &first);
        whole = last;
        if last || inst.critical_rules().is_empty() {
            written(summary.write_critical(&inst, &mut out))?;
        } else {
            written(writeln!(
                out,
                "critical items: listed after the table (more than {BLOCK} rows: the file is streamed)"
            ))?;
        }
        written(out.write_all(table.as_bytes()))
    })?;
    if !whole && !inst.critical_rules().is_empty() {
        written(summary.write_critical(&inst, &mut out))?;
    }
    written(
        out.write_all(summary.counts().as_bytes())
            .and_then(|()| out.flush()),
    )
}

/// Reads and scores the file block by block on one thread while `each(block, last)` writes
/// the previous block on this one (two blocks in flight, reused), in file order.
fn for_each_block(
    input: &mut Input,
    path: &Path,
    inst: &Instrument,
    has_id: bool,
    mut each: impl FnMut(&Block, bool) -> AppResult,
) -> AppResult {
    let (full_tx, full_rx) = mpsc::sync_channel::<(Block, bool)>(1);
    let (free_tx, free_rx) = mpsc::channel::<Block>();
    for _ in 0..2 {
        let _ = free_tx.send(Block::new(inst.item_count(), has_id));
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<(), String> {
            let mut answers = Responses::with_capacity(inst.item_count());
            while let Ok(mut block) = free_rx.recv() {
                let more = input
                    .fill(path, &mut block, inst, &mut answers)
                    .map_err(|e| e.to_string())?;
                block.score(inst, &mut answers);
                if full_tx.send((block, !more)).is_err() || !more {
                    break;
                }
            }
            Ok(())
        });
        let mut result = Ok(());
        for (block, last) in &full_rx {
            result = each(&block, last);
            if result.is_err() {
                break;
            }
            let _ = free_tx.send(block);
        }
        // the reader stops at its next send or receive
        drop(full_rx);
        drop(free_tx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err("the reading thread failed".to_owned()));
        result.and(read.map_err(Into::into))
    })
}
