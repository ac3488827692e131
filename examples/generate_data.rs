//! Generate the bundled **synthetic** data set, bit for bit.
//!
//! ```sh
//! cargo run --release --example generate_data -- [--seed N] [--out DIR] [--json]
//! ```
//!
//! Writes `administrations.csv` (item level), `export.csv` (the same data as a researcher's
//! export, the `workbench` example's input; see `examples/synth/export.rs`), `totals.csv` (scored totals, the `monitor`
//! example's input), `courses.json` (the crate's list-of-courses format, the `course_report`
//! example's input) and `README.md` into `DIR` (default `examples/data/synthetic/`), then
//! prints checks computed with the crate itself: Cronbach's alpha per instrument, the
//! alliance–outcome correlation across clients, and how often the crate's detectors find
//! ruptures, sudden gains and losses and barrier flags, next to the rates injected and the
//! published rates they were set from. `--json` prints the checks as JSON.
//!
//! The model, the PRNG (xoshiro256** seeded by SplitMix64, written out in the example, no
//! `rand`), and the sources of every rate are documented in `examples/synth/mod.rs`. The
//! default seed reproduces the committed files; `tests/generator.rs` checks that.

mod common;
mod synth;

use std::path::PathBuf;

use common::cli::{Cli, Opt};
use common::{AppResult, fmt, print_table};
use serde::Serialize;
use therapeutic_alliance::monitor::{
    RuptureOptions, RuptureThreshold, Series, SizeCriterion, SuddenChangeOptions, detect_ruptures,
    estimate_between_client_sd, sudden_changes,
};
use therapeutic_alliance::{BarrierCategory, Direction, Respondent};

const CLI: Cli = Cli {
    name: "generate_data",
    about: "generate the bundled synthetic data set, bit for bit",
    positional: "",
    max_positional: 0,
    options: &[
        Opt::value("seed", "N", "the committed data's seed", "the PRNG seed"),
        Opt::value(
            "out",
            "DIR",
            "examples/data/synthetic",
            "where the files go",
        ),
        Opt::switch("json", "print the checks as JSON"),
    ],
    notes: "Writes administrations.csv, export.csv, totals.csv, courses.json and README.md into
--out (replacing the files there), then prints checks computed with the crate.",
};

#[derive(Serialize)]
struct EventRate {
    what: String,
    rule: String,
    clients: usize,
    of: usize,
    share: f64,
    injected_or_target: String,
}

#[derive(Serialize)]
struct Report {
    seed: u64,
    out: String,
    alpha: Vec<(String, usize, f64)>,
    alpha_wai_sr_all_sessions: f64,
    r_alliance_ors_change: f64,
    r_alliance_phq9_improvement: f64,
    rates: Vec<EventRate>,
}

fn main() {
    common::run(real_main);
}

fn real_main() -> AppResult {
    let args = CLI.parse();
    let seed = match args.value("seed") {
        None => synth::DEFAULT_SEED,
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| format!("option --seed: {s:?} is not a whole number"))?,
    };
    let out = args
        .value("out")
        .map_or_else(|| common::bundled_path("synthetic"), PathBuf::from);
    let data = synth::generate(seed)?;
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // The same data as a researcher's export (examples/synth/export.rs): the workbench's input.
    let export = ("export.csv", synth::export::export_csv(&data, seed)?);
    for (name, text) in data.files.iter().chain([&export]) {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let checks = synth::checks(&data)?;
    let rates = detector_rates(&data)?;
    let report = Report {
        seed,
        out: out.display().to_string(),
        alpha: checks
            .alpha_first
            .iter()
            .map(|&(id, n, a)| (id.to_owned(), n, a))
            .collect(),
        alpha_wai_sr_all_sessions: checks.alpha_wai_all,
        r_alliance_ors_change: checks.r_alliance_ors_change,
        r_alliance_phq9_improvement: checks.r_alliance_phq_improvement,
        rates,
    };
    if args.flag("json") {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("SYNTHETIC data set, seed {seed}, written to {}", report.out);
    for (name, text) in data.files.iter().chain([&export]) {
        println!("  {name:<22} {:>9} bytes", text.len());
    }
    println!("\nCronbach's alpha (first administration per client; stats::alpha_rows):");
    let rows: Vec<Vec<String>> = report
        .alpha
        .iter()
        .map(|(id, n, a)| vec![id.clone(), n.to_string(), fmt(*a, 3)])
        .collect();
    print_table(&["instrument", "n", "raw_alpha"], &rows);
    println!(
        "client WAI-SR, every administration: raw_alpha {}",
        fmt(report.alpha_wai_sr_all_sessions, 3)
    );
    println!(
        "\nalliance–outcome across clients (stats::pearson; meta-analytic r = .278):\n  mean WAI-SR vs ORS change r = {}; vs PHQ-9 improvement r = {}",
        fmt(report.r_alliance_ors_change, 3),
        fmt(report.r_alliance_phq9_improvement, 3)
    );
    println!("\nevents found by the crate's detectors (clients with at least one):");
    let rows: Vec<Vec<String>> = report
        .rates
        .iter()
        .map(|r| {
            vec![
                r.what.clone(),
                r.rule.clone(),
                format!("{}/{}", r.clients, r.of),
                format!("{:.1}%", 100.0 * r.share),
                r.injected_or_target.clone(),
            ]
        })
        .collect();
    print_table(
        &["event", "rule", "clients", "rate", "injected / literature"],
        &rows,
    );
    Ok(())
}

fn pct(n: usize, of: usize) -> String {
    format!("{:.1}%", 100.0 * n as f64 / of as f64)
}

/// Runs the crate's rupture and sudden-change detectors and counts barrier flags.
fn detector_rates(data: &synth::Dataset) -> AppResult<Vec<EventRate>> {
    let n = data.courses.len();
    let injected_r = data.truth.iter().filter(|t| t.rupture.is_some()).count();
    let injected_rep = data
        .truth
        .iter()
        .filter(|t| t.rupture.is_some_and(|r| r.2))
        .count();
    let injected_g = data
        .truth
        .iter()
        .filter(|t| t.sudden_gain.is_some())
        .count();
    let injected_l = data
        .truth
        .iter()
        .filter(|t| t.sudden_loss.is_some())
        .count();
    let mut rates = Vec::new();
    let mut push = |what: &str, rule: &str, clients: usize, target: String| {
        rates.push(EventRate {
            what: what.to_owned(),
            rule: rule.to_owned(),
            clients,
            of: n,
            share: clients as f64 / n as f64,
            injected_or_target: target,
        });
    };
    let (mut wai_r, mut wai_rep, mut srs_r, mut gains, mut losses) = (0, 0, 0, 0, 0);
    let wai_series = data
        .courses
        .iter()
        .map(|c| Series::new(c.series_by("wai-sr", Respondent::Client)))
        .collect::<Result<Vec<_>, _>>()?;
    let between_sd = estimate_between_client_sd(&wai_series)?;
    let wai_rule = RuptureOptions::new(RuptureThreshold::StricterSd {
        between_sd,
        multiple: 2.0,
        min_sessions: 5,
    });
    let srs_rule = RuptureOptions::new(RuptureThreshold::Points(5.0));
    let sudden = SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter);
    for (course, wai) in data.courses.iter().zip(&wai_series) {
        let found = detect_ruptures(wai, &wai_rule)?;
        if !found.is_empty() {
            wai_r += 1;
            if found.iter().any(|r| r.repair.is_some()) {
                wai_rep += 1;
            }
        }
        let srs = Series::new(course.series_by("srs", Respondent::Client))?;
        srs_r += usize::from(!detect_ruptures(&srs, &srs_rule)?.is_empty());
        let ors = Series::new(course.series_by("ors", Respondent::Client))?;
        let sc = sudden_changes(&ors, &sudden)?;
        gains += usize::from(!sc.gains.is_empty());
        losses += usize::from(!sc.losses.is_empty());
    }
    push(
        "rupture",
        &format!("client WAI-SR fall >= 2 x max(within SD, between SD {between_sd:.1}) (Gumz)"),
        wai_r,
        format!("{} injected; Larsson 2018: 25.4%", pct(injected_r, n)),
    );
    push(
        "repaired rupture",
        "… back to the pre-rupture level within 3 sessions",
        wai_rep,
        format!("{} injected; Larsson 2018: 14.7%", pct(injected_rep, n)),
    );
    push(
        "rupture",
        "SRS fall >= 5 points (monitor example default)",
        srs_r,
        format!("{} injected", pct(injected_r, n)),
    );
    push(
        "sudden gain",
        "ORS, Tang & DeRubeis, 5 points (ORS RCI)",
        gains,
        format!(
            "{} injected; 11% (1,640 clinic patients)",
            pct(injected_g, n)
        ),
    );
    push(
        "sudden loss",
        "ORS, mirrored rule, 5 points",
        losses,
        format!("{} injected; Odyniec 2019: 26.5%", pct(injected_l, n)),
    );
    for (cat, target) in [
        (BarrierCategory::Language, "10%"),
        (BarrierCategory::Transference, "12%"),
        (BarrierCategory::Countertransference, "8%"),
        (BarrierCategory::Attachment, "10%"),
        (BarrierCategory::Reactance, "8% + 35% of ruptures"),
        (BarrierCategory::Obstructiveness, "5% + ruptures"),
        (BarrierCategory::Boundary, "5.5%"),
    ] {
        let clients = data
            .courses
            .iter()
            .filter(|c| c.flags_of(cat).next().is_some())
            .count();
        push(
            &format!("{} flag", cat.as_str()),
            "Course::flags_of",
            clients,
            format!("{target} (generator's own rate)"),
        );
    }
    Ok(rates)
}
