//! Pearson, Spearman or Kendall correlation of two columns, with p-value (and Fisher-z interval
//! for Pearson and Spearman).
//!
//! ```sh
//! cargo run --example correlate -- [FILE.csv] --x COL --y COL [--spearman | --kendall]
//!     [--level 0.95] [--t-approx] [--bonett-wright] [--normal] [--continuity] [--json]
//! ```
//!
//! Rows where either cell is empty or `NA` are left out (pairwise-complete cases) and counted.
//! Without a file it uses the bundled `testdata/corr_data.csv` with `--x x --y y`.
//! Pearson matches R's `cor.test`; Spearman's p is R's default (AS 89; `--t-approx` for the
//! t approximation of scipy, pingouin and `psych::corr.test`), its interval Fisher-z
//! (`--bonett-wright` for Bonett & Wright 2000). Kendall's tau-b has R's default p (exact for
//! n < 50 without ties; `--normal` for the normal approximation), and `--continuity` is R's
//! `continuity = TRUE`.

mod common;

use common::cli::{Cli, Opt};
use common::{Table, fmt, print_table};
use therapeutic_alliance::stats::{
    CorrelationMethod, CorrelationOptions, KendallPValue, SpearmanCi, SpearmanPValue,
    correlate_pairwise,
};

const CLI: Cli = Cli {
    name: "correlate",
    about: "Pearson, Spearman or Kendall correlation of two columns, with p-value and interval",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "x",
            "COL",
            "x (bundled data); required with your own file",
            "the first column",
        ),
        Opt::value(
            "y",
            "COL",
            "y (bundled data); required with your own file",
            "the second column",
        ),
        Opt::switch("spearman", "Spearman's rho instead of Pearson's r"),
        Opt::switch("kendall", "Kendall's tau-b instead of Pearson's r"),
        Opt::value("level", "L", "0.95", "confidence level of the interval"),
        Opt::switch(
            "t-approx",
            "Spearman's p by the t approximation (scipy, pingouin)",
        ),
        Opt::switch(
            "bonett-wright",
            "Spearman's interval by Bonett & Wright (2000)",
        ),
        Opt::switch(
            "normal",
            "Kendall's p by the normal approximation (R exact = FALSE)",
        ),
        Opt::switch(
            "continuity",
            "continuity correction of the approximate rank p-values (R continuity = TRUE)",
        ),
        Opt::switch("json", "print JSON instead of a table"),
    ],
    notes: "Rows where either cell is empty or NA are left out and counted. The default is the
bundled testdata/corr_data.csv with --x x --y y.",
};

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_testdata("corr_data.csv");
        let (xname, yname) = match (args.value("x"), args.value("y"), args.file()) {
            (Some(x), Some(y), _) => (x, y),
            (x, y, None) => (x.unwrap_or("x"), y.unwrap_or("y")),
            _ => return Err("give both --x COL and --y COL with your own file".into()),
        };
        let table = Table::read(&path)?;
        let x = table.numeric_column(table.column_index(xname)?)?;
        let y = table.numeric_column(table.column_index(yname)?)?;
        let mut opts = CorrelationOptions::new().level(args.number("level")?.unwrap_or(0.95));
        match (args.flag("spearman"), args.flag("kendall")) {
            (true, true) => return Err("give --spearman or --kendall, not both".into()),
            (true, false) => opts = opts.method(CorrelationMethod::Spearman),
            (false, true) => opts = opts.method(CorrelationMethod::Kendall),
            (false, false) => {}
        }
        if args.flag("normal") {
            opts = opts.kendall_p(KendallPValue::Normal);
        }
        opts = opts.continuity(args.flag("continuity"));
        if args.flag("t-approx") {
            opts = opts.spearman_p(SpearmanPValue::TApproximation);
        }
        if args.flag("bonett-wright") {
            opts = opts.spearman_ci(SpearmanCi::BonettWright);
        }
        let c = correlate_pairwise(&x, &y, &opts)?;
        if args.flag("json") {
            let out = serde_json::json!({
                "x": xname,
                "y": yname,
                "method": c.method,
                "r": c.r,
                "n": c.n,
                "n_missing": c.n_missing,
                "t": c.t,
                "df": c.df,
                "s": c.s,
                "kendall_t": c.kendall_t,
                "z": c.z,
                "p": c.p,
                "p_method": c.p_method,
                "ci_lb": c.ci_lb,
                "ci_ub": c.ci_ub,
                "level": c.level,
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        let name = match c.method {
            CorrelationMethod::Pearson => "Pearson r",
            CorrelationMethod::Kendall => "Kendall tau-b",
            _ => "Spearman rho",
        };
        println!("{name} of {xname} and {yname} in {}", path.display());
        let ci = |v: Option<f64>| v.map_or_else(|| "NA".to_owned(), |v| fmt(v, 4));
        let interval = match (c.ci_lb, c.ci_ub) {
            (None, None) => "none".to_owned(),
            (lb, ub) => format!("[{}, {}]", ci(lb), ci(ub)),
        };
        let level = format!("{}% CI", c.level * 100.0);
        print_table(
            &["r", "n", "t", "df", "p", &level],
            &[vec![
                fmt(c.r, 4),
                c.n.to_string(),
                ci(c.t),
                if c.method == CorrelationMethod::Kendall {
                    "NA".to_owned()
                } else {
                    fmt(c.df, 0)
                },
                format!("{:.4e}", c.p),
                interval,
            ]],
        );
        if let Some(s) = c.s {
            println!(
                "S = {s}; p by {:?}{}",
                c.p_method,
                if c.ties { " (ties present)" } else { "" }
            );
        }
        if let Some(t) = c.kendall_t {
            println!("T = {t} concordant pairs; exact p (no ties, n < 50); no interval (as R)");
        }
        if let Some(z) = c.z {
            println!(
                "z = {}; p by the normal approximation{}; no interval (as R)",
                fmt(z, 4),
                if c.ties { " (ties present)" } else { "" }
            );
        }
        if c.n_missing > 0 {
            println!("{} row(s) with a missing cell left out", c.n_missing);
        }
        Ok(())
    });
}
