//! Building the struct results: one row of [`ScalarValue`]s per group, turned into a
//! `StructArray` (many groups) or a `ScalarValue::Struct` (one).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, ListArray, StructArray, new_empty_array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::{Result, ScalarValue};

/// A nullable `Float64` field.
pub(crate) fn float(name: &str) -> Field {
    Field::new(name, DataType::Float64, true)
}

/// A nullable `UInt64` field.
pub(crate) fn count(name: &str) -> Field {
    Field::new(name, DataType::UInt64, true)
}

/// A nullable `Utf8` field.
pub(crate) fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

/// A finite number, or NULL (the results never hold NaN or infinity).
pub(crate) fn num(x: f64) -> ScalarValue {
    ScalarValue::Float64(x.is_finite().then_some(x))
}

/// An optional finite number, or NULL.
pub(crate) fn opt(x: Option<f64>) -> ScalarValue {
    ScalarValue::Float64(x.filter(|v| v.is_finite()))
}

/// A count.
pub(crate) fn n(x: usize) -> ScalarValue {
    ScalarValue::UInt64(Some(x as u64))
}

/// A string.
pub(crate) fn s(x: &str) -> ScalarValue {
    ScalarValue::Utf8(Some(x.to_owned()))
}

/// A row of NULLs for `fields`.
pub(crate) fn nulls(fields: &Fields) -> Result<Vec<ScalarValue>> {
    fields
        .iter()
        .map(|f| ScalarValue::try_from(f.data_type()))
        .collect()
}

/// Sets the field called `name` of a row laid out as `fields`.
pub(crate) fn set(fields: &Fields, row: &mut [ScalarValue], name: &str, value: ScalarValue) {
    if let Some((i, _)) = fields.find(name) {
        row[i] = value;
    }
}

/// The rows (each laid out as `fields`) as a struct array without top-level nulls.
pub(crate) fn struct_array(fields: &Fields, rows: &[Vec<ScalarValue>]) -> Result<StructArray> {
    let columns = fields
        .iter()
        .enumerate()
        .map(|(j, f)| column(f, rows.iter().map(|r| r[j].clone())))
        .collect::<Result<Vec<_>>>()?;
    Ok(StructArray::try_new(fields.clone(), columns, None)?)
}

fn column(field: &FieldRef, values: impl Iterator<Item = ScalarValue>) -> Result<ArrayRef> {
    let mut values = values.peekable();
    if values.peek().is_none() {
        return Ok(new_empty_array(field.data_type()));
    }
    ScalarValue::iter_to_array(values)
}

/// One struct value.
pub(crate) fn struct_scalar(fields: &Fields, row: Vec<ScalarValue>) -> Result<ScalarValue> {
    Ok(ScalarValue::Struct(Arc::new(struct_array(fields, &[row])?)))
}

/// A list value of structs laid out as `fields` (one per row).
pub(crate) fn struct_list(fields: &Fields, rows: &[Vec<ScalarValue>]) -> Result<ScalarValue> {
    let items = struct_array(fields, rows)?;
    let element = Arc::new(Field::new_struct("item", fields.clone(), true));
    let list = ListArray::try_new(
        element,
        OffsetBuffer::from_lengths([items.len()]),
        Arc::new(items),
        None,
    )?;
    Ok(ScalarValue::List(Arc::new(list)))
}

/// The type of [`struct_list`] values.
pub(crate) fn struct_list_type(fields: &Fields) -> DataType {
    DataType::List(Arc::new(Field::new_struct("item", fields.clone(), true)))
}
