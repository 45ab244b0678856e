/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timing.c - TSC calibration against the monotonic clock, and the cost of
 * the timer itself (subtracted from every measured region).
 */
#include "timing.h"
#include "stats.h"

#include <cpuid.h>
#include <time.h>

int hvs_rdtscp_state = -1;

int hvs_rdtscp_probe(void)
{
	unsigned a, b, c, d;

	hvs_rdtscp_state = __get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 27));
	return hvs_rdtscp_state;
}

uint64_t hvs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hvs_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double hvs_tsc_hz(void)
{
	static double hz;
	double est[5];

	if (hz > 0)
		return hz;
	/*
	 * Five 1.5 ms windows; the median rejects a window that was preempted.
	 * clock_gettime resolves ~50 ns here, so each window is good to ~3e-5.
	 */
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = hvs_raw_ns(), c0 = hvs_tsc_begin(), t1, c1;

		do
			t1 = hvs_raw_ns();
		while (t1 - t0 < 1500000ull);
		c1 = hvs_tsc_end();
		est[i] = (double)(c1 - c0) * 1e9 / (double)(t1 - t0);
	}
	hz = hvs_median(est, 5);
	return hz;
}

double hvs_tsc_overhead(void)
{
	static double ov = -1;
	double d[1001];

	if (ov >= 0)
		return ov;
	for (int i = 0; i < 1001; i++) {
		uint64_t a = hvs_tsc_begin();
		uint64_t b = hvs_tsc_end();

		d[i] = (double)(b - a);
	}
	ov = hvs_median(d, 1001);
	return ov;
}
