//! Reliable change and clinical significance (Jacobson & Truax 1991 and variants).
//!
//! The formulas and conventions are documented in the [`crate::stats`] module docs.

use serde::{Deserialize, Serialize};

use super::StatsError;
use super::correlation::pearson_r;
use crate::Direction;
use crate::numeric::summation::{Frame, Moments, scale_pow2};

mod result;

pub use result::{CategoryCounts, ChangeCategory, ChangeResult, ExcludedRow, PersonChange};

/// Which reliable change index to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RciMethod {
    /// Jacobson & Truax (1991) (the default).
    #[default]
    Jt,
    /// Gulliksen–Lord–Novick.
    Gln,
    /// Hsu–Linn–Lord.
    Hll,
    /// Edwards–Nunnally.
    En,
    /// Nunnally–Kotsch.
    Nk,
    /// Hageman–Arrindell (1999).
    Ha,
}

impl RciMethod {
    /// All six methods, in the order of the module table.
    pub const ALL: [Self; 6] = [Self::Jt, Self::Gln, Self::Hll, Self::En, Self::Nk, Self::Ha];

    /// The short name (`"jt"`, `"gln"`, …).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Jt => "jt",
            Self::Gln => "gln",
            Self::Hll => "hll",
            Self::En => "en",
            Self::Nk => "nk",
            Self::Ha => "ha",
        }
    }
}

impl std::str::FromStr for RciMethod {
    type Err = StatsError;

    /// Parses a short name, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                StatsError::invalid("method", f64::NAN, "one of jt, gln, hll, en, nk, ha")
            })
    }
}

/// Whether a value exactly at the critical value or cutoff counts as beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Boundary {
    /// Strictly beyond (`>`, and `<` below a cutoff), as Jacobson & Truax and
    /// clinicalsignificance (the default): a score exactly at the cutoff is neither clinical
    /// nor functional.
    #[default]
    Strict,
    /// At or beyond (`≥`, and `≤` below a cutoff), as JT-RCI: a score exactly at the cutoff
    /// is both clinical (pre) and functional (post).
    Inclusive,
}

impl Boundary {
    fn beyond(self, x: f64, limit: f64) -> bool {
        match self {
            Self::Strict => x > limit,
            Self::Inclusive => x >= limit,
        }
    }
}

/// A reference population's mean and standard deviation (validated: finite mean, finite
/// SD > 0): the clinical (dysfunctional) or functional population of Jacobson & Truax's
/// clinical-significance cutoffs.
///
/// Not the same concept as an instrument's [`Norms`](crate::Norms), which describe one
/// instrument's normative sample *and its reliability* (from which a reliable-change
/// threshold follows); `Population` is a bare distribution, with no reliability, used only to
/// place a cutoff. [`Norms::population`](crate::Norms::population) converts one into the other.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PopulationRaw")]
pub struct Population {
    mean: f64,
    sd: f64,
}

#[derive(Deserialize)]
struct PopulationRaw {
    mean: f64,
    sd: f64,
}

impl TryFrom<PopulationRaw> for Population {
    type Error = StatsError;
    fn try_from(raw: PopulationRaw) -> Result<Self, Self::Error> {
        Self::new(raw.mean, raw.sd).map_err(crate::document::raised)
    }
}

impl Population {
    /// A population with the given mean and SD.
    ///
    /// # Errors
    /// [`StatsError::InvalidParameter`] for a non-finite mean or an SD that is not finite and
    /// positive.
    pub fn new(mean: f64, sd: f64) -> Result<Self, StatsError> {
        if !mean.is_finite() {
            return Err(StatsError::invalid("mean", mean, "a finite number"));
        }
        if !(sd.is_finite() && sd > 0.0) {
            return Err(StatsError::invalid("sd", sd, "a finite number > 0"));
        }
        Ok(Self { mean, sd })
    }

    /// The mean.
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The standard deviation.
    #[must_use]
    pub fn sd(&self) -> f64 {
        self.sd
    }
}

/// Which clinical-significance cutoff to use (Jacobson & Truax 1991).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum ClinicalCutoff {
    /// `a`: two SDs beyond the clinical mean in the healthy direction (no norms needed; the
    /// default).
    A,
    /// `b`: two SDs of the functional population short of its mean.
    B {
        /// Functional (normal) population norms.
        functional: Population,
    },
    /// `c`: the point equally many SDs from both means (J&T's preference when the
    /// distributions overlap).
    C {
        /// Functional (normal) population norms.
        functional: Population,
    },
}
/// Reliable change settings: reliability and direction are required, everything else has a
/// documented default (JT method, critical value 1.96, strict boundary, cutoff `a` from the
/// sample's pre scores). Values are validated by [`ReliableChange::compute`].
///
/// # Example
/// ```
/// use therapeutic_alliance::Direction;
/// use therapeutic_alliance::stats::{ClinicalCutoff, Population, ReliableChange};
/// let pre = [20.0, 18.0, 25.0, 22.0, 15.0];
/// let post = [8.0, 17.0, 24.0, 30.0, 5.0];
/// let res = ReliableChange::new(0.85, Direction::LowerIsBetter)
///     .cutoff(ClinicalCutoff::C { functional: Population::new(6.0, 4.0)? })
///     .compute(&pre, &post)?;
/// assert_eq!(res.persons.len(), 5);
/// assert_eq!(res.counts.recovered, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliableChange {
    reliability: f64,
    reliability_post: Option<f64>,
    direction: Direction,
    method: RciMethod,
    critical: f64,
    boundary: Boundary,
    cutoff: ClinicalCutoff,
    clinical: Option<Population>,
}

fn check_reliability(name: &str, r: f64) -> Result<f64, StatsError> {
    if r.is_finite() && r > 0.0 && r < 1.0 {
        Ok(r)
    } else {
        Err(StatsError::invalid(name, r, "a reliability in (0, 1)"))
    }
}

fn check_critical(c: f64) -> Result<f64, StatsError> {
    if c.is_finite() && c > 0.0 {
        Ok(c)
    } else {
        Err(StatsError::invalid("critical", c, "a finite number > 0"))
    }
}

impl ReliableChange {
    /// Settings with the given reliability of the measure (in (0, 1); `r_xx = 1` would make the
    /// standard error zero) and direction of improvement.
    #[must_use]
    pub fn new(reliability: f64, direction: Direction) -> Self {
        Self {
            reliability,
            reliability_post: None,
            direction,
            method: RciMethod::Jt,
            critical: 1.96,
            boundary: Boundary::Strict,
            cutoff: ClinicalCutoff::A,
            clinical: None,
        }
    }

    /// The RCI method (default [`RciMethod::Jt`]).
    #[must_use]
    pub fn method(mut self, method: RciMethod) -> Self {
        self.method = method;
        self
    }

    /// The critical value (default 1.96; clinicalsignificance uses
    /// `qnorm(0.975) = 1.959963984540054`, and `qnorm(0.95)` for HA).
    #[must_use]
    pub fn critical(mut self, critical: f64) -> Self {
        self.critical = critical;
        self
    }

    /// Whether the boundary counts (default [`Boundary::Strict`]).
    #[must_use]
    pub fn boundary(mut self, boundary: Boundary) -> Self {
        self.boundary = boundary;
        self
    }

    /// The cutoff (default [`ClinicalCutoff::A`]).
    #[must_use]
    pub fn cutoff(mut self, cutoff: ClinicalCutoff) -> Self {
        self.cutoff = cutoff;
        self
    }

    /// Published clinical (dysfunctional) population norms for the cutoffs (default: the
    /// sample's pre mean and SD, as clinicalsignificance and JT-RCI).
    #[must_use]
    pub fn clinical_norms(mut self, norms: Population) -> Self {
        self.clinical = Some(norms);
        self
    }

    /// Reliability of the post scores, used only by NK (default: the pre reliability, as
    /// clinicalsignificance).
    #[must_use]
    pub fn reliability_post(mut self, reliability: f64) -> Self {
        self.reliability_post = Some(reliability);
        self
    }

    /// Computes reliable change for complete pre/post pairs.
    ///
    /// # Errors
    /// As [`ReliableChange::compute_missing`]; NaN or infinite scores are errors naming the row.
    pub fn compute(&self, pre: &[f64], post: &[f64]) -> Result<ChangeResult, StatsError> {
        let pre: Vec<Option<f64>> = pre.iter().map(|&v| Some(v)).collect();
        let post: Vec<Option<f64>> = post.iter().map(|&v| Some(v)).collect();
        self.compute_missing(&pre, &post)
    }

    /// Computes reliable change; rows with a missing (`None`) pre or post score are left out
    /// and listed in [`ChangeResult::excluded`] (as clinicalsignificance drops NA rows).
    ///
    /// The scores and means are taken in one frame shared by pre and post, shifted by the
    /// first pre score and scaled by a power of two covering every score, and the SDs and
    /// standard errors in each variable's own frame (exact; the shifted two-pass algorithm of
    /// Chan, Golub & LeVeque 1983 and Higham 2002, §1.9 and ch. 4); each RCI is their ratio
    /// scaled by the power of two between the frames, and the SDs, standard errors and
    /// threshold are scaled back to raw units at the end.
    /// Data offset by 1e15 or scaled by 1e154 or 1e-160 therefore give the RCIs and categories
    /// of the unscaled data. One O(n) pass more than plain two-pass moments.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for different lengths, [`StatsError::NonFinite`] for a
    /// NaN/infinite score, [`StatsError::InvalidParameter`] for a reliability outside (0, 1) or
    /// a critical value that is not positive, [`StatsError::TooFewCases`] for fewer than 2
    /// complete rows, [`StatsError::ConstantInput`] when the pre scores are constant (or, for
    /// HA, the post scores), [`StatsError::Singular`] when HA's difference reliability is
    /// not positive, and [`StatsError::Overflow`] when an SD, standard error, threshold,
    /// cutoff or RCI cannot be represented in `f64` (scores near `f64::MAX`, or post scores
    /// ~1e300 from pre scores that vary by ~1e-300).
    pub fn compute_missing(
        &self,
        pre: &[Option<f64>],
        post: &[Option<f64>],
    ) -> Result<ChangeResult, StatsError> {
        let rel = check_reliability("reliability", self.reliability)?;
        let rel_post = check_reliability(
            "reliability_post",
            self.reliability_post.unwrap_or(self.reliability),
        )?;
        let critical = check_critical(self.critical)?;
        if pre.len() != post.len() {
            return Err(StatsError::LengthMismatch {
                what: "post (same length as pre)".to_owned(),
                expected: pre.len(),
                got: post.len(),
            });
        }
        let mut xs = Vec::with_capacity(pre.len());
        let mut ys = Vec::with_capacity(pre.len());
        let mut rows = Vec::with_capacity(pre.len());
        let mut excluded = Vec::new();
        for (row, (a, b)) in pre.iter().zip(post).enumerate() {
            for (what, v) in [("pre", a), ("post", b)] {
                if let Some(v) = v
                    && !v.is_finite()
                {
                    return Err(StatsError::NonFinite {
                        what: what.to_owned(),
                        row,
                        value: *v,
                    });
                }
            }
            match (a, b) {
                (Some(a), Some(b)) => {
                    xs.push(*a);
                    ys.push(*b);
                    rows.push(row);
                }
                (None, None) => excluded.push(ExcludedRow {
                    row,
                    reason: "pre and post are missing".to_owned(),
                }),
                (None, _) => excluded.push(ExcludedRow {
                    row,
                    reason: "pre is missing".to_owned(),
                }),
                (_, None) => excluded.push(ExcludedRow {
                    row,
                    reason: "post is missing".to_owned(),
                }),
            }
        }
        let too_few = || StatsError::TooFewCases {
            what: "complete pre/post pairs".to_owned(),
            needed: 2,
            got: xs.len(),
        };
        let pre_m = Moments::of(&xs).ok_or_else(too_few)?;
        let post_m = Moments::of(&ys).ok_or_else(too_few)?;
        if pre_m.is_constant() {
            return Err(StatsError::ConstantInput {
                what: "pre".to_owned(),
            });
        }
        // The scores and means are taken in one frame shared by pre and post (shifted by the
        // first pre score, scaled by a power of two covering every score), the pre SD and the
        // standard errors in the pre scores' own frame, and each RCI is their ratio scaled by
        // the power of two between the frames: all exact, so data offset by 1e15 or scaled by
        // 1e154 or 1e-160 give the results of the unscaled data, and an RCI overflows only
        // when its value does. The reported SDs, errors and threshold are scaled back to raw
        // units at the end.
        let frame = shared_frame(&pre_m, &post_m);
        let k = frame.exp();
        let ex = pre_m.frame.exp();
        let (m_pre, m_post) = (
            scale_pow2(pre_m.mean_u, ex - k),
            frame.apply(post_m.frame.pilot()) + scale_pow2(post_m.mean_u, post_m.frame.exp() - k),
        );
        let (v_pre, sd_pre) = (pre_m.var_in(ex), pre_m.sd_in(ex));
        let se = sd_pre * (1.0 - rel).sqrt();
        let s_diff = (2.0 * se * se).sqrt();
        let se_pred = sd_pre * (1.0 - rel * rel).sqrt();

        let r_dd = if self.method == RciMethod::Ha {
            if post_m.is_constant() {
                return Err(StatsError::ConstantInput {
                    what: "post".to_owned(),
                });
            }
            let r12 = pearson_r(&xs, &ys)?;
            // unit-free: rxx1 in the pre frame, the rest in the wider of the two frames (where
            // a much smaller pre variance may underflow, harmlessly, to 0)
            let rxx1 = (v_pre - se * se) / v_pre;
            let e2 = ex.max(post_m.frame.exp());
            let (v_pre, v_post) = (pre_m.var_in(e2), post_m.var_in(e2));
            let (sd_pre, sd_post) = (pre_m.sd_in(e2), post_m.sd_in(e2));
            let se = sd_pre * (1.0 - rel).sqrt();
            let rxx2 = (v_post - se * se) / v_post;
            let cross = 2.0 * sd_pre * sd_post * r12;
            let rdd = (v_pre * rxx1 + v_post * rxx2 - cross) / (v_pre + v_post - cross);
            if !(rdd.is_finite() && rdd > 0.0) {
                return Err(StatsError::Singular {
                    what: "HA reliability of the difference scores".to_owned(),
                });
            }
            Some(rdd)
        } else {
            None
        };

        // the reported values, in raw units
        let raw = |what: &str, v: f64| -> Result<f64, StatsError> {
            if v.is_finite() {
                Ok(v)
            } else {
                Err(StatsError::Overflow {
                    what: what.to_owned(),
                })
            }
        };
        let sd_pre_raw = raw("pre: SD", pre_m.sd_in(0))?;
        let sd_post_raw = raw("post: SD", post_m.sd_in(0))?;
        let se_raw = raw("pre: standard error of measurement", scale_pow2(se, ex))?;
        let s_diff_raw = raw(
            "pre: standard error of the difference",
            scale_pow2(s_diff, ex),
        )?;
        let se_pred_raw = raw("pre: standard error of prediction", scale_pow2(se_pred, ex))?;
        let threshold = raw(
            "pre: reliable change threshold",
            scale_pow2(critical * s_diff, ex),
        )?;
        let (mean_pre, mean_post) = (pre_m.mean(), post_m.mean());

        let dir = self.direction.sign();
        let clinical = match self.clinical {
            Some(n) => n,
            None => Population::new(mean_pre, sd_pre_raw)?,
        };
        let cutoff = match self.cutoff {
            ClinicalCutoff::A => clinical.mean + dir * 2.0 * clinical.sd,
            ClinicalCutoff::B { functional } => functional.mean - dir * 2.0 * functional.sd,
            ClinicalCutoff::C { functional } => {
                (clinical.sd * functional.mean + functional.sd * clinical.mean)
                    / (clinical.sd + functional.sd)
            }
        };
        if !cutoff.is_finite() {
            return Err(StatsError::Overflow {
                what: "clinical cutoff".to_owned(),
            });
        }

        let mut persons = Vec::with_capacity(xs.len());
        let mut counts = CategoryCounts::default();
        for ((&x, &y), &row) in xs.iter().zip(&ys).zip(&rows) {
            let (xu, yu) = (frame.apply(x), frame.apply(y));
            // numerator in the shared frame, denominator in the pre frame
            let (num, den) = match self.method {
                RciMethod::Jt => (yu - xu, s_diff),
                RciMethod::Gln => ((yu - m_pre) - rel * (xu - m_pre), se_pred),
                RciMethod::Hll => ((yu - m_post) - rel * (xu - m_pre), se_pred),
                RciMethod::En => (yu - (rel * (xu - m_pre) + m_pre), se),
                RciMethod::Nk => (
                    yu - (rel * (xu - m_pre) + m_pre),
                    (rel * rel * v_pre * (1.0 - rel) + v_pre * (1.0 - rel_post)).sqrt(),
                ),
                RciMethod::Ha => {
                    let rdd = r_dd.unwrap_or(1.0);
                    (
                        (yu - xu) * rdd + (m_post - m_pre) * (1.0 - rdd),
                        rdd.sqrt() * s_diff,
                    )
                }
            };
            let rci = scale_pow2(num / den, k - ex);
            if !rci.is_finite() {
                return Err(StatsError::Overflow {
                    what: format!("row {row}: reliable change index"),
                });
            }
            let category = self.categorise(dir * rci, dir * x, dir * y, dir * cutoff, critical);
            counts.add(category);
            persons.push(PersonChange {
                row,
                pre: x,
                post: y,
                rci,
                category,
            });
        }
        Ok(ChangeResult {
            method: self.method,
            direction: self.direction,
            reliability: rel,
            n_original: pre.len(),
            n_used: xs.len(),
            mean_pre,
            sd_pre: sd_pre_raw,
            mean_post,
            sd_post: sd_post_raw,
            se: se_raw,
            s_diff: s_diff_raw,
            se_pred: se_pred_raw,
            critical,
            threshold,
            r_dd,
            cutoff_type: self.cutoff,
            cutoff,
            persons,
            excluded,
            counts,
        })
    }

    /// Category from direction-adjusted RCI, pre, post and cutoff (bigger = better).
    fn categorise(&self, rci: f64, pre: f64, post: f64, cutoff: f64, crit: f64) -> ChangeCategory {
        let b = self.boundary;
        let improved = b.beyond(rci, crit);
        let deteriorated = b.beyond(-rci, crit);
        // below the cutoff and above it, each with the same boundary rule: with the strict
        // default a score exactly at the cutoff is neither clinical nor functional
        // (clinicalsignificance `calc_cutoff.R`: pre < cutoff, post > cutoff)
        let clinical_pre = b.beyond(-pre, -cutoff);
        let functional_post = b.beyond(post, cutoff);
        let ha = self.method == RciMethod::Ha;
        if improved && functional_post && (ha || clinical_pre) {
            ChangeCategory::Recovered
        } else if improved {
            ChangeCategory::Improved
        } else if deteriorated && !ha && !clinical_pre && !functional_post {
            ChangeCategory::Harmed
        } else if deteriorated {
            ChangeCategory::Deteriorated
        } else {
            ChangeCategory::Unchanged
        }
    }
}

/// The frame shared by pre and post: shifted by the pre pilot, its unit a power of two
/// covering every pre and post score's distance from that pilot.
fn shared_frame(pre: &Moments, post: &Moments) -> Frame {
    let (a, b) = (pre.frame.pilot(), post.frame.pilot());
    let gap = Frame::spanning(&[a, b]).map_or(-1022, |f| f.exp());
    Frame::new(a, pre.frame.exp().max(post.frame.exp()).max(gap) + 1)
}

/// The smallest reliable raw change: `critical·S_diff` with `S_diff = sd·sqrt(2(1 - r))`
/// (Jacobson & Truax 1991).
///
/// # Errors
/// [`StatsError::InvalidParameter`] when `sd` is not finite and positive, `reliability` is not
/// in (0, 1), or `critical` is not finite and positive; [`StatsError::Overflow`] when the
/// threshold exceeds `f64::MAX` (an `sd` near it).
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::reliable_change_threshold;
/// let t = reliable_change_threshold(11.8256612655621, 0.84, 1.96)?;
/// assert!((t - 13.1116242678979).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reliable_change_threshold(
    sd: f64,
    reliability: f64,
    critical: f64,
) -> Result<f64, StatsError> {
    if !(sd.is_finite() && sd > 0.0) {
        return Err(StatsError::invalid("sd", sd, "a finite number > 0"));
    }
    let r = check_reliability("reliability", reliability)?;
    let c = check_critical(critical)?;
    let t = c * sd * (2.0 * (1.0 - r)).sqrt();
    if t.is_finite() {
        Ok(t)
    } else {
        Err(StatsError::Overflow {
            what: "sd: reliable change threshold".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reliability_is_validated() {
        for r in [0.0, 1.0, -0.2, 1.5, f64::NAN] {
            let e =
                ReliableChange::new(r, Direction::HigherIsBetter).compute(&[1.0, 2.0], &[2.0, 3.0]);
            assert!(matches!(e, Err(StatsError::InvalidParameter { .. })), "{r}");
            assert!(reliable_change_threshold(10.0, r, 1.96).is_err());
        }
    }

    #[test]
    fn missing_rows_are_reported() {
        let res = ReliableChange::new(0.8, Direction::LowerIsBetter)
            .compute_missing(
                &[Some(10.0), None, Some(12.0), Some(20.0)],
                &[Some(5.0), Some(3.0), None, Some(19.0)],
            )
            .unwrap();
        assert_eq!(res.n_used, 2);
        assert_eq!(res.excluded.len(), 2);
        assert_eq!(res.excluded[0].reason, "pre is missing");
        assert_eq!(res.persons[1].row, 3);
    }

    #[test]
    fn constant_pre_is_an_error() {
        let e =
            ReliableChange::new(0.8, Direction::LowerIsBetter).compute(&[3.0, 3.0], &[1.0, 2.0]);
        assert!(matches!(e, Err(StatsError::ConstantInput { .. })));
    }

    #[test]
    fn method_names_parse() {
        for m in RciMethod::ALL {
            assert_eq!(m.name().parse::<RciMethod>().unwrap(), m);
        }
        assert!("xx".parse::<RciMethod>().is_err());
    }
}
