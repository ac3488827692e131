//! Cronbach's alpha of one large CSV file, read by several threads at once (standard-library
//! scoped threads, no other dependency), each streaming its byte range into its own
//! `AlphaAccumulator`; the accumulators are merged and finished into the same `Alpha` that
//! `stats::alpha` gives on the whole file in memory. Memory per thread is independent of the
//! file size (one line buffer and p² + O(p) floats).
//!
//! ```sh
//! cargo run --release --example parallel_alpha -- [FILE.csv] [--threads N] [--rows N] [--out DIR] [--json]
//! ```
//!
//! FILE.csv: a header, then one respondent per line, one numeric column per item (a first
//! column named `id` or with an empty name is skipped). Rows with an empty or `NA` cell are
//! left out (complete cases, as `psych::alpha(na.omit(x))`) and counted. Without a file, a
//! synthetic 12-item Likert file of `--rows` rows (default 200,000) is generated into `--out`
//! (default: the system temp directory) and used. `--threads` defaults to the available
//! parallelism. The run is repeated on one thread to show the merged result is the same.

mod common;

#[path = "../tests/common/seeded.rs"]
mod seeded;

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::cli::{Cli, Opt};
use common::{AppResult, fmt, print_table};
use therapeutic_alliance::stats::{Alpha, AlphaAccumulator, AlphaOptions};

const CLI: Cli = Cli {
    name: "parallel_alpha",
    about: "Cronbach's alpha of one large CSV, read by several threads at once",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "threads",
            "N",
            "the available parallelism",
            "threads reading the file",
        ),
        Opt::value(
            "rows",
            "N",
            "200000",
            "rows of the generated file (without FILE.csv)",
        ),
        Opt::value(
            "out",
            "DIR",
            "the system temp directory",
            "where the generated file goes (without FILE.csv)",
        ),
        Opt::switch("json", "print JSON instead of tables"),
    ],
    notes: "FILE.csv: a header, then one respondent per line, one numeric column per item (a first
column named id or with an empty name is skipped); rows with an empty or NA cell are left out.
Without FILE.csv a synthetic 12-item Likert file of --rows rows is written into --out and used.",
};

fn main() {
    common::run(run);
}

/// What one thread (or the merge of all) produced.
struct Part {
    acc: AlphaAccumulator,
    incomplete: usize,
}

fn run() -> AppResult {
    let args = CLI.parse();
    let threads = match args.number("threads")? {
        Some(t) if t >= 1.0 && t.fract() == 0.0 => t as usize,
        Some(t) => return Err(format!("option --threads: {t} is not a positive integer").into()),
        None => std::thread::available_parallelism().map_or(2, usize::from),
    };
    let path = if let Some(f) = args.file() {
        PathBuf::from(f)
    } else {
        let rows = match args.number("rows")? {
            Some(r) if r >= 2.0 && r.fract() == 0.0 => r as usize,
            Some(r) => return Err(format!("option --rows: {r} is not an integer >= 2").into()),
            None => 200_000,
        };
        let dir = args
            .value("out")
            .map_or_else(std::env::temp_dir, PathBuf::from);
        generate(&dir, rows)?
    };
    let (names, skip_first, data_start, len) = header(&path)?;
    let p = names.len();
    if p < 2 {
        return Err(format!("{}: needs at least 2 item columns", path.display()).into());
    }
    let options = AlphaOptions::new().item_names(names.clone());

    let t0 = Instant::now();
    let merged = read_parallel(&path, p, skip_first, data_start, len, threads)?;
    let parallel_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let single = read_parallel(&path, p, skip_first, data_start, len, 1)?;
    let single_s = t1.elapsed().as_secs_f64();

    let a = merged
        .acc
        .finish(&options)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let b = single
        .acc
        .finish(&options)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let max_rel = max_relative_difference(&a, &b);

    if args.flag("json") {
        let out = serde_json::json!({
            "file": path.display().to_string(),
            "threads": threads,
            "complete_rows": merged.acc.count(),
            "incomplete_rows": merged.incomplete,
            "seconds_parallel": parallel_s,
            "seconds_one_thread": single_s,
            "max_relative_difference_to_one_thread": max_rel,
            "alpha": a,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{}: {} complete rows × {p} items ({} incomplete rows left out)",
        path.display(),
        merged.acc.count(),
        merged.incomplete
    );
    print_table(
        &[
            "threads",
            "seconds",
            "rows/s",
            "raw_alpha",
            "std_alpha",
            "G6(smc)",
            "average_r",
        ],
        &[(threads, parallel_s, &a), (1, single_s, &b)]
            .iter()
            .map(|(t, s, r)| {
                vec![
                    t.to_string(),
                    fmt(*s, 3),
                    format!("{:.0}", r.n as f64 / s),
                    fmt(r.raw_alpha, 6),
                    fmt(r.std_alpha, 6),
                    fmt(r.g6, 6),
                    fmt(r.average_r, 6),
                ]
            })
            .collect::<Vec<_>>(),
    );
    println!(
        "largest relative difference between the merged and the one-thread result (all fields): {max_rel:.1e}"
    );
    Ok(())
}

/// Writes `rows` synthetic respondents × 12 Likert items (1..=5) and returns the path.
fn generate(dir: &Path, rows: usize) -> AppResult<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("parallel_alpha_{rows}x12.csv"));
    let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::new(file);
    let header: Vec<String> = (1..=12).map(|i| format!("i{i}")).collect();
    writeln!(w, "{}", header.join(","))?;
    let chunk = 10_000;
    let mut done = 0;
    while done < rows {
        let n = chunk.min(rows - done);
        let data = seeded::likert(n, 12, 5, 0x5EED + done as u64);
        for row in data.chunks_exact(12) {
            for (j, v) in row.iter().enumerate() {
                let sep = if j + 1 == 12 { '\n' } else { ',' };
                write!(w, "{v}{sep}")?;
            }
        }
        done += n;
    }
    w.flush()?;
    Ok(path)
}

/// Item names, whether the first column is skipped, the byte offset of the first data line and
/// the file length.
fn header(path: &Path) -> AppResult<(Vec<String>, bool, u64, u64)> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let len = file.metadata()?.len();
    let mut line = String::new();
    let read = BufReader::new(file).read_line(&mut line)?;
    if read == 0 {
        return Err(format!("{}: the file is empty", path.display()).into());
    }
    let mut names: Vec<String> = line
        .trim_end()
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    let skip_first = names
        .first()
        .is_some_and(|n| n.is_empty() || n.eq_ignore_ascii_case("id"));
    if skip_first {
        names.remove(0);
    }
    Ok((names, skip_first, read as u64, len))
}

/// Splits the data bytes into `threads` ranges, streams each into an accumulator on its own
/// scoped thread, and merges the parts in order.
fn read_parallel(
    path: &Path,
    p: usize,
    skip_first: bool,
    start: u64,
    len: u64,
    threads: usize,
) -> AppResult<Part> {
    let span = (len - start).div_ceil(threads as u64).max(1);
    let results: Vec<Result<Part, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let from = (start + t * span).min(len);
                let to = (start + (t + 1) * span).min(len);
                s.spawn(move || read_range(path, p, skip_first, from, to, start))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a reader thread panicked".to_owned()))
            })
            .collect()
    });
    let mut total = Part {
        acc: AlphaAccumulator::new(p)?,
        incomplete: 0,
    };
    for part in results {
        let part = part?;
        total.acc.merge(&part.acc)?;
        total.incomplete += part.incomplete;
    }
    Ok(total)
}

/// Reads the lines that start in `[from, to)`: a line belongs to the range its first byte is
/// in, so a thread skips a partial first line (the previous thread reads it) and finishes the
/// line it is in at `to`.
fn read_range(
    path: &Path,
    p: usize,
    skip_first: bool,
    from: u64,
    to: u64,
    data_start: u64,
) -> Result<Part, String> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut file = File::open(path).map_err(err)?;
    let mut pos = from;
    let mut acc = AlphaAccumulator::new(p).map_err(|e| e.to_string())?;
    let mut incomplete = 0;
    if from >= to {
        return Ok(Part { acc, incomplete });
    }
    // Start one byte early: if that byte is a newline, the range starts on a line boundary.
    let back = u64::from(from > data_start);
    file.seek(SeekFrom::Start(from - back)).map_err(err)?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = String::new();
    if back == 1 {
        pos -= 1;
        pos += reader.read_line(&mut line).map_err(err)? as u64;
    }
    let mut row = vec![0.0; p];
    while pos < to {
        line.clear();
        let n = reader.read_line(&mut line).map_err(err)?;
        if n == 0 {
            break;
        }
        pos += n as u64;
        let text = line.trim_end();
        if text.is_empty() {
            continue;
        }
        let mut cells = text.split(',');
        if skip_first {
            cells.next();
        }
        let mut complete = true;
        let mut count = 0;
        for (j, cell) in cells.enumerate() {
            count += 1;
            let cell = cell.trim();
            if j >= p {
                continue;
            }
            if cell.is_empty() || cell == "NA" {
                complete = false;
                continue;
            }
            row[j] = cell.parse::<f64>().map_err(|_| {
                format!(
                    "{}: byte {}: {cell:?} is not a number",
                    path.display(),
                    pos - n as u64
                )
            })?;
        }
        if count != p {
            return Err(format!(
                "{}: byte {}: {count} cells, expected {p}",
                path.display(),
                pos - n as u64
            ));
        }
        if complete {
            acc.push(&row)
                .map_err(|e| format!("{}: byte {}: {e}", path.display(), pos - n as u64))?;
        } else {
            incomplete += 1;
        }
    }
    Ok(Part { acc, incomplete })
}

/// Largest relative difference over every numeric field of two results (serialised).
fn max_relative_difference(a: &Alpha, b: &Alpha) -> f64 {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, worst: &mut f64) {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                let scale = x.abs().max(y.abs());
                if scale > 0.0 {
                    *worst = worst.max((x - y).abs() / scale);
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                x.iter().zip(y).for_each(|(x, y)| walk(x, y, worst));
            }
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in x {
                    if let Some(w) = y.get(k) {
                        walk(v, w, worst);
                    }
                }
            }
            _ => {}
        }
    }
    let mut worst = 0.0;
    if let (Ok(x), Ok(y)) = (serde_json::to_value(a), serde_json::to_value(b)) {
        walk(&x, &y, &mut worst);
    }
    worst
}
