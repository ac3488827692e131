//! The crate's private numeric core: the kernels every statistic shares, written once.
//!
//! - [`summation`]: Neumaier's compensated sum and the two-pass mean/variance built on it.
//! - [`cholesky`]: one Cholesky factorisation of a small dense symmetric matrix with its
//!   triangular solves and the diagonal of the inverse.
//! - [`root`]: one bracketing root finder (Brent's zeroin as R's `uniroot()` runs it) with a
//!   tolerance parameter.
//!
//! Matrices are row-major `Vec<f64>` of length `p * p`; only the lower triangle is read.

pub(crate) mod cholesky;
pub(crate) mod root;
pub(crate) mod summation;
