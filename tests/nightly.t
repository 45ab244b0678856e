#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nightly.t - the nightly job as shipped. `make install PREFIX=$T/p` (real
# paths, no DESTDIR); systemd-analyze verify passes on the installed unit and
# timer; the installed cron line, run the way cron runs it (env -i, cron's
# PATH, sh -c), with only its state directory moved into $T:
# - a first night on a fresh state directory: 0 metrics checked is no
#   verdict (exit 4, said on stderr), never "no regression";
# - a clean night (history seeded with copies of a real night): exit 0 and,
#   with --quiet, nothing printed (cron mails nothing);
# - a planted regression (the history's earlier nights made 1.5x faster
#   with tests/lib/plant.py, then real nights): exit 1, the regression on
#   stdout, and the --on-regression hook gets the report on its stdin;
# plus the report's content (regress table, compare with the previous
# night), valid result files, and a second runner refused by the lock.
. "${HVS_SRC:?}/tests/lib/need.sh"
need sqlite3 cmd:sqlite3
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..13"
P=$T/p
make -s --no-print-directory -C "$HVS_SRC" SANITIZE="${HVS_SANITIZE:-0}" install PREFIX="$P" > "$T/install.log" 2>&1
ok $? "make install PREFIX=$P"

units=$(find "$P" -name 'hvscope-nightly.service' -o -name 'hvscope-nightly.timer' | sort)
if have systemd cmd:systemd-analyze; then
	# MANPATH: Documentation=man:... is checked against the installed pages.
	out=$(MANPATH=$P/share/man systemd-analyze verify $units 2>&1)
	ok $? "systemd-analyze verify passes on the installed unit and timer${out:+: $out}"
else
	echo "ok $((n += 1)) # SKIP systemd-analyze not installed"
fi

cronf=$P/share/doc/hvscope/examples/hvscope-nightly.cron
line=$(grep -E '^[0-9*]' "$cronf")
# Fields 1-5 when, 6 the user, the rest is what cron gives to sh -c.
cmd=$(echo "$line" | cut -d' ' -f7-)
case $cmd in
*"$P/bin/hvscope-nightly --quiet") ok 0 "the cron line runs the installed job by its absolute path: $cmd" ;;
*) ok 1 "the cron line runs the installed job by its absolute path: $cmd" ;;
esac
# The way cron runs it: an empty environment but cron's own, sh -c.
# HVS_TAGS is on the cron line: rewrite it there too.
cron_run() { # STATE TAGS [EXTRA ARGS...]
	local st=$1 tg=$2 c
	shift 2
	c=${cmd//\/var\/lib\/hvscope/$st}
	c=${c//HVS_TAGS=config=default/HVS_TAGS=$tg}
	env -i PATH=/usr/bin:/bin SHELL=/bin/sh HOME="$T" LOGNAME="$(id -un)" \
		HVS_SUITE=quick HVS_RUN_ARGS="--bench syscall.getppid --no-checks" sh -c "$c $*"
}

# Seed DB with N copies of RESULT, dated before it (FACTOR: each metric
# made that much slower, < 1 = faster; plant.py's regression, inverted).
seed() { # RESULT DB N FACTOR PREFIX
	python3 - "$@" "$T/seed-$5" <<'PY'
import copy, datetime, json, os, sys
sys.path.insert(0, os.path.join(os.environ["HVS_SRC"], "tests/lib"))
from plant import plant_regression
src, db, count, factor, prefix, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
base = json.load(open(src))
os.makedirs(out, exist_ok=True)
for i in range(count):
    r = copy.deepcopy(base)
    day = datetime.datetime(2026, 1, 1) + datetime.timedelta(days=i)
    r["run"]["id"] = "%s-%03d" % (prefix, i)
    r["run"]["started"] = day.strftime("%Y-%m-%dT%H:%M:%SZ")
    r["run"]["finished"] = (day + datetime.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for m in r["metrics"]:
        if factor != 1:
            plant_regression(m, factor)
    json.dump(r, open(os.path.join(out, "%s-%03d.json" % (prefix, i)), "w"))
PY
	"$HVSCOPE" ingest --quiet --db "$2" "$T/seed-$5"/*.json
}

# Night 1, fresh machine: nothing to judge against.
S=$T/state
cron_run "$S" config=default > "$T/o1" 2> "$T/e1"
rc=$?
[ $rc = 4 ] && grep -q '0 metrics checked' "$T/e1" && ! grep -qi 'no regression' "$T/o1" "$T/e1"
ok $? "first night: 0 metrics checked is no verdict: exit 4 (got $rc: $(head -c 200 "$T/e1"))"
first=$(ls "$S/results"/*.json | head -n 1)

# A clean night: the history holds 6 earlier copies of night 1, three of
# them 1.5x slower: this host flips between states (getppid ~190 vs ~270
# ns) within seconds, and a history that has seen both does not call the
# other one a regression (a history of identical copies did, now and
# then). Night 1's file (the previous night compare reads) says half its
# CPU time was stolen: compare's warning about the nights' conditions
# goes into the report, never to cron's mail on a clean night.
seed "$first" "$S/history.db" 3 1 clean
seed "$first" "$S/history.db" 3 1.5 cleanslow
python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["context"]["steal_fraction"] = 0.5
json.dump(d, open(sys.argv[1], "w"))' "$first"
sleep 1
cron_run "$S" config=default > "$T/o2" 2> "$T/e2"
rc=$?
[ $rc = 0 ] && [ ! -s "$T/o2" ] && [ ! -s "$T/e2" ]
ok $? "a clean night as cron runs it: exit 0, nothing printed with --quiet (got $rc: $(cat "$T/o2" "$T/e2" | head -c 300))"
grep -q '^> hvscope: compare: warning: A and B were measured in different conditions' "$(ls "$S/reports"/*.md | tail -n 1)"
ok $? "... compare's warning about the nights' steal is in the report"
sleep 1
env -i PATH=/usr/bin:/bin HVS_NIGHTLY_DIR="$S" HVS_SUITE=quick HVS_RUN_ARGS="--bench syscall.getppid --no-checks" \
	"$P/bin/hvscope-nightly" > "$T/o3" 2>&1
rc=$?
[ $rc = 0 ] && grep -q 'no regression in [1-9][0-9]* metric(s) checked' "$T/o3"
ok $? "without --quiet a clean night says how many metrics it checked ($(cat "$T/o3"))"
[ "$(ls "$S/results"/*.json | wc -l)" = 3 ] && [ "$(sqlite3 "$S/history.db" 'select count(*) from runs')" = 9 ]
ok $? "three results, nine runs (three nights, six seeded) in the history"
last=$(ls "$S/reports"/*.md | tail -n 1)
grep -q '^### hvscope regress' "$last" && grep -q '^## Against the previous night' "$last" && grep -q '^| syscall.getppid' "$last"
ok $? "the report has the regress table and the compare against the previous night"
python3 "$HVS_SRC/tests/lib/validate.py" "$S/results"/*.json 2> /dev/null
ok $? "nightly results validate"

# A planted regression, in its own state directory and context: the
# seeded earlier nights are 1.5x faster than this machine really is.
R=$T/planted
cron_run "$R" config=planted > /dev/null 2>&1
seed "$(ls "$R/results"/*.json | head -n 1)" "$R/history.db" 20 0.6667 fast
for i in 1 2; do
	sleep 1
	cron_run "$R" config=planted --on-regression "'cat > $T/hook.txt; echo \$HVS_NIGHTLY_REPORT > $T/hook.env'" > "$T/o4" 2> "$T/e4"
	rc=$?
done
[ $rc = 1 ] && grep -q 'REGRESSION' "$T/o4" && grep -q 'syscall.getppid' "$T/o4"
ok $? "a planted regression: exit 1 with the regression on stdout for cron to mail (got $rc: $(head -c 300 "$T/e4"))"
rep=$(cat "$T/hook.env" 2> /dev/null)
[ -n "$rep" ] && [ -f "$rep" ] && cmp -s "$rep" "$T/hook.txt"
ok $? "--on-regression ran its command with the report on stdin and HVS_NIGHTLY_REPORT set"

# One runner per state directory.
exec 8> "$S/.lock"
flock -n 8
cron_run "$S" config=default > /dev/null 2> "$T/e5"
rc=$?
exec 8>&-
[ $rc = 9 ] && grep -q 'lock' "$T/e5"
ok $? "a second runner on the same state directory is refused (exit $rc)"
