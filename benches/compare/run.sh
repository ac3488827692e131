#!/usr/bin/env bash
# Side-by-side timing: psych::alpha and psych::scoreItems (R), pingouin.cronbach_alpha
# (Python) and this crate, on the same 1,000,000 x 12 Likert CSV, computation only (each tool
# reads the file first, untimed; best of REPS runs). Not part of CI; installs nothing.
#
# usage: benches/compare/run.sh [ROWS] [REPS]        (defaults 1000000 3)
#
# Needs, for the R half:      apt-get install r-base-core r-cran-psych
#                             (or in R: install.packages("psych"))
# and for the Python half:    pip install pingouin
# A missing tool is reported and skipped; the crate half always runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=${1:-1000000}
reps=${2:-3}
work=${TMPDIR:-/tmp}/ta-compare
mkdir -p "$work"
csv="$work/likert_${rows}x12.csv"
[ -s "$csv" ] || python3 "$here/gen.py" "$csv" "$rows"
results="$work/results.txt"
: > "$results"

echo "== crate (cargo bench --bench compare_alpha, release)"
(cd "$root" && cargo bench -q --bench compare_alpha -- "$csv" "$reps") | tee -a "$results"

echo "== R psych"
if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("psych", quietly = TRUE))' >/dev/null 2>&1; then
  Rscript "$here/psych.R" "$csv" "$reps" | tee -a "$results"
else
  echo "skipped: R with psych not found (apt-get install r-base-core r-cran-psych)"
fi

echo "== Python pingouin"
if python3 -c 'import pingouin' >/dev/null 2>&1; then
  python3 "$here/pingouin_alpha.py" "$csv" "$reps" | tee -a "$results"
else
  echo "skipped: pingouin not found (pip install pingouin)"
fi

echo
echo "rows=$rows items=12, best of $reps, reading the file excluded"
awk '
  /^#/ || NF < 2 { next }
  { t[$1] = $2; a[$1] = $3; order[++n] = $1 }
  END {
    ref = t["crate_alpha"]
    printf "%-26s %12s %14s %18s\n", "task", "seconds", "x crate_alpha", "raw_alpha"
    for (i = 1; i <= n; i++) {
      k = order[i]
      printf "%-26s %12.4f %14.1f %18s\n", k, t[k], (ref > 0 ? t[k] / ref : 0), a[k]
    }
  }' "$results"
