#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkresult.py OUT [--metrics N] [--samples N] [--seed S] [--scale NAME=F]...
[--commit C] [--tag k=v]... [--noise SIGMA] [--shift F] [--started ISO]
Write a synthetic but schema-valid hvscope result file: N metrics
("synthetic.mNNN") with log-normal samples around fixed medians. --scale
multiplies one metric's samples (e.g. by 1.10 for a planted regression);
--shift multiplies every metric. Used by the compare/ingest/regress tests
and benchmarks."""
import argparse
import json
import math
import random
import statistics


def summary(x):
    s = sorted(x)
    n = len(s)
    med = statistics.median(s)
    mad = statistics.median([abs(v - med) for v in s])
    h = 1.959964 * math.sqrt(n) / 2
    lo = max(1, math.floor(n / 2 - h))
    hi = min(n, math.ceil(n / 2 + h) + 1)
    out = sum(1 for v in s if mad > 0 and abs(v - med) > 3 * 1.4826 * mad)
    return {"n": n, "median": med, "mean": sum(s) / n, "mad": mad, "min": s[0],
            "max": s[-1], "ci_lo": s[lo - 1], "ci_hi": s[hi - 1], "outliers": out}


ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--metrics", type=int, default=10)
ap.add_argument("--samples", type=int, default=31)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--scale", action="append", default=[])
ap.add_argument("--shift", type=float, default=1.0)
ap.add_argument("--noise", type=float, default=0.03)
ap.add_argument("--commit", default="0123456789ab")
ap.add_argument("--tag", action="append", default=[])
ap.add_argument("--started", default="2026-11-21T00:00:00Z")
ap.add_argument("--id", default=None)
a = ap.parse_args()
rnd = random.Random(a.seed)
scale = {k: float(v) for k, v in (s.split("=", 1) for s in a.scale)}
metrics = []
for i in range(a.metrics):
    name = f"synthetic.m{i:03d}"
    base = 50.0 * (1 + i % 7)
    f = scale.get(name, 1.0) * a.shift
    x = [base * f * math.exp(rnd.gauss(0, a.noise)) for _ in range(a.samples)]
    metrics.append({"name": name, "unit": "ns", "class": "synthetic",
                    "what": "synthetic log-normal samples", "direction": "lower_is_better",
                    "outcome": "pass", "flags": [], "iterations": 1000, "overhead": 1.5,
                    "samples": x, "summary": summary(x), "extra": {"cycles_per_op": base * 2.5}})
doc = {"schema_version": 1, "kind": "hvscope-result",
       "run": {"id": a.id or f"synthetic-{a.seed}", "hvscope_version": "0.1.0",
               "git_commit": a.commit, "started": a.started, "finished": a.started,
               "command_line": ["mkresult.py"],
               "tags": dict(t.split("=", 1) for t in a.tag)},
       "context": {"host": "synthetic", "hypervisor": "none",
                   "kernel": {"sysname": "Linux", "release": "6.1"},
                   "build": {"compiler": "none", "flags": "none"},
                   "fingerprint_unavailable": "synthetic file"},
       "metrics": metrics}
with open(a.out, "w") as fh:
    json.dump(doc, fh)
