//! cargo-fuzz driver of the `courses_json` target; its body is in tests/fuzz_targets/courses_json.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::courses_json::run(data));
