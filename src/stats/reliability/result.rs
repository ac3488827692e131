//! The result of alpha: the scale statistics and one row per item.

use serde::{Deserialize, Serialize};

/// Cronbach's alpha and its companions, field for field as `psych::alpha` prints them.
///
/// Matches psych 2.2.9 on complete data (and psych 2.5.3, which is identical there); see
/// [`MissingPolicy`](super::MissingPolicy) for missing data. Formulas (psych `R/alpha.R`), with p items, C the
/// covariance matrix, R the correlation matrix and ΣC the sum of all elements:
/// * `raw_alpha` = (1 − tr C/ΣC)·p/(p − 1) (Cronbach 1951);
/// * `std_alpha` = (1 − p/ΣR)·p/(p − 1);
/// * `g6` = 1 − (p − Σ smc)/ΣR (Guttman's lambda 6, smc = 1 − 1/diag(R⁻¹));
/// * `average_r` = (ΣR − p)/(p(p − 1)); `s_n` = p·r̄/(1 − r̄);
/// * `ase` = √(Q/N), Duhachek & Iacobucci (2004) as corrected in psych (January 2016);
/// * `ci_lb`, `ci_ub` = 1 − (1 − α)·F⁻¹(.975 | .025; N − 1, (N − 1)(p − 1)), the Feldt
///   interval at `level` 0.95 (Feldt 1965, psych `alpha.ci`);
/// * `ci_lb_ase`, `ci_ub_ase` = α ∓ 1.96·ase (psych prints the literal 1.96).
///
/// `omega_total` is computed from the same correlation matrix as `std_alpha` (see [`Omega`](super::Omega)).
///
/// Where this differs from `psych::alpha` on purpose:
/// * a constant item is an error naming the item (psych drops it with a warning);
/// * square data are analysed as data (psych takes a square matrix for a covariance matrix);
/// * `check.keys` is not automatic: name reversed items with [`AlphaOptions::reverse_names`](super::AlphaOptions::reverse_names)
///   or [`AlphaOptions::reverse_indices`](super::AlphaOptions::reverse_indices) (items with negative `r_drop` are the candidates);
/// * results that would be `NaN` are errors, except `r_cor`, which is `None` where psych
///   prints `NaN`;
/// * with a two-item scale, the if-dropped statistics follow psych's special case
///   (raw = C₁₂/C_jj of the remaining item j, std = r₁₂, G6 = smc₁, ase `None`).
///
/// References: Cronbach, L. J. (1951), *Psychometrika* 16, 297–334, doi:10.1007/BF02310555;
/// Feldt, L. S. (1965), *Psychometrika* 30, 357–370, doi:10.1007/BF02289499; Duhachek, A. &
/// Iacobucci, D. (2004), *Journal of Applied Psychology* 89(5), 792–808,
/// doi:10.1037/0021-9010.89.5.792; Guttman, L. (1945), *Psychometrika* 10, 255–282; psych
/// (Revelle) 2.2.9 and 2.5.3, `R/alpha.R`.
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
    /// `None` with two items (one correlation has no variance; psych prints `NA`).
    pub var_r: Option<f64>,
    /// Asymptotic standard error of raw alpha (Duhachek & Iacobucci), psych `ase`.
    pub ase: f64,
    /// Confidence level of both intervals: 0.95, as psych reports them.
    pub level: f64,
    /// Lower bound of the Feldt (1965) interval for raw alpha (psych `feldt` lower).
    pub ci_lb: f64,
    /// Upper bound of the Feldt (1965) interval for raw alpha (psych `feldt` upper).
    pub ci_ub: f64,
    /// raw_alpha − 1.96·ase, as psych prints it.
    pub ci_lb_ase: f64,
    /// raw_alpha + 1.96·ase, as psych prints it.
    pub ci_ub_ase: f64,
    /// Mean of the person scores (mean of each person's available items, reversed as keyed).
    pub mean: f64,
    /// Standard deviation (n − 1) of the person scores.
    pub sd: f64,
    /// McDonald's omega_total from the same correlation matrix (see [`Omega`](super::Omega)); `None` if
    /// omega was skipped ([`AlphaOptions::without_omega`](super::AlphaOptions::without_omega))
    /// or its factor fit failed (did not converge, or a singular reduced correlation matrix;
    /// [`omega_from_correlation`](super::omega_from_correlation) returns the error itself).
    pub omega_total: Option<f64>,
    /// Whether omega's one-factor fit is a Heywood case ([`Omega::heywood`](super::Omega::heywood):
    /// a communality at its bound, where this solution and psych's differ); `false` when
    /// `omega_total` is `None`.
    #[serde(default)]
    pub omega_heywood: bool,
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
    /// `alpha se` without this item; `None` for two-item scales (psych prints `NA`), when
    /// there are no more rows than items (`n ≤ p`: psych 2.2.9 then drops the `alpha se`
    /// column, its `if (max(nsub, n.obs) > nvar)`), and where a pairwise covariance matrix
    /// makes the variance estimate negative (psych prints `NaN`).
    pub ase_if_dropped: Option<f64>,
    /// Variance of the remaining inter-item correlations; `None` when one correlation
    /// remains (three items; psych prints `NA`).
    pub var_r_if_dropped: Option<f64>,
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
