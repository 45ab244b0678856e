#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz-quick.t - a short libFuzzer pass (FUZZ_QUICK_S seconds, default 3)
# of every parser of untrusted input, each from its seed corpus in
# tests/fuzz/corpus/TARGET: CPUID dumps, result files, matrix files, suites
# files, ring-0 serial lines (tests/fuzz/fuzz.mk). `make fuzz` runs longer.
# A crash, a sanitizer report or a hang (-timeout=5) fails the test with
# libFuzzer's report on stderr.
set -u
cd "$HVS_SRC" || exit 1
. "$HVS_SRC/tests/lib/need.sh"
need clang cmd:clang
need libclang-rt-14-dev '/usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a'
targets=(cpuid_dump result matrix suites serial)
secs=${FUZZ_QUICK_S:-3}
echo "1..$((${#targets[@]} + 1))"
log=$(make -s fuzz-build 2>&1)
if [ $? -ne 0 ]; then
	echo "not ok 1 - build the fuzz targets"
	sed 's/^/# /' <<<"$log" | tail -20 >&2
	exit 1
fi
echo "ok 1 - build the fuzz targets (${targets[*]})"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
n=1
fail=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	mkdir -p "$w/$t"
	cp tests/fuzz/corpus/"$t"/* "$w/$t/"
	out=$(build/fuzz/fuzz_"$t" -max_total_time="$secs" -max_len=65536 -timeout=5 \
		-artifact_prefix="$w/$t." "$w/$t" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $n - fuzz_$t: $secs s found nothing ($(grep -o 'Done [0-9]* runs' <<<"$out" | tail -1))"
	else
		echo "not ok $n - fuzz_$t found a crash or hang (exit $rc)"
		{ echo "# fuzz_$t:"; tail -40 <<<"$out" | sed 's/^/#   /'; } >&2
		fail=1
	fi
done
exit $fail
