#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# noise-trials.sh TRIALS MIN_CLEAN [RUN-ARGS...] - run `hvscope run --quick
# [RUN-ARGS]` twice per trial (same build, same machine) and compare: count
# trials where compare flags nothing: no metric and not the suite's geometric
# mean slower or faster (equivalent, inconclusive and n/a are not flags).
# Prints TAP lines for the caller's plan: the result files validate, and
# clean >= MIN_CLEAN. Each flagged metric is described on stderr (ratio, CI,
# p values, process spread), so a failing gate says why in CI logs.
# HVS_NOISE_KEEP=DIR keeps the result and compare files there.
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
		flags=$(python3 - "$T/c$i.json" "$i" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = [m for m in d["metrics"] if m["verdict"] in ("slower", "faster")]
g = d["geomean_cost"]
if g["verdict"] in ("slower", "faster"):
    bad.append(dict(g, name="suite-geomean"))
for m in bad:
    def f(k, fmt):
        v = m.get(k)
        return "-" if v is None else fmt % v
    print("# trial %s flagged %s %s: ratio %s [%s, %s], could see %s, process CV %s, states %s"
          % (sys.argv[2], m["name"], m["verdict"], f("ratio", "%.3f"), f("ci_lo", "%.3f"),
             f("ci_hi", "%.3f"), f("mde", "%.3f"), f("process_cv", "%.3f"),
             len(m.get("states") or [])), file=sys.stderr)
print(",".join(m["name"] + ":" + m["verdict"] for m in bad))
PY
)
		if [ -z "$flags" ]; then clean=$((clean + 1)); else echo "# trial $i flagged: $flags"; fi
	else
		echo "# trial $i: compare failed" | tee /dev/stderr
	fi
done
python3 "$HVS_SRC/tests/lib/validate.py" "$T"/a*.json "$T"/b*.json 2>/dev/null && valid=1
if [ -n "${HVS_NOISE_KEEP:-}" ]; then mkdir -p "$HVS_NOISE_KEEP" && cp "$T"/*.json "$HVS_NOISE_KEEP"/; fi
[ $valid = 1 ] && echo "ok - all $((2 * trials)) result files validate" || echo "not ok - result files validate"
[ $clean -ge "$min" ] && r=ok || r="not ok"
echo "$r - two runs of the same build${*:+ ($*)}: nothing flagged in $clean of $trials trials (need $min)"
