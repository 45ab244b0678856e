#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest --matrix with rounds: two native targets (real quick runs of one
# benchmark, ~0.5 s a target) round-robin, per-round result files, each
# target's rounds merged for the summary, and each target judged against
# the baseline from its paired rounds; the rounds key and --rounds checked.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

echo "1..7"
cat > "$T/m.conf" <<'CONF'
[defaults]
baseline = n1
rounds = 3

[target n1]
kind = native
run = run --quick --no-checks --bench syscall.getppid

[target n2]
kind = native
run = run --quick --no-checks --bench syscall.getppid
CONF
$H guest --matrix "$T/m.conf" --out "$T/out" > "$T/o" 2> "$T/e"
rc=$?
ok $rc "a 3-round matrix of two native targets exits 0"
order=$(sed -n 's/^hvscope: guest: \([a-z0-9]*\) (native) \.\.\.$/\1/p' "$T/e" | tr '\n' ' ')
[ "$order" = "n1 n2 n1 n2 n1 n2 " ]
ok $? "round-robin order: $order"
[ -s "$T/out/round-1/n1.json" ] && [ -s "$T/out/round-3/n2.json" ] && [ -s "$T/out/summary.md" ]
ok $? "per-round results in DIR/round-K/, the summary in DIR"
python3 "$HVS_SRC/tests/lib/validate.py" "$T/out/n2.json" 2> /dev/null && python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/n2.json"))
m = [m for m in d["metrics"] if m["name"] == "syscall.getppid"][0]
per = [[x for x in json.load(open(sys.argv[1] + "/round-%d/n2.json" % k))["metrics"]
        if x["name"] == "syscall.getppid"][0]["summary"]["median"] for k in (1, 2, 3)]
assert m["process_medians"] == per, (m["process_medians"], per)
assert d["run"]["tags"]["rounds"] == "3" and d["run"]["tags"]["target"] == "n2"' "$T/out"
ok $? "DIR/n2.json merges the 3 rounds (process medians = round medians) and validates"
grep -q '^== n2 against n1: 3 round-robin round(s)' "$T/o" && grep -q 'cancelled by pairing the rounds' "$T/o" &&
	grep -Eq '^syscall.getppid .*(equivalent|inconclusive|slower|faster)' "$T/o"
ok $? "n2 judged against n1 from the paired rounds ($(grep '^syscall.getppid' "$T/o" | sed 's/  */ /g'))"
$H guest --matrix "$T/m.conf" --rounds 2 --only n1,n2 --out "$T/o2" > /dev/null 2>&1 && [ -d "$T/o2/round-2" ] && [ ! -d "$T/o2/round-3" ]
ok $? "--rounds 2 overrides the matrix's rounds"
sed 's/^rounds = 3/rounds = 0/' "$T/m.conf" > "$T/bad.conf"
$H guest --matrix "$T/bad.conf" --list > /dev/null 2> "$T/be"
r1=$?
$H guest --matrix "$T/m.conf" --rounds 65 > /dev/null 2>&1
r2=$?
[ $r1 = 4 ] && grep -q 'line 3: rounds = 0: out of range' "$T/be" && [ $r2 = 2 ]
ok $? "rounds = 0 in the matrix: exit $r1 with the line; --rounds 65: exit $r2"
