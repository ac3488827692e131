//! `score_instrument(instrument_id, i1, …, in)`: one administration per row, scored by the
//! core crate's [`Instrument::score`].

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{
    Array, ArrayRef, BooleanBuilder, Float64Builder, ListArray, StringBuilder, StructArray,
    UInt64Builder,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::{DataFusionError, Result, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use therapeutic_alliance::{Answer, Instrument, Responses, Score};

use crate::input::float_columns;
use crate::output::{count, float, text};

/// See [`crate::score_instrument_udf`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ScoreInstrument {
    signature: Signature,
}

impl ScoreInstrument {
    pub(crate) fn new() -> Self {
        Self {
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

static SUBSCALE_FIELDS: LazyLock<Fields> =
    LazyLock::new(|| Fields::from(vec![text("name"), float("value")]));

fn subscale_element() -> FieldRef {
    Arc::new(Field::new_struct("item", SUBSCALE_FIELDS.clone(), true))
}

fn critical_element() -> FieldRef {
    Arc::new(Field::new("item", DataType::Utf8, true))
}

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        text("instrument"),
        float("total"),
        Field::new("subscales", DataType::List(subscale_element()), true),
        count("answered"),
        Field::new("prorated", DataType::Boolean, true),
        count("imputed"),
        text("band"),
        Field::new("cutoff_met", DataType::Boolean, true),
        Field::new("critical", DataType::List(critical_element()), true),
        text("rejection"),
    ])
});

/// Column builders of the result.
#[derive(Default)]
struct Columns {
    instrument: StringBuilder,
    total: Float64Builder,
    sub_offsets: Vec<i32>,
    sub_len: i32,
    sub_valid: Vec<bool>,
    sub_names: StringBuilder,
    sub_values: Float64Builder,
    answered: UInt64Builder,
    prorated: BooleanBuilder,
    imputed: UInt64Builder,
    band: StringBuilder,
    cutoff_met: BooleanBuilder,
    critical_offsets: Vec<i32>,
    critical_len: i32,
    critical_valid: Vec<bool>,
    critical_rules: StringBuilder,
    rejection: StringBuilder,
}

impl Columns {
    fn scored(&mut self, s: &Score) {
        self.instrument.append_value(&s.instrument);
        self.total
            .append_option(s.total.is_finite().then_some(s.total));
        for sub in &s.subscales {
            self.sub_names.append_value(&sub.name);
            self.sub_values
                .append_option(sub.value.is_finite().then_some(sub.value));
            self.sub_len += 1;
        }
        self.sub_offsets.push(self.sub_len);
        self.sub_valid.push(true);
        self.answered.append_value(s.answered as u64);
        self.prorated.append_value(s.prorated);
        self.imputed.append_value(s.imputed as u64);
        self.band.append_option(s.band.as_deref());
        self.cutoff_met.append_option(s.cutoff_met);
        for flag in &s.critical {
            self.critical_rules.append_value(&flag.rule);
            self.critical_len += 1;
        }
        self.critical_offsets.push(self.critical_len);
        self.critical_valid.push(true);
        self.rejection.append_null();
    }

    fn rejected(&mut self, instrument: Option<&str>, reason: &str) {
        self.instrument.append_option(instrument);
        self.total.append_null();
        self.sub_offsets.push(self.sub_len);
        self.sub_valid.push(false);
        self.answered.append_null();
        self.prorated.append_null();
        self.imputed.append_null();
        self.band.append_null();
        self.cutoff_met.append_null();
        self.critical_offsets.push(self.critical_len);
        self.critical_valid.push(false);
        self.rejection.append_value(reason);
    }

    fn finish(mut self) -> Result<ArrayRef> {
        let subs_offsets = offsets(&self.sub_offsets);
        let subs = StructArray::try_new(
            SUBSCALE_FIELDS.clone(),
            vec![
                Arc::new(self.sub_names.finish()),
                Arc::new(self.sub_values.finish()),
            ],
            None,
        )?;
        let subscales = ListArray::try_new(
            subscale_element(),
            subs_offsets,
            Arc::new(subs),
            Some(NullBuffer::from(self.sub_valid)),
        )?;
        let critical = ListArray::try_new(
            critical_element(),
            offsets(&self.critical_offsets),
            Arc::new(self.critical_rules.finish()),
            Some(NullBuffer::from(self.critical_valid)),
        )?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.instrument.finish()),
            Arc::new(self.total.finish()),
            Arc::new(subscales),
            Arc::new(self.answered.finish()),
            Arc::new(self.prorated.finish()),
            Arc::new(self.imputed.finish()),
            Arc::new(self.band.finish()),
            Arc::new(self.cutoff_met.finish()),
            Arc::new(critical),
            Arc::new(self.rejection.finish()),
        ];
        Ok(Arc::new(StructArray::try_new(
            FIELDS.clone(),
            columns,
            None,
        )?))
    }
}

/// A list's offsets from the running end offset of each row.
fn offsets(ends: &[i32]) -> OffsetBuffer<i32> {
    let mut all = Vec::with_capacity(ends.len() + 1);
    all.push(0);
    all.extend_from_slice(ends);
    OffsetBuffer::new(all.into())
}

impl ScalarUDFImpl for ScoreInstrument {
    fn name(&self) -> &'static str {
        "score_instrument"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let Some((id, items)) = arg_types.split_first() else {
            return plan_err!("score_instrument takes an instrument id and its items");
        };
        if items.is_empty() {
            return plan_err!("score_instrument: no item columns given after the instrument id");
        }
        if !matches!(
            id,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
        ) {
            return plan_err!("score_instrument: the instrument id is {id}, not a string");
        }
        for (i, t) in items.iter().enumerate() {
            if !(t.is_numeric() || *t == DataType::Null) {
                return plan_err!(
                    "score_instrument: item argument {} is {t}, not a number",
                    i + 1
                );
            }
        }
        let mut out = vec![DataType::Utf8];
        out.extend(std::iter::repeat_n(DataType::Float64, items.len()));
        Ok(out)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(FIELDS.clone()))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let Some((ids, items)) = arrays.split_first() else {
            return Err(DataFusionError::Internal(
                "score_instrument without arguments".to_owned(),
            ));
        };
        let ids = cast(ids, &DataType::Utf8)?;
        let ids = ids
            .as_any()
            .downcast_ref::<datafusion::arrow::array::StringArray>()
            .ok_or_else(|| DataFusionError::Internal("instrument id is not Utf8".to_owned()))?;
        let items = float_columns(items)?;
        let mut instruments: HashMap<String, Option<Instrument>> = HashMap::new();
        let mut out = Columns::default();
        for row in 0..args.number_rows {
            if ids.is_null(row) {
                out.rejected(None, "the instrument id is null");
                continue;
            }
            let id = ids.value(row);
            let instrument = instruments
                .entry(id.to_owned())
                .or_insert_with(|| Instrument::builtin(id));
            let Some(instrument) = instrument else {
                out.rejected(Some(id), &format!("unknown instrument '{id}'"));
                continue;
            };
            if instrument.item_count() != items.len() {
                out.rejected(
                    Some(id),
                    &format!(
                        "{id} has {} items, {} item columns given",
                        instrument.item_count(),
                        items.len()
                    ),
                );
                continue;
            }
            let responses: Responses = instrument
                .item_numbers()
                .zip(&items)
                .map(|(number, column)| {
                    let answer = if column.is_null(row) {
                        Answer::Missing
                    } else {
                        Answer::Value(column.value(row))
                    };
                    (number, answer)
                })
                .collect();
            match instrument.score(&responses) {
                Ok(score) => out.scored(&score),
                Err(e) => out.rejected(Some(id), &e.to_string()),
            }
        }
        Ok(ColumnarValue::Array(out.finish()?))
    }
}
