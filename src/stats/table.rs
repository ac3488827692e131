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
            expected: data.len().div_ceil(n_cols) * n_cols,
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
