//! The bundled export (`examples/data/synthetic/export.csv`, the `workbench` example's default
//! input) is reproducible bit for bit from the generator, and the crate's export reader reads
//! it as documented: every administration of the data set, the blanks and `NA`s as missing
//! answers, and the one typing error reported with its line, column and value.
#![cfg(feature = "csv")]

#[path = "../examples/synth/mod.rs"]
mod synth;

use std::path::Path;

use therapeutic_alliance::export::{
    CellProblem, ExportReader, ExportSpec, InstrumentColumns, MissingCodes,
};
use therapeutic_alliance::{Instrument, Respondent};

/// The committed file, or `None` in the published package (see tests/generator.rs).
fn committed() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("examples/data/synthetic/export.csv");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) if !path.exists() && root.join("Cargo.toml.orig").exists() => None,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn spec() -> ExportSpec {
    let mut b = ExportSpec::builder("ClientID")
        .therapist("TherapistID")
        .session("Session")
        .date("Date")
        .missing(MissingCodes::default());
    for (id, prefix, _) in synth::export::COLUMNS {
        let who = if id == "wai-sr-t" {
            Respondent::Therapist
        } else {
            Respondent::Client
        };
        let cols = InstrumentColumns::pattern(
            Instrument::builtin(id).unwrap(),
            &format!("{prefix}{{item}}"),
        )
        .unwrap()
        .respondent(who);
        b = b.instrument(cols);
    }
    b.build().unwrap()
}

#[test]
fn regenerates_the_committed_export_bit_for_bit() {
    let data = synth::generate(synth::DEFAULT_SEED).unwrap();
    let text = synth::export::export_csv(&data, synth::DEFAULT_SEED).unwrap();
    let Some(want) = committed() else {
        return;
    };
    assert_eq!(
        text.len(),
        want.len(),
        "export.csv: length differs; rerun generate_data"
    );
    assert!(
        text == want,
        "export.csv: content differs; rerun generate_data"
    );
    let other = synth::export::export_csv(&synth::generate(7).unwrap(), 7).unwrap();
    assert_ne!(other, text);
}

#[test]
fn the_export_reads_back_with_its_blemishes_reported() {
    let data = synth::generate(synth::DEFAULT_SEED).unwrap();
    let text = synth::export::export_csv(&data, synth::DEFAULT_SEED).unwrap();
    let mut reader = ExportReader::new(text.as_bytes(), spec()).unwrap();
    let mut with_blanks = 0;
    let mut per_instrument = std::collections::BTreeMap::new();
    while let Some(rec) = reader.next_record().unwrap() {
        with_blanks +=
            usize::from(rec.is_usable() && rec.missing() > 0 && rec.instrument.id() != "care");
        *per_instrument
            .entry(rec.instrument.id().to_owned())
            .or_insert(0) += 1;
    }
    let sessions: usize = data
        .courses
        .iter()
        .map(therapeutic_alliance::Course::len)
        .sum();
    let t = reader.tally();
    assert_eq!(t.rows, sessions);
    assert_eq!(t.rows_rejected, 0);
    for (id, rows) in &data.items {
        assert_eq!(per_instrument[*id], rows.len(), "{id}");
    }
    let administrations: usize = data.items.values().map(Vec::len).sum();
    assert_eq!(t.administrations, administrations);
    assert_eq!(t.not_administered, 7 * sessions - administrations);
    // exactly the typing error
    assert_eq!(t.rejected_cells, 1);
    assert_eq!(t.administrations_rejected, 1);
    let typo = &reader.rejections()[0];
    assert_eq!(typo.line, synth::export::TYPO_ROW as u64 + 1);
    assert_eq!(typo.column, format!("WAI_{}", synth::export::TYPO_ITEM));
    assert_eq!(typo.value, synth::export::TYPO_VALUE);
    assert_eq!(
        typo.problem,
        CellProblem::OutOfScale {
            scale: "1..=5".into()
        }
    );
    // about 3% of the WAI-SR, WAI-SR-T, SRS and ORS forms have a blank
    let forms = per_instrument["wai-sr"]
        + per_instrument["wai-sr-t"]
        + per_instrument["srs"]
        + per_instrument["ors"];
    assert!(
        (forms / 50..forms / 20).contains(&with_blanks),
        "{with_blanks} of {forms}"
    );
    assert_eq!(text.matches(",NA").count(), 2);
}
