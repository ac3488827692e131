//! Rupture–repair detection on an alliance series.
//!
//! **There is no single published numeric rule** for ruptures in session-by-session alliance
//! series (Gumz et al. 2012, *BMC Med Res Methodol* 12:10, "Crisis-repair sequences"): Stiles et al. (2004) and Strauss et al. (2006) used
//! 2 SD and 1 SD thresholds (which used which is unverified), Gumz et al. (2012) recommend the
//! stricter of a within-client and a between-client SD, and Igra et al. define a rupture as a
//! precipitous session-to-session drop and a repair as a return to the pre-rupture level
//! (secondary source). None of these criteria is verified, so no preset here is named after a
//! study: every default below is **the crate's own** and every number is a parameter.

use serde::{Deserialize, Serialize};

use super::error::check_nonneg;
use super::series::{mean, sample_sd};
use super::{MonitorError, Series};

/// The basis of the drop a rupture must reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuptureThreshold {
    /// A fixed number of scale points.
    Points(f64),
    /// `multiple × sd`, with `sd` a between-client SD supplied by the caller or estimated with
    /// [`estimate_between_client_sd`]. Stiles/Strauss-style thresholds use `multiple` 1 or 2.
    BetweenClientSd {
        /// The between-client standard deviation.
        sd: f64,
        /// How many SDs the drop must reach.
        multiple: f64,
    },
    /// `multiple ×` the client's own SD (sample SD of the series; needs at least
    /// `min_sessions` sessions).
    WithinClientSd {
        /// How many SDs the drop must reach.
        multiple: f64,
        /// Minimum number of sessions to estimate the SD from (at least 2).
        min_sessions: usize,
    },
    /// `multiple × max(within-client SD, between-client SD)`: the stricter of the two, as
    /// Gumz et al. (2012) recommend (their recommendation is a primary source; the numbers
    /// are the caller's).
    StricterSd {
        /// The between-client standard deviation.
        between_sd: f64,
        /// How many SDs the drop must reach.
        multiple: f64,
        /// Minimum number of sessions to estimate the within-client SD from (at least 2).
        min_sessions: usize,
    },
    /// The instrument's reliable-change threshold in points (e.g. 1.96·√2·SD·√(1 − r), which
    /// the caller derives from the instrument's norms).
    ReliableChange(f64),
}

impl RuptureThreshold {
    /// Checks the numbers that do not depend on a series: every point value, SD and multiple
    /// finite and positive, `min_sessions` at least 2.
    fn check(&self) -> Result<(), MonitorError> {
        match *self {
            Self::Points(x) | Self::ReliableChange(x) => {
                check_nonneg("threshold", x, true)?;
            }
            Self::BetweenClientSd { sd, multiple } => {
                check_nonneg("sd", sd, true)?;
                check_nonneg("multiple", multiple, true)?;
                check_nonneg("threshold", sd * multiple, true)?;
            }
            Self::WithinClientSd {
                multiple,
                min_sessions,
            } => {
                check_nonneg("multiple", multiple, true)?;
                check_min_sessions(min_sessions)?;
            }
            Self::StricterSd {
                between_sd,
                multiple,
                min_sessions,
            } => {
                check_nonneg("between_sd", between_sd, true)?;
                check_nonneg("multiple", multiple, true)?;
                check_nonneg("threshold", between_sd * multiple, true)?;
                check_min_sessions(min_sessions)?;
            }
        }
        Ok(())
    }

    /// The threshold in points for `series`.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] for a non-finite or non-positive number;
    /// [`MonitorError::TooFewSessions`] or [`MonitorError::ZeroVariance`] when a within-client
    /// SD cannot be estimated.
    pub fn points(&self, series: &Series) -> Result<f64, MonitorError> {
        let within = |multiple: f64, min_sessions: usize| -> Result<f64, MonitorError> {
            check_min_sessions(min_sessions)?;
            if series.len() < min_sessions {
                return Err(MonitorError::too_few(
                    "sessions for a within-client sd",
                    min_sessions,
                    series.len(),
                ));
            }
            let values: Vec<f64> = series.points().iter().map(|p| p.1).collect();
            let sd = sample_sd(&values).unwrap_or(0.0);
            if sd <= 0.0 {
                return Err(MonitorError::ZeroVariance {
                    what: "alliance series".to_owned(),
                });
            }
            Ok(multiple * sd)
        };
        let t = match *self {
            Self::Points(x) | Self::ReliableChange(x) => check_nonneg("threshold", x, true)?,
            Self::BetweenClientSd { sd, multiple } => {
                check_nonneg("sd", sd, true)? * check_nonneg("multiple", multiple, true)?
            }
            Self::WithinClientSd {
                multiple,
                min_sessions,
            } => within(check_nonneg("multiple", multiple, true)?, min_sessions)?,
            Self::StricterSd {
                between_sd,
                multiple,
                min_sessions,
            } => {
                let m = check_nonneg("multiple", multiple, true)?;
                let b = check_nonneg("between_sd", between_sd, true)? * m;
                within(m, min_sessions)?.max(b)
            }
        };
        check_nonneg("threshold", t, true)
    }
}

fn check_min_sessions(min_sessions: usize) -> Result<(), MonitorError> {
    if min_sessions < 2 {
        return Err(MonitorError::invalid(
            "min_sessions",
            min_sessions as f64,
            "at least 2",
        ));
    }
    Ok(())
}

/// What counts as a repair after a rupture's trough.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RepairTarget {
    /// Back to at least the pre-rupture level (the value at the rupture's start).
    PreRuptureLevel,
    /// Back to at least `fraction ×` the pre-rupture level (`fraction` in (0, 1]). Not
    /// invariant to shifting the scale.
    FractionOfLevel(f64),
    /// At least `fraction` of the drop recovered: `value ≥ trough + fraction × depth`
    /// (`fraction` in (0, 1]). Invariant to shifting the scale.
    FractionOfDepth(f64),
}

/// Settings for [`detect_ruptures`], validated once: by [`RuptureOptionsBuilder::build`] and,
/// through the same check, when deserialised.
///
/// ```
/// use therapeutic_alliance::monitor::{RuptureOptions, RuptureThreshold};
/// let o = RuptureOptions::builder(RuptureThreshold::Points(5.0)).repair_window(4).build()?;
/// assert_eq!(o.repair_window(), 4);
/// assert!(RuptureOptions::builder(RuptureThreshold::Points(5.0)).repair_window(0).build().is_err());
/// let bad = r#"{"threshold":{"points":5.0},"max_decline_sessions":3,"repair_window":0,"repair_target":"pre_rupture_level"}"#;
/// assert!(serde_json::from_str::<RuptureOptions>(bad).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RuptureOptionsBuilder")]
pub struct RuptureOptions {
    threshold: RuptureThreshold,
    max_decline_sessions: usize,
    repair_window: u32,
    repair_target: RepairTarget,
}

/// Builder of [`RuptureOptions`]; [`RuptureOptionsBuilder::build`] validates.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuptureOptionsBuilder {
    threshold: RuptureThreshold,
    max_decline_sessions: usize,
    repair_window: u32,
    repair_target: RepairTarget,
}

impl RuptureOptions {
    /// Options with the given drop threshold and the crate's own defaults for the rest:
    /// the fall may take up to **3** consecutive steps (Gumz et al. saw falls over more than
    /// one session, the longest 6), a repair must come within **3** sessions of the trough,
    /// and the repair target is the **pre-rupture level** (the operationalisation Igra et al.
    /// report; secondary source). The defaults are valid, so this cannot fail; the threshold
    /// is checked against each series by [`detect_ruptures`].
    #[must_use]
    pub const fn new(threshold: RuptureThreshold) -> Self {
        Self {
            threshold,
            max_decline_sessions: 3,
            repair_window: 3,
            repair_target: RepairTarget::PreRuptureLevel,
        }
    }

    /// A builder starting from [`RuptureOptions::new`]`(threshold)`.
    #[must_use]
    pub const fn builder(threshold: RuptureThreshold) -> RuptureOptionsBuilder {
        Self::new(threshold).to_builder()
    }

    /// A builder starting from these options.
    #[must_use]
    pub const fn to_builder(self) -> RuptureOptionsBuilder {
        RuptureOptionsBuilder {
            threshold: self.threshold,
            max_decline_sessions: self.max_decline_sessions,
            repair_window: self.repair_window,
            repair_target: self.repair_target,
        }
    }

    /// The configured threshold.
    #[must_use]
    pub const fn threshold(&self) -> RuptureThreshold {
        self.threshold
    }

    /// Maximum number of consecutive falling steps from the start to the trough.
    #[must_use]
    pub const fn max_decline_sessions(&self) -> usize {
        self.max_decline_sessions
    }

    /// The configured repair window in sessions.
    #[must_use]
    pub const fn repair_window(&self) -> u32 {
        self.repair_window
    }

    /// What counts as a repair.
    #[must_use]
    pub const fn repair_target(&self) -> RepairTarget {
        self.repair_target
    }
}

impl RuptureOptionsBuilder {
    /// The drop threshold.
    #[must_use]
    pub const fn threshold(mut self, threshold: RuptureThreshold) -> Self {
        self.threshold = threshold;
        self
    }

    /// Maximum number of consecutive falling steps from the start to the trough (at least 1;
    /// 1 means only a drop between two consecutive rated sessions counts).
    #[must_use]
    pub const fn max_decline_sessions(mut self, steps: usize) -> Self {
        self.max_decline_sessions = steps;
        self
    }

    /// Sessions after the trough within which the repair must happen (`repair − trough ≤ window`,
    /// in session numbers; at least 1).
    #[must_use]
    pub const fn repair_window(mut self, sessions: u32) -> Self {
        self.repair_window = sessions;
        self
    }

    /// What counts as a repair.
    #[must_use]
    pub const fn repair_target(mut self, target: RepairTarget) -> Self {
        self.repair_target = target;
        self
    }

    /// The validated options.
    ///
    /// # Errors
    /// [`MonitorError::InvalidParameter`] for a threshold whose numbers are not finite and
    /// positive (`Points(NaN)`) or whose `min_sessions` is below 2, `max_decline_sessions` or
    /// `repair_window` of 0, or a repair fraction outside (0, 1].
    pub fn build(self) -> Result<RuptureOptions, MonitorError> {
        self.threshold.check()?;
        if self.max_decline_sessions == 0 {
            return Err(MonitorError::invalid(
                "max_decline_sessions",
                0.0,
                "at least 1",
            ));
        }
        if self.repair_window == 0 {
            return Err(MonitorError::invalid("repair_window", 0.0, "at least 1"));
        }
        if let RepairTarget::FractionOfLevel(f) | RepairTarget::FractionOfDepth(f) =
            self.repair_target
            && !(f > 0.0 && f <= 1.0)
        {
            return Err(MonitorError::invalid("repair fraction", f, "in (0, 1]"));
        }
        Ok(RuptureOptions {
            threshold: self.threshold,
            max_decline_sessions: self.max_decline_sessions,
            repair_window: self.repair_window,
            repair_target: self.repair_target,
        })
    }
}

impl TryFrom<RuptureOptionsBuilder> for RuptureOptions {
    type Error = MonitorError;
    fn try_from(b: RuptureOptionsBuilder) -> Result<Self, MonitorError> {
        b.build().map_err(crate::document::raised)
    }
}

/// One rupture: a fall of at least the threshold, and its repair if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Rupture {
    /// The last session before the fall (the pre-rupture level).
    pub start: u32,
    /// The lowest session of the fall.
    pub trough: u32,
    /// `value(start) − value(trough)`, in points (positive).
    pub depth: f64,
    /// The first session within the repair window that reached the repair target, if any.
    pub repair: Option<u32>,
    /// The pre-rupture level (value at `start`).
    pub level: f64,
    /// The threshold in points the fall was compared with.
    pub threshold: f64,
}

/// Finds ruptures and repairs in one alliance series.
///
/// Rule (the crate's own, see the module docs): scanning rated sessions in order, a rupture
/// **starts** at the first session from which the score falls strictly, rating after rating,
/// by a total of at least the threshold within at most `max_decline_sessions` steps. Its
/// **trough** is the lowest point of that uninterrupted fall (within the step limit) and its
/// **depth** is start − trough. The **repair** is the first later rated session, at most
/// `repair_window` session numbers after the trough, whose value reaches the repair target.
/// Scanning resumes at the trough, so ruptures never overlap. Missing sessions (gaps in the
/// numbering) are skipped: consecutive ratings are compared.
///
/// Only differences between values enter the rule, so adding a constant to the whole series
/// changes no rupture (except with [`RepairTarget::FractionOfLevel`]).
///
/// **Pre- and post-session ratings:** analyse each timing as its own series (pre-to-pre or
/// post-to-post); never interleave them, because alliance ratings tend to fall between
/// sessions and rise within them (Huppert group, *JCCP* 2020), which would look like a
/// rupture and a repair every session. [`detect_ruptures_pre_post`] does both and reports
/// the within-session change.
///
/// # Errors
/// From [`RuptureThreshold::points`], and [`MonitorError::InvalidParameter`] for a zero step
/// limit or window, or a repair fraction outside (0, 1].
///
/// ```
/// use therapeutic_alliance::monitor::{detect_ruptures, RuptureOptions, RuptureThreshold, Series};
/// let srs = Series::new(vec![(1, 37.0), (2, 38.0), (3, 38.0), (4, 38.5), (5, 27.5), (6, 38.6)])?;
/// let opts = RuptureOptions::new(RuptureThreshold::Points(5.0));
/// let r = detect_ruptures(&srs, &opts)?;
/// assert_eq!((r[0].start, r[0].trough, r[0].repair), (4, 5, Some(6)));
/// assert_eq!(r[0].depth, 11.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn detect_ruptures(
    series: &Series,
    options: &RuptureOptions,
) -> Result<Vec<Rupture>, MonitorError> {
    let threshold = options.threshold.points(series)?;
    let pts = series.points();
    let n = pts.len();
    let mut out = Vec::new();
    let mut s = 0;
    while s + 1 < n {
        // Follow the uninterrupted fall from s for at most max_decline_sessions steps.
        let mut t = s;
        let mut hit = false;
        while t + 1 < n && t - s < options.max_decline_sessions && pts[t + 1].1 < pts[t].1 {
            t += 1;
            if pts[s].1 - pts[t].1 >= threshold {
                hit = true;
            }
        }
        if !hit {
            s += 1;
            continue;
        }
        let level = pts[s].1;
        let trough_value = pts[t].1;
        let depth = level - trough_value;
        let target = match options.repair_target {
            RepairTarget::PreRuptureLevel => level,
            RepairTarget::FractionOfLevel(f) => f * level,
            RepairTarget::FractionOfDepth(f) => trough_value + f * depth,
        };
        let trough = pts[t].0;
        let repair = pts[t + 1..]
            .iter()
            .take_while(|p| p.0 - trough <= options.repair_window)
            .find(|p| p.1 >= target)
            .map(|p| p.0);
        out.push(Rupture {
            start: pts[s].0,
            trough,
            depth,
            repair,
            level,
            threshold,
        });
        s = t;
    }
    Ok(out)
}

/// Ruptures found separately in pre-session and post-session alliance ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PrePostRuptures {
    /// Ruptures in the pre-session series (pre-to-pre comparisons).
    pub pre: Vec<Rupture>,
    /// Ruptures in the post-session series (post-to-post comparisons).
    pub post: Vec<Rupture>,
    /// `(session, post − pre)` for every session rated at both times: the within-session change.
    pub within_session_change: Vec<(u32, f64)>,
}

/// Applies [`detect_ruptures`] to pre-session and post-session ratings separately, and pairs
/// them session by session into the within-session change (post − pre).
///
/// # Errors
/// As [`detect_ruptures`] for either series.
pub fn detect_ruptures_pre_post(
    pre: &Series,
    post: &Series,
    options: &RuptureOptions,
) -> Result<PrePostRuptures, MonitorError> {
    let within_session_change = pre
        .points()
        .iter()
        .filter_map(|&(s, a)| post.value_at(s).map(|b| (s, b - a)))
        .collect();
    Ok(PrePostRuptures {
        pre: detect_ruptures(pre, options)?,
        post: detect_ruptures(post, options)?,
        within_session_change,
    })
}

/// Estimates a between-client SD from a sample of courses: the sample SD (n − 1) of the
/// clients' mean scores. This choice (client means rather than all scores pooled, which would
/// mix within-client variation in) is the crate's own.
///
/// # Errors
/// [`MonitorError::TooFewSessions`] with fewer than 2 series; [`MonitorError::ZeroVariance`]
/// if every client has the same mean.
///
/// ```
/// use therapeutic_alliance::monitor::{estimate_between_client_sd, Series};
/// let sample = [
///     Series::new(vec![(1, 30.0), (2, 32.0)])?,
///     Series::new(vec![(1, 36.0), (2, 38.0)])?,
/// ];
/// let sd = estimate_between_client_sd(&sample)?; // sd(c(31, 37))
/// assert!((sd - 18f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn estimate_between_client_sd(sample: &[Series]) -> Result<f64, MonitorError> {
    if sample.len() < 2 {
        return Err(MonitorError::too_few(
            "clients for a between-client sd",
            2,
            sample.len(),
        ));
    }
    let means: Vec<f64> = sample
        .iter()
        .filter_map(|s| {
            let v: Vec<f64> = s.points().iter().map(|p| p.1).collect();
            mean(&v)
        })
        .collect();
    match sample_sd(&means) {
        Some(sd) if sd > 0.0 && sd.is_finite() => Ok(sd),
        _ => Err(MonitorError::ZeroVariance {
            what: "client means".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(v: &[f64]) -> Series {
        Series::new(
            v.iter()
                .enumerate()
                .map(|(i, &x)| (i as u32 + 1, x))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn fall_over_several_sessions() {
        let s = series(&[38.0, 36.0, 33.0, 31.0, 30.0, 38.0]);
        let o = RuptureOptions::new(RuptureThreshold::Points(5.0));
        let r = detect_ruptures(&s, &o).unwrap();
        assert_eq!(r.len(), 1);
        // falls 38 -> 36 -> 33 (hit at 5) -> 31, limited to 3 steps: trough session 4
        assert_eq!((r[0].start, r[0].trough, r[0].depth), (1, 4, 7.0));
        assert_eq!(r[0].repair, Some(6));
        let r1 =
            detect_ruptures(&s, &o.to_builder().max_decline_sessions(1).build().unwrap()).unwrap();
        assert!(r1.is_empty());
    }

    #[test]
    fn window_and_targets() {
        let s = series(&[38.0, 30.0, 33.0, 35.0, 36.0, 38.0]);
        let o = RuptureOptions::new(RuptureThreshold::Points(5.0));
        assert_eq!(detect_ruptures(&s, &o).unwrap()[0].repair, None); // 38 reached at 6 > 2 + 3
        let o2 = o.to_builder().repair_window(4).build().unwrap();
        assert_eq!(detect_ruptures(&s, &o2).unwrap()[0].repair, Some(6));
        let o3 = o
            .to_builder()
            .repair_target(RepairTarget::FractionOfDepth(0.5))
            .build()
            .unwrap();
        assert_eq!(detect_ruptures(&s, &o3).unwrap()[0].repair, Some(4)); // >= 34
        let o4 = o
            .to_builder()
            .repair_target(RepairTarget::FractionOfLevel(0.9))
            .build()
            .unwrap();
        assert_eq!(detect_ruptures(&s, &o4).unwrap()[0].repair, Some(4)); // >= 34.2
        assert!(
            o.to_builder()
                .repair_target(RepairTarget::FractionOfDepth(0.0))
                .build()
                .is_err()
        );
        assert!(o.to_builder().repair_window(0).build().is_err());
    }

    #[test]
    fn threshold_bases() {
        let s = series(&[30.0, 32.0, 34.0, 36.0]);
        let sd = sample_sd(&[30.0, 32.0, 34.0, 36.0]).unwrap();
        let w = RuptureThreshold::WithinClientSd {
            multiple: 2.0,
            min_sessions: 3,
        };
        assert!((w.points(&s).unwrap() - 2.0 * sd).abs() < 1e-12);
        let st = RuptureThreshold::StricterSd {
            between_sd: 10.0,
            multiple: 1.0,
            min_sessions: 3,
        };
        assert_eq!(st.points(&s).unwrap(), 10.0);
        let b = RuptureThreshold::BetweenClientSd {
            sd: 2.5,
            multiple: 2.0,
        };
        assert_eq!(b.points(&s).unwrap(), 5.0);
        assert!(RuptureThreshold::Points(f64::NAN).points(&s).is_err());
        assert!(RuptureThreshold::ReliableChange(0.0).points(&s).is_err());
        let short = series(&[30.0, 31.0]);
        assert!(matches!(
            w.points(&short),
            Err(MonitorError::TooFewSessions { .. })
        ));
        let flat = series(&[30.0, 30.0, 30.0]);
        assert!(matches!(
            w.points(&flat),
            Err(MonitorError::ZeroVariance { .. })
        ));
    }

    #[test]
    fn pre_post_are_separate() {
        // ratings fall between sessions and rise within them: no rupture in either timing
        let pre = series(&[30.0, 31.0, 32.0, 33.0]);
        let post = series(&[36.0, 37.0, 38.0, 39.0]);
        let o = RuptureOptions::new(RuptureThreshold::Points(5.0));
        let r = detect_ruptures_pre_post(&pre, &post, &o).unwrap();
        assert!(r.pre.is_empty() && r.post.is_empty());
        assert_eq!(r.within_session_change[0], (1, 6.0));
    }
}
