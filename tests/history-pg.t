#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# history-pg.t - the PostgreSQL history (harness/results/history_pg.c)
# against a real throwaway server (tests/lib/pg.sh: initdb in a temp dir,
# Unix socket only, run as `nobody` when the test runs as root): ingest,
# regress and report give what they give on SQLite; a run id already there
# (exit 11, --replace); 8 concurrent writers x 100 runs lose nothing, also
# when all 8 write the same 100 runs; a kill -9 loop during ingest leaves
# whole runs only; run --db; a version 1 history (a samples table) migrates
# to version 2 (samples as an array per metric) once, under concurrent
# writers and through a kill -9, with every sample kept. ~25 s here.
set -u
. "$HVS_SRC/tests/lib/need.sh"
need postgresql /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl
need postgresql-client-common cmd:psql
need sqlite3 cmd:sqlite3
"${HVSCOPE:?}" version | grep -q 'libpq=1' || skip_all "hvscope built without libpq (libpq-dev)"
. "$HVS_SRC/tests/lib/pg.sh"
T=$(mktemp -d)
trap 'pg_stop; rm -rf "$T"' EXIT
H=$HVSCOPE
MK="python3 $HVS_SRC/tests/lib/mkresult.py"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
pgq() { $PSQL -c "$1"; }
# Every run whole: its metrics all there (mkmany writes M per run), every
# metric with its n samples, no sample without a metric, context and digest present.
broken() {
	pgq "select (select count(*) from runs r where (select count(*) from metrics m where m.run_id = r.id) != $1)
	      + (select count(*) from metrics m where m.n != (select count(*) from samples s where s.metric_id = m.id))
	      + (select count(*) from samples s where not exists (select 1 from metrics m where m.id = s.metric_id))
	      + (select count(*) from runs r where not exists (select 1 from contexts c where c.run_id = r.id))
	      + (select count(*) from runs r where not exists (select 1 from digests d where d.run_id = r.id))"
}

echo "1..26"
pg_start || { echo "Bail out! PostgreSQL did not start"; exit 1; }
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/a" 40 --prefix a --series step --metrics 6
# a second host with its own step, and newer than every run of the first
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/b" 12 --prefix b --metrics 6 --start 2026-03-01
sed -i 's/"host": "synthetic"/"host": "web2"/' "$T"/b/*.json

$H ingest --db "$PGCONN" "$T"/a/*.json > "$T/o"
ok $? "ingest 40 files into PostgreSQL ($(cat "$T/o"))"
[ "$(pgq 'select count(*) from runs')" = 40 ] && [ "$(pgq 'select count(*) from samples')" = 4800 ] &&
	[ "$(pgq "select value from meta where key = 'schema_version'")" = 2 ]
ok $? "... 40 runs, 4800 samples, schema version 2"
$H ingest --db "postgresql:///hvs?host=$PGDIR&user=hvs" "$T"/a/*.json > "$T/o"
grep -q "0 run(s) into .*; 40 already there, 0 bad" "$T/o"
ok $? "the same files again through a postgresql:// URI: all already there"
$H ingest --quiet --db "$T/s.db" "$T"/a/*.json
$H regress --db "$T/s.db" --json > "$T/rs.json"
$H regress --db "$PGCONN" --json > "$T/rp.json"
rc=$?
[ $rc -le 1 ] && [ -s "$T/rp.json" ] && diff <(sed "s#$T/s.db##" "$T/rs.json") <(sed "s#$PGCONN##" "$T/rp.json") > "$T/d"
ok $? "regress: the same verdicts from PostgreSQL as from SQLite ($(head -c 300 "$T/d"))"
grep -q '"slower"' "$T/rp.json"
ok $? "... and the planted step is found"
$H report --db "$PGCONN" --all-trends --out "$T/rep" > /dev/null 2> "$T/e" &&
	[ "$(grep -c '](charts/trend-0[1-6]-synthetic' "$T/rep/report.md")" = 6 ] &&
	grep -q 'synthetic.m000: .* from commit c00030' "$T/rep/report.md" && grep -q "History: 40 runs of the newest run" "$T/rep/report.md"
ok $? "report --db PostgreSQL: 6 trends over 40 runs, the step at c00030 ($(cat "$T/e"))"

# run --db writes the run itself; ingesting its file afterwards is a no-op.
$H run --bench syscall.getppid --processes 1 --samples 5 --no-checks --out "$T/run.json" --db "$PGCONN" > /dev/null 2> "$T/e"
rc=$?
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"]["id"])' "$T/run.json" 2>/dev/null)
[ $rc = 0 ] && [ "$(pgq "select count(*) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid = '$id'")" = 5 ] &&
	$H ingest --db "$PGCONN" "$T/run.json" | grep -q "0 run(s) into .*; 1 already there"
ok $? "run --db PostgreSQL: the run and its 5 samples, its file then already there ($(cat "$T/e"))"
pgq "delete from runs where run_uid = '$id'"

# A second host in the same history: the newest run is web2's; host= pins.
$H ingest --quiet --db "$PGCONN" "$T"/b/*.json
$H regress --db "$PGCONN" > "$T/o"
grep -q "newest run b-00011" "$T/o" && grep -q "12 runs of its context" "$T/o"
ok $? "two hosts: regress judges the newest run's host only ($(head -1 "$T/o"))"
$H regress --db "$PGCONN" --context host=synthetic,config > "$T/o"
grep -q "newest run a-00039" "$T/o" && grep -q "30 runs of its context" "$T/o"
ok $? "--context host=synthetic pins the other host ($(head -1 "$T/o"))"
$H regress --db "$T/s.db" --context host=synthetic > "$T/o2"
diff <(sed 1d "$T/o") <(sed 1d "$T/o2") > /dev/null
ok $? "... as it does on SQLite"
$H regress --db "$PGCONN" --context host=nosuch > /dev/null 2> "$T/e"
rc=$?
[ $rc = 4 ] && grep -q "no run in the history matches" "$T/e"
ok $? "a pin nothing matches: exit 4 ($(cat "$T/e"))"

# A run id already there (docs/history.md): 11, nothing written; --replace.
$MK "$T/x.json" --metrics 4 --samples 20 --seed 1 --id same-id
$MK "$T/y.json" --metrics 3 --samples 25 --seed 2 --id same-id
$H ingest --quiet --db "$PGCONN" "$T/x.json"
$H ingest --quiet --db "$PGCONN" "$T/y.json" 2> "$T/e"
rc=$?
[ $rc = 11 ] && grep -qF "run id same-id is already in the history with different content" "$T/e" &&
	[ "$(pgq "select count(*) from metrics m join runs r on r.id = m.run_id where r.run_uid = 'same-id'")" = 4 ]
ok $? "same run id, other content: exit 11, the old run kept ($(cat "$T/e"))"
$H ingest --db "$PGCONN" --replace "$T/y.json" > "$T/o"
[ $? = 0 ] && grep -q replaced "$T/o" &&
	[ "$(pgq "select count(*) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid = 'same-id'")" = 75 ] &&
	[ "$(pgq 'select count(*) from samples s where not exists (select 1 from metrics m where m.id = s.metric_id)')" = 0 ]
ok $? "--replace: the new run whole, no sample of the old one left"

# 8 concurrent writers x 100 runs, then all 8 writing the same 100 runs.
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/c" 800 --prefix c --metrics 5 --samples 10
pgq 'set client_min_messages = warning; drop table metrics, digests, contexts, tags, runs, meta cascade'
for w in 0 1 2 3 4 5 6 7; do
	$H ingest --quiet --db "$PGCONN" $(ls "$T"/c/*.json | sed -n "$((w * 100 + 1)),$((w * 100 + 100))p") 2>> "$T/e8" &
done
wait
[ "$(pgq 'select count(*) from runs')" = 800 ] && [ "$(pgq 'select count(*) from samples')" = 40000 ] && [ ! -s "$T/e8" ]
ok $? "8 writers x 100 runs at once, creating the tables: 800 runs, 40000 samples ($(head -c 300 "$T/e8"))"
[ "$(broken 5)" = 0 ]
ok $? "... every run whole"
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/same" 100 --prefix d --metrics 5 --samples 10
for w in 0 1 2 3 4 5 6 7; do
	$H ingest --quiet --db "$PGCONN" "$T"/same/*.json 2>> "$T/e9" &
done
wait
[ "$(pgq "select count(*) from runs where run_uid like 'd-%'")" = 100 ] && [ ! -s "$T/e9" ] && [ "$(broken 5)" = 0 ]
ok $? "8 writers of the same 100 runs: each once, no error ($(head -c 300 "$T/e9"))"

# kill -9 during ingest, 5 times, each at another point; then finish.
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/k" 600 --prefix k --metrics 10 --samples 50
pgq 'set client_min_messages = warning; drop table metrics, digests, contexts, tags, runs, meta cascade'
# A kill can come before the schema exists: then none of its tables may
# exist (created in one transaction), and with them every run is whole.
whole() {
	local t
	t=$(pgq "select count(*) from pg_tables where schemaname = 'public'
	         and tablename in ('runs', 'metrics', 'contexts', 'digests', 'tags', 'meta')")
	[ "$t" = 0 ] || { [ "$t" = 6 ] && [ "$(broken 10)" = 0 ]; }
}
runs() { pgq "select case when to_regclass('runs') is null then 0 else (select count(*) from runs) end"; }
bad=0
for i in 1 2 3 4 5; do
	$H ingest --quiet --db "$PGCONN" "$T"/k/*.json &
	pid=$!
	if [ $i = 1 ]; then
		sleep "0.0$((RANDOM % 5 + 1))" # maybe before the schema exists
	else
		# the others wait for ~60 more committed runs each (up to 20 s), so
		# they land between commits however fast the ingest or loaded the
		# machine; the last at <= 269 of 600 leaves the ingest ~300 runs to go
		# (a poll is a psql process: ~50 runs go in between at ~1,000 runs/s,
		# and at 120 a kill one run 600 of 600 got in first)
		want=$(( (i - 1) * 60 + RANDOM % 30 ))
		for _ in $(seq 1000); do
			[ "$(runs)" -ge $want ] && break
			sleep 0.02
		done
	fi
	kill -9 $pid
	wait $pid 2>/dev/null
	whole || bad=$((bad + 1))
done
got=$(pgq 'select count(*) from runs')
[ $bad = 0 ] && [ "$got" -gt 0 ] && [ "$got" -lt 600 ]
ok $? "kill -9 5 times during ingest: whole runs only after each ($got of 600 in, $bad broken)"
$H ingest --quiet --db "$PGCONN" "$T"/k/*.json
[ "$(pgq 'select count(*) from runs')" = 600 ] && [ "$(broken 10)" = 0 ]
ok $? "re-running the ingest completes it"

# Schema version 1 (hvscope before sample arrays): the samples table as it
# was created then, filled from the version 2 rows; opening it migrates.
v1() {
	pgq "create table samples1 (metric_id bigint not null, seq integer not null,
	       value double precision not null, primary key (metric_id, seq));
	     insert into samples1 select * from samples;
	     drop view samples; alter table metrics drop column sample_values;
	     alter table samples1 rename to samples;
	     update meta set value = '1' where key = 'schema_version'"
}
sum() { pgq "select count(*) || ' ' || md5(string_agg(s.metric_id || ':' || s.seq || ':' || s.value::text, ',' order by s.metric_id, s.seq)) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid like 'k-%'"; }
before=$(sum)
$H regress --db "$PGCONN" > "$T/r1" 2>&1
v1
[ "$(pgq "select value from meta where key = 'schema_version'")" = 1 ] && [ "$(pgq "select count(*) from samples")" = 300000 ] &&
	$H regress --db "$PGCONN" > "$T/r2" 2>&1 && diff "$T/r1" "$T/r2" > /dev/null &&
	[ "$(pgq "select value from meta where key = 'schema_version'")" = 2 ] && [ "$(sum)" = "$before" ] &&
	[ "$(pgq "select count(*) from pg_views where viewname = 'samples'")" = 1 ] && [ "$(broken 10)" = 0 ]
ok $? "schema version 1 -> 2 on open: 300000 samples kept in order, regress the same ($(head -1 "$T/r2"))"
v1
# kill -9 while it migrates: version 1 as it was, or version 2 whole.
$H regress --db "$PGCONN" > /dev/null 2>&1 &
pid=$!
sleep "0.$((RANDOM % 5 + 1))"
kill -9 $pid
wait $pid 2>/dev/null
sleep 0.5 # the server notices the lost client and rolls back
ver=$(pgq "select value from meta where key = 'schema_version'")
case $ver in
1) kind=$(pgq "select count(*) from pg_tables where tablename = 'samples'") ;;
2) kind=$(pgq "select count(*) from pg_views where viewname = 'samples'") ;;
*) kind=0 ;;
esac
[ "$kind" = 1 ] &&
	[ "$(sum)" = "$before" ] && [ "$(broken 10)" = 0 ]
ok $? "kill -9 during the migration: version $ver, whole, every sample there"
[ "$ver" = 2 ] && v1
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/m" 40 --prefix m --metrics 10 --samples 7
for w in 0 1 2 3; do
	$H ingest --quiet --db "$PGCONN" $(ls "$T"/m/*.json | sed -n "$((w * 10 + 1)),$((w * 10 + 10))p") 2>> "$T/em" &
done
wait
[ ! -s "$T/em" ] && [ "$(pgq 'select count(*) from runs')" = 640 ] && [ "$(pgq "select value from meta where key = 'schema_version'")" = 2 ] &&
	[ "$(sum)" = "$before" ] && [ "$(pgq "select count(*) from samples s join metrics m on m.id = s.metric_id join runs r on r.id = m.run_id where r.run_uid like 'm-%'")" = 2800 ] &&
	[ "$(broken 10)" = 0 ]
ok $? "4 writers opening a version 1 history at once: migrated once, their 40 runs in ($(head -c 300 "$T/em"))"
pgq "update meta set value = '3' where key = 'schema_version'"
$H regress --db "$PGCONN" > /dev/null 2> "$T/e"
rc=$?
[ $rc = 4 ] && grep -q "schema version 3, this hvscope uses 2" "$T/e"
pgq "update meta set value = '2' where key = 'schema_version'"
ok $? "a newer schema version: exit 4, nothing touched ($(cat "$T/e"))"

# One batch (ingest sends up to 32 runs before it reads the answers, each
# its own transaction): a run the server refuses in the middle, a run id
# there with other content, a file there already and a malformed file are
# reported one by one, in order, and every other run is whole.
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/p" 12 --prefix p --metrics 3 --samples 4
$MK "$T/pdup.json" --metrics 2 --samples 5 --seed 3 --id p-00003
printf '{"schema_version": 1,' > "$T/pbad.json"
pgq "create function refuse() returns trigger language plpgsql as \$\$ begin
       if new.run_uid = 'p-00005' then
         raise exception using errcode = 'check_violation', message = 'refused by the test';
       end if; return new; end \$\$;
     create trigger refuse before insert on runs for each row execute function refuse()"
P=$T/p/p-000
$H ingest --json --db "$PGCONN" ${P}00.json ${P}01.json "$T/pbad.json" ${P}02.json ${P}03.json "$T/pdup.json" \
	${P}04.json ${P}05.json ${P}06.json ${P}07.json ${P}08.json ${P}09.json ${P}10.json ${P}11.json ${P}01.json \
	> "$T/pj" 2> "$T/e"
rc=$?
pgq "drop trigger refuse on runs; drop function refuse()"
[ $rc = 3 ] && [ "$(wc -l < "$T/e")" = 3 ] &&
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
st = [f["status"] + ":" + str(f["exit_code"]) for f in d["files"]]
want = ["ingested:0"] * 2 + ["bad:3", "ingested:0", "ingested:0", "bad:11", "ingested:0", "bad:4"] + ["ingested:0"] * 6 + ["already_there:0"]
sys.exit(st != want or (d["ingested"], d["already_there"], d["bad"]) != (11, 1, 3))' "$T/pj" &&
	[ "$(pgq "select count(*) from runs where run_uid like 'p-%'")" = 11 ] &&
	[ "$(pgq "select count(*) from metrics m join runs r on r.id = m.run_id where r.run_uid like 'p-%'")" = 33 ] &&
	[ "$(pgq "select count(*) from runs where run_uid = 'p-00005'")" = 0 ] && [ "$(pgq "select count(*) from runs r where r.run_uid like 'p-%' and
	   ((select count(*) from metrics m where m.run_id = r.id) != 3 or
	    not exists (select 1 from contexts c where c.run_id = r.id) or
	    not exists (select 1 from digests d where d.run_id = r.id))")" = 0 ]
ok $? "one batch with a refused run, a conflict, a duplicate and a malformed file: each reported in order, exit 3, 11 runs whole ($(tr '\n' ' ' < "$T/e"))"

# Bad connections: one line, the README's codes.
$H ingest --db "host=$T/nosuch dbname=hvs" "$T/x.json" > /dev/null 2> "$T/e"
rc=$?
[ $rc = 9 ] && [ "$(wc -l < "$T/e")" = 1 ] && grep -q "cannot connect to PostgreSQL" "$T/e"
ok $? "no server there: exit 9, one line ($(cat "$T/e"))"
$H regress --db "host=$PGDIR dbname=nosuch user=hvs" > /dev/null 2> "$T/e"
rc=$?
[ $rc = 9 ] && [ "$(wc -l < "$T/e")" = 1 ]
ok $? "no such database: exit 9, one line ($(cat "$T/e"))"
"${HVSCOPE_STATIC:?}" ingest --db "$PGCONN" "$T/x.json" 2> "$T/e"
rc=$?
[ $rc = 6 ] && [ "$(wc -l < "$T/e")" = 1 ] && grep -q libpq "$T/e"
ok $? "static build: no libpq, exit 6 ($(cat "$T/e"))"
