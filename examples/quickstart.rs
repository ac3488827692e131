//! The end-to-end walkthrough on the bundled **synthetic** data set (`examples/data/synthetic/`,
//! 200 made-up clients; see its README).
//!
//! ```sh
//! cargo run --release --example quickstart                 # report on stdout, chart in out/quickstart/
//! cargo run --release --example quickstart -- --out DIR    # write the chart into DIR instead
//! cargo run --release --example quickstart -- --json       # a JSON summary instead of the report
//! ```
//!
//! Steps, each a short section of the report:
//! 1. **Score** every item-level administration (`administrations.csv`) with the built-in
//!    instruments ([`Instrument::score`]); rejected rows are listed with their reason.
//! 2. **Courses**: read `courses.json` (the crate's list-of-courses format, validated while it
//!    is deserialised into [`Course`]s) and check its scores against step 1.
//! 3. **Monitoring** with [`CourseMonitor`]: client SRS as the alliance, client ORS as the
//!    outcome. The SRS cutoff (`< 36`) and the ORS reliable-change threshold (5 points) come
//!    from the catalogue; the rupture size (a fall of 5 SRS points) has no published rule and is
//!    a parameter (`--rupture-points`). Ruptures, sudden gains and losses, and alerts.
//! 4. **Reliability**: Cronbach's alpha ([`stats::alpha_with_missing`]) of each instrument at
//!    each client's first administration (one row per client, so rows are independent).
//! 5. **Alliance–outcome**: client WAI-SR at session t with ORS at session t + 1, split into the
//!    between-client correlation of client means and the within-client slope
//!    (`stats::within_between`: `stats::person_mean_centre`, `stats::within_regression`,
//!    `stats::pearson`).
//! 6. **Reliable change** ([`stats::ReliableChange`], Jacobson–Truax) of the ORS (first to last
//!    session) and the PHQ-9 (intake to end). The reliability comes from the instrument's
//!    norms when the catalogue has them; no built-in instrument has norms yet, so it is a
//!    parameter (`--ors-reliability R`, `--phq-9-reliability R`) whose default is the sample
//!    alpha from step 4; the report says which value was used and why.
//! 7. **Chart**: an SVG of one course ([`monitor::course_svg`]; `--client ID`, default the first
//!    client with both a rupture and a sudden gain) into `--out DIR` (default `out/quickstart`
//!    relative to the current directory; created if needed).
//!
//! Any other data set in the same format: `--data DIR` (with `administrations.csv` and
//! `courses.json`).

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::cli::{Cli, Opt, Parsed};
use common::{AppResult, Table, fmt, print_table};
use serde::Serialize;
use therapeutic_alliance::monitor::{
    self, Alert, ChartOptions, CourseMonitor, CourseMonitoring, MonitorOptions, RuptureOptions,
    RuptureThreshold, SizeCriterion, SuddenChangeOptions,
};
use therapeutic_alliance::stats::{self, AlphaOptions, CategoryCounts, ReliableChange};
use therapeutic_alliance::{
    Answer, Course, Instrument, Keying, Respondent, Responses, Verification, parse_answer,
};

const CLI: Cli = Cli {
    name: "quickstart",
    about: "the end-to-end walkthrough on the bundled synthetic data set",
    positional: "",
    max_positional: 0,
    options: &[
        Opt::value(
            "data",
            "DIR",
            "examples/data/synthetic",
            "a data set with administrations.csv and courses.json",
        ),
        Opt::value(
            "out",
            "DIR",
            "out/quickstart",
            "where the chart goes (created if needed)",
        ),
        Opt::value(
            "client",
            "ID",
            "the first client with a rupture and a sudden gain",
            "the client whose course is charted",
        ),
        Opt::value(
            "rupture-points",
            "P",
            "5",
            "rupture: a fall of at least P SRS points",
        ),
        Opt::value(
            "ors-reliability",
            "R",
            "the catalogue's norms, else the sample alpha",
            "reliability for the ORS's reliable change",
        ),
        Opt::value(
            "phq-9-reliability",
            "R",
            "the catalogue's norms, else the sample alpha",
            "reliability for the PHQ-9's reliable change",
        ),
        Opt::switch("json", "print a JSON summary instead of the report"),
    ],
    notes: "",
};

/// Default rupture size: a fall of this many SRS points (no published rule; a parameter).
const RUPTURE_POINTS: f64 = 5.0;
/// Outcomes for reliable change: instrument, and which administrations are pre and post.
const CHANGE_OUTCOMES: [(&str, &str); 2] =
    [("ors", "first to last session"), ("phq-9", "intake to end")];
/// How many rejected rows and alerts the text report lists (`--json` lists all).
const LIST: usize = 5;

#[derive(Serialize)]
struct ScoringRow {
    instrument: String,
    verification: Verification,
    administrations: usize,
    scored: usize,
    mean_total: Option<f64>,
}

#[derive(Serialize)]
struct Rejection {
    row: usize,
    client: String,
    session: String,
    instrument: String,
    reason: String,
}

#[derive(Serialize)]
struct CoursesSummary {
    courses: usize,
    sessions: usize,
    barrier_flags: usize,
    unresolved_flags: usize,
    scores_compared: usize,
    scores_agreeing: usize,
}

#[derive(Serialize)]
struct MonitoringSummary {
    alliance: String,
    outcome: String,
    alliance_cutoff: String,
    rupture_points: f64,
    sudden_change_points: f64,
    courses_monitored: usize,
    skipped: Vec<String>,
    clients_with_ruptures: usize,
    clients_with_repaired_ruptures: usize,
    clients_with_sudden_gains: usize,
    clients_with_sudden_losses: usize,
    alerts_by_kind: BTreeMap<String, [usize; 3]>,
    alerts: Vec<ClientAlert>,
}

#[derive(Serialize)]
struct ClientAlert {
    client: String,
    #[serde(flatten)]
    alert: Alert,
}

#[derive(Serialize)]
struct AlphaRow {
    instrument: String,
    items: usize,
    n: Option<usize>,
    raw_alpha: Option<f64>,
    std_alpha: Option<f64>,
    feldt_ci: Option<(f64, f64)>,
    error: Option<String>,
}

#[derive(Serialize)]
struct ChangeRow {
    instrument: String,
    pre_post: String,
    reliability: f64,
    reliability_source: String,
    n: usize,
    threshold: f64,
    catalogue_threshold: Option<f64>,
    counts: CategoryCounts,
}

#[derive(Serialize)]
struct Summary {
    data: String,
    synthetic: bool,
    scoring: Vec<ScoringRow>,
    rejected: Vec<Rejection>,
    courses: CoursesSummary,
    monitoring: MonitoringSummary,
    alpha: Vec<AlphaRow>,
    alliance_outcome: therapeutic_alliance::stats::WithinBetween,
    reliable_change: Vec<ChangeRow>,
    wrote: Vec<PathBuf>,
}

/// Step 1's results: scores by (client, session, instrument), and first-administration item
/// rows per instrument for alpha.
struct Scored {
    rows: Vec<ScoringRow>,
    rejected: Vec<Rejection>,
    totals: HashMap<(String, u32, String), f64>,
    /// instrument id -> one row of item answers (instrument item order) per client.
    first_items: BTreeMap<String, Vec<Vec<Option<f64>>>>,
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let data = args
            .value("data")
            .map_or_else(|| common::bundled_path("synthetic"), PathBuf::from);
        let out_dir = PathBuf::from(args.value("out").unwrap_or("out/quickstart"));
        let rupture_points = args.number("rupture-points")?.unwrap_or(RUPTURE_POINTS);

        let scored = score_all(&data.join("administrations.csv"))?;
        let courses = read_courses(&data.join("courses.json"))?;
        let courses_summary = check_courses(&courses, &scored.totals);
        let (monitoring, results) = monitor_all(&courses, rupture_points)?;
        let alpha = alpha_all(&scored.first_items);
        let alliance_outcome = alliance_outcome(&courses)?;
        let change = reliable_change_all(&courses, &alpha, &args)?;
        let svg = chart(&results, args.value("client"), &out_dir)?;

        let summary = Summary {
            data: data.display().to_string(),
            synthetic: args.value("data").is_none(),
            scoring: scored.rows,
            rejected: scored.rejected,
            courses: courses_summary,
            monitoring,
            alpha,
            alliance_outcome,
            reliable_change: change,
            wrote: vec![svg],
        };
        if args.flag("json") {
            println!("{}", serde_json::to_string_pretty(&summary)?);
        } else {
            print_report(&summary);
        }
        Ok(())
    });
}

/// Step 1: score every administration in the item-level CSV.
fn score_all(path: &Path) -> AppResult<Scored> {
    let table = Table::read(path)?;
    let col = |name: &str| table.column_index(name);
    let (c_client, c_session, c_instr) = (col("client")?, col("session")?, col("instrument")?);
    let mut instruments: BTreeMap<String, (Instrument, Vec<(u16, usize)>)> = BTreeMap::new();
    let mut counts: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    let mut out = Scored {
        rows: Vec::new(),
        rejected: Vec::new(),
        totals: HashMap::new(),
        first_items: BTreeMap::new(),
    };
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut answers = Responses::new();
    for (i, row) in table.rows.iter().enumerate() {
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        let (client, session, id) = (cell(c_client), cell(c_session), cell(c_instr));
        let reject = |reason: String| Rejection {
            row: i + 1,
            client: client.to_owned(),
            session: session.to_owned(),
            instrument: id.to_owned(),
            reason,
        };
        if !instruments.contains_key(id) {
            let Some(inst) = Instrument::builtin(id) else {
                out.rejected
                    .push(reject(format!("unknown instrument {id:?}")));
                continue;
            };
            let items = inst
                .item_numbers()
                .map(|n| Ok((n, table.column_index(&format!("item{n}"))?)))
                .collect::<AppResult<Vec<_>>>()?;
            instruments.insert(id.to_owned(), (inst, items));
        }
        let Some((inst, items)) = instruments.get(id) else {
            continue;
        };
        let count = counts.entry(id.to_owned()).or_default();
        count.0 += 1;
        let Ok(session_no) = session.parse::<u32>() else {
            out.rejected
                .push(reject(format!("session {session:?} is not a number")));
            continue;
        };
        answers.clear();
        let filled = items.iter().try_for_each(|&(item, c)| {
            answers.insert(
                item,
                parse_answer(cell(c), item, inst.has_does_not_apply())?,
            )
        });
        match filled.and_then(|()| inst.score(&answers)) {
            Ok(score) => {
                count.1 += 1;
                count.2 += score.total;
                out.totals
                    .insert((client.to_owned(), session_no, id.to_owned()), score.total);
                if seen.insert((id.to_owned(), client.to_owned())) {
                    let values = items
                        .iter()
                        .map(|&(item, _)| match answers.get(item) {
                            Some(Answer::Value(x)) => Some(x),
                            _ => None,
                        })
                        .collect();
                    out.first_items
                        .entry(id.to_owned())
                        .or_default()
                        .push(values);
                }
            }
            Err(e) => out.rejected.push(reject(e.to_string())),
        }
    }
    for (id, (inst, _)) in &instruments {
        let (n, scored, sum) = counts.get(id).copied().unwrap_or_default();
        out.rows.push(ScoringRow {
            instrument: id.clone(),
            verification: inst.verification(),
            administrations: n,
            scored,
            mean_total: (scored > 0).then(|| sum / scored as f64),
        });
    }
    Ok(out)
}

/// Step 2: the courses, validated while they are deserialised.
fn read_courses(path: &Path) -> AppResult<Vec<Course>> {
    let text = common::read_text(path)?;
    Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
}

/// Step 2: counts, and whether the courses' stored scores equal step 1's (the data set stores
/// totals rounded to one decimal).
fn check_courses(
    courses: &[Course],
    totals: &HashMap<(String, u32, String), f64>,
) -> CoursesSummary {
    let (mut compared, mut agreeing) = (0, 0);
    for course in courses {
        let client = course.client().to_string();
        for session in course.sessions() {
            for adm in session.administrations() {
                if let Some(score) = adm.score() {
                    let key = (
                        client.clone(),
                        session.number(),
                        adm.instrument().to_owned(),
                    );
                    compared += 1;
                    if totals
                        .get(&key)
                        .is_some_and(|t| ((t * 10.0).round() / 10.0 - score.total).abs() <= 1e-9)
                    {
                        agreeing += 1;
                    }
                }
            }
        }
    }
    CoursesSummary {
        courses: courses.len(),
        sessions: courses.iter().map(Course::len).sum(),
        barrier_flags: courses.iter().map(|c| c.flags().count()).sum(),
        unresolved_flags: courses.iter().map(|c| c.unresolved_flags().count()).sum(),
        scores_compared: compared,
        scores_agreeing: agreeing,
    }
}

fn builtin(id: &str) -> AppResult<Instrument> {
    Ok(Instrument::builtin(id).ok_or_else(|| format!("no built-in instrument {id:?}"))?)
}

/// Step 3: `CourseMonitor` on every course (client SRS → alliance, client ORS → outcome).
fn monitor_all(
    courses: &[Course],
    rupture_points: f64,
) -> AppResult<(MonitoringSummary, Vec<CourseMonitoring>)> {
    let (srs, ors) = (builtin("srs")?, builtin("ors")?);
    let rc = ors
        .reliable_change_threshold()
        .ok_or("the ORS has no reliable-change threshold")?;
    let cutoff = srs.cutoff().ok_or("the SRS has no cutoff")?;
    let options = MonitorOptions::new(
        RuptureOptions::new(RuptureThreshold::Points(rupture_points)),
        SuddenChangeOptions::new(SizeCriterion::ReliableChange(rc), ors.direction()),
    );
    let monitor = CourseMonitor::new(options)
        .alliance(srs, Respondent::Client)
        .outcome(ors, Respondent::Client);
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    for course in courses {
        match monitor.run(course) {
            Ok(m) => results.push(m),
            Err(e) => skipped.push(format!("{}: {e}", course.client())),
        }
    }
    let count = |f: &dyn Fn(&CourseMonitoring) -> bool| results.iter().filter(|m| f(m)).count();
    let mut by_kind: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut alerts = Vec::new();
    for m in &results {
        for a in &m.report.alerts {
            let slot = match a.severity {
                monitor::AlertSeverity::Info => 0,
                monitor::AlertSeverity::Warning => 1,
                _ => 2,
            };
            by_kind.entry(a.kind.as_str().to_owned()).or_default()[slot] += 1;
            alerts.push(ClientAlert {
                client: m.client.to_string(),
                alert: a.clone(),
            });
        }
    }
    let summary = MonitoringSummary {
        alliance: "srs (client)".into(),
        outcome: "ors (client)".into(),
        alliance_cutoff: format!("{} {}", cutoff.comparison, cutoff.value),
        rupture_points,
        sudden_change_points: rc,
        courses_monitored: results.len(),
        skipped,
        clients_with_ruptures: count(&|m| ruptures(m).next().is_some()),
        clients_with_repaired_ruptures: count(&|m| ruptures(m).any(|r| r.repair.is_some())),
        clients_with_sudden_gains: count(&|m| {
            m.report
                .outcome
                .as_ref()
                .is_some_and(|o| !o.sudden.gains.is_empty())
        }),
        clients_with_sudden_losses: count(&|m| {
            m.report
                .outcome
                .as_ref()
                .is_some_and(|o| !o.sudden.losses.is_empty())
        }),
        alerts_by_kind: by_kind,
        alerts,
    };
    Ok((summary, results))
}

fn ruptures(m: &CourseMonitoring) -> impl Iterator<Item = &monitor::Rupture> {
    m.report.alliance.iter().flat_map(|a| &a.ruptures)
}

/// Step 4: alpha of each instrument at each client's first administration.
fn alpha_all(first_items: &BTreeMap<String, Vec<Vec<Option<f64>>>>) -> Vec<AlphaRow> {
    first_items
        .iter()
        .map(|(id, rows)| {
            let inst = Instrument::builtin(id);
            let items = inst.as_ref().map_or(0, Instrument::item_count);
            let mut options = AlphaOptions::new().without_omega();
            if let Some(inst) = &inst {
                options = options.item_names(inst.item_numbers().map(|n| format!("item{n}")));
                let reversed: Vec<usize> = inst
                    .items()
                    .iter()
                    .enumerate()
                    .filter(|(_, it)| it.keying == Keying::Reverse)
                    .map(|(i, _)| i)
                    .collect();
                options = options.reverse_indices(&reversed);
            }
            match stats::alpha_with_missing(rows, &options) {
                Ok(a) => AlphaRow {
                    instrument: id.clone(),
                    items,
                    n: Some(a.n),
                    raw_alpha: Some(a.raw_alpha),
                    std_alpha: Some(a.std_alpha),
                    feldt_ci: Some((a.ci_lb, a.ci_ub)),
                    error: None,
                },
                Err(e) => AlphaRow {
                    instrument: id.clone(),
                    items,
                    n: None,
                    raw_alpha: None,
                    std_alpha: None,
                    feldt_ci: None,
                    error: Some(e.to_string()),
                },
            }
        })
        .collect()
}

/// Step 5: client WAI-SR at session t with ORS at session t + 1, within and between clients.
fn alliance_outcome(courses: &[Course]) -> AppResult<therapeutic_alliance::stats::WithinBetween> {
    let (mut ids, mut x, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for course in courses {
        let ors: HashMap<u32, f64> = course
            .series_by("ors", Respondent::Client)
            .into_iter()
            .collect();
        for (session, wai) in course.series_by("wai-sr", Respondent::Client) {
            if let Some(&next) = ors.get(&(session + 1)) {
                ids.push(course.client().to_string());
                x.push(wai);
                y.push(next);
            }
        }
    }
    Ok(therapeutic_alliance::stats::within_between(&ids, &x, &y)?)
}

/// Step 6: reliable change of each outcome from its first to its last administration.
fn reliable_change_all(
    courses: &[Course],
    alpha: &[AlphaRow],
    args: &Parsed,
) -> AppResult<Vec<ChangeRow>> {
    let mut out = Vec::new();
    for (id, pre_post) in CHANGE_OUTCOMES {
        let inst = builtin(id)?;
        let sample_alpha = alpha
            .iter()
            .find(|a| a.instrument == id)
            .and_then(|a| a.raw_alpha);
        let (reliability, source) = match (
            args.number(&format!("{id}-reliability"))?,
            inst.norms(),
            sample_alpha,
        ) {
            (Some(r), _, _) => (r, format!("--{id}-reliability")),
            (None, Some(n), _) => (n.reliability, format!("catalogue norms ({})", n.source)),
            (None, None, Some(a)) => (
                a,
                "sample alpha at first administration (catalogue has no norms)".to_owned(),
            ),
            (None, None, None) => {
                return Err(format!(
                    "{id}: no reliability (no norms, no sample alpha); pass --{id}-reliability R"
                )
                .into());
            }
        };
        let (pre, post) = therapeutic_alliance::pre_post(courses, id, Respondent::Client);
        let mut rc = ReliableChange::new(reliability, inst.direction());
        if let Some(n) = inst.norms() {
            rc = rc.clinical_norms(n.population()?);
        }
        let res = rc
            .compute(&pre, &post)
            .map_err(|e| format!("reliable change of {id}: {e}"))?;
        out.push(ChangeRow {
            instrument: id.to_owned(),
            pre_post: pre_post.to_owned(),
            reliability,
            reliability_source: source,
            n: res.n_used,
            threshold: res.threshold,
            catalogue_threshold: inst.published_reliable_change(),
            counts: res.counts,
        });
    }
    Ok(out)
}

/// Step 7: the SVG chart of one course.
fn chart(results: &[CourseMonitoring], client: Option<&str>, out_dir: &Path) -> AppResult<PathBuf> {
    let interesting = |m: &&CourseMonitoring| {
        m.report
            .alliance
            .as_ref()
            .is_some_and(|a| !a.ruptures.is_empty())
            && m.report
                .outcome
                .as_ref()
                .is_some_and(|o| !o.sudden.gains.is_empty())
    };
    let chosen = match client {
        Some(c) => results
            .iter()
            .find(|m| m.client.as_str() == c)
            .ok_or_else(|| format!("--client {c}: no monitored course for that client"))?,
        None => results
            .iter()
            .find(interesting)
            .or_else(|| results.first())
            .ok_or("no course could be monitored")?,
    };
    let (srs, ors) = (builtin("srs")?, builtin("ors")?);
    let mut options = ChartOptions::new()
        .title(format!("Client {} (synthetic): SRS and ORS", chosen.client))
        .labels("SRS", "ORS")
        .y_ranges((0.0, 40.0), (0.0, 40.0));
    if let Some(c) = srs.cutoff() {
        options = options.alliance_cutoff(c);
    }
    if let Some(c) = ors.cutoff() {
        options = options.outcome_cutoff(c);
    }
    let svg = monitor::course_svg(&chosen.input(), &chosen.report, &options)?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let name: String = chosen
        .client
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = out_dir.join(format!("course-{name}.svg"));
    std::fs::write(&path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "-".to_owned(), |v| fmt(v, decimals))
}

fn pval(p: f64) -> String {
    if p < 0.0001 {
        "< 0.0001".to_owned()
    } else {
        format!("= {}", fmt(p, 4))
    }
}

fn print_report(s: &Summary) {
    println!("therapeutic-alliance quickstart");
    if s.synthetic {
        println!(
            "data: {} (SYNTHETIC: made-up clients, no real person)",
            s.data
        );
    } else {
        println!("data: {}", s.data);
    }

    let total: usize = s.scoring.iter().map(|r| r.administrations).sum();
    println!(
        "\n1. Scoring: {total} administrations, {} rejected",
        s.rejected.len()
    );
    let rows: Vec<Vec<String>> = s
        .scoring
        .iter()
        .map(|r| {
            vec![
                r.instrument.clone(),
                r.verification.to_string(),
                r.administrations.to_string(),
                r.scored.to_string(),
                opt(r.mean_total, 2),
            ]
        })
        .collect();
    print_table(
        &["instrument", "status", "rows", "scored", "mean total"],
        &rows,
    );
    for r in s.rejected.iter().take(LIST) {
        println!(
            "  rejected row {} ({} session {} {}): {}",
            r.row, r.client, r.session, r.instrument, r.reason
        );
    }
    if s.rejected.len() > LIST {
        println!(
            "  … {} more (--json lists them all)",
            s.rejected.len() - LIST
        );
    }

    let c = &s.courses;
    println!(
        "\n2. Courses: {} courses, {} sessions, {} barrier flags ({} unresolved)",
        c.courses, c.sessions, c.barrier_flags, c.unresolved_flags
    );
    println!(
        "   stored totals (1 decimal) agree with step 1 for {} of {} administrations",
        c.scores_agreeing, c.scores_compared
    );

    let m = &s.monitoring;
    println!(
        "\n3. Monitoring ({} courses): alliance {}, outcome {}",
        m.courses_monitored, m.alliance, m.outcome
    );
    println!(
        "   rules: SRS {} (catalogue) and a drop >= 1 (PCOMS); ORS sudden change and reliable \
         deterioration: {} points (catalogue)",
        m.alliance_cutoff,
        fmt(m.sudden_change_points, 1)
    );
    println!(
        "   rupture: an SRS fall >= {} points (no published rule: a parameter, --rupture-points)",
        fmt(m.rupture_points, 1)
    );
    println!(
        "   clients with a rupture: {} ({} repaired); with a sudden gain: {}; with a sudden loss: {}",
        m.clients_with_ruptures,
        m.clients_with_repaired_ruptures,
        m.clients_with_sudden_gains,
        m.clients_with_sudden_losses
    );
    for line in &m.skipped {
        println!("   skipped {line}");
    }
    let rows: Vec<Vec<String>> = m
        .alerts_by_kind
        .iter()
        .map(|(k, n)| {
            vec![
                k.clone(),
                n[0].to_string(),
                n[1].to_string(),
                n[2].to_string(),
            ]
        })
        .collect();
    print_table(&["alert", "info", "warning", "critical"], &rows);
    let critical: Vec<&ClientAlert> = m
        .alerts
        .iter()
        .filter(|a| a.alert.severity == monitor::AlertSeverity::Critical)
        .collect();
    println!("   first critical alerts:");
    for a in critical.iter().take(LIST) {
        println!(
            "   {} session {:>2}: {} — {}",
            a.client,
            a.alert.session,
            a.alert.kind.as_str(),
            a.alert.reason
        );
    }
    if critical.len() > LIST {
        println!(
            "   … {} more (--json lists every alert)",
            critical.len() - LIST
        );
    }

    println!("\n4. Reliability (Cronbach's alpha, psych::alpha; first administration per client)");
    let rows: Vec<Vec<String>> = s
        .alpha
        .iter()
        .map(|a| {
            vec![
                a.instrument.clone(),
                a.items.to_string(),
                a.n.map_or_else(|| "-".into(), |n| n.to_string()),
                opt(a.raw_alpha, 3),
                opt(a.std_alpha, 3),
                a.feldt_ci.map_or_else(
                    || a.error.clone().unwrap_or_default(),
                    |(lo, hi)| format!("{} – {}", fmt(lo, 3), fmt(hi, 3)),
                ),
            ]
        })
        .collect();
    print_table(
        &[
            "instrument",
            "items",
            "n",
            "raw_alpha",
            "std_alpha",
            "95% CI (Feldt)",
        ],
        &rows,
    );

    let wb = &s.alliance_outcome;
    println!(
        "\n5. Alliance–outcome: client WAI-SR at session t, ORS at t+1 ({} pairs, {} clients)",
        wb.pairs, wb.clients
    );
    println!(
        "   between clients (client means): r = {}, p {}",
        fmt(wb.between.r, 3),
        pval(wb.between.p)
    );
    println!(
        "   within clients (centred WAI-SR): slope = {} ORS points per WAI-SR point (SE {}, p {})",
        fmt(wb.within.estimate, 3),
        fmt(wb.within.se, 3),
        pval(wb.within.p)
    );

    println!(
        "\n6. Reliable change (Jacobson–Truax, critical 1.96, as R clinicalsignificance; \
         recovered = reliably improved and past cutoff a from the intake scores)"
    );
    let rows: Vec<Vec<String>> = s
        .reliable_change
        .iter()
        .map(|r| {
            vec![
                r.instrument.clone(),
                r.pre_post.clone(),
                r.n.to_string(),
                fmt(r.reliability, 3),
                fmt(r.threshold, 2),
                opt(r.catalogue_threshold, 1),
                r.counts.recovered.to_string(),
                r.counts.improved.to_string(),
                r.counts.unchanged.to_string(),
                r.counts.deteriorated.to_string(),
                r.counts.harmed.to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            "outcome",
            "pre → post",
            "n",
            "r_xx",
            "RC points",
            "catalogue RC",
            "recovered",
            "improved",
            "unchanged",
            "deteriorated",
            "harmed",
        ],
        &rows,
    );
    for r in &s.reliable_change {
        println!("   {}: r_xx from {}", r.instrument, r.reliability_source);
    }

    println!("\n7. Wrote:");
    for p in &s.wrote {
        println!("   {}", p.display());
    }
}
