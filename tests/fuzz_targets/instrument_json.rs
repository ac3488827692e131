//! `document::from_json::<Instrument>`: a definition reads back from its own JSON, its bounds
//! are finite and ordered, and it scores its own extreme answers within those bounds.

use therapeutic_alliance::{Answer, Instrument, Responses};

pub fn run(data: &[u8]) {
    let Some(json) = super::text(data) else {
        return;
    };
    let Some(instrument) = super::round_trip::<Instrument>("instrument", json) else {
        return;
    };
    let (lo, hi) = instrument.total_range();
    assert!(
        lo.is_finite() && hi.is_finite() && lo <= hi,
        "total range [{lo}, {hi}]"
    );
    for i in 0..instrument.subscales().len() {
        let (lo, hi) = instrument.subscale_range(i).expect("subscale range");
        assert!(
            lo.is_finite() && hi.is_finite() && lo <= hi,
            "subscale {i} range [{lo}, {hi}]"
        );
    }
    // every item at the scale's minimum, then at its maximum, then all missing
    let (min, max) = instrument.scale().bounds();
    for answer in [Answer::Value(min), Answer::Value(max), Answer::Missing] {
        let r: Responses = instrument.item_numbers().map(|i| (i, answer)).collect();
        super::check_score(&instrument, &r);
    }
}
