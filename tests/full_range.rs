//! Full-range property tests (issue 23): every public numeric function on inputs drawn from
//! all finite `f64` (normal, subnormal, zero, near `f64::MAX`, offset by 1e15) and degenerate
//! shapes returns finite numbers (a `None` where the reference prints NA) or a typed error
//! that itself carries no NaN or infinity. Never a panic.

use proptest::prelude::*;
use therapeutic_alliance::stats::{
    AlphaOptions, IccOptions, MetaOptions, MixedMethod, MixedOptions, TauMethod, alpha,
    alpha_with_missing, icc, icc_with_missing, meta_analysis_rn, omega_total, random_intercept,
};

/// Any finite `f64`, weighted towards the hostile corners.
fn any_finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        1 => (-1.0f64..1.0).prop_map(|v| v * f64::MAX),
        1 => (-1.0f64..1.0).prop_map(|v| v * 1e300),
        1 => (-1.0f64..1.0).prop_map(|v| v * 1e-300),
        1 => (-30.0f64..30.0).prop_map(|v| 1e15 + v.round()),
        2 => (1i32..=5).prop_map(f64::from),
        1 => -30.0f64..30.0,
    ]
}

/// Panics if the `Debug` text of a result or error holds a NaN or an infinity (every string
/// in these results is an item name or a message without such a word).
#[track_caller]
fn assert_finite(what: &str, value: &impl std::fmt::Debug) {
    let text = format!("{value:?}");
    let bad = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|t| t == "NaN" || t == "inf");
    assert!(!bad, "{what}: a number is not finite: {text}");
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: ProptestConfig::default().cases.max(256),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn alpha_and_omega_are_finite_or_a_typed_error(
        p in 2usize..6,
        cells in prop::collection::vec(any_finite(), 0..48),
        holes in prop::collection::vec(any::<bool>(), 48),
    ) {
        let rows = cells.len() / p;
        let data = &cells[..rows * p];
        let options = AlphaOptions::new();
        assert_finite("alpha", &alpha(data, p, &options));
        assert_finite("omega_total", &omega_total(data, p));
        let with_missing: Vec<Vec<Option<f64>>> = data
            .chunks(p)
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, &v)| (!holes[(r * p + j) % holes.len()]).then_some(v))
                    .collect()
            })
            .collect();
        assert_finite("alpha_with_missing", &alpha_with_missing(&with_missing, &options));
    }

    #[test]
    fn icc_is_finite_or_a_typed_error(
        k in 2usize..5,
        cells in prop::collection::vec(any_finite(), 0..40),
        drop in any::<bool>(),
    ) {
        let rows = cells.len() / k;
        let data = &cells[..rows * k];
        assert_finite("icc", &icc(data, k, &IccOptions::new()));
        let with_missing: Vec<Vec<Option<f64>>> = data
            .chunks(k)
            .enumerate()
            .map(|(r, row)| row.iter().enumerate().map(|(j, &v)| (r + j != 3).then_some(v)).collect())
            .collect();
        let options = IccOptions::builder().drop_incomplete(drop).build().unwrap();
        assert_finite("icc_with_missing", &icc_with_missing(&with_missing, &options));
    }

    #[test]
    fn meta_analysis_is_finite_or_a_typed_error(
        studies in prop::collection::vec((any_finite(), any_finite()), 0..12),
        method in prop::sample::select(vec![
            TauMethod::FixedEffect,
            TauMethod::DerSimonianLaird,
            TauMethod::Reml,
            TauMethod::Ml,
            TauMethod::Hedges,
            TauMethod::SidikJonkman,
            TauMethod::PauleMandel,
        ]),
        knha in any::<bool>(),
    ) {
        let (r, n): (Vec<f64>, Vec<f64>) = studies.into_iter().unzip();
        // correlations are bounded: fold the draw into (-1, 1) half of the time
        let r: Vec<f64> = r.iter().enumerate().map(|(i, &v)| if i % 2 == 0 { v.tanh() } else { v }).collect();
        let options = MetaOptions::new().method(method).knapp_hartung(knha);
        assert_finite("meta_analysis_rn", &meta_analysis_rn(&r, &n, &options));
    }

    #[test]
    fn random_intercept_is_finite_or_a_typed_error(
        rows in prop::collection::vec((0u8..4, any_finite(), any_finite()), 0..16),
        ml in any::<bool>(),
    ) {
        let ids: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let x: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let method = if ml { MixedMethod::Ml } else { MixedMethod::Reml };
        let options = MixedOptions::new().method(method);
        assert_finite("random_intercept", &random_intercept(&ids, &[("x", &x)], &y, &options));
    }
}
