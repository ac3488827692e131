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
//! Rules are **declared on the instrument** ([`InstrumentBuilder::critical`](crate::InstrumentBuilder::critical),
//! or the `critical` list of an instrument's JSON definition), so a custom instrument declares
//! its own and every scoring path (one administration, batches, flat buffers, exports, the
//! tools) applies the same rules: a scored record carries the rules it met as a compact
//! [`CriticalSet`], and a full [`Score`](crate::Score) as [`CriticalFlag`]s. Each rule keeps
//! its `source` and [`Verification`] label.
//!
//! Rules the crate provides:
//!
//! | rule | target | trigger | status |
//! |---|---|---|---|
//! | [`CriticalRule::phq9_item9`] (declared by the catalogue's `phq-9`) | PHQ-9 item 9 | answer ≥ 1 (any answer above "not at all") | verified convention: Simon et al. (2013), *Psychiatric Services* 64(12), doi:10.1176/appi.ps.201200587; Louzon et al. (2016), *Psychiatric Services* 67(5), doi:10.1176/appi.ps.201500149 |
//! | [`CriticalRule::core_om_risk`] | CORE-OM risk domain score (items 6, 9, 16, 22, 24, 34; clinical score 0–40) | a threshold **you choose** | the domain is verified; no published trigger was found, so there is no default |
//! | [`CriticalRule::core_10_risk`] | the CORE-10 risk item, **whose number you give** | answer ≥ 1 | the item number was not confirmed in two sources, so there is no default |

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::rules::{Comparison, Verification};

/// What a critical rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
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
/// threshold, item ≥ 1, non-empty subscale name and source); the instrument that declares it
/// checks that the item or subscale exists.
///
/// ```
/// use therapeutic_alliance::{Answer, Instrument, Responses};
/// let phq = Instrument::builtin("phq-9").ok_or("no phq-9")?;
/// assert_eq!(phq.critical_rules()[0].id(), "phq9_item9");
/// let answers = [1, 1, 0, 1, 0, 0, 1, 0, 1]; // item 9 answered "several days"
/// let responses: Responses = (1..=9).zip(answers).map(|(i, x)| (i, Answer::Value(x.into()))).collect();
/// let score = phq.score(&responses)?;
/// assert_eq!(score.critical[0].rule, "phq9_item9");
/// assert_eq!(score.critical[0].value, 1.0);
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
        let read = || -> Result<Self, Self::Error> {
            Self::new(
                s.id,
                s.target,
                s.comparison,
                s.threshold,
                s.source,
                s.verification,
            )
        };
        read().map_err(crate::document::raised)
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

    /// Whether a known `value` of the rule's target meets the rule (never for a non-finite
    /// value). This is the one comparison every scoring path makes.
    #[must_use]
    pub fn is_met_by(&self, value: f64) -> bool {
        value.is_finite() && self.spec.comparison.holds(value, self.spec.threshold)
    }

    /// The flag for an already known `value` of the rule's target, if it is met.
    #[must_use]
    pub fn flag_for(&self, value: f64) -> Option<CriticalFlag> {
        self.is_met_by(value).then(|| CriticalFlag {
            rule: self.spec.id.clone(),
            target: self.spec.target.clone(),
            value,
            comparison: self.spec.comparison,
            threshold: self.spec.threshold,
            verification: self.spec.verification,
        })
    }
}

/// A critical rule that was met: a prompt for a clinician's assessment the same day, never a
/// risk estimate (see the [module docs](crate::critical)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// The critical rules one scored record met: a set of indices into the instrument's
/// [`critical_rules`](crate::Instrument::critical_rules) (an instrument declares at most
/// [`CriticalSet::MAX_RULES`]). `Copy` and allocation-free, so batches carry it per record;
/// serialises as the list of indices. Turn it into rule ids with
/// [`Instrument::critical_ids`](crate::Instrument::critical_ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
pub struct CriticalSet(u64);

impl CriticalSet {
    /// The most rules one instrument may declare.
    pub const MAX_RULES: usize = 64;

    /// No rule met.
    #[must_use]
    pub const fn new() -> Self {
        Self(0)
    }

    /// Whether no rule was met.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many rules were met.
    #[must_use]
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether rule `index` was met.
    #[must_use]
    pub const fn contains(self, index: usize) -> bool {
        index < Self::MAX_RULES && self.0 & (1 << index) != 0
    }

    /// The indices of the rules met, ascending.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..Self::MAX_RULES).filter(move |&i| self.contains(i))
    }

    pub(crate) fn insert(&mut self, index: usize) {
        if index < Self::MAX_RULES {
            self.0 |= 1 << index;
        }
    }
}

impl TryFrom<Vec<u8>> for CriticalSet {
    type Error = String;
    fn try_from(v: Vec<u8>) -> Result<Self, String> {
        let mut s = Self::new();
        for i in v {
            if usize::from(i) >= Self::MAX_RULES {
                return Err(format!(
                    "critical rule index {i} is not below {}",
                    Self::MAX_RULES
                ));
            }
            s.insert(usize::from(i));
        }
        Ok(s)
    }
}

impl From<CriticalSet> for Vec<u8> {
    fn from(s: CriticalSet) -> Self {
        s.indices().map(|i| i as u8).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Answer, Instrument, Responses, Score};

    fn phq(item9: i32) -> Score {
        let phq = Instrument::builtin("phq-9").unwrap();
        let r: Responses = (1..=9)
            .map(|i| {
                (
                    i,
                    Answer::Value(if i == 9 { f64::from(item9) } else { 0.0 }),
                )
            })
            .collect();
        phq.score(&r).unwrap()
    }

    #[test]
    fn phq9_item9_triggers_at_one_and_above_only() {
        assert!(phq(0).critical.is_empty());
        for x in 1..=3 {
            let s = phq(x);
            assert_eq!(s.critical.len(), 1);
            assert_eq!(s.critical[0].value, f64::from(x));
            assert_eq!(s.critical[0].rule, "phq9_item9");
            assert_eq!(s.critical[0].threshold, 1.0);
            assert_eq!(s.critical[0].target, CriticalTarget::Item { item: 9 });
        }
        let rule = CriticalRule::phq9_item9();
        assert!(rule.source().contains("Simon"), "{}", rule.source());
        assert!(!rule.is_met_by(0.999));
        assert!(rule.is_met_by(1.0));
        assert!(!rule.is_met_by(f64::NAN));
    }

    #[test]
    fn core_om_risk_reads_the_domain() {
        let rule = CriticalRule::core_om_risk(Comparison::GreaterOrEqual, 1.0).unwrap();
        let core = Instrument::builtin("core-om")
            .unwrap()
            .to_builder()
            .id("core-om-risk")
            .critical(rule)
            .build()
            .unwrap();
        let r: Responses = (1..=34)
            .map(|i| (i, Answer::Value(if i == 6 { 2.0 } else { 0.0 })))
            .collect();
        let s = core.score(&r).unwrap();
        let flag = &s.critical[0];
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

    #[test]
    fn phq9_item9_rule_is_the_published_convention() {
        let rule = CriticalRule::phq9_item9();
        assert_eq!(rule.id(), "phq9_item9");
        assert_eq!(rule.target(), &CriticalTarget::Item { item: 9 });
        assert_eq!(rule.comparison(), Comparison::GreaterOrEqual);
        assert_eq!(rule.threshold(), 1.0);
        assert_eq!(rule.verification(), Verification::Verified);
        // both citations, with their DOIs
        assert_eq!(rule.source(), PHQ9_ITEM9_SOURCE);
        assert!(rule.source().contains("doi:10.1176/appi.ps.201200587"));
        assert!(rule.source().contains("doi:10.1176/appi.ps.201500149"));
    }

    #[test]
    fn user_chosen_rules_keep_what_the_user_chose() {
        // a threshold that is none of 0, 1 and -1, and a strict comparison
        let om = CriticalRule::core_om_risk(Comparison::Greater, 2.5).unwrap();
        assert_eq!(om.id(), "core_om_risk");
        assert_eq!(
            om.target(),
            &CriticalTarget::Subscale {
                name: "risk".to_owned()
            }
        );
        assert_eq!(om.comparison(), Comparison::Greater);
        assert_eq!(om.threshold(), 2.5);
        assert_eq!(om.verification(), Verification::Unverified);
        assert!(om.source().contains("Evans et al. 2002"), "{}", om.source());
        assert!(!om.is_met_by(2.5)); // strict
        assert!(om.is_met_by(2.6));

        let c10 = CriticalRule::core_10_risk(7).unwrap();
        assert_eq!(c10.id(), "core_10_risk");
        assert_eq!(c10.target(), &CriticalTarget::Item { item: 7 });
        assert_eq!(c10.comparison(), Comparison::GreaterOrEqual);
        assert_eq!(c10.threshold(), 1.0);
        assert_eq!(c10.verification(), Verification::Unverified);
        assert!(
            c10.source().contains("Barkham et al. 2013"),
            "{}",
            c10.source()
        );

        let custom = CriticalRule::new(
            "my-rule_2",
            CriticalTarget::Item { item: 3 },
            Comparison::LessOrEqual,
            -4.25,
            "service protocol 7",
            Verification::Secondary,
        )
        .unwrap();
        assert_eq!(custom.id(), "my-rule_2");
        assert_eq!(custom.threshold(), -4.25);
        assert_eq!(custom.source(), "service protocol 7");
        assert_eq!(custom.comparison(), Comparison::LessOrEqual);
        assert_eq!(custom.verification(), Verification::Secondary);
    }

    #[test]
    fn is_met_by_needs_a_finite_value_and_the_comparison() {
        let rule = CriticalRule::phq9_item9();
        // +inf is >= 1 but not a known answer
        assert!(!rule.is_met_by(f64::INFINITY));
        assert!(!rule.is_met_by(f64::NEG_INFINITY));
        assert!(rule.is_met_by(3.0));
        assert!(!rule.is_met_by(0.0));
        // the crate's tolerance: a sum a hair below 1 counts as 1
        assert!(rule.is_met_by(0.999_999_999_999_9));
    }

    #[test]
    fn flag_for_carries_the_rule() {
        let rule = CriticalRule::core_om_risk(Comparison::GreaterOrEqual, 4.0).unwrap();
        assert_eq!(rule.flag_for(3.9), None);
        let flag = rule.flag_for(5.0).unwrap();
        assert_eq!(
            flag,
            CriticalFlag {
                rule: "core_om_risk".to_owned(),
                target: CriticalTarget::Subscale {
                    name: "risk".to_owned()
                },
                value: 5.0,
                comparison: Comparison::GreaterOrEqual,
                threshold: 4.0,
                verification: Verification::Unverified,
            }
        );
        assert_eq!(
            flag.to_string(),
            "critical core_om_risk: subscale risk = 5 >= 4 (prompt for a clinician's assessment today)"
        );
        let flag = CriticalRule::phq9_item9().flag_for(2.0).unwrap();
        assert_eq!(
            flag.to_string(),
            "critical phq9_item9: item 9 = 2 >= 1 (prompt for a clinician's assessment today)"
        );
    }

    #[test]
    fn targets_display_and_errors_name_the_rule() {
        assert_eq!(CriticalTarget::Item { item: 9 }.to_string(), "item 9");
        assert_eq!(
            CriticalTarget::Subscale {
                name: "risk".to_owned()
            }
            .to_string(),
            "subscale risk"
        );
        let e = CriticalRule::core_10_risk(0).unwrap_err();
        assert_eq!(
            e,
            CriticalRuleError::BadTarget {
                id: "core_10_risk".to_owned(),
                target: "item 0".to_owned()
            }
        );
        let e = CriticalRule::new(
            "r",
            CriticalTarget::Subscale {
                name: " ".to_owned(),
            },
            Comparison::Greater,
            0.0,
            "s",
            Verification::Primary,
        )
        .unwrap_err();
        assert!(matches!(e, CriticalRuleError::BadTarget { .. }), "{e:?}");
        let e = CriticalRule::new(
            "r",
            CriticalTarget::Item { item: 1 },
            Comparison::Greater,
            0.0,
            "  ",
            Verification::Primary,
        )
        .unwrap_err();
        assert_eq!(e, CriticalRuleError::EmptySource { id: "r".to_owned() });
        let long = "a".repeat(65);
        for bad in ["", "Bad", "a b", long.as_str()] {
            assert!(
                CriticalRule::new(
                    bad,
                    CriticalTarget::Item { item: 1 },
                    Comparison::Greater,
                    0.0,
                    "s",
                    Verification::Primary,
                )
                .is_err(),
                "{bad:?}"
            );
        }
        assert!(
            CriticalRule::new(
                "a".repeat(64),
                CriticalTarget::Item { item: 1 },
                Comparison::Greater,
                0.0,
                "s",
                Verification::Primary,
            )
            .is_ok()
        );
    }

    #[test]
    fn serialised_rule_holds_every_field_and_is_validated_on_reading() {
        let rule = CriticalRule::core_om_risk(Comparison::Greater, 2.5).unwrap();
        let json: serde_json::Value = serde_json::to_value(&rule).unwrap();
        assert_eq!(json["id"], "core_om_risk");
        assert_eq!(json["target"]["kind"], "subscale");
        assert_eq!(json["target"]["name"], "risk");
        assert_eq!(json["comparison"], ">");
        assert_eq!(json["threshold"], 2.5);
        assert_eq!(json["source"], rule.source());
        assert_eq!(json["verification"], "unverified");
        let text = json.to_string();
        let back: CriticalRule = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rule);
        // reading goes through CriticalRule::new: a bad id, item 0 or empty source is refused
        for (from, to) in [
            (r#""core_om_risk""#, r#""Core OM""#),
            (r#""name":"risk""#, r#""name":"""#),
        ] {
            let bad = text.replace(from, to);
            assert_ne!(bad, text);
            assert!(serde_json::from_str::<CriticalRule>(&bad).is_err(), "{bad}");
        }
        let mut bad = json.clone();
        bad["source"] = "".into();
        assert!(serde_json::from_value::<CriticalRule>(bad).is_err());
    }

    #[test]
    fn critical_set_membership_at_the_edges() {
        let mut s = CriticalSet::new();
        assert_eq!(s.len(), 0);
        s.insert(1);
        assert!(!s.is_empty());
        assert_eq!(s.len(), 1);
        assert!(s.contains(1));
        assert!(!s.contains(0));
        assert!(!s.contains(2));
        s.insert(63); // the last index that fits
        assert_eq!(s.len(), 2);
        assert!(s.contains(63));
        assert!(!s.contains(64));
        assert!(!s.contains(usize::MAX));
        assert_eq!(s.indices().collect::<Vec<_>>(), [1, 63]);
        assert_eq!(Vec::<u8>::from(s), [1, 63]);
        assert_eq!(CriticalSet::try_from(vec![63, 1]).unwrap(), s);
        assert_eq!(
            CriticalSet::try_from(vec![64]).unwrap_err(),
            "critical rule index 64 is not below 64"
        );
        assert_eq!(
            CriticalSet::try_from(Vec::new()).unwrap(),
            CriticalSet::new()
        );
        let mut all = CriticalSet::new();
        for i in 0..CriticalSet::MAX_RULES {
            all.insert(i);
        }
        assert_eq!(all.len(), 64);
        assert!((0..64).all(|i| all.contains(i)));
    }

    #[test]
    fn critical_set() {
        let mut s = CriticalSet::new();
        assert!(s.is_empty());
        s.insert(3);
        s.insert(0);
        s.insert(64); // ignored: past the limit
        assert_eq!(s.len(), 2);
        assert_eq!(s.indices().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(serde_json::to_string(&s).unwrap(), "[0,3]");
        assert_eq!(serde_json::from_str::<CriticalSet>("[3,0]").unwrap(), s);
        assert!(serde_json::from_str::<CriticalSet>("[64]").is_err());
    }
}
