#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""regress-eval.py [SERIES_DIR] [REGRESS-ARGS...] - how `hvscope regress`
does on histories built from a kept series of real result files (default
tests/data/series/quick/*.json.gz, one build, taken minutes apart under the
machine's changing load; each run stands for one night).

  false alarms  the runs ingested one by one into a history, `regress
                --window 30` after each: nights (with a full 30-night
                history; nights 10-29 apart) on which any metric is slower
                or faster (goal <= 1%), and on which the gate
                (--fail-on-regression) fails
  delay         30-run histories (several start points) whose last NIGHTS
                runs have one class of metrics x1.10 (tests/lib/plant.py;
                exit, syscall, mm, ... one at a time, each metric's delay
                read from its own class's histories): per metric, the first
                night at the new level that regress calls slower (1 = the
                first night); goal <= 2 where night CV <= 3% (night CV: the
                sd of log values of the history's nights before the step,
                measured here, not by regress; a metric's is its median
                over the histories). Also every metric but the host's
                reference (REF) planted at once: a change of everything
                the build reaches, which regress must tell from the host's
                speed by that reference.
  table         per metric: night CV (regress's own estimate, and this
                script's per history), the step the history could see
                (mde), delays

Every verdict is the real `hvscope regress --json` ($HVSCOPE, default
bin/hvscope) on a database written by the real `hvscope ingest`.
"""
import copy
import glob
import gzip
import json
import math
import os
import shutil
import statistics as st
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "lib"))
from plant import plant_regression  # noqa: E402
from serieslog import loads  # noqa: E402

argv = sys.argv[1:]
d = argv.pop(0) if argv and not argv[0].startswith("-") else os.path.join(here, "..", "tests", "data", "series")
args = argv
H = os.environ.get("HVSCOPE", os.path.join(here, "..", "bin", "hvscope"))
HIST, NIGHTS = 30, 6
REF = "workload.cpu.intmix"  # regress's --host-reference: the host's control, never planted
files = sorted(glob.glob(os.path.join(d, "quick", "*.json.gz")))
runs = [json.load(gzip.open(f, "rt")) for f in files]
if len(runs) < 12:
    sys.exit("regress-eval: need >= 12 runs in %s/quick" % d)
tmp = tempfile.mkdtemp(prefix="regress-eval.")


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit("regress-eval: %s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p


def ingest(db, r, name):
    p = os.path.join(tmp, name)
    with open(p, "w") as fh:
        json.dump(r, fh)
    run([H, "ingest", "--quiet", "--db", db, p])
    os.unlink(p)


def regress(db):
    p = run([H, "regress", "--db", db, "--window", str(HIST), "--json", "--fail-on-regression"] + args, ok=(0, 1))
    return p.returncode, json.loads(p.stdout)


def pct(k, n):
    return "%d of %d (%.1f%%)" % (k, n, 100.0 * k / n if n else float("nan"))


print("series: %d quick runs from %s (load average as they began %s); one run = one night"
      % (len(runs), d, loads(d, "quick")))

# --- false alarms -----------------------------------------------------------------
db = os.path.join(tmp, "null.db")
nights = alarm = gate = fast = 0
early = [0, 0, 0]
cv, mde = {}, {}
flag_list = []
early_list = []
for i, r in enumerate(runs):
    ingest(db, r, "n%d.json" % i)
    if i + 1 < 10:
        continue
    rc, out = regress(db)
    bad = [m["name"] + ":" + m["verdict"] for m in out["metrics"] if m["verdict"] in ("slower", "faster")]
    if i + 1 < HIST:
        early[0] += 1
        early[1] += bool(bad)
        early[2] += rc == 1
        if bad:
            early_list.append("night %d (%d-night history): %s" % (i + 1, i + 1, ", ".join(bad)))
        continue
    nights += 1
    alarm += bool(bad)
    gate += rc == 1
    fast += any(b.endswith(":faster") for b in bad)
    if bad:
        flag_list.append("night %d: %s" % (i + 1, ", ".join(bad)))
    if i + 1 >= HIST:
        for m in out["metrics"]:
            if "night_cv" in m:
                cv.setdefault(m["name"], []).append(m["night_cv"])
            if "mde" in m:
                mde.setdefault(m["name"], []).append(m["mde"])
print("false alarms: with a full %d-night history, nights with any metric slower or faster: %s "
      "(goal <= 1%%); gate fails (a metric slower) on %s; a metric faster on %s"
      % (HIST, pct(alarm, nights), pct(gate, nights), pct(fast, nights)))
print("false alarms: nights 10-%d (shorter history): any flag %s, gate fails %s"
      % (HIST - 1, pct(early[1], early[0]), pct(early[2], early[0])))
for f in flag_list:
    print("    " + f)
for f in early_list:
    print("    " + f)

# --- delay of a 10% step ------------------------------------------------------------
# A regression moves the metrics whose path changed: the step is planted in one class
# of metrics at a time (exit, syscall, mm, ...; each history's nights before the step
# ingested once), and each metric's delay is read from its own class's histories. The
# global line plants every metric but the host's reference (a change of everything the
# build reaches: regress tells it from the host's speed by that reference).
starts = list(range(0, max(1, len(runs) - HIST + 1), max(1, (len(runs) - HIST) // 5 or 1)))[:6]
delay = {}
cost2 = {}
gdelay = {}
hcv = {}  # per metric, per history: sd of log of the nights before the step (night CV)
klass = {m["name"]: m.get("class", m["name"].split(".")[0]) for r in runs for m in r["metrics"]}
groups = sorted({klass[m["name"]] for m in runs[0]["metrics"] if m.get("samples") and m["name"] != REF})


def planted(r, names):
    r = copy.deepcopy(r)
    for m in r["metrics"]:
        if m.get("samples") and m.get("outcome") == "pass" and m["name"] in names:
            plant_regression(m, 1.10)
    return r


def step(base, hist, names, tag):
    """The step's nights ingested one by one into a copy of base: per metric, its first slower night."""
    db = os.path.join(tmp, tag + ".db")
    shutil.copyfile(base, db)
    first, c2 = {}, {}
    for i in range(HIST - NIGHTS, HIST):
        ingest(db, planted(hist[i], names), tag + "%d.json" % i)
        rc, out = regress(db)
        for m in out["metrics"]:
            if m["name"] not in names:
                continue
            if i == HIST - NIGHTS + 1 and "cost" in m:
                c2[m["name"]] = m["cost"]
            if m["verdict"] == "slower" and m["name"] not in first:
                first[m["name"]] = i - (HIST - NIGHTS) + 1
    os.unlink(db)
    return first, c2


for t, s in enumerate(starts):
    hist = runs[s:s + HIST]
    if len(hist) < HIST:
        hist = runs[:HIST]
    base = os.path.join(tmp, "base%d.db" % t)
    for i in range(HIST - NIGHTS):
        ingest(base, hist[i], "b%d.json" % i)
    names = [m["name"] for m in hist[0]["metrics"] if m.get("samples")]
    first, c2 = {}, {}
    for gname in groups:
        f, c = step(base, hist, {n for n in names if klass.get(n) == gname}, "g%d%s" % (t, gname))
        first.update(f)
        c2.update(c)
    f, _ = step(base, hist, {n for n in names if n != REF}, "all%d" % t)
    os.unlink(base)
    for n in names:
        if n == REF:
            continue
        delay.setdefault(n, []).append(first.get(n))
        gdelay.setdefault(n, []).append(f.get(n))
        if n in c2:
            cost2.setdefault(n, []).append(c2[n])
        y = [math.log(m["summary"]["median"]) for r in hist[:HIST - NIGHTS] for m in r["metrics"]
             if m["name"] == n and m.get("outcome") == "pass" and m["summary"].get("median", 0) > 0]
        hcv.setdefault(n, []).append(st.stdev(y) if len(y) >= 3 else None)
# Night CV, measured without the judge (so a change to the judge cannot change which
# metrics count): the sd of log values of each history's nights before the step; a
# metric's night CV is its median over the histories.
quiet = [n for n in delay if all(c is not None for c in hcv[n]) and st.median(hcv[n]) <= 0.03]
within = sum(1 for n in quiet for x in delay[n] if x is not None and x <= 2)
tot = sum(len(delay[n]) for n in quiet)
print("delay: a 10%% step flagged slower by the 2nd night, metrics with night CV <= 3%% (%d: %s): %s (goal: all)"
      % (len(quiet), ", ".join(quiet), pct(within, tot)))
pairs = [(n, k) for n in delay for k, c in enumerate(hcv[n]) if c is not None and c <= 0.03]
print("delay: histories whose own night CV (before the step) is <= 3%%: flagged by the 2nd night in %s, "
      "by the 4th in %s"
      % (pct(sum(1 for n, k in pairs if delay[n][k] is not None and delay[n][k] <= 2), len(pairs)),
         pct(sum(1 for n, k in pairs if delay[n][k] is not None and delay[n][k] <= 4), len(pairs))))
# The ceiling: what the goal asks of any test. A test that knew each history's night sd s
# exactly, with normal, independent nights (all that "night CV <= 3%" says), at the gate's
# budget (one-sided alpha/m per metric and night: regress's default alpha 1%, m the night's
# metrics) flags the mean of 2 new nights against the mean of the N before them with power
# Phi(ln 1.10 / (s sqrt(1/2 + 1/N)) - z(1 - alpha/m)); summed over the histories, the number
# of 2nd-night catches to expect. Real nights are heavier-tailed than normal and a judge must
# estimate s, so a real test is below it.
nd = st.NormalDist()
fam = len(names)  # the metrics judged each night (those of the last history read)
zq = nd.inv_cdf(1 - 0.01 / fam)
se1 = math.sqrt(0.5 + 1.0 / (HIST - NIGHTS))
ceil = sum(nd.cdf(math.log(1.10) / (hcv[n][k] * se1) - zq) for n, k in pairs)
print("delay, the ceiling: a test knowing each of those histories' night sd exactly (normal, independent "
      "nights), at the gate's budget (one-sided 1%%/%d per metric and night), would flag by the 2nd night an "
      "expected %.1f of %d (%.0f%%); at night CV 2%%, 2.5%%, 3%%: %.0f%%, %.0f%%, %.0f%% of histories"
      % (fam, ceil, len(pairs), 100.0 * ceil / len(pairs) if pairs else float("nan"),
         *[100 * nd.cdf(math.log(1.10) / (c * se1) - zq) for c in (0.02, 0.025, 0.03)]))
# What the newest two nights showed on the step's 2nd night: the planted 10% plus the real nights.
small = [(n, k) for n in quiet for k, c in enumerate(cost2.get(n, [])) if c < 1.07]
print("delay: of those, histories whose two planted nights were, as regress measured them, "
      "less than 7%% above the baseline (real nights %s): %d; delay goal met in %s of the rest"
      % ("faster than the history" if small else "-", len(small),
         pct(sum(1 for n in quiet for k, x in enumerate(delay[n])
                 if x is not None and x <= 2 and (n, k) not in small), tot - len(small))))
allw = sum(1 for n in delay for x in delay[n] if x is not None and x <= 2)
allt = sum(len(v) for v in delay.values())
never = sum(1 for n in delay for x in delay[n] if x is None)
print("delay: all metrics: by the 2nd night %s; not within %d nights %s" % (pct(allw, allt), NIGHTS, pct(never, allt)))
pairs_g = [(n, k) for n, k in pairs if n in gdelay]
print("delay, every metric but %s planted at once: histories at night CV <= 3%%: by the 2nd night %s, by the 4th %s"
      % (REF, pct(sum(1 for n, k in pairs_g if gdelay[n][k] is not None and gdelay[n][k] <= 2), len(pairs_g)),
         pct(sum(1 for n, k in pairs_g if gdelay[n][k] is not None and gdelay[n][k] <= 4), len(pairs_g))))

print("\n| metric | night CV (regress) | night CV per history (sd of log) | step it could see | delay (nights, per history) | measured step, 2nd night |")
print("|---|---:|---|---:|---|---|")
for n in delay:
    c = "%.1f%%" % (100 * st.median(cv[n])) if cv.get(n) else "-"
    x = st.median(mde[n]) if mde.get(n) else None
    m = "-" if x is None else "%.0f%%" % (100 * x) if x < 1 else "%.2gx" % (1 + x)
    h = " ".join("-" if c is None else "%.1f" % (100 * c) for c in hcv[n])
    print("| %s | %s | %s | %s | %s | %s |" % (n, c, h, m, " ".join("-" if x is None else str(x) for x in delay[n]),
                                     " ".join("%+.0f%%" % (100 * (c2 - 1)) for c2 in cost2.get(n, []))))
for f in glob.glob(os.path.join(tmp, "*")):
    os.unlink(f)
os.rmdir(tmp)
