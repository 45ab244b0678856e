#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ab-rounds.sh ROUNDS OUTDIR CMD_A CMD_B - randomized interleaved trials
# (Abedi & Brecht, ICPE 2017): ROUNDS rounds, each running A and B back to
# back in a random order, so both runs of a round share the host's moment.
# CMD_A and CMD_B are shell commands that write one hvscope result file to
# "$OUT" (exported for them), e.g.
#   scripts/ab-rounds.sh 6 ab 'old/bin/hvscope run --quick --no-checks --out $OUT' \
#                             'bin/hvscope run --quick --no-checks --out $OUT'
# Anything a command can switch is comparable this way: two hvscope builds,
# two guests' kernels (a guest command per side), a module parameter set by
# a hook in the command. Files: OUTDIR/a-NN.json, OUTDIR/b-NN.json; then
#   hvscope compare --paired OUTDIR/a-*.json -- OUTDIR/b-*.json
# judges each round's ratio as one observation. OUTDIR/order records the
# order of each round. Exit: 0, 2 usage, or the first failing command's code.
#
# Adaptive precision: TARGET_CI=P (percent) makes ROUNDS a maximum: after
# each round from the third, stop once every metric's CI half-width (the
# paired compare's, simultaneous) is within P% or BUDGET seconds (default
# 600) have passed; the metrics that never got there are named with why
# (two states, or how far their rounds wander). Exit 1 if some did not.
set -u
[ $# = 4 ] || { echo "usage: $0 ROUNDS OUTDIR CMD_A CMD_B" >&2; exit 2; }
rounds=$1 dir=$2 ca=$3 cb=$4
H=${HVSCOPE:-$(dirname "$0")/../bin/hvscope}
target=${TARGET_CI:-} budget=${BUDGET:-600}
case $target in *[!0-9.]*) echo "ab-rounds: TARGET_CI must be a percentage" >&2; exit 2 ;; esac
t0=$(date +%s)
# Which metrics are still wider than TARGET_CI% (one line each, with why); "" when none.
wide() {
	"$H" compare --json --paired "$dir"/a-*.json -- "$dir"/b-*.json 2> /dev/null | python3 -c '
import json, math, sys
p = float(sys.argv[1]) / 100
for m in json.load(sys.stdin)["metrics"]:
    if m["verdict"] == "n/a" or m["ci_lo"] is None:
        continue
    hw = math.sqrt(m["ci_hi"] / m["ci_lo"]) - 1
    if hw > p:
        why = "two states" if m.get("states") else "rounds wander: run CV %.1f%%/%.1f%%" % (
            100 * (m["run_cv_a"] or 0), 100 * (m["run_cv_b"] or 0))
        print("%s: CI +-%.1f%% (%s)" % (m["name"], 100 * hw, why))' "$target"
}
case $rounds in '' | *[!0-9]*) echo "ab-rounds: ROUNDS must be a number" >&2; exit 2 ;; esac
mkdir -p "$dir" || exit 9
: > "$dir/order"
for k in $(seq -w 1 "$rounds"); do
	if [ $((RANDOM % 2)) = 0 ]; then order="a b"; else order="b a"; fi
	echo "$k $order" >> "$dir/order"
	for s in $order; do
		if [ $s = a ]; then cmd=$ca; else cmd=$cb; fi
		OUT="$dir/$s-$k.json" bash -c "export OUT; $cmd" > /dev/null 2>&1 || {
			rc=$?
			echo "ab-rounds: round $k, side $s: exit $rc" >&2
			exit $rc
		}
	done
	if [ -n "$target" ] && [ $((10#$k)) -ge 3 ]; then
		left=$(wide)
		if [ -z "$left" ]; then
			echo "ab-rounds: every metric within +-$target% after $((10#$k)) rounds"
			exit 0
		fi
		if [ $(($(date +%s) - t0)) -ge "$budget" ]; then
			echo "ab-rounds: time budget (${budget} s) spent after $((10#$k)) rounds"
			break
		fi
	fi
done
if [ -n "$target" ]; then
	left=$(wide)
	[ -z "$left" ] && { echo "ab-rounds: every metric within +-$target%"; exit 0; }
	echo "ab-rounds: not within +-$target%:"
	echo "$left" | sed 's/^/  /'
	exit 1
fi
