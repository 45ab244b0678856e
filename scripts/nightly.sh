#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nightly.sh - the nightly job, installed as hvscope-nightly (make install,
# the .deb): run the suite, ingest the result into the history, gate with
# `hvscope regress`, write a Markdown report (regress against the history +
# compare against the previous night). Manual page: man/hvscope-nightly.1.
#
#   hvscope-nightly [--quiet] [--on-regression CMD]
#
#   --quiet              print nothing on a clean night (cron mails any output)
#   --on-regression CMD  on a regression, run CMD with sh -c, the report on its
#                        standard input and HVS_NIGHTLY_REPORT, HVS_NIGHTLY_RESULT,
#                        HVS_NIGHTLY_STAMP set (a webhook: curl --data-binary @-)
#
# Settings (environment):
#   HVSCOPE            the hvscope binary (default: the installed one)
#   HVS_NIGHTLY_DIR    state: results/, reports/, history.db (default /var/lib/hvscope)
#   HVS_SUITE          suite to run                  (default: default)
#   HVS_TAGS           --tag value, e.g. host=box1,config=default (default: config=default)
#   HVS_CONTEXT        tags that define the context  (default: config)
#   HVS_WINDOW         runs of history to consider   (default: 30)
#   HVS_RUN_ARGS       extra arguments for `hvscope run` (e.g. --bench syscall.getppid)
#   HVS_ON_REGRESSION  the same as --on-regression
#
# Exit: 0 no regression in at least one metric checked; 1 regression (the
# report, printed on standard output, says where it began); 4 no verdict:
# 0 metrics checked (a new context needs 5 nights of history before regress
# can judge a metric); 130/143 interrupted; other >= 2: the job itself
# failed, with hvscope's exit code (README). Only 0 is a good night, so a
# systemd unit fails and cron mails on everything else. One runner per
# state directory (a lock in it).
set -u -o pipefail

# make install rewrites this line with the installed path.
HVSCOPE_DEFAULT=hvscope
H=${HVSCOPE:-$HVSCOPE_DEFAULT}
quiet=0
hook=${HVS_ON_REGRESSION:-}
while [ $# -gt 0 ]; do
	case $1 in
	-q | --quiet) quiet=1 ;;
	--on-regression)
		[ $# -ge 2 ] || { echo "hvscope-nightly: --on-regression needs a command" >&2; exit 2; }
		hook=$2
		shift
		;;
	--on-regression=*) hook=${1#*=} ;;
	-h | --help) sed -n '3,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "hvscope-nightly: unknown argument '$1' (--quiet, --on-regression CMD, --help)" >&2; exit 2 ;;
	esac
	shift
done

dir=${HVS_NIGHTLY_DIR:-/var/lib/hvscope}
suite=${HVS_SUITE:-default}
tags=${HVS_TAGS:-config=default}
context=${HVS_CONTEXT:-config}
window=${HVS_WINDOW:-30}
db=$dir/history.db
stamp=$(date -u +%Y%m%dT%H%M%SZ)

say() { [ "$quiet" = 1 ] || echo "$@"; }
fail() { echo "hvscope-nightly $stamp: $*" >&2; }

if ! err=$(mkdir -p "$dir/results" "$dir/reports" 2>&1); then
	fail "cannot create the state directory $dir: $err"
	exit 9
fi
exec 9> "$dir/.lock" || { fail "cannot write $dir/.lock"; exit 9; }
if ! flock -n 9; then
	fail "another nightly job holds $dir/.lock"
	exit 9
fi

prev=$(ls "$dir/results"/*.json 2> /dev/null | tail -n 1)
res=$dir/results/$stamp.json
report=$dir/reports/$stamp.md
runlog=$dir/reports/$stamp.run.txt

# shellcheck disable=SC2086 # HVS_RUN_ARGS is a list of words on purpose
"$H" run --suite "$suite" --out "$res" --tag "$tags" ${HVS_RUN_ARGS:-} > "$runlog" 2>&1
rc=$?
if [ $rc != 0 ]; then
	fail "hvscope run failed (exit $rc); the end of $runlog:"
	tail -n 20 "$runlog" >&2
	exit $rc
fi
"$H" ingest --quiet --db "$db" "$res"
rc=$?
[ $rc = 0 ] || { fail "hvscope ingest into $db failed (exit $rc)"; exit $rc; }

# The verdict: regress's exit code, and the number of metrics it could
# judge (its JSON's "checked"): 0 checked is no verdict, never "no regression".
"$H" regress --db "$db" --context "$context" --window "$window" --json --fail-on-regression \
	> "$dir/reports/$stamp.regress.json"
rc=$?
if [ $rc -ge 2 ]; then
	fail "hvscope regress failed (exit $rc)"
	exit $rc
fi
# (the top-level keys come before the per-metric rows, which have "runs" too)
jnum() { grep -o "\"$1\": *[0-9][0-9]*" "$dir/reports/$stamp.regress.json" | head -n 1 | grep -o '[0-9]*$'; }
checked=$(jnum checked)
runs=$(jnum runs)

{
	echo "# hvscope nightly $stamp"
	echo
	echo "Result: \`$res\`, history: \`$db\` (context: $context = $tags, window $window)."
	echo
	"$H" regress --db "$db" --context "$context" --window "$window" --markdown 2> "$report.warn"
	if [ -n "$prev" ]; then
		echo
		echo "## Against the previous night"
		echo
		"$H" compare --markdown "$prev" "$res" 2>> "$report.warn"
	fi
	# their warnings (e.g. the two nights' load or steal differ) belong to
	# the report: on stderr, cron would mail them on a clean night
	if [ -s "$report.warn" ]; then
		echo
		sed 's/^/> /' "$report.warn"
	fi
} > "$report.tmp" && mv "$report.tmp" "$report"
rm -f "$report.warn"

if [ -z "$checked" ]; then
	fail "no verdict: cannot read the number of metrics checked from $dir/reports/$stamp.regress.json"
	exit 10
fi
if [ "$checked" = 0 ]; then
	fail "no verdict (inconclusive): 0 metrics checked; the history has ${runs:-?} run(s) of this context ($context of $tags) and regress needs 5 of a metric; report $report"
	exit 4
fi
if [ $rc = 0 ]; then
	say "hvscope-nightly $stamp: no regression in $checked metric(s) checked ($runs runs of the context); report $report"
	exit 0
fi

echo "hvscope-nightly $stamp: REGRESSION ($checked metric(s) checked); report $report"
echo
cat "$report"
if [ -n "$hook" ]; then
	HVS_NIGHTLY_REPORT=$report HVS_NIGHTLY_RESULT=$res HVS_NIGHTLY_STAMP=$stamp \
		sh -c "$hook" < "$report"
	hrc=$?
	[ $hrc = 0 ] || fail "the --on-regression command failed (exit $hrc)"
fi
exit 1
