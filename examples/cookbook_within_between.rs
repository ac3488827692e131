//! Cookbook: separate within-client from between-client alliance–outcome associations.
//!
//! ```sh
//! cargo run --example cookbook_within_between -- [totals.csv] [--alliance ID] [--outcome ID] [--mixed] [--json]
//! ```
//!
//! Reads a long CSV of totals (`client, session, instrument, total`; default the synthetic
//! `examples/data/synthetic/totals.csv`), pairs each session's alliance (default `wai-sr`) with
//! the **next** session's outcome (default `ors`), and reports:
//! * the **between-client** correlation of client means (`stats::pearson` on the person means);
//! * the **within-client** slope: the fixed-effects regression of next-session outcome on the
//!   client-centred alliance (`stats::person_mean_centre`, `stats::within_regression`), as in
//!   the within/between disaggregation literature (Falkenström et al.; Curran & Bauer); both in
//!   `stats::within_between`, shared with the quickstart;
//! * with `--mixed`, also the random-intercept model `outcome ~ alliance_w + alliance_b +
//!   (1 | client)` fitted by REML as `lme4::lmer` (`stats::random_intercept`): fixed effects with
//!   SE and t, the client and residual variances and the ICC.
//!
//! Rows with a missing or non-numeric total are reported on stderr and skipped.

mod common;

use std::collections::BTreeMap;

use common::cli::{Cli, Opt};
use common::{Table, fmt, print_table};
use therapeutic_alliance::stats::{
    GrandMean, MixedOptions, RandomIntercept, person_mean_centre, random_intercept,
};

const CLI: Cli = Cli {
    name: "cookbook_within_between",
    about: "within- vs between-client alliance-outcome association",
    positional: "[totals.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "alliance",
            "ID",
            "wai-sr",
            "the alliance instrument (session t)",
        ),
        Opt::value(
            "outcome",
            "ID",
            "ors",
            "the outcome instrument (session t + 1)",
        ),
        Opt::switch(
            "mixed",
            "also fit the random-intercept model (REML, as lme4::lmer)",
        ),
        Opt::switch("json", "print JSON instead of tables"),
    ],
    notes: "Input: a long CSV of totals (client, session, instrument, total); the default is the
synthetic examples/data/synthetic/totals.csv.",
};

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let alliance_id = args.value("alliance").unwrap_or("wai-sr");
        let outcome_id = args.value("outcome").unwrap_or("ors");
        let table = Table::read(&args.file_or_bundled("synthetic/totals.csv"))?;
        let (cc, cs, ci, ct) = (
            table.column_index("client")?,
            table.column_index("session")?,
            table.column_index("instrument")?,
            table.column_index("total")?,
        );
        // (client, session) -> (alliance, outcome)
        let mut cells: BTreeMap<(String, u32), (Option<f64>, Option<f64>)> = BTreeMap::new();
        for (r, row) in table.rows.iter().enumerate() {
            let get = |c: usize| row.get(c).map_or("", String::as_str);
            let (Ok(session), Ok(total)) = (get(cs).parse::<u32>(), get(ct).parse::<f64>()) else {
                eprintln!("row {}: session or total is not a number; skipped", r + 1);
                continue;
            };
            let e = cells.entry((get(cc).to_owned(), session)).or_default();
            if get(ci) == alliance_id {
                e.0 = Some(total);
            } else if get(ci) == outcome_id {
                e.1 = Some(total);
            }
        }
        // alliance at session t with the outcome at session t + 1 of the same client
        let (mut ids, mut x, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for ((client, session), (a, _)) in &cells {
            let next = cells.get(&(client.clone(), session + 1)).and_then(|c| c.1);
            if let (Some(a), Some(o)) = (*a, next) {
                ids.push(client.clone());
                x.push(a);
                y.push(o);
            }
        }
        let wb = therapeutic_alliance::stats::within_between(&ids, &x, &y)?;
        let (between, w) = (&wb.between, &wb.within);
        let mixed = if args.flag("mixed") {
            Some(fit_mixed(&ids, &x, &y)?)
        } else {
            None
        };
        if args.flag("json") {
            let mut v = serde_json::json!({
                "alliance": alliance_id, "outcome_next_session": outcome_id,
                "pairs": wb.pairs, "clients": wb.clients,
                "between_r": between.r, "between_p": between.p,
                "within_slope": w.estimate, "within_se": w.se, "within_t": w.t, "within_p": w.p,
            });
            if let Some(m) = &mixed {
                v["random_intercept_reml"] = serde_json::to_value(m)?;
            }
            println!("{}", serde_json::to_string_pretty(&v)?);
            return Ok(());
        }
        println!(
            "{alliance_id} at session t -> {outcome_id} at t+1: {} pairs, {} clients",
            wb.pairs, wb.clients
        );
        println!(
            "  between clients: r = {} (p = {})",
            fmt(between.r, 3),
            fmt(between.p, 4)
        );
        println!(
            "  within clients:  slope = {} (SE {}, t = {}, p = {})",
            fmt(w.estimate, 4),
            fmt(w.se, 4),
            fmt(w.t.unwrap_or(f64::NAN), 2),
            fmt(w.p, 4)
        );
        if let Some(m) = &mixed {
            print_mixed(m);
        }
        Ok(())
    });
}

/// `y ~ x_w + x_b + (1 | client)` by REML, with `x_w`/`x_b` the client-centred alliance and the
/// grand-mean-centred client mean.
fn fit_mixed(ids: &[String], x: &[f64], y: &[f64]) -> common::AppResult<RandomIntercept> {
    let d = person_mean_centre(ids, x, GrandMean::Rows)?;
    let predictors = [
        ("alliance_w", d.within.as_slice()),
        ("alliance_b", d.between.as_slice()),
    ];
    Ok(random_intercept(
        ids,
        &predictors,
        y,
        &MixedOptions::default(),
    )?)
}

fn print_mixed(m: &RandomIntercept) {
    println!(
        "\nrandom-intercept model (REML, as lme4::lmer): outcome ~ alliance_w + alliance_b + (1 | client)"
    );
    let rows: Vec<Vec<String>> = m
        .fixef
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                fmt(c.estimate, 4),
                fmt(c.se, 4),
                fmt(c.t, 2),
            ]
        })
        .collect();
    print_table(&["term", "estimate", "se", "t"], &rows);
    println!(
        "  var(client) = {}, var(residual) = {}, ICC = {}, REML criterion = {}{}",
        fmt(m.var_id, 4),
        fmt(m.var_residual, 4),
        fmt(m.icc, 3),
        fmt(m.criterion, 2),
        if m.singular {
            " (singular fit: var(client) = 0)"
        } else {
            ""
        }
    );
}
