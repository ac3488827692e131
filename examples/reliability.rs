//! Cronbach's alpha, item statistics and omega_total for a questionnaire, as `psych::alpha`
//! prints them.
//!
//! ```sh
//! cargo run --features csv --example reliability -- [FILE.csv] [--keys A1,C4] [--pairwise | --pairwise-cov2cor] [--json]
//! ```
//!
//! Columns are items, rows respondents; empty or `NA` cells are missing. A first column that
//! is not numeric (an id or label) is skipped. Missing data: complete cases by default
//! (`psych::alpha(na.omit(x))`); `--pairwise` as current psych (≥ 2.4.6.26), or
//! `--pairwise-cov2cor` as psych ≤ 2.3.x. `--keys` names reverse-keyed items (reversed as
//! `max + min − x` over the whole data, as psych does). Without a file it uses the bundled
//! `testdata/alpha_data.csv` (20 respondents × 5 items; `i5` is reverse keyed).

mod common;

use common::cli::{Cli, Opt};
use common::{AppResult, fmt, print_table};
use therapeutic_alliance::export::{ItemTable, MissingCodes};
use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, MissingPolicy, alpha_with_missing,
};

const CLI: Cli = Cli {
    name: "reliability",
    about: "Cronbach's alpha, item statistics and omega_total, as psych::alpha",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "keys",
            "A1,C4",
            "",
            "reverse-keyed items (reversed as max + min - x)",
        ),
        Opt::switch(
            "pairwise",
            "pairwise-complete covariances, as psych >= 2.4.6.26",
        ),
        Opt::switch("pairwise-cov2cor", "pairwise, as psych <= 2.3.x"),
        Opt::switch("json", "print JSON instead of tables"),
    ],
    notes: "Columns are items, rows respondents; empty or NA cells are missing (complete cases by
default). A first column that is not numeric is skipped. The default is the bundled
testdata/alpha_data.csv.",
};

fn main() {
    common::run(run);
}

fn run() -> AppResult {
    let args = CLI.parse();
    let path = args.file_or_testdata("alpha_data.csv");
    // Streamed through the library's reader: the file is never held in memory (complete
    // cases go straight into an accumulator; pairwise keeps only the numbers).
    let file =
        std::fs::File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut table = ItemTable::new(file, MissingCodes::default(), None)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let names = table.item_names();
    let names_len = names.len();
    if names.len() < 2 {
        return Err(format!("{}: needs at least 2 item columns", path.display()).into());
    }
    let missing = match (args.flag("pairwise"), args.flag("pairwise-cov2cor")) {
        (true, true) => return Err("use only one of --pairwise and --pairwise-cov2cor".into()),
        (true, false) => MissingPolicy::Pairwise,
        (false, true) => MissingPolicy::PairwiseCov2Cor,
        (false, false) => MissingPolicy::CompleteCases,
    };
    let keys: Vec<String> = args
        .value("keys")
        .map(|k| {
            k.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let options = AlphaOptions::new()
        .item_names(names)
        .reverse_names(keys)
        .missing(missing);
    let in_file = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let a = if missing == MissingPolicy::CompleteCases {
        let mut acc = AlphaAccumulator::new(names_len).map_err(|e| in_file(&e))?;
        let tally = table
            .accumulate_complete(&mut acc)
            .map_err(|e| in_file(&e))?;
        if let Some(bad) = table.rejections().first() {
            return Err(in_file(bad).into());
        }
        let mut a = acc.finish(&options).map_err(|e| in_file(&e))?;
        a.n_rows = tally.rows;
        a
    } else {
        let mut rows: Vec<Vec<Option<f64>>> = Vec::new();
        while let Some(row) = table.next_row().map_err(|e| in_file(&e))? {
            if let Some(bad) = row.rejected.first() {
                return Err(in_file(bad).into());
            }
            rows.push(row.values.to_vec());
        }
        alpha_with_missing(&rows, &options).map_err(|e| in_file(&e))?
    };

    if args.flag("json") {
        println!("{}", serde_json::to_string_pretty(&a)?);
        return Ok(());
    }
    println!(
        "Reliability of {} ({} items)",
        path.display(),
        a.items.len()
    );
    println!(
        "missing data: {missing:?}; N = {} of {} rows",
        a.n, a.n_rows
    );
    println!();
    print_table(
        &[
            "raw_alpha",
            "std_alpha",
            "G6(smc)",
            "average_r",
            "S/N",
            "ase",
            "mean",
            "sd",
            "median_r",
            "omega_t",
        ],
        &[vec![
            fmt(a.raw_alpha, 3),
            fmt(a.std_alpha, 3),
            fmt(a.g6, 3),
            fmt(a.average_r, 3),
            fmt(a.s_n, 2),
            fmt(a.ase, 4),
            fmt(a.mean, 2),
            fmt(a.sd, 2),
            fmt(a.median_r, 3),
            a.omega_total.map_or_else(|| "NA".to_owned(), |o| fmt(o, 3)),
        ]],
    );
    if a.omega_total.is_none() {
        eprintln!(
            "warning: omega_t is NA: its one-factor fit failed (it did not converge, or the \
             reduced correlation matrix is singular)"
        );
    } else if a.omega_heywood {
        eprintln!(
            "warning: omega_t comes from a Heywood case (an item's communality is at its bound \
             .995); it differs from psych's, read it with care"
        );
    }
    println!();
    println!(
        "95% CI   Feldt [{}, {}]   Duhachek (alpha ± 1.96 ase) [{}, {}]",
        fmt(a.ci_lb, 3),
        fmt(a.ci_ub, 3),
        fmt(a.ci_lb_ase, 3),
        fmt(a.ci_ub_ase, 3)
    );
    println!();
    println!("Reliability if an item is dropped, and item statistics:");
    let rows: Vec<Vec<String>> = a
        .items
        .iter()
        .map(|i| {
            vec![
                if i.reversed {
                    format!("{}-", i.item)
                } else {
                    i.item.clone()
                },
                fmt(i.raw_alpha_if_dropped, 3),
                fmt(i.std_alpha_if_dropped, 3),
                i.n.to_string(),
                fmt(i.raw_r, 3),
                fmt(i.std_r, 3),
                i.r_cor.map_or_else(|| "NA".to_owned(), |r| fmt(r, 3)),
                fmt(i.r_drop, 3),
                fmt(i.mean, 2),
                fmt(i.sd, 2),
            ]
        })
        .collect();
    print_table(
        &[
            "item",
            "alpha_drop",
            "std_drop",
            "n",
            "raw.r",
            "std.r",
            "r.cor",
            "r.drop",
            "mean",
            "sd",
        ],
        &rows,
    );
    let negative: Vec<&str> = a
        .items
        .iter()
        .filter(|i| i.r_drop < 0.0)
        .map(|i| i.item.as_str())
        .collect();
    if !negative.is_empty() {
        println!();
        println!(
            "note: {} correlate negatively with the rest of the scale and probably should be \
             reversed (--keys {})",
            negative.join(", "),
            negative.join(",")
        );
    }
    Ok(())
}
