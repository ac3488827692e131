//! Internal consistency: Cronbach's alpha exactly as `psych::alpha` reports it, McDonald's
//! omega_total, and the standard error of measurement.
//!
//! The computation has two steps so that streaming accumulators can reuse the second:
//! 1. one pass over the data gives n, the item means and the covariance matrix (Welford/Chan
//!    co-moment updates, no per-row allocation), plus the data minimum and maximum used to
//!    reverse items;
//! 2. [`alpha_from_moments`] turns those moments into the full [`Alpha`] result.

mod linalg;
mod moments;
mod omega;

use serde::{Deserialize, Serialize};

use super::StatsError;
use super::dist;
use super::summation::CompensatedSum;
use linalg::{lower_triangle, median, smc, without};
pub(crate) use moments::{CovarianceAccumulator, ItemMoments};
pub use omega::Omega;

/// How rows with missing values are used by [`alpha_with_missing`].
///
/// With complete data all three give identical results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MissingPolicy {
    /// Drop every row with a missing value first, then proceed as with complete data
    /// (`psych::alpha(na.omit(x))`; N for `ase` and the Feldt CI is the number of complete
    /// rows). The default.
    #[default]
    CompleteCases,
    /// Pairwise, as current psych does it (psych ≥ 2.4.6.26, checked against the `alpha.R` of
    /// psych 2.5.3): covariances `cov(x, use = "pairwise")`, correlations
    /// `cor(x, use = "pairwise")` computed directly, person score = mean of the available
    /// items, N = all rows (also those with missing cells) for `ase` and the Feldt CI.
    Pairwise,
    /// Pairwise as psych ≤ 2.3.x did it (psych 2.2.9): as [`MissingPolicy::Pairwise`] but the
    /// correlations are `cov2cor` of the pairwise covariances. Changes `std_alpha`, `g6`,
    /// `average_r`, `s_n`, `median_r`, `std_r` and `r_cor` when data are missing.
    PairwiseCov2Cor,
}

/// Settings for [`alpha`], [`alpha_rows`] and [`alpha_with_missing`].
///
/// Defaults: items named `V1`, `V2`, … (as psych names unnamed columns), no reversed items,
/// [`MissingPolicy::CompleteCases`], reversal as psych does it (`x' = max + min − x` with the
/// minimum and maximum of the whole data matrix), omega computed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlphaOptions {
    item_names: Option<Vec<String>>,
    reverse_indices: Vec<usize>,
    reverse_names: Vec<String>,
    missing: MissingPolicy,
    reversal_bounds: Option<(f64, f64)>,
    skip_omega: bool,
}

impl AlphaOptions {
    /// The defaults (see the type's documentation).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the items (one per column, in column order).
    #[must_use]
    pub fn item_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.item_names = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Reverse-keys the items at these 0-based column indices.
    #[must_use]
    pub fn reverse_indices(mut self, indices: &[usize]) -> Self {
        self.reverse_indices.extend_from_slice(indices);
        self
    }

    /// Reverse-keys the items with these names (psych's `keys = c("i5")`). Needs
    /// [`AlphaOptions::item_names`].
    #[must_use]
    pub fn reverse_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.reverse_names.extend(names.into_iter().map(Into::into));
        self
    }

    /// How missing values are handled by [`alpha_with_missing`].
    #[must_use]
    pub fn missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// Reverses items as `(min + max) − x` with the given response-scale bounds instead of the
    /// data's minimum and maximum (psych's behaviour). Only item means and the person-score mean
    /// depend on this; every correlation and alpha is unchanged.
    #[must_use]
    pub fn reversal_bounds(mut self, min: f64, max: f64) -> Self {
        self.reversal_bounds = Some((min, max));
        self
    }

    /// Skips the omega_total computation (`Alpha::omega_total` is then `None`).
    #[must_use]
    pub fn without_omega(mut self) -> Self {
        self.skip_omega = true;
        self
    }

    /// The missing-data policy.
    #[must_use]
    pub fn missing_policy(&self) -> MissingPolicy {
        self.missing
    }
}

/// Cronbach's alpha and its companions, field for field as `psych::alpha` prints them.
///
/// Matches psych 2.2.9 on complete data (and psych 2.5.3, which is identical there); see
/// [`MissingPolicy`] for missing data. Formulas (psych `R/alpha.R`), with p items, C the
/// covariance matrix, R the correlation matrix and ΣC the sum of all elements:
/// * `raw_alpha` = (1 − tr C/ΣC)·p/(p − 1) (Cronbach 1951);
/// * `std_alpha` = (1 − p/ΣR)·p/(p − 1);
/// * `g6` = 1 − (p − Σ smc)/ΣR (Guttman's lambda 6, smc = 1 − 1/diag(R⁻¹));
/// * `average_r` = (ΣR − p)/(p(p − 1)); `s_n` = p·r̄/(1 − r̄);
/// * `ase` = √(Q/N), Duhachek & Iacobucci (2004) as corrected in psych (January 2016);
/// * `feldt_ci` = 1 − (1 − α)·F⁻¹(.975 | .025; N − 1, (N − 1)(p − 1)) (Feldt 1965, psych
///   `alpha.ci`), `ase_ci` = α ± 1.96·ase (psych prints the literal 1.96).
///
/// `omega_total` is computed from the same correlation matrix as `std_alpha` (see [`Omega`]).
///
/// Where this differs from `psych::alpha` on purpose:
/// * a constant item is an error naming the item (psych drops it with a warning);
/// * square data are analysed as data (psych takes a square matrix for a covariance matrix);
/// * `check.keys` is not automatic: name reversed items with [`AlphaOptions::reverse_names`]
///   or [`AlphaOptions::reverse_indices`] (items with negative `r_drop` are the candidates);
/// * results that would be `NaN` are errors, except `r_cor`, which is `None` where psych
///   prints `NaN`;
/// * with a two-item scale, the if-dropped statistics follow psych's special case
///   (raw = C₁₂/C_jj of the remaining item j, std = r₁₂, G6 = smc₁, ase `None`).
///
/// pingouin's `cronbach_alpha` reports the same raw alpha and Feldt interval (rounded to 3
/// decimals); with `nan_policy = "listwise"` pingouin 0.7.0 keeps N = all rows in the Feldt df,
/// whereas here (as psych on `na.omit(x)`) N is the number of complete rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alpha {
    /// N used for `ase` and the Feldt CI: complete rows, or all rows under pairwise handling.
    pub n: usize,
    /// Rows in the input (including rows dropped as incomplete).
    pub n_rows: usize,
    /// Raw (covariance-based) alpha, psych `raw_alpha`.
    pub raw_alpha: f64,
    /// Standardised (correlation-based) alpha, psych `std.alpha`.
    pub std_alpha: f64,
    /// Guttman's lambda 6 from squared multiple correlations, psych `G6(smc)`.
    pub g6: f64,
    /// Mean inter-item correlation, psych `average_r`.
    pub average_r: f64,
    /// Signal-to-noise ratio p·r̄/(1 − r̄), psych `S/N`.
    pub s_n: f64,
    /// Median inter-item correlation, psych `median_r`.
    pub median_r: f64,
    /// Variance of the inter-item correlations (lower triangle), psych `var.r`.
    pub var_r: f64,
    /// Asymptotic standard error of raw alpha (Duhachek & Iacobucci), psych `ase`.
    pub ase: f64,
    /// Feldt 95% confidence interval for raw alpha, `[lower, upper]`.
    pub feldt_ci: (f64, f64),
    /// raw_alpha ± 1.96·ase, as psych prints it.
    pub ase_ci: (f64, f64),
    /// Mean of the person scores (mean of each person's available items, reversed as keyed).
    pub mean: f64,
    /// Standard deviation (n − 1) of the person scores.
    pub sd: f64,
    /// McDonald's omega_total from the same correlation matrix (see [`Omega`]); `None` if
    /// omega was skipped or its factor fit failed.
    pub omega_total: Option<f64>,
    /// Per-item statistics, in column order.
    pub items: Vec<AlphaItem>,
}

/// One row of psych's `alpha.drop` and `item.stats` tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlphaItem {
    /// The item's name (without psych's `-` suffix; see `reversed`).
    pub item: String,
    /// Whether the item was reverse keyed (psych shows it as `name-`).
    pub reversed: bool,
    /// Non-missing responses to this item.
    pub n: usize,
    /// Raw alpha of the scale without this item.
    pub raw_alpha_if_dropped: f64,
    /// Standardised alpha without this item.
    pub std_alpha_if_dropped: f64,
    /// G6(smc) without this item.
    pub g6_if_dropped: f64,
    /// Average inter-item r without this item.
    pub average_r_if_dropped: f64,
    /// Signal/noise without this item.
    pub s_n_if_dropped: f64,
    /// `alpha se` without this item; `None` for two-item scales (psych prints `NA`) and where
    /// a pairwise covariance matrix makes the variance estimate negative (psych prints `NaN`).
    pub ase_if_dropped: Option<f64>,
    /// Variance of the remaining inter-item correlations.
    pub var_r_if_dropped: f64,
    /// Median of the remaining inter-item correlations.
    pub median_r_if_dropped: f64,
    /// Correlation of the item with the person score (item included), psych `raw.r`.
    pub raw_r: f64,
    /// Standardised item–total correlation colSums(R)/√ΣR, psych `std.r`.
    pub std_r: f64,
    /// Item–total correlation corrected for overlap and unreliability, psych `r.cor`:
    /// colSums(RC)/√ΣRC with RC = R whose diagonal is replaced by the smc. `None` when ΣRC is within rounding noise of 0 or below,
    /// which happens with negatively correlated (unreversed) items; psych prints `NaN`.
    pub r_cor: Option<f64>,
    /// Corrected item–total correlation (item against the rest), psych `r.drop`.
    pub r_drop: f64,
    /// Item mean (after reversal).
    pub mean: f64,
    /// Item standard deviation (n − 1).
    pub sd: f64,
}

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
    let mut acc = CovarianceAccumulator::new(n_items);
    acc.push_rows(data)
        .map_err(|i| super::table::non_finite(data, n_items, i, |j| names[j].clone()))?;
    Ok(acc)
}

/// Step 2 for an accumulator of complete rows (the streaming [`super::AlphaAccumulator`]):
/// names and keys from `options`, then the same finish as [`alpha`].
pub(crate) fn alpha_from_accumulator(
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
    let mut flat = Vec::with_capacity(rows.len() * p);
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
            let mut acc = CovarianceAccumulator::new(p);
            let mut buf = vec![0.0; p];
            for row in rows {
                let row = row.as_ref();
                if row.iter().all(Option::is_some) {
                    for (b, v) in buf.iter_mut().zip(row) {
                        *b = v.unwrap_or_default();
                    }
                    acc.push(&buf);
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
    let (mut means, mut cov) = acc.mean_cov();
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
    Ok(ItemMoments::from_covariance(n, n, means, cov))
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

/// psych's internal `alpha.1` on one (sub)matrix.
struct AlphaCore {
    raw: f64,
    std: f64,
    g6: f64,
    average_r: f64,
    s_n: f64,
    q: f64,
    var_r: f64,
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
    let var_r = if lower.len() < 2 {
        f64::NAN
    } else {
        super::summation::mean_var(&lower).map_or(f64::NAN, |(_, v)| v)
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

/// `x > 0` and not NaN.
/// Whether `sum`, the variance of a total score (the sum of a covariance or correlation
/// matrix `m`), stands clearly above the rounding noise of its terms. When items cancel
/// exactly the computed sum is of order eps·Σ|m|, its sign and size are noise, and dividing by
/// it gives meaningless statistics of ±1e16; such a total is constant.
fn has_variance(sum: f64, m: &[f64]) -> bool {
    let scale: f64 = m.iter().map(|x| x.abs()).sum();
    sum > 64.0 * f64::EPSILON * scale
}

pub(crate) fn is_positive(x: f64) -> bool {
    x > 0.0
}

fn check_finite(name: &str, x: f64, why: &str) -> Result<f64, StatsError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(StatsError::invalid(name, x, why))
    }
}

/// Step 2: the full [`Alpha`] result from item moments (already keyed).
///
/// `m.cov` and `m.cor` are p × p row-major; `m.n` is the N for `ase` and the Feldt CI.
/// This is the function streaming accumulators `finish` into.
pub(crate) fn alpha_from_moments(
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
    let bad_matrix = "a finite value (the covariance matrix is not positive semidefinite)";
    let ase = check_finite("ase", (total.q / n).sqrt(), bad_matrix)?;
    let raw_alpha = check_finite("raw_alpha", total.raw, bad_matrix)?;
    check_finite("std_alpha", total.std, bad_matrix)?;
    check_finite("g6", total.g6, bad_matrix)?;
    let df1 = n - 1.0;
    let df2 = (n - 1.0) * (p as f64 - 1.0);
    let feldt_ci = (
        1.0 - (1.0 - raw_alpha) * dist::f_quantile(0.975, df1, df2)?,
        1.0 - (1.0 - raw_alpha) * dist::f_quantile(0.025, df1, df2)?,
    );
    let ase_ci = (raw_alpha - 1.96 * ase, raw_alpha + 1.96 * ase);

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
                ase: (d.q >= 0.0).then(|| (d.q / n).sqrt()),
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
                var_r: 0.0,
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
    let omega_total = if with_omega {
        omega::omega_from_correlation(r, p)
            .ok()
            .map(|o| o.omega_total)
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
        feldt_ci,
        ase_ci,
        mean: m.total_mean,
        sd: m.total_sd,
        omega_total,
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
    var_r: f64,
    median_r: f64,
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
