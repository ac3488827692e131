//! The tools give the library's clinical answer: on an export with known PHQ-9 item-9
//! positives, every positive (and no negative) appears in the workbench's `scores.csv`
//! `critical` column, in `critical.csv`, in `summary.json`, and in `score --json`; a WAI-SR
//! export raises no alert built on an SRS number.
//!
//! The example programs are built with `cargo build --example` (the same profile and target
//! directory as this test) and run as a user would run them.
#![cfg(feature = "csv")]

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{example, scratch};
use serde_json::Value;

/// Runs the workbench on `export` into `out` (a fixed rupture size: the tiny export has no
/// between-client spread to estimate one from) and returns its screen output.
fn workbench(export: &Path, out: &Path) -> String {
    let run = Command::new(example("workbench"))
        .arg(export)
        .args(["--rupture-points", "6"])
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{screen}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    screen
}

/// A PHQ-9 form: item 9 and one other cell chosen, the rest 1.
fn phq(item9: &str, item4: &str) -> Vec<String> {
    (1..=9)
        .map(|i| match i {
            9 => item9.to_owned(),
            4 => item4.to_owned(),
            _ => "1".to_owned(),
        })
        .collect()
}

/// (client, session, PHQ-9 cells, whether item 9 is a positive the tools must report)
fn cases() -> Vec<(&'static str, u32, Vec<String>, bool)> {
    vec![
        ("c-01", 1, phq("0", "1"), false),
        ("c-01", 2, phq("1", "1"), true),
        ("c-02", 1, phq("3", "2"), true),
        ("c-02", 2, phq("", "1"), false), // unanswered: never a flag
        ("c-03", 1, phq("2", ""), true),  // incomplete form: still a flag
        ("c-03", 2, phq("0", ""), false),
        ("c-04", 1, phq("7", "1"), false), // out of scale: a rejected cell, not an answer
        ("c-04", 2, phq("1", "2"), true),
    ]
}

fn write_export(dir: &Path) -> (PathBuf, PathBuf) {
    let mut wide = String::from("ClientID,Session,Date");
    for i in 1..=12 {
        let _ = write!(wide, ",WAI_{i}");
    }
    for i in 1..=9 {
        let _ = write!(wide, ",PHQ_{i}");
    }
    wide.push('\n');
    let mut forms = String::from("id,1,2,3,4,5,6,7,8,9\n");
    for (k, (client, session, cells, _)) in cases().iter().enumerate() {
        // a WAI-SR below 36 that falls by 1 point or more: SRS numbers would fire on it
        let wai = if k % 2 == 0 { "3" } else { "2" };
        let _ = write!(wide, "{client},{session},2025-01-{:02}", k + 1);
        for _ in 1..=12 {
            let _ = write!(wide, ",{wai}");
        }
        for c in cells {
            let _ = write!(wide, ",{c}");
        }
        wide.push('\n');
        let _ = writeln!(forms, "{client}-{session},{}", cells.join(","));
    }
    let export = dir.join("export.csv");
    std::fs::write(&export, wide).unwrap();
    let phq_forms = dir.join("phq9.csv");
    std::fs::write(&phq_forms, forms).unwrap();
    (export, phq_forms)
}

/// The (client, session) pairs the tools must flag.
fn positives() -> BTreeSet<(String, u32)> {
    cases()
        .into_iter()
        .filter(|c| c.3)
        .map(|c| (c.0.to_owned(), c.1))
        .collect()
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(Result::unwrap).collect()
}

fn column(path: &Path, name: &str) -> usize {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("{} has no column {name}", path.display()))
}

#[test]
fn every_item9_positive_reaches_every_output() {
    let dir = scratch("item9");
    let (export, forms) = write_export(&dir);
    let out = dir.join("out");
    let screen = workbench(&export, &out);
    let want = positives();

    // scores.csv: the critical column
    let scores = out.join("scores.csv");
    let (id, session, critical) = (
        column(&scores, "id"),
        column(&scores, "session"),
        column(&scores, "critical"),
    );
    let instrument = column(&scores, "instrument");
    let got: BTreeSet<(String, u32)> = csv_rows(&scores)
        .iter()
        .filter(|r| &r[instrument] == "phq-9" && &r[critical] == "phq9_item9")
        .map(|r| (r[id].to_owned(), r[session].parse().unwrap()))
        .collect();
    assert_eq!(got, want, "scores.csv");
    assert!(
        csv_rows(&scores)
            .iter()
            .all(|r| r[critical].is_empty() || &r[critical] == "phq9_item9")
    );
    assert!(column(&scores, "cutoff_met") > critical);

    // critical.csv: one row per positive, with item, value, rule and source
    let crit = out.join("critical.csv");
    let rows = csv_rows(&crit);
    let got: BTreeSet<(String, u32)> = rows
        .iter()
        .map(|r| {
            (
                r[column(&crit, "client")].to_owned(),
                r[column(&crit, "session")].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want, "critical.csv");
    assert_eq!(rows.len(), want.len());
    for r in &rows {
        assert_eq!(&r[column(&crit, "item")], "9");
        assert_eq!(&r[column(&crit, "rule")], "phq9_item9");
        assert!(r[column(&crit, "source")].contains("Simon"));
        assert!(r[column(&crit, "value")].parse::<f64>().unwrap() >= 1.0);
    }

    // summary.json
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let items = summary["critical"]["items"].as_array().unwrap();
    let got: BTreeSet<(String, u32)> = items
        .iter()
        .map(|i| {
            (
                i["client"].as_str().unwrap().to_owned(),
                u32::try_from(i["session"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want, "summary.json");
    assert_eq!(summary["critical"]["flags"], want.len());
    // no Rust `Result` layout leaks into the document
    let text = summary.to_string();
    assert!(
        !text.contains("\"Ok\"") && !text.contains("\"Err\""),
        "{text}"
    );

    // the screen opens with the critical items and the clients concerned
    let first = screen.lines().nth(1).unwrap_or_default();
    assert!(
        first.starts_with("CRITICAL ITEMS: 4 administrations of 4 clients"),
        "{screen}"
    );
    assert!(
        screen
            .lines()
            .nth(2)
            .unwrap_or_default()
            .contains("c-01, c-02, c-03, c-04"),
        "{screen}"
    );
    // monitoring.json: the same positives as critical_item alerts
    let monitoring: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("monitoring.json")).unwrap())
            .unwrap();
    let got: BTreeSet<(String, u32)> = monitoring
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["report"]["alerts"].as_array().unwrap().clone())
        .filter(|a| a["kind"] == "critical_item")
        .map(|a| {
            (
                a["client"].as_str().unwrap().to_owned(),
                u32::try_from(a["session"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want, "monitoring.json");

    // score --json: `critical` on every row
    let run = Command::new(example("score"))
        .args(["--instrument", "phq-9", "--json"])
        .arg(&forms)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Value = serde_json::from_slice(&run.stdout).unwrap();
    let got: BTreeSet<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["critical"]
                .as_array()
                .is_some_and(|c| c.iter().any(|x| x == "phq9_item9"))
        })
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let want_ids: BTreeSet<String> = want.iter().map(|(c, s)| format!("{c}-{s}")).collect();
    assert_eq!(got, want_ids, "score --json");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_wai_sr_export_gets_no_srs_numbers() {
    let dir = scratch("wai");
    let (export, _) = write_export(&dir);
    let out = dir.join("out");
    let screen = workbench(&export, &out);
    let monitoring: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("monitoring.json")).unwrap())
            .unwrap();
    let mut alerts = 0;
    for course in monitoring.as_array().unwrap() {
        for a in course["report"]["alerts"].as_array().unwrap() {
            alerts += 1;
            let kind = a["kind"].as_str().unwrap();
            assert!(
                !matches!(kind, "alliance_low" | "alliance_drop"),
                "an SRS rule on the WAI-SR: {a}"
            );
            assert!(a["client"].is_string(), "{a}");
            if kind != "critical_item" {
                assert_ne!(a["threshold"], 36.0, "{a}");
            }
        }
        assert_eq!(course["report"]["alliance"]["instrument"], "wai-sr");
    }
    assert!(alerts > 0, "the PHQ-9 item-9 positives are alerts too");
    assert!(screen.contains("alliance low: none"), "{screen}");
    let _ = std::fs::remove_dir_all(&dir);
}
