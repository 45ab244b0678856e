#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nightly.sh - the example nightly job: run the suite, ingest the result into
# the history, gate with `hvscope regress`, and write a Markdown report
# (regress against the history + compare against the previous night).
#
# Settings (environment):
#   HVSCOPE          the hvscope binary            (default: hvscope in PATH)
#   HVS_NIGHTLY_DIR  state: results/, reports/, history.db (default /var/lib/hvscope)
#   HVS_SUITE        suite to run                  (default: default)
#   HVS_TAGS         --tag value, e.g. host=box1,config=default (default: config=default)
#   HVS_CONTEXT      tags that define the context  (default: config)
#   HVS_WINDOW       runs of history to consider   (default: 30)
#   HVS_RUN_ARGS     extra arguments for `hvscope run` (e.g. --bench syscall.getppid)
#
# Exit: 0 no regression, 1 regression (the report says where it began),
# >= 2 the job itself failed (hvscope's codes: 2 usage, 3-5 bad input, 6 no
# SQLite, 9 I/O). Run it from cron (nightly.cron) or systemd
# (hvscope-nightly.service + .timer); one runner per state directory.
set -u -o pipefail

H=${HVSCOPE:-hvscope}
dir=${HVS_NIGHTLY_DIR:-/var/lib/hvscope}
suite=${HVS_SUITE:-default}
tags=${HVS_TAGS:-config=default}
context=${HVS_CONTEXT:-config}
window=${HVS_WINDOW:-30}
db=$dir/history.db
stamp=$(date -u +%Y%m%dT%H%M%SZ)

mkdir -p "$dir/results" "$dir/reports" || exit 9
prev=$(ls "$dir/results"/*.json 2> /dev/null | tail -n 1)
res=$dir/results/$stamp.json
report=$dir/reports/$stamp.md

# shellcheck disable=SC2086 # HVS_RUN_ARGS is a list of words on purpose
"$H" run --suite "$suite" --out "$res" --tag "$tags" ${HVS_RUN_ARGS:-} > "$dir/reports/$stamp.run.txt" || exit
"$H" ingest --quiet --db "$db" "$res" || exit

{
	echo "# hvscope nightly $stamp"
	echo
	echo "Result: \`$res\`, history: \`$db\` (context: $context = $tags, window $window)."
	echo
	"$H" regress --db "$db" --context "$context" --window "$window" --markdown
	if [ -n "$prev" ]; then
		echo
		echo "## Against the previous night"
		echo
		"$H" compare --markdown "$prev" "$res"
	fi
} > "$report.tmp" && mv "$report.tmp" "$report"

"$H" regress --db "$db" --context "$context" --window "$window" --fail-on-regression > /dev/null
rc=$?
case $rc in
0) echo "nightly $stamp: no regression; report $report" ;;
1) echo "nightly $stamp: REGRESSION; report $report" ;;
*) echo "nightly $stamp: regress failed (exit $rc)" >&2 ;;
esac
exit $rc
