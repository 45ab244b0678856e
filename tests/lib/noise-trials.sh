#!/bin/bash
# noise-trials.sh TRIALS MIN_CLEAN [RUN-ARGS...] - run `hvscope run --quick
# [RUN-ARGS]` twice per trial
# (same build, same machine) and compare: count trials where compare flags
# nothing (every metric "no change" or n/a). Prints TAP lines for the
# caller's plan: the result files validate, and clean >= MIN_CLEAN.
set -u
trials=$1 min=$2
shift 2
H=${HVSCOPE:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
clean=0 valid=0
for i in $(seq 1 "$trials"); do
	$H run --quick --no-checks "$@" --out "$T/a$i.json" > /dev/null 2>&1
	$H run --quick --no-checks "$@" --out "$T/b$i.json" > /dev/null 2>&1
	if $H compare --json "$T/a$i.json" "$T/b$i.json" > "$T/c$i.json"; then
		flags=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(m["name"]+":"+m["verdict"] for m in d["metrics"] if m["verdict"] in ("slower","faster")))' "$T/c$i.json")
		if [ -z "$flags" ]; then clean=$((clean + 1)); else echo "# trial $i flagged: $flags"; fi
	else
		echo "# trial $i: compare failed"
	fi
done
python3 "$HVS_SRC/tests/lib/validate.py" "$T"/a*.json "$T"/b*.json 2>/dev/null && valid=1
[ $valid = 1 ] && echo "ok - all $((2 * trials)) result files validate" || echo "not ok - result files validate"
[ $clean -ge "$min" ] && r=ok || r="not ok"
echo "$r - two runs of the same build${*:+ ($*)}: nothing flagged in $clean of $trials trials (need $min)"
