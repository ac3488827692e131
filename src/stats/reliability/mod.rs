//! Internal consistency: Cronbach's alpha exactly as `psych::alpha` reports it, McDonald's
//! omega_total, and the standard error of measurement.
//!
//! The computation has two steps so that the streaming [`AlphaAccumulator`] reuses the second:
//! 1. one pass over the data gives n, the item means and the covariance matrix (Welford/Chan
//!    co-moment updates, no per-row allocation), plus the data minimum and maximum used to
//!    reverse items (`covariance.rs`; with missing values, `moments.rs`);
//! 2. `finish.rs` turns those moments into the full [`Alpha`] result.

mod accumulator;
mod covariance;
mod exact_sums;
mod finish;
mod frames;
mod kernels;
mod linalg;
mod moments;
mod omega;
mod options;
mod result;
mod state;

use super::StatsError;
pub use accumulator::AlphaAccumulator;
use covariance::CovarianceAccumulator;
use finish::alpha_from_moments;
pub(crate) use finish::is_positive;
use moments::ItemMoments;
pub use omega::Omega;
pub use options::{AlphaOptions, MissingPolicy};
pub use result::{Alpha, AlphaItem};
pub use state::AlphaState;

/// Cronbach's alpha of complete, row-major data: `data[r * n_items + j]` is respondent r's
/// answer to item j.
///
/// One cache-friendly pass accumulates the item means and the covariance matrix; everything
/// else is computed from those (see [`Alpha`] for the formulas and the psych version matched).
///
/// # Errors
/// [`StatsError`] if there are fewer than 2 items or 2 rows, `data.len()` is not a multiple of
/// `n_items`, a value is not finite, an item is constant, the options name an unknown item,
/// or the total score has no variance.
///
/// # Examples
/// ```
/// use therapeutic_alliance::stats::{alpha, AlphaOptions};
/// let data = [
///     3.0, 3.0, 4.0,
///     4.0, 5.0, 4.0,
///     2.0, 2.0, 3.0,
///     5.0, 4.0, 5.0,
///     1.0, 2.0, 1.0,
/// ];
/// let a = alpha(&data, 3, &AlphaOptions::new())?;
/// assert!(a.raw_alpha > 0.9 && a.raw_alpha < 1.0);
/// assert_eq!(a.items.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn alpha(data: &[f64], n_items: usize, options: &AlphaOptions) -> Result<Alpha, StatsError> {
    // the shape first: it bounds the item count by the data before anything is allocated
    super::table::check_shape(data, n_items, "items")?;
    let names = item_names(options, n_items)?;
    let reversed = resolve_keys(options, &names)?;
    let acc = accumulate(data, n_items, &names)?;
    finish_complete(&acc, acc.count(), &names, &reversed, options)
}

/// Step 1 on complete row-major data: validates it and runs the one-pass accumulator.
fn accumulate(
    data: &[f64],
    n_items: usize,
    names: &[String],
) -> Result<CovarianceAccumulator, StatsError> {
    super::table::check_shape(data, n_items, "items")?;
    let mut acc = CovarianceAccumulator::try_new(n_items)?;
    acc.push_rows(data)
        .map_err(|e| e.into_stats(data, n_items, |j| names[j].clone()))?;
    Ok(acc)
}

/// Step 2 for an accumulator of complete rows (the streaming [`AlphaAccumulator`]):
/// names and keys from `options`, then the same finish as [`alpha`].
fn alpha_from_accumulator(
    acc: &CovarianceAccumulator,
    options: &AlphaOptions,
) -> Result<Alpha, StatsError> {
    let names = item_names(options, acc.items())?;
    let reversed = resolve_keys(options, &names)?;
    finish_complete(acc, acc.count(), &names, &reversed, options)
}

/// [`alpha`] for data given as rows (`rows[r][j]` = respondent r, item j).
///
/// # Errors
/// As [`alpha`]; also if the rows differ in length.
pub fn alpha_rows<R: AsRef<[f64]>>(
    rows: &[R],
    options: &AlphaOptions,
) -> Result<Alpha, StatsError> {
    let p = rows.first().map_or(0, |r| r.as_ref().len());
    if rows.is_empty() {
        return Err(StatsError::EmptyInput {
            what: "rows".to_owned(),
        });
    }
    // checked: rows of a zero-sized type can claim any length without memory behind it
    let len = rows
        .len()
        .checked_mul(p)
        .ok_or_else(|| StatsError::TooLarge {
            what: "rows × items".to_owned(),
            size: rows.len() as u128 * p as u128,
            why: "the product overflows usize".to_owned(),
        })?;
    let mut flat: Vec<f64> = Vec::new();
    flat.try_reserve_exact(len)
        .map_err(|_| StatsError::TooLarge {
            what: "rows × items".to_owned(),
            size: len as u128,
            why: "the memory for the table cannot be reserved".to_owned(),
        })?;
    for row in rows {
        let row = row.as_ref();
        if row.len() != p {
            return Err(StatsError::LengthMismatch {
                what: format!("row {}", flat.len() / p.max(1)),
                expected: p,
                got: row.len(),
            });
        }
        flat.extend_from_slice(row);
    }
    alpha(&flat, p, options)
}

/// Cronbach's alpha of data with missing values (`None`), handled as
/// [`AlphaOptions::missing`] says ([`MissingPolicy::CompleteCases`] by default).
///
/// # Errors
/// As [`alpha`]; also if rows differ in length, no (or one) complete row remains under
/// complete-case handling, or under pairwise handling a pair of items is observed together in
/// fewer than 2 rows or is constant where both are observed.
///
/// # Examples
/// ```
/// use therapeutic_alliance::stats::{alpha_with_missing, AlphaOptions, MissingPolicy};
/// let rows = vec![
///     vec![Some(3.0), Some(3.0), Some(4.0)],
///     vec![Some(4.0), None, Some(4.0)],
///     vec![Some(2.0), Some(2.0), Some(3.0)],
///     vec![Some(5.0), Some(4.0), Some(5.0)],
///     vec![Some(1.0), Some(2.0), Some(1.0)],
///     vec![Some(4.0), Some(5.0), Some(4.0)],
///     vec![Some(2.0), Some(1.0), None],
/// ];
/// let cc = alpha_with_missing(&rows, &AlphaOptions::new())?;
/// assert_eq!(cc.n, 5);
/// let pw = alpha_with_missing(&rows, &AlphaOptions::new().missing(MissingPolicy::Pairwise))?;
/// assert_eq!(pw.n, 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn alpha_with_missing<R: AsRef<[Option<f64>]>>(
    rows: &[R],
    options: &AlphaOptions,
) -> Result<Alpha, StatsError> {
    if rows.is_empty() {
        return Err(StatsError::EmptyInput {
            what: "rows".to_owned(),
        });
    }
    let p = rows[0].as_ref().len();
    if p < 2 {
        return Err(StatsError::TooFewCases {
            what: "items".to_owned(),
            needed: 2,
            got: p,
        });
    }
    // the pairwise path's p × p matrices have the accumulator's limit too
    covariance::check_items(p)?;
    let names = item_names(options, p)?;
    let reversed = resolve_keys(options, &names)?;
    for (r, row) in rows.iter().enumerate() {
        let row = row.as_ref();
        if row.len() != p {
            return Err(StatsError::LengthMismatch {
                what: format!("row {r}"),
                expected: p,
                got: row.len(),
            });
        }
        if let Some(j) = row.iter().position(|x| x.is_some_and(|v| !v.is_finite())) {
            return Err(StatsError::NonFinite {
                what: names[j].clone(),
                row: r,
                value: row[j].unwrap_or(f64::NAN),
            });
        }
    }
    match options.missing {
        MissingPolicy::CompleteCases => {
            let mut acc = CovarianceAccumulator::try_new(p)?;
            let mut buf = vec![0.0; p];
            for row in rows {
                let row = row.as_ref();
                if row.iter().all(Option::is_some) {
                    for (b, v) in buf.iter_mut().zip(row) {
                        *b = v.unwrap_or_default();
                    }
                    if !acc.push(&buf) {
                        return Err(StatsError::Overflow {
                            what: "complete rows: item means and co-moments".to_owned(),
                        });
                    }
                }
            }
            finish_complete(&acc, rows.len(), &names, &reversed, options)
        }
        MissingPolicy::Pairwise | MissingPolicy::PairwiseCov2Cor => {
            let direct = options.missing == MissingPolicy::Pairwise;
            let m = moments::pairwise(rows, p, &names, &reversed, options.reversal_bounds, direct)?;
            alpha_from_moments(&m, &names, &reversed, !options.skip_omega)
        }
    }
}

/// Standard error of measurement, SEM = SD·√(1 − reliability) (classical test theory; e.g.
/// Harvill 1991). Use the SD of the scores the SEM is for and any reliability estimate
/// (alpha, omega, test–retest).
///
/// # Errors
/// [`StatsError::InvalidParameter`] if `sd` is negative or not finite, or `reliability` lies
/// outside [0, 1].
///
/// # Examples
/// ```
/// let s = therapeutic_alliance::stats::sem(10.0, 0.84)?;
/// assert!((s - 4.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sem(sd: f64, reliability: f64) -> Result<f64, StatsError> {
    if !(sd.is_finite() && sd >= 0.0) {
        return Err(StatsError::invalid("sd", sd, "a finite number >= 0"));
    }
    if !(reliability.is_finite() && (0.0..=1.0).contains(&reliability)) {
        return Err(StatsError::invalid("reliability", reliability, "in [0, 1]"));
    }
    Ok(sd * (1.0 - reliability).sqrt())
}

/// One-factor McDonald's omega of complete, row-major data (`n_items` columns), from the
/// Pearson correlation matrix. See [`Omega`] for the estimator and the definition reported.
///
/// Items that load negatively are flipped automatically, as `psych::omega` does.
///
/// # Errors
/// As [`alpha`] for the data; [`StatsError::NotConverged`] or [`StatsError::Singular`] if the
/// factor fit fails.
///
/// # Examples
/// ```
/// use therapeutic_alliance::stats::omega_total;
/// let data = [3.0, 3.0, 4.0, 4.0, 5.0, 4.0, 2.0, 2.0, 3.0, 5.0, 4.0, 5.0, 1.0, 2.0, 1.0];
/// let o = omega_total(&data, 3)?;
/// assert!(o.omega_total > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn omega_total(data: &[f64], n_items: usize) -> Result<Omega, StatsError> {
    // the shape first: it bounds the item count by the data before the names are built
    super::table::check_shape(data, n_items, "items")?;
    let names = item_names(&AlphaOptions::new(), n_items)?;
    let acc = accumulate(data, n_items, &names)?;
    let m = complete_moments(&acc, &names, &vec![false; n_items], None)?;
    omega_from_correlation(&m.cor, n_items)
}

/// McDonald's omega_total from a correlation matrix (row-major, `n_items` × `n_items`).
///
/// # Errors
/// [`StatsError`] if the matrix is not square with finite entries, or the factor fit fails.
pub fn omega_from_correlation(correlations: &[f64], n_items: usize) -> Result<Omega, StatsError> {
    omega::omega_from_correlation(correlations, n_items)
}

fn item_names(options: &AlphaOptions, p: usize) -> Result<Vec<String>, StatsError> {
    match &options.item_names {
        Some(names) if names.len() != p => Err(StatsError::LengthMismatch {
            what: "item names".to_owned(),
            expected: p,
            got: names.len(),
        }),
        Some(names) => Ok(names.clone()),
        None => Ok((1..=p).map(|i| format!("V{i}")).collect()),
    }
}

fn resolve_keys(options: &AlphaOptions, names: &[String]) -> Result<Vec<bool>, StatsError> {
    let mut reversed = vec![false; names.len()];
    for &i in &options.reverse_indices {
        match reversed.get_mut(i) {
            Some(r) => *r = true,
            None => {
                return Err(StatsError::invalid(
                    "reverse item index",
                    i as f64,
                    &format!("an index below {}", names.len()),
                ));
            }
        }
    }
    for name in &options.reverse_names {
        match names.iter().position(|n| n == name) {
            Some(i) => reversed[i] = true,
            None => {
                return Err(StatsError::UnknownName {
                    what: "reverse keys".to_owned(),
                    name: name.clone(),
                });
            }
        }
    }
    Ok(reversed)
}

/// Complete-data moments after keying: flips means (x' = lo + hi − x) and covariance signs.
fn complete_moments(
    acc: &CovarianceAccumulator,
    names: &[String],
    reversed: &[bool],
    bounds: Option<(f64, f64)>,
) -> Result<ItemMoments, StatsError> {
    let n = acc.count();
    if n < 2 {
        return Err(StatsError::TooFewCases {
            what: "complete rows".to_owned(),
            needed: 2,
            got: n,
        });
    }
    let (mut means, mut cov, exps) = acc.mean_cov();
    let p = means.len();
    for (j, name) in names.iter().enumerate() {
        if !is_positive(cov[j * p + j]) {
            return Err(StatsError::ConstantInput { what: name.clone() });
        }
    }
    let (lo, hi) = bounds.unwrap_or_else(|| acc.range());
    for j in 0..p {
        if reversed[j] {
            means[j] = lo + hi - means[j];
            for k in 0..p {
                if !reversed[k] {
                    cov[j * p + k] = -cov[j * p + k];
                    cov[k * p + j] = -cov[k * p + j];
                }
            }
        }
    }
    ItemMoments::from_covariance(n, n, means, &cov, &exps)
}

fn finish_complete(
    acc: &CovarianceAccumulator,
    n_rows: usize,
    names: &[String],
    reversed: &[bool],
    options: &AlphaOptions,
) -> Result<Alpha, StatsError> {
    let mut m = complete_moments(acc, names, reversed, options.reversal_bounds)?;
    m.n_rows = n_rows;
    alpha_from_moments(&m, names, reversed, !options.skip_omega)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<f64> {
        vec![
            3.0, 3.0, 4.0, 4.0, 5.0, 4.0, 2.0, 2.0, 3.0, 5.0, 4.0, 5.0, 1.0, 2.0, 1.0,
        ]
    }

    #[test]
    fn rejects_bad_input() {
        let o = AlphaOptions::new();
        assert!(matches!(
            alpha(&[], 3, &o),
            Err(StatsError::EmptyInput { .. })
        ));
        assert!(matches!(
            alpha(&data(), 1, &o),
            Err(StatsError::TooFewCases { .. })
        ));
        assert!(matches!(
            alpha(&data()[..14], 3, &o),
            Err(StatsError::LengthMismatch { .. })
        ));
        let mut d = data();
        d[4] = f64::NAN;
        assert!(matches!(
            alpha(&d, 3, &o),
            Err(StatsError::NonFinite { row: 1, .. })
        ));
        let constant = [1.0, 2.0, 1.0, 3.0, 1.0, 4.0];
        assert!(matches!(
            alpha(&constant, 2, &o),
            Err(StatsError::ConstantInput { .. })
        ));
        assert!(matches!(
            alpha(&data(), 3, &o.clone().reverse_names(["nope"])),
            Err(StatsError::UnknownName { .. })
        ));
        assert!(alpha(&data(), 3, &AlphaOptions::new().reverse_indices(&[3])).is_err());
        assert!(matches!(
            alpha(&data()[..3], 3, &AlphaOptions::new()),
            Err(StatsError::TooFewCases { .. })
        ));
    }

    #[test]
    fn sem_formula_and_validation() {
        assert_eq!(sem(5.0, 1.0).unwrap(), 0.0);
        assert!(sem(-1.0, 0.5).is_err());
        assert!(sem(1.0, 1.5).is_err());
        assert!(sem(f64::NAN, 0.5).is_err());
    }

    #[test]
    fn two_items_follow_psych_special_case() {
        let d = [1.0, 2.0, 2.0, 2.0, 3.0, 5.0, 4.0, 4.0, 5.0, 4.0];
        let a = alpha(&d, 2, &AlphaOptions::new()).unwrap();
        assert!(a.items[0].ase_if_dropped.is_none());
        assert!((a.items[0].std_alpha_if_dropped - a.average_r).abs() < 1e-15);
    }
}
