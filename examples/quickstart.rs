//! The end-to-end walkthrough on the bundled data. It grows as the crate does.
//!
//! ```sh
//! cargo run --release --example quickstart
//! ```
//!
//! Step 1: score the bundled responses (examples/data/) with several built-in instruments
//! and print one line per administration.

mod common;

use therapeutic_alliance::Instrument;

const INSTRUMENTS: [&str; 7] = ["wai-sr", "srs", "ors", "care", "core-10", "phq-9", "gad-7"];

fn main() {
    common::run(|| {
        println!("therapeutic-alliance quickstart: scoring the bundled data\n");
        let mut rows = Vec::new();
        let mut summary = Vec::new();
        for id in INSTRUMENTS {
            let inst = Instrument::builtin(id).ok_or_else(|| format!("unknown instrument {id}"))?;
            let path = common::bundled_responses(id);
            let table = common::Table::read(&path)?;
            let scored = common::score_table(&table, &inst)?;
            let mut totals = Vec::new();
            for r in &scored {
                let id_cell = r.id.clone().unwrap_or_else(|| r.row.to_string());
                rows.push(match &r.score {
                    Ok(s) => {
                        totals.push(s.total);
                        let subs = s
                            .subscales
                            .iter()
                            .map(|x| format!("{}={}", x.name, common::fmt(x.value, 1)))
                            .collect::<Vec<_>>()
                            .join(" ");
                        vec![
                            id.to_owned(),
                            id_cell,
                            common::fmt(s.total, 2),
                            subs,
                            s.band.clone().unwrap_or_else(|| "-".into()),
                            s.flagged
                                .map_or("-".into(), |f| if f { "yes" } else { "no" }.into()),
                            if s.prorated {
                                format!("{} imputed", s.imputed)
                            } else {
                                String::new()
                            },
                        ]
                    }
                    Err(e) => vec![
                        id.to_owned(),
                        id_cell,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        format!("rejected: {e}"),
                    ],
                });
            }
            let mean = totals.iter().sum::<f64>() / totals.len().max(1) as f64;
            summary.push(vec![
                id.to_owned(),
                inst.verification().to_string(),
                scored.len().to_string(),
                totals.len().to_string(),
                common::fmt(mean, 2),
                inst.cutoff()
                    .map_or("-".into(), |c| format!("{} {}", c.comparison, c.value)),
            ]);
        }
        common::print_table(
            &[
                "instrument",
                "id",
                "total",
                "subscales",
                "band",
                "flagged",
                "note",
            ],
            &rows,
        );
        println!();
        common::print_table(
            &[
                "instrument",
                "status",
                "rows",
                "scored",
                "mean total",
                "flagged if",
            ],
            &summary,
        );
        Ok(())
    });
}
