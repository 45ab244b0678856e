/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_bounds.h - the one parameter set for "does this instruction cause a
 * VM exit?", shared by `probe --timing` (probes/exit_timing.c, which also
 * feeds the fingerprint) and `bench --infer` / `probe --infer`
 * (microbench/infer.c). Issue 11 found two sets in two units (core cycles
 * there, TSC ticks here); now both read these numbers, in core cycles.
 * (exit_timing.c scales TSC ticks to core cycles with a measured ADD chain;
 * infer.c has only the benchmarks' TSC ticks and takes them as cycles,
 * which they are when the core runs at the TSC rate.)
 *
 * It lives in core/ because both users sit below analysis/ in the floors
 * (harness/README.md): probes/ and microbench/ may include core/ only.
 *
 * Bare-metal CPUID costs about 100-250 cycles on every x86 core of the last
 * 15 years (Agner Fog's tables; leaf 0 is among the cheapest) and RDTSC
 * 20-50; the smallest VM exit round trip (hardware VM exit + entry alone,
 * before the hypervisor does any work) is several hundred cycles and a
 * handled CPUID exit is over 1000 (kvm-unit-tests' vmexit cpuid test:
 * typically 1000-2000 cycles on recent Intel and AMD hosts). Between an
 * instruction's native bound and the exit bound the answer is
 * "inconclusive", never a guess.
 */
#ifndef HVS_EXIT_BOUNDS_H
#define HVS_EXIT_BOUNDS_H

#include <math.h>

#define HVS_EXIT_MIN_CYCLES 1000.0        /* at or above: the instruction exits */
#define HVS_NATIVE_MAX_CYCLES 500.0       /* at or below: CPUID (any instruction) runs natively */
#define HVS_RDTSC_NATIVE_MAX_CYCLES 150.0 /* at or below: RDTSC/RDTSCP run natively */

/* The verdict on an instruction's cost: 1 exits, 0 native, -1 inconclusive (or not a number). */
static inline int hvs_exit_classify(double cycles, double native_max)
{
	if (!isfinite(cycles))
		return -1;
	if (cycles <= native_max)
		return 0;
	if (cycles >= HVS_EXIT_MIN_CYCLES)
		return 1;
	return -1;
}

#endif
