//! cargo-fuzz driver of the `fhir_response` target; its body is in tests/fuzz_targets/fhir_response.rs.
#![no_main]

#[path = "../../tests/fuzz_targets/mod.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::fhir_response::run(data));
