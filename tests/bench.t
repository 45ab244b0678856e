#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench.t - `hvscope bench` from the command line: help, list, usage
# errors with their exit codes, a quick run whose every number carries unit
# and spread, the static binary in an empty environment, forced counter
# failure, and UDP/TCP round trips to the echo server as a peer.
set -u
: "${HVSCOPE:?}" "${HVSCOPE_STATIC:?}"
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvs-bench-t.XXXXXX")
trap 'rm -rf "$tmp"; [ -n "${echo_pid:-}" ] && kill "$echo_pid" 2>/dev/null' EXIT
echo "TAP version 13"
echo "1..26"

"$HVSCOPE" bench --help >"$tmp/help" 2>&1; rc=$?
ok $([ $rc -eq 0 ] && grep -q -- '--quick' "$tmp/help"; echo $?) "--help exits 0 and documents --quick"

"$HVSCOPE" bench --list >"$tmp/list" 2>&1; rc=$?
ok $rc "--list exits 0"
nb=$(grep -c '^[a-z]' "$tmp/list")
ns=$(grep -c -E 'supported here|NOT supported here: .+' "$tmp/list")
ok $([ "$nb" -ge 15 ] && [ "$nb" -eq "$ns" ]; echo $?) "--list: $nb benchmarks, each says whether it runs here ($ns)"
ok $(grep -q 'exit.fep' "$tmp/list"; echo $?) "--list names exit.fep"

"$HVSCOPE" bench no.such.bench >/dev/null 2>"$tmp/err"; rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; echo $?) "unknown benchmark: exit 2, one line on stderr"
"$HVSCOPE" bench --samples 2 >/dev/null 2>&1; rc=$?
ok $([ $rc -eq 2 ]; echo $?) "--samples 2: exit 2"
"$HVSCOPE" bench --cpus 1 >/dev/null 2>&1; rc=$?
ok $([ $rc -eq 2 ]; echo $?) "--cpus without a pair: exit 2"
"$HVSCOPE" bench --echo-server 70000 >/dev/null 2>&1; rc=$?
ok $([ $rc -eq 2 ]; echo $?) "--echo-server with a bad port: exit 2"
out=$("$HVSCOPE" __exec-child 2>&1); rc=$?
ok $([ $rc -eq 0 ] && [ -z "$out" ]; echo $?) "__exec-child (the fork/exec target) exits 0 at once, silently"

# A quick run: every metric line has a median, unit, 95% CI (± or [lo, hi]), MAD and n, or SKIP with a reason.
start=$(date +%s)
"$HVSCOPE" bench --quick >"$tmp/quick" 2>&1; rc=$?
el=$(( $(date +%s) - start ))
ok $rc "bench --quick exits 0 (${el} s)"
metrics=$(grep -c -E '^[a-z]+\.[a-z0-9_.A-Z]+ ' "$tmp/quick")
good=$(grep -c -E '^[a-z][^ ]+ +[-0-9.]+ [^ ]+ (\[[^]]+\]|(±|\+/-) [-0-9.]+ [^ ]+)  MAD [-0-9.]+( [^ ]+)?  n=[0-9]+|^[a-z][^ ]+ +SKIP: .+' "$tmp/quick")
ok $([ "$metrics" -ge 20 ] && [ "$metrics" -eq "$good" ]; echo $?) "quick: $metrics metric lines, $good with unit+CI+MAD+n or SKIP+reason"
ok $(grep -q '^counters: ' "$tmp/quick"; echo $?) "quick: counters line ($(grep '^counters:' "$tmp/quick" | cut -c1-60))"
ok $(grep -q '^topology: ' "$tmp/quick"; echo $?) "quick: topology line"
ok $(grep -q -E '^exit\.cpuid\.0 +[0-9.]+ (ns|us|µs|ms) ' "$tmp/quick"; echo $?) "quick: exit.cpuid.0 measured"
ok $(grep -q -E '^exit\.(fep|hypercall\.vmcall|hypercall\.vmmcall) +SKIP: .*(SIGILL|SIGSEGV)|^exit\.fep +[0-9]' "$tmp/quick"; echo $?) \
	"quick: an instruction fault (SIGILL/SIGSEGV) is caught and reported"

# The static binary in an empty environment (no TMPDIR, no HOME), as in a minimal initramfs.
( cd / && env -i "$HVSCOPE_STATIC" bench --quick >"$tmp/static" 2>&1 ); rc=$?
ok $rc "hvscope-static bench --quick with an empty environment exits 0"
ok $(grep -q -E '^[0-9]+ benchmark\(s\), [0-9]+ metric\(s\), 0 failed' "$tmp/static"; echo $?) \
	"static: $(tail -1 "$tmp/static")"

# Forced PAPI failure degrades to "counters: unavailable" and the numbers still come.
HVSCOPE_COUNTERS=papi HVSCOPE_FORCE_NO_PAPI=1 "$HVSCOPE" bench syscall.getppid --quick -v >"$tmp/nopapi" 2>&1; rc=$?
ok $([ $rc -eq 0 ] && grep -q '^counters: unavailable (PAPI' "$tmp/nopapi" &&
	grep -q -E '^syscall.getppid +[0-9.e+]+ ns' "$tmp/nopapi"; echo $?) \
	"forced PAPI failure: $(grep '^counters' "$tmp/nopapi")"

# The echo server as a peer (both protocols), on a port chosen from our pid.
port=$(( 20000 + $$ % 20000 ))
"$HVSCOPE" bench --echo-server $port --seconds 20 2>/dev/null &
echo_pid=$!
sleep 0.3
"$HVSCOPE" bench net.udp net.tcp --quick --peer 127.0.0.1:$port >"$tmp/peer" 2>&1; rc=$?
ok $rc "net benchmarks with --peer exit 0"
ok $(grep -q -E '^net\.udp\.peer +[0-9.]+ (ns|us|µs|ms) ' "$tmp/peer"; echo $?) "UDP round trip to the peer measured"
ok $(grep -q -E '^net\.tcp\.peer +[0-9.]+ (ns|us|µs|ms) ' "$tmp/peer"; echo $?) "TCP round trip to the peer measured"
kill "$echo_pid" 2>/dev/null; wait "$echo_pid" 2>/dev/null; echo_pid=
"$HVSCOPE" bench net.udp --quick --peer 127.0.0.1:1 >"$tmp/nopeer" 2>&1; rc=$?
ok $([ $rc -eq 0 ] && grep -q -E '^net\.udp\.peer +SKIP: .+' "$tmp/nopeer"; echo $?) "an absent peer is a SKIP with a reason, not a hang"

# --out: a result file that validates, carries the tags and every metric printed.
"$HVSCOPE" bench syscall.getppid exit.cpuid --quick --out "$tmp/r.json" --tag config=test,host=t >"$tmp/outrun" 2>&1; rc=$?
ok $rc "bench --out exits 0"
python3 "$HVS_SRC/tests/lib/validate.py" "$tmp/r.json" >/dev/null 2>&1
ok $? "the result file validates against result.schema.json"
printed=$(grep -c -E '^(syscall|exit)\.[^ ]+ ' "$tmp/outrun")
ok $([ "$(jq '.metrics | length' "$tmp/r.json")" -eq "$printed" ] &&
	[ "$(jq -r '.run.tags.config' "$tmp/r.json")" = test ]; echo $?) \
	"it holds the $printed metrics printed and the tag config=test"
"$HVSCOPE" bench syscall.getppid --quick --out "$tmp/bad.json" --tag 'bad key' >/dev/null 2>"$tmp/err"; rc=$?
ok $([ $rc -eq 2 ] && [ ! -e "$tmp/bad.json" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; echo $?) "a bad --tag: exit 2, one line, no file"
exit $fail
