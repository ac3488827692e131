//! Shared test data and helpers: a seeded table with counsellors, Likert items, ratings and
//! continuous pairs, the core crate's in-memory results per group, and readers for the
//! engine's struct results.
#![allow(dead_code)]

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray, StructArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema, SchemaRef, UInt64Type};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};

pub const ITEMS: usize = 5;
pub const RATERS: usize = 4;

/// A small seeded generator (SplitMix64), so tests need no random-number crate.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-300);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// One input row.
#[derive(Debug, Clone)]
pub struct Row {
    pub group: String,
    pub items: [Option<f64>; ITEMS],
    pub ratings: [Option<f64>; RATERS],
    pub x: Option<f64>,
    pub y: Option<f64>,
}

/// `groups` counsellors with `rows_per_group[g]` rows each (in the order given), Likert items
/// 1–5 driven by a common factor, ratings 0–10, continuous x/y with decimals; about
/// `missing` of the cells NULL.
pub fn table(seed: u64, rows_per_group: &[usize], missing: f64) -> Vec<Row> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    for (g, &n) in rows_per_group.iter().enumerate() {
        for _ in 0..n {
            let f = rng.normal();
            let cell = |v: f64, rng: &mut Rng| (rng.unit() >= missing).then_some(v);
            let items = std::array::from_fn(|_| {
                let v = (3.0 + f + 0.8 * rng.normal()).round().clamp(1.0, 5.0);
                cell(v, &mut rng)
            });
            let ratings = std::array::from_fn(|j| {
                let v = (5.0 + 1.5 * f + j as f64 * 0.3 + rng.normal())
                    .round()
                    .clamp(0.0, 10.0);
                cell(v, &mut rng)
            });
            let x = 40.0 + 5.0 * f + 3.0 * rng.normal();
            let y = 20.0 + 2.0 * f + 2.5 * rng.normal();
            out.push(Row {
                group: format!("t-{g:02}"),
                items,
                ratings,
                x: cell((x * 1000.0).round() / 1000.0, &mut rng),
                y: cell((y * 7.0).round() / 7.0, &mut rng),
            });
        }
    }
    out
}

/// Shuffles rows (Fisher–Yates).
pub fn shuffle(rows: &mut [Row], seed: u64) {
    let mut rng = Rng(seed);
    for i in (1..rows.len()).rev() {
        rows.swap(i, rng.below(i + 1));
    }
}

pub fn schema() -> SchemaRef {
    let mut f = vec![Field::new("counsellor", DataType::Utf8, false)];
    f.extend((1..=ITEMS).map(|j| Field::new(format!("i{j}"), DataType::Int64, true)));
    f.extend((1..=RATERS).map(|j| Field::new(format!("r{j}"), DataType::Float64, true)));
    f.push(Field::new("x", DataType::Float64, true));
    f.push(Field::new("y", DataType::Float64, true));
    Arc::new(Schema::new(f))
}

pub fn batch(rows: &[Row]) -> RecordBatch {
    let mut cols: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(
        rows.iter().map(|r| r.group.as_str()),
    ))];
    for j in 0..ITEMS {
        cols.push(Arc::new(Int64Array::from_iter(
            rows.iter().map(|r| r.items[j].map(|v| v as i64)),
        )));
    }
    for j in 0..RATERS {
        cols.push(Arc::new(Float64Array::from_iter(
            rows.iter().map(|r| r.ratings[j]),
        )));
    }
    cols.push(Arc::new(Float64Array::from_iter(rows.iter().map(|r| r.x))));
    cols.push(Arc::new(Float64Array::from_iter(rows.iter().map(|r| r.y))));
    RecordBatch::try_new(schema(), cols).expect("batch")
}

/// The rows as a memory table of `partitions` partitions of batches of `batch_rows` rows.
pub fn mem_table(rows: &[Row], partitions: usize, batch_rows: usize) -> MemTable {
    let mut parts = vec![Vec::new(); partitions];
    for (i, chunk) in rows.chunks(batch_rows.max(1)).enumerate() {
        parts[i % partitions].push(batch(chunk));
    }
    MemTable::try_new(schema(), parts).expect("mem table")
}

pub fn context(target_partitions: usize) -> SessionContext {
    let ctx = SessionContext::new_with_config(
        SessionConfig::new()
            .with_target_partitions(target_partitions)
            .with_batch_size(64),
    );
    therapeutic_alliance_datafusion::register_all(&ctx);
    ctx
}

/// The groups in order of first appearance, each with its rows in input order.
pub fn by_group(rows: &[Row]) -> Vec<(String, Vec<Row>)> {
    let mut out: Vec<(String, Vec<Row>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, v)) => v.push(r.clone()),
            None => out.push((r.group.clone(), vec![r.clone()])),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Complete rows of the given cells, row-major, and how many rows were incomplete.
pub fn complete<const K: usize>(
    rows: &[Row],
    cells: impl Fn(&Row) -> [Option<f64>; K],
) -> (Vec<f64>, u64) {
    let mut data = Vec::new();
    let mut incomplete = 0;
    for r in rows {
        let c = cells(r);
        if c.iter().all(Option::is_some) {
            data.extend(c.iter().map(|v| v.unwrap()));
        } else {
            incomplete += 1;
        }
    }
    (data, incomplete)
}

/// Runs `sql` and returns its batches concatenated.
pub async fn query(ctx: &SessionContext, sql: &str) -> RecordBatch {
    let batches = ctx
        .sql(sql)
        .await
        .expect("plan")
        .collect()
        .await
        .expect("run");
    let schema = batches.first().map(|b| b.schema()).expect("a batch");
    datafusion::arrow::compute::concat_batches(&schema, &batches).expect("concat")
}

/// A result struct column.
pub fn structs(batch: &RecordBatch, name: &str) -> StructArray {
    batch
        .column_by_name(name)
        .expect("column")
        .as_struct()
        .clone()
}

pub fn strings(batch: &RecordBatch, name: &str) -> Vec<String> {
    let c = batch.column_by_name(name).expect("column");
    let c = datafusion::arrow::compute::cast(c, &DataType::Utf8).expect("cast");
    c.as_string::<i32>()
        .iter()
        .map(|s| s.unwrap_or_default().to_owned())
        .collect()
}

/// A numeric field (Float64 or UInt64) of row `i` of a struct array; `None` for NULL.
pub fn field(s: &StructArray, name: &str, i: usize) -> Option<f64> {
    let c = s
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no field {name}"));
    if c.is_null(i) {
        return None;
    }
    match c.data_type() {
        DataType::Float64 => Some(c.as_primitive::<Float64Type>().value(i)),
        DataType::UInt64 => Some(c.as_primitive::<UInt64Type>().value(i) as f64),
        t => panic!("field {name} is {t}"),
    }
}

pub fn text(s: &StructArray, name: &str, i: usize) -> Option<String> {
    let c = s
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no field {name}"));
    (!c.is_null(i)).then(|| c.as_string::<i32>().value(i).to_owned())
}

pub fn sub(s: &StructArray, name: &str, i: usize) -> StructArray {
    let c = s
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no field {name}"));
    c.as_struct().slice(i, 1)
}

/// The per-item structs of row `i`'s `items` list.
pub fn items(s: &StructArray, i: usize) -> StructArray {
    let c = s.column_by_name("items").expect("items");
    let list = c.as_list::<i32>();
    list.value(i).as_struct().clone()
}

/// Relative closeness: |a − b| ≤ tol·max(1, |a|, |b|), and NULL only together.
pub fn close(what: &str, got: Option<f64>, want: Option<f64>, tol: f64) {
    match (got, want) {
        (Some(g), Some(w)) => {
            let scale = 1f64.max(g.abs()).max(w.abs());
            assert!(
                (g - w).abs() <= tol * scale,
                "{what}: engine {g:e}, core {w:e} (difference {:e})",
                (g - w).abs()
            );
        }
        (None, None) => {}
        _ => panic!("{what}: engine {got:?}, core {want:?}"),
    }
}

/// Two arrays equal: Float64 values within `tol` (relative; NULL only together), struct and
/// list arrays field by field, everything else exactly.
pub fn assert_arrays_close(what: &str, a: &dyn Array, b: &dyn Array, tol: f64) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    assert_eq!(a.data_type(), b.data_type(), "{what}: types");
    for i in 0..a.len() {
        assert_eq!(a.is_null(i), b.is_null(i), "{what}: null at {i}");
    }
    match a.data_type() {
        DataType::Float64 => {
            let (x, y) = (
                a.as_primitive::<Float64Type>(),
                b.as_primitive::<Float64Type>(),
            );
            for i in 0..a.len() {
                let v = |c: &datafusion::arrow::array::PrimitiveArray<Float64Type>| {
                    (!c.is_null(i)).then(|| c.value(i))
                };
                close(&format!("{what}[{i}]"), v(x), v(y), tol);
            }
        }
        DataType::Struct(fields) => {
            let (x, y) = (a.as_struct(), b.as_struct());
            for (j, f) in fields.iter().enumerate() {
                assert_arrays_close(
                    &format!("{what}.{}", f.name()),
                    x.column(j),
                    y.column(j),
                    tol,
                );
            }
        }
        DataType::List(_) => {
            let (x, y) = (a.as_list::<i32>(), b.as_list::<i32>());
            assert_eq!(x.value_offsets(), y.value_offsets(), "{what}: list offsets");
            assert_arrays_close(&format!("{what}[]"), x.values(), y.values(), tol);
        }
        _ => assert_eq!(a.to_data(), b.to_data(), "{what}"),
    }
}
