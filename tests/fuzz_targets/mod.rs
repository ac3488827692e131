//! The fuzz targets' bodies, shared by two drivers: the cargo-fuzz binaries in `fuzz/` (nightly,
//! libFuzzer) and `tests/fuzz_corpus.rs`, which replays every committed corpus file and crash
//! artifact through them on stable in the normal test run. Each body takes arbitrary bytes and
//! panics only when the library breaks its contract: every public result is finite (no NaN or
//! infinity in any number), a typed `None` or a typed error, never a panic; a document read
//! back from its own serialisation is equal; a state read back from its own bytes is equal; a
//! score lies within its instrument's bounds.
#![allow(dead_code)]

pub mod accumulator_bytes;
pub mod courses_json;
pub mod export_csv;
pub mod fhir_response;
pub mod instrument_json;
pub mod responses_json;
pub mod score;

/// A target's body: panics when the library breaks its contract on these bytes.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus directory and fuzz binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("responses_json", responses_json::run),
    ("instrument_json", instrument_json::run),
    ("courses_json", courses_json::run),
    ("export_csv", export_csv::run),
    ("fhir_response", fhir_response::run),
    ("accumulator_bytes", accumulator_bytes::run),
    ("score", score::run),
];

/// Splits an input at the first `\n---\n` (two documents in one input), if there is one.
pub fn split(data: &[u8]) -> Option<(&[u8], &[u8])> {
    const SEP: &[u8] = b"\n---\n";
    let at = data.windows(SEP.len()).position(|w| w == SEP)?;
    Some((&data[..at], &data[at + SEP.len()..]))
}

/// Panics if the `Debug` form of `value` shows a NaN or an infinity in any number (quoted
/// strings are skipped, so a label spelled "NaN" is not a finding).
#[track_caller]
pub fn assert_finite(what: &str, value: &impl std::fmt::Debug) {
    let text = format!("{value:?}");
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
            plain.push(' ');
        } else {
            plain.push(c);
        }
    }
    let bad = plain
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|t| t == "NaN" || t == "inf");
    assert!(!bad, "{what}: a number is not finite: {text}");
}

/// Panics unless `value` lies in `[lo, hi]` (to rounding: 1e-9 relative).
#[track_caller]
pub fn assert_within(what: &str, value: f64, (lo, hi): (f64, f64)) {
    let slack = 1e-9 * lo.abs().max(hi.abs()).max(1.0);
    assert!(
        value.is_finite() && value >= lo - slack && value <= hi + slack,
        "{what}: {value} is outside [{lo}, {hi}]"
    );
}

/// The input as text, if it is UTF-8 (the JSON entry points take `&str`).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Reads `T` with `document::from_json`; if it is read, checks that its serialisation reads
/// back to an equal value (and serialises to the same text), and returns it.
#[track_caller]
pub fn round_trip<T>(what: &str, json: &str) -> Option<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    use therapeutic_alliance::document::from_json;
    let value: T = match from_json(json) {
        Ok(v) => v,
        Err(e) => {
            // the error is itself a valid error document, with finite numbers
            assert_finite(what, &e);
            let doc = serde_json::to_string(&e).expect("an error document serialises");
            let back: therapeutic_alliance::ErrorDocument =
                from_json(&doc).expect("an error document reads back");
            assert_eq!(back, e, "{what}: error document round trip");
            return None;
        }
    };
    let out = serde_json::to_string(&value)
        .unwrap_or_else(|e| panic!("{what}: a value read cannot be written: {e}: {value:?}"));
    let back: T = from_json(&out)
        .unwrap_or_else(|e| panic!("{what}: its own output is refused: {e:?}\n{out}"));
    assert_eq!(back, value, "{what}: round trip changed the value\n{out}");
    let again = serde_json::to_string(&back).expect("serialises");
    assert_eq!(again, out, "{what}: second serialisation differs");
    Some(value)
}

/// Scores `responses` on `instrument` and checks the result: finite, within the instrument's
/// total range, each subscale within its range; or a typed error.
pub fn check_score(
    instrument: &therapeutic_alliance::Instrument,
    responses: &therapeutic_alliance::Responses,
) {
    match instrument.score(responses) {
        Ok(s) => {
            assert_finite("score", &s);
            assert_within("score total", s.total, instrument.total_range());
            for sub in &s.subscales {
                let index = instrument
                    .subscales()
                    .iter()
                    .position(|x| x.name == sub.name)
                    .unwrap_or_else(|| panic!("score names an unknown subscale {:?}", sub.name));
                let range = instrument.subscale_range(index).expect("subscale range");
                assert_within(&format!("subscale {}", sub.name), sub.value, range);
            }
            let json = serde_json::to_string(&s).expect("a score serialises");
            let back: therapeutic_alliance::Score =
                therapeutic_alliance::document::from_json(&json).expect("a score reads back");
            assert_eq!(back, s, "score round trip");
        }
        Err(e) => assert_finite("score error", &e),
    }
}
