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

mod agreement;
#[allow(dead_code)] // used as the statistics modules land
pub(crate) mod dist;
mod error;
mod reliability;
#[allow(dead_code)] // used as the statistics modules land
pub(crate) mod summation;
mod table;

pub use agreement::{Icc, IccForm, IccKind, IccMeanSquares, IccOptions, icc, icc_with_missing};
pub use error::StatsError;
pub use reliability::{
    Alpha, AlphaItem, AlphaOptions, MissingPolicy, Omega, alpha, alpha_rows, alpha_with_missing,
    omega_from_correlation, omega_total, sem,
};
