//! Per-course report: sessions and scores by session, core-conditions profiles where measured,
//! barrier flags with a barrier summary, ethics findings, and the monitoring summary
//! (ruptures, sudden gains and losses, alerts) from `monitor::CourseMonitor`.
//!
//! Monitoring settings (this example's choices): alliance = the first of `srs`, `wai-sr`
//! rated by the client; outcome = the first of `ors`, `core-10`, `core-om`, `phq-9`, `gad-7`
//! rated by the client. Cutoffs, direction and the reliable-change threshold (sudden-change
//! size and reliable deterioration) come from the built-in instrument definitions; an outcome
//! instrument without a reliable-change threshold is not monitored. Ruptures: a fall of at
//! least 5 points within 3 sessions (the `monitor` example's default). Barrier flags become
//! alerts (critical per `BarrierFlag::is_critical`; resolved, non-critical flags are left out).
//!
//! ```sh
//! cargo run --example course_report -- [FILE.json] [--json]
//! ```
//!
//! `FILE.json` is a JSON list of courses in the format documented in the crate docs
//! ("Courses of therapy as JSON"); without it the bundled, synthetic
//! `testdata/courses.json` (five invented courses) is read. `--json` prints the report
//! as JSON instead of tables.

mod common;

use common::cli::{Cli, Opt};
use common::{AppResult, fmt, print_table};
use serde::Serialize;
use therapeutic_alliance::monitor::{
    CourseMonitor, CourseReport as Monitoring, MonitorOptions, RuptureOptions, RuptureThreshold,
    SizeCriterion, SuddenChangeOptions,
};
use therapeutic_alliance::{
    BarrierFlag, BarrierKind, BarrierSummary, BoundaryCategory, BoundaryType, ClientStatus,
    ConditionAssessment, CoreConditions, Course, FacilitativeThresholds, Instrument,
    PostTerminationRule, Respondent, SessionDate,
};

const CLI: Cli = Cli {
    name: "course_report",
    about: "per-course report: scores by session, core conditions, barrier flags, ethics, monitoring",
    positional: "[FILE.json]",
    max_positional: 1,
    options: &[Opt::switch(
        "json",
        "print the report as JSON instead of tables",
    )],
    notes: "Input: a JSON list of courses (\"Courses of therapy as JSON\" in the crate docs); the
default is the bundled, synthetic testdata/courses.json (five invented courses).",
};

#[derive(Serialize)]
struct Report {
    courses: Vec<CourseReport>,
}

#[derive(Serialize)]
struct CourseReport {
    client: String,
    counsellor: String,
    start: SessionDate,
    end: SessionDate,
    termination: Option<SessionDate>,
    sessions: Vec<SessionRow>,
    series: Vec<Series>,
    core_conditions: Vec<ConditionsRow>,
    flags: Vec<BarrierFlag>,
    barrier_summary: BarrierSummary,
    ethics: Vec<String>,
    monitoring: MonitoringRow,
}

#[derive(Serialize)]
struct MonitoringRow {
    alliance: Option<String>,
    outcome: Option<String>,
    report: Monitoring,
}

const ALLIANCE: [&str; 2] = ["srs", "wai-sr"];
const OUTCOME: [&str; 5] = ["ors", "core-10", "core-om", "phq-9", "gad-7"];
const RUPTURE_POINTS: f64 = 5.0;

/// Runs the monitoring adapter with the measures this course has.
fn monitoring(course: &Course) -> AppResult<MonitoringRow> {
    let has = |id: &str| !course.series_by(id, Respondent::Client).is_empty();
    let alliance = ALLIANCE
        .iter()
        .find(|id| has(id))
        .and_then(|id| Instrument::builtin(id));
    let outcome = OUTCOME
        .iter()
        .find(|id| has(id))
        .and_then(|id| Instrument::builtin(id))
        .and_then(|i| i.reliable_change_threshold().map(|rc| (i, rc)));
    let sudden = match &outcome {
        Some((i, rc)) => {
            SuddenChangeOptions::new(SizeCriterion::ReliableChange(*rc), i.direction())
        }
        // unused without an outcome series
        None => SuddenChangeOptions::tang_derubeis_bdi(),
    };
    let mut monitor = CourseMonitor::new(MonitorOptions::new(
        RuptureOptions::new(RuptureThreshold::Points(RUPTURE_POINTS)),
        sudden,
    ));
    let names = (
        alliance.as_ref().map(|i| i.id().to_owned()),
        outcome.as_ref().map(|(i, _)| i.id().to_owned()),
    );
    if let Some(a) = alliance {
        monitor = monitor.alliance(a, Respondent::Client);
    }
    if let Some((o, _)) = outcome {
        monitor = monitor.outcome(o, Respondent::Client);
    }
    let result = monitor
        .run(course)
        .map_err(|e| format!("client {}: monitoring: {e}", course.client()))?;
    Ok(MonitoringRow {
        alliance: names.0,
        outcome: names.1,
        report: result.report,
    })
}

#[derive(Serialize)]
struct SessionRow {
    number: u32,
    date: SessionDate,
    interpreter: bool,
    flags: usize,
}

#[derive(Serialize)]
struct Series {
    instrument: String,
    respondent: Respondent,
    values: Vec<(u32, f64)>,
}

#[derive(Serialize)]
struct ConditionsRow {
    session: u32,
    assessment: Vec<ConditionAssessment>,
}

fn build(course: &Course) -> AppResult<CourseReport> {
    let mut pairs: Vec<(String, Respondent)> = Vec::new();
    for a in course
        .iter()
        .flat_map(therapeutic_alliance::Session::administrations)
    {
        let key = (a.instrument().to_owned(), a.respondent());
        if !pairs.contains(&key) {
            pairs.push(key);
        }
    }
    let series = pairs
        .into_iter()
        .map(|(instrument, respondent)| Series {
            values: course.series_by(&instrument, respondent),
            instrument,
            respondent,
        })
        .collect();

    let thresholds = FacilitativeThresholds::new();
    let mut core_conditions = Vec::new();
    for s in course {
        if let Some(profile) = CoreConditions::from_session(s)
            .map_err(|e| format!("client {}, session {}: {e}", course.client(), s.number()))?
        {
            core_conditions.push(ConditionsRow {
                session: s.number(),
                assessment: profile.assess(&thresholds)?,
            });
        }
    }

    let mut ethics: Vec<String> = course
        .critical_flags()
        .map(|f| {
            format!(
                "session {}: critical {} flag ({}){}{}",
                f.session(),
                f.category(),
                detail(f),
                if f.resolved() { ", resolved" } else { "" },
                if f.kind()
                    == (BarrierKind::Boundary {
                        boundary: BoundaryType::Violation,
                        category: BoundaryCategory::Sexual,
                    }) {
                    ": sexual contact with a current client is always a violation (APA 10.05, ACA 2014 A.5.a)"
                } else {
                    ""
                }
            )
        })
        .collect();
    match course.client_status() {
        ClientStatus::Current => ethics.push(
            "current client: any sexual relationship is a violation (APA 10.05, ACA 2014 A.5.a)"
                .to_owned(),
        ),
        ClientStatus::Former { terminated } => {
            for rule in [
                PostTerminationRule::apa_10_08(),
                PostTerminationRule::aca_2014_a5c(),
            ] {
                let earliest = rule
                    .earliest_permitted(terminated)
                    .map_or_else(|| "never (beyond 9999)".to_owned(), |d| d.to_string());
                ethics.push(format!(
                    "terminated {terminated}: under {} ({} years) no sexual relationship before {earliest}; after that only with a documented non-exploitation review",
                    rule.label(),
                    rule.years()
                ));
            }
        }
    }

    Ok(CourseReport {
        client: course.client().to_string(),
        counsellor: course.counsellor().to_string(),
        start: course.start(),
        end: course.end(),
        termination: course.termination(),
        sessions: course
            .iter()
            .map(|s| SessionRow {
                number: s.number(),
                date: s.date(),
                interpreter: s.interpreter(),
                flags: s.flags().len(),
            })
            .collect(),
        series,
        core_conditions,
        flags: course.flags().copied().collect(),
        barrier_summary: course.barrier_summary(),
        ethics,
        monitoring: monitoring(course)?,
    })
}

/// The kind's sub-fields as `key=value`, read from its JSON form.
fn detail(flag: &BarrierFlag) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(flag.kind()) else {
        return String::new();
    };
    let parts: Vec<String> = map
        .iter()
        .filter(|(k, _)| k.as_str() != "type")
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect();
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(" ")
    }
}

fn print(r: &CourseReport) {
    println!(
        "\n== client {} with counsellor {}: {} session(s), {} to {}{}",
        r.client,
        r.counsellor,
        r.sessions.len(),
        r.start,
        r.end,
        r.termination
            .map_or_else(|| ", ongoing".to_owned(), |t| format!(", terminated {t}"))
    );

    println!("\nSessions and scores (totals by session):");
    let labels: Vec<String> = r
        .series
        .iter()
        .map(|s| format!("{}/{}", s.instrument, respondent(s.respondent)))
        .collect();
    let mut headers = vec!["session", "date", "interpreter", "flags"];
    headers.extend(labels.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = r
        .sessions
        .iter()
        .map(|s| {
            let mut row = vec![
                s.number.to_string(),
                s.date.to_string(),
                if s.interpreter { "yes" } else { "no" }.to_owned(),
                s.flags.to_string(),
            ];
            for series in &r.series {
                let cell: Vec<String> = series
                    .values
                    .iter()
                    .filter(|(n, _)| *n == s.number)
                    .map(|(_, v)| fmt(*v, 1))
                    .collect();
                row.push(if cell.is_empty() {
                    "-".to_owned()
                } else {
                    cell.join("/")
                });
            }
            row
        })
        .collect();
    print_table(&headers, &rows);

    if !r.core_conditions.is_empty() {
        println!(
            "\nCore conditions (facilitative: value >= threshold; Carkhuff 3 is the only published one):"
        );
        let rows: Vec<Vec<String>> = r
            .core_conditions
            .iter()
            .flat_map(|c| {
                c.assessment.iter().map(move |a| {
                    vec![
                        c.session.to_string(),
                        a.condition.to_string(),
                        a.measure.to_string(),
                        fmt(a.value, 1),
                        a.threshold.map_or_else(|| "none".to_owned(), |t| fmt(t, 1)),
                        match a.facilitative {
                            Some(true) => "yes".to_owned(),
                            Some(false) => "no".to_owned(),
                            None => "no threshold".to_owned(),
                        },
                    ]
                })
            })
            .collect();
        print_table(
            &[
                "session",
                "condition",
                "measure",
                "value",
                "threshold",
                "facilitative",
            ],
            &rows,
        );
    }

    println!("\nBarrier flags:");
    if r.flags.is_empty() {
        println!("(none)");
    } else {
        let rows: Vec<Vec<String>> = r
            .flags
            .iter()
            .map(|f| {
                vec![
                    f.session().to_string(),
                    f.category().to_string(),
                    detail(f),
                    f.severity().to_string(),
                    f.raised_by().to_string(),
                    if f.resolved() { "yes" } else { "no" }.to_owned(),
                    if f.is_critical() { "CRITICAL" } else { "" }.to_owned(),
                ]
            })
            .collect();
        print_table(
            &[
                "session",
                "kind",
                "detail",
                "severity",
                "raised_by",
                "resolved",
                "critical",
            ],
            &rows,
        );
    }
    let s = &r.barrier_summary;
    let counts: Vec<String> = s
        .counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{} {}", c.category, c.count))
        .collect();
    println!(
        "Summary: {} flag(s) [{}], {} unresolved, {} critical, burden {} per session",
        s.total,
        counts.join(", "),
        s.unresolved,
        s.critical,
        fmt(s.burden, 3)
    );

    println!("\nEthics findings:");
    for e in &r.ethics {
        println!("- {e}");
    }

    let m = &r.monitoring;
    println!(
        "\nMonitoring (alliance {}, outcome {}):",
        m.alliance.as_deref().unwrap_or("none"),
        m.outcome.as_deref().unwrap_or("none")
    );
    if let Some(a) = &m.report.alliance {
        let slope = a
            .trajectory
            .as_ref()
            .map_or_else(|| "-".to_owned(), |t| fmt(t.slope, 3));
        let ruptures: Vec<String> = a
            .ruptures
            .iter()
            .map(|r| {
                format!(
                    "{}->{} depth {}{}",
                    r.start,
                    r.trough,
                    fmt(r.depth, 1),
                    r.repair.map_or_else(
                        || ", unrepaired".to_owned(),
                        |s| format!(", repaired at {s}")
                    )
                )
            })
            .collect();
        println!(
            "alliance slope {slope} per session; ruptures: {}",
            if ruptures.is_empty() {
                "none".to_owned()
            } else {
                ruptures.join("; ")
            }
        );
    }
    if let Some(o) = &m.report.outcome {
        let slope = o
            .trajectory
            .as_ref()
            .map_or_else(|| "-".to_owned(), |t| fmt(t.slope, 3));
        let list = |v: &[therapeutic_alliance::monitor::SuddenChange]| -> String {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.iter()
                    .map(|c| {
                        format!(
                            "{}->{} ({})",
                            c.session,
                            c.post_session,
                            fmt(c.magnitude, 1)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        println!(
            "outcome slope {slope} per session; sudden gains: {}; sudden losses: {}",
            list(&o.sudden.gains),
            list(&o.sudden.losses)
        );
    }
    if m.report.alerts.is_empty() {
        println!("alerts: none");
    } else {
        let rows: Vec<Vec<String>> = m
            .report
            .alerts
            .iter()
            .map(|a| {
                vec![
                    a.session.to_string(),
                    a.severity.to_string(),
                    a.kind.to_string(),
                    a.reason.clone(),
                ]
            })
            .collect();
        print_table(&["session", "severity", "kind", "reason"], &rows);
    }
}

fn respondent(r: Respondent) -> &'static str {
    match r {
        Respondent::Client => "client",
        Respondent::Therapist => "therapist",
        Respondent::Observer => "observer",
    }
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_testdata("courses.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let courses: Vec<Course> = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a valid list of courses: {e}", path.display()))?;
        let report = Report {
            courses: courses.iter().map(build).collect::<AppResult<_>>()?,
        };
        if args.flag("json") {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            println!("{} course(s) from {}", report.courses.len(), path.display());
            for c in &report.courses {
                print(c);
            }
        }
        Ok(())
    });
}
