//! The researcher's first hour in one command: one export (wide or long, several instruments)
//! in; scores, reliability tables, monitoring results, the reliable-change table and the
//! charts out, with a summary on screen.
//!
//! ```sh
//! cargo run --release --features csv --example workbench                       # the bundled export
//! cargo run --release --features csv --example workbench -- my_export.csv --out results
//! cargo run --release --features csv --example workbench -- --help
//! ```
//!
//! The export is read as a stream by the library's reader (`therapeutic_alliance::export`):
//! every value is checked against its instrument's scale, and every rejected cell is listed
//! with its file line (the header is line 1), column and value. Run `--help` for the options
//! and for what each output file holds.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use common::cli::{Cli, Opt};
use common::{AppResult, fmt, print_table};
use serde::Serialize;
use therapeutic_alliance::export::{
    CellError, CellProblem, CourseCollector, DateFormat, ExportReader, ExportScorer, ExportSpec,
    InstrumentColumns, Layout, MissingCodes, ReadTally, ReliabilityAccumulator, ScaleReliability,
    SessionPattern,
};
use therapeutic_alliance::monitor::{
    self, ChartOptions, CourseMonitor, CourseMonitoring, MonitorOptions, RuptureOptions,
    RuptureThreshold, Series, SizeCriterion, SuddenChangeOptions, estimate_between_client_sd,
};
use therapeutic_alliance::stats::{AlphaOptions, CategoryCounts, ReliableChange};
use therapeutic_alliance::{
    Course, CriticalFlag, CriticalTarget, Instrument, MissingRule, Respondent, ScoreError,
};

const CLI: Cli = Cli {
    name: "workbench",
    about: "one export in; scores, reliability, monitoring, reliable change and charts out",
    positional: "[EXPORT.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "mapping",
            "FILE.json",
            "",
            "a mapping document describing the export (therapeutic_alliance::export::ExportSpec); \
             replaces --id/--session/--date/--therapist/--instrument/--long",
        ),
        Opt::value("id", "COLUMN", "ClientID", "the client id column"),
        Opt::value("session", "COLUMN", "Session", "the session number column"),
        Opt::value(
            "date",
            "COLUMN",
            "Date",
            "the session date column (YYYY-MM-DD)",
        ),
        Opt::value(
            "therapist",
            "COLUMN",
            "TherapistID",
            "the therapist id column (used when present)",
        ),
        Opt::value(
            "instrument",
            "ID=PATTERN",
            "every built-in prefix found in the header",
            "an instrument and its item columns, e.g. wai-sr=WAI_{item} (repeatable), added to \
             those detected (replacing a detected one of the same id) unless --only; detected: \
             wai-sr=WAI_{item}, wai-sr-t=WAIT_{item}, srs=SRS_{item}, ors=ORS_{item}, \
             phq-9=PHQ_{item}, gad-7=GAD_{item}, care=CARE_{item}, core-10=CORE_{item}, \
             whichever the header has (all of them in a long export)",
        ),
        Opt::value(
            "long",
            "ITEM,VALUE[,INSTRUMENT]",
            "",
            "long layout: one row per answer, the item in column ITEM, the answer in VALUE; \
             with INSTRUMENT, that column names the instrument (wai-sr, WAI_SR …) and ITEM \
             may hold the item number",
        ),
        Opt::value(
            "session-pattern",
            "PATTERN",
            "",
            "read session numbers from text with {n} for the number, e.g. \
             session_{n}_arm_1 for REDCap's redcap_event_name",
        ),
        Opt::value(
            "date-format",
            "FORMAT",
            "YYYY-MM-DD",
            "the export's date order with %Y %m %d, e.g. %d-%m-%Y for 26-01-2025",
        ),
        Opt::switch(
            "only",
            "use only the --instrument instruments (default: they add to those detected)",
        ),
        Opt::value(
            "missing",
            "CODES",
            "empty, NA, .",
            "further missing-value codes, comma-separated (e.g. --missing=-99,999)",
        ),
        Opt::value(
            "prorate",
            "N",
            "each instrument's published rule",
            "allow up to N missing items per form on every instrument (prorated); 0 = none",
        ),
        Opt::value(
            "alliance",
            "ID",
            "srs, else wai-sr",
            "the alliance instrument for monitoring",
        ),
        Opt::value(
            "outcome",
            "ID",
            "ors, else phq-9, core-10, gad-7",
            "the outcome instrument for monitoring",
        ),
        Opt::value(
            "rupture-points",
            "P",
            "the alliance's reliable change, else 2 x max(within-client SD, between-client SD)",
            "rupture size in scale points (only where you have a rule for it)",
        ),
        Opt::value("out", "DIR", "out/workbench", "where the output files go"),
        Opt::switch("json", "print the summary as JSON instead of text"),
    ],
    notes: "Input: a CSV export, one row per client and session (wide; instruments side by side)
or one row per answer (--long). The default is the bundled synthetic export,
examples/data/synthetic/export.csv (200 made-up clients).

Output files in --out:
  critical.csv         every critical item met (PHQ-9 item 9 >= 1 …): line, client, session,
                       date, instrument, item, value, rule, source. A flag prompts a
                       clinician's assessment the same day; it never predicts risk
  scores.csv           one row per administration: line (file line, header = 1), id, session,
                       date, instrument, respondent, critical (rule ids met, ;-separated),
                       total, subscales (name=value;…), answered, prorated (yes/no), band,
                       cutoff_met (the instrument's clinical/concern cutoff, not a risk flag),
                       error (why it was not scored)
  rejected_cells.csv   every rejected cell: line, column, value, problem
  reliability.csv      per instrument and scale (total, subscales): n (complete forms),
                       incomplete, raw_alpha, std_alpha, ci_lb, ci_ub (Feldt 95%), average_r
  monitoring.json      per client, the library's monitoring result (series, ruptures with
                       repair and the threshold used, sudden gains and losses, traffic lights,
                       alerts naming client, session, date, instrument, value, threshold and
                       its source); every number comes from the monitored instrument
  reliable_change.csv  per outcome instrument, first to last administration: reliability used
                       and its source, n, threshold (points), and the Jacobson-Truax categories
  charts/course-ID.svg one chart per monitored client (alliance and outcome)
  summary.json         everything on screen, as JSON",
};

fn main() {
    common::run(run);
}

/// Default columns of the bundled export's layout: (instrument, pattern, respondent).
const DEFAULT_INSTRUMENTS: [(&str, &str, Respondent); 8] = [
    ("wai-sr", "WAI_{item}", Respondent::Client),
    ("wai-sr-t", "WAIT_{item}", Respondent::Therapist),
    ("srs", "SRS_{item}", Respondent::Client),
    ("ors", "ORS_{item}", Respondent::Client),
    ("phq-9", "PHQ_{item}", Respondent::Client),
    ("gad-7", "GAD_{item}", Respondent::Client),
    ("care", "CARE_{item}", Respondent::Client),
    ("core-10", "CORE_{item}", Respondent::Client),
];

/// One critical item met, as `critical.csv` and `summary.json` list it.
#[derive(Serialize)]
struct CriticalRow {
    line: u64,
    client: String,
    session: Option<u32>,
    date: Option<String>,
    instrument: String,
    item: Option<u16>,
    value: f64,
    rule: String,
    source: String,
}

#[derive(Serialize)]
struct CriticalSummary {
    /// Administrations that met a critical rule.
    flags: usize,
    /// The clients concerned, in first-seen order.
    clients: Vec<String>,
    /// Every flag.
    items: Vec<CriticalRow>,
}

#[derive(Serialize)]
struct Summary {
    export: String,
    critical: CriticalSummary,
    /// Problems of a whole column or of the layout (every date unreadable, no session
    /// column), said first: they explain most of what follows.
    problems: Vec<String>,
    /// Analyses that could not run, and why.
    failed: Vec<Failed>,
    tally: ReadTally,
    instruments: Vec<InstrumentSummary>,
    rejected_cells: Vec<CellError>,
    reliability: BTreeMap<String, Vec<ScaleReliability>>,
    monitoring: MonitoringSummary,
    reliable_change: Vec<ChangeRow>,
    wrote: Vec<PathBuf>,
}

#[derive(Serialize)]
struct InstrumentSummary {
    instrument: String,
    missing_rule: MissingRule,
    administrations: usize,
    scored: usize,
    prorated: usize,
    rejected: usize,
    /// Forms not scored because more items were missing than the rule allows.
    lost_to_missing: usize,
    /// Clients with forms of this instrument but none scored (so they drop out of its
    /// reliability, change and monitoring).
    clients_lost: usize,
    /// `(n, forms)`: how many of the lost forms `--prorate n` would score.
    prorate_would_recover: Vec<(usize, usize)>,
}

/// An analysis that could not run; the others still ran and wrote their files.
#[derive(Serialize)]
struct Failed {
    analysis: String,
    error: String,
}

#[derive(Serialize)]
struct MonitoringSummary {
    alliance: Option<String>,
    outcome: Option<String>,
    rupture_threshold: String,
    /// The smallest and largest rupture threshold actually used, in the alliance
    /// instrument's points (an SD rule resolves per client).
    rupture_points_used: Option<(f64, f64)>,
    /// The rules actually applied, each with the source of its number.
    alliance_cutoff: String,
    alliance_drop: String,
    deterioration: String,
    /// Why monitoring could not run at all (the other analyses still ran).
    not_run: Option<String>,
    courses: usize,
    monitored: usize,
    skipped: Vec<String>,
    clients_with_ruptures: usize,
    clients_with_sudden_gains: usize,
    alerts: usize,
    course_errors: Vec<String>,
}

impl MonitoringSummary {
    fn not_run(
        alliance: Option<&str>,
        outcome: Option<&str>,
        courses: usize,
        why: String,
        course_errors: &[therapeutic_alliance::export::CourseRecordError],
    ) -> Self {
        Self {
            alliance: alliance.map(str::to_owned),
            outcome: outcome.map(str::to_owned),
            rupture_threshold: "-".to_owned(),
            rupture_points_used: None,
            alliance_cutoff: "-".to_owned(),
            alliance_drop: "-".to_owned(),
            deterioration: "-".to_owned(),
            not_run: Some(why),
            courses,
            monitored: 0,
            skipped: Vec::new(),
            clients_with_ruptures: 0,
            clients_with_sudden_gains: 0,
            alerts: 0,
            course_errors: course_errors.iter().map(ToString::to_string).collect(),
        }
    }
}

#[derive(Serialize)]
struct ChangeRow {
    instrument: String,
    reliability: f64,
    reliability_source: String,
    n: usize,
    threshold: f64,
    catalogue_threshold: Option<f64>,
    counts: CategoryCounts,
}

fn run() -> AppResult {
    let args = CLI.parse();
    let path = args.file().map_or_else(
        || common::bundled_path("synthetic/export.csv"),
        PathBuf::from,
    );
    let out = PathBuf::from(args.value("out").unwrap_or("out/workbench"));
    let prorate: Option<usize> = args.parsed("prorate")?;
    let spec = build_spec(&args, &path, prorate)?;
    std::fs::create_dir_all(out.join("charts"))
        .map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    // 1. One pass over the export: scores (to CSV and into courses) and reliability.
    let file = File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut reader = ExportReader::new(BufReader::with_capacity(1 << 16, file), spec.clone())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut scorer = ExportScorer::new(&spec);
    let mut alphas: Vec<ReliabilityAccumulator> = spec
        .instruments()
        .iter()
        .map(|ic| ReliabilityAccumulator::new(&ic.instrument))
        .collect::<Result<_, _>>()?;
    let mut courses = CourseCollector::new();
    let mut counts = vec![[0usize; 4]; spec.instruments().len()];
    let scores_path = out.join("scores.csv");
    let mut scores = create(&scores_path)?;
    writeln!(
        scores,
        "line,id,session,date,instrument,respondent,critical,total,subscales,answered,prorated,band,cutoff_met,error"
    )?;
    let mut critical: Vec<CriticalRow> = Vec::new();
    // per instrument: missing counts of the forms lost to missing items, and per client
    // whether any form was scored
    let mut lost: Vec<Vec<usize>> = vec![Vec::new(); spec.instruments().len()];
    let mut forms_of: Vec<BTreeMap<String, bool>> = vec![BTreeMap::new(); spec.instruments().len()];
    while let Some(rec) = reader
        .next_record()
        .map_err(|e| format!("{}: {e}", path.display()))?
    {
        let c = &mut counts[rec.index];
        c[0] += 1;
        let seen = forms_of[rec.index]
            .entry(rec.id.to_owned())
            .or_insert(false);
        if rec.is_usable() {
            alphas[rec.index].push(rec.answers);
        }
        let who = respondent_name(rec.respondent);
        write!(
            scores,
            "{},{},{},{},{},{who},",
            rec.line,
            rec.id,
            rec.session.map(|s| s.to_string()).unwrap_or_default(),
            rec.date.map(|d| d.to_string()).unwrap_or_default(),
            rec.instrument.id()
        )?;
        match scorer.full_score(&rec) {
            Some(Ok(s)) => {
                c[1] += 1;
                *seen = true;
                c[2] += usize::from(s.prorated);
                let subs: Vec<String> = s
                    .subscales
                    .iter()
                    .map(|x| format!("{}={}", x.name, fmt(x.value, 2)))
                    .collect();
                let rules: Vec<&str> = s.critical.iter().map(|f| f.rule.as_str()).collect();
                writeln!(
                    scores,
                    "{},{},{},{},{},{},{},",
                    rules.join(";"),
                    fmt(s.total, 2),
                    subs.join(";"),
                    s.answered,
                    if s.prorated { "yes" } else { "no" },
                    s.band.as_deref().unwrap_or(""),
                    s.cutoff_met.map_or("", |f| if f { "yes" } else { "no" }),
                )?;
                critical.extend(critical_rows(&rec, &s.critical));
                courses.push(&rec, s);
            }
            Some(Err(e)) => {
                c[3] += 1;
                if let ScoreError::TooManyMissing { missing, .. } = &e {
                    lost[rec.index].push(*missing);
                }
                // An incomplete form still reports its answered risk items.
                let rules: Vec<&str> = e.critical().iter().map(|f| f.rule.as_str()).collect();
                writeln!(
                    scores,
                    "{},,,,,,,{}",
                    rules.join(";"),
                    csv_text(&e.to_string())
                )?;
                critical.extend(critical_rows(&rec, e.critical()));
                if !e.critical().is_empty() {
                    // monitoring sees the incomplete form's risk item too
                    courses.push_unscored(&rec);
                }
            }
            None => {
                c[3] += 1;
                let why: Vec<String> = rec.rejected.iter().map(ToString::to_string).collect();
                writeln!(scores, ",,,,,,,{}", csv_text(&why.join("; ")))?;
            }
        }
    }
    scores.flush()?;
    let tally = reader.tally();
    let rejected = reader.rejections().to_vec();
    let rejected_path = out.join("rejected_cells.csv");
    let mut rc = create(&rejected_path)?;
    writeln!(rc, "line,column,value,problem")?;
    for e in &rejected {
        writeln!(
            rc,
            "{},{},{},{}",
            e.line,
            csv_text(&e.column),
            csv_text(&e.value),
            csv_text(&e.to_string())
        )?;
    }
    rc.flush()?;
    let critical_path = out.join("critical.csv");
    write_critical(&critical_path, &critical)?;
    let mut clients: Vec<String> = Vec::new();
    for r in &critical {
        if !clients.contains(&r.client) {
            clients.push(r.client.clone());
        }
    }
    let critical = CriticalSummary {
        flags: critical
            .iter()
            .map(|r| r.line)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        clients,
        items: critical,
    };

    // 2. Reliability tables.
    let reliability: BTreeMap<String, Vec<ScaleReliability>> = alphas
        .into_iter()
        .map(|a| {
            let id = a.instrument().to_owned();
            (id, a.finish(&AlphaOptions::new().without_omega()))
        })
        .collect();
    let reliability_path = out.join("reliability.csv");
    write_reliability(&reliability_path, &reliability)?;

    // 3. Courses and monitoring; 4. reliable change; 5. charts.
    let (courses, course_errors) = courses.finish();
    let mut failed: Vec<Failed> = Vec::new();
    for (id, scales) in &reliability {
        for sc in scales {
            if let Err(e) = &sc.alpha {
                failed.push(Failed {
                    analysis: format!("reliability {id} {}", sc.scale),
                    error: e.message.clone(),
                });
            }
        }
    }
    let change = reliable_change_all(&spec, &courses, &reliability).unwrap_or_else(|e| {
        failed.push(Failed {
            analysis: "reliable change".to_owned(),
            error: e.to_string(),
        });
        Vec::new()
    });
    let present: Vec<&str> = spec
        .instruments()
        .iter()
        .zip(&counts)
        .filter(|(_, c)| c[0] > 0)
        .map(|(ic, _)| ic.instrument.id())
        .collect();
    let (monitoring, results) =
        monitor_all(&spec, &present, &courses, &args, &course_errors, &change)?;
    if let Some(why) = &monitoring.not_run {
        failed.push(Failed {
            analysis: "monitoring".to_owned(),
            error: why.clone(),
        });
    }
    let monitoring_path = out.join("monitoring.json");
    std::fs::write(&monitoring_path, serde_json::to_string_pretty(&results)?)
        .map_err(|e| format!("cannot write {}: {e}", monitoring_path.display()))?;
    let change_path = out.join("reliable_change.csv");
    write_change(&change_path, &change)?;
    let charts = charts(&spec, &results, &monitoring, &out.join("charts"))?;

    let instruments = spec
        .instruments()
        .iter()
        .zip(&counts)
        .zip(lost.iter().zip(&forms_of))
        .filter(|((_, c), _)| c[0] > 0)
        .map(|((ic, c), (lost, clients))| {
            let allowed = ic.instrument.missing_rule().max_missing();
            let items = ic.instrument.item_count();
            InstrumentSummary {
                instrument: ic.instrument.id().to_owned(),
                missing_rule: ic.instrument.missing_rule(),
                administrations: c[0],
                scored: c[1],
                prorated: c[2],
                rejected: c[3],
                lost_to_missing: lost.len(),
                clients_lost: clients.values().filter(|scored| !**scored).count(),
                prorate_would_recover: (allowed + 1..=3)
                    .filter(|&n| n < items && !lost.is_empty())
                    .map(|n| (n, lost.iter().filter(|&&m| m <= n).count()))
                    .collect(),
            }
        })
        .collect();
    let problems = whole_column_problems(&spec, &tally, &rejected);
    if tally.administrations == 0 {
        failed.push(Failed {
            analysis: "reading".to_owned(),
            error: "no administration could be read from the export".to_owned(),
        });
    }
    let nothing_read = tally.administrations == 0;
    let summary = Summary {
        export: path.display().to_string(),
        critical,
        problems,
        failed,
        tally,
        instruments,
        rejected_cells: rejected,
        reliability,
        monitoring,
        reliable_change: change,
        wrote: vec![
            critical_path,
            scores_path,
            rejected_path,
            reliability_path,
            monitoring_path,
            change_path,
            out.join(format!("charts/ ({charts} charts)")),
            out.join("summary.json"),
        ],
    };
    let json = serde_json::to_string_pretty(&summary)?;
    std::fs::write(out.join("summary.json"), &json)?;
    if args.flag("json") {
        println!("{json}");
    } else {
        print_summary(&summary);
    }
    if nothing_read {
        return Err(format!(
            "{}: no administration could be read (see the problems above and rejected_cells.csv)",
            path.display()
        )
        .into());
    }
    Ok(())
}

/// Problems of a whole column or of the layout, in words: a key column every row of which
/// was rejected (naming the first bad values), and key columns the export lacks.
fn whole_column_problems(
    spec: &ExportSpec,
    tally: &ReadTally,
    rejected: &[CellError],
) -> Vec<String> {
    let mut out = Vec::new();
    if spec.session().is_none() {
        out.push(
            "no session column: administrations cannot be put in order, so there are no \
             courses, monitoring or reliable change (give --session COLUMN)"
                .to_owned(),
        );
    }
    if spec.date().is_none() {
        out.push(
            "no date column: courses need session dates, so there is no monitoring or reliable \
             change (give --date COLUMN)"
                .to_owned(),
        );
    }
    let keys = [
        spec.id(),
        spec.session().unwrap_or(""),
        spec.date().unwrap_or(""),
    ];
    for column in keys.iter().filter(|c| !c.is_empty()) {
        let bad: Vec<&CellError> = rejected
            .iter()
            .filter(|e| e.column.eq_ignore_ascii_case(column))
            .collect();
        if tally.rows > 0 && bad.len() >= tally.rows {
            let first: Vec<String> = bad
                .iter()
                .take(3)
                .map(|e| format!("{:?}", e.value))
                .collect();
            let hint = match &bad[0].problem {
                CellProblem::LocalDate => " (give the date format, e.g. --date-format %d-%m-%Y)",
                CellProblem::NotInDateFormat { .. } => " (check --date-format)",
                CellProblem::InvalidSession => {
                    " (if it holds text such as session_3_arm_1, give --session-pattern session_{n}_arm_1)"
                }
                _ => "",
            };
            out.push(format!(
                "every value of column {column} was rejected, e.g. {}: {}{hint}",
                first.join(", "),
                bad[0]
                    .to_string()
                    .split_once("\" ")
                    .map_or("", |(_, why)| why),
            ));
        }
    }
    out
}

/// The `critical.csv` rows of one administration's flags.
fn critical_rows(
    rec: &therapeutic_alliance::export::ExportRecord<'_>,
    flags: &[CriticalFlag],
) -> Vec<CriticalRow> {
    flags
        .iter()
        .map(|f| CriticalRow {
            line: rec.line,
            client: rec.id.to_owned(),
            session: rec.session,
            date: rec.date.map(|d| d.to_string()),
            instrument: rec.instrument.id().to_owned(),
            item: match f.target {
                CriticalTarget::Item { item } => Some(item),
                _ => None,
            },
            value: f.value,
            rule: f.rule.clone(),
            source: rec
                .instrument
                .critical_rule(&f.rule)
                .map_or_else(String::new, |r| r.source().to_owned()),
        })
        .collect()
}

fn write_critical(path: &Path, rows: &[CriticalRow]) -> AppResult {
    let mut w = create(path)?;
    writeln!(
        w,
        "line,client,session,date,instrument,item,value,rule,source"
    )?;
    for r in rows {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{}",
            r.line,
            csv_text(&r.client),
            r.session.map(|s| s.to_string()).unwrap_or_default(),
            r.date.as_deref().unwrap_or(""),
            r.instrument,
            r.item.map(|i| i.to_string()).unwrap_or_default(),
            fmt(r.value, 2),
            r.rule,
            csv_text(&r.source)
        )?;
    }
    w.flush()?;
    Ok(())
}

fn create(path: &Path) -> AppResult<BufWriter<File>> {
    Ok(BufWriter::new(File::create(path).map_err(|e| {
        format!("cannot write {}: {e}", path.display())
    })?))
}

/// A CSV cell: quoted when it holds a comma, quote or newline.
fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn respondent_name(r: Respondent) -> &'static str {
    match r {
        Respondent::Therapist => "therapist",
        Respondent::Observer => "observer",
        Respondent::Client => "client",
    }
}

/// The export description: a mapping document, or the options over the bundled layout.
fn build_spec(
    args: &common::cli::Parsed,
    path: &Path,
    prorate: Option<usize>,
) -> AppResult<ExportSpec> {
    let mut spec: ExportSpec = if let Some(m) = args.value("mapping") {
        let text = std::fs::read_to_string(m).map_err(|e| format!("cannot read {m}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{m}: {e}"))?
    } else {
        let headers = header(path)?;
        let has = |c: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(c));
        let id = args.value("id").unwrap_or("ClientID");
        let mut b = ExportSpec::builder(id);
        for (opt, default, set) in [
            (
                "session",
                "Session",
                therapeutic_alliance::export::ExportSpecBuilder::session as fn(_, String) -> _,
            ),
            (
                "date",
                "Date",
                therapeutic_alliance::export::ExportSpecBuilder::date,
            ),
            (
                "therapist",
                "TherapistID",
                therapeutic_alliance::export::ExportSpecBuilder::therapist,
            ),
        ] {
            match args.value(opt) {
                Some(c) => b = set(b, c.to_owned()),
                None if has(default) => b = set(b, default.to_owned()),
                None => {}
            }
        }
        let mut codes = MissingCodes::default();
        for c in args.value("missing").unwrap_or("").split(',') {
            if !c.trim().is_empty() {
                codes = codes.with_missing(c);
            }
        }
        b = b.missing(codes);
        if let Some(lv) = args.value("long") {
            let parts: Vec<&str> = lv.split(',').map(str::trim).collect();
            let (item, value, instrument) = match parts[..] {
                [i, v] => (i, v, None),
                [i, v, ins] => (i, v, Some(ins.to_owned())),
                _ => {
                    return Err(
                        format!("option --long: {lv:?} is not ITEM,VALUE[,INSTRUMENT]").into(),
                    );
                }
            };
            b = b.layout(Layout::Long {
                item: item.to_owned(),
                value: value.to_owned(),
                instrument,
            });
        }
        if let Some(p) = args.value("session-pattern") {
            b = b.session_pattern(
                SessionPattern::new(p).map_err(|e| format!("option --session-pattern: {e}"))?,
            );
        }
        if let Some(f) = args.value("date-format") {
            b = b
                .date_format(DateFormat::new(f).map_err(|e| format!("option --date-format: {e}"))?);
        }
        let given = args.values("instrument");
        let given_ids: Vec<&str> = given
            .iter()
            .filter_map(|g| g.split_once('=').map(|(id, _)| id.trim()))
            .collect();
        if !args.flag("only") {
            for (id, pattern, who) in DEFAULT_INSTRUMENTS {
                if given_ids.contains(&id) {
                    continue;
                }
                let prefix = pattern.trim_end_matches("{item}");
                let present = if args.value("long").is_some() {
                    true
                } else {
                    headers.iter().any(|h| {
                        h.len() > prefix.len()
                            && h[..prefix.len()].eq_ignore_ascii_case(prefix)
                            && h[prefix.len()..].bytes().all(|c| c.is_ascii_digit())
                    })
                };
                if present {
                    b = b.instrument(
                        InstrumentColumns::pattern(builtin(id)?, pattern)?.respondent(who),
                    );
                }
            }
        }
        for g in &given {
            let (id, pattern) = g
                .split_once('=')
                .ok_or_else(|| format!("option --instrument: {g:?} is not ID=PATTERN"))?;
            let inst = builtin(id.trim())?;
            let who = if id.trim().ends_with("-t") {
                Respondent::Therapist
            } else {
                Respondent::Client
            };
            b = b.instrument(InstrumentColumns::pattern(inst, pattern)?.respondent(who));
        }
        if given.is_empty() && args.flag("only") {
            return Err("option --only needs at least one --instrument".into());
        }
        b.build().map_err(|e| format!("{e} (see --help)"))?
    };
    if let Some(n) = prorate {
        // Same description, every instrument allowing n prorated items.
        let mut rebuilt = copy_keys(ExportSpec::builder(spec.id()), &spec);
        for ic in spec.instruments() {
            let inst = ic
                .instrument
                .to_builder()
                .missing(if n == 0 {
                    MissingRule::NoneAllowed
                } else {
                    MissingRule::Prorate { max_missing: n }
                })
                .build()
                .map_err(|e| format!("option --prorate {n}: {}: {e}", ic.instrument.id()))?;
            let mut c = ic.clone();
            c.instrument = inst;
            rebuilt = rebuilt.instrument(c);
        }
        spec = rebuilt.build()?;
    }
    Ok(spec)
}

fn copy_keys(
    mut b: therapeutic_alliance::export::ExportSpecBuilder,
    spec: &ExportSpec,
) -> therapeutic_alliance::export::ExportSpecBuilder {
    if let Some(c) = spec.session() {
        b = b.session(c);
    }
    if let Some(p) = spec.session_pattern() {
        b = b.session_pattern(p.clone());
    }
    if let Some(c) = spec.date() {
        b = b.date(c);
    }
    if let Some(f) = spec.date_format() {
        b = b.date_format(f.clone());
    }
    if let Some(c) = spec.respondent() {
        b = b.respondent(c);
    }
    if let Some(c) = spec.therapist() {
        b = b.therapist(c);
    }
    b.layout(spec.layout().clone())
        .missing(spec.missing().clone())
}

/// The header row of `path` (only the first line is read).
fn header(path: &Path) -> AppResult<Vec<String>> {
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut rdr = csv::Reader::from_reader(BufReader::new(file));
    Ok(rdr
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect())
}

fn builtin(id: &str) -> AppResult<Instrument> {
    Ok(Instrument::builtin(id).ok_or_else(|| {
        format!(
            "unknown instrument {id:?} (one of {})",
            therapeutic_alliance::catalogue::BUILTIN_IDS.join(", ")
        )
    })?)
}

/// The instrument to monitor: the one chosen, else the first default the export actually
/// holds administrations of (`present`).
fn pick(
    spec: &ExportSpec,
    present: &[&str],
    chosen: Option<&str>,
    defaults: &[&str],
) -> AppResult<Option<Instrument>> {
    let find = |id: &str| {
        spec.instruments()
            .iter()
            .find(|ic| ic.instrument.id() == id)
            .map(|ic| ic.instrument.clone())
    };
    match chosen {
        Some(id) => Ok(Some(find(id).ok_or_else(|| {
            format!("{id} is not among the export's instruments")
        })?)),
        None => Ok(defaults
            .iter()
            .filter(|id| present.contains(id))
            .find_map(|id| find(id))),
    }
}

fn monitor_all(
    spec: &ExportSpec,
    present: &[&str],
    courses: &[Course],
    args: &common::cli::Parsed,
    course_errors: &[therapeutic_alliance::export::CourseRecordError],
    change: &[ChangeRow],
) -> AppResult<(MonitoringSummary, Vec<CourseMonitoring>)> {
    let alliance = pick(spec, present, args.value("alliance"), &["srs", "wai-sr"])?;
    let outcome = pick(
        spec,
        present,
        args.value("outcome"),
        &["ors", "phq-9", "core-10", "gad-7"],
    )?;
    let (threshold, described) = match (args.parsed::<f64>("rupture-points")?, &alliance) {
        (Some(p), _) => (
            RuptureThreshold::Points(p),
            format!("{p} points (--rupture-points)"),
        ),
        (None, Some(a)) if a.reliable_change_threshold().is_some() => {
            let rc = a.reliable_change_threshold().unwrap_or_default();
            (
                RuptureThreshold::ReliableChange(rc),
                format!(
                    "{} reliable change, {} points (catalogue)",
                    a.id(),
                    fmt(rc, 2)
                ),
            )
        }
        (None, Some(a)) => {
            let series: Vec<Series> = courses
                .iter()
                .filter_map(|c| Series::new(c.series_by(a.id(), Respondent::Client)).ok())
                .collect();
            match estimate_between_client_sd(&series) {
                Ok(between_sd) => (
                    RuptureThreshold::StricterSd {
                        between_sd,
                        multiple: 2.0,
                        min_sessions: 5,
                    },
                    format!(
                        "2 x the larger of the client's own SD and the between-client SD \
                         ({} {} points, from this export; Gumz et al. 2012)",
                        fmt(between_sd, 2),
                        a.id()
                    ),
                ),
                Err(e) => {
                    return Ok((
                        MonitoringSummary::not_run(
                            Some(a.id()),
                            outcome.as_ref().map(Instrument::id),
                            courses.len(),
                            format!(
                                "no rupture threshold: the between-client SD of {} {e}; give --rupture-points",
                                a.id()
                            ),
                            course_errors,
                        ),
                        Vec::new(),
                    ));
                }
            }
        }
        (None, None) => (
            RuptureThreshold::Points(f64::MAX),
            "no alliance instrument".into(),
        ),
    };
    let sudden_size = outcome.as_ref().and_then(|o| {
        o.reliable_change_threshold().or_else(|| {
            change
                .iter()
                .find(|r| r.instrument == o.id())
                .map(|r| r.threshold)
        })
    });
    let sudden = SuddenChangeOptions::new(
        SizeCriterion::ReliableChange(sudden_size.unwrap_or(f64::MAX)),
        outcome.as_ref().map_or(
            therapeutic_alliance::Direction::HigherIsBetter,
            Instrument::direction,
        ),
    );
    // Every alert number comes from the monitored instrument itself (SRS: < 36 and a
    // 1-point drop; the WAI-SR has neither, so it raises no low/drop alert).
    let mut monitor =
        CourseMonitor::new(MonitorOptions::new(RuptureOptions::new(threshold), sudden));
    if let Some(a) = &alliance {
        monitor = monitor.alliance(a.clone(), Respondent::Client);
    }
    if let Some(o) = &outcome {
        monitor = monitor.outcome(o.clone(), Respondent::Client);
    }
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    for c in courses {
        match monitor.run(c) {
            Ok(m) => results.push(m),
            Err(e) => skipped.push(format!("{}: {e}", c.client())),
        }
    }
    let used: Vec<f64> = results
        .iter()
        .filter_map(|m| m.report.alliance.as_ref().map(|a| a.rupture_threshold))
        .collect();
    let lo = used.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = used.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let rule = |x: Option<(String, therapeutic_alliance::monitor::ThresholdSource)>| {
        x.map_or_else(|| "none".to_owned(), |(v, src)| format!("{v} ({src})"))
    };
    let summary = MonitoringSummary {
        alliance: alliance.map(|a| a.id().to_owned()),
        outcome: outcome.map(|o| o.id().to_owned()),
        rupture_threshold: described,
        rupture_points_used: (!used.is_empty()).then_some((lo, hi)),
        alliance_cutoff: rule(monitor.alliance_cutoff().map(|(c, src)| {
            (
                format!("{} {}", c.comparison.symbol(), fmt(c.value, 2)),
                src,
            )
        })),
        alliance_drop: rule(
            monitor
                .alliance_drop()
                .map(|(d, src)| (format!("{} points", fmt(d, 2)), src)),
        ),
        deterioration: rule(monitor.deterioration().map(|(t, op, src)| {
            (
                format!("worsening {} {} points", op.symbol(), fmt(t, 2)),
                src,
            )
        })),
        not_run: None,
        courses: courses.len(),
        monitored: results.len(),
        skipped,
        clients_with_ruptures: results
            .iter()
            .filter(|m| {
                m.report
                    .alliance
                    .as_ref()
                    .is_some_and(|a| !a.ruptures.is_empty())
            })
            .count(),
        clients_with_sudden_gains: results
            .iter()
            .filter(|m| {
                m.report
                    .outcome
                    .as_ref()
                    .is_some_and(|o| !o.sudden.gains.is_empty())
            })
            .count(),
        alerts: results.iter().map(|m| m.report.alerts.len()).sum(),
        course_errors: course_errors.iter().map(ToString::to_string).collect(),
    };
    Ok((summary, results))
}

/// Reliable change of every outcome instrument with a direction, first to last
/// administration per client.
fn reliable_change_all(
    spec: &ExportSpec,
    courses: &[Course],
    reliability: &BTreeMap<String, Vec<ScaleReliability>>,
) -> AppResult<Vec<ChangeRow>> {
    let mut out = Vec::new();
    for ic in spec.instruments() {
        let inst = &ic.instrument;
        if !matches!(inst.id(), "ors" | "phq-9" | "gad-7" | "core-10" | "core-om") {
            continue;
        }
        let sample = reliability
            .get(inst.id())
            .and_then(|t| t.first())
            .and_then(|t| t.alpha.as_ref().ok())
            .map(|a| a.raw_alpha);
        let (rel, source) = match (inst.norms(), sample) {
            (Some(n), _) => (n.reliability, format!("catalogue norms ({})", n.source)),
            (None, Some(a)) => (
                a,
                "this export's alpha (no norms in the catalogue's definition)".to_owned(),
            ),
            (None, None) => continue,
        };
        let (pre, post) = therapeutic_alliance::pre_post(courses, inst.id(), ic.respondent);
        let mut rc = ReliableChange::new(rel, inst.direction());
        if let Some(n) = inst.norms() {
            rc = rc.clinical_norms(n.population()?);
        }
        let Ok(res) = rc.compute(&pre, &post) else {
            continue;
        };
        out.push(ChangeRow {
            instrument: inst.id().to_owned(),
            reliability: rel,
            reliability_source: source,
            n: res.n_used,
            threshold: res.threshold,
            catalogue_threshold: inst.published_reliable_change(),
            counts: res.counts,
        });
    }
    Ok(out)
}

fn write_reliability(path: &Path, tables: &BTreeMap<String, Vec<ScaleReliability>>) -> AppResult {
    let mut w = create(path)?;
    writeln!(
        w,
        "instrument,scale,n,incomplete,raw_alpha,std_alpha,ci_lb,ci_ub,average_r,error"
    )?;
    for (id, scales) in tables {
        for s in scales {
            match &s.alpha {
                Ok(a) => writeln!(
                    w,
                    "{id},{},{},{},{},{},{},{},{},",
                    s.scale,
                    s.n,
                    s.incomplete,
                    fmt(a.raw_alpha, 4),
                    fmt(a.std_alpha, 4),
                    fmt(a.ci_lb, 4),
                    fmt(a.ci_ub, 4),
                    fmt(a.average_r, 4)
                )?,
                Err(e) => writeln!(
                    w,
                    "{id},{},{},{},,,,,,{}",
                    s.scale,
                    s.n,
                    s.incomplete,
                    csv_text(&e.message)
                )?,
            }
        }
    }
    w.flush()?;
    Ok(())
}

fn write_change(path: &Path, rows: &[ChangeRow]) -> AppResult {
    let mut w = create(path)?;
    writeln!(
        w,
        "instrument,reliability,reliability_source,n,threshold,catalogue_threshold,recovered,improved,unchanged,deteriorated,harmed"
    )?;
    for r in rows {
        let c = &r.counts;
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{}",
            r.instrument,
            fmt(r.reliability, 4),
            csv_text(&r.reliability_source),
            r.n,
            fmt(r.threshold, 2),
            r.catalogue_threshold.map(|t| fmt(t, 2)).unwrap_or_default(),
            c.recovered,
            c.improved,
            c.unchanged,
            c.deteriorated,
            c.harmed
        )?;
    }
    w.flush()?;
    Ok(())
}

fn charts(
    spec: &ExportSpec,
    results: &[CourseMonitoring],
    m: &MonitoringSummary,
    dir: &Path,
) -> AppResult<usize> {
    let find = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| {
                spec.instruments()
                    .iter()
                    .find(|ic| ic.instrument.id() == id)
            })
            .map(|ic| ic.instrument.clone())
    };
    let (a, o) = (find(&m.alliance), find(&m.outcome));
    let label =
        |i: &Option<Instrument>| i.as_ref().map_or("-".to_owned(), |i| i.id().to_uppercase());
    let range = |i: &Option<Instrument>| i.as_ref().map_or((0.0, 1.0), Instrument::total_range);
    let mut options = ChartOptions::new()
        .labels(label(&a), label(&o))
        .y_ranges(range(&a), range(&o));
    if let Some(c) = a.as_ref().and_then(Instrument::cutoff) {
        options = options.alliance_cutoff(c);
    }
    if let Some(c) = o.as_ref().and_then(Instrument::cutoff) {
        options = options.outcome_cutoff(c);
    }
    let mut n = 0;
    for r in results {
        let opts = options.clone().title(format!("Client {}", r.client));
        let Ok(svg) = monitor::course_svg(&r.input(), &r.report, &opts) else {
            continue;
        };
        let name: String = r
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
        let path = dir.join(format!("course-{name}.svg"));
        std::fs::write(&path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        n += 1;
    }
    Ok(n)
}

fn print_summary(s: &Summary) {
    let t = &s.tally;
    println!("Export {}", s.export);
    let c = &s.critical;
    if c.flags == 0 {
        println!(
            "Critical items: none met (an absent flag never means \"no risk\"; unanswered items are never flags)"
        );
    } else {
        println!(
            "CRITICAL ITEMS: {} administrations of {} clients met a critical rule: a prompt for a clinician's assessment today, never a risk estimate (critical.csv)",
            c.flags,
            c.clients.len()
        );
        let shown: Vec<&str> = c.clients.iter().take(20).map(String::as_str).collect();
        println!(
            "  clients: {}{}",
            shown.join(", "),
            if c.clients.len() > 20 { ", …" } else { "" }
        );
    }
    for p in &s.problems {
        println!("PROBLEM: {p}");
    }
    if !s.failed.is_empty() {
        println!("Analyses that could not run (the others ran and wrote their files):");
        for f in &s.failed {
            println!("  {}: {}", f.analysis, f.error);
        }
    }
    println!(
        "{} rows, {} administrations ({} rejected), {} rows rejected, {} rejected cells",
        t.rows, t.administrations, t.administrations_rejected, t.rows_rejected, t.rejected_cells
    );
    for e in s.rejected_cells.iter().take(10) {
        println!("  {e}");
    }
    if s.rejected_cells.len() > 10 {
        println!(
            "  … {} more in rejected_cells.csv",
            s.rejected_cells.len() - 10
        );
    }
    println!("\nScores (missing data: each instrument's published rule unless --prorate):");
    let rows: Vec<Vec<String>> = s
        .instruments
        .iter()
        .map(|i| {
            vec![
                i.instrument.clone(),
                match i.missing_rule {
                    MissingRule::NoneAllowed => "every item".to_owned(),
                    MissingRule::Prorate { max_missing } => format!("prorate ≤ {max_missing}"),
                    MissingRule::ReplaceWithMean { max_missing } => {
                        format!("mean-replace ≤ {max_missing}")
                    }
                    _ => "other".to_owned(),
                },
                i.administrations.to_string(),
                i.scored.to_string(),
                i.prorated.to_string(),
                i.rejected.to_string(),
                i.lost_to_missing.to_string(),
                i.clients_lost.to_string(),
                i.prorate_would_recover
                    .iter()
                    .map(|(n, k)| format!("--prorate {n}: {k}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    print_table(
        &[
            "instrument",
            "missing rule",
            "forms",
            "scored",
            "prorated",
            "not scored",
            "missing items",
            "clients lost",
            "would recover",
        ],
        &rows,
    );
    println!("\nReliability (Cronbach's alpha on complete forms; keys from the definitions):");
    let mut rows = Vec::new();
    for (id, scales) in &s.reliability {
        for sc in scales {
            let (a, ci) = match &sc.alpha {
                Ok(a) => (
                    fmt(a.raw_alpha, 3),
                    format!("[{}, {}]", fmt(a.ci_lb, 3), fmt(a.ci_ub, 3)),
                ),
                Err(e) => ("-".to_owned(), e.message.clone()),
            };
            rows.push(vec![id.clone(), sc.scale.clone(), sc.n.to_string(), a, ci]);
        }
    }
    print_table(
        &["instrument", "scale", "n", "raw_alpha", "95% CI (Feldt)"],
        &rows,
    );
    let m = &s.monitoring;
    println!(
        "\nMonitoring: alliance {}, outcome {}; rupture threshold {}",
        m.alliance.as_deref().unwrap_or("-"),
        m.outcome.as_deref().unwrap_or("-"),
        m.rupture_threshold
    );
    if let Some(why) = &m.not_run {
        println!("  NOT RUN: {why}");
    }
    if let Some((lo, hi)) = m.rupture_points_used {
        println!(
            "  rupture thresholds used: {}{} {} points",
            fmt(lo, 2),
            if hi > lo {
                format!("–{}", fmt(hi, 2))
            } else {
                String::new()
            },
            m.alliance.as_deref().unwrap_or("-")
        );
    }
    println!(
        "  alliance low: {}; alliance drop: {}; outcome deterioration: {}",
        m.alliance_cutoff, m.alliance_drop, m.deterioration
    );
    println!(
        "  {} courses, {} monitored; {} clients with ruptures, {} with sudden gains; {} alerts",
        m.courses, m.monitored, m.clients_with_ruptures, m.clients_with_sudden_gains, m.alerts
    );
    if !m.course_errors.is_empty() {
        println!(
            "  {} records could not join a course, e.g. {}",
            m.course_errors.len(),
            m.course_errors[0]
        );
    }
    println!("\nReliable change (Jacobson–Truax, first to last administration):");
    let rows: Vec<Vec<String>> = s
        .reliable_change
        .iter()
        .map(|r| {
            vec![
                r.instrument.clone(),
                r.n.to_string(),
                fmt(r.threshold, 2),
                format!("{} ({})", fmt(r.reliability, 3), r.reliability_source),
                r.counts.recovered.to_string(),
                r.counts.improved.to_string(),
                r.counts.unchanged.to_string(),
                r.counts.deteriorated.to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            "instrument",
            "n",
            "threshold",
            "reliability",
            "recovered",
            "improved",
            "unchanged",
            "deteriorated",
        ],
        &rows,
    );
    println!("\nWrote:");
    for p in &s.wrote {
        println!("  {}", p.display());
    }
}
