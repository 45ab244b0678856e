#!/bin/bash
# fuzz-quick.t - a bounded libFuzzer run (5 s) of the CPUID dump parser
# (tests/fuzz/fuzz_cpuid_dump.c) over the seed corpus. Skipped when clang's
# libFuzzer runtime is not installed. `make fuzz` runs longer.
set -u
cd "$HVS_SRC" || exit 1
. "$HVS_SRC/tests/lib/need.sh"
need clang cmd:clang
need libclang-rt-14-dev '/usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a'
echo "1..2"
log=$(make -s fuzz-build 2>&1)
if [ $? -ne 0 ]; then
	echo "not ok 1 - build the fuzz target"
	sed 's/^/# /' <<<"$log" | tail -20 >&2
	echo "not ok 2 - fuzz run"
	exit 1
fi
echo "ok 1 - build the fuzz target"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp tests/fuzz/corpus/* "$w/"
out=$(build/fuzz/fuzz_cpuid_dump -max_total_time=5 -max_len=65536 -timeout=5 \
	-artifact_prefix="$w/" "$w" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	echo "ok 2 - 5 s of fuzzing found nothing ($(grep -o 'stat::number_of_executed_units: [0-9]*' <<<"$out" | tail -1; grep -o '#[0-9]*.*DONE' <<<"$out" | head -c 80))"
else
	echo "not ok 2 - fuzzer found a crash (exit $rc)"
	tail -30 <<<"$out" | sed 's/^/# /'
	exit 1
fi
