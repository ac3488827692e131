//! Replays the fuzz corpus on stable: every file in `fuzz/corpus/<target>/` and every crash
//! committed in `fuzz/artifacts/<target>/` (a regression) goes through the same target body
//! the cargo-fuzz binary runs (`tests/fuzz_targets/`), which panics if the library breaks its
//! contract. Neither `fuzz/` nor this file is in the published package (Cargo.toml `include`);
//! without `fuzz/` there is nothing to replay.
#![cfg(all(feature = "csv", feature = "fhir"))]

#[path = "fuzz_targets/mod.rs"]
mod fuzz_targets;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_corpus_file_and_committed_crash_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    if !root.is_dir() {
        eprintln!("no fuzz/ directory (a packaged crate): nothing to replay");
        return;
    }
    let mut failures = Vec::new();
    for &(name, run) in fuzz_targets::TARGETS {
        let corpus = files(&root.join("corpus").join(name));
        assert!(!corpus.is_empty(), "target {name} has no seed corpus");
        let artifacts = files(&root.join("artifacts").join(name));
        for path in corpus.iter().chain(&artifacts) {
            let data = std::fs::read(path).expect("a readable corpus file");
            if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{name}: {}: {msg}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    if !root.is_dir() {
        return;
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for &(name, _) in fuzz_targets::TARGETS {
        let binary = root.join("fuzz_targets").join(format!("{name}.rs"));
        assert!(binary.is_file(), "no {}", binary.display());
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} not in fuzz/Cargo.toml"
        );
    }
}
