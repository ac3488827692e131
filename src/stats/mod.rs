//! The statistics researchers publish, matching R (psych, metafor) and Python (pingouin).
//!
//! Every function here is plain computation: no I/O, typed results with named fields
//! (`raw_alpha`, `tau2`, `ci_lb`, … as researchers read them in R output), and a
//! [`StatsError`] instead of a panic or a silent `NaN`. Each public item names the reference
//! implementation and version it reproduces, and the convention it follows where packages differ.
//!
//! - Reliability: [`alpha`] / [`alpha_rows`] / [`alpha_with_missing`] (`psych::alpha`),
//!   [`omega_total`] (`psych::omega` one-factor `omega.tot`), [`sem`].
//! - Agreement: [`icc`] / [`icc_with_missing`] (`psych::ICC(lmer = FALSE)`, pingouin
//!   `intraclass_corr`).
//! - Streaming: [`AlphaAccumulator`], [`IccAccumulator`], [`CorrelationAccumulator`] — push
//!   records, merge parts computed anywhere, finish into the same results as the in-memory
//!   functions, in memory independent of the number of records.
//! - Within/between: [`person_mean_centre`], [`within_regression`] (fixed-effects slopes) and
//!   [`random_intercept`] (`lme4::lmer(y ~ x + (1 | id))`, REML or ML).

mod agreement;
pub mod change;
pub mod correlation;
pub(crate) mod dist;
#[allow(dead_code)] mod quantile; // used by dist once the stats refactor lands
mod error;
mod meta;
pub mod mixed;
pub mod multilevel;
mod reliability;
mod streaming;
pub(crate) mod summation;
mod table;

pub use agreement::{Icc, IccForm, IccKind, IccMeanSquares, IccOptions, icc, icc_with_missing};
pub use change::{
    Boundary, CategoryCounts, ChangeCategory, ChangeResult, ClinicalCutoff, ExcludedRow,
    PersonChange, Population, RciMethod, ReliableChange, reliable_change_threshold,
};
pub use correlation::{
    Correlation, CorrelationMethod, CorrelationOptions, NonOverlapping, PValueMethod, RTest,
    RTestKind, SpearmanCi, SpearmanPValue, correlate, correlate_pairwise, pearson,
    r_test_dependent_nonoverlapping, r_test_dependent_overlapping, r_test_independent,
    r_test_single, spearman,
};
pub use error::StatsError;
pub use meta::{
    CorrelationStudy, MAX_STUDY_N, MetaAnalysis, MetaOptions, MetaTest, RejectedStudy, StudyBatch,
    Tau2Ci, TauMethod, correlation_studies, meta_analysis, meta_analysis_rn,
};
pub use mixed::{FixedEffect, MixedMethod, MixedOptions, RandomIntercept, random_intercept};
pub use multilevel::{
    Decomposition, GrandMean, WithinCoefficient, WithinRegression, next_within_person,
    person_mean_centre, within_regression,
};
pub use reliability::{
    Alpha, AlphaItem, AlphaOptions, MissingPolicy, Omega, alpha, alpha_rows, alpha_with_missing,
    omega_from_correlation, omega_total, sem,
};
pub use streaming::{AlphaAccumulator, CorrelationAccumulator, IccAccumulator};
