#!/usr/bin/env bash
# Whole-process comparison: the time and peak memory of the complete program a researcher
# runs, reading the file included, on the same 1,000,000 x 12 Likert CSV, in the same run:
#   R        Rscript -e 'psych::alpha(read.csv(FILE))'
#   Python   pandas.read_csv + pingouin.cronbach_alpha
#   ours     cargo run --release --features csv --example reliability -- FILE
#            (streams the file through therapeutic_alliance::export::ItemTable)
# and the crate's `score` tool on the same numbers (the header renamed item1..item12, which
# both tools read) against reliability: table to /dev/null, --json, and --csv FILE. Issue 18's
# targets: score's wall time at most 3x reliability's, its peak memory at most 64 MB and flat
# in rows (run with 2x the rows to see it). Wall time and peak resident memory from
# /usr/bin/time -v, median of REPS runs (and the best; hyperfine is used for the mean when
# installed). Not part of CI; installs nothing; a missing tool is reported and skipped.
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
items="$work/likert_${rows}x12_items.csv"
[ -s "$items" ] || { echo "item1,item2,item3,item4,item5,item6,item7,item8,item9,item10,item11,item12"; tail -n +2 "$csv"; } > "$items"
(cd "$root" && cargo build -q --release --features csv --example reliability --example score)
target=${CARGO_TARGET_DIR:-$root/target}
ours="$target/release/examples/reliability"
score="$target/release/examples/score"

# measure NAME CMD...: median wall time and peak memory over $reps runs (and the best time);
# sets $median_t and $median_m
median_t=0 median_m=0
measure() {
  local name=$1; shift
  local ts=() ms=()
  for _ in $(seq "$reps"); do
    /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || { echo "$name: failed"; cat "$work/time.txt"; return; }
    ts+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time.txt")")
    ms+=("$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/time.txt")")
  done
  median_t=$(printf "%s\n" "${ts[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  median_m=$(printf "%s\n" "${ms[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  local best_t
  best_t=$(printf "%s\n" "${ts[@]}" | sort -g | head -1)
  printf "%-44s %10.2f s %8.2f s %8s MB\n" "$name" "$median_t" "$best_t" "$median_m"
}

echo "rows=$rows items=12, whole process (reading included), median of $reps; $(date -u +%Y-%m-%d) on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf "%-44s %12s %10s %11s\n" "program" "wall" "best" "peak RSS"
measure "therapeutic-alliance reliability (ours)" "$ours" "$csv"
measure "reliability, item1..item12 header" "$ours" "$items"
rel_t=$median_t
measure "score --instrument wai-sr (table)" "$score" --instrument wai-sr "$items"
score_t=$median_t score_m=$median_m
measure "score --instrument wai-sr --json" "$score" --instrument wai-sr --json "$items"
measure "score --instrument wai-sr --csv FILE" "$score" --instrument wai-sr --csv "$work/scores.csv" "$items"
awk -v s="$score_t" -v r="$rel_t" -v m="$score_m" 'BEGIN {
  printf "score (table) / reliability: %.2fx (target <= 3x): %s; score peak RSS %s MB (target <= 64 MB): %s\n",
    s / r, (s <= 3 * r ? "met" : "NOT met"), m, (m <= 64 ? "met" : "NOT met") }'
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
