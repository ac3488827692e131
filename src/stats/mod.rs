//! The statistics researchers publish, matching R (psych, metafor) and Python (pingouin).
//!
//! Every function here is plain computation: no I/O, typed results with named fields
//! (`raw_alpha`, `tau2`, `ci_lb`, … as researchers read them in R output), and a
//! [`StatsError`] instead of a panic or a silent `NaN`. Each public item names the reference
//! implementation and version it reproduces, and the convention it follows where packages differ.
//!
//! - Reliability: [`alpha`] / [`alpha_rows`] / [`alpha_with_missing`] (`psych::alpha`),
//!   [`omega_total`] (`psych::omega` one-factor `omega.tot`), [`sem`].
//! - Agreement: [`icc`] / [`icc_with_missing`] (`psych::ICC(lmer = FALSE)`, pingouin
//!   `intraclass_corr`).
//! - Streaming: [`AlphaAccumulator`], [`IccAccumulator`], [`CorrelationAccumulator`] — push
//!   records, merge parts computed anywhere, finish into the same results as the in-memory
//!   functions, in memory independent of the number of records.
//! - Within/between: [`person_mean_centre`], [`within_regression`] (fixed-effects slopes) and
//!   [`random_intercept`] (`lme4::lmer(y ~ x + (1 | id))`, REML or ML).
//!
//! # Streaming and merging
//!
//! Each accumulator lives beside its statistic and takes records one at a time (`push`) or as
//! a row-major block (`push_rows`), combines with another accumulator of the same shape
//! (`merge`), and `finish`es into exactly the result type of the in-memory function
//! ([`Alpha`], [`Icc`], [`Correlation`]). The in-memory [`alpha`] and [`icc`] run on these
//! same accumulators, so there is one code path: however the data are split across threads or
//! machines and merged back, the results agree with the in-memory ones to rounding (the tests
//! check 1e-12 relative). Memory is p² + O(p) floats for alpha, O(k) for the ICC, six numbers
//! for a correlation.
//!
//! Merge algebra (Chan, Golub & LeVeque 1983, "Algorithms for computing the sample variance:
//! analysis and recommendations", *The American Statistician* 37(3), 242–247,
//! doi:10.1080/00031305.1983.10483115): a part holds a count n, means m and centred second
//! moments M = Σ (x − m)(x − m)ᵀ. Parts A and B combine exactly as
//! n = n_A + n_B, δ = m_B − m_A, m = m_A + δ·n_B/n, M = M_A + M_B + δδᵀ·n_A·n_B/n; one record
//! is the case n_B = 1, M_B = 0 (Welford 1962). The ICC state is chosen so that every sum of
//! squares is such a moment (see [`IccAccumulator`]).
//!
//! Frames: the three accumulators hold their floating-point moments in
//! shifted, power-of-two-scaled frames `u = (x − pilot)·2^−exp` (Chan, Golub & LeVeque 1983
//! recommend the shift; Higham 2002, §1.9): the pilot is the first value accumulated, so data
//! offset by 1e15 keep their digits, and the unit is fitted to the data's spread and widened
//! (exactly, by a power of two) only when a value would leave a headroom of 2⁴⁰⁰ units, so
//! data scaled by 1e154 or 1e-160 neither overflow nor underflow. Two parts merge in one
//! frame: the first part's pilot and the wider unit. The exported state carries the frames
//! ([`MomentState::Float`], [`IccMomentState::Float`]). Alpha has one frame per item (its
//! covariance matrix is brought to one unit only at `finish`, halfway between the items'
//! units); the ICC one frame for every rating (its sums of squares are shift-invariant and
//! scale by the unit's square); the correlation one per variable (r is scale-free). Data
//! spanning more than `f64::MAX` (values near ±1.8e308) are differenced on halves.
//!
//! # Reliable change and clinical significance
//!
//! Reliable change and clinical significance (Jacobson & Truax 1991 and variants).
//!
//! ## Formulas and reference implementations
//!
//! With the sample's pre-treatment mean `M_pre` and SD `SD_pre`, the reliability `r_xx`,
//! `SE = SD_pre·sqrt(1 - r_xx)`, `S_diff = sqrt(2·SE²)` and `SE_pred = SD_pre·sqrt(1 - r_xx²)`:
//!
//! | method | reliable change index |
//! |---|---|
//! | [`RciMethod::Jt`] (Jacobson & Truax 1991) | `(post - pre)/S_diff` |
//! | [`RciMethod::Gln`] (Gulliksen–Lord–Novick; Hsu 1989) | `[(post - M_pre) - r_xx(pre - M_pre)]/SE_pred` |
//! | [`RciMethod::Hll`] (Hsu–Linn–Lord) | `[(post - M_post) - r_xx(pre - M_pre)]/SE_pred` |
//! | [`RciMethod::En`] (Edwards–Nunnally, Speer 1992) | `[post - (r_xx(pre - M_pre) + M_pre)]/SE` |
//! | [`RciMethod::Nk`] (Nunnally–Kotsch) | `[post - (r_xx(pre - M_pre) + M_pre)]/sqrt(r_xx²·SD_pre²(1 - r_xx) + SD_pre²(1 - r_yy))` |
//! | [`RciMethod::Ha`] (Hageman–Arrindell 1999) | `[(post - pre)·r_dd + (M_post - M_pre)(1 - r_dd)]/(sqrt(r_dd)·S_diff)` |
//!
//! These are the formulas of the R package clinicalsignificance (2.0.0 / 2.1.0.9000), which
//! take the sample's own pre distribution as the clinical population and its SD with
//! `sd()` (n - 1). The JT index is the same in clinicalsignificance and JT-RCI (A.-W. Kruijt);
//! they differ in the critical value and in whether the boundary counts (see below). For HA,
//! `r_xx1 = (SD_pre² - SE²)/SD_pre²`, `r_xx2 = (SD_post² - SE²)/SD_post²`, `r12 = cor(pre, post)`
//! and `r_dd = (SD_pre²·r_xx1 + SD_post²·r_xx2 - 2·SD_pre·SD_post·r12)/(SD_pre² + SD_post² -
//! 2·SD_pre·SD_post·r12)`. Values match the golden tests in `tests/change.rs` (computed in R 4.x) to 1e-12.
//!
//! ## Cutoffs (Jacobson & Truax 1991)
//!
//! With `dir = +1` when higher is better and `-1` when lower is better, and the clinical
//! (dysfunctional) population's mean and SD (by default the sample's pre scores, as
//! clinicalsignificance; [`ReliableChange::clinical_norms`] to give published norms):
//! `a = M_clin + dir·2·SD_clin`, `b = M_func - dir·2·SD_func`,
//! `c = (SD_clin·M_func + SD_func·M_clin)/(SD_clin + SD_func)`. Cutoff `b` follows J&T (the
//! functional SD); clinicalsignificance 2.0.0 uses the clinical SD there.
//!
//! ## Categories
//!
//! As clinicalsignificance's combined approach: with `improved ⇔ dir·RCI > crit`,
//! `deteriorated ⇔ dir·RCI < -crit`, `clinical_pre ⇔ dir·pre < dir·cutoff` and
//! `functional_post ⇔ dir·post > dir·cutoff`: **recovered** = clinical pre, functional post and
//! improved; **improved** = improved otherwise; **harmed** = not clinical pre, not functional
//! post and deteriorated; **deteriorated** = deteriorated otherwise; **unchanged** = the rest.
//! For HA, recovered = functional post and improved, and harmed is never assigned (as
//! clinicalsignificance); the cutoff is the ordinary (observed-score) one.
//!
//! The critical value defaults to **1.96** (Jacobson & Truax) with **strict** comparisons.
//! clinicalsignificance uses `qnorm(0.975) = 1.959963984540054` (one-sided `qnorm(0.95)` for HA),
//! strict; JT-RCI uses 1.96 and counts the boundary ([`Boundary::Inclusive`], applied to both
//! the RCI and the cutoff). Cases exactly at the boundary differ between the two packages.
//!
//! A score exactly at the cutoff: with the default [`Boundary::Strict`] a pre score equal to
//! the cutoff is **not** clinical (`pre < cutoff` fails) and a post score equal to it is not
//! functional, as in Jacobson & Truax's "passing" the cutoff and clinicalsignificance's
//! `calc_cutoff.R` (strict `<` and `>`); so such a person who improves reliably is "improved",
//! not "recovered" (golden: `jt_tie` in `testdata/expected_parity.json`). With
//! [`Boundary::Inclusive`] the cutoff belongs to both sides (`pre ≤ cutoff` is clinical,
//! `post ≥ cutoff` functional); JT-RCI itself does not look at the pre score.
//! (Jacobson, N. S. & Truax, P. (1991), *J. Consult. Clin. Psychol.* 59(1), 12–19,
//! doi:10.1037/0022-006X.59.1.12.)
//!
//! # Correlations
//!
//! Pearson, Spearman and Kendall correlation with p-values, Fisher-z confidence intervals (Pearson
//! and Spearman), and the comparisons of correlations that `psych::r.test` performs.
//!
//! ## Reference implementations
//!
//! * Pearson: R 4.2.2 `cor.test` (t test with `df = n - 2`, Fisher-z interval
//!   `tanh(atanh(r) ± z_{(1+level)/2} / sqrt(n - 3))`). pingouin 0.7.0 `corr` gives the same r
//!   and p and the same interval (rounded to 2 decimals).
//! * Spearman: rho is the Pearson correlation of the ranks, ties receiving their average rank
//!   (R `rank(ties.method = "average")`). The p-value follows R's `cor.test(method =
//!   "spearman")` default by default ([`SpearmanPValue::RDefault`]): with no ties and `n ≤ 1290`
//!   (R: `n <= 1290 && exact`) it evaluates `P(S ≤ s)` with algorithm AS 89 (Best, D. J. &
//!   Roberts, D. E. (1975), *Applied Statistics* 24(3), 377–379, doi:10.2307/2347111) as R's
//!   `prho.c` does (complete enumeration for `n ≤ 9`, Edgeworth series for `n > 9`), otherwise
//!   the t approximation. scipy, pingouin and `psych::corr.test` always use the t approximation
//!   ([`SpearmanPValue::TApproximation`]). [`CorrelationOptions::continuity`] is R's
//!   `continuity = TRUE` for the t approximation.
//!   R's `cor.test` gives no Spearman interval; the Fisher interval with `1/sqrt(n - 3)` is the
//!   one `psych::corr.test` and pingouin report ([`SpearmanCi::Fisher`], the default), and the
//!   Bonett–Wright (2000) interval with `sqrt((1 + rho²/2)/(n - 3))` is available as
//!   [`SpearmanCi::BonettWright`].
//! * Kendall ([`kendall`], [`CorrelationMethod::Kendall`]): tau-b, `S/sqrt((n0 - n1)(n0 - n2))`
//!   with `S` = concordant − discordant pairs, `n0 = n(n-1)/2` and `n1`, `n2` the pairs tied in x
//!   and y (Kendall, M. G. (1938), A new measure of rank correlation, *Biometrika* 30, 81–93,
//!   doi:10.1093/biomet/30.1-2.81; Kendall, M. G. (1945), The treatment of ties in ranking
//!   problems, *Biometrika* 33(3), 239–251, doi:10.1093/biomet/33.3.239), as R's
//!   `cor(method = "kendall")`, counted in O(n log n) (Knight, W. R. (1966), *JASA* 61, 436–439).
//!   The p-value is R 4.2.2 `cor.test(method = "kendall")`'s ([`KendallPValue::RDefault`]): with
//!   `n < 50` and no ties, the exact null distribution of the number of concordant pairs `T`
//!   (the number of permutations with k inversions, counted by the recurrence of R's
//!   `ckendall`, for which R's `kendall.c` cites no source; the distribution is Kendall's 1938
//!   one), reported as [`Correlation::kendall_t`]; otherwise `z = S/sqrt(var_S)` with
//!   the tie-corrected variance `var_S = (v0 - vt - vu)/18 + v1/(2n(n-1)) + v2/(9n(n-1)(n-2))`
//!   (Kendall, *Rank Correlation Methods*, ch. 4; Hollander, M. & Wolfe, D. A. (1973),
//!   *Nonparametric Statistical Methods*, pp. 185–194, which R's `cor.test` help cites), reported as
//!   [`Correlation::z`], with `S - sign(S)` under [`CorrelationOptions::continuity`].
//!   [`KendallPValue::Normal`] is R's `exact = FALSE`. Where R computes the exact upper tail as
//!   `1 - pkendall(q - 1)`, the crate takes `P(T ≤ n0 - q)` (the same tail, by symmetry,
//!   without the cancellation: it agrees with R to about 1e-15 relative at the p-values of the
//!   golden tests and keeps its digits when p is tiny). R's `cor.test` gives no Kendall
//!   interval, and neither does the crate (`ci_lb`/`ci_ub` are `None`).
//! * Comparisons: psych 2.2.9 `r.test` ([`r_test_independent`], [`r_test_dependent_overlapping`]
//!   (Williams' t, Steiger 1980 eq. 2), [`r_test_dependent_nonoverlapping`] (Steiger's z with the
//!   pooled r), [`r_test_single`]). p-values are two-sided, as psych prints them, but computed
//!   from the incomplete beta / normal upper tail rather than `1 - pt(...)`, so they keep their
//!   relative accuracy when tiny.
//!
//! ## Missing values
//!
//! [`correlate`] takes complete `f64` slices; NaN or infinite values are errors, never skipped.
//! [`correlate_pairwise`] takes `Option<f64>` cells and uses the pairwise-complete cases (as R's
//! `use = "pairwise.complete.obs"` / `cor.test`'s removal of incomplete pairs): a row enters only
//! when both cells are present, and [`Correlation::n_missing`] says how many rows were left out.
//!
//! # Meta-analysis
//!
//! Meta-analysis of correlations on the Fisher-z scale, as metafor 3.8-1 computes it.
//!
//! Each study contributes `y_i = atanh(r_i)` with sampling variance `v_i = 1/(n_i - 3)`
//! (metafor `escalc(measure = "ZCOR")`). [`meta_analysis`] then fits the intercept-only
//! model of `rma.uni()`:
//!
//! * τ² by the fixed-effect ("FE"/"EE"), DerSimonian–Laird, REML, ML, Hedges, Paule–Mandel or
//!   Sidik–Jonkman estimator ([`TauMethod`]). REML and ML reproduce metafor's Fisher scoring
//!   step by step (Hedges start, step halving, stop when |Δτ²| ≤ 1e-5, `ll0check`), so the
//!   estimates equal metafor's to the last digits rather than the fully converged optimum.
//! * the pooled estimate `μ̂ = Σw*y/Σw*` with `w* = 1/(v + τ²)`, its z test (or Knapp–Hartung
//!   t test, `test = "knha"`), CI and prediction interval (`predict.rma`);
//! * Cochran's Q (always with fixed-effect weights), I² and H² (`i2def = "1"`);
//! * the Q-profile confidence interval for τ² (and τ, I², H²) of `confint.rma.uni`;
//! * everything back-transformed to r with `tanh` (`transf.ztor`).
//!
//! Sources: DerSimonian & Laird (1986); Viechtbauer (2005, *JEBS* 30, 261–293) for REML and
//! the Q-profile; Knapp & Hartung (2003); Higgins & Thompson (2002) for I² and H²;
//! Viechtbauer (2010, *J Stat Softw* 36(3)) and the metafor 3.8-1 source for every convention.
//!
//! All computations are O(k) per Fisher-scoring iteration and allocate nothing inside loops.
//!
//! # Random-intercept mixed model
//!
//! Random-intercept linear mixed model `y ~ x1 + … + xk + (1 | id)`, fitted by profiled REML
//! or ML, reproducing `lme4::lmer` (lme4 1.1-31).
//!
//! ## Model
//!
//! For group (person) `i` with `n_i` rows, `y_i = X_i β + u_i 1 + e_i` with
//! `u_i ~ N(0, σ²_u)` and `e_i ~ N(0, σ²_e I)`, so `V_i = σ²_e (I + θ J)` with
//! `θ = σ²_u / σ²_e ≥ 0` and `J` the all-ones matrix. By Sherman–Morrison,
//! `W_i = (I + θ J)⁻¹ = I − θ / (1 + n_i θ) J`, and every quantity below is a sum over groups of
//! within-group and group-mean terms (`O(N p²)` once, then `O(G p² + N p)` per value of `θ`; no
//! `N × N` matrix is ever formed):
//!
//! * `A(θ) = X'WX = S_w + Σ_i w_i m_i m_iᵀ` with `S_w` the pooled within-group scatter of the
//!   design (intercept included as a column of ones), `m_i` the group means of the design row
//!   and `w_i = n_i / (1 + n_i θ)`;
//! * `β(θ) = A⁻¹ X'Wy` (GLS), solved by Cholesky;
//! * `r(θ) = (y − Xβ)' W (y − Xβ) = Σ within residual² + Σ_i w_i (ȳ_i − m_iᵀβ)²`, summed
//!   directly (not as a difference of quadratic forms);
//! * `log|I + θ ZZ'| = Σ_i log(1 + n_i θ)`.
//!
//! With `σ²_e` profiled out, the criteria minimised over `θ` are lme4's (Bates et al. 2015,
//! *J Stat Softw* 67(1), eqs. 34 and 41):
//!
//! * REML: `d(θ) = Σ log(1 + n_i θ) + log|A| + (N − p) (1 + log(2π r / (N − p)))`,
//!   `σ²_e = r / (N − p)`;
//! * ML: `d(θ) = Σ log(1 + n_i θ) + N (1 + log(2π r / N))`, `σ²_e = r / N`.
//!
//! The minimiser is found on `ρ = θ / (1 + θ) ∈ [0, 1 − 10⁻⁸]`: a grid of 41 points brackets the
//! global minimum, then Brent's method (zeroin) finds the root of the analytic derivative
//! `d'(θ) = Σ n_i/(1+n_iθ) − [REML] Σ n_i² m_iᵀA⁻¹m_i/(1+n_iθ)² − (dof / r) Σ n_i² (ȳ_i − m_iᵀβ)²/(1+n_iθ)²`
//! to machine precision (a root of the gradient is located far more precisely than a minimum of
//! the criterion itself). When the derivative is non-negative at `θ = 0` and `θ = 0` is the best
//! grid point, the fit is on the boundary and `σ²_u = 0` exactly, as lme4 reports a singular fit.
//!
//! Fixed-effect standard errors are `sqrt(diag(σ²_e A⁻¹))`, as `vcov(lmer_fit)`; `t = estimate /
//! se` as `summary()` prints it. Like lme4, no degrees of freedom or p-values are given
//! (Satterthwaite or Kenward–Roger df, as lmerTest computes them, are out of scope).
//!
//! Because lme4 stops its optimiser at a tolerance, its printed variance components agree with
//! the exact optimum found here to about 1e-7 relative; within-person coefficients of a
//! Mundlak design (every time-varying predictor as deviation plus person mean) do not depend on
//! `θ` and equal [`within_regression`]'s slopes.
//!
//! # Within- and between-person disaggregation
//!
//! Within- and between-person disaggregation of a session-level predictor.
//!
//! ## Method (Curran & Bauer 2011; Falkenström et al. 2017; Zilcha-Mano 2017)
//!
//! For person `i` and session `t`, person-mean centring splits a time-varying predictor into
//! a **within** part `x_it - x̄_i` (state-like: this session compared with the person's usual)
//! and a **between** part `x̄_i - grand mean` (trait-like). [`person_mean_centre`] does the
//! split; the grand mean is over rows by default ([`GrandMean::Rows`], as R's
//! `mean(ave(x, id))`) or over persons ([`GrandMean::Persons`]); the two coincide for
//! balanced data.
//!
//! The **within-person slope** is estimated exactly, without a mixed model, by the fixed-effects
//! (within, LSDV) regression [`within_regression`]: OLS of the person-demeaned outcome on the
//! person-demeaned predictors, no intercept. By Mundlak's result this equals the
//! random-intercept GLS estimate of the within effect whenever *every* time-varying predictor
//! enters as deviation plus person mean (Mundlak 1978, *Econometrica* 46(1), 69–85, doi:10.2307/1913646; verified against
//! lme4 1.1-31 `lmer` to 1e-12 in this crate's golden tests). Standard errors use the LSDV residual
//! degrees of freedom `N - G - k` (N rows, G persons, k predictors), as
//! `lm(y ~ x + factor(id))` in R and `plm(model = "within")`; p is two-sided Student t.
//!
//! [`next_within_person`] builds the lagged outcome (next session's value) that
//! session-to-session models use.
//!
//! **Caveats:** with a lagged outcome, person-mean centring carries Nickell (1981) bias of
//! order 1/T; a common time trend biases the within slope (detrend, or add the session number
//! as a predictor). The random-intercept (lme4) model with its between-person coefficients and
//! variance components is [`random_intercept`].

mod agreement;
mod change;
mod correlation;
mod correlation_accumulator;
mod correlation_state;
pub(crate) mod dist;
mod error;
mod meta;
mod mixed;
mod multilevel;
mod quantile;
mod reliability;
mod state;
mod table;

pub use agreement::{
    Icc, IccAccumulator, IccForm, IccKind, IccMeanSquares, IccMomentState, IccOptions,
    IccOptionsBuilder, IccState, IncompleteTarget, icc, icc_with_missing,
};
pub use change::{
    Boundary, CategoryCounts, ChangeCategory, ChangeResult, ClinicalCutoff, ExcludedRow,
    PersonChange, Population, RciMethod, ReliableChange, reliable_change_threshold,
};
pub use correlation::{
    Correlation, CorrelationMethod, CorrelationOptions, KendallPValue, NonOverlapping,
    PValueMethod, RTest, RTestKind, SpearmanCi, SpearmanPValue, correlate, correlate_pairwise,
    kendall, pearson, r_test_dependent_nonoverlapping, r_test_dependent_overlapping,
    r_test_independent, r_test_single, spearman,
};
pub use correlation_accumulator::CorrelationAccumulator;
pub use correlation_state::CorrelationState;
pub use error::StatsError;
pub use meta::{
    CorrelationStudy, MAX_STUDY_N, MetaAnalysis, MetaOptions, MetaTest, RejectedStudy, StudyBatch,
    Tau2Ci, TauMethod, correlation_studies, meta_analysis, meta_analysis_rn,
};
pub use mixed::{FixedEffect, MixedMethod, MixedOptions, RandomIntercept, random_intercept};
pub use multilevel::{
    Decomposition, GrandMean, WithinBetween, WithinCoefficient, WithinRegression,
    next_within_person, person_mean_centre, within_between, within_regression,
};
pub use reliability::{
    Alpha, AlphaAccumulator, AlphaItem, AlphaOptions, AlphaState, MissingPolicy, Omega, alpha,
    alpha_rows, alpha_with_missing, omega_from_correlation, omega_total, sem,
};
pub use state::{EXACT_LIMIT, MomentState, STATE_VERSION, StateError, StateKind};
