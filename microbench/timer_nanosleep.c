/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timer_nanosleep.c - nanosleep accuracy: how much later than requested a
 * sleep of 50 us and of 1 ms ends (CLOCK_MONOTONIC). The timer slack of
 * the thread is set to 1 ns for the measurement (the default 50 us would
 * dominate). A virtual timer (TSC deadline or LAPIC timer emulated by the
 * hypervisor, Xen's PV timer) adds the arm exit, the delivery and the
 * wake-up of a halted vCPU to every sleep.
 */
#include "bench.h"
#include "measure.h"
#include "core/timing.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

static int one(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx, struct hvs_metrics *out,
	       const char *suffix, long req_ns)
{
	unsigned n = ctx->samples ? ctx->samples : 31;
	struct hvs_metric *m = hvs_bench_metric(self, out, suffix);
	struct timespec req = { 0, req_ns };
	struct hvs_window w;
	double *s;

	if (!m)
		return -ENOMEM;
	s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	nanosleep(&req, NULL); /* warm-up */
	hvs_window_begin(&w);
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = hvs_now_ns(), t1;

		nanosleep(&req, NULL);
		t1 = hvs_now_ns();
		s[i] = ((double)(t1 - t0) - (double)req_ns) / 1e3;
	}
	hvs_window_end(&w, n, m);
	m->iterations = 1;
	hvs_metric_set_extra(m, "requested_us", (double)req_ns / 1e3);
	return hvs_metric_set_samples(m, s, n);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	int ret;

	prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
	ret = one(self, ctx, out, "50us", 50000);
	if (!ret)
		ret = one(self, ctx, out, "1ms", 1000000);
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
	return ret;
}

const struct hvs_bench hvs_bench_timer_nanosleep = {
	.name = "timer.nanosleep",
	.klass = "timer",
	.unit = "us",
	.what = "nanosleep overshoot (actual minus requested) for 50 us and 1 ms, timer slack 1 ns",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
