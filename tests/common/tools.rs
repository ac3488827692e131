//! The example programs, built and run from a test as a user runs them: `cargo build
//! --example` with every feature (as CI does), the same profile and target directory as the
//! test.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the examples `names` in one cargo run and returns the directory of their binaries.
pub fn build_examples(names: &[&str]) -> PathBuf {
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "-q", "--all-features"]);
    for name in names {
        cargo.args(["--example", name]);
    }
    let status = cargo
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cannot build examples {names:?}");
    // this test's binary is target/<profile>/deps/<test>-<hash>
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    profile_dir.join("examples")
}

/// Builds example `name` and returns its binary.
pub fn example(name: &str) -> PathBuf {
    build_examples(&[name]).join(name)
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ta-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
