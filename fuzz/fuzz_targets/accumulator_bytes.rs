//! cargo-fuzz driver of the `accumulator_bytes` target; its body is in tests/fuzz_targets/accumulator_bytes.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::accumulator_bytes::run(data));
