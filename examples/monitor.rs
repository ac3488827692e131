//! Monitor courses session by session: alliance trajectory and ruptures, outcome trajectory and
//! sudden gains/losses, not-on-track and alert rules, optional SVG charts.
//!
//! ```sh
//! cargo run --example monitor -- [FILE.csv] [--alliance ID] [--outcome ID] [--out DIR] [--json]
//!     [--rupture-points X] [--rc X] [--band X] [--lower-is-better]
//! ```
//!
//! Input: a long CSV, one row per administration, with columns `client`, `session`,
//! `instrument`, `total` (extra columns are ignored). Rows of other instruments are skipped.
//! Rows that cannot be used (missing or non-numeric total, session not a whole number ≥ 0,
//! duplicate client/session/instrument) are reported on stderr with their row number and
//! reason (rows count data rows from 1; the header is not counted) and left out; the JSON
//! output stays a plain array.
//!
//! Settings (this example's choices, printed with the table):
//! * alliance: the built-in instrument's own cutoff (`srs`: `< 36`, VERIFIED), or
//!   `--alliance-cutoff X` (operator `<`); for `srs` also a drop of ≥ 1 point since the last
//!   session (OpenFIT);
//! * rupture: a fall of at least `--rupture-points` (default 5) within 3 sessions, repaired when
//!   back to the pre-rupture level within 3 sessions (the crate's own defaults);
//! * outcome: sudden gains/losses with the Tang & DeRubeis criteria, size = `--rc` (default:
//!   the built-in outcome instrument's `reliable_change_threshold()`, 5 for the adult ORS,
//!   SECONDARY; an unknown instrument needs `--rc`); reliable deterioration when the outcome
//!   worsened by more than `--rc` since intake; direction from the instrument
//!   (`--lower-is-better` overrides); the outcome is drawn with the instrument's cutoff (ORS: 25);
//! * not on track: expected trajectory = mean of the *other* clients in the file with an
//!   intake within ±1 (MyOutcomes' rule), flagged when more than `--band` (default 3) points
//!   below it.
//!
//! The bundled `examples/data/monitor_long.csv` is synthetic.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::cli::{Cli, Opt};
use common::{AppResult, Table};
use serde::Serialize;
use therapeutic_alliance::monitor::{
    Alert, AlertRules, ChartOptions, CourseInput, CourseMonitor, CourseReport, ExpectedTrajectory,
    MonitorOptions, NotOnTrackRule, OnTrackBand, RuptureOptions, RuptureThreshold, Series,
    SessionLight, SizeCriterion, SuddenChange, SuddenChangeOptions, course_svg,
};
use therapeutic_alliance::{Comparison, Cutoff, Direction, Instrument, Respondent};

const CLI: Cli = Cli {
    name: "monitor",
    about: "monitor courses session by session: trajectories, ruptures, sudden gains and losses, alerts",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value("alliance", "ID", "srs", "the alliance instrument"),
        Opt::value("outcome", "ID", "ors", "the outcome instrument"),
        Opt::value(
            "rupture-points",
            "X",
            "5",
            "rupture: a fall of at least X points within 3 sessions",
        ),
        Opt::value(
            "rc",
            "X",
            "the outcome's reliable-change threshold (ORS: 5)",
            "sudden-change size and reliable deterioration",
        ),
        Opt::value(
            "band",
            "X",
            "3",
            "not on track: more than X points below the expected trajectory",
        ),
        Opt::switch(
            "lower-is-better",
            "lower outcome scores are better (default: the instrument's direction)",
        ),
        Opt::value(
            "alliance-cutoff",
            "X",
            "the alliance's cutoff (SRS: < 36)",
            "alliance alert below X",
        ),
        Opt::value(
            "out",
            "DIR",
            "",
            "write one SVG chart per client into DIR (default: no charts)",
        ),
        Opt::switch("json", "print JSON instead of tables"),
    ],
    notes: "Input: a long CSV, one row per administration (client, session, instrument, total);
the default is the synthetic examples/data/monitor_long.csv. Unusable rows are reported on
stderr with their row number and left out.",
};

struct Client {
    id: String,
    alliance: Vec<(u32, f64)>,
    outcome: Vec<(u32, f64)>,
}

fn parse_session(cell: &str) -> Option<u32> {
    cell.trim().parse::<u32>().ok()
}

/// Reads the long CSV into clients (first-appearance order) and the list of rejected rows.
fn read_clients(
    path: &Path,
    alliance_id: &str,
    outcome_id: &str,
) -> AppResult<(Vec<Client>, Vec<String>)> {
    let table = Table::read(path)?;
    let c_client = table.column_index("client")?;
    let c_session = table.column_index("session")?;
    let c_instr = table.column_index("instrument")?;
    let c_total = table.column_index("total")?;
    let mut clients: Vec<Client> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut seen: HashMap<(String, u32, bool), usize> = HashMap::new();
    let mut rejected = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let rown = i + 1;
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        let instrument = cell(c_instr);
        let is_alliance = instrument.eq_ignore_ascii_case(alliance_id);
        if !is_alliance && !instrument.eq_ignore_ascii_case(outcome_id) {
            continue;
        }
        let client = cell(c_client);
        if client.is_empty() {
            rejected.push(format!("row {rown}: empty client id"));
            continue;
        }
        let Some(session) = parse_session(cell(c_session)) else {
            rejected.push(format!(
                "row {rown}: session {:?} is not a whole number >= 0",
                cell(c_session)
            ));
            continue;
        };
        let total = match common::parse_cell(cell(c_total), rown, "total") {
            Ok(Some(v)) if v.is_finite() => v,
            Ok(_) => {
                rejected.push(format!("row {rown}: total is missing or not finite"));
                continue;
            }
            Err(e) => {
                rejected.push(e.to_string());
                continue;
            }
        };
        if let Some(first) = seen.insert((client.to_owned(), session, is_alliance), rown) {
            rejected.push(format!(
                "row {rown}: duplicate of row {first} (client {client}, session {session}, instrument {instrument})"
            ));
            seen.insert((client.to_owned(), session, is_alliance), first);
            continue;
        }
        let k = *index.entry(client.to_owned()).or_insert_with(|| {
            clients.push(Client {
                id: client.to_owned(),
                alliance: Vec::new(),
                outcome: Vec::new(),
            });
            clients.len() - 1
        });
        if is_alliance {
            clients[k].alliance.push((session, total));
        } else {
            clients[k].outcome.push((session, total));
        }
    }
    Ok((clients, rejected))
}

/// JSON output, one object per client; field order as documented in the issue.
#[derive(Serialize)]
struct ClientJson<'a> {
    client: &'a str,
    alliance: Option<AllianceJson<'a>>,
    outcome: Option<OutcomeJson>,
    alerts: &'a [Alert],
}

#[derive(Serialize)]
struct AllianceJson<'a> {
    instrument: &'a str,
    slope: Option<f64>,
    /// The rupture threshold actually used, in the instrument's points.
    rupture_threshold: f64,
    ruptures: Vec<RuptureJson>,
    /// OpenFIT's traffic light per session (empty when the instrument has no cutoff).
    lights: &'a [SessionLight],
}

#[derive(Serialize)]
struct RuptureJson {
    start: u32,
    trough: u32,
    depth: f64,
    repair: Option<u32>,
}

#[derive(Serialize)]
struct OutcomeJson {
    slope: Option<f64>,
    sudden_gains: Vec<ChangeJson>,
    sudden_losses: Vec<ChangeJson>,
}

#[derive(Serialize)]
struct ChangeJson {
    session: u32,
    magnitude: f64,
}

fn changes_json(v: &[SuddenChange]) -> Vec<ChangeJson> {
    v.iter()
        .map(|c| ChangeJson {
            session: c.session,
            magnitude: c.magnitude,
        })
        .collect()
}

fn to_json<'a>(id: &'a str, r: &'a CourseReport) -> ClientJson<'a> {
    ClientJson {
        client: id,
        alliance: r.alliance.as_ref().map(|a| AllianceJson {
            instrument: &a.instrument,
            slope: a.trajectory.as_ref().map(|t| t.slope),
            rupture_threshold: a.rupture_threshold,
            lights: &a.lights,
            ruptures: a
                .ruptures
                .iter()
                .map(|x| RuptureJson {
                    start: x.start,
                    trough: x.trough,
                    depth: x.depth,
                    repair: x.repair,
                })
                .collect(),
        }),
        outcome: r.outcome.as_ref().map(|o| OutcomeJson {
            slope: o.trajectory.as_ref().map(|t| t.slope),
            sudden_gains: changes_json(&o.sudden.gains),
            sudden_losses: changes_json(&o.sudden.losses),
        }),
        alerts: &r.alerts,
    }
}

fn opt_fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "NA".to_owned(), |v| common::fmt(v, 2))
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_bundled("monitor_long.csv");
        let alliance_id = args.value("alliance").unwrap_or("srs").to_owned();
        let outcome_id = args.value("outcome").unwrap_or("ors").to_owned();
        let rupture_points = args.number("rupture-points")?.unwrap_or(5.0);
        // Cutoffs, direction and reliable-change threshold come from the built-in instrument
        // definitions (one set of numbers, kept in the catalogue); flags override them.
        let alliance_inst = Instrument::builtin(&alliance_id.to_ascii_lowercase());
        let outcome_inst = Instrument::builtin(&outcome_id.to_ascii_lowercase());
        let rc = match args.number("rc")? {
            Some(rc) => rc,
            None => outcome_inst
                .as_ref()
                .and_then(Instrument::reliable_change_threshold)
                .ok_or_else(|| {
                    format!("outcome {outcome_id:?} has no built-in reliable-change threshold: pass --rc X")
                })?,
        };
        let band = args.number("band")?.unwrap_or(3.0);
        let direction = if args.flag("lower-is-better") {
            Direction::LowerIsBetter
        } else {
            outcome_inst
                .as_ref()
                .map_or(Direction::HigherIsBetter, Instrument::direction)
        };
        let alliance_cutoff = match args.number("alliance-cutoff")? {
            Some(v) => Some(Cutoff::new(Comparison::Less, v)),
            None => alliance_inst.as_ref().and_then(Instrument::cutoff),
        };
        let outcome_cutoff = outcome_inst.as_ref().and_then(Instrument::cutoff);

        let (clients, rejected) = read_clients(&path, &alliance_id, &outcome_id)?;
        for r in &rejected {
            eprintln!("rejected: {r}");
        }
        if !rejected.is_empty() {
            eprintln!(
                "{} row(s) rejected (listed above); they are left out of the output",
                rejected.len()
            );
        }
        if clients.is_empty() {
            return Err(format!(
                "{}: no usable rows for instruments {alliance_id:?} or {outcome_id:?}",
                path.display()
            )
            .into());
        }

        // Every alert number comes from the monitored instrument (SRS: < 36 and a 1-point
        // drop; ORS: its reliable-change threshold); a flag given here overrides it and is
        // reported as the user's.
        let mut rules = AlertRules::new();
        if let Some(rc) = args.number("rc")? {
            rules = rules.deterioration(rc, Comparison::Greater)?;
        }
        if let Some(v) = args.number("alliance-cutoff")? {
            rules = rules.alliance_cutoff(Cutoff::new(Comparison::Less, v))?;
        }
        let options = MonitorOptions::new(
            RuptureOptions::new(RuptureThreshold::Points(rupture_points)),
            SuddenChangeOptions::new(SizeCriterion::ReliableChange(rc), direction),
        )
        .alert_rules(rules)
        .not_on_track(NotOnTrackRule::new(OnTrackBand::Points(band), direction));
        let known = |id: &str, inst: &Option<Instrument>| {
            inst.clone().ok_or_else(|| {
                format!(
                    "{id:?} is not a built-in instrument (one of {})",
                    therapeutic_alliance::catalogue::BUILTIN_IDS.join(", ")
                )
            })
        };
        let monitor = CourseMonitor::new(options)
            .alliance(known(&alliance_id, &alliance_inst)?, Respondent::Client)
            .outcome(known(&outcome_id, &outcome_inst)?, Respondent::Client);

        // Validate every series once; a client whose series is invalid is reported and skipped.
        let mut series: Vec<(String, Option<Series>, Option<Series>)> = Vec::new();
        for c in clients {
            let a = (!c.alliance.is_empty())
                .then(|| Series::from_unsorted(c.alliance))
                .transpose();
            let o = (!c.outcome.is_empty())
                .then(|| Series::from_unsorted(c.outcome))
                .transpose();
            match (a, o) {
                (Ok(a), Ok(o)) => series.push((c.id, a, o)),
                (Err(e), _) | (_, Err(e)) => eprintln!("client {}: skipped: {e}", c.id),
            }
        }

        let svg_dir = args.value("out").map(Path::new);
        if let Some(dir) = svg_dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut reports = Vec::new();
        let mut rows = Vec::new();
        let mut alert_rows = Vec::new();
        for (k, (id, a, o)) in series.iter().enumerate() {
            // leave-one-out reference sample for the expected trajectory
            let expected = o.as_ref().and_then(|o| {
                let reference: Vec<Series> = series
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .filter_map(|(_, s)| s.2.clone())
                    .collect();
                ExpectedTrajectory::from_reference(o.first().1, &reference, 1.0).ok()
            });
            let mut input = CourseInput::new();
            if let Some(a) = a {
                input = input.alliance(a);
            }
            if let Some(o) = o {
                input = input.outcome(o);
            }
            if let Some(e) = &expected {
                input = input.expected(e);
            }
            let client = therapeutic_alliance::ClientId::new(id.as_str()).ok();
            if let Some(c) = &client {
                input = input.client(c);
            }
            let report = match monitor.run_input(&input) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("client {id}: skipped: {e}");
                    continue;
                }
            };
            if let Some(dir) = svg_dir {
                let mut chart = ChartOptions::new()
                    .title(format!("Client {id}: {alliance_id} and {outcome_id}"))
                    .labels(alliance_id.to_uppercase(), outcome_id.to_uppercase());
                if let Some(c) = alliance_cutoff {
                    chart = chart.alliance_cutoff(c);
                }
                if let Some(c) = outcome_cutoff {
                    chart = chart.outcome_cutoff(c);
                }
                if alliance_id.eq_ignore_ascii_case("srs") && outcome_id.eq_ignore_ascii_case("ors")
                {
                    chart = chart.y_ranges((0.0, 40.0), (0.0, 40.0));
                }
                let svg = course_svg(&input, &report, &chart)?;
                let safe: String = id
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let file = dir.join(format!("{safe}.svg"));
                std::fs::write(&file, svg)
                    .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            }
            let al = report.alliance.as_ref();
            let oc = report.outcome.as_ref();
            let ruptures = al.map_or_else(String::new, |r| {
                r.ruptures
                    .iter()
                    .map(|x| {
                        format!(
                            "{}-{} ({}) {}",
                            x.start,
                            x.trough,
                            common::fmt(x.depth, 1),
                            x.repair
                                .map_or("unrepaired".to_owned(), |s| format!("rep {s}"))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            let changes = |v: &[SuddenChange]| {
                v.iter()
                    .map(|c| {
                        format!(
                            "{}-{} ({})",
                            c.session,
                            c.post_session,
                            common::fmt(c.magnitude, 1)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            rows.push(vec![
                id.clone(),
                a.as_ref().map_or(0, Series::len).to_string(),
                opt_fmt(al.and_then(|r| r.trajectory.as_ref()).map(|t| t.slope)),
                opt_fmt(al.and_then(|r| r.trajectory.as_ref()).map(|t| t.early_mean)),
                if ruptures.is_empty() {
                    "-".into()
                } else {
                    ruptures
                },
                o.as_ref().map_or(0, Series::len).to_string(),
                opt_fmt(oc.and_then(|r| r.trajectory.as_ref()).map(|t| t.slope)),
                opt_fmt(oc.and_then(|r| r.trajectory.as_ref()).map(|t| t.change)),
                oc.map_or("-".into(), |r| {
                    let s = changes(&r.sudden.gains);
                    if s.is_empty() { "-".into() } else { s }
                }),
                oc.map_or("-".into(), |r| {
                    let s = changes(&r.sudden.losses);
                    if s.is_empty() { "-".into() } else { s }
                }),
                expected
                    .as_ref()
                    .map_or("none".into(), |e| e.n_reference().to_string()),
                report.alerts.len().to_string(),
            ]);
            for al in &report.alerts {
                alert_rows.push(vec![
                    id.clone(),
                    al.session.to_string(),
                    al.severity.to_string(),
                    al.kind.to_string(),
                    al.reason.clone(),
                ]);
            }
            reports.push((id.clone(), report));
        }

        if args.flag("json") {
            let out: Vec<ClientJson<'_>> = reports.iter().map(|(id, r)| to_json(id, r)).collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        println!(
            "Monitoring {} ({alliance_id} alliance, {outcome_id} outcome)",
            path.display()
        );
        println!(
            "rupture: fall >= {rupture_points} points within 3 sessions, repair = back to the pre-rupture level within 3 sessions (crate defaults)"
        );
        println!(
            "sudden change / reliable deterioration: {rc} points; not on track: > {band} points worse than the mean of other clients with intake +/- 1"
        );
        println!();
        common::print_table(
            &[
                "client",
                "n_all",
                "all_slope",
                "early",
                "ruptures",
                "n_out",
                "out_slope",
                "change",
                "sudden_gains",
                "sudden_losses",
                "ref_n",
                "alerts",
            ],
            &rows,
        );
        println!();
        common::print_table(
            &["client", "session", "severity", "kind", "reason"],
            &alert_rows,
        );
        if let Some(dir) = svg_dir {
            println!("\ncharts written to {}", dir.display());
        }
        Ok(())
    });
}
