# Goldens for the last disagreements with R (issue 23): omega on a slowly converging lsat6
# subset, a Heywood case, Spearman's p at n = 1290 / 1291, a Jacobson–Truax pre score exactly
# at the cutoff, psych::alpha with no more rows than items, and Kendall's tau-b with
# cor.test's exact and normal-approximation p-values.
#
# Run from this folder:  Rscript ref_parity.R
# Writes lsat6_n30.csv and spearman_n1291.csv (fixtures), expected_parity.json and
# expected_kendall.json (every number with 15 significant digits, plus the versions).
suppressMessages({library(psych); library(jsonlite)})
versions <- list(R = R.version.string,
                 psych = as.character(packageVersion("psych")),
                 GPArotation = as.character(packageVersion("GPArotation")),
                 jsonlite = as.character(packageVersion("jsonlite")))
put <- function(obj, file) {
  writeLines(toJSON(obj, auto_unbox = TRUE, digits = I(15), pretty = TRUE, na = "null"), file)
}

## ------------------------------------------------------------------ omega helpers
# The crate's algorithm, written independently in R: iterated principal axes from h2 = smc,
# each communality capped at .995 (psych's lower bound .005 on a uniqueness), iterated to
# the fixed point (until h2 stops changing in double precision, at most 1e6 iterations).
# `old_rule_iterations` is the count at which max|dh2| < 1e-10 first holds, the rule the crate
# used with a cap of 1,000 iterations.
pa_fixed_point <- function(R) {
  h2 <- pmin(smc(R), .995); it <- 0; old <- NA
  repeat {
    it <- it + 1; W <- R; diag(W) <- h2; e <- eigen(W, symmetric = TRUE)
    v <- e$vectors[, 1]; l <- sqrt(e$values[1]) * abs(v); nh <- pmin(l^2, .995)
    ch <- max(abs(nh - h2)); h2 <- nh
    if (is.na(old) && ch < 1e-10) old <- it
    if (ch == 0 || it >= 1e6) break
  }
  s <- sign(v); s[s == 0] <- 1
  if (2 * sum(s < 0) > length(s)) s <- -s
  sumR <- sum(outer(s, s) * R); u <- sum(1 - l^2)
  list(loadings = l, flipped = s < 0, h2 = h2, heywood = any(l^2 >= .995),
       omega_tot = (sumR - u) / sumR, omega_model_implied = sum(l)^2 / (sum(l)^2 + u),
       old_rule_iterations = old, iterations_to_fixed_point = it)
}
# psych's side: omega (flip = TRUE) and the minres loadings it starts from.
psych_side <- function(R, n.obs) {
  om <- suppressWarnings(omega(R, nfactors = 1, plot = FALSE, n.obs = n.obs))
  f <- suppressWarnings(fa(R, nfactors = 1, fm = "minres", n.obs = n.obs))
  list(omega_tot = om$omega.tot, minres_loadings = as.vector(f$loadings),
       communality = as.vector(f$communality))
}

## ------------------------------------------------------------------ omega on lsat6, n = 30
# psych's lsat6 (Bock & Lieberman 1970, LSAT section 6; 1000 x 5 binary items). The subset is
# 30 rows drawn with set.seed(3057) (R >= 3.6 sampling): one whose principal-axis fit needs
# several thousand iterations. It is written to lsat6_n30.csv so that no test depends on R's RNG.
set.seed(3057)
lsat <- lsat6[sample(nrow(lsat6), 30), ]
rownames(lsat) <- NULL
write.csv(lsat, "lsat6_n30.csv", row.names = FALSE)
R_l <- cor(lsat)
omega_lsat6 <- c(list(data = "lsat6_n30.csv (set.seed(3057); lsat6[sample(1000, 30), ])",
                      converged = pa_fixed_point(R_l)),
                 list(psych = psych_side(R_l, 30)))

## ------------------------------------------------------------------ Heywood case
# Three items with r12 = r13 = .9, r23 = .7: the exactly identified one-factor solution needs
# lambda1^2 = .9 * .9 / .7 > 1. psych's minres (off-diagonal residuals only, uniquenesses
# bounded below at .005) gives an ultra-Heywood loading; the bounded ULS fixed point (the
# crate) keeps lambda1^2 >= .995 with its communality at the bound.
R_h <- matrix(c(1, .9, .9, .9, 1, .7, .9, .7, 1), 3)
# An independent check of the bounded ULS solution: minimise the sum of the squared
# eigenvalues of R - diag(psi) beyond the first (all residuals, diagonal included) over
# psi in [.005, 1] with L-BFGS-B at a tight tolerance.
uls <- optim(1 - pmin(smc(R_h), .995), function(psi) {
  e <- eigen(R_h - diag(psi), symmetric = TRUE, only.values = TRUE)$values
  sum(e[-1]^2)
}, method = "L-BFGS-B", lower = .005, upper = 1, control = list(factr = 1, pgtol = 0, maxit = 1e5))
Wu <- R_h - diag(uls$par); eu <- eigen(Wu, symmetric = TRUE)
heywood <- list(correlations = as.vector(R_h), converged = pa_fixed_point(R_h),
                uls_optim_loadings = sqrt(eu$values[1]) * abs(eu$vectors[, 1]),
                uls_optim_psi = uls$par, psych = psych_side(R_h, 30))

## ------------------------------------------------------------------ Spearman at n = 1290
# x = 1..1291, y = ranks of x plus normal noise (no ties). cor.test uses AS 89 (Edgeworth)
# when n <= 1290 and the t approximation above.
set.seed(1290)
sp <- data.frame(x = 1:1291, y = rank(1:1291 + rnorm(1291, sd = 6000)))
write.csv(sp, "spearman_n1291.csv", row.names = FALSE)
sp_case <- function(d, ...) {
  ct <- cor.test(d$x, d$y, method = "spearman", ...)
  list(n = nrow(d), rho = unname(ct$estimate), S = unname(ct$statistic), p = ct$p.value)
}
spearman <- list(data = "spearman_n1291.csv",
                 n1290_default = sp_case(sp[1:1290, ]),
                 n1290_t = sp_case(sp[1:1290, ], exact = FALSE),
                 n1290_t_continuity = sp_case(sp[1:1290, ], exact = FALSE, continuity = TRUE),
                 n1291_default = sp_case(sp),
                 n1291_continuity = sp_case(sp, continuity = TRUE))

## ------------------------------------------------------------------ Jacobson–Truax tie
# Higher is better; clinical norms M = 10, SD = 2, so cutoff a = 10 + 2 * 2 = 14 exactly.
# Person 1 starts exactly at the cutoff and ends well above it with reliable change.
# clinicalsignificance (R/calc_cutoff.R and the categorisation): clinical_pre <=> pre < cutoff,
# functional_post <=> post > cutoff (strict both ways), so person 1 is "improved", not
# "recovered". Computed here by hand with the formulas (clinicalsignificance not installed).
jt <- data.frame(pre = c(14, 8, 9, 12, 11, 10), post = c(24, 18, 10, 13, 14, 9))
rxx <- .8; crit <- 1.96
sdp <- sd(jt$pre); s_diff <- sqrt(2 * (sdp * sqrt(1 - rxx))^2)
rci <- (jt$post - jt$pre) / s_diff; cutoff <- 10 + 2 * 2
cat_cs <- function(rci, pre, post) {
  improved <- rci > crit; deteriorated <- rci < -crit
  clinical_pre <- pre < cutoff; functional_post <- post > cutoff
  ifelse(improved & clinical_pre & functional_post, "recovered",
         ifelse(improved, "improved",
                ifelse(deteriorated & !clinical_pre & !functional_post, "harmed",
                       ifelse(deteriorated, "deteriorated", "unchanged"))))
}
jt_tie <- list(pre = jt$pre, post = jt$post, reliability = rxx, critical = crit,
               clinical_mean = 10, clinical_sd = 2, cutoff_a = cutoff, sd_pre = sdp,
               s_diff = s_diff, rci = rci, category = cat_cs(rci, jt$pre, jt$post))

## ------------------------------------------------------------------ alpha with n <= items
# psych 2.2.9 R/alpha.R: `if (max(nsub, n.obs) > nvar)` keeps the "alpha se" column of
# alpha.drop; otherwise the column is dropped (reported here as NA for every item).
alpha_small <- function(x) {
  a <- suppressWarnings(alpha(x, warnings = FALSE))
  se <- if ("alpha se" %in% colnames(a$alpha.drop)) a$alpha.drop[["alpha se"]] else rep(NA, ncol(x))
  list(n = nrow(x), items = ncol(x), raw_alpha = a$total$raw_alpha, ase = a$total$ase,
       raw_alpha_if_dropped = a$alpha.drop$raw_alpha, ase_if_dropped = se,
       has_alpha_se_column = "alpha se" %in% colnames(a$alpha.drop))
}
xs <- data.frame(i1 = c(1, 2, 3, 4, 5), i2 = c(2, 1, 4, 3, 5), i3 = c(1, 3, 2, 5, 4),
                 i4 = c(2, 2, 3, 4, 5))
alpha_n_le_p <- list(data = xs, n3 = alpha_small(xs[1:3, ]), n4 = alpha_small(xs[1:4, ]),
                     n5 = alpha_small(xs))

put(list(versions = versions, omega_lsat6_n30 = omega_lsat6, heywood = heywood,
         spearman = spearman, jt_tie = jt_tie, alpha_n_le_p = alpha_n_le_p),
    "expected_parity.json")

## ------------------------------------------------------------------ Kendall's tau-b
# cor.test(method = "kendall"): tau-b; exact p (R's ckendall, the number of permutations of n
# with k inversions) when exact = NULL, n < 50 and no ties; otherwise z = S / sqrt(var_S) with
# the ties-corrected variance, optionally with continuity correction S - sign(S).
kt <- function(x, y, ...) {
  ct <- withCallingHandlers(cor.test(x, y, method = "kendall", ...),
                            warning = function(w) invokeRestart("muffleWarning"))
  list(x = x, y = y, tau = unname(ct$estimate), statistic = names(ct$statistic),
       value = unname(ct$statistic), p = ct$p.value)
}
cd <- read.csv("corr_data.csv")
set.seed(23)
big_x <- round(rnorm(60), 1); big_y <- round(big_x + rnorm(60), 1)   # n = 60 with ties
nt_x <- rnorm(60); nt_y <- nt_x + rnorm(60, sd = 2)                   # n = 60 without ties
kendall <- list(
  versions = versions,
  corr_data_exact = kt(cd$x, cd$y),
  corr_data_normal = kt(cd$x, cd$y, exact = FALSE),
  corr_data_normal_continuity = kt(cd$x, cd$y, exact = FALSE, continuity = TRUE),
  negative_exact = kt(1:9, c(9, 7, 8, 5, 6, 3, 4, 1, 2)),
  perfect_exact = kt(1:7, c(2, 4, 8, 16, 32, 64, 128)),
  n3_exact = kt(c(1, 2, 3), c(1, 3, 2)),
  ties_small = kt(c(1, 2, 2, 3, 4, 5, 5, 6), c(2, 1, 3, 3, 5, 4, 6, 6)),
  ties_small_continuity = kt(c(1, 2, 2, 3, 4, 5, 5, 6), c(2, 1, 3, 3, 5, 4, 6, 6), continuity = TRUE),
  n60_ties = kt(big_x, big_y),
  n60_ties_continuity = kt(big_x, big_y, continuity = TRUE),
  n49_exact = kt(nt_x[1:49], nt_y[1:49]),
  n60_no_ties = kt(nt_x, nt_y)
)
put(kendall, "expected_kendall.json")
