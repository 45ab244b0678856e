#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-harness.sh - how fast is the harness itself (numbers go to
# docs/PERFORMANCE.md, section "Harness"):
#   1. ingest 10,000 result files (~1 M samples) into a fresh history   (goal < 10 s)
#   2. compare two 100-metric results                                   (goal < 200 ms)
#   3. regress over 1,000 nightly runs (20 metrics, --window 1000)      (goal < 2 s)
#   4. max RSS of regress and ingest at 100 / 1,000 / 3,000 runs of history (goal: flat)
# Inputs are synthetic result files from tests/lib/mkmany.py / mkresult.py.
# Set HVS_BENCH_FILES to use fewer files for a quick look.
set -eu
cd "$(dirname "$0")/.."
H=${HVSCOPE:-$PWD/bin/hvscope}
files=${HVS_BENCH_FILES:-10000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

rss() { /usr/bin/time -f '%M' "$@" 2>&1 > /dev/null | tail -1; }
# "wall W s (cpu C s)": on a shared machine wall time includes waiting for a CPU.
timed() { /usr/bin/time -f 'wall %e s (cpu user+sys %U+%S s)' -o "$T/time" "$@" > /dev/null || true; cat "$T/time"; }

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes these noisy)"

# 1. ingest
python3 tests/lib/mkmany.py "$T/ing" "$files" --metrics 5 --samples 20 --prefix i
n=$(ls "$T/ing" | wc -l)
# One process for all files (xargs may split into a few on ARG_MAX).
find "$T/ing" -name '*.json' | sort > "$T/list"
r=$(timed bash -c "xargs -a '$T/list' -d '\\n' '$H' ingest --quiet --db '$T/ing.db'")
samples=$(sqlite3 "$T/ing.db" 'select count(*) from samples')
echo "ingest: $n files, $samples samples: $r  [xargs -a LIST hvscope ingest --db H.db]"

# 2. compare
python3 tests/lib/mkresult.py "$T/a.json" --metrics 100 --samples 31 --seed 1
python3 tests/lib/mkresult.py "$T/b.json" --metrics 100 --samples 31 --seed 2 --scale synthetic.m010=1.1
for i in 1 2 3; do
	echo "compare: 100 metrics x 31 samples, 2000 bootstrap resamples: $(timed "$H" compare --json "$T/a.json" "$T/b.json")  [hvscope compare --json A B]"
done

# 3. regress over 1,000 nightly runs
python3 tests/lib/mkmany.py "$T/rg" 1000 --metrics 20 --samples 20 --prefix r --series step --tag config=a
find "$T/rg" -name '*.json' | sort | xargs -d '\n' "$H" ingest --quiet --db "$T/rg.db"
for i in 1 2 3; do
	echo "regress: 1000 runs x 20 metrics, --window 1000: $(timed "$H" regress --db "$T/rg.db" --window 1000)  [hvscope regress --db H.db --window 1000]"
done

# 4. memory as history grows
python3 tests/lib/mkmany.py "$T/m" 100 --metrics 20 --samples 20 --prefix m --tag config=a
find "$T/m" -name '*.json' | sort | xargs -d '\n' "$H" ingest --quiet --db "$T/m.db"
python3 tests/lib/mkmany.py "$T/m3" 3000 --metrics 20 --samples 20 --prefix m3 --tag config=a
find "$T/m3" -name '*.json' | sort > "$T/list3"
xargs -a "$T/list3" -d '\n' "$H" ingest --quiet --db "$T/m3.db"
r100=$(rss "$H" regress --db "$T/m.db" --window 100000)
r1000=$(rss "$H" regress --db "$T/rg.db" --window 100000)
r3000=$(rss "$H" regress --db "$T/m3.db" --window 100000)
echo "regress (whole history) max RSS: 100 runs $r100 KiB, 1000 runs $r1000 KiB, 3000 runs $r3000 KiB  [/usr/bin/time -f %M hvscope regress --db H.db --window 100000]"
r100=$(rss "$H" regress --db "$T/m.db")
r3000=$(rss "$H" regress --db "$T/m3.db")
echo "regress (default --window 30) max RSS: 100 runs $r100 KiB, 3000 runs $r3000 KiB"
python3 tests/lib/mkresult.py "$T/one.json" --metrics 20 --samples 20 --seed 9
cp "$T/m.db" "$T/m2.db"
cp "$T/rg.db" "$T/rg2.db"
i100=$(rss "$H" ingest --quiet --db "$T/m2.db" "$T/one.json")
i1000=$(rss "$H" ingest --quiet --db "$T/rg2.db" "$T/one.json")
echo "ingest of one more run, max RSS: into 100 runs $i100 KiB, into 1000 runs $i1000 KiB"
