//! Critical (risk) items: answers that must reach a clinician the same day.
//!
//! A [`CriticalRule`] names one item (or one subscale score), a [`Comparison`] and a threshold,
//! with the source of the rule and how well it is established ([`Verification`]). When a scored
//! administration meets the rule it yields a [`CriticalFlag`].
//!
//! **What a flag means.** A triggered critical item is a *prompt for a clinician's risk
//! assessment the same day*. It never estimates or predicts risk, and its absence never means
//! "no risk": PHQ-9 item 9 has a positive predictive value of about 29% against a structured
//! suicide-risk interview (Na et al.), and most suicides in the US Veterans Health
//! Administration cohort had answered it "not at all" (Louzon et al. 2016). Treat a flag as a
//! reason to ask, in person, before the contact ends.
//!
//! Built-in rules:
//!
//! | rule | target | trigger | status |
//! |---|---|---|---|
//! | [`CriticalRule::phq9_item9`] | PHQ-9 item 9 | answer ≥ 1 (any answer above "not at all") | verified convention: Simon et al. (2013), *Psychiatric Services* 64(12), doi:10.1176/appi.ps.201200587; Louzon et al. (2016), *Psychiatric Services* 67(5), doi:10.1176/appi.ps.201500149 |
//! | [`CriticalRule::core_om_risk`] | CORE-OM risk domain score (items 6, 9, 16, 22, 24, 34; clinical score 0–40) | a threshold **you choose** | the domain is verified; no published trigger was found, so there is no default |
//! | [`CriticalRule::core_10_risk`] | the CORE-10 risk item, **whose number you give** | answer ≥ 1 | the item number was not confirmed in two sources, so there is no default |

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{Answer, Comparison, Responses, Score, Verification};

/// What a critical rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum CriticalTarget {
    /// One item's raw answer, as marked on the form (before any reverse keying).
    Item {
        /// The item number (1-based).
        item: u16,
    },
    /// A subscale (domain) score, e.g. the CORE-OM risk domain.
    Subscale {
        /// The subscale's name, e.g. `"risk"`.
        name: String,
    },
}

impl fmt::Display for CriticalTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item { item } => write!(f, "item {item}"),
            Self::Subscale { name } => write!(f, "subscale {name}"),
        }
    }
}

/// Why a critical rule was refused.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CriticalRuleError {
    /// The rule id is empty or longer than 64 characters, or not `a-z 0-9 _ -`.
    #[error("critical rule id {id:?} must be 1-64 of a-z 0-9 _ -")]
    BadId {
        /// The id given.
        id: String,
    },
    /// The threshold is NaN or infinite.
    #[error("critical rule {id}: threshold {value} is not finite")]
    NonFiniteThreshold {
        /// The rule id.
        id: String,
        /// The threshold given.
        value: f64,
    },
    /// Item 0 or an empty subscale name.
    #[error("critical rule {id}: {target} is not a valid target")]
    BadTarget {
        /// The rule id.
        id: String,
        /// The target, as text.
        target: String,
    },
    /// The source is blank: every rule must say where it comes from.
    #[error("critical rule {id}: source is empty")]
    EmptySource {
        /// The rule id.
        id: String,
    },
}

/// A critical-item rule: "`target` `comparison` `threshold`" triggers a [`CriticalFlag`].
///
/// Validated on construction and on deserialisation (id of 1–64 `a-z 0-9 _ -`, finite
/// threshold, item ≥ 1, non-empty subscale name and source).
///
/// ```
/// use therapeutic_alliance::{Answer, CriticalRule, Instrument, Responses};
/// let phq = Instrument::builtin("phq-9").ok_or("no phq-9")?;
/// let rule = CriticalRule::phq9_item9();
/// let answers = [1, 1, 0, 1, 0, 0, 1, 0, 1]; // item 9 answered "several days"
/// let responses: Responses = (1..=9).zip(answers).map(|(i, x)| (i, Answer::Value(x.into()))).collect();
/// let score = phq.score(&responses)?;
/// let flag = rule.check(&responses, &score).ok_or("expected a flag")?;
/// assert_eq!(flag.value, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "CriticalRuleSpec", into = "CriticalRuleSpec")]
pub struct CriticalRule {
    spec: CriticalRuleSpec,
}

/// The serialised form of a [`CriticalRule`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct CriticalRuleSpec {
    id: String,
    target: CriticalTarget,
    comparison: Comparison,
    threshold: f64,
    source: String,
    verification: Verification,
}

impl TryFrom<CriticalRuleSpec> for CriticalRule {
    type Error = CriticalRuleError;
    fn try_from(s: CriticalRuleSpec) -> Result<Self, Self::Error> {
        Self::new(
            s.id,
            s.target,
            s.comparison,
            s.threshold,
            s.source,
            s.verification,
        )
    }
}

impl From<CriticalRule> for CriticalRuleSpec {
    fn from(r: CriticalRule) -> Self {
        r.spec
    }
}

const PHQ9_ITEM9_SOURCE: &str = "Simon, G. E., et al. (2013). Does response on the PHQ-9 \
depression questionnaire predict subsequent suicide attempt or suicide death? Psychiatric \
Services, 64(12), 1195-1202, doi:10.1176/appi.ps.201200587; Louzon, S. A., et al. (2016). Does \
suicidal ideation as measured by the PHQ-9 predict suicide among VA patients? Psychiatric \
Services, 67(5), 517-522, doi:10.1176/appi.ps.201500149";

impl CriticalRule {
    /// A rule.
    ///
    /// # Errors
    /// [`CriticalRuleError`] for a bad id, a non-finite threshold, item 0, an empty subscale
    /// name or an empty source.
    pub fn new(
        id: impl Into<String>,
        target: CriticalTarget,
        comparison: Comparison,
        threshold: f64,
        source: impl Into<String>,
        verification: Verification,
    ) -> Result<Self, CriticalRuleError> {
        let id = id.into();
        let source = source.into();
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !id_ok {
            return Err(CriticalRuleError::BadId { id });
        }
        if !threshold.is_finite() {
            return Err(CriticalRuleError::NonFiniteThreshold {
                id,
                value: threshold,
            });
        }
        let target_ok = match &target {
            CriticalTarget::Item { item } => *item >= 1,
            CriticalTarget::Subscale { name } => !name.trim().is_empty(),
        };
        if !target_ok {
            return Err(CriticalRuleError::BadTarget {
                id,
                target: target.to_string(),
            });
        }
        if source.trim().is_empty() {
            return Err(CriticalRuleError::EmptySource { id });
        }
        Ok(Self {
            spec: CriticalRuleSpec {
                id,
                target,
                comparison,
                threshold,
                source,
                verification,
            },
        })
    }

    /// PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above "not at
    /// all" (≥ 1): the standard prompt for a structured suicide-risk assessment before the
    /// contact ends. Verified as the convention in use (Simon et al. 2013; Louzon et al. 2016);
    /// it is a screen, never a risk prediction.
    #[must_use]
    pub fn phq9_item9() -> Self {
        Self {
            spec: CriticalRuleSpec {
                id: "phq9_item9".to_owned(),
                target: CriticalTarget::Item { item: 9 },
                comparison: Comparison::GreaterOrEqual,
                threshold: 1.0,
                source: PHQ9_ITEM9_SOURCE.to_owned(),
                verification: Verification::Verified,
            },
        }
    }

    /// The CORE-OM risk domain (items 6, 9, 16, 22, 24, 34; reported separately as the
    /// subscale `"risk"`, clinical score 0–40) meeting `comparison threshold`.
    ///
    /// There is **no default threshold**: the domain is established (Evans et al. 2002), but
    /// which value should trigger review was not found in a published source, so the service
    /// using the crate must choose it (for example `>= 1.0`, any endorsement of a risk item,
    /// since the domain is scored without prorating). The rule is marked
    /// [`Verification::Unverified`].
    ///
    /// # Errors
    /// [`CriticalRuleError::NonFiniteThreshold`].
    pub fn core_om_risk(comparison: Comparison, threshold: f64) -> Result<Self, CriticalRuleError> {
        Self::new(
            "core_om_risk",
            CriticalTarget::Subscale {
                name: "risk".to_owned(),
            },
            comparison,
            threshold,
            "CORE-OM risk domain, items 6, 9, 16, 22, 24, 34 (Evans et al. 2002, British \
             Journal of Psychiatry 180, 51-60); trigger threshold chosen by the user",
            Verification::Unverified,
        )
    }

    /// The CORE-10 risk item, numbered `item` by the caller, answered ≥ 1 (any endorsement).
    ///
    /// The CORE-10 has one risk item (Barkham et al. 2013), but its number was **not confirmed
    /// in two sources**, so the crate does not build the rule in: give the number from the
    /// form your service uses. The rule is marked [`Verification::Unverified`].
    ///
    /// # Errors
    /// [`CriticalRuleError::BadTarget`] for item 0.
    pub fn core_10_risk(item: u16) -> Result<Self, CriticalRuleError> {
        Self::new(
            "core_10_risk",
            CriticalTarget::Item { item },
            Comparison::GreaterOrEqual,
            1.0,
            "CORE-10 risk item (Barkham et al. 2013, Counselling and Psychotherapy Research \
             13(1), 3-13); item number given by the user",
            Verification::Unverified,
        )
    }

    /// The rules built into the catalogue's instrument `id`, applied by
    /// [`Instrument::score`](crate::Instrument::score): PHQ-9 item 9 for `"phq-9"`. The
    /// CORE-OM risk domain and the CORE-10 risk item have no built-in trigger (see the
    /// [module docs](self)); add them with [`CriticalRule::core_om_risk`] and
    /// [`CriticalRule::core_10_risk`] and [`CriticalRule::check`].
    #[must_use]
    pub fn builtin_for(id: &str) -> Vec<Self> {
        match id {
            "phq-9" => vec![Self::phq9_item9()],
            _ => Vec::new(),
        }
    }

    /// The rule's id, e.g. `"phq9_item9"`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// What the rule looks at.
    #[must_use]
    pub fn target(&self) -> &CriticalTarget {
        &self.spec.target
    }

    /// The comparison.
    #[must_use]
    pub fn comparison(&self) -> Comparison {
        self.spec.comparison
    }

    /// The threshold.
    #[must_use]
    pub fn threshold(&self) -> f64 {
        self.spec.threshold
    }

    /// Where the rule comes from.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.spec.source
    }

    /// How well the rule is established.
    #[must_use]
    pub fn verification(&self) -> Verification {
        self.spec.verification
    }

    /// The value the rule compares: the item's raw answer (`None` when missing or "does not
    /// apply") or the subscale score (`None` when unscored).
    #[must_use]
    pub fn value(&self, responses: &Responses, score: &Score) -> Option<f64> {
        match &self.spec.target {
            CriticalTarget::Item { item } => match responses.get(*item) {
                Some(Answer::Value(v)) => Some(v),
                _ => None,
            },
            CriticalTarget::Subscale { name } => score.subscale(name),
        }
    }

    /// The flag this rule raises on one scored administration, if it is met. A missing answer
    /// never triggers it (and never clears a concern: ask).
    #[must_use]
    pub fn check(&self, responses: &Responses, score: &Score) -> Option<CriticalFlag> {
        self.flag_for(self.value(responses, score)?)
    }

    /// The flag for an already known `value` of the rule's target, if it is met.
    #[must_use]
    pub fn flag_for(&self, value: f64) -> Option<CriticalFlag> {
        (value.is_finite() && self.spec.comparison.holds(value, self.spec.threshold)).then(|| {
            CriticalFlag {
                rule: self.spec.id.clone(),
                target: self.spec.target.clone(),
                value,
                comparison: self.spec.comparison,
                threshold: self.spec.threshold,
                verification: self.spec.verification,
            }
        })
    }
}

/// A critical rule that was met: a prompt for a clinician's assessment the same day, never a
/// risk estimate (see the [module docs](crate::critical)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CriticalFlag {
    /// The rule's id, e.g. `"phq9_item9"`.
    pub rule: String,
    /// What the rule looked at.
    pub target: CriticalTarget,
    /// The value found (raw answer or subscale score).
    pub value: f64,
    /// The rule's comparison.
    pub comparison: Comparison,
    /// The rule's threshold.
    pub threshold: f64,
    /// How well the rule is established.
    pub verification: Verification,
}

impl fmt::Display for CriticalFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "critical {}: {} = {} {} {} (prompt for a clinician's assessment today)",
            self.rule,
            self.target,
            self.value,
            self.comparison.symbol(),
            self.threshold
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Instrument;

    fn phq(item9: i32) -> (Responses, Score) {
        let phq = Instrument::builtin("phq-9").unwrap();
        let r: Responses = (1..=9)
            .map(|i| {
                (
                    i,
                    Answer::Value(if i == 9 { f64::from(item9) } else { 0.0 }),
                )
            })
            .collect();
        let s = phq.score(&r).unwrap();
        (r, s)
    }

    #[test]
    fn phq9_item9_triggers_at_one_and_above_only() {
        let rule = CriticalRule::phq9_item9();
        assert!(rule.check(&phq(0).0, &phq(0).1).is_none());
        for x in 1..=3 {
            let (r, s) = phq(x);
            let flag = rule.check(&r, &s).unwrap();
            assert_eq!(flag.value, f64::from(x));
            assert_eq!(flag.rule, "phq9_item9");
        }
    }

    #[test]
    fn missing_item_never_triggers() {
        let rule = CriticalRule::phq9_item9();
        let (_, s) = phq(3);
        assert!(rule.check(&Responses::new(), &s).is_none());
    }

    #[test]
    fn core_om_risk_reads_the_domain() {
        let core = Instrument::builtin("core-om").unwrap();
        let r: Responses = (1..=34)
            .map(|i| (i, Answer::Value(if i == 6 { 2.0 } else { 0.0 })))
            .collect();
        let s = core.score(&r).unwrap();
        let rule = CriticalRule::core_om_risk(Comparison::GreaterOrEqual, 1.0).unwrap();
        let flag = rule.check(&r, &s).unwrap();
        // risk domain: mean of 6 items × 10 = 2/6 × 10
        assert!((flag.value - 20.0 / 6.0).abs() < 1e-12);
        assert_eq!(flag.verification, Verification::Unverified);
    }

    #[test]
    fn rules_validate_and_round_trip() {
        assert!(CriticalRule::core_10_risk(0).is_err());
        assert!(CriticalRule::core_om_risk(Comparison::Greater, f64::NAN).is_err());
        assert!(
            CriticalRule::new(
                "Bad Id",
                CriticalTarget::Item { item: 1 },
                Comparison::Greater,
                0.0,
                "s",
                Verification::Primary
            )
            .is_err()
        );
        let rule = CriticalRule::phq9_item9();
        let json = serde_json::to_string(&rule).unwrap();
        assert!(
            json.contains(r#""target":{"kind":"item","item":9}"#),
            "{json}"
        );
        let back: CriticalRule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rule);
        let bad = json.replace(r#""threshold":1.0"#, r#""threshold":null"#);
        assert!(serde_json::from_str::<CriticalRule>(&bad).is_err());
    }
}
