# SPDX-License-Identifier: GPL-2.0-or-later
"""The load a kept series was taken under (scripts/collect-series.sh's log.tsv),
for scripts/compare-eval.py and scripts/regress-eval.py."""
import os
import statistics as st


def loads(d, kind):
    """The 1-minute load averages log.tsv recorded as the series' KIND runs began: 'min-max (median)'."""
    try:
        with open(os.path.join(d, "log.tsv")) as fh:
            x = [float(f[3]) for f in (ln.rstrip("\n").split("\t") for ln in fh) if len(f) > 3 and f[1] == kind]
    except (OSError, ValueError):
        return "not recorded"
    return "%.2g-%.2g (median %.2g)" % (min(x), max(x), st.median(x)) if x else "not recorded"
