# Golden values for the crate's exact quantiles (src/stats/quantile).
#
#   Rscript testdata/quantiles/make_quantiles.R   # writes quantiles.csv beside this script
#
# Columns: fun, p, lower (1 = lower tail), log_p (1 = p is a log), par1, par2, value (%.17g),
# r_qf (R's own qf / qt where the golden value is not R's qf / qt), warn (1 = R warned;
# 2 = R's value fails the round trip through R's pbeta/pt, see below).
#
# qf: R's qf() replaces the F quantile by qchisq(p, df1) / df1 when df2 > 4e5 (and df1 <= df2),
# and by df2 / qchisq(p, df2, !lower) when df1 > 4e5 (R 4.2 src/nmath/qf.c), an approximation
# off by up to 5e-4 relative. The golden value is therefore always the formula R's qf uses for
# ordinary df, from qbeta, taken on whichever side of 1/2 keeps full precision:
#   f = df2/df1 * (1/x - 1),  x = qbeta(p, df2/2, df1/2, !lower)   when x < 1/2
#   f = df2/df1 * y/(1 - y),  y = qbeta(p, df1/2, df2/2,  lower)   otherwise.
# R's own qf value is kept in column r_qf.
out <- file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "quantiles.csv")
probs <- c(1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 1e-3, 0.025, 0.1, 0.3, 0.5,
           0.7, 0.9, 0.975, 0.999, 1 - 1e-5, 1 - 1e-10, 1 - 1e-16)
logps <- c(-800, -5000)
dfs <- c(0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 100, 1e3, 1e4, 1e5, 1e6, 1e8, 1e10, 1e12)
fdfs <- c(0.01, 0.5, 1, 3, 10, 100, 1e4, 1e6, 1e9, 1e12)
shapes <- c(0.005, 0.05, 0.5, 1, 5, 50, 5e3, 5e5, 5e8, 5e11)

rows <- list()
add <- function(fun, p, lower, logp, a1, a2, expr, flag = 0) {
  warned <- FALSE
  v <- withCallingHandlers(expr, warning = function(w) {
    warned <<- TRUE
    invokeRestart("muffleWarning")
  })
  rows[[length(rows) + 1]] <<- sprintf("%s,%.17g,%d,%d,%.17g,%.17g,%.17g,%s,%d", fun, p,
                                       lower, logp, a1, a2, v[1], if (length(v) > 1) sprintf("%.17g", v[2]) else "",
                                       if (flag > 0) flag else as.integer(warned))
}
grid <- function(f) {
  for (lower in c(TRUE, FALSE)) {
    for (p in probs) f(p, lower, FALSE)
    for (p in logps) f(p, lower, TRUE)
  }
}
exact_qf <- function(p, d1, d2, lower, logp) {
  x <- qbeta(p, d2 / 2, d1 / 2, lower.tail = !lower, log.p = logp)
  if (is.na(x)) return(NA_real_)
  if (x < 0.5) return(d2 / d1 * (1 / x - 1))
  y <- qbeta(p, d1 / 2, d2 / 2, lower.tail = lower, log.p = logp)
  d2 / d1 * y / (1 - y)
}

# qt: R's pt() is a normal approximation for df > 4e5 (R 4.2 src/nmath/pt.c), so qt() is not
# exact there either; and at df < 1 qt() returns +-Inf or a wrong finite value for quantiles
# beyond about 1e150 (qt(1e-20, 0.1, lower.tail = FALSE) is 1.604e196, as pt() of that value
# confirms, but R returns Inf; qt(1e-10, 0.01) overflows, R returns -9.48e152). For df > 4e5,
# and wherever pt() of R's qt() value does not give back ln p to 1e-14 (relative), the golden value is
# sqrt(F(1, df) quantile at twice the smaller tail) from qbeta as above; R's qt value is kept
# in column r_qf.
exact_qt <- function(p, df, lower, logp) {
  ll <- if (logp) p else log(p)
  lu <- if (logp) log(-expm1(p)) else log1p(-p)
  if (!lower) { tmp <- ll; ll <- lu; lu <- tmp }
  ls <- min(ll, lu)
  sgn <- if (ll < lu) -1 else 1
  sgn * sqrt(exact_qf(log(2) + ls, 1, df, FALSE, TRUE))
}
grid(function(p, lower, logp) add("qnorm", p, lower, logp, 0, 0,
                                  qnorm(p, lower.tail = lower, log.p = logp)))
for (df in dfs) grid(function(p, lower, logp) {
  v <- qt(p, df, lower.tail = lower, log.p = logp)
  lp <- if (logp) p else log(p)
  back <- pt(v, df, lower.tail = lower, log.p = TRUE)
  if (is.finite(v) && df <= 4e5 && abs(back - lp) <= 1e-14 * max(1, abs(lp))) {
    add("qt", p, lower, logp, df, 0, v)
  } else {
    e <- exact_qt(p, df, lower, logp)
    # accept the qbeta-based value only if pbeta gives back the smaller tail
    ls <- min(lp, if (logp) log(-expm1(p)) else log1p(-p))
    r <- (df / e) / e  # df / t^2 without overflow
    back_e <- if (!is.finite(e)) NA else if (e^2 <= df)
      pbeta(e^2 / (df + e^2), 0.5, df / 2, lower.tail = FALSE, log.p = TRUE) - log(2) else
      pbeta(r / (1 + r), df / 2, 0.5, log.p = TRUE) - log(2)
    good <- !is.na(back_e) && abs(back_e - ls) <= 1e-10 * abs(ls)
    add("qt", p, lower, logp, df, 0, c(if (good) e else if (!is.finite(v)) v else NA, v),
        flag = if (good || !is.finite(v)) 0 else 2)
  }
  add("qchisq", p, lower, logp, df, 0, qchisq(p, df, lower.tail = lower, log.p = logp))
})
# warn = 2: R's value does not give back p through R's own pbeta (to 1e-9 of ln p): R's
# quantile search stopped early or clamped an under/overflowing result (e.g. 1.1e-308).
roundtrip <- function(lp_back, p, logp) {
  lp <- if (logp) p else log(p)
  if (!is.finite(lp_back) && !is.finite(lp)) return(TRUE)
  is.finite(lp_back) && abs(lp_back - lp) <= 1e-9 * max(1, abs(lp))
}
for (a in shapes) for (b in shapes) grid(function(p, lower, logp) {
  v <- qbeta(p, a, b, lower.tail = lower, log.p = logp)
  # pbeta of the argument on the side of 1/2 that is represented with full precision
  back <- if (is.na(v) || v <= 0.5) pbeta(v, a, b, lower.tail = lower, log.p = TRUE) else
    pbeta(1 - v, b, a, lower.tail = !lower, log.p = TRUE)
  ok <- is.na(v) || roundtrip(back, p, logp)
  add("qbeta", p, lower, logp, a, b, v, flag = if (ok) 0 else 2)
})
for (d1 in fdfs) for (d2 in fdfs) grid(function(p, lower, logp) {
  v <- exact_qf(p, d1, d2, lower, logp)
  back <- if (is.na(v) || d1 * v <= d2)
    pbeta(d1 * v / (d2 + d1 * v), d1 / 2, d2 / 2, lower.tail = lower, log.p = TRUE) else
    pbeta(d2 / (d2 + d1 * v), d2 / 2, d1 / 2, lower.tail = !lower, log.p = TRUE)
  ok <- is.na(v) || roundtrip(back, p, logp)
  add("qf", p, lower, logp, d1, d2, c(v, qf(p, d1, d2, lower.tail = lower, log.p = logp)),
      flag = if (ok) 0 else 2)
})

writeLines(c(paste0("# ", R.version.string, "; generated by make_quantiles.R; values %.17g"),
             "fun,p,lower,log_p,par1,par2,value,r_qf,warn", unlist(rows)), out)
cat("wrote", length(rows), "rows to", out, "\n")
