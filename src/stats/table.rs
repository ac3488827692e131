//! Validation of row-major numeric tables (rows × columns in one slice), shared by the
//! reliability and agreement routines.

use super::StatsError;

/// Checks that `data` is a non-empty table of `n_cols ≥ 2` columns with finite values and
/// returns its number of rows. `cols` names the columns in messages (`"items"`, `"raters"`),
/// `col_name(j)` names column j in a non-finite-value error.
pub(crate) fn check_row_major(
    data: &[f64],
    n_cols: usize,
    cols: &str,
    col_name: impl Fn(usize) -> String,
) -> Result<usize, StatsError> {
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
    if let Some(i) = data.iter().position(|x| !x.is_finite()) {
        return Err(StatsError::NonFinite {
            what: col_name(i % n_cols),
            row: i / n_cols,
            value: data[i],
        });
    }
    Ok(data.len() / n_cols)
}
