//! One generic aggregate UDF over the core's streaming accumulators: the per-group
//! [`Accumulator`] and the many-groups [`GroupsAccumulator`], parameterised by the statistic.
//!
//! Phases, as DataFusion plans them: each partition updates parts from its rows
//! (`update_batch`), emits them as state (`state`: the accumulator's bytes and the count of
//! incomplete rows), and the final aggregate merges the states of every partition
//! (`merge_batch`) before finishing each group (`evaluate`). Merging parts is the core
//! accumulators' `merge`; how that algebra makes results independent of the partitioning is
//! documented on the core accumulators.

use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryBuilder, BooleanArray, UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, UInt64Type};
use datafusion::common::{DataFusionError, Result, ScalarValue, not_impl_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, Volatility,
};

use crate::input::{
    RowKind, all_finite, check_complete_rows, coerce_numeric, float_columns, read_row, row_kind,
    scatter_rows, transpose_rows,
};
use crate::output;
use crate::state::{CoreAccumulator, Part, stats_error};

/// A statistic computed by a core accumulator.
pub(crate) trait Statistic:
    Debug + Clone + PartialEq + Eq + Hash + Send + Sync + 'static
{
    /// The core accumulator.
    type Acc: CoreAccumulator;
    /// The SQL name.
    const NAME: &'static str;
    /// Fewest arguments.
    const MIN_ARGS: usize;
    /// Most arguments (`None`: no limit).
    const MAX_ARGS: Option<usize>;
    /// The fields of the result struct.
    fn fields() -> Fields;
    /// The result for one group.
    fn finish(&self, part: &Part<Self::Acc>) -> Result<Vec<ScalarValue>>;
}

/// The aggregate UDF of statistic `S`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct StatUdaf<S> {
    stat: S,
    signature: Signature,
}

impl<S: Statistic> StatUdaf<S> {
    pub(crate) fn new(stat: S) -> Self {
        Self {
            stat,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    fn setup(&self, args: &AccumulatorArgs) -> Result<Setup<S>> {
        if args.is_distinct {
            return not_impl_err!("{}(DISTINCT …) is not supported", S::NAME);
        }
        let width = args.exprs.len();
        Ok(Setup {
            stat: self.stat.clone(),
            template: Part::empty(width)?,
            width,
        })
    }
}

/// What every accumulator of one call needs.
#[derive(Debug, Clone)]
struct Setup<S: Statistic> {
    stat: S,
    template: Part<S::Acc>,
    width: usize,
}

impl<S: Statistic> Setup<S> {
    fn finish(&self, part: &Part<S::Acc>) -> Result<Vec<ScalarValue>> {
        self.stat.finish(part)
    }

    /// Decodes the state columns' row `i` (`None` for a NULL state).
    fn decode(&self, states: &[ArrayRef], i: usize) -> Result<Option<Part<S::Acc>>> {
        let (bytes, incomplete) = state_columns(states)?;
        if bytes.is_null(i) {
            return Ok(None);
        }
        let n = if incomplete.is_null(i) {
            0
        } else {
            incomplete.value(i)
        };
        Part::decode(bytes.value(i), n, self.width).map(Some)
    }
}

fn state_columns(
    states: &[ArrayRef],
) -> Result<(&datafusion::arrow::array::BinaryArray, &UInt64Array)> {
    let [bytes, incomplete] = states else {
        return Err(DataFusionError::Internal(format!(
            "expected 2 state columns, got {}",
            states.len()
        )));
    };
    let bytes = bytes
        .as_binary_opt::<i32>()
        .ok_or_else(|| DataFusionError::Internal("state column is not Binary".to_owned()))?;
    let incomplete = incomplete
        .as_primitive_opt::<UInt64Type>()
        .ok_or_else(|| DataFusionError::Internal("state count is not UInt64".to_owned()))?;
    Ok((bytes, incomplete))
}

fn encode<'a, A: CoreAccumulator>(
    parts: impl ExactSizeIterator<Item = &'a Part<A>>,
) -> Vec<ArrayRef> {
    let mut bytes = BinaryBuilder::with_capacity(parts.len(), 0);
    let mut counts = Vec::with_capacity(parts.len());
    for p in parts {
        bytes.append_value(p.acc.encode());
        counts.push(p.incomplete);
    }
    vec![
        Arc::new(bytes.finish()),
        Arc::new(UInt64Array::from(counts)),
    ]
}

impl<S: Statistic> AggregateUDFImpl for StatUdaf<S> {
    fn name(&self) -> &str {
        S::NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_numeric(S::NAME, arg_types, S::MIN_ARGS, S::MAX_ARGS)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(S::fields()))
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let setup = self.setup(&args)?;
        Ok(Box::new(OneGroup {
            part: setup.template.clone(),
            setup,
            rows: Vec::new(),
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(
                format_state_name(args.name, "state"),
                DataType::Binary,
                true,
            )),
            Arc::new(Field::new(
                format_state_name(args.name, "n_incomplete"),
                DataType::UInt64,
                true,
            )),
        ])
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs) -> bool {
        !args.is_distinct
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(ManyGroups {
            setup: self.setup(&args)?,
            parts: Vec::new(),
            held: 0,
            order: Vec::new(),
            sorted: Vec::new(),
            slot: Vec::new(),
            seen: Vec::new(),
            starts: Vec::new(),
        }))
    }
}

/// The accumulator of one group (or of an aggregate without `GROUP BY`).
#[derive(Debug)]
struct OneGroup<S: Statistic> {
    setup: Setup<S>,
    part: Part<S::Acc>,
    rows: Vec<f64>,
}

impl<S: Statistic> Accumulator for OneGroup<S> {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let columns = float_columns(values)?;
        if columns.iter().all(|c| c.null_count() == 0) && all_finite(&columns) {
            transpose_rows(&columns, &mut self.rows);
            return self.part.acc.add_rows(&self.rows).map_err(stats_error);
        }
        let n = columns.first().map_or(0, Array::len);
        self.rows.clear();
        for r in 0..n {
            if read_row(S::NAME, &columns, None, r, &mut self.rows)? == RowKind::Incomplete {
                self.part.incomplete = self.part.incomplete.saturating_add(1);
            }
        }
        self.part.acc.add_rows(&self.rows).map_err(stats_error)
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        output::struct_scalar(&S::fields(), self.setup.finish(&self.part)?)
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.part.heap_size()
            + self.setup.template.heap_size()
            + self.rows.capacity() * std::mem::size_of::<f64>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![
            ScalarValue::Binary(Some(self.part.acc.encode())),
            ScalarValue::UInt64(Some(self.part.incomplete)),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let n = states.first().map_or(0, Array::len);
        for i in 0..n {
            if let Some(other) = self.setup.decode(states, i)? {
                self.part.merge(&other)?;
            }
        }
        Ok(())
    }
}

/// The accumulator of every group of a `GROUP BY`: one part (one core accumulator and a
/// count, no rows) per group index.
struct ManyGroups<S: Statistic> {
    setup: Setup<S>,
    parts: Vec<Part<S::Acc>>,
    /// Heap bytes held by `parts` (the sum of their `heap_size`), kept up to date as parts
    /// change so that `size` need not visit every group.
    held: usize,
    /// Scratch: per row of a batch, its bucket, then its place in `sorted` (`usize::MAX`: not
    /// a complete row)…
    order: Vec<usize>,
    /// …and the complete rows, row-major, grouped (each group's rows in input order), so each
    /// group gets its rows as one block.
    sorted: Vec<f64>,
    /// Per group index: its bucket in the current batch (`usize::MAX`: none); reset after each
    /// batch for the groups it touched.
    slot: Vec<usize>,
    /// The groups of the current batch, in order of first appearance…
    seen: Vec<usize>,
    /// …and where each one's rows start in `sorted` (then where the next row goes).
    starts: Vec<usize>,
}

impl<S: Statistic> ManyGroups<S> {
    fn ensure(&mut self, total_num_groups: usize) {
        if self.slot.len() < total_num_groups {
            self.slot.resize(total_num_groups, usize::MAX);
        }
        if self.parts.len() < total_num_groups {
            let template = &self.setup.template;
            self.held += (total_num_groups - self.parts.len()) * template.heap_size();
            self.parts
                .resize_with(total_num_groups, || template.clone());
        }
    }

    /// Applies `change` to group `g`'s part, keeping `held` up to date.
    fn update(
        &mut self,
        g: usize,
        change: impl FnOnce(&mut Part<S::Acc>) -> Result<()>,
    ) -> Result<()> {
        let part = &mut self.parts[g];
        let before = part.heap_size();
        let out = change(part);
        self.held = self.held - before + part.heap_size();
        out
    }

    /// Pushes a batch's complete rows (their values already checked finite) into their groups'
    /// parts: a counting sort by group (O(rows), each group's rows in input order), then every
    /// column is written once into its place in the grouped row-major buffer, and each group
    /// gets its rows as one block.
    fn push_grouped(
        &mut self,
        columns: &[datafusion::arrow::array::Float64Array],
        group_indices: &[usize],
        filter: Option<&BooleanArray>,
    ) -> Result<()> {
        let w = self.setup.width;
        let plain = filter.is_none() && columns.iter().all(|c| c.null_count() == 0);
        self.seen.clear();
        self.starts.clear();
        // `order` holds each row's bucket (usize::MAX: not a complete row), then its place.
        self.order.clear();
        for (r, &g) in group_indices.iter().enumerate() {
            let kind = if plain {
                RowKind::Complete
            } else {
                row_kind(columns, filter, r)
            };
            match kind {
                RowKind::Complete => {
                    let mut k = self.slot[g];
                    if k == usize::MAX {
                        k = self.seen.len();
                        self.slot[g] = k;
                        self.seen.push(g);
                        self.starts.push(0);
                    }
                    self.starts[k] += 1;
                    self.order.push(k);
                }
                RowKind::Incomplete => {
                    self.parts[g].incomplete = self.parts[g].incomplete.saturating_add(1);
                    self.order.push(usize::MAX);
                }
                RowKind::Filtered => self.order.push(usize::MAX),
            }
        }
        // counts → starts (exclusive prefix sums), then each row's place
        let mut at = 0;
        for s in &mut self.starts {
            let count = *s;
            *s = at;
            at += count;
        }
        for d in &mut self.order {
            if *d != usize::MAX {
                let k = *d;
                *d = self.starts[k];
                self.starts[k] += 1;
            }
        }
        self.sorted.clear();
        self.sorted.resize(at * w, 0.0);
        scatter_rows(columns, &self.order, &mut self.sorted);
        for &g in &self.seen {
            self.slot[g] = usize::MAX;
        }
        // after the placing loop, starts[k] is where bucket k ends
        let mut start = 0;
        let mut result = Ok(());
        for k in 0..self.seen.len() {
            let (g, end) = (self.seen[k], self.starts[k]);
            let block = std::mem::take(&mut self.sorted);
            let pushed = self.update(g, |p| {
                p.acc
                    .add_rows(&block[start * w..end * w])
                    .map_err(stats_error)
            });
            self.sorted = block;
            if pushed.is_err() {
                result = pushed;
                break;
            }
            start = end;
        }
        result
    }

    /// Takes the parts `emit_to` asks for out of the accumulator.
    fn take(&mut self, emit_to: EmitTo) -> Vec<Part<S::Acc>> {
        let parts = emit_to.take_needed(&mut self.parts);
        self.held -= parts.iter().map(Part::heap_size).sum::<usize>();
        parts
    }
}

impl<S: Statistic> GroupsAccumulator for ManyGroups<S> {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.ensure(total_num_groups);
        let columns = float_columns(values)?;
        // One vectorised pass; only a batch that holds a NaN or infinity somewhere (perhaps in
        // a NULL slot or a filtered row, which are never read) is checked row by row.
        if !all_finite(&columns) {
            check_complete_rows(S::NAME, &columns, opt_filter)?;
        }
        self.push_grouped(&columns, group_indices, opt_filter)
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let parts = self.take(emit_to);
        let rows = parts
            .iter()
            .map(|p| self.setup.finish(p))
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(output::struct_array(&S::fields(), &rows)?))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let parts = self.take(emit_to);
        Ok(encode(parts.iter()))
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.ensure(total_num_groups);
        for (i, &g) in group_indices.iter().enumerate() {
            if let Some(other) = self.setup.decode(values, i)? {
                self.update(g, |p| p.merge(&other))?;
            }
        }
        Ok(())
    }

    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let columns = float_columns(values)?;
        let n = columns.first().map_or(0, Array::len);
        let mut parts = Vec::with_capacity(n);
        let mut row = Vec::with_capacity(self.setup.width);
        for r in 0..n {
            let mut part = self.setup.template.clone();
            row.clear();
            match read_row(S::NAME, &columns, opt_filter, r, &mut row)? {
                RowKind::Complete => part.acc.add_rows(&row).map_err(stats_error)?,
                RowKind::Incomplete => part.incomplete = 1,
                RowKind::Filtered => {}
            }
            parts.push(part);
        }
        Ok(encode(parts.iter()))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.parts.capacity() * std::mem::size_of::<Part<S::Acc>>()
            + self.held
            + self.setup.template.heap_size()
            + self.sorted.capacity() * std::mem::size_of::<f64>()
            + (self.order.capacity()
                + self.seen.capacity()
                + self.starts.capacity()
                + self.slot.capacity())
                * std::mem::size_of::<usize>()
    }
}

impl<S: Statistic> Debug for ManyGroups<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManyGroups")
            .field("function", &S::NAME)
            .field("groups", &self.parts.len())
            .finish_non_exhaustive()
    }
}
