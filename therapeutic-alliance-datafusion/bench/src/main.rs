//! Whole-query time and peak memory of `cronbach_alpha` with `GROUP BY` over a Parquet file,
//! next to `DataFusion`'s built-in `avg` over the same columns (the engine's floor) and to the
//! core crate's `AlphaAccumulator` fed in-process from the Parquet reader (no engine).
//!
//! ```sh
//! nice -n 10 cargo run --release -p therapeutic-alliance-datafusion-bench -- \
//!     [--rows 10000000] [--groups 1000] [--items 12] [--repeat 3] [--file PATH] \
//!     [--pandas therapeutic-alliance-datafusion/bench/groupby_pandas.py]
//! ```
//!
//! Generates the file if it does not exist (seeded; Likert items 1–5 driven by one factor per
//! row, `counsellor` 0..groups), then runs each of `avg`, `cronbach_alpha` and `core`
//! `--repeat` times, each in a fresh child process so that its peak resident memory (Linux
//! `VmHWM`) is its own, and prints the median time and the peak memory, with raw alpha of
//! counsellor 0 as a check that both paths compute the same thing. With `--pandas SCRIPT`,
//! `bench/groupby_pandas.py` (pandas `groupby` + pingouin `cronbach_alpha` per group) runs as a
//! fourth contender in the same session, `python3 SCRIPT --child FILE`, its time measured by
//! the script after its imports.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int8Array, Int32Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int8Type, Int32Type, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use therapeutic_alliance::stats::{AlphaAccumulator, AlphaOptions};

type AppResult<T = ()> = Result<T, Box<dyn Error>>;

struct Args {
    rows: usize,
    groups: usize,
    items: usize,
    repeat: usize,
    file: PathBuf,
    query: Option<String>,
    pandas: Option<PathBuf>,
}

fn parse() -> AppResult<Args> {
    let mut a = Args {
        rows: 10_000_000,
        groups: 1000,
        items: 12,
        repeat: 3,
        file: PathBuf::new(),
        query: None,
        pandas: None,
    };
    let mut file = None;
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().ok_or_else(|| format!("{k} needs a value"));
        match k.as_str() {
            "--rows" => a.rows = v()?.parse()?,
            "--groups" => a.groups = v()?.parse()?,
            "--items" => a.items = v()?.parse()?,
            "--repeat" => a.repeat = v()?.parse()?,
            "--file" => file = Some(PathBuf::from(v()?)),
            "--query" => a.query = Some(v()?),
            "--pandas" => a.pandas = Some(PathBuf::from(v()?)),
            "--help" | "-h" => {
                println!(
                    "usage: bench [--rows N] [--groups G] [--items K] [--repeat R] [--file PATH] [--pandas SCRIPT]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    a.file = file.unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "ta_bench_{}x{}_{}groups.parquet",
            a.rows, a.items, a.groups
        ))
    });
    Ok(a)
}

/// `SplitMix64`.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn generate(a: &Args) -> AppResult {
    let mut fields = vec![Field::new("counsellor", DataType::Int32, false)];
    fields.extend((1..=a.items).map(|j| Field::new(format!("i{j}"), DataType::Int8, false)));
    let schema = Arc::new(Schema::new(fields));
    let tmp = a.file.with_extension("parquet.partial");
    let mut writer = ArrowWriter::try_new(std::fs::File::create(&tmp)?, schema.clone(), None)?;
    let mut state = 20_251_202u64;
    let chunk = 1 << 20;
    let mut done = 0;
    while done < a.rows {
        let n = chunk.min(a.rows - done);
        let mut counsellor = Vec::with_capacity(n);
        let mut items = vec![Vec::with_capacity(n); a.items];
        for _ in 0..n {
            counsellor.push((next(&mut state) % a.groups as u64) as i32);
            // one shared factor per row (sum of four uniforms in 0..=3) and item noise
            let f: i64 = (0..4).map(|_| (next(&mut state) % 4) as i64).sum::<i64>() - 6;
            for col in &mut items {
                let noise = (next(&mut state) % 5) as i64 - 2;
                col.push((3 + i64::midpoint(f, noise)).clamp(1, 5) as i8);
            }
        }
        let mut columns: Vec<ArrayRef> = vec![Arc::new(Int32Array::from(counsellor))];
        columns.extend(
            items
                .into_iter()
                .map(|c| Arc::new(Int8Array::from(c)) as ArrayRef),
        );
        writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
        done += n;
    }
    writer.close()?;
    std::fs::rename(tmp, &a.file)?;
    Ok(())
}

fn sql(query: &str, items: usize) -> String {
    let cols: Vec<String> = (1..=items).map(|j| format!("i{j}")).collect();
    match query {
        "avg" => format!(
            "SELECT counsellor, {} FROM t GROUP BY counsellor",
            cols.iter()
                .map(|c| format!("avg({c})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!(
            "SELECT counsellor, cronbach_alpha({})['raw_alpha'] AS a FROM t GROUP BY counsellor",
            cols.join(", ")
        ),
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Raw alpha of counsellor 0 in a result of `counsellor, a` columns (`NaN` if absent).
fn alpha_of_group0(batches: &[RecordBatch]) -> f64 {
    for b in batches {
        let (Some(g), Some(a)) = (b.column_by_name("counsellor"), b.column_by_name("a")) else {
            continue;
        };
        let (g, a) = (
            g.as_primitive::<Int32Type>(),
            a.as_primitive::<Float64Type>(),
        );
        if let Some(r) = (0..b.num_rows()).find(|&r| g.value(r) == 0) {
            return if a.is_null(r) { f64::NAN } else { a.value(r) };
        }
    }
    f64::NAN
}

/// The core accumulator in-process, on one thread: the file read batch by batch, each batch's
/// rows ordered by counsellor and pushed as one block per counsellor into that counsellor's
/// `AlphaAccumulator`, then every accumulator finished. Returns the groups and the raw alpha
/// of counsellor 0.
fn core(a: &Args) -> AppResult<(usize, f64)> {
    let k = a.items;
    let mut accs = (0..a.groups)
        .map(|_| AlphaAccumulator::new(k))
        .collect::<Result<Vec<_>, _>>()?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&a.file)?)?
        .with_batch_size(8192)
        .build()?;
    let (mut order, mut rows) = (Vec::new(), Vec::new());
    for batch in reader {
        let batch = batch?;
        let g = batch.column(0).as_primitive::<Int32Type>();
        let items: Vec<&Int8Array> = (1..=k)
            .map(|j| batch.column(j).as_primitive::<Int8Type>())
            .collect();
        order.clear();
        order.extend(0..batch.num_rows());
        order.sort_by_key(|&r| g.value(r));
        rows.clear();
        for &r in &order {
            rows.extend(items.iter().map(|c| f64::from(c.value(r))));
        }
        let mut start = 0;
        while start < order.len() {
            let group = g.value(order[start]);
            let mut end = start + 1;
            while end < order.len() && g.value(order[end]) == group {
                end += 1;
            }
            let acc = usize::try_from(group)
                .ok()
                .and_then(|i| accs.get_mut(i))
                .ok_or_else(|| format!("counsellor {group} is outside 0..{}", a.groups))?;
            acc.push_rows(&rows[start * k..end * k])?;
            start = end;
        }
    }
    let options = AlphaOptions::new();
    let alphas = accs
        .iter()
        .map(|acc| acc.finish(&options).map(|r| r.raw_alpha))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((alphas.len(), alphas.first().copied().unwrap_or(f64::NAN)))
}

/// Child: one query, printing `seconds peak_kib groups alpha_of_group0`.
async fn child(a: &Args, query: &str) -> AppResult {
    if query == "core" {
        let start = Instant::now();
        let (groups, alpha0) = core(a)?;
        let secs = start.elapsed().as_secs_f64();
        println!("{secs} {} {groups} {alpha0}", peak_rss_kib().unwrap_or(0));
        return Ok(());
    }
    let ctx = SessionContext::new();
    therapeutic_alliance_datafusion::register_all(&ctx);
    ctx.register_parquet(
        "t",
        a.file.to_str().ok_or("non-UTF-8 path")?,
        ParquetReadOptions::default(),
    )
    .await?;
    let start = Instant::now();
    let batches = ctx.sql(&sql(query, a.items)).await?.collect().await?;
    let secs = start.elapsed().as_secs_f64();
    let groups: usize = batches.iter().map(RecordBatch::num_rows).sum();
    println!(
        "{secs} {} {groups} {}",
        peak_rss_kib().unwrap_or(0),
        alpha_of_group0(&batches)
    );
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> AppResult {
    let a = parse()?;
    if let Some(q) = &a.query {
        return child(&a, q).await;
    }
    if !a.file.exists() {
        let t = Instant::now();
        generate(&a)?;
        eprintln!(
            "generated {} in {:.1} s",
            a.file.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let exe = std::env::current_exe()?;
    println!(
        "{} rows x {} items, {} groups, file {} ({:.0} MB), {} runs each (median)",
        a.rows,
        a.items,
        a.groups,
        a.file.display(),
        std::fs::metadata(&a.file)?.len() as f64 / 1e6,
        a.repeat
    );
    let mut results = Vec::new();
    let mut contenders = vec!["avg", "cronbach_alpha", "core"];
    if a.pandas.is_some() {
        contenders.push("pandas");
    }
    for q in contenders {
        let mut times = Vec::new();
        let mut peak = 0u64;
        let mut groups = 0;
        let mut alpha0 = String::new();
        for _ in 0..a.repeat {
            let out = match (q, &a.pandas) {
                ("pandas", Some(script)) => Command::new("python3")
                    .arg(script)
                    .arg("--child")
                    .arg(&a.file)
                    .output()?,
                _ => Command::new(&exe)
                    .args(["--query", q, "--items", &a.items.to_string()])
                    .args(["--groups", &a.groups.to_string(), "--file"])
                    .arg(&a.file)
                    .output()?,
            };
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
            }
            let text = String::from_utf8(out.stdout)?;
            let f: Vec<&str> = text.split_whitespace().collect();
            if f.len() < 4 {
                return Err(format!("unexpected child output {text:?}").into());
            }
            times.push(f[0].parse::<f64>()?);
            peak = peak.max(f[1].parse()?);
            groups = f[2].parse()?;
            f[3].clone_into(&mut alpha0);
        }
        let t = median(times.clone());
        let runs: Vec<String> = times.iter().map(|t| format!("{t:.3}")).collect();
        println!(
            "{q:>15}: {t:8.3} s (runs {})   peak RSS {:7.1} MB   {groups} groups   alpha[0] {alpha0}",
            runs.join(", "),
            peak as f64 / 1024.0
        );
        results.push(t);
    }
    println!("cronbach_alpha / avg time: {:.2}x", results[1] / results[0]);
    println!(
        "cronbach_alpha / core time: {:.2}x",
        results[1] / results[2]
    );
    if let Some(pandas) = results.get(3) {
        println!("pandas / cronbach_alpha time: {:.2}x", pandas / results[1]);
    }
    Ok(())
}
