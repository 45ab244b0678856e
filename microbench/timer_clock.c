/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timer_clock.c - clock_gettime(CLOCK_MONOTONIC) through the vDSO and with
 * the vDSO bypassed (syscall(2)). The vDSO reads the clocksource in user
 * space only when it is vDSO-capable (tsc, kvm-clock with a stable TSC,
 * Hyper-V TSC page, Xen's pvclock when the hypervisor exposes it);
 * otherwise it falls back to the syscall, and the two figures converge.
 * The current clocksource is named in the metric.
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void body_vdso(void *arg, uint64_t iters)
{
	struct timespec ts;

	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void body_sys(void *arg, uint64_t iters)
{
	struct timespec ts;

	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_loop lv = { .body = body_vdso, .control = hvs_loop_empty };
	struct hvs_loop ls = { .body = body_sys, .control = hvs_loop_empty };
	struct hvs_metric *m;
	char cs[64] = "unknown";
	int ret;

	hvs_read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", cs, sizeof(cs));
	m = hvs_bench_metric(self, out, "vdso");
	if (!m)
		return -ENOMEM;
	ret = hvs_measure_loop(ctx, &lv, m);
	snprintf(m->what, sizeof(m->what), "clock_gettime(CLOCK_MONOTONIC) via the vDSO, clocksource %s", cs);
	if (ret)
		return ret;
	m = hvs_bench_metric(self, out, "syscall");
	if (!m)
		return -ENOMEM;
	ret = hvs_measure_loop(ctx, &ls, m);
	snprintf(m->what, sizeof(m->what), "clock_gettime(CLOCK_MONOTONIC) via syscall(2), clocksource %s", cs);
	return ret;
}

const struct hvs_bench hvs_bench_timer_clock = {
	.name = "timer.clock_gettime",
	.klass = "timer",
	.unit = "ns",
	.what = "clock_gettime(CLOCK_MONOTONIC): vDSO vs syscall (does the clocksource work in the vDSO?)",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
