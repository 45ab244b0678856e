#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkreport.py - write synthetic hvscope result files (results-schema v1)
for the report tests and benchmark.

The numbers are made up (deterministic per --seed), the shape is real: the
files validate against results-schema/result.schema.json and are read by
the harness reader like any result file. Metrics: exits, syscalls, paging,
I/O, a pointer-chase curve, then numbered fillers up to --metrics.

  mkreport.py --out F [--host H] [--hypervisor X] [--tag k=v]... [--seed N]
              [--scale F] [--metrics N] [--samples N] [--skip NAME]
"""
import argparse
import json
import math
import random

BASE = [
    # name, unit, class, direction, typical value, what
    ("kvm.exit.cpuid", "ns", "exit", "lower_is_better", 4000, "CPUID exit round trip"),
    ("kvm.exit.pio", "ns", "exit", "lower_is_better", 9500, "port I/O exit to user space"),
    ("kvm.exit.hlt", "ns", "exit", "lower_is_better", 6200, "HLT exit and wake-up"),
    ("kvm.exit.mmio", "ns", "exit", "lower_is_better", 11000, "MMIO exit to user space"),
    ("bench.syscall.getppid", "ns", "syscall", "lower_is_better", 95, "null system call"),
    ("bench.syscall.read0", "ns", "syscall", "lower_is_better", 180, "read of 0 bytes"),
    ("bench.syscall.gettimeofday", "ns", "syscall", "lower_is_better", 30, "vDSO clock read"),
    ("bench.paging.fault.anon", "ns", "paging", "lower_is_better", 900, "anonymous page fault"),
    ("bench.paging.mprotect", "ns", "paging", "lower_is_better", 1400, "mprotect + TLB shootdown"),
    ("bench.io.seqread", "MB/s", "io", "higher_is_better", 1800, "sequential read throughput"),
    ("bench.io.randread4k", "ops/s", "io", "higher_is_better", 52000, "4 KiB random reads"),
]
CHASE = ["4KiB", "16KiB", "64KiB", "256KiB", "1MiB", "4MiB", "16MiB", "64MiB"]
CHASE_NS = [1.2, 1.2, 4.0, 4.5, 12.0, 14.0, 60.0, 95.0]


def summary(x):
    s = sorted(x)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    mad = sorted(abs(v - med) for v in s)
    mad = mad[n // 2] if n % 2 else (mad[n // 2 - 1] + mad[n // 2]) / 2
    h = 1.96 * math.sqrt(n) / 2
    lo = max(0, int(math.floor(n / 2 - h)))
    hi = min(n - 1, int(math.ceil(n / 2 + h)))
    out = sum(1 for v in s if mad > 0 and abs(v - med) > 3 * 1.4826 * mad)
    return {"n": n, "median": med, "mean": sum(s) / n, "mad": mad, "min": s[0],
            "max": s[-1], "ci_lo": s[lo], "ci_hi": s[hi], "outliers": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--host", default="bench1")
    ap.add_argument("--hypervisor", default="KVM")
    ap.add_argument("--tag", action="append", default=[])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--metrics", type=int, default=len(BASE) + len(CHASE))
    ap.add_argument("--samples", type=int, default=31)
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--evidence", action="append", default=[])
    ap.add_argument("--fingerprint", help="embed this `hvscope probe --json` output; --evidence "
                    "lines are appended to its first layer's evidence")
    a = ap.parse_args()
    rnd = random.Random(a.seed)

    rows = list(BASE)
    for i, ws in enumerate(CHASE):
        rows.append(("bench.memory.chase." + ws, "ns", "memory", "lower_is_better", CHASE_NS[i],
                     "dependent loads over a %s working set" % ws))
    k = 0
    while len(rows) < a.metrics:
        cls = ["exit", "syscall", "paging", "io", "mm"][k % 5]
        rows.append(("bench.%s.extra%03d" % (cls, k), "ns", cls, "lower_is_better",
                     50 * (1 + k % 7) * (10 ** (k % 3)), "synthetic filler metric"))
        k += 1
    rows = rows[:a.metrics]

    metrics = []
    for name, unit, cls, d, typ, what in rows:
        m = {"name": name, "unit": unit, "class": cls, "what": what, "direction": d}
        if name in a.skip:
            m.update(outcome="skip", flags=["skipped"], reason="not supported here: no /dev/kvm")
            metrics.append(m)
            continue
        f = a.scale if d == "lower_is_better" else 1 / a.scale
        x = [typ * f * (1 + abs(rnd.gauss(0, 0.03))) for _ in range(a.samples)]
        m.update(outcome="pass", flags=[], iterations=1000, overhead=0.5, samples=x,
                 summary=summary(x))
        metrics.append(m)

    tags = {}
    for t in a.tag:
        kk, _, v = t.partition("=")
        tags[kk] = v
    ev = a.evidence or ["CPUID 0x40000000 signature KVMKVMKVM", "DMI product: Firecracker"]
    fp = None
    if a.fingerprint:
        with open(a.fingerprint) as fh:
            fp = json.load(fh)
        layers = fp.get("verdict", {}).get("layers") or []
        if layers and a.evidence:
            layers[0].setdefault("evidence", []).extend(a.evidence)
    doc = {
        "schema_version": 1,
        "kind": "hvscope-result",
        "run": {"id": "run-%d" % a.seed, "hvscope_version": "0.1.0", "git_commit": "0123456789ab",
                "started": "2026-11-21T12:00:00Z", "finished": "2026-11-21T12:05:00Z",
                "suite": "default", "command_line": ["hvscope", "run"], "tags": tags},
        "context": {
            "host": a.host, "hypervisor": a.hypervisor,
            "fingerprint_unavailable": "synthetic result file (tests/lib/mkreport.py)",
            "kernel": {"sysname": "Linux", "release": "6.1.0-test"},
            "build": {"compiler": "gcc 12", "flags": "-O2"},
            "steal_fraction": 0.001,
            "warnings": ["evidence: " + e for e in ev],
        },
        "metrics": metrics,
    }
    if fp is not None:
        del doc["context"]["fingerprint_unavailable"]
        doc["context"]["fingerprint"] = fp
    with open(a.out, "w") as fh:
        json.dump(doc, fh)


main()
