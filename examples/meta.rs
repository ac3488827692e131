//! Meta-analysis of correlations, as metafor 3.8-1 `rma(escalc("ZCOR", ri, ni), method = …)`.
//!
//! ```sh
//! cargo run --example meta -- [FILE.csv] [--method reml|dl|fe|ml|he|pm|sj] [--knha] [--level 0.95] [--json]
//! ```
//!
//! The CSV needs a header with a correlation column `r` (or `ri`) and a sample-size column `n`
//! (or `ni`), the names metafor's `dat.*` data sets use. An optional `study` column labels the
//! rows; without it `authors` (and `year`) are used when present, else the row number.
//!
//! Rows whose r or n is missing, not a number, |r| ≥ 1 or n ≤ 3 are **skipped and reported**
//! (on stderr in table mode, under `"rejected"` with `--json`), with their data-row number
//! (1 = first row after the header). The analysis runs on the remaining rows; it refuses when
//! none remain.
//!
//! Without a file it reads `testdata/molloy2014_ri_ni.csv`: 16 studies of conscientiousness
//! and medication adherence, the published (n, r) pairs of Molloy, O'Carroll & Ferguson (2014),
//! *Annals of Behavioral Medicine* 47(1), 92–101 (as in `metadat::dat.molloy2014`).

mod common;

use common::cli::{Cli, Opt};
use common::{AppResult, Table, fmt, parse_cell, print_table};
use serde_json::json;
use therapeutic_alliance::stats::{CorrelationStudy, correlation_studies};
use therapeutic_alliance::stats::{MetaAnalysis, MetaOptions, MetaTest, TauMethod, meta_analysis};

const CLI: Cli = Cli {
    name: "meta",
    about: "meta-analysis of correlations, as metafor rma(escalc(\"ZCOR\", ri, ni))",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "method",
            "reml|dl|fe|ml|he|pm|sj",
            "reml",
            "the tau-squared estimator (fe: fixed effect)",
        ),
        Opt::switch("knha", "Knapp-Hartung test and interval (default: z)"),
        Opt::value("level", "L", "0.95", "confidence level"),
        Opt::switch("json", "print JSON instead of tables"),
    ],
    notes: "Input: a CSV with a correlation column r (or ri) and a sample-size column n (or ni),
optionally study (or authors, year). The default is the bundled testdata/molloy2014_ri_ni.csv.",
};

struct Study {
    label: String,
    study: CorrelationStudy,
}

fn parse_method(s: &str) -> AppResult<TauMethod> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "reml" => TauMethod::Reml,
        "dl" => TauMethod::DerSimonianLaird,
        "fe" | "ee" | "fixed" => TauMethod::FixedEffect,
        "ml" => TauMethod::Ml,
        "he" => TauMethod::Hedges,
        "pm" => TauMethod::PauleMandel,
        "sj" => TauMethod::SidikJonkman,
        other => {
            return Err(format!(
                "option --method: {other:?} is not one of reml, dl, fe, ml, he, pm, sj"
            )
            .into());
        }
    })
}

fn column(table: &Table, names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| table.headers.iter().position(|h| h == n))
}

/// Rejected data rows (1-based) with their reasons.
type Rejected = Vec<(usize, String)>;

/// Reads the studies; returns the accepted ones and the rejected rows with reasons.
fn read_studies(table: &Table) -> AppResult<(Vec<Study>, Rejected)> {
    let r_col = column(table, &["r", "ri"]).ok_or_else(|| {
        format!(
            "no correlation column named \"r\" or \"ri\" (columns: {})",
            table.headers.join(", ")
        )
    })?;
    let n_col = column(table, &["n", "ni"]).ok_or_else(|| {
        format!(
            "no sample-size column named \"n\" or \"ni\" (columns: {})",
            table.headers.join(", ")
        )
    })?;
    let study_col = column(table, &["study"]);
    let authors_col = column(table, &["authors"]);
    let year_col = column(table, &["year"]);

    let mut r = Vec::with_capacity(table.rows.len());
    let mut n = Vec::with_capacity(table.rows.len());
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut rejected = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let line = i + 1;
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        match (
            parse_cell(cell(r_col), line, &table.headers[r_col]),
            parse_cell(cell(n_col), line, &table.headers[n_col]),
        ) {
            (Ok(Some(ri)), Ok(Some(ni))) => {
                r.push(ri);
                n.push(ni);
                rows.push(i);
            }
            (Err(e), _) | (_, Err(e)) => rejected.push((line, e.to_string())),
            _ => rejected.push((line, format!("row {line}: r or n is missing"))),
        }
    }
    let batch = correlation_studies(&r, &n)?;
    for bad in &batch.rejected {
        let line = rows[bad.row] + 1;
        rejected.push((line, format!("row {line}: {}", bad.reason)));
    }
    rejected.sort_by_key(|(line, _)| *line);
    let studies = batch
        .rows
        .iter()
        .zip(&batch.studies)
        .map(|(&j, &study)| {
            let i = rows[j];
            let row = &table.rows[i];
            let get = |c: Option<usize>| c.and_then(|c| row.get(c)).map(String::as_str);
            let label = match (get(study_col), get(authors_col), get(year_col)) {
                (Some(s), _, _) if !s.is_empty() => s.to_owned(),
                (_, Some(a), Some(y)) if !a.is_empty() => format!("{a} {y}"),
                (_, Some(a), None) if !a.is_empty() => a.to_owned(),
                _ => format!("{}", i + 1),
            };
            Study { label, study }
        })
        .collect();
    Ok((studies, rejected))
}

fn p_fmt(p: f64) -> String {
    if p < 1e-4 {
        "<.0001".to_owned()
    } else {
        fmt(p, 4)
    }
}

fn opt(x: Option<f64>, d: usize) -> String {
    x.map_or_else(|| "NA".to_owned(), |x| fmt(x, d))
}

fn print_summary(res: &MetaAnalysis, studies: &[Study]) {
    let pct = format!("{:.0}%", res.level * 100.0);
    if res.method == TauMethod::FixedEffect {
        println!("Fixed-effects model (k = {})", res.k);
    } else {
        println!(
            "Random-effects model (k = {}; tau^2 estimator: {})",
            res.k, res.method
        );
    }
    println!();
    if res.method != TauMethod::FixedEffect {
        let se = res
            .se_tau2
            .map_or_else(String::new, |s| format!(" (SE = {})", fmt(s, 4)));
        let ci = res.tau2_ci.as_ref().map_or_else(String::new, |c| {
            format!(
                "  [{pct} Q-profile CI {}, {}]",
                fmt(c.tau2_lb, 4),
                fmt(c.tau2_ub, 4)
            )
        });
        println!(
            "tau^2 (estimated amount of total heterogeneity): {}{se}{ci}",
            fmt(res.tau2, 4)
        );
        println!(
            "tau (square root of estimated tau^2 value):      {}",
            fmt(res.tau, 4)
        );
    }
    println!(
        "I^2 (total heterogeneity / total variability):   {}%",
        fmt(res.i2, 2)
    );
    println!(
        "H^2 (total variability / sampling variability):  {}",
        fmt(res.h2, 2)
    );
    println!();
    println!(
        "Test for Heterogeneity: Q(df = {}) = {}, p-val = {}",
        res.q_df,
        fmt(res.q, 4),
        p_fmt(res.q_p)
    );
    println!();
    let stat = if res.test == MetaTest::KnappHartung {
        "tval"
    } else {
        "zval"
    };
    println!(
        "Model results (Fisher z scale{}):",
        match res.ddf {
            Some(df) => format!("; Knapp-Hartung, t with df = {df}"),
            None => String::new(),
        }
    );
    print_table(
        &[
            "estimate", "se", stat, "pval", "ci.lb", "ci.ub", "pi.lb", "pi.ub",
        ],
        &[vec![
            fmt(res.estimate, 4),
            fmt(res.se, 4),
            fmt(res.zval, 4),
            p_fmt(res.p),
            fmt(res.ci_lb, 4),
            fmt(res.ci_ub, 4),
            opt(res.pi_lb, 4),
            opt(res.pi_ub, 4),
        ]],
    );
    println!();
    println!("Back-transformed to r (tanh):");
    print_table(
        &["r", "ci.lb", "ci.ub", "pi.lb", "pi.ub"],
        &[vec![
            fmt(res.estimate_r, 4),
            fmt(res.ci_lb_r, 4),
            fmt(res.ci_ub_r, 4),
            opt(res.pi_lb_r, 4),
            opt(res.pi_ub_r, 4),
        ]],
    );
    println!();
    println!("Studies:");
    let rows: Vec<Vec<String>> = studies
        .iter()
        .zip(&res.weights)
        .map(|(s, w)| {
            vec![
                s.label.clone(),
                fmt(s.study.r(), 3),
                format!("{}", s.study.n()),
                fmt(s.study.z(), 4),
                fmt(s.study.variance(), 5),
                fmt(*w, 2),
            ]
        })
        .collect();
    print_table(&["study", "r", "n", "z", "vi", "weight %"], &rows);
}

fn to_json(
    res: &MetaAnalysis,
    studies: &[Study],
    rejected: &[(usize, String)],
) -> serde_json::Value {
    json!({
        "k": res.k,
        "method": res.method.metafor_name(),
        "test": if res.test == MetaTest::KnappHartung { "knha" } else { "z" },
        "level": res.level,
        "estimate_z": res.estimate,
        "se": res.se,
        "zval": res.zval,
        "p": res.p,
        "ddf": res.ddf,
        "ci_lb_z": res.ci_lb,
        "ci_ub_z": res.ci_ub,
        "pi_lb_z": res.pi_lb,
        "pi_ub_z": res.pi_ub,
        "estimate_r": res.estimate_r,
        "ci_lb_r": res.ci_lb_r,
        "ci_ub_r": res.ci_ub_r,
        "pi_lb_r": res.pi_lb_r,
        "pi_ub_r": res.pi_ub_r,
        "tau2": res.tau2,
        "se_tau2": res.se_tau2,
        "tau": res.tau,
        "tau2_ci": res.tau2_ci,
        "i2": res.i2,
        "h2": res.h2,
        "q": res.q,
        "q_df": res.q_df,
        "q_p": res.q_p,
        "iterations": res.iterations,
        "studies": studies.iter().zip(&res.weights).map(|(s, w)| json!({
            "study": s.label,
            "r": s.study.r(),
            "n": s.study.n(),
            "z": s.study.z(),
            "vi": s.study.variance(),
            "weight": w,
        })).collect::<Vec<_>>(),
        "rejected": rejected.iter().map(|(row, reason)| json!({"row": row, "reason": reason})).collect::<Vec<_>>(),
    })
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_testdata("molloy2014_ri_ni.csv");
        let mut options = MetaOptions::new().knapp_hartung(args.flag("knha"));
        if let Some(m) = args.value("method") {
            options = options.method(parse_method(m)?);
        }
        if let Some(level) = args.number("level")? {
            options = options.level(level);
        }
        let table = Table::read(&path)?;
        let (studies, rejected) = read_studies(&table)?;
        if !args.flag("json") {
            for (_, reason) in &rejected {
                eprintln!("skipped: {reason}");
            }
        }
        if studies.is_empty() {
            return Err(format!("{}: no usable studies", path.display()).into());
        }
        let list: Vec<CorrelationStudy> = studies.iter().map(|s| s.study).collect();
        let res = meta_analysis(&list, &options)?;
        if args.flag("json") {
            println!(
                "{}",
                serde_json::to_string_pretty(&to_json(&res, &studies, &rejected))?
            );
        } else {
            print_summary(&res, &studies);
        }
        Ok(())
    });
}
