//! Alert rules, the input they look at, and [`alerts`], which applies them.

use serde::{Deserialize, Serialize};

use super::{Alert, AlertKind, AlertSeverity, BarrierFinding};
use crate::monitor::error::check_nonneg;
use crate::monitor::{MonitorError, Rupture, Series, SuddenChange};
use crate::{Comparison, Cutoff, Direction};

/// Which alerts to raise and with which numbers. Every rule is off until set; [`AlertRules::pcoms`]
/// sets the SRS rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct AlertRules {
    pub(in crate::monitor) alliance_cutoff: Option<Cutoff>,
    alliance_drop: Option<f64>,
    pub(in crate::monitor) reliable_deterioration: Option<(f64, Comparison)>,
}

impl AlertRules {
    /// No rules (ruptures, sudden losses, not-on-track and barrier findings passed to
    /// [`alerts`] still raise alerts).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            alliance_cutoff: None,
            alliance_drop: None,
            reliable_deterioration: None,
        }
    }

    /// The PCOMS/OpenFIT SRS rules: the SRS's own cutoff from the catalogue
    /// (`Instrument::builtin("srs")`: `< 36`, VERIFIED) and an SRS drop of at least 1 point
    /// since the last session (OpenFIT: "change from last session ≤ −1"; PRIMARY, the vendor
    /// on its own product).
    #[must_use]
    pub fn pcoms() -> Self {
        Self {
            alliance_cutoff: crate::Instrument::builtin("srs").and_then(|srs| srs.cutoff()),
            alliance_drop: Some(1.0),
            reliable_deterioration: None,
        }
    }

    /// Alert (`srs_low`, warning) at every session whose alliance score `cutoff` flags
    /// ([`Cutoff::flags`]: `score <comparison> value`, equality within a relative `1e-9`).
    #[must_use]
    pub const fn alliance_cutoff(mut self, cutoff: Cutoff) -> Self {
        self.alliance_cutoff = Some(cutoff);
        self
    }

    /// Alert (`srs_drop`, warning) when the alliance score fell by at least `points` since the
    /// previous rated session (`current − previous ≤ −points`).
    #[must_use]
    pub const fn alliance_drop(mut self, points: f64) -> Self {
        self.alliance_drop = Some(points);
        self
    }

    /// Alert (`reliable_deterioration`, critical) at every session where the outcome has
    /// worsened since intake by `threshold` points under `comparison` (Jacobson–Truax: `>` the
    /// reliable-change threshold 1.96·√2·SD·√(1 − r), which the caller derives from the
    /// instrument's norms; NHS England CYP statistics use `>=`).
    #[must_use]
    pub const fn reliable_deterioration(mut self, threshold: f64, comparison: Comparison) -> Self {
        self.reliable_deterioration = Some((threshold, comparison));
        self
    }
}

/// Everything [`alerts`] looks at. Build with [`AlertInput::new`] and the setters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AlertInput<'a> {
    alliance: Option<&'a Series>,
    ruptures: &'a [Rupture],
    rupture_window: u32,
    outcome: Option<&'a Series>,
    outcome_direction: Option<Direction>,
    sudden_losses: &'a [SuddenChange],
    not_on_track: &'a [(u32, f64, f64)],
    barriers: &'a [BarrierFinding],
}

impl<'a> AlertInput<'a> {
    /// Empty input.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The alliance series (for the cutoff and drop rules).
    #[must_use]
    pub fn alliance(mut self, series: &'a Series) -> Self {
        self.alliance = Some(series);
        self
    }

    /// Ruptures found in the alliance series, and the repair window used (to tell "not repaired
    /// within the window" from "not yet repaired").
    #[must_use]
    pub fn ruptures(mut self, ruptures: &'a [Rupture], repair_window: u32) -> Self {
        self.ruptures = ruptures;
        self.rupture_window = repair_window;
        self
    }

    /// The outcome series and which way is improvement (for reliable deterioration).
    #[must_use]
    pub fn outcome(mut self, series: &'a Series, direction: Direction) -> Self {
        self.outcome = Some(series);
        self.outcome_direction = Some(direction);
        self
    }

    /// Sudden losses found in the outcome series.
    #[must_use]
    pub fn sudden_losses(mut self, losses: &'a [SuddenChange]) -> Self {
        self.sudden_losses = losses;
        self
    }

    /// `(session, observed, expected)` triples from [`crate::monitor::NotOnTrackRule::check`].
    #[must_use]
    pub fn not_on_track(mut self, flagged: &'a [(u32, f64, f64)]) -> Self {
        self.not_on_track = flagged;
        self
    }

    /// Barrier findings.
    #[must_use]
    pub fn barriers(mut self, findings: &'a [BarrierFinding]) -> Self {
        self.barriers = findings;
        self
    }
}

/// A number for a human-readable reason: rounded to at most 2 decimals, trailing zeros (and a
/// bare decimal point) trimmed, no negative zero: `35`, `35.5`, `-2.2` (not
/// `-2.200000000000003`). The numeric fields of results stay exact.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Raises every alert the rules and findings call for, sorted (see [`Alert`]).
///
/// * `srs_low` (warning): alliance `op` cutoff at a session.
/// * `srs_drop` (warning): alliance fell by at least the drop since the previous rated session.
/// * `rupture`: at the trough; **warning** if unrepaired (reason says whether the repair window
///   has closed), **info** if repaired.
/// * `not_on_track` (warning): each flagged session.
/// * `reliable_deterioration` (critical): each session whose worsening since intake passes
///   the threshold.
/// * `sudden_loss` (warning): at the post-loss session; the reason suggests checking for a
///   confrontation rupture (confrontation ruptures were seen in 42% of sudden-loss sessions
///   versus 12% of sudden-gain sessions, 82 videos of 53 patients; *Psychotherapeut*,
///   doi:10.1007/s00278-015-0019-6).
/// * barrier findings: see [`BarrierFinding::to_alert`].
///
/// # Errors
/// [`MonitorError::InvalidParameter`] for a non-finite cutoff, or a non-positive drop or
/// reliable-change threshold.
///
/// ```
/// use therapeutic_alliance::monitor::{alerts, AlertInput, AlertKind, AlertRules, Series};
/// let srs = Series::new(vec![(1, 38.0), (2, 36.0), (3, 35.9)])?;
/// let a = alerts(&AlertInput::new().alliance(&srs), &AlertRules::pcoms())?;
/// // session 2: dropped 2 points (36 is not below 36); session 3: below 36
/// assert_eq!(a[0].session, 2);
/// assert_eq!(a[0].kind, AlertKind::SrsDrop);
/// assert_eq!(a[1].kind, AlertKind::SrsLow);
/// assert_eq!(a.len(), 2); // the 0.1-point fall at session 3 is under the 1-point drop rule
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn alerts(input: &AlertInput<'_>, rules: &AlertRules) -> Result<Vec<Alert>, MonitorError> {
    let mut out = Vec::new();
    if let Some(alliance) = input.alliance {
        if let Some(c) = rules.alliance_cutoff {
            if !c.value.is_finite() {
                return Err(MonitorError::invalid(
                    "alliance cutoff",
                    c.value,
                    "a finite number",
                ));
            }
            for &(s, v) in alliance.points() {
                if c.flags(v) {
                    out.push(Alert::new(
                        s,
                        AlertKind::SrsLow,
                        AlertSeverity::Warning,
                        format!(
                            "alliance {} {} cutoff {}",
                            num(v),
                            c.comparison.symbol(),
                            num(c.value)
                        ),
                    ));
                }
            }
        }
        if let Some(d) = rules.alliance_drop {
            let d = check_nonneg("alliance drop", d, true)?;
            for w in alliance.points().windows(2) {
                let change = w[1].1 - w[0].1;
                if change <= -d {
                    out.push(Alert::new(
                        w[1].0,
                        AlertKind::SrsDrop,
                        AlertSeverity::Warning,
                        format!(
                            "alliance fell from {} (session {}) to {}, a change of {}",
                            num(w[0].1),
                            w[0].0,
                            num(w[1].1),
                            num(change)
                        ),
                    ));
                }
            }
        }
    }
    let last_alliance = input.alliance.map(|a| a.last().0);
    for r in input.ruptures {
        let head = format!(
            "rupture from session {} ({}) to {} (depth {})",
            r.start,
            num(r.level),
            r.trough,
            num(r.depth)
        );
        let (severity, reason) = if let Some(rep) = r.repair {
            (
                AlertSeverity::Info,
                format!("{head}, repaired at session {rep}"),
            )
        } else {
            let open =
                last_alliance.is_some_and(|l| l.saturating_sub(r.trough) < input.rupture_window);
            let tail = if open {
                "not repaired yet (repair window still open)".to_owned()
            } else {
                format!("not repaired within {} sessions", input.rupture_window)
            };
            (AlertSeverity::Warning, format!("{head}, {tail}"))
        };
        out.push(Alert::new(r.trough, AlertKind::Rupture, severity, reason));
    }
    for &(s, v, e) in input.not_on_track {
        out.push(Alert::new(
            s,
            AlertKind::NotOnTrack,
            AlertSeverity::Warning,
            format!("outcome {} against an expected {}", num(v), num(e)),
        ));
    }
    if let (Some(outcome), Some(dir), Some((t, op))) = (
        input.outcome,
        input.outcome_direction,
        rules.reliable_deterioration,
    ) {
        let t = check_nonneg("reliable-change threshold", t, true)?;
        let (s0, v0) = outcome.first();
        for &(s, v) in &outcome.points()[1..] {
            let worsening = -dir.sign() * (v - v0);
            if op.holds(worsening, t) {
                out.push(Alert::new(
                    s,
                    AlertKind::ReliableDeterioration,
                    AlertSeverity::Critical,
                    format!(
                        "outcome worsened by {} since session {} ({} to {}), {} reliable-change threshold {}",
                        num(worsening),
                        s0,
                        num(v0),
                        num(v),
                        op.symbol(),
                        num(t)
                    ),
                ));
            }
        }
    }
    for l in input.sudden_losses {
        out.push(Alert::new(
            l.post_session,
            AlertKind::SuddenLoss,
            AlertSeverity::Warning,
            format!(
                "sudden loss of {} from session {} ({} to {}); check for a confrontation rupture",
                num(l.magnitude),
                l.session,
                num(l.pre_value),
                num(l.post_value)
            ),
        ));
    }
    out.extend(input.barriers.iter().map(BarrierFinding::to_alert));
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_numbers_are_rounded() {
        assert_eq!(num(35.0), "35");
        assert_eq!(num(35.5), "35.5");
        assert_eq!(num(-2.200000000000003), "-2.2");
        assert_eq!(num(1.005_000_1), "1.01");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(100.0), "100");
        let srs = Series::new(vec![(1, 38.3), (2, 36.1)]).unwrap();
        let a = alerts(&AlertInput::new().alliance(&srs), &AlertRules::pcoms()).unwrap();
        assert_eq!(
            a[0].reason,
            "alliance fell from 38.3 (session 1) to 36.1, a change of -2.2"
        );
    }

    #[test]
    fn reliable_deterioration_operator() {
        let ors = Series::new(vec![(1, 20.0), (2, 15.0), (3, 14.0)]).unwrap();
        let input = AlertInput::new().outcome(&ors, Direction::HigherIsBetter);
        let gt = alerts(
            &input,
            &AlertRules::new().reliable_deterioration(5.0, Comparison::Greater),
        )
        .unwrap();
        assert_eq!(gt.iter().map(|a| a.session).collect::<Vec<_>>(), vec![3]);
        let ge = alerts(
            &input,
            &AlertRules::new().reliable_deterioration(5.0, Comparison::GreaterOrEqual),
        )
        .unwrap();
        assert_eq!(ge.iter().map(|a| a.session).collect::<Vec<_>>(), vec![2, 3]);
        assert!(
            alerts(
                &input,
                &AlertRules::new().reliable_deterioration(-1.0, Comparison::Greater)
            )
            .is_err()
        );
    }
}
