/*
 * measure.c - calibrated, control-subtracted loop timing (see measure.h).
 */
#include "measure.h"
#include "timing.h"

#include <errno.h>
#include <stdlib.h>

static double time_ticks(hvs_loop_fn fn, void *arg, uint64_t iters)
{
	uint64_t t0 = hvs_tsc_begin();

	fn(arg, iters);
	return (double)(hvs_tsc_end() - t0);
}

int hvs_measure_loop(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
		     struct hvs_metric *m)
{
	double hz = hvs_tsc_hz(), timer = hvs_tsc_overhead();
	double min_ticks, *samples, *cyc = NULL, *ctl = NULL, ctl_med = 0;
	unsigned n = ctx->samples ? ctx->samples : 31;
	uint64_t iters = 1;
	uint64_t deadline;
	unsigned got = 0;
	int ret;

	if (hz <= 0)
		return -ENODEV;
	min_ticks = ctx->min_sample_ns * hz / 1e9;
	deadline = hvs_now_ns() + (uint64_t)(ctx->budget_s * 1e9);

	/* Warm-up and calibration: double until one sample is long enough. */
	l->body(l->arg, 1);
	while (time_ticks(l->body, l->arg, iters) < min_ticks && iters < (1ull << 40))
		iters *= 2;

	samples = calloc(n, sizeof(*samples));
	cyc = calloc(n, sizeof(*cyc));
	ctl = calloc(n, sizeof(*ctl));
	if (!samples || !cyc || !ctl) {
		ret = -ENOMEM;
		goto fail;
	}
	/* Interleave body and control so drift hits both alike. */
	while (got < n) {
		cyc[got] = time_ticks(l->body, l->arg, iters);
		ctl[got] = l->control ? time_ticks(l->control, l->arg, iters) : timer;
		got++;
		if (got >= 5 && hvs_now_ns() > deadline)
			break; /* over budget: fewer samples, said by n */
	}
	ctl_med = hvs_median(ctl, got);
	for (unsigned i = 0; i < got; i++) {
		double per = (cyc[i] - ctl_med) / (double)iters;

		cyc[i] = per;
		samples[i] = per * 1e9 / hz;
	}
	m->iterations = iters;
	m->overhead = ctl_med / (double)iters * 1e9 / hz;
	hvs_metric_set_extra(m, "cycles_per_op", hvs_median(cyc, got));
	hvs_metric_set_extra(m, "tsc_hz", hz);
	free(cyc);
	free(ctl);
	return hvs_metric_set_samples(m, samples, got);
fail:
	free(samples);
	free(cyc);
	free(ctl);
	return ret;
}
