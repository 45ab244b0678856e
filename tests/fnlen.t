#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fnlen.t - no function in harness/ is over 120 lines (issue 12), save the
# few scripts/fnlen.sh allow-lists; and the checker itself is checked: a
# planted 130-line function fails it and is named, -n
# work, and a struct initialiser or a short function is not counted.
SRC=${HVS_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..6"

out=$(bash "$SRC/scripts/fnlen.sh" -C "$SRC" harness)
ok $? "no function in harness/ over 120 lines but the allow-listed$(echo "$out" | grep -v '(allowed)' | sed 's/^/; /' | tr '\n' ' ')"

mkdir -p "$T/harness/x"
{
	echo '/* a file */'
	echo 'static const int table[] = {'
	for i in $(seq 1 200); do echo "	$i,"; done
	echo '};'
	echo
	echo 'static int short_one(int a)'
	echo '{'
	echo '	return a;'
	echo '}'
} > "$T/harness/x/ok.c"
bash "$SRC/scripts/fnlen.sh" -C "$T" harness > /dev/null
ok $? "a 200-line initialiser and a short function pass"

{
	echo '/*'
	echo ' * long'
	echo ' */'
	echo 'int planted_long(int a,'
	echo '		 int b)'
	echo '{'
	for i in $(seq 1 125); do echo "	a += b * $i;"; done
	echo '	return a;'
	echo '}'
} > "$T/harness/x/long.c"
out=$(bash "$SRC/scripts/fnlen.sh" -C "$T" harness)
rc=$?
[ $rc = 1 ]
ok $? "a planted 130-line function fails the check (exit $rc)"
[ "$out" = "130 harness/x/long.c:4 planted_long" ]
ok $? "... named with its length and first line: $out"
bash "$SRC/scripts/fnlen.sh" -C "$T" -n 130 harness > /dev/null
ok $? "-n 130: the same function is at the limit, not over it"
bash "$SRC/scripts/fnlen.sh" -C "$T" -n 10 harness > /dev/null
[ $? = 1 ]
ok $? "-n 10: still fails"
