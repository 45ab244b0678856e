# SPDX-License-Identifier: GPL-2.0-or-later
"""plant.py - plant a regression in one metric of a real result file (as
loaded by json): every sample, process median and summary statistic made
`factor` times worse, oriented by the metric's direction (a lower-is-better
cost multiplied, a higher-is-better rate divided). Used by tests/run.t and
scripts/compare-eval.py."""


def plant_regression(m, factor=1.10):
    f = factor if m["direction"] == "lower_is_better" else 1 / factor
    for k in ("samples", "process_medians"):
        if k in m:
            m[k] = [x * f for x in m[k]]
    for k in ("median", "mean", "mad", "min", "max", "ci_lo", "ci_hi"):
        if k in m["summary"]:
            m["summary"][k] *= f
