//! Cookbook: define your own instrument in JSON, and score a BLRI form with a key file.
//!
//! ```sh
//! cargo run --example cookbook_custom_instrument -- [INSTRUMENT.json] [--blri-key KEY.json] [--json]
//! ```
//!
//! Reads an instrument definition (default: the invented `examples/data/cookbook/demo_instrument.json`),
//! which the crate validates exactly as it validates an [`InstrumentBuilder`] (an invalid
//! definition is an error naming the field), scores two response sets with it, then builds
//! the BLRI OS-40 from a key file (default: `examples/data/cookbook/blri_FAKE_demo_key.json`,
//! a **fake demonstration key, not the licensed one**: replace it with the key from your
//! manual) and scores one synthetic form.
//!
//! [`InstrumentBuilder`]: therapeutic_alliance::InstrumentBuilder

mod common;

use common::AppResult;
use common::cli::{Cli, Opt};
use serde::Serialize;
use therapeutic_alliance::catalogue::{BlriForm, BlriKey};
use therapeutic_alliance::{Answer, Instrument, Responses, Score};

const CLI: Cli = Cli {
    name: "cookbook_custom_instrument",
    about: "an instrument defined in JSON, and a BLRI form scored with a key file",
    positional: "[INSTRUMENT.json]",
    max_positional: 1,
    options: &[
        Opt::value(
            "blri-key",
            "KEY.json",
            "examples/data/cookbook/blri_FAKE_demo_key.json (fake)",
            "the BLRI scoring key from your manual",
        ),
        Opt::switch("json", "print JSON instead of text"),
    ],
    notes: "The default instrument is the invented examples/data/cookbook/demo_instrument.json.",
};

#[derive(Serialize)]
struct Out {
    instrument: String,
    scores: Vec<Score>,
    blri: Score,
}

fn read(path: &std::path::Path) -> AppResult<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

fn main() {
    common::run(|| {
        let args = CLI.parse();
        let path = args.file_or_bundled("cookbook/demo_instrument.json");
        let demo: Instrument =
            serde_json::from_str(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        // Two forms: one complete, one with item 5 left blank (prorated: max_missing 1).
        let complete: Responses = (1..=6)
            .zip([4, 5, 2, 4, 4, 1])
            .map(|(i, x)| (i, Answer::Value(x.into())))
            .collect();
        let mut partial = complete.clone();
        partial = partial
            .iter()
            .map(|(i, a)| (i, if i == 5 { Answer::Missing } else { a }))
            .collect();
        let scores = vec![demo.score(&complete)?, demo.score(&partial)?];

        let key_path = args.value("blri-key").map_or_else(
            || common::bundled_path("cookbook/blri_FAKE_demo_key.json"),
            Into::into,
        );
        let key: BlriKey = serde_json::from_str(&read(&key_path)?)
            .map_err(|e| format!("{}: {e}", key_path.display()))?;
        let blri = Instrument::blri(BlriForm::Os40, &key)?;
        // BLRI answers are -3..=+3 without 0; a synthetic form.
        let form: Responses = (1..=40u16)
            .map(|i| {
                (
                    i,
                    Answer::Value([3.0, 2.0, -1.0, 1.0, 2.0][usize::from(i % 5)]),
                )
            })
            .collect();
        let blri_score = blri.score(&form)?;

        if args.flag("json") {
            let out = Out {
                instrument: demo.id().to_owned(),
                scores,
                blri: blri_score,
            };
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(());
        }
        println!("{} ({}), from {}", demo.id(), demo.name(), path.display());
        for (label, s) in ["complete", "item 5 blank"].iter().zip(&scores) {
            println!(
                "  {label:<13} total {:>5.1}  bond {:?}  work {:?}  prorated {}  flagged {:?}",
                s.total,
                s.subscale("bond"),
                s.subscale("work"),
                s.prorated,
                s.cutoff_met
            );
        }
        println!(
            "BLRI OS-40 with the key in {} (FAKE demonstration key):",
            key_path.display()
        );
        println!("  total {:.1}", blri_score.total);
        for sub in &blri_score.subscales {
            println!("  {:<28} {:>6.1}", sub.name, sub.value);
        }
        Ok(())
    });
}
