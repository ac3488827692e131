//! Random-intercept linear mixed model `y ~ x1 + … + xk + (1 | id)`, fitted by profiled REML
//!
//! The formulas and conventions are documented in the [`crate::stats`] module docs.

use serde::{Deserialize, Serialize};

use super::StatsError;
use super::multilevel::{check_column, group_index};
use crate::numeric::cholesky::Cholesky;
use crate::numeric::root::{RootError, zeroin};
use crate::numeric::summation::CompensatedSum;

/// The estimation criterion of [`random_intercept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MixedMethod {
    /// Restricted maximum likelihood (`lmer(REML = TRUE)`, the default).
    #[default]
    Reml,
    /// Maximum likelihood (`lmer(REML = FALSE)`).
    Ml,
}

/// Settings for [`random_intercept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MixedOptions {
    /// REML (default) or ML.
    pub method: MixedMethod,
}

impl MixedOptions {
    /// The defaults: REML.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the estimation criterion.
    #[must_use]
    pub fn method(mut self, method: MixedMethod) -> Self {
        self.method = method;
        self
    }
}

/// One fixed effect, as a row of lme4's `summary()` coefficient table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FixedEffect {
    /// `"(Intercept)"` for the intercept, otherwise the predictor's name.
    pub name: String,
    /// The estimate (`fixef()`).
    pub estimate: f64,
    /// Its standard error (`sqrt(diag(vcov()))`).
    pub se: f64,
    /// `estimate / se` (lme4's "t value"; no df or p, as lme4).
    pub t: f64,
}

/// A fitted random-intercept model (see [`random_intercept`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RandomIntercept {
    /// The criterion used.
    pub method: MixedMethod,
    /// Fixed effects, intercept first, then the predictors in the order given.
    pub fixef: Vec<FixedEffect>,
    /// Between-group (random-intercept) variance `σ²_u` (`VarCorr` "id" variance).
    pub var_id: f64,
    /// Residual variance `σ²_e` (`sigma()²`).
    pub var_residual: f64,
    /// Intraclass correlation `σ²_u / (σ²_u + σ²_e)`.
    pub icc: f64,
    /// lme4's relative standard deviation `θ = σ_u / σ_e` (`getME(fit, "theta")`).
    pub theta: f64,
    /// Whether the fit lies on the boundary `σ²_u = 0` (lme4's "singular fit").
    pub singular: bool,
    /// The criterion at the optimum: the REML criterion (`REMLcrit()`) for REML, the deviance
    /// (`-2 logLik`) for ML.
    pub criterion: f64,
    /// `-criterion / 2`, as `logLik()` (the restricted log-likelihood for REML).
    pub loglik: f64,
    /// Number of observations (rows).
    pub n_obs: usize,
    /// Number of groups.
    pub n_groups: usize,
    /// Evaluations of the profiled criterion (grid plus Brent).
    pub iterations: usize,
}

/// Largest `ρ = θ / (1 + θ)` searched (`θ ≈ 10⁸`).
const RHO_MAX: f64 = 1.0 - 1e-8;
/// Grid intervals on `ρ` used to bracket the optimum.
const GRID: usize = 40;
/// Brent iterations allowed after bracketing.
const MAX_BRENT: usize = 200;
/// Brent tolerance: the search stops at machine precision (`2 ε |ρ| + 0.5e-16`).
const BRENT_TOL: f64 = 1e-16;

/// The data reduced to what every evaluation needs.
struct Design {
    /// Columns including the intercept.
    p: usize,
    n_obs: usize,
    /// Group sizes.
    sizes: Vec<f64>,
    /// Group means of the design rows, `G × p` row-major (first column 1).
    means: Vec<f64>,
    /// Group means of y.
    ybar: Vec<f64>,
    /// Within-group deviations of the design, `N × p` row-major (first column 0).
    xw: Vec<f64>,
    /// Within-group deviations of y.
    yw: Vec<f64>,
    /// Pooled within scatter `Σ xw xwᵀ`, `p × p`.
    sw: Vec<f64>,
    /// `Σ xw yw`.
    swy: Vec<f64>,
    method: MixedMethod,
}

/// The profiled criterion and its pieces at one `θ`.
struct Eval {
    criterion: f64,
    derivative: f64,
    beta: Vec<f64>,
    /// Cholesky factor of `A(θ)`.
    chol: Cholesky,
    r: f64,
}

impl Design {
    fn dof(&self) -> f64 {
        match self.method {
            MixedMethod::Reml => (self.n_obs - self.p) as f64,
            MixedMethod::Ml => self.n_obs as f64,
        }
    }

    fn eval(&self, theta: f64) -> Option<Eval> {
        let p = self.p;
        let mut a = self.sw.clone();
        let mut b = self.swy.clone();
        for ((m, &n), &yb) in self.means.chunks_exact(p).zip(&self.sizes).zip(&self.ybar) {
            let w = n / (1.0 + n * theta);
            for j in 0..p {
                for k in 0..=j {
                    a[j * p + k] += w * m[j] * m[k];
                }
                b[j] += w * m[j] * yb;
            }
        }
        let chol = Cholesky::factor(&a, p)?;
        let beta = chol.solve(&b);
        let mut r = CompensatedSum::new();
        for (x, y) in self.xw.chunks_exact(p).zip(&self.yw) {
            let e = y - dot(x, &beta);
            r.add(e * e);
        }
        let mut ld_l = 0.0;
        let (mut d_first, mut d_ld_a, mut d_r) = (0.0, 0.0, 0.0);
        let mut z = vec![0.0; p];
        for ((m, &n), &yb) in self.means.chunks_exact(p).zip(&self.sizes).zip(&self.ybar) {
            let h = 1.0 + n * theta;
            let e = yb - dot(m, &beta);
            r.add(n / h * e * e);
            ld_l += (n * theta).ln_1p();
            d_first += n / h;
            d_r += (n * e / h).powi(2);
            if self.method == MixedMethod::Reml {
                chol.forward(m, &mut z);
                d_ld_a += (n / h).powi(2) * dot(&z, &z);
            }
        }
        let r = r.total();
        if !(r.is_finite() && r > 0.0) {
            return None;
        }
        let dof = self.dof();
        let mut criterion = ld_l + dof * (1.0 + (2.0 * std::f64::consts::PI * r / dof).ln());
        if self.method == MixedMethod::Reml {
            criterion += chol.ln_det();
        }
        let derivative = d_first - d_ld_a - dof * d_r / r;
        criterion.is_finite().then_some(Eval {
            criterion,
            derivative,
            beta,
            chol,
            r,
        })
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Checks the predictors for constant and collinear columns on their centred cross-products
/// (so a large mean does not masquerade as collinearity with the intercept).
fn check_rank(predictors: &[(&str, &[f64])], n: usize) -> Result<(), StatsError> {
    let k = predictors.len();
    let mut centred: Vec<Vec<f64>> = Vec::with_capacity(k);
    for (name, x) in predictors {
        let mean = crate::numeric::summation::sum(x) / n as f64;
        let c: Vec<f64> = x.iter().map(|v| v - mean).collect();
        let ss: f64 = c.iter().map(|v| v * v).sum();
        let scale = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        if ss <= n as f64 * (1e-13 * scale).powi(2) {
            return Err(StatsError::ConstantInput {
                what: format!("predictor {name}"),
            });
        }
        let norm = ss.sqrt();
        centred.push(c.into_iter().map(|v| v / norm).collect());
    }
    let mut corr = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            corr[i * k + j] = dot(&centred[i], &centred[j]);
        }
    }
    // Cholesky with a relative pivot check: 1 − R² of column j on the earlier ones.
    let mut l = vec![0.0; k * k];
    for (j, (name, _)) in predictors.iter().enumerate() {
        let mut d = corr[j * k + j];
        for m in 0..j {
            d -= l[j * k + m] * l[j * k + m];
        }
        if d <= 1e-10 {
            return Err(StatsError::Singular {
                what: format!(
                    "design (predictor {name} is collinear with the intercept and earlier predictors)"
                ),
            });
        }
        let d = d.sqrt();
        l[j * k + j] = d;
        for i in j + 1..k {
            let mut s = corr[i * k + j];
            for m in 0..j {
                s -= l[i * k + m] * l[j * k + m];
            }
            l[i * k + j] = s / d;
        }
    }
    Ok(())
}

fn build<K: Ord>(
    ids: &[K],
    predictors: &[(&str, &[f64])],
    y: &[f64],
    method: MixedMethod,
) -> Result<Design, StatsError> {
    let n = ids.len();
    if n == 0 {
        return Err(StatsError::EmptyInput {
            what: "ids".to_owned(),
        });
    }
    check_column("y", y, n)?;
    for (name, x) in predictors {
        check_column(&format!("predictor {name}"), x, n)?;
    }
    let (group, g) = group_index(ids);
    if g < 2 {
        return Err(StatsError::TooFewCases {
            what: "groups (distinct ids)".to_owned(),
            needed: 2,
            got: g,
        });
    }
    if n <= g {
        return Err(StatsError::TooFewCases {
            what: "rows (more rows than groups, so that the residual variance is identified)"
                .to_owned(),
            needed: g + 1,
            got: n,
        });
    }
    let p = predictors.len() + 1;
    if n <= p {
        return Err(StatsError::TooFewCases {
            what: "rows (more rows than fixed effects)".to_owned(),
            needed: p + 1,
            got: n,
        });
    }
    if y.iter().all(|v| *v == y[0]) {
        return Err(StatsError::ConstantInput {
            what: "y".to_owned(),
        });
    }
    check_rank(predictors, n)?;
    // Group means by compensated sums, then within deviations (two-pass).
    let mut sums = vec![CompensatedSum::new(); g * p];
    let mut ysum = vec![CompensatedSum::new(); g];
    let mut sizes = vec![0.0; g];
    for (row, &gi) in group.iter().enumerate() {
        sizes[gi] += 1.0;
        ysum[gi].add(y[row]);
        for (j, (_, x)) in predictors.iter().enumerate() {
            sums[gi * p + j + 1].add(x[row]);
        }
    }
    let mut means = vec![1.0; g * p];
    for gi in 0..g {
        for j in 1..p {
            means[gi * p + j] = sums[gi * p + j].total() / sizes[gi];
        }
    }
    let ybar: Vec<f64> = ysum
        .iter()
        .zip(&sizes)
        .map(|(s, n)| s.total() / n)
        .collect();
    let mut xw = vec![0.0; n * p];
    let mut yw = vec![0.0; n];
    for (row, &gi) in group.iter().enumerate() {
        yw[row] = y[row] - ybar[gi];
        for (j, (_, x)) in predictors.iter().enumerate() {
            xw[row * p + j + 1] = x[row] - means[gi * p + j + 1];
        }
    }
    let mut sw = vec![0.0; p * p];
    let mut swy = vec![0.0; p];
    for j in 1..p {
        for k in 1..=j {
            let mut s = CompensatedSum::new();
            for x in xw.chunks_exact(p) {
                s.add(x[j] * x[k]);
            }
            sw[j * p + k] = s.total();
        }
        let mut s = CompensatedSum::new();
        for (x, v) in xw.chunks_exact(p).zip(&yw) {
            s.add(x[j] * v);
        }
        swy[j] = s.total();
    }
    Ok(Design {
        p,
        n_obs: n,
        sizes,
        means,
        ybar,
        xw,
        yw,
        sw,
        swy,
        method,
    })
}

fn theta_of(rho: f64) -> f64 {
    rho / (1.0 - rho)
}

/// Fits the random-intercept model `y ~ x1 + … + xk + (1 | id)` by profiled REML (default) or
/// ML, reproducing `lme4::lmer(y ~ x1 + … + (1 | id), REML = TRUE)` (lme4 1.1-31): fixed
/// effects, their standard errors as `vcov()`, the variance components as `VarCorr()`, and the
/// REML criterion / log-likelihood. See the [`stats` module documentation](crate::stats#random-intercept-mixed-model) for the formulas.
///
/// `ids` identify the groups (any ordered key; rows need not be sorted, groups may be
/// unbalanced); each predictor is `(name, column)`; an intercept named `"(Intercept)"` is always
/// included first. With no predictors the model is `y ~ 1 + (1 | id)`.
///
/// # Errors
/// [`StatsError::EmptyInput`] for no rows; [`StatsError::LengthMismatch`] when a column and
/// `ids` differ in length; [`StatsError::NonFinite`] for NaN/infinite values;
/// [`StatsError::TooFewCases`] for fewer than 2 groups, no more rows than groups, or no more
/// rows than fixed effects; [`StatsError::ConstantInput`] for a constant `y` or predictor;
/// [`StatsError::Singular`] naming the predictor that is collinear with the intercept and the
/// predictors before it; [`StatsError::NotConverged`] when the optimum cannot be bracketed
/// (for example the residual variance tends to zero).
///
/// # Example
/// ```
/// use therapeutic_alliance::stats::{random_intercept, MixedOptions};
/// let ids = [1, 1, 1, 2, 2, 2, 3, 3, 3];
/// let x = [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0];
/// let y = [2.1, 3.9, 6.2, 4.0, 6.1, 7.8, 0.9, 3.2, 4.8];
/// let fit = random_intercept(&ids, &[("x", &x)], &y, &MixedOptions::default())?;
/// assert_eq!(fit.fixef[0].name, "(Intercept)");
/// assert!((fit.fixef[1].estimate - 1.9666666666666666).abs() < 1e-12); // balanced: OLS slope
/// assert!(fit.var_id > 0.0 && fit.var_residual > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn random_intercept<K: Ord>(
    ids: &[K],
    predictors: &[(&str, &[f64])],
    y: &[f64],
    options: &MixedOptions,
) -> Result<RandomIntercept, StatsError> {
    let design = build(ids, predictors, y, options.method)?;
    let not_converged = |iterations| StatsError::NotConverged {
        what: "random-intercept variance ratio".to_owned(),
        iterations,
    };
    let singular = || StatsError::Singular {
        what: "random-intercept fixed-effects matrix X'V⁻¹X".to_owned(),
    };
    // Grid on ρ = θ/(1+θ) to bracket the global minimum.
    let mut iterations = 0;
    let mut grid: Vec<(f64, Option<Eval>)> = Vec::with_capacity(GRID + 1);
    for k in 0..=GRID {
        let rho = RHO_MAX * k as f64 / GRID as f64;
        iterations += 1;
        grid.push((rho, design.eval(theta_of(rho))));
    }
    let best = grid
        .iter()
        .enumerate()
        .filter_map(|(k, (_, e))| e.as_ref().map(|e| (k, e.criterion)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
        .ok_or_else(singular)?;
    let slope = |k: usize| {
        grid.get(k)
            .and_then(|(_, e)| e.as_ref().map(|e| e.derivative))
    };
    let d_best = slope(best).ok_or_else(singular)?;
    let (lo, hi) = if d_best < 0.0 {
        (best, best + 1)
    } else if best == 0 {
        (0, 0)
    } else {
        (best - 1, best)
    };
    let rho = if lo == hi {
        0.0
    } else {
        let (Some(f_lo), Some(f_hi)) = (slope(lo), slope(hi)) else {
            return Err(not_converged(iterations));
        };
        if !(f_lo < 0.0 && f_hi > 0.0) {
            return Err(not_converged(iterations));
        }
        let (a, b) = (grid[lo].0, grid[hi].0);
        match zeroin(
            |rho| design.eval(theta_of(rho)).map(|e| e.derivative),
            (a, b),
            (f_lo, f_hi),
            BRENT_TOL,
            MAX_BRENT,
        ) {
            Ok(root) => {
                iterations += root.iterations;
                root.root
            }
            Err(
                RootError::Failed { iterations: used }
                | RootError::NotFinite {
                    iterations: used, ..
                }
                | RootError::MaxIter { iterations: used },
            ) => return Err(not_converged(iterations + used)),
            Err(RootError::NotBracketed) => return Err(not_converged(iterations)),
        }
    };
    let theta = theta_of(rho);
    iterations += 1;
    let fit = design.eval(theta).ok_or_else(singular)?;
    let p = design.p;
    let sigma2 = fit.r / design.dof();
    let mut fixef = Vec::with_capacity(p);
    let diag = fit.chol.inverse_diagonal();
    let names = std::iter::once("(Intercept)").chain(predictors.iter().map(|(n, _)| *n));
    for ((name, &estimate), &d) in names.zip(&fit.beta).zip(&diag) {
        let se = (sigma2 * d).sqrt();
        fixef.push(FixedEffect {
            name: name.to_owned(),
            estimate,
            se,
            t: estimate / se,
        });
    }
    let var_id = theta * sigma2;
    Ok(RandomIntercept {
        method: options.method,
        fixef,
        var_id,
        var_residual: sigma2,
        icc: var_id / (var_id + sigma2),
        theta: theta.sqrt(),
        singular: rho == 0.0,
        criterion: fit.criterion,
        loglik: -fit.criterion / 2.0,
        n_obs: design.n_obs,
        n_groups: design.sizes.len(),
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy(method: MixedMethod) -> Design {
        let ids = [1, 1, 1, 2, 2, 3, 3, 3, 3];
        let x = [0.3, 1.2, 2.0, 0.5, 1.9, 0.1, 0.8, 1.7, 2.4];
        let y = [2.0, 3.1, 4.4, 5.2, 6.0, 1.1, 1.7, 2.6, 3.9];
        build(&ids, &[("x", &x)], &y, method).unwrap()
    }

    #[test]
    fn analytic_derivative_matches_finite_difference() {
        for method in [MixedMethod::Reml, MixedMethod::Ml] {
            let d = toy(method);
            for theta in [0.05, 0.7, 3.0] {
                let h = 1e-6 * theta;
                let up = d.eval(theta + h).unwrap().criterion;
                let down = d.eval(theta - h).unwrap().criterion;
                let numeric = (up - down) / (2.0 * h);
                let exact = d.eval(theta).unwrap().derivative;
                assert!(
                    (numeric - exact).abs() < 1e-6 * (1.0 + exact.abs()),
                    "{method:?} θ={theta}: {numeric} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<MixedOptions>();
        check::<MixedMethod>();
        check::<RandomIntercept>();
        check::<FixedEffect>();
    }
}
