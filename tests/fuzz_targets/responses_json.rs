//! `document::from_json::<Responses>`: a responses document reads back from its own JSON, its
//! answers are finite, and scoring it on a built-in instrument is finite and within bounds.

use therapeutic_alliance::{Answer, Instrument, Responses};

pub fn run(data: &[u8]) {
    let Some(json) = super::text(data) else {
        return;
    };
    let Some(r) = super::round_trip::<Responses>("responses", json) else {
        return;
    };
    for (item, answer) in r.iter() {
        assert!(item >= 1, "item number 0 was read");
        if let Answer::Value(v) = answer {
            assert!(v.is_finite(), "item {item}: answer {v} is not finite");
        }
    }
    // scored on the instrument it names, or on two built-ins
    let ids: Vec<String> = match r.instrument() {
        Some(id) => vec![id.to_owned()],
        None => vec!["srs".to_owned(), "phq-9".to_owned()],
    };
    for id in ids {
        if let Some(instrument) = Instrument::builtin(&id) {
            super::check_score(&instrument, &r);
        }
    }
}
