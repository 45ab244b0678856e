#!/usr/bin/env bash
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
set -u
[ $# = 4 ] || { echo "usage: $0 ROUNDS OUTDIR CMD_A CMD_B" >&2; exit 2; }
rounds=$1 dir=$2 ca=$3 cb=$4
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
done
