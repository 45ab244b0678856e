#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# man.t - man/hvscope.1 renders without groff warnings and documents the
# probe, detect and cpuid commands and every option their --help lists.
set -u
cd "$HVS_SRC" || exit 1
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
. "$HVS_SRC/tests/lib/need.sh"
need man-db cmd:man
echo "1..4"
w=$(MANWIDTH=80 man --warnings -l man/hvscope.1 2>&1 >/dev/null)
[ -z "$w" ]
if [ $? = 0 ]; then echo "ok 1 - renders without warnings"; else echo "not ok 1 - warnings: $w"; fi
n=1
for c in probe detect cpuid; do
	n=$((n + 1))
	missing=
	for opt in $("$HVSCOPE" $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$opt" = --help ] && continue
		grep -q -- "$(sed 's/-/\\\\-/g' <<<"$opt")" man/hvscope.1 || missing="$missing $opt"
	done
	grep -q "^\.SS hvscope $c\$" man/hvscope.1 && [ -z "$missing" ]
	if [ $? = 0 ]; then echo "ok $n - $c and its options are documented"; else echo "not ok $n - $c: missing section or options:$missing"; fi
done
