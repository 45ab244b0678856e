#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""compare-eval.py DIR [COMPARE-ARGS...] - how `hvscope compare` does on kept
noise trials (DIR/a1.json, b1.json, a2.json, ... as written by
HVS_NOISE_KEEP=DIR bash tests/lib/noise-trials.sh N M):

  null   the consecutive pairs (a_i, b_i): trials with nothing flagged;
  power  a 10% regression planted in one metric of b_i (samples and process
         medians scaled), each metric of each pair in turn: how often compare
         calls it "slower" (POWER=0 skips this part: it runs compare
         pairs x metrics times);
  noise  per metric, the spread of log process medians within a run against
         the spread of the difference between consecutive runs: a ratio
         above 1 is run-level noise that no test over one pair can see.

Every verdict is the real `hvscope compare --json` ($HVSCOPE, default
bin/hvscope); extra arguments go to it (e.g. --alpha 0.01). The numbers in
docs/harness.md and docs/PERFORMANCE.md ("Harness") come from this script.
"""
import copy
import glob
import json
import math
import os
import statistics as st
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
from plant import plant_regression  # noqa: E402

if len(sys.argv) < 2:
    sys.exit(__doc__)
d, args = sys.argv[1], sys.argv[2:]
here = os.path.dirname(os.path.abspath(__file__))
H = os.environ.get("HVSCOPE", os.path.join(here, "..", "bin", "hvscope"))
n = len(glob.glob(os.path.join(d, "a*.json")))
if n == 0:
    sys.exit("compare-eval: no a*.json in " + d)


def compare(a, b):
    p = subprocess.run([H, "compare", "--json"] + args + [a, b], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("compare-eval: compare %s %s: %s" % (a, b, p.stderr.strip()))
    return json.loads(p.stdout)


def path(s, i):
    return os.path.join(d, "%s%d.json" % (s, i))


flagged = []
for i in range(1, n + 1):
    c = compare(path("a", i), path("b", i))
    bad = ["%s %s %.3f" % (m["name"], m["verdict"], m["ratio"])
           for m in c["metrics"] if m["verdict"] in ("slower", "faster")]
    if bad:
        flagged.append("trial %d: %s" % (i, ", ".join(bad)))
print("null: nothing flagged in %d of %d consecutive pairs" % (n - len(flagged), n))
for f in flagged:
    print("  " + f)


def logmed(r, name):
    for m in r["metrics"]:
        pm = m.get("process_medians")
        if m["name"] == name and pm and all(x > 0 for x in pm):
            return [math.log(x) for x in pm]
    return None


A = [json.load(open(path("a", i))) for i in range(1, n + 1)]
B = [json.load(open(path("b", i))) for i in range(1, n + 1)]
print("noise: %-30s %9s %9s %6s" % ("metric", "sd(diff)", "expected", "ratio"))
for name in [m["name"] for m in A[0]["metrics"] if m.get("process_medians")]:
    diffs, within, k = [], [], 0
    for a, b in zip(A, B):
        x, y = logmed(a, name), logmed(b, name)
        if x and y and len(x) > 1 and len(y) > 1:
            diffs.append(st.mean(y) - st.mean(x))
            within.append((st.variance(x) / len(x) + st.variance(y) / len(y)))
    if len(diffs) < 3:
        continue
    obs = math.sqrt(st.mean([v * v for v in diffs]))
    exp = math.sqrt(st.mean(within))
    print("       %-30s %9.4f %9.4f %6.2f" % (name, obs, exp, obs / exp if exp else float("nan")))

if os.environ.get("POWER", "1") == "0":
    sys.exit(0)
hit = tot = 0
per = {}
tmp = tempfile.mkdtemp()
try:
    for i in range(1, n + 1):
        b = B[i - 1]
        for j, m in enumerate(b["metrics"]):
            if not m.get("process_medians") or m["outcome"] != "pass" or "skipped" in m["flags"]:
                continue
            b2 = copy.deepcopy(b)
            plant_regression(b2["metrics"][j], 1.10)
            with open(os.path.join(tmp, "b.json"), "w") as fh:
                json.dump(b2, fh)
            c = compare(path("a", i), os.path.join(tmp, "b.json"))
            row = [x for x in c["metrics"] if x["name"] == m["name"]][0]
            ok = row["verdict"] == "slower"
            hit += ok
            tot += 1
            per.setdefault(m["name"], [0, 0])
            per[m["name"]][0] += ok
            per[m["name"]][1] += 1
finally:
    for f in glob.glob(os.path.join(tmp, "*")):
        os.unlink(f)
    os.rmdir(tmp)
print("power: a planted 10%% step called slower in %d of %d cases" % (hit, tot))
for name, (h, t) in per.items():
    print("       %-30s %d/%d" % (name, h, t))
