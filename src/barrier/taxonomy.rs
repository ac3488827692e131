//! The taxonomy of barriers: [`BarrierKind`] and its [`BarrierCategory`], with the detail
//! enums each kind carries, [`Severity`] and who raised a flag ([`RaisedBy`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// How severe a barrier is, as judged by whoever raised the flag. Ordered `Noted < Moderate < Severe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Noted for awareness.
    Noted,
    /// Affecting the work; to be addressed.
    Moderate,
    /// Seriously threatening the relationship or the client.
    Severe,
}

impl Severity {
    /// The snake_case name used in JSON and reports (`"noted"`, `"moderate"`, `"severe"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Noted => "noted",
            Self::Moderate => "moderate",
            Self::Severe => "severe",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who raised a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RaisedBy {
    /// The client.
    Client,
    /// The counsellor.
    Counsellor,
    /// The counsellor's supervisor.
    Supervisor,
    /// An observer (e.g. a rater of recorded sessions).
    Observer,
}

impl RaisedBy {
    /// The snake_case name used in JSON and reports (`"client"`, `"counsellor"` …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Counsellor => "counsellor",
            Self::Supervisor => "supervisor",
            Self::Observer => "observer",
        }
    }
}

impl fmt::Display for RaisedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Transference dimensions of the Psychotherapy Relationship Questionnaire (Bradley, Heim &
/// Westen 2005, *Br J Psychiatry* 186:342).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransferencePattern {
    /// Angry/entitled.
    AngryEntitled,
    /// Anxious/preoccupied.
    AnxiousPreoccupied,
    /// Avoidant/counterdependent.
    AvoidantCounterdependent,
    /// Secure/engaged.
    SecureEngaged,
    /// Sexualised.
    Sexualised,
}

/// Countertransference factors of the Countertransference Questionnaire (Betan, Heim, Zittel
/// Conklin & Westen 2005, *Am J Psychiatry* 162:890).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CountertransferenceFactor {
    /// Overwhelmed/disorganised.
    Overwhelmed,
    /// Helpless/inadequate.
    Helpless,
    /// Positive.
    Positive,
    /// Special/overinvolved (includes soft signs of boundary problems).
    SpecialOverinvolved,
    /// Sexualised.
    Sexualised,
    /// Disengaged.
    Disengaged,
    /// Parental/protective.
    ParentalProtective,
    /// Criticised/mistreated.
    CriticisedMistreated,
}

/// Boundary crossing (possibly benign) or violation (harmful, exploitative): Gutheil & Gabbard 1998.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BoundaryType {
    /// A crossing: judged in its clinical context; can be benign or even helpful.
    Crossing,
    /// A violation: harms the client or exploits their position. Always critical.
    Violation,
}

/// Boundary areas of Gutheil & Gabbard (1993), plus dual relationships and sexual contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BoundaryCategory {
    /// Role.
    Role,
    /// Time (e.g. not ending on time).
    Time,
    /// Place and space.
    PlaceSpace,
    /// Money.
    Money,
    /// Gifts, services and related matters.
    GiftsServices,
    /// Clothing.
    Clothing,
    /// Language.
    Language,
    /// Self-disclosure and related matters.
    SelfDisclosure,
    /// Physical contact.
    PhysicalContact,
    /// Dual (multiple) relationship (APA 3.05).
    DualRelationship,
    /// Sexual contact or relationship: always a violation.
    Sexual,
}

/// Client attachment difficulties (Levy et al. 2018).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttachmentStyle {
    /// Anxious.
    Anxious,
    /// Avoidant.
    Avoidant,
    /// Disorganised.
    Disorganised,
}

/// What kind of barrier a flag records. In JSON, an object tagged by `"type"`, e.g.
/// `{"type": "boundary", "boundary": "crossing", "category": "gifts_services"}`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BarrierKind {
    /// Transference, with its pattern.
    Transference {
        /// The PRQ dimension.
        pattern: TransferencePattern,
    },
    /// Projection.
    Projection,
    /// Countertransference, with its factor.
    Countertransference {
        /// The Countertransference Questionnaire factor.
        factor: CountertransferenceFactor,
    },
    /// A boundary crossing or violation in one area.
    Boundary {
        /// Crossing or violation.
        boundary: BoundaryType,
        /// The area.
        category: BoundaryCategory,
    },
    /// A language barrier.
    Language {
        /// Whether client and counsellor share a language (partial concordance counts as not shared).
        shared_language: bool,
        /// Whether an interpreter was present.
        interpreter_present: bool,
    },
    /// Attachment difficulties.
    Attachment {
        /// The insecure style.
        style: AttachmentStyle,
    },
    /// Negative reaction to advice (reactance).
    Reactance,
    /// Obstructiveness or disengagement.
    Obstructiveness,
}

impl BarrierKind {
    /// The category this kind is counted under.
    #[must_use]
    pub fn category(&self) -> BarrierCategory {
        match self {
            Self::Transference { .. } => BarrierCategory::Transference,
            Self::Projection => BarrierCategory::Projection,
            Self::Countertransference { .. } => BarrierCategory::Countertransference,
            Self::Boundary { .. } => BarrierCategory::Boundary,
            Self::Language { .. } => BarrierCategory::Language,
            Self::Attachment { .. } => BarrierCategory::Attachment,
            Self::Reactance => BarrierCategory::Reactance,
            Self::Obstructiveness => BarrierCategory::Obstructiveness,
        }
    }

    /// Whether this is sexualised transference or countertransference.
    #[must_use]
    pub fn is_sexualised(&self) -> bool {
        matches!(
            self,
            Self::Transference {
                pattern: TransferencePattern::Sexualised
            } | Self::Countertransference {
                factor: CountertransferenceFactor::Sexualised
            }
        )
    }

    /// Whether this is a boundary violation (not a crossing).
    #[must_use]
    pub fn is_boundary_violation(&self) -> bool {
        matches!(
            self,
            Self::Boundary {
                boundary: BoundaryType::Violation,
                ..
            }
        )
    }
}

/// The top-level barrier categories, used for counting. [`BarrierCategory::ALL`] lists them in
/// report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BarrierCategory {
    /// Transference.
    Transference,
    /// Projection.
    Projection,
    /// Countertransference.
    Countertransference,
    /// Boundary crossings and violations.
    Boundary,
    /// Language barriers.
    Language,
    /// Attachment difficulties.
    Attachment,
    /// Reactance to advice.
    Reactance,
    /// Obstructiveness or disengagement.
    Obstructiveness,
}

impl BarrierCategory {
    /// Every category, in report order.
    pub const ALL: [Self; 8] = [
        Self::Transference,
        Self::Projection,
        Self::Countertransference,
        Self::Boundary,
        Self::Language,
        Self::Attachment,
        Self::Reactance,
        Self::Obstructiveness,
    ];

    /// The snake_case name used in JSON and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transference => "transference",
            Self::Projection => "projection",
            Self::Countertransference => "countertransference",
            Self::Boundary => "boundary",
            Self::Language => "language",
            Self::Attachment => "attachment",
            Self::Reactance => "reactance",
            Self::Obstructiveness => "obstructiveness",
        }
    }
}

impl fmt::Display for BarrierCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
