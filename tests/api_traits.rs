//! The public API's common traits and conversions (issue 7): the main types are `Send + Sync`,
//! value types have Debug/Clone/PartialEq (and serde round trips), and validated types convert
//! with the standard conversion traits, running the same validation as their constructors.

use std::str::FromStr;

use therapeutic_alliance::monitor::{
    Alert, AlertKind, AlertSeverity, ChartOptions, CourseInput, CourseMonitor, CourseMonitoring,
    MonitorError, MonitorOptions, Series,
};
use therapeutic_alliance::stats::{
    Alpha, ChangeResult, Correlation, Icc, MetaAnalysis, ReliableChange, StatsError,
    WithinRegression,
};
use therapeutic_alliance::{
    Administration, BarrierFlag, ClientId, CounsellorId, Course, CourseError, IdError, Instrument,
    InstrumentError, ReadError, Responses, Score, ScoreError, Session, SessionDate, SessionError,
    catalogue::OrsAge,
};

fn send_sync<T: Send + Sync>() {}

#[test]
fn main_types_are_send_and_sync() {
    send_sync::<Instrument>();
    send_sync::<Responses>();
    send_sync::<Score>();
    send_sync::<ClientId>();
    send_sync::<CounsellorId>();
    send_sync::<SessionDate>();
    send_sync::<Administration>();
    send_sync::<Session>();
    send_sync::<Course>();
    send_sync::<BarrierFlag>();
    send_sync::<Series>();
    send_sync::<MonitorOptions>();
    send_sync::<CourseMonitor>();
    send_sync::<CourseMonitoring>();
    send_sync::<CourseInput<'static>>();
    send_sync::<ChartOptions>();
    send_sync::<Alert>();
    send_sync::<Alpha>();
    send_sync::<Icc>();
    send_sync::<Correlation>();
    send_sync::<ReliableChange>();
    send_sync::<ChangeResult>();
    send_sync::<MetaAnalysis>();
    send_sync::<WithinRegression>();
    // errors, so they can cross threads inside `Box<dyn Error + Send + Sync>`
    send_sync::<ScoreError>();
    send_sync::<InstrumentError>();
    send_sync::<ReadError>();
    send_sync::<IdError>();
    send_sync::<SessionError>();
    send_sync::<CourseError>();
    send_sync::<MonitorError>();
    send_sync::<StatsError>();
}

#[test]
fn ids_convert_from_text_with_validation() {
    let a = ClientId::try_from("c-001").unwrap();
    let b = ClientId::from_str("c-001").unwrap();
    let c: ClientId = "c-001".parse().unwrap();
    let d = ClientId::try_from(String::from("c-001")).unwrap();
    assert!(a == b && b == c && c == d);
    assert_eq!(String::from(a), "c-001");
    assert!(ClientId::try_from("Jane Doe").is_err());
    assert!(CounsellorId::try_from("").is_err());
    assert_eq!(CounsellorId::try_from("t-07").unwrap().as_str(), "t-07");
    // Eq + Hash: usable as map keys
    let set: std::collections::HashSet<ClientId> = ["c-1", "c-2", "c-1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn dates_convert_from_text_with_validation() {
    let d = SessionDate::try_from("2025-01-08").unwrap();
    assert_eq!(d, "2025-01-08".parse::<SessionDate>().unwrap());
    assert_eq!(d.to_string(), "2025-01-08");
    assert!(SessionDate::try_from("2025-02-30").is_err());
    assert!(SessionDate::try_from("8 Jan 2025").is_err());
}

#[test]
fn courses_and_series_convert_from_vectors_with_validation() {
    let s1 = Session::new(
        ClientId::try_from("c-1").unwrap(),
        CounsellorId::try_from("t-1").unwrap(),
        1,
        SessionDate::try_from("2025-01-08").unwrap(),
    )
    .unwrap();
    let course = Course::try_from(vec![s1.clone()]).unwrap();
    assert_eq!(course.len(), 1);
    assert!(Course::try_from(Vec::<Session>::new()).is_err());
    assert!(Course::try_from(vec![s1.clone(), s1]).is_err()); // repeated session number
    let series = Series::try_from(vec![(1, 30.0), (2, 31.5)]).unwrap();
    assert_eq!(Vec::from(series), vec![(1, 30.0), (2, 31.5)]);
    assert!(Series::try_from(vec![(1, f64::NAN)]).is_err());
}

#[test]
fn value_types_round_trip_through_serde() {
    let alert = Alert::new(
        3,
        AlertKind::AllianceLow,
        AlertSeverity::Warning,
        "alliance 35 < cutoff 36",
    );
    let json = serde_json::to_string(&alert).unwrap();
    assert_eq!(serde_json::from_str::<Alert>(&json).unwrap(), alert);
    let age: OrsAge = serde_json::from_str("\"child\"").unwrap();
    assert_eq!(age, OrsAge::Child);
    assert_eq!(serde_json::to_string(&OrsAge::Adult).unwrap(), "\"adult\"");
    let srs = Instrument::builtin("srs").unwrap();
    let back: Instrument = serde_json::from_str(&serde_json::to_string(&srs).unwrap()).unwrap();
    assert_eq!(back, srs);
}
