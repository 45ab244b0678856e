/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timing.h - the clocks every measurement uses.
 *
 * rdtsc is not ordered with the surrounding instructions: a measured region
 * is opened with LFENCE;RDTSC;LFENCE (nothing earlier may still be executing,
 * nothing later may start) and closed with RDTSCP;LFENCE (RDTSCP waits for
 * earlier instructions; the LFENCE keeps later ones out). On AMD, LFENCE is
 * dispatch-serializing only when MSR C001_1029[1] is set, which Linux does on
 * every CPU that needs it (X86_FEATURE_LFENCE_RDTSC).
 */
#ifndef HVS_TIMING_H
#define HVS_TIMING_H

#include <stdint.h>

static inline uint64_t hvs_tsc_begin(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* 1 when the CPU has RDTSCP (CPUID 0x80000001 EDX[27]); -1 until probed. */
extern int hvs_rdtscp_state;
int hvs_rdtscp_probe(void);

static inline uint64_t hvs_tsc_end(void)
{
	uint32_t lo, hi, aux;

	if (__builtin_expect(hvs_rdtscp_state < 0, 0))
		hvs_rdtscp_probe();
	/*
	 * Not every CPU model has RDTSCP (QEMU's qemu64 lacks it): there
	 * LFENCE;RDTSC gives the same ordering for the end of a region.
	 */
	if (__builtin_expect(hvs_rdtscp_state, 1))
		__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	else
		__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t hvs_now_ns(void);

/* CLOCK_MONOTONIC_RAW in ns: not slewed by NTP, for calibrating the TSC. */
uint64_t hvs_raw_ns(void);

/*
 * TSC frequency in Hz: measured once against CLOCK_MONOTONIC_RAW (five
 * 1.5 ms windows, the median; cached for the process). Returns 0 when the TSC is not
 * usable (no invariant TSC is not fatal; the measurement still runs).
 */
double hvs_tsc_hz(void);

/* Cost in TSC ticks of an empty begin/end pair: median over many tries. */
double hvs_tsc_overhead(void);

#endif
