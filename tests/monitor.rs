//! Monitoring: ruptures and repairs, sudden gains and losses, alerts and charts on series with
//! known answers, plus property tests.

mod common;

use proptest::prelude::*;
use therapeutic_alliance::monitor::{
    AlertKind, AlertRules, AlertSeverity as Severity, BarrierFinding, ChartOptions, CourseInput,
    CourseMonitor, Crit3, ExpectedTrajectory, FindingCategory, MonitorError, MonitorOptions,
    NotOnTrackRule, OnTrackBand, RuptureOptions, RuptureThreshold, Series, SizeCriterion,
    SuddenChangeOptions, ThresholdSource, TrajectoryOptions, course_svg, detect_ruptures,
    lutz_critical_value, sudden_changes, trajectory,
};
use therapeutic_alliance::{Comparison, Cutoff, Direction, Instrument, Respondent};

/// A monitor of the SRS (alliance) and the adult ORS (outcome), the PCOMS pair, whose numbers
/// all come from the catalogue's definitions.
fn pcoms(options: MonitorOptions) -> CourseMonitor {
    CourseMonitor::new(options)
        .alliance(Instrument::builtin("srs").unwrap(), Respondent::Client)
        .outcome(Instrument::builtin("ors").unwrap(), Respondent::Client)
}

/// Only the alliance instrument `id`, with the user's rules `rules`.
fn alliance_only(id: &str, rules: AlertRules) -> CourseMonitor {
    CourseMonitor::new(
        MonitorOptions::new(
            RuptureOptions::new(RuptureThreshold::Points(5.0)),
            SuddenChangeOptions::tang_derubeis_bdi(),
        )
        .alert_rules(rules),
    )
    .alliance(Instrument::builtin(id).unwrap(), Respondent::Client)
}

/// The SRS cutoff from the catalogue (the one place the number lives).
fn srs_cutoff() -> Cutoff {
    Instrument::builtin("srs").unwrap().cutoff().unwrap()
}

/// The adult ORS cutoff from the catalogue.
fn ors_cutoff() -> Cutoff {
    Instrument::builtin("ors").unwrap().cutoff().unwrap()
}

#[test]
fn catalogue_cutoffs_are_the_monitoring_ones() {
    assert_eq!(srs_cutoff(), Cutoff::new(Comparison::Less, 36.0));
    assert_eq!(ors_cutoff(), Cutoff::new(Comparison::Less, 25.0));
}

fn series(values: &[f64]) -> Series {
    Series::new(
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as u32 + 1, v))
            .collect(),
    )
    .unwrap()
}

fn points5() -> RuptureOptions {
    RuptureOptions::new(RuptureThreshold::Points(5.0))
}

#[test]
fn clean_v_shaped_rupture_and_repair() {
    let srs = series(&[37.0, 38.0, 38.0, 38.5, 27.5, 38.6, 39.0]);
    let r = detect_ruptures(&srs, &points5()).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].start, r[0].trough, r[0].repair), (4, 5, Some(6)));
    assert_eq!(r[0].depth, 11.0);
    assert_eq!(r[0].level, 38.5);
}

#[test]
fn rupture_never_repaired() {
    let srs = series(&[38.0, 38.5, 39.0, 37.0, 30.0, 31.0, 32.0, 31.5, 38.9]);
    let r = detect_ruptures(&srs, &points5()).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].start, r[0].trough, r[0].depth, r[0].repair),
        (3, 5, 9.0, None)
    );
    // the WAI-SR has no published cutoff or drop: only the rupture alert
    let a = alliance_only("wai-sr", AlertRules::new())
        .run_input(&CourseInput::new().alliance(&srs))
        .unwrap()
        .alerts;
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].instrument.as_deref(), Some("wai-sr"));
    assert_eq!(a[0].threshold, Some(5.0));
    assert_eq!(
        (a[0].session, a[0].kind, a[0].severity),
        (5, AlertKind::Rupture, Severity::Warning)
    );
    assert!(
        a[0].reason.contains("not repaired within 3 sessions"),
        "{}",
        a[0].reason
    );
}

#[test]
fn rupture_at_end_is_pending() {
    let srs = series(&[38.0, 38.0, 31.0, 33.0]);
    let r = detect_ruptures(&srs, &points5()).unwrap();
    assert_eq!(r.len(), 1);
    let a = alliance_only("wai-sr", AlertRules::new())
        .run_input(&CourseInput::new().alliance(&srs))
        .unwrap()
        .alerts;
    assert!(a[0].reason.contains("window still open"), "{}", a[0].reason);
}

#[test]
fn steady_rise_with_small_noise_has_no_rupture() {
    let srs = series(&[
        30.0, 31.2, 30.8, 32.0, 33.1, 32.6, 34.0, 35.2, 34.9, 36.0, 37.1, 36.7,
    ]);
    assert!(detect_ruptures(&srs, &points5()).unwrap().is_empty());
    // even with a within-client 1 SD threshold, a steady rise is not a rupture
    let within = RuptureOptions::new(RuptureThreshold::WithinClientSd {
        multiple: 1.0,
        min_sessions: 5,
    });
    assert!(detect_ruptures(&srs, &within).unwrap().is_empty());
}

fn gain_check(values: &[f64], session: u32) -> (bool, bool, Option<bool>, usize) {
    let r = sudden_changes(&series(values), &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
    let d = r
        .details
        .iter()
        .find(|d| d.session == session && d.kind == therapeutic_alliance::monitor::ChangeKind::Gain)
        .unwrap();
    (d.crit1, d.crit2, d.crit3, r.gains.len())
}

#[test]
fn sudden_gain_meets_all_three_criteria() {
    assert_eq!(
        gain_check(&[30.0, 29.0, 30.0, 20.0, 19.0, 20.0], 3),
        (true, true, Some(true), 1)
    );
    // boundary: a drop of exactly 7 that is exactly 25% of 28 passes crit1 and crit2 (>=)
    assert_eq!(
        gain_check(&[28.0, 27.0, 28.0, 21.0, 20.0, 21.0], 3),
        (true, true, Some(true), 1)
    );
}

#[test]
fn sudden_gain_near_misses_fail_exactly_one_criterion() {
    // crit1: a drop of 6.5 < 7
    assert_eq!(
        gain_check(&[20.0, 19.0, 20.0, 13.5, 12.5, 13.5], 3),
        (false, true, Some(true), 0)
    );
    // crit2: a drop of 8 from 40 is 20% < 25%
    assert_eq!(
        gain_check(&[40.0, 39.0, 40.0, 32.0, 31.0, 32.0], 3),
        (true, false, Some(true), 0)
    );
    // crit3: large fluctuation around the drop
    assert_eq!(
        gain_check(&[20.0, 30.0, 30.0, 20.0, 28.0, 28.0], 3),
        (true, true, Some(false), 0)
    );
}

#[test]
fn crit3_can_be_fixed_or_off() {
    let v = series(&[20.0, 30.0, 30.0, 20.0, 28.0, 28.0]);
    let off = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Off);
    assert_eq!(sudden_changes(&v, &off).unwrap().gains.len(), 1);
    let fixed = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Fixed(0.1));
    assert_eq!(sudden_changes(&v, &fixed).unwrap().gains.len(), 1);
}

#[test]
fn ors_gains_and_losses_use_the_higher_is_better_direction() {
    let opts = SuddenChangeOptions::new(
        SizeCriterion::ReliableChange(5.0),
        Direction::HigherIsBetter,
    );
    let gain = sudden_changes(&series(&[16.0, 17.0, 16.0, 17.0, 25.0, 26.0, 25.0]), &opts).unwrap();
    assert_eq!((gain.gains.len(), gain.losses.len()), (1, 0));
    assert_eq!(
        (
            gain.gains[0].session,
            gain.gains[0].post_session,
            gain.gains[0].magnitude
        ),
        (4, 5, 8.0)
    );
    let loss = sudden_changes(
        &series(&[20.0, 22.0, 24.0, 25.0, 26.0, 18.0, 17.0, 18.0]),
        &opts,
    )
    .unwrap();
    assert_eq!((loss.gains.len(), loss.losses.len()), (0, 1));
    assert_eq!((loss.losses[0].session, loss.losses[0].magnitude), (5, 8.0));
}

#[test]
fn lutz_critical_values_match_golden() {
    let g = common::golden::json("monitor_lutz.json");
    let alpha = g["alpha"].as_f64().unwrap();
    let mut max_rel = 0.0f64;
    for c in g["cases"].as_array().unwrap() {
        let got = lutz_critical_value(
            alpha,
            c["n_pre"].as_u64().unwrap() as usize,
            c["n_post"].as_u64().unwrap() as usize,
        )
        .unwrap();
        let want = c["critical_value"].as_f64().unwrap();
        max_rel = max_rel.max(((got - want) / want).abs());
    }
    // the golden values are printed to 6 decimals
    assert!(max_rel < 2e-7, "max relative error {max_rel}");
}

#[test]
fn srs_exactly_at_cutoff_is_not_flagged() {
    let srs = series(&[36.0, 36.0, 35.9]);
    let input = CourseInput::new().alliance(&srs);
    let a = alliance_only("srs", AlertRules::new())
        .run_input(&input)
        .unwrap()
        .alerts;
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].session, a[0].kind), (3, AlertKind::AllianceLow));
    assert_eq!(a[0].threshold_source, Some(ThresholdSource::Published));
    // with <= the same total is flagged, and the alert says the number is the user's
    let le = Cutoff::new(Comparison::LessOrEqual, 36.0);
    let a = alliance_only("srs", AlertRules::new().alliance_cutoff(le).unwrap())
        .run_input(&input)
        .unwrap()
        .alerts;
    assert_eq!(a.len(), 3);
    assert!(
        a.iter()
            .all(|x| x.threshold_source == Some(ThresholdSource::User))
    );
}

#[test]
fn not_on_track_against_reference_sample() {
    let reference = [
        series(&[18.0, 20.0, 22.0, 24.0]),
        series(&[19.0, 21.0, 23.0, 25.0]),
        series(&[30.0, 30.0, 30.0, 30.0]),
    ];
    let etr = ExpectedTrajectory::from_reference(18.5, &reference, 1.0).unwrap();
    assert_eq!(etr.n_reference(), 2);
    let client = series(&[18.5, 18.0, 18.5, 18.0]);
    let rule = NotOnTrackRule::new(OnTrackBand::Points(3.0), Direction::HigherIsBetter);
    let flagged = rule.check(&client, &etr).unwrap();
    assert_eq!(flagged, vec![(3, 18.5, 22.5), (4, 18.0, 24.5)]);
}

#[test]
fn alerts_are_sorted_and_deterministic() {
    let srs = series(&[38.0, 30.0, 38.5, 35.0]);
    let ors = series(&[24.0, 22.0, 18.0, 17.0]);
    let barriers = vec![
        BarrierFinding::new(2, FindingCategory::Barrier, false, "language barrier").unwrap(),
        BarrierFinding::new(2, FindingCategory::Ethics, false, "confidentiality breach").unwrap(),
        BarrierFinding::new(
            1,
            FindingCategory::BoundaryViolation,
            false,
            "gift accepted",
        )
        .unwrap(),
    ];
    let monitor = pcoms(MonitorOptions::new(
        points5(),
        SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter),
    ));
    let run = |b: &[BarrierFinding]| {
        monitor
            .run_input(&CourseInput::new().alliance(&srs).outcome(&ors).barriers(b))
            .unwrap()
    };
    let a = run(&barriers).alerts;
    let mut reversed = barriers.clone();
    reversed.reverse();
    assert_eq!(a, run(&reversed).alerts);
    let mut sorted = a.clone();
    sorted.sort();
    assert_eq!(a, sorted);
    let summary: Vec<(u32, Severity, AlertKind)> =
        a.iter().map(|x| (x.session, x.severity, x.kind)).collect();
    assert_eq!(
        summary,
        vec![
            (1, Severity::Critical, AlertKind::Barrier),
            (2, Severity::Critical, AlertKind::Ethics),
            (2, Severity::Warning, AlertKind::AllianceLow),
            (2, Severity::Warning, AlertKind::AllianceDrop),
            (2, Severity::Warning, AlertKind::Barrier),
            (2, Severity::Info, AlertKind::Rupture),
            (3, Severity::Critical, AlertKind::OutcomeDeterioration),
            (4, Severity::Critical, AlertKind::OutcomeDeterioration),
            (4, Severity::Warning, AlertKind::AllianceLow),
            (4, Severity::Warning, AlertKind::AllianceDrop),
        ]
    );
}

/// Checks that every tag opened is closed in order (a small well-formedness check).
fn well_formed(svg: &str) -> bool {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else {
            return false;
        };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name.trim()) {
                return false;
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("");
            stack.push(name);
        }
    }
    stack.is_empty()
}

#[test]
fn chart_shows_what_it_claims() {
    let srs = series(&[37.0, 38.0, 38.0, 38.5, 27.5, 38.6]);
    let ors = series(&[16.0, 17.0, 16.0, 17.0, 25.0, 26.0]);
    let etr = ExpectedTrajectory::new(series(&[16.0, 18.0, 20.0, 22.0, 24.0, 26.0]));
    let input = CourseInput::new()
        .alliance(&srs)
        .outcome(&ors)
        .expected(&etr);
    let opts = MonitorOptions::new(
        points5(),
        SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter),
    )
    .not_on_track(NotOnTrackRule::new(
        OnTrackBand::Points(3.0),
        Direction::HigherIsBetter,
    ));
    let report = pcoms(opts).run_input(&input).unwrap();
    let svg = course_svg(
        &input,
        &report,
        &ChartOptions::new()
            .title("Client <A&B>")
            .labels("SRS", "ORS")
            .alliance_cutoff(srs_cutoff())
            .outcome_cutoff(ors_cutoff())
            .y_ranges((0.0, 40.0), (0.0, 40.0)),
    )
    .unwrap();
    assert!(well_formed(&svg), "{svg}");
    assert!(svg.contains("Client &lt;A&amp;B&gt;"));
    assert!(svg.contains("&lt; 36") && svg.contains("&lt; 25"));
    assert!(svg.contains("rupture: session 4 to 5, depth 11"));
    assert!(svg.contains("repair, session 6"));
    assert!(svg.contains("sudden gain: 8 points, session 4 to 5"));
    assert!(svg.contains("expected trajectory"));
    assert_eq!(svg.matches("<title>session 5: alliance_low").count(), 1);
    // same input, same bytes
    assert_eq!(
        svg,
        course_svg(
            &input,
            &report,
            &ChartOptions::new()
                .title("Client <A&B>")
                .labels("SRS", "ORS")
                .alliance_cutoff(srs_cutoff())
                .outcome_cutoff(ors_cutoff())
                .y_ranges((0.0, 40.0), (0.0, 40.0))
        )
        .unwrap()
    );
    assert!(matches!(
        course_svg(&CourseInput::new(), &report, &ChartOptions::new()),
        Err(MonitorError::Empty { .. })
    ));
}

#[test]
fn types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Series>();
    check::<MonitorError>();
    check::<therapeutic_alliance::monitor::Alert>();
    check::<therapeutic_alliance::monitor::CourseReport>();
    check::<MonitorOptions>();
    check::<CourseInput<'static>>();
}

fn any_points() -> impl Strategy<Value = Vec<(u32, f64)>> {
    let value = prop_oneof![
        8 => (0i32..=80).prop_map(|k| f64::from(k) * 0.5),
        1 => Just(f64::NAN),
        1 => prop_oneof![Just(f64::INFINITY), Just(-1e308), Just(1e308)],
    ];
    prop::collection::vec((0u32..30, value), 0..16)
}

proptest! {
    #[test]
    fn never_panics(points in any_points()) {
        let has_nan = points.iter().any(|p| !p.1.is_finite() || p.1.abs() > Series::MAX_ABS);
        match Series::from_unsorted(points) {
            Err(_) => {}
            Ok(s) => {
                prop_assert!(!has_nan);
                let _ = trajectory(&s, &TrajectoryOptions::new());
                let _ = detect_ruptures(&s, &points5());
                let _ = detect_ruptures(&s, &RuptureOptions::new(RuptureThreshold::WithinClientSd { multiple: 1.0, min_sessions: 3 }));
                let _ = sudden_changes(&s, &SuddenChangeOptions::tang_derubeis_bdi());
                let opts = MonitorOptions::new(points5(), SuddenChangeOptions::tang_derubeis_bdi());
                let input = CourseInput::new().alliance(&s);
                let monitor = CourseMonitor::new(opts).alliance(Instrument::builtin("srs").unwrap(), Respondent::Client);
                if let Ok(r) = monitor.run_input(&input) {
                    let _ = course_svg(&input, &r, &ChartOptions::new());
                }
            }
        }
    }

    #[test]
    fn nan_is_an_error(mut points in prop::collection::vec((0u32..30, 0.0f64..40.0), 0..10), at in 0usize..10) {
        if !points.is_empty() {
            let i = at % points.len();
            points[i].1 = f64::NAN;
            prop_assert!(Series::from_unsorted(points).is_err());
        }
    }

    #[test]
    fn shifting_a_series_changes_no_rupture(
        values in prop::collection::vec((0i32..=80).prop_map(|k| f64::from(k) * 0.5), 1..16),
        shift in (-40i32..=40).prop_map(|k| f64::from(k) * 0.5),
    ) {
        let s = series(&values);
        let shifted = s.shifted(shift).unwrap();
        let opts = points5();
        let a = detect_ruptures(&s, &opts).unwrap();
        let b = detect_ruptures(&shifted, &opts).unwrap();
        let key = |r: &[therapeutic_alliance::monitor::Rupture]| -> Vec<(u32, u32, f64, Option<u32>)> {
            r.iter().map(|x| (x.start, x.trough, x.depth, x.repair)).collect()
        };
        prop_assert_eq!(key(&a), key(&b));
    }

    #[test]
    fn alerts_are_always_sorted(values in prop::collection::vec((0i32..=80).prop_map(|k| f64::from(k) * 0.5), 1..12)) {
        let s = series(&values);
        let opts = MonitorOptions::new(points5(), SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter))
            .alert_rules(AlertRules::new().deterioration(5.0, Comparison::GreaterOrEqual).unwrap());
        let r = pcoms(opts).run_input(&CourseInput::new().alliance(&s).outcome(&s)).unwrap();
        prop_assert!(r.alerts.windows(2).all(|w| w[0] <= w[1]));
    }
}

#[test]
fn deserialised_options_are_validated() {
    let rupture = RuptureOptions::new(RuptureThreshold::Points(5.0));
    let good = serde_json::to_value(rupture).unwrap();
    assert_eq!(
        serde_json::from_value::<RuptureOptions>(good.clone()).unwrap(),
        rupture
    );
    let mut bad = good;
    bad["repair_window"] = serde_json::json!(0);
    assert!(serde_json::from_value::<RuptureOptions>(bad.clone()).is_err());
    let monitor = MonitorOptions::new(rupture, SuddenChangeOptions::tang_derubeis_bdi());
    let mut v = serde_json::to_value(monitor).unwrap();
    assert!(serde_json::from_value::<MonitorOptions>(v.clone()).is_ok());
    v["rupture"] = bad;
    assert!(serde_json::from_value::<MonitorOptions>(v).is_err());
}
