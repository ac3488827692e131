//! Reliable change and clinical significance for pre/post scores.
//!
//! ```sh
//! cargo run --example change -- [FILE.csv] --reliability R [--lower-is-better]
//!     [--method jt|gln|hll|en|nk|ha] [--critical 1.96] [--inclusive]
//!     [--functional-mean M --functional-sd S] [--clinical-mean M --clinical-sd S]
//!     [--cutoff a|b|c] [--json]
//! ```
//!
//! The CSV needs columns `pre` and `post` (an `id` or `ppid` column labels the rows); empty or
//! `NA` cells leave the row out, and the row is reported. Without a file it uses the bundled
//! Jacobson & Truax (1991) Dyadic Adjustment Scale data (`testdata/jt1991_das.csv`, higher
//! is better) and, unless `--reliability` is given, the illustrative reliability 0.84 used by
//! the reference script (`testdata/ref_rci.R`, from the JT-RCI README). With your own file
//! `--reliability` is required. Higher scores are taken as better unless `--lower-is-better`.
//!
//! The cutoff is `c` when functional norms are given, `a` (from the clinical norms, by default
//! the sample's pre scores) otherwise; `--cutoff` picks one explicitly.

mod common;

use common::cli::{Cli, Opt, Parsed};
use common::{AppResult, Table, fmt, print_table};
use therapeutic_alliance::Direction;
use therapeutic_alliance::stats::{
    Boundary, ChangeResult, ClinicalCutoff, Population, RciMethod, ReliableChange,
};

/// Reliability used with the bundled DAS data when `--reliability` is not given.
const BUNDLED_RELIABILITY: f64 = 0.84;

const CLI: Cli = Cli {
    name: "change",
    about: "reliable and clinically significant change for pre/post scores",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "reliability",
            "R",
            "0.84 with the bundled data; required with your own file",
            "the measure's reliability",
        ),
        Opt::value(
            "method",
            "jt|gln|hll|en|nk|ha",
            "jt",
            "the reliable change index",
        ),
        Opt::value("critical", "Z", "1.96", "the critical value of |RCI|"),
        Opt::switch("inclusive", "count |RCI| = critical as reliable"),
        Opt::switch(
            "lower-is-better",
            "lower scores are better (default: higher)",
        ),
        Opt::value(
            "functional-mean",
            "M",
            "",
            "mean of the functional population",
        ),
        Opt::value("functional-sd", "S", "", "SD of the functional population"),
        Opt::value(
            "clinical-mean",
            "M",
            "the sample's pre scores",
            "mean of the clinical population",
        ),
        Opt::value(
            "clinical-sd",
            "S",
            "the sample's pre scores",
            "SD of the clinical population",
        ),
        Opt::value(
            "cutoff",
            "a|b|c",
            "c with functional norms, else a",
            "the clinical-significance cutoff",
        ),
        Opt::switch("json", "print JSON instead of a table"),
    ],
    notes: "Input: a CSV with columns pre and post (an id or ppid column labels the rows); empty or
NA cells leave the row out, and the row is reported. The default is the bundled Jacobson &
Truax (1991) Dyadic Adjustment Scale data (testdata/jt1991_das.csv).",
};

fn norms(args: &Parsed, mean: &str, sd: &str) -> AppResult<Option<Population>> {
    match (args.number(mean)?, args.number(sd)?) {
        (Some(m), Some(s)) => Ok(Some(Population::new(m, s)?)),
        (None, None) => Ok(None),
        _ => Err(format!("give both --{mean} and --{sd}").into()),
    }
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_testdata("jt1991_das.csv");
        let (reliability, rel_note) = match (args.number("reliability")?, args.file()) {
            (Some(r), _) => (r, "given"),
            (None, None) => (BUNDLED_RELIABILITY, "bundled default for the DAS data"),
            (None, Some(_)) => return Err("--reliability R is required with your own file".into()),
        };
        let direction = if args.flag("lower-is-better") {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        };
        let method: RciMethod = args.value("method").unwrap_or("jt").parse()?;
        let functional = norms(&args, "functional-mean", "functional-sd")?;
        let cutoff = match (args.value("cutoff"), functional) {
            (None | Some("a" | "A"), None) | (Some("a" | "A"), Some(_)) => ClinicalCutoff::A,
            (None | Some("c" | "C"), Some(functional)) => ClinicalCutoff::C { functional },
            (Some("b" | "B"), Some(functional)) => ClinicalCutoff::B { functional },
            (Some("b" | "B" | "c" | "C"), None) => {
                return Err("cutoffs b and c need --functional-mean and --functional-sd".into());
            }
            (Some(other), _) => return Err(format!("--cutoff {other:?}: use a, b or c").into()),
        };
        let mut rc = ReliableChange::new(reliability, direction)
            .method(method)
            .cutoff(cutoff)
            .critical(args.number("critical")?.unwrap_or(1.96));
        if args.flag("inclusive") {
            rc = rc.boundary(Boundary::Inclusive);
        }
        if let Some(n) = norms(&args, "clinical-mean", "clinical-sd")? {
            rc = rc.clinical_norms(n);
        }

        let table = Table::read(&path)?;
        let pre = table.numeric_column(table.column_index("pre")?)?;
        let post = table.numeric_column(table.column_index("post")?)?;
        let id_col = table
            .column_index("id")
            .or_else(|_| table.column_index("ppid"))
            .ok();
        let ids: Vec<String> = (0..table.rows.len())
            .map(|r| match id_col {
                Some(c) => table.rows[r].get(c).cloned().unwrap_or_default(),
                None => (r + 1).to_string(),
            })
            .collect();
        let res = rc.compute_missing(&pre, &post)?;

        if args.flag("json") {
            print_json(&res, &ids, rel_note)?;
        } else {
            print_text(&res, &ids, &path.display().to_string(), rel_note);
        }
        Ok(())
    });
}

fn print_json(res: &ChangeResult, ids: &[String], rel_note: &str) -> AppResult {
    // one entry per input row, null where the row was left out
    let mut rci = vec![serde_json::Value::Null; res.n_original];
    let mut category = vec![serde_json::Value::Null; res.n_original];
    for p in &res.persons {
        rci[p.row] = serde_json::json!(p.rci);
        category[p.row] = serde_json::json!(p.category);
    }
    let out = serde_json::json!({
        "method": res.method,
        "direction": res.direction,
        "reliability": res.reliability,
        "reliability_source": rel_note,
        "n": res.n_used,
        "n_original": res.n_original,
        "mean_pre": res.mean_pre,
        "sd_pre": res.sd_pre,
        "mean_post": res.mean_post,
        "sd_post": res.sd_post,
        "se": res.se,
        "s_diff": res.s_diff,
        "critical": res.critical,
        "threshold": res.threshold,
        "r_dd": res.r_dd,
        "cutoff_type": res.cutoff_type,
        "cutoff": res.cutoff,
        "id": ids,
        "rci": rci,
        "category": category,
        "counts": res.counts,
        "excluded": res.excluded,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn print_text(res: &ChangeResult, ids: &[String], path: &str, rel_note: &str) {
    println!(
        "Reliable change ({}) for {path}",
        res.method.name().to_uppercase()
    );
    println!(
        "n = {} of {} rows; reliability = {} ({rel_note}); {}",
        res.n_used,
        res.n_original,
        res.reliability,
        match res.direction {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
        }
    );
    println!(
        "pre mean {} sd {}; post mean {} sd {}",
        fmt(res.mean_pre, 3),
        fmt(res.sd_pre, 3),
        fmt(res.mean_post, 3),
        fmt(res.sd_post, 3)
    );
    println!(
        "SE = {}; S_diff = {}; reliable change needs |RCI| > {} (raw change {}); cutoff {} = {}",
        fmt(res.se, 4),
        fmt(res.s_diff, 4),
        res.critical,
        fmt(res.threshold, 3),
        match res.cutoff_type {
            ClinicalCutoff::A => "a",
            ClinicalCutoff::B { .. } => "b",
            _ => "c",
        },
        fmt(res.cutoff, 3)
    );
    println!();
    let rows: Vec<Vec<String>> = res
        .persons
        .iter()
        .map(|p| {
            vec![
                ids.get(p.row).cloned().unwrap_or_default(),
                fmt(p.pre, 2),
                fmt(p.post, 2),
                fmt(p.rci, 3),
                p.category.name().to_owned(),
            ]
        })
        .collect();
    print_table(&["id", "pre", "post", "rci", "category"], &rows);
    println!();
    let c = &res.counts;
    println!(
        "recovered {}, improved {}, unchanged {}, deteriorated {}, harmed {}",
        c.recovered, c.improved, c.unchanged, c.deteriorated, c.harmed
    );
    for e in &res.excluded {
        println!(
            "left out: row {} ({}): {}",
            e.row + 1,
            ids.get(e.row).map_or("", String::as_str),
            e.reason
        );
    }
}
