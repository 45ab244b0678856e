#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# collect-series.sh DIR UNTIL_EPOCH [HVSCOPE] - keep real result files for the
# verdict evaluation (scripts/compare-eval.py, scripts/regress-eval.py):
# `run --quick` every 20-60 s (random spacing, so runs land on different host
# moments), and every 8th time a `--suite default` run, until UNTIL_EPOCH.
# Files go to DIR/quick/NNN.json.gz and DIR/default/NNN.json.gz (gzip -9: a
# quick file is ~50 kB raw, ~19 kB gzipped); DIR/log.tsv records per run
# the time, /proc/loadavg and the run's wall time, so the loads they were
# taken under stay known. Use one fixed binary for the whole series (copy it
# aside first): "same build" pairs must really be the same build.
# HVS_SERIES_GAP="MIN MAX" sets the random spacing in seconds (default 20 60).
set -u
dir=$1 until=$2 H=${3:-bin/hvscope}
read -r gmin gmax <<< "${HVS_SERIES_GAP:-20 60}"
case "$gmin$gmax" in *[!0-9]*|'') echo "collect-series: HVS_SERIES_GAP must be two whole numbers of seconds, MIN MAX" >&2; exit 2;; esac
[ "$gmax" -ge "$gmin" ] || { echo "collect-series: HVS_SERIES_GAP: MAX < MIN" >&2; exit 2; }
mkdir -p "$dir/quick" "$dir/default"
i=$(ls "$dir/quick" | wc -l)
j=$(ls "$dir/default" | wc -l)
[ -f "$dir/log.tsv" ] || printf 'utc\tkind\tfile\tloadavg1\tloadavg5\twall_s\trc\n' > "$dir/log.tsv"
k=0
while [ "$(date +%s)" -lt "$until" ]; do
	k=$((k + 1))
	if [ $((k % 8)) = 0 ]; then
		j=$((j + 1)); kind=default; f=$(printf '%s/default/%03d.json' "$dir" "$j"); args="--suite default"
	else
		i=$((i + 1)); kind=quick; f=$(printf '%s/quick/%03d.json' "$dir" "$i"); args="--quick"
	fi
	read -r l1 l5 _ < /proc/loadavg
	t0=$(date +%s.%N)
	$H run $args --no-checks --out "$f" > /dev/null 2>&1
	rc=$?
	t1=$(date +%s.%N)
	[ -f "$f" ] && gzip -9 -f "$f"
	printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n' "$(date -u +%FT%TZ)" "$kind" "${f##*/}" "$l1" "$l5" \
		"$(echo "$t1 - $t0" | bc)" "$rc" >> "$dir/log.tsv"
	sleep $((gmin + RANDOM % (gmax - gmin + 1)))
done
