#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# man-report.t - man/hvscope-report.1 renders without groff warnings and
# mentions every option `hvscope report --help` lists.
set -u
cd "$HVS_SRC" || exit 1
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/need.sh"
need man-db cmd:man
echo "1..2"
page=man/hvscope-report.1
w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
if [ -z "$w" ]; then echo "ok 1 - $page renders without warnings"; else echo "not ok 1 - $page: $w"; fi
missing=
for opt in $("$HVSCOPE" report --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	[ "$opt" = --help ] && continue
	grep -q -- "$(sed 's/-/\\\\-/g' <<<"$opt")" "$page" || missing="$missing $opt"
done
if [ -z "$missing" ]; then echo "ok 2 - every option documented"; else echo "not ok 2 - missing$missing"; fi
