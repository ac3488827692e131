//! The one loader for the golden tests: fixtures and expected values from `testdata/` (what each
//! file is, where it comes from and which script produced it: `testdata/README.md`), and the one
//! tolerance check. Each test file keeps its own tolerance constants; this module only compares.

use std::path::PathBuf;

use serde_json::Value;

/// Path of a file in `testdata/`.
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

/// A file of `testdata/` as text.
pub fn text(name: &str) -> String {
    let p = path(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// A JSON file of `testdata/`.
pub fn json(name: &str) -> Value {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A CSV file of `testdata/` (header row expected).
pub fn csv(name: &str) -> csv::Reader<std::fs::File> {
    csv::Reader::from_path(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A number of an expected-value file (panics with the key when it is not one).
pub fn num(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what}: expected a number, found {v}"))
}

/// Relative error of `got` against `want`; the absolute error where `want` is exactly 0.
pub fn rel_err(got: f64, want: f64) -> f64 {
    if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    }
}

/// Asserts `rel_err(got, want) <= tol` and returns the error (to track the worst one).
pub fn close(what: &str, got: f64, want: f64, tol: f64) -> f64 {
    let err = rel_err(got, want);
    assert!(
        err <= tol,
        "{what}: got {got:.17e}, want {want:.17e} (rel err {err:.2e} > {tol:.0e})"
    );
    err
}
