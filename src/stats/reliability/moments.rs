//! Step 1 of alpha with missing values: keyed item moments, from a covariance matrix or
//! pairwise from rows with missing cells.

use super::is_positive;
use crate::numeric::summation::{CompensatedSum, scale_pow2};
use crate::stats::StatsError;

/// Everything step 2 (`finish.rs`) needs, already keyed (reversed items flipped).
#[derive(Debug, Clone)]
pub(crate) struct ItemMoments {
    /// N for `ase` and the Feldt CI.
    pub(crate) n: usize,
    /// Rows in the input.
    pub(crate) n_rows: usize,
    pub(crate) item_n: Vec<usize>,
    pub(crate) means: Vec<f64>,
    pub(crate) sds: Vec<f64>,
    /// p × p covariance matrix, row-major.
    pub(crate) cov: Vec<f64>,
    /// p × p correlation matrix, row-major, unit diagonal.
    pub(crate) cor: Vec<f64>,
    pub(crate) total_mean: f64,
    pub(crate) total_sd: f64,
    pub(crate) raw_r: Vec<f64>,
}

impl ItemMoments {
    /// Moments of complete data from (n, means, covariance): the person score is the item
    /// mean, so its mean is Σmeans/p, its SD √ΣC/p, and raw.r_i = Σ_j C_ij/√(C_ii·ΣC).
    ///
    /// `cov_u` is in the items' frame units (entry (i, j) in `2^(exps_i + exps_j)`, see
    /// `frames.rs`): correlations are taken from it directly (scale-free), the covariance
    /// matrix kept for alpha is brought to one unit (exact scalings by powers of two), and
    /// SDs are reported in raw units.
    ///
    /// # Errors
    /// [`StatsError::Overflow`] when an item's or the total score's SD exceeds the `f64`
    /// range (data beyond about 1e308).
    pub(crate) fn from_covariance(
        n: usize,
        n_rows: usize,
        means: Vec<f64>,
        cov_u: &[f64],
        exps: &[i32],
    ) -> Result<Self, StatsError> {
        let p = means.len();
        // the unit halfway between the items' units: entries of items up to 2^±1000 apart
        // in scale neither overflow nor underflow (a unit at the largest would underflow the
        // smaller items' variances, which their drop-one statistics need)
        let (lo, hi) = exps
            .iter()
            .fold((i32::MAX, i32::MIN), |(l, h), &e| (l.min(e), h.max(e)));
        let unit = if p == 0 { 0 } else { lo + (hi - lo) / 2 };
        let sd_u: Vec<f64> = (0..p).map(|i| cov_u[i * p + i].sqrt()).collect();
        let mut cor = vec![0.0; p * p];
        let mut cov = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                cor[i * p + j] = if i == j {
                    1.0
                } else {
                    cov_u[i * p + j] / (sd_u[i] * sd_u[j])
                };
                cov[i * p + j] = scale_pow2(cov_u[i * p + j], exps[i] + exps[j] - 2 * unit);
            }
        }
        let overflow = |what: &str| StatsError::Overflow {
            what: format!("{what} (the data exceed the f64 range)"),
        };
        let sds: Vec<f64> = sd_u
            .iter()
            .zip(exps)
            .map(|(&s, &e)| scale_pow2(s, e))
            .collect();
        if sds.iter().any(|s| !s.is_finite()) {
            return Err(overflow("item standard deviations"));
        }
        let mut sum_c = CompensatedSum::new();
        for &x in &cov {
            sum_c.add(x);
        }
        let sum_c = sum_c.total();
        let mut sum_m = CompensatedSum::new();
        for &x in &means {
            sum_m.add(x);
        }
        let raw_r = (0..p)
            .map(|i| {
                let mut col = CompensatedSum::new();
                cov[i * p..(i + 1) * p].iter().for_each(|&x| col.add(x));
                col.total() / (cov[i * p + i] * sum_c).sqrt()
            })
            .collect();
        let total_sd = scale_pow2(sum_c.sqrt() / p as f64, unit);
        if !total_sd.is_finite() {
            return Err(overflow("total score standard deviation"));
        }
        Ok(Self {
            n,
            n_rows,
            item_n: vec![n; p],
            total_mean: sum_m.total() / p as f64,
            total_sd,
            means,
            sds,
            cov,
            cor,
            raw_r,
        })
    }
}

/// Sums of (a, b) pairs for a covariance: two-pass with pair-specific means.
struct PairMoments {
    n: usize,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

fn pair_moments(pairs: &[(f64, f64)]) -> PairMoments {
    let n = pairs.len();
    let mut sx = CompensatedSum::new();
    let mut sy = CompensatedSum::new();
    for &(a, b) in pairs {
        sx.add(a);
        sy.add(b);
    }
    let mx = sx.total() / n as f64;
    let my = sy.total() / n as f64;
    let (mut sxx, mut syy, mut sxy) = (
        CompensatedSum::new(),
        CompensatedSum::new(),
        CompensatedSum::new(),
    );
    for &(a, b) in pairs {
        let (da, db) = (a - mx, b - my);
        sxx.add(da * da);
        syy.add(db * db);
        sxy.add(da * db);
    }
    PairMoments {
        n,
        sxx: sxx.total(),
        syy: syy.total(),
        sxy: sxy.total(),
    }
}

/// Pairwise moments as psych computes them from data with missing values.
///
/// `direct`: correlations by `cor(x, use = "pairwise")` (psych ≥ 2.4.6.26) instead of
/// `cov2cor` of the pairwise covariances (psych ≤ 2.3.x).
pub(crate) fn pairwise<R: AsRef<[Option<f64>]>>(
    rows: &[R],
    p: usize,
    names: &[String],
    reversed: &[bool],
    bounds: Option<(f64, f64)>,
    direct: bool,
) -> Result<ItemMoments, StatsError> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in rows.iter().flat_map(|r| r.as_ref().iter().flatten()) {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    let (lo, hi) = bounds.unwrap_or((lo, hi));
    let adjust = lo + hi;
    let value = |r: usize, j: usize| -> Option<f64> {
        rows[r].as_ref()[j].map(|v| if reversed[j] { adjust - v } else { v })
    };
    let n_rows = rows.len();
    let mut buf: Vec<(f64, f64)> = Vec::with_capacity(n_rows);
    let mut cov = vec![0.0; p * p];
    let mut cor = vec![0.0; p * p];
    let mut item_n = vec![0; p];
    let mut means = vec![0.0; p];
    let mut sds = vec![0.0; p];
    for j in 0..p {
        buf.clear();
        buf.extend((0..n_rows).filter_map(|r| value(r, j).map(|v| (v, v))));
        item_n[j] = buf.len();
        if buf.len() < 2 {
            return Err(StatsError::TooFewCases {
                what: format!("responses to {}", names[j]),
                needed: 2,
                got: buf.len(),
            });
        }
        let m = pair_moments(&buf);
        let mut s = CompensatedSum::new();
        for &(v, _) in &buf {
            s.add(v);
        }
        means[j] = s.total() / buf.len() as f64;
        let var = m.sxx / (m.n - 1) as f64;
        if !is_positive(var) {
            return Err(StatsError::ConstantInput {
                what: names[j].clone(),
            });
        }
        cov[j * p + j] = var;
        cor[j * p + j] = 1.0;
        sds[j] = var.sqrt();
    }
    for i in 0..p {
        for j in (i + 1)..p {
            buf.clear();
            buf.extend((0..n_rows).filter_map(|r| Some((value(r, i)?, value(r, j)?))));
            if buf.len() < 2 {
                return Err(StatsError::TooFewCases {
                    what: format!("rows with both {} and {} answered", names[i], names[j]),
                    needed: 2,
                    got: buf.len(),
                });
            }
            let m = pair_moments(&buf);
            let c = m.sxy / (m.n - 1) as f64;
            let r = if direct {
                if !(m.sxx > 0.0 && m.syy > 0.0) {
                    return Err(StatsError::ConstantInput {
                        what: format!("{} or {} where both are answered", names[i], names[j]),
                    });
                }
                m.sxy / (m.sxx.sqrt() * m.syy.sqrt())
            } else {
                c / (sds[i] * sds[j])
            };
            cov[i * p + j] = c;
            cov[j * p + i] = c;
            cor[i * p + j] = r;
            cor[j * p + i] = r;
        }
    }
    // Person scores: mean of the available (keyed) items.
    let totals: Vec<Option<f64>> = (0..n_rows)
        .map(|r| {
            let mut s = CompensatedSum::new();
            let mut k = 0usize;
            for j in 0..p {
                if let Some(v) = value(r, j) {
                    s.add(v);
                    k += 1;
                }
            }
            (k > 0).then(|| s.total() / k as f64)
        })
        .collect();
    let observed: Vec<f64> = totals.iter().flatten().copied().collect();
    let (total_mean, total_var) =
        crate::numeric::summation::mean_var(&observed).ok_or_else(|| StatsError::TooFewCases {
            what: "rows with any answer".to_owned(),
            needed: 2,
            got: observed.len(),
        })?;
    let mut raw_r = vec![0.0; p];
    for (j, rr) in raw_r.iter_mut().enumerate() {
        buf.clear();
        buf.extend((0..n_rows).filter_map(|r| Some((totals[r]?, value(r, j)?))));
        let m = pair_moments(&buf);
        *rr = m.sxy / (m.sxx.sqrt() * m.syy.sqrt());
    }
    Ok(ItemMoments {
        n: n_rows,
        n_rows,
        item_n,
        means,
        sds,
        cov,
        cor,
        total_mean,
        total_sd: total_var.sqrt(),
        raw_r,
    })
}
