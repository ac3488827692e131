//! Helpers shared by the domain integration tests: scores, dates and sessions in one line.

use therapeutic_alliance::{ClientId, CounsellorId, Score, Session, SessionDate};

/// A score built through serde, as the real `Score` is `#[non_exhaustive]`.
pub fn score(instrument: &str, total: f64, subscales: &[(&str, f64)]) -> Score {
    let subs: Vec<_> = subscales
        .iter()
        .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
        .collect();
    serde_json::from_value(serde_json::json!({
        "instrument": instrument, "total": total, "subscales": subs, "answered": 4,
        "prorated": false, "imputed": 0, "band": null, "cutoff_met": false
    }))
    .unwrap()
}

pub fn date(y: i32, m: i32, d: i32) -> SessionDate {
    SessionDate::new(y, m, d).unwrap()
}

pub fn session(client: &str, counsellor: &str, number: u32, d: SessionDate) -> Session {
    Session::new(
        ClientId::new(client).unwrap(),
        CounsellorId::new(counsellor).unwrap(),
        number,
        d,
    )
    .unwrap()
}
