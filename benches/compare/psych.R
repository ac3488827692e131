# Times psych::alpha (full item statistics) and psych::scoreItems on the comparison CSV.
# Reading the file is excluded. Prints one line per task: <task> <seconds> <raw_alpha>.
# Needs R and psych: apt-get install r-base-core r-cran-psych (or install.packages("psych")).
args <- commandArgs(trailingOnly = TRUE)
x <- as.matrix(read.csv(args[1]))
reps <- if (length(args) > 1) as.integer(args[2]) else 3
best <- function(f) {
  times <- replicate(reps, system.time(r <<- f())[["elapsed"]])
  min(times)
}
t_alpha <- best(function() psych::alpha(x, check.keys = FALSE, warnings = FALSE))
a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE)$total$raw_alpha
cat(sprintf("psych_alpha %.6f %.15f\n", t_alpha, a))
keys <- list(total = colnames(x))
t_score <- best(function() psych::scoreItems(keys, x, totals = TRUE))
cat(sprintf("psych_scoreItems %.6f %.15f\n", t_score, a))
cat(sprintf("# R %s, psych %s\n", getRversion(), packageVersion("psych")))
