//! Scoring a parsed instrument with parsed responses: input is `<instrument JSON>\n---\n<responses
//! JSON>` (or responses alone, scored on every built-in instrument). The score is finite,
//! within the instrument's bounds (total and subscales) and reads back from its own JSON; or
//! a typed error.

use therapeutic_alliance::{Instrument, Responses};

pub fn run(data: &[u8]) {
    let (instrument, responses) = match super::split(data) {
        Some((i, r)) => (Some(i), r),
        None => (None, data),
    };
    let Some(json) = super::text(responses) else {
        return;
    };
    let Ok(responses) = therapeutic_alliance::document::from_json::<Responses>(json) else {
        return;
    };
    match instrument {
        Some(i) => {
            let Some(json) = super::text(i) else {
                return;
            };
            if let Ok(instrument) = therapeutic_alliance::document::from_json::<Instrument>(json) {
                super::check_score(&instrument, &responses);
            }
        }
        None => {
            for instrument in Instrument::all_builtin() {
                super::check_score(&instrument, &responses);
            }
        }
    }
}
