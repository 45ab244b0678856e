#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# interrupt.t - SIGINT (Ctrl-C: the whole process group, as a terminal
# sends it) and SIGTERM (the parent alone, as kill or a timeout sends it)
# during each phase of `hvscope run`, during `hvscope bench` (a benchmark,
# the writing of --out), `hvscope kvm --serial --out` (the writing of the
# result) and during a `guest --matrix` boot:
# the benchmark children and the guest are stopped, the run's temp
# directory (in a private TMPDIR), the 64 MiB /var/tmp/hvscope-io.XXXXXX of
# workload.io.randrw, the result's temp file and the matrix's disk image are
# gone, no result file is written (or, when the signal comes after it was
# written, the complete one stays and the history holds nothing half-added),
# and the exit status is 130 / 143 (the process dies by the signal it got,
# after cleaning up: README, exit codes). Phases the clock cannot hit
# (environment checks, writing the result, the history) are held open by
# HVSCOPE_PAUSE_AT=PHASE (core/cleanup.h).
. "${HVS_SRC:?}/tests/lib/need.sh"
need procps cmd:pgrep
set -u -m # -m: each background job in its own process group, SIGINT not ignored
T=$(mktemp -d)
mkdir "$T/tmp"
export TMPDIR=$T/tmp
trap 'kill -KILL -- -"${pid:-0}" 2> /dev/null; rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..38"
H=$HVSCOPE
ls -d /var/tmp/hvscope-io.* 2> /dev/null | sort > "$T/vartmp.before"

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s.
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}
# leaked: the new /var/tmp/hvscope-io.* files that no process holds open
# (other hvscope runs on this machine may be using theirs right now).
leaked() {
	local f
	for f in $(ls -d /var/tmp/hvscope-io.* 2> /dev/null | sort | comm -13 "$T/vartmp.before" -); do
		find /proc/[0-9]*/fd -lname "$f" 2> /dev/null | grep -q . || echo "$f"
	done
}
# Nothing of ours left: the private TMPDIR is empty, no new /var/tmp/hvscope-io.*.
clean() {
	local left new
	left=$(ls -A "$TMPDIR")
	new=$(leaked)
	[ -z "$left$new" ] && return 0
	echo "# left: $left $new" >&2 # stderr: prove shows it in CI
	ls -la "$TMPDIR" >&2
	return 1
}
# holds_scratch PID: the process has workload.io.randrw's scratch file open.
holds_scratch() { ls -l /proc/"$1"/fd 2> /dev/null | grep -q '/var/tmp/hvscope-io\.'; }
# finish: wait for the job; its status (128+N when a signal ended it).
finish() {
	wait "$pid"
	rc=$?
}

# 1. environment checks: Ctrl-C to the group.
HVSCOPE_PAUSE_AT=checks "$H" run --bench syscall.getppid --processes 2 --out "$T/r1.json" 2> "$T/e1" > /dev/null &
pid=$!
wait_for 20 grep -q 'pause at checks' "$T/e1"
ok $? "run reaches the environment checks"
kill -INT -- -"$pid"
finish
[ "$rc" = 130 ]
ok $? "SIGINT during the environment checks: status 130 (got $rc)"
[ ! -e "$T/r1.json" ] && clean
ok $? "... no result file, nothing left in TMPDIR or /var/tmp"

# 2. benchmark children, SIGTERM to the parent only: it stops the child.
"$H" run --bench workload.io.randrw --processes 3 --no-checks --out "$T/r2.json" 2> "$T/e2" > /dev/null &
pid=$!
wait_for 30 pgrep -P "$pid" > /dev/null
ok $? "run starts a benchmark process"
child=$(pgrep -P "$pid" | head -n 1)
wait_for 10 sh -c 'ls "$TMPDIR"/hvscope-run-* > /dev/null 2>&1'
wait_for 30 holds_scratch "$child"
ok $? "... measuring on its scratch file in /var/tmp"
kill -TERM "$pid"
finish
[ "$rc" = 143 ]
ok $? "SIGTERM to the parent during workload.io.randrw in a child: status 143 (got $rc; $(tail -n 1 "$T/e2"))"
! kill -0 "$child" 2> /dev/null
ok $? "... the benchmark process $child is gone"
[ ! -e "$T/r2.json" ] && clean
ok $? "... no result file; /tmp/hvscope-run-* and /var/tmp/hvscope-io.* gone"
grep -q 'temp files removed' "$T/e2"
ok $? "... and it says so on stderr"

# 3. in-process benchmark (--processes 1), Ctrl-C to the group.
"$H" run --bench workload.io.randrw --processes 1 --no-checks --out "$T/r3.json" 2> "$T/e3" > /dev/null &
pid=$!
wait_for 30 holds_scratch "$pid"
ok $? "run measures workload.io.randrw in its own process"
kill -INT -- -"$pid"
finish
[ "$rc" = 130 ]
ok $? "SIGINT during an in-process workload.io.randrw: status 130 (got $rc)"
[ ! -e "$T/r3.json" ] && clean
ok $? "... no result file, no scratch file left"

# 4. writing the result: the temp file beside --out exists, then goes.
HVSCOPE_PAUSE_AT=write "$H" run --bench syscall.getppid --processes 1 --no-checks --out "$T/r4.json" 2> "$T/e4" > /dev/null &
pid=$!
wait_for 30 grep -q 'pause at write' "$T/e4"
ok $? "run reaches the writing of the result"
ls "$T"/r4.json.tmp.* > /dev/null 2>&1
ok $? "... its temp file is there beside --out"
kill -TERM "$pid"
finish
[ "$rc" = 143 ]
ok $? "SIGTERM while writing the result: status 143 (got $rc)"
! ls "$T"/r4.json* > /dev/null 2>&1 && clean
ok $? "... neither the result nor its temp file is left"

# 5. the history: the result file is complete, the history gets nothing.
if have sqlite3 cmd:sqlite3 && "$H" version | grep -q 'sqlite=1'; then
	HVSCOPE_PAUSE_AT=db "$H" run --bench syscall.getppid --processes 1 --no-checks --out "$T/r5.json" --db "$T/h.db" 2> "$T/e5" > /dev/null &
	pid=$!
	wait_for 30 grep -q 'pause at db' "$T/e5"
	ok $? "run reaches the history"
	kill -INT -- -"$pid"
	finish
	[ "$rc" = 130 ]
	ok $? "SIGINT before the history is written: status 130 (got $rc)"
	python3 "$HVS_SRC/tests/lib/validate.py" "$T/r5.json" > /dev/null 2>&1 && clean
	ok $? "... the result file written before it is complete and valid; nothing left behind"
	runs=$(sqlite3 "$T/h.db" 'select count(*) from runs' 2> /dev/null || echo 0)
	[ "${runs:-0}" = 0 ]
	ok $? "... the history holds no run (got ${runs:-0})"
	"$H" ingest --quiet --db "$T/h.db" "$T/r5.json" && [ "$(sqlite3 "$T/h.db" 'select count(*) from runs')" = 1 ]
	ok $? "... and ingesting that result afterwards adds it once"
else
	for i in 1 2 3 4 5; do echo "ok $((n += 1)) # SKIP no SQLite here"; done
fi

# 6. bench: Ctrl-C during workload.io.randrw, SIGTERM while writing --out.
"$H" bench workload.io.randrw --out "$T/b1.json" 2> "$T/eb1" > /dev/null &
pid=$!
wait_for 30 holds_scratch "$pid"
ok $? "bench measures workload.io.randrw on its scratch file"
kill -INT -- -"$pid"
finish
[ "$rc" = 130 ]
ok $? "SIGINT to bench during workload.io.randrw: status 130 (got $rc; $(tail -n 1 "$T/eb1"))"
[ ! -e "$T/b1.json" ] && clean
ok $? "... no result file, no scratch file left"
HVSCOPE_PAUSE_AT=write "$H" bench syscall.getppid --samples 5 --out "$T/b2.json" 2> "$T/eb2" > /dev/null &
pid=$!
wait_for 60 grep -q 'pause at write' "$T/eb2"
ok $? "bench reaches the writing of --out"
ls "$T"/b2.json.tmp.* > /dev/null 2>&1
ok $? "... its temp file is there beside --out"
kill -TERM "$pid"
finish
[ "$rc" = 143 ] && grep -q 'temp files removed' "$T/eb2"
ok $? "SIGTERM to bench while writing --out: status 143, says the temp files went (got $rc)"
! ls "$T"/b2.json* > /dev/null 2>&1 && clean
ok $? "... neither the result nor its temp file is left"

# 7. kvm --serial --out: SIGINT while writing the result (no /dev/kvm needed).
printf '{"type":"result","bench":"cpuid.0","status":"ok","reason":"","iters":4,"tsc_khz":1000,"cycles":[100,110,120,105,115],"control":[10,10,11,10,10]}\n' > "$T/serial.jsonl"
HVSCOPE_PAUSE_AT=write "$H" kvm --serial "$T/serial.jsonl" --out "$T/k1.json" 2> "$T/ek1" > /dev/null &
pid=$!
wait_for 30 grep -q 'pause at write' "$T/ek1" && ls "$T"/k1.json.tmp.* > /dev/null 2>&1
ok $? "kvm --serial reaches the writing of --out, its temp file beside it"
kill -INT -- -"$pid"
finish
[ "$rc" = 130 ] && ! ls "$T"/k1.json* > /dev/null 2>&1 && clean
ok $? "SIGINT to kvm while writing --out: status 130, no result nor temp file left (got $rc)"

# 8. guest --matrix during a boot: QEMU and boot-guest.sh stopped, disk image gone.
why=$(
	. "$HVS_SRC/tests/lib/guest.sh"
	(guest_prereqs) 2> /dev/null | sed -n 's/^1\.\.0 # SKIP //p; s/^not ok 1 - //p'
)
if [ -n "$why" ]; then
	if hvs_require_prereqs; then
		ok 1 "guest prerequisites: $why"
	else
		echo "ok $((n += 1)) # SKIP $why"
	fi
	for i in 2 3 4 5 6 7 8; do echo "ok $((n += 1)) # SKIP $why"; done
	exit 0
fi
cat > "$T/m.conf" << CONF
[target qemu-int]
kind = qemu
accel = tcg
disk = 64
run = probe
timeout = 300
CONF
HVS_SRC=$HVS_SRC "$H" guest --matrix "$T/m.conf" --out "$T/out" > "$T/go" 2> "$T/ge" &
pid=$!
wait_for 90 pgrep -f -- "$T/out/qemu-int.disk.img" > /dev/null
ok $? "guest --matrix boots QEMU with the disk image"
[ -f "$T/out/qemu-int.disk.img" ]
ok $? "... the 64 MiB disk image is in the output directory"
sleep 1
kill -INT -- -"$pid"
finish
[ "$rc" = 130 ]
ok $? "SIGINT during the boot: status 130 (got $rc)"
wait_for 5 sh -c "! pgrep -f -- '$T/ou[t]' > /dev/null"
ok $? "... QEMU and boot-guest.sh are stopped"
[ ! -e "$T/out/qemu-int.disk.img" ]
ok $? "... the disk image is removed"
[ ! -e "$T/out/qemu-int.json" ] && [ ! -e "$T/out/summary.md" ]
ok $? "... no result and no summary written"
clean
ok $? "... nothing left in TMPDIR (boot-guest.sh's work directory) or /var/tmp"
grep -q 'interrupted (SIGINT)' "$T/ge"
ok $? "... it says it was interrupted"
