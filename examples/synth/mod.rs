//! The seeded generator of the bundled **synthetic** data set (`examples/data/synthetic/`).
//!
//! Shared by the `generate_data` example (which writes the files) and `tests/generator.rs`
//! (which regenerates them in memory and compares them byte for byte with the committed
//! files). Everything here is invented: no record describes a real person.
//!
//! # Reproducibility
//!
//! * PRNG: **xoshiro256\*\*** (Blackman & Vigna 2018), seeded through **SplitMix64** (Steele,
//!   Lea & Flood 2014), both written out below, so no `rand` dependency and no change when a
//!   dependency changes its stream. Uniforms are the top 53 bits scaled by 2⁻⁵³.
//! * Normal deviates are **Irwin–Hall** sums of 12 uniforms minus 6 (mean 0, SD 1, bounded at
//!   ±6). Only `+ − × ÷`, `sqrt`, `round` and `floor` are used, which IEEE 754 defines exactly,
//!   so the output is the same on every platform (no `ln`, `exp` or `cos`, whose last bit can
//!   differ between C libraries).
//! * Clients are generated one after another from one stream; every client draws the same
//!   number of random numbers whatever happens, so changing one rate does not reshuffle
//!   unrelated clients.
//! * Output is plain text with fixed precision (Likert answers as integers, visual-analogue
//!   answers and CSV totals with one decimal); the courses JSON is written by `serde_json`
//!   from the crate's own [`Course`] type, one course per line, fields in declaration order.
//!
//! # Model (per client)
//!
//! * 200 clients, 12 counsellors; 6–20 weekly sessions (uniform), one week in seven skipped.
//! * A latent **alliance** level `a ~ N(0, 1)` plus a small counsellor effect, rising slowly
//!   over the course, with AR(1) session noise. A latent **improvement** `g` correlates with
//!   `a` at ρ = 0.47 (chosen so that the *observed* correlation between the client's mean
//!   WAI-SR and ORS change comes out near the meta-analytic r = .278 of Flückiger, Del Re, Wampold
//!   & Horvath 2018, *Psychotherapy* 55(4):316–340, doi:10.1037/pst0000172, after measurement
//!   error).
//! * Distress falls along a concave path scaled by `g`, with AR(1) noise.
//! * Items: WAI-SR (client, 12 × 1–5) and WAI-SR-T (therapist, 12 × 1–5; the therapist's view
//!   correlates about .5 with the client's) from the alliance; SRS (4 × 0–10 VAS) from the
//!   alliance (items centred near 9.3 of 10 with a ceiling, so the median total is about 37
//!   and roughly a third of sessions fall below the SRS cutoff of 36 — SRS scores are known
//!   to crowd the ceiling; the exact base rate is the crate's own choice, no verified figure
//!   exists), ORS (4 × 0–10 VAS) from distress, every session; PHQ-9 and GAD-7 (0–3) at the
//!   first and last session; **CARE** (10 × 1–5, 2% "does not apply") at session 3 and at the
//!   last session for half of the clients. **No BLRI item data** are generated: the BLRI key
//!   is licensed (see `Instrument::blri`), and a made-up key would look real; the CARE Measure
//!   stands in for the core-conditions ratings.
//! * **Ruptures**: 25.4% of clients get one injected alliance dip (1–2 sessions down, about
//!   1.3–2 latent SD deep), matching Larsson et al. (2018; N = 605, session-by-session patient
//!   ratings): rupture patterns in 25.4% of clients (repaired 14.7%, unrepaired 10.7%), so
//!   58% of injected ruptures are repaired within 1–2 sessions; unrepaired ones stay low and
//!   lower the client's improvement (McLaughlin et al. 2014: unrepaired ruptures predicted
//!   worse outcome). McLaughlin et al. report 46% with ruptures in PE for PTSD; the generator
//!   follows the larger primary-care sample (Larsson et al. 2018, *Psychother Res* 28(1):123–136,
//!   doi:10.1080/10503307.2016.1174345).
//! * **Sudden gains**: 11% of clients get one injected between-session improvement of ~1 SD
//!   (11% of 1,640 university-clinic patients, *Z Klin Psychol Psychother* 36(4):261), 48% of which later
//!   lose half of it again (the same study's relapse rate). **Sudden losses**: 15% of clients get
//!   one injected worsening of ~1.4 SD lasting three sessions; the rest of the 26.5% reported by Odyniec et al. (2019)
//!   is left to session noise, which the Tang & DeRubeis criteria also pick up (26.7% false
//!   positives with no true change in the simulation of PMC4606893, table T2).
//! * **Barrier flags** (client-level rates; the literature read gives no base rates for these, so these
//!   are this generator's own, invented for demonstration and not epidemiological): language
//!   barrier 10% (70% of them with an interpreter at every session), transference 12%,
//!   countertransference 8%, attachment difficulty 10%, reactance 8%, obstructiveness 5%,
//!   boundary crossing 5%, boundary violation 0.5% (one client in 200); and, at the trough of
//!   an injected rupture, a counsellor-raised reactance or obstructiveness flag with
//!   probability .35. About 60% of flags raised before the last session are resolved.

#![allow(dead_code)] // each includer uses a different part

pub mod export;

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;

use therapeutic_alliance::stats::{AlphaOptions, alpha_rows, pearson};
use therapeutic_alliance::{
    Administration, Answer, AttachmentStyle, BarrierFlag, BarrierKind, BoundaryCategory,
    BoundaryType, ClientId, CounsellorId, CountertransferenceFactor, Course, Instrument, RaisedBy,
    Respondent, Responses, Session, SessionDate, Severity, TransferencePattern,
};

/// The seed of the committed data set.
pub const DEFAULT_SEED: u64 = 20250107;
/// Number of clients.
pub const CLIENTS: usize = 200;
/// Number of counsellors.
pub const COUNSELLORS: usize = 12;
/// Widest instrument (WAI-SR): item columns in the long CSV.
pub const ITEM_COLUMNS: usize = 12;

/// Item rows of one instrument: `(client, session, answers)`, `None` = does not apply.
pub type ItemRows = Vec<(String, u32, Vec<Option<f64>>)>;

/// Generator result type.
pub type GenResult<T = ()> = Result<T, Box<dyn Error>>;

/// SplitMix64: used only to expand the seed into xoshiro's state.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0, seeded with SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng([u64; 4]);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        Self([sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()])
    }
    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.uniform() * f64::from(hi - lo + 1)).floor() as u32
    }
    /// Approximately standard normal: Irwin–Hall sum of 12 uniforms minus 6.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// What the generator injected into one client (ground truth, for checking detectors).
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    /// Client id.
    pub client: String,
    /// Sessions.
    pub sessions: u32,
    /// Injected rupture: (start session, trough session, repaired).
    pub rupture: Option<(u32, u32, bool)>,
    /// Injected sudden gain: the session after the gain.
    pub sudden_gain: Option<u32>,
    /// Injected sudden loss: the session after the loss.
    pub sudden_loss: Option<u32>,
}

/// The generated data set: file contents plus what the summary needs.
#[derive(Debug)]
pub struct Dataset {
    /// `(file name, contents)`, in the order written.
    pub files: Vec<(&'static str, String)>,
    /// The courses, as written to `courses.json`.
    pub courses: Vec<Course>,
    /// Injected events per client.
    pub truth: Vec<Truth>,
    /// Item rows by instrument id: `(client, session, answers)` (`None` = does not apply).
    pub items: BTreeMap<&'static str, ItemRows>,
}

/// Instruments in the order they appear within a session.
const ORDER: [(&str, Respondent); 7] = [
    ("wai-sr", Respondent::Client),
    ("wai-sr-t", Respondent::Therapist),
    ("srs", Respondent::Client),
    ("ors", Respondent::Client),
    ("phq-9", Respondent::Client),
    ("gad-7", Respondent::Client),
    ("care", Respondent::Client),
];

fn respondent_name(r: Respondent) -> &'static str {
    match r {
        Respondent::Therapist => "therapist",
        Respondent::Observer => "observer",
        Respondent::Client => "client",
    }
}

fn likert(x: f64, lo: f64, hi: f64) -> f64 {
    x.round().clamp(lo, hi)
}

fn vas(x: f64) -> f64 {
    ((x * 10.0).round() / 10.0).clamp(0.0, 10.0)
}

/// Item means of the WAI-SR (client and therapist forms).
const WAI_MU: [f64; 12] = [3.9, 3.7, 4.2, 3.6, 4.1, 3.8, 4.0, 3.7, 4.1, 3.8, 3.6, 3.9];

struct Flagger<'a> {
    rng: &'a mut Rng,
    flags: Vec<BarrierFlag>,
    last: u32,
}

impl Flagger<'_> {
    fn raise(
        &mut self,
        session: u32,
        kind: BarrierKind,
        severity: Severity,
        by: RaisedBy,
    ) -> GenResult {
        let resolve = self.rng.chance(0.6);
        let flag = BarrierFlag::new(session, kind, severity, by)?
            .with_resolved(session < self.last && resolve);
        self.flags.push(flag);
        Ok(())
    }
}

/// Client-level barrier flags at the documented base rates. Draws a fixed number of
/// random numbers whatever it decides.
fn barrier_flags(
    rng: &mut Rng,
    n: u32,
    rupture_trough: Option<u32>,
) -> GenResult<(Vec<BarrierFlag>, bool)> {
    let draws: Vec<f64> = (0..24).map(|_| rng.uniform()).collect();
    let mut sub = Rng::new(rng.next_u64());
    let at = |u: f64| 1 + (u * f64::from(n)).floor() as u32;
    let mut f = Flagger {
        rng: &mut sub,
        flags: Vec::new(),
        last: n,
    };
    let interpreter;
    // language barrier: 10%; interpreter at every session for 70% of them
    if draws[0] < 0.10 {
        interpreter = draws[1] < 0.70;
        f.raise(
            1,
            BarrierKind::Language {
                shared_language: false,
                interpreter_present: interpreter,
            },
            Severity::Noted,
            RaisedBy::Counsellor,
        )?;
    } else {
        interpreter = false;
    }
    if draws[2] < 0.12 {
        let pattern = [
            TransferencePattern::AngryEntitled,
            TransferencePattern::AnxiousPreoccupied,
            TransferencePattern::AvoidantCounterdependent,
            TransferencePattern::SecureEngaged,
        ][(draws[3] * 4.0) as usize % 4];
        let sev = if draws[4] < 0.7 {
            Severity::Noted
        } else {
            Severity::Moderate
        };
        let by = if draws[5] < 0.75 {
            RaisedBy::Counsellor
        } else {
            RaisedBy::Supervisor
        };
        f.raise(at(draws[6]), BarrierKind::Transference { pattern }, sev, by)?;
    }
    if draws[7] < 0.08 {
        let factor = [
            CountertransferenceFactor::Overwhelmed,
            CountertransferenceFactor::Helpless,
            CountertransferenceFactor::Positive,
            CountertransferenceFactor::SpecialOverinvolved,
            CountertransferenceFactor::Disengaged,
            CountertransferenceFactor::ParentalProtective,
            CountertransferenceFactor::CriticisedMistreated,
        ][(draws[8] * 7.0) as usize % 7];
        f.raise(
            at(draws[9]),
            BarrierKind::Countertransference { factor },
            Severity::Moderate,
            RaisedBy::Supervisor,
        )?;
    }
    if draws[10] < 0.10 {
        let style = [
            AttachmentStyle::Anxious,
            AttachmentStyle::Avoidant,
            AttachmentStyle::Disorganised,
        ][(draws[11] * 3.0) as usize % 3];
        f.raise(
            1 + u32::from(draws[12] < 0.5),
            BarrierKind::Attachment { style },
            Severity::Noted,
            RaisedBy::Counsellor,
        )?;
    }
    if draws[13] < 0.08 {
        let by = if draws[14] < 0.5 {
            RaisedBy::Counsellor
        } else {
            RaisedBy::Client
        };
        f.raise(at(draws[15]), BarrierKind::Reactance, Severity::Noted, by)?;
    }
    if draws[16] < 0.05 {
        f.raise(
            at(draws[17]),
            BarrierKind::Obstructiveness,
            Severity::Moderate,
            RaisedBy::Counsellor,
        )?;
    }
    if draws[18] < 0.05 {
        let category = [
            BoundaryCategory::GiftsServices,
            BoundaryCategory::Time,
            BoundaryCategory::SelfDisclosure,
            BoundaryCategory::PlaceSpace,
        ][(draws[19] * 4.0) as usize % 4];
        f.raise(
            at(draws[20]),
            BarrierKind::Boundary {
                boundary: BoundaryType::Crossing,
                category,
            },
            Severity::Noted,
            RaisedBy::Counsellor,
        )?;
    } else if draws[18] > 0.995 {
        f.raise(
            at(draws[20]),
            BarrierKind::Boundary {
                boundary: BoundaryType::Violation,
                category: BoundaryCategory::DualRelationship,
            },
            Severity::Severe,
            RaisedBy::Supervisor,
        )?;
    }
    if let Some(t) = rupture_trough
        && draws[21] < 0.35
    {
        let kind = if draws[22] < 0.6 {
            BarrierKind::Reactance
        } else {
            BarrierKind::Obstructiveness
        };
        f.raise(t, kind, Severity::Moderate, RaisedBy::Counsellor)?;
    }
    let mut flags = f.flags;
    flags.sort_by_key(BarrierFlag::session);
    Ok((flags, interpreter))
}

/// Generates the whole data set for `seed`.
///
/// # Errors
/// Only if the crate rejects a generated value (a bug in the generator).
pub fn generate(seed: u64) -> GenResult<Dataset> {
    let mut rng = Rng::new(seed);
    let instruments: BTreeMap<&str, Instrument> = ORDER
        .iter()
        .map(|&(id, _)| {
            Instrument::builtin(id)
                .map(|i| (id, i))
                .ok_or_else(|| format!("no built-in instrument {id}"))
        })
        .collect::<Result<_, _>>()?;
    let counsellor_effect: Vec<f64> = (0..COUNSELLORS).map(|_| 0.3 * rng.normal()).collect();
    let first_monday = SessionDate::new(2024, 1, 8)?;

    let mut items_csv = String::from("client,therapist,session,date,instrument,respondent");
    for k in 1..=ITEM_COLUMNS {
        write!(items_csv, ",item{k}")?;
    }
    items_csv.push('\n');
    let mut totals_csv = String::from("client,session,instrument,total\n");
    let mut courses = Vec::with_capacity(CLIENTS);
    let mut truth = Vec::with_capacity(CLIENTS);
    let mut items: BTreeMap<&'static str, ItemRows> = BTreeMap::new();

    for c in 0..CLIENTS {
        let client = format!("c-{:03}", c + 1);
        let t = c * 7 % COUNSELLORS;
        let counsellor = format!("t-{:02}", t + 1);
        // client-level draws (fixed count)
        let n = rng.int(6, 20);
        let start_week = rng.int(0, 51);
        let a = rng.normal();
        let e = rng.normal();
        let s0 = rng.normal();
        let has_rupture = rng.chance(0.254);
        let repaired = rng.chance(89.0 / 154.0);
        let two_step = rng.chance(0.3);
        let depth = 1.3 + 0.7 * rng.uniform();
        let rupture_u = rng.uniform();
        let has_gain = rng.chance(0.11);
        let gain_u = rng.uniform();
        let relapse = rng.chance(0.48);
        let has_loss = rng.chance(0.15);
        let loss_u = rng.uniform();
        let care = rng.chance(0.5);
        let mut sub = Rng::new(rng.next_u64()); // session-level stream for this client

        let rho = 0.47;
        let mut g = rho * a + (1.0 - rho * rho).sqrt() * e;
        // rupture: start session s (pre level), trough s+1 or s+2, repair 1–2 later
        let rupture = (has_rupture && n >= 6).then(|| {
            let s = 2 + (rupture_u * f64::from(n - 5)).floor() as u32; // 2..=n-4
            let trough = s + 1 + u32::from(two_step);
            (s, trough, repaired)
        });
        if let Some((_, _, rep)) = rupture {
            g += if rep { 0.1 } else { -0.3 };
        }
        let gain_at = (has_gain && n >= 7).then(|| 3 + (gain_u * f64::from(n - 5)).floor() as u32); // 3..=n-2
        let loss_at = (has_loss && n >= 7).then(|| 3 + (loss_u * f64::from(n - 5)).floor() as u32);
        let relapse_at = gain_at.map(|s| s + 2 + (gain_u * 3.0).floor() as u32);

        let (flags, interpreter) = barrier_flags(&mut rng, n, rupture.map(|r| r.1))?;

        let mut sessions = Vec::with_capacity(n as usize);
        let mut date = first_monday
            .add_days(7 * start_week.cast_signed())
            .ok_or("date out of range")?;
        let (mut ar_a, mut ar_s) = (0.0_f64, 0.0_f64);
        for k in 1..=n {
            if k > 1 {
                let skip = sub.chance(1.0 / 7.0);
                date = date
                    .add_days(if skip { 14 } else { 7 })
                    .ok_or("date out of range")?;
            }
            let frac = f64::from(k - 1) / f64::from(n - 1);
            ar_a = 0.3 * ar_a + 0.35 * sub.normal();
            ar_s = 0.3 * ar_s + 0.18 * sub.normal();
            let mut dip = 0.0;
            if let Some((s, trough, rep)) = rupture {
                if k > s && k <= trough {
                    dip = depth * f64::from(k - s) / f64::from(trough - s);
                } else if k > trough {
                    dip = if rep {
                        if k == trough + 1 { 0.25 * depth } else { 0.0 }
                    } else {
                        0.6 * depth
                    };
                }
            }
            let alliance = 0.8 * a + counsellor_effect[t] + 0.4 * frac + ar_a - dip;
            let mut progress = (0.9 + 0.55 * g) * frac * (2.0 - frac);
            if let Some(s) = gain_at {
                if k >= s {
                    progress += 1.0;
                }
                if relapse && relapse_at.is_some_and(|r| k >= r) {
                    progress -= 0.5;
                }
            }
            if loss_at.is_some_and(|s| k >= s && k <= s + 2) {
                progress -= 1.4;
            }
            let distress = s0 - progress + ar_s;
            let therapist_view = 0.5 * alliance + 0.6 * sub.normal();

            let mut rows: Vec<(&'static str, Respondent, Vec<Option<f64>>)> = Vec::with_capacity(7);
            let wai: Vec<Option<f64>> = WAI_MU
                .iter()
                .map(|mu| Some(likert(mu + 0.62 * alliance + 0.6 * sub.normal(), 1.0, 5.0)))
                .collect();
            rows.push(("wai-sr", Respondent::Client, wai));
            let wai_t = WAI_MU
                .iter()
                .map(|mu| {
                    Some(likert(
                        mu - 0.2 + 0.6 * therapist_view + 0.55 * sub.normal(),
                        1.0,
                        5.0,
                    ))
                })
                .collect();
            rows.push(("wai-sr-t", Respondent::Therapist, wai_t));
            let srs = (0..4)
                .map(|_| Some(vas(9.3 + 0.75 * alliance + 0.4 * sub.normal())))
                .collect();
            rows.push(("srs", Respondent::Client, srs));
            let ors = (0..4)
                .map(|_| Some(vas(4.8 - 1.7 * distress + 0.9 * sub.normal())))
                .collect();
            rows.push(("ors", Respondent::Client, ors));
            let phq: Vec<Option<f64>> = (0..9)
                .map(|_| Some(likert(1.6 + 0.6 * distress + 0.6 * sub.normal(), 0.0, 3.0)))
                .collect();
            let gad: Vec<Option<f64>> = (0..7)
                .map(|_| {
                    Some(likert(
                        1.7 + 0.55 * distress + 0.65 * sub.normal(),
                        0.0,
                        3.0,
                    ))
                })
                .collect();
            if k == 1 || k == n {
                rows.push(("phq-9", Respondent::Client, phq));
                rows.push(("gad-7", Respondent::Client, gad));
            }
            // "does not apply" on 2% of CARE items, at most 2 per form (the CARE rule's limit)
            let mut dna_left = 2;
            let care_items: Vec<Option<f64>> = (0..10)
                .map(|_| {
                    let dna = sub.chance(0.02) && dna_left > 0;
                    dna_left -= usize::from(dna);
                    let v = likert(3.9 + 0.6 * alliance + 0.6 * sub.normal(), 1.0, 5.0);
                    (!dna).then_some(v)
                })
                .collect();
            if care && (k == 3 || k == n) {
                rows.push(("care", Respondent::Client, care_items));
            }

            let mut session = Session::new(
                ClientId::new(client.as_str())?,
                CounsellorId::new(counsellor.as_str())?,
                k,
                date,
            )?
            .with_interpreter(interpreter);
            for (id, who, answers) in rows {
                let instrument = &instruments[id];
                let mut responses = Responses::with_capacity(answers.len());
                for (i, x) in answers.iter().enumerate() {
                    let ans = x.map_or(Answer::DoesNotApply, Answer::Value);
                    responses.insert(i as u16 + 1, ans)?;
                }
                let mut score = instrument.score(&responses)?;
                score.total = (score.total * 10.0).round() / 10.0;
                write!(
                    items_csv,
                    "{client},{counsellor},{k},{date},{id},{}",
                    respondent_name(who)
                )?;
                for col in 0..ITEM_COLUMNS {
                    match answers.get(col) {
                        Some(Some(x)) if id == "srs" || id == "ors" => {
                            write!(items_csv, ",{x:.1}")?;
                        }
                        Some(Some(x)) => write!(items_csv, ",{x:.0}")?,
                        Some(None) => items_csv.push_str(",dna"),
                        None => items_csv.push(','),
                    }
                }
                items_csv.push('\n');
                writeln!(totals_csv, "{client},{k},{id},{:.1}", score.total)?;
                items
                    .entry(id)
                    .or_default()
                    .push((client.clone(), k, answers));
                session = session.with_administration(Administration::new(
                    id,
                    who,
                    Responses::new(),
                    Some(score),
                )?)?;
            }
            for flag in flags.iter().filter(|f| f.session() == k) {
                session = session.with_flag(*flag)?;
            }
            sessions.push(session);
        }
        let last = sessions.last().map(Session::date).ok_or("no sessions")?;
        courses.push(Course::new(sessions)?.with_termination(last)?);
        truth.push(Truth {
            client,
            sessions: n,
            rupture,
            sudden_gain: gain_at,
            sudden_loss: loss_at,
        });
    }

    let mut json = String::from("[\n");
    for (i, course) in courses.iter().enumerate() {
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&serde_json::to_string(course)?);
    }
    json.push_str("\n]\n");

    Ok(Dataset {
        files: vec![
            ("administrations.csv", items_csv),
            ("totals.csv", totals_csv),
            ("courses.json", json),
            ("README.md", readme(seed)),
        ],
        courses,
        truth,
        items,
    })
}

/// Checks computed with the crate's own statistics (no monitoring API, so the test can use it).
#[derive(Debug, Clone, PartialEq)]
pub struct Checks {
    /// `(instrument, administrations, raw alpha)` on the first administration per client.
    pub alpha_first: Vec<(&'static str, usize, f64)>,
    /// Raw alpha of the client WAI-SR over every administration.
    pub alpha_wai_all: f64,
    /// Pearson r between the client's mean WAI-SR and ORS change (last − first), across clients.
    pub r_alliance_ors_change: f64,
    /// Pearson r between the client's mean WAI-SR and PHQ-9 improvement (first − last).
    pub r_alliance_phq_improvement: f64,
}

/// Alpha for each instrument and the alliance–outcome correlations.
///
/// # Errors
/// From `stats::alpha_rows` / `stats::pearson`.
pub fn checks(data: &Dataset) -> GenResult<Checks> {
    let mut alpha_first = Vec::new();
    for &(id, _) in &ORDER {
        let Some(rows) = data.items.get(id) else {
            continue;
        };
        let mut seen = std::collections::BTreeSet::new();
        let first: Vec<Vec<f64>> = rows
            .iter()
            .filter(|(c, _, x)| x.iter().all(Option::is_some) && seen.insert(c.clone()))
            .map(|(_, _, x)| x.iter().flatten().copied().collect())
            .collect();
        let a = alpha_rows(&first, &AlphaOptions::new().without_omega())?;
        alpha_first.push((id, first.len(), a.raw_alpha));
    }
    let wai_all: Vec<Vec<f64>> = data.items["wai-sr"]
        .iter()
        .map(|(_, _, x)| x.iter().flatten().copied().collect())
        .collect();
    let alpha_wai_all = alpha_rows(&wai_all, &AlphaOptions::new().without_omega())?.raw_alpha;
    let (mut mean_wai, mut ors_change, mut phq_imp) = (Vec::new(), Vec::new(), Vec::new());
    for course in &data.courses {
        let wai = course.series_by("wai-sr", Respondent::Client);
        let ors = course.series_by("ors", Respondent::Client);
        let phq = course.series_by("phq-9", Respondent::Client);
        let (Some(o1), Some(o2), Some(p1), Some(p2)) =
            (ors.first(), ors.last(), phq.first(), phq.last())
        else {
            continue;
        };
        mean_wai.push(wai.iter().map(|p| p.1).sum::<f64>() / wai.len() as f64);
        ors_change.push(o2.1 - o1.1);
        phq_imp.push(p1.1 - p2.1);
    }
    Ok(Checks {
        alpha_first,
        alpha_wai_all,
        r_alliance_ors_change: pearson(&mean_wai, &ors_change)?.r,
        r_alliance_phq_improvement: pearson(&mean_wai, &phq_imp)?.r,
    })
}

fn readme(seed: u64) -> String {
    format!(
        r"# SYNTHETIC data set — not real clients

Everything in this folder is **synthetic**: generated by `examples/generate_data.rs` (model and
rates documented in `examples/synth/mod.rs`) with seed {seed}. No record describes a real
person, counsellor or service. Regenerate it bit for bit with

```sh
cargo run --release --example generate_data -- --seed {seed} --out examples/data/synthetic
```

200 clients (`c-001` … `c-200`), 12 counsellors (`t-01` … `t-12`), 6–20 weekly sessions each.
Every session: client WAI-SR (`wai-sr`), therapist WAI-SR (`wai-sr-t`), SRS and ORS; PHQ-9
and GAD-7 at the first and last session; the CARE Measure at session 3 and the last session for
about half of the clients. **No BLRI data**: its scoring key is licensed, so the CARE Measure
stands in for the core-conditions ratings. Ruptures, sudden gains and losses and barrier flags
are injected at the rates documented in the generator.

## Files

| file | content |
|---|---|
| `administrations.csv` | one row per administration, item level: `client, therapist, session, date, instrument, respondent, item1 … item12`. Likert answers are integers, SRS/ORS visual-analogue answers have one decimal, `dna` = CARE \u{{201c}}does not apply\u{{201d}}, empty = no such item (shorter instruments). |
| `export.csv` | the same administrations as a researcher's export (written by `examples/synth/export.rs`): one row per client and session, `ClientID, TherapistID, Session, Date, WAI_1 … WAI_12, WAIT_1 … WAIT_12, SRS_1 … SRS_4, ORS_1 … ORS_4, PHQ_1 … PHQ_9, GAD_1 … GAD_7, CARE_1 … CARE_10`, empty cells for instruments not given, `N/A` = CARE \u{{201c}}does not apply\u{{201d}}, and real-file blemishes: blank answers (about 3% of WAI-SR, WAI-SR-T, SRS and ORS forms), two `NA`s and one typing error (`55` on a 1–5 item). The default input of `cargo run --release --features csv --example workbench`. |
| `totals.csv` | one row per administration, scored with the crate: `client, session, instrument, total` (one decimal). Read directly by `cargo run --example monitor -- examples/data/synthetic/totals.csv`. |
| `courses.json` | the same courses in the crate's JSON list-of-courses format (scores, interpreter presence, barrier flags, termination date), one course per line. Read by `cargo run --example course_report -- examples/data/synthetic/courses.json`. |

Columns: `client` and `therapist` are pseudonymous ids; `session` counts from 1; `date` is
ISO 8601 (2024–2025); `instrument` is a built-in instrument id; `respondent` is `client` or
`therapist`.
"
    )
}
