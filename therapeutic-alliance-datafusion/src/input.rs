//! Reading a batch's argument columns into row-major rows of `f64`, as the core accumulators
//! take them.

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result, plan_err};

/// Coerces the arguments of an aggregate: every argument numeric (or NULL), read as `Float64`.
pub(crate) fn coerce_numeric(
    function: &str,
    arg_types: &[DataType],
    min: usize,
    max: Option<usize>,
) -> Result<Vec<DataType>> {
    let n = arg_types.len();
    if n < min || max.is_some_and(|m| n > m) {
        let want = match max {
            Some(m) if m == min => format!("{min}"),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        return plan_err!("{function} takes {want} arguments, {n} given");
    }
    for (i, t) in arg_types.iter().enumerate() {
        if !(t.is_numeric() || *t == DataType::Null) {
            return plan_err!("{function}: argument {} is {t}, not a number", i + 1);
        }
    }
    Ok(vec![DataType::Float64; n])
}

/// The arguments as `Float64` arrays (cast where the planner did not already coerce them).
pub(crate) fn float_columns(values: &[ArrayRef]) -> Result<Vec<Float64Array>> {
    values
        .iter()
        .map(|a| {
            let a = if a.data_type() == &DataType::Float64 {
                a.clone()
            } else {
                cast(a, &DataType::Float64)?
            };
            a.as_any()
                .downcast_ref::<Float64Array>()
                .cloned()
                .ok_or_else(|| DataFusionError::Internal("cast to Float64 failed".to_owned()))
        })
        .collect()
}

/// What one input row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    /// Every argument present: the row's values were appended.
    Complete,
    /// An argument was NULL: the row counts as incomplete.
    Incomplete,
    /// The aggregate's `FILTER` excluded the row.
    Filtered,
}

/// Reads row `row` of `columns` into `out` (appending `columns.len()` values) if it is
/// complete. A NaN or infinite value is an error naming the function, argument and row.
pub(crate) fn read_row(
    function: &str,
    columns: &[Float64Array],
    filter: Option<&BooleanArray>,
    row: usize,
    out: &mut Vec<f64>,
) -> Result<RowKind> {
    if let Some(f) = filter
        && !(f.is_valid(row) && f.value(row))
    {
        return Ok(RowKind::Filtered);
    }
    if columns.iter().any(|c| c.is_null(row)) {
        return Ok(RowKind::Incomplete);
    }
    for (j, c) in columns.iter().enumerate() {
        let v = c.value(row);
        if !v.is_finite() {
            out.truncate(out.len() - j);
            return Err(DataFusionError::Execution(format!(
                "{function}: argument {} is {v} in row {row} of a batch (NaN and infinity are not values; use NULL for a missing value)",
                j + 1
            )));
        }
        out.push(v);
    }
    Ok(RowKind::Complete)
}
