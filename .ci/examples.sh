# Sourced by .ci/run: every example, once, on its bundled data (and its --json form).
# `run_example NAME [ARGS…]` runs one; `$out` is a scratch directory for files examples write.
# Keep one block per example; add yours when you add an example.
run_example quickstart
run_example course_report
run_example course_report -- --json
run_example course_report -- examples/data/courses.json --json > /dev/null
