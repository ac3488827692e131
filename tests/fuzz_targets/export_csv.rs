//! The export reader with a mapping: input is `<mapping JSON>\n---\n<CSV>` (the mapping read
//! with `document::from_json::<ExportSpec>` and round-tripped) or a CSV alone, read with a
//! fixed wide mapping (WAI-SR, ORS, CORE-10). Every record's answers are finite and its score
//! is finite, within the instrument's bounds, and the same as scoring its answers directly.

use therapeutic_alliance::export::{ExportReader, ExportScorer, ExportSpec, InstrumentColumns};
use therapeutic_alliance::{Answer, Instrument, Responses};

/// Records read per input at most (a fuzz input is small; this only bounds the work).
const MAX_RECORDS: usize = 10_000;

fn default_spec() -> ExportSpec {
    let inst = |id: &str| Instrument::builtin(id).expect("built-in");
    ExportSpec::builder("ClientID")
        .therapist("TherapistID")
        .session("Session")
        .date("Date")
        .instrument(InstrumentColumns::pattern(inst("wai-sr"), "WAI_{item}").expect("pattern"))
        .instrument(InstrumentColumns::pattern(inst("ors"), "ORS_{item}").expect("pattern"))
        .instrument(InstrumentColumns::pattern(inst("core-10"), "core{item}").expect("pattern"))
        .build()
        .expect("the default mapping builds")
}

pub fn run(data: &[u8]) {
    let (spec, csv) = match super::split(data) {
        Some((mapping, csv)) => {
            let Some(json) = super::text(mapping) else {
                return;
            };
            match super::round_trip::<ExportSpec>("export mapping", json) {
                Some(spec) => (spec, csv),
                None => return,
            }
        }
        None => (default_spec(), data),
    };
    let mut reader = match ExportReader::new(csv, spec.clone()) {
        Ok(r) => r,
        Err(e) => {
            super::assert_finite("export error", &e);
            return;
        }
    };
    let mut scorer = ExportScorer::new(&spec);
    for _ in 0..MAX_RECORDS {
        let record = match reader.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                super::assert_finite("export error", &e);
                break;
            }
        };
        assert_eq!(
            record.answers.len(),
            record.instrument.item_count(),
            "line {}: one answer per item",
            record.line
        );
        for a in record.answers {
            if let Answer::Value(v) = a {
                assert!(v.is_finite(), "line {}: answer {v}", record.line);
            }
        }
        assert_finite_record(&record);
        let direct: Responses = record
            .instrument
            .item_numbers()
            .zip(record.answers.iter().copied())
            .collect();
        match scorer.full_score(&record) {
            None => assert!(!record.is_usable(), "a usable record was not scored"),
            Some(Ok(s)) => {
                super::assert_finite("export score", &s);
                super::assert_within("export total", s.total, record.instrument.total_range());
                let want = record
                    .instrument
                    .score(&direct)
                    .expect("scored directly too");
                assert_eq!(
                    s.total.to_bits(),
                    want.total.to_bits(),
                    "export vs direct total"
                );
                assert_eq!(s.subscales, want.subscales, "export vs direct subscales");
            }
            Some(Err(e)) => {
                super::assert_finite("export score error", &e);
                assert!(
                    record.instrument.score(&direct).is_err(),
                    "the export scorer refused what scoring directly accepts: {e}"
                );
            }
        }
    }
    super::assert_finite("export tally", &reader.tally());
}

fn assert_finite_record(record: &therapeutic_alliance::export::ExportRecord<'_>) {
    super::assert_finite("export rejections", &record.rejected);
}
