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
//!
//! # Streaming and merging
//!
//! Each accumulator lives beside its statistic and takes records one at a time (`push`) or as
//! a row-major block (`push_rows`), combines with another accumulator of the same shape
//! (`merge`), and `finish`es into exactly the result type of the in-memory function
//! ([`Alpha`], [`Icc`], [`Correlation`]). The in-memory [`alpha`] and [`icc`] run on these
//! same accumulators, so there is one code path: however the data are split across threads or
//! machines and merged back, the results agree with the in-memory ones to rounding (the tests
//! check 1e-12 relative). Memory is p² + O(p) floats for alpha, O(k) for the ICC, six numbers
//! for a correlation.
//!
//! Merge algebra (Chan, Golub & LeVeque 1983, "Algorithms for computing the sample variance:
//! analysis and recommendations", *The American Statistician* 37(3), 242–247,
//! doi:10.1080/00031305.1983.10483115): a part holds a count n, means m and centred second
//! moments M = Σ (x − m)(x − m)ᵀ. Parts A and B combine exactly as
//! n = n_A + n_B, δ = m_B − m_A, m = m_A + δ·n_B/n, M = M_A + M_B + δδᵀ·n_A·n_B/n; one record
//! is the case n_B = 1, M_B = 0 (Welford 1962). The ICC state is chosen so that every sum of
//! squares is such a moment (see [`IccAccumulator`]).
//! - Within/between: [`person_mean_centre`], [`within_regression`] (fixed-effects slopes) and
//!   [`random_intercept`] (`lme4::lmer(y ~ x + (1 | id))`, REML or ML).

mod agreement;
pub mod change;
pub mod correlation;
mod correlation_accumulator;
pub(crate) mod dist;
#[allow(dead_code)] mod quantile; // used by dist once the stats refactor lands
mod error;
mod meta;
pub mod mixed;
pub mod multilevel;
mod reliability;
pub(crate) mod summation;
mod table;

pub use agreement::{
    Icc, IccAccumulator, IccForm, IccKind, IccMeanSquares, IccOptions, IccOptionsBuilder, icc,
    icc_with_missing,
};
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
pub use correlation_accumulator::CorrelationAccumulator;
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
    Alpha, AlphaAccumulator, AlphaItem, AlphaOptions, MissingPolicy, Omega, alpha, alpha_rows,
    alpha_with_missing, omega_from_correlation, omega_total, sem,
};
