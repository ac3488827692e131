#!/usr/bin/env bash
# Whole-process comparison: the time and peak memory of the complete program a researcher
# runs, reading the file included, on the same 1,000,000 x 12 Likert CSV, in the same run:
#   R        Rscript -e 'psych::alpha(read.csv(FILE))'
#   Python   pandas.read_csv + pingouin.cronbach_alpha
#   ours     cargo run --release --features csv --example reliability -- FILE
#            (streams the file through therapeutic_alliance::export::ItemTable)
# Wall time and peak resident memory from /usr/bin/time -v, best of REPS runs (hyperfine is
# used for the mean when installed). Not part of CI; installs nothing; a missing tool is
# reported and skipped.
#
# usage: benches/compare/whole_process.sh [ROWS] [REPS]      (defaults 1000000 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=${1:-1000000}
reps=${2:-3}
work=${TMPDIR:-/tmp}/ta-compare
mkdir -p "$work"
csv="$work/likert_${rows}x12.csv"
[ -s "$csv" ] || python3 "$here/gen.py" "$csv" "$rows"
(cd "$root" && cargo build -q --release --features csv --example reliability)
ours="$root/target/release/examples/reliability"

# measure NAME CMD...: best wall time and peak memory over $reps runs
measure() {
  local name=$1; shift
  local best_t="" best_m=""
  for _ in $(seq "$reps"); do
    /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || { echo "$name: failed"; cat "$work/time.txt"; return; }
    local t m
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time.txt")
    m=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.txt")
    if [ -z "$best_t" ] || awk "BEGIN { exit !($t < $best_t) }"; then best_t=$t; best_m=$m; fi
  done
  printf "%-44s %10.2f s %8s MB\n" "$name" "$best_t" "$best_m"
}

echo "rows=$rows items=12, whole process (reading included), best of $reps; $(date -u +%Y-%m-%d) on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf "%-44s %12s %11s\n" "program" "wall" "peak RSS"
measure "therapeutic-alliance reliability (ours)" "$ours" "$csv"
if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("psych", quietly = TRUE))' >/dev/null 2>&1; then
  measure "R read.csv + psych::alpha" Rscript -e "invisible(psych::alpha(read.csv('$csv'), check.keys = FALSE, warnings = FALSE))"
else
  echo "R with psych: skipped (not installed)"
fi
if python3 -c 'import pingouin, pandas' >/dev/null 2>&1; then
  measure "pandas.read_csv + pingouin.cronbach_alpha" python3 -c "import pandas as pd, pingouin as pg; pg.cronbach_alpha(data=pd.read_csv('$csv'))"
else
  echo "pandas + pingouin: skipped (not installed)"
fi
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 1 --runs "$reps" "$ours $csv" 2>/dev/null | grep -E "Time|Range" || true
fi
