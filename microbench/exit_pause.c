/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_pause.c - PAUSE in a spin loop. Pause-loop exiting (Intel PLE, AMD
 * pause filter) makes a vCPU that spins on PAUSE for longer than a window
 * (KVM: ple_gap/ple_window, ~4096 cycles) exit so the hypervisor can run
 * the lock holder; a lone spinner then pays exits and yields. Native PAUSE
 * is ~10-140 cycles depending on the core (Skylake made it ~140). We report
 * ns per PAUSE in long loops; the ratio to the short-burst figure shows PLE.
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>

static void body(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		__asm__ __volatile__("pause" ::: "memory");
}

/* Bursts of 16 PAUSEs between function calls: too short for a PLE window. */
static void body_burst(void *arg, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++) {
		body(arg, 16);
		__asm__ __volatile__("" ::: "memory");
	}
}

static void control_burst(void *arg, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++) {
		hvs_loop_empty(arg, 16);
		__asm__ __volatile__("" ::: "memory");
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_loop spin = { .body = body, .control = hvs_loop_empty };
	struct hvs_loop burst = { .body = body_burst, .control = control_burst };
	struct hvs_metric *m = hvs_bench_metric(self, out, "spin");
	int ret;

	if (!m)
		return -ENOMEM;
	ret = hvs_measure_loop(ctx, &spin, m);
	if (ret)
		return ret;
	m = hvs_bench_metric(self, out, "burst16");
	if (!m)
		return -ENOMEM;
	ret = hvs_measure_loop(ctx, &burst, m);
	if (ret)
		return ret;
	/* Per PAUSE, like the spin metric. */
	for (size_t i = 0; i < m->nsamples; i++)
		m->samples[i] /= 16;
	m->overhead /= 16;
	return hvs_summarize(m->samples, m->nsamples, &m->summary);
}

const struct hvs_bench hvs_bench_exit_pause = {
	.name = "exit.pause",
	.klass = "exit",
	.unit = "ns",
	.what = "PAUSE per instruction in a long spin (pause-loop exiting) and in 16-PAUSE bursts",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
