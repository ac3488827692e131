# Sourced by .ci/run: every example, once, on its bundled data (and its --json form).
# `run_example NAME [ARGS…]` runs one; `$out` is a scratch directory for files examples write.
# Keep one block per example; add yours when you add an example.
run_example quickstart
run_example score -- --instrument wai-sr
run_example score -- --instrument wai-sr --json > "$out/score_wai_sr.json"
for id in srs ors care core-10 phq-9 gad-7; do
  run_example score -- --instrument "$id" --json > "$out/score_$id.json"
done
