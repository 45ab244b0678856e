#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# refloop-eval.sh [N] [HVSCOPE] - does a short reference loop read around a
# run tell which of the host's speed states the run was in? N times (default
# 12): the loop (a dependent imul/add chain pinned by inline asm, x86-64; the
# fastest of 7 trials of 400 k iterations, ~3 ms), `hvscope run --quick
# --no-checks`, the loop again; prints both loop readings (ns per
# iteration) beside the run's CPU-only workload.cpu.intmix and its exit and
# syscall medians. docs/harness.md (regress, the quiet series) has the result.
# Writes only into a temporary directory, removed at the end.
set -eu
n=${1:-12} H=${2:-$(dirname "$0")/../bin/hvscope}
case $n in '' | *[!0-9]*) echo "refloop-eval: N must be a whole number" >&2; exit 2 ;; esac
[ "$(uname -m)" = x86_64 ] || { echo "refloop-eval: x86-64 only (inline asm)" >&2; exit 2; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat > "$t/ref.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <time.h>
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}
int main(void)
{
	double best = 1e30;

	for (int r = 0; r < 7; r++) {
		uint64_t x = 1, m = 6364136223846793005ULL, k = 400000;
		double t0 = now(), dt;

		__asm__ volatile("1:\n\timul %[m], %[x]\n\tadd $12345, %[x]\n\tdec %[k]\n\tjnz 1b"
				 : [x] "+r"(x), [k] "+r"(k) : [m] "r"(m) : "cc");
		dt = (now() - t0) / 400000;
		best = dt < best ? dt : best;
	}
	printf("%.4f\n", best);
	return 0;
}
C
cc -O2 -o "$t/ref" "$t/ref.c"
printf 'loop_before_ns\tloop_after_ns\tintmix_per_s\trdtsc_ns\tgetppid_ns\tcpuid_ns\n'
for i in $(seq 1 "$n"); do
	a=$("$t/ref")
	"$H" run --quick --no-checks --out "$t/r.json" > /dev/null 2>&1
	b=$("$t/ref")
	python3 - "$t/r.json" "$a" "$b" <<'PY'
import json, sys
d = {m["name"]: m["summary"].get("median") for m in json.load(open(sys.argv[1]))["metrics"] if m.get("summary")}
print("\t".join([sys.argv[2], sys.argv[3]] + ["%.4g" % d[k] for k in
      ("workload.cpu.intmix", "exit.rdtsc.rdtsc", "syscall.getppid", "exit.cpuid.0")]))
PY
done
