#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verdict-eval.t - issue 11's acceptance numbers that hold, kept as a gate on
# the judge: scripts/compare-eval.py and scripts/regress-eval.py on the two
# kept series of real result files (tests/data/series: a shared machine at
# load 1-14; tests/data/series-quiet: the same machine idle), every verdict
# the real `hvscope compare`/`regress` of this build. The data are fixed and
# compare/regress are deterministic, so a change to the statistics that
# costs power or adds false alarms fails here. Asserted, per series (docs/
# harness.md "Evaluation on this machine" has the numbers and the goals that
# are not met - two-state shifts over all states, regress's 2nd-night delay
# in every history - which are not asserted):
# same-build pairs failing the gate <= 5% (one run and six runs a side); a
# planted 10% in one metric never `equivalent`; a run against
# itself x1.10 never `equivalent` and always failing the gate; six runs a
# side flag >= 80% of 10% regressions in one-state metrics whose runs agree
# within 3%; interleaved same-build rounds pass the gate; on the quiet
# series, a 10% shift of one state whose runs agree within 3% is flagged in
# >= 80%; regress (judging at the host's speed) fails its gate on <= 1% of
# the 30-night-history nights of both series together, and flags a 10% step
# planted in one class of metrics by its 2nd night in >= 70% of the
# histories whose night CV is <= 3%. ~2-3 min.
set -u
: "${HVSCOPE:?}" "${HVS_SRC:?}"
. "$HVS_SRC/tests/lib/need.sh"
need python3 /usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-tve.XXXXXX")
trap 'rm -rf "$T"' EXIT
for s in series series-quiet; do
	HVSCOPE=$HVSCOPE python3 "$HVS_SRC/scripts/compare-eval.py" "$HVS_SRC/tests/data/$s" > "$T/$s.compare" 2> "$T/$s.err" ||
		echo "compare-eval.py $s: exit $?: $(tail -1 "$T/$s.err")" > "$T/$s.compare"
done
for s in series series-quiet; do
	HVSCOPE=$HVSCOPE python3 "$HVS_SRC/scripts/regress-eval.py" "$HVS_SRC/tests/data/$s" > "$T/$s.regress" 2> "$T/r.err" ||
		echo "regress-eval.py $s: exit $?: $(tail -1 "$T/r.err")" > "$T/$s.regress"
done
python3 - "$T" << 'PY'
import re, sys
d = sys.argv[1]
n = 0


def ok(cond, what, line, text=""):
    global n
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, what))
    if not cond:
        last = text.strip().splitlines()[-1:] or ["(no output)"]
        print("# " + (line or "no such line in the evaluation's output; its last line: " + last[0]))


def find(text, prefix):
    return next((l for l in text.splitlines() if l.startswith(prefix)), "")


def counts(line, k=0):
    m = re.findall(r"(\d+) of (\d+)", line)
    return (int(m[k][0]), int(m[k][1])) if len(m) > k else (None, None)


print("1..20")
for s in ("series", "series-quiet"):
    t = open("%s/%s.compare" % (d, s)).read()
    for key, what in (("null 1v1:", "one run a side"), ("null 6v6:", "six runs a side")):
        line = find(t, key)
        a, b = counts(line)
        ok(a is not None and b and a <= 0.05 * b, "%s: same-build pairs failing the gate, %s: <= 5%%" % (s, what), line, t)
    line = find(t, "plant1 1v1:")
    a, b = counts(line)
    ok(a == 0 and b and b >= 100, "%s: a planted 10%% in one metric never equivalent" % s, line, t)
    line = find(t, "self x1.10:")
    a, b = counts(line)
    g, gb = counts(line, 1)
    ok(a == 0 and b and g == gb == b, "%s: a run against itself x1.10 never equivalent, always failing the gate" % s, line, t)
    line = find(t, "power6: 10% regressions")
    a, b = counts(line)
    ok(a is not None and b and b >= 20 and a >= 0.8 * b, "%s: six runs a side flag >= 80%% of one-state 10%% regressions (runs within 3%%)" % s, line, t)
    rl = [l for l in t.splitlines() if l.startswith("rounds r")]
    ok(len(rl) >= 6 and all("gate passes" in l for l in rl), "%s: interleaved same-build rounds pass the gate (%d lines)" % (s, len(rl)),
       next((l for l in rl if "gate passes" not in l), ""), t)
    ok("suite slower" in " ".join(rl) and all("suite slower" in l for l in rl),
       "%s: interleaved rounds x1.10: the suite is slower every time" % s, next((l for l in rl if "suite slower" not in l), ""), t)
t = open("%s/series-quiet.compare" % d).read()
line = find(t, "states: the same, states whose run locations spread <= 3%")
a, b = counts(line)
ok(a is not None and b and b >= 10 and a >= 0.8 * b,
   "series-quiet: a 10% shift of a state whose runs agree within 3% is flagged in >= 80%", line, t)
fa = [0, 0]
for s in ("series", "series-quiet"):
    r = open("%s/%s.regress" % (d, s)).read()
    line = find(r, "false alarms: with a full")
    a, b = counts(line, 1)
    ok(a is not None and b and b >= 30, "%s: regress's false-alarm nights counted (%s)" % (s, line[:60]), line, r)
    fa[0] += a or 0
    fa[1] += b or 0
    line = find(r, "delay: histories whose own night CV")
    a, b = counts(line)
    ok(a is not None and b and b >= 20 and a >= 0.7 * b,
       "%s: a 10%% step in one class of metrics flagged by its 2nd night in >= 70%% of histories at night CV <= 3%%" % s, line, r)
ok(fa[1] >= 120 and fa[0] <= 0.01 * fa[1],
   "both series: regress's gate fails on <= 1%% of nights with a 30-night history (%d of %d)" % tuple(fa), "", "")
sys.exit(0)
PY
