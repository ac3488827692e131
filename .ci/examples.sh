# Sourced by .ci/run: every example, once, on its bundled data (and its --json form).
# `run_example NAME [ARGS…]` runs one (ARGS go to the program; no `--` needed); `$out` is a scratch directory for files examples write.
# Keep one block per example; add yours when you add an example.
run_example quickstart --out "$out/quickstart"
ls "$out"/quickstart/course-*.svg >/dev/null  # the chart of the course the walkthrough picks
run_example quickstart --json --out "$out/quickstart" > "$out/quickstart.json"
run_example meta
run_example meta --json > "$out/meta.json"
run_example meta --method dl --knha
run_example meta --method fe --json > "$out/meta_fe.json"
run_example change
run_example change --json >"$out/change.json"
run_example change --method gln --functional-mean 114.8 --functional-sd 17.8 --critical 1.959963984540054
run_example correlate
run_example correlate --json >"$out/correlate.json"
run_example correlate --spearman --json >"$out/correlate_spearman.json"
run_example monitor
run_example monitor --json
run_example monitor --out "$out/charts"
test -s "$out/charts/syn01.svg"
run_example score --instrument wai-sr
run_example score --instrument wai-sr --json > "$out/score_wai_sr.json"
run_example score --instrument phq-9 --csv "$out/score_phq_9.csv" | grep -q 'critical items: '
test -s "$out/score_phq_9.csv"
for id in srs ors care core-10 phq-9 gad-7; do
  run_example score --instrument "$id" --json > "$out/score_$id.json"
done
run_example reliability
run_example reliability --keys i5 --json > "$out/reliability.json"
run_example reliability --pairwise --json > "$out/reliability_pairwise.json"
run_example icc
run_example icc --json > "$out/icc.json"
run_example course_report
run_example course_report --json
run_example course_report -- testdata/courses.json --json > /dev/null
run_example generate_data --out "$out/synthetic"
run_example generate_data --json --out "$out/synthetic" > "$out/generate_data.json"
diff -r "$out/synthetic" examples/data/synthetic
run_example monitor examples/data/synthetic/totals.csv > /dev/null
run_example course_report examples/data/synthetic/courses.json > /dev/null
run_example cookbook_custom_instrument
run_example cookbook_custom_instrument --json > "$out/cookbook_custom_instrument.json"
run_example cookbook_batch
run_example cookbook_batch --instrument care --json > "$out/cookbook_batch.json"
run_example cookbook_alerts --rupture-points 6
run_example cookbook_alerts --json > "$out/cookbook_alerts.json"
run_example cookbook_within_between
run_example cookbook_within_between --alliance srs --json > "$out/cookbook_wb.json"
run_example cookbook_within_between --mixed --json > "$out/cookbook_wb_mixed.json"
run_example parallel_alpha --rows 20000 --threads 2 --out "$out/parallel"
run_example parallel_alpha "$out/parallel/parallel_alpha_20000x12.csv" --threads 2 --json > "$out/parallel_alpha.json"
# workbench: the bundled export (wide, seven instruments) through every analysis; the typing
# error must be reported with its file line, and every output file written
run_example workbench --out "$out/workbench" | tee "$out/workbench.txt"
grep -q 'line 1235, column WAI_7: "55" is outside the scale 1..=5' "$out/workbench.txt"
for f in scores.csv rejected_cells.csv reliability.csv monitoring.json reliable_change.csv summary.json; do
  test -s "$out/workbench/$f"
done
ls "$out"/workbench/charts/course-*.svg >/dev/null
run_example workbench --json --prorate 1 --missing=-99 --out "$out/workbench_prorated" > "$out/workbench.json"
run_example workbench --help | grep -q -- '--instrument ID=PATTERN'
if cargo run -q --release --all-features --example workbench -- --pairwize 2>"$out/workbench_err.txt"; then
  echo "workbench accepted an unknown option"; exit 1
fi
grep -q 'unknown option --pairwize' "$out/workbench_err.txt"
