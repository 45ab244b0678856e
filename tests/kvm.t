#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kvm.t - `hvscope kvm`: every ring-0 benchmark runs briefly in our own VMM
# on /dev/kvm, KVM's counters prove the exits each benchmark claims, the
# watchdog stops a hanging payload and the run goes on.
set -u
HV=${HVSCOPE:?HVSCOPE not set}
HVS=${HVSCOPE_STATIC:?}
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
. "$HVS_SRC/tests/lib/need.sh"

"$HV" kvm --help >/dev/null; ok $? "--help exits 0"
"$HV" kvm --list >"$tmp/list"; ok $? "--list exits 0"
[ "$(grep -c . "$tmp/list")" -ge 30 ]; ok $? "--list names at least 30 benchmarks"
grep -q '^selftest.hang .*\[test only\]' "$tmp/list"; ok $? "selftest.hang is listed as test-only"
"$HV" kvm --bogus 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; ok $? "unknown option: exit 2, one line on stderr (got $rc)"
"$HV" kvm no.such.bench 2>/dev/null; ok $(($? != 2)) "unknown benchmark: exit 2"
"$HV" kvm --timeout -1 2>/dev/null; ok $(($? != 2)) "negative timeout: exit 2"
"$HV" kvm --samples 0 2>/dev/null; ok $(($? != 2)) "zero samples: exit 2"
"$HV" kvm --samples 99999 2>/dev/null; ok $(($? != 2)) "too many samples: exit 2"
"$HV" kvm --sample-us x 2>/dev/null; ok $(($? != 2)) "non-numeric sample length: exit 2"
"$HV" kvm --tsc-khz 0 2>/dev/null; ok $(($? != 2)) "zero TSC rate: exit 2"

# The man page renders and documents every option --help lists.
if have man-db cmd:man; then
	w=$(MANWIDTH=80 man --warnings -l "$HVS_SRC/man/hvscope-kvm.1" 2>&1 >/dev/null)
	[ -z "$w" ]; ok $? "man/hvscope-kvm.1 renders without warnings${w:+: $w}"
	missing=
	for opt in $("$HV" kvm --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$opt" = --help ] && continue
		grep -q -- "$(sed 's/-/\\\\-/g' <<<"$opt")" "$HVS_SRC/man/hvscope-kvm.1" || missing="$missing $opt"
	done
	[ -z "$missing" ]; ok $? "every option is in the man page${missing:+ (missing:$missing)}"
else
	skip "man not installed"
	skip "man not installed"
fi

# No device (a private /dev without kvm) and no permission (user nobody):
# possible to arrange only as root.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" kvm cpuid.0' "$HV" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 6 ] && grep -q '/dev/kvm' "$tmp/err"; ok $? "no /dev/kvm: exit 6 with the reason (got $rc)"
else
	skip "needs root and unshare to hide /dev/kvm"
fi
if [ "$(id -u)" -eq 0 ] && [ -e /dev/kvm ] && have util-linux cmd:setpriv &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'test -r /dev/kvm && test -w /dev/kvm'; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HV" kvm cpuid.0 >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 7 ] && grep -q 'permission' "$tmp/err"; ok $? "no permission on /dev/kvm: exit 7 (got $rc)"
else
	skip "needs root, setpriv and a /dev/kvm that user nobody cannot open"
fi

if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ] || ! "$HV" kvm cpuid.0 --quick --samples 3 >/dev/null 2>&1; then
	why="no usable /dev/kvm here"
	for i in $(seq 1 18); do skip "$why"; done
	echo "1..$n"
	exit 0
fi

# Every default benchmark, briefly. The hypercalls run on their own with a
# short watchdog: under kvm_pvm they hang (the watchdog turns that into
# 'timeout'); the 128 MiB chases need seconds to fault their set in there.
start=$(date +%s)
"$HV" kvm 'hypercall.*' --quick --samples 5 --sample-us 50 --timeout 1 >"$tmp/hc" 2>&1
rc=$?
sed 's/^/# /' "$tmp/hc"
names=$(awk '!/\[test only\]/ && $1 !~ /^hypercall\./ { print $1 }' "$tmp/list")
# shellcheck disable=SC2086
"$HV" kvm $names --quick --samples 5 --sample-us 50 --timeout 8 >"$tmp/all" 2>"$tmp/all.err"
rc2=$?
echo "# full run: rc $rc/$rc2 in $(($(date +%s) - start)) s"
sed 's/^/# /' "$tmp/all"
cat "$tmp/hc" >>"$tmp/all"
[ $rc -eq 0 ] || [ $rc -eq 8 ]; ok $? "hypercalls: exit 0 or 8 (timeouts only), got $rc"
[ $rc2 -eq 0 ]; ok $? "all other benchmarks: exit 0, got $rc2"
nrows=$(grep -c '^kvm\.' "$tmp/all")
nlist=$(grep -vc '\[test only\]' "$tmp/list")
[ "$nrows" -eq "$nlist" ]; ok $? "one row per default benchmark ($nrows of $nlist)"
! grep -E '^kvm\.' "$tmp/all" | grep -v '^kvm\.hypercall\.' | grep -qE '  (fail|timeout)'; ok $? "no benchmark but the hypercalls failed or timed out"
grep -qE '^kvm\.cpuid\.0 .*  pass$' "$tmp/all"; ok $? "cpuid.0 passes"
grep -qE '^# hvscope kvm: paging (EPT|NPT|shadow|unknown) ' "$tmp/all"; ok $? "paging mode recorded"

# Exit evidence from KVM's binary stats: exits/op (col 5) and emul/op (col 6).
col() { awk -v b="kvm.$1" -v c="$2" '$1 == b { print $c }' "$tmp/all"; }
if [ "$(col pio.in.user 5)" = "-" ] || [ -z "$(col pio.in.user 5)" ]; then
	for i in 1 2 3; do skip "KVM binary stats not readable"; done
else
	bad=""
	for b in pio.in.user pio.out.user mmio.rd.user mmio.wr.user; do
		awk -v v="$(col $b 5)" 'BEGIN { exit !(v >= 0.9) }' || bad="$bad $b=$(col $b 5)"
	done
	[ -z "$bad" ]; ok $? "user-space I/O: >= 0.9 exits per op${bad:+ (bad:$bad)}"
	bad=""
	for b in cpuid.0 cpuid.hv msr.rd.tsc_adjust pio.in.kernel pio.out.kernel; do
		grep -qE "^kvm\.$b .*  pass$" "$tmp/all" || continue
		awk -v a="$(col $b 5)" -v e="$(col $b 6)" 'BEGIN { exit !(a + e >= 0.5) }' || bad="$bad $b"
	done
	[ -z "$bad" ]; ok $? "exiting instructions: an exit or an emulated instruction per op${bad:+ (bad:$bad)}"
	awk -v v="$(col tlb.chase.2m.1m 5)" 'BEGIN { exit !(v < 0.5) }'; ok $? "pointer chase causes no exits per op"
fi

# The watchdog: a payload doing CLI;HLT forever is stopped, and the next
# benchmark of the same run still runs.
start=$(date +%s)
"$HV" kvm selftest.hang cpuid.0 --quick --samples 3 --timeout 1 >"$tmp/hang" 2>&1
rc=$?
el=$(($(date +%s) - start))
sed 's/^/# /' "$tmp/hang"
[ $rc -eq 8 ]; ok $? "hanging payload: exit 8 (got $rc)"
grep -qE '^kvm\.selftest\.hang .*timeout: watchdog fired .*rip 0x' "$tmp/hang"; ok $? "reported as timeout with RIP"
grep -qE '^kvm\.cpuid\.0 .*  pass$' "$tmp/hang" && [ $el -le 10 ]; ok $? "the run goes on after the timeout (${el} s)"

# No VM can be set up (guest memory cannot be mapped under a small address
# space limit): every benchmark is skipped with the reason, exit 6.
if [ "${HVS_SANITIZE:-0}" = 1 ]; then
	skip "ASan needs more address space than the limit leaves"
else
	(ulimit -v 600000; "$HV" kvm cpuid.0 pio.in.user --quick >"$tmp/nomem" 2>&1)
	rc=$?
	[ $rc -eq 6 ] && [ "$(grep -c 'skip: VMM setup: mmap' "$tmp/nomem")" -eq 2 ]; ok $? "no VM possible: skips with the reason, exit 6 (got $rc)"
fi

# A result file: schema-valid, the metrics with their samples and exits.
"$HV" kvm cpuid.0 xsetbv --quick --samples 5 --out "$tmp/res.json" --tag ci=1 >/dev/null 2>&1
rc=$?
if have python3-jsonschema py:jsonschema; then
	python3 "$HVS_SRC/tests/lib/validate.py" "$tmp/res.json"; ok $? "--out writes a schema-valid result file (rc $rc)"
else
	skip "python3-jsonschema missing"
fi
python3 - "$tmp/res.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["name"]: x for x in d["metrics"]}
c = m["kvm.cpuid.0"]
ok = (c["outcome"] == "pass" and len(c["samples"]) == 5 and "exits_per_op" in c["extra"]
      and m["kvm.xsetbv"]["outcome"] in ("pass", "skip") and d["run"]["tags"]["driver"] == "kvm"
      and d["run"]["tags"]["ci"] == "1" and "paging" in d["run"]["tags"])
sys.exit(0 if ok else 1)
PY
ok $? "result file: samples, exits per op, outcome and tags per benchmark"

# --json: the result file alone on stdout (the table on stderr); not with --out FILE.
"$HV" kvm cpuid.0 --quick --samples 3 --json >"$tmp/kj.json" 2>"$tmp/kj.err"
rc=$?
[ $rc = 0 ] && python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["metrics"][0]["name"] == "kvm.cpuid.0"' "$tmp/kj.json" &&
	grep -qE '^kvm\.cpuid\.0 .*  pass$' "$tmp/kj.err"
ok $? "--json: only the result file on stdout, the table on stderr (rc $rc)"
"$HV" kvm cpuid.0 --json --out "$tmp/x.json" >/dev/null 2>&1; ok $(($? != 2)) "--json with --out FILE: exit 2"

"$HV" kvm selftest.ud --quick --samples 3 >"$tmp/ud" 2>&1
grep -qE '^kvm\.selftest\.ud .*  pass$' "$tmp/ud"; ok $? "the payload's #UD handler catches UD2"
# (carrying it is the point: a row measured, pass or, when the machine's
# load makes 5 samples' CI reach zero, inconclusive with the reason)
"$HVS" kvm cpuid.0 pio.in.user --quick --samples 5 >"$tmp/st" 2>&1
[ "$(grep -cE '^kvm\.(cpuid\.0|pio\.in\.user) +[0-9].*  (pass|inconclusive: .*)$' "$tmp/st")" -eq 2 ]
ok $? "the static binary carries the payload too ($(grep -E '^kvm\.' "$tmp/st" | tr -s ' ' | tr '\n' ';'))"

echo "1..$n"
exit 0
