//! Validation of row-major numeric tables (rows × columns in one slice), shared by the
//! reliability and agreement routines.

use super::StatsError;

/// The error for the non-finite value at offset `i` of a row-major table.
pub(crate) fn non_finite(
    data: &[f64],
    n_cols: usize,
    i: usize,
    col_name: impl Fn(usize) -> String,
) -> StatsError {
    StatsError::NonFinite {
        what: col_name(i % n_cols.max(1)),
        row: i / n_cols.max(1),
        value: data.get(i).copied().unwrap_or(f64::NAN),
    }
}

/// Checks that `data` is a non-empty table of `n_cols ≥ 2` columns and returns its number of
/// rows (values are checked for finiteness by the callers while they accumulate). `cols` names
/// the columns in messages (`"items"`, `"raters"`).
pub(crate) fn check_shape(data: &[f64], n_cols: usize, cols: &str) -> Result<usize, StatsError> {
    if n_cols < 2 {
        return Err(StatsError::TooFewCases {
            what: cols.to_owned(),
            needed: 2,
            got: n_cols,
        });
    }
    if data.is_empty() {
        return Err(StatsError::EmptyInput {
            what: "data".to_owned(),
        });
    }
    if !data.len().is_multiple_of(n_cols) {
        return Err(StatsError::LengthMismatch {
            what: format!("data (a whole number of rows of {n_cols} {cols})"),
            expected: data.len().div_ceil(n_cols).saturating_mul(n_cols),
            got: data.len(),
        });
    }
    Ok(data.len() / n_cols)
}

/// The error for fewer than 2 columns (`cols`: `"items"`, `"raters"`).
pub(crate) fn too_few_columns(cols: &str, got: usize) -> StatsError {
    StatsError::TooFewCases {
        what: cols.to_owned(),
        needed: 2,
        got,
    }
}

/// The error for a row or accumulator of the wrong width.
pub(crate) fn shape_mismatch(what: &str, expected: usize, got: usize) -> StatsError {
    StatsError::LengthMismatch {
        what: what.to_owned(),
        expected,
        got,
    }
}

/// Largest count an accumulator keeps: 2^53, the last integer up to which every `f64` counts
/// exactly (the moments are weighted by counts as `f64`).
pub(crate) const MAX_COUNT: usize = 1 << 53;

/// A vector of `len` zeros, reserved fallibly: an impossible size is
/// [`StatsError::TooLarge`] instead of a capacity-overflow panic or an allocation abort.
pub(crate) fn zeros(what: &str, len: usize) -> Result<Vec<f64>, StatsError> {
    zeros_of(what, len)
}

/// [`zeros`] for any number type (the exact path's `i128` sums).
pub(crate) fn zeros_of<T: Clone + Default>(what: &str, len: usize) -> Result<Vec<T>, StatsError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| StatsError::TooLarge {
        what: what.to_owned(),
        size: len as u128,
        why: "the memory for its moments cannot be reserved".to_owned(),
    })?;
    v.resize(len, T::default());
    Ok(v)
}

/// `p × p` for a table of `p` columns (`what` names them), or [`StatsError::TooLarge`].
pub(crate) fn square(what: &str, p: usize) -> Result<usize, StatsError> {
    p.checked_mul(p).ok_or_else(|| StatsError::TooLarge {
        what: what.to_owned(),
        size: p as u128,
        why: "its p x p covariance matrix does not fit in the address space".to_owned(),
    })
}

/// The count of two merged accumulators, or [`StatsError::TooLarge`] past [`MAX_COUNT`].
pub(crate) fn merged_count(what: &str, a: usize, b: usize) -> Result<usize, StatsError> {
    match a.checked_add(b) {
        Some(n) if n <= MAX_COUNT => Ok(n),
        _ => Err(StatsError::TooLarge {
            what: what.to_owned(),
            size: a as u128 + b as u128,
            why: "more than 2^53 rows, past which counts lose precision".to_owned(),
        }),
    }
}
