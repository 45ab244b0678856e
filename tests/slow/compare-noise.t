#!/bin/bash
# compare-noise.t - issue 5's noise acceptance as a gate: two `hvscope run
# --quick` of the same build (the whole quick suite, 3 fresh processes),
# compared, 20 times. The issue's target is nothing flagged in >= 19 of 20;
# that is measured by scripts/bench-compare-noise.sh (make bench) and was
# 20/20 and 19/20 on the quiet development machine (docs/harness.md). The
# gate asks for 18: with the ~1 in 40 false-flag rate measured, needing 19
# would fail a correct build in ~9% of CI runs, needing 18 in ~1%. The
# method before the process-level test scored 13/20 and fails it.
# ~3.5 minutes.
set -u
: "${HVSCOPE:?}" "${HVS_SRC:?}"
echo "1..2"
bash "$HVS_SRC/tests/lib/noise-trials.sh" 20 18 |
	awk '/^(not )?ok/ { n++; sub(/^(not ok|ok)/, "& " n) } { print }'
