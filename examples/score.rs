//! Score a CSV of questionnaire responses with a built-in or user-defined instrument.
//!
//! ```sh
//! cargo run --example score -- --instrument wai-sr                 # bundled data, table
//! cargo run --example score -- --instrument phq-9 my.csv --json    # your file, JSON
//! cargo run --example score -- --definition my-instrument.json my.csv
//! ```
//!
//! CSV: a header row, one row per administration; an optional `id` column; item columns named
//! `1`, `2`, … or `item1`, … or `q1`, …; an empty cell or `NA` is a missing answer ("does not
//! apply" for CARE); other columns are ignored. Rejected rows are reported, never dropped.
//!
//! Risk first: the output opens with the administrations that met one of the instrument's
//! critical rules (PHQ-9 item 9 answered ≥ 1), and every row has a `critical` column listing
//! the rule ids it met. A critical item is a prompt for a clinician's assessment the same day,
//! never a risk estimate. `cutoff_met` is the instrument's clinical or concern cutoff on the
//! total (PHQ-9 ≥ 10, SRS < 36), which is not a risk flag.

mod common;

use common::{AppResult, Args, Table};
use serde::Serialize;
use serde::ser::SerializeMap;
use therapeutic_alliance::{Instrument, Score, catalogue::BUILTIN_IDS};

/// Subscale scores as an object in the instrument's subscale order (`null` if unscored).
struct Subscales<'a> {
    names: &'a [String],
    score: &'a Score,
}

impl Serialize for Subscales<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.names.len()))?;
        for name in self.names {
            m.serialize_entry(name, &self.score.subscale(name))?;
        }
        m.end()
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Scored {
        total: f64,
        subscales: Subscales<'a>,
        answered: usize,
        prorated: bool,
        band: Option<&'a str>,
        cutoff_met: Option<bool>,
        /// The ids of the critical rules met (empty when none).
        critical: Vec<&'a str>,
    },
    Rejected {
        /// The critical rules an incomplete form still met (its answered risk items).
        critical: Vec<&'a str>,
        error: String,
    },
}

#[derive(Serialize)]
struct JsonRow<'a> {
    row: usize,
    id: Option<&'a str>,
    #[serde(flatten)]
    body: Body<'a>,
}

fn instrument(args: &Args) -> AppResult<Instrument> {
    if let Some(path) = args.value("definition") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        return Ok(serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?);
    }
    let id = args.value("instrument").ok_or_else(|| {
        format!(
            "missing --instrument ID (one of {}) or --definition FILE.json",
            BUILTIN_IDS.join(", ")
        )
    })?;
    Instrument::builtin(id).ok_or_else(|| {
        format!(
            "unknown instrument {id:?} (one of {})",
            BUILTIN_IDS.join(", ")
        )
        .into()
    })
}

fn main() {
    common::run(|| {
        let args = Args::parse(&["instrument", "definition"])?;
        let inst = instrument(&args)?;
        let path = if let Some(f) = args.file() {
            f.into()
        } else {
            let p = common::bundled_responses(inst.id());
            if !p.exists() {
                return Err(format!("no bundled data for {}; pass a CSV file", inst.id()).into());
            }
            p
        };
        let table = Table::read(&path)?;
        let rows =
            common::score_table(&table, &inst).map_err(|e| format!("{}: {e}", path.display()))?;
        let names: Vec<String> = inst.subscales().iter().map(|s| s.name.clone()).collect();
        if args.flag("json") {
            let out: Vec<JsonRow> = rows
                .iter()
                .map(|r| JsonRow {
                    row: r.row,
                    id: r.id.as_deref(),
                    body: match &r.score {
                        Ok(s) => Body::Scored {
                            total: s.total,
                            subscales: Subscales {
                                names: &names,
                                score: s,
                            },
                            answered: s.answered,
                            prorated: s.prorated,
                            band: s.band.as_deref(),
                            cutoff_met: s.cutoff_met,
                            critical: s.critical.iter().map(|f| f.rule.as_str()).collect(),
                        },
                        Err(e) => Body::Rejected {
                            critical: e.critical().iter().map(|f| f.rule.as_str()).collect(),
                            error: e.to_string(),
                        },
                    },
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        println!("{} ({}), {}", inst.name(), inst.id(), path.display());
        let flags = |r: &common::ScoredRow| match &r.score {
            Ok(s) => s.critical.clone(),
            Err(e) => e.critical().to_vec(),
        };
        let critical: Vec<_> = rows.iter().filter(|r| !flags(r).is_empty()).collect();
        if inst.critical_rules().is_empty() {
            println!("critical items: {} declares no critical rule", inst.id());
        } else {
            println!(
                "critical items: {} of {} administrations met a critical rule (a prompt for a clinician's assessment today, never a risk estimate)",
                critical.len(),
                rows.len()
            );
            for r in &critical {
                for f in flags(r) {
                    println!("  row {} id {}: {f}", r.row, r.id.as_deref().unwrap_or("-"));
                }
            }
        }
        let mut headers = vec!["row", "id", "critical", "total"];
        headers.extend(names.iter().map(String::as_str));
        headers.extend(["answered", "prorated", "band", "cutoff_met", "error"]);
        let table_rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut cells = vec![r.row.to_string(), r.id.clone().unwrap_or_default()];
                match &r.score {
                    Ok(s) => {
                        cells.push(
                            s.critical
                                .iter()
                                .map(|f| f.rule.as_str())
                                .collect::<Vec<_>>()
                                .join(";"),
                        );
                        cells.push(common::fmt(s.total, 2));
                        cells.extend(
                            names
                                .iter()
                                .map(|n| s.subscale(n).map_or("NA".into(), |v| common::fmt(v, 2))),
                        );
                        cells.push(s.answered.to_string());
                        cells.push(if s.prorated { "yes" } else { "no" }.into());
                        cells.push(s.band.clone().unwrap_or_else(|| "-".into()));
                        cells.push(
                            s.cutoff_met
                                .map_or("-".into(), |f| if f { "yes" } else { "no" }.into()),
                        );
                        cells.push(String::new());
                    }
                    Err(e) => {
                        let rules: Vec<&str> =
                            e.critical().iter().map(|f| f.rule.as_str()).collect();
                        cells.push(rules.join(";"));
                        cells.extend(std::iter::repeat_n(String::new(), names.len() + 5));
                        cells.push(e.to_string());
                    }
                }
                cells
            })
            .collect();
        common::print_table(&headers, &table_rows);
        let rejected = rows.iter().filter(|r| r.score.is_err()).count();
        println!(
            "{} rows, {} scored, {rejected} rejected",
            rows.len(),
            rows.len() - rejected
        );
        Ok(())
    });
}
