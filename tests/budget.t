#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# budget.t - a small result file cannot expand without bound (issue 16): a
# histogram-encoded metric whose n is 2^24 (a 10 KB file), ten of them at
# 2^20, too many process medians or metrics are refused by compare and
# ingest at once, before decoding, with exit 5 and one line naming the
# file, the metric and the limit; the history does not grow. Files inside
# the budget still read; run refuses a selection whose file would be over it.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
MK="python3 $HVS_SRC/tests/lib/mkresult.py"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
q() { sqlite3 "$1" "$2"; }
now() { date +%s%N; }

echo "1..15"

# bomb OUT METRICS N [PROCESS_MEDIANS]: METRICS histogram metrics of n = N in one bin.
bomb() {
	python3 - "$@" <<'P'
import json, sys
out, nmet, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pm = int(sys.argv[4]) if len(sys.argv) > 4 else 0
ms = []
for i in range(nmet):
    m = {"name": f"bomb.m{i}", "unit": "ns", "direction": "lower_is_better", "outcome": "pass",
         "flags": ["histogram"], "iterations": 1, "overhead": 0.0,
         "histogram": {"base": 1.0108892860517005, "n": n, "zero": 0, "bins": [[1, 400, n]]}}
    if pm:
        m["process_medians"] = [1.0] * pm
    ms.append(m)
doc = {"schema_version": 1, "kind": "hvscope-result",
       "run": {"id": "bomb-%d-%d-%d" % (nmet, n, pm), "hvscope_version": "0.1.0", "git_commit": "x",
               "started": "2026-11-21T00:00:00Z", "finished": "2026-11-21T00:00:00Z",
               "command_line": ["bomb"], "tags": {}},
       "context": {"host": "h", "hypervisor": "none"}, "metrics": ms}
json.dump(doc, open(out, "w"))
P
}

# refused CMD... : exit 5 within 2 s, one line naming FILE (last arg) and PATTERN ($PAT).
refused() {
	local t0 rc ms
	t0=$(now)
	"$@" > /dev/null 2> "$T/e"
	rc=$?
	ms=$((($(now) - t0) / 1000000))
	[ "$rc" = 5 ] && [ "$ms" -lt 2000 ] && [ "$(wc -l < "$T/e")" = 1 ] &&
		grep -qF -- "${@: -1}: $PAT" "$T/e"
	ok $? "$WHAT: exit 5 in ${ms} ms, '$PAT' (got $rc: $(head -c 200 "$T/e"))"
}

$MK "$T/good.json" --metrics 3 --id good
$H ingest --quiet --db "$T/h.db" "$T/good.json"
ok $? "a normal file goes in"
runs=$(q "$T/h.db" 'select count(*) from runs') samples=$(q "$T/h.db" 'select count(*) from samples')
size=$(stat -c %s "$T/h.db")

bomb "$T/b1.json" 1 16777216
[ "$(stat -c %s "$T/b1.json")" -lt 1000 ]
ok $? "one histogram of n = 2^24: a file of $(stat -c %s "$T/b1.json") bytes"
PAT='metric "bomb.m0": 16777216 samples, over the limit of 1048576 per metric'
WHAT="compare, n = 2^24" refused $H compare "$T/good.json" "$T/b1.json"
WHAT="ingest, n = 2^24" refused $H ingest --db "$T/h.db" "$T/b1.json"

bomb "$T/b10.json" 10 1048576
PAT='metric "bomb.m8": 1048576 more samples bring the file to 9437184 values, over the limit of 8388608 per file'
WHAT="compare, 10 metrics of 2^20 (each within its limit)" refused $H compare "$T/good.json" "$T/b10.json"
WHAT="ingest, 10 metrics of 2^20" refused $H ingest --db "$T/h.db" "$T/b10.json"

bomb "$T/pm.json" 1 10 1001
PAT='metric "bomb.m0": 1001 process medians, over the limit of 1000 per metric'
WHAT="compare, 1001 process medians" refused $H compare "$T/good.json" "$T/pm.json"

python3 - "$T/raw.json" <<'P'
import json, sys
doc = {"schema_version": 1, "kind": "hvscope-result",
       "run": {"id": "raw", "hvscope_version": "0.1.0", "git_commit": "x",
               "started": "2026-11-21T00:00:00Z", "finished": "2026-11-21T00:00:00Z",
               "command_line": ["raw"], "tags": {}},
       "context": {"host": "h", "hypervisor": "none"},
       "metrics": [{"name": "raw.m", "unit": "ns", "direction": "lower_is_better", "outcome": "pass",
                    "flags": [], "samples": [1] * 1048577}]}
json.dump(doc, open(sys.argv[1], "w"))
P
PAT='metric "raw.m": 1048577 samples, over the limit of 1048576 per metric'
WHAT="ingest, 1048577 raw samples" refused $H ingest --db "$T/h.db" "$T/raw.json"

python3 - "$T/many.json" <<'P'
import json, sys
m = [{"name": "m%d" % i, "unit": "ns", "direction": "lower_is_better", "outcome": "skip",
      "flags": ["skipped"]} for i in range(10001)]
doc = {"schema_version": 1, "kind": "hvscope-result",
       "run": {"id": "many", "hvscope_version": "0.1.0", "git_commit": "x",
               "started": "2026-11-21T00:00:00Z", "finished": "2026-11-21T00:00:00Z",
               "command_line": ["many"], "tags": {}},
       "context": {"host": "h", "hypervisor": "none"}, "metrics": m}
json.dump(doc, open(sys.argv[1], "w"))
P
PAT='10001 metrics is over the limit of 10000 per file'
WHAT="ingest, 10001 metrics" refused $H ingest --db "$T/h.db" "$T/many.json"

[ "$(q "$T/h.db" 'select count(*) from runs')" = "$runs" ] &&
	[ "$(q "$T/h.db" 'select count(*) from samples')" = "$samples" ] &&
	[ "$(stat -c %s "$T/h.db")" -le "$size" ]
ok $? "the history did not grow ($runs runs, $samples samples, $size bytes)"
[ ! -e "$T/h.db-wal" ] || [ "$(stat -c %s "$T/h.db-wal")" -lt 1000000 ]
ok $? "... nor its write-ahead log"

# Inside the budget: a histogram of 100,000 (bench --samples 100000 writes one) reads.
bomb "$T/ok.json" 2 100000
$H ingest --quiet --db "$T/h.db" "$T/ok.json"
ok $? "two histograms of n = 100000 are ingested"
[ "$(q "$T/h.db" "select count(*) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid = 'bomb-2-100000-0'")" = 200000 ]
ok $? "... all 200000 samples"

# run refuses what no reader would take back, before measuring.
$H run --bench syscall.getppid --samples 1000000 --processes 2 --no-checks --out "$T/never.json" > /dev/null 2> "$T/e"
[ $? = 2 ] && grep -qF "1000000 samples x 2 processes = 2000000 per metric, over the limit of 1048576" "$T/e"
ok $? "run --samples 1000000 --processes 2: exit 2 before measuring"
$H run --suite full --samples 1000000 --processes 1 --no-checks --out "$T/never.json" > /dev/null 2> "$T/e"
[ $? = 2 ] && grep -qF "over the limit of 8388608 a result file may hold" "$T/e"
ok $? "run --suite full --samples 1000000: exit 2 (the file would be over 8388608 values)"
