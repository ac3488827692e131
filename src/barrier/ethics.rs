//! Ethics rules on relationships with clients after termination: [`PostTerminationRule`],
//! [`ClientStatus`], [`check_relationship`] and its [`EthicsFinding`].

use serde::{Deserialize, Serialize};

use super::BarrierError;
use crate::date::SessionDate;

/// A rule on relationships with former clients: the interval after termination (or the last
/// professional contact) during which a sexual or romantic relationship is prohibited.
///
/// Presets: [`PostTerminationRule::apa_10_08`] (2 years; APA *Ethical Principles of Psychologists and
/// Code of Conduct* 2002/2017, standard 10.08; verified against two sources) and [`PostTerminationRule::aca_2014_a5c`] (5 years; ACA Code of Ethics 2014 A.5.c,
/// SECONDARY; Texas 22 TAC 681 and Ohio OAC 4757-5-04 use the same 5 years, PRIMARY). Other
/// jurisdictions: [`PostTerminationRule::new`].
///
/// # The boundary, exactly
/// With termination date *T* and an interval of *Y* years, the **earliest permitted date** is
/// the same month and day *Y* calendar years later; if *T* is 29 February and that year is not a
/// leap year, it is **1 March** (the interval has then fully elapsed; 28 February would be one
/// day short of the leap-day anniversary, so the crate takes the more protective reading). A
/// relationship beginning **on** the earliest permitted date is outside the prohibition (the
/// codes say "at least 2 years" / "for 5 years"), but still needs a documented
/// non-exploitation review (APA's seven factors; ACA's documented forethought); one day earlier
/// is a violation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PostTerminationRule {
    label: String,
    years: u16,
}

impl PostTerminationRule {
    /// APA Ethics Code 10.08: at least two years after termination.
    #[must_use]
    pub fn apa_10_08() -> Self {
        Self {
            label: "APA 10.08".to_owned(),
            years: 2,
        }
    }

    /// ACA Code of Ethics (2014) A.5.c: five years after the last professional contact.
    #[must_use]
    pub fn aca_2014_a5c() -> Self {
        Self {
            label: "ACA 2014 A.5.c".to_owned(),
            years: 5,
        }
    }

    /// A rule for another jurisdiction or code.
    ///
    /// # Errors
    /// [`BarrierError::ZeroInterval`] when `years` is 0.
    pub fn new(label: impl Into<String>, years: u16) -> Result<Self, BarrierError> {
        if years == 0 {
            return Err(BarrierError::ZeroInterval { years });
        }
        Ok(Self {
            label: label.into(),
            years,
        })
    }

    /// The code's label, e.g. `"APA 10.08"`.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The interval in years.
    #[must_use]
    pub fn years(&self) -> u16 {
        self.years
    }

    /// The earliest date a relationship with a client terminated on `termination` may begin
    /// (see the boundary definition above); `None` if it lies beyond year 9999.
    #[must_use]
    pub fn earliest_permitted(&self, termination: SessionDate) -> Option<SessionDate> {
        termination.anniversary(self.years)
    }
}

/// Whether the client was current or former when a relationship began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClientStatus {
    /// Therapy has not ended.
    Current,
    /// Therapy ended; `terminated` is the termination date or the last professional contact.
    Former {
        /// Termination date (or last professional contact).
        terminated: SessionDate,
    },
}

/// The outcome of the post-termination ethics check.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum EthicsFinding {
    /// A sexual relationship with a current client: always a violation (APA 10.05, ACA A.5.a).
    CurrentClientViolation,
    /// The relationship began within the prohibited interval.
    WithinInterval {
        /// The rule's label.
        rule: String,
        /// The earliest permitted date (`None` beyond year 9999).
        earliest_permitted: Option<SessionDate>,
        /// Days from the relationship's start to the earliest permitted date (≥ 1).
        days_short: i64,
    },
    /// Outside the interval: not prohibited by the interval, but a documented non-exploitation
    /// review is still required.
    RequiresReview {
        /// The rule's label.
        rule: String,
        /// The earliest permitted date.
        earliest_permitted: SessionDate,
    },
}

impl EthicsFinding {
    /// Whether the finding is a violation.
    #[must_use]
    pub fn is_violation(&self) -> bool {
        matches!(
            self,
            Self::CurrentClientViolation | Self::WithinInterval { .. }
        )
    }
}

/// Checks a sexual or romantic relationship that began on `began` against `rule`.
///
/// A relationship beginning before the termination date is with a current client. See
/// [`PostTerminationRule`] for the exact boundary.
///
/// # Examples
/// ```
/// use therapeutic_alliance::{check_relationship, ClientStatus, PostTerminationRule, SessionDate};
/// let terminated = SessionDate::new(2024, 2, 29)?;
/// let status = ClientStatus::Former { terminated };
/// let apa = PostTerminationRule::apa_10_08();
/// assert!(check_relationship(&apa, status, SessionDate::new(2026, 2, 28)?).is_violation());
/// assert!(!check_relationship(&apa, status, SessionDate::new(2026, 3, 1)?).is_violation());
/// assert!(check_relationship(&apa, ClientStatus::Current, SessionDate::new(2030, 1, 1)?).is_violation());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn check_relationship(
    rule: &PostTerminationRule,
    status: ClientStatus,
    began: SessionDate,
) -> EthicsFinding {
    let terminated = match status {
        ClientStatus::Current => return EthicsFinding::CurrentClientViolation,
        ClientStatus::Former { terminated } => terminated,
    };
    if began < terminated {
        return EthicsFinding::CurrentClientViolation;
    }
    match rule.earliest_permitted(terminated) {
        Some(earliest) if began >= earliest => EthicsFinding::RequiresReview {
            rule: rule.label.clone(),
            earliest_permitted: earliest,
        },
        Some(earliest) => EthicsFinding::WithinInterval {
            rule: rule.label.clone(),
            earliest_permitted: Some(earliest),
            days_short: began.days_until(earliest),
        },
        None => EthicsFinding::WithinInterval {
            rule: rule.label.clone(),
            earliest_permitted: None,
            days_short: began.days_until(SessionDate::MAX) + 1,
        },
    }
}
