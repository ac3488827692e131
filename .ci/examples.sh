# Sourced by .ci/run: every example, once, on its bundled data (and its --json form).
# `run_example NAME [ARGS…]` runs one; `$out` is a scratch directory for files examples write.
# Keep one block per example; add yours when you add an example.
run_example quickstart
run_example meta
run_example meta --json > "$out/meta.json"
run_example meta --method dl --knha
run_example meta --method fe --json > "$out/meta_fe.json"
