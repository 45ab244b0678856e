#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# regress: synthetic nightly series (60 nights, 5 metrics, 1% night-to-night
# noise) with a planted pattern in synthetic.m000: a step is caught and dated,
# a slow drift is caught, a lone outlier night is not, flat history passes;
# four verdicts with the step each history could see, `now` always the newest
# value; `report --db` marks exactly regress's change points; contexts
# (config tag) are kept apart; bad input gets distinct exit codes.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
MK="python3 $HVS_SRC/tests/lib/mkmany.py"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=[x for x in d["metrics"] if x["name"]==sys.argv[2]][0]; print(m.get(sys.argv[3],""))' "$@"; }

echo "1..24"
for k in flat step drift outlier; do
	$MK "$T/$k" 60 --series $k --prefix $k --tag config=a
	$H ingest --quiet --db "$T/$k.db" "$T/$k"/*.json || echo "# ingest $k failed"
done

$H regress --db "$T/flat.db" --fail-on-regression > "$T/out"
ok $? "flat history: no regression (exit 0)"

# The step began at step-00050: judge the history as it was on its 2nd night.
mkdir "$T/step2"
for i in $(seq -w 0 51); do cp "$T/step/step-000$i.json" "$T/step2/"; done
$H ingest --quiet --db "$T/step2.db" "$T/step2"/*.json
$H regress --db "$T/step2.db" --json --fail-on-regression > "$T/step.json"
ok $([ $? = 1 ]; echo $?) "step: exit 1 with --fail-on-regression on the 2nd night at the new level"
[ "$(field "$T/step.json" synthetic.m000 verdict)" = slower ]
ok $? "step: synthetic.m000 slower"
b=$(field "$T/step.json" synthetic.m000 began_run)
case $b in step-00049 | step-00050 | step-00051) r=0 ;; *) r=1 ;; esac
ok $r "step: began at $b (planted at step-00050)"
[ "$(field "$T/step.json" synthetic.m000 began_commit)" = "c${b#step-}" ]
ok $? "step: the commit where it began is reported"
slow=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["slower"])' "$T/step.json")
[ "$slow" = 1 ]
ok $? "step: only that metric ($slow slower)"
$H regress --db "$T/step2.db" > /dev/null
ok $? "without --fail-on-regression: exit 0"
$H regress --db "$T/step.db" --json --fail-on-regression > "$T/step10.json"
rc=$?
v10=$(field "$T/step10.json" synthetic.m000 verdict)
# Not flagged: equivalent, or inconclusive where the 10-df tail's interval is wider than +-5%.
[ $rc = 0 ] && { [ "$v10" = equivalent ] || [ "$v10" = inconclusive ]; } &&
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"][0]; assert m["change_started"] == ["2026-02-20T00:00:00Z"], m' "$T/step10.json"
ok $? "10 nights later the step is the new level: $v10, exit 0, its change point still listed (rc $rc)"

$H regress --db "$T/drift.db" --window 60 --json --fail-on-regression > "$T/drift.json"
ok $([ $? = 1 ]; echo $?) "drift: exit 1"
b=$(field "$T/drift.json" synthetic.m000 began_run)
i=$((10#${b#drift-}))
[ "$i" -ge 26 ] && [ "$i" -le 50 ]
ok $? "drift: caught, began at $b (drift from drift-00030, +0.5%/night)"

$H regress --db "$T/outlier.db" --fail-on-regression > "$T/out"
ok $? "a lone +30% night: no regression"

$H regress --db "$T/flat.db" --json > "$T/flat.json"
python3 - "$T/flat.json" <<'P'
import json, math, sys
d = json.load(open(sys.argv[1]))
words = {m["verdict"] for m in d["metrics"]}
assert words <= {"slower", "faster", "equivalent", "inconclusive", "n/a"}, words
assert all(isinstance(m.get("now"), float) and math.isfinite(m["now"]) for m in d["metrics"]), "now"
assert all(0 < m["mde"] < 0.2 for m in d["metrics"]), [m.get("mde") for m in d["metrics"]]
assert d["equivalent"] + d["inconclusive"] == d["checked"] == 5, d
P
ok $? "flat: every metric equivalent or inconclusive, now and the detectable step on every row"
$H regress --db "$T/flat.db" > "$T/flat.txt"
! grep -qi 'no change\|nan' "$T/flat.txt" && grep -q ' equivalent, ' "$T/flat.txt"
ok $? "the table never says 'no change' or nan, and counts the verdicts"
$H regress --db "$T/flat.db" --require-mde 0.1% > /dev/null
rc=$?
$H regress --db "$T/flat.db" --require-mde 50% > /dev/null
ok $([ $rc = 12 ] && [ $? = 0 ]; echo $?) "--require-mde 0.1%: exit 12 (rc $rc); 50%: exit 0"

# report --db marks the nights regress names (same function, same parameters).
for k in step drift; do
	$H regress --db "$T/$k.db" --window 1000 --json > "$T/$k-all.json"
	$H report --db "$T/$k.db" --out "$T/rep-$k" > /dev/null 2>&1
done
python3 - "$T" <<'P'
import glob, json, os, sys, time
T = sys.argv[1]
for k in ("step", "drift"):
    d = json.load(open("%s/%s-all.json" % (T, k)))
    want = {m["name"]: sorted(m["change_started"]) for m in d["metrics"] if m["change_started"]}
    got = {}
    for f in glob.glob("%s/rep-%s/charts/trend-*.dat" % (T, k)):
        name = os.path.basename(f)[len("trend-NN-"):-len(".dat")]
        marks = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(float(l.split()[0]))))
                 for l in open(f) if not l.startswith("#") and l.split()[-1] == "1"]
        if marks:
            got[name] = sorted(marks)
    assert want and want == got, (k, want, got)
P
ok $? "report --db marks exactly the change points regress finds (step, drift)"

# Another context (config=b) in the same database is judged on its own.
$MK "$T/b" 12 --series flat --prefix b --tag config=b --seed 7
python3 - "$T/b" <<'P'
import json, os, sys
# Make config=b nights the newest ones.
for f in sorted(os.listdir(sys.argv[1])):
    p = os.path.join(sys.argv[1], f); d = json.load(open(p))
    i = int(f[2:7]); d["run"]["started"] = d["run"]["finished"] = "2026-06-%02dT00:00:00Z" % (i + 1)
    json.dump(d, open(p, "w"))
P
$H ingest --quiet --db "$T/step.db" "$T/b"/*.json
$H regress --db "$T/step.db" --fail-on-regression --json > "$T/ctx.json"
rc=$?
runs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"])' "$T/ctx.json")
[ $rc = 0 ] && [ "$runs" = 12 ]
ok $? "context config=b: its own 12 runs, not config=a's step (rc $rc, runs $runs)"

: > "$T/empty.db"
$H regress --db "$T/empty.db" > /dev/null 2> "$T/err"
ok $([ $? = 4 ] && [ "$(wc -l < "$T/err")" = 1 ]; echo $?) "empty history: exit 4, one line"
$H regress --db "$T/none.db" > /dev/null 2> "$T/err"
ok $([ $? = 9 ] && [ ! -e "$T/none.db" ]; echo $?) "missing history: exit 9, nothing created ($(cat "$T/err"))"
echo "not a database" > "$T/bad.db"
$H regress --db "$T/bad.db" > /dev/null 2> "$T/err"
rc=$?
ok $([ $rc -ge 3 ] && [ "$(wc -l < "$T/err")" = 1 ]; echo $?) "a file that is not a database: exit $rc, $(cat "$T/err")"
"$HVSCOPE_STATIC" regress --db "$T/flat.db" > /dev/null 2>&1
ok $([ $? = 6 ]; echo $?) "static build: exit 6"
$H regress --db "$T/flat.db" --window 1 > /dev/null 2>&1
ok $([ $? = 2 ]; echo $?) "bad --window: usage error"

# The host's speed, on real runs of one build (tests/data/series-quiet, runs
# 23-52): the newest run is in the host's slow state (every metric slower,
# the CPU-only intmix 7.8% too). Judged as measured it fails the gate
# (rdtsc and intmix `slower`); at the host's speed it does not.
mkdir "$T/q52"
for f in $(ls "$HVS_SRC"/tests/data/series-quiet/quick/*.json.gz | sed -n 23,52p); do
	gzip -dc "$f" > "$T/q52/$(basename "$f" .gz)"
done
$H ingest --quiet --db "$T/q52.db" "$T/q52"/*.json
$H regress --db "$T/q52.db" --fail-on-regression > "$T/q52.out"
rc=$?
ok $([ $rc = 0 ] && grep -q '^host speed, newest run: [0-9.]*% slower than over the history (the common mode of [0-9]* metrics; workload.cpu.intmix [0-9.]*% slower): every metric judged at it, as far as it follows the host$' "$T/q52.out"; echo $?) \
	"a real night in the host's slow state: exit $rc at the host's speed, the host line says so ($(sed -n 2p "$T/q52.out" | cut -c1-90))"
$H regress --db "$T/q52.db" --fail-on-regression --host-reference none > "$T/q52n.out"
rc=$?
ok $([ $rc = 1 ] && grep -q '^host speed, newest run: off (--host-reference none): judged as measured$' "$T/q52n.out"; echo $?) \
	"the same night as measured (--host-reference none): exit $rc, the gate fails ($(grep -c ' slower began' "$T/q52n.out") rows slower)"
$H regress --db "$T/q52.db" --json > "$T/q52.json"
python3 -c 'import json,sys; h = json.load(open(sys.argv[1]))["host"]; assert h["taken"] and h["reference"] == "workload.cpu.intmix" and 1.03 < h["suite"] < 1.15 and 1.03 < h["reference_factor"] < 1.15, h' "$T/q52.json"
ok $? "--json: the host object (taken, the reference, both factors)"

