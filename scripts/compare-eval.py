#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""compare-eval.py [SERIES_DIR] [COMPARE-ARGS...] - how `hvscope compare`
does on a kept series of real result files (default tests/data/series:
quick/NNN.json.gz, default/NNN.json.gz, as scripts/collect-series.sh writes
them; all from one build, taken minutes apart under whatever load the
machine had). Prints the acceptance numbers of issue 11:

  null      same-build pairs failing the gate (--fail-on-regression exits 1):
            consecutive runs 1 vs 1, and disjoint groups of 6 vs 6 (runs
            alternately assigned from 12 consecutive ones); goal <= 5%
  plant1    a 10% regression planted in one metric of B (samples, process
            medians and summary scaled, tests/lib/plant.py), 1 vs 1 pairs:
            how often called equivalent (goal: never), slower
  self      each run against itself with every metric x1.10: called
            equivalent anywhere (goal: never), gate exit 1
  power6    6 vs 6 runs, every metric of B x1.10: per metric, share called
            slower; goal >= 80% for metrics whose run-to-run CV <= 3%
  states    metrics compare calls two-state (6 vs 6): one state's samples
            x1.10 in B (cut where compare puts it), flagged slower when
            both sides visit that state (>= 3 samples in every run); goal >= 80%;
            again for the states whose run locations spread <= 3% in that
            group (compare's per-state run_cv), and per state with its run CV
  states diagnosed
            why a shift is missed: compare's per-state estimate replicated at
            its cut (DerSimonian-Laird with Hartung-Knapp), the family size m
            and its t quantile, one run's spread of the state's location
            against the spread 80% power needs, what a normal quantile, a
            smaller family or none would flag, how often the shift moves
            compare's split, and what Holm would change
  table     per metric: run-to-run CV, process CV, power6, median mde (1v1, 6v6)

Every verdict is the real `hvscope compare --json` ($HVSCOPE, default
bin/hvscope); extra arguments go to it.

  rounds    SERIES_DIR/rounds/*/{a,b}-NN.json(.gz) (scripts/ab-rounds.sh, the
            same build on both sides): the gate on the same build, every
            metric x1.10 (share slower where the series' run CV <= 3%), paired
            against pooled, the CI half-width that pairing buys, and a 10%
            shift of one state every round of both sides visits
"""
import copy
import glob
import gzip
import json
import math
import os
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
kind = os.environ.get("KIND", "quick")
files = sorted(glob.glob(os.path.join(d, kind, "*.json.gz")) + glob.glob(os.path.join(d, kind, "*.json")))
if len(files) < 4:
    sys.exit("compare-eval: fewer than 4 result files in %s/%s" % (d, kind))
tmp = tempfile.mkdtemp(prefix="compare-eval.")
runs = []
for i, f in enumerate(files):
    op = gzip.open if f.endswith(".gz") else open
    with op(f, "rt") as fh:
        runs.append(json.load(fh))
ncall = 0


def write(obj, name):
    p = os.path.join(tmp, name)
    with open(p, "w") as fh:
        json.dump(obj, fh)
    return p


def compare(a, b, extra=()):
    """a, b: lists of result dicts. Returns (exit code, json)."""
    global ncall
    ncall += 1
    pa = [write(x, "a%d.json" % i) for i, x in enumerate(a)]
    pb = [write(x, "b%d.json" % i) for i, x in enumerate(b)]
    cmd = [H, "compare", "--json", "--fail-on-regression"] + list(extra) + args + pa + ["--"] + pb
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1, 12):
        sys.exit("compare-eval: %s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p.returncode, json.loads(p.stdout)


def rows(c):
    return {m["name"]: m for m in c["metrics"]}


def usable(m):
    return m.get("outcome") == "pass" and "skipped" not in m.get("flags", []) and m.get("samples")


def scaled(r, factor, only=None):
    r = copy.deepcopy(r)
    for m in r["metrics"]:
        if usable(m) and (only is None or m["name"] == only):
            plant_regression(m, factor)
    r["run"]["id"] += "-x%.2f" % factor
    return r


def pct(k, n):
    return "%d of %d (%.1f%%)" % (k, n, 100.0 * k / n if n else float("nan"))


print("series: %d %s result files from %s (one build; load average as they began %s, %s/log.tsv)" %
      (len(runs), kind, d, loads(d, kind), d))

# --- null: 1 vs 1 consecutive pairs, 6 vs 6 groups ---------------------------
fails1 = []
mde1 = {}
for i in range(len(runs) - 1):
    rc, c = compare([runs[i]], [runs[i + 1]])
    if rc == 1:
        bad = [m["name"] for m in c["metrics"] if m["verdict"] == "slower"]
        if c["geomean_cost"]["verdict"] == "slower":
            bad.append("suite geomean")
        fails1.append("pair %d-%d: %s" % (i + 1, i + 2, ", ".join(bad)))
    for m in c["metrics"]:
        if m["mde"] is not None:
            mde1.setdefault(m["name"], []).append(m["mde"])
print("null 1v1: the gate fails %s consecutive same-build pairs (goal <= 5%%)" %
      pct(len(fails1), len(runs) - 1))
for f in fails1:
    print("    " + f)

groups = []
for s in range(0, len(runs) - 11, 12):
    w = runs[s:s + 12]
    groups.append((w[0::2], w[1::2]))
fails6 = []
mde6 = {}
for gi, (A, B) in enumerate(groups):
    rc, c = compare(A, B)
    if rc == 1:
        bad = [m["name"] for m in c["metrics"] if m["verdict"] == "slower"]
        if c["geomean_cost"]["verdict"] == "slower":
            bad.append("suite geomean")
        fails6.append("group %d: %s" % (gi + 1, ", ".join(bad)))
    for m in c["metrics"]:
        if m["mde"] is not None:
            mde6.setdefault(m["name"], []).append(m["mde"])
print("null 6v6: the gate fails %s disjoint same-build groups (goal <= 5%%)" % pct(len(fails6), len(groups)))
for f in fails6:
    print("    " + f)

# --- plant1: one metric x1.10, 1 vs 1 ------------------------------------------
equiv = slower = tot = 0
step = max(1, (len(runs) - 1) // 12)  # at most ~12 pairs x all metrics
names = [m["name"] for m in runs[0]["metrics"] if usable(m)]
for i in range(0, len(runs) - 1, step):
    for name in names:
        b = scaled(runs[i + 1], 1.10, only=name)
        rc, c = compare([runs[i]], [b])
        v = rows(c).get(name, {}).get("verdict")
        if v is None or v == "n/a":
            continue
        tot += 1
        equiv += v == "equivalent"
        slower += v == "slower"
print("plant1 1v1: a 10%% regression in one metric called equivalent in %s (goal: never), slower in %s"
      % (pct(equiv, tot), pct(slower, tot)))

# --- self x1.10 ----------------------------------------------------------------
eq_any = gate = 0
nself = 0
for i in range(0, len(runs), max(1, len(runs) // 16)):
    rc, c = compare([runs[i]], [scaled(runs[i], 1.10)])
    nself += 1
    eq_any += any(m["verdict"] == "equivalent" for m in c["metrics"]) or c["geomean_cost"]["verdict"] == "equivalent"
    gate += rc == 1
print("self x1.10: a run against itself x1.10 called equivalent anywhere in %s (goal: never); "
      "gate exit 1 in %s" % (pct(eq_any, nself), pct(gate, nself)))


# --- run-to-run and process CV per metric --------------------------------------
def loc(m):
    pm = m.get("process_medians") or []
    if len(pm) >= 2 and all(x > 0 for x in pm):
        return st.mean(math.log(x) for x in pm), st.variance([math.log(x) for x in pm])
    s = m.get("summary", {}).get("median")
    return (math.log(s), None) if s and s > 0 else (None, None)


cv_run, cv_proc = {}, {}
for name in names:
    ys, ps = [], []
    for r in runs:
        m = rows(r).get(name)
        if m and usable(m):
            y, pv = loc(m)
            if y is not None:
                ys.append(y)
            if pv is not None:
                ps.append(pv)
    if len(ys) >= 3:
        cv_run[name] = st.stdev(ys)
    if ps:
        cv_proc[name] = math.sqrt(st.mean(ps))

# --- power6: every metric x1.10 in B, 6 vs 6 ----------------------------------
# A metric counts as "run CV <= 3%" in a group when its run locations there
# spread by <= 3% (pooled over both sides, from compare's own run_cv_a/_b).
hit, n6 = {}, {}
qh = qt = 0
for A, B in groups:
    rc, c0 = compare(A, B)
    cvg = {}
    for m in c0["metrics"]:
        if m.get("run_cv_a") is not None and m.get("run_cv_b") is not None:
            cvg[m["name"]] = math.sqrt((m["run_cv_a"] ** 2 + m["run_cv_b"] ** 2) / 2)
    rc, c = compare(A, [scaled(x, 1.10) for x in B])
    for m in c["metrics"]:
        if m["verdict"] == "n/a":
            continue
        n6[m["name"]] = n6.get(m["name"], 0) + 1
        hit[m["name"]] = hit.get(m["name"], 0) + (m["verdict"] == "slower")
        if cvg.get(m["name"], 1) <= 0.03 and not m.get("states"):
            qt += 1
            qh += m["verdict"] == "slower"
print("power6: 10%% regressions flagged slower with 6 runs a side, one-state metrics whose runs "
      "spread <= 3%% in that group: %s (goal >= 80%%)" % pct(qh, qt))
h = sum(hit.values())
t = sum(n6.values())
print("power6: all metrics: %s" % pct(h, t))


# --- states: one state's location x1.10 (6 vs 6) ---------------------------------
def shift_state(r, name, cut, upper, factor):
    r = copy.deepcopy(r)
    for m in r["metrics"]:
        if m["name"] != name or not usable(m):
            continue
        f = factor if m["direction"] == "lower_is_better" else 1 / factor
        s = m["samples"]
        s2 = [x * f if (math.log(x) > cut) == upper else x for x in s]
        m["samples"] = s2
        npr = len(m.get("process_medians") or [])
        if npr and len(s2) % npr == 0:
            k = len(s2) // npr
            m["process_medians"] = [st.median(s2[i * k:(i + 1) * k]) for i in range(npr)]
        m["summary"]["median"] = st.median(s2)
    return r


def shared_states(c, A, B):
    """(name, log cut, upper, state) for each state of compare's two-state rows
    (json c) that it judged and that every run of both sides visits (>= 3 samples)."""
    for row in c["metrics"]:
        if not row.get("states"):
            continue
        name, cut = row["name"], math.log(row["state_cut"])
        for upper, S in ((False, row["states"][0]), (True, row["states"][1])):
            if S["verdict"] != "n/a" and all(
                    sum((math.log(x) > cut) == upper for x in rows(r)[name]["samples"] if x > 0) >= 3
                    for r in A + B if name in rows(r)):
                yield name, cut, upper, S


sh = stot = qsh = qst = 0
per_state = {}
state_tests = []
for A, B in groups:
    rc, c0 = compare(A, B)
    for name, cut, upper, S in shared_states(c0, A, B):
        rc, c = compare(A, [shift_state(x, name, cut, upper, 1.10) for x in B])
        v = rows(c).get(name, {}).get("verdict")
        state_tests.append(dict(A=A, B=B, name=name, cut=cut, upper=upper, verdict=v,
                                level=c0["level"], after=rows(c).get(name, {})))
        stot += 1
        sh += v == "slower"
        # the state's own run-to-run spread in this group (compare's run_cv, before the shift)
        if S.get("run_cv") is not None and S["run_cv"] <= 0.03:
            qst += 1
            qsh += v == "slower"
        k = "%s (%s state)" % (name, "upper" if upper else "lower")
        per_state.setdefault(k, [0, 0, []])
        per_state[k][0] += v == "slower"
        per_state[k][1] += 1
        if S.get("run_cv") is not None:
            per_state[k][2].append(S["run_cv"])
print("states: a 10%% shift of one state's location, both sides visit it, 6 vs 6: flagged slower in %s "
      "(goal >= 80%%)" % pct(sh, stot))
print("states: the same, states whose run locations spread <= 3%% in that group: %s" % pct(qsh, qst))
for k, (a, b, cv) in sorted(per_state.items()):
    print("    %-48s %d/%d  state run CV %s" % (k, a, b, "-" if not cv else "%.1f%%" % (100 * st.median(cv))))

# --- states, diagnosed: why a 10% state shift is missed ---------------------------
# compare's per-state estimate replicated from its JSON cut (harness/analysis/
# compare.c estimate_re: each run's median of its log samples in the state,
# within variance (pi/2) s_w^2 / n with s_w the pooled robust spread,
# DerSimonian-Laird between-run variance tau^2, the larger of the model's and
# Hartung-Knapp's se, k_a + k_b - 2 df, a CI at compare's simultaneous level
# 1 - alpha/m), then what each ingredient costs.
def t_upper(x, df):
    """P(T > x) for Student's t with df degrees of freedom (Simpson on atan)."""
    if math.isinf(df):
        return 1 - st.NormalDist().cdf(x)
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    a, b, n = math.atan(x), math.pi / 2, 2000
    h, acc = (b - a) / n, 0.0
    for i in range(n):  # the endpoint b (t = inf) has density 0
        u = a + i * h
        t = math.tan(u)
        acc += (1 if i == 0 else 4 if i % 2 else 2) * c * (1 + t * t / df) ** (-(df + 1) / 2) / math.cos(u) ** 2
    return acc * h / 3


_qt = {}


def qt(p, df):
    """The upper p quantile of Student's t (bisection)."""
    key = (round(p, 12), df)
    if key not in _qt:
        lo, hi = 0.0, 80.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if t_upper(mid, df) > p else (lo, mid)
        _qt[key] = (lo + hi) / 2
    return _qt[key]


def state_runs(side, name, cut, upper):
    out = []
    for r in side:
        x = [math.log(v) for v in rows(r)[name]["samples"] if v > 0 and (math.log(v) > cut) == upper]
        if len(x) >= 3:
            med = st.median(x)
            mad = 1.4826 * st.median([abs(v - med) for v in x])
            out.append((len(x), med, mad * mad))
    return out


def state_re(sa, sb):
    sw = sum((n - 1) * rw for n, _, rw in sa + sb) / sum(n - 1 for n, _, _ in sa + sb)
    ys = [(y, math.pi / 2 * sw / n, g) for g, sd in ((0, sa), (1, sb)) for n, y, _ in sd]

    def means(t2):
        W, S2, acc = [0, 0], [0, 0], [0, 0]
        for y, v, g in ys:
            w = 1 / (v + t2)
            W[g] += w
            S2[g] += w * w
            acc[g] += w * y
        return [acc[0] / W[0], acc[1] / W[1]], W, S2

    mu, W, S2 = means(0)
    k = len(ys)
    q = sum((y - mu[g]) ** 2 / v for y, v, g in ys)
    c = sum(W[j] - S2[j] / W[j] for j in (0, 1))
    t2 = max(0, (q - (k - 2)) / c) if c > 0 else 0
    mu, W, S2 = means(t2)
    r = sum((y - mu[g]) ** 2 / (v + t2) for y, v, g in ys)
    se = math.sqrt(1 / W[0] + 1 / W[1])
    return dict(diff=mu[1] - mu[0], se=max(se, se * math.sqrt(r / (k - 2))), df=k - 2, tau=math.sqrt(t2),
                within=math.sqrt(st.mean(v for _, v, _ in ys)), ka=len(sa), kb=len(sb))


if state_tests:
    thr, lg = math.log1p(0.05), math.log(1.10)
    D = []
    for T in state_tests:
        sa = state_runs(T["A"], T["name"], T["cut"], T["upper"])
        Bs = [shift_state(x, T["name"], T["cut"], T["upper"], 1.10) for x in T["B"]]
        e = state_re(sa, state_runs(Bs, T["name"], T["cut"], T["upper"]))
        m = round(0.05 / (1 - T["level"]))
        e["m"], e["q"] = m, qt(0.025 / m, e["df"])
        e["sd"] = e["se"] / math.sqrt(1 / e["ka"] + 1 / e["kb"])  # one run's spread of the state's location
        e["need"] = lg / ((e["q"] + qt(0.20, e["df"])) * math.sqrt(1 / e["ka"] + 1 / e["kb"]))
        e["verdict"] = T["verdict"]
        e["lost"] = not T["after"].get("states")
        ca = T["after"].get("state_cut")
        e["moved"] = bool(ca) and abs(math.log(ca) - T["cut"]) > 0.05
        D.append(e)

    def flagged(e, q):
        return e["diff"] - q * e["se"] > 0 and e["diff"] > thr

    n = len(D)
    med = st.median
    qs = st.quantiles([e["sd"] for e in D], n=4)
    z = st.NormalDist().inv_cdf(1 - 0.025 / med([e["m"] for e in D]))
    print("states diagnosed (%d tests; compare's estimate replicated at compare's cut, see the script):" % n)
    print("    family: m = %d-%d tests (Bonferroni), each CI at 1 - 0.05/m: t quantile %.2f on %d df "
          "(normal %.2f)" % (min(e["m"] for e in D), max(e["m"] for e in D), med([e["q"] for e in D]),
                             med([e["df"] for e in D]), z))
    print("    one run's spread of the state's location: median %.1f%% (quartiles %.1f%%, %.1f%%); "
          "between runs (DL tau) %.1f%%, within (samples) %.1f%%"
          % (100 * med([e["sd"] for e in D]), 100 * qs[0], 100 * qs[2], 100 * med([e["tau"] for e in D]),
             100 * med([e["within"] for e in D])))
    print("    80%% power for a 10%% shift at 6 runs a side needs a spread <= %.2f%% (t, %d df), <= %.2f%% "
          "(normal, known variance): %d and %d of %d tests have it"
          % (100 * med([e["need"] for e in D]), med([e["df"] for e in D]),
             100 * lg / ((z + st.NormalDist().inv_cdf(0.80)) * math.sqrt(1 / 3)),
             sum(e["sd"] <= e["need"] for e in D),
             sum(e["sd"] <= lg / ((z + 0.8416) * math.sqrt(1 / 3)) for e in D), n))
    # The ceiling: a test that knew each state's between-run spread (taken as measured) exactly,
    # normal, at the family's level: its expected catches (power summed over the tests).
    nd = st.NormalDist()
    ceil = sum(nd.cdf(lg / (e["sd"] * math.sqrt(1 / e["ka"] + 1 / e["kb"])) - z) for e in D)
    print("    the ceiling: a test knowing each state's run spread exactly (normal, the family's level) would flag "
          "an expected %.1f of %d (%.0f%%)" % (ceil, n, 100.0 * ceil / n))
    s0, m0 = med([e["sd"] for e in D]), med([e["m"] for e in D])
    k = 2
    while k < 200 and (qt(0.025 / m0, 2 * k - 2) + qt(0.20, 2 * k - 2)) * s0 * math.sqrt(2 / k) > lg:
        k += 1
    print("    runs a side for 80%% power at the median spread (%.1f%%, m = %d): %d" % (100 * s0, m0, k))
    nrej = 0
    for A, B in groups:
        rc, c0 = compare(A, B)
        nrej += sum(1 for r in c0["metrics"] if r["verdict"] != "n/a" and r["ci_lo"] is not None
                    and (r["ci_lo"] > 1 or r["ci_hi"] < 1))
    print("    Holm: same-build 6v6 groups reject %d rows before the shift; Holm's first step is Bonferroni's "
          "alpha/m, so with one shifted state it flags exactly what Bonferroni flags" % nrej)
    print("    flagged slower: compare %d; replicated at the unshifted cut %d; with a normal quantile %d; "
          "m = rows only (%d) %d; no multiplicity correction (m = 1) %d"
          % (sum(e["verdict"] == "slower" for e in D), sum(flagged(e, e["q"]) for e in D),
             sum(flagged(e, z) for e in D), len(names),
             sum(flagged(e, qt(0.025 / len(names), e["df"])) for e in D),
             sum(flagged(e, qt(0.025, e["df"])) for e in D)))
    print("    the split: after the shift compare no longer sees two states in %d, its cut moved > 5%% in %d"
          % (sum(e["lost"] for e in D), sum(e["moved"] for e in D)))

# --- interleaved rounds (scripts/ab-rounds.sh, the same build on both sides) ---------
def load_dir(p, side):
    out = []
    for f in sorted(glob.glob(os.path.join(p, side + "-*.json.gz")) + glob.glob(os.path.join(p, side + "-*.json"))):
        op = gzip.open if f.endswith(".gz") else open
        with op(f, "rt") as fh:
            out.append(json.load(fh))
    return out


hw = {"paired": {}, "pooled": {}}
rs = {"paired": [0, 0], "pooled": [0, 0]}  # state shifts flagged slower, tested
for rd in sorted(glob.glob(os.path.join(d, "rounds", "*"))):
    A, B = load_dir(rd, "a"), load_dir(rd, "b")
    if len(A) < 2 or len(A) != len(B):
        continue
    for mode, extra in (("paired", ["--paired"]), ("pooled", [])):
        rc, c = compare(A, B, extra)
        rc2, c2 = compare(A, [scaled(x, 1.10) for x in B], extra)
        v2 = rows(c2)
        flagged = sum(m["verdict"] in ("slower", "faster") for m in c["metrics"])
        quiet_hit = [v2[n]["verdict"] == "slower" for n in v2 if n in cv_run and cv_run[n] <= 0.03
                     and v2[n]["verdict"] != "n/a"]
        for m in c["metrics"]:
            if m["ci_lo"] and m["ci_hi"] and not m.get("states"):
                hw[mode].setdefault(m["name"], []).append(math.log(m["ci_hi"] / m["ci_lo"]) / 2)
        print("rounds %s (%d rounds, %s): same build: gate %s, %d metrics flagged; every metric x1.10: "
              "%d of %d slower (run CV <= 3%%: %d of %d), suite %s" %
              (os.path.basename(rd), len(A), mode, "fails" if rc == 1 else "passes", flagged,
               sum(m["verdict"] == "slower" for m in c2["metrics"]),
               sum(m["verdict"] != "n/a" for m in c2["metrics"]), sum(quiet_hit), len(quiet_hit),
               c2["geomean_cost"]["verdict"]))
        # The state line for rounds: each state every round of both sides visits, shifted x1.10 in B.
        for name, cut, upper, S in shared_states(c, A, B):
            rc3, c3 = compare(A, [shift_state(x, name, cut, upper, 1.10) for x in B], extra)
            rs[mode][0] += rows(c3).get(name, {}).get("verdict") == "slower"
            rs[mode][1] += 1
print("rounds states: a 10%% shift of one state's location, every round of both sides visits it: "
      "flagged slower in %s paired, %s pooled (goal >= 80%%)" % (pct(*rs["paired"]), pct(*rs["pooled"])))
common = [n for n in hw["paired"] if n in hw["pooled"]]
if common:
    r = [st.median(hw["paired"][n]) / st.median(hw["pooled"][n]) for n in common if st.median(hw["pooled"][n]) > 0]
    print("rounds: CI half-width paired / pooled over the same files: median %.2f (%.2f-%.2f over %d one-state metrics)"
          % (st.median(r), min(r), max(r), len(r)))

# --- table ----------------------------------------------------------------------
print("\n| metric | run CV | process CV | power 6v6 (10%) | median mde 1v1 | median mde 6v6 |")
print("|---|---:|---:|---:|---:|---:|")


def f(x, fmt="%.1f%%", k=100):
    return "-" if x is None else fmt % (x * k)


for name in names:
    p6 = "%d/%d" % (hit.get(name, 0), n6[name]) if name in n6 else "-"
    m1 = st.median(mde1[name]) if name in mde1 else None
    m6 = st.median(mde6[name]) if name in mde6 else None
    print("| %s | %s | %s | %s | %s | %s |" % (name, f(cv_run.get(name)), f(cv_proc.get(name)), p6,
                                              f(m1, "%.0f%%") if m1 is None or m1 < 1 else "%.2gx" % (1 + m1),
                                              f(m6, "%.0f%%") if m6 is None or m6 < 1 else "%.2gx" % (1 + m6)))
print("\n(%d compare calls)" % ncall)
for x in glob.glob(os.path.join(tmp, "*")):
    os.unlink(x)
os.rmdir(tmp)
