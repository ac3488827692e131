//! cargo-fuzz driver of the `responses_json` target; its body is in tests/fuzz_targets/responses_json.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::responses_json::run(data));
