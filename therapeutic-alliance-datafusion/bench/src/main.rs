//! Whole-query time and peak memory of `cronbach_alpha` with `GROUP BY` over a Parquet file,
//! next to DataFusion's built-in `avg` over the same columns (the engine's floor).
//!
//! ```sh
//! nice -n 10 cargo run --release -p therapeutic-alliance-datafusion-bench -- \
//!     [--rows 10000000] [--groups 1000] [--items 12] [--repeat 3] [--file PATH]
//! ```
//!
//! Generates the file if it does not exist (seeded; Likert items 1–5 driven by one factor per
//! row, `counsellor` 0..groups), then runs each query `--repeat` times, each in a fresh child
//! process so that its peak resident memory (Linux `VmHWM`) is its own, and prints the median
//! time and the peak memory. `bench/groupby_pandas.py` runs pandas + pingouin on the same file.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::array::{ArrayRef, Int8Array, Int32Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

type AppResult<T = ()> = Result<T, Box<dyn Error>>;

struct Args {
    rows: usize,
    groups: usize,
    items: usize,
    repeat: usize,
    file: PathBuf,
    query: Option<String>,
}

fn parse() -> AppResult<Args> {
    let mut a = Args {
        rows: 10_000_000,
        groups: 1000,
        items: 12,
        repeat: 3,
        file: PathBuf::new(),
        query: None,
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
            "--help" | "-h" => {
                println!(
                    "usage: bench [--rows N] [--groups G] [--items K] [--repeat R] [--file PATH]"
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

/// SplitMix64.
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
                col.push((3 + (f + noise) / 2).clamp(1, 5) as i8);
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

/// Child: one query, printing `seconds peak_kib groups`.
async fn child(a: &Args, query: &str) -> AppResult {
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
    println!("{secs} {} {groups}", peak_rss_kib().unwrap_or(0));
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
    for q in ["avg", "cronbach_alpha"] {
        let mut times = Vec::new();
        let mut peak = 0u64;
        let mut groups = 0;
        for _ in 0..a.repeat {
            let out = Command::new(&exe)
                .args(["--query", q, "--items", &a.items.to_string(), "--file"])
                .arg(&a.file)
                .output()?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
            }
            let text = String::from_utf8(out.stdout)?;
            let f: Vec<&str> = text.split_whitespace().collect();
            times.push(f[0].parse::<f64>()?);
            peak = peak.max(f[1].parse()?);
            groups = f[2].parse()?;
        }
        let t = median(times);
        println!(
            "{q:>15}: {t:8.3} s   peak RSS {:7.1} MB   {groups} groups",
            peak as f64 / 1024.0
        );
        results.push(t);
    }
    println!("cronbach_alpha / avg time: {:.2}x", results[1] / results[0]);
    Ok(())
}
