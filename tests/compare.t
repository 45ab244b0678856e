#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# compare: a planted 10% regression in one metric is flagged, and only it;
# every kind of bad input gets its one-line error and its own exit code;
# every result file the test writes validates against the schema.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
MK="python3 $HVS_SRC/tests/lib/mkresult.py"
VAL="python3 $HVS_SRC/tests/lib/validate.py"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

echo "1..25"
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

$H compare --json "$T/a.json" "$T/b.json" > "$T/out.json"
ok $? "compare exits 0 without --fail-on-regression"
slower=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(m["name"] for m in d["metrics"] if m["verdict"]=="slower"))' "$T/out.json")
[ "$slower" = "synthetic.m007" ]
ok $? "exactly the scaled metric is slower (got '$slower')"
other=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(m["verdict"]!="no change" for m in d["metrics"] if m["name"]!="synthetic.m007"))' "$T/out.json")
[ "$other" = 0 ]
ok $? "the 19 other metrics: no change"
$H compare --fail-on-regression "$T/a.json" "$T/b.json" > /dev/null
ok $([ $? = 1 ]; echo $?) "--fail-on-regression exits 1"
$H compare --fail-on-regression --metric-threshold 'synthetic.m00*=15%' "$T/a.json" "$T/b.json" > /dev/null
ok $? "a per-metric threshold of 15% (glob) lets 10% pass"
$H compare --fail-on-regression "$T/b.json" "$T/a.json" > "$T/rev.txt"
rc=$?
ok $rc "reverse direction: faster, not a regression"
grep -q 'synthetic.m007.*faster' "$T/rev.txt"
ok $? "reverse: the metric is reported faster"
$H compare --markdown "$T/a.json" "$T/b.json" | grep -q '^| synthetic.m007 .*\*\*slower\*\*'
ok $? "markdown marks the regression"
$H compare --fail-on-regression "$T/a.json" "$T/a.json" > /dev/null
ok $? "a file against itself: no regression"

# Fresh processes: a 10% shift smaller than the between-process spread is
# not flagged; the same shift with a tight spread is.
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
$H compare --fail-on-regression "$T/pa.json" "$T/pb.json" > "$T/p.txt"
ok $? "10% shift inside a 30% between-process spread: not a regression"
$H compare --fail-on-regression "$T/qa.json" "$T/qb.json" > /dev/null
ok $([ $? = 1 ]; echo $?) "10% shift with a 0.4% between-process spread: a regression"

# Bad input: one line on stderr, distinct exit codes.
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
$H compare --help | grep -q 'exit: 0 ok, 1 regression'
ok $? "--help documents exit codes"
