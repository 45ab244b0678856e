#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# compare-noise.t - issue 5's noise acceptance as a gate: two `hvscope run
# --quick` of the same build (the whole quick suite, 3 fresh processes),
# compared, 30 times. The issue's target is nothing flagged in >= 19 of 20;
# that is measured by scripts/bench-compare-noise.sh (make bench): on the
# quiet development machine 20/20, 19/20, 19/20, 18/20 and 59/60, a false
# flag in ~4% of trials, and ~7% in CI-like runs (fresh clone, after the
# ASan build: 20/20, 18/20, 18/20; docs/harness.md). A gate must not fail a
# correct build: needing 18 of 20 failed one CI run; needing 24 of 30 fails
# one run in ~250 at 7% (one in ~40 at 10%), while the method before the
# process-level test (35% of trials flagged) fails it in 94% of runs. Each
# flag is described on stderr, so a CI log shows which metric, how far and
# how sure. ~5 minutes.
set -u
: "${HVSCOPE:?}" "${HVS_SRC:?}"
echo "1..2"
bash "$HVS_SRC/tests/lib/noise-trials.sh" 30 24 |
	awk '/^(not )?ok/ { n++; sub(/^(not ok|ok)/, "& " n) } { print }'
