//! Red-team repros (issue 23): each of these panicked, aborted, hung or returned NaN/∞ before,
//! or (the accumulators) accepted a state their own import refused. One test per repro, named
//! after it.

use proptest::prelude::*;
use therapeutic_alliance::monitor::{
    CourseInput, CourseReport, RuptureOptions, RuptureThreshold, Series, course_svg,
};
use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, CorrelationAccumulator, GrandMean, IccAccumulator, IccOptions,
    MetaOptions, StatsError, TauMethod, alpha, icc, meta_analysis_rn, omega_from_correlation,
    omega_total, person_mean_centre, spearman, within_regression,
};
use therapeutic_alliance::{
    Comparison, Cutoff, ErrorCode, Instrument, InstrumentBuilder, Norms, ResponseScale, Responses,
    Score, ScoreError, StoredProblem, check_stored, parse_answer,
};

#[test]
fn responses_with_capacity_usize_max_and_2_pow_40_neither_panic_nor_abort() {
    for n in [usize::MAX, 1 << 40, Responses::MAX_ANSWERS + 1] {
        assert!(
            matches!(
                Responses::try_with_capacity(n),
                Err(ScoreError::TooLarge { requested, .. }) if requested == n
            ),
            "{n}"
        );
        // the infallible one is capped at the number of possible items
        let r = Responses::with_capacity(n);
        assert!(r.is_empty());
    }
    let e = Responses::try_with_capacity(usize::MAX).unwrap_err();
    assert_eq!(e.code(), "too_large");
    assert!(Responses::try_with_capacity(Responses::MAX_ANSWERS).is_ok());
}

#[test]
fn omega_total_with_usize_max_items_or_2_pow_31_items_on_no_data_is_an_error() {
    assert!(omega_total(&[1., 2.], usize::MAX).is_err());
    // was 51 GB of item names before the shape check
    assert!(matches!(
        omega_total(&[], 1 << 31),
        Err(StatsError::EmptyInput { .. })
    ));
    assert!(omega_total(&[1.0, 2.0, 3.0], usize::MAX - 1).is_err());
}

#[test]
fn omega_from_correlation_with_wrapping_squares_is_an_error() {
    // (2^32)² wraps to 0: indexed out of bounds
    assert!(matches!(
        omega_from_correlation(&[], 1 << 32),
        Err(StatsError::TooLarge { .. })
    ));
    // usize::MAX² wraps to 1: looped forever
    assert!(matches!(
        omega_from_correlation(&[1.0], usize::MAX),
        Err(StatsError::TooLarge { .. })
    ));
    assert!(matches!(
        omega_from_correlation(&[1.0, 0.5, 0.5], 2),
        Err(StatsError::LengthMismatch { .. })
    ));
}

fn empty_report() -> CourseReport {
    serde_json::from_str(r#"{"alliance": null, "outcome": null, "alerts": []}"#).unwrap()
}

fn svg_of(
    points: Vec<(u32, f64)>,
    options: &therapeutic_alliance::monitor::ChartOptions,
) -> Result<String, therapeutic_alliance::monitor::MonitorError> {
    let series = Series::new(points).unwrap();
    course_svg(
        &CourseInput::new().alliance(&series),
        &empty_report(),
        options,
    )
}

#[test]
fn course_svg_with_a_tick_step_below_float_spacing_terminates() {
    use therapeutic_alliance::monitor::ChartOptions;
    let svg = svg_of(
        vec![(1, 1e12), (2, 1e12 - 1e-4), (3, 1e12)],
        &ChartOptions::new(),
    )
    .unwrap();
    assert!(svg.trim_end().ends_with("</svg>") && !svg.contains("NaN"));
    // fixed y ranges near 1e17 (float spacing 16)
    for range in [
        (1e17, 1e17 + 16.0),
        (1e17, 1e17 + 64.0),
        (-1e17 - 32.0, -1e17),
    ] {
        let svg = svg_of(
            vec![(1, 1.0), (2, 2.0)],
            &ChartOptions::new().y_ranges(range, range),
        )
        .unwrap();
        assert!(
            svg.trim_end().ends_with("</svg>") && !svg.contains("NaN"),
            "{range:?}"
        );
    }
    // a fixed range whose span overflows
    let huge = (-1e308, 1e308);
    assert!(svg_of(vec![(1, 1.0)], &ChartOptions::new().y_ranges(huge, huge)).is_err());
    // data at the series' limit, 1e12, with a span below its float spacing
    let svg = svg_of(vec![(1, -1e12), (2, -1e12 + 1e-4)], &ChartOptions::new()).unwrap();
    assert!(!svg.contains("NaN"));
}

#[test]
fn course_svg_with_a_nan_cutoff_is_an_error_not_nan_in_the_svg() {
    use therapeutic_alliance::monitor::{ChartOptions, MonitorError};
    for value in [f64::NAN, f64::INFINITY] {
        let options = ChartOptions::new().alliance_cutoff(Cutoff::new(Comparison::Less, value));
        assert!(matches!(
            svg_of(vec![(1, 30.0), (2, 35.0)], &options),
            Err(MonitorError::InvalidParameter { .. })
        ));
        let options = ChartOptions::new().outcome_cutoff(Cutoff::new(Comparison::Less, value));
        let s = Series::new(vec![(1, 30.0), (2, 35.0)]).unwrap();
        assert!(course_svg(&CourseInput::new().outcome(&s), &empty_report(), &options).is_err());
    }
}

#[test]
fn instruments_whose_bounds_times_items_overflow_are_refused_at_build_and_deserialise() {
    let vas = |max: f64, items: u16| {
        InstrumentBuilder::new("vas-x", "VAS", ResponseScale::visual_analogue(1.0, max))
            .items(1..=items)
            .build()
    };
    assert!(vas(1e308, 1).is_ok()); // one item: the total is the answer
    assert!(vas(1e308, 2).is_err());
    assert!(vas(f64::MAX, 3).is_err());
    // the definition document goes through the same check
    let mut def = serde_json::to_value(vas(1e308, 1).unwrap()).unwrap();
    let items = def["items"].as_array().unwrap().clone();
    let mut second = items[0].clone();
    second["number"] = 2.into();
    def["items"].as_array_mut().unwrap().push(second);
    assert!(serde_json::from_value::<Instrument>(def).is_err());
}

#[test]
fn norms_with_a_huge_sd_give_no_infinite_reliable_change_threshold() {
    let n = Norms::new(10.0, 1e308, 0.8);
    assert_eq!(n.reliable_change_threshold(), None);
    assert_eq!(
        Norms::new(10.0, f64::NAN, 0.8).reliable_change_threshold(),
        None
    );
    assert_eq!(Norms::new(10.0, 5.0, 1.5).reliable_change_threshold(), None);
    let ok = Norms::new(10.0, 5.0, 0.8)
        .reliable_change_threshold()
        .unwrap();
    assert!((ok - 1.96 * 5.0 * 0.4f64.sqrt()).abs() < 1e-12);
    let built = InstrumentBuilder::new("x", "X", ResponseScale::likert(0, 4))
        .items(1..=5)
        .norms(n)
        .build();
    assert!(built.is_err());
}

#[test]
fn within_regression_on_data_times_1e154_is_finite_and_a_perfect_fit_has_no_t() {
    let ids = [1, 1, 1, 2, 2, 2];
    let x = [1.0, 2.0, 3.0, 5.0, 6.0, 7.0];
    let y = [2.0, 4.1, 5.9, 1.0, 3.0, 5.0];
    let base = within_regression(&ids, &[&x], &y).unwrap();
    let big = |v: &[f64]| v.iter().map(|a| a * 1e154).collect::<Vec<_>>();
    let (bx, by) = (big(&x), big(&y));
    let fit = within_regression(&ids, &[&bx], &by).unwrap();
    let (c, b) = (&fit.coefficients[0], &base.coefficients[0]);
    assert!((c.estimate - b.estimate).abs() < 1e-12 * b.estimate.abs());
    assert!(c.se.is_finite() && fit.sigma.is_finite() && fit.rss.is_finite());
    assert!((c.t.unwrap() - b.t.unwrap()).abs() < 1e-9 * b.t.unwrap().abs());
    // a perfect fit: se = 0, t undefined (was +∞)
    let perfect = [2.0, 4.0, 6.0, 10.0, 12.0, 14.0];
    let fit = within_regression(&ids, &[&x], &perfect).unwrap();
    let c = &fit.coefficients[0];
    assert_eq!(c.estimate, 2.0);
    assert_eq!(c.t, None);
    assert!(c.se.is_finite() && c.p.is_finite());
    // a result that cannot be finite is an error naming it
    let huge = [
        f64::MAX,
        -f64::MAX,
        f64::MAX,
        -f64::MAX,
        f64::MAX,
        -f64::MAX,
    ];
    match within_regression(&ids, &[&x], &huge) {
        Ok(fit) => assert!(fit.rss.is_finite() && fit.coefficients[0].estimate.is_finite()),
        Err(e) => assert_eq!(e.code(), "overflow"),
    }
}

#[test]
fn person_mean_centre_with_f64_max_values_has_finite_means() {
    let ids = ["a", "a", "b", "b"];
    let x = [f64::MAX, f64::MAX, f64::MAX, f64::MAX / 2.0];
    for grand in [GrandMean::Rows, GrandMean::Persons] {
        let d = person_mean_centre(&ids, &x, grand).unwrap();
        assert_eq!(d.person_mean[0], f64::MAX);
        assert_eq!(d.person_mean[2], 0.75 * f64::MAX);
        assert!(d.grand_mean.is_finite());
        assert!(d.within.iter().chain(&d.between).all(|v| v.is_finite()));
    }
    // differences that overflow are an error, not ±∞
    let e = person_mean_centre(
        &ids,
        &[f64::MAX, f64::MAX, -f64::MAX, -f64::MAX],
        GrandMean::Rows,
    );
    assert!(e.is_ok_and(|d| d.between.iter().all(|v| v.is_finite())));
    let lopsided = ["a", "b", "b", "b"];
    let e = person_mean_centre(
        &lopsided,
        &[f64::MAX, -f64::MAX, -f64::MAX, -f64::MAX],
        GrandMean::Rows,
    )
    .unwrap_err();
    assert_eq!(e.code(), "overflow");
}

#[test]
fn alpha_var_r_is_none_with_two_items_and_var_r_if_dropped_none_with_three() {
    let three = [
        3.0, 3.0, 4.0, 4.0, 5.0, 4.0, 2.0, 2.0, 3.0, 5.0, 4.0, 5.0, 1.0, 2.0, 1.0,
    ];
    let a = alpha(&three, 3, &AlphaOptions::new()).unwrap();
    assert!(a.var_r.is_some_and(f64::is_finite));
    assert!(a.items.iter().all(|i| i.var_r_if_dropped.is_none()));
    let two = [3.0, 3.0, 4.0, 5.0, 2.0, 2.0, 5.0, 4.0, 1.0, 2.0];
    let a = alpha(&two, 2, &AlphaOptions::new()).unwrap();
    assert_eq!(a.var_r, None);
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("NaN"));
}

#[test]
fn spearman_with_r_plus_or_minus_one_has_no_t() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let c = spearman(&x, &[1.0, 4.0, 9.0, 16.0, 25.0]).unwrap();
    assert_eq!(c.t, None);
    let c = spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]).unwrap();
    assert_eq!(c.t, None);
    assert!(c.p.is_finite());
    let c = therapeutic_alliance::stats::pearson(&x, &[2.0, 4.0, 6.0, 8.0, 10.0]).unwrap();
    assert_eq!(c.t, None);
}

#[test]
fn parse_answer_refuses_inf_and_1e400() {
    for cell in ["inf", "-inf", "infinity", "1e400", "-1e400"] {
        assert!(
            matches!(
                parse_answer(cell, 3, false),
                Err(ScoreError::NonFinite { item: 3, .. })
            ),
            "{cell}"
        );
    }
    assert!(parse_answer("1e300", 3, false).is_ok());
}

#[test]
fn rupture_options_builder_refuses_points_nan() {
    for t in [
        RuptureThreshold::Points(f64::NAN),
        RuptureThreshold::Points(-1.0),
        RuptureThreshold::ReliableChange(f64::INFINITY),
        RuptureThreshold::BetweenClientSd {
            sd: f64::NAN,
            multiple: 1.0,
        },
        RuptureThreshold::BetweenClientSd {
            sd: 1e300,
            multiple: 1e300,
        },
        RuptureThreshold::WithinClientSd {
            multiple: 1.0,
            min_sessions: 1,
        },
    ] {
        assert!(RuptureOptions::builder(t).build().is_err(), "{t:?}");
    }
    assert!(
        RuptureOptions::builder(RuptureThreshold::Points(5.0))
            .build()
            .is_ok()
    );
}

#[test]
fn dersimonian_laird_se_tau2_is_finite_or_none() {
    let cases: [(&[f64], &[f64]); 4] = [
        (&[0.3, 0.2, 0.25], &[50.0, 120.0, 80.0]),
        (&[0.9, -0.9], &[1e12, 3.000_001]),
        (&[0.5, 0.5], &[1e12, 1e12]),
        (&[0.99, -0.99, 0.0], &[1e12, 1e12, 3.5]),
    ];
    for (r, n) in cases {
        for method in [
            TauMethod::DerSimonianLaird,
            TauMethod::Reml,
            TauMethod::Hedges,
        ] {
            let Ok(res) = meta_analysis_rn(r, n, &MetaOptions::new().method(method)) else {
                continue;
            };
            assert!(
                res.se_tau2.is_none_or(f64::is_finite),
                "{r:?} {n:?} {method:?}"
            );
            assert!(res.tau2.is_finite(), "{r:?} {n:?} {method:?}");
        }
    }
}

#[test]
fn dersimonian_laird_se_tau2_with_one_study_outweighing_the_other_by_1e12_is_right() {
    // tr(P) and tr(PP) cancelled catastrophically: se_tau2 was NaN (or a wrong finite value)
    let res = meta_analysis_rn(
        &[0.999_999, -0.999_999],
        &[4.0, 1e12],
        &MetaOptions::new().method(TauMethod::DerSimonianLaird),
    )
    .unwrap();
    assert!(res.se_tau2.is_some_and(f64::is_finite) && res.tau2.is_finite());
    // τ² = 0: se = √2 / tr(P), tr(P) = 2 w1 w2 / (w1 + w2)
    let (n1, n2) = (1e12_f64, 3.000_001_f64);
    let res = meta_analysis_rn(
        &[0.9, -0.9],
        &[n1, n2],
        &MetaOptions::new().method(TauMethod::DerSimonianLaird),
    )
    .unwrap();
    let (w1, w2) = (n1 - 3.0, n2 - 3.0);
    let expected = 2f64.sqrt() / (2.0 * w1 * w2 / (w1 + w2));
    let se = res.se_tau2.unwrap();
    assert!(
        (se - expected).abs() < 1e-6 * expected,
        "{se} vs {expected}"
    );
}

#[test]
fn check_stored_refuses_answered_usize_max() {
    let phq = Instrument::builtin("phq-9").unwrap();
    let mut s = Score::new("phq-9", 9.0);
    assert!(check_stored(&phq, &s, None).is_ok());
    s.answered = usize::MAX;
    let e = check_stored(&phq, &s, None).unwrap_err();
    assert!(
        matches!(e.problem, StoredProblem::Counts { items: 9 }),
        "{e}"
    );
    assert_eq!(e.code(), "stored_counts");
    assert_eq!(e.score, "answered");
    s.answered = 8;
    s.imputed = 2;
    assert!(check_stored(&phq, &s, None).is_err());
    s.imputed = 1;
    assert!(check_stored(&phq, &s, None).is_ok());
}

#[test]
fn icc_and_alpha_errors_name_the_data_not_internal_parameters() {
    // ratings whose squares overflow
    let data = [1e200, 2e200, 3e200, 1e200, 5e200, 4e200, 2e200, 2e200];
    let e = icc(&data, 2, &IccOptions::new()).unwrap_err();
    let m = e.to_string();
    assert!(
        !m.contains("parameter msr") && !m.contains("parameter"),
        "{m}"
    );
    // alpha on the same data: its covariances exceed f64, but the accumulator holds the items
    // in power-of-two-scaled frames, so alpha exists and equals that of the data / 1e200
    let a = alpha(&data, 2, &AlphaOptions::new()).unwrap();
    let small: Vec<f64> = data.iter().map(|v| v / 1e200).collect();
    let b = alpha(&small, 2, &AlphaOptions::new()).unwrap();
    assert!((a.raw_alpha - b.raw_alpha).abs() < 1e-12 && (a.sd / 1e200 - b.sd).abs() < 1e-12);
    // where alpha is undefined the message still names the data: items near ±f64::MAX
    let e = alpha(
        &[f64::MAX, f64::MAX, -f64::MAX, -f64::MAX, 0.0, 1.0],
        2,
        &AlphaOptions::new(),
    )
    .unwrap_err();
    let m = e.to_string();
    assert!(!m.contains("parameter"), "{m}");
}

/// A zero-sized row claiming a million values (a type the caller may define).
#[derive(Clone, Copy)]
struct WideRow;

impl AsRef<[f64]> for WideRow {
    fn as_ref(&self) -> &[f64] {
        static ROW: [f64; 1 << 20] = [1.0; 1 << 20];
        &ROW
    }
}

#[test]
fn alpha_rows_whose_size_overflows_is_an_error_not_a_panic() {
    // 2^50 zero-sized rows of 2^20 values: 2^70 values, cost nothing to claim
    let rows = [WideRow; 1 << 50];
    assert!(matches!(
        therapeutic_alliance::stats::alpha_rows(&rows, &AlphaOptions::new()),
        Err(StatsError::TooLarge { .. })
    ));
}

#[test]
fn alpha_accumulator_16000_items_and_icc_accumulator_2_pow_27_raters_are_too_large_not_aborts() {
    // 16,000 items were 10 GB of moments, 2^27 raters 9.7 GB: reserved under overcommit, then
    // the process was killed touching the pages
    for n in [16_000, AlphaAccumulator::MAX_ITEMS + 1, usize::MAX] {
        match AlphaAccumulator::new(n) {
            Err(StatsError::TooLarge { what, size, .. }) => {
                assert_eq!((what.as_str(), size), ("items", n as u128));
            }
            other => panic!("{n} items: {other:?}"),
        }
    }
    for n in [1 << 27, IccAccumulator::MAX_RATERS + 1, usize::MAX] {
        match IccAccumulator::new(n) {
            Err(StatsError::TooLarge { what, size, .. }) => {
                assert_eq!((what.as_str(), size), ("raters", n as u128));
            }
            other => panic!("{n} raters: {other:?}"),
        }
    }
    let e = AlphaAccumulator::new(16_000).unwrap_err();
    assert!(e.to_string().contains("16000"), "{e}");
    assert!(IccAccumulator::new(IccAccumulator::MAX_RATERS).is_ok());
    assert!(AlphaAccumulator::new(64).is_ok());
    // the in-memory functions run on the same accumulators
    let wide = vec![1.0; 2 * 16_000];
    assert!(matches!(
        alpha(&wide, 16_000, &AlphaOptions::new()),
        Err(StatsError::TooLarge { .. })
    ));
    let rows = vec![vec![Some(1.0); 16_000]; 2];
    assert!(matches!(
        therapeutic_alliance::stats::alpha_with_missing(&rows, &AlphaOptions::new()),
        Err(StatsError::TooLarge { .. })
    ));
    let wide = vec![1.0; 2 * (IccAccumulator::MAX_RATERS + 1)];
    assert!(matches!(
        icc(&wide, IccAccumulator::MAX_RATERS + 1, &IccOptions::new()),
        Err(StatsError::TooLarge { .. })
    ));
}

#[test]
fn correlation_accumulator_merged_with_itself_64_times_stops_at_2_pow_53_not_wraps_to_0() {
    let mut acc = CorrelationAccumulator::new();
    for (x, y) in [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0)] {
        acc.push(x, y).unwrap();
    }
    acc.push_pairwise(Some(1.0), None).unwrap();
    let mut refused = None;
    for _ in 0..64 {
        let copy = acc;
        if let Err(e) = acc.merge(&copy) {
            assert_eq!(acc, copy, "a refused merge changed the accumulator");
            refused = Some(e);
            break;
        }
    }
    assert!(
        matches!(refused, Some(StatsError::TooLarge { .. })),
        "{refused:?}"
    );
    assert!(acc.count() > 0 && acc.count() + acc.n_missing() <= 1 << 53);
    assert_eq!(
        CorrelationAccumulator::from_bytes(&acc.to_bytes()).unwrap(),
        acc
    );
    let r = acc
        .finish(&therapeutic_alliance::stats::CorrelationOptions::new())
        .unwrap();
    assert!(r.r.is_finite());
}

#[test]
fn pushes_and_merges_near_the_f64_range_are_accepted_and_round_trip() {
    // 1e200 squared, and values near f64::MAX whose difference is infinite: every accumulator
    // holds its moments in shifted, power-of-two-scaled frames (differences on halves where
    // they would overflow), so these pushes and merges are accepted and the states round-trip
    for (a, b) in [(1e200, -1e200), (f64::MAX, -f64::MAX), (f64::MAX, 0.0)] {
        let mut alpha_acc = AlphaAccumulator::new(2).unwrap();
        alpha_acc.push(&[a, 1.0]).unwrap();
        alpha_acc.push(&[b, 2.0]).unwrap();
        alpha_acc.push_rows(&[b, 2.0, b, 3.0]).unwrap();
        let mut other = AlphaAccumulator::new(2).unwrap();
        other.push_rows(&[b, 2.0, b, 3.0]).unwrap();
        alpha_acc.merge(&other).unwrap();
        assert_eq!(alpha_acc.count(), 6);
        assert_eq!(
            AlphaAccumulator::from_bytes(&alpha_acc.to_bytes()).unwrap(),
            alpha_acc
        );
        // one row at a time and one block give the same state's statistics
        let mut by_rows = AlphaAccumulator::new(2).unwrap();
        for row in [[a, 1.0], [b, 2.0], [b, 2.0], [b, 3.0], [b, 2.0], [b, 3.0]] {
            by_rows.push(&row).unwrap();
        }
        let options = AlphaOptions::new();
        match (alpha_acc.finish(&options), by_rows.finish(&options)) {
            (Ok(x), Ok(y)) => assert!((x.raw_alpha - y.raw_alpha).abs() < 1e-12),
            (Err(x), Err(y)) => assert_eq!(x.to_string(), y.to_string()),
            other => panic!("{other:?}"),
        }

        // the ICC accumulator holds its moments in one shifted, power-of-two-scaled frame:
        // the same rows are accepted and its state round-trips
        let mut icc_acc = IccAccumulator::new(2).unwrap();
        icc_acc.push(&[1.0, 2.5]).unwrap();
        icc_acc.push(&[2.0, 2.0]).unwrap();
        icc_acc.push(&[a, b]).unwrap();
        icc_acc.push_rows(&[1.0, 2.0, a, b]).unwrap();
        assert!(icc_acc.push_with_missing(&[Some(a), Some(b)]).unwrap());
        assert_eq!(
            IccAccumulator::from_bytes(&icc_acc.to_bytes()).unwrap(),
            icc_acc
        );

        // the correlation accumulator holds its moments in shifted, power-of-two-scaled
        // frames (Chan, Golub & LeVeque 1983): the same pushes and merges are accepted, its
        // state round-trips, and r equals the in-memory r
        let mut r = CorrelationAccumulator::new();
        r.push(a, 1.0).unwrap();
        r.push(b, 2.0).unwrap();
        let mut other = CorrelationAccumulator::new();
        other.push(b, 1.0).unwrap();
        other.push(b, 3.0).unwrap();
        r.merge(&other).unwrap();
        assert_eq!(
            CorrelationAccumulator::from_bytes(&r.to_bytes()).unwrap(),
            r
        );
        let options = therapeutic_alliance::stats::CorrelationOptions::new();
        let streamed = r.finish(&options).unwrap();
        let batch =
            therapeutic_alliance::stats::correlate(&[a, b, b, b], &[1.0, 2.0, 1.0, 3.0], &options)
                .unwrap();
        assert!(
            (streamed.r - batch.r).abs() < 1e-12,
            "{} vs {}",
            streamed.r,
            batch.r
        );
    }
    // an exact (integer) state takes float rows near the range's end
    let mut acc = AlphaAccumulator::new(2).unwrap();
    acc.push_rows(&[1.0, 2.0, 3.0, 4.0]).unwrap();
    acc.push_rows(&[1e300, 1.0, -1e300, 1.0]).unwrap();
    assert!(!acc.is_exact());
    assert_eq!(acc.count(), 4);
    assert_eq!(AlphaAccumulator::from_bytes(&acc.to_bytes()).unwrap(), acc);
}

/// Any finite `f64`: full range, subnormals and signed zeros, plus small integers (the exact
/// path) and values near the square-root overflow threshold.
fn any_finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<f64>().prop_filter("finite", |x| x.is_finite()),
        2 => (-5i32..=5).prop_map(f64::from),
        1 => -1e160..1e160f64,
        1 => prop::sample::select(vec![f64::MAX, -f64::MAX, f64::MIN_POSITIVE, -0.0, 1e154, -1e154]),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Push(Vec<f64>),
    PushRows(Vec<f64>),
    MergeSelf,
    MergeOther,
    PushOther(Vec<f64>),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let row = || prop::collection::vec(any_finite(), 3);
    prop::collection::vec(
        prop_oneof![
            4 => row().prop_map(Op::Push),
            2 => prop::collection::vec(any_finite(), 6).prop_map(Op::PushRows),
            1 => Just(Op::MergeSelf),
            1 => Just(Op::MergeOther),
            2 => row().prop_map(Op::PushOther),
        ],
        0..24,
    )
}

/// Runs `op`; on error the accumulator must be unchanged; after it, the state must read back
/// from its own bytes.
fn checked<A: Clone + PartialEq + std::fmt::Debug>(
    acc: &mut A,
    op: impl FnOnce(&mut A) -> Result<(), StatsError>,
    bytes: impl Fn(&A) -> Vec<u8>,
    read: impl Fn(&[u8]) -> A,
) {
    let before = acc.clone();
    if op(acc).is_err() {
        assert_eq!(*acc, before);
    }
    let b = bytes(acc);
    let back = read(&b);
    assert_eq!(&back, acc);
    assert_eq!(bytes(&back), b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_reachable_accumulator_state_round_trips_through_its_bytes(ops in ops()) {
        let mut alpha_acc = (AlphaAccumulator::new(3).unwrap(), AlphaAccumulator::new(3).unwrap());
        let mut icc_acc = (IccAccumulator::new(3).unwrap(), IccAccumulator::new(3).unwrap());
        let mut corr = (CorrelationAccumulator::new(), CorrelationAccumulator::new());
        let ab = |a: &AlphaAccumulator| a.to_bytes();
        let ar = |b: &[u8]| AlphaAccumulator::from_bytes(b).expect("own alpha bytes");
        let ib = |a: &IccAccumulator| a.to_bytes();
        let ir = |b: &[u8]| IccAccumulator::from_bytes(b).expect("own icc bytes");
        let cb = |a: &CorrelationAccumulator| a.to_bytes();
        let cr = |b: &[u8]| CorrelationAccumulator::from_bytes(b).expect("own correlation bytes");
        for op in ops {
            match op {
                Op::Push(row) => {
                    checked(&mut alpha_acc.0, |a| a.push(&row), ab, ar);
                    checked(&mut icc_acc.0, |a| a.push(&row), ib, ir);
                    checked(&mut corr.0, |a| a.push(row[0], row[1]), cb, cr);
                }
                Op::PushRows(rows) => {
                    checked(&mut alpha_acc.0, |a| a.push_rows(&rows), ab, ar);
                    checked(&mut icc_acc.0, |a| a.push_rows(&rows), ib, ir);
                    checked(&mut corr.0, |a| a.push_pairwise(Some(rows[0]), None), cb, cr);
                }
                Op::PushOther(row) => {
                    checked(&mut alpha_acc.1, |a| a.push(&row), ab, ar);
                    checked(&mut icc_acc.1, |a| a.push(&row), ib, ir);
                    checked(&mut corr.1, |a| a.push(row[0], row[2]), cb, cr);
                }
                Op::MergeSelf => {
                    let (a, i, c) = (alpha_acc.0.clone(), icc_acc.0.clone(), corr.0);
                    checked(&mut alpha_acc.0, |x| x.merge(&a), ab, ar);
                    checked(&mut icc_acc.0, |x| x.merge(&i), ib, ir);
                    checked(&mut corr.0, |x| x.merge(&c), cb, cr);
                }
                Op::MergeOther => {
                    let (a, i, c) = (alpha_acc.1.clone(), icc_acc.1.clone(), corr.1);
                    checked(&mut alpha_acc.0, |x| x.merge(&a), ab, ar);
                    checked(&mut icc_acc.0, |x| x.merge(&i), ib, ir);
                    checked(&mut corr.0, |x| x.merge(&c), cb, cr);
                }
            }
        }
    }
}

/// Pearson r of small integers, computed exactly in integers up to the final square root.
fn exact_r(x: &[i64], y: &[i64]) -> f64 {
    let n = i64::try_from(x.len()).unwrap();
    let (sx, sy): (i64, i64) = (x.iter().sum(), y.iter().sum());
    let sxy: i64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
    let sxx: i64 = x.iter().map(|a| a * a).sum();
    let syy: i64 = y.iter().map(|b| b * b).sum();
    let (cxy, cxx, cyy) = (n * sxy - sx * sy, n * sxx - sx * sx, n * syy - sy * sy);
    cxy as f64 / ((cxx * cyy) as f64).sqrt()
}

#[test]
fn pearson_on_1e15_plus_small_integers_is_the_r_of_the_integers() {
    use therapeutic_alliance::stats::pearson;
    let xi = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    let yi = [4, 8, 1, 9, 2, 6, 3, 7, 3, 9];
    let want = exact_r(&xi, &yi);
    let xs: Vec<f64> = xi.iter().map(|&a| a as f64).collect();
    let ys: Vec<f64> = yi.iter().map(|&a| a as f64).collect();
    let base = pearson(&xs, &ys).unwrap().r;
    assert!((base - want).abs() < 1e-15, "{base} vs {want}");
    for offset in [1e15, -1e15, 4e15, 1e15 + 0.5] {
        let shift = |v: &[f64]| v.iter().map(|a| a + offset).collect::<Vec<_>>();
        let r = pearson(&shift(&xs), &shift(&ys)).unwrap().r;
        assert!((r - want).abs() < 1e-15, "offset {offset}: {r} vs {want}");
    }
}

/// The transforms of issue 23 under which a statistic must not change (or must scale).
/// A named transform of the data.
type Transform = (&'static str, fn(f64) -> f64);

fn hostile_transforms() -> Vec<Transform> {
    vec![
        ("x1e154", |v| v * 1e154),
        ("x1e300", |v| v * 1e300),
        ("x1e-160", |v| v * 1e-160),
        ("x1e-300", |v| v * 1e-300),
        ("+1e15", |v| v + 1e15),
        ("-1e15", |v| v - 1e15),
    ]
}

#[test]
fn pearson_and_spearman_on_data_scaled_1e154_or_1e_minus_160_or_offset_1e15_match_unscaled() {
    use therapeutic_alliance::stats::pearson;
    let x = [12.0, 15.5, 9.0, 20.0, 14.0, 11.5, 18.0, 16.0, 10.0, 13.0];
    let y = [30.0, 34.0, 28.5, 41.0, 33.0, 29.0, 36.0, 40.0, 27.0, 35.5];
    let (p, s) = (pearson(&x, &y).unwrap(), spearman(&x, &y).unwrap());
    for (name, f) in hostile_transforms() {
        let (tx, ty): (Vec<f64>, Vec<f64>) = (
            x.iter().map(|&v| f(v)).collect(),
            y.iter().map(|&v| f(v)).collect(),
        );
        let tp = pearson(&tx, &ty).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!((tp.r - p.r).abs() < 1e-14, "{name}: {} vs {}", tp.r, p.r);
        assert!(
            tp.p.is_finite() && tp.ci_lb.is_some_and(f64::is_finite),
            "{name}"
        );
        let ts = spearman(&tx, &ty).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!((ts.r - s.r).abs() < 1e-15, "{name}: {} vs {}", ts.r, s.r);
        // x against -x: exactly -1 to within rounding, never "has zero variance"
        let neg: Vec<f64> = tx.iter().map(|v| -v).collect();
        assert!(
            (pearson(&tx, &neg).unwrap().r + 1.0).abs() < 1e-15,
            "{name}"
        );
    }
}

#[test]
fn every_rci_method_on_data_scaled_1e154_or_1e_minus_160_or_offset_1e15_matches_unscaled() {
    use therapeutic_alliance::Direction;
    use therapeutic_alliance::stats::{RciMethod, ReliableChange};
    let pre = [24.0, 18.0, 22.0, 15.0, 27.0, 20.0, 19.0, 25.0, 16.0, 21.0];
    let post = [10.0, 17.0, 12.0, 14.0, 26.0, 8.0, 19.5, 15.0, 17.0, 30.0];
    for method in RciMethod::ALL {
        let rc = ReliableChange::new(0.8, Direction::LowerIsBetter).method(method);
        let base = rc.compute(&pre, &post).unwrap();
        for (name, f) in hostile_transforms() {
            let (tx, ty): (Vec<f64>, Vec<f64>) = (
                pre.iter().map(|&v| f(v)).collect(),
                post.iter().map(|&v| f(v)).collect(),
            );
            let res = rc
                .compute(&tx, &ty)
                .unwrap_or_else(|e| panic!("{method:?} {name}: {e}"));
            // the unit of the transformed data: SDs and thresholds scale by it
            let unit = f(1.0) - f(0.0);
            let close = |a: f64, b: f64| (a - b * unit).abs() <= 1e-12 * (b * unit).abs();
            assert!(
                close(res.sd_pre, base.sd_pre),
                "{method:?} {name}: sd_pre {} vs {}",
                res.sd_pre,
                base.sd_pre
            );
            assert!(
                close(res.sd_post, base.sd_post),
                "{method:?} {name}: sd_post"
            );
            assert!(close(res.s_diff, base.s_diff), "{method:?} {name}: s_diff");
            assert!(
                close(res.threshold, base.threshold),
                "{method:?} {name}: threshold"
            );
            assert!(
                close(res.se_pred, base.se_pred),
                "{method:?} {name}: se_pred"
            );
            for (a, b) in res.persons.iter().zip(&base.persons) {
                assert!(
                    (a.rci - b.rci).abs() < 1e-9,
                    "{method:?} {name}: rci {} vs {}",
                    a.rci,
                    b.rci
                );
                assert_eq!(a.category, b.category, "{method:?} {name}: row {}", a.row);
            }
            assert_eq!(res.counts, base.counts, "{method:?} {name}");
        }
    }
}

#[test]
fn reliable_change_whose_raw_sd_cannot_exist_is_an_overflow_error() {
    use therapeutic_alliance::Direction;
    use therapeutic_alliance::stats::{ReliableChange, reliable_change_threshold};
    // sd ≈ 1.4·f64::MAX: computable in the scaled frame, not representable in raw units
    let pre = [f64::MAX, -f64::MAX, f64::MAX, -f64::MAX];
    let post = [1.0, 2.0, 3.0, 4.0];
    let e = ReliableChange::new(0.8, Direction::LowerIsBetter)
        .compute(&pre, &post)
        .unwrap_err();
    assert_eq!(e.code(), "overflow", "{e}");
    assert!(matches!(
        reliable_change_threshold(1e308, 0.2, 1.96),
        Err(StatsError::Overflow { .. })
    ));
}

mod full_range {
    use proptest::prelude::*;
    use therapeutic_alliance::Direction;
    use therapeutic_alliance::stats::{
        CorrelationMethod, CorrelationOptions, GrandMean, RciMethod, ReliableChange, correlate,
        person_mean_centre, within_regression,
    };

    fn any_finite() -> impl Strategy<Value = f64> {
        prop_oneof![
            proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
            (-1.0f64..1.0).prop_map(|v| v * f64::MAX),
            (-1.0f64..1.0).prop_map(|v| v * 1e300),
            (-30.0f64..30.0).prop_map(|v| 1e15 + v.round()),
            (-30.0f64..30.0),
        ]
    }

    proptest! {
        #[test]
        fn correlation_rci_and_within_regression_are_finite_or_a_typed_error(
            pairs in prop::collection::vec((any_finite(), any_finite()), 2..12),
            rel in 0.05f64..0.99,
        ) {
            let x: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let y: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            for method in [CorrelationMethod::Pearson, CorrelationMethod::Spearman] {
                if let Ok(c) = correlate(&x, &y, &CorrelationOptions::new().method(method)) {
                    prop_assert!(c.r.is_finite() && (-1.0..=1.0).contains(&c.r), "{c:?}");
                    prop_assert!(c.p.is_finite() && c.t.is_none_or(f64::is_finite), "{c:?}");
                    prop_assert!(c.ci_lb.is_none_or(f64::is_finite) && c.ci_ub.is_none_or(f64::is_finite));
                }
            }
            for method in RciMethod::ALL {
                let Ok(res) = ReliableChange::new(rel, Direction::HigherIsBetter)
                    .method(method)
                    .compute(&x, &y)
                else {
                    continue;
                };
                let json = serde_json::to_string(&res).unwrap();
                prop_assert!(!json.contains("null") || res.r_dd.is_none(), "{json}");
                for v in [res.mean_pre, res.sd_pre, res.mean_post, res.sd_post, res.se, res.s_diff,
                          res.se_pred, res.threshold, res.cutoff] {
                    prop_assert!(v.is_finite(), "{method:?}: {json}");
                }
                prop_assert!(res.persons.iter().all(|p| p.rci.is_finite()), "{method:?}: {json}");
            }
            // two sessions per person
            let ids: Vec<usize> = (0..x.len()).map(|i| i / 2).collect();
            if let Ok(fit) = within_regression(&ids, &[&x], &y) {
                let c = &fit.coefficients[0];
                prop_assert!(c.estimate.is_finite() && c.se.is_finite() && c.p.is_finite(), "{fit:?}");
                prop_assert!(fit.rss.is_finite() && fit.sigma.is_finite(), "{fit:?}");
            }
            for grand in [GrandMean::Rows, GrandMean::Persons] {
                if let Ok(d) = person_mean_centre(&ids, &x, grand) {
                    prop_assert!(d.grand_mean.is_finite(), "{d:?}");
                    prop_assert!(d.within.iter().chain(&d.between).chain(&d.person_mean).all(|v| v.is_finite()), "{d:?}");
                }
            }
        }
    }
}

#[test]
fn within_regression_and_person_mean_centre_on_data_offset_1e15_or_scaled_1e_minus_160_match() {
    let ids = [1, 1, 1, 2, 2, 2, 3, 3, 3];
    let x = [1.0, 2.0, 4.0, 5.0, 6.0, 7.5, 3.0, 3.5, 6.0];
    let y = [2.0, 4.5, 5.5, 1.0, 3.0, 5.0, 2.5, 2.0, 4.0];
    let base = within_regression(&ids, &[&x], &y).unwrap();
    let b = &base.coefficients[0];
    let centred = person_mean_centre(&ids, &x, GrandMean::Rows).unwrap();
    for (name, f) in hostile_transforms() {
        let (tx, ty): (Vec<f64>, Vec<f64>) = (
            x.iter().map(|&v| f(v)).collect(),
            y.iter().map(|&v| f(v)).collect(),
        );
        let unit = f(1.0) - f(0.0);
        let fit = match within_regression(&ids, &[&tx], &ty) {
            // the residual sum of squares of data ×1e154 exceeds f64::MAX: a typed error
            Err(e) if (base.rss * unit * unit).is_infinite() => {
                assert_eq!(e.code(), "overflow", "{name}: {e}");
                continue;
            }
            r => r.unwrap_or_else(|e| panic!("{name}: {e}")),
        };
        let c = &fit.coefficients[0];
        assert!(
            (c.estimate - b.estimate).abs() < 1e-12 * b.estimate.abs(),
            "{name}: {} vs {}",
            c.estimate,
            b.estimate
        );
        assert!(
            (c.se - b.se).abs() < 1e-9 * b.se,
            "{name}: se {} vs {}",
            c.se,
            b.se
        );
        assert!(
            (fit.sigma - base.sigma * unit).abs() < 1e-9 * (base.sigma * unit).abs(),
            "{name}: sigma"
        );
        let d = person_mean_centre(&ids, &tx, GrandMean::Persons).unwrap();
        for (w, w0) in d.within.iter().zip(&centred.within) {
            assert!(
                (w - w0 * unit).abs() <= 1e-12 * unit.abs() * 8.0,
                "{name}: within {w} vs {w0}"
            );
        }
    }
}

#[test]
fn rci_of_post_scores_1e300_from_pre_scores_that_vary_by_units_is_finite() {
    use therapeutic_alliance::Direction;
    use therapeutic_alliance::stats::{RciMethod, ReliableChange};
    let pre = [24.0, 18.0, 22.0, 15.0, 27.0, 20.0];
    let post: Vec<f64> = (0..6)
        .map(|i| 1e300 * (1.0 + f64::from(i) * 1e-3))
        .collect();
    for method in RciMethod::ALL {
        let res = ReliableChange::new(0.8, Direction::HigherIsBetter)
            .method(method)
            .compute(&pre, &post)
            .unwrap_or_else(|e| panic!("{method:?}: {e}"));
        // HLL centres post on its own mean: its RCIs are large but of either sign
        let big = |r: f64| r > 1e290 || method == RciMethod::Hll;
        assert!(
            res.persons.iter().all(|p| p.rci.is_finite() && big(p.rci)),
            "{method:?}"
        );
        if method == RciMethod::Jt {
            for p in &res.persons {
                let want = (p.post - p.pre) / res.s_diff;
                assert!((p.rci - want).abs() <= 1e-15 * want, "{} vs {want}", p.rci);
            }
        }
    }
}

#[test]
fn correlation_accumulator_on_data_scaled_or_offset_matches_the_in_memory_r_for_any_split() {
    use therapeutic_alliance::stats::{CorrelationAccumulator, CorrelationOptions, pearson};
    let x = [12.0, 15.5, 9.0, 20.0, 14.0, 11.5, 18.0, 16.0, 10.0, 13.0];
    let y = [30.0, 34.0, 28.5, 41.0, 33.0, 29.0, 36.0, 40.0, 27.0, 35.5];
    let want = pearson(&x, &y).unwrap().r;
    let mut transforms = hostile_transforms();
    // issue 23: "off by 1e-5 at a 1.7e12 offset"
    transforms.push(("+1.7e12", |v| v + 1.7e12));
    transforms.push(("x1e-320 (subnormal)", |v| v * 1e-320));
    for (name, f) in transforms {
        let (tx, ty): (Vec<f64>, Vec<f64>) = (
            x.iter().map(|&v| f(v)).collect(),
            y.iter().map(|&v| f(v)).collect(),
        );
        // the batch r of the transformed data is the reference: subnormals lose digits
        let batch = pearson(&tx, &ty)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .r;
        let tol = if name.contains("subnormal") {
            1e-2
        } else {
            1e-14
        };
        assert!(
            (batch - want).abs() < tol,
            "{name}: batch {batch} vs {want}"
        );
        for split in 0..=x.len() {
            let (mut left, mut right) =
                (CorrelationAccumulator::new(), CorrelationAccumulator::new());
            for i in 0..x.len() {
                if i < split { &mut left } else { &mut right }
                    .push(tx[i], ty[i])
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            for acc in [&left, &right] {
                assert_eq!(
                    &CorrelationAccumulator::from_bytes(&acc.to_bytes()).unwrap(),
                    acc,
                    "{name}: state round trip"
                );
            }
            left.merge(&right).unwrap_or_else(|e| panic!("{name}: {e}"));
            let r = left
                .finish(&CorrelationOptions::new())
                .unwrap_or_else(|e| panic!("{name} split {split}: {e}"))
                .r;
            assert!(
                (r - batch).abs() < 1e-14,
                "{name} split {split}: streamed {r} vs batch {batch}"
            );
        }
    }
}

/// A named transform and the factor it applies to the mean squares.
type Scaled = (&'static str, fn(f64) -> f64, f64);

#[test]
fn icc_on_ratings_scaled_or_offset_matches_the_unscaled_icc_for_any_split() {
    use therapeutic_alliance::stats::{IccAccumulator, IccOptions, icc};
    // Shrout & Fleiss (1979) table 2: 6 targets, 4 raters
    let data = [
        9.0, 2.0, 5.0, 8.0, 6.0, 1.0, 3.0, 2.0, 8.0, 4.0, 6.0, 8.0, 7.0, 1.0, 2.0, 6.0, 10.0, 5.0,
        6.0, 9.0, 6.0, 2.0, 4.0, 7.0,
    ];
    let o = IccOptions::new();
    let base = icc(&data, 4, &o).unwrap();
    let transforms: Vec<Scaled> = vec![
        ("+1e15", |v| v + 1e15, 1.0),
        ("-1e15", |v| v - 1e15, 1.0),
        ("+1e15+0.25", |v| v + 1e15 + 0.25, 1.0),
        ("+1.7e12+0.1", |v| v + 1.7e12 + 0.1, 1.0),
        ("x1e150", |v| v * 1e150, 1e300),
        ("x1e-160", |v| v * 1e-160, 1e-320),
        ("x2^-1000", |v| v * 2f64.powi(-1000), 0.0),
    ];
    for (name, f, factor) in transforms {
        let t: Vec<f64> = data.iter().map(|&v| f(v)).collect();
        let got = icc(&t, 4, &o).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (a, b) in got.forms.iter().zip(&base.forms) {
            // offsets below 1e15 + 0.25 keep the ratings exact; 1.7e12 + 0.1 rounds them
            let tol = if name.starts_with("+1.7e12") {
                1e-9
            } else {
                1e-12
            };
            for (x, y) in [
                (a.icc, b.icc),
                (a.f, b.f),
                (a.ci_lb, b.ci_lb),
                (a.ci_ub, b.ci_ub),
            ] {
                assert!(
                    (x - y).abs() <= tol * y.abs().max(1.0),
                    "{name} {:?}: {x} vs {y}",
                    a.kind
                );
            }
        }
        if factor > 1e-300 && factor < 1e300 * 10.0 {
            let want = base.ms.msr * factor;
            assert!(
                (got.ms.msr - want).abs() <= 1e-9 * want,
                "{name}: msr {} vs {want}",
                got.ms.msr
            );
        }
        // any split of the targets, merged, gives the same ICCs
        for split in 0..=6 {
            let mut left = IccAccumulator::new(4).unwrap();
            let mut right = IccAccumulator::new(4).unwrap();
            for (acc, rows) in [(&mut left, &t[..split * 4]), (&mut right, &t[split * 4..])] {
                if !rows.is_empty() {
                    acc.push_rows(rows).unwrap();
                }
            }
            for acc in [&left, &right] {
                assert_eq!(
                    &IccAccumulator::from_bytes(&acc.to_bytes()).unwrap(),
                    acc,
                    "{name}"
                );
            }
            left.merge(&right).unwrap();
            let merged = left
                .finish(&o)
                .unwrap_or_else(|e| panic!("{name} split {split}: {e}"));
            for (a, b) in merged.forms.iter().zip(&got.forms) {
                assert!(
                    (a.icc - b.icc).abs() <= 1e-12,
                    "{name} split {split} {:?}: {} vs {}",
                    a.kind,
                    a.icc,
                    b.icc
                );
            }
        }
    }
    // ×1e300: the ICCs exist, but the mean squares exceed f64: a typed error naming them
    let t: Vec<f64> = data.iter().map(|&v| v * 1e300).collect();
    let e = icc(&t, 4, &o).unwrap_err();
    assert!(
        matches!(e, StatsError::Overflow { .. }) && e.to_string().contains("mean square"),
        "{e}"
    );
}

#[test]
fn alpha_on_items_scaled_or_offset_matches_the_unscaled_alpha_for_any_split() {
    use therapeutic_alliance::stats::{AlphaAccumulator, AlphaOptions, alpha};
    // 10 respondents x 4 items, continuous
    // (quarters: exactly representable after an offset of 1e15, whose spacing is 1/8)
    let data: Vec<f64> = (0..40)
        .map(|i| {
            let (r, j) = (i / 4, i % 4);
            let f = f64::from((r * 7 + 3) % 10) / 2.0;
            f + f64::from((r * 13 + j * 5) % 7) / 4.0 + f64::from(j) * 0.5
        })
        .collect();
    let o = AlphaOptions::new();
    let base = alpha(&data, 4, &o).unwrap();
    let mut transforms = hostile_transforms();
    transforms.push(("+1.7e12", |v| v + 1.7e12));
    for (name, f) in transforms {
        let t: Vec<f64> = data.iter().map(|&v| f(v)).collect();
        let got = alpha(&t, 4, &o).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tol = 1e-12;
        assert!(
            (got.raw_alpha - base.raw_alpha).abs() <= tol,
            "{name}: raw alpha {} vs {}",
            got.raw_alpha,
            base.raw_alpha
        );
        assert!(
            (got.std_alpha - base.std_alpha).abs() <= tol,
            "{name}: std alpha {} vs {}",
            got.std_alpha,
            base.std_alpha
        );
        for split in [0, 3, 7, 10] {
            let mut left = AlphaAccumulator::new(4).unwrap();
            let mut right = AlphaAccumulator::new(4).unwrap();
            for (acc, rows) in [(&mut left, &t[..split * 4]), (&mut right, &t[split * 4..])] {
                if !rows.is_empty() {
                    acc.push_rows(rows)
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                }
            }
            for acc in [&left, &right] {
                assert_eq!(
                    &AlphaAccumulator::from_bytes(&acc.to_bytes()).unwrap(),
                    acc,
                    "{name}"
                );
            }
            left.merge(&right).unwrap_or_else(|e| panic!("{name}: {e}"));
            let merged = left
                .finish(&o)
                .unwrap_or_else(|e| panic!("{name} split {split}: {e}"));
            assert!(
                (merged.raw_alpha - got.raw_alpha).abs() <= 1e-12,
                "{name} split {split}: {} vs {}",
                merged.raw_alpha,
                got.raw_alpha
            );
        }
    }
}
