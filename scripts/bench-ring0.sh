#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-ring0.sh - precision of the ring-0 cpuid exit as measured by
# `hvscope kvm` (run by `make bench`; numbers go to docs/PERFORMANCE.md).
#
# Target (issue 3): the 95% CI half-width of the median within 1% of the
# median after at most 2 s of measurement, and five separate runs within
# +-3% of each other (on a quiet machine). This script measures and prints;
# it fails only when the benchmark cannot run at all (no /dev/kvm: skipped).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
hv=${HVSCOPE:-$here/bin/hvscope}
runs=${RUNS:-5}
# 801 samples x 500 us: about 0.6-1.2 s of measurement per run here, inside
# the 2 s the target allows; 201 (the kvm default) leaves the CI near 1%.
samples=${SAMPLES:-801}
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	echo "bench-ring0: no usable /dev/kvm, skipped"
	exit 0
fi
echo "# hvscope kvm cpuid.0 --samples $samples, $runs runs ($samples samples x 500 us), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
meds=()
worst=0
for i in $(seq 1 "$runs"); do
	t0=$(date +%s.%N)
	line=$("$hv" kvm cpuid.0 --samples "$samples" | grep '^kvm\.cpuid\.0 ')
	t1=$(date +%s.%N)
	read -r _ med ci cyc _ _ st <<<"$line"
	if [ "$st" != pass ]; then
		echo "bench-ring0: run $i: $line" >&2
		exit 1
	fi
	pct=$(awk -v c="$ci" -v m="$med" 'BEGIN { printf "%.2f", 100 * c / m }')
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	printf 'run %d: median %s ns (%s cycles), 95%% CI +-%s ns = %s%% of the median, %s s wall\n' \
		"$i" "$med" "$cyc" "$ci" "$pct" "$wall"
	meds+=("$med")
	worst=$(awk -v a="$worst" -v b="$pct" 'BEGIN { print (b > a) ? b : a }')
done
printf '%s\n' "${meds[@]}" | sort -n | awk -v w="$worst" '
	{ v[NR] = $1 } END {
		mid = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		lo = 100 * (v[1] - mid) / mid; hi = 100 * (v[NR] - mid) / mid
		printf "across runs: median of medians %.1f ns, spread %+.2f%% .. %+.2f%%\n", mid, lo, hi
		printf "target: CI half-width <= 1%% (worst %.2f%%): %s; runs within +-3%%: %s\n", w,
			(w <= 1) ? "met" : "MISSED", (lo >= -3 && hi <= 3) ? "met" : "MISSED"
	}'
