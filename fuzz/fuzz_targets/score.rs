//! cargo-fuzz driver of the `score` target; its body is in tests/fuzz_targets/score.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::score::run(data));
