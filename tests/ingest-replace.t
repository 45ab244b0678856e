#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ingest-replace.t - a run id already in the history (issue 16): the same
# content (even re-indented, keys reordered) is skipped as "already there";
# different content is an error with its own exit code (11) and one line
# naming the file and the run id, and nothing of it is written, while the
# other files of the same ingest still go in; --replace replaces the run
# whole (no rows of the old one left). run --db and ingesting the file it
# wrote is the same content.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
MK="python3 $HVS_SRC/tests/lib/mkresult.py"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
q() { sqlite3 "$1" "$2"; }
rows() { q "$T/h.db" "select (select count(*) from runs) || ' ' || (select count(*) from metrics) || ' ' || (select count(*) from samples) || ' ' || (select count(*) from tags)"; }

echo "1..14"
$MK "$T/a.json" --metrics 4 --samples 20 --seed 1 --id same-id --tag config=a
# b: the same run id, other samples, another metric count and tag.
$MK "$T/b.json" --metrics 3 --samples 25 --seed 2 --id same-id --tag config=b
$MK "$T/c.json" --metrics 2 --samples 10 --seed 3 --id other-id
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), indent=3, sort_keys=True)' \
	"$T/a.json" "$T/a-pretty.json"

$H ingest --db "$T/h.db" "$T/a.json" > "$T/o"
ok $? "ingest a"
[ "$(rows)" = "1 4 80 1" ]
ok $? "... 1 run, 4 metrics, 80 samples, 1 tag ($(rows))"
$H ingest --db "$T/h.db" "$T/a.json" "$T/a-pretty.json" > "$T/o"
ok $? "the same file again, and re-indented with sorted keys: exit 0"
grep -q "0 run(s) into .*; 2 already there, 0 bad" "$T/o"
ok $? "... both 'already there' ($(cat "$T/o"))"

$H ingest --db "$T/h.db" "$T/b.json" "$T/c.json" > "$T/o" 2> "$T/e"
rc=$?
[ $rc = 11 ]
ok $? "same run id, different content: exit 11 (got $rc)"
[ "$(wc -l < "$T/e")" = 1 ] &&
	grep -qF "$T/b.json: run id same-id is already in the history with different content (use --replace to replace it)" "$T/e"
ok $? "... one line naming the file and the run id ($(cat "$T/e"))"
[ "$(q "$T/h.db" "select count(*) from runs where run_uid = 'same-id'")" = 1 ] &&
	[ "$(q "$T/h.db" "select value from tags t join runs r on r.id = t.run_id where r.run_uid = 'same-id'")" = a ] &&
	[ "$(q "$T/h.db" "select count(*) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid = 'same-id'")" = 80 ]
ok $? "... the run in the history is still a's"
[ "$(q "$T/h.db" "select count(*) from runs where run_uid = 'other-id'")" = 1 ]
ok $? "... and the other file of the ingest went in"
$H ingest --quiet --db "$T/h.db" "$T/b.json" 2> /dev/null
[ $? = 11 ]
ok $? "ingesting it again: still exit 11"

$H ingest --db "$T/h.db" --replace "$T/b.json" > "$T/o"
ok $? "--replace: exit 0 ($(cat "$T/o"))"
grep -q "1 replaced" "$T/o"
ok $? "... counted as replaced"
[ "$(q "$T/h.db" "select count(*) from metrics m join runs r on r.id = m.run_id where r.run_uid = 'same-id'") $(q "$T/h.db" "select count(*) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid = 'same-id'") $(q "$T/h.db" "select value from tags t join runs r on r.id = t.run_id where r.run_uid = 'same-id'")" = "3 75 b" ] &&
	[ "$(rows)" = "2 5 95 1" ] && [ "$(q "$T/h.db" 'select count(*) from digests')" = 2 ] && [ "$(q "$T/h.db" 'pragma foreign_key_check')" = "" ]
ok $? "... the run is b's now, whole, and nothing of a's is left ($(rows))"
$H ingest --quiet --db "$T/h.db" "$T/b.json"
ok $? "then b again without --replace: already there, exit 0"

# run --db, then ingest the file it wrote: the same content.
$H run --bench syscall.getppid --processes 2 --samples 5 --no-checks --db "$T/r.db" --out "$T/r.json" > /dev/null 2>&1 &&
	$H ingest --db "$T/r.db" "$T/r.json" | grep -q "1 already there, 0 bad"
ok $? "run --db then ingest of its own file: already there"
