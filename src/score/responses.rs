//! The answers of one administration: [`Answer`] and [`Responses`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ScoreError;
use crate::wire;

/// One answer to one item.
///
/// JSON: a number, `null` (blank) or `"does_not_apply"` (`"missing"` is read as blank).
/// `From` converts numbers (`Answer::from(4)`, `4.0.into()`) and options (`None` is blank).
#[derive(Debug, Clone, Copy, PartialEq)]
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
/// JSON (see [`guide::json_contract`](crate::guide::json_contract)): read from a map of item
/// number to answer (`{"1": 4, "2": null}`), an array in item order (`[4, null]`), or
/// `{"instrument": "srs", "answers": <map or array>}`; written as
/// `{"instrument": "srs", "answers": {"1": 4.0, "2": null}}` (`instrument` left out when
/// untagged). Anything else is refused with a message naming the shapes expected.
///
/// ```
/// use therapeutic_alliance::{Answer, Responses};
/// let r: Responses = serde_json::from_str(r#"{"1": 4, "2": null, "3": 5}"#)?;
/// assert_eq!(r.get(1), Some(Answer::Value(4.0)));
/// assert_eq!(r, serde_json::from_str::<Responses>("[4, null, 5]")?);
/// assert_eq!(serde_json::to_string(&r)?, r#"{"answers":{"1":4.0,"2":null,"3":5.0}}"#);
/// assert_eq!(r, Responses::from(vec![Some(4.0), None, Some(5.0)]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Responses {
    pub(super) answers: Vec<(u16, Answer)>,
    pub(super) duplicate: Option<u16>,
    pub(super) instrument: Option<String>,
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        wire::serialize_answer(*self, s)
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::deserialize_answer(d)
    }
}

impl From<f64> for Answer {
    fn from(v: f64) -> Self {
        Self::Value(v)
    }
}

impl From<i32> for Answer {
    fn from(v: i32) -> Self {
        Self::Value(f64::from(v))
    }
}

impl From<Option<f64>> for Answer {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Self::Missing, Self::Value)
    }
}

impl Serialize for Responses {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        wire::serialize_responses(self.instrument.as_deref(), &self.answers, s)
    }
}

impl<'de> Deserialize<'de> for Responses {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = wire::deserialize_responses(d)?;
        let mut r = Self::with_capacity(raw.answers.len());
        r.instrument = raw.instrument;
        for (item, a) in raw.answers {
            r.insert(item, a)
                .map_err(|e| serde::de::Error::custom(crate::document::raised(e)))?;
        }
        Ok(r)
    }
}

/// Answers in item order: the first is item 1.
impl<A: Into<Answer>> From<Vec<A>> for Responses {
    fn from(answers: Vec<A>) -> Self {
        (1..=u16::MAX)
            .zip(answers)
            .map(|(i, a)| (i, a.into()))
            .collect()
    }
}

impl Responses {
    /// No answers yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The most answers a `Responses` can hold: one per `u16` item number (65,536).
    pub const MAX_ANSWERS: usize = u16::MAX as usize + 1;

    /// No answers yet, with room for `n`, capped at [`Responses::MAX_ANSWERS`] (no more items
    /// exist, so a larger `n` never panics or aborts: it reserves room for the cap, about
    /// 1 MB). Use [`Responses::try_with_capacity`] to have a larger `n` refused.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self::try_with_capacity(n.min(Self::MAX_ANSWERS)).unwrap_or_default()
    }

    /// No answers yet, with room for `n`, reserved fallibly.
    ///
    /// # Errors
    /// [`ScoreError::TooLarge`] when `n` exceeds [`Responses::MAX_ANSWERS`] or the memory
    /// cannot be reserved.
    pub fn try_with_capacity(n: usize) -> Result<Self, ScoreError> {
        let too_large = || ScoreError::TooLarge {
            requested: n,
            max: Self::MAX_ANSWERS,
        };
        if n > Self::MAX_ANSWERS {
            return Err(too_large());
        }
        let mut answers = Vec::new();
        answers.try_reserve_exact(n).map_err(|_| too_large())?;
        Ok(Self {
            answers,
            duplicate: None,
            instrument: None,
        })
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
