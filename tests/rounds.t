#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run --rounds: randomized interleaved rounds of real runs (one or two
# benchmarks, --quick: a round takes about 0.3 s). Two sides judged by
# compare --paired with its exit codes; hooks, exec: and cmd: sides; the
# seeded, recorded order; one side merged into one result; --target-ci
# stopping on the target or the budget and naming what stayed wide;
# usage errors.
set -u
. "$HVS_SRC/tests/lib/need.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
py() { python3 -c "$@"; }
# DIR/rounds.json against results-schema/rounds.schema.json
plan_valid() { python3 -c 'import json,sys
from jsonschema import Draft202012Validator
s=json.load(open(sys.argv[1])); Draft202012Validator.check_schema(s)
Draft202012Validator(s).validate(json.load(open(sys.argv[2])))' "$HVS_SRC/results-schema/rounds.schema.json" "$1"; }
R="--quick --no-checks --bench syscall.getppid"

echo "1..16"
$H run $R --rounds 3 --side A= --side B= --seed 5 --out "$T/aa" > "$T/aa.out" 2> "$T/aa.err"
rc=$?
[ $rc = 0 ] && [ "$(ls "$T"/aa/A.*.json | wc -l)" = 3 ] && [ "$(ls "$T"/aa/B.*.json | wc -l)" = 3 ] &&
	grep -q 'cancelled by pairing the rounds' "$T/aa.out" && grep -q '^syscall.getppid ' "$T/aa.out"
ok $? "A/A, 3 rounds: exit $rc, DIR/A.K.json and DIR/B.K.json, the paired compare's table"
python3 "$HVS_SRC/tests/lib/validate.py" "$T"/aa/A.2.json 2> /dev/null &&
	py 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["run"]["tags"]["side"]=="B" and d["run"]["tags"]["round"]=="3", d["run"]["tags"]' "$T/aa/B.3.json"
ok $? "round files validate and carry the tags side=NAME,round=K"
py 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["type"]=="hvscope-rounds" and d["seed"]==5 and d["rounds"]==3 and d["stopped_by"]=="rounds"
assert [s["name"] for s in d["sides"]]==["A","B"]
assert [o["round"] for o in d["order"]]==[1,2,3]
assert all(sorted(o["sides"])==["A","B"] and o["seconds"]>0 for o in d["order"])' "$T/aa/rounds.json" &&
	plan_valid "$T/aa/rounds.json"
ok $? "DIR/rounds.json: seed, sides, each round's order and time, why it stopped; validates"
$H run $R --rounds 3 --side A= --side B= --unpaired --out "$T/up" > "$T/up.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q 'judged as groups of runs (--unpaired)' "$T/up.out" && grep -q 'measured from the runs' "$T/up.out"
ok $? "--unpaired: the same schedule judged as groups of runs (exit $rc)"
# The order is the seed's: the same seed, the same order; over 3 seeds x 3 rounds both orders occur.
# (the sides copy a round file: the order, not the numbers, is checked here)
for sd in 5:aa2 6:aa3; do
	$H run $R --rounds 3 --side "A=cmd:cp $T/aa/A.1.json \$HVS_OUT" --side "B=cmd:cp $T/aa/B.1.json \$HVS_OUT" \
		--seed ${sd%%:*} --out "$T/${sd#*:}" > /dev/null 2>&1
done
py 'import json,sys
o=lambda p: [x["sides"] for x in json.load(open(p))["order"]]
a,b,c=(o(p) for p in sys.argv[1:])
assert a==b, (a,b)
assert {tuple(x) for x in a+c}=={("A","B"),("B","A")}, (a,c)' "$T/aa/rounds.json" "$T/aa2/rounds.json" "$T/aa3/rounds.json"
ok $? "same seed, same order; both orders occur (seed 5: $(py 'import json,sys;print([" ".join(x["sides"]) for x in json.load(open(sys.argv[1]))["order"]])' "$T/aa/rounds.json"))"

# Hooks: run before the side's round, with HVS_SIDE and HVS_ROUND; output in DIR/NAME.K.log.
$H run $R --rounds 2 --side 'base=echo hook-$HVS_SIDE-$HVS_ROUND' --side "static=exec:$HVSCOPE_STATIC" \
	--out "$T/hk" > "$T/hk.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^hook-base-2$' "$T/hk/base.2.log" && [ -s "$T/hk/static.1.json" ] &&
	grep -q '== static against base: 2 interleaved' "$T/hk.out"
ok $? "a hook side (its output in base.2.log) against exec:hvscope-static: exit $rc"
# A failing hook stops the rounds: exit 9, the round and side named, rounds.json written.
$H run $R --rounds 3 --side A= --side 'B=test $HVS_ROUND != 2' --seed 1 --out "$T/fh" > /dev/null 2> "$T/fh.err"
rc=$?
[ $rc = 9 ] && grep -q 'round 2, side B: exit 1' "$T/fh.err" &&
	py 'import json,sys; assert json.load(open(sys.argv[1]))["rounds"]==1' "$T/fh/rounds.json"
ok $? "a failing hook: exit $rc, '$(grep 'run:' "$T/fh.err")'"
# A cmd: side that writes no result file is a failed round.
$H run $R --rounds 2 --side A= --side 'B=cmd:true' --out "$T/nf" > /dev/null 2> "$T/nf.err"
rc=$?
[ $rc = 9 ] && grep -q 'side B: exit 1' "$T/nf.err"
ok $? "cmd: side writing no \$HVS_OUT: exit $rc"
# A real slowdown: side B's rounds run under strace tracing getppid (a
# ptrace stop per call: tens of times slower). Slower, exit 1 under --fail-on-regression.
# (LeakSanitizer cannot run under ptrace: off for that side in an ASan build.)
if have strace cmd:strace && strace -qq -o /dev/null true 2> /dev/null; then
	$H run $R --rounds 3 --side A= \
		--side "B=cmd:ASAN_OPTIONS=\${ASAN_OPTIONS:-}:detect_leaks=0 strace -f -qq -e trace=getppid -o /dev/null $H run \$HVS_RUN_ARGS --out \"\$HVS_OUT\"" \
		--fail-on-regression --out "$T/st" > "$T/st.out" 2> "$T/st.err"
	rc=$?
	[ $rc = 1 ] && grep -q '^syscall.getppid .* slower' "$T/st.out"
	ok $? "B under strace: slower, exit $rc with --fail-on-regression (B/A $(grep '^syscall.getppid' "$T/st.out" | awk '{print $6}'))"
else
	n=$((n + 1)); echo "ok $n # SKIP strace cannot trace here"
fi
# Without --fail-on-regression the same verdict exits 0 (checked on the files, no new runs).
if [ -d "$T/st" ]; then
	$H compare --paired "$T"/st/A.*.json -- "$T"/st/B.*.json > /dev/null 2>&1
	ok $? "compare --paired over the round files agrees (exit 0 without the gate)"
else
	n=$((n + 1)); echo "ok $n # SKIP no strace rounds"
fi

# One side: rounds merged into one result; process medians = the rounds' medians.
$H run $R --rounds 3 --out "$T/one" > "$T/one.out" 2>&1
rc=$?
[ $rc = 0 ] && python3 "$HVS_SRC/tests/lib/validate.py" "$T/one/merged.json" 2> /dev/null &&
	py 'import json,sys
d=json.load(open(sys.argv[1])); m=[m for m in d["metrics"] if m["name"]=="syscall.getppid"][0]
r=[json.load(open(sys.argv[1].replace("merged","run.%d" % k))) for k in (1,2,3)]
med=[[x for x in q["metrics"] if x["name"]=="syscall.getppid"][0]["summary"]["median"] for q in r]
assert m["process_medians"]==med, (m["process_medians"], med)
assert m["summary"]["n"]==sum(len([x for x in q["metrics"] if x["name"]=="syscall.getppid"][0]["samples"]) for q in r)
assert d["run"]["tags"]["rounds"]=="3"' "$T/one/merged.json"
ok $? "one side, 3 rounds: merged.json validates, its process medians are the 3 rounds' medians (exit $rc)"

# --target-ci: a wide target is met after the first judgement (round 3).
$H run $R --target-ci 60% --out "$T/tw" > "$T/tw.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q 'within +-60% after 3 round' "$T/tw.out" &&
	py 'import json,sys; d=json.load(open(sys.argv[1])); assert d["stopped_by"]=="target" and d["rounds"]==3 and d["wide"]==[]' "$T/tw/rounds.json"
ok $? "--target-ci 60%: stops after 3 rounds, every metric within (exit $rc)"
# A target no host meets, a short budget: stopped by the budget, the metrics named with why.
$H run --quick --no-checks --bench syscall.getppid,ipc.membarrier --target-ci 0.01% --budget 3 \
	--fail-on-inconclusive --out "$T/tn" > "$T/tn.out" 2>&1
rc=$?
[ $rc = 12 ] && grep -q 'not within +-0.01% after .* stopped by the time budget' "$T/tn.out" &&
	grep -Eq '^  syscall.getppid +\+-[0-9.]+%  (noisy|drifting|two states)' "$T/tn.out" &&
	py 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["stopped_by"]=="budget" and 3<=d["rounds"]<64 and d["seconds"]<30
w={x["name"]:x for x in d["wide"]}
assert "syscall.getppid" in w and w["syscall.getppid"]["halfwidth"]>0.0001 and w["syscall.getppid"]["why"]' "$T/tn/rounds.json" &&
	plan_valid "$T/tn/rounds.json"
ok $? "--target-ci 0.01% --budget 3: stopped by the budget, wide metrics named with a reason, exit $rc under --fail-on-inconclusive"
grep -E '^  ipc.membarrier.ipi +\+-' "$T/tn.out" | grep -q 'two states\|noisy\|drifting'
ok $? "the bimodal IPI metric gets its reason ($(grep -E '^  ipc.membarrier.ipi +\+-' "$T/tn.out" | sed 's/  */ /g'))"

# Usage errors.
bad=0
for a in "--side A=" "--seed 3" "--rounds 0" "--rounds 65" "--rounds 2 --out -" "--rounds 2 --side a/b=" \
	"--rounds 2 --side A= --side A=" "--rounds 2 --target-ci 5%" "--rounds 3 --budget 5" "--rounds 2 --side A=exec:" \
	"--rounds 2 --tag bad"; do
	(cd "$T" && $H run $R $a > /dev/null 2>&1) # in $T: a wrongly accepted one leaves its DIR there
	rc=$?
	[ $rc = 2 ] || { echo "# run $a: exit $rc" >&2; bad=1; }
done
ok $bad "usage errors exit 2 (side without rounds, bad counts, --out -, bad or repeated names, --budget without --target-ci, a bad tag)"
$H run --help | grep -q -- '--target-ci P%' && $H run --help | grep -q -- '--side NAME=SPEC'
ok $? "--help names --rounds, --side and --target-ci"
