#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# human-numbers.t - what compare and regress print for people carries SI
# units and plain decimals, never an exponent (1.172e+04 ns) and never the
# old "no change": the two-file and group forms of compare, its Markdown,
# and regress over a history, all on real result files from the kept series
# (tests/data/series). report and run are checked by report-partial.t.
. "$(dirname "$0")/lib/need.sh"
: "${HVSCOPE:?}" "${HVS_SRC:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/hvs-hn.XXXXXX")
trap 'rm -rf "$T"' EXIT
echo "1..5"
n=0
for i in 001 002 003 004 005 006 007 008; do
	gunzip -c "$HVS_SRC/tests/data/series/quick/$i.json.gz" > "$T/$i.json"
done
exp='[0-9]e[-+][0-9]'
"$HVSCOPE" compare "$T/001.json" "$T/002.json" > "$T/c1" 2>&1
"$HVSCOPE" compare "$T/001.json" "$T/002.json" "$T/003.json" -- "$T/004.json" "$T/005.json" "$T/006.json" > "$T/c2" 2>&1
"$HVSCOPE" compare --markdown "$T/001.json" "$T/002.json" -- "$T/003.json" "$T/004.json" > "$T/c3" 2>&1
"$HVSCOPE" ingest --quiet --db "$T/h.db" "$T"/0*.json
"$HVSCOPE" regress --db "$T/h.db" > "$T/r1" 2>&1
"$HVSCOPE" regress --db "$T/h.db" --markdown > "$T/r2" 2>&1
for f in c1 c2 c3 r1 r2; do
	bad=$(grep -hoE "[0-9.]+$exp[0-9]*" "$T/$f" | head -n 3)
	[ -s "$T/$f" ] && [ -z "$bad" ] && ! grep -q 'no change' "$T/$f" &&
		grep -qE '[0-9] (ns|µs|us|ms)' "$T/$f"
	st=$?
	n=$((n + 1))
	if [ $st = 0 ]; then echo "ok $n - $f: SI units, no exponent, no 'no change'"; else
		echo "not ok $n - $f: ${bad:+exponents: $bad; }$(head -c 300 "$T/$f")"; fi
done
