#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reliability.sh - the hardening figures of docs/reliability.md, reproducible:
#   1. fuzz every parser of untrusted input for FUZZ_TIME seconds each
#      (tests/fuzz; clang's libFuzzer with ASan+UBSan): runs and findings
#   2. kill -9 during ingest, KILLS times: the history's integrity_check,
#      and no run half in (every run has all its metrics and samples)
#   3. kill -9 during `report`, KILLS times: no partial files in DIR, no
#      gnuplot left, the next report complete
#   4. WRITERS concurrent ingest processes of RUNS files each into one
#      history: every run lands, no SQLITE_BUSY error
#
#   scripts/reliability.sh [FUZZ_TIME=60] [KILLS=100] [WRITERS=8] [RUNS=100]
# Runs as any user; needs clang for part 1 (skipped, said, otherwise).
set -u
cd "$(dirname "$0")/.."
H=${HVSCOPE:-$PWD/bin/hvscope}
FUZZ_TIME=${FUZZ_TIME:-60}
KILLS=${KILLS:-100}
WRITERS=${WRITERS:-8}
RUNS=${RUNS:-100}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# the killed process may still be exiting: wait up to 5 s for its locks
q() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }
# elapsed_ms CMD...: run it once, print its wall time in ms (at least 1)
elapsed_ms() {
	local t0
	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1
	echo $(( ($(date +%s%N) - t0) / 1000000 + 1 ))
}
# sleep_upto MS: sleep a uniformly random time in [0, MS) ms
sleep_upto() { sleep "$(awk -v r=$RANDOM -v ms="$1" 'BEGIN { printf "%.3f", r / 32768 * ms / 1000 }')"; }
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), hvscope $("$H" version | head -1)"

# 1. fuzzing
if [ "$FUZZ_TIME" = 0 ]; then
	echo "fuzz: skipped (FUZZ_TIME=0)"
elif command -v clang > /dev/null && make -s fuzz-build > "$T/fb" 2>&1; then
	for t in cpuid_dump result matrix suites serial; do
		rm -rf "$T/fz" && mkdir -p "$T/fz" && cp tests/fuzz/corpus/"$t"/* "$T/fz/"
		out=$(build/fuzz/fuzz_"$t" -max_total_time="$FUZZ_TIME" -max_len=65536 -timeout=5 \
			-artifact_prefix="$T/$t." "$T/fz" 2>&1)
		rc=$?
		runs=$(grep -o 'Done [0-9]* runs' <<<"$out" | grep -o '[0-9]*' | head -1)
		cov=$(grep -o 'cov: [0-9]*' <<<"$out" | tail -1)
		echo "fuzz $t: ${FUZZ_TIME} s, ${runs:-?} runs, $cov, exit $rc$([ $rc = 0 ] && echo ', nothing found' || echo ', FOUND: see below')"
		[ $rc = 0 ] || tail -20 <<<"$out"
	done
else
	echo "fuzz: skipped (no clang or the fuzz build failed: $(tail -1 "$T/fb" 2>/dev/null))"
fi

# 2. kill -9 during ingest, at a uniformly random moment of its run time
python3 tests/lib/mkmany.py "$T/ing" 300 --metrics 5 --samples 50 --prefix k > /dev/null
ls "$T/ing"/*.json > "$T/list"
ms=$(elapsed_ms xargs -a "$T/list" -d '\n' "$H" ingest --quiet --db "$T/k.db")
bad=0 partial=0 total=0 during=0
for i in $(seq 1 "$KILLS"); do
	rm -f "$T/k.db"*
	xargs -a "$T/list" -d '\n' "$H" ingest --quiet --db "$T/k.db" > /dev/null 2>&1 &
	pid=$!
	sleep_upto "$ms"
	# xargs and its hvscope child: kill the whole group of the job
	pkill -9 -P "$pid" hvscope 2> /dev/null && during=$((during + 1))
	kill -9 "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	[ -f "$T/k.db" ] || continue
	total=$((total + 1))
	ic=$(q "$T/k.db" 'pragma integrity_check' 2>&1)
	[ "$ic" = ok ] || { bad=$((bad + 1)); echo "  kill $i: integrity_check: $ic"; }
	# a run is whole when it has its 5 metrics, each with its 50 samples
	p=$(q "$T/k.db" 'select count(*) from runs r where (select count(*) from metrics m where m.run_id = r.id) != 5
		or (select count(*) from samples s join metrics m on s.metric_id = m.id where m.run_id = r.id) != 250' 2>&1)
	[ "$p" = 0 ] || { partial=$((partial + 1)); echo "  kill $i: partial-run query: $p"; }
done
echo "kill -9 during ingest ($ms ms for 300 files): $KILLS kills, $during while hvscope ran, $total left a database: integrity_check failed in $bad, a partial run in $partial"

# 3. kill -9 during report
python3 tests/lib/mkmany.py "$T/rep" 3 --metrics 20 --samples 30 --prefix r > /dev/null
"$H" report "$T"/rep/*.json --out "$T/R" > /dev/null 2>&1
ref=$(cd "$T/R" && find . -type f | sort | md5sum)
# kill at a uniformly random moment of a report's run time (measured here)
ms=$(elapsed_ms "$H" report "$T"/rep/*.json --out "$T/R")
mixed=0 leftover=0 during=0
# gnuplot processes that are running (a zombie is dead: in a container
# whose PID 1 does not reap, killed children stay listed as Z)
alive() { ps -C gnuplot -o stat= 2> /dev/null | grep -vc '^Z'; }
for i in $(seq 1 "$KILLS"); do
	"$H" report "$T"/rep/*.json --out "$T/R" > /dev/null 2>&1 &
	pid=$!
	sleep_upto "$ms"
	kill -9 "$pid" 2> /dev/null && during=$((during + 1))
	wait "$pid" 2> /dev/null
	sleep 0.2
	[ "$(cd "$T/R" && find . -type f | sort | md5sum)" = "$ref" ] || mixed=$((mixed + 1))
	[ "$(alive)" = 0 ] || leftover=$((leftover + 1))
done
echo "kill -9 during report ($ms ms each): $KILLS kills, $during while it ran: DIR's file list differed from a complete report in $mixed, a running gnuplot left behind in $leftover"

# 4. concurrent writers
for w in $(seq 1 "$WRITERS"); do
	python3 tests/lib/mkmany.py "$T/w$w" "$RUNS" --metrics 5 --samples 20 --prefix "w$w" > /dev/null
done
rm -f "$T/c.db"
errs=0
for w in $(seq 1 "$WRITERS"); do
	"$H" ingest --quiet --db "$T/c.db" "$T/w$w"/*.json > /dev/null 2> "$T/w$w.err" &
done
wait
for w in $(seq 1 "$WRITERS"); do [ -s "$T/w$w.err" ] && errs=$((errs + 1)); done
got=$(q "$T/c.db" 'select count(*) from runs')
echo "concurrent ingest: $WRITERS writers x $RUNS runs: $got of $((WRITERS * RUNS)) landed, $errs writer(s) printed an error$(grep -l BUSY "$T"/w*.err > /dev/null 2>&1 && echo ' (SQLITE_BUSY)')"
