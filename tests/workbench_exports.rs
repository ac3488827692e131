//! Exports as they come, through the workbench: a tidy long export with an instrument column
//! gives the same scores as its wide twin; a REDCap export's event names become sessions with
//! one `--session-pattern`; an export whose dates are all unreadable still gets its scores,
//! reliability and a summary that names the date problem.
#![cfg(feature = "csv")]

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use common::tools::{example, scratch};
use serde_json::Value;

fn workbench(export: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(example("workbench"))
        .arg(export)
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn ok(run: &Output) -> String {
    let screen = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{screen}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    screen
}

/// 6 clients × 3 sessions of WAI-SR (12 items) and PHQ-9 (9 items), deterministic, with a
/// blank here and there. `(client, session, date, wai, phq)`.
type Form = (String, u32, String, Vec<String>, Vec<String>);

fn forms() -> Vec<Form> {
    let mut out = Vec::new();
    for c in 1..=6u32 {
        for s in 1..=3u32 {
            let v = |i: u32, lo: u32, hi: u32| -> String {
                if (c * 7 + s * 3 + i).is_multiple_of(23) {
                    String::new()
                } else {
                    (lo + (c * 5 + s * 11 + i * 3) % (hi - lo + 1)).to_string()
                }
            };
            out.push((
                format!("c-{c:02}"),
                s,
                format!("2025-0{s}-1{c}"),
                (1..=12).map(|i| v(i, 1, 5)).collect(),
                (1..=9).map(|i| v(i, 0, 3)).collect(),
            ));
        }
    }
    out
}

fn wide(forms: &[Form], session: impl Fn(u32) -> String, date: impl Fn(&str) -> String) -> String {
    let mut t = String::from("ClientID,Session,Date");
    for i in 1..=12 {
        let _ = write!(t, ",WAI_{i}");
    }
    for i in 1..=9 {
        let _ = write!(t, ",PHQ_{i}");
    }
    t.push('\n');
    for (c, s, d, wai, phq) in forms {
        let _ = write!(t, "{c},{},{}", session(*s), date(d));
        for x in wai.iter().chain(phq) {
            let _ = write!(t, ",{x}");
        }
        t.push('\n');
    }
    t
}

/// The scores.csv rows without the file line (which differs between layouts), sorted.
fn scores(out: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(out.join("scores.csv")).unwrap();
    let mut rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().skip(1).map(str::to_owned).collect())
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_long_export_with_an_instrument_column_scores_as_its_wide_twin() {
    let dir = scratch("long");
    let f = forms();
    std::fs::write(
        dir.join("wide.csv"),
        wide(&f, |s| s.to_string(), str::to_owned),
    )
    .unwrap();
    // the tidy twin: item numbers in `item`, the instrument by name (spelled as exports do)
    let mut long = String::from("client,session,date,instrument,item,value\n");
    for (c, s, d, wai, phq) in &f {
        for (name, cells) in [("WAI-SR", wai), ("phq_9", phq)] {
            for (i, x) in cells.iter().enumerate() {
                let _ = writeln!(long, "{c},{s},{d},{name},{},{x}", i + 1);
            }
        }
    }
    std::fs::write(dir.join("long.csv"), long).unwrap();
    let common = ["--rupture-points", "6"];
    ok(&workbench(&dir.join("wide.csv"), &dir.join("w"), &common));
    let mut args = common.to_vec();
    args.extend([
        "--id",
        "client",
        "--session",
        "session",
        "--date",
        "date",
        "--long",
        "item,value,instrument",
    ]);
    let screen = ok(&workbench(&dir.join("long.csv"), &dir.join("l"), &args));
    let (w, l) = (scores(&dir.join("w")), scores(&dir.join("l")));
    assert_eq!(w.len(), 36, "18 WAI-SR and 18 PHQ-9 forms");
    assert_eq!(w, l, "{screen}");
    // only the instruments present are monitored: no SRS default on a file without one
    assert!(
        screen.contains("Monitoring: alliance wai-sr, outcome phq-9"),
        "{screen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_redcap_export_runs_with_one_session_pattern() {
    let dir = scratch("redcap");
    let f = forms();
    let text = wide(&f, |s| format!("session_{s}_arm_1"), str::to_owned)
        .replacen("Session", "redcap_event_name", 1)
        .replacen("ClientID", "record_id", 1);
    std::fs::write(dir.join("redcap.csv"), &text).unwrap();
    let args = [
        "--id",
        "record_id",
        "--session",
        "redcap_event_name",
        "--session-pattern",
        "session_{n}_arm_1",
        "--rupture-points",
        "6",
    ];
    let screen = ok(&workbench(&dir.join("redcap.csv"), &dir.join("r"), &args));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["tally"]["rows_rejected"], 0, "{screen}");
    assert_eq!(summary["monitoring"]["monitored"], 6, "{screen}");
    // the same scores as the plain export
    std::fs::write(
        dir.join("plain.csv"),
        wide(&f, |s| s.to_string(), str::to_owned),
    )
    .unwrap();
    ok(&workbench(
        &dir.join("plain.csv"),
        &dir.join("p"),
        &["--rupture-points", "6"],
    ));
    assert_eq!(scores(&dir.join("r")), scores(&dir.join("p")));
    // without the pattern every event name is rejected, and the summary says so first
    let run = workbench(
        &dir.join("redcap.csv"),
        &dir.join("x"),
        &["--id", "record_id", "--session", "redcap_event_name"],
    );
    let screen = String::from_utf8_lossy(&run.stdout);
    assert!(
        screen.contains("PROBLEM: every value of column redcap_event_name was rejected")
            && screen.contains("--session-pattern"),
        "{screen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_dates_still_give_scores_reliability_and_a_summary_naming_them() {
    let dir = scratch("dates");
    let f = forms();
    // 26-01-2025 style: the order of day and month is unknown without a format
    let local = |d: &str| {
        let (y, rest) = d.split_once('-').unwrap();
        let (m, day) = rest.split_once('-').unwrap();
        format!("{day}-{m}-{y}")
    };
    std::fs::write(dir.join("dmy.csv"), wide(&f, |s| s.to_string(), local)).unwrap();
    let out = dir.join("o");
    let run = workbench(&dir.join("dmy.csv"), &out, &[]);
    let screen = String::from_utf8_lossy(&run.stdout);
    // the rows are rejected (no record could be read), yet every file is written
    for file in [
        "scores.csv",
        "rejected_cells.csv",
        "reliability.csv",
        "summary.json",
    ] {
        assert!(out.join(file).exists(), "{file} missing\n{screen}");
    }
    assert!(
        screen.contains("PROBLEM: every value of column Date was rejected")
            && screen.contains("--date-format %d-%m-%Y"),
        "{screen}"
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["problems"][0]
            .as_str()
            .unwrap()
            .contains("column Date"),
        "{summary}"
    );
    // with the format, the same export reads whole
    let run = workbench(
        &dir.join("dmy.csv"),
        &dir.join("ok"),
        &["--date-format", "%d-%m-%Y", "--rupture-points", "6"],
    );
    ok(&run);
    std::fs::write(
        dir.join("iso.csv"),
        wide(&f, |s| s.to_string(), str::to_owned),
    )
    .unwrap();
    ok(&workbench(
        &dir.join("iso.csv"),
        &dir.join("iso"),
        &["--rupture-points", "6"],
    ));
    let strip_date = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .map(|mut r| {
                r.remove(2);
                r
            })
            .collect()
    };
    assert_eq!(
        strip_date(scores(&dir.join("ok"))),
        strip_date(scores(&dir.join("iso")))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
