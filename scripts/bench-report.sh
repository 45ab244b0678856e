#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-report.sh - how long `hvscope report` takes over 20 result files x
# 100 metrics (31 samples each) with every chart: the normal report (SVG +
# PNG) and --paper (SVG + PNG + PDF), plus tables only; and a history report
# (--db) over 1000 nightly runs x 100 metrics. Target (issue 6):
# under 5 s with all charts. Prints the median of REPS runs of each; the
# numbers go to docs/PERFORMANCE.md ("Reports") with this command. Needs
# /usr/bin/time (Debian: time) and bc.
#
#   bash scripts/bench-report.sh            (REPS=5 FILES=20 METRICS=100)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
HVSCOPE=${HVSCOPE:-$SRC/bin/hvscope}
REPS=${REPS:-5}
FILES=${FILES:-20}
METRICS=${METRICS:-100}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if ! command -v gnuplot >/dev/null; then
	echo "bench-report: gnuplot not installed, skipped"
	exit 0
fi
for i in $(seq 1 "$FILES"); do
	python3 "$SRC/tests/lib/mkreport.py" --out "$T/r$i.json" --metrics "$METRICS" --seed "$i" \
		--scale "1.$i" --host "host$i" --hypervisor "hv$i" --tag "label=p$i"
done

# "WALL CPU": medians over REPS runs of "$@" of wall seconds and of CPU
# seconds (user + system, gnuplot children included). On a loaded machine
# the CPU seconds stay honest while the wall time grows with the load.
med() {
	local w=() c=()
	for r in $(seq 1 "$REPS"); do
		/usr/bin/time -f '%e %U %S' -o "$T/time" "$@" >/dev/null
		read -r e u s <"$T/time"
		w+=("$e")
		c+=("$(echo "$u + $s" | bc -l)")
	done
	printf '%s\n' "${w[@]}" | sort -g | awk '{v[NR]=$1} END {printf "%.2f ", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
	printf '%s\n' "${c[@]}" | sort -g | awk '{v[NR]=$1} END {printf "%.2f", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}

read -r tw tc <<<"$(med "$HVSCOPE" report "$T"/r*.json --out "$T/o1" --baseline p1 --no-charts)"
read -r nw nc <<<"$(med "$HVSCOPE" report "$T"/r*.json --out "$T/o2" --baseline p1)"
read -r pw pc <<<"$(med "$HVSCOPE" report "$T"/r*.json --out "$T/o3" --baseline p1 --paper)"
charts=$(ls "$T"/o2/charts/*.gp | wc -l)
echo "report over $FILES files x $METRICS metrics, $charts charts, median of $REPS runs (wall s / CPU s):"
echo "  tables only (--no-charts):      $tw / $tc"
echo "  all charts (SVG + PNG):         $nw / $nc   (target < 5 s wall: $(echo "$nw < 5" | bc -l | sed 's/1/met/;s/0/MISSED/'))"
echo "  --paper (SVG + PNG + PDF):      $pw / $pc"
if "$HVSCOPE" version | grep -q 'sqlite=1'; then
	mkdir -p "$T/many"
	python3 "$SRC/tests/lib/mkmany.py" "$T/many" 1000 --metrics 100 --samples 5 --series step
	"$HVSCOPE" ingest --quiet --db "$T/h.db" "$T"/many/*.json
	read -r hw hc <<<"$(med "$HVSCOPE" report --db "$T/h.db" --out "$T/o4")"
	echo "  --db: 1000 nightly runs x 100 metrics, change points, trend charts: $hw / $hc"
fi
echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (others' builds make the wall time noisy)"
