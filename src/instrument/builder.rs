//! [`InstrumentBuilder`]: an instrument definition assembled in code.

use super::critical::CriticalRule;
use super::{
    Aggregation, Band, Cutoff, Direction, Instrument, InstrumentError, Item, Keying, MissingRule,
    Norms, ResponseScale, Spec, Subscale, Verification,
};

/// Builds an [`Instrument`]; everything is validated in [`InstrumentBuilder::build`].
///
/// ```
/// use therapeutic_alliance::{
///     Answer, Instrument, InstrumentBuilder, Keying, MissingRule, Direction, ResponseScale,
///     Responses,
/// };
/// let mine = InstrumentBuilder::new("my-alliance", "My alliance check", ResponseScale::likert(1, 5))
///     .direction(Direction::HigherIsBetter)
///     .subscale_items("bond", &[1, 2])
///     .subscale_items("task", &[3, 4])
///     .reverse(&[2])
///     .missing(MissingRule::Prorate { max_missing: 1 })
///     .build()?;
/// let r: Responses = [(1, Answer::Value(5.0)), (2, Answer::Value(1.0)), (3, Answer::Value(4.0))]
///     .into_iter()
///     .collect();
/// let s = mine.score(&r)?;
/// assert_eq!(s.subscale("bond"), Some(10.0)); // 5 + (6 - 1)
/// assert!(s.prorated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentBuilder {
    pub(super) spec: Spec,
    pub(super) reverse: Vec<u16>,
}

impl InstrumentBuilder {
    /// Starts a definition. Defaults: verification [`Verification::Unverified`], no "does not
    /// apply" answer, no subscales, total and subscale scores [`Aggregation::Sum`],
    /// [`MissingRule::NoneAllowed`], [`Direction::HigherIsBetter`], no cutoff, bands or norms.
    #[must_use]
    pub fn new(id: impl Into<String>, name: impl Into<String>, scale: ResponseScale) -> Self {
        Self {
            spec: Spec {
                id: id.into(),
                name: name.into(),
                version: String::new(),
                citation: String::new(),
                licence: String::new(),
                verification: Verification::Unverified,
                scale,
                does_not_apply: false,
                subscales: Vec::new(),
                items: Vec::new(),
                total: Aggregation::Sum,
                subscale_scores: Aggregation::Sum,
                missing: MissingRule::NoneAllowed,
                direction: Direction::HigherIsBetter,
                cutoff: None,
                bands: Vec::new(),
                norms: None,
                reliable_change: None,
                alert_drop: None,
                critical: Vec::new(),
                notes: String::new(),
            },
            reverse: Vec::new(),
        }
    }

    /// Sets the id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.spec.id = id.into();
        self
    }

    /// Sets the name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.spec.name = name.into();
        self
    }

    /// Sets the version or form label.
    #[must_use]
    pub fn version(mut self, v: impl Into<String>) -> Self {
        self.spec.version = v.into();
        self
    }

    /// Sets the citation.
    #[must_use]
    pub fn citation(mut self, c: impl Into<String>) -> Self {
        self.spec.citation = c.into();
        self
    }

    /// Sets the licence note.
    #[must_use]
    pub fn licence(mut self, l: impl Into<String>) -> Self {
        self.spec.licence = l.into();
        self
    }

    /// Sets the verification status.
    #[must_use]
    pub fn verification(mut self, v: Verification) -> Self {
        self.spec.verification = v;
        self
    }

    /// Sets free-text notes.
    #[must_use]
    pub fn notes(mut self, n: impl Into<String>) -> Self {
        self.spec.notes = n.into();
        self
    }

    /// Sets the response scale.
    #[must_use]
    pub fn scale(mut self, scale: ResponseScale) -> Self {
        self.spec.scale = scale;
        self
    }

    /// Whether items accept a "does not apply" answer (default `false`).
    #[must_use]
    pub fn does_not_apply(mut self, allowed: bool) -> Self {
        self.spec.does_not_apply = allowed;
        self
    }

    /// Adds (or updates) a subscale with its own missing-item limit.
    #[must_use]
    pub fn subscale(mut self, name: impl Into<String>, max_missing: usize) -> Self {
        let name = name.into();
        if let Some(s) = self.spec.subscales.iter_mut().find(|s| s.name == name) {
            s.max_missing = max_missing;
        } else {
            self.spec.subscales.push(Subscale { name, max_missing });
        }
        self
    }

    /// Adds positively keyed items without a subscale.
    #[must_use]
    pub fn items(mut self, numbers: impl IntoIterator<Item = u16>) -> Self {
        for number in numbers {
            self.spec.items.push(Item {
                number,
                subscale: None,
                keying: Keying::Positive,
            });
        }
        self
    }

    /// Adds one item.
    #[must_use]
    pub fn item(mut self, item: Item) -> Self {
        self.spec.items.push(item);
        self
    }

    /// Adds positively keyed items to a subscale, creating the subscale (limit 0) if needed.
    #[must_use]
    pub fn subscale_items(mut self, subscale: &str, numbers: &[u16]) -> Self {
        if !self.spec.subscales.iter().any(|s| s.name == subscale) {
            self = self.subscale(subscale, 0);
        }
        for &number in numbers {
            self.spec.items.push(Item {
                number,
                subscale: Some(subscale.to_owned()),
                keying: Keying::Positive,
            });
        }
        self
    }

    /// Marks items as reverse-keyed (checked at build: unknown items are an error).
    #[must_use]
    pub fn reverse(mut self, numbers: &[u16]) -> Self {
        self.reverse.extend_from_slice(numbers);
        self
    }

    /// How the total is formed (default [`Aggregation::Sum`]).
    #[must_use]
    pub fn total(mut self, a: Aggregation) -> Self {
        self.spec.total = a;
        self
    }

    /// How subscale scores are formed (default [`Aggregation::Sum`]).
    #[must_use]
    pub fn subscale_scores(mut self, a: Aggregation) -> Self {
        self.spec.subscale_scores = a;
        self
    }

    /// The missing-data rule (default [`MissingRule::NoneAllowed`]).
    #[must_use]
    pub fn missing(mut self, rule: MissingRule) -> Self {
        self.spec.missing = rule;
        self
    }

    /// Which end of the total is good (default [`Direction::HigherIsBetter`]).
    #[must_use]
    pub fn direction(mut self, p: Direction) -> Self {
        self.spec.direction = p;
        self
    }

    /// The cutoff on the total (default none).
    #[must_use]
    pub fn cutoff(mut self, c: Cutoff) -> Self {
        self.spec.cutoff = Some(c);
        self
    }

    /// Severity bands, ascending (default none).
    #[must_use]
    pub fn bands(mut self, bands: Vec<Band>) -> Self {
        self.spec.bands = bands;
        self
    }

    /// Normative values for the total (default none).
    #[must_use]
    pub fn norms(mut self, n: Norms) -> Self {
        self.spec.norms = Some(n);
        self
    }

    /// A published reliable-change threshold in points (default none).
    #[must_use]
    pub fn reliable_change(mut self, points: f64) -> Self {
        self.spec.reliable_change = Some(points);
        self
    }

    /// Declares a critical (risk) item rule ([`CriticalRule`]): every scoring path applies it
    /// and reports it on the records that meet it. The rule's item or subscale must belong to
    /// the instrument; at most 64 rules, ids unique.
    #[must_use]
    pub fn critical(mut self, rule: CriticalRule) -> Self {
        self.spec.critical.push(rule);
        self
    }

    /// The published fall in the total, in points, since the previous rated session that calls
    /// for attention when the instrument is monitored (SRS: 1 point, OpenFIT). Default none:
    /// monitoring raises no drop alert unless the user sets one.
    #[must_use]
    pub fn alert_drop(mut self, points: f64) -> Self {
        self.spec.alert_drop = Some(points);
        self
    }

    /// Validates and builds the instrument.
    ///
    /// # Errors
    /// [`InstrumentError`] naming what is wrong: empty id or name, invalid scale, no items,
    /// item 0, duplicate items, unknown subscales or reverse items, subscale names that are not
    /// snake_case, limits that allow every item to be missing, a cutoff that flags the good end,
    /// bands out of order or range, invalid norms, a critical rule naming an item or subscale
    /// the instrument lacks (or repeating an id), a drop that is not finite and positive.
    pub fn build(self) -> Result<Instrument, InstrumentError> {
        let Self { mut spec, reverse } = self;
        for n in reverse {
            match spec.items.iter_mut().find(|i| i.number == n) {
                Some(item) => item.keying = Keying::Reverse,
                None => {
                    return Err(InstrumentError::UnknownItem {
                        instrument: spec.id,
                        item: n,
                    });
                }
            }
        }
        Instrument::from_spec(spec)
    }
}
