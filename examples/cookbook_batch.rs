//! Cookbook: score many administrations into one reusable buffer.
//!
//! ```sh
//! cargo run --example cookbook_batch -- [administrations.csv] [--instrument ID] [--json]
//! ```
//!
//! Reads the item-level long CSV of the synthetic data set (default
//! `examples/data/synthetic/administrations.csv`; columns `client, session, instrument,
//! item1..itemK`), keeps the rows of one instrument (default `wai-sr`), and scores them in
//! batches of 500 with [`Instrument::score_batch`] into **one** [`BatchScores`] that is cleared
//! and refilled for every batch (no per-record allocation once it has grown). Every record comes
//! back scored or rejected with its reason; the example prints counts, the mean total and the
//! first rejections.

mod common;

use common::cli::{Cli, Opt};
use common::{AppResult, Table};
use therapeutic_alliance::{BatchScores, Instrument, Responses, parse_answer};

const CLI: Cli = Cli {
    name: "cookbook_batch",
    about: "score many administrations into one reusable buffer",
    positional: "[administrations.csv]",
    max_positional: 1,
    options: &[
        Opt::value(
            "instrument",
            "ID",
            "wai-sr",
            "the built-in instrument whose rows are scored",
        ),
        Opt::switch("json", "print JSON instead of text"),
    ],
    notes: "Input: an item-level CSV (client, session, instrument, item1..itemK); the default is
the synthetic examples/data/synthetic/administrations.csv.",
};

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let id = args.value("instrument").unwrap_or("wai-sr");
        let instrument =
            Instrument::builtin(id).ok_or_else(|| format!("unknown instrument {id:?}"))?;
        let table = Table::read(&args.file_or_bundled("synthetic/administrations.csv"))?;
        let c_instr = table.column_index("instrument")?;
        let items: Vec<(u16, usize)> = instrument
            .item_numbers()
            .map(|i| Ok((i, table.column_index(&format!("item{i}"))?)))
            .collect::<AppResult<_>>()?;
        // Parse the rows of this instrument once (bad cells become rejections when scored).
        let mut records: Vec<Responses> = Vec::new();
        let mut parse_errors = Vec::new();
        for (r, row) in table.rows.iter().enumerate() {
            if row.get(c_instr).map(String::as_str) != Some(id) {
                continue;
            }
            let mut resp = Responses::with_capacity(items.len());
            for &(item, col) in &items {
                let cell = row.get(col).map_or("", String::as_str);
                match parse_answer(cell, item, instrument.has_does_not_apply()) {
                    Ok(a) => resp.insert(item, a)?,
                    Err(e) => parse_errors.push(format!("row {}: {e}", r + 1)),
                }
            }
            records.push(resp);
        }
        let mut out = BatchScores::new();
        let (mut scored, mut rejected, mut sum) = (0usize, Vec::new(), 0.0);
        for (b, chunk) in records.chunks(500).enumerate() {
            instrument.score_batch(chunk.iter(), &mut out);
            for rec in out.records() {
                match &rec.outcome {
                    Ok(s) => {
                        scored += 1;
                        sum += s.total;
                    }
                    Err(e) => rejected.push(format!("record {}: {e}", b * 500 + rec.index + 1)),
                }
            }
        }
        let mean = if scored > 0 {
            sum / scored as f64
        } else {
            f64::NAN
        };
        if args.flag("json") {
            let v = serde_json::json!({
                "instrument": id, "records": records.len(), "scored": scored,
                "rejected": rejected, "parse_errors": parse_errors, "mean_total": mean,
            });
            println!("{}", serde_json::to_string_pretty(&v)?);
            return Ok(());
        }
        println!(
            "{id}: {} records, {scored} scored, {} rejected; mean total {}",
            records.len(),
            rejected.len(),
            common::fmt(mean, 2)
        );
        for line in rejected.iter().chain(&parse_errors).take(5) {
            println!("  {line}");
        }
        Ok(())
    });
}
