//! Barrier flags, their taxonomy, ethics rules and the per-course barrier summary.

use crate::date::SessionDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a barrier flag, rule or summary setting was rejected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BarrierError {
    /// Session numbers start at 1.
    #[error("barrier flag has session number 0; session numbers start at 1")]
    SessionZero,
    /// A sexual boundary incident was recorded as a crossing.
    #[error("session {session}: a sexual boundary incident is always a violation, not a crossing")]
    SexualCrossing {
        /// The flag's session.
        session: u32,
    },
    /// A post-termination interval of zero years was given.
    #[error("post-termination interval must be at least 1 year, got {years}")]
    ZeroInterval {
        /// The interval given.
        years: u16,
    },
    /// A burden weight was negative or not finite.
    #[error("burden weight {name} must be finite and non-negative, got {value}")]
    InvalidWeight {
        /// Which weight (`noted`, `moderate`, `severe`, `resolved_factor`).
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A summary over zero sessions was asked for.
    #[error("barrier summary needs at least one session")]
    NoSessions,
}

/// How severe a barrier is, as judged by whoever raised the flag. Ordered `Noted < Moderate < Severe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// One barrier flag, raised in one session.
///
/// In JSON: `{"session": 4, "kind": {"type": "reactance"}, "severity": "moderate",
/// "raised_by": "counsellor", "resolved": false}` (`resolved` defaults to `false`).
///
///
/// # Taxonomy
/// Every [`BarrierFlag`] has a [`BarrierKind`], grouped into [`BarrierCategory`] for counting.
/// The sub-kinds follow the literature summarised in the crate's facts (monitoring §4):
/// - transference patterns: the five dimensions of the Psychotherapy Relationship Questionnaire
///   (Bradley, Heim & Westen 2005): angry/entitled, anxious/preoccupied,
///   avoidant/counterdependent, secure/engaged, sexualised; plus projection;
/// - countertransference: the eight factors of the Countertransference Questionnaire (Betan,
///   Heim, Zittel Conklin & Westen 2005);
/// - boundary issues: crossing vs violation (Gutheil & Gabbard 1998) in the areas of Gutheil &
///   Gabbard (1993), plus dual relationship and sexual;
/// - language barrier (shared language, interpreter present); attachment difficulties
///   (anxious, avoidant, disorganised); reactance to advice (Beutler et al. 2018);
///   obstructiveness or disengagement.
///
/// # Severity rules
/// [`BarrierFlag::is_critical`]: **any boundary violation**, and **any sexualised transference or
/// countertransference flagged [`Severity::Severe`]**, is critical. A boundary incident in the
/// sexual category is always a violation (APA 10.05, ACA A.5.a): a flag recording it as a mere
/// crossing is rejected.
///
/// # Ethics rule for relationships after termination
/// See [`PostTerminationRule`] and [`check_relationship`].
///
/// # Barrier burden
/// See [`BurdenWeights`] and [`BarrierSummary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "FlagRepr", into = "FlagRepr")]
pub struct BarrierFlag {
    session: u32,
    kind: BarrierKind,
    severity: Severity,
    raised_by: RaisedBy,
    resolved: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagRepr {
    session: u32,
    kind: BarrierKind,
    severity: Severity,
    raised_by: RaisedBy,
    #[serde(default)]
    resolved: bool,
}

impl TryFrom<FlagRepr> for BarrierFlag {
    type Error = BarrierError;
    fn try_from(r: FlagRepr) -> Result<Self, BarrierError> {
        Ok(BarrierFlag::new(r.session, r.kind, r.severity, r.raised_by)?.with_resolved(r.resolved))
    }
}

impl From<BarrierFlag> for FlagRepr {
    fn from(f: BarrierFlag) -> Self {
        FlagRepr {
            session: f.session,
            kind: f.kind,
            severity: f.severity,
            raised_by: f.raised_by,
            resolved: f.resolved,
        }
    }
}

impl BarrierFlag {
    /// A new, unresolved flag.
    ///
    /// # Errors
    /// [`BarrierError::SessionZero`] for session 0; [`BarrierError::SexualCrossing`] for a
    /// boundary *crossing* in the sexual category (sexual contact is always a violation).
    ///
    /// # Examples
    /// ```
    /// use therapeutic_alliance::{BarrierFlag, BarrierKind, RaisedBy, Severity, TransferencePattern};
    /// let flag = BarrierFlag::new(
    ///     3,
    ///     BarrierKind::Transference { pattern: TransferencePattern::Sexualised },
    ///     Severity::Severe,
    ///     RaisedBy::Supervisor,
    /// )?;
    /// assert!(flag.is_critical());
    /// assert!(!flag.resolved());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        session: u32,
        kind: BarrierKind,
        severity: Severity,
        raised_by: RaisedBy,
    ) -> Result<Self, BarrierError> {
        if session == 0 {
            return Err(BarrierError::SessionZero);
        }
        if let BarrierKind::Boundary {
            boundary: BoundaryType::Crossing,
            category: BoundaryCategory::Sexual,
        } = kind
        {
            return Err(BarrierError::SexualCrossing { session });
        }
        Ok(Self {
            session,
            kind,
            severity,
            raised_by,
            resolved: false,
        })
    }

    /// The same flag marked resolved (or not).
    #[must_use]
    pub fn with_resolved(mut self, resolved: bool) -> Self {
        self.resolved = resolved;
        self
    }

    /// The session in which the flag was raised.
    #[must_use]
    pub fn session(&self) -> u32 {
        self.session
    }
    /// The kind of barrier.
    #[must_use]
    pub fn kind(&self) -> BarrierKind {
        self.kind
    }
    /// The kind's category.
    #[must_use]
    pub fn category(&self) -> BarrierCategory {
        self.kind.category()
    }
    /// The severity.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// Who raised it.
    #[must_use]
    pub fn raised_by(&self) -> RaisedBy {
        self.raised_by
    }
    /// Whether it has been resolved.
    #[must_use]
    pub fn resolved(&self) -> bool {
        self.resolved
    }

    /// Whether the flag is critical: any boundary violation (whatever its recorded severity),
    /// or sexualised transference or countertransference flagged [`Severity::Severe`].
    #[must_use]
    pub fn is_critical(&self) -> bool {
        self.kind.is_boundary_violation()
            || (self.kind.is_sexualised() && self.severity == Severity::Severe)
    }
}

/// A rule on relationships with former clients: the interval after termination (or the last
/// professional contact) during which a sexual or romantic relationship is prohibited.
///
/// Presets: [`PostTerminationRule::apa_10_08`] (2 years; APA Ethics Code 10.08, VERIFIED in the
/// facts) and [`PostTerminationRule::aca_2014_a5c`] (5 years; ACA Code of Ethics 2014 A.5.c,
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

/// Weights of the barrier burden score (see [`BarrierSummary`]). Validated when used.
///
/// Defaults: `noted` 1, `moderate` 2, `severe` 3, `resolved_factor` 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BurdenWeights {
    noted: f64,
    moderate: f64,
    severe: f64,
    resolved_factor: f64,
}

impl Default for BurdenWeights {
    fn default() -> Self {
        Self {
            noted: 1.0,
            moderate: 2.0,
            severe: 3.0,
            resolved_factor: 0.0,
        }
    }
}

impl BurdenWeights {
    /// The default weights.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Weight of a [`Severity::Noted`] flag (default 1).
    #[must_use]
    pub fn noted(mut self, w: f64) -> Self {
        self.noted = w;
        self
    }
    /// Weight of a [`Severity::Moderate`] flag (default 2).
    #[must_use]
    pub fn moderate(mut self, w: f64) -> Self {
        self.moderate = w;
        self
    }
    /// Weight of a [`Severity::Severe`] flag (default 3).
    #[must_use]
    pub fn severe(mut self, w: f64) -> Self {
        self.severe = w;
        self
    }
    /// Multiplier for resolved flags (default 0: a resolved barrier adds no burden).
    #[must_use]
    pub fn resolved_factor(mut self, f: f64) -> Self {
        self.resolved_factor = f;
        self
    }

    fn validate(&self) -> Result<(), BarrierError> {
        for (name, value) in [
            ("noted", self.noted),
            ("moderate", self.moderate),
            ("severe", self.severe),
            ("resolved_factor", self.resolved_factor),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(BarrierError::InvalidWeight { name, value });
            }
        }
        Ok(())
    }

    fn weight(&self, flag: &BarrierFlag) -> f64 {
        let w = match flag.severity {
            Severity::Noted => self.noted,
            Severity::Moderate => self.moderate,
            Severity::Severe => self.severe,
        };
        if flag.resolved {
            w * self.resolved_factor
        } else {
            w
        }
    }
}

/// How many flags of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CategoryCount {
    /// The category.
    pub category: BarrierCategory,
    /// Number of flags of that category.
    pub count: usize,
}

/// A course's barrier summary.
///
/// # The burden score (the crate's own index)
/// `burden = Σ_flags w(severity) · (1 if unresolved, else resolved_factor) / sessions`, with
/// [`BurdenWeights`] defaults w = 1 / 2 / 3 for noted / moderate / severe and resolved_factor 0.
///
/// Why: unresolved problems in the relationship are what go with worse outcomes: unrepaired
/// alliance ruptures predicted worse outcome (McLaughlin et al. 2014, β = .45) while repaired
/// ones go with better outcome (Eubanks, Muran & Safran 2018, r = .29); countertransference
/// *reactions* go with worse outcome (r = −.16) but *managed* countertransference with better
/// (r = .39; Hayes et al. 2018). So resolved flags carry no burden by default. Dividing by the
/// number of sessions makes courses of different length comparable (burden per session).
/// The 1/2/3 severity weights are an ordinal, equal-step choice of this crate, **not a
/// published scale**, which is why they are parameters. Critical flags are counted separately
/// ([`BarrierSummary::critical`]) rather than weighted, so a single violation is never hidden in
/// an average.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarrierSummary {
    /// Number of sessions in the course.
    pub sessions: usize,
    /// Number of flags.
    pub total: usize,
    /// Flags per category, every category in [`BarrierCategory::ALL`] order (zeros included).
    pub counts: Vec<CategoryCount>,
    /// Unresolved flags.
    pub unresolved: usize,
    /// Critical flags ([`BarrierFlag::is_critical`]).
    pub critical: usize,
    /// The burden score (see above).
    pub burden: f64,
}

impl BarrierSummary {
    /// Summarises `flags` raised over `sessions` sessions.
    ///
    /// # Errors
    /// [`BarrierError::NoSessions`] when `sessions` is 0; [`BarrierError::InvalidWeight`] for a
    /// negative or non-finite weight.
    pub fn from_flags<'a>(
        flags: impl IntoIterator<Item = &'a BarrierFlag>,
        sessions: usize,
        weights: &BurdenWeights,
    ) -> Result<Self, BarrierError> {
        if sessions == 0 {
            return Err(BarrierError::NoSessions);
        }
        weights.validate()?;
        let mut counts = BarrierCategory::ALL.map(|category| CategoryCount { category, count: 0 });
        let (mut total, mut unresolved, mut critical, mut weight) = (0, 0, 0, 0.0);
        for flag in flags {
            total += 1;
            if let Some(c) = counts.iter_mut().find(|c| c.category == flag.category()) {
                c.count += 1;
            }
            if !flag.resolved {
                unresolved += 1;
            }
            if flag.is_critical() {
                critical += 1;
            }
            weight += weights.weight(flag);
        }
        Ok(Self {
            sessions,
            total,
            counts: counts.to_vec(),
            unresolved,
            critical,
            burden: weight / sessions as f64,
        })
    }

    /// The count for one category.
    #[must_use]
    pub fn count(&self, category: BarrierCategory) -> usize {
        self.counts
            .iter()
            .find(|c| c.category == category)
            .map_or(0, |c| c.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(kind: BarrierKind, severity: Severity) -> BarrierFlag {
        BarrierFlag::new(1, kind, severity, RaisedBy::Counsellor).unwrap()
    }

    #[test]
    fn severity_rules() {
        let st = BarrierKind::Transference {
            pattern: TransferencePattern::Sexualised,
        };
        let sct = BarrierKind::Countertransference {
            factor: CountertransferenceFactor::Sexualised,
        };
        for k in [st, sct] {
            assert!(!flag(k, Severity::Noted).is_critical());
            assert!(!flag(k, Severity::Moderate).is_critical());
            assert!(flag(k, Severity::Severe).is_critical());
        }
        let v = BarrierKind::Boundary {
            boundary: BoundaryType::Violation,
            category: BoundaryCategory::Money,
        };
        assert!(flag(v, Severity::Noted).is_critical());
        let c = BarrierKind::Boundary {
            boundary: BoundaryType::Crossing,
            category: BoundaryCategory::Money,
        };
        assert!(!flag(c, Severity::Severe).is_critical());
        assert!(
            !flag(
                BarrierKind::Transference {
                    pattern: TransferencePattern::AngryEntitled
                },
                Severity::Severe
            )
            .is_critical()
        );
    }

    #[test]
    fn sexual_crossing_and_session_zero_rejected() {
        let k = BarrierKind::Boundary {
            boundary: BoundaryType::Crossing,
            category: BoundaryCategory::Sexual,
        };
        assert_eq!(
            BarrierFlag::new(2, k, Severity::Noted, RaisedBy::Client),
            Err(BarrierError::SexualCrossing { session: 2 })
        );
        assert_eq!(
            BarrierFlag::new(0, BarrierKind::Reactance, Severity::Noted, RaisedBy::Client),
            Err(BarrierError::SessionZero)
        );
    }

    #[test]
    fn burden_formula() {
        let flags = [
            flag(BarrierKind::Reactance, Severity::Severe),
            flag(BarrierKind::Projection, Severity::Noted).with_resolved(true),
            flag(BarrierKind::Obstructiveness, Severity::Moderate),
        ];
        let s = BarrierSummary::from_flags(&flags, 4, &BurdenWeights::new()).unwrap();
        assert_eq!(s.total, 3);
        assert_eq!(s.unresolved, 2);
        assert_eq!(s.burden, (3.0 + 2.0) / 4.0);
        assert_eq!(s.count(BarrierCategory::Projection), 1);
        let s = BarrierSummary::from_flags(&flags, 4, &BurdenWeights::new().resolved_factor(0.5))
            .unwrap();
        assert_eq!(s.burden, 5.5 / 4.0);
        assert!(BarrierSummary::from_flags(&flags, 0, &BurdenWeights::new()).is_err());
        assert!(matches!(
            BarrierSummary::from_flags(&flags, 1, &BurdenWeights::new().severe(f64::NAN)),
            Err(BarrierError::InvalidWeight { name: "severe", .. })
        ));
    }

    #[test]
    fn flag_json() {
        let f: BarrierFlag = serde_json::from_str(
            r#"{"session":2,"kind":{"type":"boundary","boundary":"violation","category":"gifts_services"},"severity":"noted","raised_by":"observer"}"#,
        )
        .unwrap();
        assert!(f.is_critical());
        assert!(!f.resolved());
        let back: BarrierFlag = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
        assert!(serde_json::from_str::<BarrierFlag>(
            r#"{"session":0,"kind":{"type":"reactance"},"severity":"noted","raised_by":"client"}"#
        )
        .is_err());
    }
}
