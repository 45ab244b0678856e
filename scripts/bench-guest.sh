#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-guest.sh - the numbers behind docs/PERFORMANCE.md, "Guest-side
# benchmarks": wall time of the default `hvscope bench` set, and the
# null-syscall and page-fault figures against `perf bench syscall basic`
# and lmbench-style loops (scripts/lmloop.c) on the same machine.
# Run from the repository root after `make` (make bench does both).
set -euo pipefail
HVSCOPE=${HVSCOPE:-bin/hvscope}
BUILD=${BUILD:-build}
mkdir -p "$BUILD"
cc -O2 -o "$BUILD/lmloop" scripts/lmloop.c

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$HVSCOPE" bench >"$BUILD/bench-default.txt"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "hvscope bench (default set): %.1f s wall\n", b - a }'
tail -1 "$BUILD/bench-default.txt"
# CI width relative to the median, per metric: the spread of the default set.
awk '/95% CI \[/ { med = $2; ci = $0; sub(/.*CI \[/, "", ci); sub(/\].*/, "", ci);
	split(ci, b, ", "); if (med > 0) { w = (b[2] - b[1]) / med * 100; print w; } }' \
	"$BUILD/bench-default.txt" | sort -n | awk '{ v[NR] = $1 } END { if (NR)
	printf "CI width / median over %d metrics: median %.1f%%, 90th pct %.1f%%, max %.1f%%\n",
	NR, v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[NR] }'

hv_null=$("$HVSCOPE" bench syscall.getppid | awk '/^syscall.getppid/ { print $2 }')
hv_fault=$("$HVSCOPE" bench mm.pagefault | awk '/^mm.pagefault/ { print $2 }')
echo "hvscope syscall.getppid: $hv_null ns   mm.pagefault: $hv_fault ns"

lm_null=$("$BUILD/lmloop" null)
lm_fault=$("$BUILD/lmloop" fault)
echo "lmbench-style: $lm_null"
echo "lmbench-style: $lm_fault"

if command -v perf >/dev/null; then
	# 31 short runs (10000 calls, ~2 ms: rarely preempted) pinned to CPU 0,
	# the median run; perf's default 10M calls (seconds) averages in every
	# preemption on a shared machine.
	for i in $(seq 31); do
		taskset -c 0 perf bench syscall basic -l 10000 2>/dev/null | awk '/usecs\/op/ { print $1 * 1000 }'
	done | sort -n >"$BUILD/perf-null.txt"
	perf_null=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' "$BUILD/perf-null.txt")
	echo "perf bench syscall basic -l 10000: median of 31 runs $perf_null ns (min $(head -1 "$BUILD/perf-null.txt"), max $(tail -1 "$BUILD/perf-null.txt"))"
	awk -v a="$hv_null" -v b="$perf_null" 'BEGIN { printf "ratio hvscope/perf (null syscall): %.2f\n", a / b }'
fi
echo "$lm_null" | awk -v a="$hv_null" '{ printf "ratio hvscope/lmbench-style (null syscall): %.2f\n", a / $2 }'
echo "$lm_fault" | awk -v a="$hv_fault" '{ printf "ratio hvscope/lmbench-style (page fault): %.2f\n", a / $2 }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
