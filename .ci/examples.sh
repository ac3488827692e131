# Sourced by .ci/run: every example, once, on its bundled data (and its --json form).
# `run_example NAME [ARGS…]` runs one; `$out` is a scratch directory for files examples write.
# Keep one block per example; add yours when you add an example.
run_example quickstart
run_example reliability
run_example reliability -- --keys i5 --json > "$out/reliability.json"
run_example reliability -- --pairwise --json > "$out/reliability_pairwise.json"
run_example icc
run_example icc -- --json > "$out/icc.json"
