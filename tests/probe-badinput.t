#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# probe-badinput.t - bad CPUID dumps and evidence files: truncated,
# garbage, huge, contradictory, missing. Each must give one line on stderr
# ("hvscope: ...") and its own exit code (3 parse, 5 too big, 9 I/O), or a
# verdict that says "unknown" - never a crash (run under SANITIZE=1 too).
set -u
HVSCOPE=${HVSCOPE:-$HVS_SRC/bin/hvscope}
CORPUS="$HVS_SRC/tests/corpus/public"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

echo "1..29"

# expect_err WANT_RC NAME ARGS... : exit code and exactly one "hvscope: " line on stderr
expect_err() {
	local want=$1 name=$2 rc lines
	shift 2
	"$HVSCOPE" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	[ $rc = "$want" ] && [ "$lines" = 1 ] && grep -q '^hvscope: ' "$T/err"
	ok $? "$name: exit $want and one error line (got $rc, $lines lines: $(head -c 150 "$T/err" | tr '\n' ' '))"
}

# A real dump in cpuid -r format, and one in RJCP XML
TODD="$CORPUS/kvm-firecracker-t2a-amd-epyc-m6ametal.txt"
XML="$CORPUS/kvm-qnx-guest-core-i7-6700t.txt"
if [ ! -r "$TODD" ]; then
	# build our own from the live CPU (same format)
	"$HVSCOPE" cpuid --dump >"$T/live.txt"
	TODD="$T/live.txt"
fi

# truncated in the middle of a row
head -c 700 "$TODD" >"$T/trunc.txt"
expect_err 3 "truncated cpuid -r row" probe --cpuid-dump "$T/trunc.txt"
expect_err 3 "truncated cpuid -r row (detect)" detect --cpuid-dump "$T/trunc.txt"
expect_err 3 "truncated cpuid -r row (cpuid)" cpuid --cpuid-dump "$T/trunc.txt"
if [ -r "$XML" ]; then
	head -c 3000 "$XML" >"$T/trunc.xml"
	expect_err 3 "XML cut before </processor>" probe --cpuid-dump "$T/trunc.xml"
	sed '0,/<register eax="00000001"/s//<register eax="0000000G"/' "$XML" >"$T/bad.xml"
	expect_err 3 "XML with a bad hex digit" probe --cpuid-dump "$T/bad.xml"
else
	ok 0 "# SKIP no RJCP XML dump in corpus"
	ok 0 "# SKIP no RJCP XML dump in corpus"
fi
printf '  Function    Subfunction   Pass        EAX         EBX         ECX         EDX\n----------\n  00000000    00000000      00000000    0000000D    756E6547    6C65746E    49656E69\n' >"$T/manusov.txt"
expect_err 3 "table without its closing line" probe --cpuid-dump "$T/manusov.txt"

# garbage
expect_err 3 "binary garbage (an ELF file)" probe --cpuid-dump "$HVSCOPE"
printf 'hello world\nthis is not a dump\n' >"$T/text.txt"
expect_err 3 "plain text" probe --cpuid-dump "$T/text.txt"
: >"$T/empty.txt"
expect_err 3 "empty file" probe --cpuid-dump "$T/empty.txt"
printf 'CPU:\n   0x00000000 0x00: eax=0x123456789 ebx=0x0 ecx=0x0 edx=0x0\n' >"$T/long.txt"
expect_err 3 "hex value over 32 bits" probe --cpuid-dump "$T/long.txt"
printf 'CPU:\n' >"$T/header.txt"
expect_err 3 "header without rows" probe --cpuid-dump "$T/header.txt"
head -c 4096 /dev/urandom >"$T/random.bin"
"$HVSCOPE" probe --cpuid-dump "$T/random.bin" >/dev/null 2>&1
rc=$?
[ $rc = 3 ]
ok $? "random bytes: exit 3 (got $rc)"

# huge
truncate -s 17M "$T/huge.txt"
expect_err 5 "17 MiB dump (over the 16 MiB limit)" probe --cpuid-dump "$T/huge.txt"
expect_err 5 "17 MiB dump (detect)" detect --cpuid-dump "$T/huge.txt"

# big but under the limit, rows in descending order: parsed without
# quadratic work (a 60 s watchdog, not a timing assertion)
awk 'BEGIN { print "CPU:"; for (i = 150000; i > 0; i--) printf "   0x%08x 0x00: eax=0x00000001 ebx=0x00000002 ecx=0x00000003 edx=0x00000004\n", i }' >"$T/big.txt"
out=$(timeout 60 "$HVSCOPE" probe --cpuid-dump "$T/big.txt" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q '^Verdict: unknown' <<<"$out"
ok $? "12 MB dump, 150000 rows in descending order: parsed, verdict unknown (no leaf 0), exit $rc"
awk 'BEGIN { print "<processor>"; for (i = 100000; i > 0; i--) printf "<register eax=\"%08X\" ecx=\"00000000\">00000001,00000002,00000003,00000004</register>\n", i; print "</processor>" }' >"$T/big.xml"
timeout 60 "$HVSCOPE" probe --cpuid-dump "$T/big.xml" >/dev/null 2>&1
ok $? "9 MB RJCP XML, 100000 registers: parsed (exit $?)"

# contradictory: the same leaf twice with other values
{ cat "$TODD"; echo "   0x00000001 0x00: eax=0xdeadbeef ebx=0x00000000 ecx=0x00000000 edx=0x00000000"; } >"$T/contra.txt"
expect_err 3 "leaf 1 twice with different values" probe --cpuid-dump "$T/contra.txt"
grep -q "contradictory" "$T/err"
ok $? "the error says contradictory"
# the same row twice with the same values is fine
{ cat "$TODD"; grep -m1 ' 0x00000001 0x00:' "$TODD"; } >"$T/dup.txt"
"$HVSCOPE" probe --cpuid-dump "$T/dup.txt" >/dev/null 2>&1
ok $? "an identical repeated row is accepted"

# only hypervisor leaves, no leaf 0/1: verdict unknown, detect cannot decide
grep ' 0x4000' "$TODD" | sed '1i CPU:' >"$T/nobasic.txt"
out=$("$HVSCOPE" probe --cpuid-dump "$T/nobasic.txt" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q '^Verdict: unknown' <<<"$out"
ok $? "no leaf 0/1: probe says Verdict: unknown (exit $rc)"
"$HVSCOPE" probe --json --cpuid-dump "$T/nobasic.txt" | python3 "$HVS_SRC/tests/validate-json.py" "$HVS_SRC/results-schema/fingerprint.schema.json"
ok $? "no leaf 0/1: JSON still valid"
expect_err 3 "no leaf 0/1: detect cannot decide" detect --cpuid-dump "$T/nobasic.txt"

# hypervisor leaves while the hypervisor bit is clear: lower confidence, said so
sed -E 's/^(   0x00000001 0x00: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x)[0-9a-f]/\10/' "$TODD" >"$T/nobit.txt"
out=$("$HVSCOPE" probe --cpuid-dump "$T/nobit.txt")
grep -q 'inconsistent' <<<"$out"
ok $? "hypervisor leaves without the hypervisor bit: evidence says inconsistent"

# missing files and bad evidence files
expect_err 9 "missing dump file" probe --cpuid-dump "$T/nope.txt"
expect_err 9 "missing dmidecode file" probe --cpuid-dump "$TODD" --dmidecode "$T/nope.txt"
expect_err 3 "dmidecode file that is not dmidecode output" probe --cpuid-dump "$TODD" --dmidecode "$T/text.txt"
# 1 MiB of the binary: binary content under the 4 MiB limit (the ASan
# binary itself is larger, which would test the size limit instead).
head -c 1048576 "$HVSCOPE" >"$T/binary.dat"
expect_err 3 "binary dmidecode file" probe --cpuid-dump "$TODD" --dmidecode "$T/binary.dat"

# usage errors
expect_err 2 "unknown option" probe --bogus
expect_err 2 "stray argument" detect extra

exit $fail
