//! From export records straight into what the analyses need: scores, per-instrument
//! reliability accumulators (total and subscales) and courses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::reader::ExportRecord;
use super::spec::ExportSpec;
use crate::course::{Course, CourseError};
use crate::document::ErrorDocument;
use crate::id::{ClientId, CounsellorId};
use crate::instrument::{Instrument, Keying};
use crate::score::{Answer, BatchScores, RecordScore, Responses, Score, ScoreError};
use crate::session::{Administration, Session};
use crate::stats::{Alpha, AlphaAccumulator, AlphaOptions, StatsError};

/// A record's score from [`ExportScorer::score`] (borrowed until the next call).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ScoredRecord<'a> {
    /// Total, answered, prorated, band and cutoff flag.
    pub score: RecordScore,
    /// Subscale scores in the instrument's subscale order (`None` for an unscored subscale).
    pub subscales: &'a [Option<f64>],
}

/// Scores export records without allocating per record: one reusable [`BatchScores`] per
/// instrument of the description, each record scored by the instrument's own rule
/// (including its published missing-data rule: prorating where the source gives one).
#[derive(Debug, Clone)]
pub struct ExportScorer {
    outs: Vec<BatchScores>,
}

impl ExportScorer {
    /// A scorer for the instruments of `spec`.
    #[must_use]
    pub fn new(spec: &ExportSpec) -> Self {
        Self {
            outs: vec![BatchScores::new(); spec.instruments().len()],
        }
    }

    /// Scores one usable record: the numbers and the subscale scores (in the instrument's
    /// subscale order, `None` for an unscored subscale). `None` for a record with rejected
    /// cells (see [`ExportRecord::rejected`]).
    pub fn score(
        &mut self,
        record: &ExportRecord<'_>,
    ) -> Option<Result<ScoredRecord<'_>, ScoreError>> {
        if !record.is_usable() {
            return None;
        }
        let out = self.outs.get_mut(record.index)?;
        record.instrument.score_dense(record.answers, out);
        let outcome = out.records().first()?.outcome.clone();
        Some(outcome.map(|score| ScoredRecord {
            score,
            subscales: out.subscales(0).unwrap_or(&[]),
        }))
    }

    /// As [`ExportScorer::score`], as a full [`Score`] (allocates).
    pub fn full_score(&mut self, record: &ExportRecord<'_>) -> Option<Result<Score, ScoreError>> {
        if !record.is_usable() {
            return None;
        }
        let out = self.outs.get_mut(record.index)?;
        record.instrument.score_dense(record.answers, out);
        out.score(0)
    }
}

/// Rows buffered before they are pushed into an accumulator (its fast block path).
const BLOCK_ROWS: usize = 256;

#[derive(Debug, Clone)]
struct ScaleAcc {
    name: String,
    positions: Vec<usize>,
    acc: AlphaAccumulator,
    buffer: Vec<f64>,
    incomplete: usize,
    /// The first error of a block (values were checked against the instrument's scale, so
    /// they are finite and whole rows; only a scale whose squares overflow `f64`, or more
    /// than 2^53 rows, can fail): reported by `finish` instead of alpha on fewer rows.
    failed: Option<StatsError>,
}

impl ScaleAcc {
    fn new(name: String, positions: Vec<usize>, acc: AlphaAccumulator) -> Self {
        Self {
            name,
            positions,
            acc,
            buffer: Vec::new(),
            incomplete: 0,
            failed: None,
        }
    }

    fn flush(&mut self) {
        if !self.buffer.is_empty() {
            if let Err(e) = self.acc.push_rows(&self.buffer) {
                self.failed.get_or_insert(e);
            }
            self.buffer.clear();
        }
    }
}

/// One scale's reliability from [`ReliabilityAccumulator::finish`].
///
/// As JSON: `scale`, `n`, `incomplete` and either `"alpha": {…}` or, when alpha cannot be
/// computed, `"error": {"code": …, "message": …}` (an [`ErrorDocument`]): no Rust `Result`
/// layout in the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "ScaleReliabilityDoc", from = "ScaleReliabilityDoc")]
#[non_exhaustive]
pub struct ScaleReliability {
    /// `"total"` or the subscale's name.
    pub scale: String,
    /// Administrations complete on this scale's items (the complete cases used).
    pub n: usize,
    /// Administrations left out because an item of this scale was missing.
    pub incomplete: usize,
    /// Cronbach's alpha and item statistics (as psych::alpha), or why it cannot be computed
    /// (e.g. fewer than two complete administrations) as an error document with its code.
    pub alpha: Result<Alpha, ErrorDocument>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AlphaOutcome {
    Alpha(Box<Alpha>),
    Error(ErrorDocument),
}

#[derive(Serialize, Deserialize)]
struct ScaleReliabilityDoc {
    scale: String,
    n: usize,
    incomplete: usize,
    #[serde(flatten)]
    outcome: AlphaOutcome,
}

impl From<ScaleReliability> for ScaleReliabilityDoc {
    fn from(s: ScaleReliability) -> Self {
        Self {
            scale: s.scale,
            n: s.n,
            incomplete: s.incomplete,
            outcome: match s.alpha {
                Ok(a) => AlphaOutcome::Alpha(Box::new(a)),
                Err(e) => AlphaOutcome::Error(e),
            },
        }
    }
}

impl From<ScaleReliabilityDoc> for ScaleReliability {
    fn from(d: ScaleReliabilityDoc) -> Self {
        Self {
            scale: d.scale,
            n: d.n,
            incomplete: d.incomplete,
            alpha: match d.outcome {
                AlphaOutcome::Alpha(a) => Ok(*a),
                AlphaOutcome::Error(e) => Err(e),
            },
        }
    }
}

/// Streaming Cronbach's alpha for one instrument's total and each of its subscales (of at
/// least two items), fed with export records: complete cases per scale, reverse-keyed items
/// keyed from the instrument's definition before they are accumulated (so no psych-style
/// reversal over the data is needed). Memory does not grow with the number of records.
#[derive(Debug, Clone)]
pub struct ReliabilityAccumulator {
    instrument: String,
    keyed: Vec<(f64, f64)>,
    item_names: Vec<String>,
    scales: Vec<ScaleAcc>,
}

impl ReliabilityAccumulator {
    /// An empty accumulator for `instrument`.
    ///
    /// # Errors
    /// [`StatsError::TooFewCases`] for an instrument of fewer than two items,
    /// [`StatsError::TooLarge`] for more than [`AlphaAccumulator::MAX_ITEMS`] (a subscale of
    /// more is left out).
    pub fn new(instrument: &Instrument) -> Result<Self, StatsError> {
        let scale = instrument.scale();
        let (lo, hi) = scale.bounds();
        let bipolar = matches!(scale, crate::instrument::ResponseScale::Bipolar { .. });
        let keyed = instrument
            .items()
            .iter()
            .map(|it| match (it.keying, bipolar) {
                (Keying::Positive, _) => (0.0, 1.0),
                (Keying::Reverse, true) => (0.0, -1.0),
                (Keying::Reverse, false) => (lo + hi, -1.0),
            })
            .collect();
        let n = instrument.item_count();
        let mut scales = vec![ScaleAcc::new(
            "total".to_owned(),
            (0..n).collect(),
            AlphaAccumulator::new(n)?,
        )];
        for sub in instrument.subscales() {
            let positions: Vec<usize> = instrument
                .items()
                .iter()
                .enumerate()
                .filter(|(_, it)| it.subscale.as_deref() == Some(sub.name.as_str()))
                .map(|(p, _)| p)
                .collect();
            if let Ok(acc) = AlphaAccumulator::new(positions.len()) {
                scales.push(ScaleAcc::new(sub.name.clone(), positions, acc));
            }
        }
        Ok(Self {
            instrument: instrument.id().to_owned(),
            keyed,
            item_names: instrument.item_numbers().map(|i| i.to_string()).collect(),
            scales,
        })
    }

    /// The instrument's id.
    #[must_use]
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    /// Adds one administration's answers (one per item, [`Instrument::item_numbers`] order,
    /// already validated: use records of this instrument that are
    /// [usable](ExportRecord::is_usable)). Other lengths are ignored.
    pub fn push(&mut self, answers: &[Answer]) {
        if answers.len() != self.keyed.len() {
            return;
        }
        for s in &mut self.scales {
            let start = s.buffer.len();
            let mut complete = true;
            for &p in &s.positions {
                if let Answer::Value(x) = answers[p] {
                    let (a, f) = self.keyed[p];
                    s.buffer.push(a + f * x);
                } else {
                    complete = false;
                    break;
                }
            }
            if !complete {
                s.buffer.truncate(start);
                s.incomplete += 1;
            } else if s.buffer.len() >= BLOCK_ROWS * s.positions.len() {
                s.flush();
            }
        }
    }

    /// Alpha for the total and each subscale (psych::alpha on the complete cases of each
    /// scale, items keyed). `options` supplies the rest (e.g. omega); its item names are
    /// replaced by the item numbers.
    #[must_use]
    pub fn finish(mut self, options: &AlphaOptions) -> Vec<ScaleReliability> {
        self.scales
            .iter_mut()
            .map(|s| {
                s.flush();
                let names: Vec<String> = s
                    .positions
                    .iter()
                    .map(|&p| self.item_names[p].clone())
                    .collect();
                let opts = options.clone().item_names(names);
                ScaleReliability {
                    scale: s.name.clone(),
                    n: s.acc.count(),
                    incomplete: s.incomplete,
                    alpha: match s.failed.take() {
                        Some(e) => Err(e),
                        None => s.acc.finish(&opts),
                    }
                    .map_err(|e| ErrorDocument::from_error(&e)),
                }
            })
            .collect()
    }
}

/// Why an export record could not join a course.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CourseRecordError {
    /// Courses need a session number and a date.
    #[error("line {line}: a course needs the session number and date")]
    NoSessionOrDate {
        /// The record's line.
        line: u64,
    },
    /// The therapist id is not a valid id.
    #[error("line {line}: therapist {therapist:?} is not a valid id")]
    InvalidTherapist {
        /// The record's line.
        line: u64,
        /// The cell.
        therapist: String,
    },
    /// A session with the same number has another date.
    #[error("line {line}: session {session} of {client} is dated both {first} and {second}")]
    DateConflict {
        /// The record's line.
        line: u64,
        /// The client.
        client: String,
        /// The session.
        session: u32,
        /// The date seen first.
        first: String,
        /// This record's date.
        second: String,
    },
    /// The session cannot hold this administration (e.g. the same instrument and respondent
    /// twice).
    #[error("line {line}: {message}")]
    Session {
        /// The record's line.
        line: u64,
        /// Why.
        message: String,
    },
    /// The client's sessions do not form a course (e.g. dates decreasing with the number).
    #[error("{client}: {source}")]
    Course {
        /// The client.
        client: String,
        /// Why.
        source: CourseError,
    },
}

/// The therapist id used when an export has no therapist column (a [`Session`] needs one).
pub const UNKNOWN_THERAPIST: &str = "unknown";

/// Collects scored export records into [`Course`]s (one per client id, sessions by number),
/// keeping only scores (not answers), so memory grows with the administrations, not the cells.
#[derive(Debug, Clone, Default)]
pub struct CourseCollector {
    clients: BTreeMap<String, BTreeMap<u32, Session>>,
    errors: Vec<CourseRecordError>,
}

impl CourseCollector {
    /// An empty collector.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record with its score. A record that cannot join a course is kept as an error
    /// ([`CourseCollector::finish`]).
    pub fn push(&mut self, record: &ExportRecord<'_>, score: Score) {
        if let Err(e) = self.try_push(record, Some(score)) {
            self.errors.push(e);
        }
    }

    /// Adds a usable record that has no score (e.g. too many missing answers) with its
    /// responses, so that monitoring still sees its answered critical items (an incomplete
    /// PHQ-9 with item 9 answered ≥ 1 still raises a `critical_item` alert); it adds nothing
    /// to the score series.
    pub fn push_unscored(&mut self, record: &ExportRecord<'_>) {
        if let Err(e) = self.try_push(record, None) {
            self.errors.push(e);
        }
    }

    fn try_push(
        &mut self,
        record: &ExportRecord<'_>,
        score: Option<Score>,
    ) -> Result<(), CourseRecordError> {
        let line = record.line;
        let (Some(number), Some(date)) = (record.session, record.date) else {
            return Err(CourseRecordError::NoSessionOrDate { line });
        };
        let therapist = record.therapist.unwrap_or(UNKNOWN_THERAPIST);
        let session_err = |e: &dyn std::fmt::Display| CourseRecordError::Session {
            line,
            message: e.to_string(),
        };
        let sessions = self.clients.entry(record.id.to_owned()).or_default();
        let session = match sessions.remove(&number) {
            Some(s) if s.date() != date => {
                let first = s.date().to_string();
                sessions.insert(number, s);
                return Err(CourseRecordError::DateConflict {
                    line,
                    client: record.id.to_owned(),
                    session: number,
                    first,
                    second: date.to_string(),
                });
            }
            Some(s) => s,
            None => {
                let client = ClientId::new(record.id).map_err(|e| session_err(&e))?;
                let counsellor = CounsellorId::new(therapist).map_err(|_| {
                    CourseRecordError::InvalidTherapist {
                        line,
                        therapist: therapist.to_owned(),
                    }
                })?;
                Session::new(client, counsellor, number, date).map_err(|e| session_err(&e))?
            }
        };
        let responses = match score {
            Some(_) => Responses::new(),
            None => record
                .instrument
                .item_numbers()
                .zip(record.answers.iter().copied())
                .collect(),
        };
        let adm = Administration::new(record.instrument.id(), record.respondent, responses, score)
            .map_err(|e| session_err(&e));
        let result = adm.and_then(|a| {
            session
                .clone()
                .with_administration(a)
                .map_err(|e| session_err(&e))
        });
        match result {
            Ok(s) => {
                sessions.insert(number, s);
                Ok(())
            }
            Err(e) => {
                sessions.insert(number, session);
                Err(e)
            }
        }
    }

    /// The courses, by client id, and every record or client that could not join one.
    #[must_use]
    pub fn finish(self) -> (Vec<Course>, Vec<CourseRecordError>) {
        let mut errors = self.errors;
        let mut courses = Vec::with_capacity(self.clients.len());
        for (client, sessions) in self.clients {
            match Course::new(sessions.into_values()) {
                Ok(c) => courses.push(c),
                Err(source) => errors.push(CourseRecordError::Course { client, source }),
            }
        }
        (courses, errors)
    }
}
