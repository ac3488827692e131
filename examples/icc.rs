//! The six Shrout & Fleiss intraclass correlations of a ratings table, as
//! `psych::ICC(x, lmer = FALSE)` prints them.
//!
//! ```sh
//! cargo run --example icc -- [FILE.csv] [--drop-incomplete] [--level 0.95] [--json]
//! ```
//!
//! Rows are targets (clients, sessions, recordings), columns raters. A first column that is
//! not numeric (such as `S1`, `S2`, …) is taken as the target label. A missing rating is an
//! error unless `--drop-incomplete` is given (then incomplete targets are dropped, as
//! pingouin's `nan_policy="omit"`). Without a file it uses the bundled
//! `testdata/icc_shrout_fleiss.csv` (Shrout & Fleiss 1979: 6 targets × 4 judges).

mod common;

use common::cli::{Cli, Opt};
use common::{AppResult, Table, fmt, print_table};
use therapeutic_alliance::stats::{IccOptions, icc_with_missing};

const CLI: Cli = Cli {
    name: "icc",
    about: "the six Shrout & Fleiss intraclass correlations, as psych::ICC",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::switch(
            "drop-incomplete",
            "drop targets with a missing rating (default: an error)",
        ),
        Opt::value("level", "L", "0.95", "confidence level of the intervals"),
        Opt::switch("json", "print JSON instead of a table"),
    ],
    notes: "Rows are targets, columns raters; a first column that is not numeric is the target
label. The default is the bundled testdata/icc_shrout_fleiss.csv.",
};

fn main() {
    common::run(run);
}

fn run() -> AppResult {
    let args = CLI.parse();
    let path = args.file_or_testdata("icc_shrout_fleiss.csv");
    let table = Table::read(&path)?;
    let (_, columns) = table.label_and_data_columns();
    let rows = table.numeric_rows(&columns)?;
    let mut builder = IccOptions::builder().drop_incomplete(args.flag("drop-incomplete"));
    if let Some(level) = args.number("level")? {
        builder = builder.level(level);
    }
    let options = builder.build()?;
    let r = icc_with_missing(&rows, &options).map_err(|e| format!("{}: {e}", path.display()))?;

    if args.flag("json") {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!(
        "Intraclass correlations of {}: {} targets × {} raters{}",
        path.display(),
        r.n_targets,
        r.n_raters,
        if r.n_dropped > 0 {
            format!(" ({} incomplete targets dropped)", r.n_dropped)
        } else {
            String::new()
        }
    );
    println!();
    let rows: Vec<Vec<String>> = r
        .forms
        .iter()
        .map(|f| {
            vec![
                f.kind.to_string(),
                fmt(f.icc, 3),
                fmt(f.f, 2),
                fmt(f.df1, 0),
                if f.df2.fract() == 0.0 {
                    fmt(f.df2, 0)
                } else {
                    fmt(f.df2, 2)
                },
                format!("{:.3e}", f.p),
                fmt(f.ci_lb, 3),
                fmt(f.ci_ub, 3),
            ]
        })
        .collect();
    let level = format!("{}%", r.level * 100.0);
    let lower = format!("lower {level}");
    print_table(
        &["type", "ICC", "F", "df1", "df2", "p", &lower, "upper"],
        &rows,
    );
    println!();
    println!(
        "Mean squares: MSR {}  MSC {}  MSE {}  MSW {}",
        fmt(r.ms.msr, 4),
        fmt(r.ms.msc, 4),
        fmt(r.ms.mse, 4),
        fmt(r.ms.msw, 4)
    );
    Ok(())
}
