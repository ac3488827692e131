//! The bundled synthetic data set (`examples/data/synthetic/`) is reproducible: regenerating it
//! with the default seed gives the committed files byte for byte, it loads as courses, and its
//! reliability and alliance–outcome correlation are where the generator's docs say.

#[path = "../examples/synth/mod.rs"]
mod synth;

use std::path::Path;

use therapeutic_alliance::Course;

/// The committed file, or `None` in the published package, which leaves the data set out (see
/// the `include` list in Cargo.toml). Only a packaged crate, recognised by the
/// `Cargo.toml.orig` that `cargo package` writes, may lack the files: in the repository a
/// missing file fails the test.
fn committed(name: &str) -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("examples/data/synthetic").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) if !path.exists() && root.join("Cargo.toml.orig").exists() => {
            eprintln!("{}: not in the published package; skipped", path.display());
            None
        }
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn regenerates_the_committed_files_bit_for_bit() {
    let data = synth::generate(synth::DEFAULT_SEED).unwrap();
    assert_eq!(data.files.len(), 4);
    for (name, text) in &data.files {
        // compare lengths first for a readable failure, then bytes
        let Some(want) = committed(name) else {
            return;
        };
        assert_eq!(
            text.len(),
            want.len(),
            "{name}: length differs; rerun generate_data"
        );
        assert!(
            *text == want,
            "{name}: content differs; rerun generate_data"
        );
    }
}

#[test]
fn committed_courses_load_with_the_crate() {
    let Some(text) = committed("courses.json") else {
        return;
    };
    let courses: Vec<Course> = serde_json::from_str(&text).unwrap();
    assert_eq!(courses.len(), synth::CLIENTS);
    for c in &courses {
        assert!(
            (6..=20).contains(&c.len()),
            "{}: {} sessions",
            c.client(),
            c.len()
        );
    }
}

#[test]
fn another_seed_gives_other_data_and_same_seed_same_data() {
    let a = synth::generate(7).unwrap();
    let b = synth::generate(7).unwrap();
    let c = synth::generate(8).unwrap();
    assert_eq!(a.files, b.files);
    assert_ne!(a.files[0].1, c.files[0].1);
}

#[test]
fn reliability_and_alliance_outcome_are_realistic() {
    let data = synth::generate(synth::DEFAULT_SEED).unwrap();
    let checks = synth::checks(&data).unwrap();
    let wai = checks.alpha_first.iter().find(|a| a.0 == "wai-sr").unwrap();
    assert!((0.85..=0.92).contains(&wai.2), "WAI-SR alpha {}", wai.2);
    assert!((0.85..=0.92).contains(&checks.alpha_wai_all));
    for &(id, _, a) in &checks.alpha_first {
        assert!((0.75..0.97).contains(&a), "{id}: alpha {a}");
    }
    let r = checks.r_alliance_ors_change;
    assert!((0.2..=0.36).contains(&r), "alliance-outcome r {r}");
}

#[test]
fn prng_matches_the_published_reference_stream() {
    // SplitMix64 with seed 1234567: first outputs from the reference implementation
    // (Vigna's splitmix64.c).
    let mut sm = synth::SplitMix64::new(1234567);
    assert_eq!(sm.next_u64(), 6457827717110365317);
    assert_eq!(sm.next_u64(), 3203168211198807973);
    // normal deviates are bounded Irwin-Hall sums
    let mut rng = synth::Rng::new(1);
    for _ in 0..1000 {
        let z = rng.normal();
        assert!(z.abs() <= 6.0);
        let u = rng.uniform();
        assert!((0.0..1.0).contains(&u));
    }
}
