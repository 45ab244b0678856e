/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_xgetbv.c - XGETBV(0) from ring 3: reads XCR0. Not intercepted by
 * VMX or SVM (only XSETBV is), so it is a native-cost control among the
 * exit benchmarks; a slow figure means software emulation (binary
 * translation, TCG) rather than hardware virtualization.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>
#include <stdio.h>

static void body(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++) {
		uint32_t lo, hi;

		__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0) : "memory");
	}
}

static const char *supported(char *why, size_t len)
{
	uint32_t r[4];

	hvs_cpuid(1, 0, r);
	/* OSXSAVE: the OS set CR4.OSXSAVE, without it XGETBV raises #UD. */
	if (!(r[2] & (1u << 27))) {
		snprintf(why, len, "CPUID.1:ECX.OSXSAVE[27] is clear: XGETBV would raise #UD");
		return why;
	}
	return NULL;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_loop l = { .body = body, .control = hvs_loop_empty };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);

	if (!m)
		return -ENOMEM;
	return hvs_measure_loop(ctx, &l, m);
}

const struct hvs_bench hvs_bench_exit_xgetbv = {
	.name = "exit.xgetbv",
	.klass = "exit",
	.unit = "ns",
	.what = "XGETBV(0) from ring 3: never intercepted by VMX/SVM, a native-cost control",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
