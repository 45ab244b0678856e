#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkmany.py DIR COUNT [--metrics M] [--samples S] [--prefix P] [--series KIND]
[--start YYYY-MM-DD] [--tag k=v]...
Write COUNT small schema-valid result files into DIR (ids PREFIX-00000...),
one per simulated night (started = 2026-01-01 + i days). --series plants a
pattern in metric synthetic.m000 across the nights: "flat" (noise only),
"step" (+10% from the last 10 nights on), "drift" (+0.5%/night over the last
30 nights), "outlier" (one +30% night, the newest). Used by the history,
regress tests and the harness benchmark."""
import argparse
import datetime
import json
import math
import os
import random

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("count", type=int)
ap.add_argument("--metrics", type=int, default=5)
ap.add_argument("--samples", type=int, default=20)
ap.add_argument("--prefix", default="run")
ap.add_argument("--series", default="flat")
ap.add_argument("--noise", type=float, default=0.01)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--tag", action="append", default=[])
ap.add_argument("--start", default="2026-01-01", help="date of the first night")
a = ap.parse_args()
rnd = random.Random(a.seed)
t0 = datetime.datetime.strptime(a.start, "%Y-%m-%d")
os.makedirs(a.dir, exist_ok=True)
n = a.count


def factor(i, name):
    if name != "synthetic.m000":
        return 1.0
    if a.series == "step" and i >= n - 10:
        return 1.10
    if a.series == "drift" and i >= n - 30:
        return 1.0 + 0.005 * (i - (n - 30) + 1)
    if a.series == "outlier" and i == n - 1:
        return 1.30
    return 1.0


for i in range(n):
    metrics = []
    for k in range(a.metrics):
        name = f"synthetic.m{k:03d}"
        base = 50.0 * (1 + k % 7) * factor(i, name)
        night = math.exp(rnd.gauss(0, a.noise))  # between-run noise
        x = [base * night * math.exp(rnd.gauss(0, 0.02)) for _ in range(a.samples)]
        s = sorted(x)
        med = (s[len(s) // 2] + s[(len(s) - 1) // 2]) / 2
        metrics.append({"name": name, "unit": "ns", "direction": "lower_is_better",
                        "outcome": "pass", "flags": [], "iterations": 100, "overhead": 1.0,
                        "samples": x,
                        "summary": {"n": len(x), "median": med, "mean": sum(x) / len(x),
                                    "mad": 0.0, "min": s[0], "max": s[-1], "ci_lo": s[0],
                                    "ci_hi": s[-1], "outliers": 0}})
    ts = (t0 + datetime.timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = {"schema_version": 1, "kind": "hvscope-result",
           "run": {"id": f"{a.prefix}-{i:05d}", "hvscope_version": "0.1.0",
                   "git_commit": f"c{i:05d}", "started": ts, "finished": ts,
                   "command_line": ["mkmany.py"],
                   "tags": dict(t.split("=", 1) for t in a.tag)},
           "context": {"host": "synthetic", "hypervisor": "none",
                       "kernel": {"sysname": "Linux", "release": "6.1"},
                       "build": {"compiler": "none", "flags": "none"},
                       "fingerprint_unavailable": "synthetic file"},
           "metrics": metrics}
    with open(os.path.join(a.dir, f"{a.prefix}-{i:05d}.json"), "w") as fh:
        json.dump(doc, fh)
