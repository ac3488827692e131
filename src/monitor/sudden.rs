//! Sudden gains and sudden losses (Tang & DeRubeis 1999), with the Lutz et al. (2013)
//! critical values for missing points, as implemented in R `suddengains` (`identify_sg`,
//! `identify_sl`, `check_interval`).
//!
//! **False positives:** in a simulation of 20 measurements with retest r = .70 and *no* true
//! change, the Tang & DeRubeis criteria still flagged a "sudden gain" in 26.7% of cases
//! (PMC4606893, table T2). A flagged session is a prompt to look, not evidence of a
//! therapeutic event. Always report the criteria and the measure's reliability.

use serde::{Deserialize, Serialize};

use super::error::check_nonneg;
use super::series::{mean, sample_sd};
use super::{MonitorError, Series};
use crate::Direction;

/// The size criterion (crit1) for a sudden change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SizeCriterion {
    /// A fixed number of points (Tang & DeRubeis used 7 BDI points).
    Points(f64),
    /// The measure's reliable-change threshold in points, derived by the caller from the
    /// instrument's norms (`suddengains::define_crit1_cutoff`: 1.96·√2·SD·√(1 − r)).
    ReliableChange(f64),
}

impl SizeCriterion {
    /// The cutoff in points.
    #[must_use]
    pub const fn points(self) -> f64 {
        match self {
            Self::Points(x) | Self::ReliableChange(x) => x,
        }
    }
}

/// The fluctuation criterion (crit3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Crit3 {
    /// The t criterion with the Lutz et al. (2013) adjustment: critical value
    /// `|qt(alpha/2, n_pre + n_post − 2)|`, i.e. 2.776 / 3.182 / 4.303 at alpha .05 for
    /// 3+3 / 5 / 4 available points (`sg_crit3_adjust = TRUE`, the package default).
    Adjusted {
        /// Two-sided alpha, in (0, 1).
        alpha: f64,
    },
    /// A fixed critical value whatever the number of available points
    /// (`sg_crit3_adjust = FALSE`; Tang & DeRubeis' 2.776).
    Fixed(f64),
    /// No third criterion (`sg_crit3 = FALSE`).
    Off,
}

/// Settings for [`sudden_changes`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SuddenChangeOptions {
    size: SizeCriterion,
    pct: f64,
    crit3: Crit3,
    direction: Direction,
}

impl SuddenChangeOptions {
    /// The Tang & DeRubeis (1999) criteria (VERIFIED): size `size`, 25% of the pre-change score,
    /// and the 3-before/3-after t criterion with Lutz's critical values at alpha .05 (the R
    /// `suddengains` defaults). `direction` says which way is improvement.
    #[must_use]
    pub const fn new(size: SizeCriterion, direction: Direction) -> Self {
        Self {
            size,
            pct: 0.25,
            crit3: Crit3::Adjusted { alpha: 0.05 },
            direction,
        }
    }

    /// Tang & DeRubeis' original BDI rule: 7 points, 25%, crit3 adjusted at alpha .05, lower
    /// scores better.
    #[must_use]
    pub const fn tang_derubeis_bdi() -> Self {
        Self::new(SizeCriterion::Points(7.0), Direction::LowerIsBetter)
    }

    /// The percentage criterion (crit2) as a fraction of the pre-change score (default 0.25).
    #[must_use]
    pub const fn pct(mut self, pct: f64) -> Self {
        self.pct = pct;
        self
    }

    /// The third criterion.
    #[must_use]
    pub const fn crit3(mut self, crit3: Crit3) -> Self {
        self.crit3 = crit3;
        self
    }

    /// The size criterion.
    #[must_use]
    pub const fn size(&self) -> SizeCriterion {
        self.size
    }

    /// Which way is improvement.
    #[must_use]
    pub const fn direction(&self) -> Direction {
        self.direction
    }
}

/// Gain or loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// A sudden improvement.
    Gain,
    /// A sudden worsening.
    Loss,
}

/// The three criteria checked for one interval n → n+1 (as `crit123_details` in R).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct IntervalCheck {
    /// Gain or loss.
    pub kind: ChangeKind,
    /// The pre-change session n.
    pub session: u32,
    /// The post-change session n + 1.
    pub post_session: u32,
    /// The change in the direction of `kind` (positive when the score moved that way).
    pub magnitude: f64,
    /// crit1 (size).
    pub crit1: bool,
    /// crit2 (percentage of the pre-change score).
    pub crit2: bool,
    /// crit3 (fluctuation); `None` with fewer than 2 available points on either side, or when off.
    pub crit3: Option<bool>,
    /// Available points before (sessions n−2..n) and after (n+1..n+3).
    pub n_pre: usize,
    /// See `n_pre`.
    pub n_post: usize,
    /// The critical t value used, if crit3 was evaluated.
    pub critical_value: Option<f64>,
}

impl IntervalCheck {
    /// Whether every active criterion holds (an `NA` crit3 fails, as in R's `crit1*crit2*crit3`).
    #[must_use]
    pub fn is_sudden(&self, crit3_on: bool) -> bool {
        self.crit1 && self.crit2 && (!crit3_on || self.crit3 == Some(true))
    }
}

/// One sudden gain or loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SuddenChange {
    /// Gain or loss.
    pub kind: ChangeKind,
    /// The pre-change session n (`sg_session_n` in R `suddengains`).
    pub session: u32,
    /// The post-change session n + 1, when the change is first seen.
    pub post_session: u32,
    /// Size of the change in points (positive).
    pub magnitude: f64,
    /// Score at session n.
    pub pre_value: f64,
    /// Score at session n + 1.
    pub post_value: f64,
}

/// Sudden gains and losses in one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SuddenChanges {
    /// Intervals meeting every gain criterion.
    pub gains: Vec<SuddenChange>,
    /// Intervals meeting every loss criterion.
    pub losses: Vec<SuddenChange>,
    /// Every eligible interval with both ends rated, for gains then losses, with each
    /// criterion's result.
    pub details: Vec<IntervalCheck>,
}

/// The Lutz et al. (2013) critical value `|qt(alpha/2, df)|` with `df = n_pre + n_post − 2`.
///
/// # Errors
/// [`MonitorError::InvalidParameter`] for alpha outside (0, 1) or fewer than 4 points.
///
/// ```
/// use therapeutic_alliance::monitor::lutz_critical_value;
/// assert!((lutz_critical_value(0.05, 3, 3)? - 2.776445).abs() < 1e-6);
/// assert!((lutz_critical_value(0.05, 2, 3)? - 3.182446).abs() < 1e-6);
/// assert!((lutz_critical_value(0.05, 2, 2)? - 4.302653).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lutz_critical_value(alpha: f64, n_pre: usize, n_post: usize) -> Result<f64, MonitorError> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(MonitorError::invalid("alpha", alpha, "in (0, 1)"));
    }
    // summed in f64: two huge group sizes must not overflow usize (exact below 2^53)
    let df = n_pre as f64 + n_post as f64 - 2.0;
    if df < 1.0 {
        return Err(MonitorError::invalid(
            "n_pre + n_post",
            df + 2.0,
            "at least 3",
        ));
    }
    Ok(crate::stats::dist::t_quantile(alpha / 2.0, df)?.abs())
}

/// Finds sudden gains and sudden losses in `series`, following R `suddengains`
/// (`identify_sg` / `identify_sl`, version 0.7) exactly, with the direction made explicit.
///
/// **Grid.** Sessions are placed on consecutive integers from the first to the last rated
/// session; a session without a rating is missing (`NA`). Leading or trailing missing
/// sessions in R's wide data behave the same as this truncated grid.
///
/// **Eligible intervals.** n → n+1 for every n from the 2nd to the 3rd-last grid session
/// (R: `col_j in 3:(ncol − 1)`), so at least two positions exist on each side.
///
/// **Criteria**, with pre = the available values at n−2..n and post = n+1..n+3, and
/// `Δ = x[n+1] − x[n]` signed so that positive is the kind's direction
/// (for a gain, an improvement; for a loss, a worsening):
/// * **crit1:** `Δ ≥ cutoff`;
/// * **crit2:** `Δ ≥ pct · x[n]` (a share of the *pre*-change score);
/// * **crit3:** `mean(post) − mean(pre)` (signed the same way) `> t_crit · s_pooled`, with
///   `s_pooled = √(((n_pre−1)s²_pre + (n_post−1)s²_post)/(n_pre+n_post−2))`;
///   `NA` (fails) unless both sides have ≥ 2 values.
///
/// For a lower-is-better measure (BDI) a **gain** is a drop and a **loss** a rise, so the loss
/// rule reads: crit1 `x[n+1] − x[n] ≥ cutoff`, crit2 `x[n+1] − x[n] ≥ 0.25·x[n]`, crit3
/// `mean(post) − mean(pre) > t·s_pooled`. (The package's own loss crit2, `pre − post ≤
/// pct·pre`, is true for any increase; this crate implements the mirrored rule written out
/// above instead; R package `suddengains`, `R/identify_sg.R`, after Lutz et al. 2013,
/// *Psychother Res* 23(1):14–24.) For a higher-is-better measure (ORS) the
/// roles of rise and drop swap.
///
/// A missing `x[n]` or `x[n+1]` makes crit1 and crit2 `NA` in R, so the interval is not a change;
/// such intervals are left out of [`SuddenChanges::details`].
/// See the module docs for the false-positive caveat.
///
/// # Errors
/// [`MonitorError::InvalidParameter`] for a non-positive or non-finite cutoff, a negative
/// or non-finite pct, or a bad alpha / critical value.
///
/// ```
/// use therapeutic_alliance::monitor::{sudden_changes, Series, SuddenChangeOptions};
/// let bdi = Series::new(vec![(1, 30.0), (2, 29.0), (3, 30.0), (4, 20.0), (5, 19.0), (6, 20.0)])?;
/// let sg = sudden_changes(&bdi, &SuddenChangeOptions::tang_derubeis_bdi())?;
/// assert_eq!(sg.gains.len(), 1);
/// assert_eq!((sg.gains[0].session, sg.gains[0].magnitude), (3, 10.0));
/// assert!(sg.losses.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sudden_changes(
    series: &Series,
    options: &SuddenChangeOptions,
) -> Result<SuddenChanges, MonitorError> {
    let cutoff = check_nonneg("size cutoff", options.size.points(), true)?;
    let pct = check_nonneg("pct", options.pct, false)?;
    match options.crit3 {
        Crit3::Adjusted { alpha } if !(alpha > 0.0 && alpha < 1.0) => {
            return Err(MonitorError::invalid("alpha", alpha, "in (0, 1)"));
        }
        Crit3::Fixed(c) => {
            check_nonneg("critical value", c, true)?;
        }
        _ => {}
    }
    let (first, _) = series.first();
    let (last, _) = series.last();
    let pts = series.points();
    let mut out = SuddenChanges {
        gains: Vec::new(),
        losses: Vec::new(),
        details: Vec::new(),
    };
    let mut pre_buf = Vec::with_capacity(3);
    let mut post_buf = Vec::with_capacity(3);
    for kind in [ChangeKind::Gain, ChangeKind::Loss] {
        // multiply a raw rise by this to get movement in the kind's direction
        let sign = match kind {
            ChangeKind::Gain => options.direction.sign(),
            ChangeKind::Loss => -options.direction.sign(),
        };
        // Only intervals with both ends rated can be changes; an interval with a missing end
        // is NA in R and is not listed. Eligible: first < n and n + 1 < last.
        for w in pts.windows(2) {
            let ((session, a), (next, b)) = (w[0], w[1]);
            if next != session + 1 || session <= first || next >= last {
                continue;
            }
            let d = sign * (b - a);
            let (crit1, crit2) = (d >= cutoff, d >= pct * a);
            pre_buf.clear();
            post_buf.clear();
            pre_buf
                .extend((session.saturating_sub(2)..=session).filter_map(|k| series.value_at(k)));
            post_buf.extend((next..=next.saturating_add(2)).filter_map(|k| series.value_at(k)));
            let (n_pre, n_post) = (pre_buf.len(), post_buf.len());
            let (crit3, critical_value) =
                if matches!(options.crit3, Crit3::Off) || n_pre < 2 || n_post < 2 {
                    (None, None)
                } else {
                    let crit = match options.crit3 {
                        Crit3::Adjusted { alpha } => lutz_critical_value(alpha, n_pre, n_post)?,
                        Crit3::Fixed(c) => c,
                        Crit3::Off => 0.0,
                    };
                    let (mp, mq) = (
                        mean(&pre_buf).unwrap_or(0.0),
                        mean(&post_buf).unwrap_or(0.0),
                    );
                    let (sp, sq) = (
                        sample_sd(&pre_buf).unwrap_or(0.0),
                        sample_sd(&post_buf).unwrap_or(0.0),
                    );
                    let df = (n_pre + n_post - 2) as f64;
                    let pooled = (((n_pre - 1) as f64 * sp * sp + (n_post - 1) as f64 * sq * sq)
                        / df)
                        .sqrt();
                    (Some(sign * (mq - mp) > crit * pooled), Some(crit))
                };
            let check = IntervalCheck {
                kind,
                session,
                post_session: next,
                magnitude: d,
                crit1,
                crit2,
                crit3,
                n_pre,
                n_post,
                critical_value,
            };
            if check.is_sudden(!matches!(options.crit3, Crit3::Off)) {
                let change = SuddenChange {
                    kind,
                    session,
                    post_session: next,
                    magnitude: d,
                    pre_value: a,
                    post_value: b,
                };
                match kind {
                    ChangeKind::Gain => out.gains.push(change),
                    ChangeKind::Loss => out.losses.push(change),
                }
            }
            out.details.push(check);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lutz_critical_value_at_extreme_alpha_and_group_sizes() {
        // statrs' quantile panicked near f64::MIN_POSITIVE; n_pre + n_post overflowed usize
        let tiny = lutz_critical_value(f64::MIN_POSITIVE, 2, 2).unwrap();
        assert!(tiny.is_finite() && tiny > 1e150, "{tiny}");
        let huge = lutz_critical_value(0.05, usize::MAX, usize::MAX).unwrap();
        assert!((huge - 1.959_963_984_540_054).abs() < 1e-12, "{huge}");
        // df = 1: |qt(5e-301, 1)| = 1 / (π · 5e-301)
        let cauchy = lutz_critical_value(1e-300, 2, 1).unwrap();
        assert!((cauchy / (1.0 / (std::f64::consts::PI * 5e-301)) - 1.0).abs() < 1e-12);
    }

    fn s(v: &[(u32, f64)]) -> Series {
        Series::new(v.to_vec()).unwrap()
    }

    #[test]
    fn eligible_intervals_match_suddengains() {
        // 8 sessions: intervals 2->3 .. 6->7 (R: col_j in 3:7), 5 of them
        let x = s(&(1..=8).map(|i| (i, 20.0)).collect::<Vec<_>>());
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let gains: Vec<u32> = r
            .details
            .iter()
            .filter(|d| d.kind == ChangeKind::Gain)
            .map(|d| d.session)
            .collect();
        assert_eq!(gains, vec![2, 3, 4, 5, 6]);
        let d = &r.details[0]; // 2 -> 3: pre = 1,2; post = 3,4,5
        assert_eq!((d.n_pre, d.n_post), (2, 3));
        let d = &r.details[4]; // 6 -> 7: pre = 4,5,6; post = 7,8
        assert_eq!((d.n_pre, d.n_post), (3, 2));
    }

    #[test]
    fn missing_sessions_use_lutz_values() {
        // session 2 missing: interval 3 -> 4 has pre = {1, 3}
        let x = s(&[
            (1, 30.0),
            (3, 31.0),
            (4, 20.0),
            (5, 19.0),
            (6, 21.0),
            (7, 20.0),
        ]);
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let d = r
            .details
            .iter()
            .find(|d| d.kind == ChangeKind::Gain && d.session == 3)
            .unwrap();
        assert_eq!((d.n_pre, d.n_post), (2, 3));
        assert!((d.critical_value.unwrap() - 3.182446305284263).abs() < 1e-9);
        assert_eq!(r.gains.len(), 1);
        // interval 2 -> 3 has a missing end: not listed
        assert!(!r.details.iter().any(|d| d.session == 2));
    }

    #[test]
    fn loss_percentage_is_mirrored() {
        // a rise of 7 from 30 is 23% of 30: crit1 holds, crit2 must fail (the package's
        // literal loss crit2 would pass it)
        let x = s(&[
            (1, 30.0),
            (2, 30.0),
            (3, 30.0),
            (4, 37.0),
            (5, 37.0),
            (6, 37.0),
        ]);
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let d = r
            .details
            .iter()
            .find(|d| d.kind == ChangeKind::Loss && d.session == 3)
            .unwrap();
        assert_eq!((d.crit1, d.crit2), (true, false));
        assert!(r.losses.is_empty());
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi().pct(0.2)).unwrap();
        assert_eq!(r.losses.len(), 1);
    }

    fn check(r: &SuddenChanges, kind: ChangeKind, session: u32) -> &IntervalCheck {
        r.details
            .iter()
            .find(|d| d.kind == kind && d.session == session)
            .unwrap()
    }

    /// BDI with session 2 missing; interval 3 -> 4: pre = {30, 26} (sessions 1, 3),
    /// post = {14, 10, 13} (sessions 4-6). By hand (Tang & DeRubeis 1999, crit3 as in
    /// `suddengains`): mean_pre = 28, mean_post = 37/3, s²_pre = 8, s²_post = 13/3,
    /// s_pooled = √((1·8 + 2·13/3)/3) = √(50/9) = 5√2/3, so
    /// (mean_pre − mean_post)/s_pooled = (47/3)/(5√2/3) = 47/(5√2) ≈ 6.6468.
    fn crit3_series() -> Series {
        s(&[
            (1, 30.0),
            (3, 26.0),
            (4, 14.0),
            (5, 10.0),
            (6, 13.0),
            (7, 12.0),
        ])
    }

    #[test]
    fn crit3_is_the_pooled_t_of_tang_and_derubeis() {
        let t = 47.0 / (5.0 * 2f64.sqrt());
        let x = crit3_series();
        let at = |c: f64| {
            let o = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Fixed(c));
            let r = sudden_changes(&x, &o).unwrap();
            let d = check(&r, ChangeKind::Gain, 3).clone();
            (d, r.gains.len())
        };
        let (d, gains) = at(t * 0.999);
        assert_eq!((d.n_pre, d.n_post), (2, 3));
        assert_eq!(d.magnitude, 12.0);
        assert_eq!((d.crit1, d.crit2, d.crit3), (true, true, Some(true)));
        assert_eq!(d.critical_value, Some(t * 0.999));
        assert_eq!(gains, 1);
        let (d, gains) = at(t * 1.001);
        assert_eq!(d.crit3, Some(false));
        assert_eq!(gains, 0);
        // Lutz et al. (2013) for 2 + 3 points: |qt(.025, 3)| = 3.182446 < 6.6468
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let d = check(&r, ChangeKind::Gain, 3);
        assert!((d.critical_value.unwrap() - 3.182_446_305_284_263).abs() < 1e-9);
        assert_eq!(d.crit3, Some(true));
        assert_eq!(r.gains.len(), 1);
        let g = &r.gains[0];
        assert_eq!(
            (
                g.session,
                g.post_session,
                g.magnitude,
                g.pre_value,
                g.post_value
            ),
            (3, 4, 12.0, 26.0, 14.0)
        );
        // the same interval as a loss (a rise, for the BDI): a fall of 12, crit3 fails
        let l = check(&r, ChangeKind::Loss, 3);
        assert_eq!(l.magnitude, -12.0);
        assert_eq!((l.crit1, l.crit2, l.crit3), (false, false, Some(false)));
        assert!(r.losses.is_empty());
    }

    #[test]
    fn crit3_with_two_points_after() {
        // interval 3 -> 4 with session 6 missing: pre = {30, 28, 29}, post = {12, 10}.
        // mean_pre = 29, mean_post = 11, s²_pre = 1, s²_post = 2,
        // s_pooled = √((2·1 + 1·2)/3) = 2/√3, so the ratio is 18/(2/√3) = 9√3 ≈ 15.588.
        let x = s(&[
            (1, 30.0),
            (2, 28.0),
            (3, 29.0),
            (4, 12.0),
            (5, 10.0),
            (7, 11.0),
        ]);
        let t = 9.0 * 3f64.sqrt();
        let at = |c: f64| {
            let o = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Fixed(c));
            let r = sudden_changes(&x, &o).unwrap();
            let d = check(&r, ChangeKind::Gain, 3);
            (d.n_pre, d.n_post, d.crit3)
        };
        assert_eq!(at(t * 0.999), (3, 2, Some(true)));
        assert_eq!(at(t * 1.001), (3, 2, Some(false)));
    }

    #[test]
    fn crit3_is_strict_at_a_tie() {
        // pre {30, 31, 29}, post {11, 9, 10}: s_pooled = 1 and the means differ by 20 exactly
        let x = s(&[
            (1, 30.0),
            (2, 31.0),
            (3, 29.0),
            (4, 11.0),
            (5, 9.0),
            (6, 10.0),
            (7, 10.0),
        ]);
        let at = |c: f64| {
            let o = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Fixed(c));
            check(&sudden_changes(&x, &o).unwrap(), ChangeKind::Gain, 3).crit3
        };
        assert_eq!(at(20.0), Some(false)); // "mean difference > t · s_pooled"
        assert_eq!(at(19.999), Some(true));
    }

    #[test]
    fn crit3_needs_two_points_on_each_side() {
        // interval 4 -> 5: pre = sessions 2..4, only 4 rated
        let x = s(&[(1, 30.0), (4, 30.0), (5, 10.0), (6, 10.0), (7, 10.0)]);
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let d = check(&r, ChangeKind::Gain, 4);
        assert_eq!((d.n_pre, d.n_post), (1, 3));
        assert_eq!((d.crit1, d.crit2, d.crit3), (true, true, None));
        assert_eq!(d.critical_value, None);
        assert!(r.gains.is_empty()); // NA crit3 fails
        // crit3 off: the same interval is a gain
        let off = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Off);
        let r = sudden_changes(&x, &off).unwrap();
        assert_eq!(check(&r, ChangeKind::Gain, 4).crit3, None);
        assert_eq!(r.gains.len(), 1);
        // post side short: interval 3 -> 4 of 1, 2, 3, 4, 7 has post = {4} only
        let x = s(&[(1, 30.0), (2, 30.0), (3, 30.0), (4, 10.0), (7, 10.0)]);
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let d = check(&r, ChangeKind::Gain, 3);
        assert_eq!((d.n_pre, d.n_post, d.crit3), (3, 1, None));
    }

    #[test]
    fn a_failed_crit3_blocks_a_gain_only_when_crit3_is_on() {
        let x = s(&[
            (1, 20.0),
            (2, 30.0),
            (3, 30.0),
            (4, 20.0),
            (5, 28.0),
            (6, 28.0),
        ]);
        let r = sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi()).unwrap();
        let d = check(&r, ChangeKind::Gain, 3);
        assert_eq!((d.crit1, d.crit2, d.crit3), (true, true, Some(false)));
        assert!(r.gains.is_empty());
        let base = IntervalCheck {
            kind: ChangeKind::Gain,
            session: 3,
            post_session: 4,
            magnitude: 10.0,
            crit1: true,
            crit2: true,
            crit3: Some(true),
            n_pre: 3,
            n_post: 3,
            critical_value: Some(2.776),
        };
        assert!(base.is_sudden(true));
        assert!(base.is_sudden(false));
        let with = |crit1, crit2, crit3| IntervalCheck {
            crit1,
            crit2,
            crit3,
            ..base.clone()
        };
        assert!(!with(false, true, Some(true)).is_sudden(true));
        assert!(!with(true, false, Some(true)).is_sudden(true));
        assert!(!with(false, true, None).is_sudden(false));
        assert!(!with(true, false, None).is_sudden(false));
        assert!(!with(true, true, Some(false)).is_sudden(true));
        assert!(!with(true, true, None).is_sudden(true));
        assert!(with(true, true, None).is_sudden(false));
        assert!(with(true, true, Some(false)).is_sudden(false));
    }

    #[test]
    fn size_criterion_is_its_points() {
        assert_eq!(SizeCriterion::Points(7.0).points(), 7.0);
        assert_eq!(SizeCriterion::ReliableChange(5.5).points(), 5.5);
        let o = SuddenChangeOptions::tang_derubeis_bdi();
        assert_eq!(o.size(), SizeCriterion::Points(7.0));
        assert_eq!(o.direction(), Direction::LowerIsBetter);
        // a cutoff of 12.5 points: the drop of 12 in crit3_series fails crit1
        let o = SuddenChangeOptions::new(SizeCriterion::Points(12.5), Direction::LowerIsBetter);
        let r = sudden_changes(&crit3_series(), &o).unwrap();
        assert!(!check(&r, ChangeKind::Gain, 3).crit1);
        let o = SuddenChangeOptions::new(SizeCriterion::Points(12.0), Direction::LowerIsBetter);
        let r = sudden_changes(&crit3_series(), &o).unwrap();
        assert!(check(&r, ChangeKind::Gain, 3).crit1);
    }

    #[test]
    fn lutz_critical_values_by_hand() {
        // |qt(.025, df)|, df = n_pre + n_post - 2
        let cases = [
            (3, 3, 2.776_445_105_197_793),
            (2, 3, 3.182_446_305_284_263),
            (3, 2, 3.182_446_305_284_263),
            (2, 2, 4.302_652_729_749_464),
            (2, 1, 12.706_204_736_174_7),
        ];
        for (n_pre, n_post, want) in cases {
            let got = lutz_critical_value(0.05, n_pre, n_post).unwrap();
            assert!((got - want).abs() < 1e-9, "{n_pre}+{n_post}: {got}");
        }
        // alpha is two-sided: |qt(.05, 4)| at alpha .10
        let got = lutz_critical_value(0.10, 3, 3).unwrap();
        assert!((got - 2.131_846_786_326_649).abs() < 1e-9, "{got}");
        assert!(lutz_critical_value(0.5, 3, 3).is_ok());
        for alpha in [0.0, 1.0, -0.05, 1.5] {
            assert_eq!(
                lutz_critical_value(alpha, 3, 3).unwrap_err(),
                MonitorError::invalid("alpha", alpha, "in (0, 1)")
            );
        }
        assert!(lutz_critical_value(f64::NAN, 3, 3).is_err());
        assert_eq!(
            lutz_critical_value(0.05, 1, 1).unwrap_err(),
            MonitorError::invalid("n_pre + n_post", 2.0, "at least 3")
        );
        assert!(lutz_critical_value(0.05, 0, 1).is_err());
    }

    #[test]
    fn options_are_checked_before_any_interval() {
        // three sessions: no eligible interval, so only the up-front checks can refuse
        let x = s(&[(1, 1.0), (2, 2.0), (3, 3.0)]);
        let with =
            |c: Crit3| sudden_changes(&x, &SuddenChangeOptions::tang_derubeis_bdi().crit3(c));
        for alpha in [0.0, 1.0, -0.5, 2.0, f64::NAN] {
            assert!(with(Crit3::Adjusted { alpha }).is_err(), "{alpha}");
        }
        assert!(
            with(Crit3::Adjusted { alpha: 0.5 })
                .unwrap()
                .details
                .is_empty()
        );
        for c in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(with(Crit3::Fixed(c)).is_err(), "{c}");
        }
        assert!(with(Crit3::Fixed(2.776)).is_ok());
        assert!(with(Crit3::Off).is_ok());
    }

    #[test]
    fn bad_options() {
        let x = s(&[(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)]);
        let bad = SuddenChangeOptions::new(SizeCriterion::Points(0.0), Direction::LowerIsBetter);
        assert!(sudden_changes(&x, &bad).is_err());
        let bad = SuddenChangeOptions::tang_derubeis_bdi().pct(f64::NAN);
        assert!(sudden_changes(&x, &bad).is_err());
        let bad = SuddenChangeOptions::tang_derubeis_bdi().crit3(Crit3::Adjusted { alpha: 1.0 });
        assert!(sudden_changes(&x, &bad).is_err());
        assert!(lutz_critical_value(0.05, 1, 1).is_err());
    }
}
