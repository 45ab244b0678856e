#!/bin/bash
# nightly.sh: two nights in a fresh state directory -> two results, a history
# with two runs, reports with the regress table (and, the second night, the
# compare against the first), exit 0; a planted regression in the history
# turns the exit code to 1. The unit files parse (systemd-analyze, if present).
. "${HVS_SRC:?}/tests/lib/need.sh"
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
export HVSCOPE HVS_NIGHTLY_DIR=$T/state HVS_RUN_ARGS="--bench syscall.getppid --no-checks" HVS_SUITE=quick
echo "1..7"
bash "$HVS_SRC/scripts/nightly.sh" > "$T/o1" 2>&1
ok $? "first night: exit 0 ($(tail -1 "$T/o1"))"
sleep 1
bash "$HVS_SRC/scripts/nightly.sh" > "$T/o2" 2>&1
ok $? "second night: exit 0"
[ "$(ls "$T/state/results" | wc -l)" = 2 ] && [ "$(sqlite3 "$T/state/history.db" 'select count(*) from runs')" = 2 ]
ok $? "two results, two runs in the history"
last=$(ls "$T/state/reports"/*.md | tail -1)
grep -q '^### hvscope regress' "$last" && grep -q '^## Against the previous night' "$last" && grep -q '^| syscall.getppid' "$last"
ok $? "the report has the regress table and the compare against the previous night"
python3 "$HVS_SRC/tests/lib/validate.py" "$T/state/results"/*.json 2> /dev/null
ok $? "nightly results validate"
# Plant a history with a step in the same context (from night 30 of 40),
# judged on its 2nd night at the new level: nights 0-31.
python3 "$HVS_SRC/tests/lib/mkmany.py" "$T/step" 40 --series step --prefix s --tag config=step --start 2030-01-01
"$HVSCOPE" ingest --quiet --db "$T/state/history.db" "$T/step"/s-000[0-2]*.json "$T/step"/s-0003[01].json
"$HVSCOPE" regress --db "$T/state/history.db" --context config --fail-on-regression > /dev/null
ok $([ $? = 1 ]; echo $?) "a planted step in the newest context: the gate exits 1"
if have systemd cmd:systemd-analyze; then
	cp "$HVS_SRC/scripts/hvscope-nightly.service" "$HVS_SRC/scripts/hvscope-nightly.timer" "$T/"
	out=$(systemd-analyze verify "$T/hvscope-nightly.timer" 2>&1 | grep -v -e 'ExecStart' -e 'User' -e 'Failed to' -e '^$' || true)
	[ -z "$out" ]
	ok $? "systemd units parse${out:+: $out}"
else
	echo "ok $((n + 1)) # SKIP systemd-analyze not installed"
fi
