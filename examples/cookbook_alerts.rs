//! Cookbook: read courses from JSON and list the alerts for each.
//!
//! ```sh
//! cargo run --example cookbook_alerts -- [COURSES.json] [--json]
//! ```
//!
//! Reads a JSON list of courses (default: the synthetic `examples/data/synthetic/courses.json`),
//! takes each course's client SRS series as the alliance and its ORS series as the outcome
//! ([`Course::series_by`]), runs [`monitor_course`] with the PCOMS alert rules (SRS `< 36`,
//! SRS drop ≥ 1), ruptures as a fall of ≥ 5 SRS points, and sudden changes of ≥ 5 ORS points
//! (the ORS reliable-change figure, SECONDARY), and prints every alert with its session,
//! severity and reason, plus the count of unresolved barrier flags. Courses whose series cannot
//! be analysed are reported on stderr and skipped.

mod common;

use common::{AppResult, Args};
use serde::Serialize;
use therapeutic_alliance::monitor::{
    Alert, CourseInput, MonitorOptions, RuptureOptions, RuptureThreshold, Series, SizeCriterion,
    SuddenChangeOptions, monitor_course,
};
use therapeutic_alliance::{Course, Direction, Respondent};

#[derive(Serialize)]
struct CourseAlerts {
    client: String,
    alerts: Vec<Alert>,
    unresolved_flags: usize,
}

fn main() {
    common::run(|| {
        let args = Args::parse(&[])?;
        let path = args.file_or_bundled("synthetic/courses.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let courses: Vec<Course> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let options = MonitorOptions::pcoms(
            RuptureOptions::new(RuptureThreshold::Points(5.0)),
            SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter),
        );
        let mut out = Vec::new();
        for course in &courses {
            let analysed = (|| -> AppResult<Vec<Alert>> {
                let srs = Series::new(course.series_by("srs", Respondent::Client))?;
                let ors = Series::new(course.series_by("ors", Respondent::Client))?;
                let input = CourseInput::new().alliance(&srs).outcome(&ors);
                Ok(monitor_course(&input, &options)?.alerts)
            })();
            match analysed {
                Ok(alerts) => out.push(CourseAlerts {
                    client: course.client().to_string(),
                    alerts,
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
                println!("  session {:>2}  {:?}  {}", a.session, a.severity, a.reason);
            }
        }
        if out.len() > 10 {
            println!("… {} more course(s); --json lists them all", out.len() - 10);
        }
        Ok(())
    });
}
