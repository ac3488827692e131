//! Step 2 of alpha: the full result from keyed item moments (psych's `alpha.1` on the whole
//! matrix and on each matrix with one item dropped).

use super::linalg::{lower_triangle, median, smc, without};
use super::moments::ItemMoments;
use super::omega;
use super::{Alpha, AlphaItem};
use crate::numeric::summation::{self, CompensatedSum};
use crate::stats::StatsError;
use crate::stats::dist;

/// psych's internal `alpha.1` on one (sub)matrix.
struct AlphaCore {
    raw: f64,
    std: f64,
    g6: f64,
    average_r: f64,
    s_n: f64,
    q: f64,
    var_r: Option<f64>,
    median_r: f64,
}

fn sum_all(m: &[f64]) -> f64 {
    let mut s = CompensatedSum::new();
    for &x in m {
        s.add(x);
    }
    s.total()
}

fn alpha_core(c: &[f64], r: &[f64], p: usize) -> AlphaCore {
    let pf = p as f64;
    let sum_c = sum_all(c);
    let sum_r = sum_all(r);
    let mut tr = CompensatedSum::new();
    let mut tr_c2 = CompensatedSum::new();
    let mut sum_c2 = CompensatedSum::new();
    for i in 0..p {
        tr.add(c[i * p + i]);
        let mut col = CompensatedSum::new();
        for j in 0..p {
            let x = c[i * p + j];
            tr_c2.add(x * x);
            col.add(x);
        }
        let col = col.total();
        sum_c2.add(col * col);
    }
    let (tr, tr_c2, sum_c2) = (tr.total(), tr_c2.total(), sum_c2.total());
    let k = pf / (pf - 1.0);
    let raw = (1.0 - tr / sum_c) * k;
    let std = (1.0 - pf / sum_r) * k;
    let smc_sum = smc(r, p).map_or(f64::NAN, |s| s.iter().sum());
    let g6 = 1.0 - (pf - smc_sum) / sum_r;
    let average_r = (sum_r - pf) / (pf * (pf - 1.0));
    let s_n = pf * average_r / (1.0 - average_r);
    // Duhachek–Iacobucci's Q is a variance: its bracket is a difference of two positive terms
    // that cancel exactly for parallel items. A difference within the rounding noise of those
    // terms is 0, so the sign of the noise cannot decide between an `ase` and none.
    let (plus, minus) = (sum_c * (tr_c2 + tr * tr), 2.0 * tr * sum_c2);
    let bracket = if (plus - minus).abs() <= 64.0 * f64::EPSILON * (plus.abs() + minus.abs()) {
        0.0
    } else {
        plus - minus
    };
    let q = (2.0 * pf * pf / ((pf - 1.0).powi(2) * sum_c.powi(3))) * bracket;
    let mut lower = lower_triangle(r, p);
    // a variance of one correlation (two items) is undefined: psych prints NA
    let var_r = if lower.len() < 2 {
        None
    } else {
        summation::mean_var(&lower)
            .map(|(_, v)| v)
            .filter(|v| v.is_finite())
    };
    let median_r = median(&mut lower);
    AlphaCore {
        raw,
        std,
        g6,
        average_r,
        s_n,
        q,
        var_r,
        median_r,
    }
}

/// Whether `sum`, the variance of a total score (the sum of a covariance or correlation
/// matrix `m`), stands clearly above the rounding noise of its terms. When items cancel
/// exactly the computed sum is of order eps·Σ|m|, its sign and size are noise, and dividing by
/// it gives meaningless statistics of ±1e16; such a total is constant.
fn has_variance(sum: f64, m: &[f64]) -> bool {
    let scale: f64 = m.iter().map(|x| x.abs()).sum();
    sum > 64.0 * f64::EPSILON * scale
}

/// `x > 0` and not NaN.
pub(crate) fn is_positive(x: f64) -> bool {
    x > 0.0
}

/// Step 2: the full [`Alpha`] result from item moments (already keyed).
///
/// `m.cov` and `m.cor` are p × p row-major; `m.n` is the N for `ase` and the Feldt CI.
/// This is the function streaming accumulators `finish` into.
pub(super) fn alpha_from_moments(
    m: &ItemMoments,
    names: &[String],
    reversed: &[bool],
    with_omega: bool,
) -> Result<Alpha, StatsError> {
    let p = m.means.len();
    if p < 2 {
        return Err(StatsError::TooFewCases {
            what: "items".to_owned(),
            needed: 2,
            got: p,
        });
    }
    if m.n < 2 {
        return Err(StatsError::TooFewCases {
            what: "rows".to_owned(),
            needed: 2,
            got: m.n,
        });
    }
    let c = &m.cov;
    let r = &m.cor;
    let sum_c = sum_all(c);
    if !has_variance(sum_c, c) || !has_variance(sum_all(r), r) {
        return Err(StatsError::ConstantInput {
            what: "total score".to_owned(),
        });
    }
    let total = alpha_core(c, r, p);
    let n = m.n as f64;
    // Non-finite totals say what is wrong with the data, not which internal quantity failed.
    let data_problem = || {
        if c.iter().chain(r.iter()).all(|x| x.is_finite()) {
            StatsError::Singular {
                what: "item covariance matrix (not positive semidefinite, as a pairwise matrix \
                       can be: alpha and its standard error are undefined)"
                    .to_owned(),
            }
        } else {
            StatsError::Overflow {
                what: "item covariances".to_owned(),
            }
        }
    };
    let finite = |x: f64| {
        if x.is_finite() {
            Ok(x)
        } else {
            Err(data_problem())
        }
    };
    let ase = finite((total.q / n).sqrt())?;
    let raw_alpha = finite(total.raw)?;
    finite(total.std)?;
    finite(total.g6)?;
    let df1 = n - 1.0;
    let df2 = (n - 1.0) * (p as f64 - 1.0);
    // Feldt (1965) interval at 95%, psych `alpha.ci`.
    let ci_lb = 1.0 - (1.0 - raw_alpha) * dist::f_quantile(0.975, df1, df2)?;
    let ci_ub = 1.0 - (1.0 - raw_alpha) * dist::f_quantile(0.025, df1, df2)?;

    // Item statistics.
    let sum_r = sum_all(r);
    let smc_full = smc(r, p).ok_or_else(|| StatsError::Singular {
        what: "correlation matrix".to_owned(),
    })?;
    let mut rc = r.clone();
    for i in 0..p {
        rc[i * p + i] = smc_full[i];
    }
    let sum_rc = sum_all(&rc);
    // ΣRC is a variance too: within rounding noise of 0 it is 0, and r_cor is undefined.
    let rc_has_variance = has_variance(sum_rc, &rc);
    let mut items = Vec::with_capacity(p);
    for i in 0..p {
        let col_r = sum_all(&r[i * p..(i + 1) * p]);
        let col_rc = sum_all(&rc[i * p..(i + 1) * p]);
        let col_c = sum_all(&c[i * p..(i + 1) * p]);
        let cii = c[i * p + i];
        let v_drop = sum_c - 2.0 * col_c + cii;
        let r_drop = (col_c - cii) / (cii * v_drop).sqrt();
        let dropped = if p > 2 {
            let sub_c = without(c, p, i);
            let sub_r = without(r, p, i);
            if !has_variance(sum_all(&sub_c), &sub_c) || !has_variance(sum_all(&sub_r), &sub_r) {
                return Err(StatsError::ConstantInput {
                    what: format!("total score without item {}", names[i]),
                });
            }
            let d = alpha_core(&sub_c, &sub_r, p - 1);
            DropStats {
                raw: d.raw,
                std: d.std,
                g6: d.g6,
                average_r: d.average_r,
                s_n: d.s_n,
                // psych 2.2.9: `if (max(nsub, n.obs) > nvar)` keeps the "alpha se" column
                ase: (d.q >= 0.0 && m.n > p).then(|| (d.q / n).sqrt()),
                var_r: d.var_r,
                median_r: d.median_r,
            }
        } else {
            // psych's two-item special case (since May 2020): the remaining "alpha" is the
            // regression slope C12 / C_jj of the dropped item on the remaining one.
            let j = 1 - i;
            let r12 = r[1];
            DropStats {
                raw: c[1] / c[j * p + j],
                std: r12,
                g6: smc_full[0],
                average_r: r12,
                s_n: r12 / (1.0 - r12),
                ase: None,
                var_r: Some(0.0),
                median_r: r12,
            }
        };
        let item = AlphaItem {
            item: names[i].clone(),
            reversed: reversed[i],
            n: m.item_n[i],
            raw_alpha_if_dropped: dropped.raw,
            std_alpha_if_dropped: dropped.std,
            g6_if_dropped: dropped.g6,
            average_r_if_dropped: dropped.average_r,
            s_n_if_dropped: dropped.s_n,
            ase_if_dropped: dropped.ase,
            var_r_if_dropped: dropped.var_r,
            median_r_if_dropped: dropped.median_r,
            raw_r: m.raw_r[i],
            std_r: col_r / sum_r.sqrt(),
            r_cor: rc_has_variance.then(|| col_rc / sum_rc.sqrt()),
            r_drop,
            mean: m.means[i],
            sd: m.sds[i],
        };
        items.push(item);
    }
    ensure_finite(raw_alpha, &total, &items)?;
    let omega = if with_omega {
        omega::omega_from_correlation(r, p).ok()
    } else {
        None
    };
    Ok(Alpha {
        n: m.n,
        n_rows: m.n_rows,
        raw_alpha,
        std_alpha: total.std,
        g6: total.g6,
        average_r: total.average_r,
        s_n: total.s_n,
        median_r: total.median_r,
        var_r: total.var_r,
        ase,
        level: 0.95,
        ci_lb,
        ci_ub,
        ci_lb_ase: raw_alpha - 1.96 * ase,
        ci_ub_ase: raw_alpha + 1.96 * ase,
        mean: m.total_mean,
        sd: m.total_sd,
        omega_total: omega.as_ref().map(|o| o.omega_total),
        omega_heywood: omega.is_some_and(|o| o.heywood),
        items,
    })
}

/// Refuses results that would carry NaN or infinity (perfectly correlated items, or a
/// pairwise covariance matrix that is not positive semidefinite).
fn ensure_finite(raw: f64, t: &AlphaCore, items: &[AlphaItem]) -> Result<(), StatsError> {
    let totals = [raw, t.std, t.g6, t.average_r, t.s_n, t.median_r];
    let per_item = items.iter().flat_map(|i| {
        [
            i.raw_alpha_if_dropped,
            i.std_alpha_if_dropped,
            i.g6_if_dropped,
            i.average_r_if_dropped,
            i.s_n_if_dropped,
            i.ase_if_dropped.unwrap_or(0.0),
            i.median_r_if_dropped,
            i.raw_r,
            i.std_r,
            i.r_drop,
            i.mean,
            i.sd,
        ]
    });
    if totals.into_iter().chain(per_item).all(f64::is_finite) {
        Ok(())
    } else {
        Err(StatsError::Singular {
            what: "item covariance matrix (perfectly correlated items, or a pairwise matrix that is not positive semidefinite)".to_owned(),
        })
    }
}

struct DropStats {
    raw: f64,
    std: f64,
    g6: f64,
    average_r: f64,
    s_n: f64,
    ase: Option<f64>,
    var_r: Option<f64>,
    median_r: f64,
}
