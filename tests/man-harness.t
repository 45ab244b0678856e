#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# man-harness.t - man/hvscope-{run,compare,ingest,regress,bench}.1 render without
# groff warnings and mention every option their command's --help lists.
set -u
cd "$HVS_SRC" || exit 1
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/need.sh"
need man-db cmd:man
echo "1..10"
n=0
for c in run compare ingest regress bench; do
	page=man/hvscope-$c.1
	n=$((n + 1))
	w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null)
	if [ -z "$w" ]; then echo "ok $n - $page renders without warnings"; else echo "not ok $n - $page: $w"; fi
	n=$((n + 1))
	missing=
	for opt in $("$HVSCOPE" $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$opt" = --help ] && continue
		grep -q -- "$(sed 's/-/\\\\-/g' <<< "$opt")" "$page" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then echo "ok $n - $c: every option documented"; else echo "not ok $n - $c: missing$missing"; fi
done
