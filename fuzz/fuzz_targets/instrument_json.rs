//! cargo-fuzz driver of the `instrument_json` target; its body is in tests/fuzz_targets/instrument_json.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::instrument_json::run(data));
