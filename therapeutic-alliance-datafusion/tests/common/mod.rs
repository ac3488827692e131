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
use therapeutic_alliance::stats::{
    AlphaOptions, CorrelationOptions, IccOptions, alpha, correlate, icc,
};

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

/// [`table`] with x and y rounded to integers, so every value is an integer within the core's
/// exact limit (2^20) and the core accumulators stay on their exact integer path.
pub fn integer_table(seed: u64, rows_per_group: &[usize], missing: f64) -> Vec<Row> {
    let mut rows = table(seed, rows_per_group, missing);
    for r in &mut rows {
        r.x = r.x.map(f64::round);
        r.y = r.y.map(|y| (3.0 * y).round());
    }
    rows
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
        cols.push(Arc::new(
            rows.iter()
                .map(|r| r.items[j].map(|v| v as i64))
                .collect::<Int64Array>(),
        ));
    }
    for j in 0..RATERS {
        cols.push(Arc::new(
            rows.iter().map(|r| r.ratings[j]).collect::<Float64Array>(),
        ));
    }
    cols.push(Arc::new(rows.iter().map(|r| r.x).collect::<Float64Array>()));
    cols.push(Arc::new(rows.iter().map(|r| r.y).collect::<Float64Array>()));
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
    let schema = batches
        .first()
        .map(datafusion::arrow::array::RecordBatch::schema)
        .expect("a batch");
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

/// Relative closeness: |a − b| ≤ tol·max(1, |a|, |b|), and NULL only together; with `tol` 0
/// the same bits.
pub fn close(what: &str, got: Option<f64>, want: Option<f64>, tol: f64) {
    match (got, want) {
        (Some(g), Some(w)) if tol == 0.0 => {
            assert_eq!(
                g.to_bits(),
                w.to_bits(),
                "{what}: engine {g:e}, core {w:e}, not bit-identical"
            );
        }
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

/// Tolerance of the comparisons with the core (relative).
pub const TOL: f64 = 1e-12;

/// The result of queries selecting `counsellor`, `a` (cronbach_alpha of i1–i5),
/// `c` (icc of r1–r4) and `p` (pearson of x, y) per counsellor, ordered by counsellor, equals
/// the core's in-memory functions on each group's rows within `tol` (0: bit-identical).
pub fn check_grouped(out: &RecordBatch, rows: &[Row], what: &str, tol: f64) {
    let groups = by_group(rows);
    assert_eq!(
        strings(out, "counsellor"),
        groups.iter().map(|g| g.0.clone()).collect::<Vec<_>>()
    );
    let (a, c, p) = (structs(out, "a"), structs(out, "c"), structs(out, "p"));
    for (i, (g, rows)) in groups.iter().enumerate() {
        let ctx = format!("{g} ({what})");
        check_alpha(&ctx, &a, i, rows, tol);
        check_icc(&ctx, &c, i, rows, tol);
        check_pearson(&ctx, &p, i, rows, tol);
    }
}

pub fn check_alpha(
    ctx: &str,
    a: &datafusion::arrow::array::StructArray,
    i: usize,
    rows: &[Row],
    tol: f64,
) {
    let (data, incomplete) = complete(rows, |r| r.items);
    let names: Vec<String> = (1..=ITEMS).map(|j| format!("V{j}")).collect();
    assert_eq!(
        field(a, "n_incomplete", i),
        Some(incomplete as f64),
        "{ctx}"
    );
    assert_eq!(field(a, "n_items", i), Some(ITEMS as f64), "{ctx}");
    match alpha(&data, ITEMS, &AlphaOptions::new()) {
        Ok(want) => {
            assert_eq!(text(a, "error", i), None, "{ctx}");
            assert_eq!(field(a, "n", i), Some(want.n as f64), "{ctx}");
            for (name, w) in [
                ("raw_alpha", Some(want.raw_alpha)),
                ("std_alpha", Some(want.std_alpha)),
                ("g6", Some(want.g6)),
                ("average_r", Some(want.average_r)),
                ("s_n", Some(want.s_n)),
                ("median_r", Some(want.median_r)),
                ("var_r", want.var_r),
                ("ase", Some(want.ase)),
                ("ci_lb", Some(want.ci_lb)),
                ("ci_ub", Some(want.ci_ub)),
                ("ci_lb_ase", Some(want.ci_lb_ase)),
                ("ci_ub_ase", Some(want.ci_ub_ase)),
                ("level", Some(want.level)),
                ("mean", Some(want.mean)),
                ("sd", Some(want.sd)),
                ("omega_total", want.omega_total),
            ] {
                close(&format!("{ctx} alpha {name}"), field(a, name, i), w, tol);
            }
            let items = items(a, i);
            assert_eq!(items.len(), ITEMS);
            for (j, w) in want.items.iter().enumerate() {
                assert_eq!(text(&items, "item", j).as_deref(), Some(names[j].as_str()));
                for (name, w) in [
                    ("raw_alpha_if_dropped", Some(w.raw_alpha_if_dropped)),
                    ("std_alpha_if_dropped", Some(w.std_alpha_if_dropped)),
                    ("g6_if_dropped", Some(w.g6_if_dropped)),
                    ("ase_if_dropped", w.ase_if_dropped),
                    ("raw_r", Some(w.raw_r)),
                    ("std_r", Some(w.std_r)),
                    ("r_cor", w.r_cor),
                    ("r_drop", Some(w.r_drop)),
                    ("mean", Some(w.mean)),
                    ("sd", Some(w.sd)),
                ] {
                    close(
                        &format!("{ctx} item {j} {name}"),
                        field(&items, name, j),
                        w,
                        tol,
                    );
                }
            }
        }
        Err(e) => {
            // With no complete row the in-memory function says "input is empty" where the
            // accumulator counts the rows it needs; otherwise the messages are the same.
            let got = text(a, "error", i).expect("an error");
            if !data.is_empty() {
                assert_eq!(got, e.to_string(), "{ctx}");
            }
            assert_eq!(field(a, "raw_alpha", i), None, "{ctx}");
        }
    }
}

pub fn check_icc(
    ctx: &str,
    c: &datafusion::arrow::array::StructArray,
    i: usize,
    rows: &[Row],
    tol: f64,
) {
    let (data, incomplete) = complete(rows, |r| r.ratings);
    assert_eq!(
        field(c, "n_incomplete", i),
        Some(incomplete as f64),
        "{ctx}"
    );
    match icc(&data, RATERS, &IccOptions::new()) {
        Ok(want) => {
            assert_eq!(text(c, "error", i), None, "{ctx}");
            assert_eq!(field(c, "n_targets", i), Some(want.n_targets as f64));
            for (name, w) in [
                ("msr", want.ms.msr),
                ("msc", want.ms.msc),
                ("mse", want.ms.mse),
                ("msw", want.ms.msw),
                ("level", want.level),
            ] {
                close(
                    &format!("{ctx} icc {name}"),
                    field(c, name, i),
                    Some(w),
                    tol,
                );
            }
            for (form, w) in ["icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k"]
                .iter()
                .zip(&want.forms)
            {
                let s = sub(c, form, i);
                for (name, w) in [
                    ("icc", w.icc),
                    ("f", w.f),
                    ("df1", w.df1),
                    ("df2", w.df2),
                    ("p", w.p),
                    ("ci_lb", w.ci_lb),
                    ("ci_ub", w.ci_ub),
                ] {
                    close(
                        &format!("{ctx} {form} {name}"),
                        field(&s, name, 0),
                        Some(w),
                        tol,
                    );
                }
            }
        }
        Err(e) => {
            let got = text(c, "error", i).expect("an error");
            if !data.is_empty() {
                assert_eq!(got, e.to_string(), "{ctx}");
            }
        }
    }
}

pub fn check_pearson(
    ctx: &str,
    p: &datafusion::arrow::array::StructArray,
    i: usize,
    rows: &[Row],
    tol: f64,
) {
    let (data, incomplete) = complete(rows, |r| [r.x, r.y]);
    let (x, y): (Vec<f64>, Vec<f64>) = data.chunks(2).map(|c| (c[0], c[1])).unzip();
    assert_eq!(
        field(p, "n_incomplete", i),
        Some(incomplete as f64),
        "{ctx}"
    );
    match correlate(&x, &y, &CorrelationOptions::default()) {
        Ok(want) => {
            assert_eq!(text(p, "error", i), None, "{ctx}");
            assert_eq!(field(p, "n", i), Some(want.n as f64));
            // r itself within `tol`. On float data the engine (streaming moments merged by
            // Chan's formula) and the core (two-pass moments) compute r by different
            // roundings, a few ulps apart; t = r·√(df/(1 − r²)) has relative condition number
            // 1/(1 − r²) in r, and p and the Fisher-z bounds inherit it, so near |r| = 1 those
            // ulps are amplified (r = 0.99996 makes 5 ulps of r 1.5e-11 of t). Their
            // tolerance is `tol` times that condition number; bit-identity (`tol` 0) stays
            // exact for every field.
            let condition = 1.0 / (1.0 - want.r * want.r).max(f64::EPSILON);
            let derived = tol * condition.max(1.0);
            for (name, w, tol) in [
                ("r", Some(want.r), tol),
                ("t", want.t, derived),
                ("df", Some(want.df), tol),
                ("p", Some(want.p), derived),
                ("ci_lb", want.ci_lb, derived),
                ("ci_ub", want.ci_ub, derived),
                ("level", Some(want.level), tol),
            ] {
                close(&format!("{ctx} pearson {name}"), field(p, name, i), w, tol);
            }
        }
        Err(e) => {
            let got = text(p, "error", i).expect("an error");
            if !data.is_empty() {
                assert_eq!(got, e.to_string(), "{ctx}");
            }
        }
    }
}
