//! Trajectory of a score series: least-squares slope, early level, last value, change.

use serde::{Deserialize, Serialize};

use super::series::mean;
use super::{MonitorError, Series};
use crate::numeric::summation::CompensatedSum;

/// Settings for [`trajectory`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrajectoryOptions {
    early_sessions: usize,
    level: f64,
}

impl Default for TrajectoryOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl TrajectoryOptions {
    /// Defaults: early alliance over the first **3** rated sessions (the crate's own default;
    /// studies use sessions 1–3 or session 3 alone), **95%** confidence interval.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            early_sessions: 3,
            level: 0.95,
        }
    }

    /// Number of first rated sessions averaged for [`Trajectory::early_mean`] (at least 1).
    #[must_use]
    pub const fn early_sessions(mut self, n: usize) -> Self {
        self.early_sessions = n;
        self
    }

    /// Confidence level of the slope's interval, in (0, 1).
    #[must_use]
    pub const fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
}

/// The trajectory of one series. Field names follow R's `summary(lm(value ~ session))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Trajectory {
    /// Number of rated sessions.
    pub n: usize,
    /// OLS intercept (value predicted at session 0).
    pub intercept: f64,
    /// OLS slope: change per session number.
    pub slope: f64,
    /// Standard error of the slope; `None` with fewer than 3 sessions (no residual df).
    pub se: Option<f64>,
    /// Lower bound of the slope's confidence interval (t with n − 2 df); `None` as `se`.
    pub ci_lb: Option<f64>,
    /// Upper bound of the slope's confidence interval; `None` as `se`.
    pub ci_ub: Option<f64>,
    /// Mean of the first `early_n` rated sessions (early alliance when applied to an alliance series).
    pub early_mean: f64,
    /// How many sessions `early_mean` averages: `min(early_sessions, n)`.
    pub early_n: usize,
    /// The first value.
    pub first: f64,
    /// The last value.
    pub last: f64,
    /// `last − first`.
    pub change: f64,
}

/// Computes the trajectory of `series`: an ordinary least-squares line of value on session
/// number, with its standard error and a t-based confidence interval (as R's
/// `confint(lm(value ~ session))`), plus the early mean, last value and change from first.
///
/// Sums are two-pass on centred data with compensated summation, so large session numbers or
/// scores lose no precision.
///
/// # Errors
/// [`MonitorError::TooFewSessions`] with fewer than 2 sessions; [`MonitorError::InvalidParameter`]
/// for `early_sessions == 0` or a level outside (0, 1).
///
/// ```
/// use therapeutic_alliance::monitor::{trajectory, Series, TrajectoryOptions};
/// let s = Series::new(vec![(1, 30.0), (2, 32.0), (3, 34.0), (4, 36.0)])?;
/// let t = trajectory(&s, &TrajectoryOptions::new())?;
/// assert!((t.slope - 2.0).abs() < 1e-12);
/// assert_eq!(t.early_mean, 32.0);
/// assert_eq!(t.change, 6.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn trajectory(
    series: &Series,
    options: &TrajectoryOptions,
) -> Result<Trajectory, MonitorError> {
    if options.early_sessions == 0 {
        return Err(MonitorError::invalid("early_sessions", 0.0, "at least 1"));
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(MonitorError::invalid("level", options.level, "in (0, 1)"));
    }
    let pts = series.points();
    let n = pts.len();
    if n < 2 {
        return Err(MonitorError::too_few("sessions for a slope", 2, n));
    }
    let nf = n as f64;
    let (mut sx, mut sy) = (CompensatedSum::new(), CompensatedSum::new());
    for &(s, v) in pts {
        sx.add(f64::from(s));
        sy.add(v);
    }
    let (mx, my) = (sx.total() / nf, sy.total() / nf);
    let (mut sxx, mut sxy) = (CompensatedSum::new(), CompensatedSum::new());
    for &(s, v) in pts {
        let dx = f64::from(s) - mx;
        sxx.add(dx * dx);
        sxy.add(dx * (v - my));
    }
    let sxx = sxx.total();
    // Sessions are unique, so sxx > 0 whenever n >= 2.
    let slope = sxy.total() / sxx;
    let intercept = my - slope * mx;
    let (se, ci_lb, ci_ub) = if n >= 3 {
        let mut rss = CompensatedSum::new();
        for &(s, v) in pts {
            let r = v - my - slope * (f64::from(s) - mx);
            rss.add(r * r);
        }
        let df = nf - 2.0;
        let se = (rss.total() / df / sxx).sqrt();
        let q = crate::stats::dist::t_quantile(0.5 + options.level / 2.0, df)?;
        (Some(se), Some(slope - q * se), Some(slope + q * se))
    } else {
        (None, None, None)
    };
    let early_n = options.early_sessions.min(n);
    let early: Vec<f64> = pts[..early_n].iter().map(|p| p.1).collect();
    let early_mean = mean(&early).unwrap_or(pts[0].1);
    let first = series.first().1;
    let last = series.last().1;
    Ok(Trajectory {
        n,
        intercept,
        slope,
        se,
        ci_lb,
        ci_ub,
        early_mean,
        early_n,
        first,
        last,
        change: last - first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_lm() {
        // x <- c(1,2,3,5,6); y <- c(30,33,31,36,35)
        // coef(lm(y ~ x)): intercept 29.44186, slope 1.046512 (numpy.polyfit agrees)
        let s = Series::new(vec![(1, 30.0), (2, 33.0), (3, 31.0), (5, 36.0), (6, 35.0)]).unwrap();
        let t = trajectory(&s, &TrajectoryOptions::new()).unwrap();
        // mean x = 3.4, mean y = 33, sxx = 17.2, sxy = 18 -> slope = 1.0465116...
        let slope = 18.0 / 17.2;
        assert!((t.slope - slope).abs() < 1e-12);
        assert!((t.intercept - (33.0 - slope * 3.4)).abs() < 1e-12);
        // residuals by hand
        let rss: f64 = [
            (1.0, 30.0),
            (2.0, 33.0),
            (3.0, 31.0),
            (5.0, 36.0),
            (6.0, 35.0),
        ]
        .iter()
        .map(|&(x, y): &(f64, f64)| {
            let r = y - 33.0 - slope * (x - 3.4);
            r * r
        })
        .sum();
        let se = (rss / 3.0 / 17.2).sqrt();
        assert!((t.se.unwrap() - se).abs() < 1e-12);
        // qt(.975, 3) = 3.182446305284263
        assert!((t.ci_ub.unwrap() - (slope + 3.182446305284263 * se)).abs() < 1e-9);
        assert_eq!(t.early_n, 3);
        assert!((t.early_mean - 94.0 / 3.0).abs() < 1e-12);
        assert_eq!(t.change, 5.0);
    }

    #[test]
    fn short_series() {
        let s = Series::new(vec![(1, 30.0), (2, 33.0)]).unwrap();
        let t = trajectory(&s, &TrajectoryOptions::new()).unwrap();
        assert_eq!(t.slope, 3.0);
        assert!(t.se.is_none());
        assert_eq!(t.early_n, 2);
        let one = Series::new(vec![(1, 30.0)]).unwrap();
        assert!(matches!(
            trajectory(&one, &TrajectoryOptions::new()),
            Err(MonitorError::TooFewSessions { .. })
        ));
        assert!(trajectory(&s, &TrajectoryOptions::new().level(1.0)).is_err());
        assert!(trajectory(&s, &TrajectoryOptions::new().early_sessions(0)).is_err());
    }
}
