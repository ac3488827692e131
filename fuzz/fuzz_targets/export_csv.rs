//! cargo-fuzz driver of the `export_csv` target; its body is in tests/fuzz_targets/export_csv.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::export_csv::run(data));
