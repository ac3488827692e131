//! The answers of one administration: [`Answer`] and [`Responses`].

use serde::{Deserialize, Serialize};

use super::ScoreError;

/// One answer to one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The value marked on the form (validated against the scale when scored).
    Value(f64),
    /// The item was left blank.
    Missing,
    /// The respondent chose "does not apply" (only some instruments, e.g. the CARE Measure,
    /// offer it; elsewhere it is an error).
    DoesNotApply,
}

/// The answers of one administration, by item number (1-based).
///
/// Items not present count as [`Answer::Missing`]. A repeated item is an error: from
/// [`Responses::insert`] at once, and from [`FromIterator`] (which cannot fail) when the
/// responses are scored. Deserialisation rejects repeated items.
///
/// Serialised as `{"instrument": null, "answers": [[1, {"value": 4.0}], [2, "missing"]]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "ResponsesSpec", into = "ResponsesSpec")]
pub struct Responses {
    pub(super) answers: Vec<(u16, Answer)>,
    pub(super) duplicate: Option<u16>,
    pub(super) instrument: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponsesSpec {
    #[serde(default)]
    instrument: Option<String>,
    answers: Vec<(u16, Answer)>,
}

impl TryFrom<ResponsesSpec> for Responses {
    type Error = ScoreError;
    fn try_from(s: ResponsesSpec) -> Result<Self, ScoreError> {
        let mut r = Self::with_capacity(s.answers.len());
        r.instrument = s.instrument;
        for (item, a) in s.answers {
            r.insert(item, a)?;
        }
        Ok(r)
    }
}

impl From<Responses> for ResponsesSpec {
    fn from(r: Responses) -> Self {
        Self {
            instrument: r.instrument,
            answers: r.answers,
        }
    }
}

impl Responses {
    /// No answers yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// No answers yet, with room for `n`.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self {
            answers: Vec::with_capacity(n),
            duplicate: None,
            instrument: None,
        }
    }

    /// Tags the responses with the instrument they were collected with; scoring them with
    /// another instrument is then a [`ScoreError::WrongInstrument`].
    #[must_use]
    pub fn for_instrument(mut self, id: impl Into<String>) -> Self {
        self.instrument = Some(id.into());
        self
    }

    /// The instrument id the responses are tagged with, if any.
    #[must_use]
    pub fn instrument(&self) -> Option<&str> {
        self.instrument.as_deref()
    }

    /// Records the answer to `item`.
    ///
    /// # Errors
    /// [`ScoreError::DuplicateItem`] when `item` already has an answer.
    pub fn insert(&mut self, item: u16, answer: Answer) -> Result<(), ScoreError> {
        match self.answers.binary_search_by_key(&item, |&(i, _)| i) {
            Ok(_) => Err(ScoreError::DuplicateItem { item }),
            Err(pos) => {
                self.answers.insert(pos, (item, answer));
                Ok(())
            }
        }
    }

    /// The answer to `item`, if one was recorded.
    #[must_use]
    pub fn get(&self, item: u16) -> Option<Answer> {
        self.answers
            .binary_search_by_key(&item, |&(i, _)| i)
            .ok()
            .map(|p| self.answers[p].1)
    }

    /// Number of recorded answers (including `Missing` and `DoesNotApply`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The answers in ascending item order.
    #[must_use]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (u16, Answer)> + '_ {
        self.answers.iter().copied()
    }

    /// Removes every answer (keeps the allocation and the instrument tag).
    pub fn clear(&mut self) {
        self.answers.clear();
        self.duplicate = None;
    }
}

impl FromIterator<(u16, Answer)> for Responses {
    fn from_iter<T: IntoIterator<Item = (u16, Answer)>>(iter: T) -> Self {
        let mut answers: Vec<(u16, Answer)> = iter.into_iter().collect();
        answers.sort_by_key(|&(i, _)| i);
        let duplicate = answers
            .windows(2)
            .find(|w| w[0].0 == w[1].0)
            .map(|w| w[0].0);
        Self {
            answers,
            duplicate,
            instrument: None,
        }
    }
}

impl Extend<(u16, Answer)> for Responses {
    fn extend<T: IntoIterator<Item = (u16, Answer)>>(&mut self, iter: T) {
        for (item, a) in iter {
            if self.insert(item, a).is_err() && self.duplicate.is_none() {
                self.duplicate = Some(item);
            }
        }
    }
}
