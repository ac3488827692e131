//! The streaming reader: one CSV record at a time into a reused buffer, each administration
//! handed to the caller as borrowed slices (no copy of the file, no `String` per cell).

use std::collections::HashSet;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::codes::Cell;
use super::error::{CellError, CellProblem, ExportError};
use super::formats::looks_like_local_date;
use super::lines::RecordReader;
use super::spec::{ExportSpec, Layout};
use crate::date::SessionDate;
use crate::id::ClientId;
use crate::instrument::Instrument;
use crate::score::Answer;
use crate::session::Respondent;

/// Counts of what [`ExportReader`] has read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReadTally {
    /// Data rows read (file lines after the header, counting a multi-line record once).
    pub rows: usize,
    /// Rows rejected as a whole (a bad id, session, date, respondent or field count).
    pub rows_rejected: usize,
    /// Administrations handed out ([`ExportReader::next_record`]), usable or not.
    pub administrations: usize,
    /// Of those, administrations holding at least one rejected item cell.
    pub administrations_rejected: usize,
    /// (Wide layout) instrument slots of a row with every item cell missing: not given in
    /// that session, so no administration.
    pub not_administered: usize,
    /// Rejected cells ([`ExportReader::rejections`]).
    pub rejected_cells: usize,
}

/// One administration read from an export, borrowed from the reader until the next call.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ExportRecord<'a> {
    /// The file line of its row (long layout: of its first row); 1-based, header = line 1.
    pub line: u64,
    /// The client id (trimmed, validated as a [`ClientId`]).
    pub id: &'a str,
    /// The session number, if the export has a session column.
    pub session: Option<u32>,
    /// The date, if the export has a date column.
    pub date: Option<SessionDate>,
    /// Who answered (the respondent column, else the instrument's default).
    pub respondent: Respondent,
    /// The therapist id, if the export has a therapist column and the cell is not empty.
    pub therapist: Option<&'a str>,
    /// Index of the instrument in [`ExportSpec::instruments`].
    pub index: usize,
    /// The instrument.
    pub instrument: &'a Instrument,
    /// One answer per item in [`Instrument::item_numbers`] order; an answer whose cell was
    /// rejected is [`Answer::Missing`] here and listed in `rejected`.
    pub answers: &'a [Answer],
    /// The rejected item cells of this administration (empty when it is usable).
    pub rejected: &'a [CellError],
}

impl ExportRecord<'_> {
    /// Whether every item cell could be read (rejected administrations should not be
    /// scored: their bad cells are not missing answers).
    #[must_use]
    pub fn is_usable(&self) -> bool {
        self.rejected.is_empty()
    }

    /// How many answers are [`Answer::Missing`] or [`Answer::DoesNotApply`].
    #[must_use]
    pub fn missing(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| !matches!(a, Answer::Value(_)))
            .count()
    }
}

/// Per instrument: where its answers live in the shared buffer, and (wide) which column holds
/// the item at each position.
#[derive(Debug, Clone)]
struct Plan {
    offset: usize,
    len: usize,
    /// (column, position) in column order (wide layout).
    columns: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct KeyColumns {
    id: usize,
    session: Option<usize>,
    date: Option<usize>,
    respondent: Option<usize>,
    therapist: Option<usize>,
    /// (item, value) columns of the long layout.
    long: Option<(usize, usize)>,
    /// (Long layout) the instrument column, if any.
    long_instrument: Option<usize>,
}

/// The row (wide) or group of rows (long) being handed out.
#[derive(Debug, Clone, Default)]
struct Group {
    line: u64,
    id: String,
    session: Option<u32>,
    date: Option<SessionDate>,
    respondent: Option<Respondent>,
    therapist: String,
    answers: Vec<Answer>,
    /// (Long) the line each answer came from, 0 = not seen.
    lines: Vec<u64>,
    present: Vec<bool>,
    errors: Vec<Vec<CellError>>,
    /// Next instrument to hand out; `None` when the group is not ready.
    next: Option<usize>,
}

type Key = (String, Option<u32>, Option<Respondent>);

/// Reads an export described by an [`ExportSpec`] from any [`Read`], one administration at a
/// time ([`ExportReader::next_record`]). Memory does not grow with the file (the long layout
/// keeps one key per finished administration to detect non-consecutive rows; rejected cells
/// are kept for the report).
///
/// ```
/// use therapeutic_alliance::Instrument;
/// use therapeutic_alliance::export::{ExportReader, ExportSpec, InstrumentColumns};
/// let data = "ClientID,Session,ORS_1,ORS_2,ORS_3,ORS_4\n\
///             c1,1,5.0,6.1,4,NA\n\
///             c1,2,5.5,6.0,55,5\n";
/// let ors = Instrument::builtin("ors").ok_or("no ors")?;
/// let spec = ExportSpec::builder("ClientID")
///     .session("Session")
///     .instrument(InstrumentColumns::pattern(ors, "ORS_{item}")?)
///     .build()?;
/// let mut reader = ExportReader::new(data.as_bytes(), spec)?;
/// let first = reader.next_record()?.ok_or("no record")?;
/// assert_eq!((first.line, first.session, first.missing()), (2, Some(1), 1));
/// let second = reader.next_record()?.ok_or("no record")?;
/// assert!(!second.is_usable());
/// assert_eq!(
///     second.rejected[0].to_string(),
///     "line 3, column ORS_3: \"55\" is outside the scale 0.0..=10.0"
/// );
/// assert!(reader.next_record()?.is_none());
/// assert_eq!(reader.tally().rejected_cells, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ExportReader<R> {
    src: RecordReader<R>,
    spec: ExportSpec,
    headers: Vec<String>,
    keys: KeyColumns,
    plans: Vec<Plan>,
    /// (Long) lowercase item name → (instrument, position).
    names: Vec<(String, usize, usize)>,
    record: csv::ByteRecord,
    /// (Long) a row read that starts the next group.
    lookahead: Option<(csv::ByteRecord, u64)>,
    group: Group,
    closed: HashSet<Key>,
    log: Vec<CellError>,
    tally: ReadTally,
    eof: bool,
}

fn find(headers: &[String], column: &str, role: &'static str) -> Result<usize, ExportError> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(column.trim()))
        .ok_or_else(|| ExportError::MissingColumn {
            column: column.to_owned(),
            role,
        })
}

fn find_opt(
    headers: &[String],
    column: Option<&str>,
    role: &'static str,
) -> Result<Option<usize>, ExportError> {
    column.map(|c| find(headers, c, role)).transpose()
}

impl<R: Read> ExportReader<R> {
    /// Reads the header and matches it to `spec`.
    ///
    /// # Errors
    /// [`ExportError::MissingColumn`] when a named column is absent (wide: also an item
    /// without a column), [`ExportError::NoItemColumns`], [`ExportError::DuplicateColumn`],
    /// [`ExportError::Csv`] when the header cannot be read.
    pub fn new(reader: R, spec: ExportSpec) -> Result<Self, ExportError> {
        let mut src = RecordReader::new(reader);
        let mut first = csv::ByteRecord::new();
        src.read(&mut first)?;
        let headers: Vec<String> = first
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_owned())
            .collect();
        let keys = KeyColumns {
            id: find(&headers, &spec.id, "id")?,
            session: find_opt(&headers, spec.session.as_deref(), "session")?,
            date: find_opt(&headers, spec.date.as_deref(), "date")?,
            respondent: find_opt(&headers, spec.respondent.as_deref(), "respondent")?,
            therapist: find_opt(&headers, spec.therapist.as_deref(), "therapist")?,
            long: match &spec.layout {
                Layout::Long { item, value, .. } => Some((
                    find(&headers, item, "item")?,
                    find(&headers, value, "value")?,
                )),
                Layout::Wide => None,
            },
            long_instrument: match &spec.layout {
                Layout::Long {
                    instrument: Some(c),
                    ..
                } => Some(find(&headers, c, "instrument")?),
                _ => None,
            },
        };
        let mut plans = Vec::with_capacity(spec.instruments.len());
        let mut names = Vec::new();
        let mut offset = 0;
        for (k, ic) in spec.instruments.iter().enumerate() {
            let inst = &ic.instrument;
            let mut plan = Plan {
                offset,
                len: inst.item_count(),
                columns: Vec::new(),
            };
            offset += plan.len;
            if keys.long.is_some() {
                for (pos, item) in inst.item_numbers().enumerate() {
                    let name = match &ic.items {
                        super::spec::ItemColumns::Pattern { pattern } => pattern.column(item),
                        super::spec::ItemColumns::Named { columns } => {
                            columns.get(&item).cloned().unwrap_or_default()
                        }
                    };
                    if !name.is_empty() {
                        names.push((name.trim().to_ascii_lowercase(), k, pos));
                    }
                }
            } else {
                let mut seen: Vec<Option<usize>> = vec![None; plan.len];
                for (col, h) in headers.iter().enumerate() {
                    let Some(pos) = ic.items.item(h).and_then(|i| inst.item_position(i)) else {
                        continue;
                    };
                    if let Some(first) = seen[pos] {
                        return Err(ExportError::DuplicateColumn {
                            instrument: inst.id().to_owned(),
                            item: inst.items()[pos].number,
                            first: headers[first].clone(),
                            second: h.clone(),
                        });
                    }
                    seen[pos] = Some(col);
                    plan.columns.push((col, pos));
                }
                if plan.columns.is_empty() {
                    return Err(ExportError::NoItemColumns {
                        instrument: inst.id().to_owned(),
                        columns: ic.items.describe(),
                    });
                }
                if let Some(pos) = seen.iter().position(Option::is_none) {
                    let item = inst.items()[pos].number;
                    return Err(ExportError::MissingColumn {
                        column: match &ic.items {
                            super::spec::ItemColumns::Pattern { pattern } => pattern.column(item),
                            super::spec::ItemColumns::Named { columns } => columns
                                .get(&item)
                                .cloned()
                                .unwrap_or_else(|| item.to_string()),
                        },
                        role: "item",
                    });
                }
            }
            plans.push(plan);
        }
        let n = spec.instruments.len();
        let group = Group {
            answers: vec![Answer::Missing; offset],
            lines: vec![0; offset],
            present: vec![false; n],
            errors: vec![Vec::new(); n],
            ..Group::default()
        };
        Ok(Self {
            src,
            spec,
            headers,
            keys,
            plans,
            names,
            record: csv::ByteRecord::new(),
            lookahead: None,
            group,
            closed: HashSet::new(),
            log: Vec::new(),
            tally: ReadTally::default(),
            eof: false,
        })
    }

    /// The header's column names (trimmed).
    #[must_use]
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The description being read.
    #[must_use]
    pub fn spec(&self) -> &ExportSpec {
        &self.spec
    }

    /// What has been read so far.
    #[must_use]
    pub fn tally(&self) -> ReadTally {
        self.tally
    }

    /// Every rejected cell so far, in file order within each administration.
    #[must_use]
    pub fn rejections(&self) -> &[CellError] {
        &self.log
    }

    /// The next administration, `None` at the end of the file. Administrations of one row
    /// (wide) come in the order of [`ExportSpec::instruments`].
    ///
    /// # Errors
    /// [`ExportError::Csv`] only when the file cannot be read as CSV any further (an I/O
    /// error); bad cells are reported in the record and in [`ExportReader::rejections`].
    pub fn next_record(&mut self) -> Result<Option<ExportRecord<'_>>, ExportError> {
        loop {
            if let Some(k) = self.group.next {
                if let Some(k) = (k..self.plans.len()).find(|&k| self.group.present[k]) {
                    self.group.next = Some(k + 1);
                    return Ok(Some(self.emit(k)));
                }
                self.tally.not_administered += self.group.present.iter().filter(|p| !**p).count()
                    * usize::from(self.keys.long.is_none());
                self.group.next = None;
            }
            if self.eof {
                return Ok(None);
            }
            if self.keys.long.is_some() {
                self.fill_long()?;
            } else {
                self.fill_wide()?;
            }
        }
    }

    fn emit(&mut self, k: usize) -> ExportRecord<'_> {
        let start = self.log.len();
        let errors = std::mem::take(&mut self.group.errors[k]);
        let bad = !errors.is_empty();
        self.tally.rejected_cells += errors.len();
        self.log.extend(errors);
        self.tally.administrations += 1;
        self.tally.administrations_rejected += usize::from(bad);
        let plan = &self.plans[k];
        let ic = &self.spec.instruments[k];
        let g = &self.group;
        ExportRecord {
            line: g.line,
            id: &g.id,
            session: g.session,
            date: g.date,
            respondent: g.respondent.unwrap_or(ic.respondent),
            therapist: (!g.therapist.is_empty()).then_some(g.therapist.as_str()),
            index: k,
            instrument: &ic.instrument,
            answers: &g.answers[plan.offset..plan.offset + plan.len],
            rejected: &self.log[start..],
        }
    }

    fn reset_group(&mut self) {
        let g = &mut self.group;
        g.answers.fill(Answer::Missing);
        g.lines.fill(0);
        g.present.fill(false);
        for e in &mut g.errors {
            e.clear();
        }
    }

    /// Reads the key cells of `record` into the group; `false` (with the cells logged) when
    /// the row must be rejected.
    fn read_keys(&mut self, record: &csv::ByteRecord, line: u64) -> bool {
        let before = self.log.len();
        // A bad date cell is reported but does not reject its row: scoring and reliability
        // need no date; the record only cannot join a course (its date is `None`).
        let mut date_errors = 0;
        let k = self.keys;
        let cell = |c: usize| record.get(c).unwrap_or_default();
        if record.len() != self.headers.len() {
            let last = record.len().saturating_sub(1);
            let column = self.headers.get(last).map_or("", String::as_str);
            self.log.push(CellError::new(
                line,
                column,
                cell(last),
                CellProblem::FieldCount {
                    expected: self.headers.len(),
                },
            ));
        }
        let raw = cell(k.id).trim_ascii();
        let id = std::str::from_utf8(raw)
            .ok()
            .filter(|s| ClientId::new(*s).is_ok());
        self.group.id.clear();
        match id {
            Some(s) => self.group.id.push_str(s),
            None => self.log.push(CellError::new(
                line,
                &self.headers[k.id],
                raw,
                CellProblem::InvalidId,
            )),
        }
        self.group.session = None;
        if let Some(c) = k.session {
            let raw = cell(c).trim_ascii();
            match self.session_number(raw) {
                Some(n) => self.group.session = Some(n),
                None => self.log.push(CellError::new(
                    line,
                    &self.headers[c],
                    raw,
                    CellProblem::InvalidSession,
                )),
            }
        }
        self.group.date = None;
        if let Some(c) = k.date {
            let raw = cell(c).trim_ascii();
            let text = std::str::from_utf8(raw).unwrap_or_default();
            let parsed = match &self.spec.date_format {
                Some(f) => f.parse(text),
                None => text.parse::<SessionDate>().ok(),
            };
            self.group.date = parsed;
            if parsed.is_none() {
                let problem = match &self.spec.date_format {
                    Some(f) => CellProblem::NotInDateFormat {
                        format: f.to_string(),
                    },
                    None if looks_like_local_date(text) => CellProblem::LocalDate,
                    None => CellProblem::InvalidDate,
                };
                self.log
                    .push(CellError::new(line, &self.headers[c], raw, problem));
                date_errors += 1;
            }
        }
        self.group.respondent = None;
        if let Some(c) = k.respondent {
            let raw = cell(c).trim_ascii();
            let r = [
                ("client", Respondent::Client),
                ("therapist", Respondent::Therapist),
                ("observer", Respondent::Observer),
            ]
            .into_iter()
            .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(raw));
            match r {
                Some((_, r)) => self.group.respondent = Some(r),
                None => self.log.push(CellError::new(
                    line,
                    &self.headers[c],
                    raw,
                    CellProblem::InvalidRespondent,
                )),
            }
        }
        self.group.therapist.clear();
        if let Some(c) = k.therapist {
            self.group
                .therapist
                .push_str(&String::from_utf8_lossy(cell(c).trim_ascii()));
        }
        self.group.line = line;
        self.tally.rejected_cells += self.log.len() - before;
        let ok = self.log.len() - before == date_errors;
        if !ok {
            self.tally.rows_rejected += 1;
        }
        ok
    }

    /// Classifies one item cell into the group's answer slot `slot` of instrument `k`; whether
    /// the cell held anything (not a missing code).
    /// The session number in a session cell: a whole number ≥ 1, or the number the
    /// description's [`SessionPattern`](super::SessionPattern) finds in its text.
    fn session_number(&self, raw: &[u8]) -> Option<u32> {
        let text = std::str::from_utf8(raw).ok()?.trim();
        match &self.spec.session_pattern {
            Some(p) => p.session(text),
            None => text.parse::<u32>().ok().filter(|&n| n >= 1),
        }
    }

    /// (Long layout) the instrument and item position a row names: with an instrument
    /// column, the instrument by id and the item by number or column name; without, the item
    /// by column name among every instrument's. `Err` holds the cell at fault.
    fn long_target(
        &self,
        record: &csv::ByteRecord,
        item_col: usize,
        name: &str,
    ) -> Result<(usize, usize), (usize, CellProblem)> {
        let Some(ic) = self.keys.long_instrument else {
            return self
                .names
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|&(_, k, pos)| (k, pos))
                .ok_or((item_col, CellProblem::UnknownItem));
        };
        let raw = String::from_utf8_lossy(record.get(ic).unwrap_or_default().trim_ascii())
            .to_ascii_lowercase()
            .replace('_', "-");
        let k = self
            .spec
            .instruments
            .iter()
            .position(|i| i.instrument.id().to_ascii_lowercase().replace('_', "-") == raw)
            .ok_or((ic, CellProblem::UnknownInstrument))?;
        let inst = &self.spec.instruments[k].instrument;
        let by_number = name.parse::<u16>().ok().and_then(|n| inst.item_position(n));
        by_number
            .or_else(|| {
                self.names
                    .iter()
                    .find(|(n, kk, _)| *kk == k && n == name)
                    .map(|&(_, _, pos)| pos)
            })
            .map(|pos| (k, pos))
            .ok_or((item_col, CellProblem::UnknownItem))
    }

    fn put(&mut self, k: usize, pos: usize, raw: &[u8], column: usize, line: u64) -> bool {
        let inst = &self.spec.instruments[k].instrument;
        let slot = self.plans[k].offset + pos;
        let problem = match self.spec.codes.classify(raw) {
            Cell::Missing => return false,
            // whole steps of a Likert scale: no libm call (the common case, checked first)
            Cell::Number(x)
                if matches!(inst.scale(), crate::instrument::ResponseScale::Likert { min, max }
                    if x >= f64::from(min) && x <= f64::from(max) && f64::from(x as i32) == x) =>
            {
                self.group.answers[slot] = Answer::Value(x);
                return true;
            }
            Cell::Number(x) => match inst.scale().check(x) {
                Ok(()) => {
                    self.group.answers[slot] = Answer::Value(x);
                    return true;
                }
                Err(crate::instrument::scale::Reject::NotAStep) => CellProblem::NotAStep {
                    scale: inst.scale().to_string(),
                },
                Err(_) => CellProblem::OutOfScale {
                    scale: inst.scale().to_string(),
                },
            },
            Cell::DoesNotApply if inst.has_does_not_apply() => {
                self.group.answers[slot] = Answer::DoesNotApply;
                return true;
            }
            Cell::DoesNotApply => CellProblem::DoesNotApplyNotAllowed,
            Cell::Text => CellProblem::NotANumber,
        };
        self.group.errors[k].push(CellError::new(line, &self.headers[column], raw, problem));
        true
    }

    fn read_record(&mut self) -> Result<Option<(csv::ByteRecord, u64)>, ExportError> {
        if let Some(r) = self.lookahead.take() {
            return Ok(Some(r));
        }
        let mut record = std::mem::take(&mut self.record);
        let Some(line) = self.src.read(&mut record)? else {
            self.record = record;
            return Ok(None);
        };
        self.tally.rows += 1;
        Ok(Some((record, line)))
    }

    fn fill_wide(&mut self) -> Result<(), ExportError> {
        let Some((record, line)) = self.read_record()? else {
            self.eof = true;
            return Ok(());
        };
        self.reset_group();
        if self.read_keys(&record, line) {
            for k in 0..self.plans.len() {
                let mut present = false;
                for i in 0..self.plans[k].columns.len() {
                    let (col, pos) = self.plans[k].columns[i];
                    present |= self.put(k, pos, record.get(col).unwrap_or_default(), col, line);
                }
                self.group.present[k] = present;
            }
            self.group.next = Some(0);
        }
        self.record = record;
        Ok(())
    }

    fn fill_long(&mut self) -> Result<(), ExportError> {
        let Some((item_col, value_col)) = self.keys.long else {
            return Ok(());
        };
        let mut started = false;
        let mut name = String::new();
        loop {
            let Some((record, line)) = self.read_record()? else {
                self.eof = true;
                break;
            };
            if started && !self.same_key(&record) {
                self.lookahead = Some((record, line));
                break;
            }
            if !started {
                self.reset_group();
                if !self.read_keys(&record, line) {
                    self.record = record;
                    continue;
                }
                let key: Key = (
                    self.group.id.clone(),
                    self.group.session,
                    self.group.respondent,
                );
                if self.closed.contains(&key) {
                    let c = self.keys.id;
                    self.log.push(CellError::new(
                        line,
                        &self.headers[c],
                        record.get(c).unwrap_or_default(),
                        CellProblem::NotConsecutive,
                    ));
                    self.tally.rows_rejected += 1;
                    self.tally.rejected_cells += 1;
                    self.record = record;
                    continue;
                }
                started = true;
            } else if record.len() != self.headers.len() {
                // a malformed row inside a group: reject it alone
                let before = self.group.clone();
                let _ = self.read_keys(&record, line);
                self.group = before;
                self.record = record;
                continue;
            }
            name.clear();
            name.push_str(&String::from_utf8_lossy(
                record.get(item_col).unwrap_or_default().trim_ascii(),
            ));
            name.make_ascii_lowercase();
            let (k, pos) = match self.long_target(&record, item_col, &name) {
                Ok(t) => t,
                Err((col, problem)) => {
                    self.log.push(CellError::new(
                        line,
                        &self.headers[col],
                        record.get(col).unwrap_or_default(),
                        problem,
                    ));
                    self.tally.rows_rejected += 1;
                    self.tally.rejected_cells += 1;
                    self.record = record;
                    continue;
                }
            };
            let slot = self.plans[k].offset + pos;
            if self.group.lines[slot] != 0 {
                let first_line = self.group.lines[slot];
                self.group.errors[k].push(CellError::new(
                    line,
                    &self.headers[item_col],
                    record.get(item_col).unwrap_or_default(),
                    CellProblem::RepeatedItem { first_line },
                ));
            } else {
                self.group.lines[slot] = line;
                let raw = record.get(value_col).unwrap_or_default();
                // In the long layout a row is an answer even when its value is a missing
                // code: the instrument was given.
                self.put(k, pos, raw, value_col, line);
                self.group.present[k] = true;
            }
            self.record = record;
        }
        if started {
            self.closed.insert((
                self.group.id.clone(),
                self.group.session,
                self.group.respondent,
            ));
            self.group.next = Some(0);
        }
        Ok(())
    }

    /// Whether `record` belongs to the current group (same id, session and respondent).
    fn same_key(&self, record: &csv::ByteRecord) -> bool {
        let cell = |c: usize| record.get(c).unwrap_or_default().trim_ascii();
        let k = self.keys;
        if cell(k.id) != self.group.id.as_bytes() {
            return false;
        }
        if let Some(c) = k.session
            && self.session_number(cell(c)) != self.group.session
        {
            return false;
        }
        if let Some(c) = k.respondent {
            let r = self.group.respondent.map_or("", |r| match r {
                Respondent::Client => "client",
                Respondent::Therapist => "therapist",
                Respondent::Observer => "observer",
            });
            if !cell(c).eq_ignore_ascii_case(r.as_bytes()) {
                return false;
            }
        }
        true
    }
}
