//! The Course → monitoring adapter and scoring inside sessions: the bundled courses run
//! through `CourseMonitor`, numbers taken from the instruments, barrier flags and ethics
//! findings as alerts, and `Administration::scored` / `score_with`.

mod common;

use therapeutic_alliance::monitor::{
    AlertKind, AlertRules, AlertSeverity, CourseMonitor, FindingCategory, MonitorContext,
    MonitorError, MonitorOptions, RuptureOptions, RuptureThreshold, SizeCriterion,
    SuddenChangeOptions, barrier_findings,
};
use therapeutic_alliance::{
    Administration, Answer, ClientStatus, Comparison, Course, Direction, Instrument,
    PostTerminationRule, Respondent, Responses, SessionDate, SessionError, Timing,
    check_relationship,
};

fn courses() -> Vec<Course> {
    serde_json::from_str(&common::golden::text("courses.json")).unwrap()
}

fn course(id: &str) -> Course {
    courses()
        .into_iter()
        .find(|c| c.client().as_str() == id)
        .unwrap()
}

fn options(direction: Direction) -> MonitorOptions {
    MonitorOptions::new(
        RuptureOptions::new(RuptureThreshold::Points(5.0)),
        SuddenChangeOptions::new(SizeCriterion::ReliableChange(5.0), direction),
    )
}

fn pcoms() -> CourseMonitor {
    CourseMonitor::new(options(Direction::HigherIsBetter))
        .alliance(Instrument::builtin("srs").unwrap(), Respondent::Client)
        .outcome(Instrument::builtin("ors").unwrap(), Respondent::Client)
}

fn responses(values: &[f64]) -> Responses {
    (1..)
        .zip(values)
        .map(|(i, &x)| (i, Answer::Value(x)))
        .collect()
}

#[test]
fn every_bundled_course_can_be_monitored() {
    for c in courses() {
        let m = pcoms().run(&c).unwrap();
        assert_eq!(&m.client, c.client());
        // the series are exactly Course::series_by
        assert_eq!(
            m.alliance.as_ref().map(|s| s.points().to_vec()),
            Some(c.series_by("srs", Respondent::Client)).filter(|v| !v.is_empty())
        );
        assert_eq!(m.report.alliance.is_some(), m.alliance.is_some());
        assert_eq!(m.report.outcome.is_some(), m.outcome.is_some());
        // alerts are sorted
        let keys: Vec<_> = m.report.alerts.iter().map(|a| a.session).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    }
}

#[test]
fn same_numbers_as_the_series_api() {
    let c = course("c-104");
    let m = pcoms().run(&c).unwrap();
    let srs =
        therapeutic_alliance::monitor::Series::new(c.series_by("srs", Respondent::Client)).unwrap();
    let ors =
        therapeutic_alliance::monitor::Series::new(c.series_by("ors", Respondent::Client)).unwrap();
    let findings = barrier_findings(&c).unwrap();
    let sessions: Vec<u32> = c
        .sessions()
        .iter()
        .map(therapeutic_alliance::Session::number)
        .collect();
    let direct = pcoms()
        .run_input(
            &therapeutic_alliance::monitor::CourseInput::new()
                .client(c.client())
                .sessions(&sessions)
                .alliance(&srs)
                .outcome(&ors)
                .barriers(&findings),
        )
        .unwrap();
    assert_eq!(m.report.alliance, direct.alliance);
    assert_eq!(m.report.outcome, direct.outcome);
    // the same alerts; the course path also dates them
    let undated: Vec<_> = m
        .report
        .alerts
        .iter()
        .cloned()
        .map(|mut a| {
            assert_eq!(
                a.date,
                c.session(a.session)
                    .map(therapeutic_alliance::Session::date)
            );
            a.date = None;
            a
        })
        .collect();
    assert_eq!(undated, direct.alerts);
    assert!(
        direct
            .alerts
            .iter()
            .all(|a| a.client.as_ref() == Some(c.client()))
    );
}

#[test]
fn srs_cutoff_and_reliable_change_come_from_the_instruments() {
    let c = course("c-104");
    let m = pcoms().run(&c).unwrap();
    let srs = c.series_by("srs", Respondent::Client);
    let low: Vec<u32> = srs.iter().filter(|p| p.1 < 36.0).map(|p| p.0).collect();
    let got: Vec<u32> = m
        .report
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::AllianceLow)
        .map(|a| a.session)
        .collect();
    assert_eq!(got, low);
    let ors = c.series_by("ors", Respondent::Client);
    let det: Vec<u32> = ors[1..]
        .iter()
        .filter(|p| ors[0].1 - p.1 > 5.0)
        .map(|p| p.0)
        .collect();
    let got: Vec<u32> = m
        .report
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::OutcomeDeterioration)
        .map(|a| a.session)
        .collect();
    assert_eq!(got, det);
    // an explicit rule wins over the instrument's threshold
    let strict = CourseMonitor::new(
        options(Direction::HigherIsBetter).alert_rules(
            AlertRules::new()
                .deterioration(1000.0, Comparison::Greater)
                .unwrap(),
        ),
    )
    .outcome(Instrument::builtin("ors").unwrap(), Respondent::Client);
    let m = strict.run(&c).unwrap();
    assert!(
        m.report
            .alerts
            .iter()
            .all(|a| a.kind != AlertKind::OutcomeDeterioration)
    );
}

#[test]
fn barrier_flags_become_findings_with_critical_from_the_flag() {
    let c = course("c-103");
    let f = barrier_findings(&c).unwrap();
    let expected: Vec<(u32, bool)> = c
        .flags()
        .filter(|fl| !fl.resolved() || fl.is_critical())
        .map(|fl| (fl.session(), fl.is_critical()))
        .collect();
    assert_eq!(
        f.iter()
            .map(|b| (b.session(), b.critical()))
            .collect::<Vec<_>>(),
        expected
    );
    let m = pcoms().run(&c).unwrap();
    let barrier_alerts: Vec<_> = m
        .report
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::Barrier)
        .collect();
    assert_eq!(barrier_alerts.len(), expected.len());
    for b in &f {
        if b.category() == FindingCategory::BoundaryViolation || b.critical() {
            assert!(m.report.alerts.iter().any(|a| a.session == b.session()
                && a.kind == AlertKind::Barrier
                && a.severity == AlertSeverity::Critical));
        }
    }
    // resolved, non-critical flags raise no alert (c-101 has only those)
    let m = pcoms().run(&course("c-101")).unwrap();
    assert!(m.report.alerts.iter().all(|a| a.kind != AlertKind::Barrier));
}

#[test]
fn ethics_violations_become_critical_alerts_at_the_last_session() {
    let c = course("c-104");
    let terminated = SessionDate::new(2025, 3, 1).unwrap();
    let rule = PostTerminationRule::apa_10_08();
    let violation = check_relationship(
        &rule,
        ClientStatus::Former { terminated },
        SessionDate::new(2025, 6, 1).unwrap(),
    );
    let review = check_relationship(
        &rule,
        ClientStatus::Former { terminated },
        SessionDate::new(2030, 6, 1).unwrap(),
    );
    assert!(violation.is_violation() && !review.is_violation());
    let ethics = [violation, review];
    let m = pcoms()
        .run_with(&c, &MonitorContext::new().ethics(&ethics))
        .unwrap();
    let ethics: Vec<_> = m
        .report
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::Ethics)
        .collect();
    assert_eq!(ethics.len(), 1);
    assert_eq!(ethics[0].severity, AlertSeverity::Critical);
    assert_eq!(ethics[0].session, c.sessions().last().unwrap().number());
    assert!(
        ethics[0].reason.contains("APA 10.08"),
        "{}",
        ethics[0].reason
    );
}

#[test]
fn outcome_direction_must_agree_with_the_instrument() {
    let c = course("c-104");
    let m = CourseMonitor::new(options(Direction::LowerIsBetter))
        .outcome(Instrument::builtin("ors").unwrap(), Respondent::Client);
    assert!(matches!(
        m.run(&c),
        Err(MonitorError::InvalidParameter { .. })
    ));
}

#[test]
fn missing_measures_are_left_out() {
    // c-102 has no SRS or ORS
    let m = pcoms().run(&course("c-102")).unwrap();
    assert!(m.alliance.is_none() && m.outcome.is_none());
    assert!(m.report.alliance.is_none() && m.report.outcome.is_none());
    assert!(!m.report.alerts.is_empty()); // its unresolved barrier flags
}

#[test]
fn scored_uses_the_real_instrument() {
    let srs = Instrument::builtin("srs").unwrap();
    let r = responses(&[9.0, 8.5, 9.0, 8.0]);
    let a = Administration::scored(&srs, Respondent::Client, r.clone()).unwrap();
    assert_eq!(a.instrument(), "srs");
    assert_eq!(a.score(), Some(&srs.score(&r).unwrap()));
    // off the 0-10 scale: the scoring error names the problem
    let e = Administration::scored(&srs, Respondent::Client, responses(&[9.0, 8.0, 12.0, 8.0]))
        .unwrap_err();
    assert!(matches!(e, SessionError::Score { .. }));
    assert!(e.to_string().contains("srs"), "{e}");
}

#[test]
fn score_with_checks_the_instrument_id() {
    let srs = Instrument::builtin("srs").unwrap();
    let ors = Instrument::builtin("ors").unwrap();
    let r = responses(&[9.0, 8.5, 9.0, 8.0]);
    let unscored = Administration::new("srs", Respondent::Client, r.clone(), None).unwrap();
    let scored = unscored.score_with(&srs).unwrap();
    assert_eq!(scored.score().map(|s| s.total), Some(34.5));
    assert!(matches!(
        unscored.score_with(&ors),
        Err(SessionError::InstrumentMismatch { .. })
    ));
}

#[test]
fn timing_round_trips_and_selects_ratings() {
    let srs = Instrument::builtin("srs").unwrap();
    let pre = Administration::scored(&srs, Respondent::Client, responses(&[5.0, 5.0, 5.0, 5.0]))
        .unwrap()
        .with_timing(Timing::PreSession);
    let json = serde_json::to_string(&pre).unwrap();
    assert!(json.contains(r#""timing":"pre_session""#), "{json}");
    let back: Administration = serde_json::from_str(&json).unwrap();
    assert_eq!(back, pre);
    assert_eq!(back.timing(), Some(Timing::PreSession));
    // a course with both timings in one session: select one
    let mut c = course("c-104");
    let first = c.sessions()[0].clone().with_administration(pre).unwrap();
    let rest: Vec<_> = c.sessions()[1..].to_vec();
    c = Course::new(std::iter::once(first).chain(rest)).unwrap();
    assert!(matches!(
        pcoms().run(&c),
        Err(MonitorError::DuplicateSession { session: 1 })
    ));
    let post = pcoms()
        .alliance_timing(Timing::PostSession)
        .run(&c)
        .unwrap();
    assert_eq!(
        post.alliance.unwrap().points().to_vec(),
        c.series_at("srs", Respondent::Client, Timing::PostSession)
    );
    let pre_only = c.series_at("srs", Respondent::Client, Timing::PreSession);
    assert_eq!(pre_only.len(), c.series_by("srs", Respondent::Client).len());
}

/// A series on `inst`'s own scale: a high start, a fall of a third of the range, a recovery,
/// then a slide to the bottom, so every rule that exists for the instrument has a chance to fire.
fn own_scale_series(inst: &Instrument) -> therapeutic_alliance::monitor::Series {
    let (lo, hi) = inst.total_range();
    let at = |f: f64| lo + (hi - lo) * f;
    therapeutic_alliance::monitor::Series::new(vec![
        (1, at(0.9)),
        (2, at(0.55)),
        (3, at(0.9)),
        (4, at(0.6)),
        (5, at(0.3)),
        (6, at(0.05)),
    ])
    .unwrap()
}

/// Every built-in alliance and outcome instrument, monitored on its own scale: each alert's
/// threshold is that instrument's own number (or the rupture size given), never another
/// instrument's; instruments without a published cutoff or drop raise no such alert.
#[test]
fn every_builtin_is_monitored_with_its_own_numbers() {
    use therapeutic_alliance::monitor::{CourseInput, ThresholdSource};
    let alliance_ids = ["srs", "wai-sr", "wai-sr-t", "wai", "care"];
    let outcome_ids = ["ors", "core-om", "core-10", "phq-9", "gad-7"];
    for id in alliance_ids {
        let inst = Instrument::builtin(id).unwrap();
        let s = own_scale_series(&inst);
        let (lo, hi) = inst.total_range();
        let points = (hi - lo) / 4.0;
        let monitor = CourseMonitor::new(MonitorOptions::new(
            RuptureOptions::new(RuptureThreshold::Points(points)),
            SuddenChangeOptions::tang_derubeis_bdi(),
        ))
        .alliance(inst.clone(), Respondent::Client);
        let r = monitor.run_input(&CourseInput::new().alliance(&s)).unwrap();
        let a = r.alliance.as_ref().unwrap();
        assert_eq!(a.instrument, id);
        assert_eq!(a.rupture_threshold, points, "{id}");
        assert!(
            !a.ruptures.is_empty(),
            "{id}: the fall of a third is a rupture"
        );
        for alert in &r.alerts {
            assert_eq!(alert.instrument.as_deref(), Some(id), "{id}: {alert:?}");
            let t = alert.threshold.unwrap();
            match alert.kind {
                AlertKind::AllianceLow => {
                    assert_eq!(Some(t), inst.cutoff().map(|c| c.value), "{id}");
                    assert_eq!(alert.threshold_source, Some(ThresholdSource::Published));
                }
                AlertKind::AllianceDrop => {
                    assert_eq!(Some(-t), inst.alert_drop(), "{id}");
                }
                AlertKind::Rupture => assert_eq!(t, points, "{id}"),
                other => panic!("{id}: unexpected {other}"),
            }
        }
        let kinds: Vec<AlertKind> = r.alerts.iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds.contains(&AlertKind::AllianceLow),
            inst.cutoff().is_some(),
            "{id}: {kinds:?}"
        );
        assert_eq!(
            kinds.contains(&AlertKind::AllianceDrop),
            inst.alert_drop().is_some(),
            "{id}: {kinds:?}"
        );
        // traffic lights only where the instrument has a cutoff
        assert_eq!(a.lights.is_empty(), inst.cutoff().is_none(), "{id}");
    }
    for id in outcome_ids {
        let inst = Instrument::builtin(id).unwrap();
        let mut s = own_scale_series(&inst);
        if inst.direction() == Direction::LowerIsBetter {
            let (lo, hi) = inst.total_range();
            s = therapeutic_alliance::monitor::Series::new(
                s.points().iter().map(|&(k, v)| (k, lo + hi - v)).collect(),
            )
            .unwrap();
        }
        let monitor = CourseMonitor::new(MonitorOptions::new(
            RuptureOptions::new(RuptureThreshold::Points(1.0)),
            SuddenChangeOptions::new(
                SizeCriterion::ReliableChange(inst.reliable_change_threshold().unwrap()),
                inst.direction(),
            ),
        ))
        .outcome(inst.clone(), Respondent::Client);
        let r = monitor.run_input(&CourseInput::new().outcome(&s)).unwrap();
        let det: Vec<_> = r
            .alerts
            .iter()
            .filter(|a| a.kind == AlertKind::OutcomeDeterioration)
            .collect();
        assert!(
            !det.is_empty(),
            "{id}: the slide to the bottom deteriorates"
        );
        for a in det {
            assert_eq!(a.instrument.as_deref(), Some(id));
            assert_eq!(a.threshold, inst.reliable_change_threshold(), "{id}");
            assert_eq!(a.threshold_source, Some(ThresholdSource::Published));
        }
        assert!(
            r.alerts
                .iter()
                .all(|a| !matches!(a.kind, AlertKind::AllianceLow | AlertKind::AllianceDrop)),
            "{id}"
        );
    }
}

/// A course with only the WAI-SR as alliance measure raises no alert on an SRS number, even
/// with totals below 36 and falls of 1 point; the alerts JSON names client and instrument.
#[test]
fn wai_sr_course_gets_no_srs_numbers() {
    let mut sessions = Vec::new();
    for (k, total) in [(1u32, 40.0), (2, 35.0), (3, 34.0), (4, 20.0), (5, 19.0)] {
        let score = therapeutic_alliance::Score::new("wai-sr", total);
        let date = SessionDate::new(2025, 1, 2 * i32::try_from(k).unwrap()).unwrap();
        let s = therapeutic_alliance::Session::new(
            therapeutic_alliance::ClientId::new("w-1").unwrap(),
            therapeutic_alliance::CounsellorId::new("t-1").unwrap(),
            k,
            date,
        )
        .unwrap()
        .with_administration(
            Administration::new("wai-sr", Respondent::Client, Responses::new(), Some(score))
                .unwrap(),
        )
        .unwrap();
        sessions.push(s);
    }
    let course = Course::new(sessions).unwrap();
    let m = CourseMonitor::new(options(Direction::HigherIsBetter))
        .alliance(Instrument::builtin("wai-sr").unwrap(), Respondent::Client)
        .run(&course)
        .unwrap();
    assert!(
        !m.report.alerts.is_empty(),
        "the fall of 14 points is a rupture"
    );
    for a in &m.report.alerts {
        assert_eq!(a.kind, AlertKind::Rupture, "{a:?}");
        assert_ne!(a.threshold, Some(36.0));
        assert_ne!(a.threshold, Some(-1.0));
    }
    let json = serde_json::to_value(&m.report.alerts).unwrap();
    assert_eq!(json[0]["client"], "w-1");
    assert_eq!(json[0]["instrument"], "wai-sr");
    assert_eq!(json[0]["kind"], "rupture");
    assert!(m.report.alliance.as_ref().unwrap().lights.is_empty());
}

/// A PHQ-9 administered in a course raises a `critical_item` alert (critical) at its session
/// with client, date, instrument, value and threshold, whatever the monitored measures are.
#[test]
fn critical_items_in_a_course_become_alerts() {
    let phq = Instrument::builtin("phq-9").unwrap();
    let answers = |item9: f64| -> Responses {
        (1..=9)
            .map(|i| (i, Answer::Value(if i == 9 { item9 } else { 1.0 })))
            .collect()
    };
    let mut sessions = Vec::new();
    for (k, item9) in [(1u32, 0.0), (2, 2.0), (3, 0.0)] {
        let s = therapeutic_alliance::Session::new(
            therapeutic_alliance::ClientId::new("p-1").unwrap(),
            therapeutic_alliance::CounsellorId::new("t-1").unwrap(),
            k,
            SessionDate::new(2025, 2, i32::try_from(k).unwrap()).unwrap(),
        )
        .unwrap()
        .with_administration(
            Administration::scored(&phq, Respondent::Client, answers(item9)).unwrap(),
        )
        .unwrap();
        sessions.push(s);
    }
    let course = Course::new(sessions).unwrap();
    let m = pcoms().run(&course).unwrap();
    let crit: Vec<_> = m
        .report
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::CriticalItem)
        .collect();
    assert_eq!(crit.len(), 1);
    let a = crit[0];
    assert_eq!(a.session, 2);
    assert_eq!(a.severity, AlertSeverity::Critical);
    assert_eq!(a.rule.as_deref(), Some("phq9_item9"));
    assert_eq!(a.instrument.as_deref(), Some("phq-9"));
    assert_eq!((a.value, a.threshold), (Some(2.0), Some(1.0)));
    assert_eq!(a.date, Some(SessionDate::new(2025, 2, 2).unwrap()));
    assert!(a.reason.contains("not a risk estimate"), "{}", a.reason);
}
