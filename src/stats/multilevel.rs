//! Within- and between-person disaggregation of a session-level predictor.
//!
//! The formulas and conventions are documented in the [`crate::stats`] module docs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::StatsError;
use super::dist;
use crate::numeric::summation::{CompensatedSum, Frame, scale_pow2};

/// Which grand mean the between-person component is centred on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GrandMean {
    /// Mean over all rows (each person weighted by their number of sessions; the default).
    #[default]
    Rows,
    /// Unweighted mean of the person means.
    Persons,
}

/// Person-mean centring of one predictor, row by row in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Decomposition {
    /// Each row's person mean `x̄_i`.
    pub person_mean: Vec<f64>,
    /// Each row's within component `x_it - x̄_i`.
    pub within: Vec<f64>,
    /// Each row's between component `x̄_i - grand mean`.
    pub between: Vec<f64>,
    /// The grand mean used.
    pub grand_mean: f64,
    /// Number of distinct persons.
    pub persons: usize,
}

/// Groups rows by id: returns the group index of every row and the number of groups.
pub(super) fn group_index<K: Ord>(ids: &[K]) -> (Vec<usize>, usize) {
    let mut map: BTreeMap<&K, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let next = map.len();
        out.push(*map.entry(id).or_insert(next));
    }
    (out, map.len())
}

pub(super) fn check_column(what: &str, x: &[f64], n: usize) -> Result<(), StatsError> {
    if x.len() != n {
        return Err(StatsError::LengthMismatch {
            what: format!("{what} (one value per id)"),
            expected: n,
            got: x.len(),
        });
    }
    match x.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(StatsError::NonFinite {
            what: what.to_owned(),
            row,
            value: x[row],
        }),
        None => Ok(()),
    }
}

/// `x` in its shifted, power-of-two-scaled [`Frame`] (pilot `x[0]`), with the group means of
/// the frame values (compensated sums): the frame values lie in (−1, 1), so no sum overflows,
/// and offsets such as 1e15 cancel exactly (Chan, Golub & LeVeque 1983).
struct Framed {
    frame: Frame,
    /// The frame values `(x − pilot)·2^−exp`, row by row.
    u: Vec<f64>,
    /// Each group's mean of `u`.
    means: Vec<f64>,
}

impl Framed {
    fn new(group: &[usize], g: usize, x: &[f64]) -> Self {
        let frame = Frame::spanning(x)
            .unwrap_or_else(|| Frame::constant(x.first().copied().unwrap_or(0.0)));
        let u: Vec<f64> = x.iter().map(|&v| frame.apply(v)).collect();
        let mut sums = vec![CompensatedSum::new(); g];
        let mut counts = vec![0usize; g];
        for (&k, &v) in group.iter().zip(&u) {
            sums[k].add(v);
            counts[k] += 1;
        }
        let means = sums
            .iter()
            .zip(&counts)
            .map(|(s, &c)| s.total() / c as f64)
            .collect();
        Self { frame, u, means }
    }

    /// The within deviations `u − ū_group`, in units of `2^exp`.
    fn within(&self, group: &[usize]) -> Vec<f64> {
        self.u
            .iter()
            .zip(group)
            .map(|(v, &gi)| v - self.means[gi])
            .collect()
    }

    /// The group means in raw units (finite for finite data).
    fn raw_means(&self) -> Vec<f64> {
        self.means.iter().map(|&m| self.frame.unapply(m)).collect()
    }
}

/// Group means of `x`, finite even when a raw sum would overflow.
fn group_means(group: &[usize], g: usize, x: &[f64]) -> Vec<f64> {
    Framed::new(group, g, x).raw_means()
}

/// The exponent of the power of two nearest below `max` (0 for 0 or a non-finite value):
/// dividing by that power is exact, so a problem scaled by it gives bit-identical results
/// unless it would overflow.
fn pow2_exponent(max: f64) -> i32 {
    if max > 0.0 && max.is_finite() {
        max.log2().floor() as i32
    } else {
        0
    }
}

fn overflow(what: &str) -> StatsError {
    StatsError::Overflow {
        what: what.to_owned(),
    }
}

/// The within- and between-client association of a session-level predictor `x` with an
/// outcome `y` ([`within_between`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithinBetween {
    /// Rows (value pairs) used.
    pub pairs: usize,
    /// Clients (distinct ids).
    pub clients: usize,
    /// Pearson correlation of the client means (between clients).
    pub between: super::Correlation,
    /// Fixed-effects slope of the outcome on the client-centred predictor (within clients).
    pub within: WithinCoefficient,
}

/// Splits the association of `x` with `y` (one pair per row, rows grouped by `ids`) into the
/// **between-client** correlation of the client means ([`pearson`](super::pearson) on each
/// client's mean of `x` and of `y`) and the **within-client** slope of `y` on the
/// person-mean-centred `x` ([`person_mean_centre`], [`within_regression`]): the
/// disaggregation of within- and between-person effects (Curran, P. J. & Bauer, D. J. (2011),
/// *Annual Review of Psychology* 62, 583–619; Falkenström, F., Finkel, S., Sandell, R.,
/// Rubel, J. A. & Holmqvist, R. (2017), *Journal of Consulting and Clinical Psychology*
/// 85(6), 537–549), which separates "clients with a better alliance do better" from "a
/// better alliance than usual for this client precedes a better outcome".
///
/// ```
/// use therapeutic_alliance::stats::within_between;
/// let ids = ["a", "a", "a", "b", "b", "b", "c", "c", "c"];
/// let wai = [40.0, 44.0, 48.0, 30.0, 33.0, 36.0, 50.0, 51.0, 55.0];
/// let ors = [20.0, 24.0, 27.0, 15.0, 17.0, 20.0, 28.0, 29.0, 33.0];
/// let wb = within_between(&ids, &wai, &ors)?;
/// assert_eq!((wb.pairs, wb.clients), (9, 3));
/// assert!(wb.between.r > 0.9 && wb.within.estimate > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`StatsError`] from the centring, the regression (too few rows, no within-client
/// variance) or the correlation (fewer than 3 clients, constant means).
pub fn within_between<K: Ord>(
    ids: &[K],
    x: &[f64],
    y: &[f64],
) -> Result<WithinBetween, StatsError> {
    let d = person_mean_centre(ids, x, GrandMean::Rows)?;
    let fit = within_regression(ids, &[&d.within], y)?;
    let within = fit
        .coefficients
        .first()
        .cloned()
        .ok_or_else(|| StatsError::EmptyInput {
            what: "within-client coefficients".to_owned(),
        })?;
    check_column("y", y, ids.len())?;
    let (group, g) = group_index(ids);
    let mx = group_means(&group, g, x);
    let my = group_means(&group, g, y);
    Ok(WithinBetween {
        pairs: ids.len(),
        clients: g,
        between: super::pearson(&mx, &my)?,
        within,
    })
}

/// Splits a session-level predictor into within-person deviations and between-person means.
///
/// `ids` identify persons (any ordered key: integers, `&str`, `String`); rows need not be
/// sorted.
///
/// # Errors
/// [`StatsError::EmptyInput`] for no rows, [`StatsError::LengthMismatch`] when `x` and `ids`
/// differ in length, [`StatsError::NonFinite`] for NaN or infinite values.
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::{person_mean_centre, GrandMean};
/// let d = person_mean_centre(&["a", "a", "b", "b"], &[4.0, 6.0, 1.0, 3.0], GrandMean::Rows)?;
/// assert_eq!(d.within, vec![-1.0, 1.0, -1.0, 1.0]);
/// assert_eq!(d.between, vec![1.5, 1.5, -1.5, -1.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn person_mean_centre<K: Ord>(
    ids: &[K],
    x: &[f64],
    grand: GrandMean,
) -> Result<Decomposition, StatsError> {
    if ids.is_empty() {
        return Err(StatsError::EmptyInput {
            what: "ids".to_owned(),
        });
    }
    check_column("x", x, ids.len())?;
    let (group, g) = group_index(ids);
    // within and between components computed in x's frame, then scaled back: offsets such
    // as 1e15 cancel exactly instead of leaving the rounding of the means in the components
    let framed = Framed::new(&group, g, x);
    let means = framed.raw_means();
    let person_mean: Vec<f64> = group.iter().map(|&k| means[k]).collect();
    let grand_u = match grand {
        GrandMean::Rows => crate::numeric::summation::sum(&framed.u) / x.len() as f64,
        GrandMean::Persons => crate::numeric::summation::sum(&framed.means) / g as f64,
    };
    let grand_mean = framed.frame.unapply(grand_u);
    let exp = framed.frame.exp();
    let within: Vec<f64> = framed
        .within(&group)
        .into_iter()
        .map(|v| scale_pow2(v, exp))
        .collect();
    let between: Vec<f64> = group
        .iter()
        .map(|&k| scale_pow2(framed.means[k] - grand_u, exp))
        .collect();
    // Means of finite values are finite; their differences can still overflow (a person at
    // f64::MAX, another at -f64::MAX).
    if !within.iter().chain(&between).all(|v| v.is_finite()) {
        return Err(overflow("x: within or between component"));
    }
    Ok(Decomposition {
        within,
        between,
        person_mean,
        grand_mean,
        persons: g,
    })
}

/// One coefficient of a within (fixed-effects) regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithinCoefficient {
    /// The within-person slope.
    pub estimate: f64,
    /// Its standard error (LSDV residual df).
    pub se: f64,
    /// `estimate / se`; `None` for a perfect fit (`se` = 0), where it would be infinite.
    pub t: Option<f64>,
    /// Two-sided p with `df` degrees of freedom (0 for a perfect fit).
    pub p: f64,
}

/// The fixed-effects (within) regression of an outcome on session-level predictors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithinRegression {
    /// One coefficient per predictor, in the order given.
    pub coefficients: Vec<WithinCoefficient>,
    /// Rows used.
    pub n: usize,
    /// Persons.
    pub persons: usize,
    /// Residual degrees of freedom `n - persons - k`.
    pub df: f64,
    /// Residual sum of squares.
    pub rss: f64,
    /// Residual standard error `sqrt(rss/df)`.
    pub sigma: f64,
}

/// Fixed-effects (within / LSDV) regression: OLS of `y - ȳ_i` on each `x_j - x̄_ij`, with no
/// intercept, solved by Householder QR.
///
/// # Errors
/// [`StatsError::EmptyInput`] for no rows or no predictors, [`StatsError::LengthMismatch`],
/// [`StatsError::NonFinite`], [`StatsError::TooFewCases`] when `n - persons - k < 1`,
/// [`StatsError::ConstantInput`] when a predictor has no within-person variation, and
/// [`StatsError::Singular`] when the within predictors are collinear,
/// [`StatsError::Overflow`] when a result would not be finite in `f64` (the fit itself is
/// computed on within deviations taken in each column's frame, shifted by its first value and
/// scaled by powers of two as in the shifted two-pass algorithm of Chan, Golub & LeVeque 1983
/// and Higham 2002, §1.9 and ch. 4, so data of any finite size, offset by 1e15 or scaled by
/// 1e-160, can be fitted).
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::within_regression;
/// let ids = [1, 1, 1, 2, 2, 2];
/// let x = [1.0, 2.0, 3.0, 5.0, 6.0, 7.0];
/// let y = [2.0, 4.1, 5.9, 1.0, 3.0, 5.0];
/// let fit = within_regression(&ids, &[&x], &y)?;
/// assert!((fit.coefficients[0].estimate - 1.975).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn within_regression<K: Ord>(
    ids: &[K],
    predictors: &[&[f64]],
    y: &[f64],
) -> Result<WithinRegression, StatsError> {
    let n = ids.len();
    if n == 0 {
        return Err(StatsError::EmptyInput {
            what: "ids".to_owned(),
        });
    }
    if predictors.is_empty() {
        return Err(StatsError::EmptyInput {
            what: "predictors".to_owned(),
        });
    }
    check_column("y", y, n)?;
    for (j, x) in predictors.iter().enumerate() {
        check_column(&format!("predictor {j}"), x, n)?;
    }
    let k = predictors.len();
    let (group, g) = group_index(ids);
    if n < g + k + 1 {
        return Err(StatsError::TooFewCases {
            what: "rows (persons + predictors + 1)".to_owned(),
            needed: g + k + 1,
            got: n,
        });
    }
    // Within deviations of each column in its own frame (shifted by its first value, scaled
    // by a power of two), then scaled again by a power of two near the largest deviation:
    // exact, offsets such as 1e15 cancel, and the squares below neither overflow (data
    // ×1e154) nor underflow (×1e-160). Column j is in units of 2^col_exp[j].
    let demean = |v: &[f64]| -> (Vec<f64>, i32) {
        let framed = Framed::new(&group, g, v);
        let mut w = framed.within(&group);
        let e = pow2_exponent(w.iter().fold(0.0_f64, |m, d| m.max(d.abs())));
        for d in &mut w {
            *d = scale_pow2(*d, -e);
        }
        (w, framed.frame.exp() + e)
    };
    let (mut cols, col_exp): (Vec<Vec<f64>>, Vec<i32>) =
        predictors.iter().map(|x| demean(x)).unzip();
    let (mut qty, y_exp) = demean(y);
    for (j, c) in cols.iter().enumerate() {
        // within variation at the rounding level of the frame values is none
        if c.iter().all(|v| v.abs() <= f64::EPSILON * 16.0) {
            return Err(StatsError::ConstantInput {
                what: format!("predictor {j} within persons"),
            });
        }
    }
    // Householder QR: cols becomes R (upper part) and qty becomes Qᵀy.
    let mut r = vec![vec![0.0; k]; k];
    for j in 0..k {
        let norm = norm2(&cols[j][j..]);
        let scale = norm2(&cols[j]).max(f64::MIN_POSITIVE);
        if norm <= 1e-10 * scale {
            return Err(StatsError::Singular {
                what: "within design matrix (collinear predictors)".to_owned(),
            });
        }
        let alpha = if cols[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = cols[j][j..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|a| a * a).sum();
        let reflect = |col: &mut [f64]| {
            if vnorm2 > 0.0 {
                let dot: f64 = v.iter().zip(col.iter()).map(|(a, b)| a * b).sum();
                let f = 2.0 * dot / vnorm2;
                for (c, a) in col.iter_mut().zip(&v) {
                    *c -= f * a;
                }
            }
        };
        for col in cols.iter_mut().skip(j) {
            reflect(&mut col[j..]);
        }
        reflect(&mut qty[j..]);
        for (i, row) in r.iter_mut().enumerate().take(j + 1) {
            row[j] = cols[j][i];
        }
    }
    // Back-substitution R b = (Qᵀy)[..k].
    let mut beta = vec![0.0; k];
    for i in (0..k).rev() {
        let mut s = qty[i];
        for j in i + 1..k {
            s -= r[i][j] * beta[j];
        }
        beta[i] = s / r[i][i];
    }
    let mut rss = CompensatedSum::new();
    for v in &qty[k..] {
        rss.add(v * v);
    }
    let rss = rss.total();
    let df = (n - g - k) as f64;
    let sigma2 = rss / df;
    // (RᵀR)⁻¹ diagonal = row sums of squares of R⁻¹.
    let rinv = upper_inverse(&r);
    let mut coefficients = Vec::with_capacity(k);
    for (i, b) in beta.iter().enumerate() {
        let var: f64 = rinv[i].iter().map(|a| a * a).sum::<f64>() * sigma2;
        let se = var.sqrt();
        // t is scale-free: computed on the scaled fit.
        let t = (se > 0.0).then(|| b / se).filter(|t| t.is_finite());
        let p = match t {
            Some(t) => dist::t_two_sided_p(t, df)?,
            None => 0.0,
        };
        let unscale = y_exp - col_exp[i];
        let (estimate, se) = (scale_pow2(*b, unscale), scale_pow2(se, unscale));
        if !(estimate.is_finite() && se.is_finite()) {
            return Err(overflow(&format!("predictor {i}: within slope")));
        }
        coefficients.push(WithinCoefficient { estimate, se, t, p });
    }
    let (rss, sigma) = (scale_pow2(rss, 2 * y_exp), scale_pow2(sigma2.sqrt(), y_exp));
    if !(rss.is_finite() && sigma.is_finite()) {
        return Err(overflow("y: residual sum of squares"));
    }
    Ok(WithinRegression {
        coefficients,
        n,
        persons: g,
        df,
        rss,
        sigma,
    })
}

fn norm2(x: &[f64]) -> f64 {
    let scale = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    scale * x.iter().map(|v| (v / scale).powi(2)).sum::<f64>().sqrt()
}

/// Inverse of an upper-triangular matrix with non-zero diagonal.
fn upper_inverse(r: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = r.len();
    let mut inv = vec![vec![0.0; k]; k];
    for j in 0..k {
        inv[j][j] = 1.0 / r[j][j];
        for i in (0..j).rev() {
            let mut s = 0.0;
            for m in i + 1..=j {
                s += r[i][m] * inv[m][j];
            }
            inv[i][j] = -s / r[i][i];
        }
    }
    inv
}

/// The value of the next session of the same person, for every row (`None` for each person's
/// last session): the lag-1 outcome `y_{i,t+1}` of session-to-session models.
///
/// Sessions are ordered by `sessions` within each person; rows may come in any order and the
/// result is in input order. "Next" means the next recorded session, whether or not the
/// session numbers are consecutive.
///
/// # Errors
/// [`StatsError::LengthMismatch`] for columns of different length, [`StatsError::NonFinite`]
/// for a NaN/infinite value, and [`StatsError::InvalidParameter`] when a person has the same
/// session twice (the value reported is the row index of the duplicate).
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::next_within_person;
/// let next = next_within_person(&[1, 1, 2, 1], &[2, 1, 1, 3], &[5.0, 6.0, 7.0, 8.0])?;
/// assert_eq!(next, vec![Some(8.0), Some(5.0), None, None]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn next_within_person<K: Ord, S: Ord>(
    ids: &[K],
    sessions: &[S],
    values: &[f64],
) -> Result<Vec<Option<f64>>, StatsError> {
    if sessions.len() != ids.len() {
        return Err(StatsError::LengthMismatch {
            what: "sessions (one per id)".to_owned(),
            expected: ids.len(),
            got: sessions.len(),
        });
    }
    check_column("values", values, ids.len())?;
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].cmp(&ids[b]).then(sessions[a].cmp(&sessions[b])));
    let mut out = vec![None; ids.len()];
    for w in order.windows(2) {
        let (a, b) = (w[0], w[1]);
        if ids[a] == ids[b] {
            if sessions[a] == sessions[b] {
                return Err(StatsError::invalid(
                    "sessions (duplicate session for a person at row)",
                    b as f64,
                    "each session once per person",
                ));
            }
            out[a] = Some(values[b]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_slope_matches_by_hand() {
        // demeaned x: -1,0,1,-1,0,1; demeaned y: -1.9667,0.1333,1.9333,-2,0,2
        // slope = sum(xy)/sum(x²) = (1.9667+1.9333+2+2)/4 = 1.975
        let ids = ["a", "a", "a", "b", "b", "b"];
        let fit = within_regression(
            &ids,
            &[&[1.0, 2.0, 3.0, 5.0, 6.0, 7.0]],
            &[2.0, 4.1, 5.9, 1.0, 3.0, 5.0],
        )
        .unwrap();
        assert!((fit.coefficients[0].estimate - 1.975).abs() < 1e-12);
        assert_eq!(fit.df, 3.0);
    }

    #[test]
    fn collinear_and_constant_predictors_are_errors() {
        let ids = [1, 1, 1, 2, 2, 2];
        let x = [1.0, 2.0, 3.0, 5.0, 6.0, 7.0];
        let x2: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
        let y = [2.0, 4.1, 5.9, 1.0, 3.0, 5.0];
        assert!(matches!(
            within_regression(&ids, &[&x, &x2], &y),
            Err(StatsError::Singular { .. })
        ));
        let c = [1.0, 1.0, 1.0, 2.0, 2.0, 2.0];
        assert!(matches!(
            within_regression(&ids, &[&c], &y),
            Err(StatsError::ConstantInput { .. })
        ));
    }

    #[test]
    fn duplicate_sessions_are_errors() {
        assert!(next_within_person(&[1, 1], &[1, 1], &[1.0, 2.0]).is_err());
    }
}
