//! # therapeutic-alliance-datafusion
//!
//! SQL functions for [Apache DataFusion](https://datafusion.apache.org) (and so for
//! [Apache Ballista](https://datafusion.apache.org/ballista/) clusters) that compute the
//! statistics of [`therapeutic_alliance`] inside the query engine, over data of any size:
//!
//! | SQL | result (a struct) | core function it equals |
//! |---|---|---|
//! | `cronbach_alpha(i1, …, ik)` | raw and standardised alpha, G6, average r, S/N, ASE, Feldt interval, omega, per-item statistics | [`therapeutic_alliance::stats::alpha`] |
//! | `icc(r1, …, rk)` (one row per target, one column per rater) | the six Shrout–Fleiss ICCs with F tests and intervals, mean squares | [`therapeutic_alliance::stats::icc`] |
//! | `pearson(x, y)` | r, t, df, p, Fisher-z interval | [`therapeutic_alliance::stats::pearson`] |
//! | `score_instrument('phq-9', i1, …, i9)` (scalar) | total, subscales, band, cutoff side, triggered critical rules, rejection reason | [`therapeutic_alliance::Instrument::score`] |
//!
//! ```no_run
//! # async fn run() -> datafusion::error::Result<()> {
//! use datafusion::prelude::*;
//! let ctx = SessionContext::new();
//! therapeutic_alliance_datafusion::register_all(&ctx);
//! ctx.register_parquet("wai", "administrations.parquet", ParquetReadOptions::default()).await?;
//! let df = ctx
//!     .sql("SELECT therapist, cronbach_alpha(item1, item2, item3, item4)['raw_alpha'] AS alpha \
//!           FROM wai GROUP BY therapist ORDER BY therapist")
//!     .await?;
//! df.show().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # How the aggregates run inside the engine
//!
//! Each aggregate is the core crate's streaming accumulator
//! ([`AlphaAccumulator`](therapeutic_alliance::stats::AlphaAccumulator),
//! [`IccAccumulator`](therapeutic_alliance::stats::IccAccumulator),
//! [`CorrelationAccumulator`](therapeutic_alliance::stats::CorrelationAccumulator)). DataFusion
//! runs one per partition (and per group) over the rows it reads, ships each part's state to
//! where the parts are combined (another thread, or another machine under Ballista) as the
//! accumulator's own binary state (`to_bytes`, a few kilobytes whatever the number of rows),
//! and merges the parts with the accumulators' own merge. Memory is therefore bounded by
//! groups × items², never by rows. On integer data (every rating scale: integers up to 2²⁰)
//! the accumulators keep exact integer sums, so results are bit-identical to the core's
//! in-memory functions for any partitioning, on one machine or a cluster. Every aggregate has a
//! [`GroupsAccumulator`](datafusion::logical_expr::GroupsAccumulator), so `GROUP BY` over
//! thousands of counsellors keeps one state per group in one vector and feeds each group its
//! rows of a batch as one block.
//!
//! # Conventions
//!
//! * Arguments are any numeric columns; they are read as `Float64`.
//! * A row with a NULL in any argument is left out (complete cases, as `psych::alpha` on
//!   `na.omit(x)`) and counted in the result's `n_incomplete`. A NaN or infinite value is an
//!   error that stops the query and names the function, the argument and the value.
//! * A group whose statistic cannot be computed (too few rows, a constant item, …) gives a
//!   struct whose numbers are NULL and whose `error` says why, so one small group does not
//!   fail a `GROUP BY` over thousands. Values the core reports as missing (R's `NA`), and
//!   infinite statistics (Pearson's t at |r| = 1), are NULL: no NaN or infinity is returned.
//! * Field names follow the core crate: intervals are `…ci_lb` / `…ci_ub`, p-values `p`, the
//!   confidence level `level`.
//!
//! # Ballista
//!
//! The functions travel through Ballista by name: scheduler and executors must have them in
//! their function registries. [`register_all_in`] adds them to any
//! [`FunctionRegistry`], such as the `SessionState`
//! a Ballista scheduler or executor is built from. The crate's README shows a multi-node
//! setup; `tests/ballista.rs` runs a scheduler and an executor on loopback.

mod aggregate;
mod alpha;
mod icc;
mod input;
mod output;
mod pearson;
mod score;
mod state;

use datafusion::common::Result;
use datafusion::execution::FunctionRegistry;
use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

/// `cronbach_alpha(i1, …, ik)`: Cronbach's alpha of k ≥ 2 item columns, as
/// [`therapeutic_alliance::stats::alpha`] (psych `alpha`) computes it for the same rows.
///
/// Returns a struct with `n`, `n_rows`, `n_incomplete`, `n_items`, `raw_alpha`,
/// `std_alpha`, `g6`, `average_r`, `s_n`, `median_r`, `var_r`, `ase`, `ci_lb`, `ci_ub`
/// (the Feldt interval) and its `level`, `ci_lb_ase`, `ci_ub_ase` (alpha ± 1.96·ase), `mean`, `sd`, `omega_total`, `items` (a list of
/// per-item structs, items named `V1` … `Vk` in argument order as psych names them: alpha if dropped, item–total
/// correlations, mean, sd, …) and `error`.
#[must_use]
pub fn cronbach_alpha_udaf() -> AggregateUDF {
    AggregateUDF::from(aggregate::StatUdaf::new(alpha::CronbachAlpha))
}

/// `icc(r1, …, rk)`: the six intraclass correlations of a targets × raters table (one row per
/// target, one column per rater, k ≥ 2), as [`therapeutic_alliance::stats::icc`]
/// (psych `ICC(lmer = FALSE)`) computes them for the same rows.
///
/// Returns a struct with `n_targets`, `n_raters`, `n_incomplete`, `level`, the mean squares
/// `msr`, `msc`, `mse`, `msw`, one struct per form (`icc1`, `icc2`, `icc3`, `icc1k`, `icc2k`,
/// `icc3k`, each with `icc`, `f`, `df1`, `df2`, `p`, `ci_lb`, `ci_ub`) and `error`. Targets
/// with a missing rating are left out and counted in `n_incomplete` (pingouin's
/// `nan_policy = "omit"`).
#[must_use]
pub fn icc_udaf() -> AggregateUDF {
    AggregateUDF::from(aggregate::StatUdaf::new(icc::IntraclassCorrelation))
}

/// `pearson(x, y)`: Pearson's r with R's `cor.test` t test and Fisher-z interval, as
/// [`therapeutic_alliance::stats::pearson`] computes it for the same pairs.
///
/// Returns a struct with `r`, `n`, `n_incomplete`, `t`, `df`, `p`, `ci_lb`, `ci_ub`, `level`
/// and `error`.
#[must_use]
pub fn pearson_udaf() -> AggregateUDF {
    AggregateUDF::from(aggregate::StatUdaf::new(pearson::PearsonCorrelation))
}

/// `score_instrument(instrument_id, i1, …, in)`: scores one administration per row with a
/// built-in instrument of [`therapeutic_alliance`] (`'wai-sr'`, `'phq-9'`, …), items in the
/// instrument's item order; NULL is a missing answer.
///
/// Returns a struct with `instrument`, `total`, `subscales` (a list of `{name, value}`),
/// `answered`, `prorated`, `imputed`, `band`, `cutoff_met` (whether the total meets the
/// instrument's cutoff, `total <comparison> cutoff`; NULL without a cutoff), `critical` (the ids of the critical rules
/// the answers triggered, e.g. `["phq9_item9"]`: each a prompt for a clinician's assessment the
/// same day, never a risk estimate, and an empty list never means "no risk"; see
/// [`therapeutic_alliance::critical`]) and `rejection` (why the row could not be scored; the
/// other fields are then NULL).
#[must_use]
pub fn score_instrument_udf() -> ScalarUDF {
    ScalarUDF::from(score::ScoreInstrument::new())
}

/// The aggregate functions of this crate.
#[must_use]
pub fn aggregate_functions() -> Vec<AggregateUDF> {
    vec![cronbach_alpha_udaf(), icc_udaf(), pearson_udaf()]
}

/// The scalar functions of this crate.
#[must_use]
pub fn scalar_functions() -> Vec<ScalarUDF> {
    vec![score_instrument_udf()]
}

/// Registers every function of this crate in `ctx` (replacing functions of the same names).
pub fn register_all(ctx: &SessionContext) {
    for f in aggregate_functions() {
        ctx.register_udaf(f);
    }
    for f in scalar_functions() {
        ctx.register_udf(f);
    }
}

/// Registers every function of this crate in any function registry: a `SessionState`, or
/// the registry a Ballista scheduler or executor is built with.
///
/// # Errors
/// What the registry returns.
pub fn register_all_in(registry: &mut dyn FunctionRegistry) -> Result<()> {
    for f in aggregate_functions() {
        registry.register_udaf(std::sync::Arc::new(f))?;
    }
    for f in scalar_functions() {
        registry.register_udf(std::sync::Arc::new(f))?;
    }
    Ok(())
}
