#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# compare: four verdicts (slower, faster, equivalent, inconclusive with the
# change it could have seen); one run a side is honest about what it cannot
# prove; groups of runs (A... -- B...) measure the between-run spread; a
# planted 10% regression is flagged, and only it; two-state metrics; the
# load warning; exit codes 0/1/12 and every kind of bad input with its
# one-line error and its own code; every result file validates.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
MK="python3 $HVS_SRC/tests/lib/mkresult.py"
VAL="python3 $HVS_SRC/tests/lib/validate.py"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

echo "1..47"
$MK "$T/a.json" --metrics 20 --seed 11
# B: A's very samples, with synthetic.m007 scaled by 1.10 (the issue's test).
python3 - "$T/a.json" "$T/b.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
for m in d["metrics"]:
    if m["name"] == "synthetic.m007":
        m["samples"] = [x * 1.10 for x in m["samples"]]
        for k in ("median", "mean", "mad", "min", "max", "ci_lo", "ci_hi"):
            m["summary"][k] *= 1.10
d["run"]["id"] = "scaled"
json.dump(d, open(sys.argv[2], "w"))
P
$VAL "$T/a.json" "$T/b.json" 2>/dev/null
ok $? "synthetic files validate against the schema"
verdicts() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%s=%s" % (m["name"][-4:], m["verdict"]) for m in d["metrics"]))' "$1"; }
count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(m["verdict"]==sys.argv[2] for m in d["metrics"] if m["name"]!="synthetic.m007"))' "$1" "$2"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=[x for x in d["metrics"] if x["name"]==sys.argv[2]][0]; print(m[sys.argv[3]])' "$@"; }

# One run a side: the between-run spread is assumed (3%), so a 10% step is
# not provable and nothing is equivalent at 5%: all inconclusive, said aloud.
$H compare --json "$T/a.json" "$T/b.json" > "$T/out.json"
ok $? "compare exits 0 without --fail-on-regression"
[ "$(field "$T/out.json" synthetic.m007 verdict)" = inconclusive ] && [ "$(count "$T/out.json" inconclusive)" = 19 ]
ok $? "1 vs 1, runs assumed to wander 3%: every metric inconclusive ($(verdicts "$T/out.json" | head -c 200))"
$H compare "$T/a.json" "$T/b.json" > "$T/out.txt"
grep -q 'synthetic.m007 .*inconclusive: could not see changes under [0-9]*%' "$T/out.txt" &&
	grep -q 'between-run spread ASSUMED' "$T/out.txt" && ! grep -qi 'no change' "$T/out.txt"
ok $? "the text says what one run could see and that the run spread is assumed; never 'no change'"
grep -q '^0 slower, 0 faster, 0 equivalent, 20 inconclusive, 0 n/a; 20 compared' "$T/out.txt"
ok $? "the summary counts all four verdicts ($(tail -1 "$T/out.txt" | head -c 100))"
$H compare --fail-on-inconclusive "$T/a.json" "$T/b.json" > /dev/null
ok $([ $? = 12 ]; echo $?) "--fail-on-inconclusive: exit 12"
$H compare --require-mde 5% "$T/a.json" "$T/b.json" > /dev/null
rc1=$?
$H compare --require-mde 90% "$T/a.json" "$T/b.json" > /dev/null
ok $([ $rc1 = 12 ] && [ $? = 0 ]; echo $?) "--require-mde 5%: exit 12 (rc $rc1); 90%: exit 0"

# Declared stable runs (--run-cv 0): the samples alone decide.
$H compare --json --run-cv 0 "$T/a.json" "$T/b.json" > "$T/out0.json"
slower=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(m["name"] for m in d["metrics"] if m["verdict"]=="slower"))' "$T/out0.json")
[ "$slower" = "synthetic.m007" ]
ok $? "--run-cv 0: exactly the scaled metric is slower (got '$slower')"
[ "$(count "$T/out0.json" equivalent)" = 19 ]
ok $? "--run-cv 0: the 19 identical metrics are equivalent"
$H compare --run-cv 0 --fail-on-regression "$T/a.json" "$T/b.json" > /dev/null
ok $([ $? = 1 ]; echo $?) "--fail-on-regression exits 1 on slower"
$H compare --run-cv 0 --fail-on-regression --metric-threshold 'synthetic.m00*=15%' "$T/a.json" "$T/b.json" > /dev/null
ok $? "a per-metric threshold of 15% (glob) lets 10% pass"
$H compare --run-cv 0 --fail-on-regression "$T/b.json" "$T/a.json" > "$T/rev.txt"
ok $? "reverse direction: faster, not a regression"
grep -q 'synthetic.m007.* faster$' "$T/rev.txt"
ok $? "reverse: the metric is reported faster"
$H compare --run-cv 0 --markdown "$T/a.json" "$T/b.json" | grep -q '^| synthetic.m007 .*\*\*slower\*\*'
ok $? "markdown marks the regression"
$H compare --fail-on-regression "$T/a.json" "$T/a.json" > "$T/self.txt"
ok $? "a file against itself: no regression"

# Every metric x1.10 against itself (one run a side): no row can prove it,
# the suite's geometric mean does; never "equivalent".
python3 - "$T/a.json" "$T/x.json" <<'P'
import json, sys
sys.path.insert(0, __import__("os").environ["HVS_SRC"] + "/tests/lib")
from plant import plant_regression
d = json.load(open(sys.argv[1]))
for m in d["metrics"]:
    plant_regression(m, 1.10)
d["run"]["id"] = "x110"
json.dump(d, open(sys.argv[2], "w"))
P
$H compare --json --fail-on-regression "$T/a.json" "$T/x.json" > "$T/x.out"
rc=$?
g=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["geomean_cost"]["verdict"])' "$T/x.out")
[ $rc = 1 ] && [ "$g" = slower ] && [ "$(count "$T/x.out" equivalent)" = 0 ]
ok $? "every metric x1.10: the suite is slower, exit 1 (rc $rc, suite $g), nothing equivalent"

# Groups of runs: 3 vs 3 whose levels wander by 0.5%; B's m007 10% worse.
python3 - "$T" <<'P'
import json, sys
T = sys.argv[1]
d = json.load(open(T + "/a.json"))
for side, f7 in (("A", 1.0), ("B", 1.10)):
    for i, lvl in enumerate((1.0, 1.005, 0.995) if side == "A" else (0.995, 1.0, 1.005)):
        e = json.loads(json.dumps(d))
        for m in e["metrics"]:
            f = lvl * (f7 if m["name"] == "synthetic.m007" else 1)
            m["samples"] = [x * f for x in m["samples"]]
            for k in ("median", "mean", "mad", "min", "max", "ci_lo", "ci_hi"):
                m["summary"][k] *= f
        e["run"]["id"] = "%s%d" % (side, i)
        json.dump(e, open("%s/g%s%d.json" % (T, side, i), "w"))
P
$H compare --json --fail-on-regression "$T/gA0.json" "$T/gA1.json" "$T/gA2.json" -- "$T/gB0.json" "$T/gB1.json" "$T/gB2.json" > "$T/g.json"
rc=$?
[ $rc = 1 ] && [ "$(field "$T/g.json" synthetic.m007 verdict)" = slower ] && [ "$(count "$T/g.json" equivalent)" = 19 ]
ok $? "3 vs 3 runs: m007 slower, the 19 others equivalent, exit 1 (rc $rc)"
[ "$(field "$T/g.json" synthetic.m000 between_runs)" = measured ] && [ "$(field "$T/g.json" synthetic.m000 runs_b)" = 3 ]
ok $? "3 vs 3: the between-run spread is measured from the runs"
$H compare --json "$T/gA0.json" --run-cv 0 "$T/gA1.json" -- --no-modes "$T/gB0.json" "$T/gB1.json" > /dev/null
ok $? "options on both sides of --"
$H compare "$T/gA0.json" "$T/gA1.json" -- > /dev/null 2> "$T/err"
ok $([ $? = 2 ] && grep -q 'B side has no result file' "$T/err"; echo $?) "an empty B side: usage error 2"
$H compare -- "$T/gB0.json" > /dev/null 2> "$T/err"
ok $([ $? = 2 ]; echo $?) "an empty A (baseline) side: usage error 2"

# Interleaved rounds: each round's host moment (+-8%) hits A and B alike;
# pairing the rounds cancels it, pooling the runs cannot.
python3 - "$T" <<'P'
import json, sys
T = sys.argv[1]
d = json.load(open(T + "/a.json"))
for i, lvl in enumerate((1.0, 1.08, 0.92, 1.04)):
    for side, f in (("a", 1.0), ("b", 1.10)):
        e = json.loads(json.dumps(d))
        for m in e["metrics"]:
            g = lvl * (f if m["name"] == "synthetic.m007" else 1)
            m["samples"] = [x * g for x in m["samples"]]
            for k in ("median", "mean", "mad", "min", "max", "ci_lo", "ci_hi"):
                m["summary"][k] *= g
        e["run"]["id"] = "r%s%d" % (side, i)
        json.dump(e, open("%s/r%s%d.json" % (T, side, i), "w"))
P
$H compare --json --paired "$T"/ra[0-3].json -- "$T"/rb[0-3].json > "$T/rp.json"
$H compare --json "$T"/ra[0-3].json -- "$T"/rb[0-3].json > "$T/ru.json"
[ "$(field "$T/rp.json" synthetic.m007 verdict)" = slower ] && [ "$(field "$T/rp.json" synthetic.m007 between_runs)" = paired_rounds ] &&
	[ "$(field "$T/ru.json" synthetic.m007 verdict)" = inconclusive ]
ok $? "4 rounds sharing +-8% host moments: --paired sees the 10% step ($(field "$T/rp.json" synthetic.m007 verdict)), unpaired cannot ($(field "$T/ru.json" synthetic.m007 verdict))"

# scripts/ab-rounds.sh: rounds in random order, and TARGET_CI stops once every CI is narrow enough.
TARGET_CI=5 BUDGET=60 HVSCOPE=$H bash "$HVS_SRC/scripts/ab-rounds.sh" 8 "$T/ab" "cp $T/ra1.json \$OUT" "cp $T/rb1.json \$OUT" > "$T/ab.out" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(ls "$T/ab"/a-*.json | wc -l)" = 3 ] && [ "$(wc -l < "$T/ab/order")" = 3 ] && grep -q 'within +-5% after 3 rounds' "$T/ab.out"
ok $? "ab-rounds.sh TARGET_CI=5: stops after 3 identical rounds, exit 0 (rc $rc: $(tail -1 "$T/ab.out"))"

# Fresh processes: a 10% shift smaller than the between-process spread is
# not flagged; the same shift with a tight spread is, when runs are declared stable.
python3 - "$T/a.json" "$T/pa.json" "$T/pb.json" "$T/qa.json" "$T/qb.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
def variant(spread, scale, out):
    e = json.loads(json.dumps(d))
    for m in e["metrics"]:
        med = m["summary"]["median"]
        f = scale if m["name"] == "synthetic.m007" else 1.0
        m["samples"] = [x * f for x in m["samples"]]
        for k in ("median", "mean", "mad", "min", "max", "ci_lo", "ci_hi"):
            m["summary"][k] *= f
        m["process_medians"] = [med * f * (1 - spread), med * f, med * f * (1 + spread)]
    e["run"]["id"] = out
    json.dump(e, open(out, "w"))
variant(0.15, 1.0, sys.argv[2]); variant(0.15, 1.10, sys.argv[3])
variant(0.002, 1.0, sys.argv[4]); variant(0.002, 1.10, sys.argv[5])
P
$H compare --run-cv 0 --fail-on-regression "$T/pa.json" "$T/pb.json" > "$T/p.txt"
ok $? "10% shift inside a 30% between-process spread: not a regression"
$H compare --run-cv 0 --fail-on-regression "$T/qa.json" "$T/qb.json" > /dev/null
ok $([ $? = 1 ]; echo $?) "10% shift with a 0.4% between-process spread, --run-cv 0: a regression"
$H compare --fail-on-regression "$T/qa.json" "$T/qb.json" > /dev/null
ok $? "the same with one run a side and the default --run-cv: not provable, exit 0"

# Two states (like ipc.membarrier.ipi: ~0.4 us or ~5.5 us by process): a
# flip of shares is not a slowdown; a 10% shift of one state is, with runs.
python3 - "$T" <<'P'
import json, random, sys
T = sys.argv[1]
d = json.load(open(T + "/a.json"))
m0 = d["metrics"][0]
def run(rid, share_hi, shift_lo, seed):
    r = random.Random(seed)
    e = json.loads(json.dumps(d))
    e["metrics"] = [json.loads(json.dumps(m0))]
    m = e["metrics"][0]
    m["name"] = "ipc.twostate"
    s = []
    for p in range(3):
        hi = r.random() < share_hi
        s += [(5500 if hi else 430 * shift_lo) * r.lognormvariate(0, 0.01) for _ in range(11)]
    m["samples"] = s
    m["process_medians"] = [sorted(s[i*11:(i+1)*11])[5] for i in range(3)]
    srt = sorted(s)
    m["summary"] = {"n": 33, "median": srt[16], "mean": sum(s) / 33, "mad": 1, "min": srt[0],
                    "max": srt[-1], "ci_lo": srt[10], "ci_hi": srt[22], "outliers": 0}
    e["run"]["id"] = rid
    json.dump(e, open("%s/%s.json" % (T, rid), "w"))
for i in range(6):
    run("sA%d" % i, 0.5, 1.0, i)
    run("sB%d" % i, 0.5, 1.10, 100 + i)
    run("sC%d" % i, 0.9, 1.0, 200 + i)
P
$VAL "$T/sA0.json" 2>/dev/null
ok $? "two-state files validate"
$H compare --json --fail-on-regression "$T"/sA[0-5].json -- "$T"/sC[0-5].json > "$T/s1.json"
rc=$?
v=$(field "$T/s1.json" ipc.twostate verdict)
[ $rc = 0 ] && [ "$v" != slower ] && [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["metrics"][0]["states"]))' "$T/s1.json")" = 2 ]
ok $? "share of the slow state 50% -> 90%: two states reported, not slower (got $v, rc $rc)"
$H compare --json --fail-on-regression "$T"/sA[0-5].json -- "$T"/sB[0-5].json > "$T/s2.json"
rc=$?
v=$(field "$T/s2.json" ipc.twostate verdict)
[ $rc = 1 ] && [ "$v" = slower ]
ok $? "the fast state 10% slower, 6 vs 6 runs: slower (got $v, rc $rc)"
python3 - "$T/s2.json" <<'P'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"][0]
S = m["states"][m["state_decides"] - 1]
ok = (m["state_decides"] == 1 and m["ratio"] == S["ratio"] and m["ci_lo"] == S["ci_lo"] > 1
      and m["ci_hi"] == S["ci_hi"] and 1.05 < m["ratio"] < 1.15 and S["run_cv"] < 0.02)
sys.exit(0 if ok else 1)
P
ok $? "the slower two-state row shows its deciding state's B/A and CI ($(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"][0]; print(m["state_decides"], m["ratio"], m["ci_lo"], m["ci_hi"])' "$T/s2.json"))"

# Conditions: a side measured under load is named on stderr (and in JSON).
python3 - "$T/a.json" "$T/load.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
d["context"].setdefault("power", {})["online_cpus"] = 2
for k in ("before", "after"):
    d["context"].setdefault(k, {})["loadavg"] = [6.0, 5.0, 4.0]
d["run"]["id"] = "loaded"
json.dump(d, open(sys.argv[2], "w"))
P
python3 - "$T/a.json" "$T/calm.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
d["context"].setdefault("power", {})["online_cpus"] = 2
for k in ("before", "after"):
    d["context"].setdefault(k, {})["loadavg"] = [0.1, 0.1, 0.1]
d["run"]["id"] = "calm"
json.dump(d, open(sys.argv[2], "w"))
P
$H compare --json "$T/calm.json" "$T/load.json" > "$T/w.json" 2> "$T/err"
grep -q 'different conditions: load per CPU 0.05 vs 3.00' "$T/err" &&
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["warnings"]' "$T/w.json"
ok $? "load 0.05 vs 3.00 per CPU: warned ($(head -c 120 "$T/err"))"
$H compare "$T/calm.json" "$T/calm.json" > /dev/null 2> "$T/err"
ok $([ ! -s "$T/err" ]; echo $?) "the same conditions: no warning"

# Nothing in common: bad input, not a pass.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [m.__setitem__("name", "other." + m["name"]) for m in d["metrics"]]; d["run"]["id"]="other"; json.dump(d, open(sys.argv[2], "w"))' "$T/a.json" "$T/other.json"
$H compare --fail-on-regression "$T/a.json" "$T/other.json" > /dev/null 2> "$T/err"
ok $([ $? = 4 ] && [ "$(wc -l < "$T/err")" = 1 ]; echo $?) "no metric in common: exit 4, one line ($(cat "$T/err"))"

# Bad input: one line on stderr, distinct exit codes.

# Holm's step-down on real runs: 6 vs 6 runs of the kept series (runs
# 25-36, alternately assigned, as scripts/compare-eval.py's 3rd group),
# every metric of B x1.10. Rows decided only at their Holm step carry
# holm_level (< the Bonferroni level, CI at that level excluding 1), and
# the text summary says how many.
python3 - "$T" <<'P'
import gzip, json, os, sys
T = sys.argv[1]
src = os.environ["HVS_SRC"]
sys.path.insert(0, src + "/tests/lib")
from plant import plant_regression
for i in range(12):
    d = json.load(gzip.open("%s/tests/data/series/quick/%03d.json.gz" % (src, 25 + i), "rt"))
    if i % 2:
        for m in d["metrics"]:
            if m.get("outcome") == "pass" and m.get("samples"):
                plant_regression(m, 1.10)
    json.dump(d, open("%s/h%c%d.json" % (T, "ab"[i % 2], i // 2), "w"))
P
$H compare --json "$T"/ha?.json -- "$T"/hb?.json > "$T/holm.json"
$H compare "$T"/ha?.json -- "$T"/hb?.json > "$T/holm.txt"
python3 - "$T/holm.json" "$T/holm.txt" <<'P'
import json, re, sys
d = json.load(open(sys.argv[1]))
rows = [m for m in d["metrics"] if "holm_level" in m]
good = all(m["verdict"] in ("slower", "faster") and 1 - d["alpha"] <= m["holm_level"] < 1
           and m["holm_level"] < d["level"] - 1e-9 and
           (m["ci_lo"] > 1 if m["direction"] == "lower_is_better" else m["ci_hi"] < 1) for m in rows)
txt = open(sys.argv[2]).read()
said = re.search(r"; (\d+) decided at their Holm step", txt)
print("%d rows by Holm: %s" % (len(rows), ", ".join(m["name"] for m in rows)))
sys.exit(0 if rows and good and said and int(said.group(1)) == len(rows) else 1)
P
ok $? "6 vs 6 real runs, every metric x1.10: rows decided at their Holm step carry holm_level and a CI at it that excludes 1; the summary counts them"
bad() { # file want-code description
	$H compare "$T/a.json" "$1" > /dev/null 2> "$T/err"
	local rc=$? lines
	lines=$(wc -l < "$T/err")
	[ "$rc" = "$2" ] && [ "$lines" = 1 ] && grep -q '^hvscope: ' "$T/err"
	ok $? "$3: exit $rc (want $2), $(head -c 120 "$T/err")"
}
head -c 300 "$T/a.json" > "$T/trunc.json"
bad "$T/trunc.json" 3 "truncated JSON"
sed 's/"schema_version": 1/"schema_version": 99/' "$T/a.json" > "$T/ver.json"
bad "$T/ver.json" 4 "wrong schema version"
sed 's/"iterations": 1000/"iterations": "many"/' "$T/a.json" > "$T/type.json"
bad "$T/type.json" 4 "wrong type"
$VAL "$T/type.json" 2> /dev/null
ok $([ $? = 1 ]; echo $?) "the schema validator rejects it too (the validation tests can fail)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["metrics"][3]["samples"][2]=float("nan"); json.dump(d,open(sys.argv[2],"w"))' "$T/a.json" "$T/nan.json"
bad "$T/nan.json" 4 "NaN sample"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["metrics"][3]["samples"][2]=float("-inf"); json.dump(d,open(sys.argv[2],"w"))' "$T/a.json" "$T/inf.json"
bad "$T/inf.json" 4 "-Infinity sample"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["metrics"].append(d["metrics"][0]); json.dump(d,open(sys.argv[2],"w"))' "$T/a.json" "$T/dup.json"
bad "$T/dup.json" 4 "duplicate metric"
truncate -s 1G "$T/big.json"
bad "$T/big.json" 5 "1 GB file"
bad "$T/missing.json" 9 "missing file"
echo '[1,2' > "$T/garbage.json"
bad "$T/garbage.json" 3 "not even an object, truncated"
$H compare "$T/a.json" > /dev/null 2>&1
ok $([ $? = 2 ]; echo $?) "one file only: usage error 2"
$H compare --threshold 2x "$T/a.json" "$T/b.json" > /dev/null 2>&1
ok $([ $? = 2 ]; echo $?) "bad threshold: usage error 2"
$H compare --help | grep -q 'exit: 0 ok, 1 slower (metric or suite) with --fail-on-regression, 12 an'
ok $? "--help documents exit codes"
