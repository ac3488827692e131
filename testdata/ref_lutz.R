# Critical values of the sudden-gains criterion 3 with the missing-data adjustment of
# Lutz et al. (2013), as R package suddengains (Wiedemann et al. 2020) computes them in
# identify_sg(sg_crit3_adjust = TRUE): t_crit = |qt(alpha / 2, n_pre + n_post - 2)|.
# Writes monitor_lutz.json (7 significant digits) into the current folder.
#   Rscript ref_lutz.R
alpha <- 0.05
cases <- data.frame(n_pre = c(3, 2, 3, 2), n_post = c(3, 3, 2, 2))
cases$critical_value <- abs(qt(alpha / 2, cases$n_pre + cases$n_post - 2))
rows <- sprintf('    {"n_pre": %d, "n_post": %d, "critical_value": %s}',
                as.integer(cases$n_pre), as.integer(cases$n_post),
                format(cases$critical_value, digits = 7))
writeLines(c(
  "{",
  paste0('  "source": "|qt(alpha/2, n_pre + n_post - 2)| at alpha = .05, as R suddengains identify_sg ',
         'with sg_crit3_adjust = TRUE (Lutz et al. 2013, Psychother Res 23(1):14-24); written by ',
         'testdata/ref_lutz.R under ', R.version.string, '",'),
  sprintf('  "alpha": %s,', format(alpha)),
  '  "cases": [',
  paste(rows, collapse = ",\n"),
  "  ]",
  "}"
), "monitor_lutz.json")
