#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rounds-eval.sh [ROUNDS] [REPS] [OUTDIR] - does interleaving narrow the CI
# on this machine? The same build against itself (an A/A experiment, so
# every verdict other than equivalent/inconclusive is a false alarm), REPS
# times: ROUNDS interleaved rounds (`hvscope run --rounds ROUNDS --side A=
# --side B=`), then ROUNDS runs of A followed by ROUNDS runs of B
# (sequential groups, `run --rounds` of one side twice). For each, the
# median over metrics of the CI half-width of B/A (sqrt(hi/lo) - 1, the
# compare's simultaneous CI) and the count of slower/faster verdicts:
#   interleaved, paired      compare --paired over the interleaved rounds
#   interleaved, unpaired    compare A... -- B... over the same files
#   sequential groups        compare A... -- B... over the sequential runs
# Extra arguments for `hvscope run` come from $RUN_ARGS (default
# "--quick --no-checks"). Prints one line per arm and repetition.
set -eu
rounds=${1:-8} reps=${2:-2} out=${3:-$(mktemp -d /tmp/rounds-eval.XXXXXX)}
H=${HVSCOPE:-$(dirname "$0")/../bin/hvscope}
args=${RUN_ARGS:---quick --no-checks}
mkdir -p "$out"
stat() { # label, compare args...
	local label=$1
	shift
	"$H" compare --json "$@" 2> /dev/null | python3 -c '
import json, math, statistics, sys
d = json.load(sys.stdin)
hw = [math.sqrt(m["ci_hi"] / m["ci_lo"]) - 1 for m in d["metrics"]
      if m["verdict"] != "n/a" and m["ci_lo"] and m["ci_hi"]]
print("%-24s metrics %3d  median CI half-width %5.1f%%  p75 %5.1f%%  slower %d faster %d equivalent %d inconclusive %d" % (
    sys.argv[1], len(hw), 100 * statistics.median(hw), 100 * statistics.quantiles(hw, n=4)[2],
    d["slower"], d["faster"], d["equivalent"], d["inconclusive"]))' "$label"
}
echo "# $H run $args; $rounds rounds; $reps repetitions; files in $out"
for r in $(seq 1 "$reps"); do
	d=$out/rep$r
	mkdir -p "$d"
	# shellcheck disable=SC2086
	"$H" run $args --rounds "$rounds" --side A= --side B= --out "$d/il" > /dev/null 2>&1 || true
	# shellcheck disable=SC2086
	"$H" run $args --rounds "$rounds" --out "$d/sa" > /dev/null 2>&1
	# shellcheck disable=SC2086
	"$H" run $args --rounds "$rounds" --out "$d/sb" > /dev/null 2>&1
	stat "rep $r interleaved paired" --paired "$d"/il/A.*.json -- "$d"/il/B.*.json
	stat "rep $r interleaved unpaired" "$d"/il/A.*.json -- "$d"/il/B.*.json
	stat "rep $r sequential groups" "$d"/sa/run.*.json -- "$d"/sb/run.*.json
done
