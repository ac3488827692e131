//! Cookbook: read courses from JSON and list the alerts for each.
//!
//! ```sh
//! cargo run --example cookbook_alerts -- [COURSES.json] [--rupture-points N] [--json]
//! ```
//!
//! Reads a JSON list of courses (default: the synthetic `examples/data/synthetic/courses.json`)
//! and runs [`CourseMonitor`], the recommended path from a [`Course`] to monitoring, with the
//! built-in SRS (client) as the alliance and the built-in ORS (client) as the outcome. The
//! numbers come from the instruments: the SRS cutoff (`< 36`, VERIFIED) raises `srs_low`, the
//! ORS reliable-change threshold (5 points, SECONDARY) sizes sudden changes and raises
//! `reliable_deterioration`, and the ORS direction must match the sudden-change options. The
//! PCOMS drop rule (SRS drop ≥ 1) comes from [`MonitorOptions::pcoms`]. Only the rupture size
//! has no published rule, so it is a parameter (`--rupture-points`, default 5 SRS points).
//! Prints every alert with its session, severity and reason, plus the count of unresolved
//! barrier flags. Courses that cannot be monitored are reported on stderr and skipped.

mod common;

use common::cli::{Cli, Opt};
use serde::Serialize;
use therapeutic_alliance::monitor::{
    Alert, CourseMonitor, MonitorOptions, RuptureOptions, RuptureThreshold, SizeCriterion,
    SuddenChangeOptions,
};
use therapeutic_alliance::{Course, Instrument, Respondent};

const CLI: Cli = Cli {
    name: "cookbook_alerts",
    about: "the alerts of every course in a courses JSON (CourseMonitor, instrument cutoffs)",
    positional: "[COURSES.json]",
    max_positional: 1,
    options: &[
        Opt::value(
            "rupture-points",
            "N",
            "5",
            "rupture size: a fall of at least N SRS points",
        ),
        Opt::switch("json", "print JSON instead of text"),
    ],
    notes: "Input: a JSON list of courses; the default is the synthetic
examples/data/synthetic/courses.json.",
};

#[derive(Serialize)]
struct CourseAlerts {
    client: String,
    alerts: Vec<Alert>,
    unresolved_flags: usize,
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_bundled("synthetic/courses.json");
        let text = common::read_text(&path)?;
        let courses: Vec<Course> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let srs = Instrument::builtin("srs").ok_or("no built-in srs")?;
        let ors = Instrument::builtin("ors").ok_or("no built-in ors")?;
        let rc = ors
            .reliable_change_threshold()
            .ok_or("the ors has no reliable-change threshold")?;
        let options = MonitorOptions::new(
            RuptureOptions::new(RuptureThreshold::Points(
                args.number("rupture-points")?.unwrap_or(5.0),
            )),
            SuddenChangeOptions::new(SizeCriterion::ReliableChange(rc), ors.direction()),
        );
        // The SRS cutoff and drop and the ORS reliable-deterioration rule come from the
        // instruments themselves, and every alert names its instrument, threshold and source.
        let monitor = CourseMonitor::new(options)
            .alliance(srs, Respondent::Client)
            .outcome(ors, Respondent::Client);
        let mut out = Vec::new();
        for course in &courses {
            match monitor.run(course) {
                Ok(m) => out.push(CourseAlerts {
                    client: course.client().to_string(),
                    alerts: m.report.alerts,
                    unresolved_flags: course.unresolved_flags().count(),
                }),
                Err(e) => eprintln!("{}: skipped: {e}", course.client()),
            }
        }
        if args.flag("json") {
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        let total: usize = out.iter().map(|c| c.alerts.len()).sum();
        println!(
            "{} course(s), {total} alert(s), from {}",
            out.len(),
            path.display()
        );
        for c in out.iter().take(10) {
            println!(
                "{}: {} alert(s), {} unresolved flag(s)",
                c.client,
                c.alerts.len(),
                c.unresolved_flags
            );
            for a in &c.alerts {
                println!(
                    "  session {:>2}  {:<8}  {:<22}  {}",
                    a.session,
                    format!("{:?}", a.severity).to_lowercase(),
                    a.kind.as_str(),
                    a.reason
                );
            }
        }
        if out.len() > 10 {
            println!("… {} more course(s); --json lists them all", out.len() - 10);
        }
        Ok(())
    });
}
