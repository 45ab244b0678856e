#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-fleet.sh - the history of a fleet (numbers go to docs/PERFORMANCE.md,
# section "Fleet history"), against a throwaway PostgreSQL (tests/lib/pg.sh)
# with its default settings (fsync on, synchronous_commit on):
#   1. ingest 10,000 result files (1 M samples) with 8 concurrent writers
#      into PostgreSQL (goal >= 500,000 samples/s), and the same files into
#      SQLite with one writer (SQLite has one writer at a time)
#   2. a fleet history of 100,000 runs (300 hosts x 334 nights, 10 metrics,
#      5 samples each: 1 M metric rows, 5 M samples), filled by SQL; then
#      `regress` of the newest run's context, of one pinned host, and
#      `report --db` of the newest run's host (goal < 2 s each)
# Wall time on a shared machine includes waiting for a CPU: the CPU time of
# hvscope and of the server (every backend's utime+stime, read from /proc
# while it runs) is printed beside it, and their sum per million samples
# (500,000 samples/s on N CPUs needs at most 2 * N of those). HVS_BENCH_FILES: fewer files;
# HVS_BENCH_PARTS="1" or "2": one part only.
set -eu
cd "$(dirname "$0")/.."
H=${HVSCOPE:-$PWD/bin/hvscope}
files=${HVS_BENCH_FILES:-10000}
writers=8
"$H" version | grep -q 'libpq=1' || { echo "bench-fleet: $H has no libpq (libpq-dev): skipped"; exit 0; }
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || { echo "bench-fleet: no PostgreSQL server (postgresql): skipped"; exit 0; }
. tests/lib/pg.sh
T=$(mktemp -d)
trap 'pg_stop; rm -rf "$T"' EXIT

timed() { /usr/bin/time -f '%e %U %S' -o "$T/time" "$@" > "$T/out" 2>&1 || { cat "$T/out" >&2; return 1; }; cat "$T/time"; }
# CPU seconds of the server's processes while "$@" runs (a sampler every 50 ms
# keeps each backend's last utime+stime; backends exit with their connection).
server_cpu() {
	python3 - "$PGDIR/data/postmaster.pid" "$T/stop" > "$T/srv" <<'PY' &
import os, sys, time
pm = int(open(sys.argv[1]).readline())
hz = os.sysconf("SC_CLK_TCK")
last = {}
def scan():
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(p) == pm or int(f[1]) == pm:
            last[p] = int(f[11]) + int(f[12])
base = None
while not os.path.exists(sys.argv[2]):
    scan()
    if base is None:
        base = dict(last)
    time.sleep(0.05)
scan()
print("%.2f" % (sum(v - base.get(p, 0) for p, v in last.items()) / hz))
PY
	local spid=$!
	sleep 0.2
	"$@"
	touch "$T/stop"
	wait $spid
	rm -f "$T/stop"
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes these noisy)"
pg_start
echo "server: $($PSQL -c 'show server_version') on a Unix socket, fsync=$($PSQL -c 'show fsync'), synchronous_commit=$($PSQL -c 'show synchronous_commit')"

# 1. ingest
parts=${HVS_BENCH_PARTS:-1 2}
if [[ $parts == *1* ]]; then
python3 tests/lib/mkmany.py "$T/ing" "$files" --metrics 5 --samples 20 --prefix i
find "$T/ing" -name '*.json' | sort > "$T/list"
split -n "l/$writers" "$T/list" "$T/part."
cat > "$T/writers.sh" <<EOF
for p in $T/part.*; do xargs -a "\$p" -d '\\n' "$H" ingest --quiet --db "$PGCONN" & done
wait
EOF
server_cpu timed bash "$T/writers.sh" > "$T/r"
read -r wall usr sys < "$T/r"
samples=$($PSQL -c 'select count(*) from samples')
srv=$(cat "$T/srv")
echo "ingest PostgreSQL, $writers writers: $files files, $samples samples in $wall s = $(echo "$samples / $wall" | bc) samples/s; cpu hvscope $usr+$sys s, server $srv s = $(echo "scale=2; ($usr + $sys + $srv) * 1000000 / $samples" | bc) CPU-s per million samples  [$writers x: xargs -a PART hvscope ingest --db 'host=... dbname=...']"
r=$(timed bash -c "xargs -a '$T/list' -d '\\n' '$H' ingest --quiet --db '$T/ing.db'")
read -r wall usr sys <<< "$r"
samples=$(sqlite3 "$T/ing.db" 'select count(*) from samples')
echo "ingest SQLite, 1 writer: $files files, $samples samples in $wall s = $(echo "$samples / $wall" | bc) samples/s; cpu hvscope $usr+$sys s  [xargs -a LIST hvscope ingest --db H.db]"
rm -rf "$T/ing" "$T/ing.db"*
fi
[[ $parts == *2* ]] || exit 0

# 2. a fleet's year: 300 hosts x 334 nights = 100,200 runs, filled by SQL.
$PSQL -c 'SET client_min_messages = warning; DROP TABLE IF EXISTS metrics, digests, contexts, tags, runs, meta CASCADE'
python3 tests/lib/mkmany.py "$T/one" 1 --metrics 10 --samples 5 --prefix seed
"$H" ingest --quiet --db "$PGCONN" "$T"/one/*.json
$PSQL -c 'TRUNCATE metrics, digests, contexts, tags, runs'
t0=$(date +%s.%N)
$PSQL <<'SQL'
INSERT INTO runs (run_uid, started, finished, hvscope_version, git_commit, host, hypervisor, command_line)
  SELECT 'h' || h || '-n' || n, to_char(timestamp '2026-01-01' + n * interval '1 day' + h * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         to_char(timestamp '2026-01-01' + n * interval '1 day' + h * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         '0.1.0', 'c' || n, 'host' || lpad(h::text, 3, '0'), 'kvm', 'hvscope run'
  FROM generate_series(0, 333) n, generate_series(0, 299) h ORDER BY n, h;
INSERT INTO tags (run_id, key, value) SELECT id, 'config', 'default' FROM runs;
INSERT INTO tags (run_id, key, value) SELECT id, 'fleet_host', host FROM runs;
INSERT INTO contexts (run_id, context_json) SELECT id, jsonb_build_object('host', host) FROM runs;
INSERT INTO digests (run_id, sha256) SELECT id, md5(run_uid) FROM runs;
INSERT INTO metrics (run_id, name, unit, direction, outcome, flags, n, median, sample_values)
  SELECT r.id, 'bench.m' || lpad(k::text, 2, '0'), 'ns', 'lower_is_better', 'pass', 0, 5,
         v.med, array_fill(v.med, ARRAY[5])
  FROM runs r, generate_series(0, 9) k, LATERAL (SELECT 100 * (k + 1) * (1 + 0.01 * random()) AS med) v;
ANALYZE;
SQL
echo "fleet history filled by SQL in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s: $($PSQL -c 'select count(*) from runs') runs, $($PSQL -c 'select count(distinct host) from runs') hosts, $($PSQL -c 'select count(*) from metrics') metrics, $($PSQL -c 'select count(*) from samples') samples, $($PSQL -c "select pg_size_pretty(pg_database_size('hvs'))")"
for i in 1 2 3; do
	r=$(timed "$H" regress --db "$PGCONN")
	echo "regress, newest run's context (window 30): wall $(echo "$r" | cut -d' ' -f1) s, cpu $(echo "$r" | cut -d' ' -f2-3 | tr ' ' +) s; $(head -1 "$T/out")  [hvscope regress --db CONNINFO]"
done
for i in 1 2 3; do
	r=$(timed "$H" regress --db "$PGCONN" --context fleet_host=host017,config --window 365)
	echo "regress, one pinned host (window 365): wall $(echo "$r" | cut -d' ' -f1) s, cpu $(echo "$r" | cut -d' ' -f2-3 | tr ' ' +) s; $(head -1 "$T/out")  [hvscope regress --db CONNINFO --context fleet_host=host017,config --window 365]"
done
for i in 1 2 3; do
	rm -rf "$T/rep"
	r=$(timed "$H" report --db "$PGCONN" --no-charts --out "$T/rep")
	echo "report --db, the newest run's host: wall $(echo "$r" | cut -d' ' -f1) s, cpu $(echo "$r" | cut -d' ' -f2-3 | tr ' ' +) s; $(grep -o 'History: [0-9]* runs' "$T/rep/report.md")  [hvscope report --db CONNINFO --no-charts --out DIR]"
done
echo "plans (EXPLAIN ANALYZE of the two context queries):"
$PSQL -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) SELECT id, host, hypervisor, started FROM runs r WHERE TRUE ORDER BY started DESC, id DESC LIMIT 1" | grep -E "Index|Execution" | sed 's/^/  /'
$PSQL -c "EXPLAIN (ANALYZE, COSTS OFF) SELECT r.id FROM runs r WHERE r.host = 'host017' AND r.hypervisor = 'kvm' AND r.started <= '2026-12-31' ORDER BY r.started DESC, r.id DESC LIMIT 365" | grep -E "Index|Execution" | sed 's/^/  /'
