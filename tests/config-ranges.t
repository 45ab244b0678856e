#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# config-ranges.t - every numeric setting of a suites file and of a guest
# matrix file is range-checked (issue 16): 99999999999999999, -1, 0 (where
# 0 is out of range) and non-numbers are refused with exit 4 and one line
# "FILE:LINE: key = value: out of range [lo, hi]" (suites) or "line N: key =
# value: ..." (matrix), instead of wrapping to 1,569,325,055 or 4,294,967,295;
# values at the ends of the ranges are accepted; the command-line options
# share the ranges.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=${HVSCOPE:?}
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# suites: key lo hi (whole or real)
suites=("samples 2 1000000" "processes 1 1000" "min_sample_ms 0.001 60000" "budget_s 0.01 86400" "quick 0 1")
# matrix: key lo hi (all whole)
matrix=("timeout 1 86400" "disk 0 65536" "mem 64 1048576" "smp 1 256" "port 1 65535")
echo "1..$(( ${#suites[@]} * 6 + ${#matrix[@]} * 6 + 4 ))"

# refused RC STDERR-FILE PATTERN DESCRIPTION
refused() {
	local rc=$1 e=$2 pat=$3 what=$4
	[ "$rc" = 4 ] && [ "$(wc -l < "$e")" = 1 ] && grep -qF -- "$pat" "$e"
	ok $? "$what: exit 4, one line '$pat' (got $rc: $(head -c 200 "$e"))"
}

for s in "${suites[@]}"; do
	set -- $s
	k=$1 lo=$2 hi=$3
	for v in 99999999999999999 -1 0 five 12abc; do
		[ "$v" = 0 ] && [ "$lo" = 0 ] && v=2
		# line 5: a comment and a blank line before it count.
		printf '# mine\n\n[mine]\nselect = syscall.getppid\n%s = %s\n' "$k" "$v" > "$T/s.conf"
		$H run --suites "$T/s.conf" --suite mine --no-checks --list > /dev/null 2> "$T/e"
		rc=$?
		case $v in
		five | 12abc) pat="$T/s.conf:5: $k = $v: not a" ;;
		*) pat="$T/s.conf:5: $k = $v: out of range [$lo, $hi]" ;;
		esac
		refused $rc "$T/e" "$pat" "suites $k = $v"
	done
	printf '[mine]\nselect = syscall.getppid\n%s = %s\n[other]\n%s = %s\n' "$k" "$lo" "$k" "$hi" > "$T/s.conf"
	$H run --suites "$T/s.conf" --suite mine --no-checks --list > /dev/null 2> "$T/e"
	ok $? "suites $k = $lo and $hi (the ends of the range) are accepted"
done

for s in "${matrix[@]}"; do
	set -- $s
	k=$1 lo=$2 hi=$3
	for v in 99999999999999999 -1 0 five 12abc; do
		[ "$v" = 0 ] && [ "$lo" = 0 ] && v=65537
		printf '[defaults]\nrun = probe\n\n[target q]\nkind = qemu\n%s = %s\n' "$k" "$v" > "$T/m.conf"
		$H guest --matrix "$T/m.conf" --list > /dev/null 2> "$T/e"
		rc=$?
		case $v in
		five | 12abc) pat="line 6: $k = $v: not a whole number" ;;
		*) pat="line 6: $k = $v: out of range [$lo, $hi]" ;;
		esac
		refused $rc "$T/e" "$pat" "matrix $k = $v"
	done
	printf '[target q]\nkind = qemu\nrun = probe\n%s = %s\n[target r]\nkind = qemu\nrun = probe\n%s = %s\n' \
		"$k" "$lo" "$k" "$hi" > "$T/m.conf"
	$H guest --matrix "$T/m.conf" --list > /dev/null 2> "$T/e"
	ok $? "matrix $k = $lo and $hi (the ends of the range) are accepted"
done

# The options share the table: same ranges, same wording, exit 2.
$H run --samples 99999999999999999 --list > /dev/null 2> "$T/e"
[ $? = 2 ] && grep -qF -- "--samples = 99999999999999999: out of range [2, 1000000]" "$T/e"
ok $? "run --samples 99999999999999999: exit 2, the suites file's range"
$H run --processes 4294967297 --list > /dev/null 2> "$T/e"
[ $? = 2 ] && grep -qF -- "--processes = 4294967297: out of range [1, 1000]" "$T/e"
ok $? "run --processes 4294967297 (wraps to 1 as an int): exit 2"
$H guest --matrix "$T/m.conf" --timeout -1 --list > /dev/null 2> "$T/e"
[ $? = 2 ] && grep -qF -- "--timeout = -1: out of range [1, 86400]" "$T/e"
ok $? "guest --timeout -1: exit 2, the matrix's range"
# The built-in suites still load (run --list reads harness/run/suites.conf).
$H run --suite paper --list > /dev/null 2> "$T/e"
ok $? "the built-in suites are within the ranges"
