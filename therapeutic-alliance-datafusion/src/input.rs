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
    let kind = row_kind(columns, filter, row);
    if kind == RowKind::Complete {
        check_row(function, columns, row)?;
        out.extend(columns.iter().map(|c| c.value(row)));
    }
    Ok(kind)
}

/// Checks that every complete row (neither filtered out nor holding a NULL) is finite, with
/// [`read_row`]'s error for the first that is not. Values in NULL slots and filtered rows are
/// never read, so they may be anything.
pub(crate) fn check_complete_rows(
    function: &str,
    columns: &[Float64Array],
    filter: Option<&BooleanArray>,
) -> Result<()> {
    let n = columns.first().map_or(0, Array::len);
    (0..n)
        .filter(|&row| row_kind(columns, filter, row) == RowKind::Complete)
        .try_for_each(|row| check_row(function, columns, row))
}

/// A NaN or infinite value in row `row` is an error naming the function, argument and row.
fn check_row(function: &str, columns: &[Float64Array], row: usize) -> Result<()> {
    match columns
        .iter()
        .map(|c| c.value(row))
        .enumerate()
        .find(|(_, v)| !v.is_finite())
    {
        None => Ok(()),
        Some((j, v)) => Err(DataFusionError::Execution(format!(
            "{function}: argument {} is {v} in row {row} of a batch (NaN and infinity are not values; use NULL for a missing value)",
            j + 1
        ))),
    }
}

/// Whether every value of every column, NULL slots included, is finite (one vectorisable pass
/// per column: `x·0` is 0 for finite x and NaN otherwise). When it is, no row can fail
/// [`read_row`]'s check, and a batch can be read column by column.
pub(crate) fn all_finite(columns: &[Float64Array]) -> bool {
    columns.iter().all(|c| {
        let (chunks, rest) = c.values().as_chunks::<8>();
        let mut check = [0.0f64; 8];
        for x in chunks {
            for k in 0..8 {
                check[k] += x[k] * 0.0;
            }
        }
        check.iter().all(|&v| v == 0.0) && rest.iter().all(|x| x.is_finite())
    })
}

/// The kind of row `row` (its values unchecked; see [`all_finite`] and [`check_complete_rows`]).
pub(crate) fn row_kind(
    columns: &[Float64Array],
    filter: Option<&BooleanArray>,
    row: usize,
) -> RowKind {
    if let Some(f) = filter
        && !(f.is_valid(row) && f.value(row))
    {
        RowKind::Filtered
    } else if columns.iter().any(|c| c.is_null(row)) {
        RowKind::Incomplete
    } else {
        RowKind::Complete
    }
}

/// Writes value `r` of each column to `out[dest[r] * w + j]` (w = `columns.len()`) for every
/// row `r` with a destination (`dest[r] < usize::MAX`): the batch's complete rows, row-major,
/// in the order `dest` gives, one contiguous column read at a time.
pub(crate) fn scatter_rows(columns: &[Float64Array], dest: &[usize], out: &mut [f64]) {
    let w = columns.len();
    for (j, c) in columns.iter().enumerate() {
        for (&d, &x) in dest.iter().zip(c.values().iter()) {
            if d != usize::MAX {
                out[d * w + j] = x;
            }
        }
    }
}

/// Every row of `columns` (none NULL), row-major, into `out` (cleared first).
pub(crate) fn transpose_rows(columns: &[Float64Array], out: &mut Vec<f64>) {
    let w = columns.len();
    let n = columns.first().map_or(0, Array::len);
    out.clear();
    out.resize(n * w, 0.0);
    for (j, c) in columns.iter().enumerate() {
        for (row, &x) in out.chunks_exact_mut(w).zip(c.values().iter()) {
            row[j] = x;
        }
    }
}
