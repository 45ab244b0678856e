#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# history: ingest is idempotent, concurrent writers lose nothing, and kill -9
# in the middle of an ingest leaves a consistent database (whole runs only).
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
q() { sqlite3 "$1" "$2"; }

echo "1..13"
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/a" 200 --prefix a
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/k" 600 --prefix k --metrics 10 --samples 50
python3 "$HVS_SRC/tests/lib/validate.py" "$T/a/a-00000.json" "$T/a/a-00199.json" 2>/dev/null
ok $? "generated files validate against the schema"

$H ingest --quiet --db "$T/h.db" "$T"/a/a-0000*.json
ok $? "ingest 10 files"
$H ingest --quiet --db "$T/h.db" "$T"/a/a-0000*.json
[ "$(q "$T/h.db" 'select count(*) from runs')" = 10 ]
ok $? "re-ingesting the same files adds nothing"
[ "$(q "$T/h.db" 'pragma journal_mode')" = wal ]
ok $? "WAL mode"

# Four writers at once, 50 files each (plus 10 already there).
for w in 0 1 2 3; do
	$H ingest --quiet --db "$T/h.db" $(ls "$T"/a/*.json | sed -n "$((w * 50 + 1)),$((w * 50 + 50))p") &
done
wait
[ "$(q "$T/h.db" 'select count(*) from runs')" = 200 ]
ok $? "4 concurrent writers: 200 runs, none lost ($(q "$T/h.db" 'select count(*) from runs'))"
# Two writers creating a history at once (a fleet's first night): the
# switch to WAL raced and lost one side in about half of the pairs.
lost=0
for i in $(seq 1 10); do
	rm -f "$T/new.db"*
	$H ingest --quiet --db "$T/new.db" "$T"/a/a-0000[0-4].json 2> "$T/e1" &
	$H ingest --quiet --db "$T/new.db" "$T"/a/a-0000[5-9].json 2> "$T/e2"
	wait
	[ "$(q "$T/new.db" 'select count(*) from runs')" = 10 ] || { lost=$((lost + 1)); cat "$T/e1" "$T/e2" >&2; }
done
[ $lost = 0 ]
ok $? "2 writers creating a history at once, 10 times: nothing lost (lost in $lost)"
[ "$(q "$T/h.db" 'select count(*) from metrics')" = 1000 ] &&
	[ "$(q "$T/h.db" 'select count(*) from samples')" = 20000 ]
ok $? "every metric and sample present"

# kill -9 in the middle of a long ingest.
$H ingest --quiet --db "$T/k.db" "$T"/k/*.json &
pid=$!
for i in $(seq 1 100); do
	c=$(q "$T/k.db" 'select count(*) from runs' 2>/dev/null || echo 0)
	[ "${c:-0}" -ge 20 ] && break
	sleep 0.05
done
kill -9 $pid
wait $pid 2>/dev/null
got=$(q "$T/k.db" 'select count(*) from runs')
[ "$got" -gt 0 ] && [ "$got" -lt 600 ]
ok $? "killed mid-ingest ($got of 600 runs in)"
[ "$(q "$T/k.db" 'pragma integrity_check')" = ok ]
ok $? "integrity_check ok after kill -9"
[ "$(q "$T/k.db" 'select count(*) from runs r where (select count(*) from metrics m where m.run_id = r.id) != 10')" = 0 ]
ok $? "no half-written run: every run has its 10 metrics"
[ "$(q "$T/k.db" 'select count(*) from metrics m where (select count(*) from samples s where s.metric_id = m.id) != 50')" = 0 ]
ok $? "every metric has its 50 samples"
$H ingest --quiet --db "$T/k.db" "$T"/k/*.json
[ "$(q "$T/k.db" 'select count(*) from runs')" = 600 ]
ok $? "re-running the ingest completes it"

"$HVSCOPE_STATIC" ingest --db "$T/s.db" "$T/a/a-00000.json" 2> "$T/err"
rc=$?
[ $rc = 6 ] && [ "$(wc -l < "$T/err")" = 1 ]
ok $? "static build: history unavailable, exit 6 ($(cat "$T/err"))"
