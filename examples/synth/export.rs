//! The bundled synthetic data as a researcher's **export** (`export.csv`): one row per client
//! and session, the instruments side by side, as a survey tool or EHR writes them, with the
//! blemishes of real files: blank answers, two `NA`s and one typing error (55 on a 1–5 item).
//! It is the default input of the `workbench` example.
//!
//! Columns: `ClientID, TherapistID, Session, Date`, then `WAI_1 … WAI_12` (client WAI-SR),
//! `WAIT_1 … WAIT_12` (therapist WAI-SR-T), `SRS_1 … SRS_4`, `ORS_1 … ORS_4`,
//! `PHQ_1 … PHQ_9`, `GAD_1 … GAD_7`, `CARE_1 … CARE_10`. An instrument not given in a session
//! has all its cells empty; CARE "does not apply" is `N/A`.
//!
//! Blemishes, drawn from their own stream (so the other files do not change): each WAI-SR,
//! WAI-SR-T, SRS and ORS form has one blank item with probability 3% (a second one with
//! probability 0.5%); the first two blanks of the client WAI-SR written after row 1000 are
//! written `NA` instead of empty; and the client WAI-SR item 7 of the 1234th row holds `55`
//! where its value was (a typing error the reader must report).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Dataset, GenResult, Rng};

/// The instruments of the export: (id, column prefix, items).
pub const COLUMNS: [(&str, &str, usize); 7] = [
    ("wai-sr", "WAI_", 12),
    ("wai-sr-t", "WAIT_", 12),
    ("srs", "SRS_", 4),
    ("ors", "ORS_", 4),
    ("phq-9", "PHQ_", 9),
    ("gad-7", "GAD_", 7),
    ("care", "CARE_", 10),
];

/// The data row (1-based, header not counted) holding the typing error.
pub const TYPO_ROW: usize = 1234;
/// The item holding the typing error (client WAI-SR).
pub const TYPO_ITEM: usize = 7;
/// The value of the typing error.
pub const TYPO_VALUE: &str = "55";

/// Writes the export of `data` (generated with `seed`).
///
/// # Errors
/// Only if the data set is inconsistent (a bug in the generator).
pub fn export_csv(data: &Dataset, seed: u64) -> GenResult<String> {
    let mut rng = Rng::new(seed ^ 0x0E58_0C5F);
    let mut answers: BTreeMap<(&str, &str, u32), &Vec<Option<f64>>> = BTreeMap::new();
    for (&id, rows) in &data.items {
        for (client, session, a) in rows {
            answers.insert((id, client.as_str(), *session), a);
        }
    }
    let mut out = String::from("ClientID,TherapistID,Session,Date");
    for (_, prefix, n) in COLUMNS {
        for i in 1..=n {
            write!(out, ",{prefix}{i}")?;
        }
    }
    out.push('\n');
    let (mut row, mut na_written) = (0usize, 0usize);
    for course in &data.courses {
        for s in course.sessions() {
            row += 1;
            let client = course.client().as_str();
            write!(
                out,
                "{client},{},{},{}",
                course.counsellor().as_str(),
                s.number(),
                s.date()
            )?;
            for (id, _, n) in COLUMNS {
                let a = answers.get(&(id, client, s.number()));
                // blemish draws are made for every form slot, given or not (fixed count)
                let (u1, u2, u3, u4) = (rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform());
                let blemish = matches!(id, "wai-sr" | "wai-sr-t" | "srs" | "ors");
                let first = (blemish && u1 < 0.03).then_some((u2 * n as f64) as usize);
                let second =
                    (first.is_some() && u3 < 0.5 / 3.0).then_some((u4 * n as f64) as usize);
                for i in 0..n {
                    out.push(',');
                    let Some(a) = a else { continue };
                    if id == "wai-sr" && row == TYPO_ROW && i + 1 == TYPO_ITEM {
                        out.push_str(TYPO_VALUE);
                        continue;
                    }
                    if first == Some(i) || second == Some(i) {
                        if id == "wai-sr" && row > 1000 && na_written < 2 {
                            out.push_str("NA");
                            na_written += 1;
                        }
                        continue;
                    }
                    match a.get(i).copied().flatten() {
                        Some(x) if id == "srs" || id == "ors" => write!(out, "{:.1}", x + 0.0)?,
                        // `+ 0.0` writes a rounded −0 as 0
                        Some(x) => write!(out, "{:.0}", x + 0.0)?,
                        None => out.push_str("N/A"),
                    }
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}
