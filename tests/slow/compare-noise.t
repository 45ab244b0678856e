#!/bin/bash
# compare-noise.t - issue 5's noise acceptance as a gate: two `hvscope run
# --quick` of the same build (the whole quick suite, 3 fresh processes),
# compared, 20 times. The issue's target is nothing flagged in >= 19 of 20;
# that is measured by scripts/bench-compare-noise.sh (make bench): on the
# quiet development machine 20/20, 19/20, 19/20, 18/20 and 59/60, a false
# flag in ~4% of trials (docs/harness.md). A gate is a different thing: it
# must not fail a correct build. At a 4% rate, needing 18 of 20 fails one
# CI run in 23 (it did, once), needing 17 one in 140 (one in 14 at 8%);
# the method before the process-level test (13/20, 35%) fails 17 in 96% of
# runs. Each flag is described on stderr, so a CI log shows which metric,
# how far and how sure. ~3.5 minutes.
set -u
: "${HVSCOPE:?}" "${HVS_SRC:?}"
echo "1..2"
bash "$HVS_SRC/tests/lib/noise-trials.sh" 20 17 |
	awk '/^(not )?ok/ { n++; sub(/^(not ok|ok)/, "& " n) } { print }'
